"""YAML to data plus a position index, with limits, refusing what would lose text.

`load_document` reads a file (`reading`: size limit, UTF-8), composes it with PyYAML and
builds the data itself (`yaml_build`) so that it can

* record the 1-based position of every key and value, addressed by data path
  (``("evaluation", "thresholds", 0, "max")``);
* reject duplicate keys, which PyYAML silently resolves by keeping the last one (a
  second merge key ``<<`` too, and a key set by two of the mappings one ``<<`` merges,
  where the YAML specification keeps the first and PyYAML the last);
* resolve plain scalars by the YAML 1.2 core schema, so ``NO``, ``yes`` and ``on`` stay
  text, and keep the source text of numbers so a text field given ``1.10`` gets "1.10";
* bound nesting depth and alias expansion ("billion laughs" is refused, not expanded),
  and refuse an integer of more digits than Python converts (4,300), at its position.

What it returns is a `LoadedDocument` (`loaded`); parses are cached (`parse_cache`).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cardgate.core.digests import canonical_sha256
from cardgate.core.paths import display_path, leads_outside
from cardgate.core.problems import Problem, Span
from cardgate.documents import parse_cache
from cardgate.documents.load_limits import DEFAULT_LIMITS, DocumentLoadError, Limits
from cardgate.documents.positions import PositionIndex
from cardgate.documents.reading import decode_text, read_bytes
from cardgate.documents.yaml_build import Builder, Composer, check_expansion


@dataclass
class LoadedDocument:
    """A YAML file as data, with where each part of it was written.

    A document taken from the parse cache keeps its bytes undecoded and fetches its
    positions on first use (only documents with something to report need them): from the
    cache when an earlier run stored them, else by parsing the bytes again, then storing.
    """

    path: Path
    display: str
    source: str | bytes
    data: dict[str, Any]
    known_positions: PositionIndex | None = None
    known_digest: str | None = None
    cache_key: str | None = None
    """The parse cache key of the document's bytes, when it came from the cache."""

    @property
    def text(self) -> str:
        """The document's text as written."""
        if isinstance(self.source, bytes):
            self.source = self.source.decode("utf-8-sig")
        return self.source

    @property
    def positions(self) -> PositionIndex:
        if self.known_positions is None:
            key = None if self.cache_key is None else self.cache_key + _POSITIONS_SUFFIX
            cached = parse_cache.read(key) if key is not None else None
            if isinstance(cached, PositionIndex):
                self.known_positions = cached
            else:
                parsed = parse_text(self.text, display=self.display).known_positions
                assert parsed is not None
                self.known_positions = parsed.compact()
                if key is not None:
                    parse_cache.write(key, self.known_positions)
        return self.known_positions

    @property
    def digest(self) -> str:
        """The canonical SHA-256 of the data (`cardgate.core.digests`): what sign-offs bind to."""
        if self.known_digest is None:
            self.known_digest = canonical_sha256(self.data)
        return self.known_digest


_POSITIONS_SUFFIX = ".positions"


def parse_text(text: str, *, display: str, limits: Limits = DEFAULT_LIMITS) -> LoadedDocument:
    """Parse YAML text that must hold exactly one mapping."""
    origin = Span(1, 1)
    composer = Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        span = Span.from_mark(mark) if mark is not None else origin
        message = error.problem or "invalid YAML"
        if "expected a single document" in str(error):
            raise DocumentLoadError(
                Problem.at(
                    display,
                    span,
                    "CG006",
                    "file holds more than one YAML document",
                    hint="keep one document per file; remove the '---' separator",
                )
            ) from error
        hint = "check indentation and quoting near this position"
        if error.context:
            hint = f"{error.context}; {hint}"
        if (error.context or "").startswith("while scanning a quoted") and error.context_mark:
            # PyYAML finds an unclosed quote where the text runs out: point at its start
            end = f" (the text runs out at line {span.line})" if error.problem_mark else ""
            span = Span.from_mark(error.context_mark)
            message = f"the quoted value that starts here is never closed{end}"
            hint = "close the quote on this line, or escape a quote inside the value"
        elif (quoted := _colon_in_value(text, span, error.problem or "")) is not None:
            key, line = quoted
            message = (
                f"the value of '{key}' holds ': ', which YAML reads as the start of another key"
            )
            hint = f"put the whole value in quotes: {line}" if line else _QUOTE_IT
        elif _indented_with_a_tab(text, span):
            # PyYAML's words for a tab in the indentation ("found character that cannot
            # start any token", "... violates indentation") do not say what to do
            message = "a tab character indents this line; YAML indents with spaces only"
            hint = "replace the tab with spaces (most editors can insert spaces for the Tab key)"
        raise DocumentLoadError(
            Problem.at(display, span, "CG005", f"invalid YAML: {message}", hint=hint)
        ) from error
    except yaml.reader.ReaderError as error:
        raise DocumentLoadError(_refused_character(text, display, error)) from error
    except yaml.YAMLError as error:
        raise DocumentLoadError(
            Problem.at(display, origin, "CG005", f"invalid YAML: {error}", hint="")
        ) from error
    except RecursionError as error:
        raise DocumentLoadError(
            Problem.at(
                display,
                origin,
                "CG009",
                "nesting too deep to parse",
                hint="flatten the structure",
            )
        ) from error
    finally:
        dispose = getattr(composer, "dispose", None)
        if dispose is not None:
            dispose()
    if root is None:
        raise DocumentLoadError(
            Problem.at(
                display,
                origin,
                "CG004",
                "file is empty",
                hint="start from a template: cardgate new KIND ID",
            )
        )
    if "*" in text:  # only an alias can make the data larger than the text
        check_expansion(root, display=display, limits=limits)
    builder = Builder(display, limits)
    try:
        data = builder.build(root, (), 0)
    except RecursionError as error:  # pragma: no cover - max_depth stops this first
        raise DocumentLoadError(
            Problem.at(display, origin, "CG009", "nesting too deep", hint="flatten it")
        ) from error
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise DocumentLoadError(
            Problem.at(
                display,
                Span.from_mark(root.start_mark),
                "CG007",
                f"top level is {kind}, not a mapping",
                hint="a cardgate document starts with 'kind:' and 'schema_version:' keys",
            )
        )
    return LoadedDocument(Path(display), display, text, data, builder.positions)


_KEY_THEN_VALUE = re.compile(r"^\s*(?:-\s+)?([^\s#'\"\[{&*!|>%@`-][^:#]*?):\s+(\S.*?)\s*$")
_QUOTE_IT = "put the whole value in quotes"
_SHOWN_LINE = 120
"""A longer line is not repeated in the hint."""


def _colon_in_value(text: str, span: Span, problem: str) -> tuple[str, str] | None:
    """(key, its line with the value quoted) when the error is a ': ' inside a plain
    value written after `key: ` on the line `span` points into (`a: b: c`); the line is
    '' when too long to show or holding a comment."""
    if not problem.startswith("mapping values are not allowed"):
        return None
    lines = text.split("\n")
    if not 1 <= span.line <= len(lines):
        return None
    line = lines[span.line - 1].rstrip("\r")
    match = _KEY_THEN_VALUE.match(line)
    if match is None or span.column - 1 <= match.start(2):
        return None  # the colon is the key's own: a line of a value read as a key
    key, value = match.group(1).strip(), match.group(2)
    if value[0] in "\"'":
        return key, ""  # a quoted value with text after its closing quote
    if '"' not in value:
        quoted = '"' + value.replace("\\", "\\\\") + '"'
    else:
        quoted = "'" + value.replace("'", "''") + "'"
    shown = f"{key}: {quoted}"
    return key, shown if len(shown) <= _SHOWN_LINE and " #" not in value else ""


def _indented_with_a_tab(text: str, span: Span) -> bool:
    """Whether the 1-based line and column of `text` is a tab in the line's indentation."""
    lines = text.split("\n")
    if not 1 <= span.line <= len(lines):
        return False
    indentation = lines[span.line - 1][: span.column]
    return indentation.endswith("\t") and not indentation.strip()


def _refused_character(text: str, display: str, error: yaml.reader.ReaderError) -> Problem:
    """A character YAML does not allow (a control character, U+FFFE), where it is.

    The reader stops at the first such character and names it; its `position` is a byte
    offset with libyaml and a character index without, so the character is looked up."""
    code = error.character if isinstance(error.character, int) else ord(error.character)
    at = text.find(chr(code))
    before = text[: max(at, 0)]
    line, column = before.count("\n"), len(before) - (before.rfind("\n") + 1)
    span = Span.from_mark(yaml.Mark(display, at, line, column, None, 0))
    return Problem.at(
        display,
        span if at >= 0 else Span(1, 1),
        "CG005",
        f"invalid YAML: character U+{code:04X} is not allowed in a YAML file",
        hint="delete it (a terminal or an editor may not show it); in a double-quoted "
        f'value it can be written as an escape, "\\u{code:04x}"',
    )


def load_document(
    path: Path,
    *,
    display: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    within: Path | None = None,
) -> LoadedDocument:
    """Load one YAML document file; raise `DocumentLoadError` with a positioned problem.

    `within`: the workspace the document belongs to; a link leading outside it is a
    problem, and what it leads to is not read (nor echoed in a message).
    """
    shown = display if display is not None else display_path(path)
    if within is not None and leads_outside(within, path):
        raise DocumentLoadError(
            Problem.at(
                shown,
                Span(1, 1),
                "CG001",
                "file is a link leading outside the workspace; not read",
                hint="commit the document itself; cardgate reads only the workspace",
            )
        )
    raw = read_bytes(path, display=shown, limits=limits)
    key = parse_cache.cache_key(raw, repr(limits))
    cached = parse_cache.read(key)
    if type(cached) is tuple and len(cached) == 2 and type(cached[0]) is dict:
        data, digest = cached
        if type(digest) is str:
            return LoadedDocument(path, shown, raw, data, known_digest=digest, cache_key=key)
    text = decode_text(raw, display=shown)
    document = parse_text(text, display=shown, limits=limits)
    document.path = path
    parse_cache.write(key, (document.data, document.digest))
    return document


PREFETCH_PROBE = 16
"""Documents checked before deciding that the parse cache is cold."""


def prefetch(paths: Sequence[Path], *, limits: Limits = DEFAULT_LIMITS) -> None:
    """Parse the documents the parse cache lacks in worker processes, filling the cache.

    A cold start (a fresh CI runner) spends most of its time in libyaml; shared among the
    CPUs, the later `load_document` calls then find every document in the cache. A warm
    cache is recognised from its first documents and costs nothing more; without the cache
    or without workers (`cardgate.core.parallel.worker_count`) this does nothing.
    """
    from cardgate.core.parallel import fork_map, worker_count

    if parse_cache.cache_dir() is None or worker_count(len(paths)) < 2:
        return
    if all(_cached(path, limits) for path in paths[:PREFETCH_PROBE]):
        return
    fork_map(functools.partial(_warm, limits=limits), paths)


def _cached(path: Path, limits: Limits) -> bool:
    """Whether the document at `path` is in the parse cache (unreadable: nothing to do)."""
    try:
        raw = read_bytes(path, display=str(path), limits=limits)
    except DocumentLoadError:
        return True
    return parse_cache.contains(parse_cache.cache_key(raw, repr(limits)))


def _warm(path: Path, *, limits: Limits) -> None:
    if not _cached(path, limits):
        with contextlib.suppress(DocumentLoadError):
            load_document(path, display=str(path), limits=limits)
