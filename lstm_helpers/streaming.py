"""From notebook to monitor: save a detector, load it, and score a live feed point by point.

Import it as a module: ``from lstm_helpers import streaming``.

A **detector** is everything needed to score new data the way the notebook did: a trained
reconstruction model (input and output shape ``(batch, n_timesteps, n_features)``), the
scaler statistics fitted on training data, the window length, the feature names and the
threshold. :func:`save_detector` writes it as two files in one folder:

* ``model.keras`` – the Keras model;
* ``detector.json`` – a small, human-readable file with the rest, and the version of
  ``lstm_helpers`` that wrote it.

The score of point ``t`` is the **causal score** (:func:`lstm_helpers.causal_scores`): the
mean absolute error over features of the last step of the window that *ends* at ``t``. It
needs only points up to ``t``, so it can be computed the moment ``t`` arrives, and it is NaN
for the first ``n_timesteps - 1`` points (no full window yet).

:class:`StreamingScorer` is fed one observation (or a small batch) at a time. It keeps the
last ``n_timesteps`` scaled rows and returns for every point its score and decision, or says
that it is still warming up. The model is called through Keras
(``model.predict_on_batch``, one compiled call, on any backend).

**Stream and batch agree within** ``STREAM_RTOL`` **and** ``STREAM_ATOL``: both paths scale
with the same float64 arithmetic and call the same model, but a float32 model may round
differently when it sees one window or thousands at once (seen: 7.5e-8 on scores near 1, for
some shapes, and none for others). A point whose score lies that close to the threshold may
get a different flag in the two paths; no other may.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._checks import (
    as_float_array,
    as_series_2d,
    check_finite,
    check_positive_int,
    check_real,
    describe,
    is_sequence,
)
from .errors import per_step_errors
from .scores import causal_scores
from .windows import make_windows

__all__ = [
    "STREAM_ATOL",
    "STREAM_RTOL",
    "Detector",
    "StreamResult",
    "StreamingScorer",
    "load_detector",
    "save_detector",
]

MODEL_FILE = "model.keras"
CONFIG_FILE = "detector.json"
FORMAT = "lstm_helpers detector"
FORMAT_VERSION = 1
#: Stream and batch scores agree within ``atol + rtol * |batch score|``.
STREAM_RTOL = 1e-5
STREAM_ATOL = 1e-6


def _vector(values: ArrayLike, name: str, n: int | None = None) -> np.ndarray:
    arr = as_float_array(values, name)
    if arr.ndim != 1 or arr.size == 0 or (n is not None and arr.size != n):
        want = f"{n} values" if n is not None else "a non-empty 1-D array"
        raise ValueError(f"{name} must be {want}, one per feature; got {describe(arr)}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; got {arr.tolist()}")
    return arr


class Detector:
    """A trained reconstruction model plus everything needed to score new data with it.

    Treat it as read-only once made.

    Parameters
    ----------
    model : keras.Model
        Maps windows ``(batch, n_timesteps, n_features)`` to reconstructions of the same shape.
    n_timesteps : int
        Window length the model was trained on.
    center, scale : array-like, shape (n_features,)
        Scaler statistics fitted on training data, one value per feature the model reads:
        ``scaled = (x - center) / scale`` (min-max scaling is ``center = min``,
        ``scale = max - min``; z-scores use mean and std).
    threshold : float
        A point whose score is above it is flagged.
    feature_names : sequence of str, optional
        One name per feature, in column order; default ``f0, f1, ...``.
    version : str, optional
        The ``lstm_helpers`` version that made the detector (filled in by :func:`load_detector`);
        default: the running version.
    """

    def __init__(
        self,
        model: Any,
        n_timesteps: int,
        center: ArrayLike,
        scale: ArrayLike,
        threshold: float,
        feature_names: tuple[str, ...] | list[str] | None = None,
        version: str | None = None,
    ) -> None:
        import keras

        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model; got {describe(model)}")
        n_timesteps = check_positive_int(n_timesteps, "n_timesteps")
        try:
            shape = tuple(model.input_shape)
        except (AttributeError, ValueError, TypeError) as err:
            raise ValueError(
                "model must have a defined input shape (batch, n_timesteps, n_features), e.g. "
                f"built with keras.Input(shape=(n_timesteps, n_features)) ({err})"
            ) from err
        if len(shape) != 3 or shape[1] != n_timesteps or not isinstance(shape[2], int):
            raise ValueError(
                f"the model reads windows of shape {shape[1:]} (n_timesteps, n_features), but the "
                f"detector has n_timesteps={n_timesteps}"
            )
        n_features = shape[2]
        # Checked against the model, so that a short center is reported as center.
        center = _vector(center, "center", n_features)
        scale = _vector(scale, "scale", n_features)
        if (scale <= 0).any():
            raise ValueError(f"scale must be > 0 for every feature; got {scale.tolist()}")
        threshold = check_real(threshold, "threshold")
        if feature_names is None:
            names = tuple(f"f{i}" for i in range(n_features))
        elif not is_sequence(feature_names):
            raise TypeError(
                f"feature_names must be a list of {n_features} strings; got "
                f"{describe(feature_names)}"
            )
        else:
            names = tuple(feature_names)
        if len(names) != n_features or not all(isinstance(n, str) for n in names):
            raise ValueError(
                f"feature_names must be {n_features} strings, one per feature; got {names!r}"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"feature_names must be unique; got {names!r}")
        if version is not None and not isinstance(version, str):
            raise TypeError(f"version must be a string like '0.3.0'; got {version!r}")
        from . import __version__

        self.model = model
        self.n_timesteps = n_timesteps
        self.center = center
        self.scale = scale
        self.threshold = threshold
        self.feature_names = names
        self.version = version or __version__

    def __repr__(self) -> str:
        return (
            f"Detector(n_timesteps={self.n_timesteps}, features={list(self.feature_names)}, "
            f"threshold={self.threshold:g})"
        )

    @property
    def n_features(self) -> int:
        """Number of features (columns) the detector reads."""
        return int(self.center.size)

    def transform(self, data: ArrayLike) -> np.ndarray:
        """Scale raw rows with the training statistics.

        Parameters
        ----------
        data : array-like, shape (n_rows, n_features) (a DataFrame's columns must match
            ``feature_names``)

        Returns
        -------
        numpy.ndarray, shape (n_rows, n_features), float64
        """
        if isinstance(data, pd.DataFrame) and tuple(data.columns) != self.feature_names:
            raise ValueError(
                f"data must have the columns {list(self.feature_names)}; got {list(data.columns)}"
            )
        arr = as_series_2d(data, "data")
        if arr.shape[1] != self.n_features:
            raise ValueError(
                f"data must have {self.n_features} features (columns); got shape {arr.shape}"
            )
        return self._scale(arr, "data")

    def _scale(self, rows: np.ndarray, name: str) -> np.ndarray:
        """``(rows - center) / scale``, refusing a finite value the model cannot take.

        The model reads float32: a scaled value beyond float32's range (about 3.4e38) would
        become infinity there, so it is refused here, before anything is scored.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = (rows - self.center) / self.scale
            overflow = np.isfinite(rows) & ~(np.abs(scaled) <= np.finfo(np.float32).max)
        if overflow.any():
            row, col = (int(i) for i in np.argwhere(overflow)[0])
            raise ValueError(
                f"{name} row {row}, feature {self.feature_names[col]!r}: {rows[row, col]!r} is "
                "too large to scale into the model's float32 input; is the unit right?"
            )
        return scaled

    def reconstruct(self, windows: ArrayLike) -> np.ndarray:
        """The model's reconstruction of scaled windows, through one compiled Keras call.

        Parameters
        ----------
        windows : array-like, shape (n_windows, n_timesteps, n_features)

        Returns
        -------
        numpy.ndarray, shape (n_windows, n_timesteps, n_features), float32
        """
        arr = as_float_array(windows, "windows")
        want = (self.n_timesteps, self.n_features)
        if arr.ndim != 3 or arr.shape[1:] != want:
            raise ValueError(
                f"windows must have shape (n_windows, {want[0]}, {want[1]}); got {arr.shape}"
            )
        check_finite(arr, "windows")
        if (np.abs(arr) > np.finfo(np.float32).max).any():
            raise ValueError("windows hold values beyond float32's range (about 3.4e38)")
        if arr.shape[0] == 0:
            return np.zeros(arr.shape, dtype=np.float32)
        out = np.asarray(self.model.predict_on_batch(arr.astype(np.float32)))
        if out.shape != arr.shape:
            raise ValueError(
                f"the model returned shape {out.shape} for windows of shape {arr.shape}; a "
                "reconstruction model must return its input's shape"
            )
        if not np.isfinite(out).all():
            w = int(np.argwhere(~np.isfinite(out))[0][0])
            raise ValueError(
                f"the model returned NaN/inf for window {w}: a score of it would be meaningless "
                "(flags compare scores with the threshold). Check the model's weights"
            )
        return out

    def batch_scores(self, data: ArrayLike) -> np.ndarray:
        """Causal scores of a whole series at once (the reference the stream must equal).

        Parameters
        ----------
        data : array-like, shape (n_rows, n_features), raw (unscaled) values

        Returns
        -------
        numpy.ndarray, shape (n_rows,)
            NaN for the first ``n_timesteps - 1`` rows, then the last-step error of the
            window ending at each row.
        """
        windows = make_windows(self.transform(data), self.n_timesteps)
        return np.asarray(causal_scores(per_step_errors(windows, self.reconstruct(windows))))

    def stream(self, on_nan: Literal["raise", "restart"] = "raise") -> StreamingScorer:
        """A fresh :class:`StreamingScorer` for this detector."""
        return StreamingScorer(self, on_nan=on_nan)


# --------------------------------------------------------------------------- save and load


def save_detector(detector: Detector, folder: str | Path) -> Path:
    """Write ``detector`` to ``folder/model.keras`` and ``folder/detector.json``.

    Parameters
    ----------
    detector : Detector
    folder : str or Path
        Created if missing. Existing files of the same names are overwritten.

    Returns
    -------
    Path
        The path of ``detector.json``.
    """
    if not isinstance(detector, Detector):
        raise TypeError(f"detector must be a streaming.Detector; got {describe(detector)}")
    folder = _folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    detector.model.save(folder / MODEL_FILE)
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "lstm_helpers_version": detector.version,
        "model_file": MODEL_FILE,
        "n_timesteps": detector.n_timesteps,
        "n_features": detector.n_features,
        "feature_names": list(detector.feature_names),
        "scaler": {
            "formula": "scaled = (x - center) / scale",
            "center": detector.center.tolist(),
            "scale": detector.scale.tolist(),
        },
        "threshold": detector.threshold,
        "score": "mean absolute error over features of the last step of the window ending at t",
    }
    path = folder / CONFIG_FILE
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return path


def _folder(folder: object) -> Path:
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a folder path; got {describe(folder)}")
    return Path(folder)


def _read_config(path: Path) -> dict[str, Any]:
    """``detector.json`` as a dict, every error naming the file and what is wrong."""
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path} is not a readable JSON file ({err})") from err
    if not isinstance(config, dict):
        raise ValueError(f"{path} must hold a JSON object; got {type(config).__name__}")
    if config.get("format") != FORMAT or config.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{path} is not a {FORMAT!r} file of format_version {FORMAT_VERSION}; got "
            f"format={config.get('format')!r}, format_version={config.get('format_version')!r}"
        )
    kinds = {
        "lstm_helpers_version": str,
        "model_file": str,
        "n_timesteps": int,
        "feature_names": list,
        "scaler": dict,
        "threshold": (int, float),
    }
    for key, kind in kinds.items():
        if key not in config:
            raise ValueError(f"{path} has no {key!r}; save the detector again with save_detector")
        if isinstance(config[key], bool) or not isinstance(config[key], kind):
            raise ValueError(f"{path}: {key!r} has the wrong type ({config[key]!r})")
    for key in ("center", "scale"):
        if not isinstance(config["scaler"].get(key), list):
            raise ValueError(f"{path}: scaler.{key} must be a list of numbers")
    if not all(isinstance(n, str) for n in config["feature_names"]):
        raise ValueError(f"{path}: 'feature_names' must be a list of strings")
    if config.get("n_features", len(config["feature_names"])) != len(config["feature_names"]):
        raise ValueError(
            f"{path}: 'n_features' ({config['n_features']!r}) is not the number of "
            f"'feature_names' ({len(config['feature_names'])})"
        )
    return config


def load_detector(
    folder: str | Path,
    *,
    n_timesteps: int | None = None,
    feature_names: list[str] | tuple[str, ...] | None = None,
    n_features: int | None = None,
) -> Detector:
    """Load a detector written by :func:`save_detector`.

    Parameters
    ----------
    folder : str or Path
        The folder holding ``model.keras`` and ``detector.json``.
    n_timesteps, feature_names, n_features : optional
        What the calling pipeline expects. A detector saved for another window length, other
        features or another number of features is refused with a ``ValueError`` instead of
        scoring data it was not made for.

    Returns
    -------
    Detector
        Floats round-trip exactly through JSON, so the loaded detector scores like the saved
        one.
    """
    import keras

    folder = _folder(folder)
    if n_timesteps is not None:
        n_timesteps = check_positive_int(n_timesteps, "n_timesteps")
    if n_features is not None:
        n_features = check_positive_int(n_features, "n_features")
    if feature_names is not None and (
        not is_sequence(feature_names) or not all(isinstance(n, str) for n in feature_names)
    ):
        raise TypeError(f"feature_names must be a list of strings; got {describe(feature_names)}")
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"folder {folder} holds no {CONFIG_FILE}; save a detector there with save_detector"
        )
    config = _read_config(path)
    saved_t, saved_names = config["n_timesteps"], tuple(config["feature_names"])
    if n_timesteps is not None and n_timesteps != saved_t:
        raise ValueError(
            f"{path} was saved for windows of n_timesteps={saved_t}; this pipeline expects "
            f"n_timesteps={n_timesteps}. Retrain, or use the detector's own window length."
        )
    if n_features is not None and n_features != len(saved_names):
        raise ValueError(
            f"{path} was saved for {len(saved_names)} features {list(saved_names)}; this "
            f"pipeline expects n_features={n_features}"
        )
    if feature_names is not None and tuple(feature_names) != saved_names:
        raise ValueError(
            f"{path} was saved for the features {list(saved_names)} (in this order); this "
            f"pipeline expects feature_names={list(feature_names)}"
        )
    from . import __version__

    if config["lstm_helpers_version"].split(".")[:2] != __version__.split(".")[:2]:
        warnings.warn(
            f"{path} was written by lstm_helpers {config['lstm_helpers_version']}; this is "
            f"{__version__}. Check that the scores still match before relying on them.",
            stacklevel=2,
        )
    model_path = folder / config["model_file"]
    if not model_path.is_file():
        raise FileNotFoundError(f"{path} names the model file {model_path}, which is missing")
    if not zipfile.is_zipfile(model_path):  # Keras would say "File not found"
        raise ValueError(
            f"{model_path} is not a Keras model file (a .keras file is a zip archive; this one "
            "is damaged or something else). Save the detector again with save_detector"
        )
    try:
        model = keras.saving.load_model(model_path)
    except Exception as err:  # Keras raises many kinds for a damaged file
        raise ValueError(f"{model_path} could not be read as a Keras model ({err})") from err
    try:
        return Detector(
            model=model,
            n_timesteps=saved_t,
            center=config["scaler"]["center"],
            scale=config["scaler"]["scale"],
            threshold=config["threshold"],
            feature_names=saved_names,
            version=config["lstm_helpers_version"],
        )
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path} does not describe a usable detector: {err}") from err


# --------------------------------------------------------------------------- streaming


class StreamResult(NamedTuple):
    """What :meth:`StreamingScorer.update` returns for one observation."""

    timestamp: Any  #: the observation's timestamp (None if none was given)
    ready: bool  #: False while warming up (fewer than n_timesteps points in the buffer)
    score: float  #: the causal score; NaN when not ready
    flag: bool | None  #: score > threshold; None when not ready (no decision yet)


def _timestamp(value: Any, name: str) -> Any:
    """A comparable timestamp: a real number, or a pandas Timestamp (text is parsed, never
    compared as text)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number or a date-time; got {value!r}")
    if isinstance(value, numbers.Real):
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int beyond float64's range
            finite = False
        if not finite:
            raise ValueError(f"{name} must be a finite number; got {describe(value)}")
        return value
    if isinstance(value, (str, dt.datetime, dt.date, np.datetime64, pd.Timestamp)):
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{name} must be a date-time; got {value!r}") from err
        if pd.isna(stamp):
            raise ValueError(f"{name} must be a date-time, not NaT; got {value!r}")
        return stamp
    raise TypeError(f"{name} must be a number or a date-time; got {describe(value)}")


class StreamingScorer:
    """Scores a live feed one observation (or a small batch) at a time.

    It keeps the last ``n_timesteps`` scaled observations. For each new observation it
    returns a :class:`StreamResult`: ``ready=False``, ``score=NaN``, ``flag=None`` during the
    warm-up (the first ``n_timesteps - 1`` points, and again after a restart), then the
    score of the window that ends at that point and ``flag = score > threshold``.

    Bad input at run time, and what happens. A refused call changes nothing: the whole
    input is checked before the scorer's state moves, so you can fix it and carry on.

    * **wrong length, missing or unknown feature** (an observation given as a dict or
      Series is matched to ``feature_names`` by name): ``ValueError`` naming the features;
    * **timestamp not after the previous one** (going backwards, or repeated), or of another
      kind (a number after a date-time): ``ValueError``/``TypeError`` naming both;
      timestamps are optional, but once given they are required and checked; text is parsed
      as a date-time, never compared as text;
    * **a value too large to scale** (it overflows float64): ``ValueError``;
    * **NaN or infinity**: with ``on_nan="raise"`` (default) a ``ValueError``; with
      ``on_nan="restart"`` the point is accepted as a *gap*: the buffer is emptied, the result
      is not ready, and the warm-up starts again with the next point (no window that
      contains a gap is ever scored, so no score is silently wrong).

    Parameters
    ----------
    detector : Detector
    on_nan : {"raise", "restart"}
    """

    def __init__(self, detector: Detector, on_nan: Literal["raise", "restart"] = "raise"):
        if not isinstance(detector, Detector):
            raise TypeError(f"detector must be a streaming.Detector; got {describe(detector)}")
        if not isinstance(on_nan, str) or on_nan not in ("raise", "restart"):
            raise ValueError(f"on_nan must be 'raise' or 'restart'; got {describe(on_nan)}")
        self.detector = detector
        self.on_nan = on_nan
        self.reset()

    def reset(self) -> None:
        """Forget the buffer and the last timestamp: the next point starts a new warm-up."""
        det = self.detector
        self._buffer = np.full((det.n_timesteps, det.n_features), np.nan)  # last rows, scaled
        self._n_buffered = 0  # trailing rows of the buffer that are finite (at most T)
        self._last_timestamp: Any = None
        self.n_seen = 0  #: observations accepted since creation or the last reset

    @property
    def n_until_ready(self) -> int:
        """How many more observations are needed before the next one gets a score."""
        return max(self.detector.n_timesteps - 1 - self._n_buffered, 0)

    # ----------------------------------------------------------------- checks

    def _rows(self, observations: Any) -> np.ndarray:
        """Observations as a (n, n_features) float array, matched by name where named."""
        names = self.detector.feature_names
        if isinstance(observations, pd.DataFrame):
            if set(observations.columns) != set(names) or len(observations.columns) != len(names):
                raise ValueError(
                    f"observations must have the columns {list(names)}; "
                    f"got {list(observations.columns)}"
                )
            observations = observations[list(names)]
        rows = as_float_array(observations, "observations")
        if rows.ndim == 1 and rows.size == 0:  # an empty list: no observation
            rows = rows.reshape(0, len(names))
        if rows.ndim != 2 or rows.shape[1] != len(names):
            raise ValueError(
                f"observations must have shape (n, {len(names)}), one column per feature "
                f"{list(names)}; got {describe(rows)}"
            )
        return rows

    def _row(self, observation: Any) -> np.ndarray:
        """One observation as a (1, n_features) array, matched by name where named."""
        names = self.detector.feature_names
        if isinstance(observation, (dict, pd.Series)):
            keys = list(observation.keys())
            missing = [n for n in names if n not in keys]
            extra = [k for k in keys if k not in names]
            if missing or extra:
                raise ValueError(
                    f"observation must have the features {list(names)}; missing {missing}, "
                    f"unknown {extra}"
                )
            observation = [observation[n] for n in names]
        row = as_float_array(observation, "observation")
        if row.shape != (len(names),):
            raise ValueError(
                f"observation must hold {len(names)} values, one per feature {list(names)}; "
                f"got {describe(row)}"
            )
        return row[np.newaxis]

    def _stamps(self, timestamps: Any, n: int, name: str = "timestamps") -> list[Any] | None:
        """Checked timestamps: increasing, of one kind, after the last one seen.

        ``name`` is how the caller calls them: ``timestamps`` (entries ``timestamps[i]``), or
        ``timestamp`` for the one of :meth:`update`.
        """
        last = self._last_timestamp
        if timestamps is None:
            if last is not None and n:
                raise ValueError(
                    f"timestamps are missing; the previous observation had timestamp {last}"
                )
            return None
        if not (is_sequence(timestamps) or isinstance(timestamps, pd.Series)):
            raise TypeError(
                f"{name} must be a list of timestamps, one per observation; got "
                f"{describe(timestamps)}"
            )
        single = name == "timestamp"
        stamps = [
            _timestamp(s, name if single else f"{name}[{i}]") for i, s in enumerate(timestamps)
        ]
        if len(stamps) != n:
            raise ValueError(
                f"timestamps must have one entry per observation ({n}); got {len(stamps)}"
            )
        if n and last is None and self.n_seen:
            raise ValueError("timestamps were not given before; reset() to start using them")
        for i, stamp in enumerate(stamps):
            if last is not None:
                try:
                    later = stamp > last
                except TypeError as err:
                    which = name if single else f"{name}[{i}]"
                    raise TypeError(
                        f"{which} {stamp!r} cannot be compared with the previous {last!r} "
                        "(a number after a date-time, or a timezone-aware after a naive one)"
                    ) from err
                if not later:
                    raise ValueError(
                        f"timestamps must increase; got {stamp} after {last} "
                        "(a late or repeated observation: drop it, or reset() the scorer)"
                    )
            last = stamp
        return stamps

    # ----------------------------------------------------------------- scoring

    def _consume(self, rows: np.ndarray, stamps: list[Any] | None) -> tuple[np.ndarray, np.ndarray]:
        """Check ``rows`` (n, n_features), then take them in: ``(ready, scores)``, shape (n,).

        The one scoring path of :meth:`update` and :meth:`update_many`. Every check runs
        before the state changes; the model is called once, on every ready window.
        """
        det = self.detector
        n, t = rows.shape[0], det.n_timesteps
        finite = np.isfinite(rows).all(axis=1)
        if not finite.all() and self.on_nan == "raise":
            first = int(np.flatnonzero(~finite)[0])
            bad = [
                f for f, v in zip(det.feature_names, rows[first], strict=True) if not np.isfinite(v)
            ]
            when = f" (timestamp {stamps[first]})" if stamps else ""
            raise ValueError(
                f"observation {first}{when} has NaN/inf in {bad}; fill it, or use "
                "on_nan='restart' to treat it as a gap and warm up again"
            )
        scaled = det._scale(rows, "observations")  # raises before any state moves
        if n == 0:
            return np.zeros(0, dtype=bool), np.zeros(0)
        scaled[~finite] = np.nan  # a gap is a NaN row
        # The rows a window ending at a new row can reach: the buffer's last T - 1, then these.
        history = np.concatenate([self._buffer[1:], scaled])
        valid = np.isfinite(history).all(axis=1)
        # Rows since the last gap (or the start of the history), up to and including each row:
        # the window ending at a row is ready when it holds t of them.
        position = np.arange(len(history))
        last_gap = np.maximum.accumulate(np.where(valid, -1, position))
        run = position - last_gap
        ready = run[t - 1 :] >= t  # one per new row
        scores = np.full(n, np.nan)
        if ready.any():
            windows = sliding_window_view(history, t, axis=0).transpose(0, 2, 1)[ready]
            step_errors = per_step_errors(windows, det.reconstruct(windows))
            scores[ready] = step_errors[:, -1]
        self._buffer = history[-t:].copy()
        self._n_buffered = min(int(run[-1]), t)
        if stamps:
            self._last_timestamp = stamps[-1]
        self.n_seen += n
        return ready, scores

    def update(self, observation: ArrayLike | dict, timestamp: Any = None) -> StreamResult:
        """Take one observation and return its score and decision (or that it is warming up).

        Parameters
        ----------
        observation : array-like of shape (n_features,), dict or pandas.Series
            Raw (unscaled) values; a dict or Series is matched to ``feature_names`` by name.
        timestamp : number or date-time, optional
            Must increase from one call to the next.

        Returns
        -------
        StreamResult
        """
        row = self._row(observation)
        stamps = self._stamps(None if timestamp is None else [timestamp], 1, "timestamp")
        ready, scores = self._consume(row, stamps)
        score = float(scores[0])
        flag = bool(score > self.detector.threshold) if ready[0] else None
        return StreamResult(stamps[0] if stamps else None, bool(ready[0]), score, flag)

    def update_many(
        self, observations: ArrayLike, timestamps: ArrayLike | None = None
    ) -> pd.DataFrame:
        """Take a small batch of observations, in order; one model call for the whole batch.

        The batch is checked as a whole before anything is consumed: if any observation is
        refused, the scorer's state is unchanged. The scores are those :meth:`update` gives
        point by point (the same code path).

        Parameters
        ----------
        observations : array-like, shape (n, n_features), or a DataFrame with the feature
            columns
        timestamps : array-like of shape (n,), optional
            A DataFrame's DatetimeIndex is used when this is omitted.

        Returns
        -------
        pandas.DataFrame
            One row per observation, columns ``ready`` (bool), ``score`` (float, NaN when not
            ready) and ``flag`` (nullable boolean, ``<NA>`` when not ready), indexed by the
            timestamps (or by the count of observations seen, from 0).
        """
        if (
            timestamps is None
            and isinstance(observations, pd.DataFrame)
            and isinstance(observations.index, pd.DatetimeIndex)
        ):
            timestamps = observations.index
        rows = self._rows(observations)
        stamps = self._stamps(timestamps, rows.shape[0])
        first = self.n_seen
        ready, scores = self._consume(rows, stamps)
        flags = pd.array(
            [
                bool(s > self.detector.threshold) if r else None
                for r, s in zip(ready, scores, strict=True)
            ],
            dtype="boolean",
        )
        index = stamps if stamps is not None else range(first, first + rows.shape[0])
        return pd.DataFrame(
            {"ready": ready, "score": scores, "flag": flags},
            index=pd.Index(list(index), name="timestamp"),
        )
