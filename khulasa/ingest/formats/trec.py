"""TREC-style ``<DOC>`` files (the layout of TREC/CLEF collections and the ANT corpus, Chouigui et al.
2021), parsed tolerantly with a tag scanner since they are not well-formed XML."""

from __future__ import annotations

import re
from collections.abc import Iterator

from khulasa.ingest.records import make_article, optional, parse_date
from khulasa.ingest.source import Item, stem_of
from khulasa.models import Article
from khulasa.text.clean import clean_text, single_line

# TREC: a tag scanner rather than an XML parser, since the files are not XML (raw "&", missing closers).
_TREC_FIELDS = {
    "DOCNO": "id", "DOCID": "id", "URL": "url", "SRC": "source", "SOURCE": "source", "CAT": "category",
    "TITLE": "title", "HEADLINE": "title", "HL": "title", "TIME": "time", "DATE": "time",
    "DATE_TIME": "time", "AUTHOR": "author", "BYLINE": "author", "ABSTRACT": "abstract", "TEXT": "text",
}
# Attributes are allowed: Arabic Gigaword opens documents with <DOC id="AFP_ARB_..." type="story" >.
_TREC_TAG = re.compile(
    r"<(/?)(DOC|" + "|".join(sorted(_TREC_FIELDS, key=len, reverse=True)) + r")(\s[^<>]*)?>", re.I
)
TREC_HEAD = re.compile(r"<doc[\s>]")
_TREC_DOC_ID = re.compile(r"""\bid\s*=\s*["']?([^"'\s>]+)""", re.I)
_TREC_PARAGRAPH = re.compile(r"</?P>", re.I)
_TREC_LEFTOVER_TAG = re.compile(r"</?[A-Z][A-Z_]{1,11}>")  # a misspelt tag such as </TEX>


def parse_trec(text: str, item: Item, issues: list[str]) -> Iterator[Article]:
    for n, doc in enumerate(_trec_docs(text), start=1):
        article_id = (single_line(doc.get("id", "")) or single_line(doc.get("attribute_id", ""))
                      or f"{stem_of(item.name)}-{n}")  # <DOCNO>, else <DOC id="...">
        body = _TREC_LEFTOVER_TAG.sub("", _TREC_PARAGRAPH.sub("\n\n", doc.get("text", "")))
        time = single_line(doc.get("time", ""))
        date = parse_date(time)
        if time and date is None:
            issues.append(f"doc {article_id!r}: unreadable TIME {time!r}")
        extra = {k: single_line(doc[k]) for k in ("category", "author", "time") if doc.get(k)}
        extra["abstract"] = clean_text(doc.get("abstract", ""))  # BBC's is a reference summary: keep lines
        article = make_article(
            item.path, issues, id=article_id, text=body, where="doc",
            source=optional(doc.get("source")), title=optional(doc.get("title")),
            date=date, url=optional(doc.get("url")), extra={k: v for k, v in extra.items() if v},
        )
        if article is not None:
            yield article


def _trec_docs(text: str) -> Iterator[dict[str, str]]:
    """Field dicts of each ``<DOC>``: a field runs to its closing tag or to the next known tag."""
    doc: dict[str, str] | None = None
    current: str | None = None
    start = 0
    for match in _TREC_TAG.finditer(text):
        if current is not None and doc is not None:
            value = text[start : match.start()]
            doc[current] = f"{doc[current]}\n\n{value}" if current in doc else value
        current = None
        closing, tag = match.group(1), match.group(2).upper()
        if tag == "DOC":
            if doc:
                yield doc
            doc = None if closing else {}
            attribute_id = _TREC_DOC_ID.search(match.group(3) or "")
            if doc is not None and attribute_id:
                doc["attribute_id"] = attribute_id.group(1)
        elif not closing:
            if doc is None:
                doc = {}  # a field outside any <DOC>: the opening tag is missing, keep what follows
            current, start = _TREC_FIELDS[tag], match.end()
    if current is not None and doc is not None:
        value = text[start:]
        doc[current] = f"{doc[current]}\n\n{value}" if current in doc else value
    if doc:
        yield doc
