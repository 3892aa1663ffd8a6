"""Seeded training is reproducible: the proof the notebooks rely on, kept out of the notebooks.

Every notebook seeds with ``keras.utils.set_random_seed(SEED)`` right before it builds a
model, with TensorFlow's op determinism on, and then states exact results. These tests
train the notebooks' kinds of model (an LSTM autoencoder as in notebooks 1 and 3, a
stacked sequence-to-sequence forecaster as in notebook 2) briefly, twice with the same seed:
the weights and predictions must be bit-for-bit equal. A different seed must change them,
so the comparison can fail.
"""

from __future__ import annotations

import functools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import tensorflow as tf

import lstm_helpers as lh

TIME_STEPS = 20
pytestmark = pytest.mark.slow  # six short trainings, about half a minute of CPU


def autoencoder() -> keras.Model:
    """Notebook 1's architecture: relu LSTMs 64-32, a bottleneck, 32-64, a Dense per step."""
    return keras.Sequential(
        [
            keras.Input(shape=(TIME_STEPS, 1)),
            keras.layers.LSTM(64, activation="relu", return_sequences=True),
            keras.layers.LSTM(32, activation="relu"),
            keras.layers.RepeatVector(TIME_STEPS),
            keras.layers.LSTM(32, activation="relu", return_sequences=True),
            keras.layers.LSTM(64, activation="relu", return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Dense(1)),
        ]
    )


def forecaster() -> keras.Model:
    """Notebook 2's kind: stacked LSTMs returning sequences, a Dense per step, 3 features."""
    return keras.Sequential(
        [
            keras.Input(shape=(TIME_STEPS, 3)),
            keras.layers.LSTM(8, return_sequences=True),
            keras.layers.LSTM(8, return_sequences=True),
            keras.layers.Dense(3),
        ]
    )


def _data(n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """128 windows of the clean sine wave (each feature a phase-shifted copy), and targets."""
    clean = lh.sine_with_spikes().clean
    clean = (clean - clean.min()) / (clean.max() - clean.min())
    series = np.stack([np.roll(clean, 7 * f) for f in range(n_features)], axis=1)
    X = lh.make_windows(series, TIME_STEPS)[:128]
    if n_features == 1:
        return X, X  # an autoencoder copies its input
    Y = lh.make_windows(series[1:], TIME_STEPS)[:128]  # one step ahead, per step
    return X, Y


@functools.cache  # the first seed-42 run serves both tests
def trained(build, n_features: int, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    return train(build, n_features, seed)


def train(build, n_features: int, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Seed, build, train one short epoch; the weights and the predictions."""
    tf.config.experimental.enable_op_determinism()
    X, Y = _data(n_features)
    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(optimizer="adam", loss="mae")
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    return model.get_weights(), model.predict(X, verbose=0)


@pytest.mark.parametrize(("build", "n_features"), [(autoencoder, 1), (forecaster, 3)])
def test_same_seed_same_weights_and_predictions(build, n_features):
    weights_a, yhat_a = trained(build, n_features, seed=42)
    weights_b, yhat_b = train(build, n_features, seed=42)
    assert len(weights_a) == len(weights_b)
    for a, b in zip(weights_a, weights_b, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(yhat_a, yhat_b)


@pytest.mark.parametrize(("build", "n_features"), [(autoencoder, 1), (forecaster, 3)])
def test_another_seed_other_weights(build, n_features):
    weights_a, _ = trained(build, n_features, seed=42)
    weights_b, _ = train(build, n_features, seed=43)
    assert any(not np.array_equal(a, b) for a, b in zip(weights_a, weights_b, strict=True))
