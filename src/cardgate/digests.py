"""Content digests: one place for how cardgate fingerprints files, settings and documents.

* `file_sha256`: the bytes of a file (data, predictions), streamed.
* `canonical_sha256`: a JSON-able value in canonical form (sorted keys, no whitespace),
  so that reformatting a YAML document (indentation, quoting, key order, comments) leaves
  its digest unchanged while any change of content changes it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
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
