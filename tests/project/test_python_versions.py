"""Every Python version that ``requires-python`` promises can install every pin from wheels.

For each Python minor version in the range and each target platform (Linux x86_64 with
glibc 2.28, macOS 14 on Apple Silicon), pip resolves the full pinned set (runtime and every
extra, jax and test, with their dependencies) with ``--dry-run --only-binary=:all:``: a pin, or any
dependency of one, without a wheel for that Python and platform fails.

pip's ``--platform`` and ``--python-version`` choose wheels but do not change how
environment markers are evaluated (pip evaluates them for the Python running it), so the
markers (``tensorflow-cpu`` on Linux x86_64, ``tensorflow`` elsewhere, ``tomli`` before
3.11) are evaluated here for the target, and pip gets plain requirements.

Needs the package index (PyPI, through pip's configuration) and is marked ``network``;
pip's HTTP cache (``PIP_CACHE_DIR``, ``.cache/pip`` under ``make``) keeps re-runs short.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from conftest import ROOT

pytestmark = [pytest.mark.network, pytest.mark.slow]

#: Marker environment and pip ``--platform`` tags of each target platform.
PLATFORMS = {
    "linux-x86_64": (
        {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "platform_machine": "x86_64",
            "os_name": "posix",
        },
        # glibc 2.28 (Debian 10, RHEL 8 and later); pip does not expand manylinux_2_x tags.
        [f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)] + ["manylinux2014_x86_64"],
    ),
    "macos-arm64": (
        {
            "sys_platform": "darwin",
            "platform_system": "Darwin",
            "platform_machine": "arm64",
            "os_name": "posix",
        },
        ["macosx_14_0_arm64"],  # pip also accepts the wheels for older macOS versions
    ),
}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def every_pin(project: dict) -> list[str]:
    """The runtime pins and those of every extra."""
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines += extra
    return lines


def supported_pythons(requires_python: str) -> list[str]:
    """Every ``3.x`` that ``requires_python`` admits; it must have an upper bound."""
    spec = SpecifierSet(requires_python)
    versions = [f"3.{minor}" for minor in range(0, 40) if f"3.{minor}.0" in spec]
    if not versions or f"3.{int(versions[-1][2:]) + 10}.0" in spec:
        raise ValueError(f"requires-python {requires_python!r} needs an upper bound")
    return versions


def target_environment(python: str, platform: str) -> dict[str, str]:
    """What ``packaging.markers`` needs to evaluate a marker for ``python`` on ``platform``."""
    return {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
        **PLATFORMS[platform][0],
    }


def requirements_for(lines: list[str], python: str, platform: str) -> list[str]:
    """The requirements of ``lines`` whose markers hold on the target, without markers."""
    env = target_environment(python, platform)
    out = []
    for line in lines:
        req = Requirement(line)
        if req.marker is None or Marker(str(req.marker)).evaluate(env):
            out.append(f"{req.name}{req.specifier}")
    return out


def pip_resolve(requirements: list[str], python: str, platform: str, tmp_path) -> str | None:
    """None when pip resolves ``requirements`` from wheels alone, else pip's error."""
    req_file = tmp_path / f"requirements-{python}-{platform}.txt"
    req_file.write_text("\n".join(requirements) + "\n")
    platform_args = [arg for tag in PLATFORMS[platform][1] for arg in ("--platform", tag)]
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--quiet",
        "--ignore-installed",
        "--only-binary=:all:",
        "--implementation=cp",
        f"--python-version={python}",
        *platform_args,
        "--target",
        str(tmp_path / "target"),
        "-r",
        str(req_file),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if result.returncode == 0:
        return None
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    return "\n".join(errors) or result.stderr[-2000:]


def test_the_range_is_read_with_its_upper_bound():
    assert supported_pythons(">=3.11,<3.14") == ["3.11", "3.12", "3.13"]
    with pytest.raises(ValueError, match="upper bound"):
        supported_pythons(">=3.10")


def test_markers_are_evaluated_for_the_target_not_for_this_python():
    lines = [*every_pin(_project()), "tomli==2.5.0; python_version < '3.11'"]
    linux = requirements_for(lines, "3.10", "linux-x86_64")
    mac = requirements_for(lines, "3.13", "macos-arm64")
    assert any(r.startswith("tensorflow-cpu==") for r in linux)
    assert not any(r.startswith("tensorflow==") for r in linux)
    assert any(r.startswith("tensorflow==") for r in mac)
    assert not any(r.startswith("tensorflow-cpu==") for r in mac)
    assert any(r.startswith("tomli==") for r in linux)  # python_version < '3.11'
    assert not any(r.startswith("tomli") for r in mac)
    assert all(";" not in r for r in linux + mac)


def test_a_pin_without_a_wheel_fails(tmp_path):
    # numpy 1.21.0 came before Python 3.13 and has no wheel for it (nor sources: only-binary).
    error = pip_resolve(["numpy==1.21.0"], "3.13", "linux-x86_64", tmp_path)
    assert error is not None and "numpy" in error


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("python", supported_pythons(_project()["requires-python"]))
def test_every_pin_installs_from_wheels(python, platform, tmp_path):
    project = _project()
    lines = every_pin(project)
    assert any(line.startswith("jax==") for line in lines)
    error = pip_resolve(requirements_for(lines, python, platform), python, platform, tmp_path)
    assert error is None, (
        f"Python {python} on {platform}: the pins do not resolve from wheels, so "
        f"requires-python ({project['requires-python']}) promises too much:\n{error}"
    )


def test_every_statement_of_the_range_agrees_with_requires_python():
    versions = supported_pythons(_project()["requires-python"])
    low, high = versions[0], versions[-1]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    low_t, high_t = (f"(3, {v[2:]})" for v in (low, high))
    assert f"{low_t} <= v <= {high_t}" in makefile, "the Makefile's version check"
    assert f"Python {low}-{high} needed" in makefile
    for doc in ("README.md", "docs/instructor-guide.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        stated = set(re.findall(r"Python (3\.\d+)[–-](3\.\d+)", text))
        assert stated == {(low, high)}, f"{doc} states {stated}"
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert f"({low} to {high} work)" in env
    assert re.search(r"- python=(3\.\d+)", env).group(1) in versions
