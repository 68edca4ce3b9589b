"""Plain text: the whole file is one article, its id the file name without extension."""

from __future__ import annotations

from collections.abc import Iterator

from khulasa.ingest.records import make_article
from khulasa.ingest.source import Item, stem_of
from khulasa.models import Article


def parse_text(text: str, item: Item, issues: list[str]) -> Iterator[Article]:
    stem = stem_of(item.name)
    article = make_article(item.path, [], id=stem, text=text)
    if article is not None:
        yield article
