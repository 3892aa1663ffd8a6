# %% [markdown]
# # 📃 Solutions · 4 · Thresholds and evaluation
#
# Worked solutions to the exercises of [notebook 4](../04_thresholds_and_evaluation.ipynb). Try each exercise there first. The first cell below runs that notebook in this kernel, so every name it defines is here, as it is for a learner who reaches its exercises; then each exercise's starter is followed by its solution. The numbers depend on the seed and a little on the machine; what the checks below assert does not.

# %%
# Run the tutorial in this kernel, its outputs hidden: every name it defines is now here.
from IPython import get_ipython
from IPython.utils.capture import capture_output

with capture_output():
    get_ipython().run_line_magic("run", "../04_thresholds_and_evaluation.ipynb")
print(
    f"notebook 4 ran with seeds {SEEDS}: {len(RESULTS)} protocol results, "
    f"{len(DYNAMIC)} dynamic-threshold results"
)

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — Telemanom's error buffer
#
# **Goal.** See how much of the dynamic threshold's result comes from one setting chosen for other data: the **error buffer**, which widens every flagged point by that many points on each side. Telemanom's 100 points were chosen for spacecraft telemetry; on the taxi's hourly counts they are four days either side.
#
# **Starting point.** Step 6's function `dynamic(name, detector, seed, **departures)` runs Telemanom on one detector's test errors; pass `error_buffer=...` to change the buffer. Run it for the LSTM's first seed (`SEEDS[0]`) on `"NYC taxi"`, for each buffer in `ex1_buffers`.
#
# **How to check.** `ex1_table` has one row per buffer and the columns `flagged share`, `alarms` (`lh.event_metrics(...)["n_alarms"]`), `event F1`, `point F1` (`lh.point_metrics` against `lh.span_mask(flags.index, SPANS[name])`) and `NAB standard` (`nab.score(SPANS[name], flags, probation_fraction=0.0).normalised`). Which metric moves the most? The table reads the test labels, so it shows what the buffer does; it must not be how you choose the buffer.

# %% tags=["starter"]
ex1_buffers = [1, 10, 100]
ex1_name = "NYC taxi"
ex1_table = (
    None  # your code here: one row per buffer (flagged share, alarms, event F1, point F1, NAB)
)

# %% [markdown]
# #### 📃 Solution 1

# %%
ex1_rows = {}
for ex1_buffer in ex1_buffers:
    ex1_flags = dynamic(ex1_name, "LSTM", SEEDS[0], error_buffer=ex1_buffer).flags
    ex1_events = lh.event_metrics(SPANS[ex1_name], ex1_flags)
    ex1_truth = lh.span_mask(ex1_flags.index, SPANS[ex1_name])
    ex1_rows[ex1_buffer] = {
        "flagged share": ex1_flags.mean(),
        "alarms": ex1_events["n_alarms"],
        "event F1": ex1_events["f1"],
        "point F1": lh.point_metrics(ex1_truth, ex1_flags)["f1"],
        "NAB standard": nab.score(SPANS[ex1_name], ex1_flags, probation_fraction=0.0).normalised,
    }
ex1_table = pd.DataFrame.from_dict(ex1_rows, orient="index").rename_axis("error buffer")
display(ex1_table.round(3))
print(
    f"From buffer {ex1_buffers[0]} to {ex1_buffers[-1]}: flagged share "
    f"{ex1_table['flagged share'].iloc[0]:.1%} -> {ex1_table['flagged share'].iloc[-1]:.1%}, "
    f"point F1 {ex1_table['point F1'].iloc[0]:.3f} -> {ex1_table['point F1'].iloc[-1]:.3f}, "
    f"NAB {ex1_table['NAB standard'].iloc[0]:.1f} -> {ex1_table['NAB standard'].iloc[-1]:.1f}."
)
assert list(ex1_table.index) == ex1_buffers
# Telemanom's own buffer (100) reproduces Step 6's result for this seed.
ex1_step6 = DYNAMIC[(DYNAMIC["series"] == ex1_name) & (DYNAMIC["seed"] == SEEDS[0])]
assert ex1_table.loc[100, "event F1"] == ex1_step6["event_f1"].item()

# %% [markdown]
# The buffer decides how many points each burst claims. A wide buffer turns a burst into a long alarm: point recall inside NAB's long spans rises, while NAB charges every flagged point outside a span. Choose the buffer from the sampling rate and the length of the events you care about, or on calibration data, never on the test labels.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — A threshold for an alarm budget
#
# **Goal.** Operators state what they can bear: "at most one alarm a week". Turn that budget into a threshold on calibration data, then see whether the test period keeps it.
#
# **Starting point.** The LSTM's smoothed taxi scores, `SMOOTHED["NYC taxi", "calibration max", "LSTM", SEEDS[0]]`, and the periods `PROTOCOL["NYC taxi"].calibration` and `.test`. An alarm is a run of consecutive flags (`lh.alarms(flags)` lists them). For each quantile in `ex2_quantiles`, set the threshold at that quantile of the calibration scores and count the alarms it raises on the calibration period, per week.
#
# **How to check.** `ex2_q` is the smallest quantile whose calibration alarms per week are within `ex2_budget_per_week`; `ex2_test_alarms_per_week` is the false alarms (`lh.event_metrics(SPANS["NYC taxi"], flags)["fp"]`) per week of the test period at that threshold. Did the budget hold?

# %% tags=["starter"]
ex2_budget_per_week = 1.0
ex2_quantiles = np.linspace(0.95, 0.999, 50)
ex2_q = None  # your code here: the smallest quantile within the budget on calibration
ex2_test_alarms_per_week = None  # your code here: false alarms per week in the test period

# %% [markdown]
# #### 📃 Solution 2

# %%
ex2_score = SMOOTHED["NYC taxi", "calibration max", "LSTM", SEEDS[0]]
ex2_cal = ex2_score[PROTOCOL["NYC taxi"].calibration]
ex2_test = ex2_score[PROTOCOL["NYC taxi"].test]
ex2_cal_weeks = (ex2_cal.index[-1] - ex2_cal.index[0]) / pd.Timedelta(weeks=1)
ex2_per_week = pd.Series(
    [len(lh.alarms(ex2_cal > ex2_cal.quantile(q))) / ex2_cal_weeks for q in ex2_quantiles],
    index=ex2_quantiles,
)
ex2_q = float(ex2_per_week[ex2_per_week <= ex2_budget_per_week].index.min())
ex2_threshold = ex2_cal.quantile(ex2_q)
ex2_events = lh.event_metrics(SPANS["NYC taxi"], ex2_test > ex2_threshold)
ex2_test_weeks = (ex2_test.index[-1] - ex2_test.index[0]) / pd.Timedelta(weeks=1)
ex2_test_alarms_per_week = ex2_events["fp"] / ex2_test_weeks

ex2_fig, ex2_ax = plt.subplots(figsize=(8, 3.5))
ex2_ax.plot(
    ex2_quantiles, ex2_per_week, color=lh.COLORS["blue"], label="calibration alarms per week"
)
ex2_ax.axhline(ex2_budget_per_week, color=lh.COLORS["vermillion"], ls="--", label="budget")
ex2_ax.axvline(ex2_q, color=lh.COLORS["green"], ls=":", label=f"chosen quantile {ex2_q:.4f}")
ex2_ax.set(
    title="NYC taxi, LSTM: calibration alarms per week against the quantile",
    xlabel="quantile of the calibration scores",
    ylabel="alarms per week",
)
ex2_ax.legend()
plt.show()
print(
    f"Quantile {ex2_q:.4f} (threshold {ex2_threshold:.3f}) raises {ex2_per_week[ex2_q]:.2f} alarms "
    f"a week on calibration and {ex2_test_alarms_per_week:.2f} false alarms a week on the test "
    f"period, finding {ex2_events['tp']} of {len(SPANS['NYC taxi'])} spans: the budget "
    f"{'held' if ex2_test_alarms_per_week <= ex2_budget_per_week else 'did not hold'}."
)
assert ex2_per_week[ex2_q] <= ex2_budget_per_week

# %% [markdown]
# A budget counts alarms, not points: runs are what an operator feels. Whether it holds depends on whether calibration was representative: the taxi's test period covers November to January, which September and October did not show the model. Compare the two rates before promising a budget.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — Why the point-adjust trap works
#
# **Goal.** Test Step 8's explanation: point adjustment flatters random scores because NAB's spans are long.
#
# **Starting point.** Shorten every taxi span to `ex3_hours` hours on each side of its centre (NAB centres its spans on the labelled event). On the test period, compute `best_f1` (Step 8) without and with adjustment, for the LSTM's first seed (`SMOOTHED["NYC taxi", "calibration max", "LSTM", SEEDS[0]]`) and for coin flips (`np.random.default_rng(SEEDS[0]).random(n)`), against the full spans and against the short ones.
#
# **How to check.** `ex3_table` has rows `(spans, detector)` and the columns `best F1` and `best point-adjusted F1`. Which figure falls the most when the spans shrink?

# %% tags=["starter"]
ex3_hours = 2
ex3_spans = None  # your code here: the shortened (start, end) spans of NYC taxi
ex3_table = None  # your code here: best F1 and best point-adjusted F1, full and short spans

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_half = pd.Timedelta(hours=ex3_hours)
ex3_spans = [(a + (b - a) / 2 - ex3_half, a + (b - a) / 2 + ex3_half) for a, b in SPANS["NYC taxi"]]
ex3_test = PROTOCOL["NYC taxi"].test
ex3_scores = {
    "LSTM": SMOOTHED["NYC taxi", "calibration max", "LSTM", SEEDS[0]][ex3_test].to_numpy(),
    "coin flips": np.random.default_rng(SEEDS[0]).random(len(ex3_test)),
}
ex3_rows = {}
for ex3_label, ex3_spanset in (("NAB spans", SPANS["NYC taxi"]), (f"±{ex3_hours} h", ex3_spans)):
    ex3_truth = lh.span_mask(ex3_test, ex3_spanset).to_numpy()
    for ex3_detector, ex3_score in ex3_scores.items():
        ex3_rows[ex3_label, ex3_detector] = {
            "best F1": best_f1(ex3_truth, ex3_score, adjust=False),
            "best point-adjusted F1": best_f1(ex3_truth, ex3_score, adjust=True),
        }
ex3_table = pd.DataFrame.from_dict(ex3_rows, orient="index")
display(ex3_table.round(3))
ex3_coin = ex3_table.xs("coin flips", level=1)["best point-adjusted F1"]
print(
    f"Coin flips' best point-adjusted F1: {ex3_coin['NAB spans']:.3f} on NAB's spans, "
    f"{ex3_coin[f'±{ex3_hours} h']:.3f} on ±{ex3_hours} h spans."
)
assert (ex3_table["best point-adjusted F1"] >= ex3_table["best F1"]).all()

# %% [markdown]
# With short spans one lucky flag earns only a few points, so adjustment can no longer turn scattered coin flips into a near-perfect score. The unadjusted F1 falls for a different reason: with fewer labelled points, every detector's precision is harder to earn.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 4 — Tuning k on the NAB score, and why you should not
#
# **Goal.** See which threshold each NAB profile prefers, and what choosing it with the test labels would mean.
#
# **Starting point.** The machine temperature LSTM's smoothed scores, `SMOOTHED["machine temperature", "calibration max", "LSTM", SEEDS[0]]`. For each `k` in `ex4_ks`, set the threshold at mean + k·std of the calibration scores (`lh.mean_std_threshold`), flag the test period, and score it with `nab.score(SPANS[name], flags, profile, probation_fraction=0.0)` under each profile of `nab.PROFILES`.
#
# **How to check.** `ex4_table` has one row per k and one column per profile (normalised NAB scores). Which k does each profile prefer? If you reported each profile's best score, what would you be doing that NAB's own optimiser also does?

# %% tags=["starter"]
ex4_ks = [2.0, 3.0, 4.0, 6.0, 8.0, 12.0]
ex4_table = None  # your code here: normalised NAB score per k (rows) and profile (columns)

# %% [markdown]
# #### 📃 Solution 4

# %%
ex4_name = "machine temperature"
ex4_score = SMOOTHED[ex4_name, "calibration max", "LSTM", SEEDS[0]]
ex4_cal = ex4_score[PROTOCOL[ex4_name].calibration]
ex4_test = ex4_score[PROTOCOL[ex4_name].test]
ex4_table = pd.DataFrame(
    {
        ex4_profile: [
            nab.score(
                SPANS[ex4_name],
                ex4_test > lh.mean_std_threshold(ex4_cal, k=ex4_k),
                ex4_profile,
                probation_fraction=0.0,
            ).normalised
            for ex4_k in ex4_ks
        ]
        for ex4_profile in nab.PROFILES
    },
    index=pd.Index(ex4_ks, name="k"),
)
display(ex4_table.round(1))
ex4_best = ex4_table.idxmax()
print(
    "Best k per profile: "
    + ", ".join(
        f"{ex4_p} {ex4_k:g} ({ex4_table.loc[ex4_k, ex4_p]:.1f})"
        for ex4_p, ex4_k in ex4_best.items()
    )
    + (": all profiles pick the same k." if ex4_best.nunique() == 1 else ": the profiles disagree.")
)
assert ex4_table.shape == (len(ex4_ks), len(nab.PROFILES))

# %% [markdown]
# A profile that charges false positives more (`reward_low_FP_rate`) punishes a low k, which flags many points, the hardest. Picking k per profile from this table uses the test labels to set the threshold, which is what NAB's optimiser does across its corpus: the best score in each column is an optimistic figure, not a prediction. Report the score at a threshold fixed beforehand, from calibration data, and use the table only to understand the profiles.
