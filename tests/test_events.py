"""Event-level metrics on timestamped detections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.scoring import (
    detection_delays,
    evaluate_detections,
    event_recall,
    false_alarms_per_day,
    window_mask,
)

IDX = pd.date_range("2020-01-01", periods=48, freq="h")
WINDOWS = [("2020-01-01 04:00", "2020-01-01 08:00"), ("2020-01-02 10:00", "2020-01-02 12:00")]


def detections(*hours):
    det = pd.Series(False, index=IDX)
    det.iloc[list(hours)] = True
    return det


def test_window_mask_includes_both_ends():
    mask = window_mask(IDX, WINDOWS)
    assert np.flatnonzero(mask).tolist() == [4, 5, 6, 7, 8, 34, 35, 36]


def test_event_recall_and_delays():
    det = detections(5, 6, 7, 20, 30)
    assert event_recall(det, WINDOWS) == 0.5
    delays = detection_delays(det, WINDOWS)
    assert delays[0] == pd.Timedelta(hours=1) and pd.isna(delays[1])
    assert event_recall(detections(4, 36), WINDOWS) == 1.0


def test_false_alarms_count_runs_outside_windows_per_day():
    # Runs: {5,6,7} inside; {20,21,22} outside (one alarm, not three); {30} outside.
    det = detections(5, 6, 7, 20, 21, 22, 30)
    days_outside = (48 - 8) / 24
    assert false_alarms_per_day(det, WINDOWS) == pytest.approx(2 / days_outside)
    # A run that starts outside and reaches into a window is not false.
    assert false_alarms_per_day(detections(2, 3, 4), WINDOWS) == 0.0
    assert false_alarms_per_day(detections(), WINDOWS) == 0.0


def test_evaluate_detections_collects_every_metric():
    out = evaluate_detections(detections(5, 6, 7, 20), WINDOWS)
    assert out["events_detected"] == "1/2"
    assert out["precision"] == pytest.approx(3 / 4) and out["recall"] == pytest.approx(3 / 8)
    assert out["mean_delay"] == pd.Timedelta(hours=1)
    assert set(out) == {
        "precision",
        "recall",
        "f1",
        "event_recall",
        "events_detected",
        "false_alarms_per_day",
        "mean_delay",
    }


def test_bad_inputs_raise():
    with pytest.raises(TypeError, match="indexed by timestamps"):
        event_recall(pd.Series([True, False]), WINDOWS)
    with pytest.raises(TypeError, match="booleans"):
        event_recall(pd.Series(1.0, index=IDX), WINDOWS)
    with pytest.raises(ValueError, match="must not end before it starts"):
        window_mask(IDX, [("2020-01-02", "2020-01-01")])
