"""pyproject.toml is the one source of truth; environment.yml and Binder mirror it."""

from __future__ import annotations

import tomllib

import yaml
from packaging.requirements import Requirement

from conftest import run_tool


def _pyproject(root):
    return tomllib.loads((root / "pyproject.toml").read_text())


def _key(req: Requirement) -> tuple[str, str, str]:
    return (req.name.lower().replace("_", "-"), str(req.specifier), str(req.marker or ""))


def test_every_dependency_is_pinned_exactly(root):
    project = _pyproject(root)["project"]
    reqs = list(project["dependencies"])
    for lines in project["optional-dependencies"].values():
        reqs += lines
    assert any(r.startswith("jax==") for r in reqs) and any(r.startswith("pytest==") for r in reqs)
    for line in reqs:
        spec = list(Requirement(line).specifier)
        assert len(spec) == 1 and spec[0].operator == "==", f"not an exact pin: {line}"


def test_environment_yml_mirrors_pyproject(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert sorted(d.split("=")[0] for d in conda) == ["pip", "python"], conda
    (pip_section,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    from_env = sorted(_key(Requirement(r)) for r in pip_section)
    from_pyproject = sorted(
        _key(Requirement(r)) for r in _pyproject(root)["project"]["dependencies"]
    )
    assert from_env == from_pyproject


def test_tensorflow_wheel_is_chosen_by_platform_markers(root):
    reqs = [Requirement(r) for r in _pyproject(root)["project"]["dependencies"]]
    tf = {r.name: r for r in reqs if r.name.startswith("tensorflow")}
    assert set(tf) == {"tensorflow", "tensorflow-cpu"}
    linux_x86 = {"sys_platform": "linux", "platform_machine": "x86_64"}
    mac_arm = {"sys_platform": "darwin", "platform_machine": "arm64"}
    assert tf["tensorflow-cpu"].marker.evaluate(linux_x86)
    assert not tf["tensorflow"].marker.evaluate(linux_x86)
    assert tf["tensorflow"].marker.evaluate(mac_arm)
    assert not tf["tensorflow-cpu"].marker.evaluate(mac_arm)
    assert tf["tensorflow"].specifier == tf["tensorflow-cpu"].specifier


def test_binder_environment_is_identical_to_root(root):
    assert (root / "binder" / "environment.yml").read_text() == (
        root / "environment.yml"
    ).read_text()


def test_environment_files_are_generated_from_pyproject(root):
    result = run_tool("sync_env.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_versions_match_the_pins(root):
    """The environment the tests run in is the one the pins describe."""
    import importlib.metadata as md

    for line in _pyproject(root)["project"]["dependencies"]:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate():
            continue
        assert md.version(req.name) in req.specifier, f"{req.name} {md.version(req.name)}"


def test_package_exposes_version_matching_metadata():
    import importlib.metadata as md

    import lstm_helpers

    assert lstm_helpers.__version__ == md.version("lstm_helpers")
