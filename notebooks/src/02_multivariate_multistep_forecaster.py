# %% [markdown]
# # 2 · Many metrics, many steps ahead: a forecaster that really forecasts
#
# A multivariate, multi-step forecaster reads the last rows of several metrics and forecasts the next few; when its errors jump, something changed. This notebook **rebuilds** the blog post "Multi-Variate, Multi-Step, LSTM for Anomaly Detection", then builds a **corrected forecaster** and tests it on the anomaly the post suggests: metrics that stop moving together while each still looks normal, beside simple baselines scored exactly like it.
#
# The walkthrough has **five mistakes**, each fixed where the steps meet it:
#
# 1. the training settings it declares are not the ones that ran (Step 1);
# 2. its shape check cannot see a transposed window, because 5 timesteps = 5 features (Step 4);
# 3. its error columns `shift` the wrong way, comparing outputs with *earlier* rows (Step 6);
# 4. it trains the model to *reconstruct* its input, then scores it as a *forecaster* (Step 6);
# 5. its per-horizon aggregates include each other (Step 15).

# %% [markdown]
# **What you will learn**
#
# - to window a multivariate series for a multi-step forecaster, and lay arrays out as long, wide and error frames;
# - to prove by perturbation which inputs each output can see (`return_sequences`);
# - to build a forecaster whose every horizon sees the whole window, stop its training on held-out normal data, and measure its **skill** against persistence;
# - to compare detectors fairly: the same fit data, score, threshold rule and metrics, several seeds, each against its own null, one verdict rule.
#
# **Prerequisites:** notebook 1 (windows, thresholds). **Run time:** about a minute on a 2-core CPU, most of it training (see the README's table).

# %% [markdown]
# ## Setup
#
# One seed, read from the environment so a test can rerun the notebook under other seeds; `keras.utils.set_random_seed` seeds Python, numpy and the backend.

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
print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, lstm_helpers {lh.__version__}")

SEED = int(os.environ.get("LSTM_TUTORIAL_SEED", "42"))
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
lh.apply_style()
print(f"seed {SEED}")

# %% [markdown]
# ## Step 1 — The walkthrough's parameters, and mistake 1: settings that never ran
#
# The walkthrough declares `N_EPOCHS = 5` and `BATCH_SIZE = 100`, but never passes them to its training function, which falls back to its own defaults: **10 epochs at batches of 50**, in each of its 5 training iterations. We reproduce what ran, under honest names; Step 7 shows what the declared settings would have given.

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
# Square roots of uniform noise, smoothed by an `N_ROLLING`-row rolling mean (`lh.smooth_random_metrics` keeps the first `N_DATA` complete rows, as the walkthrough does). Note the scale: every metric stays in a narrow band.

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
# The "broken" copy replaces `BREAK_LEN` rows, from a random start, with raw uniform noise. A seeded generator draws the start among those where the whole segment fits.

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
# ## Step 4 — Windows, and mistake 2: a shape check that cannot see a transpose
#
# `lh.make_windows(data, N_TIMESTEPS)` gives every window of consecutive rows as `(samples, timesteps, features)`. The walkthrough's loop **transposed** every window to `(features, timesteps)`, then checked the shape against `(N_TIMESTEPS, N_FEATURES)`: with 5 timesteps and 5 features both orders have the same shape, so the check passed while the LSTM stepped through *features* instead of time.

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
# The fix: build the layout by construction, and use `n_timesteps ≠ n_features` (the corrected forecaster reads 12 rows of 5 metrics).
#
# ## Step 5 — Model-shaped arrays as long and wide frames
#
# `lh.to_long` unrolls `(samples, timesteps, features)` into one value per row (with a `label` such as `f2_t4`); `lh.to_wide` pivots back to one row per window, losing nothing. Step 13 uses the long frame.

# %%
df_long = lh.to_long(X_all[:3])
df_wide = lh.to_wide(df_long)
display(df_long.head(7))
assert np.array_equal(
    df_wide.to_numpy().reshape(3, N_FEATURES, N_TIMESTEPS).transpose(0, 2, 1), X_all[:3]
)

# %% [markdown]
# ## Step 6 — Mistakes 3 and 4: which rows the walkthrough's errors compare
#
# The walkthrough puts each window's **latest** row `w + 4` beside the model's 5 outputs, and computes the error of output `t` as `f.shift(t + 1) − yhat`. But `shift(+k)` moves values **down**: each row receives the value from `k` rows **earlier**. So output `t` is compared with row `w + 4 − (t + 1)`, *inside* the window:

# %%
demo = pd.DataFrame({"f0": [10, 11, 12, 13]})
demo["shift(+1): earlier row"] = demo["f0"].shift(1)
demo["shift(-1): later row"] = demo["f0"].shift(-1)
display(demo)

# %% [markdown]
# A forecaster's output `t` is about row `w + 5 + t`, after the window. And the walkthrough trains `fit(X, X)`, so output `t` reproduces input row `w + t` (mistake 4). Three rows for one "error". `lh.error_frame(targets, yhat, n_timesteps)` compares `yhat[w, h]` with row `w + n_timesteps + h` and stamps the error **on that row** (target time), so each row's errors are known at that row's time.
#
# A *perfect* reconstruction (output = input), scored as a forecast, measures only how far the series moved; on broken data it explodes without any model:

# %%
perfect_normal = lh.error_frame(data, X_all, N_TIMESTEPS)
perfect_broken = lh.error_frame(broken, lh.make_windows(broken, N_TIMESTEPS), N_TIMESTEPS)
in_mae = perfect_broken.loc[in_break, "t0_error_avg"].mean()
out_mae = perfect_normal["t0_error_avg"].mean()
print(
    f"'forecast' MAE of a perfect reconstruction: normal {out_mae:.4f}, in the break {in_mae:.4f}"
)

# %% [markdown]
# ## Step 7 — The walkthrough's model, rebuilt
#
# **The walkthrough's architecture**: `N_LAYERS` stacked `LSTM(2, return_sequences=True)` layers and a `Dense(5)` at every step, MAE loss, Adam, unshuffled training with the settings that ran. We train it as a forecaster (targets `Y`), on windows in the right layout, on the first three quarters of the data; the last quarter stays unseen for Step 10. A callback records the loss at every batch.


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
wt_untrained = walkthrough_model().predict(Xw, verbose=0)  # the same initial weights as wt_model
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
# With the declared settings (a quarter as many weight updates) the training MAE stays higher: mistake 1 matters.
#
# ## Step 8 — What each output can see: `return_sequences` and a perturbation test
#
# With `return_sequences=True` an LSTM emits its state after **every** row, so output step `t` could depend on rows `0 … t` only. Test what a model sees, do not argue it: add 1 to input row `j` of one window and record which output steps change.


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
# The table is lower-triangular: output 0 ignores every row but the first. Its target is row `w + 5`, so every output forecasts 5 rows past the newest row it saw. A real multi-step forecaster conditions every horizon on the whole window.
#
# ## Step 9 — The walkthrough's model on its broken data, judged honestly
#
# Its errors explode in the break, but so would a perfect reconstruction's (Step 6). Put the model beside simple detectors with the same threshold rule (mean + 3 std of the score on normal data): **flag everything** (the floor), a **range check** (any feature outside its normal min–max), **persistence** (the largest one-row change) and **the model** (its mean absolute one-step error across features, `t0_error_avg`).

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

# %% [markdown]
# Half the rows are broken, so flagging everything already scores a respectable F1, and a range check does as well as the model: raw noise lies far outside the narrow band of Step 2. **This anomaly proves that the errors explode, not that the model learnt anything.**
#
# ## Step 10 — Skill: can the walkthrough's model beat persistence?
#
# On the unseen last quarter, compare the mean absolute error per horizon of the model, **persistence** (every future row equals the last observed row) and the **training mean** of each feature. Skill = 1 − MAE_model / MAE_persistence; positive means better than persistence.


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
print(f"its MAE is above the training-mean forecast's at every horizon: {wt_loses_to_mean}")
# What did training change? The mean output, and how much the output varies between windows.
wt_trained = wt_model.predict(Xw, verbose=0)
wt_spread = wt_trained.std(axis=0).mean()  # std across windows, averaged over steps and features
target_spread = Yw.std(axis=0).mean()
print(f"mean output: untrained {wt_untrained.mean():.3f}, trained {wt_trained.mean():.3f} "
      f"(targets {Yw.mean():.3f})")  # fmt: skip
print(f"spread across training windows: outputs {wt_spread:.5f}, targets {target_spread:.4f}")

# %% [markdown]
# The skill is negative at every horizon. Training did move the model: its mean output went from about 0 to the data's level (printed). But its outputs differ between windows by less than a hundredth of the targets' spread: the 2-unit stack **collapsed to a constant**, so compare it with one, the training mean (the cell prints whether it does even worse).
#
# The data is no better: a moving average of independent noise is nearly a random walk, with no relation between metrics to learn. We keep it for the reproduction only.
#
# ## Step 11 — Data with structure: shared drivers, a season, lags between metrics
#
# `lh.coupled_metrics` makes metrics the way real ones often are: two hidden drivers (a seasonal cycle plus a slow wander) move all of them, each metric mixes them in its own way, with its own noise, and metric `f` follows the drivers `2 f` rows late: the leaders announce what the laggards will do. The normal part is split in time: **train** (the model's gradient steps), **held-out** (the end of the fit part: early stopping and error scales), **calibration** (thresholds) and **test**. Every part is standardised with the train part's statistics only.

# %%
N_FIT, N_CAL, N_TEST = 2000, 600, 1200
HELD_OUT = 0.2  # share of the fit part held out at its end
N_IN, N_HORIZON = 12, 5  # rows read, rows forecast (12 != 5 features: a transpose cannot hide)


def make_data(seed):
    """Train, held-out, calibration and test parts of one coupled series, standardised."""
    series = lh.coupled_metrics(N_FIT + N_CAL + N_TEST, N_FEATURES, seed=seed)
    normal, test = series[: N_FIT + N_CAL], series[N_FIT + N_CAL :]
    fit, cal = lh.calibration_split(normal, N_CAL / (N_FIT + N_CAL))
    train, held = lh.calibration_split(fit, HELD_OUT)
    mean, std = train.mean(axis=0), train.std(axis=0)
    return [(part - mean) / std for part in (train, held, cal, test)]


train_z, held_z, cal_z, test_z = make_data(SEED)
print(f"train {train_z.shape}, held-out {held_z.shape}, calibration {cal_z.shape}, "
      f"test {test_z.shape}")  # fmt: skip
fig, ax = plt.subplots()
ax.plot(train_z[:300] + 4 * np.arange(N_FEATURES), lw=1)
ax.set(title="Coupled metrics (standardised, offset for clarity)", xlabel="row",
       ylabel="value + 4 x feature")  # fmt: skip
ax.legend([f"f{f}" for f in range(N_FEATURES)], ncol=5, loc="upper right")
plt.show()

# %% [markdown]
# ## Step 12 — The corrected forecaster, trained until held-out data stops improving
#
# An LSTM **encoder** (`return_sequences=False`) reads the whole window into one state; a `Dense(N_HORIZON × N_FEATURES)` head maps it to every horizon at once. Training stops when the loss on the **held-out** windows (normal data the gradients never see) has not improved for `PATIENCE` epochs; `restore_best_weights=True` keeps the best epoch's weights.


# %%
MAX_EPOCHS, PATIENCE, BATCH = 60, 5, 32


def build_forecaster(units=32):
    """(batch, N_IN, N_FEATURES) -> (batch, N_HORIZON, N_FEATURES), every horizon from the whole window."""
    return keras.Sequential([
        keras.Input(shape=(N_IN, N_FEATURES)),
        keras.layers.LSTM(units),
        keras.layers.Dense(N_HORIZON * N_FEATURES),
        keras.layers.Reshape((N_HORIZON, N_FEATURES)),
    ])  # fmt: skip


def train_forecaster(model, train, held):
    """Compile and fit `model` on the windows of `train`; early stopping on those of `held`."""
    X, Y = lh.make_forecast_windows(train, N_IN, N_HORIZON)
    model.compile(optimizer="adam", loss="mae")
    stop = keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)
    history = model.fit(X, Y, epochs=MAX_EPOCHS, batch_size=BATCH, shuffle=True, verbose=0,
                        validation_data=lh.make_forecast_windows(held, N_IN, N_HORIZON),
                        callbacks=[stop])  # fmt: skip
    return history


keras.utils.set_random_seed(SEED)
model = build_forecaster()
history = train_forecaster(model, train_z, held_z)
X_train, Y_train = lh.make_forecast_windows(train_z, N_IN, N_HORIZON)
X_held, Y_held = lh.make_forecast_windows(held_z, N_IN, N_HORIZON)
best_epoch = int(np.argmin(history.history["val_loss"])) + 1
print(f"X_train {X_train.shape} -> Y_train {Y_train.shape}; {model.count_params()} parameters")
print(f"stopped after {len(history.history['loss'])} of {MAX_EPOCHS} epochs; best held-out loss "
      f"{min(history.history['val_loss']):.3f} at epoch {best_epoch}, weights restored")  # fmt: skip
ax = lh.plot_loss(history.history, title="Corrected forecaster: loss by epoch")
ax.axvline(best_epoch, color=lh.COLORS["black"], ls=":", label="best epoch (restored)")
ax.legend()
plt.show()

# %% [markdown]
# The same perturbation test as in Step 8, on the corrected model: every output step now changes when the **last** input row changes.

# %%
rf_corrected = receptive_field(model, X_train[100].copy())
print("corrected model: max |change| of each output step per perturbed input row (last rows)")
display(rf_corrected.tail(3).round(3))
assert (rf_corrected.loc[N_IN - 1] > 1e-3).all(), "every output depends on the last input row"

# %% [markdown]
# ## Step 13 — Skill per horizon and per feature, on data the model never saw
#
# The comparison of Step 10, on the calibration part (the training mean is 0 after standardising). Then the error of every feature at every horizon: `lh.to_long` turns the `(windows, horizons, features)` array of absolute errors into a long frame, and one `pivot_table` averages it.

# %%
X_cal, Y_cal = lh.make_forecast_windows(cal_z, N_IN, N_HORIZON)
mae_by_h = horizon_mae(model, X_cal, Y_cal, 0.0)
skill = 1 - mae_by_h["model"] / mae_by_h["persistence"]
skill.name = "skill vs persistence"
display(mae_by_h.assign(skill=skill).round(3))
print(
    f"skill positive at every horizon: {bool((skill > 0).all())}; smallest at horizon {skill.idxmin()}"
)

errors_long = lh.to_long(np.abs(Y_cal - model.predict(X_cal, verbose=0)))  # timestep = horizon
mae_fh = errors_long.pivot_table(index="feature", columns="timestep", values="value")
fig, ax = plt.subplots(figsize=(6, 3))
image = ax.imshow(mae_fh.to_numpy(), cmap="viridis")
middle = mae_fh.to_numpy().mean()
for (i, j), value in np.ndenumerate(mae_fh.to_numpy()):
    ax.text(
        j, i, f"{value:.2f}", ha="center", va="center", color="white" if value < middle else "black"
    )
ax.set(title="LSTM's MAE on calibration data", xlabel="horizon", ylabel="feature",
       xticks=range(N_HORIZON), yticks=range(N_FEATURES), yticklabels=mae_fh.index)  # fmt: skip
fig.colorbar(image, ax=ax, label="MAE (standardised)")
plt.show()
feature_ratio = mae_fh.iloc[:, 0].max() / mae_fh.iloc[:, 0].min()
print(f"one step ahead, the hardest feature's MAE is {feature_ratio:.1f} x the easiest's")

# %% [markdown]
# Skill is hardest to earn one row ahead, where the last value is already a good forecast: small there, and below zero on some seeds. And the features are not equally hard to forecast (the printed ratio): Step 16 needs that.
#
# ## Step 14 — Does reading the other metrics help? Two linear forecasters
#
# Two **linear** one-step forecasters, fitted by least squares on the train part: a **per-metric autoregression** (each metric from its own last `N_IN` rows) and a **vector autoregression, VAR** (from the last `N_IN` rows of all metrics). If the VAR wins, the other metrics carry information; and it is the strongest simple multivariate baseline for the LSTM.


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


var_weights = fit_linear(train_z)
rows_h0 = slice(N_IN, N_IN + len(X_cal))  # the rows the LSTM's horizon 0 forecasts in Step 13
one_step = pd.Series({
    "LSTM forecaster (horizon 0)": mae_by_h.loc[0, "model"],
    "VAR (all metrics)": np.abs(linear_errors(var_weights, cal_z)[rows_h0]).mean(),
    "per-metric AR": np.abs(linear_errors(fit_linear(train_z, True), cal_z, True)[rows_h0]).mean(),
    "persistence": mae_by_h.loc[0, "persistence"],
}, name="one-step MAE on calibration")  # fmt: skip
display(one_step.round(3).to_frame())
cross_helps = bool(one_step["VAR (all metrics)"] < one_step["per-metric AR"])
print(f"reading the other metrics helps a linear forecaster: {cross_helps}")

# %% [markdown]
# ## Step 15 — The error frame at target time, and mistake 5
#
# `lh.error_frame` lays forecasts out one row per observation: row `r` holds, for each horizon `h`, the forecast **of row `r`** made `h + 1` rows earlier, its error, and aggregates across features of the absolute errors (`t{h}_error_avg|med|min|max|rng`). The mean of `t{h}_error_avg` is Step 13's MAE per horizon.
#
# The walkthrough computes each aggregate from "every column whose name contains `t0_error`". Once it has added `t0_error_avg`, that name matches too, so its median includes the mean, and so on (mistake 5):

# %%
df_cal = lh.error_frame(cal_z, model.predict(X_cal, verbose=0), N_IN)
avg_cols = [f"t{h}_error_avg" for h in range(N_HORIZON)]
true_mae = df_cal[avg_cols].mean().to_numpy()
print("MAE by horizon from the error frame:", true_mae.round(3).tolist())
display(df_cal.iloc[20:23, [0, 5, 30, 55, 56, 57, 58, 59]].round(3))

err0 = df_cal[[f"f{f}_t0_error" for f in range(N_FEATURES)]].abs()
wt_agg = err0.copy()
wt_agg["t0_error_avg"] = wt_agg.mean(axis=1)
wt_agg["t0_error_med"] = wt_agg[[c for c in wt_agg.columns if "t0_error" in c]].median(axis=1)
moved = (wt_agg["t0_error_med"] - df_cal["t0_error_med"]).abs()
print(f"the walkthrough's median differs from the features' median on {np.mean(moved > 1e-12):.0%} "
      "of rows")  # fmt: skip

# %% [markdown]
# `lh.error_frame` computes every aggregate from the feature errors only.
#
# ## Step 16 — The anomaly a multivariate model exists for: metrics that decouple
#
# `lh.decouple` replaces one metric, for a while, by **its own values from another stretch**: its range, spread and smoothness stay normal, only its relation to the others breaks. Each test part gets two such spans. Every detector is **treated alike**: fitted on the train part, one causal score per row, the same trailing mean (`lh.smooth`), the threshold at the largest smoothed score on the calibration part (`lh.max_threshold`).
#
# - **Univariate** (range check, persistence, z-score; the largest across features): blind to this anomaly by design.
# - **Mahalanobis**: each row's distance from the train mean, in the train covariance; it knows how metrics co-vary, not time.
# - **VAR** and **LSTM**, one score: each feature's **one-step** error divided by its error spread on the held-out part, averaged over features. One step: the VAR's only horizon, and the freshest forecast. Divided: features differ in how hard they are to forecast (Step 13), and the hardest would drown a decoupling in an easy one.

# %%
SMOOTH = 10  # rows of the trailing mean
EVENTS = [(300, 150), (800, 150)]  # (start, length) of the decoupling spans in the test part
SPANS = [(start, start + length - 1) for start, length in EVENTS]
FIRST = N_IN + N_HORIZON + SMOOTH  # every score (any horizon) is defined from this row on
N_ROTATIONS = 200


def lstm_errors(model, series, horizon=0):
    """(n, F) errors of the LSTM's forecasts `horizon + 1` rows ahead, at target time."""
    frame = lh.error_frame(series, model.predict(lh.make_windows(series, N_IN), verbose=0), N_IN)
    return frame[[f"f{f}_t{horizon}_error" for f in range(N_FEATURES)]].to_numpy()


def forecast_score(errors, held_errors):
    """Mean over features of |error| / that feature's error std on the held-out part, smoothed."""
    scaled = np.abs(errors) / np.nanstd(held_errors, axis=0)
    return lh.smooth(pd.Series(scaled.mean(axis=1)), SMOOTH)


def mahalanobis(series, fit):
    """(n, F) -> (n,) distance of each row from the fit mean, in the fit part's covariance."""
    centred = series - fit.mean(axis=0)
    inverse = np.linalg.inv(np.cov(fit, rowvar=False))
    return np.sqrt(np.einsum("nf,fg,ng->n", centred, inverse, centred))


def detector_scores(series, train, held, lstm, var):
    """Smoothed causal score of every detector on one standardised series, by name."""
    frame, train_df = pd.DataFrame(series), pd.DataFrame(train)
    raw = {
        "range check": lh.range_check(frame, train_df).max(axis=1),
        "persistence": lh.persistence_error(frame).max(axis=1),
        "z-score": lh.static_zscore(frame, train_df).max(axis=1),
        "Mahalanobis": pd.Series(mahalanobis(series, train)),
    }
    scores = {name: lh.smooth(score, SMOOTH) for name, score in raw.items()}
    scores["VAR"] = forecast_score(linear_errors(var, series), linear_errors(var, held))
    scores["LSTM"] = forecast_score(lstm_errors(lstm, series), lstm_errors(lstm, held))
    return scores


def run_seed(seed, lstm=None):
    """New data, models and spans for `seed`: every detector's scores, thresholds and results."""
    train, held, cal, test = make_data(seed)
    if lstm is None:
        keras.utils.set_random_seed(seed)
        lstm = build_forecaster()
        train_forecaster(lstm, train, held)
    var = fit_linear(train)
    rng = np.random.default_rng(seed)
    anomalous = test.copy()
    for i, (start, length) in enumerate(EVENTS):
        feature = int(rng.integers(0, N_FEATURES))
        anomalous, _ = lh.decouple(anomalous, start, length, feature, seed=seed + i)
    cal_scores = detector_scores(cal, train, held, lstm, var)
    test_scores = {name: s.iloc[FIRST:] for name, s in
                   detector_scores(anomalous, train, held, lstm, var).items()}  # fmt: skip
    rows, nulls = {}, {}
    for name, score in test_scores.items():
        threshold = lh.max_threshold(cal_scores[name])
        nulls[name] = lh.rotation_null(SPANS, score, threshold, n_rotations=N_ROTATIONS)
        rows[name] = {**lh.evaluate(SPANS, score > threshold, scores=score),
                      "threshold": threshold, "pr_auc_p": nulls[name].pr_auc_p}  # fmt: skip
    return pd.DataFrame(rows).T, test_scores, nulls, anomalous


seed_table, test_scores, seed_nulls, anomalous = run_seed(SEED, lstm=model)
truth = lh.span_mask(test_scores["LSTM"].index, SPANS)  # the labels of the scored test rows
display(seed_table[["pr_auc", "pr_auc_p", "event_f1", "spans_found", "false_alarms"]])

# %% [markdown]
# One panel per detector: its score on the test part, its threshold and the decoupled spans.

# %%
fig, axes = plt.subplots(len(test_scores), 1, figsize=(10, 10), sharex=True)
for ax, (name, score) in zip(axes, test_scores.items(), strict=True):
    ax.plot(score.index, score, color=lh.COLORS["blue"], lw=0.9, label="score")
    ax.axhline(seed_table.loc[name, "threshold"], color=lh.COLORS["vermillion"], ls="--",
               label="threshold (calibration max)")  # fmt: skip
    lh.shade_spans(SPANS, ax=ax, label="decoupled span")
    ax.set_title(f"{name}: PR-AUC {seed_table.loc[name, 'pr_auc']:.2f}", loc="left")
    ax.set_ylabel("score")
axes[-1].set_xlabel("row of the test part")
axes[0].legend(loc="upper right", ncol=3)
fig.suptitle(f"Every detector on the decoupling test (seed {SEED}), scored alike")
plt.show()

# %% [markdown]
# ## Step 17 — Over several seeds, each detector against its own null
#
# One run is one draw of data, initial weights and spans: we repeat the protocol for two more seeds. Each detector also faces **its own null** (`lh.rotation_null`): its test scores rotated in time `N_ROTATIONS` times and scored like it; `pr_auc_p` is the share of rotations doing at least as well. Verdicts use the tutorial's one rule, `lh.verdict`: a **win** only when every seed of one beats every seed of the other. (With two spans per test part, read p-values coarsely: see Going further.)

# %%
SEEDS = [SEED, SEED + 1, SEED + 2]
per_seed, null_auc = {SEED: seed_table}, {SEED: seed_nulls}
for seed in SEEDS[1:]:
    per_seed[seed], _, null_auc[seed], _ = run_seed(seed)
results = pd.concat(per_seed, names=["seed", "detector"])
results = results[["pr_auc", "pr_auc_p", "event_f1", "false_alarms"]].astype(float)
summary = results.groupby("detector", sort=False).agg(["mean", "min", "max"])
display(summary.round(3))
floor = truth.mean()  # the PR-AUC of a constant score: the share of anomalous rows
print(f"PR-AUC of a constant score (the floor): {floor:.2f}")

fig, ax = plt.subplots(figsize=(8, 4))
names = list(test_scores)
for i, name in enumerate(names):
    band = np.percentile(np.concatenate([null_auc[s][name].pr_auc_null for s in SEEDS]), [5, 95])
    ax.plot(band, [i, i], color=lh.COLORS["black"], alpha=0.35, lw=8,
            label="own null, 5-95 %" if i == 0 else None)  # fmt: skip
    ax.plot(results.xs(name, level="detector")["pr_auc"], [i] * len(SEEDS), "o",
            color=lh.COLORS["orange"], label="one seed" if i == 0 else None)  # fmt: skip
ax.axvline(floor, color=lh.COLORS["vermillion"], ls="--", label="constant score")
ax.set(yticks=range(len(names)), yticklabels=names, xlabel="PR-AUC on the test part",
       title=f"PR-AUC over {len(SEEDS)} seeds, each detector beside its own null")  # fmt: skip
ax.legend(loc="lower right")
plt.show()


def pr_auc_verdict(a, b):
    """One sentence from lh.verdict on the PR-AUC of every seed; it reads right either way."""
    x, y = results.xs(a, level="detector")["pr_auc"], results.xs(b, level="detector")["pr_auc"]
    ranges = f"{a} {x.min():.3f}-{x.max():.3f}, {b} {y.min():.3f}-{y.max():.3f}"
    outcome = lh.verdict(x, y)
    if outcome == "win":
        return f"{a} beats {b} on every seed (PR-AUC {ranges})."
    if outcome == "loss":
        return f"{b} beats {a} on every seed (PR-AUC {ranges})."
    return f"Neither {a} nor {b} wins on every seed: their PR-AUCs overlap ({ranges})."


univariate = ["range check", "persistence", "z-score"]
best_univariate = summary.loc[univariate, ("pr_auc", "mean")].idxmax()
for other in ("VAR", "Mahalanobis", best_univariate):
    print(pr_auc_verdict("LSTM", other))
lstm_ahead = (
    results.xs("LSTM", level="detector")["pr_auc"] > results.xs("VAR", level="detector")["pr_auc"]
)
print(f"Seed by seed (the same data and spans for both), the LSTM scores above the VAR on "
      f"{lstm_ahead.sum()} of {len(SEEDS)} seeds.")  # fmt: skip
ALPHA = lh.chance.ALPHA  # p below this: distinguishable from chance
beats_null = (results["pr_auc_p"] < ALPHA).groupby("detector", sort=False).sum()
print(
    f"seeds on which PR-AUC beats the detector's own null (p < {ALPHA}): "
    + ", ".join(f"{name} {beats_null[name]}/{len(SEEDS)}" for name in names)
)

# %% [markdown]
# **What this shows.** A decoupled metric is normal on its own, so the univariate detectors stay near the floor: this anomaly **needs a multivariate model**. Not an *LSTM*: scored the same way, the linear VAR has the best mean PR-AUC, and the seed-by-seed line says how often the LSTM even gets ahead of it. The verdict rule may still say "tie": each seed draws new data, and the spread between seeds can exceed the gap. `lh.coupled_metrics` mixes its drivers **linearly**, with fixed lags, so a linear model reading the same 12 rows can represent the whole relation, with one least-squares solve. An LSTM earns its cost where the relation between metrics is nonlinear or needs a longer context.
#
# ## Checks

# %%
# The corrected model: its windows, its output, early stopping with the best weights restored.
assert X_train.shape == (len(train_z) - N_IN - N_HORIZON + 1, N_IN, N_FEATURES)
assert N_IN != N_FEATURES and model.output_shape == (None, N_HORIZON, N_FEATURES)
assert len(history.history["loss"]) < MAX_EPOCHS, "training stopped before the epoch limit"
assert np.isclose(model.evaluate(X_held, Y_held, verbose=0), min(history.history["val_loss"]),
                  rtol=1e-3)  # fmt: skip
assert skill.idxmin() == 0, skill  # one row ahead is where skill is hardest to earn
# The walkthrough's output 0 ignores the later rows; the corrected one's depends on the last row.
assert (rf_walkthrough.loc[1:, 0] == 0).all() and rf_corrected.loc[N_IN - 1, 0] > 1e-3
# The walkthrough: its break is found by a range check alone; its declared settings under-train;
# it collapses to a constant (outputs vary < 1/100 as much as the targets).
assert break_table.loc["range check", "f1"] >= max(0.95, break_table.loc["walkthrough model", "f1"])
assert declared_mae > wt_train_mae
assert (wt_skill < 0).all()
assert wt_spread < target_spread / 100 and abs(wt_untrained.mean()) < 0.1 < wt_trained.mean()
# The error frame: one row per observation, each forecast stamped at the row it is about.
yhat_cal = model.predict(X_cal, verbose=0)
r, h, f = 100, 3, 2
assert len(df_cal) == len(cal_z)
assert np.isclose(df_cal.loc[r, f"f{f}_t{h}_yhat"], yhat_cal[r - N_IN - h, h, f])
assert df_cal[f"f0_t{N_HORIZON - 1}_yhat"].iloc[: N_IN + N_HORIZON - 1].isna().all()
assert np.allclose(true_mae, mae_by_h["model"].to_numpy())
# Scored alike: the VAR's and the LSTM's held-out errors are in units of their own spread.
for errors in (linear_errors(var_weights, held_z), lstm_errors(model, held_z)):
    assert np.allclose(np.nanstd(errors / np.nanstd(errors, axis=0), axis=0), 1)
# Scalers saw the train part only; every detector has its own null of N_ROTATIONS rotations.
assert np.allclose(train_z.mean(axis=0), 0) and not np.allclose(held_z.mean(axis=0), 0, atol=1e-3)
assert all(len(null_auc[s][name].pr_auc_null) == N_ROTATIONS for s in SEEDS for name in names)
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - The walkthrough's five mistakes; its 2-unit stack collapses to a constant, and a range check finds its break.
# - With `return_sequences=True`, output `t` sees input rows `0 … t` only (perturbation proves it); an encoder with a dense head sees the whole window.
# - Train until held-out normal data stops improving, keep the best weights, and report skill against persistence on unseen data.
# - Errors stamped at target time give causal scores and a true per-horizon MAE.
# - Decoupling needs a multivariate model; a VAR scored the same way is the baseline an LSTM must beat.
#
# Next: **notebook 3** runs these methods on real, labelled data.

# %% [markdown]
# ## Going further
#
# The rest of this notebook is for a second reading: the walkthrough's helpers mapped to `lstm_helpers`, more on the fairness of Steps 16–17, and what a p-value from two spans can say. The exercises follow.
#
# ### The walkthrough's helpers, and where they went
#
# | walkthrough | `lstm_helpers` | what changed |
# |---|---|---|
# | `data_reshape_for_model` | `lh.make_windows`, `lh.make_forecast_windows` | no transpose; a zero-copy view instead of a growing concatenation; targets for forecasting |
# | `model_data_to_df_long` | `lh.to_long` | vectorised |
# | `model_df_long_to_wide` | `lh.to_wide` | same pivot |
# | `df_out_add_errors` | `lh.error_frame` | right shift direction, errors stamped at target time, aggregates of absolute errors that do not include each other |
# | `yhat_to_df_out` | `lh.error_frame` | one call from arrays |
#
# One more departure: before scoring the broken data, the walkthrough trains its model one more epoch **on that broken data**, so the model starts to learn the anomaly it is meant to flag. Here every model is frozen before it scores anything.

# %% [markdown]
# ### What makes the comparison fair
#
# Easy ways to tilt it, all avoided here: scoring the LSTM by its unnormalised mean error over all horizons and the VAR by normalised one-step errors (different scores); fitting the VAR on all the fit data while the LSTM trains on 80 % of its windows (different data); training the LSTM for a fixed number of epochs with nothing watching its held-out loss (under- or over-trained). Here both are fitted on the same train rows, both use the held-out rows (early stopping for the LSTM, error scales for both), both get the same score, smoothing and threshold rule, and neither is tuned on labels: the window (`N_IN`) is shared, and neither the LSTM's size nor the VAR's window was searched. A fuller study would choose the LSTM's size, window and restarts on held-out loss, and give the VAR the same budget (its window, a ridge penalty); Exercise 1 is a first step. One asymmetry remains: the LSTM learns all five horizons at once, the VAR one step only; an LSTM trained for one step (`N_HORIZON = 1`) is the like-for-like rival.
#
# Why not rank detectors by their p-values? A detector that clearly beats chance gets the smallest p-value there is, `1 / (1 + N_ROTATIONS)`, however far ahead it is, so p-values cannot rank such detectors. Compare their PR-AUCs with `lh.verdict`.

# %% [markdown]
# ### A p-value from two spans
#
# The rotation null moves the two spans together around the test part. Rotations that differ by a few rows are near copies of each other, so the `N_ROTATIONS` rotations hold only about as many *different* placements as spans of 150 rows fit in the test part without overlapping (printed below). A score whose one stretch of unrelated high values happens to sit on a span beats every other placement about once in that many test parts: a p-value at the floor means "better than every other placement of these spans", not "1 in 200". That is how a detector blind by design, such as the range check, can show a small p-value on some seeds (Step 17 prints on how many). With one or two spans per series, read p-values coarsely, and look for evidence over many series and seeds (notebook 3).
#
# The `mean_delay` column of `seed_table` needs the same care: it averages over the spans a detector found, so detectors are compared on different spans.

# %%
n_scored = len(truth)
print(f"{n_scored} scored rows hold {n_scored // EVENTS[0][1]} non-overlapping placements of a "
      f"{EVENTS[0][1]}-row span; the smallest p-value is {1 / (1 + N_ROTATIONS):.3f}")  # fmt: skip

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer; its starter cell uses only names that start with `ex1_`, `ex2_`, …, and the names this notebook defines. Run it after *Run All*. Worked solutions: [solutions/02_multivariate_multistep_forecaster_solutions.ipynb](solutions/02_multivariate_multistep_forecaster_solutions.ipynb).
