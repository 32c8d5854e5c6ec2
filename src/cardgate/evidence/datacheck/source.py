"""The data file to check: where it is, what format, and whether it can be read at all.

Both engines (`pandas_engine`, `duckdb_engine`) follow one rule for CSV, stated here: the
file is UTF-8 text with a header row, and every row has exactly the header's number of
fields (RFC 4180). A file that breaks it cannot be checked (`read_error`: exit 1, naming
the line), whichever engine reads it; it is never "contract met".
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from cardgate.core.errors import InputError
from cardgate.core.inputs import file_kind, open_regular
from cardgate.core.paths import display_path

DataFormat = Literal["csv", "parquet"]

_FORMATS: dict[str, tuple[DataFormat, str | None]] = {
    ".csv": ("csv", None),
    ".csv.gz": ("csv", "gzip"),
    ".parquet": ("parquet", None),
    ".pq": ("parquet", None),
}


@dataclass(frozen=True)
class DataSource:
    """A data file with its format; `compression` is 'gzip' for `.csv.gz`."""

    path: Path
    format: DataFormat
    compression: str | None
    size: int

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
        """The field names of the header row (the first line, at most 1 MiB)."""
        with self.opened() as stream:
            first = stream.readline(HEADER_BYTES)
        try:
            text = first.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise read_error(self, error) from error
        return next(csv.reader([text]), [])

    def columns(self) -> list[str]:
        """The column names: a CSV's header row, a Parquet file's schema."""
        if self.format == "csv":
            return self.csv_header()
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(self.path).schema_arrow.names)

    def expanded_size(self) -> int:
        """The size of the data once decompressed, as the file declares it: gzip's
        trailer (modulo 4 GiB, so at least the size on disk), Parquet's metadata."""
        if self.compression == "gzip" and self.size >= 4:
            with open_regular(self.path) as stream:
                stream.seek(-4, os.SEEK_END)
                declared = int.from_bytes(stream.read(4), "little")
            return max(declared, self.size)
        if self.format == "parquet":
            import pyarrow.parquet as pq

            try:
                metadata = pq.ParquetFile(self.path).metadata
            except Exception:  # unreadable: the engine's read reports it
                return self.size
            groups = range(metadata.num_row_groups)
            return max(int(sum(metadata.row_group(i).total_byte_size for i in groups)), self.size)
        return self.size


HEADER_BYTES = 1 << 20

_RAGGED = re.compile(  # Apache Arrow's words, then DuckDB's
    r"Expected (\d+) columns, got (\d+)|Expected Number of Columns: (\d+) Found: (\d+)"
)
_LINE = re.compile(r"(?:Row #|Line: )(\d+)")
_NOT_UTF8 = re.compile(r"invalid UTF-?8|invalid unicode|can't decode byte|utf-8", re.IGNORECASE)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def read_error(source: DataSource, error: BaseException) -> InputError:
    """What an engine's read error means, in the same words for both engines."""
    text = str(error).strip()
    shown = source.display
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
            where = f" (line {line.group(1)})" if line else ""
            return InputError(f"{shown}: is not UTF-8 text{where}", hint="save it as UTF-8")
    first = text.splitlines()[0] if text else type(error).__name__
    return InputError(
        f"{shown}: cannot read the {source.suffix} file: {first}",
        hint=f"is the file complete and really {source.suffix}? re-export it",
    )


def _starts_with(source: DataSource, marks: tuple[bytes, ...]) -> bool:
    try:
        with source.opened() as stream:
            return stream.read(4).startswith(marks)
    except (OSError, EOFError, zlib.error):
        return False


def open_source(path: Path) -> DataSource:
    """Check that `path` is a non-empty file in a supported format (InputError otherwise)."""
    name = path.name.lower()
    match = next(
        (suffix for suffix in sorted(_FORMATS, key=len, reverse=True) if name.endswith(suffix)),
        None,
    )
    if match is None:
        raise InputError(
            f"{display_path(path)}: unsupported data file type",
            hint="cardgate reads .csv, .csv.gz and .parquet files",
        )
    if not path.exists():
        raise InputError(
            f"{display_path(path)}: data file not found",
            hint="check the datasheet's contract.path, or pass --data PATH",
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
