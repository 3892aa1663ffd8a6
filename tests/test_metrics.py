"""Point-level precision/recall/F1 and average precision, against plain-loop references."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_helpers import average_precision, point_metrics


def ref_point_metrics(truth, flags):
    tp = fp = fn = 0
    for t, f in zip(truth, flags, strict=True):
        if t and f:
            tp += 1
        elif f:
            fp += 1
        elif t:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else math.nan
    recall = tp / (tp + fn) if tp + fn else math.nan
    if math.isnan(precision) or math.isnan(recall):
        f1 = 0.0 if tp + fp + fn else math.nan  # no flag, or no anomaly: nothing found
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def ref_average_precision(truth, scores):
    """sklearn's definition, as a loop: thresholds from the highest distinct score down."""
    n_pos = sum(truth)
    if n_pos == 0:
        return math.nan
    scores = [-math.inf if math.isnan(s) else s for s in scores]
    ap, last_recall = 0.0, 0.0
    for threshold in sorted(set(scores), reverse=True):
        flagged = [t for t, s in zip(truth, scores, strict=True) if s >= threshold]
        precision = sum(flagged) / len(flagged)
        recall = sum(flagged) / n_pos
        ap += (recall - last_recall) * precision
        last_recall = recall
    return ap


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


def test_counts_and_scores():
    flags = np.array([1, 1, 0, 0, 1, 0], dtype=bool)
    truth = np.array([1, 0, 1, 0, 1, 0], dtype=bool)
    m = point_metrics(truth, flags)
    assert (m["tp"], m["fp"], m["fn"]) == (2, 1, 1)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=200))
def test_point_metrics_match_the_loop_reference(pairs):
    truth = np.array([t for t, _ in pairs])
    flags = np.array([f for _, f in pairs])
    got, want = point_metrics(truth, flags), ref_point_metrics(truth, flags)
    for key in want:
        assert same(got[key], want[key]), key
    if truth.any():
        assert point_metrics(truth, truth)["f1"] == 1.0


def test_undefined_ratios_are_nan_not_zero():
    none, every = np.zeros(5, dtype=bool), np.ones(5, dtype=bool)
    m = point_metrics(every, none)  # nothing flagged
    assert math.isnan(m["precision"]) and m["recall"] == 0.0 and m["f1"] == 0.0
    m = point_metrics(none, every)  # nothing anomalous
    assert m["precision"] == 0.0 and math.isnan(m["recall"]) and m["f1"] == 0.0
    assert math.isnan(point_metrics(none, none)["f1"])


def test_point_metrics_compare_series_by_index_never_by_position():
    idx = pd.date_range("2020-01-01", periods=4, freq="D")
    truth = pd.Series([True, False, False, False], index=idx)
    assert point_metrics(truth, truth.copy())["f1"] == 1.0
    with pytest.raises(ValueError, match="must share one index"):
        point_metrics(truth, pd.Series(truth.to_numpy(), index=idx + pd.Timedelta(hours=1)))


@pytest.mark.parametrize(
    ("truth", "flags", "exc", "match"),
    [
        (np.zeros(3, bool), np.zeros(4, bool), ValueError, "same length; got 3 and 4"),
        (np.zeros(3, bool), np.zeros(3), TypeError, "flags must hold booleans; got dtype float"),
        (np.zeros((2, 2), bool), np.zeros((2, 2), bool), ValueError, "truth must be 1-D"),
        (np.zeros(0, bool), np.zeros(0, bool), ValueError, "non-empty"),
        (np.ma.zeros(3, bool), np.zeros(3, bool), TypeError, "masked array"),
    ],
)
def test_bad_point_inputs_raise(truth, flags, exc, match):
    with pytest.raises(exc, match=match):
        point_metrics(truth, flags)


scores_lists = st.lists(
    st.tuples(st.booleans(), st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0, 2.5, math.nan])),
    min_size=1,
    max_size=80,
)


@given(scores_lists)
def test_average_precision_matches_the_loop_reference(pairs):
    truth = np.array([t for t, _ in pairs])
    scores = np.array([s for _, s in pairs])
    assert same(average_precision(truth, scores), ref_average_precision(truth, scores))


def test_average_precision_on_known_cases():
    truth = np.array([False, False, True, True])
    # sklearn's documented example: average_precision_score gives 0.8333...
    assert average_precision(truth, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(5 / 6)
    assert average_precision(truth, np.array([0.0, 0.0, 1.0, 1.0])) == 1.0
    assert average_precision(truth, np.zeros(4)) == 0.5  # one threshold: the base rate
    assert math.isnan(average_precision(np.zeros(4, bool), np.arange(4.0)))
    with pytest.raises(ValueError, match="scores must not hold inf"):
        average_precision(truth, np.array([0.0, np.inf, 1.0, 1.0]))
    with pytest.raises(ValueError, match="same length"):
        average_precision(truth, np.zeros(3))
    idx = pd.RangeIndex(4)
    with pytest.raises(ValueError, match="share one index"):
        average_precision(pd.Series(truth, index=idx), pd.Series(np.zeros(4), index=idx + 1))
