# %% [markdown]
# # 📃 Solutions · 5 · From notebook to monitor
#
# Worked solutions to the exercises of [notebook 5](../05_streaming_monitor.ipynb). Try each exercise there first. The first cell below runs that notebook in this kernel, so every name it defines is here, as it is for a learner who reaches its exercises; then each exercise's starter is followed by its solution. Timings and the exact numbers depend on the machine; what the checks below assert does not.

# %%
# Run the tutorial in this kernel, its outputs hidden: every name it defines is now here.
from IPython import get_ipython
from IPython.utils.capture import capture_output

with capture_output():
    get_ipython().run_line_magic("run", "../05_streaming_monitor.ipynb")
print(
    f"notebook 5 ran with seed {SEED}: {len(batch_scores)} live points, threshold {threshold:.4f}"
)

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — Small batches instead of single points
#
# **Goal.** Some feeds deliver a few points at a time (a message every minute holding the last 16 readings, say). Score such batches with one model call each.
#
# **Starting point.** `ex1_scorer.update_many(rows)` takes a DataFrame (or array) of consecutive rows and returns a frame with columns `ready`, `score` and `flag`, one row per point. Feed `live` to it in slices of `ex1_batch_size` rows, in order, and collect the scores in `ex1_scores`, a float array of length `len(live)`. `loaded` is the detector loaded in Step 6.
#
# **How to check.** `np.allclose(ex1_scores, batch_scores, rtol=streaming.STREAM_RTOL, atol=streaming.STREAM_ATOL, equal_nan=True)` is `True` whatever the batch size (try 1, 7 and 100). Time both ways with `time.perf_counter()`: which is faster per point, and why?

# %% tags=["starter"]
ex1_scorer = loaded.stream()
ex1_batch_size = 16
ex1_scores = None  # your code here: feed live in slices of ex1_batch_size to ex1_scorer.update_many

# %% [markdown]
# #### 📃 Solution 1

# %%
ex1_scorer = loaded.stream()  # the reference: one update() per point, as in Step 7
ex1_t0 = time.perf_counter()
for ex1_ts, ex1_row in zip(live.index, live.to_numpy(), strict=True):
    ex1_scorer.update(ex1_row, timestamp=ex1_ts)
ex1_update_seconds = time.perf_counter() - ex1_t0
print(f"update() point by point: {1000 * ex1_update_seconds / len(live):.3f} ms per point")
ex1_seconds = {}
for ex1_size in (1, 7, ex1_batch_size, 100):
    ex1_scorer = loaded.stream()
    ex1_t0 = time.perf_counter()
    ex1_frames = [
        ex1_scorer.update_many(live.iloc[ex1_i : ex1_i + ex1_size])
        for ex1_i in range(0, len(live), ex1_size)
    ]
    ex1_seconds[ex1_size] = time.perf_counter() - ex1_t0
    ex1_scores = pd.concat(ex1_frames)["score"].to_numpy()
    assert np.allclose(
        ex1_scores,
        batch_scores,
        rtol=streaming.STREAM_RTOL,
        atol=streaming.STREAM_ATOL,
        equal_nan=True,
    ), ex1_size
    print(
        f"batches of {ex1_size:3d}: within the tolerance of the batch scores "
        f"(largest difference {np.nanmax(np.abs(ex1_scores - batch_scores)):.1e}); "
        f"{1000 * ex1_seconds[ex1_size] / len(live):.3f} ms per point"
    )
print(
    f"batches of 100 cost {ex1_update_seconds / ex1_seconds[100]:.0f}x less per point than update() "
    f"point by point ({ex1_seconds[1] / ex1_seconds[100]:.0f}x less than update_many with 1 row)"
)

# %% [markdown]
# (Each scorer's first call includes its one-time set-up; with 1440 points that is a small part of each total.) Every batch size gives the batch scores within the stated tolerance, not bit for bit: the scorer keeps the last `N_TIMESTEPS - 1` rows between calls, so the windows that straddle two batches are the same windows, but the model sees them in batches of another size, and a float32 model may round differently for another batch size (Step 7). Larger batches are cheaper per point because one model call, one validation and one frame are shared by all the points of the batch; the price is latency, since the first point of a batch waits for the last before it is scored.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — A gap in the feed
#
# **Goal.** A collector drops out: the CPU metric is missing (NaN) for five points. See what the documented gap policy does.
#
# **Starting point.** `ex2_feed` is the live feed with that gap. Score it point by point with a scorer made by `loaded.stream(on_nan="restart")` and collect the scores in `ex2_scores` (`N_TIMESTEPS` is the window length).
#
# **How to check.** How many points get no score, besides the first warm-up? Where exactly? Are all the other scores within the tolerance of `batch_scores`?

# %% tags=["starter"]
ex2_gap = (500, 505)  # live points 500..504 lack the CPU metric
ex2_feed = live.copy()
ex2_feed.iloc[ex2_gap[0] : ex2_gap[1], FEATURES.index("cpu")] = np.nan
ex2_scores = None  # your code here: score ex2_feed with loaded.stream(on_nan="restart")

# %% [markdown]
# #### 📃 Solution 2

# %%
ex2_scorer = loaded.stream(on_nan="restart")
ex2_scores = np.array([ex2_scorer.update(row).score for row in ex2_feed.to_numpy()])
ex2_missing = np.flatnonzero(np.isnan(ex2_scores[N_TIMESTEPS - 1 :])) + N_TIMESTEPS - 1
print(
    f"{len(ex2_missing)} points without a score after the first warm-up: {ex2_missing[0]}..{ex2_missing[-1]}"
)
ex2_scored = ~np.isnan(ex2_scores)
assert np.allclose(
    ex2_scores[ex2_scored],
    batch_scores[ex2_scored],
    rtol=streaming.STREAM_RTOL,
    atol=streaming.STREAM_ATOL,
)
assert len(ex2_missing) == (ex2_gap[1] - ex2_gap[0]) + N_TIMESTEPS - 1
print("every other score is within the stated tolerance of the batch score")

# %% [markdown]
# The five gap points have no score, and neither have the `N_TIMESTEPS - 1` points after the gap: their windows would contain a missing value, so the scorer warms up again instead of guessing. From then on each window is made of real points only, the same windows as in the batch, so the scores agree again (within the tolerance). Filling the gap (say, with the last value) would give scores for those points, but scores of data nobody measured; if you do that, do it before the scorer, on purpose, and keep a record of it.

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — Page someone only when flags persist
#
# **Goal.** A monitor that pages someone at every flagged point is noisy. Page at point `t` only if the last `ex3_k` points were all flagged, which a streaming monitor can decide at `t`. What does it cost?
#
# **Starting point.** `ex3_flags` holds the scorer's decisions from Step 7 as booleans (False during warm-up). Compute `ex3_paged`, a boolean array of the same length, with the rule above and `ex3_k = 3`.
#
# **How to check.** A run of consecutive flagged points is one **alarm** (`lh.alarms(flags)` lists them, with the position of each one's `first` point). Count the alarms of the raw flags and of `ex3_paged` that start on normal points before the release (`quiet_before` marks them: outside incidents and their margin). And for the incidents of days 1 and 2 (`INCIDENTS`), how many minutes after each start does the first page come (`MINUTES_PER_POINT` per point)?

# %% tags=["starter"]
ex3_k = 3
ex3_flags = np.array([bool(r.flag) for r in results])  # None (warm-up) counts as no flag
ex3_paged = None  # your code here: True at t if ex3_flags[t - ex3_k + 1 .. t] are all True

# %% [markdown]
# #### 📃 Solution 3

# %%
ex3_run = np.convolve(ex3_flags.astype(int), np.ones(ex3_k, dtype=int))[: len(ex3_flags)]
ex3_paged = ex3_run == ex3_k  # causal: uses points t - k + 1 .. t only
assert ex3_paged.sum() <= ex3_flags.sum()
assert not ex3_paged[: ex3_k - 1].any()
ex3_false = {
    name: int(quiet_before[lh.alarms(mask)["first"].to_numpy()].sum())
    for name, mask in (("raw flags", ex3_flags), (f"{ex3_k} flags in a row", ex3_paged))
}
print(f"alarms starting on normal points before the release: {ex3_false}")
for ex3_day in ("day 1", "day 2"):  # after the release every point is flagged anyway
    ex3_start, ex3_end = INCIDENTS[ex3_day]
    ex3_flag_delay = MINUTES_PER_POINT * np.argmax(ex3_flags[ex3_start:ex3_end])
    ex3_page_delay = MINUTES_PER_POINT * np.argmax(ex3_paged[ex3_start:ex3_end])
    print(
        f"incident {ex3_day}: first flag after {ex3_flag_delay} min, first page after {ex3_page_delay} min"
    )
ex3_fewer = ex3_false[f"{ex3_k} flags in a row"] < ex3_false["raw flags"]
print(
    f"With k = {ex3_k}: {ex3_false[f'{ex3_k} flags in a row']} false alarms instead of "
    f"{ex3_false['raw flags']}, and each incident is reported {MINUTES_PER_POINT * (ex3_k - 1)} "
    "minutes later"
    + (
        "."
        if ex3_fewer
        else ": on this feed the rule buys nothing (the raw flags raise no more false alarms), it only costs delay."
    )
)

# %% [markdown]
# Requiring a few flags in a row drops the alarms shorter than `ex3_k` points, and delays every page by at least `ex3_k - 1` points (3 minutes each) after the first flag; the lines above give both effects on this feed. The rule is causal, so a monitor can apply it as the points arrive. The right `ex3_k` is a trade between how often people are paged for nothing and how late they hear about a real incident. (After the release every point is flagged, so day 3's incident tells nothing about delays; that is Step 10's problem.)

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 4 — An alarm budget of your own
#
# **Goal.** The on-call team accepts at most one false flag per normal day. Turn that into a quantile level, set the threshold with each method that can promise it, and check each promise on the shadow week.
#
# **Starting point.** `cal` holds the calibration scores and `shadow` the shadow week's (NaN dropped, Step 3); a day has `DAY` points. `lh.tail_threshold(scores, q, method, initial_q=POT_START)` takes a method from `METHODS` and raises a `ValueError` when there are too few scores for it. Compute `ex4_q` and `ex4_thresholds`, a dict from method to threshold, for the methods that accept `ex4_q`.
#
# **How to check.** For each threshold, `(shadow > threshold).mean() * DAY` is the flags per normal day the shadow week would have sent. Which method is refused, and why? Which one keeps the budget best on this run?

# %% tags=["starter"]
ex4_flags_per_day = 1.0  # the budget the team agrees to
ex4_q = None  # your code here: the quantile level that promises ex4_flags_per_day a normal day
ex4_thresholds = None  # your code here: {method: threshold} for every method that accepts ex4_q

# %% [markdown]
# #### 📃 Solution 4

# %%
ex4_q = 1 - ex4_flags_per_day / DAY
ex4_thresholds = {}
for ex4_method in METHODS:
    try:
        ex4_thresholds[ex4_method] = lh.tail_threshold(cal, ex4_q, ex4_method, initial_q=POT_START)
    except ValueError as ex4_error:
        print(f"{ex4_method}: refused, {str(ex4_error).split(';')[0]}")
print(f"q = {ex4_q:.5f} promises {ex4_flags_per_day:g} false flag per normal day")
ex4_spent = {m: float((shadow > t).mean() * DAY) for m, t in ex4_thresholds.items()}
for ex4_method, ex4_per_day in ex4_spent.items():
    print(
        f"{ex4_method}: threshold {ex4_thresholds[ex4_method]:.3f}, the shadow week flags "
        f"{ex4_per_day:.2f} points per day"
    )
assert "empirical" not in ex4_thresholds and len(cal) < 1 / (1 - ex4_q)
ex4_best = min(ex4_spent, key=lambda m: abs(np.log(max(ex4_spent[m], 1e-3) / ex4_flags_per_day)))
print(f"closest to the budget on this run: {ex4_best}")

# %% [markdown]
# One flag per day of 480 points is `q = 1 - 1/480`, about 0.998. The empirical quantile needs 480 calibration scores for that and has fewer, so `lh.tail_threshold` refuses it. The Gaussian and the peaks-over-threshold tail both give a threshold; the shadow week shows what each would have cost, and on these right-skewed scores the Gaussian one usually flags more than the budget (Step 4 says why). Which one is closest varies with the seed and the machine: that is the point of checking on a shadow period before a threshold goes live.
