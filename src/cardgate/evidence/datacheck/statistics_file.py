"""Statistics computed elsewhere: the one-row result of the printed statistics query.

`cardgate sql DATASET --data-check` prints the contract's one aggregate pass for a
warehouse; a team runs it where the data lives and saves its one row as CSV or Parquet,
and the contract names that file (`format: statistics`). Here the file's columns are
checked against the query's legend (`StatisticsQuery.result_names`; case aside, as
Snowflake answers in upper case), each value is read as the statistic it is, and the row
goes to `measure_with` — the DuckDB and Spark engines' own code — as if the query had
just run there, so the same clauses judge it. The example values of a broken clause come
from other queries over the rows, which are not here: those violations carry none.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import math
import re
from collections.abc import Sequence
from typing import Any

from cardgate.core.errors import InputError
from cardgate.documents.schemas.contract import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    ColumnContract,
    DataContract,
    parse_temporal_bound,
)
from cardgate.evidence.datacheck.source import DataSource, read_error
from cardgate.evidence.datacheck.statistics_sql import (
    FINGERPRINT,
    StatisticsQuery,
    measure_with,
    warehouse_query,
)
from cardgate.evidence.datacheck.stats import TableStats

_HINT = (
    "save the one row of the query cardgate sql DATASET --data-check prints, unchanged "
    "(its legend names each column)"
)
_WHOLE = re.compile(r"[0-9]+")
_MOST_BYTES = 1 << 20
"""A statistics CSV is a header and one row: far less than this, even for a wide contract."""


def measure(source: DataSource, contract: DataContract, *, dialect: str) -> TableStats:
    """The statistics in `source` (the query `cardgate sql --data-check` prints for
    `dialect`, run elsewhere), as the engines' `TableStats`. `InputError` (exit 1) for a
    file that is not that query's one row: a missing, extra or mistyped column."""
    query = warehouse_query(contract, dialect)
    row = _read_row(source, query)
    aggregate = query.aggregate_sql()

    def run(sql: str) -> Sequence[Sequence[Any]]:
        # the example values' queries read rows, which are elsewhere: none here
        return [row] if sql == aggregate else []

    return measure_with(run, query)


def _read_row(source: DataSource, query: StatisticsQuery) -> list[Any]:
    """The file's one row, in the query's column order, each value as its statistic."""
    wanted = query.result_names()
    kinds = {FINGERPRINT: "fingerprint", **_column_types(query)}
    if source.format == "csv":
        names, values, where = _csv_row(source)
    else:
        names, values, where = _parquet_row(source)
    position: dict[str, int] = {}
    for index, name in enumerate(names):
        if name.lower() in position:
            raise InputError(
                f"{where(index, header=True)}: column '{name}' appears twice (columns "
                f"{position[name.lower()] + 1} and {index + 1}): which is the statistic?",
                hint=_HINT,
            )
        position[name.lower()] = index
    extra = [name for name in names if name.lower() not in kinds]
    if extra:
        raise InputError(
            f"{where(names.index(extra[0]), header=True)}: column '{extra[0]}' is not a "
            "column of the statistics query for this contract",
            hint=_HINT,
            details=tuple(f"not in the query: {name}" for name in extra),
        )
    missing = [name for name in [FINGERPRINT, *wanted] if name not in position]
    if missing:
        raise InputError(
            f"{where(0, header=True)}: the statistics query's column '{missing[0]}' is missing",
            hint=_HINT,
            details=tuple(f"missing: {name}" for name in missing),
        )
    index = position[FINGERPRINT]
    if str(values[index]).strip() != query.fingerprint():
        raise InputError(
            f"{where(index, header=False)}: {names[index]} is {_shown(values[index])}, not "
            f"'{query.fingerprint()}': the statistics were computed by the query for another "
            "version of the contract",
            hint="print the query again (cardgate sql DATASET --data-check), run it and save "
            "its row",
        )
    row: list[Any] = []
    for name in wanted:
        index = position[name]
        value = _typed(values[index], kinds[name])
        if isinstance(value, _Mistyped):
            raise InputError(
                f"{where(index, header=False)}: {names[index]} is {_shown(values[index])}, "
                f"not {value.expected}",
                hint=_HINT,
            )
        row.append(value)
    contradiction = _contradiction(query, dict(zip(wanted, row, strict=True)))
    if contradiction is not None:
        name, why = contradiction
        index = position[name]
        raise InputError(
            f"{where(index, header=False)}: {names[index]} is {_shown(values[index])}, {why}: "
            "the statistics contradict each other",
            hint="a query's result cannot say this: " + _HINT,
        )
    return row


def _shown(value: Any) -> str:
    return "empty" if value is None else repr(value)


def _contradiction(query: StatisticsQuery, got: dict[str, Any]) -> tuple[str, str] | None:
    """The first statistic that no run of the query could give beside the others (a count
    above the rows, an extreme on the wrong side of its range clause's count), with why;
    None when they agree. Catches a hand-edited or mismatched file before it is judged."""
    rows, kinds = got["n_rows"], _column_types(query)
    for name, value in got.items():
        if kinds[name] == "count" and value > rows:
            return name, f"more than n_rows ({rows})"
    for plan in query.plans:
        i, column = plan.index, plan.contract
        values = rows - got[f"nulls_{i}"] - got.get(f"unparsable_{i}", 0)
        if values < 0:
            return f"unparsable_{i}", f"more than the n_rows ({rows}) less nulls_{i}"
        counted = [f"{n}_{i}" for n in ("below_min", "above_max", "not_allowed", "present")]
        for name in (n for n in counted if n in got):
            if got[name] > values:
                return name, f"more than the {values} values that are neither null nor unparsable"
        distinct = got.get(f"distinct_{i}", 0)
        if distinct > got.get(f"present_{i}", values):
            return f"distinct_{i}", "more than the values present"
        allowed = set(column.allowed_values or ())
        if allowed and got.get(f"not_allowed_{i}") == 0 and distinct > len(allowed):
            return f"distinct_{i}", f"more than the {len(allowed)} allowed values while " + (
                f"not_allowed_{i} is 0"
            )
        if f"minimum_{i}" in got:
            found = _extremes(plan.index, column, got, values)
            if found is not None:
                return found
    return None


def _extremes(
    i: int, column: ColumnContract, got: dict[str, Any], values: int
) -> tuple[str, str] | None:
    """A minimum or maximum the counts beside it rule out, with why."""
    low, high = got[f"minimum_{i}"], got[f"maximum_{i}"]
    for name, extreme in ((f"minimum_{i}", low), (f"maximum_{i}", high)):
        if (extreme is None) != (values == 0):
            return name, f"while {values} values are neither null nor unparsable"
        if isinstance(extreme, float) and (
            math.isnan(extreme) or (column.type == "integer" and not extreme.is_integer())
        ):
            return name, f"not {'a whole number' if column.type == 'integer' else 'a number'}"
    if low is None or high is None:
        return None
    if low > high:
        return f"minimum_{i}", f"above maximum_{i} ({high})"
    bounds = (
        (f"minimum_{i}", low, column.min, f"below_min_{i}", "below the contract's min"),
        (f"maximum_{i}", high, column.max, f"above_max_{i}", "above the contract's max"),
    )
    for name, extreme, bound, count, side in bounds:
        if bound is None:
            continue
        limit = parse_temporal_bound(str(bound)) if column.type in TEMPORAL_TYPES else bound
        outside = extreme < limit if name.startswith("minimum") else extreme > limit
        if outside != (got[count] > 0):
            return name, f"{'' if outside else 'not '}{side} {bound} while {count} is {got[count]}"
    return None


def _column_types(query: StatisticsQuery) -> dict[str, str]:
    """Each result column's kind of value: 'count', or the contract type of a minimum or
    maximum."""
    kinds = {"n_rows": "count"}
    for plan, name, _ in query.slots():
        extreme = name in ("minimum", "maximum")
        kinds[f"{name}_{plan.index}"] = plan.contract.type if extreme else "count"
    return kinds


class _Where:
    """file:line:col of a CSV's header or value field (fields' 1-based character columns)."""

    def __init__(self, display: str, starts: tuple[list[int], list[int]]) -> None:
        self.display = display
        self.starts = starts

    def __call__(self, index: int, *, header: bool) -> str:
        line = 1 if header else 2
        columns = self.starts[0 if header else 1]
        column = columns[index] if index < len(columns) else 1
        return f"{self.display}:{line}:{column}"


def _field_starts(line: str) -> list[int]:
    """The 1-based character column where each CSV field of `line` starts."""
    starts, quoted = [1], False
    for offset, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(offset + 2)
    return starts


def _csv_row(source: DataSource) -> tuple[list[str], list[Any], _Where]:
    with source.opened() as stream:
        raw = stream.read(_MOST_BYTES + 1)
    if len(raw) > _MOST_BYTES:
        raise InputError(
            f"{source.display}: more than {_MOST_BYTES >> 20} MiB: not a header and the "
            "statistics query's one row",
            hint=_HINT,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise read_error(source, error) from error
    lines = [line for line in text.splitlines() if line.strip()]
    records = list(csv.reader(lines))
    if len(records) != 2:
        raise InputError(
            f"{source.display}: {len(records) - 1 if records else 0} rows of statistics, "
            "not one (a header and the query's one row)",
            hint=_HINT,
        )
    names, values = records
    where = _Where(source.display, (_field_starts(lines[0]), _field_starts(lines[1])))
    if len(values) != len(names):
        raise InputError(
            f"{source.display}:2:1: {len(values)} values under {len(names)} column names",
            hint=_HINT,
        )
    return names, [None if value == "" else value for value in values], where


def _parquet_row(source: DataSource) -> tuple[list[str], list[Any], _Where]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(source.path).metadata.num_rows  # before reading any of them
        table = pq.read_table(source.path) if rows == 1 else None
    except (OSError, pa.ArrowException) as error:
        raise read_error(source, error) from error
    if table is None or table.num_rows != 1:
        raise InputError(
            f"{source.display}: {rows:,} rows of statistics, not the query's one row",
            hint=_HINT,
        )
    names = list(table.column_names)
    values = [table.column(index)[0].as_py() for index in range(len(names))]
    # Parquet has no lines: the row is line 1 and a column's number its column
    numbers = list(range(1, len(names) + 1))
    return names, values, _Where(source.display, (numbers, numbers))


class _Mistyped:
    def __init__(self, expected: str) -> None:
        self.expected = expected


def _typed(value: Any, kind: str) -> Any:
    """`value` (text from CSV, or Parquet's) as the statistic of `kind` holds it, as the
    DuckDB engine would return it; `_Mistyped` when it cannot be."""
    if kind == "count":
        if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, decimal.Decimal) and value == value.to_integral() and value >= 0:
            return int(value)
        return _Mistyped("a count (a whole number, 0 or more)")
    if value is None:
        return None
    if kind in NUMERIC_TYPES:
        return _number(value)
    if kind in TEMPORAL_TYPES:
        return _moment(value)
    return _Mistyped("empty (the query has no such statistic for this type)")


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return _Mistyped("a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, str):
        text = value.strip()
        if _WHOLE.fullmatch(text.lstrip("-")):
            return int(text)
        try:
            return float(text)
        except ValueError:
            pass
    return _Mistyped("a number")


def _moment(value: Any) -> Any:
    """A date or timestamp as a naive UTC datetime (as the contract's bounds are read)."""
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    if isinstance(value, str):
        text = value.strip().removesuffix(" UTC")  # BigQuery writes timestamps so
        try:
            return parse_temporal_bound(text)
        except ValueError:
            pass
    return _Mistyped("a date or timestamp")
