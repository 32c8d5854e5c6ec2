"""Reading what cardgate did not write: regular files only, within a size limit per kind.

A committed file can be a link to ``/dev/zero`` (reads forever), a FIFO (a read blocks
until someone writes), or simply huge. Every file cardgate reads whole goes through
`read_regular`, which opens without blocking, refuses anything but a regular file and
stops at the limit of its kind, so a hostile workspace costs a message, not a hang or the
machine's memory.

The limits are set by whoever runs cardgate (CI, a developer), not by the workspace, so
that a change under review cannot raise them: environment variables, in bytes, with an
optional K, M or G suffix (powers of 1024).
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgate.core.errors import ConfigurationError


@dataclass(frozen=True)
class SizeLimit:
    """The most bytes cardgate reads of one kind of file."""

    variable: str
    default: int
    kind: str

    def value(self) -> int:
        """The limit in force: the environment variable, else the default."""
        raw = os.environ.get(self.variable, "").strip()
        if not raw:
            return self.default
        match = re.fullmatch(r"(\d+)\s*([KMG]i?B?)?", raw, re.IGNORECASE)
        if match is None:
            raise ConfigurationError(
                f"{self.variable}={raw!r} is not a size",
                hint="write a number of bytes, optionally with K, M or G: 5M, 2G",
            )
        unit = (match.group(2) or " ")[0].upper()
        return int(match.group(1)) * {" ": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[unit]


DOCUMENT_BYTES = SizeLimit("CARDGATE_MAX_DOCUMENT_BYTES", 5 << 20, "a YAML document")
ARTIFACT_BYTES = SizeLimit("CARDGATE_MAX_ARTIFACT_BYTES", 64 << 20, "a JSON artifact")
IN_MEMORY_BYTES = SizeLimit(
    "CARDGATE_MAX_IN_MEMORY_BYTES", 2 << 30, "a data file loaded in memory (decompressed)"
)


class UnreadableFile(Exception):
    """A file cardgate will not read; `reason` says why, for a message naming the file."""

    def __init__(self, path: Path, reason: str, *, hint: str = "") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.hint = hint


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def over_limit(path: Path, size: int, limit: SizeLimit, maximum: int) -> UnreadableFile:
    """The error for a file of `size` bytes over `limit` (whose value is `maximum`)."""
    return UnreadableFile(
        path,
        f"is {size:,} bytes, over the limit of {maximum:,} for {limit.kind}",
        hint=f"is this the right file? (the limit is set by {limit.variable})",
    )


def read_regular(path: Path, *, limit: SizeLimit) -> bytes:
    """The bytes of the regular file at `path` (links followed), at most `limit` of them.

    Raises `UnreadableFile` for a file that cannot be opened, is not a regular file or is
    larger than the limit (also when it grows while being read).
    """
    maximum = limit.value()
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise UnreadableFile(path, f"cannot be read: {error.strerror or error}") from error
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile(
                path,
                f"is {file_kind(status.st_mode)}, not a regular file",
                hint="commit the file itself, not a link to a device or a pipe",
            )
        if status.st_size > maximum:
            raise over_limit(path, status.st_size, limit, maximum)
        chunks = []
        remaining = maximum + 1
        while remaining > 0 and (chunk := os.read(handle, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise UnreadableFile(path, f"cannot be read: {error.strerror or error}") from error
    finally:
        os.close(handle)
    data = b"".join(chunks)
    if len(data) > maximum:
        raise over_limit(path, len(data), limit, maximum)
    return data


def read_json(path: Path, *, limit: SizeLimit = ARTIFACT_BYTES) -> Any:
    """The JSON data of the file at `path`, size-checked before parsing.

    Raises `UnreadableFile`, FileNotFoundError, or ValueError (not JSON, not UTF-8).
    """
    return json.loads(read_regular(path, limit=limit))


def json_field(path: Path, key: str) -> object:
    """`key` of the JSON object at `path`; None when it is not one, or cannot be read."""
    try:
        data = read_json(path)
    except (OSError, ValueError, UnreadableFile):
        return None
    return data.get(key) if isinstance(data, dict) else None
