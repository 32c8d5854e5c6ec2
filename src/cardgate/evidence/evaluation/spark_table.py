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
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cardgate.core.errors import CardgateError, ConfigurationError, InputError, first_line
from cardgate.core.files import check_target, write_file
from cardgate.core.inputs import open_regular
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.documents.schemas.evaluation import ComputedBy, EvaluationSettings
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
    present = table_columns(session, table, at=(*_PREDICTIONS, "computed_by", "tables"))
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
    write_result(counts, counts_path, text, query_path, root=root, mark=QUERY_MARK, kind="counts")


def table_columns(session: Any, table: str, *, at: tuple[str, ...]) -> list[str]:
    """The columns of the Spark catalog table `table` (`InputError` at `at`, where the
    document names it, when Spark has no such table)."""
    return list(table_frame(session, table, at=at).columns)


def table_frame(session: Any, table: str, *, at: tuple[str, ...] = ()) -> Any:
    """The Spark catalog table `table` as a DataFrame (`table_columns`' `InputError`)."""
    try:
        frame = session.table(table)
        frame.schema  # noqa: B018 (Spark Connect resolves the name only here)
    except Exception as error:  # AnalysisException: no such table
        raise InputError(
            f"Spark has no table '{table}': {first_line(error)}",
            hint="name the table as Spark's catalog does (catalog.schema.table)",
            at=at,
        ) from error
    return frame


def check_table_has(
    table: str,
    present: Iterable[str],
    wanted: Iterable[str],
    *,
    what: str,
    at: tuple[str, ...] = (),
) -> None:
    """`InputError` at `at` naming the columns of `wanted` (the columns `what` names) that
    the table `table` (its columns: `present`) does not have."""
    have = list(present)
    missing = [name for name in dict.fromkeys(wanted) if name not in have]
    if missing:
        raise InputError(
            f"table {table} has no column {', '.join(repr(name) for name in missing)} of {what}",
            hint=f"the table's columns: {', '.join(sorted(have)) or 'none'}",
            at=at,
        )


def write_result(
    result: Any,
    result_path: Path,
    text: str,
    query_path: Path,
    *,
    root: Path,
    mark: bytes,
    kind: str,
) -> None:
    """Write the query `text` and the table `result` it gave where the document names them
    (atomically, each): an existing file at either place is replaced only when it is what
    cardgate writes there — a query beginning with `mark`, a table (Parquet or CSV) of the
    same columns — and neither is written when one is refused (a dataset's data or the
    signers' file named there stays as it is). `kind` names them in a refusal."""
    query_rule, query_what = query_written_with(mark), f"a {kind} query written by cardgate"
    table_rule = table_with_columns(list(result.column_names))
    table_what = f"a {kind} table with these columns"
    check_target(query_path, within=root, replaceable=query_rule, what=query_what)
    check_target(result_path, within=root, replaceable=table_rule, what=table_what)
    data = encoded(result, result_path)
    write_file(result_path, data, within=root, replaceable=table_rule, what=table_what)
    write_file(query_path, text, within=root, replaceable=query_rule, what=query_what)


def query_written_with(mark: bytes) -> Callable[[Path], bool]:
    """Whether the file at a path begins with `mark`, as the query files cardgate writes."""

    def replaceable(path: Path) -> bool:
        try:
            with open_regular(path) as stream:
                first = stream.read(len(mark))
        except OSError:
            return False
        return first == mark

    return replaceable


def table_with_columns(columns: list[str]) -> Callable[[Path], bool]:
    """Whether the file at a path is a table (Parquet or CSV) of exactly `columns`."""

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


def spark_computed(computed: ComputedBy | None, table: str) -> bool:
    """Whether a document's `computed_by` says Spark computed its result from `table` alone."""
    return (
        computed is not None
        and computed.engine == "spark"
        and [read.name for read in computed.tables] == [table]
    )


def check_written_names(query: str, path: str, *, at: tuple[str, ...], kind: str) -> None:
    """`ConfigurationError` unless the document at `at` names a `.sql` file for the query
    `--table` runs and a `.parquet` or `.csv` file for its result (the `kind` table)."""
    where = ".".join(at)
    if not query.lower().endswith(".sql"):
        raise ConfigurationError(
            f"{where}.computed_by.query: '{query}': --table writes the query it runs to a "
            ".sql file",
            at=(*at, "computed_by", "query"),
        )
    if not path.lower().endswith((".parquet", ".csv")):
        raise ConfigurationError(
            f"{where}.path: '{path}': --table writes the {kind} as .parquet or .csv",
            at=(*at, "path"),
        )


def _targets(settings: EvaluationSettings, *, root: Path, table: str) -> tuple[Path, Path]:
    """Where the counts table and the query go, once the card is checked to declare them."""
    source = settings.predictions
    computed = source.computed_by
    declared = source.format == "counts" and spark_computed(computed, table)
    if not declared or computed is None or source.path is None:
        raise ConfigurationError(
            f"--table {table}: the card's predictions are not a counts table computed by "
            f"Spark from {table}",
            hint=CARD_HINT,
            at=_PREDICTIONS,
        )
    check_written_names(computed.query, source.path, at=_PREDICTIONS, kind="counts")
    try:
        counts_path = resolve_inside(root, source.path)
        query_path = resolve_inside(root, computed.query)
    except PathEscapeError as error:
        raise ConfigurationError(f"evaluation.predictions: {error}", at=_PREDICTIONS) from error
    return counts_path, query_path


def encoded(counts: Any, path: Path) -> bytes:
    """A small Arrow table (a counts table, a row of statistics) as the bytes of a Parquet
    or CSV file (by `path`'s suffix)."""
    buffer = io.BytesIO()
    if path.name.lower().endswith(".csv"):
        import pyarrow.csv as pacsv

        pacsv.write_csv(counts, buffer)
    else:
        import pyarrow.parquet as pq

        pq.write_table(counts, buffer)
    return buffer.getvalue()
