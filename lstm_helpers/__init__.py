"""Plumbing for the *LSTM anomaly detection, step by step* notebooks.

The models live in the notebooks; this package holds what they share:

* :mod:`lstm_helpers.windows` – sliding windows, and mapping window results to points;
* :mod:`lstm_helpers.frames` – long/wide frames and the per-feature, per-horizon error frame;
* :mod:`lstm_helpers.scoring` – errors, thresholds and detection metrics;
* :mod:`lstm_helpers.plotting` – colour-blind-safe figures;
* :mod:`lstm_helpers.data` – the synthetic series of notebooks 1 and 2.
"""

from .baselines import (
    persistence_error,
    range_check,
    rolling_zscore,
    seasonal_profile,
    seasonal_residual,
    static_zscore,
)
from .data import SineData, break_segment, sine_with_spikes, smooth_random_metrics
from .frames import error_frame, to_long, to_wide
from .scoring import (
    mean_std_threshold,
    per_step_errors,
    precision_recall_f1,
    quantile_threshold,
    window_mae,
)
from .windows import localise, make_forecast_windows, make_windows, windows_to_points

__version__ = "0.1.0"

__all__ = [
    "SineData",
    "__version__",
    "break_segment",
    "error_frame",
    "localise",
    "make_forecast_windows",
    "make_windows",
    "mean_std_threshold",
    "per_step_errors",
    "persistence_error",
    "precision_recall_f1",
    "quantile_threshold",
    "range_check",
    "rolling_zscore",
    "seasonal_profile",
    "seasonal_residual",
    "sine_with_spikes",
    "smooth_random_metrics",
    "static_zscore",
    "to_long",
    "to_wide",
    "window_mae",
    "windows_to_points",
]
