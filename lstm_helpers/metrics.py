"""Step 4 of the pipeline: judging flags against labelled anomaly spans.

Vocabulary, the same in every function:

* a **span** is a labelled anomaly interval ``(start, end)``, both ends included, in the
  units of the index: timestamps for a DatetimeIndex (timezone-aware spans for a
  timezone-aware index), numbers for an integer index (synthetic data);
* **flags** are a detector's output: a boolean pandas Series on a sorted, unique index;
* an **alarm** is a run of consecutive flagged points, from its first to its last flagged
  point; :func:`alarms` finds them, and it is the only code in the package that does.

Metrics:

* :func:`point_metrics` – precision, recall and F1 over points;
* :func:`event_metrics` – the same over spans and alarms, counted as Orion's overlapping
  segments: a span is found (TP) if any alarm overlaps it, missed (FN) otherwise, and an
  alarm that overlaps no span is a false alarm (FP);
* :func:`pr_auc` – threshold-free: the average precision of a score, the area under its
  step-wise precision-recall curve, as scikit-learn's ``average_precision_score``;
* :func:`false_alarms_per_day` – the FP alarms of :func:`event_metrics` per day of the
  flags' time range, the same definition for every detector;
* :func:`detection_delays` – from each span's start to the first flag in it that could
  have been computed by then;
* :func:`evaluate` – all of the above in one dict.

Undefined ratios (precision with no flags raised, recall with no spans, ...) are NaN,
never a silent 0. F1 is ``2 tp / (2 tp + fp + fn)``: it is 0, not NaN, when there is no true
positive but some false alarm or missed span (Orion's ``2 p r / (p + r)`` gives NaN there),
and NaN only when all three counts are 0.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_int, check_time_order, describe, is_sequence

__all__ = [
    "alarms",
    "detection_delays",
    "evaluate",
    "event_metrics",
    "false_alarms_per_day",
    "point_adjust",
    "point_metrics",
    "pr_auc",
    "span_mask",
]

Spans = Sequence[tuple[Any, Any]]


# ----------------------------------------------------------------------------- validation


def _check_index(index: Any, name: str) -> pd.Index:
    """A sorted, unique, non-empty DatetimeIndex or integer index, else raise."""
    if not isinstance(index, pd.Index):
        raise TypeError(f"{name} must be a pandas Index; got {describe(index)}")
    if not (isinstance(index, pd.DatetimeIndex) or pd.api.types.is_integer_dtype(index.dtype)):
        raise TypeError(
            f"{name} must be a DatetimeIndex (timezone-aware allowed) or an integer index; "
            f"got {type(index).__name__} of dtype {index.dtype}"
        )
    if len(index) == 0:
        raise ValueError(f"{name} must not be empty")
    if isinstance(index, pd.DatetimeIndex) and index.hasnans:
        raise ValueError(f"{name} must not hold NaT; found {int(index.isna().sum())}")
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise ValueError(
            f"{name} must be unique; {int(index.duplicated().sum())} duplicated label(s), the "
            f"first {dup}. Drop them, e.g. flags[~flags.index.duplicated()]"
        )
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name} must be sorted in increasing order; sort it with .sort_index()")
    return index


def _check_flags(flags: Any, name: str = "flags") -> pd.Series:
    if not isinstance(flags, pd.Series):
        raise TypeError(
            f"{name} must be a boolean pandas Series on a sorted, unique index; "
            f"got {describe(flags)}"
        )
    if flags.dtype != bool:
        raise TypeError(f"{name} must hold booleans (dtype bool); got dtype {flags.dtype}")
    _check_index(flags.index, f"{name}.index")
    return flags


def _span_end(value: Any, index: pd.Index, what: str) -> Any:
    """One end of a span, in the units of ``index``."""
    if isinstance(index, pd.DatetimeIndex):
        if isinstance(value, numbers.Number) and not isinstance(value, np.datetime64):
            raise TypeError(
                f"{what} must be a timestamp for a DatetimeIndex; got {value!r} "
                f"({type(value).__name__})"
            )
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{what} must be a timestamp; got {value!r}") from err
        if pd.isna(ts):
            raise ValueError(f"{what} must be a timestamp, not NaT/None; got {value!r}")
        if (ts.tz is None) != (index.tz is None):
            raise TypeError(
                f"{what} is {'timezone-naive' if ts.tz is None else f'in timezone {ts.tz}'} "
                f"but the index is {'timezone-naive' if index.tz is None else f'in {index.tz}'}; "
                "give both a timezone or neither (e.g. pd.Timestamp(start).tz_localize(...))"
            )
        return ts.tz_convert(index.tz) if ts.tz is not None else ts
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{what} must be a number in the units of the integer index; got {value!r} "
            f"({type(value).__name__})"
        )
    if not np.isfinite(value):
        raise ValueError(f"{what} must be finite; got {value}")
    return value


def _check_spans(spans: Any, index: pd.Index) -> list[tuple[Any, Any]]:
    """Spans converted to the units of ``index``; refuse reversed, NaT and overlapping ones."""
    if not is_sequence(spans):
        raise TypeError(f"spans must be a sequence of (start, end) pairs; got {describe(spans)}")
    out = []
    for i, span in enumerate(spans):
        if not is_sequence(span):
            hint = (
                ". One span? Wrap it in a list: [(start, end)]"
                if i == 0 and len(spans) == 2
                else ""
            )
            raise TypeError(f"spans[{i}] must be a (start, end) pair; got {describe(span)}{hint}")
        if len(span) != 2:
            raise ValueError(f"spans[{i}] must be a (start, end) pair; got {span!r}")
        start = _span_end(span[0], index, f"spans[{i}] start")
        end = _span_end(span[1], index, f"spans[{i}] end")
        if end < start:
            raise ValueError(f"spans[{i}] ends before it starts: ({start}, {end})")
        out.append((start, end))
    ordered = sorted(out, key=lambda s: s[0])
    for (a0, a1), (b0, b1) in itertools.pairwise(ordered):
        if b0 <= a1:
            raise ValueError(f"spans must not overlap; ({a0}, {a1}) and ({b0}, {b1}) do")
    return out


def _bounds(spans: list[tuple[Any, Any]], index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``lo, hi`` so that span ``i`` covers ``index[lo[i]:hi[i]]``."""
    lo = np.array([index.searchsorted(a, side="left") for a, _ in spans], dtype=np.intp)
    hi = np.array([index.searchsorted(b, side="right") for _, b in spans], dtype=np.intp)
    return lo, hi


def _bool_values(obj: Any, name: str, allow_empty: bool = False) -> np.ndarray:
    if isinstance(obj, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain array; got a numpy masked array")
    if isinstance(obj, (str, bytes)) or obj is None:
        raise TypeError(f"{name} must be booleans, one per point; got {describe(obj)}")
    try:
        arr = obj.to_numpy() if isinstance(obj, pd.Series) else np.asarray(obj)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} must be a flat array of booleans; got {describe(obj)}") from err
    if arr.dtype != np.bool_:
        raise TypeError(f"{name} must hold booleans; got dtype {arr.dtype}")
    if arr.ndim != 1 or (arr.size == 0 and not allow_empty):
        raise ValueError(f"{name} must be 1-D and non-empty, one per point; got {describe(arr)}")
    return arr


def _aligned(a: Any, b: Any, name_a: str, name_b: str) -> None:
    """Refuse two Series on different indexes, or two inputs of different lengths."""
    if isinstance(a, pd.Series) and isinstance(b, pd.Series) and not a.index.equals(b.index):
        raise ValueError(
            f"{name_a} and {name_b} must share one index (they are compared point by point, "
            f"not by position); got indexes of length {len(a.index)} and {len(b.index)} that "
            "differ. Align them first, e.g. b.reindex(a.index)"
        )
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same length; got {len(a)} and {len(b)}"
        )


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


# ----------------------------------------------------------------------------- metrics


def span_mask(index: pd.Index, spans: Spans) -> pd.Series:
    """True for the points that fall inside any span (both ends included).

    Parameters
    ----------
    index : pandas.DatetimeIndex or integer Index, shape (n,), sorted and unique
    spans : sequence of (start, end), in the units of ``index``

    Returns
    -------
    pandas.Series of bool, shape (n,), on ``index``: the truth for :func:`point_metrics`.
    """
    index = _check_index(index, "index")
    checked = _check_spans(spans, index)
    mask = np.zeros(len(index), dtype=bool)
    for lo, hi in zip(*_bounds(checked, index), strict=True):  # a few spans, not rows
        mask[lo:hi] = True
    return pd.Series(mask, index=index, name="in_span")


def point_metrics(truth: ArrayLike | pd.Series, flags: ArrayLike | pd.Series) -> dict[str, Any]:
    """Point-level precision, recall and F1.

    Parameters
    ----------
    truth : boolean Series or array, shape (n,)
        True where a point is anomalous (e.g. ``span_mask(flags.index, spans)``).
    flags : boolean Series or array, shape (n,)
        True where the detector flags a point. Two Series must share their index.

    Returns
    -------
    dict
        ``precision = tp / (tp + fp)`` (NaN with no flag), ``recall = tp / (tp + fn)`` (NaN
        with no anomalous point), ``f1 = 2 tp / (2 tp + fp + fn)`` (NaN when all three are
        0), and the counts ``tp``, ``fp``, ``fn``.
    """
    t = _bool_values(truth, "truth")
    f = _bool_values(flags, "flags")
    _aligned(truth, flags, "truth", "flags")
    return _prf(int(np.sum(t & f)), int(np.sum(~t & f)), int(np.sum(t & ~f)))


def alarms(flags: ArrayLike | pd.Series) -> pd.DataFrame:
    """Every alarm in ``flags``: each run of consecutive flagged points, in time order.

    The one place in the package that finds runs of flags: the metrics, Telemanom's pruning
    and the plots all call it.

    Parameters
    ----------
    flags : boolean pandas Series or 1-D boolean array, shape (n,)
        A Series on a datetime or numeric index must be in time order (sorted, unique).

    Returns
    -------
    pandas.DataFrame, one row per alarm
        ``first`` and ``last``: positions of its first and last flagged point (inclusive);
        ``start`` and ``end``: their labels in ``flags.index`` (the positions again for an
        array); ``n_points``: ``last - first + 1``.

    Examples
    --------
    >>> lh.alarms(np.array([False, True, True, False, True]))[["first", "last"]].values.tolist()
    [[1, 2], [4, 4]]
    """
    check_time_order(flags, "flags")  # runs are found by position: time order matters
    values = _bool_values(flags, "flags", allow_empty=True)
    edges = np.diff(np.concatenate([[0], values.astype(np.int8), [0]]))
    first = np.flatnonzero(edges == 1)
    last = np.flatnonzero(edges == -1) - 1
    if isinstance(flags, pd.Series):
        start, end = flags.index[first], flags.index[last]
    else:
        start, end = first, last
    return pd.DataFrame(
        {"first": first, "last": last, "start": start, "end": end, "n_points": last - first + 1}
    )


def _overlaps(
    first: np.ndarray, last: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which spans some alarm overlaps, and which alarms overlap some span, in positions.

    Alarm ``j`` covers positions ``first[j] .. last[j]``, span ``i`` covers ``lo[i] .. hi[i] - 1``
    (both sorted). Closed intervals of labels, as Orion pads them: alarm ``[s, e]`` overlaps
    span ``[a, b]`` when ``s <= b`` and ``a <= e``, that is ``first < hi`` and ``last >= lo``
    (true even for a span that falls between two points, inside one alarm). Spans are
    disjoint and so are alarms, so a binary search finds each one's only candidate: time
    O((n_spans + n_alarms) log), memory linear.
    """
    j = np.searchsorted(last, lo, side="left")  # each span's first alarm ending at/after it
    span_hit = np.zeros(len(lo), dtype=bool)
    ok = j < len(first)
    span_hit[ok] = first[j[ok]] < hi[ok]
    i = np.searchsorted(hi, first, side="right")  # each alarm's first span ending after it
    alarm_hit = np.zeros(len(first), dtype=bool)
    ok = i < len(lo)
    alarm_hit[ok] = lo[i[ok]] <= last[ok]
    return span_hit, alarm_hit


def _event_counts(
    values: np.ndarray | pd.Series, lo: np.ndarray, hi: np.ndarray
) -> tuple[int, int, int, int]:
    """``(tp, fp, fn, n_alarms)`` of flags against spans given as sorted position bounds."""
    found = alarms(values)
    span_hit, alarm_hit = _overlaps(found["first"].to_numpy(), found["last"].to_numpy(), lo, hi)
    tp = int(span_hit.sum())
    return tp, int((~alarm_hit).sum()), len(lo) - tp, len(alarm_hit)


def event_metrics(spans: Spans, flags: pd.Series) -> dict[str, Any]:
    """Event-level precision, recall and F1, counted as Orion's overlapping segments.

    An alarm is a run of consecutive flagged points (:func:`alarms`). A span overlapped by at
    least one alarm is a TP, a span overlapped by none is a FN, and an alarm that overlaps no
    span is a FP (a false alarm).

    Parameters
    ----------
    spans : sequence of (start, end), in the units of ``flags.index``
    flags : pandas.Series of bool, shape (n,), sorted unique index

    Returns
    -------
    dict
        ``precision = tp / (tp + fp)`` and ``recall = tp / (tp + fn)`` (NaN where the
        denominator is 0); ``f1 = 2 tp / (2 tp + fp + fn)``, which is 0 when there is no
        true positive but some false alarm or missed span (where Orion's ``2 p r / (p + r)``
        would be NaN) and NaN only when all three counts are 0; the counts ``tp``, ``fp``,
        ``fn``; and ``n_alarms``.
    """
    flags = _check_flags(flags)
    ordered = sorted(_check_spans(spans, flags.index), key=lambda span: span[0])
    tp, fp, fn, n_alarms = _event_counts(flags.to_numpy(), *_bounds(ordered, flags.index))
    out = _prf(tp, fp, fn)
    out["n_alarms"] = n_alarms
    return out


def pr_auc(truth: ArrayLike | pd.Series, scores: ArrayLike | pd.Series) -> float:
    """Threshold-free score: average precision, the area under the step-wise precision-recall curve.

    ``AP = sum_n (R_n - R_{n-1}) * P_n`` over the distinct score values taken as thresholds
    from the highest down (flag ``score >= threshold``), as scikit-learn's
    ``average_precision_score``. A random score gets about the share of anomalous points.

    Parameters
    ----------
    truth : boolean Series or array, shape (n,)
    scores : numeric Series or array, shape (n,); two Series must share their index.
        NaN (a point with no score yet) ranks below every number: it is never flagged
        before every scored point is.

    Returns
    -------
    float in [0, 1]; NaN if ``truth`` has no anomalous point.
    """
    t = _bool_values(truth, "truth")
    s = as_float_array(scores, "scores")
    if s.ndim != 1:
        raise ValueError(f"scores must be 1-D, one per point; got {describe(s)}")
    _aligned(truth, scores, "truth", "scores")
    if np.isinf(s).any():
        raise ValueError(f"scores must not hold inf; found {int(np.isinf(s).sum())}")
    if not t.any():
        return float("nan")
    return float(_average_precision(s, t[np.newaxis, :])[0])


def _average_precision(scores: np.ndarray, truths: np.ndarray) -> np.ndarray:
    """Average precision of one score against each row of ``truths``, shape (n_truths, n).

    The score is sorted once (NaN last); each truth row is then one cumulative sum. The
    rotation null (:func:`lstm_helpers.rotation_null`) calls this with hundreds of rows.
    """
    s = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-s, kind="stable")
    s = s[order]
    last_of_value = np.r_[np.flatnonzero(s[1:] != s[:-1]), s.size - 1]  # each threshold's end
    tps = np.cumsum(truths[:, order], axis=1)[:, last_of_value]
    n_pos = tps[:, -1:]
    precision = tps / (last_of_value + 1)
    recall = tps / np.where(n_pos > 0, n_pos, 1)
    gain = np.diff(np.concatenate([np.zeros_like(recall[:, :1]), recall], axis=1), axis=1)
    out = np.sum(gain * precision, axis=1)
    return np.where(n_pos[:, 0] > 0, out, np.nan)


def _days(index: pd.Index) -> float:
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(
            "false_alarms_per_day needs flags on a DatetimeIndex (days are time); got "
            f"{type(index).__name__}. Use event_metrics(spans, flags)['fp'] for a count."
        )
    if len(index) < 2:
        raise ValueError(
            f"false_alarms_per_day needs at least 2 timestamps to measure time; got {len(index)}"
        )
    return (index[-1] - index[0]) / pd.Timedelta(days=1)


def false_alarms_per_day(spans: Spans, flags: pd.Series) -> float:
    """False alarms per day: alarms that overlap no span, per day of the flags' time range.

    The one definition used for every detector. An alarm is a run of consecutive flagged
    points (one long alarm counts once) and it is false if it overlaps no span: the
    ``fp`` of :func:`event_metrics`. The days are the time from the first to the last
    label of ``flags.index``.

    Parameters
    ----------
    spans : sequence of (start, end) timestamps
    flags : pandas.Series of bool on a sorted, unique DatetimeIndex with >= 2 timestamps

    Returns
    -------
    float
    """
    flags = _check_flags(flags)
    days = _days(flags.index)
    return event_metrics(spans, flags)["fp"] / days


def detection_delays(spans: Spans, flags: pd.Series, look_ahead: int = 0) -> pd.Series:
    """Time from each span's start to the first flag in it that was computable by then.

    A flag at position ``i`` is known at position ``i + look_ahead``: ``look_ahead = 0`` for
    causal scores (:func:`lstm_helpers.causal_scores`, :func:`lstm_helpers.smooth` of one,
    the baselines), ``look_ahead = n_timesteps - 1`` for
    :func:`lstm_helpers.windows_to_points`, which looks that far ahead. The delay of a span
    is ``index[i + look_ahead] - start`` for the first flagged ``i`` inside the span; a flag
    whose ``i + look_ahead`` lies past the end of the index was never computable and is
    ignored.

    Parameters
    ----------
    spans : sequence of (start, end), in the units of ``flags.index``
    flags : pandas.Series of bool, shape (n,), sorted unique index
    look_ahead : int >= 0

    Returns
    -------
    pandas.Series, one entry per span in the order given
        Timedelta for a DatetimeIndex, numbers for an integer index; NaT/NaN for a
        missed span.
    """
    flags = _check_flags(flags)
    look_ahead = check_int(look_ahead, "look_ahead", 0)
    checked = _check_spans(spans, flags.index)
    index, values = flags.index, flags.to_numpy()
    computable = values.copy()
    if look_ahead:
        computable[max(len(values) - look_ahead, 0) :] = False
    delays = []
    for (start, _), lo, hi in zip(checked, *_bounds(checked, index), strict=True):
        hits = np.flatnonzero(computable[lo:hi])
        delays.append(index[lo + hits[0] + look_ahead] - start if hits.size else None)
    if isinstance(index, pd.DatetimeIndex):
        return pd.Series(pd.to_timedelta(delays), name="delay", dtype="timedelta64[ns]")
    return pd.Series([np.nan if d is None else d for d in delays], name="delay", dtype=float)


def evaluate(
    spans: Spans, flags: pd.Series, scores: pd.Series | None = None, look_ahead: int = 0
) -> dict[str, Any]:
    """Every metric at once, the same protocol for every detector.

    Parameters
    ----------
    spans : sequence of (start, end), in the units of ``flags.index``
    flags : pandas.Series of bool, shape (n,), sorted unique index
    scores : pandas.Series, optional
        The score the flags were thresholded from, on the same index, for :func:`pr_auc`.
    look_ahead : int
        For :func:`detection_delays`.

    Returns
    -------
    dict
        ``point_precision``, ``point_recall``, ``point_f1``, ``event_precision``,
        ``event_recall``, ``event_f1``, ``spans_found`` (``"tp/n_spans"``),
        ``false_alarms`` (count), ``false_alarms_per_day`` (NaN on an integer index),
        ``mean_delay`` (over found spans; NaT/NaN if none) and ``pr_auc`` (NaN without
        ``scores``).
    """
    flags = _check_flags(flags)
    truth = span_mask(flags.index, spans)
    points = point_metrics(truth, flags)
    events = event_metrics(spans, flags)
    if scores is not None and not isinstance(scores, pd.Series):
        raise TypeError(f"scores must be a pandas Series on flags' index; got {describe(scores)}")
    if scores is not None and not scores.index.equals(flags.index):
        raise ValueError(
            "scores and flags must share one index (scores are compared point by point, not by "
            f"position); got indexes of length {len(scores)} and {len(flags)} that differ. "
            "Align them first, e.g. scores.reindex(flags.index)"
        )
    auc = pr_auc(truth, scores) if scores is not None else float("nan")
    delays = detection_delays(spans, flags, look_ahead=look_ahead)
    if isinstance(flags.index, pd.DatetimeIndex) and len(flags) >= 2:
        per_day = events["fp"] / _days(flags.index)
    else:
        per_day = float("nan")
    return {
        "point_precision": points["precision"],
        "point_recall": points["recall"],
        "point_f1": points["f1"],
        "event_precision": events["precision"],
        "event_recall": events["recall"],
        "event_f1": events["f1"],
        "spans_found": f"{events['tp']}/{len(spans)}",
        "false_alarms": events["fp"],
        "false_alarms_per_day": per_day,
        "mean_delay": delays.mean(),
        "pr_auc": auc,
    }


def point_adjust(
    truth: ArrayLike | pd.Series, flags: ArrayLike | pd.Series
) -> np.ndarray | pd.Series:
    """The *point-adjust* protocol, shown so that it can be recognised: **a trap**.

    Many papers score detectors after "adjusting" their flags: if any point of a labelled
    segment (a run of consecutive anomalous points) is flagged, every point of that segment
    counts as flagged. Kim, Choi, Choi, Lee and Yoon, "Towards a rigorous evaluation of
    time-series anomaly detection" (AAAI 2022, https://arxiv.org/abs/2109.05257) show that
    point-adjusted F1 rewards luck: one flag anywhere in a long segment earns the whole
    segment as true positives, so a *random* score often matches or beats trained models.
    Use it only to show that; report :func:`point_metrics`, :func:`event_metrics` and
    :func:`pr_auc` instead.

    Parameters
    ----------
    truth : boolean Series or array, shape (n,)
    flags : boolean Series or array, shape (n,); two Series must share their index.

    Returns
    -------
    same type as ``flags``, shape (n,)
        ``flags`` with every labelled segment that holds at least one flag filled in.
    """
    check_time_order(truth, "truth")  # segments are runs by position: time order matters
    check_time_order(flags, "flags")
    t = _bool_values(truth, "truth")
    f = _bool_values(flags, "flags")
    _aligned(truth, flags, "truth", "flags")
    adjusted = f.copy()
    for first, last in alarms(t)[["first", "last"]].to_numpy():  # the labelled segments
        if f[first : last + 1].any():
            adjusted[first : last + 1] = True
    if isinstance(flags, pd.Series):
        return pd.Series(adjusted, index=flags.index, name=flags.name)
    return adjusted
