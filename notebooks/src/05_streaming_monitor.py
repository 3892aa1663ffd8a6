# %% [markdown]
# # 5 · From notebook to monitor: save the detector, score a live feed, adapt when normal changes
#
# So far every notebook scored a whole series at once, after the fact. A monitor sees one point at a time and must answer *now*: is this point normal? This notebook takes a trained LSTM autoencoder out of the notebook and into that setting.
#
# **What you will learn**
#
# - what a detector is made of besides the model (scaler statistics, window length, feature names, threshold), and how to save and load all of it so that the loaded detector scores exactly like the original;
# - how to score a live feed point by point with `streaming.StreamingScorer`, with an explicit warm-up, and how closely its scores match the batch scores, and why;
# - what to do with bad input at run time: a NaN, a missing metric, a timestamp going backwards;
# - where the time goes when you score one point: `model.predict`, calling the model directly, and a compiled `tf.function`;
# - why "retrain on everything that arrives" teaches a monitor that an incident is normal, and a safer policy.
#
# **Prerequisites:** notebooks 1 and 2 (an LSTM autoencoder, windows, thresholds from normal data). **Run time:** under a minute on a 2-core CPU; the README's table gives the last measured figure. Model files go to a temporary folder, never into the repository.

# %% [markdown]
# ## Setup

# %%
import os

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import tempfile
import time
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh
from lstm_helpers import streaming

assert keras.__version__.startswith("3."), f"this notebook needs Keras 3, found {keras.__version__}"
print(
    f"TensorFlow {tf.__version__}, Keras {keras.__version__}, pandas {pd.__version__}, lstm_helpers {lh.__version__}"
)

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
# Step 8 compiles each retrained model once, on purpose; hide TensorFlow's retracing warnings.
tf.get_logger().setLevel("ERROR")
lh.apply_style()

# %% [markdown]
# ## Step 1 — A service's metrics, and a live feed with three incidents and a lasting change
#
# Notebook 2's kind of data: several metrics of one system, recorded together. We generate them here with a small function of our own, so that the metrics really depend on each other: one hidden **load** (a 3-hour cycle plus a slow random drift) drives the request rate, the CPU, the latency (which grows faster than linearly with load), the error rate and, a few minutes later, the queue length. Each metric adds its own noise. One point every 3 minutes, so a day is 480 points.
#
# The history splits in time order: a **fit** part to train the model and the scaler, then a **calibration** part (normal, unseen by the model) to set the threshold. Then comes the **live feed**, three days that the monitor sees one point at a time. Into it we put:
#
# - three **incidents** of the same kind, one per day: a runaway process pushes the CPU up while the load is normal, for 4 hours;
# - on day 2, after the second incident, a **release** makes every request slower: the latency steps up and **stays** up. Whether that is an anomaly or the new normal is for a human to decide.

# %%
FEATURES = ["requests", "cpu", "latency", "errors", "queue"]
DAY = 480  # points per day, one every 3 minutes
N_FIT, N_CALIBRATION, N_LIVE = 1000, 400, 3 * DAY
INCIDENTS = {"day 1": (160, 240), "day 2": (640, 720), "day 3": (1120, 1200)}  # live positions
CPU_JUMP = 20.0  # percentage points of CPU added during an incident
RELEASE, LATENCY_STEP = 800, 6.0  # the latency steps up by 6 ms from live point 800 on


def service_metrics(n_rows: int, seed: int) -> pd.DataFrame:
    """Five metrics driven by one hidden load, one row every 3 minutes: (n_rows, 5)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_rows)
    drift = np.convolve(rng.normal(0, 1, n_rows + 49), np.ones(50) / 50, mode="valid")
    load = np.sin(2 * np.pi * t / 60) + 0.9 * drift
    values = np.column_stack(
        [
            100 + 30 * load,  # requests per second
            40 + 15 * load,  # CPU, percent
            20 + 4 * load + 2 * load**2,  # latency, ms: grows faster than the load
            1 + 0.3 * load,  # errors per second
            5 + 3 * np.roll(load, 3),  # queue length, 9 minutes behind the load
        ]
    )
    values += rng.normal(0, 1, values.shape) * [2.0, 1.5, 0.5, 0.05, 0.4]
    index = pd.date_range("2026-03-02", periods=n_rows, freq="3min", tz="UTC", name="time")
    return pd.DataFrame(values, index=index, columns=FEATURES)


history = service_metrics(N_FIT + N_CALIBRATION + N_LIVE, seed=SEED)
fit_part = history.iloc[:N_FIT]
calibration_part = history.iloc[N_FIT : N_FIT + N_CALIBRATION]
live = history.iloc[N_FIT + N_CALIBRATION :].copy()
for start, end in INCIDENTS.values():
    live.iloc[start:end, FEATURES.index("cpu")] += CPU_JUMP
live.iloc[RELEASE:, FEATURES.index("latency")] += LATENCY_STEP
in_incident = np.zeros(N_LIVE, dtype=bool)
for start, end in INCIDENTS.values():
    in_incident[start:end] = True
after_release = np.arange(N_LIVE) >= RELEASE
print(f"fit {fit_part.shape}, calibration {calibration_part.shape}, live {live.shape}")
print(f"live feed: {live.index[0]} .. {live.index[-1]}")
print(
    "correlation of cpu with requests on the fit part:",
    round(fit_part["cpu"].corr(fit_part["requests"]), 3),
)

fig, axes = plt.subplots(len(FEATURES), 1, figsize=(11, 7), sharex=True)
for ax, name in zip(axes, FEATURES, strict=True):
    ax.plot(live.index, live[name], color=lh.COLORS["blue"], lw=0.6)
    lh.shade_mask(live.index, in_incident, ax=ax, label="incident")
    ax.axvline(live.index[RELEASE], color=lh.COLORS["vermillion"], ls="--", label="release")
    ax.set_ylabel(name)
axes[0].set_title("The live feed: three CPU incidents, and a release that slows every request")
axes[0].legend(loc="upper left", ncol=2)
axes[-1].set_xlabel("time (UTC)")
plt.show()

# %% [markdown]
# ## Step 2 — Train the detector on normal data, set its threshold on other normal data
#
# The scaler is fitted on the fit part only: `scaled = (x - center) / scale`, with the fit part's mean and standard deviation. The model is a small LSTM autoencoder in notebook 1's shape, for 5 metrics: the encoder squeezes a window of `N_TIMESTEPS` rows into one vector, the decoder rebuilds the window from it.
#
# The anomaly score is helpers 0.2's **causal score**: point `t` gets the reconstruction error (mean absolute error over the 5 metrics) of the last step of the window that **ends** at `t`. It needs nothing after `t`, so a monitor can compute it the moment `t` arrives; it is NaN for the first `N_TIMESTEPS - 1` points. The threshold is a high quantile of the causal scores of the calibration part, data the model never trained on.

# %%
N_TIMESTEPS, N_UNITS, EPOCHS, BATCH_SIZE, QUANTILE = 10, 16, 12, 32, 0.995
center = fit_part.to_numpy().mean(axis=0)
scale = fit_part.to_numpy().std(axis=0)


def windows_of(frame: pd.DataFrame) -> np.ndarray:
    """Scaled windows, one per row from row N_TIMESTEPS - 1 on: (n_rows - T + 1, T, 5)."""
    return lh.make_windows((frame.to_numpy() - center) / scale, N_TIMESTEPS)


def build_autoencoder() -> keras.Model:
    """(batch, N_TIMESTEPS, 5) -> (batch, N_TIMESTEPS, 5)."""
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential(
        [
            keras.Input(shape=(N_TIMESTEPS, len(FEATURES))),
            keras.layers.LSTM(N_UNITS),  # encoder: one vector per window
            keras.layers.RepeatVector(N_TIMESTEPS),
            keras.layers.LSTM(N_UNITS, return_sequences=True),  # decoder
            keras.layers.Dense(len(FEATURES)),
        ],
        name="metrics_autoencoder",
    )
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mae")
    return model


X_fit = windows_of(fit_part)
model = build_autoencoder()
history_fit = model.fit(X_fit, X_fit, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
print(f"{len(X_fit)} training windows; final training MAE {history_fit.history['loss'][-1]:.4f}")

X_cal = windows_of(calibration_part)
calibration_scores = lh.causal_scores(lh.per_step_errors(X_cal, model.predict(X_cal, verbose=0)))
threshold = lh.quantile_threshold(calibration_scores[N_TIMESTEPS - 1 :], QUANTILE)
print(f"threshold = the {QUANTILE} quantile of the calibration scores = {threshold:.4f}")

# %% [markdown]
# ## Step 3 — The batch scores of the live feed: the reference
#
# This is how every earlier notebook scored: all windows at once, with `model.predict`. We keep the result, `batch_scores`, as the reference that the monitor must reproduce.

# %%
X_live = windows_of(live)
batch_scores = lh.causal_scores(lh.per_step_errors(X_live, model.predict(X_live, verbose=0)))
batch_flags = batch_scores > threshold  # NaN > threshold is False: no decision, no flag
print(
    f"{len(batch_scores)} scores, the first {np.isnan(batch_scores).sum()} NaN (no full window yet)"
)
for day, (start, end) in INCIDENTS.items():
    print(f"incident of {day}: {batch_flags[start:end].mean():.0%} of its points flagged")
print(
    f"after the release, outside incidents: {batch_flags[after_release & ~in_incident].mean():.0%}"
)
# A window that ends within N_TIMESTEPS - 1 points after an incident still holds incident rows:
# flags there are the incident spilling over, not false alarms. We leave that margin out.
spill = np.zeros(N_LIVE, dtype=bool)
for _start, end in INCIDENTS.values():
    spill[end : end + N_TIMESTEPS - 1] = True
quiet_before = ~after_release & ~in_incident & ~spill
print(
    f"false alarms before it, outside incidents and their {N_TIMESTEPS - 1}-point margin: "
    f"{batch_flags[quiet_before].mean():.1%}"
)

fig, ax = plt.subplots(figsize=(11, 3.5))
ax.plot(live.index, batch_scores, color=lh.COLORS["orange"], lw=0.7, label="causal score")
ax.axhline(threshold, color=lh.COLORS["vermillion"], ls="--", label="threshold")
lh.shade_mask(live.index, in_incident, ax=ax, label="incident")
ax.axvline(live.index[RELEASE], color=lh.COLORS["black"], ls=":", label="release")
ax.set_yscale("log")
ax.set(title="Causal scores of the live feed (batch)", xlabel="time (UTC)", ylabel="score (log)")
ax.legend(loc="upper left", ncol=4)
plt.show()

# %% [markdown]
# Beside two simple baselines, under the same protocol (fitted on the fit part, thresholded at the same quantile of their own calibration scores, causal, no warm-up):
#
# - a **static z-score**: the largest `|x - mean| / std` over the five metrics, with the fit part's mean and standard deviation;
# - a **cross-metric baseline**: the five metrics move together (they all follow one load), so a straight line through the scaled fit part, the first principal component, describes nearly all of them. The score is the distance of a point from that line (the mean absolute error of its reconstruction from one component). A CPU that is high for the current load is far from the line, whatever the load.
#
# False alarms are counted before the release, outside incidents and outside the margin of `N_TIMESTEPS - 1` points after each incident (where the LSTM's windows still hold incident rows).

# %%
z_live = lh.static_zscore(live, fit_part).max(axis=1).to_numpy()
z_calibration = lh.static_zscore(calibration_part, fit_part).max(axis=1).to_numpy()
z_flags = z_live > lh.quantile_threshold(z_calibration, QUANTILE)

scaled_fit = (fit_part.to_numpy() - center) / scale
axis = np.linalg.svd(scaled_fit, full_matrices=False)[2][0]  # first principal component, (5,)
print(
    f"share of the fit part's variance on the first component: {np.linalg.svd(scaled_fit, compute_uv=False)[0] ** 2 / (scaled_fit**2).sum():.3f}"
)


def pca_scores(frame: pd.DataFrame) -> np.ndarray:
    """Mean absolute distance of each scaled row from the first component's line: (n_rows,)."""
    scaled = (frame.to_numpy() - center) / scale
    return np.abs(scaled - np.outer(scaled @ axis, axis)).mean(axis=1)


pca_flags = pca_scores(live) > lh.quantile_threshold(pca_scores(calibration_part), QUANTILE)
detectors = {
    "LSTM autoencoder": batch_flags,
    "static z-score": z_flags,
    "1-component PCA": pca_flags,
}
baseline_table = pd.DataFrame(
    {
        name: [flags[start:end].mean() for start, end in INCIDENTS.values()]
        + [flags[quiet_before].mean(), flags[after_release & ~in_incident].mean()]
        for name, flags in detectors.items()
    },
    index=[f"incident {day}, share flagged" for day in INCIDENTS]
    + ["false alarms before release", "alarms after release, outside incidents"],
)
print(baseline_table.round(3))
hits = baseline_table.iloc[:2].min()  # the incidents before the release
false = baseline_table.loc["false alarms before release"]
print(
    f"Incidents of days 1 and 2, smallest share flagged: LSTM {hits['LSTM autoencoder']:.0%}, "
    f"z-score {hits['static z-score']:.0%}, PCA {hits['1-component PCA']:.0%}; false alarms: "
    f"LSTM {false['LSTM autoencoder']:.1%}, z-score {false['static z-score']:.1%}, PCA {false['1-component PCA']:.1%}."
)
pca_matches = hits["1-component PCA"] >= hits["LSTM autoencoder"]
print(
    f"The 1-component PCA {'matches' if pca_matches else 'does not match'} the LSTM on these incidents"
    + (
        ": what the LSTM sees here is the relation between the metrics, and a straight line captures it."
        if pca_matches
        else "."
    )
)
print(
    "Day 3's incident comes after the release: a detector that alarms on most points after the "
    "release (the last row) flags it whether or not it sees the incident, so its day-3 share says nothing."
)

# %% [markdown]
# These metrics are nearly one-dimensional, so the relation the incident breaks is a straight line, and a one-component PCA is enough to see it (the lines above say how it compares). The LSTM would have something more to add only where the relation between metrics is curved or delayed beyond what a line describes. The rest of this notebook is about running *a* detector live; everything in it applies to the baselines as well.

# %% [markdown]
# ## Step 4 — Save the detector, load it back
#
# A model file alone cannot score anything: the scorer also needs the scaler statistics, the window length, the order of the metrics and the threshold. `streaming.Detector` holds all of them, and `streaming.save_detector` writes them as two files in one folder: the Keras model as `model.keras`, and everything else in `detector.json`, small enough to read (and review in a pull request), with the version of `lstm_helpers` that wrote it.
#
# We save into a temporary folder. In a real deployment that folder is what you ship.

# %%
detector = streaming.Detector(
    model=model,
    n_timesteps=N_TIMESTEPS,
    center=center,
    scale=scale,
    threshold=threshold,
    feature_names=FEATURES,
)
workdir = tempfile.TemporaryDirectory(prefix="lstm-monitor-")  # removed when the kernel stops
folder = Path(workdir.name) / "detector"
config_path = streaming.save_detector(detector, folder)
print(sorted(p.name for p in folder.iterdir()))
print(config_path.read_text())

# %% [markdown]
# Loading checks that the files fit the pipeline that loads them. Here the pipeline states what it expects: windows of `N_TIMESTEPS` rows of these five metrics, in this order. A detector saved for another window length is refused with a clear error instead of scoring data it was not made for:

# %%
loaded = streaming.load_detector(folder, n_timesteps=N_TIMESTEPS, feature_names=FEATURES)
loaded_scores = loaded.batch_scores(live)
print(
    "loaded detector's scores match the batch scores within the stated tolerance:",
    np.allclose(
        loaded_scores,
        batch_scores,
        rtol=streaming.STREAM_RTOL,
        atol=streaming.STREAM_ATOL,
        equal_nan=True,
    ),
)
print(
    "and equal, exactly, those of the detector before saving:",
    np.array_equal(loaded_scores, detector.batch_scores(live), equal_nan=True),
)


def short(error: Exception) -> str:
    """The message, with the temporary folder (different on every run) shortened."""
    return str(error).replace(str(folder.parent), "<tmp>")


try:
    streaming.load_detector(folder, n_timesteps=2 * N_TIMESTEPS, feature_names=FEATURES)
except ValueError as error:
    print("refused:", short(error))
try:
    streaming.load_detector(folder, n_features=4)
except ValueError as error:
    print("refused:", short(error))

# %% [markdown]
# The loaded detector scores exactly like the one that was saved: JSON stores each float with enough digits to read back the same number, and the `.keras` file stores the weights as they are. Against `model.predict`, which runs the windows in batches of 32, they agree within a tolerance, for the reason Step 5 explains.

# %% [markdown]
# ## Step 5 — Score the feed one point at a time
#
# `loaded.stream()` returns an `streaming.StreamingScorer`. Its `update(observation, timestamp)` takes one row of raw metrics and returns a `StreamResult`:
#
# - during the **warm-up** (the first `N_TIMESTEPS - 1` points) `ready=False`, `score=nan` and `flag=None`: the scorer says it has no decision yet, rather than a silent "normal";
# - from then on, the score of the window that ends at this point, and `flag = score > threshold`.
#
# It keeps only the last `N_TIMESTEPS` scaled rows. Every point costs one call of the model on one window.

# %%
scorer = loaded.stream()
results = []
update_seconds = []
for timestamp, row in zip(live.index, live.to_numpy(), strict=True):
    t0 = time.perf_counter()
    results.append(scorer.update(row, timestamp=timestamp))
    update_seconds.append(time.perf_counter() - t0)
stream_scores = np.array([r.score for r in results])
for r in results[N_TIMESTEPS - 2 : N_TIMESTEPS + 1]:
    print(r)
gap = np.nanmax(np.abs(stream_scores - batch_scores))
print(f"largest difference between stream and batch scores: {gap:.2e}")
print(
    "within the stated tolerance:",
    np.allclose(
        stream_scores,
        batch_scores,
        rtol=streaming.STREAM_RTOL,
        atol=streaming.STREAM_ATOL,
        equal_nan=True,
    ),
)

# %% [markdown]
# Why so close, and why not exactly equal? Both paths scale with the same float64 arithmetic, hand the model the same float32 numbers, and compute the error with the same `lh.per_step_errors`. The only place they can part is the model: batch scoring runs all windows through it at once, streaming one at a time, and a float32 model may add its numbers in another order for another batch size. Op determinism does not promise equality here: it promises the same result for the same inputs and shapes, run after run, not across batch sizes. So `streaming` states a tolerance (`STREAM_RTOL`, `STREAM_ATOL`, printed differences far below it), and `tests/helpers/test_streaming.py` checks it on several model shapes and batch sizes. A point whose score lies that close to the threshold could be flagged by one path and not the other; no other point can.

# %% [markdown]
# ## Step 6 — Bad input at run time
#
# A live feed is messier than a recording. A monitor must never turn bad input into a silently wrong score. The scorer refuses, with a message that says what came and what was expected, and **a refused point changes nothing**: fix it and carry on. Metrics can also arrive as a dict keyed by name, in any order; a missing or unknown name is refused.

# %%
demo = loaded.stream()
for timestamp, row in zip(live.index[:20], live.to_numpy()[:20], strict=True):
    demo.update(row, timestamp=timestamp)
bad_inputs = {
    "a NaN": (live.iloc[20].to_numpy() * [1, np.nan, 1, 1, 1], live.index[20]),
    "a missing metric": (
        {"requests": 99.0, "cpu": 40.0, "latency": 20.0, "errors": 1.0},
        live.index[20],
    ),
    "a timestamp going backwards": (live.iloc[20].to_numpy(), live.index[5]),
}
for what, (observation, timestamp) in bad_inputs.items():
    try:
        demo.update(observation, timestamp=timestamp)
    except ValueError as error:
        print(f"{what}: {error}")
fixed = demo.update(live.iloc[20].to_dict(), timestamp=live.index[20])
print("after the refusals, point 20 scores as in the batch:", fixed.score == batch_scores[20])

# %% [markdown]
# For gaps there is a documented alternative to an error: `stream(on_nan="restart")` accepts a row with a NaN as a **gap**. No window that contains a gap is ever scored, so the scorer warms up again after it:

# %%
GAP = 25
gap_feed = live.to_numpy()[:40].copy()
gap_feed[GAP, FEATURES.index("cpu")] = np.nan
gappy = loaded.stream(on_nan="restart")
ready = np.array([gappy.update(row).ready for row in gap_feed])
print(
    f"first score at point {ready.argmax()}; gap at point {GAP}; scored again from point {GAP + 1 + ready[GAP + 1 :].argmax()}"
)

# %% [markdown]
# ## Step 7 — How long does one point take?
#
# We timed every `update` of Step 5. The obvious alternative is to call `model.predict` on each new window, and calling the model directly, `model(window)`, looks like a cheaper middle way. We time both on the first windows of the same feed (few calls, because each is slow: with so few, the p99 of `model.predict` is close to its slowest call). Each way gets one untimed warm-up call first, so that one-time set-up is not counted; the streaming scorer's own first calls (where its `tf.function` is traced) are among its 1431 timed points, which moves its p99, not its median.

# %%
N_NAIVE, N_DIRECT = 30, 10
window_batches = [X_live[i : i + 1].astype(np.float32) for i in range(N_NAIVE)]


def per_call_ms(fn, n: int) -> np.ndarray:
    """Milliseconds per call of fn on the first n single-window batches, after one untimed call."""
    fn(window_batches[-1])  # warm-up, not timed
    out = []
    for w in window_batches[:n]:
        t0 = time.perf_counter()
        fn(w)
        out.append(time.perf_counter() - t0)
    return 1000 * np.array(out)


naive_ms = per_call_ms(lambda w: model.predict(w, verbose=0), N_NAIVE)
direct_ms = per_call_ms(lambda w: model(w, training=False), N_DIRECT)
stream_ms = 1000 * np.array(update_seconds[N_TIMESTEPS - 1 :])  # scored points only
latency_ms = {
    "stream_p50": float(np.median(stream_ms)),
    "stream_p99": float(np.percentile(stream_ms, 99)),
    "naive_p50": float(np.median(naive_ms)),
    "naive_p99": float(np.percentile(naive_ms, 99)),
}
print(
    f"streaming scorer, {len(stream_ms)} points: median {latency_ms['stream_p50']:.2f} ms, p99 {latency_ms['stream_p99']:.2f} ms"
)
print(
    f"model.predict per point, {N_NAIVE} points: median {latency_ms['naive_p50']:.1f} ms, p99 {latency_ms['naive_p99']:.1f} ms"
)
print(f"model(window) per point, {N_DIRECT} points: median {np.median(direct_ms):.1f} ms")
print(
    f"the streaming scorer is {latency_ms['naive_p50'] / latency_ms['stream_p50']:.0f}x faster than predict at the median"
)

# %% [markdown]
# Where the difference comes from:
#
# - `model.predict` is built for **many** windows: on every call it sets up a data pipeline, splits the input into batches, runs a loop with callbacks and progress bookkeeping, and collects the outputs. For one window, that overhead is nearly all of the cost.
# - `model(window)` skips that, but runs **eagerly**: Python walks through the layers, and the LSTM through its time steps, op by op, every time.
# - The scorer calls the model through a `tf.function`, traced **once** into a graph with the input shape `(None, N_TIMESTEPS, 5)`; each call then runs that graph in TensorFlow's C++ runtime. What is left is the model's arithmetic, a copy into the window buffer, and one small numpy error.
#
# These figures depend on the machine and on what else it is doing; `make bench` measures them repeatedly against targets. This notebook only reports them.

# %% [markdown]
# ## Step 8 — When normal changes: who decides what the model learns?
#
# Data drifts, so a monitor has to be retrained now and then. The walkthrough of notebook 2 suggests retraining continually on the new data. We compare four policies, each applied at the end of day 1 and day 2 to the data of that day. Retraining means: split the **accepted** windows of the day in time order, fine-tune a copy of the current model for a few epochs on the first part, and set the threshold again, with the same quantile, on the last part, which the fine-tuning never saw (Step 2's rule: calibrate on held-out normal data). Every policy follows this same protocol; they differ only in what they accept:
#
# 1. **frozen**: accept nothing, never retrain;
# 2. **retrain on everything**: accept every window that arrived (the walkthrough's idea);
# 3. **only what scored normal**: accept a window only if none of its points was flagged;
# 4. **normal, plus human review**: as 3, but at the end of day 2 an engineer looks at the day's alarms, recognises the release, and marks the windows after it (but not the incident) as the new normal. Here the engineer is a **perfect oracle**: the review uses the true incident mask. A real review makes mistakes, so this row is a best case.
#
# A fifth row separates the two things retraining on everything changes: **retrain on everything, threshold refit on its training windows** uses the same fine-tuned models as policy 2, but sets each threshold on the windows it was just fine-tuned on (the walkthrough's way, which breaks Step 2's rule). Policy 2 against frozen shows what the model learned; row 5 against policy 2 shows what moving the threshold adds.

# %%
RETRAIN_EPOCHS = 5
trainer = build_autoencoder()  # one model does all fine-tuning: its training step is traced once
trainer_scorer = streaming.Detector(trainer, N_TIMESTEPS, center, scale, threshold, FEATURES)


def fine_tune(weights: list[np.ndarray], windows: np.ndarray, seed: int) -> None:
    """Set the trainer to `weights`, then fine-tune it on `windows` with a fresh optimizer."""
    trainer.set_weights(weights)
    for variable in trainer.optimizer.variables:  # fresh Adam state: iteration, moments
        if variable.name != "learning_rate":
            variable.assign(tf.zeros_like(variable))
    keras.utils.set_random_seed(seed)  # the order in which the windows are shuffled
    trainer.fit(windows, windows, epochs=RETRAIN_EPOCHS, batch_size=BATCH_SIZE, verbose=0)


def day_rows(day: int) -> pd.DataFrame:
    """One day of the feed, with the N_TIMESTEPS - 1 points before it as history."""
    return live.iloc[max(day * DAY - N_TIMESTEPS + 1, 0) : (day + 1) * DAY]


HELD_OUT = 0.25  # the last quarter of the accepted windows sets the threshold


def retrain(
    det: streaming.Detector, day: int, accept: np.ndarray, seed: int = SEED
) -> tuple[streaming.Detector, float]:
    """Fine-tune on the first accepted windows of `day`, threshold on the held-out last ones.

    Also returns the threshold the walkthrough would set, on the fine-tuning windows themselves.
    """
    windows = windows_of(day_rows(day))
    ends = np.arange((day + 1) * DAY - len(windows), (day + 1) * DAY)  # where each window ends
    keep = windows[accept[ends]]
    n_tune = round(len(keep) * (1 - HELD_OUT))
    # drop N_TIMESTEPS - 1 windows between the parts: held-out windows share no row with tuned ones
    tune, held_out = keep[:n_tune], keep[n_tune + N_TIMESTEPS - 1 :]
    fine_tune(det.model.get_weights(), tune, seed)

    def last_step_errors(w: np.ndarray) -> np.ndarray:
        return lh.per_step_errors(w, trainer_scorer.reconstruct(w))[:, -1]

    new_threshold = lh.quantile_threshold(last_step_errors(held_out), QUANTILE)
    refit_threshold = lh.quantile_threshold(last_step_errors(tune), QUANTILE)
    model = build_autoencoder()
    model.set_weights(trainer.get_weights())
    return streaming.Detector(
        model, N_TIMESTEPS, center, scale, new_threshold, FEATURES
    ), refit_threshold


def window_is_clean(flags: np.ndarray) -> np.ndarray:
    """True at position p if no point of the window ending at p is flagged (causal)."""
    counts = np.convolve(flags.astype(int), np.ones(N_TIMESTEPS, dtype=int))[: len(flags)]
    return counts == 0


reviewed_as_normal = after_release & ~in_incident  # the engineer's labels after day 2
POLICIES = [
    "frozen",
    "retrain on everything",
    "only what scored normal",
    "normal, plus human review",
]
REFIT = "retrain on everything, threshold refit on its training windows"
policies, trained_on, seen_flags = {}, {}, {}
for policy in POLICIES:
    det, scores, thresholds, refit_thresholds = detector, [], [], [np.full(DAY, threshold)]
    accepted_all = np.zeros(N_LIVE, dtype=bool)
    for day in range(3):
        scores.append(det.batch_scores(day_rows(day))[-DAY:])
        thresholds.append(np.full(DAY, det.threshold))
        if day == 2 or policy == "frozen":
            continue
        flags_so_far = np.concatenate(scores) > np.concatenate(thresholds)
        accept = np.zeros(N_LIVE, dtype=bool)
        if policy == "retrain on everything":
            accept[:] = True
        else:
            accept[: len(flags_so_far)] = window_is_clean(flags_so_far)
            if policy == "normal, plus human review" and day == 1:
                accept |= reviewed_as_normal & window_is_clean(~reviewed_as_normal)
        accept &= (np.arange(N_LIVE) // DAY) == day  # each retraining sees its own day only
        accepted_all |= accept
        det, refit_threshold = retrain(det, day, accept)
        refit_thresholds.append(np.full(DAY, refit_threshold))
    policies[policy] = (np.concatenate(scores), np.concatenate(thresholds))
    seen_flags[policy] = policies[policy][0] > policies[policy][1]
    trained_on[policy] = accepted_all
    if policy == "retrain on everything":  # same models, the walkthrough's thresholds
        policies[REFIT] = (policies[policy][0], np.concatenate(refit_thresholds))
        trained_on[REFIT] = accepted_all
print(
    "thresholds after day 1 and day 2:",
    {p: [round(float(t[d * DAY]), 3) for d in (1, 2)] for p, (_, t) in policies.items()},
)
print("windows each policy retrained on:", {p: int(a.sum()) for p, a in trained_on.items()})

# %% [markdown]
# Detections side by side. For each incident: was it detected, and how many minutes after it began? After the release: which share of the points outside incidents raise an alarm, on day 2 and on day 3 (once the engineer has said it is the new normal, those alarms are noise)? Before the release: false alarms on normal data, outside incidents and the margin after them (as in Step 3). Day 3's incident is reported only for policies that are mostly quiet on day 3 outside incidents: for a policy that alarms on most of day 3 anyway, "flagged" says nothing about the incident.

# %%
MINUTES_PER_POINT = 3
day3 = np.arange(N_LIVE) >= 2 * DAY


def incident_summary(flags: np.ndarray, start: int, end: int) -> str:
    """When the first alarm came, and the share of the incident's points flagged."""
    if start >= 2 * DAY and flags[day3 & ~in_incident & ~spill].mean() > 0.5:
        return "not meaningful: day 3 alarms throughout"
    hits = np.flatnonzero(flags[start:end])
    if not len(hits):
        return "missed"
    return f"after {hits[0] * MINUTES_PER_POINT} min, {flags[start:end].mean():.0%} flagged"


rows = {}
for policy, (scores, thresholds) in policies.items():
    flags = scores > thresholds
    row = {f"incident {day}": incident_summary(flags, *span) for day, span in INCIDENTS.items()}
    quiet = ~in_incident & ~spill
    row["alarms after release, day 2"] = f"{flags[after_release & ~day3 & quiet].mean():.0%}"
    row["alarms after release, day 3"] = f"{flags[day3 & quiet].mean():.0%}"
    row["false alarms before release"] = f"{flags[quiet_before].mean():.1%}"
    rows[policy] = row
detections = pd.DataFrame(rows).T
detections

# %%
fig, axes = plt.subplots(len(policies), 1, figsize=(11, 8.5), sharex=True, sharey=True)
for ax, (policy, (scores, thresholds)) in zip(axes, policies.items(), strict=True):
    ax.plot(live.index, scores, color=lh.COLORS["orange"], lw=0.6, label="score")
    ax.plot(live.index, thresholds, color=lh.COLORS["vermillion"], ls="--", lw=1, label="threshold")
    lh.shade_mask(live.index, in_incident, ax=ax, label="incident")
    ax.axvline(live.index[RELEASE], color=lh.COLORS["black"], ls=":", label="release")
    ax.set_yscale("log")
    ax.set_title(policy, fontsize=10)
    ax.set_ylabel("score (log)")
axes[0].legend(loc="upper left", ncol=4)
axes[-1].set_xlabel("time (UTC)")
fig.suptitle("The same live feed under five retraining policies (retrained after day 1 and day 2)")
plt.show()

# %% [markdown]
# What the table says, generated from it:

# %%
everything, refit = detections.loc["retrain on everything"], detections.loc[REFIT]
safe, reviewed = (
    detections.loc["only what scored normal"],
    detections.loc["normal, plus human review"],
)
print(
    f"Retrain on everything, threshold on held-out normal windows: day 2's incident {everything['incident day 2']}, "
    f"day 3's {everything['incident day 3']} (frozen: {detections.loc['frozen', 'incident day 2']} on day 2)."
)
print(
    f"The same models with the threshold refit on their training windows: day 2 {refit['incident day 2']}, "
    f"day 3 {refit['incident day 3']}."
)
print(
    f"Only what scored normal: day 2 {safe['incident day 2']}; "
    f"but {safe['alarms after release, day 3']} of day 3's points outside incidents still alarm "
    f"(day 3's incident: {safe['incident day 3']})."
)
print(
    f"With human review (a perfect oracle): day 3's incident {reviewed['incident day 3']}, "
    f"and {reviewed['alarms after release, day 3']} of day 3's other points alarm."
)

# %% [markdown]
# One run is one draw. The fine-tuning shuffles the windows, so its result depends on the seed. We repeat the day-1 retraining of the two policies that differ there with three seeds, and score day 2's incident each time (the initial model stays the same one); for retrain-on-everything also with the threshold refit on its training windows.

# %%
SEEDS = [SEED, SEED + 1, SEED + 2]
start2, end2 = INCIDENTS["day 2"]
day2_share = {"retrain on everything": [], "only what scored normal": [], REFIT: []}
for seed in SEEDS:
    for policy in ("retrain on everything", "only what scored normal"):
        accept = np.zeros(N_LIVE, dtype=bool)
        accept[:DAY] = (
            True if policy == "retrain on everything" else window_is_clean(batch_flags[:DAY])
        )
        det, refit_threshold = retrain(detector, 0, accept, seed=seed)
        day2_scores = det.batch_scores(day_rows(1))[-DAY:][start2 - DAY : end2 - DAY]
        day2_share[policy].append(float((day2_scores > det.threshold).mean()))
        if policy == "retrain on everything":
            day2_share[REFIT].append(float((day2_scores > refit_threshold).mean()))
for policy, shares in day2_share.items():
    print(
        f"{policy}: share of day 2's incident flagged, seeds {SEEDS}: {[f'{v:.0%}' for v in shares]}"
    )
worst_safe, best_everything = (
    min(day2_share["only what scored normal"]),
    max(day2_share["retrain on everything"]),
)
print(
    f"the lowest share under 'only what scored normal' ({worst_safe:.0%}) is "
    f"{'above' if worst_safe > best_everything else 'not above'} the highest under 'retrain on everything' ({best_everything:.0%})"
)

# %% [markdown]
# What retraining on everything does, separated into the model and the threshold, generated from the seed study:

# %%
frozen_share = float(batch_flags[start2:end2].mean())
model_share = float(np.mean(day2_share["retrain on everything"]))
refit_share = float(np.mean(day2_share[REFIT]))
from_model = (frozen_share - model_share) / (frozen_share - refit_share)
print(
    f"Day 2's incident, after retraining on all of day 1 (its incident included), mean over seeds: "
    f"frozen {frozen_share:.0%}; fine-tuned, threshold on held-out normal windows {model_share:.0%} "
    f"(seeds {min(day2_share['retrain on everything']):.0%}..{max(day2_share['retrain on everything']):.0%}); "
    f"same models, threshold refit on their training windows {refit_share:.0%}."
)
print(
    f"Of the drop from frozen to the refit threshold, {from_model:.0%} comes from the model learning "
    f"the incident and {1 - from_model:.0%} from the threshold moving onto the incident's own scores."
)
print(
    f"After day 2 (incident and release learned), retrain on everything flags day 3's incident "
    f"{everything['incident day 3']}; its held-out threshold rose from {threshold:.3f} to "
    f"{policies['retrain on everything'][1][-1]:.3f}, set on post-release windows the model had seen little of."
)
print(
    f"Only what scored normal still alarms on {safe['alarms after release, day 3']} of day 3 outside incidents; "
    f"with the (oracle) review, {reviewed['alarms after release, day 3']}, and day 3's incident {reviewed['incident day 3']}."
)

# %% [markdown]
# Retraining on everything puts the incident's windows among the "normal" ones. If the threshold is then set on those same windows, it jumps above the incident's scores, and that, more than what the model learns, is what makes the monitor blind to the incident's return; the lines above separate the two effects, and the seed spread shows how much the model's part varies from run to run. Even with a held-out threshold, the fine-tuned model rebuilds the incident better than before, so it is flagged less, and once the release is in the training data as well, the threshold set after it is no longer comparable with the frozen one. Retraining only on what scored normal keeps incidents out, but it also keeps out any change that lasts, so after the release it alarms all day, every day, until somebody decides. That decision is the human review: a person, not the model, says what the new normal is, and the retraining takes it from there (here with a perfect oracle; a real review is a best case only when it is right).
#
# The same logic applies to any schedule: retrain on what was reviewed or scored normal, keep the threshold's calibration data separate from incidents, and keep the old detector's folder so you can roll back.

# %% [markdown]
# ## Checks

# %%
# The contract: equal-length float arrays, NaN exactly where no full window exists, equal elsewhere.
assert stream_scores.dtype == batch_scores.dtype == np.float64
assert stream_scores.shape == batch_scores.shape == (N_LIVE,)
assert (
    np.isnan(batch_scores[: N_TIMESTEPS - 1]).all()
    and np.isfinite(batch_scores[N_TIMESTEPS - 1 :]).all()
)
tolerance = {"rtol": streaming.STREAM_RTOL, "atol": streaming.STREAM_ATOL, "equal_nan": True}
assert np.allclose(stream_scores, batch_scores, **tolerance)  # the stated tolerance
assert np.allclose(loaded_scores, batch_scores, **tolerance)
assert np.array_equal(loaded_scores, detector.batch_scores(live), equal_nan=True)
assert all(not r.ready and r.flag is None for r in results[: N_TIMESTEPS - 1])
near = np.isclose(
    batch_scores, loaded.threshold, rtol=streaming.STREAM_RTOL, atol=streaming.STREAM_ATOL
)
assert all(
    r.flag == f or n
    for r, f, n in zip(
        results[N_TIMESTEPS - 1 :],
        batch_flags[N_TIMESTEPS - 1 :],
        near[N_TIMESTEPS - 1 :],
        strict=True,
    )
)
assert set(latency_ms) == {"stream_p50", "stream_p99", "naive_p50", "naive_p99"}

# The batch score is causal: changing the feed from point k on leaves every earlier score alone.
k = 300
changed = live.copy()
changed.iloc[k:] += 50.0
assert np.array_equal(loaded.batch_scores(changed)[:k], loaded_scores[:k], equal_nan=True)

# No peeking: scaler from the fit part, threshold from the calibration part, both saved exactly.
assert np.array_equal(loaded.center, fit_part.to_numpy().mean(axis=0))
assert loaded.threshold == lh.quantile_threshold(calibration_scores[N_TIMESTEPS - 1 :], QUANTILE)
assert loaded.feature_names == tuple(FEATURES) and loaded.n_timesteps == N_TIMESTEPS

# The policies' protocol: the safe policies never trained on a window with a flagged point (unless
# a person reviewed it as normal); retrain-on-everything took every window of days 1 and 2
# (incidents included); frozen never retrained.
for policy in ("only what scored normal", "normal, plus human review"):
    had_flag = ~window_is_clean(seen_flags[policy])
    reviewed = window_is_clean(~reviewed_as_normal) if "review" in policy else False
    assert not (trained_on[policy] & had_flag & ~reviewed).any(), policy
assert trained_on["retrain on everything"][: 2 * DAY].all()
assert not trained_on["frozen"].any()
assert np.allclose(policies["frozen"][0], batch_scores, **tolerance)
# The seed study's first seed is the run of the table: same protocol, same result.
for policy, shares in day2_share.items():
    scores, thresholds = policies[policy]
    assert shares[0] == (scores > thresholds)[start2:end2].mean(), policy
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - A detector is more than its model: scaler statistics, window length, feature names and order, and threshold. Save them together (`streaming.save_detector`), load them with what the pipeline expects (`streaming.load_detector`), and a mismatch fails loudly.
# - The causal score of point `t` needs only points up to `t`. `streaming.StreamingScorer` computes it point by point, says explicitly when it cannot yet (warm-up, and after a gap), and matches the batch scores within a stated tolerance (a float32 model may round differently for one window than for many).
# - Bad input (NaN, a missing metric, a timestamp going backwards) is refused with a clear message, or handled by a documented policy, and never scored silently.
# - Per point, `model.predict` is mostly overhead; a compiled `tf.function` called on one window costs a small fraction of it.
# - Retraining on everything that arrives teaches the monitor that incidents are normal, above all when the new threshold is set on the same windows. Set every threshold on held-out normal data, retrain on what scored normal, and let a person decide when a lasting change is the new normal.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer. Worked solutions: [solutions/05_streaming_monitor_solutions.ipynb](solutions/05_streaming_monitor_solutions.ipynb).
