"""NAB loading: local copies first, verified downloads, clear errors; no network in these tests."""

from __future__ import annotations

import hashlib
import http.client
import io
import math
import os
import urllib.error
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

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
