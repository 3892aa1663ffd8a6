"""Input validation and careful arithmetic shared by the helpers.

Every helper validates what it is given and raises a ``TypeError`` (wrong kind of
object) or ``ValueError`` (right kind, wrong content) whose message names the argument,
says what was expected and what was received. Nothing here is public API.

Extreme but legitimate values (1e200, 1e-200) are computed correctly rather than refused:
sums and squares are taken after scaling by a power of two (:func:`pow2_scale`), which is
exact, so ordinary inputs give bit-for-bit the same results as the plain formulas.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def describe(obj: Any) -> str:
    """Short description of ``obj`` for error messages: its shape or its value, and its type."""
    shape = getattr(obj, "shape", None)
    if isinstance(shape, tuple):
        return f"{type(obj).__name__} of shape {shape}"
    text = repr(obj)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(obj).__name__})"


def as_float_array(obj: Any, name: str) -> np.ndarray:
    """Convert ``obj`` to a float64 ndarray, or raise ``TypeError`` if it is not real numbers."""
    if isinstance(obj, (str, bytes)) or obj is None:
        raise TypeError(f"{name} must be a numeric array-like; got {describe(obj)}")
    if isinstance(obj, np.ma.MaskedArray):
        # np.asarray would silently drop the mask and use the hidden values.
        raise TypeError(
            f"{name} must be a plain array; got a numpy masked array. Fill the masked values "
            "yourself first, e.g. arr.filled(np.nan), and drop or interpolate them."
        )
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
        kinds = list(frame.dtypes)
        if kinds and all(
            pd.api.types.is_numeric_dtype(k) and not pd.api.types.is_complex_dtype(k) for k in kinds
        ):
            # Nullable Int64/Float64 columns: pd.NA becomes NaN (then refused where NaN is).
            arr = obj.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = obj.to_numpy()
    else:
        try:
            arr = np.asarray(obj)
        except (ValueError, TypeError) as err:  # ragged nested lists, odd objects
            raise ValueError(
                f"{name} must be a rectangular numeric array (every row the same length); "
                f"could not make an array of {describe(obj)} ({err})"
            ) from err
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(
            f"{name} must hold real numbers; got complex values (dtype {arr.dtype}). Take "
            "np.abs(...) or .real yourself if that is what you mean."
        )
    if arr.dtype.kind not in "biuf":  # bool, integers, floats; not time, text or objects
        raise TypeError(f"{name} must hold numbers; got dtype {arr.dtype} ({describe(obj)})")
    # Always float64: float16/float32 sums overflow or lose precision silently.
    return arr.astype(np.float64, copy=False)


def is_sequence(obj: Any) -> bool:
    """A list, tuple, pandas Index or an array of at least one dimension; not text."""
    if isinstance(obj, (str, bytes)):
        return False
    if isinstance(obj, np.ndarray):
        return obj.ndim >= 1
    return isinstance(obj, Sequence | pd.Index)


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinity, saying where the first one is."""
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        n_bad = int(bad.sum())
        raise ValueError(
            f"{name} must be finite; found {n_bad} NaN/inf value(s), the first at index {first}. "
            "Fill or drop them before windowing (e.g. df.interpolate() or df.dropna())."
        )


def check_no_inf(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds infinity (NaN, a missing value, is accepted)."""
    bad = np.isinf(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must not hold inf; found {int(bad.sum())}, the first at index {first} "
            "(NaN, a missing value, is accepted)"
        )


def check_index_order(index: pd.Index, name: str) -> None:
    """Refuse a datetime or numeric index that is not strictly increasing (or holds NaT/NaN).

    Other kinds of index (text labels, a MultiIndex) are not checked: their order is the
    rows' order.
    """
    if isinstance(index, pd.MultiIndex):
        return
    timelike = isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex, pd.PeriodIndex))
    numeric = pd.api.types.is_numeric_dtype(index.dtype) and not pd.api.types.is_bool_dtype(
        index.dtype
    )
    if not (timelike or numeric):
        return
    if index.hasnans:
        raise ValueError(f"{name} must not hold NaT/NaN labels; found {int(index.isna().sum())}")
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise ValueError(
            f"{name} must have unique labels (one row per time); {dup} appears more than "
            "once. Drop the repeats, e.g. x[~x.index.duplicated()]"
        )
    if not index.is_monotonic_increasing:
        owner = name.removesuffix(".index") if name.endswith(".index") else "data"
        raise ValueError(
            f"{name} must be in time order (increasing); it is not, so rows would be read by "
            f"position in the wrong order. Sort first: {owner}.sort_index()"
        )


def check_time_order(obj: Any, name: str) -> None:
    """Refuse a pandas object whose datetime or numeric index is not strictly increasing.

    Positional helpers (windows, splits, trailing means, runs of flags) read rows in the
    order they come: on a reversed or shuffled index they would compute by position what
    the labels say is another order.
    """
    if isinstance(obj, (pd.Series, pd.DataFrame)):
        check_index_order(obj.index, f"{name}.index")


def as_series_2d(data: Any, name: str = "data", allow_nan: bool = False) -> np.ndarray:
    """Validate a time series and return it as a 2-D float array (n_rows, n_features).

    Accepts 1-D (n_rows,) or 2-D (n_rows, n_features) arrays, Series or DataFrames; a
    pandas object must be in time order (:func:`check_time_order`). inf is refused, and NaN
    too unless ``allow_nan`` (a missing value, kept).
    """
    check_time_order(data, name)
    arr = as_float_array(data, name)
    if arr.ndim == 1:
        arr = arr[:, np.newaxis]
    elif arr.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (n_rows,) or 2-D (n_rows, n_features); got {arr.ndim}-D "
            f"array of shape {arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if allow_nan:
        check_no_inf(arr, name)
    else:
        check_finite(arr, name)
    return arr


def check_int(value: Any, name: str, minimum: int | None = None) -> int:
    """Return ``value`` as an int if it is an integer (not a bool) >= ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        want = "an integer" if minimum is None else f"an integer >= {minimum}"
        raise TypeError(f"{name} must be {want}; got {describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"{name} must fit in a 64-bit integer; got {describe(value)}")
    return int(value)


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 1, else raise."""
    return check_int(value, name, 1)


def check_seed(value: Any, name: str = "seed") -> int:
    """A seed: an integer >= 0 (None is refused: results must be reproducible)."""
    return check_int(value, name, 0)


def check_ndim(arr: np.ndarray, ndims: tuple[int, ...], name: str, layout: str) -> None:
    """Raise ``ValueError`` unless ``arr.ndim`` is one of ``ndims``."""
    if arr.ndim not in ndims:
        raise ValueError(f"{name} must have shape {layout}; got {arr.ndim}-D shape {arr.shape}")


def check_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite float, else raise (NaN and inf thresholds are useless).

    Any real number is accepted: Python and numpy ints and floats, ``fractions.Fraction``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {describe(value)}")
    try:
        out = float(value)
    except OverflowError:
        out = float("inf") if value > 0 else float("-inf")
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite; got {value}")
    return out


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool if it is True or False (numpy's too), else raise."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe(value)}")
    return bool(value)


# --------------------------------------------------------------------------- arithmetic


def exponent(arr: np.ndarray, axis: int | None = None) -> np.ndarray | int:
    """The power of two ``e`` with ``max|arr| * 2**-e`` in [0.5, 1) (0 where all are 0 or NaN).

    ``np.ldexp(arr, -e)`` then scales exactly (no rounding), so sums and squares of the scaled
    values cannot overflow, and ``np.ldexp(result, e)`` scales back.
    """
    with np.errstate(invalid="ignore"):
        top = np.nanmax(np.where(np.isfinite(arr), np.abs(arr), np.nan), axis=axis, initial=0.0)
    e = np.frexp(top)[1]
    return int(e) if axis is None else e


def mean_std(arr: np.ndarray, ddof: int = 0) -> tuple[float, float]:
    """Mean and standard deviation of a finite 1-D array, free of overflow and underflow.

    ``[1e200, 0, 0]`` and ``[1e-200, 0, 0]`` work (their squares do not fit in float64); the
    result equals ``arr.mean(), arr.std(ddof=ddof)`` wherever those are exact.
    """
    e = exponent(arr)
    x = np.ldexp(arr, -e)
    with np.errstate(over="ignore"):
        return float(np.ldexp(x.mean(), e)), float(np.ldexp(x.std(ddof=ddof), e))


def abs_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``|a - b|`` element-wise, inf only where the true value does not fit in float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.abs(a - b)
        bad = ~np.isfinite(out) & np.isfinite(a) & np.isfinite(b)
        if bad.any():  # the difference overflowed: take it in halves (exact), then double
            a2, b2 = np.broadcast_to(a, out.shape)[bad], np.broadcast_to(b, out.shape)[bad]
            out[bad] = np.abs(a2 / 2 - b2 / 2) * 2
    return out


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``mean(|a - b|, axis=-1)`` of finite arrays, inf only where the true mean overflows.

    A difference near the float64 limit (1e308 minus -1e308) is taken after scaling both
    sides by a power of two; ordinary values give exactly ``np.abs(a - b).mean(axis=-1)``.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.abs(a - b).mean(axis=-1)
    bad = ~np.isfinite(out)
    if bad.any():
        a2, b2 = a[bad], b[bad]  # (n_bad, n_along_axis)
        e = np.maximum(exponent(a2, axis=1), exponent(b2, axis=1))[:, None]
        scaled = np.abs(np.ldexp(a2, -e) - np.ldexp(b2, -e)).mean(axis=1, keepdims=True)
        with np.errstate(over="ignore"):
            out[bad] = np.ldexp(scaled, e)[:, 0]
    return out


def safe_mean(arr: np.ndarray, axis: int) -> np.ndarray:
    """``arr.mean(axis)`` with sums that overflow recomputed after scaling (NaN propagates)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = arr.mean(axis=axis)
        bad = np.isinf(out) & np.isfinite(arr).all(axis=axis)
    if bad.any():
        moved = np.moveaxis(arr, axis, -1)[bad]  # (n_bad, n_along_axis)
        e = exponent(moved, axis=1)[:, None]
        out[bad] = np.ldexp(np.ldexp(moved, -e).mean(axis=1, keepdims=True), e)[:, 0]
    return out


def safe_nanmean(arr: np.ndarray, axis: int) -> np.ndarray:
    """``np.nanmean(arr, axis)`` of finite-or-NaN values, with sums that overflow recomputed."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.nanmean(arr, axis=axis)
    bad = np.isinf(out)
    if bad.any():
        moved = np.moveaxis(arr, axis, -1)[bad]  # (n_bad, n_along_axis)
        e = exponent(moved, axis=1)[:, None]
        out[bad] = np.ldexp(np.nanmean(np.ldexp(moved, -e), axis=1, keepdims=True), e)[:, 0]
    return out


def check_axes(ax: Any) -> None:
    """Refuse an ``ax=`` that is neither None nor a matplotlib Axes."""
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from plt.subplots()) or None; got {describe(ax)}"
        )
