"""Scores: window-to-point mappings (causal and offline), localise, smooth, random baselines.

Causal functions are tested by perturbation: changing data after point t never changes
their output at t. Offline ones are tested to look ahead, as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_helpers import (
    causal_scores,
    localise,
    max_threshold,
    mean_std_threshold,
    per_step_errors,
    quantile_threshold,
    smooth,
    windows_to_points,
)

finite = st.floats(0, 1e3, allow_nan=False, allow_infinity=False)


def per_step_from_points(point_err, n_timesteps):
    """Per-window, per-step errors of a model whose error at each point is fixed."""
    n_windows = len(point_err) - n_timesteps + 1
    return np.array([point_err[w : w + n_timesteps] for w in range(n_windows)])


@given(st.integers(5, 80), st.integers(1, 12), st.data())
def test_one_large_error_maps_back_to_exactly_its_index(n_points, n_timesteps, data):
    n_timesteps = min(n_timesteps, n_points)
    spike = data.draw(st.integers(0, n_points - 1))
    point_err = np.full(n_points, 0.01)
    point_err[spike] = 5.0
    errors = per_step_from_points(point_err, n_timesteps)
    for how in ("max", "mean"):
        scores = windows_to_points(errors, how=how)
        assert scores.shape == (n_points,)  # one score per point of the series
        assert np.flatnonzero(scores > 1.0).tolist() == [spike]
    flagged = errors.max(axis=1) > 1.0
    assert localise(errors, flagged).tolist() == [spike]


def test_max_and_mean_differ_when_a_spike_spoils_its_neighbours():
    # 4 windows of 3 steps over 6 points; window 1 (points 1..3) is bad at every step.
    errors = np.full((4, 3), 0.1)
    errors[1] = [0.5, 0.9, 0.5]
    assert windows_to_points(errors, "max").tolist() == pytest.approx(
        [0.1, 0.5, 0.9, 0.5, 0.1, 0.1]
    )
    mean = windows_to_points(errors, "mean")
    assert mean[2] == pytest.approx((0.1 + 0.9 + 0.1) / 3)
    assert mean[0] == pytest.approx(0.1) and mean[5] == pytest.approx(0.1)  # covered once


def test_a_3d_error_array_is_refused_with_the_helper_that_reduces_it():
    with pytest.raises(ValueError, match=r"per_step_errors\(y, yhat\); got ndarray of shape"):
        windows_to_points(np.zeros((4, 3, 2)))


def test_localise_accepts_masks_and_indices():
    errors = np.zeros((10, 4))
    errors[2, 3] = 1.0  # window 2, step 3 -> point 5
    errors[7, 0] = 1.0  # window 7, step 0 -> point 7
    mask = np.zeros(10, dtype=bool)
    mask[[2, 7]] = True
    assert localise(errors, mask).tolist() == [5, 7]
    assert localise(errors, np.array([7, 2, 2])).tolist() == [5, 7]
    assert localise(errors, np.array([], dtype=int)).tolist() == []
    assert localise(errors, np.zeros(10, dtype=bool)).dtype == np.int64


@pytest.mark.parametrize(
    ("errors", "error", "match"),
    [
        (np.zeros(10), ValueError, r"\(n_windows, n_timesteps\)"),
        (np.zeros((2, 3, 4, 5)), ValueError, r"shape \(2, 3, 4, 5\)"),
        (np.zeros((0, 3)), ValueError, "must not be empty"),
        (np.full((3, 3), np.nan), ValueError, "must be finite"),
        (np.array([["a"]]), TypeError, "must hold numbers"),
    ],
)
def test_bad_error_arrays_raise(errors, error, match):
    with pytest.raises(error, match=match):
        windows_to_points(errors)
    with pytest.raises(error, match=match):
        causal_scores(errors)
    with pytest.raises(error, match=match):
        localise(errors, np.array([0]))


def test_bad_how_and_bad_flags_raise():
    errors = np.zeros((5, 3))
    with pytest.raises(ValueError, match="how must be 'max' or 'mean'"):
        windows_to_points(errors, how="median")
    with pytest.raises(ValueError, match=r"shape \(5,\), one per window; got shape \(4,\)"):
        localise(errors, np.zeros(4, dtype=bool))
    with pytest.raises(ValueError, match=r"lie in \[0, 4\]"):
        localise(errors, np.array([5]))
    with pytest.raises(TypeError, match="boolean mask or integer indices"):
        localise(errors, np.array([0.5]))


# --- causal_scores --------------------------------------------------------------------


def ref_causal(step_errors):
    n_windows, n_timesteps = step_errors.shape
    out = []
    for p in range(n_windows + n_timesteps - 1):
        w = p - (n_timesteps - 1)  # the window that ends at p
        out.append(step_errors[w, n_timesteps - 1] if w >= 0 else np.nan)
    return np.array(out)


step_error_arrays = arrays(
    np.float64, st.tuples(st.integers(1, 30), st.integers(1, 8)), elements=finite
)


@given(step_error_arrays)
def test_causal_scores_match_the_loop_reference(step_errors):
    np.testing.assert_array_equal(causal_scores(step_errors), ref_causal(step_errors))


@given(st.integers(2, 60), st.integers(1, 10), st.data())
def test_causal_scores_never_change_when_the_future_changes(n_rows, n_timesteps, data):
    """Perturb the *series* after point t, recompute the windows and errors end to end."""
    n_timesteps = min(n_timesteps, n_rows)
    series = data.draw(arrays(np.float64, n_rows, elements=st.floats(-10, 10)))
    t = data.draw(st.integers(0, n_rows - 1))
    future = series.copy()
    future[t + 1 :] += data.draw(st.floats(0.5, 100))

    def scores(x):
        windows = np.lib.stride_tricks.sliding_window_view(x, n_timesteps)
        reconstruction = np.repeat(windows.mean(axis=1, keepdims=True), n_timesteps, axis=1)
        return causal_scores(per_step_errors(windows, reconstruction))

    np.testing.assert_array_equal(scores(series)[: t + 1], scores(future)[: t + 1])


def test_windows_to_points_looks_ahead_and_causal_scores_do_not():
    # A "model" that reconstructs each window by its mean: its error at every step of a
    # window depends on every point of that window, so the offline mapping at point t
    # sees points up to t + n_timesteps - 1.
    rng = np.random.default_rng(0)
    series, n_timesteps, t = rng.random(40), 5, 20

    def step_errors(x):
        windows = np.lib.stride_tricks.sliding_window_view(x, n_timesteps)
        return np.abs(windows - windows.mean(axis=1, keepdims=True))

    future = series.copy()
    future[t + n_timesteps - 1] += 10.0  # the last point any window covering t sees
    for how in ("max", "mean"):
        assert windows_to_points(step_errors(future), how)[t] != pytest.approx(
            windows_to_points(step_errors(series), how)[t]
        )
    np.testing.assert_array_equal(
        causal_scores(step_errors(series))[: t + n_timesteps - 1],
        causal_scores(step_errors(future))[: t + n_timesteps - 1],
    )


def test_causal_scores_and_windows_to_points_can_return_series():
    idx = pd.date_range("2021-03-28", periods=8, freq="30min", tz="Europe/Berlin")
    got = causal_scores(np.ones((5, 4)), index=idx)
    assert isinstance(got, pd.Series) and got.index.equals(idx)
    assert got.isna().tolist() == [True] * 3 + [False] * 5
    assert windows_to_points(np.ones((5, 4)), index=idx).index.equals(idx)
    with pytest.raises(ValueError, match=r"one label per point \(8"):
        causal_scores(np.ones((5, 4)), index=idx[:7])
    with pytest.raises(TypeError, match="index must be a pandas Index"):
        causal_scores(np.ones((5, 4)), index=list(range(8)))


# --- smooth ---------------------------------------------------------------------------


def ref_smooth(scores, length):
    out = []
    for p in range(len(scores)):
        past = scores[p - length + 1 : p + 1] if p >= length - 1 else None
        out.append(np.nan if past is None or np.isnan(past).any() else sum(past) / length)
    return np.array(out)


@given(
    arrays(np.float64, st.integers(1, 40), elements=st.floats(0, 100) | st.just(np.nan)),
    st.integers(1, 8),
)
def test_smooth_matches_the_loop_reference(scores, length):
    np.testing.assert_allclose(smooth(scores, length), ref_smooth(scores, length), atol=1e-9)


@given(
    arrays(np.float64, st.integers(2, 40), elements=st.floats(0, 100)),
    st.integers(1, 8),
    st.data(),
)
def test_smooth_is_causal(scores, length, data):
    t = data.draw(st.integers(0, len(scores) - 1))
    future = scores.copy()
    future[t + 1 :] = data.draw(st.floats(1e3, 1e6))
    np.testing.assert_array_equal(smooth(scores, length)[: t + 1], smooth(future, length)[: t + 1])


def test_smooth_keeps_a_series_and_refuses_bad_input():
    s = pd.Series([1.0, 2.0, 3.0], index=[10, 20, 30], name="score")
    out = smooth(s, 2)
    assert out.index.tolist() == [10, 20, 30] and out.name == "score"
    assert out.tolist()[1:] == [1.5, 2.5]
    with pytest.raises(ValueError, match="length must be an integer >= 1"):
        smooth(s, 0)
    with pytest.raises(ValueError, match="scores must not hold inf"):
        smooth(np.array([1.0, np.inf]), 1)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        smooth(np.zeros((2, 2)), 1)


# -------------------- Thresholds: mean + k std, quantile and max of calibration scores.


def test_thresholds():
    scores = np.array([1.0, 2.0, 3.0, 4.0])
    assert mean_std_threshold(scores, k=2) == pytest.approx(2.5 + 2 * np.std(scores))
    assert mean_std_threshold(scores, k=0) == pytest.approx(2.5)
    assert quantile_threshold(scores, q=1.0) == 4.0
    assert quantile_threshold(scores, q=0.5) == pytest.approx(2.5)
    assert max_threshold(scores) == 4.0


@given(arrays(np.float64, st.integers(1, 50), elements=st.floats(-1e3, 1e3)), st.floats(-5, 5))
def test_mean_std_threshold_matches_a_loop(scores, k):
    mean = sum(scores) / len(scores)
    std = (sum((s - mean) ** 2 for s in scores) / len(scores)) ** 0.5
    assert mean_std_threshold(scores, k) == pytest.approx(mean + k * std, abs=1e-6)
    assert max_threshold(scores) == max(scores)


def test_nan_scores_are_points_without_a_score_and_are_ignored():
    # e.g. the first n_timesteps - 1 causal scores
    scores = pd.Series([np.nan, np.nan, 1.0, 2.0, 3.0, 4.0])
    assert mean_std_threshold(scores, k=1) == mean_std_threshold(scores.dropna(), k=1)
    assert quantile_threshold(scores, 0.5) == 2.5
    assert max_threshold(scores) == 4.0
    with pytest.raises(ValueError, match="all are NaN"):
        max_threshold([np.nan, np.nan])


def test_float16_scores_do_not_overflow():
    scores = np.full(1000, 60000, dtype=np.float16)
    assert mean_std_threshold(scores, k=2) == pytest.approx(60000)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda s: mean_std_threshold(s, k=np.nan), ValueError, "k must be finite; got nan"),
        (lambda s: mean_std_threshold(s, k=np.inf), ValueError, "k must be finite; got inf"),
        (lambda s: mean_std_threshold(s, k="2"), TypeError, "k must be a real number"),
        (lambda s: quantile_threshold(s, q=99), ValueError, r"q must lie in \[0, 1\]; got 99"),
        (lambda s: quantile_threshold(s, q=np.nan), ValueError, "q must be finite"),
        (lambda s: mean_std_threshold(np.zeros((2, 2))), ValueError, "non-empty 1-D"),
        (lambda s: max_threshold([]), ValueError, "non-empty 1-D"),
        (lambda s: mean_std_threshold([1.0, np.inf]), ValueError, "must not hold inf"),
        (lambda s: max_threshold(np.ma.masked_array(s, s > 2)), TypeError, "masked array"),
        (lambda s: max_threshold(["a"]), TypeError, "must hold numbers"),
    ],
)
def test_bad_threshold_inputs_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call(np.array([1.0, 2.0, 3.0]))
