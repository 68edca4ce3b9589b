"""What Spark executors run for the Spark engine, and the rows they exchange with the driver.

Articles travel as rows of ``ARTICLE_SCHEMA`` (``article_row`` / ``row_article``: the data model's
``None`` for pandas' NaN and NaT), features as rows of ``FEATURE_SCHEMA`` (``features_of_batches``, a
``mapInPandas`` function), the clusterer's stories as member rows (``member_rows``), and each story
comes back as its JSONL line (``story_records``, an ``applyInPandas`` function running
``khulasa.stories.run.story_line``).  PySpark and pandas are imported only where they are used.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from khulasa.models import Article
from khulasa.stories.cluster import Assignment, Member, StoryEvent
from khulasa.stories.features import ArticleFeatures, extract
from khulasa.stories.options import StoryOptions
from khulasa.stories.run import story_line
from khulasa.stories.signals import EventSignals
from khulasa.stories.story import Earlier
from khulasa.stories.update import summarize_here

ARTICLE_SCHEMA = (
    "seq long, id string, text string, source string, title string, date date, eff_date date, "
    "url string, path string, extra string"
)
FEATURE_SCHEMA = (
    "seq long, id string, date date, dated boolean, terms array<string>, weights array<double>, "
    "signature binary, signal_title array<string>, entities array<string>, numbers array<string>, "
    "lead_terms array<string>, lead_weights array<double>"
)
"""The features of an article; the last five columns are its event signals (null unless the clusterer
reads them: ``khulasa.stories.cluster.needs_signals``)."""
FEATURE_COLUMNS = ("seq", "id", "date", "dated", "terms", "weights", "signature", "signal_title", "entities",
                   "numbers", "lead_terms", "lead_weights")
MEMBER_SCHEMA = (
    "seq long, story_id string, rank long, position long, duplicate_of string, similarity double, "
    "event long, event_id string"
)
"""A member of a story; ``event`` / ``event_id``: the number of its event in the story and its id
(-1 and null from a clusterer without events)."""
RECORD_SCHEMA = "rank long, story_id string, record string"
EARLIER_SCHEMA = "earlier_ids string, earlier_sentences string"
"""What the reader of an update has read (``story.Earlier``), as JSON lists on a story's first member
row (null elsewhere, and on every row of a story that is not an update)."""

def _none(value: Any) -> Any:
    """pandas gives NaN or NaT for a missing value; the data model says None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas comes with the extra
        pass
    return value


def _date(value: Any) -> dt.date | None:
    value = _none(value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return value.to_pydatetime().date()  # a pandas Timestamp


def article_row(seq: int, article: Article, eff_date: dt.date | None) -> dict[str, Any]:
    return {
        "seq": seq,
        "id": article.id,
        "text": article.text,
        "source": article.source,
        "title": article.title,
        "date": article.date,
        "eff_date": eff_date,
        "url": article.url,
        "path": article.path,
        "extra": json.dumps(dict(article.extra), ensure_ascii=False, default=str),
    }


def row_article(row: Any) -> Article:
    extra = _none(row["extra"])
    return Article(
        id=row["id"],
        text=row["text"],
        source=_none(row["source"]),
        title=_none(row["title"]),
        date=_date(row["date"]),
        url=_none(row["url"]),
        path=_none(row["path"]),
        extra=json.loads(extra) if extra else {},
    )


def features_of_batches(batches: Iterable[Any], signals: bool = False) -> Iterator[Any]:
    """``mapInPandas``: article rows -> feature rows (runs on executors); with ``signals``, the event
    signals too (``functools.partial(features_of_batches, signals=True)``)."""
    import pandas as pd

    for pdf in batches:
        rows = []
        for row in pdf.to_dict("records"):
            f = extract(row_article(row), int(row["seq"]), _date(row["eff_date"]), signals=signals)
            s = f.signals
            rows.append(
                {
                    "seq": f.seq,
                    "id": f.id,
                    "date": f.date,
                    "dated": f.dated,
                    "terms": list(f.terms),
                    "weights": list(f.weights),
                    "signature": f.signature,
                    "signal_title": None if s is None else list(s.title),
                    "entities": None if s is None else list(s.entities),
                    "numbers": None if s is None else list(s.numbers),
                    "lead_terms": None if s is None else list(s.lead_terms),
                    "lead_weights": None if s is None else list(s.lead_weights),
                }
            )
        yield pd.DataFrame(rows, columns=list(FEATURE_COLUMNS))


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def row_features(row: Any) -> ArticleFeatures:
    signals = None
    if _none(row["lead_terms"]) is not None:
        signals = EventSignals(
            title=_strings(row["signal_title"]),
            entities=_strings(row["entities"]),
            numbers=_strings(row["numbers"]),
            lead_terms=_strings(row["lead_terms"]),
            lead_weights=tuple(float(w) for w in row["lead_weights"]),
        )
    return ArticleFeatures(
        seq=int(row["seq"]),
        id=row["id"],
        date=_date(row["date"]),
        dated=bool(row["dated"]),
        terms=tuple(row["terms"]),
        weights=tuple(float(w) for w in row["weights"]),
        signature=bytes(row["signature"]),
        signals=signals,
    )


def story_records(options: StoryOptions) -> Callable[[Any], Any]:
    """``applyInPandas``: one story's member rows joined with their articles -> its record (executors)."""

    def records(pdf: Any) -> Any:
        import pandas as pd

        rows = sorted(pdf.to_dict("records"), key=lambda r: int(r["position"]))
        members = tuple(
            Member(
                id=r["id"],
                seq=int(r["seq"]),
                date=_date(r["date"]),
                similarity=float(r["similarity"]),
                duplicate_of=_none(r["duplicate_of"]),
            )
            for r in rows
        )
        rank = int(rows[0]["rank"])
        assignment = Assignment(rows[0]["story_id"], rank, members, row_events(rows))
        earlier = row_earlier(rows[0])
        articles = [row_article(r) for r in rows]
        if earlier is None:
            line = story_line(assignment, articles, options)
        else:  # an update: the very function of the embedded engine's updates
            line = summarize_here([(assignment, articles, earlier)], options)[0]
        return pd.DataFrame([{"rank": rank, "story_id": assignment.story_id, "record": line}])

    return records


def earlier_columns(earlier: Earlier | None) -> dict[str, str | None]:
    """``EARLIER_SCHEMA``'s columns of ``earlier`` (ids sorted: the same rows for the same input)."""
    if earlier is None:
        return {"earlier_ids": None, "earlier_sentences": None}
    return {"earlier_ids": json.dumps(sorted(earlier.ids), ensure_ascii=False),
            "earlier_sentences": json.dumps(list(earlier.sentences), ensure_ascii=False)}


def row_earlier(row: dict[str, Any]) -> Earlier | None:
    """The ``Earlier`` on a story's first member row, or None (batch rows have no such columns)."""
    ids = _none(row.get("earlier_ids"))
    if ids is None:
        return None
    return Earlier(frozenset(json.loads(ids)), tuple(json.loads(row["earlier_sentences"])))


def row_events(rows: list[dict[str, Any]]) -> tuple[StoryEvent, ...]:
    """A story's events from its member rows (in position order): ``event`` numbers them in time order."""
    events: dict[int, tuple[str, list[int]]] = {}
    for position, r in enumerate(rows):
        number = _none(r.get("event"))
        if number is not None and int(number) >= 0:
            events.setdefault(int(number), (str(r["event_id"]), []))[1].append(position)
    return tuple(StoryEvent(events[n][0], tuple(events[n][1])) for n in sorted(events))


def event_columns(assignment: Assignment) -> list[tuple[int, str | None]]:
    """Per member of ``assignment``: the number of its event in the story and its id (-1, None: none)."""
    out: list[tuple[int, str | None]] = [(-1, None)] * len(assignment.members)
    for number, event in enumerate(assignment.events):
        for position in event.positions:
            out[position] = (number, event.event_id)
    return out


def member_rows(assignment: Assignment, rank: int) -> list[dict[str, Any]]:
    return [
        {
            "seq": m.seq,
            "story_id": assignment.story_id,
            "rank": rank,
            "position": position,
            "duplicate_of": m.duplicate_of,
            "similarity": m.similarity,
            "event": event,
            "event_id": event_id,
        }
        for position, (m, (event, event_id)) in enumerate(
            zip(assignment.members, event_columns(assignment), strict=True))
    ]
