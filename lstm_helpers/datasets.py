"""Real, labelled series from the Numenta Anomaly Benchmark (NAB), loaded and verified.

NAB (https://github.com/numenta/NAB, MIT licence) is not redistributed with this package:
it ships only the pinned commit and the SHA-256 sums of the files it knows. A file is read
from, in order,

1. the ``data_home`` argument,
2. the folder named by the ``LSTM_HELPERS_DATA`` environment variable,
3. a per-user cache folder (``platformdirs.user_cache_dir("lstm_helpers")/nab``),

each laid out as NAB's repository is (``data/<category>/<file>.csv`` and
``labels/combined_windows.json``). If it is in none of them, it is downloaded once from
NAB's repository at the pinned commit into the cache folder. Every file is checked against
its SHA-256 sum before it is used, wherever it came from.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import platformdirs

__all__ = ["NAB_COMMIT", "NAB_SHA256", "NabError", "load_nab", "load_nab_csv", "nab_path"]

#: The NAB commit every file is pinned to.
NAB_COMMIT = "ea702d75cc2258d9d7dd35ca8e5e2539d71f3140"
NAB_URL = f"https://raw.githubusercontent.com/numenta/NAB/{NAB_COMMIT}/"
LABELS = "labels/combined_windows.json"
ENV_VAR = "LSTM_HELPERS_DATA"

#: SHA-256 of each known file, by its path in NAB's repository.
NAB_SHA256: dict[str, str] = {
    LABELS: "1e1fbc4601321aad8d0f8b3784c8134299379f68f6c1f7777565f8ffd57ab6b1",
    "data/artificialNoAnomaly/art_daily_small_noise.csv": "c4b304229f69f108eaa024fb2406fcd4510c5c5d95cd0053e2da6989682e4e6d",
    "data/artificialWithAnomaly/art_daily_jumpsup.csv": "f79f92b93ee4f9c10e2dc552505e8880b0c618639ed5e0f9816e044b75c26456",
    "data/realKnownCause/machine_temperature_system_failure.csv": "92bf5b87fc7f9bba8ca0b7ec63ccaac8cb4a1371a258e8c29a10ae9c018d82a4",
    "data/realKnownCause/nyc_taxi.csv": "d8fa6f7f0734bf5c8be12c52a94e20a82664c397d9dec4449156bd453d32856d",
}

Span = tuple[pd.Timestamp, pd.Timestamp]


class NabError(RuntimeError):
    """A NAB file could not be found, downloaded or verified."""


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as err:
        raise NabError(f"{path} could not be read ({err})") from err


def _homes(data_home: str | os.PathLike | None) -> list[Path]:
    homes = []
    if data_home is not None:
        homes.append(Path(data_home))
    if os.environ.get(ENV_VAR):
        homes.append(Path(os.environ[ENV_VAR]))
    homes.append(Path(platformdirs.user_cache_dir("lstm_helpers")) / "nab")
    return homes


def _verified(path: Path, rel: str) -> Path:
    got = _sha256(path)
    if got != NAB_SHA256[rel]:
        raise NabError(
            f"{path} does not match NAB commit {NAB_COMMIT[:10]}: SHA-256 {got[:16]}..., "
            f"expected {NAB_SHA256[rel][:16]}.... Delete the file to download it again, or "
            f"point {ENV_VAR} at an unmodified copy of NAB's repository."
        )
    return path


def nab_path(rel: str, data_home: str | os.PathLike | None = None, timeout: float = 30.0) -> Path:
    """Local, verified path of one NAB file, downloading it into the cache if needed.

    Parameters
    ----------
    rel : str
        The file's path in NAB's repository, e.g. ``"data/realKnownCause/nyc_taxi.csv"``.
    data_home : path, optional
        A folder laid out like NAB's repository, searched first.
    timeout : float
        Seconds to wait for the download.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    NabError
        For an unknown file, a checksum mismatch, and every network or disk failure
        (including a connection cut mid-download). A failed download leaves no file behind.
    """
    if rel not in NAB_SHA256:
        known = ", ".join(sorted(k.removeprefix("data/") for k in NAB_SHA256 if k != LABELS))
        raise NabError(f"no SHA-256 is known for {rel!r}; known NAB series: {known}")
    homes = _homes(data_home)
    for home in homes:
        if (home / rel).is_file():
            return _verified(home / rel, rel)
    cache = homes[-1]
    target = cache / rel
    searched = ", ".join(str(h) for h in homes)
    try:
        with urllib.request.urlopen(NAB_URL + rel, timeout=timeout) as response:
            payload = response.read()
    except (OSError, http.client.HTTPException, ValueError) as err:
        # OSError covers URLError, HTTPError, timeouts and resets; HTTPException covers a
        # connection closed mid-body (http.client.IncompleteRead) and malformed replies.
        raise NabError(
            f"{rel} is not on this machine (looked in {searched}) and could not be downloaded "
            f"from NAB's repository ({type(err).__name__}: {err}). Connect to the internet "
            f"once, or set {ENV_VAR} to a folder holding NAB's files laid out as in its "
            "repository (data/..., labels/...)."
        ) from err
    # Write to a temporary file next to the target, verify it, then rename it into place:
    # a reader never sees half a file, and on any failure the temporary file is removed.
    tmp_path = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
            tmp_path = Path(tmp.name)
            tmp.write(payload)
        _verified(tmp_path, rel)
        tmp_path.replace(target)  # atomic on one file system
    except OSError as err:
        raise NabError(
            f"{rel} was downloaded but could not be saved in the cache {target.parent} "
            f"({type(err).__name__}: {err}). Free some disk space or set {ENV_VAR} to a "
            "writable folder holding NAB's files."
        ) from err
    finally:
        if tmp_path is not None:
            tmp_path.unlink(missing_ok=True)  # gone already after a successful rename
    return target


def load_nab_csv(path: str | os.PathLike, spans: list[Span] | None = None):
    """Read any NAB-format CSV (columns ``timestamp,value``) from a local path.

    Parameters
    ----------
    path : path
    spans : list of (start, end), optional
        Labelled anomaly spans to return alongside (converted to timestamps).

    Returns
    -------
    df : pandas.DataFrame
        One column ``value`` (float), indexed by ``timestamp``, sorted and unique: of
        rows sharing a timestamp, the first is kept, and
        ``df.attrs["dropped_duplicate_timestamps"]`` says how many were dropped.
    spans : list of (pandas.Timestamp, pandas.Timestamp)

    Raises
    ------
    ValueError
        If the columns are not ``timestamp,value``, a timestamp is empty or not an ISO 8601
        date (text is never sorted as text), a value is not a number, or a span is
        reversed or NaT.
    """
    df = pd.read_csv(path, dtype={"timestamp": str})
    if list(df.columns) != ["timestamp", "value"]:
        raise ValueError(f"{path}: expected columns timestamp,value; got {list(df.columns)}")
    if df["timestamp"].isna().any():
        row = int(df["timestamp"].isna().to_numpy().argmax())
        raise ValueError(f"{path}: timestamp is empty on data row {row}")
    try:
        # ISO 8601 only: text that is not a date is refused, never kept as strings that
        # would then sort as text.
        stamps = pd.to_datetime(df["timestamp"], format="ISO8601")
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"{path}: timestamp must hold ISO 8601 dates such as 2014-07-01 00:00:00 ({err})"
        ) from err
    try:
        values = pd.to_numeric(df["value"]).astype(float)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{path}: value must hold numbers ({err})") from err
    df = pd.DataFrame(
        {"value": values.to_numpy()}, index=pd.DatetimeIndex(stamps, name="timestamp")
    )
    # Real clocks jump: machine_temperature's goes back 55 minutes once, repeating 11
    # timestamps. Keep the first reading of each timestamp, in time order, and say so.
    n_rows = len(df)
    df = df[~df.index.duplicated(keep="first")].sort_index(kind="stable")
    df.attrs["dropped_duplicate_timestamps"] = n_rows - len(df)
    checked = []
    for i, (a, b) in enumerate(spans or []):
        start, end = pd.Timestamp(a), pd.Timestamp(b)
        if pd.isna(start) or pd.isna(end) or end < start:
            raise ValueError(
                f"spans[{i}] must be (start, end) timestamps, start <= end; got {(a, b)}"
            )
        checked.append((start, end))
    return df, checked


def load_nab(name: str, data_home: str | os.PathLike | None = None):
    """One NAB series and its labelled anomaly spans.

    Parameters
    ----------
    name : str
        NAB's name for the series, e.g. ``"realKnownCause/nyc_taxi.csv"``.
    data_home : path, optional
        A folder laid out like NAB's repository, searched before ``LSTM_HELPERS_DATA`` and
        the cache.

    Returns
    -------
    df : pandas.DataFrame, shape (n_rows, 1)
        Column ``value``, indexed by ``timestamp``.
    spans : list of (pandas.Timestamp, pandas.Timestamp)
        The labelled anomaly spans (NAB's "windows", ``combined_windows.json``), start and end
        inclusive.
    """
    csv = nab_path(f"data/{name}", data_home)
    labels = json.loads(nab_path(LABELS, data_home).read_text())
    return load_nab_csv(csv, labels[name])
