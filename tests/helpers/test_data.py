"""The synthetic data generators of notebooks 1 and 2."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import sine_with_spikes, smooth_random_metrics


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
    from lstm_helpers import coupled_metrics

    data = coupled_metrics(n_rows=700, n_features=4, seed=3)
    assert data.shape == (700, 4) and np.isfinite(data).all()
    np.testing.assert_array_equal(data, coupled_metrics(n_rows=700, n_features=4, seed=3))
    assert not np.array_equal(data, coupled_metrics(n_rows=700, n_features=4, seed=4))


def test_coupled_metrics_features_follow_the_leader_with_their_lag():
    from lstm_helpers import coupled_metrics

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
    from lstm_helpers import coupled_metrics

    data = coupled_metrics(n_rows=3000, n_features=5, seed=0)
    corr = np.corrcoef(data.T)
    off_diagonal = np.abs(corr[~np.eye(5, dtype=bool)])
    assert off_diagonal.max() > 0.5  # shared drivers: some features clearly move together
    z = (data[:, 0] - data[:, 0].mean()) / data[:, 0].std()
    assert np.corrcoef(z[:-50], z[50:])[0, 1] > np.corrcoef(z[:-25], z[25:])[0, 1]  # period 50


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_rows": 0}, "n_rows must be an integer >= 1"),
        ({"period": 1}, "period must be >= 2"),
        ({"lag_step": -1}, "lag_step must be an integer >= 0"),
        ({"noise": float("nan")}, "noise must be finite"),
        ({"noise": -0.1}, "noise must be a finite float >= 0"),
    ],
)
def test_coupled_metrics_bad_input(kwargs, match):
    from lstm_helpers import coupled_metrics

    with pytest.raises(ValueError, match=match):
        coupled_metrics(**kwargs)


def test_decouple_keeps_each_feature_normal_but_breaks_the_relation():
    from lstm_helpers import coupled_metrics, decouple

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
    from lstm_helpers import coupled_metrics, decouple

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
        ({"ramp": -1}, "ramp must be an integer >= 0"),
    ],
)
def test_decouple_bad_input(kwargs, match):
    from lstm_helpers import decouple

    args = {"start": 100, "length": 100, **kwargs}
    with pytest.raises(ValueError, match=match):
        decouple(np.random.default_rng(0).random((1000, 3)), **args)
