"""`make` set-up is idempotent and reinstalls when pyproject.toml changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(folder, target="venv"):
    return subprocess.run(
        ["make", "-n", target], cwd=folder, capture_output=True, text=True, check=True
    ).stdout


def test_setup_runs_only_when_pyproject_changes(root, tmp_path):
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(root / name, tmp_path / name)
    # Fresh folder: set-up would create the venv and install.
    assert "pip install" in _dry_run(tmp_path)
    # Pretend set-up ran after the last pyproject change: nothing to do.
    stamp = tmp_path / ".venv" / ".installed-from-pyproject"
    stamp.parent.mkdir()
    stamp.touch()
    later = time.time() + 5
    os.utime(stamp, (later, later))
    assert "pip install" not in _dry_run(tmp_path)
    # pyproject.toml edited after that: reinstall.
    os.utime(tmp_path / "pyproject.toml", (later + 5, later + 5))
    assert "pip install" in _dry_run(tmp_path)


def test_test_target_runs_lint_unit_notebooks_then_browser(root):
    out = _dry_run(root, "test")
    order = [out.find("ruff check"), out.find("ruff format --check"), out.find("pytest tests")]
    order.append(out.find("--nbmake"))
    order.append(out.find("-m browser"))
    assert -1 not in order, out
    assert order == sorted(order), out
    assert "--nbmake-timeout=" in out


def test_ci_runs_the_readme_test_command(root):
    readme = (root / "README.md").read_text()
    ci = (root / ".ci" / "run").read_text()
    assert "make test" in readme
    assert any(line.strip() == "make test" for line in ci.splitlines())


def test_ci_installs_chromium_from_debian_only(root):
    ci = (root / ".ci" / "run").read_text()
    assert "apt-get install" in ci and "chromium" in ci
    assert "playwright install" not in ci
