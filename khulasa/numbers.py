"""Numbers in Arabic news text, parsed to values and intervals, with their spans.

Written numbers come as digits (``20``, Arabic-Indic ``٢٠``, Persian ``۲۰``; thousands ``1,000`` /
``١٬٠٠٠``; decimals ``3.5`` / ``٣٫٥`` / ``52,5``), as words (``عشرين``, ``خمسة وعشرون``, ``مئة وخمسون
ألفا``, ``ألفين``, ``نصف مليون``, ``مليون ونصف``) or mixed (``2.5 مليون``, ``55 ألفا``).  A phrase is read
left to right in the usual way for number words: small numbers add up (``خمسة`` + ``عشرون``), ``مئة``
multiplies a unit before it (``ثلاث مئة``), a scale word (``ألف``, ``آلاف``, ``مليون``, ``مليار``) multiplies
what came since the last scale, and ``نصف``/``ربع`` after a scale add that part of it.

A mention is an interval, so that outlets can be compared without false alarms: an exact number is
``[x, x]``; ``نحو``/``حوالي``/``قرابة``/``تقريبا`` give ``x`` ± ``ABOUT``, ``ما يناهز`` ``[x - ABOUT·x, x]``;
``أكثر من`` ``[x, ∞)``; ``ما لا يقل عن``/``على الأقل`` ``[x, ∞)``; ``أقل من`` ``[0, x]``; a range (``بين 20
و30``, ``من 20 إلى 30``, ``20-30``) ``[20, 30]``; a vague plural (``عشرات``, ``مئات``, ``آلاف``) ``[2·s, 10·s)``.
Word lists are data (``data/number_words_ar.tsv``).
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

from khulasa.speech.lexicon import whole_word_spans
from khulasa.text.chars import DIGIT_FOLDS
from khulasa.text.fold import Folded, fold, key

ABOUT = 0.1
"""Relative tolerance of an approximate number (``نحو 40`` is 36..44)."""

QUALIFIERS = ("about", "nearly", "more than", "at least", "less than", "at most", "range", "vague")


@dataclass(frozen=True)
class NumberMention:
    """A number phrase: ``text[start:end]`` (qualifier included), its value and interval.

    ``value`` is the number as written (the lower end of a range); ``low``/``high`` the interval it
    stands for (``high`` may be ``math.inf``).  ``qualifier`` is one of ``QUALIFIERS`` or ``None``.
    ``number_start:number_end`` is the number itself, without the qualifier.
    """

    start: int
    end: int
    text: str
    value: float
    low: float
    high: float
    qualifier: str | None = None
    number_start: int = -1
    number_end: int = -1

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def overlaps(self, other: NumberMention) -> bool:
        """Whether the two intervals meet: the two mentions can state the same quantity."""
        return self.low <= other.high and other.low <= self.high


# --- word tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    value: float
    kind: str
    """``unit`` (0-19 and tens: adds), ``hundred`` (مئة: multiplies a unit before it), ``hundreds``
    (ثلاثمئة: adds), ``scale`` (ألف/مليون: multiplies), ``scale2`` (ألفين: 2 × scale), ``plural``
    (آلاف: a scale after a count, vague alone), ``vague`` (عشرات), ``fraction`` (نصف), ``teen_one``
    (أحد/اثنا: only before عشر)."""


def _load_words() -> dict[str, _Word]:
    raw = resources.files("khulasa").joinpath("data/number_words_ar.tsv").read_text(encoding="utf-8")
    words: dict[str, _Word] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, value, forms = (c.strip() for c in line.split("\t")[:3])
        for form in forms.split():
            words[_fold_word(form)] = _Word(float(value), kind)
    return words


_DIGITS = str.maketrans(DIGIT_FOLDS)
_NEEDS_FOLD = re.compile("[" + "".join(DIGIT_FOLDS) + "]")


def _fold_word(word: str) -> str:
    return key(fold(word))


WORDS = _load_words()
"""Folded number word -> its value and role."""

_PREFIXES = ("و", "ب", "ل", "وب", "ول", "فب")
_DEFINITE_OK = frozenset({"unit", "scale2", "plural"})
"""Kinds that may carry the article (tens: ``السبعين``; ``الألفي``, ``الآلاف``); the article is refused for
other words, so ``الاثنين`` (Monday), ``الأحد`` (Sunday) and ``بالمئة`` (per cent) are no numbers."""


@functools.lru_cache(maxsize=1 << 14)
def _lookup(token: str) -> _Word | None:
    """A number word, possibly with a conjunction/preposition and (for tens and scales) the article."""
    token = token.replace("ى", "ي")
    if token in WORDS:
        return WORDS[token]
    for prefix in ("", *_PREFIXES):
        if prefix and not token.startswith(prefix):
            continue
        rest = token[len(prefix) :]
        if prefix and rest in WORDS:
            return WORDS[rest]
        for article in ("ال", "لل"):
            if rest.startswith(article) and rest[len(article) :] in WORDS:
                w = WORDS[rest[len(article) :]]
                if w.kind in _DEFINITE_OK and not (w.kind == "unit" and w.value < 20):
                    return w
    return None


def is_number_word(word: str) -> bool:
    """Whether ``word`` (folded, as ``Folded.folded`` writes it) is a number word (``عشرين``, ``مليار``,
    ``وثلاثة``, ``آلاف``)."""
    return _lookup(word) is not None


def _load_qualifiers() -> tuple[list[tuple[tuple[str, ...], str]], list[tuple[tuple[str, ...], str]]]:
    raw = resources.files("khulasa").joinpath("data/number_qualifiers_ar.tsv").read_text(encoding="utf-8")
    before: list[tuple[tuple[str, ...], str]] = []
    after: list[tuple[tuple[str, ...], str]] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        where, meaning, phrase = (c.strip() for c in line.split("\t")[:3])
        words = tuple(_fold_word(w) for w in phrase.split())
        (before if where == "before" else after).append((words, meaning))
    key = lambda item: -len(item[0])  # noqa: E731  longest first
    return sorted(before, key=key), sorted(after, key=key)


_BEFORE, _AFTER = _load_qualifiers()
_BEFORE_BY_LAST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
_AFTER_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _meaning in _BEFORE:
    _BEFORE_BY_LAST.setdefault(_words[-1], []).append((_words, _meaning))
for _words, _meaning in _AFTER:
    _AFTER_BY_FIRST.setdefault(_words[0], []).append((_words, _meaning))

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[%٪]|[-–—]")
_NUMERIC = re.compile(r"\d")
_RANGE_JOIN = frozenset({"و", "الي", "حتي", "-", "–", "—"})


def _digits_value(token: str) -> float:
    """``1,000`` and ``1.000.000`` are thousands; ``3.5`` and ``52,5`` are decimals; with both marks
    (``1,867.5``, ``1.867,5``) the last one is the decimal point and the other groups thousands.  Any
    token ``_TOKEN`` reads (digit groups joined by ``.`` or ``,``) gives a value."""
    if "," in token and "." in token:
        point = "." if token.rfind(".") > token.rfind(",") else ","
        whole, _, fraction = token.rpartition(point)
        whole = whole.replace("," if point == "." else ".", "")
        if point in whole:  # the decimal mark twice: no reading is sure, so the digits are grouped
            return float(whole.replace(point, "") + fraction)
        return float(whole + "." + fraction)
    if "," in token:
        groups = token.split(",")
        if all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3:
            return float("".join(groups))
        if len(groups) == 2:
            return float(groups[0] + "." + groups[1])
        return float("".join(groups))
    if token.count(".") > 1:
        return float(token.replace(".", ""))
    return float(token)


# --- parsing ---------------------------------------------------------------------------------------


_GAP = ("\n", -1, -1)
"""Separates the windows of ``_windows``: no phrase or qualifier reads across it."""


def _windows(
    folded: str, words: frozenset[str], near: Sequence[tuple[int, int]] | None = None
) -> list[tuple[str, int, int]]:
    """The tokens around every number-like word of the text (only there: most text has none), the
    windows merged where they meet and separated by ``_GAP``.  ``words`` are the text's words: the
    scan looks for the number words among them only.  With ``near`` (sorted, non-overlapping folded
    offset ranges), only the number-like words that start in one of them open a window."""
    present = words & _FORMS
    has_digit = _DIGIT.search(folded) is not None
    if not present and not has_digit:
        return []
    spans: list[list[int]] = []
    # digit runs and whole number words, in text order (what ``\\d|\\b(?:words)\\b`` matches; a run
    # of digits opens the window its first digit opens and closes the one its last digit closes)
    seeds = [m.span() for m in _DIGIT_RUN.finditer(folded)] if has_digit else []
    if present:
        seeds.extend(whole_word_spans(folded, {w.replace("ى", "ي") for w in present}))
        seeds.sort()
    if near is not None:
        ends = [hi for _, hi in near]
        seeds = [
            (start, end)
            for start, end in seeds
            if (k := bisect_left(ends, start + 1)) < len(near) and near[k][0] <= start
        ]
    for start, end in seeds:
        lo, hi = max(0, start - 48), min(len(folded), end + 64)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = hi
        else:
            spans.append([lo, hi])
    toks: list[tuple[str, int, int]] = []
    for lo, hi in spans:
        # start and end on word boundaries: a cut word is no token
        while lo > 0 and not folded[lo - 1].isspace():
            lo -= 1
        while hi < len(folded) and not folded[hi].isspace():
            hi += 1
        if toks:
            toks.append(_GAP)
        toks.extend([(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded, lo, hi)])
    return toks


def _read_phrase(toks: list[tuple[str, int, int]], i: int) -> tuple[float, int, str | None] | None:
    """Read a number phrase starting at token ``i``: ``(value, next index, vague kind or None)``."""
    total = 0.0
    current = 0.0
    last_scale = 0.0
    j = i
    read = 0
    vague: str | None = None
    prev_unit = 0.0  # the value of the token before when it was a unit 1-9 (for teens: ثلاثة عشر)
    while j < len(toks):
        w = toks[j][0]
        conj = w.startswith("و") and read > 0
        was_unit, prev_unit = prev_unit, 0.0
        if w[0].isdecimal():  # a digit token (what ``\d`` matches: category Nd)
            if read and not (current == 0 and total == 0):
                break  # two numbers in a row: 20 30
            current += _digits_value(w)
            read += 1
            j += 1
            continue
        word = _lookup(w)
        if word is None or (read == 0 and w.startswith("و") and _lookup(w[1:]) is None):
            break
        if word.kind == "teen_one" or (
            word.kind == "unit" and word.value in (1, 2) and _next_is_ten(toks, j)
        ):
            # أحد عشر، اثنا عشر; وأحد folds onto واحد (one): a teen when عشر follows
            if not _next_is_ten(toks, j):
                break
            current += word.value
            prev_unit = word.value
        elif word.kind == "unit":
            teen = word.value == 10 and 0 < was_unit < 10 and not conj
            if read and not conj and current and not teen:
                break  # خمسة عشر is a teen; خمسة ستة is two numbers
            current += word.value
            if word.value < 10:
                prev_unit = word.value
        elif word.kind == "hundreds":
            current += word.value
        elif word.kind == "hundred":
            current = current * 100 if 0 < current < 10 else current + 100
        elif word.kind in ("scale", "plural"):
            if word.kind == "plural" and current == 0 and total == 0:
                vague = "plural"
                current = 2.0  # آلاف alone: some thousands
            total += (current or 1.0) * word.value
            last_scale = word.value
            current = 0.0
        elif word.kind == "scale2":
            total += current + 2 * word.value  # ألفين، مليونين، ملياري
            last_scale = word.value
            current = 0.0
        elif word.kind == "fraction":
            if conj and last_scale:
                total += word.value * last_scale  # مليون ونصف
            elif read == 0:
                current += word.value  # نصف مليون
            else:
                break
        elif word.kind == "vague":
            if read:
                break
            vague = "vague"
            current = word.value
        read += 1
        j += 1
    if read == 0:
        return None
    return total + current, j, vague


def _next_is_ten(toks: list[tuple[str, int, int]], j: int) -> bool:
    nxt = _lookup(toks[j + 1][0]) if j + 1 < len(toks) else None
    return nxt is not None and nxt.kind == "unit" and nxt.value == 10


@dataclass(frozen=True)
class _Raw:
    value: float
    first: int
    last: int
    vague: str | None


def _raw_numbers(toks: list[tuple[str, int, int]]) -> Iterator[_Raw]:
    i = 0
    while i < len(toks):
        w = toks[i][0]
        if w[0].isdecimal() or _lookup(w) is not None:
            read = _read_phrase(toks, i)
            if read is not None:
                value, j, vague = read
                yield _Raw(value, i, j - 1, vague)
                i = j
                continue
        i += 1


def _match_words(toks: list[tuple[str, int, int]], at: int, words: tuple[str, ...], backwards: bool) -> bool:
    n = len(words)
    if (at - n < 0) if backwards else (at + n > len(toks)):
        return False
    span = toks[at - n : at] if backwards else toks[at : at + n]
    return all(t[0] == w or t[0] == "و" + w for t, w in zip(span, words, strict=True))


def _qualifier(
    toks: list[tuple[str, int, int]],
    at: int,
    table: dict[str, list[tuple[tuple[str, ...], str]]],
    backwards: bool,
) -> tuple[int, str] | None:
    """``(number of words, meaning)`` of the qualifier before token ``at`` (or from it, after)."""
    k = at - 1 if backwards else at
    if not 0 <= k < len(toks):
        return None
    word = toks[k][0]
    for candidate in (word, word[1:] if word.startswith("و") else None):
        for words, meaning in table.get(candidate or "", ()):
            if _match_words(toks, at, words, backwards):
                return len(words), meaning
    return None


def _interval(value: float, qualifier: str | None) -> tuple[float, float]:
    if qualifier == "about":
        return value * (1 - ABOUT), value * (1 + ABOUT)
    if qualifier == "nearly":
        return value * (1 - ABOUT), value
    if qualifier in ("more than", "at least"):
        return value, math.inf
    if qualifier in ("less than", "at most"):
        return 0.0, value
    return value, value


def parse_numbers(
    text: str | Folded, *, near: Sequence[tuple[int, int]] | None = None
) -> tuple[NumberMention, ...]:
    """Every number phrase in ``text`` with its interval, in text order (see the module docstring).

    ``text`` may be given folded already (``speech.Folded``), to share the folding with other stages.
    ``near`` (sorted, non-overlapping ranges of offsets in the folded text) reads the text only around
    the number words and digits that start in a range: the phrases whose number starts in a range are
    those the whole text gives (a phrase is read within 48 characters before and 64 after each of its
    words); phrases past the ranges, where the text was not all read, may be cut."""
    ft = text if isinstance(text, Folded) else Folded(text)
    text = ft.text
    folded = ft.folded
    if _NEEDS_FOLD.search(folded):
        folded = folded.translate(_DIGITS)  # one character for one: offsets are kept
    if "ى" in folded:
        folded = folded.replace("ى", "ي")
    toks = _windows(folded, ft.words, near)
    if not toks:
        return ()
    raws = list(_raw_numbers(toks))
    out: list[NumberMention] = []
    k = 0
    while k < len(raws):
        raw = raws[k]
        first, last = raw.first, raw.last
        low = high = raw.value
        qualifier: str | None = None
        if raw.vague == "vague":
            low, high = raw.value * 2, raw.value * 10 - 1e-9
            qualifier = "vague"
        elif raw.vague == "plural":
            low, high = raw.value, raw.value * 5 - 1e-9
            qualifier = "vague"
        # a range: بين 20 و30، من 20 إلى 30، 20-30
        nxt = raws[k + 1] if k + 1 < len(raws) else None
        if nxt is not None and not raw.vague and not nxt.vague and nxt.first - last <= 2:
            between = [t[0] for t in toks[last + 1 : nxt.first]]
            joined = (
                nxt.first == last + 1
                and toks[nxt.first][0].startswith("و")
                and not _NUMERIC.match(toks[nxt.first][0])
            )
            lead = toks[first - 1][0] if first else ""
            lead2 = toks[first - 2][0] if first > 1 else ""
            if (
                (
                    between
                    and between[0] in _RANGE_JOIN
                    and (lead in ("بين", "من") or lead2 == "ما" or between[0] in "-–—")
                )
                or (joined and lead in ("بين",))
                or (not between and lead == "بين")
            ):
                a, b = raw.value, nxt.value
                if a < b / 100 and b >= 1000:
                    a *= _scale_of(b)  # بين 20 و30 ألفا
                if a <= b:
                    low, high = a, b
                    qualifier = "range"
                    last = nxt.last
                    if lead in ("بين", "من"):
                        first -= 1
                        if lead2 == "ما":
                            first -= 1
                    k += 1
        number_start, number_end = toks[raw.first][1], toks[raw.last][2]
        if qualifier is None:
            found = _qualifier(toks, first, _BEFORE_BY_LAST, backwards=True)
            if found is not None:
                first -= found[0]
                qualifier = found[1]
            else:
                for skip in (0, 1):  # 20 شخصا على الأقل: after the counted noun
                    found = _qualifier(toks, last + 1 + skip, _AFTER_BY_FIRST, backwards=False)
                    if found is not None:
                        last += skip + found[0]
                        qualifier = found[1]
                        break
            low, high = _interval(raw.value, qualifier)
        start, end = ft.start(toks[first][1]), ft.end(toks[last][2])
        out.append(
            NumberMention(
                start,
                end,
                text[start:end],
                raw.value,
                low,
                high,
                qualifier,
                ft.start(number_start),
                ft.end(number_end),
            )
        )
        k += 1
    return tuple(out)


def _scale_of(value: float) -> float:
    for scale in (1e12, 1e9, 1e6, 1e3):
        if value >= scale:
            return scale
    return 1.0


def parse_number(text: str) -> NumberMention | None:
    """The single number phrase that ``text`` is (``None`` when it holds none or several)."""
    found = parse_numbers(text)
    return found[0] if len(found) == 1 else None


def number_at(mentions: tuple[NumberMention, ...], offset: int) -> NumberMention | None:
    """The mention whose span holds ``offset``."""
    k = bisect_left([m.end for m in mentions], offset + 1)
    return mentions[k] if k < len(mentions) and mentions[k].start <= offset else None


_PREFIXED = ("", "و", "ب", "ل", "ف", "وب", "ول", "فب", "ال", "لل", "وال", "بال")
_FORMS = frozenset(
    f for w in WORDS for p in _PREFIXED for f in (p + w, p + w[:-1] + "ى" if w.endswith("ي") else p + w)
)
"""Number words as they may be written (with a clitic or the article), folded: a first filter that
``_lookup`` then decides on."""
_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")
