"""Errors: per_step_errors, to_long / to_wide and error_frame.

error_frame against a plain-loop reference written from its contract, its causality by
perturbation, and every bad input it must refuse.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from bad_input import sweep_tests
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lstm_helpers as lh
from lstm_helpers import (
    error_frame,
    make_forecast_windows,
    make_windows,
    per_step_errors,
    to_long,
    to_wide,
)

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


def ref_error_frame(targets, yhat, n_timesteps):
    """Row r, horizon h: the forecast of row r from window w = r - n_timesteps - h."""
    n_rows, n_features = targets.shape
    n_windows, n_horizon, _ = yhat.shape
    names = [f"f{f}" for f in range(n_features)]
    out = {}
    for f in range(n_features):
        out[names[f]] = [targets[r, f] for r in range(n_rows)]

    def window(r, h):
        w = r - n_timesteps - h
        return w if 0 <= w < n_windows else None

    for f in range(n_features):
        for h in range(n_horizon):
            col = []
            for r in range(n_rows):
                w = window(r, h)
                col.append(np.nan if w is None else yhat[w, h, f])
            out[f"{names[f]}_t{h}_yhat"] = col
    for f in range(n_features):
        for h in range(n_horizon):
            col = []
            for r in range(n_rows):
                w = window(r, h)
                col.append(np.nan if w is None else targets[r, f] - yhat[w, h, f])
            out[f"{names[f]}_t{h}_error"] = col
    for h in range(n_horizon):
        for a in ("avg", "med", "min", "max", "rng"):
            out[f"t{h}_error_{a}"] = []
        for r in range(n_rows):
            errs = [abs(out[f"{n}_t{h}_error"][r]) for n in names]
            if window(r, h) is None:
                for a in ("avg", "med", "min", "max", "rng"):
                    out[f"t{h}_error_{a}"].append(np.nan)
                continue
            out[f"t{h}_error_avg"].append(sum(errs) / len(errs))
            out[f"t{h}_error_med"].append(float(np.median(errs)))
            out[f"t{h}_error_min"].append(min(errs))
            out[f"t{h}_error_max"].append(max(errs))
            out[f"t{h}_error_rng"].append(max(errs) - min(errs))
    return pd.DataFrame(out, index=range(n_rows))


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
    n_windows = n_rows - n_timesteps + 1
    if draw(st.booleans()) and n_windows - n_horizon >= 1:
        n_windows -= n_horizon  # the X of make_forecast_windows
    yhat = draw(arrays(np.float64, (n_windows, n_horizon, n_features), elements=finite))
    return data, yhat, n_timesteps


@settings(max_examples=200, deadline=None)
@given(model_arrays())
def test_to_long_matches_the_loop_reference(array):
    got, want = to_long(array), ref_long(array)
    assert list(got.columns) == list(want.columns)
    np.testing.assert_array_equal(got["row"].to_numpy(), want["row"].to_numpy())
    np.testing.assert_array_equal(got["value"].to_numpy(), want["value"].to_numpy())
    for col in ("feature", "timestep", "label"):
        assert isinstance(got[col].dtype, pd.CategoricalDtype)  # no Python string per row
        assert got[col].astype(str).tolist() == want[col].astype(str).tolist()


@settings(max_examples=200, deadline=None)
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
    with pytest.raises(TypeError, match="feature_names must be a list of 2 strings"):
        to_long(np.zeros((2, 3, 2)), feature_names="ab")  # not the names 'a' and 'b'
    with pytest.raises(TypeError, match="feature_names must be strings"):
        to_long(np.zeros((2, 3, 2)), feature_names=[0, 1])


def ref_wide(df_long):
    """Plain loops: one row per row id (sorted), one column per label in first-seen order."""
    rows = sorted(set(df_long["row"]))
    labels = []
    for label in df_long["label"]:
        if label not in labels:
            labels.append(label)
    cells = {}
    for r, lab, v in zip(df_long["row"], df_long["label"], df_long["value"], strict=True):
        cells[(r, lab)] = v
    return [[cells[(r, lab)] for lab in labels] for r in rows], rows, [str(x) for x in labels]


@settings(max_examples=200, deadline=None)
@given(model_arrays(), st.randoms(use_true_random=False), st.data())
def test_to_wide_matches_a_loop_and_refuses_a_missing_pair(array, rnd, data):
    """Any row order and row ids; a (row, label) pair taken out is refused, never a NaN."""
    df = to_long(array)
    order = list(range(len(df)))
    rnd.shuffle(order)
    df = df.iloc[order].reset_index(drop=True)
    df["row"] = df["row"] * data.draw(st.sampled_from([1, -3, 7]))  # any ids, any order
    values, rows, labels = ref_wide(df)
    wide = to_wide(df)
    assert wide.index.tolist() == rows and wide.columns.tolist() == labels
    np.testing.assert_array_equal(wide.to_numpy(), values)
    if array.shape[0] > 1 and array.shape[1] * array.shape[2] > 1:  # the row and label stay
        gone = data.draw(st.integers(0, len(df) - 1))
        with pytest.raises(ValueError, match=r"df_long lacks 1 \(row, label\) pair"):
            to_wide(df.drop(index=gone))


def test_to_wide_refuses_a_missing_pair_or_a_nan_row_id():
    df = to_long(np.arange(12.0).reshape(2, 3, 2))
    with pytest.raises(ValueError, match=r"lacks 1 .* for row 0, e.g. label 'f0_t0'"):
        to_wide(df.iloc[1:])  # 0.2 put a NaN in that cell
    nan_row = df.astype({"row": float})
    nan_row.loc[0, "row"] = np.nan
    with pytest.raises(ValueError, match=r"df_long\['row'\] must not hold NaN"):
        to_wide(nan_row)  # 0.2 kept a NaN row and dropped nothing
    nan_label = df.astype({"label": object})
    nan_label.loc[3, "label"] = None
    with pytest.raises(ValueError, match=r"df_long\['label'\] must not hold NaN"):
        to_wide(nan_label)


def test_to_wide_rejects_duplicates_and_missing_columns():
    df = to_long(np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match="repeated"):
        to_wide(pd.concat([df, df.iloc[:1]]))
    with pytest.raises(ValueError, match="missing \\['value'\\]"):
        to_wide(df.drop(columns="value"))
    with pytest.raises(TypeError, match="DataFrame"):
        to_wide(df.to_numpy())


@settings(max_examples=200, deadline=None)
@given(forecast_cases())
def test_error_frame_matches_the_loop_reference(case):
    data, yhat, n_timesteps = case
    got = error_frame(data, yhat, n_timesteps)
    want = ref_error_frame(data, yhat, n_timesteps)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_index_type=False, atol=1e-9, rtol=1e-9)


def test_error_frame_semantics_on_a_readable_example():
    # 7 timesteps != 3 features; horizon 4; one forecast per input window.
    targets = np.arange(20 * 3, dtype=float).reshape(20, 3)  # value = 3 * row + feature
    n_timesteps, n_horizon = 7, 4
    yhat = np.zeros((20 - n_timesteps + 1, n_horizon, 3))
    yhat[0, 2, 1] = 100.0  # window 0 (rows 0..6), horizon 2: forecasts row 0 + 7 + 2 = 9
    df = error_frame(targets, yhat, n_timesteps)
    assert len(df) == 20 and df.index[0] == 0 and df.index[-1] == 19  # one row per row
    assert df.loc[9, "f1_t2_yhat"] == 100.0  # stamped at the row it is about
    assert df.loc[9, "f1_t2_error"] == targets[9, 1] - 100.0
    assert df.loc[9, "f1"] == targets[9, 1]
    # Row r at horizon h comes from window r - 7 - h: none for r < 7 + h.
    assert df.loc[:6, [c for c in df.columns if "_t" in c]].isna().all().all()
    assert df.loc[7, "f0_t0_error"] == targets[7, 0] and pd.isna(df.loc[7, "f0_t1_error"])
    assert df.loc[10, ["f0_t3_yhat", "t3_error_avg"]].notna().all()
    # Aggregates are of ABSOLUTE errors across features only: row 9, horizon 2 has
    # errors 27, 28 - 100 = -72, 29; a signed mean would be -5.33.
    assert df.loc[9, "t2_error_avg"] == pytest.approx((27 + 72 + 29) / 3)
    assert df.loc[9, "t2_error_med"] == 29.0
    assert (df.loc[9, "t2_error_min"], df.loc[9, "t2_error_max"]) == (27.0, 72.0)
    assert df.loc[9, "t2_error_rng"] == 45.0


def test_error_frame_with_make_forecast_windows_lines_up_with_its_targets():
    rng = np.random.default_rng(3)
    targets = rng.random((40, 2))
    X, Y = make_forecast_windows(targets, 5, 3)
    df = error_frame(targets, np.asarray(Y), 5)  # a perfect forecaster: yhat = Y
    errors = df[[c for c in df.columns if c.endswith("_error")]]
    assert np.nanmax(np.abs(errors.to_numpy())) == 0.0
    assert errors.notna().any(axis=1).sum() == 40 - 5  # every row after the first window
    # With the shorter yhat the last n_horizon - 1 - h rows have no forecast at horizon h.
    assert df["t0_error_avg"].notna().sum() == len(X)
    assert df["t2_error_avg"].notna().sum() == len(X)
    assert pd.isna(df["t0_error_avg"].iloc[-1]) and pd.isna(df["t1_error_avg"].iloc[-1])


@settings(max_examples=40)
@given(forecast_cases(), st.data())
def test_error_frame_row_r_is_computable_at_time_r(case, data):
    """Causality: row r depends on targets[r] and on yhat[w] for w <= r - n_timesteps only.

    Changing targets after row r, or the forecast of any window that ends at r or later
    (w > r - n_timesteps), never changes row r.
    """
    targets, yhat, n_timesteps = case
    n_rows = len(targets)
    r = data.draw(st.integers(0, n_rows - 1))
    before = error_frame(targets, yhat, n_timesteps).iloc[: r + 1]
    targets2, yhat2 = targets.copy(), yhat.copy()
    targets2[r + 1 :] += data.draw(st.floats(1, 1e3))
    yhat2[max(r - n_timesteps + 1, 0) :] -= data.draw(st.floats(1, 1e3))
    after = error_frame(targets2, yhat2, n_timesteps).iloc[: r + 1]
    pd.testing.assert_frame_equal(before, after)


def test_error_frame_uses_dataframe_names_and_index():
    idx = pd.date_range("2026-01-01", periods=12, freq="h", tz="Europe/Paris")
    data = pd.DataFrame(np.random.default_rng(0).random((12, 2)), index=idx, columns=["cpu", "mem"])
    df = error_frame(data, np.zeros((10, 3, 2)), 3)
    assert df.index.equals(idx) and len(df) == 12
    assert list(df.columns[:4]) == ["cpu", "mem", "cpu_t0_yhat", "cpu_t1_yhat"]
    assert "mem_t2_error" in df.columns and "f0" not in df.columns


def test_error_frame_refuses_feature_names_that_clash_with_output_columns():
    data = pd.DataFrame(np.zeros((12, 2)), columns=["t0_error_avg", "x"])
    with pytest.raises(ValueError, match=r"appear twice: \['t0_error_avg'\]"):
        error_frame(data, np.zeros((10, 1, 2)), 3)
    data = pd.DataFrame(np.zeros((12, 2)), columns=["a", "a_t0_yhat"])
    with pytest.raises(ValueError, match="a_t0_yhat"):
        error_frame(data, np.zeros((10, 1, 2)), 3)


def test_error_frame_accepts_the_forecast_of_every_input_window():
    data = np.random.default_rng(1).random((30, 4))
    windows = make_windows(data, 6)
    df = error_frame(data, np.asarray(windows)[:, :2, :], 6)  # any (25, 2, 4) forecast
    assert len(df) == 30


@pytest.mark.parametrize(
    ("yhat_shape", "match"),
    [
        ((24, 3, 4), r"yhat must have shape \(25 or 22, 3, 4\).*got \(24, 3, 4\)"),
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


def test_error_frame_rejects_nan_empty_short_and_masked_data():
    data = np.zeros((30, 4))
    bad = np.zeros((25, 3, 4))
    bad[3, 1, 2] = np.nan
    with pytest.raises(ValueError, match="yhat must be finite"):
        error_frame(data, bad, 6)
    data_nan = data.copy()
    data_nan[5, 0] = np.nan
    with pytest.raises(ValueError, match="targets must be finite"):
        error_frame(data_nan, np.zeros((25, 3, 4)), 6)
    with pytest.raises(ValueError, match="must not be empty"):
        error_frame(np.zeros((0, 4)), np.zeros((1, 1, 4)), 1)
    with pytest.raises(ValueError, match="longer than targets"):
        error_frame(np.zeros((3, 4)), np.zeros((1, 1, 4)), 6)
    with pytest.raises(TypeError, match="masked array"):
        error_frame(np.ma.masked_array(data, mask=data > 1), np.zeros((25, 3, 4)), 6)
    with pytest.raises(TypeError, match="n_timesteps must be an integer"):
        error_frame(data, np.zeros((25, 3, 4)), 6.0)


def test_per_step_errors_are_absolute_and_average_over_features_only():
    y = np.zeros((4, 6, 3))
    yhat = np.zeros((4, 6, 3))
    yhat[2, 5] = [3.0, -3.0, 0.0]  # opposite signs must not cancel
    err = per_step_errors(y, yhat)
    assert err.shape == (4, 6)
    assert err[2, 5] == pytest.approx(2.0)
    assert np.count_nonzero(err) == 1


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 7), st.integers(1, 4)),
        elements=st.floats(-100, 100),
    )
)
def test_per_step_errors_match_a_loop(y):
    yhat = y[::-1]
    want = [
        [
            sum(abs(y[w, t, f] - yhat[w, t, f]) for f in range(y.shape[2])) / y.shape[2]
            for t in range(y.shape[1])
        ]
        for w in range(y.shape[0])
    ]
    np.testing.assert_allclose(per_step_errors(y, yhat), want)


@pytest.mark.parametrize(
    ("y", "yhat", "exc", "match"),
    [
        (np.zeros((3, 4, 2)), np.zeros((3, 4, 1)), ValueError, "same shape"),
        (np.zeros(5), np.zeros(5), ValueError, "y must have shape"),
        (np.full((3, 4, 2), -np.inf), np.zeros((3, 4, 2)), ValueError, "y must not hold inf"),
        (np.zeros((3, 4, 2)), np.full((3, 4, 2), np.inf), ValueError, "yhat must not hold inf"),
        (np.zeros((0, 4, 2)), np.zeros((0, 4, 2)), ValueError, "must not be empty"),
        (np.zeros((3, 4)), np.ma.zeros((3, 4)), TypeError, "yhat must be a plain array"),
        (np.zeros((3, 4)), np.full((3, 4), "a"), TypeError, "yhat must hold numbers"),
    ],
)
def test_bad_error_inputs_raise(y, yhat, exc, match):
    with pytest.raises(exc, match=match):
        per_step_errors(y, yhat)


def test_float16_inputs_are_computed_in_float64():
    y = np.full((2, 3), 60000, dtype=np.float16)
    yhat = np.full((2, 3), -60000, dtype=np.float16)
    assert np.isfinite(per_step_errors(y, yhat)).all()  # 120000 overflows float16


# --- extreme values, order, and every bad input (issue 26) --------------------------------

finite_any = st.floats(allow_nan=False, allow_infinity=False)  # 5e-324 .. 1.8e308, both signs


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)).flatmap(
        lambda shape: st.tuples(
            arrays(np.float64, shape, elements=finite_any),
            arrays(np.float64, shape, elements=finite_any),
        )
    )
)
def test_per_step_errors_are_exact_at_any_scale_or_refused_beyond_float64(pair):
    """Exact reference in fractions: a mean error that fits in float64 is given, else refused."""
    y, yhat = pair
    n_features = y.shape[2]
    want = [
        [
            sum(abs(Fraction(y[w, t, f]) - Fraction(yhat[w, t, f])) for f in range(n_features))
            / n_features
            for t in range(y.shape[1])
        ]
        for w in range(y.shape[0])
    ]
    try:
        [float(value) for row in want for value in row]
        too_big = False
    except OverflowError:  # the mean, rounded to float64, is beyond its range
        too_big = True
    if too_big:
        with pytest.raises(ValueError, match="y and yhat differ by more than float64 can hold"):
            per_step_errors(y, yhat)
        return
    got = per_step_errors(y, yhat)
    for w, row in enumerate(want):
        for t, value in enumerate(row):
            assert math.isclose(got[w, t], float(value), rel_tol=1e-12, abs_tol=1e-320)


def test_errors_near_the_float64_limit_are_computed_not_inf():
    # 0.2: |1e308 - (-1e308)| overflowed to inf in every mean, min, max and median.
    y = np.array([[[1e308, 0.0]]])
    assert per_step_errors(y, -y).tolist() == [[1e308]]  # (2e308 + 0) / 2
    with pytest.raises(ValueError, match="differ by more than float64 can hold"):
        per_step_errors(np.array([[1e308]]), np.array([[-1e308]]))  # 2e308 itself
    targets = np.array([[0.0, 0.0], [1.7e308, -1.7e308], [1.7e308, 1.7e308]])
    yhat = np.array([[[0.0, 0.0]], [[0.1e308, 0.2e308]]])  # window w forecasts row w + 1
    frame = error_frame(targets, yhat, 1)
    for column, value in [("avg", 1.7e308), ("med", 1.7e308), ("rng", 0.0)]:
        assert frame.loc[1, f"t0_error_{column}"] == pytest.approx(value)  # sums of 3.4e308
    for column, value in [("avg", 1.55e308), ("med", 1.55e308), ("rng", 0.1e308)]:
        assert frame.loc[2, f"t0_error_{column}"] == pytest.approx(value)
    assert np.isfinite(frame.to_numpy()[1:]).all()
    with pytest.raises(ValueError, match=r"targets and yhat differ .* row 2, feature 'f1'"):
        error_frame(targets, np.array([[[0.0, 0.0]], [[0.0, -1.7e308]]]), 1)


def test_error_frame_names_targets_for_duplicate_columns_and_refuses_time_disorder():
    targets = pd.DataFrame(np.zeros((6, 2)), columns=["a", "a"])
    with pytest.raises(ValueError, match="targets' column names must be unique"):
        error_frame(targets, np.zeros((6, 1, 2)), 1)  # 0.2 blamed 'feature_names'
    backwards = pd.DataFrame(np.zeros((6, 1)), index=pd.date_range("2024", periods=6)[::-1])
    with pytest.raises(ValueError, match=r"targets\.index must be in time order"):
        error_frame(backwards, np.zeros((6, 1, 1)), 1)


GOOD = {
    "per_step_errors": (
        per_step_errors,
        {"y": np.ones((4, 3, 2)), "yhat": np.zeros((4, 3, 2))},
    ),
    "to_long": (to_long, {"array": np.ones((3, 5, 2)), "feature_names": ["a", "b"]}),
    "to_wide": (to_wide, {"df_long": to_long(np.arange(12.0).reshape(3, 2, 2))}),
    "error_frame": (
        error_frame,
        {"targets": np.ones((30, 2)), "yhat": np.zeros((26, 5, 2)), "n_timesteps": 5},
    ),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand.
ACCEPTED = {
    "per_step_errors": {},
    "to_long": {"feature_names": {"None"}},
    "to_wide": {},
    "error_frame": {},
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(GOOD, ACCEPTED)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(1, 3), st.data())
def test_nan_gives_nan_errors_exactly_where_it_is_used(n_windows, n_timesteps, n_features, data):
    shape = (n_windows, n_timesteps, n_features)
    size = n_windows * n_timesteps * n_features
    cell = st.floats(-1e6, 1e6) | st.just(float("nan"))
    y = np.array(data.draw(st.lists(cell, min_size=size, max_size=size)))
    yhat = np.array(data.draw(st.lists(cell, min_size=size, max_size=size)))
    y, yhat = y.reshape(shape), yhat.reshape(shape)
    got = lh.per_step_errors(y, yhat)
    for w in range(n_windows):  # the loop reference
        for t in range(n_timesteps):
            pairs = [(y[w, t, f], yhat[w, t, f]) for f in range(n_features)]
            if any(math.isnan(a) or math.isnan(b) for a, b in pairs):
                assert math.isnan(got[w, t])
            else:
                want = sum(abs(a - b) for a, b in pairs) / n_features
                assert got[w, t] == pytest.approx(want, rel=1e-12, abs=1e-9)
    with pytest.raises(ValueError, match="yhat must not hold inf"):
        lh.per_step_errors(np.zeros((1, 2)), np.array([[0.0, np.inf]]))
