# %% [markdown]
# # 📃 Solutions · 2 · Many metrics, many steps ahead
#
# Worked solutions to the exercises of [notebook 2](../02_multivariate_multistep_forecaster.ipynb). Try each exercise there first. The first cell below runs that notebook in this kernel, so every name it defines is here, as it is for a learner who reaches its exercises; then each exercise's starter is followed by its solution.

# %%
# Run the tutorial in this kernel, its outputs hidden: every name it defines is now here.
# ruff: noqa: F821, RUF100 (the names come from that run, not from the cells here)
from IPython import get_ipython
from IPython.utils.capture import capture_output

with capture_output():
    get_ipython().run_line_magic("run", "../02_multivariate_multistep_forecaster.ipynb")
print(f"notebook 2 ran with seed {SEED}; its LSTM's skill by horizon: {skill.round(3).tolist()}")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — An encoder–decoder with `RepeatVector`
#
# **Goal.** Build the other classic multi-step forecaster: an LSTM encoder reads the window into one state, `keras.layers.RepeatVector(N_HORIZON)` hands that state to every horizon, an LSTM decoder with `return_sequences=True` unrolls it, and a `Dense(N_FEATURES)` reads each step out.
#
# **Starting point.** Build it with input shape `(N_IN, N_FEATURES)`, seed with `keras.utils.set_random_seed(SEED)`, and train it like the notebook's `model`: `train_forecaster(ex1_model, train_z, held_z)` (it compiles, fits and stops early on the held-out part). Then compute its skill per horizon on the calibration part as in Step 13, with `horizon_mae(ex1_model, X_cal, Y_cal, 0.0)`.
#
# **How to check.** `ex1_model.output_shape` is `(None, N_HORIZON, N_FEATURES)`; `ex1_skill` is a Series indexed by horizon. Is it positive everywhere? Better or worse than the notebook's `skill`? Which of the two models would you keep, and which data may decide it?

# %% tags=["starter"]
ex1_units = 16  # units of the encoder and of the decoder
ex1_model = None  # your code here: the encoder-decoder, trained with train_forecaster
ex1_skill = None  # your code here: a Series of skill vs persistence on calibration, by horizon

# %% [markdown]
# #### 📃 Solution 1

# %%
keras.utils.set_random_seed(SEED)
ex1_model = keras.Sequential([
    keras.Input(shape=(N_IN, N_FEATURES)),
    keras.layers.LSTM(ex1_units),
    keras.layers.RepeatVector(N_HORIZON),
    keras.layers.LSTM(ex1_units, return_sequences=True),
    keras.layers.Dense(N_FEATURES),
])  # fmt: skip
ex1_history = train_forecaster(ex1_model, train_z, held_z)
ex1_mae = horizon_mae(ex1_model, X_cal, Y_cal, 0.0)
ex1_skill = 1 - ex1_mae["model"] / ex1_mae["persistence"]
assert ex1_model.output_shape == (None, N_HORIZON, N_FEATURES)
display(pd.DataFrame({"dense head": skill, "encoder-decoder": ex1_skill}).round(3))
ex1_better = [h for h in ex1_skill.index if ex1_skill[h] > skill[h]]
print(f"encoder-decoder: skill positive at every horizon: {bool((ex1_skill > 0).all())}; "
      f"better than the dense head at horizons {ex1_better or 'none'}")  # fmt: skip
ex1_held = {"dense head": min(history.history["val_loss"]),
            "encoder-decoder": min(ex1_history.history["val_loss"])}  # fmt: skip
print(f"best held-out loss: dense head {ex1_held['dense head']:.4f}, encoder-decoder "
      f"{ex1_held['encoder-decoder']:.4f}; keep the {min(ex1_held, key=ex1_held.get)}")  # fmt: skip

# %% [markdown]
# Both architectures condition every horizon on the whole window; the printout says where each beats persistence and which has the lower held-out loss. The decoder adds a recurrence over the horizons, which pays off when the forecast path has structure of its own; with a short horizon and a small state (`ex1_units`) the simpler dense head is hard to beat. Choose between them on the **held-out loss**, normal data that neither model trained on, never on the calibration skill you report or on test labels. Try more units in `ex1_units`.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — Which horizon sees the decoupling best?
#
# **Goal.** The notebook scores the LSTM by its one-step errors (horizon 0). Score the test part with each horizon alone, in the same way, and compare their PR-AUCs.
#
# **Starting point.** The test part with its decoupled spans, `anomalous`; its labels on the scored rows, `truth`; and the first scored row, `FIRST`. Horizon `h`'s score, built exactly like the notebook's, is
#
# ```python
# forecast_score(lstm_errors(model, anomalous, h), lstm_errors(model, held_z, h)).iloc[FIRST:]
# ```
#
# and `lh.pr_auc(truth, score)` gives its PR-AUC.
#
# **How to check.** `ex2_pr_auc` is a Series indexed by horizon, each value between 0 and 1; its value at horizon 0 is the LSTM's PR-AUC in `seed_table`. Is the one-step score the best? Could you pick the best horizon from this table?

# %% tags=["starter"]
ex2_pr_auc = None  # your code here: PR-AUC of each horizon's score, a Series indexed by horizon

# %% [markdown]
# #### 📃 Solution 2

# %%
ex2_scores = {
    h: forecast_score(lstm_errors(model, anomalous, h), lstm_errors(model, held_z, h))
    for h in range(N_HORIZON)
}
ex2_pr_auc = pd.Series({h: lh.pr_auc(truth, s.iloc[FIRST:]) for h, s in ex2_scores.items()})
ex2_pr_auc = ex2_pr_auc.rename_axis("horizon").rename("PR-AUC")
display(ex2_pr_auc.round(3).to_frame())
assert ex2_pr_auc.between(0, 1).all()
assert np.isclose(ex2_pr_auc[0], seed_table.loc["LSTM", "pr_auc"])
ex2_best = int(ex2_pr_auc.idxmax())
print(f"best horizon on this test part: {ex2_best} (PR-AUC {ex2_pr_auc.max():.3f}); "
      f"one step ahead {ex2_pr_auc[0]:.3f}")  # fmt: skip

# %% [markdown]
# Every horizon's error is about the same rows (target time), but made from windows that ended earlier for longer horizons, so long-horizon errors carry more of what happened since the window ended; that noise is the same in normal and decoupled stretches. The printout says which horizon did best on this test part; it need not be the one-step score, and a longer horizon can even beat the VAR's PR-AUC in `seed_table`. Do **not** pick the horizon from this table: it is computed with the test labels, so choosing the best horizon here and reporting its PR-AUC would be peeking. Choose without test labels (one step ahead, for the reasons of Step 16; or on labelled validation spans of another series), then measure once. And with two spans on one seed, a gap between horizons may not hold on the next seed: rerun the notebook with `LSTM_TUTORIAL_SEED=0` to see.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — A stronger univariate baseline: a linear forecaster per metric
#
# **Goal.** Persistence is the weakest forecaster. Put the **per-metric autoregression** of Step 14 (each metric from its own last `N_IN` rows) through the protocol of Step 16 and judge it against its own null. Does a good univariate forecaster see the decoupling?
#
# **Starting point.** `fit_linear(train_z, per_metric=True)` gives its weights and `linear_errors(weights, series, per_metric=True)` its one-step errors on any part; `forecast_score(errors, held_errors)` turns errors into the notebook's score, with the held-out part's errors for the scales. Threshold with `lh.max_threshold` of its score on `cal_z`; on the test part `anomalous`, keep the rows from `FIRST` on and call `lh.rotation_null(SPANS, score, threshold, n_rotations=N_ROTATIONS)`: its result holds `pr_auc`, `pr_auc_p` and `event_f1`.
#
# **How to check.** `ex3_null.pr_auc` lies in [0, 1]. Compare it with the VAR's and the persistence row of `seed_table`, and with the floor of a constant score, `truth.mean()`.

# %% tags=["starter"]
ex3_weights = None  # your code here: the per-metric AR's weights, fitted on train_z
ex3_null = None  # your code here: lh.rotation_null of its test score, with its threshold

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_weights = fit_linear(train_z, per_metric=True)
ex3_held = linear_errors(ex3_weights, held_z, per_metric=True)
ex3_cal_score = forecast_score(linear_errors(ex3_weights, cal_z, per_metric=True), ex3_held)
ex3_score = forecast_score(linear_errors(ex3_weights, anomalous, per_metric=True), ex3_held)
ex3_threshold = lh.max_threshold(ex3_cal_score)
ex3_null = lh.rotation_null(SPANS, ex3_score.iloc[FIRST:], ex3_threshold, n_rotations=N_ROTATIONS)
assert 0 <= ex3_null.pr_auc <= 1
print(f"per-metric AR: PR-AUC {ex3_null.pr_auc:.3f} (own null p = {ex3_null.pr_auc_p:.3f}), "
      f"event F1 {ex3_null.event_f1:.2f}")  # fmt: skip
print(f"VAR: PR-AUC {seed_table.loc['VAR', 'pr_auc']:.3f}; persistence "
      f"{seed_table.loc['persistence', 'pr_auc']:.3f}; constant score {truth.mean():.3f}")  # fmt: skip

# %% [markdown]
# A decoupled metric is replaced by its own values from another time, so a forecaster that reads only that metric's past finds its usual dynamics and forecasts it about as well as ever. However good it is, it cannot know where the *other* metrics say this metric should be. The printout shows what that knowledge is worth: the VAR, the same linear forecaster given every metric's past, against the per-metric one near the floor of a constant score (the printout shows on which side of it). Its own null says whether it sees anything at all; with two spans per test part, read that p-value coarsely, and a single seed cannot settle it (Going further, "A p-value from two spans").
