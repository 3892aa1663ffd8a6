# %% [markdown]
# # 1 · Spikes in a sine wave: an LSTM autoencoder, step by step
#
# An autoencoder is trained to reproduce its input. Trained only on *normal* data, it copies normal shapes well and unusual ones badly, so its **reconstruction error** can serve as an anomaly score. Our normal data is a sine wave, and the anomalies are four spikes we add ourselves, so every claim can be checked.
#
# We follow the walkthrough **"LSTM for Anomaly Detection" by Anton A. Nesterov**, in our own words and code. Its final figure puts every detection in the wrong place: we show why, and fix it.
#
# **What you will learn**
#
# 1. how to cut a series into overlapping windows for a Keras LSTM, and which windows hold which point;
# 2. how to train an LSTM autoencoder and set a threshold from normal data only;
# 3. why the walkthrough's detections land *after* each spike, and two ways to map window results back to points;
# 4. which scores a live monitor can compute at the time (*causal*) and which need the future (*offline*);
# 5. whether you need an LSTM here at all.
#
# **Prerequisites:** Python and numpy; what a neural network and a training loss are; notebook 0 passes on your machine. **Run time:** well under a minute on a 2-core CPU (the README's table has the measured figure).


# %% [markdown]
# ## Setup
#
# Imports and the seed: `SEED` comes from the environment variable `LSTM_TUTORIAL_SEED` (42 when it is not set). `keras.utils.set_random_seed` seeds Python, numpy and TensorFlow at once; op determinism makes reruns on one machine identical.
#
# **Your numbers will differ from the saved ones:** another CPU, like another seed, trains a slightly different model. The text states only what held for seeds 0 to 9, and the Checks assert it; figures that depend on the training run are only printed.
# <!-- not-claims: 0 9 (the seeds tests/project/test_seeds.py runs this notebook with) -->

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide TensorFlow's C++ start-up lines

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh

assert keras.__version__.startswith("3."), f"this notebook needs Keras 3, found {keras.__version__}"
SEED = int(os.environ.get("LSTM_TUTORIAL_SEED", "42"))
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
lh.apply_style()
print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, lstm_helpers {lh.__version__}")
print(f"seed {SEED}")

# %% [markdown]
# ## Step 1 — A clean sine wave and a copy with four spikes
#
# The walkthrough's data: 1,000 points of `5·sin(t/20)`, with `t` running from 0 to 499.5 in steps of 0.5. We number the points 0 to 999 and plot against this **point index**, the number the rest of the notebook talks about. The test copy adds +10 at point 100, −8 at 300, +12 at 700 and −10 at 900. `lh.sine_with_spikes` makes both and returns the spikes' indices.
#
# Note what the test copy is: **the training series itself, with four points changed**. Away from the spikes, the model is tested on data it trained on: an easy test, good for learning (Step 10 comes back to it).

# %%
time, clean, anomalous, true_idx = lh.sine_with_spikes()
points = np.arange(len(clean))  # the point index: the x-axis of every figure
changed = np.flatnonzero(anomalous != clean)
print(
    f"{len(clean)} points, numbered {points[0]} to {points[-1]}; t = {time[0]:g}, {time[1]:g}, …, {time[-1]:g}"
)
print("spikes added (point: size):", {int(i): float(anomalous[i] - clean[i]) for i in true_idx})
print(f"points where the test copy differs from the training series: {changed.tolist()}")

fig, ax = plt.subplots()
ax.plot(points, anomalous, color=lh.COLORS["vermillion"], lw=1, label="test copy, with spikes")
ax.plot(points, clean, color=lh.COLORS["blue"], lw=1.5, label="normal (training) data")
ax.set(title="Normal data and the copy with four spikes", xlabel="point index", ylabel="value")
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# ## Step 2 — Scale to [0, 1] with the normal data's range
#
# Neural networks learn best from inputs of about 0 to 1, so we rescale: subtract the minimum, divide by the range. The minimum and maximum come from the **normal data only**.
#
# Why not from the test copy? Because its spikes would set the scale: its largest value, 12.99, is the +10 spike at point 100. A detector must not learn anything from the data it will be tested on; in production, that data does not exist yet when the detector is fitted.

# %%
lo, hi = clean.min(), clean.max()  # fitted on the normal data only


def scale(x: np.ndarray) -> np.ndarray:
    """Min-max scale with the normal data's range: normal values land in [0, 1]."""
    return (x - lo) / (hi - lo)


train_scaled, test_scaled = scale(clean), scale(anomalous)
print(f"range of the normal data: [{lo:.2f}, {hi:.2f}]")
print(f"range of the test copy:   [{anomalous.min():.2f}, {anomalous.max():.2f}]")
print(f"the test copy's maximum is at point {int(np.argmax(anomalous))}")
for i in true_idx:
    inside = 0 <= test_scaled[i] <= 1
    where = "inside [0, 1]: an ordinary value" if inside else "outside [0, 1]"
    print(f"spike at {i}: scaled to {test_scaled[i]:.3f}, {where}")

# %% [markdown]
# Three spikes leave the normal range. The −8 spike at 300 does not: it sits on a crest of the wave, so its value is ordinary and only its jump from its neighbours is unusual. A detector that looks only at values cannot see it (Step 12).

# %% [markdown]
# ## Step 3 — Overlapping windows
#
# An LSTM reads sequences shaped `(samples, timesteps, features)`. We cut the series into **windows**: every run of consecutive points of a fixed length, moving one point at a time. The picture shows it on a 10-point series with windows of 3: window `w` holds points `w`, `w + 1` and `w + 2`. A window is named after its **first** point, and each point lies in up to 3 windows.

# %%
toy = np.arange(10.0)  # 10 points whose values are their indices: a window lists its points
toy_windows = lh.make_windows(toy, 3)  # shape (8, 3, 1)
fig, ax = plt.subplots(figsize=(8, 4))
for w, window in enumerate(toy_windows[:, :, 0].astype(int)):
    holds_5 = 5 in window
    ax.barh(
        w,
        3,
        left=w - 0.45,
        height=0.6,
        color=lh.COLORS["orange"] if holds_5 else lh.COLORS["sky"],
        edgecolor=lh.COLORS["black"],
        label=("window holding point 5" if w == 3 else "other window" if w == 0 else None),
    )
    ax.text(w + 2.8, w, f"window {w}: points {window.tolist()}", va="center")
ax.set(
    title="A 10-point series cut into windows of 3",
    xlabel="point index",
    ylabel="window index",
    xticks=range(10),
    yticks=range(len(toy_windows)),
    xlim=(-0.7, 14),
)
ax.invert_yaxis()
ax.legend(loc="lower left")
plt.show()
print(f"{len(toy)} points, windows of 3: {len(toy_windows)} windows")

# %% [markdown]
# The real series gets windows of `TIME_STEPS = 20` points. `lh.make_windows` returns a *view* of the series (no copy) and checks its input. A series of `n` points has `n − 20 + 1` windows; the walkthrough's loop drops the last one.

# %%
TIME_STEPS = 20
X_train = lh.make_windows(train_scaled, TIME_STEPS)
X_test = lh.make_windows(test_scaled, TIME_STEPS)
walkthrough_count = len(range(len(train_scaled) - TIME_STEPS))  # its loop: range(n - TIME_STEPS)
print(f"X_train {X_train.shape}, X_test {X_test.shape}  (samples, timesteps, features)")
print(f"n - TIME_STEPS + 1 = {len(train_scaled) - TIME_STEPS + 1} windows")
print(f"the walkthrough's loop makes {walkthrough_count}")
print("a view of the series, not a copy:", np.shares_memory(X_train, train_scaled))
print(
    f"window w holds points w .. w + {TIME_STEPS - 1}; point p lies in windows p - {TIME_STEPS - 1} .. p"
)

# %% [markdown]
# ## Step 4 — The LSTM autoencoder
#
# The walkthrough's model, unchanged:
#
# - an **encoder**, LSTM(64) then LSTM(32), reads the 20 steps and keeps its last state: 32 numbers that summarise the window;
# - `RepeatVector(20)` hands that summary to each of the 20 output steps;
# - a **decoder**, LSTM(32) then LSTM(64), and a `Dense(1)` at every step turn it back into 20 values.
#
# The walkthrough sets `activation="relu"` in its LSTMs, where Keras's default is `tanh`; we keep `relu`, and Exercise 2 tries `tanh`. We seed again right before building, so the initial weights do not depend on what ran before.


# %%
def build_autoencoder(time_steps: int, activation: str = "relu") -> keras.Model:
    """LSTM autoencoder: (batch, time_steps, 1) -> (batch, time_steps, 1)."""
    return keras.Sequential(
        [
            keras.Input(shape=(time_steps, 1)),
            keras.layers.LSTM(64, activation=activation, return_sequences=True),  # encoder
            keras.layers.LSTM(32, activation=activation),  # -> one 32-vector per window
            keras.layers.RepeatVector(time_steps),  # the 32-vector, repeated for every step
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
# Input and target are the same windows: `fit(X_train, X_train)`. The walkthrough's settings: 20 epochs, batches of 32, and the last 10 % of the windows held out for validation. Those held-out windows overlap the training windows, and the wave repeats, so the validation loss tells us little more than the training loss, and nothing about detection.

# %%
history = model.fit(X_train, X_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
print(
    f"last epoch: training MAE {history.history['loss'][-1]:.4f}, "
    f"validation MAE {history.history['val_loss'][-1]:.4f}"
)
lh.plot_loss(history.history, title="Autoencoder loss (mean absolute error)")
plt.show()

# %% [markdown]
# ## Step 6 — A threshold from the training windows
#
# A window's **reconstruction error** is the mean absolute difference between it and the model's copy, over its 20 steps. The walkthrough's threshold is the mean plus two standard deviations of the training windows' errors. Only normal data enters it. (A deployed detector sets its threshold on a separate stretch of normal data, a *calibration* part: notebook 4 does that.)
#
# This rule promises no share of false alarms: how many training windows lie above it depends on the training run. The cell prints the share.

# %%
train_recon = model.predict(X_train, verbose=0)
train_step_err = lh.per_step_errors(X_train, train_recon)  # (981, 20): |x - copy| per step
train_window_err = train_step_err.mean(axis=1)  # (981,): one error per window
threshold = lh.mean_std_threshold(train_window_err, k=2.0)
print(
    f"training window error: mean {train_window_err.mean():.4f}, std {train_window_err.std():.4f}"
)
print(f"threshold = mean + 2 std = {threshold:.4f}")
print(f"training windows above it: {np.mean(train_window_err > threshold):.1%}")

fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(train_window_err, bins=50, color=lh.COLORS["blue"], label="training windows")
ax.axvline(threshold, color=lh.COLORS["vermillion"], ls="--", label="threshold")
ax.set(title="Reconstruction error of the normal windows", xlabel="window error", ylabel="windows")
ax.legend()
plt.show()

# %% [markdown]
# ## Step 7 — Reconstruct the test copy and flag windows
#
# Now the model copies every test window. The picture shows two of them beside their copies: a typical window far from the spikes (median error), copied closely, and window 91, which holds the spike at point 100. The model has only seen smooth windows: it copies the wave and misses the spike, so the error at the spike is many times the error at the other steps.

# %%
test_recon = model.predict(X_test, verbose=0)
test_step_err = lh.per_step_errors(X_test, test_recon)  # (981, 20)
test_window_err = test_step_err.mean(axis=1)  # (981,)
holds_spike = np.zeros(len(X_test), dtype=bool)  # window w holds a spike
for p in true_idx:
    holds_spike[p - TIME_STEPS + 1 : p + 1] = True
distance = np.abs(points[:, None] - true_idx[None, :]).min(axis=1)  # to the nearest spike
far_windows = np.flatnonzero(distance[: len(X_test)] >= 2 * TIME_STEPS)  # no spike nearby
typical = far_windows[np.argsort(train_window_err[far_windows])[len(far_windows) // 2]]

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
for ax, w in zip(axes, (typical, 91), strict=True):
    covered = points[w : w + TIME_STEPS]
    ax.plot(covered, X_test[w, :, 0], "o-", color=lh.COLORS["blue"], label="window (input)")
    ax.plot(covered, test_recon[w, :, 0], "s--", color=lh.COLORS["orange"], label="model's copy")
    ax.set(title=f"Window {w}: error {test_window_err[w]:.3f}", xlabel="point index")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
axes[0].set_ylabel("scaled value")
axes[1].legend(loc="upper right")
fig.suptitle("Two test windows beside the model's copies")
plt.show()
spike_step = 100 - 91  # point 100 is step 9 of window 91
others = np.median(np.delete(test_step_err[91], spike_step))  # the typical other step
spike_ratio = test_step_err[91, spike_step] / others
print(f"window 91: error {test_step_err[91, spike_step]:.3f} at the spike (step {spike_step}),")
print(
    f"  {others:.4f} at its median other step: the spike's error is {spike_ratio:.0f} times larger"
)

# %% [markdown]
# A spike at point `p` lies in 20 windows, `p − 19 … p`. Which test windows are above the threshold?

# %%
flagged = test_window_err > threshold
flagged_windows = np.flatnonzero(flagged)
for p in true_idx:
    print(
        f"spike at {p}: {flagged[p - TIME_STEPS + 1 : p + 1].sum()} of the 20 windows holding it flagged"
    )
normal_flagged = np.flatnonzero(flagged & ~holds_spike)
print(f"flagged windows that hold no spike: {len(normal_flagged)}")

# %% [markdown]
# Every window that holds a spike is flagged. A flagged window that holds no spike is a training window (the test copy *is* the training series there) that was already above the threshold in Step 6; how many there are depends on the training run.

# %% [markdown]
# ## Step 8 — What goes wrong: the walkthrough's figure
#
# The walkthrough draws flagged window `i` at point `i + TIME_STEPS`, on the series and on the error curve alike. Here is its figure, redrawn against the point index. Look at where the dots land.

# %%
drawn_at = flagged_windows + TIME_STEPS  # the walkthrough's mapping: window i -> point i + 20
drawn_at = drawn_at[drawn_at < len(points)]

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
ax1.plot(points, anomalous, color=lh.COLORS["blue"], lw=1, label="test data")
ax1.scatter(
    drawn_at,
    anomalous[drawn_at],
    color=lh.COLORS["vermillion"],
    s=25,
    zorder=3,
    label="detected (as drawn)",
)
ax1.set(title="The walkthrough's figure: window i drawn at point i + TIME_STEPS", ylabel="value")
ax1.legend(loc="lower left")
ax2.plot(
    points[TIME_STEPS:],
    test_window_err[: len(points) - TIME_STEPS],
    color=lh.COLORS["orange"],
    lw=1,
    label="window error",
)
ax2.axhline(threshold, color=lh.COLORS["vermillion"], ls="--", label="threshold")
ax2.set(
    title="Window reconstruction error, drawn the same way",
    xlabel="point index",
    ylabel="window error",
)
ax2.legend(loc="upper left")
plt.show()

for p in true_idx:
    print(f"the windows holding the spike at {p} are drawn at points {p + 1}..{p + TIME_STEPS}")

# %% [markdown]
# The dots of each spike's windows sit on the 20 points **after** it, never on it (any other dot comes from a normal window the threshold flagged, Step 7). The picture below shows why, for the spike at point 100: each bar is one window, drawn over the points it holds, as in Step 3.

# %%
spike = 100
shown = np.arange(spike - TIME_STEPS - 2, spike + 3)  # the windows around the spike
holding = shown[(shown <= spike) & (spike <= shown + TIME_STEPS - 1)]
fig, ax = plt.subplots(figsize=(10, 5))
for w in shown:
    inside = w in holding
    ax.plot(
        [w, w + TIME_STEPS - 1],
        [w, w],
        color=lh.COLORS["blue"] if inside else lh.COLORS["sky"],
        lw=3 if inside else 1.5,
        solid_capstyle="butt",
        label=("window holding point 100" if w == holding[0] else None)
        if inside
        else ("other window" if w == shown[0] else None),
    )
ax.scatter(
    holding + TIME_STEPS,
    holding,
    marker="x",
    color=lh.COLORS["vermillion"],
    zorder=3,
    label="where the walkthrough draws it (w + 20)",
)
ax.axvline(spike, color=lh.COLORS["black"], ls="--", lw=1, label="the spike, point 100")
ax.set(
    title="Which windows hold point 100, and where the walkthrough draws them",
    xlabel="point index",
    ylabel="window index w (holds w .. w + 19)",
)
ax.legend(loc="upper left")
plt.show()
print(f"windows holding point {spike}: {holding[0]}..{holding[-1]} ({len(holding)} windows)")
print(f"drawn at points {holding[0] + TIME_STEPS}..{holding[-1] + TIME_STEPS}")

# %% [markdown]
# The bold windows hold point 100: from window 81, which ends on it, to window 100, which starts on it. Each cross is where the walkthrough draws a window: one point past its end, outside it. A flagged window does not say *where* inside it the problem is, so no constant shift can fix this. We have to look inside the windows.

# %% [markdown]
# ## Step 9 — Fix 1: localise each flagged window to its worst step
#
# The model gives an error for every step of every window. Inside a flagged window, the step with the largest error is the best guess for where the anomaly is: `lh.localise` reports, for each flagged window `w` with worst step `t`, the point `w + t`, each point once.
#
# In every window that holds a spike, the worst step is the spike, so each spike is reported on its own index. A normal window above the threshold (Step 7) is reported too, at its own worst point: a false detection. Localising is only as good as the window threshold.

# %%
localised = lh.localise(test_step_err, flagged)
worst_point = np.arange(len(X_test)) + test_step_err.argmax(axis=1)  # w + worst step t
spike_windows = np.flatnonzero(holds_spike)
at_spike = np.isin(worst_point[spike_windows], true_idx).sum()
print(f"windows holding a spike whose worst step is the spike: {at_spike} of {len(spike_windows)}")
print(f"localised detections: {localised.tolist()}")
print(
    f"  on a spike: {np.isin(localised, true_idx).sum()}, elsewhere: {(~np.isin(localised, true_idx)).sum()}"
)

# %% [markdown]
# ## Step 10 — Fix 2: one score per point
#
# Or skip the window decision and score every point. A point lies in up to 20 windows, each with its own error at that point; `lh.windows_to_points(..., how="max")` keeps the largest. The threshold must be for the same kind of score: the largest score any training point got (`lh.max_threshold`).
#
# Far from the spikes, this threshold cannot raise a false alarm, because of Step 1: a window that holds no spike is the same input in both series, so it gets the same copy, and every point more than 19 steps from a spike scores exactly what it scored in training. Only the spikes and their neighbours can cross. Neighbours cross when a spike spoils the copy of the rest of its windows; how many do depends on the training run.
#
# On real data the normal part of the test period is new and can score above anything in training: notebook 4 sets thresholds on a separate calibration part.

# %%
train_pts = lh.windows_to_points(train_step_err, how="max")  # (1000,): one score per point
test_pts = lh.windows_to_points(test_step_err, how="max")
point_threshold = lh.max_threshold(train_pts)
far_from_spikes = distance > TIME_STEPS - 1  # distance to the nearest spike, from Step 7
print(f"threshold = largest training score = {point_threshold:.4f}")
print(
    f"points more than {TIME_STEPS - 1} steps from every spike: {far_from_spikes.sum()}, "
    f"scoring exactly as in training: {np.sum(test_pts[far_from_spikes] == train_pts[far_from_spikes])}"
)
detected_points = np.flatnonzero(test_pts > point_threshold)
neighbours = detected_points[~np.isin(detected_points, true_idx)]
print(
    f"detections: {np.isin(true_idx, detected_points).sum()} of 4 spikes, {len(neighbours)} neighbours"
)
print(
    f"each spike's score over the threshold: {np.round(test_pts[true_idx] / point_threshold, 1).tolist()}"
)

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
ax1.plot(points, anomalous, color=lh.COLORS["blue"], lw=1, label="test data")
ax1.scatter(
    true_idx,
    anomalous[true_idx],
    s=140,
    facecolors="none",
    edgecolors="black",
    label="true anomaly",
)
ax1.scatter(
    detected_points,
    anomalous[detected_points],
    s=40,
    color=lh.COLORS["vermillion"],
    zorder=3,
    label="detected",
)
ax1.set(title="Corrected: each detection drawn at the point it is about", ylabel="value")
ax1.legend(loc="upper right")
lh.plot_scores(
    points,
    test_pts,
    point_threshold,
    ax=ax2,
    label="per-point score (max over windows)",
    title="Per-point reconstruction error against the largest training score",
    ylabel="error (log scale)",
)
ax2.set(xlabel="point index", yscale="log")
plt.show()

# %% [markdown]
# ## Step 11 — Causal and offline scores: what a monitor could compute
#
# To score point 100, `windows_to_points` needs every window that holds it, including those that *end* up to 19 points later. That is fine for studying a recording (**offline**), but a live monitor must decide at time `p`, before those points exist.
#
# A **causal** score uses only what exists at time `p`: `lh.causal_scores` gives point `p` the error at the last step of the window that *ends* at `p`. We threshold it at its largest training value, and test causality by perturbation: change the test copy after point 500, and no causal score up to 500 may move.

# %%
causal_train = lh.causal_scores(train_step_err)
causal_test = lh.causal_scores(test_step_err)
causal_threshold = lh.max_threshold(causal_train)  # NaN (no score yet) is ignored
causal_points = np.flatnonzero(causal_test > causal_threshold)
print(f"causal threshold = largest training score = {causal_threshold:.4f}")
first_flags = {}
for p in true_idx:
    after = causal_points[(causal_points >= p) & (causal_points < p + TIME_STEPS)]
    first_flags[int(p)] = int(after[0]) if len(after) else None
    print(
        f"spike at {p}: first causal flag at {first_flags[int(p)]}; {len(after)} flags in the next 20 points"
    )

# The perturbation test: change every point after 500, then score again.
perturbed = test_scaled.copy()
perturbed[501:] += 0.3
X_perturbed = lh.make_windows(perturbed, TIME_STEPS)
perturbed_err = lh.per_step_errors(X_perturbed, model.predict(X_perturbed, verbose=0))
causal_moved = ~np.isclose(lh.causal_scores(perturbed_err), causal_test, equal_nan=True)
offline_moved = ~np.isclose(lh.windows_to_points(perturbed_err, how="max"), test_pts)
print(f"causal scores that moved at points <= 500: {causal_moved[:501].sum()}")
print(
    f"offline scores that moved at points <= 500: {offline_moved[:501].sum()} "
    f"(points {np.flatnonzero(offline_moved[:501]).min()}..500)"
)

zoom = slice(270, 331)
fig, ax = plt.subplots(figsize=(9, 3.8))
ax.plot(
    points[zoom],
    test_pts[zoom],
    "-",
    color=lh.COLORS["blue"],
    marker=".",
    label="offline: max over windows",
)
ax.plot(
    points[zoom],
    causal_test[zoom],
    "--",
    color=lh.COLORS["green"],
    marker=".",
    label="causal: window ending here",
)
ax.axhline(point_threshold, color=lh.COLORS["blue"], ls=":", label="offline threshold")
ax.axhline(causal_threshold, color=lh.COLORS["green"], ls=":", label="causal threshold")
ax.axvline(300, color=lh.COLORS["black"], lw=1, ls="--", label="spike")
ax.set(
    title="Offline and causal point scores around the spike at 300",
    xlabel="point index",
    ylabel="score (log scale)",
    yscale="log",
)
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# Each spike is caught by the causal score at its own point, with no delay. Flags may follow while the spike is still inside the window that ends at each point; a monitor raises one alarm at the first flag and treats the next 19 points as part of it. The offline scores see each point from all sides, but only in hindsight: never report delays or streaming results from a score that looks ahead (notebook 5 builds a monitor).

# %% [markdown]
# ## Step 12 — Do we need an LSTM? Two simple baselines
#
# Before trusting a model, try the simplest detectors on the same data, each with a threshold from the training series alone:
#
# - **first difference**: `|x[t] − x[t−1]|`, how far a point jumped from the one before (`lh.persistence_error`), above its largest training value. Causal, and no training.
# - **range check**: how far a value lies outside the training range `[min, max]` (`lh.range_check`), above 0.

# %%
train_series, test_series = pd.Series(train_scaled), pd.Series(test_scaled)
first_diff = lh.persistence_error(test_series, lag=1)  # |x[t] - x[t-1]|
diff_points = np.flatnonzero(first_diff > lh.max_threshold(lh.persistence_error(train_series, 1)))
range_points = np.flatnonzero(lh.range_check(test_series, train_series) > 0)
detectors = {
    "LSTM, localise (offline)": localised,
    "LSTM, max per point (offline)": detected_points,
    "LSTM, causal score": causal_points,
    "first difference (causal)": diff_points,
    "range check (causal)": range_points,
}
table = pd.DataFrame(
    {
        "spikes found": [np.isin(true_idx, d).sum() for d in detectors.values()],
        "other points flagged": [(~np.isin(d, true_idx)).sum() for d in detectors.values()],
        "needs training": [True, True, True, False, False],
    },
    index=list(detectors),
)
display(table)
print("first difference flags:", diff_points.tolist())
print("range check flags:     ", range_points.tolist())
spikes_verdict = lh.verdict(table["spikes found"].iloc[1], table["spikes found"].iloc[3])
print(f"LSTM (max per point) against the first difference, spikes found: {spikes_verdict}")

# %% [markdown]
# The first difference finds every spike, with two lines of code and no training; it also flags the jump back down after each spike, which a monitor would fold into the same alarm. The range check misses the spike at 300, whose value is ordinary (Step 2). The LSTM rows' "other points flagged" depend on the training run.
#
# **Verdict** (`lh.verdict`, the rule every notebook uses): the LSTM does not beat the first difference here. Both find every spike; the LSTM's other flags depend on the training run, while the first difference's are always the four jumps back, one beside each spike. For isolated spikes on a smooth signal, use the jump detector: cheaper, causal, no training. An LSTM earns its cost when *normal* is a shape spread over many steps (notebook 2), and even then it must beat such baselines (notebooks 3 and 4).

# %% [markdown]
# ## Checks
#
# What this notebook teaches, as assertions that could fail. The structural ones hold for any model; the others (each spike's windows flagged, with the spike as their worst step; each spike found on its index, by the causal score without delay) held for every seed from 0 to 9.
# <!-- not-claims: 0 9 (the seeds of tests/project/test_seeds.py) -->

# %%
# Windows: window w holds points w .. w + 19, so a spike at p lies in windows p - 19 .. p.
assert np.array_equal(toy_windows[3, :, 0], [3, 4, 5])
assert all(np.array_equal(X_test[w, :, 0], test_scaled[w : w + TIME_STEPS]) for w in (0, 500, 980))
assert len(X_test) == len(test_scaled) - TIME_STEPS + 1 == walkthrough_count + 1
assert holding.tolist() == list(range(spike - TIME_STEPS + 1, spike + 1))
# Per-point scores come from the right windows.
assert np.isclose(train_pts[spike], max(train_step_err[w, spike - w] for w in holding))
assert np.isclose(causal_test[500], test_step_err[500 - TIME_STEPS + 1, -1])
assert np.isnan(causal_train[: TIME_STEPS - 1]).all() and np.isfinite(causal_threshold)

# Only normal data is fitted: the scaler and every threshold come from the training series.
assert (lo, hi) == (clean.min(), clean.max())
assert np.isclose(threshold, lh.mean_std_threshold(train_window_err, k=2.0))
assert not np.any(train_pts > point_threshold) and not np.any(causal_train > causal_threshold)

# The test copy is the training series except at the spikes: a normal window is flagged
# exactly when it was above the threshold in training, and far from the spikes the point
# scores equal the training scores, so the max threshold cannot flag them.
assert changed.tolist() == true_idx.tolist()
assert (
    normal_flagged.tolist()
    == np.flatnonzero((train_window_err > threshold) & ~holds_spike).tolist()
)
assert np.array_equal(test_pts[far_from_spikes], train_pts[far_from_spikes])
assert not np.any(test_pts[far_from_spikes] > point_threshold)

# The walkthrough's mapping draws every window holding a spike after the spike.
assert np.all(holding + TIME_STEPS > spike)
assert spike_ratio > 5  # the spike's error is many times a window's other errors

# The detections the text describes (held for seeds 0-9): every window holding a spike is
# flagged, its worst step is the spike, and each fix puts every spike on its own index.
assert flagged[holds_spike].all()
assert at_spike == len(spike_windows)
assert np.isin(true_idx, localised).all() and np.isin(true_idx, detected_points).all()
assert len(localised) == len(true_idx) + len(np.unique(worst_point[normal_flagged]))
assert first_flags == {int(p): int(p) for p in true_idx}  # the causal score: no delay

# Causal scores use no future point; offline scores do.
assert causal_moved[:501].sum() == 0 and offline_moved[:501].sum() > 0

# The baselines: the first difference flags each spike and the jump back after it; the
# spike at 300 is an ordinary value once scaled, so the range check misses it; the LSTM
# does not beat the first difference on spikes found.
assert diff_points.tolist() == sorted([*true_idx, *(true_idx + 1)])
assert 0 <= test_scaled[300] <= 1 and 300 not in range_points
assert spikes_verdict != "win"
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - An LSTM autoencoder trained on normal windows copies them well and anomalies badly; its reconstruction error is an anomaly score.
# - Everything fitted (the scaler, every threshold) comes from normal data only.
# - A window is named after its *first* point; a spike at `p` lies in windows `p − 19 … p`. Drawing window `i` at `i + TIME_STEPS` puts every detection after the spike.
# - Two fixes, localising and one score per point, put every spike on its index; what else they flag depends on the training run.
# - Both look ahead; the causal score is the one a monitor can compute, and a perturbation test proves it.
# - Try simple baselines first: for spikes, a first difference is enough.
#
# Next: **notebook 2** forecasts several metrics several steps ahead, and tests by perturbation what each output can see.

# %% [markdown]
# ## Going further
#
# Two topics for a second reading, which the workshop may skip: which per-point score to use, and how the walkthrough's code maps onto `lh`.
#
# ### Max or mean per point?
#
# Step 10 combined a point's errors from its 20 windows by their maximum; `how="mean"` averages them instead. A point's mean is never above its max, so the mean scores need their own threshold: again the largest training score of their kind, and a lower one (the cell prints both). Which of the two flags more neighbours of a spike depends on how far the spike lifts each kind of score relative to its own threshold, so it depends on the model: the cell prints both counts for this run, and zooms in on the spike at 300.
#
# Which to prefer cannot be settled by looking at where the spikes are, as we just did: that is choosing on the test labels. Compare them on normal data or a labelled validation set, never on the data you report.

# %%
point_scores = {}  # how -> (training scores, test scores, threshold)
for how in ("max", "mean"):
    train_how = lh.windows_to_points(train_step_err, how=how)
    test_how = lh.windows_to_points(test_step_err, how=how)
    point_scores[how] = (train_how, test_how, lh.max_threshold(train_how))
    near_flags = np.flatnonzero((test_how > point_scores[how][2]) & ~np.isin(points, true_idx))
    print(
        f"[{how}] threshold {point_scores[how][2]:.4f}; spikes found "
        f"{np.isin(true_idx, np.flatnonzero(test_how > point_scores[how][2])).sum()}; "
        f"neighbours flagged {len(near_flags)}"
    )
max_thr, mean_thr = point_scores["max"][2], point_scores["mean"][2]
print(f"threshold ratio max / mean: {max_thr / mean_thr:.2f}")

fig, ax = plt.subplots(figsize=(9, 3.8))
for how, color, style in (("max", lh.COLORS["blue"], "-"), ("mean", lh.COLORS["orange"], "--")):
    _, test_how, thr = point_scores[how]
    ax.plot(points[zoom], test_how[zoom], style, color=color, marker=".", label=f"{how} score")
    ax.axhline(thr, color=color, ls=":", lw=1.5, label=f"{how} threshold")
ax.set(
    title="Per-point scores around the spike at 300",
    xlabel="point index",
    ylabel="score (log scale)",
    yscale="log",
)
ax.legend(ncol=2, loc="upper left")
plt.show()

# %% [markdown]
# Why not mean + 2·std for point scores, as for windows? That rule promises nothing about how many normal points it flags: the share depends on the shape of the scores, and per-point errors of a sine wave follow the wave's phase, not a bell curve. The cell prints the share of *normal* training points each kind of score would flag under it.

# %%
for how in ("max", "mean"):
    train_how = point_scores[how][0]
    naive = lh.mean_std_threshold(train_how, k=2.0)
    print(
        f"[{how}] mean + 2 std would flag {np.mean(train_how > naive):.1%} of the normal training points"
    )
assert np.all(point_scores["max"][1] >= point_scores["mean"][1])  # max >= mean at every point
assert max_thr >= mean_thr

# %% [markdown]
# ### From the walkthrough's code to `lh`
#
# | the walkthrough | here | why |
# | --- | --- | --- |
# | `create_sequences(data, time_steps)`, a Python loop | `lh.make_windows(series, n_timesteps)` | a view, with every window (the loop drops the last) |
# | `MinMaxScaler` fitted on the normal data | `scale`, two lines in Step 2 | the same rule, visible |
# | `np.mean(np.abs(X_pred - X), axis=1)` | `lh.per_step_errors(y, yhat).mean(axis=1)`, or the per-step errors themselves | per-step errors are what Fixes 1 and 2 need |
# | `np.mean(loss) + 2 * np.std(loss)` | `lh.mean_std_threshold(scores, k=2.0)`, or `lh.max_threshold(scores)` | a threshold for each kind of score |
# | flagged window `i` drawn at `time[i + TIME_STEPS]` | `lh.localise`, `lh.windows_to_points` (offline) or `lh.causal_scores` (causal) | a window's index is its first point, and its flag does not say where inside it |

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer. Each has its own starter cell below it, using only names that start with `ex1_`, `ex2_`, …: fill in the `# your code here` lines and run it, after *Run All*, without changing anything above. Worked solutions: [solutions/01_univariate_lstm_autoencoder_solutions.ipynb](solutions/01_univariate_lstm_autoencoder_solutions.ipynb).
