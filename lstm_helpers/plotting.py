"""Step 5 of the pipeline: consistent, colour-blind-safe figures for the notebooks.

Colours are the Okabe–Ito palette, readable with every common form of colour blindness.
Every plotting function takes ``ax=`` (a new figure when it is None) and returns the
Axes it drew on, so figures compose: ``ax = plot_scores(...); shade_spans(spans, ax=ax)``.
What cannot be drawn faithfully is refused with a ``TypeError``/``ValueError`` naming the
argument: text where numbers or timestamps belong (matplotlib would draw it as categories),
x out of time order, NaN/inf that would silently vanish, an ``ax`` that is not an Axes.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_axes, check_real, describe, is_sequence
from .metrics import _bool_values, alarms

__all__ = [
    "COLORS",
    "CYCLE",
    "apply_style",
    "plot_loss",
    "plot_scores",
    "shade_mask",
    "shade_spans",
]

#: Okabe–Ito colours by name.
COLORS: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: The default line colour order (yellow last: it is hard to see on white).
CYCLE: list[str] = [
    COLORS[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow")
]


def _axes(ax: Axes | None, **subplots) -> Axes:
    """The Axes to draw on: ``ax``, or a new figure's when it is None."""
    check_axes(ax)
    return ax if ax is not None else plt.subplots(**subplots)[1]


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; got {describe(value)}")
    return value


def _color(color: object) -> str | tuple:
    if color is None:
        return COLORS["sky"]
    if isinstance(color, np.ndarray) or not mpl.colors.is_color_like(color):
        raise ValueError(
            f"color must be a matplotlib colour such as lh.COLORS['sky'] or None; got "
            f"{describe(color)}"
        )
    return color


def _x_axis(x: object, n: int, what: str) -> pd.Index:
    """x values as an Index: numbers or timestamps, no NaN/NaT, in increasing (time) order.

    ``n`` is the length of ``what`` (the values drawn against x).
    """
    if isinstance(x, (str, bytes, Mapping)) or x is None:
        raise TypeError(f"x must be an array of numbers or timestamps; got {describe(x)}")
    try:
        if np.ndim(x) != 1:
            raise ValueError(f"x must be 1-D, one value per point; got {describe(x)}")
        index = pd.Index(x)
    except NotImplementedError:  # pandas has no float16 index
        index = pd.Index(np.asarray(x, dtype=np.float64))
    except (ValueError, TypeError) as err:
        raise ValueError(f"x must be a flat array; got {describe(x)} ({err})") from err
    dtype = index.dtype
    if not (
        isinstance(index, pd.DatetimeIndex)
        or (pd.api.types.is_numeric_dtype(dtype) and dtype.kind in "iuf")
    ):
        raise TypeError(
            f"x must hold numbers or timestamps; got dtype {dtype} (text would be drawn as "
            "categories, in the order met)"
        )
    if len(index) != n:
        raise ValueError(f"x and {what} must have the same length; got {len(index)} and {n}")
    if index.hasnans:
        raise ValueError(f"x must not hold NaN/NaT; found {int(index.isna().sum())}")
    if not index.is_monotonic_increasing:
        raise ValueError(
            "x must be in increasing (time) order; unsorted x draws a scribble. Sort the data first"
        )
    return index


def _same_labels(x: object, values: object, name: str) -> None:
    """A Series drawn against x must be on x: refuse labels that differ (drawn by position)."""
    if not isinstance(values, pd.Series):
        return
    labels = x.index if isinstance(x, pd.Series) else x if isinstance(x, pd.Index) else None
    if labels is not None and not values.index.equals(labels):
        raise ValueError(
            f"{name} is a Series whose index differs from x; it would be drawn by position. "
            f"Pass {name}.reindex(x) or x=that Series' index"
        )


def apply_style(dpi: float = 80) -> None:
    """Set matplotlib defaults for the notebooks: Okabe–Ito colours, grid, modest dpi.

    A modest figure dpi keeps the committed notebooks small.

    Parameters
    ----------
    dpi : real number in (0, 2000]
        Dots per inch of new figures.
    """
    dpi = check_real(dpi, "dpi")
    if not 0 < dpi <= 2000:
        raise ValueError(f"dpi must be > 0 and at most 2000 (a printer's); got {dpi}")
    mpl.rcParams.update(
        {
            "axes.prop_cycle": mpl.cycler(color=CYCLE),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "figure.dpi": dpi,
            "figure.figsize": (10, 3.5),
            "axes.titlesize": "medium",
            "legend.fontsize": "small",
            "figure.constrained_layout.use": True,
        }
    )


def _curve(values: object, name: str) -> np.ndarray:
    arr = as_float_array(values, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty list, one value per epoch; got {describe(arr)}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{name} holds NaN/inf from epoch {int(np.argmax(bad)) + 1} (training diverged?); "
            "a plot would silently drop those epochs"
        )
    return arr


def plot_loss(
    history: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    title: str = "Training loss",
) -> Axes:
    """Plot training (and validation) loss per epoch from ``keras.callbacks.History.history``.

    Parameters
    ----------
    history : dict, or the ``keras.callbacks.History`` that ``model.fit`` returns
        ``{"loss": [...], "val_loss": [...]}``; ``val_loss`` is optional and must have
        one value per epoch, like ``loss``. Values must be finite numbers.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(history, Mapping) and isinstance(getattr(history, "history", None), Mapping):
        history = history.history  # the History object model.fit returns
    if not isinstance(history, Mapping):
        raise TypeError(
            "history must be a dict such as model.fit(...).history, with a 'loss' list; got "
            f"{describe(history)}"
        )
    if "loss" not in history:
        raise ValueError(f"history must have a 'loss' key; got keys {list(history)}")
    title = _text(title, "title")
    loss = _curve(history["loss"], "history['loss']")
    val = _curve(history["val_loss"], "history['val_loss']") if "val_loss" in history else None
    if val is not None and val.size != loss.size:
        raise ValueError(
            f"history['val_loss'] must have one value per epoch like history['loss'] "
            f"({loss.size}); got {val.size}"
        )
    ax = _axes(ax, figsize=(7, 3))
    epochs = np.arange(1, loss.size + 1)
    ax.plot(epochs, loss, color=COLORS["blue"], label="training")
    if val is not None:
        ax.plot(epochs, val, color=COLORS["orange"], ls="--", label="validation")
    ax.set(title=title, xlabel="epoch", ylabel="loss")
    ax.legend()
    return ax


def plot_scores(
    x: ArrayLike,
    scores: ArrayLike,
    threshold: float,
    ax: Axes | None = None,
    title: str = "Anomaly score against the threshold",
    label: str = "score",
    ylabel: str = "score",
) -> Axes:
    """An anomaly score over time with its threshold as a dashed line.

    Parameters
    ----------
    x : array-like of numbers or timestamps, shape (n,), increasing
    scores : array-like of float, shape (n,)
        NaN (no score yet) leaves a gap; infinity is refused (it cannot be drawn). A Series
        must be on ``x`` when ``x`` is an index or a Series.
    threshold : real number, finite
    ax : matplotlib Axes, optional
    title, label, ylabel : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    values = as_float_array(scores, "scores")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"scores must be 1-D and non-empty, one per point; got {describe(values)}")
    if np.isinf(values).any():
        raise ValueError(
            f"scores must not hold inf (it cannot be drawn); found {int(np.isinf(values).sum())}"
        )
    index = _x_axis(x, values.size, "scores")
    _same_labels(x, scores, "scores")
    threshold = check_real(threshold, "threshold")
    title, label, ylabel = _text(title, "title"), _text(label, "label"), _text(ylabel, "ylabel")
    ax = _axes(ax)
    ax.plot(index, values, color=COLORS["orange"], lw=1, label=label)
    ax.axhline(threshold, color=COLORS["vermillion"], ls="--", label=f"threshold = {threshold:.3g}")
    ax.set(title=title, xlabel="time", ylabel=ylabel)
    ax.legend(loc="upper right")
    return ax


def shade_mask(
    x: ArrayLike,
    mask: ArrayLike,
    ax: Axes | None = None,
    label: str = "true anomaly",
    color: str | None = None,
) -> Axes:
    """Shade the stretches of ``x`` where ``mask`` is True.

    Parameters
    ----------
    x : array-like, shape (n,)
        The plot's x values (numbers or timestamps), increasing.
    mask : array-like of bool, shape (n,)
        For example ``lh.span_mask(index, spans)`` (a Series must be on ``x``).
    ax : matplotlib Axes, optional
    label : str
    color : matplotlib colour, optional
        Default ``COLORS["sky"]``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    m = _bool_values(mask, "mask", allow_empty=True)
    index = _x_axis(x, m.size, "mask")
    _same_labels(x, mask, "mask")
    label, color = _text(label, "label"), _color(color)
    ax = _axes(ax)
    for i, (first, last) in enumerate(alarms(m)[["first", "last"]].to_numpy()):
        ax.axvspan(
            index[first],
            index[last],
            color=color,
            alpha=0.25,
            lw=0,
            label=label if i == 0 else None,
        )
    return ax


def _span_end(value: object, what: str) -> object:
    """A span end: a real number or a timestamp (text and NaN/NaT/inf refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (numbers.Real, dt.date, np.datetime64)
    ):
        raise TypeError(
            f"{what} must be a number or a timestamp; got {describe(value)} (text would be "
            "drawn as a category; convert it, e.g. pd.Timestamp(text))"
        )
    if isinstance(value, numbers.Real):
        try:
            finite = bool(np.isfinite(float(value)))
        except OverflowError:  # an int beyond float64's range
            finite = False
        if not finite:
            raise ValueError(f"{what} must be a finite number; got {describe(value)}")
        return value
    if pd.isna(value):
        raise ValueError(f"{what} must be a timestamp, not NaT; got {value!r}")
    return pd.Timestamp(value) if isinstance(value, np.datetime64) else value


def shade_spans(
    spans: Sequence[tuple[object, object]],
    ax: Axes | None = None,
    label: str = "labelled anomaly",
    color: str | None = None,
) -> Axes:
    """Shade every labelled span ``(start, end)`` in x units (timestamps or numbers).

    Parameters
    ----------
    spans : sequence of (start, end)
        Numbers, or timestamps (``pd.Timestamp``, ``datetime``, ``np.datetime64``), ends
        included, ``start <= end``; the kind of the plot's x axis.
    ax : matplotlib Axes, optional
    label : str
    color : matplotlib colour, optional
        Default ``COLORS["sky"]``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not is_sequence(spans):
        raise TypeError(f"spans must be a sequence of (start, end) pairs; got {describe(spans)}")
    checked = []
    for i, span in enumerate(spans):
        if not is_sequence(span):
            raise TypeError(f"spans[{i}] must be a (start, end) pair; got {describe(span)}")
        if len(span) != 2:
            raise ValueError(f"spans[{i}] must be a (start, end) pair; got {span!r}")
        start = _span_end(span[0], f"spans[{i}] start")
        end = _span_end(span[1], f"spans[{i}] end")
        try:
            reversed_span = end < start
        except TypeError as err:
            raise TypeError(
                f"spans[{i}] mixes kinds: ({start!r}, {end!r}); give two numbers or two "
                "timestamps (both timezone-aware or both naive)"
            ) from err
        if reversed_span:
            raise ValueError(f"spans[{i}] ends before it starts: ({start}, {end})")
        checked.append((start, end))
    label, color = _text(label, "label"), _color(color)
    ax = _axes(ax)
    for i, (start, end) in enumerate(checked):
        ax.axvspan(
            start,
            end,
            color=color,
            alpha=0.25,
            lw=0,
            label=label if i == 0 else None,
        )
    return ax
