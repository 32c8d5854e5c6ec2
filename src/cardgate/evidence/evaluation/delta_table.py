"""A Delta Lake table, read with delta-rs (`deltalake`, the ``delta`` extra): no JVM and no
jars fetched from Maven at run time. One reader for every command that reads one: the
predictions of `evaluate` (`sources`), a dataset's data for `check-data` and `profile`
(`datacheck.source`).

A folder that holds ``_delta_log/`` is a Delta table. cardgate reads its latest version,
only the needed columns (partition columns included), in batches, as it reads a Parquet
file. The artifact records the version read (``provenance.predictions.table``,
``data.table``) and one SHA-256 over every file of the table's folder, log and data alike
(`cardgate.core.digests.inputs_sha256`): a new commit, a rewritten or removed file makes
the artifact stale (GATE-FA002, GATE-DC002) exactly as a changed file does, and
``gate --release`` reads the table again. A commit that lands while cardgate reads is an
error (`check_unchanged`), never an artifact of a table no digest describes.

The log decides which files are read, so it is held to the workspace's rule: every data
file it names must lie inside the table's folder (a log naming an absolute path elsewhere,
a remote URI or a link leaving the workspace is refused before a byte is read). A
table that needs reader features its Parquet files alone do not express (deletion vectors,
column mapping) is refused: delta-rs's Arrow reader raises for deletion vectors, and
`open_snapshot` refuses column mapping (which that reader would read as nulls); the engines
that read the Parquet files themselves (DuckDB, Spark: `engine_files`) refuse them.

A partitioned table keeps its partition columns' values in the log (each ``add`` action's
``partitionValues``), not in its Parquet files: the engines read them from the add actions
(typed by delta-rs per the table's schema) and supply them as columns of each file's rows
(`duckdb_rows`, `spark_rows`), in the table's column order, as delta-rs's reader does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cardgate.core.errors import ConfigurationError, InputError, first_line
from cardgate.core.paths import (
    PathEscapeError,
    glob_literal,
    hadoop_glob_literal,
    resolve_inside,
)
from cardgate.evidence.evaluation.parquet_rows import PARQUET_BATCH_ROWS, Locate, check_columns

LOG_FOLDER = "_delta_log"
DELTA_HINT = "a Delta table is a folder holding _delta_log/ and its Parquet files"


DELETION_VECTORS = "deletionVectors"
DELETION_VECTORS_HINT = (
    "cardgate reads no deletion vectors (delta-rs's reader applies none): purge them "
    "(REORG TABLE ... APPLY (PURGE)) or write the table without them"
)
FILE_FEATURES = frozenset({"timestampNtz"})
"""Reader features the Parquet files express themselves (a timestamp without time zone
is stored as one), so that an engine reading the files reads the table."""


def is_delta_table(path: Path) -> bool:
    """Whether `path` is a Delta table's folder."""
    return path.is_dir() and (path / LOG_FOLDER).is_dir()


@dataclass(frozen=True)
class DeltaSnapshot:
    """One version of a Delta table, as delta-rs loaded it."""

    table: Any
    """The `deltalake.DeltaTable`, loaded at `version`."""
    version: int
    files: tuple[Path, ...]
    """Its data files, each inside the table's folder."""
    partition_columns: tuple[str, ...]
    reader_features: tuple[str, ...]
    partition_values: tuple[tuple[Any, ...], ...] = ()
    """Per data file (as `files`), the values of its `partition_columns`, from the log."""
    partition_types: tuple[str, ...] = ()
    """The `partition_columns`' types in the table's schema (Delta's names: long, date...)."""
    columns: tuple[str, ...] = ()
    """Every column of the table, in its schema's order."""


def open_snapshot(path: Path, display: str, *, root: Path) -> DeltaSnapshot:
    """The latest version of the Delta table at `path` (`display`: its name in messages);
    every data file it names must lie inside `path`, which lies inside `root`."""
    import pyarrow as pa

    deltalake = _deltalake()
    with delta_errors(display):
        table = deltalake.DeltaTable(str(path))
        version = int(table.version())
        # the log's own paths (URIs, relative to the table or absolute): `file_uris()`
        # shows an absolute one joined to the table's folder, while the reader opens it
        actions = pa.table(table.get_add_actions(flatten=True))
        uris = [str(uri) for uri in actions.column("path").to_pylist()]
        metadata = table.metadata()
        partitions = tuple(str(name) for name in metadata.partition_columns)
        features = tuple(str(name) for name in (table.protocol().reader_features or ()))
        mapping = str(metadata.configuration.get("delta.columnMapping.mode", "none"))
        fields = json.loads(table.schema().to_json())["fields"]
        types = {str(field["name"]): str(field["type"]) for field in fields}
        # the log's partitionValues, typed by delta-rs per the schema, one row per file
        values = [actions.column(f"partition.{name}").to_pylist() for name in partitions]
    if mapping != "none":
        # the files name their columns by the mapping's physical names; delta-rs's Arrow
        # reader (1.6) does not map them back and reads every column as null
        raise InputError(
            f"{display}: the Delta table maps its columns (delta.columnMapping.mode: "
            f"{mapping}), which delta-rs's reader does not apply",
            hint="cardgate reads tables without column mapping: write a copy without it",
        )
    files = tuple(_data_file(path, uri, display, root=root) for uri in uris)
    return DeltaSnapshot(
        table,
        version,
        files,
        partitions,
        features,
        tuple(zip(*values, strict=True)) if partitions else tuple(() for _ in files),
        tuple(types[name] for name in partitions),
        tuple(types),
    )


def latest_version(path: Path, display: str) -> int:
    """The table's latest version, loaded afresh (to see whether a commit landed)."""
    deltalake = _deltalake()
    with delta_errors(display):
        return int(deltalake.DeltaTable(str(path)).version())


def check_unchanged(path: Path, display: str, version: int) -> None:
    """`InputError` when the Delta table at `path` is no longer at `version`: the rows
    read and the digest recorded could belong to different versions."""
    if latest_version(path, display) != version:
        raise InputError(
            f"{display}: a commit landed in the Delta table while it was read",
            hint="run the command again once the table is not being written",
        )


def delta_columns(snapshot: DeltaSnapshot, display: str) -> list[str]:
    """The table's columns, in its schema's order (partition columns included)."""
    with delta_errors(display):
        return list(snapshot.table.to_pyarrow_dataset().schema.names)


def delta_arrow(snapshot: DeltaSnapshot, display: str, columns: list[str]) -> Any:
    """The `columns` of `snapshot` (partition columns included) as one Arrow table."""
    with delta_errors(display):
        return snapshot.table.to_pyarrow_dataset().to_table(columns=columns)


def delta_batches(
    snapshot: DeltaSnapshot,
    display: str,
    needed: list[str],
    optional: list[str],
    *,
    locate: Locate,
) -> Iterator[Any]:
    """The rows of `snapshot`, only the `needed` columns and those of `optional` it has,
    as Arrow record batches."""
    with delta_errors(display):
        dataset = snapshot.table.to_pyarrow_dataset()
        present = list(dataset.schema.names)
        check_columns(present, needed, display, locate=locate)
        columns = [*needed, *(name for name in optional if name in present)]
        scanner = dataset.scanner(columns=columns, batch_size=PARQUET_BATCH_ROWS)
        yield from scanner.to_batches()


def engine_files(
    snapshot: DeltaSnapshot,
    display: str,
    engine: str,
    *,
    instead: str = "evaluate without --engine",
) -> list[Path]:
    """The data files an engine (DuckDB, Spark) reads for `snapshot` (with its partition
    values: `duckdb_rows`, `spark_rows`): the Parquet files hold the table only without
    reader features; otherwise a `ConfigurationError` whose hint says what reads it
    (`instead`)."""
    binary = [
        name
        for name, kind in zip(snapshot.partition_columns, snapshot.partition_types, strict=True)
        if kind == "binary"
    ]
    if binary:
        raise ConfigurationError(
            f"--engine {engine}: {display} is partitioned by binary columns "
            f"({', '.join(binary)}), whose values the engines are not given",
            hint=f"{instead} (delta-rs reads them)",
        )
    features = [name for name in snapshot.reader_features if name not in FILE_FEATURES]
    if features:
        raise ConfigurationError(
            f"--engine {engine}: {display} uses Delta reader features "
            f"({', '.join(features)}) that its Parquet files alone do not express",
            hint=DELETION_VECTORS_HINT
            if DELETION_VECTORS in features
            else f"{instead} (delta-rs applies them)",
        )
    if not snapshot.files:
        raise InputError(f"{display}: the Delta table has no data files", hint=DELTA_HINT)
    return list(snapshot.files)


def _file_groups(snapshot: DeltaSnapshot) -> list[tuple[tuple[Any, ...], list[Path]]]:
    """The data files grouped by their partition values, in the log's order."""
    groups: dict[tuple[Any, ...], list[Path]] = {}
    for path, values in zip(snapshot.files, snapshot.partition_values, strict=True):
        groups.setdefault(values, []).append(path)
    return list(groups.items())


_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "long": "BIGINT",
    "integer": "INTEGER",
    "short": "SMALLINT",
    "byte": "TINYINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "timestamp_ntz": "TIMESTAMP",
    "binary": "BLOB",
}
"""Delta's primitive types as DuckDB names them (``decimal(p,s)`` is the same in both)."""


def duckdb_rows(files: Sequence[Path], table: DeltaSnapshot | None = None) -> str:
    """The DuckDB table expression of the Parquet `files` read by name (a column a later
    commit added is null before it, as Delta reads them); for a partitioned Delta `table`
    (whose data files `files` are), each file's rows with its partition values, cast to
    the schema's types, in the table's column order."""
    # query.py brings numpy: not imported by the gate, which reads Delta versions only
    from cardgate.evidence.evaluation.query import quoted_name, sql_literal

    def read(paths: Sequence[Path]) -> str:
        literals = ", ".join(sql_literal(glob_literal(path)) for path in paths)
        # the values of a partitioned table's folders come from its log, never its paths
        return f"read_parquet([{literals}], union_by_name = true, hive_partitioning = false)"

    if table is None or not table.partition_columns:
        return read(files)
    selects = []
    for values, group in _file_groups(table):
        constants = ", ".join(
            f"CAST({'NULL' if value is None else sql_literal(_text(value))} AS "
            f"{_DUCKDB_TYPES.get(kind, kind)}) AS {quoted_name(name)}"
            for name, kind, value in zip(
                table.partition_columns, table.partition_types, values, strict=True
            )
        )
        selects.append(f"SELECT *, {constants} FROM {read(group)}")
    ordered = ", ".join(quoted_name(name) for name in table.columns)
    return f"(SELECT {ordered} FROM ({' UNION ALL BY NAME '.join(selects)}))"


def spark_rows(
    session: Any, files: Sequence[Path], table: DeltaSnapshot | None = None, *, merge: bool
) -> Any:
    """`duckdb_rows` for Spark: the frame of the Parquet `files` read by `session` (`merge`:
    by name), with a partitioned `table`'s partition values. One read of every file,
    joined by file name to the log's values (a Delta writer names each file uniquely);
    names that repeat or that Spark would spell otherwise: one read per partition."""
    reader = session.read.option("mergeSchema", "true") if merge else session.read
    # those files: Spark reads patterns (w[1].parquet would read w1.parquet)
    if table is None or not table.partition_columns:
        return reader.parquet(*(hadoop_glob_literal(path) for path in files))
    from pyspark.sql.functions import broadcast, col, lit

    ordered = [_spark_name(name) for name in table.columns]
    names = [path.name for path in table.files]
    if len(set(names)) == len(names) and all(_PLAIN_NAME.fullmatch(n) for n in names):
        key = "cardgate_delta_file"
        schema = ", ".join(
            f"{_spark_name(name)} {kind}"
            for name, kind in zip(
                (key, *table.partition_columns), ("string", *table.partition_types), strict=True
            )
        )
        values = session.createDataFrame(
            [(name, *row) for name, row in zip(names, table.partition_values, strict=True)],
            schema,
        )
        rows = (
            reader.parquet(*(hadoop_glob_literal(path) for path in table.files))
            .drop(*table.partition_columns)  # any Spark inferred from the folders' names
            .withColumn(key, col("_metadata.file_name"))
        )
        return rows.join(broadcast(values), on=key, how="left").select(*ordered)
    frames = []
    for group_values, group in _file_groups(table):
        frame = reader.parquet(*(hadoop_glob_literal(path) for path in group))
        for name, kind, value in zip(
            table.partition_columns, table.partition_types, group_values, strict=True
        ):
            frame = frame.withColumn(name, lit(value).cast(kind))
        frames.append(frame)
    rows = functools.reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    return rows.select(*ordered)


_PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+")


def _spark_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _text(value: Any) -> str:
    """A partition value as text DuckDB casts to its type (ISO dates and timestamps)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    return str(value)


def _data_file(table: Path, uri: str, display: str, *, root: Path) -> Path:
    parts = urlsplit(uri)
    if parts.scheme not in ("", "file") or parts.netloc not in ("", "localhost"):
        raise InputError(
            f"{display}: the Delta log names a data file outside the workspace ('{uri}')",
            hint="cardgate reads tables whose files lie in the table's folder",
        )
    path = Path(unquote(parts.path))  # the protocol's paths are URIs, to be decoded
    if not path.is_absolute():
        path = table / path
    base = root.resolve()
    try:
        if not path.is_relative_to(base):
            raise PathEscapeError(f"'{uri}' is outside the workspace")
        resolved = resolve_inside(base, path.relative_to(base).as_posix())
    except PathEscapeError as error:
        raise InputError(
            f"{display}: the Delta log names a data file that {error}",
            hint="cardgate reads tables whose files lie in the table's folder",
        ) from error
    if table.resolve() not in resolved.parents:
        raise InputError(
            f"{display}: the Delta log names a data file outside the table's folder ('{uri}')",
            hint="cardgate reads tables whose files lie in the table's folder",
        )
    return resolved


@contextlib.contextmanager
def delta_errors(display: str) -> Iterator[None]:
    """Errors of delta-rs and of the Parquet files it reads, as one `InputError`."""
    try:
        yield
    except (InputError, ConfigurationError):
        raise
    except Exception as error:
        raise _unreadable(display, error) from error
    except BaseException as error:  # delta-rs reports some malformed logs as a Rust panic
        if type(error).__name__ != "PanicException":
            raise
        raise _unreadable(display, error) from error


def _unreadable(display: str, error: BaseException) -> InputError:
    message = first_line(error)
    hint = DELETION_VECTORS_HINT if DELETION_VECTORS in message else DELTA_HINT
    return InputError(f"{display}: cannot read the Delta table: {message}", hint=hint)


def _deltalake() -> Any:
    try:
        import deltalake
    except ImportError as error:
        raise ConfigurationError(
            "reading a Delta table needs delta-rs, which is not installed",
            hint="pip install 'cardgate[delta]'",
        ) from error
    return deltalake
