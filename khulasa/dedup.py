"""Group sentences that carry the same information into ``InfoUnit``s, and find duplicate articles.

Outlets copy each other: the same sentence appears in several articles, verbatim or lightly reworded
(a word added, ``بالملف`` for ``في الملف``).  Two sentences are near-identical when the cosine of their
stemmed content-term *sets* is at least ``threshold``; a subset with a few extra words (``وأكد الرئيس
الروسي توافق…`` for ``وأكد توافق…``) still scores high because cosine of sets is ``|A∩B|/sqrt(|A||B|)``.
Very short sentences need more (``SHORT_TERMS``) so that two different three-word sentences never merge.

Grouping is leader clustering in reading order (publication date, input order, position): a sentence
joins the unit whose first sentence it matches best, else starts one.  Unlike union-find it cannot
chain A~B~C into a unit where A and C differ.  Up to ``EXACT_ROWS`` distinct sentences, the pairwise
set intersections come from a sparse matrix product, a block of rows at a time, so a 600-sentence
cluster groups in milliseconds; above, MinHash LSH proposes the pairs (Broder 1997; banding as in
Leskovec, Rajaraman & Ullman, "Mining of Massive Datasets", ch. 3), so a corpus of many stories costs
time and memory linear in its size, not in the square of a common word's frequency.

Copied articles are found through an index of each article's rarest units (the prefix filter of
set-similarity joins), which finds exactly the pairs a comparison of every pair would.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, count, pairwise

import numpy as np
from scipy import sparse

from khulasa.arrays import row_sizes, take_rows, unique, unique_inverse
from khulasa.models import Article, DuplicateGroup, InfoUnit, Sentence
from khulasa.text.normalize import word_terms, word_tokens

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
        np.fromiter(map(len, term_lists), dtype=np.int64, count=len(term_lists)).cumsum(out=indptr[1:])
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


@dataclass(frozen=True)
class SentenceTerms:
    """The candidate sentences' terms, computed once by this stage and reused by ``score`` and ``select``:
    as ids (``ids``), as a sentence x term count matrix (``counts``), and each sentence's row in both."""

    ids: TermIds
    counts: sparse.csr_matrix
    rows: dict[tuple[str, int], int]
    """Row of each sentence by ``(article_id, index)``."""

    @classmethod
    def of(cls, sentences: Sequence[Sentence]) -> SentenceTerms:
        ids = TermIds.of([s.terms for s in sentences])
        return cls(ids, ids.counts(), {(s.article_id, s.index): i for i, s in enumerate(sentences)})

    def row(self, sentence: Sentence) -> int:
        return self.rows[(sentence.article_id, sentence.index)]


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


EXACT_ROWS = 5000
"""Up to this many rows, ``similar_pairs`` compares every pair that shares a term (exact); above, it
compares the pairs that MinHash LSH proposes (near-linear; see ``lsh_candidates``)."""
EXACT_BLOCK = 1000
"""Rows per block of the exact product: its memory stays below ``EXACT_BLOCK * EXACT_ROWS`` pairs."""


def similar_pairs(
    matrix: sparse.csr_matrix, threshold: float, sizes: np.ndarray | None = None
) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cosine)`` with ``i < j`` whose set cosine reaches ``threshold``, sorted.

    ``matrix`` holds one term set per row (a binary matrix, each term once); ``sizes`` are the rows'
    set sizes (default: the row sums).  Up to ``EXACT_ROWS`` rows, every pair that shares a term is
    looked at, a block of rows at a time, so the answer is exact and memory bounded.  Above, only the
    pairs that MinHash LSH proposes are (``lsh_candidates``): the time and memory grow about linearly
    with the rows instead of with the square of a term's frequency; on 3,000 ANT news articles (24,637
    sentences) it finds 99.4 % of the exact pairs.  Either way the cosine of a pair is computed exactly.
    """
    n = matrix.shape[0]
    counts = np.asarray(matrix.sum(axis=1)).ravel() if sizes is None else np.asarray(sizes, float)
    roots = np.sqrt(counts)
    roots[roots == 0] = 1.0
    if n <= EXACT_ROWS:
        found = [
            _exact_block(matrix, lo, min(lo + EXACT_BLOCK, n), roots, threshold)
            for lo in range(0, n, EXACT_BLOCK)
        ]
        rows = np.concatenate([f[0] for f in found]) if found else np.zeros(0, np.int64)
        cols = np.concatenate([f[1] for f in found]) if found else np.zeros(0, np.int64)
        cos = np.concatenate([f[2] for f in found]) if found else np.zeros(0)
    else:
        rows, cols = lsh_candidates(matrix)
        cos = _overlaps(matrix, rows, cols) / (roots[rows] * roots[cols])
        keep = cos >= threshold
        rows, cols, cos = rows[keep], cols[keep], cos[keep]
    order = np.lexsort((cols, rows))
    return list(zip(rows[order].tolist(), cols[order].tolist(), cos[order].tolist(), strict=True))


SMALL_PAIR_CELLS = 1 << 16
"""``_pairs_by_term`` counts the shared terms of every pair in one array of ``rows * rows`` cells up to
this size (256 rows)."""
SMALL_PAIR_ENTRIES = 1 << 18
"""... and when the rows' term-sharing pairs (one per shared term) number at most this many."""


def _pairs_by_term(
    indices: np.ndarray, indptr: np.ndarray, sizes: np.ndarray, threshold: float
) -> list[tuple[int, int, float]] | None:
    """``similar_pairs`` of a few term sets given as CSR arrays (each row's terms once), by listing
    for every term the pairs of rows that hold it: no sparse matrix is built, which on a cluster's
    hundred sentences costs more than the counting.  ``None`` when there are too many rows or pairs
    for that (``SMALL_PAIR_CELLS``, ``SMALL_PAIR_ENTRIES``): ``similar_pairs`` then answers.

    The shared counts are exact integers and each cosine is computed as ``similar_pairs`` computes it,
    so the answer is the same, in the same order."""
    n = len(indptr) - 1
    if n * n > SMALL_PAIR_CELLS:
        return None
    roots = np.sqrt(np.asarray(sizes, float))
    roots[roots == 0] = 1.0
    order = indices.argsort(kind="stable")  # by term; a term's rows stay in row order
    term = indices[order]
    starts = np.empty(len(term), dtype=bool)
    starts[:1] = True
    np.not_equal(term[1:], term[:-1], out=starts[1:])
    where = np.arange(len(term))
    term_start = np.maximum.accumulate(np.where(starts, where, 0))
    n_pairs = where - term_start  # each entry pairs with the earlier rows holding its term
    ends = n_pairs.cumsum()
    total = int(ends[-1]) if len(ends) else 0
    if total > SMALL_PAIR_ENTRIES:
        return None
    offsets = np.arange(total) - (ends - n_pairs).repeat(n_pairs)
    row = np.arange(n).repeat(row_sizes(indptr))[order]
    earlier = row[term_start.repeat(n_pairs) + offsets]
    shared = np.bincount(earlier * n + row.repeat(n_pairs), minlength=n * n)
    keys = shared.nonzero()[0]  # (i, j) with i < j, sorted
    i, j = keys // n, keys % n
    cos = shared[keys] / (roots[i] * roots[j])
    keep = (cos >= threshold).nonzero()[0]
    return list(zip(i[keep].tolist(), j[keep].tolist(), cos[keep].tolist(), strict=True))


def _exact_block(
    matrix: sparse.csr_matrix, lo: int, hi: int, roots: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of rows ``lo..hi-1`` with any later row that reach ``threshold``."""
    block = matrix if (lo, hi) == (0, matrix.shape[0]) else matrix[lo:hi]
    overlap = sparse.csr_matrix(block @ matrix.T)
    rows = lo + np.arange(hi - lo).repeat(row_sizes(overlap.indptr))
    cols = overlap.indices
    cos = overlap.data / (roots[rows] * roots[cols])
    keep = ((rows < cols) & (cos >= threshold)).nonzero()[0]
    return rows[keep], cols[keep], cos[keep]


def _overlaps(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``|set(rows[k]) & set(cols[k])|`` for each k, from the binary ``matrix``, in chunks."""
    out = np.zeros(len(rows))
    step = 1 << 16
    for lo in range(0, len(rows), step):
        a = _row_matrix(matrix, rows[lo : lo + step])
        b = _row_matrix(matrix, cols[lo : lo + step])
        out[lo : lo + step] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


def _row_matrix(matrix: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    positions, indptr = take_rows(matrix.indptr, rows)
    shape = (len(rows), matrix.shape[1])
    return sparse.csr_matrix((np.ones(len(positions)), matrix.indices[positions], indptr), shape=shape)


# --- MinHash LSH over term sets (Broder 1997; Indyk & Motwani 1998), vectorized ---------------------------

LSH_PERMUTATIONS = 128
LSH_BAND_ROWS = 3
"""42 bands of 3 MinHash values: a pair with Jaccard similarity J shares a band with probability
``1 - (1 - J**3) ** 42``: 0.995 at J = 0.49, the lowest Jaccard of two sets whose cosine is 0.7
(one inside the other), 0.11 % at J = 0.03 (two unrelated news sentences)."""
LSH_BUCKET_CAP = 16
"""In a band bucket of more than this many rows (a pattern many rows share: boilerplate, a tiny
vocabulary), each row is compared with the bucket's first ``LSH_BUCKET_CAP`` rows only, so the number
of candidate pairs stays below ``rows * LSH_BUCKET_CAP`` per band whatever the input."""
MINHASH_SEED = 1
"""The seed of the stories engine's signatures (``khulasa.stories.features``)."""
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_MIX_BAND = np.uint64(0x9E3779B97F4A7C15)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, the pre-mix of datasketch's ``affine32`` scheme."""
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


@functools.cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash  # imported when first needed: it takes most of a second

    a, b = MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme="affine32").permutations
    return a, b


def minhash_signatures(matrix: sparse.csr_matrix, num_perm: int = LSH_PERMUTATIONS) -> np.ndarray:
    """Each row's MinHash signature over its column ids, ``(rows, num_perm)`` uint32.

    The same values as datasketch's ``MinHash(num_perm, seed=MINHASH_SEED, scheme="affine32",
    hashfunc=int)`` updated with the row's column ids, computed for all rows at once (a block of
    entries at a time).  An empty row has the empty signature (all ``2**32 - 1``).
    """
    a, b = _permutations(num_perm)
    n = matrix.shape[0]
    signatures = np.full((n, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    hashed = _fmix32(matrix.indices.astype(np.uint32))
    nonempty = np.flatnonzero(row_sizes(matrix.indptr))
    step = max(1, (1 << 16) // max(1, int(row_sizes(matrix.indptr).max(initial=1))))
    for lo in range(0, len(nonempty), step):
        rows = nonempty[lo : lo + step]
        first, last = int(matrix.indptr[rows[0]]), int(matrix.indptr[rows[-1] + 1])
        values = hashed[first:last, None] * a[None, :] + b[None, :]
        signatures[rows] = np.minimum.reduceat(values, matrix.indptr[rows] - first, axis=0)
    return signatures


def lsh_candidates(matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs ``(i, j)``, ``i < j``, that share a band of their MinHash signatures (banded LSH).

    Deterministic: the permutations are seeded and rows are bucketed by sorting.  Empty rows are
    never candidates.
    """
    n = matrix.shape[0]
    live = np.flatnonzero(row_sizes(matrix.indptr))
    signatures = minhash_signatures(matrix)[live]
    codes: list[np.ndarray] = []
    for band in range(LSH_PERMUTATIONS // LSH_BAND_ROWS):
        block = signatures[:, band * LSH_BAND_ROWS : (band + 1) * LSH_BAND_ROWS].astype(np.uint64)
        key = block[:, 0] << np.uint64(32) | block[:, 1]
        for k in range(2, LSH_BAND_ROWS):
            key = key ^ (block[:, k] * _MIX_BAND)
        left, right = _bucket_pairs(key)
        i, j = live[left], live[right]
        codes = [unique(np.concatenate([*codes, np.minimum(i, j) * n + np.maximum(i, j)]))]
    pairs = codes[0] if codes else np.zeros(0, np.int64)
    return pairs // n, pairs % n


def _bucket_pairs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the pairs of equal keys: each position with the (up to ``LSH_BUCKET_CAP``) first
    positions of its bucket before it."""
    order = key.argsort(kind="stable")
    ordered = key[order]
    starts = np.ones(len(key), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    where = np.arange(len(key))
    bucket_start = np.maximum.accumulate(np.where(starts, where, 0))
    n_pairs = np.minimum(where - bucket_start, LSH_BUCKET_CAP)
    total = int(n_pairs.sum())
    offsets = np.arange(total) - np.repeat(n_pairs.cumsum() - n_pairs, n_pairs)
    return order[np.repeat(bucket_start, n_pairs) + offsets], np.repeat(order, n_pairs)


def few_similar_pairs(terms: TermIds, threshold: float) -> list[tuple[int, int]]:
    """``similar_pairs`` for a few rows (the selector's candidates), with dense arrays.

    Only the terms these rows hold become columns, so the matrix stays small whatever the vocabulary.
    With a positive ``threshold`` the pairs are counted by term (``_pairs_by_term``, the same pairs).
    """
    n = len(terms.indptr) - 1
    if threshold > 0:  # a pair that shares no term is then never similar
        entries = unique(np.arange(n).repeat(row_sizes(terms.indptr)) * terms.n_terms + terms.ids)
        row, column = entries // terms.n_terms, entries % terms.n_terms  # each row's terms once
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.bincount(row, minlength=n).cumsum(out=indptr[1:])
        pairs = _pairs_by_term(column, indptr, row_sizes(indptr), threshold)
        if pairs is not None:
            return [(i, j) for i, j, _ in pairs]
    columns, column_of = unique_inverse(terms.ids)
    sets = np.zeros((n, len(columns)))
    sets[np.arange(n).repeat(row_sizes(terms.indptr)), column_of] = 1.0
    overlap = sets @ sets.T
    sizes = np.sqrt(np.diag(overlap)).copy()
    sizes[sizes == 0] = 1.0
    rows, cols = np.nonzero(np.triu(overlap / np.outer(sizes, sizes) >= threshold, k=1))
    return list(zip(rows.tolist(), cols.tolist(), strict=True))


# --- one information unit: the rule every grouping applies -------------------------------------------------


@dataclass(frozen=True)
class UnitForm:
    """What the unit rule reads of a sentence: its distinct stemmed terms and, for a short sentence
    (at most ``SHORT_TERMS`` terms), its exact normalized words (``exact_form``)."""

    terms: frozenset[str]
    exact: str

    @classmethod
    def of(cls, text: str, terms: Sequence[str] | None = None) -> UnitForm:
        """The form of a sentence's ``text``; ``terms`` when the caller has them (``Sentence.terms``)."""
        words = text.split()
        distinct = frozenset(word_terms(words) if terms is None else terms)
        return cls(distinct, exact_form(words) if is_short(len(distinct)) else "")


def is_short(n_terms: int) -> bool:
    """Whether a sentence of ``n_terms`` distinct terms must match another one exactly."""
    return n_terms <= SHORT_TERMS


def exact_form(words: Sequence[str]) -> str:
    """The normalized words a short sentence must share exactly (from ``text.split()``)."""
    return " ".join(word_tokens(words))


def same_unit(a: UnitForm, b: UnitForm, threshold: float = DUPLICATE_THRESHOLD) -> bool:
    """Whether two sentences carry one information unit, as ``group_sentences`` groups them: two long
    sentences when the cosine of their term sets reaches ``threshold``; two short ones when their
    normalized words are equal (and not empty); a short and a long one never."""
    if is_short(len(a.terms)) or is_short(len(b.terms)):
        return is_short(len(a.terms)) and is_short(len(b.terms)) and bool(a.exact) and a.exact == b.exact
    # as ``similar_pairs`` computes it, so a pair on the threshold is decided the same way
    return len(a.terms & b.terms) / (math.sqrt(len(a.terms)) * math.sqrt(len(b.terms))) >= threshold


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
    if counts is None:
        counts = term_counts([s.terms for s in sentences])
    elif not counts.has_canonical_format:
        counts = counts.copy()
        counts.sum_duplicates()
    # A row of ``counts`` holds each of its sentence's distinct terms once, in column order.
    indptr = counts.indptr.tolist()
    n_terms = row_sizes(counts.indptr).tolist()
    short = [is_short(n) for n in n_terms]
    # Short sentences must match exactly (``same_unit``); only they need their normalized text.
    exact = {i: exact_form(sentences[i].text.split()) for i, s in enumerate(short) if s}
    # Sentences with the same term set share a "form"; similarity is computed once per form, so a
    # sentence repeated thousands of times costs no more than once.
    packed, width = counts.indices.tobytes(), counts.indices.itemsize
    form_of_key: dict[bytes, int] = {}
    form = [
        form_of_key.setdefault(packed[lo * width : hi * width], len(form_of_key))
        for lo, hi in pairwise(indptr)
    ]
    del form_of_key
    first_row: list[int] = []  # each form's first sentence (forms are numbered in order of appearance)
    for i, f in enumerate(form):
        if f == len(first_row):
            first_row.append(i)
    # Only long forms are compared (short sentences must match exactly).
    long_forms = [f for f, i in enumerate(first_row) if not short[i]]
    neighbours: dict[int, dict[int, float]] = {}
    form_rows = [first_row[f] for f in long_forms]
    form_sizes = np.array([n_terms[i] for i in form_rows])
    positions, form_indptr = take_rows(counts.indptr, form_rows)
    pairs = _pairs_by_term(counts.indices[positions], form_indptr, form_sizes, threshold)
    if pairs is None:
        pairs = similar_pairs(binary(counts, form_rows), threshold, form_sizes)
    for a, b, cos in pairs:
        f, g = long_forms[a], long_forms[b]
        neighbours.setdefault(f, {})[g] = cos
        neighbours.setdefault(g, {})[f] = cos

    unit_of_leader_form: dict[int, int] = {}
    unit_of_form: dict[int, int] = {}
    members: list[list[int]] = []
    exact_unit: dict[str, int] = {}
    for i in order:
        f = form[i]
        best = -1
        if short[i]:
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
            if short[i]:
                if exact[i]:
                    exact_unit[exact[i]] = best
            else:
                unit_of_leader_form[f] = best
        if not short[i]:
            unit_of_form.setdefault(f, best)
        members[best].append(i)

    units = []
    for uid, group in enumerate(members):
        forms = Counter(form[i] for i in group) if len(group) > 2 else None
        if forms is not None and len(forms) > 1:
            closeness = _closeness(forms, neighbours)
            # the first member of the closest form: max() keeps the first of equal keys
            rep = max(group, key=lambda i: closeness[form[i]])
        else:
            rep = group[0]
        units.append(
            InfoUnit(
                id=uid, representative=sentences[rep], sentences=tuple(map(sentences.__getitem__, group))
            )
        )
    return tuple(units)


def each_alone(sentences: Sequence[Sentence]) -> tuple[InfoUnit, ...]:
    """Every sentence its own unit (ids in order): the units of a text taken on its own, ungrouped."""
    return tuple(InfoUnit(id=i, representative=s, sentences=(s,)) for i, s in enumerate(sentences))


def _need(n: int) -> int:
    """The fewest shared units ``k`` with ``k / n >= DUPLICATE_ARTICLE_SHARE`` (as the test computes it)."""
    if n == 0:
        return 1
    k = math.ceil(DUPLICATE_ARTICLE_SHARE * n)
    while k > 0 and (k - 1) / n >= DUPLICATE_ARTICLE_SHARE:
        k -= 1
    while k <= n and k / n < DUPLICATE_ARTICLE_SHARE:
        k += 1
    return max(k, 1)


def _closeness(forms: Counter[int], neighbours: dict[int, dict[int, float]]) -> dict[int, float]:
    """How close each form of a unit is to the unit's members: the sum over its members of their
    cosine to it (1 for its own members).

    Only a form's neighbours add to its sum, so this costs the unit's pairs, not its forms squared;
    they are added in the members' order, so the sums are those of adding every member.
    """
    position = {f: k for k, f in enumerate(forms)}
    members = list(forms.items())
    closeness = {}
    for f in forms:
        near = sorted(position[g] for g in neighbours.get(f, {}) if g in position)
        total = 0.0
        for k in sorted([position[f], *near]):
            g, c = members[k]
            total += c * (1.0 if g == f else neighbours[f][g])
        closeness[f] = total
    return closeness


def duplicate_articles(articles: Sequence[Article], units: Sequence[InfoUnit]) -> tuple[DuplicateGroup, ...]:
    """Articles that are copies of an earlier one: most of their sentences fall in the same units.

    Article B is a copy of A when at least ``DUPLICATE_ARTICLE_SHARE`` of each one's sentences are in
    units the other also has.  The kept article is the first in reading order (date, then input order).

    Only articles that can reach the share are compared, and that is exact: with the units of every
    article ranked by how few articles have them, two articles sharing ``k`` units share one of the
    first ``n - k + 1`` units of each (``n``: its own count), since the rarest shared unit comes no
    later in either (the prefix filter of set-similarity joins, Chaudhuri, Ganti & Kaushik 2006).  So
    each article is indexed by its rarest ``n - need(n) + 1`` units and compared with the articles
    that share one of them: near-linear on news, where the rare units of unrelated articles differ.
    """
    unit_sets: dict[str, set[int]] = {a.id: set() for a in articles}
    for unit in units:
        for s in unit.sentences:
            if s.article_id in unit_sets:
                unit_sets[s.article_id].add(unit.id)
    order = sorted(range(len(articles)), key=lambda i: (articles[i].date or dt.date.max, i))
    frequency: Counter[int] = Counter()
    for members in unit_sets.values():
        frequency.update(members)
    holders: dict[int, list[int]] = {}  # unit -> positions in ``order`` of the articles indexed by it
    prefixes: list[list[int]] = []
    for pos, i in enumerate(order):
        members = unit_sets[articles[i].id]
        prefix = sorted(members, key=lambda u: (frequency[u], u))[: len(members) - _need(len(members)) + 1]
        prefixes.append(prefix)
        for u in prefix:
            holders.setdefault(u, []).append(pos)
    kept_of: dict[str, str] = {}
    best_sim: dict[str, float] = {}
    for pos, i in enumerate(order):
        a = articles[i].id
        if a in kept_of or not unit_sets[a]:
            continue
        later = sorted({q for u in prefixes[pos] for q in holders[u] if q > pos})
        for q in later:
            b = articles[order[q]].id
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
