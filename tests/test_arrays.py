"""The sort-based ``np.unique`` and the CSR row helper return exactly what NumPy/SciPy return."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import sparse

from khulasa.arrays import take_rows, unique, unique_inverse

INTS = arrays(np.int64, st.integers(0, 60), elements=st.integers(-5, 2**40))


@given(INTS)
def test_unique_is_numpy_unique(values: np.ndarray) -> None:
    expected = np.unique(values)
    got = unique(values)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


@given(INTS)
def test_unique_inverse_is_numpy_unique_with_inverse(values: np.ndarray) -> None:
    expected, expected_inverse = np.unique(values, return_inverse=True)
    got, inverse = unique_inverse(values)
    assert np.array_equal(got, expected) and np.array_equal(inverse, expected_inverse)
    assert np.array_equal(got[inverse], values)


@given(
    st.lists(st.lists(st.integers(0, 9), max_size=6), min_size=1, max_size=8),
    st.data(),
)
def test_take_rows_gives_the_rows_of_a_csr_matrix(rows: list[list[int]], data: st.DataObject) -> None:
    indptr = np.cumsum([0, *map(len, rows)])
    indices = np.array([j for row in rows for j in row], dtype=np.int64)
    values = np.arange(1.0, len(indices) + 1)
    matrix = sparse.csr_matrix((values, indices, indptr), shape=(len(rows), 10))
    chosen = np.array(data.draw(st.lists(st.integers(0, len(rows) - 1), max_size=10)), dtype=np.int64)
    positions, new_indptr = take_rows(indptr, chosen)
    taken = sparse.csr_matrix((values[positions], indices[positions], new_indptr), shape=(len(chosen), 10))
    assert np.array_equal(taken.toarray(), matrix.toarray()[chosen])
