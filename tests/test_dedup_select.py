"""Grouping near-identical sentences, duplicate articles, and budgeted selection without repeats."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from khulasa.dedup import (
    TermIds,
    _pairs_by_term,
    duplicate_articles,
    few_similar_pairs,
    group_sentences,
    similar_pairs,
    term_matrix,
)
from khulasa.options import Budget
from khulasa.segment import segment
from khulasa.select import SALIENCE_WEIGHT, choose, select_exact, select_ilp, selector
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
        selector("x")
    with pytest.raises(InvalidOptionsError, match="exact, ilp, greedy"):
        choose(
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
    chosen = choose(scores, lengths, [(0, 1)], np.ones(3), occ, Budget(words=25), method=method)
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
    chosen = choose(scores, lengths, [], np.ones(len(data)), occ, Budget(words=words), method=method)
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


@settings(max_examples=200, deadline=None)
@given(
    term_lists=st.lists(st.lists(st.sampled_from("abcdefghij"), max_size=8), max_size=20),
    threshold=st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0]),
)
def test_pairs_counted_by_term_are_similar_pairs_exactly(term_lists, threshold):
    matrix = term_matrix(term_lists)
    sizes = np.diff(matrix.indptr)
    by_term = _pairs_by_term(matrix.indices, matrix.indptr, sizes, threshold)
    assert by_term == similar_pairs(matrix, threshold, sizes)  # same pairs, order and cosines


@settings(max_examples=200, deadline=None)
@given(
    term_lists=st.lists(st.lists(st.sampled_from("abcdefghij"), max_size=8), max_size=20),
    threshold=st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0]),
)
def test_few_similar_pairs_are_the_dense_product_s_pairs(term_lists, threshold):
    terms = TermIds.of(term_lists)
    n = len(term_lists)
    sets = np.zeros((n, max(terms.n_terms, 1)))
    sets[np.arange(n).repeat(np.diff(terms.indptr)), terms.ids] = 1.0
    overlap = sets @ sets.T
    sizes = np.sqrt(np.diag(overlap)).copy()
    sizes[sizes == 0] = 1.0
    rows, cols = np.nonzero(np.triu(overlap / np.outer(sizes, sizes) >= threshold, k=1))
    assert few_similar_pairs(terms, threshold) == list(zip(rows.tolist(), cols.tolist(), strict=True))


def test_pairs_by_term_leave_many_rows_or_pairs_to_similar_pairs():
    many_rows = term_matrix([["a", "b"]] * 300)
    assert _pairs_by_term(many_rows.indices, many_rows.indptr, np.diff(many_rows.indptr), 0.7) is None
    one_term = term_matrix([["a"]] * 250)  # 31,125 pairs share a term: fine
    assert _pairs_by_term(one_term.indices, one_term.indptr, np.diff(one_term.indptr), 0.7) is not None
    crowded = term_matrix([[f"t{k}" for k in range(10)]] * 250)  # 311,250 pairs: too many
    assert _pairs_by_term(crowded.indices, crowded.indptr, np.diff(crowded.indptr), 0.7) is None


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n_rows=st.integers(1, 12), n_cols=st.integers(1, 15))
def test_covered_concepts_are_the_dense_rows_positive_present_columns(data, n_rows, n_cols):
    from khulasa.select import _covered, _dense_rows

    entries = data.draw(
        st.lists(st.tuples(st.integers(0, n_rows - 1), st.integers(0, n_cols - 1), st.sampled_from([-1.0, 0.0, 1.0, 2.0])))
    )
    entries.sort(key=lambda e: e[0])  # by row only: columns unsorted, duplicates kept
    indptr = np.searchsorted([e[0] for e in entries], np.arange(n_rows + 1))
    values, columns = [e[2] for e in entries], [e[1] for e in entries]
    matrix = sparse.csr_matrix((values, columns, indptr), shape=(n_rows, n_cols))
    if data.draw(st.booleans()):
        matrix.sum_duplicates()
    rows = np.array(data.draw(st.lists(st.integers(0, n_rows - 1), min_size=1, max_size=8, unique=True)))
    dense = _dense_rows(matrix, rows) > 0
    present = np.flatnonzero(dense.any(axis=0))
    for occurrences in (matrix, matrix.toarray()):
        covers, got = _covered(occurrences, rows)
        assert got.tolist() == present.tolist()
        assert covers.dtype == bool and covers.tolist() == dense[:, present].tolist()


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


# --- scale: near-linear in the input, memory bounded (issue 11) --------------------------------------------


def _duplicate_articles_reference(articles, units):
    """The former quadratic definition, pair by pair, to check the indexed one against."""
    import datetime as dt

    from khulasa.dedup import DUPLICATE_ARTICLE_SHARE

    unit_sets = {a.id: set() for a in articles}
    for unit in units:
        for s in unit.sentences:
            unit_sets[s.article_id].add(unit.id)
    order = sorted(range(len(articles)), key=lambda i: (articles[i].date or dt.date.max, i))
    kept_of, best = {}, {}
    for pos, i in enumerate(order):
        a = articles[i].id
        if a in kept_of or not unit_sets[a]:
            continue
        for j in order[pos + 1 :]:
            b = articles[j].id
            if b in kept_of or not unit_sets[b]:
                continue
            shared = len(unit_sets[a] & unit_sets[b])
            share = min(shared / len(unit_sets[a]), shared / len(unit_sets[b]))
            if share >= DUPLICATE_ARTICLE_SHARE:
                kept_of[b], best[b] = a, share
    return kept_of, best


def _articles_with_units(unit_lists, dates=None):
    import datetime as dt

    from khulasa.models import Article, InfoUnit, Sentence

    articles = [
        Article(id=f"a{k}", text="x", date=dt.date(2016, 1, 1 + dates[k]) if dates else None)
        for k in range(len(unit_lists))
    ]
    members: dict[int, list[Sentence]] = {}
    for k, units in enumerate(unit_lists):
        for index, u in enumerate(units):
            members.setdefault(u, []).append(Sentence(f"a{k}", index, 0, 1, "x", n_words=1))
    units = tuple(InfoUnit(id=u, representative=s[0], sentences=tuple(s)) for u, s in sorted(members.items()))
    return articles, units


@settings(max_examples=150, deadline=None)
@given(
    unit_lists=st.lists(st.lists(st.integers(0, 12), max_size=9, unique=True), min_size=1, max_size=14),
    dated=st.booleans(),
    data=st.data(),
)
def test_indexed_duplicate_articles_find_exactly_the_pairs_of_the_quadratic_definition(unit_lists, dated, data):
    dates = data.draw(st.lists(st.integers(0, 3), min_size=len(unit_lists), max_size=len(unit_lists))) if dated else None
    articles, units = _articles_with_units(unit_lists, dates)
    kept_of, best = _duplicate_articles_reference(articles, units)
    groups = duplicate_articles(articles, units)
    assert {d: g.kept for g in groups for d in g.duplicates} == kept_of
    for g in groups:
        assert g.similarity == round(min(best[d] for d in g.duplicates), 4)


def test_duplicate_articles_of_ten_thousand_articles_take_well_under_a_second():
    import random
    import time

    rng = random.Random(3)
    # 10,000 articles of 3-8 units from a pool of 40,000, plus 500 near-copies of earlier ones
    unit_lists = [rng.sample(range(40_000), rng.randint(3, 8)) for _ in range(10_000)]
    unit_lists += [unit_lists[rng.randrange(10_000)] for _ in range(500)]
    articles, units = _articles_with_units(unit_lists)
    started = time.process_time()
    groups = duplicate_articles(articles, units)
    assert time.process_time() - started < 3.0  # the pairwise loop took 16.9 s at 10k (issue 11)
    assert sum(len(g.duplicates) for g in groups) >= 500


def test_exact_pairs_are_computed_in_blocks_with_the_same_result():
    import random

    from khulasa import dedup

    rng = random.Random(5)
    vocab = [f"t{i}" for i in range(60)]
    terms = [rng.sample(vocab, rng.randint(0, 12)) for _ in range(2500)]
    terms += [[*t[:-1], "extra"] for t in terms[:300]]
    matrix = term_matrix(terms)
    dense = matrix.toarray()
    overlap = dense @ dense.T
    sizes = np.sqrt(dense.sum(axis=1))
    sizes[sizes == 0] = 1.0
    cos = overlap / np.outer(sizes, sizes)
    rows, cols = np.nonzero(np.triu(cos >= 0.7, k=1))
    pairs = similar_pairs(matrix, 0.7)
    assert dedup.EXACT_BLOCK < matrix.shape[0] <= dedup.EXACT_ROWS
    assert [(i, j) for i, j, _ in pairs] == list(zip(rows.tolist(), cols.tolist(), strict=True))
    assert np.allclose([c for _, _, c in pairs], cos[rows, cols], rtol=0, atol=0)


def test_above_exact_rows_lsh_finds_planted_near_copies_and_only_true_pairs():
    import random

    from khulasa import dedup

    rng = random.Random(11)
    vocab = [f"t{i}" for i in range(3000)]
    terms = [rng.sample(vocab, 15) for _ in range(dedup.EXACT_ROWS + 1000)]
    planted = []
    for k in range(300):  # a copy with one or two terms changed: cosine 0.87-0.93
        i = rng.randrange(len(terms))
        copy = terms[i][: 15 - 1 - k % 2] + rng.sample(vocab, 1 + k % 2)
        terms.append(copy)
        planted.append((i, len(terms) - 1))
    matrix = term_matrix(terms)
    pairs = similar_pairs(matrix, 0.7)
    found = {(i, j) for i, j, _ in pairs}
    assert all(p in found for p in planted if len(set(terms[p[0]]) & set(terms[p[1]])) >= 13)
    sets = [set(t) for t in terms]
    for i, j, cos in pairs:
        assert i < j and cos == len(sets[i] & sets[j]) / (np.sqrt(len(sets[i])) * np.sqrt(len(sets[j])))
        assert cos >= 0.7
    assert [(i, j) for i, j, _ in pairs] == sorted(found)


def test_minhash_signatures_are_datasketch_minhashes():
    from datasketch import MinHash

    from khulasa import dedup

    matrix = term_matrix([["a", "b", "c"], [], ["c", "d"], [f"w{i}" for i in range(500)]])
    signatures = dedup.minhash_signatures(matrix, num_perm=32)
    for row in range(matrix.shape[0]):
        m = MinHash(num_perm=32, seed=dedup.MINHASH_SEED, scheme="affine32", hashfunc=int)
        m.update_batch(matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]].tolist())
        assert signatures[row].tolist() == m.hashvalues.tolist()


def test_similar_pairs_of_twenty_thousand_rows_stay_in_bounded_memory():
    import random
    import tracemalloc

    rng = random.Random(1)
    vocab = [f"t{i}" for i in range(1000)]
    # every term in ~300 rows: the pairwise product held ~90M pairs (2.9 GB peak RSS before the fix)
    matrix = term_matrix([rng.sample(vocab, 15) for _ in range(20_000)])
    tracemalloc.start()
    try:
        similar_pairs(matrix, 0.7)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 150 * 2**20


@pytest.mark.parametrize("method", ["exact", "ilp", "greedy"])
def test_the_selection_stage_picks_from_its_pool_within_budget_and_never_repeats_itself(method):
    import khulasa
    from khulasa import score
    from khulasa.options import SummaryOptions
    from khulasa.pipeline import analyze
    from khulasa.select import Program, candidate_pool, redundant_pairs, select
    from tests.conftest import EXAMPLE_DIR

    analysis = analyze(khulasa.load([str(EXAMPLE_DIR)]))
    units, canonical = analysis.units, analysis.canonical
    scores = score.score_units(units, canonical, terms=analysis.terms)
    concepts = score.concepts(units, canonical, terms=analysis.terms)
    options = SummaryOptions(words=120)
    lengths = np.array([u.representative.n_words for u in units])
    pool = candidate_pool(scores.score, lengths, options.budget)
    pairs = redundant_pairs([units[i] for i in pool], pool, analysis.terms, options.redundancy)
    program = Program.of(units, scores, concepts)
    chosen = select(units, program, concepts, analysis.terms, options, method=method)
    assert pairs and chosen and set(chosen) <= set(pool)
    assert not any(i in chosen and j in chosen for i, j in pairs)
    assert lengths[chosen].sum() <= 120
    arrays = (scores.score, lengths, pairs, concepts.weights, concepts.occurrences, options.budget)
    assert chosen == choose(*arrays, method=method)


def test_each_alone_makes_every_sentence_its_own_unit_in_order():
    from khulasa.dedup import each_alone

    _, sentences = sentences_of(BASE + ". " + BASE + ".")
    units = each_alone(sentences)
    assert [u.id for u in units] == list(range(len(sentences)))
    assert [u.sentences for u in units] == [(s,) for s in sentences]
    assert all(u.representative is s for u, s in zip(units, sentences, strict=True))
