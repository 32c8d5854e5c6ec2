"""A profile's measurement as SQL: the expressions every engine shares, and the portable
queries that engines without DuckDB's `histogram()` run.

Each profiled column i of the source is projected once (`view_sql`): `v{i}` its value as
a DOUBLE (numbers cast, booleans as 0/1, text parsed: what does not parse is NULL),
`o{i}` the value as stored, and for a numeric column `q{i}` = ln|v| / ln γ (`sketch`),
computed once per row and read by the bucket index. A value is *missing* when NULL (or
NaN, stored as a float), *invalid* when present but not a finite number, else *usable*.

DuckDB counts buckets and categories with `histogram()` in its one aggregate pass
(`measure`). Spark and the warehouses have no such map aggregate, so the portable form
is two queries over the view, written in DuckDB's dialect and transpiled by sqlglot:

- `scalars_sql`: one row — the rows, and per column its missing and invalid values,
  minimum and maximum (numeric) or its number of distinct values (categorical);
- `counts_sql`: one row per (column, bucket or value) with its count, by GROUPING SETS
  (one set per column), leaving out the categorical columns with more than
  `MAX_CATEGORIES` distinct values (`truncated`: only their missing values are kept).

`assemble` turns the two results into the `ColumnProfile`s DuckDB's pass gives (the
floating-point and temporal categories written as text by DuckDB: `named_keys`), and a
test runs both forms through DuckDB and compares them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cardgate.core.errors import InputError
from cardgate.evidence.datacheck.source import DataSource
from cardgate.evidence.datacheck.statistics_sql import quoted_name
from cardgate.evidence.monitoring import sketch
from cardgate.evidence.monitoring.profile import MAX_CATEGORIES, ColumnProfile, Kind


def check_columns(source: DataSource, names: Sequence[str], stored: Mapping[str, str]) -> None:
    """InputError naming the file and the columns asked for that it does not have."""
    missing = [name for name in names if name not in stored]
    if missing:
        raise InputError(
            f"{source.display}: no column {', '.join(repr(m) for m in missing)} "
            f"(the file has: {', '.join(stored) or 'none'})",
            hint="a window must have the reference's columns, named as in the reference",
        )


def as_double(name: str, stored: str) -> str:
    """SQL: the stored column as a DOUBLE (text parsed: NULL when it is not a number)."""
    column = quoted_name(name)
    if stored in ("int", "float"):
        return f"CAST({column} AS DOUBLE)"
    if stored == "bool":
        return f"CAST(CAST({column} AS INTEGER) AS DOUBLE)"
    if stored == "text":
        return f"TRY_CAST({column} AS DOUBLE)"
    # dates, times, lists...: never a number (DuckDB's TRY_CAST gives NULL; Spark's fails)
    return "CAST(NULL AS DOUBLE)"


def view_sql(
    names: Sequence[str], kinds: Mapping[str, Kind], stored: Mapping[str, str], first: int = 0
) -> str:
    """The projection every query reads: `v{i}`, `o{i}` and, numeric, `q{i}` (i counted
    from `first`: a scan's share of the columns keeps their indices)."""
    numbered = list(enumerate(names, start=first))
    parts = [f"{as_double(name, stored[name])} AS v{i}" for i, name in numbered]
    parts += [f"{quoted_name(name)} AS o{i}" for i, name in numbered]
    parts += [
        f"{sketch.quotient_sql(as_double(name, stored[name]))} AS q{i}"
        for i, name in numbered
        if kinds[name] == "numeric"
    ]
    return ", ".join(parts) or "1 AS u"


def missing(index: int, stored: str) -> str:
    """SQL: column `index`'s value is missing (NULL; NaN for a float column)."""
    if stored == "float":
        return f"(o{index} IS NULL OR isnan(v{index}))"
    return f"o{index} IS NULL"


def finite(index: int) -> str:
    return f"abs(v{index}) <= {sketch.LARGEST_SQL}"


def usable(index: int, stored: str) -> str:
    return f"(NOT {missing(index, stored)} AND {finite(index)})"


def invalid(index: int, stored: str) -> str:
    return f"(NOT {missing(index, stored)} AND (v{index} IS NULL OR NOT {finite(index)}))"


def bucket(index: int) -> str:
    return sketch.bucket_sql(f"v{index}", f"q{index}")


def settle(
    buckets: Mapping[int, dict[int, int]],
    stored: Sequence[str],
    table: str,
    fetch: Callable[[str], Sequence[Sequence[Any]]],
) -> None:
    """Bucket the `sketch.UNDECIDED` values (next to a boundary) of the numeric columns
    `buckets` (by column index; `stored` by column index) with `sketch.bucket_of`, in
    place: one more query, only when there are some, returns those rows."""
    undecided = [i for i, counts in buckets.items() if counts.pop(sketch.UNDECIDED, 0)]
    if not undecided:
        return
    keys = ", ".join(
        f"v{i}, CASE WHEN {usable(i, stored[i])} THEN {bucket(i)} END AS b{i}" for i in undecided
    )
    near = " OR ".join(f"b{i} = {sketch.UNDECIDED}" for i in undecided)
    columns = ", ".join(f"v{i}, b{i}" for i in undecided)
    for row in fetch(f"SELECT {columns} FROM (SELECT {keys} FROM {table}) WHERE {near}"):
        for position, i in enumerate(undecided):
            value, key = row[2 * position], row[2 * position + 1]
            if key is not None and int(key) == sketch.UNDECIDED:
                index = sketch.bucket_of(float(value))
                buckets[i][index] = buckets[i].get(index, 0) + 1


def text(index: int, stored: str) -> str:
    """SQL: a categorical column's value as text (how its categories are named)."""
    return f"o{index}" if stored == "text" else f"CAST(o{index} AS VARCHAR)"


_NAMED_AS_STORED = ("text", "int", "bool")
"""Stored kinds whose text every engine writes alike; the others (floating point, dates
and times, ...) are grouped by value and named by DuckDB (`named_keys`)."""


def category_key(index: int, stored: str) -> str:
    """SQL: a categorical column's value as the portable queries group it — as text, but
    a floating-point, temporal or other value as itself: engines write those as text
    differently (Spark '1.0E20' and '2024-01-01 10:00:00', DuckDB '1e+20' and
    '2024-01-01 10:00:00+00' for a UTC timestamp), so `named_keys` writes them as
    DuckDB's `histogram()` pass does."""
    return text(index, stored) if stored in _NAMED_AS_STORED else f"o{index}"


def named_keys(table: Any, typed: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows of `table` (`counts_sql`'s result as Arrow), the keys `typed` (columns
    grouped by value: `ProfileQueries.typed_keys`) written as text by DuckDB."""
    if not typed:
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))
    from cardgate.evidence.datacheck.duckdb_engine import open_connection

    with open_connection(None) as connection:  # its time zone: UTC
        connection.register("counted", table)
        columns = ", ".join(
            f"CAST({c} AS VARCHAR) AS {c}" if c in typed else c for c in table.column_names
        )
        return connection.execute(f"SELECT {columns} FROM counted").fetchall()


COLUMNS_PER_SCAN = 50
"""Columns one query measures: a query's memory grows faster than its columns (one over
200 columns of 50 rows took 1.3 GB, over 5,000 more than 24 GB), so a wide file is read
once per 50 columns (a CSV file, which every query would parse whole, is parsed once
into a temporary table first: `measure`)."""


def inferred_sql(names: Sequence[str], table: str) -> str:
    """One row: per text column, whether every value present parses as a finite number
    (and one is present)."""
    checks = []
    for name in names:
        column = quoted_name(name)
        parsed = f"TRY_CAST({column} AS DOUBLE)"
        checks.append(
            f"count({column}) > 0 AND count(*) FILTER (WHERE {column} IS NOT NULL AND NOT "
            f"coalesce(abs({parsed}) <= {sketch.LARGEST_SQL}, false)) = 0"
        )
    return f"SELECT {', '.join(checks)} FROM {table}"


def infer_kinds(
    fetch: Callable[[str], Sequence[Any] | None],
    table: str,
    names: list[str],
    stored: Mapping[str, str],
) -> dict[str, Kind]:
    """Numeric when stored as numbers, or when every text value present parses as a
    finite number (and one is present); categorical otherwise. `fetch` runs a query on
    the engine and returns its one row."""
    kinds: dict[str, Kind] = {}
    asked: list[str] = []
    for name in names:
        if stored[name] in ("int", "float"):
            kinds[name] = "numeric"
        elif stored[name] == "text":
            asked.append(name)
        else:
            kinds[name] = "categorical"
    for first in range(0, len(asked), COLUMNS_PER_SCAN):
        chunk = asked[first : first + COLUMNS_PER_SCAN]
        row = fetch(inferred_sql(chunk, table))
        assert row is not None
        for name, numeric in zip(chunk, row, strict=True):
            kinds[name] = "numeric" if numeric else "categorical"
    return kinds


@dataclass(frozen=True)
class ProfileQueries:
    """The portable queries for `names` (typed by `kinds`, stored as `stored`) over the
    relation `table` (a view holding `view_sql`)."""

    names: Sequence[str]
    kinds: Mapping[str, Kind]
    stored: Mapping[str, str]
    table: str

    def scalars_sql(self) -> str:
        aggregates = ["count(*)"]
        for i, name in enumerate(self.names):
            stored = self.stored[name]
            aggregates.append(f"count(*) FILTER (WHERE {missing(i, stored)})")
            if self.kinds[name] == "numeric":
                aggregates += [
                    f"count(*) FILTER (WHERE {invalid(i, stored)})",
                    f"min(v{i}) FILTER (WHERE {usable(i, stored)})",
                    f"max(v{i}) FILTER (WHERE {usable(i, stored)})",
                ]
            else:
                aggregates.append(
                    f"count(DISTINCT CASE WHEN NOT {missing(i, stored)} "
                    f"THEN {category_key(i, stored)} END)"
                )
        return f"SELECT {', '.join(aggregates)} FROM {self.table}"

    def counts_sql(self, truncated: set[str]) -> str | None:
        """One row per (column, key): the keys k{i} (one not NULL), then the count."""
        keys = []
        for i, name in enumerate(self.names):
            stored = self.stored[name]
            if self.kinds[name] == "numeric":
                keys.append(f"CASE WHEN {usable(i, stored)} THEN {bucket(i)} END AS k{i}")
            elif name not in truncated:
                keys.append(
                    f"CASE WHEN NOT {missing(i, stored)} THEN {category_key(i, stored)} END AS k{i}"
                )
        if not keys:
            return None
        columns = [key.rsplit(" AS ", 1)[1] for key in keys]
        sets = ", ".join(f"({column})" for column in columns)
        return (
            f"SELECT {', '.join(columns)}, count(*) AS n FROM (SELECT {', '.join(keys)} "
            f"FROM {self.table}) GROUP BY GROUPING SETS ({sets})"
        )

    def typed_keys(self, truncated: set[str]) -> list[str]:
        """`counts_sql`'s key columns grouped by value, to be named by `named_keys`."""
        return [
            f"k{i}"
            for i, name in enumerate(self.names)
            if self.kinds[name] == "categorical"
            and self.stored[name] not in _NAMED_AS_STORED
            and name not in truncated
        ]

    def truncated(self, scalars: Sequence[Any]) -> set[str]:
        """The categorical columns with more distinct values than a profile keeps."""
        return {
            name
            for name, (kind, values) in self._scalars(scalars).items()
            if kind == "categorical" and int(values[1]) > MAX_CATEGORIES
        }

    def _scalars(self, scalars: Sequence[Any]) -> dict[str, tuple[Kind, Sequence[Any]]]:
        parts: dict[str, tuple[Kind, Sequence[Any]]] = {}
        position = 1
        for name in self.names:
            kind = self.kinds[name]
            width = 4 if kind == "numeric" else 2
            parts[name] = (kind, scalars[position : position + width])
            position += width
        return parts

    def assemble(
        self, scalars: Sequence[Any], counts: Sequence[Sequence[Any]]
    ) -> dict[str, ColumnProfile]:
        """The columns' profiles from `scalars_sql`'s row and `counts_sql`'s rows."""
        truncated = self.truncated(scalars)
        counted = [n for n in self.names if self.kinds[n] == "numeric" or n not in truncated]
        keyed: dict[str, dict[Any, int]] = {name: {} for name in counted}
        for row in counts:
            found = [(i, key) for i, key in enumerate(row[:-1]) if key is not None]
            if len(found) == 1:  # else the NULL key: the rows not counted
                keyed[counted[found[0][0]]][found[0][1]] = int(row[-1])
        columns: dict[str, ColumnProfile] = {}
        for name, (kind, values) in self._scalars(scalars).items():
            if kind == "numeric":
                nulls, invalid_values, low, high = values
                columns[name] = numeric_column(name, nulls, invalid_values, low, high, keyed[name])
            elif name in truncated:
                column = ColumnProfile(name, "categorical", nulls=int(values[0]), truncated=True)
                column.count = int(scalars[0]) - column.nulls
                columns[name] = column
            else:
                columns[name] = categorical_column(name, values[0], keyed[name])
        return columns


def numeric_column(
    name: str, nulls: Any, invalid_values: Any, low: Any, high: Any, buckets: Mapping[Any, Any]
) -> ColumnProfile:
    column = ColumnProfile(name, "numeric", nulls=int(nulls), invalid=int(invalid_values))
    column.minimum = None if low is None else float(low)
    column.maximum = None if high is None else float(high)
    column.buckets = {int(k): int(v) for k, v in buckets.items()}
    column.count = sum(column.buckets.values())
    return column


def categorical_column(name: str, nulls: Any, values: Mapping[Any, Any]) -> ColumnProfile:
    """Truncated (its values not kept) past `MAX_CATEGORIES` distinct values."""
    column = ColumnProfile(name, "categorical", nulls=int(nulls))
    counted = {str(k): int(v) for k, v in values.items()}
    column.count = sum(counted.values())
    if len(counted) > MAX_CATEGORIES:
        column.truncated = True
    else:
        column.values = counted
    return column
