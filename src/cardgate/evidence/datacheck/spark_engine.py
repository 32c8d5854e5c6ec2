"""Measure a Parquet data file with Apache Spark (`check-data --engine spark`).

The queries are `statistics_sql`'s — the ones DuckDB runs — transpiled by sqlglot into
Spark's dialect: one aggregate pass over the file, plus one small query per broken clause
for its examples, so that only a row of statistics and a few values come back. The
`TableStats` they fill are judged by the same clauses, so the artifact is the one DuckDB
and pandas write (tests/scale/test_check_data_spark.py). The session is the evaluation's
(`evaluation.spark_engine`: local mode, ``--spark-master`` or ``SPARK_REMOTE``).

Parquet only: a CSV file is checked against cardgate's own CSV rule (UTF-8, a header,
every row with the header's number of fields, an error naming the line), which Spark's
permissive CSV reader does not apply.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from cardgate.core.errors import CardgateError, ConfigurationError, InputError, first_line
from cardgate.documents.schemas.contract import DataContract
from cardgate.evidence.datacheck.source import CHECK_WITH_PANDAS, DataSource, read_error
from cardgate.evidence.datacheck.statistics_sql import StatisticsQuery, measure_with
from cardgate.evidence.datacheck.stats import PhysicalKind, TableStats
from cardgate.evidence.evaluation.delta_table import spark_rows as spark_rows_of

VIEW = "cardgate_data"


def measure(source: DataSource, contract: DataContract, *, master: str | None = None) -> TableStats:
    """Measure every column of the Parquet file `source` that the contract names, in Spark."""
    from cardgate.evidence.datacheck.duckdb_engine import check_patterns, open_connection

    session, frame = parquet_view(
        source,
        VIEW,
        master=master,
        what="checks",
        hint="check CSV with --engine duckdb (streamed) or pandas, or convert it to Parquet",
    )
    try:
        kinds = {field.name: physical_kind(field.dataType) for field in frame.schema.fields}
        with open_connection(None) as connection:  # the pattern's syntax, as DuckDB judges it
            check_patterns(connection, [c for c in contract.columns if c.name in kinds])
        query = StatisticsQuery(contract, list(frame.schema.fieldNames()), kinds, VIEW)
        with spark_failures(
            source,
            "the statistics",
            hint="is the file complete? 'cardgate sql DATASET --data-check --dialect spark "
            "--table T' prints the aggregate query Spark ran",
        ):
            return measure_with(lambda sql: spark_rows(session, sql), query)
    finally:
        with contextlib.suppress(Exception):
            session.catalog.dropTempView(VIEW)


@contextlib.contextmanager
def spark_failures(source: DataSource, what: str, *, hint: str) -> Iterator[None]:
    """Spark's failure while computing `what` from `source` as one InputError (exit 1)
    naming the file: its pages are read only then, so a damaged file fails here."""
    try:
        yield
    except CardgateError:
        raise
    except Exception as error:  # Py4JJavaError, AnalysisException, Spark Connect errors
        raise InputError(
            f"{source.display}: Spark could not compute {what}: {first_line(error)}", hint=hint
        ) from error


def spark_sql(sql: str) -> str:
    """`sql` (DuckDB's dialect) as Spark runs it (sqlglot: checked by `measure`)."""
    import sqlglot

    return str(sqlglot.transpile(sql, read="duckdb", write="spark")[0])


def parquet_view(
    source: DataSource,
    view: str,
    *,
    master: str | None,
    what: str,
    hint: str,
    instead: str = CHECK_WITH_PANDAS,
) -> tuple[Any, Any]:
    """Spark's session for `master` and the Parquet file `source` (a Delta table: its
    version's Parquet files, `DataSource.parquet_files`, with its partition values) read
    as the temporary view `view` (its frame). A CSV file is refused (exit 2, with
    `hint`): Spark `what` Parquet files only (its permissive CSV reader does not apply
    cardgate's CSV rule); `instead`: what reads a Delta table Spark cannot."""
    if source.format == "csv":
        raise ConfigurationError(
            f"{source.display}: --engine spark {what} Parquet files; this one is CSV",
            hint=hint,
        )
    from cardgate.evidence.evaluation.spark_engine import spark_session
    from cardgate.evidence.evaluation.warehouse import require_sqlglot

    files = source.parquet_files("spark", instead=instead)
    require_sqlglot()
    session = spark_session(master)
    try:
        # a table by name: a column a later commit added is null before it
        frame = spark_rows_of(session, files, source.table, merge=source.table is not None)
        frame.createOrReplaceTempView(view)
    except Exception as error:  # AnalysisException, Py4JJavaError, SparkConnect errors
        raise read_error(source, error) from error
    return session, frame


def spark_rows(session: Any, sql: str, *, ran: list[str] | None = None) -> Sequence[Sequence[Any]]:
    """The rows of `sql` (DuckDB's dialect) run by Spark (`ran`, when given, receives the
    statement in Spark's dialect)."""
    from cardgate.evidence.evaluation.spark_engine import arrow_result

    statement = spark_sql(sql)
    table = arrow_result(session, statement)
    if ran is not None:
        ran.append(statement)
    columns = [column.to_pylist() for column in table.columns]
    return list(zip(*columns, strict=True))


def physical_kind(data_type: Any) -> PhysicalKind:
    """How Spark stores a column, in the kinds the contract's types are checked against."""
    name = type(data_type).__name__
    if name == "BooleanType":
        return "bool"
    if name in {"ByteType", "ShortType", "IntegerType", "LongType"}:
        return "int"
    if name in {"FloatType", "DoubleType", "DecimalType"}:
        return "float"
    if name in {"DateType", "TimestampType", "TimestampNTZType"}:
        return "temporal"
    if name in {"StringType", "VarcharType", "CharType"}:
        return "text"
    return "other"
