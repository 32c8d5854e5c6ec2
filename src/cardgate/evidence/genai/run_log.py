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
``file:line:col`` with a hint; nothing is guessed. The first bad line is the one reported.

The log is read one line at a time and kept as columns (`RunLog`): a number per query
for each of latency, cost or tokens, a slice code per query and feature, and a 16-byte
digest of each query_id — no object per query, so a log of millions of lines costs tens
of bytes a line, not a dictionary a line. Query ids are compared by their BLAKE2b-128
digests (a repeated query, the baseline's pairing): two different ids share one with a
probability of about n² / 2¹²⁹, nil for any log that fits on a disk.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import InputError
from cardgate.evidence.genai.score_parsing import json_rows, lines_of, located

HINT = (
    "one query per line: query_id, latency_ms (a number ≥ 0), and cost (≥ 0) or "
    "input_tokens and output_tokens (whole numbers ≥ 0)"
)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Keys = npt.NDArray[np.bytes_]
"""(n,) 16-byte digests of query ids (`query_key`)."""


class QueryRecord(NamedTuple):
    """One line of a run log, checked; the log keeps its values as columns, not this."""

    query_id: str
    latency_ms: float
    cost: float | None
    """What the query cost, given in the log (None: the log gives tokens, or neither)."""
    tokens: tuple[float, float] | None
    """(input, output) tokens, whole numbers (None: the log gives a cost, or neither)."""
    slices: tuple[str, ...]
    """The query's slice of each feature the card names, in the card's order."""


@dataclass(frozen=True)
class Slices:
    """One feature's slice of every query: the slices' names and each query's index."""

    names: list[str]
    codes: IntArray

    def labels(self) -> list[str]:
        """Each query's slice name (a list of references to the few names)."""
        return list(map(self.names.__getitem__, self.codes.tolist()))


@dataclass(frozen=True)
class RunLog:
    """A run log's queries in file order, as columns, and what it gives besides latency."""

    gives: str
    """'cost', 'tokens' or 'latency' (latency only)."""
    latency: FloatArray
    cost: FloatArray | None
    """Each query's cost as the log gives it (None unless `gives` is 'cost')."""
    tokens: FloatArray | None
    """(n, 2) input and output tokens (None unless `gives` is 'tokens')."""
    keys: Keys
    slices: dict[str, Slices]

    def __len__(self) -> int:
        return len(self.latency)


def query_key(query_id: str) -> bytes:
    """The 16-byte digest a query id is compared by."""
    return hashlib.blake2b(query_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def read_run_log(path: Path, shown: str, slices: Sequence[str] = ()) -> RunLog:
    """The run log at `path` (`shown`: how messages name it), each query with its slice of
    every feature in `slices`; read line by line."""
    if path.name.lower().endswith(".jsonl"):
        kind = "jsonl"
    elif path.name.lower().endswith(".csv"):
        kind = "csv"
    else:
        raise InputError(
            f"{shown}: a run log is JSON Lines (.jsonl) or CSV (.csv)",
            hint="name the file by its format",
        )
    columns = _Columns(slices)
    try:
        for line, row, where in _rows(path, shown, kind):
            columns.add(_record(row, shown, line, where, slices), shown, line)
    except InputError:
        # a query repeated on an earlier line is the first problem, as it was reported
        # when the lines were checked one after another
        _check_unique(columns.finish_keys(), columns, path, shown, kind)
        raise
    keys = columns.finish_keys()
    if not len(keys):
        raise located(shown, "1:1", "holds no query", HINT)
    _check_unique(keys, columns, path, shown, kind)
    return columns.finish(keys)


class _Columns:
    """What a run log keeps of each line while it is read."""

    def __init__(self, features: Sequence[str]) -> None:
        self.features = features
        self.gives: str | None = None
        self.lines = array("q")
        self.keys = bytearray()
        self.latency = array("d")
        self.cost = array("d")
        self.tokens = array("d")
        self.codes = [array("q") for _ in features]
        self.names: list[dict[str, int]] = [{} for _ in features]

    def add(self, record: QueryRecord, shown: str, line: int) -> None:
        self.keys += query_key(record.query_id)
        self.lines.append(line)
        kind = "cost" if record.cost is not None else "tokens" if record.tokens else "latency"
        if self.gives is None:
            self.gives = kind
        elif kind != self.gives:
            raise located(
                shown,
                f"{line}:1",
                f"gives {kind if kind != 'latency' else 'neither cost nor tokens'}, where the "
                f"lines before give {self.gives if self.gives != 'latency' else 'neither'}",
                "every line gives the same: a cost, token counts, or neither",
            )
        self.latency.append(record.latency_ms)
        if record.cost is not None:
            self.cost.append(record.cost)
        if record.tokens is not None:
            self.tokens.extend(record.tokens)
        for codes, names, label in zip(self.codes, self.names, record.slices, strict=True):
            codes.append(names.setdefault(label, len(names)))

    def finish_keys(self) -> Keys:
        """The digests of the queries kept so far."""
        return np.frombuffer(bytes(self.keys), dtype="S16")

    def finish(self, keys: Keys) -> RunLog:
        assert self.gives is not None  # a query was kept
        latency = np.frombuffer(self.latency, dtype=np.float64)
        return RunLog(
            self.gives,
            latency,
            np.frombuffer(self.cost, dtype=np.float64) if self.gives == "cost" else None,
            np.frombuffer(self.tokens, dtype=np.float64).reshape(-1, 2)
            if self.gives == "tokens"
            else None,
            keys,
            {
                feature: Slices(list(names), np.frombuffer(codes, dtype=np.int64))
                for feature, names, codes in zip(self.features, self.names, self.codes, strict=True)
            },
        )


def repeated(keys: Keys) -> tuple[int, int] | None:
    """The first query (by position) whose key an earlier query has, and that earlier
    query's position; None when every key is distinct."""
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    same = ranked[1:] == ranked[:-1]
    if not same.any():
        return None
    later = int(order[1:][same].min())
    at = int(np.flatnonzero(order == later)[0])
    starts = np.flatnonzero(np.concatenate([[True], ~same]))
    first = starts[np.searchsorted(starts, at, side="right") - 1]
    # a stable sort keeps equal keys in file order: the run's start is the first query
    return later, int(order[first])


def paired_positions(keys: Keys, other: Keys) -> tuple[IntArray, IntArray]:
    """The positions of the queries of `keys` that `other` has too, in their order, and
    each one's position in `other` (whose keys are distinct)."""
    order = np.argsort(other, kind="stable")
    ranked = other[order]
    at = np.minimum(np.searchsorted(ranked, keys), max(len(ranked) - 1, 0))
    found = ranked[at] == keys if len(ranked) else np.zeros(len(keys), dtype=bool)
    mine = np.flatnonzero(found)
    return mine, order[at[mine]]


def _check_unique(keys: Keys, columns: _Columns, path: Path, shown: str, kind: str) -> None:
    found = repeated(keys)
    if found is None:
        return
    later, first = (columns.lines[position] for position in found)
    query_id = next(
        (str(row.get("query_id")) for line, row, _ in _rows(path, shown, kind) if line == later),
        "?",  # the file changed since it was read
    )
    raise located(
        shown,
        f"{later}:1",
        f"query '{query_id}' is logged twice (first on line {first})",
        "one line per query: a retried query is logged once, with its total latency",
    )


Column = dict[str, int]
"""The 1-based column of each field of a line (CSV), or {} (JSON Lines: column 1)."""


def _rows(path: Path, shown: str, kind: str) -> Iterator[tuple[int, dict[str, Any], Column]]:
    return _jsonl_rows(path, shown) if kind == "jsonl" else _csv_rows(path, shown)


def _jsonl_rows(path: Path, shown: str) -> Iterator[tuple[int, dict[str, Any], Column]]:
    for number, row in json_rows(lines_of(path, shown), shown, HINT):
        if not isinstance(row, dict):
            raise located(shown, f"{number}:1", "is not a JSON object", HINT)
        yield number, row, {}


_CSV_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
"""A line as the csv module reads one: ended by \\r\\n, \\r or \\n (kept)."""


def _csv_rows(path: Path, shown: str) -> Iterator[tuple[int, dict[str, Any], Column]]:
    last = [""]

    def physical() -> Iterator[str]:
        for _, text in lines_of(path, shown):
            for part in _CSV_LINE.findall(text + "\n"):
                last[0] = part
                yield part

    reader = csv.reader(physical())
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
            yield number, dict(zip(names, fields, strict=True)), _columns(last[0], names)
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

    slices: list[str] = []
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
        slices.append(value)

    identifier = row.get("query_id")
    if isinstance(identifier, bool) or not isinstance(identifier, str | int) or identifier == "":
        raise located(shown, where("query_id"), "has no query_id", HINT)
    latency = _number(row, "latency_ms", shown, where)
    if latency is None:
        raise located(shown, where("latency_ms"), "has no latency_ms", HINT)
    cost = _number(row, "cost", shown, where)
    tokens_in = _number(row, "input_tokens", shown, where)
    tokens_out = _number(row, "output_tokens", shown, where)
    tokens: tuple[float, float] | None = None
    if tokens_in is not None or tokens_out is not None:
        if tokens_in is None or tokens_out is None:
            missing = "input_tokens" if tokens_in is None else "output_tokens"
            raise located(shown, f"{line}:1", f"has no {missing}", "give both token counts")
        for key, count in (("input_tokens", tokens_in), ("output_tokens", tokens_out)):
            if count != int(count):
                raise located(shown, where(key), f"{key} {count:g} is not a whole number", HINT)
        tokens = (tokens_in, tokens_out)
    if cost is not None and tokens is not None:
        raise located(
            shown, where("cost"), "gives both a cost and token counts", "give one of the two"
        )
    return QueryRecord(str(identifier), latency, cost, tokens, tuple(slices))


def _number(row: dict[str, Any], key: str, shown: str, where: Callable[[str], str]) -> float | None:
    """`row[key]` as a finite number ≥ 0 (a CSV cell as text); None when absent or empty.
    `where(key)` places a problem (computed only for one)."""
    value = row.get(key)
    if value.__class__ is float and 0 <= value < math.inf:  # the common case, at once
        return value
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise located(shown, where(key), f"{key} {value!r} is not a number", HINT) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise located(shown, where(key), f"{key} {value!r} is not a number", HINT)
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        raise located(shown, where(key), f"{key} {str(value)[:20]}... is too large", HINT) from None
    if not math.isfinite(number):
        raise located(shown, where(key), f"{key} is {number}, not a finite number", HINT)
    if number < 0:
        raise located(shown, where(key), f"{key} {number:g} is negative", HINT)
    return number
