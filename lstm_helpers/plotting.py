"""Consistent, colour-blind-safe figures for the notebooks.

Colours are the Okabe–Ito palette, readable with every common form of colour blindness.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

__all__ = [
    "COLORS",
    "CYCLE",
    "apply_style",
    "plot_loss",
    "plot_scores",
    "plot_series_with_points",
    "shade_mask",
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


def plot_series_with_points(
    x: ArrayLike,
    y: ArrayLike,
    points: ArrayLike,
    ax: Axes | None = None,
    title: str = "Series and detected anomalies",
    label: str = "series",
    points_label: str = "detected",
    truth: ArrayLike | None = None,
) -> Axes:
    """A line plot of a series with some of its points marked.

    Parameters
    ----------
    x, y : array-like, shape (n_points,)
        The time axis and the values.
    points : array-like of int, shape (k,)
        Positional indices of the points to mark.
    truth : array-like of int, optional
        Positional indices of the true anomalies, drawn as open circles.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D of equal length; got {x.shape} and {y.shape}")
    idx = np.asarray(points, dtype=int)
    ax = ax or plt.subplots()[1]
    ax.plot(x, y, color=COLORS["blue"], lw=1, label=label)
    if truth is not None:
        t = np.asarray(truth, dtype=int)
        ax.scatter(
            x[t], y[t], s=140, facecolors="none", edgecolors=COLORS["black"], label="true anomaly"
        )
    ax.scatter(x[idx], y[idx], s=40, color=COLORS["vermillion"], zorder=3, label=points_label)
    ax.set(title=title, xlabel="time", ylabel="value")
    ax.legend(loc="upper right")
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
    """
    ax = ax or plt.subplots()[1]
    ax.plot(x, scores, color=COLORS["orange"], lw=1, label=label)
    ax.axhline(threshold, color=COLORS["vermillion"], ls="--", label=f"threshold = {threshold:.3g}")
    ax.set(title=title, xlabel="time", ylabel=ylabel)
    ax.legend(loc="upper right")
    return ax


def shade_mask(
    ax: Axes, x: ArrayLike, mask: ArrayLike, label: str = "true anomaly", color: str | None = None
) -> None:
    """Shade the spans of ``x`` where ``mask`` is True (for example a labelled anomaly window).

    Parameters
    ----------
    x : array-like, shape (n,)
        The plot's x values (numbers or datetimes).
    mask : array-like of bool, shape (n,)
    """
    x = np.asarray(x)
    m = np.asarray(mask, dtype=bool)
    if x.shape != m.shape:
        raise ValueError(f"x and mask must have the same shape; got {x.shape} and {m.shape}")
    edges = np.flatnonzero(np.diff(np.concatenate([[0], m.astype(np.int8), [0]])))
    for i, (start, stop) in enumerate(zip(edges[::2], edges[1::2], strict=True)):
        ax.axvspan(
            x[start],
            x[stop - 1],
            color=color or COLORS["sky"],
            alpha=0.25,
            lw=0,
            label=label if i == 0 else None,
        )
