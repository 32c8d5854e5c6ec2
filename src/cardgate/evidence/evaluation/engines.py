"""Which engine reduces a Parquet file of predictions to the counts table (`evaluate
--engine`).

By default (`auto`) cardgate reads the rows itself with pyarrow, in batches. `duckdb` and
`spark` run the counting query instead — the card's own, the one `cardgate sql` prints,
`query.counts_query` transpiled by sqlglot for Spark — where the data is, so that only the
counts table (a few KB whatever the row count) comes back, and hand it to the same code
path as a counts file: every number, interval and verdict is the same as from the rows
(tests/scale/test_spark_engine.py). The file's SHA-256 is recorded as for the rows; the
artifact records the engine and its version in ``provenance.engine``, which
``gate --release`` does not compare (it computes the artifact again with the default
engine: a second, independent computation of the same numbers).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from cardgate.core.errors import ConfigurationError, InputError, first_line
from cardgate.core.paths import glob_literal
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.delta_table import DeltaSnapshot, duckdb_rows
from cardgate.evidence.evaluation.query import (
    BATCH_ROWS,
    counts_query,
    held_columns,
    locked_connection,
)

Engine = Literal["auto", "duckdb", "spark"]
ENGINES: tuple[str, ...] = typing.get_args(Engine)
ENGINE_HINT = (
    "--engine duckdb or spark reads a Parquet file of rows (evaluation.predictions.path, "
    "format: rows); evaluate without --engine for CSV, a DuckDB query or a counts table"
)


def check_engine(engine: str) -> None:
    """`ConfigurationError` (exit 2) for an engine cardgate does not have."""
    if engine not in ENGINES:
        raise ConfigurationError(
            f"--engine: '{engine}' is not one of: {', '.join(ENGINES)}",
            hint="auto reads the rows with pyarrow; duckdb and spark run the counting query",
        )


def engine_record(engine: str) -> dict[str, str]:
    """What the artifact records of the engine that computed the counts."""
    from importlib.metadata import version

    return {"name": engine, "version": version("pyspark" if engine == "spark" else engine)}


def engine_counts(
    settings: EvaluationSettings,
    paths: Sequence[Path],
    display: str,
    *,
    engine: str,
    master: str | None = None,
    held_label: int | str | None = None,
    table: DeltaSnapshot | None = None,
) -> Iterator[Any]:
    """The counts table of the Parquet files `paths` (rows: one file, or the data files
    of the Delta `table`, with its partition values), computed by `engine`, as Arrow
    record batches in the layout `Accumulator.add_counts` reads. `held_label`: the label
    column read as this value on every row, whether the files hold it or not (a
    monitoring window whose outcomes have not arrived:
    `monitoring.performance.window_selection`)."""
    if engine == "spark":
        from cardgate.evidence.evaluation.spark_engine import spark_counts

        yield from spark_counts(
            settings, paths, display, master=master, held_label=held_label, table=table
        )
        return
    yield from _duckdb_counts(settings, paths, display, held_label, table)


def _duckdb_counts(
    settings: EvaluationSettings,
    paths: Sequence[Path],
    display: str,
    held_label: int | str | None = None,
    table: DeltaSnapshot | None = None,
) -> Iterator[Any]:
    import duckdb

    patterns = [glob_literal(path) for path in paths]  # those files, whatever their names hold
    connection = duckdb.connect()
    try:
        rows = f"SELECT * FROM {duckdb_rows(paths, table)}"
        locked_connection(connection, folders=[], files=[*(str(path) for path in paths), *patterns])
        if held_label is not None:
            label = settings.label_column
            stored = label in connection.sql(rows).columns  # bound, not read
            rows = f"SELECT {held_columns(label, held_label, stored=stored)} FROM ({rows})"
        sql = counts_query(settings, rows, ordered=False)
        reader: Any = connection.sql(sql).to_arrow_reader(BATCH_ROWS)
        yield from reader
    except duckdb.Error as error:
        raise InputError(
            f"{display}: DuckDB could not compute the counts: {first_line(error)}",
            hint="the file must be Parquet with the card's columns",
        ) from error
    finally:
        connection.close()
