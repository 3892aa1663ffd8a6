"""lh.Protocol: periods in time order, choices and thresholds from calibration only, one row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bad_input import random_test, sweep
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_helpers as lh

INDEX = pd.date_range("2024-01-01", periods=24 * 40, freq="h")  # 40 days, hourly


def series_with_spans():
    rng = np.random.default_rng(0)
    values = np.sin(2 * np.pi * np.arange(len(INDEX)) / 24) + rng.normal(0, 0.1, len(INDEX))
    series = pd.Series(values, index=INDEX, name="value")
    spans = [(INDEX[24 * d], INDEX[24 * d + 5]) for d in (14, 22, 30, 36)]
    for a, b in spans:
        series[a:b] += 3.0
    return series, spans


def test_periods_come_in_time_order_and_end_before_the_first_span():
    series, spans = series_with_spans()
    p = lh.Protocol.before_first_span(series, spans, margin="1D", gap=5)
    assert p.fit[-1] < p.calibration[0] and p.calibration[-1] < p.test[0]
    assert p.calibration[-1] <= spans[0][0] - pd.Timedelta("1D")
    # the gap: 5 points dropped between fit and calibration
    assert series.index.get_loc(p.calibration[0]) - series.index.get_loc(p.fit[-1]) == 6
    assert p.test[-1] == series.index[-1]
    assert p.smoothing == {"none": 1, "1 hour": 1, "6 hours": 6, "1 day": 24}
    assert p.test[0] > p.calibration[-1] and len(p.test) + len(p.calibration) < len(series)
    train, validation = p.validation_split(0.2, gap=2)
    assert train[-1] < validation[0] and validation[-1] == p.fit[-1]


def test_a_series_without_spans_trains_on_its_first_part():
    series, _ = series_with_spans()
    p = lh.Protocol.before_first_span(series, [], unlabelled_fraction=0.5)
    assert p.calibration[-1] == series.index[len(series) // 2 - 1]
    row = p.run("static z-score", lh.static_zscore(series, series[p.fit]))
    assert row["spans_found"] == "0/0" and np.isnan(row["pr_auc"]) and np.isnan(row["nab_standard"])
    assert row["false_alarms"] == 0 or row["event_f1"] == 0.0


def test_nothing_before_the_metrics_reads_a_label_or_the_test_period():
    series, spans = series_with_spans()
    p = lh.Protocol.before_first_span(series, spans)
    variants = {
        "6h": lh.rolling_zscore(series, "6h"),
        "1D": lh.rolling_zscore(series, "1D"),
    }
    variant, smoothing, table = p.choose(variants)
    noisy = {k: v.copy() for k, v in variants.items()}
    for v in noisy.values():
        v[p.test] = np.random.default_rng(1).random(len(p.test)) * 1e6
    assert p.choose(noisy)[:2] == (variant, smoothing)
    row = p.run("rolling z-score", variants)
    other = lh.Protocol.before_first_span(series, spans)
    assert other.run("rolling z-score", noisy)["threshold"] == row["threshold"]
    assert set(table.columns) == {"variant", "smoothing", "alarms"}
    assert len(table) == 2 * len(p.smoothing)


def test_the_threshold_is_the_rule_applied_to_calibration_scores():
    series, spans = series_with_spans()
    p = lh.Protocol.before_first_span(series, spans)
    score = lh.static_zscore(series, series[p.fit])
    row = p.run("static z-score", score)
    smoothed = lh.smooth(score, p.smoothing[row["smoothing"]])
    assert row["threshold"] == lh.max_threshold(smoothed[p.calibration])
    q = p.run("static z-score", score, threshold_rule=lambda s: lh.quantile_threshold(s, 0.5))
    assert q["threshold"] <= row["threshold"]


def test_a_row_holds_every_metric_and_its_null():
    series, spans = series_with_spans()
    p = lh.Protocol.before_first_span(series, spans)
    row = p.run("static z-score", lh.static_zscore(series, series[p.fit]))
    assert row["event_recall"] == 1.0 and row["spans_found"] == "4/4"
    assert 0 < row["event_f1_null_p"] < 0.05 and 0 < row["pr_auc_null_p"] < 0.05
    assert row["nab_standard"] > 0
    keys = {
        "detector", "seed", "variant", "smoothing", "threshold", "event_precision",
        "event_recall", "event_f1", "spans_found", "pr_auc", "false_alarms",
        "false_alarms_per_day", "mean_delay", "nab_standard", "event_f1_null_p", "pr_auc_null_p",
    }  # fmt: skip
    assert set(row) == keys


def test_ties_go_to_the_first_variant_and_the_shortest_smoothing():
    series, spans = series_with_spans()
    p = lh.Protocol.before_first_span(series, spans)
    flat = pd.Series(0.0, index=series.index)
    variant, smoothing, table = p.choose({"a": flat, "b": flat})
    assert (variant, smoothing) == ("a", "none") and (table["alarms"] == 0).all()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_choose_matches_a_loop_over_the_candidates(seed):
    """The first candidate in listing order with at most one alarm, else the fewest."""
    series, spans = series_with_spans()
    p = lh.Protocol.before_first_span(series, spans)
    rng = np.random.default_rng(seed)
    variants = {f"v{i}": pd.Series(rng.random(len(series)), index=series.index) for i in range(3)}
    half = len(p.calibration) // 2
    candidates = []
    for name, score in variants.items():
        for label, length in p.smoothing.items():
            values = list(score)
            smoothed = [
                np.mean(values[i - length + 1 : i + 1]) if i >= length - 1 else np.nan
                for i in range(len(values))
            ]
            pos = [series.index.get_loc(t) for t in p.calibration]
            threshold = np.nanmax([smoothed[i] for i in pos[:half]])
            flags = [smoothed[i] > threshold for i in pos[half:]]
            alarms = sum(1 for j, f in enumerate(flags) if f and (j == 0 or not flags[j - 1]))
            candidates.append((alarms, name, label))
    quiet = [c for c in candidates if c[0] <= 1]
    best = quiet[0] if quiet else min(candidates, key=lambda c: c[0])
    assert p.choose(variants)[:2] == best[1:]


P = lh.Protocol.before_first_span


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda s, sp: P(s.to_numpy(), sp), TypeError, "Series"),
        (lambda s, sp: P(s.reset_index(drop=True), sp), TypeError, "DatetimeIndex"),
        (lambda s, sp: P(s.drop(s.index[5]), sp), ValueError, "regular"),
        (lambda s, sp: P(s, [(s.index[2], s.index[3])]), ValueError, "too few"),
        (lambda s, sp: P(s, []).run("x", s.iloc[:-1]), ValueError, "index"),
        (lambda s, sp: P(s, []).run("x", {}), TypeError, "mapping"),
        (lambda s, sp: P(s, [], unlabelled_fraction=1.5), ValueError, "unlabelled"),
    ],
)
def test_bad_input_is_refused(call, exc, match):
    series, spans = series_with_spans()
    with pytest.raises(exc, match=match):
        call(series, spans)


# ----------------------------------------------------------------------------- every bad input
# (issue 26: each argument gets every named bad value, then random ones; a Protocol is frozen,
# so a refused call cannot change it)


def _sweep_setup():
    series, spans = series_with_spans()
    p = lh.Protocol.before_first_span(series, spans)
    score = lh.static_zscore(series, series[p.fit])
    good = {
        "before_first_span": (
            lh.Protocol.before_first_span,
            {
                "series": series,
                "spans": spans,
                "margin": "1D",
                "calibration_fraction": 0.3,
                "gap": 0,
                "unlabelled_fraction": 0.5,
                "smoothing": None,
            },
        ),
        "validation_split": (p.validation_split, {"fraction": 0.2, "gap": 0}),
        "choose": (p.choose, {"scores": {"a": score}}),
        "flags": (p.flags, {"score": score, "smoothing": "none", "threshold_rule": np.max}),
        "run": (p.run, {"detector": "z", "scores": score, "seed": None, "n_rotations": 20}),
    }
    return p, good


#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: no span at all, any
#: fraction in (0, 1) and integer >= 0 where one is asked, None where it is the default, any
#: text as a detector's name.
SWEEP_ACCEPTED = {
    "before_first_span": {
        "spans": {"emptyarr", "emptylist"},
        "calibration_fraction": {"f32", "frac"},
        "gap": {"i64", "zero"},
        "unlabelled_fraction": {"f32", "frac"},
        "smoothing": {"None"},
    },
    "validation_split": {"fraction": {"f32", "frac"}, "gap": {"i64", "zero"}},
    "choose": {},
    "flags": {},
    "run": {"detector": {"numstr", "str"}, "seed": {"None", "i64", "zero"}, "n_rotations": {"i64"}},
}


def test_every_bad_value_is_refused_clearly_or_accepted_on_purpose():
    p, good = _sweep_setup()
    surprises = []
    for name, (function, kwargs) in good.items():
        surprises += sweep(function, kwargs, SWEEP_ACCEPTED[name])
    assert surprises == []
    fresh = _sweep_setup()[0]  # nothing changed the protocol, its series included
    assert p.series.equals(fresh.series) and p.spans == fresh.spans
    assert p.fit.equals(fresh.fit) and p.calibration.equals(fresh.calibration)
    assert p.test.equals(fresh.test) and p.smoothing == fresh.smoothing


SWEEP_P, SWEEP_GOOD = _sweep_setup()


test_random_bad_values_raise_a_clear_error_or_none = random_test(SWEEP_GOOD)


def test_nan_scores_are_accepted_and_inf_refused():
    p, good = _sweep_setup()
    score = good["flags"][1]["score"].copy()
    score.iloc[: len(p.fit) // 2] = np.nan  # no score yet
    row = p.run("z", score, n_rotations=20)
    assert np.isfinite(row["threshold"])
    score.iloc[-1] = np.inf
    with pytest.raises(ValueError, match="score must not hold inf"):
        p.flags(score, "none")
