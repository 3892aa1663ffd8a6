# %% [markdown]
# # 📃 Solutions · 3 · Real data (NAB)
#
# Worked solutions to the exercises of [notebook 3](../03_real_data_nab.ipynb). Try each exercise there first. The first cell below runs that notebook in this kernel, so every name it defines is here, as it is for a learner who reaches its exercises; then each exercise's starter is followed by its solution. The exact numbers depend on the machine and the seeds; what the checks below assert does not.

# %%
# Run the tutorial in this kernel, its outputs hidden: every name it defines is now here.
from IPython import get_ipython
from IPython.utils.capture import capture_output

with capture_output():
    get_ipython().run_line_magic("run", "../03_real_data_nab.ipynb")
print(f"notebook 3 ran: {len(results)} rows in its results table, LSTM seeds {SEEDS}")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — Another NAB series, the same protocol
#
# **Goal.** Find out whether the protocol carries over, unchanged, to a series it was not designed on, and what the verdicts say there.
#
# **Starting point.** NAB's `artificialWithAnomaly/art_daily_jumpsup.csv` is a synthetic daily pattern, every 5 minutes for two weeks, whose level jumps up in its one labelled span. `make_protocol(name)` (Step 3) gives its protocol `p`, its cleaning report and its window length `T`. Score it with every detector of `SIMPLE` (`score_of(p)`) and every one of `LSTMS` (`train(p, T, seed)` returns the score and the fit) for each seed in `SEEDS`, and turn each into a row with `p.run(detector, scores, seed)`, as Step 6 does.
#
# **How to check.** Every row's `spans_found`, `event_f1_null_p` and `false_alarms_per_day`; then `lh.verdict(lstm_values, baseline_values)` of each LSTM against each baseline, on `event_f1`. Is the one span found by every detector? Which detectors are distinguishable from chance, with one span to find?

# %% tags=["starter"]
ex1_name = "artificialWithAnomaly/art_daily_jumpsup.csv"
ex1_p, ex1_report, ex1_T = None, None, None  # your code here: make_protocol(ex1_name)
ex1_rows = []  # your code here: one ex1_p.run(...) row per baseline, and per LSTM and seed
ex1_results = pd.DataFrame(ex1_rows)
ex1_results

# %% [markdown]
# #### 📃 Solution 1

# %%
ex1_p, ex1_report, ex1_T = make_protocol(ex1_name)
print(ex1_report)
print(
    f"T = {ex1_T}; fit {len(ex1_p.fit)} points, calibration {len(ex1_p.calibration)}, test {len(ex1_p.test)}"
)
ex1_rows = [ex1_p.run(ex1_detector, ex1_f(ex1_p)) for ex1_detector, ex1_f in SIMPLE.items()]
ex1_fits = {}
for ex1_detector, ex1_train in LSTMS.items():
    for ex1_seed in SEEDS:
        ex1_score, ex1_fits[ex1_detector, ex1_seed] = ex1_train(ex1_p, ex1_T, ex1_seed)
        ex1_rows.append(ex1_p.run(ex1_detector, ex1_score, ex1_seed))
ex1_results = pd.DataFrame(ex1_rows)
ex1_columns = ["detector", "seed", "variant", "smoothing", "spans_found", "event_f1"]
ex1_columns += ["event_f1_null_p", "pr_auc", "pr_auc_null_p", "false_alarms_per_day"]
ex1_results[ex1_columns].round(3)

# %%
ex1_verdicts = pd.DataFrame(
    [
        {
            "LSTM": ex1_lstm,
            "baseline": ex1_base,
            "verdict": lh.verdict(
                ex1_results.loc[ex1_results["detector"] == ex1_lstm, "event_f1"],
                ex1_results.loc[ex1_results["detector"] == ex1_base, "event_f1"],
            ),
        }
        for ex1_lstm in LSTMS
        for ex1_base in SIMPLE
    ]
)
print(ex1_verdicts.pivot(index="LSTM", columns="baseline", values="verdict").to_string())
ex1_found = (ex1_results["spans_found"] == "1/1").sum()
ex1_beats = ex1_results.loc[ex1_results["event_f1_null_p"] < 0.05, "detector"].unique()
print(
    f"{ex1_found} of {len(ex1_results)} rows find the one span; distinguishable from chance "
    f"by event F1 (p < 0.05) on at least one seed: {', '.join(ex1_beats) or 'none'}"
)

# The same protocol as notebook 3: periods in time order, the span in the test period; every
# LSTM trained with early stopping on held-out normal windows, restarts kept on held-out loss.
assert ex1_p.fit[-1] < ex1_p.calibration[0] and ex1_p.calibration[-1] < ex1_p.test[0]
assert ex1_p.test[0] < ex1_p.spans[0][0]
for ex1_fit in ex1_fits.values():
    ex1_fit.check()
assert len(ex1_results) == len(SIMPLE) + len(LSTMS) * len(SEEDS)

# %% [markdown]
# The protocol carries over with no change: `make_protocol` cleans the series, `T` comes from the window-length rule and every detector goes through the same choices and threshold. Read the p-values before the verdicts: with a single span in the test period, any rotation that happens to put an alarm on it scores as well as the detector, so a detector that finds the span can still be indistinguishable from chance; read `event_f1_null_p` beside `spans_found`. One series with one span says little; the corpus (notebook 6) ranks detectors over many.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — A different threshold rule
#
# **Goal.** See what the threshold rule alone changes, with every detector's scores held fixed.
#
# **Starting point.** The protocol sets every threshold at the largest smoothed score of the calibration part (`lh.max_threshold`). `p.run(detector, scores, seed, threshold_rule=rule)` takes any function of the calibration scores that returns a threshold. Rerun every row of `results` with the 99 % quantile of the calibration scores (`lh.quantile_threshold(scores, q)`), taking each row's scores from `SCORES[series, detector, seed]` (the seed is `None` for a baseline) and its protocol from `PROTOCOLS[series]`.
#
# **How to check.** Compare `false_alarms_per_day`, `event_recall` and `event_f1` with `results`. Which detectors gain recall, and what does it cost? Why can PR-AUC not change? Does any row's null p-value change?

# %% tags=["starter"]
ex2_q = 0.99  # the quantile of the calibration scores to try
ex2_rule = None  # your code here: a function of the calibration scores that returns a threshold
ex2_rows = []  # your code here: PROTOCOLS[series].run(..., threshold_rule=ex2_rule) for every row
ex2_results = pd.DataFrame(ex2_rows)
ex2_results

# %% [markdown]
# #### 📃 Solution 2


# %%
def ex2_rule(scores):  # noqa: F811 (the starter's placeholder)
    return lh.quantile_threshold(scores, ex2_q)


ex2_rows = []
for ex2_r in results.itertuples():
    ex2_seed = None if pd.isna(ex2_r.seed) else ex2_r.seed
    ex2_scores = SCORES[ex2_r.series, ex2_r.detector, ex2_seed]
    ex2_row = PROTOCOLS[ex2_r.series].run(
        ex2_r.detector, ex2_scores, ex2_seed, threshold_rule=ex2_rule
    )
    ex2_rows.append({"series": ex2_r.series} | ex2_row)
ex2_results = pd.DataFrame(ex2_rows)
ex2_compare = pd.DataFrame(
    {
        "series": results["series"],
        "detector": results["detector"],
        "recall (max)": results["event_recall"],
        f"recall (q={ex2_q})": ex2_results["event_recall"],
        "false alarms/day (max)": results["false_alarms_per_day"],
        f"false alarms/day (q={ex2_q})": ex2_results["false_alarms_per_day"],
        "event F1 (max)": results["event_f1"],
        f"event F1 (q={ex2_q})": ex2_results["event_f1"],
    }
)
print(
    ex2_compare.groupby(["series", "detector"], sort=False)
    .mean(numeric_only=True)
    .round(3)
    .to_string()
)

# A lower threshold flags a superset of the points: recall and false alarms can only grow;
# choices (variant, smoothing) and PR-AUC do not depend on the threshold rule.
assert (ex2_results["threshold"] <= results["threshold"]).all()
assert (ex2_results["event_recall"] >= results["event_recall"]).all()
assert (
    ex2_results[["variant", "smoothing"]].to_numpy() == results[["variant", "smoothing"]].to_numpy()
).all()
assert np.allclose(ex2_results["pr_auc"], results["pr_auc"], equal_nan=True)

# %% [markdown]
# A quantile below the maximum lowers every threshold, so recall can only rise. False alarms mostly rise with it, but their count can also fall: a lower threshold can join two alarms into one. The printed table (means over seeds for the LSTMs) shows what each detector gains and pays on each series. PR-AUC cannot change: it ranks the smoothed scores without any threshold, and the variant and smoothing are chosen before the threshold rule is applied. The null p-values of event F1 can change: each row's rotations are judged with its new threshold.
#
# A threshold rule is a promise about normal data: a 99 % quantile of the calibration scores expects about 1 % of normal points above it. Notebook 4 makes that promise explicit as an *alarm budget*.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — Are three seeds enough?
#
# **Goal.** Test the verdicts on machine temperature against more luck: do they survive three more seeds?
#
# **Starting point.** `PROTOCOLS["machine temperature"]` and `T["machine temperature"]`; train each of `LSTMS` for seeds 3, 4 and 5 (`train(p, T, seed)`), turn each into a row with `p.run(detector, score, seed)`, and put the new rows beside the machine-temperature rows of `results`.
#
# **How to check.** `lh.verdict` of each LSTM against each baseline of `SIMPLE`, on `event_f1` and `pr_auc`, with three seeds and with six. Did the seeds' spread grow? Can a verdict go from "win" or "loss" to "tie" with more seeds? Can it go the other way?

# %% tags=["starter"]
ex3_label = "machine temperature"
ex3_seeds = (3, 4, 5)
ex3_rows = []  # your code here: PROTOCOLS[ex3_label].run(...) for each LSTM and each seed in ex3_seeds
ex3_results = pd.concat([results[results["series"] == ex3_label], pd.DataFrame(ex3_rows)])
ex3_results[["detector", "seed", "event_f1", "pr_auc"]]

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_p = PROTOCOLS[ex3_label]
ex3_rows = []
for ex3_detector, ex3_train in LSTMS.items():
    for ex3_seed in ex3_seeds:
        ex3_score, ex3_fit = ex3_train(ex3_p, T[ex3_label], ex3_seed)
        ex3_fit.check()
        ex3_rows.append({"series": ex3_label} | ex3_p.run(ex3_detector, ex3_score, ex3_seed))
ex3_results = pd.concat([results[results["series"] == ex3_label], pd.DataFrame(ex3_rows)])


def ex3_verdicts(table, seeds):
    """lh.verdict of each LSTM (only the given seeds) against each simple baseline."""
    ex3_out = {}
    for metric in METRICS:
        for lstm in LSTMS:
            mine = table[(table["detector"] == lstm) & table["seed"].isin(seeds)][metric]
            for base in SIMPLE:
                ex3_out[metric, lstm, base] = lh.verdict(
                    mine, table.loc[table["detector"] == base, metric]
                )
    return pd.Series(ex3_out)


ex3_compare = pd.DataFrame(
    {
        "3 seeds": ex3_verdicts(ex3_results, SEEDS),
        "6 seeds": ex3_verdicts(ex3_results, SEEDS + ex3_seeds),
    }
)
print(ex3_compare.to_string())
ex3_spread = (
    ex3_results[ex3_results["detector"].isin(LSTMS)]
    .groupby("detector")[list(METRICS)]
    .agg(["min", "max"])
)
print(ex3_spread.round(3).to_string())

# More seeds can only turn a win or a loss into a tie, never a tie into a win or a loss:
# "every seed beats every seed" has more pairs to survive.
ex3_changed = ex3_compare[ex3_compare["3 seeds"] != ex3_compare["6 seeds"]]
assert (ex3_changed["6 seeds"] == "tie").all()
print(f"{len(ex3_changed)} of {len(ex3_compare)} verdicts changed with three more seeds")

# %% [markdown]
# Under `lh.verdict`'s rule a verdict can only soften as seeds are added: a "win" needs every seed of the LSTM to beat every value of the baseline, and each new seed is one more chance to fail. The printed table shows which verdicts survived here. Three seeds is the least that gives the rule a chance to call anything; a verdict that flips with three more was luck, not skill.
