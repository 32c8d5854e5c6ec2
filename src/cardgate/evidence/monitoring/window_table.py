"""`monitor SYSTEM --engine spark --table NAME --end DATE`: a production window measured
by Spark from a table of its catalog.

The window is measured as a Parquet window is with ``--engine spark`` (`window`): the
profile by `spark_measure.measure_view`'s portable queries, the card's evaluation by its
counting query (`warehouse.counts_sql`; without outcomes, a classifier's label held at
one class, as `performance.window_selection` does), the monitored dataset's contract by
check-data's statistics queries — run by Spark on the table, only counts coming back.
cardgate cannot hash a table, so the entry records, in place of its data file, what it
rests on (`profile.TableRecord`, as a table's reference profile does): ``computed_by``
(the engine, the table — Spark's catalog tables have no version of their own — the file
of the statements Spark ran and its SHA-256, the rows) and the evidence level
``counts-with-query``, which GATE-MON004 weighs per risk tier. The statements are written
beside ``monitoring.json``, one file per window (``monitoring-ID.sql``; atomically, and a
file already there is replaced only when cardgate wrote it). Nothing can read the table
again for `gate --release`: GATE-MON003 checks such a window's record and its query file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgate.core.errors import CardgateError, InputError, first_line
from cardgate.core.files import check_target, write_file
from cardgate.documents.schemas.contract import DataContract
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.datacheck.stats import PhysicalKind
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.evidence.monitoring.decide import DriftSettings
from cardgate.evidence.monitoring.profile import TABLE_EVIDENCE, Profile, TableRecord
from cardgate.evidence.monitoring.window import AWAITED, assembled, drift_rows, sliced_contract

QUERY_MARK = b"-- cardgate: the window queries"
"""How a window's query file begins (a file that does not is never replaced)."""
ROWS = "cardgate_window_rows"
"""The view the evaluation's counting query reads (the table, its label held when the
outcomes have not arrived)."""
_WHAT = "a window query written by cardgate"


@dataclass(frozen=True)
class TableWindow:
    """A window to monitor from the Spark catalog table `table`: its id and last day, and
    where the statements Spark runs go (`query_path`, recorded as `query`)."""

    table: str
    id: str
    end: dt.date
    query_path: Path
    query: str


def table_window_id(table: str, end: dt.date) -> str:
    """A table's window is named after the table and its last day."""
    return f"{table}-{end.isoformat()}"


def query_file(folder: Path, window: str) -> Path:
    """Where the statements Spark ran for `window` go: beside monitoring.json."""
    return folder / f"monitoring-{window}.sql"


def table_window_entry(
    window: TableWindow,
    reference: Profile,
    settings: DriftSettings,
    *,
    evaluation: EvaluationSettings | None = None,
    approved: EvaluationArtifact | None = None,
    contract: DataContract | None = None,
    master: str | None = None,
) -> tuple[dict[str, Any], str]:
    """The window's sealed entry and the text of the statements Spark ran. `InputError`
    when Spark has no such table, the table lacks a column of the reference profile or of
    the evaluation, or Spark cannot measure it."""
    from cardgate.evidence.datacheck.spark_engine import physical_kind
    from cardgate.evidence.evaluation.spark_engine import spark_session
    from cardgate.evidence.evaluation.spark_table import check_table_has, table_frame
    from cardgate.evidence.evaluation.warehouse import require_sqlglot
    from cardgate.evidence.monitoring.spark_measure import VALUES, VIEW

    require_sqlglot()
    table = window.table
    session = spark_session(master)
    frame = table_frame(session, table)
    stored = {field.name: physical_kind(field.dataType) for field in frame.schema.fields}
    columns = sorted(reference.columns)
    label = evaluation.label_column if evaluation is not None else None
    if label in columns and label not in stored:  # outcomes not collected with the window
        columns.remove(label)
    check_table_has(table, stored, columns, what="the reference profile")
    ran = [f"CREATE OR REPLACE TEMPORARY VIEW {VIEW} AS\nSELECT * FROM {table}"]
    try:
        frame.createOrReplaceTempView(VIEW)
        measured = _measure(
            session, window, reference, settings, stored, columns, ran, evaluation, approved
        )
        rows, drift, performance = measured
        checked = None
        if contract is not None:
            checked = _contract(session, contract, stored, window.end, ran)
    except CardgateError:
        raise
    except Exception as error:  # AnalysisException, Py4JJavaError, Spark Connect errors
        raise InputError(
            f"table {table}: Spark could not measure the window: {first_line(error)}",
            hint="is the table readable by this session? 'cardgate monitor --engine spark "
            "--window' measures an export of its rows",
        ) from error
    finally:
        for view in (VALUES, VIEW, ROWS):
            with contextlib.suppress(Exception):
                session.catalog.dropTempView(view)
    head = [
        f"{QUERY_MARK.decode()} of '{window.id}' from {table} (spark), in the order Spark ran",
        "-- them (cardgate monitor --engine spark --table): monitoring.json beside this file",
        "-- holds their results.",
    ]
    text = "\n".join(head) + "\n\n" + ";\n\n".join(ran) + ";\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    record = TableRecord("spark", table, None, window.query, digest, rows)
    provenance = {"computed_by": record.as_dict(), "evidence": TABLE_EVIDENCE}
    entry = assembled(window, provenance, drift, settings, performance=performance, checked=checked)
    return entry, text


def _measure(
    session: Any,
    window: TableWindow,
    reference: Profile,
    settings: DriftSettings,
    stored: dict[str, PhysicalKind],
    columns: list[str],
    ran: list[str],
    evaluation: EvaluationSettings | None,
    approved: EvaluationArtifact | None,
) -> tuple[int, list[dict[str, Any]], dict[str, Any] | None]:
    """The rows, drift rows and performance of the table's view (`window_entry`'s)."""
    from cardgate.evidence.monitoring.performance import (
        held_label,
        performance_record,
        selection_settings,
    )
    from cardgate.evidence.monitoring.spark_measure import measure_view

    kinds = {name: reference.columns[name].kind for name in columns}
    rows, measured = measure_view(session, kinds, columns, stored, ran=ran)
    profile = Profile(reference.subject, [], rows, measured)
    outcomes = evaluation is None or (
        measured[evaluation.label_column].count > 0
        if evaluation.label_column in measured
        else evaluation.label_column in stored
    )
    awaited = {} if outcomes or evaluation is None else {evaluation.label_column: AWAITED}
    drift = drift_rows(reference, profile, settings, awaited)
    if evaluation is None:
        return rows, drift, None
    rows_update: dict[str, Any] = {
        "path": window.table,
        "query": None,
        "inputs": None,
        "format": "rows",
        "computed_by": None,
    }
    if outcomes:
        predictions = evaluation.predictions.model_copy(update=rows_update)
        on_window = evaluation.model_copy(update={"predictions": predictions})
        artifact = _evaluated(session, window.table, on_window, stored, ran, None)
        return rows, drift, performance_record(artifact, approved, settings)
    if evaluation.task != "binary-classification":
        return rows, drift, None
    on_window = selection_settings(evaluation, rows_update)
    artifact = _evaluated(session, window.table, on_window, stored, ran, held_label(evaluation))
    return rows, drift, {**performance_record(artifact, approved, settings), "outcomes": False}


def _evaluated(
    session: Any,
    table: str,
    settings: EvaluationSettings,
    stored: dict[str, PhysicalKind],
    ran: list[str],
    held: int | str | None,
) -> EvaluationArtifact:
    """The evaluation `settings` of the table's rows (its label held at `held` when not
    None), from the counts table Spark computes with the card's counting query."""
    from cardgate.evidence.evaluation.evaluate import artifact_of
    from cardgate.evidence.evaluation.query import sql_literal
    from cardgate.evidence.evaluation.settings import check_settings
    from cardgate.evidence.evaluation.sources import SourceInfo, counts_statistics, needed_columns
    from cardgate.evidence.evaluation.spark_engine import arrow_result
    from cardgate.evidence.evaluation.spark_table import check_table_has
    from cardgate.evidence.evaluation.warehouse import counts_sql
    from cardgate.evidence.monitoring.spark_measure import VIEW

    check_settings(settings)
    label = settings.label_column
    present = [*stored, label] if held is not None else list(stored)
    check_table_has(table, present, needed_columns(settings), what="the card's evaluation")
    kept = [f"`{name.replace('`', '``')}`" for name in stored if held is None or name != label]
    if held is not None:
        kept.append(f"{sql_literal(held)} AS `{label.replace('`', '``')}`")
    view = f"SELECT {', '.join(kept)} FROM {VIEW}"
    session.sql(view).createOrReplaceTempView(ROWS)
    ran.append(f"CREATE OR REPLACE TEMPORARY VIEW {ROWS} AS\n{view}")
    query = counts_sql(settings, dialect="spark", table=ROWS)
    counts = arrow_result(session, query)
    ran.append(query)
    digest = hashlib.sha256(query.encode("utf-8")).hexdigest()
    info = SourceInfo(None, digest, None, "spark", f"table {table}")
    return artifact_of(
        counts_statistics(settings, counts.to_batches(), info), info, settings, system="window"
    )


def _contract(
    session: Any,
    contract: DataContract,
    stored: dict[str, PhysicalKind],
    end: dt.date,
    ran: list[str],
) -> dict[str, Any]:
    """The contract's column clauses on the table's rows (`window.window_contract`'s)."""
    from cardgate.evidence.datacheck.clauses import evaluate
    from cardgate.evidence.datacheck.duckdb_engine import check_patterns, open_connection
    from cardgate.evidence.datacheck.spark_engine import spark_rows
    from cardgate.evidence.datacheck.statistics_sql import StatisticsQuery, measure_with
    from cardgate.evidence.monitoring.spark_measure import VIEW

    sliced = sliced_contract(contract, list(stored))
    if sliced is None:
        return {"passed": True, "violations": []}
    with open_connection(None) as connection:  # the pattern's syntax, as DuckDB judges it
        check_patterns(connection, list(sliced.columns))
    query = StatisticsQuery(sliced, list(stored), dict(stored), VIEW)
    table = measure_with(lambda sql: spark_rows(session, sql, ran=ran), query)
    violations = [v.as_dict() for v in evaluate(sliced, table, today=end)]
    return {"passed": not violations, "violations": violations}


def check_query_target(path: Path, *, within: Path) -> None:
    """`UnsafeWriteError` unless the window's query file may be written at `path` (before
    Spark runs)."""
    from cardgate.evidence.evaluation.spark_table import query_written_with

    check_target(path, within=within, replaceable=query_written_with(QUERY_MARK), what=_WHAT)


def write_query(path: Path, text: str, *, within: Path) -> None:
    """Write the statements Spark ran at `path`, atomically (never over a file that is not
    a window query cardgate wrote)."""
    from cardgate.evidence.evaluation.spark_table import query_written_with

    write_file(path, text, within=within, replaceable=query_written_with(QUERY_MARK), what=_WHAT)
