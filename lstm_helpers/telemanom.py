"""Telemanom's nonparametric dynamic threshold, flag for flag as NASA JPL's published code.

Telemanom (Hundman, Constantinou, Laporte, Colwell and Söderström, "Detecting spacecraft
anomalies using LSTMs and nonparametric dynamic thresholding", KDD 2018,
https://arxiv.org/abs/1802.04431) flags anomalies in the prediction errors of an LSTM. This
module follows its reference code, https://github.com/khundman/telemanom at commit
``2e6c5b6c3558e7835601519b7bdef37c649bdbdc`` (``telemanom/errors.py``, unchanged since
``51fbb67`` "v2.0"; defaults from ``config.yaml``). With its default arguments it flags
exactly the points the code flags: those of the code's final ``E_seq`` (which the code
shifts by ``l_s`` to index its raw test array; here flags sit on the errors' own positions).
The code does more than the paper says; every step is listed below, and every place where
this module can do otherwise is a keyword argument whose default is the code's behaviour.

Input: the absolute prediction errors ``errors[t] = |y_hat[t] - y_true[t]|`` (Telemanom's
``e``, from the first predicted step ``y_test[:, 0]``) and, optionally, the true values
``y_true`` for the minimum-scale check (Telemanom's ``y_test``, shape (n, 10): row t holds
the next 10 values; a 1-D series works too).

The steps, with Telemanom's values (``batch_size = 70``, ``window_size = 30``,
``smoothing_perc = 0.05``, ``error_buffer = 100``, ``l_s = 250``, ``p = 0.13``):

1. **Smooth** the errors with an exponentially weighted moving average (:func:`ewma`, span
   ``int(0.05 * history) = 105``), then replace the first ``warmup = 250`` smoothed errors
   by the mean of the first ``2 * warmup``.
2. **Windows** (:func:`windows`): a history window of ``history = 2100`` points moves
   forward ``batch = 70`` points at a time. The first window judges its points from
   ``ignore_first`` on (500 if the series has at least 2500 points, 250 if at least 1800,
   else 0); every later window judges only its last ``batch`` points. A series shorter than
   ``history + batch`` is one window. The last window ends at ``n``: it is ``history + r``
   points long, ``r = (n - history) mod batch``, and still judges only its last ``batch``
   points, so the ``r`` points before them are never judged.
3. **Search k** (:func:`search_k`; Telemanom's z) in each window: for k = 2.5, 3.0, ...,
   11.5 the threshold is ``mean + k * std`` of the window's smoothed errors; the points at
   or above it are widened by ``error_buffer - 1 = 99`` points on each side; the k kept
   maximises ``(Δmean/mean + Δstd/std) / (n_sequences**2 + n_flagged)`` (Δ: how much the
   mean and std drop without the points at or above the threshold) among the k that flag
   something, at most 5 *sequences* (runs of more than one point) and fewer than half of
   the window; ties go to the larger k; k = 12 when none qualifies.
4. **Minimum scale**: a window flags nothing unless its largest smoothed error exceeds
   ``min_error = 0.05`` (in the errors' units; Telemanom scales its data to [-1, 1]) and,
   with ``y_true``, its smoothed errors' std exceeds ``min_scale = 0.05`` times the std of
   ``y_true`` in the window or its largest smoothed error exceeds 0.05 times their 5-95 %
   range; a point is then flagged only if it also exceeds 0.05 times that range.
5. **Flag**: the points at or above the threshold are widened by ``error_buffer = 100``
   points on each side (one more than in the search), and cut to the judged part.
6. **Prune** (:func:`prune`): the sequences of the judged flags, cut at the batch edge, are
   ranked by their peak (largest smoothed error), and the *reference* follows: the largest
   error of the window that is neither flagged now nor kept by an earlier window (a point
   of the history above this window's threshold that no earlier window kept counts).
   Walking down this ladder, a relative drop below ``min_decrease = 0.13`` marks the
   sequences above it for removal and a larger drop clears the marks: the sequences below
   the last large drop go. Runs of one point go with them if any sequence exists, and all
   stay if none does.
7. **Drops**: steps 3-6 run again on the inverted errors ``mean + (mean - e)`` of the
   window, with its mean and std: they flag unusually *small* smoothed errors (not drops
   of the values: the errors are absolute).
8. **Result**: the points kept by any window and either pass, without the runs of one
   point.

Named departures, each a keyword argument of :func:`dynamic_threshold` whose default is
the code's behaviour:

* ``warmup=250``: how many first smoothed errors become the mean of twice as many (step 1);
  0 leaves them (as the code does for its channel C-2 only).
* ``ignore_first=None``: how many first points are never flagged; None is the code's rule
  (step 2).
* ``judge_remainder=False``: True lets the last window judge the ``r`` points that the code
  never judges (step 2).
* ``search_buffer=None``: the widening inside the k search; None is the code's
  ``error_buffer - 1`` (step 3); ``search_buffer=error_buffer`` widens as the final flags.
* ``min_error=0.05``, ``min_scale=0.05``: the two constants of step 4 (one constant, 0.05,
  in the code); None switches that part off. Without ``y_true`` the ``min_scale`` part
  cannot apply.
* ``prune_history=False``: True prunes the runs of the whole history window (not cut at
  the batch edge, peaks over the whole run) against the largest unflagged error of that
  window, then keeps the judged part (the package's earlier ``dynamic_threshold``).
* ``one_point_alarms=False``: True treats runs of one point as sequences everywhere: counted
  in the search, ranked in pruning, kept in the result.
* ``drops=True``: False skips the pass on inverted errors (step 7).

Where the code cannot compute, this module refuses or computes what the code would compute
on representable numbers: a series shorter than ``warmup`` (the code fails to broadcast)
and a window where every point is flagged (the code takes the maximum of an empty array)
raise a ``ValueError``; errors of extreme magnitude (1e300: the code's variance overflows)
are rescaled by an exact power of two (see :func:`dynamic_threshold`).

Runs of flagged points are *alarms*; this module finds them with :func:`lstm_helpers.alarms`
only.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._checks import (
    as_float_array,
    check_finite,
    check_int,
    check_positive_int,
    check_real,
    describe,
)
from .metrics import alarms

__all__ = [
    "K_FALLBACK",
    "K_VALUES",
    "DynamicThreshold",
    "dynamic_threshold",
    "ewma",
    "prune",
    "search_k",
    "windows",
]

#: The k (Telemanom's z) searched: 2.5, 3.0, ..., 11.5 (``np.arange(2.5, sd_lim, 0.5)``).
K_VALUES: np.ndarray = np.arange(2.5, 12.0, 0.5)
#: The k used when no k of the search qualifies (Telemanom's ``sd_lim``).
K_FALLBACK = 12.0

# Telemanom's l_s, the length of its LSTM's input: the defaults of warmup and ignore_first.
_L_S = 250

# Telemanom starts its search with max_score = -10000000: a k whose objective is lower is
# never chosen (real objectives are far above it; kept so that the rule is the code's).
_INITIAL_BEST = -10000000.0

# A window of errors is rescaled (by a power of two: exact) only when its largest magnitude
# leaves this range, where float64 has room for the squares and sums of a standard deviation.
_SAFE_LOW, _SAFE_HIGH = 2.0**-256, 2.0**256
_SMALLEST_NORMAL = 2.0**-1022  # below it float64 loses bits (subnormal numbers)


# ----------------------------------------------------------------------------- checks


def _check_count(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 0 (that fits in 64 bits), else raise."""
    return check_int(value, name, 0)


def _check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r} ({type(value).__name__})")
    return bool(value)


def _check_number(value: Any, name: str, low: float, high: float = np.inf) -> float:
    """A finite real number in [low, high]."""
    value = check_real(value, name)
    if not low <= value <= high:
        expected = f">= {low}" if high == np.inf else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {expected}; got {value}")
    return value


def _check_fraction(value: Any) -> float:
    value = check_real(value, "max_flagged_fraction")
    if not 0 < value <= 1:
        raise ValueError(f"max_flagged_fraction must be in (0, 1]; got {value}")
    return value


def _check_errors(errors: Any, name: str = "errors") -> np.ndarray:
    """Non-empty, 1-D, finite, non-negative errors in time order, as float64."""
    if isinstance(errors, pd.Series) and not (
        errors.index.is_monotonic_increasing and errors.index.is_unique
    ):
        raise ValueError(
            f"{name} must be in time order: a Series needs a sorted, unique index "
            "(sort it with .sort_index(), drop repeated timestamps)"
        )
    if isinstance(errors, pd.DataFrame):
        raise TypeError(f"{name} must be 1-D (a Series or an array); got {describe(errors)}")
    arr = as_float_array(errors, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, shape (n,); got {describe(arr)}")
    check_finite(arr, name)
    if (arr < 0).any():
        first = int(np.argmax(arr < 0))
        raise ValueError(
            f"{name} must be non-negative (absolute errors |y_hat - y_true|); got {arr[first]} "
            f"at index {first}"
        )
    return arr


def _check_flags(flags: Any, n: int) -> np.ndarray:
    try:
        f = flags.to_numpy() if isinstance(flags, pd.Series) else np.asarray(flags)
    except (TypeError, ValueError) as err:  # ragged lists
        raise TypeError(f"flags must be a 1-D array of booleans; got {describe(flags)}") from err
    if f.dtype != np.bool_:
        raise TypeError(f"flags must hold booleans; got dtype {f.dtype} ({describe(flags)})")
    if f.shape != (n,):
        raise ValueError(f"flags must have the shape of smoothed, ({n},); got shape {f.shape}")
    return f


def _check_k_values(k_values: Any) -> np.ndarray:
    k = as_float_array(k_values, "k_values")
    if k.ndim != 1 or k.size == 0:
        raise ValueError(f"k_values must be a non-empty 1-D array; got {describe(k)}")
    check_finite(k, "k_values")
    if np.any(np.diff(k) <= 0):
        raise ValueError(f"k_values must be strictly increasing; got {k.tolist()}")
    return k


def _like(values: np.ndarray, template: Any, name: str) -> np.ndarray | pd.Series:
    """Wrap ``values`` as a Series on the template's index if the template is a Series."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=name)
    return values


def _rescaled(arr: np.ndarray, what: str) -> tuple[np.ndarray, int]:
    """Return ``(arr * 2**-p, p)``: ``arr`` itself (``p = 0``) unless its magnitude is extreme.

    Telemanom's steps on a window give the same result, bit for bit, when every value is
    multiplied by the same power of two (float64 does that exactly), but errors of 1e300
    overflow a variance (1e600 > 1.8e308) and errors of 1e-300 underflow it. So a window
    whose largest magnitude lies outside [2**-256, 2**256] is scaled to a largest magnitude
    in [0.5, 1), computed on, and its results scaled back. Usual data is never touched.
    Raises ``ValueError`` when a non-zero value would then fall below 2**-1022 (the window
    spans more than ~307 orders of magnitude: float64 cannot hold both ends exactly).
    """
    top = float(np.max(np.abs(arr)))
    if top == 0.0 or _SAFE_LOW <= top <= _SAFE_HIGH:
        return arr, 0
    p = int(np.frexp(top)[1])  # top = m * 2**p with 0.5 <= m < 1
    scaled = np.ldexp(arr, -p)
    _check_no_underflow(arr, scaled, what)
    return scaled, p


def _check_no_underflow(arr: np.ndarray, scaled: np.ndarray, what: str) -> None:
    nonzero = arr != 0
    if nonzero.any() and np.min(np.abs(scaled[nonzero])) < _SMALLEST_NORMAL:
        raise ValueError(
            f"{what} range from {np.min(np.abs(arr[nonzero])):.3g} to "
            f"{np.max(np.abs(arr)):.3g}: more orders of magnitude than float64 can compare "
            "exactly in one calculation (a ratio of 2**1021, about 2e307). Clip the largest "
            "(e.g. np.minimum(errors, 1e250)) or set the negligible ones to 0."
        )


def _mean(arr: np.ndarray, what: str) -> float:
    """``np.mean(arr)``, without overflow for extreme magnitudes (see :func:`_rescaled`)."""
    scaled, p = _rescaled(arr, what)
    return float(np.ldexp(np.mean(scaled), p))


# ----------------------------------------------------------------------------- steps


def ewma(errors: ArrayLike, span: float) -> np.ndarray | pd.Series:
    """Exponentially weighted moving average, as Telemanom smooths its errors.

    ``alpha = 2 / (span + 1)`` and ``s[t] = sum_i (1 - alpha)**i * e[t - i] / sum_i (1 -
    alpha)**i`` over ``i = 0 .. t``: pandas' ``ewm(span=span).mean()``, the call Telemanom
    makes. Causal: ``s[t]`` uses ``e[0..t]`` only. (Telemanom then replaces the first
    ``l_s`` values; :func:`dynamic_threshold` does that with its ``warmup``.)

    Parameters
    ----------
    errors : array-like or pandas.Series, shape (n,)
        Non-negative, finite errors.
    span : float >= 1
        Telemanom: ``int(batch_size * window_size * smoothing_perc) = int(2100 * 0.05) = 105``.

    Returns
    -------
    numpy.ndarray or pandas.Series (on the index of ``errors``), shape (n,)
    """
    arr = _check_errors(errors)
    span = _check_number(span, "span", 1.0)
    return _like(_ewma(arr, span), errors, "smoothed")


def _ewma(e: np.ndarray, span: float) -> np.ndarray:
    # Exact power-of-two shifts keep float64 safe at extreme magnitudes (see _rescaled):
    # pandas' recursion multiplies the running mean by up to (span + 1) / 2 + 1, so errors
    # that large are divided just enough not to overflow; tiny errors (< 2**-256) are
    # brought to [0.5, 1) so that they do not decay into subnormal numbers.
    top = float(np.max(e))
    if top == 0.0 or top >= _SAFE_LOW:
        growth = int(np.frexp((span + 1) / 2 + 1)[1])
        shift = max(0, int(np.frexp(top)[1]) + growth - 1023)
    else:
        shift = int(np.frexp(top)[1])
    scaled = np.ldexp(e, -shift)
    if shift > 0:
        _check_no_underflow(e, scaled, "errors")
    smoothed = pd.Series(scaled).ewm(span=span).mean().to_numpy(copy=True)
    return np.ldexp(smoothed, shift)


def _widen(flags: np.ndarray, reach: int) -> np.ndarray:
    """Flag every point within ``reach`` positions of a flagged point (Telemanom's buffer)."""
    n = flags.size
    before = np.concatenate([[0], np.cumsum(flags)])  # before[i]: flagged points in flags[:i]
    position = np.arange(n)
    return before[np.minimum(position + reach + 1, n)] > before[np.maximum(position - reach, 0)]


def _n_sequences(flags: np.ndarray, one_point_alarms: bool) -> int:
    """How many alarms count as sequences (Telemanom skips runs of one point)."""
    if not flags.any():
        return 0
    runs = alarms(flags)
    return len(runs) if one_point_alarms else int((runs["n_points"] > 1).sum())


def search_k(
    smoothed: ArrayLike,
    k_values: ArrayLike = K_VALUES,
    *,
    buffer: int = 99,
    max_sequences: int = 5,
    max_flagged_fraction: float = 0.5,
    drops: bool = False,
    one_point_alarms: bool = False,
) -> pd.DataFrame:
    """Every candidate threshold ``mean + k * std`` of Telemanom's search (its z), scored.

    For each k: the points at or above the threshold are flagged and widened by ``buffer``
    points on each side; ``n_flagged`` counts the flagged points and ``n_sequences`` their
    runs of more than one point. The objective is

    ``(mean_decrease + std_decrease) / (n_sequences**2 + n_flagged)``

    where ``mean_decrease = (mean - mean_below) / mean`` and ``std_decrease = (std -
    std_below) / std``, with ``mean_below``, ``std_below`` over the points *below* the
    threshold (not widened). A k is admissible if it flags something, at most
    ``max_sequences`` sequences and fewer than ``max_flagged_fraction`` of the points.
    Telemanom keeps the admissible k with the largest objective, ties going to the larger
    k (``chosen``), and uses k = 12 (:data:`K_FALLBACK`) when none is admissible.

    Parameters
    ----------
    smoothed : array-like or pandas.Series, shape (n,)
        The smoothed, non-negative errors of one history window.
    k_values : array-like, shape (n_k,)
        Strictly increasing (default :data:`K_VALUES`, 2.5 to 11.5 by 0.5).
    buffer : int >= 0
        Widening on each side (Telemanom's search: ``error_buffer - 1 = 99``).
    max_sequences : int >= 0
    max_flagged_fraction : float in (0, 1]
        Telemanom: 5 and 0.5.
    drops : bool
        False: search on ``smoothed``. True: on the inverted errors ``mean + (mean -
        smoothed)``, Telemanom's pass for unusually small errors; the threshold, mean and
        std stay those of ``smoothed``, so ``threshold`` is in inverted units (a point is at
        or above it when ``smoothed <= 2 * mean - threshold``, up to rounding).
    one_point_alarms : bool
        False (Telemanom): runs of one point are not counted in ``n_sequences``.

    Returns
    -------
    pandas.DataFrame, one row per k
        ``k``, ``threshold``, ``n_above`` (points at or above it), ``n_flagged`` (after
        widening), ``n_sequences``, ``mean_decrease``, ``std_decrease``, ``objective`` (NaN
        when nothing is flagged, the std or mean is 0, or no point is below),
        ``admissible`` and ``chosen`` (bool; no row is chosen when none is admissible).
    """
    e = _check_errors(smoothed, "smoothed")
    k = _check_k_values(k_values)
    buffer = _check_count(buffer, "buffer")
    max_sequences = _check_count(max_sequences, "max_sequences")
    max_flagged_fraction = _check_fraction(max_flagged_fraction)
    drops = _check_flag(drops, "drops")
    one_point_alarms = _check_flag(one_point_alarms, "one_point_alarms")
    scaled, p = _rescaled(e, "smoothed")
    mean, std = np.mean(scaled), np.std(scaled)
    values = mean + (mean - scaled) if drops else scaled
    table = pd.DataFrame(_search(values, mean, std, k, buffer, max_sequences,
                                 max_flagged_fraction, one_point_alarms))  # fmt: skip
    table["threshold"] = np.ldexp(table["threshold"].to_numpy(), p)
    return table


def _search(
    values: np.ndarray,
    mean: float,
    std: float,
    k_values: np.ndarray,
    buffer: int,
    max_sequences: int,
    max_flagged_fraction: float,
    one_point_alarms: bool,
) -> dict[str, np.ndarray]:
    """:func:`search_k` on checked input, its columns as arrays; ``values`` may be inverted."""
    columns: dict[str, list] = {name: [] for name in _SEARCH_COLUMNS}
    previous_n_above = -1
    for k in k_values:
        threshold = mean + k * std
        above = values >= threshold
        n_above = int(above.sum())
        # A larger k flags a subset of the points; the same number means the same points and
        # the same counts and decreases as the previous k (saves the work).
        if n_above != previous_n_above:
            previous_n_above = n_above
            below = values[~above]
            flagged = _widen(above, buffer)
            n_flagged = int(flagged.sum())
            n_sequences = _n_sequences(flagged, one_point_alarms)
            mean_decrease = std_decrease = objective = np.nan
            if n_flagged > 0 and below.size > 0:
                with np.errstate(divide="ignore", invalid="ignore"):
                    mean_decrease = (mean - np.mean(below)) / mean
                    std_decrease = (std - np.std(below)) / std
                    objective = (mean_decrease + std_decrease) / (n_sequences**2 + n_flagged)
            admissible = (
                n_flagged > 0
                and n_sequences <= max_sequences
                and n_flagged < values.size * max_flagged_fraction
            )
        row = (k, threshold, n_above, n_flagged, n_sequences, mean_decrease, std_decrease,
               objective, admissible)  # fmt: skip
        for name, value in zip(_SEARCH_COLUMNS, row, strict=True):
            columns[name].append(value)
    table = {name: np.array(values) for name, values in columns.items()}
    table["objective"] = table["objective"].astype(float)
    # Telemanom walks up the k and keeps the last admissible one whose objective is >= the
    # best so far (which starts at -1e7): the largest objective, ties to the larger k.
    with np.errstate(invalid="ignore"):
        candidate = table["admissible"] & (table["objective"] >= _INITIAL_BEST)
    table["chosen"] = np.zeros(len(k_values), dtype=bool)
    if candidate.any():
        best = table["objective"][candidate].max()
        table["chosen"][np.flatnonzero(candidate & (table["objective"] == best))[-1]] = True
    return table


_SEARCH_COLUMNS = ("k", "threshold", "n_above", "n_flagged", "n_sequences", "mean_decrease",
                   "std_decrease", "objective", "admissible")  # fmt: skip


def _chosen_k(table: dict[str, np.ndarray], k_fallback: float) -> float:
    return float(table["k"][table["chosen"]][0]) if table["chosen"].any() else k_fallback


def prune(
    smoothed: ArrayLike,
    flags: ArrayLike,
    reference: float | None = None,
    *,
    min_decrease: float = 0.13,
    one_point_alarms: bool = False,
) -> np.ndarray | pd.Series:
    """Remove the alarms whose peak is not clearly above the next one (Telemanom's pruning).

    Each alarm of more than one point (:func:`lstm_helpers.alarms`) is a *sequence* with a
    peak, its largest smoothed error. The peaks are sorted in decreasing order and the
    ``reference`` is appended. Walking down this ladder, a step from one value to the next
    is *small* if it drops by less than ``min_decrease``, relatively:
    ``(peak[i] - peak[i + 1]) / peak[i] < min_decrease``. The sequences whose peak equals a
    value below the last step that is not small are removed (all of them if every step is
    small); the others are kept. Telemanom's code does exactly this, comparing values, so
    sequences with the same peak share their fate.

    Runs of one point (Telemanom, ``one_point_alarms=False``): they are not sequences; they
    are all removed when some sequence exists, and all kept when none does.

    Parameters
    ----------
    smoothed : array-like or pandas.Series, shape (n,)
        Smoothed, non-negative errors.
    flags : array-like of bool, shape (n,)
    reference : float, optional
        The value the smallest peak is compared with. Default: the largest smoothed error
        that is not flagged. :func:`dynamic_threshold` passes Telemanom's: the largest error
        of the history window neither flagged now nor kept by an earlier window.
    min_decrease : float >= 0
        Telemanom's ``p`` (0.13).
    one_point_alarms : bool
        True: runs of one point are sequences like the others.

    Returns
    -------
    numpy.ndarray of bool or pandas.Series (on the index of ``smoothed``), shape (n,)
    """
    e = _check_errors(smoothed, "smoothed")
    f = _check_flags(flags, e.size)
    min_decrease = _check_number(min_decrease, "min_decrease", 0.0)
    one_point_alarms = _check_flag(one_point_alarms, "one_point_alarms")
    if reference is None:
        if f.all():
            raise ValueError(
                "every point is flagged, so there is no unflagged error to compare the "
                "peaks with: pass reference="
            )
        reference = float(e[~f].max())
    else:
        reference = check_real(reference, "reference")
    # Pruning compares ratios only, so a power-of-two rescaling changes nothing but overflow.
    scaled, p = _rescaled(np.append(e, reference), "smoothed and reference")
    kept = _prune(scaled[:-1], f, np.ldexp(reference, -p), min_decrease, one_point_alarms)
    return _like(kept, smoothed, "flags")


def _prune(
    values: np.ndarray,
    flags: np.ndarray,
    reference: float,
    min_decrease: float,
    one_point_alarms: bool,
) -> np.ndarray:
    """:func:`prune` on checked input."""
    runs = alarms(flags)
    sequences = runs if one_point_alarms else runs[runs["n_points"] > 1]
    if sequences.empty:
        return flags.copy()  # nothing to prune: Telemanom returns (one-point runs stay)
    first, last = sequences["first"].to_numpy(), sequences["last"].to_numpy()
    peaks = np.array([values[a : b + 1].max() for a, b in zip(first, last, strict=True)])
    ladder = np.append(np.sort(peaks)[::-1], reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = (ladder[:-1] - ladder[1:]) / ladder[:-1]
    # A NaN drop (0 / 0) is not "< min_decrease": like the code, it counts as a large step.
    large = np.flatnonzero(~(drop < min_decrease))
    removed_peaks = ladder[large[-1] + 1 if large.size else 0 : -1]
    kept = np.zeros_like(flags)
    for a, b, peak in zip(first, last, peaks, strict=True):
        if peak not in removed_peaks:
            kept[a : b + 1] = True
    return kept


# ----------------------------------------------------------------------------- windows


def _telemanom_ignore_first(n: int) -> int:
    """Telemanom's num_to_ignore: 2 * l_s if n >= 2500, l_s if n >= 1800, else 0 (l_s = 250)."""
    if n >= 2500:
        return 2 * _L_S
    if n >= 1800:
        return _L_S
    return 0


def windows(
    n: int,
    history: int = 2100,
    batch: int = 70,
    *,
    ignore_first: int = 0,
    judge_remainder: bool = False,
) -> pd.DataFrame:
    """Telemanom's history windows over a series of ``n`` points, and what each one judges.

    Window ``i`` is ``[i * batch, history + i * batch)``, for ``i = 0 .. n_windows`` with
    ``n_windows = (n - history) // batch`` (0 if ``n < history``); the last one ends at
    ``n`` instead, so it is ``history + r`` points long, ``r = (n - history) mod batch``
    (or all ``n`` points if there is a single window). The first window judges its points
    from ``ignore_first`` on; every later one judges only its last ``batch`` points, so the
    ``r`` points before the last batch are never judged (``judge_remainder=True``: the
    last window judges them too).

    Parameters
    ----------
    n : int >= 1
    history, batch : int >= 1, ``batch <= history``
    ignore_first : int >= 0
        :func:`dynamic_threshold` passes Telemanom's rule (500, 250 or 0 points).
    judge_remainder : bool

    Returns
    -------
    pandas.DataFrame, one row per window
        ``start``, ``stop`` (the window is ``smoothed[start:stop]``) and ``judged_from``
        (it judges ``[judged_from, stop)``; positions in the series).
    """
    n = check_positive_int(n, "n")
    history, batch = _check_history(history, batch)
    ignore_first = _check_count(ignore_first, "ignore_first")
    judge_remainder = _check_flag(judge_remainder, "judge_remainder")
    return _windows(n, history, batch, ignore_first, judge_remainder)


def _check_history(history: Any, batch: Any) -> tuple[int, int]:
    history = check_positive_int(history, "history")
    batch = check_positive_int(batch, "batch")
    if batch > history:
        raise ValueError(
            f"batch must be <= history (the window judges its last batch); got batch={batch}, "
            f"history={history}"
        )
    return history, batch


def _windows(
    n: int, history: int, batch: int, ignore_first: int, judge_remainder: bool
) -> pd.DataFrame:
    n_windows = (n - history) // batch if n >= history else 0
    rows = []
    for i in range(n_windows + 1):
        start = i * batch
        stop = n if i == n_windows else history + i * batch
        if i == 0:
            judged_from = min(ignore_first, stop)
        elif i == n_windows and judge_remainder:
            judged_from = history + (i - 1) * batch  # where the previous window stopped
        else:
            judged_from = stop - batch
        rows.append({"start": start, "stop": stop, "judged_from": judged_from})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- threshold


class DynamicThreshold(NamedTuple):
    """What :func:`dynamic_threshold` returns; each field has the shape of the errors."""

    #: bool, True where a point is flagged (Telemanom's final ``E_seq``)
    flags: np.ndarray | pd.Series
    #: float, the threshold ``mean + k * std`` of the window that judged each point (the
    #: pass on errors, not the one on inverted errors); NaN where no window judges
    threshold: np.ndarray | pd.Series
    #: float, the smoothed errors the threshold was applied to (after ``warmup``)
    smoothed: np.ndarray | pd.Series


def dynamic_threshold(
    errors: ArrayLike,
    y_true: ArrayLike | None = None,
    *,
    history: int = 2100,
    batch: int = 70,
    span: float | None = None,
    warmup: int = 250,
    ignore_first: int | None = None,
    k_values: ArrayLike = K_VALUES,
    k_fallback: float = K_FALLBACK,
    error_buffer: int = 100,
    search_buffer: int | None = None,
    max_sequences: int = 5,
    max_flagged_fraction: float = 0.5,
    min_decrease: float = 0.13,
    min_error: float | None = 0.05,
    min_scale: float | None = 0.05,
    drops: bool = True,
    judge_remainder: bool = False,
    prune_history: bool = False,
    one_point_alarms: bool = False,
) -> DynamicThreshold:
    """Telemanom's nonparametric dynamic threshold, flag for flag as its published code.

    The steps and the departures are listed in the module's docstring. With the default
    arguments, and ``y_true`` given as Telemanom's ``y_test``, ``flags`` are exactly the
    points of the ``E_seq`` that ``telemanom.errors.Errors.process_batches`` finds.

    A point's flag uses errors (and ``y_true`` rows) up to the end of its window: it is
    known at most ``batch`` points late once the first history window is full, and the
    first window judges all its points at once.

    Parameters
    ----------
    errors : array-like or pandas.Series, shape (n,)
        Absolute prediction errors ``|y_hat - y_true|``, finite, in time order (Telemanom's
        ``e = abs(y_hat - y_test[:, 0])``). At least ``warmup`` points.
    y_true : array-like, shape (n,) or (n, m), optional
        The true values, used only by the minimum-scale check: their std and 5-95 % range
        in each window, over all ``m`` columns (Telemanom's ``y_test`` holds the next
        ``n_predictions = 10`` values in each row, so its window reaches 9 values beyond
        the window's last error). Without it, only ``min_error`` applies.
    history, batch : int >= 1, ``batch <= history``
        Window length and step (Telemanom: ``window_size * batch_size = 30 * 70 = 2100``
        and 70).
    span : float >= 1, optional
        EWMA span; default ``max(1, int(0.05 * history))`` (Telemanom's ``smoothing_perc``:
        105).
    warmup : int >= 0
        The first ``warmup`` smoothed errors become the mean of the first ``2 * warmup``
        (Telemanom's ``l_s = 250``); 0 leaves them.
    ignore_first : int >= 0, optional
        The first window flags nothing before this position. Default: Telemanom's rule,
        ``2 * l_s = 500`` if ``n >= 2500``, ``l_s = 250`` if ``n >= 1800``, else 0.
    k_values, k_fallback
        The k (Telemanom's z) searched, and the k used when none qualifies
        (:data:`K_VALUES`, :data:`K_FALLBACK`; see :func:`search_k`).
    error_buffer : int >= 0
        Flags are widened by this many points on each side (Telemanom: 100).
    search_buffer : int >= 0, optional
        The widening inside the k search; default ``error_buffer - 1`` as the code (its
        ``np.arange(1, error_buffer)``; the final flags use ``np.arange(1, error_buffer + 1)``).
    max_sequences, max_flagged_fraction
        Which k are admissible (:func:`search_k`; Telemanom: 5 and 0.5).
    min_decrease : float >= 0
        Telemanom's ``p`` (0.13), see :func:`prune`.
    min_error : float >= 0 or None
        A window flags nothing unless its largest smoothed error exceeds this, in the units
        of the errors (Telemanom: 0.05, for data scaled to [-1, 1]). None: no such floor.
    min_scale : float >= 0 or None
        With ``y_true``: a window flags nothing unless its smoothed errors' std exceeds
        ``min_scale`` times the std of ``y_true`` or its largest smoothed error exceeds
        ``min_scale`` times the 5-95 % range of ``y_true``, and a point must exceed
        ``min_scale`` times that range (Telemanom: 0.05). None: no such check.
    drops : bool
        True (Telemanom): a second pass on inverted errors also flags unusually small errors.
    judge_remainder : bool
        True: the last window also judges the ``r = (n - history) mod batch`` points that
        Telemanom never judges (:func:`windows`).
    prune_history : bool
        True: prune the runs of the whole history window (peaks over whole runs), against
        its largest unflagged error, then keep the judged part. False (Telemanom): prune the
        judged part only, cut at its edge, against the largest error not flagged now nor
        kept by an earlier window.
    one_point_alarms : bool
        True: runs of one flagged point count as sequences in the search, in pruning and in
        the result. False (Telemanom): they are left out of all three (see :func:`prune`).

    Returns
    -------
    DynamicThreshold
        ``flags`` (bool), ``threshold`` and ``smoothed`` (float), each shape (n,); Series on
        the index of ``errors`` when it is a Series. ``threshold`` is NaN where no window
        judges (the first ``ignore_first`` points, the ``r`` unjudged points).

    Raises
    ------
    TypeError, ValueError
        Bad arguments, named in the message. Also ``ValueError`` for fewer than ``warmup``
        errors and for a window where every point is flagged (nothing left to rank the peaks
        against; Telemanom's code fails on both), and for a window whose smoothed errors
        span more than ~307 orders of magnitude.

    Notes
    -----
    Errors (and ``y_true``) of any finite magnitude are handled. In a window whose largest
    magnitude is outside [2**-256, 2**256] the values are multiplied by a power of two
    before the statistics and the threshold is multiplied back (the EWMA likewise, when it
    would overflow or underflow). Every step is unchanged by that, bit for bit, so an error
    of 1e300 is judged exactly as an error of 1e300 / 2**997 would be; data of usual
    magnitudes is never rescaled. A window whose smoothed errors span more than about 307
    orders of magnitude (1e300 next to 1e-10) is refused with a ``ValueError``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> errors = np.abs(rng.normal(0, 0.1, 3000))
    >>> errors[1500:1520] += 2.0
    >>> result = dynamic_threshold(errors)
    >>> bool(result.flags[1500:1520].all()), int(result.flags.sum()) > 20
    (True, True)
    """
    e = _check_errors(errors)
    n = e.size
    history, batch = _check_history(history, batch)
    span = max(1, int(0.05 * history)) if span is None else _check_number(span, "span", 1.0)
    warmup = _check_count(warmup, "warmup")
    if ignore_first is None:
        ignore_first = _telemanom_ignore_first(n)
    ignore_first = _check_count(ignore_first, "ignore_first")
    k_values = _check_k_values(k_values)
    k_fallback = check_real(k_fallback, "k_fallback")
    error_buffer = _check_count(error_buffer, "error_buffer")
    search_buffer = max(error_buffer - 1, 0) if search_buffer is None else search_buffer
    search_buffer = _check_count(search_buffer, "search_buffer")
    max_sequences = _check_count(max_sequences, "max_sequences")
    max_flagged_fraction = _check_fraction(max_flagged_fraction)
    min_decrease = _check_number(min_decrease, "min_decrease", 0.0)
    if min_error is not None:
        min_error = _check_number(min_error, "min_error", 0.0)
    if min_scale is not None:
        min_scale = _check_number(min_scale, "min_scale", 0.0)
    drops = _check_flag(drops, "drops")
    judge_remainder = _check_flag(judge_remainder, "judge_remainder")
    prune_history = _check_flag(prune_history, "prune_history")
    one_point_alarms = _check_flag(one_point_alarms, "one_point_alarms")
    y = None if y_true is None else _check_y_true(y_true, errors, n)
    if n < warmup:
        raise ValueError(
            f"errors has {n} points, fewer than warmup={warmup} (Telemanom's l_s: the first "
            "warmup smoothed errors are replaced by a mean; its code fails here). Pass a "
            "smaller warmup, e.g. warmup=0."
        )

    # 1. Smooth.
    smoothed = _ewma(e, span)
    if warmup > 0:
        smoothed[:warmup] = _mean(smoothed[:2 * warmup], "the first smoothed errors")  # fmt: skip

    kept = np.zeros(n, dtype=bool)  # Telemanom's Errors.i_anom: every window's kept flags
    threshold = np.full(n, np.nan)
    table = _windows(n, history, batch, ignore_first, judge_remainder)
    for start, stop, judged_from in table.itertuples(index=False):
        # The window's values, times 2**-p if their magnitude is extreme (see Notes).
        window, p = _rescaled(smoothed[start:stop], f"the smoothed errors in [{start}, {stop})")
        mean, std = np.mean(window), np.std(window)
        judged = np.arange(start, stop) >= judged_from

        # 4. Minimum scale (used in step 5): may this window flag, and above which floor?
        largest = np.max(window)
        allowed = min_error is None or bool(largest > np.ldexp(min_error, -p))
        floor = -np.inf
        if min_scale is not None and y is not None:
            y_window, q = _rescaled(y[start:stop], f"y_true in [{start}, {stop})")
            y_std = np.ldexp(min_scale * np.std(y_window), q - p)
            high, low = np.percentile(y_window, [95, 5])
            floor = np.ldexp(min_scale * (high - low), q - p)
            allowed = allowed and bool(std > y_std or largest > floor)

        new = np.zeros(stop - start, dtype=bool)
        passes = [window, mean + (mean - window)] if drops else [window]
        for i, values in enumerate(passes):  # 7. the second pass: inverted errors
            # 3. Search k.
            search = _search(values, mean, std, k_values, search_buffer, max_sequences,
                             max_flagged_fraction, one_point_alarms)  # fmt: skip
            eps = mean + _chosen_k(search, k_fallback) * std
            if i == 0:
                threshold[judged_from:stop] = np.ldexp(eps, p)
            if not allowed:
                continue
            # 5. Flag, widen, keep the judged part.
            above = (values >= eps) & (values > floor)
            if not above.any():
                continue
            flagged = _widen(above, error_buffer)
            # 6. Prune.
            if prune_history:
                outside = ~flagged
                window_flags = _prune(values, flagged, _largest(values, outside, start, stop),
                                      min_decrease, one_point_alarms)  # fmt: skip
                new |= window_flags & judged
            else:
                flagged &= judged
                outside = ~flagged & ~kept[start:stop]
                new |= _prune(values, flagged, _largest(values, outside, start, stop),
                              min_decrease, one_point_alarms)  # fmt: skip
        kept[start:stop] |= new

    # 8. Result: the kept points, without runs of one point.
    flags = kept.copy()
    if not one_point_alarms and kept.any():
        runs = alarms(kept)
        for a in runs.loc[runs["n_points"] == 1, "first"]:
            flags[a] = False
    return DynamicThreshold(
        _like(flags, errors, "flags"),
        _like(threshold, errors, "threshold"),
        _like(smoothed, errors, "smoothed"),
    )


def _largest(values: np.ndarray, outside: np.ndarray, start: int, stop: int) -> float:
    """The largest value outside the flags: what the smallest peak is compared with."""
    if not outside.any():
        raise ValueError(
            f"every point of the history window [{start}, {stop}) is flagged (now or by an "
            "earlier window), so no unflagged error is left to compare the peaks with; "
            "Telemanom's code fails here too (max of an empty array). It happens when the "
            "smoothed errors are constant (std 0: every point is at the threshold mean + k * 0)."
        )
    return float(values[outside].max())


def _check_y_true(y_true: Any, errors: Any, n: int) -> np.ndarray:
    y = as_float_array(y_true, "y_true")
    if y.ndim not in (1, 2) or y.shape[0] != n or y.size == 0:
        raise ValueError(
            f"y_true must have shape ({n},) or ({n}, m), one row per error; got {describe(y)}"
        )
    check_finite(y, "y_true")
    if (
        isinstance(y_true, (pd.Series, pd.DataFrame))
        and isinstance(errors, pd.Series)
        and not y_true.index.equals(errors.index)
    ):
        raise ValueError("y_true and errors must be on the same index")
    return y
