"""Point-level precision/recall/F1 and average precision, against plain-loop references."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from bad_input import sweep_tests
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lstm_helpers as lh
from lstm_helpers import evaluate, event_metrics, point_metrics, pr_auc, span_mask
from lstm_helpers.metrics import detection_delays, false_alarms_per_day


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


@settings(max_examples=200, deadline=None)
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


@settings(max_examples=200, deadline=None)
@given(scores_lists)
def test_average_precision_matches_the_loop_reference(pairs):
    truth = np.array([t for t, _ in pairs])
    scores = np.array([s for _, s in pairs])
    assert same(pr_auc(truth, scores), ref_average_precision(truth, scores))


def test_average_precision_on_known_cases():
    truth = np.array([False, False, True, True])
    # sklearn's documented example: average_precision_score gives 0.8333...
    assert pr_auc(truth, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(5 / 6)
    assert pr_auc(truth, np.array([0.0, 0.0, 1.0, 1.0])) == 1.0
    assert pr_auc(truth, np.zeros(4)) == 0.5  # one threshold: the base rate
    assert math.isnan(pr_auc(np.zeros(4, bool), np.arange(4.0)))
    with pytest.raises(ValueError, match="scores must not hold inf"):
        pr_auc(truth, np.array([0.0, np.inf, 1.0, 1.0]))
    with pytest.raises(ValueError, match="same length"):
        pr_auc(truth, np.zeros(3))
    idx = pd.RangeIndex(4)
    with pytest.raises(ValueError, match="share one index"):
        pr_auc(pd.Series(truth, index=idx), pd.Series(np.zeros(4), index=idx + 1))


# -------------------- Event-level functions: loop references, properties and bad input.

IDX = pd.date_range("2020-01-01", periods=48, freq="h")
SPANS = [
    (pd.Timestamp("2020-01-01 04:00"), pd.Timestamp("2020-01-01 08:00")),
    (pd.Timestamp("2020-01-02 10:00"), pd.Timestamp("2020-01-02 12:00")),
]


def flags_at(*positions, index=IDX):
    flags = pd.Series(False, index=index)
    flags.iloc[list(positions)] = True
    return flags


# --- plain-loop references, written from the definitions --------------------------------


def ref_alarms(flags):
    """Runs of consecutive flags as (first label, last label)."""
    alarms, start = [], None
    labels, values = list(flags.index), list(flags)
    for i, value in enumerate(values):
        if value and start is None:
            start = labels[i]
        if start is not None and (not value or i == len(values) - 1):
            alarms.append((start, labels[i] if value else labels[i - 1]))
            start = None
    return alarms


def ref_event_counts(spans, flags):
    """Orion's overlapping segments: TP spans hit by an alarm, FN spans not, FP lone alarms."""
    alarms = ref_alarms(flags)
    tp = fn = 0
    unmatched = list(alarms)
    for a, b in spans:
        found = False
        for s, e in alarms:
            if s <= b and a <= e:  # closed intervals overlap
                found = True
                if (s, e) in unmatched:
                    unmatched.remove((s, e))
        tp += found
        fn += not found
    return tp, len(unmatched), fn


def ref_delays(spans, flags, lag):
    labels, values = list(flags.index), list(flags)
    out = []
    for a, b in spans:
        delay = None
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            if value and a <= label <= b and i + lag < len(labels):
                delay = labels[i + lag] - a
                break
        out.append(delay)
    return out


def same_dict(a: dict, b: dict) -> bool:
    """Dicts equal, NaN equal to NaN."""
    return pd.Series(a, dtype=object).fillna("nan").equals(pd.Series(b, dtype=object).fillna("nan"))


# --- examples -----------------------------------------------------------------------------


def test_span_mask_includes_both_ends_and_returns_a_series_on_the_index():
    mask = span_mask(IDX, SPANS)
    assert mask.index.equals(IDX) and mask.dtype == bool
    assert np.flatnonzero(mask).tolist() == [4, 5, 6, 7, 8, 34, 35, 36]
    ints = span_mask(pd.RangeIndex(0, 20, 2), [(3, 8)])
    assert np.flatnonzero(ints).tolist() == [2, 3, 4]  # labels 4, 6, 8


def test_event_metrics_count_overlapping_segments():
    # Alarms: {5,6,7} in span 0; {20} and {30} outside; span 1 missed.
    m = event_metrics(SPANS, flags_at(5, 6, 7, 20, 30))
    assert (m["tp"], m["fp"], m["fn"], m["n_alarms"]) == (1, 2, 1, 3)
    assert m["precision"] == pytest.approx(1 / 3) and m["recall"] == 0.5
    assert m["f1"] == pytest.approx(2 * 1 / (2 * 1 + 2 + 1))
    # An alarm that starts before a span and runs into it finds it and is not false.
    m = event_metrics(SPANS, flags_at(2, 3, 4))
    assert (m["tp"], m["fp"]) == (1, 0)
    # One alarm covering both spans finds both.
    assert event_metrics(SPANS, flags_at(*range(3, 40)))["recall"] == 1.0
    m = event_metrics(SPANS, flags_at())  # no flags: precision undefined, not 0
    assert math.isnan(m["precision"]) and m["recall"] == 0.0 and m["f1"] == 0.0


def test_false_alarms_per_day_counts_runs_outside_spans_per_day_of_data():
    # Runs: {5,6,7} inside; {20,21,22} outside (one alarm, not three); {30} outside.
    flags = flags_at(5, 6, 7, 20, 21, 22, 30)
    days = 47 / 24  # from the first to the last timestamp
    assert false_alarms_per_day(SPANS, flags) == pytest.approx(2 / days)
    assert false_alarms_per_day(SPANS, flags_at(2, 3, 4)) == 0.0
    assert false_alarms_per_day(SPANS, flags_at()) == 0.0


def test_detection_delays_count_from_the_span_start_to_a_computable_flag():
    flags = flags_at(5, 6, 7, 20, 30)
    delays = detection_delays(SPANS, flags)
    assert delays[0] == pd.Timedelta(hours=1) and pd.isna(delays[1])
    # An offline score flagged at 5 was only computable 3 steps later.
    assert detection_delays(SPANS, flags, look_ahead=3)[0] == pd.Timedelta(hours=4)
    # A flag whose look-ahead runs past the end of the data was never computable.
    assert pd.isna(detection_delays([(IDX[46], IDX[47])], flags_at(46), look_ahead=2)[0])
    ints = detection_delays([(10, 20)], flags_at(12, 15, index=pd.RangeIndex(30)))
    assert ints.tolist() == [2.0]


def test_evaluate_collects_every_metric():
    flags = flags_at(5, 6, 7, 20)
    scores = pd.Series(flags.astype(float), index=IDX)
    out = evaluate(SPANS, flags, scores=scores)
    assert out["spans_found"] == "1/2" and out["false_alarms"] == 1
    assert out["point_precision"] == pytest.approx(3 / 4)
    assert out["point_recall"] == pytest.approx(3 / 8)
    assert (out["event_precision"], out["event_recall"]) == (0.5, 0.5)
    assert out["false_alarms_per_day"] == pytest.approx(1 / (47 / 24))
    assert out["mean_delay"] == pd.Timedelta(hours=1)
    assert 0 < out["pr_auc"] < 1
    assert set(out) == {
        "point_precision",
        "point_recall",
        "point_f1",
        "event_precision",
        "event_recall",
        "event_f1",
        "spans_found",
        "false_alarms",
        "false_alarms_per_day",
        "mean_delay",
        "pr_auc",
    }
    ints = evaluate([(3, 5)], flags_at(4, index=pd.RangeIndex(10)))
    assert math.isnan(ints["false_alarms_per_day"]) and ints["mean_delay"] == 1.0
    assert math.isnan(ints["pr_auc"])


# --- properties ---------------------------------------------------------------------------


@st.composite
def cases(draw, tz=None):
    n = draw(st.integers(2, 60))
    values = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if draw(st.booleans()):
        index = pd.date_range("2021-03-27", periods=n, freq="37min", tz=tz)
    else:
        index = pd.Index(sorted(draw(st.sets(st.integers(-1000, 1000), min_size=n, max_size=n))))
        if tz is not None:
            index = pd.to_datetime(index, unit="h").tz_localize(tz)
    flags = pd.Series(values, index=index)
    # Disjoint spans from sorted, distinct cut points drawn between the labels.
    lo, hi = 0, n - 1
    cuts = sorted(draw(st.sets(st.integers(lo, hi), max_size=6)))
    spans = [(index[a], index[b]) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    lag = draw(st.integers(0, 5))
    return spans, flags, lag


@settings(max_examples=200, deadline=None)
@given(cases(), st.booleans())
def test_event_functions_match_the_loop_references(case, as_array):
    spans, flags, lag = case
    if as_array and spans:  # spans as a (n_spans, 2) array, as NAB's scorer takes them too
        spans = np.array(spans, dtype=object)
    m = event_metrics(spans, flags)
    assert (m["tp"], m["fp"], m["fn"]) == ref_event_counts(spans, flags)
    assert lh.alarms(flags)[["start", "end"]].apply(tuple, axis=1).tolist() == ref_alarms(flags)
    every = evaluate(spans, flags, look_ahead=lag)
    truth = [any(a <= t <= b for a, b in spans) for t in flags.index]
    point = ref_point_metrics(truth, flags.tolist())
    assert same(every["point_f1"], point["f1"]) and same(every["event_f1"], m["f1"])
    assert every["spans_found"] == f"{m['tp']}/{len(spans)}" and every["false_alarms"] == m["fp"]
    got = detection_delays(spans, flags, look_ahead=lag).tolist()
    for g, w in zip(got, ref_delays(spans, flags, lag), strict=True):
        assert (pd.isna(g) and w is None) or g == w
    truth = [any(a <= t <= b for a, b in spans) for t in flags.index]
    assert span_mask(flags.index, spans).tolist() == truth
    if isinstance(flags.index, pd.DatetimeIndex):
        days = (flags.index[-1] - flags.index[0]).total_seconds() / 86400
        assert false_alarms_per_day(spans, flags) == pytest.approx(m["fp"] / days)


@settings(max_examples=40, deadline=None)
@given(cases(tz="America/New_York"))
def test_tz_aware_index_and_spans_give_the_same_answers_as_utc_naive(case):
    spans, flags, lag = case
    naive = flags.copy()
    naive.index = flags.index.tz_convert("UTC").tz_localize(None)
    naive_spans = [
        (a.tz_convert("UTC").tz_localize(None), b.tz_convert("UTC").tz_localize(None))
        for a, b in spans
    ]
    assert same_dict(event_metrics(spans, flags), event_metrics(naive_spans, naive))
    assert detection_delays(spans, flags, lag).equals(detection_delays(naive_spans, naive, lag))
    # Spans in another timezone denote the same instants.
    tokyo = [(a.tz_convert("Asia/Tokyo"), b.tz_convert("Asia/Tokyo")) for a, b in spans]
    assert same_dict(event_metrics(tokyo, flags), event_metrics(spans, flags))
    with pytest.raises(TypeError, match="timezone-naive but the index is in"):
        event_metrics([(pd.Timestamp("2021-03-27"), pd.Timestamp("2021-03-28"))], flags)


@settings(max_examples=40, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_shuffled_or_duplicated_indexes_are_refused(case, rnd):
    spans, flags, _ = case
    order = list(range(len(flags)))
    rnd.shuffle(order)
    shuffled = flags.iloc[order]
    functions = [
        lambda f: event_metrics(spans, f),
        lambda f: detection_delays(spans, f),
        lambda f: evaluate(spans, f),
        lambda f: span_mask(f.index, spans),
    ]
    if not shuffled.index.is_monotonic_increasing:
        for function in functions:
            with pytest.raises(ValueError, match="sorted in increasing order"):
                function(shuffled)
    duplicated = pd.concat([flags, flags.iloc[[0]]]).sort_index(kind="stable")
    for function in functions:
        with pytest.raises(ValueError, match="must be unique; 1 duplicated"):
            function(duplicated)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "flags", "exc", "match"),
    [
        ([(IDX[8], IDX[4])], flags_at(5), ValueError, r"spans\[0\] ends before it starts"),
        (
            [(pd.NaT, IDX[4])],
            flags_at(5),
            ValueError,
            r"spans\[0\] start must be a timestamp, not NaT",
        ),
        ([(None, IDX[4])], flags_at(5), ValueError, "not NaT/None"),
        ([(IDX[1], IDX[5]), (IDX[5], IDX[9])], flags_at(5), ValueError, "must not overlap"),
        ([(1, 5)], flags_at(5), TypeError, "must be a timestamp for a DatetimeIndex"),
        ([(IDX[1], IDX[5], IDX[6])], flags_at(5), ValueError, "a \\(start, end\\) pair"),
        ("2020-01-01", flags_at(5), TypeError, "spans must be a sequence"),
        (
            [(IDX[1].tz_localize("UTC"), IDX[5].tz_localize("UTC"))],
            flags_at(5),
            TypeError,
            "in timezone UTC but the index is timezone-naive",
        ),
        ([(IDX[1], IDX[5])], flags_at(5, index=pd.RangeIndex(48)), TypeError, "must be a number"),
        ([(1, np.nan)], flags_at(5, index=pd.RangeIndex(48)), ValueError, "must be finite"),
        (SPANS, pd.Series([], dtype=bool, index=IDX[:0]), ValueError, "must not be empty"),
        (SPANS, pd.Series(1.0, index=IDX), TypeError, "must hold booleans"),
        (SPANS, flags_at(5).to_numpy(), TypeError, "must be a boolean pandas Series"),
        (
            SPANS,
            pd.Series(True, index=IDX.astype(str)),
            TypeError,
            "DatetimeIndex .* or an integer",
        ),
        (SPANS, pd.Series(True, index=IDX.insert(3, pd.NaT)[:48]), ValueError, "must not hold NaT"),
    ],
)
def test_bad_spans_and_flags_are_refused(spans, flags, exc, match):
    for function in (event_metrics, detection_delays, evaluate):
        with pytest.raises(exc, match=match):
            function(spans, flags)


def test_false_alarms_per_day_needs_time():
    with pytest.raises(ValueError, match="at least 2 timestamps to measure time; got 1"):
        false_alarms_per_day([], flags_at(0, index=IDX[:1]))
    with pytest.raises(TypeError, match="needs flags on a DatetimeIndex"):
        false_alarms_per_day([], flags_at(0, index=pd.RangeIndex(5)))
    with pytest.raises(ValueError, match="must be unique"):
        false_alarms_per_day([], pd.Series([True, True], index=[IDX[0], IDX[0]]))


def test_detection_delays_refuse_a_bad_look_ahead_and_evaluate_a_bad_scores():
    with pytest.raises(ValueError, match="look_ahead must be >= 0; got -1"):
        detection_delays(SPANS, flags_at(5), look_ahead=-1)
    with pytest.raises(TypeError, match="scores must be a pandas Series"):
        evaluate(SPANS, flags_at(5), scores=np.zeros(48))
    with pytest.raises(ValueError, match="share one index"):
        evaluate(SPANS, flags_at(5), scores=pd.Series(0.0, index=IDX + pd.Timedelta("1h")))


# -------------------- point_adjust: the protocol of the point-adjust trap, on cases worked by hand.


def test_one_flag_fills_its_segment_only():
    truth = np.array([0, 1, 1, 1, 0, 0, 1, 1, 0], dtype=bool)
    flags = np.array([0, 0, 1, 0, 0, 0, 0, 0, 1], dtype=bool)
    # Segment 1..3 holds a flag -> filled; segment 6..7 holds none -> left; the false
    # positive at 8 stays.
    assert lh.point_adjust(truth, flags).astype(int).tolist() == [0, 1, 1, 1, 0, 0, 0, 0, 1]
    raw, adjusted = (
        lh.point_metrics(truth, flags),
        lh.point_metrics(truth, lh.point_adjust(truth, flags)),
    )
    assert (raw["tp"], raw["fp"], raw["fn"]) == (1, 1, 4)
    assert (adjusted["tp"], adjusted["fp"], adjusted["fn"]) == (3, 1, 2)


def test_series_keep_their_index():
    idx = pd.date_range("2024-01-01", periods=4, freq="h")
    truth = pd.Series([False, True, True, False], index=idx)
    flags = pd.Series([False, False, True, False], index=idx)
    out = lh.point_adjust(truth, flags)
    assert isinstance(out, pd.Series) and out.index.equals(idx)
    assert out.tolist() == [False, True, True, False]


def ref_point_adjust(truth, flags):
    """Plain loop: a labelled segment with any flag in it becomes flagged throughout."""
    out, n, i = list(flags), len(truth), 0
    while i < n:
        if not truth[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and truth[j + 1]:
            j += 1
        if any(flags[i : j + 1]):
            out[i : j + 1] = [True] * (j + 1 - i)
        i = j + 1
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_point_adjust_matches_a_loop(pairs):
    truth = np.array([a for a, _ in pairs])
    flags = np.array([b for _, b in pairs])
    assert lh.point_adjust(truth, flags).tolist() == ref_point_adjust(truth, flags)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_adjusting_never_lowers_recall_and_never_adds_false_positives(pairs):
    truth = np.array([a for a, _ in pairs])
    flags = np.array([b for _, b in pairs])
    adjusted = lh.point_adjust(truth, flags)
    assert (adjusted >= flags).all()  # only adds flags...
    assert np.array_equal(adjusted & ~truth, flags & ~truth)  # ...and only inside segments


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="booleans"):
        lh.point_adjust(np.array([1, 0]), np.array([True, False]))
    with pytest.raises(ValueError, match="same length"):
        lh.point_adjust(np.array([True, False]), np.array([True]))


# -------------------- alarms: the one function that finds runs of flags


def test_alarms_by_hand():
    runs = lh.alarms(np.array([False, True, True, False, True]))
    assert runs[["first", "last", "start", "end", "n_points"]].values.tolist() == [
        [1, 2, 1, 2, 2],
        [4, 4, 4, 4, 1],
    ]
    idx = pd.date_range("2024-01-01", periods=3, freq="D")
    runs = lh.alarms(pd.Series([True, True, False], index=idx))
    assert runs["start"].tolist() == [idx[0]] and runs["end"].tolist() == [idx[1]]
    assert lh.alarms(np.zeros(3, dtype=bool)).empty
    with pytest.raises(TypeError, match="booleans"):
        lh.alarms(np.array([0, 1]))


@settings(max_examples=200, deadline=None)
@given(arrays(np.bool_, st.integers(0, 60)))
def test_alarms_finds_runs_as_a_loop_does(f):
    expected, start = [], None
    for i, v in enumerate([*f.tolist(), False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            expected.append([start, i - 1, i - start])
            start = None
    got = lh.alarms(f)
    assert got[["first", "last", "n_points"]].values.tolist() == expected


# -------------------- Order, types and every bad input (issue 26).


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=60), st.booleans())
def test_alarms_match_a_loop_on_arrays_and_series(values, series):
    flags = np.array(values, dtype=bool)
    if series:
        flags = pd.Series(flags, index=pd.date_range("2024-01-01", periods=len(values), freq="h"))
    found = lh.alarms(flags)
    labels = flags.index if series else range(len(values))
    want = ref_alarms(pd.Series(values, index=labels, dtype=bool))
    assert list(zip(found["start"], found["end"], strict=True)) == want
    assert (found["last"] - found["first"] + 1).tolist() == found["n_points"].tolist()


def test_runs_of_flags_are_found_in_time_order_only():
    times = pd.date_range("2024-01-01", periods=4, freq="h")
    backwards = pd.Series([True, True, False, True], index=times[::-1])
    with pytest.raises(ValueError, match=r"flags\.index must be in time order"):
        lh.alarms(backwards)  # 0.2: an alarm that starts after it ends
    with pytest.raises(ValueError, match=r"truth\.index must be in time order"):
        lh.point_adjust(backwards, backwards)


def test_one_span_not_in_a_list_gets_a_hint_and_types_are_named():
    flags = flags_at(5)
    with pytest.raises(TypeError, match=r"spans\[0\] must be a \(start, end\) pair; .*Wrap it"):
        event_metrics((IDX[1], IDX[5]), flags)  # 0.2: "Timestamp has no len()"
    with pytest.raises(TypeError, match=r"look_ahead must be an integer >= 0; got 1\.5"):
        detection_delays(SPANS, flags, look_ahead=1.5)
    with pytest.raises(ValueError, match="scores and flags must share one index"):
        evaluate(SPANS, flags, scores=pd.Series(0.0, index=IDX + pd.Timedelta("1h")))
    with pytest.raises(ValueError, match="truth must be a flat array of booleans"):
        point_metrics([[True, False], [True]], np.array([True, False]))


GOOD_FLAGS = pd.Series(np.arange(48) % 7 == 0, index=IDX)
GOOD_SCORES = pd.Series(np.sin(np.arange(48) / 3.0), index=IDX)
GOOD = {
    "alarms": (lh.alarms, {"flags": GOOD_FLAGS}),
    "span_mask": (span_mask, {"index": IDX, "spans": SPANS}),
    "point_metrics": (point_metrics, {"truth": GOOD_FLAGS, "flags": GOOD_FLAGS}),
    "event_metrics": (event_metrics, {"spans": SPANS, "flags": GOOD_FLAGS}),
    "pr_auc": (pr_auc, {"truth": GOOD_FLAGS, "scores": GOOD_SCORES}),
    "false_alarms_per_day": (false_alarms_per_day, {"spans": SPANS, "flags": GOOD_FLAGS}),
    "detection_delays": (
        detection_delays,
        {"spans": SPANS, "flags": GOOD_FLAGS, "look_ahead": 1},
    ),
    "evaluate": (
        evaluate,
        {"spans": SPANS, "flags": GOOD_FLAGS, "scores": GOOD_SCORES, "look_ahead": 0},
    ),
    "point_adjust": (lh.point_adjust, {"truth": GOOD_FLAGS, "flags": GOOD_FLAGS}),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: no span at all is
#: a fair question; scores are optional in evaluate.
NO_SPANS = {"spans": {"emptyarr", "emptylist"}}
ACCEPTED = {
    "alarms": {},
    "span_mask": NO_SPANS,
    "point_metrics": {},
    "event_metrics": NO_SPANS,
    "pr_auc": {},
    "false_alarms_per_day": NO_SPANS,
    "detection_delays": {**NO_SPANS, "look_ahead": {"i64", "zero"}},
    "evaluate": {**NO_SPANS, "scores": {"None"}, "look_ahead": {"i64", "zero"}},
    "point_adjust": {},
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(GOOD, ACCEPTED)
