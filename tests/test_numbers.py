"""Arabic numbers to values and intervals (khulasa.numbers)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.numbers import NumberMention, parse_number, parse_numbers

# --- a speller, to write any number in words as news text does ----------------------------------

_UNITS = ["", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة"]
_TEENS = {11: "أحد عشر", 12: "اثنا عشر"}
_TENS = ["", "", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"]
_HUNDREDS = ["", "مئة", "مئتان", "ثلاثمئة", "أربعمئة", "خمسمئة", "ستمئة", "سبعمئة", "ثمانمئة", "تسعمئة"]
_SCALES = [  # (value, one, two, 3-10, 11+)
    (10**9, "مليار", "ملياران", "مليارات", "مليار"),
    (10**6, "مليون", "مليونان", "ملايين", "مليون"),
    (10**3, "ألف", "ألفان", "آلاف", "ألف"),
]


def _below_thousand(n: int) -> list[str]:
    parts = []
    if n >= 100:
        parts.append(_HUNDREDS[n // 100])
        n %= 100
    if 0 < n <= 10:
        parts.append(_UNITS[n])
    elif n in _TEENS:
        parts.append(_TEENS[n])
    elif 13 <= n <= 19:
        parts.append(_UNITS[n - 10] + " عشر")
    elif n >= 20:
        parts.append(f"{_UNITS[n % 10]} و{_TENS[n // 10]}" if n % 10 else _TENS[n // 10])
    return parts


def spell(n: int) -> str:
    """``n`` (0 <= n < 10**12) in Arabic words, in the nominative, as news writes them."""
    if n == 0:
        return "صفر"
    parts = []
    for value, one, two, few, many in _SCALES:
        count, n = divmod(n, value)
        if count == 1:
            parts.append(one)
        elif count == 2:
            parts.append(two)
        elif 3 <= count <= 10:
            parts.append(f"{' و'.join(_below_thousand(count))} {few}")
        elif count > 10:
            parts.append(f"{' و'.join(_below_thousand(count))} {many}")
    parts.extend(_below_thousand(n))
    return " و".join(parts)


INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def value(text: str) -> float:
    found = parse_number(text)
    assert found is not None, text
    return found.value


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=999_999_999))
def test_digits_indic_digits_and_words_parse_to_the_same_value(n: int) -> None:
    assert value(str(n)) == n
    assert value(str(n).translate(INDIC)) == n
    assert value(str(n).translate(PERSIAN)) == n
    assert value(spell(n)) == n


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1000, max_value=999_999_999))
def test_thousands_separators(n: int) -> None:
    assert value(f"{n:,}") == n
    assert value(f"{n:,}".translate(INDIC).replace(",", "٬")) == n


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from([(1000, "ألف"), (10**6, "مليون"), (10**9, "مليار")]),
)
def test_digits_with_a_scale_word(n: int, scale: tuple[int, str]) -> None:
    assert value(f"{n} {scale[1]}") == n * scale[0]


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_intervals_meet_exactly_when_values_can_be_equal(a: int, b: int) -> None:
    x, y = parse_number(str(a)), parse_number(spell(b))
    assert x is not None and y is not None
    assert x.overlaps(y) == (a == b)


# --- examples ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٣٫٥", 3.5),
        ("3.5", 3.5),
        ("52,5", 52.5),
        ("1,000,000", 1_000_000),
        ("١٬٠٠٠", 1000),
        ("2.5 مليون", 2_500_000),
        ("٥٥ ألفا", 55_000),
        ("عشرين", 20),
        ("السبعين", 70),
        ("خمسة وعشرون", 25),
        ("تسعة وثلاثين", 39),
        ("ثلاثة آلاف", 3000),
        ("مئة وخمسون ألفا", 150_000),
        ("ثلاث مئة", 300),
        ("ألفين", 2000),
        ("الألفي", 2000),
        ("مليونين", 2_000_000),
        ("ملياري", 2_000_000_000),
        ("نصف مليون", 500_000),
        ("مليون ونصف", 1_500_000),
        ("ربع مليون", 250_000),
        ("أحد عشر", 11),
    ],
)
def test_number_phrases(text: str, expected: float) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifier"),
    [
        ("بين 20 و30 قتيلا", 20, 30, "range"),
        ("ما بين 20 و30 ألفا", 20_000, 30_000, "range"),
        ("من 20 إلى 30 شخصا", 20, 30, "range"),
        ("20-30", 20, 30, "range"),
        ("نحو 40", 36, 44, "about"),
        ("حوالي 87 بالمئة", 87 * 0.9, 87 * 1.1, "about"),
        ("أكثر من 1700", 1700, math.inf, "more than"),
        ("ما لا يقل عن 48 شخصا", 48, math.inf, "at least"),
        ("قتل 52 فلسطينيا على الأقل", 52, math.inf, "at least"),
        ("أقل من 10", 0, 10, "less than"),
        ("قرابة الألفي جريح", 1800, 2200, "about"),
    ],
)
def test_qualifiers_and_ranges_give_intervals(text: str, low: float, high: float, qualifier: str) -> None:
    (m,) = parse_numbers(text)
    assert (m.low, m.high, m.qualifier) == (pytest.approx(low), pytest.approx(high), qualifier)


def test_vague_plurals_are_wide_intervals() -> None:
    (tens,) = parse_numbers("عشرات القتلى")
    assert tens.qualifier == "vague" and tens.low == 20 and tens.high < 100
    (hundreds_of_thousands,) = parse_numbers("مئات الآلاف من اللاجئين")
    assert hundreds_of_thousands.low >= 200_000 and hundreds_of_thousands.high < 1_000_000


def test_spans_index_the_text() -> None:
    text = "قتل ٢٠ شخصا وأصيب أكثر من خمسين آخرين في الهجوم."
    found = parse_numbers(text)
    assert [text[m.start : m.end] for m in found] == ["٢٠", "أكثر من خمسين"]
    assert [text[m.number_start : m.number_end] for m in found] == ["٢٠", "خمسين"]
    assert [m.value for m in found] == [20, 50]


def test_weekdays_per_cent_and_other_words_are_no_numbers() -> None:
    assert parse_numbers("عقد الاجتماع يوم الاثنين ثم الأحد") == ()
    assert [m.value for m in parse_numbers("حصل على 48 بالمئة من الأصوات")] == [48]
    assert parse_numbers("زار المستشفى وتحدث مع الأطباء") == ()


def test_two_numbers_in_a_row_stay_two() -> None:
    assert [m.value for m in parse_numbers("قتل 20 وجرح 30")] == [20, 30]


def test_overlap_is_symmetric() -> None:
    a, b = NumberMention(0, 1, "x", 39, 39, 39), NumberMention(0, 1, "y", 40, 36, 44)
    assert a.overlaps(b) and b.overlaps(a)


@pytest.mark.parametrize(
    "text",
    [
        "قتل عشرون شخصا و25 آخرون في 2018، وستة20 ليست رقما، ونحو ثلاثة آلاف.",
        "مستشفى ست عشرة سنة 1,000 و٢٠ و ٣٫٥ مليون",
        "بين 20 و30 ألفا من أصل مئتي ألف، خمسة عشر",
    ],
)
def test_number_windows_open_where_a_digit_or_whole_number_word_is(text: str) -> None:
    """The windows open at digit runs and whole number words (found by ``str.find``), exactly where a
    ``\\d|\\b(?:words)\\b`` scan opened them."""
    import re

    from khulasa import numbers
    from khulasa.text.fold import Folded
    from khulasa.text.patterns import alternation

    ft = Folded(text)
    folded = ft.folded.translate(numbers._DIGITS).replace("ى", "ي")
    present = {w.replace("ى", "ي") for w in ft.words & numbers._FORMS}
    pattern = re.compile("|".join([r"\d", r"\b(?:" + alternation(present) + r")\b"]))
    spans: list[list[int]] = []
    for m in pattern.finditer(folded):
        lo, hi = max(0, m.start() - 48), min(len(folded), m.end() + 64)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = hi
        else:
            spans.append([lo, hi])
    expected: list[tuple[str, int, int]] = []
    for lo, hi in spans:
        while lo > 0 and not folded[lo - 1].isspace():
            lo -= 1
        while hi < len(folded) and not folded[hi].isspace():
            hi += 1
        if expected:
            expected.append(numbers._GAP)
        expected.extend((m.group(), m.start(), m.end()) for m in numbers._TOKEN.finditer(folded, lo, hi))
    assert numbers._windows(folded, ft.words) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("بلغت الصادرات 1,867.5 مليون دولار", 1_867.5e6),
    ("بلغت الصادرات 1.867,5 مليون دولار", 1_867.5e6),
    ("بلغ العدد 12,345,678.25 شخصا", 12_345_678.25),
])
def test_a_thousands_mark_and_a_decimal_point_together(text: str, expected: float) -> None:
    # 1,867.5 once raised ValueError ("1.867.5") and stopped --compare on a real ANT article
    assert [m.low for m in parse_numbers(text)] == [pytest.approx(expected)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9999), min_size=1, max_size=5), st.lists(st.sampled_from(".,"), min_size=4, max_size=4))
def test_any_digit_token_reads_without_error(groups: list[int], marks: list[str]) -> None:
    token = str(groups[0]) + "".join(m + str(g) for m, g in zip(marks, groups[1:], strict=False))
    values = parse_numbers(f"بلغ العدد {token} شخصا")
    assert len(values) == 1 and math.isfinite(values[0].low)


def test_up_to_is_an_upper_bound() -> None:
    """``ما يصل إلى 75``: up to 75, so it agrees with 60 (the Douma toll "up to 75" beside "60")."""
    m = parse_number("أسفر الهجوم عن مقتل ما يصل إلى 75 شخصا")
    assert m is not None and m.text == "ما يصل إلى 75"
    assert (m.low, m.high, m.qualifier) == (0.0, 75.0, "at most")


def test_is_number_word_on_folded_words() -> None:
    from khulasa.numbers import is_number_word
    from khulasa.text.fold import Folded

    words = Folded("مقتل عشرين وثلاثة آلاف و 5 مليار من الجنود").folded.split()
    assert [w for w in words if is_number_word(w)] == ["عشرين", "وثلاثه", "الاف", "مليار"]


def test_parsing_near_ranges_gives_the_phrases_of_the_whole_text_there() -> None:
    """``parse_numbers(text, near=ranges)`` reads only around the number words that start in the
    ranges, and finds there the phrases that parsing the whole text finds (past the ranges, where
    the text was not all read, a phrase may be cut)."""
    from khulasa.text.fold import Folded

    text = (
        "قتل 20 شخصا. وأصيب ما لا يقل عن خمسة وعشرين آخرين بين 20 و30 عاما. وبلغت الخسائر 2,5 مليار "
        "دولار. وفي عام 2004 قتل أكثر من 226 ألف شخص. ونزح عشرات الآلاف وقتل ٢٠ جنديا."
    )
    ft = Folded(text)
    whole = parse_numbers(ft)
    assert parse_numbers(ft, near=[(0, len(ft.folded))]) == whole
    for lo in range(0, len(ft.folded), 7):
        near = [(lo, lo + 30)]
        found = parse_numbers(ft, near=near)
        # a phrase whose number starts in the range is found as the whole text gives it
        expected = [m for m in whole if lo <= ft.index(m.number_start) < lo + 30]
        assert [m for m in found if lo <= ft.index(m.number_start) < lo + 30] == expected, lo
    assert parse_numbers(ft, near=[]) == ()
