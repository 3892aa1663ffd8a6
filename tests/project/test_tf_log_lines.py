"""TensorFlow's C++ start-up lines are silenced for real, so saved outputs show what a learner sees.

A Jupyter kernel forwards what TensorFlow's C++ code writes to its standard error into the
notebook (ipykernel captures the process's file descriptor 2), so a learner sees those lines
("WARNING: All log messages before absl::InitializeLog() ...", "I0000 ... cpu_feature_guard.cc
...") under the cell that first imports Keras, unless ``TF_CPP_MIN_LOG_LEVEL`` is set before
TensorFlow loads. Every notebook sets it in its setup cell, and the build saves outputs as the
kernel printed them (``tools/build_notebooks.py`` filters nothing). So:

1. no committed notebook holds such a line;
2. every notebook sets ``TF_CPP_MIN_LOG_LEVEL`` in code that runs before its first
   ``import keras`` (``make notebooks`` exports level 3, which would hide a notebook that
   forgot, from the saved outputs but not from a learner on Colab);
3. in a real kernel whose environment does not silence TensorFlow (``TF_CPP_MIN_LOG_LEVEL``
   unset, as on Colab or in a learner's own Jupyter; ``TF_CPP_MAX_VLOG_LEVEL=1`` makes
   TensorFlow log on every CPU), a bare ``import keras`` shows such lines (the check sees the
   real thing), and notebook 0's cells up to its Keras import show none, on each installed
   backend (under JAX, ``keras.utils.set_random_seed`` loads TensorFlow too).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

#: A TensorFlow (absl/glog) C++ log line: severity, date, time, thread id, file:line].
LOG_LINE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w./-]+:\d+\])",
    re.M,
)
NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
BACKENDS = ["tensorflow"] + (["jax"] if importlib.util.find_spec("jax") else [])


def log_lines(outputs: list[dict]) -> list[str]:
    """The TensorFlow C++ log lines in a cell's outputs (streams and plain-text results)."""
    found = []
    for out in outputs:
        text = out.get("text", "") if out.get("output_type") == "stream" else ""
        text += "".join(out.get("data", {}).get("text/plain", ""))
        text = "".join(text) if isinstance(text, list) else text
        found += [m.group(0) for m in LOG_LINE.finditer(text)]
    return found


def test_the_pattern_matches_real_lines_and_nothing_else():
    real = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        "I0000 00:00:1796293856.632435   31203 cpu_feature_guard.cc:227] This TensorFlow binary",
        "W0000 00:00:1732000000.123456    1234 port.cc:153] oneDNN custom operations are on.",
    ]
    for line in real:
        assert log_lines([{"output_type": "stream", "name": "stderr", "text": line}]), line
    ordinary = "WARNING: a threshold of 0.5\nI0 is a name\nEpoch 1/5 - loss: 0.1\n"
    assert log_lines([{"output_type": "stream", "name": "stdout", "text": ordinary}]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_saved_output_holds_a_tensorflow_log_line(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        found = log_lines(cell.get("outputs", []))
        assert not found, (
            f"{path.name} cell {i} shows TensorFlow's C++ log lines, as a learner would: "
            f"{found[:2]}. Set os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3' before importing keras."
        )


def _run(cells: list[str], backend: str) -> list[dict]:
    """Execute ``cells`` in a fresh python3 kernel whose environment does not silence
    TensorFlow, from the notebooks' folder; every output, in order."""
    from nbclient import NotebookClient

    # Without PYTEST_CURRENT_TEST: ipykernel does not forward the process's stderr under
    # pytest (nor, so, under pytest --nbmake), but it does in JupyterLab and in the build.
    hidden = ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env.update(TF_CPP_MAX_VLOG_LEVEL="1", KERAS_BACKEND=backend, MPLBACKEND="agg")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(ROOT / "notebooks")}},
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return [out for cell in nb.cells for out in cell.outputs]


def setup_cells(path: Path) -> list[str]:
    """A notebook's code cells up to and including the first that imports Keras (all of them
    when none does: a solutions notebook runs its tutorial, which silences TensorFlow itself)."""
    code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    imports = [i for i, src in enumerate(code) if re.search(r"^import keras", src, re.M)]
    return code[: imports[0] + 1] if imports else code


SILENCE = re.compile(
    r"""^os\.environ(\["TF_CPP_MIN_LOG_LEVEL"\] = |\.setdefault\("TF_CPP_MIN_LOG_LEVEL", )"3"\)?""",
    re.M,
)


def silenced_before_keras(code: str) -> bool:
    """Whether ``code`` sets TF_CPP_MIN_LOG_LEVEL to 3 before its first ``import keras``."""
    first_import = re.search(r"^import keras", code, re.M)
    setting = SILENCE.search(code)
    return first_import is None or (setting is not None and setting.start() < first_import.start())


def test_the_static_check_can_fail():
    assert silenced_before_keras(
        'import os\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"\nimport keras'
    )
    assert silenced_before_keras('os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")\nimport keras')
    assert not silenced_before_keras("import keras\nimport os")
    assert not silenced_before_keras('import keras\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"')


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_each_notebook_silences_tensorflow_before_keras_loads(path: Path):
    assert silenced_before_keras("\n".join(setup_cells(path))), (
        f"{path.name}: set os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3' before `import keras`, "
        "or a learner sees TensorFlow's C++ start-up lines"
    )


@pytest.mark.slow
def test_an_unsilenced_kernel_shows_the_lines():
    """The control: without the set-up line, a learner sees TensorFlow's C++ lines."""
    found = log_lines(_run(["import keras\nkeras.ops.ones(2)"], "tensorflow"))
    assert found, "no TensorFlow log line in a kernel that does not silence TensorFlow"


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_notebook_0_shows_no_log_line_in_a_real_kernel(backend: str):
    path = next((ROOT / "notebooks").glob("00_*.ipynb"))
    outputs = _run([*setup_cells(path), "keras.ops.ones(2)"], backend)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    assert log_lines(outputs) == [], f"{path.name} on {backend}: {log_lines(outputs)[:3]}"
