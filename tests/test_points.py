"""Mapping window results back to points: windows_to_points and localise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_helpers import localise, windows_to_points


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


def test_feature_axis_is_averaged_first():
    errors = np.zeros((4, 3, 2))
    errors[0, 0] = [1.0, 3.0]
    assert windows_to_points(errors)[0] == 2.0


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
        (np.zeros((2, 3, 4, 5)), ValueError, "got 4-D"),
        (np.zeros((0, 3)), ValueError, "must not be empty"),
        (np.full((3, 3), np.nan), ValueError, "must be finite"),
        (np.array([["a"]]), TypeError, "must hold numbers"),
    ],
)
def test_bad_error_arrays_raise(errors, error, match):
    with pytest.raises(error, match=match):
        windows_to_points(errors)
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
