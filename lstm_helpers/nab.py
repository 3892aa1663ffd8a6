"""The Numenta Anomaly Benchmark (NAB): its labelled series, and its scoring of detections.

NAB (https://github.com/numenta/NAB, MIT licence; Lavin and Ahmad, "Evaluating real-time
anomaly detection algorithms: the Numenta Anomaly Benchmark", ICMLA 2015,
https://arxiv.org/abs/1510.03336) is a corpus of labelled time series and a score. Import
this module as a module: ``from lstm_helpers import nab``.

**The data** is not redistributed with this package: it ships only the pinned commit and
the SHA-256 sums of the 35 series it knows (:data:`SERIES`: NAB's ``realKnownCause``,
``realAWSCloudwatch``, ``artificialWithAnomaly`` and ``artificialNoAnomaly``). A file is read
from, in order,

1. the ``data_home`` argument,
2. the folder named by the ``LSTM_HELPERS_DATA`` environment variable,
3. a per-user cache folder (``platformdirs.user_cache_dir("lstm_helpers")/nab``),

each laid out as NAB's repository is (``data/<category>/<file>.csv`` and
``labels/combined_windows.json``). If it is in none of them, it is downloaded once from NAB's
repository at the pinned commit into the cache folder. Every file is checked against its
SHA-256 sum before it is used, wherever it came from.

* :func:`load` – one series and its labelled spans; :func:`load_csv` – any NAB-format file;
  :func:`path` – the verified local path of a file.

**The score** (:func:`score`) is NAB's, tested against a vendored copy of NAB's own code
(``nab/sweeper.py``, ``nab/scorer.py``, ``nab/labeler.py`` at the pinned commit) on random
inputs; weights from ``config/profiles.json``. NAB calls the labelled spans *windows*: each is
centred on a labelled anomaly and is wide enough that, together, they cover 10 % of the
series. How a series is scored, for flags on it (``A_tp``, ``A_fp``, ``A_fn``: the profile's
weights; ``i`` a point's position, a span runs from position ``lo`` to ``hi``, its width is
``w = hi - lo + 1``):

* The first ``probation_fraction`` of the points (15 %, and at most 750 points:
  ``min(floor(f * n), f * 5000)``) is a probationary period where the detector learns:
  no flag there counts, and a span that ends inside it is not scored at all.
* **True positive**: in each scored span, only the *earliest* scored flag counts. At relative
  position ``y = -(hi - i + 1) / w`` (-1 at the span's first point, -1/w at its last) it
  earns ``A_tp * sigma(y) / sigma(-1)``, with the scaled sigmoid
  ``sigma(y) = 2 / (1 + exp(5 y)) - 1`` (exactly -1 for ``y > 3``): a flag at the very start
  earns ``A_tp``, a late one much less. Later flags in the same span earn nothing and cost
  nothing.
* **False negative**: a scored span without any scored flag costs ``A_fn``.
* **False positive**: *every* scored flag outside the spans costs ``A_fp * sigma(y)``
  (negative there) with ``y = (i - hi) / (w - 1)``, its distance after the end ``hi`` of the
  last span before it (scored or not), in units of that span's width *minus one* (NAB's
  code; the true-positive position uses the width): a flag just after a span costs little,
  one far after it (``y > 3``) or before any span costs the full ``A_fp``.
* The **raw** score is the sum of these parts. The **normalised** score is
  ``100 * (raw - null) / (perfect - null)`` with ``null = -A_fn * (number of scored spans)``,
  the raw score of the detector that never flags, and ``perfect = A_tp * (number of spans)``,
  as NAB's ``runner.normalize`` counts it.

**How this relates to NAB's published scores.** NAB scores a detector's anomaly scores, turned
into detections by one threshold for the whole corpus, chosen to maximise the corpus score on
the labels; the raw score of one file is :func:`score`'s ``raw`` for those detections. NAB then
normalises once per corpus, ``100 * (sum of raw - sum of null) / (sum of perfect - sum of
null)`` over the files (its null is the null detector's raw score, which flags nothing), which
is not the mean of per-series normalised scores. Here the score is per series, for flags from
a threshold chosen without labels.

**Departures from NAB's code** (each changes the result only in the case named; the vendored
test checks every other case against NAB's code):

* ``span_ends="inside"`` (default ``"exact"``, NAB): NAB's label reader refuses a window whose
  start or end is not a timestamp of the data file (and its scorer, given one anyway, silently
  skips a window whose start is missing, with every later window, and crashes on a missing
  end). With ``"exact"`` such spans are refused with a ``ValueError``; with ``"inside"`` a span
  covers the points between its ends (for spans on a resampled index).
* ``perfect="scored_spans"`` (default ``"all_spans"``, NAB): NAB's ``perfect`` counts every
  labelled span, including spans that end inside the probationary period and can earn
  nothing, so such a series cannot reach 100; ``"scored_spans"`` counts only scored spans.
  ``raw`` and ``null`` are NAB's either way.
* **One-point spans** (no argument): a false positive after a span of width 1 has
  ``y = (i - hi) / 0``. NAB's code divides by zero there (a ``ZeroDivisionError`` for *any*
  point, flagged or not, between a one-point span and the next span), so it cannot score such
  a series. Here the flag costs the limit of NAB's formula as ``w - 1`` tends to 0 from
  above, ``y -> +inf``: the full ``A_fp``. (The true-positive part of a one-point span is
  well defined in NAB, ``A_tp`` for a flag on it, and is NAB's.)
* **Series without labelled spans** (no argument) cannot be normalised (``perfect == null ==
  0``): :func:`score` refuses them; count their false alarms instead. NAB sums them into
  its corpus score, where only their false positives count.
* **Spans in any order** (no argument): NAB's scorer needs its windows in time order (out of
  order, it silently skips the earlier ones); :func:`score` sorts them. NAB's label files are
  in time order, so its scores are unchanged.
* **Refusals** (no argument): overlapping spans, including spans that share a point (NAB's
  label check lets two windows share an end point; its scorer then silently moves that point
  to the later window while keeping the earlier one's width), profile weights that are not
  finite and > 0, and ``probation_fraction`` outside [0, 1), all of which NAB accepts.
* **Rounding**: the parts are summed in another order than NAB's, so ``raw`` agrees with
  NAB's to about 1e-14, not always to the last bit. NAB's threshold lookup returns nothing
  (and its scorer crashes) when every scored point is flagged and the threshold lies between
  the scores; :func:`score` takes flags, not a threshold, so it has no such case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import math
import numbers
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import platformdirs
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_finite, check_real, describe, is_sequence
from .metrics import _bounds, _check_flags, _check_spans

__all__ = [
    "CLEANING",
    "COMMIT",
    "PROFILES",
    "SERIES",
    "SHA256",
    "NabError",
    "NabScore",
    "load",
    "load_csv",
    "path",
    "scaled_sigmoid",
    "score",
]

#: The NAB commit every file is pinned to.
COMMIT = "ea702d75cc2258d9d7dd35ca8e5e2539d71f3140"
URL = f"https://raw.githubusercontent.com/numenta/NAB/{COMMIT}/"
LABELS = "labels/combined_windows.json"
ENV_VAR = "LSTM_HELPERS_DATA"

#: SHA-256 of each known file, by its path in NAB's repository (as ../shared/README.md lists them).
SHA256: dict[str, str] = {
    LABELS: "1e1fbc4601321aad8d0f8b3784c8134299379f68f6c1f7777565f8ffd57ab6b1",
    "data/artificialNoAnomaly/art_daily_no_noise.csv": "ccb7743ac2de8ca110db4af796d11ba31a23ad448a28e353a935c15f637756bc",
    "data/artificialNoAnomaly/art_daily_perfect_square_wave.csv": "662ff0a295b81eb0ff8e81116a54a497cd6f6b07c19c7a5ea72cce494913ce62",
    "data/artificialNoAnomaly/art_daily_small_noise.csv": "c4b304229f69f108eaa024fb2406fcd4510c5c5d95cd0053e2da6989682e4e6d",
    "data/artificialNoAnomaly/art_flatline.csv": "1cc10761ddd6d55fb5f0d9cfc73610416abbb120ee14bb65eff288509a463397",
    "data/artificialNoAnomaly/art_noisy.csv": "ad455adeaf06852222500955f2aefe6bd389cc762ef68e7102ee543209c8607f",
    "data/artificialWithAnomaly/art_daily_flatmiddle.csv": "ea5df125947e9ee2b977ac3d341f3c2a029588862af97cae4a654fc56e838702",
    "data/artificialWithAnomaly/art_daily_jumpsdown.csv": "4af31802e87dff4b4ba3ceb21714ba9d905f7888e1f53d47cc6dd4f856f9debc",
    "data/artificialWithAnomaly/art_daily_jumpsup.csv": "f79f92b93ee4f9c10e2dc552505e8880b0c618639ed5e0f9816e044b75c26456",
    "data/artificialWithAnomaly/art_daily_nojump.csv": "65c85d1834376ed5e622f01721d478609577ea0df0a067c5a5ebe5edea03b077",
    "data/artificialWithAnomaly/art_increase_spike_density.csv": "0959d8871d5c1a3fc3120fb7421e4ef113fffb434af2889085b52aebdb69360c",
    "data/artificialWithAnomaly/art_load_balancer_spikes.csv": "99f7130e54c7c3e818df8e3bdc0974cd241914bb14a10a9c3fa7c1374125d224",
    "data/realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv": "ab446fbd8b9f37507eb2fdb06315826d8daeef02e241133ce06e0ee571ba53d9",
    "data/realAWSCloudwatch/ec2_cpu_utilization_53ea38.csv": "8942e498de7b40f1b4a6d802755592c09b8fb73ce8f658763a09cb9ea1ea94ac",
    "data/realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv": "01613e6f632d067f11a5dfd40a188b0789752b388d9bc77a398bd06333878a76",
    "data/realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv": "90ceabd570b449241ee24ff8a116a793979b7671ce4490707311bfea0e0aae1f",
    "data/realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv": "d768419037c9db269343822957314f57ee21a7d9a4d41df2add0d1ba45ba84de",
    "data/realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv": "749a15c2e1a4543c21fee9cbf3338cd8a7ed5f5f8a1308b9b099b06c2c66e66b",
    "data/realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv": "d936cea74682ed43ac96b778352d7de294c0b0c168f4a7e6817162346cdb28c1",
    "data/realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv": "f3433f8171f4dcea86c0c7af9996d0f166f812fa0f4567f1d5cd85d2d2cd69b4",
    "data/realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv": "ce3d6c6a652ed7c31a6dd3727a36e128fcac6fb2381c63267ad0fbc02eccd9df",
    "data/realAWSCloudwatch/ec2_disk_write_bytes_c0d644.csv": "a0e734a66098bb81833835f0839dadafbc8ae829c51494670ee8849e46eb5b63",
    "data/realAWSCloudwatch/ec2_network_in_257a54.csv": "39104b08f2e0a673b5137eb7681897fcadf0955fedf565740a6a94edc63a81a4",
    "data/realAWSCloudwatch/ec2_network_in_5abac7.csv": "c27ef93f582af63bf42e80d804764cbe64ae987620f3cfab5477d6ebb3c6157e",
    "data/realAWSCloudwatch/elb_request_count_8c0756.csv": "74c26574a01ca9fb89dddb5021e2e13c3a93eb25dc640438a9acb1ceb00f1021",
    "data/realAWSCloudwatch/grok_asg_anomaly.csv": "86a0abe9d58e376858d2fd4f4a438f1997e24c64a09e5af03accd4e1b372ac47",
    "data/realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv": "f115fbe6542159eed5612445bfa620708a28ab6b41349d1432bb15c3a3b8414d",
    "data/realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv": "d5df979ef85928769a016cd0f935919d8c2a113926e21e1eb3a5001d688760e2",
    "data/realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv": "6b712b922ab3b3404c5a629d64a570c390c99471ee8b9b0ff7665f553fda92c1",
    "data/realKnownCause/ambient_temperature_system_failure.csv": "230b68ccca20f59d562afd5d24ad52939c9b784386bed0054018358bf9120581",
    "data/realKnownCause/cpu_utilization_asg_misconfiguration.csv": "58ba65dc0737cfbac11b51514476d50c438d44011232144bb8d93f392df58f9f",
    "data/realKnownCause/ec2_request_latency_system_failure.csv": "98378580aa80157e057c61d59d81daddccc6c65a2c0c800e3f01f603b8215c3f",
    "data/realKnownCause/machine_temperature_system_failure.csv": "92bf5b87fc7f9bba8ca0b7ec63ccaac8cb4a1371a258e8c29a10ae9c018d82a4",
    "data/realKnownCause/nyc_taxi.csv": "d8fa6f7f0734bf5c8be12c52a94e20a82664c397d9dec4449156bd453d32856d",
    "data/realKnownCause/rogue_agent_key_hold.csv": "47b110baa8e3636574c1033dda1cce780873647fab58223d159d4fee6f180e86",
    "data/realKnownCause/rogue_agent_key_updown.csv": "9797cfef477c13306f7a33874ab4d6cf700f8f2c7e5825a2a5bc02004370909a",
}

#: The 35 series this module knows, by NAB's name (``<category>/<file>.csv``).
SERIES: tuple[str, ...] = tuple(sorted(k.removeprefix("data/") for k in SHA256 if k != LABELS))

Span = tuple[pd.Timestamp, pd.Timestamp]


class NabError(RuntimeError):
    """A NAB file could not be found, downloaded or verified."""


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as err:
        raise NabError(f"{path} could not be read ({err})") from err


def _check_home(data_home: object) -> None:
    if data_home is not None and not isinstance(data_home, (str, os.PathLike)):
        raise TypeError(f"data_home must be a folder path or None; got {describe(data_home)}")


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
    if got != SHA256[rel]:
        raise NabError(
            f"{path} does not match NAB commit {COMMIT[:10]}: SHA-256 {got[:16]}..., "
            f"expected {SHA256[rel][:16]}.... Delete the file to download it again, or "
            f"point {ENV_VAR} at an unmodified copy of NAB's repository."
        )
    return path


def path(rel: str, data_home: str | os.PathLike | None = None, timeout: float = 30.0) -> Path:
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
    if isinstance(rel, os.PathLike):
        rel = Path(rel).as_posix()
    if not isinstance(rel, str):
        raise TypeError(
            f"rel must be a file's path in NAB's repository, e.g. 'data/realKnownCause/"
            f"nyc_taxi.csv'; got {describe(rel)}"
        )
    _check_home(data_home)
    timeout = check_real(timeout, "timeout")
    if timeout <= 0:
        raise ValueError(f"timeout must be > 0 seconds; got {timeout}")
    if rel not in SHA256:
        known = ", ".join(sorted(k.removeprefix("data/") for k in SHA256 if k != LABELS))
        raise NabError(
            f"rel: no SHA-256 is known for {rel!r}; known: {LABELS}, and data/ followed by "
            f"one of the known NAB series: {known}"
        )
    homes = _homes(data_home)
    for home in homes:
        if (home / rel).is_file():
            return _verified(home / rel, rel)
    cache = homes[-1]
    target = cache / rel
    kinds = (["data_home"] if data_home is not None else []) + (
        [ENV_VAR] if os.environ.get(ENV_VAR) else []
    )
    searched = ", ".join(
        f"{kind} {home}" for kind, home in zip([*kinds, "the cache"], homes, strict=True)
    )
    try:
        with urllib.request.urlopen(URL + rel, timeout=timeout) as response:
            payload = response.read()
    except (OSError, http.client.HTTPException, ValueError) as err:
        # OSError covers URLError, HTTPError, timeouts and resets; HTTPException covers a
        # connection closed mid-body (http.client.IncompleteRead) and malformed replies.
        raise NabError(
            f"{rel} is not on this machine (looked in {searched}) and could not be downloaded "
            f"from NAB's repository ({type(err).__name__}: {err}). Connect to the internet "
            f"once, or pass data_home= (or set {ENV_VAR} to) a folder holding NAB's files "
            "laid out as in its repository (data/..., labels/...)."
        ) from err
    got = hashlib.sha256(payload).hexdigest()
    if got != SHA256[rel]:  # checked before anything is written: nothing to clean up
        raise NabError(
            f"{rel} was downloaded from {URL + rel} but does not match NAB commit "
            f"{COMMIT[:10]}: SHA-256 {got[:16]}..., expected {SHA256[rel][:16]}.... Nothing was "
            f"saved. Try again later, or set {ENV_VAR} to a folder holding NAB's files."
        )
    # Write to a temporary file next to the target, then rename it into place: a reader
    # never sees half a file, and on any failure the temporary file is removed.
    tmp_path = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
            tmp_path = Path(tmp.name)
            tmp.write(payload)
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


def _span_stamp(value: Any, what: str, tz: Any) -> pd.Timestamp:
    """One end of a labelled span as a Timestamp in the series' timezone (numbers refused)."""
    if value is None:
        raise ValueError(f"{what} must be a timestamp, not None")
    if isinstance(value, (bool, np.bool_, numbers.Number)) or not isinstance(
        value, (str, dt.date, np.datetime64)
    ):
        raise TypeError(
            f"{what} must be a timestamp (text such as '2014-07-01 00:00:00', a datetime or a "
            f"pandas Timestamp); got {describe(value)}. A number would be read as nanoseconds "
            "since 1970."
        )
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{what} must be a timestamp; got {value!r} ({err})") from err
    if pd.isna(stamp):
        raise ValueError(f"{what} must be a timestamp, not NaT; got {value!r}")
    if (stamp.tz is None) != (tz is None):
        raise TypeError(
            f"{what} is {'timezone-naive' if stamp.tz is None else f'in timezone {stamp.tz}'} "
            f"but the series' timestamps are {'timezone-naive' if tz is None else f'in {tz}'}; "
            "give both a timezone or neither"
        )
    return stamp if tz is None else stamp.tz_convert(tz)


def load_csv(path: str | os.PathLike, spans: Sequence[tuple[Any, Any]] | None = None):
    """Read any NAB-format CSV (columns ``timestamp,value``) from a local path.

    Parameters
    ----------
    path : path
        A UTF-8 text file (``.csv``; ``.csv.gz`` and other compressed names are read as
        pandas infers them from the name).
    spans : sequence of (start, end), optional
        Labelled anomaly spans to return alongside: timestamps, as text, datetimes or pandas
        Timestamps (numbers are refused: they would become dates in 1970), timezone-aware
        exactly when the file's timestamps are.

    Returns
    -------
    df : pandas.DataFrame
        One column ``value`` (float; an empty cell is NaN, a missing reading), indexed by
        ``timestamp``, sorted and unique: of rows sharing a timestamp, the first is kept,
        and ``df.attrs["dropped_duplicate_timestamps"]`` says how many were dropped.
    spans : list of (pandas.Timestamp, pandas.Timestamp)

    Raises
    ------
    FileNotFoundError
        If there is no such file (the message names it).
    ValueError
        Naming the file: if it is empty, not UTF-8 text (a gzip file under a ``.csv`` name,
        latin-1), not a CSV of the columns ``timestamp,value``, has no data row, a
        timestamp is empty or not an ISO 8601 date (text is never sorted as text), or a
        value is not a number (or is infinite); and if a span is reversed or NaT.
    TypeError
        If ``path`` is not a path, or a span end is not a timestamp.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path; got {describe(path)}")
    try:
        with warnings.catch_warnings():
            # A row with more fields than the header must not become an index column or be
            # cut short with only a warning.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(path, dtype={"timestamp": str}, index_col=False)
    except FileNotFoundError as err:
        raise FileNotFoundError(f"path {str(path)!r} does not exist") from err
    except IsADirectoryError as err:
        raise ValueError(f"path {str(path)!r} is a folder, not a CSV file") from err
    except pd.errors.EmptyDataError as err:
        raise ValueError(f"{path} is empty; expected a header timestamp,value and rows") from err
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{path} is not UTF-8 text (a compressed file under a .csv name, or another "
            f"encoding such as latin-1?): {err}"
        ) from err
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        raise ValueError(f"{path} is not a CSV of the columns timestamp,value ({err})") from err
    if list(df.columns) != ["timestamp", "value"]:
        raise ValueError(f"{path}: expected columns timestamp,value; got {list(df.columns)}")
    if df.empty:
        raise ValueError(f"{path} has a header but no data row")
    if df["timestamp"].isna().any():
        row = int(df["timestamp"].isna().to_numpy().argmax())
        raise ValueError(f"{path}: timestamp is empty on data row {row}")
    try:
        # ISO 8601 only: text that is not a date is refused, never kept as strings that
        # would then sort as text.
        stamps = pd.to_datetime(df["timestamp"], format="ISO8601")
    except (ValueError, TypeError, OverflowError) as err:
        raise ValueError(
            f"{path}: timestamp must hold ISO 8601 dates such as 2014-07-01 00:00:00, with one "
            f"timezone offset or none ({err})"
        ) from err
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype) and stamps.dtype.kind != "M":
        raise ValueError(
            f"{path}: timestamp must hold ISO 8601 dates with one timezone offset or none; "
            "they mix offsets"
        )
    try:
        values = pd.to_numeric(df["value"]).astype(float)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{path}: value must hold numbers ({err})") from err
    if np.isinf(values).any():
        row = int(np.isinf(values).to_numpy().argmax())
        raise ValueError(f"{path}: value is infinite on data row {row}")
    df = pd.DataFrame(
        {"value": values.to_numpy()}, index=pd.DatetimeIndex(stamps, name="timestamp")
    )
    # Real clocks jump: machine_temperature's goes back 55 minutes once, repeating 11
    # timestamps. Keep the first reading of each timestamp, in time order, and say so.
    n_rows = len(df)
    df = df[~df.index.duplicated(keep="first")].sort_index(kind="stable")
    df.attrs["dropped_duplicate_timestamps"] = n_rows - len(df)
    if spans is None:
        return df, []
    if not is_sequence(spans):
        raise TypeError(f"spans must be a sequence of (start, end) pairs; got {describe(spans)}")
    checked = []
    for i, span in enumerate(spans):
        if not is_sequence(span):
            raise TypeError(f"spans[{i}] must be a (start, end) pair; got {describe(span)}")
        if len(span) != 2:
            raise ValueError(f"spans[{i}] must be a (start, end) pair; got {span!r}")
        start = _span_stamp(span[0], f"spans[{i}] start", df.index.tz)
        end = _span_stamp(span[1], f"spans[{i}] end", df.index.tz)
        if end < start:
            raise ValueError(
                f"spans[{i}] must be (start, end) timestamps, start <= end; got {(start, end)}"
            )
        checked.append((start, end))
    return df, checked


def load(name: str, data_home: str | os.PathLike | None = None):
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
    if not isinstance(name, str):
        raise TypeError(
            f"name must be NAB's name of a series, e.g. 'realKnownCause/nyc_taxi.csv'; got "
            f"{describe(name)}"
        )
    if name not in SERIES:
        raise NabError(
            f"name must be one of the {len(SERIES)} NAB series this module knows; got "
            f"{name!r}. known NAB series: {', '.join(SERIES)}"
        )
    csv = path(f"data/{name}", data_home)
    labels = json.loads(path(LABELS, data_home).read_text())
    return load_csv(csv, labels[name])


# --------------------------------------------------------------------------- scoring

#: NAB's application profiles (``config/profiles.json``): weights of a true positive,
#: a false positive and a false negative.
PROFILES: dict[str, dict[str, float]] = {
    "standard": {"tp": 1.0, "fp": 0.11, "fn": 1.0},
    "reward_low_FP_rate": {"tp": 1.0, "fp": 0.22, "fn": 1.0},
    "reward_low_FN_rate": {"tp": 1.0, "fp": 0.11, "fn": 2.0},
}

#: Values of :func:`score`'s ``span_ends`` and ``perfect`` arguments; the first is NAB's.
SPAN_ENDS = ("exact", "inside")
PERFECT = ("all_spans", "scored_spans")


def scaled_sigmoid(position: ArrayLike) -> np.ndarray:
    """NAB's weight of a detection at a relative position: ``2 / (1 + exp(5 y)) - 1``.

    ``y = -1`` (a span's first point) gives 0.987, ``y = 0`` (its end) 0, ``y = 1`` (one span
    width after it) -0.987; beyond ``y = 3`` the weight is exactly -1, as in NAB.

    Parameters
    ----------
    position : array-like, shape (n,) or scalar
        Finite relative positions ``y``.

    Returns
    -------
    numpy.ndarray, same shape as ``position``, values in [-1, 1)
    """
    y = as_float_array(position, "position")
    check_finite(y, "position")
    with np.errstate(over="ignore"):
        weight = 2.0 / (1.0 + np.exp(5.0 * y)) - 1.0
    return np.where(y > 3.0, -1.0, weight)


class NabScore(NamedTuple):
    """What :func:`score` returns."""

    normalised: float  #: 100 * (raw - null) / (perfect - null)
    raw: float  #: NAB's raw score of the series: the spans' parts plus the false-positive part
    null: float  #: raw score of a detector that never flags: -A_fn per scored span
    perfect: float  #: A_tp per span (per labelled span, or per scored span: ``perfect=``)
    spans: pd.DataFrame  #: one row per span: start, end, scored, first_flag, position, part
    n_false_positives: int  #: flagged points outside every span, after probation
    false_positive_part: float  #: their total (negative) contribution


def _profile(profile: str | Mapping[str, float]) -> dict[str, float]:
    if isinstance(profile, str):
        if profile not in PROFILES:
            raise ValueError(
                f"profile must be one of {sorted(PROFILES)} or a mapping with keys "
                f"'tp', 'fp', 'fn'; got {profile!r}"
            )
        return PROFILES[profile]
    if not isinstance(profile, Mapping) or set(profile) != {"tp", "fp", "fn"}:
        raise ValueError(
            f"profile must be a name in {sorted(PROFILES)} or a mapping with exactly the "
            f"keys 'tp', 'fp', 'fn'; got {profile!r}"
        )
    weights = {k: check_real(v, f"profile[{k!r}]") for k, v in profile.items()}
    if not all(v > 0 for v in weights.values()):
        raise ValueError(f"profile weights must be finite and > 0; got {weights}")
    return weights


def _choice(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}; got {value!r}")
    return value


def _span_rows(
    index: pd.Index, spans: Sequence[tuple[Any, Any]], span_ends: str
) -> list[tuple[int, int]]:
    """First and last row (inclusive) of each span, in time order.

    ``span_ends="exact"``: both ends must be labels of ``index`` (NAB's label reader refuses
    other windows). ``"inside"``: the first and last rows that lie within ``[start, end]``;
    a span must hold at least one row.
    """
    if not is_sequence(spans):
        raise TypeError(f"spans must be a sequence of (start, end) pairs; got {describe(spans)}")
    checked = _check_spans(spans, index)  # converted to the index's units; disjoint
    lo, hi = _bounds(checked, index)  # span k holds rows lo[k] .. hi[k] - 1
    rows = []
    for k, ((start, end), a, b) in enumerate(zip(checked, lo, hi, strict=True)):
        if span_ends == "exact":
            for end_name, value, row in (("start", start, a), ("end", end, b - 1)):
                if not (0 <= row < len(index) and index[row] == value):
                    raise ValueError(
                        f"spans[{k}] {end_name} {value} is not a label of the flags' index. "
                        "NAB scores only spans whose start and end are timestamps of the series "
                        "(its label reader refuses others); pass span_ends='inside' to score "
                        "the points that lie between the span's ends"
                    )
        elif b <= a:
            raise ValueError(f"spans[{k}] ({start}, {end}) contains no point of the flags' index")
        rows.append((int(a), int(b) - 1))
    return sorted(rows)


def score(
    spans: Sequence[tuple[Any, Any]],
    flags: pd.Series,
    profile: str | Mapping[str, float] = "standard",
    probation_fraction: float = 0.15,
    *,
    span_ends: str = "exact",
    perfect: str = "all_spans",
) -> NabScore:
    """NAB's score of one series' detections against its labelled spans.

    With the default arguments the raw score is the one NAB's code gives this series
    (``nab/scorer.py::scoreDataSet`` with anomaly scores 1.0 at the flags, 0.0 elsewhere and
    threshold 0.5), to rounding (the sums run in another order; they agree to 1e-12). Where
    NAB's code fails, the module docstring's "Departures from NAB's code" says what happens.

    Parameters
    ----------
    spans : sequence of (start, end)
        Labelled anomaly spans (NAB's windows), ends included, disjoint, in any order, in the
        units of the flags' index (timestamps, timezone-aware for an aware index; integers
        for synthetic data), validated as :func:`lstm_helpers.event_metrics` validates them.
    flags : pandas.Series of bool, shape (n,)
        The detections over the whole series, including the probationary period, on a sorted
        unique index (a DatetimeIndex or an integer index).
    profile : str or mapping
        ``"standard"``, ``"reward_low_FP_rate"``, ``"reward_low_FN_rate"`` (weights in
        ``PROFILES``) or your own ``{"tp": ..., "fp": ..., "fn": ...}`` (finite, > 0).
    probation_fraction : float in [0, 1)
        Leading share of the points that is not scored (NAB: 0.15, at most 750 points:
        ``min(floor(f * n), f * 5000)``).
    span_ends : {"exact", "inside"}
        ``"exact"`` (NAB): each span's start and end must be labels of the flags' index, as
        NAB's label reader requires; otherwise a ``ValueError``. ``"inside"``: a span covers
        the points between its ends, its first and last such points acting as its ends
        (for spans on a coarser or resampled index); it must hold at least one point.
    perfect : {"all_spans", "scored_spans"}
        What the normalisation counts as perfect. ``"all_spans"`` (NAB's ``runner.normalize``):
        ``A_tp`` for every labelled span, including spans that end inside the probationary
        period and so can earn nothing (a series with such a span cannot reach 100).
        ``"scored_spans"``: ``A_tp`` for each span that ends after the probationary period,
        so that flagging the first scored point of each scored span gives 100.

    Returns
    -------
    NabScore
        ``normalised``, ``raw``, ``null``, ``perfect``; ``spans``, one row per span in time
        order (``start``, ``end``: its first and last points; ``scored``: False for a span
        that ends inside the probationary period, which adds nothing to ``raw`` or ``null``;
        ``first_flag``: the earliest scored flag in it or None; ``position``: that flag's
        relative position ``y``; ``part``: its contribution to ``raw``);
        ``n_false_positives`` and ``false_positive_part``.

    Raises
    ------
    TypeError, ValueError
        On bad input, naming the argument; ``ValueError`` if nothing can be normalised
        (no span at all, or, with ``perfect="scored_spans"``, no span ending after the
        probationary period).
    """
    f = _check_flags(flags)
    weights = _profile(profile)
    fraction = check_real(probation_fraction, "probation_fraction")
    if not 0 <= fraction < 1:
        raise ValueError(f"probation_fraction must lie in [0, 1); got {probation_fraction}")
    span_ends = _choice(span_ends, SPAN_ENDS, "span_ends")
    perfect = _choice(perfect, PERFECT, "perfect")
    rows = _span_rows(f.index, spans, span_ends)
    if not rows:
        raise ValueError(
            "spans is empty: a series without labelled spans cannot be normalised "
            "(perfect == null == 0); count its false alarms instead (lh.event_metrics)"
        )

    n = len(f)
    probation = min(math.floor(fraction * n), fraction * 5000)  # NAB's, a float
    flagged = np.flatnonzero(f.to_numpy())
    flagged = flagged[flagged >= probation]  # flags in the probationary period never count
    max_tp = float(scaled_sigmoid(-1.0))

    # True positives and false negatives: one part per span.
    records = []
    inside = np.zeros(n, dtype=bool)
    for lo, hi in rows:
        inside[lo : hi + 1] = True
        width = hi - lo + 1
        hits = flagged[(flagged >= lo) & (flagged <= hi)]
        position, first = np.nan, None
        if hi < probation:
            part = 0.0  # the whole span lies in the probationary period: not scored
        elif hits.size:
            position = -(hi - hits[0] + 1) / width  # the earliest flag earns the most
            part = float(scaled_sigmoid(position)) * weights["tp"] / max_tp
            first = f.index[hits[0]]
        else:
            part = -weights["fn"]
        records.append(
            {
                "start": f.index[lo],
                "end": f.index[hi],
                "scored": bool(hi >= probation),
                "first_flag": first,
                "position": position,
                "part": part,
            }
        )
    table = pd.DataFrame(records)

    # False positives: every scored flag outside the spans, weighted by its distance after
    # the end of the last span before it, in units of that span's width minus one.
    fp = flagged[~inside[flagged]]
    ends = np.array([hi for _, hi in rows])
    widths = np.array([hi - lo + 1 for lo, hi in rows])
    prev = np.searchsorted(ends, fp, side="left") - 1  # last span ending before each flag
    fp_weight = np.full(fp.size, -1.0)  # before any span: the full cost
    after = prev >= 0
    wide = after.copy()
    wide[after] = widths[prev[after]] > 1
    # After a one-point span NAB divides by width - 1 = 0 (ZeroDivisionError); the limit of
    # its formula, y -> +inf, is the full cost -1, which fp_weight already holds there.
    y = (fp[wide] - ends[prev[wide]]) / (widths[prev[wide]] - 1)
    fp_weight[wide] = scaled_sigmoid(y)
    fp_part = float(sum((weights["fp"] * fp_weight).tolist()))  # in time order, as NAB sums

    n_scored = int(table["scored"].sum())
    raw = float(table["part"].sum()) + fp_part
    null = -weights["fn"] * n_scored
    best = weights["tp"] * (len(rows) if perfect == "all_spans" else n_scored)
    if best == null:
        raise ValueError(
            "no labelled span ends after the probationary period, so with "
            f"perfect={perfect!r} there is nothing to normalise against ({len(rows)} span(s), "
            f"probation of {probation:g} points); use perfect='all_spans' (NAB's choice) or a "
            "smaller probation_fraction"
        )
    normalised = 100.0 * (raw - null) / (best - null)
    return NabScore(normalised, raw, null, best, table, int(fp.size), fp_part)


# --------------------------------------------------------------------------- cleaning

#: How this tutorial cleans each series (``lh.clean_series(raw, **CLEANING[name])``), as the
#: audit of the 35 series chose. ``kind``: ``count`` for counts per bin (summed), ``level``
#: for readings (averaged); ``step``: the cleaned series' step (None: the native one);
#: ``max_gap``: the longest gap carried forward (longer ones stay NaN, and are reported);
#: nyc_taxi is in New York's local time and stamps each half-hour by its start.
CLEANING: dict[str, dict[str, str | None]] = {
    "artificialNoAnomaly/art_daily_no_noise.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "artificialNoAnomaly/art_daily_perfect_square_wave.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "artificialNoAnomaly/art_daily_small_noise.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "artificialNoAnomaly/art_flatline.csv": {"kind": "level", "step": None, "max_gap": "1h"},
    "artificialNoAnomaly/art_noisy.csv": {"kind": "level", "step": None, "max_gap": "1h"},
    "artificialWithAnomaly/art_daily_flatmiddle.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "artificialWithAnomaly/art_daily_jumpsdown.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "artificialWithAnomaly/art_daily_jumpsup.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "artificialWithAnomaly/art_daily_nojump.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "artificialWithAnomaly/art_increase_spike_density.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "artificialWithAnomaly/art_load_balancer_spikes.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_53ea38.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_disk_write_bytes_c0d644.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/ec2_network_in_257a54.csv": {"kind": "level", "step": None, "max_gap": "1h"},
    "realAWSCloudwatch/ec2_network_in_5abac7.csv": {"kind": "level", "step": None, "max_gap": "1h"},
    "realAWSCloudwatch/elb_request_count_8c0756.csv": {
        "kind": "count",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/grok_asg_anomaly.csv": {"kind": "level", "step": None, "max_gap": "1h"},
    "realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realKnownCause/ambient_temperature_system_failure.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "2h",
    },
    "realKnownCause/cpu_utilization_asg_misconfiguration.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "realKnownCause/ec2_request_latency_system_failure.csv": {
        "kind": "level",
        "step": None,
        "max_gap": "1h",
    },
    "realKnownCause/machine_temperature_system_failure.csv": {
        "kind": "level",
        "step": "15min",
        "max_gap": "1h",
    },
    "realKnownCause/nyc_taxi.csv": {
        "kind": "count",
        "step": "1h",
        "max_gap": "2h",
        "local_tz": "America/New_York",
        "raw_label": "start",
    },
    "realKnownCause/rogue_agent_key_hold.csv": {"kind": "level", "step": None, "max_gap": "30min"},
    "realKnownCause/rogue_agent_key_updown.csv": {"kind": "level", "step": None, "max_gap": "1h"},
}
