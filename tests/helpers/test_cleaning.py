"""lh.clean_series: hand-worked series, properties against a plain-loop reference,
causality by perturbation on the raw series, daylight saving, gaps, repeats, bad input."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from bad_input import junk, outcome, sweep
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from lstm_helpers.cleaning import clean_series

NY = "America/New_York"
NAB = Path(os.environ.get("LSTM_HELPERS_DATA", "/nonexistent")) / "data"
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def ser(stamps, values, name="value") -> pd.Series:
    """A raw series from text stamps and values, in the given (file) order."""
    return pd.Series(
        np.asarray(values, dtype=float), index=pd.DatetimeIndex(pd.to_datetime(stamps)), name=name
    )


def regular(start, n, freq, values=None) -> pd.Series:
    idx = pd.date_range(start, periods=n, freq=freq)
    vals = np.arange(1, n + 1, dtype=float) if values is None else np.asarray(values, dtype=float)
    return pd.Series(vals, index=idx, name="value")


def check(report, name):
    return next(c for c in report.checks if c.name == name)


# ============================================================================ hand-worked
class TestEndStamping:
    def test_levels_are_averaged_into_bins_stamped_by_their_end(self):
        raw = regular("2014-01-01 00:05", 6, "5min")  # 00:05 .. 00:30, values 1..6
        out, rep = clean_series(raw, kind="level", step="15min")
        assert list(out.index.strftime("%H:%M")) == ["00:15", "00:30"]
        assert out.tolist() == [2.0, 5.0]  # mean(1,2,3), mean(4,5,6)
        assert rep.step == pd.Timedelta("15min") and rep.native_step == pd.Timedelta("5min")

    def test_a_reading_on_a_bin_edge_belongs_to_the_bin_it_ends(self):
        raw = regular("2014-01-01 00:00", 4, "5min")  # 00:00 .. 00:15
        out, _ = clean_series(raw, kind="level", step="15min")
        assert out.to_dict() == {
            pd.Timestamp("2014-01-01 00:00"): 1.0,
            pd.Timestamp("2014-01-01 00:15"): 3.0,
        }

    def test_no_value_is_stamped_before_a_reading_it_holds(self):
        # the 'resample().mean()' default stamps 00:15 with 00:15..00:25: looking ahead
        raw = regular("2014-01-01 00:01", 40, "4min")
        out, rep = clean_series(raw, kind="level", step="15min")
        for t in out.index:
            inside = raw[(raw.index > t - rep.step) & (raw.index <= t)]
            assert (inside.index <= t).all() and math.isclose(out[t], inside.mean())
        legacy = raw.resample("15min").mean()  # pandas' default, for contrast
        assert legacy.index[0] < raw.index[raw.index < legacy.index[0] + pd.Timedelta("15min")][-1]

    def test_counts_are_summed_and_a_partial_bin_is_missing(self):
        raw = regular("2014-01-01 00:10", 5, "5min", [1, 2, 3, 4, 5])  # 00:10 .. 00:30
        out, rep = clean_series(raw, kind="count", step="15min")
        # (00:00, 00:15] holds 00:10, 00:15 only: 2 of 3 periods -> missing, not 3
        assert np.isnan(out["2014-01-01 00:15"]) and out["2014-01-01 00:30"] == 12.0
        assert "1 incomplete bin(s)" in check(rep, "binning").found

    def test_step_none_keeps_a_regular_series_as_it_is(self):
        raw = regular("2014-04-10 00:04", 50, "5min")
        out, rep = clean_series(raw, kind="level")
        pd.testing.assert_series_equal(out, raw, check_freq=False)
        assert not any(c.changed for c in rep.checks)

    def test_an_off_grid_stamp_moves_forward_to_the_next_grid_time(self):
        raw = ser(
            [
                "2014-01-01 00:00",
                "2014-01-01 00:05",
                "2014-01-01 00:07",
                "2014-01-01 00:10",
                "2014-01-01 00:15",
                "2014-01-01 00:20",
            ],
            [1, 2, 3, 5, 6, 7],
        )
        out, rep = clean_series(raw, kind="level")  # native 5min: grid 00:00, 00:05, ...
        assert out.tolist() == [1.0, 2.0, 4.0, 6.0, 7.0]  # 00:07 joins the bin ending 00:10
        assert check(rep, "step").found == "native step 5min (2 other step(s))"

    def test_start_labelled_counts_move_to_the_end_of_their_period(self):
        # taxi-like half-hours stamped by their start: 00:00 holds 00:00-00:30
        raw = regular("2014-07-01 00:00", 4, "30min", [10, 20, 30, 40])
        out, rep = clean_series(raw, kind="count", step="1h", raw_label="start")
        assert out.to_dict() == {
            pd.Timestamp("2014-07-01 01:00"): 30.0,
            pd.Timestamp("2014-07-01 02:00"): 70.0,
        }
        assert rep.shift == pd.Timedelta("30min")

    def test_output_is_float_regular_and_keeps_the_name(self):
        raw = regular("2014-01-01", 10, "5min").astype(int).rename("x")
        out, _ = clean_series(raw, kind="count", step="10min")
        assert out.dtype == float and out.name == "x" and out.index.freq == "10min"

    def test_one_column_dataframe_is_accepted(self):
        raw = regular("2014-01-01", 6, "5min").to_frame("value")
        out, _ = clean_series(raw, kind="level", step="15min")
        assert len(out) == 3


class TestRepeatsAndOrder:
    def test_first_reading_of_a_repeated_stamp_is_kept_and_reported(self):
        raw = ser(
            [
                "2014-01-01 00:00",
                "2014-01-01 00:05",
                "2014-01-01 00:05",
                "2014-01-01 00:10",
                "2014-01-01 00:10",
            ],
            [1, 2, 9, 3, 3],
        )
        out, rep = clean_series(raw, kind="level")
        assert out.tolist() == [1.0, 2.0, 3.0]
        c = check(rep, "repeated timestamps")
        assert c.changed and c.found == (
            "2 timestamp(s) repeated, 2 extra row(s), 1 with different values"
        )

    def test_a_clock_that_goes_back_keeps_the_first_pass(self):
        # machine_temperature: 02:55 is followed by 02:00 .. 02:55 again
        first = pd.date_range("2014-01-07 01:50", "2014-01-07 02:55", freq="5min")
        again = pd.date_range("2014-01-07 02:00", "2014-01-07 03:10", freq="5min")
        raw = pd.Series(
            np.r_[np.arange(len(first)), 100 + np.arange(len(again))],
            index=first.append(again),
            dtype=float,
        )
        out, rep = clean_series(raw, kind="level")
        assert out["2014-01-07 02:30"] == float(first.get_loc(pd.Timestamp("2014-01-07 02:30")))
        assert out["2014-01-07 03:00"] == 100 + 12  # the second pass resumes at 03:00
        assert check(rep, "repeated timestamps").found.startswith("12 timestamp(s) repeated")
        assert check(rep, "order").found == "1 step(s) back in time"
        assert out.index.is_monotonic_increasing and out.index.is_unique

    def test_unsorted_input_gives_the_sorted_result(self):
        raw = regular("2014-01-01", 30, "5min", np.random.default_rng(0).normal(size=30))
        shuffled = raw.sample(frac=1, random_state=1)
        a, _ = clean_series(raw, kind="level", step="15min")
        b, rep = clean_series(shuffled, kind="level", step="15min")
        pd.testing.assert_series_equal(a, b)
        assert check(rep, "order").changed

    def test_many_rows_at_one_stamp_after_a_missing_hour(self):
        # the AWS artefact: the readings of 02:01..02:56 all stamped 03:00
        before = pd.date_range("2014-03-09 01:41", "2014-03-09 01:56", freq="5min")
        after = pd.date_range("2014-03-09 03:01", "2014-03-09 03:16", freq="5min")
        idx = before.append(pd.DatetimeIndex([pd.Timestamp("2014-03-09 03:00")] * 12)).append(after)
        raw = pd.Series(np.arange(len(idx), dtype=float), index=idx)
        out, rep = clean_series(raw, kind="level", max_gap="1h")
        assert out["2014-03-09 03:01"] == np.mean([4.0, 16.0])  # first 03:00 row and 03:01
        assert rep.filled.sum() == 12 and out.notna().all()
        assert check(rep, "repeated timestamps").found.startswith("1 timestamp(s) repeated, 11")

    def test_nan_values_are_dropped_and_counted(self):
        raw = regular("2014-01-01", 8, "5min", [1, np.nan, 3, 4, 5, np.nan, 7, 8])
        out, rep = clean_series(raw, kind="level")
        assert check(rep, "missing values").found == "2 NaN value(s)"
        assert out.isna().sum() == 2  # empty bins, no max_gap: left NaN
        assert rep.long_gaps == [
            (pd.Timestamp("2014-01-01 00:05"),) * 2,
            (pd.Timestamp("2014-01-01 00:25"),) * 2,
        ]


class TestGaps:
    raw = ser(
        [
            "2014-01-01 00:00",
            "2014-01-01 00:05",
            "2014-01-01 00:25",
            "2014-01-01 00:30",
            "2014-01-01 02:00",
        ],
        [1, 2, 3, 4, 5],
    )

    def test_without_max_gap_nothing_is_filled_and_every_gap_is_listed(self):
        out, rep = clean_series(self.raw, kind="level")
        assert out.isna().sum() == 3 + 17 and not rep.filled.any()
        assert rep.gaps.n_steps.tolist() == [3, 17]
        assert rep.long_gaps == [
            (pd.Timestamp("2014-01-01 00:10"), pd.Timestamp("2014-01-01 00:20")),
            (pd.Timestamp("2014-01-01 00:35"), pd.Timestamp("2014-01-01 01:55")),
        ]
        assert rep.segments[0] == (
            pd.Timestamp("2014-01-01 00:00"),
            pd.Timestamp("2014-01-01 00:05"),
        )

    def test_short_gap_carried_forward_long_gap_only_while_young_enough(self):
        out, rep = clean_series(self.raw, kind="level", max_gap="15min")
        assert out["2014-01-01 00:10":"2014-01-01 00:20"].tolist() == [2.0, 2.0, 2.0]
        # the long gap: 00:35 .. 00:45 carry 4 (at most 15 min old), then NaN until 02:00
        assert out["2014-01-01 00:35":"2014-01-01 00:45"].tolist() == [4.0, 4.0, 4.0]
        assert out["2014-01-01 00:50":"2014-01-01 01:55"].isna().all()
        assert rep.gaps.n_filled.tolist() == [3, 3]
        assert rep.long_gaps == [
            (pd.Timestamp("2014-01-01 00:50"), pd.Timestamp("2014-01-01 01:55"))
        ]
        assert len(rep.segments) == 2 and rep.filled.sum() == 6

    def test_never_the_value_after_the_gap(self):
        out, _ = clean_series(self.raw, kind="level", max_gap="1D")
        assert (out["2014-01-01 00:35":"2014-01-01 01:55"] == 4.0).all()  # not a ramp to 5

    def test_max_gap_zero_fills_nothing(self):
        out, rep = clean_series(self.raw, kind="level", max_gap="0min")
        assert not rep.filled.any() and out.isna().sum() == 20

    def test_segments_window_without_nan(self):
        import lstm_helpers as lh

        out, rep = clean_series(self.raw, kind="level", max_gap="15min")
        pieces = [lh.make_windows(out[a:b], 2) for a, b in rep.segments if len(out[a:b]) >= 2]
        assert sum(len(p) for p in pieces) == (10 - 1) + (1 - 1)
        # The whole series' windows keep the gap as NaN (never a made-up value): some of them
        # hold it, which is why a model trains on the segments' windows.
        whole = lh.make_windows(out, 2)
        assert np.isnan(whole).any() and not any(np.isnan(p).any() for p in pieces)


class TestDaylightSaving:
    def taxi_like(self):
        """Half-hour counts stamped by their start; the 01:00 and 01:30 hold two periods."""
        idx = pd.date_range("2014-11-01 23:00", "2014-11-02 03:30", freq="30min")
        vals = np.full(len(idx), 100.0)
        vals[idx.isin(pd.to_datetime(["2014-11-02 01:00", "2014-11-02 01:30"]))] = 200.0
        return pd.Series(vals, index=idx, name="passengers")

    def test_fall_back_counts_are_set_missing_not_kept_doubled(self):
        out, rep = clean_series(self.taxi_like(), kind="count", local_tz=NY, raw_label="start")
        # moved to their ends: 01:30 and 02:00 hold the doubled periods
        assert out["2014-11-02 01:30":"2014-11-02 02:00"].isna().all()
        assert (out.drop(pd.to_datetime(["2014-11-02 01:30", "2014-11-02 02:00"])) == 100).all()
        c = check(rep, "daylight saving")
        assert "fall back 2014-11-02" in c.found and "2 count(s)" in c.found

    def test_fall_back_counts_carried_forward_within_max_gap_hourly(self):
        out, rep = clean_series(
            self.taxi_like(), kind="count", step="1h", max_gap="1h", local_tz=NY, raw_label="start"
        )
        assert out["2014-11-02 02:00"] == 200.0 and rep.filled["2014-11-02 02:00"]
        assert out.max() == 200.0  # never 400: the doubled hour is gone

    def test_without_local_tz_the_doubling_stays_and_is_not_checked(self):
        out, rep = clean_series(self.taxi_like(), kind="count", step="1h", raw_label="start")
        assert out["2014-11-02 02:00"] == 400.0
        assert check(rep, "daylight saving").found == "not checked (local_tz=None)"

    def test_end_labelled_counts_doubled_bins_are_the_ones_ending_in_the_hour(self):
        raw = self.taxi_like()
        raw.index = raw.index + pd.Timedelta("30min")  # same data, stamped by the end
        out, _ = clean_series(raw, kind="count", local_tz=NY, raw_label="end")
        assert out.isna().sum() == 2 and out["2014-11-02 01:30":"2014-11-02 02:00"].isna().all()

    def test_counts_written_twice_in_the_repeated_hour_keep_the_first(self):
        idx = pd.to_datetime(
            [
                "2014-11-02 00:30",
                "2014-11-02 01:00",
                "2014-11-02 01:30",
                "2014-11-02 01:00",
                "2014-11-02 01:30",
                "2014-11-02 02:00",
            ]
        )
        raw = pd.Series([10.0, 11, 12, 21, 22, 13], index=idx)
        out, rep = clean_series(raw, kind="count", local_tz=NY, raw_label="start")
        assert out.tolist() == [10.0, 11.0, 12.0, 13.0]
        assert "0 count(s) spanning" in check(rep, "daylight saving").found

    def test_fall_back_levels_read_twice_keep_the_first_pass(self):
        first = pd.date_range("2014-11-02 00:30", "2014-11-02 01:55", freq="5min")
        again = pd.date_range("2014-11-02 01:00", "2014-11-02 02:30", freq="5min")
        raw = pd.Series(np.r_[np.zeros(len(first)), np.ones(len(again))], index=first.append(again))
        out, rep = clean_series(raw, kind="level", step="15min", local_tz=NY)
        assert (out[:"2014-11-02 01:45"] == 0).all() and (out["2014-11-02 02:15":] == 1).all()
        assert out["2014-11-02 02:00"] == pytest.approx(1 / 3)  # 01:50, 01:55 first pass, 02:00
        assert "first reading at 12 clock time(s) read twice" in check(rep, "daylight saving").done

    def test_spring_forward_levels_the_skipped_hour_is_a_reported_gap(self):
        idx = pd.date_range("2014-03-09 00:00", "2014-03-09 01:55", freq="5min").append(
            pd.date_range("2014-03-09 03:00", "2014-03-09 04:00", freq="5min")
        )
        raw = pd.Series(np.arange(len(idx), dtype=float), index=idx)
        out, rep = clean_series(raw, kind="level", step="15min", max_gap="1h", local_tz=NY)
        gap = rep.gaps.iloc[0]
        # (01:45, 02:00] holds 01:50, 01:55; (02:45, 03:00] holds 03:00; the 3 bins between
        # start at clock times that never happened
        assert (gap.start, gap.end) == (
            pd.Timestamp("2014-03-09 02:15"),
            pd.Timestamp("2014-03-09 02:45"),
        )
        assert bool(gap.daylight_saving) and gap.n_filled == 3
        assert out["2014-03-09 02:45"] == out["2014-03-09 02:00"]  # carried, not invented

    def test_spring_forward_levels_read_inside_the_skipped_hour_are_refused(self):
        raw = regular("2014-03-09 01:00", 36, "5min")  # 01:00 .. 03:55, through 02:xx
        with pytest.raises(ValueError, match="do not exist in America/New_York"):
            clean_series(raw, kind="level", local_tz=NY)
        out, _ = clean_series(raw, kind="level")  # fine without the claim of local time
        assert out.notna().all()

    def test_spring_forward_counts_written_for_the_skipped_hour_are_missing(self):
        raw = regular("2014-03-09 01:00", 8, "30min", [5, 5, 0, 0, 5, 5, 5, 5])  # 02:00, 02:30 = 0
        out, rep = clean_series(raw, kind="count", local_tz=NY, raw_label="start")
        assert out.isna().sum() == 2 and out.min() == 5
        assert "2 in a skipped hour" in check(rep, "daylight saving").found

    def test_no_transition_in_range(self):
        _, rep = clean_series(regular("2014-07-01", 10, "1h"), kind="level", local_tz=NY)
        assert check(rep, "daylight saving").found.startswith("no clock change")

    def test_other_zones_work_too(self):
        idx = pd.date_range("2014-10-26 01:00", "2014-10-26 03:30", freq="30min")  # Berlin
        raw = pd.Series(1.0, index=idx)
        out, rep = clean_series(raw, kind="count", local_tz="Europe/Berlin", raw_label="start")
        assert (
            out.isna().sum() == 2 and "fall back 2014-10-26" in check(rep, "daylight saving").found
        )


class TestReport:
    def test_summary_and_table(self):
        raw = ser(
            ["2014-01-01 00:10", "2014-01-01 00:00", "2014-01-01 00:00", "2014-01-01 00:30"],
            [2, 1, 5, 4],
        )
        out, rep = clean_series(raw, kind="level", max_gap="10min")
        text = str(rep)
        assert text.splitlines()[0].startswith("clean_series: 4 raw rows -> 4 points every 10min")
        assert "repeated timestamps" in text and "order" in text and "gaps" in text
        assert "missing values" not in text  # nothing found, nothing shown
        assert list(rep.table().check) == [
            "missing values",
            "repeated timestamps",
            "order",
            "step",
            "daylight saving",
            "stamp = start of period",
            "binning",
            "gaps",
        ]
        assert rep.filled.index.equals(out.index) and rep.filled.dtype == bool

    def test_spans_on_grid_round_ends_up_to_the_bin_that_holds_them(self):
        raw = regular("2014-04-10 00:04", 100, "5min")
        _, rep = clean_series(raw, kind="level", step="15min")
        assert rep.spans_on_grid([("2014-04-10 01:04", "2014-04-10 02:19")]) == [
            (pd.Timestamp("2014-04-10 01:15"), pd.Timestamp("2014-04-10 02:30"))
        ]
        _, rep = clean_series(
            regular("2014-07-01", 10, "30min"), kind="count", step="1h", raw_label="start"
        )
        assert rep.spans_on_grid([("2014-07-01 01:00", "2014-07-01 02:30")]) == [
            (pd.Timestamp("2014-07-01 02:00"), pd.Timestamp("2014-07-01 03:00"))
        ]
        with pytest.raises(ValueError, match=r"spans\[0\]"):
            rep.spans_on_grid([("2014-07-02", "2014-07-01")])


class TestBadInput:
    good = regular("2014-01-01", 10, "5min")

    @pytest.mark.parametrize(
        "raw, error, match",
        [
            ([1.0, 2.0], TypeError, "pandas Series"),
            (np.arange(3.0), TypeError, "pandas Series"),
            (pd.Series([1.0, 2.0]), TypeError, "DatetimeIndex"),
            (pd.Series(["a", "b"], index=pd.date_range("2014", periods=2)), TypeError, "numbers"),
            (pd.Series([], index=pd.DatetimeIndex([]), dtype=float), ValueError, "empty"),
            (pd.Series([1.0], index=pd.date_range("2014", periods=1)), ValueError, "two or more"),
            (
                pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2014-01-01"] * 2)),
                ValueError,
                "two or more",
            ),
            (
                pd.Series([np.nan, np.nan], index=pd.date_range("2014", periods=2)),
                ValueError,
                "two or more",
            ),
            (
                pd.Series([1.0, np.inf], index=pd.date_range("2014", periods=2)),
                ValueError,
                "infinite",
            ),
            (
                pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2014-01-01", pd.NaT])),
                ValueError,
                "NaT",
            ),
            (
                pd.DataFrame(
                    {"a": [1.0, 2.0], "b": [1.0, 2.0]}, index=pd.date_range("2014", periods=2)
                ),
                ValueError,
                "one-column",
            ),
        ],
    )
    def test_raw(self, raw, error, match):
        with pytest.raises(error, match=match):
            clean_series(raw, kind="level")

    @pytest.mark.parametrize(
        "kwargs, error, match",
        [
            ({"kind": "mean"}, ValueError, "kind"),
            ({"kind": "level", "raw_label": "middle"}, ValueError, "raw_label"),
            ({"kind": "level", "step": 15}, TypeError, "step"),
            ({"kind": "level", "step": "fortnightly"}, ValueError, "step"),
            ({"kind": "level", "step": "-15min"}, ValueError, "positive"),
            ({"kind": "level", "step": "1min"}, ValueError, "at least the native step"),
            ({"kind": "count", "step": "12min"}, ValueError, "whole multiple"),
            ({"kind": "level", "max_gap": "-1h"}, ValueError, "max_gap"),
            ({"kind": "level", "max_gap": 2}, TypeError, "max_gap"),
            ({"kind": "level", "max_gap": True}, TypeError, "max_gap"),
            ({"kind": "level", "local_tz": "Mars/Olympus"}, ValueError, "local_tz"),
            ({"kind": "level", "local_tz": 5}, TypeError, "local_tz"),
        ],
    )
    def test_arguments(self, kwargs, error, match):
        with pytest.raises(error, match=match):
            clean_series(self.good, **kwargs)

    def test_kind_is_required(self):
        with pytest.raises(TypeError, match="kind"):
            clean_series(self.good)

    def test_local_tz_with_aware_stamps(self):
        with pytest.raises(ValueError, match="already timezone-aware"):
            clean_series(self.good.tz_localize("UTC"), kind="level", local_tz=NY)

    def test_aware_stamps_without_local_tz_are_fine(self):
        out, _ = clean_series(self.good.tz_localize("UTC"), kind="level", step="10min")
        assert str(out.index.tz) == "UTC"

    def test_input_is_not_modified(self):
        raw = ser(["2014-01-01 00:10", "2014-01-01 00:00", "2014-01-01 00:00"], [2, 1, 5])
        copy = raw.copy()
        clean_series(raw, kind="count", local_tz=NY, raw_label="start")
        pd.testing.assert_series_equal(raw, copy)


# ============================================================================ reference
def _ambiguous(t: dt.datetime, tz: str) -> bool:
    z = ZoneInfo(tz)
    return t.replace(tzinfo=z, fold=0).utcoffset() != t.replace(
        tzinfo=z, fold=1
    ).utcoffset() and not _nonexistent(t, tz)


def _nonexistent(t: dt.datetime, tz: str) -> bool:
    z = ZoneInfo(tz)
    back = t.replace(tzinfo=z).astimezone(dt.UTC).astimezone(z).replace(tzinfo=None)
    return back != t


def reference(stamps, values, kind, step, max_gap, raw_label, local_tz):
    """clean_series in plain loops over Python datetimes. Returns {stamp: value} or raises."""
    rows = [(t, v) for t, v in zip(stamps, values, strict=True) if not math.isnan(v)]
    count_at = {}
    for t, _ in rows:
        count_at[t] = count_at.get(t, 0) + 1
    first = {}
    for t, v in rows:
        if t not in first:
            first[t] = v
    times = sorted(first)
    if len(times) < 2:
        raise ValueError("two or more")
    diffs = {}
    for a, b in itertools.pairwise(times):
        diffs[b - a] = diffs.get(b - a, 0) + 1
    native = min(d for d, n in diffs.items() if n == max(diffs.values()))
    grid_step = native if step is None else step
    if grid_step < native or (kind == "count" and grid_step % native):
        raise ValueError("step")
    value = dict(first)  # None marks a count set missing
    if local_tz is not None:
        for t in times:
            start = t if (kind == "level" or raw_label == "start") else t - native
            if kind == "level" and _nonexistent(t, local_tz):
                raise ValueError("do not exist")
            if kind == "count" and (
                _nonexistent(start, local_tz) or (_ambiguous(start, local_tz) and count_at[t] == 1)
            ):
                value[t] = None
    shift = native if raw_label == "start" else dt.timedelta(0)
    moved = [(t + shift, value[t]) for t in times]
    lo, hi = moved[0][0], moved[-1][0]
    origin = lo if step is None else dt.datetime(lo.year, lo.month, lo.day)
    k = math.ceil((lo - origin) / grid_step)
    out = {}
    last = None  # (stamp, value) of the last observed bin
    while True:
        t = origin + k * grid_step
        members = [v for x, v in moved if t - grid_step < x <= t]
        present = [v for v in members if v is not None]
        if kind == "level":
            v = sum(present) / len(present) if present else math.nan
        else:
            v = sum(present) if present and len(present) == grid_step // native else math.nan
        if not math.isnan(v):
            last = (t, v)
        elif last is not None and max_gap is not None and t - last[0] <= max_gap:
            v = last[1]
        out[t] = v
        if t >= hi:
            return out
        k += 1


BASES = [
    dt.datetime(2014, 1, 6, 0, 0),
    dt.datetime(2014, 11, 1, 23, 0),
    dt.datetime(2014, 3, 8, 23, 0),
    dt.datetime(2014, 7, 1, 0, 0),
]


DST_BASES = [dt.datetime(2014, 11, 1, 23, 0), dt.datetime(2014, 3, 8, 23, 0)]


@st.composite
def raw_series(draw, allow_nan=True, dst=False):
    """Raw stamps (file order: unsorted, repeated, gappy) and values, plus settings.

    With ``dst=True`` the stamps start within 3 hours before a US clock change and the
    settings claim New York local time.
    """
    bases = DST_BASES if dst else BASES
    base = draw(st.sampled_from(bases)) + dt.timedelta(minutes=draw(st.integers(0, 179)))
    native = draw(st.sampled_from([1, 5, 10, 30]))
    if draw(st.booleans()):  # on a grid, with holes, repeats and a shuffle
        n = draw(st.integers(2, 60))
        keep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        minutes = [i * native for i in range(n) if keep[i] or i in (0, n - 1)]
        minutes += draw(st.lists(st.sampled_from(minutes), max_size=6))  # repeats
    else:  # anywhere
        minutes = draw(st.lists(st.integers(0, 400), min_size=2, max_size=60))
    minutes = draw(st.permutations(minutes)) if draw(st.booleans()) else minutes
    stamps = [base + dt.timedelta(minutes=m) for m in minutes]
    elems = st.floats(-1e3, 1e3, allow_nan=False) | st.integers(0, 500).map(float)
    if allow_nan:
        elems = elems | st.just(math.nan)
    values = draw(st.lists(elems, min_size=len(stamps), max_size=len(stamps)))
    kind = draw(st.sampled_from(["level", "count"]))
    params = {
        "kind": kind,
        "step_mult": draw(st.integers(1, 4)),
        "step_extra": draw(st.integers(0, 7)) if kind == "level" else 0,
        "step_none": draw(st.booleans()),
        "max_gap": draw(st.none() | st.integers(0, 180).map(lambda m: dt.timedelta(minutes=m))),
        "raw_label": draw(st.sampled_from(["end", "start"])),
        "local_tz": NY if dst else draw(st.sampled_from([None, NY])),
    }
    return stamps, values, params


def native_of(stamps, values):
    times = sorted({t for t, v in zip(stamps, values, strict=True) if not math.isnan(v)})
    diffs = {}
    for a, b in itertools.pairwise(times):
        diffs[b - a] = diffs.get(b - a, 0) + 1
    return min(d for d, n in diffs.items() if n == max(diffs.values())) if diffs else None


def run(stamps, values, p, step):
    raw = pd.Series(values, index=pd.DatetimeIndex(stamps), dtype=float)
    return clean_series(
        raw,
        kind=p["kind"],
        step=step,
        max_gap=p["max_gap"],
        local_tz=p["local_tz"],
        raw_label=p["raw_label"],
    )


def pick_step(stamps, values, p):
    native = native_of(stamps, values)
    assume(native is not None)
    if p["step_none"]:
        return None
    return native * p["step_mult"] + dt.timedelta(minutes=p["step_extra"])


# ============================================================================ properties
@PROPERTY
@given(raw_series())
def test_matches_the_plain_loop_reference(case):
    stamps, values, p = case
    step = pick_step(stamps, values, p)
    try:
        expected = reference(
            stamps, values, p["kind"], step, p["max_gap"], p["raw_label"], p["local_tz"]
        )
    except ValueError as err:
        event(f"refused: {err}")
        with pytest.raises(ValueError, match=str(err)):
            run(stamps, values, p, step)
        return
    out, rep = run(stamps, values, p, step)
    dst_changed = "count(s) missing" in rep.table().done[4]
    event(f"{p['kind']}, {'DST changed values' if dst_changed else 'no DST change'}")
    event("some bins filled" if rep.filled.any() else "no bin filled")
    event("a long gap left NaN" if rep.long_gaps else "no NaN left")
    assert list(out.index) == [pd.Timestamp(t) for t in expected]
    want = np.array(list(expected.values()))
    assert np.array_equal(np.isnan(out.to_numpy()), np.isnan(want))
    assert np.allclose(out.to_numpy(), want, rtol=1e-9, atol=1e-9, equal_nan=True)
    # the report agrees with the output
    assert rep.n_out == len(out) and int(rep.filled.sum()) == int(rep.gaps.n_filled.sum())
    nan_stamps = set(out.index[out.isna()])
    assert nan_stamps == {t for a, b in rep.long_gaps for t in out[a:b].index}
    assert set(out.index[out.notna()]) == {t for a, b in rep.segments for t in out[a:b].index}


@PROPERTY
@given(raw_series(dst=True))
def test_daylight_saving_matches_the_plain_loop_reference(case):
    # the reference finds repeated and skipped clock times with zoneinfo's fold, not pandas
    test_matches_the_plain_loop_reference.hypothesis.inner_test(case)


@PROPERTY
@given(raw_series(allow_nan=False), st.integers(0, 400), st.floats(1, 1e3))
def test_changing_raw_values_after_t0_never_moves_an_output_at_or_before_t0(case, t0_min, delta):
    stamps, values, p = case
    step = pick_step(stamps, values, p)
    t0 = min(stamps) + dt.timedelta(minutes=t0_min)
    perturbed = [v + delta if t > t0 else v for t, v in zip(stamps, values, strict=True)]
    try:
        out, rep = run(stamps, values, p, step)
    except ValueError:
        return  # refused input (e.g. a level read in a skipped hour): nothing to compare
    out2, _ = run(stamps, perturbed, p, step)
    assert out.index.equals(out2.index)
    cutoff = pd.Timestamp(t0) + rep.shift  # a raw stamp s is binned at s + shift
    early = out.index <= cutoff
    assert np.array_equal(out[early].to_numpy(), out2[early].to_numpy(), equal_nan=True)
    # and something after t0 does move: every observed bin holding a changed raw value
    moved = [pd.Timestamp(t) + rep.shift for t in stamps if t > t0]
    for t in out.index[~early & out.notna().to_numpy() & ~rep.filled.to_numpy()]:
        if any(t - rep.step < m <= t for m in moved):
            assert out2[t] != out[t]
    if p["kind"] == "level" and moved:
        assert (out2[~early] != out[~early]).any()
    event(
        f"{'some' if early.any() else 'no'} output at or before t0; "
        f"{'some' if moved else 'no'} raw value changed"
    )


@PROPERTY
@given(raw_series(allow_nan=False), st.integers(0, 400), st.lists(st.integers(1, 300), max_size=30))
def test_removing_or_adding_raw_rows_after_t0_never_moves_an_output_at_or_before_t0(
    case, t0_min, new_minutes
):
    # the gap rule is causal in the stamps too: whether an empty bin is filled depends only
    # on how old the last value is, never on when the data comes back
    stamps, values, p = case
    t0 = min(stamps) + dt.timedelta(minutes=t0_min)
    native = native_of(stamps, values)
    assume(native is not None)
    step = native * p["step_mult"] + dt.timedelta(minutes=p["step_extra"])
    # the native step is a property of the whole series: it sets the expected number of
    # counts per bin and the raw_label='start' move, so fix both out of the question here
    q = dict(p, kind="level", local_tz=None, raw_label="end")
    kept = [(t, v) for t, v in zip(stamps, values, strict=True) if t <= t0]
    added = [(t0 + dt.timedelta(minutes=m), float(m)) for m in new_minutes]
    try:
        out, rep = run(stamps, values, q, step)
        s2, v2 = zip(*(kept + added), strict=True) if kept + added else ((), ())
        out2, _ = run(list(s2), list(v2), q, step)
    except ValueError:
        assume(False)
    cutoff = pd.Timestamp(t0) + rep.shift
    a, b = out[out.index <= cutoff], out2[out2.index <= cutoff]
    common = a.index.intersection(b.index)
    assert len(common) == min(len(a), len(b))
    assert np.array_equal(a[common].to_numpy(), b[common].to_numpy(), equal_nan=True)


@PROPERTY
@given(raw_series())
def test_output_is_regular_sorted_unique_and_end_stamped(case):
    stamps, values, p = case
    step = pick_step(stamps, values, p)
    try:
        out, rep = run(stamps, values, p, step)
    except ValueError:
        return
    assert out.index.is_monotonic_increasing and out.index.is_unique
    assert (pd.Series(out.index).diff().dropna() == rep.step).all()
    assert ((out.index - rep.origin) % rep.step == pd.Timedelta(0)).all()
    good = [t + rep.shift for t, v in zip(stamps, values, strict=True) if not math.isnan(v)]
    assert out.index[0] >= min(good) and out.index[-1] >= max(good)
    assert out.index[-1] - rep.step < max(good)  # no trailing empty bin


# ============================================================================ on NAB
needs_nab = pytest.mark.skipif(not NAB.exists(), reason="NAB data not on this machine")


def nab(name: str) -> pd.Series:
    df = pd.read_csv(NAB / name, dtype={"timestamp": str})
    return pd.Series(
        df["value"].astype(float).to_numpy(),
        index=pd.DatetimeIndex(pd.to_datetime(df["timestamp"])),
        name="value",
    )


@needs_nab
def test_nyc_taxi_fall_back_hour_is_not_an_anomaly_any_more():
    raw = nab("realKnownCause/nyc_taxi.csv")
    assert raw["2014-11-02 01:00"] == 39197 and raw["2014-11-02 01:30"] == 35212
    out, rep = clean_series(
        raw, kind="count", step="1h", max_gap="2h", local_tz=NY, raw_label="start"
    )
    assert rep.filled.sum() == 1 and rep.filled["2014-11-02 02:00"]
    assert out["2014-11-02 02:00"] == raw["2014-11-02 00:00"] + raw["2014-11-02 00:30"]
    assert out.sum() == raw.sum() - 39197 - 35212 + out["2014-11-02 02:00"]


@needs_nab
def test_machine_temperature_clock_jump():
    out, rep = clean_series(
        nab("realKnownCause/machine_temperature_system_failure.csv"),
        kind="level",
        step="15min",
        max_gap="1h",
    )
    assert check(rep, "repeated timestamps").found.startswith("12 timestamp(s) repeated, 12 extra")
    assert out.notna().all() and rep.gaps.empty


@needs_nab
def test_ambient_temperature_long_gaps_are_left_nan():
    out, rep = clean_series(
        nab("realKnownCause/ambient_temperature_system_failure.csv"), kind="level", max_gap="2h"
    )
    assert len(rep.long_gaps) == 8
    a, b = rep.long_gaps[-1]
    assert (a, b) == (pd.Timestamp("2014-04-03 12:00"), pd.Timestamp("2014-04-10 14:00"))
    assert out[a:b].isna().all()


# ============================================================================ every bad input
# (issue 26: each argument gets every named bad value, then random ones)

SWEEP_RAW = regular("2014-01-01 00:05", 200, "5min")
SWEEP_GOOD = {
    "raw": SWEEP_RAW,
    "kind": "level",
    "step": "15min",
    "max_gap": "1h",
    "local_tz": None,
    "raw_label": "end",
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: None where it is
#: the default. (The junk Series are hourly: a 15-minute step is finer than that, refused.)
SWEEP_ACCEPTED = {
    "step": {"None"},
    "max_gap": {"None"},
    "local_tz": {"None"},
}


def test_every_bad_value_is_refused_clearly_or_accepted_on_purpose():
    before = SWEEP_RAW.copy()
    assert sweep(clean_series, SWEEP_GOOD, SWEEP_ACCEPTED) == []
    assert SWEEP_RAW.equals(before)  # the raw series is never changed in place


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SWEEP_GOOD)), junk)
def test_random_bad_values_raise_a_clear_error_or_none(arg, value):
    outcome(clean_series, {**SWEEP_GOOD, arg: value})
