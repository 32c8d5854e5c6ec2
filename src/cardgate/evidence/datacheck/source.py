"""The data file to check: where it is, what format, and whether it can be read at all.

A Delta table (a folder holding ``_delta_log/``) is data too: its latest version, opened
by the reader `evaluate` uses (`evaluation.delta_table`); pandas reads it through
delta-rs, DuckDB and Spark read the snapshot's Parquet files (`parquet_files`) with
its partition values from the log.

Both engines (`pandas_engine`, `duckdb_engine`) follow one rule for CSV, stated here: the
file is UTF-8 text with a header row, and every row has exactly the header's number of
fields (RFC 4180). A file that breaks it cannot be checked (`read_error`: exit 1, naming
the line), whichever engine reads it; it is never "contract met". Bytes that are not
UTF-8 in a column no engine reads break it too (`require_utf8`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import os
import re
import stat
import zlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from cardgate.core.errors import InputError
from cardgate.core.inputs import file_kind, open_regular
from cardgate.core.paths import PathEscapeError, display_path
from cardgate.evidence.evaluation.delta_table import (
    DELTA_HINT,
    DeltaSnapshot,
    delta_columns,
    engine_files,
    is_delta_table,
    open_snapshot,
)
from cardgate.evidence.evaluation.parquet_rows import repeated_column

DataFormat = Literal["csv", "parquet", "delta"]

CHECK_WITH_PANDAS = "check it with --engine pandas"
"""What reads a Delta table whose Parquet files alone do not hold it, for `check-data`."""
PROFILE_WITH_PARQUET = (
    "profile reads Parquet files: profile a copy of the table without these reader "
    "features, or check it with 'check-data --engine pandas'"
)
"""The same for `profile`, which reads no rows through delta-rs."""

_FORMATS: dict[str, tuple[DataFormat, str | None]] = {
    ".csv": ("csv", None),
    ".csv.gz": ("csv", "gzip"),
    ".parquet": ("parquet", None),
    ".pq": ("parquet", None),
}


@dataclass(frozen=True)
class DataSource:
    """A data file with its format; `compression` is 'gzip' for `.csv.gz`. A Delta
    table: its folder, with `table` the version read (`size`: its data files' bytes)."""

    path: Path
    format: DataFormat
    compression: str | None
    size: int
    table: DeltaSnapshot | None = None

    @property
    def display(self) -> str:
        return display_path(self.path)

    @property
    def suffix(self) -> str:
        return "csv.gz" if self.compression == "gzip" else self.format

    @contextlib.contextmanager
    def opened(self) -> Iterator[IO[bytes] | gzip.GzipFile]:
        """The file's bytes, decompressed (a regular file only)."""
        with open_regular(self.path) as raw:
            if self.compression != "gzip":
                yield raw
                return
            with gzip.GzipFile(fileobj=raw) as unpacked:
                yield unpacked

    def csv_header(self) -> list[str]:
        """The field names of the header row (the first line, at most 1 MiB). Lines may
        end in LF, CRLF or CR alone (classic Mac OS), as DuckDB and pyarrow read them: a
        bare CR in the header line was an internal error of Python's csv module."""
        try:
            with self.opened() as stream:
                first = stream.readline(HEADER_BYTES)
        except (EOFError, zlib.error, gzip.BadGzipFile) as error:  # not gzip, or cut short
            raise read_error(self, error) from error
        if not first.endswith(b"\n") and b"\r" in first:  # lines that end in CR alone
            first = first[: first.index(b"\r")]
        try:
            text = first.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise read_error(self, error) from error
        refuse_binary(text, self.display)
        try:
            names = next(csv.reader([text.rstrip("\r\n")]), [])
        except csv.Error as error:  # a quoted name holding a line break
            raise read_error(self, error) from error
        if not names:  # DuckDB's reader of no columns was an internal error
            raise InputError(
                f"{self.display}: has no header row (its first line is empty)",
                hint="the first line names the columns; was the export interrupted? "
                "re-export the data",
            )
        unnamed = next((i for i, name in enumerate(names) if not name.strip()), None)
        if unnamed is not None:  # DuckDB names no column '' (an internal error of its reader)
            column = 1 + sum(len(name) + 1 for name in names[:unnamed])
            raise InputError(
                f"{self.display}:1:{column}: column {unnamed + 1} of the header has no name",
                hint="name it, or drop the empty column (a trailing comma makes one), and "
                "re-export the data",
            )
        return self._distinct(names, header=True)

    def columns(self) -> list[str]:
        """The column names: a CSV's header row, a Parquet file's or Delta table's schema;
        each named once (`InputError` otherwise)."""
        if self.format == "csv":
            return self.csv_header()
        if self.table is not None:
            return self._distinct(delta_columns(self.table, self.display))
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            names = list(pq.ParquetFile(self.path).schema_arrow.names)
        except (pa.ArrowException, OSError) as error:
            raise read_error(self, error) from error
        return self._distinct(names)

    def _distinct(self, names: list[str], *, header: bool = False) -> list[str]:
        """`names`, or an `InputError` when one is there twice: which column a contract
        clause judges would depend on the engine (`repeated_column`); in a CSV `header`,
        at the second name's line and column (exact where no name is quoted)."""
        twice = repeated_column(names)
        if twice is not None:
            column = 1 + sum(len(name) + 1 for name in names[: twice.second - 1])
            where = f":1:{column}" if header else ""
            raise InputError(
                f"{self.display}{where}: {twice.message}",
                hint="rename or drop one of them and re-export the data",
            )
        return names

    def expanded_size(self) -> int:
        """The size of the data once decompressed, as the file declares it: gzip's
        trailer (modulo 4 GiB, so at least the size on disk), Parquet's metadata."""
        if self.compression == "gzip" and self.size >= 4:
            with open_regular(self.path) as stream:
                stream.seek(-4, os.SEEK_END)
                declared = int.from_bytes(stream.read(4), "little")
            return max(declared, self.size)
        if self.format in ("parquet", "delta"):
            import pyarrow.parquet as pq

            expanded = 0
            for path in self.table.files if self.table is not None else (self.path,):
                try:
                    metadata = pq.ParquetFile(path).metadata
                except Exception:  # unreadable: the engine's read reports it
                    return self.size
                groups = range(metadata.num_row_groups)
                expanded += int(sum(metadata.row_group(i).total_byte_size for i in groups))
            return max(expanded, self.size)
        return self.size

    def parquet_files(self, engine: str, *, instead: str = CHECK_WITH_PANDAS) -> list[Path]:
        """The Parquet files an engine (DuckDB, Spark) reads: the file, or a Delta table's
        data files (refused, `delta_table.engine_files`, with the hint `instead`, when the
        table needs reader features; a partitioned table's values come from its log:
        `delta_table.duckdb_rows`, `spark_rows`)."""
        if self.table is None:
            return [self.path]
        return engine_files(self.table, self.display, engine, instead=instead)


HEADER_BYTES = 1 << 20

_RAGGED = re.compile(  # Apache Arrow's words, then DuckDB's
    r"Expected (\d+) columns, got (\d+)|Expected Number of Columns: (\d+) Found: (\d+)"
)
_LINE = re.compile(r"(?:Row #|Line: )(\d+)")
_NOT_UTF8 = re.compile(r"invalid UTF-?8|invalid unicode|can't decode byte|utf-8", re.IGNORECASE)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def read_error(source: DataSource, error: BaseException, *, shown: str = "") -> InputError:
    """What an engine's read error means, in the same words for every reader of a data
    file (check-data's engines, monitoring's profiles, evaluate's predictions); `shown`:
    how the message names the file (default: `DataSource.display`)."""
    text = str(error).strip()
    shown = shown or source.display
    if source.format == "csv":
        if _starts_with(source, _UTF16_MARKS):
            return InputError(f"{shown}: is UTF-16 text, not UTF-8", hint="save it as UTF-8")
        line = _LINE.search(text)
        ragged = _RAGGED.search(text)
        if ragged is not None:
            expected, found = [group for group in ragged.groups() if group is not None]
            where = f"line {line.group(1)}" if line else "a row"
            return InputError(
                f"{shown}: {where}: {found} fields where the header has {expected}",
                hint="every row needs one field per column of the header (quote a value "
                "that holds a comma); re-export the file",
            )
        if isinstance(error, UnicodeDecodeError) or _NOT_UTF8.search(text):
            number = int(line.group(1)) if line else invalid_utf8_line(source)
            return not_utf8(shown, number)
    first = text.splitlines()[0] if text else type(error).__name__
    if source.table is not None:
        return InputError(
            f"{shown}: cannot read the Delta table's data files: {first}", hint=DELTA_HINT
        )
    return InputError(
        f"{shown}: cannot read the {source.suffix} file: {first}",
        hint=f"is the file complete and really {source.suffix}? re-export it",
    )


def require_utf8(source: DataSource, read: Collection[str], *, shown: str = "") -> None:
    """InputError when the CSV file holds bytes that are not UTF-8 in a column its reader
    leaves unread (`read`: the columns it reads). DuckDB and pyarrow check the text of
    the columns they read only, and a file of other text passed with its bad bytes in a
    column no clause or profile names; the rule above is the whole file's. The file is
    decoded once more only when some column is left unread (each of the others is
    checked by its reader)."""
    if source.format != "csv" or set(source.csv_header()) <= set(read):
        return
    line = invalid_utf8_line(source)
    if line is not None:
        raise not_utf8(shown or source.display, line)


def refuse_binary(header: str, shown: str) -> None:
    """InputError when a CSV file's first line (`header`, decoded) holds a NUL byte:
    valid UTF-8, yet no text (a binary file, or UTF-16 without its byte-order mark),
    which every reader took for a header row of odd names and no rows."""
    if "\x00" in header:
        raise InputError(
            f"{shown}:1:{header.index(chr(0)) + 1}: holds a NUL byte: a binary file, not CSV text",
            hint="point at the CSV export itself (UTF-16 text without a byte-order mark "
            "looks like this too: save it as UTF-8)",
        )


def not_utf8(shown: str, line: int | None) -> InputError:
    """The error for a CSV file that is not UTF-8 text (its first bad `line`, if known)."""
    where = f" (line {line})" if line is not None else ""
    return InputError(f"{shown}: is not UTF-8 text{where}", hint="save it as UTF-8")


_SCAN_BYTES = 8 << 20


def invalid_utf8_line(source: DataSource) -> int | None:
    """The line (1-based) of the first bytes of the CSV file that are not UTF-8, read
    through to the end if need be; None when every byte is (or it cannot be read: its
    reader says why). Readers of rows do not say the line of every such error."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    try:
        with source.opened() as stream:
            while chunk := stream.read(_SCAN_BYTES):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    return line + chunk.count(b"\n", 0, max(error.start, 0))
                line += chunk.count(b"\n")
            decoder.decode(b"", final=True)  # a sequence cut short by the end
    except UnicodeDecodeError:
        return line
    except (OSError, EOFError, zlib.error):
        return None
    return None


def _starts_with(source: DataSource, marks: tuple[bytes, ...]) -> bool:
    try:
        with source.opened() as stream:
            return stream.read(4).startswith(marks)
    except (OSError, EOFError, zlib.error):
        return False


def require_given(paths: Sequence[Path], option: str) -> None:
    """InputError for the first of `paths`, given with the command-line `option`, that does
    not exist: its hint is about that option, not about the datasheet's contract.path."""
    for path in paths:
        if not path.exists():
            raise InputError(
                f"{display_path(path)}: data file not found",
                hint=f"check the path given to {option} (a data file, or a Delta table's "
                "folder): a relative path is read from the current folder",
            )


def open_source(path: Path, *, root: Path | None = None, option: str | None = None) -> DataSource:
    """Check that `path` is a non-empty file in a supported format, or a Delta table
    (InputError otherwise). `root`: the workspace, which every data file a Delta log
    names must stay inside (as well as inside the table's folder). `option`: the
    command-line option that gave `path`, when one did (the hint when it is missing)."""
    if option is not None:
        require_given([path], option)
    if not path.exists():
        raise InputError(
            f"{display_path(path)}: data file not found",
            hint="check the datasheet's contract.path, or pass --data PATH "
            "(a file, or a Delta table's folder)",
        )
    if is_delta_table(path):
        shown = display_path(path)
        inside = root is not None and path.resolve().is_relative_to(root.resolve())
        snapshot = open_snapshot(path, shown, root=root if root is not None and inside else path)
        try:
            size = sum(file.stat().st_size for file in snapshot.files)
        except OSError as error:
            raise InputError(
                f"{shown}: the Delta log names a data file that cannot be read: "
                f"{error.strerror or error} ({display_path(Path(str(error.filename)))})",
                hint="was a data file removed by hand? restore it, or commit a new version",
            ) from error
        return DataSource(path, "delta", None, size, snapshot)
    if path.is_dir():
        raise InputError(
            f"{display_path(path)}: is a folder without _delta_log/, not a Delta table",
            hint="cardgate reads .csv, .csv.gz and .parquet files, and Delta tables "
            "(a folder holding _delta_log/ and its Parquet files)",
        )
    name = path.name.lower()
    match = next(
        (suffix for suffix in sorted(_FORMATS, key=len, reverse=True) if name.endswith(suffix)),
        None,
    )
    if match is None:
        raise InputError(
            f"{display_path(path)}: unsupported data file type",
            hint="cardgate reads .csv, .csv.gz and .parquet files, and Delta tables "
            "(a folder holding _delta_log/)",
        )
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise InputError(
            f"{display_path(path)}: is {file_kind(mode)}, not a regular file",
            hint="pass the data file itself",
        )
    size = path.stat().st_size
    if size == 0:
        raise InputError(
            f"{display_path(path)}: the data file is empty (0 bytes)",
            hint="was the export interrupted? re-export the data",
        )
    data_format, compression = _FORMATS[match]
    return DataSource(path, data_format, compression, size)


def data_sha256(source: DataSource, root: Path, *, exclude: Sequence[str] = ()) -> str:
    """The data's fingerprint: a file's SHA-256; for a Delta table, one SHA-256 over every
    file of its folder (`inputs_sha256`, as for predictions) less `exclude` (an artifact
    written inside it), its paths relative to the workspace `root` (outside it: to the
    folder's parent). InputError when a file cannot be read."""
    from cardgate.core.digests import file_sha256, inputs_sha256

    try:
        if source.table is None:
            return file_sha256(source.path)
        folder = source.path.resolve()
        base = root.resolve() if folder.is_relative_to(root.resolve()) else folder.parent
        return inputs_sha256(base, [folder.relative_to(base).as_posix()], exclude=exclude)[0]
    except PathEscapeError as error:
        raise InputError(f"{source.display}: {error}", hint=DELTA_HINT) from error
    except OSError as error:
        raise InputError(f"{source.display}: cannot read: {error}") from error
