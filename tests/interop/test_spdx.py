"""SPDX 3.0.1 AI and Dataset profile export, proven against the SPDX 3.0.1 JSON Schema
vendored beside this file (offline; `spdx3-validate` downloads it at run time) and read
back as JSON-LD through the vendored SPDX context with rdflib."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import rdflib
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardgate.interop import spdx
from cardgate.interop.bom_parts import metric_rows
from tests.interop.bom_support import (
    DATASETS,
    REPO,
    SYSTEMS,
    Example,
    copy_example,
    load_example,
    with_card,
)

HERE = Path(__file__).parent / "spdx-3.0.1"
SCHEMA_SHA256 = "59f59713c7d73ff0d833f4f468df974a689fc9dd36dc5510f1875ff85d276c54"
CONTEXT_SHA256 = "c72b0928f094c83e5c127784edb1ebca2af74a104fcacc007c332b23cbc788bd"
SCHEMA = json.loads((HERE / "schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
TERMS = rdflib.Namespace("https://spdx.org/rdf/3.0.1/terms/")


def errors(document: dict[str, Any]) -> list[str]:
    data = json.loads(spdx.render(document))
    return [error.message for error in VALIDATOR.iter_errors(data)]


def elements(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in document["@graph"] if e.get("type") == kind]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return load_example(copy_example(tmp_path_factory.mktemp("spdx") / "governance"))


def system_document(example: Example, system_id: str) -> dict[str, Any]:
    return spdx.system_document(
        example.workspace,
        system_id,
        evaluation=example.evaluation(system_id),
        data_checks=example.data_checks(),
    )


def test_the_vendored_schema_and_context_are_the_reference_copies() -> None:
    """A silent replacement (a weaker schema accepts anything) fails here."""
    assert hashlib.sha256((HERE / "schema.json").read_bytes()).hexdigest() == SCHEMA_SHA256
    context = (HERE / "spdx-context.jsonld").read_bytes()
    assert hashlib.sha256(context).hexdigest() == CONTEXT_SHA256
    assert SCHEMA["properties"]["@context"] == {"const": spdx.CONTEXT}


@pytest.mark.parametrize("system_id", SYSTEMS)
def test_each_system_validates_against_the_spdx_3_0_1_schema(
    example: Example, system_id: str
) -> None:
    document = system_document(example, system_id)
    assert errors(document) == []
    (model,) = elements(document, "ai_AIPackage")
    assert model["name"] == system_id
    assert elements(document, "dataset_DatasetPackage")


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_each_dataset_validates_against_the_spdx_3_0_1_schema(
    example: Example, dataset_id: str
) -> None:
    document = spdx.dataset_document(
        example.workspace, dataset_id, data_check=example.data_check(dataset_id)
    )
    assert errors(document) == []
    (package,) = elements(document, "dataset_DatasetPackage")
    sheet = yaml.safe_load(
        (REPO / "governance/datasets" / dataset_id / "datasheet.yaml").read_text()
    )
    assert package["verifiedUsing"] == [
        {"type": "Hash", "algorithm": "sha256", "hashValue": sheet["sha256"]}
    ]
    assert package["dataset_datasetType"] == ["structured"]
    assert package["dataset_datasetSize"] == example.data_check(dataset_id).data.bytes  # type: ignore[union-attr]


def test_the_schema_rejects_what_spdx_forbids(example: Example) -> None:
    document = system_document(example, "income-screening")

    def broken(change: Any) -> list[str]:
        copied = copy.deepcopy(document)
        change(copied)
        return errors(copied)

    assert broken(lambda d: elements(d, "ai_AIPackage")[0].update(ai_safetyRiskAssessment="x"))
    assert broken(lambda d: elements(d, "Relationship")[0].update(relationshipType="trainedWith"))
    assert broken(lambda d: elements(d, "ai_AIPackage")[0].update(unknown_property="x"))
    assert broken(lambda d: elements(d, "dataset_DatasetPackage")[0].pop("dataset_datasetType"))
    assert broken(lambda d: d["@graph"][0].update(created="2026-11-30"))


def test_lineage_risk_and_metrics_come_from_the_card_and_the_artifact(example: Example) -> None:
    document = system_document(example, "credit-default")
    card = yaml.safe_load((REPO / "governance/systems/credit-default/model-card.yaml").read_text())
    (model,) = elements(document, "ai_AIPackage")
    packages = {p["spdxId"]: p["name"] for p in elements(document, "dataset_DatasetPackage")}
    relations = {
        r["relationshipType"]: [packages[target] for target in r["to"]]
        for r in elements(document, "Relationship")
        if r["from"] == model["spdxId"] and r["relationshipType"] in ("trainedOn", "testedOn")
    }
    assert relations == {
        "trainedOn": list(dict.fromkeys(d["dataset"] for d in card["training_data"]["datasets"])),
        "testedOn": list(dict.fromkeys(d["dataset"] for d in card["evaluation_data"]["datasets"])),
    }
    assert model["ai_safetyRiskAssessment"] == spdx.SAFETY_RISK[card["risk_tier"]]
    evaluation = example.evaluation("credit-default")
    assert evaluation is not None
    rows = list(metric_rows(evaluation))
    assert len(model["ai_metric"]) == len(rows)
    raw = json.loads((REPO / "governance/systems/credit-default/evaluation.json").read_text())
    auc = raw["overall"]["metrics"]["roc_auc"]
    (entry,) = [m for m in model["ai_metric"] if m["key"] == "roc_auc"]
    value, interval = entry["value"].split(" (95% CI ")
    assert float(value) == auc["value"]
    assert [float(x) for x in interval.rstrip(")").split(", ")] == auc["ci"]
    assert model["ai_limitation"] == "\n".join(card["limitations"])
    (declared,) = [
        r["to"]
        for r in elements(document, "Relationship")
        if r["from"] == model["spdxId"] and r["relationshipType"] == "hasDeclaredLicense"
    ]
    (expression,) = [
        e
        for e in elements(document, "simplelicensing_LicenseExpression")
        if e["spdxId"] in declared
    ]
    assert (
        expression["simplelicensing_licenseExpression"] == card["model_details"]["license"]["spdx"]
    )


def test_every_package_has_one_declared_and_one_concluded_licence(example: Example) -> None:
    """The AI and Dataset profiles' conformance clauses."""
    document = system_document(example, "income-screening")
    packages = elements(document, "ai_AIPackage") + elements(document, "dataset_DatasetPackage")
    for package in packages:
        for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
            found = [
                r
                for r in elements(document, "Relationship")
                if r["from"] == package["spdxId"] and r["relationshipType"] == kind
            ]
            assert len(found) == 1, (package["name"], kind)


def test_the_document_lists_every_element_and_references_only_known_ones(
    example: Example,
) -> None:
    document = system_document(example, "income-screening")
    (spdx_document,) = elements(document, "SpdxDocument")
    ids = [e["spdxId"] for e in document["@graph"] if "spdxId" in e and e["type"] != "SpdxDocument"]
    assert len(ids) == len(set(ids))
    assert spdx_document["element"] == ids
    known = set(ids) | {spdx.NO_ASSERTION_LICENSE}
    for relation in elements(document, "Relationship"):
        assert relation["from"] in known and set(relation["to"]) <= known
    assert spdx_document["rootElement"] == [elements(document, "ai_AIPackage")[0]["spdxId"]]


def test_it_reads_back_as_json_ld_through_the_spdx_context(example: Example) -> None:
    """Every term resolves to an SPDX IRI: rdflib finds the AI package, its risk level and
    its lineage as SPDX 3.0.1 terms (read offline with the vendored context)."""
    document = system_document(example, "income-screening")
    context = json.loads((HERE / "spdx-context.jsonld").read_text(encoding="utf-8"))
    graph = rdflib.Graph()
    graph.parse(data=json.dumps({**document, "@context": context["@context"]}), format="json-ld")
    (model,) = graph.subjects(rdflib.RDF.type, TERMS["AI/AIPackage"])
    assert (
        graph.value(model, TERMS["AI/safetyRiskAssessment"])
        == TERMS["AI/SafetyRiskAssessmentType/high"]
    )
    kinds = {
        str(graph.value(r, TERMS["Core/relationshipType"])).rsplit("/", 1)[1]
        for r in graph.subjects(TERMS["Core/from"], model)
    }
    assert {"trainedOn", "testedOn", "hasDeclaredLicense", "hasConcludedLicense"} <= kinds


def test_the_export_is_deterministic_and_named_by_its_content(
    example: Example, tmp_path: Path
) -> None:
    first = spdx.render(system_document(example, "income-screening"))
    again = spdx.render(
        system_document(load_example(copy_example(tmp_path / "g")), "income-screening")
    )
    assert first == again
    data = json.loads(first)
    assert data["@graph"][0]["created"] == "2026-11-30T00:00:00Z"  # the latest sign-off
    changed = copy_example(tmp_path / "changed")
    card = changed / "systems/income-screening/model-card.yaml"
    card.write_text(card.read_text().replace("Thirty-year-old data", "Old data"))
    other = json.loads(spdx.render(system_document(load_example(changed), "income-screening")))
    namespace = data["@graph"][1]["spdxId"].split("#")[0]
    assert other["@graph"][1]["spdxId"].split("#")[0] != namespace


def test_risk_tiers_map_onto_spdx_levels_in_rank_order() -> None:
    tiers = ["minimal", "limited", "high", "unacceptable"]
    levels = ["low", "medium", "high", "serious"]
    assert [spdx.SAFETY_RISK[tier] for tier in tiers] == levels  # type: ignore[index]
    enum = SCHEMA["$defs"]["prop_ai_AIPackage_ai_safetyRiskAssessment"]["enum"]
    assert sorted(levels) == sorted(enum)


texts = st.text(min_size=1, max_size=40).filter(lambda t: t.strip() != "")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limitations=st.lists(texts, max_size=3),
    tier=st.sampled_from(["minimal", "limited", "high", "unacceptable"]),
    model_type=st.one_of(st.none(), texts),
)
def test_any_card_gives_a_valid_document(
    example: Example, limitations: list[str], tier: str, model_type: str | None
) -> None:
    card = example.workspace.systems["income-screening"].model_card
    assert card is not None
    changed = card.model_copy(
        update={
            "limitations": limitations,
            "risk_tier": tier,
            "model_details": card.model_details.model_copy(update={"model_type": model_type}),
        }
    )
    try:
        document = system_document(
            with_card(example, "income-screening", changed), "income-screening"
        )
    finally:
        with_card(example, "income-screening", card)
    assert errors(document) == []
    (model,) = elements(document, "ai_AIPackage")
    assert model["ai_safetyRiskAssessment"] == spdx.SAFETY_RISK[tier]  # type: ignore[index]
    assert model.get("ai_limitation") == ("\n".join(limitations) or None)
    assert model.get("ai_typeOfModel") == ([model_type] if model_type else None)


def test_a_genai_systems_results_are_its_ai_metrics(example: Example) -> None:
    """helpdesk-assistant's retrieval, generation, safety and operations results (what
    its CycloneDX model card carries) are `ai_metric` entries, with their intervals."""
    from cardgate.interop.cyclonedx_genai import genai_metrics
    from cardgate.interop.source import ExportSource

    source = ExportSource(example.workspace, example.gate).system("helpdesk-assistant")
    rows = genai_metrics(source.retrieval, source.generation, source.safety, source.operations)
    assert rows
    data = json.loads(spdx.export_system(source)["helpdesk-assistant.spdx.json"])
    assert [error.message for error in VALIDATOR.iter_errors(data)] == []
    (model,) = [e for e in data["@graph"] if e.get("type") == "ai_AIPackage"]
    metrics = {entry["key"]: entry["value"] for entry in model["ai_metric"]}
    assert len(metrics) == len(rows)
    for row in rows:
        value = metrics[f"{row['type']} | {row['slice']}"]
        assert value.startswith(row["value"])
        if "confidenceInterval" in row:
            bounds = row["confidenceInterval"]
            assert value.endswith(f"(CI {bounds['lowerBound']}, {bounds['upperBound']})")
    slices = {row["slice"].split(" ")[0].split(":")[0] for row in rows}
    assert {"retrieval", "generation", "safety", "operations"} <= slices, slices
