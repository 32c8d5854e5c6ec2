"""Bytes to text for the loader: a size limit, and UTF-8 only, with the position of the
first byte that is not.
"""

from __future__ import annotations

from pathlib import Path

from cardgate.core.problems import Problem, Span
from cardgate.documents.load_limits import DEFAULT_LIMITS, DocumentLoadError, Limits


def _position_of_offset(raw: bytes, offset: int) -> Span:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return Span(line, column)


def read_text(path: Path, *, display: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a UTF-8 text file within the size limit, or raise `DocumentLoadError`."""
    return decode_text(read_bytes(path, display=display, limits=limits), display=display)


def read_bytes(path: Path, *, display: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a file within the size limit, or raise `DocumentLoadError`."""
    origin = Span(1, 1)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise DocumentLoadError(
                Problem.at(
                    display,
                    origin,
                    "CG002",
                    f"file is {size:,} bytes, over the limit of {limits.max_bytes:,}",
                    hint="governance documents are small; is this the right file?",
                )
            )
        raw = path.read_bytes()
    except OSError as error:
        raise DocumentLoadError(
            Problem.at(
                display,
                origin,
                "CG001",
                f"cannot read file: {error.strerror or error}",
                hint="check that the path exists and is a readable file",
            )
        ) from error
    return raw


def decode_text(raw: bytes, *, display: str) -> str:
    """UTF-8 text of a document's bytes; binary or other encodings are problems."""
    if b"\x00" in raw:
        raise DocumentLoadError(
            Problem.at(
                display,
                _position_of_offset(raw, raw.index(b"\x00")),
                "CG003",
                "file is binary (contains NUL bytes), not YAML text",
                hint="point cardgate at the YAML document, not a data or archive file",
            )
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentLoadError(
            Problem.at(
                display,
                _position_of_offset(raw, error.start),
                "CG003",
                f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x})",
                hint="save the file as UTF-8",
            )
        ) from error
