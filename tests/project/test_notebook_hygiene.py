"""Committed notebooks are executed, in order, with outputs, and carry nothing machine-specific."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT

NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
MAX_BYTES = 2 * 1024 * 1024
# Absolute paths that only exist on one machine: home folders, temp folders, CI checkouts.
MACHINE_PATH = re.compile(
    r"(/home/[^/\s\"']+|/Users/[^/\s\"']+|/root/|/tmp/|/work/|/private/var/|[A-Z]:\\\\Users)"
)


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def _text_of_outputs(nb: dict) -> str:
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            parts.append(json.dumps({k: v for k, v in out.items() if k != "data"}))
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    parts.append(value if isinstance(value, str) else json.dumps(value))
    return "\n".join(parts)


def test_there_are_notebooks():
    assert any(p.name.startswith("00_") for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_clean(path: Path):
    assert path.stat().st_size <= MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"

    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert all(n is not None for n in counts), "notebook is not fully executed"
    assert counts == list(range(1, len(code) + 1)), f"not run top to bottom once: {counts}"

    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"error output saved: {errors[0].get('ename')}: {errors[0].get('evalue')}"

    found = MACHINE_PATH.search(_text_of_outputs(nb))
    assert found is None, f"machine-specific path in an output: {found.group(0)!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_tutorial_follows_the_template(path: Path):
    if path.parent.name == "solutions":
        pytest.skip("solutions follow the exercises, not the tutorial template")
    nb = json.loads(path.read_text())
    markdown = "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    ).lower()
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "what you will learn" in markdown
    assert "run time" in markdown
    assert "## recap" in markdown
    assert "## checks" in markdown  # the template's section of asserts (issue 16)
    assert "set_random_seed" in code
    if not path.name.startswith("00_"):
        assert "## exercises" in markdown
        assert "## step 1" in markdown


def test_every_name_of_the_pipeline_namespace_is_used_by_a_notebook():
    """`import lstm_helpers as lh` is what a learner meets: each name in it earns its place in
    at least one notebook (issue 21); the rest lives in its module (lh.metrics.x)."""
    import lstm_helpers as lh

    sources = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "notebooks" / "src").rglob("*.py")
    )
    unused = [n for n in lh.__all__ if not re.search(rf"\blh\.{n}\b", sources)]
    assert not unused, f"in lh.__all__ but used by no notebook: {unused}"
    assert len(lh.__all__) <= 45, len(lh.__all__)
