"""Tests of training.py: fit_restarts, window_length, capacity. Tiny models, a few seconds."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
from bad_input import sweep_tests

from lstm_helpers import training as tr

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4, 1)).astype("float32")
Y = 2.0 * X[:, :, 0].sum(axis=1, keepdims=True)  # y = 2 * (sum of the window)
XV = RNG.normal(size=(16, 4, 1)).astype("float32")
YV = 2.0 * XV[:, :, 0].sum(axis=1, keepdims=True)


def linear(init: float = 0.0, lr: float = 0.05, optimizer=None):
    """A compiled linear model y = w * sum(x) (all four kernel weights start at ``init``)."""
    model = keras.Sequential(
        [
            keras.Input((4, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(
                1, use_bias=False, kernel_initializer=keras.initializers.Constant(init)
            ),
        ]
    )
    model.compile(optimizer=optimizer or keras.optimizers.SGD(lr), loss="mse")
    return model


@pytest.fixture(autouse=True)
def no_model_cache(monkeypatch):
    """These tests count fits and read what a fit prints: a cache of finished fits (``make``
    exports ``LSTM_HELPERS_MODEL_CACHE``) would skip both. Tests of the cache pass their own."""
    monkeypatch.delenv(tr.CACHE_VARIABLE, raising=False)


def kernel(model) -> np.ndarray:
    return np.ravel(keras.ops.convert_to_numpy(model.weights[0]))


# ------------------------------------------------------------------ restarts chosen on val loss


def test_kept_restart_is_the_one_with_lowest_validation_loss():
    # Learning rate 0: no restart moves, so each one's loss is that of its start. Restart 1
    # starts at the true weights (2.0) and must be kept; restarts 0 and 2 start far away.
    starts = iter([-3.0, 2.0, 5.0])

    def build():
        return linear(next(starts), optimizer=keras.optimizers.SGD(0.0))

    res = tr.fit_restarts(build, X, Y, (XV, YV), restarts=3, max_epochs=5, patience=1, verbose=0)
    assert res.best_restart == 1
    assert res.val_losses[1] == pytest.approx(0.0, abs=1e-10)
    assert min(res.val_losses[0], res.val_losses[2]) > 1.0
    assert np.allclose(kernel(res.model), 2.0)
    assert res.seeds == [0, 1000, 2000]
    assert all(res.stopped_early)  # nothing improves after epoch 1
    res.check()


def test_choice_uses_validation_not_training_loss():
    # Training targets y = 2 sum(x), validation targets y = -2 sum(x): the restart that fits
    # the training data best is the worst on validation, and must not be kept.
    starts = iter([2.0, -2.0])

    def build():
        return linear(next(starts), optimizer=keras.optimizers.SGD(0.0))

    res = tr.fit_restarts(
        build,
        X,
        Y,
        (XV, -YV),
        restarts=2,
        max_epochs=2,
        patience=0,
        reuse_compiled=False,
        verbose=0,
    )  # each restart fits its own model
    assert res.histories[0]["loss"][0] < res.histories[1]["loss"][0]
    assert res.best_restart == 1
    assert np.allclose(kernel(res.model), -2.0)
    res.check()


# ------------------------------------------------------------------ best weights restored


class Snapshots(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.kernels = []

    def on_epoch_end(self, epoch, logs=None):
        self.kernels.append(kernel(self.model).copy())


def test_best_weights_are_restored(monkeypatch):
    # Validation targets are -2 sum(x): training from 0 towards +2 makes validation worse at
    # every epoch, so the best epoch is the first, and the kept kernel must be epoch 1's.
    snaps = Snapshots()
    real_fit = keras.Model.fit

    def fit_with_snapshots(self, *args, **kwargs):
        kwargs["callbacks"] = [*kwargs["callbacks"], snaps]
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", fit_with_snapshots)
    res = tr.fit_restarts(
        lambda: linear(0.0, lr=0.01),
        X,
        Y,
        (XV, -YV),
        restarts=1,
        max_epochs=30,
        patience=3,
        verbose=0,
    )
    vl = res.histories[0]["val_loss"]
    assert res.best_epochs == [1] and res.epochs == [4] and res.stopped_early == [True]
    assert vl[0] < vl[-1]
    np.testing.assert_array_equal(kernel(res.model), snaps.kernels[0])
    assert not np.allclose(kernel(res.model), snaps.kernels[-1])
    assert res.restored_val_loss == pytest.approx(vl[0], rel=1e-5)
    res.check()


def test_max_epochs_reached_is_reported():
    res = tr.fit_restarts(
        lambda: linear(0.0, lr=0.001),
        X,
        Y,
        (XV, YV),
        restarts=1,
        max_epochs=3,
        patience=5,
        verbose=0,
    )
    assert res.epochs == [3] and res.stopped_early == [False] and not res.converged
    assert "may not have converged" in str(res)


# ------------------------------------------------------------------ determinism


def tiny():
    """Random initial weights (glorot) and Adam: what the seed must pin down, with shuffling.

    A Dense model traces in a fraction of the time an LSTM takes; the seeding, shuffling and
    restart logic under test are the same.
    """
    model = keras.Sequential(
        [
            keras.Input((4, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


def test_same_seed_same_result():
    a = tr.fit_restarts(
        tiny, X, Y, (XV, YV), restarts=2, seed=3, max_epochs=2, batch_size=16, verbose=0
    )
    b = tr.fit_restarts(
        tiny, X, Y, (XV, YV), restarts=2, seed=3, max_epochs=2, batch_size=16, verbose=0
    )
    assert a.histories == b.histories and a.best_restart == b.best_restart
    for u, v in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
        np.testing.assert_array_equal(u, v)
    c = tr.fit_restarts(
        tiny, X, Y, (XV, YV), restarts=1, seed=4, max_epochs=2, batch_size=16, verbose=0
    )
    assert c.histories[0] != a.histories[0]


class FitSpy:
    """Records every keras.Model.fit call made inside ``with``: its keyword arguments
    (``calls``) and the model's weights when it began (``weights``)."""

    def __init__(self):
        self.calls, self.weights = [], []

    def __enter__(self):
        real_fit = keras.Model.fit

        def spy(model, *args, **kwargs):
            self.calls.append(kwargs)
            self.weights.append([w.copy() for w in model.get_weights()])
            return real_fit(model, *args, **kwargs)

        self._patch = pytest.MonkeyPatch()
        self._patch.setattr(keras.Model, "fit", spy)
        return self

    def __exit__(self, *exc):
        self._patch.undo()


def test_reused_restart_equals_a_fresh_restart_start():
    # With reuse, restart 1 must start from the weights build() gives under seed 1000.
    with FitSpy() as spy:
        tr.fit_restarts(tiny, X, Y, (XV, YV), restarts=2, seed=0, max_epochs=1, verbose=0)
    keras.utils.set_random_seed(1000)
    expected = tiny().get_weights()
    for u, v in zip(spy.weights[1], expected, strict=True):
        np.testing.assert_array_equal(u, v)


# ------------------------------------------------------------------ the same fit as model.fit


XF = RNG.normal(size=(64, 4, 1)).astype("float32")
YF = 2.0 * XF[:, :, 0].sum(axis=1, keepdims=True)
XVF = RNG.normal(size=(40, 4, 1)).astype("float32")
YVF = 2.0 * XVF[:, :, 0].sum(axis=1, keepdims=True)
ON_TENSORFLOW = keras.backend.backend() == "tensorflow"


def small_lstm():
    model = keras.Sequential([keras.Input((4, 1)), keras.layers.LSTM(3), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


def plain_fit(build, seed, x, y, validation, *, epochs, batch_size, patience):
    """What fit_restarts' docstring promises for one restart, written with plain model.fit."""
    keras.utils.set_random_seed(seed)
    model = build()
    stop = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )
    history = model.fit(
        x, y, validation_data=validation, epochs=epochs, batch_size=batch_size, shuffle=True,
        callbacks=[stop, keras.callbacks.TerminateOnNaN()], verbose=0,
    )  # fmt: skip
    return model, {k: [float(v) for v in vals] for k, vals in history.history.items()}


@pytest.mark.parametrize(
    ("n_train", "n_val", "batch_size", "build"),
    [
        (64, 16, 16, tiny),
        (64, 40, 24, tiny),
        (64, 40, 16, tiny),
        (16, 16, 16, tiny),
        (10, 16, 16, tiny),
        (64, 40, 24, small_lstm),
        (64, 16, 16, small_lstm),
    ],
    ids=[
        "whole batches",
        "partial batches",
        "several validation batches",
        "exactly one batch",
        "fewer windows than a batch",
        "an LSTM",
        "an LSTM on whole batches",
    ],
)
def test_every_restart_is_exactly_plain_model_fit(n_train, n_val, batch_size, build):
    # On TensorFlow fit_restarts feeds the windows in Keras's shuffled order through one
    # repeated pipeline, the same order at every epoch (Keras's own fit re-creates its
    # shuffle, with the same seed, at each epoch's new iterator); on JAX it calls model.fit
    # as it is. Either way each restart must be plain model.fit weight for weight, epoch by
    # epoch: on TensorFlow the reused restart too. (On JAX a reused restart draws other
    # shuffles than a fresh model's fit would: the same kind of restart, not the same one,
    # so there it is compared without reuse.)
    x, y = XF[:n_train], YF[:n_train]
    validation = (XVF[:n_val], YVF[:n_val])
    with FitSpy() as spy:
        got = tr.fit_restarts(
            build, x, y, validation, restarts=2, seed=5, max_epochs=6, patience=2,
            batch_size=batch_size, verbose=0, reuse_compiled=ON_TENSORFLOW,
        )  # fmt: skip
    # The path under test was taken: on TensorFlow whole epochs from one repeated pipeline.
    assert [("steps_per_epoch" in call) for call in spy.calls] == [ON_TENSORFLOW] * 2
    for r, seed in enumerate(got.seeds):
        model, history = plain_fit(
            build, seed, x, y, validation, epochs=6, batch_size=batch_size, patience=2
        )
        assert got.histories[r] == history, f"restart {r}"
        if r == got.best_restart:
            for u, v in zip(got.model.get_weights(), model.get_weights(), strict=True):
                np.testing.assert_array_equal(u, v)


@pytest.mark.skipif(not ON_TENSORFLOW, reason="the one-iterator path is TensorFlow's")
def test_on_tensorflow_a_fit_takes_whole_epochs_from_one_pipeline():
    with FitSpy() as spy, warnings.catch_warnings():
        # No warning either, e.g. Keras's "shuffle=True ... will be ignored".
        warnings.simplefilter("error", UserWarning)
        tr.fit_restarts(tiny, X, Y, (XV, YV), restarts=1, max_epochs=2, verbose=0)
    # 64 windows in batches of 128: one step per epoch; the validation pipeline is finite.
    assert len(spy.calls) == 1 and spy.calls[0]["steps_per_epoch"] == 1
    assert "validation_steps" not in spy.calls[0] and spy.calls[0]["shuffle"] is False
    keras.utils.set_random_seed(0)
    order = tr._keras_shuffle_order(64, 16)
    assert sorted(order) == list(range(64)) and list(order) != list(range(64))
    keras.utils.set_random_seed(0)
    np.testing.assert_array_equal(tr._keras_shuffle_order(64, 16), order)


def several_steps_per_execution():
    model = tiny()
    model.compile(optimizer="adam", loss="mse", steps_per_execution=3)
    return model


@pytest.mark.skipif(not ON_TENSORFLOW, reason="the one-iterator path is TensorFlow's")
@pytest.mark.parametrize("case", ["steps_per_execution", "max_steps_per_epoch"])
def test_plain_model_fit_where_one_pipeline_would_differ(case, monkeypatch):
    # Several steps per execution, or a cap on steps, stop at the end of a finite epoch in
    # plain fit but would run on into the next pass of a repeated pipeline.
    build = several_steps_per_execution if case == "steps_per_execution" else tiny
    if case == "max_steps_per_epoch":
        monkeypatch.setattr(keras.config, "max_steps_per_epoch", lambda: 2)
    with FitSpy() as spy:
        tr.fit_restarts(build, X, Y, (XV, YV), restarts=1, max_epochs=1, batch_size=16, verbose=0)
    assert "steps_per_epoch" not in spy.calls[0] and spy.calls[0]["shuffle"] is True


@pytest.mark.skipif(not ON_TENSORFLOW, reason="the one-iterator path is TensorFlow's")
def test_an_adapter_that_reshuffles_each_pass_means_plain_model_fit(monkeypatch):
    from keras.src.trainers.data_adapters import array_data_adapter

    class Passes:  # one batch per pass, a new permutation at every pass
        def __init__(self, n):
            self.n, self.rng = n, np.random.default_rng(0)

        def __iter__(self):
            yield self.rng.permutation(self.n)

    class Reshuffling:  # a Keras whose shuffle changes at every pass over the data
        def __init__(self, x, batch_size, shuffle):
            self.n = len(x)

        def get_tf_dataset(self):
            return Passes(self.n)

    monkeypatch.setattr(array_data_adapter, "ArrayDataAdapter", Reshuffling)
    assert tr._keras_shuffle_order(64, 16) is None

    class Missing:
        def __init__(self, *args, **kwargs):
            raise TypeError("unexpected keyword argument 'batch_size'")

    monkeypatch.setattr(array_data_adapter, "ArrayDataAdapter", Missing)
    assert tr._keras_shuffle_order(64, 16) is None


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"x": X[:, :, 0]}, ValueError, "x must have shape"),
        ({"y": Y[:10]}, ValueError, "same number of windows"),
        (
            {"x": np.where(np.arange(4)[None, :, None] == 2, np.nan, X)},
            ValueError,
            "x must be finite",
        ),
        ({"x": "windows"}, TypeError, "x must be a numeric"),
        ({"validation": XV}, TypeError, "validation must be a pair"),
        ({"validation": (XV[:, :3], YV)}, ValueError, "shaped like x's"),
        ({"validation": (XV, YV[:, :0])}, ValueError, "shaped like y's|at least one|must not"),
        ({"validation": (XV[:0], YV[:0])}, ValueError, "at least one window"),
        ({"restarts": 0}, ValueError, "restarts must be >= 1"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
        ({"patience": -1}, ValueError, "patience must be >= 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"max_epochs": True}, TypeError, "max_epochs must be an integer"),
        ({"min_delta": -0.1}, ValueError, "min_delta"),
        ({"verbose": 3}, ValueError, "verbose must be"),
        ({"build": "model"}, TypeError, "build must be a function"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    args = {
        "build": linear,
        "x": X,
        "y": Y,
        "validation": (XV, YV),
        "max_epochs": 1,
        "verbose": 0,
    } | kwargs
    build, x, y, validation = (args.pop(k) for k in ("build", "x", "y", "validation"))
    with pytest.raises(error, match=match):
        tr.fit_restarts(build, x, y, validation, **args)


def test_build_must_return_a_new_compiled_model():
    uncompiled = keras.Sequential(
        [keras.Input((4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    with pytest.raises(TypeError, match="compiled"):
        tr.fit_restarts(lambda: uncompiled, X, Y, (XV, YV), max_epochs=1, verbose=0)
    with pytest.raises(TypeError, match=r"keras\.Model"):
        tr.fit_restarts(lambda: "model", X, Y, (XV, YV), max_epochs=1, verbose=0)
    same = linear()
    with pytest.raises(ValueError, match="new model"):
        tr.fit_restarts(lambda: same, X, Y, (XV, YV), restarts=2, max_epochs=1, verbose=0)


def test_nothing_trains_when_input_is_bad():
    calls = []

    def build():
        calls.append(1)
        return linear()

    with pytest.raises(ValueError):
        tr.fit_restarts(build, X, Y, (XV, YV[:3]), verbose=0)
    assert calls == []


# ------------------------------------------------------------------ progress output


def test_progress_lines_and_table(capsys):
    res = tr.fit_restarts(linear, X, Y, (XV, YV), restarts=2, max_epochs=2, verbose=1)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("restart 0 (seed 0): 2 epochs (max_epochs), best val loss ")
    assert lines[1].startswith("restart 1 (seed 1000): ")
    assert lines[2].startswith("kept restart ")
    t = res.table()
    assert list(t.columns) == [
        "seed",
        "epochs",
        "best_epoch",
        "stopped_early",
        "val_loss",
        "seconds",
        "kept",
    ]
    assert t["kept"].sum() == 1 and t.index.name == "restart"


def test_quiet_and_auto(capsys, monkeypatch):
    tr.fit_restarts(linear, X, Y, (XV, YV), restarts=1, max_epochs=1, verbose=0)
    tr.fit_restarts(linear, X, Y, (XV, YV), restarts=1, max_epochs=1, verbose="auto")
    assert capsys.readouterr().out == ""  # fast fits: "auto" stays quiet
    monkeypatch.setattr(tr, "PROGRESS_AFTER_SECONDS", 0.0)  # every fit counts as slow
    tr.fit_restarts(linear, X, Y, (XV, YV), restarts=1, max_epochs=1, verbose="auto")
    assert capsys.readouterr().out.count("\n") == 2


# ------------------------------------------------------------------ the rules


def test_window_length_finds_the_season():
    t = np.arange(3000)
    daily = np.sin(2 * np.pi * t / 48) + 0.1 * np.random.default_rng(1).normal(size=t.size)
    assert tr.window_length(daily) == 48
    weekly_and_daily = daily + 0.5 * np.sin(2 * np.pi * t / 336)
    assert tr.window_length(weekly_and_daily) == 48  # the shortest clear cycle
    five_minute_days = np.sin(2 * np.pi * np.arange(4000) / 288)
    assert tr.window_length(five_minute_days) == tr.MAX_WINDOW_LENGTH == 48  # capped


def test_window_length_without_season_uses_the_default():
    noise = np.random.default_rng(2).normal(size=2000)
    assert tr.window_length(noise) == tr.DEFAULT_WINDOW_LENGTH
    assert tr.window_length(noise, default=30) == 30


def test_window_length_bad_input():
    with pytest.raises(ValueError, match="series"):
        tr.window_length(np.ones((10, 2)))
    with pytest.raises(ValueError, match="at least"):
        tr.window_length(np.arange(10.0))
    with pytest.raises(ValueError, match="max_length"):
        tr.window_length(np.arange(1000.0), min_length=50, max_length=20)


def test_capacity_grows_with_data_and_is_bounded():
    small, mid, big = tr.capacity(300), tr.capacity(2000), tr.capacity(20000)
    assert small.units <= mid.units <= big.units
    assert small.max_epochs >= mid.max_epochs >= big.max_epochs
    assert tr.MIN_UNITS == small.units == mid.units == 16 and big.units == tr.MAX_UNITS == 32
    assert tr.MIN_EPOCHS <= big.max_epochs and small.max_epochs <= tr.MAX_EPOCHS
    with pytest.raises(ValueError, match="n_windows"):
        tr.capacity(0)


def test_window_length_short_season_gives_whole_cycles():
    ten = np.sin(2 * np.pi * np.arange(2000) / 10)
    assert tr.season(ten) == 10
    assert tr.window_length(ten) == 30  # three whole cycles: the first multiple >= 24


# --------------------------------------------------------------------------- the cache


def test_a_cached_fit_is_the_trained_one_and_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(tr.CACHE_VARIABLE, raising=False)
    kwargs = {"restarts": 2, "seed": 3, "max_epochs": 3, "batch_size": 16, "verbose": 0}
    trained = tr.fit_restarts(tiny, X, Y, (XV, YV), cache=tmp_path, **kwargs)
    assert not trained.from_cache and len(list(tmp_path.glob("*.json"))) == 1
    loaded = tr.fit_restarts(tiny, X, Y, (XV, YV), cache=tmp_path, **kwargs)
    assert loaded.from_cache and loaded.histories == trained.histories
    assert loaded.best_restart == trained.best_restart and loaded.seeds == trained.seeds
    for u, v in zip(loaded.model.get_weights(), trained.model.get_weights(), strict=True):
        np.testing.assert_array_equal(u, v)
    loaded.check()  # the restored weights are the best epoch's, as for a fresh fit
    assert "loaded from the cache" in str(loaded)
    # Anything the fit depends on makes another key: other data, seed or settings.
    other = tr.fit_restarts(tiny, X + 1.0, Y, (XV, YV), cache=tmp_path, **kwargs)
    assert not other.from_cache
    assert not tr.fit_restarts(
        tiny, X, Y, (XV, YV), cache=tmp_path, **{**kwargs, "seed": 4}
    ).from_cache
    assert not tr.fit_restarts(
        tiny, X, Y, (XV, YV), cache=tmp_path, **{**kwargs, "max_epochs": 4}
    ).from_cache
    assert len(list(tmp_path.glob("*.json"))) == 4


def test_the_cache_comes_from_the_environment_and_a_damaged_entry_is_retrained(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv(tr.CACHE_VARIABLE, str(tmp_path))
    kwargs = {"restarts": 1, "seed": 5, "max_epochs": 2, "batch_size": 16, "verbose": 0}
    tr.fit_restarts(tiny, X, Y, (XV, YV), **kwargs)
    (record,) = tmp_path.glob("*.json")
    record.write_text("{not json")
    again = tr.fit_restarts(tiny, X, Y, (XV, YV), **kwargs)
    assert not again.from_cache and "ignoring an unreadable cached fit" in capsys.readouterr().out
    monkeypatch.delenv(tr.CACHE_VARIABLE)
    assert not tr.fit_restarts(tiny, X, Y, (XV, YV), **kwargs).from_cache  # no cache at all


def test_importing_the_package_loads_no_keras_backend():
    """Plumbing stays light: only training and streaming load Keras, when they are called."""
    import subprocess
    import sys

    code = "import sys, lstm_helpers; print('keras' in sys.modules, 'tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ----------------------------------------------------------------------------- every bad input
# (issue 26: each argument of the helpers that train nothing gets every named bad value, then
# random ones; fit_restarts' own checks are the parametrised cases above)

SWEEP_SERIES = np.sin(np.arange(600) * 2 * np.pi / 24)
SWEEP_GOOD = {
    "restart_seed": (tr.restart_seed, {"seed": 0, "restart": 1}),
    "autocorrelation": (tr.autocorrelation, {"series": SWEEP_SERIES, "max_lag": 30}),
    "season": (tr.season, {"series": SWEEP_SERIES, "min_lag": 2, "max_lag": 50}),
    "window_length": (
        tr.window_length,
        {"series": SWEEP_SERIES, "min_length": 8, "max_length": 64, "default": 32},
    ),
    "capacity": (tr.capacity, {"n_windows": 500}),
}
#: Bad-input names (bad_input.JUNK) that are legitimate, reviewed by hand: any integer where
#: one is asked, a timezone-aware Series (in time order), None where it is the default.
SWEEP_ACCEPTED = {
    "restart_seed": {"seed": {"i64", "zero"}, "restart": {"i64", "zero"}},
    "autocorrelation": {"series": {"tzseries"}, "max_lag": {"i64"}},
    "season": {"min_lag": {"i64"}, "max_lag": {"None", "i64"}},
    "window_length": {"series": {"tzseries"}, "min_length": {"i64"}, "default": {"i64"}},
    "capacity": {"n_windows": {"i64"}},
}


(
    test_every_bad_value_is_refused_clearly_or_accepted_on_purpose,
    test_random_bad_values_raise_a_clear_error_or_none,
) = sweep_tests(SWEEP_GOOD, SWEEP_ACCEPTED)
