"""dateparser's ``search_dates`` against Khulasa's own date tagger, on the cases of tests/test_dates.py.

Why Khulasa does not depend on dateparser (recorded in docs/timeline.md).  dateparser is no longer a
declared dependency, but trafilatura's ``htmldate`` requires it, so it is installed all the same (do
not uninstall it: HTML reading needs it).

    python benchmarks/timeline_dateparser.py

Cases: the EXPLICIT, UNDERSPECIFIED, RELATIVE and NOT_DATES lists of tests/test_dates.py (each text
with its publication date, or none) and the 36 month names in "في 5 <name> 2014".  A case is right when
the dates found are exactly the expected ones, in order: each mention's first day, and the last day too
for a range (``بين عامي 2011 و2015``); for NOT_DATES, when nothing is found.  dateparser gets the
settings that suit these cases best: ``languages=["ar"]``, the publication date as ``RELATIVE_BASE``
when there is one, ``PREFER_DAY_OF_MONTH="first"`` and ``PREFER_MONTH_OF_YEAR="first"`` (a month or
year mention is its first day, as in Khulasa) and ``DATE_ORDER="DMY"`` (Arabic news writes 10/03/2017
for 10 March).  Khulasa's tagger (``khulasa.dates.parse_dates``) is scored by the same rule in the
same run.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from khulasa.dates import parse_dates  # noqa: E402
from tests import test_dates as cases  # noqa: E402


def expected_dates(mentions: list[tuple[str, dt.date, dt.date | None, str]]) -> list[dt.date]:
    out = []
    for _, date, end_date, _ in mentions:
        out.append(date)
        if end_date is not None:
            out.append(end_date)
    return out


def all_cases() -> list[tuple[str, str, dt.date | None, list[dt.date]]]:
    out = []
    for group in ("EXPLICIT", "UNDERSPECIFIED", "RELATIVE"):
        for text, published, expected in getattr(cases, group):
            out.append((group, text, published, expected_dates(expected)))
    for name, month in cases.MONTH_NAMES:
        out.append(("MONTH_NAMES", f"في 5 {name} 2014", None, [dt.date(2014, month, 5)]))
    for text in cases.NOT_DATES:
        out.append(("NOT_DATES", text, cases.MON, []))
    return out


def with_dateparser(text: str, published: dt.date | None) -> list[dt.date]:
    from dateparser.search import search_dates

    settings: dict = {"PREFER_DAY_OF_MONTH": "first", "PREFER_MONTH_OF_YEAR": "first", "DATE_ORDER": "DMY"}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time(12))
    found = search_dates(text, languages=["ar"], settings=settings) or []
    return [d.date() for _, d in found]


def with_khulasa(text: str, published: dt.date | None) -> list[dt.date]:
    dates = []
    for m in parse_dates(text, published):
        dates.append(m.date)
        if m.end_date is not None:
            dates.append(m.end_date)
    return dates


def main() -> None:
    import dateparser

    rows = all_cases()
    groups = list(dict.fromkeys(group for group, *_ in rows))
    print(f"dateparser {dateparser.__version__}; {len(rows)} cases from tests/test_dates.py")
    print("| cases | n | search_dates right | its misses (found nothing) | Khulasa right |")
    print("|---|---:|---:|---:|---:|")
    totals = [0, 0, 0, 0]
    examples = []
    started = time.perf_counter()
    for group in groups:
        n = right = missed = ours = 0
        for g, text, published, expected in rows:
            if g != group:
                continue
            theirs = with_dateparser(text, published)
            n += 1
            right += theirs == expected
            missed += not theirs and bool(expected)
            ours += with_khulasa(text, published) == expected
            if theirs != expected and len(examples) < 12:
                examples.append(f"{text!r} (published {published}): expected {expected}, got {theirs}")
        print(f"| {group} | {n} | {right} | {missed} | {ours} |")
        for k, v in enumerate((n, right, missed, ours)):
            totals[k] += v
    print(f"| all | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} |")
    print(f"({time.perf_counter() - started:.1f} s)\nFirst wrong answers of search_dates:")
    for line in examples:
        print(" -", line)


if __name__ == "__main__":
    main()
