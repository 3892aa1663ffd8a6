"""The synthetic data generators of notebooks 1 and 2."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import break_segment, sine_with_spikes, smooth_random_metrics


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
    with pytest.raises(ValueError, match=r"spike indices must lie in \[0, 999\]"):
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


def test_break_segment_replaces_exactly_the_segment():
    data = smooth_random_metrics(n_rows_orig=600, n_features=3, n_rolling=100)
    broken, mask = break_segment(data, start=120, length=200, seed=3)
    assert broken.shape == data.shape and mask.shape == (500,)
    assert mask.sum() == 200 and mask[120] and mask[319] and not mask[320] and not mask[119]
    np.testing.assert_array_equal(broken[~mask], data[~mask])
    assert (broken[mask] != data[mask]).all()
    assert ((broken[mask] >= 0) & (broken[mask] < 1)).all()


@pytest.mark.parametrize(("start", "length"), [(-1, 10), (95, 10), (0, 101)])
def test_break_segment_must_fit(start, length):
    with pytest.raises(ValueError, match="must fit inside 100 rows"):
        break_segment(np.zeros((100, 2)), start=start, length=length)
