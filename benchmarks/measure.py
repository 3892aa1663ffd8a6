"""How the benchmarks measure: best-of timings, a budgeted child process, the floor, traced
memory, notebooks run in a child process, and the Keras parts (training, streaming) run once
per installed backend, each in its own process. Nothing here formats or writes a report."""

from __future__ import annotations

import importlib.util
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .cases import CASES, ROOT, Case

# --------------------------------------------------------------------------- timing


def best_time(fn: Callable[[], object], repeats: int = 5, min_total: float = 0.2) -> float:
    """Best wall time of ``fn()`` over a few calls (more calls for very fast functions)."""
    times = []
    start = time.perf_counter()
    while len(times) < repeats or (time.perf_counter() - start < min_total and len(times) < 1000):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _child(queue, case: Case, n_rows: int) -> None:
    inputs = case.inputs(n_rows)
    t0 = time.perf_counter()
    case.walkthrough(inputs)
    queue.put(time.perf_counter() - t0)


def time_with_budget(case: Case, n_rows: int, budget: float) -> float | None:
    """Time ``case.walkthrough`` once in a child process; None if over budget (or none)."""
    if case.walkthrough is None:
        return None
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, case, n_rows))
    proc.start()
    proc.join(budget)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return queue.get() if proc.exitcode == 0 and not queue.empty() else None


def floor_time(n_values: int) -> float:
    """Allocate, fill and copy ``n_values`` float64: the cost of any result that size."""

    def work():
        a = np.empty(n_values)
        a.fill(1.0)
        return a.copy()

    return best_time(work, repeats=3)


# --------------------------------------------------------------------------- parts


def bench_cases(sizes, budget: float, cases=CASES) -> list[dict[str, Any]]:
    """One row per case and size: helper, walkthrough-style (None: over budget) and floor."""
    rows = []
    for case in cases:
        for n_rows in case.sizes or sizes:
            inputs = case.inputs(n_rows)
            helper = best_time(lambda c=case, i=inputs: c.helper(i))
            base = time_with_budget(case, n_rows, budget)
            floor = None if case.result_values is None else floor_time(case.result_values(n_rows))
            del inputs
            rows.append(
                {
                    "case": case.name,
                    "rows": n_rows,
                    "helper_s": helper,
                    "walkthrough_s": base,
                    "floor_s": floor,
                }
            )
            shown = "over budget" if base is None else f"{base:.4g} s"
            floor_shown = "–" if floor is None else f"{floor:.3g} s"
            print(
                f"  {case.name:22s} {n_rows:>9,d} rows: helper {helper:.3g} s, "
                f"walkthrough-style {shown}, floor {floor_shown}",
                flush=True,
            )
    return rows


def bench_scaling(sizes, run: Callable[[Any], object], make: Callable[[int], Any]):
    """Time and peak traced memory of ``run(make(n))`` per size, and their log-log slopes."""
    rows = []
    for n_rows in sizes:
        inputs = make(n_rows)
        seconds = best_time(lambda i=inputs: run(i), repeats=2)
        tracemalloc.start()
        run(inputs)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append({"rows": n_rows, "seconds": seconds, "peak_bytes": peak})
        print(f"  {n_rows:>10,d} rows: {seconds:.3g} s, peak {peak / 2**20:.0f} MiB", flush=True)
        del inputs
    x = np.log10([r["rows"] for r in rows])
    slope_t = float(np.polyfit(x, np.log10([r["seconds"] for r in rows]), 1)[0])
    slope_m = float(np.polyfit(x, np.log10([r["peak_bytes"] for r in rows]), 1)[0])
    return {"rows": rows, "slope_time": slope_t, "slope_memory": slope_m}


# --------------------------------------------------------------------------- backends

#: Keras backends in the order they are measured; TensorFlow, the default, comes first.
BACKENDS = ("tensorflow", "jax", "torch")


def installed_backends() -> list[str]:
    """The Keras backends whose framework is installed here (TensorFlow always is)."""
    return [b for b in BACKENDS if b == "tensorflow" or importlib.util.find_spec(b) is not None]


def run_on_backend(module: str, backend: str, args: list[str]) -> dict[str, Any]:
    """``python -m <module> <args>`` with ``KERAS_BACKEND=<backend>`` in a child process (a
    process can load only one backend); the JSON of its last line, or ``{"error": ...}``."""
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return {"error": (out.stderr or out.stdout)[-2000:]}
    return json.loads(lines[-1])


def bench_training(quick: bool = False) -> dict[str, Any]:
    """Seconds per epoch of the notebooks' models on each installed backend, and each
    setting's time relative to TensorFlow's defaults in the same run (``time_ratio``)."""
    rows, versions, failed = [], {}, {}
    for backend in installed_backends():
        res = run_on_backend("benchmarks.training", backend, ["--quick"] if quick else [])
        if "error" in res:
            failed[backend] = res["error"]
            print(f"  {backend}: FAILED\n{res['error']}", flush=True)
            continue
        versions[backend] = res["versions"]
        rows += res["rows"]
    base = {
        r["model"]: r["epoch_s"]
        for r in rows
        if r["backend"] == "tensorflow" and r["setting"] == "defaults"
    }
    for r in rows:
        r["time_ratio"] = r["epoch_s"] / base[r["model"]] if r["model"] in base else None
        ratio = "" if r["time_ratio"] is None else f", {r['time_ratio']:.2f} x TF defaults"
        print(
            f"  {r['backend']:10s} {r['model']:11s} {r['setting']:16s} first epoch "
            f"{r['first_epoch_s']:.2f} s, then {r['epoch_s']:.3f} s/epoch{ratio}",
            flush=True,
        )
    return {"rows": rows, "versions": versions, "failed": failed}


def bench_streaming(quick: bool = False) -> dict[str, Any]:
    """Streaming latency (benchmarks/streaming_latency.py) on each installed backend."""
    by_backend, failed = {}, {}
    for backend in installed_backends():
        res = run_on_backend(
            "benchmarks.streaming_latency", backend, ["--json", *(["--quick"] if quick else [])]
        )
        if "error" in res:
            failed[backend] = res["error"]
            print(f"  {backend}: FAILED\n{res['error']}", flush=True)
            continue
        by_backend[backend] = res
        print(
            f"  {backend:10s} stream p50 {res['stream_p50']:.3f} ms, p99 {res['stream_p99']:.3f} "
            f"ms; model.predict per point p50 {res['naive_p50']:.2f} ms "
            f"({res['ratio_p50']:.0f}x)",
            flush=True,
        )
    return {"by_backend": by_backend, "failed": failed}


# --------------------------------------------------------------------------- notebooks


def _nbrun(arg: str) -> subprocess.CompletedProcess:
    # The saved outputs and the README's run times are TensorFlow's, the default backend.
    # Cold: every run gets an empty cache of finished fits (lh.fit_restarts trains them all).
    with tempfile.TemporaryDirectory(prefix="bench-models-") as cache:
        env = dict(
            os.environ,
            TF_CPP_MIN_LOG_LEVEL="3",
            KERAS_BACKEND="tensorflow",
            LSTM_HELPERS_MODEL_CACHE=cache,
        )
        return subprocess.run(
            [sys.executable, "-m", "benchmarks.nbrun", arg],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )


def bench_notebooks(paths: list[Path]) -> dict[str, Any]:
    """Wall time and the kernel's peak RSS of each notebook, each run in a child process,
    beside the floor of importing TensorFlow and Keras."""
    floor = _nbrun("--import-tensorflow")
    floor.check_returncode()
    tf_floor = json.loads(floor.stdout.strip().splitlines()[-1])
    print(
        f"  import tensorflow + keras: {tf_floor['seconds']:.1f} s, "
        f"{tf_floor['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    rows = []
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        out = _nbrun(str(path))
        if out.returncode != 0:
            print(f"  {rel}: FAILED\n{out.stderr[-2000:]}", flush=True)
            rows.append({"notebook": rel, "seconds": None, "peak_rss_mb": None})
            continue
        res = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append({"notebook": rel, **res})
        print(f"  {rel}: {res['seconds']:.1f} s, peak {res['peak_rss_mb']:.0f} MB", flush=True)
    return {"floor": tf_floor, "rows": rows, "backend": "tensorflow"}
