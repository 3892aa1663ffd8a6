"""streaming: save/load of a detector and the point-by-point scorer, against the batch scores.

The stream, the batch path and Keras' own ``predict`` must agree within the module's stated
tolerance (``STREAM_RTOL``, ``STREAM_ATOL``), NaN where not computable, on several model
shapes; tiny models keep the tests quick. A refused input must leave the scorer's state
exactly as it was.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import zipfile
from fractions import Fraction
from unittest import mock

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from bad_input import junk, outcome, sweep
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lstm_helpers as lh
from lstm_helpers import streaming
from lstm_helpers.streaming import STREAM_ATOL, STREAM_RTOL

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
def detector(series) -> streaming.Detector:
    tf.config.experimental.enable_op_determinism()
    fit = series[:60]
    return streaming.Detector(
        model=build_model(),
        n_timesteps=T,
        center=fit.mean(axis=0),
        scale=fit.std(axis=0),
        threshold=0.6,
        feature_names=NAMES,
    )


def reference_scores(det: streaming.Detector, data: np.ndarray) -> np.ndarray:
    """The notebook's batch path: Keras predict, then the helpers' causal score."""
    windows = lh.make_windows(det.transform(data), det.n_timesteps)
    return lh.causal_scores(lh.per_step_errors(windows, det.model.predict(windows, verbose=0)))


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal within the stated stream/batch tolerance, NaN where the other is NaN."""
    return np.allclose(a, b, rtol=STREAM_RTOL, atol=STREAM_ATOL, equal_nan=True)


def state(scorer: streaming.StreamingScorer) -> tuple:
    """Everything a refused input must leave alone."""
    return (
        scorer._buffer.copy(),
        scorer._n_buffered,
        scorer._last_timestamp,
        scorer.n_seen,
    )


def same_state(a: tuple, b: tuple) -> bool:
    return close(a[0], b[0]) and a[1:] == b[1:]


def stream_all(scorer: streaming.StreamingScorer, data: np.ndarray) -> np.ndarray:
    return np.array([scorer.update(row).score for row in data])


# --------------------------------------------------------------------------- stream == batch


def test_batch_scores_equal_keras_predict_and_causal_scores(detector, series):
    batch = detector.batch_scores(series)
    assert batch.shape == (N,)
    assert np.isnan(batch[: T - 1]).all() and np.isfinite(batch[T - 1 :]).all()
    assert close(batch, reference_scores(detector, series))


def test_stream_equals_batch_point_for_point(detector, series):
    scorer = detector.stream()
    results = [scorer.update(row) for row in series]
    scores = np.array([r.score for r in results])
    assert close(scores, detector.batch_scores(series))
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
    assert close(out["score"].to_numpy(), detector.batch_scores(series))
    assert out["flag"].isna().sum() == T - 1 and out["ready"].sum() == N - T + 1


def test_mixing_single_points_and_batches(detector, series):
    scorer = detector.stream()
    first = stream_all(scorer, series[:3])
    middle = scorer.update_many(series[3:50])["score"].to_numpy()
    last = stream_all(scorer, series[50:])
    got = np.concatenate([first, middle, last])
    assert close(got, detector.batch_scores(series))


def test_scores_are_causal_by_perturbation(detector, series):
    k = 70
    changed = series.copy()
    changed[k:] += 100.0  # a huge change from point k on
    before = detector.batch_scores(series)
    after = detector.batch_scores(changed)
    assert np.array_equal(before[:k], after[:k], equal_nan=True)  # exactly: same windows
    assert not np.array_equal(before[k:], after[k:])


@pytest.mark.parametrize(("t", "f", "units"), [(4, 2, 4), (6, 3, 8), (10, 5, 16), (1, 1, 2)])
def test_stream_equals_batch_within_the_stated_tolerance_on_several_shapes(t, f, units):
    rng = np.random.default_rng(t * 10 + f)
    data = rng.normal(size=(60, f)).cumsum(axis=0)
    keras.utils.set_random_seed(t + f)
    model = keras.Sequential(
        [
            keras.Input(shape=(t, f)),
            keras.layers.LSTM(units, return_sequences=True),
            keras.layers.Dense(f),
        ]
    )
    det = streaming.Detector(model, t, data.mean(axis=0), data.std(axis=0), threshold=1.0)
    batch = det.batch_scores(data)
    assert close(stream_all(det.stream(), data), batch)
    assert close(det.stream().update_many(data)["score"].to_numpy(), batch)
    assert close(batch, reference_scores(det, data))


# --------------------------------------------------------------------------- save and load


def test_save_load_round_trip_scores_exactly(detector, series, tmp_path):
    path = streaming.save_detector(detector, tmp_path / "monitor")
    assert path == tmp_path / "monitor" / "detector.json"
    assert (tmp_path / "monitor" / "model.keras").is_file()
    config = json.loads(path.read_text())
    assert config["n_timesteps"] == T and config["n_features"] == F
    assert config["feature_names"] == list(NAMES)
    assert config["lstm_helpers_version"] == lh.__version__
    assert config["threshold"] == detector.threshold
    assert config["scaler"]["center"] == detector.center.tolist()

    loaded = streaming.load_detector(tmp_path / "monitor", n_timesteps=T, feature_names=NAMES)
    assert np.array_equal(loaded.center, detector.center)
    assert np.array_equal(loaded.scale, detector.scale)
    assert loaded.threshold == detector.threshold and loaded.feature_names == NAMES
    batch = detector.batch_scores(series)
    assert np.array_equal(loaded.batch_scores(series), batch, equal_nan=True)  # same weights
    assert close(stream_all(loaded.stream(), series), batch)


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({"n_timesteps": T + 1}, "n_timesteps=6"),
        ({"n_features": F + 1}, "3 features"),
        ({"feature_names": ["cpu", "latency", "memory"]}, "in this order"),
    ],
)
def test_load_refuses_another_window_length_or_feature_set(detector, tmp_path, expect, message):
    streaming.save_detector(detector, tmp_path)
    with pytest.raises(ValueError, match=message):
        streaming.load_detector(tmp_path, **expect)


def test_load_refuses_a_config_that_does_not_fit_its_model(detector, tmp_path):
    path = streaming.save_detector(detector, tmp_path)
    config = json.loads(path.read_text())
    config["n_timesteps"] = T + 2
    path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=r"model reads windows of shape \(6, 3\)"):
        streaming.load_detector(tmp_path)


def test_load_refuses_other_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"detector\.json"):
        streaming.load_detector(tmp_path)
    (tmp_path / "detector.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="format_version"):
        streaming.load_detector(tmp_path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "not a readable JSON file"),
        ("[1, 2]", "must hold a JSON object"),
        ("__missing_key__", "has no 'threshold'"),
        ("__version_number__", "'lstm_helpers_version' has the wrong type"),
        ("__bad_scale__", "scaler.scale must be a list"),
    ],
)
def test_load_names_the_file_and_the_problem(detector, tmp_path, text, match):
    path = streaming.save_detector(detector, tmp_path)
    config = json.loads(path.read_text())
    if text == "__missing_key__":
        del config["threshold"]
        text = json.dumps(config)
    elif text == "__version_number__":
        config["lstm_helpers_version"] = 0.3
        text = json.dumps(config)
    elif text == "__bad_scale__":
        config["scaler"]["scale"] = 1.0
        text = json.dumps(config)
    path.write_text(text)
    with pytest.raises(ValueError, match=match) as err:
        streaming.load_detector(tmp_path)
    assert "detector.json" in str(err.value)


def test_load_names_a_damaged_model_file(detector, tmp_path):
    streaming.save_detector(detector, tmp_path)
    (tmp_path / "model.keras").write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match=r"model\.keras is not a Keras model file"):
        streaming.load_detector(tmp_path)
    (tmp_path / "model.keras").unlink()
    with pytest.raises(FileNotFoundError, match=r"model\.keras, which is missing"):
        streaming.load_detector(tmp_path)


def test_load_warns_about_another_helpers_version(detector, tmp_path):
    path = streaming.save_detector(detector, tmp_path)
    config = json.loads(path.read_text())
    config["lstm_helpers_version"] = "9.9.0"
    path.write_text(json.dumps(config))
    with pytest.warns(UserWarning, match="9.9.0"):
        streaming.load_detector(tmp_path)


# --------------------------------------------------------------------------- bad input


def test_detector_validates_its_parts():
    model = build_model()
    good = {"model": model, "n_timesteps": T, "center": np.zeros(F), "scale": np.ones(F)}
    with pytest.raises(ValueError, match="model reads windows"):
        streaming.Detector(**{**good, "n_timesteps": T + 1}, threshold=1.0)
    with pytest.raises(ValueError, match="scale must be > 0"):
        streaming.Detector(**{**good, "scale": np.array([1.0, 0.0, 1.0])}, threshold=1.0)
    with pytest.raises(ValueError, match="center must be finite"):
        streaming.Detector(**{**good, "center": np.array([0.0, np.nan, 0.0])}, threshold=1.0)
    with pytest.raises(ValueError, match="threshold must be finite"):
        streaming.Detector(**good, threshold=float("nan"))
    with pytest.raises(TypeError, match="threshold"):
        streaming.Detector(**good, threshold="high")
    with pytest.raises(ValueError, match="feature_names must be 3 strings"):
        streaming.Detector(**good, threshold=1.0, feature_names=("a", "b"))
    with pytest.raises(TypeError, match=r"streaming\.Detector"):
        streaming.StreamingScorer(model)
    with pytest.raises(ValueError, match="on_nan"):
        streaming.StreamingScorer(streaming.Detector(**good, threshold=1.0), on_nan="ignore")


@pytest.mark.parametrize("model", [None, lambda x: x, "model.keras"])
def test_a_detector_needs_a_keras_model(model):
    with pytest.raises(TypeError, match=r"model must be a keras\.Model"):
        streaming.Detector(model, T, np.zeros(F), np.ones(F), threshold=1.0)


def test_a_refused_observation_leaves_the_scorer_unchanged(detector, series):
    scorer = detector.stream()
    stream_all(scorer, series[:40])
    before = state(scorer)
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
    with pytest.raises(ValueError, match=r"observation 2 has NaN/inf in \['memory'\]"):
        scorer.update_many(np.vstack([series[40:42], bad]))
    huge = series[40].copy()
    huge[1] = 1e300  # finite, but beyond float32 once scaled
    with pytest.raises(ValueError, match="too large to scale"):
        scorer.update(huge)
    with pytest.raises(ValueError, match="too large to scale"):
        scorer.update_many(np.vstack([series[40:42], huge]))
    assert same_state(state(scorer), before)
    rest = stream_all(scorer, series[40:])
    assert close(rest, detector.batch_scores(series)[40:])


def test_named_observations_are_matched_by_name(detector, series):
    scorer = detector.stream()
    shuffled = [{"latency": r[2], "cpu": r[0], "memory": r[1]} for r in series]
    scores = np.array([scorer.update(obs).score for obs in shuffled])
    assert close(scores, detector.batch_scores(series))
    frame = pd.DataFrame(series, columns=NAMES)[["memory", "latency", "cpu"]]
    out = detector.stream().update_many(frame)
    assert close(out["score"].to_numpy(), detector.batch_scores(series))


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
    with pytest.raises(ValueError, match="timestamps are missing"):
        scorer.update(series[20])
    swapped = stamps[20:30][[0, 2, 1, 3, 4, 5, 6, 7, 8, 9]]
    with pytest.raises(ValueError, match="timestamps must increase"):
        scorer.update_many(series[20:30], timestamps=swapped)  # refused as a whole
    before = state(scorer)
    with pytest.raises(TypeError, match="cannot be compared"):
        scorer.update(series[20], timestamp=20.0)  # a number after date-times
    with pytest.raises(TypeError, match="cannot be compared"):
        scorer.update(series[20], timestamp=pd.Timestamp("2027-01-01"))  # naive after aware
    with pytest.raises(ValueError, match="one entry per observation"):
        scorer.update_many(series[20:22], timestamps=stamps[20:21])
    assert same_state(state(scorer), before)
    frame = pd.DataFrame(series[20:], index=stamps[20:], columns=NAMES)
    out = scorer.update_many(frame)  # a DatetimeIndex is used as the timestamps
    assert out.index.equals(pd.Index(stamps[20:], name="timestamp"))
    assert close(out["score"].to_numpy(), detector.batch_scores(series)[20:])


def test_text_timestamps_are_parsed_not_compared_as_text(detector, series):
    scorer = detector.stream()
    scorer.update(series[0], timestamp="2020-01-01 10:00")
    with pytest.raises(ValueError, match="timestamps must increase"):
        scorer.update(series[1], timestamp="2020-01-01T09:00")  # earlier, though "T" > " "
    assert scorer.update(series[1], timestamp="2020-01-01T11:00").timestamp == pd.Timestamp(
        "2020-01-01 11:00"
    )
    with pytest.raises(ValueError, match="must be a date-time"):
        scorer.update(series[2], timestamp="not a date")


def test_empty_batches_are_accepted_and_change_nothing(detector, series):
    scorer = detector.stream()
    stream_all(scorer, series[:10])
    before = state(scorer)
    out = scorer.update_many(np.empty((0, F)))
    assert out.empty and list(out.columns) == ["ready", "score", "flag"]
    assert same_state(state(scorer), before)
    stamped = detector.stream()
    stamped.update(series[0], timestamp=pd.Timestamp("2020-01-01"))
    assert stamped.update_many(np.empty((0, F)), timestamps=[]).empty


def test_gap_policy_restarts_the_warm_up(detector, series):
    gappy = series.copy()
    gappy[50, 0] = np.nan
    scorer = detector.stream(on_nan="restart")
    results = [scorer.update(row) for row in gappy]
    scores = np.array([r.score for r in results])
    assert not results[50].ready and results[50].flag is None
    # Before the gap: the batch scores of the clean part. After it: a new warm-up of T - 1
    # points, then the batch scores of the series that starts after the gap.
    assert close(scores[:50], detector.batch_scores(series[:50]))
    assert close(scores[51:], detector.batch_scores(series[51:]))
    assert np.isnan(scores[50 : 51 + T - 1]).all()
    # The batch path agrees, gap included.
    out = detector.stream(on_nan="restart").update_many(gappy)
    assert close(out["score"].to_numpy(), scores)


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


# --------------------------------------------------------------------------- issue 26: loops


def mean_model(n_timesteps: int, n_features: int, seed: int = 0) -> keras.Model:
    """A model whose reconstruction a loop can compute: the window's mean row, through a
    Dense layer, at every step (so the last step depends on the whole window)."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(n_timesteps, n_features)),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.RepeatVector(n_timesteps),
            keras.layers.Dense(n_features),
        ]
    )


MODELS = {(t, f): mean_model(t, f) for t in (1, 3) for f in (1, 2)}


class LoopScorer:
    """The streaming scorer as a plain loop: scaled rows since the last gap, the last T."""

    def __init__(self, det: streaming.Detector):
        self.det, self.rows = det, []
        weights, bias = det.model.layers[-1].get_weights()
        self.weights, self.bias = weights.astype(float), bias.astype(float)

    def feed(self, row) -> float:
        det = self.det
        scaled = [(row[f] - det.center[f]) / det.scale[f] for f in range(det.n_features)]
        if not all(np.isfinite(scaled)):  # a gap: warm up again
            self.rows = []
            return np.nan
        self.rows = [*self.rows, scaled][-det.n_timesteps :]
        if len(self.rows) < det.n_timesteps:
            return np.nan
        f_range = range(det.n_features)
        mean = [sum(r[f] for r in self.rows) / det.n_timesteps for f in f_range]
        recon = [sum(mean[g] * self.weights[g, f] for g in f_range) + self.bias[f] for f in f_range]
        return sum(abs(self.rows[-1][f] - recon[f]) for f in f_range) / det.n_features


def exact_state(scorer: streaming.StreamingScorer) -> tuple:
    return (scorer._buffer.copy(), scorer._n_buffered, scorer._last_timestamp, scorer.n_seen)


def same_exact_state(a: tuple, b: tuple) -> bool:
    """Bit for bit: a refused input must leave everything exactly as it was."""
    return np.array_equal(a[0], b[0], equal_nan=True) and a[1:] == b[1:]


values = st.floats(-10, 10)


@st.composite
def operations(draw, n_features):
    """Calls on a scorer: good rows and batches, and bad ones (refused as a whole)."""
    row = st.lists(values, min_size=n_features, max_size=n_features)
    kind = draw(
        st.sampled_from(["one", "many", "nan", "huge", "short", "text", "bad_batch", "back"])
    )
    if kind == "one":
        return kind, [draw(row)]
    if kind == "many":
        return kind, draw(st.lists(row, max_size=4))
    rows = draw(st.lists(row, min_size=1, max_size=3))
    where = draw(st.integers(0, len(rows) - 1))
    if kind == "nan":
        rows[where][draw(st.integers(0, n_features - 1))] = np.nan
    elif kind == "huge":
        rows[where][draw(st.integers(0, n_features - 1))] = draw(st.sampled_from([1e300, -1e39]))
    elif kind == "short":
        rows[where] = rows[where][:-1] if n_features > 1 else [*rows[where], 1.0]
    elif kind == "text":
        rows[where] = [str(v) for v in rows[where]]
    elif kind == "bad_batch":
        rows[where] = [np.inf] * n_features
    return kind, rows


def feed(scorer, rows, stamps, single):
    """One observation through update, or a batch through update_many: their scores."""
    if single:
        return [scorer.update(rows[0], timestamp=stamps[0] if stamps else None).score]
    return scorer.update_many(rows, timestamps=stamps)["score"].tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(MODELS)),
    st.sampled_from(["raise", "restart"]),
    st.booleans(),
    st.data(),
)
def test_the_scorer_matches_a_loop_and_a_refused_call_changes_nothing(shape, on_nan, stamped, data):
    t, f = shape
    det = streaming.Detector(MODELS[shape], t, np.zeros(f), np.full(f, 0.5), threshold=1.0)
    scorer, loop = det.stream(on_nan=on_nan), LoopScorer(det)
    clock, stamped_before = pd.Timestamp("2024-01-01"), False
    for kind, rows in data.draw(st.lists(operations(f), max_size=8)):
        before = exact_state(scorer)
        n = len(rows)
        stamps = None
        if stamped:
            step = -1 if kind == "back" else 1
            stamps = [clock + pd.Timedelta(minutes=step * (i + 1)) for i in range(n)]
        going_back = stamped and (n > 1 or stamped_before)  # before the last, or within
        refused = kind in ("huge", "short", "text") or (kind == "back" and going_back)
        refused |= kind in ("nan", "bad_batch") and on_nan == "raise"
        single = n == 1 and data.draw(st.booleans())
        if refused:
            with pytest.raises((ValueError, TypeError)):
                feed(scorer, rows, stamps, single)
            assert same_exact_state(exact_state(scorer), before), kind
            continue
        got = feed(scorer, rows, stamps, single)
        want = [loop.feed(np.asarray(row, dtype=float)) for row in rows]
        assert close(np.array(got, dtype=float), np.array(want, dtype=float)), (got, want)
        if stamps:
            clock, stamped_before = stamps[-1], True
        assert scorer.n_seen == before[3] + n


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(MODELS)), st.data())
def test_batch_scores_match_a_loop(shape, data):
    t, f = shape
    n = data.draw(st.integers(t, 30))
    series = np.array(
        data.draw(st.lists(st.lists(values, min_size=f, max_size=f), min_size=n, max_size=n))
    )
    center = np.array(data.draw(st.lists(values, min_size=f, max_size=f)))
    scale = np.array(data.draw(st.lists(st.floats(0.1, 10), min_size=f, max_size=f)))
    det = streaming.Detector(MODELS[shape], t, center, scale, threshold=1.0)
    loop = LoopScorer(det)
    assert close(det.batch_scores(series), np.array([loop.feed(row) for row in series]))


def fake_save(model, path):
    """Stands in for keras' model.save in the config properties: any valid zip file."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(MODELS)),
    st.data(),
    st.floats(-1e300, 1e300) | st.fractions(-5, 5, max_denominator=7),
)
def test_save_load_round_trip_keeps_every_field(shape, data, threshold):
    t, f = shape
    model = MODELS[shape]
    center = data.draw(st.lists(st.floats(-1e300, 1e300), min_size=f, max_size=f))
    scale = data.draw(st.lists(st.floats(1e-300, 1e300), min_size=f, max_size=f))
    names = data.draw(
        st.lists(st.text(min_size=1, max_size=4), min_size=f, max_size=f, unique=True)
    )
    det = streaming.Detector(model, t, center, scale, threshold, feature_names=names)
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(type(model), "save", fake_save),
        mock.patch.object(keras.saving, "load_model", lambda path: model),
    ):
        streaming.save_detector(det, folder)
        back = streaming.load_detector(folder, n_timesteps=t, feature_names=names)
    assert back.center.tolist() == center and back.scale.tolist() == scale
    assert back.threshold == float(threshold) and back.feature_names == tuple(names)
    assert (back.n_timesteps, back.n_features, back.version) == (t, f, lh.__version__)


MUTATIONS = [
    ("drop", "threshold"),
    ("drop", "scaler"),
    ("drop", "feature_names"),
    ("set", "lstm_helpers_version", 0.3),
    ("set", "n_timesteps", 3.0),
    ("set", "n_timesteps", "3"),
    ("set", "threshold", "high"),
    ("set", "threshold", None),
    ("set", "feature_names", ["a"]),
    ("set", "feature_names", [1, 2]),
    ("set", "feature_names", "ab"),
    ("set", "n_features", 7),
    ("set", "format_version", 2),
    ("scaler", "center", ["a", "b"]),
    ("scaler", "center", [0.0]),
    ("scaler", "scale", [0.0, 0.0]),
    ("scaler", "scale", 1.0),
    ("text", "{not json"),
    ("text", "[1, 2]"),
    ("text", '{"threshold": NaN}'),
    ("text", ""),
    ("bytes", b"\xff\xfe\x00"),
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3))
def test_a_damaged_detector_json_is_refused_naming_the_file(mutations):
    model = MODELS[(3, 2)]
    det = streaming.Detector(model, 3, [0.0, 0.0], [1.0, 1.0], 1.0)
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.object(type(model), "save", fake_save),
        mock.patch.object(keras.saving, "load_model", lambda path: model),
    ):
        path = streaming.save_detector(det, folder)
        config, raw = json.loads(path.read_text()), None
        for what, key, *value in mutations:
            if what == "drop":
                config.pop(key, None)
            elif what == "set":
                config[key] = value[0]
            elif what == "scaler":
                if isinstance(config.get("scaler"), dict):
                    config["scaler"][key] = value[0]
            elif what == "text":
                raw = key.encode()
            else:
                raw = key
        path.write_bytes(raw if raw is not None else json.dumps(config).encode())
        with pytest.raises(ValueError, match=r"detector\.json"):
            streaming.load_detector(folder)


def test_the_issue_s_streaming_examples(detector, series):
    # text timestamps are parsed, never compared as text
    scorer = detector.stream()
    scorer.update(series[0], timestamp="2020-01-01 10:00")
    with pytest.raises(ValueError, match="timestamps must increase"):
        scorer.update(series[1], timestamp="2020-01-01T09:00")
    # a finite reading that overflows once scaled is refused before the buffer moves
    before = exact_state(scorer)
    huge = series[1].copy()
    huge[0] = 1e300
    with pytest.raises(ValueError, match="too large to scale"):
        scorer.update(huge, timestamp="2020-01-01 11:00")
    assert same_exact_state(exact_state(scorer), before)
    assert scorer.update(series[1], timestamp="2020-01-01 11:00").timestamp.hour == 11
    # empty batches, with or without timestamps
    assert scorer.update_many(np.empty((0, F)), timestamps=[]).empty
    with pytest.raises(TypeError, match="timestamps must be a list of timestamps"):
        scorer.update_many(series[2:4], timestamps="2020-01-02")
    # a short center is reported as center, not scale
    with pytest.raises(ValueError, match="center must be 3 values"):
        streaming.Detector(build_model(), T, [0.0], np.ones(F), threshold=1.0)
    with pytest.raises(TypeError, match="feature_names must be a list of 3 strings"):
        streaming.Detector(build_model(), T, np.zeros(F), np.ones(F), 1.0, feature_names="abc")
    assert (
        streaming.Detector(build_model(), T, np.zeros(F), np.ones(F), Fraction(1, 2)).threshold
        == 0.5
    )


def test_the_model_s_output_is_checked(detector):
    nan_model = keras.Sequential(
        [keras.Input(shape=(T, F)), keras.layers.Lambda(lambda x: x / 0.0 * 0.0)]
    )
    det = streaming.Detector(nan_model, T, np.zeros(F), np.ones(F), threshold=1.0)
    with pytest.raises(ValueError, match="the model returned NaN/inf for window 0"):
        det.batch_scores(np.ones((T + 2, F)))  # 0.2: NaN scores, never flagged
    with pytest.raises(ValueError, match="windows hold values beyond float32"):
        detector.reconstruct(np.full((1, T, F), 1e39))


GOOD_DET = {
    "model": MODELS[(3, 2)],
    "n_timesteps": 3,
    "center": [0.0, 0.0],
    "scale": [1.0, 1.0],
    "threshold": 1.0,
    "feature_names": ["a", "b"],
    "version": "0.3.0",
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: any finite real
#: threshold; no names (defaults); any text as a version, or none (the running one); the
#: model's window length as a numpy integer.
ACCEPTED_DET = {
    "n_timesteps": {"i64"},
    "threshold": {"big", "f32", "float", "frac", "i64", "neg", "zero"},
    "feature_names": {"None"},
    "version": {"None", "str", "numstr"},
}


def test_every_bad_value_is_refused_clearly_or_accepted_on_purpose(tmp_path):
    surprises = sweep(streaming.Detector, GOOD_DET, ACCEPTED_DET)
    det = streaming.Detector(**GOOD_DET)
    surprises += sweep(det.transform, {"data": np.ones((4, 2))}, {})
    surprises += sweep(det.reconstruct, {"windows": np.ones((4, 3, 2))}, {})
    surprises += sweep(det.batch_scores, {"data": np.ones((4, 2))}, {})
    surprises += sweep(streaming.StreamingScorer, {"detector": det, "on_nan": "raise"}, {})
    errors = (TypeError, ValueError, FileNotFoundError)
    good = {
        "folder": tmp_path / "x",
        "n_timesteps": None,
        "feature_names": None,
        "n_features": None,
    }
    streaming.save_detector(det, tmp_path / "x")
    surprises += sweep(
        streaming.load_detector,
        good,
        {"n_timesteps": {"None", "i64"}, "n_features": {"None"}, "feature_names": {"None"}},
        errors,
    )
    assert surprises == []


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["update", "update_many"]),
    st.sampled_from(["observation", "timestamp"]),
    st.data(),
)
def test_random_bad_values_change_nothing_and_raise_a_clear_error(method, arg, data):
    det = streaming.Detector(**GOOD_DET)
    scorer = det.stream()
    scorer.update_many(np.ones((4, 2)), timestamps=pd.date_range("2024", periods=4, freq="h"))
    before = exact_state(scorer)
    value = data.draw(junk)
    if method == "update":
        kwargs = {"observation": [1.0, 2.0], "timestamp": pd.Timestamp("2025-01-01")}
        kwargs["observation" if arg == "observation" else "timestamp"] = value
    else:
        kwargs = {"observations": np.ones((2, 2)), "timestamps": pd.date_range("2025", periods=2)}
        kwargs["observations" if arg == "observation" else "timestamps"] = value
    if outcome(getattr(scorer, method), kwargs) == "refused":
        assert same_exact_state(exact_state(scorer), before)
