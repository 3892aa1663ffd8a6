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
    for name in ("keras", "numpy", "pandas", "matplotlib", "jupyterlab", "nbmake"):
        assert any(line.split()[1] == name for line in lines), f"{name} not checked"


def test_wrong_and_missing_pins_fail(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[project]\n"
        'dependencies = ["numpy==0.0.1", "no-such-package-here==1.0"]\n'
        "[project.optional-dependencies]\n"
        'test = ["pytest==0.0.1"]\n'
    )
    rows = {name: (status, found) for status, name, _, found in check_env.check(tmp_path)}
    assert rows["numpy"][0] == "FAIL" and rows["numpy"][1] != "not installed"
    assert rows["no-such-package-here"] == ("FAIL", "not installed")
    assert "pytest" not in rows  # test tools only with include_test
    assert check_env.check(tmp_path, include_test=True)[2][:2] == ("FAIL", "pytest")


def test_markers_that_do_not_apply_are_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[project]\n"
        "dependencies = [\"numpy==0.0.1; sys_platform == 'no-such-os'\"]\n"
        "[project.optional-dependencies]\ntest = []\n"
    )
    assert [r[1] for r in check_env.check(tmp_path)] == ["lstm_helpers"]
