"""Grouping near-identical sentences, duplicate articles, and budgeted selection without repeats."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from khulasa.dedup import (
    TermIds,
    duplicate_articles,
    few_similar_pairs,
    group_sentences,
    similar_pairs,
    term_matrix,
)
from khulasa.segment import segment
from khulasa.select import SALIENCE_WEIGHT, Budget, select, select_exact, select_ilp
from tests.conftest import cluster

BASE = "أعلن وزير الخارجية المصري اليوم عن مبادرة جديدة لوقف إطلاق النار في غزة بمشاركة الأمم المتحدة"


def sentences_of(*texts: str):
    articles = cluster(*texts)
    return articles, [s for a in articles for s in segment(a)]


def test_verbatim_copies_in_three_articles_form_one_unit():
    articles, sentences = sentences_of(BASE + ".", BASE + ".", BASE + ".")
    units = group_sentences(sentences, articles)
    assert len(units) == 1 and units[0].articles == ("a0", "a1", "a2")


def test_rewrite_with_an_added_phrase_joins_the_unit():
    articles, sentences = sentences_of(BASE + ".", BASE.replace("المصري", "المصري سامح شكري") + ".")
    assert len(group_sentences(sentences, articles)) == 1


def test_different_sentences_on_the_same_topic_stay_apart():
    articles, sentences = sentences_of(
        BASE + ".",
        "ورفضت الحكومة الإسرائيلية المبادرة المصرية وقالت إن العمليات العسكرية في غزة ستستمر حتى تحقيق أهدافها.",
    )
    assert len(group_sentences(sentences, articles)) == 2


def test_short_sentences_merge_only_when_identical():
    articles, sentences = sentences_of("وقال الوزير.", "وقال الرئيس.", "وقال الوزير.")
    units = group_sentences(sentences, articles)
    assert sorted(len(u.sentences) for u in units) == [1, 2]


def test_every_sentence_lands_in_exactly_one_unit():
    articles, sentences = sentences_of(
        BASE + ". " + BASE + ".", BASE + ". جملة أخرى مختلفة تماما عن الموضوع الأول."
    )
    units = group_sentences(sentences, articles)
    members = [(s.article_id, s.index) for u in units for s in u.sentences]
    assert sorted(members) == sorted((s.article_id, s.index) for s in sentences)


def test_copied_article_is_marked_duplicate_of_the_first():
    other = "وفي سياق آخر ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج."
    articles, sentences = sentences_of(
        BASE + ". " + other, other + " " + BASE + ".", "نص مختلف تماما عن كرة القدم والملاعب."
    )
    groups = duplicate_articles(articles, group_sentences(sentences, articles))
    assert len(groups) == 1 and groups[0].kept == "a0" and groups[0].duplicates == ("a1",)


def test_an_unknown_selector_names_the_valid_ones():
    from khulasa.errors import InvalidOptionsError

    with pytest.raises(InvalidOptionsError, match="exact, ilp, greedy"):
        select(
            np.ones(1),
            np.ones(1),
            [],
            np.ones(1),
            sparse.csr_matrix(np.ones((1, 1))),
            Budget(words=5),
            method="x",
        )


def test_similar_pairs_are_sorted_and_above_threshold():
    matrix = term_matrix([["a", "b", "c"], ["a", "b", "c"], ["x", "y"], ["a", "b", "d"]])
    pairs = similar_pairs(matrix, 0.6)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (0, 3), (1, 3)]
    assert all(c >= 0.6 for _, _, c in pairs)


@pytest.mark.parametrize("method", ["exact", "ilp", "greedy"])
def test_selection_never_takes_both_sides_of_a_conflict_and_fits_the_budget(method):
    scores = np.array([0.9, 0.85, 0.5, 0.4])
    lengths = np.array([10, 10, 8, 30])
    occ = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]], dtype=float))
    chosen = select(scores, lengths, [(0, 1)], np.ones(3), occ, Budget(words=25), method=method)
    assert not {0, 1} <= set(chosen)
    assert sum(lengths[chosen]) <= 25
    assert chosen  # something fits


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 40)), min_size=1, max_size=25),
    words=st.integers(1, 100),
    method=st.sampled_from(["exact", "ilp", "greedy"]),
)
def test_selection_respects_any_word_budget(data, words, method):
    scores = np.array([d[0] for d in data])
    lengths = np.array([d[1] for d in data])
    occ = sparse.csr_matrix(np.eye(len(data)))
    chosen = select(scores, lengths, [], np.ones(len(data)), occ, Budget(words=words), method=method)
    assert sum(lengths[chosen]) <= words
    assert chosen == sorted(set(chosen))


@settings(max_examples=100, deadline=None)
@given(
    term_lists=st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=6), max_size=12),
    threshold=st.sampled_from([0.3, 0.5, 0.7, 1.0]),
)
def test_few_similar_pairs_agrees_with_similar_pairs(term_lists, threshold):
    sparse_pairs = [(i, j) for i, j, _ in similar_pairs(term_matrix(term_lists), threshold)]
    assert few_similar_pairs(TermIds.of(term_lists), threshold) == sparse_pairs
    rows = list(range(len(term_lists)))[::-1]
    reordered = [(i, j) for i, j, _ in similar_pairs(term_matrix([term_lists[r] for r in rows]), threshold)]
    assert few_similar_pairs(TermIds.of(term_lists).rows(rows), threshold) == reordered


def _objective(scores, occ, weights, chosen) -> float:
    covered = occ[chosen].any(axis=0) if chosen else np.zeros(occ.shape[1], dtype=bool)
    return SALIENCE_WEIGHT * float(scores[chosen].sum()) + float(weights[covered].sum())


def _brute_force(scores, lengths, conflicts, weights, occ, budget: Budget) -> float:
    best = 0.0
    for mask in range(1 << len(scores)):
        chosen = [i for i in range(len(scores)) if mask >> i & 1]
        if budget.sentences is not None and len(chosen) > budget.sentences:
            continue
        if budget.words is not None and lengths[chosen].sum() > budget.words:
            continue
        if any(i in chosen and j in chosen for i, j in conflicts):
            continue
        best = max(best, _objective(scores, occ, weights, chosen))
    return best


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 9),
    m=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    by_sentences=st.booleans(),
)
def test_branch_and_bound_finds_the_optimum_of_the_program(n, m, seed, by_sentences):
    rng = np.random.default_rng(seed)
    scores = rng.random(n)
    lengths = rng.integers(1, 40, n)
    occ = rng.random((n, m)) < 0.3
    weights = rng.random(m) * 20
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.15]
    budget = (
        Budget(sentences=int(rng.integers(1, 4))) if by_sentences else Budget(words=int(rng.integers(1, 100)))
    )
    chosen = select_exact(scores, lengths, pairs, weights, occ, budget)
    assert not any(i in chosen and j in chosen for i, j in pairs)
    if budget.words is not None:
        assert lengths[chosen].sum() <= budget.words
    else:
        assert len(chosen) <= budget.sentences
    optimum = _brute_force(scores, lengths, pairs, weights, occ, budget)
    assert _objective(scores, occ, weights, chosen) == pytest.approx(optimum, rel=1e-9, abs=1e-9)
    # HiGHS stops within 1 % of the optimum: it never does better.
    by_highs = select_ilp(scores, lengths, pairs, weights, sparse.csr_matrix(occ.astype(float)), budget)
    assert by_highs is not None
    assert _objective(scores, occ, weights, by_highs) <= optimum + 1e-9


def test_branch_and_bound_keeps_the_best_found_at_the_node_limit():
    rng = np.random.default_rng(7)
    n, m = 30, 200
    scores, lengths = rng.random(n), rng.integers(5, 30, n)
    occ, weights = rng.random((n, m)) < 0.2, rng.random(m)
    full = select_exact(scores, lengths, [], weights, occ, Budget(words=120))
    cut = select_exact(scores, lengths, [], weights, occ, Budget(words=120), node_limit=1)
    assert cut and lengths[cut].sum() <= 120  # a feasible summary, not nothing
    assert _objective(scores, occ, weights, cut) <= _objective(scores, occ, weights, full) + 1e-9
