"""Step 2 of the pipeline: a model's errors.

* :func:`per_step_errors` – absolute errors of windows, per step;
* :func:`to_long` and :func:`to_wide` – model-shaped arrays as tidy or wide frames;
* :func:`error_frame` – forecasts, errors and their aggregates across features, one row
  per observation, each stamped at the time it is **about** (the target row).

Truth comes first, the model's output (``yhat``) second, everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import (
    abs_diff,
    as_float_array,
    as_series_2d,
    check_finite,
    check_ndim,
    check_no_inf,
    check_positive_int,
    describe,
    is_sequence,
    mean_abs_diff,
    safe_mean,
)

__all__ = ["error_frame", "per_step_errors", "to_long", "to_wide"]

# The per-horizon aggregates error_frame adds, taken across features, in column order.
_AGGREGATES = ("avg", "med", "min", "max", "rng")

_LONG_COLUMNS = ["row", "feature", "timestep", "value", "label"]


def _feature_names(names: object, n_features: int, what: str = "feature_names") -> list[str]:
    if names is None:
        return [f"f{f}" for f in range(n_features)]
    if not is_sequence(names):
        raise TypeError(
            f"{what} must be a list of {n_features} strings, one per feature; got {describe(names)}"
        )
    names = list(names)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"{what} must be strings; got {names!r}")
    if len(names) != n_features:
        raise ValueError(f"{what} must have one name per feature ({n_features}); got {len(names)}")
    if len(set(names)) != len(names):
        raise ValueError(f"{what} must be unique; got {names}")
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


def _pair(y: ArrayLike, yhat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = as_float_array(y, "y")
    b = as_float_array(yhat, "yhat")
    layout = "(n_windows, n_timesteps, n_features) or (n_windows, n_timesteps)"
    check_ndim(a, (2, 3), "y", layout)
    if a.shape != b.shape:
        raise ValueError(f"y and yhat must have the same shape; got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError(f"y must not be empty; got shape {a.shape}")
    # NaN (a missing value) gives a NaN error; inf is refused.
    check_no_inf(a, "y")
    check_no_inf(b, "yhat")
    return a, b


def per_step_errors(y: ArrayLike, yhat: ArrayLike) -> np.ndarray:
    """Absolute error of every window at every step, averaged over features.

    Absolute, not signed: errors of opposite sign on two features must not cancel.

    Parameters
    ----------
    y : array-like, shape (n_windows, n_timesteps, n_features) or (n_windows, n_timesteps)
        The truth: the windows (for an autoencoder) or the targets (for a forecaster).
    yhat : array-like, same shape as ``y``
        The model's output for them.

    Returns
    -------
    numpy.ndarray, shape (n_windows, n_timesteps)
        ``mean_f |y[w, t, f] - yhat[w, t, f]|``: the input of every mapping in
        :mod:`lstm_helpers.scores`. NaN where a value of ``y`` or ``yhat`` at that step is
        NaN (a missing value, or a model's output for a window that held one); inf is
        refused.
    """
    a, b = _pair(y, yhat)
    # Scaled where needed: no overflow for values near the float64 limit.
    out = mean_abs_diff(a, b) if a.ndim == 3 else abs_diff(a, b)
    if np.isinf(out).any():
        w, t = (int(i) for i in np.argwhere(np.isinf(out))[0])
        raise ValueError(
            f"y and yhat differ by more than float64 can hold (about 1.8e308) at window {w}, "
            f"step {t}; is a unit wrong?"
        )
    return out


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
        Columns ``row``, ``label`` and ``value`` at least; each (row, label) pair exactly
        once (a missing pair, or a NaN row or label, is refused rather than filled with NaN).

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
    for col in ("row", "label"):
        n_missing = int(df_long[col].isna().sum())
        if n_missing:
            raise ValueError(
                f"df_long[{col!r}] must not hold NaN/None; found {n_missing}: a value without "
                f"its {col} cannot be placed"
            )
    if df_long.duplicated(["row", "label"]).any():
        raise ValueError("df_long has repeated (row, label) pairs; each must appear once")
    labels_per_row = df_long.groupby("row", sort=False)["label"].nunique()
    n_labels = df_long["label"].nunique()
    if (labels_per_row < n_labels).any():
        row = labels_per_row.index[int(np.argmax(labels_per_row.to_numpy() < n_labels))]
        have = set(df_long.loc[df_long["row"] == row, "label"])
        lacking = [lab for lab in pd.unique(df_long["label"]) if lab not in have]
        raise ValueError(
            f"df_long lacks {len(lacking)} (row, label) pair(s) for row {row}, e.g. label "
            f"{lacking[0]!r}: every row needs every label, or its cell would be a made-up NaN"
        )
    wide = df_long.pivot(index="row", columns="label", values="value")
    order = pd.unique(df_long["label"])
    wide = wide[list(order)]
    wide.columns = pd.Index([str(c) for c in wide.columns])
    return wide


def error_frame(targets: ArrayLike, yhat: ArrayLike, n_timesteps: int) -> pd.DataFrame:
    """Forecasts, errors and their aggregates across features, one row per observation.

    Every value is stamped at the time it is **about**: row ``r`` holds, for each horizon
    ``h`` (``h = 0`` is one step ahead), the forecast *of row r* made from the window that
    ends ``h + 1`` rows before ``r`` (window ``w = r - n_timesteps - h``), and its error.

    Causality: row ``r`` depends on ``targets[r]`` and on ``yhat[w]`` for windows
    ``w <= r - n_timesteps`` only, i.e. on windows that end at row ``r - 1`` or earlier.
    If the model sees nothing but its window, everything on row ``r`` is known at time
    ``r``, so a threshold on any column is a detector a live monitor could run.

    Parameters
    ----------
    targets : array-like or DataFrame, shape (n_rows, n_features)
        The observed series the windows were cut from (the truth). A DataFrame's column
        names replace ``f0, f1, ...`` and its index labels the rows.
    yhat : array-like, shape (n_windows, n_horizon, n_features)
        ``yhat[w, h, f]`` forecasts ``targets[w + n_timesteps + h, f]`` from the window
        covering rows ``w .. w + n_timesteps - 1``. ``n_windows`` is either
        ``n_rows - n_timesteps + 1`` (every input window, as from
        ``make_windows(targets, n_timesteps)``) or ``n_rows - n_timesteps - n_horizon + 1``
        (the ``X`` of ``make_forecast_windows``). Forecasts of rows past the end are
        dropped.
    n_timesteps : int
        Length of the input windows.

    Returns
    -------
    pandas.DataFrame, shape (n_rows, n_features * (1 + 2 * n_horizon) + 5 * n_horizon)
        The index of ``targets`` (or ``0 .. n_rows - 1``). Columns, in this order:

        * ``{f}``: the observed value of feature ``f`` on row ``r``;
        * ``{f}_t{h}_yhat``: the forecast of row ``r`` made ``h + 1`` steps earlier;
        * ``{f}_t{h}_error``: observed minus forecast (signed);
        * ``t{h}_error_avg|med|min|max|rng``: mean, median, min, max and range across
          features of the **absolute** ``t{h}`` errors. Absolute, because signed errors of
          opposite sign cancel: a break that pushes one feature up and another down would
          have a mean error near zero.

        Forecast, error and aggregate columns are NaN on rows no window forecasts at that
        horizon: the first ``n_timesteps + h`` rows, and, with the shorter ``yhat``, the
        last ``n_horizon - 1 - h`` rows.

    Raises
    ------
    TypeError
        If ``targets`` or ``yhat`` is not numeric, or ``n_timesteps`` is not an integer.
    ValueError
        On NaN/inf, empty input, a ``targets`` out of time order (a pandas object whose
        datetime or numeric index is not increasing), a ``yhat`` whose shape does not match,
        an error too large for float64, or feature names that make two output columns
        share a name.
    """
    names = list(map(str, targets.columns)) if isinstance(targets, pd.DataFrame) else None
    index = targets.index if isinstance(targets, (pd.DataFrame, pd.Series)) else None
    arr = as_series_2d(targets, "targets")
    n_rows, n_features = arr.shape
    n_timesteps = check_positive_int(n_timesteps, "n_timesteps")
    if n_timesteps > n_rows:
        raise ValueError(f"n_timesteps={n_timesteps} is longer than targets ({n_rows} rows)")
    names = _feature_names(names, n_features, "targets' column names")
    pred = _model_array(yhat, "yhat")
    n_windows, n_horizon = pred.shape[0], pred.shape[1]
    every_window = n_rows - n_timesteps + 1
    forecast_windows = every_window - n_horizon
    if n_windows not in (every_window, forecast_windows) or pred.shape[2] != n_features:
        raise ValueError(
            f"yhat must have shape ({every_window} or {forecast_windows}, {n_horizon}, "
            f"{n_features}): one forecast per window of n_timesteps={n_timesteps} rows over "
            f"{n_rows} rows of {n_features} features; got {pred.shape}"
        )
    check_finite(pred, "yhat")

    steps = [f"t{h}" for h in range(n_horizon)]
    columns = (
        names
        + [f"{n}_{s}_yhat" for n in names for s in steps]
        + [f"{n}_{s}_error" for n in names for s in steps]
        + [f"{s}_error_{a}" for s in steps for a in _AGGREGATES]
    )
    clashes = sorted({c for c in columns if columns.count(c) > 1})
    if clashes:
        raise ValueError(
            f"targets' column names {names} make these output columns appear twice: {clashes}. "
            "Rename the columns (e.g. targets.add_prefix('x_'))."
        )

    # Every block is laid out one line per output column: (feature, horizon, row). Then the
    # aggregates across features are plain element-wise operations between rows of numbers,
    # and the whole result is one (column, row) array that pandas takes without a copy.
    observed = arr.T  # (n_features, n_rows)
    # forecast[f, h, r]: the forecast of row r made h + 1 steps earlier, by the window that
    # ends at row r - h - 1 (window w = r - n_timesteps - h). NaN where no window forecasts r.
    forecast = np.full((n_features, n_horizon, n_rows), np.nan)
    for h in range(n_horizon):  # a loop over the horizon (a few steps), never over rows
        first = n_timesteps + h  # the first row a horizon-h forecast is about
        n_in = max(min(n_windows, n_rows - first), 0)  # forecasts past the end are dropped
        forecast[:, h, first : first + n_in] = pred[:n_in, h, :].T
    with np.errstate(over="ignore"):
        error = observed[:, np.newaxis, :] - forecast  # observed minus forecast; NaN stays NaN
    if np.isinf(error).any():  # the inputs are finite: the true error does not fit in float64
        f, h, r = (int(i) for i in np.argwhere(np.isinf(error))[0])
        raise ValueError(
            f"targets and yhat differ by more than float64 can hold (about 1.8e308) on row {r}, "
            f"feature {names[f]!r}, horizon t{h}; is a unit wrong?"
        )
    # Aggregates across features (axis 0) of the ABSOLUTE errors, each (n_horizon, n_rows).
    # Sorted across features once, the minimum, the median and the maximum are rows of it.
    ranked = np.sort(np.abs(error), axis=0)  # NaN rows stay NaN: NaN sorts last, all-NaN
    low, high = ranked[0], ranked[-1]
    below, above = ranked[(n_features - 1) // 2], ranked[n_features // 2]
    with np.errstate(over="ignore"):
        middle = (below + above) / 2  # the median; halves first where the sum overflows
    middle = np.where(np.isinf(middle), below / 2 + above / 2, middle)
    aggregates = [safe_mean(ranked, axis=0), middle, low, high, high - low]
    by_column = np.concatenate(
        [
            observed,
            forecast.reshape(-1, n_rows),  # feature-major: f0_t0, f0_t1, ..., f1_t0, ...
            error.reshape(-1, n_rows),
            np.stack(aggregates, axis=1).reshape(-1, n_rows),  # t0_error_avg, t0_error_med, ...
        ]
    )
    out_index = index if index is not None else pd.RangeIndex(n_rows)
    return pd.DataFrame(by_column.T, index=out_index, columns=columns, copy=False)
