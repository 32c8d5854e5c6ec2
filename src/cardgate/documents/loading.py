"""YAML to data plus a position index, with limits, refusing what would lose text.

PyYAML's composer (the C one when available) builds a node graph; this module builds the
Python data from the nodes itself so that it can

* record the 1-based position of every key and value, addressed by data path
  (``("evaluation", "thresholds", 0, "max")``);
* reject duplicate keys, which PyYAML silently resolves by keeping the last one;
* resolve plain scalars by the YAML 1.2 core schema, so ``NO``, ``yes`` and ``on`` stay
  text, and keep the source text of numbers so a text field given ``1.10`` gets "1.10";
* bound nesting depth and alias expansion ("billion laughs" is refused, not expanded).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cardgate.core.digests import canonical_sha256
from cardgate.core.paths import display_path
from cardgate.core.problems import Problem, Span
from cardgate.documents import parse_cache

DataPath = tuple[str | int, ...]

_PLAIN = "tag:cardgate:plain"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Limits:
    """What a document may cost to load."""

    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 250_000


DEFAULT_LIMITS = Limits()


class SourceInt(int):
    """An integer that remembers how it was written."""

    source: str


class SourceFloat(float):
    """A float that remembers how it was written (``1.10`` is not ``1.1`` as text)."""

    source: str


_SOURCED = (SourceInt, SourceFloat)


def source_text(value: object) -> str | None:
    """The text as written for a scalar loaded from YAML, or None when it was not a number."""
    if type(value) in _SOURCED:  # exact types: called for every text field validated
        return value.source  # type: ignore[attr-defined,no-any-return]
    return None


@dataclass
class PositionIndex:
    """Data path -> where the key and the value start.

    Holds PyYAML's 0-based marks as built and converts on lookup, so that loading does not
    pay for the many positions nobody asks for. `compact` turns the marks into 0-based
    ``(line, column)`` pairs, the form the parse cache stores.
    """

    keys: dict[DataPath, Any] = field(default_factory=dict)
    values: dict[DataPath, Any] = field(default_factory=dict)

    def value(self, path: DataPath) -> Span:
        """Where the value at `path` starts, or the nearest ancestor's position."""
        return self._nearest(self.values, path)

    def key(self, path: DataPath) -> Span:
        """Where the key of the entry at `path` starts (value position for list items)."""
        if path in self.keys:
            return _span(self.keys[path])
        return self._nearest(self.values, path)

    def has_key(self, path: DataPath) -> bool:
        return path in self.keys

    def compact(self) -> PositionIndex:
        """The same index with plain ``(line, column)`` pairs: small and picklable."""
        return PositionIndex(
            {path: (mark.line, mark.column) for path, mark in self.keys.items()},
            {path: (mark.line, mark.column) for path, mark in self.values.items()},
        )

    def _nearest(self, table: dict[DataPath, Any], path: DataPath) -> Span:
        for end in range(len(path), -1, -1):
            mark = table.get(path[:end])
            if mark is not None:
                return _span(mark)
        return Span(1, 1)


def _span(mark: Any) -> Span:
    if type(mark) is tuple:  # a compacted (line, column) pair from the parse cache
        return Span(mark[0] + 1, mark[1] + 1)
    return Span.from_mark(mark)


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


class DocumentLoadError(Exception):
    """The file could not be turned into a mapping; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# --- resolver: mark plain scalars so that construction can apply YAML 1.2 core rules --------

if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser as _Parser

    class _Composer(_Parser, yaml.resolver.BaseResolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
            # Called for every node: inlined rather than delegating to _resolve.
            if kind is ScalarNode:
                return _PLAIN if implicit[0] else _STR
            return _SEQ if kind is SequenceNode else _MAP

else:  # pragma: no cover - exercised only without libyaml

    class _Composer(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        yaml.resolver.BaseResolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)

        def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
            return _resolve(kind, implicit)


def _resolve(kind: type[Node], implicit: Any) -> str:
    if kind is ScalarNode:
        return _PLAIN if implicit[0] else _STR
    return _SEQ if kind is SequenceNode else _MAP


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def _plain_scalar(text: str) -> Any:
    """YAML 1.2 core schema resolution of a plain scalar."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        if text.startswith("0o"):
            number = SourceInt(int(text[2:], 8))
        elif text.startswith("0x"):
            number = SourceInt(int(text[2:], 16))
        else:
            number = SourceInt(int(text, 10))
        number.source = text
        return number
    if _FLOAT.match(text):
        lowered = text.lower()
        if lowered.endswith(".inf"):
            real = SourceFloat("-inf" if text.startswith("-") else "inf")
        elif lowered == ".nan":
            real = SourceFloat("nan")
        else:
            real = SourceFloat(text)
        real.source = text
        return real
    return text


# --- construction ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, display: str, limits: Limits) -> None:
        self.display = display
        self.limits = limits
        self.positions = PositionIndex()
        self.nodes = 0

    def fail(self, node: Node, code: str, message: str, hint: str) -> DocumentLoadError:
        return DocumentLoadError(
            Problem.at(self.display, Span.from_mark(node.start_mark), code, message, hint=hint)
        )

    def build(self, node: Node, path: DataPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise self.fail(
                node,
                "CG010",
                f"document expands to more than {self.limits.max_nodes:,} values",
                "aliases (*name) are expanded on load; a document this large is refused "
                "to protect against alias bombs",
            )
        if depth > self.limits.max_depth:
            raise self.fail(
                node,
                "CG009",
                f"nesting deeper than {self.limits.max_depth} levels",
                "flatten the structure; governance documents do not need this depth",
            )
        self.positions.values.setdefault(path, node.start_mark)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            self._expect_tag(node, _SEQ)
            return [
                self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode):
            self._expect_tag(node, _MAP)
            return self._mapping(node, path, depth)
        raise self.fail(node, "CG005", "unsupported YAML node", "")  # pragma: no cover

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == _PLAIN:
            return _plain_scalar(node.value)
        if node.tag == _STR:
            return node.value
        raise self.fail(
            node,
            "CG011",
            f"unsupported YAML tag '{node.tag}'",
            "remove the tag; write the value plainly or in quotes",
        )

    def _expect_tag(self, node: Node, tag: str) -> None:
        if node.tag != tag:
            raise self.fail(
                node,
                "CG011",
                f"unsupported YAML tag '{node.tag}'",
                "remove the tag from this value",
            )

    def _entries(self, node: MappingNode) -> Iterator[tuple[ScalarNode, Node]]:
        """Key/value pairs, with YAML merge keys (``<<: *base``) expanded first-wins."""
        merged: list[tuple[Node, Node]] = []
        own: list[tuple[Node, Node]] = []
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag == _PLAIN and key.value == "<<":
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise self.fail(
                            source, "CG005", "a merge key (<<) needs a mapping", "merge a mapping"
                        )
                    merged.extend(source.value)
            else:
                own.append((key, value))
        seen_own = set()
        for key, value in own:
            if not isinstance(key, ScalarNode):
                raise self.fail(
                    key, "CG012", "mapping keys must be plain text", "write the key as a word"
                )
            seen_own.add(key.value)
            yield key, value
        seen_merged: set[str] = set()
        for key, value in merged:
            if isinstance(key, ScalarNode) and key.value not in seen_own | seen_merged:
                seen_merged.add(key.value)
                yield key, value

    def _mapping(self, node: MappingNode, path: DataPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in self._entries(node):
            key = str(key_node.value)
            if key in first_seen:
                span = Span.from_mark(key_node.start_mark)
                first = Span.from_mark(first_seen[key])
                raise DocumentLoadError(
                    Problem.at(
                        self.display,
                        span,
                        "CG008",
                        f"duplicate key '{_clip(key)}' (first at line {first.line})",
                        hint="YAML keeps only one of them; merge the two entries into one",
                    )
                )
            first_seen[key] = key_node.start_mark
            child = (*path, key)
            self.positions.keys[child] = key_node.start_mark
            result[key] = self.build(value_node, child, depth + 1)
        return result


def _check_expansion(root: Node, *, display: str, limits: Limits) -> None:
    """Refuse alias bombs and recursive aliases before expanding anything.

    The node graph shares aliased nodes; the expanded size is computed on the graph
    (memoised per node), so a "billion laughs" document costs microseconds to refuse.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active or depth > limits.max_depth:
            raise DocumentLoadError(
                Problem.at(
                    display,
                    Span.from_mark(node.start_mark),
                    "CG009",
                    "nesting deeper than "
                    f"{limits.max_depth} levels (or an alias that contains itself)",
                    hint="flatten the structure and remove recursive aliases",
                )
            )
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        active.discard(key)
        sizes[key] = total
        if total > limits.max_nodes:
            raise DocumentLoadError(
                Problem.at(
                    display,
                    Span.from_mark(node.start_mark),
                    "CG010",
                    f"aliases expand this document to more than {limits.max_nodes:,} values",
                    hint="aliases (*name) are expanded on load; a document this large is "
                    "refused to protect against alias bombs",
                )
            )
        return total

    size(root, 0)


def _clip(text: str, width: int = 60) -> str:
    shown = text if len(text) <= width else text[: width - 1] + "…"
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown


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


def parse_text(text: str, *, display: str, limits: Limits = DEFAULT_LIMITS) -> LoadedDocument:
    """Parse YAML text that must hold exactly one mapping."""
    origin = Span(1, 1)
    composer = _Composer(text)
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
        raise DocumentLoadError(
            Problem.at(display, span, "CG005", f"invalid YAML: {message}", hint=hint)
        ) from error
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
        _check_expansion(root, display=display, limits=limits)
    builder = _Builder(display, limits)
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


def load_document(
    path: Path, *, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadedDocument:
    """Load one YAML document file; raise `DocumentLoadError` with a positioned problem."""
    shown = display if display is not None else display_path(path)
    raw = read_bytes(path, display=shown, limits=limits)
    key = parse_cache.cache_key(raw, repr(limits))
    cached = parse_cache.read(key)
    if cached is not None:
        data, digest = cached
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
