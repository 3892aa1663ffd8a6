"""point_adjust: the protocol of the point-adjust trap, on cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstm_helpers as lh


def test_one_flag_fills_its_segment_only():
    truth = np.array([0, 1, 1, 1, 0, 0, 1, 1, 0], dtype=bool)
    flags = np.array([0, 0, 1, 0, 0, 0, 0, 0, 1], dtype=bool)
    # Segment 1..3 holds a flag -> filled; segment 6..7 holds none -> left; the false
    # positive at 8 stays.
    assert lh.point_adjust(truth, flags).astype(int).tolist() == [0, 1, 1, 1, 0, 0, 0, 0, 1]
    raw, adjusted = (
        lh.point_metrics(truth, flags),
        lh.point_metrics(truth, lh.point_adjust(truth, flags)),
    )
    assert (raw["tp"], raw["fp"], raw["fn"]) == (1, 1, 4)
    assert (adjusted["tp"], adjusted["fp"], adjusted["fn"]) == (3, 1, 2)


def test_series_keep_their_index():
    idx = pd.date_range("2024-01-01", periods=4, freq="h")
    truth = pd.Series([False, True, True, False], index=idx)
    flags = pd.Series([False, False, True, False], index=idx)
    out = lh.point_adjust(truth, flags)
    assert isinstance(out, pd.Series) and out.index.equals(idx)
    assert out.tolist() == [False, True, True, False]


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_adjusting_never_lowers_recall_and_never_adds_false_positives(pairs):
    truth = np.array([a for a, _ in pairs])
    flags = np.array([b for _, b in pairs])
    adjusted = lh.point_adjust(truth, flags)
    assert (adjusted >= flags).all()  # only adds flags...
    assert np.array_equal(adjusted & ~truth, flags & ~truth)  # ...and only inside segments


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="booleans"):
        lh.point_adjust(np.array([1, 0]), np.array([True, False]))
    with pytest.raises(ValueError, match="same length"):
        lh.point_adjust(np.array([True, False]), np.array([True]))
