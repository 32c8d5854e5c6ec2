"""Atomic, deterministic writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def write_bytes_atomic(
    path: Path, data: bytes, *, exclusive: bool = False, durable: bool = True
) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    With `exclusive`, refuse (FileExistsError) when `path` exists at the moment of the
    rename, so that a document is never overwritten. Without `durable`, skip the fsync:
    for files that are cheap to regenerate (the site's pages), a crash still leaves no
    half-written file, only possibly an older one after a power cut.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if exclusive:
            os.link(temporary, path)  # fails if path exists; atomic on POSIX
            os.unlink(temporary)
        else:
            os.replace(temporary, path)
    except BaseException:
        if Path(temporary).exists():
            os.unlink(temporary)
        raise


def write_text_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write UTF-8 text atomically (LF line endings)."""
    write_bytes_atomic(path, text.encode("utf-8"), exclusive=exclusive)


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline, no NaN."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write `data` as canonical JSON, atomically."""
    write_text_atomic(path, canonical_json(data))


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` while the block runs (read, change, write).

    An advisory `flock` on the folder itself: every cardgate process that updates a file
    in it takes the same lock, so concurrent updates queue instead of losing each other's
    changes, and no lock file is left behind to be committed. Released when the block
    ends, or when the process dies.
    """
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
