"""to_long / to_wide / error_frame against plain-loop reference implementations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_helpers import error_frame, make_windows, to_long, to_wide

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


# --- Reference implementations: deliberately plain loops, written from the contract. ---


def ref_long(array, names=None):
    n_windows, n_timesteps, n_features = array.shape
    names = names or [f"f{f}" for f in range(n_features)]
    rows = []
    for w in range(n_windows):
        for f in range(n_features):
            for t in range(n_timesteps):
                rows.append([w, names[f], f"t{t}", array[w, t, f], f"{names[f]}_t{t}"])
    return pd.DataFrame(rows, columns=["row", "feature", "timestep", "value", "label"])


def ref_error_frame(data, yhat, n_timesteps):
    n_rows, n_features = data.shape
    n_windows, n_horizon, _ = yhat.shape
    names = [f"f{f}" for f in range(n_features)]
    out = {}
    for f in range(n_features):
        out[names[f]] = [data[w + n_timesteps - 1, f] for w in range(n_windows)]
    for f in range(n_features):
        for t in range(n_horizon):
            out[f"{names[f]}_t{t}_yhat"] = [yhat[w, t, f] for w in range(n_windows)]
    for f in range(n_features):
        for t in range(n_horizon):
            col = []
            for w in range(n_windows):
                target = w + n_timesteps + t
                col.append(data[target, f] - yhat[w, t, f] if target < n_rows else np.nan)
            out[f"{names[f]}_t{t}_error"] = col
    for t in range(n_horizon):
        errs = np.array([out[f"{n}_t{t}_error"] for n in names]).T  # (n_windows, n_features)
        out[f"t{t}_error_avg"] = [row.mean() for row in errs]
        out[f"t{t}_error_med"] = [np.median(row) for row in errs]
        out[f"t{t}_error_min"] = [row.min() for row in errs]
        out[f"t{t}_error_max"] = [row.max() for row in errs]
        out[f"t{t}_error_rng"] = [row.max() - row.min() for row in errs]
    return pd.DataFrame(out, index=range(n_timesteps - 1, n_rows))


@st.composite
def model_arrays(draw):
    shape = (draw(st.integers(1, 6)), draw(st.integers(1, 7)), draw(st.integers(1, 5)))
    return draw(arrays(np.float64, shape, elements=finite))


@st.composite
def forecast_cases(draw):
    n_features = draw(st.integers(1, 4))
    n_timesteps = draw(st.integers(1, 6))
    n_horizon = draw(st.integers(1, 12))
    n_rows = draw(st.integers(n_timesteps, n_timesteps + 20))
    data = draw(arrays(np.float64, (n_rows, n_features), elements=finite))
    yhat = draw(
        arrays(np.float64, (n_rows - n_timesteps + 1, n_horizon, n_features), elements=finite)
    )
    return data, yhat, n_timesteps


@given(model_arrays())
def test_to_long_matches_the_loop_reference(array):
    got, want = to_long(array), ref_long(array)
    assert list(got.columns) == list(want.columns)
    np.testing.assert_array_equal(got["row"].to_numpy(), want["row"].to_numpy())
    np.testing.assert_array_equal(got["value"].to_numpy(), want["value"].to_numpy())
    for col in ("feature", "timestep", "label"):
        assert isinstance(got[col].dtype, pd.CategoricalDtype)  # no Python string per row
        assert got[col].astype(str).tolist() == want[col].astype(str).tolist()


@given(model_arrays())
def test_long_wide_round_trip_is_lossless(array):
    wide = to_wide(to_long(array))
    n_windows, n_timesteps, n_features = array.shape
    assert wide.shape == (n_windows, n_timesteps * n_features)
    assert list(wide.columns) == [
        f"f{f}_t{t}" for f in range(n_features) for t in range(n_timesteps)
    ]
    back = wide.to_numpy().reshape(n_windows, n_features, n_timesteps).transpose(0, 2, 1)
    np.testing.assert_array_equal(back, array)


def test_to_long_uses_feature_names():
    df = to_long(np.zeros((2, 3, 2)), feature_names=["cpu", "mem"])
    assert set(df["feature"]) == {"cpu", "mem"}
    assert df["label"].iloc[:4].tolist() == ["cpu_t0", "cpu_t1", "cpu_t2", "mem_t0"]
    with pytest.raises(ValueError, match="one name per feature"):
        to_long(np.zeros((2, 3, 2)), feature_names=["cpu"])


def test_to_wide_rejects_duplicates_and_missing_columns():
    df = to_long(np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match="repeated"):
        to_wide(pd.concat([df, df.iloc[:1]]))
    with pytest.raises(ValueError, match="missing \\['value'\\]"):
        to_wide(df.drop(columns="value"))
    with pytest.raises(TypeError, match="DataFrame"):
        to_wide(df.to_numpy())


@settings(max_examples=60)
@given(forecast_cases())
def test_error_frame_matches_the_loop_reference(case):
    data, yhat, n_timesteps = case
    got = error_frame(data, yhat, n_timesteps)
    want = ref_error_frame(data, yhat, n_timesteps)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_index_type=False, atol=1e-9, rtol=1e-9)


def test_error_frame_semantics_on_a_readable_example():
    # 7 timesteps != 3 features; horizon 4.
    data = np.arange(20 * 3, dtype=float).reshape(20, 3)  # value = 3 * row + feature
    n_timesteps, n_horizon = 7, 4
    yhat = np.zeros((20 - n_timesteps + 1, n_horizon, 3))
    df = error_frame(data, yhat, n_timesteps)
    assert df.index[0] == 6 and df.index[-1] == 19
    # Window 0 ends at row 6; its t2 forecast targets row 6 + 1 + 2 = 9.
    assert df.loc[6, "f1"] == data[6, 1]
    assert df.loc[6, "f1_t2_error"] == data[9, 1]
    # The last window's forecasts all lie past the end.
    assert df.loc[19, [f"f{f}_t{t}_error" for f in range(3) for t in range(4)]].isna().all()
    assert df.loc[19, [f"t{t}_error_avg" for t in range(4)]].isna().all()
    # Aggregates see only the feature errors: the median of 3 values is the middle one.
    assert df.loc[6, "t0_error_med"] == data[7, 1]
    assert df.loc[6, "t0_error_rng"] == 2.0


def test_error_frame_uses_dataframe_names_and_index():
    idx = pd.date_range("2026-01-01", periods=12, freq="h")
    data = pd.DataFrame(np.random.default_rng(0).random((12, 2)), index=idx, columns=["cpu", "mem"])
    df = error_frame(data, np.zeros((10, 3, 2)), 3)
    assert df.index[0] == idx[2] and len(df) == 10
    assert list(df.columns[:4]) == ["cpu", "mem", "cpu_t0_yhat", "cpu_t1_yhat"]
    assert "mem_t2_error" in df.columns and "f0" not in df.columns


def test_error_frame_accepts_the_forecast_of_every_input_window():
    data = np.random.default_rng(1).random((30, 4))
    windows = make_windows(data, 6)
    df = error_frame(data, np.asarray(windows)[:, :2, :], 6)  # any (25, 2, 4) forecast
    assert len(df) == 25


@pytest.mark.parametrize(
    ("yhat_shape", "match"),
    [
        ((24, 3, 4), r"yhat must have shape \(25, n_horizon, 4\).*got \(24, 3, 4\)"),  # too few
        ((26, 3, 4), r"got \(26, 3, 4\)"),  # too many windows
        ((25, 3, 5), r"got \(25, 3, 5\)"),  # wrong number of features
        ((25, 4), r"must have shape \(n_windows, n_timesteps, n_features\)"),
        ((25, 0, 4), "must not be empty"),
    ],
)
def test_error_frame_rejects_a_yhat_of_the_wrong_shape(yhat_shape, match):
    data = np.zeros((30, 4))
    with pytest.raises(ValueError, match=match):
        error_frame(data, np.zeros(yhat_shape), 6)


def test_error_frame_rejects_nan_empty_and_short_data():
    data = np.zeros((30, 4))
    bad = np.zeros((25, 3, 4))
    bad[3, 1, 2] = np.nan
    with pytest.raises(ValueError, match="yhat must be finite"):
        error_frame(data, bad, 6)
    data_nan = data.copy()
    data_nan[5, 0] = np.nan
    with pytest.raises(ValueError, match="data must be finite"):
        error_frame(data_nan, np.zeros((25, 3, 4)), 6)
    with pytest.raises(ValueError, match="must not be empty"):
        error_frame(np.zeros((0, 4)), np.zeros((1, 1, 4)), 1)
    with pytest.raises(ValueError, match="longer than the data"):
        error_frame(np.zeros((3, 4)), np.zeros((1, 1, 4)), 6)
