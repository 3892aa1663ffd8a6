"""What the benchmarks measure: one table of cases, each with its targets.

A case times ``helper(inputs)`` against ``walkthrough(inputs)`` (our re-implementation of
the walkthrough's approach, in ``walkthrough_style.py``) and against the floor: allocating,
filling and copying ``result_values(n_rows)`` float64 values. Adding a case is adding one
``Case(...)`` to ``CASES`` (see benchmarks/README.md); nothing else needs to change.
"""

from __future__ import annotations

import tomllib
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import lstm_helpers as lh

from . import walkthrough_style as wt

ROOT = Path(__file__).resolve().parents[1]
N_FEATURES, N_TIMESTEPS, N_HORIZON = 5, 5, 5

#: Rows of each case's input: the full run, and ``--quick`` (tiny, for the tests).
SIZES = (2_000, 20_000, 200_000)
QUICK_SIZES = (200, 2_000)


def make_inputs(n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """A series ``(n_rows, N_FEATURES)`` and forecasts ``(n_windows, N_HORIZON, N_FEATURES)``."""
    rng = np.random.default_rng(0)
    data = rng.random((n_rows, N_FEATURES))
    yhat = rng.random((n_rows - N_TIMESTEPS + 1, N_HORIZON, N_FEATURES))
    return data, yhat


@dataclass(frozen=True)
class Target:
    """A PASS/MISS line: ``passes(row)`` on the case's result row at ``rows`` rows.

    A row has ``helper_s``, ``walkthrough_s`` (None when over budget) and ``floor_s``.
    """

    text: str
    rows: int
    passes: Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Case:
    """One benchmark case. ``helper`` and ``walkthrough`` take what ``inputs(n_rows)`` returns."""

    name: str
    helper: Callable[[Any], object]
    walkthrough: Callable[[Any], object] | None = None
    result_values: Callable[[int], int] | None = None
    targets: tuple[Target, ...] = ()
    inputs: Callable[[int], Any] = make_inputs
    sizes: tuple[int, ...] | None = None  # None: SIZES (QUICK_SIZES under --quick)


def _speedup_at_least(factor: float) -> Callable[[dict[str, Any]], bool]:
    # Over budget counts as a pass: the walkthrough took longer than the budget.
    return lambda r: r["walkthrough_s"] is None or r["walkthrough_s"] / r["helper_s"] >= factor


def _n_windows(n_rows: int) -> int:
    return n_rows - N_TIMESTEPS + 1


def event_inputs(n_alarms: int) -> tuple[list[tuple[int, int]], pd.Series]:
    """1,000 spans of 10 points and ``n_alarms`` alarms (every other point flagged)."""
    n_points = 2 * n_alarms
    step = n_points // 1_000
    spans = [(i * step, i * step + 9) for i in range(1_000)]
    return spans, pd.Series(np.arange(n_points) % 2 == 0)


def event_metrics_peak_mb(n_alarms: int) -> float:
    """Peak traced memory of ``lh.event_metrics``, in MB beyond its inputs (as the scaling part
    traces error_frame). Memory is deterministic, so it is measured where the target is checked:
    the helper rows of the harness hold times only."""
    spans, flags = event_inputs(n_alarms)
    tracemalloc.start()
    lh.event_metrics(spans, flags)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


CASES: tuple[Case, ...] = (
    Case(
        "make_windows",
        helper=lambda io: lh.make_windows(io[0], N_TIMESTEPS),
        walkthrough=lambda io: wt.concat_windows(io[0], N_TIMESTEPS),
        result_values=lambda n: _n_windows(n) * N_TIMESTEPS * N_FEATURES,
        targets=(
            Target(
                "make_windows >= 10,000x faster than the concatenation reshape at 20,000 rows",
                20_000,
                _speedup_at_least(10_000),
            ),
        ),
    ),
    Case(
        "make_forecast_windows",
        helper=lambda io: lh.make_forecast_windows(io[0], N_TIMESTEPS, N_HORIZON),
        walkthrough=lambda io: wt.concat_forecast_windows(io[0], N_TIMESTEPS, N_HORIZON),
        result_values=lambda n: 2 * (n - N_TIMESTEPS - N_HORIZON + 1) * N_TIMESTEPS * N_FEATURES,
    ),
    Case(
        "to_long+to_wide",
        helper=lambda io: lh.to_wide(lh.to_long(io[1])),
        walkthrough=lambda io: wt.pivot_wide(wt.loop_long(io[1])),
        result_values=lambda n: _n_windows(n) * N_HORIZON * N_FEATURES,
    ),
    Case(
        "error_frame",
        helper=lambda io: lh.error_frame(io[0], io[1], N_TIMESTEPS),
        walkthrough=lambda io: wt.loop_error_frame(io[0], io[1], N_TIMESTEPS),
        # one row per observation (lstm_helpers 0.2)
        result_values=lambda n: n * (N_FEATURES + 2 * N_FEATURES * N_HORIZON + 5 * N_HORIZON),
        targets=(
            Target(
                "error_frame >= 50x faster than the walkthrough-style pipeline at 20,000 rows",
                20_000,
                _speedup_at_least(50),
            ),
            Target(
                "error_frame within 5x of the allocate-fill-copy floor at 200,000 rows",
                200_000,
                lambda r: r["helper_s"] / r["floor_s"] <= 5,
            ),
            Target(
                "error_frame on 200,000 x 5 x 5 under 1 s", 200_000, lambda r: r["helper_s"] < 1
            ),
        ),
    ),
    Case(
        "event_metrics",
        # 0.2 built a spans x alarms matrix: 517 MB here. Rows are alarms; 1,000 spans.
        helper=lambda io: lh.event_metrics(*io),
        inputs=event_inputs,
        sizes=(500_000,),
        targets=(
            Target(
                "event_metrics on 1,000 spans and 500,000 alarms: < 50 MB extra memory "
                "(tracemalloc peak)",
                500_000,
                lambda r: event_metrics_peak_mb(r["rows"]) < 50,
            ),
        ),
    ),
)

CASES_BY_NAME = {case.name: case for case in CASES}

# --------------------------------------------------------------------------- scaling

#: Rows of the scaling part (``error_frame`` only), full run and ``--quick``.
SCALING_SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000, 2_000_000)
QUICK_SCALING_SIZES = (1_000, 3_000, 10_000)
#: Accepted log-log slopes of time and of peak memory against rows (1 is linear).
SCALING_TIME_SLOPE = (0.8, 1.2)
SCALING_MEMORY_SLOPE = (0.9, 1.1)


def scaling_run(inputs: tuple[np.ndarray, np.ndarray]) -> object:
    """What the scaling part times and traces."""
    return lh.error_frame(inputs[0], inputs[1], N_TIMESTEPS)


# --------------------------------------------------------------------------- notebooks

CATALOG = ROOT / "docs" / "notebooks.toml"


def tutorial_notebooks(root: Path = ROOT) -> list[Path]:
    """Every tutorial, ``notebooks/NN_*.ipynb``, in order."""
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def solution_notebooks(root: Path = ROOT) -> list[Path]:
    """The solutions notebook of each tutorial that has one, in the tutorials' order."""
    out = []
    for path in tutorial_notebooks(root):
        solutions = root / "notebooks" / "solutions" / f"{path.stem}_solutions.ipynb"
        if solutions.exists():
            out.append(solutions)
    return out


def notebook_limits(path: Path, catalog: Path = CATALOG) -> tuple[float, float] | None:
    """(seconds, MB) targets of a tutorial from docs/notebooks.toml; None without an entry."""
    entry = tomllib.loads(catalog.read_text(encoding="utf-8")).get(path.stem)
    return None if entry is None else (entry["max_s"], entry["max_mb"])
