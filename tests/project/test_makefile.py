"""`make` set-up is idempotent and reinstalls when pyproject.toml changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(folder, target="venv", *args):
    # A calling make (make test WORKERS=0 ...) passes its variables down through MAKEFLAGS,
    # and an exported WORKERS would override the Makefile's default: this make sees neither.
    outer = {"MAKELEVEL", "MAKEFLAGS", "MFLAGS", "WORKERS"}
    env = {k: v for k, v in os.environ.items() if k not in outer}
    return subprocess.run(
        ["make", "-n", target, *args],
        cwd=folder, capture_output=True, text=True, check=True, env=env,
    ).stdout  # fmt: skip


def _copy(root, folder):
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(root / name, folder / name)
    return folder


def _stamp(folder, name, when):
    stamp = folder / ".venv" / name
    stamp.parent.mkdir(exist_ok=True)
    stamp.touch()
    os.utime(stamp, (when, when))


@pytest.mark.parametrize(
    ("target", "stamps"),
    [
        ("venv", [".installed-runtime"]),
        ("unit", [".installed-runtime", ".installed-test"]),
    ],
)
def test_setup_runs_only_when_pyproject_changes(root, tmp_path, target, stamps):
    _copy(root, tmp_path)
    # Fresh folder: set-up would create the venv and install.
    assert "pip install" in _dry_run(tmp_path, target)
    # Pretend set-up ran after the last pyproject change: nothing to install.
    later = time.time() + 5
    for i, name in enumerate(stamps):
        _stamp(tmp_path, name, later + i)
    assert "pip install" not in _dry_run(tmp_path, target)
    # pyproject.toml edited after that: reinstall.
    os.utime(tmp_path / "pyproject.toml", (later + 10, later + 10))
    assert "pip install" in _dry_run(tmp_path, target)


def test_test_target_runs_lint_unit_notebooks_jax_then_browser(root):
    out = _dry_run(root, "test")
    order = [
        out.find("ruff check"),
        out.find("ruff format --check"),
        out.find("pytest -n auto tests"),
    ]
    order.append(out.find("--nbmake"))
    order.append(out.find("KERAS_BACKEND=jax"))
    order.append(out.find("-m browser"))
    assert -1 not in order, out
    assert order == sorted(order), out
    assert "--nbmake-timeout=" in out


def test_jaxtest_runs_the_keras_helper_tests_and_notebooks_1_and_2_on_jax(root):
    lines = [line for line in _dry_run(root, "jaxtest").splitlines() if "pytest" in line]
    assert len(lines) == 2, lines
    assert all(line.startswith("KERAS_BACKEND=jax ") for line in lines), lines
    assert lines[0].endswith(
        "pytest -n auto tests/helpers/test_training.py tests/helpers/test_streaming.py"
    ), lines[0]
    assert "--nbmake" in lines[1], lines[1]
    assert "notebooks/01_*.ipynb notebooks/02_*.ipynb" in lines[1], lines[1]


@pytest.mark.parametrize("target", ["unit", "nbtest", "jaxtest", "browser"])
def test_tests_run_on_every_core_unless_told_otherwise(root, target):
    lines = [line for line in _dry_run(root, target).splitlines() if "-m pytest" in line]
    assert lines and all(" -m pytest -n auto " in line for line in lines), lines
    lines = [ln for ln in _dry_run(root, target, "WORKERS=0").splitlines() if "-m pytest" in ln]
    assert lines and all(" -m pytest -n 0 " in line for line in lines), lines


def _fake_venv(root, folder):
    """A copy of the Makefile with an installed-looking .venv whose jupyter prints its
    environment's KERAS_BACKEND instead of starting JupyterLab."""
    _copy(root, folder)
    later = time.time() + 5
    for i, name in enumerate((".installed-runtime", ".installed-jax", ".installed-test")):
        _stamp(folder, name, later + i)
    jupyter = folder / ".venv" / "bin" / "jupyter"
    jupyter.parent.mkdir(parents=True)
    jupyter.write_text(
        '#!/bin/sh\necho "jupyter $* KERAS_BACKEND=$KERAS_BACKEND'
        ' TF_CPP_MIN_LOG_LEVEL=$TF_CPP_MIN_LOG_LEVEL"\n'
    )
    jupyter.chmod(0o755)
    return folder


@pytest.mark.parametrize("backend", ["", "tensorflow", "jax"])
def test_lab_opens_jupyterlab_on_the_chosen_backend(root, tmp_path, backend):
    folder = _fake_venv(root, tmp_path)
    args = [f"BACKEND={backend}"] if backend else []
    # Not KERAS_BACKEND, nor the variables a calling make passes down (under `make unit` the
    # sub-make would print "Entering directory" lines around its output).
    outer = {"KERAS_BACKEND", "MAKELEVEL", "MAKEFLAGS", "MFLAGS"}
    env = {k: v for k, v in os.environ.items() if k not in outer}
    env["KERAS_BACKEND"] = "torch"  # a learner's own setting does not leak into make lab
    env["TF_CPP_MIN_LOG_LEVEL"] = "0"  # nor a lower log level (make test exports 3 itself)
    out = subprocess.run(
        ["make", "lab", *args], cwd=folder, capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    assert f"KERAS_BACKEND={backend or 'tensorflow'}" in out.stdout.splitlines()[-1], out.stdout
    # TensorFlow's C++ log silenced as the notebooks' setup cells do (os.environ.setdefault
    # would keep a lower level from make): no "E0000 ... use_unbounded_threadpool" lines.
    assert "TF_CPP_MIN_LOG_LEVEL=3" in out.stdout.splitlines()[-1], out.stdout


def test_an_unknown_backend_is_refused_with_the_choices(root, tmp_path):
    folder = _fake_venv(root, tmp_path)
    out = subprocess.run(
        ["make", "lab", "BACKEND=torch"], cwd=folder, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "BACKEND=tensorflow" in out.stderr and "BACKEND=jax" in out.stderr, out.stderr


def test_lab_installs_the_runtime_pins_only(root, tmp_path):
    """make lab installs lstm_helpers and its dependencies, no extra; BACKEND=jax adds the
    jax extra only; make test adds the test tools (and jax, which it also runs on)."""
    _copy(root, tmp_path)

    def installs(*args):
        return [line for line in _dry_run(tmp_path, *args).splitlines() if "pip install" in line]

    lab = [line for line in installs("lab") if "--upgrade" not in line]
    assert lab and all(line.rstrip().endswith("-e .") for line in lab), lab
    jax = [line for line in installs("lab", "BACKEND=jax") if "[" in line]
    assert jax and all('-e ".[jax]"' in line for line in jax), jax
    test = installs("test")
    assert any('-e ".[test,jax]"' in line for line in test), test


def test_ci_runs_the_readme_test_command(root):
    readme = (root / "README.md").read_text()
    ci = (root / ".ci" / "run").read_text()
    assert "make test" in readme
    assert any(line.strip() == "make test" for line in ci.splitlines())


def test_ci_installs_chromium_from_debian_only(root):
    ci = (root / ".ci" / "run").read_text()
    assert "apt-get install" in ci and "chromium" in ci
    assert "playwright install" not in ci
