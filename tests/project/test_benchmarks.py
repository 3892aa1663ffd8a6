"""The benchmark code runs (on tiny sizes, no timing asserted) and compares like with like."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import lstm_helpers as lh
from benchmarks import cases, measure, report, run
from benchmarks import walkthrough_style as wt


def test_walkthrough_style_code_computes_what_the_helpers_compute():
    rng = np.random.default_rng(0)
    data = rng.random((40, 3))
    n_timesteps, n_horizon = 6, 4  # != n_features on purpose
    np.testing.assert_array_equal(
        wt.concat_windows(data, n_timesteps), lh.make_windows(data, n_timesteps)
    )
    for got, want in zip(
        wt.concat_forecast_windows(data, n_timesteps, n_horizon),
        lh.make_forecast_windows(data, n_timesteps, n_horizon),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)
    yhat = rng.random((40 - n_timesteps + 1, n_horizon, 3))
    wide = wt.pivot_wide(wt.loop_long(yhat))
    helper_wide = lh.to_wide(lh.to_long(yhat))
    pd.testing.assert_frame_equal(
        wide[helper_wide.columns].rename_axis(None, axis=1), helper_wide, check_names=False
    )
    slow = wt.loop_error_frame(data, yhat, n_timesteps)
    fast = lh.error_frame(data, yhat, n_timesteps)
    np.testing.assert_allclose(slow[fast.columns].to_numpy(), fast.to_numpy(), equal_nan=True)


def test_benchmarks_run_on_tiny_sizes(capsys):
    assert run.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for case in cases.CASES:
        assert case.name in out
    assert "targets:" in out and "error_frame time grows linearly" in out


def test_over_budget_is_reported_not_waited_for():
    case = cases.CASES_BY_NAME["make_windows"]
    assert measure.time_with_budget(case, 200_000, budget=0.05) is None


def test_case_names_are_unique_and_targets_name_measured_sizes():
    names = [case.name for case in cases.CASES]
    assert len(names) == len(set(names))
    for case in cases.CASES:
        for target in case.targets:
            assert target.rows in (case.sizes or cases.SIZES), target.text


def test_adding_a_case_is_one_entry(tmp_path, monkeypatch):
    """A new Case in the table is measured, reported and checked against its target."""
    extra = cases.Case(
        "double",
        helper=lambda x: x * 2,
        inputs=lambda n: np.ones(n),
        sizes=(10,),
        targets=(cases.Target("double under an hour", 10, lambda r: r["helper_s"] < 3600),),
    )
    monkeypatch.setattr(cases, "CASES", (*cases.CASES, extra))
    rows = measure.bench_cases(cases.QUICK_SIZES, 1.0, cases.CASES[-1:])
    assert rows[0]["case"] == "double" and rows[0]["walkthrough_s"] is None
    results = {"helpers": {"measured": "today", "machine": "here", "budget_s": 1.0, "rows": rows}}
    assert ("double under an hour", True) in report.targets(results)
    assert "| `double` | 10 |" in report.markdown(results)


def test_a_missed_target_is_reported_as_miss():
    row = {"case": "error_frame", "rows": 200_000, "helper_s": 2.0}
    results = {"helpers": {"rows": [{**row, "walkthrough_s": None, "floor_s": 0.1}]}}
    checks = dict(report.targets(results))
    assert checks["error_frame within 5x of the allocate-fill-copy floor at 200,000 rows"] is False
    assert checks["error_frame on 200,000 x 5 x 5 under 1 s"] is False


def test_notebooks_are_discovered_with_their_solutions(root):
    tutorials = cases.tutorial_notebooks()
    assert [p.name for p in tutorials] == sorted(
        p.name for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )
    for path in cases.solution_notebooks():
        assert path.parent.name == "solutions" and path.stem.endswith("_solutions")


def test_every_tutorial_has_a_catalog_entry_with_limits():
    for path in cases.tutorial_notebooks():
        assert cases.notebook_limits(path) is not None, (
            f"{path.name}: add it to docs/notebooks.toml"
        )


def test_the_harness_writes_only_its_own_files(tmp_path, monkeypatch):
    """A full-format run of one cheap case writes results.json and results.md, nothing else."""
    watched = [run.HERE.parent / "README.md", run.HERE.parent / "docs" / "instructor-guide.md"]
    before = [p.stat().st_mtime for p in watched]
    one = cases.Case("make_windows", helper=cases.CASES[0].helper, sizes=(200,))
    monkeypatch.setattr(cases, "CASES", (one,))
    argv = ["--skip-notebooks", "--only", "helpers", "--out", str(tmp_path)]
    assert run.main(argv) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "results.md"]
    results = json.loads((tmp_path / "results.json").read_text())
    assert [r["case"] for r in results["helpers"]["rows"]] == ["make_windows"]
    assert "| `make_windows` | 200 |" in (tmp_path / "results.md").read_text()
    assert [p.stat().st_mtime for p in watched] == before
