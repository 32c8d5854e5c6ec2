"""A content-addressed cache of parsed YAML documents.

Parsing YAML with positions costs about a millisecond per document in libyaml and
Python; a portfolio of thousands of documents pays that on every `validate` and `gate`.
A parsed document depends only on its bytes, the limits and the loader's code, so the
result is stored under the SHA-256 of those and reused, like mypy's or ruff's caches.

Where: `$CARDGATE_CACHE_DIR`, else `$XDG_CACHE_HOME/cardgate`, else `~/.cache/cardgate`.
`CARDGATE_NO_CACHE=1` turns it off. Entries are pickles in the user's own cache folder
(the same trust as the user's installed packages); an unreadable entry is ignored and
rewritten. Only successful parses are cached: problems are always computed afresh.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

_LOADER_MODULES = ("loading.py", "yaml_build.py", "positions.py", "load_limits.py", "reading.py")
_FORMAT = b"cardgate-parse-cache-3"  # entries: (data, canonical digest)


@functools.cache
def _code_digest() -> bytes:
    """Changes whenever the loader's code does, so stale entries are never used."""
    digest = hashlib.sha256(_FORMAT)
    for module in _LOADER_MODULES:
        digest.update(Path(__file__).with_name(module).read_bytes())
    return digest.digest()


@functools.cache
def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("CARDGATE_NO_CACHE"):
        return None
    explicit = os.environ.get("CARDGATE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cardgate" / "parsed"


def cache_key(raw: bytes, settings: str) -> str:
    """The key of a document's parse: its bytes, the limits, the loader's code."""
    digest = hashlib.sha256(_code_digest())
    digest.update(settings.encode())
    digest.update(raw)
    return digest.hexdigest()


def read(key: str) -> Any | None:
    """The cached value for `key`, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / key[:2] / key).open("rb") as stream:
            return pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None


def contains(key: str) -> bool:
    """Whether `key` has an entry (without reading it)."""
    folder = cache_dir()
    return folder is not None and (folder / key[:2] / key).is_file()


def write(key: str, value: Any) -> None:
    """Store `value` under `key`; a cache that cannot be written is silently skipped."""
    folder = cache_dir()
    if folder is None:
        return
    target = folder / key[:2]
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target / key)
    except OSError:
        return
