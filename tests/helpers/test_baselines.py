"""Tests of lstm_helpers.baselines: plain-loop references, causality by perturbation, bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from bad_input import sweep_tests
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
        (lambda s: bl.rolling_zscore(s, 1), ValueError, "history must be >= 2"),
        (lambda s: bl.rolling_zscore(s, 2.5), TypeError, "history must be an int"),
        (
            lambda s: bl.rolling_zscore(s.reset_index(drop=True), "1D"),
            TypeError,
            "DatetimeIndex",
        ),
        (lambda s: bl.persistence_error(s, 0), ValueError, "lag must be >= 1"),
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


def test_inf_is_refused():
    s = series(100)
    s.iloc[10] = np.inf
    with pytest.raises(ValueError, match="data must not hold inf"):
        bl.persistence_error(s)
    with pytest.raises(ValueError, match="fit must not hold inf"):
        bl.static_zscore(series(100), s)


def test_nan_gives_nan_where_it_is_used_and_fits_ignore_it():
    # Cleaned NAB series keep NaN over long gaps (ambient_temperature_system_failure,
    # rogue_agent_key_hold): every baseline must score around them, never refuse them.
    s = series(100)
    gap = s.copy()
    gap.iloc[40:43] = np.nan
    for score in (
        bl.static_zscore(gap, s),
        bl.range_check(gap, s),
        bl.seasonal_residual(gap, s, "day"),
    ):  # a point-wise score: NaN exactly at the gap
        assert score.isna().to_numpy().nonzero()[0].tolist() == [40, 41, 42]
    z = bl.rolling_zscore(gap, 5)
    assert z.iloc[40:48].isna().all() and z.iloc[48:].notna().all()  # the gap leaves the history
    assert bl.persistence_error(gap).iloc[40:44].isna().all()
    # Fitting ignores NaN values: the same statistics as without them.
    for fitted in (bl.static_zscore, bl.range_check):
        pd.testing.assert_series_equal(fitted(s, gap), fitted(s, gap.dropna()))
    with pytest.raises(ValueError, match="at least 2 non-NaN values"):
        bl.static_zscore(s, s.where(s.index == s.index[0]))
    with pytest.raises(ValueError, match="at least 1 non-NaN values"):
        bl.range_check(s, s * np.nan)


# --- every baseline against a loop at any scale, time zones, every bad input (issue 26) -----


def exact_mean_std(values, ddof=1):
    """Mean and std (``ddof``) in exact fractions; the std exact to about one part in 1e15."""
    xs = [Fraction(float(x)) for x in values]
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / (len(xs) - ddof)
    if var == 0:
        return mean, Fraction(0)
    e = (var.numerator.bit_length() - var.denominator.bit_length()) // 2
    return mean, Fraction(math.sqrt(float(var / Fraction(4) ** e))) * Fraction(2) ** e


def close(got, want, scale=0.0):
    """Both NaN, or equal to within 1e-9 relative (plus an absolute part ``scale``)."""
    if want is None:
        return math.isnan(got)
    return not math.isnan(got) and abs(Fraction(got) - want) <= abs(want) / 10**9 + scale


def z_of(x, values):
    """|x - mean| / std of ``values`` exactly (None when undefined or a value is NaN), and its
    tolerance."""
    if math.isnan(x) or len(known(values)) < len(values) or len(values) < 2:
        return None, 0
    mean, std = exact_mean_std(values)
    if std == 0:
        return None, 0
    x = Fraction(float(x))
    return abs(x - mean) / std, z_tolerance(x, mean, std, values)


def z_tolerance(x, mean, std, values):
    """What float64 rounding allows: sums are rounded relative to the mean |value| of their
    terms (cancellation), so the mean and the std are known to a few ulps of that, and so
    is x - mean."""
    size = sum(abs(Fraction(float(v))) for v in values) / len(values)
    z = abs(x - mean) / std
    return ((abs(x) + size) / std + z * (1 + size / std)) / 2**40


def fits(values):
    """Whether every exact value rounds into float64."""
    try:
        [float(v) for v in values if v is not None]
    except OverflowError:
        return False
    return True


@st.composite
def any_scale(draw, n_min=2, n_max=16):
    """Values at one random scale from 2**-1070 to 2**1013, or anywhere in float64's range;
    in about half the examples some of them are NaN (missing values are accepted)."""
    n = draw(st.integers(n_min, n_max))
    if draw(st.booleans()):
        base = draw(st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n))
        values = np.ldexp(np.array(base), draw(st.integers(-1070, 1013)))
    else:
        values = np.array(draw(st.lists(finite_any, min_size=n, max_size=n)))
    if draw(st.booleans()):
        values[draw(st.lists(st.integers(0, n - 1), max_size=n // 2 + 1))] = np.nan
    return values


def known(values):
    """The non-NaN values."""
    return [v for v in values if not math.isnan(v)]


finite_any = st.floats(allow_nan=False, allow_infinity=False)


def check_against(function, want, tol):
    """``function()`` equals ``want`` point by point, or is refused when a value overflows."""
    if not fits(want):
        with pytest.raises(ValueError, match="does not fit in float64"):
            function()
        return
    got = function().to_numpy()
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert close(g, w, tol[i]), (i, g, w)


@settings(max_examples=200, deadline=None)
@given(any_scale(), any_scale())
def test_static_zscore_matches_a_loop_at_any_scale(data, fit):
    """0.2 gave 0 for every z-score of data near 1e300 (its std overflowed), and refused a fit
    whose std is about 1e-200 as "zero std"."""
    if len(known(fit)) < 2 or exact_mean_std(known(fit))[1] == 0:
        with pytest.raises(ValueError, match="non-zero std"):
            bl.static_zscore(pd.Series(data), pd.Series(fit))
        return
    mean, std = exact_mean_std(known(fit))  # fitting ignores NaN
    want = [None if math.isnan(x) else abs(Fraction(float(x)) - mean) / std for x in data]
    tol = [
        0 if math.isnan(x) else z_tolerance(Fraction(float(x)), mean, std, known(fit)) for x in data
    ]
    check_against(lambda: bl.static_zscore(pd.Series(data), pd.Series(fit)), want, tol)


@settings(max_examples=200, deadline=None)
@given(any_scale(n_max=20), st.integers(2, 6))
def test_rolling_zscore_matches_a_loop_at_any_scale(values, history):
    pairs = [z_of(values[t], values[max(0, t - history) : t]) for t in range(len(values))]
    want, tol = [w for w, _ in pairs], [t for _, t in pairs]
    check_against(lambda: bl.rolling_zscore(pd.Series(values), history), want, tol)


@settings(max_examples=200, deadline=None)
@given(any_scale(n_max=20), st.data())
def test_rolling_zscore_by_the_clock_matches_a_loop(values, data):
    """A time history holds the values in [t - history, t) by the clock, across gaps."""
    gaps = data.draw(st.lists(st.integers(1, 4), min_size=len(values), max_size=len(values)))
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.cumsum(gaps), unit="h")
    span = pd.Timedelta(hours=data.draw(st.integers(1, 8)))
    pairs = [
        z_of(
            values[t],
            [v for s, v in zip(times, values, strict=True) if times[t] - span <= s < times[t]],
        )
        for t in range(len(values))
    ]
    want, tol = [w for w, _ in pairs], [t for _, t in pairs]
    check_against(lambda: bl.rolling_zscore(pd.Series(values, index=times), span), want, tol)


@settings(max_examples=200, deadline=None)
@given(any_scale(), any_scale(), st.sampled_from(["day", "week"]), st.data())
def test_seasonal_residual_matches_a_loop_and_follows_fit_s_timezone(data, fit, period, draw):
    """Slots are fit's wall clock: the same instants in another timezone, the same residuals.
    0.2 read data's own wall clock (residuals up to 1.21 off on a unit sine)."""
    hours = draw.draw(st.sampled_from([1, 5, 23, 25]))
    fit_times = pd.date_range("2024-03-01", periods=len(fit), freq=f"{hours}h", tz="UTC")
    times = pd.date_range("2024-03-01", periods=len(data), freq=f"{hours}h", tz="UTC")

    def slot(t):
        return (t.hour, t.minute) if period == "day" else (t.day_of_week, t.hour, t.minute)

    by_slot = {}
    for t, v in zip(fit_times, fit, strict=True):
        if not math.isnan(v):  # fitting ignores NaN
            by_slot.setdefault(slot(t), []).append(Fraction(float(v)))
    want, tol = [], []
    for t, v in zip(times, data, strict=True):
        same = sorted(by_slot.get(slot(t), []))
        if not same or math.isnan(v):
            want.append(None)
            tol.append(0)
            continue
        median = (same[(len(same) - 1) // 2] + same[len(same) // 2]) / 2
        want.append(abs(Fraction(float(v)) - median))
        tol.append((abs(Fraction(float(v))) + abs(median)) / 10**15)
    zone = draw.draw(st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]))
    fit_s, data_s = pd.Series(fit, index=fit_times), pd.Series(data, index=times.tz_convert(zone))
    check_against(lambda: bl.seasonal_residual(data_s, fit_s, period), want, tol)


@settings(max_examples=200, deadline=None)
@given(any_scale(), st.integers(1, 4), st.booleans())
def test_persistence_error_matches_a_loop_at_any_scale(values, lag, by_time):
    times = pd.date_range("2024-01-01", periods=len(values), freq="h")
    times = times.delete(len(values) // 2).append(
        pd.DatetimeIndex([times[-1] + pd.Timedelta("5h")])
    )
    series = pd.Series(values, index=times)
    want = []
    for i, t in enumerate(times):
        if by_time:
            before = [
                v for s, v in zip(times, values, strict=True) if s == t - pd.Timedelta(hours=lag)
            ]
        else:
            before = [values[i - lag]] if i >= lag else []
        if before and not math.isnan(values[i]) and not math.isnan(before[0]):
            want.append(abs(Fraction(float(values[i])) - Fraction(float(before[0]))))
        else:
            want.append(None)
    tol = [0] * len(values)  # a difference of two floats, rounded once
    check_against(lambda: bl.persistence_error(series, f"{lag}h" if by_time else lag), want, tol)


@settings(max_examples=200, deadline=None)
@given(any_scale(), any_scale())
def test_range_check_matches_a_loop_at_any_scale(data, fit):
    """0.2 gave 0 everywhere when the fit's range (max - min) overflowed."""
    if not known(fit) or min(known(fit)) == max(known(fit)):
        with pytest.raises(ValueError, match="constant"):
            bl.range_check(pd.Series(data), pd.Series(fit))
        return
    lo, hi = Fraction(float(min(known(fit)))), Fraction(float(max(known(fit))))
    want = [
        None
        if math.isnan(x)
        else max(lo - Fraction(float(x)), Fraction(float(x)) - hi, 0) / (hi - lo)
        for x in data
    ]
    tol = [
        0 if math.isnan(x) else (abs(Fraction(float(x))) + abs(lo) + abs(hi)) / (hi - lo) / 10**15
        for x in data
    ]
    check_against(lambda: bl.range_check(pd.Series(data), pd.Series(fit)), want, tol)


def test_the_issue_s_examples():
    # seasonal_residual fitted in UTC and applied to the same instants in US/Eastern
    t = pd.date_range("2024-01-01", periods=24 * 14, freq="h", tz="UTC")
    s = pd.Series(np.sin(np.arange(len(t)) * 2 * np.pi / 24), t)
    same = bl.seasonal_residual(s.tz_convert("US/Eastern"), s, "day")
    np.testing.assert_allclose(same.to_numpy(), bl.seasonal_residual(s, s, "day").to_numpy())
    with pytest.raises(TypeError, match="data has a timezone-naive index but fit is in"):
        bl.seasonal_residual(s.tz_localize(None), s, "day")
    # complex data meant nothing: static_zscore returned the modulus, range_check complex
    for baseline in (bl.static_zscore, bl.range_check):
        with pytest.raises(TypeError, match="data must hold real numbers"):
            baseline(pd.Series([1 + 1j, 2, 3]), pd.Series([1.0, 2.0, 3.0]))
    # float16: z-scores computed (and returned) in float64
    f16 = pd.Series(np.array([60000, -60000, 0], dtype=np.float16))
    out = bl.static_zscore(f16, f16)
    assert out.dtype == np.float64 and out.tolist() == pytest.approx([1.0, 1.0, 0.0])
    # a history of "-1D" or "0s" was all NaN; text without a unit was nanoseconds
    for bad in ("-1D", "0s", "1"):
        with pytest.raises(ValueError, match="history must be"):
            bl.rolling_zscore(series(), bad)
    with pytest.raises(ValueError, match="lag must be"):
        bl.persistence_error(series(), "7")
    # a time history follows the clock: after a gap, the old values drop out
    gap = pd.Series(
        [1.0, 2.0, 3.0, 100.0, 101.0, 102.0],
        index=pd.to_datetime(
            [
                "2024-01-01 00:00",
                "2024-01-01 01:00",
                "2024-01-01 02:00",
                "2024-01-02 00:00",
                "2024-01-02 01:00",
                "2024-01-02 02:00",
            ]
        ),
    )
    z = bl.rolling_zscore(gap, "3h")
    assert np.isnan(z.iloc[3]) and np.isnan(z.iloc[4])  # nothing (then one value) in 3 hours
    assert z.iloc[5] == pytest.approx(abs(102 - 100.5) / np.std([100.0, 101.0], ddof=1))
    assert bl.rolling_zscore(series(), pd.Timedelta("1D")).equals(bl.rolling_zscore(series(), "1D"))


GOOD_S = series(48 * 3)
GOOD = {
    "static_zscore": (bl.static_zscore, {"data": GOOD_S, "fit": GOOD_S}),
    "rolling_zscore": (bl.rolling_zscore, {"data": GOOD_S, "history": 5}),
    "seasonal_residual": (
        bl.seasonal_residual,
        {"data": GOOD_S, "fit": GOOD_S, "period": "day"},
    ),
    "persistence_error": (bl.persistence_error, {"data": GOOD_S, "lag": 1}),
    "range_check": (bl.range_check, {"data": GOOD_S, "fit": GOOD_S}),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: timezone-aware
#: data, with a fit of the same kind where both are compared by time.
ACCEPTED = {
    "static_zscore": {"data": {"tzseries"}, "fit": {"tzseries"}},
    "rolling_zscore": {"data": {"tzseries"}, "history": {"i64"}},
    "seasonal_residual": {},
    "persistence_error": {"data": {"tzseries"}, "lag": {"i64"}},
    "range_check": {"data": {"tzseries"}, "fit": {"tzseries"}},
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(GOOD, ACCEPTED)
