# %% [markdown]
# # 📃 Solutions · 06 · Is it better? Judging detectors on many series
#
# Worked solutions to the exercises of the notebook of the same name, one folder up. Try each exercise there first. The first cell below runs that notebook in this kernel, so every name it defines is here, as it is for a learner who reaches its exercises; then each exercise's starter is followed by its solution.

# %%
# Run the tutorial in this kernel, its outputs hidden: every name it defines is now here.
from IPython import get_ipython
from IPython.utils.capture import capture_output

with capture_output():
    get_ipython().run_line_magic("run", "../06_judging_on_many_series.ipynb")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — Another metric, another ranking?
#
# **Goal.** Rank the detectors by PR-AUC (the area under the precision-recall curve of the smoothed score, threshold-free) instead of event F1, and run the Friedman test again, on the series where every detector produced a result (as in Step 4). Does the detector with the best mean rank change? **Starting point.** `labelled`, `DETECTORS`, `stats.friedmanchisquare`, and Step 4's code. **How to check.** The ranks on each series sum to k(k+1)/2 for k detectors; compare your best detector with `best`.

# %% tags=["starter"]
ex1_table = None  # your code here: series x detector, mean PR-AUC over seeds
ex1_mean_rank = None  # your code here: mean rank per detector (1 = best), sorted
ex1_p = None  # your code here: the Friedman test's p-value

# %% [markdown]
# #### 📃 Solution 1

# %%
ex1_table = (
    labelled.groupby(["series", "detector"])["pr_auc"].mean().unstack().reindex(columns=DETECTORS)
).dropna()  # the series where every detector produced a result
ex1_ranks = ex1_table.rank(axis=1, ascending=False)
ex1_mean_rank = ex1_ranks.mean().sort_values()
ex1_p = stats.friedmanchisquare(*(ex1_table[d] for d in DETECTORS)).pvalue
print(ex1_mean_rank.round(2).to_string())
print(
    f"over {len(ex1_table)} series, best by PR-AUC: {ex1_mean_rank.index[0]}; "
    f"by event F1: {best}; Friedman p = {ex1_p:.2g}"
)
assert np.allclose(ex1_ranks.sum(axis=1), len(DETECTORS) * (len(DETECTORS) + 1) / 2)

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — What Holm's correction protects you from
#
# **Goal.** Count how many pairs of Step 5 look significant at 0.05 without any correction, with Holm's, and with the cruder Bonferroni correction (every p-value multiplied by the number of pairs). **Starting point.** `pairs` (its columns `p` and `p_holm`). **How to check.** Bonferroni never finds more pairs than Holm, and Holm never more than no correction.

# %% tags=["starter"]
ex2_raw = None  # your code here: pairs with p < 0.05
ex2_holm = None  # your code here: pairs with Holm-adjusted p < 0.05
ex2_bonferroni = None  # your code here: pairs with min(1, p * number of pairs) < 0.05

# %% [markdown]
# #### 📃 Solution 2

# %%
ex2_raw = int((pairs["p"] < 0.05).sum())
ex2_holm = int((pairs["p_holm"] < 0.05).sum())
ex2_bonferroni = int(((pairs["p"] * len(pairs)).clip(upper=1) < 0.05).sum())
print(f"{len(pairs)} pairs: {ex2_raw} uncorrected, {ex2_holm} Holm, {ex2_bonferroni} Bonferroni")
assert ex2_bonferroni <= ex2_holm <= ex2_raw

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — Quiet series: who raises fewer false alarms?
#
# **Goal.** On the series without labelled spans, every alarm is false. Count, for each LSTM against each simple baseline, on how many of those series it wins, ties or loses on false alarms per day, with the tutorial's verdict rule, over the quiet series where both ran (`results` holds only the rows that produced a result). **Starting point.** `results` (column `has_spans`), `LSTMS`, `SIMPLE`, `lh.verdict` and its argument `higher_is_better`. **How to check.** Win, tie and loss add up to the number of quiet series where both ran, for every pair.

# %% tags=["starter"]
ex3_quiet = None  # your code here: the rows of series without labelled spans
ex3_counts = None  # your code here: one row per (LSTM, baseline): win, tie, loss, series

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_quiet = results[~results["has_spans"]]
ex3_rows = []
for ex3_lstm in LSTMS:
    for ex3_baseline in SIMPLE:
        ex3_verdicts = [
            lh.verdict(
                ex3_group.loc[ex3_group["detector"] == ex3_lstm, "false_alarms_per_day"],
                ex3_group.loc[ex3_group["detector"] == ex3_baseline, "false_alarms_per_day"],
                higher_is_better=False,
            )
            for _, ex3_group in ex3_quiet.groupby("series")
            if {ex3_lstm, ex3_baseline} <= set(ex3_group["detector"])  # both ran
        ]
        ex3_rows.append(
            {"LSTM": ex3_lstm, "baseline": ex3_baseline}
            | {v: ex3_verdicts.count(v) for v in ("win", "tie", "loss")}
            | {"series": len(ex3_verdicts)}
        )
ex3_counts = pd.DataFrame(ex3_rows)
print(ex3_counts.to_string(index=False))
assert (ex3_counts[["win", "tie", "loss"]].sum(axis=1) == ex3_counts["series"]).all()
assert (ex3_counts["series"] <= ex3_quiet["series"].nunique()).all()
