"""Reading what cardgate did not write: regular files only, within a size limit per kind.

A committed file can be a link to ``/dev/zero`` (reads forever), a FIFO (a read blocks
until someone writes), or simply huge. Every file cardgate reads whole goes through
`read_regular` (one it reads line by line, through `regular_lines`), which opens without
blocking, refuses anything but a regular file and stops at the limit of its kind, so a
hostile workspace costs a message, not a hang or the machine's memory.

The limits are set by whoever runs cardgate (CI, a developer), not by the workspace, so
that a change under review cannot raise them: environment variables, in bytes, with an
optional K, M or G suffix (powers of 1024).
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

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
_CHUNK = 1 << 20

ARTIFACT_BYTES = SizeLimit("CARDGATE_MAX_ARTIFACT_BYTES", 64 << 20, "a JSON artifact")
SIGNERS_BYTES = SizeLimit("CARDGATE_MAX_SIGNERS_BYTES", 1 << 20, "an allowed_signers file")
IN_MEMORY_BYTES = SizeLimit(
    "CARDGATE_MAX_IN_MEMORY_BYTES", 2 << 30, "a data file loaded in memory (decompressed)"
)


class UnreadableFile(OSError):
    """A file cardgate will not read (not a regular file, over its size limit); `reason`
    says why, for a message naming the file. An OSError, so that every reader's handling
    of a file that cannot be read covers it."""

    def __init__(self, path: Path, reason: str, *, hint: str = "", oversize: bool = False) -> None:
        super().__init__(reason)
        self.strerror = reason
        self.filename = str(path)
        self.path = path
        self.reason = reason
        self.hint = hint
        self.oversize = oversize
        """Refused for its size (the file is fine, only too large)."""

    def __str__(self) -> str:
        return self.reason


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
        oversize=True,
    )


def open_regular(path: Path) -> BinaryIO:
    """The regular file at `path` (links followed), opened for reading without blocking.

    Raises `UnreadableFile` for anything but a regular file (a FIFO, a device, a folder),
    and the OSError of the open (FileNotFoundError, PermissionError …).
    """
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile(
                path,
                f"is {file_kind(mode)}, not a regular file",
                hint="name the file inside it"
                if stat.S_ISDIR(mode)
                else "commit the file itself, not a link to a device or a pipe",
            )
        os.set_blocking(handle, True)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def read_regular(path: Path, *, limit: SizeLimit, maximum: int | None = None) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` (or `maximum`) of them.

    Raises `UnreadableFile` for a file that is not a regular file or is larger than the
    limit (also when it grows while being read), and the OSError of the open or read.
    """
    most = limit.value() if maximum is None else maximum
    with open_regular(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > most:
            raise over_limit(path, size, limit, most)
        # in chunks, not read(most + 1): that reserves the whole limit (64 MB for an
        # artifact) for every file, however small
        chunks: list[bytes] = []
        read = 0
        while chunk := stream.read(min(_CHUNK, most + 1 - read)):
            chunks.append(chunk)
            read += len(chunk)
            if read > most:  # it grew while being read
                raise over_limit(path, read, limit, most)
    return b"".join(chunks)


def regular_lines(path: Path, *, limit: SizeLimit) -> Iterator[bytes]:
    """The lines of the regular file at `path`, each with its b"\\n" (the last may have
    none), read one at a time: `read_regular` for a file too large to hold whole, with the
    same refusals — not a regular file, over `limit` before reading or while being read
    (a line is read at most up to the limit, so a growing file cannot pass it either).
    """
    most = limit.value()
    with open_regular(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > most:
            raise over_limit(path, size, limit, most)
        read = 0
        while line := stream.readline(most + 1 - read):
            read += len(line)
            if read > most:  # it grew while being read
                raise over_limit(path, read, limit, most)
            yield line


def read_json(path: Path, *, limit: SizeLimit = ARTIFACT_BYTES) -> Any:
    """The JSON data of the file at `path` (an artifact cardgate writes), size-checked
    before parsing; an object with a key twice is refused (`loads_json`'s `unique_keys`).

    Raises OSError (`UnreadableFile`, FileNotFoundError …) or ValueError (not JSON).
    """
    return loads_json(read_regular(path, limit=limit), unique_keys=True)


NESTED_JSON = "is nested too deeply to read (arrays or objects inside each other)"


def loads_json(text: str | bytes, *, unique_keys: bool = False, **hooks: Any) -> Any:
    """`json.loads(text, **hooks)` for text cardgate did not write: every way it can fail
    is a `json.JSONDecodeError` (a ValueError, with a line and column), including the two
    the json module raises otherwise — nesting deeper than Python's recursion allows
    (RecursionError) and an integer of more digits than `int` converts (a bare ValueError
    that suggests raising the interpreter's limit).

    `unique_keys`: an object with a key twice is an error too (the json module keeps the
    last, other readers the first: which one counts must not depend on the reader). For
    what cardgate writes, which never repeats a key.
    """
    if unique_keys:
        hooks["object_pairs_hook"] = _unique_object
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError(NESTED_JSON, _as_text(text), 0) from None
    except _KeyTwice as twice:
        doc = _as_text(text)
        key = json.dumps(twice.key, ensure_ascii=False)
        second = doc.find(key, doc.find(key) + 1)
        raise json.JSONDecodeError(
            f"has the key {key} twice in one object (readers differ on which one counts)",
            doc,
            max(second, 0),
        ) from None
    except ValueError as error:
        if "integer string conversion" not in str(error):
            raise  # a hook's own error
        most = sys.get_int_max_str_digits()
        doc = _as_text(text)
        found = re.search(rf"\d{{{most + 1},}}", doc)
        raise json.JSONDecodeError(
            f"holds an integer of more than {most} digits", doc, found.start() if found else 0
        ) from None


class _KeyTwice(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _KeyTwice(key)
            seen.add(key)
    return found


def _as_text(text: str | bytes) -> str:
    return text if isinstance(text, str) else text.decode("utf-8", errors="replace")


def json_field(path: Path, key: str) -> object:
    """`key` of the JSON object at `path`; None when it is not one, or cannot be read."""
    try:
        data = read_json(path)
    except (OSError, ValueError):
        return None
    return data.get(key) if isinstance(data, dict) else None
