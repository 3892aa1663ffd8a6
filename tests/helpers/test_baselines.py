"""Tests of lstm_helpers.baselines: plain-loop references, causality by perturbation, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import baselines as bl

RNG = np.random.default_rng(0)


def series(n: int = 400, freq: str = "30min", seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=n, freq=freq)
    daily = np.sin(2 * np.pi * np.arange(n) / 48)
    return pd.Series(10 + daily + 0.1 * rng.standard_normal(n), index=index, name="value")


# --- plain-loop references ---------------------------------------------------------------


def test_static_zscore_matches_loop():
    s = series()
    fit = s.iloc[:100]
    mean = sum(fit) / len(fit)
    std = math.sqrt(sum((v - mean) ** 2 for v in fit) / (len(fit) - 1))
    expected = [abs(v - mean) / std for v in s]
    np.testing.assert_allclose(bl.static_zscore(s, fit).to_numpy(), expected)


def test_rolling_zscore_rows_matches_loop():
    s = series(120)
    w = 10
    out = bl.rolling_zscore(s, w)
    v = s.to_numpy()
    for t in range(len(v)):
        past = v[max(0, t - w) : t]
        if len(past) < 2:
            assert np.isnan(out.iloc[t])
            continue
        m, sd = past.mean(), past.std(ddof=1)
        assert out.iloc[t] == pytest.approx(abs(v[t] - m) / sd)


def test_rolling_zscore_time_span_uses_only_earlier_rows():
    s = series(200)
    out = bl.rolling_zscore(s, "5h")  # 10 rows of 30 min
    v = s.to_numpy()
    t = 100
    past = v[t - 10 : t]
    assert out.iloc[t] == pytest.approx(abs(v[t] - past.mean()) / past.std(ddof=1))


def test_seasonal_residual_matches_loop():
    s = series(48 * 21)
    fit = s.iloc[: 48 * 14]
    for period in ("day", "week"):
        out = bl.seasonal_residual(s, fit, period)
        for t in range(0, len(s), 37):
            ts = s.index[t]
            same = [
                v
                for i, v in fit.items()
                if i.hour == ts.hour
                and i.minute == ts.minute
                and (period == "day" or i.day_of_week == ts.day_of_week)
            ]
            assert out.iloc[t] == pytest.approx(abs(s.iloc[t] - float(np.median(same))))


def test_seasonal_residual_is_nan_on_unseen_slots():
    s = series(48 * 10)
    fit = s.iloc[:48]  # one Monday only
    out = bl.seasonal_residual(s, fit, "week")
    assert out.iloc[:48].notna().all() and out.iloc[48 : 48 * 7].isna().all()


def test_persistence_error_matches_loop():
    s = series(100)
    v = s.to_numpy()
    out = bl.persistence_error(s, 3)
    assert out.iloc[:3].isna().all()
    np.testing.assert_allclose(out.iloc[3:], [abs(v[t] - v[t - 3]) for t in range(3, len(v))])


def test_seasonal_naive_looks_up_the_exact_earlier_timestamp():
    s = series(48 * 3).drop(pd.Timestamp("2024-01-01 05:00"))  # a gap
    out = bl.persistence_error(s, "1D")
    assert out.loc[: pd.Timestamp("2024-01-01 23:30")].isna().all()
    assert np.isnan(out.loc[pd.Timestamp("2024-01-02 05:00")])  # its day-ago value is missing
    t = pd.Timestamp("2024-01-02 06:00")
    assert out.loc[t] == pytest.approx(abs(s.loc[t] - s.loc[t - pd.Timedelta("1D")]))


def test_range_check_matches_loop():
    s = series()
    fit = s.iloc[:100]
    lo, hi = min(fit), max(fit)
    expected = [max(lo - v, v - hi, 0) / (hi - lo) for v in s]
    np.testing.assert_allclose(bl.range_check(s, fit).to_numpy(), expected)
    assert (bl.range_check(fit, fit) == 0).all()


def test_dataframes_are_scored_column_by_column():
    a, b = series(seed=1), series(seed=2) * 3
    df = pd.DataFrame({"a": a, "b": b})
    fit = df.iloc[:150]
    pairs = [
        (bl.static_zscore(df, fit), lambda s, f: bl.static_zscore(s, f)),
        (bl.range_check(df, fit), lambda s, f: bl.range_check(s, f)),
        (bl.seasonal_residual(df, fit, "day"), lambda s, f: bl.seasonal_residual(s, f, "day")),
        (bl.rolling_zscore(df, 12), lambda s, f: bl.rolling_zscore(s, 12)),
        (bl.persistence_error(df, "1D"), lambda s, f: bl.persistence_error(s, "1D")),
    ]
    for out, one in pairs:
        assert isinstance(out, pd.DataFrame) and list(out.columns) == ["a", "b"]
        for col in ("a", "b"):
            pd.testing.assert_series_equal(out[col], one(df[col], fit[col]), check_names=False)


# --- causality: changing the future never changes a past score ---------------------------


def scorers(fit: pd.Series):
    return {
        "static_zscore": lambda s: bl.static_zscore(s, fit),
        "rolling_zscore rows": lambda s: bl.rolling_zscore(s, 24),
        "rolling_zscore span": lambda s: bl.rolling_zscore(s, "1D"),
        "seasonal_residual day": lambda s: bl.seasonal_residual(s, fit, "day"),
        "seasonal_residual week": lambda s: bl.seasonal_residual(s, fit, "week"),
        "persistence": lambda s: bl.persistence_error(s, 1),
        "seasonal naive": lambda s: bl.persistence_error(s, "1D"),
        "range_check": lambda s: bl.range_check(s, fit),
    }


@settings(max_examples=25, deadline=None)
@given(
    t0=st.integers(min_value=1, max_value=48 * 16 - 1),
    size=st.floats(min_value=-100, max_value=100).filter(lambda x: abs(x) > 1e-3)
    | st.sampled_from([-50.0, 50.0]),
)
def test_scores_are_causal(t0, size):
    s = series(48 * 16)
    fit = s.iloc[: 48 * 8]
    changed = s.copy()
    changed.iloc[t0:] += size  # change everything from t0 on
    for name, score in scorers(fit).items():
        before, after = score(s), score(changed)
        pd.testing.assert_series_equal(before.iloc[:t0], after.iloc[:t0], obj=name)
        # the test can fail: the score at t0 itself does move (where it is defined)
        if abs(size) > 20 and np.isfinite(before.iloc[t0]):
            assert before.iloc[t0] != after.iloc[t0], name


def test_fitted_baselines_depend_on_fit_only_through_fit():
    s = series(48 * 16)
    fit = s.iloc[: 48 * 8]
    for name, score in scorers(fit).items():
        if name.startswith(("static", "seasonal_residual", "range")):
            moved = score(s)
            other = scorers(fit + 1.0)[name](s)
            assert not moved.equals(other), name  # the fit period does matter...


# --- bad input is refused, naming the argument --------------------------------------------


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda s: bl.static_zscore(s.to_numpy(), s), TypeError, "data must be a pandas"),
        (lambda s: bl.static_zscore(s, s.to_list()), TypeError, "fit must be a pandas"),
        (lambda s: bl.static_zscore(s.iloc[:0], s), ValueError, "data must not be empty"),
        (lambda s: bl.static_zscore(s, s.iloc[:0]), ValueError, "fit must not be empty"),
        (lambda s: bl.static_zscore(s * 0 + 1, s * 0 + 1), ValueError, "non-zero std"),
        (lambda s: bl.range_check(s, s * 0 + 1), ValueError, "constant"),
        (lambda s: bl.rolling_zscore(s.astype(str), 3), TypeError, "data must hold real numbers"),
        (lambda s: bl.rolling_zscore(s, 1), ValueError, "history must be an integer >= 2"),
        (lambda s: bl.rolling_zscore(s, 2.5), TypeError, "history must be an int"),
        (
            lambda s: bl.rolling_zscore(s.reset_index(drop=True), "1D"),
            TypeError,
            "DatetimeIndex",
        ),
        (lambda s: bl.persistence_error(s, 0), ValueError, "lag must be an integer >= 1"),
        (lambda s: bl.persistence_error(s, "-1D"), ValueError, "positive time span"),
        (lambda s: bl.seasonal_residual(s, s, "month"), ValueError, "period must be"),
        (
            lambda s: bl.seasonal_residual(s.reset_index(drop=True), s.reset_index(drop=True)),
            TypeError,
            "DatetimeIndex",
        ),
        (lambda s: bl.static_zscore(s.iloc[::-1], s), ValueError, "time order"),
        (lambda s: bl.static_zscore(pd.concat([s, s]), s), ValueError, "unique"),
        (lambda s: bl.static_zscore(s.to_frame(), s), TypeError, "fit must be a DataFrame"),
        (
            lambda s: bl.static_zscore(s.to_frame("a"), s.to_frame("b")),
            ValueError,
            "columns",
        ),
    ],
)
def test_bad_input_is_refused(call, exc, words):
    with pytest.raises(exc, match=words):
        call(series(100))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_values_are_refused(bad):
    s = series(100)
    s.iloc[10] = bad
    with pytest.raises(ValueError, match="data must be finite"):
        bl.persistence_error(s)
    with pytest.raises(ValueError, match="fit must be finite"):
        bl.static_zscore(series(100), s)
