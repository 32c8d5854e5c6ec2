"""Measure a Parquet file into a `Profile` with Apache Spark (`profile` and `monitor`
with ``--engine spark``).

Spark has no `histogram()` map aggregate, so it runs `profile_sql`'s portable queries —
written in DuckDB's dialect, transpiled by sqlglot as `check-data --engine spark` does:
one row of scalars (rows, missing and invalid values, extremes, distinct categories),
then one GROUPING SETS pass for the bucket and category counts (only these rows come
back: a few thousand per column), and a third query only when some values lie next to a
bucket boundary (`sketch.UNDECIDED`). The profile is the one DuckDB's pass gives, byte for
byte (tests/scale/test_monitor_spark.py). The session is the evaluation's
(`evaluation.spark_engine`: local mode, ``--spark-master`` or ``SPARK_REMOTE``); Parquet
only, as for check-data. How each column is stored is read from the file's schema as
DuckDB reads it (Spark reads a Parquet column of the Null logical type — every value
missing — as integers: it would be profiled as numeric, where DuckDB's is categorical).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cardgate.evidence.datacheck.duckdb_engine import open_connection, stored_kinds
from cardgate.evidence.datacheck.source import PROFILE_WITH_PARQUET, DataSource
from cardgate.evidence.datacheck.spark_engine import (
    parquet_view,
    spark_failures,
    spark_rows,
    spark_sql,
)
from cardgate.evidence.evaluation.spark_engine import arrow_result
from cardgate.evidence.monitoring.numbers import refuse_text
from cardgate.evidence.monitoring.profile import ColumnProfile, Kind, Profile, SourceRecord
from cardgate.evidence.monitoring.profile_sql import (
    ProfileQueries,
    check_columns,
    infer_kinds,
    named_keys,
    settle,
    view_sql,
)

VIEW = "cardgate_profiled"
VALUES = "cardgate_profiled_values"
CSV_HINT = "profile CSV without --engine (DuckDB streams it), or convert it to Parquet"


def measure_profile_spark(
    source: DataSource,
    *,
    subject: str,
    recorded: SourceRecord,
    kinds: Mapping[str, Kind],
    columns: Iterable[str] | None = None,
    master: str | None = None,
) -> Profile:
    """`measure.measure_profile`, computed by Spark (`master`: where it runs)."""
    wanted = None if columns is None else list(dict.fromkeys(columns))
    session, _ = parquet_view(
        source,
        VIEW,
        master=master,
        what="profiles",
        hint=CSV_HINT,
        instead=PROFILE_WITH_PARQUET,
    )
    try:
        with open_connection(None) as connection:  # the Parquet footer only
            stored: dict[str, str] = dict(stored_kinds(connection, source))
        names = list(stored) if wanted is None else wanted
        check_columns(source, names, stored)
        with spark_failures(
            source,
            "the profile",
            hint="is the file complete? 'cardgate profile' without --engine reads it with DuckDB",
        ):
            rows, measured = measure_view(session, kinds, names, stored)
            refuse_text(source, names, measured, VALUES, lambda sql: spark_rows(session, sql))
        recorded.rows = rows
        return Profile(subject, [recorded], rows, measured)
    finally:
        for view in (VALUES, VIEW):
            with contextlib.suppress(Exception):
                session.catalog.dropTempView(view)


def measure_view(
    session: Any,
    kinds: Mapping[str, Kind],
    names: list[str],
    stored: Mapping[str, str],
    *,
    ran: list[str] | None = None,
) -> tuple[int, dict[str, ColumnProfile]]:
    """The rows and the columns' profiles of the columns `names` (stored as `stored`,
    typed by `kinds`, the others inferred) of the view `VIEW`, measured by Spark; `ran`,
    when given, receives each statement Spark ran, in its dialect (`spark_table`)."""

    def fetch(sql: str) -> Sequence[Sequence[Any]]:
        return spark_rows(session, sql, ran=ran)

    typed = {name: kinds[name] for name in names if name in kinds}
    untyped = [name for name in names if name not in typed]
    if untyped:
        typed.update(infer_kinds(lambda sql: fetch(sql)[0], VIEW, untyped, stored))
    projection = spark_sql(f"SELECT {view_sql(names, typed, stored)} FROM {VIEW}")
    session.sql(projection).createOrReplaceTempView(VALUES)
    if ran is not None:
        ran.append(f"CREATE OR REPLACE TEMPORARY VIEW {VALUES} AS\n{projection}")
    queries = ProfileQueries(names, typed, stored, VALUES)
    scalars = fetch(queries.scalars_sql())[0]
    truncated = queries.truncated(scalars)
    counts_sql = queries.counts_sql(truncated)
    counts = []
    if counts_sql:
        table = arrow_result(session, spark_sql(counts_sql))
        if ran is not None:
            ran.append(spark_sql(counts_sql))
        counts = named_keys(table, queries.typed_keys(truncated))
    columns = queries.assemble(scalars, counts)
    buckets = {i: columns[n].buckets for i, n in enumerate(names) if typed[n] == "numeric"}
    settle(buckets, [stored[name] for name in names], VALUES, fetch)
    return int(scalars[0]), columns
