"""Step 5 of the pipeline: consistent, colour-blind-safe figures for the notebooks.

Colours are the Okabe–Ito palette, readable with every common form of colour blindness.
Every plotting function takes ``ax=`` (a new figure when it is None) and returns the
Axes it drew on, so figures compose: ``ax = plot_scores(...); shade_spans(spans, ax=ax)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from .metrics import alarms

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


def apply_style(dpi: int = 80) -> None:
    """Set matplotlib defaults for the notebooks: Okabe–Ito colours, grid, modest dpi.

    A modest figure dpi keeps the committed notebooks small.
    """
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


def plot_loss(
    history: dict[str, Sequence[float]], ax: Axes | None = None, title: str = "Training loss"
) -> Axes:
    """Plot training (and validation) loss per epoch from ``keras.callbacks.History.history``.

    Parameters
    ----------
    history : dict
        ``{"loss": [...], "val_loss": [...]}``; ``val_loss`` is optional.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if "loss" not in history:
        raise ValueError(f"history must have a 'loss' key; got keys {sorted(history)}")
    ax = ax or plt.subplots(figsize=(7, 3))[1]
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], color=COLORS["blue"], label="training")
    if "val_loss" in history:
        ax.plot(epochs, history["val_loss"], color=COLORS["orange"], ls="--", label="validation")
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
    x, scores : array-like, shape (n,)
    threshold : float

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax or plt.subplots()[1]
    ax.plot(x, scores, color=COLORS["orange"], lw=1, label=label)
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
        The plot's x values (numbers or datetimes).
    mask : array-like of bool, shape (n,)
        For example ``lh.span_mask(index, spans)``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = np.asarray(x)
    m = np.asarray(mask)
    if m.dtype != np.bool_:
        raise TypeError(f"mask must be boolean; got dtype {m.dtype}")
    if x.shape != m.shape:
        raise ValueError(f"x and mask must have the same shape; got {x.shape} and {m.shape}")
    ax = ax or plt.subplots()[1]
    for i, (first, last) in enumerate(alarms(m)[["first", "last"]].to_numpy()):
        ax.axvspan(
            x[first],
            x[last],
            color=color or COLORS["sky"],
            alpha=0.25,
            lw=0,
            label=label if i == 0 else None,
        )
    return ax


def shade_spans(
    spans: Sequence[tuple[object, object]],
    ax: Axes | None = None,
    label: str = "labelled anomaly",
    color: str | None = None,
) -> Axes:
    """Shade every labelled span ``(start, end)`` in x units (timestamps or numbers).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = ax or plt.subplots()[1]
    for i, span in enumerate(spans):
        if len(span) != 2:
            raise ValueError(f"spans[{i}] must be a (start, end) pair; got {span!r}")
        start, end = span
        if end < start:
            raise ValueError(f"spans[{i}] ends before it starts: ({start}, {end})")
        ax.axvspan(
            start,
            end,
            color=color or COLORS["sky"],
            alpha=0.25,
            lw=0,
            label=label if i == 0 else None,
        )
    return ax
