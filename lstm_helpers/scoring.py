"""Turning reconstruction or forecast errors into anomaly scores, thresholds and metrics."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_finite, check_ndim, describe

__all__ = [
    "mean_std_threshold",
    "per_step_errors",
    "precision_recall_f1",
    "quantile_threshold",
    "window_mae",
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
