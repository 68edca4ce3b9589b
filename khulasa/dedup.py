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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, count

import numpy as np
from scipy import sparse

from khulasa.arrays import row_sizes, take_rows, unique_inverse
from khulasa.models import Article, DuplicateGroup, InfoUnit, Sentence

DUPLICATE_THRESHOLD = 0.7
SHORT_TERMS = 4
"""Sentences with at most this many distinct terms must match exactly (after normalization)."""
DUPLICATE_ARTICLE_SHARE = 0.8
"""Share of the smaller article's sentences found in the other for the two to count as copies."""


@dataclass(frozen=True)
class TermIds:
    """Term lists as integer ids: row ``i``'s terms, in order, are ``ids[indptr[i]:indptr[i + 1]]``."""

    ids: np.ndarray
    indptr: np.ndarray
    n_terms: int
    """Size of the vocabulary (ids are ``0 .. n_terms - 1``, in first-seen order)."""

    @classmethod
    def of(cls, term_lists: Sequence[Sequence[str]]) -> TermIds:
        flat = list(chain.from_iterable(term_lists))
        vocab = dict(zip(dict.fromkeys(flat), count()))
        indptr = np.zeros(len(term_lists) + 1, dtype=np.int64)
        np.cumsum([len(terms) for terms in term_lists], out=indptr[1:])
        ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
        return cls(ids, indptr, len(vocab))

    def rows(self, rows: Sequence[int] | np.ndarray) -> TermIds:
        """The same for the given rows only, in that order (the vocabulary is kept)."""
        positions, indptr = take_rows(self.indptr, rows)
        return TermIds(self.ids[positions], indptr, self.n_terms)

    def counts(self) -> sparse.csr_matrix:
        """Row x term count matrix."""
        shape = (len(self.indptr) - 1, max(self.n_terms, 1))
        counts = sparse.csr_matrix((np.ones(len(self.ids)), self.ids, self.indptr), shape=shape)
        counts.sum_duplicates()
        return counts


def term_counts(term_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Sentence x term count matrix (rows in input order, columns in first-seen term order)."""
    return TermIds.of(term_lists).counts()


def binary(counts: sparse.csr_matrix, rows: Sequence[int] | None = None) -> sparse.csr_matrix:
    """Term sets instead of bags: the rows of ``counts`` (all, or ``rows`` in that order) with every
    stored count set to 1.  ``counts`` holds each term of a row once, as ``term_counts`` makes it."""
    positions, indptr = take_rows(counts.indptr, np.arange(counts.shape[0]) if rows is None else rows)
    shape = (len(indptr) - 1, counts.shape[1])
    return sparse.csr_matrix((np.ones(len(positions)), counts.indices[positions], indptr), shape=shape)


def term_matrix(term_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Binary sentence x term matrix (rows in input order)."""
    return binary(term_counts(term_lists))


COMMON_TERMS_FORMS = 5000
"""Above this many distinct sentences, terms in more than 2 % of them are left out of the overlap
counts (not of the sentence sizes): they would make the pairwise product quadratic, and a near-copy
shares its rare terms anyway."""


def _drop_common_terms(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    n = matrix.shape[0]
    if n <= COMMON_TERMS_FORMS:
        return matrix
    df = np.asarray(matrix.sum(axis=0)).ravel()
    keep = sparse.diags((df <= 0.02 * n).astype(np.float64))
    pruned = sparse.csr_matrix(matrix @ keep)
    pruned.eliminate_zeros()
    return pruned


def similar_pairs(
    matrix: sparse.csr_matrix, threshold: float, sizes: np.ndarray | None = None
) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cosine)`` with ``i < j`` whose set cosine reaches ``threshold``, sorted.

    Sparse all the way: only pairs that share a term are ever looked at.  ``sizes`` are the rows'
    set sizes when ``matrix`` holds only some of their terms (default: the row sums).
    """
    sizes = np.sqrt(np.asarray(matrix.sum(axis=1)).ravel() if sizes is None else np.asarray(sizes, float))
    pruned = _drop_common_terms(matrix)
    overlap = sparse.csr_matrix(pruned @ pruned.T)
    rows = np.arange(overlap.shape[0]).repeat(row_sizes(overlap.indptr))
    cols = overlap.indices
    sizes[sizes == 0] = 1.0
    cos = overlap.data / (sizes[rows] * sizes[cols])
    keep = ((rows < cols) & (cos >= threshold)).nonzero()[0]
    keep = keep[np.lexsort((cols[keep], rows[keep]))]
    return list(zip(rows[keep].tolist(), cols[keep].tolist(), cos[keep].tolist(), strict=True))


def few_similar_pairs(terms: TermIds, threshold: float) -> list[tuple[int, int]]:
    """``similar_pairs`` for a few rows (the selector's candidates), with dense arrays.

    Only the terms these rows hold become columns, so the matrix stays small whatever the vocabulary.
    """
    n = len(terms.indptr) - 1
    columns, column_of = unique_inverse(terms.ids)
    sets = np.zeros((n, len(columns)))
    sets[np.arange(n).repeat(row_sizes(terms.indptr)), column_of] = 1.0
    overlap = sets @ sets.T
    sizes = np.sqrt(np.diag(overlap)).copy()
    sizes[sizes == 0] = 1.0
    rows, cols = np.nonzero(np.triu(overlap / np.outer(sizes, sizes) >= threshold, k=1))
    return list(zip(rows.tolist(), cols.tolist(), strict=True))


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
    term_sets = [frozenset(s.terms) for s in sentences]
    n_terms = [len(terms) for terms in term_sets]
    # Short sentences must match exactly; only they need their normalized text.
    exact = {i: " ".join(sentences[i].tokens) for i, n in enumerate(n_terms) if n <= SHORT_TERMS}
    # Sentences with the same term set share a "form"; similarity is computed once per form, so a
    # sentence repeated thousands of times costs no more than once.
    form_of_key: dict[frozenset[str], int] = {}
    form = [form_of_key.setdefault(terms, len(form_of_key)) for terms in term_sets]
    first_row: list[int] = []  # each form's first sentence (forms are numbered in order of appearance)
    for i, f in enumerate(form):
        if f == len(first_row):
            first_row.append(i)
    if counts is None:
        counts = term_counts([s.terms for s in sentences])
    long_form = [n_terms[i] > SHORT_TERMS for i in first_row]
    neighbours: dict[int, dict[int, float]] = {}
    form_matrix = binary(counts, first_row)
    form_sizes = np.array([n_terms[i] for i in first_row])
    for f, g, cos in similar_pairs(form_matrix, threshold, form_sizes):
        if long_form[f] and long_form[g]:
            neighbours.setdefault(f, {})[g] = cos
            neighbours.setdefault(g, {})[f] = cos

    unit_of_leader_form: dict[int, int] = {}
    unit_of_form: dict[int, int] = {}
    members: list[list[int]] = []
    exact_unit: dict[str, int] = {}
    for i in order:
        f = form[i]
        best = -1
        if n_terms[i] <= SHORT_TERMS:
            best = exact_unit.get(exact[i], -1) if exact[i] else -1
        elif f in unit_of_form:
            best = unit_of_form[f]
        else:
            near = [
                (cos, -unit_of_leader_form[g])
                for g, cos in neighbours.get(f, {}).items()
                if g in unit_of_leader_form
            ]
            if near:
                best = -max(near)[1]  # most similar leader; ties: the earlier unit
        if best < 0:
            best = len(members)
            members.append([])
            if n_terms[i] <= SHORT_TERMS:
                if exact[i]:
                    exact_unit[exact[i]] = best
            else:
                unit_of_leader_form[f] = best
        if n_terms[i] > SHORT_TERMS:
            unit_of_form.setdefault(f, best)
        members[best].append(i)

    units = []
    for uid, group in enumerate(members):
        forms = Counter(form[i] for i in group) if len(group) > 2 else None
        if forms is not None and len(forms) > 1:
            closeness = {
                f: sum(c * (1.0 if g == f else neighbours.get(f, {}).get(g, 0.0)) for g, c in forms.items())
                for f in forms
            }
            # the first member of the closest form: max() keeps the first of equal keys
            rep = max(group, key=lambda i: closeness[form[i]])
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
