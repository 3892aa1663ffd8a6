"""Under pytest-xdist, a tutorial and its solutions run on one worker (root conftest.py).

A solutions notebook runs its tutorial again; on the same worker, after it, it loads the
tutorial's LSTM fits from the fit cache instead of training them at the same time as the
tutorial on another worker.
"""

from __future__ import annotations

import importlib.util
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


def test_a_real_run_puts_each_pair_on_one_worker_tutorial_first(tmp_path):
    """Three tiny pairs of notebooks under two workers: each pair shares a worker, in order."""
    import nbformat

    (tmp_path / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    names = ["01_a", "02_b", "03_c"]
    names += [f"solutions/{name}_solutions" for name in names]
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
    for number in ("01", "02", "03"):
        mine = [(w, p) for w, p in rows if p.rsplit("/", 1)[-1].startswith(number)]
        assert len({w for w, _ in mine}) == 1, rows  # one worker
        assert "solutions" not in mine[0][1], rows  # the tutorial first
