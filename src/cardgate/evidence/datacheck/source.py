"""The data file to check: where it is, what format, and whether it can be read at all."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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
