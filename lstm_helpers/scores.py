"""Step 3 of the pipeline: from per-step errors to one score per point, and thresholds.

A *score* is one number per point of the series, larger meaning more unusual. Two kinds
of mapping from window errors to points exist, and the difference matters:

* :func:`causal_scores` – point ``p`` gets the error of the window that **ends** at ``p``,
  at its last step. It uses rows up to ``p`` only, so a live monitor can compute it at
  time ``p``: use it for detection delays and streaming.
* :func:`windows_to_points` – point ``p`` gets the max (or mean) of every window that
  covers it, including windows that end up to ``n_timesteps - 1`` points **after** ``p``.
  It looks ahead: fine to analyse a recording offline, not a score a monitor has at ``p``
  (pass ``lag=n_timesteps - 1`` to :func:`lstm_helpers.detection_delays`).

:func:`localise` maps flagged windows to their worst point (offline too), :func:`smooth`
is a causal trailing mean, and the thresholds should be fitted on the scores of a
**calibration** part of normal data (see :func:`lstm_helpers.calibration_split`), never on
the errors of the rows the model was trained on.
"""

from __future__ import annotations

import warnings
from typing import Literal, TypeVar

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._checks import (
    as_float_array,
    check_index_order,
    check_no_inf,
    check_positive_int,
    check_real,
    check_time_order,
    describe,
    exponent,
    safe_nanmean,
)

__all__ = [
    "causal_scores",
    "localise",
    "max_threshold",
    "mean_std_threshold",
    "quantile_threshold",
    "smooth",
    "windows_to_points",
]

Values = TypeVar("Values", np.ndarray, pd.Series)


def _check_step_errors(step_errors: ArrayLike) -> np.ndarray:
    """Validate per-step errors: a non-empty (n_windows, n_timesteps) array without inf.

    NaN (the error of a window that held a missing value) is kept: :func:`causal_scores`
    passes it on, :func:`windows_to_points` leaves such windows out of its aggregate (NaN
    where no other window covers the point), :func:`localise` skips a window with no error.
    """
    arr = as_float_array(step_errors, "step_errors")
    if arr.ndim != 2:
        raise ValueError(
            "step_errors must have shape (n_windows, n_timesteps), as from "
            f"lh.per_step_errors(y, yhat); got {describe(arr)}"
        )
    if 0 in arr.shape:
        raise ValueError(f"step_errors must not be empty; got shape {arr.shape}")
    # NaN (a window that held a missing value) is kept; inf is refused.
    check_no_inf(arr, "step_errors")
    return arr


def _with_index(scores: np.ndarray, index: pd.Index | None) -> np.ndarray | pd.Series:
    if index is None:
        return scores
    if not isinstance(index, pd.Index):
        raise TypeError(f"index must be a pandas Index or None; got {describe(index)}")
    check_index_order(index, "index")
    if len(index) != len(scores):
        raise ValueError(
            f"index must have one label per point ({len(scores)}: n_windows + n_timesteps - 1); "
            f"got {len(index)}"
        )
    return pd.Series(scores, index=index, name="score")


def causal_scores(step_errors: ArrayLike, index: pd.Index | None = None) -> np.ndarray | pd.Series:
    """Causal point scores: point ``p`` gets the last-step error of the window ending at ``p``.

    ``score[p] = step_errors[p - n_timesteps + 1, n_timesteps - 1]``. That window covers
    rows ``p - n_timesteps + 1 .. p``, so the score is computable at time ``p`` (causal),
    unlike :func:`windows_to_points`, which also uses windows that end after ``p``.

    Parameters
    ----------
    step_errors : array-like, shape (n_windows, n_timesteps)
        ``step_errors[w, t]`` is window ``w``'s error at point ``w + t``
        (from :func:`lstm_helpers.per_step_errors`).
    index : pandas.Index, optional
        Labels of the ``n_windows + n_timesteps - 1`` points, in time order; if given, a
        Series is returned.

    Returns
    -------
    numpy.ndarray or pandas.Series, shape (n_windows + n_timesteps - 1,)
        NaN for the first ``n_timesteps - 1`` points, before the first full window.
    """
    arr = _check_step_errors(step_errors)
    n_timesteps = arr.shape[1]
    scores = np.concatenate([np.full(n_timesteps - 1, np.nan), arr[:, -1]])
    return _with_index(scores, index)


def windows_to_points(
    step_errors: ArrayLike, how: Literal["max", "mean"] = "max", index: pd.Index | None = None
) -> np.ndarray | pd.Series:
    """Offline point scores: combine every window's error at each point (looks ahead).

    Each point is covered by up to ``n_timesteps`` windows, each with its own error at that
    point; ``how`` combines them. Because the windows ending *after* ``p`` count too,
    ``score[p]`` needs data up to ``p + n_timesteps - 1``: use it to analyse a recording,
    and :func:`causal_scores` for anything a monitor must compute at time ``p``.

    Parameters
    ----------
    step_errors : array-like, shape (n_windows, n_timesteps)
        ``step_errors[w, t]`` is window ``w``'s error at point ``w + t``.
    how : {"max", "mean"}
        ``"max"`` keeps a point's worst error, so a spike stays on its own point;
        ``"mean"`` is smoother but lets a spike leak onto points sharing windows with it.
    index : pandas.Index, optional
        Labels of the points; if given, a Series is returned.

    Returns
    -------
    numpy.ndarray or pandas.Series, shape (n_windows + n_timesteps - 1,)
    """
    if not isinstance(how, str) or how not in ("max", "mean"):
        raise ValueError(f"how must be 'max' or 'mean'; got {describe(how)}")
    arr = _check_step_errors(step_errors)
    n_windows, n_timesteps = arr.shape
    # covered[p, t] = error of window p - t at its step t (NaN where no such window):
    # one vectorised assignment per step t, a loop over the window length, not the rows.
    covered = np.full((n_windows + n_timesteps - 1, n_timesteps), np.nan)
    for t in range(n_timesteps):
        covered[t : t + n_windows, t] = arr[:, t]
    with warnings.catch_warnings():  # a point no window with an error covers: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        scores = np.nanmax(covered, axis=1) if how == "max" else safe_nanmean(covered, axis=1)
    return _with_index(scores, index)


def localise(step_errors: ArrayLike, flagged: ArrayLike) -> np.ndarray:
    """The point inside each flagged window where its error is largest (offline).

    Parameters
    ----------
    step_errors : array-like, shape (n_windows, n_timesteps)
    flagged : array-like
        Either a boolean mask of shape (n_windows,) or integer window indices.

    Returns
    -------
    numpy.ndarray of int, shape (n_detected,)
        Sorted, unique point indices ``w + argmax_t step_errors[w, t]`` over the flagged
        windows ``w``: overlapping windows that share one spike collapse to its index.
    """
    arr = _check_step_errors(step_errors)
    n_windows = arr.shape[0]
    if isinstance(flagged, np.ma.MaskedArray):
        raise TypeError("flagged must be a plain array; got a numpy masked array")
    if isinstance(flagged, (str, bytes)) or flagged is None:
        raise TypeError(
            f"flagged must be a boolean mask or integer indices; got {describe(flagged)}"
        )
    try:
        flags = np.asarray(flagged)
    except (ValueError, TypeError) as err:
        raise ValueError(f"flagged must be a flat array; got {describe(flagged)} ({err})") from err
    if flags.dtype == np.bool_:
        if flags.shape != (n_windows,):
            raise ValueError(
                f"a boolean flagged mask must have shape ({n_windows},), one per window; "
                f"got shape {flags.shape}"
            )
        idx = np.flatnonzero(flags)
    elif flags.dtype.kind in "iuf" and flags.ndim != 1:
        raise ValueError(f"flagged window indices must be 1-D; got shape {flags.shape}")
    elif flags.size == 0:
        idx = np.zeros(0, dtype=np.intp)
    elif flags.dtype.kind in "iu":  # not timedelta64, which numpy counts as an integer
        if flags.min() < 0 or flags.max() >= n_windows:
            raise ValueError(
                f"flagged window indices must lie in [0, {n_windows - 1}]; "
                f"got min {flags.min()}, max {flags.max()}"
            )
        idx = flags.astype(np.intp)
    else:
        raise TypeError(
            f"flagged must be a boolean mask or integer indices; got dtype {flags.dtype}"
        )
    rows = arr[idx]
    known = ~np.isnan(rows).all(axis=1)  # a window whose errors are all NaN has no peak
    peaks = np.nanargmax(np.where(np.isnan(rows[known]), -np.inf, rows[known]), axis=1)
    return np.unique(idx[known] + peaks).astype(np.int64)


def _scores(scores: ArrayLike, name: str = "scores") -> np.ndarray:
    """Validate scores: 1-D, float64, no inf; NaN allowed (a point with no score yet)."""
    arr = as_float_array(scores, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got {describe(arr)}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} must not hold inf; found {int(np.isinf(arr).sum())}")
    return arr


def smooth(scores: Values, length: int) -> Values:
    """Causal trailing mean: ``out[p] = mean(scores[p - length + 1 .. p])``.

    Uses points up to ``p`` only, so a causal score stays causal.

    Parameters
    ----------
    scores : numpy.ndarray or pandas.Series, shape (n,)
        NaN marks a point with no score yet (e.g. before the first full window). A Series on
        a datetime or numeric index must be in time order (the mean is over positions).
    length : int >= 1
        Points averaged; ``1`` returns the scores unchanged.

    Returns
    -------
    same type as ``scores``, shape (n,)
        NaN wherever the trailing ``length`` points include a NaN or run past the start.
    """
    check_time_order(scores, "scores")
    arr = _scores(scores)
    length = check_positive_int(length, "length")
    out = np.full(arr.size, np.nan)  # NaN until `length` points are behind a point
    if length <= arr.size:
        # Each window summed on its own (a running sum, as pandas' rolling mean keeps, carries
        # the rounding of earlier, larger values: the mean of [1.4e-207, 0] after 2.3e15
        # came out 0), then divided. NaN in a window gives NaN.
        windows = sliding_window_view(arr, length)
        with np.errstate(over="ignore", invalid="ignore"):
            out[length - 1 :] = windows.sum(axis=1) / length
            overflow = np.isinf(out[length - 1 :])
            if overflow.any():  # a sum of values near the float64 limit: scaled first (exact)
                k = int(length).bit_length()
                rows = np.flatnonzero(overflow)
                scaled = np.ldexp(windows[rows], -k).sum(axis=1) / length
                out[length - 1 + rows] = np.ldexp(scaled, k)
    if isinstance(scores, pd.Series):
        return pd.Series(out, index=scores.index, name=scores.name)
    return out


def _threshold_scores(scores: ArrayLike) -> np.ndarray:
    arr = _scores(scores)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        raise ValueError("scores must hold at least one number that is not NaN; all are NaN")
    return arr


def mean_std_threshold(scores: ArrayLike, k: float = 2.0) -> float:
    """``mean + k * std`` of scores of normal data (the calibration part, not the training rows).

    Parameters
    ----------
    scores : array-like, shape (n,)
        Scores of normal data; NaN entries (points with no score yet) are ignored.
    k : real number, finite
        Standard deviations above the mean (a float, a numpy number or a
        ``fractions.Fraction``).

    Returns
    -------
    float
        Computed without overflow or underflow: ``[1e200, 0, 0]`` gives 1.28e200 for
        ``k=2``. A threshold beyond float64's range (about 1.8e308) is refused.
    """
    k = check_real(k, "k")
    arr = _threshold_scores(scores)
    e = exponent(arr)
    x = np.ldexp(arr, -e)  # scaled by a power of two (exact): squares cannot overflow
    mean, std = x.mean(), x.std()
    with np.errstate(over="ignore"):
        out = float(np.ldexp(mean + k * std, e))
    if not np.isfinite(out):
        raise ValueError(
            f"mean + k * std does not fit in float64 (k={k}, mean {np.ldexp(mean, e):.3g}, "
            f"std {np.ldexp(std, e):.3g}); is k or the scale of the scores wrong?"
        )
    return out


def quantile_threshold(scores: ArrayLike, q: float = 0.99) -> float:
    """The ``q``-quantile of scores of normal data; NaN entries are ignored.

    Parameters
    ----------
    scores : array-like, shape (n,)
    q : float in [0, 1]

    Returns
    -------
    float
    """
    q = check_real(q, "q")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must lie in [0, 1]; got {q}")
    arr = _threshold_scores(scores)
    e = exponent(arr)  # scaled by a power of two: interpolating cannot overflow
    return float(np.ldexp(np.quantile(np.ldexp(arr, -e), q), e))


def max_threshold(scores: ArrayLike) -> float:
    """The largest score of normal data (flag only what is worse than anything normal).

    Parameters
    ----------
    scores : array-like, shape (n,); NaN entries are ignored.

    Returns
    -------
    float
    """
    return float(_threshold_scores(scores).max())


# -------------------- Tail thresholds: a threshold as a promised false-alarm rate.

#: Fewest excesses over the initial threshold that ``tail_threshold(..., method="pot")`` fits a
#: generalized Pareto tail to: two parameters from fewer points is mostly noise.
MIN_EXCESSES = 10
TAIL_METHODS = ("empirical", "gaussian", "pot")
__all__ += ["MIN_EXCESSES", "TAIL_METHODS", "tail_threshold"]


def _levels(q: ArrayLike, name: str) -> np.ndarray:
    """Validate quantile levels: finite, strictly between 0 and 1; any shape."""
    if isinstance(q, bool | np.bool_) or getattr(q, "dtype", None) == np.bool_:
        raise TypeError(f"{name} must be a number or an array of numbers; got {q!r}")
    arr = as_float_array(q, name)
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one level; got an empty array")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; got {arr.tolist()}")
    bad = (arr <= 0.0) | (arr >= 1.0)
    if bad.any():
        raise ValueError(
            f"{name} must lie strictly between 0 and 1 (a promised false-alarm rate 1 - q above "
            f"0); got {arr[bad].ravel()[0]:g}. For q = 1, the largest score, use lh.max_threshold"
        )
    return arr


def _gpd_quantile(
    start: float, sigma: float, xi: float, ratio: np.ndarray | float
) -> np.ndarray | float:
    """SPOT's quantile ``start + (sigma / xi) * (ratio**(-xi) - 1)``, and its xi -> 0 limit.

    ``ratio = q_tail * n / n_excesses`` in (0, 1]. Written as ``sigma * expm1(-xi * log(ratio))
    / xi``, which stays accurate for tiny ``xi``; at ``xi == 0`` it is the exponential tail's
    ``start - sigma * log(ratio)``.
    """
    log_ratio = np.log(ratio)
    if xi == 0.0:
        return start - sigma * log_ratio
    return start + sigma * np.expm1(-xi * log_ratio) / xi


def tail_threshold(
    scores: ArrayLike,
    q: float | ArrayLike,
    method: Literal["empirical", "gaussian", "pot"] = "empirical",
    initial_q: float = 0.98,
) -> float | np.ndarray:
    """The threshold that scores of normal data exceed with probability ``1 - q``.

    A threshold is a promise: on normal data like ``scores`` (the calibration part, never
    the training rows), a fraction ``1 - q`` of the points will be flagged. Three ways to
    read that point off the scores:

    * ``"empirical"`` – the ``q``-quantile of the scores (as :func:`quantile_threshold`,
      linear interpolation). It needs at least ``1 / (1 - q)`` scores, so that about one of
      them lies above it (200 for ``q = 0.995``); with fewer it is the sample maximum, whatever
      ``q`` says, and it is refused.
    * ``"gaussian"`` – a normal distribution fitted to the scores by maximum likelihood:
      ``mean + z_q * std`` (population std, ``ddof=0``), with ``z_q`` the standard normal
      ``q``-quantile, as Malhotra et al. (2015) model prediction errors. Stable from few
      scores, but the promise holds only as far as the scores' tail is Gaussian. Needs 2.
    * ``"pot"`` – peaks over threshold, as in SPOT's initialisation (Siffer, Fouque, Termier
      and Largouët, "Anomaly detection in streams with extreme value theory", KDD 2017,
      doi:10.1145/3097983.3098144): the excesses of the scores over a high initial threshold
      ``t`` are fitted with a generalized Pareto distribution (shape ``xi``, scale
      ``sigma``) by maximum likelihood (``scipy.stats.genpareto.fit`` with the location fixed
      at 0; SPOT solves the same likelihood equations with Grimshaw's trick), and

      ``z_q = t + (sigma / xi) * ((q_tail * n / n_t) ** (-xi) - 1)``,

      with ``q_tail = 1 - q``, ``n`` scores and ``n_t`` excesses; as ``xi -> 0`` this is
      ``t - sigma * log(q_tail * n / n_t)``. It extrapolates beyond the largest score, so it
      can promise rates the data are too few to show. Needs at least ``MIN_EXCESSES`` (10)
      excesses, and ``q`` at or beyond the initial threshold's level
      (``q_tail * n <= n_t``). One departure from SPOT's code: ``t`` is numpy's interpolated
      ``initial_q``-quantile, where SPOT takes the sorted score at index
      ``int(initial_q * n)``; the peaks are the scores above ``t`` in both.

    Parameters
    ----------
    scores : array-like, shape (n,)
        Scores of normal data; NaN entries (points with no score yet) are ignored.
    q : float, or array-like of floats of any shape, each strictly between 0 and 1
        The quantile level(s): ``1 - q`` is the promised false-alarm rate.
    method : {"empirical", "gaussian", "pot"}
    initial_q : float strictly between 0 and 1
        Level of the initial threshold of ``"pot"`` (SPOT uses 0.98); ignored otherwise.

    Returns
    -------
    float, or numpy.ndarray of the shape of ``q``
        For ``"pot"``, one fitted tail serves every level of ``q``.

    Raises
    ------
    ValueError
        On too few scores (or excesses) for the method and ``q``, naming how many it needs.
    """
    if method not in TAIL_METHODS:
        raise ValueError(f"method must be one of {TAIL_METHODS}; got {method!r}")
    levels = _levels(q, "q")
    arr = _threshold_scores(scores)
    n = arr.size
    if method == "empirical":
        # about one score above the threshold: n * (1 - q) >= 1 (the 1e-9 forgives rounding)
        needed = int(np.ceil(1.0 / (1.0 - levels.max()) - 1e-9))
        if n < needed:
            raise ValueError(
                f"method='empirical' needs at least 1 / (1 - q) = {needed} scores for "
                f"q = {levels.max():g}, so that about one lies above the threshold; got {n} "
                "(not NaN). Use more calibration data, a lower q, or a tail model "
                "(method='gaussian' or 'pot')"
            )
        out = np.quantile(arr, levels)
    elif method == "gaussian":
        if n < 2:
            raise ValueError(
                f"method='gaussian' needs at least 2 scores (not NaN) to fit a mean and a "
                f"standard deviation; got {n}"
            )
        from scipy import stats

        out = arr.mean() + stats.norm.ppf(levels) * arr.std()
    else:
        initial_q = check_real(initial_q, "initial_q")
        if not 0.0 < initial_q < 1.0:
            raise ValueError(f"initial_q must lie strictly between 0 and 1; got {initial_q}")
        start = float(np.quantile(arr, initial_q))
        excesses = arr[arr > start] - start
        n_t = excesses.size
        if n_t < MIN_EXCESSES:
            raise ValueError(
                f"method='pot' needs at least {MIN_EXCESSES} scores above the initial threshold "
                f"(the {initial_q:g}-quantile, {start:.6g}); got {n_t} of {n} scores (not NaN). "
                "Use more calibration data or a lower initial_q"
            )
        ratio = (1.0 - levels) * n / n_t
        if (ratio > 1.0 + 1e-9).any():
            raise ValueError(
                f"method='pot' extrapolates beyond its initial threshold only: q must be at "
                f"least 1 - n_t / n = {1.0 - n_t / n:.6g} ({n_t} of {n} scores lie above the "
                f"{initial_q:g}-quantile); got q = {levels.min():g}. Raise q or lower initial_q"
            )
        if np.ptp(excesses) == 0.0:
            raise ValueError(
                f"method='pot': the {n_t} scores above the initial threshold are all equal; "
                "a tail cannot be fitted to them"
            )
        from scipy import stats

        with np.errstate(all="ignore"):  # the optimiser probes shapes outside the support
            xi, _, sigma = stats.genpareto.fit(excesses, floc=0.0)
        out = _gpd_quantile(start, float(sigma), float(xi), np.minimum(ratio, 1.0))
    out = np.asarray(out, dtype=np.float64)
    if not np.isfinite(out).all():
        raise ValueError(f"method={method!r} gave a threshold that is not finite: {out.tolist()}")
    return float(out) if out.ndim == 0 else out
