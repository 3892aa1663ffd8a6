"""Synthetic data for the notebooks: a sine wave with spikes, smooth random metrics, a break."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import as_series_2d, check_positive_int

__all__ = ["SineData", "break_segment", "sine_with_spikes", "smooth_random_metrics"]

DEFAULT_SPIKES: dict[int, float] = {100: 10.0, 300: -8.0, 700: 12.0, 900: -10.0}


class SineData(NamedTuple):
    """What :func:`sine_with_spikes` returns."""

    time: np.ndarray  #: shape (n_points,), the time axis
    clean: np.ndarray  #: shape (n_points,), the normal sine wave
    anomalous: np.ndarray  #: shape (n_points,), a copy with spikes added
    anomaly_indices: np.ndarray  #: shape (n_spikes,), sorted int indices of the spikes


def sine_with_spikes(
    n_points: int = 1000,
    step: float = 0.5,
    amplitude: float = 5.0,
    period: float = 20.0,
    spikes: Mapping[int, float] | None = None,
) -> SineData:
    """A clean sine wave and a copy with spikes added at known indices.

    ``time = 0, step, 2*step, ...`` (``n_points`` values) and
    ``clean = amplitude * sin(time / period)``. ``anomalous`` is ``clean`` with
    ``spikes[i]`` added at each index ``i``.

    Parameters
    ----------
    n_points, step, amplitude, period
        Shape of the wave. The defaults give 1,000 points, ``5 sin(t / 20)``.
    spikes : mapping of int to float, optional
        Index -> value added there. Default ``{100: +10, 300: -8, 700: +12, 900: -10}``.

    Returns
    -------
    SineData
        ``(time, clean, anomalous, anomaly_indices)``; the first three have shape
        ``(n_points,)``.
    """
    n_points = check_positive_int(n_points, "n_points")
    spikes = dict(DEFAULT_SPIKES if spikes is None else spikes)
    idx = np.array(sorted(spikes), dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= n_points):
        raise ValueError(
            f"spike indices must lie in [0, {n_points - 1}]; got {idx.min()} .. {idx.max()}"
        )
    time = np.arange(n_points) * float(step)
    clean = amplitude * np.sin(time / period)
    anomalous = clean.copy()
    anomalous[idx] += np.array([spikes[i] for i in idx.tolist()], dtype=float)
    return SineData(time, clean, anomalous, idx)


def smooth_random_metrics(
    n_rows_orig: int = 3000, n_features: int = 5, n_rolling: int = 1000, seed: int = 0
) -> np.ndarray:
    """Smooth, realistic-looking random metrics.

    Draws ``sqrt(uniform)`` noise of shape (n_rows_orig, n_features), smooths each
    column with a trailing rolling mean over ``n_rolling`` rows and drops the warm-up
    rows, keeping ``n_rows_orig - n_rolling`` rows.

    Returns
    -------
    numpy.ndarray, shape (n_rows_orig - n_rolling, n_features)
    """
    n_rows_orig = check_positive_int(n_rows_orig, "n_rows_orig")
    n_features = check_positive_int(n_features, "n_features")
    n_rolling = check_positive_int(n_rolling, "n_rolling")
    if n_rolling >= n_rows_orig:
        raise ValueError(
            f"n_rolling must be smaller than n_rows_orig; got {n_rolling} >= {n_rows_orig}"
        )
    rng = np.random.default_rng(seed)
    raw = np.sqrt(rng.random((n_rows_orig, n_features)))
    smooth = pd.DataFrame(raw).rolling(window=n_rolling).mean().to_numpy()
    # The first n_rolling - 1 rows are NaN (warm-up): keep the first n_rows_orig - n_rolling
    # complete ones.
    return smooth[n_rolling - 1 : n_rows_orig - 1]


def break_segment(
    data: ArrayLike, start: int, length: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A copy of ``data`` with ``length`` rows from ``start`` replaced by uniform noise.

    Parameters
    ----------
    data : array-like, shape (n_rows, n_features) or (n_rows,)
    start, length : int
        The broken segment is ``data[start : start + length]``; it must fit inside.
    seed : int
        Seed of the noise.

    Returns
    -------
    broken : numpy.ndarray, shape (n_rows, n_features)
    mask : numpy.ndarray of bool, shape (n_rows,)
        True inside the broken segment.
    """
    arr = as_series_2d(data)
    length = check_positive_int(length, "length")
    n_rows = arr.shape[0]
    if not 0 <= start <= n_rows - length:
        raise ValueError(
            f"the break [start, start + length) must fit inside {n_rows} rows; "
            f"got start={start}, length={length}"
        )
    rng = np.random.default_rng(seed)
    broken = arr.copy()
    broken[start : start + length] = rng.random((length, arr.shape[1]))
    mask = np.zeros(n_rows, dtype=bool)
    mask[start : start + length] = True
    return broken, mask
