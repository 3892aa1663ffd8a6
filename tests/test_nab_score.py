"""NAB's scoring on small series worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.nab_score import NAB_PROFILES, nab_score, scaled_sigmoid


def sig(y):
    """NAB's scaled sigmoid, written out: 2 * (1 / (1 + e^(5y))) - 1, and -1 beyond y = 3."""
    return -1.0 if y > 3 else 2 / (1 + math.exp(5 * y)) - 1


def flags_at(n, where, index=None):
    f = np.zeros(n, dtype=bool)
    f[list(where)] = True
    return pd.Series(f, index=pd.RangeIndex(n) if index is None else index)


def test_scaled_sigmoid_values():
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert scaled_sigmoid(0.0) == pytest.approx(0.0)
    assert scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert scaled_sigmoid(3.5) == -1.0
    assert np.allclose(scaled_sigmoid([-2.0, 0.3]), [sig(-2.0), sig(0.3)])


def test_profiles_match_nab():
    assert NAB_PROFILES["standard"] == {"tp": 1.0, "fp": 0.11, "fn": 1.0}
    assert NAB_PROFILES["reward_low_FP_rate"] == {"tp": 1.0, "fp": 0.22, "fn": 1.0}
    assert NAB_PROFILES["reward_low_FN_rate"] == {"tp": 1.0, "fp": 0.11, "fn": 2.0}


def test_one_span_by_hand():
    # 20 points; probation floor(0.15 * 20) = 3, so points 0..2 are not scored.
    # Span 5..9 (width 5). Flags at 1 (probation), 4 (before any span), 7 and 8 (inside),
    # 12 and 19 (after the span).
    result = nab_score([(5, 9)], flags_at(20, [1, 4, 7, 8, 12, 19]))
    tp = sig(-(9 - 7 + 1) / 5) / sig(-1.0)  # only the earliest flag in the span counts
    fp = 0.11 * (-1.0 + sig((12 - 9) / (5 - 1)) + sig((19 - 9) / (5 - 1)))
    assert result.spans["part"].iloc[0] == pytest.approx(tp)
    assert result.spans["first_flag"].iloc[0] == 7
    assert result.n_false_positives == 3
    assert result.false_positive_part == pytest.approx(fp)
    assert result.raw == pytest.approx(tp + fp)
    assert (result.null, result.perfect) == (-1.0, 1.0)
    assert result.normalised == pytest.approx(100 * (tp + fp + 1) / 2)


def test_missed_span_costs_fn_weight_per_profile():
    flags = flags_at(20, [])
    for name, weights in NAB_PROFILES.items():
        result = nab_score([(5, 9), (14, 16)], flags, profile=name)
        assert result.raw == pytest.approx(-2 * weights["fn"])
        assert result.normalised == pytest.approx(0.0)  # the null detector scores 0


def test_perfect_detector_scores_100():
    result = nab_score([(5, 9), (14, 16)], flags_at(20, [5, 14]), profile="reward_low_FN_rate")
    assert result.raw == pytest.approx(2.0) and result.normalised == pytest.approx(100.0)


def test_flag_at_span_end_earns_little():
    result = nab_score([(5, 9)], flags_at(20, [9]), probation_fraction=0.0)
    assert result.spans["part"].iloc[0] == pytest.approx(sig(-1 / 5) / sig(-1.0))


def test_probation_drops_early_spans_and_caps_at_750_points():
    # 10,000 points: probation is min(floor(1500), 750) = 750 points.
    flags = flags_at(10_000, [100, 800])
    result = nab_score([(50, 150), (800, 900)], flags)
    assert len(result.spans) == 1  # the first span ends inside probation
    assert result.spans["part"].iloc[0] == pytest.approx(1.0)
    assert result.n_false_positives == 0  # the flag at 100 lies in probation


def test_false_positive_after_width_one_span_uses_distance_two():
    result = nab_score([(5, 5)], flags_at(20, [5, 7]), probation_fraction=0.0)
    assert result.false_positive_part == pytest.approx(0.11 * sig(2.0))


def test_timestamps_and_custom_profile():
    idx = pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC")
    spans = [
        (pd.Timestamp("2024-01-01 05:00", tz="UTC"), pd.Timestamp("2024-01-01 09:00", tz="UTC"))
    ]
    result = nab_score(
        spans, flags_at(20, [6], index=idx), profile={"tp": 2.0, "fp": 1.0, "fn": 3.0}
    )
    assert result.raw == pytest.approx(2.0 * sig(-(9 - 6 + 1) / 5) / sig(-1.0))
    assert (result.null, result.perfect) == (-3.0, 2.0)


@pytest.mark.parametrize(
    ("spans", "flags", "kwargs", "exc", "match"),
    [
        ([(5, 9)], np.zeros(20, dtype=bool), {}, TypeError, "pandas Series"),
        ([(5, 9)], pd.Series(np.zeros(20)), {}, TypeError, "booleans"),
        ([(5, 9)], pd.Series([], dtype=bool), {}, ValueError, "empty"),
        ([(5, 9)], pd.Series([True, False], index=[1, 0]), {}, ValueError, "sorted"),
        ([(9, 5)], flags_at(20, []), {}, ValueError, "ends before"),
        ([(5, 9), (8, 12)], flags_at(20, []), {}, ValueError, "overlap"),
        ([(14, 16), (5, 9)], flags_at(20, []), {}, None, None),  # any order is fine
        ([("2024-01-01", "2024-01-02")], flags_at(20, []), {}, TypeError, "number"),
        (
            [(pd.Timestamp("2024-01-01 05:00"), pd.Timestamp("2024-01-01 09:00"))],
            flags_at(20, [], index=pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC")),
            {},
            TypeError,
            "timezone",
        ),
        ([(25, 30)], flags_at(20, []), {}, ValueError, "no point"),
        ([5], flags_at(20, []), {}, TypeError, "pair"),
        ([(0, 1)], flags_at(20, []), {}, ValueError, "probationary"),
        ([(5, 9)], flags_at(20, []), {"profile": "strict"}, ValueError, "profile"),
        ([(5, 9)], flags_at(20, []), {"profile": {"tp": 1.0}}, ValueError, "keys"),
        ([(5, 9)], flags_at(20, []), {"profile": {"tp": 1, "fp": -1, "fn": 1}}, ValueError, "> 0"),
        ([(5, 9)], flags_at(20, []), {"probation_fraction": 1.0}, ValueError, "probation"),
    ],
)
def test_bad_input_is_refused(spans, flags, kwargs, exc, match):
    if exc is None:
        assert nab_score(spans, flags, **kwargs).normalised == 0.0
        return
    with pytest.raises(exc, match=match):
        nab_score(spans, flags, **kwargs)
