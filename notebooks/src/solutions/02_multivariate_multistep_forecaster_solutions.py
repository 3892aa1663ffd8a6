# %% [markdown]
# # 📃 Solutions · 2 · Many metrics, many steps ahead
#
# Worked solutions to the exercises of [notebook 2](../02_multivariate_multistep_forecaster.ipynb). Try each exercise there first. This notebook rebuilds what it needs and runs on its own, top to bottom, in about 80 s on a 2-core CPU.

# %%
import os

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh
from lstm_helpers.plotting import apply_style

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
apply_style()

# %% [markdown]
# Notebook 2's data, model and scoring, as small functions.

# %%
N_FEATURES, N_TIMESTEPS, N_LAYERS, N_LSTM_UNITS = 5, 5, 3, 2
N_TRAIN_ITERATIONS, N_EPOCHS, BATCH_SIZE, BREAK_LEN = 5, 10, 50, 1000
data = lh.smooth_random_metrics(3000, N_FEATURES, 1000, seed=SEED)
break_start = int(np.random.default_rng(SEED).integers(0, len(data) - BREAK_LEN + 1))
broken, in_break = lh.break_segment(data, break_start, BREAK_LEN, seed=SEED)
T0 = [f"f{f}_t0_error" for f in range(N_FEATURES)]


def train_forecaster(model, n_horizon=N_TIMESTEPS):
    X, Y = lh.make_forecast_windows(data, N_TIMESTEPS, n_horizon)
    for _ in range(N_TRAIN_ITERATIONS):
        model.fit(X, Y, epochs=N_EPOCHS, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    return model, model.evaluate(X, Y, verbose=0)


def walkthrough_model(units=N_LSTM_UNITS):
    keras.utils.set_random_seed(SEED)
    stack = [keras.layers.LSTM(units, return_sequences=True) for _ in range(N_LAYERS)]
    model = keras.Sequential(
        [keras.Input(shape=(N_TIMESTEPS, N_FEATURES)), *stack, keras.layers.Dense(N_FEATURES)]
    )
    model.compile(optimizer="adam", loss="mae")
    return model


def frames(model, series):
    return lh.error_frame(
        series, model.predict(lh.make_windows(series, N_TIMESTEPS), verbose=0), N_TIMESTEPS
    )


def inside_outside(df, mask):
    rows = mask[N_TIMESTEPS - 1 :]
    err = df[T0].abs().to_numpy()
    return np.nanmean(err[rows]), np.nanmean(err[~rows])


def f1_of(df_normal, df_new, truth, cols=T0, k=3.0):
    normal = np.abs(df_normal[cols].to_numpy()).mean(axis=1)
    normal = normal[~np.isnan(normal)]
    score = np.nan_to_num(np.abs(df_new[cols].to_numpy()).mean(axis=1), nan=0.0)
    return lh.precision_recall_f1(
        score > lh.mean_std_threshold(normal, k=k), truth[N_TIMESTEPS - 1 :]
    )


model, base_mae = train_forecaster(walkthrough_model())
df_normal, df_broken = frames(model, data), frames(model, broken)
inside, outside = inside_outside(df_broken, in_break)
print(f"base model: training MAE {base_mae:.4f}; broken data t0 MAE ratio {inside / outside:.0f}x")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — A subtle anomaly: two metrics that stop moving together
#
# **Goal.** Test the detector on the kind of change the walkthrough hoped to catch: every metric stays in its usual range, but their relationship changes.
#
# **Starting point.** Mirror metric `f1` within a segment around its own mean, so it moves opposite to how it did, while keeping its level and range:
#
# ```python
# subtle = data.copy()
# seg = slice(1000, 1500)
# subtle[seg, 1] = 2 * subtle[seg, 1].mean() - subtle[seg, 1]
# ```
#
# Score `subtle` with the model trained on normal data and compute the t0 MAE inside and outside the segment.
#
# **How to check.** Compare the inside/outside ratio with the broken data's (about 57×). Is the change visible at all? Why, or why not, given the model's size?

# %% [markdown]
# #### 📃 Solution 1

# %%
subtle = data.copy()
seg = slice(1000, 1500)
subtle[seg, 1] = 2 * subtle[seg, 1].mean() - subtle[seg, 1]
in_seg = np.zeros(len(data), dtype=bool)
in_seg[seg] = True
corr = pd.DataFrame(
    {"before": pd.DataFrame(data[seg]).corr()[0], "after": pd.DataFrame(subtle[seg]).corr()[0]}
)
print("correlation of f0 with each metric inside the segment:\n", corr.round(2).T)
s_in, s_out = inside_outside(frames(model, subtle), in_seg)
print(
    f"t0 MAE inside {s_in:.4f}, outside {s_out:.4f}: ratio {s_in / s_out:.1f}x (broken data: {inside / outside:.0f}x)"
)
assert s_in / s_out < (inside / outside) / 5

# %% [markdown]
# Mirroring reverses every correlation of `f1` with the other metrics inside the segment (they were weak to begin with: these metrics are independent noise, smoothed), yet the errors barely move. A model with 2 units per layer has just enough capacity to follow each metric's level, and has not learnt how the metrics move *together*, so breaking that relationship costs it nothing. To catch this kind of anomaly, a model must first be good enough to depend on the relationship: more units (Exercise 3), and data where the metrics are actually related (here they are independent noise, so there is nothing to learn).

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — A different horizon
#
# **Goal.** Forecast 3 rows ahead instead of 5, from the same 5 input rows.
#
# **Starting point.** The walkthrough's stack returns one output per *input* step, so its horizon is tied to `N_TIMESTEPS`. Decouple them with an encoder–decoder: the encoder's last state is repeated once per horizon step, and a decoder unrolls it.
#
# ```python
# N_HORIZON = 3
# X, Y = lh.make_forecast_windows(data, N_TIMESTEPS, N_HORIZON)
# model = keras.Sequential([
#     keras.Input(shape=(N_TIMESTEPS, N_FEATURES)),
#     keras.layers.LSTM(N_LSTM_UNITS, return_sequences=True),
#     keras.layers.LSTM(N_LSTM_UNITS),
#     keras.layers.RepeatVector(N_HORIZON),
#     keras.layers.LSTM(N_LSTM_UNITS, return_sequences=True),
#     keras.layers.Dense(N_FEATURES),
# ])
# ```
#
# **How to check.** `lh.error_frame` should give `t0`..`t2` columns only, and the broken segment should still be found with an F1 of at least 0.95.

# %% [markdown]
# #### 📃 Solution 2

# %%
N_HORIZON = 3
keras.utils.set_random_seed(SEED)
enc_dec = keras.Sequential(
    [
        keras.Input(shape=(N_TIMESTEPS, N_FEATURES)),
        keras.layers.LSTM(N_LSTM_UNITS, return_sequences=True),
        keras.layers.LSTM(N_LSTM_UNITS),
        keras.layers.RepeatVector(N_HORIZON),
        keras.layers.LSTM(N_LSTM_UNITS, return_sequences=True),
        keras.layers.Dense(N_FEATURES),
    ]
)
enc_dec.compile(optimizer="adam", loss="mae")
enc_dec, mae_h3 = train_forecaster(enc_dec, n_horizon=N_HORIZON)
df3_normal, df3_broken = frames(enc_dec, data), frames(enc_dec, broken)
horizons = sorted({c.split("_")[0] for c in df3_broken.columns if c.endswith("_error_avg")})
metrics_h3 = f1_of(df3_normal, df3_broken, in_break)
print(f"training MAE {mae_h3:.4f}; horizons in the frame: {horizons}; F1 {metrics_h3['f1']:.3f}")
assert horizons == ["t0", "t1", "t2"]
assert metrics_h3["f1"] >= 0.95

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — More LSTM units
#
# **Goal.** See what a bigger model changes: training error, and whether the horizons now stack (t0 easiest).
#
# **Starting point.** Build the walkthrough's stack with 16 units per layer instead of 2:
#
# ```python
# model_16 = walkthrough_model(units=16)
# ```
#
# and train it with the same settings.
#
# **How to check.** Compare its training MAE with the 2-unit model's, and print the mean |error| per horizon on the normal data for both models. Do the horizons stack now (t0 easiest)? Is the bigger model better everywhere?

# %% [markdown]
# #### 📃 Solution 3

# %%
model_16, mae_16 = train_forecaster(walkthrough_model(units=16))
df16 = frames(model_16, data)
by_h = [
    df16[[f"f{f}_t{t}_error" for f in range(N_FEATURES)]].abs().mean().mean()
    for t in range(N_TIMESTEPS)
]
by_h_2 = [
    df_normal[[f"f{f}_t{t}_error" for f in range(N_FEATURES)]].abs().mean().mean()
    for t in range(N_TIMESTEPS)
]
print(f"training MAE: 2 units {base_mae:.4f}, 16 units {mae_16:.4f}")
print("mean |error| by horizon,  2 units:", np.round(by_h_2, 5).tolist())
print("mean |error| by horizon, 16 units:", np.round(by_h, 5).tolist())
assert np.all(np.diff(by_h) > 0), "with 16 units the horizons stack: t0 easiest"
assert by_h[0] < by_h_2[0], "and its one-step forecast beats the 2-unit model's"

# %% [markdown]
# What we measure: the 16-unit model learnt to use the latest rows. Its one-step (t0) forecast beats the 2-unit model's, and its errors now **stack** by horizon, as the walkthrough expected. But it is not better everywhere: it carries recent movement forward, and this series (averages of noise) drifts back rather than continuing, so its longer-horizon forecasts, and its overall training MAE, are worse. A bigger model changes *what* the errors measure; here, one-step errors become the sharper anomaly signal.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 4 — A threshold per horizon
#
# **Goal.** Instead of one threshold on the t0 error, give every horizon its own threshold from the normal data, and flag a row if *any* horizon exceeds its own.
#
# **Starting point.** For each `t`, the score is the mean absolute `f*_t{t}_error` over features; its threshold is mean + 3·std on the normal data's error frame `df_normal`:
#
# ```python
# for t in range(N_TIMESTEPS):
#     cols = [f"f{f}_t{t}_error" for f in range(N_FEATURES)]
#     ...
# ```
#
# **How to check.** Compare precision, recall and F1 with notebook 2's single t0 threshold (F1 ≈ 0.997). Which rows change, and why?

# %% [markdown]
# #### 📃 Solution 4

# %%
flags = np.zeros(len(df_broken), dtype=bool)
for t in range(N_TIMESTEPS):
    cols = [f"f{f}_t{t}_error" for f in range(N_FEATURES)]
    normal = np.abs(df_normal[cols].to_numpy()).mean(axis=1)
    threshold_t = lh.mean_std_threshold(normal[~np.isnan(normal)], k=3.0)
    score_t = np.nan_to_num(np.abs(df_broken[cols].to_numpy()).mean(axis=1), nan=0.0)
    flags |= score_t > threshold_t
truth = in_break[N_TIMESTEPS - 1 :]
per_horizon = lh.precision_recall_f1(flags, truth)
single = f1_of(df_normal, df_broken, in_break)
print("single t0 threshold:", {k: round(v, 4) for k, v in single.items()})
print("per-horizon        :", {k: round(v, 4) for k, v in per_horizon.items()})
assert per_horizon["recall"] >= single["recall"]

# %% [markdown]
# Flagging when *any* horizon is unusual can only add flags, so recall cannot fall. The extra flags sit just **before** the break: a window that ends 2 to 5 rows before it already forecasts broken rows at its longer horizons, so the per-horizon rule raises the alarm earlier, and those rows count as false positives against labels that start at the break. Earlier warning or false alarm is a question of how you label; the errors themselves behave exactly as the error frame's alignment says they should.
