# %% [markdown]
# # 1 · Spikes in a sine wave: an LSTM autoencoder, step by step
#
# An autoencoder is trained to copy its input through a narrow bottleneck. Trained only on *normal* data, it learns to copy normal patterns well and anything else badly, so its **reconstruction error** becomes an anomaly score. Here the normal data is a clean sine wave, and the anomalies are four spikes we inject ourselves, so we know exactly where they are and can check every claim.
#
# **What you will learn**
#
# 1. how to cut a series into overlapping windows shaped `(samples, timesteps, features)` for a Keras LSTM;
# 2. how to build and train an LSTM autoencoder, and read its loss curves;
# 3. how to set a threshold from the training error alone, without peeking at the anomalies;
# 4. **a mistake in the walkthrough this notebook reproduces**: its plot marks points *after* each spike, never the spike itself. We show it, explain it, and fix it by mapping window results back to points in two different ways;
# 5. when a window-level answer ("something in these 20 points") is enough, and when you need a point-level one ("this point").
#
# **Prerequisites:** Python and numpy; what a neural network and a training loss are. Notebook 0 should pass on your machine.
# **Run time:** under a minute on a 2-core CPU, most of it training (the README's table gives the last `make bench` figures).

# %% [markdown]
# ## Setup
#
# Imports, versions, and seeds. `keras.utils.set_random_seed` seeds Python, numpy and TensorFlow at once; turning on TensorFlow's op determinism makes every run on the same machine give the same weights, errors and detections.

# %%
import os

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

import lstm_helpers as lh
from lstm_helpers.plotting import COLORS, apply_style, plot_loss

assert keras.__version__.startswith("3."), f"this notebook needs Keras 3, found {keras.__version__}"
print(
    f"TensorFlow {tf.__version__}, Keras {keras.__version__}, numpy {np.__version__}, lstm_helpers {lh.__version__}"
)

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
apply_style()

# %% [markdown]
# ## Step 1 — A clean sine wave and a copy with four spikes
#
# The walkthrough's data: 1,000 points of `5·sin(t/20)` for `t = 0, 0.5, …, 499.5`. The test copy adds +10 at index 100, −8 at 300, +12 at 700 and −10 at 900. `lh.sine_with_spikes` makes both and returns the true anomaly indices, so we can score ourselves; its arguments let you change the wave or the spikes in the exercises.

# %%
data = lh.sine_with_spikes()
time, clean, anomalous, true_idx = data
print(f"{clean.shape[0]} points; spikes at {true_idx.tolist()}")

fig, ax = plt.subplots()
ax.plot(time, anomalous, color=COLORS["vermillion"], lw=1, label="test copy, with spikes")
ax.plot(time, clean, color=COLORS["blue"], lw=1.5, label="normal (training) data")
ax.set(title="Normal data and the copy with injected spikes", xlabel="t", ylabel="value")
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# ## Step 2 — Scale to [0, 1] using the normal data only
#
# Neural networks train best on inputs of order one, so we min–max scale. The minimum and maximum come from the **normal data only**. Fitting them on the test copy would leak: its spikes would set the range (the +12 spike becomes the maximum), squeezing the normal signal into a narrower band, and the preprocessing would already "know" about the anomalies we are trying to find. In production you never have the future data when you fit, so don't fit on it here either.

# %%
lo, hi = clean.min(), clean.max()  # fitted on the normal data only


def scale(x: np.ndarray) -> np.ndarray:
    """Min-max scale with the normal data's range: normal values land in [0, 1]."""
    return (x - lo) / (hi - lo)


train_scaled, test_scaled = scale(clean), scale(anomalous)
leaky_lo, leaky_hi = anomalous.min(), anomalous.max()
print(f"range fitted on normal data: [{lo:.2f}, {hi:.2f}]")
print(f"range a leaky fit on the test copy would use: [{leaky_lo:.2f}, {leaky_hi:.2f}]")
print(
    f"scaled test copy spans [{test_scaled.min():.2f}, {test_scaled.max():.2f}]: spikes fall outside [0, 1]"
)

# %% [markdown]
# ## Step 3 — Overlapping windows
#
# An LSTM reads sequences shaped `(samples, timesteps, features)`. We cut every window of `TIME_STEPS = 20` consecutive points, moving one point at a time. `lh.make_windows` does this with numpy's `sliding_window_view`: the result is a read-only *view* of the series, so it costs no memory however many windows there are, and it checks its input (a window longer than the series, NaNs, or an array of the wrong rank raise a clear error).
#
# A series of `n` points has `n − 20 + 1 = 981` windows. (The walkthrough's loop stops one short, at 980, and silently drops the last window: a small off-by-one.) Window `w` covers points `w, w+1, …, w+19`. Keep that in mind: it matters in Step 8.

# %%
TIME_STEPS = 20
X_train = lh.make_windows(train_scaled, TIME_STEPS)
X_test = lh.make_windows(test_scaled, TIME_STEPS)
print(f"X_train {X_train.shape}, X_test {X_test.shape}  (samples, timesteps, features)")
print("a zero-copy view of the series:", np.shares_memory(X_train, train_scaled))
assert np.array_equal(X_test[100, :, 0], test_scaled[100:120])  # window w = points w..w+19


# %% [markdown]
# ## Step 4 — The LSTM autoencoder
#
# The walkthrough's architecture, unchanged:
#
# - an **encoder**, LSTM(64) then LSTM(32), which reads the 20 steps and keeps only its last state: a 32-number summary of the window;
# - `RepeatVector(20)` hands that summary to each of the 20 output steps;
# - a **decoder**, LSTM(32) then LSTM(64), and a `Dense(1)` applied at every step (`TimeDistributed`), which unrolls the summary back into 20 values.
#
# One detail differs from most LSTM code: the walkthrough uses `activation="relu"`, while Keras's default for LSTMs is `tanh`. `relu` is unbounded, so large inputs can blow up the cell state, and it rules out the fast cuDNN kernel on GPUs. On this small, scaled signal it trains well, so we keep it to reproduce the walkthrough; Exercise 2 swaps in `tanh`. We seed again right before building, so the model's initial weights don't depend on what ran before.


# %%
def build_autoencoder(time_steps: int, activation: str = "relu") -> keras.Model:
    """LSTM autoencoder: (batch, time_steps, 1) -> (batch, time_steps, 1)."""
    return keras.Sequential(
        [
            keras.Input(shape=(time_steps, 1)),
            keras.layers.LSTM(64, activation=activation, return_sequences=True),  # encoder
            keras.layers.LSTM(32, activation=activation),  # -> one 32-vector per window
            keras.layers.RepeatVector(time_steps),  # bottleneck, repeated for every step
            keras.layers.LSTM(32, activation=activation, return_sequences=True),  # decoder
            keras.layers.LSTM(64, activation=activation, return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Dense(1)),  # one value per step
        ],
        name="lstm_autoencoder",
    )


keras.utils.set_random_seed(SEED)
model = build_autoencoder(TIME_STEPS)
model.compile(optimizer="adam", loss="mae")
model.summary()

# %% [markdown]
# ## Step 5 — Train it to copy normal windows
#
# Input and target are the same windows: `fit(X_train, X_train)`. The walkthrough's settings are 20 epochs, batches of 32, and 10 % of the windows held out for validation. Keras takes that 10 % from the *end* of the array, the last stretch of the series, so the validation loss measures how well the model copies windows it has not trained on.

# %%
history = model.fit(X_train, X_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
print(
    f"final training MAE {history.history['loss'][-1]:.4f}, validation MAE {history.history['val_loss'][-1]:.4f}"
)
plot_loss(history.history, title="Autoencoder loss (mean absolute error)")
plt.show()

# %% [markdown]
# ## Step 6 — A threshold from the training error
#
# Each window's **reconstruction error** is its mean absolute error over its 20 steps. We compute it for every *training* window and set the threshold at the mean plus two standard deviations of those errors, as the walkthrough does. Only normal data enters the threshold: the test copy is not looked at until the next step.

# %%
train_recon = model.predict(X_train, verbose=0)
train_step_err = lh.per_step_errors(X_train, train_recon)  # (981, 20): |x - x_hat| per step
train_window_err = train_step_err.mean(axis=1)  # (981,): one MAE per window
threshold = lh.mean_std_threshold(train_window_err, k=2.0)
print(f"training window MAE: mean {train_window_err.mean():.4f}, std {train_window_err.std():.4f}")
print(f"threshold = mean + 2 std = {threshold:.4f}")

fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(train_window_err, bins=50, color=COLORS["blue"], label="training windows")
ax.axvline(threshold, color=COLORS["vermillion"], ls="--", label="threshold")
ax.set(title="Reconstruction error of the normal windows", xlabel="window MAE", ylabel="windows")
ax.legend()
plt.show()

# %% [markdown]
# ## Step 7 — Flag the test windows
#
# Now reconstruct the test copy and flag every window whose error is above the threshold. Each spike sits in 20 windows (the window that starts on it and the 19 before it), so we expect four runs of 20 flagged windows.

# %%
test_recon = model.predict(X_test, verbose=0)
test_step_err = lh.per_step_errors(X_test, test_recon)  # (981, 20)
test_window_err = test_step_err.mean(axis=1)  # (981,)
flagged = test_window_err > threshold
flagged_windows = np.flatnonzero(flagged)
runs = np.split(flagged_windows, np.flatnonzero(np.diff(flagged_windows) > 1) + 1)
print(f"{flagged.sum()} windows flagged, in {len(runs)} runs:")
for run in runs:
    print(f"  windows {run[0]}..{run[-1]}")

# %% [markdown]
# ## Step 8 — What goes wrong: the walkthrough's figure
#
# The walkthrough draws flagged window `i` at point `i + TIME_STEPS`, on the series and on the error curve alike. Here is that figure, reproduced as it was drawn. Look closely at where the dots land.

# %%
shifted = flagged_windows + TIME_STEPS  # the walkthrough's mapping: window i -> point i + 20

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
ax1.plot(time, anomalous, color=COLORS["blue"], lw=1, label="test data")
ax1.scatter(
    time[shifted],
    anomalous[shifted],
    color=COLORS["vermillion"],
    s=25,
    zorder=3,
    label="detected (as drawn)",
)
ax1.set(
    title="The walkthrough's figure: detections drawn at window index + TIME_STEPS", ylabel="value"
)
ax1.legend(loc="lower left")
ax2.plot(
    time[TIME_STEPS:],
    test_window_err[: len(time) - TIME_STEPS],
    color=COLORS["orange"],
    lw=1,
    label="window error",
)
ax2.axhline(threshold, color=COLORS["vermillion"], ls="--", label="threshold")
ax2.set(title="Window reconstruction error, drawn the same way", xlabel="t", ylabel="window MAE")
ax2.legend(loc="upper left")
plt.show()

near = shifted[(shifted > 90) & (shifted < 130)]
print(f"dots drawn near the spike at index 100: {near.min()}..{near.max()}")

# %% [markdown]
# The dots sit on the flat stretch **after** each spike, and none on the spike itself. The reason is the window arithmetic:
#
# - window `i` covers points `i … i+19`, so the spike at 100 is inside windows **81 … 100**, the ones flagged;
# - drawing window `i` at point `i + 20` puts them at points **101 … 120**: one step past the end of each window, which is never the spike, and is not even inside the window.
#
# Shifting by `TIME_STEPS − 1` instead (the window's *last* point) would not fix it either: it would give points 100 … 119. A flagged window does not know *where* inside it the problem is; a constant shift cannot recover that. We need to look inside the windows.

# %% [markdown]
# ## Step 9 — Fix 1: localise each flagged window to its worst point
#
# The model gives an error for every step of every window, not just one number per window. Inside a flagged window, the step with the largest error is the best guess for *where* the anomaly is. `lh.localise` takes each flagged window `w`, finds its worst step `t`, and reports point `w + t`; the 20 windows around one spike all point at the same index, so they collapse into one detection.

# %%
localised = lh.localise(test_step_err, flagged)
print("localised detections:", localised.tolist())
print("true spikes:         ", true_idx.tolist())

# %% [markdown]
# ## Step 10 — Fix 2: one score per point, from every window that covers it
#
# Localising only works *after* a window-level decision. The alternative is to score points directly. Each point is seen by up to 20 windows, each with its own error at that point; `lh.windows_to_points` combines them, by `max` (the worst view of the point) or by `mean`. We then need a threshold on the **same kind of score**, computed the same way on the training data.
#
# Here the mean + 2·std rule, which worked for windows, does not. Per-point errors of a sine wave depend on its phase: the autoencoder copies some parts of the cycle less well than others, every cycle. The scores are far from bell-shaped, and mean + 2·std would flag several percent of the *normal* training points. A rule that makes sense for any shape of score is **the largest score seen on normal data**: flag what is worse than anything normal ever was.

# %%
point_scores = {}
for how in ("max", "mean"):
    train_pts = lh.windows_to_points(train_step_err, how=how)  # (1000,) one score per point
    test_pts = lh.windows_to_points(test_step_err, how=how)
    naive = lh.mean_std_threshold(train_pts, k=2.0)
    point_threshold = train_pts.max()
    point_scores[how] = (train_pts, test_pts, point_threshold)
    print(
        f"[{how}] mean + 2 std would flag {np.mean(train_pts > naive):.1%} of the normal training points"
    )
    print(f"[{how}] threshold = max training score = {point_threshold:.4f}; flagged test points:")
    print("       ", np.flatnonzero(test_pts > point_threshold).tolist())

# %% [markdown]
# With `max`, the four flagged points are exactly the spikes. With `mean`, one spike drags a few of its neighbours over the line: a spike also spoils the model's copy of the points around it in every window it appears in, and averaging over 20 windows spreads that damage onto the neighbours' scores, while `max` keeps each point's own worst view. The figure zooms in on the spike at 300.

# %%
zoom = slice(270, 331)
fig, ax = plt.subplots(figsize=(8, 3.5))
for how, color, style in (("max", COLORS["blue"], "-"), ("mean", COLORS["orange"], "--")):
    _, test_pts, thr = point_scores[how]
    ax.plot(
        np.arange(1000)[zoom], test_pts[zoom], style, color=color, marker=".", label=f"{how} score"
    )
    ax.axhline(thr, color=color, ls=":", lw=1.5, label=f"{how} threshold")
ax.set_yscale("log")
ax.set(
    title="Per-point scores around the spike at 300",
    xlabel="point index",
    ylabel="score (log scale)",
)
ax.legend(ncol=2, loc="upper left")
plt.show()

# %% [markdown]
# ## Step 11 — Which mapping to use, and keeping both views
#
# - **Localise** (Fix 1) answers "where in this flagged window?". It needs the window-level decision first, and it reports one point per run of flagged windows: robust for isolated spikes (it stays exact when the model changes, see Exercise 2), less suited to a long anomaly, where it picks one point of many.
# - **Max per point** (Fix 2) scores every point on its own, with a threshold on the same per-point scores of normal data. It needs no window decision and marks every anomalous point of a longer event. This is the method we keep: `detected_points` below. It is exact *for this model*; a model whose copy of a spike's neighbours is spoilt beyond anything seen in training flags those neighbours too (Exercises 1 and 2 show it), so check it on every new model.
# - **Mean per point** smooths the score but smears a spike onto its neighbours; prefer it only when anomalies are long and noisy rather than sharp.
#
# Both levels are useful. A flagged **window** says "something in these 20 points is unusual", which is enough to raise an alert. A flagged **point** says "this one", which is what you need to show a person or to fix the data. The corrected figure shows both: the detections on the spikes, and the per-point score against its threshold.

# %%
train_pts, test_pts, point_threshold = point_scores["max"]
detected_points = np.flatnonzero(test_pts > point_threshold)

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
lh.plotting.plot_series_with_points(
    time,
    anomalous,
    detected_points,
    ax=ax1,
    truth=true_idx,
    label="test data",
    title="Corrected: detected points sit exactly on the spikes",
)
lh.plotting.plot_scores(
    time,
    test_pts,
    point_threshold,
    ax=ax2,
    label="per-point score (max over windows)",
    title="Per-point reconstruction error against the threshold",
    ylabel="error",
)
ax2.set_yscale("log")
plt.show()
print("detected points:", detected_points.tolist())

# %% [markdown]
# ## Sanity checks
#
# These assertions are the notebook's promises. They run in the project's tests, so if a change breaks one, CI fails.

# %%
# Exact detection: every spike, nothing else, by both corrected mappings.
assert detected_points.dtype.kind == "i"
assert set(detected_points.tolist()) == {100, 300, 700, 900}, detected_points
assert localised.tolist() == true_idx.tolist()
# The walkthrough's shifted dots never land on a spike.
assert not set(shifted.tolist()) & set(true_idx.tolist())

# Training data only: the scaler and both thresholds come from the normal series.
assert (lo, hi) == (clean.min(), clean.max())
assert threshold == lh.mean_std_threshold(
    lh.window_mae(X_train, model.predict(X_train, verbose=0)), k=2.0
)
assert point_threshold == lh.windows_to_points(train_step_err, how="max").max()

# Window level: four runs of 20 flagged windows, each containing its spike.
assert [len(r) for r in runs] == [TIME_STEPS] * 4
assert all(r[0] <= s <= r[-1] + TIME_STEPS - 1 for r, s in zip(runs, true_idx, strict=True))


# Reproducible: two fresh, equally seeded models trained on the same data end bit-for-bit equal.
def brief_training() -> list[np.ndarray]:
    keras.utils.set_random_seed(SEED)
    m = build_autoencoder(TIME_STEPS)
    m.compile(optimizer="adam", loss="mae")
    m.fit(X_train[:256], X_train[:256], epochs=1, batch_size=32, verbose=0)
    return m.get_weights()


assert all(np.array_equal(a, b) for a, b in zip(brief_training(), brief_training(), strict=True))
print("All sanity checks passed.")

# %% [markdown]
# ## Recap
#
# - An LSTM autoencoder trained on normal windows copies them well and copies anomalies badly; its reconstruction error is an anomaly score.
# - Everything fitted (the scaler, the thresholds) comes from normal data only.
# - A window is flagged as a whole: its index is where it *starts*, and a spike at point `p` lies in windows `p − 19 … p`. Drawing window `i` at `i + TIME_STEPS`, as the walkthrough does, puts every detection just after the spike.
# - Two correct ways back to points: localise each flagged window to its worst step, or score every point from all the windows that see it (max, not mean, for sharp anomalies) against a threshold on the same scores of normal data.
# - Check a threshold rule against the shape of its scores: mean + 2·std suits the window errors here, not the phase-dependent point errors.
#
# Next, **notebook 2** forecasts several metrics several steps ahead and lays its errors out per feature and per horizon.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer. Worked solutions: [solutions/01_univariate_lstm_autoencoder_solutions.ipynb](solutions/01_univariate_lstm_autoencoder_solutions.ipynb).
