# %% [markdown]
# # 0 · Setup check
#
# Run this notebook first, before a workshop or before the tutorials. In a few seconds it tells you whether your machine, Binder session or Colab runtime can run everything else.
#
# **What you will learn**
#
# - which versions of Python, TensorFlow, Keras, numpy, pandas and matplotlib you have, and whether they match the ones this tutorial was tested with;
# - where `lstm_helpers`, the tutorial's small helper package, is imported from;
# - which Keras backend runs the models (TensorFlow by default, or JAX) and how to switch;
# - that the backend can compute and train a model on your CPU, and that figures display.
#
# **Prerequisites:** none. **Run time:** about 10 s on a 2-core CPU, most of it importing TensorFlow (the README's table has the measured figure).
# <!-- not-claims: 10 2 (run time and machine measured by make bench, not by this notebook) -->
#
# Run the cells top to bottom (*Run → Run All Cells*). Every check prints **OK** or says what is wrong and what to do.

# %% [markdown]
# ## Setup
#
# Imports first. Importing TensorFlow takes a few seconds; we silence TensorFlow's low-level start-up messages, which are information, not errors. One seed, read from the environment (default 42), seeds Python, numpy and the backend.

# %%
import importlib.metadata as md
import importlib.util
import os
import platform
import sys
from pathlib import Path

# hide TensorFlow's C++ start-up lines (set before Keras loads TensorFlow); Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from packaging.requirements import Requirement
from packaging.version import Version

SEED = int(os.environ.get("LSTM_TUTORIAL_SEED", "42"))
keras.utils.set_random_seed(SEED)  # Python, numpy and the backend's generator
if keras.backend.backend() == "tensorflow":  # TensorFlow also needs deterministic kernels
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
ON_COLAB = "google.colab" in sys.modules
print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
print(f"Keras {keras.__version__} on the {keras.backend.backend()} backend")


# %% [markdown]
# ## Step 1 — Versions against the tested pins
#
# The versions this tutorial was tested with are recorded in `lstm_helpers`' own package metadata (they come from `pyproject.toml`). We compare what is installed with them. Another major or minor version of TensorFlow, Keras or numpy (or of JAX, on the JAX backend) changes behaviour and results: that **fails** the check. Any other difference (a patch version such as 2.4.5 for 2.4.6, or another version of pandas or JupyterLab) is only a **warning**: it usually works, and you can carry on.


# %%
BACKEND = keras.backend.backend()
# A different major.minor version of these fails the check; any other difference warns.
MUST_MATCH = {"tensorflow", "tensorflow-cpu", "keras", "numpy"} | (
    {"jax", "jaxlib"} if BACKEND == "jax" else set()
)


def pinned_versions(package: str = "lstm_helpers", extra: str = "") -> dict[str, str]:
    """{distribution: pinned version} of the requirements that apply here: this platform's
    TensorFlow wheel, and the pins of the optional extra named like the backend (jax)."""
    pins = {}
    for line in md.requires(package) or []:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue  # the test tools, another extra, or another platform's TensorFlow wheel
        pins[req.name] = next(iter(req.specifier)).version
    return pins


def status(name: str, tested: str, found: str | None) -> str:
    """OK, WARN or FAIL for one package, with the reason."""
    if found is None:
        return "FAIL: missing" if name in MUST_MATCH else "WARN: missing"
    if found == tested:
        return "OK"
    same_minor = Version(found).release[:2] == Version(tested).release[:2]
    if name in MUST_MATCH and not same_minor:
        return "FAIL: another major or minor version"
    return "WARN: another patch version" if same_minor else "WARN: another version"


rows = []
for name, tested in pinned_versions(extra=BACKEND).items():
    try:
        found = md.version(name)
    except md.PackageNotFoundError:
        found = None
    rows.append(
        {
            "package": name,
            "tested": tested,
            "installed": found or "missing",
            "status": status(name, tested, found),
        }
    )
versions = pd.DataFrame(rows).set_index("package")
failing = versions[versions["status"].str.startswith("FAIL")]
warning = versions[versions["status"].str.startswith("WARN")]
python_ok = (3, 11) <= sys.version_info[:2] <= (3, 13)
print(
    f"Python {platform.python_version()}: {'OK' if python_ok else 'FAIL: use 3.11, 3.12 or 3.13'}"
)
keras_ok = keras.__version__.startswith("3.")
print(f"Keras {keras.__version__} (Keras 3 needed): {'OK' if keras_ok else 'FAIL'}")
if ON_COLAB:
    print("On Colab: Colab's own versions are used, so differences are expected and not checked.")
else:
    print(f"{len(versions)} pinned packages: {len(failing)} FAIL, {len(warning)} WARN")
versions

# %% [markdown]
# ## Step 2 — Keras's backend
#
# Keras 3 runs the same model code on TensorFlow, JAX or PyTorch: its **backend**. This tutorial uses TensorFlow by default, and its saved outputs come from TensorFlow. JAX, an optional extra, runs each training epoch several times faster on a CPU but compiles every new model first, so it pays off in longer trainings (the README has the measured speeds); its numbers differ a little from the saved outputs, while the lessons stay the same. Keras reads the environment variable `KERAS_BACKEND` once, when it is first imported, so the switch happens **before** JupyterLab starts: quit JupyterLab, then run `make lab BACKEND=jax` (it installs JAX first), or `KERAS_BACKEND=jax jupyter lab` in an environment that has JAX. Setting it inside a running notebook does nothing until the kernel restarts.

# %%
installed = [b for b in ("tensorflow", "jax", "torch") if importlib.util.find_spec(b)]
print(f"backend in use: {BACKEND}")
print(f"backends installed here: {', '.join(installed)}")
if BACKEND == "tensorflow":
    print("to switch to JAX: quit JupyterLab, then `make lab BACKEND=jax`")
else:
    print("to switch back to the default: quit JupyterLab, then `make lab`")

# %% [markdown]
# ## Step 3 — `lstm_helpers` is importable
#
# The notebooks import the plumbing (windowing, error frames, scoring, plots) from `lstm_helpers` instead of pasting it into every notebook. `make lab`, Binder and the Colab cell all install it. Here we check which copy Python found. In a checkout of the repository (`make lab`, conda, Binder) it should be the repository's own `lstm_helpers/` folder, shown as `<repo>/lstm_helpers`; on Colab it is the copy the install cell put into Colab's `site-packages`, shown with its full path.

# %%
import lstm_helpers as lh

where = Path(lh.__file__).resolve().parent
repo = Path.cwd().resolve().parent  # in a checkout, this notebook lives in <repo>/notebooks/
in_checkout = (repo / "pyproject.toml").is_file() and where.is_relative_to(repo)
# In a checkout, show the path relative to it; anywhere else (Colab), the installed copy in full.
shown = f"<repo>/{where.relative_to(repo)}" if in_checkout else f"{where} (an installed copy)"
print(f"lstm_helpers {lh.__version__} imported from {shown}")
print("public helpers:", ", ".join(sorted(n for n in lh.__all__ if not n.startswith("_"))))

# %% [markdown]
# ## Step 4 — The backend computes on the CPU
#
# A tiny matrix product through `keras.ops`, which every backend implements. The tutorials need no GPU: every model here is small enough to train on a laptop CPU in under a minute.

# %%
# Keras lists the devices of TensorFlow and JAX (not of PyTorch, which this project does not install)
devices = keras.distribution.list_devices() if BACKEND in ("tensorflow", "jax") else None
a = keras.ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])
product = keras.ops.convert_to_numpy(keras.ops.matmul(a, keras.ops.transpose(a)))
print(f"{BACKEND} devices:", devices or "not listed on this backend")
print("A @ A.T =\n", product)

# %% [markdown]
# ## Step 5 — A one-epoch fit of a minute model
#
# The same kind of model as in the tutorials, only tiny: one LSTM layer reading windows of 10 steps of a noisy sine wave and predicting the next value. One epoch is enough to show that training runs; the loss should come out as a finite number.

# %%
keras.utils.set_random_seed(SEED)  # seed right before building a model
series = np.sin(np.linspace(0, 20, 210)) + 0.05 * np.random.default_rng(SEED).normal(size=210)
windows = lh.make_windows(series, 11)  # shape (200, 11, 1)
X, y = windows[:, :10], windows[:, 10]

model = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mae")
history = model.fit(X, y, epochs=1, batch_size=32, verbose=0)
fit_loss = history.history["loss"][-1]
print(f"X {X.shape}, y {y.shape}; one epoch done, training MAE = {fit_loss:.4f}")

# %% [markdown]
# ## Step 6 — Figures display
#
# If you see a blue and an orange curve below, plotting works. The tutorials use the same colour-blind-safe palette, from `lstm_helpers.plotting`.

# %%
lh.apply_style()
fig, ax = plt.subplots(figsize=(7, 2.5))
ax.plot(series, color=lh.COLORS["blue"], lw=1, label="noisy sine")
ax.plot(
    np.arange(10, 210),
    model.predict(X, verbose=0)[:, 0],
    color=lh.COLORS["orange"],
    lw=1,
    label="1-epoch LSTM",
)
ax.set(title="Setup check: a series and a barely trained model", xlabel="step", ylabel="value")
ax.legend()
plt.show()

# %% [markdown]
# ## Checks
#
# The same checks as above, as assertions: if this cell runs without an error, you are ready. A version marked **FAIL** stops here; a **WARN** does not. (On Colab, its own library versions are used, so the version check is skipped there.)

# %%
assert python_ok, f"Python {platform.python_version()} is not supported: use 3.11-3.13"
assert keras_ok, f"Keras 3 is needed, found {keras.__version__}"
assert ON_COLAB or failing.empty, (
    "Not ready: these versions differ from the tested ones in a way that changes results "
    "(run `make lab`, or `make check-env` to see every package):\n" + failing.to_string()
)
assert np.allclose(product, [[5.0, 11.0], [11.0, 25.0]])
assert np.isfinite(fit_loss), "training produced a non-finite loss"
assert devices is None or any(d.lower().startswith("cpu") for d in devices), devices
if not ON_COLAB and not warning.empty:
    print("Warnings (you can carry on):\n" + warning.to_string())
print(f"All checks passed on the {BACKEND} backend: you are ready for notebook 1.")

# %% [markdown]
# ## If a check fails
#
# | symptom | what to do |
# | --- | --- |
# | `ModuleNotFoundError: lstm_helpers` | The kernel is not the project's environment. In a terminal in the repository, run `make lab` and open the notebook from that JupyterLab; or pick the kernel of your `lstm-anomaly` conda environment (*Kernel → Change Kernel*) after `pip install -e .` in it. |
# | a version shows **FAIL** | Another major or minor version of TensorFlow, Keras or numpy: results and even the code's behaviour can differ. `make lab` (or `conda env create -f environment.yml`) installs the tested versions; `make check-env` lists every package. |
# | a version shows **WARN** | A patch version or another package differs: usually fine. Carry on, and report what breaks. |
# | Keras is not 3.x | TensorFlow 2.15 or older brings Keras 2. Install the tested versions as above. |
# | TensorFlow will not install or import (old laptop, unusual OS, a Mac with an Intel chip) | Use the Binder or Colab badge at the top of each notebook, or pair with a neighbour. |
# | the kernel dies while importing TensorFlow | Usually memory: close other notebooks (*Kernel → Shut Down All Kernels*). On Binder, each session has 2 GB. |

# %% [markdown]
# ## Recap
#
# - The library versions match the tested ones closely enough (no **FAIL**), and you know which differences only warn.
# - `lstm_helpers` is importable, and you know which copy Python found.
# - Keras computes and trains on your CPU on its backend, TensorFlow unless you chose JAX with `make lab BACKEND=jax`.
# - Figures display.
#
# Next: **notebook 1**, an LSTM autoencoder that finds spikes in a sine wave.
