"""Launch badges, the Colab install cell, and every relative link in the docs and notebooks."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from conftest import ROOT, run_tool

sys.path.insert(0, str(ROOT / "tools"))
import badges

NOTEBOOKS = badges.notebooks()
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_badges_and_install_cells_are_up_to_date():
    result = run_tool("badges.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_notebook_is_covered():
    names = {p.name for p in NOTEBOOKS}
    assert {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")} <= names
    assert any(p.parent.name == "solutions" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_rel)
def test_notebook_has_both_badges_pointing_at_itself(path):
    github, branch = badges.settings()
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
    github, branch = badges.settings()
    readme = (ROOT / "README.md").read_text()
    url = f"https://mybinder.org/v2/gh/{github}/{branch}?urlpath=lab/tree/notebooks"
    assert url in readme
    assert (ROOT / "notebooks").is_dir()


def _install_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert badges.INSTALL_TAG in code[0].metadata.get("tags", []), (
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
    github, branch = badges.settings()
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
