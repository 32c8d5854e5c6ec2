"""Bytes to text for the loader: a size limit, and UTF-8 only, with the position of the
first byte that is not.
"""

from __future__ import annotations

from pathlib import Path

from cardgate.core.inputs import DOCUMENT_BYTES, UnreadableFile, read_regular
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
    """Read a regular file within the size limit, or raise `DocumentLoadError`."""
    origin = Span(1, 1)
    try:
        return read_regular(path, limit=DOCUMENT_BYTES, maximum=limits.max_bytes)
    except UnreadableFile as error:
        code = "CG002" if error.oversize else "CG001"
        raise DocumentLoadError(
            Problem.at(display, origin, code, f"file {error.reason}", hint=error.hint)
        ) from error
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


def decode_text(raw: bytes, *, display: str) -> str:
    """UTF-8 text of a document's bytes; binary or other encodings are problems."""
    if _utf16(raw):
        raise DocumentLoadError(
            Problem.at(
                display,
                Span(1, 1),
                "CG003",
                "file is UTF-16 text, not UTF-8",
                hint="save it as UTF-8 (most editors: 'Save with encoding')",
            )
        )
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


def _utf16(raw: bytes) -> bool:
    """A byte-order mark of UTF-16, or text where nearly every other byte is NUL and
    the others are not (UTF-16 of mostly ASCII text, saved without a mark)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = raw[:1024]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2].count(0) / len(sample[0::2]), sample[1::2].count(0) / len(sample[1::2])
    return (even > 0.9 and odd < 0.1) or (odd > 0.9 and even < 0.1)
