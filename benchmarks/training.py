"""Training seconds per epoch of the notebooks' kinds of model, on one Keras backend.

    KERAS_BACKEND=jax .venv/bin/python -m benchmarks.training            # one backend, JSON lines
    .venv/bin/python -m benchmarks --only training                      # every installed backend

A process can load only one Keras backend, so the harness (``measure.bench_training``) runs
this module once per installed backend, each in its own process, and divides by TensorFlow's
figures from the same run. Each model is seeded and trained the way the notebooks do it (the
notebooks' set-up: ``keras.utils.set_random_seed``, and op determinism on TensorFlow), on
random data of the notebooks' shapes (the data do not change the cost of an epoch):

* **autoencoder**, like notebook 1's: windows of 20 steps of 1 feature, LSTM 64-32,
  RepeatVector, LSTM 32-64, a Dense per step (relu LSTMs, as there);
* **forecaster**, like notebook 2's: windows of 12 rows of 5 features, LSTM(32), a Dense head
  reshaped to 5 steps x 5 features.

Each setting is timed as a first epoch (building the graph or compiling it included: what a
learner waits for once per model) and then ``epochs`` more epochs (the steady rate). The
settings are Keras's defaults at the notebooks' batch size of 32, and TensorFlow with
``jit_compile=True`` (XLA), the fastest TensorFlow setting measured for these models.
Nothing is asserted; the harness prints the figures and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

#: (name, window steps, features, windows) of each model.
MODELS = {
    "autoencoder": (20, 1, 1_000),
    "forecaster": (12, 5, 2_000),
}
QUICK_WINDOWS = 64
BATCH_SIZE = 32


def build(name: str):
    import keras

    steps, features, _ = MODELS[name]
    if name == "autoencoder":
        layers = [
            keras.Input(shape=(steps, features)),
            keras.layers.LSTM(64, activation="relu", return_sequences=True),
            keras.layers.LSTM(32, activation="relu"),
            keras.layers.RepeatVector(steps),
            keras.layers.LSTM(32, activation="relu", return_sequences=True),
            keras.layers.LSTM(64, activation="relu", return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Dense(features)),
        ]
    else:
        layers = [
            keras.Input(shape=(steps, features)),
            keras.layers.LSTM(32),
            keras.layers.Dense(5 * features),
            keras.layers.Reshape((5, features)),
        ]
    return keras.Sequential(layers)


def data(name: str, n_windows: int) -> tuple[np.ndarray, np.ndarray]:
    steps, features, _ = MODELS[name]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_windows, steps, features)).astype("float32")
    Y = X if name == "autoencoder" else rng.normal(size=(n_windows, 5, features)).astype("float32")
    return X, Y


def settings(backend: str) -> dict[str, dict]:
    """The compile() arguments timed on ``backend``, by setting name."""
    out = {"defaults": {}}
    if backend == "tensorflow":
        out["jit_compile=True"] = {"jit_compile": True}
    return out


def seed(value: int) -> None:
    """The notebooks' set-up: seeds, and deterministic kernels on TensorFlow."""
    import keras

    keras.utils.set_random_seed(value)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def time_one(name: str, compile_args: dict, n_windows: int, epochs: int) -> dict:
    """Seconds of the first epoch and per epoch after it, for one model and setting."""
    X, Y = data(name, n_windows)
    seed(0)
    model = build(name)
    model.compile(optimizer="adam", loss="mae", **compile_args)
    t0 = time.perf_counter()
    model.fit(X, Y, epochs=1, batch_size=BATCH_SIZE, verbose=0)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.fit(X, Y, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
    return {"first_epoch_s": first, "epoch_s": (time.perf_counter() - t0) / epochs}


def run(quick: bool = False, epochs: int = 3) -> list[dict]:
    """One row per model and setting on this process's backend."""
    import keras

    backend = keras.backend.backend()
    rows = []
    for name, (_, _, n_windows) in MODELS.items():
        if quick and name != "forecaster":  # the tests' run: the cheapest model only
            continue
        n = QUICK_WINDOWS if quick else n_windows
        for setting, compile_args in settings(backend).items():
            figures = time_one(name, compile_args, n, 1 if quick else epochs)
            rows.append(
                {
                    "backend": backend,
                    "model": name,
                    "setting": setting,
                    "windows": n,
                    "batch_size": BATCH_SIZE,
                    **figures,
                }
            )
    return rows


def versions() -> dict[str, str]:
    """Keras and its backend's version in this process."""
    import importlib.metadata as md

    import keras

    backend = keras.backend.backend()
    dists = {"tensorflow": ("tensorflow-cpu", "tensorflow"), "jax": ("jax",), "torch": ("torch",)}
    out = {"keras": keras.__version__}
    for dist in dists.get(backend, ()):
        try:
            out[backend] = md.version(dist)
            break
        except md.PackageNotFoundError:
            continue
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="one model, tiny data, one epoch (for tests)"
    )
    args = parser.parse_args(argv)
    print(json.dumps({"versions": versions(), "rows": run(quick=args.quick)}))


if __name__ == "__main__":
    main()
