"""lstm_helpers.telemanom against Telemanom's own code (vendor_telemanom_errors.py).

(a) 200 random series: default arguments flag exactly what the original flags;
(b) every departure argument: what it changes, on a series built to show it;
(c) small arrays worked out by hand;
(d) hypothesis properties against plain-loop references (and the original itself);
(e) bad input.
"""

from __future__ import annotations

import doctest
import functools
import warnings
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import vendor_telemanom_errors as vendor
from bad_input import junk, outcome, sweep
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from vendor_telemanom_errors import flags_from_E_seq, run_telemanom

from lstm_helpers import telemanom as tm
from lstm_helpers.metrics import alarms

N_PREDICTIONS = 10  # Telemanom's n_predictions: y_test has the next 10 values in each row
USUAL = st.floats(0, 100).map(lambda v: v * (v > 1e-6))
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written to disk
    suppress_health_check=[HealthCheck.too_slow],
)


# ----------------------------------------------------------------------------- helpers


def original_flags(y_test, y_hat, **config):
    """Flags of the vendored original (RuntimeWarnings of its empty means silenced)."""
    return original_run(y_test, y_hat, **config)[0]


def original_run(y_test, y_hat, **config):
    """The original's flags, and each window's first judged position and threshold.

    The thresholds are read by wrapping ErrorWindow.compare_to_epsilon from outside (the
    vendored code is not changed): ``epsilon`` there is the threshold of the pass on errors.
    """
    thresholds = []
    compare = vendor.ErrorWindow.compare_to_epsilon

    def recording(window, errors_all, inverse=False):
        if not inverse:
            batch = window.config.batch_size
            first = window.num_to_ignore if window.window_num == 0 else len(window.e_s) - batch
            thresholds.append((window.window_num * batch + first, window.epsilon))
        return compare(window, errors_all, inverse)

    with (
        warnings.catch_warnings(),
        mock.patch.object(vendor.ErrorWindow, "compare_to_epsilon", recording),
    ):
        warnings.simplefilter("ignore", RuntimeWarning)
        errors = run_telemanom(y_test, y_hat, **config)
    return flags_from_E_seq(errors, len(y_hat)), thresholds


def y_test_of(values):
    """Telemanom's y_test from a raw series: row t holds values[t : t + 10]."""
    return np.lib.stride_tricks.sliding_window_view(values, N_PREDICTIONS).copy()


def positions(flags):
    return np.flatnonzero(np.asarray(flags)).tolist()


def make_case(seed):
    """A random (y_test, y_hat) pair shaped like Telemanom's, with anomalies of many kinds.

    Lengths: seed % 4 == 0 shorter than one history window (260-2099), 1 one or two windows
    (2100-2239), 2 several windows (2240-2599, any remainder modulo the batch), 3 any of these.
    """
    rng = np.random.default_rng(seed)
    low, high = [(260, 2100), (2100, 2240), (2240, 2600), (260, 2600)][seed % 4]
    n = int(rng.integers(low, high))
    t = np.arange(n + N_PREDICTIONS - 1)
    x = np.sin(2 * np.pi * t / rng.uniform(30, 600)) * rng.uniform(0.05, 1)
    x = x + np.cumsum(rng.normal(0, rng.uniform(0, 0.02), t.size))
    if rng.random() < 0.3:
        x = x + np.where(t > rng.integers(0, t.size), rng.uniform(-0.5, 0.5), 0)
    y_test = y_test_of(np.clip(x, -1, 1))
    sigma = 10 ** rng.uniform(-2.5, -0.7)
    err = np.abs(rng.normal(0, sigma, n))
    if rng.random() < 0.3:
        err = err + sigma * rng.uniform(1, 5)  # errors away from 0: drops can show
    for _ in range(int(rng.integers(0, 6))):
        what, a, length = rng.integers(0, 5), int(rng.integers(0, n)), int(rng.integers(1, 250))
        if what == 0:  # spike
            err[a] += sigma * 10 ** rng.uniform(0.5, 2)
        elif what == 1:  # plateau
            err[a : a + length] += sigma * rng.uniform(1, 20)
        elif what == 2:  # drop
            err[a : a + length] *= rng.uniform(0, 0.2)
        elif what == 3:  # spike near the end, where the last window's remainder is
            err[int(rng.integers(max(0, n - 150), n))] += sigma * 10 ** rng.uniform(0.5, 2)
        else:  # spikes close together
            for b in range(a, min(n, a + length), int(rng.integers(2, 30))):
                err[b] += sigma * rng.uniform(2, 30)
    if rng.random() < 0.2:
        err = np.round(err, int(rng.integers(1, 3)))  # ties
    y_hat = y_test[:, 0] + err * rng.choice([-1.0, 1.0], n)
    return y_test, y_hat


def run_both(y_test, y_hat, config=None, **kwargs):
    """The original's (flags, thresholds) and the helper's (flags, DynamicThreshold).

    A ValueError on either side is returned as the string 'ValueError'.
    """
    try:
        original = original_run(y_test, y_hat, **(config or {}))
    except ValueError:
        original = "ValueError"
    errors = np.abs(y_hat - y_test[:, 0])  # Telemanom's e
    try:
        result = tm.dynamic_threshold(errors, y_test, **kwargs)
        helper = (result.flags, result)
    except ValueError:
        helper = "ValueError"
    return original, helper


def same(original, helper):
    """Same flags, and every window's threshold equal to the original's, bit for bit."""
    if isinstance(original, str) or isinstance(helper, str):
        return isinstance(original, str) and isinstance(helper, str)
    (flags, thresholds), (helper_flags, result) = original, helper
    return np.array_equal(flags, helper_flags) and all(
        result.threshold[position] == eps for position, eps in thresholds
    )


# ----------------------------------------------------------------------------- (a) parity

N_RANDOM = 200


@pytest.fixture(scope="module")
def random_runs():
    runs = []
    for seed in range(N_RANDOM):
        y_test, y_hat = make_case(seed)
        runs.append((seed, len(y_hat), *run_both(y_test, y_hat)))
    return runs


def test_default_arguments_flag_what_telemanom_flags_on_200_random_series(random_runs):
    mismatched = [seed for seed, _, original, helper in random_runs if not same(original, helper)]
    assert mismatched == [], f"seeds whose flags differ from Telemanom's: {mismatched}"


def test_the_random_series_cover_what_matters(random_runs):
    lengths = np.array([n for _, n, _, _ in random_runs])
    flagged = [not isinstance(o, str) and o[0].any() for _, _, o, _ in random_runs]
    assert len(random_runs) >= 200
    assert sum(flagged) >= 60  # plenty of series with flags, plenty without
    assert sum(not f for f in flagged) >= 40
    assert (lengths < 2100).sum() >= 40  # shorter than one history window
    several = lengths >= 2240
    assert several.sum() >= 60  # several windows ...
    assert ((lengths[several] - 2100) % 70 != 0).sum() >= 50  # ... with a remainder
    assert sum(f for f, n in zip(flagged, lengths, strict=True) if n >= 2240) >= 20


# ----------------------------------------------------------------------------- (b) departures

# A small Telemanom configuration for hand-built series: history 200 = 10 batches of 20,
# buffer 3, no warm-up, span int(200 * 0.006) = 1 (no smoothing: the series is what is seen).
SMALL = dict(batch_size=20, window_size=10, error_buffer=3, l_s=0, smoothing_perc=0.006)
SMALL_KW = dict(history=200, batch=20, error_buffer=3, warmup=0, span=1)


def sine_y_test(n):
    return y_test_of(np.sin(np.arange(n + N_PREDICTIONS - 1) / 7.0))


def check_default_is_original(err, y_test, config=None, **kwargs):
    """The helper's default flags, after checking that they are the original's."""
    original, helper = run_both(y_test, y_test[:, 0] + err, config, **kwargs)
    assert same(original, helper)
    return helper[0]


def test_warmup_replaces_the_first_smoothed_errors_and_0_is_telemanoms_channel_c2():
    rng = np.random.default_rng(1)
    err = np.abs(rng.normal(0, 0.05, 2600))
    err[300:320] = 2.0
    y_test = sine_y_test(2600)
    result = tm.dynamic_threshold(err, y_test)
    plain = tm.ewma(err, 105)
    assert np.all(result.smoothed[:250] == np.mean(plain[:500]))
    assert np.array_equal(result.smoothed[250:], plain[250:])
    no_warmup = tm.dynamic_threshold(err, y_test, warmup=0)
    assert np.array_equal(no_warmup.smoothed, plain)
    # Telemanom skips the warm-up for its channel C-2 only: warmup=0 is that channel.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        c2 = run_telemanom(y_test, y_test[:, 0] + err, chan_id="C-2")
    assert np.array_equal(flags_from_E_seq(c2, 2600), no_warmup.flags)


def test_ignore_first_decides_whether_the_start_can_be_flagged():
    rng = np.random.default_rng(1)
    err = np.abs(rng.normal(0, 0.05, 2600))
    err[300:320] = 2.0  # an anomaly in the first 500 points (n >= 2500: 2 * l_s ignored)
    y_test = sine_y_test(2600)
    default = check_default_is_original(err, y_test)
    assert not default.any()
    assert np.isnan(tm.dynamic_threshold(err, y_test).threshold[:500]).all()
    flags = tm.dynamic_threshold(err, y_test, ignore_first=0).flags
    assert flags[300:320].all()


def test_judge_remainder_judges_the_points_telemanom_never_judges():
    # n = 2100 + 3 * 70 + 50: the last window is 2150 long, judges [2290, 2360), and the
    # r = 50 points [2240, 2290) are never judged. An anomaly there goes unflagged.
    rng = np.random.default_rng(2)
    err = np.abs(rng.normal(0, 0.05, 2360))
    err[2250:2270] = 2.0
    y_test = sine_y_test(2360)
    default = check_default_is_original(err, y_test)
    assert not default.any()
    assert np.isnan(tm.dynamic_threshold(err, y_test).threshold[2240:2290]).all()
    flags = tm.dynamic_threshold(err, y_test, judge_remainder=True).flags
    assert positions(flags) == list(range(2240, 2360))


def test_search_buffer_error_buffer_counts_sequences_as_the_final_flags_do():
    # Three pairs of spikes 21 apart and a lower lone spike. Widened by 9 (Telemanom's search:
    # error_buffer - 1), each pair is two sequences: 7 at k = 2.5, 6 for k = 3..8, none
    # admissible, k = 12 flags nothing. Widened by 10 (the final flags' buffer), each pair is
    # one sequence and k = 3 flags the pairs.
    err = 1.0 + 0.01 * np.random.default_rng(3).random(400)
    for a in (50, 150, 250):
        err[a] = err[a + 21] = 10.0
    err[350] = 4.0
    y_test = sine_y_test(400)
    config = dict(batch_size=20, window_size=20, error_buffer=10, l_s=0, smoothing_perc=0.003)
    kwargs = dict(history=400, batch=20, error_buffer=10, warmup=0, span=1)
    default = check_default_is_original(err, y_test, config, **kwargs)
    assert not default.any()
    flags = tm.dynamic_threshold(err, y_test, search_buffer=10, **kwargs).flags
    assert positions(flags) == [*range(40, 82), *range(140, 182), *range(240, 282)]
    table = tm.search_k(err, buffer=9)
    assert table["n_sequences"].tolist()[:2] == [7, 6] and not table["admissible"].any()
    assert tm.search_k(err, buffer=10)["n_sequences"].tolist()[:2] == [4, 3]


def test_prune_history_keeps_the_batch_part_of_a_run_whose_peak_is_in_the_history():
    # A spike 2 points before the batch [220, 240) of window [40, 240): its run, widened by
    # 3, reaches 2 points into the batch. Telemanom prunes only those 2 points (their peak is
    # noise) and removes them; pruning the whole run keeps them.
    err = 0.1 + 0.01 * np.random.default_rng(4).random(300)
    err[218] = 5.0
    y_test = sine_y_test(300)
    default = check_default_is_original(err, y_test, SMALL, **SMALL_KW)
    assert positions(default) == [215, 216, 217, 218, 219]
    flags = tm.dynamic_threshold(err, y_test, prune_history=True, **SMALL_KW).flags
    assert positions(flags) == [215, 216, 217, 218, 219, 220, 221]


def test_one_point_alarms_keeps_runs_of_one_point():
    err = 0.1 + 0.01 * np.random.default_rng(5).random(300)
    err[150] = 5.0
    y_test = sine_y_test(300)
    config, kwargs = dict(SMALL, error_buffer=0), dict(SMALL_KW, error_buffer=0)
    default = check_default_is_original(err, y_test, config, **kwargs)
    assert not default.any()  # a run of one point never makes Telemanom's E_seq
    flags = tm.dynamic_threshold(err, y_test, one_point_alarms=True, **kwargs).flags
    assert positions(flags) == [150]


def test_drops_flags_unusually_small_errors():
    err = 1.0 + 0.05 * np.random.default_rng(6).random(400)
    err[200:230] = 0.0  # the model is suddenly perfect: a drop of the error
    y_test = sine_y_test(400)
    config = dict(batch_size=20, window_size=20, error_buffer=3, l_s=0, smoothing_perc=0.003)
    kwargs = dict(history=400, batch=20, error_buffer=3, warmup=0, span=1)
    default = check_default_is_original(err, y_test, config, **kwargs)
    assert positions(default) == list(range(197, 233))
    assert not tm.dynamic_threshold(err, y_test, drops=False, **kwargs).flags.any()


def test_min_error_is_an_absolute_floor_on_the_largest_smoothed_error():
    err = np.full(400, 0.001)
    err[200:210] = 0.04  # the largest error stays below 0.05
    y_test = y_test_of(np.full(409, 0.3))  # constant values: the relative checks pass
    config = dict(batch_size=20, window_size=20, error_buffer=3, l_s=0, smoothing_perc=0.003)
    kwargs = dict(history=400, batch=20, error_buffer=3, warmup=0, span=1)
    assert not check_default_is_original(err, y_test, config, **kwargs).any()
    flags = tm.dynamic_threshold(err, y_test, min_error=None, **kwargs).flags
    assert positions(flags) == list(range(197, 213))


def test_min_scale_compares_errors_with_the_range_of_y_true():
    err = np.full(400, 0.1)
    err[200:210] = 1.0
    y_test = y_test_of(np.linspace(-40, 40, 409))  # 5-95 % range 72: 0.05 * 72 = 3.6 > 1
    kwargs = dict(history=400, batch=20, error_buffer=3, warmup=0, span=1)
    config = dict(batch_size=20, window_size=20, error_buffer=3, l_s=0, smoothing_perc=0.003)
    assert not check_default_is_original(err, y_test, config, **kwargs).any()
    flags = tm.dynamic_threshold(err, y_test, min_scale=None, **kwargs).flags
    assert positions(flags) == list(range(197, 213))
    # Without y_true there is nothing to compare with: only min_error applies.
    assert np.array_equal(tm.dynamic_threshold(err, **kwargs).flags, flags)


def test_a_window_where_everything_is_flagged_is_refused_as_telemanom_fails():
    # Constant errors: std 0, every point is at the threshold (the mean) and flagged; with
    # n < 1800 no point is ignored, so no point is left to serve as the reference.
    err = np.ones(1000)
    y_test = sine_y_test(1000)
    with pytest.raises(ValueError, match="zero-size array"):
        original_flags(y_test, y_test[:, 0] + err)
    with pytest.raises(ValueError, match="every point of the history window"):
        tm.dynamic_threshold(err, y_test)


def test_shorter_than_warmup_is_refused_as_telemanom_fails():
    y_test = sine_y_test(200)
    with pytest.raises(ValueError, match="broadcast"):
        original_flags(y_test, y_test[:, 0] + 0.1)
    with pytest.raises(ValueError, match="warmup=250"):
        tm.dynamic_threshold(np.full(200, 0.1), y_test)
    err = np.abs(np.random.default_rng(11).normal(0, 0.1, 200))
    assert tm.dynamic_threshold(err, y_test, warmup=0).flags.shape == (200,)


def test_an_error_of_1e300_is_flagged():
    err = np.abs(np.random.default_rng(7).normal(0, 0.1, 3000))
    err[1500] = 1e300
    result = tm.dynamic_threshold(err)
    judged = ~np.isnan(result.threshold)  # NaN: the points no window judges
    assert result.flags[1500] and np.isfinite(result.threshold[judged]).all()
    assert result.threshold[1500] > 1e295  # the threshold of that window, in 1e300 units
    # Too wide a range inside one window is refused, never silently wrong:
    err[1500:1510] = 1.7e308
    with pytest.raises(ValueError, match="orders of magnitude"):
        tm.dynamic_threshold(err)


def test_series_in_series_out():
    idx = pd.date_range("2024-01-01", periods=300, freq="min")
    err = pd.Series(0.1 + 0.01 * np.random.default_rng(8).random(300), index=idx)
    err.iloc[150:155] = 5.0
    result = tm.dynamic_threshold(err, warmup=0, history=200, batch=20)
    for field in result:
        assert isinstance(field, pd.Series) and field.index.equals(idx)
    plain = tm.dynamic_threshold(err.to_numpy(), warmup=0, history=200, batch=20)
    assert np.array_equal(result.flags.to_numpy(), plain.flags)


# ----------------------------------------------------------------------------- (c) by hand


def test_ewma_by_hand():
    # span 3: alpha = 0.5, weights 1, 0.5, 0.25 from the newest.
    assert np.allclose(tm.ewma([1.0, 0.0, 0.0], 3), [1, 0.5 / 1.5, 0.25 / 1.75])
    assert np.array_equal(tm.ewma([3.0, 1.0, 4.0], 1), [3.0, 1.0, 4.0])


def test_search_k_by_hand():
    # mean 1, std 3: thresholds 4, 7, 10. The spike is at or above all three (10 >= 10).
    e = [0.0] * 4 + [10.0] + [0.0] * 5
    table = tm.search_k(e, [1.0, 2.0, 3.0], buffer=1)
    assert table["threshold"].tolist() == [4.0, 7.0, 10.0]
    assert table["n_above"].tolist() == [1, 1, 1]
    assert table["n_flagged"].tolist() == [3, 3, 3]  # positions 3, 4, 5
    assert table["n_sequences"].tolist() == [1, 1, 1]
    # below: nine zeros; mean and std drop by 100 %: (1 + 1) / (1**2 + 3) = 0.5
    assert table["objective"].tolist() == [0.5, 0.5, 0.5]
    assert table["chosen"].tolist() == [False, False, True]  # ties go to the larger k


def test_search_k_admissibility_by_hand():
    e = [0.0] * 4 + [10.0] + [0.0] * 5
    assert not tm.search_k(e, [1.0], buffer=3)["admissible"].item()  # 7 of 10 >= half
    assert not tm.search_k(e, [4.0], buffer=1)["admissible"].item()  # nothing above 13
    spikes = np.zeros(100)
    spikes[[10, 30, 50, 70, 90]] = 10
    assert tm.search_k(spikes, [1.0], buffer=1, max_sequences=5)["admissible"].item()
    assert not tm.search_k(spikes, [1.0], buffer=1, max_sequences=4)["admissible"].item()
    # drops: inverted errors mean + (mean - e); a dip of 0 among 1s is at 2 * mean
    dip = np.ones(50)
    dip[20:23] = 0.0
    table = tm.search_k(dip, [2.5], buffer=0, drops=True)
    assert table["n_above"].item() == 3 and table["n_sequences"].item() == 1


def test_prune_by_hand():
    e = np.array([0, 10, 10, 0, 9, 9, 0, 5, 5, 0, 4, 0], dtype=float)
    f = np.array([0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0], dtype=bool)
    # ladder 10, 9, 5, reference 4: drops 0.1 (small), 0.44, 0.2: keep all three
    assert positions(tm.prune(e, f)) == [1, 2, 4, 5, 7, 8]
    # ladder 10, 9, 5, reference 4.6: the last drop is 0.08 (small): remove the 5
    assert positions(tm.prune(e, f, reference=4.6)) == [1, 2, 4, 5]
    # every step small: remove all
    assert positions(tm.prune(e, f, reference=4.6, min_decrease=0.6)) == []
    # min_decrease 0: no step is small (0.1 >= 0): keep all
    assert positions(tm.prune(e, f, reference=4.6, min_decrease=0.0)) == [1, 2, 4, 5, 7, 8]


def test_prune_one_point_runs_and_ties_by_hand():
    e = np.array([0, 10, 10, 0, 3, 0, 0, 10, 10, 0], dtype=float)
    f = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0], dtype=bool)
    # the run of one point (4) is not a sequence: removed because other sequences exist
    assert positions(tm.prune(e, f)) == [1, 2, 7, 8]
    assert positions(tm.prune(e, f, one_point_alarms=True)) == [1, 2, 4, 7, 8]
    # no sequence at all: nothing is pruned, the one-point runs stay
    lone = np.zeros(10, dtype=bool)
    lone[4] = True
    assert positions(tm.prune(e, lone, reference=2.9)) == [4]
    # equal peaks share their fate (ladder 10, 10, 9.5: every drop small: both go)
    assert positions(tm.prune(e, f, reference=9.5)) == []


def test_windows_by_hand():
    table = tm.windows(2300, 2100, 70, ignore_first=250)
    assert table.values.tolist() == [[0, 2100, 250], [70, 2170, 2100], [140, 2300, 2230]]
    # 2300 - 2100 = 200 = 2 * 70 + 60: [2170, 2230) is never judged ...
    remainder = tm.windows(2300, 2100, 70, judge_remainder=True)
    assert remainder.values.tolist()[-1] == [140, 2300, 2170]  # ... unless asked
    assert tm.windows(2000).values.tolist() == [[0, 2000, 0]]
    assert tm.windows(2169).values.tolist() == [[0, 2169, 0]]
    assert tm.windows(2170).values.tolist() == [[0, 2100, 0], [70, 2170, 2100]]


def test_telemanom_defaults():
    assert tm.K_VALUES.tolist() == [2.5 + 0.5 * i for i in range(19)]
    assert tm.K_FALLBACK == 12.0
    err = np.abs(np.random.default_rng(9).normal(0, 0.1, 2600))
    result = tm.dynamic_threshold(err)
    assert np.array_equal(result.smoothed[250:], tm.ewma(err, 105)[250:])  # span 105


# ----------------------------------------------------------------------------- (d) properties


def loop_ewma(e, span):
    alpha = 2 / (span + 1)
    out = []
    for t in range(len(e)):
        weights = [(1 - alpha) ** i for i in range(t + 1)]
        out.append(sum(w * e[t - i] for i, w in enumerate(weights)) / sum(weights))
    return out


@PROPERTY
@given(
    arrays(np.float64, st.integers(1, 40), elements=st.floats(0, 1e6)),
    st.floats(1, 50),
)
def test_ewma_is_the_weighted_mean(e, span):
    assert np.allclose(tm.ewma(e, span), loop_ewma(e.tolist(), span), rtol=1e-9, atol=1e-300)


def loop_search_row(e, k, buffer, drops):
    """One row of the search, with loops and sets, as Telemanom's find_epsilon reads."""
    n = len(e)
    mean, std = np.mean(e), np.std(e)  # the same floats as Telemanom's np.mean, np.std
    values = [mean + (mean - v) for v in e] if drops else list(e)
    threshold = mean + k * std
    above = [i for i in range(n) if values[i] >= threshold]
    flagged = sorted({j for i in above for j in range(i - buffer, i + buffer + 1) if 0 <= j < n})
    runs, run = [], []
    for j in flagged:
        if run and j != run[-1] + 1:
            runs.append(run)
            run = []
        run.append(j)
    if run:
        runs.append(run)
    n_sequences = sum(1 for r in runs if len(r) > 1)
    return len(above), len(flagged), n_sequences


@PROPERTY
@given(
    # values of usual magnitudes (below 1e-6: 0), where Telemanom's float64 arithmetic is safe
    arrays(np.float64, st.integers(2, 60), elements=USUAL),
    st.integers(0, 6),
    st.booleans(),
)
def test_search_k_counts_as_loops_do(e, buffer, drops):
    table = tm.search_k(e, buffer=buffer, drops=drops)
    for row in table.itertuples():
        assert (row.n_above, row.n_flagged, row.n_sequences) == loop_search_row(
            e, row.k, buffer, drops
        )
    ok = table[table["admissible"] & table["objective"].notna()]
    assert table["chosen"].sum() == (1 if len(ok) else 0)
    if len(ok):  # the chosen row: the largest objective, the larger k on ties
        best = ok["objective"].max()
        assert table.loc[table["chosen"], "k"].item() == ok.loc[ok["objective"] == best, "k"].max()


def loop_prune(peaks, reference, p):
    """Telemanom's prune_anoms loop: indices of the sequences it removes."""
    ladder = [*sorted(peaks, reverse=True), reference]
    to_remove = []
    for i in range(len(ladder) - 1):
        with np.errstate(divide="ignore", invalid="ignore"):
            drop = np.float64(ladder[i] - ladder[i + 1]) / np.float64(ladder[i])
        if drop < p:
            to_remove += [j for j, peak in enumerate(peaks) if peak == ladder[i]]
        else:
            to_remove = []
    return set(to_remove)


@PROPERTY
@given(
    arrays(np.float64, st.integers(1, 50), elements=st.sampled_from([0.0, 1.0, 2.0, 2.5, 7.0])),
    arrays(np.bool_, 50),
    st.floats(0, 1),
)
def test_prune_removes_what_telemanoms_loop_removes(e, f, p):
    f = f[: e.size]
    if f.all():
        return
    runs = alarms(f)
    sequences = runs[runs["n_points"] > 1]
    kept = tm.prune(e, f, min_decrease=p)
    if sequences.empty:
        assert np.array_equal(kept, f)
        return
    peaks = [e[a : b + 1].max() for a, b in zip(sequences["first"], sequences["last"], strict=True)]
    removed = loop_prune(peaks, e[~f].max(), p)
    expected = np.zeros_like(f)
    for j, (a, b) in enumerate(zip(sequences["first"], sequences["last"], strict=True)):
        if j not in removed:
            expected[a : b + 1] = True
    assert np.array_equal(kept, expected)


@PROPERTY
@given(st.integers(1, 5000), st.integers(1, 40), st.integers(1, 200), st.integers(0, 600))
def test_windows_are_telemanoms_loop(n, window_size, batch, ignore):
    history = window_size * batch
    # Telemanom: adjust_window_size, then process_batches' loop (n_windows with int()).
    ws = window_size
    n_windows = int((n - batch * ws) / batch)
    while n_windows < 0:
        ws -= 1
        n_windows = int((n - batch * ws) / batch)
    expected = []
    for i in range(n_windows + 1):
        prior_idx = i * batch
        idx = history + i * batch if i != n_windows else n
        first = min(ignore, idx) if i == 0 else (idx - prior_idx) - batch + prior_idx
        expected.append([prior_idx, idx, first])
    got = tm.windows(n, history, batch, ignore_first=ignore)
    assert got.values.tolist() == expected


@st.composite
def small_telemanom_case(draw):
    """A short series and a small Telemanom configuration (many windows, cheap to run)."""
    batch = draw(st.integers(5, 25))
    window_size = draw(st.integers(1, 6))
    l_s = draw(st.integers(0, 20))
    n = draw(st.integers(max(l_s, 1), 260))
    config = dict(
        batch_size=batch,
        window_size=window_size,
        error_buffer=draw(st.integers(0, 12)),
        l_s=l_s,
        smoothing_perc=draw(st.sampled_from([0.01, 0.05, 0.1, 0.2])),
        p=draw(st.sampled_from([0.0, 0.05, 0.13, 0.3])),
    )
    kind = draw(st.sampled_from(["hypothesis", "numpy"]))
    if kind == "hypothesis":  # edge cases: zeros, ties, constants
        err = draw(arrays(np.float64, n, elements=st.sampled_from([0.0, 0.01, 0.2, 1.0, 3.0])))
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        err = np.abs(rng.normal(0, 0.1, n))
        for _ in range(int(rng.integers(0, 4))):
            a = int(rng.integers(0, n))
            err[a : a + int(rng.integers(1, 20))] *= rng.choice([0.0, 5.0, 20.0])
    y_test = y_test_of(np.sin(np.arange(n + N_PREDICTIONS - 1) / draw(st.floats(2, 50))))
    return err, y_test, config


@PROPERTY
@given(small_telemanom_case())
def test_any_configuration_flags_what_telemanom_flags(case):
    err, y_test, config = case
    history = config["batch_size"] * config["window_size"]
    span = int(history * config["smoothing_perc"])
    if span < 1:  # pandas refuses a span < 1 in the original
        return
    kwargs = dict(
        history=history,
        batch=config["batch_size"],
        span=span,
        warmup=config["l_s"],
        error_buffer=config["error_buffer"],
        min_decrease=config["p"],
    )
    original, helper = run_both(y_test, y_test[:, 0] + err, config, **kwargs)
    assert same(original, helper)


@functools.cache
def short_case(seed):
    """A short random case (one window) and the helper's result on it, computed once."""
    y_test, y_hat = make_case(4 * seed)  # seed % 4 == 0: shorter than one history window
    err = np.abs(y_hat - y_test[:, 0])
    return err, y_test, tm.dynamic_threshold(err, y_test)


@PROPERTY
@given(st.integers(0, 24), st.integers(-1000, 1000))
def test_a_power_of_two_changes_nothing(seed, k):
    err, y_test, a = short_case(seed)
    big_err, big_y = np.ldexp(err, k), np.ldexp(y_test, k)
    back_err, back_y = np.ldexp(big_err, -k), np.ldexp(big_y, -k)
    if not (np.array_equal(back_err, err) and np.array_equal(back_y, y_test)):
        return  # the scaled data lost bits (subnormal numbers): not the same data
    b = tm.dynamic_threshold(big_err, big_y, min_error=np.ldexp(0.05, k))
    assert np.array_equal(a.flags, b.flags)
    assert np.array_equal(np.ldexp(a.threshold, k), b.threshold, equal_nan=True)
    assert np.array_equal(np.ldexp(a.smoothed, k), b.smoothed)


# ----------------------------------------------------------------------------- (e) bad input

GOOD = np.full(300, 0.1)


@pytest.mark.parametrize(
    ("errors", "kwargs", "exc", "match"),
    [
        (None, {}, TypeError, "errors must be a numeric"),
        ("abc", {}, TypeError, "errors must be a numeric"),
        (["a"] * 300, {}, TypeError, "errors must hold numbers"),
        (np.zeros((300, 2)), {}, ValueError, "errors must be a non-empty 1-D"),
        (pd.DataFrame({"a": GOOD}), {}, TypeError, "errors must be 1-D"),
        (np.array([]), {}, ValueError, "errors must be a non-empty 1-D"),
        (np.r_[GOOD, np.nan], {}, ValueError, "errors must be finite"),
        (np.r_[GOOD, np.inf], {}, ValueError, "errors must be finite"),
        (np.r_[GOOD, -0.1], {}, ValueError, "errors must be non-negative"),
        (GOOD, {"y_true": np.zeros(299)}, ValueError, r"y_true must have shape \(300,\)"),
        (GOOD, {"y_true": np.zeros((300, 2, 2))}, ValueError, "y_true must have shape"),
        (GOOD, {"y_true": np.r_[np.zeros(299), np.nan]}, ValueError, "y_true must be finite"),
        (GOOD, {"y_true": "abc"}, TypeError, "y_true must be a numeric"),
        (GOOD, {"history": 2100.0}, TypeError, "history must be an integer"),
        (GOOD, {"history": 0}, ValueError, "history must be >= 1"),
        (GOOD, {"batch": True}, TypeError, "batch must be an integer"),
        (GOOD, {"history": 50, "batch": 70}, ValueError, "batch must be <= history"),
        (GOOD, {"span": 0.5}, ValueError, "span must be >= 1"),
        (GOOD, {"span": "105"}, TypeError, "span must be a real number"),
        (GOOD, {"warmup": -1}, ValueError, "warmup must be >= 0"),
        (GOOD, {"warmup": 301}, ValueError, "fewer than warmup=301"),
        (GOOD, {"ignore_first": 1.5}, TypeError, "ignore_first must be an integer"),
        (GOOD, {"k_values": [3.0, 2.5]}, ValueError, "k_values must be strictly increasing"),
        (GOOD, {"k_values": []}, ValueError, "k_values must be a non-empty"),
        (GOOD, {"k_values": [np.nan]}, ValueError, "k_values must be finite"),
        (GOOD, {"k_fallback": np.inf}, ValueError, "k_fallback must be finite"),
        (GOOD, {"error_buffer": -1}, ValueError, "error_buffer must be >= 0"),
        (GOOD, {"search_buffer": 2.0}, TypeError, "search_buffer must be an integer"),
        (GOOD, {"max_sequences": -1}, ValueError, "max_sequences must be >= 0"),
        (GOOD, {"max_flagged_fraction": 0}, ValueError, r"max_flagged_fraction must be in \(0, "),
        (GOOD, {"max_flagged_fraction": 1.5}, ValueError, r"must be in \(0, 1\]; got 1.5"),
        (GOOD, {"min_decrease": -0.1}, ValueError, "min_decrease must be >= 0"),
        (GOOD, {"min_error": -1}, ValueError, "min_error must be >= 0"),
        (GOOD, {"min_scale": np.nan}, ValueError, "min_scale must be finite"),
        (GOOD, {"drops": 1}, TypeError, "drops must be True or False"),
        (GOOD, {"judge_remainder": "yes"}, TypeError, "judge_remainder must be True or False"),
        (GOOD, {"prune_history": None}, TypeError, "prune_history must be True or False"),
        (GOOD, {"one_point_alarms": 0}, TypeError, "one_point_alarms must be True or False"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(errors, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        tm.dynamic_threshold(errors, **kwargs)


def test_bad_input_of_the_steps_is_refused():
    with pytest.raises(ValueError, match="span must be >= 1"):
        tm.ewma(GOOD, 0)
    with pytest.raises(ValueError, match="smoothed must be non-negative"):
        tm.search_k([1.0, -1.0])
    with pytest.raises(TypeError, match="buffer must be an integer"):
        tm.search_k(GOOD, buffer=1.5)
    with pytest.raises(TypeError, match="flags must hold booleans"):
        tm.prune(GOOD, np.zeros(300))
    with pytest.raises(ValueError, match=r"flags must have the shape of smoothed, \(300,\)"):
        tm.prune(GOOD, np.zeros(5, dtype=bool))
    with pytest.raises(ValueError, match="every point is flagged"):
        tm.prune(GOOD, np.ones(300, dtype=bool))
    with pytest.raises(ValueError, match="reference must be finite"):
        tm.prune(GOOD, np.zeros(300, dtype=bool), reference=np.nan)
    with pytest.raises(ValueError, match="n must be >= 1"):
        tm.windows(0)
    unsorted = pd.Series(GOOD, index=np.arange(300)[::-1])
    with pytest.raises(ValueError, match="errors must be in time order"):
        tm.dynamic_threshold(unsorted)
    with pytest.raises(ValueError, match="same index"):
        tm.dynamic_threshold(pd.Series(GOOD), pd.Series(GOOD, index=np.arange(1, 301)))


def test_the_docstring_example_runs():
    failures, tried = doctest.testmod(tm, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


def test_errors_are_not_modified():
    err = np.abs(np.random.default_rng(10).normal(0, 0.1, 2300))
    before = err.copy()
    tm.dynamic_threshold(err)
    assert np.array_equal(err, before)


# ----------------------------------------------------------------------------- every bad input
# (issue 26: each argument of each function gets every named bad value, then random ones)

SWEEP_ERRORS = np.abs(np.random.default_rng(1).normal(size=400)) * 0.1
SWEEP_GOOD = {
    "ewma": (tm.ewma, {"errors": SWEEP_ERRORS, "span": 5.0}),
    "search_k": (
        tm.search_k,
        {
            "smoothed": SWEEP_ERRORS,
            "k_values": [2.0, 3.0],
            "buffer": 5,
            "max_sequences": 5,
            "max_flagged_fraction": 0.5,
            "drops": False,
            "one_point_alarms": False,
        },
    ),
    "prune": (
        tm.prune,
        {
            "smoothed": SWEEP_ERRORS,
            "flags": SWEEP_ERRORS > 0.2,
            "reference": 0.1,
            "min_decrease": 0.13,
            "one_point_alarms": False,
        },
    ),
    "windows": (
        tm.windows,
        {"n": 400, "history": 100, "batch": 10, "ignore_first": 0, "judge_remainder": False},
    ),
    "dynamic_threshold": (
        tm.dynamic_threshold,
        {
            "errors": SWEEP_ERRORS,
            "y_true": None,
            "history": 100,
            "batch": 10,
            "span": 5.0,
            "warmup": 50,
        },
    ),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: any integer where
#: a count is asked, any real where a number is, a timezone-aware Series of errors, float16
#: errors (computed in float64), None where it is the default.
INTS, REALS, FLAGS = {"i64", "zero"}, {"f32", "float", "frac", "i64", "zero"}, {"bool"}
SWEEP_ACCEPTED = {
    "ewma": {"errors": {"f16big", "tzseries"}, "span": {"big", "float", "i64"}},
    "search_k": {
        "smoothed": {"f16big", "tzseries"},
        "buffer": INTS,
        "max_sequences": INTS,
        "max_flagged_fraction": {"f32", "frac"},
        "drops": FLAGS,
        "one_point_alarms": FLAGS,
    },
    "prune": {
        "reference": REALS | {"None", "neg"},
        "min_decrease": REALS | {"big"},
        "one_point_alarms": FLAGS,
    },
    "windows": {"n": {"i64"}, "batch": {"i64"}, "ignore_first": INTS, "judge_remainder": FLAGS},
    "dynamic_threshold": {
        "y_true": {"None"},
        "batch": {"i64"},
        "span": {"None", "big", "float", "i64"},
        "warmup": INTS,
    },
}


def test_every_bad_value_is_refused_clearly_or_accepted_on_purpose():
    surprises = []
    for name, (function, good) in SWEEP_GOOD.items():
        surprises += sweep(function, good, SWEEP_ACCEPTED[name])
    assert surprises == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SWEEP_GOOD)), st.data())
def test_random_bad_values_raise_a_clear_error_or_none(name, data):
    function, good = SWEEP_GOOD[name]
    arg = data.draw(st.sampled_from(sorted(good)))
    outcome(function, {**good, arg: data.draw(junk)})
