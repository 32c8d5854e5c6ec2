"""From PyYAML's node graph to Python data and positions, by the YAML 1.2 core schema.

PyYAML's composer (the C one when available) builds the nodes; `Builder` constructs the
data itself, recording every position, refusing duplicate keys, tags, and nesting or
alias expansion beyond the limits.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cardgate.core.problems import Problem, Span
from cardgate.documents.load_limits import DocumentLoadError, Limits, clip
from cardgate.documents.positions import DataPath, PositionIndex, SourceFloat, SourceInt

_PLAIN = "tag:cardgate:plain"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


# --- resolver: mark plain scalars so that construction can apply YAML 1.2 core rules --------

if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser as _Parser

    class Composer(_Parser, yaml.resolver.BaseResolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
            # Called for every node: inlined rather than delegating to _resolve.
            if kind is ScalarNode:
                return _PLAIN if implicit[0] else _STR
            return _SEQ if kind is SequenceNode else _MAP

else:  # pragma: no cover - exercised only without libyaml

    class Composer(  # type: ignore[no-redef]
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
            number = SourceInt(int(text, 10))  # ValueError beyond Python's digit limit
        if number.bit_length() > 3 * sys.get_int_max_str_digits():
            # A hex or octal one too: it could not be printed in a message (str() fails).
            raise ValueError("integer string conversion")
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


class Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing what this module reads back as written: a string that
    the YAML 1.2 core schema reads as another type (``0E0``, ``1e3``, ``.5``: strings by
    PyYAML's YAML 1.1 rules, so left plain) is quoted, and the numbers the loader returns
    (`SourceInt`, `SourceFloat`) are numbers."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        tag = str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]
        if kind is ScalarNode and implicit[0] and tag == _STR:
            try:
                read = _plain_scalar(value)
            except ValueError:  # an integer too long to read: not a string either
                return _PLAIN
            if not isinstance(read, str):
                return _PLAIN  # not the string's tag: the emitter quotes it
        return tag


Dumper.add_representer(SourceInt, yaml.SafeDumper.represent_int)
Dumper.add_representer(SourceFloat, yaml.SafeDumper.represent_float)


# --- construction ---------------------------------------------------------------------------


class Builder:
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
            try:
                return _plain_scalar(node.value)
            except ValueError:  # an integer of thousands of digits: every command crashed
                raise self.fail(
                    node,
                    "CG005",
                    f"an integer of more than {sys.get_int_max_str_digits():,} digits",
                    "no governance value needs such a number; quote it to keep it as text",
                ) from None
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
        """Key/value pairs, with YAML merge keys (``<<: *base``) expanded; the mapping's own
        keys win. Where YAML readers disagree, the document is refused: a second merge key
        in one mapping (a duplicate key: PyYAML keeps the last, cardgate kept the first),
        or a key set by two of the mappings one merge key lists (the specification keeps
        the first, PyYAML the last): ``<<: [*loose, *strict]`` reads as strict to some."""
        merged: list[tuple[Node, Node]] = []
        own: list[tuple[Node, Node]] = []
        merge_key: Node | None = None
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag == _PLAIN and key.value == "<<":
                if merge_key is not None:
                    raise self._duplicate(key, merge_key, "<<")
                merge_key = key
                sources = value.value if isinstance(value, SequenceNode) else [value]
                setters: dict[str, Node] = {}
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise self.fail(
                            source, "CG005", "a merge key (<<) needs a mapping", "merge a mapping"
                        )
                    for entry, _ in source.value:
                        name = entry.value if isinstance(entry, ScalarNode) else None
                        if name is not None and name in setters:
                            raise DocumentLoadError(
                                Problem.at(
                                    self.display,
                                    Span.from_mark(key.start_mark),
                                    "CG008",
                                    f"'{clip(name)}' is set by two of the mappings merged "
                                    f"here (lines {Span.from_mark(setters[name].start_mark).line}"
                                    f" and {Span.from_mark(entry.start_mark).line}): YAML "
                                    "readers differ on which one wins",
                                    hint="write the value in this mapping itself, or merge "
                                    "mappings that do not overlap",
                                )
                            )
                        if name is not None:
                            setters[name] = entry
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

    def _duplicate(self, node: Node, first: Any, key: str) -> DocumentLoadError:
        """A key written twice in one mapping: `first` is where it was first (a mark or
        a node)."""
        mark = first.start_mark if isinstance(first, Node) else first
        return DocumentLoadError(
            Problem.at(
                self.display,
                Span.from_mark(node.start_mark),
                "CG008",
                f"duplicate key '{clip(key)}' (first at line {Span.from_mark(mark).line})",
                hint="YAML keeps only one of them; merge the two entries into one",
            )
        )

    def _mapping(self, node: MappingNode, path: DataPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in self._entries(node):
            key = str(key_node.value)
            if key in first_seen:
                raise self._duplicate(key_node, first_seen[key], key)
            first_seen[key] = key_node.start_mark
            child = (*path, key)
            self.positions.keys[child] = key_node.start_mark
            result[key] = self.build(value_node, child, depth + 1)
        return result


def check_expansion(root: Node, *, display: str, limits: Limits) -> None:
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
