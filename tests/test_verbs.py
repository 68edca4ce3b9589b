"""Verbs of news reports in their inflections (khulasa.text.verbs)."""

from __future__ import annotations

import pytest

from khulasa.text.normalize import normalize
from khulasa.text.verbs import is_verb, looks_like_verb, verb_forms


@pytest.mark.parametrize(
    "word", ["قال", "قالت", "وقالوا", "أعلن", "وأعلنت", "سيلتقي", "يلتقون", "فاز", "تفوز", "ليقتل", "يتم"]
)
def test_listed_verbs_are_found_in_their_inflections(word):
    assert is_verb(normalize(word))


@pytest.mark.parametrize("word", ["تركيا", "ترامب", "الهجوم", "هجوم", "يوفنتوس", "تقرير", "روسيا", "اليوم"])
def test_names_and_nouns_are_not_listed_verbs(word):
    assert not is_verb(normalize(word))


@pytest.mark.parametrize("word", ["أظهرت", "شجبوا", "يعترف", "يعترفون", "سيشجب", "وبدت"])
def test_unlisted_verbs_have_the_shape_of_one(word):
    assert not is_verb(normalize(word)) and looks_like_verb(normalize(word))


@pytest.mark.parametrize("word", ["اليوم", "يوم", "يونيو", "مباريات", "الدوري", "قوات"])
def test_nouns_do_not_look_like_verbs(word):
    assert not looks_like_verb(normalize(word))


def test_every_form_is_folded():
    forms = verb_forms()
    assert forms and all(f == normalize(f) for f in forms)
