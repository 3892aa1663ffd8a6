# %% [markdown]
# # 5 · From notebook to monitor: save the detector, score a live feed, adapt when normal changes
#
# So far every notebook scored a whole series at once, after the fact. A monitor sees one point at a time and must answer *now*: is this point normal? This notebook takes a trained LSTM autoencoder out of the notebook and into that setting.
#
# **What you will learn**
#
# - what a threshold promises (an **alarm budget**), how many calibration points it needs, how uncertain it is, and how a Gaussian or a peaks-over-threshold tail compares with the plain quantile;
# - what a detector is made of besides the model, and how to save and load all of it so that the loaded detector scores exactly like the original;
# - how to score a live feed point by point (`streaming.StreamingScorer`, with an explicit warm-up), how closely that matches batch scoring, and why;
# - what to do with bad input at run time: a NaN, a missing metric, a timestamp going backwards;
# - where the time goes when you score one point;
# - what "retrain on everything that arrives" teaches a monitor about incidents, through the model and through the threshold, and what the safer policies cost.
#
# **Prerequisites:** notebooks 1 and 2 (an LSTM autoencoder, windows, thresholds from normal data). **Run time:** under a minute on a 2-core CPU; the README's table gives the last measured figure.

# %% [markdown]
# ## Setup
#
# One seed, read from the environment (`LSTM_TUTORIAL_SEED`, default 42), so that a test can run the notebook under other seeds: it draws the data and initialises the model.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide TensorFlow's C++ start-up lines

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

SEED = int(os.environ.get("LSTM_TUTORIAL_SEED", "42"))
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
# Step 10 compiles each retrained model once, on purpose; hide TensorFlow's retracing warnings.
tf.get_logger().setLevel("ERROR")
lh.apply_style()
print(f"seed {SEED}")

# %% [markdown]
# ## Step 1 — A service's metrics, and a live feed with three incidents and a lasting change
#
# Notebook 2's kind of data: several metrics of one system, recorded together. We generate them here with a small function of our own, so that the metrics really depend on each other: one hidden **load** (a 3-hour cycle plus a slow random drift) drives the request rate, the CPU, the latency (which grows faster than linearly with load), the error rate and, a few minutes later, the queue length. Each metric adds its own noise. One point every 3 minutes, so a day is 480 points.
#
# The history splits in time order: a **fit** part to train the model and the scaler, a **calibration** part (normal, unseen by the model) to set the threshold, and a **shadow** week, still normal, in which the monitor runs without paging anyone so that we can check what its threshold promised (Step 4). Then comes the **live feed**, three days that the monitor sees one point at a time. Into it we put:
#
# - three **incidents** of the same kind, one per day: a runaway process pushes the CPU up while the load is normal, for 4 hours;
# - on day 2, after the second incident, a **release** makes every request slower: the latency steps up and **stays** up. Whether that is an anomaly or the new normal is for a human to decide.

# %%
FEATURES = ["requests", "cpu", "latency", "errors", "queue"]
DAY = 480  # points per day, one every 3 minutes
N_FIT, N_CALIBRATION, N_SHADOW, N_LIVE = 1000, 400, 7 * DAY, 3 * DAY
N_HISTORY = N_FIT + N_CALIBRATION + N_SHADOW + N_LIVE
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


def with_incidents(normal: pd.DataFrame) -> pd.DataFrame:
    """Three days of normal metrics with the three CPU incidents and the release put in."""
    feed = normal.copy()
    for start, end in INCIDENTS.values():
        feed.iloc[start:end, FEATURES.index("cpu")] += CPU_JUMP
    feed.iloc[RELEASE:, FEATURES.index("latency")] += LATENCY_STEP
    return feed


history = service_metrics(N_HISTORY, seed=SEED)
fit_part = history.iloc[:N_FIT]
calibration_part = history.iloc[N_FIT : N_FIT + N_CALIBRATION]
shadow_part = history.iloc[N_FIT + N_CALIBRATION : N_FIT + N_CALIBRATION + N_SHADOW]
live = with_incidents(history.iloc[-N_LIVE:])
in_incident = np.zeros(N_LIVE, dtype=bool)
for start, end in INCIDENTS.values():
    in_incident[start:end] = True
after_release = np.arange(N_LIVE) >= RELEASE
print(
    f"fit {fit_part.shape}, calibration {calibration_part.shape}, shadow {shadow_part.shape}, live {live.shape}"
)
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
# The anomaly score is the **causal score** (`lh.causal_scores`): point `t` gets the reconstruction error (mean absolute error over the 5 metrics) of the last step of the window that **ends** at `t`. It needs nothing after `t`, so a monitor can compute it the moment `t` arrives; it is NaN for the first `N_TIMESTEPS - 1` points. The threshold is a high quantile of the causal scores of the calibration part, data the model never trained on; `lh.tail_threshold` computes it, and refuses when there are too few scores for the quantile asked (Step 3 says why).

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


def causal_scores_of(frame: pd.DataFrame) -> np.ndarray:
    """The model's causal scores of a frame, all windows at once: (n_rows,), NaN first."""
    windows = windows_of(frame)
    return lh.causal_scores(lh.per_step_errors(windows, model.predict(windows, verbose=0)))


X_fit = windows_of(fit_part)
model = build_autoencoder()
history_fit = model.fit(X_fit, X_fit, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
print(f"{len(X_fit)} training windows; final training MAE {history_fit.history['loss'][-1]:.4f}")

calibration_scores = causal_scores_of(calibration_part)
threshold = lh.tail_threshold(calibration_scores, QUANTILE)  # NaN (no full window) ignored
print(
    f"threshold = the {QUANTILE} quantile of the {np.isfinite(calibration_scores).sum()} "
    f"calibration scores = {threshold:.4f}"
)

# %% [markdown]
# ## Step 3 — A threshold is an alarm budget: how many points does it need?
#
# A threshold at the `q`-quantile of normal scores makes a promise: on normal data like the calibration part, a share `1 - q` of the points score above it and are flagged. At `q = 0.995` that is 0.5 % of normal points: at 480 points a day, about 2.4 flags a day on a healthy service, each one a possible page. That budget is what you agree on with the people who get paged; the quantile is how you keep it.
#
# The empirical quantile keeps it only if the calibration scores include some *above* it: with `n` scores, about `n (1 - q)`. Below `1 / (1 - q)` scores (200 for `q = 0.995`) not even one is expected above, and the "0.995 quantile" is the largest score, whatever `q` says. The table gives, for three budgets, the flags per normal day, the scores needed, and how many of our calibration scores lie above.

# %%
LEVELS = (0.99, 0.995, 0.999)
cal = calibration_scores[np.isfinite(calibration_scores)]  # the scores themselves, NaN dropped
budget = pd.DataFrame(
    {
        "share of normal points flagged": [f"{1 - q:.1%}" for q in LEVELS],
        "flags per normal day": [round(DAY * (1 - q), 2) for q in LEVELS],
        "scores needed, 1 / (1 - q)": [round(1 / (1 - q)) for q in LEVELS],
        f"of our {len(cal)} scores above it": [round(len(cal) * (1 - q), 1) for q in LEVELS],
    },
    index=pd.Index(LEVELS, name="q"),
)
budget

# %% [markdown]
# How far would the threshold move with other calibration data? Resampling the calibration scores with replacement and recomputing the threshold each time (a **bootstrap**) gives a spread. We do it for all the calibration scores, and for a few dozen: the last 46 (2.3 hours), the size of a small recalibration set. For a few dozen we can also ask the calibration part itself: every stretch of 46 consecutive scores gives its own threshold. The shadow week says what each threshold costs: the share of its normal points flagged.

# %%
N_BOOT, N_FEW, MINUTES_PER_POINT = 1000, 46, 3
rng = np.random.default_rng(SEED)
shadow_scores = causal_scores_of(shadow_part)
shadow = shadow_scores[np.isfinite(shadow_scores)]


def flagged(threshold_value: float) -> float:
    """Share of the shadow week's normal points above a threshold: the budget spent."""
    return float((shadow > threshold_value).mean())


def bootstrap(scores: np.ndarray, n: int = N_BOOT) -> np.ndarray:
    """The QUANTILE-quantile of n resamples (with replacement) of the scores: (n,)."""
    return np.quantile(scores[rng.integers(0, len(scores), (n, len(scores)))], QUANTILE, axis=1)


boot_all = bootstrap(cal)
few = cal[-N_FEW:]
boot_few = bootstrap(few)
stretches = np.quantile(np.lib.stride_tricks.sliding_window_view(cal, N_FEW), QUANTILE, axis=1)
intervals = {
    f"all {len(cal)} scores, bootstrap": np.percentile(boot_all, [5, 95]),
    f"the last {N_FEW} scores, bootstrap": np.percentile(boot_few, [5, 95]),
    f"every {N_FEW} consecutive scores": np.percentile(stretches, [5, 95]),
}
print(f"promised: {1 - QUANTILE:.1%} of normal points flagged")
print(
    f"all {len(cal)} scores: threshold {threshold:.3f}, flags {flagged(threshold):.2%} of the shadow week"
)
print(
    f"the last {N_FEW} ({N_FEW * MINUTES_PER_POINT / 60:.1f} hours): threshold {lh.quantile_threshold(few, QUANTILE):.3f}, their largest score {few.max():.3f}"
)
for name, (lo, hi) in intervals.items():
    print(
        f"{name}: 90% of thresholds in {lo:.3f}..{hi:.3f}, flagging {flagged(hi):.2%}..{flagged(lo):.2%} of the shadow week"
    )
try:
    lh.tail_threshold(few, QUANTILE)
except ValueError as error:
    print("lh.tail_threshold refuses:", error)

draws = {
    f"bootstrap of all {len(cal)} scores": (boot_all, "blue"),
    f"bootstrap of the last {N_FEW}": (boot_few, "orange"),
    f"each {N_FEW} scores in a row": (stretches, "green"),
}
fig, axes = plt.subplots(len(draws), 1, figsize=(10, 5), sharex=True)
bins = np.linspace(
    min(v.min() for v, _ in draws.values()), max(v.max() for v, _ in draws.values()), 50
)
for ax, (name, (values, color)) in zip(axes, draws.items(), strict=True):
    ax.hist(values, bins, color=lh.COLORS[color], label=name)
    ax.axvline(
        np.quantile(shadow, QUANTILE),
        color=lh.COLORS["black"],
        ls="--",
        label="shadow week's own quantile",
    )
    ax.set_ylabel("count")
    ax.legend(loc="upper left")
axes[0].set_title(
    f"Where the {QUANTILE} threshold lands: {len(cal)} calibration scores against {N_FEW}"
)
axes[-1].set_xlabel("threshold")
plt.show()

# %%
few_top = lh.quantile_threshold(few, QUANTILE)
second = np.sort(few)[-2]
stretch_high = np.percentile(stretches, 95)
print(
    f"The {QUANTILE} quantile of {N_FEW} scores, {few_top:.3f}, lies between their two largest "
    f"({second:.3f} and {few.max():.3f}). Its bootstrap never goes above the largest (highest: "
    f"{boot_few.max():.3f}): resampling cannot invent a larger score. One in twenty of the other "
    f"{N_FEW}-score stretches gives a threshold above {stretch_high:.3f}"
    + (", higher than anything this bootstrap shows." if stretch_high > boot_few.max() else ".")
)

# %% [markdown]
# Two lessons. A threshold from a few dozen points is close to their largest score, and which few dozen you happened to have decides how many flags the shadow week would have cost (the lines above). A bootstrap only reshuffles the scores you have, so it never goes above the largest of them: for a threshold that close to the largest score, other stretches of data are the honest check (the bottom panel). With all the calibration scores, the threshold rests on about two scores above it, and its bootstrap interval still spans a range of flag rates: enough data for the budget is not much data.

# %% [markdown]
# ## Step 4 — Three ways to read the threshold off the scores, checked on the shadow week
#
# - **empirical**: the `q`-quantile of the scores, as in Step 2. No assumption; needs `1 / (1 - q)` scores.
# - **Gaussian**: `mean + z_q · std`, the `q`-quantile of a normal distribution fitted to the scores (`z_q` is 2.58 for `q = 0.995`), as Malhotra et al. (ESANN 2015) model an LSTM's prediction errors. A few scores are enough, but the promise holds only as far as the scores' tail is Gaussian.
# - **peaks over threshold** (POT): above a high enough threshold `t`, the excesses of almost any distribution follow a generalized Pareto distribution. Fit one (shape `ξ`, scale `σ`, by maximum likelihood) to the `N_t` of the `n` scores above `t`, and solve for the threshold a score exceeds with probability `1 - q`: `z_q = t + (σ/ξ) · ((n (1 - q) / N_t)^(-ξ) - 1)`, or `t - σ · log(n (1 - q) / N_t)` as `ξ → 0`. SPOT (Siffer, Fouque, Termier and Largouët, KDD 2017) sets its first threshold this way. It extrapolates beyond the largest score. SPOT starts at the 0.98-quantile, which leaves too few of our scores above it, so we start at the 0.9-quantile (counts below).
#
# `lh.tail_threshold(scores, q, method)` does all three. The shadow week checks them: the share of its points above a threshold is the budget actually spent.

# %%
METHODS = ("empirical", "gaussian", "pot")
POT_START = 0.9  # the initial threshold t of peaks over threshold: this quantile of the scores
N_TAIL_BOOT = 100  # bootstrap resamples per method (a POT fit takes a few hundredths of a second)
for level in (0.98, POT_START):
    start = lh.quantile_threshold(cal, level)
    print(f"scores above the {level}-quantile ({start:.3f}): {(cal > start).sum()} of {len(cal)}")
print(f"z_q for q = {QUANTILE}: {lh.tail_threshold([-1.0, 1.0], QUANTILE, 'gaussian'):.2f}")

tails = {}
for q in LEVELS:
    for method in METHODS:
        try:
            tails[method, q] = lh.tail_threshold(cal, q, method, initial_q=POT_START)
        except ValueError as error:
            print(f"{method} at q = {q}: refused ({str(error).split(';')[0]})")
tail_table = pd.DataFrame(
    [
        {
            "q": q,
            "method": method,
            "threshold": value,
            "promised": f"{1 - q:.1%}",
            "shadow week flagged": f"{flagged(value):.2%}",
        }
        for (method, q), value in tails.items()
    ]
).set_index(["q", "method"])
resamples = rng.integers(0, len(cal), (N_TAIL_BOOT, len(cal)))
tail_intervals = {
    method: np.percentile(
        [lh.tail_threshold(cal[r], QUANTILE, method, initial_q=POT_START) for r in resamples],
        [5, 95],
    )
    for method in METHODS
}
tail_table.round(4)

# %%
fig, ax = plt.subplots(figsize=(10, 4.5))
for scores, name, color in (
    (cal, "calibration scores", "blue"),
    (shadow, "shadow week, later", "black"),
):
    ax.step(
        np.sort(scores)[::-1],
        np.arange(1, len(scores) + 1) / len(scores),
        where="post",
        color=lh.COLORS[color],
        label=name,
    )
rates = np.geomspace(1e-4, 0.2, 80)
pot_rates = rates[rates <= (cal > lh.quantile_threshold(cal, POT_START)).mean()]
ax.plot(
    lh.tail_threshold(cal, 1 - rates, "gaussian"),
    rates,
    color=lh.COLORS["orange"],
    lw=2,
    label="Gaussian fit",
)
ax.plot(
    lh.tail_threshold(cal, 1 - pot_rates, "pot", initial_q=POT_START),
    pot_rates,
    color=lh.COLORS["green"],
    lw=2,
    label="peaks-over-threshold fit",
)
ax.axhline(1 - QUANTILE, color=lh.COLORS["vermillion"], ls=":", label=f"budget {1 - QUANTILE:.1%}")
ax.set_yscale("log")
ax.set(
    title="Share of scores above a threshold: what each fit promises, and what the shadow week did",
    xlabel="threshold",
    ylabel="share of scores above (log)",
)
ax.legend(loc="lower left")
plt.show()

# %%
spent = {m: flagged(tails[m, QUANTILE]) for m in METHODS}
lowest = min(METHODS, key=lambda m: tails[m, QUANTILE])
most = max(METHODS, key=spent.get)
far = LEVELS[-1]
print(f"skewness of the calibration scores: {pd.Series(cal).skew():.2f} (0 for a Gaussian)")
print(
    f"At q = {QUANTILE} the {lowest} threshold is the lowest, and the {most} one spends the most of "
    f"the shadow week: {spent[most]:.2%} of its points, for a promised {1 - QUANTILE:.1%}."
)
gap = max(abs(tails["pot", q] / tails["empirical", q] - 1) for q in LEVELS[:2])
print(
    f"Where the data reach (q = {LEVELS[0]} and {LEVELS[1]}), the empirical and POT thresholds are "
    f"within {gap:.0%} of each other. At q = {far} ({DAY * (1 - far):.2f} flags a normal day) the "
    f"empirical quantile needs {round(1 / (1 - far))} scores and is refused; POT spends "
    f"{flagged(tails['pot', far]):.2%} of the shadow week, the Gaussian {flagged(tails['gaussian', far]):.2%}, "
    f"for a promised {1 - far:.1%}."
)
print(
    f"90% bootstrap intervals at q = {QUANTILE} ({N_TAIL_BOOT} resamples of the calibration scores):"
)
for method, (lo, hi) in tail_intervals.items():
    print(f"  {method}: {lo:.3f}..{hi:.3f}, {hi - lo:.3f} wide")

# %% [markdown]
# Reconstruction errors are skewed to the right (the skewness above), so a Gaussian fitted to them has a lighter tail than they do: it sets a low threshold and spends more than it promised, and its narrow bootstrap interval is narrow around the wrong value. The empirical quantile and POT stay close where the data reach; beyond that only a tail model can answer, and POT's tail follows the scores rather than a bell curve. Every promise is about data like the calibration part, and there are only so many of those scores: the shadow week can spend more, or less, than promised. That is why a deployment runs a shadow period before anyone is paged. From here on the detector keeps Step 2's empirical threshold, which has enough scores for `q = 0.995`.

# %% [markdown]
# ## Step 5 — The batch scores of the live feed: the reference
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
# flags there are the incident spilling over, not false flags. We leave that margin out.
spill = np.zeros(N_LIVE, dtype=bool)
for _start, end in INCIDENTS.values():
    spill[end : end + N_TIMESTEPS - 1] = True
quiet_before = ~after_release & ~in_incident & ~spill
print(
    f"false flags before it (normal points flagged), outside incidents and their {N_TIMESTEPS - 1}-point margin: "
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
# False flags (normal points flagged) are counted before the release, outside incidents and outside the margin of `N_TIMESTEPS - 1` points after each incident (where the LSTM's windows still hold incident rows).

# %%
z_live = lh.static_zscore(live, fit_part).max(axis=1).to_numpy()
z_calibration = lh.static_zscore(calibration_part, fit_part).max(axis=1).to_numpy()
z_flags = z_live > lh.tail_threshold(z_calibration, QUANTILE)

scaled_fit = (fit_part.to_numpy() - center) / scale
axis = np.linalg.svd(scaled_fit, full_matrices=False)[2][0]  # first principal component, (5,)
print(
    f"share of the fit part's variance on the first component: {np.linalg.svd(scaled_fit, compute_uv=False)[0] ** 2 / (scaled_fit**2).sum():.3f}"
)


def pca_scores(frame: pd.DataFrame) -> np.ndarray:
    """Mean absolute distance of each scaled row from the first component's line: (n_rows,)."""
    scaled = (frame.to_numpy() - center) / scale
    return np.abs(scaled - np.outer(scaled @ axis, axis)).mean(axis=1)


pca_flags = pca_scores(live) > lh.tail_threshold(pca_scores(calibration_part), QUANTILE)
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
    + ["false flags before release", "flagged after release, outside incidents"],
)
print(baseline_table.round(3))
hits = baseline_table.iloc[:2].min()  # the incidents before the release
false = baseline_table.loc["false flags before release"]
print(
    f"Incidents of days 1 and 2, smallest share flagged: LSTM {hits['LSTM autoencoder']:.0%}, "
    f"z-score {hits['static z-score']:.0%}, PCA {hits['1-component PCA']:.0%}; false flags: "
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
    "Day 3's incident comes after the release: a detector that flags most points after the "
    "release (the last row) flags it whether or not it sees the incident, so its day-3 share says nothing."
)

# %% [markdown]
# These metrics are nearly one-dimensional, so the relation the incident breaks is a straight line, and a one-component PCA is enough to see it (the lines above say how it compares). The LSTM would have something more to add only where the relation between metrics is curved or delayed beyond what a line describes. The rest of this notebook is about running *a* detector live; everything in it applies to the baselines as well.

# %% [markdown]
# ## Step 6 — Save the detector, load it back
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
# The loaded detector scores exactly like the one that was saved: JSON stores each float with enough digits to read back the same number, the `.keras` file stores the weights as they are, and the same model called on the same windows in the same batch gives the same numbers (op determinism). Against `model.predict`, which runs the windows in batches of 32, they agree within the stated tolerance, not exactly, for the reason Step 7 explains.

# %% [markdown]
# ## Step 7 — Score the feed one point at a time
#
# `loaded.stream()` returns a `streaming.StreamingScorer`. Its `update(observation, timestamp)` takes one row of raw metrics and returns a `StreamResult`:
#
# - during the **warm-up** (the first `N_TIMESTEPS - 1` points) `ready=False`, `score=nan` and `flag=None`: the scorer says it has no decision yet, rather than a silent "normal";
# - from then on, the score of the window that ends at this point, and `flag = score > threshold`.
#
# It keeps only the last `N_TIMESTEPS` scaled rows. Every point costs one call of the model on one window (`model.predict_on_batch`).

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
    f"within the stated tolerance (rtol {streaming.STREAM_RTOL:g}, atol {streaming.STREAM_ATOL:g}):",
    np.allclose(
        stream_scores,
        batch_scores,
        rtol=streaming.STREAM_RTOL,
        atol=streaming.STREAM_ATOL,
        equal_nan=True,
    ),
)

# %% [markdown]
# Why so close, and why not exactly equal? Both paths scale with the same float64 arithmetic, hand the model the same float32 numbers, and compute the error with the same `lh.per_step_errors`. The only place they can part is the model: batch scoring runs many windows through it at once (`model.predict`, 32 at a time), streaming one at a time, and a float32 model may add its numbers in another order for another batch size. Op determinism does not promise equality here: it promises the same result for the same inputs and shapes, run after run, not across batch sizes. So what `streaming` guarantees is agreement within a tolerance, `STREAM_RTOL` relative plus `STREAM_ATOL` absolute (the values are printed above, and this run's largest difference), and `tests/helpers/test_streaming.py` checks it on several model shapes and batch sizes. A point whose score lies within that tolerance of the threshold could be flagged by one path and not the other; no other point can.

# %% [markdown]
# ## Step 8 — Bad input at run time
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
print(
    "after the refusals, point 20 scores as in the batch (within the tolerance):",
    bool(
        np.isclose(
            fixed.score, batch_scores[20], rtol=streaming.STREAM_RTOL, atol=streaming.STREAM_ATOL
        )
    ),
)

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
# ## Step 9 — How long does one point take?
#
# We timed every `update` of Step 7. The obvious alternative is to call `model.predict` on each new window, and calling the model directly, `model(window)`, looks like a cheaper middle way. We time both on the first windows of the same feed (few calls, because each is slow: with so few, the p99 of `model.predict` is close to its slowest call). Each way gets one untimed warm-up call first, so that one-time set-up is not counted; the streaming scorer's own first calls (where its `tf.function` is traced) are among its 1431 timed points, which moves its p99, not its median.

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
# - The scorer calls `model.predict_on_batch`, which Keras runs as a compiled `tf.function`: traced into a graph on the first calls (retraced when the batch shape changes, until it generalises), then reused; each call runs that graph in TensorFlow's C++ runtime, with none of `predict`'s pipeline. What is left is the model's arithmetic, a copy into the window buffer, and one small numpy error.
#
# These figures depend on the machine and on what else it is doing; `make bench` measures them repeatedly against targets. This notebook only reports them.


# %% [markdown]
# ## Step 10 — When normal changes: who decides what the model learns?
#
# Data drifts, so a monitor has to be retrained now and then; the walkthrough of notebook 2 suggests retraining continually on the new data. We compare four policies, each applied at the end of day 1 and day 2 to that day's data. Retraining means: fine-tune a copy of the current model for a few epochs on the **accepted** windows of the day, then set its threshold by Step 2's rule on the calibration part: normal data no model trained on, enough for `q = 0.995`. (The windows a day could spare for it, well under the 200 that `q = 0.995` needs, would give thresholds close to their largest score, as in Step 3.) The policies differ only in what they accept:
#
# 1. **frozen**: accept nothing, never retrain;
# 2. **retrain on everything**: accept every window that arrived (the walkthrough's idea);
# 3. **only what scored normal**: accept a window only if none of its points was flagged;
# 4. **normal, plus human review**: as 3, but at the end of day 2 an engineer recognises the release and marks the windows after it (not the incident) as the new normal. The engineer is a **perfect oracle** here (the review uses the true incident mask): a best case.

# %% [markdown]
# A fifth row, **retrain on everything, threshold on its training windows**, uses policy 2's models with each threshold set on the windows the model was just fine-tuned on (the walkthrough's way, against Step 2's rule). Every threshold promises its budget for data like the calibration part; after the release, normal is something else, and the day-3 columns show what each threshold then spends.

# %%
RETRAIN_EPOCHS = 5
trainer = build_autoencoder()  # one model does all fine-tuning and scoring: traced once
trainer_scorer = streaming.Detector(trainer, N_TIMESTEPS, center, scale, threshold, FEATURES)
frozen_weights = model.get_weights()


def fine_tune(weights: list[np.ndarray], windows: np.ndarray, seed: int) -> list[np.ndarray]:
    """Fine-tune a copy of `weights` on `windows` with a fresh optimizer; the new weights."""
    trainer.set_weights(weights)
    for variable in trainer.optimizer.variables:  # fresh Adam state: iteration, moments
        if variable.name != "learning_rate":
            variable.assign(tf.zeros_like(variable))
    keras.utils.set_random_seed(seed)  # the order in which the windows are shuffled
    trainer.fit(windows, windows, epochs=RETRAIN_EPOCHS, batch_size=BATCH_SIZE, verbose=0)
    return trainer.get_weights()


def scores_with(weights: list[np.ndarray], frame: pd.DataFrame) -> np.ndarray:
    """Causal scores of a frame by the model with these weights: (n_rows,), NaN first."""
    trainer.set_weights(weights)
    return trainer_scorer.batch_scores(frame)


def day_rows(feed: pd.DataFrame, day: int) -> pd.DataFrame:
    """One day of a feed, with the N_TIMESTEPS - 1 points before it as history."""
    return feed.iloc[max(day * DAY - N_TIMESTEPS + 1, 0) : (day + 1) * DAY]


def retrain(
    weights: list[np.ndarray], feed: pd.DataFrame, day: int, accept: np.ndarray, seed: int = SEED
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Fine-tune on the accepted windows of `day`.

    Returns the new weights, their scores of the calibration part (for the threshold), and
    their scores of the windows they were fine-tuned on (the walkthrough's threshold data).
    """
    windows = windows_of(day_rows(feed, day))
    ends = np.arange((day + 1) * DAY - len(windows), (day + 1) * DAY)  # where each window ends
    tuned_on = windows[accept[ends]]
    new = fine_tune(weights, tuned_on, seed)
    tuned_scores = lh.per_step_errors(tuned_on, trainer_scorer.reconstruct(tuned_on))[:, -1]
    return new, scores_with(new, calibration_part), tuned_scores


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
REFIT = "retrain on everything, threshold on its training windows"
policies, trained_on, seen_flags, set_thresholds = {}, {}, {}, {}
for policy in POLICIES:
    weights, threshold_now = frozen_weights, threshold
    scores, thresholds, refit_thresholds = [], [], [np.full(DAY, threshold)]
    accepted_all = np.zeros(N_LIVE, dtype=bool)
    for day in range(3):
        scores.append(scores_with(weights, day_rows(live, day))[-DAY:])
        thresholds.append(np.full(DAY, threshold_now))
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
        weights, calibration_now, tuned_now = retrain(weights, live, day, accept)
        threshold_now = lh.tail_threshold(calibration_now, QUANTILE)
        lo, hi = np.percentile(bootstrap(calibration_now[np.isfinite(calibration_now)]), [5, 95])
        set_thresholds[policy, f"after day {day + 1}"] = f"{threshold_now:.3f} ({lo:.3f}..{hi:.3f})"
        if policy == "retrain on everything":
            refit_thresholds.append(np.full(DAY, lh.tail_threshold(tuned_now, QUANTILE)))
            set_thresholds[REFIT, f"after day {day + 1}"] = f"{refit_thresholds[-1][0]:.3f}"
    policies[policy] = (np.concatenate(scores), np.concatenate(thresholds))
    seen_flags[policy] = policies[policy][0] > policies[policy][1]
    trained_on[policy] = accepted_all
    if policy == "retrain on everything":  # same models, the walkthrough's thresholds
        policies[REFIT] = (policies[policy][0], np.concatenate(refit_thresholds))
        trained_on[REFIT] = accepted_all
print(f"frozen threshold: {threshold:.3f}")
print("windows each policy fine-tuned on:", {p: int(a.sum()) for p, a in trained_on.items()})
print("thresholds set after each retraining (90% bootstrap interval over the calibration part):")
pd.Series(set_thresholds).unstack().reindex([*POLICIES[1:], REFIT])

# %% [markdown]
# Detections side by side. For each incident: was it detected, and how many minutes after it began? After the release: which share of the points outside incidents is flagged, on day 2 and on day 3 (once the engineer has said it is the new normal, those flags are noise)? Before the release: false flags on normal data, outside incidents and the margin after them (as in Step 5). Day 3's incident is reported only for policies that are mostly quiet on day 3 outside incidents: for a policy that flags most of day 3 anyway, "flagged" says nothing about the incident.

# %%
day3 = np.arange(N_LIVE) >= 2 * DAY


def incident_summary(flags: np.ndarray, start: int, end: int) -> str:
    """When the first flag came, and the share of the incident's points flagged."""
    if start >= 2 * DAY and flags[day3 & ~in_incident & ~spill].mean() > 0.5:
        return "not meaningful: day 3 flagged throughout"
    hits = np.flatnonzero(flags[start:end])
    if not len(hits):
        return "missed"
    return f"after {hits[0] * MINUTES_PER_POINT} min, {flags[start:end].mean():.0%} flagged"


rows = {}
for policy, (scores, thresholds) in policies.items():
    flags = scores > thresholds
    row = {f"incident {day}": incident_summary(flags, *span) for day, span in INCIDENTS.items()}
    quiet = ~in_incident & ~spill
    row["flagged after release, day 2"] = f"{flags[after_release & ~day3 & quiet].mean():.0%}"
    row["flagged after release, day 3"] = f"{flags[day3 & quiet].mean():.0%}"
    row["false flags before release"] = f"{flags[quiet_before].mean():.1%}"
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
    ax.set_title(policy, fontsize="medium")
    ax.set_ylabel("score (log)")
axes[0].legend(loc="upper left", ncol=4)
axes[-1].set_xlabel("time (UTC)")
fig.suptitle("The same live feed under five retraining policies (retrained after day 1 and day 2)")
plt.show()

# %% [markdown]
# What the table says, generated from it:

# %%
frozen_row, everything, refit = (
    detections.loc["frozen"],
    detections.loc["retrain on everything"],
    detections.loc[REFIT],
)
safe, reviewed = (
    detections.loc["only what scored normal"],
    detections.loc["normal, plus human review"],
)
print(
    f"Retrain on everything, threshold on the calibration part: day 2's incident {everything['incident day 2']}, "
    f"day 3's {everything['incident day 3']} (frozen: {frozen_row['incident day 2']} on day 2); it "
    f"also learned the release: {everything['flagged after release, day 3']} of day 3's other points flagged."
)
print(
    f"The same models with the threshold on their training windows: day 2 {refit['incident day 2']}, "
    f"day 3 {refit['incident day 3']}."
)
print(
    f"Only what scored normal: day 2 {safe['incident day 2']}; false flags before the release "
    f"{safe['false flags before release']}, against the frozen detector's "
    f"{frozen_row['false flags before release']}; "
    f"{safe['flagged after release, day 3']} of day 3's points outside incidents are flagged "
    f"(day 3's incident: {safe['incident day 3']})."
)
print(
    f"With human review (a perfect oracle): day 3's incident {reviewed['incident day 3']}, "
    f"{reviewed['flagged after release, day 3']} of day 3's other points flagged; false flags before "
    f"the release {reviewed['false flags before release']}."
)

# %% [markdown]
# ## Step 11 — Retraining on everything: is it the model or the threshold? Over seeds
#
# One run is one draw. We repeat the day-1 retraining with three seeds. Each seed draws **three new days of the same service** (new noise and load drift; the incidents and the release at the same times) and a new order in which fine-tuning shuffles the windows. The frozen detector of Step 2 and the calibration part stay the same: the seeds vary the live data and the fine-tuning, not the first training.
#
# For each seed we score day 2's incident in a 2 × 2 design: the model is frozen, or fine-tuned on all of day 1 (its incident included); the threshold is set on the calibration part, or on day 1's windows (the incident's scores among them); the rule is always the 0.995 quantile. Changing one factor at a time gives clean effects. We do not split the total drop into percentages: the two effects need not add up, and such a split would depend on which change is counted first. A fifth column fine-tunes only on what scored normal.
#
# Every comparison uses the tutorial's one verdict rule, `lh.verdict`: lower (or higher) only if every seed of one side is below (or above) every seed of the other; otherwise a tie.

# %%
SEEDS = [SEED, SEED + 1, SEED + 2]
start2, end2 = INCIDENTS["day 2"]
ARMS = {
    "frozen, calibration threshold": "A",
    "frozen, threshold on day 1": "B",
    "fine-tuned, calibration threshold": "C",
    "fine-tuned, threshold on day 1": "D",
    "only what scored normal, calibration threshold": "E",
}
study = []
for seed in SEEDS:
    feed = live if seed == SEED else with_incidents(service_metrics(N_HISTORY, seed).iloc[-N_LIVE:])
    frozen_day1 = scores_with(frozen_weights, day_rows(feed, 0))[-DAY:]
    frozen_day2 = scores_with(frozen_weights, day_rows(feed, 1))[-DAY:]
    everything_accept = np.zeros(N_LIVE, dtype=bool)
    everything_accept[:DAY] = True
    clean_accept = np.zeros(N_LIVE, dtype=bool)
    clean_accept[:DAY] = window_is_clean(frozen_day1 > threshold)
    tuned, tuned_calibration, tuned_day1 = retrain(frozen_weights, feed, 0, everything_accept, seed)
    tuned_day2 = scores_with(tuned, day_rows(feed, 1))[-DAY:]
    clean, clean_calibration, _ = retrain(frozen_weights, feed, 0, clean_accept, seed)
    clean_day2 = scores_with(clean, day_rows(feed, 1))[-DAY:]
    arms = {  # (day-2 scores, threshold)
        "A": (frozen_day2, threshold),
        "B": (frozen_day2, lh.tail_threshold(frozen_day1, QUANTILE)),
        "C": (tuned_day2, lh.tail_threshold(tuned_calibration, QUANTILE)),
        "D": (tuned_day2, lh.tail_threshold(tuned_day1, QUANTILE)),
        "E": (clean_day2, lh.tail_threshold(clean_calibration, QUANTILE)),
    }
    row = {"seed": seed}
    for arm, (day2, arm_threshold) in arms.items():
        row[f"{arm}: flagged"] = float((day2[start2 - DAY : end2 - DAY] > arm_threshold).mean())
        row[f"{arm}: threshold"] = arm_threshold
    study.append(row)
study = pd.DataFrame(study).set_index("seed")
print("day 2's incident: share flagged, and the threshold, per seed, for")
for name, arm in ARMS.items():
    print(f"  {arm}: {name}")
study.round(3)

# %%
share = {arm: study[f"{arm}: flagged"].to_numpy() for arm in ARMS.values()}
WORDS = {"win": "higher on every seed", "loss": "lower on every seed", "tie": "a tie over seeds"}


def spread(arm: str) -> str:
    """The seeds' range of an arm's share of day 2's incident flagged."""
    return f"{share[arm].min():.0%}..{share[arm].max():.0%}"


def compared(arm: str, other: str) -> str:
    """An arm against another, by lh.verdict over the seeds."""
    return f"{spread(arm)}, {WORDS[lh.verdict(share[arm], share[other])]} than {spread(other)}"


print(f"Frozen, threshold on the calibration part: day 2's incident {spread('A')} flagged.")
print(f"Threshold moved onto day 1's windows, model unchanged: {compared('B', 'A')}.")
print(f"Model fine-tuned on day 1, threshold rule and data unchanged: {compared('C', 'A')}.")
print(f"Both (the walkthrough's way): {compared('D', 'A')}.")
print(f"The threshold's move alone against the model's change alone: {compared('B', 'C')}.")
print(
    f"Only what scored normal against retrain on everything (both calibrated): {compared('E', 'C')}."
)

# %% [markdown]
# Retraining on everything puts the incident's windows among the "normal" ones, and that acts twice: the model learns to rebuild part of the incident, and a threshold set on those windows lands among the incident's own scores. The lines above give each effect on its own, over the seeds, and which of the two hides more of the incident's return. Once the release is in the training data as well, the threshold set after it promises its budget for old normal data only. Retraining only on what scored normal keeps incidents out, but it also keeps out any change that lasts: after the release it flags all day, every day, until somebody decides, and Step 10 prints its false flags before the release beside the frozen detector's, so that what it does on normal days is measured, not assumed. That decision is the human review: a person, not the model, says what the new normal is, and the retraining takes it from there (here with a perfect oracle; a real review is a best case only when it is right).
#
# The same logic applies to any schedule: retrain on what was reviewed or scored normal, set the threshold on normal data the model did not train on, enough of it for the budget, and keep the old detector's folder so you can roll back.

# %% [markdown]
# ## Checks
#
# What this notebook teaches, as assertions that could fail: properties of the thresholds, the scorer and the protocol, never that one policy or method wins.

# %%
# Thresholds: the deployed one is the empirical quantile of the calibration scores alone; the
# empirical method is refused exactly where there are fewer than 1 / (1 - q) scores; a smaller
# budget never gives a lower threshold; a bootstrap never goes above the largest score it has.
assert threshold == lh.quantile_threshold(calibration_scores, QUANTILE)
for q in LEVELS:
    assert (("empirical", q) in tails) == (len(cal) >= np.ceil(1 / (1 - q) - 1e-9)), q
for method in METHODS:
    assert (np.diff([tails[method, q] for q in LEVELS if (method, q) in tails]) >= 0).all(), method
assert boot_few.max() <= few.max() and boot_all.max() <= cal.max()

# The stream's contract: equal-length float arrays, NaN exactly where no full window exists, and
# agreement with the batch scores within the stated tolerance (not exact equality).
assert stream_scores.dtype == batch_scores.dtype == np.float64
assert stream_scores.shape == batch_scores.shape == (N_LIVE,)
assert (
    np.isnan(batch_scores[: N_TIMESTEPS - 1]).all()
    and np.isfinite(batch_scores[N_TIMESTEPS - 1 :]).all()
)
tolerance = {"rtol": streaming.STREAM_RTOL, "atol": streaming.STREAM_ATOL, "equal_nan": True}
assert np.allclose(stream_scores, batch_scores, **tolerance)
assert np.allclose(loaded_scores, batch_scores, **tolerance)
assert np.isclose(fixed.score, batch_scores[20], **tolerance)
# Exact equality holds where the path is the same: the loaded detector against the saved one.
assert np.array_equal(loaded_scores, detector.batch_scores(live), equal_nan=True)
assert all(not r.ready and r.flag is None for r in results[: N_TIMESTEPS - 1])
near = np.isclose(
    batch_scores, loaded.threshold, rtol=streaming.STREAM_RTOL, atol=streaming.STREAM_ATOL
)
assert all(  # flags differ from the batch's only within the tolerance of the threshold
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
assert loaded.threshold == threshold
assert loaded.feature_names == tuple(FEATURES) and loaded.n_timesteps == N_TIMESTEPS

# The policies' protocol: the safe policies never trained on a window with a flagged point (unless
# a person reviewed it as normal); retrain-on-everything took every window of days 1 and 2
# (incidents included); frozen never retrained; its scores are the batch scores.
for policy in ("only what scored normal", "normal, plus human review"):
    had_flag = ~window_is_clean(seen_flags[policy])
    was_reviewed = window_is_clean(~reviewed_as_normal) if "review" in policy else False
    assert not (trained_on[policy] & had_flag & ~was_reviewed).any(), policy
assert trained_on["retrain on everything"][: 2 * DAY].all()
assert not trained_on["frozen"].any()
assert np.allclose(policies["frozen"][0], batch_scores, **tolerance)
# The seed study's first seed is the run of the table: same protocol, same result.
for arm, policy in (
    ("A", "frozen"),
    ("C", "retrain on everything"),
    ("D", REFIT),
    ("E", "only what scored normal"),
):
    scores, thresholds = policies[policy]
    assert share[arm][0] == (scores > thresholds)[start2:end2].mean(), policy
# The seeds drew different live feeds.
assert study["A: threshold"].nunique() == 1 and study["B: threshold"].nunique() == len(SEEDS)
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - A threshold is an **alarm budget**: the `q`-quantile of normal scores promises to flag a share `1 - q` of normal points. The empirical quantile needs `1 / (1 - q)` calibration scores; from a few dozen it is their largest. A Gaussian fit on right-skewed scores overspends; a peaks-over-threshold tail extrapolates beyond the data. Check the promise on a shadow period.
# - A detector is its model plus scaler statistics, window length, feature names and threshold: save and load them together; a mismatch fails loudly.
# - `streaming.StreamingScorer` computes the causal score point by point, says when it cannot yet (warm-up, gaps), and agrees with the batch scores within `STREAM_RTOL` and `STREAM_ATOL`, not exactly; only a point that close to the threshold can be flagged differently.
# - Bad input is refused with a clear message, or handled by a documented policy, never scored silently.
# - Per point, `predict_on_batch` costs a fraction of `model.predict`, which is mostly overhead.
# - Retraining on everything teaches the monitor part of each incident through the model, and more through a threshold set on the same windows (Step 11, over seeds). Set thresholds on normal data the model did not train on. Retraining only on what scored normal keeps incidents out but flags a lasting change until a person decides; Step 10 prints its false flags before the release beside the frozen detector's.
#
# Next: the exercises below; then SPOT's streaming version, which updates its tail with each normal point.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer; its starter cell uses only names that start with `ex1_`, `ex2_`, …, and the names this notebook defines. Run it after *Run All*. Worked solutions: [solutions/05_streaming_monitor_solutions.ipynb](solutions/05_streaming_monitor_solutions.ipynb).
