"""The words every format shows: kind labels, section headings, periods, outlet counts.

Shared by the summary formats (``khulasa.render``) and the stories site (``khulasa.stories.output``), so a
key term's kind reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt

from khulasa.models import TimelineEvent

TIMELINE_HEADING = "الخط الزمني"
KEY_TERMS_HEADING = "المصطلحات الرئيسية"

KIND_LABELS = {"person": "شخص", "place": "مكان", "organisation": "منظمة", "phrase": "عبارة", "actor": "فاعل"}
"""Arabic names of key-term kinds (``khulasa.keyterms.KINDS``, and ``actor`` as summaries before the four
kinds have it); unknown kinds are shown as they are (``kind_label``)."""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def one_line(text: str) -> str:
    return " ".join(text.split())


def period(e: TimelineEvent) -> str:
    """The date at its granularity (``2016``, ``2016-10``, ``2016-10-10``), with its end for a range."""

    def show(d: dt.date) -> str:
        iso = d.isoformat()
        return {"year": iso[:4], "month": iso[:7]}.get(e.granularity, iso)

    return show(e.date) + (f" – {show(e.end_date)}" if e.end_date and e.end_date != e.date else "")


def outlets_label(n: int) -> str:
    """'N sources' with Arabic number agreement (1, 2, 3-10, 11+)."""
    if n == 1:
        return "مصدر واحد"
    if n == 2:
        return "مصدران"
    if 3 <= n % 100 <= 10:
        return f"{n} مصادر"
    return f"{n} مصدرًا"
