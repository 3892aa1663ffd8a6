"""Run NAB's vendored code on one series, and generate random test cases (used by the tests)."""

from __future__ import annotations

import builtins
import json
import os
import tempfile
import types
from contextlib import contextmanager

import numpy as np
import pandas as pd
import vendor_nab_sweeper as vendor

#: NAB's config/profiles.json at the pinned commit, verbatim values.
NAB_PROFILES = {
    "standard": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0},
    "reward_low_FP_rate": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.22, "tnWeight": 1.0},
    "reward_low_FN_rate": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11, "tnWeight": 1.0},
}
NAME = "realKnownCause/random.csv"


@contextmanager
def vanishing_zero_denominator():
    """Let NAB's code divide by ``width - 1 = 0``: ``float(0)`` becomes 1e-300.

    NAB computes ``numerator / float(prevWindowWidth - 1)`` for every point after a span; for a
    one-point span that is a ZeroDivisionError. With a vanishing positive denominator instead,
    every such point has ``y >= 1e300 > 3`` and NAB's scaledSigmoid gives -1.0: the limit of
    NAB's formula as the denominator tends to 0 from above. Only the module's name ``float``
    is replaced, for the duration of the block; NAB's code itself is untouched.
    """

    def patched(x=0.0):
        value = builtins.float(x)
        return 1e-300 if value == 0.0 else value

    vendor.float = patched
    try:
        yield
    finally:
        del vendor.float


@contextmanager
def labels_folder():
    """A temporary folder whose path does not hold the letters "raw".

    NAB's CorpusLabel treats a labels file whose path contains "raw" as a file of raw labels
    (``if "raw" in self.path``), and then fails on ordinary windows. A random folder name holds
    "raw" about once in 8,000 (this once made the random comparison fail now and then).
    """
    if "raw" in tempfile.gettempdir():
        raise RuntimeError(f"the temporary folder {tempfile.gettempdir()} contains 'raw'")
    while True:
        folder = tempfile.TemporaryDirectory()
        if "raw" not in folder.name:
            break
        folder.cleanup()
    with folder:
        yield folder.name


def nab_windows(index: pd.Index, spans, tmpdir: str):
    """Windows and timestamps as NAB's scorer receives them.

    A naive DatetimeIndex goes through NAB's own label reader (CorpusLabel: a labels JSON of
    strings, checked against the data's timestamps, parsed by nab.util.strp), as in
    nab/scorer.py::scoreCorpus. NAB's label reader only knows dates, so an integer or a
    timezone-aware index is handed to the Sweeper directly as Python values.
    """
    if isinstance(index, pd.DatetimeIndex) and index.tz is None:
        data = pd.DataFrame({"timestamp": index.to_numpy(), "value": 0.0})
        corpus = types.SimpleNamespace(dataFiles={NAME: types.SimpleNamespace(data=data)})
        path = os.path.join(tmpdir, "windows.json")
        text = [[vendor_strf(a), vendor_strf(b)] for a, b in spans]
        with open(path, "w") as fh:
            json.dump({NAME: text}, fh)
        labels = vendor.CorpusLabel(path, corpus)
        return labels.labels[NAME]["timestamp"], labels.windows[NAME]
    return list(index), [[a, b] for a, b in spans]


def vendor_strf(t) -> str:
    """NAB's nab.util.strf format ("%Y-%m-%d %H:%M:%S.%f"), as its label files are written."""
    return pd.Timestamp(t).to_pydatetime().strftime("%Y-%m-%d %H:%M:%S.%f")


def nab_raw(index, flags, spans, profile, probation_fraction, threshold=0.5):
    """NAB's raw score of one file (nab/scorer.py::scoreDataSet), detections = ``flags``.

    Returns ``(score, row)`` where row is NAB's (tp, tn, fp, fn, total) counts.
    """
    with labels_folder() as tmp:
        timestamps, windows = nab_windows(index, spans, tmp)
    scores = pd.Series(np.where(np.asarray(flags), 1.0, 0.0))
    args = (
        "random",
        profile,
        NAME,
        None,
        threshold,
        timestamps,
        scores,
        windows,
        NAB_PROFILES[profile],
        probation_fraction,
        False,
    )
    out = vendor.scoreDataSet(args)
    return out[4], out[5:]


def nab_parts(index, flags, spans, profile, probation_fraction):
    """NAB's per-window parts and false-positive part, read off calcSweepScore's points.

    Returns ``(parts, fp)``: one part per window in the order given, None for a window NAB
    never scores (all its points are probationary), and the false-positive part.

    calcScoreByThreshold keeps, per window name, max(-fnWeight, sweepScore of each detection
    in it) and adds the sweepScore of every detection outside windows to "fp"; the points
    with windowName "probationary" are dropped first. This repeats that bookkeeping for
    threshold 0.5 (detections = flags), to compare parts, not only the total.
    """
    sweeper = vendor.Sweeper(probation_fraction, NAB_PROFILES[profile])
    with labels_folder() as tmp:
        timestamps, windows = nab_windows(index, spans, tmp)
    scores = np.where(np.asarray(flags), 1.0, 0.0)
    points = sweeper.calcSweepScore(timestamps, scores, windows, NAME)
    fn = NAB_PROFILES[profile]["fnWeight"]
    parts, fp = {}, 0.0
    for p in points:
        if p.windowName == "probationary":
            continue
        if p.windowName is not None:
            parts.setdefault(p.windowName, -fn)
            if p.anomalyScore >= 0.5:
                parts[p.windowName] = max(parts[p.windowName], p.sweepScore)
        elif p.anomalyScore >= 0.5:
            fp += p.sweepScore
    return [parts.get(f"{NAME}|{w[0]}") for w in windows], fp


# ------------------------------------------------------------------ random cases

KINDS = ("int", "int_gaps", "datetime", "datetime_irregular", "datetime_tz")


def random_case(rng: np.random.Generator) -> dict:
    """One random input: index, flags, spans (index values, in time order), profile, probation."""
    size = rng.choice(["tiny", "small", "medium", "large"], p=[0.25, 0.4, 0.3, 0.05])
    n = int(
        {
            "tiny": rng.integers(1, 12),
            "small": rng.integers(12, 80),
            "medium": rng.integers(80, 600),
            "large": rng.integers(5001, 7000),
        }[size]
    )
    kind = KINDS[rng.integers(len(KINDS))]
    if kind == "int":
        index = pd.Index(np.arange(n) + int(rng.integers(-50, 50)), dtype="int64")
    elif kind == "int_gaps":
        index = pd.Index(np.cumsum(rng.integers(1, 5, n)) + int(rng.integers(-100, 100)))
    elif kind == "datetime":
        index = pd.date_range("2014-02-14 09:00", periods=n, freq="5min")
    elif kind == "datetime_irregular":
        steps = rng.integers(1, 600, n) * 1_000_000_000  # 1 s .. 10 min
        index = pd.DatetimeIndex(pd.Timestamp("2015-03-29 00:30").value + np.cumsum(steps))
    else:
        index = pd.date_range("2015-10-25 00:00", periods=n, freq="10min", tz="Europe/Berlin")

    # Spans as rows: disjoint, possibly adjacent, one-point ones frequent.
    k = int(rng.integers(1, 6))
    rows, pos = [], int(rng.integers(0, max(1, n // 3) + 1))
    for _ in range(k):
        if pos >= n:
            break
        width = 1 if rng.random() < 0.1 else int(rng.integers(1, max(2, n // 4) + 1))
        lo, hi = pos, min(n - 1, pos + width - 1)
        rows.append((lo, hi))
        pos = hi + 1 + (0 if rng.random() < 0.2 else int(rng.integers(1, max(2, n // 3) + 1)))
    if not rows:
        rows = [(n - 1, n - 1)]
    spans = [(index[lo], index[hi]) for lo, hi in rows]

    p_flag = float(
        rng.choice([0.0, 0.01, 0.05, 0.2, 0.6, 1.0], p=[0.1, 0.15, 0.3, 0.25, 0.15, 0.05])
    )
    flags = rng.random(n) < p_flag
    for lo, hi in rows:  # sometimes a flag right at a span's start or end
        if rng.random() < 0.3:
            flags[lo if rng.random() < 0.5 else hi] = True
    profile = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"][rng.integers(3)]
    probation = float(
        rng.choice([0.15, 0.0, round(float(rng.uniform(0, 0.9)), 3)], p=[0.6, 0.15, 0.25])
    )
    return dict(
        index=index,
        flags=flags,
        spans=spans,
        rows=rows,
        profile=profile,
        probation_fraction=probation,
        kind=kind,
    )


def nab_raw_or_limit(index, flags, spans, profile, probation_fraction):
    """NAB's raw score, and what it took to get it from NAB's code.

    Returns ``(score, notes)``. ``notes`` is empty when NAB's scoreDataSet ran as it is, with
    threshold 0.5. Otherwise it names each NAB failure met and the way round it:

    * ``"zero_division"``: a one-point span is followed by a point outside every span, and
      NAB's calcSweepScore divided by ``width - 1 = 0``; the score is NAB's code in the limit
      of a vanishing denominator (:func:`vanishing_zero_denominator`).
    * ``"no_matching_row"``: every scored point is flagged, so NAB's threshold lookup in
      Sweeper.scoreDataSet finds no row below 0.5 and returns None (scorer.scoreDataSet then
      raises AttributeError); the score is NAB's with threshold 1.0, which selects the same
      detections (anomaly score >= 1.0, i.e. the flags) through the lookup's equality branch.
    """
    notes = set()
    args = (index, flags, spans, profile, probation_fraction)
    for threshold in (0.5, 1.0):
        try:
            try:
                return nab_raw(*args, threshold=threshold)[0], notes
            except ZeroDivisionError:
                notes.add("zero_division")
                with vanishing_zero_denominator():
                    return nab_raw(*args, threshold=threshold)[0], notes
        except AttributeError as err:
            if "'NoneType' object has no attribute 'score'" not in str(err):
                raise
            notes.add("no_matching_row")
    raise AssertionError("NAB found no row even with threshold 1.0")
