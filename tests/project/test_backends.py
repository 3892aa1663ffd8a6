"""Every installed Keras backend: the notebooks' seeding makes training repeatable, the
benchmarks measure each backend in its own process, and the README's table says which
backend its run times are for.

The seeding snippet below is the one the notebooks use (notebook 0 holds it verbatim). On
each backend it must give bit-identical weights when a model (notebook 2's kind, from
benchmarks/training.py) is built and trained twice with the same seed, and other weights with
another seed, so that the comparison can fail. What each backend guarantees:

* TensorFlow: ``keras.utils.set_random_seed`` seeds Python, numpy and TensorFlow's global
  generator; ``enable_op_determinism`` makes its kernels deterministic (without it, some CPU
  kernels may sum in a varying order).
* JAX: the same call seeds Keras's own generator, from which every initialiser and dropout
  draws (JAX has no hidden global state); XLA's CPU kernels are deterministic.
* PyTorch (not installed by this project): the same call also runs ``torch.manual_seed``.

On every backend the guarantee is for the same machine and the same versions: another CPU
or another backend may round differently, so numbers change while the lesson does not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from benchmarks import measure
from conftest import ROOT

SNIPPET = """\
SEED = int(os.environ.get("LSTM_TUTORIAL_SEED", "42"))
keras.utils.set_random_seed(SEED)  # Python, numpy and the backend's generator
if keras.backend.backend() == "tensorflow":  # TensorFlow also needs deterministic kernels
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
"""

CHILD = f"""
import hashlib, json, os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras
from benchmarks.training import build, data


def weights_after_training(seed):
    os.environ["LSTM_TUTORIAL_SEED"] = str(seed)
{"".join("    " + line + chr(10) if line else chr(10) for line in SNIPPET.splitlines())}
    X, Y = data("forecaster", 64)
    model = build("forecaster")
    model.compile(optimizer="adam", loss="mae")
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    return hashlib.sha256(b"".join(w.tobytes() for w in model.get_weights())).hexdigest()


print(json.dumps({{
    "backend": keras.backend.backend(),
    "42": weights_after_training(42),
    "42 again": weights_after_training(42),
    "43": weights_after_training(43),
}}))
"""


def _train_in_child(backend: str) -> dict[str, str]:
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_notebook_0_uses_the_seeding_snippet():
    source = (ROOT / "notebooks" / "src" / "00_setup_check.py").read_text(encoding="utf-8")
    assert SNIPPET in source


@pytest.mark.slow
@pytest.mark.parametrize("backend", measure.installed_backends())
def test_the_seeding_snippet_makes_training_repeatable(backend):
    res = _train_in_child(backend)
    assert res["backend"] == backend
    assert res["42"] == res["42 again"], f"{backend}: same seed, other weights"
    assert res["42"] != res["43"], f"{backend}: another seed gave the same weights"


def test_tensorflow_is_always_measured_first():
    backends = measure.installed_backends()
    assert backends[0] == "tensorflow"
    assert set(backends) <= set(measure.BACKENDS)


@pytest.mark.slow
def test_training_and_streaming_are_measured_per_backend():
    """The quick run: one child process per installed backend, and TensorFlow's defaults as
    the unit of every training ratio."""
    res = measure.bench_training(quick=True)
    assert res["failed"] == {}, res["failed"]
    rows = res["rows"]
    assert {r["backend"] for r in rows} == set(measure.installed_backends())
    base = [r for r in rows if r["backend"] == "tensorflow" and r["setting"] == "defaults"]
    assert len(base) == 1 and base[0]["time_ratio"] == 1.0
    assert all(r["epoch_s"] > 0 and r["time_ratio"] > 0 for r in rows)
    streaming = measure.bench_streaming(quick=True)
    assert streaming["failed"] == {}, streaming["failed"]
    assert set(streaming["by_backend"]) == set(measure.installed_backends())
    for backend, figures in streaming["by_backend"].items():
        assert figures["backend"] == backend and figures["stream_p50"] > 0


def test_a_failing_backend_is_reported_not_raised():
    res = measure.run_on_backend("benchmarks.no_such_module", "tensorflow", [])
    assert "error" in res and "no_such_module" in res["error"]


def _row(backend, model, setting, ratio, first):
    return {
        "backend": backend,
        "model": model,
        "setting": setting,
        "time_ratio": ratio,
        "first_epoch_s": first,
    }


def test_the_table_footer_names_the_backend(tmp_path):
    """tools/sync_docs_tables.py says which backend the run times are for, and how the other
    measured backends train relative to it."""
    sys.path.insert(0, str(ROOT / "tools"))
    import sync_docs_tables

    (tmp_path / "benchmarks").mkdir()
    results = {
        "notebooks": {"measured": "2026-12-03", "machine": "a CPU, 2 cores; Python", "rows": []},
        "training": {
            "rows": [
                _row("tensorflow", "autoencoder", "defaults", 1.0, 10.0),
                _row("tensorflow", "autoencoder", "jit_compile=True", 0.5, 30.0),
                _row("tensorflow", "forecaster", "defaults", 1.0, 4.0),
                _row("jax", "autoencoder", "defaults", 0.31, 20.0),
                _row("jax", "forecaster", "defaults", 0.2, 6.0),
            ]
        },
    }
    (tmp_path / "benchmarks" / "results.json").write_text(json.dumps(results))
    foot = sync_docs_tables.footer(tmp_path)
    assert "with Keras's TensorFlow backend (the default)" in foot
    assert (
        "On JAX, the notebooks' models train in 0.20–0.31 of TensorFlow's time per epoch, "
        "after a first epoch (compiling) 1.50–2.00 times as long" in foot
    ), foot
    results["notebooks"]["backend"] = "jax"
    (tmp_path / "benchmarks" / "results.json").write_text(json.dumps(results))
    assert "with Keras's JAX backend:" in sync_docs_tables.footer(tmp_path)
