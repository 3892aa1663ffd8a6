"""Every third-party package the project imports is pinned in pyproject.toml, and only those.

The code scanned: lstm_helpers/, tests/, tools/, benchmarks/, conftest.py, the notebooks
(notebooks/**/*.ipynb, code cells) and their text sources (notebooks/**/*.py). An import
is third-party unless it is in the standard library (``sys.stdlib_module_names``) or ours
(lstm_helpers, tools, benchmarks, tests, and the modules inside those folders, which tools
and tests import by file name). What the package and the notebooks import must be pinned
in ``[project] dependencies`` (Binder and Colab install only those); tests, tools and
benchmarks may also use the optional extras (``test``, ``jax``).
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import json
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

#: Import names whose distribution has another name, for when it is not installed here
#: (when it is, ``importlib.metadata.packages_distributions()`` knows).
IMPORT_TO_DISTRIBUTION = {
    "PIL": "Pillow",
    "yaml": "PyYAML",
    "sklearn": "scikit-learn",
    "IPython": "ipython",
}

#: Imported but deliberately not pinned, each with its reason.
NOT_PINNED = {
    "pip": "in every virtual environment; tools/check_env.py falls back on its vendored copies",
    "dateutil": "only the vendored NAB sweeper (tests/helpers) imports it; pandas requires it",
    "simplejson": "the vendored NAB sweeper tries it and falls back on the standard json",
}

#: Folders whose code runs where only the runtime pins are installed (Binder, Colab).
RUNTIME_FOLDERS = ("lstm_helpers", "notebooks")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def first_party(root: Path) -> set[str]:
    """Top-level names that are ours: our folders and the modules inside them."""
    names = {"lstm_helpers", "tools", "benchmarks", "tests", "conftest"}
    for folder in ("tools", "tests", "benchmarks"):
        names |= {p.stem for p in (root / folder).rglob("*.py")}
    return names


def sources(root: Path) -> list[tuple[str, str]]:
    """(path relative to root, Python code) for every file the scan covers."""
    out = []
    files = [root / "conftest.py"] if (root / "conftest.py").exists() else []
    for folder in ("lstm_helpers", "tests", "tools", "benchmarks", "notebooks"):
        files += sorted((root / folder).rglob("*.py"))
    for path in files:
        out.append((path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")))
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells
            if c["cell_type"] == "code"
        ]
        out.append((path.relative_to(root).as_posix(), without_magics("\n".join(code))))
    return out


def without_magics(code: str) -> str:
    """A notebook's code without its IPython magic and shell lines (``%run``, ``!pip``).
    Only for notebooks: in a .py file a line starting with ``%`` continues an expression."""
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def imported_names(code: str) -> set[str]:
    """Top-level names of every absolute import in ``code`` (plain Python)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@functools.cache
def _installed() -> dict[str, list[str]]:
    return md.packages_distributions()


def distributions(import_name: str) -> set[str]:
    """Normalised names of the distributions that may provide ``import_name``."""
    found = set(_installed().get(import_name, []))
    found.add(IMPORT_TO_DISTRIBUTION.get(import_name, import_name))
    return {_normal(d) for d in found}


def pins(root: Path) -> tuple[set[str], set[str]]:
    """Normalised names pinned in ``[project] dependencies`` and in the optional extras."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_normal(Requirement(r).name) for r in project["dependencies"]}
    extras = project.get("optional-dependencies", {}).values()
    optional = {_normal(Requirement(r).name) for lines in extras for r in lines}
    return runtime, optional


def unpinned_imports(root: Path) -> list[str]:
    """One message per third-party import that has no pin where its code runs."""
    ours = first_party(root)
    runtime, test = pins(root)
    problems = []
    for rel, code in sources(root):
        allowed = runtime if rel.startswith(RUNTIME_FOLDERS) else runtime | test
        where = "[project] dependencies" if allowed is runtime else "pyproject.toml"
        for name in sorted(imported_names(code)):
            if name in sys.stdlib_module_names or name in ours or name in NOT_PINNED:
                continue
            if not distributions(name) & allowed:
                problems.append(f"{rel} imports {name}, which has no pin in {where}")
    return problems


def unused_pins(root: Path) -> list[str]:
    """Pinned distributions that nothing scanned imports (besides those pinned as tools)."""
    imported = set()
    for _, code in sources(root):
        for name in imported_names(code):
            imported |= distributions(name)
    runtime, test = pins(root)
    return sorted((runtime | test) - imported - set(USED_WITHOUT_IMPORT))


#: Pins that are used, but not by an ``import`` in our code: each with what uses it.
USED_WITHOUT_IMPORT = {
    "tensorflow": "Keras's backend (import keras); imported as tensorflow where needed",
    "tensorflow-cpu": "the same backend, CPU-only wheel on Linux x86_64",
    "jax": "Keras's optional JAX backend (KERAS_BACKEND=jax), loaded by keras itself",
    "jaxlib": "JAX's compiled runtime, loaded by jax",
    "jupyterlab": "the notebook interface (make lab, the browser test)",
    "ipykernel": "the kernel every notebook runs on",
    "nbmake": "pytest --nbmake in make test",
    "ruff": "make lint and make format",
    "jupyter-repo2docker": "tests/project/test_binder.py runs its command line",
}


# --------------------------------------------------------------------------- the tests


def test_every_import_has_a_pin(root):
    assert unpinned_imports(root) == []


def test_every_pin_is_used(root):
    assert unused_pins(root) == [], "pinned but never imported: remove, or say who uses it"


def test_every_pin_has_a_one_line_reason(root):
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    project = text[text.index("\n[project]") : text.index("\n[tool.")]  # pins and extras
    blocks = re.findall(r"^[\w-]+ = \[\n(.*?)^\]", project, re.S | re.M)
    assert len(blocks) >= 3, "dependencies and the extras (jax, test) not found"
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        for before, line in zip(["", *lines], lines, strict=False):
            if line.startswith('"'):
                assert before.startswith("#"), f"no reason given above {line}"


def _project(tmp_path: Path, files: dict[str, str], deps=("numpy==2.4.6",), test=()) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f"[project]\ndependencies = {json.dumps(list(deps))}\n"
        f"[project.optional-dependencies]\ntest = {json.dumps(list(test))}\n"
    )
    for rel, code in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(code)
    return tmp_path


def test_an_unpinned_import_fails(tmp_path):
    root = _project(
        tmp_path,
        {
            "lstm_helpers/x.py": "import os\nimport numpy as np\nfrom requests import get\n",
            "tools/t.py": "import x_helper\nfrom lstm_helpers import x\n",
            "tools/x_helper.py": "",
        },
    )
    assert unpinned_imports(root) == [
        "lstm_helpers/x.py imports requests, which has no pin in [project] dependencies"
    ]


def test_a_notebook_import_is_found_past_magics(tmp_path):
    cell = {"cell_type": "code", "source": ["%matplotlib inline\n", "from PIL import Image\n"]}
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    root = _project(tmp_path, {"notebooks/n.ipynb": json.dumps(nb)}, test=["Pillow==13.0.0"])
    # Pillow is pinned, but only as a test tool: a notebook on Binder would not have it.
    assert unpinned_imports(root) == [
        "notebooks/n.ipynb imports PIL, which has no pin in [project] dependencies"
    ]


def test_test_tools_may_use_the_test_extra(tmp_path):
    root = _project(tmp_path, {"tests/test_y.py": "import yaml\n"}, test=["PyYAML==6.0.4"])
    assert unpinned_imports(root) == []
    root = _project(tmp_path, {"tests/test_y.py": "import yaml\n"}, test=[])
    assert unpinned_imports(root) == [
        "tests/test_y.py imports yaml, which has no pin in pyproject.toml"
    ]


def test_an_unused_pin_fails(tmp_path):
    root = _project(tmp_path, {"lstm_helpers/x.py": "import numpy\n"}, test=["psutil==7.2.2"])
    assert unused_pins(root) == ["psutil"]


def test_a_python_line_starting_with_percent_is_code_not_a_magic(tmp_path):
    # A vendored file formats a message over several lines: `% (path, name))` continues it.
    code = 'raise ValueError("bad %s"\n                 % ("x",))\nimport yaml\n'
    root = _project(tmp_path, {"tests/test_y.py": code}, test=["PyYAML==6.0.4"])
    assert unpinned_imports(root) == []
