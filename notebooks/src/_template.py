# %% [markdown]
# # NN · Title: what this notebook shows, in a few words
#
# One paragraph: the question this notebook answers and why a learner should care. Say which walkthrough or paper it follows, if any, and link it.
#
# **What you will learn**
#
# - one idea per line, each one a step below;
# - what the learner can do afterwards, not what the notebook contains.
#
# **Prerequisites:** the notebooks and the Python a learner needs first. **Run time:** about a minute on a 2-core CPU; the README's table gives what `make bench` measured.
#
# <!-- How to use this template: copy it to notebooks/src/NN_name.py, copy
# notebooks/src/solutions/_template_solutions.py to notebooks/src/solutions/NN_name_solutions.py,
# add an entry for NN_name to docs/notebooks.toml, then run `make notebooks NB=NN`.
# README.md's "Adding a notebook" says what each part is for. Delete this comment. -->

# %% [markdown]
# ## Setup
#
# Imports, seeds and the plot style. `keras.utils.set_random_seed` seeds Python, numpy and the backend at once; one seed, read from the environment so that a test can run the notebook under other seeds.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide TensorFlow's C++ start-up lines

import keras
import matplotlib.pyplot as plt
import numpy as np

import lstm_helpers as lh

SEED = int(os.environ.get("LSTM_TUTORIAL_SEED", "42"))
keras.utils.set_random_seed(SEED)
lh.apply_style()
print(f"Keras {keras.__version__} on {keras.backend.backend()}, lstm_helpers {lh.__version__}")

# %% [markdown]
# ## Step 1 — One idea, in one step
#
# Prose first: what this step does and why, in a few sentences. Then the code, which prints every number the prose quotes. Here: a short series and its sliding windows.

# %%
series = np.sin(np.arange(50) / 4)
windows = lh.make_windows(series, 8)
print(f"a series of {len(series)} points gives {len(windows)} windows of {windows.shape[1]} points")

# %% [markdown]
# ## Step 2 — A picture where a table of strings would be
#
# Every figure has a title, axis labels and a legend; `lh.COLORS` is a colour-blind-safe palette.

# %%
fig, ax = plt.subplots(figsize=(8, 2.5))
ax.plot(series, color=lh.COLORS["blue"], label="series")
ax.plot(np.arange(8), windows[0, :, 0], color=lh.COLORS["orange"], lw=3, label="window 0")
ax.set(title="A series and its first window", xlabel="point index", ylabel="value")
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# ## Checks
#
# What this notebook teaches, as assertions that could fail: properties of the method and the protocol, never that one model wins.

# %%
assert np.array_equal(windows[3, :, 0], series[3:11])  # window w covers points w .. w + 7
assert len(windows) == len(series) - 8 + 1
print("All checks passed.")

# %% [markdown]
# ## Recap
#
# - One line per idea of "What you will learn", as the learner should now be able to say it.
#
# Next: the notebook that follows, and what it adds.

# %% [markdown]
# ## Exercises
#
# Each exercise gives a goal, a starting point and a way to check your answer; its starter cell uses only names that start with `ex1_`, `ex2_`, …, and the names this notebook defines. Run it after *Run All*. Worked solutions: the notebook of the same name in [solutions/](solutions/).
