# %% [markdown]
# # 1 · Spikes in a sine wave: an LSTM autoencoder, step by step
#
# An autoencoder is trained to reproduce its input at its output. Trained only on *normal* data, it learns to copy normal shapes well and, with luck, anything else badly, so its **reconstruction error** becomes an anomaly score. Here the normal data is a clean sine wave, and the anomalies are four spikes we inject ourselves, so we know exactly where they are and can check every claim.
#
# This notebook follows the walkthrough **"LSTM for Anomaly Detection" by Anton A. Nesterov**: its data, its model and its threshold, redone in our own words and code, with the place where it goes wrong shown and fixed. Step 13 maps each piece of its code to the `lh` function that replaces it.
#
# **What you will learn**
#
# 1. how to cut a series into overlapping windows shaped `(samples, timesteps, features)` for a Keras LSTM, and which windows cover which point;
# 2. how to build and train an LSTM autoencoder, and read its loss curves;
# 3. how to set a threshold from the training error alone, without peeking at the anomalies, and how to check that the rule suits the score;
# 4. **a mistake in the walkthrough this notebook reproduces**: its plot marks points *after* each spike, never the spike itself. We show it, explain it, and fix it by mapping window results back to points;
# 5. which point scores a live monitor could compute at the time (*causal*) and which need data from the future (*offline*);
# 6. whether you need an LSTM here at all: a two-line first-difference detector on the same data.
#
# **Prerequisites:** Python and numpy; what a neural network and a training loss are. Notebook 0 should pass on your machine.
# **Run time:** about a minute on a 2-core CPU, most of it training (the README's table gives the measured figure).
#
# Every figure quoted in this notebook's text is printed by a cell above it. Training is seeded and deterministic on one machine, but a different CPU can end with slightly different weights: if your printed numbers differ from the saved ones, read yours.
# <!-- not-claims: 2 (the machine of the README's run-time table) -->

# %% [markdown]
# ## Setup
#
# Imports, versions, and seeds. `keras.utils.set_random_seed` seeds Python, numpy and TensorFlow at once; turning on TensorFlow's op determinism makes every run on the same machine give the same weights, errors and detections.

# %%
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # hide TensorFlow's C++ start-up chatter

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh

assert keras.__version__.startswith("3."), f"this notebook needs Keras 3, found {keras.__version__}"
print(
    f"TensorFlow {tf.__version__}, Keras {keras.__version__}, numpy {np.__version__}, lstm_helpers {lh.__version__}"
)

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
lh.apply_style()

# %% [markdown]
# ## Step 1 — A clean sine wave and a copy with four spikes
#
# The walkthrough's data: 1,000 points of `5·sin(t/20)` for `t = 0, 0.5, …, 499.5`. The test copy adds +10 at index 100, −8 at 300, +12 at 700 and −10 at 900. `lh.sine_with_spikes` makes both and returns the true anomaly indices, so we can score ourselves; its arguments let you change the wave or the spikes in the exercises.
#
# Note what this test copy is: **the training series itself, with four points changed**. Every stretch of the test copy away from the spikes is a stretch the model trains on. That makes this a clean lesson in windows and mappings, and an easy test: Step 10 comes back to what it means for the threshold.

# %%
data = lh.sine_with_spikes()
time, clean, anomalous, true_idx = data
changed = np.flatnonzero(anomalous != clean)
print(f"{len(clean)} points at t = {time[0]:g}, {time[1]:g}, …, {time[-1]:g}")
print("spikes added (index: size):", {int(i): float(anomalous[i] - clean[i]) for i in true_idx})
print(f"points where the test copy differs from the training series: {changed.tolist()}")

fig, ax = plt.subplots()
ax.plot(time, anomalous, color=lh.COLORS["vermillion"], lw=1, label="test copy, with spikes")
ax.plot(time, clean, color=lh.COLORS["blue"], lw=1.5, label="normal (training) data")
ax.set(title="Normal data and the copy with injected spikes", xlabel="t", ylabel="value")
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# ## Step 2 — Scale to [0, 1] using the normal data only
#
# Neural networks train best on inputs of order one, so we min–max scale. The minimum and maximum come from the **normal data only**. Fitting them on the test copy would leak: its spikes would set the range (the maximum, 12.99, would come from the +10 spike at 100, added where the wave is at 2.99; the +12 spike at 700 is added near a trough and reaches only 7.12), squeezing the normal signal into a narrower band, and the preprocessing would already "know" about the anomalies we are trying to find. In production you never have the future data when you fit, so don't fit on it here either.

# %%
lo, hi = clean.min(), clean.max()  # fitted on the normal data only


def scale(x: np.ndarray) -> np.ndarray:
    """Min-max scale with the normal data's range: normal values land in [0, 1]."""
    return (x - lo) / (hi - lo)


train_scaled, test_scaled = scale(clean), scale(anomalous)
print(f"range fitted on normal data: [{lo:.2f}, {hi:.2f}]")
print(
    f"range a leaky fit on the test copy would use: [{anomalous.min():.2f}, {anomalous.max():.2f}]"
)
top = int(np.argmax(anomalous))
print(
    f"its maximum is at index {top}: wave {clean[top]:.2f} + spike {anomalous[top] - clean[top]:+g}"
    f" = {anomalous[top]:.2f}; the +12 spike at 700 reaches only {anomalous[700]:.2f}"
)
for i in true_idx:
    inside = 0 <= test_scaled[i] <= 1
    where = "inside [0, 1], an ordinary value" if inside else "outside [0, 1]"
    print(f"spike at {i}: scaled to {test_scaled[i]:.3f}, {where}")

# %% [markdown]
# Three spikes leave the normal range, but the −8 spike at 300 lands on a crest of the wave and scales to a perfectly ordinary value: its *value* is not unusual, only its jump from its neighbours is. A detector that only looks at values (a range check) cannot see it. Remember this spike for Step 12.

# %% [markdown]
# ## Step 3 — Overlapping windows
#
# An LSTM reads sequences shaped `(samples, timesteps, features)`. We cut every window of `TIME_STEPS = 20` consecutive points, moving one point at a time. `lh.make_windows` does this with numpy's `sliding_window_view`: the result is a read-only *view* of the series, so it costs no memory however many windows there are, and it checks its input (a window longer than the series, NaNs, or an array of the wrong rank raise a clear error).

# %%
TIME_STEPS = 20
X_train = lh.make_windows(train_scaled, TIME_STEPS)
X_test = lh.make_windows(test_scaled, TIME_STEPS)
walkthrough_count = len(range(len(train_scaled) - TIME_STEPS))  # its loop: range(n - TIME_STEPS)
print(f"X_train {X_train.shape}, X_test {X_test.shape}  (samples, timesteps, features)")
print(f"n - TIME_STEPS + 1 = {len(train_scaled) - TIME_STEPS + 1} windows")
print(f"the walkthrough's loop makes {walkthrough_count}: it drops the last window")
print("a zero-copy view of the series:", np.shares_memory(X_train, train_scaled))
print(
    f"window w covers points w .. w + {TIME_STEPS - 1}; point p lies in windows p - {TIME_STEPS - 1} .. p"
)
assert np.array_equal(X_test[100, :, 0], test_scaled[100:120])  # window 100 = points 100..119

# %% [markdown]
# A series of `n` points has `n − 20 + 1` windows. The walkthrough's loop stops one short and silently drops the last window: a small off-by-one. More important is the last line: window `w` is indexed by its **first** point and covers 20 points, so every point lies in up to 20 windows. Keep that in mind: it matters in Step 8.

# %% [markdown]
# ## Step 4 — The LSTM autoencoder
#
# The walkthrough's architecture, unchanged:
#
# - an **encoder**, LSTM(64) then LSTM(32), which reads the 20 steps and keeps only its last state: a 32-number summary of the window;
# - `RepeatVector(20)` hands that summary to each of the 20 output steps (32 numbers for 20 input values is no compression: what keeps the model from copying an anomaly is that it has only ever learned normal shapes, not a narrow code);
# - a **decoder**, LSTM(32) then LSTM(64), and a `Dense(1)` applied at every step (`TimeDistributed`), which unrolls the summary back into 20 values.
#
# One detail differs from most LSTM code: the walkthrough uses `activation="relu"`, while Keras's default for LSTMs is `tanh`. `relu` is unbounded, so large inputs can blow up the cell state, and it rules out the fast cuDNN kernel on GPUs. We keep it to reproduce the walkthrough; Exercise 2 swaps in `tanh`. We seed again right before building, so the model's initial weights don't depend on what ran before.


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
# Input and target are the same windows: `fit(X_train, X_train)`. The walkthrough's settings are 20 epochs, batches of 32, and 10 % of the windows held out for validation. Keras takes that 10 % from the *end* of the array, the last stretch of the series, windows the model does not train on. They are not a real test, though: each overlaps the last training windows by up to 19 points, and the wave repeats, so they are near-duplicates of windows it trains on. Nor is a validation loss below the training loss a puzzle: Keras reports the training loss as a running average over the epoch, while the weights are still changing, and the validation loss with the weights of the epoch's end. With `relu` the curve can jump up and down between epochs; the model we keep is the one after the last epoch.

# %%
history = model.fit(X_train, X_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
print(
    f"last epoch: training MAE {history.history['loss'][-1]:.4f}, validation MAE {history.history['val_loss'][-1]:.4f}"
)
lh.plot_loss(history.history, title="Autoencoder loss (mean absolute error)")
plt.show()

# %% [markdown]
# ## Step 6 — A threshold from the training error
#
# Each window's **reconstruction error** is its mean absolute error over its 20 steps. We compute it for every *training* window and set the threshold at the mean plus two standard deviations of those errors, as the walkthrough does. Only normal data enters the threshold: the test copy is not looked at until the next step.
#
# (Errors on the very windows a model trained on are optimistic. A deployed detector sets its threshold on a separate, later part of normal data, a *calibration* part: notebook 4 does that. Here we follow the walkthrough.)

# %%
train_recon = model.predict(X_train, verbose=0)
train_step_err = lh.per_step_errors(X_train, train_recon)  # (981, 20): |x - x_hat| per step
train_window_err = train_step_err.mean(axis=1)  # (981,): one MAE per window
threshold = lh.mean_std_threshold(train_window_err, k=2.0)
print(f"training window MAE: mean {train_window_err.mean():.4f}, std {train_window_err.std():.4f}")
print(f"threshold = mean + 2 std = {threshold:.4f}")
print(f"training windows above it: {np.mean(train_window_err > threshold):.1%}")

fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(train_window_err, bins=50, color=lh.COLORS["blue"], label="training windows")
ax.axvline(threshold, color=lh.COLORS["vermillion"], ls="--", label="threshold")
ax.set(title="Reconstruction error of the normal windows", xlabel="window MAE", ylabel="windows")
ax.legend()
plt.show()

# %% [markdown]
# ## Step 7 — Flag the test windows
#
# Now reconstruct the test copy and flag every window whose error is above the threshold. A spike at point `p` lies in 20 windows, `p − 19 … p`, so we expect runs of flagged windows ending at each spike.

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
for p in true_idx:
    windows_of_p = np.arange(p - TIME_STEPS + 1, p + 1)
    print(
        f"spike at {p}: {flagged[windows_of_p].sum()} of the {len(windows_of_p)} windows holding it flagged"
    )
far = [w for w in flagged_windows if not any(w <= p <= w + TIME_STEPS - 1 for p in true_idx)]
print(f"flagged windows that hold no spike: {len(far)}")

# %% [markdown]
# ## Step 8 — What goes wrong: the walkthrough's figure
#
# The walkthrough draws flagged window `i` at point `i + TIME_STEPS`, on the series and on the error curve alike. Here is that figure, reproduced as it was drawn. Look closely at where the dots land.

# %%
drawn_at = flagged_windows + TIME_STEPS  # the walkthrough's mapping: window i -> point i + 20

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
ax1.plot(time, anomalous, color=lh.COLORS["blue"], lw=1, label="test data")
ax1.scatter(
    time[drawn_at],
    anomalous[drawn_at],
    color=lh.COLORS["vermillion"],
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
    color=lh.COLORS["orange"],
    lw=1,
    label="window error",
)
ax2.axhline(threshold, color=lh.COLORS["vermillion"], ls="--", label="threshold")
ax2.set(title="Window reconstruction error, drawn the same way", xlabel="t", ylabel="window MAE")
ax2.legend(loc="upper left")
plt.show()

near = drawn_at[(drawn_at > 100) & (drawn_at <= 100 + TIME_STEPS)]
print(f"dots drawn after the spike at index 100: points {near.min()}..{near.max()}")
print(f"dots drawn on a spike: {sorted(set(drawn_at.tolist()) & set(true_idx.tolist()))}")

# %% [markdown]
# The dots sit on the stretch **after** each spike, and none on the spike itself. The picture below shows why, for the spike at point 100: each horizontal bar is one window, drawn over the points it covers.

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
    title="Which windows cover point 100, and where the walkthrough draws them",
    xlabel="point index",
    ylabel="window index w (covers w .. w + 19)",
)
ax.legend(loc="upper left")
plt.show()
print(f"windows holding point {spike}: {holding[0]}..{holding[-1]} ({len(holding)} windows)")
print(f"drawn at points {holding[0] + TIME_STEPS}..{holding[-1] + TIME_STEPS}")
print(
    f"shifting by TIME_STEPS - 1 instead: {holding[0] + TIME_STEPS - 1}..{holding[-1] + TIME_STEPS - 1}"
)

# %% [markdown]
# Read the picture from the dashed line: the windows that hold point 100 are the bold ones, from the one that *ends* on it to the one that *starts* on it. Each cross is where the walkthrough draws a window: one step past its end, outside the window, and never on the spike. Shifting by `TIME_STEPS − 1` instead (each window's last point) would not fix it either: it lands on the spike for one window only. A flagged window does not know *where* inside it the problem is, and no constant shift can recover that. We need to look inside the windows.

# %% [markdown]
# ## Step 9 — Fix 1: localise each flagged window to its worst point
#
# The model gives an error for every step of every window, not just one number per window. Inside a flagged window, the step with the largest error is the best guess for *where* the anomaly is. `lh.localise` takes each flagged window `w`, finds its worst step `t`, and reports point `w + t`: one point per flagged window. Windows whose worst step is the same point report it once, so when the spike dominates every window holding it, a whole run collapses to the spike's index. That is what happens in this training run (one seed); the margin is thin, though: the largest window error on normal data lies close to the threshold (the cell prints both), so a slightly different model can flag a normal window too, and then localising reports a point far from any spike. Exercise 2's solution shows such a model.

# %%
localised = lh.localise(test_step_err, flagged)
per_window = flagged_windows + test_step_err[flagged_windows].argmax(axis=1)
print("localised detections:", localised.tolist())
print("true spikes:         ", true_idx.tolist())
print(f"{len(flagged_windows)} flagged windows point at {len(localised)} distinct points")
print(
    f"largest training window error {train_window_err.max():.4f} against the threshold {threshold:.4f}"
    f" (ratio {train_window_err.max() / threshold:.2f})"
)

# %% [markdown]
# ## Step 10 — Fix 2: one score per point, from every window that covers it
#
# Localising only works *after* a window-level decision. The alternative is to score points directly. Each point is seen by up to 20 windows, each with its own error at that point; `lh.windows_to_points` combines them, by `max` (the worst view of the point) or by `mean`. We then need a threshold on the **same kind of score**, computed the same way on the training data.
#
# Does mean + 2·std, which the walkthrough used for windows, suit these scores? It depends on their shape. Per-point errors of a sine wave depend on its phase: the autoencoder copies some parts of the cycle less well than others, every cycle, so there is no reason to expect a bell shape. The cell prints each kind of score's skewness (0 for a symmetric bell) and how many of the *normal* training points mean + 2·std would flag: for `mean` scores almost none, for `max` scores a sizeable share, so the rule suits one and not the other. We use one rule for both instead. The other rule is **the largest score seen on normal data**: flag only what is worse than anything normal ever was.

# %%
point_scores = {}  # how -> (training scores, test scores, threshold)
for how in ("max", "mean"):
    train_how = lh.windows_to_points(train_step_err, how=how)  # (1000,) one score per point
    test_how = lh.windows_to_points(test_step_err, how=how)
    naive = lh.mean_std_threshold(train_how, k=2.0)
    point_scores[how] = (train_how, test_how, lh.max_threshold(train_how))
    print(f"[{how}] skewness of the training scores: {pd.Series(train_how).skew():.2f}")
    print(
        f"[{how}] mean + 2 std would flag {np.mean(train_how > naive):.1%} of the normal training points"
    )
    print(
        f"[{how}] threshold = max training score = {point_scores[how][2]:.4f}; flagged test points:"
    )
    print("       ", np.flatnonzero(test_how > point_scores[how][2]).tolist())

# %% [markdown]
# How good is "the largest training score" as a threshold? **Here it is exact by construction**, and the reason is Step 1: the test copy *is* the training series except at the four spikes. A window that holds no spike is the same input in both series, so the model returns the same output, and every point more than 19 steps from a spike scores exactly what it scored in training: never more than the maximum. Far from the spikes, the test score's normal humps *are* the training scores, which is why, in the figure below, they rise right up to the threshold where the training maximum lies (the cell prints where). Only points within 19 steps of a spike can cross it, and the cell counts them. The figure is the walkthrough's, corrected: detections drawn at the points they are about.
#
# On real data this does not hold: the normal stretches of the test period are new, some of them will score above anything in training, and the same rule raises false alarms. That is why a threshold belongs on a separate calibration part of normal data (notebook 4).

# %%
train_pts, test_pts, point_threshold = point_scores["max"]
distance = np.abs(np.arange(len(test_pts))[:, None] - true_idx[None, :]).min(axis=1)
far_from_spikes = distance > TIME_STEPS - 1
print(
    f"points more than {TIME_STEPS - 1} steps from every spike: {far_from_spikes.sum()}, "
    f"scoring exactly as in training: {np.sum(test_pts[far_from_spikes] == train_pts[far_from_spikes])}"
)
peak = int(np.argmax(train_pts))
print(f"the training maximum is at point {peak}; the test copy scores {test_pts[peak]:.4f} there")
detected_points = np.flatnonzero(test_pts > point_threshold)
print(f"max-per-point detections: {detected_points.tolist()}")
print(
    f"  on a spike: {np.isin(detected_points, true_idx).sum()}, next to one: {(~np.isin(detected_points, true_idx)).sum()}"
)

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
ax1.plot(time, anomalous, color=lh.COLORS["blue"], lw=1, label="test data")
ax1.scatter(
    time[true_idx],
    anomalous[true_idx],
    s=140,
    facecolors="none",
    edgecolors="black",
    label="true anomaly",
)
ax1.scatter(
    time[detected_points],
    anomalous[detected_points],
    s=40,
    color=lh.COLORS["vermillion"],
    zorder=3,
    label="detected",
)
ax1.set(
    title="Corrected: each detection drawn at the point it is about (max per point)", ylabel="value"
)
ax1.legend(loc="upper right")
lh.plot_scores(
    time,
    test_pts,
    point_threshold,
    ax=ax2,
    label="per-point score (max over windows)",
    title="Per-point reconstruction error against the largest training score",
    ylabel="error",
)
ax2.set_yscale("log")
plt.show()

# %% [markdown]
# A detection next to a spike, rather than on it, means the model's copy of that neighbour was spoilt by the spike beyond anything seen in training: the encoder reads the spike into its summary of every window that holds it. Compare the `max` and `mean` lists printed above: `mean` flags more neighbours. Not because averaging spreads damage: both combine only the windows that cover each point, and a point's `max` is never below its `mean`. The difference is the threshold. Each is the largest training score of its own kind, and the `mean` threshold is much lower (the cell below prints both and their ratio), lower relative to how far a spike lifts its neighbours' scores, so more neighbours cross it. The figure zooms in on the spike at 300.
#
# Which to prefer is **not** settled here: we picked `max` for the corrected figure after looking at where the spikes are, which is exactly what a selection rule must not do. Take it as an illustration; on real data, compare the two on labelled validation data or a calibration part, never on the test labels.

# %%
max_thr, mean_thr = point_scores["max"][2], point_scores["mean"][2]
print(f"thresholds: max {max_thr:.4f}, mean {mean_thr:.4f}, ratio {max_thr / mean_thr:.2f}")
near_spikes = ~far_from_spikes & ~np.isin(np.arange(len(test_pts)), true_idx)
for how in ("max", "mean"):
    _, test_how, thr = point_scores[how]
    print(
        f"[{how}] neighbours of a spike above their threshold: {np.sum(test_how[near_spikes] > thr)}"
    )
assert np.all(point_scores["max"][1] >= point_scores["mean"][1])  # max >= mean at every point
zoom = slice(270, 331)
fig, ax = plt.subplots(figsize=(8, 3.5))
for how, color, style in (("max", lh.COLORS["blue"], "-"), ("mean", lh.COLORS["orange"], "--")):
    _, test_how, thr = point_scores[how]
    ax.plot(
        np.arange(len(test_how))[zoom],
        test_how[zoom],
        style,
        color=color,
        marker=".",
        label=f"{how} score",
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
# ## Step 11 — Causal and offline scores: what a monitor could compute
#
# Look again at what `windows_to_points` needs for point `p`: every window that covers `p`, including the ones that *end* up to 19 points after it. To score point 100 it waits for point 119. That is fine for analysing a recording (**offline**), but a live monitor, which must decide at time `p`, does not have those points yet.
#
# A **causal** score uses only what exists at time `p`: `lh.causal_scores` gives point `p` the error at the last step of the window that *ends* at `p` (the first 19 points, before any full window, get NaN). We threshold it the same way, at its largest value on the training series, and prove causality with a perturbation: change the test copy after point 500, and no causal score up to 500 moves, while offline scores before 500 do.

# %%
causal_train = lh.causal_scores(train_step_err)
causal_test = lh.causal_scores(test_step_err)
causal_threshold = lh.max_threshold(causal_train)  # NaN (no score yet) is ignored
causal_points = np.flatnonzero(causal_test > causal_threshold)
print(f"causal threshold = max training score = {causal_threshold:.4f}")
print(f"causal detections: {causal_points.tolist()}")
for p in true_idx:
    after = causal_points[(causal_points >= p) & (causal_points < p + TIME_STEPS)]
    first = (
        f"first flag at {after[0]}, {after[0] - p} steps after the spike"
        if len(after)
        else "missed"
    )
    print(f"spike at {p}: {first}; {len(after)} flags while it is inside the window")

# The perturbation test: change every point after 500, then score again.
perturbed = test_scaled.copy()
perturbed[501:] += 0.3
X_perturbed = lh.make_windows(perturbed, TIME_STEPS)
perturbed_err = lh.per_step_errors(X_perturbed, model.predict(X_perturbed, verbose=0))
causal_moved = ~np.isclose(lh.causal_scores(perturbed_err), causal_test, equal_nan=True)
offline_moved = ~np.isclose(lh.windows_to_points(perturbed_err, how="max"), test_pts)
print(f"causal scores that moved at points <= 500: {causal_moved[:501].sum()}")
print(
    f"offline max scores that moved at points <= 500: {offline_moved[:501].sum()} (points {np.flatnonzero(offline_moved[:501]).min()}..500)"
)

# %%
fig, ax = plt.subplots(figsize=(8, 3.5))
pts = np.arange(len(test_pts))[zoom]
ax.plot(
    pts, test_pts[zoom], "-", color=lh.COLORS["blue"], marker=".", label="offline: max over windows"
)
ax.plot(
    pts,
    causal_test[zoom],
    "--",
    color=lh.COLORS["green"],
    marker=".",
    label="causal: window ending here",
)
ax.axhline(point_threshold, color=lh.COLORS["blue"], ls=":", label="offline threshold")
ax.axhline(causal_threshold, color=lh.COLORS["green"], ls=":", label="causal threshold")
ax.axvline(300, color=lh.COLORS["black"], lw=1, ls="--", label="spike")
ax.set_yscale("log")
ax.set(
    title="Offline and causal point scores around the spike at 300",
    xlabel="point index",
    ylabel="score (log scale)",
)
ax.legend(ncol=2, loc="upper left", fontsize="x-small")
plt.show()

# %% [markdown]
# The printout gives, per spike, how many steps after it the first causal flag came, and how many flags followed while the spike was still inside the window that ends at each point: the model's copy of a window's last step can stay spoilt for as long as the spike is in the window. A monitor built on this score raises its alarm at the first flag and should treat the next 19 points as part of the same event. The offline scores see each point from all sides, but only in hindsight. Both are useful; just never report delays or streaming results from a score that looks ahead (notebook 5 builds a monitor).

# %% [markdown]
# ## Step 12 — Do we need an LSTM? A two-line baseline
#
# Before trusting a model, try the simplest detectors on the same data: a score, a threshold from the training series alone, points above it flagged. Every row below uses the largest training value as its threshold except the first: localising (Step 9) rests on the walkthrough's window rule, mean + 2·std of the training window errors.
#
# - **First difference**: `|x[t] − x[t−1]|`, how far a point jumped from the one before (`lh.persistence_error`, the error of forecasting "same as before"). Causal, and no training.
# - **Range check**: how far a value lies outside the training range `[min, max]` (`lh.range_check`).

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

# %% [markdown]
# Read the column "other points flagged" with the test copy in mind: it is the training series except at the spikes, so far from the spikes no row with a largest-training-value threshold can flag anything, by construction (Step 10), and the localise row cannot either, since no training window exceeds its threshold (Step 6). Zero distant false alarms is guaranteed here, not earned: the column measures only how far each detector smears a spike onto its neighbours. The LSTM rows are also one training run (one seed): Exercises 1 and 2 show other models that detect worse.
#
# The first difference finds every spike with two lines of code and no training; it flags one extra point per spike, the jump back down, which a monitor would fold into the same event. The range check misses the spike at 300, the one that scaled to an ordinary value in Step 2.
#
# **When is an LSTM worth it?** Not for isolated spikes on a smooth signal: a jump detector is cheaper, causal, needs no training and finds them all, and when a baseline does the job you should say so. An LSTM earns its cost when *normal* is a shape spread over many steps rather than a level or a step size: a missing or misshapen cycle, a change of rhythm whose individual values and jumps all look ordinary, several metrics whose relationship breaks (notebook 2). Even then, it must beat these baselines on the same data with the same protocol, as notebooks 3 and 4 test on real series.

# %% [markdown]
# ## Step 13 — From the walkthrough's code to `lh`
#
# Each piece of the walkthrough's code, and what replaces it here:
#
# | the walkthrough | here | why |
# | --- | --- | --- |
# | `create_sequences(data, time_steps)`, a Python loop | `lh.make_windows(series, n_timesteps)` | a zero-copy view, with every window (the loop drops the last) |
# | `MinMaxScaler` fitted on the normal data | `scale`, two lines in Step 2 | the same rule, visible |
# | `np.mean(np.abs(X_pred - X), axis=1)` | `lh.per_step_errors(y, yhat).mean(axis=1)`, or `lh.per_step_errors(y, yhat)` to keep every step | per-step errors are what Fixes 1 and 2 need |
# | `np.mean(loss) + 2 * np.std(loss)` | `lh.mean_std_threshold(scores, k=2.0)`, or `lh.max_threshold(scores)` | choose the rule by the shape of the scores (Step 10) |
# | flagged window `i` drawn at `time[i + TIME_STEPS]` | `lh.localise`, `lh.windows_to_points` (offline) or `lh.causal_scores` (causal) | a window's index is its first point, and its flag says nothing about where inside it |

# %% [markdown]
# ## Checks
#
# What this notebook teaches, as assertions. They check the notebook's reasoning (which windows hold which points, what leaks, what is causal), not how well this particular training run went: the detections above are printed, not asserted, because a different CPU can train a slightly different model.

# %%
# Windows: window w covers points w .. w + 19, so a spike at p lies in windows p - 19 .. p.
assert all(np.array_equal(X_test[w, :, 0], test_scaled[w : w + TIME_STEPS]) for w in (0, 500, 980))
assert len(X_test) == len(test_scaled) - TIME_STEPS + 1 == walkthrough_count + 1
assert holding.tolist() == list(range(spike - TIME_STEPS + 1, spike + 1))
# Per-point scores come from the right windows: point p's max score is the largest error
# at p over the windows p - 19 .. p, and its causal score is the last step of window p - 19.
assert np.isclose(train_pts[spike], max(train_step_err[w, spike - w] for w in holding))
assert np.isclose(causal_test[500], test_step_err[500 - TIME_STEPS + 1, -1])
assert np.isnan(causal_train[: TIME_STEPS - 1]).all() and np.isfinite(causal_threshold)

# Only normal data is fitted: the scaler and every threshold come from the training series.
assert (lo, hi) == (clean.min(), clean.max())
assert np.isclose(
    threshold, lh.mean_std_threshold(lh.per_step_errors(X_train, train_recon).mean(axis=1), k=2.0)
)
assert not np.any(train_pts > point_threshold) and not np.any(causal_train > causal_threshold)

# The test copy is the training series except at the spikes, so far from the spikes it
# scores exactly as in training, and the max threshold cannot flag it.
assert changed.tolist() == true_idx.tolist()
assert np.array_equal(test_pts[far_from_spikes], train_pts[far_from_spikes])
assert not np.any(test_pts[far_from_spikes] > point_threshold)

# Causal scores use no future point; offline max scores do.
assert causal_moved[:501].sum() == 0 and offline_moved[:501].sum() > 0

# The baselines need no model: the first difference flags each spike and the jump back
# down after it; the spike at 300 is an ordinary value once scaled, so the range check misses it.
assert diff_points.tolist() == sorted([*true_idx, *(true_idx + 1)])
assert 0 <= test_scaled[300] <= 1 and 300 not in range_points
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - An LSTM autoencoder trained on normal windows copies them well and copies anomalies badly; its reconstruction error is an anomaly score.
# - Everything fitted (the scaler, the thresholds) comes from normal data only; a deployed detector sets its threshold on a calibration part the model did not train on.
# - A window is indexed by its *first* point, and a spike at point `p` lies in windows `p − 19 … p`. Drawing window `i` at `i + TIME_STEPS`, as the walkthrough does, puts every detection after the spike.
# - Two ways back to points: localise each flagged window to its worst step, or score every point from all the windows that see it (by max or mean; which one smears less depends on where each threshold falls, and here we chose after seeing the spikes). In this one training run both put every spike on its index, with a thin margin; other models do worse (Exercises 1 and 2). Both look ahead; the causal score (the window that ends at `p`) is the one a monitor can compute.
# - Check a threshold rule against the shape of its scores, and check what the test data is: here, the training series with four points changed.
# - Try the simple baselines first: for spikes, a first difference is enough.
#
# Next, **notebook 2** forecasts several metrics several steps ahead and lays its errors out per feature and per horizon.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer. Each has its own starter cell below it, using only names that start with `ex1_`, `ex2_`, …: fill in the `# your code here` lines and run it, after *Run All*, without changing anything above. Worked solutions: [solutions/01_univariate_lstm_autoencoder_solutions.ipynb](solutions/01_univariate_lstm_autoencoder_solutions.ipynb).
