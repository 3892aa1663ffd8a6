"""Synthetic data for the notebooks: a sine wave with spikes, smooth random metrics,
metrics with real cross-feature structure, and an anomaly that decouples some of them."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import (
    as_series_2d,
    check_finite,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
    describe,
    is_sequence,
)

__all__ = [
    "SineData",
    "coupled_metrics",
    "decouple",
    "sine_with_spikes",
    "smooth_random_metrics",
]

DEFAULT_SPIKES: dict[int, float] = {100: 10.0, 300: -8.0, 700: 12.0, 900: -10.0}

#: The most values a generator makes (800 MB of float64): a larger request is a typo.
MAX_VALUES = 10**8


def _check_size(n_values: int, names: str) -> None:
    """Refuse a request for more than :data:`MAX_VALUES` values, naming the arguments."""
    if n_values > MAX_VALUES:
        raise ValueError(
            f"{names} ask for {n_values:.3g} values; at most {MAX_VALUES:.0e} "
            "(800 MB of float64) are made"
        )


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
    n_points : int >= 1
    step : real number > 0
        Time between points.
    amplitude : real number, finite
    period : real number > 0
        The wave is ``sin(time / period)``. The defaults give 1,000 points, ``5 sin(t / 20)``.
    spikes : mapping of int to float, optional
        Index -> finite value added there. Default ``{100: +10, 300: -8, 700: +12, 900: -10}``.

    Returns
    -------
    SineData
        ``(time, clean, anomalous, anomaly_indices)``; the first three have shape
        ``(n_points,)``. Every value is finite: parameters that would give NaN or inf (a step
        so large that time overflows) are refused.
    """
    n_points = check_positive_int(n_points, "n_points")
    _check_size(n_points, "n_points")
    step = check_real(step, "step")
    amplitude = check_real(amplitude, "amplitude")
    period = check_real(period, "period")
    for name, value in (("step", step), ("period", period)):
        if value <= 0:
            raise ValueError(f"{name} must be > 0; got {value}")
    if spikes is None:
        spikes = DEFAULT_SPIKES
    if not isinstance(spikes, Mapping):
        raise TypeError(f"spikes must be a mapping {{index: value}}; got {describe(spikes)}")
    checked: dict[int, float] = {}
    for key, value in spikes.items():
        if isinstance(key, (bool, np.bool_)) or not isinstance(key, numbers.Integral):
            raise TypeError(f"spikes keys must be integer indices; got {describe(key)}")
        if not 0 <= key < n_points:
            raise ValueError(
                f"spikes indices must lie in [0, n_points - 1 = {n_points - 1}]; got {key}"
            )
        checked[int(key)] = check_real(value, f"spikes[{key}]")
    idx = np.array(sorted(checked), dtype=np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        time = np.arange(n_points) * step
        clean = amplitude * np.sin(time / period)
        anomalous = clean.copy()
        anomalous[idx] += np.array([checked[i] for i in idx.tolist()], dtype=float)
    for name, values in (("time (n_points * step)", time), ("clean", clean)):
        if not np.isfinite(values).all():
            raise ValueError(
                f"step={step} and period={period} give a non-finite {name}: time / period "
                "overflows float64; choose smaller values"
            )
    check_finite(anomalous, "anomalous (clean plus spikes)")
    return SineData(time, clean, anomalous, idx)


def smooth_random_metrics(
    n_rows_orig: int = 3000, n_features: int = 5, n_rolling: int = 1000, seed: int = 0
) -> np.ndarray:
    """Smooth, realistic-looking random metrics.

    Draws ``sqrt(uniform)`` noise of shape (n_rows_orig, n_features), smooths each
    column with a trailing rolling mean over ``n_rolling`` rows and drops the warm-up
    rows, keeping ``n_rows_orig - n_rolling`` rows.

    Parameters
    ----------
    n_rows_orig, n_features, n_rolling : int >= 1, ``n_rolling < n_rows_orig``
    seed : int >= 0

    Returns
    -------
    numpy.ndarray, shape (n_rows_orig - n_rolling, n_features)
    """
    n_rows_orig = check_positive_int(n_rows_orig, "n_rows_orig")
    n_features = check_positive_int(n_features, "n_features")
    n_rolling = check_positive_int(n_rolling, "n_rolling")
    seed = check_seed(seed)
    if n_rolling >= n_rows_orig:
        raise ValueError(
            f"n_rolling must be smaller than n_rows_orig; got {n_rolling} >= {n_rows_orig}"
        )
    _check_size(n_rows_orig * n_features, "n_rows_orig and n_features")
    rng = np.random.default_rng(seed)
    raw = np.sqrt(rng.random((n_rows_orig, n_features)))
    smooth = pd.DataFrame(raw).rolling(window=n_rolling).mean().to_numpy()
    # The first n_rolling - 1 rows are NaN (warm-up): keep the first n_rows_orig - n_rolling
    # complete ones.
    return smooth[n_rolling - 1 : n_rows_orig - 1]


def coupled_metrics(
    n_rows: int = 3000,
    n_features: int = 5,
    n_drivers: int = 2,
    period: int = 50,
    lag_step: int = 2,
    noise: float = 0.3,
    seed: int = 0,
) -> np.ndarray:
    """Metrics that move together: shared latent drivers, a season, and lags between features.

    Each of ``n_drivers`` latent drivers is a daily-like sine of period ``period`` rows
    (its own phase) plus a smooth AR(1) wander (coefficient 0.95, unit stationary std).
    Feature ``f`` is a fixed random mix of the drivers **delayed by** ``f * lag_step`` rows,
    plus its own noise (AR(1), coefficient 0.5, stationary std ``noise``), put on
    its own level and scale (metrics come in different units). So feature 0 leads, and
    feature ``f`` repeats what the others did ``lag_step`` rows ago: a model that reads all
    features can forecast the laggards, which persistence (one feature at a time) cannot.

    Parameters
    ----------
    n_rows, n_features, n_drivers : int >= 1
    period : int >= 2
        Rows per seasonal cycle.
    lag_step : int >= 0
        Delay, in rows, between consecutive features.
    noise : float >= 0
        Standard deviation of each feature's own noise, relative to the drivers' mix.
    seed : int >= 0
        Everything (phases, mixing weights, levels, noise) is drawn from this seed.

    Returns
    -------
    numpy.ndarray, shape (n_rows, n_features)
        Row ``t`` is time ``t``.
    """
    n_rows = check_positive_int(n_rows, "n_rows")
    n_features = check_positive_int(n_features, "n_features")
    n_drivers = check_positive_int(n_drivers, "n_drivers")
    period = check_positive_int(period, "period")
    if not 2 <= period <= 2**53:
        raise ValueError(f"period must be >= 2 rows (and at most 2**53); got {period}")
    lag_step = check_int(lag_step, "lag_step", 0)
    noise = check_real(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be a finite float >= 0; got {noise!r}")
    seed = check_seed(seed)
    max_lag = (n_features - 1) * int(lag_step)
    n_total = n_rows + max_lag + 100  # 100 warm-up rows let the AR(1) forget its start
    _check_size(
        n_total * (n_features + n_drivers) + n_features * n_drivers,
        "n_rows, n_features, n_drivers and lag_step",
    )
    rng = np.random.default_rng(seed)
    t = np.arange(n_total)

    def ar1(phi: float, size: tuple[int, int]) -> np.ndarray:
        shocks = rng.normal(0.0, np.sqrt(1 - phi**2), size)
        out = np.empty(size)
        out[0] = rng.normal(0.0, 1.0, size[1])
        for i in range(1, size[0]):  # a recursion: each row needs the previous one
            out[i] = phi * out[i - 1] + shocks[i]
        return out

    phases = rng.uniform(0, 2 * np.pi, n_drivers)
    drivers = np.sin(2 * np.pi * t[:, None] / period + phases) + ar1(0.95, (n_total, n_drivers))
    weights = rng.normal(0.0, 1.0, (n_features, n_drivers))
    weights /= np.linalg.norm(weights, axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):  # checked below
        own = noise * ar1(0.5, (n_total, n_features))
    start = 100 + max_lag
    out = np.empty((n_rows, n_features))
    for f in range(n_features):
        lag = f * int(lag_step)
        out[:, f] = drivers[start - lag : start - lag + n_rows] @ weights[f]
    with np.errstate(over="ignore", invalid="ignore"):
        out += own[start:]
    levels = rng.uniform(10, 100, n_features)
    scales = rng.uniform(1, 10, n_features)
    with np.errstate(over="ignore", invalid="ignore"):
        metrics = levels + scales * out
    check_finite(metrics, "the metrics (is noise too large?)")
    return metrics


def decouple(
    data: ArrayLike,
    start: int,
    length: int,
    features: int | list[int] = 0,
    ramp: int = 10,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A copy of ``data`` in which some features stop moving with the others for a while.

    Inside ``[start, start + length)`` each feature in ``features`` is replaced by **its own
    values from another stretch of the same series** (drawn with ``seed``, not overlapping
    the segment). So it keeps its own range, variance and smoothness, and every single
    feature still looks normal on its own, but its relation to the other features is gone.
    The replacement fades in and out over ``ramp`` rows (a linear crossfade), so there is
    no jump at either end for a persistence check to catch.

    Parameters
    ----------
    data : array-like, shape (n_rows, n_features)
    start, length : int
        The segment ``data[start : start + length]``; it must fit inside, and the series
        must have room for a donor stretch of ``length`` rows that does not overlap it.
    features : int or list of int
        Columns that decouple.
    ramp : int >= 0
        Rows of crossfade at each end; at most ``length // 2``.
    seed : int >= 0
        Seed of the donor stretch's start.

    Returns
    -------
    decoupled : numpy.ndarray, shape (n_rows, n_features)
    mask : numpy.ndarray of bool, shape (n_rows,)
        True inside the segment.
    """
    arr = as_series_2d(data)
    n_rows, n_cols = arr.shape
    length = check_positive_int(length, "length")
    start = check_int(start, "start")
    ramp = check_int(ramp, "ramp", 0)
    seed = check_seed(seed)
    if not 0 <= start <= n_rows - length:
        raise ValueError(
            f"the segment [start, start + length) must fit inside {n_rows} rows; "
            f"got start={start}, length={length}"
        )
    if not (isinstance(features, numbers.Integral) or is_sequence(features)):
        raise TypeError(
            f"features must be a column number or a list of them; got {describe(features)}"
        )
    cols = [features] if isinstance(features, numbers.Integral) else list(features)
    if not cols or any(
        isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not 0 <= c < n_cols
        for c in cols
    ):
        raise ValueError(f"features must be column numbers in [0, {n_cols - 1}]; got {features!r}")
    if ramp > length // 2:
        raise ValueError(f"ramp must be at most length // 2 = {length // 2}; got {ramp}")
    # donor starts d whose stretch [d, d + length) does not overlap [start, start + length)
    candidates = np.r_[0 : max(start - length + 1, 0), start + length : n_rows - length + 1]
    if candidates.size == 0:
        raise ValueError(
            f"no room for a donor stretch of {length} rows outside the segment in {n_rows} rows"
        )
    donor = int(np.random.default_rng(seed).choice(candidates))
    weight = np.ones(length)
    if ramp:
        fade = np.arange(1, ramp + 1) / (ramp + 1)
        weight[:ramp], weight[length - ramp :] = fade, fade[::-1]
    out = arr.copy()
    seg = slice(start, start + length)
    with np.errstate(over="ignore"):
        for c in cols:
            out[seg, c] = (1 - weight) * arr[seg, c] + weight * arr[donor : donor + length, c]
    check_finite(out, "the crossfade of data (values near float64's limit?)")
    mask = np.zeros(n_rows, dtype=bool)
    mask[seg] = True
    return out, mask
