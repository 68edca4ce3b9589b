"""The JSON document of a summary (schema: ``khulasa/schema/summary.schema.json``, explained in
``docs/json.md``): the one document ``--format json`` prints and the HTTP service answers with.

A pure function of the ``Summary``: floats rounded to 4 decimals, keys in a fixed order, no timestamps.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from khulasa._version import __version__
from khulasa.models import Article, KeyTerm, SourceSpan, Summary, SummarySentence, TimelineEvent

FLOAT_DECIMALS = 4


def to_dict(summary: Summary) -> dict[str, Any]:
    """The JSON document of a summary (plain dicts, lists, strings and numbers only).

    Articles carry ``id, source, title, date, url, text, duplicate_of``; their ``path`` and ``extra``
    fields are left out so the output is lean and does not depend on where the input lay on disk.
    """
    duplicate_of = {dup: group.kept for group in summary.duplicates for dup in group.duplicates}
    return {
        "sentences": [_sentence_dict(s) for s in summary.sentences],
        "timeline": [_event_dict(e) for e in summary.timeline],
        "key_terms": [_term_dict(t) for t in summary.key_terms],
        "articles": [_article_dict(a, duplicate_of.get(a.id)) for a in summary.articles],
        "duplicates": [
            {"kept": g.kept, "duplicates": list(g.duplicates), "similarity": _round(g.similarity)}
            for g in summary.duplicates
        ],
        "options": _plain(summary.options.to_dict() if summary.options is not None else {}),
        "stats": {
            "n_articles": len(summary.articles),
            "n_sentences": int(summary.n_sentences),
            "n_units": int(summary.n_units),
            "n_words": summary.n_words,
        },
        "khulasa_version": __version__,
    }


def to_json(summary: Summary, indent: int | None = 2) -> str:
    """``to_dict`` as JSON text: UTF-8 characters kept, no trailing newline; compact when ``indent`` is None.

    Non-finite numbers raise ``ValueError`` rather than produce JSON that other parsers reject.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        to_dict(summary), ensure_ascii=False, indent=indent, separators=separators, allow_nan=False
    )


def _sentence_dict(s: SummarySentence) -> dict[str, Any]:
    return {
        "text": s.text,
        "sources": _spans(s.sources),
        "score": _round(s.score),
        "unit_id": int(s.unit_id),
        "article_id": s.article_id,
    }


def _event_dict(e: TimelineEvent) -> dict[str, Any]:
    return {
        "date": _iso(e.date),
        "end_date": _iso(e.end_date),
        "granularity": e.granularity,
        "expression": e.expression,
        "relative": bool(e.relative),
        "text": e.text,
        "sources": _spans(e.sources),
    }


def _term_dict(t: KeyTerm) -> dict[str, Any]:
    return {
        "text": t.text,
        "kind": t.kind,
        "score": _round(t.score),
        "articles": list(t.articles),
        "count": int(t.count),
    }


def _article_dict(a: Article, duplicate_of: str | None) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "title": a.title,
        "date": _iso(a.date),
        "url": a.url,
        "text": a.text,
        "duplicate_of": duplicate_of,
    }


def _spans(spans: Iterable[SourceSpan]) -> list[dict[str, Any]]:
    return [
        {"article_id": sp.article_id, "source": sp.source, "start": int(sp.start), "end": int(sp.end)}
        for sp in spans
    ]


def _round(x: float) -> float:
    # Adding 0.0 turns -0.0 into 0.0, so a score that rounds to zero prints the same whatever its sign.
    return round(float(x), FLOAT_DECIMALS) + 0.0


def _iso(d: dt.date | None) -> str | None:
    if d is None:
        return None
    if isinstance(d, dt.datetime):
        d = d.date()
    return d.isoformat()


def _plain(value: Any) -> Any:
    """Options as JSON values: floats rounded, dates as ISO strings, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return _round(value)
    if isinstance(value, dt.date):
        return _iso(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
