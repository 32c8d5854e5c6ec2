"""What the generation-score readers share (`scores`): the sample and file records, and
strict reading — a file's text, a JSON document, a score as a number or "missing", text
fields flattened — each failure an `InputError` at ``file:line:col`` with a hint."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardgate.core.errors import InputError
from cardgate.core.inputs import IN_MEMORY_BYTES, loads_json, read_regular, regular_lines


@dataclass(frozen=True)
class ScoredSample:
    """One evaluated sample: its scores by metric and the fields it can be sliced by."""

    sample_id: str
    scores: dict[str, float]
    fields: dict[str, str] = field(default_factory=dict)
    where: str = "1:1"
    """Where the sample is in its file: ``line:col``, and for a tool that writes one JSON
    document the JSON path after it (``1:1: testCases[3]``)."""
    question: str | None = None
    """The input the sample answers, where the file gives it beside the scores (ragas'
    ``user_input``): a comparison with a baseline checks that paired samples ask alike."""


@dataclass(frozen=True)
class ScoreFile:
    """What one file holds: its samples, the scores that were missing (by metric), and the
    metrics whose per-sample values are not scores (aggregated by the tool over the set)."""

    tool: str
    samples: list[ScoredSample]
    missing: dict[str, int]
    not_per_sample: tuple[str, ...] = ()


def text_of(path: Path, shown: str) -> str:
    try:
        raw = read_regular(path, limit=IN_MEMORY_BYTES)
    except OSError as error:
        raise _unreadable(error, shown) from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _not_utf8(shown, line) from error


def lines_of(path: Path, shown: str) -> Iterator[tuple[int, str]]:
    """Each line of the text file at `path` with its number (from 1), without its "\\n",
    read one line at a time: the lines of `text_of(path, shown).split("\\n")`, with the
    same checks and messages, but a bad byte is reported when its line is reached (the
    lines before it have been read)."""
    try:
        for number, raw in enumerate(regular_lines(path, limit=IN_MEMORY_BYTES), start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise _not_utf8(shown, number) from error
            yield number, text.removesuffix("\n")
    except OSError as error:
        raise _unreadable(error, shown) from error


def _unreadable(error: OSError, shown: str) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(f"{shown}: does not exist", hint="commit the file, or fix its path")
    return InputError(f"{shown}: cannot be read: {error}")


def _not_utf8(shown: str, line: int) -> InputError:
    return InputError(f"{shown}:{line}:1: not UTF-8 text", hint="save it as UTF-8")


def located(shown: str, where: str, message: str, hint: str) -> InputError:
    return InputError(f"{shown}:{where}: {message}", hint=hint)


def as_score(value: Any) -> float | None:
    """A score as a float; None for missing, null or NaN; ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            raise ValueError(f"{str(value)[:20]}... is too large") from None
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ValueError(f"{value!r} is not finite")
        return number
    raise ValueError(f"{value!r} is not a number")


def flat_fields(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    """Text fields of a mapping, flattened as `prefix.key` (numbers as their text)."""
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, str):
            yield name, item
        elif isinstance(item, int | float) and not isinstance(item, bool):
            yield name, json.dumps(item)
        elif isinstance(item, bool):
            yield name, "true" if item else "false"


def json_document(path: Path, shown: str, hint: str) -> Any:
    try:
        return loads_json(text_of(path, shown), unique_keys=True)
    except json.JSONDecodeError as error:
        raise located(
            shown, f"{error.lineno}:{error.colno}", f"not JSON: {error.msg}", hint
        ) from error


def json_lines(text: str, shown: str, hint: str) -> Iterator[tuple[int, Any]]:
    """Each non-blank line of JSON Lines `text` as (its line number, its value)."""
    return json_rows(enumerate(text.split("\n"), start=1), shown, hint)


def json_rows(lines: Iterable[tuple[int, str]], shown: str, hint: str) -> Iterator[tuple[int, Any]]:
    """Each non-blank numbered line of JSON Lines as (its line number, its value), read
    with the one JSON reader; one at a time (`lines_of` streams a file's)."""
    for number, line in lines:
        if not line.strip():
            continue
        try:
            value = loads_json(line, unique_keys=True)
        except json.JSONDecodeError as error:
            raise located(
                shown, f"{number}:{error.colno}", f"not JSON: {error.msg}", hint
            ) from error
        yield number, value


def list_at(data: Any, keys: tuple[str, ...], shown: str, hint: str) -> list[Any]:
    found = data
    for key in keys:
        found = found.get(key) if isinstance(found, dict) else None
    if not isinstance(found, list):
        raise located(shown, "1:1", f"has no list at '{'.'.join(keys)}'", hint)
    return found


def add_score(
    scores: dict[str, float],
    missing: dict[str, int],
    name: str,
    value: Any,
    shown: str,
    where: str,
    hint: str,
) -> None:
    try:
        number = as_score(value)
    except ValueError as error:
        raise located(shown, where, f"score '{name}': {error}", hint) from error
    if name in scores:  # a repeated sample or metric: which value is the score?
        raise located(shown, where, f"score '{name}' is given twice for one sample", hint)
    if number is None:
        missing[name] = missing.get(name, 0) + 1
    else:
        scores[name] = number


Read = tuple[list[ScoredSample], dict[str, int], set[str]]
"""A reader's samples, missing scores by metric, and metrics that are not per-sample."""


TOOL_SCALES: dict[str, tuple[float, float]] = {
    "ragas": (0.0, 1.0),
    "deepeval": (0.0, 1.0),
    "promptfoo": (0.0, 1.0),
}
"""The scale each tool's scores lie on (its metrics', a test's grade); the others' scores
(inspect_ai's scorers, lm-eval's metrics, MLflow's columns) are not bounded unless the
card says (`sources[].scale`)."""


def check_scale(
    samples: list[ScoredSample], shown: str, tool: str, scale: tuple[float, float] | None
) -> None:
    """`InputError` at the first score off `scale`: one impossible score would move a
    mean past its threshold."""
    if scale is None:
        return
    low, high = scale
    for sample in samples:
        for name, value in sample.scores.items():
            if not low <= value <= high:
                raise located(
                    shown,
                    sample.where,
                    f"score '{name}' of sample '{sample.sample_id}' is {value:g}, outside "
                    f"the scale {low:g} to {high:g}",
                    f"{tool} scores lie on that scale: is the file corrupted? If this score's "
                    "scale is another (a rubric), set it in the card (sources[].scale)",
                )
