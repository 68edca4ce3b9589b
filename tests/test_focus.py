"""Query focus over information units (khulasa.focus)."""

from __future__ import annotations

import numpy as np
import pytest

import khulasa
from khulasa import pipeline
from khulasa.errors import InvalidOptionsError
from khulasa.focus import Focus, focus_boost
from khulasa.quotes import extract_quotes


@pytest.fixture(scope="module")
def example(example_dir):
    articles = khulasa.load([str(example_dir)])
    return articles, pipeline.analyze(articles)


def test_no_focus_changes_nothing(example) -> None:
    _, analysis = example
    assert np.array_equal(focus_boost(analysis.units, Focus()), np.ones(len(analysis.units)))


def test_query_boosts_the_units_about_it(example) -> None:
    _, analysis = example
    boost = focus_boost(analysis.units, Focus(query="الغاز تورك ستريم"))
    best = analysis.units[int(np.argmax(boost))]
    assert "ستريم" in best.representative.text
    assert boost.min() == 1.0 and boost.max() <= 1 + Focus().weight


def test_speaker_focus_boosts_the_units_with_their_statements(example) -> None:
    _, analysis = example
    quotes = extract_quotes(analysis.articles, analysis.sentences)
    boost = focus_boost(analysis.units, Focus(speaker="يلدرم"), quotes=quotes)
    boosted = [u.representative.text for u in analysis.units if boost[u.id] > 1]
    assert boosted and all("يلدر" in t or "أضاف" in t or "أشار" in t or "أكد" in t for t in boosted)


def test_outlet_focus(example) -> None:
    articles, analysis = example
    outlet = articles[1].outlet
    boost = focus_boost(analysis.units, Focus(outlet=outlet), articles=articles)
    of_outlet = {a.id for a in articles if a.outlet == outlet}  # the example's two Al Jazeera articles
    assert len(of_outlet) == 2
    for u in analysis.units:
        assert (boost[u.id] > 1) == bool(of_outlet & set(u.articles))
    with pytest.raises(InvalidOptionsError, match="one of"):
        focus_boost(analysis.units, Focus(outlet="لا يوجد"), articles=articles)


@pytest.mark.parametrize(
    "kwargs", [{"weight": -1}, {"weight": float("nan")}, {"query": "  "}, {"query": "في من إلى"}]
)
def test_bad_focus_is_refused_at_construction(kwargs) -> None:
    with pytest.raises(InvalidOptionsError):
        Focus(**kwargs)
