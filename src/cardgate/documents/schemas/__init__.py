"""Document schemas, one module per kind, and the registry of kinds."""

from __future__ import annotations

from pydantic import BaseModel

from cardgate.documents.placeholders import placeholder_pattern
from cardgate.documents.schemas.base import Document
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.policy import Policy
from cardgate.documents.schemas.signoffs import Signoffs
from cardgate.documents.schemas.waivers import Waivers

KINDS: dict[str, type[Document]] = {
    "model-card": ModelCard,
    "datasheet": Datasheet,
    "checklist": Checklist,
    "policy": Policy,
    "waivers": Waivers,
    "signoffs": Signoffs,
}
"""Every document kind a workspace holds, by its `kind:` value."""

TEMPLATED_KINDS = ("model-card", "datasheet", "checklist")
"""Kinds that `cardgate new` scaffolds from `templates/`."""


def json_schema(model: type[BaseModel]) -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of a document kind, as editors consume it.

    Optional sections and lists also accept a placeholder (`monitoring: TODO`), as the
    models do: it means "not written yet" (see `Section._unwritten_sections`); for a
    required one that is an error in both.
    """
    schema = model.model_json_schema(mode="validation")
    placeholder = {"type": "string", "pattern": placeholder_pattern()}
    for definition in [schema, *schema.get("$defs", {}).values()]:
        required = set(definition.get("required", []))
        for name, prop in definition.get("properties", {}).items():
            if name != "extensions" and name not in required and _is_container(prop):
                definition["properties"][name] = {"anyOf": [prop, placeholder]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://cardgate.dev/schemas/{model.__name__}.json",
        **schema,
    }


def _is_container(prop: dict[str, object]) -> bool:
    """A property schema holding an object, a list or a reference to a section."""
    options = prop.get("anyOf")
    candidates = options if isinstance(options, list) else [prop]
    return any(
        isinstance(option, dict) and ("$ref" in option or option.get("type") in ("object", "array"))
        for option in candidates
    )


__all__ = ["KINDS", "TEMPLATED_KINDS", "Checklist", "Datasheet", "ModelCard", "json_schema"]
