"""Exercises have one source, the solutions notebook, and the tutorials do not drift from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
# Every tutorial with exercises (all but the setup check) has a solutions notebook.
TUTORIALS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.name[:2] != "00")


def _tool():
    spec = importlib.util.spec_from_file_location("exercises", ROOT / "tools" / "exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ex(text):
    return nbformat.v4.new_markdown_cell(text, metadata={"tags": ["exercise"]})


def test_tutorials_match_their_solutions():
    tool = _tool()
    problems = [p for t, s in tool.pairs() for p in tool.sync(t, s, write=False)]
    assert not problems, "\n".join(problems) + "\nrun: python tools/exercises.py --write"


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_every_tutorial_has_exercises_with_solutions(tutorial):
    solutions = (
        ROOT / "notebooks" / "solutions" / tutorial.name.replace(".ipynb", "_solutions.ipynb")
    )
    assert solutions.exists(), f"missing {solutions.relative_to(ROOT)}"
    nb = nbformat.read(solutions, as_version=4)
    exercises = [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    assert len(exercises) >= 3
    for number, cell in enumerate(exercises, start=1):
        head = cell.source.splitlines()[0]
        assert head.startswith(f"### 📝 Exercise {number}"), head
        for part in ("**Goal", "**Starting point", "**How to check"):
            assert part in cell.source, f"exercise {number} has no {part}**"
    solutions_md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for number in range(1, len(exercises) + 1):
        assert f"📃 Solution {number}" in solutions_md


def test_write_then_check_round_trip(tmp_path, monkeypatch):
    tool = _tool()
    (tmp_path / "solutions").mkdir()
    tutorial = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# T"),
            nbformat.v4.new_markdown_cell("## Exercises"),
            _ex("old exercise"),
        ]
    )
    solution = nbformat.v4.new_notebook(
        cells=[
            _ex("### 📝 Exercise 1 — a"),
            nbformat.v4.new_code_cell("x = 1"),
            _ex("### 📝 Exercise 2 — b"),
        ]
    )
    t_path, s_path = tmp_path / "01_t.ipynb", tmp_path / "solutions" / "01_t_solutions.ipynb"
    nbformat.write(tutorial, t_path)
    nbformat.write(solution, s_path)
    assert tool.sync(t_path, s_path, write=False) == [
        "01_t.ipynb: exercises differ from 01_t_solutions.ipynb"
    ]
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    assert tool.sync(t_path, s_path, write=True) == []
    updated = nbformat.read(t_path, as_version=4)
    assert [c.source for c in updated.cells] == [
        "# T",
        "## Exercises",
        "### 📝 Exercise 1 — a",
        "### 📝 Exercise 2 — b",
    ]
    assert tool.sync(t_path, s_path, write=False) == []
