"""Plumbing for the *LSTM anomaly detection, step by step* notebooks.

The models live in the notebooks; this package holds what they share, in pipeline order,
each name importable as ``lh.<name>`` after ``import lstm_helpers as lh``:

1. :mod:`~lstm_helpers.windows` – sliding windows (``make_windows``,
   ``make_forecast_windows``) and ``calibration_split``;
2. :mod:`~lstm_helpers.errors` – ``per_step_errors``, ``window_mae``, ``to_long``,
   ``to_wide`` and ``error_frame`` (every error stamped at the row it is about);
3. :mod:`~lstm_helpers.scores` – point scores (``causal_scores``, computable at their time;
   ``windows_to_points`` and ``localise``, offline), ``smooth``, thresholds
   (``mean_std_threshold``, ``quantile_threshold``, ``max_threshold``) and random
   baselines (``circular_shift``, ``iid_shuffle``);
4. :mod:`~lstm_helpers.metrics` – ``span_mask``, ``point_metrics``, ``event_metrics``,
   ``average_precision``, ``false_alarms_per_day``, ``detection_delays``, ``evaluate``;
5. :mod:`~lstm_helpers.plotting` – colour-blind-safe figures; every function takes
   ``ax=`` and returns the Axes.

Beside the pipeline: :mod:`~lstm_helpers.baselines` (simple causal detectors),
:mod:`~lstm_helpers.data` (synthetic series), :mod:`~lstm_helpers.datasets` (NAB,
checksum-verified) and :mod:`~lstm_helpers.streaming` (save and load a ``Detector``, score a
live feed point by point with ``StreamingScorer``).

Conventions: truth first, the model's output (``yhat``) second; labelled anomaly
intervals are **spans** ``(start, end)``, ends included; a detector's output is
**flags**, a boolean pandas Series on a sorted, unique index (a DatetimeIndex, timezone-
aware allowed, or an integer index with spans in the same units). Bad input raises a
``TypeError`` or ``ValueError`` that names the argument, what was expected and what came.
See ``CHANGELOG.md`` for what changed since 0.1.
"""

from .baselines import (
    persistence_error,
    range_check,
    rolling_zscore,
    seasonal_profile,
    seasonal_residual,
    static_zscore,
)
from .data import (
    SineData,
    break_segment,
    coupled_metrics,
    decouple,
    sine_with_spikes,
    smooth_random_metrics,
)
from .datasets import NabError, load_nab, load_nab_csv
from .dynamic_threshold import DynamicThreshold, dynamic_threshold, ewma, prune_sequences, search_z
from .errors import AGGREGATES, error_frame, per_step_errors, to_long, to_wide, window_mae
from .metrics import (
    average_precision,
    detection_delays,
    evaluate,
    event_metrics,
    false_alarms_per_day,
    point_adjust,
    point_metrics,
    span_mask,
)
from .nab_score import NAB_PROFILES, NabScore, nab_score
from .plotting import (
    COLORS,
    apply_style,
    plot_loss,
    plot_scores,
    plot_series_with_points,
    shade_mask,
    shade_spans,
)
from .scores import (
    causal_scores,
    circular_shift,
    iid_shuffle,
    localise,
    max_threshold,
    mean_std_threshold,
    quantile_threshold,
    smooth,
    windows_to_points,
)
from .streaming import Detector, StreamingScorer, StreamResult, load_detector, save_detector
from .windows import calibration_split, make_forecast_windows, make_windows

__version__ = "0.2.0"

__all__ = [
    "AGGREGATES",
    "COLORS",
    "NAB_PROFILES",
    "Detector",
    "DynamicThreshold",
    "NabError",
    "NabScore",
    "SineData",
    "StreamResult",
    "StreamingScorer",
    "__version__",
    "apply_style",
    "average_precision",
    "break_segment",
    "calibration_split",
    "causal_scores",
    "circular_shift",
    "coupled_metrics",
    "decouple",
    "detection_delays",
    "dynamic_threshold",
    "error_frame",
    "evaluate",
    "event_metrics",
    "ewma",
    "false_alarms_per_day",
    "iid_shuffle",
    "load_detector",
    "load_nab",
    "load_nab_csv",
    "localise",
    "make_forecast_windows",
    "make_windows",
    "max_threshold",
    "mean_std_threshold",
    "nab_score",
    "per_step_errors",
    "persistence_error",
    "plot_loss",
    "plot_scores",
    "plot_series_with_points",
    "point_adjust",
    "point_metrics",
    "prune_sequences",
    "quantile_threshold",
    "range_check",
    "rolling_zscore",
    "save_detector",
    "search_z",
    "seasonal_profile",
    "seasonal_residual",
    "shade_mask",
    "shade_spans",
    "sine_with_spikes",
    "smooth",
    "smooth_random_metrics",
    "span_mask",
    "static_zscore",
    "to_long",
    "to_wide",
    "window_mae",
    "windows_to_points",
]
