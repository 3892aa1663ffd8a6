"""The synthetic data generators of notebooks 1 and 2."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from bad_input import sweep_tests
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import (
    coupled_metrics,
    decouple,
    sine_with_spikes,
    smooth_random_metrics,
)


def test_sine_with_spikes_defaults_match_the_walkthrough():
    time, clean, anomalous, idx = sine_with_spikes()
    assert time.shape == clean.shape == anomalous.shape == (1000,)
    assert time[0] == 0.0 and time[-1] == 499.5
    np.testing.assert_allclose(clean, 5 * np.sin(time / 20))
    assert idx.tolist() == [100, 300, 700, 900]
    diff = anomalous - clean
    np.testing.assert_allclose(diff[idx], [10, -8, 12, -10])
    assert np.count_nonzero(diff) == 4


def test_sine_with_spikes_is_parameterised_and_returns_a_copy():
    data = sine_with_spikes(n_points=200, spikes={150: 3.0, 20: -1.0})
    assert data.anomaly_indices.tolist() == [20, 150]
    assert not np.shares_memory(data.clean, data.anomalous)
    assert sine_with_spikes(n_points=50, spikes={}).anomaly_indices.size == 0


@pytest.mark.parametrize("spikes", [{1000: 1.0}, {-1: 1.0}])
def test_spikes_outside_the_series_raise(spikes):
    with pytest.raises(ValueError, match=r"spikes indices must lie in \[0, n_points - 1 = 999\]"):
        sine_with_spikes(spikes=spikes)


def test_smooth_random_metrics_shape_range_and_seed():
    data = smooth_random_metrics()
    assert data.shape == (2000, 5)
    assert np.isfinite(data).all()
    # The mean of sqrt(U) is 2/3; a 1000-row average stays close to it.
    assert np.abs(data - 2 / 3).max() < 0.05
    np.testing.assert_array_equal(data, smooth_random_metrics(seed=0))
    assert not np.array_equal(data, smooth_random_metrics(seed=1))


def test_smooth_random_metrics_rejects_a_window_longer_than_the_data():
    with pytest.raises(ValueError, match="n_rolling must be smaller than n_rows_orig"):
        smooth_random_metrics(n_rows_orig=100, n_rolling=100)


def test_coupled_metrics_shape_seed_and_finite():
    data = coupled_metrics(n_rows=700, n_features=4, seed=3)
    assert data.shape == (700, 4) and np.isfinite(data).all()
    np.testing.assert_array_equal(data, coupled_metrics(n_rows=700, n_features=4, seed=3))
    assert not np.array_equal(data, coupled_metrics(n_rows=700, n_features=4, seed=4))


def test_coupled_metrics_features_follow_the_leader_with_their_lag():
    # One driver, no own noise: feature f is the leader delayed by f * lag_step rows,
    # on its own level and scale, so after standardising it equals the shifted leader.
    data = coupled_metrics(n_rows=1000, n_features=3, n_drivers=1, lag_step=4, noise=0.0, seed=1)
    z = (data - data.mean(0)) / data.std(0)
    for f in (1, 2):
        lag = 4 * f
        r = np.corrcoef(z[: -lag or None, 0], z[lag:, f])[0, 1]
        assert abs(r) > 0.999, (f, r)
        assert abs(np.corrcoef(z[:, 0], z[:, f])[0, 1]) < abs(r)


def test_coupled_metrics_have_a_season_and_shared_structure():
    data = coupled_metrics(n_rows=3000, n_features=5, seed=0)
    corr = np.corrcoef(data.T)
    off_diagonal = np.abs(corr[~np.eye(5, dtype=bool)])
    assert off_diagonal.max() > 0.5  # shared drivers: some features clearly move together
    z = (data[:, 0] - data[:, 0].mean()) / data[:, 0].std()
    assert np.corrcoef(z[:-50], z[50:])[0, 1] > np.corrcoef(z[:-25], z[25:])[0, 1]  # period 50


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_rows": 0}, "n_rows must be >= 1"),
        ({"period": 1}, "period must be >= 2"),
        ({"lag_step": -1}, "lag_step must be >= 0"),
        ({"noise": float("nan")}, "noise must be finite"),
        ({"noise": -0.1}, "noise must be a finite float >= 0"),
    ],
)
def test_coupled_metrics_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        coupled_metrics(**kwargs)


def test_decouple_keeps_each_feature_normal_but_breaks_the_relation():
    data = coupled_metrics(n_rows=2000, n_features=5, seed=0)
    out, mask = decouple(data, start=800, length=300, features=[1, 2], ramp=10, seed=5)
    assert out.shape == data.shape and mask.shape == (2000,)
    assert mask.sum() == 300 and mask[800] and mask[1099] and not mask[799] and not mask[1100]
    np.testing.assert_array_equal(out[~mask], data[~mask])  # nothing outside the segment
    np.testing.assert_array_equal(out[:, [0, 3, 4]], data[:, [0, 3, 4]])  # other features
    seg = out[mask]
    for f in (1, 2):
        # own range and spread: within the feature's normal range, similar std and step size
        assert data[:, f].min() <= seg[:, f].min() and seg[:, f].max() <= data[:, f].max()
        assert 0.5 < seg[:, f].std() / data[:, f].std() < 2
        step_out, step_in = np.abs(np.diff(data[:, f])).mean(), np.abs(np.diff(seg[:, f])).mean()
        assert 0.7 < step_in / step_out < 1.3
    # ... but the relation to the others is gone: the correlation with feature 0 changes
    before = np.corrcoef(data[mask][:, 1], data[mask][:, 0])[0, 1]
    after = np.corrcoef(seg[:, 1], seg[:, 0])[0, 1]
    assert abs(after - before) > 0.3, (before, after)


def test_decouple_crossfades_without_a_jump():
    data = coupled_metrics(n_rows=1500, n_features=3, seed=2)
    out, _ = decouple(data, start=500, length=200, features=1, ramp=20, seed=0)
    steps = np.abs(np.diff(out[:, 1]))
    normal_steps = np.abs(np.diff(data[:, 1]))
    assert steps[495:525].max() < 3 * np.quantile(normal_steps, 0.99)
    assert steps[675:705].max() < 3 * np.quantile(normal_steps, 0.99)
    # ramp=0 replaces outright
    out0, _ = decouple(data, start=500, length=200, features=1, ramp=0, seed=0)
    assert not np.isclose(out0[500, 1], data[500, 1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": 950, "length": 100}, "must fit inside 1000 rows"),
        ({"start": 100, "length": 600}, "no room for a donor stretch"),
        ({"features": [5]}, r"features must be column numbers in \[0, 2\]"),
        ({"features": []}, "features must be column numbers"),
        ({"ramp": 60}, "ramp must be at most length // 2 = 50"),
        ({"ramp": -1}, "ramp must be >= 0"),
    ],
)
def test_decouple_bad_input(kwargs, match):
    args = {"start": 100, "length": 100, **kwargs}
    with pytest.raises(ValueError, match=match):
        decouple(np.random.default_rng(0).random((1000, 3)), **args)


# --- against plain loops, and every bad input (issue 26) -----------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 40),
    st.floats(1e-3, 100) | st.floats(1e300, 1e308),
    st.floats(-100, 100) | st.fractions(-9, 9, max_denominator=4),
    st.floats(1e-3, 1e3) | st.sampled_from([np.float32(7.5), 2]),
    st.data(),
)
def test_sine_with_spikes_matches_a_loop(n_points, step, amplitude, period, data):
    spikes = data.draw(st.dictionaries(st.integers(0, n_points - 1), st.floats(-20, 20)))
    time = [i * step for i in range(n_points)]
    if not all(math.isfinite(t) and math.isfinite(t / float(period)) for t in time):
        with pytest.raises(ValueError, match=r"step=.* and period=.* give a non-finite"):
            sine_with_spikes(n_points, step, amplitude, period, spikes)
        return
    clean = [float(amplitude) * math.sin(t / float(period)) for t in time]
    anomalous = [c + spikes.get(i, 0.0) for i, c in enumerate(clean)]
    got = sine_with_spikes(n_points, step, amplitude, period, spikes)
    np.testing.assert_allclose(got.time, time, rtol=1e-15)
    np.testing.assert_allclose(got.clean, clean, rtol=1e-9, atol=1e-9 * abs(float(amplitude)))
    np.testing.assert_allclose(got.anomalous - got.clean, np.subtract(anomalous, clean), atol=1e-9)
    assert got.anomaly_indices.tolist() == sorted(spikes)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"period": 0}, ValueError, "period must be > 0; got 0"),  # 0.2: a NaN wave
        ({"step": float("nan")}, ValueError, "step must be finite"),  # 0.2: a NaN wave
        ({"amplitude": float("inf")}, ValueError, "amplitude must be finite"),  # 0.2: inf
        ({"spikes": {1.5: 2.0}}, TypeError, "spikes keys must be integer indices"),  # KeyError
        ({"spikes": {3: float("nan")}}, ValueError, r"spikes\[3\] must be finite"),
        ({"amplitude": 1j}, TypeError, "amplitude must be a real number"),
        ({"spikes": [(3, 1.0)]}, TypeError, "spikes must be a mapping"),
        ({"step": "0.5"}, TypeError, "step must be a real number"),
    ],
)
def test_sine_with_spikes_refuses_what_gives_no_wave(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        sine_with_spikes(**kwargs)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 40), st.integers(1, 4), st.data(), st.integers(0, 2**32))
def test_smooth_random_metrics_matches_a_loop(n_rows, n_features, data, seed):
    n_rolling = data.draw(st.integers(1, n_rows - 1))
    raw = np.sqrt(np.random.default_rng(seed).random((n_rows, n_features)))
    want = [
        [sum(raw[r : r + n_rolling, f]) / n_rolling for f in range(n_features)]
        for r in range(n_rows - n_rolling)
    ]
    got = smooth_random_metrics(n_rows, n_features, n_rolling, seed)
    np.testing.assert_allclose(got, np.array(want).reshape(got.shape), rtol=1e-12)


def ref_coupled(n_rows, n_features, n_drivers, period, lag_step, noise, seed):
    """coupled_metrics in plain loops, drawing the same random numbers in the same order."""
    rng = np.random.default_rng(seed)
    max_lag = (n_features - 1) * lag_step
    n_total = n_rows + max_lag + 100

    def ar1(phi, n_cols):
        shocks = rng.normal(0.0, math.sqrt(1 - phi**2), (n_total, n_cols))
        first = rng.normal(0.0, 1.0, n_cols)
        rows = [list(first)]
        for i in range(1, n_total):
            rows.append([phi * rows[-1][c] + shocks[i, c] for c in range(n_cols)])
        return rows

    phases = rng.uniform(0, 2 * math.pi, n_drivers)
    wander = ar1(0.95, n_drivers)
    drivers = [
        [math.sin(2 * math.pi * t / period + phases[d]) + wander[t][d] for d in range(n_drivers)]
        for t in range(n_total)
    ]
    weights = rng.normal(0.0, 1.0, (n_features, n_drivers))
    weights = [[w / math.sqrt(sum(v * v for v in row)) for w in row] for row in weights]
    own = ar1(0.5, n_features)
    levels = rng.uniform(10, 100, n_features)
    scales = rng.uniform(1, 10, n_features)
    start = 100 + max_lag
    out = []
    for r in range(n_rows):
        row = []
        for f in range(n_features):
            t = start - f * lag_step + r
            mix = sum(drivers[t][d] * weights[f][d] for d in range(n_drivers))
            row.append(levels[f] + scales[f] * (mix + noise * own[start + r][f]))
        out.append(row)
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 20),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(2, 60),
    st.integers(0, 3),
    st.floats(0, 2) | st.fractions(0, 2, max_denominator=5),
    st.integers(0, 2**32),
)
def test_coupled_metrics_matches_a_loop(n_rows, n_features, n_drivers, period, lag, noise, seed):
    want = ref_coupled(n_rows, n_features, n_drivers, period, lag, float(noise), seed)
    got = coupled_metrics(n_rows, n_features, n_drivers, period, lag, noise, seed)
    np.testing.assert_allclose(got, want, rtol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(4, 40), st.integers(1, 3), st.data())
def test_decouple_matches_a_loop(n_rows, n_cols, data):
    length = data.draw(st.integers(1, n_rows // 2))
    start = data.draw(st.integers(0, n_rows - length))
    ramp = data.draw(st.integers(0, length // 2))
    features = data.draw(st.lists(st.integers(0, n_cols - 1), min_size=1, max_size=n_cols))
    seed = data.draw(st.integers(0, 2**32))
    values = np.random.default_rng(seed).normal(size=(n_rows, n_cols)) * 1e3
    candidates = [
        d for d in range(n_rows - length + 1) if d + length <= start or d >= start + length
    ]
    if not candidates:
        with pytest.raises(ValueError, match="no room for a donor stretch"):
            decouple(values, start, length, features, ramp, seed)
        return
    donor = int(np.random.default_rng(seed).choice(candidates))
    want = values.copy()
    for i in range(length):
        w = min(1.0, (i + 1) / (ramp + 1), (length - i) / (ramp + 1)) if ramp else 1.0
        for c in set(features):
            want[start + i, c] = (1 - w) * values[start + i, c] + w * values[donor + i, c]
    out, mask = decouple(values, start, length, features, ramp, seed)
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-9)
    assert mask.tolist() == [start <= r < start + length for r in range(n_rows)]


def test_seeds_must_be_reproducible_integers():
    for function in (smooth_random_metrics, coupled_metrics):
        with pytest.raises(ValueError, match="seed must be >= 0; got -1"):
            function(seed=-1)  # 0.2: numpy's "expected non-negative integer"
        with pytest.raises(TypeError, match="seed must be an integer >= 0; got None"):
            function(seed=None)  # 0.2: a random series, different on every run
    with pytest.raises(TypeError, match=r"noise must be a real number; got '0\.3'"):
        coupled_metrics(noise="0.3")  # 0.2: the text was read as a number
    with pytest.raises(ValueError, match="is noise too large"):
        coupled_metrics(noise=1e308)  # 0.2: inf in the metrics
    backwards = pd.DataFrame(np.zeros((20, 2)), index=pd.date_range("2024", periods=20)[::-1])
    with pytest.raises(ValueError, match=r"data\.index must be in time order"):
        decouple(backwards, 2, 5)


GOOD = {
    "sine_with_spikes": (
        sine_with_spikes,
        {"n_points": 50, "step": 0.5, "amplitude": 5.0, "period": 20.0, "spikes": {3: 1.0}},
    ),
    "smooth_random_metrics": (
        smooth_random_metrics,
        {"n_rows_orig": 30, "n_features": 2, "n_rolling": 5, "seed": 0},
    ),
    "coupled_metrics": (
        coupled_metrics,
        {
            "n_rows": 30,
            "n_features": 2,
            "n_drivers": 1,
            "period": 5,
            "lag_step": 1,
            "noise": 0.3,
            "seed": 0,
        },
    ),
    "decouple": (
        decouple,
        {
            "data": np.random.default_rng(0).random((100, 2)),
            "start": 10,
            "length": 10,
            "features": [0],
            "ramp": 2,
            "seed": 0,
        },
    ),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: any finite real
#: where a real is asked, any integer where one is.
REALS = {"f32", "float", "frac", "i64"}
ACCEPTED = {
    "sine_with_spikes": {
        "step": REALS,
        "amplitude": REALS | {"big", "neg", "zero"},
        "period": REALS | {"big"},
    },
    "smooth_random_metrics": {"n_features": {"i64"}, "n_rolling": {"i64"}, "seed": {"i64", "zero"}},
    "coupled_metrics": {
        "n_rows": {"i64"},
        "n_features": {"i64"},
        "n_drivers": {"i64"},
        "period": {"i64"},
        "lag_step": {"i64", "zero"},
        "noise": REALS | {"zero"},
        "seed": {"i64", "zero"},
    },
    "decouple": {
        "data": {"tzseries"},
        "start": {"i64", "zero"},
        "features": {"zero"},
        "ramp": {"i64", "zero"},
        "seed": {"i64", "zero"},
    },
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(GOOD, ACCEPTED)


@pytest.mark.parametrize(
    ("function", "kwargs", "match"),
    [
        (sine_with_spikes, {"n_points": 2**31}, "n_points ask for"),
        (smooth_random_metrics, {"n_rows_orig": 2**20, "n_features": 2**10}, "n_rows_orig and"),
        (coupled_metrics, {"lag_step": 2**31}, "lag_step ask for"),
        (coupled_metrics, {"n_drivers": 2**31}, "n_drivers and lag_step ask for"),
    ],
)
def test_a_huge_request_is_refused_before_any_memory_is_taken(function, kwargs, match):
    # A random huge integer once made coupled_metrics allocate 20 GB (the machine ran out).
    with pytest.raises(ValueError, match=match):
        function(**kwargs)
