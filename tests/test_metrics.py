"""Point-level precision, recall and F1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_helpers import precision_recall_f1


def test_counts_and_scores():
    pred = np.array([1, 1, 0, 0, 1, 0], dtype=bool)
    true = np.array([1, 0, 1, 0, 1, 0], dtype=bool)
    m = precision_recall_f1(pred, true)
    assert (m["tp"], m["fp"], m["fn"]) == (2, 1, 1)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)


def test_nothing_flagged_or_nothing_true_gives_zero_not_nan():
    none = np.zeros(5, dtype=bool)
    assert precision_recall_f1(none, np.ones(5, dtype=bool))["f1"] == 0.0
    assert precision_recall_f1(np.ones(5, dtype=bool), none)["precision"] == 0.0


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=200))
def test_f1_is_the_harmonic_mean_and_perfect_when_equal(pairs):
    pred = np.array([p for p, _ in pairs])
    true = np.array([t for _, t in pairs])
    m = precision_recall_f1(pred, true)
    p, r = m["precision"], m["recall"]
    assert m["f1"] == pytest.approx(2 * p * r / (p + r) if p + r else 0.0)
    assert m["tp"] + m["fn"] == true.sum()
    if true.any():
        assert precision_recall_f1(true, true)["f1"] == 1.0


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="same length; got 3 and 4"):
        precision_recall_f1(np.zeros(3, bool), np.zeros(4, bool))
    with pytest.raises(TypeError, match="boolean mask"):
        precision_recall_f1(np.zeros(3), np.zeros(3, bool))
    with pytest.raises(ValueError, match="1-D"):
        precision_recall_f1(np.zeros((2, 2), bool), np.zeros((2, 2), bool))
