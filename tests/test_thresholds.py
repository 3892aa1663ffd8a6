"""Errors and thresholds in lstm_helpers.scoring."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_helpers import mean_std_threshold, per_step_errors, quantile_threshold, window_mae


def test_per_step_errors_average_over_features_only():
    x = np.zeros((4, 6, 3))
    x_hat = np.zeros((4, 6, 3))
    x_hat[2, 5] = [3.0, -3.0, 0.0]
    err = per_step_errors(x, x_hat)
    assert err.shape == (4, 6)
    assert err[2, 5] == pytest.approx(2.0)
    assert np.count_nonzero(err) == 1
    assert window_mae(x, x_hat)[2] == pytest.approx(2.0 / 6)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 7), st.integers(1, 4)),
        elements=st.floats(-100, 100),
    )
)
def test_window_mae_matches_numpy_definition(x):
    x_hat = x[::-1]
    np.testing.assert_allclose(window_mae(x, x_hat), np.abs(x - x_hat).mean(axis=(1, 2)))


@pytest.mark.parametrize(
    ("x", "x_hat", "match"),
    [
        (np.zeros((3, 4, 2)), np.zeros((3, 4, 1)), "same shape"),
        (np.zeros(5), np.zeros(5), "must have shape"),
        (np.zeros((3, 4, 2)), np.full((3, 4, 2), np.nan), "x_hat must be finite"),
        (np.zeros((0, 4, 2)), np.zeros((0, 4, 2)), "must not be empty"),
    ],
)
def test_bad_error_inputs_raise(x, x_hat, match):
    with pytest.raises(ValueError, match=match):
        per_step_errors(x, x_hat)


def test_thresholds():
    scores = np.array([1.0, 2.0, 3.0, 4.0])
    assert mean_std_threshold(scores, k=2) == pytest.approx(2.5 + 2 * np.std(scores))
    assert mean_std_threshold(scores, k=0) == pytest.approx(2.5)
    assert quantile_threshold(scores, q=1.0) == 4.0
    assert quantile_threshold(scores, q=0.5) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="q must lie in"):
        quantile_threshold(scores, q=99)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        mean_std_threshold(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="must be finite"):
        mean_std_threshold([1.0, np.nan])
