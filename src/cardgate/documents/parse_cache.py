"""A content-addressed cache of parsed YAML documents, stored as JSON.

Parsing YAML with positions costs about a millisecond per document in libyaml and
Python; a portfolio of thousands of documents pays that on every `validate` and `gate`.
A parsed document depends only on its bytes, the limits and the loader's code, so the
result is stored under the SHA-256 of those and reused, like mypy's or ruff's caches.

Where: `$CARDGATE_CACHE_DIR`, else `$XDG_CACHE_HOME/cardgate`, else `~/.cache/cardgate`.
`CARDGATE_NO_CACHE=1` turns it off. Only successful parses are cached: problems are always
computed afresh.

Trust: CI recipes persist this folder between runs, so an entry may have been written by
anyone who could write the cache. Entries are therefore plain JSON (`encode`/`decode`: the
loader's own value types, tagged), read with `json.loads` — a poisoned entry can at worst
describe a document wrongly, never run code — and anything that does not decode is
ignored and rewritten. A wrong description must not decide a release either:
`cardgate gate --release` reads no entry at all (`bypassed`), parsing every document from
its bytes (it still writes entries for the next run).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cardgate.core.inputs import open_regular
from cardgate.documents.positions import PositionIndex, SourceFloat, SourceInt

_LOADER_MODULES = ("loading.py", "yaml_build.py", "positions.py", "load_limits.py", "reading.py")
_FORMAT = b"cardgate-parse-cache-json-1"  # entries: encode((data, canonical digest))
_HEADER = _FORMAT + b"\n"
_bypass = False


class CacheFormatError(ValueError):
    """An entry that is not what `encode` writes."""


@functools.cache
def _code_digest() -> bytes:
    """Changes whenever the loader's code does, so stale entries are never used."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(Path(__file__).read_bytes())
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


@contextlib.contextmanager
def bypassed() -> Iterator[None]:
    """Within: no entry is read (every document is parsed from its bytes); entries are
    still written. For decisions that must not rest on the cache (`gate --release`)."""
    global _bypass
    previous, _bypass = _bypass, True
    try:
        yield
    finally:
        _bypass = previous


def cache_key(raw: bytes, settings: str) -> str:
    """The key of a document's parse: its bytes, the limits, the loader's code."""
    digest = hashlib.sha256(_code_digest())
    digest.update(settings.encode())
    digest.update(raw)
    return digest.hexdigest()


def encode(value: Any) -> bytes:
    """An entry's bytes: JSON in which every object is a tag — ``{"m": [[k, v], ...]}`` a
    mapping, ``{"i": [n, text]}`` / ``{"f": [repr, text]}`` a number as written, ``{"p":
    [[path, line, column], ...] x 2}`` a position index, ``{"t": [...]}`` a tuple."""
    return _HEADER + json.dumps(_encode(value), ensure_ascii=False, allow_nan=False).encode()


def decode(raw: bytes) -> Any:
    """What `encode` wrote; `CacheFormatError` for anything else."""
    if not raw.startswith(_HEADER):
        raise CacheFormatError("not a cardgate parse-cache entry")
    try:
        return _decode(json.loads(raw[len(_HEADER) :]))
    except (ValueError, TypeError, KeyError, IndexError, RecursionError) as error:
        raise CacheFormatError(str(error)) from error


def _encode(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (str, bool, int):
        return value
    if kind is SourceInt:
        return {"i": [int(value), value.source]}
    if kind is SourceFloat:
        return {"f": [repr(float(value)), value.source]}
    if kind is float:
        return {"f": [repr(value), None]}
    if kind is list:
        return [_encode(item) for item in value]
    if kind is tuple:
        return {"t": [_encode(item) for item in value]}
    if kind is dict:
        return {"m": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if kind is PositionIndex:
        return {
            "p": [
                [[list(path), *_pair(mark)] for path, mark in table.items()]
                for table in (value.keys, value.values)
            ]
        }
    raise TypeError(f"the parse cache does not store {kind.__name__}")


def _pair(mark: Any) -> tuple[int, int]:
    if type(mark) is tuple:
        return int(mark[0]), int(mark[1])
    return int(mark.line), int(mark.column)


def _decode(value: Any) -> Any:
    if value is None or type(value) in (str, bool, int):
        return value
    if type(value) is list:
        return [_decode(item) for item in value]
    if type(value) is not dict or len(value) != 1:
        raise CacheFormatError("unexpected value")
    ((tag, body),) = value.items()
    if tag == "i":
        number, text = body
        integer = SourceInt(int(number))
        integer.source = str(text)
        return integer
    if tag == "f":
        number, text = body
        if text is None:
            return float(number)
        real = SourceFloat(float(number))
        real.source = str(text)
        return real
    if tag == "t":
        return tuple(_decode(item) for item in body)
    if tag == "m":
        return {_decode(key): _decode(item) for key, item in body}
    if tag == "p":
        keys, values = (
            {tuple(path): (int(line), int(column)) for path, line, column in table}
            for table in body
        )
        return PositionIndex(keys, values)
    raise CacheFormatError(f"unknown tag {tag!r}")


def read(key: str) -> Any | None:
    """The cached value for `key`, or None (none, unreadable, or reads are bypassed)."""
    folder = cache_dir()
    if folder is None or _bypass:
        return None
    try:
        with open_regular(folder / key[:2] / key) as stream:  # a FIFO there never hangs
            raw = stream.read()
    except OSError:
        return None
    try:
        return decode(raw)
    except CacheFormatError:
        return None


def _holds(entry: Path, data: bytes) -> bool:
    """Whether `entry` is a regular file of exactly `data`."""
    try:
        with open_regular(entry) as stream:
            return bool(stream.read() == data)
    except OSError:
        return False


def contains(key: str) -> bool:
    """Whether `key` has an entry (without reading it)."""
    folder = cache_dir()
    return folder is not None and (folder / key[:2] / key).is_file()


def write(key: str, value: Any) -> None:
    """Store `value` under `key`; a cache that cannot be written is silently skipped.

    An entry whose bytes are already these is left alone: `gate --release` reads no entry
    but writes every one it parses (a site build gates 1,000 systems in release mode and
    rewrote 666 unchanged entries, 1.2 s of renames); any other bytes there (an entry
    poisoned, cut short) are replaced."""
    folder = cache_dir()
    if folder is None:
        return
    target = folder / key[:2]
    try:
        data = encode(value)
    except (TypeError, ValueError):
        return  # a value the format does not hold (e.g. a non-finite float): not cached
    if _holds(target / key, data):
        return
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target / key)
    except OSError:
        return
