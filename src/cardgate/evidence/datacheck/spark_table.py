"""`check-data DATASET --engine spark --table NAME`: the contract's statistics query run
by Spark on a table of its catalog.

cardgate cannot hash a table, so a data check of one is an external computation, and it
takes the path the contract already has for those (docs/scale.md): the contract declares
its data as the statistics computed by Spark from that table —

    contract:
      path: statistics.parquet                      # beside the datasheet
      format: statistics
      computed_by: {engine: spark, query: datasets/DATASET/statistics.sql,
                    tables: [{name: NAME}]}

— and `--table NAME` runs that computation: Spark runs the query `cardgate sql DATASET
--data-check --dialect spark --table NAME` prints (one row comes back) and cardgate writes
the query to `computed_by.query` and the row to `path`, as `evaluate --engine spark
--table` does for a card's counts (`evaluation.spark_table`). The check then reads them as
any statistics file: the query's SHA-256, the table, the evidence level
``counts-with-query`` (GATE-DC005), and `gate --release` recomputes it from the file.
"""

from __future__ import annotations

from pathlib import Path

from cardgate.core.errors import ConfigurationError, InputError, first_line
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.documents.schemas.contract import DataContract
from cardgate.evidence.datacheck.statistics_sql import (
    STATISTICS_MARK,
    statistics_header,
    warehouse_sql,
)
from cardgate.evidence.evaluation.spark_table import (
    check_table_has,
    check_written_names,
    spark_computed,
    table_columns,
    write_result,
)

_TABLES = ("contract", "computed_by", "tables")
CONTRACT_HINT = (
    "declare the table's statistics in the contract: contract: {path: statistics.parquet, "
    "format: statistics, computed_by: {engine: spark, query: datasets/DATASET/statistics.sql, "
    "tables: [{name: TABLE}]}} (docs/scale.md)"
)


def write_table_statistics(
    contract: DataContract,
    *,
    root: Path,
    folder: Path,
    dataset: str,
    table: str,
    master: str | None = None,
) -> None:
    """Run the contract's statistics query on the Spark table `table` and write the query
    and its one row where the contract's `computed_by.query` and `path` (relative to the
    datasheet's `folder`) say. `ConfigurationError` when the contract does not declare
    that computation, `InputError` when Spark cannot read the table or it lacks a column."""
    from cardgate.evidence.evaluation.spark_engine import arrow_result, spark_session

    statistics_path, query_path = _targets(contract, root=root, folder=folder, table=table)
    query, legend = warehouse_sql(contract, dialect="spark", table=table)
    session = spark_session(master)
    present = table_columns(session, table, at=_TABLES)
    wanted = [column.name for column in contract.columns]
    check_table_has(table, present, wanted, what="the contract", at=_TABLES)
    try:
        row = arrow_result(session, query)
    except Exception as error:  # AnalysisException, Py4JJavaError, SparkConnect errors
        raise InputError(
            f"table {table}: Spark could not compute the statistics: {first_line(error)}",
            hint="a column stored otherwise than its contract type (a date kept as text) can "
            "make the query fail: check an export of the rows with --engine spark --data",
            at=_TABLES,
        ) from error
    text = "\n".join([*statistics_header(dataset, "spark", table), *legend, query]) + "\n"
    write_result(
        row, statistics_path, text, query_path, root=root, mark=STATISTICS_MARK, kind="statistics"
    )


def _targets(contract: DataContract, *, root: Path, folder: Path, table: str) -> tuple[Path, Path]:
    """Where the statistics row and the query go, once the contract declares them."""
    computed = contract.computed_by
    declared = contract.format == "statistics" and spark_computed(computed, table)
    if not declared or computed is None or contract.path is None:
        raise ConfigurationError(
            f"--table {table}: the contract's data is not the statistics computed by Spark "
            f"from {table}",
            hint=CONTRACT_HINT,
            at=("contract",),
        )
    check_written_names(computed.query, contract.path, at=("contract",), kind="statistics")
    try:
        statistics_path = resolve_inside(root, contract.path, base=folder)
        query_path = resolve_inside(root, computed.query)
    except PathEscapeError as error:
        raise ConfigurationError(f"contract: {error}", at=("contract",)) from error
    return statistics_path, query_path
