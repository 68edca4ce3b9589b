"""What is being read and the state of one ``iter_articles`` call: ``Item`` (a file, an archive member
or stdin, as bytes to parse) and ``Context`` (the report, the ids seen, the real paths visited, the
sidecars read)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khulasa.errors import printable
from khulasa.ingest import decode as decoding  # its limits are read at call time: tests lower them
from khulasa.ingest.report import IngestReport, InputRecord
from khulasa.seen import SeenSet

logger = logging.getLogger("khulasa.ingest")

TOO_LARGE = f"larger than {decoding.MAX_FILE_BYTES // (1024 * 1024)} MiB"


@dataclass(frozen=True)
class Item:
    """One byte blob to parse: a file, an archive member or stdin."""

    path: str  # the real path or "archive:member"; shown (and kept as Article.path) through printable()
    name: str  # file name, for the extension and the default id
    explicit: bool  # named by the caller: failures raise instead of being skipped
    sidecar: Mapping[str, Mapping[str, Any]]


class Context:
    """State of one ``iter_articles`` call: the report, ids seen, real paths visited, sidecars read."""

    def __init__(self, report: IngestReport) -> None:
        self.report = report
        self.ids = SeenSet()  # flat memory on an endless stream
        self.visited: set[str] = set()
        self.sidecars: dict[str, Mapping[str, Mapping[str, Any]]] = {}

    def skip(self, path: str, reason: str, detail: str | None = None, *, quiet: bool = False) -> None:
        path, detail = printable(path), printable(detail) if detail is not None else None
        self.report.add(InputRecord(path, "skipped", reason=reason, detail=detail))
        log = logger.debug if quiet else logger.warning
        log("skipped %s: %s%s", path, reason, f" ({detail})" if detail else "")

    def unique_id(self, article_id: str, issues: list[str]) -> str:
        if article_id not in self.ids:
            self.ids.add(article_id)
            return article_id
        n = 2
        while f"{article_id}#{n}" in self.ids:
            n += 1
        new_id = f"{article_id}#{n}"
        self.ids.add(new_id)
        issues.append(f"duplicate id {article_id!r} renamed {new_id!r}")
        return new_id


def read_file(path: str) -> bytes:
    """A file's bytes, up to ``MAX_FILE_BYTES`` (more is an ``OSError``)."""
    with open(path, "rb") as f:
        data = f.read(decoding.MAX_FILE_BYTES + 1)
    if len(data) > decoding.MAX_FILE_BYTES:
        raise OSError(0, TOO_LARGE)
    return data


def suffix_of(name: str) -> str:
    """``".txt"`` for ``a.b.TXT``; ``""`` without an extension (string ops: this runs per archive member)."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def stem_of(name: str) -> str:
    """``"a.b"`` for ``a.b.txt``: the default id of a file's article."""
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name
