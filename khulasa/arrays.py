"""Small array helpers: ``np.unique`` by sorting, rows of CSR arrays.

Array methods (``a.cumsum()``) rather than NumPy functions (``np.cumsum(a)``) where a call is made
per node or per row: the functions add a Python-level dispatch of about a microsecond each.

NumPy 2.3+ finds the distinct values of an array by hashing, which on the few thousand integers of a
cluster (bigram codes, (unit, article) pairs) is three to four times slower than sorting them; these
return exactly what ``np.unique`` returns.  The sort is the stable one (timsort): our keys come in
sorted runs (per sentence, per article), and on a few thousand keys it beats the default introsort
even when they do not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _starts(ordered: np.ndarray) -> np.ndarray:
    """Where a new value begins in a sorted array."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (``np.unique(values)``)."""
    ordered = np.sort(values, axis=None, kind="stable")
    return ordered[_starts(ordered)]


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and where each value is among them
    (``np.unique(values, return_inverse=True)`` for a 1-d array)."""
    values = np.asarray(values)
    order = values.argsort(kind="stable")
    ordered = values[order]
    first = _starts(ordered)
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[order] = first.cumsum() - 1
    return ordered[first], inverse


def take_rows(indptr: np.ndarray, rows: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The given rows of a CSR layout: ``(positions, new_indptr)`` where ``positions`` index the old
    entries (``indices[positions]``, ``data[positions]``) row after row, in the order of ``rows``."""
    rows = np.asarray(rows, dtype=np.int64)
    starts, sizes = indptr[rows], indptr[rows + 1] - indptr[rows]
    new_indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    sizes.cumsum(out=new_indptr[1:])
    positions = np.arange(new_indptr[-1]) + (starts - new_indptr[:-1]).repeat(sizes)
    return positions, new_indptr


def row_sizes(indptr: np.ndarray) -> np.ndarray:
    """Entries per row of a CSR layout (``np.diff(indptr)``, without its Python-level overhead)."""
    return indptr[1:] - indptr[:-1]
