"""Measure a data file into a `Profile` with DuckDB: one aggregate query, one pass.

Each numeric column is read as a DOUBLE (a CSV's text parsed; a value that is not a
finite number is `invalid`, NaN is missing) and counted in the buckets of `sketch`; each
categorical column is read as text and every value counted. DuckDB streams the file
within `memory_limit` (files larger than memory) and uses every core.

A column's kind comes from the caller (the datasheet's contract, the model card's
columns, or the reference profile for a window); a column nobody typed is numeric when
every value present parses as a number, else categorical (one more pass, only then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb

from cardgate.core.errors import CardgateError, InputError
from cardgate.evidence.datacheck.duckdb_engine import open_connection, physical_kind, reader_sql
from cardgate.evidence.datacheck.source import DataSource, read_error
from cardgate.evidence.datacheck.statistics_sql import quoted_name
from cardgate.evidence.monitoring import sketch
from cardgate.evidence.monitoring.profile import (
    MAX_CATEGORIES,
    ColumnProfile,
    Kind,
    Profile,
    SourceRecord,
)

_SQL_BUGS = (
    duckdb.BinderException,
    duckdb.ParserException,
    duckdb.CatalogException,
    duckdb.InternalException,
)


def measure_profile(
    source: DataSource,
    *,
    subject: str,
    recorded: SourceRecord,
    kinds: Mapping[str, Kind],
    columns: Iterable[str] | None = None,
    memory_limit: str | None = None,
) -> Profile:
    """The profile of `source`'s `columns` (default: every column of the file).

    `kinds` types the columns it names; the others are inferred. A column asked for but
    absent from the file is an InputError naming the file and the column.
    `recorded.rows` is filled in from the count.
    """
    with open_connection(memory_limit) as connection:
        try:
            return _measure(connection, source, subject, recorded, kinds, columns)
        except duckdb.Error as error:
            if isinstance(error, _SQL_BUGS):
                raise
            if isinstance(error, duckdb.OutOfMemoryException):
                raise CardgateError(
                    f"{source.display}: DuckDB ran out of memory",
                    hint="raise --memory-limit",
                ) from error
            raise read_error(source, error) from error


def _measure(
    connection: duckdb.DuckDBPyConnection,
    source: DataSource,
    subject: str,
    recorded: SourceRecord,
    kinds: Mapping[str, Kind],
    wanted: Iterable[str] | None,
) -> Profile:
    reader = reader_sql(source)
    described = connection.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    stored = {str(row[0]): physical_kind(str(row[1])) for row in described}
    names = list(stored) if wanted is None else list(dict.fromkeys(wanted))
    missing = [name for name in names if name not in stored]
    if missing:
        raise InputError(
            f"{source.display}: no column {', '.join(repr(m) for m in missing)} "
            f"(the file has: {', '.join(stored) or 'none'})",
            hint="a window must have the reference's columns, named as in the reference",
        )
    typed = {name: kinds[name] for name in names if name in kinds}
    untyped = [name for name in names if name not in typed]
    if untyped:
        typed.update(_inferred(connection, reader, untyped, stored))
    aggregates = ["count(*)"]
    for index, name in enumerate(names):
        aggregates.extend(_aggregates(index, name, typed[name], stored[name]))
    view = ", ".join(
        [f"{_as_double(name, stored[name])} AS v{i}" for i, name in enumerate(names)]
        + [f"{quoted_name(name)} AS o{i}" for i, name in enumerate(names)]
    )
    connection.execute(f"CREATE TEMP VIEW window_values AS SELECT {view or '1 AS u'} FROM {reader}")
    row = connection.execute(f"SELECT {', '.join(aggregates)} FROM window_values").fetchone()
    assert row is not None
    rows = int(row[0])
    profile_columns: dict[str, ColumnProfile] = {}
    position = 1
    for name in names:
        kind = typed[name]
        if kind == "numeric":
            nulls, invalid, low, high, buckets = row[position : position + 5]
            position += 5
            column = ColumnProfile(name, "numeric", nulls=int(nulls), invalid=int(invalid))
            column.minimum = None if low is None else float(low)
            column.maximum = None if high is None else float(high)
            column.buckets = {int(k): int(v) for k, v in (buckets or {}).items()}
            column.count = sum(column.buckets.values())
        else:
            nulls, values = row[position : position + 2]
            position += 2
            column = ColumnProfile(name, "categorical", nulls=int(nulls))
            counted = {str(k): int(v) for k, v in (values or {}).items()}
            column.count = sum(counted.values())
            if len(counted) > MAX_CATEGORIES:
                column.truncated = True
            else:
                column.values = counted
        profile_columns[name] = column
    recorded.rows = rows
    return Profile(subject, [recorded], rows, profile_columns)


def _as_double(name: str, stored: str) -> str:
    column = quoted_name(name)
    if stored in ("int", "float"):
        return f"CAST({column} AS DOUBLE)"
    if stored == "bool":
        return f"CAST(CAST({column} AS INTEGER) AS DOUBLE)"
    return f"TRY_CAST({column} AS DOUBLE)"


def _aggregates(index: int, name: str, kind: Kind, stored: str) -> list[str]:
    value, original = f"v{index}", f"o{index}"
    missing = (
        f"({original} IS NULL OR isnan({value}))" if stored == "float" else (f"{original} IS NULL")
    )
    if kind == "numeric":
        usable = f"(NOT {missing} AND isfinite({value}))"
        return [
            f"count(*) FILTER (WHERE {missing})",
            f"count(*) FILTER (WHERE NOT {missing} AND ({value} IS NULL OR NOT isfinite({value})))",
            f"min({value}) FILTER (WHERE {usable})",
            f"max({value}) FILTER (WHERE {usable})",
            f"histogram({sketch.bucket_sql(value)}) FILTER (WHERE {usable})",
        ]
    text = original if stored == "text" else f"CAST({original} AS VARCHAR)"
    return [
        f"count(*) FILTER (WHERE {missing})",
        f"histogram({text}) FILTER (WHERE NOT {missing})",
    ]


def _inferred(
    connection: duckdb.DuckDBPyConnection,
    reader: str,
    names: list[str],
    stored: Mapping[str, str],
) -> dict[str, Kind]:
    """Numeric when stored as numbers, or when every text value present parses as a
    finite number (and one is present); categorical otherwise."""
    kinds: dict[str, Kind] = {}
    asked: list[str] = []
    for name in names:
        if stored[name] in ("int", "float"):
            kinds[name] = "numeric"
        elif stored[name] == "text":
            asked.append(name)
        else:
            kinds[name] = "categorical"
    if asked:
        checks = ", ".join(
            f"count({quoted_name(n)}) > 0 AND count(*) FILTER (WHERE {quoted_name(n)} IS NOT "
            f"NULL AND NOT coalesce(isfinite(TRY_CAST({quoted_name(n)} AS DOUBLE)), false)) = 0"
            for n in asked
        )
        row = connection.execute(f"SELECT {checks} FROM {reader}").fetchone()
        assert row is not None
        for name, numeric in zip(asked, row, strict=True):
            kinds[name] = "numeric" if numeric else "categorical"
    return kinds
