# %% [markdown]
# # 06 · Is it better? Judging detectors on many series
#
# Notebook 3 compared every detector on two NAB series. On two series, one alarm more or less moves event F1 a lot, and a seed alone can turn a loss into a win: a ranking there is an anecdote. This notebook asks a reviewer's question, "is my detector better?", and answers it with evidence: notebook 3's detectors and protocol on the 35 series of `nab.SERIES` (AWS CloudWatch metrics, known-cause incidents, artificial series; Step 1 shows how many each comparison can use), judged with rank statistics the way benchmarks such as TimeEval (Schmidl et al. 2022) do. It reads the results of `make corpus`; it never retrains them.
#
# **What you will learn**
#
# - why a table for one series is noisy: the spread over seeds and the detector's own null;
# - how to rank detectors over many series: mean ranks and a Friedman test;
# - which pairs differ: Wilcoxon signed-rank tests with Holm's correction;
# - the tutorial's verdict rule over many series: win, tie or loss on every seed, and how often a detector beats its own null;
# - where the LSTMs might help, and what false alarms cost.
#
# **Prerequisites:** notebook 3 (the protocol, the detectors, `lh.verdict`, the rotation null); pandas. **Run time:** under a minute on a 2-core CPU (it reruns the simple detectors of one series live); the README's table gives what `make bench` measured.

# %% [markdown]
# ## Setup
#
# Imports, the seed and the plot style. Nothing here is trained; the seed is set as in every notebook. `corpus` is the runner of `make corpus` (`tools/corpus.py`): this notebook uses it to read the results file and to rerun one series.

# %%
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide TensorFlow's C++ start-up lines

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

import lstm_helpers as lh
from lstm_helpers import nab

SEED = int(os.environ.get("LSTM_TUTORIAL_SEED", "42"))
keras.utils.set_random_seed(SEED)
lh.apply_style()
# the project's folder: the first one up from here that holds tools/corpus.py
here = (Path.cwd(), *Path.cwd().parents)
ROOT = next((p for p in here if (p / "tools" / "corpus.py").is_file()), None)
if ROOT is None:
    raise FileNotFoundError(
        "this notebook reads results/corpus.csv and tools/corpus.py of the project: "
        "run it from a clone of the repository (not from a lone notebook, e.g. on Colab)"
    )
sys.path.insert(0, str(ROOT / "tools"))
import corpus  # tools/corpus.py

print(f"Keras {keras.__version__} on {keras.backend.backend()}, lstm_helpers {lh.__version__}")

# %% [markdown]
# ## Step 1 — The corpus, and what made the results
#
# `make corpus` ran every detector of notebook 3 on every series of `nab.SERIES`: each row of `results/corpus.csv` is one series, one detector and one seed (empty for a deterministic detector), made by `lh.Protocol.run` exactly as in notebook 3. `results/corpus.json` records who made the rows, on which backend and machine, and how long it took. `READS` lists the columns this notebook uses. The corpus ran once, on the backend and LSTM seeds printed below: its LSTM conclusions are not shown for another backend or other seeds.

# %%
READS = [
    "series", "family", "detector", "kind", "seed", "status",
    "event_f1", "pr_auc", "false_alarms_per_day", "nab_standard",
    "event_f1_null_p", "event_f1_null_q95", "fit_seconds",
    "has_spans", "n_test_spans", "n_points", "fit_days", "step_minutes", "season_hours",
    "cleaning",
]  # fmt: skip
everything = corpus.read_results(ROOT / "results" / "corpus.csv")
results = everything[READS]
meta = json.loads((ROOT / "results" / "corpus.json").read_text(encoding="utf-8"))
made_by = meta["detectors"]
run = meta.get("whole_corpus_run", meta["last_run"])
print(
    f"{len(results)} rows: {results['series'].nunique()} series x "
    f"{results['detector'].nunique()} detectors, LSTM seeds {meta['seeds']}"
)
print(
    f"made by {made_by['path']}{' (a STAND-IN for notebook 3)' if made_by['standin'] else ''}, "
    f"Keras on {meta['keras_backend']}, commit {meta['git']['commit'][:10]}, {run['date'][:10]}"
)
print(
    f"wall time {run['wall_seconds'] / 60:.1f} min for {run['series_run']} series with "
    f"{run['jobs']} workers on {meta['machine']['cores']} cores "
    f"(load average {run['load_average_start'][0]:.1f} at the start)"
)
assert not results["status"].str.startswith("error").any()  # no detector failed
skipped = results.loc[results["status"].str.startswith("skipped")].drop_duplicates("series")
for _, row in skipped.iterrows():
    print(f"skipped: {row.series}: {row.status.removeprefix('skipped: ')}")
refused = results[results["status"].str.startswith("refused")]
DETECTORS = list(dict.fromkeys(results["detector"]))  # in notebook 3's order
results = results[results["status"] == "ok"]

series = results.drop_duplicates("series").set_index("series")
families = series.groupby("family").agg(
    series=("family", "size"),
    with_spans=("has_spans", "sum"),
    median_points=("n_points", "median"),
    median_step_minutes=("step_minutes", "median"),
    median_fit_days=("fit_days", "median"),
    data_check_changed_something=("cleaning", lambda c: int((c != "nothing to do").sum())),
)
families

# %% [markdown]
# A series is skipped, for every detector alike, when the protocol cannot be set up: with no normal data before its first labelled span there is nothing to fit or calibrate on without peeking. A detector is **refused** on a series when it cannot be applied there: its code stops with a clear error (a constant fit part has no spread to divide by; a fit part too short leaves no window to validate an LSTM on) or it gives no score at all. A refused detector gets no made-up score: its row holds the reason and no metrics, and each comparison below uses only the series where the detectors it compares all ran. Series without labelled spans (`artificialNoAnomaly`, and one AWS series) count false alarms only: event F1 and PR-AUC are undefined there. The rankings below use the series with labelled spans in their test period; the false alarms of the others come back in Step 7.
#
# The detectors: the simple baselines are deterministic (one row per series); each LSTM was trained once per seed.

# %%
LSTMS = [
    d for d in DETECTORS if (everything.loc[everything["detector"] == d, "kind"] == "LSTM").all()
]
SIMPLE = [d for d in DETECTORS if d not in LSTMS]
labelled = results[results["n_test_spans"] > 0]
n_series = labelled["series"].nunique()
print(f"simple baselines: {', '.join(SIMPLE)}")
print(f"LSTMs: {', '.join(LSTMS)}")
print(f"{n_series} series with labelled spans in their test period")
if refused.empty:
    print("no detector was refused on any series")
for detector, rows in refused.groupby("detector", sort=False):
    why = (
        rows.drop_duplicates("series")
        .groupby("status")["series"]
        .apply(lambda names: ", ".join(n.split("/")[1].removesuffix(".csv") for n in names))
    )
    print(f"{detector} refused on {rows['series'].nunique()} series:")
    for status, names in why.items():
        print(f"    {status.removeprefix('refused: ')} ({names})")

# %% [markdown]
# ## Step 2 — The simple detectors' rows are reproducible: one series rerun live
#
# A results file is only evidence if it can be made again. Here the simple detectors of one short series run again, live, through the same runner, and their rows are compared with the committed ones. (Rerunning the LSTMs takes minutes; `tests/project/test_corpus.py` reruns them on two series.)

# %%
LIVE = "artificialWithAnomaly/art_daily_jumpsup.csv"
source = corpus.detectors_source(
    None if made_by["kind"] == "notebook 3 cells" else ROOT / made_by["path"]
)
same_code = source["sha256"] == made_by["sha256"]
live, _ = corpus.run_series(LIVE, corpus.load_detectors(source), seeds=())
committed = everything[(everything["series"] == LIVE) & (everything["kind"] == "simple")]
differences = corpus.compare(committed, live, exact=False)
print(f"detectors' code the same as when the results were made: {same_code}")
print(f"{LIVE}: {len(live)} rows rerun, {len(differences)} difference(s) from the committed rows")
live[["detector", "variant", "event_f1", "pr_auc", "event_f1_null_p", "false_alarms_per_day"]]

# %% [markdown]
# ## Step 3 — Why one series is not evidence
#
# Two sources of noise sit in every cell of a per-series table. **Seeds**: the same LSTM trained with another seed finds other alarms. **Chance**: a detector's own null (its scores rotated 200 times against the labels) tells what event F1 a detector with no skill but the same alarm pattern would reach. A detector beats its null on a series when its null p-value (`event_f1_null_p`: the share of rotations that do at least as well) is at most `lh.chance.ALPHA`; otherwise its score is not distinguishable from luck.

# %%
lstm_rows = labelled[labelled["kind"] == "LSTM"]
spread = lstm_rows.groupby(["detector", "series"])["event_f1"].agg(lambda f1: f1.max() - f1.min())
spread_table = spread.groupby("detector").agg(
    median="median", largest="max", series_over_0_2=lambda s: int((s > 0.2).sum())
)
print("event F1 spread over seeds (best seed minus worst), per series:")
display(spread_table.round(2))
above_null = (labelled["event_f1_null_p"] <= lh.chance.ALPHA).groupby(labelled["detector"])
print(f"each detector's null: its scores rotated {corpus.N_ROTATIONS} times")
print(f"share of rows (series, seed) that beat their own null (p <= {lh.chance.ALPHA}):")
print(above_null.mean().reindex(DETECTORS).round(2).to_string())

# %% [markdown]
# Each row of the picture is one labelled series: the simple baselines as markers, each LSTM as its seeds (ticks) joined from worst to best, so an LSTM whose seeds agree shows as one tick. Wide bars and scattered markers are the noise a one-series verdict rests on.

# %%
MARKERS = dict(zip(DETECTORS, "osD^v<>px", strict=False))
PALETTE = [lh.COLORS[c] for c in ("blue", "orange", "green", "purple", "vermillion", "sky")]
COLOURS = dict(zip(DETECTORS, PALETTE * 2, strict=False))
order = labelled.groupby("series")["event_f1"].mean().sort_values().index
y = {name: i for i, name in enumerate(order)}
fig, ax = plt.subplots(figsize=(9, 0.28 * len(order) + 1.5))
for k, detector in enumerate(DETECTORS):
    rows = labelled[labelled["detector"] == detector]
    offset = (k - (len(DETECTORS) - 1) / 2) * 0.12
    if detector in LSTMS:
        span = rows.groupby("series")["event_f1"].agg(["min", "max"])
        pos = [y[s] + offset for s in span.index]
        ax.hlines(pos, span["min"], span["max"], color=COLOURS[detector], lw=3, label=detector)
        seed_pos = [y[s] + offset for s in rows["series"]]
        ax.scatter(rows["event_f1"], seed_pos, marker="|", color=COLOURS[detector], s=60)
    else:
        pos = [y[s] + offset for s in rows["series"]]
        ax.scatter(rows["event_f1"], pos, marker=MARKERS[detector], color=COLOURS[detector],
                   s=22, label=detector)  # fmt: skip
ax.set_yticks(range(len(order)), [s.split("/")[1].removesuffix(".csv") for s in order])
ax.set(title="Event F1 per series: baselines as markers, LSTM seeds as ticks joined",
       xlabel="event F1 (test period)", ylabel="series")  # fmt: skip
ax.tick_params(axis="y", labelsize=8)
ax.legend(loc="lower right", fontsize="small")
plt.show()

# %% [markdown]
# ## Step 4 — Mean ranks and a Friedman test
#
# Raw F1 values are not comparable across series (some series are easy for everyone), but ranks are. On each series, rank the detectors by event F1 (1 = best; an LSTM counts with its mean over seeds, the expected event F1 of one random seed; ties share the average rank), then average each detector's rank over the series. Ranks need every detector on every series: they use the labelled series where no detector was refused.
#
# The **Friedman test** asks whether those mean ranks differ more than they would if all detectors were interchangeable. It assumes that the series are independent, which NAB's are not fully (the `art_daily_*` series share a generator, the `ec2_cpu_*` ones a fleet), so its p-values are somewhat optimistic; and that, under the null, every order of the detectors on a series is equally likely: no normality, no equal scales across series.

# %%
# series x detector: event F1, an LSTM's mean over its seeds; NaN where a detector was refused
table = (
    labelled.groupby(["series", "detector"])["event_f1"].mean().unstack().reindex(columns=DETECTORS)
)
complete = table.dropna()  # the series where every detector produced a result
n_ranked = len(complete)
ranks = complete.rank(axis=1, ascending=False)
mean_rank = ranks.mean().sort_values()
friedman = stats.friedmanchisquare(*(complete[d] for d in DETECTORS))
display(mean_rank.round(2).rename("mean rank (1 = best)").to_frame())
best = mean_rank.index[0]
print(
    f"Ranked on the {n_ranked} of {n_series} labelled series where every detector "
    f"produced a result ({n_series - n_ranked} left out: a detector was refused there)."
)
print(
    f"The Friedman test {'rejects' if friedman.pvalue < lh.chance.ALPHA else 'does not reject'}"
    f" that all {len(DETECTORS)} detectors are interchangeable "
    f"(chi-squared {friedman.statistic:.1f}, p = {friedman.pvalue:.2g})."
)
if friedman.pvalue < lh.chance.ALPHA:
    print(f"Over {n_ranked} series, {best} has the best mean rank ({mean_rank.iloc[0]:.2f}).")
else:
    print(f"The best mean rank ({best}, {mean_rank.iloc[0]:.2f}) is within chance of the others.")
# sensitivity: rank a refused detector last on every labelled series instead of leaving it out
last_ranks = table.fillna(-np.inf).rank(axis=1, ascending=False).mean().sort_values()
print(
    f"Ranking refused detectors last on all {n_series} labelled series instead: "
    + ", ".join(f"{d} {r:.2f}" for d, r in last_ranks.head(3).items())
    + " (the top three mean ranks)."
)

# %% [markdown]
# ## Step 5 — Which pairs differ: Wilcoxon signed-rank tests with Holm's correction
#
# Friedman says *whether* some detectors differ, not *which*. For each pair, the **Wilcoxon signed-rank test** looks at the per-series differences of event F1: are the positive ones larger and more frequent than the negative ones? It assumes independent series and differences symmetric about their median under the null; series where both detectors score the same are dropped. With many pairs, some will look significant by luck: **Holm's correction** multiplies the smallest p-value by the number of pairs, the next by one fewer, and so on, which keeps the chance of even one false "significant" at most 5 %.


# %%
def holm(p_values):
    """Holm's step-down adjusted p-values, in the order given."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order]).clip(max=1)
    out = np.empty_like(p)
    out[order] = adjusted
    return out


def wilcoxon_p(a, b):
    """Two-sided Wilcoxon signed-rank p-value of paired a, b; 1 when they never differ."""
    return 1.0 if np.allclose(a, b) else stats.wilcoxon(a, b).pvalue


pairs = pd.DataFrame(
    [(a, b) for i, a in enumerate(DETECTORS) for b in DETECTORS[i + 1 :]], columns=["a", "b"]
)
pairs["mean_f1_difference"] = [
    (complete[a] - complete[b]).mean() for a, b in zip(pairs.a, pairs.b, strict=True)
]
pairs["p"] = [wilcoxon_p(complete[a], complete[b]) for a, b in zip(pairs.a, pairs.b, strict=True)]
pairs["p_holm"] = holm(pairs["p"])
significant = pairs[pairs["p_holm"] < 0.05]
display(pairs.round(3))
for _, pair in significant.iterrows():
    better, worse = (pair.a, pair.b) if pair.mean_f1_difference > 0 else (pair.b, pair.a)
    print(f"{better} beats {worse} (Holm-adjusted p = {pair.p_holm:.2g}).")
print(f"{len(significant)} of {len(pairs)} pairs differ after Holm's correction; "
      f"{int((pairs['p'] < 0.05).sum())} would without it.")  # fmt: skip

# %% [markdown]
# The picture puts both together, in the spirit of a critical-difference diagram: each detector at its mean rank (left: better), and the Holm-adjusted p-value of every pair.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [1, 1.1]})
for i, detector in enumerate(mean_rank.index):
    left.scatter(mean_rank[detector], i, color=COLOURS[detector], marker=MARKERS[detector], s=60)
    left.annotate(detector, (mean_rank[detector], i), xytext=(8, -4), textcoords="offset points")
left.set_yticks([])
left.invert_yaxis()  # the best mean rank on top
left.set_xlim(1, len(DETECTORS) + 1)
left.set(title=f"Mean rank over {n_ranked} series (1 = best)", xlabel="mean rank of event F1")
matrix = pd.DataFrame(1.0, index=DETECTORS, columns=DETECTORS)
for _, pair in pairs.iterrows():
    matrix.loc[pair.a, pair.b] = matrix.loc[pair.b, pair.a] = pair.p_holm
image = right.imshow(matrix, cmap="cividis", vmin=0, vmax=1)
right.set_xticks(range(len(DETECTORS)), DETECTORS, rotation=40, ha="right")
right.set_yticks(range(len(DETECTORS)), DETECTORS)
for i in range(len(DETECTORS)):
    for j in range(len(DETECTORS)):
        if i != j:
            value = matrix.iat[i, j]
            right.text(j, i, f"{value:.2f}", ha="center", va="center",
                       color="white" if value < 0.5 else "black", fontsize="small")  # fmt: skip
right.set_title("Wilcoxon p-value, Holm-adjusted (below 0.05: the pair differs)")
fig.colorbar(image, ax=right, label="adjusted p-value")
plt.show()

# %% [markdown]
# ## Step 6 — Win, tie or loss on every seed, and beating one's own null
#
# The tutorial's one verdict rule, `lh.verdict`, counts a **win** only when every seed of the LSTM beats the baseline, a **loss** when every seed loses, and a **tie** otherwise. Counted over the series, it says how often a seed could not have changed the story. A tie means either that the seeds fall on both sides of the baseline, or that every seed equals it. Each pair is counted over the labelled series where both detectors ran. These counts describe; they do not test. A lopsided row can still be a pair that Step 5 finds not different after Holm's correction.

# %%
wtl = []
for lstm in LSTMS:
    for baseline in SIMPLE:
        both = table[[lstm, baseline]].dropna().index  # the series where both ran
        verdicts = [
            lh.verdict(
                labelled.loc[(labelled["series"] == s) & (labelled["detector"] == lstm), "event_f1"],
                labelled.loc[(labelled["series"] == s) & (labelled["detector"] == baseline), "event_f1"],
            )
            for s in both
        ]  # fmt: skip
        wtl.append({"LSTM": lstm, "baseline": baseline}
                   | {v: verdicts.count(v) for v in ("win", "tie", "loss")}
                   | {"series": len(both)})  # fmt: skip
wtl = pd.DataFrame(wtl)
display(wtl)
for _, row in wtl.iterrows():
    print(f"{row.LSTM} against {row.baseline}: wins on {row.win}, ties on {row.tie}, "
          f"loses on {row.loss} of the {row.series} series where both ran.")  # fmt: skip

# %% [markdown]
# A detector **beats its own null** on a series when its event F1 is larger than at least 95 % of its 200 rotations (`event_f1_null_p` at most `lh.chance.ALPHA`, 0.05). By luck alone, a detector with no skill would do so on at most about one series in twenty. For an LSTM, count the series where every seed beats its null, and, beside it, the range over single seeds. Requiring every seed is stricter than one run of a deterministic baseline, so the LSTM bars are not directly comparable; the dashed line is a baseline's chance rate. Each detector is counted over the labelled series where it ran; the last number is the chance that luck alone reaches its count.

# %%
beats = labelled.assign(beats=labelled["event_f1_null_p"] <= lh.chance.ALPHA)
beats_null = (
    beats.groupby(["detector", "series"])["beats"]
    .all()
    .groupby("detector")
    .sum()
    .reindex(DETECTORS)
)
ran_on = table.notna().sum().reindex(DETECTORS)  # labelled series where each detector ran
by_luck = lh.chance.ALPHA * n_series
fig, ax = plt.subplots(figsize=(8, 3))
ax.barh(DETECTORS, beats_null, color=[COLOURS[d] for d in DETECTORS])
ax.axvline(by_luck, color=lh.COLORS["black"], ls="--", label=f"expected by luck ({by_luck:.1f})")
ax.invert_yaxis()
ax.set(title=f"On how many series each detector beats its own rotation null (p ≤ {lh.chance.ALPHA})",
       xlabel=f"series (of at most {n_series}); an LSTM: on every seed", ylabel="detector")  # fmt: skip
ax.legend(loc="lower right")
plt.show()
per_seed = beats[beats["kind"] == "LSTM"].groupby(["detector", "seed"])["beats"].sum()
for detector in DETECTORS:
    k, n = int(beats_null[detector]), int(ran_on[detector])
    tail = stats.binom.sf(k - 1, n, lh.chance.ALPHA)  # P(X >= k) for X ~ Binomial(n, ALPHA)
    seeds_text = ""
    if detector in LSTMS:
        one = per_seed[detector]
        seeds_text = f" on every seed, on {one.min()} to {one.max()} on a single seed"
    print(f"{detector} beats its own null on {k} of {n} series{seeds_text} "
          f"(luck alone: {lh.chance.ALPHA * n:.2f}; P(at least {k} by luck) = {tail:.2g}).")  # fmt: skip

# %% [markdown]
# ## Step 7 — Where the LSTMs help, and what false alarms cost
#
# Each point is one labelled series: how much better (above 0) or worse (below 0) an LSTM's mean event F1 over its seeds is than the baseline with the best mean rank (Step 4). Left to right: against how many days of data it had to fit on, how often the series is sampled, and which season `make corpus` found in the fit part (label-free: `lh.training.season`). The marker is NAB's family. Look for a region where the points sit above zero on both rows. The tables give each group's mean gain and its number of series. These are looks after the fact at a few series each, with no test and no correction: treat a region as a hypothesis for a new corpus, not as a result.

# %%
best_simple = mean_rank[SIMPLE].idxmin()
about = series.loc[table.index]
family_of = about["family"]
season = about["season_hours"]
descriptors = pd.DataFrame(
    {
        "days of fit data": about["fit_days"],
        "step (minutes)": about["step_minutes"].astype(int),
        "season in the fit part": np.select(
            [season.between(20, 28), season.notna()], ["daily", "shorter"], "none found"
        ),
    }
)
# families by shape and grey level, so that no detector's colour is reused
FAMILY_STYLES = [
    {"color": "black", "marker": "o"},
    {"color": "0.6", "marker": "s"},
    {"facecolors": "none", "edgecolors": "black", "marker": "^"},
    {"color": "0.35", "marker": "D"},
]
family_style = dict(zip(sorted(series["family"].unique()), FAMILY_STYLES, strict=False))
gains = pd.DataFrame({lstm: table[lstm] - table[best_simple] for lstm in LSTMS})  # NaN: refused
fig, axes = plt.subplots(len(LSTMS), 3, figsize=(13, 3.3 * len(LSTMS)), sharey=True, squeeze=False)
for r, lstm in enumerate(LSTMS):
    for c, column in enumerate(descriptors):
        ax, x = axes[r][c], descriptors[column]
        if c == 0:
            position = x
            ax.set_xscale("log")
        else:  # categories, the points of one category spread side by side
            categories = sorted(x.unique())
            position = x.map({v: i for i, v in enumerate(categories)}).astype(float)
            position += (x.groupby(x).cumcount() / x.map(x.value_counts()) - 0.5) * 0.5
            ax.set_xticks(range(len(categories)), [str(v) for v in categories])
        for name, style in family_style.items():
            mine = family_of == name
            if not mine.any():  # a family without labelled series
                continue
            ax.scatter(position[mine], gains.loc[mine, lstm], s=24, label=name, **style)
        ax.axhline(0, color=lh.COLORS["black"], lw=1)
        ax.set(title=f"{lstm}, by {column}", xlabel=column,
               ylabel=f"event F1 minus {best_simple}" if c == 0 else "")  # fmt: skip
axes[0][0].legend(loc="lower left", fontsize="small")
fig.suptitle(f"Where the LSTMs beat the best-ranked baseline ({best_simple}): above 0")
plt.show()
display(gains.groupby(descriptors["season in the fit part"]).agg(["mean", "count"]).round(2))
display(gains.groupby(family_of).agg(["mean", "count"]).round(2))

# %% [markdown]
# An operator pays for every false alarm. Left: each detector's mean event F1 against its median false alarms per day, over the labelled series where every detector produced a result (Step 4's). Right: false alarms per day on the series without any labelled anomaly, where every alarm is false: each detector's mean over the quiet series where every detector ran, so that all bars count the same series.

# %%
summary = (
    labelled[labelled["series"].isin(complete.index)]
    .groupby("detector")
    .agg(
        event_f1=("event_f1", "mean"),
        false_alarms_per_day=("false_alarms_per_day", "median"),
        fit_seconds=("fit_seconds", "median"),  # training time per series (and seed)
    )
)
quiet_table = (
    results[~results["has_spans"]]
    .groupby(["series", "detector"])["false_alarms_per_day"]
    .mean()  # an LSTM: its mean over seeds
    .unstack()
    .reindex(columns=DETECTORS)
)
quiet_all = quiet_table.dropna()  # the quiet series where every detector ran
quiet = quiet_all.mean()
summary["quiet_false_alarms_per_day"] = quiet
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
for detector in DETECTORS:
    left.scatter(summary.at[detector, "false_alarms_per_day"], summary.at[detector, "event_f1"],
                 color=COLOURS[detector], marker=MARKERS[detector], s=70, label=detector)  # fmt: skip
left.set_ylim(bottom=0)
left.set(title=f"Detections against false alarms ({n_ranked} labelled series)",
         xlabel="median false alarms per day", ylabel="mean event F1")  # fmt: skip
left.legend(loc="best", fontsize="small")
right.barh(DETECTORS, quiet.reindex(DETECTORS), color=[COLOURS[d] for d in DETECTORS])
right.invert_yaxis()
right.set(title=f"False alarms on the {len(quiet_all)} quiet series where every detector ran",
          xlabel="mean false alarms per day", ylabel="detector")  # fmt: skip
plt.show()
print(summary.reindex(DETECTORS).round(3).to_string())
print(
    f"Right: on the {len(quiet_all)} quiet series where every detector ran "
    f"(of {len(quiet_table)} without labelled spans)."
)

# %% [markdown]
# ## Checks
#
# Properties of the results and of the statistics, never that one detector wins.

# %%
assert set(everything["series"]) == set(nab.SERIES)  # the whole corpus, skipped series too
assert everything.groupby("series")["detector"].nunique().eq(len(DETECTORS)).all()
ran = everything[~everything["status"].str.startswith("skipped")]  # ok or refused
seeds = ran[ran["kind"] == "LSTM"].groupby(["series", "detector"])["seed"].apply(sorted)
assert all(list(s) == meta["seeds"] for s in seeds)  # every LSTM on every seed
assert everything.loc[everything["status"] != "ok", "event_f1"].isna().all()  # no made-up score
assert len(complete) == n_ranked <= n_series and not complete.isna().any().any()
assert results.loc[results["kind"] == "simple", "seed"].isna().all()
assert results["event_f1_null_p"].dropna().between(1 / 201, 1).all()
assert not differences  # the live rerun gave the committed rows
assert np.allclose(ranks.sum(axis=1), len(DETECTORS) * (len(DETECTORS) + 1) / 2)
assert (pairs["p_holm"] >= pairs["p"] - 1e-12).all()  # Holm never makes a p-value smaller
assert (wtl[["win", "tie", "loss"]].sum(axis=1) == wtl["series"]).all()
assert (wtl["series"] <= n_series).all() and (wtl["series"] >= n_ranked).all()
assert (beats_null <= ran_on).all()
assert not quiet_all.isna().any().any() and len(quiet_all) <= len(quiet_table)
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - A table for one series mixes skill with seed luck and chance: the seed spread and each detector's own null show how much.
# - Over many series, rank the detectors on each series and average the ranks; the Friedman test says whether the mean ranks differ more than chance would make them.
# - Pairwise Wilcoxon signed-rank tests with Holm's correction say which pairs differ, without the false discoveries of many uncorrected tests.
# - `lh.verdict` over seeds (win, tie, loss) and "beats its own null" turn the same results into counts a reader can check.
# - Step 7's look at where the LSTMs help, and at the false alarms each detector costs, raises questions to test on new series.
#
# What this corpus says, generated from the tables above:

# %%
n_holm = len(significant)
differ = friedman.pvalue < lh.chance.ALPHA or n_holm > 0
minority = (beats_null < ran_on / 2).all()
print(
    ("Some detectors rank differently from the others beyond chance"
     if differ else "On this corpus no detector ranks differently from the others beyond chance")
    + f" (Friedman p = {friedman.pvalue:.2g}; {n_holm} of {len(pairs)} pairs after Holm)"
    + (", and each beats its own null on only a minority of series." if minority else ".")
)  # fmt: skip
if not differ:
    print("Step 7's patterns are questions to test on new series, not findings.")

# %% [markdown]
# Next: back to your own data. Run your detector through `lh.Protocol` on many series, and judge it this way.

# %% [markdown]
# ## Going further — NAB's scoreboard
#
# NAB publishes a scoreboard of detectors, and our table has a `nab_standard` column. The numbers are not comparable. NAB lets each detector choose its own threshold on the whole data, labels included, and normalises each detector's score over the whole corpus between a "null" detector (no alarms) and a perfect one; it also ignores alarms in a probation period at the start of each series. Here every threshold comes from a calibration part of normal data, before the first labelled span, and the NAB score is computed per series on the test period only. Use `nab_standard` to compare detectors within this table, never with NAB's published figures.

# %%
display(
    results[results["has_spans"]]
    .groupby("detector")["nab_standard"]
    .mean()
    .reindex(DETECTORS)
    .round(2)
    .rename("mean NAB standard score per series")
    .to_frame()
)

# %% [markdown]
# ## Exercises
