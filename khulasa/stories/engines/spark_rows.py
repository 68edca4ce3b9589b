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
from khulasa.stories.cluster import Assignment, Member
from khulasa.stories.features import ArticleFeatures, extract
from khulasa.stories.options import StoryOptions
from khulasa.stories.run import story_line

ARTICLE_SCHEMA = (
    "seq long, id string, text string, source string, title string, date date, eff_date date, "
    "url string, path string, extra string"
)
FEATURE_SCHEMA = (
    "seq long, id string, date date, dated boolean, terms array<string>, weights array<double>, "
    "signature binary"
)
MEMBER_SCHEMA = "seq long, story_id string, rank long, position long, duplicate_of string, similarity double"
RECORD_SCHEMA = "rank long, story_id string, record string"

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


def features_of_batches(batches: Iterable[Any]) -> Iterator[Any]:
    """``mapInPandas``: article rows -> feature rows (runs on executors)."""
    import pandas as pd

    for pdf in batches:
        rows = []
        for row in pdf.to_dict("records"):
            f = extract(row_article(row), int(row["seq"]), _date(row["eff_date"]))
            rows.append(
                {
                    "seq": f.seq,
                    "id": f.id,
                    "date": f.date,
                    "dated": f.dated,
                    "terms": list(f.terms),
                    "weights": list(f.weights),
                    "signature": f.signature,
                }
            )
        yield pd.DataFrame(rows, columns=["seq", "id", "date", "dated", "terms", "weights", "signature"])


def row_features(row: Any) -> ArticleFeatures:
    return ArticleFeatures(
        seq=int(row["seq"]),
        id=row["id"],
        date=_date(row["date"]),
        dated=bool(row["dated"]),
        terms=tuple(row["terms"]),
        weights=tuple(float(w) for w in row["weights"]),
        signature=bytes(row["signature"]),
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
        assignment = Assignment(rows[0]["story_id"], rank, members)
        line = story_line(assignment, [row_article(r) for r in rows], options)
        return pd.DataFrame([{"rank": rank, "story_id": assignment.story_id, "record": line}])

    return records


def member_rows(assignment: Assignment, rank: int) -> list[dict[str, Any]]:
    return [
        {
            "seq": m.seq,
            "story_id": assignment.story_id,
            "rank": rank,
            "position": position,
            "duplicate_of": m.duplicate_of,
            "similarity": m.similarity,
        }
        for position, m in enumerate(assignment.members)
    ]
