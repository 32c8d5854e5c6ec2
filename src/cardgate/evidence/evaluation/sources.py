"""Reading predictions in one pass: CSV (optionally gzip), Parquet, a DuckDB query, or a
counts table. Memory is bounded by the chunk size; a progress bar shows on a terminal.

Every reader feeds an `Accumulator`; every failure is an `InputError` that names the
file (and the column when one is at fault).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cardgate.core.errors import ConfigurationError, InputError
from cardgate.core.inputs import file_kind
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.accumulator import Accumulator
from cardgate.evidence.evaluation.csv_rows import csv_batches
from cardgate.evidence.evaluation.delta_table import (
    DeltaSnapshot,
    check_unchanged,
    delta_batches,
    delta_columns,
    engine_files,
    is_delta_table,
    open_snapshot,
)
from cardgate.evidence.evaluation.engines import ENGINE_HINT, engine_counts, engine_record
from cardgate.evidence.evaluation.parquet_rows import (
    Locate,
    check_columns,
    parquet_batches,
    parquet_columns,
    parquet_rows,
)
from cardgate.evidence.evaluation.query import duckdb_counts
from cardgate.evidence.evaluation.stats import (
    COUNTS_COLUMNS_REGRESSION,
    COUNTS_COLUMNS_SCORES,
    COUNTS_FLAGS_REGRESSION,
    SufficientStats,
)


@dataclass(frozen=True)
class SourceInfo:
    """Where the predictions came from, for the artifact's provenance."""

    path: str | None  # workspace-relative, POSIX
    sha256: str | None
    query: str | None
    kind: str  # csv | parquet | duckdb
    display: str  # for messages and the progress bar
    inputs: tuple[tuple[str, str], ...] = ()
    """For a query: each file it may read, with its SHA-256 (`sha256` covers them all)."""
    computed_by: dict[str, Any] | None = None
    """For a counts table computed elsewhere: `warehouse.computed_by_record`."""
    engine: dict[str, str] | None = None
    """When `evaluate --engine` computed the counts table: `engines.engine_record`."""
    table: dict[str, str] | None = None
    """For a Delta table: its workspace-relative name and the version read."""


_PATH = ("evaluation", "predictions", "path")
_INPUTS = ("evaluation", "predictions", "inputs")
_QUERY = ("evaluation", "predictions", "query")


def _query_inputs(
    inputs: list[str], *, root: Path, exclude: Sequence[str]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    from cardgate.core.digests import inputs_sha256

    try:
        digest, files = inputs_sha256(root, inputs, exclude=exclude)
    except PathEscapeError as error:
        raise ConfigurationError(f"evaluation.predictions.inputs: {error}", at=_INPUTS) from error
    except FileNotFoundError as error:
        raise InputError(
            f"evaluation.predictions.inputs: '{error.args[0]}' does not exist",
            hint="list the files or folders the query reads, relative to the workspace",
            at=_INPUTS,
        ) from error
    if not files:
        raise InputError(
            "evaluation.predictions.inputs: the folders listed hold no file",
            hint="list the files or folders the query reads, relative to the workspace",
            at=_INPUTS,
        )
    return digest, tuple(files)


def _table_digest(relative: str, *, root: Path, exclude: Sequence[str]) -> str:
    """One SHA-256 over every file of a table's folder (`inputs_sha256`)."""
    from cardgate.core.digests import inputs_sha256

    try:
        return inputs_sha256(root, [relative], exclude=exclude)[0]
    except PathEscapeError as error:
        raise ConfigurationError(f"evaluation.predictions.path: {error}", at=_PATH) from error


def read_statistics(
    settings: EvaluationSettings,
    *,
    root: Path,
    progress: bool = False,
    exclude: Sequence[str] = (),
    engine: str = "auto",
    master: str | None = None,
    held_label: int | str | None = None,
) -> tuple[SufficientStats, SourceInfo]:
    """One pass over the predictions named by `settings`, reduced to sufficient statistics.

    `exclude`: workspace-relative files left out of a query's input digest (the artifact).
    `engine`: ``auto`` reads the rows itself; ``duckdb`` or ``spark`` (`master`: where
    Spark runs) computes the counts table of a Parquet file of rows (`engines`;
    `held_label`, with those engines only: `engines.engine_counts`'s).
    """
    from cardgate.core.digests import file_sha256

    assert held_label is None or engine != "auto", "a held label is the engines' query"
    source = settings.predictions
    if engine != "auto" and (source.query is not None or source.format == "counts"):
        what = "a DuckDB query" if source.query is not None else "a counts table"
        raise ConfigurationError(
            f"--engine {engine}: the predictions are {what}, not a Parquet file of rows",
            hint=ENGINE_HINT,
            at=_QUERY if source.query is not None else _PATH,
        )
    if source.query is not None:
        digest, files = _query_inputs(source.inputs or [], root=root, exclude=exclude)
        info = SourceInfo(None, digest, source.query, "duckdb", "DuckDB query", files)
        accumulator = _accumulator(settings, info.display)
        for batch in duckdb_counts(settings, root=root):
            _add_counts(accumulator, settings, batch, binned_by_cardgate=True)
        return _finish(accumulator, info), info
    assert source.path is not None
    try:
        path = resolve_inside(root, source.path)
    except PathEscapeError as error:
        raise ConfigurationError(f"evaluation.predictions.path: {error}", at=_PATH) from error
    relative = path.relative_to(root.resolve()).as_posix()
    delta = is_delta_table(path)
    if delta:
        snapshot = open_snapshot(path, relative, root=root)
        digest = _table_digest(relative, root=root, exclude=exclude)
        table = {"name": relative, "version": str(snapshot.version)}
        info = SourceInfo(relative, digest, None, "delta", relative, table=table)
    elif not path.is_file():
        reason = (
            f"is {file_kind(path.stat().st_mode)}, not a regular file"
            if path.exists()
            else "does not exist"
        )
        hint = "a Delta table is a folder holding _delta_log/" if path.is_dir() else ""
        raise InputError(f"predictions file {relative} {reason}", hint=hint, at=_PATH)
    else:
        info = SourceInfo(relative, file_sha256(path), None, _kind(path, relative), relative)
    accumulator = _accumulator(settings, relative)
    needed = needed_columns(settings)
    optional = _optional_columns(settings)
    if engine != "auto":
        if delta:
            parts = engine_files(snapshot, relative, engine)
            present = delta_columns(snapshot, relative)  # the table's, not one file's
        elif info.kind == "csv":
            raise ConfigurationError(
                f"--engine {engine}: {relative} is CSV; the engines read Parquet",
                hint=ENGINE_HINT,
                at=_PATH,
            )
        else:
            parts, present = [path], parquet_columns(path, relative)
        if held_label is not None and settings.label_column not in present:
            # outcomes not arrived: the label is held (an empty label column stays one)
            present = [*present, settings.label_column]
        stats, info = _engine_statistics(
            settings,
            parts,
            present,
            info,
            accumulator,
            engine,
            master,
            held_label,
            snapshot if delta else None,
        )
        if delta:
            check_unchanged(path, relative, snapshot.version)
        return stats, info
    if delta:
        batches = delta_batches(snapshot, relative, needed, optional, locate=locator(settings))
    elif info.kind == "csv":
        batches = csv_batches(path, relative, settings, needed, optional, locate=locator(settings))
    else:
        batches = parquet_batches(path, relative, needed, optional, locate=locator(settings))
    total = parquet_rows(path) if info.kind == "parquet" and progress else None
    with _progress(f"reading {path.name}", total=total, enabled=progress) as advance:
        for batch in batches:
            if source.format == "counts":
                _add_counts(accumulator, settings, batch, binned_by_cardgate=False)
            else:
                _add_rows(accumulator, settings, batch)
            advance(batch.num_rows)
    stats = _finish(accumulator, info)
    if delta:
        check_unchanged(path, relative, snapshot.version)
    if source.computed_by is not None:
        from cardgate.evidence.evaluation.warehouse import computed_by_record

        record = computed_by_record(settings, root=root, rows=stats.rows_read)
        info = dataclasses.replace(info, computed_by=record)
    return stats, info


def _engine_statistics(
    settings: EvaluationSettings,
    files: list[Path],
    present: list[str],
    info: SourceInfo,
    accumulator: Accumulator,
    engine: str,
    master: str | None,
    held_label: int | str | None = None,
    table: DeltaSnapshot | None = None,
) -> tuple[SufficientStats, SourceInfo]:
    """The counts table of Parquet files of rows (one file, or the data files of the
    Delta `table`, whose columns are `present`), computed by `engine`."""
    # the columns checked here, so that every engine names a missing one alike
    check_columns(present, needed_columns(settings), info.display, locate=locator(settings))
    counts = engine_counts(
        settings,
        files,
        info.display,
        engine=engine,
        master=master,
        held_label=held_label,
        table=table,
    )
    for batch in counts:
        _add_counts(accumulator, settings, batch, binned_by_cardgate=True)
    return _finish(accumulator, info), dataclasses.replace(info, engine=engine_record(engine))


def counts_statistics(
    settings: EvaluationSettings, batches: Iterable[Any], info: SourceInfo
) -> SufficientStats:
    """The statistics of a counts table an engine computed with cardgate's counting query
    (`warehouse.counts_sql`) on rows it read itself (a catalog table's window:
    `monitoring.window_table`)."""
    accumulator = _accumulator(settings, info.display)
    for batch in batches:
        _add_counts(accumulator, settings, batch, binned_by_cardgate=True)
    return _finish(accumulator, info)


def _accumulator(settings: EvaluationSettings, display: str) -> Accumulator:
    return Accumulator(
        settings.sensitive_features,
        regression=settings.task == "regression",
        with_scores=settings.score_column is not None and settings.task != "regression",
        max_groups=settings.max_groups,
        source=display,
    )


def _finish(accumulator: Accumulator, info: SourceInfo) -> SufficientStats:
    stats = accumulator.result()
    if stats.rows_read == 0:
        raise InputError(f"{info.display}: no rows", hint="the predictions file is empty")
    if stats.rows_used == 0:
        reasons = ", ".join(f"{rows} rows: {why}" for why, rows in stats.dropped.items())
        raise InputError(
            f"{info.display}: every row was dropped ({reasons})", hint="a column is entirely null"
        )
    return stats


def _kind(path: Path, relative: str) -> str:
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise InputError(
        f"predictions file {relative}: unknown format",
        hint="use .csv, .csv.gz or .parquet, or a DuckDB 'query'",
    )


def locator(settings: EvaluationSettings) -> Locate:
    """Where the card names a column of the predictions: a sensitive feature, the label,
    prediction or score column; a counts table's own columns, at its path."""

    def locate(column: str) -> tuple[str | int, ...]:
        if column in settings.sensitive_features:
            return ("evaluation", "sensitive_features", settings.sensitive_features.index(column))
        for name in ("label_column", "prediction_column", "score_column"):
            if getattr(settings, name) == column:
                return ("evaluation", name)
        return _PATH

    return locate


def needed_columns(
    settings: EvaluationSettings, *, layout: Literal["rows", "counts"] | None = None
) -> list[str]:
    """The columns the predictions must have, laid out as `layout` (default: as the card
    declares them)."""
    columns = list(settings.sensitive_features)
    if (layout or settings.predictions.format) == "counts":
        if settings.task == "regression":
            columns += list(COUNTS_COLUMNS_REGRESSION)
        else:
            columns += [settings.label_column, settings.prediction_column, "n"]
            if settings.score_column is not None:
                columns += list(COUNTS_COLUMNS_SCORES)
    else:
        columns += [settings.label_column, settings.prediction_column]
        if settings.score_column is not None and settings.task != "regression":
            columns.append(settings.score_column)
    return list(dict.fromkeys(columns))


def _optional_columns(settings: EvaluationSettings) -> list[str]:
    """Columns read when a counts table has them: which of label and prediction a
    regression row misses (cardgate's own SQL writes them; docs/counts-table.md)."""
    if settings.predictions.format == "counts" and settings.task == "regression":
        return list(COUNTS_FLAGS_REGRESSION)
    return []


def _add_rows(accumulator: Accumulator, settings: EvaluationSettings, batch: Any) -> None:
    score = settings.score_column if settings.task != "regression" else None
    accumulator.add_rows(
        [batch.column(name) for name in settings.sensitive_features],
        batch.column(settings.label_column),
        batch.column(settings.prediction_column),
        batch.column(score) if score is not None else None,
        label_name=settings.label_column,
        prediction_name=settings.prediction_column,
        score_name=score,
    )


def _add_counts(
    accumulator: Accumulator, settings: EvaluationSettings, batch: Any, *, binned_by_cardgate: bool
) -> None:
    names = batch.schema.names
    accumulator.add_counts(
        [batch.column(name) for name in settings.sensitive_features],
        {name: batch.column(name) for name in names},
        label_name=settings.label_column,
        prediction_name=settings.prediction_column,
        score_name=(settings.score_column or "score_bin") if binned_by_cardgate else "score_bin",
    )


@contextlib.contextmanager
def _progress(label: str, *, total: int | None, enabled: bool) -> Iterator[Any]:
    """A rich progress bar on a terminal (stderr); silent otherwise."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda rows: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda rows: bar.advance(task, rows)
