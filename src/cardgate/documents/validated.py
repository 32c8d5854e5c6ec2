"""Schema validation of loaded documents: pydantic errors become positioned problems."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cardgate.core.problems import Problem, Severity, Span
from cardgate.documents.completeness import paths_below
from cardgate.documents.loading import LoadedDocument
from cardgate.documents.placeholders import is_missing, is_placeholder_text
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas import KINDS
from cardgate.documents.schemas.base import Document, Section, field_level


@dataclass
class ValidatedDocument:
    """A loaded document and what validation made of it."""

    loaded: LoadedDocument | None
    model: Document | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None


def validate_document(
    loaded: LoadedDocument, *, expected_kind: str | None = None
) -> ValidatedDocument:
    """Validate one loaded document against the schema its `kind:` names."""
    kind = loaded.data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        position = loaded.positions.value(("kind",))
        known = ", ".join(KINDS)
        if kind is None:
            message = "missing 'kind' (one of: " + known + ")"
            position = Span(1, 1)
        else:
            message = f"unknown kind '{kind}' (one of: {known})"
        hint = _suggest(str(kind), KINDS) if kind is not None else ""
        return ValidatedDocument(
            loaded, None, [Problem.at(loaded.display, position, "CG100", message, hint=hint)]
        )
    if expected_kind is not None and kind != expected_kind:
        position = loaded.positions.value(("kind",))
        return ValidatedDocument(
            loaded,
            None,
            [
                Problem.at(
                    loaded.display,
                    position,
                    "CG100",
                    f"expected kind '{expected_kind}' in this file, found '{kind}'",
                    hint="each file name holds one kind: model-card.yaml, datasheet.yaml, …",
                )
            ],
        )
    model_class = KINDS[kind]
    try:
        model = model_class.model_validate(loaded.data)
    except ValidationError as error:
        return ValidatedDocument(loaded, None, schema_problems(loaded, model_class, error))
    return ValidatedDocument(loaded, model, recommended_problems(loaded, model))


def schema_problems(
    loaded: LoadedDocument, model_class: type[BaseModel], error: ValidationError
) -> list[Problem]:
    """Positioned problems for a pydantic error raised validating `loaded` as `model_class`."""
    return sorted({_problem(loaded, model_class, detail) for detail in error.errors()})


def recommended_problems(loaded: LoadedDocument, model: BaseModel) -> list[Problem]:
    """Warnings for recommended fields left empty once a document is past `draft`."""
    if getattr(model, "status", "draft") == "draft":
        return []
    problems: list[Problem] = []
    for path, name in _missing_recommended(model, ()):
        problems.append(
            Problem.at(
                loaded.display,
                loaded.positions.key(path)
                if loaded.positions.has_key(path)
                else loaded.positions.value(path[:-1]),
                "CG107",
                f"recommended section '{name}' is empty",
                severity=Severity.WARNING,
                hint="fill it in; the release gate demands it",
            )
        )
    return problems


def placeholder_problems(loaded: LoadedDocument, model: BaseModel) -> list[Problem]:
    """Warnings for placeholder text (TODO, TBD, empty) left anywhere in a document past
    `draft`: the gate rejects them at release, validate says so early. Recommended fields
    left wholly empty are CG107's, not repeated here."""
    if getattr(model, "status", "draft") == "draft":
        return []
    return [
        Problem.at(
            loaded.display,
            loaded.positions.value(path),
            "CG109",
            f"'{'.'.join(str(part) for part in path)}' is still a placeholder ({_shown(text)})",
            severity=Severity.WARNING,
            hint="write the real content; the release gate rejects placeholders",
        )
        for path, text in _placeholders(model, ())
    ]


def _placeholders(value: Any, path: DataPath) -> Iterable[tuple[DataPath, str]]:
    if isinstance(value, str):
        if is_placeholder_text(value):
            yield path, value
    elif isinstance(value, BaseModel):
        recommended = set(_field_roles(type(value))[0])
        for name in type(value).model_fields:
            child = getattr(value, name)
            if name == "extensions" or (name in recommended and _is_missing(child)):
                continue
            yield from _placeholders(child, (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _placeholders(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, (*path, key))


def _missing_recommended(
    model: BaseModel, path: DataPath, skip: frozenset[str] = frozenset()
) -> Iterable[tuple[DataPath, str]]:
    # `skip`: what an enclosing section does not demand (`Section.not_demanded`), as the
    # gate's completeness walk skips it (GATE-MC002 and CG107 agree)
    if isinstance(model, Section):
        skip = skip | model.not_demanded()
    recommended, others = _field_roles(type(model))
    for name in recommended:
        value = getattr(model, name)
        if _is_missing(value):
            if name not in skip:
                here = (*path, name)
                yield here, ".".join(str(part) for part in here)
        elif isinstance(value, BaseModel):
            yield from _missing_recommended(value, (*path, name), paths_below(skip, name))
    for name in others:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _missing_recommended(value, (*path, name), paths_below(skip, name))


_ROLES: dict[type[BaseModel], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _field_roles(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(recommended fields, other fields) of a model class, computed once per class."""
    roles = _ROLES.get(model)
    if roles is None:
        levels = {name: field_level(info) for name, info in model.model_fields.items()}
        roles = _ROLES[model] = (
            tuple(name for name, level in levels.items() if level == "recommended"),
            tuple(name for name, level in levels.items() if level != "recommended"),
        )
    return roles


def _is_missing(value: Any) -> bool:
    """`placeholders.is_missing` for validated values, without dumping models to dicts."""
    if isinstance(value, BaseModel):
        return all(_is_missing(getattr(value, name)) for name in type(value).model_fields)
    if isinstance(value, list | tuple):
        return all(_is_missing(item) for item in value)
    return is_missing(value)


# --- pydantic error -> problem ----------------------------------------------------------------


def _problem(loaded: LoadedDocument, model_class: type[BaseModel], detail: ErrorDetails) -> Problem:
    loc: DataPath = tuple(part for part in detail["loc"] if isinstance(part, str | int))
    kind = detail["type"]
    name = _field_name(loc)
    display = loaded.display
    positions = loaded.positions
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _field_names(model_class, loc[:-1])
        suggestion = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        message = f"unknown key '{key}'"
        if suggestion:
            message += f" (did you mean '{suggestion[0]}'?)"
        return Problem.at(
            display,
            positions.key(loc),
            "CG101",
            message,
            hint="custom fields go under 'extensions:'; allowed here: " + ", ".join(allowed),
        )
    if kind == "missing":
        section = "section" if _is_section(model_class, loc) else "field"
        return Problem.at(
            display,
            positions.value(loc[:-1]),
            "CG103",
            f"missing required {section} '{name}'",
            hint="see the template (cardgate new) or the JSON Schema for what goes here",
        )
    got = _shown(detail.get("input"))
    if kind in {"literal_error", "enum"}:
        expected = str(detail.get("ctx", {}).get("expected", ""))
        choices = expected.replace("'", "").replace(" or ", ", ")
        return Problem.at(
            display,
            positions.value(loc),
            "CG102",
            f"'{name}' must be one of: {choices} (got {got})",
            hint=_suggest(str(detail.get("input")), choices.split(", "))
            or "write one of these values as listed (the template explains each)",
        )
    if kind == "value_error" or kind == "assertion_error":
        context = detail.get("ctx", {})
        message = str(context.get("error", detail["msg"]))
        return Problem.at(
            display,
            positions.value(loc),
            "CG105",
            f"'{name}': {message}" if loc else message,
            hint=str(context.get("hint", _TEMPLATE_HINT)),
        )
    message = detail["msg"]
    hint = _TYPE_HINTS.get(kind, _TEMPLATE_HINT)
    if kind == "string_type":
        message = "must be text"
        hint = "put the value in quotes" if got not in ("a list", "a mapping") else _ONE_VALUE
    elif kind.endswith("_type"):
        message = message.replace("Input should be", "must be")
    elif kind.startswith("string_pattern"):
        message = "does not have the expected form"
        hint = _pattern_hint(model_class, loc)
    else:
        message = message.replace("Input should", "must").replace("Value should", "must")
    return Problem.at(
        display, positions.value(loc), "CG104", f"'{name}' {message} (got {got})", hint=hint
    )


_TEMPLATE_HINT = "see the template (cardgate new) or the JSON Schema for what goes here"
_ONE_VALUE = "write one value here, not a list or a mapping"
_TYPE_HINTS = {
    "int_type": "write a whole number, without quotes",
    "int_parsing": "write a whole number, without quotes",
    "int_from_float": "write a whole number, without quotes",
    "float_type": "write a number, without quotes",
    "float_parsing": "write a number, without quotes",
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "list_type": "write a list: [a, b], or one '- item' per line",
    "dict_type": "write a mapping: 'key: value' lines, indented under it",
    "model_type": "write a mapping: 'key: value' lines, indented under it",
    "model_attributes_type": "write a mapping: 'key: value' lines, indented under it",
    "greater_than": "write a larger value",
    "greater_than_equal": "write a value at least the limit shown",
    "less_than": "write a smaller value",
    "less_than_equal": "write a value at most the limit shown",
    "too_short": "add the entries it needs",
    "too_long": "remove entries",
    "string_too_short": "write some text here",
    "string_too_long": "shorten the text",
    "finite_number": "write a finite number (not .nan or .inf)",
    "date_type": "write it as YYYY-MM-DD",
    "date_parsing": "write it as YYYY-MM-DD",
    "date_from_datetime_parsing": "write it as YYYY-MM-DD",
}
"""What to write instead, for pydantic's error kinds (the rest: `_TEMPLATE_HINT`)."""


def _field_name(loc: DataPath) -> str:
    names = [str(part) for part in loc if isinstance(part, str)]
    return names[-1] if names else "document"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    if len(text) > 40:
        text = text[:39] + "…"
    return repr(text) if isinstance(value, str) else text


def _suggest(value: str, choices: Iterable[str]) -> str:
    listed = list(choices)
    base, _, kind = value.rpartition("_")
    if kind in ("difference", "ratio") and base in listed:  # a disparity of a group metric
        others = ", ".join(choice for choice in listed if choice.endswith(f"_{kind}"))
        return (
            f"there is no '{value}': '{base}' with a 'feature:' limits each group's value; "
            f"the {kind}s: {others}"
        )
    match = difflib.get_close_matches(value, listed, n=1, cutoff=0.5)
    return f"did you mean '{match[0]}'?" if match else ""


def _pattern_hint(model_class: type[BaseModel], loc: DataPath) -> str:
    name = _field_name(loc)
    if name in {"sha256"}:
        return "a SHA-256 digest is 64 lower-case hex digits"
    return "ids use lower-case letters, digits, '.', '_' and '-', e.g. 'credit-scoring'"


# --- walking the model classes along a data path ----------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(model_class: type[BaseModel], loc: DataPath) -> type[BaseModel] | None:
    current: Any = model_class
    for part in loc:
        candidates = _unwrap(current)
        following: Any = None
        for candidate in candidates:
            origin = typing.get_origin(candidate)
            if (
                isinstance(part, str)
                and isinstance(candidate, type)
                and issubclass(candidate, BaseModel)
            ):
                info = candidate.model_fields.get(part)
                if info is not None:
                    following = info.annotation
                    break
            elif origin is list and isinstance(part, int):
                following = typing.get_args(candidate)[0]
                break
            elif origin is dict and isinstance(part, str):
                following = typing.get_args(candidate)[1]
                break
        if following is None:
            return None
        current = following
    for candidate in _unwrap(current):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _field_names(model_class: type[BaseModel], loc: DataPath) -> list[str]:
    model = _model_at(model_class, loc)
    return list(model.model_fields) if model is not None else []


def _is_section(model_class: type[BaseModel], loc: DataPath) -> bool:
    return _model_at(model_class, loc) is not None
