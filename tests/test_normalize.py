"""Arabic normalization: each fold, the matching form, tokens, stopwords, stems and script detection."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.text.normalize import (
    BASE_STOPWORDS,
    KEEP_FIRST_LETTER,
    MAX_WORD_CHARS,
    STOPWORDS,
    arabic_letter_count,
    fold_alef,
    fold_alef_maqsura,
    fold_digits,
    fold_hamza,
    fold_ta_marbuta,
    is_arabic,
    is_stopword,
    mostly_arabic,
    normalize,
    remove_invisible,
    remove_tatweel,
    stem,
    strip_diacritics,
    terms,
    tokenize,
    word_terms,
    word_tokens,
)

FOLDS = [
    (strip_diacritics, "مُحَمَّدٌ", "محمد"),
    (strip_diacritics, "كِتَابًا", "كتابا"),
    (strip_diacritics, "رَحْمٰن", "رحمن"),  # superscript alef
    (strip_diacritics, "ٱلصَّلَوٰةُ ۖ", "ٱلصلوة "),  # Quranic pause mark
    (remove_tatweel, "فـــي", "في"),
    (remove_invisible, "بو\u200fتين\u200b", "بوتين"),
    (fold_alef, "أحمد إلى آسيا ٱلله", "احمد الى اسيا الله"),
    (fold_hamza, "مؤتمر رئيس شيء", "موتمر رييس شيء"),
    (fold_alef_maqsura, "على مستشفى", "علي مستشفي"),
    (fold_ta_marbuta, "القمة", "القمه"),
    (fold_digits, "٢٠١٦ و۱۴ و٣٫٥", "2016 و14 و3.5"),
]


@pytest.mark.parametrize(("fold", "text", "expected"), FOLDS, ids=[f"{f.__name__}-{t}" for f, t, _ in FOLDS])
def test_fold(fold, text: str, expected: str) -> None:
    assert fold(text) == expected


def test_folds_leave_other_text_alone() -> None:
    text = "Putin met Erdogan, 2016!"
    for fold, _, _ in FOLDS:
        assert fold(text) == text


def test_normalize_applies_every_fold_and_collapses_whitespace() -> None:
    assert normalize("  الرَّئِيسُ  أردوغـان\n\tفي   القمّة على ٢٠١٦ ") == "الرييس اردوغان في القمه علي 2016"


def test_normalize_lowercases_latin_and_decomposes_presentation_forms() -> None:
    assert normalize("NATO ﻻ") == "nato لا"


@settings(max_examples=500)
@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" .٫0")))
def test_normalize_is_idempotent_on_arabic_block(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


TOKENS = [
    ("أسقطت طائرة «سو-24».", ["اسقطت", "طايره", "سو", "24"]),
    ("بلغ النمو 3.5% و8% في ١٠/٣", ["بلغ", "النمو", "3.5", "و8", "في", "10", "3"]),
    ("1,000 جندي", ["1,000", "جندي"]),
    ("قمة G20 في U.S.", ["قمه", "g20", "في", "u", "s"]),
    ("", []),
    ("!!! ،،، ...", []),
]


@pytest.mark.parametrize(("text", "expected"), TOKENS, ids=[t for t, _ in TOKENS])
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def _by_words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return word_tokens(text.split()), word_terms(text.split())


def _mostly_arabic_reference(text: str) -> bool:
    tokens = tokenize(text)
    arabic = sum(not t[0].isdigit() and "\u0621" <= t[0] <= "\u06ff" for t in tokens)
    return arabic > 0 and arabic >= 0.4 * sum(not t[0].isdigit() for t in tokens)


@given(st.text())
def test_word_by_word_analysis_agrees_with_tokenize_and_terms_on_any_text(text: str) -> None:
    assert _by_words(text) == (tuple(tokenize(text)), tuple(terms(text)))
    assert mostly_arabic(text.split()) == _mostly_arabic_reference(text)


# Arabic letters and marks, tatweel, invisible marks, Arabic-Indic digits and separators, NBSP and
# other spaces, presentation forms, Latin: the characters that a word-by-word analysis could get wrong.
ARABIC_MIX = st.text(
    alphabet=st.sampled_from(
        [
            *"وأكدالرئيسبوتينةىئؤإآ",
            *["\u064b", "\u0651", "\u0640", "\u200b", "\u200f", "\ufeff"],
            *"٠١٢٣٫٬0123.,،؛ -%/",
            *["\xa0", "\u2002", "\n", "\ufefb", "\u00a8", "\u0308"],
            *"AbcİßΣ",
        ]
    ),
    max_size=60,
)


@given(ARABIC_MIX)
def test_word_by_word_analysis_agrees_with_tokenize_and_terms_on_arabic_like_text(text: str) -> None:
    assert _by_words(text) == (tuple(tokenize(text)), tuple(terms(text)))
    assert mostly_arabic(text.split()) == _mostly_arabic_reference(text)


@given(st.text())
def test_tokens_are_normalized_and_non_empty(text: str) -> None:
    for token in tokenize(text):
        assert token and normalize(token) == token and " " not in token


def test_stopwords_are_in_matching_form() -> None:
    assert all(normalize(w) == w for w in STOPWORDS)
    assert BASE_STOPWORDS <= STOPWORDS
    assert {"في", "من", "الي", "علي", "الذي", "قال", "اضاف", "هذه"} <= BASE_STOPWORDS


@pytest.mark.parametrize("word", ["وقال", "فإن", "وفي", "ولكن", "بأن", "وأضاف", "لهذا", "والتي", "كما"])
def test_stopwords_with_attached_clitics(word: str) -> None:
    assert is_stopword(word)


@pytest.mark.parametrize("word", ["الرئيس", "بوتين", "سوريا", "ولي", "الطاقة", "حلب", "الاقتصاد", "فتحت"])
def test_content_words_are_not_stopwords(word: str) -> None:
    assert not is_stopword(word)


STEM_GROUPS = [
    ["الرئيس", "رئيس", "والرئيس", "للرئيس", "بالرئيس", "الرئيسة"],
    ["السورية", "السوري", "سورية", "والسورية"],
    ["الروسي", "الروسية", "والروسية"],
    ["أردوغان", "اردوغان", "وأردوغان"],
    ["الطاقة", "طاقة", "والطاقة", "بالطاقة", "للطاقة"],
    ["المؤتمر", "مؤتمر", "موتمر", "والمؤتمر"],
    ["الاقتصادية", "الاقتصاد", "اقتصاد", "والاقتصاد"],
    ["السياسية", "السياسي", "السياسة"],
    ["سوريا", "بسوريا", "لسوريا", "وسوريا", "السوري"],
    ["بوتين", "وبوتين", "لبوتين", "ببوتين"],
    ["الوزير", "وزير", "والوزير", "للوزير", "وزيرا"],
    ["بيان", "البيان", "ببيان"],
    ["فلاديمير", "وفلاديمير"],
    ["الطائرة", "طائرة", "طائرات", "الطائرات"],
    ["موسكو", "بموسكو", "لموسكو", "وموسكو"],
    ["فرنسا", "الفرنسي", "بفرنسا", "وفرنسا"],
    ["محادثات", "المحادثات", "والمحادثات"],
]


@pytest.mark.parametrize("group", STEM_GROUPS, ids=[g[0] for g in STEM_GROUPS])
def test_stem_groups_inflected_and_prefixed_forms(group: list[str]) -> None:
    assert len({stem(w) for w in group}) == 1, {w: stem(w) for w in group}


@pytest.mark.parametrize(
    ("a", "b"),
    [("الرئيس", "الروسي"), ("موسكو", "مسكن"), ("كتب", "مكتب"), ("تركيا", "روسيا"), ("سوريا", "سويسرا")],
)
def test_stem_keeps_unrelated_words_apart(a: str, b: str) -> None:
    assert stem(a) != stem(b)


def test_stem_keeps_a_root_letter_that_looks_like_a_clitic() -> None:
    assert stem("وزير").startswith("وز")
    assert stem("فريق").startswith("فر")
    assert stem("بوتين").startswith("ب")


def test_keep_list_is_in_matching_form() -> None:
    assert KEEP_FIRST_LETTER and all(normalize(w) == w and " " not in w for w in KEEP_FIRST_LETTER)


def test_stem_accepts_ta_marbuta_written_as_ha() -> None:
    assert stem("السوريه") == stem("السورية")
    assert stem("الحكومه") == stem("الحكومة")


def test_stem_is_never_shorter_than_two_letters_for_a_word() -> None:
    for word in ["بيان", "البيان", "قوات", "مرة"]:
        assert len(stem(word)) >= 2


def test_word_by_word_analysis_equals_tokenize_and_terms() -> None:
    text = "وأكد الرئيس الروسي فلاديمير بوتين أن 3.5% من الـقمة «ناجحة»"
    assert _by_words(text) == (tuple(tokenize(text)), tuple(terms(text)))


def test_an_english_quotation_is_not_mostly_arabic_but_numbers_do_not_count() -> None:
    assert not mostly_arabic('He said: "we will meet again in Moscow next month" قال'.split())
    assert mostly_arabic("وصل 1500 1600 1700 1800 زائر".split())
    assert not mostly_arabic("2016 3.5%".split())


def test_stem_leaves_numbers_and_latin_words() -> None:
    assert stem("2016") == "2016"
    assert stem("NATO") == "nato"


def test_terms_drop_stopwords_and_single_characters() -> None:
    got = terms("وقال الرئيس الروسي إن و 3 محادثات في حلب")
    assert got == [stem("الرئيس"), stem("الروسي"), stem("محادثات"), stem("حلب")]


def test_terms_are_in_matching_form() -> None:
    assert all(normalize(t) == t for t in terms("أكّد الرئيسُ التركيُّ على أهميّة القمّة المُقبلة في مؤتمرٍ"))


def test_terms_of_display_variants_agree() -> None:
    assert terms("الرَّئِيسُ التُّرْكِيُّ فـي القِمَّةِ") == terms("الرئيس التركي في القمة")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الرئيس الروسي", True),
        ("قمة G20 في Hangzhou الصينية", True),
        ("Putin met Erdogan", False),
        ("Putin met Erdogan in Istanbul said the Kremlin (الكرملين)", False),
        ("123 456 ...", False),
        ("", False),
        ("ﻻ ﷲ", True),
    ],
)
def test_is_arabic(text: str, expected: bool) -> None:
    assert is_arabic(text) is expected


def test_arabic_letter_count_ignores_marks_digits_and_punctuation() -> None:
    assert arabic_letter_count("مُحَمَّد، ٢٠١٦ abc") == 4


# --- counting words: one rule for every budget ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("  ", 0),
        ("قال الرئيس إن المحادثات مثمرة.", 5),
        ("سو-24 و#منتدى_الرؤساء", 2),  # connectors inside a normal-length word do not split it
        ("ب" * MAX_WORD_CHARS, 1),
        ("ب" * (MAX_WORD_CHARS + 1), 2),
        ("ب" * 2_000_000, 40_000),
        ("-".join(["كلمة"] * 1000), 100),  # 4,999 characters
        ("a\u00a0b\tc\nd", 4),
    ],
)
def test_count_words(text: str, expected: int) -> None:
    from khulasa.text.normalize import count_words, count_words_of

    assert count_words(text) == count_words_of(text.split()) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("بت -\n_x" + "ب" * 5), max_size=400))
def test_word_spans_tile_the_words_and_agree_with_count_words(text: str) -> None:
    from khulasa.text.normalize import count_words, word_spans

    spans = list(word_spans(text))
    assert len(spans) == count_words(text)
    assert all(0 < end - start <= MAX_WORD_CHARS for start, end in spans)
    assert "".join(text[s:e] for s, e in spans) == "".join(text.split())
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_long_runs_are_their_own_term_and_are_never_cached() -> None:
    from khulasa.text import normalize

    giant = "ب" * 10_000
    assert terms(giant) == [giant]
    for cache in (normalize._TERM, normalize._FOLDED, normalize._WORD_TERMS, normalize._WORD_TOKENS):
        assert not any(len(key) > normalize.TokenCache.MAX_KEY_CHARS for key in cache)


def test_equal_terms_are_one_string_object():
    # the per-call term tables (dedup.TermIds) then find a repeated term by identity
    from khulasa.text.normalize import terms

    first, second = terms("والرئيس الروسي"), terms("رئيس الروسية")
    assert first == second
    assert all(a is b for a, b in zip(first, second, strict=True))
