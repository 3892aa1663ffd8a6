"""The strongest simple detectors: what every model result must stand beside.

Each function turns a series into an **anomaly score** (larger = more unusual) on the
same index, so that a baseline goes through exactly the same smoothing, threshold and
metrics as a model. Every function takes a pandas Series, or a DataFrame and then works
column by column, and returns the same kind of object.

Statistics are **fitted** on a period you pass as ``fit`` (normal data, before the data you
evaluate on); nothing is learnt from the rest. All scores are **causal**: the score at time
``t`` depends only on values at or before ``t`` (and on ``fit``), so it could have been
computed at ``t`` in a live system. The tests check this by perturbing the future.

* :func:`static_zscore` – distance from the training mean, in training standard deviations;
* :func:`rolling_zscore` – distance from the mean of the preceding window, in its std;
* :func:`seasonal_residual` – distance from the training median for that time of day/week;
* :func:`persistence_error` – error of "the next value equals the last one" (or the value
  one season ago: seasonal naive);
* :func:`range_check` – how far a value lies outside the training range.
"""

from __future__ import annotations

from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from ._checks import describe

Frame = TypeVar("Frame", pd.Series, pd.DataFrame)

__all__ = [
    "persistence_error",
    "range_check",
    "rolling_zscore",
    "seasonal_profile",
    "seasonal_residual",
    "static_zscore",
]


def _check_frame(data, name: str, datetime_index: bool = False) -> None:
    """Raise unless ``data`` is a non-empty, finite, numeric Series/DataFrame on a clean index."""
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        raise TypeError(f"{name} must be a pandas Series or DataFrame; got {describe(data)}")
    if len(data) == 0:
        raise ValueError(f"{name} must not be empty; got {describe(data)}")
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    if frame.shape[1] == 0:
        raise ValueError(f"{name} must have at least one column; got {describe(data)}")
    not_numeric = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if not_numeric or any(pd.api.types.is_bool_dtype(frame[c]) for c in frame.columns):
        raise TypeError(f"{name} must hold numbers; column(s) {not_numeric} do not")
    values = frame.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        n_bad = int((~np.isfinite(values)).sum())
        raise ValueError(
            f"{name} must be finite; found {n_bad} NaN/inf value(s). "
            "Fill or drop them first (e.g. .interpolate())."
        )
    if not data.index.is_unique:
        raise ValueError(f"{name} must have unique index labels; found repeated timestamps")
    if not data.index.is_monotonic_increasing:
        raise ValueError(f"{name} must have a sorted index (oldest first)")
    if datetime_index and not isinstance(data.index, pd.DatetimeIndex):
        raise TypeError(
            f"{name} needs a DatetimeIndex for this baseline; got {type(data.index).__name__}"
        )


def _check_fit(data: Frame, fit: Frame) -> None:
    _check_frame(fit, "fit")
    if type(fit) is not type(data):
        raise TypeError(f"fit must be a {type(data).__name__} like data; got {describe(fit)}")
    if isinstance(data, pd.DataFrame) and list(fit.columns) != list(data.columns):
        raise ValueError(
            f"fit must have the columns of data {list(data.columns)}; got {list(fit.columns)}"
        )


def static_zscore(data: Frame, fit: Frame) -> Frame:
    """``|x - mean| / std``, with mean and std of the training period ``fit``.

    The plainest detector there is: "how unusual is this value, compared with everything
    seen in training?" It knows nothing about time, so it finds level shifts and spikes and
    misses values that are normal in general but not at that hour.

    Args:
        data: Series (n_rows,) or DataFrame (n_rows, n_columns) to score.
        fit: normal training data, same kind (and columns) as ``data``.

    Returns:
        Same shape and index as ``data``: the absolute z-score of every value. Causal: each
        score uses its own value and the fixed training statistics only.
    """
    _check_frame(data, "data")
    _check_fit(data, fit)
    std = fit.std()
    if np.any(np.asarray(std) == 0) or len(fit) < 2:
        raise ValueError("fit must have at least 2 rows and a non-zero std in every column")
    return ((data - fit.mean()) / std).abs()


def rolling_zscore(data: Frame, window: int | str) -> Frame:
    """``|x_t - mean| / std`` against the window of values **before** ``t``.

    The family of NAB's "windowed Gaussian" detector: it adapts to slow drifts and flags
    jumps away from the recent past. The window excludes ``x_t`` itself, so one spike
    cannot hide itself by inflating the std it is divided by.

    Args:
        data: Series (n_rows,) or DataFrame (n_rows, n_columns) to score.
        window: the preceding window, as a number of rows (int >= 2) or a time span
            (e.g. ``"1D"``; needs a DatetimeIndex).

    Returns:
        Same shape and index as ``data``; NaN until the window holds 2 values, and where
        the window's std is 0. Causal: the score at ``t`` uses ``x_t`` and earlier values.
    """
    _check_frame(data, "data", datetime_index=isinstance(window, str))
    if isinstance(window, bool) or not isinstance(window, (int, np.integer, str)):
        raise TypeError(
            f"window must be an int number of rows or a time span like '1D'; got {window!r}"
        )
    if isinstance(window, (int, np.integer)) and window < 2:
        raise ValueError(f"window must be >= 2 rows; got {window}")
    past = data.shift(1)  # the window ends at the previous row
    if isinstance(window, str):
        # A time span ending at the previous row's timestamp: shift the values, not the clock.
        roll = past.rolling(pd.Timedelta(window), min_periods=2)
    else:
        roll = past.rolling(int(window), min_periods=2)
    std = roll.std()
    return ((data - roll.mean()) / std.where(std > 0)).abs()


Period = Literal["day", "week"]


def _slot(index: pd.DatetimeIndex, period: Period) -> np.ndarray:
    """Minute of the day (period="day") or of the week (period="week") of each timestamp."""
    minute = index.hour * 60 + index.minute
    if period == "day":
        return np.asarray(minute)
    if period == "week":
        return np.asarray(index.day_of_week * 24 * 60 + minute)
    raise ValueError(f'period must be "day" or "week"; got {period!r}')


def seasonal_profile(fit: Frame, period: Period = "week") -> Frame:
    """Median of the training data for every time of day (or of the week).

    Args:
        fit: normal training data on a DatetimeIndex.
        period: ``"day"`` (one value per time of day) or ``"week"`` (per time of the week).

    Returns:
        Indexed by the slot, the minute of the day or week (0 = Monday 00:00 for weeks):
        the median value of ``fit`` at that slot.
    """
    _check_frame(fit, "fit", datetime_index=True)
    slots = _slot(fit.index, period)
    return fit.groupby(slots).median()


def seasonal_residual(data: Frame, fit: Frame, period: Period = "week") -> Frame:
    """``|x - profile|``: distance from the training median for that time of day or week.

    For series dominated by a daily or weekly cycle (traffic, demand, taxi rides), a value
    is unusual *for its hour*, not in general: a quiet Christmas night looks like any quiet
    night to a z-score. The median profile is robust to a few odd days in training.

    Args:
        data: Series (n_rows,) or DataFrame on a DatetimeIndex to score.
        fit: normal training data, same kind; should cover every slot of ``period``.
        period: ``"day"`` or ``"week"``; use ``"week"`` only when ``fit`` holds several
            weeks (each slot's median then rests on several values).

    Returns:
        Same shape and index as ``data``; NaN at slots that ``fit`` never saw. Causal: the
        profile is fixed from ``fit``.
    """
    _check_frame(data, "data", datetime_index=True)
    _check_fit(data, fit)
    profile = seasonal_profile(fit, period)
    expected = profile.reindex(_slot(data.index, period))
    expected.index = data.index
    return (data - expected).abs()


def persistence_error(data: Frame, lag: int | str = 1) -> Frame:
    """``|x_t - x_{t-lag}|``: the error of the naive forecast "same as before".

    With ``lag=1`` this is persistence (the next value equals the last); with a time span
    of one season (``"1D"`` or ``"7D"``) it is the seasonal-naive forecast (the value at the
    same time yesterday / last week). Any forecaster must beat these errors to be useful.

    Args:
        data: Series (n_rows,) or DataFrame (n_rows, n_columns) to score.
        lag: rows back (int >= 1), or a time span (e.g. ``"7D"``; needs a DatetimeIndex,
            and looks up the exact earlier timestamp).

    Returns:
        Same shape and index as ``data``; NaN where no earlier value exists. Causal: the
        error at ``t`` uses ``x_t`` and ``x_{t-lag}``.
    """
    _check_frame(data, "data", datetime_index=isinstance(lag, str))
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer, str)):
        raise TypeError(f"lag must be an int number of rows or a time span like '7D'; got {lag!r}")
    if isinstance(lag, str):
        delta = pd.Timedelta(lag)
        if delta <= pd.Timedelta(0):
            raise ValueError(f"lag must be a positive time span; got {lag!r}")
        before = data.shift(freq=delta).reindex(data.index)
    else:
        if lag < 1:
            raise ValueError(f"lag must be >= 1; got {lag}")
        before = data.shift(int(lag))
    return (data - before).abs()


def range_check(data: Frame, fit: Frame) -> Frame:
    """How far each value lies outside the training range ``[min, max]`` of ``fit``.

    The rule a domain expert writes first ("alarm above 95 °C"), with the limits taken from
    training data. Inside the range the score is 0.

    Args:
        data: Series (n_rows,) or DataFrame (n_rows, n_columns) to score.
        fit: normal training data, same kind (and columns) as ``data``.

    Returns:
        Same shape and index as ``data``: ``max(lo - x, x - hi, 0)`` in units of the
        training range ``hi - lo``. Causal.
    """
    _check_frame(data, "data")
    _check_fit(data, fit)
    lo, hi = fit.min(), fit.max()
    width = hi - lo
    if np.any(np.asarray(width) == 0):
        raise ValueError("fit must not be constant: its range (max - min) is 0")
    outside = np.maximum(lo - data, data - hi).clip(lower=0)
    return outside / width
