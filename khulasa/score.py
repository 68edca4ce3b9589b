"""Multi-document salience of information units.

Each unit gets features in [0, 1]:
- ``support``: how many more (non-duplicate) articles report it than one, as a share of the others —
  what single-document tools lack (always 0 for a single article, so it cannot disturb single-document use);
- ``position``: lead bias of news, ``1 / sqrt(1 + k)`` for the best k-th candidate sentence of its articles;
- ``centrality``: cosine of the unit's TF-IDF vector to the cluster centroid, where every article counts
  once (centroid-based summarization, Radev et al. 2004), rescaled so the most central unit has 1;
- ``length``: a prior against fragments and run-ons.
The score is a weighted sum of the first three times the length prior.  The concept weights used by the
ILP selector (Gillick & Favre 2009) come from here too: term bigrams weighted by how many articles
carry them and how early.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from khulasa.dedup import term_counts
from khulasa.models import InfoUnit, Sentence


@dataclass(frozen=True)
class Weights:
    """Feature weights of the unit score; defaults chosen on dev data (``benchmarks/tune.py``).

    News puts what matters first, and on EASC and ANT-BBC position beat every other salience signal.
    Support is zero on single documents, so its weight cannot be tuned there; it is set so that a
    sentence every outlet reports counts like a lead sentence, and multi-document evidence also enters
    through the concept weights and the article coverage of the selector (``select``).
    """

    centrality: float = 0.1
    support: float = 0.5
    position: float = 0.9
    position_decay: float = 1.0
    """Position feature ``1 / (1 + k) ** position_decay`` for the k-th candidate of an article."""
    min_words: int = 6
    max_words: int = 60


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class UnitScores:
    """Per-unit features and the final score, aligned with the units passed in."""

    score: np.ndarray
    centrality: np.ndarray
    support: np.ndarray
    position: np.ndarray
    length: np.ndarray


def _candidate_ranks(units: Sequence[InfoUnit]) -> dict[tuple[str, int], int]:
    """Rank of each candidate sentence among its article's candidates (headings are not candidates)."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        for s in unit.sentences:
            by_article[s.article_id].append(s.index)
    ranks = {}
    for article_id, indexes in by_article.items():
        for rank, index in enumerate(sorted(indexes)):
            ranks[(article_id, index)] = rank
    return ranks


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """L2-normalized rows of ``(1 + log tf) * idf`` from a count matrix."""
    weighted = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(weighted.multiply(1.0 / norms[:, None]))


def length_prior(n_words: int, weights: Weights) -> float:
    if n_words < weights.min_words:
        return max(0.2, n_words / weights.min_words)
    if n_words > weights.max_words:
        return max(0.5, weights.max_words / n_words)
    return 1.0


def score_units(
    units: Sequence[InfoUnit],
    canonical: Mapping[str, str] | None = None,
    weights: Weights | None = None,
    *,
    counts: sparse.csr_matrix | None = None,
    rows: Mapping[tuple[str, int], int] | None = None,
) -> UnitScores:
    """Score units; ``canonical`` maps a duplicate article id to the article it copies (support counts it once).

    ``counts``/``rows`` may pass a sentence x term count matrix (``dedup.term_counts``) holding every
    unit sentence, and the row of each sentence by ``(article_id, index)``; else they are computed.
    """
    weights = weights or DEFAULT_WEIGHTS
    n = len(units)
    if n == 0:
        empty = np.zeros(0)
        return UnitScores(empty, empty, empty, empty, empty)
    canonical = canonical or {}
    members: list[Sentence] = [s for u in units for s in u.sentences]
    if counts is None or rows is None:
        counts = term_counts([s.terms for s in members])
        rows = {(s.article_id, s.index): i for i, s in enumerate(members)}
    member_rows = np.array([rows[(s.article_id, s.index)] for s in members])
    member_counts = counts[member_rows]
    articles = sorted({canonical.get(s.article_id, s.article_id) for s in members})
    article_row = {a: i for i, a in enumerate(articles)}
    n_articles = len(articles)

    # IDF over sentences: with a handful of articles, document frequency over articles is too coarse.
    df = np.diff(sparse.csc_matrix(member_counts).indptr)
    idf = np.log((1 + len(members)) / (1 + df)) + 1.0
    to_article = sparse.csr_matrix(
        (
            np.ones(len(members)),
            (
                [article_row[canonical.get(s.article_id, s.article_id)] for s in members],
                np.arange(len(members)),
            ),
        ),
        shape=(n_articles, len(members)),
    )
    art_vecs = _tfidf(sparse.csr_matrix(to_article @ member_counts), idf)
    centroid = np.asarray(art_vecs.mean(axis=0)).ravel()
    centroid_norm = np.linalg.norm(centroid) or 1.0
    rep_rows = [rows[(u.representative.article_id, u.representative.index)] for u in units]
    unit_vecs = _tfidf(counts[rep_rows], idf)
    centrality = np.asarray(unit_vecs @ (centroid / centroid_norm)).ravel()
    if centrality.max() > 0:
        centrality = centrality / centrality.max()

    # Extra outlets beyond the first: 0 for a sentence only one article has (always, for one article).
    support = np.array(
        [(len({canonical.get(a, a) for a in u.articles}) - 1) / max(n_articles - 1, 1) for u in units],
        dtype=np.float64,
    )
    ranks = _candidate_ranks(units)
    position = np.array(
        [
            max((1.0 + ranks[(s.article_id, s.index)]) ** -weights.position_decay for s in u.sentences)
            for u in units
        ]
    )
    length = np.array([length_prior(u.representative.n_words, weights) for u in units])
    score = (
        weights.centrality * centrality + weights.support * support + weights.position * position
    ) * length
    return UnitScores(score=score, centrality=centrality, support=support, position=position, length=length)


CONCEPT_POSITION_BONUS = 1.0
"""Extra weight for a concept in an article's first sentence, decaying with ``1/sqrt(1 + k)``."""
CONCEPT_MASS_PER_ARTICLE = 10.0
"""Each article spreads this much weight over its concepts, so every article has an equal voice."""


Concept = tuple[str, str]
"""A bigram of stemmed content terms."""


def concept_weights(
    units: Sequence[InfoUnit], canonical: Mapping[str, str] | None = None
) -> tuple[list[Concept], np.ndarray, sparse.csr_matrix]:
    """Concepts (term bigrams), their weights, and the unit x concept occurrence matrix.

    Every (non-duplicate) article spreads ``CONCEPT_MASS_PER_ARTICLE`` over the concepts it carries,
    more to the concepts of its early sentences; a concept's weight is the sum of its articles' shares,
    so what many outlets report weighs most while a story told by two articles of five still counts.
    Concepts seen in a single unit are dropped unless nothing else is left (one-sentence input).
    """
    canonical = canonical or {}
    ranks = _candidate_ranks(units)
    share: dict[Concept, dict[str, float]] = defaultdict(dict)
    unit_concepts: list[set[Concept]] = []
    for u in units:
        concepts: set[Concept] = set()
        for s in u.sentences:
            article = canonical.get(s.article_id, s.article_id)
            bonus = 1.0 + CONCEPT_POSITION_BONUS / np.sqrt(1.0 + ranks[(s.article_id, s.index)])
            grams = set(zip(s.terms, s.terms[1:], strict=False))
            if s is u.representative:  # the reader sees the representative's words only
                concepts = grams
            for gram in grams:
                by_article = share[gram]
                if by_article.get(article, 0.0) < bonus:
                    by_article[article] = bonus
        unit_concepts.append(concepts)
    units_with: dict[Concept, int] = defaultdict(int)
    for concepts in unit_concepts:
        for c in concepts:
            units_with[c] += 1
    keep = sorted(c for c in share if units_with[c] > 1 or len(share[c]) > 1) or sorted(share)
    totals: dict[str, float] = defaultdict(float)
    for c in keep:
        for article, value in share[c].items():
            totals[article] += value
    index = {c: i for i, c in enumerate(keep)}
    w = np.array(
        [sum(CONCEPT_MASS_PER_ARTICLE * v / totals[a] for a, v in share[c].items()) for c in keep],
        dtype=np.float64,
    )
    rows, cols = [], []
    for ui, concepts in enumerate(unit_concepts):
        for c in concepts:
            j = index.get(c)
            if j is not None:
                rows.append(ui)
                cols.append(j)
    occ = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(units), len(keep)))
    return keep, w, occ


ARTICLE_COVERAGE_WEIGHT = 3.0
"""Reward (in concept-weight units) for including at least one unit reported by an article."""


def article_coverage(
    units: Sequence[InfoUnit], canonical: Mapping[str, str] | None = None
) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Article "concepts": covering an article means choosing a unit it reports.

    This asks the selector to tell the whole story (both meetings, every outlet's angle), and it favours
    units that many outlets report, since one such unit covers all of them at once.
    """
    canonical = canonical or {}
    ids = sorted({canonical.get(a, a) for u in units for a in u.articles})
    index = {a: i for i, a in enumerate(ids)}
    rows, cols = [], []
    for ui, u in enumerate(units):
        for a in {canonical.get(a, a) for a in u.articles}:
            rows.append(ui)
            cols.append(index[a])
    occ = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(units), max(len(ids), 1)))
    return np.full(len(ids), ARTICLE_COVERAGE_WEIGHT if len(ids) > 1 else 0.0), occ
