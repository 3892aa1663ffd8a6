"""A provisional stand-in for notebook 3's detectors (the cells tagged ``detectors``).

The corpus runner (``tools/corpus.py``) and notebook 6 use notebook 3's detectors, read from
the cells of ``notebooks/src/03_real_data_nab.py`` tagged ``detectors`` (the contract in
the project plan: ``SEEDS``, ``make_protocol``, ``SIMPLE``, ``LSTMS``). Until those cells
exist, this module implements the same contract with the same kinds of detectors, so that
the runner, its tests and notebook 6 work end to end:

* simple, deterministic, fitted on ``p.fit`` only: static z-score, rolling z-score,
  seasonal profile residual, seasonal-naive error (``lh.baselines``);
* two LSTMs trained with ``lh.fit_restarts`` (early stopping on held-out normal windows,
  restarts kept on held-out loss): an autoencoder scored by the reconstruction error of the
  last step of the window that ends at each point, and a one-step forecaster (value and
  hour of day) scored by its error at the time it forecasts.

The runner never uses it silently: ``tools/corpus.py --detectors tests/project/corpus_standin.py``
(or ``LSTM_CORPUS_DETECTORS``) asks for it, and ``results/corpus.json`` records which
detectors produced the results. Like notebook 3's cells, it imports only the standard
library, numpy, pandas, keras and ``lstm_helpers``, prints nothing, and imports no backend
(the corpus may run on JAX).

Long gaps that cleaning left NaN (ambient_temperature_system_failure,
rogue_agent_key_hold) give NaN scores: every baseline is computed on the points that exist
and put back on the full index, and an LSTM scores only windows without a NaN.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd

import lstm_helpers as lh
from lstm_helpers import nab

#: Marks results made with this module as the stand-in's, not notebook 3's.
STANDIN = True

SEEDS = (0, 1, 2)
CALIBRATION_FRACTION = 0.3
VALIDATION_FRACTION = 0.2  # of the fit part: held-out normal windows for early stopping
RESTARTS = 2  # fit_restarts' random starts per seed, the kept one chosen on held-out loss
BATCH = lh.training.DEFAULT_BATCH_SIZE  # windows per optimiser step (fit_restarts' default)
PREDICT_BATCH = 1024


# ----------------------------------------------------------------------------- the protocol


def _training_period(series: pd.Series, spans: list) -> pd.Series:
    """The stretch ``lh.Protocol.before_first_span`` trains on (fit + calibration)."""
    if spans:
        return series[series.index < spans[0][0] - pd.Timedelta("1D")]
    return series.iloc[: int(len(series) * 0.5)]


def _longest_run(values: pd.Series) -> pd.Series:
    """The longest stretch of ``values`` without NaN."""
    ok = values.notna().to_numpy()
    best, start, best_slice = 0, None, slice(0, 0)
    for i, good in enumerate(np.r_[ok, False]):
        if good and start is None:
            start = i
        elif not good and start is not None:
            if i - start > best:
                best, best_slice = i - start, slice(start, i)
            start = None
    return values.iloc[best_slice]


def choose_window_length(series: pd.Series, spans: list) -> int:
    """T from the fit part's data alone (``lh.training.window_length``), capped for short fits.

    Label-free: it reads the first ``1 - CALIBRATION_FRACTION`` of the training period (the
    fit part, before the gap is cut), never the calibration or test periods. A short fit
    part caps T at a tenth of its length (at least 8), so that the held-out validation part
    still holds whole windows.
    """
    train = _training_period(series, spans)
    fit = _longest_run(train.iloc[: int(len(train) * (1 - CALIBRATION_FRACTION))])
    max_length = int(min(lh.training.MAX_WINDOW_LENGTH, max(8, len(fit) // 10)))
    min_length = min(lh.training.MIN_WINDOW_LENGTH, max_length)
    if len(fit) < 3 * min_length:
        return max_length
    return lh.training.window_length(fit, min_length=min_length, max_length=max_length)


def make_protocol(name: str, data_home=None):
    """NAB series ``name``: loaded, cleaned, spans on the cleaned grid, T, the protocol."""
    raw, spans = nab.load(name, data_home)
    series, report = lh.clean_series(raw["value"], **nab.CLEANING[name])
    spans = report.spans_on_grid(spans)
    T = choose_window_length(series, spans)
    p = lh.Protocol.before_first_span(
        series, spans, gap=T - 1, calibration_fraction=CALIBRATION_FRACTION
    )
    return p, report, T


# ----------------------------------------------------------------------------- simple baselines


def _on_points(score_of, series: pd.Series, fit: pd.Series) -> pd.Series:
    """A baseline computed on the points that exist, put back on the full index (NaN at gaps)."""
    return score_of(series.dropna(), fit.dropna()).reindex(series.index)


def _weeks(p: lh.Protocol) -> float:
    return (p.fit[-1] - p.fit[0]) / pd.Timedelta("7D")


def static_zscore(p: lh.Protocol) -> pd.Series:
    """|x - fit mean| / fit std (a constant fit part: |x - fit mean|; the max threshold is
    scale-free, so the flags are the same)."""

    def score(data, fit):
        if fit.std() > 0:
            return lh.static_zscore(data, fit)
        return (data - fit.mean()).abs()

    return _on_points(score, p.series, p.series[p.fit])


#: Where a rolling history is flat (std 0), ``lh.rolling_zscore`` gives NaN (0 / 0); here the
#: score is ``|x - mean| / FLAT_STD`` instead: 0 while the series stays flat, very large on
#: any change (art_flatline is flat from end to end).
FLAT_STD = 1e-6


def _rolling(data: pd.Series, history: str) -> pd.Series:
    z = lh.rolling_zscore(data, history)
    roll = data.rolling(history, closed="left", min_periods=2)
    flat = z.isna() & roll.std().eq(0)
    return z.mask(flat, (data - roll.mean()).abs() / FLAT_STD)


def rolling_zscore(p: lh.Protocol) -> dict[str, pd.Series]:
    """Against the preceding day (and week, with two weeks of fit data): variants."""
    histories = ("1D", "7D") if _weeks(p) >= 2 else ("1D",)
    return {
        f"history {history}": _on_points(
            lambda data, fit, h=history: _rolling(data, h), p.series, p.series[p.fit]
        )
        for history in histories
    }


def seasonal_residual(p: lh.Protocol) -> dict[str, pd.Series]:
    """Distance from the fit part's median for that time of day (of the week too, when the
    fit part holds at least two weeks)."""
    periods = ("day", "week") if _weeks(p) >= 2 else ("day",)
    return {
        f"period {period}": _on_points(
            lambda data, fit, per=period: lh.seasonal_residual(data, fit, per),
            p.series,
            p.series[p.fit],
        )
        for period in periods
    }


def seasonal_naive(p: lh.Protocol) -> dict[str, pd.Series]:
    """Error of "the same as a day ago" (and "as a week ago" with two weeks of fit data)."""
    lags = ("1D", "7D") if _weeks(p) >= 2 else ("1D",)
    return {
        f"lag {lag}": _on_points(
            lambda data, fit, g=lag: lh.persistence_error(data, g), p.series, p.series[p.fit]
        )
        for lag in lags
    }


SIMPLE = {
    "static z-score": static_zscore,
    "rolling z-score": rolling_zscore,
    "seasonal profile residual": seasonal_residual,
    "seasonal-naive error": seasonal_naive,
}


# ----------------------------------------------------------------------------- LSTMs


def _standardised(p: lh.Protocol) -> pd.Series:
    fit = p.series[p.fit]
    std = fit.std()
    return (p.series - fit.mean()) / (std if std > 0 else 1.0)  # fit-part statistics only


def _windows(values: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray]:
    """Every window of T rows (NaN set to 0 inside, for shape only) and whether it is NaN-free.

    Returns windows shaped (n - T + 1, T, n_features) and a bool array (n - T + 1,).
    """
    finite = np.isfinite(values).all(axis=1)
    windows = lh.make_windows(np.nan_to_num(values), T)
    n_bad = np.convolve(~finite, np.ones(T, dtype=int), mode="valid")
    return windows, n_bad == 0


def _positions(p: lh.Protocol, part: pd.DatetimeIndex) -> tuple[int, int]:
    """First and last position of a contiguous part of the series' index."""
    return p.series.index.get_loc(part[0]), p.series.index.get_loc(part[-1])


def _train_and_validation(p: lh.Protocol, ok: np.ndarray, T: int, span: int):
    """Window starts inside the train part and inside the validation part of the fit part.

    A window of ``span`` rows starting at ``w`` is used when all its rows lie in the part
    and it holds no NaN (``ok``).
    """
    train, validation = p.validation_split(VALIDATION_FRACTION, gap=span - 1)
    out = []
    for part in (train, validation):
        first, last = _positions(p, part)
        starts = np.arange(first, last - span + 2)
        out.append(starts[ok[starts]])
    return out


def _whole_batches(starts: np.ndarray) -> np.ndarray:
    """The most recent whole batches of training windows (at most BATCH - 1 oldest dropped).

    Why: on JAX every new batch shape is compiled, and compiling an LSTM's training step
    costs more than a small fit. With whole batches, one shape per window length serves
    every seed and every series of the corpus (the runner's compilation cache shares it).
    """
    n = len(starts) // BATCH * BATCH
    return starts[len(starts) - n :] if n else starts


def _predict(model, x: np.ndarray) -> np.ndarray:
    """``model.predict`` on ``x`` padded to whole batches (one compiled shape), padding cut."""
    pad = -len(x) % PREDICT_BATCH
    padded = np.concatenate([x, np.zeros((pad, *x.shape[1:]), dtype=x.dtype)])
    return model.predict(padded, batch_size=PREDICT_BATCH, verbose=0)[: len(x)]


def _build_autoencoder(T: int, units: int):
    def build():
        model = keras.Sequential(
            [
                keras.Input(shape=(T, 1)),
                keras.layers.LSTM(units),
                keras.layers.RepeatVector(T),
                keras.layers.LSTM(units, return_sequences=True),
                keras.layers.TimeDistributed(keras.layers.Dense(1)),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(lh.training.LEARNING_RATE), loss="mse")
        return model

    return build


def lstm_autoencoder(p: lh.Protocol, T: int, seed: int):
    """Reconstruction error of the last step of the window that ends at each point."""
    z = _standardised(p).to_numpy()[:, np.newaxis]
    windows, ok = _windows(z, T)  # window w covers rows w .. w + T - 1
    train, validation = _train_and_validation(p, ok, T, T)
    train = _whole_batches(train)
    size = lh.training.capacity(len(train))
    fit = lh.fit_restarts(
        _build_autoencoder(T, size.units),
        windows[train],
        windows[train],
        (windows[validation], windows[validation]),
        restarts=RESTARTS,
        seed=seed,
        max_epochs=size.max_epochs,
        verbose=0,
    )
    scored = np.flatnonzero(ok)
    recon = _predict(fit.model, windows[scored])
    score = np.full(len(z), np.nan)
    score[scored + T - 1] = np.abs(z[scored + T - 1, 0] - recon[:, -1, 0])
    return pd.Series(score, index=p.series.index), fit


def _build_forecaster(T: int, n_features: int, units: int):
    def build():
        model = keras.Sequential(
            [
                keras.Input(shape=(T, n_features)),
                keras.layers.LSTM(units),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(lh.training.LEARNING_RATE), loss="mse")
        return model

    return build


def lstm_forecaster(p: lh.Protocol, T: int, seed: int):
    """|x_t - forecast of x_t from the T points before t| (value and hour of day as input)."""
    index = p.series.index
    hours = (index.hour + index.minute / 60).to_numpy()
    inputs = np.column_stack(
        [
            _standardised(p).to_numpy(),
            np.sin(2 * np.pi * hours / 24),
            np.cos(2 * np.pi * hours / 24),
        ]
    )
    windows, ok = _windows(inputs, T + 1)  # T inputs and the target row after them
    train, validation = _train_and_validation(p, ok, T, T + 1)
    train = _whole_batches(train)
    size = lh.training.capacity(len(train))

    def xy(starts):
        return windows[starts, :T, :], windows[starts, T, :1]

    fit = lh.fit_restarts(
        _build_forecaster(T, inputs.shape[1], size.units),
        *xy(train),
        xy(validation),
        restarts=RESTARTS,
        seed=seed,
        max_epochs=size.max_epochs,
        verbose=0,
    )
    scored = np.flatnonzero(ok)
    x, y = xy(scored)
    forecast = _predict(fit.model, x)
    score = np.full(len(index), np.nan)
    score[scored + T] = np.abs(y[:, 0] - forecast[:, 0])
    return pd.Series(score, index=index), fit


LSTMS = {
    "LSTM autoencoder": lstm_autoencoder,
    "LSTM forecaster": lstm_forecaster,
}
