"""The corpus: every detector of notebook 3 judged on NAB's 35 series (``make corpus``).

Notebook 3 defines its detectors once, in the cells of ``notebooks/src/03_real_data_nab.py``
tagged ``detectors``: ``SEEDS``, ``make_protocol``, ``SIMPLE`` (deterministic baselines) and
``LSTMS`` (trained once per seed). This runner executes those cells in a fresh module, runs
every detector through the protocol (``lh.Protocol.run``) on every series of
``nab.SERIES``, and writes

* ``results/corpus.csv``: one row per series x detector x seed (seed empty for a
  deterministic detector): the protocol's metrics and null p-values, ``fit_seconds``, and
  what the analysis needs (family, sampling step, length of the fit part, the season found
  in it, the variant and smoothing chosen, whether the series has labelled spans);
* ``results/corpus.json``: where the detectors came from (and whether they are a stand-in),
  package versions, Keras backend, machine, date, command, wall time, load average, and
  per series what the data check did, its periods, window length and seconds.

    python tools/corpus.py                        # every series not yet in results/corpus.csv
    python tools/corpus.py --jobs 2               # two worker processes, one series each
    python tools/corpus.py --series realKnownCause/nyc_taxi.csv   # one series, if not done
    python tools/corpus.py --series nyc_taxi --force              # rerun one series
    python tools/corpus.py --force                # rerun every series
    python tools/corpus.py --detectors tests/project/corpus_standin.py   # another module

The detectors come from notebook 3 unless ``--detectors`` (or the ``LSTM_CORPUS_DETECTORS``
environment variable) names a Python module implementing the same contract; when notebook
3 has no such cells and nothing else is named, the runner stops and says so. It never
falls back on another module by itself.

**Deterministic.** Each series runs in a worker process with one thread (numpy, XLA or
TensorFlow); the LSTMs seed every restart (``lh.fit_restarts``), and TensorFlow's op
determinism is on. Rerunning a series on the same machine and backend gives the same rows,
``fit_seconds`` (a wall-clock time) apart. Finished fits are never read from a model cache
(``LSTM_HELPERS_MODEL_CACHE`` is unset in the workers). On JAX, compiled XLA programs are
shared between the fits of one run through a compilation cache in a temporary folder,
deleted at the end: it saves the compile time of every fit with the same shapes and does
not change a single number.

**Refused, skipped, failed.** A detector that cannot be applied to a series is recorded
honestly, never given made-up scores: when its score function raises ``ValueError`` (the
helpers' clear error on input they cannot handle, e.g. a constant fit part, or no window
left for validation) or its score is NaN everywhere, its row has ``status`` "refused:
<message>" and no metrics. A series whose protocol cannot be made has every row "skipped:
<reason>". Any other exception is a bug: ``status`` "error: ...", and the run exits 1.

**Resumable.** The CSV is rewritten after every finished series; a series already in it is
skipped unless ``--force`` asks for it. Results made by other detectors or
on another backend are never mixed into one file.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.metadata as md
import importlib.util
import io
import json
import math
import multiprocessing
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
import traceback
import types
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_3 = ROOT / "notebooks" / "src" / "03_real_data_nab.py"
RESULTS = ROOT / "results"
CSV_NAME, JSON_NAME = "corpus.csv", "corpus.json"
#: Names a detectors module (instead of notebook 3's cells) for tests and stand-ins.
DETECTORS_VARIABLE = "LSTM_CORPUS_DETECTORS"
#: The tag of notebook 3's cells that define the detectors.
TAG = "detectors"
#: What those cells must define.
CONTRACT = ("SEEDS", "make_protocol", "SIMPLE", "LSTMS")
#: Rotations of each detector's own null (lh.Protocol.run's default).
N_ROTATIONS = 200

#: The columns of corpus.csv, in order. ``fit_seconds`` is the only one that is not
#: reproducible (wall-clock time); see :data:`TIMING_COLUMNS`.
COLUMNS = [
    # which row
    "series", "family", "detector", "kind", "seed", "status",
    # the protocol's choices and metrics (lh.Protocol.run)
    "variant", "smoothing", "threshold",
    "event_precision", "event_recall", "event_f1", "spans_found", "pr_auc",
    "false_alarms", "false_alarms_per_day", "mean_delay_minutes", "nab_standard",
    "event_f1_null_p", "pr_auc_null_p",
    # the band of each detector's own null: its 200 rotations' median and 95th percentile
    "event_f1_null_median", "event_f1_null_q95", "pr_auc_null_median", "pr_auc_null_q95",
    # cost
    "fit_seconds",
    # the series, for the analysis (no label is read for these but has_spans and n_spans)
    "has_spans", "n_spans", "n_test_spans", "step_minutes", "n_points", "nan_points",
    "fit_points", "fit_days", "calibration_points", "test_days", "window_length",
    "season_hours", "cleaning",
    # the LSTM's fit (lh.fit_restarts), empty for a simple detector
    "lstm_train_windows", "lstm_epochs", "lstm_best_epoch", "lstm_converged", "lstm_val_loss",
]  # fmt: skip
KEY = ["series", "detector", "seed"]
#: Whole numbers (empty where undefined) and flags, kept as such in memory and in the file.
INTEGER_COLUMNS = [
    "seed", "false_alarms", "n_spans", "n_test_spans", "n_points", "nan_points", "fit_points",
    "calibration_points", "window_length", "lstm_train_windows", "lstm_epochs",
    "lstm_best_epoch",
]  # fmt: skip
BOOLEAN_COLUMNS = ["has_spans", "lstm_converged"]
TIMING_COLUMNS = ["fit_seconds"]


# ----------------------------------------------------------------------------- the detectors


class DetectorsNotFound(RuntimeError):
    """Notebook 3 defines no detectors and no other module was named."""


def _from_text(code: str, name: str, origin: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = origin
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    exec(compile(code, origin, "exec"), module.__dict__)
    return module


def notebook_cells(path: Path = NOTEBOOK_3) -> list[str]:
    """The source of every code cell of a jupytext file tagged ``detectors``, in order."""
    import jupytext  # here: only reading notebook 3 needs it

    nb = jupytext.read(path)
    return [
        cell.source
        for cell in nb.cells
        if cell.cell_type == "code" and TAG in cell.get("metadata", {}).get("tags", [])
    ]


def detectors_source(path: str | os.PathLike | None = None) -> dict:
    """Where the detectors come from: ``{"kind", "path", "code", "sha256"}``.

    ``path`` (or ``LSTM_CORPUS_DETECTORS``) names a Python module; without either, the
    cells of notebook 3 tagged ``detectors``. Raises :class:`DetectorsNotFound` when notebook
    3 has none: the runner never picks a stand-in by itself.
    """
    path = path or os.environ.get(DETECTORS_VARIABLE) or None
    if path is not None:
        file = Path(path).resolve()
        if not file.is_file():
            raise DetectorsNotFound(f"--detectors {path}: no such file")
        code, kind = file.read_text(encoding="utf-8"), "module"
    else:
        file = NOTEBOOK_3
        cells = notebook_cells(file)
        if not cells:
            raise DetectorsNotFound(
                f"{_rel(file)} has no code cell tagged {TAG!r} (the detectors of the "
                "contract: SEEDS, make_protocol, SIMPLE, LSTMS). Name a module that implements "
                f"it with --detectors PATH or {DETECTORS_VARIABLE}=PATH, e.g. the stand-in "
                "tests/project/corpus_standin.py"
            )
        code, kind = "\n\n".join(cells), "notebook 3 cells"
    return {
        "kind": kind,
        "path": _rel(file),
        "code": code,
        "sha256": hashlib.sha256(code.encode()).hexdigest(),
    }


def load_detectors(source: dict) -> types.ModuleType:
    """Execute the detectors' code in a fresh module and check the contract."""
    module = _from_text(source["code"], "corpus_detectors", str(ROOT / source["path"]))
    missing = [name for name in CONTRACT if not hasattr(module, name)]
    if missing:
        raise DetectorsNotFound(f"{source['path']} does not define {', '.join(missing)}")
    module.STANDIN = bool(getattr(module, "STANDIN", False))
    return module


def _rel(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------- one series


def family(name: str) -> str:
    return name.split("/", 1)[0]


def _season_hours(p, step: pd.Timedelta) -> float:
    """The shortest clear season of the fit part (lh.training.season), in hours; NaN: none."""
    import lstm_helpers as lh

    fit = p.series[p.fit]
    runs = fit.notna().to_numpy()
    # the longest stretch without NaN: a season is read from consecutive points only
    best, start, where = 0, None, (0, 0)
    for i, ok in enumerate(np.r_[runs, False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if i - start > best:
                best, where = i - start, (start, i)
            start = None
    values = fit.iloc[where[0] : where[1]].to_numpy()
    if len(values) < 12:
        return math.nan
    k = lh.training.season(values, min_lag=lh.training.MIN_SEASON_LAG)
    return math.nan if k is None else k * step / pd.Timedelta("1h")


def describe_series(name: str, p, report, T: int) -> dict:
    """The columns that describe a series and its protocol (the same on every row)."""
    step = p.series.index[1] - p.series.index[0]
    changed = [c.name for c in report.checks if c.changed]
    return {
        "series": name,
        "family": family(name),
        "has_spans": bool(p.spans),
        "n_spans": len(p.spans),
        "n_test_spans": sum(1 for s in p.spans if s[1] >= p.test[0]),
        "step_minutes": step / pd.Timedelta("1min"),
        "n_points": len(p.series),
        "nan_points": int(p.series.isna().sum()),
        "fit_points": len(p.fit),
        "fit_days": (p.fit[-1] - p.fit[0] + step) / pd.Timedelta("1D"),
        "calibration_points": len(p.calibration),
        "test_days": (p.test[-1] - p.test[0]) / pd.Timedelta("1D"),
        "window_length": int(T),
        "season_hours": _season_hours(p, step),
        "cleaning": "; ".join(changed) if changed else "nothing to do",
    }


def _protocol_row(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k != "mean_delay"}
    delay = row.get("mean_delay")
    out["mean_delay_minutes"] = (
        math.nan if delay is None or pd.isna(delay) else delay / pd.Timedelta("1min")
    )
    return out


def null_band(p, scores, row: dict) -> dict:
    """The median and 95th percentile of the detector's own null (``lh.rotation_null``).

    ``lh.Protocol.run`` reports the p-values; this recomputes the same null (the chosen
    variant, smoothed as chosen, at the same threshold, on the test period's spans) to say
    where chance lies, and checks that its p-values are the row's.
    """
    import lstm_helpers as lh

    variants = scores if isinstance(scores, Mapping) else {"default": scores}
    score = variants[row["variant"]].astype(float)
    smoothed, _, threshold = p.flags(score, row["smoothing"])
    spans = [s for s in p.spans if s[1] >= p.test[0]]
    null = lh.rotation_null(spans, smoothed[p.test], threshold, N_ROTATIONS)
    for mine, theirs in (
        (null.event_f1_p, row["event_f1_null_p"]),
        (null.pr_auc_p, row["pr_auc_null_p"]),
    ):
        if not (mine == theirs or (math.isnan(mine) and math.isnan(theirs))):
            raise AssertionError(f"the null band's p-value {mine} is not the row's {theirs}")

    def band(values: np.ndarray) -> tuple[float, float]:
        values = values[~np.isnan(values)]
        if values.size == 0:
            return math.nan, math.nan
        return float(np.median(values)), float(np.quantile(values, 0.95))

    f1_median, f1_q95 = band(np.asarray(null.event_f1_null, dtype=float))
    auc_median, auc_q95 = band(np.asarray(null.pr_auc_null, dtype=float))
    return {
        "event_f1_null_median": f1_median,
        "event_f1_null_q95": f1_q95,
        "pr_auc_null_median": auc_median,
        "pr_auc_null_q95": auc_q95,
    }


def _fit_columns(fit: Any) -> dict:
    """What lh.fit_restarts' FitResult says about the kept restart."""
    k = fit.best_restart
    return {
        "lstm_train_windows": fit.settings.get("n_train"),
        "lstm_epochs": fit.epochs[k],
        "lstm_best_epoch": fit.best_epochs[k],
        "lstm_converged": bool(fit.converged),
        "lstm_val_loss": float(fit.val_loss),
    }


def all_nan(scores) -> str:
    """Which of a detector's scores hold no number at all ("" when every one holds some).

    A detector's output is one score (a Series) or one per variant (a dict). A score that is
    NaN everywhere cannot be judged: its row is recorded as refused, never given metrics.
    """
    variants = scores if isinstance(scores, dict) else {"": scores}
    empty = [k for k, v in variants.items() if not np.isfinite(np.asarray(v, float)).any()]
    if not empty:
        return ""
    if not isinstance(scores, dict):
        return "all NaN"
    return "all NaN in variant(s) " + ", ".join(map(str, empty))


def _failed(detector: str, kind: str, seed, status: str) -> dict:
    return {"detector": detector, "kind": kind, "seed": seed, "status": status}


def run_series(
    name: str,
    detectors: types.ModuleType,
    *,
    seeds: Sequence[int] | None = None,
    data_home: str | os.PathLike | None = None,
    log=print,
) -> tuple[pd.DataFrame, dict]:
    """Every detector on one series: its rows of corpus.csv and its entry of corpus.json.

    Parameters
    ----------
    name : str
        A series of ``nab.SERIES``, e.g. ``"realKnownCause/nyc_taxi.csv"``.
    detectors : module
        Defines ``SEEDS``, ``make_protocol``, ``SIMPLE`` and ``LSTMS`` (see
        :func:`load_detectors`).
    seeds : sequence of int, optional
        The LSTM seeds (default ``detectors.SEEDS``).
    log : callable
        Where a failing detector is reported (one line).

    Returns
    -------
    rows : pandas.DataFrame
        One row per detector and seed, columns :data:`COLUMNS`. A detector that cannot be
        applied to this series (its score function raised ``ValueError``, the helpers' clear
        error, or its score is NaN everywhere) has ``status`` "refused: <message>" and no
        metrics; one that raised any other exception has ``status`` "error: ..." (and fails
        the run); when the protocol cannot be made (too little
        data before the first span), every row has ``status`` "skipped: ...".
    record : dict
        The data check (``report.summary()`` and every check), the periods, T and seconds.
    """
    import lstm_helpers as lh

    seeds = tuple(detectors.SEEDS if seeds is None else seeds)
    start = time.perf_counter()
    rows, record = [], {"status": "ok"}
    try:
        p, report, T = detectors.make_protocol(name, data_home)
    except ValueError as err:  # e.g. no data before the first labelled span
        status = f"skipped: {type(err).__name__}: {err}"
        record = {"status": status}
        for detector in detectors.SIMPLE:
            rows.append(_failed(detector, "simple", None, status))
        for detector in detectors.LSTMS:
            rows.extend(_failed(detector, "LSTM", seed, status) for seed in seeds)
        info = {"series": name, "family": family(name)}
        return _frame([info | r for r in rows]), record | {"seconds": time.perf_counter() - start}

    try:  # the rotation null needs room: a test period of more than twice the longest span
        test_spans = [s for s in p.spans if s[1] >= p.test[0]]
        lh.rotation_null(test_spans, pd.Series(0.0, index=p.test), 0.0, 1)
    except ValueError as err:
        status = f"skipped: no rotation null on this test period: {err}"
        rows = [_failed(d, "simple", None, status) for d in detectors.SIMPLE]
        rows += [_failed(d, "LSTM", seed, status) for d in detectors.LSTMS for seed in seeds]
        info = describe_series(name, p, report, T)
        seconds = time.perf_counter() - start
        return _frame([info | r for r in rows]), {"status": status, "seconds": seconds}
    info = describe_series(name, p, report, T)
    record |= {
        "cleaning": report.summary(),
        "checks": report.table().to_dict("records"),
        "long_gaps_left_nan": [[str(a), str(b)] for a, b in report.long_gaps],
        "periods": {
            part: [str(idx[0]), str(idx[-1]), len(idx)]
            for part, idx in (("fit", p.fit), ("calibration", p.calibration), ("test", p.test))
        },
        "window_length": int(T),
        "spans": [[str(a), str(b)] for a, b in p.spans],
    }
    jobs = [(d, "simple", None) for d in detectors.SIMPLE]
    jobs += [(d, "LSTM", seed) for d in detectors.LSTMS for seed in seeds]
    for detector, kind, seed in jobs:
        where = f"  {name}, {detector}{'' if seed is None else f', seed {seed}'}: "
        try:
            began = time.perf_counter()
            try:
                if kind == "simple":
                    scores, fit = detectors.SIMPLE[detector](p), None
                else:
                    scores, fit = detectors.LSTMS[detector](p, T, seed)
            except ValueError as err:  # the helpers' clear error: not applicable here
                status = f"refused: {err}"
                log(where + status)
                rows.append(info | _failed(detector, kind, seed, status))
                continue
            seconds = time.perf_counter() - began
            nothing = all_nan(scores)
            if nothing:
                status = f"refused: no score that is not NaN ({nothing})"
                log(where + status)
                rows.append(info | _failed(detector, kind, seed, status))
                continue
            row = _protocol_row(p.run(detector, scores, seed, n_rotations=N_ROTATIONS))
            row |= null_band(p, scores, row)
            row |= {"kind": kind, "status": "ok", "fit_seconds": seconds}
            if fit is not None:
                row |= _fit_columns(fit)
        except Exception as err:  # recorded, reported, and fails the run
            status = f"error: {type(err).__name__}: {err}"
            log(where + status)
            record.setdefault("errors", []).append(traceback.format_exc())
            row = _failed(detector, kind, seed, status)
        rows.append(info | row)
    record["seconds"] = time.perf_counter() - start
    return _frame(rows), record


def _frame(rows: list[dict]) -> pd.DataFrame:
    return typed(pd.DataFrame(rows).reindex(columns=COLUMNS))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :data:`INTEGER_COLUMNS` as Int64 and :data:`BOOLEAN_COLUMNS` as
    boolean (both nullable), whether they come as numbers, flags or text."""
    frame = frame.copy()
    for col in INTEGER_COLUMNS:
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    truth = {"True": True, "False": False, "1.0": True, "0.0": False, "1": True, "0": False}
    for col in BOOLEAN_COLUMNS:
        frame[col] = (
            frame[col]
            .map(lambda v: pd.NA if pd.isna(v) else truth[str(v)] if str(v) in truth else bool(v))
            .astype("boolean")
        )
    return frame


# ----------------------------------------------------------------------------- files


def read_results(path: str | os.PathLike | io.StringIO) -> pd.DataFrame:
    """corpus.csv as written (floats read back to the last bit: pandas >= 3.1 parses every
    float with its round-trip converter; ``seed`` as Int64)."""
    frame = pd.read_csv(path, dtype={"seed": "Int64"})
    return typed(frame.reindex(columns=COLUMNS))


def as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as it reads back from corpus.csv: the same types as :func:`read_results`."""
    buffer = io.StringIO()
    frame.reindex(columns=COLUMNS).to_csv(buffer, index=False)
    buffer.seek(0)
    return read_results(buffer)


def sort_rows(frame: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Rows in the order of ``order`` (series), then detector order as run, then seed."""
    rank = {name: i for i, name in enumerate(order)}
    out = frame.assign(_series=frame["series"].map(rank), _row=np.arange(len(frame)))
    out = out.sort_values(["_series", "_row"], kind="stable")
    return out.drop(columns=["_series", "_row"]).reset_index(drop=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".csv.part")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)


def write_json(meta: dict, path: Path) -> None:
    tmp = path.with_suffix(".json.part")
    tmp.write_text(json.dumps(meta, indent=1, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)


# ----------------------------------------------------------------------------- environment


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags() -> str:
    """A digest of the CPU's instruction-set flags: XLA compiles for them."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return hashlib.sha256(line.encode()).hexdigest()[:16]
    except OSError:
        pass
    return "unknown"


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def default_backend() -> str:
    """The fastest installed Keras backend for these small LSTMs on a CPU: JAX, if there.

    Measured on the 2-core machine (notes/corpus.md): an epoch of the LSTM autoencoder
    costs about a tenth on JAX of what it costs on TensorFlow; JAX compiles each new model
    shape once, and the run's compilation cache shares that between fits.
    """
    return "jax" if importlib.util.find_spec("jax") is not None else "tensorflow"


def environment(backend: str) -> dict:
    """What the rows depend on besides the code: machine, backend and package versions."""
    versions = {
        dist: _version(dist)
        for dist in (
            "lstm_helpers", "keras", "tensorflow", "tensorflow-cpu", "jax", "jaxlib",
            "numpy", "pandas", "scipy",
        )
    }  # fmt: skip
    return {
        "keras_backend": backend,
        "versions": {k: v for k, v in versions.items() if v is not None},
        "python": platform.python_version(),
        "machine": {
            "cpu": cpu_model(),
            "cpu_flags_sha256": _cpu_flags(),
            "cores": os.cpu_count(),
            "platform": platform.platform(),
        },
    }


def same_environment(meta: dict, current: dict) -> bool:
    """True when rows made under ``meta`` can be reproduced exactly under ``current``."""
    keys = ("keras_backend", "versions", "machine", "python")
    return all(meta.get(k) == current.get(k) for k in keys)


def _worker_environment(backend: str, compile_cache: str | None) -> dict:
    """Environment variables of a worker: one thread, the backend, no model cache."""
    env = {
        "KERAS_BACKEND": backend,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    }
    if backend == "jax" and compile_cache:
        env |= {
            "JAX_COMPILATION_CACHE_DIR": compile_cache,
            "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
            "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
        }
    return env


def prepare_backend(backend: str) -> str:
    """In a worker, before any model: import Keras on ``backend``, one thread, deterministic."""
    import keras

    if keras.backend.backend() != backend:
        raise RuntimeError(
            f"Keras runs on {keras.backend.backend()!r}, not {backend!r}: set KERAS_BACKEND "
            "before Keras is imported"
        )
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.experimental.enable_op_determinism()
    return keras.backend.backend()


# ----------------------------------------------------------------------------- workers

_WORKER: dict = {}


def _init_worker(source: dict, backend: str, data_home: str | None) -> None:
    prepare_backend(backend)
    _WORKER.update(detectors=load_detectors(source), data_home=data_home)


def _work(name: str) -> tuple[str, pd.DataFrame, dict, list[str]]:
    import keras

    lines: list[str] = []
    print(f"  started {name}", flush=True)
    rows, record = run_series(
        name, _WORKER["detectors"], data_home=_WORKER["data_home"], log=lines.append
    )
    keras.backend.clear_session()  # free the models; the next series starts clean
    return name, rows, record, lines


# ----------------------------------------------------------------------------- the run


def _minutes(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def _selected(names: Iterable[str] | None) -> list[str]:
    from lstm_helpers import nab

    if not names:
        return list(nab.SERIES)
    out = []
    for name in names:
        if name not in nab.SERIES:
            close = [s for s in nab.SERIES if name in s]
            if len(close) == 1:
                name = close[0]
            else:
                raise SystemExit(
                    f"--series {name}: not one of nab.SERIES (e.g. realKnownCause/nyc_taxi.csv)"
                    + (f"; it matches {len(close)} series" if close else "")
                )
        out.append(name)
    return list(dict.fromkeys(out))


def run(
    series: Sequence[str] | None = None,
    *,
    out: Path = RESULTS,
    force: bool = False,
    jobs: int = 1,
    detectors: str | None = None,
    backend: str | None = None,
    data_home: str | None = None,
    command: str | None = None,
    print_=print,
) -> int:
    """``make corpus``: run the selected series (default: every series not yet done).

    Returns the exit status: 0, or 1 when a detector raised on some series.
    """
    from lstm_helpers import nab

    began, load_start = time.time(), os.getloadavg()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out / CSV_NAME, out / JSON_NAME
    source = detectors_source(detectors)
    backend = backend or default_backend()
    env = environment(backend)
    names = _selected(series)
    explicit = bool(series)

    old = read_results(csv_path) if csv_path.is_file() else None
    meta = json.loads(json_path.read_text(encoding="utf-8")) if json_path.is_file() else {}
    if old is not None and len(old):
        made_by = (meta.get("detectors", {}).get("sha256"), meta.get("keras_backend"))
        if made_by != (source["sha256"], backend):
            if not (force and not explicit):
                raise SystemExit(
                    f"{_rel(csv_path)} was made by other detectors or on another backend "
                    f"({meta.get('detectors', {}).get('path')}, {meta.get('keras_backend')}); "
                    f"these are {source['path']} on {backend}. Rerun every series with --force "
                    "(no --series), or write elsewhere with --out"
                )
            old, meta = None, {}
    done = set() if old is None else set(old["series"])
    todo = [s for s in names if force or s not in done]
    skipped = [s for s in names if s not in todo]
    kind = "STAND-IN detectors" if _is_standin(source) else "detectors"
    print_(
        f"corpus: {len(todo)} series to run ({len(skipped)} already in {_rel(csv_path)}), "
        f"{kind} from {source['path']}, Keras on {backend}, {jobs} worker(s), "
        f"load average {load_start[0]:.1f}",
        flush=True,
    )
    if not todo:
        print_("corpus: nothing to do (--force reruns the selected series)", flush=True)
        return 0
    meta = meta | env | {"git": git_commit()}
    meta |= {
        "detectors": {k: v for k, v in source.items() if k != "code"}
        | {"standin": _is_standin(source)},
        "series": meta.get("series", {}),
    }
    rows = old if old is not None else _frame([])
    n_errors = n_refused = 0
    compile_cache = tempfile.mkdtemp(prefix="corpus-xla-") if backend == "jax" else None
    saved_env = dict(os.environ)
    os.environ.update(_worker_environment(backend, compile_cache))
    os.environ.pop("LSTM_HELPERS_MODEL_CACHE", None)  # never reuse finished fits
    try:
        context = multiprocessing.get_context("spawn")
        with context.Pool(
            max(1, min(jobs, len(todo) or 1)),
            initializer=_init_worker,
            initargs=(source, backend, data_home),
            maxtasksperchild=None,
        ) as pool:
            for i, (name, new, record, lines) in enumerate(
                pool.imap_unordered(_work, todo), start=1
            ):
                for line in lines:
                    print_(line, flush=True)
                n_errors += int(new["status"].str.startswith("error").sum())
                n_refused += int(new["status"].str.startswith("refused").sum())
                rows = typed(pd.concat([rows[rows["series"] != name], new], ignore_index=True))
                rows = sort_rows(rows, nab.SERIES)
                meta["series"][name] = record
                meta["seeds"] = sorted(int(x) for x in rows["seed"].dropna().unique())
                write_csv(rows, csv_path)
                elapsed = time.time() - began
                left = elapsed / i * (len(todo) - i)
                status = record["status"]
                print_(
                    f"[{i:2d}/{len(todo)}] {name}: {len(new)} rows"
                    f"{'' if status == 'ok' else f' ({status})'} in {_minutes(record['seconds'])}; "
                    f"elapsed {_minutes(elapsed)}, about {_minutes(left)} left "
                    f"(load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
                meta |= _run_record(began, load_start, command, jobs, todo, i)
                write_json(_ordered(meta, nab.SERIES), json_path)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        if compile_cache:
            shutil.rmtree(compile_cache, ignore_errors=True)
    meta |= _run_record(began, load_start, command, jobs, todo, len(todo))
    write_json(_ordered(meta, nab.SERIES), json_path)
    print_(
        f"corpus: {len(todo)} series in {_minutes(time.time() - began)}; "
        f"{rows['series'].nunique()} series, {len(rows)} rows in {_rel(csv_path)}"
        + (f"; {n_refused} detector run(s) refused (status 'refused: ...')" if n_refused else "")
        + (f"; {n_errors} detector run(s) FAILED (status 'error: ...')" if n_errors else ""),
        flush=True,
    )
    return 1 if n_errors else 0


def _is_standin(source: dict) -> bool:
    return source["kind"] != "notebook 3 cells"


def _run_record(began, load_start, command, jobs, todo, n_done) -> dict:
    from lstm_helpers import nab

    return {
        "last_run": {
            "command": command or "python tools/corpus.py",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "wall_seconds": round(time.time() - began, 1),
            "series_run": n_done,
            "series_asked": len(todo),
            # every series of the corpus, run in this one run (not resumed)
            "whole_corpus": n_done == len(todo) and set(todo) == set(nab.SERIES),
            "jobs": jobs,
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
        }
    }


def git_commit() -> dict:
    """The commit the runner and the detectors came from, and whether they differed from it."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    paths = ["tools/corpus.py", "lstm_helpers", _rel(NOTEBOOK_3), "tests/project/corpus_standin.py"]
    return {
        "commit": git("rev-parse", "HEAD") or "unknown",
        "uncommitted_changes": bool(git("status", "--porcelain", "--", *paths)),
    }


def _ordered(meta: dict, order: Sequence[str]) -> dict:
    series = meta.get("series", {})
    meta["series"] = {s: series[s] for s in order if s in series}
    if meta.get("last_run", {}).get("whole_corpus"):
        meta["whole_corpus_run"] = meta["last_run"]
    first = ["detectors", "git", "keras_backend", "seeds", "versions", "python", "machine"]
    return {k: meta[k] for k in first + [k for k in meta if k not in first] if k in meta}


# ----------------------------------------------------------------------------- comparing


def compare(committed: pd.DataFrame, rerun: pd.DataFrame, *, exact: bool) -> list[str]:
    """Differences between committed rows and rerun rows of the same series (empty: none).

    ``exact=True`` (same machine, backend and versions): every column but ``fit_seconds``
    must be equal, to the last bit. ``exact=False``: the deterministic detectors' rows must
    be equal (floats to a relative 1e-9) and the LSTMs' rows are compared by
    :func:`same_story` instead.
    """
    cols = [c for c in COLUMNS if c not in TIMING_COLUMNS]
    committed, rerun = as_written(committed), as_written(rerun)
    a = committed.set_index(KEY).sort_index()
    b = rerun.set_index(KEY).sort_index()
    problems = []
    if not a.index.equals(b.index):
        return [f"different rows: {sorted(set(a.index) ^ set(b.index))}"]
    check = a.index if exact else a.index[a["kind"].eq("simple").to_numpy()]
    for key in check:
        for col in (c for c in cols if c not in KEY):
            x, y = a.at[key, col], b.at[key, col]
            if _same(x, y, exact):
                continue
            problems.append(f"{key}: {col} {x!r} != {y!r}")
    if not exact:
        problems += same_story(committed, rerun)
    return problems


def _same(x, y, exact: bool) -> bool:
    if pd.isna(x) and pd.isna(y):
        return True
    if pd.isna(x) or pd.isna(y):
        return False
    if isinstance(x, float | np.floating) and isinstance(y, float | np.floating) and not exact:
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    return x == y


#: How far the rerun's mean over seeds may lie outside the committed seeds' range when the
#: machine or backend differs (the LSTMs are then new draws: see :func:`same_story`).
STORY_TOLERANCE = 0.15


def same_story(committed: pd.DataFrame, rerun: pd.DataFrame) -> list[str]:
    """The LSTM rows of another machine or backend, against the committed ones.

    On another machine, floating-point rounding differs and training follows another path;
    on another backend, even the initial weights differ. So no row can be expected to
    repeat. What must hold is the story: for each LSTM and each of event F1 and PR-AUC,
    the rerun's mean over its seeds lies within the committed seeds' range, widened by
    :data:`STORY_TOLERANCE` on each side.
    """
    problems = []
    lstm = committed[committed["kind"] == "LSTM"]
    for detector in lstm["detector"].unique():
        for metric in ("event_f1", "pr_auc"):
            old = committed.loc[committed["detector"] == detector, metric].dropna()
            new = rerun.loc[rerun["detector"] == detector, metric].dropna()
            if old.empty and new.empty:
                continue
            if old.empty or new.empty:
                problems.append(f"{detector}: {metric} present in only one of the two")
                continue
            lo, hi = old.min() - STORY_TOLERANCE, old.max() + STORY_TOLERANCE
            if not lo <= new.mean() <= hi:
                problems.append(
                    f"{detector}: mean {metric} {new.mean():.3f} outside the committed seeds' "
                    f"range {old.min():.3f}..{old.max():.3f} +- {STORY_TOLERANCE}"
                )
    return problems


# ----------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run every detector of notebook 3 on NAB's 35 series (make corpus).",
        epilog=__doc__.split("\n\n", 1)[0],
    )
    parser.add_argument(
        "--series",
        action="append",
        metavar="NAME",
        help="a series to run (default: all 35), e.g. realKnownCause/nyc_taxi.csv or "
        "nyc_taxi; repeatable; skipped when already in the CSV unless --force",
    )
    parser.add_argument("--force", action="store_true", help="rerun series already done")
    parser.add_argument(
        "--jobs", type=int, default=2, help="worker processes, one series each (default 2)"
    )
    parser.add_argument(
        "--detectors",
        metavar="PATH",
        help=f"a module implementing the contract instead of notebook 3 (or ${DETECTORS_VARIABLE})",
    )
    parser.add_argument(
        "--backend",
        choices=("jax", "tensorflow"),
        help="Keras backend (default: JAX when installed, else TensorFlow)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder of corpus.csv/json")
    parser.add_argument("--data-home", help="NAB folder (default: LSTM_HELPERS_DATA, the cache)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    command = shlex.join(["python", "tools/corpus.py", *(sys.argv[1:] if argv is None else argv)])
    try:
        return run(
            args.series,
            out=args.out,
            force=args.force,
            jobs=args.jobs,
            detectors=args.detectors,
            backend=args.backend,
            data_home=args.data_home,
            command=command,
        )
    except DetectorsNotFound as err:
        print(f"corpus: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
