"""tools/build_notebooks.py: notebooks built from their text sources, and a check that can fail.

Also: the badges and the Colab install cell it writes, the exercises it copies, every relative
link in the docs and notebooks, and the jupytext pairing of notebooks with notebooks/src/.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from conftest import ROOT, run_tool

sys.path.insert(0, str(ROOT / "tools"))
import build_notebooks as build

NOTEBOOKS = build.notebooks()
SOURCES = build.sources()
TUTORIALS = [s for s in SOURCES if s.parent.name != "solutions"]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# --- the check, on the repository and on mutated copies ----------------------------------


def test_check_passes_on_the_committed_notebooks():
    result = run_tool("build_notebooks.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_notebook_has_exactly_one_source_and_back():
    assert sorted(map(build.source_of, NOTEBOOKS)) == sorted(SOURCES)
    assert sorted(map(build.target_of, SOURCES)) == sorted(NOTEBOOKS)
    assert any(s.parent.name == "solutions" for s in SOURCES)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of what the build reads and writes: notebooks/, pyproject.toml, README.md."""
    shutil.copytree(
        ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_*")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def _check(root: Path) -> subprocess.CompletedProcess:
    return run_tool("build_notebooks.py", "--check", "--root", str(root))


def _in_step(root: Path, source: Path) -> None:
    """Bring one notebook of the copy in step with its source, as a build would, without
    running it (the check compares cells, not outputs), so each test starts from a pass."""
    nb = build.render(source, root)
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
    nbformat.write(nb, build.target_of(source, root))


def _mentions(result: subprocess.CompletedProcess, rel: str, fix: str) -> bool:
    return any(rel in line and fix in line for line in result.stdout.splitlines())


def test_check_fails_on_a_mutated_source(copy):
    source = copy / "notebooks" / "src" / "01_univariate_lstm_autoencoder.py"
    rel, fix = "notebooks/01_univariate_lstm_autoencoder.ipynb", "make notebooks NB=01_"
    _in_step(copy, source)
    assert not _mentions(_check(copy), rel, fix)
    text = source.read_text()
    heading = next(line for line in text.splitlines() if line.startswith("# ## "))
    source.write_text(text.replace(heading, heading + " (edited)", 1))
    result = _check(copy)
    assert result.returncode == 1
    assert _mentions(result, rel, fix), result.stdout
    assert "(edited)" in result.stdout  # the message shows what differs


def test_check_fails_on_a_mutated_notebook(copy):
    path = copy / "notebooks" / "solutions" / "01_univariate_lstm_autoencoder_solutions.ipynb"
    rel = "notebooks/solutions/01_univariate_lstm_autoencoder_solutions.ipynb"
    fix = "make notebooks NB=solutions/01_univariate_lstm_autoencoder_solutions"
    _in_step(copy, build.source_of(path, copy))
    assert not _mentions(_check(copy), rel, fix)
    nb = nbformat.read(path, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code" and "colab-install" not in str(c))
    code.source += "\nprint('edited by hand')"
    nbformat.write(nb, path)
    result = _check(copy)
    assert result.returncode == 1
    assert _mentions(result, rel, fix), result.stdout


def test_check_fails_on_an_exercise_edited_in_the_tutorial_notebook(copy):
    path = copy / "notebooks" / "02_multivariate_multistep_forecaster.ipynb"
    rel = "notebooks/02_multivariate_multistep_forecaster.ipynb"
    _in_step(copy, build.source_of(path, copy))
    assert not _mentions(_check(copy), rel, "NB=02_")
    nb = nbformat.read(path, as_version=4)
    exercise = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
    exercise.source = exercise.source.replace("Goal", "Aim", 1)
    nbformat.write(nb, path)
    assert _mentions(_check(copy), rel, "make notebooks NB=02_")


def test_check_fails_on_a_notebook_without_source_and_stale_badges(copy):
    shutil.copy2(
        copy / "notebooks" / "00_setup_check.ipynb", copy / "notebooks" / "09_orphan.ipynb"
    )
    readme = copy / "README.md"
    readme.write_text(readme.read_text().replace("urlpath=lab/tree/notebooks", "urlpath=x", 1))
    result = _check(copy)
    assert result.returncode == 1
    assert "notebooks/09_orphan.ipynb: has no source notebooks/src/09_orphan.py" in result.stdout
    assert "README.md: badges out of date" in result.stdout


# --- building, on a small project in a temporary folder ----------------------------------

TUTORIAL = """\
# %% [markdown]
# # 1 · A tiny tutorial
#
# Some prose.

# %%
x = 40 + 2
print(x)

# %% [markdown]
# ## Exercises
"""

SOLUTIONS = """\
# %% [markdown]
# # 📃 Solutions · 1

# %%
x = 1

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — double it
#
# **Goal.** Double `x`.

# %% tags=["starter"]
ex1_double = None  # your code here

# %% [markdown]
# #### 📃 Solution 1

# %%
ex1_double = 2 * x
print(ex1_double)
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    src = tmp_path / "notebooks" / "src"
    (src / "solutions").mkdir(parents=True)
    (src / "01_tiny.py").write_text(TUTORIAL)
    (src / "solutions" / "01_tiny_solutions.py").write_text(SOLUTIONS)
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "README.md").write_text("# Tiny\n\n<!-- badges:start -->\n<!-- badges:end -->\n")
    return tmp_path


def _shown(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_build_writes_badges_install_cell_exercises_and_outputs(tiny):
    result = run_tool("build_notebooks.py", "--root", str(tiny))
    assert result.returncode == 0, result.stdout + result.stderr
    path = tiny / "notebooks" / "01_tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    github, branch = build.settings(tiny)
    types_and_tags = [(c.cell_type, c.metadata.get("tags", [])) for c in nb.cells]
    assert types_and_tags == [
        ("markdown", []),
        ("code", ["colab-install"]),
        ("code", []),
        ("markdown", []),
        ("markdown", ["exercise"]),
        ("code", ["starter"]),
    ]
    title = nb.cells[0].source
    assert title.startswith("# 1 · A tiny tutorial\n\n<!-- badges:start -->\n")
    assert f"{github}/{branch}?urlpath=lab/tree/notebooks/01_tiny.ipynb" in title
    assert title.endswith("<!-- badges:end -->\n\nSome prose.")
    assert nb.cells[2].outputs[0]["text"] == "42\n"
    assert nb.cells[4].source.startswith("### 📝 Exercise 1 — double it")
    assert nb.cells[5].source == "ex1_double = None  # your code here"
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]
    solutions = nbformat.read(tiny / "notebooks/solutions/01_tiny_solutions.ipynb", as_version=4)
    assert solutions.cells[-1].outputs[0]["text"] == "2\n"
    assert (
        "urlpath=lab/tree/notebooks/solutions/01_tiny_solutions.ipynb" in solutions.cells[0].source
    )
    readme = (tiny / "README.md").read_text()
    assert f"{github}/{branch}?urlpath=lab/tree/notebooks)" in readme
    # Only what a reader needs: no timings, a fixed kernelspec, no Python patch version.
    raw = json.loads(path.read_text())
    assert raw["metadata"] == {
        "kernelspec": build.KERNELSPEC,
        "language_info": build.LANGUAGE_INFO,
    }
    assert all(set(c["metadata"]) <= {"tags"} for c in raw["cells"])
    assert _check(tiny).returncode == 0


def test_rebuilding_gives_the_same_file(tiny):
    assert run_tool("build_notebooks.py", "--root", str(tiny), "01").returncode == 0
    path = tiny / "notebooks" / "01_tiny.ipynb"
    first = path.read_text()
    assert not (tiny / "notebooks" / "solutions").exists()  # "01" is the tutorial only
    assert run_tool("build_notebooks.py", "--root", str(tiny), "01_tiny").returncode == 0
    assert path.read_text() == first


def test_a_failing_cell_fails_the_build_and_writes_nothing(tiny):
    source = tiny / "notebooks" / "src" / "01_tiny.py"
    source.write_text(TUTORIAL.replace("x = 40 + 2", "x = 1 / 0"))
    result = run_tool("build_notebooks.py", "--root", str(tiny), "01")
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stdout + result.stderr
    assert not (tiny / "notebooks" / "01_tiny.ipynb").exists()


def test_select_picks_by_name_prefix_or_path(tiny):
    src = tiny / "notebooks" / "src"
    tutorial, solutions = src / "01_tiny.py", src / "solutions" / "01_tiny_solutions.py"
    assert build.select([], tiny) == [tutorial, solutions]
    assert build.select(["01"], tiny) == [tutorial]
    assert build.select(["01_tiny"], tiny) == [tutorial]
    assert build.select(["notebooks/01_tiny.ipynb"], tiny) == [tutorial]
    assert build.select(["solutions/01"], tiny) == [solutions]
    assert build.select(["01_tiny_solutions"], tiny) == [solutions]
    assert build.select(["notebooks/src/solutions/01_tiny_solutions.py"], tiny) == [solutions]
    with pytest.raises(SystemExit, match="no notebook source matches '07'"):
        build.select(["07"], tiny)


def test_generated_parts_in_a_source_change_nothing_but_the_check_flags_them(tiny):
    """What `jupytext --sync` from a built notebook would put into a source."""
    source = tiny / "notebooks" / "src" / "01_tiny.py"
    clean = _shown(build.render(source, tiny))
    built = build.render(source, tiny)
    nbformat.write(built, tiny / "built.ipynb")
    import jupytext

    jupytext.write(jupytext.read(tiny / "built.ipynb"), source, fmt="py:percent")
    assert _shown(build.render(source, tiny)) == clean
    assert build.generated_parts(source, tiny) == [
        "the badges",
        "a cell tagged colab-install",
        "cells tagged exercise/starter (they live in the solutions source)",
    ]


def test_an_exercise_edited_in_a_tutorial_source_is_an_error(tiny):
    source = tiny / "notebooks" / "src" / "01_tiny.py"
    source.write_text(TUTORIAL + '\n# %% [markdown] tags=["exercise"]\n# ### 📝 Exercise 1 — x\n')
    with pytest.raises(ValueError, match="exercises are written in"):
        build.render(source, tiny)


def test_a_tutorial_without_exercises_heading_is_an_error(tiny):
    source = tiny / "notebooks" / "src" / "01_tiny.py"
    source.write_text(TUTORIAL.replace("## Exercises", "## Practice"))
    with pytest.raises(ValueError, match="no '## Exercises' heading"):
        build.render(source, tiny)


# --- the exercise convention, in the sources ---------------------------------------------


@pytest.mark.parametrize(
    "tutorial", [t for t in TUTORIALS if not t.name.startswith("00")], ids=_rel
)
def test_every_tutorial_has_exercises_with_solutions(tutorial):
    solutions = build.solutions_of(tutorial)
    assert solutions.exists(), f"missing {_rel(solutions)}"
    cells = build.read_source(solutions)
    exercises = [c for c in cells if "exercise" in build.tags(c)]
    assert len(exercises) >= 3
    for number, cell in enumerate(exercises, start=1):
        head = cell.source.splitlines()[0]
        assert head.startswith(f"### 📝 Exercise {number}"), head
        for part in ("**Goal", "**Starting point", "**How to check"):
            assert part in cell.source, f"exercise {number} has no {part}**"
        assert cell.cell_type == "markdown"
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    for number in range(1, len(exercises) + 1):
        assert f"📃 Solution {number}" in markdown


# --- badges and the Colab install cell in the committed notebooks ------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_notebook_has_both_badges_pointing_at_itself(path):
    github, branch = build.settings()
    title = nbformat.read(path, as_version=4).cells[0].source
    binder = re.search(r"\(https://mybinder\.org/v2/gh/([^)]+)\)", title)
    colab = re.search(r"\(https://colab\.research\.google\.com/github/([^)]+)\)", title)
    assert binder and colab, f"{_rel(path)} lacks a Binder or a Colab badge"
    url = urlparse("https://mybinder.org/v2/gh/" + binder.group(1))
    assert url.path == f"/v2/gh/{github}/{branch}"
    assert url.query.startswith("urlpath=lab/tree/"), "Binder must open JupyterLab"
    opened = url.query.removeprefix("urlpath=lab/tree/")
    assert opened == _rel(path) and (ROOT / unquote(opened)).is_file()
    prefix = f"{github}/blob/{branch}/"
    assert colab.group(1).startswith(prefix)
    assert colab.group(1).removeprefix(prefix) == _rel(path)


def test_readme_binder_badge_opens_the_notebooks_folder():
    github, branch = build.settings()
    readme = (ROOT / "README.md").read_text()
    url = f"https://mybinder.org/v2/gh/{github}/{branch}?urlpath=lab/tree/notebooks"
    assert url in readme
    assert (ROOT / "notebooks").is_dir()


def _install_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert build.INSTALL_TAG in code[0].metadata.get("tags", []), (
        f"{_rel(path)}: the Colab install cell must be the first code cell"
    )
    return code[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_install_cell_does_nothing_outside_colab(path, monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(_install_cell(path), {})
    assert calls == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_install_cell_installs_only_lstm_helpers_on_colab(path, monkeypatch):
    github, branch = build.settings()
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **k: calls.append((cmd, k)))
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(_install_cell(path), {})
    assert len(calls) == 1
    cmd, kwargs = calls[0]
    assert cmd[:4] == [sys.executable, "-m", "pip", "install"]
    assert "--no-deps" in cmd, "Colab's own TensorFlow, numpy, pandas... must stay"
    packages = [a for a in cmd[4:] if not a.startswith("-")]
    assert packages == [f"lstm_helpers @ git+https://github.com/{github}@{branch}"]
    assert kwargs.get("check") is True


# --- relative links ----------------------------------------------------------------------


def _local_targets(text: str) -> list[str]:
    targets = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # web links and in-page anchors
        targets.append(unquote(target.split("#", 1)[0]))
    return targets


@pytest.mark.parametrize("path", DOCS, ids=_rel)
def test_doc_links_point_at_files_that_exist(path):
    missing = [t for t in _local_targets(path.read_text()) if not (path.parent / t).exists()]
    assert missing == [], f"{_rel(path)} links to missing files: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_notebook_links_point_at_files_that_exist(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    missing = [t for t in _local_targets(text) if not (path.parent / t).exists()]
    assert missing == [], f"{_rel(path)} links to missing files: {missing}"


# --- jupytext pairing --------------------------------------------------------------------


def _jupytext(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jupytext", *args], cwd=cwd, capture_output=True, text=True
    )


def _paired_paths(path: str) -> list[str]:
    """What ``jupytext --paired-paths PATH`` prints, run from the repository's root.

    jupytext's own command-line function, called in this process: a subprocess per path
    spent about 3 s importing jupytext, 26 times.
    """
    from jupytext.cli import jupytext as jupytext_cli

    out = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out):
        jupytext_cli(["--paired-paths", path])  # returns 1 after printing (jupytext 1.19)
    return out.getvalue().split()


def test_paired_paths_reads_what_the_command_line_prints():
    notebook = "notebooks/01_univariate_lstm_autoencoder.ipynb"
    result = _jupytext("--paired-paths", notebook, cwd=ROOT)
    assert _paired_paths(notebook) == result.stdout.split() != []


@pytest.mark.parametrize("source", SOURCES, ids=_rel)
def test_jupytext_pairs_each_notebook_with_its_source(source):
    notebook = build.target_of(source)
    for one, other in ((notebook, source), (source, notebook)):
        assert _paired_paths(_rel(one)) == [_rel(other)], _rel(one)


def test_jupytext_sync_from_an_edited_source_keeps_its_text(copy):
    shutil.copy2(ROOT / "jupytext.toml", copy / "jupytext.toml")
    source = copy / "notebooks" / "src" / "01_univariate_lstm_autoencoder.py"
    text = source.read_text().replace("# ## Recap", "# ## Recap (edited)", 1)
    source.write_text(text)
    result = _jupytext("--sync", "notebooks/src/01_univariate_lstm_autoencoder.py", cwd=copy)
    assert result.returncode == 0, result.stderr
    assert source.read_text() == text  # saving through jupytext changes no byte of a source
    nb = nbformat.read(copy / "notebooks" / "01_univariate_lstm_autoencoder.ipynb", as_version=4)
    assert any(c.source.startswith("## Recap (edited)") for c in nb.cells)
    # The synced notebook lacks what only the build adds, and the check says so.
    result = _check(copy)
    assert _mentions(result, "notebooks/01_univariate_lstm_autoencoder.ipynb", "NB=01_")
