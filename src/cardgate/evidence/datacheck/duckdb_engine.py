"""Measure a data file with DuckDB, streamed: for files larger than memory.

The same statistics as `pandas_engine`, as one aggregate query over the file (one pass),
plus one small query per clause that is broken, for its example values. DuckDB keeps
within `memory_limit` and spills to a temporary folder when it must.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from cardgate.core.errors import CardgateError, ConfigurationError
from cardgate.core.paths import glob_literal
from cardgate.documents.schemas.contract import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    ColumnContract,
    DataContract,
    parse_temporal_bound,
)
from cardgate.evidence.datacheck.source import DataSource, read_error
from cardgate.evidence.datacheck.stats import (
    COMPATIBLE,
    FALSE_WORDS,
    HIGHEST_EXAMPLES,
    LOWEST_EXAMPLES,
    TRUE_WORDS,
    ColumnStats,
    Offenders,
    PhysicalKind,
    TableStats,
    json_value,
    pick_examples,
)

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


def quoted_text(value: str) -> str:
    """`value` as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def quoted_name(value: str) -> str:
    """`value` as an SQL identifier."""
    return '"' + value.replace('"', '""') + '"'


def reader_sql(source: DataSource) -> str:
    """The table function that reads `source` (a CSV file: every column as text, named
    from its header; monitoring's profiles read through it too)."""
    path = quoted_text(glob_literal(source.path))
    if source.format == "parquet":
        return f"read_parquet({path})"
    compression = quoted_text(source.compression or "none")
    # The columns named from the header, not sniffed: a row with more or fewer fields is
    # an error naming its line (the rule of `source`), as in the pandas engine.
    columns = ", ".join(f"{quoted_text(name)}: 'VARCHAR'" for name in source.csv_header())
    return (
        f"read_csv({path}, header = true, auto_detect = false, columns = {{{columns}}}, "
        f"delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
        f"null_padding = false, compression = {compression})"
    )


def physical_kind(type_name: str) -> PhysicalKind:
    upper = type_name.upper()
    if upper == "BOOLEAN":
        return "bool"
    if upper.rstrip("0123456789") in {
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
    }:
        return "int"
    if upper in {"FLOAT", "DOUBLE", "REAL"} or upper.startswith("DECIMAL"):
        return "float"
    if upper == "DATE" or upper.startswith("TIMESTAMP"):
        return "temporal"
    if upper == "VARCHAR" or upper.startswith("ENUM"):
        return "text"
    return "other"


@dataclass
class _Plan:
    """SQL for one column: when it is missing, and its value as the contract's type."""

    contract: ColumnContract
    index: int
    kind: PhysicalKind
    missing: str
    parsed: str

    @property
    def original(self) -> str:
        return f"o{self.index}"

    @property
    def value(self) -> str:
        return f"p{self.index}"


def _plan(index: int, contract: ColumnContract, kind: PhysicalKind) -> _Plan:
    column = quoted_name(contract.name)
    missing = f"{column} IS NULL"
    kind_type = contract.type
    parsed = column
    if kind == "float":
        missing = f"({column} IS NULL OR isnan(CAST({column} AS DOUBLE)))"
    if kind_type in NUMERIC_TYPES:
        if kind == "text":
            number = (
                f"CASE WHEN contains({column}, '_') THEN NULL ELSE TRY_CAST({column} AS DOUBLE) END"
            )
        elif kind == "int" and kind_type == "integer":
            number = column
        else:
            number = f"CAST({column} AS DOUBLE)"
        parsed = (
            f"(CASE WHEN isnan({number}) THEN NULL ELSE {number} END)" if kind != "int" else number
        )
        if kind_type == "integer" and kind != "int":
            parsed = (
                f"(CASE WHEN isfinite({parsed}) AND {parsed} = floor({parsed}) THEN {parsed} END)"
            )
    elif kind_type == "boolean" and kind == "text":
        word = f"lower(trim({column}))"
        parsed = (
            f"(CASE WHEN {word} IN ({_list(TRUE_WORDS)}) THEN true "
            f"WHEN {word} IN ({_list(FALSE_WORDS)}) THEN false END)"
        )
    elif kind_type in TEMPORAL_TYPES:
        parsed = (
            f"TRY_CAST({column} AS TIMESTAMP)" if kind == "text" else f"CAST({column} AS TIMESTAMP)"
        )
    elif kind_type == "category" and kind == "int":
        parsed = f"CAST({column} AS VARCHAR)"
    return _Plan(contract, index, kind, missing, parsed)


def _list(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(quoted_text(value) for value in values)


def _literal(value: int | float | str, contract: ColumnContract) -> str:
    if contract.type in TEMPORAL_TYPES:
        return f"TIMESTAMP {quoted_text(parse_temporal_bound(str(value)).isoformat(sep=' '))}"
    return repr(value)


def _measure(
    connection: duckdb.DuckDBPyConnection, source: DataSource, contract: DataContract
) -> TableStats:
    described = connection.execute(f"DESCRIBE SELECT * FROM {reader_sql(source)}").fetchall()
    kinds = {str(row[0]): physical_kind(str(row[1])) for row in described}
    columns = [str(row[0]) for row in described]
    plans: list[_Plan] = []
    stats: dict[str, ColumnStats] = {}
    for column in contract.columns:
        if column.name not in kinds:
            continue
        kind = kinds[column.name]
        plan = _plan(len(plans), column, kind)
        plans.append(plan)
        stats[column.name] = ColumnStats(column.name, kind)
        if kind not in COMPATIBLE[column.type]:
            stats[column.name].wrong_type = True
        if column.pattern is not None:
            _check_pattern(connection, column)
    projection = (
        ", ".join(
            [f"{plan.missing} AS m{plan.index}" for plan in plans]
            + [f"{quoted_name(plan.contract.name)} AS {plan.original}" for plan in plans]
            + [
                f"{plan.parsed} AS {plan.value}"
                for plan in plans
                if not stats[plan.contract.name].wrong_type
            ]
        )
        or "1 AS unused"
    )
    connection.execute(f"CREATE TEMP VIEW checked AS SELECT {projection} FROM {reader_sql(source)}")
    aggregates = ["count(*)"]
    slots: list[tuple[_Plan, str]] = []
    for plan in plans:
        column_stats = stats[plan.contract.name]
        aggregates.append(f"count(*) FILTER (WHERE m{plan.index})")
        slots.append((plan, "nulls"))
        if column_stats.wrong_type:
            continue
        for name, expression in _aggregates(plan):
            aggregates.append(expression)
            slots.append((plan, name))
    row = connection.execute(f"SELECT {', '.join(aggregates)} FROM checked").fetchone()
    assert row is not None
    table = TableStats(rows=int(row[0]), columns=columns, stats=stats)
    measured: dict[tuple[int, str], Any] = {
        (plan.index, name): value for (plan, name), value in zip(slots, row[1:], strict=True)
    }
    for plan in plans:
        _fill(connection, plan, stats[plan.contract.name], measured)
    return table


def _check_pattern(connection: duckdb.DuckDBPyConnection, column: ColumnContract) -> None:
    assert column.pattern is not None
    try:
        connection.execute(f"SELECT regexp_full_match('', {quoted_text(column.pattern)})")
    except duckdb.Error as error:
        raise ConfigurationError(
            f"column '{column.name}': pattern '{column.pattern}' is not RE2 syntax",
            hint="avoid look-arounds and back-references in contract patterns",
        ) from error


def _conditions(plan: _Plan) -> dict[str, str]:
    """Each clause's offending rows, as a WHERE condition on the `checked` view."""
    contract, value = plan.contract, plan.value
    conditions = {"unparsable": f"NOT m{plan.index} AND {value} IS NULL"}
    if contract.min is not None:
        conditions["below_min"] = f"{value} < {_literal(contract.min, contract)}"
    if contract.max is not None:
        conditions["above_max"] = f"{value} > {_literal(contract.max, contract)}"
    if contract.allowed_values is not None:
        conditions["not_allowed"] = f"{value} NOT IN ({_list(contract.allowed_values)})"
    if contract.pattern is not None:
        conditions["pattern_mismatch"] = (
            f"NOT regexp_full_match({value}, {quoted_text(contract.pattern)})"
        )
    return conditions


def _aggregates(plan: _Plan) -> Iterator[tuple[str, str]]:
    contract, value = plan.contract, plan.value
    for name, condition in _conditions(plan).items():
        yield name, f"count(*) FILTER (WHERE {condition})"
    if contract.type in NUMERIC_TYPES or contract.type in TEMPORAL_TYPES:
        yield "minimum", f"min({value})"
        yield "maximum", f"max({value})"
    if contract.type in ("category", "boolean") or contract.unique:
        yield "distinct", f"count(DISTINCT {value})"
        yield "present", f"count({value})"


def _fill(
    connection: duckdb.DuckDBPyConnection,
    plan: _Plan,
    stats: ColumnStats,
    measured: dict[tuple[int, str], Any],
) -> None:
    contract = plan.contract
    stats.nulls = int(measured[(plan.index, "nulls")])
    if stats.wrong_type:
        return
    for name, condition in _conditions(plan).items():
        count = int(measured[(plan.index, name)])
        if count:
            shown = plan.original if name == "unparsable" else plan.value
            setattr(stats, name, _offenders(connection, shown, condition, count, contract.type))
    if (plan.index, "minimum") in measured:
        stats.minimum = json_value(measured[(plan.index, "minimum")], contract.type)
        stats.maximum = json_value(measured[(plan.index, "maximum")], contract.type)
    if (plan.index, "distinct") in measured:
        stats.distinct = int(measured[(plan.index, "distinct")])
    if contract.unique:
        assert stats.distinct is not None
        repeats = int(measured[(plan.index, "present")]) - stats.distinct
        if repeats:
            stats.duplicates = _duplicates(connection, plan.value, repeats, contract.type)


def _offenders(
    connection: duckdb.DuckDBPyConnection,
    shown: str,
    condition: str,
    count: int,
    column_type: str,
) -> Offenders:
    base = f"SELECT DISTINCT {shown} AS v FROM checked WHERE {condition}"
    return Offenders(count, _examples(connection, base, column_type))


def _duplicates(
    connection: duckdb.DuckDBPyConnection, value: str, count: int, column_type: str
) -> Offenders:
    base = (
        f"SELECT {value} AS v FROM checked WHERE {value} IS NOT NULL "
        f"GROUP BY {value} HAVING count(*) > 1"
    )
    return Offenders(count, _examples(connection, base, column_type))


def _examples(
    connection: duckdb.DuckDBPyConnection, base: str, column_type: str
) -> tuple[Any, ...]:
    lowest = connection.execute(
        f"SELECT v FROM ({base}) ORDER BY v LIMIT {LOWEST_EXAMPLES}"
    ).fetchall()
    highest = connection.execute(
        f"SELECT v FROM ({base}) ORDER BY v DESC LIMIT {HIGHEST_EXAMPLES}"
    ).fetchall()
    return pick_examples([row[0] for row in lowest], [row[0] for row in highest], column_type)
