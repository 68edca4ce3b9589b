"""Salience and concepts, checked against plain re-computations on the example cluster."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest

import khulasa
from khulasa.pipeline import analyze
from khulasa.score import UnitMembers, concepts, score_units
from tests.conftest import EXAMPLE_DIR, cluster


@pytest.fixture(scope="module")
def example_analysis():
    return analyze(khulasa.load([str(EXAMPLE_DIR)]))


def test_centrality_is_the_cosine_to_the_mean_article_vector(example_analysis) -> None:
    units = example_analysis.units
    members = [s for u in units for s in u.sentences]
    vocab = sorted({t for s in members for t in s.terms})
    column = {t: j for j, t in enumerate(vocab)}

    def counts(sentences) -> np.ndarray:
        row = np.zeros(len(vocab))
        for s in sentences:
            for term, n in Counter(s.terms).items():
                row[column[term]] += n
        return row

    df = sum(counts([s]) > 0 for s in members)
    idf = np.log((1 + len(members)) / (1 + df)) + 1.0

    def unit_vector(tf: np.ndarray) -> np.ndarray:
        weights = np.where(tf > 0, (1 + np.log(np.maximum(tf, 1))) * idf, 0.0)
        return weights / (np.linalg.norm(weights) or 1.0)

    articles = sorted({s.article_id for s in members})
    centroid = np.mean(
        [unit_vector(counts([s for s in members if s.article_id == a])) for a in articles], axis=0
    )
    centroid /= np.linalg.norm(centroid)
    expected = np.array([unit_vector(counts([u.representative])) @ centroid for u in units])
    got = score_units(units, example_analysis.canonical).centrality
    np.testing.assert_allclose(got, expected / expected.max(), atol=1e-12)


def test_a_unit_covers_every_article_that_reports_it_and_its_own_bigrams(example_analysis) -> None:
    units = example_analysis.units
    found = concepts(units, example_analysis.canonical)
    occurrences = found.occurrences
    assert occurrences.has_canonical_format
    articles = UnitMembers.of(units, example_analysis.canonical).articles
    for u in units:
        columns = occurrences.indices[occurrences.indptr[u.id] : occurrences.indptr[u.id + 1]]
        reporting = {articles[c - found.n_bigrams] for c in columns if c >= found.n_bigrams}
        assert reporting == set(u.articles)
        rep = u.representative.terms
        assert sum(c < found.n_bigrams for c in columns) <= len(set(pairwise(rep)))
    assert found.weights.shape == (occurrences.shape[1],) and (found.weights > 0).all()


def test_concepts_of_one_sentence_keep_its_bigrams() -> None:
    units = analyze(cluster("وصل الرئيس الروسي فلاديمير بوتين إلى إسطنبول للمشاركة في مؤتمر الطاقة.")).units
    found = concepts(units)
    assert found.n_bigrams > 0 and found.occurrences.shape == (1, found.n_bigrams + 1)
    assert found.weights[-1] == 0.0  # covering the only article is no reason to choose anything


def test_length_priors_are_length_prior_of_each():
    from khulasa.score import Weights, length_prior, length_priors

    for weights in (Weights(), Weights(min_words=7, max_words=33), Weights(min_words=1, max_words=1)):
        n_words = np.arange(0, 200)
        expected = np.array([length_prior(int(n), weights) for n in n_words])
        assert length_priors(n_words, weights).tobytes() == expected.tobytes()
