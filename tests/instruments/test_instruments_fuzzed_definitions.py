"""Generated definitions: whatever an author (or an attacker) sends, reading it either builds an
instrument or raises ``InstrumentError`` listing the problems, never another exception.

Each example is a valid definition (a bundled one, or the small one of ``instruments_defs``)
with a few values somewhere inside replaced: by a value of another type, a list or a mapping
where a string belongs, NUL, a huge number, deep nesting, or by nothing (a key removed).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instruments.instruments_defs import minimal

from survey_service.instruments import Instrument, InstrumentError, bundled

DERANDOMIZED = settings(
    derandomize=True,
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BASES = [minimal(), bundled("omdommetrappen").to_dict(), bundled("forankring").to_dict()]


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "\x00", "a\x00b", "x" * 5000, "likert", "agree5", "1.0.0"]),
    st.lists(st.text(max_size=5), max_size=3),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.builds(_nested, st.integers(min_value=50, max_value=900)),
    st.just(["role"]),
    st.just({"nb": "x"}),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside ``value`` that a mutation may touch."""
    out = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            out.extend(_paths(inner, (*prefix, key)))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out.extend(_paths(inner, (*prefix, i)))
    return out


@st.composite
def mutated_definitions(draw: st.DrawFn) -> dict[str, Any]:
    definition = copy.deepcopy(draw(st.sampled_from(BASES)))
    paths = _paths(definition)[1:]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths))
        parent: Any = definition
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            parent[last]  # the path may have gone with an earlier mutation
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(parent, (dict, list)):
            continue
        action = draw(st.sampled_from(["replace", "replace", "remove", "rename"]))
        if action == "remove" and isinstance(parent, dict):
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["", "\x00", "x" * 300, "unknown"]))] = parent.pop(last)
        else:
            parent[last] = draw(HOSTILE_VALUES)
    return definition


@DERANDOMIZED
@given(mutated_definitions())
def test_a_mutated_definition_is_an_instrument_or_an_instrument_error(definition):
    try:
        instrument = Instrument.from_dict(definition)
    except InstrumentError as error:
        assert error.problems
        assert all(len(p.message) < 2000 for p in error.problems)
        return
    # What was accepted survives its own round trip, so it can be stored and read back.
    assert Instrument.from_dict(instrument.to_dict()) == instrument


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


@DERANDOMIZED
@given(JSON_VALUES)
def test_any_json_value_is_read_without_crashing(value):
    try:
        Instrument.from_dict(value)
    except InstrumentError as error:
        assert error.problems


def test_nul_anywhere_in_a_definition_is_a_problem_at_its_path():
    definition = minimal()
    definition["item"][1]["text"]["nn"] = "a2\x00"
    definition["title"]["x\x00"] = "t"
    problems = _problems(definition)
    assert problems["item[1].text.nn"] == ["text may not hold the NUL character (\\u0000)"]
    assert "title.x\x00" in problems or "title.x\\x00" in problems


def _problems(definition: Any) -> dict[str, list[str]]:
    try:
        Instrument.from_dict(definition)
    except InstrumentError as error:
        return error.by_path()
    raise AssertionError("accepted")
