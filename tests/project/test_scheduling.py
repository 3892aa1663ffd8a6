"""Under pytest-xdist, a tutorial and its solutions run on one worker (root conftest.py).

A solutions notebook runs its tutorial again; on the same worker, after it, it loads the
tutorial's LSTM fits from the fit cache instead of training them at the same time as the
tutorial on another worker.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

xdist = pytest.importorskip("xdist")


def _root_conftest():
    spec = importlib.util.spec_from_file_location("root_conftest_sched", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Config:
    """This run's pytest config, with --nbmake on or off."""

    def __init__(self, config, nbmake: bool):
        self._config, self._nbmake = config, nbmake

    def getoption(self, name, default=None):
        return self._nbmake if name == "nbmake" else self._config.getoption(name, default)

    def getvalue(self, name):
        return ["2*popen"] if name == "tx" else self._config.getvalue(name)

    def __getattr__(self, name):
        return getattr(self._config, name)


def test_notebooks_are_scoped_by_their_number_and_test_files_as_usual(pytestconfig):
    make = _root_conftest().pytest_xdist_make_scheduler
    scope = make(_Config(pytestconfig, True), log=None)._split_scope
    tutorial = "notebooks/03_real_data_nab.ipynb::03_real_data_nab.ipynb"
    solutions = "notebooks/solutions/03_real_data_nab_solutions.ipynb::03_x_solutions.ipynb"
    other = "notebooks/04_thresholds_and_evaluation.ipynb::04_thresholds_and_evaluation.ipynb"
    assert scope(tutorial) == scope(solutions) == "03"
    assert scope(other) == "04"
    assert scope("tests/helpers/test_windows.py::test_a") == "tests/helpers/test_windows.py"


def test_without_nbmake_xdist_keeps_its_own_scheduler(pytestconfig):
    make = _root_conftest().pytest_xdist_make_scheduler
    assert make(_Config(pytestconfig, False), log=None) is None


def _real_run(tmp_path, names: list[str]) -> list[list[str]]:
    """Tiny notebooks ``names`` under two workers, with the root conftest.py: (worker,
    notebook) in the order the workers started them."""
    import nbformat

    (tmp_path / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    for name in names:
        path = tmp_path / "notebooks" / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("print('ok')")]
        nbformat.write(nb, path)
    (tmp_path / "record.py").write_text(
        textwrap.dedent(
            """
            import os

            def pytest_runtest_setup(item):  # in the worker that runs the notebook
                worker = os.environ["PYTEST_XDIST_WORKER"]
                with open(os.path.join(os.environ["RECORD_DIR"], "order.txt"), "a") as f:
                    f.write(f"{worker} {item.nodeid.split('::')[0]}\\n")
            """
        )
    )
    # This test may itself run in an xdist worker: its variables are not the child run's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "record", "-p", "no:cacheprovider", "-n", "2",
         "--nbmake", "notebooks", "-q"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**env, "PYTHONPATH": str(tmp_path), "RECORD_DIR": str(tmp_path)},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [line.split() for line in (tmp_path / "order.txt").read_text().splitlines()]
    assert sorted(path for _, path in rows) == sorted(f"notebooks/{n}.ipynb" for n in names)
    return rows


def test_a_real_run_puts_each_pair_on_one_worker_tutorial_first(tmp_path):
    """Three tiny pairs of notebooks under two workers: each pair shares a worker, in order."""
    names = ["01_a", "02_b", "03_c"]
    rows = _real_run(tmp_path, names + [f"solutions/{name}_solutions" for name in names])
    for number in ("01", "02", "03"):
        mine = [(w, p) for w, p in rows if p.rsplit("/", 1)[-1].startswith(number)]
        assert len({w for w, _ in mine}) == 1, rows  # one worker
        assert "solutions" not in mine[0][1], rows  # the tutorial first


def test_the_longest_pairs_start_first(tmp_path):
    """Pairs go out longest first by make bench's cold times; an unmeasured notebook first."""
    names = ["01_a", "02_b", "03_c"]
    seconds = {"01_a": 1.0, "02_b": 30.0, "03_c": 20.0}
    rows = [{"notebook": f"notebooks/{n}.ipynb", "seconds": t} for n, t in seconds.items()]
    rows += [
        {"notebook": f"notebooks/solutions/{n}_solutions.ipynb", "seconds": t}
        for n, t in seconds.items()
    ]
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "results.json").write_text(json.dumps({"notebooks": {"rows": rows}}))
    order = _real_run(tmp_path, [*names, *(f"solutions/{n}_solutions" for n in names), "04_d"])
    first = {}
    for worker, path in order:
        first.setdefault(worker, path)
    # Collection order would start 01_a and 02_b; longest first starts 04_d (no time: counted
    # as longest) and 02_b. 04_d's worker, down to its last notebook, gets the longest pair
    # left, 03_c, at once; 01_a, the shortest, goes to whichever worker frees up first.
    assert sorted(first.values()) == ["notebooks/02_b.ipynb", "notebooks/04_d.ipynb"], order
    worker = {path: w for w, path in order}
    assert worker["notebooks/03_c.ipynb"] == worker["notebooks/04_d.ipynb"], order


def test_measured_seconds_reads_make_bench_results_and_tolerates_none(tmp_path):
    measured = _root_conftest().measured_seconds
    assert measured(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("{")
    assert measured(tmp_path / "bad.json") == {}
    times = measured(ROOT / "benchmarks" / "results.json")
    assert times["03_real_data_nab.ipynb"] > 0 and "03_real_data_nab_solutions.ipynb" in times


class _Node:
    """A stand-in for an xdist worker: records the items it is sent and its shutdown."""

    def __init__(self, name):
        self.sent, self.shutting_down = [], False
        self.gateway = type("Gateway", (), {"id": name})()  # xdist names workers by it

    def send_runtest_some(self, indices):
        self.sent.append(list(indices))

    def shutdown(self):
        self.shutting_down = True


def test_a_worker_gets_its_next_pair_only_when_down_to_its_last_notebook(pytestconfig):
    # xdist's default hands a worker more work while it still has two notebooks to run: the
    # first worker would get 01 and 03 at once, and the second, done with 02, nothing left.
    scheduler = _root_conftest().pytest_xdist_make_scheduler(_Config(pytestconfig, True), log=None)
    names = ["01_a", "02_b", "03_c"]  # not in make bench's results: collection order
    collection = [f"notebooks/{n}.ipynb::{n}.ipynb" for n in names]
    collection += [f"notebooks/solutions/{n}_solutions.ipynb::{n}_solutions.ipynb" for n in names]
    a, b = _Node("gw0"), _Node("gw1")
    for node in (a, b):
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collection)
    scheduler.schedule()
    assert a.sent == [[0, 3]] and b.sent == [[1, 4]]  # one pair each, tutorial first
    scheduler.mark_test_complete(b, 1)  # b is down to 02's solutions: it gets 03
    assert b.sent == [[1, 4], [2, 5]] and not b.shutting_down
    scheduler.mark_test_complete(a, 0)  # a is down to 01's solutions, nothing left: stop
    assert a.sent == [[0, 3]] and a.shutting_down
