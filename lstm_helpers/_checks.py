"""Input validation shared by the helpers.

Every helper validates what it is given and raises a ``TypeError`` (wrong kind of
object) or ``ValueError`` (right kind, wrong content) whose message says what was
expected and what was received. Nothing here is public API.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd


def describe(obj: Any) -> str:
    """Short description of ``obj`` for error messages: type, and shape if it has one."""
    shape = getattr(obj, "shape", None)
    if shape is not None:
        return f"{type(obj).__name__} of shape {tuple(shape)}"
    return type(obj).__name__


def as_float_array(obj: Any, name: str) -> np.ndarray:
    """Convert ``obj`` to a float ndarray, or raise ``TypeError`` if it is not numeric."""
    if isinstance(obj, (str, bytes)) or obj is None:
        raise TypeError(f"{name} must be a numeric array-like; got {describe(obj)}")
    if isinstance(obj, np.ma.MaskedArray):
        # np.asarray would silently drop the mask and use the hidden values.
        raise TypeError(
            f"{name} must be a plain array; got a numpy masked array. Fill the masked values "
            "yourself first, e.g. arr.filled(np.nan), and drop or interpolate them."
        )
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        arr = obj.to_numpy()
    else:
        arr = np.asarray(obj)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must hold numbers; got dtype {arr.dtype} ({describe(obj)})")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    # Always float64: float16/float32 sums overflow or lose precision silently.
    return arr.astype(np.float64, copy=False)


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


def as_series_2d(data: Any, name: str = "data") -> np.ndarray:
    """Validate a time series and return it as a 2-D float array (n_rows, n_features).

    Accepts 1-D (n_rows,) or 2-D (n_rows, n_features) arrays, Series or DataFrames.
    """
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
    check_finite(arr, name)
    return arr


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 1, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 1; got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be >= 1; got {value}")
    return int(value)


def check_ndim(arr: np.ndarray, ndims: tuple[int, ...], name: str, layout: str) -> None:
    """Raise ``ValueError`` unless ``arr.ndim`` is one of ``ndims``."""
    if arr.ndim not in ndims:
        raise ValueError(f"{name} must have shape {layout}; got {arr.ndim}-D shape {arr.shape}")


def check_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite float, else raise (NaN and inf thresholds are useless)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return float(value)
