"""Keep each notebook's exercises and their worked solutions in one source.

The source of an exercise is its solution notebook, ``notebooks/solutions/<stem>_solutions.ipynb``.
There, every cell tagged ``exercise`` (cell metadata ``"tags": ["exercise"]``) is the
exercise as learners see it: goal, starting point, how to check. The cells after it that
are not tagged ``exercise`` are the worked solution (📃).

This script copies the ``exercise`` cells, in order, into the tutorial notebook
``notebooks/<stem>.ipynb``, replacing the cells tagged ``exercise`` there (which sit
after its ``## Exercises`` heading). Outputs are left alone: exercise cells are markdown.

    python tools/exercises.py --write   # update the tutorials from the solutions
    python tools/exercises.py --check   # exit 1 if an exercise has drifted (used by the tests)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TAG = "exercise"


def pairs() -> list[tuple[Path, Path]]:
    """(tutorial, solutions) notebook pairs, for every solutions notebook."""
    out = []
    for solution in sorted((NOTEBOOKS / "solutions").glob("*_solutions.ipynb")):
        tutorial = NOTEBOOKS / solution.name.replace("_solutions.ipynb", ".ipynb")
        out.append((tutorial, solution))
    return out


def _tagged(cell: nbformat.NotebookNode) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def exercise_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if _tagged(c)]


def _source(cells: list[nbformat.NotebookNode]) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in cells]


def sync(tutorial_path: Path, solution_path: Path, write: bool) -> list[str]:
    """Problems found (for --check) after optionally rewriting the tutorial's exercises."""
    problems = []
    if not tutorial_path.exists():
        return [f"{solution_path.name} has no tutorial {tutorial_path.name}"]
    solution = nbformat.read(solution_path, as_version=4)
    tutorial = nbformat.read(tutorial_path, as_version=4)
    wanted = exercise_cells(solution)
    if not wanted:
        return [f"{solution_path.name} has no cells tagged '{TAG}'"]
    if any(c.cell_type != "markdown" for c in wanted):
        problems.append(f"{solution_path.name}: exercise cells must be markdown")
    if _source(exercise_cells(tutorial)) == _source(wanted):
        return problems
    if not write:
        return [*problems, f"{tutorial_path.name}: exercises differ from {solution_path.name}"]
    headings = [
        i
        for i, c in enumerate(tutorial.cells)
        if c.cell_type == "markdown" and c.source.lstrip().lower().startswith("## exercises")
    ]
    if not headings:
        return [*problems, f"{tutorial_path.name} has no '## Exercises' heading cell"]
    kept = [c for c in tutorial.cells if not _tagged(c)]
    at = kept.index(tutorial.cells[headings[0]]) + 1
    fresh = [nbformat.v4.new_markdown_cell(c.source, metadata={"tags": [TAG]}) for c in wanted]
    tutorial.cells = kept[:at] + fresh + kept[at:]
    nbformat.write(tutorial, tutorial_path)
    print(f"updated the exercises of {tutorial_path.relative_to(ROOT)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="copy exercises into the tutorials")
    mode.add_argument("--check", action="store_true", help="exit 1 if any exercise drifted")
    args = parser.parse_args(argv)
    problems = [p for t, s in pairs() for p in sync(t, s, write=args.write)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
