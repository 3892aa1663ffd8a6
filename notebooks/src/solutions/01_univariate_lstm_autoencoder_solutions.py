# %% [markdown]
# # 📃 Solutions · 1 · Spikes in a sine wave
#
# Worked solutions to the exercises of [notebook 1](../01_univariate_lstm_autoencoder.ipynb). Try each exercise there first. Each solution rebuilds what it needs, so this notebook runs on its own, top to bottom, in about a minute on a 2-core CPU.

# %%
import os

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

import lstm_helpers as lh
from lstm_helpers.plotting import COLORS, apply_style

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
apply_style()

# %% [markdown]
# The data, scaling, model and scoring of notebook 1, as three small functions.

# %%
data = lh.sine_with_spikes()
lo, hi = data.clean.min(), data.clean.max()  # the normal data's range


def scale(x):
    return (x - lo) / (hi - lo)


def build_autoencoder(time_steps: int, activation: str = "relu") -> keras.Model:
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential(
        [
            keras.Input(shape=(time_steps, 1)),
            keras.layers.LSTM(64, activation=activation, return_sequences=True),
            keras.layers.LSTM(32, activation=activation),
            keras.layers.RepeatVector(time_steps),
            keras.layers.LSTM(32, activation=activation, return_sequences=True),
            keras.layers.LSTM(64, activation=activation, return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Dense(1)),
        ]
    )
    model.compile(optimizer="adam", loss="mae")
    return model


def train_and_score(time_steps: int, activation: str = "relu", test_series=None):
    """Train on the clean wave; per-step errors of the training and test windows."""
    test_series = data.anomalous if test_series is None else test_series
    X_train = lh.make_windows(scale(data.clean), time_steps)
    X_test = lh.make_windows(scale(test_series), time_steps)
    model = build_autoencoder(time_steps, activation)
    model.fit(X_train, X_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
    err_train = lh.per_step_errors(X_train, model.predict(X_train, verbose=0))
    err_test = lh.per_step_errors(X_test, model.predict(X_test, verbose=0))
    return model, err_train, err_test


def detect_points(err_train, err_test):
    """Notebook 1's corrected method: max per point, threshold = largest training score."""
    threshold = lh.windows_to_points(err_train, how="max").max()
    return np.flatnonzero(lh.windows_to_points(err_test, how="max") > threshold)


def localised_points(err_train, err_test, k=2.0):
    """Notebook 1's other mapping: flag windows (mean + k std), then each one's worst step."""
    flagged = err_test.mean(axis=1) > lh.mean_std_threshold(err_train.mean(axis=1), k=k)
    return lh.localise(err_test, flagged)


# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — A shorter window
#
# **Goal.** See how the window length `TIME_STEPS` changes what the autoencoder sees and what it flags.
#
# **Starting point.** Rebuild the windows, the model and the scores with
#
# ```python
# TIME_STEPS = 10
# ```
#
# and rerun Steps 3 to 10.
#
# **How to check.** With 10 steps, each spike lies in 10 windows instead of 20: are those 10 windows flagged? Are all four spikes among the corrected point-level detections, and are there any other detections? Where are they?

# %% [markdown]
# #### 📃 Solution 1

# %%
model_10, err_train_10, err_test_10 = train_and_score(time_steps=10)
flagged = err_test_10.mean(axis=1) > lh.mean_std_threshold(err_train_10.mean(axis=1), k=2)
runs = np.split(np.flatnonzero(flagged), np.flatnonzero(np.diff(np.flatnonzero(flagged)) > 1) + 1)
print("runs of flagged windows:", [f"{r[0]}..{r[-1]}" for r in runs])
points_10 = detect_points(err_train_10, err_test_10)
print("max per point:", points_10.tolist())
print("localised:    ", localised_points(err_train_10, err_test_10).tolist())
# Every window containing a spike is flagged, and every spike is detected...
for spike in data.anomaly_indices:
    assert flagged[spike - 9 : spike + 1].all()
assert set(data.anomaly_indices.tolist()) <= set(points_10.tolist())
# ...but the detections spread to neighbours, all within one window length of a spike.
distance = np.abs(points_10[:, None] - data.anomaly_indices[None, :]).min(axis=1)
print(f"extra detections: {len(points_10) - 4}, all within {distance.max()} points of a spike")
assert distance.max() < 10

# %% [markdown]
# What we measure with 10 steps: the windows holding each spike are all flagged, and every spike is detected, but two things got worse. A few normal windows are flagged too, at turning points of the wave: 10 steps hold less of its shape, so the model copies them less well. And the point-level detections spread to a few neighbours of each spike: a spike fills a larger share of a short window and spoils the model's copy of the points beside it beyond anything seen in training. A shorter window is a sharper locator only if the model still copies normal data well; here 20 steps is the better choice.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — `tanh` instead of `relu`
#
# **Goal.** Compare the walkthrough's `relu` LSTMs with Keras's default `tanh`.
#
# **Starting point.** In `build_autoencoder`, pass
#
# ```python
# activation="tanh"
# ```
#
# to the four LSTM layers (or drop the argument: `tanh` is the default), then train and score as before.
#
# **How to check.** Compare the final training loss with notebook 1's (about 0.02). Then compare both corrected mappings of Steps 9 and 10 with the true spikes `[100, 300, 700, 900]`: which one still puts each spike exactly on its index?

# %% [markdown]
# #### 📃 Solution 2

# %%
model_tanh, err_train_tanh, err_test_tanh = train_and_score(time_steps=20, activation="tanh")
print(f"training MAE with tanh: {model_tanh.history.history['loss'][-1]:.4f}")
points_tanh = detect_points(err_train_tanh, err_test_tanh)
local_tanh = localised_points(err_train_tanh, err_test_tanh)
print("max per point:", points_tanh.tolist())
print("localised:    ", local_tanh.tolist())
assert local_tanh.tolist() == [100, 300, 700, 900]
assert set(data.anomaly_indices.tolist()) <= set(points_tanh.tolist())
assert np.abs(points_tanh[:, None] - data.anomaly_indices[None, :]).min(axis=1).max() < 20

# %% [markdown]
# `tanh` keeps every hidden value in [−1, 1], so nothing can blow up, and it is the only activation for which TensorFlow can use the fast cuDNN LSTM kernel on a GPU. It trains a little better here. But compare the two mappings: localising the flagged windows still gives exactly the four spikes, while the max-per-point score now also flags neighbours of three spikes, because this model's copy of the points next to a spike is spoilt beyond anything it saw in training. Localising only looks *inside* windows already flagged, and always picks one point per run of windows, so it is the robust choice for isolated spikes; the per-point score is the one to use for longer anomalies, with a threshold you check on each new model.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — A level shift instead of spikes
#
# **Goal.** Find out whether the detector catches a *sustained* anomaly: a stretch where the wave is lifted by a constant.
#
# **Starting point.** Build a test series with a shift of +3 on points 600 to 649 and no spikes:
#
# ```python
# shifted = lh.sine_with_spikes(spikes={}).clean.copy()
# shifted[600:650] += 3.0
# ```
#
# then score it with a trained model (the one from Exercise 2 is fine) and the corrected point mapping.
#
# **How to check.** The detections should fall on or next to the shifted stretch (roughly 600..649), with nothing elsewhere. Do they cover all of it, or only its edges? Why?

# %% [markdown]
# #### 📃 Solution 3

# %%
shifted = lh.sine_with_spikes(spikes={}).clean.copy()
shifted[600:650] += 3.0
X_shift = lh.make_windows(scale(shifted), 20)
err_shift = lh.per_step_errors(X_shift, model_tanh.predict(X_shift, verbose=0))
points_shift = detect_points(err_train_tanh, err_shift)
print(f"{len(points_shift)} points detected, from {points_shift.min()} to {points_shift.max()}")

fig, ax = plt.subplots()
ax.plot(shifted, color=COLORS["blue"], lw=1, label="series with a level shift")
ax.scatter(
    points_shift,
    shifted[points_shift],
    color=COLORS["vermillion"],
    s=15,
    zorder=3,
    label="detected",
)
ax.axvspan(600, 649, color=COLORS["sky"], alpha=0.3, label="true shift")
ax.set(title="A level shift, scored by the autoencoder", xlabel="point index", ylabel="value")
ax.legend()
plt.show()
assert len(points_shift) > 0 and points_shift.min() >= 580 and points_shift.max() <= 670

# %% [markdown]
# The detections cluster on the shifted stretch, and mostly at its **edges**, the jumps, and where the lifted wave leaves the range seen in training. Inside the stretch, a window sees a smooth sine, just higher: an autoencoder judges *shapes* within its window, so a shift that keeps the shape is only visible where it moves values outside the normal range. For level shifts, a score that compares each window's level with the normal range is a useful complement.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 4 — A stricter threshold: k = 3
#
# **Goal.** See how the window-level threshold `mean + k·std` trades false alarms against misses.
#
# **Starting point.** In Step 6, use
#
# ```python
# threshold = lh.mean_std_threshold(train_window_err, k=3.0)
# ```
#
# **How to check.** Count the flagged test windows for k = 2 and k = 3. Each spike should still be flagged (at least one window containing it), and the count of flagged windows can only go down.

# %% [markdown]
# #### 📃 Solution 4

# %%
win_train, win_test = err_train_tanh.mean(axis=1), err_test_tanh.mean(axis=1)
for k in (2.0, 3.0):
    thr = lh.mean_std_threshold(win_train, k=k)
    flagged_k = np.flatnonzero(win_test > thr)
    hit = [any(w <= s <= w + 19 for w in flagged_k) for s in data.anomaly_indices]
    print(
        f"k = {k:g}: threshold {thr:.4f}, {len(flagged_k)} windows flagged, every spike hit: {all(hit)}"
    )
    assert all(hit)
counts = [np.sum(win_test > lh.mean_std_threshold(win_train, k=k)) for k in (2.0, 3.0)]
assert counts[1] <= counts[0]

# %% [markdown]
# Here the spikes are so large that k = 3 still catches every one. On real data, a higher k means fewer false alarms and more misses; choose it from what a false alarm and a miss cost you, on normal data only, never by looking at the anomalies you want to find.
