"""Tests for khulasa.text.clean: the text every stage sees (entities, marks, spaces, lines, surrogates)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khulasa.text.clean import clean_text, encodable


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("الأول/ أكتوبر.&", "الأول/ أكتوبر."),
        ("الرئيس الروسي &بعد قمته", "الرئيس الروسي بعد قمته"),
        ("قضينا يوماً &حافلًا", "قضينا يوماً حافلًا"),
        ("Tom &amp; Jerry &quot;قال&quot; &#1575;&#x644;", 'Tom & Jerry "قال" ال'),
        ("AT&T و S&P 500 و Dolce&Gabbana و Johnson & Johnson", "AT&T و S&P 500 و Dolce&Gabbana و Johnson & Johnson"),
        ("مجلة لايف&ستايل", "مجلة لايف&ستايل"),
        ("&amp;amp;lt;", "<"),
        ("&nothing here", "nothing here"),
        ("في\u200b الـ\u200f23 \u202bنص\u202c \u2067x\u2069 \ufeffبداية", "في الـ23 نص x بداية"),
        ("كلمة\u00a0أخرى\u2009و\u202fثالثة\tرابعة", "كلمة أخرى و ثالثة رابعة"),
        ("فـي الـ23 ألـ23 تركية ـ روسية جـــداً", "في الـ23 ألـ23 تركية ـ روسية جداً"),
        ("a\x00b\x07c\x1bd\x7fe\x9ff", "abcdef"),
        ("  سطر  \r\n\r\n\r\n\r\n  سطر   ثان  \r\n", "سطر\n\nسطر ثان"),
        ("أ\rب\u2028ج\x85د", "أ\nب\nج\nد"),
        ("فقرة\n\n\n\n\n\nفقرة", "فقرة\n\nفقرة"),
        ("\n\n  \n", ""),
    ],
    ids=[
        "stray-amp-at-line-end", "stray-amp-before-word", "stray-amp-tanwin", "entities",
        "latin-ampersands-kept", "arabic-joined-ampersand-kept", "double-escaped", "not-an-entity",
        "zero-width-and-bidi", "spaces", "kashida", "controls", "lines-and-blank-lines", "line-breaks",
        "blank-runs", "only-whitespace",
    ],
)
def test_clean_text_removes_artifacts_seen_in_real_articles(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(st.text())
def test_clean_text_is_idempotent_and_never_raises(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)


@given(st.text(st.characters() | SURROGATE))
def test_clean_text_output_is_always_encodable(text: str) -> None:
    """A lone surrogate (a cut emoji, ``"\\ud83d"`` in JSON) made every output format fail to encode."""
    once = clean_text(text)
    once.encode("utf-8")
    assert clean_text(once) == once


def test_lone_surrogates_become_the_replacement_character_and_pairs_their_character() -> None:
    assert clean_text("قال\ud83d الرئيس \udc00") == "قال\ufffd الرئيس \ufffd"
    assert clean_text("وجه \ud83d\ude00 ضاحك") == "وجه \U0001f600 ضاحك"  # a pair left as two halves
    assert clean_text("\ud83d\ud83d\ude00") == "\ufffd\U0001f600"


def test_encodable_replaces_surrogates_in_nested_values_and_keys_without_changing_its_input() -> None:
    value = {"k\ud83d": ["v\ud83d", {"x": "\udfff", "y": ["\ud83d\ude00"]}, 3, None], "n": 1.5}
    assert encodable(value) == {"k\ufffd": ["v\ufffd", {"x": "\ufffd", "y": ["\U0001f600"]}, 3, None], "n": 1.5}
    assert value == {"k\ud83d": ["v\ud83d", {"x": "\udfff", "y": ["\ud83d\ude00"]}, 3, None], "n": 1.5}
    assert encodable("\ud83d") == "\ufffd" and encodable(7) == 7
    deep: list[Any] = ["\ud83d"]
    for _ in range(100_000):  # deeper than Python's stack: the walk is iterative
        deep = [deep]
    fixed = encodable(deep)
    for _ in range(100_000):
        [fixed] = fixed
    assert fixed == ["\ufffd"]


ARTIFACTS = st.sampled_from(
    ["&", "&amp;", "&#1575;", "&#8203;", "\u200b", "\u200f", "\ufeff", "\u00a0", "\u0640", "\r\n", "\r",
     "\n\n\n", "  ", "\x00", "ف", "ي", " ", "2", "A", ";", "#", "amp", "\u202e"]
)


@given(st.lists(ARTIFACTS, max_size=30).map("".join))
def test_clean_text_is_idempotent_on_dense_artifacts(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert not any(c in once for c in "\r\x00\u200b\u200f\ufeff\u00a0\u202e")
    assert "\n\n\n" not in once and "  " not in once
    assert once == once.strip()
