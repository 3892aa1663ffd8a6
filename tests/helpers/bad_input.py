"""Bad inputs a careful user might pass, and the check every public function must pass on them.

Imported by the ``tests/helpers/test_<module>.py`` files (pytest puts this folder on the
path). Two tools:

* :data:`JUNK`, a fixed list of named bad or edge values, for an exhaustive sweep: every
  argument of every public function gets every one of them;
* :func:`junk`, a hypothesis strategy that generates such values at random (text, complex
  numbers, ragged lists, NaN, huge integers, arrays of every dtype, shuffled Series, ...).

And one rule, :func:`outcome`: a call with a bad value either returns (then the test decides
whether that value is legitimate) or raises a ``TypeError`` or ``ValueError`` whose message
names an argument of the function. Any other exception, or a message that names no argument,
is a failure: the user cannot tell what to fix.
"""

from __future__ import annotations

import fractions
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

_IDX = pd.date_range("2020-01-01", periods=48, freq="h")
_S = pd.Series(np.sin(np.arange(48) / 3) + 2, _IDX, name="v")

#: Named bad or edge values; the names are what the tests' lists of accepted values use.
JUNK: dict[str, Any] = {
    "None": None,
    "str": "abc",
    "numstr": "1",
    "bytes": b"x",
    "float": 1.5,
    "neg": -1,
    "zero": 0,
    "bool": True,
    "nan": float("nan"),
    "inf": float("inf"),
    "big": 1e308,
    "emptylist": [],
    "ragged": [[1, 2], [3]],
    "dict": {"a": 1},
    "object": object(),
    "complex": 1j,
    "carr": np.array([1j, 2j, 3j]),
    "sarr": np.array(["a", "b", "c"]),
    "4d": np.zeros((2, 2, 2, 2)),
    "emptyarr": np.array([]),
    "revseries": _S.iloc[::-1],
    "emptydf": pd.DataFrame(),
    "func": lambda: None,
    "f32": np.float32(0.5),
    "frac": fractions.Fraction(1, 2),
    "ts": pd.Timestamp("2020-01-01"),
    "nat": pd.NaT,
    "nanlist": [np.nan, 1.0],
    "hugeint": 10**400,
    "i64": np.int64(3),
    "strlist": ["1", "2", "3"],
    "obj_arr": np.array([1, None, 3], dtype=object),
    "nested_str": [("a", "b")],
    "ts_pair": (_IDX[1], _IDX[2]),
    "masked": np.ma.masked_array([1.0, 2.0, 3.0], [0, 1, 0]),
    "f16big": np.full(5, 60000, np.float16),
    "tzseries": _S.tz_localize("UTC"),
    "tdarr": np.array([1, 2, 3], dtype="timedelta64[s]"),
}


def _series(values: Any) -> pd.Series:
    return pd.Series(values, index=pd.RangeIndex(len(values))[::-1])


_scalars = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.binary(max_size=3),
    st.booleans(),
    st.integers(-(2**70), 2**70) | st.sampled_from([10**400, -(10**400)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(max_magnitude=1e6),
    st.fractions(max_denominator=10),
    st.just(pd.NaT),
    st.just(pd.Timestamp("2021-01-01", tz="UTC")),
    st.just(object()),
)
_dtypes = st.sampled_from(
    [np.float16, np.float64, np.int8, np.uint8, np.bool_, np.complex128, "U2", "M8[s]", "m8[s]"]
)

#: Random bad or edge values of every kind (see the module docstring).
junk = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=4),
    st.lists(st.lists(st.floats(-1e3, 1e3), max_size=3), min_size=2, max_size=3),  # ragged
    arrays(_dtypes, array_shapes(min_dims=0, max_dims=4, max_side=3)),
    st.lists(st.floats(allow_nan=True), min_size=1, max_size=6).map(_series),  # reversed
    st.dictionaries(st.text(max_size=2), _scalars, max_size=2),
)


def outcome(
    function: Callable, kwargs: dict[str, Any], errors: tuple[type, ...] = (TypeError, ValueError)
) -> str:
    """``"ok"`` if the call returns, ``"refused"`` if it raises a clear error, else fail.

    A clear error is one of ``errors`` (a ``TypeError`` or ``ValueError``; file functions add
    their own) whose message names one of the function's arguments.
    """
    names = list(inspect.signature(function).parameters)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            function(**kwargs)
    except errors as err:
        message = str(err)
        assert any(name in message for name in names), (
            f"{function.__name__}: the message names no argument of {names}: {message!r}"
        )
        return "refused"
    return "ok"


def sweep(
    function: Callable,
    good: dict[str, Any],
    accepted: dict[str, set[str]],
    errors: tuple[type, ...] = (TypeError, ValueError),
) -> list:
    """Every :data:`JUNK` value in every argument: refused clearly, or accepted on purpose.

    ``accepted[arg]`` names the junk values that are legitimate for ``arg`` (reviewed by
    hand). Returns the list of surprises: a value accepted that is not listed, or a listed
    value that is refused (the list is out of date).
    """
    assert outcome(function, dict(good), errors) == "ok", f"{function.__name__}: valid call fails"
    surprises = []
    for arg in good:
        for name, value in JUNK.items():
            got = outcome(function, {**good, arg: value}, errors)
            expected = "ok" if name in accepted.get(arg, set()) else "refused"
            if got != expected:
                surprises.append((function.__name__, arg, name, got))
    return surprises


def random_test(good: dict) -> Callable:
    """The random bad-input test of a helper module's test file, for its ``GOOD`` calls (name
    -> (function, good keyword arguments)): 200 random bad values through :func:`outcome`.
    Assign it to ``test_random_bad_values_raise_a_clear_error_or_none`` at module level."""

    @settings(max_examples=200, deadline=None)
    @given(st.sampled_from(sorted(good)), st.data())
    def test_random_bad_values_raise_a_clear_error_or_none(name, data):
        function, good_args = good[name]
        arg = data.draw(st.sampled_from(sorted(good_args)))
        outcome(function, {**good_args, arg: data.draw(junk)})

    return test_random_bad_values_raise_a_clear_error_or_none


def sweep_tests(good: dict, accepted: dict) -> tuple[Callable, Callable]:
    """The two bad-input tests of a helper module's test file, for its ``GOOD`` calls
    (name -> (function, good keyword arguments)) and ``ACCEPTED`` values (name -> argument ->
    names of JUNK values it accepts on purpose): the exhaustive :func:`sweep` and
    :func:`random_test`. Assign both to ``test_`` names at module level."""

    def test_every_bad_value_is_refused_clearly_or_accepted_on_purpose():
        surprises = []
        for name, (function, good_args) in good.items():
            surprises += sweep(function, good_args, accepted[name])
        assert surprises == []

    return test_every_bad_value_is_refused_clearly_or_accepted_on_purpose, random_test(good)
