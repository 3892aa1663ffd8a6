"""Adding a notebook from the template touches three files, and passes every notebook test.

The README's "Adding a notebook" section promises: copy ``notebooks/src/_template.py`` and
``notebooks/src/solutions/_template_solutions.py``, add one entry to ``docs/notebooks.toml``,
run ``make notebooks``. This test does exactly that in a copy of the project, then runs the
notebook tests on the copy, and checks that nothing else needed a hand edit: every other
file that changed was written by the tools (the built notebooks, the README's and the
guide's tables).
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

STEM = "97_template_copy"
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", ".cache", "build", "__pycache__", ".pytest_cache", ".ruff_cache",
    ".hypothesis", "*.egg-info", ".ipynb_checkpoints", "results",
)  # fmt: skip
HAND_EDITED = {
    f"notebooks/src/{STEM}.py",
    f"notebooks/src/solutions/{STEM}_solutions.py",
    "docs/notebooks.toml",
}
GENERATED = {
    f"notebooks/{STEM}.ipynb",
    f"notebooks/solutions/{STEM}_solutions.ipynb",
    "README.md",
    "docs/instructor-guide.md",
}


def _changed(before: Path, after: Path) -> set[str]:
    """Files added or modified in ``after`` relative to ``before``, as relative paths."""
    out = set()
    for path in after.rglob("*"):
        if not path.is_file() or any(p in {"__pycache__", ".pytest_cache"} for p in path.parts):
            continue
        rel = path.relative_to(after)
        old = before / rel
        if not old.exists() or not filecmp.cmp(old, path, shallow=False):
            out.add(rel.as_posix())
    return out


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_a_notebook_from_the_template_passes_every_notebook_test(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=IGNORE)
    pristine = tmp_path / "pristine"
    shutil.copytree(project, pristine)

    # The three hand edits the README asks for.
    src = project / "notebooks" / "src"
    shutil.copy(src / "_template.py", src / f"{STEM}.py")
    solutions = (src / "solutions" / "_template_solutions.py").read_text()
    (src / "solutions" / f"{STEM}_solutions.py").write_text(solutions.replace("NN_name", STEM))
    with (project / "docs" / "notebooks.toml").open("a") as catalog:
        catalog.write(
            f'\n["{STEM}"]\ntitle = "97 · Template copy"\nlearn = "what a new notebook '
            'teaches"\nmax_s = 60\nmax_mb = 1200\n'
        )

    # make notebooks NB="97 solutions/97": build both (tutorial first), then the tables.
    build = _run([sys.executable, "tools/build_notebooks.py", "97", "solutions/97"], project)
    assert build.returncode == 0, build.stdout + build.stderr
    tables = _run([sys.executable, "tools/sync_docs_tables.py"], project)
    assert tables.returncode == 0, tables.stdout + tables.stderr

    changed = _changed(pristine, project)
    assert HAND_EDITED <= changed
    assert changed - HAND_EDITED <= GENERATED, f"more files to edit: {changed - HAND_EDITED}"

    # The notebook tests, on the copy: structure, claims, exercises, docs, build check.
    tests = [
        "tests/project/test_notebook_hygiene.py",
        "tests/project/test_claims.py",
        "tests/project/test_exercises_in_place.py",
        "tests/project/test_docs.py",
        "tests/project/test_build_notebooks.py",
    ]
    result = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", STEM, *tests],
        project,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{STEM}" in result.stdout or "passed" in result.stdout
    whole = _run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/project/test_docs.py",
        ],
        project,
    )
    assert whole.returncode == 0, whole.stdout[-4000:] + whole.stderr[-2000:]
    check = _run([sys.executable, "tools/build_notebooks.py", "--check"], project)
    assert check.returncode == 0, check.stdout + check.stderr
    nbmake = _run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbmake",
            f"notebooks/{STEM}.ipynb", f"notebooks/solutions/{STEM}_solutions.ipynb",
        ],
        project,
    )  # fmt: skip
    assert nbmake.returncode == 0, nbmake.stdout[-4000:] + nbmake.stderr[-2000:]
