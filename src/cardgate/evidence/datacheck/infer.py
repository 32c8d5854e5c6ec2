"""Infer a data contract from a data file: what `cardgate new datasheet --from` drafts.

One streamed DuckDB pass (so files larger than memory work, as for `check-data`):
DuckDB detects each column's type from the whole file (not a sample), then one aggregate
query measures, per column, missing values (NULL, and NaN for floating-point columns —
what `check-data` counts as missing), the range of numbers and dates, and the distinct
values of text columns with few of them (which become categories). The file's SHA-256 is
the fingerprint the datasheet pins.

The result describes the file as it is: a contract drafted from it holds for it, and
`cardgate check-data` passes on the same file (a test holds the two together). Tightening
or loosening the limits is the author's decision.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from cardgate.core.digests import file_sha256
from cardgate.core.errors import CardgateError, InputError
from cardgate.core.paths import glob_literal
from cardgate.documents.schemas.contract import ColumnType
from cardgate.evidence.datacheck.duckdb_engine import INTEGER_TYPES, open_connection
from cardgate.evidence.datacheck.source import DataSource, open_source
from cardgate.evidence.datacheck.statistics_sql import quoted_name, quoted_text
from cardgate.evidence.datacheck.stats import json_value

MAX_CATEGORIES = 50
"""A text column with at most this many distinct values (and repeats) is a category."""


@dataclass(frozen=True)
class ColumnProfile:
    """What one column of the file holds."""

    name: str
    type: ColumnType
    nulls: int
    minimum: int | float | str | None = None
    maximum: int | float | str | None = None
    categories: tuple[str, ...] | None = None
    distinct: int | None = None


@dataclass(frozen=True)
class DataProfile:
    """What a data file holds, column by column, and its fingerprint."""

    path: Path
    format: str
    rows: int
    sha256: str
    columns: tuple[ColumnProfile, ...]

    def null_rate(self, column: ColumnProfile) -> float:
        return column.nulls / self.rows if self.rows else 0.0


def profile_file(path: Path, *, memory_limit: str | None = None) -> DataProfile:
    """Measure `path` (CSV, CSV.gz or Parquet) in one streamed DuckDB pass."""
    source = open_source(path, option="--from")
    if source.table is not None:
        raise InputError(
            f"{source.display}: a datasheet is drafted from a CSV or Parquet file, not a "
            "Delta table",
            hint="draft it from one Parquet file of the table's rows, then set "
            "contract.path to the table's folder",
        )
    if source.format == "csv":
        _check_header(source)
    with open_connection(memory_limit) as db:
        try:
            rows, columns = _profile(db, source)
        except duckdb.Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            if isinstance(error, duckdb.OutOfMemoryException):
                raise CardgateError(
                    f"{source.display}: DuckDB ran out of memory: {first}",
                    hint="raise the memory limit",
                ) from error
            raise InputError(
                f"{source.display}: cannot read the {source.suffix} file: {first}",
                hint="is the file complete and really " + source.suffix + "? re-export it",
            ) from error
    return DataProfile(path, source.suffix, rows, file_sha256(path), tuple(columns))


def _check_header(source: DataSource) -> None:
    """`InputError` at the header's line and column for a name check-data would not find
    as DuckDB drafts it: DuckDB trims spaces around names, renames a repeated name
    (`id_1`); check-data reads the names as written. An empty name is refused by
    `csv_header` itself, for every reader."""
    names = source.csv_header()
    seen: set[str] = set()
    offset = 1
    for number, name in enumerate(names, start=1):
        where = f"{source.display}:1:{offset}"
        offset += len(name) + 1  # exact where no name is quoted
        if name != name.strip():
            problem = f"column {number}'s name {name!r} has spaces around it"
        elif name in seen:
            problem = f"column {number}'s name {name!r} repeats an earlier column's"
        else:
            seen.add(name)
            continue
        raise InputError(
            f"{where}: {problem}: a contract names each column as the header writes it",
            hint="give every column a unique name without spaces around it, then draft again",
        )


def _reader(source: DataSource) -> str:
    path = quoted_text(glob_literal(source.path))
    if source.format == "parquet":
        return f"read_parquet({path}, hive_partitioning = false)"
    compression = quoted_text(source.compression or "none")
    # The whole file decides each column's type: a late value that does not fit a type
    # guessed from a sample would make the drafted contract fail on its own file.
    return (
        f"read_csv({path}, header = true, delim = ',', quote = '\"', escape = '\"', "
        f"compression = {compression}, sample_size = -1, hive_partitioning = false)"
    )


def _contract_type(duckdb_type: str) -> ColumnType | None:
    upper = duckdb_type.upper()
    if upper == "BOOLEAN":
        return "boolean"
    if upper in INTEGER_TYPES:
        return "integer"
    if upper in {"FLOAT", "DOUBLE", "REAL"} or upper.startswith("DECIMAL"):
        return "number"
    if upper == "DATE":
        return "date"
    if upper.startswith("TIMESTAMP"):
        return "datetime"
    if upper == "VARCHAR" or upper.startswith("ENUM"):
        return "string"
    return None


def _profile(db: duckdb.DuckDBPyConnection, source: DataSource) -> tuple[int, list[ColumnProfile]]:
    reader = _reader(source)
    described = db.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    plan: list[tuple[str, str, ColumnType | None]] = [
        (str(row[0]), str(row[1]).upper(), _contract_type(str(row[1]))) for row in described
    ]
    aggregates = ["count(*)"]
    for index, (name, physical, kind) in enumerate(plan):
        column = quoted_name(name)
        floating = physical in {"FLOAT", "DOUBLE", "REAL"}
        missing = f"{column} IS NULL" + (f" OR isnan({column})" if floating else "")
        present = f"NOT ({missing})"
        aggregates.append(f"count(*) FILTER (WHERE {missing}) AS n{index}")
        if kind in ("integer", "number", "date", "datetime"):
            aggregates.append(f"min({column}) FILTER (WHERE {present}) AS lo{index}")
            aggregates.append(f"max({column}) FILTER (WHERE {present}) AS hi{index}")
        if kind == "string":
            aggregates.append(f"count(DISTINCT {column}) AS d{index}")
    row = db.execute(f"SELECT {', '.join(aggregates)} FROM {reader}").fetchone()
    assert row is not None
    values = iter(row)
    rows = int(next(values))
    columns = []
    for name, physical, kind in plan:
        nulls = int(next(values))
        if kind is None:
            raise InputError(
                f"{source.display}: column '{name}' is of type {physical}, which a data "
                "contract cannot describe",
                hint="export it as text, a number, a boolean or a date",
            )
        if kind in ("integer", "number", "date", "datetime"):
            low, high = next(values), next(values)
            columns.append(ColumnProfile(name, kind, nulls, _bound(low, kind), _bound(high, kind)))
        elif kind == "string":
            distinct = int(next(values))
            filled = rows - nulls
            categories = None
            if 0 < distinct <= MAX_CATEGORIES and distinct < filled:
                found = db.execute(
                    f"SELECT DISTINCT {quoted_name(name)} AS v FROM {reader} "
                    "WHERE v IS NOT NULL ORDER BY v"
                ).fetchall()
                categories = tuple(str(value[0]) for value in found)
            kind_now: ColumnType = "category" if categories else "string"
            columns.append(
                ColumnProfile(name, kind_now, nulls, categories=categories, distinct=distinct)
            )
        else:
            columns.append(ColumnProfile(name, kind, nulls))
    return rows, columns


def _bound(value: Any, kind: str) -> int | float | str | None:
    """A measured minimum or maximum as the contract writes it; None for no finite bound."""
    if isinstance(value, decimal.Decimal):
        value = float(value)
    converted = json_value(value, kind)
    if isinstance(converted, bool) or converted is None:
        return None
    if kind in ("integer", "number") and not isinstance(converted, int | float):
        return None  # an infinity, which json_value writes as text
    if isinstance(converted, float) and not math.isfinite(converted):
        return None
    return converted
