"""NAB loading: local copies first, verified downloads, clear errors; no network in these tests."""

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
import tempfile
import urllib.error
from fractions import Fraction
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from bad_input import junk, outcome, sweep
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import nab
from lstm_helpers.nab import LABELS, PROFILES, SHA256, NabError, scaled_sigmoid

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"
SOURCE = Path(os.environ.get("LSTM_HELPERS_DATA") or SHARED)
TAXI = "realKnownCause/nyc_taxi.csv"
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


# -------------------- NAB's scoring on small series worked out by hand.


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


def test_profiles_match_nab():
    assert PROFILES["standard"] == {"tp": 1.0, "fp": 0.11, "fn": 1.0}
    assert PROFILES["reward_low_FP_rate"] == {"tp": 1.0, "fp": 0.22, "fn": 1.0}
    assert PROFILES["reward_low_FN_rate"] == {"tp": 1.0, "fp": 0.11, "fn": 2.0}


def test_one_span_by_hand():
    # 20 points; probation floor(0.15 * 20) = 3, so points 0..2 are not scored.
    # Span 5..9 (width 5). Flags at 1 (probation), 4 (before any span), 7 and 8 (inside),
    # 12 and 19 (after the span).
    result = nab.score([(5, 9)], flags_at(20, [1, 4, 7, 8, 12, 19]))
    tp = sig(-(9 - 7 + 1) / 5) / sig(-1.0)  # only the earliest flag in the span counts
    fp = 0.11 * (-1.0 + sig((12 - 9) / (5 - 1)) + sig((19 - 9) / (5 - 1)))
    assert result.spans["part"].iloc[0] == pytest.approx(tp)
    assert result.spans["first_flag"].iloc[0] == 7
    assert result.n_false_positives == 3
    assert result.false_positive_part == pytest.approx(fp)
    assert result.raw == pytest.approx(tp + fp)
    assert (result.null, result.perfect) == (-1.0, 1.0)
    assert result.normalised == pytest.approx(100 * (tp + fp + 1) / 2)


def test_missed_span_costs_fn_weight_per_profile():
    flags = flags_at(20, [])
    for name, weights in PROFILES.items():
        result = nab.score([(5, 9), (14, 16)], flags, profile=name)
        assert result.raw == pytest.approx(-2 * weights["fn"])
        assert result.normalised == pytest.approx(0.0)  # the null detector scores 0


def test_perfect_detector_scores_100():
    result = nab.score([(5, 9), (14, 16)], flags_at(20, [5, 14]), profile="reward_low_FN_rate")
    assert result.raw == pytest.approx(2.0) and result.normalised == pytest.approx(100.0)


def test_flag_at_span_end_earns_little():
    result = nab.score([(5, 9)], flags_at(20, [9]), probation_fraction=0.0)
    assert result.spans["part"].iloc[0] == pytest.approx(sig(-1 / 5) / sig(-1.0))


def test_probation_drops_early_spans_and_caps_at_750_points():
    # 10,000 points: probation is min(floor(1500), 750) = 750 points.
    flags = flags_at(10_000, [100, 800])
    result = nab.score([(50, 150), (800, 900)], flags)
    assert len(result.spans) == 1  # the first span ends inside probation
    assert result.spans["part"].iloc[0] == pytest.approx(1.0)
    assert result.n_false_positives == 0  # the flag at 100 lies in probation


def test_false_positive_after_width_one_span_uses_distance_two():
    result = nab.score([(5, 5)], flags_at(20, [5, 7]), probation_fraction=0.0)
    assert result.false_positive_part == pytest.approx(0.11 * sig(2.0))


def test_timestamps_and_custom_profile():
    idx = pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC")
    spans = [
        (pd.Timestamp("2024-01-01 05:00", tz="UTC"), pd.Timestamp("2024-01-01 09:00", tz="UTC"))
    ]
    result = nab.score(
        spans, flags_at(20, [6], index=idx), profile={"tp": 2.0, "fp": 1.0, "fn": 3.0}
    )
    assert result.raw == pytest.approx(2.0 * sig(-(9 - 6 + 1) / 5) / sig(-1.0))
    assert (result.null, result.perfect) == (-3.0, 2.0)


@pytest.mark.parametrize(
    ("spans", "flags", "kwargs", "exc", "match"),
    [
        ([(5, 9)], np.zeros(20, dtype=bool), {}, TypeError, "pandas Series"),
        ([(5, 9)], pd.Series(np.zeros(20)), {}, TypeError, "booleans"),
        ([(5, 9)], pd.Series([], dtype=bool), {}, ValueError, "empty"),
        ([(5, 9)], pd.Series([True, False], index=[1, 0]), {}, ValueError, "sorted"),
        ([(9, 5)], flags_at(20, []), {}, ValueError, "ends before"),
        ([(5, 9), (8, 12)], flags_at(20, []), {}, ValueError, "overlap"),
        ([(14, 16), (5, 9)], flags_at(20, []), {}, None, None),  # any order is fine
        ([("2024-01-01", "2024-01-02")], flags_at(20, []), {}, TypeError, "number"),
        (
            [(pd.Timestamp("2024-01-01 05:00"), pd.Timestamp("2024-01-01 09:00"))],
            flags_at(20, [], index=pd.date_range("2024-01-01", periods=20, freq="h", tz="UTC")),
            {},
            TypeError,
            "timezone",
        ),
        ([(25, 30)], flags_at(20, []), {}, ValueError, "no point"),
        ([5], flags_at(20, []), {}, TypeError, "pair"),
        ([(0, 1)], flags_at(20, []), {}, ValueError, "probationary"),
        ([(5, 9)], flags_at(20, []), {"profile": "strict"}, ValueError, "profile"),
        ([(5, 9)], flags_at(20, []), {"profile": {"tp": 1.0}}, ValueError, "keys"),
        ([(5, 9)], flags_at(20, []), {"profile": {"tp": 1, "fp": -1, "fn": 1}}, ValueError, "> 0"),
        ([(5, 9)], flags_at(20, []), {"probation_fraction": 1.0}, ValueError, "probation"),
    ],
)
def test_bad_input_is_refused(spans, flags, kwargs, exc, match):
    if exc is None:
        assert nab.score(spans, flags, **kwargs).normalised == 0.0
        return
    with pytest.raises(exc, match=match):
        nab.score(spans, flags, **kwargs)


# -------------------- Against plain loops, files named in every error, every bad input (issue 26).


def ref_score(spans, flags, weights, probation_fraction):
    """NAB's score of the module docstring, in plain loops over positions."""
    labels, values = list(flags.index), list(flags)
    n = len(values)
    probation = min(math.floor(probation_fraction * n), probation_fraction * 5000)
    rows = []
    for a, b in sorted(spans, key=lambda span: span[0]):
        inside = [i for i, label in enumerate(labels) if a <= label <= b]
        rows.append((inside[0], inside[-1]))
    parts, covered = [], set()
    for lo, hi in rows:
        covered |= set(range(lo, hi + 1))
        if hi < probation:
            continue
        hits = [i for i in range(lo, hi + 1) if values[i] and i >= probation]
        if hits:
            parts.append(sig(-(hi - hits[0] + 1) / (hi - lo + 1)) * weights["tp"] / sig(-1.0))
        else:
            parts.append(-weights["fn"])
    if not parts:
        return None
    fp_part, n_fp = 0.0, 0
    for i in range(n):
        if not values[i] or i < probation or i in covered:
            continue
        n_fp += 1
        before = [(lo, hi) for lo, hi in rows if hi < i]
        if not before:
            fp_part -= weights["fp"]
            continue
        lo, hi = before[-1]
        y = (i - hi) / (hi - lo) if hi > lo else 2.0
        fp_part += weights["fp"] * sig(y)
    raw = sum(parts) + fp_part
    null, perfect = -weights["fn"] * len(parts), weights["tp"] * len(parts)
    return 100 * (raw - null) / (perfect - null), raw, n_fp


@st.composite
def scoring_cases(draw):
    n = draw(st.integers(2, 80))
    index = (
        pd.date_range("2024-01-01", periods=n, freq="5min")
        if draw(st.booleans())
        else pd.RangeIndex(n) * draw(st.sampled_from([1, 3]))
    )
    flags = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), index=index)
    cuts = sorted(draw(st.sets(st.integers(0, n - 1), max_size=8)))
    spans = [(index[a], index[b]) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    profile = draw(st.sampled_from(sorted(PROFILES)))
    probation = draw(
        st.floats(0, 0.5) | st.fractions(0, 1, max_denominator=4).filter(lambda f: f < 1)
    )
    return spans, flags, profile, probation


@settings(max_examples=200, deadline=None)
@given(scoring_cases(), st.booleans())
def test_score_matches_a_loop(case, as_array):
    spans, flags, profile, probation = case
    given_spans = np.array(spans, dtype=object).reshape(-1, 2) if as_array else spans
    want = ref_score(spans, flags, PROFILES[profile], float(probation))
    if want is None:
        with pytest.raises(ValueError, match="spans: no labelled span ends after the probation"):
            nab.score(given_spans, flags, profile, probation)
        return
    got = nab.score(given_spans, flags, profile, probation)
    assert got.normalised == pytest.approx(want[0]) and got.raw == pytest.approx(want[1])
    assert got.n_false_positives == want[2]


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


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(GOOD)), st.data())
def test_random_bad_values_raise_a_clear_error_or_none(name, data):
    function, good = GOOD[name]
    arg = data.draw(st.sampled_from(sorted(good)))
    outcome(function, {**good, arg: data.draw(junk)})
