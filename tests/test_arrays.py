"""Sorting pairs of numbers: the same order as numpy's lexsort, by a faster road where it can."""

import numpy as np
import pytest

from litgraph.arrays import pair_order


@pytest.mark.parametrize("high", [5, 40_000_000, 2**40])  # few values and many repeats; PMIDs; too wide for one number
def test_pairs_sort_as_lexsort_sorts_them_equal_pairs_kept_in_their_order(high):
    rng = np.random.default_rng(7)
    first, second = rng.integers(-1, high, 20_000), rng.integers(-1, high, 20_000)
    assert np.array_equal(pair_order(first, second), np.lexsort((second, first)))


def test_no_pairs_have_an_empty_order():
    empty = np.zeros(0, dtype=np.int64)
    assert pair_order(empty, empty).tolist() == []
