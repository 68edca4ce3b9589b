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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

import numpy as np
from scipy import sparse

from khulasa.arrays import row_sizes, unique, unique_inverse
from khulasa.dedup import SentenceTerms, TermIds
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
    coherence: float = 1.0
    """Mean cosine of the (non-duplicate) articles' TF-IDF vectors to their centroid: how much the
    input is one story (see ``pipeline.MANY_STORIES_COHERENCE``)."""


@dataclass(frozen=True)
class UnitMembers:
    """Every sentence of the units ("members"), as arrays aligned with ``sentences``."""

    sentences: list[Sentence]
    unit: np.ndarray
    """The unit of each member."""
    article: np.ndarray
    """Its article, as an index into ``articles`` (duplicate articles count as the one they copy)."""
    articles: list[str]
    rank: np.ndarray
    """Its rank among the candidate sentences of its own article (headings are not candidates)."""
    terms: SentenceTerms | None = None
    term_rows: np.ndarray | None = None
    """Its row in ``terms`` (when made with them)."""

    @classmethod
    def of(
        cls, units: Sequence[InfoUnit], canonical: Mapping[str, str], terms: SentenceTerms | None = None
    ) -> UnitMembers:
        sentences = [s for u in units for s in u.sentences]
        unit = np.repeat(np.arange(len(units)), [len(u.sentences) for u in units])
        raw = [s.article_id for s in sentences]
        canon = [canonical.get(a, a) for a in raw]
        articles = sorted(set(canon))
        article = _codes(canon, dict(zip(articles, count())))
        raw_code = _codes(raw, dict(zip(dict.fromkeys(raw), count())))
        by_position = np.lexsort((np.array([s.index for s in sentences], dtype=np.int64), raw_code))
        ordered = raw_code[by_position]
        bounds = np.zeros(1, dtype=np.int64)  # where each article's members begin, then the end
        if len(sentences):
            bounds = np.concatenate([[0], (ordered[1:] != ordered[:-1]).nonzero()[0] + 1, [len(sentences)]])
        rank = np.empty(len(sentences), dtype=np.int64)
        rank[by_position] = np.arange(len(sentences)) - bounds[:-1].repeat(row_sizes(bounds))
        term_rows = None if terms is None else _codes(list(map(_key, sentences)), terms.rows)
        return cls(sentences, unit, article, articles, rank, terms, term_rows)

    def rows_in(self, terms: SentenceTerms) -> np.ndarray:
        """Each member's row in ``terms``."""
        if terms is self.terms and self.term_rows is not None:
            return self.term_rows
        return _codes(list(map(_key, self.sentences)), terms.rows)


def _key(sentence: Sentence) -> tuple[str, int]:
    return (sentence.article_id, sentence.index)


_NO_RANK = np.iinfo(np.int64).max


def _codes(keys: list[Any], code: Mapping[Any, int]) -> np.ndarray:
    return np.fromiter(map(code.__getitem__, keys), dtype=np.int64, count=len(keys))


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Per-row sums of a CSR matrix's ``values`` (aligned with its data), empty rows included."""
    sums = np.zeros(len(indptr) - 1)
    nonempty = (indptr[1:] != indptr[:-1]).nonzero()[0]
    if nonempty.size:
        sums[nonempty] = np.add.reduceat(values, indptr[nonempty])
    return sums


def _log_tf_idf(
    data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(1 + log tf) * idf`` of each count of a CSR matrix's arrays, and each row's L2 norm (1 for an
    empty row)."""
    weights = (1.0 + np.log(data)) * idf[indices]
    norms = np.sqrt(_row_sums(weights * weights, indptr))
    norms[norms == 0] = 1.0
    return weights, norms


def length_prior(n_words: int, weights: Weights) -> float:
    if n_words < weights.min_words:
        return max(0.2, n_words / weights.min_words)
    if n_words > weights.max_words:
        return max(0.5, weights.max_words / n_words)
    return 1.0


def length_priors(n_words: np.ndarray, weights: Weights) -> np.ndarray:
    """``length_prior`` of each of ``n_words``, as one array (the same floats)."""
    short = np.maximum(0.2, n_words / weights.min_words)
    long = np.maximum(0.5, weights.max_words / np.maximum(n_words, 1))
    return np.where(n_words < weights.min_words, short, np.where(n_words > weights.max_words, long, 1.0))


def score_units(
    units: Sequence[InfoUnit],
    canonical: Mapping[str, str] | None = None,
    weights: Weights | None = None,
    *,
    terms: SentenceTerms | None = None,
    members: UnitMembers | None = None,
) -> UnitScores:
    """Score units; ``canonical`` maps a duplicate article id to the article it copies (support counts it once).

    ``terms`` may pass the terms of every unit sentence (``dedup.SentenceTerms``); ``members`` the
    units' ``UnitMembers`` (made with the same ``canonical``); else they are computed.
    """
    weights = weights or DEFAULT_WEIGHTS
    n = len(units)
    if n == 0:
        empty = np.zeros(0)
        return UnitScores(empty, empty, empty, empty, empty)
    canonical = canonical or {}
    table = members or UnitMembers.of(units, canonical)
    sentences = table.sentences
    if terms is None:
        terms = SentenceTerms.of(sentences)
    counts, rows = terms.counts, terms.rows
    n_articles = len(table.articles)
    if not (isinstance(counts, sparse.csr_matrix) and counts.has_canonical_format):
        counts = sparse.csr_matrix(counts)
        counts.sum_duplicates()
    # Article of each row of ``counts``; -1 for rows that are not unit sentences.
    row_article = np.full(counts.shape[0], -1)
    row_article[table.rows_in(terms)] = table.article
    entry_article = row_article.repeat(row_sizes(counts.indptr))
    mine = entry_article >= 0
    entry_terms, values = counts.indices[mine], counts.data[mine]

    # IDF over sentences: with a handful of articles, document frequency over articles is too coarse.
    idf = np.log((1 + len(sentences)) / (1 + np.bincount(entry_terms, minlength=counts.shape[1]))) + 1.0
    # article x term counts as CSR arrays: (article, term) keys sorted, counts summed
    keys, key_of = unique_inverse(entry_article[mine] * counts.shape[1] + entry_terms)
    article_data = np.bincount(key_of, weights=values, minlength=len(keys))
    article_terms, entry_row = keys % counts.shape[1], keys // counts.shape[1]
    article_indptr = np.zeros(n_articles + 1, dtype=np.int64)
    np.bincount(entry_row, minlength=n_articles).cumsum(out=article_indptr[1:])
    tfidf, norms = _log_tf_idf(article_data, article_terms, article_indptr, idf)
    unit_tfidf = tfidf / norms[entry_row]
    centroid = np.bincount(article_terms, weights=unit_tfidf, minlength=counts.shape[1]) / max(n_articles, 1)
    centroid /= np.sqrt(centroid.dot(centroid)) or 1.0  # np.linalg.norm of a vector, without its checks
    coherence = float(_row_sums(unit_tfidf * centroid[article_terms], article_indptr).mean())
    tfidf, norms = _log_tf_idf(counts.data, counts.indices, counts.indptr, idf)
    closeness = _row_sums(tfidf * centroid[counts.indices], counts.indptr) / norms
    centrality = closeness[_codes([_key(u.representative) for u in units], rows)]
    if centrality.max() > 0:
        centrality = centrality / centrality.max()

    # Extra outlets beyond the first: 0 for a sentence only one article has (always, for one article).
    reports = unique(table.unit * n_articles + table.article) // n_articles  # unit of each (unit, article)
    support = (np.bincount(reports, minlength=n) - 1) / max(n_articles - 1, 1)
    best_rank = np.full(n, _NO_RANK)
    np.minimum.at(best_rank, table.unit, table.rank)
    position = (1.0 + best_rank) ** -weights.position_decay
    length = length_priors(np.array([u.representative.n_words for u in units]), weights)
    score = (
        weights.centrality * centrality + weights.support * support + weights.position * position
    ) * length
    return UnitScores(
        score=score, centrality=centrality, support=support, position=position, length=length, coherence=coherence
    )


CONCEPT_POSITION_BONUS = 1.0
"""Extra weight for a concept in an article's first sentence, decaying with ``1/sqrt(1 + k)``."""
CONCEPT_MASS_PER_ARTICLE = 10.0
"""Each article spreads this much weight over its concepts, so every article has an equal voice."""
ARTICLE_COVERAGE_WEIGHT = 3.0
"""Reward (in concept-weight units) for including at least one unit reported by an article."""


@dataclass(frozen=True)
class Concepts:
    """What the selector covers: concept weights and the unit x concept occurrence matrix.

    The first ``n_bigrams`` concepts are term bigrams, the rest one per (non-duplicate) article.
    """

    weights: np.ndarray
    occurrences: sparse.csr_matrix
    n_bigrams: int


def concepts(
    units: Sequence[InfoUnit],
    canonical: Mapping[str, str] | None = None,
    *,
    terms: SentenceTerms | None = None,
    members: UnitMembers | None = None,
) -> Concepts:
    """Concepts of the units: term bigrams (Gillick & Favre 2009) and the articles themselves.

    Bigrams: every (non-duplicate) article spreads ``CONCEPT_MASS_PER_ARTICLE`` over the bigrams it
    carries, more to those of its early sentences; a bigram's weight is the sum of its articles'
    shares, so what many outlets report weighs most while a story told by two articles of five still
    counts.  Bigrams seen in a single unit are dropped unless nothing else is left (one-sentence
    input).  A unit covers the bigrams of its representative (the reader sees its words only).

    Articles: covering an article means choosing a unit it reports (``ARTICLE_COVERAGE_WEIGHT``, when
    there are several).  This asks the selector to tell the whole story (both meetings, every outlet's
    angle), and it favours units that many outlets report, since one such unit covers them all at once.

    ``terms`` may pass the terms of every unit sentence (``dedup.SentenceTerms``); ``members`` the
    units' ``UnitMembers``; else they are computed.
    """
    table = members or UnitMembers.of(units, canonical or {})
    sentences = table.sentences
    articles = table.articles
    member_unit, member_article = table.unit, table.article
    covers = unique(member_unit * len(articles) + member_article)  # (unit, article) pairs
    cover_unit, cover_article = covers // len(articles), covers % len(articles)
    article_w = np.full(len(articles), ARTICLE_COVERAGE_WEIGHT if len(articles) > 1 else 0.0)

    def occurrences(unit_of: np.ndarray, column_of: np.ndarray, n_bigrams: int) -> sparse.csr_matrix:
        # Both blocks are sorted by (unit, column) and a unit's bigram columns come before its article
        # columns, so a stable sort by unit leaves every row's columns sorted.
        rows = np.concatenate([unit_of, cover_unit])
        order = rows.argsort(kind="stable")
        cols = np.concatenate([column_of, n_bigrams + cover_article])[order]
        indptr = np.zeros(len(units) + 1, dtype=np.int64)
        np.bincount(rows, minlength=len(units)).cumsum(out=indptr[1:])
        shape = (len(units), n_bigrams + len(articles))
        return sparse.csr_matrix((np.ones(len(rows)), cols, indptr), shape=shape)

    if terms is None:
        term_ids = TermIds.of([s.terms for s in sentences])
    else:
        term_ids = terms.ids.rows(table.rows_in(terms))
    ids = term_ids.ids
    # One entry per bigram occurrence (consecutive terms of one sentence), coded first * |V| + second.
    sentence_of = np.arange(len(sentences)).repeat(row_sizes(term_ids.indptr))
    inside = (sentence_of[:-1] == sentence_of[1:]).nonzero()[0]
    if inside.size == 0:
        return Concepts(article_w, occurrences(np.zeros(0, np.int64), np.zeros(0, np.int64), 0), 0)
    gram = ids[inside] * term_ids.n_terms + ids[inside + 1]
    sentence = sentence_of[inside]
    article = member_article[sentence]
    bonus = (1.0 + CONCEPT_POSITION_BONUS / np.sqrt(1.0 + table.rank))[sentence]
    unit = member_unit[sentence]
    reps = [u.representative for u in units]
    is_rep = np.array(
        [s is reps[u] for u, s in zip(member_unit.tolist(), sentences, strict=True)], dtype=bool
    )[sentence]

    # share[gram, article]: the best bonus of the gram in that article
    pair, pair_of = unique_inverse(gram * len(articles) + article)
    share = np.zeros(len(pair))
    np.maximum.at(share, pair_of, bonus)
    grams, gram_of_pair = unique_inverse(pair // len(articles))
    n_articles = np.bincount(gram_of_pair, minlength=len(grams))
    gram_of = gram_of_pair[pair_of]  # each occurrence's index in ``grams`` (which are sorted)
    unit_gram = unique(unit[is_rep] * len(grams) + gram_of[is_rep])  # (unit, gram) of representatives
    rep_unit, rep_gram = unit_gram // len(grams), unit_gram % len(grams)
    n_units = np.bincount(rep_gram, minlength=len(grams))
    keep = (n_units > 1) | (n_articles > 1)
    if not keep.any():
        keep[:] = True
    kept_pair = keep[gram_of_pair]
    pair_article = pair % len(articles)
    totals = np.bincount(pair_article[kept_pair], weights=share[kept_pair], minlength=len(articles))
    column = keep.cumsum() - 1  # gram index -> concept column
    n_kept = int(column[-1]) + 1
    gram_w = np.bincount(
        column[gram_of_pair[kept_pair]],
        weights=CONCEPT_MASS_PER_ARTICLE * share[kept_pair] / totals[pair_article[kept_pair]],
        minlength=n_kept,
    )
    on = keep[rep_gram]
    return Concepts(
        np.concatenate([gram_w, article_w]), occurrences(rep_unit[on], column[rep_gram[on]], n_kept), n_kept
    )
