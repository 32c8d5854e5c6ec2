"""JSON Schema export and templates: current, valid, and in agreement with pydantic."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from cardgate.authoring.json_schemas import schema_documents
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas import KINDS
from cardgate.documents.schemas.templates_index import TEMPLATES
from cardgate.documents.validated import validate_document

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(schema_documents()))
def test_every_schema_passes_the_2020_12_metaschema(name: str) -> None:
    schema = schema_documents()[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    seen.add(model)
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            stack.extend(typing.get_args(annotation))
            if (
                isinstance(annotation, type)
                and issubclass(annotation, BaseModel)
                and annotation not in seen
            ):
                _models(annotation, seen)
    return seen


def test_every_field_of_every_section_has_a_description() -> None:
    models: set[type[BaseModel]] = set()
    for model in KINDS.values():
        _models(model, models)
    assert len(models) > 20
    missing = sorted(
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if not info.description
    )
    assert missing == []


@pytest.mark.parametrize("name", sorted(TEMPLATES()))
def test_templates_are_current(name: str) -> None:
    shipped = (REPO / "templates" / name).read_text(encoding="utf-8")
    assert shipped == TEMPLATES()[name], "run: python scripts/generate_templates.py"


def test_example_workspace_schemas_are_current() -> None:
    folder = REPO / "governance" / ".schemas"
    if not folder.is_dir():
        pytest.fail("governance/.schemas is missing; run: cardgate schema -w governance")
    for name, document in schema_documents().items():
        on_disk = json.loads((folder / name).read_text(encoding="utf-8"))
        assert on_disk == document, f"{name} is stale; run: cardgate schema -w governance"


CARD = {
    "kind": "model-card",
    "schema_version": 1,
    "id": "demo",
    "name": "Demo",
    "status": "draft",
    "risk_tier": "high",
    "lifecycle_stage": "development",
    "owners": [{"name": "A. Owner"}],
    "model_details": {"description": "Scores applications.", "model_version": "1.10"},
    "intended_use": {"primary_uses": ["pre-screening"]},
}


def _variant(**changes: object) -> dict[str, object]:
    document = json.loads(json.dumps(CARD))
    for dotted, value in changes.items():
        target = document
        parts = dotted.split("__")
        for part in parts[:-1]:
            target = target[part]
        if value is _DELETE:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value
    return document


_DELETE = object()

CORPUS = [
    (_variant(), True),
    (_variant(extensions={"anything": [1, {"x": None}]}), True),
    (_variant(risk_tier="hihg"), False),
    (_variant(intended_uses="x"), False),
    (_variant(intended_use=_DELETE), False),
    (_variant(owners=[]), False),
    (_variant(owners=[{"name": "x", "phone": "1"}]), False),
    (_variant(schema_version=2), False),
    (_variant(id="Not An Id"), False),
    (_variant(model_details__model_version=1.5), True),
    (_variant(monitoring="TODO"), True),
    (_variant(risks="tbd"), True),
    (_variant(monitoring="later"), False),
    (_variant(intended_use="TODO"), False),
    (_variant(name=True), False),
    (_variant(last_reviewed="2026-01-31"), True),
    (
        _variant(
            risks=[
                {
                    "id": "r1",
                    "description": "d",
                    "likelihood": "likely",
                    "impact": "major",
                    "owner": "o",
                    "status": "open",
                }
            ]
        ),
        True,
    ),
    (
        _variant(
            risks=[
                {
                    "id": "r1",
                    "description": "d",
                    "likelihood": "often",
                    "impact": "major",
                    "owner": "o",
                    "status": "open",
                }
            ]
        ),
        False,
    ),
    (
        _variant(
            evaluation={
                "predictions": {"path": "p.csv"},
                "task": "binary-classification",
                "label_column": "y",
                "prediction_column": "p",
                "sensitive_features": ["sex"],
            }
        ),
        True,
    ),
    (
        _variant(
            evaluation={
                "predictions": {"path": "p.csv"},
                "task": "ranking",
                "label_column": "y",
                "prediction_column": "p",
                "sensitive_features": ["sex"],
            }
        ),
        False,
    ),
]


@pytest.mark.parametrize(("document", "valid"), CORPUS)
def test_pydantic_and_jsonschema_agree(document: dict[str, object], valid: bool) -> None:
    schema = schema_documents()["model-card.schema.json"]
    by_jsonschema = jsonschema.Draft202012Validator(schema).is_valid(document)
    loaded = parse_text(json.dumps(document), display="doc.yaml")
    result = validate_document(loaded)
    by_pydantic = result.model is not None
    assert by_pydantic == valid, result.problems
    assert by_jsonschema == valid


def test_fields_that_decide_the_gate_name_real_rules() -> None:
    """`gate=` markers (shown in templates as "decides the gate: ...") name existing rules."""

    from cardgate.documents.schemas import KINDS
    from cardgate.documents.schemas.base import gate_rules
    from cardgate.gate.rules import RULES

    codes = {rule.code for rule in RULES}
    named: set[str] = set()
    seen: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = list(KINDS.values())
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for info in model.model_fields.values():
            named.update(gate_rules(info))
            for inner in _models_in(info.annotation):
                pending.append(inner)
    assert named, "no field is marked"
    assert named <= codes, sorted(named - codes)
    assert {"GATE-FA003", "GATE-DC001", "GATE-FR001", "GATE-CK002"} <= named


def _models_in(annotation: object) -> list[type[Any]]:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [inner for arg in typing.get_args(annotation) for inner in _models_in(arg)]


def test_the_commented_evaluation_block_validates_once_uncommented() -> None:
    """The model-card template shows a thresholds block; uncommented, it validates."""
    from cardgate.documents.schemas.evaluation import EvaluationSettings

    text = TEMPLATES()["model-card.yaml"]
    block = text[text.index("\n# evaluation:\n") + 1 : text.index("\n# For an LLM or RAG")]
    assert "#   thresholds:" in block and "gate: GATE-FA003" in block
    uncommented = "\n".join(line[2:] for line in block.splitlines())
    section = yaml.safe_load(uncommented.replace("{{ id }}", "demo"))["evaluation"]
    assert section["thresholds"] == [{"metric": "demographic_parity_difference", "max": 0.1}]
    EvaluationSettings.model_validate(section)


def test_the_commented_genai_block_validates_once_uncommented_and_filled() -> None:
    """The model-card template shows a GenAI system's section (components, corpus,
    oversight, fallback, AI 600-1 risks, its retrieval evaluation commented inside);
    uncommented, with its numbers filled in, it validates."""
    from cardgate.documents.schemas.genai import GenAISystem

    text = TEMPLATES()["model-card.yaml"]
    block = text[text.index("\n# genai:\n") + 1 :]
    assert "#   # retrieval_evaluation:" in block and "gate: GATE-DOC001" in block
    uncommented = "\n".join(line[2:] for line in block.splitlines())
    filled = uncommented.replace("null  # TODO: a number", "5").replace(
        "sha256: TODO", "sha256: " + "a" * 64
    )
    section = yaml.safe_load(filled)["genai"]
    assert sorted(section) == ["components", "corpus", "fallback", "gai_risks", "human_oversight"]
    GenAISystem.model_validate(section)
