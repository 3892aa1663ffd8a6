"""lh.chance: circular_shift, rotation_null and verdict, against loops from their definitions."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from bad_input import sweep_tests
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lstm_helpers as lh
from lstm_helpers.chance import ALPHA


def n_runs(flags):
    return int(np.sum(np.diff(np.r_[0, flags.astype(int)]) == 1))


# --- circular_shift ------------------------------------------------------------------------


@settings(deadline=None, max_examples=200)
@given(arrays(np.bool_, st.integers(2, 200)), st.integers(0, 2**32 - 1))
def test_circular_shift_is_a_rotation_that_keeps_the_alarms(flags, seed):
    shifted = lh.chance.circular_shift(flags, seed)
    # Some rotation by 1 .. n-1 of the flags, as a loop would find it.
    rotations = [k for k in range(1, len(flags)) if np.array_equal(np.roll(flags, k), shifted)]
    assert rotations
    # Alarms survive a rotation, except that one alarm may wrap around the end.
    assert abs(n_runs(shifted) - n_runs(flags)) <= 1


def test_circular_shift_is_seeded_and_keeps_a_series_index():
    flags = pd.Series(np.arange(20) % 7 == 0, index=pd.date_range("2020", periods=20, freq="h"))
    a, b = lh.chance.circular_shift(flags, 3), lh.chance.circular_shift(flags, 3)
    assert a.equals(b) and a.index.equals(flags.index) and not a.equals(flags)
    with pytest.raises(TypeError, match="seed must be an integer"):
        lh.chance.circular_shift(flags, 1.5)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        lh.chance.circular_shift(flags, -1)
    with pytest.raises(ValueError, match="at least 2 entries"):
        lh.chance.circular_shift(np.array([True]), 0)
    with pytest.raises(TypeError, match="numpy array or pandas Series"):
        lh.chance.circular_shift([True, False], 0)


# --- rotation_null -------------------------------------------------------------------------


def ref_event_f1(truth_runs, flags):
    """Event F1 from plain loops: spans and alarms as (first, last) positions."""
    alarms, start = [], None
    for i, f in enumerate([*flags, False]):
        if f and start is None:
            start = i
        if not f and start is not None:
            alarms.append((start, i - 1))
            start = None
    tp = sum(any(s <= b and a <= e for s, e in alarms) for a, b in truth_runs)
    fp = sum(not any(s <= b and a <= e for a, b in truth_runs) for s, e in alarms)
    fn = len(truth_runs) - tp
    return 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")


def ref_ap(truth, scores):
    """Average precision from a loop over the distinct thresholds, highest first."""
    n_pos, ap, prev_recall = sum(truth), 0.0, 0.0
    for thr in sorted(set(scores), reverse=True):
        flagged = [t for t, s in zip(truth, scores, strict=True) if s >= thr]
        tp = sum(flagged)
        recall = tp / n_pos
        ap += (recall - prev_recall) * tp / len(flagged)
        prev_recall = recall
    return ap


@settings(deadline=None, max_examples=200)
@given(st.integers(40, 120), st.data())
def test_rotation_null_matches_loops(n, data):
    values = np.array(data.draw(st.lists(st.floats(0, 10), min_size=n, max_size=n)))
    a = data.draw(st.integers(0, n - 6))
    b = data.draw(st.integers(a, a + 5))
    spans = [(a, b)]
    index = pd.RangeIndex(n)
    threshold = data.draw(st.floats(0, 10))
    n_rot = data.draw(st.integers(1, n - 12 - 2 * (b - a)))
    result = lh.rotation_null(spans, pd.Series(values, index=index), threshold, n_rot)
    truth = [a <= i <= b for i in range(n)]
    assert result.event_f1 == pytest.approx(ref_event_f1([(a, b)], values > threshold), nan_ok=True)
    assert result.pr_auc == pytest.approx(ref_ap(truth, list(values)))
    for k, f1, auc in zip(result.offsets, result.event_f1_null, result.pr_auc_null, strict=True):
        rolled = np.roll(values, k)
        assert f1 == pytest.approx(ref_event_f1([(a, b)], rolled > threshold), nan_ok=True)
        assert auc == pytest.approx(ref_ap(truth, list(rolled)))
    null = np.asarray(result.event_f1_null)
    want = (1 + np.sum(null >= result.event_f1)) / (1 + len(null))
    assert result.event_f1_p == pytest.approx(want) or np.isnan(result.event_f1)


def test_a_detector_that_fires_on_the_spans_beats_its_null_and_a_rotated_one_does_not():
    n = 1000
    index = pd.date_range("2021-01-01", periods=n, freq="h")
    spans = [(index[200], index[209]), (index[600], index[609])]
    scores = pd.Series(np.random.default_rng(0).random(n) * 0.5, index=index)
    scores.iloc[200:210] += 1.0
    scores.iloc[600:610] += 1.0
    good = lh.rotation_null(spans, scores, threshold=0.9, n_rotations=200)
    assert good.event_f1 == 1.0 and good.pr_auc == 1.0
    assert good.event_f1_p == pytest.approx(1 / 201) and good.pr_auc_p == pytest.approx(1 / 201)
    assert len(good.offsets) == 200 and good.offsets.min() >= 10
    lucky = lh.rotation_null(spans, pd.Series(np.roll(scores.to_numpy(), 300), index), 0.9, 200)
    assert lucky.event_f1_p >= ALPHA and lucky.pr_auc_p >= ALPHA


def test_rotation_null_is_exhaustive_when_there_are_fewer_offsets_than_asked():
    scores = pd.Series(np.arange(50.0), index=pd.RangeIndex(50))
    result = lh.rotation_null([(10, 14)], scores, threshold=45.0, n_rotations=200)
    assert result.offsets.tolist() == list(range(5, 46))  # every offset from 5 to 50 - 5


def test_rotation_null_without_spans_or_flags():
    index = pd.RangeIndex(300)
    scores = pd.Series(np.linspace(0, 1, 300), index=index)
    none = lh.rotation_null([], scores, threshold=2.0, n_rotations=50)
    assert np.isnan(none.pr_auc) and np.isnan(none.pr_auc_p)  # no labelled point
    assert np.isnan(none.event_f1)  # nothing flagged, nothing labelled: 0/0


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        (([], np.zeros(50), 0.5), TypeError, "scores must be a pandas Series"),
        (([], pd.Series(np.zeros(50)), float("nan")), ValueError, "threshold must be finite"),
        (([], pd.Series(np.zeros(50)), "0.5"), TypeError, "threshold must be a real number"),
        (([], pd.Series(np.r_[np.inf, np.zeros(49)]), 0.5), ValueError, "must not hold inf"),
        (([(0, 30)], pd.Series(np.zeros(50)), 0.5), ValueError, "no rotation"),
        (([(5, 2)], pd.Series(np.zeros(50)), 0.5), ValueError, "ends before it starts"),
        (([], pd.Series(np.zeros(50), index=np.arange(50)[::-1]), 0.5), ValueError, "sorted"),
    ],
)
def test_rotation_null_refuses_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        lh.rotation_null(*args)


# --- verdict -------------------------------------------------------------------------------


def test_verdict_is_the_every_seed_rule():
    assert lh.verdict([0.6, 0.7, 0.8], [0.5]) == "win"
    assert lh.verdict([0.6, 0.7, 0.8], [0.65]) == "tie"
    assert lh.verdict([0.1, 0.2], [0.3, 0.4]) == "loss"
    assert lh.verdict([0.5], [0.5]) == "tie"
    assert lh.verdict([0.1], [0.3], higher_is_better=False) == "win"


@settings(max_examples=200)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=5),
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=5),
)
def test_verdict_matches_a_loop_and_is_antisymmetric(a, b):
    if all(x > y for x in a for y in b):
        want = "win"
    elif all(x < y for x in a for y in b):
        want = "loss"
    else:
        want = "tie"
    assert lh.verdict(a, b) == want
    assert lh.verdict(b, a) == {"win": "loss", "loss": "win", "tie": "tie"}[want]


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [([], [1.0], "a must hold at least one"), ([1.0], [np.nan], "b must not hold NaN")],
)
def test_verdict_refuses_empty_and_nan(a, b, match):
    with pytest.raises(ValueError, match=match):
        lh.verdict(a, b)


# --- order, legitimate inputs and every bad input (issue 26) -------------------------------


def test_rotations_are_in_time_order_and_any_real_threshold_is_taken():
    backwards = pd.Series(np.arange(10.0), index=pd.date_range("2024", periods=10)[::-1])
    with pytest.raises(ValueError, match=r"values\.index must be in time order"):
        lh.chance.circular_shift(backwards, 0)
    scores = pd.Series(np.r_[np.zeros(40), np.ones(5), np.zeros(15)])
    as_float = lh.rotation_null([(40, 44)], scores, 0.5, n_rotations=10)
    as_fraction = lh.rotation_null([(40, 44)], scores, Fraction(1, 2), n_rotations=10)
    assert as_fraction.event_f1 == as_float.event_f1 == 1.0
    with pytest.raises(TypeError, match="higher_is_better must be True or False"):
        lh.verdict([1.0], [0.5], higher_is_better="no")  # 0.2: "no" counted as True
    with pytest.raises(ValueError, match="b must be a rectangular numeric array"):
        lh.verdict([1.0], [[1.0, 2.0], [3.0]])


GOOD_SCORES = pd.Series(
    np.sin(np.arange(48) / 3) + 2, index=pd.date_range("2020", periods=48, freq="h")
)
GOOD = {
    "circular_shift": (lh.chance.circular_shift, {"values": GOOD_SCORES, "seed": 1}),
    "rotation_null": (
        lh.rotation_null,
        {
            "spans": [(GOOD_SCORES.index[3], GOOD_SCORES.index[8])],
            "scores": GOOD_SCORES,
            "threshold": 2.5,
            "n_rotations": 5,
            "min_shift": 2,
        },
    ),
    "verdict": (lh.verdict, {"a": [1.0, 2.0], "b": [0.5], "higher_is_better": True}),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: a rotation moves
#: values of any kind; verdict compares any real numbers (inf too) in any order and shape.
ANY_SEEDS = {"4d", "big", "bool", "f16big", "f32", "float", "i64", "inf", "neg"}
ANY_SEEDS |= {"revseries", "tzseries", "zero"}
ACCEPTED = {
    "circular_shift": {
        "values": {"carr", "f16big", "obj_arr", "sarr", "tdarr", "tzseries"},
        "seed": {"hugeint", "i64", "zero"},
    },
    "rotation_null": {
        "spans": {"emptyarr", "emptylist"},
        "threshold": {"big", "f32", "float", "frac", "i64", "neg", "zero"},
        "n_rotations": {"i64"},
        "min_shift": {"None", "i64"},
    },
    "verdict": {"a": ANY_SEEDS, "b": ANY_SEEDS, "higher_is_better": {"bool"}},
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(GOOD, ACCEPTED)
