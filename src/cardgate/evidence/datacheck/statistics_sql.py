"""The data check's statistics as SQL: one source, in DuckDB's dialect, for every engine.

A contract's statistics are one aggregate query over the file (one pass: rows, and per
column its nulls, unparsable values, range, allowed values, pattern, distinct count),
plus one small query per broken clause for its example values. The queries read the
rows through `checked`, a projection that gives each column its missing flag (`m0`), its
original value (`o0`) and its value parsed as the contract's type (`p0`).

`duckdb_engine` runs them as written; `spark_engine` runs them transpiled by sqlglot into
Spark's dialect; `cardgate sql --dataset` prints the aggregate one for a warehouse. So
the SQL is written once, in the functions every dialect has (no FILTER clause, no
``isfinite``, no ``regexp_full_match``), and `measure_with` turns the rows any of them
returns into the engine-neutral `TableStats` that the clauses judge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cardgate.documents.schemas.contract import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    ColumnContract,
    DataContract,
    parse_temporal_bound,
)
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

Run = Callable[[str], Sequence[Sequence[Any]]]
"""Runs one query (DuckDB's dialect) where the data is; returns its rows."""

FINGERPRINT = "query_fingerprint"
"""The printed warehouse query's first column: `StatisticsQuery.fingerprint`."""

LARGEST_DOUBLE = "1.7976931348623157e308"
"""A finite double is at most this in magnitude (a portable ``isfinite``)."""

NATURAL_KINDS: dict[str, PhysicalKind] = {
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "date": "temporal",
    "datetime": "temporal",
    "string": "text",
    "category": "text",
}
"""How a warehouse table stores each contract type, assumed by the printed query."""


def quoted_text(value: str) -> str:
    """`value` as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def quoted_name(value: str) -> str:
    """`value` as an SQL identifier."""
    return '"' + value.replace('"', '""') + '"'


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

    @property
    def measurable(self) -> bool:
        """The stored type can hold the contract's type (else only nulls are counted)."""
        return self.kind in COMPATIBLE[self.contract.type]


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
                f"(CASE WHEN abs({parsed}) <= {LARGEST_DOUBLE} AND round({parsed}) = {parsed} "
                f"THEN {parsed} END)"
            )
    elif kind_type == "boolean" and kind == "text":
        word = f"lower(trim({column}))"
        parsed = (
            f"(CASE WHEN {word} IN ({_list(TRUE_WORDS)}) THEN true "
            f"WHEN {word} IN ({_list(FALSE_WORDS)}) THEN false END)"
        )
    elif kind_type in TEMPORAL_TYPES:
        # text padded with spaces is not a date (DuckDB's rule; Spark would trim it)
        parsed = (
            f"(CASE WHEN {column} = trim({column}) THEN TRY_CAST({column} AS TIMESTAMP) END)"
            if kind == "text"
            else f"CAST({column} AS TIMESTAMP)"
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


def full_match_pattern(pattern: str, end: str = "\\z") -> str:
    """`pattern` anchored to the whole value, as every dialect's partial-match function
    reads it (`end` ``\\z``, not ``$``: Java's ``$`` also matches before a final newline;
    ``$`` for the POSIX dialects, which have no ``\\z`` and whose ``$`` is the end)."""
    return f"^(?:{pattern}){end}"


POSIX_END = {"postgres": "$", "snowflake": "$"}


@dataclass
class StatisticsQuery:
    """The queries of one contract over one table of rows (`source`: a table name or a
    table function, in DuckDB's dialect)."""

    contract: DataContract
    columns: list[str]
    kinds: dict[str, PhysicalKind]
    source: str
    end: str = "\\z"
    """How a pattern's match is anchored at the end of the value (`full_match_pattern`)."""

    def __post_init__(self) -> None:
        self.plans = [
            _plan(index, column, self.kinds[column.name])
            for index, column in enumerate(c for c in self.contract.columns if c.name in self.kinds)
        ]

    @property
    def checked(self) -> str:
        """The rows as the queries read them: a subquery named `checked`."""
        projection = (
            ", ".join(
                [f"{plan.missing} AS m{plan.index}" for plan in self.plans]
                + [f"{quoted_name(plan.contract.name)} AS {plan.original}" for plan in self.plans]
                + [f"{plan.parsed} AS {plan.value}" for plan in self.plans if plan.measurable]
            )
            or "1 AS unused"
        )
        return f"(SELECT {projection} FROM {self.source}) AS checked"

    def slots(self) -> list[tuple[_Plan, str, str]]:
        """(column plan, statistic, aggregate expression), in the aggregate query's order
        after its first column, the row count."""
        found: list[tuple[_Plan, str, str]] = []
        for plan in self.plans:
            found.append((plan, "nulls", _count_if(f"m{plan.index}")))
            if plan.measurable:
                found.extend(
                    (plan, name, expression) for name, expression in _aggregates(plan, self.end)
                )
        return found

    def result_names(self) -> list[str]:
        """The aggregate query's result columns, in order: ``n_rows``, then
        ``<statistic>_<column index>`` for each of `slots` (the printed legend's names)."""
        return ["n_rows"] + [f"{name}_{plan.index}" for plan, name, _ in self.slots()]

    def fingerprint(self) -> str:
        """16 hex digits of the SHA-256 of the aggregate pass (DuckDB's dialect, over
        `source`): the printed warehouse query returns it as `query_fingerprint`, so that a
        saved result names the version of the contract's query that computed it."""
        return hashlib.sha256(self.aggregate_sql().encode("utf-8")).hexdigest()[:16]

    def aggregate_sql(self) -> str:
        """The one pass: row count, then every statistic of `slots`, as one row."""
        expressions = ["count(*)"] + [expression for _, _, expression in self.slots()]
        aggregates = [
            f"{expression} AS {name}"
            for expression, name in zip(expressions, self.result_names(), strict=True)
        ]
        return f"SELECT {', '.join(aggregates)} FROM {self.checked}"


def _count_if(condition: str) -> str:
    return f"count(CASE WHEN {condition} THEN 1 END)"


def _conditions(plan: _Plan, end: str) -> dict[str, str]:
    """Each clause's offending rows, as a condition on `checked`."""
    contract, value = plan.contract, plan.value
    conditions = {"unparsable": f"NOT m{plan.index} AND {value} IS NULL"}
    if contract.min is not None:
        conditions["below_min"] = f"{value} < {_literal(contract.min, contract)}"
    if contract.max is not None:
        conditions["above_max"] = f"{value} > {_literal(contract.max, contract)}"
    if contract.allowed_values is not None:
        conditions["not_allowed"] = f"{value} NOT IN ({_list(contract.allowed_values)})"
    if contract.pattern is not None:
        anchored = quoted_text(full_match_pattern(contract.pattern, end))
        conditions["pattern_mismatch"] = f"NOT regexp_matches({value}, {anchored})"
    return conditions


def _aggregates(plan: _Plan, end: str) -> Iterator[tuple[str, str]]:
    contract, value = plan.contract, plan.value
    for name, condition in _conditions(plan, end).items():
        yield name, _count_if(condition)
    if contract.type in NUMERIC_TYPES or contract.type in TEMPORAL_TYPES:
        yield "minimum", f"min({value})"
        yield "maximum", f"max({value})"
    if contract.type in ("category", "boolean") or contract.unique:
        yield "distinct", f"count(DISTINCT {value})"
        yield "present", f"count({value})"


def measure_with(run: Run, query: StatisticsQuery) -> TableStats:
    """Run `query`'s aggregate pass (and the example queries of broken clauses) with
    `run`, and read the results into `TableStats`."""
    stats = {
        plan.contract.name: ColumnStats(
            plan.contract.name, plan.kind, wrong_type=not plan.measurable
        )
        for plan in query.plans
    }
    slots = query.slots()
    (row,) = run(query.aggregate_sql())
    measured: dict[tuple[int, str], Any] = {
        (plan.index, name): value for (plan, name, _), value in zip(slots, row[1:], strict=True)
    }
    for plan in query.plans:
        _fill(run, query, plan, stats[plan.contract.name], measured)
    return TableStats(rows=int(row[0]), columns=query.columns, stats=stats)


def _fill(
    run: Run,
    query: StatisticsQuery,
    plan: _Plan,
    stats: ColumnStats,
    measured: dict[tuple[int, str], Any],
) -> None:
    contract = plan.contract
    stats.nulls = int(measured[(plan.index, "nulls")])
    if stats.wrong_type:
        return
    for name, condition in _conditions(plan, query.end).items():
        count = int(measured[(plan.index, name)])
        if count:
            shown = plan.original if name == "unparsable" else plan.value
            base = f"SELECT DISTINCT {shown} AS v FROM {query.checked} WHERE {condition}"
            setattr(stats, name, Offenders(count, _examples(run, base, contract.type)))
    if (plan.index, "minimum") in measured:
        stats.minimum = json_value(measured[(plan.index, "minimum")], contract.type)
        stats.maximum = json_value(measured[(plan.index, "maximum")], contract.type)
    if (plan.index, "distinct") in measured:
        stats.distinct = int(measured[(plan.index, "distinct")])
    if contract.unique:
        assert stats.distinct is not None
        repeats = int(measured[(plan.index, "present")]) - stats.distinct
        if repeats:
            value = plan.value
            base = (
                f"SELECT {value} AS v FROM {query.checked} WHERE {value} IS NOT NULL "
                f"GROUP BY {value} HAVING count(*) > 1"
            )
            stats.duplicates = Offenders(repeats, _examples(run, base, contract.type))


def _examples(run: Run, base: str, column_type: str) -> tuple[Any, ...]:
    lowest = run(f"SELECT v FROM ({base}) AS offending ORDER BY v LIMIT {LOWEST_EXAMPLES}")
    highest = run(f"SELECT v FROM ({base}) AS offending ORDER BY v DESC LIMIT {HIGHEST_EXAMPLES}")
    return pick_examples([row[0] for row in lowest], [row[0] for row in highest], column_type)


def warehouse_sql(contract: DataContract, *, dialect: str, table: str) -> tuple[str, list[str]]:
    """The aggregate pass over `table` in `dialect` (`cardgate sql --data-check`), with
    each column stored as its contract type is naturally stored (`NATURAL_KINDS`), and the
    comment lines that say which result column is which statistic."""
    from cardgate.evidence.evaluation.warehouse import transpiled

    query = warehouse_query(contract, dialect)
    aggregate = query.aggregate_sql().removeprefix("SELECT ")
    fingerprinted = f"SELECT {quoted_text(query.fingerprint())} AS {FINGERPRINT}, {aggregate}"
    text = transpiled(fingerprinted, dialect=dialect, table=table, what="the statistics query")
    legend = [
        f"-- {FINGERPRINT}: which version of the contract's query this is (check-data compares it)",
        f"-- n_rows: rows; <statistic>_<i>: of column i ({STATISTICS})",
    ] + [f"--   {plan.index}: {plan.contract.name} ({plan.contract.type})" for plan in query.plans]
    return text, legend


STATISTICS_MARK = b"-- cardgate: the contract statistics"
"""How a statistics query file cardgate prints or writes begins (`statistics_header`)."""


def statistics_header(dataset: str, dialect: str, table: str) -> list[str]:
    """The comment lines above the printed statistics query (`warehouse_sql`'s legend
    follows them)."""
    mark = STATISTICS_MARK.decode()
    return [f"{mark} of dataset '{dataset}' from {table} ({dialect})."]


def warehouse_query(contract: DataContract, dialect: str) -> StatisticsQuery:
    """The statistics query `cardgate sql --data-check` prints for `dialect`: every
    contract column, each stored as its type naturally is (`NATURAL_KINDS`), read from the
    placeholder table."""
    from cardgate.evidence.evaluation.warehouse import PLACEHOLDER

    names = [column.name for column in contract.columns]
    kinds = {column.name: NATURAL_KINDS[column.type] for column in contract.columns}
    return StatisticsQuery(contract, names, kinds, PLACEHOLDER, POSIX_END.get(dialect, "\\z"))


STATISTICS = (
    "nulls, unparsable, below_min, above_max, not_allowed, pattern_mismatch: counts of rows; "
    "minimum, maximum; distinct and present: counts of values"
)
