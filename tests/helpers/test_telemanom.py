"""Telemanom's dynamic threshold on small series worked out by hand, step by step."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_helpers.telemanom import (
    K_VALUES,
    dynamic_threshold,
    ewma,
    prune,
    search_k,
)


def pstd(values):
    """Population standard deviation, written out."""
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


# ------------------------------------------------------------------------ step 1: smoothing


def test_ewma_by_hand():
    # span 3 -> alpha = 2 / (3 + 1) = 0.5, weights 1, 0.5, 0.25 on the newest, older, oldest.
    got = ewma([0.0, 4.0, 8.0], span=3)
    assert got[0] == pytest.approx(0.0)
    assert got[1] == pytest.approx((4 + 0.5 * 0) / (1 + 0.5))
    assert got[2] == pytest.approx((8 + 0.5 * 4 + 0.25 * 0) / (1 + 0.5 + 0.25))


def test_ewma_keeps_the_index_and_is_causal():
    idx = pd.date_range("2024-01-01", periods=6, freq="h")
    e = pd.Series([1.0, 2, 3, 4, 5, 6], index=idx)
    got = ewma(e, span=4)
    assert isinstance(got, pd.Series) and got.index.equals(idx)
    changed = e.copy()
    changed.iloc[4:] = 100.0  # the future changes; the past smoothed values must not
    assert np.allclose(ewma(changed, span=4).iloc[:4], got.iloc[:4])


def test_span_one_is_no_smoothing():
    e = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    assert np.allclose(ewma(e, span=1), e)


# ------------------------------------------------------------------- step 2: the z search


def test_search_one_spike_by_hand():
    e = [1.0] * 9 + [10.0]
    mean = (9 * 1 + 10) / 10  # 1.9
    std = pstd(e)  # sqrt(10.9 - 1.9**2) = 2.7
    assert std == pytest.approx(2.7)
    table = search_k(e, k_values=[2.5, 3.0], error_buffer=1).set_index("z")
    # z = 2.5: threshold 1.9 + 2.5 * 2.7 = 8.65 flags the 10 only.
    assert table.loc[2.5, "threshold"] == pytest.approx(mean + 2.5 * std)
    assert table.loc[2.5, "n_flagged"] == 1 and table.loc[2.5, "n_sequences"] == 1
    # Without it the nine 1s remain: mean 1, std 0.
    mean_dec, std_dec = (mean - 1.0) / mean, (std - 0.0) / std
    assert table.loc[2.5, "mean_decrease"] == pytest.approx(mean_dec)
    assert table.loc[2.5, "std_decrease"] == pytest.approx(std_dec)
    assert table.loc[2.5, "objective"] == pytest.approx((mean_dec + std_dec) / (1 + 1**2))
    assert table.loc[2.5, "admissible"]
    # z = 3: threshold 1.9 + 8.1 = 10.0; 10 is not above it, nothing is flagged.
    assert table.loc[3.0, "n_above"] == 0 and not table.loc[3.0, "admissible"]


def test_search_prefers_the_z_with_the_better_tradeoff():
    # Two raised points: 4 (moderate) and 12 (large), in a flat series of 1s.
    e = [1.0] * 8 + [4.0, 12.0]
    mean, std = sum(e) / 10, pstd(e)
    # mean = 24 / 10 = 2.4, std = sqrt(168 / 10 - 2.4**2) = 3.32...
    assert (mean, std) == (pytest.approx(2.4), pytest.approx(math.sqrt(16.8 - 5.76)))
    table = search_k(e, k_values=[0.4, 2.0], error_buffer=1).set_index("z")
    low = mean + 0.4 * std  # 3.73
    assert 1.0 < low < 4.0  # so the 4 and the 12 are above, the 1s are not
    kept = [1.0] * 8
    obj_low = ((mean - 1.0) / mean + (std - pstd(kept)) / std) / (2 + 1**2)  # 2 points, 1 run
    high = mean + 2.0 * std  # 9.05
    assert 4.0 < high < 12.0  # only the 12
    kept = [1.0] * 8 + [4.0]
    obj_high = ((mean - sum(kept) / 9) / mean + (std - pstd(kept)) / std) / (1 + 1**2)
    assert table.loc[0.4, "objective"] == pytest.approx(obj_low)
    assert table.loc[2.0, "objective"] == pytest.approx(obj_high)
    result = dynamic_threshold(e, history=10, span=1, k_values=[0.4, 2.0], error_buffer=1)
    chosen = 0.4 if obj_low > obj_high else 2.0
    assert result.threshold[0] == pytest.approx(mean + chosen * std)


def test_buffer_widens_flags_and_counts_sequences():
    e = [1.0] * 5 + [9.0] + [1.0] * 5 + [9.0] + [1.0] * 5  # spikes at 5 and 11
    table = search_k(e, k_values=[1.0], error_buffer=3).set_index("z")
    # error_buffer 3 marks 2 neighbours each side: 3..7 and 9..13, two runs of 5 points.
    assert table.loc[1.0, "n_above"] == 2
    assert table.loc[1.0, "n_flagged"] == 10 and table.loc[1.0, "n_sequences"] == 2
    table = search_k(e, k_values=[1.0], error_buffer=4).set_index("z")
    # error_buffer 4 marks 3 each side: 2..8 and 8..14 touch, one run of 13 points.
    assert table.loc[1.0, "n_flagged"] == 13 and table.loc[1.0, "n_sequences"] == 1


def test_too_many_sequences_or_points_are_not_admissible():
    e = np.ones(40)
    e[[3, 10, 17, 24, 31, 38]] = 10.0  # six separate spikes
    assert not search_k(e, k_values=[1.0], error_buffer=1)["admissible"].iloc[0]
    assert search_k(e, k_values=[1.0], error_buffer=1, max_sequences=6)["admissible"].iloc[0]
    e = np.array([1.0, 5.0, 5.0, 5.0])  # half the points or more flagged
    assert not search_k(e, k_values=[-0.5], error_buffer=1)["admissible"].iloc[0]


def test_no_admissible_z_falls_back_to_z_12():
    e = np.full(30, 2.0)  # constant: std 0, nothing can be flagged
    result = dynamic_threshold(e, history=30)
    assert not result.flags.any()
    assert np.allclose(result.threshold, 2.0 + 12.0 * 0.0)


def test_telemanom_default_z_range():
    assert K_VALUES[0] == 2.5 and K_VALUES[-1] == 11.5
    assert len(K_VALUES) == 19


# ------------------------------------------------------------------------ step 3: pruning


def _three_runs(peaks, below):
    e = np.full(20, below)
    flags = np.zeros(20, dtype=bool)
    for start, peak in zip((2, 8, 14), peaks, strict=True):
        e[start : start + 3] = [peak * 0.9, peak, peak * 0.9]
        flags[start : start + 3] = True
    return e, flags


def test_prune_keeps_everything_above_the_last_big_drop():
    # Peaks 10, 9.5, 5; largest unflagged 2. Drops: 0.05, 0.47, 0.6 -> last big one is
    # after 5, so all three stay.
    e, flags = _three_runs((10.0, 9.5, 5.0), below=2.0)
    assert (10 - 9.5) / 10 < 0.13 and (9.5 - 5) / 9.5 >= 0.13 and (5 - 2) / 5 >= 0.13
    assert np.array_equal(prune(e, flags), flags)


def test_prune_removes_peaks_close_to_the_unflagged_level():
    # Peaks 10, 4, 3.8; unflagged max 3.7. Drops 0.6, 0.05, 0.026 -> only 10 survives.
    e, flags = _three_runs((10.0, 4.0, 3.8), below=3.7)
    assert (10 - 4) / 10 >= 0.13 and (4 - 3.8) / 4 < 0.13 and (3.8 - 3.7) / 3.8 < 0.13
    kept = prune(e, flags)
    assert kept[2:5].all() and not kept[5:].any() and not kept[:2].any()


def test_prune_removes_all_when_no_drop_is_big():
    e, flags = _three_runs((4.0, 3.9, 3.8), below=3.7)
    assert not prune(e, flags).any()
    assert prune(e, flags, min_decrease=0.0).sum() == flags.sum()


# ------------------------------------------------------------------ step 4: the moving window


def test_dynamic_threshold_uses_each_batch_history():
    # Window 6, batch 2: points 0..5 judged on e[0:6]; 6..7 on e[2:8]; 8..9 on e[4:10].
    e = np.array([1.0, 1, 1, 1, 1, 1, 5, 1, 1, 1])
    result = dynamic_threshold(e, history=6, batch=2, span=1, k_values=[1.0], error_buffer=1)
    assert np.allclose(result.threshold[:6], 1.0)  # std 0 on the first window: fallback z
    h = e[2:8]
    assert np.allclose(result.threshold[6:8], h.mean() + 1.0 * h.std())
    h = e[4:10]
    assert np.allclose(result.threshold[8:10], h.mean() + 1.0 * h.std())
    assert result.flags.tolist() == [False] * 6 + [True] + [False] * 3


def test_series_in_series_out():
    idx = pd.RangeIndex(100, 150)
    e = pd.Series(np.r_[np.ones(40), np.full(3, 9.0), np.ones(7)], index=idx)
    result = dynamic_threshold(e, history=50, span=1, error_buffer=1)
    for part in result:
        assert isinstance(part, pd.Series) and part.index.equals(idx)
    assert result.flags.dtype == bool and result.flags.loc[140:142].all()


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.integers(5, 80), elements=st.floats(0, 100)),
    st.integers(1, 30),
    st.integers(1, 10),
)
def test_properties(e, window, batch):
    result = dynamic_threshold(e, history=window, batch=batch, span=2, error_buffer=2)
    assert result.flags.shape == e.shape and result.flags.dtype == bool
    assert np.isfinite(result.threshold).all()
    assert (np.asarray(result.smoothed) >= 0).all()
    # Without buffer and pruning, a point is flagged exactly when it is above its threshold.
    bare = dynamic_threshold(e, history=window, batch=batch, span=2, error_buffer=1, min_decrease=0)
    assert np.array_equal(bare.flags, np.asarray(bare.smoothed) > np.asarray(bare.threshold))


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("errors", "kwargs", "exc", "match"),
    [
        ([], {}, ValueError, "non-empty"),
        ([[1.0, 2.0]], {}, ValueError, "1-D"),
        ([1.0, np.nan], {}, ValueError, "finite"),
        ([1.0, -2.0], {}, ValueError, "non-negative"),
        (["a", "b"], {}, TypeError, "numbers"),
        ([1.0, 2.0], {"history": 0}, ValueError, "history"),
        ([1.0, 2.0], {"batch": 1.5}, TypeError, "batch"),
        ([1.0, 2.0], {"span": 0.5}, ValueError, "span"),
        ([1.0, 2.0], {"k_values": [3.0, 2.0]}, ValueError, "increasing"),
        ([1.0, 2.0], {"error_buffer": 0}, ValueError, "error_buffer"),
        ([1.0, 2.0], {"min_decrease": 2.0}, ValueError, "min_decrease"),
    ],
)
def test_bad_input_is_refused(errors, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        dynamic_threshold(errors, **kwargs)


def test_series_out_of_time_order_is_refused():
    with pytest.raises(ValueError, match="time order"):
        dynamic_threshold(pd.Series([1.0, 2.0, 3.0], index=[2, 1, 3]))
    with pytest.raises(ValueError, match="time order"):
        ewma(pd.Series([1.0, 2.0], index=[1, 1]), span=2)


def test_prune_refuses_mismatched_flags():
    with pytest.raises(ValueError, match="same shape"):
        prune([1.0, 2.0], np.array([True]))
    with pytest.raises(TypeError, match="booleans"):
        prune([1.0, 2.0], np.array([1, 0]))
