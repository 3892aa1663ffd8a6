"""Thresholds: mean + k std, quantile and max of calibration scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_helpers import max_threshold, mean_std_threshold, quantile_threshold


def test_thresholds():
    scores = np.array([1.0, 2.0, 3.0, 4.0])
    assert mean_std_threshold(scores, k=2) == pytest.approx(2.5 + 2 * np.std(scores))
    assert mean_std_threshold(scores, k=0) == pytest.approx(2.5)
    assert quantile_threshold(scores, q=1.0) == 4.0
    assert quantile_threshold(scores, q=0.5) == pytest.approx(2.5)
    assert max_threshold(scores) == 4.0


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
