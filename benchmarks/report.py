"""How the benchmarks report: PASS/MISS per target, results.md and the scaling plot.

Reads only the results dictionary (what ``benchmarks/results.json`` holds); measures nothing.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import numpy as np

from . import cases
from .cases import SCALING_MEMORY_SLOPE, SCALING_TIME_SLOPE, notebook_limits


def machine() -> str:
    """CPU, cores, OS; Python, numpy, pandas and TensorFlow versions."""
    import importlib.metadata as md

    import pandas as pd

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = (
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )
    for dist in ("tensorflow-cpu", "tensorflow"):
        try:
            versions += f", TensorFlow {md.version(dist)}"
            break
        except md.PackageNotFoundError:
            continue
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}; {versions}"


def targets(results: dict[str, Any]) -> list[tuple[str, bool]]:
    """(text, passed) for every target whose figures are in ``results``."""
    out = []
    helper_rows = results.get("helpers", {}).get("rows", [])
    for case in cases.CASES:
        for target in case.targets:
            row = next(
                (r for r in helper_rows if r["case"] == case.name and r["rows"] == target.rows),
                None,
            )
            if row is not None:
                out.append((target.text, bool(target.passes(row))))
    scaling = results.get("scaling")
    if scaling:
        for what, key, (low, high) in (
            ("time", "slope_time", SCALING_TIME_SLOPE),
            ("memory", "slope_memory", SCALING_MEMORY_SLOPE),
        ):
            slope = scaling[key]
            out.append(
                (
                    f"error_frame {what} grows linearly (log-log slope {slope:.2f} in [{low}, {high}])",
                    low <= slope <= high,
                )
            )
    streaming = results.get("streaming")
    if streaming:
        from .streaming_latency import P99_TARGET_MS, RATIO_TARGET

        for backend, res in _streaming_by_backend(streaming).items():
            out.append(
                (
                    f"streaming p99 per-point latency on {backend} {res['stream_p99']:.2f} ms "
                    f"<= {P99_TARGET_MS:g} ms",
                    res["stream_p99"] <= P99_TARGET_MS,
                )
            )
            if backend != "tensorflow":
                # The ratio target measures TensorFlow's per-call overhead of model.predict
                # (a new graph call each time), which the scorer avoids; another backend's
                # predict has no such overhead, so only its absolute p99 is a target there.
                continue
            out.append(
                (
                    f"streaming on {backend} {res['ratio_p50']:.0f}x faster than model.predict "
                    f"per point at the median (>= {RATIO_TARGET:g}x, same run)",
                    res["ratio_p50"] >= RATIO_TARGET,
                )
            )
    for row in results.get("notebooks", {}).get("rows", []):
        limits = notebook_limits(Path(row["notebook"]))
        if limits is None:  # solutions notebooks, and tutorials without a catalog entry
            continue
        t_max, m_max = limits
        ok = row["seconds"] is not None and row["seconds"] < t_max and row["peak_rss_mb"] < m_max
        out.append((f"{Path(row['notebook']).name} under {t_max} s and {m_max} MB", ok))
    return out


def _streaming_by_backend(streaming: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The streaming figures per backend (results before 0.3 hold TensorFlow's only)."""
    return streaming.get("by_backend") or {"tensorflow": streaming}


def fmt_s(x: float | None) -> str:
    if x is None:
        return "over budget"
    if x < 1e-3:
        return f"{x * 1e6:.1f} µs"
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.2f} s"


def ratio_lines(results: dict[str, Any]) -> list[str]:
    """The ratios printed at the end of a run."""
    lines = []
    for r in results.get("helpers", {}).get("rows", []):
        if r["walkthrough_s"] is None:
            vs = "walkthrough-style over budget or none"
        else:
            vs = f"helper/walkthrough {r['helper_s'] / r['walkthrough_s']:.2g}"
        floor = "–" if r["floor_s"] is None else f"{r['helper_s'] / r['floor_s']:.2g}"
        lines.append(f"  {r['case']:22s} {r['rows']:>9,d}: {vs}, helper/floor {floor}")
    return lines


def _measured(part: dict[str, Any]) -> str:
    note = f" ({part['note']})" if part.get("note") else ""
    load = (
        f" The 1-minute load average was {part['load']:.1f} when the run started."
        if part.get("load") is not None
        else ""
    )
    return f"Measured {part['measured']} on {part['machine']}{note}.{load}"


def markdown(results: dict[str, Any]) -> str:
    """benchmarks/results.md."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` from `benchmarks/results.json`. One run per part on a shared "
        "machine: compare the ratios (measured side by side in that run), not the absolute times.",
        "",
    ]
    helpers = results.get("helpers")
    if helpers:
        lines += [
            "## Helpers against walkthrough-style code and the memory floor",
            "",
            _measured(helpers),
            "",
            "5 features, windows and horizon of 5. Walkthrough-style code "
            f"(`benchmarks/walkthrough_style.py`) gets a {helpers['budget_s']:.0f} s budget. "
            "The floor is the time to allocate, fill and copy an array the size of the helper's result.",
            "",
            "| helper | rows | helper | walkthrough-style | floor | walkthrough ÷ helper | helper ÷ floor |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in helpers["rows"]:
            speedup = (
                "–" if r["walkthrough_s"] is None else f"{r['walkthrough_s'] / r['helper_s']:,.0f}×"
            )
            floor = "–" if r["floor_s"] is None else fmt_s(r["floor_s"])
            over_floor = "–" if r["floor_s"] is None else f"{r['helper_s'] / r['floor_s']:.2g}"
            lines.append(
                f"| `{r['case']}` | {r['rows']:,} | {fmt_s(r['helper_s'])} | "
                f"{fmt_s(r['walkthrough_s'])} | {floor} | {speedup} | {over_floor} |"
            )
        lines.append("")
    scaling = results.get("scaling")
    if scaling:
        lines += [
            "## Scaling of `error_frame`",
            "",
            _measured(scaling),
            "",
            f"Log–log slope of time against rows: **{scaling['slope_time']:.2f}**; of peak traced "
            f"memory: **{scaling['slope_memory']:.2f}** (1 = linear). ![scaling](scaling.png)",
            "",
            "| rows | time | peak memory |",
            "| ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['rows']:,} | {fmt_s(r['seconds'])} | {r['peak_bytes'] / 2**20:,.0f} MiB |"
            for r in scaling["rows"]
        ]
        lines.append("")
    training = results.get("training")
    if training and training.get("rows"):
        versions = "; ".join(
            f"{b}: " + ", ".join(f"{k} {v}" for k, v in vs.items())
            for b, vs in training["versions"].items()
        )
        lines += [
            "## Training speed per Keras backend",
            "",
            _measured(training),
            "",
            "Seconds per epoch of the notebooks' kinds of model (`benchmarks/training.py`), each "
            "backend in its own process, seeded as the notebooks seed (op determinism on "
            "TensorFlow), batches of 32. *First epoch* includes building or compiling the "
            "model; *per epoch* is the steady rate after it. The ratio is the time per epoch "
            "relative to TensorFlow with Keras's defaults in the same run (= 1; lower is "
            f"faster). Versions: {versions}.",
            "",
            "| model | backend | setting | first epoch | per epoch | time ÷ TF defaults |",
            "| --- | --- | --- | ---: | ---: | ---: |",
        ]
        for r in training["rows"]:
            ratio = "–" if r["time_ratio"] is None else f"{r['time_ratio']:.2f}"
            lines.append(
                f"| {r['model']} ({r['windows']:,} windows) | {r['backend']} | {r['setting']} | "
                f"{r['first_epoch_s']:.2f} s | {r['epoch_s']:.3f} s | {ratio} |"
            )
        for backend, error in training.get("failed", {}).items():
            lines.append(f"\n{backend} failed: `{error.strip().splitlines()[-1]}`")
        lines.append("")
    streaming = results.get("streaming")
    if streaming:
        lines += [
            "## Streaming latency",
            "",
            _measured(streaming),
            "",
            f"Per point, {streaming['n_stream']} points through `streaming.StreamingScorer.update` and "
            f"{streaming['n_naive']} calls of `model.predict` on one window, in the same run, "
            "on each installed Keras backend (each in its own process).",
            "",
            "| backend | loop | median | p99 |",
            "| --- | --- | ---: | ---: |",
        ]
        for backend, res in _streaming_by_backend(streaming).items():
            lines += [
                f"| {backend} | `streaming.StreamingScorer.update` | {res['stream_p50']:.2f} ms | "
                f"{res['stream_p99']:.2f} ms |",
                f"| {backend} | `model.predict` per point | {res['naive_p50']:.1f} ms | "
                f"{res['naive_p99']:.1f} ms |",
            ]
        lines.append("")
    notebooks = results.get("notebooks")
    if notebooks:
        floor = notebooks["floor"]
        lines += [
            "## Notebooks",
            "",
            _measured(notebooks),
            "",
            "Each executed headless from a fresh kernel in a child process, on the "
            f"{notebooks.get('backend', 'tensorflow')} backend; peak memory is the "
            "kernel's peak resident set.",
            "",
            "| notebook | wall time | peak memory |",
            "| --- | ---: | ---: |",
            f"| (floor: `import tensorflow, keras`) | {floor['seconds']:.1f} s | "
            f"{floor['peak_rss_mb']:.0f} MB |",
        ]
        for r in notebooks["rows"]:
            name = r["notebook"].removeprefix("notebooks/")
            if r["seconds"] is None:
                lines.append(f"| {name} | failed | – |")
            else:
                lines.append(f"| {name} | {r['seconds']:.0f} s | {r['peak_rss_mb']:.0f} MB |")
        lines.append("")
    lines += ["## Targets", ""]
    lines += [f"- {'PASS' if ok else 'MISS'}: {text}" for text, ok in targets(results)]
    return "\n".join(lines) + "\n"


def plot_scaling(scaling: dict[str, Any], path: Path) -> None:
    """Time and peak memory of ``error_frame`` against rows, log-log, to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lstm_helpers.plotting import COLORS

    rows = scaling["rows"]
    n = np.array([r["rows"] for r in rows], dtype=float)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=80)
    ax.loglog(
        n,
        [r["seconds"] for r in rows],
        "o-",
        color=COLORS["blue"],
        label=f"time (slope {scaling['slope_time']:.2f})",
    )
    ax2 = ax.twinx()
    ax2.loglog(
        n,
        [r["peak_bytes"] / 2**20 for r in rows],
        "s--",
        color=COLORS["orange"],
        label=f"peak memory (slope {scaling['slope_memory']:.2f})",
    )
    ax.set(
        title="error_frame scaling (5 features, 5 steps, horizon 5)",
        xlabel="rows",
        ylabel="seconds",
    )
    ax2.set_ylabel("peak traced memory (MiB)")
    handles, labels = ax.get_legend_handles_labels()
    handles2, labels2 = ax2.get_legend_handles_labels()
    ax.legend(handles + handles2, labels + labels2, loc="upper left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
