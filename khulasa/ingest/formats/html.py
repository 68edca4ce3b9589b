"""HTML: the main text and metadata via trafilatura (Barbaresi 2021), with no network access."""

from __future__ import annotations

import json
from collections.abc import Iterator

from khulasa.ingest.formats.base import FormatError
from khulasa.ingest.records import make_article, optional, parse_date
from khulasa.ingest.source import Item, stem_of
from khulasa.models import Article
from khulasa.text.clean import encodable


def parse_html(text: str, item: Item, issues: list[str]) -> Iterator[Article]:
    import trafilatura

    extracted = trafilatura.extract(
        text, output_format="json", with_metadata=True, include_comments=False, include_tables=False,
        deduplicate=False, url=None,
    )
    if not extracted:
        raise FormatError("no main text", "the HTML has only scripts, styles or boilerplate", fatal=False)
    meta = json.loads(extracted)
    # trafilatura's JSON names the site "source-hostname" and the canonical URL "source".
    extra = encodable({k: meta[k] for k in ("author", "hostname", "excerpt", "categories", "tags") if meta.get(k)})
    article = make_article(
        item.path, issues, id=stem_of(item.name), text=meta.get("text") or "",
        source=optional(meta.get("source-hostname") or meta.get("sitename") or meta.get("hostname")),
        title=optional(meta.get("title")), date=parse_date(meta.get("date")),  # trafilatura's: YYYY-MM-DD
        url=optional(meta.get("source") or meta.get("url")), extra=extra,
    )
    if article is None:
        raise FormatError("no main text", "the HTML has only scripts, styles or boilerplate", fatal=False)
    yield article
