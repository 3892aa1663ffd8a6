"""A learner's install is lean: what `make lab` (and Binder, and conda) installs holds no
maintainers' tool.

`make lab` installs ``pip install -e .``: the runtime pins of ``[project] dependencies`` and
what they need (tests/project/test_makefile.py checks the command; environment.yml, which
Binder installs, mirrors the same pins: test_environment.py). Here pip resolves exactly that
set for this machine, as a fresh install would (``--dry-run --ignore-installed``), and the
test tools must not be in it. A few packages of the ``test`` extra are pinned there for the
tests' own imports but come with the runtime anyway, through a notebook package: those are
listed below, each with what pulls it in, and the test fails if the list goes stale.

Needs the package index (PyPI, through pip's configuration): marked ``network``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

from conftest import ROOT

pytestmark = [pytest.mark.network, pytest.mark.slow]

#: Pinned in the test extra, but also a dependency of a runtime pin: installed for learners too.
PULLED_BY_RUNTIME = {
    "pillow": "matplotlib needs it to save and show images",
    "pyyaml": "JupyterLab needs it (through jupyter-events)",
    "nbformat": "JupyterLab needs it (through jupyter-server and nbconvert)",
    "nbclient": "JupyterLab needs it (through nbconvert)",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def resolve(requirements: list[str], tmp_path) -> set[str]:
    """Normalised names of every distribution a fresh ``pip install`` of these would install."""
    (tmp_path / "requirements.txt").write_text("\n".join(requirements) + "\n")
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
    cmd += ["--report", str(report), "-r", str(tmp_path / "requirements.txt")]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return {_normal(item["metadata"]["name"]) for item in json.loads(report.read_text())["install"]}


@pytest.fixture(scope="module")
def runtime_set(tmp_path_factory) -> set[str]:
    return resolve(_project()["dependencies"], tmp_path_factory.mktemp("lean"))


def test_the_runtime_set_has_the_notebooks_packages(runtime_set):
    for name in ("tensorflow-cpu", "keras", "numpy", "pandas", "matplotlib", "jupyterlab"):
        if name == "tensorflow-cpu" and not sys.platform.startswith("linux"):
            name = "tensorflow"
        assert name in runtime_set, f"{name} missing from the runtime set"


def test_no_test_tool_in_a_learners_install(runtime_set):
    extras = _project()["optional-dependencies"]
    tools = {_normal(Requirement(r).name) for r in extras["test"]}
    backends = {_normal(Requirement(r).name) for r in extras["jax"]}
    found = runtime_set & (tools | backends)
    assert found - set(PULLED_BY_RUNTIME) == set(), (
        f"make lab would install maintainers' tools or the optional backend: "
        f"{sorted(found - set(PULLED_BY_RUNTIME))}"
    )
    for name in ("pytest", "ruff", "playwright", "jupyter-repo2docker", "hypothesis", "nbmake"):
        assert name not in runtime_set, name
    assert "jupytext" not in runtime_set and "jax" not in runtime_set


def test_the_list_of_shared_packages_is_not_stale(runtime_set):
    """Each package said to come with the runtime anyway really does (and is a test pin)."""
    tools = {_normal(Requirement(r).name) for r in _project()["optional-dependencies"]["test"]}
    for name, why in PULLED_BY_RUNTIME.items():
        assert name in tools, f"{name} is no longer a test pin: drop it from PULLED_BY_RUNTIME"
        assert name in runtime_set, f"{name} ({why}) no longer comes with the runtime pins"
