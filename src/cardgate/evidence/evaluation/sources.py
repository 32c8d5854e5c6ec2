"""Reading predictions in one pass: CSV (optionally gzip), Parquet, a DuckDB query, or a
counts table. Memory is bounded by the chunk size; a progress bar shows on a terminal.

Every reader feeds an `Accumulator`; every failure is an `InputError` that names the
file (and the column when one is at fault).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cardgate.core.errors import ConfigurationError, InputError, first_line
from cardgate.core.inputs import file_kind
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.accumulator import Accumulator
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

CSV_BLOCK_BYTES = 8 << 20


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


def read_statistics(
    settings: EvaluationSettings,
    *,
    root: Path,
    progress: bool = False,
    exclude: Sequence[str] = (),
    engine: str = "auto",
    master: str | None = None,
) -> tuple[SufficientStats, SourceInfo]:
    """One pass over the predictions named by `settings`, reduced to sufficient statistics.

    `exclude`: workspace-relative files left out of a query's input digest (the artifact).
    `engine`: ``auto`` reads the rows itself; ``duckdb`` or ``spark`` (`master`: where
    Spark runs) computes the counts table of a Parquet file of rows (`engines`).
    """
    from cardgate.core.digests import file_sha256

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
    if not path.is_file():
        reason = (
            f"is {file_kind(path.stat().st_mode)}, not a regular file"
            if path.exists()
            else "does not exist"
        )
        raise InputError(f"predictions file {relative} {reason}", at=_PATH)
    kind = _kind(path, relative)
    info = SourceInfo(relative, file_sha256(path), None, kind, relative)
    accumulator = _accumulator(settings, relative)
    needed = needed_columns(settings)
    optional = _optional_columns(settings)
    if engine != "auto":
        return _engine_statistics(settings, path, info, accumulator, engine, master)
    batches = (
        _csv_batches(path, relative, settings, needed, optional)
        if kind == "csv"
        else (parquet_batches(path, relative, needed, optional, locate=locator(settings)))
    )
    total = parquet_rows(path) if kind == "parquet" and progress else None
    with _progress(f"reading {path.name}", total=total, enabled=progress) as advance:
        for batch in batches:
            if source.format == "counts":
                _add_counts(accumulator, settings, batch, binned_by_cardgate=False)
            else:
                _add_rows(accumulator, settings, batch)
            advance(batch.num_rows)
    stats = _finish(accumulator, info)
    if source.computed_by is not None:
        from cardgate.evidence.evaluation.warehouse import computed_by_record

        record = computed_by_record(settings, root=root, rows=stats.rows_read)
        info = dataclasses.replace(info, computed_by=record)
    return stats, info


def _engine_statistics(
    settings: EvaluationSettings,
    path: Path,
    info: SourceInfo,
    accumulator: Accumulator,
    engine: str,
    master: str | None,
) -> tuple[SufficientStats, SourceInfo]:
    """The counts table of a Parquet file of rows, computed by `engine`."""
    if info.kind != "parquet":
        raise ConfigurationError(
            f"--engine {engine}: {info.display} is CSV; the engines read Parquet",
            hint=ENGINE_HINT,
            at=_PATH,
        )
    # the columns checked here, so that every engine names a missing one alike
    check_columns(
        parquet_columns(path, info.display),
        needed_columns(settings),
        info.display,
        locate=locator(settings),
    )
    for batch in engine_counts(settings, path, engine=engine, master=master):
        _add_counts(accumulator, settings, batch, binned_by_cardgate=True)
    return _finish(accumulator, info), dataclasses.replace(info, engine=engine_record(engine))


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


def _csv_batches(
    path: Path,
    display: str,
    settings: EvaluationSettings,
    needed: list[str],
    optional: list[str],
) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    categorical = set(settings.sensitive_features)
    if settings.task != "regression":
        categorical |= {settings.label_column, settings.prediction_column}
    types = {name: (pa.string() if name in categorical else pa.float64()) for name in needed}
    tokens = pa.array(missing_tokens(settings), pa.string())
    try:
        header = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 16))
        check_columns(header.schema.names, needed, display, locate=locator(settings))
        present = [name for name in optional if name in header.schema.names]
        types.update({name: pa.bool_() for name in present})
        needed = [*needed, *present]
        # Text columns are read as written ('NA' is a group like any other); the card's
        # missing-value tokens are applied to them below. Numbers keep pyarrow's nulls.
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            convert_options=pcsv.ConvertOptions(
                include_columns=needed, column_types=types, strings_can_be_null=False
            ),
        )
        for batch in reader:
            names = batch.schema.names
            yield pa.RecordBatch.from_arrays(
                [
                    tokens_as_null(batch.column(i), tokens)
                    if name in categorical
                    else batch.column(i)
                    for i, name in enumerate(names)
                ],
                names=names,
            )
    except (pa.ArrowInvalid, pa.ArrowException, OSError, EOFError) as error:
        raise InputError(f"{display}: cannot read CSV: {first_line(error)}") from error


def missing_tokens(settings: EvaluationSettings) -> list[str]:
    """The text values of a CSV's sensitive feature, label and prediction columns that
    mean "missing" (`evaluation.missing_values`; default: only an empty cell)."""
    return list(settings.missing_values) if settings.missing_values is not None else [""]


def tokens_as_null(column: Any, tokens: Any) -> Any:
    """A text column with the values in `tokens` made null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = pc.is_in(column, value_set=tokens)
    if not pc.any(missing).as_py():
        return column
    return pc.if_else(missing, pa.scalar(None, column.type), column)


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
