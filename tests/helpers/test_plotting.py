"""Plotting: every function takes ax= and returns the Axes; what it draws, and what it refuses.

Plots have no loop reference; their properties are checked on what they draw (the data of
each line, the extent of each shaded patch) against plain loops over the input, and bad
input (text where numbers or timestamps belong, x out of order, NaN/inf that would vanish,
an ``ax`` that is not an Axes) is refused with a clear error.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from bad_input import junk, outcome, sweep
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_helpers as lh


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


FIG, (AX, DATES) = plt.subplots(1, 2)  # reused by the properties: numbers, and timestamps


def clear(*axes):
    """Remove what was drawn (much faster than ax.cla(); the units of each axis stay)."""
    for ax in axes:
        for artist in [*ax.lines, *ax.patches]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()


def test_every_plotting_function_draws_on_the_given_axes_and_returns_it(ax):
    x = np.arange(10)
    y = np.sin(x)
    assert lh.plot_loss({"loss": [3, 2, 1], "val_loss": [3, 3, 2]}, ax=ax) is ax
    assert lh.plot_scores(x, y, 0.5, ax=ax) is ax
    assert lh.shade_mask(x, x > 6, ax=ax) is ax
    idx = pd.date_range("2020", periods=10, freq="h", tz="UTC")
    assert lh.shade_spans([(idx[1], idx[3])], ax=ax) is ax
    for function in (lh.plot_loss, lh.plot_scores, lh.shade_mask, lh.shade_spans):
        assert "ax" in function.__code__.co_varnames


def test_shade_mask_shades_each_run_once(ax):
    lh.shade_mask(np.arange(10), np.array([0, 1, 1, 0, 0, 1, 1, 1, 0, 0], bool), ax=ax)
    assert len(ax.patches) == 2
    assert [h.get_label() for h in ax.get_legend_handles_labels()[0]] == ["true anomaly"]


# --- what is drawn, against loops over the input -------------------------------------------


def runs(mask):
    """(first, last) positions of each run of True, by a plain loop."""
    out, start = [], None
    for i, m in enumerate([*mask, False]):
        if m and start is None:
            start = i
        if not m and start is not None:
            out.append((start, i - 1))
            start = None
    return out


def extent(patch):
    return patch.get_x(), patch.get_x() + patch.get_width()


def as_number(value):
    return mdates.date2num(value) if isinstance(value, pd.Timestamp) else float(value)


@st.composite
def x_axes(draw, n):
    """Increasing x values: numbers, or timestamps (naive or timezone-aware)."""
    kind = draw(st.sampled_from(["int", "float", "naive", "utc"]))
    steps = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    positions = np.cumsum(steps)
    if kind == "int":
        return positions, AX
    if kind == "float":
        return positions / 4.0, AX
    tz = "UTC" if kind == "utc" else None
    return pd.Timestamp("2024-01-01", tz=tz) + pd.to_timedelta(positions, unit="h"), DATES


@settings(max_examples=200, deadline=None)
@given(st.floats(0.5, 2000))
def test_apply_style_sets_the_dpi_asked(dpi):
    with mpl.rc_context():
        lh.apply_style(dpi)
        assert mpl.rcParams["figure.dpi"] == dpi
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == lh.plotting.CYCLE


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 1e6), min_size=1, max_size=30),
    st.booleans(),
    st.booleans(),
)
def test_plot_loss_draws_one_point_per_epoch(loss, with_val, as_history):
    history = {"loss": loss, **({"val_loss": loss[::-1]} if with_val else {})}
    if as_history:  # the keras.callbacks.History that model.fit returns
        history = type("History", (), {"history": history})()
    clear(AX)
    lh.plot_loss(history, ax=AX)
    lines = AX.get_lines()
    assert len(lines) == 1 + with_val
    assert lines[0].get_xdata().tolist() == list(range(1, len(loss) + 1))
    assert lines[0].get_ydata().tolist() == loss
    if with_val:
        assert lines[1].get_ydata().tolist() == loss[::-1]


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(1, 30))
def test_plot_scores_draws_the_scores_and_the_threshold(data, n):
    x, ax = data.draw(x_axes(n))
    scores = np.array(
        data.draw(st.lists(st.floats(-1e6, 1e6) | st.just(np.nan), min_size=n, max_size=n))
    )
    threshold = data.draw(st.floats(-1e6, 1e6))
    clear(ax)
    lh.plot_scores(x, scores, threshold, ax=ax, label="s")
    line, rule = ax.get_lines()
    np.testing.assert_array_equal(np.asarray(line.get_ydata(), dtype=float), scores)
    assert list(rule.get_ydata()) == [threshold, threshold]
    assert ax.get_legend().get_texts()[0].get_text() == "s"


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(1, 30))
def test_shade_mask_shades_each_run_from_its_first_to_its_last_point(data, n):
    x, ax = data.draw(x_axes(n))
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    clear(ax)
    lh.shade_mask(x, mask, ax=ax)
    want = [as_number(x[i]) for run in runs(mask) for i in run]
    assert [end for p in ax.patches for end in extent(p)] == pytest.approx(want)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(0, 1e3)), max_size=6), st.booleans())
def test_shade_spans_shades_every_span(starts_widths, dates):
    spans = [(a, a + w) for a, w in starts_widths]
    if dates:
        origin = pd.Timestamp("2024-01-01")
        spans = [(origin + pd.Timedelta(hours=a), origin + pd.Timedelta(hours=b)) for a, b in spans]
    ax = DATES if dates else AX
    clear(ax)
    lh.shade_spans(spans, ax=ax)
    want = [as_number(end) for span in spans for end in span]
    assert [end for p in ax.patches for end in extent(p)] == pytest.approx(want)


# --- refused, with the argument named (issue 26) ----------------------------------------


def test_what_cannot_be_drawn_faithfully_is_refused(ax):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        lh.plot_scores(np.arange(3), np.zeros(3), 0.5, ax="left")  # 0.2: AttributeError
    with pytest.raises(TypeError, match="scores must hold numbers"):
        lh.plot_scores(np.arange(3), ["1", "2", "3"], 0.5, ax=ax)  # 0.2: drawn as categories
    with pytest.raises(TypeError, match="x must hold numbers or timestamps"):
        lh.plot_scores(["1", "2", "3"], np.zeros(3), 0.5, ax=ax)
    with pytest.raises(TypeError, match=r"history\['loss'\] must hold numbers"):
        lh.plot_loss({"loss": ["3", "2"]}, ax=ax)
    with pytest.raises(ValueError, match=r"history\['loss'\] holds NaN/inf from epoch 2"):
        lh.plot_loss({"loss": [3.0, np.nan]}, ax=ax)
    with pytest.raises(ValueError, match=r"history\['val_loss'\] must have one value per epoch"):
        lh.plot_loss({"loss": [3.0, 2.0], "val_loss": [3.0]}, ax=ax)
    with pytest.raises(ValueError, match="x must be in increasing"):
        lh.shade_mask([3, 1, 2], np.array([True, False, True]), ax=ax)
    with pytest.raises(ValueError, match="scores must not hold inf"):
        lh.plot_scores(np.arange(3), [0.0, np.inf, 1.0], 0.5, ax=ax)
    with pytest.raises(TypeError, match=r"spans\[0\] start must be a number or a timestamp"):
        lh.shade_spans([("1", "2")], ax=ax)
    with pytest.raises(ValueError, match=r"spans\[0\] start must be a finite number"):
        lh.shade_spans([(np.nan, 2)], ax=ax)
    with pytest.raises(TypeError, match=r"spans\[0\] mixes kinds"):
        lh.shade_spans([(1, pd.Timestamp("2024"))], ax=ax)
    with pytest.raises(ValueError, match="color must be a matplotlib colour"):
        lh.shade_spans([(1, 2)], ax=ax, color="not a colour")
    with pytest.raises(ValueError, match="mask is a Series whose index differs from x"):
        idx = pd.RangeIndex(3)
        lh.shade_mask(idx, pd.Series([True, False, True], index=idx + 1), ax=ax)
    with pytest.raises(ValueError, match=r"dpi must be > 0"):
        lh.apply_style(0)


IDX = pd.date_range("2020-01-01", periods=48, freq="h")
SCORES = pd.Series(np.sin(np.arange(48) / 3), index=IDX)
_, JUNK_AX = plt.subplots()  # the bad-input tests draw here
GOOD = {
    "apply_style": (lh.apply_style, {"dpi": 80}),
    "plot_loss": (
        lh.plot_loss,
        {"history": {"loss": [3.0, 2.0], "val_loss": [3.0, 2.5]}, "ax": JUNK_AX, "title": "t"},
    ),
    "plot_scores": (
        lh.plot_scores,
        {
            "x": IDX,
            "scores": SCORES,
            "threshold": 0.5,
            "ax": JUNK_AX,
            "title": "t",
            "label": "s",
            "ylabel": "y",
        },
    ),
    "shade_mask": (
        lh.shade_mask,
        {"x": IDX, "mask": SCORES.to_numpy() > 0.5, "ax": JUNK_AX, "label": "l", "color": None},
    ),
    "shade_spans": (
        lh.shade_spans,
        {"spans": [(IDX[3], IDX[8])], "ax": JUNK_AX, "label": "l", "color": None},
    ),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: any real threshold
#: or dpi, text for text, "1" is a grey level for matplotlib, no span is nothing to shade.
TEXT = {"numstr", "str"}
ACCEPTED = {
    "apply_style": {"dpi": {"f32", "float", "frac", "i64"}},
    "plot_loss": {"ax": {"None"}, "title": TEXT},
    "plot_scores": {
        "threshold": {"big", "f32", "float", "frac", "i64", "neg", "zero"},
        "ax": {"None"},
        "title": TEXT,
        "label": TEXT,
        "ylabel": TEXT,
    },
    "shade_mask": {"ax": {"None"}, "label": TEXT, "color": {"None", "numstr"}},
    "shade_spans": {
        "spans": {"emptyarr", "emptylist"},
        "ax": {"None"},
        "label": TEXT,
        "color": {"None", "numstr"},
    },
}


def test_every_bad_value_is_refused_clearly_or_accepted_on_purpose():
    surprises = []
    with mpl.rc_context():
        for name, (function, good) in GOOD.items():
            surprises += sweep(function, good, ACCEPTED[name])
    tidy()
    assert surprises == []


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(GOOD)), st.data())
def test_random_bad_values_raise_a_clear_error_or_none(name, data):
    function, good = GOOD[name]
    arg = data.draw(st.sampled_from(sorted(good)))
    with mpl.rc_context():
        outcome(function, {**good, arg: data.draw(junk)})
    tidy()


def tidy():
    clear(JUNK_AX)
    for number in plt.get_fignums():  # the figures made for ax=None
        if number not in (FIG.number, JUNK_AX.figure.number):
            plt.close(number)
