"""Step 1 of the pipeline: sliding windows over a time series, and a calibration split.

Conventions used throughout:

* a series has shape ``(n_rows, n_features)``; a 1-D series ``(n_rows,)`` is treated as
  one feature;
* a batch of windows has shape ``(n_windows, n_timesteps, n_features)``, the layout Keras
  LSTMs expect (samples, time, features);
* window ``w`` covers the points ``w, w + 1, ..., w + n_timesteps - 1``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._checks import as_series_2d, check_int, check_positive_int, check_time_order, describe

__all__ = ["calibration_split", "make_forecast_windows", "make_windows"]

Series = TypeVar("Series", np.ndarray, pd.Series, pd.DataFrame)


def _check_window_fits(n_rows: int, needed: int, what: str) -> None:
    if needed > n_rows:
        raise ValueError(f"{what} needs at least {needed} rows, but the series has {n_rows}")


def make_windows(data: ArrayLike, n_timesteps: int) -> np.ndarray:
    """Every window of ``n_timesteps`` consecutive rows, stride 1.

    Parameters
    ----------
    data : array-like, shape (n_rows,) or (n_rows, n_features)
        The series. A pandas Series or DataFrame works too, in time order (a reversed or
        shuffled datetime or numeric index is refused). inf is refused; NaN (a missing value,
        as ``lh.clean_series`` leaves over long gaps) is kept, so every window that holds one
        holds NaN: a model's output for it is NaN. Leave such windows out of training
        (``windows[~np.isnan(windows).any(axis=(1, 2))]``).
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
        If ``data`` is 0-D, 3-D or more, empty, holds inf, or is shorter than
        ``n_timesteps``; or if ``n_timesteps < 1``.
    """
    arr = as_series_2d(data, allow_nan=True)
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
    arr = as_series_2d(data, allow_nan=True)
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


def calibration_split(
    series: Series, calibration_fraction: float, gap: int = 0
) -> tuple[Series, Series]:
    """Split normal data in time order into a part to fit on and a part to calibrate on.

    A model's errors on the very rows it was trained on are optimistic (it has seen them),
    so a threshold set on them is too low and flags too much. Fit the model (and any
    scaler) on ``fit`` only, then set the threshold on the errors of ``calibration``,
    normal data the model has never seen.

    Parameters
    ----------
    series : numpy.ndarray, pandas.Series or DataFrame, shape (n_rows, ...)
        Normal data in time order (rows are time steps). A pandas object on a datetime or
        numeric index must have it increasing and unique (a reversed or shuffled index is
        refused: the split is by position).
    calibration_fraction : real number in (0, 1)
        Share of the rows, at the end, that form the calibration part (rounded to whole
        rows): a float, a numpy float or a ``fractions.Fraction``.
    gap : int >= 0
        Rows dropped between the two parts. Use ``n_timesteps - 1`` so that no window cut
        from ``calibration`` shares a row with a window cut from ``fit``.

    Returns
    -------
    fit : same type as ``series``, rows ``0 .. n_fit - 1``
    calibration : same type as ``series``, the last ``round(calibration_fraction * n_rows)``
        rows. ``n_fit = n_rows - n_calibration - gap``; both parts are non-empty. For
        pandas objects the index is kept (positions, not labels, are split).
    """
    if not isinstance(series, (np.ndarray, pd.Series, pd.DataFrame)):
        raise TypeError(
            f"series must be a numpy array, pandas Series or DataFrame; got {describe(series)}"
        )
    if series.ndim == 0:
        raise ValueError(f"series must have one row per time step; got a 0-D array {series!r}")
    check_time_order(series, "series")
    if isinstance(calibration_fraction, (bool, np.bool_)) or not isinstance(
        calibration_fraction, numbers.Real
    ):
        raise TypeError(
            f"calibration_fraction must be a float in (0, 1); got {describe(calibration_fraction)}"
        )
    if not 0 < calibration_fraction < 1:
        raise ValueError(f"calibration_fraction must lie in (0, 1); got {calibration_fraction}")
    gap = check_int(gap, "gap", 0)
    n_rows = len(series)
    n_cal = math.floor(float(calibration_fraction) * n_rows + 0.5)
    n_fit = n_rows - n_cal - gap
    if n_cal < 1 or n_fit < 1:
        raise ValueError(
            f"series of {n_rows} rows, split with calibration_fraction="
            f"{calibration_fraction} and gap={gap}, leaves {max(n_fit, 0)} rows to fit on and "
            f"{n_cal} to calibrate on; both need at least 1"
        )
    rows: Any = series.iloc if isinstance(series, (pd.Series, pd.DataFrame)) else series
    return rows[:n_fit], rows[n_rows - n_cal :]
