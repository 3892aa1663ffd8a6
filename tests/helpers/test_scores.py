"""Scores: window-to-point mappings (causal and offline), localise, smooth, random baselines.

Causal functions are tested by perturbation: changing data after point t never changes
their output at t. Offline ones are tested to look ahead, as documented."""

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
        (np.full((3, 3), np.inf), ValueError, "must not hold inf"),
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


@settings(max_examples=200, deadline=None)
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


def ref_windows_to_points(step_errors, how):
    """Plain loops over the windows covering each point; the mean in exact fractions."""
    n_windows, n_timesteps = step_errors.shape
    out = []
    for p in range(n_windows + n_timesteps - 1):
        covering = [step_errors[w, p - w] for w in range(n_windows) if 0 <= p - w < n_timesteps]
        if how == "max":
            out.append(max(covering))
        else:
            out.append(float(sum(Fraction(e) for e in covering) / len(covering)))
    return out


finite_any = st.floats(allow_nan=False, allow_infinity=False)  # any finite float64


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(1, 6)),
        elements=st.floats(0, 1e3) | st.floats(0, allow_infinity=False),
    ),
    st.sampled_from(["max", "mean"]),
)
def test_windows_to_points_matches_a_loop_at_any_scale(step_errors, how):
    """0.2's mean of errors near 1.8e308 overflowed to inf; the exact mean is given."""
    got = windows_to_points(step_errors, how=how)
    for g, w in zip(got, ref_windows_to_points(step_errors, how), strict=True):
        assert math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-320)


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 15), st.integers(1, 6)), elements=st.floats(0, 9)),
    st.data(),
)
def test_localise_matches_a_loop(step_errors, data):
    n_windows, n_timesteps = step_errors.shape
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n_windows, max_size=n_windows)))
    want = set()
    for w in range(n_windows):
        if mask[w]:  # the first step with the window's largest error
            best = max(range(n_timesteps), key=lambda t, w=w: (step_errors[w, t], -t))
            want.add(w + best)
    assert localise(step_errors, mask).tolist() == sorted(want)
    assert localise(step_errors, np.flatnonzero(mask)).tolist() == sorted(want)


def test_a_point_index_out_of_time_order_is_refused():
    times = pd.date_range("2024-01-01", periods=8, freq="h")
    for function in (causal_scores, windows_to_points):
        with pytest.raises(ValueError, match=r"index must be in time order"):
            function(np.ones((5, 4)), index=times[::-1])
        with pytest.raises(ValueError, match="index must have unique labels"):
            function(np.ones((5, 4)), index=times[[0, 1, 2, 3, 4, 5, 6, 6]])
    with pytest.raises(TypeError, match="flagged must be a boolean mask or integer indices"):
        localise(np.ones((5, 4)), np.array([1, 2], dtype="timedelta64[s]"))


# --- smooth ---------------------------------------------------------------------------


def ref_smooth(scores, length):
    out = []
    for p in range(len(scores)):
        past = scores[p - length + 1 : p + 1] if p >= length - 1 else None
        out.append(np.nan if past is None or np.isnan(past).any() else sum(past) / length)
    return np.array(out)


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 40), elements=st.floats(0, 100) | st.just(np.nan)),
    st.integers(1, 8),
)
def test_smooth_matches_the_loop_reference(scores, length):
    np.testing.assert_allclose(smooth(scores, length), ref_smooth(scores, length), atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 40), elements=st.floats(0, 100) | finite_any),
    st.integers(1, 8),
    st.data(),
)
def test_smooth_is_causal(scores, length, data):
    """At any scale: changing the future (even to values near the float64 limit) never moves
    a past score, not even in its last bit."""
    t = data.draw(st.integers(0, len(scores) - 1))
    future = scores.copy()
    future[t + 1 :] = data.draw(st.floats(1e3, 1e6) | finite_any)
    np.testing.assert_array_equal(smooth(scores, length)[: t + 1], smooth(future, length)[: t + 1])


def test_smooth_keeps_a_series_and_refuses_bad_input():
    s = pd.Series([1.0, 2.0, 3.0], index=[10, 20, 30], name="score")
    out = smooth(s, 2)
    assert out.index.tolist() == [10, 20, 30] and out.name == "score"
    assert out.tolist()[1:] == [1.5, 2.5]
    with pytest.raises(ValueError, match="length must be >= 1"):
        smooth(s, 0)
    with pytest.raises(ValueError, match="scores must not hold inf"):
        smooth(np.array([1.0, np.inf]), 1)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        smooth(np.zeros((2, 2)), 1)


def ref_exact_smooth(scores, length):
    """The trailing mean in exact fractions, rounded once (None where undefined)."""
    out = []
    for p in range(len(scores)):
        past = scores[max(p - length + 1, 0) : p + 1]
        if p < length - 1 or np.isnan(past).any():
            out.append(None)
        else:
            out.append(float(sum(Fraction(x) for x in past) / length))
    return out


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 30), elements=finite_any | st.just(np.nan)),
    st.integers(1, 6),
)
def test_smooth_is_right_at_any_scale(scores, length):
    """0.2 turned every score after a sum near 1.8e308 into NaN (pandas' running sum)."""
    got = smooth(scores, length)
    for g, w in zip(got, ref_exact_smooth(scores, length), strict=True):
        assert (w is None and np.isnan(g)) or math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-300)


def test_smooth_of_huge_scores_is_not_nan_and_refuses_a_reversed_index():
    out = smooth(np.array([1e308, 1e308, 1.0, 2.0, 3.0]), 2)
    np.testing.assert_array_equal(out, [np.nan, 1e308, 5e307, 1.5, 2.5])
    backwards = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024", periods=3)[::-1])
    with pytest.raises(ValueError, match=r"scores\.index must be in time order"):
        smooth(backwards, 2)  # 0.2 averaged by position, backwards in time
    assert np.isnan(smooth(np.arange(3.0), 10**18)).all()  # longer than the scores


GOOD = {
    "causal_scores": (causal_scores, {"step_errors": np.ones((10, 4)), "index": pd.RangeIndex(13)}),
    "windows_to_points": (
        windows_to_points,
        {"step_errors": np.ones((10, 4)), "how": "max", "index": pd.RangeIndex(13)},
    ),
    "localise": (localise, {"step_errors": np.ones((10, 4)), "flagged": np.array([1, 3])}),
    "smooth": (smooth, {"scores": np.arange(48.0), "length": 3}),
    "mean_std_threshold": (mean_std_threshold, {"scores": np.arange(48.0), "k": 2.0}),
    "quantile_threshold": (quantile_threshold, {"scores": np.arange(48.0), "q": 0.9}),
    "max_threshold": (max_threshold, {"scores": np.arange(48.0)}),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: thresholds ignore
#: order and NaN (no score yet); k may be any finite real; no flagged window is no flag.
ACCEPTED = {
    "causal_scores": {"index": {"None"}},
    "windows_to_points": {"index": {"None"}},
    "localise": {"flagged": {"emptyarr", "emptylist"}},
    "smooth": {"scores": {"f16big", "nanlist", "tzseries"}, "length": {"i64"}},
    "mean_std_threshold": {
        "scores": {"f16big", "nanlist", "revseries", "tzseries"},
        "k": {"f32", "float", "frac", "i64", "neg", "zero"},  # 1e308 * std overflows
    },
    "quantile_threshold": {
        "scores": {"f16big", "nanlist", "revseries", "tzseries"},
        "q": {"f32", "frac", "zero"},
    },
    "max_threshold": {"scores": {"f16big", "nanlist", "revseries", "tzseries"}},
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(GOOD, ACCEPTED)


# -------------------- Thresholds: mean + k std, quantile and max of calibration scores.


def test_thresholds():
    scores = np.array([1.0, 2.0, 3.0, 4.0])
    assert mean_std_threshold(scores, k=2) == pytest.approx(2.5 + 2 * np.std(scores))
    assert mean_std_threshold(scores, k=0) == pytest.approx(2.5)
    assert quantile_threshold(scores, q=1.0) == 4.0
    assert quantile_threshold(scores, q=0.5) == pytest.approx(2.5)
    assert max_threshold(scores) == 4.0


@settings(max_examples=200, deadline=None)
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


def exact_mean_std(values):
    """Mean and population std in exact fractions (the std as a Fraction of its float)."""
    xs = [Fraction(x) for x in values]
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / len(xs)
    if var == 0:
        return mean, Fraction(0)
    e = (var.numerator.bit_length() - var.denominator.bit_length()) // 2  # var / 4**e ~ 1
    return mean, Fraction(math.sqrt(float(var / Fraction(4) ** e))) * Fraction(2) ** e


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 20), elements=finite_any | st.floats(-1e3, 1e3)),
    st.floats(-5, 5) | st.fractions(-5, 5, max_denominator=7) | st.integers(-3, 3),
)
def test_mean_std_threshold_is_exact_at_any_scale_for_any_real_k(scores, k):
    """Squares of 1e200 overflow, of 1e-200 underflow: scaled first, so neither matters."""
    mean, std = exact_mean_std(scores)
    exact = mean + Fraction(k) * std
    try:
        want = float(exact)
    except OverflowError:  # mean + k std is beyond float64
        with pytest.raises(ValueError, match="mean \\+ k \\* std does not fit in float64"):
            mean_std_threshold(scores, k)
        return
    got = Fraction(mean_std_threshold(scores, k))
    assert (
        got == Fraction(want)
        or abs(got - exact)
        <= abs(exact) / 10**9
        + (
            abs(mean) + abs(Fraction(k)) * std  # cancellation: relative to the terms
        )
        / 10**12
    )
    assert max_threshold(scores) == max(scores)


def ref_quantile(values, q):
    """numpy's default ("linear"): between the sorted values around position q (n - 1)."""
    xs = sorted(Fraction(x) for x in values)
    h = Fraction(q) * (len(xs) - 1)
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return float(xs[lo] + (h - lo) * (xs[hi] - xs[lo]))


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 20), elements=finite_any | st.just(np.nan)).filter(
        lambda a: not np.isnan(a).all()
    ),
    st.floats(0, 1),
)
def test_quantile_threshold_matches_a_loop_at_any_scale(scores, q):
    """0.2 gave -inf for the median of [-1.7e308, 1.7e308] (true value 0)."""
    want = ref_quantile(scores[~np.isnan(scores)], q)
    span = float(np.nanmax(np.abs(scores)))
    assert math.isclose(quantile_threshold(scores, q), want, rel_tol=1e-9, abs_tol=1e-15 * span)


@pytest.mark.parametrize(
    ("scores", "k", "want"),
    [
        ([1e200, 0.0, 0.0], 2, 1.2761423749153967e200),  # 0.2: inf
        ([1e-200, 0.0, 0.0], 2, 1.2761423749153967e-200),  # 0.2: 3.3e-201
        ([1.0, 2.0, 3.0], Fraction(1, 2), 2 + 0.5 * math.sqrt(2 / 3)),  # 0.2: TypeError
        ([1.0, 2.0, 3.0], np.float32(0.5), 2 + 0.5 * math.sqrt(2 / 3)),
    ],
)
def test_mean_std_threshold_examples_of_the_issue(scores, k, want):
    assert mean_std_threshold(scores, k) == pytest.approx(want, rel=1e-14)


def test_threshold_beyond_float64_is_refused_and_the_median_of_extremes_is_zero():
    with pytest.raises(ValueError, match="does not fit in float64"):
        mean_std_threshold([1.7e308, -1.7e308], 2)
    assert quantile_threshold([-1.7e308, 1.7e308], 0.5) == 0.0


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


# -------------------- Tail thresholds: the threshold normal scores exceed with probability 1 - q.
# (Imported here, not at the top, so that this section stays one appended block.)

import statistics  # noqa: E402

from hypothesis import settings  # noqa: E402
from scipy import stats  # noqa: E402

from lstm_helpers.scores import MIN_EXCESSES, _gpd_quantile, tail_threshold  # noqa: E402

N_SEEDS = 40  # random samples per hand-worked distribution


def loop_quantile(values, q):
    """numpy's default (linear) quantile, by hand: sorted values, position (n - 1) * q."""
    ordered = sorted(v for v in values if v == v)  # NaN != NaN: drops them
    position = (len(ordered) - 1) * q
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def test_tail_threshold_hand_worked_empirical_and_gaussian():
    # 1..200 at q = 0.995: position 199 * 0.995 = 198.005, between 199 and 200.
    scores = np.arange(1.0, 201.0)
    assert tail_threshold(scores, 0.995) == pytest.approx(199.005)
    assert tail_threshold(scores, 0.995) == quantile_threshold(scores, 0.995)
    # [1, 3]: mean 2, std 1 (ddof=0); at q = Phi(1) the Gaussian threshold is 2 + 1 = 3.
    q = statistics.NormalDist().cdf(1.0)
    assert tail_threshold([1.0, 3.0], q, method="gaussian") == pytest.approx(3.0)
    assert tail_threshold([1.0, 3.0], q, method="gaussian") == pytest.approx(
        mean_std_threshold([1.0, 3.0], k=1.0)
    )


def test_gpd_quantile_hand_worked_and_its_xi_to_zero_limit():
    # t + (sigma / xi) * (ratio ** -xi - 1) with t = 1, sigma = 2, ratio = 1/4:
    assert _gpd_quantile(1.0, 2.0, 0.5, 0.25) == pytest.approx(1 + 4 * (2 - 1))  # = 5
    assert _gpd_quantile(1.0, 2.0, -0.5, 0.25) == pytest.approx(1 - 4 * (0.5 - 1))  # = 3
    limit = 1 - 2 * np.log(0.25)  # xi = 0: the exponential tail, t - sigma * log(ratio)
    assert _gpd_quantile(1.0, 2.0, 0.0, 0.25) == pytest.approx(limit, rel=1e-15)
    for xi in (1e-6, -1e-6, 1e-12, -1e-12, 1e-300):
        # |difference| ~ sigma * xi * log(ratio)^2 / 2 <= 2e-6 at |xi| = 1e-6
        assert _gpd_quantile(1.0, 2.0, xi, 0.25) == pytest.approx(limit, abs=1e-5)
    assert _gpd_quantile(1.0, 2.0, 0.3, 1.0) == 1.0  # ratio 1: the initial threshold itself


@settings(max_examples=300)
@given(
    st.floats(-100, 100),
    st.floats(1e-3, 1e3),
    st.one_of(st.just(0.0), st.floats(1e-6, 2.0), st.floats(-0.9, -1e-6)),
    st.floats(1e-6, 1.0),
)
def test_gpd_quantile_is_the_inverse_of_scipys_tail(start, sigma, xi, ratio):
    # scipy's own inverse survival function of the same generalized Pareto distribution
    reference = start + stats.genpareto.isf(ratio, xi, loc=0.0, scale=sigma)
    assert _gpd_quantile(start, sigma, xi, ratio) == pytest.approx(reference, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("draw", "q", "truth"),
    [
        # Exp(1): every excess is Exp(1) again (xi = 0); the q-quantile is -log(1 - q).
        (lambda rng: rng.exponential(1.0, 5000), 0.999, -np.log(1e-3)),
        # Pareto with tail index 2 (x >= 1): excesses over t are GPD(xi = 1/2, sigma = t / 2);
        # the q-quantile is (1 - q) ** -0.5. q = 0.9999 lies beyond what 5000 points show.
        (lambda rng: (1.0 - rng.random(5000)) ** -0.5, 0.9999, 100.0),
        # |N(0, 1)|: a light tail (xi -> 0 from below only in the limit); true 1 - q/2 normal q.
        (lambda rng: np.abs(rng.normal(size=5000)), 0.9999, stats.norm.ppf(1 - 1e-4 / 2)),
    ],
    ids=["exponential", "pareto", "half-normal"],
)
def test_pot_threshold_finds_known_quantiles(draw, q, truth):
    """Over N_SEEDS random samples the mean estimate is within 3 standard errors of the truth.

    A fixed tolerance would be arbitrary: the estimate's spread depends on the tail (one
    estimate's standard deviation is about 6 % of the truth for the exponential, 37 % for the
    Pareto). Within 3 standard errors of the mean fails with probability 0.3 % for an
    unbiased estimator; and 3 standard errors stay under 20 % of the truth, so a wrong formula
    (sigma / xi swapped, n / n_t inverted, the Gaussian's tail) is caught.
    """
    estimates = np.array(
        [
            tail_threshold(draw(np.random.default_rng(seed)), q, method="pot")
            for seed in range(N_SEEDS)
        ]
    )
    standard_error = estimates.std(ddof=1) / np.sqrt(N_SEEDS)
    assert abs(estimates.mean() - truth) < 3 * standard_error
    assert 3 * standard_error < 0.2 * truth  # the test has power: the band is narrow


def test_gaussian_threshold_finds_a_normal_quantile():
    truth = 3.0 + 2.0 * stats.norm.ppf(0.999)
    estimates = np.array(
        [
            tail_threshold(np.random.default_rng(seed).normal(3.0, 2.0, 500), 0.999, "gaussian")
            for seed in range(N_SEEDS)
        ]
    )
    assert abs(estimates.mean() - truth) < 3 * estimates.std(ddof=1) / np.sqrt(N_SEEDS)


def test_a_gaussian_promise_on_a_heavy_tail_is_broken_and_pot_keeps_it():
    # What the notebook shows on real scores, on a case with a known answer: Exp(1) scores.
    rng = np.random.default_rng(0)
    calibration, later = rng.exponential(1.0, 4000), rng.exponential(1.0, 400_000)
    observed = {
        method: float((later > tail_threshold(calibration, 0.999, method)).mean())
        for method in ("empirical", "gaussian", "pot")
    }
    assert observed["gaussian"] > 3 * 0.001  # mean + 3.09 std = 4.09, P(X > 4.09) = 1.7 %
    assert 0.0005 < observed["pot"] < 0.002
    assert 0.0005 < observed["empirical"] < 0.002


finite_scores = arrays(
    np.float64, st.integers(1, 300), elements=st.floats(-1e3, 1e3, allow_nan=False)
)


@settings(max_examples=300)
@given(finite_scores, st.floats(0.0, 1.0, exclude_min=True, exclude_max=True), st.data())
def test_empirical_tail_threshold_matches_a_loop(scores, q, data):
    if len(scores) < np.ceil(1 / (1 - q) - 1e-9):
        with pytest.raises(ValueError, match=r"needs at least 1 / \(1 - q\)"):
            tail_threshold(scores, q)
        return
    with_nan = scores.copy()
    with_nan[data.draw(st.integers(0, len(scores) - 1))] = np.nan  # a point with no score
    expected = loop_quantile(scores, q)
    assert tail_threshold(scores, q) == pytest.approx(expected, rel=1e-12, abs=1e-9)
    if len(scores) > 1 and len(scores) - 1 >= np.ceil(1 / (1 - q) - 1e-9):
        assert tail_threshold(with_nan, q) == pytest.approx(
            loop_quantile(with_nan, q), rel=1e-12, abs=1e-9
        )


@settings(max_examples=300)
@given(
    arrays(np.float64, st.integers(2, 200), elements=st.floats(-1e3, 1e3, allow_nan=False)),
    st.floats(0.01, 0.99999),
)
def test_gaussian_tail_threshold_matches_a_loop(scores, q):
    mean = sum(scores) / len(scores)
    std = (sum((s - mean) ** 2 for s in scores) / len(scores)) ** 0.5
    expected = mean + statistics.NormalDist().inv_cdf(q) * std
    assert tail_threshold(scores, q, method="gaussian") == pytest.approx(expected, abs=1e-6)


# Score-like samples for the peaks-over-threshold properties: a tail family, a scale, a shift.
FAMILIES = {
    "exponential": lambda rng, n: rng.exponential(1.0, n),
    "pareto": lambda rng, n: (1.0 - rng.random(n)) ** -0.4,
    "half-normal": lambda rng, n: np.abs(rng.normal(size=n)),
    "uniform": lambda rng, n: rng.random(n),
}


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(FAMILIES)),
    st.integers(0, 2**32 - 1),
    st.integers(100, 400),
    st.floats(0.01, 100.0),
    st.floats(-100.0, 100.0),
    st.floats(0.8, 0.98),
    st.data(),
)
def test_pot_threshold_keeps_its_promise_under_its_own_fit(
    family, seed, n, scale, shift, initial_q, data
):
    scores = shift + scale * FAMILIES[family](np.random.default_rng(seed), n)
    # The loop reference: initial threshold, excesses, then the fitted tail's own promise.
    start = loop_quantile(scores, initial_q)
    excesses = np.array([s - start for s in scores if s > start])
    if len(excesses) < MIN_EXCESSES:
        with pytest.raises(ValueError, match="needs at least 10 scores above"):
            tail_threshold(scores, 0.999, method="pot", initial_q=initial_q)
        return
    lowest = 1 - len(excesses) / n  # the initial threshold's own level
    q = np.sort(data.draw(st.lists(st.floats(lowest, 1 - 1e-6), min_size=1, max_size=4)))
    threshold = tail_threshold(scores, q, method="pot", initial_q=initial_q)
    assert threshold.shape == q.shape
    assert (np.diff(threshold) >= 0).all()  # a smaller budget, a higher threshold
    assert (threshold >= start - 1e-9 * max(1.0, abs(start))).all()
    xi, _, sigma = stats.genpareto.fit(excesses, floc=0.0)
    promised = len(excesses) / n * stats.genpareto.sf(threshold - start, xi, 0.0, sigma)
    assert promised == pytest.approx(1 - q, rel=1e-6)


def test_tail_threshold_takes_an_array_of_levels():
    scores = np.random.default_rng(1).exponential(1.0, 2000)
    levels = np.array([[0.99, 0.995], [0.999, 0.9995]])
    for method in ("empirical", "gaussian", "pot"):
        if method == "empirical":
            levels_here = levels.clip(max=0.9995)  # 2000 scores: q up to 1 - 1/2000
        else:
            levels_here = levels
        out = tail_threshold(scores, levels_here, method)
        assert isinstance(out, np.ndarray) and out.shape == (2, 2)
        for index in np.ndindex(2, 2):
            one = tail_threshold(scores, float(levels_here[index]), method)
            assert isinstance(one, float) and one == pytest.approx(out[index], rel=1e-12)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda s: tail_threshold(s, 0.9, method="spot"), ValueError, "method must be one of"),
        (lambda s: tail_threshold(s, 1.0), ValueError, "strictly between 0 and 1.*max_threshold"),
        (lambda s: tail_threshold(s, 0.0), ValueError, "strictly between 0 and 1"),
        (lambda s: tail_threshold(s, np.nan), ValueError, "q must be finite"),
        (lambda s: tail_threshold(s, [0.5, 1.5]), ValueError, "got 1.5"),
        (lambda s: tail_threshold(s, []), ValueError, "at least one level"),
        (lambda s: tail_threshold(s, True), TypeError, "q must be a number"),
        (lambda s: tail_threshold(s, "0.9"), TypeError, "q must be a numeric"),
        (lambda s: tail_threshold(s[:199], 0.995), ValueError, "needs at least 1 / .* = 200"),
        (lambda s: tail_threshold(s[:1], 0.5, "gaussian"), ValueError, "at least 2 scores"),
        (lambda s: tail_threshold(s[:100], 0.999, "pot"), ValueError, "got 2 of 100 scores"),
        (lambda s: tail_threshold(s, 0.9, "pot"), ValueError, "q must be at least 1 - n_t / n"),
        (lambda s: tail_threshold(s, 0.999, "pot", initial_q=1.0), ValueError, "initial_q must"),
        (lambda s: tail_threshold(s, 0.999, "pot", initial_q=None), TypeError, "initial_q must"),
        (lambda s: tail_threshold(np.full(300, 2.0), 0.99, "pot"), ValueError, "too few|got 0"),
        (lambda s: tail_threshold([np.nan, np.nan], 0.5), ValueError, "all are NaN"),
        (lambda s: tail_threshold(np.append(s, np.inf), 0.9), ValueError, "must not hold inf"),
        (lambda s: tail_threshold(s.reshape(50, 10), 0.9), ValueError, "non-empty 1-D"),
    ],
)
def test_bad_tail_threshold_inputs_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call(np.random.default_rng(0).exponential(1.0, 500))


def test_nan_scores_are_ignored_by_every_tail_method():
    scores = np.random.default_rng(2).exponential(1.0, 1000)  # 20 above the 0.98-quantile
    with_nan = np.concatenate([[np.nan], scores[:200], [np.nan, np.nan], scores[200:]])
    for method in ("empirical", "gaussian", "pot"):
        assert tail_threshold(with_nan, 0.995, method) == tail_threshold(scores, 0.995, method)


def test_pot_refuses_excesses_that_are_all_equal():
    scores = np.concatenate([np.zeros(900), np.full(100, 5.0)])  # ties above the 0.8-quantile
    with pytest.raises(ValueError, match="all equal"):
        tail_threshold(scores, 0.999, method="pot", initial_q=0.85)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.data())
def test_nan_window_errors_pass_through_causal_scores_and_are_left_out_of_points(
    n_windows, n_timesteps, data
):
    """A window that held a missing value has NaN errors (its model output is NaN)."""
    errors = np.array(
        data.draw(
            st.lists(
                st.lists(st.floats(0, 1e6), min_size=n_timesteps, max_size=n_timesteps),
                min_size=n_windows,
                max_size=n_windows,
            )
        )
    )
    missing = data.draw(st.lists(st.booleans(), min_size=n_windows, max_size=n_windows))
    errors[np.array(missing, dtype=bool)] = np.nan
    n_points = n_windows + n_timesteps - 1
    causal = lh.causal_scores(errors)
    for p in range(n_points):  # loop references
        w = p - n_timesteps + 1
        if w < 0:
            assert math.isnan(causal[p])
        else:
            assert causal[p] == errors[w, n_timesteps - 1] or (math.isnan(causal[p]) and missing[w])
    for how in ("max", "mean"):
        points = lh.windows_to_points(errors, how)
        for p in range(n_points):
            seen = [
                errors[w, p - w]
                for w in range(n_windows)
                if 0 <= p - w < n_timesteps and not missing[w]
            ]
            if not seen:
                assert math.isnan(points[p])
            elif how == "max":
                assert points[p] == max(seen)
            else:
                assert points[p] == pytest.approx(sum(seen) / len(seen), rel=1e-12)
    flagged = np.ones(n_windows, dtype=bool)
    want = sorted({w + int(np.argmax(errors[w])) for w in range(n_windows) if not missing[w]})
    assert lh.localise(errors, flagged).tolist() == want
