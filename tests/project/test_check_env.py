"""tools/check_env.py: OK in the project's environment, FAIL on a wrong or missing pin."""

from __future__ import annotations

import sys

from conftest import ROOT, run_tool

sys.path.insert(0, str(ROOT / "tools"))
import check_env


def test_project_environment_passes():
    result = run_tool("check_env.py", "--all")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line[:4].strip() in {"OK", "FAIL"}]
    assert lines and all(line.startswith("OK") for line in lines), result.stdout
    for name in ("keras", "numpy", "pandas", "matplotlib", "jupyterlab", "nbmake", "jax"):
        assert any(line.split()[1] == name for line in lines), f"{name} not checked"


def test_wrong_and_missing_pins_fail(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[project]\n"
        'dependencies = ["numpy==0.0.1", "no-such-package-here==1.0"]\n'
        "[project.optional-dependencies]\n"
        'test = ["pytest==0.0.1"]\n'
        'other = ["no-such-tool-here==1.0"]\n'
    )
    rows = {name: (status, found) for status, name, _, found in check_env.check(tmp_path, [])}
    assert rows["numpy"][0] == "FAIL" and rows["numpy"][1] != "not installed"
    assert rows["no-such-package-here"] == ("FAIL", "not installed")
    assert "pytest" not in rows  # an extra only when asked for
    assert check_env.check(tmp_path, ["test"])[2][:2] == ("FAIL", "pytest")
    every = [r[1] for r in check_env.check(tmp_path, "all")]
    assert "pytest" in every and "no-such-tool-here" in every


def test_an_extra_is_checked_when_part_of_it_is_installed(tmp_path):
    """By default, an extra counts when one of its own packages is installed: pytest here
    (a test tool), not Pillow alone, which matplotlib pulls in for every learner."""
    (tmp_path / "pyproject.toml").write_text(
        "[project]\n"
        'dependencies = ["matplotlib==0.0.1"]\n'
        "[project.optional-dependencies]\n"
        'test = ["pytest==0.0.1"]\n'
        'pillow-only = ["Pillow==0.0.1"]\n'
        'absent = ["no-such-tool-here==1.0"]\n'
    )
    names = [r[1] for r in check_env.check(tmp_path)]
    assert "pytest" in names  # installed here: its pin is checked (and fails)
    assert "Pillow" not in names  # installed only because matplotlib needs it
    assert "no-such-tool-here" not in names


def test_markers_that_do_not_apply_are_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[project]\n"
        "dependencies = [\"numpy==0.0.1; sys_platform == 'no-such-os'\"]\n"
        "[project.optional-dependencies]\ntest = []\n"
    )
    assert [r[1] for r in check_env.check(tmp_path)] == ["lstm_helpers"]
