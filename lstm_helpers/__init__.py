"""Plumbing for the *LSTM anomaly detection, step by step* notebooks.

The models live in the notebooks; this package holds what they share. ``import
lstm_helpers as lh`` gives the pipeline, in the order a notebook uses it:

1. :mod:`~lstm_helpers.windows` – sliding windows (``make_windows``,
   ``make_forecast_windows``) and ``calibration_split``;
2. :mod:`~lstm_helpers.errors` – ``per_step_errors``, ``to_long``, ``to_wide`` and
   ``error_frame`` (every error stamped at the row it is about);
3. :mod:`~lstm_helpers.scores` – point scores (``causal_scores``, computable at their time;
   ``windows_to_points`` and ``localise``, offline), ``smooth``, and thresholds
   (``mean_std_threshold``, ``quantile_threshold``, ``max_threshold``, and
   ``tail_threshold``: a threshold as a promised false-alarm rate, read off the scores
   empirically, from a Gaussian, or from a peaks-over-threshold tail);
4. :mod:`~lstm_helpers.metrics` – ``alarms`` (runs of flags), ``span_mask``,
   ``point_metrics``, ``event_metrics``, ``pr_auc``, ``evaluate`` and ``point_adjust`` (a
   trap, shown as one); ``metrics.false_alarms_per_day`` and ``metrics.detection_delays``
   feed ``Protocol.run``'s table;
5. :mod:`~lstm_helpers.chance` – ``rotation_null`` (a detector's own null, built on
   ``chance.circular_shift``) and ``verdict`` (the one rule for "better over seeds");
6. :mod:`~lstm_helpers.plotting` – colour-blind-safe figures; every function takes ``ax=``
   and returns the Axes.

Beside it: :mod:`~lstm_helpers.cleaning` (``clean_series``: the data check before any
model), :mod:`~lstm_helpers.protocol` (``Protocol``: the same periods, choices, threshold
and metrics for every detector), :mod:`~lstm_helpers.training` (``fit_restarts``: LSTMs
trained to convergence without labels; ``training.window_length`` and
``training.capacity``, the rules that size them from the data),
:mod:`~lstm_helpers.baselines` (the strongest simple detectors) and
:mod:`~lstm_helpers.data` (synthetic series).

Code that reproduces a named published method is a module named for it, imported as a
module and never re-exported here: ``from lstm_helpers import nab, telemanom, streaming``
(NAB's data and score; Telemanom's dynamic threshold; a detector saved, loaded and run on a
live feed).

Conventions: truth first, the model's output (``yhat``) second; a labelled anomaly is a
**span** ``(start, end)``, ends included; a detector's output is **flags**, a boolean
pandas Series on a sorted, unique index; a run of consecutive flags is an **alarm**; a
**window** is a sliding window of the series and nothing else. Bad input raises a
``TypeError`` or ``ValueError`` that names the argument, what was expected and what came.
See ``CHANGELOG.md`` for what changed between versions.
"""

from .baselines import (
    persistence_error,
    range_check,
    rolling_zscore,
    seasonal_residual,
    static_zscore,
)
from .chance import rotation_null, verdict
from .cleaning import clean_series
from .data import coupled_metrics, decouple, sine_with_spikes, smooth_random_metrics
from .errors import error_frame, per_step_errors, to_long, to_wide
from .metrics import (
    alarms,
    evaluate,
    event_metrics,
    point_adjust,
    point_metrics,
    pr_auc,
    span_mask,
)
from .plotting import (
    COLORS,
    apply_style,
    plot_loss,
    plot_scores,
    shade_mask,
    shade_spans,
)
from .protocol import Protocol
from .scores import (
    causal_scores,
    localise,
    max_threshold,
    mean_std_threshold,
    quantile_threshold,
    smooth,
    tail_threshold,
    windows_to_points,
)
from .training import fit_restarts
from .windows import calibration_split, make_forecast_windows, make_windows

__version__ = "0.3.0"

__all__ = [
    "COLORS",
    "Protocol",
    "alarms",
    "apply_style",
    "calibration_split",
    "causal_scores",
    "clean_series",
    "coupled_metrics",
    "decouple",
    "error_frame",
    "evaluate",
    "event_metrics",
    "fit_restarts",
    "localise",
    "make_forecast_windows",
    "make_windows",
    "max_threshold",
    "mean_std_threshold",
    "per_step_errors",
    "persistence_error",
    "plot_loss",
    "plot_scores",
    "point_adjust",
    "point_metrics",
    "pr_auc",
    "quantile_threshold",
    "range_check",
    "rolling_zscore",
    "rotation_null",
    "seasonal_residual",
    "shade_mask",
    "shade_spans",
    "sine_with_spikes",
    "smooth",
    "smooth_random_metrics",
    "span_mask",
    "static_zscore",
    "tail_threshold",
    "to_long",
    "to_wide",
    "verdict",
    "windows_to_points",
]
