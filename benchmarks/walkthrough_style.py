"""Straightforward re-implementations of the walkthrough's *approach*, as the baseline.

They follow its algorithms (grow an array by concatenation one window at a time; build
the long frame row by row in Python, then pivot; add error and aggregate columns one by
one), with its bugs fixed, so that they compute the same values as the helpers and the
comparison is fair. They are deliberately not optimised: that is the point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def concat_windows(data: np.ndarray, n_timesteps: int) -> np.ndarray:
    """(n_rows, n_features) -> (n_windows, n_timesteps, n_features), one concatenation per window."""
    n_features = data.shape[1]
    out = np.zeros((1, n_timesteps, n_features))
    for row in range(len(data)):
        window = data[row : row + n_timesteps][np.newaxis]
        if window.shape == (1, n_timesteps, n_features):
            out = np.concatenate((out, window))
    return out[1:]


def concat_forecast_windows(data: np.ndarray, n_timesteps: int, n_horizon: int):
    """Inputs and targets of a forecaster, both grown by concatenation."""
    n_windows = len(data) - n_timesteps - n_horizon + 1
    X = concat_windows(data[: n_windows + n_timesteps - 1], n_timesteps)
    Y = concat_windows(data[n_timesteps:], n_horizon)
    return X, Y


def loop_long(array: np.ndarray) -> pd.DataFrame:
    """Model-shaped array -> long frame, one Python list entry per value."""
    n_windows, n_timesteps, n_features = array.shape
    rows = []
    for r in range(n_windows):
        for f in range(n_features):
            for t in range(n_timesteps):
                rows.append([r, f"f{f}", f"t{t}", array[r, t, f]])
    df = pd.DataFrame(rows, columns=["row", "feature", "timestep", "value"])
    df["label"] = df["feature"] + "_" + df["timestep"]
    return df


def pivot_wide(df_long: pd.DataFrame) -> pd.DataFrame:
    """Long frame -> one row per window (pandas orders the label columns alphabetically)."""
    return df_long[["row", "label", "value"]].pivot(index="row", columns="label", values="value")


def loop_error_frame(data: np.ndarray, yhat: np.ndarray, n_timesteps: int) -> pd.DataFrame:
    """The walkthrough's df_out pipeline: long -> wide, then errors and aggregates column by
    column. Fixed to compute what ``lh.error_frame`` computes: one row per observation, each
    forecast moved to the row it is about, aggregates of absolute errors over features only."""
    n_features = data.shape[1]
    n_horizon = yhat.shape[1]
    wide_y = pivot_wide(loop_long(yhat))  # one row per window
    df = pd.DataFrame({f"f{f}": data[:, f] for f in range(n_features)})
    for f in range(n_features):
        for t in range(n_horizon):
            # window w forecasts row w + n_timesteps + t: move the column to that row
            column = wide_y[f"f{f}_t{t}"].copy()
            column.index = column.index + n_timesteps + t
            df[f"f{f}_t{t}_yhat"] = column.reindex(df.index)
    for f in range(n_features):
        for t in range(n_horizon):
            df[f"f{f}_t{t}_error"] = df[f"f{f}"] - df[f"f{f}_t{t}_yhat"]
    for t in range(n_horizon):
        cols = [f"f{f}_t{t}_error" for f in range(n_features)]
        errors = df[cols].abs()
        df[f"t{t}_error_avg"] = errors.mean(axis=1, skipna=False)
        df[f"t{t}_error_med"] = errors.median(axis=1, skipna=False)
        df[f"t{t}_error_min"] = errors.min(axis=1, skipna=False)
        df[f"t{t}_error_max"] = errors.max(axis=1, skipna=False)
        df[f"t{t}_error_rng"] = errors.max(axis=1, skipna=False) - errors.min(axis=1, skipna=False)
    return df
