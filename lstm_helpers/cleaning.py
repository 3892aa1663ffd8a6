"""Clean data first: one regular, causal series from a raw one, and a report of what was done.

``clean_series`` is the step every notebook runs between loading a series and windowing it:

1. **repeated timestamps**: the first reading of each timestamp is kept (file order);
2. **order**: the series is sorted by time;
3. **daylight saving** (only when told the local time zone): a count whose period falls in
   the clock hour that happens twice holds two real periods and is set missing; the clock
   hour that never happens becomes a gap;
4. **regular steps**: values are put in bins ``(t - step, t]`` stamped by their **end** ``t``
   (levels averaged, counts summed), so that a value stamped ``t`` uses only readings
   stamped at or before ``t``;
5. **gaps**: a missing bin is filled by carrying the last value forward, but only while that
   value is at most ``max_gap`` old; beyond that the series is NaN, and the report lists
   those stretches.

Nothing is done silently: every check appears in the report, with what it found and what
was done.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._checks import as_float_array, describe

__all__ = ["CleaningReport", "clean_series"]

KINDS = ("level", "count")
RAW_LABELS = ("end", "start")


# ----------------------------------------------------------------------------- the report
@dataclass
class Check:
    """One row of the report: a check, what it found, what was done."""

    name: str
    found: str
    done: str
    changed: bool  # False when the check found nothing to do


@dataclass
class CleaningReport:
    """What ``clean_series`` found and did. ``print(report)`` shows the summary.

    Attributes
    ----------
    checks : list of Check
        One row per check, in the order they ran (``report.table()`` shows them all).
    n_raw, n_out : int
        Rows given, points returned.
    native_step : pandas.Timedelta
        The raw series' most common step.
    step : pandas.Timedelta
        The step of the cleaned series.
    origin : pandas.Timestamp
        A bin end: every stamp of the cleaned series is ``origin + k * step``.
    shift : pandas.Timedelta
        How far raw stamps were moved before binning: ``native_step`` for
        ``raw_label="start"``, else zero.
    gaps : pandas.DataFrame
        One row per run of empty bins: ``start``, ``end`` (stamps of its first and last
        empty bin), ``n_steps``, ``n_filled`` (carried forward), ``daylight_saving`` (True
        when every bin of it lies in a clock hour that never happened).
    long_gaps : list of (pandas.Timestamp, pandas.Timestamp)
        The stretches left NaN, first and last stamp, ends included. A model window must
        not cross them.
    segments : list of (pandas.Timestamp, pandas.Timestamp)
        The stretches without NaN, first and last stamp, ends included: window each of them
        on its own, e.g. ``[lh.make_windows(series[a:b], T) for a, b in report.segments
        if len(series[a:b]) >= T]``.
    filled : pandas.Series of bool
        On the cleaned index: True where the value was carried forward.
    settings : dict
        The arguments used: ``kind``, ``step``, ``max_gap``, ``local_tz``, ``raw_label``.
    """

    checks: list[Check]
    n_raw: int
    n_out: int
    native_step: pd.Timedelta
    step: pd.Timedelta
    origin: pd.Timestamp
    shift: pd.Timedelta
    gaps: pd.DataFrame
    long_gaps: list[tuple[pd.Timestamp, pd.Timestamp]]
    segments: list[tuple[pd.Timestamp, pd.Timestamp]]
    filled: pd.Series = field(repr=False)
    settings: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Every check as a DataFrame with columns ``check``, ``found``, ``done``."""
        rows = [{"check": c.name, "found": c.found, "done": c.done} for c in self.checks]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """A few lines: the shapes, then each check that changed something."""
        s = self.settings
        lines = [
            f"clean_series: {self.n_raw:,} raw rows -> {self.n_out:,} points every "
            f"{_short(self.step)} ({s['kind']}, max_gap {s['max_gap']}, "
            f"local_tz {s['local_tz']}); {len(self.long_gaps)} long gap(s) left NaN, "
            f"{len(self.segments)} segment(s) without NaN"
        ]
        for c in self.checks:
            if c.changed:
                lines.append(f"  {c.name}: {c.found} -> {c.done}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def spans_on_grid(self, spans) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        """Labelled spans, stamped on the raw clock, moved onto the cleaned series' stamps.

        A raw time ``x`` lands in the bin stamped at the first grid time at or after
        ``x + shift``, so both ends move there. Use the result with ``lh.span_mask`` and the
        metrics: a span's end rounded *down* would drop the bin holding its last readings.

        Parameters
        ----------
        spans : list of (start, end)
            Raw-clock timestamps, ends included, ``start <= end``.

        Returns
        -------
        list of (pandas.Timestamp, pandas.Timestamp)
        """
        out = []
        for i, pair in enumerate(spans):
            try:
                a, b = (pd.Timestamp(x) for x in pair)
            except (TypeError, ValueError) as err:
                raise ValueError(
                    f"spans[{i}] must be (start, end) timestamps; got {pair!r}"
                ) from err
            if pd.isna(a) or pd.isna(b) or b < a:
                raise ValueError(f"spans[{i}] must be (start, end) with start <= end; got {pair!r}")
            out.append((self._ceil(a + self.shift), self._ceil(b + self.shift)))
        return out

    def _ceil(self, t: pd.Timestamp) -> pd.Timestamp:
        """The first grid time at or after ``t``."""
        k = -((self.origin - t) // self.step)  # whole steps from origin, rounded up
        return self.origin + k * self.step


# ----------------------------------------------------------------------------- the function
def clean_series(
    raw,
    *,
    kind: str,
    step: str | pd.Timedelta | None = None,
    max_gap: str | pd.Timedelta | None = None,
    local_tz: str | None = None,
    raw_label: str = "end",
) -> tuple[pd.Series, CleaningReport]:
    """A regular series stamped by bin ends, gaps filled only causally, and a report.

    Parameters
    ----------
    raw : pandas.Series, shape (n_rows,), or a one-column DataFrame
        Values on a DatetimeIndex, as loaded: may be unsorted, may repeat timestamps, may
        hold NaN (dropped, and counted). Naive stamps are clock times; timezone-aware stamps
        are absolute times (then ``local_tz`` must be None).
    kind : {"level", "count"}
        ``"level"``: a reading of a state (a temperature, a CPU load); a bin's value is the
        **mean** of its readings, and a bin with at least one reading is observed (so the
        first bin, or one beside a gap, may average fewer readings than the others).
        ``"count"``: how many things happened in each raw period (passengers, requests); a
        bin's value is the **sum** of its counts, and a bin is observed only if it holds
        exactly ``step / native_step`` of them (a partial sum would look like a drop).
        Required: summing levels or averaging counts is a silent error.
    step : str or pandas.Timedelta, optional
        Step of the cleaned series, e.g. ``"15min"``, at least the native step (for counts a
        whole multiple of it). Bins are aligned on midnight of the first day. None keeps the
        native step, on the grid of the first (moved) stamp.
    max_gap : str or pandas.Timedelta, optional
        An empty bin takes the last observed value if that value is at most ``max_gap``
        older than the bin; otherwise it stays NaN. None (the default) fills nothing.
    local_tz : str, optional
        The zone the naive stamps are clock times of, e.g. ``"America/New_York"``. Then
        daylight saving is handled: a count whose period starts in the clock hour that
        happens twice (fall back) holds two real periods and is set missing; a count whose
        period starts in the hour that never happens (spring forward) covers no real time
        and is set missing; a level read at a clock time that never happens means the
        series is not in that zone (``ValueError``); a level read twice at one clock time
        keeps its first reading, as every repeated timestamp does. The output stays on the
        clock: the skipped hour becomes a gap, reported.
    raw_label : {"end", "start"}
        Which end of its period a raw stamp marks. ``"end"`` (the default) for readings
        and for values known at their stamp. ``"start"`` when each value summarises the
        native step *after* its stamp (e.g. NAB's nyc_taxi half-hours): every stamp is then
        moved forward by the native step before binning, so that no value is stamped
        before the data it holds.

    Returns
    -------
    series : pandas.Series, shape (n_points,)
        Float values on a regular DatetimeIndex (``freq = step``), each stamped at the end
        of its bin ``(t - step, t]``; NaN in the long gaps. Same name as ``raw``.
    report : CleaningReport
        What was found and done (``print(report)``), the long gaps as (start, end), the
        segments without NaN, and a boolean ``filled`` Series.

    Raises
    ------
    TypeError
        If ``raw`` is not a Series (or one-column DataFrame) on a DatetimeIndex, holds no
        numbers, or ``step``/``max_gap`` is not a duration.
    ValueError
        If ``raw`` is empty, has fewer than two distinct timestamps with a value, holds a
        NaT stamp or an infinite value; if ``kind``, ``raw_label`` or ``local_tz`` is not
        one of the allowed values; if ``step`` is not positive, is shorter than the native
        step, or (counts) is not a whole multiple of it; if ``max_gap`` is negative; if
        ``local_tz`` is given for timezone-aware stamps, or a level is read at a clock
        time that does not exist in ``local_tz``.

    Notes
    -----
    Causality: the output stamped ``t`` depends only on raw readings stamped at or before
    ``t`` (after the ``raw_label`` move). Repeated timestamps keep their *first* reading
    because a live system has only that one when the clock reads ``t``; later readings
    with the same stamp arrived later. The native step is the most common step over the
    whole series (ties: the smallest); it sets the grid only when ``step`` is None.

    Examples
    --------
    >>> series, report = clean_series(raw, kind="level", step="15min", max_gap="1h")
    >>> print(report)
    >>> windows = [make_windows(series[a:b], 24) for a, b in report.segments
    ...            if len(series[a:b]) >= 24]
    """
    values, step, max_gap = _check_inputs(raw, kind, step, max_gap, local_tz, raw_label)
    checks: list[Check] = []
    n_raw = len(values)

    # 1. readings without a value
    n_nan = int(values.isna().sum())
    values = values.dropna()
    if values.index.nunique() < 2:
        raise ValueError(
            f"raw must hold values at two or more distinct timestamps; got {values.index.nunique()}"
        )
    checks.append(
        Check(
            "missing values", f"{n_nan} NaN value(s)", "dropped" if n_nan else "nothing", n_nan > 0
        )
    )

    # 2. repeated timestamps: keep the first reading of each (file order), then sort
    n_back = int((np.diff(values.index.asi8) < 0).sum())  # in file order, before anything
    repeated_stamps = values.index[values.index.duplicated(keep="first")]
    first_only = values[~values.index.duplicated(keep="first")]
    n_extra = len(values) - len(first_only)
    n_disagree = int((values.groupby(level=0).nunique() > 1).sum())
    checks.append(
        Check(
            "repeated timestamps",
            f"{repeated_stamps.nunique()} timestamp(s) repeated, {n_extra} extra row(s), "
            f"{n_disagree} with different values",
            f"kept the first reading of each, dropped {n_extra}" if n_extra else "nothing",
            n_extra > 0,
        )
    )
    series = first_only.sort_index(kind="stable")
    checks.append(
        Check(
            "order",
            f"{n_back} step(s) back in time",
            "sorted by time" if n_back else "nothing",
            n_back > 0,
        )
    )

    # 3. the native step, and the output step
    native = _native_step(series.index)
    steps = series.index.to_series().diff().iloc[1:]
    n_other = int((steps != native).sum())
    keep_native_grid = step is None
    if step is None:
        step = native
    _check_step(step, native, kind)
    checks.append(
        Check(
            "step",
            f"native step {_short(native)} ({n_other} other step(s))",
            f"bins (t - {_short(step)}, t] stamped by their end t",
            step != native or n_other > 0,
        )
    )

    # 4. daylight saving, on the clock stamps as given
    if kind == "count" and raw_label == "end":
        period_starts = series.index - native  # the count covers (stamp - native, stamp]
    else:
        period_starts = series.index  # a reading's instant, or a period's start
    was_repeated = series.index.isin(repeated_stamps)
    series, dst_check = _daylight_saving(series, period_starts, was_repeated, kind, local_tz)
    checks.append(dst_check)

    # 5. stamps that mark the start of a period move to its end
    shift = native if raw_label == "start" else pd.Timedelta(0)
    series.index = series.index + shift
    checks.append(
        Check(
            "stamp = start of period",
            "raw_label='start'" if raw_label == "start" else "raw_label='end'",
            f"every stamp moved forward by {_short(native)}" if raw_label == "start" else "nothing",
            raw_label == "start",
        )
    )

    # 6. regular bins (t - step, t], stamped by their end
    if keep_native_grid:
        origin = series.index[0]  # the grid of the first stamp: regular stamps stay put
    else:
        origin = series.index[0].normalize()  # midnight of the first day: round stamps
    binned, n_multi, n_partial = _bin(series, step, kind, native, origin)
    binned.index = binned.index.as_unit(values.index.unit)  # the caller's time resolution
    found = f"{n_multi} bin(s) with several values"
    if kind == "count":
        found += f", {n_partial} incomplete bin(s)"
    checks.append(
        Check(
            "binning",
            found,
            ("averaged" if kind == "level" else "summed; incomplete bins set missing"),
            n_multi > 0 or n_partial > 0,
        )
    )

    # 7. gaps: carry the last value forward while it is at most max_gap old
    clean, filled, gaps = _fill_gaps(binned, max_gap)
    if local_tz is not None and len(gaps):
        skipped = _skipped_bins(clean.index, step, local_tz)
        gaps["daylight_saving"] = [
            bool(skipped[a:b].all()) for a, b in zip(gaps.start, gaps.end, strict=True)
        ]
    long_gaps = [(a, b) for a, b, _ in _runs(clean.isna())]
    segments = [(a, b) for a, b, _ in _runs(clean.notna())]
    n_missing = int(gaps.n_steps.sum()) if len(gaps) else 0
    n_filled = int(filled.sum())
    longest = _short(gaps.n_steps.max() * step) if len(gaps) else "-"
    left = int(clean.isna().sum())
    checks.append(
        Check(
            "gaps",
            f"{len(gaps)} gap(s), {n_missing} empty bin(s), longest {longest}",
            f"filled {n_filled} bin(s) by carrying the last value forward (max_gap "
            f"{_short(max_gap) if max_gap is not None else 'None'}); left {left} NaN in "
            f"{len(long_gaps)} stretch(es)",
            len(gaps) > 0,
        )
    )

    report = CleaningReport(
        checks=checks,
        n_raw=n_raw,
        n_out=len(clean),
        native_step=native,
        step=step,
        origin=origin,
        shift=shift,
        gaps=gaps,
        long_gaps=long_gaps,
        segments=segments,
        filled=filled,
        settings={
            "kind": kind,
            "step": _short(step),
            "max_gap": _short(max_gap) if max_gap is not None else None,
            "local_tz": local_tz,
            "raw_label": raw_label,
        },
    )
    return clean, report


# ----------------------------------------------------------------------------- the steps
def _check_inputs(raw, kind, step, max_gap, local_tz, raw_label):
    """Validate everything that can be checked before looking at the data's clock."""
    if isinstance(raw, pd.DataFrame):
        if raw.shape[1] != 1:
            raise ValueError(
                f"raw must be a Series or a one-column DataFrame; got a DataFrame with "
                f"{raw.shape[1]} columns {list(raw.columns)}. Pick one, e.g. df['value']."
            )
        raw = raw.iloc[:, 0]
    if not isinstance(raw, pd.Series):
        raise TypeError(f"raw must be a pandas Series on a DatetimeIndex; got {describe(raw)}")
    if not isinstance(raw.index, pd.DatetimeIndex):
        raise TypeError(
            f"raw must have a DatetimeIndex; got {type(raw.index).__name__}. "
            "Parse the stamps first, e.g. raw.index = pd.to_datetime(raw.index)."
        )
    if len(raw) == 0:
        raise ValueError("raw must not be empty; got 0 rows")
    if raw.index.isna().any():
        first = int(np.flatnonzero(raw.index.isna())[0])
        raise ValueError(
            f"raw's index must not hold NaT; found {int(raw.index.isna().sum())}, "
            f"the first at row {first}"
        )
    arr = as_float_array(raw, "raw")
    if np.isinf(arr).any():
        first = int(np.flatnonzero(np.isinf(arr))[0])
        raise ValueError(f"raw must not hold infinite values; found one at row {first}")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    if not isinstance(raw_label, str) or raw_label not in RAW_LABELS:
        raise ValueError(f"raw_label must be one of {RAW_LABELS}; got {raw_label!r}")
    step = None if step is None else _as_duration(step, "step")
    if step is not None and step <= pd.Timedelta(0):
        raise ValueError(f"step must be a positive duration; got {step}")
    max_gap = None if max_gap is None else _as_duration(max_gap, "max_gap")
    if max_gap is not None and max_gap < pd.Timedelta(0):
        raise ValueError(f"max_gap must be a duration >= 0; got {max_gap}")
    if local_tz is not None:
        if raw.index.tz is not None:
            raise ValueError(
                f"local_tz applies to naive clock times; raw's stamps are already "
                f"timezone-aware ({raw.index.tz}). Pass local_tz=None."
            )
        if not isinstance(local_tz, str):
            raise TypeError(
                f"local_tz must be a time-zone name such as 'America/New_York'; "
                f"got {type(local_tz).__name__}"
            )
        try:
            pd.DatetimeIndex([pd.Timestamp("2000-01-01 12:00")]).tz_localize(local_tz)
        except Exception as err:  # pandas raises several kinds for an unknown zone
            raise ValueError(
                f"local_tz must be a time-zone name such as 'America/New_York'; "
                f"got {local_tz!r} ({err})"
            ) from err
    values = pd.Series(arr, index=raw.index, name=raw.name)
    return values, step, max_gap


def _as_duration(value, name: str) -> pd.Timedelta:
    """A fixed duration from '15min', a pandas.Timedelta or a datetime.timedelta."""
    if isinstance(value, bool) or not isinstance(value, (str, datetime.timedelta)):
        raise TypeError(
            f"{name} must be a duration such as '15min' or pd.Timedelta('1h'); "
            f"got {value!r} ({type(value).__name__})"
        )
    if isinstance(value, str) and not any(c.isalpha() for c in value):
        raise ValueError(
            f"{name} must be a duration with a unit such as '15min'; got the text {value!r} "
            "(pandas would read it as nanoseconds)"
        )
    try:
        td = pd.Timedelta(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise ValueError(
            f"{name} must be a fixed duration such as '15min' or '1h'; got {value!r} ({err})"
        ) from err
    if pd.isna(td):
        raise ValueError(f"{name} must be a duration, not NaT; got {value!r}")
    return td


def _check_step(step: pd.Timedelta, native: pd.Timedelta, kind: str) -> None:
    if step < native:
        raise ValueError(
            f"step must be at least the native step {native}; got {step}. Making a series "
            "finer than it was measured invents values."
        )
    if kind == "count" and step % native != pd.Timedelta(0):
        raise ValueError(
            f"step must be a whole multiple of the native step {native} for counts; got "
            f"{step}: a bin would hold a fraction of a raw period."
        )


def _native_step(index: pd.DatetimeIndex) -> pd.Timedelta:
    """The most common step between consecutive stamps; on a tie, the smallest."""
    counts = index.to_series().diff().iloc[1:].value_counts()
    return counts[counts == counts.max()].index.min()


def _daylight_saving(series, period_starts, was_repeated, kind, local_tz):
    """Handle the clock hours that happen twice or never. Returns (series, Check)."""
    name = "daylight saving"
    if local_tz is None:
        return series, Check(name, "not checked (local_tz=None)", "nothing", False)
    changes = _transitions(min(period_starts.min(), series.index[0]), series.index[-1], local_tz)
    if not changes:
        return series, Check(name, f"no clock change in {local_tz} in range", "nothing", False)
    # a clock time is "repeated" if it happens twice (fall back), "skipped" if never
    starts = pd.DatetimeIndex(period_starts)
    either = np.asarray(starts.tz_localize(local_tz, ambiguous="NaT", nonexistent="NaT").isna())
    not_first_pass = np.zeros(len(starts), dtype=bool)  # read repeated times as standard time
    skipped = np.asarray(
        starts.tz_localize(local_tz, ambiguous=not_first_pass, nonexistent="NaT").isna()
    )
    repeated = either & ~skipped
    found = ", ".join(f"{what} {day}" for what, day in changes)
    done = []
    series = series.copy()
    if kind == "level":
        if skipped.any():
            raise ValueError(
                f"raw has {int(skipped.sum())} reading(s) at clock times that do not exist "
                f"in {local_tz} (the first at {series.index[skipped][0]}): its stamps are not "
                f"{local_tz} clock times. Pass local_tz=None."
            )
        n_twice = int((repeated & was_repeated).sum())
        found += f"; {int(repeated.sum())} reading(s) in a repeated clock hour"
        if n_twice:
            done.append(f"kept the first reading at {n_twice} clock time(s) read twice")
    else:
        # a count whose period starts in the repeated hour holds two real periods, unless
        # the source wrote that clock time twice (then each row is one period, first kept)
        doubled = repeated & ~was_repeated
        series[doubled] = np.nan
        series[skipped] = np.nan  # a period that starts in the skipped hour lasts no time
        found += (
            f"; {int(doubled.sum())} count(s) spanning a repeated clock hour (two real "
            f"periods each), {int(skipped.sum())} in a skipped hour"
        )
        if doubled.any() or skipped.any():
            done.append(f"set {int(doubled.sum() + skipped.sum())} count(s) missing")
    if any(what == "spring forward" for what, _ in changes):
        done.append("the skipped hour's bins are gaps (report.gaps.daylight_saving)")
    return series, Check(name, found, "; ".join(done) or "nothing", True)


def _transitions(first: pd.Timestamp, last: pd.Timestamp, tz: str) -> list[tuple[str, str]]:
    """Clock changes of ``tz`` between two naive stamps: ('spring forward' | 'fall back', day).

    Found from the UTC offset at noon of each day (noon is never skipped nor repeated).
    """
    days = pd.date_range(first.normalize() - pd.Timedelta("1D"), last.normalize(), freq="D")
    noons = (days + pd.Timedelta("12h")).tz_localize(tz)
    offsets = [t.utcoffset() for t in noons]
    out = []
    for i in range(1, len(days)):
        if offsets[i] > offsets[i - 1]:
            out.append(("spring forward", str(days[i].date())))
        elif offsets[i] < offsets[i - 1]:
            out.append(("fall back", str(days[i].date())))
    return out


def _skipped_bins(index: pd.DatetimeIndex, step: pd.Timedelta, tz: str) -> pd.Series:
    """True for each bin (t - step, t] whose start is a clock time that never happens."""
    starts = (index - step).tz_localize(
        tz, ambiguous=np.zeros(len(index), dtype=bool), nonexistent="NaT"
    )
    return pd.Series(np.asarray(starts.isna()), index=index)


def _bin(series, step, kind, native, origin):
    """Values in bins (t - step, t] stamped t. Returns (binned, n_multi, n_partial)."""
    bins = series.resample(step, closed="right", label="right", origin=origin)
    n_values = bins.count()  # NaN values (counts set missing) are not counted
    n_rows = bins.size()
    n_multi = int((n_rows > 1).sum())
    if kind == "level":
        return bins.mean(), n_multi, 0
    expected = step // native
    sums = bins.sum(min_count=1)
    partial = (n_rows > 0) & (n_values != expected)
    sums[n_values != expected] = np.nan
    return sums, n_multi, int(partial.sum())


def _fill_gaps(binned: pd.Series, max_gap):
    """Carry the last value forward into empty bins while it is at most ``max_gap`` old."""
    observed = binned.notna()
    stamps = pd.Series(binned.index, index=binned.index)
    last_seen = stamps.where(observed).ffill()  # stamp of the last observed bin
    age = stamps - last_seen
    if max_gap is None:
        fill = pd.Series(False, index=binned.index)
    else:
        fill = ~observed & last_seen.notna() & (age <= max_gap)
    clean = binned.where(~fill, binned.ffill())
    rows = []
    for a, b, n in _runs(~observed):
        rows.append(
            {
                "start": a,
                "end": b,
                "n_steps": n,
                "n_filled": int(fill[a:b].sum()),
                "daylight_saving": False,
            }
        )
    gaps = pd.DataFrame(rows, columns=["start", "end", "n_steps", "n_filled", "daylight_saving"])
    return clean, fill.rename("filled"), gaps


def _runs(mask: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp, int]]:
    """(first label, last label, length) of every run of True in a boolean Series."""
    out = []
    start = None
    n = 0
    labels = mask.index
    for i, flag in enumerate(mask.to_numpy()):
        if flag:
            if start is None:
                start, n = i, 0
            n += 1
        elif start is not None:
            out.append((labels[start], labels[i - 1], n))
            start = None
    if start is not None:
        out.append((labels[start], labels[len(mask) - 1], n))
    return out


def _short(td) -> str:
    """'15min', '1h', '2d 6h' for a Timedelta."""
    if td is None or pd.isna(td):
        return "-"
    td = pd.Timedelta(td)
    secs = int(td.total_seconds())
    days, rest = divmod(secs, 86400)
    hours, rest = divmod(rest, 3600)
    mins, secs = divmod(rest, 60)
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{mins}min" if mins else "",
        f"{secs}s" if secs else "",
    ]
    return " ".join(p for p in parts if p) or "0s"
