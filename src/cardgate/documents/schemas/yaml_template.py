"""Document templates generated from the schemas, so their guidance never drifts.

Each field's description becomes the comment above it, marked (required) or
(recommended), and with the gate rules that judge its value ("decides the gate: ...");
required and recommended fields get a value to replace (`TODO`, a first
choice, or a `{{ placeholder }}` that `cardgate new` fills in); optional fields are left
to the editor's autocompletion from the JSON Schema.
"""

from __future__ import annotations

import textwrap
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cardgate.documents.placeholders import PLACEHOLDER
from cardgate.documents.schemas.base import field_level, gate_rules

TEMPLATE_KEY = "x-cardgate-template"
"""`json_schema_extra` key: 'commented' renders a field as a commented-out example."""

GENERATED_MARK = "# cardgate-template:"
"""Lines starting with this are dropped by `cardgate new`."""

_SUBSTITUTIONS = {
    "id": "{{ id }}",
    "name": "{{ name }}",
    "system": "{{ system }}",
    "checklist": "{{ checklist }}",
    "last_reviewed": PLACEHOLDER,  # today's date would look like a review that happened
    "model_date": "{{ date }}",
}
_WIDTH = 92


def render_template(model: type[BaseModel], *, kind: str, title: str) -> str:
    """The YAML template of a document kind."""
    lines = [
        f"# yaml-language-server: $schema=../../.schemas/{kind}.schema.json",
        f"{GENERATED_MARK} generated from the schema by scripts/generate_templates.py; do not edit",
        f"# {title}",
        f"# Replace every {PLACEHOLDER}. (recommended) fields may stay {PLACEHOLDER} while "
        "status is draft;",
        "# the release gate demands them; 'decides the gate' names the rules that judge a",
        "# value (cardgate explain CODE). Custom fields go under 'extensions:'.",
    ]
    lines.extend(_fields(model, indent=0))
    return "\n".join(lines) + "\n"


def _fields(model: type[BaseModel], *, indent: int, first_prefix: str = "") -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    first = True
    for name, info in model.model_fields.items():
        level = field_level(info)
        shown = info.examples or _extra(info).get(TEMPLATE_KEY) == "commented"
        if name == "extensions" or (level == "optional" and not shown):
            continue
        prefix = first_prefix if first and first_prefix else pad
        first = False
        rules = gate_rules(info)
        note = f"{level}; decides the gate: {', '.join(rules)}" if rules else level
        for comment in textwrap.wrap(f"{info.description or ''} ({note})", _WIDTH - indent - 2):
            lines.append(f"{pad}# {comment}")
        lines.extend(_entry(name, info, prefix=prefix, pad=pad, top=indent == 0))
    return lines


def _entry(name: str, info: FieldInfo, *, prefix: str, pad: str, top: bool) -> list[str]:
    annotation = _concrete(info.annotation)
    if name in _SUBSTITUTIONS and (top or name.endswith("_date")):
        return [f"{prefix}{name}: {_SUBSTITUTIONS[name]}"]
    if (name == "kind" or name == "schema_version") and top:
        return [f"{prefix}{name}: {typing.get_args(annotation)[0]}"]
    if name == "status" and top:
        return [f"{prefix}{name}: draft"]
    lines = _value(name, annotation, info, prefix=prefix, pad=pad)
    if _extra(info).get(TEMPLATE_KEY) == "commented":
        lines = [_comment_out(line, pad) for line in lines]
    return lines


def _comment_out(line: str, pad: str) -> str:
    body = line[len(pad) :] if line.startswith(pad) else line.lstrip()
    if body.startswith("#"):
        return f"{pad}#{body[1:]}" if body.startswith("# ") else f"{pad}{body}"
    return f"{pad}# {body}"


def _extra(info: FieldInfo) -> dict[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _value(name: str, annotation: Any, info: FieldInfo, *, prefix: str, pad: str) -> list[str]:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        choices = [str(choice) for choice in typing.get_args(annotation)]
        # A choice that may stay unset starts as the placeholder: a pre-selected choice
        # (likelihood: rare) would read as an answer nobody gave.
        unset = PLACEHOLDER if _accepts_none(info.annotation) else choices[0]
        example = _example(info) or unset
        return [f"{prefix}{name}: {example}  # one of: {', '.join(choices)}"]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f"{prefix}{name}:", *_fields(annotation, indent=len(pad) + 2)]
    if origin is list:
        item = _concrete(typing.get_args(annotation)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            inner = _fields(item, indent=len(pad) + 4, first_prefix=f"{pad}  - ")
            return [f"{prefix}{name}:", *inner]
        return [f"{prefix}{name}:", f"{pad}  - {PLACEHOLDER}"]
    if origin is dict:
        return [f"{prefix}{name}: {{}}"]
    if annotation is bool:
        return [f"{prefix}{name}: {str(info.default).lower()}"]
    if annotation in (int, float) and not info.examples:
        return [f"{prefix}{name}: null  # {PLACEHOLDER}: a number"]
    return [f"{prefix}{name}: {_example(info) or PLACEHOLDER}"]


def _accepts_none(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _accepts_none(typing.get_args(annotation)[0])
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


def _example(info: FieldInfo) -> str | None:
    return str(info.examples[0]) if info.examples else None


def _concrete(annotation: Any) -> Any:
    """Strip Optional and Annotated to the type a template shows."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _concrete(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _concrete(members[0])
    return annotation
