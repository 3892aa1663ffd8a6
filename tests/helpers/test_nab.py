"""NAB: loading (local copies first, verified downloads, clear errors; no network in these
tests) and ``nab.score``, which is NAB's score: checked against NAB's own code, vendored.

* NAB's code (vendor_nab_sweeper.py, commit ea702d7, MIT) scores each random series through the
  function NAB's scoreCorpus calls per file, nab/scorer.py::scoreDataSet, with anomaly
  scores 1.0 at the flags and 0.0 elsewhere, threshold 0.5; a naive DatetimeIndex's spans
  go through NAB's label reader (CorpusLabel) as a labels JSON. See nab_reference.py.
* Hypothesis properties against a plain loop written from the rules in nab.py's docstring.
* Hand-worked cases, NAB's behaviour at each documented departure, and bad inputs.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import http.client
import io
import json
import math
import os
import subprocess
import tempfile
import types
import urllib.error
from fractions import Fraction
from pathlib import Path
from unittest import mock

import nab_reference as ref
import numpy as np
import pandas as pd
import pytest
import vendor_nab_sweeper as vendor
from bad_input import random_test, sweep
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_helpers import nab
from lstm_helpers.nab import LABELS, SHA256, NabError, scaled_sigmoid

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"
SOURCE = Path(os.environ.get("LSTM_HELPERS_DATA") or SHARED)
TAXI = "realKnownCause/nyc_taxi.csv"
HERE = Path(__file__).resolve().parent
#: A mirror of NAB's repository (git directory), if this machine has one: then the vendored
#: code is checked line by line against it. Set NAB_MIRROR to use another.
MIRROR = Path(os.environ.get("NAB_MIRROR", "/work/.mirror/numenta+NAB/repo"))
COMMIT = "ea702d75cc2258d9d7dd35ca8e5e2539d71f3140"
N_RANDOM = 400
SEED = 20240622
needs_copy = pytest.mark.skipif(
    not (SOURCE / LABELS).exists(), reason="no local NAB copy (set LSTM_HELPERS_DATA)"
)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No environment variable, an empty cache, and any network use fails the test."""
    monkeypatch.delenv("LSTM_HELPERS_DATA", raising=False)
    monkeypatch.setattr(nab.platformdirs, "user_cache_dir", lambda *_: str(tmp_path / "cache"))

    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(nab.urllib.request, "urlopen", no_network)
    return tmp_path


def _write(root: Path, rel: str, payload: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


@needs_copy
def test_a_present_file_is_read_without_touching_the_network(isolated, monkeypatch):
    monkeypatch.setenv("LSTM_HELPERS_DATA", str(SOURCE))
    df, _ = nab.load(TAXI)
    assert list(df.columns) == ["value"] and isinstance(df.index, pd.DatetimeIndex)
    assert len(df) == 10320 and df.index.is_monotonic_increasing


@needs_copy
@pytest.mark.parametrize("name", [k.removeprefix("data/") for k in SHA256 if k != LABELS])
def test_labels_parse_and_fall_inside_the_series(name, isolated):
    df, spans = nab.load(name, data_home=SOURCE)
    for start, end in spans:
        assert isinstance(start, pd.Timestamp) and start <= end
        assert df.index[0] <= start and end <= df.index[-1]


def test_a_checksum_mismatch_raises(isolated):
    home = isolated / "home"
    _write(home, f"data/{TAXI}", b"timestamp,value\n2014-07-01 00:00:00,1\n")
    with pytest.raises(NabError, match=r"does not match NAB commit .* Delete the file"):
        nab.path(f"data/{TAXI}", data_home=home)


def test_a_missing_file_without_network_gives_a_clear_error(isolated, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(nab.urllib.request, "urlopen", offline)
    with pytest.raises(NabError, match=r"could not be downloaded .* set LSTM_HELPERS_DATA"):
        nab.load(TAXI)


def test_an_unknown_series_is_refused_with_the_known_names(isolated):
    with pytest.raises(NabError, match=r"known NAB series: .*nyc_taxi\.csv"):
        nab.load("realTweets/Twitter_volume_AAPL.csv")


@needs_copy
def test_a_download_is_verified_then_cached(isolated, monkeypatch):
    calls = []

    def serve(url, timeout):
        calls.append(url)
        rel = url.split(nab.COMMIT + "/", 1)[1]
        return io.BytesIO((SOURCE / rel).read_bytes())

    monkeypatch.setattr(nab.urllib.request, "urlopen", serve)
    path = nab.path(f"data/{TAXI}")
    assert path == isolated / "cache" / "nab" / "data" / TAXI
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[f"data/{TAXI}"]
    assert calls == [nab.URL + f"data/{TAXI}"]
    nab.path(f"data/{TAXI}")  # second time: from the cache
    assert len(calls) == 1


def test_a_corrupt_download_is_not_cached(isolated, monkeypatch):
    monkeypatch.setattr(nab.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"garbage"))
    with pytest.raises(NabError, match="does not match"):
        nab.path(LABELS)
    assert not list((isolated / "cache").rglob("*.json"))


class _Broken(io.BytesIO):
    def read(self, *args):
        raise http.client.IncompleteRead(b"partial", 1000)


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.URLError("no route to host"),
        urllib.error.HTTPError("u", 404, "Not Found", {}, None),
        TimeoutError("timed out"),
        ConnectionResetError("reset"),
        http.client.RemoteDisconnected("closed"),
        "incomplete",
    ],
)
def test_every_network_failure_is_a_nab_error(isolated, monkeypatch, failure):
    def fail(url, timeout):
        if failure == "incomplete":
            return _Broken(b"")
        raise failure

    monkeypatch.setattr(nab.urllib.request, "urlopen", fail)
    with pytest.raises(NabError, match="could not be downloaded"):
        nab.path(LABELS)
    assert not [p for p in (isolated / "cache").rglob("*") if p.is_file()]


def test_a_failed_write_is_a_nab_error_and_leaves_no_partial_file(isolated, monkeypatch):
    payload = b"x" * 100
    monkeypatch.setitem(nab.SHA256, LABELS, hashlib.sha256(payload).hexdigest())  # verified
    monkeypatch.setattr(nab.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(payload))
    real = nab.tempfile.NamedTemporaryFile

    class DiskFull:
        def __init__(self, **kwargs):
            self.file = real(**kwargs)
            self.name = self.file.name

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            self.file.write(data[:10])  # half-written, then the disk is full
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(nab.tempfile, "NamedTemporaryFile", DiskFull)
    with pytest.raises(NabError, match=r"could not be saved .*No space left"):
        nab.path(LABELS)
    assert not [p for p in (isolated / "cache").rglob("*") if p.is_file()]


def test_load_nab_csv_reads_any_nab_format_file(tmp_path):
    path = _write(
        tmp_path,
        "x.csv",
        b"timestamp,value\n2020-01-01 00:05:00,2\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,9\n",
    )
    df, spans = nab.load_csv(path, [["2020-01-01 00:00:00", "2020-01-01 00:05:00"]])
    assert df["value"].tolist() == [
        1.0,
        2.0,
    ]  # sorted; the repeated timestamp keeps its first value
    assert df.attrs["dropped_duplicate_timestamps"] == 1
    assert spans == [(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-01 00:05"))]
    assert isinstance(df.index, pd.DatetimeIndex)


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        (b"time,val\n2020-01-01,1\n", "expected columns timestamp,value"),
        (b"timestamp,value\nyesterday,1\n2020-01-01,2\n", "ISO 8601"),
        (b"timestamp,value\n2020-01-01,1\n2020-13-45,2\n", "ISO 8601"),
        (b"timestamp,value\n1,1\n2,2\n", "ISO 8601"),
        (b"timestamp,value\n2020-01-01,1\n,2\n", "timestamp is empty on data row 1"),
        (b"timestamp,value\n2020-01-01,high\n", "value must hold numbers"),
    ],
)
def test_load_nab_csv_refuses_what_it_cannot_parse(tmp_path, payload, match):
    with pytest.raises(ValueError, match=match):
        nab.load_csv(_write(tmp_path, "y.csv", payload))


def test_load_nab_csv_refuses_reversed_or_missing_spans(tmp_path):
    path = _write(tmp_path, "x.csv", b"timestamp,value\n2020-01-01 00:00:00,1\n")
    with pytest.raises(ValueError, match=r"spans\[0\] must be .* start <= end"):
        nab.load_csv(path, [["2020-01-02", "2020-01-01"]])
    with pytest.raises(ValueError, match=r"spans\[0\]"):
        nab.load_csv(path, [[None, "2020-01-01"]])


# -------------------- The scaled sigmoid by hand.


def sig(y):
    """NAB's scaled sigmoid, written out: 2 * (1 / (1 + e^(5y))) - 1, and -1 beyond y = 3."""
    return -1.0 if y > 3 else 2 / (1 + math.exp(5 * y)) - 1


def flags_at(n, where, index=None):
    f = np.zeros(n, dtype=bool)
    f[list(where)] = True
    return pd.Series(f, index=pd.RangeIndex(n) if index is None else index)


def test_scaled_sigmoid_values():
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert scaled_sigmoid(0.0) == pytest.approx(0.0)
    assert scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert scaled_sigmoid(3.5) == -1.0
    assert np.allclose(scaled_sigmoid([-2.0, 0.3]), [sig(-2.0), sig(0.3)])


# -------------------- NAB's own code, vendored: the score against it on random inputs.


def close(a: float, b: float) -> bool:
    """Equal to 1e-12, relative, or absolute for scores near 0 (parts are O(0.01..1))."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def tanh_sigma(y: float) -> float:
    """NAB's scaled sigmoid written another way: 2 / (1 + e^(5y)) - 1 = -tanh(5y / 2)."""
    return -1.0 if y > 3.0 else -math.tanh(2.5 * y)


# ================================================================ the vendored code itself


def test_pinned_commit_and_licence():
    assert nab.COMMIT == COMMIT
    text = (HERE / "vendor_nab_sweeper.py").read_text()
    assert COMMIT in text and "Permission is hereby granted, free of charge" in text
    if not MIRROR.exists():
        pytest.skip("NAB's repository is not mirrored on this machine")
    git = ["git", f"--git-dir={MIRROR}"]
    assert (
        subprocess.run(
            [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        == COMMIT
    )
    licence = subprocess.run(
        [*git, "show", f"{COMMIT}:LICENSE.txt"], capture_output=True, text=True, check=True
    ).stdout
    header = "\n".join(line[2:] for line in text.splitlines() if line.startswith("# "))
    for line in licence.splitlines():
        assert line.strip() in header


# (file, first line, last line) of every block copied, and the one line changed (header item 2).
BLOCKS = [
    ("nab/sweeper.py", 9, None),
    ("nab/util.py", 285, 293),
    ("nab/util.py", 317, 327),
    ("nab/labeler.py", 87, 204),
    ("nab/scorer.py", 113, 173),
]
CHANGED = (
    '          labels["label"].values[indices.values] = 1\n',
    '          labels.iloc[indices.values, labels.columns.get_loc("label")] = 1  # CHANGED (2)\n',
)


def test_vendored_code_is_verbatim():
    if not MIRROR.exists():
        pytest.skip("NAB's repository is not mirrored on this machine")
    vendored = (HERE / "vendor_nab_sweeper.py").read_text()
    for path, first, last in BLOCKS:
        source = subprocess.run(
            ["git", f"--git-dir={MIRROR}", "show", f"{COMMIT}:{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines(keepends=True)
        block = "".join(source[first - 1 : last])
        assert block.count(CHANGED[0]) <= 1
        block = block.replace(*CHANGED)
        assert block in vendored, f"{path} lines {first}-{last} differ from the vendored copy"


def test_nab_profiles_are_the_packages():
    if MIRROR.exists():
        profiles = json.loads(
            subprocess.run(
                ["git", f"--git-dir={MIRROR}", "show", f"{COMMIT}:config/profiles.json"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        assert {k: v["CostMatrix"] for k, v in profiles.items()} == ref.NAB_PROFILES
    for name, cost in ref.NAB_PROFILES.items():
        assert nab.PROFILES[name] == {
            "tp": cost["tpWeight"],
            "fp": cost["fpWeight"],
            "fn": cost["fnWeight"],
        }


# ================================================================ random inputs against NAB


def _random_cases():
    rng = np.random.default_rng(SEED)
    return [ref.random_case(rng) for _ in range(N_RANDOM)]


CASES = _random_cases()


def _compare(case):
    """Package and NAB on one case: returns NAB's notes (what NAB's code needed)."""
    flags = pd.Series(case["flags"], index=case["index"])
    args = (
        case["index"],
        case["flags"],
        case["spans"],
        case["profile"],
        case["probation_fraction"],
    )
    theirs, notes = ref.nab_raw_or_limit(*args)
    ours = nab.score(case["spans"], flags, case["profile"], case["probation_fraction"])
    assert close(ours.raw, theirs), (ours.raw, theirs, notes)

    # The parts too: per span (NAB names a window "<file>|<start>") and the false positives.
    if "zero_division" in notes:
        with ref.vanishing_zero_denominator():
            parts, fp = ref.nab_parts(*args)
    else:
        parts, fp = ref.nab_parts(*args)
    assert close(ours.false_positive_part, fp)
    assert len(parts) == len(ours.spans) == len(case["rows"])
    for (lo, hi), row, theirs_part in zip(
        case["rows"], ours.spans.itertuples(), parts, strict=True
    ):
        assert (row.start, row.end) == (case["index"][lo], case["index"][hi])
        if theirs_part is None:  # NAB never saw the window: it ends inside probation
            assert not row.scored and row.part == 0.0
        else:
            assert row.scored and close(row.part, theirs_part)
    # NAB's null detector and perfect count (runner.normalize) give our normalised score.
    null_nab, _ = ref.nab_raw_or_limit(
        case["index"],
        np.zeros(len(flags), bool),
        case["spans"],
        case["profile"],
        case["probation_fraction"],
    )
    perfect_nab = len(case["spans"]) * ref.NAB_PROFILES[case["profile"]]["tpWeight"]
    assert close(ours.null, null_nab) and close(ours.perfect, perfect_nab)
    assert close(ours.normalised, 100 * (theirs - null_nab) / (perfect_nab - null_nab))
    return notes


@pytest.fixture(scope="module")
def random_results():
    results = []
    for k, case in enumerate(CASES):
        try:
            results.append(_compare(case))
        except AssertionError as err:
            raise AssertionError(
                f"random case {k}: {case['kind']} index, n={len(case['flags'])}, span rows "
                f"{case['rows']}, flags at {np.flatnonzero(case['flags']).tolist()[:20]}, "
                f"{case['profile']}, probation_fraction={case['probation_fraction']}"
            ) from err
    return results


def test_random_inputs_match_nab(random_results):
    counts = {"as is": 0, "zero_division": 0, "no_matching_row": 0}
    for notes in random_results:
        counts["as is"] += not notes
        for note in notes:
            counts[note] += 1
    both = sum(notes == {"zero_division", "no_matching_row"} for notes in random_results)
    print(f"\n{N_RANDOM} random cases match NAB's code: {counts}, both notes: {both}")
    # At least 200 cases where NAB's code runs exactly as published, with threshold 0.5.
    assert counts["as is"] >= 200
    # The departures are exercised too (the others are compared with NAB in the limit).
    assert counts["zero_division"] >= 20 and counts["no_matching_row"] >= 5


def test_random_inputs_cover_what_they_claim():
    kinds = {c["kind"] for c in CASES}
    assert kinds == set(ref.KINDS)
    assert {c["profile"] for c in CASES} == set(nab.PROFILES)
    n = np.array([len(c["flags"]) for c in CASES])
    assert n.min() <= 3 and (n > 5000).sum() >= 5  # the 750-point cap of probation is reached

    def probation(c):
        return min(
            math.floor(c["probation_fraction"] * len(c["flags"])), c["probation_fraction"] * 5000
        )

    rows = [(lo, hi, probation(c)) for c in CASES for lo, hi in c["rows"]]
    assert sum(hi == lo for lo, hi, _ in rows) >= 50  # one-point spans
    assert sum(hi < p for _, hi, p in rows) >= 20  # spans that end inside probation
    assert sum(lo < p <= hi for lo, hi, p in rows) >= 20  # spans across its end
    adjacent = sum(
        b[0] == a[1] + 1 for c in CASES for a, b in zip(c["rows"], c["rows"][1:], strict=False)
    )
    assert adjacent >= 20
    assert (
        sum(c["flags"].all() for c in CASES) >= 5 and sum(not c["flags"].any() for c in CASES) >= 20
    )


def test_inside_is_nab_on_the_points_a_span_covers():
    """span_ends="inside" equals NAB's score of the spans cut to the points they hold."""
    rng = np.random.default_rng(SEED + 1)
    compared = 0
    for case in CASES[:150]:
        index, rows = case["index"], case["rows"]
        if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
            continue
        # Widen each span by up to half the gap to its neighbours, off the timestamps.
        spans = []
        for lo, hi in rows:
            before = index[lo - 1] if lo > 0 else index[lo] - pd.Timedelta("1h")
            after = index[hi + 1] if hi + 1 < len(index) else index[hi] + pd.Timedelta("1h")
            a = index[lo] - (index[lo] - before) * rng.uniform(0.01, 0.49)
            b = index[hi] + (after - index[hi]) * rng.uniform(0.01, 0.49)
            spans.append((a, b))
        flags = pd.Series(case["flags"], index=index)
        with pytest.raises(ValueError, match=r"spans\[0\] start .* not a label"):
            nab.score(spans, flags, case["profile"], case["probation_fraction"])
        ours = nab.score(
            spans, flags, case["profile"], case["probation_fraction"], span_ends="inside"
        )
        theirs, _ = ref.nab_raw_or_limit(
            index, case["flags"], case["spans"], case["profile"], case["probation_fraction"]
        )
        assert close(ours.raw, theirs)
        compared += 1
    assert compared >= 40


# ================================================================ NAB's behaviour at each departure


def _sweep(timestamps, flags, windows, probation=0.0, profile="standard"):
    sweeper = vendor.Sweeper(probation, ref.NAB_PROFILES[profile])
    points = sweeper.calcSweepScore(timestamps, [float(f) for f in flags], windows, "f")
    return points, sweeper


def _nab_score(timestamps, flags, windows, probation=0.0, profile="standard"):
    sweeper = vendor.Sweeper(probation, ref.NAB_PROFILES[profile])
    _, row = sweeper.scoreDataSet(timestamps, [float(f) for f in flags], windows, "f", 1.0)
    return row.score


def test_nab_divides_by_zero_after_a_one_point_span_and_we_take_the_limit():
    ts = list(range(10))
    # Any point after a one-point span outside every span, flagged or not, crashes NAB.
    with pytest.raises(ZeroDivisionError):
        _sweep(ts, [False] * 10, [[3, 3]])
    # ... unless none follows: the one-point span is last, or the next span starts right after.
    _sweep(ts, [False] * 10, [[9, 9]])
    _sweep(ts, [False] * 10, [[3, 3], [4, 9]])
    # The limit: a flag after a one-point span costs the full A_fp (y -> +inf).
    result = nab.score([(3, 3)], flags_at(10, [3, 4]), probation_fraction=0.0)
    assert result.false_positive_part == -0.11
    with ref.vanishing_zero_denominator():
        assert _nab_score(ts, result_flags(10, [3, 4]), [[3, 3]]) == pytest.approx(1 - 0.11)
    # ... the limit from above of NAB's formula: two-point spans approach it.
    assert nab.score(
        [(2, 3)], flags_at(10, [2, 4]), probation_fraction=0.0
    ).false_positive_part == pytest.approx(0.11 * tanh_sigma(1.0))
    # The one-point span's true-positive part is well defined in NAB, and the same here.
    assert _nab_score(ts, result_flags(10, [9]), [[9, 9]]) == 1.0
    assert nab.score([(9, 9)], flags_at(10, [9]), probation_fraction=0.0).raw == 1.0


def result_flags(n, rows):
    return flags_at(n, rows).tolist()


def test_nab_refuses_or_mishandles_span_ends_that_are_not_timestamps(tmp_path):
    index = pd.date_range("2015-01-01", periods=20, freq="5min")
    data = pd.DataFrame({"timestamp": index, "value": 0.0})
    corpus = types.SimpleNamespace(dataFiles={"a/b.csv": types.SimpleNamespace(data=data)})
    labels = tmp_path / "windows.json"
    labels.write_text(json.dumps({"a/b.csv": [["2015-01-01 00:12:00", "2015-01-01 00:30:00"]]}))
    with pytest.raises(ValueError, match="have to exactly match timestamps"):
        vendor.CorpusLabel(str(labels), corpus)  # NAB's label reader refuses
    spans = [(pd.Timestamp("2015-01-01 00:12"), pd.Timestamp("2015-01-01 00:30"))]
    flags = flags_at(20, [3, 15], index=index)
    with pytest.raises(ValueError, match=r"spans\[0\] start .* span_ends='inside'"):
        nab.score(spans, flags, probation_fraction=0.0)
    inside = nab.score(spans, flags, probation_fraction=0.0, span_ends="inside")
    assert (inside.spans["start"].iloc[0], inside.spans["end"].iloc[0]) == (index[3], index[6])
    assert inside.spans["part"].iloc[0] == 1.0  # the flag at 00:15, the first point inside
    # NAB's Sweeper, given such windows anyway: a missing start silently drops that window
    # and every later one (their points are scored as outside all windows) ...
    ts = list(range(30))
    f = result_flags(30, [5, 12, 20])
    dropped = _nab_score(ts, f, [[4.5, 8], [10, 14], [19, 22]])
    assert dropped == _nab_score(ts, f, [])
    assert dropped == pytest.approx(3 * -0.11)
    # ... and a missing end crashes it.
    with pytest.raises(ValueError, match="is not in list"):
        _nab_score(ts, f, [[4, 8.5]])


def test_nab_counts_probation_spans_in_perfect():
    """runner.normalize: perfect = tpWeight * (every window in the labels file)."""
    # 100 points, probation 15: span (2, 5) ends inside it; span (50, 59) is scored.
    flags = flags_at(100, [3, 55])
    theirs = _nab_score(list(range(100)), flags.tolist(), [[2, 5], [50, 59]], probation=0.15)
    null = _nab_score(list(range(100)), [False] * 100, [[2, 5], [50, 59]], probation=0.15)
    tp = math.tanh(1.25) / math.tanh(2.5)  # y = -(59 - 55 + 1) / 10 = -0.5
    assert theirs == pytest.approx(tp) and null == -1.0  # the early span: neither TP nor FN
    ours = nab.score([(2, 5), (50, 59)], flags)
    assert ours.raw == pytest.approx(theirs) and ours.null == null
    assert ours.perfect == 2.0  # NAB's count, though span (2, 5) can earn nothing
    assert ours.normalised == pytest.approx(100 * (tp + 1) / 3)
    assert ours.spans["scored"].tolist() == [False, True]
    reachable = nab.score([(2, 5), (50, 59)], flags, perfect="scored_spans")
    assert (reachable.raw, reachable.null, reachable.perfect) == (ours.raw, -1.0, 1.0)
    assert reachable.normalised == pytest.approx(100 * (tp + 1) / 2)
    # Only spans inside probation: NAB's normalisation is still defined, ours too by default.
    only = nab.score([(2, 5)], flags_at(100, [3]))
    assert (only.raw, only.null, only.perfect, only.normalised) == (0.0, 0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="perfect='scored_spans'"):
        nab.score([(2, 5)], flags, perfect="scored_spans")


def test_nab_needs_windows_in_time_order_we_sort_them():
    ts = list(range(30))
    f = result_flags(30, [5, 20])
    in_order = _nab_score(ts, f, [[4, 8], [18, 22]])
    # Out of order NAB silently loses the earlier window: flag 5 becomes a false positive.
    assert _nab_score(ts, f, [[18, 22], [4, 8]]) != pytest.approx(in_order)
    for spans in ([(4, 8), (18, 22)], [(18, 22), (4, 8)]):
        assert nab.score(spans, flags_at(30, [5, 20]), probation_fraction=0.0).raw == (
            pytest.approx(in_order)
        )


def test_nab_lets_windows_share_a_point_we_refuse(tmp_path):
    index = pd.date_range("2015-01-01", periods=20, freq="5min")
    data = pd.DataFrame({"timestamp": index, "value": 0.0})
    corpus = types.SimpleNamespace(dataFiles={"a/b.csv": types.SimpleNamespace(data=data)})
    label = vendor.CorpusLabel.__new__(vendor.CorpusLabel)
    label.path, label.corpus = "unused", corpus
    shared = [
        ["2015-01-01 00:10:00", "2015-01-01 00:30:00"],
        ["2015-01-01 00:30:00", "2015-01-01 00:50:00"],
    ]
    label.path = str(tmp_path / "windows.json")
    Path(label.path).write_text(json.dumps({"a/b.csv": shared}))
    label.validateLabels()  # NAB's check accepts windows that share an end point
    # Its scorer gives the shared point to the later window: a flag there is a true positive
    # of the later window at its first point, and the earlier window is a miss ...
    ts = list(range(20))
    assert _nab_score(ts, result_flags(20, [6]), [[2, 6], [6, 10]]) == pytest.approx(1.0 - 1.0)
    # ... while the earlier window keeps its full width 5 and right edge 6: a flag at 5 sits
    # at y = -(6 - 5 + 1) / 5 = -0.4, and the later window is missed.
    assert _nab_score(ts, result_flags(20, [5]), [[2, 6], [6, 10]]) == pytest.approx(
        math.tanh(1.0) / math.tanh(2.5) - 1.0
    )
    with pytest.raises(ValueError, match="spans must not overlap"):
        nab.score([(2, 6), (6, 10)], flags_at(20, [6]), probation_fraction=0.0)


def test_nab_threshold_lookup_finds_nothing_when_every_point_is_flagged():
    sweeper = vendor.Sweeper(0.0, ref.NAB_PROFILES["standard"])
    _, row = sweeper.scoreDataSet(list(range(10)), [1.0] * 10, [[2, 4]], "f", 0.5)
    assert row is None  # NAB's scorer then fails on row.score
    _, row = sweeper.scoreDataSet(list(range(10)), [1.0] * 10, [[2, 4]], "f", 1.0)
    ours = nab.score([(2, 4)], flags_at(10, range(10)), probation_fraction=0.0)
    assert ours.raw == pytest.approx(row.score)


# ================================================================ hand-worked cases


def test_one_span_by_hand():
    # 20 points; probation floor(0.15 * 20) = 3, so points 0..2 are not scored.
    # Span 5..9 (width 5). Flags at 1 (probation), 4 (before any span: full cost), 7 and 8
    # (inside: only 7 counts), 12 and 19 (after the span, y = 3/4 and 10/4).
    result = nab.score([(5, 9)], flags_at(20, [1, 4, 7, 8, 12, 19]))
    tp = math.tanh(1.5) / math.tanh(2.5)  # y = -(9 - 7 + 1) / 5 = -0.6
    fp = 0.11 * (-1.0 - math.tanh(1.875) - math.tanh(6.25))
    assert tp == pytest.approx(0.9174287, abs=1e-7) and fp == pytest.approx(-0.3249442, abs=1e-7)
    assert result.spans["part"].iloc[0] == pytest.approx(tp, rel=1e-14)
    assert result.spans["first_flag"].iloc[0] == 7
    assert result.spans["position"].iloc[0] == pytest.approx(-0.6)
    assert result.n_false_positives == 3
    assert result.false_positive_part == pytest.approx(fp, rel=1e-14)
    assert result.raw == pytest.approx(tp + fp, rel=1e-14)
    assert (result.null, result.perfect) == (-1.0, 1.0)
    assert result.normalised == pytest.approx(100 * (tp + fp + 1) / 2, rel=1e-14)
    assert result.raw == pytest.approx(
        _nab_score(list(range(20)), result_flags(20, [1, 4, 7, 8, 12, 19]), [[5, 9]], 0.15),
        rel=1e-14,
    )


def test_one_point_span_by_hand():
    # Flag on the span earns A_tp; the flag two points later costs the full A_fp (the limit).
    result = nab.score([(3, 3)], flags_at(10, [3, 5]), probation_fraction=0.0)
    assert result.raw == pytest.approx(0.89, abs=1e-15)
    assert result.normalised == pytest.approx(94.5, abs=1e-12)


def test_span_across_probation_by_hand():
    # 100 points, probation 15; span 10..19 (width 10): the flag at 12 lies in probation,
    # so the earliest scored flag is 17, y = -(19 - 17 + 1) / 10 = -0.3. A flag at 30:
    # y = (30 - 19) / 9 > 1, weight -tanh(2.5 * 11 / 9).
    result = nab.score([(10, 19)], flags_at(100, [12, 17, 30]))
    tp = math.tanh(0.75) / math.tanh(2.5)
    fp = -0.11 * math.tanh(2.5 * 11 / 9)
    assert result.spans["first_flag"].iloc[0] == 17
    assert result.raw == pytest.approx(tp + fp, rel=1e-14)
    assert (result.null, result.perfect) == (-1.0, 1.0)


def test_false_positive_after_a_span_inside_probation():
    # Span 2..5 (width 4) ends inside the 15-point probation; a flag at 7 is in probation
    # (ignored), one at 16 is scored relative to that span: y = (16 - 5) / 3 > 3, cost -1.
    result = nab.score([(2, 5), (50, 59)], flags_at(100, [7, 16]))
    assert result.n_false_positives == 1 and result.false_positive_part == -0.11
    zero = nab.score([(2, 5), (50, 59)], flags_at(100, [7, 16]), probation_fraction=0.0)
    assert zero.false_positive_part == pytest.approx(
        0.11 * (tanh_sigma(2 / 3) + tanh_sigma(11 / 3)), rel=1e-14
    )


def test_probation_is_capped_at_750_points():
    # 10,000 points: probation min(floor(1500), 750) = 750.
    flags = flags_at(10_000, [100, 749, 750, 800, 5000])
    result = nab.score([(50, 150), (800, 900)], flags)
    assert result.spans["scored"].tolist() == [False, True]
    assert result.spans["part"].tolist() == [0.0, 1.0]
    assert result.n_false_positives == 2  # 750 and 5000; 100 and 749 lie in probation
    assert result.perfect == 2.0 and result.null == -1.0


def test_profiles_by_hand():
    flags = flags_at(20, [])
    for name, weights in nab.PROFILES.items():
        result = nab.score([(5, 9), (14, 16)], flags, profile=name)
        assert result.raw == -2 * weights["fn"] and result.normalised == 0.0
        perfect = nab.score([(5, 9), (14, 16)], flags_at(20, [5, 14]), profile=name)
        assert perfect.raw == 2.0 and perfect.normalised == 100.0


def test_timestamps_and_custom_profile():
    idx = pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC")
    spans = [
        (pd.Timestamp("2024-01-01 05:00", tz="UTC"), pd.Timestamp("2024-01-01 09:00", tz="UTC"))
    ]
    result = nab.score(
        spans, flags_at(20, [6], index=idx), profile={"tp": 2.0, "fp": 1.0, "fn": 3.0}
    )
    assert result.raw == pytest.approx(2.0 * math.tanh(2.0) / math.tanh(2.5), rel=1e-14)
    assert (result.null, result.perfect) == (-3.0, 2.0)


# ================================================================ properties against a plain loop


def loop_score(n, flags, rows, weights, fraction):
    """The rules of nab.py's docstring, one point at a time (rows: (lo, hi), any order)."""
    probation = min(math.floor(fraction * n), fraction * 5000)
    rows = sorted(rows)
    parts = []
    for lo, hi in rows:
        if hi < probation:
            parts.append(0.0)
            continue
        part = -weights["fn"]
        for i in range(lo, hi + 1):
            if flags[i] and i >= probation:
                part = weights["tp"] * tanh_sigma(-(hi - i + 1) / (hi - lo + 1)) / tanh_sigma(-1)
                break
        parts.append(part)
    fp_part = 0.0
    for i in range(n):
        if not flags[i] or i < probation or any(lo <= i <= hi for lo, hi in rows):
            continue
        before = [(lo, hi) for lo, hi in rows if hi < i]
        if not before or before[-1][1] == before[-1][0]:
            weight = -1.0  # no span before, or a one-point span (the limit)
        else:
            lo, hi = before[-1]
            weight = tanh_sigma((i - hi) / (hi - lo))
        fp_part += weights["fp"] * weight
    return sum(parts) + fp_part, parts, fp_part


@st.composite
def inputs(draw):
    n = draw(st.integers(1, 60))
    flags = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    cuts = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=min(n, 10))))
    # Pair consecutive cut points into spans (lo, hi); an odd last one is a one-point span.
    rows = []
    k = 0
    while k < len(cuts):
        lo = cuts[k]
        hi = cuts[k + 1] if k + 1 < len(cuts) and draw(st.booleans()) else lo
        rows.append((lo, hi))
        k += 2 if hi != lo else 1
    rows = [r for j, r in enumerate(rows) if j == 0 or r[0] > rows[j - 1][1]]
    fraction = draw(st.sampled_from([0.0, 0.15, 0.3, 0.5]) | st.floats(0, 0.95))
    profile = draw(st.sampled_from(sorted(nab.PROFILES)))
    offset = draw(st.integers(-1000, 1000))
    datetime = draw(st.booleans())
    return n, flags, rows, fraction, profile, offset, datetime


def _series(n, flags, rows, offset, datetime):
    if datetime:
        index = pd.date_range("2014-07-01", periods=n, freq="30min") + pd.Timedelta(minutes=offset)
    else:
        index = pd.Index(np.arange(n) + offset)
    return pd.Series(np.array(flags, dtype=bool), index=index), [
        (index[lo], index[hi]) for lo, hi in rows
    ]


PROPERTY = settings(
    max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(inputs())
def test_score_is_the_plain_loop(args):
    n, flags, rows, fraction, profile, offset, datetime = args
    series, spans = _series(n, flags, rows, offset, datetime)
    result = nab.score(spans, series, profile, fraction)
    raw, parts, fp_part = loop_score(n, flags, rows, nab.PROFILES[profile], fraction)
    assert close(result.raw, raw) and close(result.false_positive_part, fp_part)
    assert all(close(a, b) for a, b in zip(result.spans["part"], parts, strict=True))
    assert result.perfect == nab.PROFILES[profile]["tp"] * len(rows)


@PROPERTY
@given(inputs(), st.randoms(use_true_random=False))
def test_order_index_and_probation_flags_do_not_matter(args, random):
    n, flags, rows, fraction, profile, offset, datetime = args
    series, spans = _series(n, flags, rows, offset, datetime)
    result = nab.score(spans, series, profile, fraction)
    shuffled = list(spans)
    random.shuffle(shuffled)
    assert nab.score(shuffled, series, profile, fraction).raw == result.raw
    # NAB scores by position: the same flags on another kind of index score the same.
    other, other_spans = _series(n, flags, rows, offset + 7, not datetime)
    assert close(nab.score(other_spans, other, profile, fraction).raw, result.raw)
    # Flags inside the probationary period never count.
    probation = min(math.floor(fraction * n), fraction * 5000)
    changed = series.copy()
    changed.iloc[: math.ceil(probation)] = ~changed.iloc[: math.ceil(probation)]
    assert nab.score(spans, changed, profile, fraction).raw == result.raw
    # The null detector scores 0 whenever a span is scored, and raw <= perfect.
    null = nab.score(spans, series & False, profile, fraction)
    assert null.raw == result.null
    if (null.spans["scored"]).any():
        assert null.normalised == 0.0
    assert result.raw <= result.perfect + 1e-12


@PROPERTY
@given(inputs())
def test_inside_on_label_ends_is_exact_and_perfect_counts(args):
    n, flags, rows, fraction, profile, offset, datetime = args
    series, spans = _series(n, flags, rows, offset, datetime)
    result = nab.score(spans, series, profile, fraction)
    inside = nab.score(spans, series, profile, fraction, span_ends="inside")
    assert inside.raw == result.raw and inside.normalised == result.normalised
    scored = int(result.spans["scored"].sum())
    if scored:
        reach = nab.score(spans, series, profile, fraction, perfect="scored_spans")
        assert reach.raw == result.raw and reach.null == result.null
        assert reach.perfect == nab.PROFILES[profile]["tp"] * scored
        # Flagging the first scored point of every scored span, and nothing else: 100.
        probation = min(math.floor(fraction * n), fraction * 5000)
        best = series & False
        for lo, hi in rows:
            if hi >= probation:
                best.iloc[max(lo, math.ceil(probation))] = True
        top = nab.score(spans, best, profile, fraction, perfect="scored_spans")
        # 100 exactly when no span straddles the probation's end (its first point is lost).
        if all(lo >= probation or hi < probation for lo, hi in rows):
            assert top.normalised == pytest.approx(100.0, abs=1e-9)


# ================================================================ bad input


def _bad_cases():
    f20 = flags_at(20, [])
    hourly = flags_at(20, [], index=pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC"))
    return [
        ([(5, 9)], np.zeros(20, dtype=bool), {}, TypeError, "flags must be a boolean pandas"),
        ([(5, 9)], pd.Series(np.zeros(20)), {}, TypeError, "flags must hold booleans"),
        ([(5, 9)], pd.Series([], dtype=bool), {}, ValueError, "flags.index must not be empty"),
        ([(5, 9)], pd.Series([True, False], index=[1, 0]), {}, ValueError, "flags.index .*sorted"),
        ([(5, 9)], pd.Series([True, False], index=[1, 1]), {}, ValueError, "flags.index .*unique"),
        ([(5, 9)], pd.Series([True, False], index=["a", "b"]), {}, TypeError, "flags.index"),
        ("spans", f20, {}, TypeError, "spans must be a sequence"),
        ([5], f20, {}, TypeError, r"spans\[0\] must be a \(start, end\) pair"),
        ([(1, 2, 3)], f20, {}, ValueError, r"spans\[0\] must be a \(start, end\) pair"),
        ([(9, 5)], f20, {}, ValueError, r"spans\[0\] ends before it starts"),
        ([(5, 9), (8, 12)], f20, {}, ValueError, "spans must not overlap"),
        ([(5, 9), (9, 12)], f20, {}, ValueError, "spans must not overlap"),
        ([("2024-01-01", "2024-01-02")], f20, {}, TypeError, r"spans\[0\] start must be a number"),
        (
            [(pd.Timestamp("2024-01-01 05:00"), pd.Timestamp("2024-01-01 09:00"))],
            hourly,
            {},
            TypeError,
            r"spans\[0\] start is timezone-naive",
        ),
        ([(5, float("nan"))], f20, {}, ValueError, r"spans\[0\] end must be finite"),
        ([(5, 9), (25, 30)], f20, {}, ValueError, r"spans\[1\] start 25 is not a label"),
        ([(5, 9.5)], f20, {}, ValueError, r"spans\[0\] end 9.5 is not a label"),
        (
            [(25, 30)],
            f20,
            {"span_ends": "inside"},
            ValueError,
            r"spans\[0\] \(25, 30\) contains no point",
        ),
        ([(5.2, 5.8)], f20, {"span_ends": "inside"}, ValueError, r"spans\[0\] .* no point"),
        ([], f20, {}, ValueError, "spans is empty"),
        ([(0, 1)], f20, {"perfect": "scored_spans"}, ValueError, "perfect='scored_spans'"),
        ([(5, 9)], f20, {"profile": "strict"}, ValueError, "profile must be one of"),
        ([(5, 9)], f20, {"profile": {"tp": 1.0}}, ValueError, "profile must be .* keys"),
        (
            [(5, 9)],
            f20,
            {"profile": {"tp": 1, "fp": -1, "fn": 1}},
            ValueError,
            "profile weights must be finite and > 0",
        ),
        (
            [(5, 9)],
            f20,
            {"profile": {"tp": 1, "fp": 0, "fn": 1}},
            ValueError,
            "profile weights must be finite and > 0",
        ),
        (
            [(5, 9)],
            f20,
            {"profile": {"tp": 1, "fp": "0.1", "fn": 1}},
            TypeError,
            r"profile\['fp'\] must be a real number",
        ),
        ([(5, 9)], f20, {"probation_fraction": 1.0}, ValueError, r"probation_fraction .*\[0, 1\)"),
        ([(5, 9)], f20, {"probation_fraction": -0.1}, ValueError, "probation_fraction"),
        ([(5, 9)], f20, {"probation_fraction": "0.15"}, TypeError, "probation_fraction must be"),
        (
            [(5, 9)],
            f20,
            {"probation_fraction": float("nan")},
            ValueError,
            "probation_fraction must be finite",
        ),
        ([(5, 9)], f20, {"span_ends": "snap"}, ValueError, "span_ends must be one of"),
        ([(5, 9)], f20, {"perfect": "scored"}, ValueError, "perfect must be one of"),
        ([(5, 9)], f20, {"perfect": None}, ValueError, "perfect must be one of"),
    ]


@pytest.mark.parametrize(("spans", "flags", "kwargs", "exc", "match"), _bad_cases())
def test_bad_input_is_refused(spans, flags, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        nab.score(spans, flags, **kwargs)


def test_positional_arguments_stay_as_they_were():
    flags = flags_at(20, [5])
    assert nab.score([(5, 9)], flags, "reward_low_FP_rate", 0.0).raw == 1.0
    with pytest.raises(TypeError):
        nab.score([(5, 9)], flags, "standard", 0.0, "inside")  # keyword-only


# -------------------- Against plain loops, files named in every error, every bad input (issue 26).


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3) | st.floats(allow_nan=False, allow_infinity=False), max_size=20)
)
def test_scaled_sigmoid_matches_a_loop(positions):
    got = scaled_sigmoid(np.array(positions, dtype=float))
    want = []
    for y in positions:
        if y > 3:
            want.append(-1.0)
        elif 5 * y > 700:  # exp overflows: 2 / inf - 1
            want.append(-1.0)
        else:
            want.append(2 / (1 + math.exp(5 * y)) - 1)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def ref_load_csv(path, spans):
    """A NAB CSV read with the csv module: the first reading of each timestamp, in time order."""
    first = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in list(csv.reader(f))[1:]:
            stamp = dt.datetime.fromisoformat(row[0])
            if stamp not in first:
                first[stamp] = float(row[1]) if row[1] else math.nan
    stamps = sorted(first)
    checked = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in spans]
    return stamps, [first[s] for s in stamps], len(first), checked


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.floats(-1e6, 1e6).map(lambda v: f"{v:.6g}") | st.just("")),
        min_size=1,
        max_size=15,
    ),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 10)), max_size=3),
)
def test_load_csv_matches_a_loop(rows, span_starts):
    origin = dt.datetime(2014, 7, 1)
    text = "timestamp,value\n" + "".join(
        f"{origin + dt.timedelta(minutes=m):%Y-%m-%d %H:%M:%S},{v}\n" for m, v in rows
    )
    spans = [
        (str(origin + dt.timedelta(minutes=a)), str(origin + dt.timedelta(minutes=a + w)))
        for a, w in span_starts
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "series.csv"
        path.write_text(text, encoding="utf-8")
        stamps, values, n_unique, checked = ref_load_csv(path, spans)
        df, got_spans = nab.load_csv(path, spans)
    assert df.index.tolist() == [pd.Timestamp(s) for s in stamps]
    np.testing.assert_array_equal(df["value"].to_numpy(), values)
    assert df.attrs["dropped_duplicate_timestamps"] == len(rows) - n_unique
    assert got_spans == checked


@needs_copy
def test_load_matches_a_loop_on_every_known_series(isolated):
    labels = json.loads((SOURCE / LABELS).read_text())
    for name in nab.SERIES:
        stamps, values, _, spans = ref_load_csv(SOURCE / "data" / name, labels[name])
        df, got = nab.load(name, data_home=SOURCE)
        assert df.index.tolist() == [pd.Timestamp(s) for s in stamps], name
        np.testing.assert_array_equal(df["value"].to_numpy(), values)
        assert got == spans, name


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["home", "env", "cache", "nowhere"]),
    st.booleans(),
    st.sampled_from(["serves", "corrupt", "down"]),
)
def test_path_follows_its_search_order_and_verifies_every_file(where, intact, network):
    """Reference: the first of data_home, LSTM_HELPERS_DATA and the cache that holds the file
    gives it (verified); else a verified download into the cache; else a NabError."""
    payload = b"timestamp,value\n2020-01-01 00:00:00,1\n"
    rel = "data/test/tiny.csv"
    calls = []

    def urlopen(url, timeout):
        calls.append(url)
        if network == "down":
            raise urllib.error.URLError("no route to host")
        return io.BytesIO(payload if network == "serves" else b"garbage")

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        homes = {"home": root / "home", "env": root / "env", "cache": root / "cache" / "nab"}
        if where != "nowhere":
            _write(homes[where], rel, payload if intact else b"tampered")
        with (
            mock.patch.dict(nab.SHA256, {rel: hashlib.sha256(payload).hexdigest()}),
            mock.patch.dict(os.environ, {"LSTM_HELPERS_DATA": str(homes["env"])}),
            mock.patch.object(nab.platformdirs, "user_cache_dir", lambda *_: str(root / "cache")),
            mock.patch.object(nab.urllib.request, "urlopen", urlopen),
        ):
            if where != "nowhere" and intact:
                assert nab.path(rel, data_home=homes["home"]) == homes[where] / rel
            elif where != "nowhere":
                with pytest.raises(NabError, match=r"does not match NAB commit .* Delete the file"):
                    nab.path(rel, data_home=homes["home"])
            elif network == "serves":
                assert nab.path(rel, data_home=homes["home"]) == homes["cache"] / rel
                assert (homes["cache"] / rel).read_bytes() == payload
            else:
                message = (
                    "does not match .* Nothing was saved"
                    if network == "corrupt"
                    else "could not be downloaded"
                )
                with pytest.raises(NabError, match=message):
                    nab.path(rel, data_home=homes["home"])
                assert not (homes["cache"] / rel).exists()
                assert not list(root.rglob("*.part"))  # never a partial file left behind
        assert len(calls) == (where == "nowhere")


def test_file_errors_name_the_file(tmp_path):
    cases = {
        "empty.csv": (b"", "empty.csv is empty"),
        "gzip.csv": (gzip.compress(b"timestamp,value\n2020-01-01,1\n"), "gzip.csv is not UTF-8"),
        "latin.csv": (
            "timestamp,value\n2020-01-01,é\n".encode("latin-1"),
            "latin.csv is not UTF-8",
        ),
        "header.csv": (b"timestamp,value\n", "header.csv has a header but no data row"),
        "ragged.csv": (b"timestamp,value\n2020-01-01,1,3\n", "ragged.csv is not a CSV"),
        "inf.csv": (b"timestamp,value\n2020-01-01,inf\n", "inf.csv: value is infinite"),
    }
    for name, (payload, match) in cases.items():
        with pytest.raises(ValueError, match=match):
            nab.load_csv(_write(tmp_path, name, payload))
    with pytest.raises(FileNotFoundError, match=r"path '.*missing\.csv' does not exist"):
        nab.load_csv(tmp_path / "missing.csv")


def test_spans_must_be_timestamps_in_the_series_timezone(tmp_path):
    path = _write(tmp_path, "x.csv", b"timestamp,value\n2020-01-01 00:00:00,1\n")
    with pytest.raises(TypeError, match=r"spans\[0\] start must be a timestamp .* 1970"):
        nab.load_csv(path, [(0, 5)])  # 0.2: two dates in 1970
    with pytest.raises(TypeError, match=r"spans\[0\] must be a \(start, end\) pair"):
        nab.load_csv(path, ("2020-01-01", "2020-01-02"))  # one span, not a list of them
    with pytest.raises(TypeError, match="in timezone UTC but the series' timestamps are"):
        nab.load_csv(
            path, [(pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-01-02", tz="UTC"))]
        )
    aware = _write(tmp_path, "tz.csv", b"timestamp,value\n2020-01-01T00:00+01:00,1\n")
    df, spans = nab.load_csv(aware, [("2019-12-31T23:00Z", "2020-01-01T00:00+01:00")])
    assert spans[0][0] == df.index[0]  # the same instant, in the file's timezone


def test_a_corrupt_download_names_the_url_not_a_deleted_part_file(isolated, monkeypatch):
    monkeypatch.setattr(nab.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"x"))
    with pytest.raises(NabError) as err:
        nab.path(LABELS)
    assert nab.URL + LABELS in str(err.value) and ".part" not in str(err.value)


def test_legitimate_inputs_are_accepted():
    flags = flags_at(100, [31, 62])
    as_list = nab.score([(30, 40), (60, 70)], flags)
    as_array = nab.score(np.array([[30, 40], [60, 70]]), flags)  # 0.2: TypeError
    assert as_array.normalised == as_list.normalised
    tenth = nab.score([(30, 40)], flags, probation_fraction=Fraction(1, 10))
    assert tenth.normalised == nab.score([(30, 40)], flags, probation_fraction=0.1).normalised
    with pytest.raises(TypeError, match="probation_fraction must be a real number"):
        nab.score([(30, 40)], flags, probation_fraction="0.1")  # 0.2: '<=' not supported


GOOD_FLAGS = pd.Series(np.zeros(100, dtype=bool))
GOOD = {
    "scaled_sigmoid": (scaled_sigmoid, {"position": [0.5, -1.0]}),
    "score": (
        nab.score,
        {
            "spans": [(10, 20)],
            "flags": GOOD_FLAGS,
            "profile": "standard",
            "probation_fraction": 0.1,
            "span_ends": "inside",
            "perfect": "scored_spans",
        },
    ),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: a position is any
#: real number, in any shape.
ACCEPTED = {
    "scaled_sigmoid": {
        "position": {"4d", "big", "bool", "emptyarr", "emptydf", "emptylist", "f16big", "f32"}
        | {"float", "i64", "neg", "revseries", "tzseries", "zero"}
    },
    "score": {"probation_fraction": {"zero"}},
}
FILE_ERRORS = (TypeError, ValueError, NabError, FileNotFoundError)


def test_every_bad_value_is_refused_clearly_or_accepted_on_purpose():
    surprises = []
    for name, (function, good) in GOOD.items():
        surprises += sweep(function, good, ACCEPTED[name])
    assert surprises == []


@needs_copy
def test_every_bad_value_to_the_loaders_is_refused_clearly(isolated, tmp_path, monkeypatch):
    def offline(*args, **kwargs):  # a folder without the file leads to a download: it fails
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(nab.urllib.request, "urlopen", offline)
    csv_path = _write(tmp_path, "ok.csv", b"timestamp,value\n2020-01-01 00:00:00,1\n")
    series = "artificialNoAnomaly/art_daily_no_noise.csv"
    loaders = {
        "load_csv": (
            nab.load_csv,
            {"path": csv_path, "spans": [("2020-01-01", "2020-01-02")]},
            {"spans": {"None", "emptyarr", "emptylist"}},
        ),
        "load": (nab.load, {"name": series, "data_home": SOURCE}, {}),
        "path": (
            nab.path,
            {"rel": f"data/{series}", "data_home": SOURCE, "timeout": 5.0},
            {"timeout": {"big", "f32", "float", "frac", "i64"}},
        ),
    }
    surprises = []
    for function, good, accepted in loaders.values():
        surprises += sweep(function, good, accepted, FILE_ERRORS)
    assert surprises == []


test_random_bad_values_raise_a_clear_error_or_none = random_test(GOOD)
