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

Everything is computed in float64 (float16 input would overflow), after scaling each column
by a power of two where a sum or square could overflow (1e300) or underflow (1e-200), so
extreme but finite values give correct scores; a score that itself does not fit in float64 is
refused. Complex numbers, text, inf and an index out of time order are refused.

**Missing values (NaN) are accepted**, because cleaned real series keep them where a gap was
too long to fill (``lh.clean_series``): a score whose computation uses a NaN value is NaN
(never a number computed as if the value were there), and fitted statistics (mean, std,
median, range) ignore the NaN values of ``fit``, column by column.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from ._checks import abs_diff, check_index_order, check_int, describe, exponent

Frame = TypeVar("Frame", pd.Series, pd.DataFrame)

__all__ = [
    "persistence_error",
    "range_check",
    "rolling_zscore",
    "seasonal_residual",
    "static_zscore",
]


def _check_frame(data, name: str, datetime_index: bool = False):
    """``data`` as float64 (same kind, index and columns), after checking it.

    A non-empty, real-valued Series/DataFrame without inf (NaN, a missing value, is kept) on
    an index in time order (unique, increasing, no NaT when it is a datetime or numeric
    index).
    """
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        raise TypeError(f"{name} must be a pandas Series or DataFrame; got {describe(data)}")
    if len(data) == 0:
        raise ValueError(f"{name} must not be empty; got {describe(data)}")
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    if frame.shape[1] == 0:
        raise ValueError(f"{name} must have at least one column; got {describe(data)}")
    not_real = [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])
        or pd.api.types.is_bool_dtype(frame[c])
        or pd.api.types.is_complex_dtype(frame[c])
    ]
    if not_real:
        kinds = sorted({str(frame[c].dtype) for c in not_real})
        raise TypeError(
            f"{name} must hold real numbers; column(s) {not_real} hold {', '.join(kinds)}"
        )
    values = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(values).any():
        n_bad = int(np.isinf(values).sum())
        raise ValueError(
            f"{name} must not hold inf; found {n_bad} inf value(s). (NaN, a missing value, is "
            "accepted: it gives NaN scores where it is used.)"
        )
    if datetime_index and not isinstance(data.index, pd.DatetimeIndex):
        raise TypeError(
            f"{name} needs a DatetimeIndex for this baseline; got {type(data.index).__name__}"
        )
    if not data.index.is_unique:
        raise ValueError(f"{name} must have unique index labels; found repeated timestamps")
    check_index_order(data.index, f"{name}.index")
    if isinstance(data, pd.Series):
        return pd.Series(values[:, 0], index=data.index, name=data.name)
    return pd.DataFrame(values, index=data.index, columns=data.columns)


def _check_fit(data: Frame, fit: Frame) -> Frame:
    fit = _check_frame(fit, "fit")
    if type(fit) is not type(data):
        raise TypeError(f"fit must be a {type(data).__name__} like data; got {describe(fit)}")
    if isinstance(data, pd.DataFrame) and list(fit.columns) != list(data.columns):
        raise ValueError(
            f"fit must have the columns of data {list(data.columns)}; got {list(fit.columns)}"
        )
    return fit


def _like(data: Frame, values: np.ndarray, what: str) -> Frame:
    """``values`` (n_rows, n_columns) on ``data``'s index and columns; inf refused."""
    if np.isinf(values).any():
        row, col = (int(i) for i in np.argwhere(np.isinf(values))[0])
        raise ValueError(
            f"the {what} of data at {data.index[row]} (column {col}) does not fit in float64 "
            "(about 1.8e308); is a unit wrong?"
        )
    if isinstance(data, pd.Series):
        return pd.Series(values[:, 0], index=data.index, name=data.name)
    return pd.DataFrame(values, index=data.index, columns=data.columns)


def _columns(frame: Frame) -> np.ndarray:
    return frame.to_numpy().reshape(len(frame), -1)


def _fit_counts(f: np.ndarray, minimum: int, what: str) -> None:
    """Refuse a fit column with fewer than ``minimum`` non-NaN values."""
    counts = np.sum(~np.isnan(f), axis=0)
    if np.any(counts < minimum):
        col = int(np.argmax(counts < minimum))
        raise ValueError(
            f"fit must have at least {minimum} non-NaN values {what} in every column; column "
            f"{col} has {int(counts[col])}"
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
        Normal training data (at least 2 non-NaN values per column; std with ``ddof=1``, as
        pandas; NaN values are ignored).

    Returns
    -------
    same kind, shape and index as ``data``, float64
        The absolute z-score of every value (NaN where the value is NaN). Causal: each score
        uses its own value and the fixed training statistics only.
    """
    data = _check_frame(data, "data")
    fit = _check_fit(data, fit)
    f = _columns(fit)
    _fit_counts(f, 2, "(and a non-zero std)")
    e = exponent(f, axis=0)  # per column: scaled by a power of two, squares cannot overflow
    scaled = np.ldexp(f, -e)
    mean, std = np.nanmean(scaled, axis=0), np.nanstd(scaled, axis=0, ddof=1)
    if np.any(std == 0):
        raise ValueError("fit must have at least 2 rows and a non-zero std in every column")
    with np.errstate(over="ignore"):
        z = np.abs(np.ldexp(_columns(data), -e) - mean) / std
    return _like(data, z, "z-score")


def _time_span(value, name: str, example: str) -> pd.Timedelta:
    """A positive time span from text ('1D'), a pandas/numpy Timedelta or a datetime.timedelta."""
    if isinstance(value, str) and not any(c.isalpha() for c in value):
        raise ValueError(
            f"{name} must be a number of rows (an int) or a time span with a unit like "
            f"{example!r}; got the text {value!r} (pandas would read it as nanoseconds)"
        )
    try:
        span = pd.Timedelta(value)
    except (ValueError, TypeError, OverflowError) as err:
        raise ValueError(f"{name} must be a time span like {example!r}; got {value!r}") from err
    if pd.isna(span) or span <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive time span; got {value!r}")
    return span


_SPANS = (str, pd.Timedelta, dt.timedelta, np.timedelta64)


def rolling_zscore(data: Frame, history: int | str) -> Frame:
    """``|x_t - mean| / std`` against the values in the ``history`` **before** ``t``.

    The family of NAB's "windowed Gaussian" detector: it adapts to slow drifts and flags
    jumps away from the recent past. The history excludes ``x_t`` itself, so one spike
    cannot hide itself by inflating the std it is divided by.

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, shape (n_rows, n_columns)
        The series to score.
    history : int >= 2, or a time span
        How far back the statistics look: a number of rows, or a time span (``"1D"``, a
        ``pd.Timedelta``; needs a DatetimeIndex; the values in ``[t - history, t)`` by the
        clock, so after a gap older values drop out).

    Returns
    -------
    same kind, shape and index as ``data``, float64
        NaN until the history holds 2 values, where its std is 0, and where ``x_t`` or a
        value of its history is NaN. Causal: the score at ``t`` uses ``x_t`` and earlier
        values.
    """
    is_span = isinstance(history, _SPANS)
    data = _check_frame(data, "data", datetime_index=is_span)
    if isinstance(history, (bool, np.bool_)) or not (
        is_span or isinstance(history, (int, np.integer))
    ):
        raise TypeError(
            f"history must be an int number of rows or a time span like '1D'; got {history!r}"
        )
    n = len(data)
    if is_span:
        span = _time_span(history, "history", "1D")
        # The values in [t - history, t) by the clock: after a gap, older values drop out.
        first = data.index.searchsorted(data.index - span, side="left")
    else:
        history = check_int(history, "history", 2)
        first = np.maximum(np.arange(n) - min(history, n), 0)  # the rows before t
    columns = _columns(data)
    z = np.column_stack([_nan_window_z(columns[:, c], first) for c in range(columns.shape[1])])
    return _like(data, z, "z-score")


def _nan_window_z(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """:func:`_window_z`, NaN wherever ``values[t]`` or a value of its window is NaN."""
    missing = np.isnan(values)
    if not missing.any():
        return _window_z(values, first)
    before = np.concatenate([[0], np.cumsum(missing)])  # NaN among values[:t]
    touched = missing | (before[:-1] - before[first] > 0)  # NaN at t or in [first[t], t)
    out = _window_z(np.where(missing, 0.0, values), first)
    out[touched] = np.nan
    return out


def _window_z(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """``|values[t] - mean| / std`` over ``values[first[t]:t]`` (ddof=1), exactly.

    Each window is taken on its own, in numpy, not with a running sum: pandas' rolling std
    keeps about sqrt(machine epsilon) of the window's magnitude after values leave it, so a
    flat window got a tiny std (and a made-up z-score) instead of NaN, and values near
    1e308 overflowed every later std. Here each window is scaled by a power of two of its
    own largest value (exact, and it depends on that window only: causal), shifted by its
    first value (differences of close values are exact), and a window whose values are all
    equal has std 0. NaN where the window holds fewer than 2 values or its std is 0.
    """
    n = values.size
    count = np.arange(n) - first
    out = np.full(n, np.nan)
    rows = np.flatnonzero(count >= 2)
    if rows.size == 0:
        return out
    width = int(count[rows].max())
    padded = np.concatenate([np.full(width, np.nan), values])
    step = max(1, 2**20 // width)  # rows per block: about a million values at a time
    for lo in range(0, rows.size, step):
        r = rows[lo : lo + step]
        c = count[r]
        # window of row t: values[t - width .. t - 1], right-aligned; before first[t]: NaN
        pos = r[:, None] + np.arange(width)[None, :]  # in padded
        win = padded[pos]
        win[np.arange(width)[None, :] < (width - c)[:, None]] = np.nan
        top = np.nanmax(np.abs(win), axis=1)
        e = np.frexp(top)[1]
        scaled = np.ldexp(win, -e[:, None])  # |scaled| < 1
        start = scaled[np.arange(r.size), width - c]  # each window's first value
        shifted = scaled - start[:, None]
        mean = np.nansum(shifted, axis=1) / c
        std = np.sqrt(np.nansum((shifted - mean[:, None]) ** 2, axis=1) / (c - 1))
        flat = np.nanmax(win, axis=1) == np.nanmin(win, axis=1)
        std[flat | (std == 0)] = np.nan
        with np.errstate(over="ignore", invalid="ignore"):
            x = np.ldexp(values[r], -e)
            z = np.abs((x - start) - mean) / std
            far = np.isinf(x)  # x far beyond its window's scale: in the data's own units
            if far.any():
                centre = np.ldexp(start[far] + mean[far], e[far])
                z[far] = np.abs(values[r][far] - centre) / np.ldexp(std[far], e[far])
        out[r] = z
    return out


Period = Literal["day", "week"]


def _slot(index: pd.DatetimeIndex, period: Period) -> np.ndarray:
    """Minute of the day (period="day") or of the week (period="week") of each timestamp."""
    minute = index.hour * 60 + index.minute
    if period == "day":
        return np.asarray(minute)
    return np.asarray(index.day_of_week * 24 * 60 + minute)


def _check_period(period: object) -> None:
    if not isinstance(period, str) or period not in ("day", "week"):
        raise ValueError(f'period must be "day" or "week"; got {period!r}')


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
        Normal training data; should cover every slot of ``period``. NaN values are ignored.
    period : {"day", "week"}
        Use ``"week"`` only when ``fit`` holds several weeks (each slot's median then rests
        on several values).

    Returns
    -------
    same kind, shape and index as ``data``, float64
        NaN at slots that ``fit`` never saw (or saw only as NaN) and where the value is NaN.
        Causal: the profile is fixed from ``fit``.

    Notes
    -----
    Slots are wall-clock times **in fit's timezone**: timezone-aware ``data`` in another
    zone is converted to it first, so the same instants get the same residuals whatever
    zone they are written in. A naive index with an aware one is refused (which wall clock
    would it be?).
    """
    _check_period(period)
    data = _check_frame(data, "data", datetime_index=True)
    fit = _check_fit(data, fit)
    if not isinstance(fit.index, pd.DatetimeIndex):
        raise TypeError(f"fit needs a DatetimeIndex for this baseline; got {describe(fit.index)}")
    if (data.index.tz is None) != (fit.index.tz is None):
        naive, aware = ("data", "fit") if data.index.tz is None else ("fit", "data")
        raise TypeError(
            f"{naive} has a timezone-naive index but {aware} is in timezone "
            f"{(fit if aware == 'fit' else data).index.tz}; give both a timezone or neither"
        )
    when = data.index if data.index.tz is None else data.index.tz_convert(fit.index.tz)
    slots = _slot(fit.index, period)
    values = pd.DataFrame(_columns(fit), index=fit.index)
    with np.errstate(over="ignore"):
        profile = values.groupby(slots).median()
        if np.isinf(profile.to_numpy()).any():  # two middle values near 1e308: sum overflowed
            halves = (values / 2).groupby(slots).median() * 2  # exact for such values
            profile = profile.where(np.isfinite(profile), halves)
    expected = profile.reindex(_slot(when, period)).to_numpy()
    return _like(data, abs_diff(_columns(data), expected), "residual")


def persistence_error(data: Frame, lag: int | str = 1) -> Frame:
    """``|x_t - x_{t-lag}|``: the error of the naive forecast "same as before".

    With ``lag=1`` this is persistence (the next value equals the last); with a time span
    of one season (``"1D"`` or ``"7D"``) it is the seasonal-naive forecast (the value at the
    same time yesterday / last week). Any forecaster must beat these errors to be useful.

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, shape (n_rows, n_columns)
        The series to score.
    lag : int >= 1, or a time span
        Rows back, or a time span (``"7D"``, a ``pd.Timedelta``; needs a DatetimeIndex, and
        looks up the exact earlier timestamp).

    Returns
    -------
    same kind, shape and index as ``data``, float64
        NaN where no earlier value exists and where ``x_t`` or ``x_{t-lag}`` is NaN. Causal:
        the error at ``t`` uses ``x_t`` and ``x_{t-lag}``.
    """
    is_span = isinstance(lag, _SPANS)
    data = _check_frame(data, "data", datetime_index=is_span)
    if isinstance(lag, (bool, np.bool_)) or not (is_span or isinstance(lag, (int, np.integer))):
        raise TypeError(f"lag must be an int number of rows or a time span like '7D'; got {lag!r}")
    if is_span:
        before = data.shift(freq=_time_span(lag, "lag", "7D")).reindex(data.index)
    else:
        lag = check_int(lag, "lag", 1)
        before = data.shift(min(lag, len(data)))
    return _like(data, abs_diff(_columns(data), _columns(before)), "error")


def range_check(data: Frame, fit: Frame) -> Frame:
    """How far each value lies outside the training range ``[min, max]`` of ``fit``.

    The rule a domain expert writes first ("alarm above 95 °C"), with the limits taken from
    training data. Inside the range the score is 0.

    Parameters
    ----------
    data : pandas.Series, shape (n_rows,), or DataFrame, shape (n_rows, n_columns)
        The series to score.
    fit : same kind (and columns) as ``data``
        Normal training data; NaN values are ignored.

    Returns
    -------
    same kind, shape and index as ``data``, float64
        ``max(lo - x, x - hi, 0)`` in units of the training range ``hi - lo`` (NaN where the
        value is NaN). Causal.
    """
    data = _check_frame(data, "data")
    fit = _check_fit(data, fit)
    f = _columns(fit)
    _fit_counts(f, 1, "(and not constant)")
    e = exponent(f, axis=0)  # per column, exact: hi - lo of 1e308 and -1e308 cannot overflow
    lo, hi = np.ldexp(np.nanmin(f, axis=0), -e), np.ldexp(np.nanmax(f, axis=0), -e)
    width = hi - lo
    if np.any(width == 0):
        raise ValueError("fit must not be constant: its range (max - min) is 0")
    with np.errstate(over="ignore", invalid="ignore"):
        x = np.ldexp(_columns(data), -e)
        outside = np.maximum(np.maximum(lo - x, x - hi), 0.0)
        score = outside / width
    return _like(data, score, "range score")
