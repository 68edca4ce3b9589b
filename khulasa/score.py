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


def _tfidf_rows(
    term_lists: Sequence[Sequence[str]], vocab: Mapping[str, int], idf: np.ndarray
) -> sparse.csr_matrix:
    """L2-normalized rows of ``(1 + log tf) * idf``; terms outside ``vocab`` are ignored."""
    rows: list[int] = []
    cols: list[int] = []
    for i, terms in enumerate(term_lists):
        for t in terms:
            j = vocab.get(t)
            if j is not None:
                rows.append(i)
                cols.append(j)
    counts = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(term_lists), len(vocab))
    )  # duplicates are summed: term counts
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(counts.multiply(1.0 / norms[:, None]))


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
) -> UnitScores:
    """Score units; ``canonical`` maps a duplicate article id to the article it copies (support counts it once)."""
    weights = weights or DEFAULT_WEIGHTS
    n = len(units)
    if n == 0:
        empty = np.zeros(0)
        return UnitScores(empty, empty, empty, empty, empty)
    canonical = canonical or {}
    all_sentences: list[Sentence] = [s for u in units for s in u.sentences]
    articles = sorted({canonical.get(s.article_id, s.article_id) for s in all_sentences})
    n_articles = len(articles)

    # IDF over sentences: with a handful of articles, document frequency over articles is too coarse.
    df: dict[str, int] = defaultdict(int)
    for s in all_sentences:
        for t in set(s.terms):
            df[t] += 1
    vocab = {t: i for i, t in enumerate(sorted(df))}
    n_docs = len(all_sentences)
    idf = np.array([np.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in sorted(df)])

    article_terms: dict[str, list[str]] = defaultdict(list)
    for s in all_sentences:
        article_terms[canonical.get(s.article_id, s.article_id)].extend(s.terms)
    art_vecs = _tfidf_rows([article_terms[a] for a in articles], vocab, idf)
    centroid = np.asarray(art_vecs.mean(axis=0)).ravel()
    centroid_norm = np.linalg.norm(centroid) or 1.0
    unit_vecs = _tfidf_rows([u.representative.terms for u in units], vocab, idf)
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
        [max((1.0 + ranks[(s.article_id, s.index)]) ** -weights.position_decay for s in u.sentences) for u in units]
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


def concept_weights(
    units: Sequence[InfoUnit], canonical: Mapping[str, str] | None = None
) -> tuple[list[str], np.ndarray, sparse.csr_matrix]:
    """Concepts (term bigrams), their weights, and the unit x concept occurrence matrix.

    Every (non-duplicate) article spreads ``CONCEPT_MASS_PER_ARTICLE`` over the concepts it carries,
    more to the concepts of its early sentences; a concept's weight is the sum of its articles' shares,
    so what many outlets report weighs most while a story told by two articles of five still counts.
    Concepts seen in a single unit are dropped unless nothing else is left (one-sentence input).
    """
    canonical = canonical or {}
    ranks = _candidate_ranks(units)
    share: dict[str, dict[str, float]] = defaultdict(dict)
    unit_concepts: list[set[str]] = []
    for u in units:
        concepts: set[str] = set()
        for s in u.sentences:
            article = canonical.get(s.article_id, s.article_id)
            bonus = 1.0 + CONCEPT_POSITION_BONUS / np.sqrt(1.0 + ranks[(s.article_id, s.index)])
            for a, b in set(zip(s.terms, s.terms[1:], strict=False)):
                c = f"{a} {b}"
                if s is u.representative:  # the reader sees the representative's words only
                    concepts.add(c)
                share[c][article] = max(share[c].get(article, 0.0), bonus)
        unit_concepts.append(concepts)
    units_with: dict[str, int] = defaultdict(int)
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
    occ = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(units), max(len(keep), 1)))
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
