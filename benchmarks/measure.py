"""How the benchmarks measure: best-of timings, a budgeted child process, the floor, traced
memory, and notebooks run in a child process. Nothing here formats or writes a report."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
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


def _nbrun(arg: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
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
    return {"floor": tf_floor, "rows": rows}
