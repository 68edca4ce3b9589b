"""Outlet comparison: which outlets carry each piece of information, what only one carries, and where
their numbers, dates or places differ.

* ``coverage``: a unit x outlet table (every outlet that reports each summary sentence or unit);
* ``exclusive``: salient units that one outlet alone carries, when several outlets cover the story and
  no sentence of another outlet carries the unit's content in other words (``Elsewhere``);
* ``disagreements``: the same fact given with different values.  A value is an interval
  (``khulasa.numbers``), so ``20``, ``٢٠`` and ``عشرين`` are one value and ``نحو 40`` agrees with ``39``.
  Two numbers state the same fact when they count the same thing (a class from
  ``data/quantity_words_ar.tsv``: the dead, the wounded, per cents, dollars, missiles...; for ``ارتفع
  عدد القتلى ... إلى 1234`` the class of the toll noun), in the same unit (the one written after the
  number first), at the same time (a number dated to another year, ``الماضي``, ``منذ`` ... is compared
  only with numbers of that time), and the words around them are alike (set cosine of their stemmed
  terms, or one information unit) and do not say otherwise: different action groups (``أطلقت`` /
  ``اعترضت``), people (``إسرائيليين`` / ``فلسطينيين``), rates (``يوميا``) or named kinds (``من طراز``).
  A number that counts a part (``26 من الركاب``, ``76 منها``), a total (``مجموع``, ``71 من 103``), a
  model (``آن-26``, ``إس 300``), a year, a duration, a time of day, an ordinal, a rate per item, a noun
  of its own (``ثلاثة أهداف``), or one listed beside others of its kind in its sentence is left out.
  Dates written with a digit or a month are compared the same way (a weekday alone, resolved against
  each article's own publication date, is not; dates more than ``DATE_GAP`` days apart date different
  things), and places by the direction given for the same place to the same thing (``مطار حميميم، شرق
  سوريا`` vs ``قاعدة حميميم في غرب سوريا``).  Each side of a disagreement lists its outlets and
  publication times, so a reader sees whether a toll rose during the day or the outlets disagree.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise

from khulasa import numbers, speech
from khulasa.models import (
    Article,
    Coverage,
    CoverageRow,
    Disagreement,
    Exclusive,
    InfoUnit,
    Reading,
    Sentence,
    SourceSpan,
    Summary,
    ValueSource,
)
from khulasa.segment import segment
from khulasa.speech.lexicon import whole_word_spans
from khulasa.text.fold import Folded, fold, key
from khulasa.text.normalize import terms as content_terms

FACT_THRESHOLD = 0.2
"""Set cosine of the terms around two numbers of the same class from which they state one fact."""
DATE_THRESHOLD = 0.3
"""... the same for two dates (a date says less about its fact than a counted noun)."""
DATE_GAP = 7
"""Days between two dates beyond which they date different things: outlets that disagree on a date
slip by a day or a few (``11 يونيو`` / ``12 يونيو``); dates months or years apart are other events
(a hearing in April and the next in October, a raid of 2001 beside one of this week)."""
WINDOW = 8
"""Words on each side of a value that describe its fact."""
CLASS_WINDOW = 4
"""Words before a number where the word that says what it counts may stand (``مقتل 52``)."""

KINDS = ("count", "amount", "date", "place")


# --- coverage and exclusives -----------------------------------------------------------------------


def _outlets(articles: Iterable[Article]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.outlet for a in articles))


def coverage(summary: Summary) -> Coverage:
    """The summary's sentences x the story's outlets."""
    rows = tuple(
        CoverageRow(
            s.unit_id,
            s.text,
            tuple(dict.fromkeys(src.article_id for src in s.sources)),
            tuple(dict.fromkeys(src.source for src in s.sources)),
        )
        for s in summary.sentences
    )
    return Coverage(_outlets(summary.articles), rows)


def unit_coverage(units: Sequence[InfoUnit], articles: Sequence[Article]) -> Coverage:
    """Information units x outlets (a story's whole table, not only what the summary selected)."""
    outlet = {a.id: a.outlet for a in articles}
    rows = tuple(
        CoverageRow(
            u.id,
            u.representative.text,
            u.articles,
            tuple(dict.fromkeys(outlet.get(a, a) for a in u.articles)),
        )
        for u in units
    )
    return Coverage(_outlets(articles), rows)


EXCLUSIVE_OVERLAP = 0.15
"""A sentence one outlet alone reports is "only in" that outlet unless a sentence of another outlet
carries at least this share of its terms, weighted by their IDF over the story's articles
(``Elsewhere.share``).  Units group near-copies only, and outlets reword what they take from each
other: without this check, about half of the "only in X" claims of ANT story records were false (another
outlet's article reported the same in other words).  Chosen on 40 claims labelled by hand (ANT
2018-02-20..23: false claims 50 % -> 14 %, 12 of 20 true ones kept), checked on 38 others
(2018-10-01..05: 42 % -> 20 %, 16 of 22 kept); BENCHMARKS.md, "Only in X"."""


class Elsewhere:
    """How much of a sentence's content other outlets carry: for the ``wanted`` terms (those of the
    sentences to check), which sentences of which outlets hold them, and their IDF over the story's
    articles (``ln((n + 1) / (df + 0.5))``, ``n`` the articles of ``sentences``)."""

    def __init__(self, sentences: Iterable[Sentence], outlet_of: dict[str, str], wanted: Iterable[str]) -> None:
        terms = frozenset(wanted)
        self._outlets: list[str] = []
        self._postings: dict[str, list[int]] = {}
        by_article: dict[str, set[str]] = {}
        for s in sentences:
            held = terms.intersection(s.terms)
            by_article.setdefault(s.article_id, set()).update(held)
            if held:
                k = len(self._outlets)
                self._outlets.append(outlet_of.get(s.article_id, s.article_id))
                for t in held:
                    self._postings.setdefault(t, []).append(k)
        n = len(by_article)
        df = Counter(t for found in by_article.values() for t in found)
        self._idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}

    def share(self, terms: Iterable[str], outlet: str) -> float:
        """The largest IDF-weighted share of ``terms`` (among the wanted ones) that one sentence of
        another outlet holds."""
        mine = frozenset(terms)
        total = sum(self._idf.get(t, 0.0) for t in mine)
        if total <= 0.0:
            return 0.0
        held: dict[int, float] = {}
        for t in mine:
            w = self._idf.get(t, 0.0)
            for k in self._postings.get(t, ()):
                if self._outlets[k] != outlet:
                    held[k] = held.get(k, 0.0) + w
        return max(held.values(), default=0.0) / total


def exclusive(
    summary: Summary, sentences: Sequence[Sentence] | None = None, *, min_outlets: int = 2
) -> tuple[Exclusive, ...]:
    """The summary's sentences (salient by selection) that one outlet alone reports, when the story
    is covered by at least ``min_outlets`` outlets ("only in X"), and that no sentence of another outlet
    carries in other words (``EXCLUSIVE_OVERLAP``).  ``sentences``: the summary's articles' sentences
    when the caller has them (``pipeline.analyze``); otherwise the articles are segmented here."""
    if len(_outlets(summary.articles)) < min_outlets:
        return ()
    single = [s for s in summary.sentences if len({src.source for src in s.sources}) == 1]
    if not single:
        return ()
    if sentences is None:
        sentences = [t for a in summary.articles for t in segment(a)]
    starts: dict[str, list[Sentence]] = {}
    for t in sentences:
        starts.setdefault(t.article_id, []).append(t)
    claims = []
    for s in single:
        span = next((src for src in s.sources if src.article_id == s.article_id), s.sources[0])
        own = starts.get(span.article_id, [])
        k = bisect_left([t.start for t in own], span.start + 1) - 1
        claims.append((s, span, own[k].terms if 0 <= k < len(own) and own[k].end > span.start else ()))
    elsewhere = Elsewhere(
        sentences, {a.id: a.outlet for a in summary.articles}, (t for _, _, terms in claims for t in terms)
    )
    return tuple(
        Exclusive(s.unit_id, s.text, span.source, s.sources, s.score)
        for s, span, terms in claims
        if elsewhere.share(terms, span.source) < EXCLUSIVE_OVERLAP
    )


def exclusive_units(
    units: Sequence[InfoUnit],
    articles: Sequence[Article],
    salience: Sequence[float],
    *,
    top: int = 10,
    min_outlets: int = 2,
) -> tuple[Exclusive, ...]:
    """Of the ``top`` most salient units (``salience[unit.id]``, e.g. ``score.score_units``), those that
    one outlet alone carries and no other outlet's sentence carries in other words
    (``EXCLUSIVE_OVERLAP``), most salient first."""
    if len(_outlets(articles)) < min_outlets:
        return ()
    outlet = {a.id: a.outlet for a in articles}
    ranked = sorted(units, key=lambda u: -float(salience[u.id]))[:top]
    elsewhere = Elsewhere(
        (s for u in units for s in u.sentences), outlet, (t for u in ranked for t in u.representative.terms)
    )
    out = []
    for u in ranked:
        outlets = {outlet.get(s.article_id, s.article_id) for s in u.sentences}
        if len(outlets) == 1 and elsewhere.share(u.representative.terms, next(iter(outlets))) < EXCLUSIVE_OVERLAP:
            spans = tuple(
                SourceSpan(s.article_id, outlet.get(s.article_id, s.article_id), s.start, s.end)
                for s in u.sentences
            )
            out.append(
                Exclusive(u.id, u.representative.text, next(iter(outlets)), spans, float(salience[u.id]))
            )
    return tuple(out)


# --- values and disagreements ------------------------------------------------------------------------





def _load_classes() -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, str]]:
    """Class words (folded word -> class), the bracketed word sections (``[partitive]``, ``[toll]``,
    ``[act:launch]``...: section name -> folded words) and each class's name."""
    raw = resources.files("khulasa").joinpath("data/quantity_words_ar.tsv").read_text(encoding="utf-8")
    classes: dict[str, str] = {}
    # A class's first word as written (``killed`` -> ``قتيل``): how ``Disagreement.fact`` names it.
    names: dict[str, str] = {"date": "التاريخ", "amount": "المبلغ"}
    sections: dict[str, set[str]] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls, words = line.split("\t")[:2]
        folded = [key(fold(w)) for w in words.split()]
        if cls.startswith("["):
            sections.setdefault(cls.strip("[]"), set()).update(folded)
        else:
            classes.update(dict.fromkeys(folded, cls))
            names.setdefault(cls, words.split()[0])
    return classes, {k: frozenset(v) for k, v in sections.items()}, names


CLASSES, SECTIONS, CLASS_NAMES = _load_classes()
PARTITIVE, AGGREGATE = SECTIONS["partitive"], SECTIONS["aggregate"]
_ACTIONS = {w: name for name, words in SECTIONS.items() if name.startswith(("act:", "people:", "rate:")) for w in words}
"""Action word -> its group (``act:launch``, ``act:intercept``): what a count was done to; people word
-> its group (``people:israeli``): who was counted; rate word -> its period (``rate:day``)."""
_MONTH_WORDS = frozenset(w.split()[0] for w in __import__("khulasa.timeline", fromlist=["MONTHS"]).MONTHS)
_MONTH_NUMBER = {
    p + key(fold(w)): n
    for w, n in __import__("khulasa.timeline", fromlist=["MONTHS"]).MONTHS.items()
    if " " not in w and not w.startswith(("كانون", "تشرين")) and w != "ماي"
    for p in ("", "و", "ب", "ل")
}
"""A month written in one word (``أبريل``, ``نيسان``; ``كانون``, ``تشرين`` name two months, ``ماي`` is also a
name) -> its number."""
_MONTH_FORMS = frozenset(p + w for w in _MONTH_WORDS for p in ("", "و", "ب", "ل"))
"""Month words as written before a day or after ``من`` (``12 يونيو``, ``في 12 من حزيران``)."""
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[%٪]")


_CLASS_PREFIXES = ("و", "ب", "ل", "وب", "ول", "ال", "وال", "بال", "لل", "ف")


def _after_clitic(table: dict[str, str], word: str) -> str | None:
    """``table``'s value for ``word`` (folded by ``key``), alone or after a clitic of ``_CLASS_PREFIXES``."""
    word = key(word)
    if word in table:
        return table[word]
    for prefix in _CLASS_PREFIXES:
        if word.startswith(prefix) and word[len(prefix) :] in table:
            return table[word[len(prefix) :]]
    return None


@functools.lru_cache(maxsize=1 << 14)
def _class_of(word: str) -> str | None:
    return _after_clitic(CLASSES, word)


def _spellings(word: str) -> list[str]:
    """``word`` with each of its ``ي`` written ``ي`` or ``ى``: the folded forms that ``key`` maps to it."""
    out = [""]
    for ch in word:
        out = [w + c for w in out for c in (("ي", "ى") if ch == "ي" else (ch,))]
    return out


_CLASS_FORMS = frozenset(
    f
    for w in CLASSES
    for p in ("", *_CLASS_PREFIXES)
    for f in _spellings(p + w)
)
"""Every folded word that ``_class_of`` gives a class: a class word, a prefix before it, ``ي`` or ``ى``."""


@functools.lru_cache(maxsize=1 << 14)
def _section_of(word: str, section: str) -> bool:
    """Whether ``word`` (folded) is a word of ``SECTIONS[section]``, alone or after a clitic."""
    word = key(word)
    words = SECTIONS[section]
    return word in words or any(word.startswith(p) and word[len(p) :] in words for p in _CLASS_PREFIXES)


@functools.lru_cache(maxsize=1 << 14)
def _action_of(word: str) -> str | None:
    return _after_clitic(_ACTIONS, word)


_TOLL_FORMS = frozenset(f for w in SECTIONS["toll"] for p in ("", *_CLASS_PREFIXES) for f in _spellings(p + w))
"""The folded forms of the toll nouns (``عدد``, ``وحصيلة``...), as ``_CLASS_FORMS`` for class words."""


@dataclass(frozen=True)
class _Value:
    article: Article
    sentence: Sentence
    start: int
    end: int
    text: str
    low: float
    high: float
    classes: frozenset[str]
    units: frozenset[str]
    terms: frozenset[str]
    unit_id: int
    order: tuple
    action: str | None = None
    """The group of the action word nearest the number (``act:launch``...), if any."""
    people: str | None = None
    """The group of the people word right after the number (``people:israeli``), if any."""
    rate: str | None = None
    """The period of a rate word a few words after the number (``rate:day`` for ``يوميا``), if any."""
    kind: frozenset[str] = frozenset()
    """The terms of a type named after the counted noun (``من طراز توماهوك``), if any."""
    time: str | None = None
    """Another time than the story's that the words around place the value in (``year:2004``,
    ``past:عام``); ``None`` for the story's own time."""
    anchor: frozenset[str] = frozenset()
    """For a place, the words of what it locates (``مطار حميميم`` in ``مطار حميميم، شرق سوريا``)."""

    @property
    def kind_place(self) -> bool:
        return next(iter(self.classes)).startswith("place:")


def _published(article: Article) -> str | None:
    raw = article.extra.get("time") if article.extra else None
    if not raw:
        return None
    try:
        when = email.utils.parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        try:
            when = dt.datetime.fromisoformat(str(raw))
        except ValueError:
            return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.isoformat(timespec="seconds") + "Z"


def _window(
    ft: Folded, start: int, end: int, s: Sentence, n_before: int = WINDOW
) -> tuple[list[str], list[str]]:
    """The folded words before and after ``text[start:end]`` in its sentence (``n_before`` before,
    ``WINDOW`` after)."""
    f = ft.folded
    lo, hi = ft.index(start), ft.index(end)
    slo, shi = ft.index(s.start), ft.index(s.end)
    before = _WORD.findall(f, max(slo, lo - 12 * n_before), lo)[-n_before:]
    after = _WORD.findall(f, hi, min(shi, hi + 12 * WINDOW))[:WINDOW]
    return before, after


LONG_WINDOW = 24
"""Words before a number, in its sentence, where a time of another fact (``في عام 2004``) or the toll
noun of ``ارتفع عدد القتلى ... إلى 1234`` may stand."""
ACTION_WINDOW = 5
"""Words on each side of a number where the action word of its count may stand."""
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_ORDINAL = re.compile(r"(?:^|[\s(])[وفبل]?(?:ال|لل)\u0640*\s?$")
"""``الـ23``, ``الـ 28``: a number with the article is an ordinal or a known set (``الدول الـ28``), not a
count reported as news."""


_ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@functools.lru_cache(maxsize=1 << 14)
def _time_word(word: str) -> tuple[str, int]:
    """What a folded word says of time: ``("past", 0)`` (``الماضي``), ``("noun", 0)`` (``الأسبوع``,
    ``كانون``), ``("month", n)``, ``("ago", 0)`` (``قبل``), ``("since", 0)`` (``منذ``), ``("start", 0)``
    (``بدء``), ``("year", y)`` for a year in digits, else ``("", 0)``."""
    if word[0].isdecimal():
        digits = word.translate(_ASCII_DIGITS)
        return ("year", int(digits)) if _YEAR.match(digits) else ("", 0)
    k = key(word)
    if k in SECTIONS["past"] or (k[:1] == "و" and k[1:] in SECTIONS["past"]):
        return ("past", 0)
    if _section_of(word, "time_noun"):
        return ("noun", 0)  # الأسبوع، والأسبوع
    if (n := _MONTH_NUMBER.get(k)) is not None:
        return ("month", n)
    if k in _MONTH_FORMS:
        return ("noun", 0)
    if _section_of(word, "ago"):
        return ("ago", 0)
    if _section_of(word, "since"):
        return ("since", 0)
    if k in SECTIONS["since_start"]:
        return ("start", 0)
    return ("", 0)


def _other_time(
    before: Sequence[str], after: Sequence[str], year: int | None, month: int | None = None
) -> str | None:
    """The other time than the story's that the words around a value (``before`` it in its clause,
    ``after`` it in its clause) place it in, as a key (``year:2004``, ``past:العام``), or ``None``: a
    year other than the article's ``year``, a time noun or a month followed by ``الماضي`` (one word
    may stand between: ``السنوات الخمس الماضية``), ``قبل`` + a time noun, ``منذ`` + a year, a month or
    a start (``منذ بدء الاحتجاجات``), or a month other than the article's ``month`` and the one before
    it (``أواخر كانون الأول/ديسمبر`` in March)."""
    words = (*before, *after)
    kinds = [_time_word(w) for w in words]
    for i, (kind, n) in enumerate(kinds):
        if not kind:
            continue
        if kind == "year":
            if year is not None and n != year:
                return f"year:{n}"
        elif kind == "month":
            if month is not None and n != month and n % 12 != month - 1:
                return f"month:{n}"
        elif kind == "past":
            for j in range(i - 1, max(-1, i - 3), -1):
                if kinds[j][0] == "noun":
                    return "past:" + _strip_article(key(words[j]))
                if kinds[j][0] == "month":
                    return f"past:month:{kinds[j][1]}"
        elif kind == "ago":
            if i + 1 < len(kinds) and kinds[i + 1][0] == "noun":
                return "ago:" + _strip_article(key(words[i + 1]))
        elif kind == "since":
            for k, m in kinds[i + 1 : i + 4]:
                if k in ("year", "month"):
                    return f"since:{k}:{m}"
                if k == "start":
                    return "since:start"
    return None


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith("ال") else word


_CLAUSE_MARKS = ("،", "؛", ";", ", ", ":")
OPENING = 5
"""Words that open a sentence, where a fronted time (``وفي عام 2004،``) dates all the sentence says."""


_CLAUSE_MARK = re.compile("|".join(map(re.escape, _CLAUSE_MARKS)))


def _clause_before(f: str, marks: list[int], slo: int, lo_word: int, lo: int, before: list[str]) -> list[str]:
    """The folded words before ``f[lo]`` in its clause (from the last comma, colon or semicolon of the
    sentence before it, ``marks`` being where the text has one; ``before``, the words ``_window`` read
    from ``lo_word``, when none is there), and the sentence's (from ``slo``) opening words when the
    clause does not hold them: a time said there (``في أبريل 2017، قصفت ... مقتل 83``) dates the
    number, one said in another clause of the sentence (``... الأولى منذ 2015، تحطمت طائرة ... مقتل
    39``) does not."""
    k = bisect_left(marks, lo) - 1
    cut = marks[k] if k >= 0 and marks[k] >= lo_word else -1
    clause = before if cut < 0 else _WORD.findall(f, cut + 1, lo)
    if cut >= 0 and clause and _section_of(clause[0], "when"):
        # منذ هجوم أغسطس 2013، عندما قصفت ...: the clause before tells when this one happened
        cut = marks[k - 1] if k >= 1 and marks[k - 1] >= lo_word else -1
        clause = _WORD.findall(f, max(lo_word, cut + 1), lo)
    if lo_word == slo and cut < 0:
        return clause  # the clause opens the sentence
    return _WORD.findall(f, slo, min(lo_word if cut < 0 else cut, slo + 12 * OPENING))[:OPENING] + clause


def _marks(f: str, marks: list[int] | None) -> list[int]:
    """``marks`` once made: the offsets of the clause marks of ``f``."""
    return [c.start() for c in _CLAUSE_MARK.finditer(f)] if marks is None else marks


def _clause_after(f: str, marks: list[int], hi: int, hi_word: int, after: list[str]) -> list[str]:
    """The folded words after ``f[hi]`` in its clause (to the next comma, colon or semicolon;
    ``after``, the words ``_window`` read up to ``hi_word``, when none is there): a time said there
    dates the number (``عشرات الغارات ... خلال العقود الثلاثة الماضية``)."""
    k = bisect_left(marks, hi)
    if k == len(marks) or marks[k] >= hi_word:
        return after
    return _WORD.findall(f, hi, marks[k])[:WINDOW]


def _toll_class(before: Sequence[str]) -> str | None:
    """``ارتفع عدد القتلى ... إلى 1234``, ``بلغت حصيلة الضحايا 40``: the class of the toll noun's class
    word, when the number stands right after a ``[reach]`` word (no other number in between)."""
    if not before or not _section_of(before[-1], "reach"):
        return None
    for i in range(len(before) - 2, -1, -1):
        w = before[i]
        if w[0].isdecimal():
            return None
        if _section_of(w, "toll"):
            for v in before[i + 1 : i + 3]:
                c = _class_of(v)
                if c and not c.startswith("unit:"):
                    return c
            return None
    return None


def _action(before: Sequence[str], after: Sequence[str]) -> str | None:
    """The group of the action word nearest a number: before it (within ``ACTION_WINDOW`` words) or
    right after its counted noun (``110 صواريخ أطلقت``; further on, a verb has another subject)."""
    for d in range(ACTION_WINDOW):
        for w in (before[-1 - d] if d < len(before) else None, after[d] if d < min(2, len(after)) else None):
            if w and (found := _action_of(w)) and found.startswith("act:"):
                return found
    return None


@functools.lru_cache(maxsize=1 << 14)
def _counts_other(head: str) -> bool:
    """Whether ``head``, the word right after a number, is a noun the number counts that is not a
    class word (``أهداف``, ``مدمرات``), so that no class word before the number tells what it counts:
    an indefinite content word, neither a noun any class may count (``شخصا``, ``مدنيين``), a number
    word, a conjunct (``وإصابة``) nor a word of ``[not_counted]`` (``نتيجة``)."""
    k = key(head)
    if k.startswith(("ال", "و", "ف", "لل")) or numbers.is_number_word(head):
        return False
    if _section_of(head, "counted_any") or _section_of(head, "not_counted") or not content_terms(head):
        return False
    return not head[0].isdecimal() and k not in _MONTH_FORMS


@functools.lru_cache(maxsize=1 << 14)
def _says_value(word: str) -> bool:
    """A digit token, a number word or a class or unit word: what says a value or its kind."""
    return word[0].isdecimal() or numbers.is_number_word(word) or _class_of(word) is not None


def _type_terms(after: Sequence[str]) -> frozenset[str]:
    """The terms of the two words after ``طراز``/``نوع`` in the three words after a number (``19 صاروخا
    من طراز جي إي``)."""
    for i, w in enumerate(after[:3]):
        if _section_of(w, "type"):
            return frozenset(content_terms(" ".join(after[i + 1 : i + 3])))
    return frozenset()


def _plain_terms(words: Sequence[str]) -> frozenset[str]:
    """The content terms of ``words`` without numbers, number words and class or unit words: what
    the words around a value say of its fact, not the value or its kind."""
    return frozenset(content_terms(" ".join(w for w in words if not _says_value(w))))


_PERCENT_SIGNS = ("%", "٪")


def _near_cues(f: str, words: frozenset[str], has_toll: bool) -> list[tuple[int, int]]:
    """The ranges of the folded text ``f`` where a number may have a class: ``12 * WINDOW`` characters
    (the reach of ``_window``) around each class or unit word and per cent sign, and ``12 *
    LONG_WINDOW`` after each toll noun (``عدد القتلى ... إلى 1234``); merged, in text order.  A number
    elsewhere has no class word in its window, so only numbers here are parsed (``parse_numbers(...,
    near=)``; one that starts past them may be read cut, and has no class).  The disagreements are those
    of parsing every number (checked on the 211 ANT article groups of the benchmarks)."""
    reach = 12 * WINDOW + 8
    ranges = [(a - reach, b + reach) for a, b in whole_word_spans(f, words & _CLASS_FORMS)]
    for sign in _PERCENT_SIGNS:
        at = f.find(sign)
        while at >= 0:
            ranges.append((at - reach, at + 1 + reach))
            at = f.find(sign, at + 1)
    if has_toll:
        ranges.extend((a, b + 12 * LONG_WINDOW + 8) for a, b in whole_word_spans(f, words & _TOLL_FORMS))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for a, b in ranges:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((max(0, a), b))
    return merged


def _number_values(
    article: Article,
    ft: Folded,
    sentences: Sequence[Sentence],
    unit_of: dict[tuple[str, int], int],
    rank: tuple,
    wanted: Iterable[str] | None = None,
) -> list[_Value]:
    """The numbers of ``article`` that state a fact of a kind in ``wanted`` (classes, ``amount``; every
    kind when ``None``)."""
    out: list[_Value] = []
    kinds_wanted = None if wanted is None else frozenset(wanted)
    has_toll = not ft.words.isdisjoint(_TOLL_FORMS)  # a toll noun (عدد، حصيلة) to read "rose to N" by
    f = ft.folded
    near = _near_cues(f, ft.words, has_toll)
    if not near:
        return out
    mentions = numbers.parse_numbers(ft, near=near)
    if not mentions:
        return out
    marks: list[int] | None = None  # where the text has a comma, colon or semicolon (read when needed)
    year = article.date.year if article.date else None
    month = article.date.month if article.date else None
    text = article.text
    k = 0
    for m in mentions:
        while k < len(sentences) and sentences[k].end <= m.start:
            k += 1
        if k == len(sentences) or sentences[k].start > m.start:
            continue
        s = sentences[k]
        ns = m.number_start
        if ns > 0 and text[ns - 1] in "-–" and text[ns - 2 : ns - 1].isalpha():
            continue  # آن-26, سو-24: a model name
        if (
            ns > 1
            and (text[ns - 1] in "ـل" or (text[ns - 1].isspace() and text[ns - 2] in "ـل"))
            and _ORDINAL.search(text, max(s.start, ns - 6), ns)
        ):
            continue  # الـ23: an ordinal
        # the words around the number in its sentence (what ``_window`` reads)
        lo, hi, slo, shi = ft.index(m.start), ft.index(m.end), ft.index(s.start), ft.index(s.end)
        lo_word, hi_word = max(slo, lo - 12 * WINDOW), min(shi, hi + 12 * WINDOW)
        before = _WORD.findall(f, lo_word, lo)[-WINDOW:]
        after = _WORD.findall(f, hi, hi_word)[:WINDOW]
        if after and (
            after[0] in _MONTH_WORDS or (len(after) > 1 and after[0] == "من" and after[1] in _MONTH_WORDS)
        ):
            continue  # 12 يونيو، 24 من نوفمبر: a date
        head = after[0] if after else ""
        if head in PARTITIVE:
            continue  # 26 من الركاب، 76 منها: a part
        if any(w in AGGREGATE for w in before[-CLASS_WINDOW:] + after[:3]):
            continue  # مجموع ...: a total
        if len(before) > 1 and before[-1] == "من" and (before[-2][0].isdecimal() or numbers.is_number_word(before[-2])):
            continue  # دمر 71 من 103 صواريخ: the whole that a part is given of
        if head and _section_of(head, "duration"):
            continue  # 50 دقيقة، 30 عاما: a duration or an age
        if ns == m.start and before and (_section_of(before[-1], "clock") or _section_of(before[-1], "model")):
            continue  # الساعة 2، إس 300
        head_class = _class_of(head) if head else None
        if head_class and key(head)[0] == "ل" and key(head) not in CLASSES:
            continue  # بكلفة 850 ألف للصاروخ: a rate per item
        if (
            m.number_end - ns == 4
            and _YEAR.match(text[ns : m.number_end].translate(_ASCII_DIGITS))
            and not head_class
        ):
            continue  # في 2004، حرب 2014، بين 2012 و2013: a year
        after_units = frozenset(c for c in map(_class_of, after[:3]) if c and c.startswith("unit:"))
        if (
            head
            and not head_class
            and not after_units
            and _counts_other(head)
        ):
            continue  # طالت ثلاثة أهداف: it counts its own noun, not a class word before it
        # the unit written after the number is its unit (7 ملايين جنيه (400 ألف دولار): the dollars are
        # the second number's); one before it counts only when none follows
        units = after_units or frozenset(
            c for c in map(_class_of, before[-2:]) if c and c.startswith("unit:")
        )
        classes: set[str] = set()
        if head and not head.startswith("و") and head_class and not head_class.startswith("unit:"):
            classes.add(head_class)
        if not classes:
            for w in reversed(before[-CLASS_WINDOW:]):
                c = _class_of(w)
                if c and not c.startswith("unit:"):
                    classes.add(c)
                    break
        if not classes and has_toll and before and _section_of(before[-1], "reach"):
            long_before = _window(ft, m.start, m.end, s, LONG_WINDOW)[0]
            if c := _toll_class(long_before):
                classes.add(c)  # ارتفع عدد القتلى ... إلى 1234
        if not classes and units:
            classes.add("amount")
        if not classes or (kinds_wanted is not None and not classes & kinds_wanted):
            continue  # no class; or no other article may give a value of its kind
        # وفي عام 2004 ...، فبراير الماضي: a fact of another time, compared only with values of that time
        time = _other_time(
            _clause_before(f, marks := _marks(f, marks), slo, lo_word, lo, before),
            _clause_after(f, marks, hi, hi_word, after),
            year,
            month,
        )
        low, high = m.low, m.high
        if units == {"unit:percent"} and high <= 1 and m.value < 1:
            low, high = low * 100, high * 100  # أكثر من نصف الأصوات: a fraction of the votes
        out.append(
            _Value(
                article,
                s,
                m.start,
                m.end,
                m.text,
                low,
                high,
                frozenset(classes),
                units,
                _plain_terms(before + after),
                unit_of.get((article.id, s.index), -1),
                (*rank, m.start),
                _action(before, after),
                next((g for w in after[:2] if (g := _action_of(w)) and g.startswith("people:")), None),
                next((g for w in after[:4] if (g := _action_of(w)) and g.startswith("rate:")), None),
                _type_terms(after),
                time,
            )
        )
    # values of one kind listed in one sentence (9 صواريخ أمريكية و8 صواريخ بريطانية، تركيا 3,7% وتايوان
    # 3,7%) are a breakdown, each value its own fact that no other outlet's value is known to be: left out
    kinds = Counter((v.sentence.index, v.classes, v.units) for v in out)
    return [v for v in out if kinds[(v.sentence.index, v.classes, v.units)] == 1]


def _value_kinds(ft: Folded) -> set[str]:
    """What values a text may hold, by the words it holds: the classes a number in it may count
    (``amount`` for a unit word), ``date`` (a month word and a digit) and ``place`` (a direction word).
    Values of two articles are compared only when one kind is in both."""
    words = ft.words
    found = {c for c in map(_class_of, words & _CLASS_FORMS) if c is not None}
    if "%" in ft.folded or "٪" in ft.folded:
        found.add(_class_of("%") or "unit:percent")
    kinds = {c for c in found if not c.startswith("unit:")}
    if len(kinds) < len(found):
        kinds.add("amount")
    if words & _MONTH_FORMS and _MAYBE_DATE.search(ft.text):
        kinds.add("date")
    if words & _DIRECTION_WORDS:
        kinds.add("place")
    return kinds


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def _same_fact(x: _Value, y: _Value, threshold: float) -> float:
    """How alike two values' facts are (0 when they are not the same fact).

    A count of an event class (the dead, the wounded, missiles...) in a story is one fact unless the
    words around say otherwise, so any similarity will do (the most alike cluster wins), but some
    there must be: counts that share no word around them are not paired (in a story with many counts
    of a class, nothing says which of them another outlet's count is); an amount (per cents, money)
    is one of many in a story and needs ``threshold``.  The words say otherwise when the counts were
    done different things (``أطلقت`` / ``اعترضت``) or count different people (``3 إسرائيليين`` /
    ``25 جريحا فلسطينيا``), when two places locate different things, or when two dates are more than
    ``DATE_GAP`` days apart."""
    if x.article.id == y.article.id or not (x.classes & y.classes):
        return 0.0
    if (x.units or y.units) and not (x.units & y.units):
        return 0.0
    if x.action and y.action and x.action != y.action:
        return 0.0
    if x.people and y.people and x.people != y.people:
        return 0.0
    if x.time != y.time:
        return 0.0  # وفي عام 2004 ... 226 ألف vs today's toll: two times, two facts
    if x.rate != y.rate:
        return 0.0  # 3 ملايين برميل يوميا vs 153 مليار برميل: a rate and a stock
    if x.kind and y.kind and not (x.kind & y.kind):
        return 0.0  # صواريخ من طراز توماهوك vs من طراز ستورم شادو
    if x.kind_place and not (x.anchor & y.anchor):
        return 0.0
    if "date" in x.classes and abs(x.low - y.low) > DATE_GAP:
        return 0.0
    if x.unit_id >= 0 and x.unit_id == y.unit_id:
        return 1.0
    cos = _cosine(x.terms, y.terms)
    if (x.classes & y.classes) - {"amount", "date"} and not x.units and not x.kind_place:
        return cos
    return cos if cos >= threshold else 0.0


def _overlap(x: _Value | Reading, y: _Value | Reading) -> bool:
    return x.low <= y.high and y.low <= x.high


def _cluster(values: Sequence[_Value], threshold: float) -> list[list[_Value]]:
    """Values of one fact: leader clustering in reading order (a value joins the most alike leader,
    never a cluster that holds a different value of its own article)."""
    clusters: list[list[_Value]] = []
    for v in sorted(values, key=lambda v: v.order):
        best, best_sim = -1, 0.0
        for c, members in enumerate(clusters):
            if any(w.article.id == v.article.id and not _overlap(v, w) for w in members):
                continue  # two values of one article: two facts (or an update the article itself gives)
            sim = _same_fact(v, members[0], threshold)
            if sim > best_sim:
                best, best_sim = c, sim
        if best >= 0:
            clusters[best].append(v)
        else:
            clusters.append([v])
    return clusters


def _readings(members: Sequence[_Value], published: dict[str, str | None]) -> list[list[_Value]]:
    """Group a fact's values into readings whose intervals all meet (sorted by their lower ends)."""
    groups: list[list[_Value]] = []
    for v in sorted(members, key=lambda v: (v.low, v.high)):
        if groups and all(_overlap(v, w) for w in groups[-1]):
            groups[-1].append(v)
        else:
            groups.append([v])
    return groups


def _source(v: _Value, published: dict[str, str | None]) -> ValueSource:
    return ValueSource(
        v.article.id,
        v.article.outlet,
        v.start,
        v.end,
        v.sentence.start,
        v.sentence.end,
        v.article.date,
        published.get(v.article.id),
    )


def _when(r: Reading) -> tuple:
    return min((s.date or dt.date.max, s.published or "") for s in r.sources)


def _disagreement(
    kind: str, fact: str, groups: Sequence[Sequence[_Value]], published: dict[str, str | None]
) -> Disagreement | None:
    if len(groups) < 2:
        return None
    readings = [
        Reading(
            g[0].text,
            g[0].low,
            g[0].high,
            tuple(_source(v, published) for v in sorted(g, key=lambda v: v.order)),
        )
        for g in groups
    ]
    readings.sort(key=_when)
    times = [_when(r) for r in readings]
    over_time = all(a < b for a, b in pairwise(times)) and all(
        max(_when_one(s) for s in readings[i].sources) <= times[i + 1] for i in range(len(readings) - 1)
    )
    return Disagreement(kind, fact, tuple(readings), over_time)


def _when_one(s: ValueSource) -> tuple:
    return (s.date or dt.date.max, s.published or "")


def _fact_words(members: Sequence[_Value]) -> str:
    classes = set.intersection(*(set(v.classes) for v in members))
    named = sorted(classes | set(members[0].units))
    return " ".join(dict.fromkeys(CLASS_NAMES.get(c, c.split(":", 1)[-1]) for c in named))


def disagreements(
    articles: Sequence[Article],
    sentences: Iterable[Sentence] | None = None,
    units: Sequence[InfoUnit] = (),
    *,
    folded: dict[str, Folded] | None = None,
) -> tuple[Disagreement, ...]:
    """Facts that the articles give with different numbers, dates or places (see the module docstring).

    ``sentences`` and ``units`` may pass what ``pipeline.analyze`` computed; sentences in one unit state
    one fact whatever the words around the value.  ``folded`` may pass the articles' folded texts
    (article id -> ``Folded``) when ``quotes.extract_quotes`` made them already.
    """
    arts = tuple(articles)
    by_article: dict[str, list[Sentence]] = {a.id: [] for a in arts}
    if sentences is None:
        for a in arts:
            by_article[a.id] = list(segment(a))
    else:
        for s in sentences:
            if s.article_id in by_article:
                by_article[s.article_id].append(s)
    unit_of = {(s.article_id, s.index): u.id for u in units for s in u.sentences}
    published = {a.id: _published(a) for a in arts}
    values: list[_Value] = []
    dates: list[_Value] = []
    places: list[_Value] = []
    fts = [folded[a.id] if folded is not None and a.id in folded else Folded(a.text) for a in arts]
    # Values are read only in articles whose kind of value another article may give too: a number's
    # classes come from the words around it, so an article without a class word that another article
    # has holds no number of a fact two articles give (and so for dates and places).
    kinds: dict[str, set[str]] = {}
    for a, ft in zip(arts, fts, strict=True):
        kinds.setdefault(a.id, set()).update(_value_kinds(ft))
    shared = {k for k, n in Counter(k for found in kinds.values() for k in found).items() if n > 1}
    for i, (a, ft) in enumerate(zip(arts, fts, strict=True)):
        mine = kinds[a.id] & shared
        if not mine:
            continue
        rank = (a.date or dt.date.max, published[a.id] or "", i)
        candidates = [s for s in by_article[a.id] if not s.is_heading]
        if mine - {"date", "place"}:
            values.extend(_number_values(a, ft, candidates, unit_of, rank, mine))
        if "date" in mine:
            dates.extend(_date_values(a, ft, candidates, unit_of, rank))
        if "place" in mine:
            places.extend(_place_values(a, ft, candidates, unit_of, rank))
    out: list[Disagreement] = []
    for members in _cluster(values, FACT_THRESHOLD):
        if len({v.article.id for v in members}) < 2:
            continue
        kind = "amount" if members[0].units or "amount" in members[0].classes else "count"
        found = _disagreement(kind, _fact_words(members), _readings(members, published), published)
        if found is not None:
            out.append(found)
    for kind, group, threshold in (("date", dates, DATE_THRESHOLD), ("place", places, FACT_THRESHOLD)):
        for members in _cluster(group, threshold):
            if len({v.article.id for v in members}) < 2:
                continue
            found = _disagreement(kind, _fact_words(members), _readings(members, published), published)
            if found is not None:
                out.append(found)
    return tuple(out)


# --- dates and places -------------------------------------------------------------------------------


def _date_values(
    article: Article,
    ft: Folded,
    sentences: Sequence[Sentence],
    unit_of: dict[tuple[str, int], int],
    rank: tuple,
) -> list[_Value]:
    """Day-precise dates with the words around them (a date's class is the noun it dates)."""
    from khulasa.timeline import parse_dates

    out: list[_Value] = []
    months = ft.words & _MONTH_FORMS
    if not months or not _MAYBE_DATE.search(article.text):
        return out
    month = re.compile("|".join(map(re.escape, sorted(months, key=lambda w: (-len(w), w)))))
    f = ft.folded
    for s in sentences:
        lo, hi = ft.index(s.start), ft.index(s.end)
        if not _MAYBE_DATE.search(s.text) or not month.search(f, lo, hi):
            continue
        for d in parse_dates(s.text, article.date):
            if d.granularity != "day" or d.end_date is not None:
                continue
            if not _MAYBE_DATE.search(d.expression) and not (_words(d.expression) & _MONTH_FORMS):
                continue  # الأربعاء: a weekday alone, resolved against the publication date
            start, end = s.start + d.start, s.start + d.end
            before, after = _window(ft, start, end, s)
            words = before + after
            terms = frozenset(content_terms(" ".join(words)))
            if not terms:
                continue
            value = d.date.toordinal()
            out.append(
                _Value(
                    article,
                    s,
                    start,
                    end,
                    d.expression,
                    float(value),
                    float(value),
                    frozenset({"date"}),
                    frozenset(),
                    terms,
                    unit_of.get((article.id, s.index), -1),
                    (*rank, start),
                )
            )
    return out


_MAYBE_DATE = re.compile(r"\d")


def _words(text: str) -> set[str]:
    return {key(w) for w in _WORD.findall(fold(text))}


"""Dates are compared where a day is written (``12 يونيو``): a relative date alone (``السبت الماضي``)
is resolved against the publication date and so cannot contradict another outlet's explicit one."""
_DIRECTIONS = {"شمال": "north", "جنوب": "south", "شرق": "east", "غرب": "west"}
_DIRECTION = re.compile(r"\b(?:[وب]|في\s+)?(شمال|جنوب|شرق|غرب)(?:ي)?\s+([^\W\d_]+)")
_DIRECTION_WORDS = frozenset(p + d + s for d in _DIRECTIONS for p in ("", "و", "ب") for s in ("", "ي"))


def _directions(f: str, present: Iterable[str]) -> list[re.Match[str]]:
    """``list(_DIRECTION.finditer(f))``, tried only where one of the direction words ``present`` in the
    text stands as a whole word (or at a ``في`` right before one), not at every position of the text.

    Every match holds such a word (``[وب]?`` + direction + ``ي?`` before a space, so a whole word); it
    starts at that word or at the ``في`` before it, and matches do not overlap: from the end of the
    last match, the earliest match is at the next candidate that has one."""
    hits: list[re.Match[str]] = []
    pos = 0
    for c, _ in whole_word_spans(f, present):
        if c < pos:
            continue
        k = c
        while k > pos and f[k - 1].isspace():
            k -= 1
        m = None
        if k < c and k - 2 >= pos and f[k - 2 : k] == "في":
            m = _DIRECTION.match(f, k - 2)
        if m is None:
            m = _DIRECTION.match(f, c)
        if m is not None:
            hits.append(m)
            pos = m.end()
    return hits


def _place_values(
    article: Article,
    ft: Folded,
    sentences: Sequence[Sentence],
    unit_of: dict[tuple[str, int], int],
    rank: tuple,
) -> list[_Value]:
    """``شرق سوريا``: a direction within a place; the same place given two directions disagrees."""
    out: list[_Value] = []
    f = ft.folded
    present = ft.words & _DIRECTION_WORDS
    if not present:
        return out
    hits = _directions(f, present)
    starts = [h.start() for h in hits]
    for s in sentences:
        lo, hi = ft.index(s.start), ft.index(s.end)
        for m in hits[bisect_left(starts, lo) : bisect_left(starts, hi)]:
            place = key(m.group(2))
            if place not in speech.PLACES:
                continue
            start, end = ft.start(m.start(1)), ft.end(m.end(2))
            before, after = _window(ft, start, end, s)
            terms = frozenset(content_terms(" ".join(before + after)))
            # what the direction locates: the words right before it (مطار حميميم، شرق سوريا; قاعدة
            # حميميم الروسية في غرب سوريا); two directions of one place disagree only for one thing
            anchor = frozenset(content_terms(" ".join(before[-3:]))) - {key(m.group(2))}
            direction = list(_DIRECTIONS).index(m.group(1))
            out.append(
                _Value(
                    article,
                    s,
                    start,
                    end,
                    article.text[start:end],
                    float(direction),
                    float(direction),
                    frozenset({"place:" + place}),
                    frozenset(),
                    terms,
                    unit_of.get((article.id, s.index), -1),
                    (*rank, start),
                    anchor=anchor,
                )
            )
    return out
