"""A Delta Lake table of predictions, read with delta-rs (`deltalake`, the ``delta`` extra):
no JVM and no jars fetched from Maven at run time.

A folder that holds ``_delta_log/`` is a Delta table. cardgate reads its latest version,
only the needed columns (partition columns included), in batches, as it reads a Parquet
file. The artifact records the version read (``provenance.predictions.table``) and one
SHA-256 over every file of the table's folder, log and data alike
(`cardgate.core.digests.inputs_sha256`): a new commit, a rewritten or removed file makes
the evaluation stale (GATE-FA002) exactly as a changed predictions file does, and
``gate --release`` reads the table again. A commit that lands while cardgate reads is an
error, never an evaluation of a table no digest describes.

The log decides which files are read, so it is held to the workspace's rule: every data
file it names must lie inside the table's folder (a log naming an absolute path elsewhere,
a remote URI or a link leaving the workspace is refused before a byte is read). A
table that needs reader features its Parquet files alone do not express (deletion vectors,
column mapping) is refused: delta-rs's Arrow reader raises for them, and ``--engine``
(which counts the files) refuses them itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cardgate.core.errors import ConfigurationError, InputError, first_line
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.evidence.evaluation.parquet_rows import PARQUET_BATCH_ROWS, Locate, check_columns

LOG_FOLDER = "_delta_log"
_HINT = "a Delta table is a folder holding _delta_log/ and its Parquet files"


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


def open_snapshot(path: Path, display: str, *, root: Path) -> DeltaSnapshot:
    """The latest version of the Delta table at `path` (`display`: its name in messages);
    every data file it names must lie inside `path`, which lies inside `root`."""
    import pyarrow as pa

    deltalake = _deltalake()
    with _delta_errors(display):
        table = deltalake.DeltaTable(str(path))
        version = int(table.version())
        # the log's own paths (URIs, relative to the table or absolute): `file_uris()`
        # shows an absolute one joined to the table's folder, while the reader opens it
        actions = pa.table(table.get_add_actions(flatten=True))
        uris = [str(uri) for uri in actions.column("path").to_pylist()]
        partitions = tuple(str(name) for name in table.metadata().partition_columns)
        features = tuple(str(name) for name in (table.protocol().reader_features or ()))
    files = tuple(_data_file(path, uri, display, root=root) for uri in uris)
    return DeltaSnapshot(table, version, files, partitions, features)


def latest_version(path: Path, display: str) -> int:
    """The table's latest version, loaded afresh (to see whether a commit landed)."""
    deltalake = _deltalake()
    with _delta_errors(display):
        return int(deltalake.DeltaTable(str(path)).version())


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
    with _delta_errors(display):
        dataset = snapshot.table.to_pyarrow_dataset()
        present = list(dataset.schema.names)
        check_columns(present, needed, display, locate=locate)
        columns = [*needed, *(name for name in optional if name in present)]
        scanner = dataset.scanner(columns=columns, batch_size=PARQUET_BATCH_ROWS)
        yield from scanner.to_batches()


def engine_files(
    snapshot: DeltaSnapshot, display: str, needed: list[str], engine: str
) -> list[Path]:
    """The data files an engine (`evaluate --engine`) reads for `snapshot`: the Parquet
    files alone hold the table only without partition columns among `needed` and without
    reader features; otherwise a `ConfigurationError` that says to read it without one."""
    partitioned = [name for name in needed if name in snapshot.partition_columns]
    if partitioned:
        raise ConfigurationError(
            f"--engine {engine}: {display} is partitioned by {', '.join(partitioned)}, "
            "whose values live in the Delta log, not in its Parquet files",
            hint="evaluate without --engine: delta-rs reads the partition values",
        )
    if snapshot.reader_features:
        raise ConfigurationError(
            f"--engine {engine}: {display} uses Delta reader features "
            f"({', '.join(snapshot.reader_features)}) that its Parquet files alone do not "
            "express",
            hint="evaluate without --engine: delta-rs applies them",
        )
    if not snapshot.files:
        raise InputError(f"{display}: the Delta table has no data files", hint=_HINT)
    return list(snapshot.files)


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
def _delta_errors(display: str) -> Iterator[None]:
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
    return InputError(f"{display}: cannot read the Delta table: {first_line(error)}", hint=_HINT)


def _deltalake() -> Any:
    try:
        import deltalake
    except ImportError as error:
        raise ConfigurationError(
            "reading a Delta table needs delta-rs, which is not installed",
            hint="pip install 'cardgate[delta]'",
        ) from error
    return deltalake
