"""make_windows and make_forecast_windows: shapes, values, views and clear errors."""

from __future__ import annotations

import fractions

import numpy as np
import pandas as pd
import pytest
from bad_input import sweep_tests
from hypothesis import given, settings
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


@settings(max_examples=200, deadline=None)
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
        (np.array([1.0, np.inf, 3.0]), 2, ValueError, "must not hold inf.* index \\(1, 0\\)"),
        (np.array(["a", "b", "c"]), 2, TypeError, "must hold numbers"),
        ("abc", 2, TypeError, "numeric array-like"),
    ],
)
def test_bad_input_raises_a_clear_error(data, n_timesteps, error, match):
    with pytest.raises(error, match=match):
        make_windows(data, n_timesteps)


@settings(max_examples=200, deadline=None)
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


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 300),
    st.floats(0.01, 0.99) | st.fractions(0, 1, max_denominator=50).filter(lambda f: 0 < f < 1),
    st.sampled_from([float, np.float32, np.float64]),
    st.integers(0, 10),
)
def test_calibration_split_is_in_time_order_with_the_gap(n_rows, fraction, kind, gap):
    """Any real fraction (a float, a numpy float, a Fraction) splits by the same loop rule."""
    if not isinstance(fraction, fractions.Fraction):
        fraction = kind(fraction)
    series = pd.Series(np.arange(n_rows, dtype=float), index=pd.RangeIndex(100, 100 + n_rows))
    n_cal = 0  # the loop reference: count rows until the share is reached, rounding half up
    while n_cal < n_rows and n_cal + 0.5 <= float(fraction) * n_rows:
        n_cal += 1
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
        ((np.zeros(10), 0.2, -1), ValueError, "gap must be >= 0; got -1"),
        ((np.zeros(10), 0.2, 1.0), TypeError, "gap must be an integer >= 0; got 1.0"),
        ((np.zeros(10), True), TypeError, "calibration_fraction must be a float"),
        ((np.array(3.0), 0.2), ValueError, "series must have one row per time step"),
        ((np.zeros(10), 0.2, 9), ValueError, "leaves 0 rows to fit on and 2 to calibrate on"),
    ],
)
def test_calibration_split_refuses_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        calibration_split(*args)


# --- order, legitimate inputs, and every bad input (issue 26) ----------------------------


def test_a_reversed_or_unsorted_time_index_is_refused_not_split_by_position():
    times = pd.date_range("2024-01-01", periods=10, freq="h")
    backwards = pd.Series(np.arange(10.0), index=times[::-1])
    with pytest.raises(ValueError, match=r"series\.index must be in time order"):
        calibration_split(backwards, 0.3)
    for function in (lambda d: make_windows(d, 3), lambda d: make_forecast_windows(d, 3, 2)):
        with pytest.raises(ValueError, match=r"data\.index must be in time order"):
            function(backwards.to_frame())
        with pytest.raises(ValueError, match="unique labels"):
            function(pd.Series(np.arange(3.0), index=times[[0, 1, 1]]))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 30), st.randoms(use_true_random=False), st.booleans())
def test_pandas_input_in_time_order_equals_the_array_and_out_of_order_is_refused(n, rnd, dates):
    order = list(range(n))
    rnd.shuffle(order)
    index = pd.date_range("2024-01-01", periods=n, freq="D") if dates else pd.RangeIndex(n) * 3
    frame = pd.DataFrame({"a": np.arange(n, dtype=float), "b": -np.arange(n)}, index=index)
    shuffled = frame.iloc[order]
    calls = [
        lambda d: make_windows(d, 2),
        lambda d: make_forecast_windows(d, 1, 1),
        lambda d: np.asarray(calibration_split(d, 0.5)[1]),
    ]
    for call in calls:
        if order == sorted(order):
            np.testing.assert_array_equal(call(shuffled), call(frame.to_numpy()))
        else:
            with pytest.raises(ValueError, match="time order"):
                call(shuffled)


GOOD = {
    "make_windows": (
        make_windows,
        {"data": np.random.default_rng(0).random((30, 2)), "n_timesteps": 3},
    ),
    "make_forecast_windows": (
        make_forecast_windows,
        {"data": np.random.default_rng(0).random((30, 2)), "n_timesteps": 3, "n_horizon": 2},
    ),
    "calibration_split": (
        calibration_split,
        {"series": pd.Series(np.arange(48.0)), "calibration_fraction": 0.3, "gap": 1},
    ),
}
#: Bad-input names (bad_input.JUNK) that are legitimate for an argument, reviewed by hand:
#: float16 and timezone-aware data are data; calibration_split splits any array by position.
ACCEPTED = {
    "make_windows": {"data": {"f16big", "tzseries"}, "n_timesteps": {"i64"}},
    "make_forecast_windows": {
        "data": {"f16big", "tzseries"},
        "n_timesteps": {"i64"},
        "n_horizon": {"i64"},
    },
    "calibration_split": {
        "series": {"carr", "f16big", "masked", "obj_arr", "sarr", "tdarr", "tzseries"},
        "calibration_fraction": {"f32", "frac"},
        "gap": {"i64", "zero"},
    },
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(GOOD, ACCEPTED)


def test_ragged_input_names_the_argument():
    with pytest.raises(ValueError, match="data must be a rectangular numeric array"):
        make_windows([[1.0, 2.0], [3.0]], 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6) | st.just(float("nan")), min_size=1, max_size=30),
    st.integers(1, 5),
)
def test_nan_in_the_series_gives_nan_in_exactly_the_windows_that_hold_it(values, n_timesteps):
    # Cleaned NAB series keep NaN over long gaps: windowing must not refuse them.
    data = np.array(values)
    if n_timesteps > len(data):
        return
    windows = make_windows(data, n_timesteps)
    for w in range(len(data) - n_timesteps + 1):  # the loop reference
        want = data[w : w + n_timesteps]
        np.testing.assert_array_equal(windows[w, :, 0], want)  # NaN where the series has NaN
    with pytest.raises(ValueError, match="data must not hold inf"):
        make_windows(np.array([1.0, np.inf, 2.0]), 2)
