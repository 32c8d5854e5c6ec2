"""Building blocks shared by every document schema.

Conventions:

* every field has a `description`: it becomes the JSON Schema description and the
  template's guidance comment;
* `required(...)` fields must be present (a schema error when absent);
  `recommended(...)` fields may be absent or `TODO` while a document is a draft, and the
  gate demands them at release (`field_level` reads the marker);
* unknown keys are errors, except under `extensions:`;
* text fields keep the text as written (`1.10` stays "1.10"), via `Text`.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.positions import source_text

LEVEL_KEY = "x-cardgate-level"
GATE_KEY = "x-cardgate-gate"
"""`json_schema_extra` key: the gate rules that judge a field's value (templates say so)."""


def _as_text(value: Any) -> Any:
    written = source_text(value)
    return written if written is not None else value


def hinted(message: str, hint: str) -> PydanticCustomError:
    """A validation error with the hint `cardgate validate` shows under it (CG105)."""
    return PydanticCustomError("value_error", "{error}", {"error": message, "hint": hint})


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value: Any) -> Any:
    if isinstance(value, str) and is_placeholder_text(value):
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as error:
            if _ISO_DAY.fullmatch(value.strip()):  # the form is right, the day is not
                raise hinted(
                    f"'{value}' is no day of the calendar ({error})", "check the month and day"
                ) from error
            raise hinted(f"'{value}' is not a date", "write it as YYYY-MM-DD") from error
    return value


Text = Annotated[str, BeforeValidator(_as_text), WithJsonSchema({"type": ["string", "number"]})]
"""Free text. Numbers written in YAML are kept as their source text."""

IsoDate = Annotated[
    dt.date, BeforeValidator(_as_date), WithJsonSchema({"type": "string", "format": "date"})
]
"""A calendar date written as YYYY-MM-DD."""

DateOrPlaceholder = Annotated[
    dt.date | None,
    BeforeValidator(_as_date),
    WithJsonSchema({"type": ["string", "null"], "format": "date"}),
]
"""A date that a template leaves as `TODO` (no date yet: the field is missing)."""

# Constraints before the validator: pydantic keeps the pattern in the JSON Schema only then.
Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80),
    BeforeValidator(_as_text),
]
"""A lower-case id: letters, digits, '.', '_' and '-' (e.g. `credit-scoring`)."""

Reference = Annotated[
    str,
    StringConstraints(pattern=r"^(?:[a-z0-9][a-z0-9._-]*|TODO)$", max_length=80),
    BeforeValidator(_as_text),
]
"""The id of another document; `TODO` while a draft does not know it yet."""

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$"), BeforeValidator(_as_text)]
"""A SHA-256 digest as 64 lower-case hex digits (an all-digit one loads as text too)."""

PointLabel = Annotated[
    str,
    StringConstraints(pattern=r"^[1-9][0-9]?(\([a-z]\))?$", max_length=8),
    BeforeValidator(_as_text),
]
"""A numbered point of a regulation's text as it is cited: '5(b)', or '2' for a point
without lettered sub-points (an Annex III point of the EU AI Act)."""

RiskTier = Literal["minimal", "limited", "high", "unacceptable"]
Status = Literal["draft", "review", "approved", "retired"]


def errors_below(
    title: str, found: list[tuple[tuple[str | int, ...], str, Any]], *, hint: str = ""
) -> ValidationError:
    """Value errors at paths below a field — ((item, key), message, value) each — for a
    check that needs a sibling field (a threshold against the card's rates): raised by the
    field's validator, pydantic puts the field's own location in front, so each problem is
    reported at its item's file:line:col instead of at the section. `hint`: what to do,
    shown under each (default: the template's)."""
    context = {"hint": hint} if hint else {}
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError("value_error", "{error}", {"error": message, **context}),
                loc=loc,
                input=value,
            )
            for loc, message, value in found
        ],
    )


def required(description: str, *, gate: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """A field that must be present.

    `gate` names the gate rules that judge the field's value, beyond its being filled in
    (every field of this kind: `gate=("GATE-FA003",)`); templates say so next to it.
    """
    extra: dict[str, Any] = {LEVEL_KEY: "required", **_gate(gate)}
    return Field(..., description=description, json_schema_extra=extra, **kwargs)


def recommended(
    description: str, *, commented: bool = False, gate: tuple[str, ...] = (), **kwargs: Any
) -> Any:
    """A field that may be missing or `TODO` in a draft; the gate demands it at release.

    `commented` shows it in templates as a commented-out example to adapt; `gate` as for
    `required`.
    """
    extra: dict[str, Any] = {LEVEL_KEY: "recommended", **_gate(gate)}
    if commented:
        extra["x-cardgate-template"] = "commented"
    return Field(default=None, description=description, json_schema_extra=extra, **kwargs)


def optional(
    description: str, *, commented: bool = False, gate: tuple[str, ...] = (), **kwargs: Any
) -> Any:
    """A field that is never demanded (`gate` and `commented` as for `recommended`)."""
    kwargs.setdefault("default", None)
    extra = _gate(gate)
    if commented:
        extra["x-cardgate-template"] = "commented"
    if extra:
        kwargs["json_schema_extra"] = extra
    return Field(description=description, **kwargs)


def decided_by(*codes: str) -> dict[str, Any]:
    """`json_schema_extra` for a plain `Field` whose value gate rules judge."""
    return _gate(codes)


def _gate(codes: tuple[str, ...]) -> dict[str, Any]:
    return {GATE_KEY: list(codes)} if codes else {}


def gate_rules(info: FieldInfo) -> tuple[str, ...]:
    """The gate rules that judge a field's value (see `required`)."""
    extra = info.json_schema_extra
    codes = extra.get(GATE_KEY) if isinstance(extra, dict) else None
    return tuple(str(code) for code in codes) if isinstance(codes, list) else ()


def field_level(info: FieldInfo) -> str:
    """'required', 'recommended' or 'optional' for a model field."""
    extra = info.json_schema_extra
    if isinstance(extra, dict):
        level = extra.get(LEVEL_KEY)
        if isinstance(level, str):
            return level
    return "required" if info.is_required() else "optional"


class Section(BaseModel):
    """A part of a document: strict types, no unknown keys."""

    model_config = ConfigDict(
        extra="forbid", strict=True, populate_by_name=False, allow_inf_nan=False
    )

    def not_demanded(self) -> frozenset[str]:
        """Recommended fields (dotted paths below this section) that its other values make
        inapplicable: the gate does not demand them (a GenAI system without retrieval needs
        no retrieval evaluation). None by default."""
        return frozenset()

    @model_validator(mode="before")
    @classmethod
    def _unwritten_sections(cls, data: Any) -> Any:
        """`section: TODO` means "not written yet": the same as leaving the section out.

        So a draft can mark sections and lists with the placeholder like any text; the
        field is then missing (recommended: the gate demands it; required: an error).
        """
        if type(data) is not dict:
            return data
        names = _CONTAINERS.get(cls)
        if names is None:
            names = _CONTAINERS[cls] = _container_fields(cls)
        unwritten = None
        for name in names:  # usually none or one: this runs for every section loaded
            value = data.get(name)
            if type(value) is str and is_placeholder_text(value):
                unwritten = [*(unwritten or []), name]
        if unwritten is None:
            return data
        return {key: value for key, value in data.items() if key not in unwritten}


_CONTAINERS: dict[type[BaseModel], tuple[str, ...]] = {}


def _container_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Fields holding a section, a list or a mapping (not text)."""
    names = []
    for name, info in model.model_fields.items():
        members = _members(info.annotation)
        if str in members:  # it takes text too (a licence): a placeholder is that text
            continue
        for member in members:
            origin = typing.get_origin(member)
            if origin in (list, dict) or (
                isinstance(member, type) and issubclass(member, BaseModel)
            ):
                names.append(name)
                break
    return tuple(names)


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


class Person(Section):
    """Someone accountable for a document or a risk."""

    name: Text = required("Full name.")
    role: Text | None = optional("Role, e.g. 'model owner', 'data steward'.")
    email: Text | None = optional("Contact e-mail address.")


def _an_integer(value: Any) -> Any:
    """An integer as written: pydantic matches a literal by hash, so ``1.0`` and ``true``
    passed for ``1`` (a document of another schema version is no version 1)."""
    if isinstance(value, bool | float):
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": "1"})
    return value


class Document(Section):
    """Fields every cardgate document has."""

    kind: str = required("Document kind.")
    schema_version: Annotated[Literal[1], BeforeValidator(_an_integer)] = required(
        "Version of the document schema; currently 1."
    )
    extensions: dict[str, Any] | None = optional(
        "Your own fields, not checked by cardgate (the only place unknown keys are allowed)."
    )
