"""NAB loading: local copies first, verified downloads, clear errors; no network in these tests."""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import urllib.error
from pathlib import Path

import pandas as pd
import pytest

from lstm_helpers import datasets
from lstm_helpers.datasets import LABELS, NAB_SHA256, NabError, load_nab, load_nab_csv, nab_path

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
    monkeypatch.setattr(datasets.platformdirs, "user_cache_dir", lambda *_: str(tmp_path / "cache"))

    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(datasets.urllib.request, "urlopen", no_network)
    return tmp_path


def _write(root: Path, rel: str, payload: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


@needs_copy
def test_a_present_file_is_read_without_touching_the_network(isolated, monkeypatch):
    monkeypatch.setenv("LSTM_HELPERS_DATA", str(SOURCE))
    df, _ = load_nab(TAXI)
    assert list(df.columns) == ["value"] and isinstance(df.index, pd.DatetimeIndex)
    assert len(df) == 10320 and df.index.is_monotonic_increasing


@needs_copy
@pytest.mark.parametrize("name", [k.removeprefix("data/") for k in NAB_SHA256 if k != LABELS])
def test_labels_parse_and_fall_inside_the_series(name, isolated):
    df, spans = load_nab(name, data_home=SOURCE)
    for start, end in spans:
        assert isinstance(start, pd.Timestamp) and start <= end
        assert df.index[0] <= start and end <= df.index[-1]


def test_a_checksum_mismatch_raises(isolated):
    home = isolated / "home"
    _write(home, f"data/{TAXI}", b"timestamp,value\n2014-07-01 00:00:00,1\n")
    with pytest.raises(NabError, match=r"does not match NAB commit .* Delete the file"):
        nab_path(f"data/{TAXI}", data_home=home)


def test_a_missing_file_without_network_gives_a_clear_error(isolated, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(datasets.urllib.request, "urlopen", offline)
    with pytest.raises(NabError, match=r"could not be downloaded .* set LSTM_HELPERS_DATA"):
        load_nab(TAXI)


def test_an_unknown_series_is_refused_with_the_known_names(isolated):
    with pytest.raises(NabError, match=r"known NAB series: .*nyc_taxi\.csv"):
        load_nab("realTweets/Twitter_volume_AAPL.csv")


@needs_copy
def test_a_download_is_verified_then_cached(isolated, monkeypatch):
    calls = []

    def serve(url, timeout):
        calls.append(url)
        rel = url.split(datasets.NAB_COMMIT + "/", 1)[1]
        return io.BytesIO((SOURCE / rel).read_bytes())

    monkeypatch.setattr(datasets.urllib.request, "urlopen", serve)
    path = nab_path(f"data/{TAXI}")
    assert path == isolated / "cache" / "nab" / "data" / TAXI
    assert hashlib.sha256(path.read_bytes()).hexdigest() == NAB_SHA256[f"data/{TAXI}"]
    assert calls == [datasets.NAB_URL + f"data/{TAXI}"]
    nab_path(f"data/{TAXI}")  # second time: from the cache
    assert len(calls) == 1


def test_a_corrupt_download_is_not_cached(isolated, monkeypatch):
    monkeypatch.setattr(
        datasets.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"garbage")
    )
    with pytest.raises(NabError, match="does not match"):
        nab_path(LABELS)
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

    monkeypatch.setattr(datasets.urllib.request, "urlopen", fail)
    with pytest.raises(NabError, match="could not be downloaded"):
        nab_path(LABELS)
    assert not [p for p in (isolated / "cache").rglob("*") if p.is_file()]


def test_a_failed_write_is_a_nab_error_and_leaves_no_partial_file(isolated, monkeypatch):
    payload = b"x" * 100
    monkeypatch.setattr(
        datasets.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(payload)
    )
    real = datasets.tempfile.NamedTemporaryFile

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

    monkeypatch.setattr(datasets.tempfile, "NamedTemporaryFile", DiskFull)
    with pytest.raises(NabError, match=r"could not be saved .*No space left"):
        nab_path(LABELS)
    assert not [p for p in (isolated / "cache").rglob("*") if p.is_file()]


def test_load_nab_csv_reads_any_nab_format_file(tmp_path):
    path = _write(
        tmp_path,
        "x.csv",
        b"timestamp,value\n2020-01-01 00:05:00,2\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,9\n",
    )
    df, spans = load_nab_csv(path, [["2020-01-01 00:00:00", "2020-01-01 00:05:00"]])
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
        load_nab_csv(_write(tmp_path, "y.csv", payload))


def test_load_nab_csv_refuses_reversed_or_missing_spans(tmp_path):
    path = _write(tmp_path, "x.csv", b"timestamp,value\n2020-01-01 00:00:00,1\n")
    with pytest.raises(ValueError, match=r"spans\[0\] must be .* start <= end"):
        load_nab_csv(path, [["2020-01-02", "2020-01-01"]])
    with pytest.raises(ValueError, match=r"spans\[0\]"):
        load_nab_csv(path, [[None, "2020-01-01"]])
