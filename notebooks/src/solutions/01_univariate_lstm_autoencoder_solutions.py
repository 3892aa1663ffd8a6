# %% [markdown]
# # 📃 Solutions · 1 · Spikes in a sine wave
#
# Worked solutions to the exercises of [notebook 1](../01_univariate_lstm_autoencoder.ipynb), which follows the walkthrough "LSTM for Anomaly Detection" by Anton A. Nesterov. Try each exercise there first: each one has a starter cell that uses only its own `exN_` names. Here, the first cells rebuild what the starters use from notebook 1 (the same names, the same seeded model), then each exercise's starter is followed by its solution, which fills in exactly the starter's names. The notebook runs top to bottom on its own in about a minute on a 2-core CPU, most of it training three models.
# <!-- not-claims: 2 (the machine of the README's run-time table) -->

# %%
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # hide TensorFlow's C++ start-up chatter

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
lh.apply_style()

# %% [markdown]
# Notebook 1 up to Step 6, with its names: the data, the scaling, the windows, the model trained with the same seed and settings, and the window threshold.

# %%
time, clean, anomalous, true_idx = lh.sine_with_spikes()
lo, hi = clean.min(), clean.max()


def scale(x: np.ndarray) -> np.ndarray:
    return (x - lo) / (hi - lo)


def build_autoencoder(time_steps: int, activation: str = "relu") -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(time_steps, 1)),
            keras.layers.LSTM(64, activation=activation, return_sequences=True),
            keras.layers.LSTM(32, activation=activation),
            keras.layers.RepeatVector(time_steps),
            keras.layers.LSTM(32, activation=activation, return_sequences=True),
            keras.layers.LSTM(64, activation=activation, return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Dense(1)),
        ],
        name="lstm_autoencoder",
    )


train_scaled, test_scaled = scale(clean), scale(anomalous)
TIME_STEPS = 20
X_train = lh.make_windows(train_scaled, TIME_STEPS)
X_test = lh.make_windows(test_scaled, TIME_STEPS)
keras.utils.set_random_seed(SEED)
model = build_autoencoder(TIME_STEPS)
model.compile(optimizer="adam", loss="mae")
history = model.fit(X_train, X_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
train_step_err = lh.per_step_errors(X_train, model.predict(X_train, verbose=0))
test_step_err = lh.per_step_errors(X_test, model.predict(X_test, verbose=0))
train_window_err = train_step_err.mean(axis=1)
threshold = lh.mean_std_threshold(train_window_err, k=2.0)
print(f"notebook 1's model: last-epoch training MAE {history.history['loss'][-1]:.4f}")
print(f"window threshold = mean + 2 std = {threshold:.4f}")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — A shorter window
#
# **Goal.** See how the window length changes what the autoencoder sees and what it flags.
#
# **Starting point.** The starter cell cuts windows of 10 steps (`ex1_time_steps = 10`). Train a fresh autoencoder on them as in Steps 4–5 (seed first), compute per-step errors, flag test windows above mean + 2·std of the training windows' errors (Steps 6–7), and score points by `max` against the largest training score (Step 10).
#
# **How to check.** With 10 steps, each spike lies in 10 windows instead of 20: are they flagged? Are any windows flagged that hold no spike, and where on the wave are they? Are all four spikes among the point detections, and what else is?

# %% tags=["starter"]
# Exercise 1: windows of 10 steps. Only ex1_ names, so nothing above changes.
ex1_time_steps = 10
ex1_X_train = lh.make_windows(train_scaled, ex1_time_steps)
ex1_X_test = lh.make_windows(test_scaled, ex1_time_steps)
ex1_model = None  # your code here: seed, build_autoencoder(ex1_time_steps), compile, fit
ex1_train_err = None  # your code here: lh.per_step_errors of the training windows
ex1_test_err = None  # your code here: the same for the test windows
ex1_flagged = None  # your code here: test windows above mean + 2 std of training window errors
ex1_points = None  # your code here: max-per-point detections above the largest training score
ex1_false = None  # your code here: flagged windows that hold no spike

# %% [markdown]
# #### 📃 Solution 1

# %%
keras.utils.set_random_seed(SEED)
ex1_model = build_autoencoder(ex1_time_steps)
ex1_model.compile(optimizer="adam", loss="mae")
ex1_model.fit(ex1_X_train, ex1_X_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
ex1_train_err = lh.per_step_errors(ex1_X_train, ex1_model.predict(ex1_X_train, verbose=0))
ex1_test_err = lh.per_step_errors(ex1_X_test, ex1_model.predict(ex1_X_test, verbose=0))
ex1_flagged = ex1_test_err.mean(axis=1) > lh.mean_std_threshold(ex1_train_err.mean(axis=1), k=2.0)
ex1_points = np.flatnonzero(
    lh.windows_to_points(ex1_test_err, how="max")
    > lh.max_threshold(lh.windows_to_points(ex1_train_err, how="max"))
)

for ex1_p in true_idx:
    print(
        f"spike at {ex1_p}: {ex1_flagged[ex1_p - ex1_time_steps + 1 : ex1_p + 1].sum()} of its 10 windows flagged"
    )
# Windows that hold no spike, and where they sit on the wave: its value and slope mid-window.
ex1_false = [
    w for w in np.flatnonzero(ex1_flagged) if not any(w <= p < w + ex1_time_steps for p in true_idx)
]
print(f"flagged windows holding no spike: {len(ex1_false)}")
# Where they sit: one line per run of such windows, with the clean wave mid-run.
for ex1_run in np.split(ex1_false, np.flatnonzero(np.diff(ex1_false) > 1) + 1) if ex1_false else []:
    ex1_mid = (ex1_run[0] + ex1_run[-1] + ex1_time_steps) // 2
    ex1_rising = clean[ex1_mid + 1] > clean[ex1_mid]
    print(
        f"  windows {ex1_run[0]}..{ex1_run[-1]}: mid-run the wave is at {clean[ex1_mid]:+.2f}, "
        f"{'rising' if ex1_rising else 'falling'}"
    )
print("max-per-point detections:", ex1_points.tolist())
print(
    f"spikes among them: {np.isin(true_idx, ex1_points).sum()} of {len(true_idx)}; other points: {(~np.isin(ex1_points, true_idx)).sum()}"
)

# %% [markdown]
# The printout answers the three questions for this training run. A window of 10 points holds less of the wave's shape than one of 20 (its period is about 251 points), so the model has less to go on, and whatever it copies worse than usual shows up as flagged windows that hold no spike; the lines above say where on the wave they sit (the wave's value and direction mid-window). The point detections also spread further beside the spikes than notebook 1's. One possible reason, not tested here: a spike fills a larger share of a short window, so it may spoil the model's copy of its neighbours more. A shorter window locates a spike more tightly only if the model still copies normal data well: compare the lines above with notebook 1's.
# <!-- not-claims: 251 (2π·20/0.5 ≈ 251 points per period: arithmetic on the wave's formula) -->

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — `tanh` instead of `relu`
#
# **Goal.** Compare the walkthrough's `relu` LSTMs with Keras's default `tanh`.
#
# **Starting point.** Train `build_autoencoder(TIME_STEPS, activation="tanh")` with the same seed and settings as Step 5, then score it as in Steps 6–10.
#
# **How to check.** Compare the windows' mean training error with that of notebook 1's model (`train_window_err.mean()`). Then compare both corrected mappings, localising (Step 9) and max per point (Step 10), with the true spikes `true_idx`: which one still puts each spike exactly on its index, and with how many extra points?

# %% tags=["starter"]
# Exercise 2: tanh LSTMs. Only ex2_ names.
ex2_model = None  # your code here: seed, build_autoencoder(TIME_STEPS, activation="tanh"), fit
ex2_train_err = None  # your code here: per-step errors of the training windows
ex2_test_err = None  # your code here: per-step errors of the test windows
ex2_localised = None  # your code here: lh.localise of the windows above mean + 2 std (Step 9)
ex2_points = None  # your code here: max-per-point detections above the training maximum (Step 10)

# %% [markdown]
# #### 📃 Solution 2

# %%
keras.utils.set_random_seed(SEED)
ex2_model = build_autoencoder(TIME_STEPS, activation="tanh")
ex2_model.compile(optimizer="adam", loss="mae")
ex2_model.fit(X_train, X_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
ex2_train_err = lh.per_step_errors(X_train, ex2_model.predict(X_train, verbose=0))
ex2_test_err = lh.per_step_errors(X_test, ex2_model.predict(X_test, verbose=0))
ex2_localised = lh.localise(
    ex2_test_err,
    ex2_test_err.mean(axis=1) > lh.mean_std_threshold(ex2_train_err.mean(axis=1), k=2.0),
)
ex2_points = np.flatnonzero(
    lh.windows_to_points(ex2_test_err, how="max")
    > lh.max_threshold(lh.windows_to_points(ex2_train_err, how="max"))
)
print(
    f"mean training window error: relu {train_window_err.mean():.4f}, tanh {ex2_train_err.mean():.4f}"
)
print("true spikes:       ", true_idx.tolist())
print("tanh, localised:   ", ex2_localised.tolist())
print("tanh, max per point:", ex2_points.tolist())
ex2_relu_localised = lh.localise(test_step_err, test_step_err.mean(axis=1) > threshold)
ex2_relu_points = np.flatnonzero(
    lh.windows_to_points(test_step_err, how="max")
    > lh.max_threshold(lh.windows_to_points(train_step_err, how="max"))
)
for ex2_name, ex2_found in (
    ("relu, localised", ex2_relu_localised),
    ("relu, max per point", ex2_relu_points),
    ("tanh, localised", ex2_localised),
    ("tanh, max per point", ex2_points),
):
    print(
        f"{ex2_name}: {np.isin(true_idx, ex2_found).sum()} of {len(true_idx)} spikes, "
        f"{(~np.isin(ex2_found, true_idx)).sum()} other points"
    )

# %% [markdown]
# With `tanh`, each LSTM's output lies in [−1, 1] and its cell state can change by at most 1 per step (the cell state itself is not bounded); with `relu` both can grow without limit. `tanh` is also the only activation for which TensorFlow can use the fast cuDNN LSTM kernel on a GPU. The first line compares how well each model copies the normal windows: `tanh` has the lower training error. The last four lines show that it nevertheless detects worse, with more points flagged away from the spikes in both mappings: a model that copies normal data better is not automatically a better detector, and neither mapping is exact for every model. Localising inherits the window-level decision: every flagged window reports its worst point, so a window flagged without a spike (a false alarm of the window threshold, which is tighter when the training errors are small and even) becomes a false detection too. The max-per-point score flags every point whose copy is spoilt beyond anything seen in training, so it depends on how far the model smears a spike onto its neighbours. Check both mappings, and the threshold they rest on, on every new model.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — A level shift instead of spikes
#
# **Goal.** Find out whether the detector catches a *sustained* anomaly: a stretch where the wave is lifted by a constant.
#
# **Starting point.** The starter builds `ex3_series`: the clean wave lifted by 3.0 on points 600 to 649 (`ex3_series[600:650] += 3.0`), with no spikes, and its windows `ex3_X`. Score it with notebook 1's `model` and the max-per-point mapping of Step 10, against the threshold of that step.
#
# **How to check.** The detections should fall on or near the shifted stretch, with nothing far from it. Do they cover all of it, or only parts? Which parts, and why?

# %% tags=["starter"]
# Exercise 3: a level shift. Only ex3_ names.
ex3_series = lh.sine_with_spikes(spikes={}).clean.copy()
ex3_series[600:650] += 3.0  # points 600..649 lifted by 3
ex3_X = lh.make_windows(scale(ex3_series), TIME_STEPS)
ex3_err = None  # your code here: per-step errors of notebook 1's `model` on ex3_X
ex3_points = None  # your code here: max-per-point detections above the training maximum (Step 10)

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_err = lh.per_step_errors(ex3_X, model.predict(ex3_X, verbose=0))
ex3_points = np.flatnonzero(
    lh.windows_to_points(ex3_err, how="max")
    > lh.max_threshold(lh.windows_to_points(train_step_err, how="max"))
)
ex3_inside = ex3_points[(ex3_points >= 600) & (ex3_points <= 649)]
ex3_edges = ex3_inside[(ex3_inside < 600 + 5) | (ex3_inside > 649 - 5)]
ex3_out_of_range = np.flatnonzero(scale(ex3_series) > 1)
print(f"{len(ex3_points)} points detected, from {ex3_points.min()} to {ex3_points.max()}")
print(
    f"inside the shifted stretch: {len(ex3_inside)} of its 50 points; within 5 of its ends: {len(ex3_edges)}"
)
print(f"shifted points missed: {50 - len(ex3_inside)} of 50")
print(
    f"outside it: {len(ex3_points) - len(ex3_inside)}, at {ex3_points[(ex3_points < 600) | (ex3_points > 649)].tolist()}"
)
print(
    f"shifted points above the training range: {len(ex3_out_of_range)}, of which detected: {np.isin(ex3_out_of_range, ex3_points).sum()}"
)
print(f"a range check could catch at most {len(ex3_out_of_range)} of the 50 shifted points")

ex3_fig, ex3_ax = plt.subplots()
ex3_ax.plot(ex3_series, color=lh.COLORS["blue"], lw=1, label="series with a level shift")
ex3_ax.scatter(
    ex3_points,
    ex3_series[ex3_points],
    color=lh.COLORS["vermillion"],
    s=15,
    zorder=3,
    label="detected",
)
ex3_ax.axvspan(600, 649, color=lh.COLORS["sky"], alpha=0.3, label="true shift")
ex3_ax.set(title="A level shift, scored by the autoencoder", xlabel="point index", ylabel="value")
ex3_ax.legend()
plt.show()

# %% [markdown]
# Most of the stretch is missed (the cell prints how many of its 50 points). What is found clusters at the **jumps** at its ends (a step the wave never makes: the cell counts the detections within 5 points of an end). Being **above the training range** does not make a point easy to see either (the last lines compare). In between, a window sees a smooth sine, only higher: an autoencoder judges the *shape* inside its window, so a shifted stretch with a normal shape is hard for it to see. The detections just outside the stretch come from the offline score: a point's max over all windows covering it includes windows that reach into the shifted stretch, so points just before and after it inherit their errors. A range check (Step 12) is no cure either: it could catch at most the out-of-range points. Level shifts need a score that compares each window's level with normal levels at that phase, such as a seasonal profile.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 4 — The threshold's trade-off: k
#
# **Goal.** See how the window threshold `mean + k·std` trades false alarms against misses. Notebook 1's spikes are so large that they are found at any sensible `k`; smaller spikes show the trade-off.
#
# **Starting point.** The starter adds six spikes of sizes 1 to 8 to the clean wave and computes the window errors of notebook 1's `model` on them, `ex4_window_err`. For each `k` in `ex4_ks`, count the flagged windows, those that hold no spike (false alarms: the series is the training series everywhere else), and the spikes held by at least one flagged window.
#
# **How to check.** As `k` grows, every count can only fall (the threshold only rises). Where is the trade-off best for you?

# %% tags=["starter"]
# Exercise 4: smaller spikes and several k. Only ex4_ names.
ex4_spikes = {100: 1.0, 200: -2.0, 300: 3.0, 500: -4.0, 700: 6.0, 900: -8.0}
ex4_X = lh.make_windows(scale(lh.sine_with_spikes(spikes=ex4_spikes).anomalous), TIME_STEPS)
ex4_window_err = lh.per_step_errors(ex4_X, model.predict(ex4_X, verbose=0)).mean(axis=1)
ex4_holds_spike = np.zeros((len(ex4_X), len(ex4_spikes)), dtype=bool)  # window w holds spike j
for ex4_j, ex4_p in enumerate(ex4_spikes):
    ex4_holds_spike[max(0, ex4_p - TIME_STEPS + 1) : ex4_p + 1, ex4_j] = True
ex4_ks = [1.0, 1.5, 2.0, 3.0]
ex4_flags = None  # your code here: window flags, one row per k: shape (len(ex4_ks), n_windows)
ex4_table = None  # your code here: per k, the threshold and the three counts, as a DataFrame

# %% [markdown]
# #### 📃 Solution 4

# %%
ex4_thresholds = [lh.mean_std_threshold(train_window_err, k=k) for k in ex4_ks]
ex4_flags = ex4_window_err[None, :] > np.array(ex4_thresholds)[:, None]
ex4_table = pd.DataFrame(
    {
        "threshold": ex4_thresholds,
        "flagged windows": ex4_flags.sum(axis=1),
        "holding no spike": (ex4_flags & ~ex4_holds_spike.any(axis=1)).sum(axis=1),
        "spikes hit": (ex4_flags[:, :, None] & ex4_holds_spike[None]).any(axis=1).sum(axis=1),
    },
    index=pd.Index(ex4_ks, name="k"),
)
display(ex4_table.round(4))
print(
    f"from k = {ex4_ks[0]:g} to k = {ex4_ks[-1]:g}: windows holding no spike "
    f"{ex4_table['holding no spike'].iloc[0]} -> {ex4_table['holding no spike'].iloc[-1]}, "
    f"spikes hit {ex4_table['spikes hit'].iloc[0]} -> {ex4_table['spikes hit'].iloc[-1]} of {len(ex4_spikes)}"
)
assert ex4_table["holding no spike"].is_monotonic_decreasing
assert ex4_table["spikes hit"].is_monotonic_decreasing

# %% [markdown]
# The table is the trade-off: a low `k` catches small spikes and raises false alarms on ordinary windows; a high `k` stays quiet and misses the small spikes. The asserts check what must hold for any model: the false alarms (windows holding no spike) and the spikes hit only fall as `k` rises. These counts are in-sample: the threshold comes from the windows the model trained on, and away from the spikes this series *is* the training series, so a new stretch of normal data would raise more false alarms at the same `k`. Which `k` is right is not a property of the data: choose it from what a false alarm and a miss cost you, on normal data only (a calibration part, as notebook 4 does), never by looking at the anomalies you want to find.
