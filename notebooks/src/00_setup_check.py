# %% [markdown]
# # 0 · Setup check
#
# Run this notebook first, before a workshop or before the tutorials. In a few seconds it tells you whether your machine, Binder session or Colab runtime can run everything else.
#
# **What you will learn**
#
# - which versions of Python, TensorFlow, Keras, numpy, pandas and matplotlib you have, and whether they match the ones this tutorial was tested with;
# - where `lstm_helpers`, the tutorial's small helper package, is imported from;
# - that TensorFlow can compute and train a model on your CPU, and that figures display.
#
# **Prerequisites:** none. **Run time:** about 10 s on a 2-core CPU, most of it importing TensorFlow (the README's table has the measured figure).
# <!-- not-claims: 10 2 (run time and machine measured by make bench, not by this notebook) -->
#
# Run the cells top to bottom (*Run → Run All Cells*). Every check prints **OK** or says what is wrong and what to do.

# %% [markdown]
# ## Setup
#
# Imports first. Importing TensorFlow takes a few seconds; we silence TensorFlow's low-level start-up messages, which are information, not errors.

# %%
import importlib.metadata as md
import os
import platform
import sys
from pathlib import Path

# hide TensorFlow's C++ start-up chatter; Python errors still show
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf
from packaging.requirements import Requirement

SEED = 42
keras.utils.set_random_seed(SEED)  # seeds Python, numpy and TensorFlow in one call
tf.config.experimental.enable_op_determinism()  # same inputs, same results, every run
ON_COLAB = "google.colab" in sys.modules
print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")


# %% [markdown]
# ## Step 1 — Versions against the tested pins
#
# The versions this tutorial was tested with are recorded in `lstm_helpers`' own package metadata (they come from `pyproject.toml`). We compare what is installed with them. A different minor version usually still works; a different major version (Keras 2 instead of 3, say) does not.


# %%
def pinned_versions(package: str = "lstm_helpers") -> dict[str, str]:
    """{distribution: pinned version} for the requirements that apply to this platform."""
    pins = {}
    for line in md.requires(package) or []:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # a test-only extra, or another platform's TensorFlow wheel
        pins[req.name] = next(iter(req.specifier)).version
    return pins


rows = []
for name, wanted in pinned_versions().items():
    try:
        found = md.version(name)
    except md.PackageNotFoundError:
        found = "missing"
    rows.append({"package": name, "tested": wanted, "installed": found, "ok": found == wanted})
versions = pd.DataFrame(rows).set_index("package")
python_ok = (3, 11) <= sys.version_info[:2] <= (3, 13)
print(
    f"Python {platform.python_version()}: {'OK' if python_ok else 'FAIL: use 3.11, 3.12 or 3.13'}"
)
keras_ok = keras.__version__.startswith("3.")
print(f"Keras {keras.__version__} (Keras 3 needed): {'OK' if keras_ok else 'FAIL'}")
versions["status"] = np.where(versions["ok"], "OK", "DIFFERENT")
versions.drop(columns="ok")

# %% [markdown]
# ## Step 2 — `lstm_helpers` is importable
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
# ## Step 3 — TensorFlow computes on the CPU
#
# A tiny matrix product. The tutorials need no GPU: every model here is small enough to train on a laptop CPU in under a minute.

# %%
devices = [d.device_type for d in tf.config.list_physical_devices()]
a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
product = (a @ tf.transpose(a)).numpy()
print("devices:", devices)
print("A @ A.T =\n", product)

# %% [markdown]
# ## Step 4 — A one-epoch fit of a minute model
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
# ## Step 5 — Figures display
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
# The same checks as above, as assertions: if this cell runs without an error, you are ready. (On Colab, its own library versions are used, so the version check is skipped there.)

# %%
assert python_ok, f"Python {platform.python_version()} is not supported: use 3.11-3.13"
assert keras_ok, f"Keras 3 is needed, found {keras.__version__}"
assert ON_COLAB or versions["ok"].all(), (
    "Versions differ from the tested ones:\n" + versions[~versions["ok"]].to_string()
)
assert np.allclose(product, [[5.0, 11.0], [11.0, 25.0]])
assert np.isfinite(fit_loss), "training produced a non-finite loss"
assert "CPU" in devices
print("All checks passed: you are ready for notebook 1.")

# %% [markdown]
# ## If a check fails
#
# | symptom | what to do |
# | --- | --- |
# | `ModuleNotFoundError: lstm_helpers` | The kernel is not the project's environment. In a terminal in the repository, run `make lab` and open the notebook from that JupyterLab; or pick the kernel of your `lstm-anomaly` conda environment (*Kernel → Change Kernel*) after `pip install -e .` in it. |
# | a version shows **DIFFERENT** | Run `make check-env` to see every package. `make lab` (or `conda env create -f environment.yml`) installs the tested versions. Small differences usually work; report what breaks. |
# | Keras is not 3.x | TensorFlow 2.15 or older brings Keras 2. Install the tested versions as above. |
# | TensorFlow will not install or import (old laptop, unusual OS) | Use the Binder or Colab badge at the top of each notebook, or pair with a neighbour. |
# | the kernel dies while importing TensorFlow | Usually memory: close other notebooks (*Kernel → Shut Down All Kernels*). On Binder, each session has 2 GB. |
#
# ## Recap
#
# You have checked the environment the tutorials need: matching library versions, the `lstm_helpers` package, TensorFlow training on the CPU and plotting. Next: **notebook 1**, an LSTM autoencoder that finds spikes in a sine wave.
