"""Plotting: every function takes ax= and returns the Axes; positions are not masks."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import lstm_helpers as lh


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_every_plotting_function_draws_on_the_given_axes_and_returns_it(ax):
    x = np.arange(10)
    y = np.sin(x)
    assert lh.plot_loss({"loss": [3, 2, 1], "val_loss": [3, 3, 2]}, ax=ax) is ax
    assert lh.plot_scores(x, y, 0.5, ax=ax) is ax
    assert lh.shade_mask(x, x > 6, ax=ax) is ax
    idx = pd.date_range("2020", periods=10, freq="h", tz="UTC")
    assert lh.shade_spans([(idx[1], idx[3])], ax=ax) is ax
    for function in (lh.plot_loss, lh.plot_scores, lh.shade_mask, lh.shade_spans):
        assert "ax" in function.__code__.co_varnames


def test_shade_mask_shades_each_run_once(ax):
    lh.shade_mask(np.arange(10), np.array([0, 1, 1, 0, 0, 1, 1, 1, 0, 0], bool), ax=ax)
    assert len(ax.patches) == 2
    assert [h.get_label() for h in ax.get_legend_handles_labels()[0]] == ["true anomaly"]
