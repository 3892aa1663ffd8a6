"""Sliding windows over a time series, and mapping window results back to points.

Conventions used throughout:

* a series has shape ``(n_rows, n_features)``; a 1-D series ``(n_rows,)`` is treated as
  one feature;
* a batch of windows has shape ``(n_windows, n_timesteps, n_features)``, the layout Keras
  LSTMs expect (samples, time, features);
* window ``w`` covers the points ``w, w + 1, ..., w + n_timesteps - 1``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._checks import as_float_array, as_series_2d, check_finite, check_ndim, check_positive_int

__all__ = ["localise", "make_forecast_windows", "make_windows", "windows_to_points"]


def _check_window_fits(n_rows: int, needed: int, what: str) -> None:
    if needed > n_rows:
        raise ValueError(f"{what} needs at least {needed} rows, but the series has {n_rows}")


def make_windows(data: ArrayLike, n_timesteps: int) -> np.ndarray:
    """Every window of ``n_timesteps`` consecutive rows, stride 1.

    Parameters
    ----------
    data : array-like, shape (n_rows,) or (n_rows, n_features)
        The series. A pandas Series or DataFrame works too. Must be finite.
    n_timesteps : int
        Window length, ``1 <= n_timesteps <= n_rows``.

    Returns
    -------
    numpy.ndarray, shape (n_rows - n_timesteps + 1, n_timesteps, n_features)
        ``windows[w] == data[w : w + n_timesteps]``. This is a **read-only, zero-copy
        view** into the data (built with ``sliding_window_view``), so it costs no
        memory however many windows there are. Call ``.copy()`` if you need to write.

    Raises
    ------
    TypeError
        If ``data`` is not numeric or ``n_timesteps`` is not an integer.
    ValueError
        If ``data`` is 0-D, 3-D or more, empty, holds NaN/inf, or is shorter than
        ``n_timesteps``; or if ``n_timesteps < 1``.
    """
    arr = as_series_2d(data)
    n_timesteps = check_positive_int(n_timesteps, "n_timesteps")
    _check_window_fits(arr.shape[0], n_timesteps, f"A window of n_timesteps={n_timesteps}")
    # sliding_window_view puts the window axis last: (n_windows, n_features, n_timesteps).
    view = sliding_window_view(arr, n_timesteps, axis=0)
    return view.transpose(0, 2, 1)


def make_forecast_windows(
    data: ArrayLike, n_timesteps: int, n_horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets for a multi-step forecaster.

    Parameters
    ----------
    data : array-like, shape (n_rows,) or (n_rows, n_features)
    n_timesteps : int
        How many past rows the model sees.
    n_horizon : int
        How many future rows it forecasts.

    Returns
    -------
    X : numpy.ndarray, shape (n_windows, n_timesteps, n_features)
        ``X[w] == data[w : w + n_timesteps]``.
    Y : numpy.ndarray, shape (n_windows, n_horizon, n_features)
        ``Y[w] == data[w + n_timesteps : w + n_timesteps + n_horizon]``, the rows right
        after ``X[w]``.

    ``n_windows = n_rows - n_timesteps - n_horizon + 1``. Both are read-only views.
    """
    arr = as_series_2d(data)
    n_timesteps = check_positive_int(n_timesteps, "n_timesteps")
    n_horizon = check_positive_int(n_horizon, "n_horizon")
    n_rows = arr.shape[0]
    _check_window_fits(
        n_rows,
        n_timesteps + n_horizon,
        f"A forecast window of n_timesteps={n_timesteps} plus n_horizon={n_horizon}",
    )
    n_windows = n_rows - n_timesteps - n_horizon + 1
    X = make_windows(arr[: n_timesteps + n_windows - 1], n_timesteps)
    Y = make_windows(arr[n_timesteps:], n_horizon)
    return X, Y


def _per_step(errors: ArrayLike, name: str = "errors") -> np.ndarray:
    """Validate window errors and reduce them to (n_windows, n_timesteps)."""
    arr = as_float_array(errors, name)
    check_ndim(
        arr,
        (2, 3),
        name,
        "(n_windows, n_timesteps) or (n_windows, n_timesteps, n_features)",
    )
    if 0 in arr.shape:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    check_finite(arr, name)
    return arr.mean(axis=2) if arr.ndim == 3 else arr


def windows_to_points(errors: ArrayLike, how: Literal["max", "mean"] = "max") -> np.ndarray:
    """Per-point scores from per-window, per-step errors.

    Each point is covered by up to ``n_timesteps`` windows; each of them has an error at
    that point. This combines them, by ``max`` or ``mean``, into one score per point of
    the original series.

    Parameters
    ----------
    errors : array-like, shape (n_windows, n_timesteps) or (n_windows, n_timesteps, n_features)
        ``errors[w, t]`` is window ``w``'s error at point ``w + t`` (for example
        ``abs(x - x_hat)``). A feature axis is averaged first.
    how : {"max", "mean"}
        ``"max"`` keeps a point's worst error: a spike stays on its own point.
        ``"mean"`` averages them, which is smoother but lets a spike's error leak
        onto neighbouring points that share windows with it.

    Returns
    -------
    numpy.ndarray, shape (n_windows + n_timesteps - 1,)
        One score per point of the series the windows were cut from.
    """
    if how not in ("max", "mean"):
        raise ValueError(f"how must be 'max' or 'mean'; got {how!r}")
    per_step = _per_step(errors)
    n_windows, n_timesteps = per_step.shape
    n_points = n_windows + n_timesteps - 1
    # covered[p, t] = error of window p - t at its step t (NaN where no such window).
    # One vectorised assignment per step t: a loop over the window length, not the rows.
    covered = np.full((n_points, n_timesteps), np.nan)
    for t in range(n_timesteps):
        covered[t : t + n_windows, t] = per_step[:, t]
    if how == "max":
        return np.nanmax(covered, axis=1)
    return np.nanmean(covered, axis=1)


def localise(errors: ArrayLike, flagged: ArrayLike) -> np.ndarray:
    """The point inside each flagged window where its error is largest.

    Parameters
    ----------
    errors : array-like, shape (n_windows, n_timesteps) or (n_windows, n_timesteps, n_features)
        Per-step errors of every window (a feature axis is averaged first).
    flagged : array-like
        Either a boolean mask of shape (n_windows,) or integer window indices.

    Returns
    -------
    numpy.ndarray of int, shape (n_detected,)
        Sorted, unique point indices ``w + argmax_t errors[w, t]`` over the flagged
        windows ``w``: many overlapping windows that share one spike collapse to that
        spike's index.
    """
    per_step = _per_step(errors)
    n_windows = per_step.shape[0]
    flags = np.asarray(flagged)
    if flags.dtype == np.bool_:
        if flags.shape != (n_windows,):
            raise ValueError(
                f"a boolean flagged mask must have shape ({n_windows},), one per window; "
                f"got shape {flags.shape}"
            )
        idx = np.flatnonzero(flags)
    elif flags.size == 0:
        idx = np.zeros(0, dtype=np.intp)
    elif np.issubdtype(flags.dtype, np.integer):
        if flags.ndim != 1:
            raise ValueError(f"flagged window indices must be 1-D; got shape {flags.shape}")
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
    return np.unique(idx + per_step[idx].argmax(axis=1)).astype(np.int64)
