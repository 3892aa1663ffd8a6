"""The benchmark code runs (on tiny sizes, no timing asserted) and compares like with like."""

from __future__ import annotations

import numpy as np
import pandas as pd

import lstm_helpers as lh
from benchmarks import run
from benchmarks import walkthrough_style as wt


def test_walkthrough_style_code_computes_what_the_helpers_compute():
    rng = np.random.default_rng(0)
    data = rng.random((40, 3))
    n_timesteps, n_horizon = 6, 4  # != n_features on purpose
    np.testing.assert_array_equal(
        wt.concat_windows(data, n_timesteps), lh.make_windows(data, n_timesteps)
    )
    for got, want in zip(
        wt.concat_forecast_windows(data, n_timesteps, n_horizon),
        lh.make_forecast_windows(data, n_timesteps, n_horizon),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)
    yhat = rng.random((40 - n_timesteps + 1, n_horizon, 3))
    wide = wt.pivot_wide(wt.loop_long(yhat))
    helper_wide = lh.to_wide(lh.to_long(yhat))
    pd.testing.assert_frame_equal(
        wide[helper_wide.columns].rename_axis(None, axis=1), helper_wide, check_names=False
    )
    slow = wt.loop_error_frame(data, yhat, n_timesteps)
    fast = lh.error_frame(data, yhat, n_timesteps)
    np.testing.assert_allclose(slow[fast.columns].to_numpy(), fast.to_numpy(), equal_nan=True)


def test_benchmarks_run_on_tiny_sizes(capsys):
    assert run.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for case in run.CASES:
        assert case in out
    assert "targets:" in out and "error_frame time grows linearly" in out


def test_over_budget_is_reported_not_waited_for():
    assert run.time_with_budget("make_windows", 200_000, budget=0.05) is None
