"""Chance and luck are not skill: a detector's own null, and one verdict rule over seeds.

* :func:`circular_shift` – a run-preserving random baseline: values rotated in time;
* :func:`rotation_null` – a detector's own null distribution: its test scores rotated
  hundreds of times against the same spans and threshold, and a p-value for its event F1
  and PR-AUC (how often a rotation, which keeps everything about the scores but their link
  with time, does at least as well);
* :func:`verdict` – the one rule every notebook uses to say that one detector beats another
  over several seeds: every value of one beats every value of the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import (
    as_float_array,
    check_bool,
    check_positive_int,
    check_real,
    check_time_order,
    describe,
)
from .metrics import _average_precision, _bounds, _check_index, _check_spans, _event_counts, _prf

__all__ = ["ALPHA", "NullResult", "circular_shift", "rotation_null", "verdict"]

Values = TypeVar("Values", np.ndarray, pd.Series)

#: A result whose null p-value is at least this is "not distinguishable from chance".
ALPHA = 0.05


def circular_shift(values: Values, seed: int) -> Values:
    """Run-preserving random baseline: the values rotated by a random offset.

    Rotating a detector's own flags (or scores) keeps how many there are and how they
    bunch into alarms, and only breaks their link with time.

    Parameters
    ----------
    values : numpy.ndarray or pandas.Series, shape (n,), n >= 2
        A Series on a datetime or numeric index must be in time order.
    seed : int
        The offset is drawn uniformly from ``1 .. n - 1``.

    Returns
    -------
    same type as ``values``, shape (n,)
        ``out[i] = values[(i - offset) % n]``; a Series keeps its index (the values move).
    """
    if not isinstance(values, (np.ndarray, pd.Series)) or isinstance(values, np.ma.MaskedArray):
        raise TypeError(f"values must be a numpy array or pandas Series; got {describe(values)}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an integer; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0; got {seed}")
    check_time_order(values, "values")  # a rotation in time: the order must be time's
    arr = values.to_numpy() if isinstance(values, pd.Series) else values
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"values must be 1-D with at least 2 entries; got {describe(arr)}")
    offset = int(np.random.default_rng(seed).integers(1, arr.size))
    out = np.roll(arr, offset)
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name)
    return out


class NullResult(NamedTuple):
    """What :func:`rotation_null` returns."""

    event_f1: float  #: the detector's event F1 on the test period
    pr_auc: float  #: its PR-AUC there (NaN without a labelled point)
    event_f1_p: float  #: share of rotations (plus the detector itself) with event F1 >= it
    pr_auc_p: float  #: the same for PR-AUC
    event_f1_null: np.ndarray  #: shape (n_rotations,), event F1 of every rotation
    pr_auc_null: np.ndarray  #: shape (n_rotations,), PR-AUC of every rotation
    offsets: np.ndarray  #: shape (n_rotations,), the rotations, in points


def _p_value(observed: float, null: np.ndarray) -> float:
    """``(1 + #{null >= observed}) / (1 + n)``: never 0, as a permutation p-value should be."""
    if np.isnan(observed) or np.isnan(null).all():
        return float("nan")
    return float((1 + np.sum(null >= observed - 1e-12)) / (1 + null.size))


def rotation_null(
    spans: Sequence[tuple[Any, Any]],
    scores: pd.Series,
    threshold: float,
    n_rotations: int = 200,
    min_shift: int | None = None,
) -> NullResult:
    """A detector's own null: its scores rotated in time, judged exactly like the detector.

    Rotating the scores by ``offset`` points (``np.roll``) keeps their values, their
    autocorrelation and the way their flags bunch into alarms, and only breaks their link
    with the labelled spans. Each rotation is thresholded at the same ``threshold`` and
    scored with the same event F1 and PR-AUC. The p-value of a metric is
    ``(1 + #{rotations scoring at least as well}) / (1 + n_rotations)``: a small p-value
    says that chance alignments rarely do as well; ``p >= ALPHA`` (0.05) means the result
    is **not distinguishable from chance on this series**.

    The offsets are ``n_rotations`` evenly spaced whole numbers from ``min_shift`` to
    ``n - min_shift`` (no randomness), or every whole number there when there are fewer
    (then the null is exhaustive, and ``len(offsets)`` says how many). Small offsets are left
    out because a rotation by a few points leaves the flags where they were.

    .. caution::
       With few, long spans the rotation p-value is **approximate and can be optimistic**.
       The rotations are not independent draws: with two spans there are only a handful of
       distinct ways a rotation can line alarms up with them, so the null distribution is
       coarse. A simulation of series with **no** anomaly and two labelled spans found
       ``p <= 0.05`` in about 12 % of them, not 5 %. So let :func:`verdict` over several
       seeds (and, better, over many series) carry the conclusion, never one p-value.

    Parameters
    ----------
    spans : sequence of (start, end), in the units of ``scores.index``
    scores : pandas.Series of float, shape (n,), sorted unique index
        The score the flags are thresholded from, over the test period only (smoothed if the
        detector smooths). NaN (no score yet) is never flagged.
    threshold : float
        The detector's threshold: flags are ``scores > threshold``.
    n_rotations : int >= 1
        At most this many rotations; 200 give a p-value resolution of 0.005.
    min_shift : int, optional
        Smallest rotation, in points; default the longest span's length in points (at least
        1).

    Returns
    -------
    NullResult
    """
    if not isinstance(scores, pd.Series):
        raise TypeError(f"scores must be a pandas Series; got {describe(scores)}")
    index = _check_index(scores.index, "scores.index")
    values = as_float_array(scores, "scores")
    if np.isinf(values).any():
        raise ValueError(f"scores must not hold inf; found {int(np.isinf(values).sum())}")
    threshold = check_real(threshold, "threshold")
    n_rotations = check_positive_int(n_rotations, "n_rotations")
    checked = sorted(_check_spans(spans, index), key=lambda span: span[0])
    n = len(values)
    lo, hi = _bounds(checked, index)  # span i covers positions lo[i] .. hi[i] - 1
    if min_shift is None:
        min_shift = max(1, int((hi - lo).max())) if len(checked) else 1
    min_shift = check_positive_int(min_shift, "min_shift")
    if n - 2 * min_shift < 0:
        raise ValueError(
            f"{n} points leave no rotation between min_shift={min_shift} and n - min_shift; "
            "lower min_shift"
        )
    n_offsets = min(n_rotations, n - 2 * min_shift + 1)
    offsets = np.unique(np.linspace(min_shift, n - min_shift, n_offsets).round().astype(int))

    flags = np.nan_to_num(values, nan=-np.inf) > threshold
    truth = np.zeros(n, dtype=bool)
    for a, b in zip(lo, hi, strict=True):
        truth[a:b] = True

    def event_f1(rolled: np.ndarray) -> float:
        tp, fp, fn, _ = _event_counts(rolled, lo, hi)
        return _prf(tp, fp, fn)["f1"]

    observed_f1 = event_f1(flags)
    null_f1 = np.array([event_f1(np.roll(flags, int(k))) for k in offsets])
    # Rotating the score by k is rotating the truth by -k against the unmoved score.
    rolled_truth = np.stack([np.roll(truth, -int(k)) for k in offsets])
    if truth.any():
        observed_auc = float(_average_precision(values, truth[np.newaxis])[0])
        null_auc = _average_precision(values, rolled_truth)
    else:
        observed_auc, null_auc = float("nan"), np.full(offsets.size, np.nan)
    return NullResult(
        observed_f1,
        observed_auc,
        _p_value(observed_f1, null_f1),
        _p_value(observed_auc, null_auc),
        null_f1,
        null_auc,
        offsets,
    )


def verdict(
    a: ArrayLike, b: ArrayLike, higher_is_better: bool = True
) -> Literal["win", "tie", "loss"]:
    """The one verdict rule of the tutorial: does ``a`` beat ``b`` on every seed?

    ``"win"`` when every value of ``a`` is better than every value of ``b`` (the worst seed of
    ``a`` beats the best seed of ``b``), ``"loss"`` when every value of ``a`` is worse than
    every value of ``b``, and ``"tie"`` otherwise: the difference is within the spread
    of the seeds, and a different seed could have told the other story. A deterministic
    detector has one value. NaN values are refused: decide first what an undefined metric
    means (e.g. no alarm at all).

    Parameters
    ----------
    a, b : array-like of float, shape (n_seeds_a,) and (n_seeds_b,), at least one value each
    higher_is_better : bool
        False for metrics such as false alarms per day.

    Returns
    -------
    {"win", "tie", "loss"}
        From ``a``'s side.
    """
    higher_is_better = check_bool(higher_is_better, "higher_is_better")
    x = as_float_array(a, "a").ravel()
    y = as_float_array(b, "b").ravel()
    for name, arr in (("a", x), ("b", y)):
        if arr.size == 0:
            raise ValueError(f"{name} must hold at least one value (one per seed)")
        if np.isnan(arr).any():
            raise ValueError(f"{name} must not hold NaN; got {arr.tolist()}")
    if not higher_is_better:
        x, y = -x, -y
    if x.min() > y.max():
        return "win"
    if x.max() < y.min():
        return "loss"
    return "tie"
