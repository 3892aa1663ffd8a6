"""Long and wide frames of model-shaped arrays, and the per-feature, per-horizon error frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import as_float_array, as_series_2d, check_finite, check_positive_int, describe

__all__ = ["AGGREGATES", "error_frame", "to_long", "to_wide"]

#: The per-horizon aggregates :func:`error_frame` adds, taken across features.
AGGREGATES: tuple[str, ...] = ("avg", "med", "min", "max", "rng")

_LONG_COLUMNS = ["row", "feature", "timestep", "value", "label"]


def _feature_names(names: Sequence[str] | None, n_features: int) -> list[str]:
    if names is None:
        return [f"f{f}" for f in range(n_features)]
    names = [str(n) for n in names]
    if len(names) != n_features:
        raise ValueError(
            f"feature_names must have one name per feature ({n_features}); got {len(names)}"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"feature_names must be unique; got {names}")
    return names


def _model_array(array: ArrayLike, name: str) -> np.ndarray:
    arr = as_float_array(array, name)
    if arr.ndim != 3:
        raise ValueError(
            f"{name} must have shape (n_windows, n_timesteps, n_features); got {describe(arr)}"
        )
    if 0 in arr.shape:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    return arr


def to_long(array: ArrayLike, feature_names: Sequence[str] | None = None) -> pd.DataFrame:
    """A model-shaped array as a tidy long frame, one row per value.

    Parameters
    ----------
    array : array-like, shape (n_windows, n_timesteps, n_features)
    feature_names : sequence of str, optional
        Names for the features; default ``f0, f1, ...``.

    Returns
    -------
    pandas.DataFrame, n_windows * n_features * n_timesteps rows
        Columns ``row`` (window index), ``feature``, ``timestep`` (``t0, t1, ...``),
        ``value``, and ``label`` = ``f"{feature}_{timestep}"``. Rows are ordered by
        window, then feature, then timestep. The text columns are categoricals, so
        memory grows with the number of values, not with Python strings per row.
    """
    arr = _model_array(array, "array")
    n_windows, n_timesteps, n_features = arr.shape
    names = _feature_names(feature_names, n_features)
    # (window, feature, timestep) order, C-contiguous, so ravel lines up with the index.
    values = np.ascontiguousarray(arr.transpose(0, 2, 1)).ravel()
    # Text columns are categoricals: small integer codes per row, each string stored once.
    per_window = n_features * n_timesteps
    label_codes = np.tile(np.arange(per_window, dtype=np.int32), n_windows)
    labels = [f"{n}_t{t}" for n in names for t in range(n_timesteps)]
    return pd.DataFrame(
        {
            "row": np.repeat(np.arange(n_windows), per_window),
            "feature": pd.Categorical.from_codes(label_codes // n_timesteps, names),
            "timestep": pd.Categorical.from_codes(
                label_codes % n_timesteps, [f"t{t}" for t in range(n_timesteps)]
            ),
            "value": values,
            "label": pd.Categorical.from_codes(label_codes, labels),
        },
        columns=_LONG_COLUMNS,
    )


def to_wide(df_long: pd.DataFrame) -> pd.DataFrame:
    """Pivot a long frame from :func:`to_long` back to one row per window.

    Parameters
    ----------
    df_long : pandas.DataFrame
        Columns ``row``, ``label`` and ``value`` at least; each (row, label) pair once.

    Returns
    -------
    pandas.DataFrame, shape (n_windows, n_features * n_timesteps)
        Index ``row``; one column per label, in the order labels first appear
        (feature-major: ``f0_t0, f0_t1, ..., f1_t0, ...`` for a frame from ``to_long``).
    """
    if not isinstance(df_long, pd.DataFrame):
        raise TypeError(f"df_long must be a pandas DataFrame; got {describe(df_long)}")
    missing = {"row", "label", "value"} - set(df_long.columns)
    if missing:
        raise ValueError(
            f"df_long must have columns row, label and value; missing {sorted(missing)}"
        )
    if df_long.duplicated(["row", "label"]).any():
        raise ValueError("df_long has repeated (row, label) pairs; each must appear once")
    wide = df_long.pivot(index="row", columns="label", values="value")
    order = pd.unique(df_long["label"])
    wide = wide[list(order)]
    wide.columns = pd.Index([str(c) for c in wide.columns])
    return wide


def error_frame(data: ArrayLike, yhat: ArrayLike, n_timesteps: int) -> pd.DataFrame:
    """Forecasts, errors and per-horizon aggregates, one row per input window.

    Parameters
    ----------
    data : array-like or DataFrame, shape (n_rows, n_features)
        The series the windows were cut from. A DataFrame's column names replace
        ``f0, f1, ...`` and its index labels the rows.
    yhat : array-like, shape (n_rows - n_timesteps + 1, n_horizon, n_features)
        One forecast per input window ``make_windows(data, n_timesteps)[w]``:
        ``yhat[w, t, f]`` forecasts ``data[w + n_timesteps + t, f]``.
    n_timesteps : int
        Length of the input windows.

    Returns
    -------
    pandas.DataFrame, n_rows - n_timesteps + 1 rows
        Row ``w`` is labelled with data's index at ``w + n_timesteps - 1``, the window's
        latest observation. Columns, in this order:

        * ``f{f}``: that latest actual value, per feature;
        * ``f{f}_t{t}_yhat``: the forecast ``t + 1`` steps ahead;
        * ``f{f}_t{t}_error``: actual minus forecast, NaN where the target row lies past
          the end of the data;
        * ``t{t}_error_avg|med|min|max|rng``: mean, median, min, max and range of the
          ``t{t}`` errors across features (and only those).
    """
    names = list(map(str, data.columns)) if isinstance(data, pd.DataFrame) else None
    index = data.index if isinstance(data, (pd.DataFrame, pd.Series)) else None
    arr = as_series_2d(data)
    n_rows, n_features = arr.shape
    n_timesteps = check_positive_int(n_timesteps, "n_timesteps")
    if n_timesteps > n_rows:
        raise ValueError(f"n_timesteps={n_timesteps} is longer than the data ({n_rows} rows)")
    names = _feature_names(names, n_features)
    pred = _model_array(yhat, "yhat")
    n_windows = n_rows - n_timesteps + 1
    if pred.shape[0] != n_windows or pred.shape[2] != n_features:
        raise ValueError(
            f"yhat must have shape ({n_windows}, n_horizon, {n_features}): one forecast per "
            f"window of {n_timesteps} rows over {n_rows} rows of {n_features} features; "
            f"got {pred.shape}"
        )
    check_finite(pred, "yhat")
    n_horizon = pred.shape[1]

    n_aggs = len(AGGREGATES)
    block = n_features * n_horizon

    # The result is filled in place, one column block at a time, in a single array whose
    # columns are contiguous (Fortran order): pandas then wraps it without a copy, and
    # every reduction below runs across a short outer axis of contiguous rows.
    out = np.empty((n_windows, n_features + 2 * block + n_horizon * n_aggs), order="F")
    cols = out.T  # C-contiguous view, one row per column of the result
    cols[:n_features] = arr[n_timesteps - 1 :].T
    yhat_cols = cols[n_features : n_features + block].reshape(n_features, n_horizon, n_windows)
    yhat_cols[...] = pred.transpose(2, 1, 0)  # feature-major (f, t)
    err = cols[n_features + block : n_features + 2 * block].reshape(
        n_features, n_horizon, n_windows
    )
    # actual[f, t, w] = data[w + n_timesteps + t, f], NaN past the end: pad, then view.
    padded = np.full((n_features, n_windows - 1 + n_horizon), np.nan)
    padded[:, : n_rows - n_timesteps] = arr[n_timesteps:].T
    actual = np.lib.stride_tricks.sliding_window_view(padded, n_windows, axis=1)
    np.subtract(actual, yhat_cols, out=err)

    # Aggregates across features only (the outer axis of err), horizon-major (t, agg).
    aggs = cols[n_features + 2 * block :].reshape(n_horizon, n_aggs, n_windows)
    np.mean(err, axis=0, out=aggs[:, 0])
    mid = n_features // 2
    if n_features % 2:
        aggs[:, 1] = np.partition(err, mid, axis=0)[mid]
    else:
        part = np.partition(err, [mid - 1, mid], axis=0)
        np.add(part[mid - 1], part[mid], out=aggs[:, 1])
        aggs[:, 1] *= 0.5
    np.min(err, axis=0, out=aggs[:, 2])
    np.max(err, axis=0, out=aggs[:, 3])
    np.subtract(aggs[:, 3], aggs[:, 2], out=aggs[:, 4])

    steps = [f"t{t}" for t in range(n_horizon)]
    columns = (
        names
        + [f"{n}_{s}_yhat" for n in names for s in steps]
        + [f"{n}_{s}_error" for n in names for s in steps]
        + [f"{s}_error_{a}" for s in steps for a in AGGREGATES]
    )
    out_index = (
        index[n_timesteps - 1 :] if index is not None else pd.RangeIndex(n_timesteps - 1, n_rows)
    )
    # copy=False: ``out`` is ours alone, so the frame may own it as it is.
    return pd.DataFrame(out, index=out_index, columns=columns, copy=False)
