"""What every input format shares: the ``Parser`` protocol and ``FormatError``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from khulasa.ingest.source import Item
from khulasa.models import Article


class Parser(Protocol):
    """A format's reader: the articles of a decoded ``text`` (one file, archive member or stdin), each
    built through ``khulasa.ingest.records``; problems inside the text go to ``issues``.  Raises
    ``FormatError`` when the text is not of the format or holds no article."""

    def __call__(self, text: str, item: Item, issues: list[str], /) -> Iterator[Article]: ...


class FormatError(ValueError):
    """The content does not parse as its format, or holds no article (``fatal=False``: skip, never raise)."""

    def __init__(self, reason: str, detail: str, *, fatal: bool = True) -> None:
        super().__init__(detail)
        self.reason = reason
        self.fatal = fatal
