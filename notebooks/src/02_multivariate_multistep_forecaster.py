# %% [markdown]
# # 2 · Many metrics, many steps ahead: an LSTM forecaster and its error frames
#
# Real systems emit several metrics at once. Here an LSTM reads the last few rows of **k = 5 metrics** and forecasts the next **n = 5 rows** of all of them. When its forecast errors jump, something has changed in the data. Along the way we lay the errors out per feature and per horizon in pandas frames, long and wide, and aggregate them into one anomaly signal.
#
# This reproduces a public walkthrough with its parameters, and fixes **four mistakes** in it, each shown, explained and corrected where it occurs:
#
# 1. the training settings it declares are not the ones that ran;
# 2. it trains the model to *reconstruct* its input, then scores it as a *forecaster*;
# 3. its per-horizon aggregates include each other;
# 4. its shape check cannot see a transposed window, because 5 timesteps = 5 features.
#
# **What you will learn**
#
# - how to window a multivariate series for a multi-step forecaster: inputs `(samples, timesteps, features)` and targets `(samples, horizon, features)`;
# - how to go between model-shaped arrays and tidy long and wide frames, with vectorised pandas;
# - how to build an error frame: one row per time step, forecasts and errors per feature and per horizon, and aggregates across features;
# - how to turn errors into an anomaly signal with a threshold from normal data, and evaluate it with precision, recall and F1;
# - why a model that keeps training on incoming data slowly stops seeing an anomaly.
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
from lstm_helpers.plotting import COLORS, CYCLE, apply_style, shade_mask

assert keras.__version__.startswith("3."), f"this notebook needs Keras 3, found {keras.__version__}"
print(
    f"TensorFlow {tf.__version__}, Keras {keras.__version__}, pandas {pd.__version__}, lstm_helpers {lh.__version__}"
)

SEED = 42
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
apply_style()

# %% [markdown]
# ## Step 1 — The parameters, and mistake 1: settings that never ran
#
# The walkthrough's parameters, with their names. One pair needs care: it declares `N_EPOCHS = 5` and `BATCH_SIZE = 100`, but never passes them to its training function, which falls back to its own defaults of **10 epochs at batches of 50**, in each of the 5 training iterations. Its reported results come from those defaults. We use the values that actually ran, and name them honestly; Step 7 shows what the declared ones would have given.

# %%
N_DATA_ORIG = 3000  # rows of raw noise generated
N_FEATURES = 5  # metrics
N_ROLLING = 1000  # rolling-mean window that smooths the noise
N_TIMESTEPS = 5  # rows the model reads, and rows it forecasts
N_DATA = N_DATA_ORIG - N_ROLLING  # rows left after smoothing
N_TRAIN_ITERATIONS = 5  # calls of fit
N_LAYERS = 3  # stacked LSTM layers
N_LSTM_UNITS = 2  # units per LSTM layer
BREAK_LEN = 1000  # rows of broken data

N_EPOCHS_DECLARED, BATCH_SIZE_DECLARED = 5, 100  # declared by the walkthrough, never used
N_EPOCHS, BATCH_SIZE = 10, 50  # what its training function actually ran with

# %% [markdown]
# ## Step 2 — Normal data: five smooth random metrics
#
# Square roots of uniform noise, smoothed by a 1,000-row rolling mean, look like slowly wandering real metrics. The first 999 rows of a rolling mean are incomplete, so 2,000 rows remain. Note the scale: each metric stays within about ±0.02 of 2/3.

# %%
data = lh.smooth_random_metrics(N_DATA_ORIG, N_FEATURES, N_ROLLING, seed=SEED)
assert data.shape == (N_DATA, N_FEATURES)

fig, ax = plt.subplots()
ax.plot(data, lw=1)
ax.set(title="Normal data: five smoothed random metrics", xlabel="row", ylabel="value")
ax.legend([f"f{f}" for f in range(N_FEATURES)], ncol=5, loc="upper right")
plt.show()

# %% [markdown]
# ## Step 3 — Broken data: a segment of raw noise
#
# The "broken" copy replaces `BREAK_LEN` rows, starting at a random row, with raw uniform noise. We draw the start with a seeded generator, and only among starts where the whole segment fits: the walkthrough's unseeded `np.random.choice(N_DATA)` could start 1,000 rows from the end and silently break a shorter stretch.

# %%
rng = np.random.default_rng(SEED)
break_start = int(rng.integers(0, N_DATA - BREAK_LEN + 1))
broken, in_break = lh.break_segment(data, break_start, BREAK_LEN, seed=SEED)
print(f"broken rows: {break_start}..{break_start + BREAK_LEN - 1}")

fig, ax = plt.subplots()
ax.plot(broken, lw=0.6)
shade_mask(ax, np.arange(N_DATA), in_break, label="broken segment")
ax.set(
    title="Broken data: the same metrics with a segment of raw noise", xlabel="row", ylabel="value"
)
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# ## Step 4 — Windows, and mistake 4: a shape check that cannot see a transpose
#
# `lh.make_windows(data, N_TIMESTEPS)` gives every window of 5 consecutive rows as an array `(samples, timesteps, features)`, as a zero-copy view. It replaces the walkthrough's loop, which grew an array by concatenation one window at a time (quadratic time: see `benchmarks/`).
#
# That loop also **transposed** every window, turning `(timesteps, features)` into `(features, timesteps)`, and then checked the shape against `(N_TIMESTEPS, N_FEATURES)`. With 5 timesteps and 5 features, both orders have the same shape, so the check passed while the LSTM was stepping through *features* instead of time. A tiny example makes it visible:

# %%
tiny = np.arange(6 * 5, dtype=float).reshape(6, 5)  # 6 rows, 5 features: value = 5 * row + feature
right = tiny[0:5]  # window 0 as (timesteps, features)
transposed = tiny[0:5].T  # what the walkthrough's loop produced
print("shapes:", right.shape, transposed.shape, "-> the check passes:", transposed.shape == (5, 5))
print("time should run down the rows; first column of each:", right[:, 0], transposed[:, 0])

# With n_timesteps != n_features the two orders have different shapes, so a mistake cannot hide.
tiny3 = tiny[:, :3]
print(
    "4 timesteps x 3 features:",
    lh.make_windows(tiny3, 4).shape[1:],
    "vs transposed",
    tiny3[0:4].T.shape,
)

X_all = lh.make_windows(data, N_TIMESTEPS)
print(f"X_all {X_all.shape}: one window per row from row {N_TIMESTEPS - 1} on")

# %% [markdown]
# That is why `lh.make_windows` builds the layout itself instead of checking it afterwards, and why this project's tests always use a number of timesteps different from the number of features.

# %% [markdown]
# ## Step 5 — Model-shaped arrays as long and wide frames
#
# Arrays of shape `(samples, timesteps, features)` are compact but hard to inspect. `lh.to_long` unrolls one into a tidy frame, one value per row, with columns `row`, `feature`, `timestep`, `value` and a `label` such as `f2_t4`. `lh.to_wide` pivots it back to one row per window and one column per label. Both are vectorised (no Python loop over rows), and the round trip loses nothing.

# %%
df_long = lh.to_long(X_all[:3])
df_wide = lh.to_wide(df_long)
display(df_long.head(7))
display(df_wide.iloc[:, :7])
assert np.array_equal(
    df_wide.to_numpy().reshape(3, N_FEATURES, N_TIMESTEPS).transpose(0, 2, 1), X_all[:3]
)

# %% [markdown]
# ## Step 6 — Mistake 2: a reconstruction model scored as a forecaster
#
# The walkthrough trains with `fit(X, X)`: the output for step `t` is trained to **reproduce input row `t`**. Its error columns, though, compare that output with the actual value `t + 1` steps **after the window ends**, which is what a forecaster would predict. The two don't match, and the mismatch hides behind a plausible-looking error.
#
# A thought experiment exposes it without any training. Take a *perfect* autoencoder, whose output is exactly its input, and score it the walkthrough's way with `lh.error_frame` (which compares output `t` of window `w` with row `w + N_TIMESTEPS + t`). A perfect model should have zero error; it doesn't:

# %%
perfect_recon = lh.error_frame(data, X_all, N_TIMESTEPS)  # yhat := the input windows themselves
perfect_recon_broken = lh.error_frame(broken, lh.make_windows(broken, N_TIMESTEPS), N_TIMESTEPS)
t0 = [f"f{f}_t0_error" for f in range(N_FEATURES)]
print(
    f"'forecast' MAE of a perfect reconstruction, normal data: {perfect_recon[t0].abs().mean().mean():.4f}"
)
in_rows = in_break[N_TIMESTEPS - 1 :]
print(
    f"...on broken data, inside the break: {perfect_recon_broken[t0].abs().to_numpy()[in_rows].mean():.4f}"
)

# %% [markdown]
# Those "errors" only measure how far the series moved in 5 steps. On broken data they explode, so the walkthrough's plot would look the same with a model that learned nothing: the explosion comes from the data, not from the model's expectations.
#
# **The fix** is to train what we score: a true multi-step forecaster. `lh.make_forecast_windows(data, 5, 5)` returns inputs `X` (the last 5 rows) and targets `Y` (the next 5 rows), so output `t` of window `w` is trained on exactly the row `error_frame` compares it with.

# %%
X_train, Y_train = lh.make_forecast_windows(data, N_TIMESTEPS, N_TIMESTEPS)
print(f"X_train {X_train.shape} -> Y_train {Y_train.shape}")
assert np.array_equal(Y_train[0], data[N_TIMESTEPS : 2 * N_TIMESTEPS])  # the 5 rows after window 0


# %% [markdown]
# ## Step 7 — The model, and training it with a loss-recording callback
#
# The walkthrough's architecture: `N_LAYERS = 3` stacked `LSTM(2, return_sequences=True)` layers, then `Dense(5)` at every step, so the output has shape `(5 steps, 5 features)`. With `return_sequences=True` and as many horizon steps as input steps, output step `t` is read as the forecast `t + 1` rows ahead. Loss: mean absolute error; optimiser: Adam.
#
# To watch training, a small Keras **callback** records the loss after every batch, kept on the callback object rather than in a global list. (In Keras 3 the batch-end `loss` is the running mean over the epoch so far, so each epoch's curve starts high and settles.) Training runs `N_TRAIN_ITERATIONS` calls of `fit`, each of `N_EPOCHS` epochs, unshuffled, as in the walkthrough.


# %%
class BatchLoss(keras.callbacks.Callback):
    """Records the training loss reported at the end of every batch."""

    def __init__(self):
        super().__init__()
        self.losses: list[float] = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))


def build_forecaster() -> keras.Model:
    """(batch, N_TIMESTEPS, N_FEATURES) -> (batch, N_TIMESTEPS, N_FEATURES)."""
    keras.utils.set_random_seed(SEED)  # same initial weights every time
    stack = [keras.layers.LSTM(N_LSTM_UNITS, return_sequences=True) for _ in range(N_LAYERS)]
    model = keras.Sequential(
        [keras.Input(shape=(N_TIMESTEPS, N_FEATURES)), *stack, keras.layers.Dense(N_FEATURES)]
    )
    model.compile(optimizer="adam", loss="mae")
    return model


def train(model, X, Y, epochs, batch_size, iterations=N_TRAIN_ITERATIONS, callbacks=()):
    for _ in range(iterations):
        model.fit(
            X,
            Y,
            epochs=epochs,
            batch_size=batch_size,
            shuffle=False,
            verbose=0,
            callbacks=list(callbacks),
        )
    return model


model = build_forecaster()
model.summary()
batch_loss = BatchLoss()
train(model, X_train, Y_train, N_EPOCHS, BATCH_SIZE, callbacks=[batch_loss])
train_mae = model.evaluate(X_train, Y_train, verbose=0)
print(f"{len(batch_loss.losses)} batches; final training MAE {train_mae:.4f}")

fig, ax = plt.subplots()
ax.plot(batch_loss.losses, color=COLORS["blue"], lw=0.8, label="loss at batch end")
ax.set_yscale("log")
ax.set(title="Forecaster training loss, batch by batch", xlabel="batch", ylabel="MAE (log scale)")
ax.legend()
plt.show()

# %% [markdown]
# And with the settings the walkthrough *declared* (5 epochs at batches of 100, a quarter as many weight updates), the same model stays under-trained:

# %%
declared = train(build_forecaster(), X_train, Y_train, N_EPOCHS_DECLARED, BATCH_SIZE_DECLARED)
declared_mae = declared.evaluate(X_train, Y_train, verbose=0)
print(
    f"training MAE with the declared settings: {declared_mae:.4f}, vs {train_mae:.4f} with those that ran"
)

# %% [markdown]
# ## Step 8 — The error frame
#
# `lh.error_frame(data, yhat, N_TIMESTEPS)` is the walkthrough's `df_out`, built once from arrays instead of column by column. We forecast from **every** input window, including the last ones, whose targets lie partly past the end of the data. Its contract:
#
# - one row per window, labelled with the window's **latest** row (`w + N_TIMESTEPS − 1`), so it lines up with the data;
# - `f{f}`: that latest actual value; `f{f}_t{t}_yhat`: the forecast `t + 1` rows ahead; `f{f}_t{t}_error`: actual − forecast, NaN where the target is past the end;
# - `t{t}_error_avg|med|min|max|rng`: mean, median, min, max and range of the horizon-`t` errors **across the features**.

# %%
yhat = model.predict(X_all, verbose=0)  # (1996, 5, 5): one forecast per input window
df_normal = lh.error_frame(data, yhat, N_TIMESTEPS)
print(df_normal.shape, "->", list(df_normal.columns[:7]), "...", list(df_normal.columns[-5:]))
df_normal.iloc[-7:, [0, 5, 30, 55, 56, 57, 58, 59]]

# %% [markdown]
# ## Step 9 — Mistake 3: aggregates that include each other
#
# The walkthrough computes each aggregate from "every column whose name contains `t0_error`". After it adds `t0_error_avg`, that name matches too, so the median it computes next includes the mean, the minimum includes the mean and the median, and so on. Here is the difference on our frame, rebuilding the walkthrough's order of operations:

# %%
wt = df_normal[[c for c in df_normal.columns if c.endswith("_error") and "_t0_" in c]].copy()
wt["t0_error_avg"] = wt[[c for c in wt.columns if "t0_error" in c]].mean(axis=1)
wt["t0_error_med"] = wt[[c for c in wt.columns if "t0_error" in c]].median(
    axis=1
)  # now includes the avg
moved = (wt["t0_error_med"] - df_normal["t0_error_med"]).abs()
print(
    f"median over 5 features + their mean vs over the 5 features: differs on {np.mean(moved > 1e-12):.0%} of rows"
)
print(
    f"largest difference: {moved.max():.2e} (errors themselves are about {df_normal['t0_error_avg'].abs().mean():.1e})"
)

# %% [markdown]
# `lh.error_frame` computes every aggregate from the feature errors only, on a contiguous array, before the frame exists, so no aggregate can see another.
#
# ## Step 10 — Errors by horizon on normal data
#
# The walkthrough expected the horizons to **stack**: one row ahead (`t0`) should be easier than five rows ahead (`t4`). We plot the mean error across features per horizon, and the spread of each horizon's errors. What we measure is different, and we report it: the horizons do not stack in order (t1 is the worst, t0 is not the best), and their spreads are nearly equal. Our data moves only about 0.0003 per row, so five rows ahead it has moved ≈0.001 while a 2-unit model's error is ≈0.005, mostly from how roughly it tracks each metric's level. The lines move together: the model's error is mostly a lag in following each metric's slow drift, the same for every horizon. The horizon would matter only once a model is good enough for the movement to dominate (try the exercise with more units).

# %%
avg_cols = [f"t{t}_error_avg" for t in range(N_TIMESTEPS)]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.5), gridspec_kw={"width_ratios": [3, 1]})
for t, col in enumerate(avg_cols):
    ax1.plot(df_normal.index, df_normal[col], lw=0.6, color=CYCLE[t], label=col)
ax1.set(
    title="Mean forecast error across features, per horizon (normal data)",
    xlabel="row",
    ylabel="actual - forecast",
)
ax1.legend(ncol=5, loc="upper right")
std_by_h = (
    df_normal[[f"f{f}_t{t}_error" for t in range(N_TIMESTEPS) for f in range(N_FEATURES)]]
    .std()
    .to_numpy()
)
ax2.bar(
    range(N_TIMESTEPS),
    std_by_h.reshape(N_TIMESTEPS, N_FEATURES).mean(axis=1),
    color=CYCLE[:N_TIMESTEPS],
)
ax2.set(
    title="Error std by horizon",
    xlabel="horizon t",
    ylabel="std of errors",
    xticks=range(N_TIMESTEPS),
)
plt.show()
print("mean |error| by horizon:", df_normal[avg_cols].abs().mean().round(5).tolist())

# %% [markdown]
# ## Step 11 — Let's break it: scoring the broken data
#
# In production a model trained on normal data scores what comes in, and is not retrained on it first. So we forecast the broken data with the model as it is, and build its error frame, `df_out`. Inside the broken segment the errors explode.

# %%
yhat_broken = model.predict(lh.make_windows(broken, N_TIMESTEPS), verbose=0)
df_out = lh.error_frame(broken, yhat_broken, N_TIMESTEPS)


def plot_error_avg(df, title):
    _, ax = plt.subplots()
    for t, col in enumerate(avg_cols):
        ax.plot(df.index, df[col], lw=0.5, color=CYCLE[t], label=col)
    shade_mask(ax, df.index, in_break[df.index], label="broken segment")
    ax.set(title=title, xlabel="row", ylabel="mean error across features")
    ax.legend(ncol=6, loc="upper right")
    plt.show()


plot_error_avg(df_out, "Broken data scored by the model trained on normal data")
t0_abs = df_out[t0].abs().to_numpy()  # (1996, 5), NaN in the last row
inside, outside = np.nanmean(t0_abs[in_rows]), np.nanmean(t0_abs[~in_rows])
print(
    f"t0 MAE inside the break {inside:.4f}, outside {outside:.4f}: {inside / outside:.0f}x higher"
)

# %% [markdown]
# **The walkthrough's variant** trains the model once more, on the broken data, before scoring it: one epoch. A model that keeps learning from what comes in adapts to an anomaly that lasts. We copy the trained model and retrain the copy one epoch at a time on the broken data, scoring it after each:

# %%
adapted = build_forecaster()
adapted.set_weights(model.get_weights())  # a copy of the trained model
Xb, Yb = lh.make_forecast_windows(broken, N_TIMESTEPS, N_TIMESTEPS)
X_broken_all = lh.make_windows(broken, N_TIMESTEPS)
rows = [{"retraining epochs": 0, "t0 MAE inside": inside, "t0 MAE outside": outside}]
for epoch in range(1, 6):
    adapted.fit(Xb, Yb, epochs=1, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    if epoch in (1, 5):
        err = (
            lh.error_frame(broken, adapted.predict(X_broken_all, verbose=0), N_TIMESTEPS)[t0]
            .abs()
            .to_numpy()
        )
        rows.append(
            {
                "retraining epochs": epoch,
                "t0 MAE inside": np.nanmean(err[in_rows]),
                "t0 MAE outside": np.nanmean(err[~in_rows]),
            }
        )
adaptation = pd.DataFrame(rows).set_index("retraining epochs")
adaptation["ratio"] = adaptation["t0 MAE inside"] / adaptation["t0 MAE outside"]
adaptation.round(4)

# %% [markdown]
# After the walkthrough's single epoch the contrast drops, from about 57× to under 40×, and mostly because the *normal* rows got worse: the model has been pulled towards the noise. The error inside the break hardly moves, because nothing can forecast uniform noise (the best possible forecast, its mean 0.5, still has an error of 0.25). With more epochs the model recovers on the normal rows, and this blatant anomaly stays visible. A subtler one, a level shift or two metrics that stop moving together, *can* be learnt, and would fade from the errors as the model adapts: retraining turns a lasting anomaly into the new normal. Score with a model trained on checked, normal data, and retrain it only on data you have checked.
#
# ## Step 12 — One anomaly signal, a threshold, and an evaluation
#
# Per row, average the absolute one-row-ahead (`t0`) errors over the features. The threshold comes from the **normal** data's scores only: mean + 3·std. The walkthrough stopped at the plot; we flag rows and compare them with the truth, the rows of the broken segment, using precision (how many flags are right), recall (how much of the break is found) and F1 (their harmonic mean), from `lh.precision_recall_f1`.

# %%
score_normal = np.abs(df_normal[t0].to_numpy()).mean(axis=1)[:-1]  # drop the last row: no target
score_broken = np.nan_to_num(t0_abs.mean(axis=1), nan=0.0)
K = 3.0
signal_threshold = lh.mean_std_threshold(score_normal, k=K)
flagged_rows = score_broken > signal_threshold
metrics = lh.precision_recall_f1(flagged_rows, in_rows)
print(f"threshold {signal_threshold:.4f}; {flagged_rows.sum()} rows flagged")
print({k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()})

fig, ax = plt.subplots()
ax.plot(
    df_out.index,
    score_broken,
    color=COLORS["orange"],
    lw=0.6,
    label="anomaly signal (t0 |error|, mean over features)",
)
ax.axhline(
    signal_threshold,
    color=COLORS["vermillion"],
    ls="--",
    label=f"threshold (normal mean + {K:g} std)",
)
shade_mask(ax, df_out.index, in_rows, label="broken segment")
ax.set_yscale("log")
ax.set(title="Anomaly signal on the broken data", xlabel="row", ylabel="score (log scale)")
ax.legend(loc="lower center", ncol=3)
plt.show()

# %% [markdown]
# The few errors sit at the edges of the segment: a window that ends just before the break already forecasts broken rows, and windows keep seeing broken inputs for a few rows after it. Errors label the **latest** row of each window, so they lead and lag the truth by up to `N_TIMESTEPS` rows.
#
# ## Sanity checks

# %%
# The errors explode where the data breaks.
assert inside >= 20 * outside, (inside, outside)
# The flagged rows match the broken segment.
assert metrics["f1"] >= 0.95, metrics
# df_out is the broken data's error frame, with exactly the column contract.
F, H = range(N_FEATURES), range(N_TIMESTEPS)
expected = (
    [f"f{f}" for f in F]
    + [f"f{f}_t{t}_yhat" for f in F for t in H]
    + [f"f{f}_t{t}_error" for f in F for t in H]
    + [f"t{t}_error_{a}" for t in H for a in ("avg", "med", "min", "max", "rng")]
)
assert list(df_out.columns) == expected
assert df_out.index[0] == N_TIMESTEPS - 1 and len(df_out) == N_DATA - N_TIMESTEPS + 1
assert np.array_equal(df_out[[f"f{f}" for f in F]].to_numpy(), broken[N_TIMESTEPS - 1 :])
w = 100  # spot-check one error against its definition: actual t+1 rows after the window - forecast
assert np.isclose(
    df_out.loc[w + N_TIMESTEPS - 1, "f3_t2_error"],
    broken[w + N_TIMESTEPS + 2, 3] - yhat_broken[w, 2, 3],
)
assert df_out.iloc[-1][[f"f{f}_t0_error" for f in F]].isna().all()
# The thresholds saw normal data only, and the declared settings really do under-train.
assert signal_threshold == lh.mean_std_threshold(score_normal, k=K)
assert declared_mae > 5 * train_mae


# Reproducible: two fresh, equally seeded models trained on the same data end bit-for-bit equal.
def brief_training():
    m = build_forecaster()
    m.fit(X_train[:500], Y_train[:500], epochs=1, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    return m.get_weights()


assert all(np.array_equal(a, b) for a, b in zip(brief_training(), brief_training(), strict=True))
print("All sanity checks passed.")

# %% [markdown]
# ## Recap
#
# - A multi-step forecaster needs inputs *and* targets: `make_forecast_windows` gives the last `n` rows and the next `n` rows. Training `fit(X, X)` and scoring the output as a forecast mixes two different questions; even a perfect reconstruction gets "errors", which only measure how far the series moved.
# - Long and wide frames make model-shaped arrays inspectable; built with vectorised pandas, the round trip is lossless.
# - An error frame lines each window up with its latest row, with forecasts, errors and aggregates per feature and horizon. Aggregate over the feature errors only.
# - Validate layouts by construction, and test with `n_timesteps ≠ n_features`, or a transposed window can hide.
# - Training settings that are declared but not passed are a silent bug: under-trained models look fine until you measure them.
# - Score new data with a model trained on normal data; one that keeps retraining on an anomaly learns to accept it.
#
# Next, **notebook 3** runs both methods on real, labelled data.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer. Worked solutions: [solutions/02_multivariate_multistep_forecaster_solutions.ipynb](solutions/02_multivariate_multistep_forecaster_solutions.ipynb).
