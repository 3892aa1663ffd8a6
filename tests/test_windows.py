"""make_windows and make_forecast_windows: shapes, values, views and clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_helpers import make_forecast_windows, make_windows

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def series_and_window(draw, max_rows=60):
    n_rows = draw(st.integers(1, max_rows))
    n_features = draw(st.integers(1, 6))
    data = draw(arrays(np.float64, (n_rows, n_features), elements=finite))
    n_timesteps = draw(st.integers(1, n_rows))
    return data, n_timesteps


@given(series_and_window())
def test_every_window_equals_its_slice(case):
    data, n_timesteps = case
    windows = make_windows(data, n_timesteps)
    n_rows, n_features = data.shape
    assert windows.shape == (n_rows - n_timesteps + 1, n_timesteps, n_features)
    for w in range(windows.shape[0]):
        np.testing.assert_array_equal(windows[w], data[w : w + n_timesteps])


def test_layout_is_samples_time_features_when_timesteps_differ_from_features():
    # 7 steps, 3 features: a transposed window would have shape (3, 7) and be caught.
    data = np.arange(40 * 3, dtype=float).reshape(40, 3)
    windows = make_windows(data, 7)
    assert windows.shape == (34, 7, 3)
    np.testing.assert_array_equal(windows[5, :, 1], data[5:12, 1])  # time runs down axis 1
    np.testing.assert_array_equal(windows[5, 2, :], data[7])  # features along axis 2


def test_one_dimensional_input_is_one_feature():
    windows = make_windows(np.arange(10.0), 4)
    assert windows.shape == (7, 4, 1)
    np.testing.assert_array_equal(windows[2, :, 0], [2, 3, 4, 5])


def test_dataframe_input_matches_array_input():
    df = pd.DataFrame(np.random.default_rng(0).random((20, 3)), columns=list("abc"))
    np.testing.assert_array_equal(make_windows(df, 6), make_windows(df.to_numpy(), 6))


def test_windows_are_a_read_only_zero_copy_view():
    data = np.random.default_rng(1).random((1000, 5))
    windows = make_windows(data, 50)
    assert np.shares_memory(windows, data)
    assert not windows.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        windows[0, 0, 0] = 1.0


@pytest.mark.parametrize(
    ("data", "n_timesteps", "error", "match"),
    [
        (np.zeros((10, 2)), 0, ValueError, "n_timesteps must be >= 1"),
        (np.zeros((10, 2)), -3, ValueError, "n_timesteps must be >= 1"),
        (np.zeros((10, 2)), 11, ValueError, "needs at least 11 rows, but the series has 10"),
        (np.zeros((10, 2)), 2.5, TypeError, "n_timesteps must be an integer"),
        (np.zeros((10, 2)), True, TypeError, "n_timesteps must be an integer"),
        (np.array(3.0), 1, ValueError, "got 0-D"),
        (np.zeros((4, 3, 2)), 2, ValueError, "got 3-D array of shape"),
        (np.zeros((0, 3)), 1, ValueError, "must not be empty"),
        (np.array([1.0, np.nan, 3.0]), 2, ValueError, "NaN/inf .* index \\(1, 0\\)"),
        (np.array([1.0, np.inf, 3.0]), 2, ValueError, "must be finite"),
        (np.array(["a", "b", "c"]), 2, TypeError, "must hold numbers"),
        ("abc", 2, TypeError, "numeric array-like"),
    ],
)
def test_bad_input_raises_a_clear_error(data, n_timesteps, error, match):
    with pytest.raises(error, match=match):
        make_windows(data, n_timesteps)


@given(series_and_window(max_rows=40), st.integers(1, 12))
def test_forecast_targets_are_the_rows_after_each_input(case, n_horizon):
    data, n_timesteps = case
    n_rows = data.shape[0]
    if n_timesteps + n_horizon > n_rows:
        with pytest.raises(ValueError, match="needs at least"):
            make_forecast_windows(data, n_timesteps, n_horizon)
        return
    X, Y = make_forecast_windows(data, n_timesteps, n_horizon)
    n_windows = n_rows - n_timesteps - n_horizon + 1
    assert X.shape == (n_windows, n_timesteps, data.shape[1])
    assert Y.shape == (n_windows, n_horizon, data.shape[1])
    for w in range(n_windows):
        np.testing.assert_array_equal(X[w], data[w : w + n_timesteps])
        np.testing.assert_array_equal(Y[w], data[w + n_timesteps : w + n_timesteps + n_horizon])
