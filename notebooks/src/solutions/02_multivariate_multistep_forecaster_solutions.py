# %% [markdown]
# # 📃 Solutions · 2 · Many metrics, many steps ahead
#
# Worked solutions to the exercises of [notebook 2](../02_multivariate_multistep_forecaster.ipynb). Try each exercise there first. This notebook rebuilds what it needs (notebook 2's coupled data, its corrected forecaster and its first decoupling test) and runs on its own, top to bottom.

# %%
import os

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

import lstm_helpers as lh

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
lh.apply_style()

# %% [markdown]
# Notebook 2's coupled data, standardised with the fit part's statistics, its forecaster, its skill, and its first test part with two decoupling events.

# %%
N_FEATURES, N_IN, N_HORIZON, EPOCHS, BATCH, SMOOTH = 5, 12, 5, 15, 32, 10
N_FIT, N_CAL, N_TEST = 2000, 600, 1200
EVENTS = [(300, 150), (800, 150)]

series = lh.coupled_metrics(N_FIT + N_CAL + N_TEST, N_FEATURES, seed=SEED)
fit, cal = lh.calibration_split(series[: N_FIT + N_CAL], N_CAL / (N_FIT + N_CAL))
mean, std = fit.mean(axis=0), fit.std(axis=0)
fit_z, cal_z, test_z = (
    (fit - mean) / std,
    (cal - mean) / std,
    (series[N_FIT + N_CAL :] - mean) / std,
)
X_train, Y_train = lh.make_forecast_windows(fit_z, N_IN, N_HORIZON)
X_cal, Y_cal = lh.make_forecast_windows(cal_z, N_IN, N_HORIZON)


def train(model):
    model.compile(optimizer="adam", loss="mae")
    model.fit(X_train, Y_train, epochs=EPOCHS, batch_size=BATCH, validation_split=0.2,
              shuffle=True, verbose=0)  # fmt: skip
    return model


def skill_of(model):
    """Skill vs persistence per horizon on the calibration part."""
    mae = np.abs(Y_cal - model.predict(X_cal, verbose=0)).mean(axis=(0, 2))
    persistence = np.abs(Y_cal - X_cal[:, -1:, :]).mean(axis=(0, 2))
    return pd.Series(1 - mae / persistence, name="skill").rename_axis("horizon")


keras.utils.set_random_seed(SEED)
model = train(keras.Sequential([
    keras.Input(shape=(N_IN, N_FEATURES)),
    keras.layers.LSTM(32),
    keras.layers.Dense(N_HORIZON * N_FEATURES),
    keras.layers.Reshape((N_HORIZON, N_FEATURES)),
]))  # fmt: skip
skill = skill_of(model)
print("notebook 2's forecaster, skill by horizon:", skill.round(3).tolist())

rng = np.random.default_rng(SEED)
anomalous, truth = test_z.copy(), np.zeros(len(test_z), dtype=bool)
for i, (start, length) in enumerate(EVENTS):
    anomalous, mask = lh.decouple(anomalous, start, length, int(rng.integers(0, N_FEATURES)),
                                  seed=SEED + i)  # fmt: skip
    truth |= mask
df_out = lh.error_frame(anomalous, model.predict(lh.make_windows(anomalous, N_IN), verbose=0), N_IN)
df_cal = lh.error_frame(cal_z, model.predict(lh.make_windows(cal_z, N_IN), verbose=0), N_IN)
FIRST = N_IN + N_HORIZON + SMOOTH  # every score is defined from here on
SPANS = [(start, start + length - 1) for start, length in EVENTS]
avg_cols = [f"t{h}_error_avg" for h in range(N_HORIZON)]
forecaster_score = lh.smooth(df_out[avg_cols].mean(axis=1), SMOOTH).iloc[FIRST:]
forecaster_ap = lh.pr_auc(pd.Series(truth).iloc[FIRST:], forecaster_score)
print(f"forecaster PR-AUC on the first test part: {forecaster_ap:.3f}")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — An encoder–decoder with `RepeatVector`
#
# **Goal.** Build the other classic multi-step forecaster: an LSTM encoder reads the window into one state, `RepeatVector(N_HORIZON)` hands that state to every horizon, an LSTM decoder with `return_sequences=True` unrolls it, and a `Dense(N_FEATURES)` reads each step out.
#
# **Starting point.** Notebook 2's `X_train`, `Y_train` and `cal_z`; train with the same settings as `model` (`EPOCHS`, `BATCH`, shuffled, `validation_split=0.2`), then compute its skill per horizon on the calibration part as in Step 13.
#
# **How to check.** `ex1_model.output_shape` is `(None, N_HORIZON, N_FEATURES)`; `ex1_skill` is a Series indexed by horizon. Is it positive everywhere? Better or worse than `skill`?

# %% tags=["starter"]
ex1_units = 16  # units of the encoder and of the decoder
ex1_model = None  # your code here: the encoder-decoder, trained
ex1_skill = None  # your code here: a Series of skill vs persistence, indexed by horizon

# %% [markdown]
# #### 📃 Solution 1

# %%
keras.utils.set_random_seed(SEED)
ex1_model = train(keras.Sequential([
    keras.Input(shape=(N_IN, N_FEATURES)),
    keras.layers.LSTM(ex1_units),
    keras.layers.RepeatVector(N_HORIZON),
    keras.layers.LSTM(ex1_units, return_sequences=True),
    keras.layers.Dense(N_FEATURES),
]))  # fmt: skip
ex1_skill = skill_of(ex1_model)
ex1_table = pd.DataFrame({"dense head": skill, "encoder-decoder": ex1_skill}).round(3)
print(ex1_table)
assert ex1_model.output_shape == (None, N_HORIZON, N_FEATURES)
ex1_better = [h for h in ex1_skill.index if ex1_skill[h] > skill[h]]
print(
    f"encoder-decoder: skill positive at every horizon: {bool((ex1_skill > 0).all())}; "
    f"better than the dense head at horizons {ex1_better or 'none'}"
)

# %% [markdown]
# Both architectures condition every horizon on the whole window; the printout says whether the encoder–decoder beats persistence everywhere and where it beats the dense head. The decoder adds a recurrence over the horizons, which pays off when the forecast path has structure of its own; with a short horizon and a small state (`ex1_units`), the simpler dense head is hard to beat, and one row ahead, where persistence is strongest, a weaker model can fall below it. Try `ex1_units = 32`.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — Which horizon sees the decoupling best?
#
# **Goal.** Notebook 2's forecaster score averages the errors of all horizons. Score the first test part with each horizon alone, smoothed the same way, and compare their PR-AUC.
#
# **Starting point.** The error frame `df_out` of the first test part (errors stamped at target time), its labels `truth`, and the first row where every score is defined, `FIRST`:
#
# ```python
# score_h = lh.smooth(df_out[f"t{h}_error_avg"], SMOOTH).iloc[FIRST:]
# ```
#
# **How to check.** `ex2_ap` is a Series indexed by horizon, each value between 0 and 1. Is the average of the horizons better than the best single one?

# %% tags=["starter"]
ex2_ap = None  # your code here: PR-AUC of each horizon's smoothed t{h}_error_avg, by horizon

# %% [markdown]
# #### 📃 Solution 2

# %%
ex2_truth = pd.Series(truth).iloc[FIRST:]
ex2_ap = pd.Series(
    {
        h: lh.pr_auc(ex2_truth, lh.smooth(df_out[f"t{h}_error_avg"], SMOOTH).iloc[FIRST:])
        for h in range(N_HORIZON)
    },
    name="PR-AUC",
).rename_axis("horizon")
print(ex2_ap.round(3))
print(f"all horizons averaged: {forecaster_ap:.3f}; best single horizon: t{ex2_ap.idxmax()} "
      f"{ex2_ap.max():.3f}")  # fmt: skip
assert ex2_ap.between(0, 1).all()
ex2_verdict = "helps" if forecaster_ap > ex2_ap.max() else "does not help"
ex2_gap = ex2_ap.max() - forecaster_ap
print(f"averaging the horizons {ex2_verdict} on this test part; "
      f"best single horizon minus the average: {ex2_gap:.2f}")  # fmt: skip

# %% [markdown]
# Every horizon's error is about the same rows (target time), but made from windows that ended earlier for longer horizons, so long-horizon errors are noisier: more of what happened since the window ended is unknown to them, and that noise is the same in normal and decoupled stretches. The printout says whether averaging them helps on this test part, and by how much; a gap of the size printed is not small next to the spread of the LSTM's PR-AUC over seeds in notebook 2's table. But do **not** pick the horizon from this table: it is computed on the test labels, so choosing the best horizon here and reporting its PR-AUC would be peeking. Choose the horizon without test labels (for example on separate labelled validation events, or on a different seed's data), then measure it once on the test part; and with one test part and two events, even a large gap may not hold on other seeds.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — A stronger univariate baseline: a linear forecaster per metric
#
# **Goal.** Persistence is the weakest forecaster. Fit, for each metric alone, a linear model that forecasts its next row from its own last `N_IN` rows (least squares on the fit part), score the first test part with its mean absolute one-step error across metrics, smoothed like the others, and compare its PR-AUC with the multivariate forecaster's.
#
# **Starting point.** `np.linalg.lstsq(A, b, rcond=None)` fits `b ≈ A @ w`; `lh.make_forecast_windows(fit_z[:, [f]], N_IN, 1)` gives a metric's own windows and next values.
#
# **How to check.** `ex3_ap` is a float in [0, 1]. Compare it with `forecaster_ap`. Does a good univariate forecaster see the decoupling?

# %% tags=["starter"]
ex3_ap = None  # your code here: PR-AUC of the per-metric linear forecasters' smoothed error

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_errors = np.full(anomalous.shape, np.nan)
for ex3_f in range(N_FEATURES):
    ex3_X, ex3_Y = lh.make_forecast_windows(fit_z[:, [ex3_f]], N_IN, 1)
    ex3_A = np.c_[ex3_X[:, :, 0], np.ones(len(ex3_X))]  # own last N_IN rows and a constant
    ex3_w = np.linalg.lstsq(ex3_A, ex3_Y[:, 0, 0], rcond=None)[0]
    ex3_win = lh.make_windows(anomalous[:-1, [ex3_f]], N_IN)[:, :, 0]  # windows ending at r - 1
    ex3_errors[N_IN:, ex3_f] = np.abs(
        anomalous[N_IN:, ex3_f] - np.c_[ex3_win, np.ones(len(ex3_win))] @ ex3_w
    )
ex3_score = lh.smooth(pd.Series(ex3_errors.mean(axis=1)), SMOOTH).iloc[FIRST:]
ex3_ap = lh.pr_auc(pd.Series(truth).iloc[FIRST:], ex3_score)
print(
    f"PR-AUC: per-metric linear forecasters {ex3_ap:.3f}, multivariate forecaster {forecaster_ap:.3f}"
)
assert 0 <= ex3_ap <= 1
print("the multivariate forecaster is " + ("better" if forecaster_ap > ex3_ap else "not better"))
ex3_truth = pd.Series(truth).iloc[FIRST:]
ex3_floor = ex3_truth.mean()  # PR-AUC of a constant score
ex3_in, ex3_out = ex3_score[ex3_truth.to_numpy()].mean(), ex3_score[~ex3_truth.to_numpy()].mean()
print(f"constant-score floor {ex3_floor:.2f}; linear forecasters below it: {ex3_ap < ex3_floor}; "
      f"their mean score inside the events {ex3_in:.3f}, outside {ex3_out:.3f}")  # fmt: skip

# %% [markdown]
# A decoupled metric is replaced by its own values from another time, so a forecaster that reads only that metric's past finds its usual dynamics and forecasts it about as well as ever. However good a univariate forecaster is, what it cannot know is where the *other* metrics say this one should be. The printed PR-AUCs show how much that knowledge is worth here. The per-metric linear forecasters do not merely fail: their PR-AUC is below the floor of a constant score, because their mean score is *lower* inside the events than outside (printed above), so ranking rows by it puts the anomalous rows last. And this is one seed with two events: too few for a verdict either way. Notebook 2's seeds table is the fair comparison, and there the multivariate linear counterpart of this exercise, the VAR, is the baseline the LSTM has to beat.
