"""Training small LSTMs to convergence without labels: early stopping, best weights, restarts.

Everything a model learns here comes from normal data only:

* each fit stops early on a **held-out stretch of normal data** (the end of the fit part, which
  the model never trains on) and keeps the weights of its best epoch on that stretch;
* the fit is repeated from several random starts (**restarts**), and the restart kept is the one
  with the lowest held-out loss. Labels are never looked at.

Two plain rules choose the settings from the data, before any training:

* :func:`window_length`: the window length ``T`` holds whole cycles of the series' shortest
  clear season (read off the autocorrelation of the fit part), between 24 and 48 steps;
* :func:`capacity`: LSTM units grow, and the maximum number of epochs shrinks, with the number
  of training windows, within fixed bounds (a fit's worst-case time is bounded).

It runs unchanged on the TensorFlow, JAX and PyTorch backends: Keras APIs only, except for the
TensorFlow speed-up below, which also asks Keras's own (private) array adapter and
``tf.data``, and falls back to plain Keras when it cannot.

**One training iterator per fit on TensorFlow.** Keras's ``model.fit(x, y, shuffle=True)``
on TensorFlow builds a new ``tf.data`` iterator over its shuffling pipeline at every epoch;
for the small fits here that set-up is a large part of an epoch's time. It also means that,
with a seed set, every epoch sees **the same shuffled order**: each new iterator re-creates
the shuffle with the same seed (a known TensorFlow behaviour, tensorflow/tensorflow#35682;
on JAX, Keras reshuffles at every epoch). :func:`fit_restarts` asks Keras's own array
adapter for that order, checks that it is the same twice, and feeds the windows in it
through one repeated pipeline, so a fit builds one training iterator instead of one per
epoch; the validation windows go in a plain pipeline in their order. The batches, the
weights and the losses are exactly those of plain ``model.fit``
(``tests/helpers/test_training.py`` compares them weight for weight). It falls back to
plain ``model.fit`` when Keras's adapter is not the one this code knows, when the model
runs several steps per execution (``compile(steps_per_execution=...)``) or when
``keras.config.set_max_steps_per_epoch`` is set.

**A cache of finished fits.** Training is deterministic on one machine (seeded, with
TensorFlow's op determinism), so the same fit gives the same weights every time. When
``cache`` (or the ``LSTM_HELPERS_MODEL_CACHE`` environment variable, which ``make lab`` and
``make test`` set to ``.cache/models``) names a folder, a finished fit is saved there under
a key that hashes everything it depends on (the windows, the model's architecture and
compile settings, every training setting, the seed, and the versions of Keras, the backend
and ``lstm_helpers``), and a later call with the same key loads it instead of training
again: rerunning a notebook's cells, or running it again in the browser test, costs
seconds. A loaded fit says so (``FitResult.from_cache``) and passes the same checks.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._checks import (
    as_float_array,
    check_finite,
    check_int,
    check_positive_int,
    check_time_order,
    describe,
)

__all__ = [
    "LEARNING_RATE",
    "RESTART_SEED_STRIDE",
    "Capacity",
    "FitResult",
    "autocorrelation",
    "capacity",
    "fit_restarts",
    "restart_seed",
    "season",
    "window_length",
]

#: Restart ``r`` of a call with ``seed=s`` uses ``keras.utils.set_random_seed(s + 1000 * r)``.
#: Restart 0 therefore uses ``s`` itself (a single fit is what ``set_random_seed(s)`` gave
#: before), and seeds 0..999 never share a restart with each other.
RESTART_SEED_STRIDE = 1000

#: The recipe measured on a 2-core CPU for LSTM(8..32) autoencoders and forecasters on
#: standardised univariate windows: Adam at ``LEARNING_RATE`` (set it in your ``build``'s
#: ``compile``), batches of 128, patience 8, at most 60 epochs (or :func:`capacity`'s bound).
LEARNING_RATE = 1e-2
DEFAULT_BATCH_SIZE = 128
DEFAULT_PATIENCE = 8
DEFAULT_MAX_EPOCHS = 60
#: ``"auto"`` prints a restart's line when that restart took at least this many seconds.
PROGRESS_AFTER_SECONDS = 10.0


def restart_seed(seed: int, restart: int) -> int:
    """The seed restart ``restart`` of a call with ``seed`` uses: ``seed + 1000 * restart``."""
    return check_int(seed, "seed", 0) + RESTART_SEED_STRIDE * check_int(restart, "restart", 0)


# --------------------------------------------------------------------------- the result


@dataclass
class FitResult:
    """What :func:`fit_restarts` did, restart by restart, and the model it kept.

    Attributes
    ----------
    model : keras.Model
        The kept model: the restart with the lowest held-out loss, at its best epoch.
    best_restart : int
        Index (0-based) of the kept restart.
    seeds : list of int
        The seed each restart used (``seed + 1000 * restart``).
    val_losses : list of float
        Each restart's best held-out (validation) loss: the minimum over its epochs.
    best_epochs : list of int
        Each restart's epoch (1-based) with that loss: the weights it kept.
    epochs : list of int
        How many epochs each restart ran.
    stopped_early : list of bool
        Whether early stopping ended the restart (``False``: it hit ``max_epochs``, so it may
        not have converged; see :attr:`converged`).
    histories : list of dict
        Each restart's ``History.history``: ``{"loss": [...], "val_loss": [...]}``.
    seconds : list of float
        Wall-clock seconds of each restart's fit.
    restored_val_loss : float
        The kept model's loss on the validation windows, evaluated after training: equal
        (up to float rounding) to ``val_losses[best_restart]``, which shows that the best
        weights were restored.
    settings : dict
        How it was trained: ``monitor`` ("val_loss"), ``restore_best_weights`` (True),
        ``chosen_on`` ("val_loss"), ``restarts``, ``seed``, ``batch_size``, ``max_epochs``,
        ``patience``, ``min_delta``, ``n_train``, ``n_val`` (windows), ``backend``.
    """

    model: Any
    best_restart: int
    seeds: list[int]
    val_losses: list[float]
    best_epochs: list[int]
    epochs: list[int]
    stopped_early: list[bool]
    histories: list[dict]
    seconds: list[float]
    restored_val_loss: float
    settings: dict = field(default_factory=dict)
    from_cache: bool = False

    @property
    def val_loss(self) -> float:
        """The kept restart's best held-out loss."""
        return self.val_losses[self.best_restart]

    @property
    def converged(self) -> bool:
        """True when the kept restart was stopped by early stopping, not by ``max_epochs``."""
        return self.stopped_early[self.best_restart]

    def table(self) -> pd.DataFrame:
        """One row per restart: seed, epochs, best epoch, stopped early, best val loss, kept."""
        return pd.DataFrame(
            {
                "seed": self.seeds,
                "epochs": self.epochs,
                "best_epoch": self.best_epochs,
                "stopped_early": self.stopped_early,
                "val_loss": self.val_losses,
                "seconds": np.round(self.seconds, 2),
                "kept": [r == self.best_restart for r in range(len(self.seeds))],
            },
            index=pd.RangeIndex(len(self.seeds), name="restart"),
        )

    def check(self, rtol: float = 1e-3) -> None:
        """Raise ``AssertionError`` unless the model was trained the label-free way.

        Checks that every restart monitored the held-out ``val_loss`` with early stopping,
        that the kept restart is the one with the lowest held-out loss, and that the kept
        model's held-out loss is its best epoch's (the best weights were restored). A
        notebook calls it to state those facts as tested, not just told.
        """
        s = self.settings
        assert s["monitor"] == "val_loss" and s["restore_best_weights"], s
        assert s["chosen_on"] == "val_loss" and s["n_val"] > 0, s
        assert self.best_restart == int(np.argmin(self.val_losses)), self.val_losses
        for h, best, epoch in zip(self.histories, self.val_losses, self.best_epochs, strict=True):
            assert math.isclose(min(h["val_loss"]), best) and h["val_loss"][epoch - 1] == best
        assert math.isclose(self.restored_val_loss, self.val_loss, rel_tol=rtol, abs_tol=1e-7), (
            f"kept model's val loss {self.restored_val_loss} != its best epoch's {self.val_loss}"
        )

    def __str__(self) -> str:
        k = self.best_restart
        return (
            f"{'loaded from the cache: ' if self.from_cache else ''}"
            f"kept restart {k} of {len(self.seeds)} (seed {self.seeds[k]}): val loss "
            f"{self.val_loss:.4g} at epoch {self.best_epochs[k]} of {self.epochs[k]}"
            f"{'' if self.converged else ' (hit max_epochs: may not have converged)'}; "
            f"all restarts' val losses: {', '.join(f'{v:.4g}' for v in self.val_losses)}"
        )


# --------------------------------------------------------------------------- validation


def _as_windows(obj: Any, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    arr = as_float_array(obj, name)
    if arr.ndim not in ndims:
        layouts = {2: "(n_windows, n_outputs)", 3: "(n_windows, n_timesteps, n_features)"}
        expected = " or ".join(layouts[d] for d in ndims)
        raise ValueError(f"{name} must have shape {expected}; got {arr.ndim}-D shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one window; got shape {arr.shape}")
    check_finite(arr, name)
    return arr.astype("float32")


def _check_pair(x: np.ndarray, y: np.ndarray, xname: str, yname: str) -> None:
    if len(x) != len(y):
        raise ValueError(
            f"{xname} and {yname} must hold the same number of windows; got {len(x)} and {len(y)}"
        )


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer >= {minimum}; got {value!r} ({type(value).__name__})"
        )
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def _check_inputs(x, y, validation):
    x = _as_windows(x, "x", (3,))
    y = _as_windows(y, "y", (2, 3))
    _check_pair(x, y, "x", "y")
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        got = (
            f"{type(validation).__name__} of length {len(validation)}"
            if isinstance(validation, (tuple, list))
            else describe(validation)
        )
        raise TypeError(
            f"validation must be a pair (x_val, y_val) of held-out normal windows; got {got}"
        )
    x_val = _as_windows(validation[0], "validation[0] (x_val)", (3,))
    y_val = _as_windows(validation[1], "validation[1] (y_val)", (2, 3))
    _check_pair(x_val, y_val, "validation[0] (x_val)", "validation[1] (y_val)")
    if x_val.shape[1:] != x.shape[1:]:
        raise ValueError(
            f"validation[0] (x_val) must have windows shaped like x's, {x.shape[1:]}; "
            f"got {x_val.shape[1:]}"
        )
    if y_val.shape[1:] != y.shape[1:]:
        raise ValueError(
            f"validation[1] (y_val) must have targets shaped like y's, {y.shape[1:]}; "
            f"got {y_val.shape[1:]}"
        )
    return x, y, x_val, y_val


# --------------------------------------------------------------------------- fitting


def _same_training(model, other) -> bool:
    """Same layer types, weight shapes and compile settings: the compiled step can be shared."""
    a, b = model.weights, other.weights
    if len(a) != len(b) or any(tuple(u.shape) != tuple(v.shape) for u, v in zip(a, b, strict=True)):
        return False
    if [type(la).__name__ for la in model.layers] != [type(lb).__name__ for lb in other.layers]:
        return False
    try:
        return _without_names(model.get_compile_config()) == _without_names(
            other.get_compile_config()
        )
    except Exception:  # a custom loss or optimizer that cannot be serialised: do not share
        return False


def fit_restarts(
    build: Callable[[], Any],
    x: Any,
    y: Any,
    validation: tuple[Any, Any],
    *,
    restarts: int = 3,
    seed: int = 0,
    max_epochs: int = DEFAULT_MAX_EPOCHS,
    patience: int = DEFAULT_PATIENCE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    min_delta: float = 0.0,
    reuse_compiled: bool = True,
    verbose: int | str = "auto",
    cache: str | os.PathLike | None = None,
) -> FitResult:
    """Fit ``restarts`` fresh models with early stopping and keep the best on held-out loss.

    For restart ``r = 0, 1, ...``: seed everything with
    ``keras.utils.set_random_seed(seed + 1000 * r)``, build a fresh model with ``build()``, fit
    it on ``(x, y)`` with ``EarlyStopping(monitor="val_loss", patience=patience,
    restore_best_weights=True)`` on ``validation``, so that it ends with the weights of its
    best epoch on the held-out windows. The restart with the lowest best validation loss is
    kept. No label is used anywhere.

    Parameters
    ----------
    build : callable
        ``build()`` returns a new **compiled** ``keras.Model`` (optimizer and loss set). It is
        called once per restart, after the seed is set, so each restart starts from different
        random weights.
    x : array-like, shape (n_windows, n_timesteps, n_features)
        Training windows (from the fit part of the series only).
    y : array-like, shape (n_windows, ...)
        Training targets: ``x`` itself for an autoencoder, the next values for a forecaster.
    validation : tuple (x_val, y_val)
        Held-out **normal** windows, shaped like ``x`` and ``y``: the end of the fit part,
        never trained on. Early stopping and the choice of restart use only these.
    restarts : int, default 3
        How many random starts (>= 1).
    seed : int, default 0
        Base seed (>= 0). Restart ``r`` uses ``seed + 1000 * r`` (:func:`restart_seed`), so
        restart 0 equals a single fit after ``keras.utils.set_random_seed(seed)``, and calls
        with seeds 0..999 share no restart.
    max_epochs : int, default 60
        Upper bound on epochs per restart; see :func:`capacity` for a rule from the data.
    patience : int, default 8
        Epochs without a new best validation loss before a restart stops.
    batch_size : int, default 128
        Windows per optimiser step.
    min_delta : float, default 0.0
        Smallest decrease of the validation loss that counts as an improvement.
    reuse_compiled : bool, default True
        Restarts after the first copy the fresh model's initial weights (and a reset
        optimiser state) into the first restart's model instead of fitting the fresh one, so
        its traced or compiled training step is reused: tracing (TensorFlow) or compiling
        (JAX) a new model costs more than a small fit itself on a CPU. The result is the
        same kind of restart: new random initial weights, new shuffling, fresh optimiser.
        Falls back to fitting the fresh model when its layers, weight shapes or compile
        settings differ from the first one's.
    verbose : {"auto", 0, 1, 2}, default "auto"
        0: silent. 1: one line per restart (epochs, best epoch, best val loss, seconds) and
        the choice. 2: as 1, plus Keras's one line per epoch. "auto": as 1, but a restart's
        line is printed only if it took at least 10 seconds.
    cache : path, optional
        A folder of finished fits (see the module's docstring); default the
        ``LSTM_HELPERS_MODEL_CACHE`` environment variable, and no cache when neither is set.

    Returns
    -------
    FitResult
        The kept model and, for every restart, its seed, best validation loss, best epoch,
        epochs run, whether early stopping triggered, history and seconds; ``check()``
        asserts the label-free protocol; ``table()`` gives one row per restart.

    Raises
    ------
    TypeError
        If an argument has the wrong type, or ``build()`` does not return a compiled
        ``keras.Model``.
    ValueError
        If the windows have the wrong shape, are empty, hold NaN/inf, or disagree in number
        or shape; if an integer setting is out of range; or if every restart's loss was NaN.
    """
    import keras  # here, not at the top: importing lstm_helpers loads no backend

    if not callable(build):
        raise TypeError(
            f"build must be a function returning a compiled keras.Model; got {describe(build)}"
        )
    x, y, x_val, y_val = _check_inputs(x, y, validation)
    restarts = check_positive_int(restarts, "restarts")
    seed = _check_int(seed, "seed", 0)
    max_epochs = check_positive_int(max_epochs, "max_epochs")
    patience = _check_int(patience, "patience", 0)
    batch_size = check_positive_int(batch_size, "batch_size")
    if (
        isinstance(min_delta, bool)
        or not isinstance(min_delta, numbers.Real)
        or not (math.isfinite(min_delta) and min_delta >= 0)
    ):
        raise ValueError(f"min_delta must be a finite number >= 0; got {min_delta!r}")
    if verbose not in ("auto", 0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(f'verbose must be "auto", 0, 1 or 2; got {verbose!r}')

    seeds = [restart_seed(seed, r) for r in range(restarts)]
    folder = cache if cache is not None else os.environ.get(CACHE_VARIABLE) or None
    key = None
    if folder is not None:
        keras.utils.set_random_seed(seeds[0])
        probe = build()
        if not isinstance(probe, keras.Model):
            raise TypeError(f"build() must return a keras.Model; got {describe(probe)}")
        key = _cache_key(
            probe,
            (x, y, x_val, y_val),
            {
                "restarts": restarts, "seed": seed, "max_epochs": max_epochs,
                "patience": patience, "batch_size": batch_size, "min_delta": float(min_delta),
                "reuse_compiled": bool(reuse_compiled),
            },
        )  # fmt: skip
        found = _load_cached(Path(folder), key, build, x_val, y_val, batch_size)
        if found is not None:
            if verbose in (1, 2) or verbose == "auto":
                print(found, flush=True)
            return found
    val_losses, best_epochs, epochs, stopped, histories, seconds = [], [], [], [], [], []
    best_weights = None
    built = []  # every model build() returned, to catch a build() that returns the same one
    runner = None  # the model whose compiled training step is reused
    optimizer_start = None  # its optimiser's state before any step
    for r, s in enumerate(seeds):
        keras.utils.set_random_seed(s)
        fresh = build()
        if not isinstance(fresh, keras.Model):
            raise TypeError(f"build() must return a keras.Model; got {describe(fresh)}")
        if getattr(fresh, "optimizer", None) is None or not getattr(fresh, "compiled", True):
            raise TypeError(
                "build() must return a compiled model: call model.compile(optimizer=..., "
                "loss=...) inside build()"
            )
        if any(fresh is m for m in built):
            raise ValueError(
                "build() must return a new model at each call (it returned one it had returned "
                "before, so a restart would go on from trained weights): create the layers "
                "inside build()"
            )
        built.append(fresh)
        if runner is not None and reuse_compiled and _same_training(runner, fresh):
            runner.set_weights(fresh.get_weights())
            for v, value in zip(runner.optimizer.variables, optimizer_start, strict=True):
                v.assign(value)
            model = runner
        else:
            model = fresh
            if runner is None and reuse_compiled and fresh.built:
                # The optimiser's state before its first step, to reset it for later restarts.
                fresh.optimizer.build(fresh.trainable_variables)
                optimizer_start = [keras.ops.convert_to_numpy(v) for v in fresh.optimizer.variables]
                runner = fresh
        stop = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, min_delta=min_delta, restore_best_weights=True
        )
        start = time.perf_counter()
        history = _fit(
            model,
            (x, y),
            (x_val, y_val),
            epochs=max_epochs,
            batch_size=batch_size,
            callbacks=[stop, keras.callbacks.TerminateOnNaN()],
            verbose=2 if verbose == 2 else 0,
        )
        seconds.append(time.perf_counter() - start)
        h = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        vl = np.array(h["val_loss"], dtype=float)
        vl_clean = np.where(np.isfinite(vl), vl, np.inf)
        best = int(np.argmin(vl_clean))
        histories.append(h)
        val_losses.append(float(vl_clean[best]))
        best_epochs.append(best + 1)
        epochs.append(len(vl))
        stopped.append(stop.stopped_epoch > 0)  # EarlyStopping ended it (not NaN, not the cap)
        # The restored weights are the best epoch's (EarlyStopping restores them at the end).
        if best_weights is None or val_losses[-1] < val_losses[best_weights[0]]:
            best_weights = (r, model, [np.array(w) for w in model.get_weights()])
        if verbose in (1, 2) or (verbose == "auto" and seconds[-1] >= PROGRESS_AFTER_SECONDS):
            print(
                f"restart {r} (seed {s}): {len(vl)} epochs"
                f"{' (early stop)' if stopped[-1] else ' (max_epochs)'}, best val loss "
                f"{val_losses[-1]:.4g} at epoch {best + 1}, {seconds[-1]:.1f} s",
                flush=True,
            )
    if not np.isfinite(min(val_losses)):
        raise ValueError(
            "every restart's validation loss was NaN/inf: lower the learning rate or check "
            "that the windows are standardised"
        )
    kept, model, weights = best_weights
    model.set_weights(weights)  # a later restart may have reused this model
    # The same batch size as the validation inside fit: the compiled test step is reused.
    restored = float(np.ravel(model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0))[0])
    result = FitResult(
        model=model,
        best_restart=kept,
        seeds=seeds,
        val_losses=val_losses,
        best_epochs=best_epochs,
        epochs=epochs,
        stopped_early=stopped,
        histories=histories,
        seconds=seconds,
        restored_val_loss=restored,
        settings={
            "monitor": "val_loss",
            "restore_best_weights": True,
            "chosen_on": "val_loss",
            "restarts": restarts,
            "seed": seed,
            "batch_size": batch_size,
            "max_epochs": max_epochs,
            "patience": patience,
            "min_delta": float(min_delta),
            "n_train": len(x),
            "n_val": len(x_val),
            "reuse_compiled": bool(reuse_compiled),
            "backend": keras.backend.backend(),
        },
    )
    if verbose in (1, 2) or (verbose == "auto" and sum(seconds) >= PROGRESS_AFTER_SECONDS):
        print(result, flush=True)
    if key is not None:
        _save_cached(Path(folder), key, result)
    return result


def _fit(
    model: Any,
    train: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    *,
    epochs: int,
    batch_size: int,
    callbacks: list,
    verbose: int,
) -> Any:
    """``model.fit(*train, validation_data=validation, epochs=epochs, batch_size=batch_size,
    shuffle=True, callbacks=callbacks, verbose=verbose)``, with one training iterator per fit
    on TensorFlow.

    Under a seed set by ``keras.utils.set_random_seed`` (as :func:`fit_restarts` does) the
    batches, weights and losses are those of that call, bit for bit; see the module's
    docstring for why and when it falls back to that call itself. Returns its ``History``.
    """
    import keras  # here, not at the top: importing lstm_helpers loads no backend

    arguments = dict(epochs=epochs, callbacks=callbacks, verbose=verbose)
    one_step_at_a_time = getattr(model, "steps_per_execution", 1) == 1
    if (
        keras.backend.backend() == "tensorflow"
        and one_step_at_a_time
        and not keras.config.max_steps_per_epoch()
    ):
        order = _keras_shuffle_order(len(train[0]), batch_size)
        if order is not None:
            import tensorflow as tf

            def batches(arrays):  # Keras's batch shape too: fixed when every batch is whole
                whole = len(arrays[0]) % batch_size == 0
                dataset = tf.data.Dataset.from_tensor_slices(arrays)
                return dataset.batch(batch_size, drop_remainder=whole)

            return model.fit(
                batches(tuple(a[order] for a in train)).repeat(),  # each epoch one pass
                steps_per_epoch=math.ceil(len(order) / batch_size),
                validation_data=batches(validation),
                shuffle=False,  # the order is already in the pipeline
                **arguments,
            )
    return model.fit(
        *train, validation_data=validation, batch_size=batch_size, shuffle=True, **arguments
    )


def _keras_shuffle_order(n: int, batch_size: int) -> np.ndarray | None:
    """The order in which Keras's ``fit(shuffle=True)`` on TensorFlow feeds ``n`` windows.

    Keras draws it from TensorFlow's global seed alone, and draws it again, the same, at
    every epoch; so asking its own array adapter (over the indices ``0..n-1``) right before
    the fit gives the order the fit would use at every epoch.

    Returns
    -------
    numpy.ndarray of int, shape (n,), or None
        A permutation of ``0..n-1``; None (plain ``model.fit`` then) when Keras's adapter
        is missing or takes other arguments, when it does not give a permutation, or when
        two passes over it give two orders (a Keras that reshuffles at every epoch).
    """
    try:
        from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

        adapter = ArrayDataAdapter(np.arange(n), batch_size=batch_size, shuffle=True)
        dataset = adapter.get_tf_dataset()
        passes = []
        for _ in range(2):  # two epochs, as fit runs them
            adapter.on_epoch_begin()
            passes.append(np.concatenate([np.asarray(batch) for batch in dataset]))
            adapter.on_epoch_end()
        first, second = passes
    except (ImportError, TypeError, ValueError, AttributeError):
        return None  # a Keras whose adapter moved or changed: not the one this code knows
    if not np.array_equal(np.sort(first), np.arange(n)) or not np.array_equal(first, second):
        return None
    return first


# --------------------------------------------------------------------------- the cache

#: The environment variable naming the folder of finished fits.
CACHE_VARIABLE = "LSTM_HELPERS_MODEL_CACHE"


def _cache_key(model: Any, arrays: tuple[np.ndarray, ...], settings: dict) -> str:
    """SHA-256 of everything a fit's result depends on."""
    import keras  # here, not at the top: importing lstm_helpers loads no backend

    from . import __version__

    digest = hashlib.sha256()
    for arr in arrays:
        digest.update(str(arr.shape).encode())
        digest.update(np.ascontiguousarray(arr, dtype=np.float32).tobytes())
    try:
        compile_config = _without_names(model.get_compile_config())
    except Exception:  # not serialisable: the key still holds the optimizer's repr
        compile_config = repr(model.optimizer)
    versions = {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "backend_version": _backend_version(),
        "lstm_helpers": __version__,
    }
    architecture = _without_names(json.loads(model.to_json()))  # layer names just count up
    text = json.dumps(
        [architecture, compile_config, settings, versions], sort_keys=True, default=str
    )
    digest.update(text.encode())
    return digest.hexdigest()[:32]


def _without_names(config: Any) -> Any:
    """A model's config without its (automatic, ever-increasing) layer and model names."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list):
        return [_without_names(v) for v in config]
    return config


def _backend_version() -> str:
    import importlib

    import keras  # here, not at the top: importing lstm_helpers loads no backend

    name = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(
        keras.backend.backend(), keras.backend.backend()
    )
    try:
        return importlib.import_module(name).__version__
    except Exception:  # a backend without __version__: the Keras version still counts
        return "unknown"


def _save_cached(folder: Path, key: str, result: FitResult) -> None:
    """Write the kept model's weights and the record; a failure only costs the cache."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        result.model.save_weights(folder / f"{key}.weights.h5")
        record = {k: v for k, v in asdict(result).items() if k not in ("model", "from_cache")}
        tmp = folder / f"{key}.json.part"
        tmp.write_text(json.dumps(record, default=float), encoding="utf-8")
        tmp.replace(folder / f"{key}.json")  # the record last: a key is complete or absent
    except OSError as err:
        print(f"(the fit could not be cached in {folder}: {err})", flush=True)


def _load_cached(
    folder: Path, key: str, build: Callable[[], Any], x_val, y_val, batch_size: int
) -> FitResult | None:
    """The cached fit under ``key``, or None when there is none (or it cannot be read)."""
    import keras  # here, not at the top: importing lstm_helpers loads no backend

    record_path, weights_path = folder / f"{key}.json", folder / f"{key}.weights.h5"
    if not (record_path.is_file() and weights_path.is_file()):
        return None
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        keras.utils.set_random_seed(record["seeds"][record["best_restart"]])
        model = build()
        model.load_weights(weights_path)
    except (OSError, ValueError, KeyError) as err:
        print(f"(ignoring an unreadable cached fit {key}: {err})", flush=True)
        return None
    evaluated = model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0)
    record["restored_val_loss"] = float(np.ravel(evaluated)[0])
    return FitResult(model=model, from_cache=True, **record)


# --------------------------------------------------------------------------- the rules

#: Window length bounds of :func:`window_length` (steps).
MIN_WINDOW_LENGTH = 24
MAX_WINDOW_LENGTH = 48
#: Shortest cycle :func:`window_length` looks for (steps).
MIN_SEASON_LAG = 4
DEFAULT_WINDOW_LENGTH = 48
#: A season counts when its autocorrelation peak is at least this high ...
MIN_SEASON_AUTOCORRELATION = 0.3
#: ... and rises at least this much above the lowest autocorrelation at shorter lags.
MIN_SEASON_PROMINENCE = 0.1


def autocorrelation(series: Any, max_lag: int) -> np.ndarray:
    """Sample autocorrelation of a 1-D series at lags 0..max_lag (after a linear detrend).

    Parameters
    ----------
    series : array-like, shape (n_rows,) or (n_rows, 1)
    max_lag : int, 1 <= max_lag < n_rows

    Returns
    -------
    numpy.ndarray, shape (max_lag + 1,)
        ``acf[0] == 1`` (``acf`` is all NaN after lag 0 for a constant series).
    """
    z = _one_series(series, "series")
    max_lag = check_positive_int(max_lag, "max_lag")
    if max_lag >= len(z):
        raise ValueError(f"max_lag must be < the series' length {len(z)}; got {max_lag}")
    t = np.arange(len(z), dtype=float)
    z = z - np.polyval(np.polyfit(t, z, 1), t)
    n_fft = 1 << (2 * len(z) - 1).bit_length()
    spectrum = np.fft.rfft(z, n_fft)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), n_fft)[: max_lag + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return acov / acov[0]


def _one_series(series: Any, name: str) -> np.ndarray:
    check_time_order(series, name)  # a pandas series is read by position: in time order only
    arr = as_float_array(series, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one univariate series, shape (n_rows,) or (n_rows, 1); "
            f"got shape {arr.shape}"
        )
    check_finite(arr, name)
    return arr


def season(series: Any, *, min_lag: int = 2, max_lag: int | None = None) -> int | None:
    """The shortest clear cycle of a series, in steps, from its autocorrelation; or None.

    The autocorrelation first falls as the lag grows; a season is a lag where it climbs back
    to a peak: the first lag ``k >= min_lag`` that is the highest autocorrelation within
    ``k ± max(2, k // 4)`` lags, at least 0.3, and at least 0.1 above the lowest
    autocorrelation at any shorter lag. Such a peak means the series looks like itself ``k``
    steps earlier: a daily cycle of 5-minute data peaks at 288.

    Parameters
    ----------
    series : array-like, shape (n_rows,)
        The fit part of the series only (never the test period).
    min_lag : int, default 2
    max_lag : int, optional
        Longest lag searched; default ``n_rows // 3`` (a cycle must repeat three times).
    """
    z = _one_series(series, "series")
    min_lag = check_positive_int(min_lag, "min_lag")
    max_lag = len(z) // 3 if max_lag is None else check_positive_int(max_lag, "max_lag")
    if max_lag < min_lag + 2:
        return None
    acf = autocorrelation(z, max_lag)
    if not np.isfinite(acf[1:]).all():
        return None  # constant series
    for k in range(max(2, min_lag), max_lag):
        w = max(2, k // 4)
        if (
            acf[k] >= MIN_SEASON_AUTOCORRELATION
            and acf[k] == acf[max(1, k - w) : k + w + 1].max()
            and acf[k] - acf[1:k].min() >= MIN_SEASON_PROMINENCE
            and k + w <= max_lag  # the peak's whole neighbourhood was seen
        ):
            return k
    return None


def window_length(
    series: Any,
    *,
    min_length: int = MIN_WINDOW_LENGTH,
    max_length: int = MAX_WINDOW_LENGTH,
    default: int = DEFAULT_WINDOW_LENGTH,
) -> int:
    """Window length T from the data: whole cycles of the series' season, capped for speed.

    With ``k = season(series)``, the cycle length in steps:

    * ``T = k`` when ``min_length <= k <= max_length``: one window, one whole cycle, so the
      model sees the full shape of a normal cycle;
    * ``T`` = the smallest multiple of ``k`` that is at least ``min_length`` when the cycle is
      shorter (a few whole cycles, still aligned with the season);
    * ``T = max_length`` when the cycle is longer than the cap (one day of 5-minute data is
      288 steps);
    * ``T = default`` when the autocorrelation shows no clear season.

    Why a cap of 48 (measured on a 2-core CPU, 16-unit LSTMs, see the benchmark notes): an
    epoch costs about twice as much at T = 96 as at 48, and 6 to 40 times as much at 288;
    longer windows also leave fewer windows in a short fit part (each costs T - 1 rows of
    gap and edge). On NAB series with a daily cycle longer than the cap, T = 96 gave no lower
    held-out loss than 48 for the forecaster and once failed to train the autoencoder, and
    T = 288 failed for both; T = 24 and 48 did about equally well.

    Parameters
    ----------
    series : array-like, shape (n_rows,)
        The **fit part** only: choosing T must not look at calibration or test data.
    min_length, max_length : int, default 24 and 48
    default : int, default 48
        T when there is no clear season (clipped to the bounds too).

    Returns
    -------
    int
    """
    min_length = check_positive_int(min_length, "min_length")
    max_length = check_positive_int(max_length, "max_length")
    default = check_positive_int(default, "default")
    if max_length < min_length:
        raise ValueError(f"max_length must be >= min_length ({min_length}); got {max_length}")
    z = _one_series(series, "series")
    if len(z) < 3 * min_length:
        raise ValueError(
            f"series must have at least 3 * min_length = {3 * min_length} rows to look for a "
            f"season; got {len(z)}"
        )
    k = season(z, min_lag=MIN_SEASON_LAG)
    if k is None:
        t = default
    elif k < min_length:
        t = k * math.ceil(min_length / k)
    else:
        t = k
    return int(min(max(t, min_length), max_length))


#: Bounds of :func:`capacity`.
MIN_UNITS, MAX_UNITS = 16, 32
MIN_EPOCHS, MAX_EPOCHS = 20, 100
#: Training windows per LSTM unit (see :func:`capacity`).
WINDOWS_PER_UNIT = 125
#: Windows seen per fit (epochs x windows) that max_epochs allows.
WINDOW_BUDGET = 100_000


@dataclass(frozen=True)
class Capacity:
    """Model size and epoch bound from the amount of fit data (see :func:`capacity`)."""

    units: int
    max_epochs: int


def capacity(n_windows: int) -> Capacity:
    """LSTM units and maximum epochs from the number of training windows.

    * ``units``: one unit per 125 training windows, rounded down to a power of two, within
      16..32: 16 units below 4,000 windows, 32 from there on. Measured (NAB cpu_asg, T = 48,
      one seed): the held-out loss hardly depends on the units between 8 and 32 (early
      stopping keeps a big model from overfitting a small fit part); 8 units were worse
      with 430 windows, and 32 gave the forecaster a few per cent lower held-out loss with
      8,700 windows, at about 1.5 times the time per epoch.
    * ``max_epochs``: about 100,000 window visits in all (``100_000 / n_windows`` epochs),
      within 20..100. An epoch's time grows with ``n_windows``, so this bounds a fit's
      worst-case time whatever the length of the data; small data, with few steps per
      epoch, gets more epochs. Whether a fit stopped before the bound is reported
      (``FitResult.stopped_early``): a fit that hit it may not have converged.

    The batch size stays 128 whatever the size: on machine temperature's 300 training
    windows (2 to 3 steps per epoch), batches of 16 lowered the autoencoder's validation loss
    but not its later held-out loss, and doubled the time.

    Parameters
    ----------
    n_windows : int
        Training windows (the fit part less the held-out validation windows).
    """
    n_windows = check_positive_int(n_windows, "n_windows")
    units = 2 ** int(math.log2(max(1, n_windows // WINDOWS_PER_UNIT)))
    units = min(max(units, MIN_UNITS), MAX_UNITS)
    max_epochs = min(max(math.ceil(WINDOW_BUDGET / n_windows), MIN_EPOCHS), MAX_EPOCHS)
    return Capacity(units=units, max_epochs=max_epochs)
