"""A GenAI system's run log, read strictly: one query per line, its latency and its cost
(or its token counts, priced by the card). JSON Lines (`.jsonl`) or CSV (`.csv`):

```
{"query_id": "q17", "latency_ms": 812.5, "input_tokens": 1203, "output_tokens": 148}
query_id,latency_ms,cost
q17,812.5,0.00082
```

`query_id` is text (a number is read as its text), unique in the file; each slice field
the card names (`category` ...) is text on every line; `latency_ms` a
finite number ≥ 0; `cost` a finite number ≥ 0, or `input_tokens` and `output_tokens`
whole numbers ≥ 0 — every line gives the same one of the two, or neither (then the log
has latencies only). Anything else — NaN, a negative or infinite latency, text where a
number belongs, a repeated query, a line that is not an object — is an `InputError` at
``file:line:col`` with a hint; nothing is guessed.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardgate.core.errors import InputError
from cardgate.evidence.genai.score_parsing import json_lines, located, text_of

HINT = (
    "one query per line: query_id, latency_ms (a number ≥ 0), and cost (≥ 0) or "
    "input_tokens and output_tokens (whole numbers ≥ 0)"
)


@dataclass(frozen=True)
class QueryRecord:
    """One query of a run log."""

    query_id: str
    latency_ms: float
    cost: float | None
    """What the query cost, given in the log (None: the log gives tokens, or neither)."""
    tokens: tuple[int, int] | None
    """(input, output) tokens (None: the log gives a cost, or neither)."""
    slices: dict[str, str] = field(default_factory=dict)
    """The query's slice of each feature the card names."""


@dataclass(frozen=True)
class RunLog:
    """A run log's queries in file order, and what it gives besides latency."""

    queries: list[QueryRecord]
    gives: str
    """'cost', 'tokens' or 'latency' (latency only)."""


def read_run_log(path: Path, shown: str, slices: Sequence[str] = ()) -> RunLog:
    """The run log at `path` (`shown`: how messages name it), each query with its slice of
    every feature in `slices`."""
    text = text_of(path, shown)
    if path.name.lower().endswith(".jsonl"):
        rows = list(_jsonl_rows(text, shown))
    elif path.name.lower().endswith(".csv"):
        rows = list(_csv_rows(text, shown))
    else:
        raise InputError(
            f"{shown}: a run log is JSON Lines (.jsonl) or CSV (.csv)",
            hint="name the file by its format",
        )
    if not rows:
        raise located(shown, "1:1", "holds no query", HINT)
    queries: list[QueryRecord] = []
    seen: dict[str, int] = {}
    gives: str | None = None
    for line, row, column in rows:
        record = _record(row, shown, line, column, slices)
        where = f"{line}:1"
        if record.query_id in seen:
            raise located(
                shown,
                where,
                f"query '{record.query_id}' is logged twice (first on line "
                f"{seen[record.query_id]})",
                "one line per query: a retried query is logged once, with its total latency",
            )
        seen[record.query_id] = line
        kind = "cost" if record.cost is not None else "tokens" if record.tokens else "latency"
        if gives is None:
            gives = kind
        elif kind != gives:
            raise located(
                shown,
                where,
                f"gives {kind if kind != 'latency' else 'neither cost nor tokens'}, where the "
                f"lines before give {gives if gives != 'latency' else 'neither'}",
                "every line gives the same: a cost, token counts, or neither",
            )
        queries.append(record)
    assert gives is not None  # rows is not empty
    return RunLog(queries, gives)


Column = dict[str, int]
"""The 1-based column of each field of a line (CSV), or {} (JSON Lines: column 1)."""


def _jsonl_rows(text: str, shown: str) -> Any:
    for number, row in json_lines(text, shown, HINT):
        if not isinstance(row, dict):
            raise located(shown, f"{number}:1", "is not a JSON object", HINT)
        yield number, row, {}


def _csv_rows(text: str, shown: str) -> Any:
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return
        names = [name.strip() for name in header]
        for fields in reader:
            number = reader.line_num
            if not fields or all(not field.strip() for field in fields):
                continue
            if len(fields) != len(names):
                raise located(
                    shown,
                    f"{number}:1",
                    f"has {len(fields)} fields, the header {len(names)}",
                    "quote a field that holds a comma",
                )
            yield number, dict(zip(names, fields, strict=True)), _columns(lines[number - 1], names)
    except csv.Error as error:
        raise located(shown, f"{reader.line_num}:1", f"not CSV: {error}", HINT) from error


def _columns(line: str, names: list[str]) -> Column:
    """Where each field starts on an unquoted line (quoted: column 1 for every field)."""
    if '"' in line:
        return {}
    out: Column = {}
    column = 1
    for name, cell in zip(names, line.split(","), strict=False):
        out[name] = column
        column += len(cell) + 1
    return out


def _record(
    row: dict[str, Any], shown: str, line: int, columns: Column, features: Sequence[str]
) -> QueryRecord:
    def where(key: str) -> str:
        return f"{line}:{columns.get(key, 1)}"

    slices: dict[str, str] = {}
    for feature in features:
        value = row.get(feature)
        if not isinstance(value, str) or not value.strip():
            raise located(
                shown,
                where(feature),
                f"needs the slice field '{feature}' (text), which the card's "
                "operations_evaluation.slices names",
                f'write "{feature}": "..." on every line, or remove it from slices',
            )
        slices[feature] = value

    identifier = row.get("query_id")
    if isinstance(identifier, bool) or not isinstance(identifier, str | int) or identifier == "":
        raise located(shown, where("query_id"), "has no query_id", HINT)
    latency = _number(row.get("latency_ms"), "latency_ms", shown, where("latency_ms"))
    if latency is None:
        raise located(shown, where("latency_ms"), "has no latency_ms", HINT)
    cost = _number(row.get("cost"), "cost", shown, where("cost"))
    tokens_in = _number(row.get("input_tokens"), "input_tokens", shown, where("input_tokens"))
    tokens_out = _number(row.get("output_tokens"), "output_tokens", shown, where("output_tokens"))
    tokens: tuple[int, int] | None = None
    if tokens_in is not None or tokens_out is not None:
        if tokens_in is None or tokens_out is None:
            missing = "input_tokens" if tokens_in is None else "output_tokens"
            raise located(shown, f"{line}:1", f"has no {missing}", "give both token counts")
        for key, count in (("input_tokens", tokens_in), ("output_tokens", tokens_out)):
            if count != int(count):
                raise located(shown, where(key), f"{key} {count:g} is not a whole number", HINT)
        tokens = (int(tokens_in), int(tokens_out))
    if cost is not None and tokens is not None:
        raise located(
            shown, where("cost"), "gives both a cost and token counts", "give one of the two"
        )
    return QueryRecord(str(identifier), latency, cost, tokens, slices)


def _number(value: Any, key: str, shown: str, where: str) -> float | None:
    """A finite number ≥ 0 (a CSV cell as text); None when absent or empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise located(shown, where, f"{key} {value!r} is not a number", HINT) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise located(shown, where, f"{key} {value!r} is not a number", HINT)
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        raise located(shown, where, f"{key} {str(value)[:20]}... is too large", HINT) from None
    if not math.isfinite(number):
        raise located(shown, where, f"{key} is {number}, not a finite number", HINT)
    if number < 0:
        raise located(shown, where, f"{key} {number:g} is negative", HINT)
    return number
