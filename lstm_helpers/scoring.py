"""Turning reconstruction or forecast errors into anomaly scores, thresholds and metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_finite, check_ndim, describe

__all__ = [
    "detection_delays",
    "evaluate_detections",
    "event_recall",
    "false_alarms_per_day",
    "mean_std_threshold",
    "per_step_errors",
    "precision_recall_f1",
    "quantile_threshold",
    "window_mae",
    "window_mask",
]


def _pair(x: ArrayLike, x_hat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = as_float_array(x, "x")
    b = as_float_array(x_hat, "x_hat")
    if a.shape != b.shape:
        raise ValueError(f"x and x_hat must have the same shape; got {a.shape} and {b.shape}")
    layout = "(n_windows, n_timesteps, n_features) or (n_windows, n_timesteps)"
    check_ndim(a, (2, 3), "x", layout)
    if a.size == 0:
        raise ValueError(f"x must not be empty; got shape {a.shape}")
    check_finite(a, "x")
    check_finite(b, "x_hat")
    return a, b


def per_step_errors(x: ArrayLike, x_hat: ArrayLike) -> np.ndarray:
    """Absolute error of every window at every step, averaged over features.

    Parameters
    ----------
    x, x_hat : array-like, shape (n_windows, n_timesteps, n_features) or (n_windows, n_timesteps)
        The windows and the model's reconstruction (or forecast) of them.

    Returns
    -------
    numpy.ndarray, shape (n_windows, n_timesteps)
        ``mean_f |x[w, t, f] - x_hat[w, t, f]|``.
    """
    a, b = _pair(x, x_hat)
    err = np.abs(a - b)
    return err.mean(axis=2) if err.ndim == 3 else err


def window_mae(x: ArrayLike, x_hat: ArrayLike) -> np.ndarray:
    """Mean absolute error of each window, over its steps and features.

    Parameters
    ----------
    x, x_hat : array-like, shape (n_windows, n_timesteps, n_features) or (n_windows, n_timesteps)

    Returns
    -------
    numpy.ndarray, shape (n_windows,)
    """
    return per_step_errors(x, x_hat).mean(axis=1)


def _scores(scores: ArrayLike) -> np.ndarray:
    arr = as_float_array(scores, "scores")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"scores must be a non-empty 1-D array; got {describe(arr)}")
    check_finite(arr, "scores")
    return arr


def mean_std_threshold(scores: ArrayLike, k: float = 2.0) -> float:
    """``mean + k * std`` of scores measured on normal data.

    Parameters
    ----------
    scores : array-like, shape (n,)
        Anomaly scores of data known to be normal (for example the training windows).
    k : float
        How many standard deviations above the mean counts as anomalous.

    Returns
    -------
    float
    """
    arr = _scores(scores)
    return float(arr.mean() + k * arr.std())


def quantile_threshold(scores: ArrayLike, q: float = 0.99) -> float:
    """The ``q``-quantile of scores measured on normal data.

    Parameters
    ----------
    scores : array-like, shape (n,)
    q : float in [0, 1]

    Returns
    -------
    float
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must lie in [0, 1]; got {q}")
    return float(np.quantile(_scores(scores), q))


def _mask(obj: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(obj)
    if arr.dtype != np.bool_:
        raise TypeError(f"{name} must be a boolean mask; got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one flag per point; got shape {arr.shape}")
    return arr


def precision_recall_f1(predicted: ArrayLike, actual: ArrayLike) -> dict[str, Any]:
    """Point-level precision, recall and F1 of a detector.

    Parameters
    ----------
    predicted : array-like of bool, shape (n_points,)
        True where the detector flags a point.
    actual : array-like of bool, shape (n_points,)
        True where the point really is anomalous.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1`` (floats; 0.0 where undefined) and the counts
        ``tp``, ``fp``, ``fn`` (ints).
    """
    p = _mask(predicted, "predicted")
    a = _mask(actual, "actual")
    if p.shape != a.shape:
        raise ValueError(
            f"predicted and actual must have the same length; got {p.shape[0]} and {a.shape[0]}"
        )
    tp = int(np.sum(p & a))
    fp = int(np.sum(p & ~a))
    fn = int(np.sum(~p & a))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


# --------------------------------------------------------------------------- labelled windows

Windows = Sequence[tuple[Any, Any]]


def _detections(detections: pd.Series) -> pd.Series:
    if not isinstance(detections, pd.Series) or not isinstance(detections.index, pd.DatetimeIndex):
        index = getattr(detections, "index", None)
        raise TypeError(
            "detections must be a boolean pandas Series indexed by timestamps; got "
            + describe(detections)
            + (f" with a {type(index).__name__}" if index is not None else "")
        )
    if detections.dtype != bool:
        raise TypeError(f"detections must hold booleans; got dtype {detections.dtype}")
    if not detections.index.is_monotonic_increasing:
        raise ValueError("detections must be sorted by time")
    return detections


def window_mask(index: pd.DatetimeIndex, windows: Windows) -> np.ndarray:
    """True for the timestamps that fall inside any labelled window (ends included).

    Parameters
    ----------
    index : pandas.DatetimeIndex, shape (n,)
    windows : sequence of (start, end)

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(f"index must be a DatetimeIndex; got {type(index).__name__}")
    values = index.to_numpy()
    mask = np.zeros(len(index), dtype=bool)
    for start, end in windows:  # a handful of windows, not rows
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        if end < start:
            raise ValueError(f"a window must not end before it starts; got ({start}, {end})")
        lo = np.searchsorted(values, start.to_datetime64(), side="left")
        hi = np.searchsorted(values, end.to_datetime64(), side="right")
        mask[lo:hi] = True
    return mask


def event_recall(detections: pd.Series, windows: Windows) -> float:
    """Share of labelled windows with at least one detection inside them.

    Parameters
    ----------
    detections : pandas.Series of bool, DatetimeIndex, shape (n,)
    windows : sequence of (start, end)

    Returns
    -------
    float in [0, 1] (0.0 when there are no windows)
    """
    det = _detections(detections)
    hits = [bool(det.loc[pd.Timestamp(a) : pd.Timestamp(b)].any()) for a, b in windows]
    return float(np.mean(hits)) if hits else 0.0


def detection_delays(detections: pd.Series, windows: Windows) -> list[pd.Timedelta]:
    """Time from each window's start to its first detection (``NaT`` if it was missed).

    Returns
    -------
    list of pandas.Timedelta, one per window
    """
    det = _detections(detections)
    delays = []
    for a, b in windows:
        inside = det.loc[pd.Timestamp(a) : pd.Timestamp(b)]
        hit = inside.index[inside.to_numpy()]
        delays.append(hit[0] - pd.Timestamp(a) if len(hit) else pd.NaT)
    return delays


def false_alarms_per_day(detections: pd.Series, windows: Windows) -> float:
    """Alarms outside every labelled window, per day of data outside the windows.

    An *alarm* is a run of consecutive flagged timestamps; it is false if none of its
    timestamps lies inside a labelled window. Counting runs, not points, means a detector
    is not punished 50 times for one long alarm.

    Returns
    -------
    float
    """
    det = _detections(detections)
    flags = det.to_numpy()
    inside = window_mask(det.index, windows)
    run_id = np.cumsum(np.diff(np.concatenate([[False], flags])) & flags)  # new run starts
    runs = pd.DataFrame({"run": run_id[flags], "inside": inside[flags]})
    n_false = int((~runs.groupby("run")["inside"].any()).sum()) if len(runs) else 0
    step = det.index.to_series().diff().median()
    days_outside = (~inside).sum() * step / pd.Timedelta(days=1)
    return n_false / days_outside if days_outside > 0 else 0.0


def evaluate_detections(detections: pd.Series, windows: Windows) -> dict[str, Any]:
    """Every metric at once: point-level precision/recall/F1, event recall, false alarms, delay.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1`` (points), ``event_recall``, ``events_detected``
        (e.g. ``"3/4"``), ``false_alarms_per_day`` and ``mean_delay`` (over detected windows).
    """
    det = _detections(detections)
    points = precision_recall_f1(det.to_numpy(), window_mask(det.index, windows))
    delays = [d for d in detection_delays(det, windows) if not pd.isna(d)]
    recall = event_recall(det, windows)
    return {
        "precision": points["precision"],
        "recall": points["recall"],
        "f1": points["f1"],
        "event_recall": recall,
        "events_detected": f"{round(recall * len(windows))}/{len(windows)}",
        "false_alarms_per_day": false_alarms_per_day(det, windows),
        "mean_delay": pd.Series(delays).mean() if delays else pd.NaT,
    }
