"""make_windows and make_forecast_windows: shapes, values, views and clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_helpers import calibration_split, make_forecast_windows, make_windows

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


@given(st.integers(2, 300), st.floats(0.01, 0.99), st.integers(0, 10))
def test_calibration_split_is_in_time_order_with_the_gap(n_rows, fraction, gap):
    series = pd.Series(np.arange(n_rows, dtype=float), index=pd.RangeIndex(100, 100 + n_rows))
    n_cal = int(np.floor(fraction * n_rows + 0.5))
    if n_cal < 1 or n_rows - n_cal - gap < 1:
        with pytest.raises(ValueError, match="both need at least 1"):
            calibration_split(series, fraction, gap=gap)
        return
    fit, cal = calibration_split(series, fraction, gap=gap)
    assert len(cal) == n_cal and len(fit) == n_rows - n_cal - gap
    assert fit.index[-1] + gap + 1 == cal.index[0]  # `gap` rows dropped between them
    assert fit.tolist() == list(range(len(fit))) and cal.iloc[-1] == n_rows - 1


def test_calibration_split_keeps_the_type():
    data = np.arange(20.0).reshape(10, 2)
    fit, cal = calibration_split(data, 0.3, gap=2)
    assert isinstance(fit, np.ndarray) and fit.shape == (5, 2) and cal.shape == (3, 2)
    df = pd.DataFrame(data, index=pd.date_range("2020", periods=10, freq="D", tz="UTC"))
    fit, cal = calibration_split(df, 0.5)
    assert isinstance(cal, pd.DataFrame) and cal.index[0] == df.index[5]


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        (([1.0, 2.0], 0.5), TypeError, "numpy array, pandas Series or DataFrame"),
        ((np.zeros(10), 1.0), ValueError, r"calibration_fraction must lie in \(0, 1\); got 1.0"),
        ((np.zeros(10), float("nan")), ValueError, "calibration_fraction must lie in"),
        ((np.zeros(10), "0.2"), TypeError, "calibration_fraction must be a float"),
        ((np.zeros(10), 0.2, -1), ValueError, "gap must be an integer >= 0; got -1"),
        ((np.zeros(10), 0.2, 9), ValueError, "leaves 0 rows to fit on and 2 to calibrate on"),
    ],
)
def test_calibration_split_refuses_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        calibration_split(*args)
