"""Document schemas, one module per kind, and the registry of kinds."""

from __future__ import annotations

from pydantic import BaseModel

from cardgate.schemas.base import Document
from cardgate.schemas.checklist import Checklist
from cardgate.schemas.datasheet import Datasheet
from cardgate.schemas.model_card import ModelCard
from cardgate.schemas.policy import Policy
from cardgate.schemas.signoffs import Signoffs
from cardgate.schemas.waivers import Waivers

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
    """The JSON Schema (draft 2020-12) of a document kind, as editors consume it."""
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://cardgate.dev/schemas/{model.__name__}.json",
        **schema,
    }


__all__ = ["KINDS", "TEMPLATED_KINDS", "Checklist", "Datasheet", "ModelCard", "json_schema"]
