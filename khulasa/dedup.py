"""Group sentences that carry the same information into ``InfoUnit``s, and find duplicate articles.

Outlets copy each other: the same sentence appears in several articles, verbatim or lightly reworded
(a word added, ``بالملف`` for ``في الملف``).  Two sentences are near-identical when the cosine of their
stemmed content-term *sets* is at least ``threshold``; a subset with a few extra words (``وأكد الرئيس
الروسي توافق…`` for ``وأكد توافق…``) still scores high because cosine of sets is ``|A∩B|/sqrt(|A||B|)``.
Very short sentences need more (``SHORT_TERMS``) so that two different three-word sentences never merge.

Grouping is leader clustering in reading order (publication date, input order, position): a sentence
joins the unit whose first sentence it matches best, else starts one.  Unlike union-find it cannot
chain A~B~C into a unit where A and C differ.  All pairwise set intersections come from one sparse
matrix product, so a 600-sentence cluster groups in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from khulasa.models import Article, DuplicateGroup, InfoUnit, Sentence

DUPLICATE_THRESHOLD = 0.7
SHORT_TERMS = 4
"""Sentences with at most this many distinct terms must match exactly (after normalization)."""
DUPLICATE_ARTICLE_SHARE = 0.8
"""Share of the smaller article's sentences found in the other for the two to count as copies."""


def term_counts(term_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Sentence x term count matrix (rows in input order, columns in first-seen term order)."""
    vocab: dict[str, int] = {}
    cols = [vocab.setdefault(t, len(vocab)) for terms in term_lists for t in terms]
    rows = np.repeat(np.arange(len(term_lists)), [len(terms) for terms in term_lists])
    counts = sparse.csr_matrix(
        (np.ones(len(cols)), (rows, cols)), shape=(len(term_lists), max(len(vocab), 1))
    )
    counts.sum_duplicates()
    return counts


def binary(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """The same matrix with every stored count set to 1: term sets instead of bags."""
    out = sparse.csr_matrix(counts, copy=True)
    out.data[:] = 1.0
    return out


def term_matrix(term_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Binary sentence x term matrix (rows in input order)."""
    return binary(term_counts(term_lists))


def set_cosine(matrix: sparse.csr_matrix) -> np.ndarray:
    """Dense pairwise ``|A∩B| / sqrt(|A||B|)`` for the rows of a binary matrix."""
    overlap = (matrix @ matrix.T).toarray()
    sizes = np.sqrt(np.asarray(matrix.sum(axis=1)).ravel())
    sizes[sizes == 0] = 1.0
    return overlap / np.outer(sizes, sizes)


def similar_pairs(matrix: sparse.csr_matrix, threshold: float) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cosine)`` with ``i < j`` whose set cosine reaches ``threshold``, sorted.

    Sparse all the way: only pairs that share a term are ever looked at.
    """
    overlap = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    sizes = np.sqrt(np.asarray(matrix.sum(axis=1)).ravel())
    sizes[sizes == 0] = 1.0
    cos = overlap.data / (sizes[overlap.row] * sizes[overlap.col])
    keep = np.flatnonzero(cos >= threshold)
    pairs = sorted(
        zip(overlap.row[keep].tolist(), overlap.col[keep].tolist(), cos[keep].tolist(), strict=True)
    )
    return [(int(i), int(j), float(c)) for i, j, c in pairs]


def _reading_order(sentences: Sequence[Sentence], articles: Sequence[Article]) -> list[int]:
    rank = {a.id: i for i, a in enumerate(articles)}
    date = {a.id: a.date or dt.date.max for a in articles}

    def key(i: int) -> tuple[dt.date, int, int]:
        s = sentences[i]
        return (date.get(s.article_id, dt.date.max), rank.get(s.article_id, len(rank)), s.index)

    return sorted(range(len(sentences)), key=key)


def group_sentences(
    sentences: Sequence[Sentence],
    articles: Sequence[Article] = (),
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    counts: sparse.csr_matrix | None = None,
) -> tuple[InfoUnit, ...]:
    """Group near-identical sentences; units come in reading order, each sentence in exactly one unit.

    ``articles`` gives the reading order (dates, input order); without it, input order is used.
    ``counts`` may pass the sentences' term counts (``term_counts``) when the caller has them already.
    The representative is the member most similar to the others (ties: the earliest).
    """
    if not sentences:
        return ()
    order = _reading_order(sentences, articles) if articles else list(range(len(sentences)))
    n_terms = [len(set(s.terms)) for s in sentences]
    exact = [" ".join(s.tokens) for s in sentences]
    neighbours: dict[int, dict[int, float]] = {}
    matrix = binary(counts) if counts is not None else term_matrix([s.terms for s in sentences])
    for i, j, cos in similar_pairs(matrix, threshold):
        if n_terms[i] > SHORT_TERMS and n_terms[j] > SHORT_TERMS:
            neighbours.setdefault(i, {})[j] = cos
            neighbours.setdefault(j, {})[i] = cos

    unit_of_leader: dict[int, int] = {}
    members: list[list[int]] = []
    exact_unit: dict[str, int] = {}
    for i in order:
        best = -1
        if n_terms[i] <= SHORT_TERMS:
            best = exact_unit.get(exact[i], -1) if exact[i] else -1
        else:
            near = [
                (cos, -unit_of_leader[j]) for j, cos in neighbours.get(i, {}).items() if j in unit_of_leader
            ]
            if near:
                best = -max(near)[1]  # most similar leader; ties: the earlier unit
        if best < 0:
            best = len(members)
            unit_of_leader[i] = best
            members.append([])
            if n_terms[i] <= SHORT_TERMS and exact[i]:
                exact_unit[exact[i]] = best
        members[best].append(i)

    units = []
    for uid, group in enumerate(members):
        if len(group) > 2:
            closeness = [sum(neighbours.get(i, {}).get(j, 0.0) for j in group) for i in group]
            rep = group[int(np.argmax(closeness))]  # argmax takes the first (earliest) on ties
        else:
            rep = group[0]
        units.append(
            InfoUnit(id=uid, representative=sentences[rep], sentences=tuple(sentences[i] for i in group))
        )
    return tuple(units)


def duplicate_articles(articles: Sequence[Article], units: Sequence[InfoUnit]) -> tuple[DuplicateGroup, ...]:
    """Articles that are copies of an earlier one: most of their sentences fall in the same units.

    Article B is a copy of A when at least ``DUPLICATE_ARTICLE_SHARE`` of each one's sentences are in
    units the other also has.  The kept article is the first in reading order (date, then input order).
    """
    unit_sets: dict[str, set[int]] = {a.id: set() for a in articles}
    for unit in units:
        for s in unit.sentences:
            if s.article_id in unit_sets:
                unit_sets[s.article_id].add(unit.id)
    order = sorted(range(len(articles)), key=lambda i: (articles[i].date or dt.date.max, i))
    kept_of: dict[str, str] = {}
    best_sim: dict[str, float] = {}
    for pos, i in enumerate(order):
        a = articles[i].id
        if a in kept_of or not unit_sets[a]:
            continue
        for j in order[pos + 1 :]:
            b = articles[j].id
            if b in kept_of or not unit_sets[b] or b == a:
                continue
            shared = len(unit_sets[a] & unit_sets[b])
            share = min(shared / len(unit_sets[a]), shared / len(unit_sets[b]))
            if share >= DUPLICATE_ARTICLE_SHARE:
                kept_of[b] = a
                best_sim[b] = share
    groups: dict[str, list[str]] = {}
    for dup, kept in kept_of.items():
        groups.setdefault(kept, []).append(dup)
    rank = {a.id: i for i, a in enumerate(articles)}
    return tuple(
        DuplicateGroup(
            kept=kept,
            duplicates=tuple(sorted(dups, key=rank.__getitem__)),
            similarity=round(min(best_sim[d] for d in dups), 4),
        )
        for kept, dups in sorted(groups.items(), key=lambda kv: rank[kv[0]])
    )
