# %% [markdown]
# # 3 · Real data: both methods on labelled NAB series, evaluated honestly
#
# Notebooks 1 and 2 used data we made, where we knew every anomaly. Real data is messier: no perfect copy of "normal", drifting levels, gaps, and labels drawn by people. This notebook runs both methods on two series of the **Numenta Anomaly Benchmark (NAB)**, whose anomaly windows were labelled by its authors, and compares them with plain baselines through the same metrics.
#
# **What you will learn**
#
# - how to load a NAB series with its labelled windows, reproducibly (pinned commit, verified checksums, offline once cached);
# - how to train only on a period known to be normal, and scale and threshold with its statistics alone;
# - how to evaluate a detector on real labels: point-level precision/recall/F1, event-level recall, false alarms per day and detection delay;
# - why every result needs a baseline beside it: a rolling z-score, and a random score that shows what the metrics give for free.
#
# **Prerequisites:** notebooks 1 and 2. **Run time:** about a minute on a 2-core CPU (the README's table gives the last `make bench` figures).
#
# **Data.** NAB is MIT licensed and not redistributed here: `lh.datasets.load_nab` downloads the files once from NAB's repository at a pinned commit, checks their SHA-256 sums and caches them. Offline, point the `LSTM_HELPERS_DATA` environment variable at a folder laid out like NAB's repository.

# %% [markdown]
# ## Setup

# %%
import os

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh
from lstm_helpers.datasets import load_nab
from lstm_helpers.plotting import COLORS, apply_style, shade_mask
from lstm_helpers.scoring import evaluate_detections, window_mask

assert keras.__version__.startswith("3."), f"this notebook needs Keras 3, found {keras.__version__}"
print(
    f"TensorFlow {tf.__version__}, Keras {keras.__version__}, pandas {pd.__version__}, lstm_helpers {lh.__version__}"
)

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
apply_style()

# %% [markdown]
# ## Step 1 — Machine temperature: load it, and find the normal period
#
# `realKnownCause/machine_temperature_system_failure.csv` is a temperature sensor on a large industrial machine, every 5 minutes for 11 weeks, with four labelled anomaly windows; the last is a catastrophic failure. NAB's rules reserve the first 15 % of each series as a *probationary period* for learning. Here the first labelled window starts before that 15 % ends, so we train only on what comes before the **first** window: the rule we follow is "before any labelled anomaly".
#
# Two practical steps: the sensor's clock jumps back once (the loader keeps the first of each repeated timestamp, and says how many it dropped), and we average to 15-minute steps, which keeps the model fast and loses nothing at the scale of these anomalies.

# %%
temp_raw, temp_windows = load_nab("realKnownCause/machine_temperature_system_failure.csv")
print(
    f"{len(temp_raw):,} rows, {temp_raw.attrs['dropped_duplicate_timestamps']} repeated timestamps dropped"
)
temp = temp_raw["value"].resample("15min").mean().interpolate()

probation_end = temp.index[int(0.15 * len(temp))]
temp_train_end = min(probation_end, temp_windows[0][0])
temp_is_train = temp.index < temp_train_end
print(f"15 % probation ends {probation_end}, first labelled window starts {temp_windows[0][0]}")
print(f"training on {temp_is_train.sum()} rows: {temp.index[0]} .. {temp.index[temp_is_train][-1]}")

# %% [markdown]
# ## Step 2 — The autoencoder of notebook 1, on real data
#
# The same recipe as notebook 1: min–max scaling fitted on the training period only, windows of `T = 24` steps (6 hours), an LSTM autoencoder, per-step reconstruction errors, and the corrected mapping back to points (`windows_to_points`, max over the windows covering each point). Two changes suit real data: the default `tanh` activations (more stable than `relu` on values that leave the training range), and a smaller model for fewer training windows.
#
# The threshold is mean + 3·std of the training points' scores. Notebook 1 used the largest training score, which was exact there only because the test series repeated the training series point for point; real data never does, and with a week of training the single largest score is a noisy statistic. The 3-sigma rule is chosen before looking at any label, and it is the same for both series.

# %%
T_TEMP, K = 24, 3.0
lo, hi = temp[temp_is_train].min(), temp[temp_is_train].max()  # training period only
temp_scaled = ((temp - lo) / (hi - lo)).to_numpy()
X_temp_train = lh.make_windows(temp_scaled[temp_is_train], T_TEMP)
X_temp_all = lh.make_windows(temp_scaled, T_TEMP)

keras.utils.set_random_seed(SEED)
autoencoder = keras.Sequential(
    [
        keras.Input(shape=(T_TEMP, 1)),
        keras.layers.LSTM(32, return_sequences=True),
        keras.layers.LSTM(16),
        keras.layers.RepeatVector(T_TEMP),
        keras.layers.LSTM(16, return_sequences=True),
        keras.layers.LSTM(32, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(1)),
    ]
)
autoencoder.compile(optimizer="adam", loss="mae")
hist = autoencoder.fit(
    X_temp_train, X_temp_train, epochs=30, batch_size=32, validation_split=0.1, verbose=0
)
print(
    f"{len(X_temp_train)} training windows; final MAE {hist.history['loss'][-1]:.4f}, validation {hist.history['val_loss'][-1]:.4f}"
)

err_train = lh.per_step_errors(X_temp_train, autoencoder.predict(X_temp_train, verbose=0))
err_all = lh.per_step_errors(X_temp_all, autoencoder.predict(X_temp_all, verbose=0, batch_size=256))
temp_score = pd.Series(lh.windows_to_points(err_all, how="max"), index=temp.index)
temp_threshold = lh.mean_std_threshold(lh.windows_to_points(err_train, how="max"), k=K)
print(f"threshold (training mean + {K:g} std) = {temp_threshold:.3f}")


# %% [markdown]
# ## Step 3 — Two baselines through the same evaluation
#
# A result means little without something plain beside it.
#
# - **Rolling z-score**, the family of NAB's own "windowed Gaussian" detector: how many standard deviations each value lies from the mean of the preceding window. Its two settings are chosen on the training period only: the window (6 hours, a day or a week) under which the normal data looks least surprising, and the threshold `k`, the largest |z| seen in training.
# - **Random score**, flagging as many points as the LSTM does, but at random. It tells us what each metric gives a detector with no information at all: with wide labelled windows, it is more than you might think.
#
# We evaluate only after the training period, with `evaluate_detections`: point-level precision, recall and F1 against the points inside labelled windows; **event recall**, the share of windows with at least one detection; **false alarms per day**, runs of flagged points that touch no window, per day outside the windows; and **mean delay** from a window's start to its first detection.


# %%
def rolling_z(series: pd.Series, is_train: np.ndarray, windows=("6h", "1D", "7D")):
    """|z| of each value against the preceding window, with window and k chosen on training data."""
    best = None
    for w in windows:
        roll = series.rolling(w)
        z = ((series - roll.mean().shift(1)) / roll.std().shift(1)).abs()
        k = z[is_train].iloc[series[is_train].rolling(w).count().lt(2).sum() :].max()
        if best is None or k < best[2]:
            best = (z.fillna(0.0), w, k)
    return best


def compare(name, series, lstm_score, lstm_threshold, is_train, windows):
    """One row per method, evaluated after the training period."""
    test = ~is_train
    lstm_flags = lstm_score > lstm_threshold
    z, z_window, z_k = rolling_z(series, is_train)
    rng = np.random.default_rng(SEED)
    random_score = pd.Series(rng.random(len(series)), index=series.index)
    random_flags = random_score > random_score[test].quantile(1 - lstm_flags[test].mean())
    rows = {
        "LSTM": evaluate_detections(lstm_flags[test], windows),
        f"rolling z ({z_window}, k={z_k:.1f})": evaluate_detections((z > z_k)[test], windows),
        "random (same flag rate)": evaluate_detections(random_flags[test], windows),
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table = table.round(
        dict.fromkeys(["precision", "recall", "f1", "event_recall", "false_alarms_per_day"], 3)
    )
    table["mean_delay"] = table["mean_delay"].dt.round("min")
    table.index.name = name
    return table, {"LSTM": lstm_flags, "rolling z": z > z_k}


temp_table, temp_flags = compare(
    "machine temperature", temp, temp_score, temp_threshold, temp_is_train, temp_windows
)
temp_table


# %% [markdown]
# ## Step 4 — The figure: data, labelled windows, detections, and the score against its threshold


# %%
def plot_series(series, windows, is_train, flags, score, threshold, title, ylabel):
    inside = window_mask(series.index, windows)
    _, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6), sharex=True)
    ax1.plot(series.index, series, color=COLORS["blue"], lw=0.6, label="data")
    shade_mask(ax1, series.index, inside, label="labelled anomaly window")
    ax1.axvspan(
        series.index[0],
        series.index[is_train][-1],
        color=COLORS["green"],
        alpha=0.12,
        label="training period",
    )
    for (method, f), color, marker in zip(
        flags.items(), (COLORS["vermillion"], COLORS["purple"]), ("o", "x"), strict=True
    ):
        hit = f & ~is_train
        ax1.scatter(
            series.index[hit],
            series[hit],
            s=10,
            color=color,
            marker=marker,
            zorder=3,
            label=f"{method} detection",
        )
    ax1.set(title=title, ylabel=ylabel)
    ax1.legend(loc="lower left", ncol=3, fontsize="x-small")
    ax2.plot(score.index, score, color=COLORS["orange"], lw=0.6, label="LSTM anomaly score")
    ax2.axhline(threshold, color=COLORS["vermillion"], ls="--", label="threshold")
    shade_mask(ax2, series.index, inside, label="labelled anomaly window")
    ax2.set_yscale("log")
    ax2.set(
        title="LSTM anomaly score against its threshold", xlabel="time", ylabel="score (log scale)"
    )
    ax2.legend(loc="upper left", fontsize="x-small")
    plt.show()


plot_series(
    temp,
    temp_windows,
    temp_is_train,
    temp_flags,
    temp_score,
    temp_threshold,
    "Machine temperature: labelled windows and detections",
    "temperature",
)

# %% [markdown]
# ## Step 5 — NYC taxi: the forecaster of notebook 2, with calendar features
#
# `realKnownCause/nyc_taxi.csv` counts New York taxi passengers every 30 minutes for seven months. Its five labelled windows are the NYC marathon, Thanksgiving, Christmas, New Year and a January snowstorm. The series is dominated by daily and weekly cycles, so we give the model the time as inputs: **hour of day and day of week, each encoded as a sine and a cosine**, so that 23:30 is next to 00:00 and Sunday next to Monday. With the passenger count, that makes 5 input features.
#
# The model reads one day (`T = 48` steps) and forecasts the next 3 hours (`H = 6` steps) of the passenger count; it is trained on every day before the first labelled window, less a day's margin. `error_frame` lays out the forecasts and errors per horizon, and the anomaly score is the mean absolute error across horizons, averaged over a rolling day: a holiday is an anomaly of a whole day, not of one half-hour.

# %%
taxi, taxi_windows = load_nab("realKnownCause/nyc_taxi.csv")
T_TAXI, H_TAXI = 48, 6
taxi_is_train = taxi.index < taxi_windows[0][0] - pd.Timedelta(days=1)
mu, sd = taxi["value"][taxi_is_train].mean(), taxi["value"][taxi_is_train].std()
hours = (taxi.index.hour + taxi.index.minute / 60).to_numpy()
days = taxi.index.day_of_week.to_numpy() + hours / 24
features = pd.DataFrame(
    {
        "passengers": (taxi["value"] - mu) / sd,  # standardised with training statistics
        "hour_sin": np.sin(2 * np.pi * hours / 24),
        "hour_cos": np.cos(2 * np.pi * hours / 24),
        "dow_sin": np.sin(2 * np.pi * days / 7),
        "dow_cos": np.cos(2 * np.pi * days / 7),
    },
    index=taxi.index,
)
X_taxi, Y_taxi = lh.make_forecast_windows(features[taxi_is_train], T_TAXI, H_TAXI)
Y_taxi = Y_taxi[:, :, :1]  # forecast the passenger count only
print(f"training: {taxi_is_train.sum()} rows -> X {X_taxi.shape}, Y {Y_taxi.shape}")

keras.utils.set_random_seed(SEED)
forecaster = keras.Sequential(
    [
        keras.Input(shape=(T_TAXI, 5)),
        keras.layers.LSTM(32),
        keras.layers.Dense(H_TAXI),
        keras.layers.Reshape((H_TAXI, 1)),
    ]
)
forecaster.compile(optimizer="adam", loss="mae")
hist = forecaster.fit(X_taxi, Y_taxi, epochs=15, batch_size=64, validation_split=0.1, verbose=0)
print(
    f"final MAE {hist.history['loss'][-1]:.3f}, validation {hist.history['val_loss'][-1]:.3f} (in training standard deviations)"
)

yhat_taxi = forecaster.predict(lh.make_windows(features, T_TAXI), verbose=0, batch_size=256)
taxi_frame = lh.error_frame(features[["passengers"]], yhat_taxi, T_TAXI)
horizon_err = taxi_frame[[f"t{t}_error_avg" for t in range(H_TAXI)]].abs()
print(
    "mean |error| per horizon (training sd):",
    horizon_err[taxi_is_train[T_TAXI - 1 :]].mean().round(3).tolist(),
)
taxi_score = (
    horizon_err.mean(axis=1).rolling("1D", min_periods=1).mean().reindex(taxi.index).fillna(0.0)
)
taxi_threshold = lh.mean_std_threshold(taxi_score[taxi_is_train].iloc[T_TAXI:], k=K)
print(f"threshold (training mean + {K:g} std) = {taxi_threshold:.3f}")

# %%
taxi_table, taxi_flags = compare(
    "NYC taxi", taxi["value"], taxi_score, taxi_threshold, taxi_is_train, taxi_windows
)
display(taxi_table)
plot_series(
    taxi["value"],
    taxi_windows,
    taxi_is_train,
    taxi_flags,
    taxi_score,
    taxi_threshold,
    "NYC taxi passengers: labelled windows and detections",
    "passengers per 30 min",
)

# %% [markdown]
# ## Step 6 — Reading the results honestly
#
# Read the tables column by column, and always against the random row.
#
# - **Event recall alone means little.** The random score, flagging as many points as the LSTM, hits *every* labelled window: the windows are wide (days around each event), so scattered flags land in all of them. What random cannot do is stay quiet elsewhere: it raises several false alarms per day, while the LSTMs find 3 of 4 and 5 of 5 windows with well under one false alarm per day. Event recall and false alarms per day must be read together.
# - **Point-level F1** is where the LSTMs clearly beat random on both series. It stays far from 1 for everyone because NAB's windows are wider than the stretches where things visibly go wrong.
# - **The rolling z-score loses on both series, for a reason we can name.** On the taxi data, a holiday is not an unusual *value* (a quiet Christmas night looks like any quiet night); it is an unusual value *for that hour and day*, which only a model that knows the calendar can see. On the machine, its threshold, the largest |z| of one training week, is crossed by many ordinary fluctuations later on.
# - **Detection delay** is measured from a window's start. NAB centres its windows on the event, so catching the event itself gives a delay of about half a window: a delay is not automatically late. On machine temperature, several drops outside the labelled windows look much like the labelled ones: false alarms or unlabelled incidents, the data cannot say.
#
# A caveat on the comparison: the rolling z-score here is a simple member of its family, and a z-score on hour-of-week residuals would do much better on taxi data. Baselines are worth as much effort as models.
#
# ## Sanity checks

# %%
temp_lstm, taxi_lstm = temp_table.loc["LSTM"], taxi_table.loc["LSTM"]
# Machine temperature: at least 3 of the 4 labelled windows, at most 2 false alarms per day.
assert temp_lstm["event_recall"] * len(temp_windows) >= 3, temp_lstm
assert temp_lstm["false_alarms_per_day"] <= 2, temp_lstm
# NYC taxi: at least 3 of the 5 labelled windows.
assert taxi_lstm["event_recall"] * len(taxi_windows) >= 3, taxi_lstm
# The evaluation tables hold every method and every metric.
metrics = {
    "precision",
    "recall",
    "f1",
    "event_recall",
    "events_detected",
    "false_alarms_per_day",
    "mean_delay",
}
for table in (temp_table, taxi_table):
    assert metrics <= set(table.columns) and len(table) == 3
    assert {"LSTM", "random (same flag rate)"} <= set(table.index)
    assert any(name.startswith("rolling z") for name in table.index)
# Scaling and thresholds saw the training periods only, which end before the first labelled window.
assert (
    temp.index[temp_is_train][-1] < temp_windows[0][0]
    and taxi.index[taxi_is_train][-1] < taxi_windows[0][0]
)
assert (lo, hi) == (temp[temp_is_train].min(), temp[temp_is_train].max())
assert temp_threshold == lh.mean_std_threshold(lh.windows_to_points(err_train, how="max"), k=K)


# Reproducible: two fresh, equally seeded models trained on the same data end bit-for-bit equal.
def brief_training():
    keras.utils.set_random_seed(SEED)
    m = keras.Sequential(
        [keras.Input(shape=(T_TAXI, 5)), keras.layers.LSTM(8), keras.layers.Dense(H_TAXI)]
    )
    m.compile(optimizer="adam", loss="mae")
    m.fit(X_taxi[:512], Y_taxi[:512, :, 0], epochs=1, batch_size=64, verbose=0)
    return m.get_weights()


assert all(np.array_equal(a, b) for a, b in zip(brief_training(), brief_training(), strict=True))
print("All sanity checks passed.")

# %% [markdown]
# ## Recap
#
# - Real data needs a normal period you trust: here, everything before the first labelled window. Scaling, thresholds and baseline settings all come from it.
# - The two methods carry over: the autoencoder with the corrected window-to-point mapping on a sensor, the forecaster with calendar features on a strongly seasonal count.
# - Evaluate with several metrics, and always beside a random score: wide labelled windows make point-level scores low for everyone, and make some detections come for free.
# - A plain baseline can be weak for a reason you can name (here: values that are normal in general but not for that hour); say so rather than hiding it, and improve the baseline before claiming a win.
#
# This is where the step-by-step tutorial ends. The exercises below take it further on other NAB series.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer. Worked solutions: [solutions/03_real_data_nab_solutions.ipynb](solutions/03_real_data_nab_solutions.ipynb).
