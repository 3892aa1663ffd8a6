"""Notebook 1 tells the same story under every seed: it runs, Checks included, for seeds 0-9.

Notebook 1 reads its seed from ``LSTM_TUTORIAL_SEED`` (42 by default). Another seed trains
another model, which is how a different CPU changes the notebook's numbers, so seeds 0-9
stand in for thirty laptops in a workshop. The notebook's prose states only what held for
every one of these seeds, and its Checks cell asserts it: a run that raises fails here.

Each run executes the committed notebook headless in a fresh kernel, with the seed in the
kernel's environment, and writes nothing. A cell appended after the last one prints the run's
key figures (those the prose deliberately does not quote) as one JSON line, which the test
prints: ``pytest -m seeds -s tests/project/test_seeds.py`` shows the table per seed.

About five minutes on a quiet 2-core CPU (ten runs of notebook 1); marked ``seeds``.
"""

from __future__ import annotations

import json
import time

import nbformat
import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "01_univariate_lstm_autoencoder.ipynb"
SEEDS = list(range(10))

# Run after the notebook, in its kernel: the figures that change from run to run.
KEY_FIGURES = """\
import json as _json
print(_json.dumps({
    "seed": SEED,
    "training MAE": round(float(history.history["loss"][-1]), 4),
    "window threshold": round(float(threshold), 4),
    "training windows above": round(float(np.mean(train_window_err > threshold)), 4),
    "normal windows flagged": int(len(normal_flagged)),
    "localise: other points": int((~np.isin(localised, true_idx)).sum()),
    "max per point: spikes": int(np.isin(true_idx, detected_points).sum()),
    "max per point: neighbours": int(len(neighbours)),
    "causal: other points": int((~np.isin(causal_points, true_idx)).sum()),
    "spike error ratio": round(float(spike_ratio), 1),
    "smallest spike margin": round(float((test_pts[true_idx] / point_threshold).min()), 1),
}))
"""


def run_notebook(seed: int, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, float]:
    """Execute notebook 1 with ``seed``; its key figures and the wall time in seconds."""
    from nbclient import NotebookClient

    monkeypatch.setenv("LSTM_TUTORIAL_SEED", str(seed))  # the kernel inherits it
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(KEY_FIGURES))
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError if any cell (the Checks too) raises
    seconds = time.perf_counter() - start
    lines = [o["text"] for o in nb.cells[-1].outputs if o.get("output_type") == "stream"]
    return json.loads("".join(lines).strip().splitlines()[-1]), seconds


@pytest.mark.seeds
@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_notebook_1_passes_its_checks_under_seed(seed, monkeypatch):
    figures, seconds = run_notebook(seed, monkeypatch)
    assert figures["seed"] == seed, "the notebook did not read LSTM_TUTORIAL_SEED"
    assert figures["max per point: spikes"] == 4  # also asserted by the notebook's Checks
    print(f"\n{json.dumps(figures)} run {seconds:.0f} s")
