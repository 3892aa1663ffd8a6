"""lh.streaming: save/load of a detector and the point-by-point scorer, against the batch scores.

Equality is exact (``np.array_equal``, NaN where not computable): the stream, the batch path
and Keras' own ``predict`` must agree bit for bit, with a tiny model so the tests are quick.
"""

from __future__ import annotations

import itertools
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lstm_helpers as lh

T, F, N = 6, 3, 120  # window length differs from the feature count on purpose
NAMES = ("cpu", "memory", "latency")


def build_model(n_timesteps: int = T, n_features: int = F, seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(n_timesteps, n_features)),
            keras.layers.LSTM(8, return_sequences=True),
            keras.layers.Dense(n_features),
        ]
    )


@pytest.fixture(scope="module")
def series() -> np.ndarray:
    rng = np.random.default_rng(1)
    t = np.arange(N)[:, None]
    return (
        np.sin(t / 5 + np.arange(F)) * [1.0, 20.0, 0.5]
        + [0.0, 50.0, 3.0]
        + rng.normal(0, 0.1, (N, F))
    )


@pytest.fixture(scope="module")
def detector(series) -> lh.Detector:
    tf.config.experimental.enable_op_determinism()
    fit = series[:60]
    return lh.Detector(
        model=build_model(),
        n_timesteps=T,
        center=fit.mean(axis=0),
        scale=fit.std(axis=0),
        threshold=0.6,
        feature_names=NAMES,
    )


def reference_scores(det: lh.Detector, data: np.ndarray) -> np.ndarray:
    """The notebook's batch path: Keras predict, then the helpers' causal score."""
    windows = lh.make_windows(det.transform(data), det.n_timesteps)
    return lh.causal_scores(lh.per_step_errors(windows, det.model.predict(windows, verbose=0)))


def stream_all(scorer: lh.StreamingScorer, data: np.ndarray) -> np.ndarray:
    return np.array([scorer.update(row).score for row in data])


# --------------------------------------------------------------------------- stream == batch


def test_batch_scores_equal_keras_predict_and_causal_scores(detector, series):
    batch = detector.batch_scores(series)
    assert batch.shape == (N,)
    assert np.isnan(batch[: T - 1]).all() and np.isfinite(batch[T - 1 :]).all()
    assert np.array_equal(batch, reference_scores(detector, series), equal_nan=True)


def test_stream_equals_batch_point_for_point(detector, series):
    scorer = detector.stream()
    results = [scorer.update(row) for row in series]
    scores = np.array([r.score for r in results])
    assert np.array_equal(scores, detector.batch_scores(series), equal_nan=True)
    # Warm-up is explicit: not ready, no score, no decision; then a decision for every point.
    assert [r.ready for r in results] == [False] * (T - 1) + [True] * (N - T + 1)
    assert all(r.flag is None for r in results[: T - 1])
    assert [r.flag for r in results[T - 1 :]] == [bool(s > 0.6) for s in scores[T - 1 :]]
    assert any(r.flag for r in results) and not all(r.flag for r in results[T - 1 :])


def test_warm_up_counts_down(detector, series):
    scorer = detector.stream()
    counts = []
    for row in series[:T]:
        counts.append(scorer.n_until_ready)
        scorer.update(row)
    assert counts == list(range(T - 1, -1, -1))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.integers(1, N - 1), max_size=12, unique=True))
def test_small_batches_equal_batch_whatever_the_chunking(detector, series, cuts):
    scorer = detector.stream()
    bounds = [0, *sorted(cuts), N]
    frames = [scorer.update_many(series[a:b]) for a, b in itertools.pairwise(bounds)]
    out = pd.concat(frames)
    assert out.index.tolist() == list(range(N))
    assert np.array_equal(out["score"].to_numpy(), detector.batch_scores(series), equal_nan=True)
    assert out["flag"].isna().sum() == T - 1 and out["ready"].sum() == N - T + 1


def test_mixing_single_points_and_batches(detector, series):
    scorer = detector.stream()
    first = stream_all(scorer, series[:3])
    middle = scorer.update_many(series[3:50])["score"].to_numpy()
    last = stream_all(scorer, series[50:])
    got = np.concatenate([first, middle, last])
    assert np.array_equal(got, detector.batch_scores(series), equal_nan=True)


def test_scores_are_causal_by_perturbation(detector, series):
    k = 70
    changed = series.copy()
    changed[k:] += 100.0  # a huge change from point k on
    before = detector.batch_scores(series)
    after = detector.batch_scores(changed)
    assert np.array_equal(before[:k], after[:k], equal_nan=True)
    assert not np.array_equal(before[k:], after[k:])


# --------------------------------------------------------------------------- save and load


def test_save_load_round_trip_scores_exactly(detector, series, tmp_path):
    path = lh.save_detector(detector, tmp_path / "monitor")
    assert path == tmp_path / "monitor" / "detector.json"
    assert (tmp_path / "monitor" / "model.keras").is_file()
    config = json.loads(path.read_text())
    assert config["n_timesteps"] == T and config["n_features"] == F
    assert config["feature_names"] == list(NAMES)
    assert config["lstm_helpers_version"] == lh.__version__
    assert config["threshold"] == detector.threshold
    assert config["scaler"]["center"] == detector.center.tolist()

    loaded = lh.load_detector(tmp_path / "monitor", n_timesteps=T, feature_names=NAMES)
    assert np.array_equal(loaded.center, detector.center)
    assert np.array_equal(loaded.scale, detector.scale)
    assert loaded.threshold == detector.threshold and loaded.feature_names == NAMES
    batch = detector.batch_scores(series)
    assert np.array_equal(loaded.batch_scores(series), batch, equal_nan=True)
    assert np.array_equal(stream_all(loaded.stream(), series), batch, equal_nan=True)


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({"n_timesteps": T + 1}, "n_timesteps=6"),
        ({"n_features": F + 1}, "3 features"),
        ({"feature_names": ["cpu", "latency", "memory"]}, "in this order"),
    ],
)
def test_load_refuses_another_window_length_or_feature_set(detector, tmp_path, expect, message):
    lh.save_detector(detector, tmp_path)
    with pytest.raises(ValueError, match=message):
        lh.load_detector(tmp_path, **expect)


def test_load_refuses_a_config_that_does_not_fit_its_model(detector, tmp_path):
    path = lh.save_detector(detector, tmp_path)
    config = json.loads(path.read_text())
    config["n_timesteps"] = T + 2
    path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=r"model reads windows of shape \(6, 3\)"):
        lh.load_detector(tmp_path)


def test_load_refuses_other_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"detector\.json"):
        lh.load_detector(tmp_path)
    (tmp_path / "detector.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="format_version"):
        lh.load_detector(tmp_path)


def test_load_warns_about_another_helpers_version(detector, tmp_path):
    path = lh.save_detector(detector, tmp_path)
    config = json.loads(path.read_text())
    config["lstm_helpers_version"] = "9.9.0"
    path.write_text(json.dumps(config))
    with pytest.warns(UserWarning, match="9.9.0"):
        lh.load_detector(tmp_path)


# --------------------------------------------------------------------------- bad input


def test_detector_validates_its_parts():
    model = build_model()
    good = {"model": model, "n_timesteps": T, "center": np.zeros(F), "scale": np.ones(F)}
    with pytest.raises(ValueError, match="model reads windows"):
        lh.Detector(**{**good, "n_timesteps": T + 1}, threshold=1.0)
    with pytest.raises(ValueError, match="scale must be > 0"):
        lh.Detector(**{**good, "scale": np.array([1.0, 0.0, 1.0])}, threshold=1.0)
    with pytest.raises(ValueError, match="center must be finite"):
        lh.Detector(**{**good, "center": np.array([0.0, np.nan, 0.0])}, threshold=1.0)
    with pytest.raises(ValueError, match="threshold must be finite"):
        lh.Detector(**good, threshold=float("nan"))
    with pytest.raises(TypeError, match="threshold"):
        lh.Detector(**good, threshold="high")
    with pytest.raises(ValueError, match="feature_names must be 3 strings"):
        lh.Detector(**good, threshold=1.0, feature_names=("a", "b"))
    with pytest.raises(TypeError, match=r"lh\.Detector"):
        lh.StreamingScorer(model)
    with pytest.raises(ValueError, match="on_nan"):
        lh.StreamingScorer(lh.Detector(**good, threshold=1.0), on_nan="ignore")


def test_a_refused_observation_leaves_the_scorer_unchanged(detector, series):
    scorer = detector.stream()
    stream_all(scorer, series[:40])
    bad = series[40].copy()
    bad[1] = np.nan
    with pytest.raises(ValueError, match=r"NaN/inf in \['memory'\]"):
        scorer.update(bad)
    with pytest.raises(ValueError, match="3 values"):
        scorer.update(series[40][:2])
    with pytest.raises(ValueError, match=r"missing \['latency'\]"):
        scorer.update({"cpu": 1.0, "memory": 2.0})
    with pytest.raises(ValueError, match=r"unknown \['disk'\]"):
        scorer.update({"cpu": 1.0, "memory": 2.0, "latency": 3.0, "disk": 4.0})
    with pytest.raises(TypeError, match="numbers"):
        scorer.update(["1", "2", "3"])
    with pytest.raises(ValueError, match="NaN/inf, first at row 2"):
        scorer.update_many(np.vstack([series[40:42], bad]))
    rest = stream_all(scorer, series[40:])
    assert np.array_equal(rest, detector.batch_scores(series)[40:])


def test_named_observations_are_matched_by_name(detector, series):
    scorer = detector.stream()
    shuffled = [{"latency": r[2], "cpu": r[0], "memory": r[1]} for r in series]
    scores = np.array([scorer.update(obs).score for obs in shuffled])
    assert np.array_equal(scores, detector.batch_scores(series), equal_nan=True)
    frame = pd.DataFrame(series, columns=NAMES)[["memory", "latency", "cpu"]]
    out = detector.stream().update_many(frame)
    assert np.array_equal(out["score"].to_numpy(), detector.batch_scores(series), equal_nan=True)


def test_timestamps_must_increase(detector, series):
    stamps = pd.date_range("2026-01-01", periods=N, freq="min", tz="UTC")
    scorer = detector.stream()
    for row, stamp in zip(series[:20], stamps[:20], strict=True):
        result = scorer.update(row, timestamp=stamp)
    assert result.timestamp == stamps[19]
    with pytest.raises(ValueError, match="timestamps must increase"):
        scorer.update(series[20], timestamp=stamps[5])  # backwards
    with pytest.raises(ValueError, match="timestamps must increase"):
        scorer.update(series[20], timestamp=stamps[19])  # repeated
    with pytest.raises(ValueError, match="timestamp is missing"):
        scorer.update(series[20])
    swapped = stamps[20:30][[0, 2, 1, 3, 4, 5, 6, 7, 8, 9]]
    with pytest.raises(ValueError, match="timestamps must increase"):
        scorer.update_many(series[20:30], timestamps=swapped)  # refused as a whole
    frame = pd.DataFrame(series[20:], index=stamps[20:], columns=NAMES)
    out = scorer.update_many(frame)  # a DatetimeIndex is used as the timestamps
    assert out.index.equals(pd.Index(stamps[20:], name="timestamp"))
    assert np.array_equal(out["score"].to_numpy(), detector.batch_scores(series)[20:])


def test_gap_policy_restarts_the_warm_up(detector, series):
    gappy = series.copy()
    gappy[50, 0] = np.nan
    scorer = detector.stream(on_nan="restart")
    results = [scorer.update(row) for row in gappy]
    scores = np.array([r.score for r in results])
    assert not results[50].ready and results[50].flag is None
    # Before the gap: the batch scores of the clean part. After it: a new warm-up of T - 1
    # points, then the batch scores of the series that starts after the gap.
    assert np.array_equal(scores[:50], detector.batch_scores(series[:50]), equal_nan=True)
    assert np.array_equal(scores[51:], detector.batch_scores(series[51:]), equal_nan=True)
    assert np.isnan(scores[50 : 51 + T - 1]).all()
    # The batch path agrees, gap included.
    out = detector.stream(on_nan="restart").update_many(gappy)
    assert np.array_equal(out["score"].to_numpy(), scores, equal_nan=True)


# --------------------------------------------------------------------------- benchmark code runs


def test_latency_benchmark_runs_and_reports_both_loops():
    """The benchmark's code path, on a few points: figures present, never a timed assertion."""
    from benchmarks import streaming_latency

    res = streaming_latency.run(n_stream=20, n_naive=3, n_warmup=2)
    assert {"stream_p50", "stream_p99", "naive_p50", "naive_p99", "ratio_p50"} <= set(res)
    assert res["n_stream"] == 20 and res["n_naive"] == 3
    assert all(res[k] > 0 for k in ("stream_p50", "naive_p50"))
    text = streaming_latency.report(res)
    assert "PASS" in text or "MISS" in text
