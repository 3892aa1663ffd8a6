"""Telemanom's nonparametric dynamic threshold, written from its published description.

Hundman, Constantinou, Laporte, Colwell and Söderström, "Detecting spacecraft anomalies
using LSTMs and nonparametric dynamic thresholding", KDD 2018
(https://arxiv.org/abs/1802.04431), and NASA's reference code ``khundman/telemanom``
(``telemanom/errors.py``, defaults in ``config.yaml``). The steps:

1. **Smooth** the errors with an exponentially weighted moving average (:func:`ewma`;
   Telemanom's span is 5 % of its history window: ``smoothing_perc = 0.05``).
2. **Search** a threshold ``mean + z * std`` of the smoothed errors for ``z`` in a range
   (Telemanom: 2.5, 3.0, ... 11.5) and keep the ``z`` that maximises

   .. math:: \\frac{\\Delta\\mu/\\mu + \\Delta\\sigma/\\sigma}{|e_a| + |E_{seq}|^2}

   where :math:`\\Delta\\mu` and :math:`\\Delta\\sigma` are how much the mean and standard
   deviation drop when the points above the threshold are removed, :math:`|e_a|` is the
   number of flagged points and :math:`|E_{seq}|` the number of flagged sequences (runs of
   consecutive flagged points, after widening each flagged point by ``error_buffer``).
   A ``z`` is only admissible if it flags something, at most 5 sequences and fewer than
   half the points (:func:`search_k`).
3. **Prune**: sort the flagged sequences by their peak smoothed error, append the largest
   unflagged error, and keep only the sequences down to the last step where the next peak
   is at least ``min_decrease`` (Telemanom's ``p = 0.13``) lower, relatively
   (:func:`prune`).
4. **Dynamic**: steps 2 and 3 run on a trailing history of ``history`` points (Telemanom:
   ``batch_size * window_size = 70 * 30 = 2100``) that moves forward ``batch`` points at a
   time, so the threshold follows the recent level of the errors
   (:func:`dynamic_threshold`).

Differences from the reference code, on purpose and small: every run of flagged points
counts as a sequence (the code skips runs of one point); a point exactly at the threshold
is neither flagged nor removed from the mean only in the code, here it stays unflagged
and counts in the mean; pruning looks at each sequence's whole peak (the code leaves out
its last point); and we do not implement the code's extra passes (inverted errors for
drops, a minimum error scale, skipping the first windows).
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_finite, check_positive_int, describe
from .metrics import alarms

__all__ = [
    "K_VALUES",
    "DynamicThreshold",
    "dynamic_threshold",
    "ewma",
    "prune",
    "search_k",
]

#: The z values Telemanom searches: 2.5, 3.0, ..., 11.5 (``np.arange(2.5, 12, 0.5)``).
K_VALUES: np.ndarray = np.arange(2.5, 12.0, 0.5)
#: The z Telemanom falls back on when no z in the range is admissible (``sd_lim``).
K_FALLBACK = 12.0


def _errors(errors: ArrayLike, name: str = "errors") -> np.ndarray:
    if isinstance(errors, pd.Series) and not (
        errors.index.is_monotonic_increasing and errors.index.is_unique
    ):
        raise ValueError(
            f"{name} must be in time order: a Series needs a sorted, unique index "
            "(sort it with .sort_index(), drop repeated timestamps)"
        )
    arr = as_float_array(errors, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of errors; got {describe(arr)}")
    check_finite(arr, name)
    if (arr < 0).any():
        first = int(np.argmax(arr < 0))
        raise ValueError(
            f"{name} must be non-negative (absolute errors or scores); got {arr[first]} at "
            f"index {first}"
        )
    return arr


def _like(values: np.ndarray, template: object, name: str) -> np.ndarray | pd.Series:
    """Wrap ``values`` as a Series on the template's index if the template is a Series."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=name)
    return values


def ewma(errors: ArrayLike, span: float) -> np.ndarray | pd.Series:
    """Exponentially weighted moving average, as Telemanom smooths its errors.

    ``alpha = 2 / (span + 1)`` and ``s[t] = sum_i (1 - alpha)**i * e[t - i] / sum_i (1 - alpha)**i``
    over ``i = 0 .. t`` (pandas' ``ewm(span=span, adjust=True).mean()``). Causal: ``s[t]``
    uses ``e[0..t]`` only.

    Parameters
    ----------
    errors : array-like or pandas.Series, shape (n,)
        Non-negative, finite errors.
    span : float >= 1

    Returns
    -------
    numpy.ndarray or pandas.Series (same index as ``errors``), shape (n,)
    """
    arr = _errors(errors)
    if isinstance(span, bool) or not isinstance(span, numbers.Real) or not span >= 1:
        raise ValueError(f"span must be a number >= 1; got {span!r}")
    smoothed = pd.Series(arr).ewm(span=float(span), adjust=True).mean().to_numpy()
    return _like(smoothed, errors, "smoothed")


def _widen(flags: np.ndarray, error_buffer: int) -> np.ndarray:
    """Mark every point within ``error_buffer - 1`` of a flagged point (Telemanom's buffer)."""
    if error_buffer == 1 or not flags.any():
        return flags.copy()
    reach = error_buffer - 1
    n = flags.size
    counts = np.concatenate([[0], np.cumsum(flags)])  # counts[i] = flags[:i].sum()
    idx = np.arange(n)
    hi = np.minimum(idx + reach + 1, n)
    lo = np.maximum(idx - reach, 0)
    return (counts[hi] - counts[lo]) > 0


def _n_runs(flags: np.ndarray) -> int:
    """Number of alarms (runs of consecutive True values)."""
    return len(alarms(flags))


def _check_k_values(k_values: ArrayLike) -> np.ndarray:
    z = as_float_array(k_values, "k_values")
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"k_values must be a non-empty 1-D array; got {describe(z)}")
    check_finite(z, "k_values")
    if np.any(np.diff(z) <= 0):
        raise ValueError(f"k_values must be strictly increasing; got {z.tolist()}")
    return z


def search_k(
    smoothed: ArrayLike,
    k_values: ArrayLike = K_VALUES,
    error_buffer: int = 100,
    max_sequences: int = 5,
    max_flagged_fraction: float = 0.5,
) -> pd.DataFrame:
    """Every candidate threshold ``mean + z * std`` of Telemanom's search, scored.

    Parameters
    ----------
    smoothed : array-like, shape (n,)
        Smoothed, non-negative errors of one history window.
    k_values : array-like, shape (n_z,)
        Candidate z, strictly increasing (default 2.5, 3.0, ..., 11.5 as Telemanom).
    error_buffer : int >= 1
        Each point above the threshold also marks its ``error_buffer - 1`` neighbours on
        each side (Telemanom's ``error_buffer``, default 100; 1 marks the point alone).
    max_sequences, max_flagged_fraction
        A z is admissible only if it flags at least one point, at most ``max_sequences``
        sequences and fewer than ``max_flagged_fraction`` of the points (Telemanom: 5, 0.5).

    Returns
    -------
    pandas.DataFrame, one row per z
        ``z``, ``threshold``, ``n_above`` (points above the threshold), ``n_flagged`` (after
        the buffer: :math:`|e_a|`), ``n_sequences`` (:math:`|E_{seq}|`), ``mean_decrease`` and
        ``std_decrease`` (relative, when the points above are removed), ``objective`` and
        ``admissible`` (bool). Telemanom picks the admissible row with the largest
        objective, ties going to the larger z, and falls back on z = 12 when no row is
        admissible (as :func:`dynamic_threshold` does).
    """
    e = _errors(smoothed, "smoothed")
    z = _check_k_values(k_values)
    error_buffer = check_positive_int(error_buffer, "error_buffer")
    max_sequences = check_positive_int(max_sequences, "max_sequences")
    if not 0 < max_flagged_fraction <= 1:
        raise ValueError(f"max_flagged_fraction must lie in (0, 1]; got {max_flagged_fraction}")
    mean, std = float(e.mean()), float(e.std())
    rows = []
    for zi in z:
        threshold = mean + zi * std
        above = e > threshold
        kept = e[~above]
        flagged = _widen(above, error_buffer)
        n_flagged, n_seq = int(flagged.sum()), _n_runs(flagged)
        if above.any() and std > 0:
            mean_dec = (mean - kept.mean()) / mean
            std_dec = (std - kept.std()) / std
            objective = (mean_dec + std_dec) / (n_flagged + n_seq**2)
        else:
            mean_dec = std_dec = objective = np.nan
        rows.append(
            {
                "z": float(zi),
                "threshold": threshold,
                "n_above": int(above.sum()),
                "n_flagged": n_flagged,
                "n_sequences": n_seq,
                "mean_decrease": mean_dec,
                "std_decrease": std_dec,
                "objective": objective,
                "admissible": bool(
                    above.any()
                    and std > 0
                    and n_seq <= max_sequences
                    and n_flagged < max_flagged_fraction * e.size
                ),
            }
        )
    return pd.DataFrame(rows)


def _choose(search: pd.DataFrame, fallback: float) -> float:
    ok = search[search["admissible"]]
    if ok.empty:
        return fallback
    best = ok["objective"].max()
    return float(ok.loc[ok["objective"] == best, "z"].max())  # ties: the larger z


def prune(
    smoothed: ArrayLike, flags: ArrayLike, min_decrease: float = 0.13
) -> np.ndarray | pd.Series:
    """Drop flagged sequences whose peak is not clearly above the next one (Telemanom's pruning).

    Each run of consecutive flagged points is a sequence with a peak (its largest smoothed
    error). Sort the peaks in decreasing order and append the largest unflagged error
    (0 if every point is flagged). Walking down the list, a step is *significant* when
    ``(peak[i] - peak[i + 1]) / peak[i] >= min_decrease``. The sequences ranked down to the
    last significant step are kept; the ones below it are removed (all of them if no step
    is significant).

    Parameters
    ----------
    smoothed : array-like or pandas.Series, shape (n,)
        Smoothed, non-negative errors.
    flags : array-like of bool, shape (n,)
    min_decrease : float in [0, 1]
        Telemanom's ``p`` (default 0.13).

    Returns
    -------
    numpy.ndarray of bool or pandas.Series (same index as ``smoothed``), shape (n,)
    """
    e = _errors(smoothed, "smoothed")
    f = np.asarray(flags)
    if f.dtype != np.bool_:
        raise TypeError(f"flags must be booleans; got dtype {f.dtype}")
    if f.shape != e.shape:
        raise ValueError(
            f"flags and smoothed must have the same shape; got {f.shape} and {e.shape}"
        )
    if not 0 <= min_decrease <= 1:
        raise ValueError(f"min_decrease must lie in [0, 1]; got {min_decrease}")
    keep = _prune(e, f, min_decrease)
    return _like(keep, smoothed, "flags")


def _prune(e: np.ndarray, f: np.ndarray, min_decrease: float) -> np.ndarray:
    if not f.any():
        return f.copy()
    found = alarms(f)
    starts, ends = found["first"].to_numpy(), found["last"].to_numpy()  # inclusive
    peaks = np.array([e[s : t + 1].max() for s, t in zip(starts, ends, strict=True)])
    order = np.argsort(-peaks, kind="stable")
    below = float(e[~f].max()) if (~f).any() else 0.0
    ladder = np.append(peaks[order], below)
    with np.errstate(divide="ignore", invalid="ignore"):
        drops = (ladder[:-1] - ladder[1:]) / ladder[:-1]
    significant = np.flatnonzero(drops >= min_decrease)
    n_keep = int(significant[-1]) + 1 if significant.size else 0
    keep = np.zeros_like(f)
    for k in order[:n_keep]:
        keep[starts[k] : ends[k] + 1] = True
    return keep


class DynamicThreshold(NamedTuple):
    """What :func:`dynamic_threshold` returns; each field has the shape of the errors."""

    flags: np.ndarray | pd.Series  #: bool, True where a point is flagged (after pruning)
    threshold: np.ndarray | pd.Series  #: the threshold ``mean + z * std`` that judged each point
    smoothed: np.ndarray | pd.Series  #: the smoothed errors the threshold was applied to


def dynamic_threshold(
    errors: ArrayLike,
    history: int = 2100,
    batch: int = 70,
    span: float | None = None,
    k_values: ArrayLike = K_VALUES,
    error_buffer: int = 100,
    min_decrease: float = 0.13,
) -> DynamicThreshold:
    """Telemanom's nonparametric dynamic threshold over a series of errors.

    The errors are smoothed (:func:`ewma` with ``span``, default ``0.05 * history`` as
    Telemanom's ``smoothing_perc``). The first ``history`` points are judged together; after
    that, each next ``batch`` of points is judged by the trailing ``history`` points that end
    with it (or by the batch alone if it is longer than the history): a ``z`` is chosen on
    that history (:func:`search_k`), points above ``mean + z * std`` are flagged and widened
    by ``error_buffer``, the flagged sequences are pruned (:func:`prune`), and the
    flags that fall in the new batch are kept.
    A point's flag therefore uses errors up to the end of its batch (or of the first window):
    it is available ``batch`` points late at most, once the first window is full.

    Parameters
    ----------
    errors : array-like or pandas.Series, shape (n,)
        Non-negative, finite errors (or anomaly scores), in time order.
    history, batch : int >= 1
        History length and step (Telemanom: 2100 = 30 batches of 70). ``history`` is cut to
        ``n`` for short series.
    span : float >= 1, optional
        EWMA span (default ``max(1, int(0.05 * history))``, Telemanom's 105).
    k_values, error_buffer
        See :func:`search_k`.
    min_decrease : float
        See :func:`prune` (Telemanom's ``p``, 0.13).

    Returns
    -------
    DynamicThreshold
        ``flags`` (bool), ``threshold`` and ``smoothed`` (float), each shape (n,), and Series
        on the same index when ``errors`` is a Series.
    """
    e = _errors(errors)
    history = check_positive_int(history, "history")
    batch = check_positive_int(batch, "batch")
    z = _check_k_values(k_values)
    error_buffer = check_positive_int(error_buffer, "error_buffer")
    if not 0 <= min_decrease <= 1:
        raise ValueError(f"min_decrease must lie in [0, 1]; got {min_decrease}")
    span = max(1, int(0.05 * history)) if span is None else span
    s = np.asarray(ewma(e, span))
    n = e.size
    history = min(history, n)
    flags = np.zeros(n, dtype=bool)
    threshold = np.empty(n)
    start, end = 0, history
    while start < n:
        lo = min(end - history, start)  # the history always holds the whole new batch
        hist = s[lo:end]
        zi = _choose(search_k(hist, z, error_buffer), K_FALLBACK)
        eps = float(hist.mean() + zi * hist.std())
        judged = _prune(hist, _widen(hist > eps, error_buffer), min_decrease)
        flags[start:end] = judged[start - lo :]
        threshold[start:end] = eps
        start, end = end, min(end + batch, n)
    return DynamicThreshold(
        _like(flags, errors, "flags"),
        _like(threshold, errors, "threshold"),
        _like(s, errors, "smoothed"),
    )
