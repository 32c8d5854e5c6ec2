"""Content digests: one place for how cardgate fingerprints files, settings and documents.

* `file_sha256`: the bytes of a file (data, predictions), streamed.
* `canonical_sha256`: a JSON-able value in canonical form (sorted keys, no whitespace),
  so that reformatting a YAML document (indentation, quoting, key order, comments) leaves
  its digest unchanged while any change of content changes it.
* `json_sha256`: a JSON file's data in canonical form; its bytes when it is not JSON or
  an object in it has a key twice (readers differ on which one counts).
* `inputs_sha256`: the files and folders a DuckDB query is declared to read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """SHA-256 of a regular file's bytes, read in chunks (OSError, `UnreadableFile`
    included, when it cannot be read: a FIFO or a device is never read)."""
    from cardgate.core.inputs import open_regular

    digest = hashlib.sha256()
    with open_regular(path) as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_bytes(value: Any) -> bytes:
    """The canonical JSON encoding of a value (dates and other scalars as strings)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def canonical_sha256(value: Any) -> str:
    """SHA-256 of the canonical JSON form of `value`."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def json_sha256(raw: bytes) -> str:
    """`canonical_sha256` of the JSON data in `raw`, so that reformatting is no change; the
    SHA-256 of the bytes when they are not JSON or an object holds a key twice (which one
    counts differs between readers, so the bytes decide)."""
    from cardgate.core.inputs import loads_json

    try:
        return canonical_sha256(loads_json(raw, unique_keys=True))
    except ValueError:
        return hashlib.sha256(raw).hexdigest()


def inputs_sha256(
    root: Path, inputs: Sequence[str], *, exclude: Sequence[str] = ()
) -> tuple[str, list[tuple[str, str]]]:
    """One SHA-256 for the files a DuckDB query may read, and each file's own.

    `inputs` are workspace-relative files and folders (a folder: every file under it,
    recursively), less the workspace-relative paths in `exclude` (the evaluation artifact,
    an output that may sit in the same folder). The digest covers the sorted
    ``path<TAB>sha256`` lines, so a changed, added or removed file changes it. Raises
    `PathEscapeError` for a path leaving the workspace and `FileNotFoundError` for an
    input that does not exist.
    """
    from cardgate.core.paths import resolve_inside

    base = root.resolve()
    files: dict[str, Path] = {}
    for entry in inputs:
        target = resolve_inside(base, entry)
        if target.is_dir():
            for path in target.rglob("*"):
                if path.is_file():
                    relative = path.relative_to(base).as_posix()
                    files[relative] = resolve_inside(base, relative)  # a link leading out
                    # of the workspace is refused, as a query reading it would leave it
        elif target.is_file():
            files[target.relative_to(base).as_posix()] = target
        else:
            raise FileNotFoundError(entry)
    for relative in exclude:
        files.pop(relative, None)
    listing = [(relative, file_sha256(files[relative])) for relative in sorted(files)]
    digest = hashlib.sha256()
    for relative, sha in listing:
        digest.update(f"{relative}\t{sha}\n".encode())
    return digest.hexdigest(), listing
