"""`indented_json.dumps` writes exactly what `json.dumps` writes with the canonical
settings (the exports' and artifacts' bytes rest on it), or raises what it raises."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardgate.core import indented_json
from cardgate.core.files import canonical_json


def reference(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.sampled_from(["", "\x00\x1f\x7f", '"\\/', "\u2028\u2029", "é€😀", "\ud800"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert indented_json.dumps(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        (),
        {"a": {}, "b": [], "c": [{}], "d": [[]]},
        {"z": 1, "a": 2, "é": 3, "A": 4, "": 5},
        [1.0, -0.0, 1e-07, 1e16, 123456789.123456789, 5e-324, 1.7976931348623157e308],
        [True, False, None, 0, -1],
        {"enum": Colour.RED, "level": Level.HIGH},  # subclasses: left to json
        {1: "int key", 2: "another"},
        {None: 1, "b": 2},  # sorted() cannot order them: json's TypeError
        {True: 1},
    ],
)
def test_same_text_or_error_as_json_dumps(value: Any) -> None:
    try:
        expected = reference(value)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)):
            indented_json.dumps(value)
    else:
        assert indented_json.dumps(value) == expected


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_not_finite_is_json_error(number: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        indented_json.dumps({"x": [number]})


def test_cycles_and_other_types_are_json_errors() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference"):
        indented_json.dumps(cycle)
    with pytest.raises(TypeError, match="not JSON serializable"):
        indented_json.dumps({"when": object()})


def test_deep_nesting_as_json() -> None:
    deep: Any = "leaf"
    for _ in range(200):
        deep = {"k": [deep]}
    assert indented_json.dumps(deep) == reference(deep)


def test_canonical_json_adds_the_final_newline() -> None:
    value = {"b": [1, "x"], "a": None}
    assert canonical_json(value) == reference(value) + "\n"


def test_a_shared_value_is_written_as_any_other_and_rewritten_once_changed() -> None:
    standard = indented_json.shared({"name": "x", "requirements": [{"id": "a"}, {"id": "b"}]})
    documents = [{"n": n, "standards": [standard], "copy": [[standard]]} for n in range(3)]
    assert [indented_json.dumps(d) for d in documents] == [reference(d) for d in documents]
    standard["requirements"].append({"id": "c"})  # changed after it was marked
    standard["name"] = "y"
    assert indented_json.dumps(documents[0]) == reference(documents[0])
    assert '"id": "c"' in indented_json.dumps(documents[0])


def test_only_strings_lists_and_dicts_are_shared() -> None:
    numbers = indented_json.shared({"value": 1})
    assert indented_json.dumps([numbers]) == reference([numbers])
    numbers["value"] = True  # equal to 1, written otherwise
    assert indented_json.dumps([numbers]) == reference([numbers])


def test_the_compact_form_of_a_shared_value_is_canonical_bytes_until_it_changes() -> None:
    from cardgate.core.digests import canonical_bytes

    standard = indented_json.shared({"b": ["x", {"é": "y"}], "a": "z"})
    assert indented_json.compact_shared(standard) == canonical_bytes(standard)
    assert indented_json.compact_shared(standard) == canonical_bytes(standard)
    standard["a"] = "changed"
    assert indented_json.compact_shared(standard) is None
    assert indented_json.compact_shared({"a": "z"}) is None  # never marked
