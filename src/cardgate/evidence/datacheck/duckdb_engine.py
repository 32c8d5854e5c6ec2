"""Measure a data file with DuckDB, streamed: for files larger than memory.

The same statistics as `pandas_engine`, as one aggregate query over the file (one pass),
plus one small query per clause that is broken, for its example values: the queries of
`statistics_sql`, run as written. DuckDB keeps
within `memory_limit` and spills to a temporary folder when it must.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from cardgate.core.errors import CardgateError, ConfigurationError
from cardgate.core.paths import glob_literal
from cardgate.documents.schemas.contract import ColumnContract, DataContract
from cardgate.evidence.datacheck.source import DataSource, read_error
from cardgate.evidence.datacheck.statistics_sql import (
    StatisticsQuery,
    full_match_pattern,
    measure_with,
    quoted_text,
)
from cardgate.evidence.datacheck.stats import PhysicalKind, TableStats
from cardgate.evidence.evaluation.delta_table import duckdb_rows

_SQL_BUGS = (
    duckdb.BinderException,
    duckdb.ParserException,
    duckdb.CatalogException,
    duckdb.InternalException,
)


def measure(
    source: DataSource, contract: DataContract, *, memory_limit: str | None = None
) -> TableStats:
    """Stream `source` through DuckDB and measure every column the contract names."""
    source.parquet_files("duckdb")  # a Delta table it cannot read: refused here
    with open_connection(memory_limit) as connection:
        try:
            return _measure(connection, source, contract)
        except duckdb.Error as error:
            if isinstance(error, _SQL_BUGS):
                raise  # a bug in the SQL below, not a property of the file
            message = str(error).strip().splitlines()[0] if str(error).strip() else ""
            if isinstance(error, duckdb.OutOfMemoryException):
                raise CardgateError(
                    f"{source.display}: DuckDB ran out of memory: {message}",
                    hint="raise --memory-limit (distinct counts of unique columns need the most)",
                ) from error
            raise read_error(source, error) from error


@contextmanager
def open_connection(memory_limit: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection set up as every data-file query needs it: spilling
    to a private temporary folder, UTC, NaN-safe, and within `memory_limit`."""
    spill = tempfile.mkdtemp(prefix="cardgate-duckdb-")
    connection = duckdb.connect(":memory:")
    try:
        connection.execute(f"SET temp_directory = {quoted_text(spill)}")
        connection.execute("SET preserve_insertion_order = false")
        connection.execute("SET TimeZone = 'UTC'")
        # Parquet statistics ignore NaN, and DuckDB 2.0 folds `isnan(x)` to false (and
        # prunes row groups) from them: NaN values would go uncounted as missing.
        connection.execute("SET disabled_optimizers = 'statistics_propagation,filter_pushdown'")
        if memory_limit is not None:
            try:
                connection.execute(f"SET memory_limit = {quoted_text(memory_limit)}")
            except duckdb.Error as error:
                raise ConfigurationError(
                    f"--memory-limit: '{memory_limit}' is not a memory size",
                    hint="write it like 512MB or 2GB",
                ) from error
        yield connection
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)


def reader_sql(source: DataSource) -> str:
    """The table function that reads `source` (a CSV file: every column as text, named
    from its header; a Delta table: its version's Parquet files, which the caller has
    had `DataSource.parquet_files` accept, with its partition values; monitoring's
    profiles read through it too)."""
    if source.table is not None:
        return duckdb_rows(source.table.files, source.table)
    path = quoted_text(glob_literal(source.path))
    if source.format == "parquet":
        return f"read_parquet({path}, hive_partitioning = false)"
    compression = quoted_text(source.compression or "none")
    # The columns named from the header, not sniffed: a row with more or fewer fields is
    # an error naming its line (the rule of `source`), as in the pandas engine.
    columns = ", ".join(f"{quoted_text(name)}: 'VARCHAR'" for name in source.csv_header())
    return (
        f"read_csv({path}, header = true, auto_detect = false, columns = {{{columns}}}, "
        f"delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
        f"null_padding = false, compression = {compression}, hive_partitioning = false)"
    )


INTEGER_TYPES = frozenset(
    {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
    }
)
"""The names of DuckDB's integer types."""


def physical_kind(type_name: str) -> PhysicalKind:
    upper = type_name.upper()
    if upper == "BOOLEAN":
        return "bool"
    if upper.rstrip("0123456789") in INTEGER_TYPES:
        return "int"
    if upper in {"FLOAT", "DOUBLE", "REAL"} or upper.startswith("DECIMAL"):
        return "float"
    if upper == "DATE" or upper.startswith("TIMESTAMP"):
        return "temporal"
    if upper == "VARCHAR" or upper.startswith("ENUM"):
        return "text"
    return "other"


def stored_kinds(
    connection: duckdb.DuckDBPyConnection, source: DataSource
) -> dict[str, PhysicalKind]:
    """How the file stores each column, in its order, as DuckDB reads its schema."""
    described = connection.execute(f"DESCRIBE SELECT * FROM {reader_sql(source)}").fetchall()
    return {str(row[0]): physical_kind(str(row[1])) for row in described}


def _measure(
    connection: duckdb.DuckDBPyConnection, source: DataSource, contract: DataContract
) -> TableStats:
    kinds = stored_kinds(connection, source)
    check_patterns(connection, [column for column in contract.columns if column.name in kinds])
    query = StatisticsQuery(contract, list(kinds), kinds, reader_sql(source))
    return measure_with(lambda sql: connection.execute(sql).fetchall(), query)


def check_patterns(connection: duckdb.DuckDBPyConnection, columns: list[ColumnContract]) -> None:
    """`ConfigurationError` for a pattern of `columns` that is not RE2 syntax (what the
    contract allows, whichever engine then matches it)."""
    for column in columns:
        if column.pattern is not None:
            _check_pattern(connection, column)


def _check_pattern(connection: duckdb.DuckDBPyConnection, column: ColumnContract) -> None:
    assert column.pattern is not None
    try:
        connection.execute(
            f"SELECT regexp_full_match('', {quoted_text(column.pattern)})"
        ).fetchall()
    except duckdb.Error as error:
        raise ConfigurationError(
            f"column '{column.name}': pattern '{column.pattern}' is not RE2 syntax",
            hint="avoid look-arounds and back-references in contract patterns",
        ) from error


def pattern_matches(column: ColumnContract, values: list[str]) -> set[str]:
    """Those of `values` that the column's pattern matches whole, as the statistics query
    of this engine (and Spark's) judges it: RE2, in time linear in the value whatever the
    pattern, anchored by `full_match_pattern`. For the pandas engine: Python's `re`
    backtracks (`(a|\\S+\\s?)+X` on one 55-character value kept check-data and
    gate --release busy for hours), reads look-arounds RE2 refuses, and its `\\d` matches
    every script's digits where RE2's matches 0-9: the engines disagreed."""
    import pyarrow as pa

    assert column.pattern is not None
    anchored = quoted_text(full_match_pattern(column.pattern))
    with open_connection(None) as connection:
        check_patterns(connection, [column])
        connection.register("cardgate_values", pa.table({"v": pa.array(values, pa.string())}))
        rows = connection.execute(
            f"SELECT v FROM cardgate_values WHERE regexp_matches(v, {anchored})"
        ).fetchall()
    return {row[0] for row in rows}
