"""`evaluate SYSTEM --engine spark --table NAME`: the card's counts query run by Spark on
a table of its catalog.

cardgate cannot hash a table, so an evaluation of one is an external computation, and it
takes the path the card already has for those (docs/scale.md): the card declares its
predictions as a counts table computed by Spark from that table —

    predictions:
      path: systems/SYSTEM/counts.parquet
      format: counts
      computed_by: {engine: spark, query: systems/SYSTEM/counts.sql, tables: [{name: NAME}]}

— and `--table NAME` runs that computation: Spark runs the query `cardgate sql SYSTEM
--dialect spark --table NAME` prints (only the counts table, a few KB, comes back), and
cardgate writes the query to `computed_by.query` and the counts table to `path`. The
evaluation then reads them as any counts table: it records the query's SHA-256, the table
and its declared version, and the evidence level ``counts-with-query``, which the policy
may accept or refuse per risk tier (GATE-FA006); `gate --release` recomputes it from the
counts file. Spark's catalog tables have no version of their own (Delta and Iceberg
tables do, through their extensions, which are not part of this install).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cardgate.core.errors import CardgateError, ConfigurationError, InputError, first_line
from cardgate.core.files import check_target, write_file
from cardgate.core.inputs import open_regular
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.parquet_rows import check_columns, parquet_columns

_PREDICTIONS = ("evaluation", "predictions")
QUERY_MARK = b"-- cardgate: the counts table"
"""How the query file `--table` writes (and `cardgate sql` prints) begins (`header`)."""
CARD_HINT = (
    "declare the table's counts in the card: predictions: {path: systems/SYSTEM/counts.parquet, "
    "format: counts, computed_by: {engine: spark, query: systems/SYSTEM/counts.sql, tables: "
    "[{name: TABLE}]}} (docs/scale.md)"
)


def write_table_counts(
    settings: EvaluationSettings,
    *,
    root: Path,
    system: str,
    table: str,
    master: str | None = None,
) -> None:
    """Run the card's counts query on the Spark table `table` and write the query and the
    counts table where the card's `computed_by.query` and `path` say (atomically).
    `ConfigurationError` when the card does not declare that computation, `InputError`
    when Spark cannot read the table or it lacks a column."""
    from cardgate.evidence.evaluation.sources import locator, needed_columns
    from cardgate.evidence.evaluation.spark_engine import arrow_result, spark_session
    from cardgate.evidence.evaluation.warehouse import counts_sql, header

    counts_path, query_path = _targets(settings, root=root, table=table)
    query = counts_sql(settings, dialect="spark", table=table)
    session = spark_session(master)
    try:
        present = list(session.table(table).columns)
    except Exception as error:  # AnalysisException: no such table
        raise InputError(
            f"Spark has no table '{table}': {first_line(error)}",
            hint="name the table as Spark's catalog does (catalog.schema.table)",
            at=(*_PREDICTIONS, "computed_by", "tables"),
        ) from error
    needed = needed_columns(settings, layout="rows")
    check_columns(present, needed, f"table {table}", locate=locator(settings))
    try:
        counts = arrow_result(session, query)
    except Exception as error:  # AnalysisException, Py4JJavaError, SparkConnect errors
        raise InputError(
            f"table {table}: Spark could not compute the counts: {first_line(error)}",
            at=(*_PREDICTIONS, "computed_by", "tables"),
        ) from error
    text = "\n".join([*header(system, "spark", table), query]) + "\n"
    columns = list(counts.column_names)
    # the card names the two files: an existing one is replaced only when it is what
    # cardgate writes there (a dataset's data or the signers' file is refused, unchanged)
    for path, replaceable, what in (
        (query_path, _is_counts_query, "a counts query written by cardgate"),
        (counts_path, _counts_with(columns), "a counts table with these columns"),
    ):
        check_target(path, within=root, replaceable=replaceable, what=what)
    write_file(
        counts_path,
        _encoded(counts, counts_path),
        within=root,
        replaceable=_counts_with(columns),
        what="a counts table with these columns",
    )
    write_file(
        query_path,
        text,
        within=root,
        replaceable=_is_counts_query,
        what="a counts query written by cardgate",
    )


def _is_counts_query(path: Path) -> bool:
    """Whether the file at `path` begins as the query file `--table` writes."""
    try:
        with open_regular(path) as stream:
            first = stream.read(len(QUERY_MARK))
    except OSError:
        return False
    return first == QUERY_MARK


def _counts_with(columns: list[str]) -> Callable[[Path], bool]:
    """Whether the file at a path is a counts table (Parquet or CSV) of exactly `columns`."""

    def replaceable(path: Path) -> bool:
        try:
            if path.name.lower().endswith(".csv"):
                with open_regular(path) as stream:
                    line = stream.readline(1 << 16).decode("utf-8-sig")
                return next(csv.reader([line]), []) == columns
            return parquet_columns(path, path.name) == columns
        except (OSError, UnicodeDecodeError, CardgateError):
            return False

    return replaceable


def _targets(settings: EvaluationSettings, *, root: Path, table: str) -> tuple[Path, Path]:
    """Where the counts table and the query go, once the card is checked to declare them."""
    source = settings.predictions
    computed = source.computed_by
    declared = (
        source.format == "counts"
        and source.path is not None
        and computed is not None
        and computed.engine == "spark"
        and [read.name for read in computed.tables] == [table]
    )
    if not declared or computed is None or source.path is None:
        raise ConfigurationError(
            f"--table {table}: the card's predictions are not a counts table computed by "
            f"Spark from {table}",
            hint=CARD_HINT,
            at=_PREDICTIONS,
        )
    if not computed.query.lower().endswith(".sql"):
        raise ConfigurationError(
            f"evaluation.predictions.computed_by.query: '{computed.query}': --table writes "
            "the query it runs to a .sql file",
            at=(*_PREDICTIONS, "computed_by", "query"),
        )
    if not source.path.lower().endswith((".parquet", ".csv")):
        raise ConfigurationError(
            f"evaluation.predictions.path: '{source.path}': --table writes the counts as "
            ".parquet or .csv",
            at=(*_PREDICTIONS, "path"),
        )
    try:
        counts_path = resolve_inside(root, source.path)
        query_path = resolve_inside(root, computed.query)
    except PathEscapeError as error:
        raise ConfigurationError(f"evaluation.predictions: {error}", at=_PREDICTIONS) from error
    return counts_path, query_path


def _encoded(counts: Any, path: Path) -> bytes:
    """The counts table as the bytes of a Parquet or CSV file (by `path`'s suffix)."""
    buffer = io.BytesIO()
    if path.name.lower().endswith(".csv"):
        import pyarrow.csv as pacsv

        pacsv.write_csv(counts, buffer)
    else:
        import pyarrow.parquet as pq

        pq.write_table(counts, buffer)
    return buffer.getvalue()
