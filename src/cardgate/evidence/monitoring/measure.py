"""Measure a data file into a `Profile` with DuckDB: one aggregate query, one pass
(``--engine spark``: `spark_measure`, the same profile from Spark).

Each numeric column is read as a DOUBLE (a CSV's text parsed; a value that is not a
finite number is `invalid`, NaN is missing, text that is no number refused: `numbers`)
and counted in the buckets of `sketch`; each categorical column is read as text and
every value counted. DuckDB streams the file within `memory_limit` (files larger than
memory) and uses every core.

A column's kind comes from the caller (the datasheet's contract, the model card's
columns, or the reference profile for a window); a column nobody typed is numeric when
every value present parses as a number, else categorical (one more pass, only then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb

from cardgate.core.errors import CardgateError
from cardgate.evidence.datacheck.duckdb_engine import open_connection, reader_sql, stored_kinds
from cardgate.evidence.datacheck.source import (
    PROFILE_WITH_PARQUET,
    DataSource,
    read_error,
    require_utf8,
)
from cardgate.evidence.datacheck.statistics_sql import quoted_name
from cardgate.evidence.monitoring.numbers import refuse_text
from cardgate.evidence.monitoring.profile import ColumnProfile, Kind, Profile, SourceRecord
from cardgate.evidence.monitoring.profile_sql import (
    COLUMNS_PER_SCAN,
    bucket,
    categorical_column,
    check_columns,
    infer_kinds,
    invalid,
    missing,
    numeric_column,
    settle,
    text,
    usable,
    view_sql,
)

ENGINES = ("duckdb", "spark")
"""What measures a profile: DuckDB (streamed, larger than memory) or Spark (Parquet)."""

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
    engine: str = "duckdb",
    master: str | None = None,
) -> Profile:
    """The profile of `source`'s `columns` (default: every column of the file).

    `kinds` types the columns it names; the others are inferred. A column asked for but
    absent from the file is an InputError naming the file and the column.
    `recorded.rows` is filled in from the count. `engine` "spark" measures a Parquet
    file with Spark (`spark_measure`; `master`: where it runs), else DuckDB does.
    """
    if engine == "spark":
        from cardgate.evidence.monitoring.spark_measure import measure_profile_spark

        return measure_profile_spark(
            source, subject=subject, recorded=recorded, kinds=kinds, columns=columns, master=master
        )
    wanted = None if columns is None else list(dict.fromkeys(columns))
    source.parquet_files("duckdb", instead=PROFILE_WITH_PARQUET)
    with open_connection(memory_limit) as connection:
        try:
            return _measure(connection, source, subject, recorded, kinds, wanted)
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
    stored: dict[str, str] = dict(stored_kinds(connection, source))
    names = list(stored) if wanted is None else list(dict.fromkeys(wanted))
    check_columns(source, names, stored)
    require_utf8(source, names)
    if source.format != "parquet" and source.table is None and len(names) > COLUMNS_PER_SCAN:
        # every scan would parse the whole file: parse it once (DuckDB spills the table
        # to its temporary folder past the memory limit)
        columns = ", ".join(quoted_name(name) for name in names)
        connection.execute(f"CREATE TEMP TABLE source_rows AS SELECT {columns} FROM {reader}")
        reader = "source_rows"
    typed = {name: kinds[name] for name in names if name in kinds}
    untyped = [name for name in names if name not in typed]
    if untyped:
        typed.update(
            infer_kinds(lambda sql: connection.execute(sql).fetchone(), reader, untyped, stored)
        )
    view = view_sql(names, typed, stored)
    connection.execute(f"CREATE TEMP VIEW window_values AS SELECT {view} FROM {reader}")
    rows = 0
    parts: dict[int, Sequence[Any]] = {}
    # a few columns a scan (`COLUMNS_PER_SCAN`)
    for first in range(0, max(len(names), 1), COLUMNS_PER_SCAN):
        chunk = range(first, min(first + COLUMNS_PER_SCAN, len(names)))
        aggregates = ["count(*)"]
        for index in chunk:
            aggregates.extend(_aggregates(index, typed[names[index]], stored[names[index]]))
        projection = view_sql([names[index] for index in chunk], typed, stored, first)
        row = connection.execute(
            f"SELECT {', '.join(aggregates)} FROM (SELECT {projection} FROM {reader})"
        ).fetchone()
        assert row is not None
        rows = int(row[0])
        position = 1
        for index in chunk:
            width = 5 if typed[names[index]] == "numeric" else 2
            parts[index] = row[position : position + width]
            position += width
    profile_columns: dict[str, ColumnProfile] = {}
    buckets = {
        i: {int(k): int(v) for k, v in (parts[i][4] or {}).items()}
        for i, name in enumerate(names)
        if typed[name] == "numeric"
    }
    settle(
        buckets,
        [stored[name] for name in names],
        "window_values",
        lambda sql: connection.execute(sql).fetchall(),
    )
    for index, name in enumerate(names):
        if typed[name] == "numeric":
            nulls, bad, low, high, _ = parts[index]
            column = numeric_column(name, nulls, bad, low, high, buckets[index])
        else:
            nulls, values = parts[index]
            column = categorical_column(name, nulls, values or {})
        profile_columns[name] = column
    refuse_text(
        source,
        names,
        profile_columns,
        "window_values",
        lambda sql: connection.execute(sql).fetchall(),
    )
    recorded.rows = rows
    return Profile(subject, [recorded], rows, profile_columns)


def _aggregates(index: int, kind: Kind, stored: str) -> list[str]:
    """The aggregates of column `index`: each counts or collects only the rows its
    condition holds for by a CASE that is NULL elsewhere, which every aggregate skips —
    what FILTER (WHERE ...) says, but DuckDB evaluates a FILTER per aggregate, and 200 of
    them over 50 columns took 3.3× as long as the CASEs (benchmarks/README.md)."""
    if kind == "numeric":
        usable_value = usable(index, stored)
        return [
            _count(missing(index, stored)),
            _count(invalid(index, stored)),
            f"min(CASE WHEN {usable_value} THEN v{index} END)",
            f"max(CASE WHEN {usable_value} THEN v{index} END)",
            f"histogram(CASE WHEN {usable_value} THEN {bucket(index)} END)",
        ]
    return [
        _count(missing(index, stored)),
        f"histogram(CASE WHEN NOT {missing(index, stored)} THEN {text(index, stored)} END)",
    ]


def _count(condition: str) -> str:
    return f"count(CASE WHEN {condition} THEN 1 END)"
