"""Benchmark harness: helpers vs walkthrough-style code vs a memory floor; scaling; training
speed and streaming latency on each installed Keras backend; notebooks.

Every figure is measured in the same run, on the same machine, and reported as ratios,
because the machines this runs on are shared and noisy. Nothing here asserts a time:
targets are printed as PASS or MISS. The cases are in ``cases.py``, the measuring in
``measure.py``, the report in ``report.py``. This writes ``results.json`` (every figure),
``results.md`` and ``scaling.png``, and nothing else: ``tools/sync_docs_tables.py`` copies
the notebook figures into README.md and docs/instructor-guide.md (``make bench`` runs both).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path

from . import cases, measure, report

HERE = Path(__file__).resolve().parent
PARTS = ("helpers", "scaling", "training", "streaming", "notebooks")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmarks for the lstm_helpers tutorial.")
    p.add_argument(
        "--quick", action="store_true", help="tiny sizes, no files written (used by the tests)"
    )
    p.add_argument("--only", choices=PARTS, action="append", help="re-measure only this part")
    p.add_argument(
        "--case",
        choices=list(cases.CASES_BY_NAME),
        action="append",
        help="with --only helpers: measure only this case (its rows replace the stored ones)",
    )
    p.add_argument("--skip-notebooks", action="store_true")
    p.add_argument(
        "--budget", type=float, default=60.0, help="seconds for each walkthrough-style run"
    )
    p.add_argument(
        "--out", type=Path, default=HERE, help="folder for results.json, results.md, scaling.png"
    )
    args = p.parse_args(argv)
    parts = set(args.only or PARTS)
    if args.skip_notebooks or args.quick:
        parts.discard("notebooks")
    if args.quick and not args.only:  # one child process per backend each: ask with --only
        parts -= {"training", "streaming"}

    # results.json keeps every part's last figures, so that one part can be re-measured
    # alone (`--only notebooks`) and the report still shows the others. Ratios always
    # compare figures measured together, in one part's run.
    store = args.out / "results.json"
    results = {} if args.quick or not store.exists() else json.loads(store.read_text())
    today = dt.date.today().isoformat()
    # The load average at the start says how busy the (shared) machine was: compare ratios.
    stamp = {"measured": today, "machine": report.machine(), "load": os.getloadavg()[0]}
    if "helpers" in parts:
        print("helpers against walkthrough-style code:", flush=True)
        sizes = cases.QUICK_SIZES if args.quick else cases.SIZES
        budget = 5.0 if args.quick else args.budget
        chosen = [c for c in cases.CASES if not args.case or c.name in args.case]
        rows = measure.bench_cases(sizes, budget, chosen)
        old = results.get("helpers", {})
        kept = [r for r in old.get("rows", []) if args.case and r["case"] not in args.case]
        if kept:  # the other cases' rows, from their own run: say when that was
            stamp = {**stamp, "measured": f"{old['measured']}; {', '.join(args.case)} {today}"}
        results["helpers"] = {**stamp, "budget_s": budget, "rows": kept + rows}
        stamp = {"measured": today, "machine": stamp["machine"], "load": stamp["load"]}
    if "scaling" in parts:
        print("scaling of error_frame:", flush=True)
        sizes = cases.QUICK_SCALING_SIZES if args.quick else cases.SCALING_SIZES
        results["scaling"] = {
            **stamp,
            **measure.bench_scaling(sizes, cases.scaling_run, cases.make_inputs),
        }
    if "training" in parts:
        backends = ", ".join(measure.installed_backends())
        print(f"training seconds per epoch, one process per backend ({backends}):", flush=True)
        results["training"] = {**stamp, **measure.bench_training(quick=args.quick)}
    if "streaming" in parts:
        print(
            "streaming latency (streaming.StreamingScorer against model.predict per point), "
            "one process per backend:",
            flush=True,
        )
        by_backend = measure.bench_streaming(quick=args.quick)
        # The top-level figures are TensorFlow's, the default backend's (as before 0.3).
        results["streaming"] = {
            **stamp,
            **by_backend["by_backend"].get("tensorflow", {}),
            **by_backend,
        }
    if "notebooks" in parts:
        print("notebooks:", flush=True)
        paths = cases.tutorial_notebooks() + cases.solution_notebooks()
        results["notebooks"] = {**stamp, **measure.bench_notebooks(paths)}

    print("\nratios:")
    print("\n".join(report.ratio_lines(results)))
    print("\ntargets:")
    for text, ok in report.targets(results):
        print(f"  {'PASS' if ok else 'MISS'}  {text}")

    if not args.quick:
        args.out.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        (args.out / "results.md").write_text(report.markdown(results))
        print(f"wrote {store} and results.md")
        if "scaling" in parts:
            report.plot_scaling(results["scaling"], args.out / "scaling.png")
            print("wrote scaling.png")
    return 0
