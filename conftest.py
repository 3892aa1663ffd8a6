"""Root pytest configuration, for `pytest --nbmake notebooks` as much as for `pytest tests`.

Notebooks that read NAB series (their code calls ``nab.load``; a solutions notebook runs its
tutorial, so it needs what its tutorial needs) are skipped, with the reason, when the NAB
files can be neither found locally (LSTM_HELPERS_DATA, the cache) nor downloaded; every
other test runs. Under pytest-xdist, each tutorial and its solutions share a worker.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import pytest


@functools.cache
def nab_unavailable() -> str | None:
    """Why the NAB data cannot be had here, or None when it can."""
    from lstm_helpers import nab

    try:
        for rel in (nab.LABELS, *(f"data/{name}" for name in nab.SERIES)):
            nab.path(rel, timeout=10)
    except nab.NabError as err:
        return str(err)
    return None


@functools.cache
def reads_nab(notebook: Path) -> bool:
    """Whether a notebook's code loads NAB data, itself or through the tutorial it runs."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    if "nab.load" in code:
        return True
    if notebook.parent.name == "solutions":
        tutorial = notebook.parent.parent / notebook.name.replace("_solutions", "")
        return tutorial.is_file() and reads_nab(tutorial)
    return False


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.suffix == ".ipynb" and reads_nab(item.path):
            reason = nab_unavailable()
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"NAB data unavailable: {reason}"))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: only called when xdist is installed
def pytest_xdist_make_scheduler(config, log):
    """With several workers (make nbtest), a tutorial and its solutions run on one worker.

    Notebooks are shared out by their two-digit number, so ``notebooks/03_*.ipynb`` and
    ``notebooks/solutions/03_*_solutions.ipynb`` go to the same worker, in collection order
    (the tutorial first). The solutions notebook runs its tutorial again and so loads its
    LSTM fits from the fit cache, instead of training them at the same time on the other
    worker. It relies on notebooks being named ``NN_*`` (tests/project/test_notebook_hygiene.py
    checks the names). Without ``--nbmake`` xdist keeps its default scheduling; with it, this
    scheduler replaces any ``--dist`` given, and other items are grouped by module (xdist's
    ``--dist loadscope``, whose ``_split_scope`` this overrides, as xdist's own ``--dist
    loadgroup`` does; pytest-xdist is pinned).

    Longest first: the pairs are handed out in decreasing order of their cold run time in
    ``benchmarks/results.json`` (a file it does not list counts as longest), and a worker
    gets its next pair only when it is down to its last notebook, not one pair ahead as
    xdist's default does, so the long notebook-3 pair does not end up queued behind another
    pair on one worker while the other worker runs out of work.
    """
    if not config.getoption("nbmake", default=False):
        return None
    from xdist.scheduler import LoadScopeScheduling

    seconds = measured_seconds(Path(__file__).parent / "benchmarks" / "results.json")

    class TutorialWithSolutions(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = Path(nodeid.split("::")[0]).name
            return file[:2] if file.endswith(".ipynb") else super()._split_scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            def cost(scope: str) -> float:
                files = [nodeid.split("::")[0] for nodeid in self.workqueue[scope]]
                return sum(seconds.get(Path(f).name, math.inf) for f in files)

            for scope in sorted(self.workqueue, key=cost, reverse=True):  # stable
                self.workqueue.move_to_end(scope)
            super()._assign_work_unit(node)

        def _reschedule(self, node) -> None:
            # A worker runs a notebook only once it knows the next one (or is told to stop),
            # so it needs new work when one notebook is left, and not before.
            if node.shutting_down or (
                self.workqueue and self._pending_of(self.assigned_work[node]) > 1
            ):
                return
            super()._reschedule(node)

    return TutorialWithSolutions(config, log)


def measured_seconds(results: Path) -> dict[str, float]:
    """Each notebook's cold run time in ``make bench``'s results, by file name ({} if none)."""
    try:
        rows = json.loads(results.read_text(encoding="utf-8"))["notebooks"]["rows"]
        return {Path(row["notebook"]).name: float(row["seconds"]) for row in rows}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
