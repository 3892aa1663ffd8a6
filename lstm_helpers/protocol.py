"""One protocol for every detector: the same periods, choices, threshold rule and metrics.

A table that compares detectors compares protocols unless every detector goes through the
same steps. :class:`Protocol` holds them for one series:

1. **Periods, in time order.** ``fit`` (what detectors learn from), ``calibration``
   (normal data no detector has seen: where thresholds and choices are made) and ``test``
   (everything after; the labelled spans are here). :meth:`Protocol.before_first_span`
   ends the training period before the first labelled span, so that nothing is learnt from
   a labelled event or from after it.
2. **Label-free choices, on calibration only.** A detector may come in a few *variants*
   (a rolling z-score's history, a profile's period; an LSTM's restarts are chosen before,
   on held-out fit data) and every score may be smoothed by a causal trailing mean
   (:func:`lstm_helpers.smooth`) over one of the ``smoothing`` lengths. The protocol
   sets a threshold on the first half of the calibration period and counts the alarms it
   raises on the second half (all of them false: the period is normal). By chance alone,
   the second half's maximum beats the first half's about half the time, so one alarm is
   no evidence against a choice; two or more are. The protocol keeps the first variant
   listed, with its shortest smoothing, that raises at most one alarm (or, if none does,
   the choice with the fewest alarms): a choice is only paid for in time resolution
   when normal data demand it.
3. **Threshold**: one rule for every detector (default :func:`lstm_helpers.max_threshold`,
   the largest smoothed score of the whole calibration period).
4. **Flags** on the test period: ``smoothed score > threshold``.
5. **Metrics** on the test period: event precision, recall and F1
   (:func:`lstm_helpers.event_metrics`), PR-AUC of the smoothed score (the score that is
   thresholded), false alarms per day, mean delay, NAB's standard score, and each
   detector's own null (:func:`lstm_helpers.rotation_null`): p-values for event F1 and
   PR-AUC from its test scores rotated in time.

Nothing in steps 1-4 reads a label; :meth:`Protocol.run` reads them in step 5 only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_int, check_real, describe, is_sequence
from .chance import rotation_null
from .metrics import _check_spans, detection_delays, event_metrics, false_alarms_per_day
from .scores import max_threshold, smooth
from .windows import calibration_split

__all__ = ["ALARMS_BY_CHANCE", "SMOOTHING", "Protocol"]

#: The smoothing lengths every detector may choose from, as time spans (``"0min"``: none).
SMOOTHING: dict[str, str] = {"none": "0min", "1 hour": "1h", "6 hours": "6h", "1 day": "1D"}
#: Alarms on the second half of the calibration period that chance alone explains.
ALARMS_BY_CHANCE = 1


@dataclass(frozen=True)
class Protocol:
    """The periods and the rules that every detector on one series goes through.

    Make one with :meth:`before_first_span`; then :meth:`run` turns a detector's scores into
    one row of a results table.

    Attributes
    ----------
    series : pandas.Series
        The (cleaned) series, on a regular DatetimeIndex.
    spans : list of (pandas.Timestamp, pandas.Timestamp)
        The labelled spans, on the series' clock.
    fit, calibration, test : pandas.DatetimeIndex
        The three periods, in time order, disjoint.
    smoothing : dict of str to int
        Each smoothing length's label and its length in points (1: none).
    """

    series: pd.Series
    spans: list[tuple[pd.Timestamp, pd.Timestamp]]
    fit: pd.DatetimeIndex
    calibration: pd.DatetimeIndex
    test: pd.DatetimeIndex
    smoothing: dict[str, int]

    @classmethod
    def before_first_span(
        cls,
        series: pd.Series,
        spans: Sequence[tuple[Any, Any]],
        *,
        margin: str = "1D",
        calibration_fraction: float = 0.3,
        gap: int = 0,
        unlabelled_fraction: float = 0.5,
        smoothing: Mapping[str, str] | None = None,
    ) -> Protocol:
        """Train on what comes before the first labelled span; test on the rest.

        Parameters
        ----------
        series : pandas.Series, shape (n,)
            On a sorted, unique, regular DatetimeIndex.
        spans : sequence of (start, end)
            Labelled spans on the series' clock; may be empty.
        margin : str
            Time left out between the training period and the first span's start.
        calibration_fraction : float in (0, 1)
            Share of the training period, at its end, that is the calibration period.
        gap : int >= 0
            Points dropped between fit and calibration (a model's window length minus one,
            so that no window holds points of both).
        unlabelled_fraction : float in (0, 1)
            For a series without labelled spans: the share of it that is the training
            period (it then measures false alarms only).
        smoothing : mapping of str to str, optional
            Label -> time span of the causal trailing mean (default :data:`SMOOTHING`).

        Returns
        -------
        Protocol
        """
        index = _check_series(series)
        if not is_sequence(spans):
            raise TypeError(
                f"spans must be a sequence of (start, end) pairs; got {describe(spans)}"
            )
        checked = sorted(_check_spans(list(spans), index), key=lambda span: span[0])
        margin_span = _time_span(margin, "margin")
        if smoothing is None:
            smoothing = SMOOTHING
        if not isinstance(smoothing, Mapping) or not smoothing:
            raise TypeError(
                "smoothing must be a non-empty mapping of labels to time spans like "
                f"{{'1 hour': '1h'}}; got {describe(smoothing)}"
            )
        spans_of = {}
        for label, span in smoothing.items():
            if not isinstance(label, str):
                raise TypeError(f"smoothing's labels must be text; got {describe(label)}")
            spans_of[label] = _time_span(span, f"smoothing[{label!r}]")
        unlabelled_fraction = check_real(unlabelled_fraction, "unlabelled_fraction")
        if not 0 < unlabelled_fraction < 1:
            raise ValueError(f"unlabelled_fraction must lie in (0, 1); got {unlabelled_fraction!r}")
        if checked:
            end = checked[0][0] - margin_span
            train = series[series.index < end]
        else:
            train = series.iloc[: int(len(series) * unlabelled_fraction)]
        if len(train) < 4:
            raise ValueError(
                f"only {len(train)} points come before the first labelled span (less the "
                f"margin {margin}): too few to fit and calibrate on"
            )
        fit, calibration = calibration_split(train, calibration_fraction, gap=gap)
        test = series.index[series.index > calibration.index[-1]]
        step = index[1] - index[0]
        lengths = {label: max(1, span // step) for label, span in spans_of.items()}
        return cls(series, checked, fit.index, calibration.index, test, lengths)

    # ----------------------------------------------------------------- steps 1-4, no labels

    def validation_split(
        self, fraction: float = 0.2, gap: int = 0
    ) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
        """The fit period cut in two, in time order: a model trains on the first part and
        stops early on the second (held-out normal data, never the calibration period).

        Returns
        -------
        (train, validation) : pandas.DatetimeIndex each
        """
        train, validation = calibration_split(self.series[self.fit], fraction, gap=gap)
        return train.index, validation.index

    def choose(self, scores: Mapping[str, pd.Series]) -> tuple[str, str, pd.DataFrame]:
        """The first variant, with its shortest smoothing, that stays quiet on normal data.

        Step 2 of the protocol: "quiet" is at most :data:`ALARMS_BY_CHANCE` alarms on the
        second half of the calibration period with a threshold from its first half; if no
        choice is that quiet, the one with the fewest alarms (ties: the earlier one).

        Parameters
        ----------
        scores : mapping of str to pandas.Series
            Each variant's raw score on the series' index.

        Returns
        -------
        variant : str
        smoothing : str
        table : pandas.DataFrame
            One row per (variant, smoothing): the alarms on the second half of the
            calibration period, with the threshold set on its first half.
        """
        first, second = (
            self.calibration[: len(self.calibration) // 2],
            self.calibration[len(self.calibration) // 2 :],
        )
        rows = []
        for variant, score in self._variants(scores).items():
            for label, length in self.smoothing.items():
                smoothed = smooth(score, length)
                reference = smoothed[first]
                if reference.notna().any():
                    flags = smoothed[second] > max_threshold(reference)
                    n_alarms = int((flags & ~flags.shift(1, fill_value=False)).sum())
                else:  # no score at all in the first half: this choice cannot be judged
                    n_alarms = np.iinfo(np.int64).max
                rows.append({"variant": variant, "smoothing": label, "alarms": n_alarms})
        table = pd.DataFrame(rows)  # in listing order: variants, then shortest smoothing first
        quiet = table[table["alarms"] <= ALARMS_BY_CHANCE]
        best = quiet.iloc[0] if len(quiet) else table.sort_values("alarms", kind="stable").iloc[0]
        return str(best["variant"]), str(best["smoothing"]), table

    def flags(
        self,
        score: pd.Series,
        smoothing: str,
        threshold_rule: Callable[[pd.Series], float] = max_threshold,
    ) -> tuple[pd.Series, pd.Series, float]:
        """Steps 3 and 4: ``(smoothed score, flags on the test period, threshold)``."""
        score = self._check_score(score, "score")
        if not isinstance(smoothing, str) or smoothing not in self.smoothing:
            raise ValueError(f"smoothing must be one of {list(self.smoothing)}; got {smoothing!r}")
        if not callable(threshold_rule):
            raise TypeError(
                "threshold_rule must be a function of the calibration scores; got "
                f"{describe(threshold_rule)}"
            )
        smoothed = smooth(score, self.smoothing[smoothing])
        try:
            threshold = threshold_rule(smoothed[self.calibration])
        except TypeError as err:
            raise TypeError(
                "threshold_rule must take the calibration scores (a Series) and return a "
                f"number; calling it failed: {err}"
            ) from err
        threshold = check_real(threshold, "threshold_rule's result")
        return smoothed, (smoothed[self.test] > threshold), threshold

    # ----------------------------------------------------------------- step 5, labels

    def run(
        self,
        detector: str,
        scores: pd.Series | Mapping[str, pd.Series],
        seed: int | None = None,
        *,
        n_rotations: int = 200,
        threshold_rule: Callable[[pd.Series], float] = max_threshold,
    ) -> dict[str, Any]:
        """Steps 2-5 for one detector: one row of the results table.

        Parameters
        ----------
        detector : str
            Its name in the table.
        scores : pandas.Series or mapping of str to pandas.Series
            Its raw score on the series' index (NaN where it has none yet), or one per
            variant.
        seed : int, optional
            The seed it was trained with (None for a deterministic detector).
        n_rotations : int
            Rotations of its own null (:func:`lstm_helpers.rotation_null`).
        threshold_rule : callable
            Calibration scores -> threshold; the same for every detector of a table.

        Returns
        -------
        dict
            ``detector``, ``seed``, ``variant``, ``smoothing``, ``threshold``,
            ``event_precision``, ``event_recall``, ``event_f1``, ``spans_found``, ``pr_auc``,
            ``false_alarms``, ``false_alarms_per_day``, ``mean_delay``, ``nab_standard``,
            ``event_f1_null_p``, ``pr_auc_null_p``.
        """
        from . import nab  # NAB's score: a named method, imported as a module

        if not isinstance(detector, str):
            raise TypeError(f"detector must be a name (text); got {describe(detector)}")
        if seed is not None:
            seed = check_int(seed, "seed", 0)
        variants = self._variants(scores)
        variant, smoothing, _ = self.choose(variants)
        smoothed, flags, threshold = self.flags(variants[variant], smoothing, threshold_rule)
        spans = [s for s in self.spans if s[1] >= self.test[0]]
        events = event_metrics(spans, flags)
        null = rotation_null(spans, smoothed[self.test], threshold, n_rotations)
        delays = detection_delays(spans, flags)
        if spans:
            # The test part may begin inside a span, and resampled labels need not sit on
            # the grid's stamps: a span covers the test points between its ends.
            nab_standard = nab.score(
                spans, flags, "standard", probation_fraction=0.0, span_ends="inside"
            ).normalised
        else:
            nab_standard = float("nan")
        return {
            "detector": detector,
            "seed": seed,
            "variant": variant,
            "smoothing": smoothing,
            "threshold": threshold,
            "event_precision": events["precision"],
            "event_recall": events["recall"],
            "event_f1": events["f1"],
            "spans_found": f"{events['tp']}/{len(spans)}",
            "pr_auc": null.pr_auc,
            "false_alarms": events["fp"],
            "false_alarms_per_day": false_alarms_per_day(spans, flags),
            "mean_delay": delays.mean() if len(delays) else pd.NaT,
            "nab_standard": nab_standard,
            "event_f1_null_p": null.event_f1_p,
            "pr_auc_null_p": null.pr_auc_p,
        }

    def _variants(self, scores: pd.Series | Mapping[str, pd.Series]) -> dict[str, pd.Series]:
        """Scores as {variant: Series on the series' index}, checked."""
        if isinstance(scores, pd.Series):
            scores = {"default": scores}
        if not isinstance(scores, Mapping) or not scores:
            raise TypeError(
                "scores must be a pandas Series or a non-empty mapping of variant names to "
                f"Series; got {describe(scores)}"
            )
        return {str(name): self._check_score(s, f"scores[{name!r}]") for name, s in scores.items()}

    def _check_score(self, score: Any, name: str) -> pd.Series:
        """A real-valued Series on the series' index, as float64 (NaN kept, inf refused)."""
        if not isinstance(score, pd.Series):
            raise TypeError(f"{name} must be a pandas Series; got {describe(score)}")
        if not score.index.equals(self.series.index):
            raise ValueError(
                f"{name} must be on the series' index ({len(self.series)} points); got an "
                f"index of {len(score)} that differs"
            )
        if (
            not pd.api.types.is_numeric_dtype(score)
            or pd.api.types.is_bool_dtype(score)
            or pd.api.types.is_complex_dtype(score)
        ):
            raise TypeError(f"{name} must hold real numbers; got dtype {score.dtype}")
        values = score.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(values).any():
            raise ValueError(f"{name} must not hold inf (NaN, no score yet, is accepted)")
        return pd.Series(values, index=score.index, name=score.name)


def _time_span(value: Any, name: str) -> pd.Timedelta:
    """A time span >= 0 from text with a unit ('1D'), a pandas/numpy Timedelta or a timedelta."""
    if isinstance(value, str) and not any(c.isalpha() for c in value):
        raise ValueError(f"{name} must be a time span with a unit like '1D'; got {value!r}")
    if not isinstance(value, (str, pd.Timedelta, dt.timedelta, np.timedelta64)):
        raise TypeError(f"{name} must be a time span like '1D'; got {describe(value)}")
    try:
        span = pd.Timedelta(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise ValueError(f"{name} must be a time span like '1D'; got {value!r}") from err
    if pd.isna(span) or span < pd.Timedelta(0):
        raise ValueError(f"{name} must be a time span >= 0; got {value!r}")
    return span


def _check_series(series: Any) -> pd.DatetimeIndex:
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series; got {describe(series)}")
    index = series.index
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(f"series must be on a DatetimeIndex; got {type(index).__name__}")
    if len(index) < 4 or not index.is_unique or not index.is_monotonic_increasing:
        raise ValueError(
            "series must have at least 4 points on a sorted, unique index (clean it first "
            "with lh.clean_series)"
        )
    steps = np.diff(index.asi8)
    if (steps != steps[0]).any():
        raise ValueError(
            "series must be regular (one step between all points); clean it with "
            "lh.clean_series(raw, kind=..., step=...)"
        )
    return index
