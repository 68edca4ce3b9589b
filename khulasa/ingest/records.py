"""An article from a record: a JSON object (``id``, ``text``/``body``/``content``, ``source``, ``title``,
``date``, ``url``, anything else kept in ``Article.extra``), and the publication dates records carry.

The one reader of records, for every door: JSON and JSONL files, TREC and HTML fields
(``khulasa.ingest.formats``) and the HTTP service.  Files are read leniently (a bad record is skipped, an
unreadable date dropped, each with an issue for the report); the HTTP service reads ``strict``ly, since a
client can fix its request: an empty or repeated id, a text that is empty once cleaned and an unreadable
date raise ``InvalidRecordError`` naming the record and the field.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Mapping
from typing import Any

from khulasa.errors import InvalidRecordError, printable
from khulasa.models import Article
from khulasa.text.clean import clean_text, encodable, single_line

TEXT_KEYS = ("text", "body", "content")
ARTICLE_KEYS = frozenset({"id", "source", "title", "date", "url", *TEXT_KEYS})
EARLIEST_DATE = dt.date(1000, 1, 1)
LATEST_DATE = dt.date(8999, 12, 31)
"""Publication dates outside these are placeholders (``0001-01-01``, ``9999-12-31``), not dates: read as
unreadable.  The margin to ``datetime``'s own range keeps the date arithmetic of later stages (story
windows, relative dates in the timeline) from overflowing."""


def parse_date(value: object) -> dt.date | None:
    """A ``date`` from ISO ``YYYY-MM-DD``, an ISO datetime, RFC 2822 (``Tue, 20 Feb 2018 01:44:01 GMT``),
    or a ``date``/``datetime``; ``None`` when it cannot be read.  The date is the one written, in the
    writer's time zone (not converted to UTC).  Never raises: a date no ``datetime`` can hold (year
    99999999999, an offset of a billion hours), one outside ``EARLIEST_DATE``..``LATEST_DATE`` and a
    value of any other type are ``None``.
    """
    date = _read_date(value)
    return date if date is not None and EARLIEST_DATE <= date <= LATEST_DATE else None


def _read_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}(?:$|[T ])", text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year past C's int
        return None


def make_article(path: str | None, issues: list[str], *, id: str, text: str, where: str = "",
                 **fields: Any) -> Article | None:
    """An article of cleaned ``text``; ``None`` (with an issue) when nothing is left once cleaned."""
    cleaned = clean_text(text)
    if not cleaned:
        issues.append(f"{where or 'article'} {id!r}: no text")
        return None
    return Article(id=id, text=cleaned, path=printable(path) if path is not None else None, **fields)


def from_record(record: object, issues: list[str], *, default_id: str, where: str, path: str | None = None,
                strict: bool = False, index: int = 0, taken: set[str] | None = None) -> Article | None:
    """The article of one record, or ``None`` with an issue in ``issues`` when it has none.

    ``default_id`` is the id of a record without one (or with one of no visible character).  ``strict``
    (the HTTP service): an empty id, a text empty once cleaned and an unreadable date raise
    ``InvalidRecordError`` (with ``index``, the record's place) instead of being skipped or dropped, and
    so does an id already in ``taken``.
    """
    if not isinstance(record, dict):
        if strict:
            raise InvalidRecordError(index, "", f"expected an object, got {type(record).__name__}")
        issues.append(f"{where}: expected an object, got {type(record).__name__}, skipped")
        return None
    raw_id = record.get("id")
    article_id = encodable(str(raw_id).strip()) if raw_id is not None else ""
    if strict:  # the client's id as given: only an empty one is refused
        article_id = article_id if raw_id is not None else default_id
        if not article_id or (taken is not None and article_id in taken):
            raise InvalidRecordError(index, "id", f"{'duplicate' if article_id else 'empty'} id")
    elif not single_line(article_id):  # no visible character: the id is missing
        article_id = default_id
    body = next((record[k] for k in TEXT_KEYS if record.get(k) is not None), None)
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n\n".join(body)  # a list of paragraphs
    if not isinstance(body, str):
        if strict:
            raise InvalidRecordError(index, "text", f"no text field ({'/'.join(TEXT_KEYS)})")
        issues.append(f"{where}: no text field ({'/'.join(TEXT_KEYS)}), skipped")
        return None
    cleaned = clean_text(body)
    if strict and not cleaned:
        raise InvalidRecordError(index, "text", "no text once cleaned")
    raw_date = record.get("date")
    date = parse_date(raw_date)
    if raw_date not in (None, "") and date is None:
        if strict:
            raise InvalidRecordError(index, "date", f"cannot read {raw_date!r} as a date; use YYYY-MM-DD")
        issues.append(f"{where}: unreadable date {raw_date!r}, ignored")
    used = next(k for k in TEXT_KEYS if record.get(k) is not None)
    extra = encodable({k: v for k, v in record.items() if k not in ARTICLE_KEYS or (k in TEXT_KEYS and k != used)})
    if not cleaned:
        issues.append(f"{where} {article_id!r}: no text")
        return None
    return Article(
        id=article_id, text=cleaned, path=printable(path) if path is not None else None,
        source=optional(record.get("source")), title=optional(record.get("title")),
        date=date, url=optional(record.get("url")), extra=extra,
    )


def strict_articles(records: Iterable[Mapping[str, Any]], *, default_id: str = "article") -> list[Article]:
    """The HTTP service's reading of its request's articles: ``from_record`` in ``strict`` mode, record
    ``i`` (from 0) defaulting to the id ``{default_id}-{i + 1}``; a repeated id is an ``InvalidRecordError``."""
    articles: list[Article] = []
    seen: set[str] = set()
    for i, record in enumerate(records):
        article = from_record(dict(record), [], default_id=f"{default_id}-{i + 1}", where=f"record {i}",
                              strict=True, index=i, taken=seen)
        assert article is not None  # strict: every problem raised
        seen.add(article.id)
        articles.append(article)
    return articles


def optional(value: object) -> str | None:
    """A metadata field (source, title, URL): cleaned, on one line, ``None`` when empty."""
    if value is None:
        return None
    text = single_line(str(value))
    return text or None
