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

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, shape (n_rows, n_columns)
        The series to score.
    fit : same kind (and columns) as ``data``
        Normal training data.

    Returns
    -------
    same kind, shape and index as ``data``
        The absolute z-score of every value. Causal: each score uses its own value and the
        fixed training statistics only.
    """
    _check_frame(data, "data")
    _check_fit(data, fit)
    std = fit.std()
    if np.any(np.asarray(std) == 0) or len(fit) < 2:
        raise ValueError("fit must have at least 2 rows and a non-zero std in every column")
    return ((data - fit.mean()) / std).abs()


def rolling_zscore(data: Frame, history: int | str) -> Frame:
    """``|x_t - mean| / std`` against the values in the ``history`` **before** ``t``.

    The family of NAB's "windowed Gaussian" detector: it adapts to slow drifts and flags
    jumps away from the recent past. The history excludes ``x_t`` itself, so one spike
    cannot hide itself by inflating the std it is divided by.

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, shape (n_rows, n_columns)
        The series to score.
    history : int >= 2 or str
        How far back the statistics look: a number of rows, or a time span (e.g. ``"1D"``;
        needs a DatetimeIndex; the values in ``[t - history, t)`` by the clock).

    Returns
    -------
    same kind, shape and index as ``data``
        NaN until the history holds 2 values, and where its std is 0. Causal: the score at
        ``t`` uses ``x_t`` and earlier values.
    """
    _check_frame(data, "data", datetime_index=isinstance(history, str))
    if isinstance(history, bool) or not isinstance(history, (int, np.integer, str)):
        raise TypeError(
            f"history must be an int number of rows or a time span like '1D'; got {history!r}"
        )
    if isinstance(history, str):
        try:
            span = pd.Timedelta(history)
        except ValueError as err:
            raise ValueError(f"history must be a time span like '1D'; got {history!r}") from err
        if span <= pd.Timedelta(0):
            raise ValueError(f"history must be a positive time span; got {history!r}")
        # The values in [t - history, t) by the clock: after a gap, older values drop out.
        roll = data.rolling(span, closed="left", min_periods=2)
    else:
        if history < 2:
            raise ValueError(f"history must be >= 2 rows; got {history}")
        roll = data.shift(1).rolling(int(history), min_periods=2)  # the rows before t
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


def _profile(fit: Frame, period: Period) -> Frame:
    """Median of ``fit`` for every slot (minute of the day or week), indexed by the slot."""
    _check_frame(fit, "fit", datetime_index=True)
    return fit.groupby(_slot(fit.index, period)).median()


def seasonal_residual(data: Frame, fit: Frame, period: Period = "week") -> Frame:
    """``|x - profile|``: distance from the training median for that time of day or week.

    For series dominated by a daily or weekly cycle (traffic, demand, taxi rides), a value
    is unusual *for its hour*, not in general: a quiet Christmas night looks like any quiet
    night to a z-score. The median profile is robust to a few odd days in training.

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, on a DatetimeIndex
        The series to score.
    fit : same kind (and columns) as ``data``
        Normal training data; should cover every slot of ``period``.
    period : {"day", "week"}
        Use ``"week"`` only when ``fit`` holds several weeks (each slot's median then rests
        on several values).

    Returns
    -------
    same kind, shape and index as ``data``
        NaN at slots that ``fit`` never saw. Causal: the profile is fixed from ``fit``.
    """
    _check_frame(data, "data", datetime_index=True)
    _check_fit(data, fit)
    profile = _profile(fit, period)
    expected = profile.reindex(_slot(data.index, period))
    expected.index = data.index
    return (data - expected).abs()


def persistence_error(data: Frame, lag: int | str = 1) -> Frame:
    """``|x_t - x_{t-lag}|``: the error of the naive forecast "same as before".

    With ``lag=1`` this is persistence (the next value equals the last); with a time span
    of one season (``"1D"`` or ``"7D"``) it is the seasonal-naive forecast (the value at the
    same time yesterday / last week). Any forecaster must beat these errors to be useful.

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, shape (n_rows, n_columns)
        The series to score.
    lag : int >= 1 or str
        Rows back, or a time span (e.g. ``"7D"``; needs a DatetimeIndex, and looks up the
        exact earlier timestamp).

    Returns
    -------
    same kind, shape and index as ``data``
        NaN where no earlier value exists. Causal: the error at ``t`` uses ``x_t`` and
        ``x_{t-lag}``.
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

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, shape (n_rows, n_columns)
        The series to score.
    fit : same kind (and columns) as ``data``
        Normal training data.

    Returns
    -------
    same kind, shape and index as ``data``
        ``max(lo - x, x - hi, 0)`` in units of the training range ``hi - lo``. Causal.
    """
    _check_frame(data, "data")
    _check_fit(data, fit)
    lo, hi = fit.min(), fit.max()
    width = hi - lo
    if np.any(np.asarray(width) == 0):
        raise ValueError("fit must not be constant: its range (max - min) is 0")
    outside = np.maximum(lo - data, data - hi).clip(lower=0)
    return outside / width
