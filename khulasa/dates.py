"""Dates in Arabic news text: the tagger (``parse_dates``); ``khulasa.timeline`` builds timelines from it.

A rule-based temporal tagger in the manner of HeidelTime (Strötgen & Gertz, "HeidelTime: High quality
rule-based extraction and normalization of temporal expressions", SemEval 2010): precompiled patterns
find explicit dates (``24 نوفمبر/تشرين الثاني 2015``), underspecified ones (``الجمعة 10 مارس/آذار``,
``في أغسطس/آب``), relative ones (``أمس``, ``اليوم الاثنين``, ``الشهر الماضي``, ``السبت المقبل``) and
anaphoric ones (``في 28 من الشهر ذاته``); each is then normalized against the document creation time
(the article's publication date) or against the previous mention in the text.  The rules are
documented in ``docs/timeline.md``.

Patterns run over a folded copy of the text whose folds are all one character to one character
(digits, alef/hamza seats, ``ى``, ``ة``), so match offsets are offsets in the original text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from khulasa.periods import GRANULARITIES as GRANULARITIES  # re-exported: fuzz/run.py checks mentions with it
from khulasa.text.fold import fold_dates
from khulasa.text.patterns import alternation

FUTURE_WINDOW_DAYS = 45
"""A date written without a year gets the latest year that puts it at most this far after publication..."""
FUTURE_TENSE_WINDOW_DAYS = 300
"""... or this far when its sentence speaks of the future (``سوف``, ``سيعقد``, ``المقرر``, ``المقبل``)."""


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


def compile_folded(pattern: str) -> re.Pattern[str]:
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
_IS_PAST = compile_folded(_PAST)
_IS_NEXT = compile_folded(_NEXT)
_IS_CURRENT = compile_folded(_CURRENT)

_P_DAY = compile_folded(
    rf"(?:(?<!\w)(?:يوم\s+)?(?P<wd>{_WD})\s*[,،\-]?\s*\(?\s*)?"
    rf"{_DAY}"
    rf"(?:{_CONNECT}(?:ال\u0640?)?(?P<day2>[0-3]?\d)(?!\d))?"
    rf"\s*(?:من\s+)?(?:شهر\s+)?{_MONTH_PAIR}{_TAIL}"
)
_P_NUMERIC = compile_folded(
    rf"(?<![\w/.\-])(?:(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<m>[01]?\d)(?P=sep)(?P<y>{_YEAR})"
    rf"|(?P<y2>{_YEAR})(?P<sep2>[/.\-])(?P<m2>[01]?\d)(?P=sep2)(?P<d2>[0-3]?\d)(?!\d))(?![\w/\-]|\.\d)"
)
_P_MONTH = compile_folded(
    rf"(?:(?<!\w)(?P<cue>{_CUE})\s+(?:شهر\s+)?|(?<!\w)(?P<shahr>{_PREFIX}شهر)\s+)?"
    rf"(?P<core>{_MONTH_PAIR}{_TAIL})"
)
_P_YEAR = compile_folded(
    rf"(?<!\w)(?:(?P<cue>{_CUE})\s+)?"
    rf"(?P<core>(?P<word>{_YEAR_WORD}ي?\s+)?(?P<year>{_YEAR})(?:\s?م(?!\w))?"
    rf"(?:{_CONNECT}(?:{_YEAR_WORD}\s+)?(?P<year2>{_YEAR}))?)"
    rf"(?!\s*{_UNITS})"
)
_P_SAME = compile_folded(
    rf"(?:{_DAY}\s+(?:من\s+)?|(?<!\w){_PREFIX})"
    rf"(?:(?:ذات|نفس)\s+(?P<unit>الشهر|العام|السنه|اليوم)"
    rf"|(?P<unit2>الشهر|العام|السنه|اليوم)\s+(?:ذاته|نفسه|عينه|ذاتها|نفسها)"
    rf"|ذلك\s+(?P<unit3>اليوم|الشهر|العام))(?!\w)"
)
_P_DAY_OF_MONTH = compile_folded(
    rf"{_DAY}\s+(?:من\s+)?"
    rf"(?:الشهر\s+(?P<rel>{_REL})|(?P<this>هذا\s+الشهر))(?!\w)"
)
_P_TODAY = compile_folded(
    rf"(?<!\w){_PREFIX}(?:(?:صباح|مساء|ظهر|عصر|فجر|ليله|نهار)\s+)?(?:هذا\s+)?اليوم"
    rf"(?:\s*[,،]?\s*(?P<wd>{_WD}))?(?!\w)"
    r"(?!\s+(?:التالي|السابق|الاول|الثاني|الثالث|الرابع|الاخير|العالمي|الوطني|الدولي|ذاته|نفسه|عينه"
    r"|الذي|الموعود|الواحد))"
)
_P_YESTERDAY = compile_folded(
    rf"(?<!\w){_PREFIX}(?:(?:صباح|مساء|ظهر|عصر|فجر|ليله|نهار|يوم)\s+)?"
    rf"(?:(?P<before>اول\s+(?:من\s+)?امس)|(?:ال)?امس(?P<first>\s+الاول)?)"
    rf"(?:\s*[,،]?\s*(?P<wd>{_WD}))?(?!\w)"
)
# غدا is also the verb "became": bare غدا counts only with tanwin or before a weekday.
_P_TOMORROW = compile_folded(
    rf"(?<!\w){_PREFIX}(?:(?P<after>بعد\s+غد)|(?:صباح|مساء|ظهر|عصر|ليله|يوم)\s+(?:ال)?غد"
    rf"|غد(?:\u064bا|ا\u064b)|غدا(?=\s*[,،]?\s*{_WD}))"
    rf"(?:\s*[,،]?\s*(?P<wd>{_WD}))?(?!\w)"
)
_P_WEEK = compile_folded(rf"(?<!\w){_PREFIX}(?:(?:ال)?اسبوع\s+(?P<rel>{_REL})|(?P<this>هذا\s+الاسبوع))(?!\w)")
_P_MONTH_REL = compile_folded(rf"(?<!\w){_PREFIX}(?:الشهر\s+(?P<rel>{_REL})|(?P<this>هذا\s+الشهر))(?!\w)")
_P_YEAR_REL = compile_folded(
    rf"(?<!\w){_PREFIX}(?:(?:العام|السنه)\s+(?P<rel>{_REL})|(?P<this>هذا\s+العام|هذه\s+السنه))(?!\w)"
)
_P_WEEKDAY = compile_folded(
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


WORD_LISTS = _load_lists()
"""The word lists of ``data/timeline_ar.txt`` by section, folded (the timeline reads some too)."""
_TODAY_NOT_AFTER = WORD_LISTS["today_not_after"]
# العام after these is the adjective "general" (المدعي العام الحالي = the current attorney general).
_GENERAL = frozenset(
    _fold(
        "الأمين المدعي النائب المدير الرأي القطاع المال الأمن النظام المؤتمر الإضراب العفو الحق المفتش "
        "القائد المراقب"
    ).split()
)
# الجمعة after these is the Friday prayer, not a date; الاحد before عشر is "eleven".
_NOT_WEEKDAY_BEFORE = frozenset(_fold("صلاة خطبة صلوات خطيب إمام").split())
_FUTURE = compile_folded(
    r"(?<!\w)(?:[وف]?سوف|[وف]?س[يتن](?:تم|عقد|جري|شارك|زور|لتقي|بحث|بدا|كون|صل|توجه|ناقش|طرح|ستانف|نطلق"
    r"|عود|قوم|حاول|تخذ|صدر|علن|وقع|ستقبل|غادر|جتمع|تناول|لقي|ستضيف|نظر|صوت|دخل|خوض|نعقد|جتمع|حضر"
    r"|لقي|قدم|طلق|فتتح|ختتم|تحدث|صبح|وجه)\w*|المقبل\w*|القادم\w*|المقرر|المتوقع|المرتقب|المنتظر"
    r"|يعتزم|تعتزم|ينوي|تنوي|امل|امله|املها|املهم|يامل|تامل|نامل)(?!\w)"
)
_RANGE_START = compile_folded(r"(?<!\w)[وف]?(?:من|بين)(?:\s+(?:عامي|عام|شهري|شهر|يومي|يوم))?\s*$")
_RANGE_LINK = compile_folded(rf"^{_CONNECT}$")
_SENTENCE_END = compile_folded(r"[.!?؟\n]")


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
_ANCHOR_SCAN = compile_folded(
    rf"\d|{alternation(MONTHS)}(?!\w)|{_WD}|اليوم|امس|غد|اسبوع|الشهر|العام|السنه|ذات|نفس|ذلك"
)
_MONTH_SCAN = compile_folded(rf"{alternation(MONTHS)}(?!\w)")
_WEEKDAY_SCAN = compile_folded(_WD)
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
    return parse_folded(text, _fold(text), published)


def parse_folded(text: str, folded: str, published: dt.date | None) -> list[DateMention]:
    """``parse_dates`` for a caller that has folded ``text`` already (``fold_dates``)."""
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
