# %% [markdown]
# # 📃 Solutions · 5 · From notebook to monitor
#
# Worked solutions to the exercises of [notebook 5](../05_streaming_monitor.ipynb). Try each exercise there first. This notebook rebuilds what the exercises need (the data, the trained detector, its batch scores), so it runs on its own, top to bottom, in under a minute on a 2-core CPU.

# %%
import os

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh
from lstm_helpers import streaming

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()

# %% [markdown]
# Notebook 5's data, model, threshold and saved detector, in one cell.

# %%
FEATURES = ["requests", "cpu", "latency", "errors", "queue"]
DAY = 480  # points per day, one every 3 minutes
N_FIT, N_CALIBRATION, N_LIVE = 1000, 400, 3 * DAY
INCIDENTS = {"day 1": (160, 240), "day 2": (640, 720), "day 3": (1120, 1200)}
CPU_JUMP, RELEASE, LATENCY_STEP = 20.0, 800, 6.0
N_TIMESTEPS, N_UNITS, EPOCHS, BATCH_SIZE, QUANTILE = 10, 16, 12, 32, 0.995


def service_metrics(n_rows: int, seed: int) -> pd.DataFrame:
    """Five metrics driven by one hidden load, one row every 3 minutes: (n_rows, 5)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_rows)
    drift = np.convolve(rng.normal(0, 1, n_rows + 49), np.ones(50) / 50, mode="valid")
    load = np.sin(2 * np.pi * t / 60) + 0.9 * drift
    values = np.column_stack(
        [
            100 + 30 * load,
            40 + 15 * load,
            20 + 4 * load + 2 * load**2,
            1 + 0.3 * load,
            5 + 3 * np.roll(load, 3),
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
center = fit_part.to_numpy().mean(axis=0)
scale = fit_part.to_numpy().std(axis=0)


def windows_of(frame: pd.DataFrame) -> np.ndarray:
    return lh.make_windows((frame.to_numpy() - center) / scale, N_TIMESTEPS)


keras.utils.set_random_seed(SEED)
model = keras.Sequential(
    [
        keras.Input(shape=(N_TIMESTEPS, len(FEATURES))),
        keras.layers.LSTM(N_UNITS),
        keras.layers.RepeatVector(N_TIMESTEPS),
        keras.layers.LSTM(N_UNITS, return_sequences=True),
        keras.layers.Dense(len(FEATURES)),
    ],
    name="metrics_autoencoder",
)
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mae")
X_fit = windows_of(fit_part)
model.fit(X_fit, X_fit, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
X_cal = windows_of(calibration_part)
calibration_scores = lh.causal_scores(lh.per_step_errors(X_cal, model.predict(X_cal, verbose=0)))
threshold = lh.quantile_threshold(calibration_scores[N_TIMESTEPS - 1 :], QUANTILE)
X_live = windows_of(live)
batch_scores = lh.causal_scores(lh.per_step_errors(X_live, model.predict(X_live, verbose=0)))

workdir = tempfile.TemporaryDirectory(prefix="lstm-monitor-")  # removed when the kernel stops
folder = Path(workdir.name) / "detector"
streaming.save_detector(
    streaming.Detector(model, N_TIMESTEPS, center, scale, threshold, FEATURES), folder
)
loaded = streaming.load_detector(folder, n_timesteps=N_TIMESTEPS, feature_names=FEATURES)
scorer = loaded.stream()
results = [
    scorer.update(row, timestamp=ts) for ts, row in zip(live.index, live.to_numpy(), strict=True)
]
stream_scores = np.array([r.score for r in results])
assert np.allclose(
    stream_scores,
    batch_scores,
    rtol=streaming.STREAM_RTOL,
    atol=streaming.STREAM_ATOL,
    equal_nan=True,
)
print(f"threshold {threshold:.4f}; {len(batch_scores)} live points scored, batch = stream")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — Small batches instead of single points
#
# **Goal.** Some feeds deliver a few points at a time (a message every minute holding the last 16 readings, say). Score such batches with one model call each.
#
# **Starting point.** `ex1_scorer.update_many(rows)` takes a DataFrame (or array) of consecutive rows and returns a frame with columns `ready`, `score` and `flag`, one row per point. Feed `live` to it in slices of `ex1_batch_size` rows, in order, and collect the scores in `ex1_scores`, a float array of length `len(live)`.
#
# **How to check.** `np.allclose(ex1_scores, batch_scores, rtol=streaming.STREAM_RTOL, atol=streaming.STREAM_ATOL, equal_nan=True)` is `True` whatever the batch size (try 1, 7 and 100). Time both ways: which is faster per point, and why?

# %% tags=["starter"]
ex1_scorer = loaded.stream()
ex1_batch_size = 16
ex1_scores = None  # your code here: feed live in slices of ex1_batch_size to ex1_scorer.update_many

# %% [markdown]
# #### 📃 Solution 1

# %%
ex1_scorer = loaded.stream()  # the reference: one update() per point, as in Step 5
ex1_t0 = time.perf_counter()
for ex1_ts, ex1_row in zip(live.index, live.to_numpy(), strict=True):
    ex1_scorer.update(ex1_row, timestamp=ex1_ts)
ex1_update_seconds = time.perf_counter() - ex1_t0
print(f"update() point by point: {1000 * ex1_update_seconds / N_LIVE:.3f} ms per point")
ex1_seconds = {}
for ex1_size in (1, 7, ex1_batch_size, 100):
    ex1_scorer = loaded.stream()
    ex1_t0 = time.perf_counter()
    ex1_frames = [
        ex1_scorer.update_many(live.iloc[ex1_i : ex1_i + ex1_size])
        for ex1_i in range(0, N_LIVE, ex1_size)
    ]
    ex1_seconds[ex1_size] = time.perf_counter() - ex1_t0
    ex1_scores = pd.concat(ex1_frames)["score"].to_numpy()
    assert np.allclose(
        ex1_scores,
        batch_scores,
        rtol=streaming.STREAM_RTOL,
        atol=streaming.STREAM_ATOL,
        equal_nan=True,
    ), ex1_size
    print(
        f"batches of {ex1_size:3d}: equal to the batch scores; {1000 * ex1_seconds[ex1_size] / N_LIVE:.3f} ms per point"
    )
print(
    f"batches of 100 cost {ex1_update_seconds / ex1_seconds[100]:.0f}x less per point than update() "
    f"point by point ({ex1_seconds[1] / ex1_seconds[100]:.0f}x less than update_many with 1 row)"
)

# %% [markdown]
# (Each scorer's first call includes its one-time set-up; with 1440 points that is a small part of each total.) Every batch size gives the batch scores exactly: the scorer keeps the last `N_TIMESTEPS - 1` rows between calls, so the windows that straddle two batches are the same windows. Larger batches are cheaper per point because one model call, one validation and one frame are shared by all the points of the batch; the price is latency, since the first point of a batch waits for the last before it is scored.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — A gap in the feed
#
# **Goal.** A collector drops out: the CPU metric is missing (NaN) for five points. See what the documented gap policy does.
#
# **Starting point.** `ex2_feed` is the live feed with that gap. Score it point by point with a scorer made by `loaded.stream(on_nan="restart")` and collect the scores in `ex2_scores`.
#
# **How to check.** How many points get no score, besides the first warm-up? Where exactly? Are all the other scores equal to `batch_scores`?

# %% tags=["starter"]
ex2_gap = (500, 505)  # live points 500..504 lack the CPU metric
ex2_feed = live.copy()
ex2_feed.iloc[ex2_gap[0] : ex2_gap[1], FEATURES.index("cpu")] = np.nan
ex2_scores = None  # your code here: score ex2_feed with loaded.stream(on_nan="restart")

# %% [markdown]
# #### 📃 Solution 2

# %%
ex2_scorer = loaded.stream(on_nan="restart")
ex2_scores = np.array([ex2_scorer.update(row).score for row in ex2_feed.to_numpy()])
ex2_missing = np.flatnonzero(np.isnan(ex2_scores[N_TIMESTEPS - 1 :])) + N_TIMESTEPS - 1
print(
    f"{len(ex2_missing)} points without a score after the first warm-up: {ex2_missing[0]}..{ex2_missing[-1]}"
)
ex2_scored = ~np.isnan(ex2_scores)
assert np.allclose(
    ex2_scores[ex2_scored],
    batch_scores[ex2_scored],
    rtol=streaming.STREAM_RTOL,
    atol=streaming.STREAM_ATOL,
)
assert len(ex2_missing) == (ex2_gap[1] - ex2_gap[0]) + N_TIMESTEPS - 1
print("every other score equals the batch score")

# %% [markdown]
# The five gap points have no score, and neither have the `N_TIMESTEPS - 1` points after the gap: their windows would contain a missing value, so the scorer warms up again instead of guessing. From then on each window is made of real points only, the same windows as in the batch, so the scores are equal again. Filling the gap (say, with the last value) would give scores for those points, but scores of data nobody measured; if you do that, do it before the scorer, on purpose, and keep a record of it.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — Alarm only when flags persist
#
# **Goal.** A monitor that pages someone at every flagged point is noisy. Raise an **alarm** at point `t` only if the last `ex3_k` points were all flagged, which a streaming monitor can decide at `t`. What does it cost?
#
# **Starting point.** `ex3_flags` holds the scorer's decisions as booleans (False during warm-up). Compute `ex3_alarms`, a boolean array of the same length, with the rule above and `ex3_k = 3`.
#
# **How to check.** Compare with the raw flags: how many points alarm before the release, outside incidents (false alarms)? How many minutes after the start of each incident does the first alarm come?

# %% tags=["starter"]
ex3_k = 3
ex3_flags = np.array([bool(r.flag) for r in results])  # None (warm-up) counts as no flag
ex3_alarms = None  # your code here: True at t if ex3_flags[t - ex3_k + 1 .. t] are all True

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_run = np.convolve(ex3_flags.astype(int), np.ones(ex3_k, dtype=int))[:N_LIVE]
ex3_alarms = ex3_run == ex3_k  # causal: uses points t - k + 1 .. t only
assert ex3_alarms.sum() <= ex3_flags.sum()
assert not ex3_alarms[: ex3_k - 1].any()


def ex3_starts(mask: np.ndarray) -> np.ndarray:
    """True where a run of True values begins: one page per run."""
    return mask & ~np.concatenate([[False], mask[:-1]])


# before the release, outside incidents and the N_TIMESTEPS - 1 points after each (where windows
# still hold incident rows: flags there are the incident spilling over, not false alarms)
ex3_quiet = ~after_release & ~in_incident
for ex3_span in INCIDENTS.values():
    ex3_quiet[ex3_span[1] : ex3_span[1] + N_TIMESTEPS - 1] = False
ex3_pages = {
    "flags": int(ex3_starts(ex3_flags)[ex3_quiet].sum()),
    "alarms": int(ex3_starts(ex3_alarms)[ex3_quiet].sum()),
}
print(f"false pages before the release (runs starting outside incidents and margins): {ex3_pages}")
for ex3_day in ("day 1", "day 2"):  # after the release every point is flagged anyway
    ex3_start, ex3_end = INCIDENTS[ex3_day]
    ex3_flag_delay = 3 * np.argmax(ex3_flags[ex3_start:ex3_end])
    ex3_alarm_delay = 3 * np.argmax(ex3_alarms[ex3_start:ex3_end])
    print(
        f"incident {ex3_day}: first flag after {ex3_flag_delay} min, first alarm after {ex3_alarm_delay} min"
    )
ex3_fewer = ex3_pages["alarms"] < ex3_pages["flags"]
print(
    f"With k = {ex3_k}: {ex3_pages['alarms']} false pages instead of {ex3_pages['flags']}, "
    f"and each incident is reported {3 * (ex3_k - 1)} minutes later"
    + (
        "."
        if ex3_fewer
        else ": on this feed the rule buys nothing (the raw flags raise no more false pages), it only costs delay."
    )
)

# %% [markdown]
# Requiring a few flags in a row drops the runs of flags shorter than `ex3_k`, and delays every alarm by at least `ex3_k - 1` points (3 minutes each) after the first flag; the lines above give both effects on this feed (false pages counted outside incidents and the window-length margin after each, where flags are the incident spilling over). The rule is causal, so a monitor can apply it as the points arrive. The right `ex3_k` is a trade between how often people are paged for nothing and how late they hear about a real incident. (After the release every point is flagged, so day 3's incident tells nothing about delays; that is Step 8's problem.)
