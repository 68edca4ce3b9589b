"""What the site's list pages show: one brief per story, the "latest" ranking, days, outlets, pages.

A brief is what a list needs of a story (never its summary or articles' texts), read in one pass over
``stories.jsonl`` with the byte offset of the record so story pages can be rendered one at a time.

**Latest first.** Stories are ranked by the day of their last article (newest first), then by their
*growth* — how many of their articles fall in the last ``GROWTH_DAYS`` days of the story (a story that
is still gathering reports goes before one that had its last word that day) — then by size and id.
Undated stories come last, largest first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAGE_SIZE = 100
"""Stories per list page (the latest pages, a day's pages, an outlet's pages)."""
GROWTH_DAYS = 2
"""A story's growth counts its articles dated in its last ``GROWTH_DAYS`` days."""


@dataclass(frozen=True)
class Brief:
    story_id: str
    title: str
    first_date: str | None
    last_date: str | None
    n_articles: int
    n_duplicates: int
    n_events: int
    outlets: tuple[str, ...]
    days: tuple[tuple[str, int], ...]
    """Articles per publication day, in date order."""
    growth: int
    offset: int
    developing: bool = False
    """Still growing when the stream ends: its last article is within ``GROWTH_DAYS`` of the newest
    story's, and at least two of its articles are from its last days, after earlier ones."""


def _day(value: Any) -> str | None:
    """The ISO day of a date string, or None when it is not one."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def brief_of(record: dict[str, Any], offset: int) -> Brief:
    days = Counter(d for d in (_day(a.get("date")) for a in record.get("articles", ())) if d)
    last = _day(record.get("last_date")) or (max(days) if days else None)
    growth = 0
    if last is not None:
        since = (dt.date.fromisoformat(last) - dt.timedelta(days=GROWTH_DAYS - 1)).isoformat()
        growth = sum(n for d, n in days.items() if since <= d <= last)
    return Brief(
        story_id=record["story_id"], title=record["title"], first_date=record.get("first_date"),
        last_date=record.get("last_date"), n_articles=record["n_articles"],
        n_duplicates=record.get("n_duplicates", 0), n_events=len(record.get("events") or ()),
        outlets=tuple(record.get("outlets", ())), days=tuple(sorted(days.items())), growth=growth,
        offset=offset,
    )


def read_briefs(path: Path) -> list[Brief]:
    """Every story's brief, latest first (``latest_key``), ``developing`` set."""
    out = []
    with open(path, "rb") as f:
        offset = 0
        for raw in f:
            if raw.strip():
                out.append(brief_of(json.loads(raw), offset))
            offset += len(raw)
    out.sort(key=latest_key)
    return mark_developing(out)


def mark_developing(briefs: list[Brief]) -> list[Brief]:
    """Set ``developing`` against the newest day of the stream (the clock of a site is its data)."""
    days = [d for d in (_day(b.last_date) for b in briefs) if d]
    if not days:
        return briefs
    since = (dt.date.fromisoformat(max(days)) - dt.timedelta(days=GROWTH_DAYS - 1)).isoformat()
    return [dataclasses.replace(b, developing=b.growth >= 2 and b.n_articles > b.growth
                                and (_day(b.last_date) or "") >= since) for b in briefs]


def latest_key(b: Brief) -> tuple[int, int, int, int, str]:
    last = _day(b.last_date)
    ordinal = dt.date.fromisoformat(last).toordinal() if last else 0
    return (0 if last else 1, -ordinal, -b.growth, -b.n_articles, b.story_id)


def pages(items: Sequence[Any], size: int = PAGE_SIZE) -> Iterator[Sequence[Any]]:
    """``items`` in slices of at most ``size`` (one empty page for no items: a list page always exists)."""
    if not items:
        yield items
        return
    for start in range(0, len(items), size):
        yield items[start:start + size]


def page_file(stem: str, number: int) -> str:
    """``stem.html`` for the first page, ``stem-p2.html`` and on after it."""
    return f"{stem}.html" if number == 1 else f"{stem}-p{number}.html"


def by_day(briefs: Sequence[Brief]) -> dict[str, list[tuple[Brief, int]]]:
    """Day → the stories with an article that day and how many, newest day first; in a day, stories
    with most articles that day first, then by size and id."""
    days: dict[str, list[tuple[Brief, int]]] = {}
    for b in briefs:
        for day, n in b.days:
            days.setdefault(day, []).append((b, n))
    for items in days.values():
        items.sort(key=lambda item: (-item[1], -item[0].n_articles, item[0].story_id))
    return {day: days[day] for day in sorted(days, reverse=True)}


def by_outlet(briefs: Sequence[Brief]) -> dict[str, list[Brief]]:
    """Outlet → its stories in the latest order; outlets with most stories first, then by id."""
    outlets: dict[str, list[Brief]] = {}
    for b in briefs:
        for outlet in b.outlets:
            outlets.setdefault(outlet, []).append(b)
    return {o: outlets[o] for o in sorted(outlets, key=lambda o: (-len(outlets[o]), o))}
