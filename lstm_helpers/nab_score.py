"""The Numenta Anomaly Benchmark's scoring of detections, written from its description.

Lavin and Ahmad, "Evaluating real-time anomaly detection algorithms: the Numenta Anomaly
Benchmark", ICMLA 2015 (https://arxiv.org/abs/1510.03336), and NAB's reference code
``numenta/NAB`` (``nab/sweeper.py``, ``nab/scorer.py``, ``nab/runner.py``; the weights in
``config/profiles.json``). NAB calls the labelled spans *windows*: each is centred on a
labelled anomaly and is wide enough that, together, they cover 10 % of the series.

How a series is scored, for flags (detections) on it:

* The first ``probation_fraction`` of the points (15 %, and at most 750 points) is a
  probationary period where the detector learns: nothing there counts.
* **True positive**: in each labelled span, only the *earliest* flag counts. At relative
  position ``y = -(end - i + 1) / width`` (-1 at the span's first point, close to 0 at its
  last) it earns ``A_tp * sigma(y) / sigma(-1)``, with the scaled sigmoid
  ``sigma(y) = 2 / (1 + exp(5 y)) - 1``: a flag at the very start earns ``A_tp``, a late one
  much less. Later flags in the same span earn nothing and cost nothing.
* **False negative**: a span without any flag costs ``A_fn``.
* **False positive**: *every* flagged point outside the spans costs
  ``A_fp * sigma(y)`` (``sigma`` is negative there) with ``y`` its distance after the end of
  the preceding span, in units of that span's width minus one: a flag just after a span
  costs little, one far after it (``y > 3``) or before any span costs the full ``A_fp``.
* The **normalised score** is ``100 * (raw - null) / (perfect - null)``: 0 for the null
  detector that never flags (``null = -A_fn * n_spans``) and 100 for the perfect one that
  flags the first point of every span and nothing else (``perfect = A_tp * n_spans``).
  NAB normalises over its whole corpus; here it is per series.

The three application profiles (``NAB_PROFILES``) weigh these differently. NAB also tunes
each detector's threshold to maximise this score on the labelled corpus; here the flags
come from a threshold you chose without the labels, so that the score stays honest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_finite, describe
from .metrics import _bounds, _check_flags, _check_spans

__all__ = ["NAB_PROFILES", "NabScore", "nab_score", "scaled_sigmoid"]

#: NAB's application profiles (``config/profiles.json``): weights of a true positive,
#: a false positive and a false negative.
NAB_PROFILES: dict[str, dict[str, float]] = {
    "standard": {"tp": 1.0, "fp": 0.11, "fn": 1.0},
    "reward_low_FP_rate": {"tp": 1.0, "fp": 0.22, "fn": 1.0},
    "reward_low_FN_rate": {"tp": 1.0, "fp": 0.11, "fn": 2.0},
}


def scaled_sigmoid(position: ArrayLike) -> np.ndarray:
    """NAB's weight of a detection at a relative position: ``2 / (1 + exp(5 y)) - 1``.

    ``y = -1`` (a span's first point) gives 0.987, ``y = 0`` (its end) 0, ``y = 1`` (one span
    width after it) -0.987; beyond ``y = 3`` the weight is exactly -1, as in NAB.

    Parameters
    ----------
    position : array-like, shape (n,) or scalar
        Finite relative positions ``y``.

    Returns
    -------
    numpy.ndarray, same shape as ``position``, values in (-1, 1]
    """
    y = as_float_array(position, "position")
    check_finite(y, "position")
    with np.errstate(over="ignore"):
        weight = 2.0 / (1.0 + np.exp(5.0 * y)) - 1.0
    return np.where(y > 3.0, -1.0, weight)


class NabScore(NamedTuple):
    """What :func:`nab_score` returns."""

    normalised: float  #: 100 * (raw - null) / (perfect - null)
    raw: float  #: sum of the true-positive, false-negative and false-positive parts
    null: float  #: raw score of a detector that never flags
    perfect: float  #: raw score of a detector that flags each span's first point only
    spans: pd.DataFrame  #: one row per scored span: start, end, first_flag, position, part
    n_false_positives: int  #: flagged points outside every span, after probation
    false_positive_part: float  #: their total (negative) contribution


def _profile(profile: str | Mapping[str, float]) -> dict[str, float]:
    if isinstance(profile, str):
        if profile not in NAB_PROFILES:
            raise ValueError(
                f"profile must be one of {sorted(NAB_PROFILES)} or a mapping with keys "
                f"'tp', 'fp', 'fn'; got {profile!r}"
            )
        return NAB_PROFILES[profile]
    if not isinstance(profile, Mapping) or set(profile) != {"tp", "fp", "fn"}:
        raise ValueError(
            f"profile must be a name in {sorted(NAB_PROFILES)} or a mapping with exactly the "
            f"keys 'tp', 'fp', 'fn'; got {profile!r}"
        )
    weights = {k: float(v) for k, v in profile.items()}
    if not all(math.isfinite(v) and v > 0 for v in weights.values()):
        raise ValueError(f"profile weights must be finite and > 0; got {weights}")
    return weights


def _span_rows(index: pd.Index, spans: Sequence[tuple[Any, Any]]) -> list[tuple[int, int]]:
    """First and last row (inclusive) of each span, in time order; every span must hold a row."""
    if isinstance(spans, (str, bytes)) or not isinstance(spans, Sequence | np.ndarray):
        raise TypeError(f"spans must be a sequence of (start, end) pairs; got {describe(spans)}")
    for k, span in enumerate(spans):
        if isinstance(span, (str, bytes)) or not isinstance(span, Sequence) or len(span) != 2:
            raise TypeError(f"spans[{k}] must be a (start, end) pair; got {span!r}")
    checked = sorted(_check_spans(spans, index), key=lambda span: span[0])
    lo, hi = _bounds(checked, index)
    for (start, end), a, b in zip(checked, lo, hi, strict=True):
        if b <= a:
            raise ValueError(f"the span ({start}, {end}) contains no point of the flags' index")
    return [(int(a), int(b) - 1) for a, b in zip(lo, hi, strict=True)]


def nab_score(
    spans: Sequence[tuple[Any, Any]],
    flags: pd.Series,
    profile: str | Mapping[str, float] = "standard",
    probation_fraction: float = 0.15,
) -> NabScore:
    """NAB's score of one series' detections against its labelled spans.

    Parameters
    ----------
    spans : sequence of (start, end)
        Labelled anomaly spans (NAB's windows), ends included, disjoint, in the units of the
        flags' index (timestamps, timezone-aware for an aware index; integers for synthetic
        data), validated as :func:`lstm_helpers.event_metrics` validates them.
    flags : pandas.Series of bool, shape (n,)
        The detections over the whole series, including the probationary period, on a sorted
        unique index.
    profile : str or mapping
        ``"standard"``, ``"reward_low_FP_rate"``, ``"reward_low_FN_rate"`` (weights in
        ``NAB_PROFILES``) or your own ``{"tp": ..., "fp": ..., "fn": ...}``.
    probation_fraction : float in [0, 1)
        Leading share of the points that is not scored (NAB: 0.15, at most 750 points:
        ``min(floor(f * n), f * 5000)``).

    Returns
    -------
    NabScore
        ``normalised``, ``raw``, ``null``, ``perfect``, a per-span table and the false
        positives. Spans that end inside the probationary period are left out.
    """
    f = _check_flags(flags)
    weights = _profile(profile)
    if not 0 <= probation_fraction < 1:
        raise ValueError(f"probation_fraction must lie in [0, 1); got {probation_fraction}")
    n = len(f)
    probation = min(math.floor(probation_fraction * n), probation_fraction * 5000)
    rows = _span_rows(f.index, spans)
    flagged = np.flatnonzero(f.to_numpy())
    flagged = flagged[flagged >= probation]
    max_tp = float(scaled_sigmoid(-1.0))

    records = []
    inside = np.zeros(n, dtype=bool)
    for lo, hi in rows:
        inside[lo : hi + 1] = True
        if hi < probation:
            continue  # the whole span lies in the probationary period
        width = hi - lo + 1
        hits = flagged[(flagged >= lo) & (flagged <= hi)]
        if hits.size:
            position = -(hi - hits[0] + 1) / width
            part = float(scaled_sigmoid(position)) * weights["tp"] / max_tp
            first = f.index[hits[0]]
        else:
            position, part, first = np.nan, -weights["fn"], None
        records.append(
            {
                "start": f.index[lo],
                "end": f.index[hi],
                "first_flag": first,
                "position": position,
                "part": part,
            }
        )
    table = pd.DataFrame(records, columns=["start", "end", "first_flag", "position", "part"])
    if table.empty:
        raise ValueError(
            "no labelled span ends after the probationary period, so there is nothing to "
            f"normalise against ({len(rows)} span(s), probation of {probation:g} points)"
        )

    fp = flagged[~inside[flagged]]
    ends = np.array([hi for _, hi in rows])
    widths = np.array([hi - lo + 1 for lo, hi in rows])
    prev = np.searchsorted(ends, fp, side="left") - 1  # last span ending before each flag
    fp_weight = np.full(fp.size, -1.0)
    after = prev >= 0
    if after.any():
        w = widths[prev[after]]
        y = np.where(w > 1, (fp[after] - ends[prev[after]]) / np.maximum(w - 1, 1), 2.0)
        fp_weight[after] = scaled_sigmoid(y)
    fp_part = float(weights["fp"] * fp_weight.sum())

    raw = float(table["part"].sum()) + fp_part
    null = -weights["fn"] * len(table)
    perfect = weights["tp"] * len(table)
    normalised = 100.0 * (raw - null) / (perfect - null)
    return NabScore(normalised, raw, null, perfect, table, int(fp.size), fp_part)
