"""The JSON document of a summary (schema: ``khulasa/schema/summary.schema.json``, explained in
``docs/json.md``): the one document ``--format json`` prints and the HTTP service answers with.

A pure function of the ``Summary``: floats rounded to 4 decimals, keys in a fixed order, no timestamps.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from typing import Any

from khulasa._version import __version__
from khulasa.models import (
    Article,
    Comparison,
    Disagreement,
    KeyTerm,
    Quote,
    SourceSpan,
    Speaker,
    Summary,
    SummarySentence,
    TimelineEvent,
)

FLOAT_DECIMALS = 4


def to_dict(summary: Summary) -> dict[str, Any]:
    """The JSON document of a summary (plain dicts, lists, strings and numbers only).

    Articles carry ``id, source, title, date, url, text, duplicate_of``; their ``path`` and ``extra``
    fields are left out so the output is lean and does not depend on where the input lay on disk.
    """
    duplicate_of = {dup: group.kept for group in summary.duplicates for dup in group.duplicates}
    doc = {
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
    options = summary.options
    if options is not None and options.quotes:
        doc["quotes"] = [_quote_dict(q) for q in summary.quotes]
        doc["speakers"] = [_speaker_dict(s) for s in summary.speakers]
    if summary.comparison is not None:
        doc["comparison"] = _comparison_dict(summary.comparison)
    if options is not None and (options.quotes or options.compare):
        # The document's keys stay in one order: the analyses go before the stats and version.
        doc = {k: doc[k] for k in (*_ORDER, *doc) if k in doc}
    return doc


_ORDER = ("sentences", "timeline", "key_terms", "quotes", "speakers", "comparison")


def _quote_dict(q: Quote) -> dict[str, Any]:
    return {
        "id": int(q.id),
        "speaker": q.speaker,
        "speaker_id": q.speaker_id,
        "anonymous": bool(q.anonymous),
        "text": q.text,
        "verb": q.verb,
        "kind": q.kind,
        "sources": [
            {
                "article_id": s.article_id,
                "source": s.source,
                "start": int(s.start),
                "end": int(s.end),
                "kind": s.kind,
                "verb": s.verb,
                "speaker": s.speaker,
                "mention": s.mention,
                "sentence_index": int(s.sentence_index),
                "date": _iso(s.date),
            }
            for s in q.sources
        ],
    }


def _speaker_dict(s: Speaker) -> dict[str, Any]:
    return {
        "id": int(s.id),
        "name": s.name,
        "aliases": list(s.aliases),
        "anonymous": bool(s.anonymous),
        "n_quotes": int(s.n_quotes),
        "articles": list(s.articles),
    }


def _comparison_dict(c: Comparison) -> dict[str, Any]:
    return {
        "outlets": list(c.coverage.outlets),
        "coverage": [
            {"unit_id": int(r.unit_id), "text": r.text, "articles": list(r.articles), "outlets": list(r.outlets)}
            for r in c.coverage.rows
        ],
        "exclusive": [
            {"unit_id": int(e.unit_id), "text": e.text, "outlet": e.outlet, "sources": _spans(e.sources),
             "score": _round(e.score)}
            for e in c.exclusive
        ],
        "disagreements": [_disagreement_dict(d) for d in c.disagreements],
    }


def _disagreement_dict(d: Disagreement) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "fact": d.fact,
        "over_time": bool(d.over_time),
        "readings": [
            {
                "text": r.text,
                "low": _number(r.low),
                "high": _number(r.high),
                "sources": [
                    {
                        "article_id": s.article_id,
                        "source": s.source,
                        "start": int(s.start),
                        "end": int(s.end),
                        "sentence_start": int(s.sentence_start),
                        "sentence_end": int(s.sentence_end),
                        "date": _iso(s.date),
                        "published": s.published,
                    }
                    for s in r.sources
                ],
            }
            for r in d.readings
        ],
    }


def _number(x: float) -> float | None:
    """An interval bound: ``None`` for an open end (``أكثر من 20`` is ``[20, null]``)."""
    return None if math.isinf(x) else _round(x)


def to_json(summary: Summary, indent: int | None = 2) -> str:
    """``to_dict`` as JSON text: UTF-8 characters kept, no trailing newline; compact when ``indent`` is None.

    Non-finite numbers raise ``ValueError`` rather than produce JSON that other parsers reject.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        to_dict(summary), ensure_ascii=False, indent=indent, separators=separators, allow_nan=False
    )


def _sentence_dict(s: SummarySentence) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "text": s.text,
        "sources": _spans(s.sources),
        "score": _round(s.score),
        "unit_id": int(s.unit_id),
        "article_id": s.article_id,
    }
    if s.edits:  # the text shown differs from its source span (khulasa.readable.show)
        doc["edits"] = list(s.edits)
    if s.inserted:  # words shown that the span does not hold: where the article has them
        doc["inserted"] = [
            {"start": i.start, "end": i.end, "text": i.text, "source": _spans((i.source,))[0]} for i in s.inserted
        ]
    return doc


def _event_dict(e: TimelineEvent) -> dict[str, Any]:
    return {
        "date": _iso(e.date),
        "end_date": _iso(e.end_date),
        "granularity": e.granularity,
        "expression": e.expression,
        "relative": bool(e.relative),
        "background": bool(e.background),
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
