# %% [markdown]
# # 2 · Many metrics, many steps ahead: a forecaster that really forecasts
#
# Real systems emit several metrics at once. A multivariate, multi-step forecaster reads the last rows of all of them and forecasts the next few rows; when its errors jump, something changed. This notebook first **rebuilds** the model and data of the blog post "Multi-Variate, Multi-Step, LSTM for Anomaly Detection" (not a line-by-line rerun: we train it as a forecaster, without its transpose, and score it with our own error frame) and shows what that model can and cannot see. Then it builds a **corrected forecaster**, measures it against persistence, and tests it on the anomaly the post itself suggests: metrics that stop moving together while each still looks normal, beside univariate *and* simple multivariate baselines.
#
# The walkthrough has **five mistakes**, each shown, explained and fixed where it occurs:
#
# 1. the training settings it declares are not the ones that ran;
# 2. its error columns use `shift` in the wrong direction, comparing outputs with *earlier* rows;
# 3. it trains the model to *reconstruct* its input, then scores it as a *forecaster*;
# 4. its per-horizon aggregates include each other;
# 5. its shape check cannot see a transposed window, because 5 timesteps = 5 features.
#
# **What you will learn**
#
# - how to window a multivariate series for a multi-step forecaster, and lay model-shaped arrays out as long, wide and error frames;
# - what `return_sequences=True` means for which inputs each output can see, proved by perturbation;
# - how to build a forecaster whose every horizon sees the whole window, and measure its **skill** against persistence on data it was not trained on;
# - why an anomaly that "explodes" cannot tell a good model from a bad one, and how to compare a multivariate model with univariate and linear multivariate baselines honestly (calibration thresholds, point and event F1, PR-AUC, several seeds).
#
# **Prerequisites:** notebook 1 (windows, thresholds). **Run time:** about a minute on a 2-core CPU, most of it training (the README's table gives the last `make bench` figures).

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

assert keras.__version__.startswith("3."), f"this notebook needs Keras 3, found {keras.__version__}"
print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, lstm_helpers {lh.__version__}")

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
lh.apply_style()

# %% [markdown]
# ## Step 1 — The walkthrough's parameters, and mistake 1: settings that never ran
#
# The walkthrough declares `N_EPOCHS = 5` and `BATCH_SIZE = 100`, but never passes them to its training function, which falls back to its own defaults of **10 epochs at batches of 50**, in each of its 5 training iterations. Its results come from those defaults, so we reproduce them, and name them honestly; Step 7 shows what the declared ones would have given.

# %%
N_DATA_ORIG = 3000  # rows of raw noise generated
N_FEATURES = 5  # metrics
N_ROLLING = 1000  # rolling-mean window that smooths the noise
N_TIMESTEPS = 5  # rows the model reads, and rows it forecasts
N_DATA = N_DATA_ORIG - N_ROLLING  # rows the walkthrough keeps
N_TRAIN_ITERATIONS = 5  # calls of fit
N_LAYERS = 3  # stacked LSTM layers
N_LSTM_UNITS = 2  # units per LSTM layer
BREAK_LEN = 1000  # rows of broken data

N_EPOCHS_DECLARED, BATCH_SIZE_DECLARED = 5, 100  # declared by the walkthrough, never used
N_EPOCHS, BATCH_SIZE = 10, 50  # what its training function actually ran with

# %% [markdown]
# ## Step 2 — The walkthrough's normal data: five smoothed random metrics
#
# Square roots of uniform noise, smoothed by an `N_ROLLING`-row rolling mean. A rolling mean over `N_ROLLING` rows is complete from row `N_ROLLING − 1` on, so `N_DATA_ORIG − N_ROLLING + 1` complete rows exist; the walkthrough keeps the first `N_DATA` of them (`head(N_DATA)`), and so does `lh.smooth_random_metrics`. Note the scale: every metric stays in a narrow band.

# %%
data = lh.smooth_random_metrics(N_DATA_ORIG, N_FEATURES, N_ROLLING, seed=SEED)
print(f"complete rolling-mean rows: {N_DATA_ORIG - N_ROLLING + 1}; kept: {len(data)}")
print(f"values between {data.min():.3f} and {data.max():.3f}")
assert data.shape == (N_DATA, N_FEATURES)

fig, ax = plt.subplots()
ax.plot(data, lw=1)
ax.set(title="Walkthrough data: five smoothed random metrics", xlabel="row", ylabel="value")
ax.legend([f"f{f}" for f in range(N_FEATURES)], ncol=5, loc="upper right")
plt.show()

# %% [markdown]
# ## Step 3 — The walkthrough's broken data: a segment of raw noise
#
# The "broken" copy replaces `BREAK_LEN` rows, from a random start, with raw uniform noise. We draw the start with a seeded generator among starts where the whole segment fits (the walkthrough's unseeded `np.random.choice(N_DATA)` could start near the end and silently break fewer rows).

# %%
rng = np.random.default_rng(SEED)
break_start = int(rng.integers(0, N_DATA - BREAK_LEN + 1))
broken = data.copy()
broken[break_start : break_start + BREAK_LEN] = rng.random((BREAK_LEN, N_FEATURES))  # raw noise
in_break = np.zeros(N_DATA, dtype=bool)
in_break[break_start : break_start + BREAK_LEN] = True
print(f"broken rows: {break_start}..{break_start + BREAK_LEN - 1}")

fig, ax = plt.subplots()
ax.plot(broken, lw=0.6)
lh.shade_mask(np.arange(N_DATA), in_break, ax=ax, label="broken segment")
ax.set(title="Broken data: a segment of raw noise", xlabel="row", ylabel="value")
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# ## Step 4 — Windows, and mistake 5: a shape check that cannot see a transpose
#
# `lh.make_windows(data, N_TIMESTEPS)` gives every window of consecutive rows as `(samples, timesteps, features)`. The walkthrough's loop **transposed** every window to `(features, timesteps)` and then checked the shape against `(N_TIMESTEPS, N_FEATURES)`: with 5 timesteps and 5 features both orders have the same shape, so the check passed while the LSTM stepped through *features* instead of time.

# %%
tiny = np.arange(6 * 5, dtype=float).reshape(6, 5)  # value = 5 * row + feature
right, transposed = tiny[0:5], tiny[0:5].T  # window 0, and what the walkthrough's loop made
print("shapes:", right.shape, transposed.shape, "-> the check passes:", transposed.shape == (5, 5))
print("time runs down the rows; first column of each:", right[:, 0], transposed[:, 0])
tiny3 = tiny[:, :3]  # with n_timesteps != n_features a transpose changes the shape
print("4 timesteps x 3 features:", lh.make_windows(tiny3, 4).shape[1:], "vs", tiny3[0:4].T.shape)
X_all = lh.make_windows(data, N_TIMESTEPS)
print(f"X_all {X_all.shape}")

# %% [markdown]
# The fix is to build the layout by construction and to use `n_timesteps ≠ n_features` wherever possible; the corrected forecaster below reads 12 rows of 5 metrics.
#
# ## Step 5 — Model-shaped arrays as long and wide frames, and the walkthrough's helpers
#
# `lh.to_long` unrolls `(samples, timesteps, features)` into one value per row (columns `row`, `feature`, `timestep`, `value`, `label` such as `f2_t4`); `lh.to_wide` pivots back to one row per window. Both are vectorised, and the round trip loses nothing. The walkthrough's helpers map onto `lstm_helpers` like this:
#
# | walkthrough | `lstm_helpers` | what changed |
# |---|---|---|
# | `data_reshape_for_model` | `lh.make_windows`, `lh.make_forecast_windows` | no transpose; a zero-copy view instead of a growing concatenation; targets for forecasting |
# | `model_data_to_df_long` | `lh.to_long` | vectorised |
# | `model_df_long_to_wide` | `lh.to_wide` | same pivot |
# | `df_out_add_errors` | `lh.error_frame` (errors and aggregates) | right shift direction, errors stamped at the row they are about, aggregates of absolute errors that do not include each other |
# | `yhat_to_df_out` | `lh.error_frame` | one call from arrays |

# %%
df_long = lh.to_long(X_all[:3])
df_wide = lh.to_wide(df_long)
display(df_long.head(7))
assert np.array_equal(
    df_wide.to_numpy().reshape(3, N_FEATURES, N_TIMESTEPS).transpose(0, 2, 1), X_all[:3]
)

# %% [markdown]
# ## Step 6 — Mistakes 2 and 3: which rows the walkthrough's errors compare
#
# The walkthrough puts each window's **latest** row `w + 4` beside the model's 5 outputs, and computes the error of output `t` as `f.shift(t + 1) − yhat`. In pandas, `shift(+k)` moves values **down**: row `w` receives the value from `k` rows **earlier**. So output `t` is compared with row `w + 4 − (t + 1)`, *inside* the window, in reverse order. A tiny frame shows the direction:

# %%
demo = pd.DataFrame({"f0": [10, 11, 12, 13]})
demo["shift(+1): earlier row"] = demo["f0"].shift(1)
demo["shift(-1): later row"] = demo["f0"].shift(-1)
display(demo)

# %% [markdown]
# A forecaster's output `t` is about row `w + 5 + t`, after the window (that would need `shift(-(t + 1))` on a frame stamped at the window's end). And the walkthrough's model is not even a forecaster: it trains `fit(X, X)`, output `t` reproducing input row `w + t` (mistake 3). Three different rows for one "error". `lh.error_frame(targets, yhat, n_timesteps)` fixes both: `yhat[w, h]` is taken as the forecast of row `w + n_timesteps + h`, and the error is stamped **on that row** (target time), so each row's errors are known at that row's time.
#
# A thought experiment shows what the mismatch does: a *perfect* reconstruction (output = input) scored as a 5-step forecast is just "how far the series moved", and on broken data it explodes without any model:

# %%
perfect_normal = lh.error_frame(data, X_all, N_TIMESTEPS)
perfect_broken = lh.error_frame(broken, lh.make_windows(broken, N_TIMESTEPS), N_TIMESTEPS)
in_mae = perfect_broken.loc[in_break, "t0_error_avg"].mean()
out_mae = perfect_normal["t0_error_avg"].mean()
print(
    f"'forecast' MAE of a perfect reconstruction: normal {out_mae:.4f}, in the break {in_mae:.4f}"
)

# %% [markdown]
# The fix is to train what we score: `lh.make_forecast_windows(data, n_timesteps, n_horizon)` returns inputs `X` (the last rows) and targets `Y` (the next rows), and `error_frame` compares `yhat[w, h]` with exactly `Y[w, h]`.
#
# ## Step 7 — The walkthrough's model, rebuilt
#
# This is **the walkthrough's architecture**, with its parameters: `N_LAYERS = 3` stacked `LSTM(2, return_sequences=True)` layers and a `Dense(5)` at every step, MAE loss, Adam, unshuffled training for `N_TRAIN_ITERATIONS` calls of `fit` with the settings that ran. It differs from the original run in three ways, so it is a rebuild, not a reproduction of the post's numbers: we train it as a forecaster (targets `Y`, fixing mistake 3), on windows in the right layout (no transpose, fixing mistake 5), and we score it with `lh.error_frame` (fixing mistakes 2 and 4). We want to see how far the architecture gets, on the first three quarters of the data (`lh.calibration_split`); the last quarter stays unseen for Step 10. A small callback records the loss at every batch.


# %%
class BatchLoss(keras.callbacks.Callback):
    """Records the training loss reported at the end of every batch."""

    def __init__(self):
        super().__init__()
        self.losses: list[float] = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))


def walkthrough_model() -> keras.Model:
    """The walkthrough's stack: (batch, 5, 5) -> (batch, 5, 5), one output per input step."""
    keras.utils.set_random_seed(SEED)
    stack = [keras.layers.LSTM(N_LSTM_UNITS, return_sequences=True) for _ in range(N_LAYERS)]
    model = keras.Sequential(
        [keras.Input(shape=(N_TIMESTEPS, N_FEATURES)), *stack, keras.layers.Dense(N_FEATURES)]
    )
    model.compile(optimizer="adam", loss="mae")
    return model


def train_walkthrough(model, X, Y, epochs, batch_size, callbacks=()):
    for _ in range(N_TRAIN_ITERATIONS):
        model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0,
                  callbacks=list(callbacks))  # fmt: skip
    return model


wt_fit, wt_cal = lh.calibration_split(data, 0.25, gap=N_TIMESTEPS - 1)
Xw, Yw = lh.make_forecast_windows(wt_fit, N_TIMESTEPS, N_TIMESTEPS)
wt_model = walkthrough_model()
batch_loss = BatchLoss()
train_walkthrough(wt_model, Xw, Yw, N_EPOCHS, BATCH_SIZE, callbacks=[batch_loss])
wt_train_mae = wt_model.evaluate(Xw, Yw, verbose=0)
declared = train_walkthrough(walkthrough_model(), Xw, Yw, N_EPOCHS_DECLARED, BATCH_SIZE_DECLARED)
declared_mae = declared.evaluate(Xw, Yw, verbose=0)
print(f"training MAE: settings that ran {wt_train_mae:.4f}; declared settings {declared_mae:.4f}")

fig, ax = plt.subplots()
ax.plot(batch_loss.losses, color=lh.COLORS["blue"], lw=0.8, label="loss at batch end")
ax.set_yscale("log")
ax.set(title="Walkthrough model: training loss by batch", xlabel="batch", ylabel="MAE (log)")
ax.legend()
plt.show()

# %% [markdown]
# With the declared settings (a quarter as many weight updates) the model stays under-trained: mistake 1 matters.
#
# ## Step 8 — What each output can see: `return_sequences` and a perturbation test
#
# An LSTM reads its window one row at a time. With `return_sequences=True` it emits its state after **every** row, so output step `t` is computed from rows `0 … t` only; stacking such layers keeps that property, and a `Dense` applied per step adds no mixing across steps. With `return_sequences=False` it emits only the state after the last row, which has seen the whole window.
#
# Claims about what a model sees should be tested, not argued: add a large value to input row `j` of one window and record which output steps change.


# %%
def receptive_field(model, window):
    """Max |change| of each output step (columns) when input row j (rows) is perturbed."""
    n_in = window.shape[0]
    batch = np.repeat(window[None], n_in + 1, axis=0)  # copy 0 as is, copy j + 1 with row j bumped
    batch[np.arange(1, n_in + 1), np.arange(n_in)] += 1.0
    out = model.predict(batch, batch_size=1, verbose=0)  # one by one: no batch round-off
    changes = np.abs(out[1:] - out[0]).max(axis=2)  # (perturbed row, output step)
    return pd.DataFrame(changes, index=pd.Index(range(n_in), name="perturbed input row"),
                        columns=pd.Index(range(out.shape[1]), name="output step"))  # fmt: skip


rf_walkthrough = receptive_field(wt_model, Xw[100].copy())
print("walkthrough model: does output step t change when input row j changes?")
display(rf_walkthrough > 1e-7)
assert (rf_walkthrough.loc[1:, 0] == 0).all(), "output 0 sees input row 0 only"
assert (rf_walkthrough.loc[N_TIMESTEPS - 1, : N_TIMESTEPS - 2] == 0).all()

# %% [markdown]
# The table is lower-triangular: output 0 ignores every row but the first. Its target is row `w + 5`, so the walkthrough's "one step ahead" forecast is made from a single row 5 rows back, and output `t` always forecasts 5 rows past the newest row it saw. Its "horizons" are all the same distance ahead. A real multi-step forecaster must condition every horizon on the whole window.
#
# ## Step 9 — The walkthrough's model on its broken data, judged honestly
#
# The walkthrough's plot: its errors explode in the break. But Step 6 showed that a perfect reconstruction explodes too. To know what the explosion proves, put the model beside simple detectors, with the same threshold rule (mean + 3 std of the score on normal data) and the same metrics:
#
# - **flag everything**, the floor;
# - **range check**: any feature outside its normal min–max (`lh.range_check`);
# - **persistence**: the largest one-row change across features (`lh.persistence_error`);
# - **the model**: its mean absolute one-step error across features (`t0_error_avg`), stamped at target time.

# %%
K = 3.0
df_wt_normal = lh.error_frame(data, wt_model.predict(X_all, verbose=0), N_TIMESTEPS)
df_wt_broken = lh.error_frame(broken, wt_model.predict(lh.make_windows(broken, N_TIMESTEPS),
                                                       verbose=0), N_TIMESTEPS)  # fmt: skip
normal_df, broken_df = pd.DataFrame(data), pd.DataFrame(broken)
wt_scores = {
    "range check": (lh.range_check(normal_df, normal_df).max(axis=1),
                    lh.range_check(broken_df, normal_df).max(axis=1)),
    "persistence": (lh.persistence_error(normal_df).max(axis=1),
                    lh.persistence_error(broken_df).max(axis=1)),
    "walkthrough model": (df_wt_normal["t0_error_avg"], df_wt_broken["t0_error_avg"]),
}  # fmt: skip
truth_break = pd.Series(in_break)
rows = {"flag everything": lh.point_metrics(truth_break, pd.Series(True, index=truth_break.index))}
for name, (normal_score, broken_score) in wt_scores.items():
    threshold = lh.mean_std_threshold(normal_score.dropna(), k=K)
    rows[name] = lh.point_metrics(truth_break, broken_score.fillna(0) > threshold)
break_table = pd.DataFrame(rows).T[["precision", "recall", "f1"]].astype(float).round(3)
display(break_table)
inside = df_wt_broken.loc[in_break, "t0_error_avg"].mean()
outside = df_wt_broken.loc[~in_break, "t0_error_avg"].mean()
print(f"walkthrough model: t0 MAE inside the break {inside:.4f}, outside {outside:.4f}")
best_simple = break_table.loc[["range check", "persistence"], "f1"].max()
print(f"best simple detector F1 {best_simple:.3f}; walkthrough model F1 "
      f"{break_table.loc['walkthrough model', 'f1']:.3f}")  # fmt: skip

# %% [markdown]
# Half the rows are broken, so flagging everything already scores a respectable F1, and a range check, which knows nothing about time or other features, is as good as any model. Raw uniform noise is far outside the narrow band printed in Step 2. **This anomaly proves the errors explode, not that the model learnt anything**: any detector finds it.
#
# ## Step 10 — Skill: can the walkthrough's model beat persistence on its own data?
#
# A forecaster is useful only if it beats the naive forecasts. On data the model was not trained on (the last quarter, split off in Step 7), compare the mean absolute error per horizon of: the model; **persistence** (every future row equals the last observed row); and the **training mean** of each feature. Skill = 1 − MAE_model / MAE_persistence: positive means better than persistence.


# %%
def horizon_mae(model, X, Y, train_mean):
    """MAE per horizon (rows) of the model, persistence and the training mean, on (X, Y)."""
    yhat = model.predict(X, verbose=0)
    mae = pd.DataFrame({
        "model": np.abs(Y - yhat).mean(axis=(0, 2)),
        "persistence": np.abs(Y - X[:, -1:, :]).mean(axis=(0, 2)),
        "training mean": np.abs(Y - train_mean).mean(axis=(0, 2)),
    })  # fmt: skip
    mae.index.name = "horizon"
    return mae


wt_mae = horizon_mae(wt_model, *lh.make_forecast_windows(wt_cal, N_TIMESTEPS, N_TIMESTEPS),
                     wt_fit.mean(axis=0))  # fmt: skip
wt_skill = 1 - wt_mae["model"] / wt_mae["persistence"]
display(wt_mae.style.format("{:.5f}"))
print("walkthrough model's skill vs persistence by horizon:", wt_skill.round(1).tolist())
wt_loses_to_mean = bool((wt_mae["model"] > wt_mae["training mean"]).all())
print(
    f"walkthrough model's MAE above the training-mean forecast at every horizon: {wt_loses_to_mean}"
)

# %% [markdown]
# The skill is negative at every horizon, by far, and worse: the model's MAE is above that of the **training-mean forecast** at every horizon (printed above), so it loses to a constant. That points at the model and its training, not only at the data: 2-unit layers, fed unscaled values that live in a narrow band, barely move from their initial output. But it is not only the model's fault: the walkthrough's data is an `N_ROLLING`-row moving average of independent noise, which changes by a tiny amount per row and in no predictable direction, nearly a random walk, and its five metrics are independent. On such data **persistence is essentially unbeatable**, and there is no relation between metrics to learn, so no multivariate model can shine. We therefore keep the walkthrough's data for the reproduction only, and build the corrected forecaster on data with learnable structure.
#
# ## Step 11 — Data with structure: shared drivers, a season, lags between metrics
#
# `lh.coupled_metrics` makes metrics the way real ones often are: two hidden drivers (a seasonal cycle plus a slow wander) move all of them; each metric mixes the drivers in its own way, on its own level and scale, with its own noise; and metric `f` follows the drivers `f × lag_step` rows late, so the leaders announce what the laggards will do. We fit on the first part, calibrate on the next (never trained on), and keep a third part for testing, and we **standardise with the fit part's statistics only**.

# %%
N_FIT, N_CAL, N_TEST = 2000, 600, 1200
N_IN, N_HORIZON = 12, 5  # rows read, rows forecast (12 != 5 features: a transpose cannot hide)
EPOCHS, BATCH = 15, 32


def make_data(seed):
    """Fit, calibration and test parts of one coupled series, standardised with fit statistics."""
    series = lh.coupled_metrics(N_FIT + N_CAL + N_TEST, N_FEATURES, seed=seed)
    normal, test = series[: N_FIT + N_CAL], series[N_FIT + N_CAL :]
    fit, cal = lh.calibration_split(normal, N_CAL / (N_FIT + N_CAL))
    mean, std = fit.mean(axis=0), fit.std(axis=0)
    return (fit - mean) / std, (cal - mean) / std, (test - mean) / std


fit_z, cal_z, test_z = make_data(SEED)
print(f"fit {fit_z.shape}, calibration {cal_z.shape}, test {test_z.shape}")
print("fit part after standardising: means", fit_z.mean(axis=0).round(3).tolist())
fig, ax = plt.subplots()
ax.plot(fit_z[:300] + 4 * np.arange(N_FEATURES), lw=1)
ax.set(title="Coupled metrics (standardised, offset for clarity)", xlabel="row",
       ylabel="value + 4 x feature")  # fmt: skip
ax.legend([f"f{f}" for f in range(N_FEATURES)], ncol=5, loc="upper right")
plt.show()

# %% [markdown]
# ## Step 12 — The corrected forecaster
#
# An LSTM **encoder** with `return_sequences=False` reads the whole window into one state; a `Dense(N_HORIZON × N_FEATURES)` head maps that state to every horizon at once, reshaped to `(N_HORIZON, N_FEATURES)`. Every output now depends on every input row. Training is shuffled: the windows overlap and neighbours are strongly correlated, so they are not independent samples, but shuffling only changes the order of the updates, never what a window contains. `validation_split=0.2` holds out the **last** 20 % of the windows (Keras takes them before shuffling), without a gap, so the first validation windows overlap the last training ones: the validation loss watches for over-fitting, it is not a clean test.


# %%
def build_forecaster(seed):
    """(batch, N_IN, N_FEATURES) -> (batch, N_HORIZON, N_FEATURES), every horizon from the whole window."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(N_IN, N_FEATURES)),
        keras.layers.LSTM(32),
        keras.layers.Dense(N_HORIZON * N_FEATURES),
        keras.layers.Reshape((N_HORIZON, N_FEATURES)),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="mae")
    return model


def train_forecaster(fit, seed):
    X, Y = lh.make_forecast_windows(fit, N_IN, N_HORIZON)
    model = build_forecaster(seed)
    history = model.fit(X, Y, epochs=EPOCHS, batch_size=BATCH, validation_split=0.2,
                        shuffle=True, verbose=0)  # fmt: skip
    return model, history


X_train, Y_train = lh.make_forecast_windows(fit_z, N_IN, N_HORIZON)
model, history = train_forecaster(fit_z, SEED)
print(f"X_train {X_train.shape} -> Y_train {Y_train.shape}; {model.count_params()} parameters")
print(f"final loss: training {history.history['loss'][-1]:.3f}, "
      f"validation {history.history['val_loss'][-1]:.3f}")  # fmt: skip
fig, ax = plt.subplots()
ax.plot(history.history["loss"], color=lh.COLORS["blue"], label="training")
ax.plot(history.history["val_loss"], color=lh.COLORS["orange"], label="validation")
ax.set(title="Corrected forecaster: loss by epoch", xlabel="epoch", ylabel="MAE (standardised)")
ax.legend()
plt.show()

# %% [markdown]
# The same perturbation test as in Step 8, now on the corrected model:

# %%
rf_corrected = receptive_field(model, X_train[100].copy())
print("corrected model: max |change| of each output step per perturbed input row (last rows)")
display(rf_corrected.tail(3).round(3))
assert (rf_corrected.loc[N_IN - 1] > 1e-3).all(), "every output depends on the last input row"
assert rf_corrected.loc[N_IN - 1, 0] > 1e-3, "output 0 depends on the last input row"

# %% [markdown]
# ## Step 13 — Skill per horizon, on data the model never saw
#
# The same comparison as Step 10, on the calibration part of the coupled data.

# %%
mae_by_h = horizon_mae(model, *lh.make_forecast_windows(cal_z, N_IN, N_HORIZON), 0.0)
skill = 1 - mae_by_h["model"] / mae_by_h["persistence"]
skill.name = "skill vs persistence"
display(mae_by_h.assign(skill=skill).round(3))
print("skill by horizon:", skill.round(3).tolist())
grows = bool((np.diff(skill.to_numpy()) > 0).all())
print(f"positive at every horizon: {bool((skill > 0).all())}; grows with the horizon: {grows}")

# %% [markdown]
# (The training mean is 0 after standardising, so the third column is the mean absolute standardised value.) One row ahead the last value is already a good forecast, so that is where skill is hardest to earn.
#
# *Why* does it beat persistence? It could be reading the leading metrics, or just each metric's own recent path. The outputs above cannot tell, so test it with two **linear** one-step forecasters fitted by least squares on the fit part (numpy only): a **per-metric autoregression** (each metric from its own last `N_IN` rows) and a **vector autoregression, VAR** (each metric from the last `N_IN` rows of all metrics). If the VAR beats the per-metric one, the other metrics carry information a model can use; and the VAR is also the strongest simple multivariate forecaster to compare the LSTM with.


# %%
def lagged(series):
    """(n, F) -> (n - N_IN, N_IN * F + 1): the N_IN rows before each row r >= N_IN, and a 1."""
    windows = lh.make_windows(series[:-1], N_IN)  # window k ends at row k + N_IN - 1
    return np.c_[windows.reshape(len(windows), -1), np.ones(len(windows))]


def fit_linear(fit, per_metric=False):
    """Least-squares one-step weights, (N_IN * F + 1, F) for a VAR or one column per metric."""
    if per_metric:
        return [np.linalg.lstsq(lagged(fit[:, [f]]), fit[N_IN:, f], rcond=None)[0]
                for f in range(fit.shape[1])]  # fmt: skip
    return np.linalg.lstsq(lagged(fit), fit[N_IN:], rcond=None)[0]


def linear_errors(weights, series, per_metric=False):
    """(n, F) -> (n, F) one-step errors stamped at target time; NaN for the first N_IN rows."""
    errors = np.full(series.shape, np.nan)
    if per_metric:
        yhat = np.column_stack([lagged(series[:, [f]]) @ w for f, w in enumerate(weights)])
    else:
        yhat = lagged(series) @ weights
    errors[N_IN:] = series[N_IN:] - yhat
    return errors


rows_h0 = slice(N_IN, N_IN + len(lh.make_forecast_windows(cal_z, N_IN, N_HORIZON)[0]))
one_step = pd.Series({
    "LSTM forecaster (horizon 0)": mae_by_h.loc[0, "model"],
    "VAR (all metrics)": np.abs(linear_errors(fit_linear(fit_z), cal_z)[rows_h0]).mean(),
    "per-metric AR": np.abs(linear_errors(fit_linear(fit_z, True), cal_z, True)[rows_h0]).mean(),
    "persistence": mae_by_h.loc[0, "persistence"],
}, name="one-step MAE on calibration")  # fmt: skip
display(one_step.round(3).to_frame())
cross_helps = bool(one_step["VAR (all metrics)"] < one_step["per-metric AR"])
lstm_vs_var = "beats" if one_step.iloc[0] < one_step["VAR (all metrics)"] else "does not beat"
print(f"reading the other metrics helps a linear forecaster: {cross_helps}; "
      f"one step ahead the LSTM {lstm_vs_var} the VAR")  # fmt: skip
#
# ## Step 14 — The error frame at target time, and a true MAE per horizon
#
# `lh.error_frame` lays the calibration forecasts out one row per observation: row `r` holds, for each horizon `h`, the forecast **of row `r`** made from the window that ended `h + 1` rows earlier, its error, and aggregates across features of the absolute errors (`t{h}_error_avg|med|min|max|rng`). The mean of `t{h}_error_avg` is a true MAE per horizon: it agrees with Step 13.

# %%
X_cal, _ = lh.make_forecast_windows(cal_z, N_IN, N_HORIZON)  # the windows of Step 13
df_cal = lh.error_frame(cal_z, model.predict(X_cal, verbose=0), N_IN)
avg_cols = [f"t{h}_error_avg" for h in range(N_HORIZON)]
true_mae = df_cal[avg_cols].mean().to_numpy()
print("MAE by horizon from the error frame:", true_mae.round(3).tolist())
display(df_cal.iloc[20:24, [0, 5, 6, 30, 55, 56, 57, 58, 59]].round(3))

# %% [markdown]
# ## Step 15 — Mistake 4: aggregates that include each other
#
# The walkthrough computes each aggregate from "every column whose name contains `t0_error`". Once it has added `t0_error_avg`, that name matches too, so its median includes the mean, its minimum includes both, and so on. Rebuilding its order of operations on our frame:

# %%
err0 = df_cal[[f"f{f}_t0_error" for f in range(N_FEATURES)]].abs()
wt_agg = err0.copy()
wt_agg["t0_error_avg"] = wt_agg.mean(axis=1)
wt_agg["t0_error_med"] = wt_agg[[c for c in wt_agg.columns if "t0_error" in c]].median(axis=1)
moved = (wt_agg["t0_error_med"] - df_cal["t0_error_med"]).abs()
print(
    f"the walkthrough's median differs from the median of the features on {np.mean(moved > 1e-12):.0%} of rows"
)

# %% [markdown]
# `lh.error_frame` computes every aggregate from the feature errors only, before the frame exists.
#
# ## Step 16 — The anomaly a multivariate model exists for: metrics that decouple
#
# The walkthrough suggests it itself: metrics that suddenly move together more or less than usual, while each still moves by a typical amount. `lh.decouple` replaces one metric, for a while, by **its own values from another stretch** of the same series, faded in and out: its range, spread and smoothness stay normal, only its relation to the others breaks. Each test part gets two such events.
#
# The detectors, all causal (computable at their row) and **treated alike**: each gives one score per row; every score is smoothed with the same trailing mean (`lh.smooth`); every threshold is the largest smoothed score on the calibration part (`lh.max_threshold`), never on test labels.
#
# - **range check**: how far any feature lies outside its fit-part range;
# - **persistence**: the largest one-row change across features (each feature on its own);
# - **z-score**: the largest |z| across features, with fit-part statistics;
# - **forecaster**: the mean over horizons of `t{h}_error_avg`, the LSTM's errors at target time;
# - **random**: the forecaster's own score rotated by a random offset (`lh.circular_shift`): as many flags, bunched the same way, unrelated to time;
#
# and the two strongest simple **multivariate** baselines, because each univariate one is blind to this anomaly by construction:
#
# - **Mahalanobis**: the static distance of each row from the fit part's mean, with the fit part's covariance; it knows how the metrics co-vary, but not time;
# - **VAR**: the linear vector autoregression of Step 13 (same `N_IN`-row window, least squares on the fit part), scored by its mean absolute one-step error over features at target time, each feature's error divided by its residual standard deviation on the fit part.

# %%
SMOOTH = 10
EVENTS = [(300, 150), (800, 150)]  # (start, length) in the test part


def mahalanobis(series, fit):
    """(n, F) -> (n,) distance of each row from the fit mean, in the fit part's covariance."""
    centred = series - fit.mean(axis=0)
    inverse = np.linalg.inv(np.cov(fit, rowvar=False))
    return np.sqrt(np.einsum("nf,fg,ng->n", centred, inverse, centred))


def detector_scores(model, series, fit):
    """Per-row causal scores of every detector on one standardised series."""
    frame, fit_df = pd.DataFrame(series), pd.DataFrame(fit)
    errors = lh.error_frame(series, model.predict(lh.make_windows(series, N_IN), verbose=0), N_IN)
    var_weights = fit_linear(fit)
    var_scale = np.nanstd(linear_errors(var_weights, fit), axis=0)  # residual std on the fit part
    raw = {
        "Mahalanobis": pd.Series(mahalanobis(series, fit)),
        "VAR": pd.Series(np.abs(linear_errors(var_weights, series) / var_scale).mean(axis=1)),
        "range check": lh.range_check(frame, fit_df).max(axis=1),
        "persistence": lh.persistence_error(frame).max(axis=1),
        "z-score": lh.static_zscore(frame, fit_df).abs().max(axis=1),
        "forecaster": errors[avg_cols].mean(axis=1),
    }
    return {name: lh.smooth(score, SMOOTH) for name, score in raw.items()}, errors


def run_seed(seed, model=None, data=None):
    """Train (unless given), inject the events, score, threshold on calibration, evaluate."""
    fit, cal, test = data if data is not None else make_data(seed)
    if model is None:
        model, _ = train_forecaster(fit, seed)
    rng = np.random.default_rng(seed)
    anomalous, truth = test.copy(), np.zeros(len(test), dtype=bool)
    for i, (start, length) in enumerate(EVENTS):
        feature = int(rng.integers(0, N_FEATURES))
        anomalous, mask = lh.decouple(anomalous, start, length, feature, seed=seed + i)
        truth |= mask
    cal_scores, _ = detector_scores(model, cal, fit)
    test_scores, errors = detector_scores(model, anomalous, fit)
    first = N_IN + N_HORIZON + SMOOTH  # every score is defined from here on
    spans = [(start, start + length - 1) for start, length in EVENTS]
    rows = {}
    for name, score in test_scores.items():
        threshold = lh.max_threshold(cal_scores[name])
        s = score.iloc[first:]
        rows[name] = lh.evaluate(spans, s > threshold, scores=s)
        if name == "forecaster":  # the random baseline: its own flags, rotated in time
            shifted = lh.circular_shift(s, seed)
            rows["random (shifted forecaster)"] = lh.evaluate(
                spans, shifted > threshold, scores=shifted
            )
    table = pd.DataFrame(rows).T
    return table, errors, anomalous, truth, test_scores


table0, df_out, anomalous0, truth0, scores0 = run_seed(SEED, model, (fit_z, cal_z, test_z))
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
ax1.plot(anomalous0 + 4 * np.arange(N_FEATURES), lw=0.7)
lh.shade_mask(np.arange(len(truth0)), truth0, ax=ax1, label="decoupled")
ax1.set(title="Test part with two decoupling events (offset for clarity)", ylabel="value + 4 x f")
ax1.legend(loc="upper right")
for (name, score), color in zip(
    scores0.items(),
    [lh.COLORS[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky")],
    strict=False,
):
    ax2.plot(score / np.nanmax(score), lw=0.8, color=color, label=name)
lh.shade_mask(np.arange(len(truth0)), truth0, ax=ax2, label="decoupled")
ax2.set(title="Detector scores (each scaled to its maximum)", xlabel="row", ylabel="score / max")
ax2.legend(ncol=4, loc="upper left", fontsize=8)
plt.show()
display(table0[["point_f1", "event_f1", "pr_auc", "false_alarms", "mean_delay"]])

# %% [markdown]
# ## Step 17 — Over several seeds: mean and spread
#
# One run is one draw of data, initial weights and event placement. We repeat the whole protocol with new data, a new model and new events for each seed, and report mean ± standard deviation.

# %%
SEEDS = [SEED, SEED + 1, SEED + 2]
per_seed = {SEED: table0}
for seed in SEEDS[1:]:
    per_seed[seed] = run_seed(seed)[0]
metrics = ["point_f1", "event_f1", "pr_auc", "mean_delay"]
long = pd.concat(per_seed, names=["seed", "detector"])[metrics].astype(float)
summary = long.groupby(level="detector").agg(["mean", "std"]).round(3)
display(summary)
share = truth0[N_IN + N_HORIZON + SMOOTH :].mean()  # the same events in every seed
print(f"PR-AUC of a constant score (the floor) = share of anomalous rows = {share:.2f}")

means = long.groupby(level="detector").mean()
stds = long.groupby(level="detector").std()
AP = "pr_auc"
UNIVARIATE = ["range check", "persistence", "z-score", "random (shifted forecaster)"]
MULTIVARIATE = ["Mahalanobis", "VAR"]


def lstm_lead(other):
    """PR-AUC lead of the LSTM forecaster over `other`, and their summed spreads over seeds."""
    gap = means.loc["forecaster", AP] - means.loc[other, AP]
    return gap, stds.loc["forecaster", AP] + stds.loc[other, AP]


best_uni = means.loc[UNIVARIATE, AP].idxmax()
best_multi = means.loc[MULTIVARIATE, AP].idxmax()
gap_uni, spread_uni = lstm_lead(best_uni)
gap_multi, spread_multi = lstm_lead(best_multi)
print(f"Against the best univariate baseline ({best_uni}) the LSTM forecaster's PR-AUC lead is "
      f"{gap_uni:.2f}, {'more' if gap_uni > spread_uni else 'not more'} than their summed "
      f"spreads ({spread_uni:.2f}) over {len(SEEDS)} seeds.")  # fmt: skip
pair = (f"{best_multi} {means.loc[best_multi, AP]:.3f} ± {stds.loc[best_multi, AP]:.3f}, "
        f"LSTM {means.loc['forecaster', AP]:.3f} ± {stds.loc['forecaster', AP]:.3f}")  # fmt: skip
if gap_multi <= 0:
    verdict = f"A linear multivariate model matches or beats the LSTM: PR-AUC {pair}."
elif gap_multi <= spread_multi:
    verdict = (f"A linear multivariate model matches the LSTM: the LSTM's lead over {best_multi} "
               f"is {gap_multi:.2f}, within their summed spreads ({spread_multi:.2f}); {pair}.")  # fmt: skip
else:
    verdict = (f"The LSTM beats the best linear multivariate model ({best_multi}) by "
               f"{gap_multi:.2f}, more than their summed spreads ({spread_multi:.2f}); {pair}.")  # fmt: skip
print(verdict)

# %% [markdown]
# **What this experiment proves, and what it does not.** A decoupled metric, on its own, is normal by construction (its values, its range, its steps), so every univariate baseline is near the floor: seeing this anomaly **needs a multivariate model**. It does not show that it needs an *LSTM*. The printed verdict compares the LSTM with a static Mahalanobis distance and a linear VAR under the same protocol, and the data explains the outcome: `lh.coupled_metrics` mixes its drivers **linearly**, with fixed lags and Gaussian-like noise, so a linear model reading the same 12 rows can represent the whole relation, with one least-squares solve instead of a training loop, and no dependence on a seed. An LSTM earns its cost only where the structure between metrics is **nonlinear** (thresholds, saturation, regimes) or needs a **longer context** than a fixed window; on data like this one, start with the VAR.
#
# The `mean_delay` column needs care: it is averaged only over the events a detector found, so it comes from different events for different detectors, and from a single seed for some (its `std` is NaN there). Do not compare detectors by their delays in this table.
#
# ## Checks

# %%
# Contract: the corrected model, its training windows, the skill per horizon, the error frame.
assert X_train.shape == (N_FIT - N_IN - N_HORIZON + 1, N_IN, N_FEATURES) and N_IN != N_FEATURES
assert model.output_shape == (None, N_HORIZON, N_FEATURES)
assert list(skill.index) == list(range(N_HORIZON))
assert (skill > 0).all(), skill  # on calibration data, never trained on
# The walkthrough's output 0 ignores the later rows; the corrected one's depends on the last row.
assert (rf_walkthrough.loc[1:, 0] == 0).all() and rf_corrected.loc[N_IN - 1, 0] > 1e-3
# df_out: the error frame of the test part, one row per observation, with the column contract.
F, H = range(N_FEATURES), range(N_HORIZON)
expected = (
    [f"f{f}" for f in F]
    + [f"f{f}_t{h}_yhat" for f in F for h in H]
    + [f"f{f}_t{h}_error" for f in F for h in H]
    + [f"t{h}_error_{a}" for h in H for a in ("avg", "med", "min", "max", "rng")]
)
assert list(df_out.columns) == expected and len(df_out) == len(anomalous0)
# Target time: row r's horizon-h forecast comes from the window ending h + 1 rows before r.
yhat_test = model.predict(lh.make_windows(anomalous0, N_IN), verbose=0)
r, h, f = 500, 3, 2
assert np.isclose(df_out.loc[r, f"f{f}_t{h}_yhat"], yhat_test[r - N_IN - h, h, f])
assert np.isclose(
    df_out.loc[r, f"f{f}_t{h}_error"], anomalous0[r, f] - yhat_test[r - N_IN - h, h, f]
)
assert df_out[f"f0_t{N_HORIZON - 1}_yhat"].iloc[: N_IN + N_HORIZON - 1].isna().all()
# The per-horizon MAE from the error frame is the MAE of Step 13 (a true MAE, not |mean error|).
assert np.allclose(true_mae, mae_by_h["model"].to_numpy())
# The walkthrough's break is found by a range check alone; its declared settings under-train.
assert break_table.loc["range check", "f1"] >= 0.95
assert declared_mae > wt_train_mae
assert (wt_skill < 0).all()
assert wt_loses_to_mean, wt_mae  # it loses to a constant forecast, too
# The scaler saw the fit part only.
assert np.allclose(fit_z.mean(axis=0), 0) and not np.allclose(cal_z.mean(axis=0), 0, atol=1e-3)
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - Rebuilding the walkthrough: its settings never ran (mistake 1), its `shift(+k)` compares outputs with *earlier* rows (mistake 2), it scores a reconstruction as a forecast (mistake 3), its aggregates include each other (mistake 4), and its 5 × 5 windows hide a transpose (mistake 5).
# - `return_sequences=True` makes output step `t` depend on input rows `0 … t` only; a perturbation test proves what each output sees. An encoder with a dense head conditions every horizon on the whole window.
# - Skill against persistence, on data the model never saw, is the first number to report. On a near-random walk, persistence cannot be beaten, and an anomaly that explodes is found by a range check: neither tells a good model from a bad one.
# - Errors stamped at target time give causal scores, a true per-horizon MAE and honest delays.
# - On metrics that decouple, each metric alone looks normal, so univariate detectors are blind and a multivariate model is needed. A linear one (a VAR on the same window, or even a static Mahalanobis distance) is the baseline an LSTM must beat; on linearly coupled data it does not need the LSTM's cost (the seeds table and its printed verdict). An LSTM earns its place on nonlinear relations between metrics or long contexts.
#
# Next, **notebook 3** runs these methods on real, labelled data.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer. Worked solutions: [solutions/02_multivariate_multistep_forecaster_solutions.ipynb](solutions/02_multivariate_multistep_forecaster_solutions.ipynb).
