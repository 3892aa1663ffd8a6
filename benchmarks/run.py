"""Benchmark harness: helpers vs walkthrough-style code vs a memory floor; scaling; notebooks.

Every figure is measured in the same run, on the same machine, and reported as ratios,
because the machines this runs on are shared and noisy. Nothing here asserts a time:
targets are printed as PASS or MISS and written to results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

import lstm_helpers as lh

from . import walkthrough_style as wt

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
N_FEATURES, N_TIMESTEPS, N_HORIZON = 5, 5, 5


# --------------------------------------------------------------------------- timing


def best_time(fn, repeats: int = 5, min_total: float = 0.2) -> float:
    """Best wall time of ``fn()`` over a few calls (more calls for very fast functions)."""
    times = []
    start = time.perf_counter()
    while len(times) < repeats or (time.perf_counter() - start < min_total and len(times) < 1000):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _child(queue, name, n_rows):
    data, yhat = make_inputs(n_rows)
    fn = baseline_callable(name, data, yhat)
    t0 = time.perf_counter()
    fn()
    queue.put(time.perf_counter() - t0)


def time_with_budget(name: str, n_rows: int, budget: float) -> float | None:
    """Time a walkthrough-style function once in a child process; None if over budget."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, name, n_rows))
    proc.start()
    proc.join(budget)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return queue.get() if proc.exitcode == 0 and not queue.empty() else None


def floor_time(n_values: int) -> float:
    """Allocate, fill and copy an array of ``n_values`` float64: the cost of any result that size."""

    def work():
        a = np.empty(n_values)
        a.fill(1.0)
        return a.copy()

    return best_time(work, repeats=3)


# --------------------------------------------------------------------------- cases


def make_inputs(n_rows: int):
    rng = np.random.default_rng(0)
    data = rng.random((n_rows, N_FEATURES))
    yhat = rng.random((n_rows - N_TIMESTEPS + 1, N_HORIZON, N_FEATURES))
    return data, yhat


def helper_callable(name, data, yhat):
    return {
        "make_windows": lambda: lh.make_windows(data, N_TIMESTEPS),
        "make_forecast_windows": lambda: lh.make_forecast_windows(data, N_TIMESTEPS, N_HORIZON),
        "to_long+to_wide": lambda: lh.to_wide(lh.to_long(yhat)),
        "error_frame": lambda: lh.error_frame(data, yhat, N_TIMESTEPS),
    }[name]


def baseline_callable(name, data, yhat):
    return {
        "make_windows": lambda: wt.concat_windows(data, N_TIMESTEPS),
        "make_forecast_windows": lambda: wt.concat_forecast_windows(data, N_TIMESTEPS, N_HORIZON),
        "to_long+to_wide": lambda: wt.pivot_wide(wt.loop_long(yhat)),
        "error_frame": lambda: wt.loop_error_frame(data, yhat, N_TIMESTEPS),
    }[name]


def result_size(name: str, n_rows: int) -> int:
    """Number of float64 values in the helper's result (what the floor allocates)."""
    n_w = n_rows - N_TIMESTEPS + 1
    return {
        "make_windows": n_w * N_TIMESTEPS * N_FEATURES,
        "make_forecast_windows": 2
        * (n_rows - N_TIMESTEPS - N_HORIZON + 1)
        * N_TIMESTEPS
        * N_FEATURES,
        "to_long+to_wide": n_w * N_HORIZON * N_FEATURES,
        "error_frame": n_w * (N_FEATURES + 2 * N_FEATURES * N_HORIZON + 5 * N_HORIZON),
    }[name]


CASES = ["make_windows", "make_forecast_windows", "to_long+to_wide", "error_frame"]


def bench_helpers(sizes, budget):
    rows = []
    for n_rows in sizes:
        data, yhat = make_inputs(n_rows)
        for name in CASES:
            helper = best_time(helper_callable(name, data, yhat))
            base = time_with_budget(name, n_rows, budget)
            floor = floor_time(result_size(name, n_rows))
            rows.append(
                {
                    "case": name,
                    "rows": n_rows,
                    "helper_s": helper,
                    "walkthrough_s": base,
                    "floor_s": floor,
                }
            )
            shown = "over budget" if base is None else f"{base:.4g} s"
            print(
                f"  {name:22s} {n_rows:>9,d} rows: helper {helper:.3g} s, walkthrough-style {shown}, floor {floor:.3g} s",
                flush=True,
            )
    return rows


def bench_scaling(sizes):
    rows = []
    for n_rows in sizes:
        data, yhat = make_inputs(n_rows)
        seconds = best_time(lambda d=data, y=yhat: lh.error_frame(d, y, N_TIMESTEPS), repeats=2)
        tracemalloc.start()
        lh.error_frame(data, yhat, N_TIMESTEPS)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append({"rows": n_rows, "seconds": seconds, "peak_bytes": peak})
        print(
            f"  error_frame {n_rows:>10,d} rows: {seconds:.3g} s, peak {peak / 2**20:.0f} MiB",
            flush=True,
        )
        del data, yhat
    x = np.log10([r["rows"] for r in rows])
    slope_t = float(np.polyfit(x, np.log10([r["seconds"] for r in rows]), 1)[0])
    slope_m = float(np.polyfit(x, np.log10([r["peak_bytes"] for r in rows]), 1)[0])
    return rows, slope_t, slope_m


def plot_scaling(rows, slope_t, slope_m, path: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lstm_helpers.plotting import COLORS

    n = np.array([r["rows"] for r in rows], dtype=float)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=80)
    ax.loglog(
        n,
        [r["seconds"] for r in rows],
        "o-",
        color=COLORS["blue"],
        label=f"time (slope {slope_t:.2f})",
    )
    ax2 = ax.twinx()
    ax2.loglog(
        n,
        [r["peak_bytes"] / 2**20 for r in rows],
        "s--",
        color=COLORS["orange"],
        label=f"peak memory (slope {slope_m:.2f})",
    )
    ax.set(
        title="error_frame scaling (5 features, 5 steps, horizon 5)",
        xlabel="rows",
        ylabel="seconds",
    )
    ax2.set_ylabel("peak traced memory (MiB)")
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(lines, labels, loc="upper left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# --------------------------------------------------------------------------- notebooks


def bench_notebooks(paths):
    """Wall time and the kernel's peak RSS of each notebook, each run in a child process."""
    rows = []
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    floor = subprocess.run(
        [sys.executable, "-m", "benchmarks.nbrun", "--import-tensorflow"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    tf_floor = json.loads(floor.stdout.strip().splitlines()[-1])
    print(
        f"  import tensorflow + keras: {tf_floor['seconds']:.1f} s, {tf_floor['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    for path in paths:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.nbrun", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        if out.returncode != 0:
            print(f"  {path.name}: FAILED\n{out.stderr[-2000:]}", flush=True)
            rows.append({"notebook": path.name, "seconds": None, "peak_rss_mb": None})
            continue
        res = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append({"notebook": path.name, **res})
        print(
            f"  {path.name}: {res['seconds']:.1f} s, peak {res['peak_rss_mb']:.0f} MB", flush=True
        )
    return tf_floor, rows


# --------------------------------------------------------------------------- report

NOTEBOOK_LIMITS = {"00": (60, 1200), "01": (60, 1200), "02": (90, 1200), "03": (180, 1500)}


def targets(helper_rows, scaling, nb_rows):
    def find(case, n):
        return next((r for r in helper_rows if r["case"] == case and r["rows"] == n), None)

    out = []
    mw = find("make_windows", 20_000)
    if mw:
        ok = mw["walkthrough_s"] is None or mw["walkthrough_s"] / mw["helper_s"] >= 10_000
        out.append(
            ("make_windows >= 10,000x faster than the concatenation reshape at 20,000 rows", ok)
        )
    ef = find("error_frame", 20_000)
    if ef:
        ok = ef["walkthrough_s"] is None or ef["walkthrough_s"] / ef["helper_s"] >= 50
        out.append(
            ("error_frame >= 50x faster than the walkthrough-style pipeline at 20,000 rows", ok)
        )
    ef = find("error_frame", 200_000)
    if ef:
        out.append(
            (
                "error_frame within 5x of the allocate-fill-copy floor at 200,000 rows",
                ef["helper_s"] / ef["floor_s"] <= 5,
            )
        )
        out.append(("error_frame on 200,000 x 5 x 5 under 1 s", ef["helper_s"] < 1))
    if scaling:
        _, slope_t, slope_m = scaling
        out.append(
            (
                f"error_frame time grows linearly (log-log slope {slope_t:.2f} in [0.8, 1.2])",
                0.8 <= slope_t <= 1.2,
            )
        )
        out.append(
            (
                f"error_frame memory grows linearly (log-log slope {slope_m:.2f} in [0.9, 1.1])",
                0.9 <= slope_m <= 1.1,
            )
        )
    for r in nb_rows:
        t_max, m_max = NOTEBOOK_LIMITS.get(r["notebook"][:2], (60, 1200))
        ok = r["seconds"] is not None and r["seconds"] < t_max and r["peak_rss_mb"] < m_max
        out.append((f"{r['notebook']} under {t_max} s and {m_max} MB", ok))
    return out


def fmt_s(x):
    return (
        "over budget"
        if x is None
        else (f"{x * 1e6:.1f} µs" if x < 1e-3 else f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.2f} s")
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import pandas as pd

    versions = (
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )
    try:
        import importlib.metadata as md

        versions += f", TensorFlow {md.version('tensorflow-cpu') if _has('tensorflow-cpu') else md.version('tensorflow')}"
    except Exception:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}; {versions}"


def _has(dist):
    import importlib.metadata as md

    try:
        md.version(dist)
        return True
    except md.PackageNotFoundError:
        return False


def report(helper_rows, scaling, tf_floor, nb_rows, budget) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Last run: {dt.date.today().isoformat()}, by `make bench`, on {machine()}.",
        "One run on a shared machine: compare the ratios (measured side by side in that run), not the absolute times.",
        "",
    ]
    if helper_rows:
        lines += [
            "## Helpers against walkthrough-style code and the memory floor",
            "",
            f"5 features, windows and horizon of 5. Walkthrough-style code (`benchmarks/walkthrough_style.py`) gets a {budget:.0f} s budget. "
            "The floor is the time to allocate, fill and copy an array the size of the helper's result.",
            "",
            "| helper | rows | helper | walkthrough-style | floor | walkthrough ÷ helper | helper ÷ floor |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in helper_rows:
            speedup = (
                "–" if r["walkthrough_s"] is None else f"{r['walkthrough_s'] / r['helper_s']:,.0f}×"
            )
            lines.append(
                f"| `{r['case']}` | {r['rows']:,} | {fmt_s(r['helper_s'])} | {fmt_s(r['walkthrough_s'])} | "
                f"{fmt_s(r['floor_s'])} | {speedup} | {r['helper_s'] / r['floor_s']:.2g} |"
            )
        lines.append("")
    if scaling:
        rows, slope_t, slope_m = scaling
        lines += [
            "## Scaling of `error_frame`",
            "",
            f"Log–log slope of time against rows: **{slope_t:.2f}**; of peak traced memory: **{slope_m:.2f}** (1 = linear). ![scaling](scaling.png)",
            "",
            "| rows | time | peak memory |",
            "| ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['rows']:,} | {fmt_s(r['seconds'])} | {r['peak_bytes'] / 2**20:,.0f} MiB |"
            for r in rows
        ]
        lines.append("")
    if nb_rows:
        lines += [
            "## Notebooks",
            "",
            "Each executed headless from a fresh kernel in a child process; peak memory is the kernel's peak resident set.",
            "",
            "| notebook | wall time | peak memory |",
            "| --- | ---: | ---: |",
            f"| (floor: `import tensorflow, keras`) | {tf_floor['seconds']:.1f} s | {tf_floor['peak_rss_mb']:.0f} MB |",
        ]
        for r in nb_rows:
            if r["seconds"] is None:
                lines.append(f"| {r['notebook']} | failed | – |")
            else:
                lines.append(
                    f"| {r['notebook']} | {r['seconds']:.0f} s | {r['peak_rss_mb']:.0f} MB |"
                )
        lines.append("")
    return "\n".join(lines)


#: Files whose notebook tables ``make bench`` rewrites, between the bench markers.
TABLE_FILES = ("README.md", "docs/instructor-guide.md")


def update_tables(nb_rows) -> None:
    """Rewrite the run-time and memory cells of the notebook tables in TABLE_FILES."""
    for name in TABLE_FILES:
        path = ROOT / name
        text = path.read_text()
        block = re.search(
            r"<!-- bench:notebooks:start -->\n(.*?)<!-- bench:notebooks:end -->", text, re.S
        )
        if block is None:
            print(f"{name} has no bench:notebooks markers; not updated")
            continue
        new_lines = []
        for line in block.group(1).splitlines():
            if line.startswith("Measured by `make bench`") or not line.strip():
                continue
            match = re.search(r"notebooks/([^)]+\.ipynb)", line)
            row = next(
                (r for r in nb_rows if match and r["notebook"] == Path(match.group(1)).name),
                None,
            )
            if row and row["seconds"] is not None:
                cells = line.split("|")
                cells[-3] = f" {row['seconds']:.0f} s "
                cells[-2] = (
                    f" {row['peak_rss_mb'] / 1024:.2f} GB "
                    if row["peak_rss_mb"] >= 1024
                    else f" {row['peak_rss_mb']:.0f} MB "
                )
                line = "|".join(cells)
            new_lines.append(line)
        new_lines += [
            "",
            f"Measured by `make bench` on {dt.date.today().isoformat()}, on "
            f"{machine().split(';')[0]}: each notebook run headless from a fresh kernel, "
            "TensorFlow import included; memory is the kernel's peak resident set.",
        ]
        text = text[: block.start(1)] + "\n".join(new_lines) + "\n" + text[block.end(1) :]
        path.write_text(text)
        print(f"{name}: notebook table updated")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Benchmarks for the lstm_helpers tutorial.")
    p.add_argument(
        "--quick", action="store_true", help="tiny sizes, no files written (used by the tests)"
    )
    p.add_argument("--only", choices=["helpers", "scaling", "notebooks"], action="append")
    p.add_argument("--skip-notebooks", action="store_true")
    p.add_argument(
        "--budget", type=float, default=60.0, help="seconds for each walkthrough-style run"
    )
    args = p.parse_args(argv)
    parts = set(args.only or ["helpers", "scaling", "notebooks"])
    if args.skip_notebooks:
        parts.discard("notebooks")
    sizes = [200, 2_000] if args.quick else [2_000, 20_000, 200_000]
    scale = (
        [1_000, 3_000, 10_000]
        if args.quick
        else [10_000, 30_000, 100_000, 300_000, 1_000_000, 2_000_000]
    )

    # Each part's figures are kept in benchmarks/out/parts.json, so that one part can be
    # re-measured alone (`--only notebooks`) and the report still shows the others'
    # last figures. Ratios always compare figures measured together, in one part's run.
    store = HERE / "out" / "parts.json"
    saved = {} if args.quick or not store.exists() else json.loads(store.read_text())
    if "helpers" in parts:
        print("helpers against walkthrough-style code:", flush=True)
        saved["helpers"] = bench_helpers(sizes, 5.0 if args.quick else args.budget)
    if "scaling" in parts:
        print("scaling:", flush=True)
        saved["scaling"] = list(bench_scaling(scale))
    if "notebooks" in parts and not args.quick:
        print("notebooks:", flush=True)
        paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        saved["notebooks"] = list(bench_notebooks(paths))
    if not args.quick:
        store.parent.mkdir(exist_ok=True)
        store.write_text(json.dumps(saved, indent=1))
    helper_rows = saved.get("helpers", [])
    scaling = tuple(saved["scaling"]) if "scaling" in saved else None
    tf_floor, nb_rows = saved.get("notebooks", (None, []))

    print("\nratios:")
    for r in helper_rows:
        ratio = r["helper_s"] / r["floor_s"]
        if r["walkthrough_s"] is None:
            vs = "walkthrough-style over budget"
        else:
            vs = f"helper/walkthrough {r['helper_s'] / r['walkthrough_s']:.2g}"
        print(f"  {r['case']:22s} {r['rows']:>9,d}: {vs}, helper/floor {ratio:.2g}")
    checks = targets(helper_rows, scaling, nb_rows)
    print("\ntargets:")
    for text, ok in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {text}")

    if not args.quick:
        md = report(helper_rows, scaling, tf_floor, nb_rows, args.budget)
        md += (
            "\n## Targets\n\n"
            + "\n".join(f"- {'PASS' if ok else 'MISS'}: {t}" for t, ok in checks)
            + "\n"
        )
        (HERE / "results.md").write_text(md)
        print("wrote benchmarks/results.md")
        if "scaling" in parts:
            plot_scaling(*scaling, HERE / "scaling.png")
            print("wrote benchmarks/scaling.png")
        if "notebooks" in parts:
            update_tables(nb_rows)
    return 0
