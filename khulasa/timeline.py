"""Dates in Arabic news text, and the story's timeline built from them.

A rule-based temporal tagger in the manner of HeidelTime (Strötgen & Gertz, "HeidelTime: High quality
rule-based extraction and normalization of temporal expressions", SemEval 2010): precompiled patterns
find explicit dates (``24 نوفمبر/تشرين الثاني 2015``), underspecified ones (``الجمعة 10 مارس/آذار``,
``في أغسطس/آب``), relative ones (``أمس``, ``اليوم الاثنين``, ``الشهر الماضي``, ``السبت المقبل``) and
anaphoric ones (``في 28 من الشهر ذاته``); each is then normalized against the document creation time
(the article's publication date) or against the previous mention in the text.  The rules are
documented in ``docs/timeline.md``.

Patterns run over a folded copy of the text whose folds are all one character to one character
(digits, alef/hamza seats, ``ى``, ``ة``), so match offsets are offsets in the original text.

``extract_timeline`` turns the date mentions of information units (groups of near-identical sentences,
``khulasa.dedup``) into ``TimelineEvent``s with every supporting source.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources

from khulasa.models import Article, InfoUnit, Sentence, SourceSpan, TimelineEvent
from khulasa.periods import GRANULARITIES as GRANULARITIES  # re-exported: fuzz/run.py checks mentions with it
from khulasa.periods import period_end
from khulasa.text.fold import fold_dates
from khulasa.text.normalize import STOPWORDS, normalize, terms
from khulasa.text.patterns import alternation
from khulasa.text.verbs import is_verb, looks_like_verb

FUTURE_WINDOW_DAYS = 45
"""A date written without a year gets the latest year that puts it at most this far after publication..."""
FUTURE_TENSE_WINDOW_DAYS = 300
"""... or this far when its sentence speaks of the future (``سوف``, ``سيعقد``, ``المقرر``, ``المقبل``)."""
MERGE_THRESHOLD = 0.4
"""Set cosine of the clauses' stemmed content terms (the date left out) above which two events on the
same date are one: the same event in another outlet's words."""


@dataclass(frozen=True)
class DateMention:
    """A date expression in a text: ``text[start:end] == expression``.

    ``date`` is the first day of the period (``granularity`` ``"day"``, ``"month"`` or ``"year"``);
    ``end_date`` the last day of a range (``من 9 وإلى 13 تشرين الأول``), else ``None``.  ``relative``
    tells whether resolving it needed the publication date (``أمس``, ``الشهر الماضي``, a date
    without a year); ``deictic`` whether it is the day of publication or one next to it by a word
    alone (``اليوم``, ``أمس``, ``غدا``, with or without a weekday).
    """

    start: int
    end: int
    expression: str
    date: dt.date
    end_date: dt.date | None
    granularity: str
    relative: bool
    deictic: bool = False


# --- tables ------------------------------------------------------------------------------------------

# Every fold is one character to one character (``khulasa.text.fold.fold_dates``), so offsets in the
# folded text are offsets in the text.
_fold = fold_dates


def _compile(pattern: str) -> re.Pattern[str]:
    """Patterns are written in ordinary spelling (إلى, حتى) and folded like the text they search."""
    return re.compile(_fold(pattern))


def _load_months() -> dict[str, int]:
    raw = resources.files("khulasa").joinpath("data/months_ar.tsv").read_text(encoding="utf-8")
    months: dict[str, int] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, number, _family = line.split("\t")
        months[" ".join(_fold(name).split())] = int(number)
    return months


MONTHS = _load_months()
"""Folded month name (Gregorian, Levantine, Maghrebi, Moroccan) -> month number."""
WEEKDAYS = {
    _fold(name): number
    for number, name in enumerate(("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"))
}
"""Folded weekday name -> ``date.weekday()``."""


def _ordinals() -> dict[str, int]:
    units = ("الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع")
    table = {name: i for i, name in enumerate(units, 1)}
    table["العاشر"] = 10
    table["الحادي عشر"] = 11
    table.update({f"{name} عشر": 10 + i for i, name in enumerate(units[1:], 2)})
    table["العشرين"] = 20
    table["الحادي والعشرين"] = 21
    table.update({f"{name} والعشرين": 20 + i for i, name in enumerate(units[1:], 2)})
    table["الثلاثين"] = 30
    table["الحادي والثلاثين"] = 31
    return {_fold(k): v for k, v in table.items()}


ORDINAL_DAYS = _ordinals()
"""Folded ordinal (``الرابع``, ``الحادي والعشرين``) -> day of the month, as in ``الرابع من أكتوبر``."""


# --- patterns (over the folded text) ------------------------------------------------------------------

# A month name may carry a conjunction or preposition (وشباط, بمارس).
_MONTH = rf"(?:(?<!\w)|(?<=(?<!\w)[وفبل]))(?:{alternation(MONTHS)})(?!\w)"
_BARE_MONTH = rf"(?<!\w)(?:{alternation(MONTHS)})(?!\w)"
# The pair of names for one month (نوفمبر/تشرين الثاني, تشرين الأول/ أكتوبر, أكتوبر (تشرين الأول)):
# the first names the month, the alternate is dropped.
_MONTH_PAIR = rf"(?P<month>{_MONTH})(?:\s*[/\\(\-–—]\s*{_MONTH}(?:\s*\))?|\s+{_BARE_MONTH})?"
_WD = rf"(?:{alternation(WEEKDAYS)})"
_YEAR = r"(?:19|20)\d\d(?!\d)"
_YEAR_WORD = r"(?:ال)?(?:عام|سنه)"
_PAST = r"(?:الماضي|الماضيه|المنصرم|المنصرمه|الفايت|الفايته)"
_NEXT = r"(?:المقبل|المقبله|القادم|القادمه)"
_CURRENT = r"(?:الجاري|الجاريه|الحالي|الحاليه)"
_REL = rf"(?:{_PAST}|{_NEXT}|{_CURRENT})"
_PREFIX = r"(?:[وفب]|وب|فب)?"
# Words that make a bare month name a date (في مارس); not من/إلى (من مارس = "whoever practised").
_CUE = rf"{_PREFIX}(?:في|خلال|منذ|حتى|مطلع|أوائل|أواخر|منتصف|أواسط|نهاية|بداية|قبل|بعد)"
_CONNECT = r"\s*(?:-|–|—|و?\s*(?:الى|حتى)|و)\s*"
# Numbers that count something are not years (في 2000 موقع is not a year, but there is no way to know
# for every noun; the common units are excluded).
_UNITS = (
    r"(?:%|٪|مليون|مليار|الف|الاف|دولار|يورو|شخص|اشخاص|قتيل|جريح|جندي|كيلو|كلم|كم|متر|طن|برميل"
    r"|ريال|جنيه|درهم|دينار|ليره|عنصر|مقاتل|لاجي|نازح|طفل|امراه|منزل|موقع|صوت)"
)
# Left boundary of a day number: not inside a word or a number, but ``و15`` / ``ب15`` are fine.
_DAY_START = r"(?:(?<![\w/.\-])|(?<=(?<!\w)[وب]))"
# A day of the month: a number (15, الـ15) or an ordinal followed by من (الرابع من أكتوبر).
_DAY = (
    rf"(?:{_DAY_START}(?:ال\u0640?\s?)?(?P<day>[0-3]?\d)(?!\d)"
    rf"|(?<!\w){_PREFIX}(?P<ord>{alternation(ORDINAL_DAYS)})(?=\s+من\s))"
)
_YEAR_TAIL = rf"\s*(?:(?:من\s+)?{_YEAR_WORD}\s+)?(?P<year>{_YEAR})(?:\s?م(?!\w))?"
_REL_TAIL = (
    rf"\s+(?:(?:من\s+)?(?:{_YEAR_WORD}\s+(?P<yrel>{_REL})|(?P<ythis>هذا\s+العام|هذه\s+السنه))"
    rf"|(?P<mrel>{_REL}))(?!\w)"
)
_TAIL = rf"(?:{_YEAR_TAIL}|{_REL_TAIL})?"
_IS_PAST = _compile(_PAST)
_IS_NEXT = _compile(_NEXT)
_IS_CURRENT = _compile(_CURRENT)

_P_DAY = _compile(
    rf"(?:(?<!\w)(?:يوم\s+)?(?P<wd>{_WD})\s*[,،\-]?\s*\(?\s*)?"
    rf"{_DAY}"
    rf"(?:{_CONNECT}(?:ال\u0640?)?(?P<day2>[0-3]?\d)(?!\d))?"
    rf"\s*(?:من\s+)?(?:شهر\s+)?{_MONTH_PAIR}{_TAIL}"
)
_P_NUMERIC = _compile(
    rf"(?<![\w/.\-])(?:(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<m>[01]?\d)(?P=sep)(?P<y>{_YEAR})"
    rf"|(?P<y2>{_YEAR})(?P<sep2>[/.\-])(?P<m2>[01]?\d)(?P=sep2)(?P<d2>[0-3]?\d)(?!\d))(?![\w/\-]|\.\d)"
)
_P_MONTH = _compile(
    rf"(?:(?<!\w)(?P<cue>{_CUE})\s+(?:شهر\s+)?|(?<!\w)(?P<shahr>{_PREFIX}شهر)\s+)?"
    rf"(?P<core>{_MONTH_PAIR}{_TAIL})"
)
_P_YEAR = _compile(
    rf"(?<!\w)(?:(?P<cue>{_CUE})\s+)?"
    rf"(?P<core>(?P<word>{_YEAR_WORD}ي?\s+)?(?P<year>{_YEAR})(?:\s?م(?!\w))?"
    rf"(?:{_CONNECT}(?:{_YEAR_WORD}\s+)?(?P<year2>{_YEAR}))?)"
    rf"(?!\s*{_UNITS})"
)
_P_SAME = _compile(
    rf"(?:{_DAY}\s+(?:من\s+)?|(?<!\w){_PREFIX})"
    rf"(?:(?:ذات|نفس)\s+(?P<unit>الشهر|العام|السنه|اليوم)"
    rf"|(?P<unit2>الشهر|العام|السنه|اليوم)\s+(?:ذاته|نفسه|عينه|ذاتها|نفسها)"
    rf"|ذلك\s+(?P<unit3>اليوم|الشهر|العام))(?!\w)"
)
_P_DAY_OF_MONTH = _compile(
    rf"{_DAY}\s+(?:من\s+)?"
    rf"(?:الشهر\s+(?P<rel>{_REL})|(?P<this>هذا\s+الشهر))(?!\w)"
)
_P_TODAY = _compile(
    rf"(?<!\w){_PREFIX}(?:(?:صباح|مساء|ظهر|عصر|فجر|ليله|نهار)\s+)?(?:هذا\s+)?اليوم"
    rf"(?:\s*[,،]?\s*(?P<wd>{_WD}))?(?!\w)"
    r"(?!\s+(?:التالي|السابق|الاول|الثاني|الثالث|الرابع|الاخير|العالمي|الوطني|الدولي|ذاته|نفسه|عينه"
    r"|الذي|الموعود|الواحد))"
)
_P_YESTERDAY = _compile(
    rf"(?<!\w){_PREFIX}(?:(?:صباح|مساء|ظهر|عصر|فجر|ليله|نهار|يوم)\s+)?"
    rf"(?:(?P<before>اول\s+(?:من\s+)?امس)|(?:ال)?امس(?P<first>\s+الاول)?)"
    rf"(?:\s*[,،]?\s*(?P<wd>{_WD}))?(?!\w)"
)
# غدا is also the verb "became": bare غدا counts only with tanwin or before a weekday.
_P_TOMORROW = _compile(
    rf"(?<!\w){_PREFIX}(?:(?P<after>بعد\s+غد)|(?:صباح|مساء|ظهر|عصر|ليله|يوم)\s+(?:ال)?غد"
    rf"|غد(?:\u064bا|ا\u064b)|غدا(?=\s*[,،]?\s*{_WD}))"
    rf"(?:\s*[,،]?\s*(?P<wd>{_WD}))?(?!\w)"
)
_P_WEEK = _compile(rf"(?<!\w){_PREFIX}(?:(?:ال)?اسبوع\s+(?P<rel>{_REL})|(?P<this>هذا\s+الاسبوع))(?!\w)")
_P_MONTH_REL = _compile(rf"(?<!\w){_PREFIX}(?:الشهر\s+(?P<rel>{_REL})|(?P<this>هذا\s+الشهر))(?!\w)")
_P_YEAR_REL = _compile(
    rf"(?<!\w){_PREFIX}(?:(?:العام|السنه)\s+(?P<rel>{_REL})|(?P<this>هذا\s+العام|هذه\s+السنه))(?!\w)"
)
_P_WEEKDAY = _compile(
    rf"(?:(?<!\w){_PREFIX}(?P<yawm>يوم)\s+|(?<!\w)[وفب]?)(?P<wd>{_WD})(?:\s+(?P<rel>{_PAST}|{_NEXT}))?(?!\w)"
)


def _load_lists() -> dict[str, frozenset[str]]:
    raw = resources.files("khulasa").joinpath("data/timeline_ar.txt").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif line and current is not None:
            current.add(" ".join(_fold(line).split()))
    return {name: frozenset(words) for name, words in sections.items()}


_LISTS = _load_lists()
_TODAY_NOT_AFTER = _LISTS["today_not_after"]
# العام after these is the adjective "general" (المدعي العام الحالي = the current attorney general).
_GENERAL = frozenset(
    _fold(
        "الأمين المدعي النائب المدير الرأي القطاع المال الأمن النظام المؤتمر الإضراب العفو الحق المفتش "
        "القائد المراقب"
    ).split()
)
# الجمعة after these is the Friday prayer, not a date; الاحد before عشر is "eleven".
_NOT_WEEKDAY_BEFORE = frozenset(_fold("صلاة خطبة صلوات خطيب إمام").split())
_FUTURE = _compile(
    r"(?<!\w)(?:[وف]?سوف|[وف]?س[يتن](?:تم|عقد|جري|شارك|زور|لتقي|بحث|بدا|كون|صل|توجه|ناقش|طرح|ستانف|نطلق"
    r"|عود|قوم|حاول|تخذ|صدر|علن|وقع|ستقبل|غادر|جتمع|تناول|لقي|ستضيف|نظر|صوت|دخل|خوض|نعقد|جتمع|حضر"
    r"|لقي|قدم|طلق|فتتح|ختتم|تحدث|صبح|وجه)\w*|المقبل\w*|القادم\w*|المقرر|المتوقع|المرتقب|المنتظر"
    r"|يعتزم|تعتزم|ينوي|تنوي|امل|امله|املها|املهم|يامل|تامل|نامل)(?!\w)"
)
_RANGE_START = _compile(r"(?<!\w)[وف]?(?:من|بين)(?:\s+(?:عامي|عام|شهري|شهر|يومي|يوم))?\s*$")
_RANGE_LINK = _compile(rf"^{_CONNECT}$")
_SENTENCE_END = _compile(r"[.!?؟\n]")


# --- date arithmetic ----------------------------------------------------------------------------------


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_shift(year: int, month: int, k: int) -> dt.date:
    index = year * 12 + month - 1 + k
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return _month_shift(first.year, first.month, 1) - dt.timedelta(days=1)


def _nearest_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The day with this weekday at most 3 days from ``anchor``."""
    ahead = (weekday - anchor.weekday()) % 7
    return anchor + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)


def _previous_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The last day with this weekday strictly before ``anchor``."""
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)


def _next_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The first day with this weekday strictly after ``anchor``."""
    return anchor + dt.timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)


def _infer_year(
    published: dt.date, month: int, day: int | None, weekday: int | None, future: bool
) -> dt.date | None:
    """A date written without its year: the latest year that is not far in the future of publication.

    A stated weekday (``الجمعة 10 مارس``) picks among the candidate years the one it agrees with.
    """
    limit = published + dt.timedelta(days=FUTURE_TENSE_WINDOW_DAYS if future else FUTURE_WINDOW_DAYS)
    candidates = [
        d
        for y in (published.year + 1, published.year, published.year - 1)
        if (d := _date(y, month, day or 1))
    ]
    plausible = [d for d in candidates if d <= limit]
    if weekday is not None and day is not None:
        agreeing = [d for d in plausible if d.weekday() == weekday]
        if agreeing:
            return agreeing[0]
    return plausible[0] if plausible else None


# --- resolution -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    date: dt.date
    end_date: dt.date | None
    granularity: str
    relative: bool


@dataclass
class _Context:
    text: str
    """The folded text."""
    published: dt.date | None
    previous: _Value | None = None


def _year_of_tail(
    m: re.Match[str], month: int, day: int | None, ctx: _Context
) -> tuple[dt.date, bool] | None:
    """The date of ``month`` (and ``day``) given the tail after the month name; ``(date, relative)``."""
    pub = ctx.published
    if m.group("year"):
        d = _date(int(m.group("year")), month, day or 1)
        return (d, False) if d else None
    if pub is None:
        return None
    if m.group("ythis"):
        d = _date(pub.year, month, day or 1)
        return (d, True) if d else None
    if rel := m.group("yrel"):
        shift = -1 if _IS_PAST.fullmatch(rel) else 1 if _IS_NEXT.fullmatch(rel) else 0
        d = _date(pub.year + shift, month, day or 1)
        return (d, True) if d else None
    if rel := m.group("mrel"):
        # الماضي: the last such month (or day) before publication; المقبل: the first after it.
        if _IS_CURRENT.fullmatch(rel):
            d = _date(pub.year, month, day or 1)
        elif _IS_PAST.fullmatch(rel):
            before = (month, day or 0) < (pub.month, pub.day if day else 0)
            d = _date(pub.year if before else pub.year - 1, month, day or 1)
        else:
            after = (month, day or 32) > (pub.month, pub.day if day else 32)
            d = _date(pub.year if after else pub.year + 1, month, day or 1)
        return (d, True) if d else None
    return None


def _weekday_of(m: re.Match[str]) -> int | None:
    wd = m.group("wd")
    return WEEKDAYS[wd] if wd else None


def _day_of(m: re.Match[str]) -> int:
    """The day of the month of a match (0 when it has none)."""
    if day := m.group("day"):
        return int(day)
    ordinal = m.group("ord")
    return ORDINAL_DAYS[" ".join(ordinal.split())] if ordinal else 0


def _month_number(name: str) -> int:
    return MONTHS[" ".join(name.split())]


def _resolve_day(m: re.Match[str], ctx: _Context) -> _Value | None:
    day, month = _day_of(m), _month_number(m.group("month"))
    weekday = _weekday_of(m)
    if m.group("year") or m.group("ythis") or m.group("yrel") or m.group("mrel"):
        found = _year_of_tail(m, month, day, ctx)
        if found is None:
            return None
        start, relative = found
    elif ctx.published is None:
        return None
    else:
        inferred = _infer_year(ctx.published, month, day, weekday, _speaks_of_future(ctx, m))
        if inferred is None:
            return None
        start, relative = inferred, True
    end = None
    if m.group("day2"):
        end = _date(start.year, month, int(m.group("day2")))
        if end is None or end <= start:
            return None
    return _Value(start, end, "day", relative)


def _resolve_numeric(m: re.Match[str], ctx: _Context) -> _Value | None:
    if m.group("y"):
        d = _date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    else:
        d = _date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    return _Value(d, None, "day", False) if d else None


def _resolve_month(m: re.Match[str], ctx: _Context) -> _Value | None:
    has_tail = any(m.group(g) for g in ("year", "ythis", "yrel", "mrel"))
    if not (has_tail or m.group("cue") or m.group("shahr")):
        return None  # a bare month name (مارس is also a verb, آب/أب a father): no date
    month = _month_number(m.group("month"))
    if has_tail:
        found = _year_of_tail(m, month, None, ctx)
        if found is None:
            return None
        return _Value(found[0], None, "month", found[1])
    if ctx.published is None:
        return None
    inferred = _infer_year(ctx.published, month, None, None, _speaks_of_future(ctx, m))
    return _Value(inferred, None, "month", True) if inferred else None


def _resolve_year(m: re.Match[str], ctx: _Context) -> _Value | None:
    if not (m.group("cue") or m.group("word")):
        return None
    start = dt.date(int(m.group("year")), 1, 1)
    end = None
    if m.group("year2"):
        year2 = int(m.group("year2"))
        if year2 <= start.year:
            return None
        end = dt.date(year2, 12, 31)
    return _Value(start, end, "year", False)


def _resolve_same(m: re.Match[str], ctx: _Context) -> _Value | None:
    prev = ctx.previous
    if prev is None:
        return None
    unit = m.group("unit") or m.group("unit2") or m.group("unit3")
    if unit == "اليوم":
        if prev.granularity != "day" or _day_of(m):
            return None
        return _Value(prev.date, None, "day", prev.relative)
    if unit == "الشهر":
        if prev.granularity == "year":
            return None
        if day := _day_of(m):
            d = _date(prev.date.year, prev.date.month, day)
            return _Value(d, None, "day", prev.relative) if d else None
        return _Value(prev.date.replace(day=1), None, "month", prev.relative)
    if _day_of(m):
        return None
    return _Value(prev.date.replace(month=1, day=1), None, "year", prev.relative)


def _rel_shift(rel: str | None) -> int:
    if rel is None or _IS_CURRENT.fullmatch(rel):
        return 0
    return -1 if _IS_PAST.fullmatch(rel) else 1


def _resolve_day_of_month(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.published is None:
        return None
    first = _month_shift(ctx.published.year, ctx.published.month, _rel_shift(m.group("rel")))
    d = _date(first.year, first.month, _day_of(m))
    return _Value(d, None, "day", True) if d else None


def _resolve_anchor(m: re.Match[str], ctx: _Context, offset: int) -> _Value | None:
    """اليوم / أمس / غدا, optionally with a weekday that must agree (the nearest such weekday wins)."""
    if ctx.published is None:
        return None
    anchor = ctx.published + dt.timedelta(days=offset)
    weekday = _weekday_of(m)
    return _Value(anchor if weekday is None else _nearest_weekday(anchor, weekday), None, "day", True)


def _resolve_today(m: re.Match[str], ctx: _Context) -> _Value | None:
    """``اليوم``, unless the word before makes it a name or "nowadays" (``روسيا اليوم``, ``حتى اليوم``)."""
    before = _previous_word(ctx.text, m.start())
    if before in _TODAY_NOT_AFTER or (before[:1] in "وفب" and before[1:] in _TODAY_NOT_AFTER):
        return None
    return _resolve_anchor(m, ctx, 0)


def _resolve_yesterday(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _resolve_anchor(m, ctx, -2 if m.group("before") or m.group("first") else -1)


def _resolve_tomorrow(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _resolve_anchor(m, ctx, 2 if m.group("after") else 1)


def _resolve_week(m: re.Match[str], ctx: _Context) -> _Value | None:
    """Weeks run Saturday to Friday; الأسبوع الماضي is the whole previous such week."""
    if ctx.published is None:
        return None
    saturday = ctx.published - dt.timedelta(days=(ctx.published.weekday() - 5) % 7)
    start = saturday + dt.timedelta(weeks=_rel_shift(m.group("rel")))
    return _Value(start, start + dt.timedelta(days=6), "day", True)


def _resolve_month_rel(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.published is None:
        return None
    first = _month_shift(ctx.published.year, ctx.published.month, _rel_shift(m.group("rel")))
    return _Value(first, None, "month", True)


def _resolve_year_rel(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.published is None or _previous_word(ctx.text, m.start()) in _GENERAL:
        return None
    return _Value(dt.date(ctx.published.year + _rel_shift(m.group("rel")), 1, 1), None, "year", True)


def _resolve_weekday(m: re.Match[str], ctx: _Context) -> _Value | None:
    """A weekday: ``الماضي`` the last one before publication, ``المقبل`` the next one after it.

    A plain ``يوم السبت`` / ``السبت`` is publication day when the weekday agrees; the next such day
    when it is the day after publication (news rarely names a day six days back by its weekday
    alone) or when its sentence speaks of the future (``سوف``, ``سيعقد``, ``المقرر``, ``أمله``...);
    else the last such day before publication.  A bare ``الاثنين`` (also "the two") needs ``يوم``.
    """
    pub = ctx.published
    if pub is None:
        return None
    weekday = WEEKDAYS[m.group("wd")]
    rel = m.group("rel")
    if not rel and not m.group("yawm"):
        if weekday == 0 or _previous_word(ctx.text, m.start()) in _NOT_WEEKDAY_BEFORE:
            return None
        if ctx.text.startswith(" عشر", m.end()):
            return None
    if rel:
        d = _previous_weekday(pub, weekday) if _IS_PAST.fullmatch(rel) else _next_weekday(pub, weekday)
    elif weekday == pub.weekday():
        d = pub
    elif weekday == (pub.weekday() + 1) % 7 or _speaks_of_future(ctx, m):
        d = _next_weekday(pub, weekday)
    else:
        d = _previous_weekday(pub, weekday)
    return _Value(d, None, "day", True)


def _speaks_of_future(ctx: _Context, m: re.Match[str]) -> bool:
    """Whether the sentence around a match has a future marker (tense prefix, المقبل, المقرر...)."""
    return _FUTURE.search(ctx.text, *_sentence_bounds(ctx.text, m.start(), m.end())) is not None


def _previous_word(text: str, pos: int) -> str:
    words = text[max(0, pos - 20) : pos].split()
    return words[-1] if words else ""


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((text.rfind(c, 0, start) for c in ".!?؟\n"), default=-1) + 1
    found = _SENTENCE_END.search(text, end)
    return left, found.start() if found else len(text)


_Resolver = Callable[[re.Match[str], _Context], _Value | None]


@dataclass(frozen=True)
class _Rule:
    """A pattern, how to resolve its matches, and what a text must contain for it to match at all.

    ``needs`` are substrings of the folded text or scanners (one of them must be found): scanning
    for them is much cheaper than running a pattern with look-behinds over every position.
    """

    pattern: re.Pattern[str]
    resolve: _Resolver
    needs: tuple[str | re.Pattern[str], ...]


_DIGIT_SCAN = re.compile(r"\d")
# Anything any rule needs; a sentence without it is skipped at once.
_ANCHOR_SCAN = _compile(
    rf"\d|{alternation(MONTHS)}(?!\w)|{_WD}|اليوم|امس|غد|اسبوع|الشهر|العام|السنه|ذات|نفس|ذلك"
)
_MONTH_SCAN = _compile(rf"{alternation(MONTHS)}(?!\w)")
_WEEKDAY_SCAN = _compile(_WD)
# Order is priority among candidates with the same span: explicit before relative.
_RULES: tuple[_Rule, ...] = (
    _Rule(_P_NUMERIC, _resolve_numeric, (_DIGIT_SCAN,)),
    _Rule(_P_DAY, _resolve_day, (_MONTH_SCAN,)),
    _Rule(_P_DAY_OF_MONTH, _resolve_day_of_month, ("الشهر",)),
    _Rule(_P_SAME, _resolve_same, ("ذات", "نفس", "ذلك")),
    _Rule(_P_MONTH, _resolve_month, (_MONTH_SCAN,)),
    _Rule(_P_YEAR, _resolve_year, (_DIGIT_SCAN,)),
    _Rule(_P_TODAY, _resolve_today, ("اليوم",)),
    _Rule(_P_YESTERDAY, _resolve_yesterday, ("امس",)),
    _Rule(_P_TOMORROW, _resolve_tomorrow, ("غد",)),
    _Rule(_P_WEEK, _resolve_week, ("اسبوع",)),
    _Rule(_P_MONTH_REL, _resolve_month_rel, ("الشهر",)),
    _Rule(_P_YEAR_REL, _resolve_year_rel, ("العام", "السنه")),
    _Rule(_P_WEEKDAY, _resolve_weekday, (_WEEKDAY_SCAN,)),
)


_DEICTIC = (_resolve_today, _resolve_yesterday, _resolve_tomorrow)

# Texts are searched sentence by sentence (a date never spans a sentence end), so that each pattern
# runs only over the sentences that hold what it needs.
_CHUNK_END = re.compile(r"[\n!?؟]|\.(?=\s)")


def _chunks(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for m in _CHUNK_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _can_match(rule: _Rule, folded: str, lo: int, hi: int, seen: dict[str | re.Pattern[str], bool]) -> bool:
    for need in rule.needs:
        if need not in seen:
            if isinstance(need, str):
                seen[need] = folded.find(need, lo, hi) >= 0
            else:
                seen[need] = need.search(folded, lo, hi) is not None
        if seen[need]:
            return True
    return False


def _span(m: re.Match[str]) -> tuple[int, int]:
    return m.span("core") if "core" in m.re.groupindex else m.span()


def parse_dates(text: str, published: dt.date | None = None) -> list[DateMention]:
    """Every date expression in ``text``, resolved; relative ones need ``published`` (else skipped).

    Overlapping candidates: the leftmost wins, then the longest, then the more explicit pattern.
    Mentions come in text order; anaphora (``الشهر ذاته``) refer to the mention before them.
    """
    return _parse(text, _fold(text), published)


def _parse(text: str, folded: str, published: dt.date | None) -> list[DateMention]:
    candidates: list[tuple[int, int, int, re.Match[str]]] = []
    for lo, hi in _chunks(folded):
        if not _ANCHOR_SCAN.search(folded, lo, hi):
            continue
        seen: dict[str | re.Pattern[str], bool] = {}
        for priority, rule in enumerate(_RULES):
            if not _can_match(rule, folded, lo, hi, seen):
                continue
            for m in rule.pattern.finditer(folded, lo, hi):
                start, end = _span(m)
                if end > start:
                    candidates.append((start, -end, priority, m))
    candidates.sort(key=lambda c: c[:3])
    ctx = _Context(folded, published)
    mentions: list[DateMention] = []
    taken_until = 0
    for start, neg_end, priority, m in candidates:
        end = -neg_end
        if start < taken_until:
            continue
        value = _RULES[priority].resolve(m, ctx)
        if value is None:
            continue  # a rejected candidate does not block a weaker one over the same text
        taken_until = end
        ctx.previous = value
        mentions.append(
            DateMention(
                start,
                end,
                text[start:end],
                value.date,
                value.end_date,
                value.granularity,
                value.relative,
                _RULES[priority].resolve in _DEICTIC,
            )
        )
    return _join_ranges(text, folded, mentions)


def _join_ranges(text: str, folded: str, mentions: list[DateMention]) -> list[DateMention]:
    """``من 30 سبتمبر إلى 2 أكتوبر``: two mentions joined by a connector after من/بين become one range."""
    out: list[DateMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.granularity == m.granularity
            and prev.end_date is None
            and m.date > prev.date
            and _RANGE_LINK.match(folded[prev.end : m.start])
            and _RANGE_START.search(folded, max(0, prev.start - 20), prev.start)
        ):
            end = m.end_date or (_month_end(m.date) if m.granularity == "month" else m.date)
            if m.granularity == "year":
                end = m.date.replace(month=12, day=31)
            out[-1] = DateMention(
                prev.start,
                m.end,
                text[prev.start : m.end],
                prev.date,
                end,
                prev.granularity,
                prev.relative or m.relative,
            )
        else:
            out.append(m)
    return out


# --- timeline -------------------------------------------------------------------------------------------

MIN_CLAUSE_WORDS = 8
"""An entry shorter than this takes in the clauses next to it (``يوم السبت`` alone says nothing)."""
MAX_CLAUSE_WORDS = 25
MAX_CLAUSE_CHARS = 160
"""An entry is at most this long: one line of a timeline, not a paragraph."""
BACKGROUND_MARGIN_DAYS = 4
"""A day this many days before the story's first article still belongs to the story (the event its
first report covers: ``أمس``, ``الأحد``); one before it is background."""

# Where a clause ends (over the folded text): punctuation that separates clauses (not a comma inside a
# number), quotes, brackets, a dash between spaces; a clause opener (بينما, لكن); و/ف glued to a verb
# (وقال, وأعلنت).
# (Every branch opens with a character class, so the search skips most positions at once.)
_CUT = _compile(
    r"(?P<punct>[،؛;:()\[\]«»“”\"]|(?<!\d),|,(?!\d)|\s[-–—]\s)"
    rf"|\s(?:(?P<opener>{alternation(_LISTS['clause_opener'])})(?!\w)|(?P<conjunct>[وف][^\W\d_]{{2,}}))"
)
_HAS_WORD = re.compile(r"[^\W_]")
_LETTERS = re.compile(r"[^\W\d_]+")
_QUOTE_PAIRS = (('"', '"'), ("«", "»"), ("“", "”"), ("(", ")"))
# After a clause: a colon, an opening quote or إن/أن + what was said (a straight quote may be closing).
_ANNOUNCES = _compile(r"\s*(?::|[«“]|[،,]?\s*[وف]?(?:إن|أن|بأن)(?!\w))")
_EDGE = " \t\n\r،,؛;:-–—\"'«»“”()[]"
_SINCE = re.compile(r"(?<!\w)[وف]?منذ\s+$")
_OPINION_TITLE = _compile(
    rf"^\W*(?:{alternation(_LISTS['opinion_title'])})\s*(?::|\.\.|[-–—|])|(?<!\w)[يت]كتب(?!\w)"
)
_OPINION_GENRES = frozenset({"opinion", "analysis", "column", "editorial", "رأي", "تحليل"})


def _cuts(folded: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Clause boundaries in ``folded[lo:hi]`` (a sentence of the folded text: the offsets are the
    text's): ``(a, b)`` ends a clause at ``a``, the next starts at ``b``."""
    cuts = []
    for m in _CUT.finditer(folded, lo, hi):
        kind = m.lastgroup
        if kind == "punct":
            cuts.append(m.span())
        elif kind == "opener" or (kind == "conjunct" and _is_verb_word(m.group(kind))):
            at = m.start(kind)
            cuts.append((at, at))
    return cuts


@functools.lru_cache(maxsize=1 << 16)
def _is_verb_word(word: str) -> bool:
    return is_verb(normalize(word))


def clause_span(
    text: str, lo: int, hi: int, start: int, end: int, folded: str | None = None
) -> tuple[int, int]:
    """The clause of ``text[lo:hi]`` (a sentence) that carries ``text[start:end]`` (a date), as offsets.

    The sentence is cut at clause boundaries (``،``, ``:``, quotes, brackets, ``و`` + a verb,
    ``بينما``...); the date's clause takes in its neighbours while it has fewer than
    ``MIN_CLAUSE_WORDS`` words (the one before first when the date stands alone or ends its clause, and
    the two sides in turn), as long as it stays within ``MAX_CLAUSE_WORDS`` words and
    ``MAX_CLAUSE_CHARS`` characters, and takes in what it announces (after ``:``, a quote, ``إن``);
    a clause still too long is cut to the words around the date.
    Punctuation and spaces at both ends are left out.  ``folded`` is ``text`` folded as the date
    tagger folds it, when the caller has it.
    """
    if folded is None:
        folded = _fold(text)
    # no clause that fits reaches further than MAX_CLAUSE_CHARS from the date: look for cuts only there
    near = _cuts(folded, max(lo, start - MAX_CLAUSE_CHARS), min(hi, end + MAX_CLAUSE_CHARS))
    cuts = [(a, b) for a, b in near if b <= start or a >= end]
    segments: list[tuple[int, int]] = []
    at = lo
    for a, b in cuts:
        segments.append((at, a))
        at = b
    segments.append((at, hi))
    # punctuation between two cuts is no clause (and would cost a step to take in)
    segments = [(a, b) for a, b in segments if _HAS_WORD.search(text, a, b) or a <= start < b]
    k = next(i for i, (a, b) in enumerate(segments) if a <= start and end <= b)
    i = j = k
    seg_lo, seg_hi = segments[k]
    alone = len(text[seg_lo:start].split()) + len(text[end:seg_hi].strip(_EDGE).split()) <= 1
    prefer_before = alone or not text[end:seg_hi].strip(_EDGE)
    while _words(text, segments[i][0], segments[j][1]) < MIN_CLAUSE_WORDS:
        sides = ("before", "after") if prefer_before else ("after", "before")
        for side in sides:
            if side == "before" and i > 0 and _fits(text, segments[i - 1][0], segments[j][1]):
                i -= 1
                break
            if side == "after" and j < len(segments) - 1 and _fits(text, segments[i][0], segments[j + 1][1]):
                j += 1
                break
        else:
            break
        prefer_before = side == "after"
    # "قال في تغريدة، الثلاثاء:" announces what follows: take it in when it fits.
    if (
        j < len(segments) - 1
        and _ANNOUNCES.match(folded, segments[j][1], segments[j + 1][1])
        and _fits(text, segments[i][0], segments[j + 1][1])
    ):
        j += 1
    s, e = _strip(text, segments[i][0], segments[j][1], start, end)
    if not _fits(text, s, e):
        s, e = _strip(text, *_window(text, s, e, start, end), start, end)
    return _close_quotes(text, s, e)


def _close_quotes(text: str, s: int, e: int) -> tuple[int, int]:
    """Take in the quote mark that closes (or opens) a quotation the span leaves open."""
    for opening, closing in _QUOTE_PAIRS:
        inside = text[s:e]
        if opening == closing:
            if inside.count(opening) % 2 and e < len(text) and text[e] == closing:
                e += 1
            continue
        if inside.count(opening) > inside.count(closing) and e < len(text) and text[e] == closing:
            e += 1
        elif inside.count(closing) > inside.count(opening) and s > 0 and text[s - 1] == opening:
            s -= 1
    return s, e


def _words(text: str, s: int, e: int) -> int:
    return len(text[s:e].split())


def _fits(text: str, s: int, e: int) -> bool:
    s, e = _strip(text, s, e, e, s)
    return e - s <= MAX_CLAUSE_CHARS and _words(text, s, e) <= MAX_CLAUSE_WORDS


def _strip(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """``[s, e)`` without the punctuation and spaces at its ends (never cutting into ``[start, end)``)."""
    while s < min(start, e) and text[s] in _EDGE:
        s += 1
    while e > max(end, s) and text[e - 1] in _EDGE:
        e -= 1
    return s, e


def _window(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """The words of ``text[s:e]`` around ``[start, end)``: as many before as after, within the limits."""
    words = [m.span() for m in re.finditer(r"\S+", text[s:e])]
    words = [(a + s, b + s) for a, b in words]
    first = next(i for i, (a, b) in enumerate(words) if b > start)
    last = max(i for i, (a, b) in enumerate(words) if a < end)

    def fits(i: int, j: int) -> bool:
        return j - i + 1 <= MAX_CLAUSE_WORDS and words[j][1] - words[i][0] <= MAX_CLAUSE_CHARS

    lo, hi = first, last
    grown = True
    while grown:
        grown = False
        if lo > 0 and fits(lo - 1, hi):
            lo, grown = lo - 1, True
        if hi < len(words) - 1 and fits(lo, hi + 1):
            hi, grown = hi + 1, True
    return words[lo][0], words[hi][1]


@functools.cache
def _disclaimer() -> Callable[[str], bool]:
    from khulasa.text.rules import RULES

    (rule,) = [r for r in RULES if r.id == "disclaimer"]
    return rule.fires


def is_opinion(article: Article) -> bool:
    """Whether an article is opinion or analysis: its ``extra["genre"]`` says so, its title opens with
    ``رأي:``/``تحليل:``... or names a writer (``... يكتب``), or a line states that it gives its writer's
    views (the ``disclaimer`` rule of ``khulasa.text.rules``, in its first or last three lines)."""
    genre = article.extra.get("genre") if article.extra else None
    if isinstance(genre, str) and genre.strip().lower() in _OPINION_GENRES:
        return True
    if article.title and _OPINION_TITLE.search(_fold(article.title)):
        return True
    lines = [line for line in article.text.splitlines() if line.strip()]
    fires = _disclaimer()
    return any(fires(line) for line in lines[:3] + lines[-3:])


def _reports_event(text: str) -> bool:
    """Whether a sentence has a verb: a word listed or shaped like one (``khulasa.text.verbs.looks_like_verb``),
    or the word it opens with after ``و``/``ف`` (news opens a sentence with its verb: ``وأيد``, ``ودفع``)."""
    words = _LETTERS.findall(normalize(text))
    if not words:
        return False
    first = words[0]
    if first[:1] in "وف" and len(first) >= 4 and not first[1:].startswith("ال") and first not in STOPWORDS:
        return True
    return any(map(looks_like_verb, words))


def _is_background(m: DateMention, text: str, story_start: dt.date | None) -> bool:
    """History the story recalls: a period that ended before the story's first article, at its
    precision (a day more than ``BACKGROUND_MARGIN_DAYS`` before it; a month or a year before its
    month or year: ``2018`` is not before a May 2018 story, April 2018 is), or a range or ``منذ`` +
    a date that began before it (``منذ 2014``)."""
    if story_start is None:
        return False
    limit = story_start - dt.timedelta(days=BACKGROUND_MARGIN_DAYS if m.granularity == "day" else 0)
    if period_end(m.date, m.granularity, m.end_date) < limit:
        return True
    return m.date < limit and (
        m.end_date is not None or _SINCE.search(text, max(0, m.start - 12), m.start) is not None
    )


def _event_terms(text: str) -> frozenset[str]:
    """Stemmed content terms of a clause without its date: what two reports of one event share."""
    return frozenset(terms(text))


def _set_cosine(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


@dataclass
class _Draft:
    """An event under construction: the clauses that report one date, each ``(sentence, start, end)``."""

    date: dt.date
    granularity: str
    end_date: dt.date | None
    expression: str
    relative: bool
    background: bool
    spans: list[tuple[Sentence, int, int]]
    event: str
    """The first clause without its date expression: what is compared with other drafts of the date."""


def _mentions_in(mentions: Sequence[DateMention], starts: Sequence[int], s: Sentence) -> list[DateMention]:
    i = bisect_left(starts, s.start)
    out = []
    while i < len(mentions) and mentions[i].start < s.end:
        out.append(mentions[i])
        i += 1
    return out


def _entry_span(
    text: str, folded: str, s: Sentence, mention: DateMention, n_mentions: int
) -> tuple[int, int]:
    """The whole sentence when it is one line with one date, else the date's clause."""
    if n_mentions == 1 and len(s.text) <= MAX_CLAUSE_CHARS and s.n_words <= MAX_CLAUSE_WORDS:
        return s.start, s.end
    return clause_span(text, s.start, s.end, mention.start, mention.end, folded)


def extract_timeline(articles: Sequence[Article], units: Sequence[InfoUnit]) -> tuple[TimelineEvent, ...]:
    """Dated events: the story's own, then the background it recalls, each with every source.

    Each article is parsed once (anaphora like ``الشهر ذاته`` may point to the sentence before);
    a sentence's mentions are resolved against its own article's date.  An entry is the clause that
    carries the date (``clause_span``; the whole sentence when it is one line with one date), with its
    exact offsets in every source.  ``اليوم``/``أمس``/``غدا`` are dropped in opinion and analysis
    (``is_opinion``) and in a clause with no verb of the news (``khulasa.text.verbs``).  Events on the same
    date and granularity whose clauses share their words (set cosine >= ``MERGE_THRESHOLD``: the same
    event in other words, or in another outlet) are one.  An event is background when it lies before
    the story (``_is_background``).  Order: the story's events, then the background; each by date, then
    number of sources (most first), then reading order.
    """
    by_id = {a.id: a for a in articles}
    story_start = min((a.date for a in articles if a.date is not None), default=None)
    parsed: dict[str, tuple[list[DateMention], list[int], str]] = {}
    opinion: dict[str, bool] = {}
    drafts: list[_Draft] = []
    for unit in units:
        per_date: dict[tuple[dt.date, str], _Draft] = {}
        rep = unit.representative
        members = [
            rep,
            *(s for s in unit.sentences if (s.article_id, s.start) != (rep.article_id, rep.start)),
        ]
        for s in members:
            article = by_id.get(s.article_id)
            if article is None:
                continue
            if article.id not in parsed:
                folded = _fold(article.text)
                found = _parse(article.text, folded, article.date)
                parsed[article.id] = (found, [m.start for m in found], folded)
            found, starts, folded = parsed[article.id]
            mentions = _mentions_in(found, starts, s)
            for mention in mentions:
                key = (mention.date, mention.granularity)
                draft = per_date.get(key)
                if draft is not None and any(
                    x.article_id == s.article_id and x.start == s.start for x, _, _ in draft.spans
                ):
                    continue
                start, end = _entry_span(article.text, folded, s, mention, len(mentions))
                if mention.deictic:
                    if article.id not in opinion:
                        opinion[article.id] = is_opinion(article)
                    if opinion[article.id] or not _reports_event(s.text):
                        continue
                background = _is_background(mention, article.text, story_start)
                if draft is None:
                    per_date[key] = _Draft(
                        mention.date,
                        mention.granularity,
                        mention.end_date,
                        mention.expression,
                        mention.relative,
                        background,
                        [(s, start, end)],
                        f"{article.text[start : mention.start]} {article.text[mention.end : end]}",
                    )
                else:
                    draft.spans.append((s, start, end))
                    draft.background = draft.background and background
        drafts.extend(per_date.values())
    return _events(_merge(drafts), by_id)


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Leader clustering per date, best-supported first: a draft joins the first leader it matches."""
    by_date: dict[tuple[dt.date, str], list[_Draft]] = {}
    for d in drafts:
        by_date.setdefault((d.date, d.granularity), []).append(d)
    merged: list[_Draft] = []
    for group in by_date.values():
        if len(group) == 1:
            merged.append(group[0])
            continue
        leaders: list[tuple[_Draft, frozenset[str]]] = []
        for d in sorted(group, key=lambda d: -len(d.spans)):
            words = _event_terms(d.event)
            leader = next((x for x, w in leaders if _set_cosine(w, words) >= MERGE_THRESHOLD), None)
            if leader is None:
                leaders.append((replace(d, spans=list(d.spans)), words))
            else:
                seen = {(s.article_id, s.start) for s, _, _ in leader.spans}
                leader.spans.extend(x for x in d.spans if (x[0].article_id, x[0].start) not in seen)
                leader.background = leader.background and d.background
        merged.extend(x for x, _ in leaders)
    return merged


def _events(drafts: list[_Draft], by_id: dict[str, Article]) -> tuple[TimelineEvent, ...]:
    rank = {article_id: i for i, article_id in enumerate(by_id)}

    def reading(span: tuple[Sentence, int, int]) -> tuple[int, int]:
        return rank[span[0].article_id], span[1]

    events = []
    for d in drafts:
        members = sorted(d.spans, key=reading)
        shown, start, end = d.spans[0]  # the unit's representative when it carries this date
        event = TimelineEvent(
            date=d.date,
            granularity=d.granularity,
            text=by_id[shown.article_id].text[start:end],
            sources=tuple(SourceSpan(s.article_id, by_id[s.article_id].outlet, a, b) for s, a, b in members),
            expression=d.expression,
            end_date=d.end_date,
            relative=d.relative,
            background=d.background,
        )
        events.append(((d.background, d.date, -len(members), *reading(members[0])), event))
    return tuple(e for _, e in sorted(events, key=lambda x: x[0]))


def timeline_for(articles: Sequence[Article]) -> tuple[TimelineEvent, ...]:
    """The timeline of articles on their own: every sentence is its own unit (merging still applies)."""
    from khulasa.segment import segment

    sentences = [s for a in articles for s in segment(a)]
    units = [InfoUnit(id=i, representative=s, sentences=(s,)) for i, s in enumerate(sentences)]
    return extract_timeline(articles, units)
