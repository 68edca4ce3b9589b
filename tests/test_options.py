"""Options objects: every value is checked once, at construction, against finite bounds."""

from __future__ import annotations

import math

import pytest

from khulasa.errors import InvalidOptionsError
from khulasa.options import MAX_SENTENCES, MAX_WORDS, SummaryOptions, fraction, whole
from khulasa.stories.options import MAX_DAYS, MAX_SUMMARY_ARTICLES, StoryOptions

HUGE = 99_999_999_999


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("words", HUGE),
        ("words", MAX_WORDS + 1),
        ("sentences", HUGE),
        ("sentences", MAX_SENTENCES + 1),
        ("redundancy", math.nan),
        ("redundancy", math.inf),
        ("redundancy", -math.inf),
        ("redundancy", 0.0),
        ("redundancy", 1.5),
        ("timeline", "yes"),
    ],
)
def test_summary_options_refuse_out_of_range_values(field, value):
    with pytest.raises(InvalidOptionsError) as info:
        SummaryOptions(**{field: value})
    assert info.value.field == field
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("window_days", HUGE),
        ("window_days", MAX_DAYS + 1),
        ("max_days", HUGE),
        ("min_size", HUGE),
        ("max_size", HUGE),
        ("idle_articles", HUGE),
        ("words", HUGE),
        ("summary_articles", MAX_SUMMARY_ARTICLES + 1),
        ("threshold", math.nan),
        ("threshold", math.inf),
        ("duplicate_threshold", math.nan),
        ("duplicate_threshold", -0.1),
    ],
)
def test_story_options_refuse_out_of_range_values(field, value):
    with pytest.raises(InvalidOptionsError) as info:
        StoryOptions(**{field: value})
    assert info.value.field == field


def test_bounds_are_inclusive_and_the_largest_values_work_in_date_arithmetic():
    import datetime as dt

    options = StoryOptions(window_days=MAX_DAYS, max_days=MAX_DAYS)
    assert dt.date(2016, 10, 10) - dt.timedelta(days=options.window_days) < dt.date(2016, 10, 10)
    assert SummaryOptions(words=MAX_WORDS).words == MAX_WORDS
    assert SummaryOptions(sentences=MAX_SENTENCES).sentences == MAX_SENTENCES


def test_from_mapping_checks_json_values_the_same_way():
    with pytest.raises(InvalidOptionsError, match="redundancy"):
        SummaryOptions.from_mapping({"redundancy": float("nan")})
    with pytest.raises(InvalidOptionsError, match="window_days"):
        StoryOptions.from_mapping({"window_days": HUGE})


def test_shared_validators_name_the_field_and_the_range():
    with pytest.raises(InvalidOptionsError, match=r"n=0: must be a whole number from 1 to 10"):
        whole("n", 0, minimum=1, maximum=10)
    with pytest.raises(InvalidOptionsError, match="n=True"):
        whole("n", True, minimum=0, maximum=10)
    with pytest.raises(InvalidOptionsError, match="finite"):
        fraction("x", math.nan)
    fraction("x", 1)
    whole("n", 10, minimum=1, maximum=10)


def test_a_budget_is_words_or_sentences_never_both_and_120_words_by_default():
    from khulasa.options import DEFAULT_WORDS, Budget

    assert Budget() == Budget(words=DEFAULT_WORDS) and str(Budget()) == f"{DEFAULT_WORDS}w"
    assert str(Budget(sentences=2)) == "2s" and Budget(sentences=2).words is None
    with pytest.raises(InvalidOptionsError, match="not both"):
        Budget(words=10, sentences=2)
    for bad in ({"words": 0}, {"sentences": MAX_SENTENCES + 1}, {"words": True}, {"words": 2.5}):
        with pytest.raises(InvalidOptionsError):
            Budget(**bad)
    assert SummaryOptions(sentences=3).budget == Budget(sentences=3)
    assert SummaryOptions().budget == Budget(words=DEFAULT_WORDS)
