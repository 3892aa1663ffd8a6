# %% [markdown]
# # 📃 Solutions · NN · Title
#
# Worked solutions to the exercises of the notebook of the same name, one folder up. Try each exercise there first. The first cell below runs that notebook in this kernel, so every name it defines is here, as it is for a learner who reaches its exercises; then each exercise's starter is followed by its solution.
#
# <!-- Copy this file to notebooks/src/solutions/NN_name_solutions.py with the tutorial
# (see notebooks/src/_template.py). Cells tagged "exercise" and "starter" are copied into the
# tutorial after its "## Exercises" heading by `make notebooks`. Delete this comment. -->

# %%
# Run the tutorial in this kernel, its outputs hidden: every name it defines is now here.
from IPython import get_ipython
from IPython.utils.capture import capture_output

with capture_output():
    get_ipython().run_line_magic("run", "../NN_name.ipynb")

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 1 — A goal in a few words
#
# **Goal.** What to find out. **Starting point.** The names of the notebook to use (`series`, `lh.make_windows`). **How to check.** How the learner knows the answer is right.

# %% tags=["starter"]
ex1_length = 12  # the window length to try
ex1_windows = None  # your code here: the windows of `series`, ex1_length points each

# %% [markdown]
# #### 📃 Solution 1

# %%
ex1_windows = lh.make_windows(series, ex1_length)
print(f"{len(ex1_windows)} windows of {ex1_length} points")
assert len(ex1_windows) == len(series) - ex1_length + 1

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 2 — Every exercise has its own starter
#
# **Goal.** Find which window holds the largest value of `series` at its last point. **Starting point.** `windows` from Step 1. **How to check.** The window's last point is the maximum of the series.

# %% tags=["starter"]
ex2_last = None  # your code here: the last point of every window, one per window
ex2_best = None  # your code here: the index of the window whose last point is largest

# %% [markdown]
# #### 📃 Solution 2

# %%
ex2_last = windows[:, -1, 0]
ex2_best = int(ex2_last.argmax())
print(f"window {ex2_best} ends on the largest value, {ex2_last[ex2_best]:.3f}")
assert ex2_last[ex2_best] == series[ex2_best + windows.shape[1] - 1]

# %% [markdown] tags=["exercise"]
# ### 📝 Exercise 3 — And a check that can fail
#
# **Goal.** Show that no window of length 8 fits in a series of 7 points. **Starting point.** `lh.make_windows`. **How to check.** It raises a `ValueError` that says why.

# %% tags=["starter"]
ex3_message = None  # your code here: the error message lh.make_windows gives

# %% [markdown]
# #### 📃 Solution 3

# %%
try:
    lh.make_windows(series[:7], 8)
except ValueError as ex3_error:
    ex3_message = str(ex3_error)
print(ex3_message)
assert ex3_message is not None and "needs at least 8 rows" in ex3_message
