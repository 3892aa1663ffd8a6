"""From notebook to monitor: save a detector, load it, and score a live feed point by point.

A **detector** is everything needed to score new data the way the notebook did: a trained
reconstruction model (input and output shape ``(batch, n_timesteps, n_features)``), the
scaler statistics fitted on training data, the window length, the feature names and the
threshold. :func:`save_detector` writes it as two files in one folder:

* ``model.keras`` – the Keras model;
* ``detector.json`` – a small, human-readable file with the rest, and the version of
  ``lstm_helpers`` that wrote it.

The score of point ``t`` is the **causal score** of helpers 0.2: the mean absolute error over
features of the last step of the window that *ends* at ``t``,
``lh.causal_scores(lh.per_step_errors(windows, reconstructions))``. It needs only points up
to ``t``, so it can be computed the moment ``t`` arrives, and it is NaN for the first
``n_timesteps - 1`` points (no full window yet).

:class:`StreamingScorer` is fed one observation (or a small batch) at a time. It keeps the
last ``n_timesteps`` scaled rows, and returns for every point its score and decision, or
says that it is still warming up. Its scores equal the batch scores bit for bit: both paths
scale with the same float64 arithmetic, call the model through the same compiled function,
and compute the error with :func:`per_step_errors`. On CPU with TensorFlow's op
determinism on, a window's reconstruction does not depend on which other windows share its
batch (``tests/test_streaming.py`` replays series both ways and checks equality with
``==``, no tolerance), so no tolerance is needed.
"""

from __future__ import annotations

import json
import math
import numbers
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import as_float_array, as_series_2d, check_positive_int, describe

__all__ = [
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


def _step_errors(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """``lh.per_step_errors``, looked up at call time (the package defines it in another module)."""
    from . import per_step_errors as errors

    return errors(y, yhat)


def _causal_from_step_errors(step_errors: np.ndarray, n_rows: int) -> np.ndarray:
    """``lh.causal_scores`` when available (helpers 0.2); the same definition otherwise."""
    try:
        from . import causal_scores  # helpers 0.2
    except ImportError:  # pragma: no cover - only before helpers 0.2 lands
        n_timesteps = step_errors.shape[1]
        out = np.full(n_rows, np.nan)
        out[n_timesteps - 1 :] = step_errors[:, -1]
        return out
    return np.asarray(causal_scores(step_errors), dtype=float)


def _vector(values: ArrayLike, name: str, n: int | None = None) -> np.ndarray:
    arr = as_float_array(values, name)
    if arr.ndim != 1 or arr.size == 0 or (n is not None and arr.size != n):
        want = f"{n} values" if n is not None else "a non-empty 1-D array"
        raise ValueError(f"{name} must be {want}, one per feature; got {describe(arr)}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; got {arr.tolist()}")
    return arr


@dataclass(frozen=True, eq=False)
class Detector:
    """A trained reconstruction model plus everything needed to score new data with it.

    Parameters
    ----------
    model : keras.Model
        Maps windows ``(batch, n_timesteps, n_features)`` to reconstructions of the same shape.
    n_timesteps : int
        Window length the model was trained on.
    center, scale : array-like, shape (n_features,)
        Scaler statistics fitted on training data: ``scaled = (x - center) / scale``
        (min-max scaling is ``center = min``, ``scale = max - min``; z-scores use mean and std).
    threshold : float
        A point whose score is above it is flagged.
    feature_names : sequence of str, optional
        One name per feature, in column order; default ``f0, f1, ...``.
    version : str, optional
        The ``lstm_helpers`` version that made the detector (filled in by :func:`load_detector`);
        default: the running version.
    """

    model: Any
    n_timesteps: int
    center: np.ndarray
    scale: np.ndarray
    threshold: float
    feature_names: tuple[str, ...] = ()
    version: str = ""
    _compiled: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "n_timesteps", check_positive_int(self.n_timesteps, "n_timesteps"))
        center = _vector(self.center, "center")
        scale = _vector(self.scale, "scale", center.size)
        if (scale <= 0).any():
            raise ValueError(f"scale must be > 0 for every feature; got {scale.tolist()}")
        set_(self, "center", center)
        set_(self, "scale", scale)
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, numbers.Real):
            raise TypeError(f"threshold must be a real number; got {self.threshold!r}")
        if not math.isfinite(self.threshold):
            raise ValueError(f"threshold must be finite; got {self.threshold}")
        set_(self, "threshold", float(self.threshold))
        names = tuple(self.feature_names) or tuple(f"f{i}" for i in range(center.size))
        if len(names) != center.size or not all(isinstance(n, str) for n in names):
            raise ValueError(
                f"feature_names must be {center.size} strings, one per feature; got {names!r}"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"feature_names must be unique; got {names!r}")
        set_(self, "feature_names", names)
        if not self.version:
            from . import __version__

            set_(self, "version", __version__)
        shape = tuple(self.model.input_shape)
        if shape[1:] != (self.n_timesteps, center.size):
            raise ValueError(
                f"the model reads windows of shape {shape[1:]} (n_timesteps, n_features), but the "
                f"detector has n_timesteps={self.n_timesteps} and {center.size} features"
            )
        set_(self, "_compiled", _compile(self.model, self.n_timesteps, center.size))

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
        return (arr - self.center) / self.scale

    def reconstruct(self, windows: ArrayLike) -> np.ndarray:
        """The model's reconstruction of scaled windows, through one compiled call.

        Parameters
        ----------
        windows : array-like, shape (n_windows, n_timesteps, n_features)

        Returns
        -------
        numpy.ndarray, shape (n_windows, n_timesteps, n_features), float32
        """
        x = np.asarray(windows, dtype=np.float32)
        want = (self.n_timesteps, self.n_features)
        if x.ndim != 3 or x.shape[1:] != want:
            raise ValueError(
                f"windows must have shape (n_windows, {want[0]}, {want[1]}); got {x.shape}"
            )
        return np.asarray(self._compiled(x))

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
        from .windows import make_windows

        scaled = self.transform(data)
        windows = make_windows(scaled, self.n_timesteps)
        step_errors = _step_errors(windows, self.reconstruct(windows))
        return _causal_from_step_errors(step_errors, scaled.shape[0])

    def stream(self, on_nan: Literal["raise", "restart"] = "raise") -> StreamingScorer:
        """A fresh :class:`StreamingScorer` for this detector."""
        return StreamingScorer(self, on_nan=on_nan)


def _compile(model: Any, n_timesteps: int, n_features: int):
    """``model(x, training=False)`` as one traced graph, whatever the batch size."""
    import keras

    if keras.backend.backend() != "tensorflow":  # pragma: no cover - the project pins TF
        return lambda x: keras.ops.convert_to_numpy(model(x, training=False))
    import tensorflow as tf

    spec = tf.TensorSpec(shape=(None, n_timesteps, n_features), dtype=tf.float32)

    @tf.function(input_signature=[spec])
    def call(x):
        return model(x, training=False)

    # The concrete function skips tf.function's per-call argument matching (about 0.15 ms of
    # a 0.7 ms call on a 2-core CPU); it is the same graph, so the results are identical.
    graph = call.get_concrete_function()
    return lambda x: graph(tf.constant(x)).numpy()


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
        raise TypeError(f"detector must be an lh.Detector; got {type(detector).__name__}")
    folder = Path(folder)
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
        Floats round-trip exactly through JSON, so the loaded detector scores bit for bit like
        the saved one.
    """
    import keras

    folder = Path(folder)
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no {CONFIG_FILE} in {folder}; save one with lh.save_detector")
    config = json.loads(path.read_text(encoding="utf-8"))
    if config.get("format") != FORMAT or config.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{path} is not a {FORMAT!r} file of format_version {FORMAT_VERSION}; got "
            f"format={config.get('format')!r}, format_version={config.get('format_version')!r}"
        )
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
            f"pipeline expects {list(feature_names)}"
        )
    from . import __version__

    if config["lstm_helpers_version"].split(".")[:2] != __version__.split(".")[:2]:
        warnings.warn(
            f"{path} was written by lstm_helpers {config['lstm_helpers_version']}; this is "
            f"{__version__}. Check that the scores still match before relying on them.",
            stacklevel=2,
        )
    model = keras.saving.load_model(folder / config["model_file"])
    return Detector(
        model=model,
        n_timesteps=saved_t,
        center=np.array(config["scaler"]["center"], dtype=float),
        scale=np.array(config["scaler"]["scale"], dtype=float),
        threshold=config["threshold"],
        feature_names=saved_names,
        version=config["lstm_helpers_version"],
    )


# --------------------------------------------------------------------------- streaming


class StreamResult(NamedTuple):
    """What :meth:`StreamingScorer.update` returns for one observation."""

    timestamp: Any  #: the observation's timestamp (None if none was given)
    ready: bool  #: False while warming up (fewer than n_timesteps points in the buffer)
    score: float  #: the causal score; NaN when not ready
    flag: bool | None  #: score > threshold; None when not ready (no decision yet)


class StreamingScorer:
    """Scores a live feed one observation (or a small batch) at a time.

    It keeps the last ``n_timesteps`` scaled observations. For each new observation it
    returns a :class:`StreamResult`: ``ready=False``, ``score=NaN``, ``flag=None`` during the
    warm-up (the first ``n_timesteps - 1`` points, and again after a restart), then the
    score of the window that ends at that point and ``flag = score > threshold``.

    Bad input at run time, and what happens (the scorer's state is never changed by a
    refused observation, so you can fix it and carry on):

    * **wrong length, missing or unknown feature** (an observation given as a dict or
      Series is matched to ``feature_names`` by name): ``ValueError`` naming the features;
    * **timestamp not after the previous one** (going backwards, or repeated): ``ValueError``
      naming both timestamps; timestamps are optional, but once given they are checked;
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
            raise TypeError(f"detector must be an lh.Detector; got {type(detector).__name__}")
        if on_nan not in ("raise", "restart"):
            raise ValueError(f"on_nan must be 'raise' or 'restart'; got {on_nan!r}")
        self.detector = detector
        self.on_nan = on_nan
        self._buffer = np.empty((detector.n_timesteps, detector.n_features))
        self._window = np.empty((1, detector.n_timesteps, detector.n_features), dtype=np.float32)
        self.reset()

    def reset(self) -> None:
        """Forget the buffer and the last timestamp: the next point starts a new warm-up."""
        self._n_buffered = 0
        self._last_timestamp: Any = None
        self.n_seen = 0  #: observations accepted since creation or the last reset

    @property
    def n_until_ready(self) -> int:
        """How many more observations are needed before the next one gets a score."""
        return max(self.detector.n_timesteps - 1 - self._n_buffered, 0)

    # ----------------------------------------------------------------- validation

    def _row(self, observation: Any) -> np.ndarray:
        names = self.detector.feature_names
        if isinstance(observation, (dict, pd.Series)):
            keys = list(observation.keys())
            missing = [n for n in names if n not in observation]
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
        return row

    def _check_time(self, timestamp: Any, last: Any) -> None:
        if timestamp is None:
            if last is not None:
                raise ValueError(
                    f"timestamp is missing; the previous observation had timestamp {last}"
                )
            return
        if last is not None and not timestamp > last:
            raise ValueError(
                f"timestamps must increase; got {timestamp} after {last} "
                "(a late or repeated observation: drop it, or reset() the scorer)"
            )

    # ----------------------------------------------------------------- scoring

    def update(self, observation: ArrayLike | dict, timestamp: Any = None) -> StreamResult:
        """Take one observation and return its score and decision (or that it is warming up).

        Parameters
        ----------
        observation : array-like of shape (n_features,), dict or pandas.Series
            Raw (unscaled) values; a dict or Series is matched to ``feature_names`` by name.
        timestamp : optional
            Anything ordered (a pandas Timestamp, a number); must increase.

        Returns
        -------
        StreamResult
        """
        row = self._row(observation)
        self._check_time(timestamp, self._last_timestamp)
        if not np.isfinite(row).all():
            if self.on_nan == "raise":
                names = self.detector.feature_names
                bad = [n for n, v in zip(names, row, strict=True) if not np.isfinite(v)]
                raise ValueError(
                    f"observation at timestamp {timestamp} has NaN/inf in {bad}; fill it, or use "
                    "on_nan='restart' to treat it as a gap and warm up again"
                )
            self._n_buffered = 0
            self._last_timestamp = timestamp
            self.n_seen += 1
            return StreamResult(timestamp, False, math.nan, None)
        det = self.detector
        scaled = (row - det.center) / det.scale  # the same float64 arithmetic as transform
        buf = self._buffer
        buf[:-1] = buf[1:]
        buf[-1] = scaled
        self._n_buffered = min(self._n_buffered + 1, det.n_timesteps)
        self._last_timestamp = timestamp
        self.n_seen += 1
        if self._n_buffered < det.n_timesteps:
            return StreamResult(timestamp, False, math.nan, None)
        self._window[0] = buf  # float64 -> float32, rounded exactly as in the batch path
        recon = det._compiled(self._window)
        score = float(_step_errors(buf[np.newaxis], recon)[0, -1])
        return StreamResult(timestamp, True, score, score > det.threshold)

    def update_many(
        self, observations: ArrayLike, timestamps: ArrayLike | None = None
    ) -> pd.DataFrame:
        """Take a small batch of observations, in order; one model call for the whole batch.

        The batch is validated as a whole before anything is consumed: if any observation is
        refused, the scorer's state is unchanged.

        Parameters
        ----------
        observations : array-like, shape (n, n_features), or a DataFrame with the feature
            columns
        timestamps : array-like of shape (n,), optional (a DataFrame's index is used if omitted
            and it is a DatetimeIndex)

        Returns
        -------
        pandas.DataFrame
            One row per observation, columns ``ready`` (bool), ``score`` (float, NaN when not
            ready) and ``flag`` (nullable boolean, ``<NA>`` when not ready), indexed by the
            timestamps (or 0..n-1 counted from the first observation ever seen).
        """
        det = self.detector
        if isinstance(observations, pd.DataFrame):
            if timestamps is None and isinstance(observations.index, pd.DatetimeIndex):
                timestamps = observations.index
            if set(observations.columns) != set(det.feature_names):
                raise ValueError(
                    f"observations must have the columns {list(det.feature_names)}; "
                    f"got {list(observations.columns)}"
                )
            observations = observations[list(det.feature_names)]
        rows = as_float_array(observations, "observations")
        if rows.ndim != 2 or rows.shape[1] != det.n_features:
            raise ValueError(
                f"observations must have shape (n, {det.n_features}); got {describe(rows)}"
            )
        n = rows.shape[0]
        if timestamps is not None:
            stamps = list(timestamps)
            if len(stamps) != n:
                raise ValueError(
                    f"timestamps must have one entry per observation ({n}); got {len(stamps)}"
                )
            last = self._last_timestamp
            for stamp in stamps:
                self._check_time(stamp, last)
                last = stamp
        else:
            self._check_time(None, self._last_timestamp)
            stamps = list(range(self.n_seen, self.n_seen + n))
        finite = np.isfinite(rows).all(axis=1)
        if not finite.all() and self.on_nan == "raise":
            first = int(np.flatnonzero(~finite)[0])
            raise ValueError(
                f"observations hold NaN/inf, first at row {first} (timestamp {stamps[first]}); "
                "fill them, or use on_nan='restart' to treat them as gaps"
            )
        if not finite.all():  # gaps: the simple, point-by-point path
            results = [
                self.update(r, s if timestamps is not None else None)
                for r, s in zip(rows, stamps, strict=True)
            ]
            return self._frame(results, stamps)
        # Everything valid: scale, append to the buffer, score all complete windows at once.
        from .windows import make_windows

        scaled = (rows - det.center) / det.scale
        n_prev = min(self._n_buffered, det.n_timesteps - 1)  # rows still needed from before
        history = np.concatenate([self._buffer[det.n_timesteps - n_prev :], scaled])
        ready = np.arange(self._n_buffered + 1, self._n_buffered + n + 1) >= det.n_timesteps
        scores = np.full(n, np.nan)
        if ready.any():
            windows = make_windows(history, det.n_timesteps)  # one per ready point, in order
            step = _step_errors(windows, det.reconstruct(windows))
            scores[ready] = step[:, -1]
        keep = history[-det.n_timesteps :]
        self._buffer[det.n_timesteps - keep.shape[0] :] = keep
        self._n_buffered = min(self._n_buffered + n, det.n_timesteps)
        self._last_timestamp = stamps[-1] if timestamps is not None else None
        self.n_seen += n
        flags = [bool(s > det.threshold) if r else None for s, r in zip(scores, ready, strict=True)]
        results = [
            StreamResult(s, bool(r), float(v), f)
            for s, r, v, f in zip(stamps, ready, scores, flags, strict=True)
        ]
        return self._frame(results, stamps)

    @staticmethod
    def _frame(results: list[StreamResult], stamps: list[Any]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "ready": [r.ready for r in results],
                "score": np.array([r.score for r in results], dtype=float),
                "flag": pd.array([r.flag for r in results], dtype="boolean"),
            },
            index=pd.Index(stamps, name="timestamp"),
        )
