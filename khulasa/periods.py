"""A date at its precision, for people and for machines: the one formatting every renderer calls.

A timeline event knows the first day of its period, how precise it is (``day``, ``month`` or ``year``)
and, for a range, its last day.  ``2017-01-01`` with ``granularity="year"`` is the year 2017, and must
read ``2017``, never a first of January.  ``format_period`` gives the text a reader sees (``2017``,
``نيسان/أبريل 2017``, ``2017-04-04``, ``2011–2015``); ``period_iso`` the value for an HTML ``<time
datetime>`` or a sort key (``2017``, ``2017-04``, ``2017-04-04``); ``period_end`` the last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

GRANULARITIES = ("day", "month", "year")

MONTH_NAMES = (
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيو",
    "تموز/يوليو",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
)
"""Month names as Arab newsrooms pair them: the Levantine name, then the Gregorian one."""

RANGE_DASH = " – "
YEAR_DASH = "–"


def _check(granularity: str) -> None:
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity {granularity!r}: expected one of {', '.join(GRANULARITIES)}")


def period_iso(date: dt.date, granularity: str) -> str:
    """The date at its precision in ISO 8601: ``2017``, ``2017-04`` or ``2017-04-04`` (valid HTML
    ``datetime`` values)."""
    _check(granularity)
    iso = date.isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(granularity, iso)


def period_end(date: dt.date, granularity: str, end_date: dt.date | None = None) -> dt.date:
    """The last day of the period: ``end_date`` for a range, else the end of the day, month or year."""
    _check(granularity)
    if end_date is not None:
        return end_date
    if granularity == "year":
        return date.replace(month=12, day=31)
    if granularity == "month":
        following = (
            date.replace(year=date.year + 1, month=1, day=1)
            if date.month == 12
            else date.replace(month=date.month + 1, day=1)
        )
        return following - dt.timedelta(days=1)
    return date


def _one(date: dt.date, granularity: str, with_year: bool = True) -> str:
    if granularity == "year":
        return str(date.year)
    if granularity == "month":
        name = MONTH_NAMES[date.month - 1]
        return f"{name} {date.year}" if with_year else name
    return date.isoformat()


def format_period(date: dt.date, granularity: str, end_date: dt.date | None = None) -> str:
    """The date as a reader should see it, at its precision.

    ``2017`` (year), ``نيسان/أبريل 2017`` (month), ``2017-04-04`` (day).  A range shows both ends:
    ``2011–2015``, ``آذار/مارس – نيسان/أبريل 2017`` (one year written once),
    ``2016-10-09 – 2016-10-13``.  An ``end_date`` inside the same period (or ``None``) is no range.
    """
    _check(granularity)
    if end_date is None or period_iso(end_date, granularity) == period_iso(date, granularity):
        return _one(date, granularity)
    if granularity == "year":
        return f"{date.year}{YEAR_DASH}{end_date.year}"
    if granularity == "month" and date.year == end_date.year:
        return f"{_one(date, 'month', with_year=False)}{RANGE_DASH}{_one(end_date, 'month')}"
    return f"{_one(date, granularity)}{RANGE_DASH}{_one(end_date, granularity)}"


def format_event_period(event: Mapping[str, Any]) -> str:
    """``format_period`` of a timeline event as JSON has it (``date``, ``granularity``, ``end_date``
    as ISO strings): for templates that render the JSON (the stories pages)."""
    end = event.get("end_date")
    return format_period(
        dt.date.fromisoformat(event["date"]),
        event.get("granularity", "day"),
        dt.date.fromisoformat(end) if end else None,
    )
