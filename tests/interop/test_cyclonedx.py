"""CycloneDX 1.6 ML-BOM export, proven by cyclonedx-python-lib's strict 1.6 validator
(offline: the library ships the schemas) on both systems and both datasets of the worked
example; its content checked against the documents and artifacts it comes from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardgate.documents.schemas.base import Person
from cardgate.interop import cyclonedx
from tests.interop.bom_support import (
    DATASETS,
    REPO,
    SYSTEMS,
    Example,
    copy_example,
    load_example,
    with_card,
)

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def problems(bom: dict[str, Any]) -> str | None:
    """The validator's first error message, or None when the BOM is valid."""
    error = VALIDATOR.validate_str(cyclonedx.render(bom).decode("utf-8"))
    return None if error is None else str(error).splitlines()[0]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return load_example(copy_example(tmp_path_factory.mktemp("cdx") / "governance"))


def system_bom(example: Example, system_id: str, **options: Any) -> dict[str, Any]:
    return cyclonedx.system_bom(
        example.workspace,
        system_id,
        evaluation=example.evaluation(system_id),
        gate=example.gate,
        data_checks=example.data_checks(),
        **options,
    )


@pytest.mark.parametrize("system_id", SYSTEMS)
def test_each_system_exports_a_valid_cyclonedx_1_6_bom(example: Example, system_id: str) -> None:
    bom = system_bom(example, system_id)
    assert problems(bom) is None
    assert bom["specVersion"] == "1.6"
    model = bom["components"][0]
    assert model["type"] == "machine-learning-model"
    assert model["bom-ref"] == f"model:{system_id}"


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_each_dataset_exports_a_valid_cyclonedx_1_6_bom(example: Example, dataset_id: str) -> None:
    bom = cyclonedx.dataset_bom(
        example.workspace, dataset_id, data_check=example.data_check(dataset_id)
    )
    assert problems(bom) is None
    (component,) = bom["components"]
    sheet = yaml.safe_load(
        (REPO / "governance/datasets" / dataset_id / "datasheet.yaml").read_text()
    )
    assert component["type"] == "data"
    assert component["hashes"] == [{"alg": "SHA-256", "content": sheet["sha256"]}]
    assert component["licenses"] == [{"expression": sheet["distribution"]["license"]["spdx"]}]


def test_the_validator_rejects_what_the_schema_forbids(example: Example) -> None:
    """The negative case: the same BOM, broken in three ways the 1.6 schema forbids, is
    refused (so the positive tests above prove something)."""
    bom = system_bom(example, "income-screening")
    metric = bom["components"][0]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"][0]
    metric["value"] = float(metric["value"])  # a number where the schema wants a string
    assert "is not of type 'string'" in (problems(bom) or "")

    bom = system_bom(example, "income-screening")
    bom["components"][1]["hashes"][0]["content"] = "not-a-digest"
    assert "does not match" in (problems(bom) or "")

    bom = system_bom(example, "income-screening")
    signatory = bom["declarations"]["affirmation"]["signatories"][0]
    del signatory["organization"]  # an external reference needs its organization
    assert problems(bom) is not None


@pytest.mark.parametrize("system_id", SYSTEMS)
def test_shared_standards_give_the_same_bytes(example: Example, system_id: str) -> None:
    def shared() -> bytes:
        return cyclonedx.render(system_bom(example, system_id, shared=True))

    alone = cyclonedx.render(system_bom(example, system_id))
    assert shared() == alone
    assert shared() == alone  # the second time, the standards' text is reused


@pytest.mark.parametrize("system_id", SYSTEMS)
def test_a_coverage_handed_over_by_the_site_gives_the_same_bytes(
    example: Example, system_id: str
) -> None:
    """The site hands each export the coverage and definitions it has worked out; the BOM
    is the one the export works out alone (a coverage of another system would show)."""
    from cardgate.frameworks.coverage import workspace_coverage
    from cardgate.frameworks.definitions import workspace_definitions

    coverage = workspace_coverage(example.workspace)
    definitions = workspace_definitions(example.workspace).definitions

    def handed(of: str) -> bytes:
        bom = system_bom(example, system_id, coverage=coverage.system(of), definitions=definitions)
        return cyclonedx.render(bom)

    alone = cyclonedx.render(system_bom(example, system_id))
    assert handed(system_id) == alone
    others = [s for s in SYSTEMS if s != system_id]
    differing = [
        s
        for s in others
        if coverage.system(s).subcategories != coverage.system(system_id).subcategories
    ]
    assert differing, "the example's systems should not all have the same coverage"
    assert handed(differing[0]) != alone


def test_the_export_is_deterministic_and_its_serial_number_names_its_content(
    example: Example, tmp_path: Path
) -> None:
    first = cyclonedx.render(system_bom(example, "income-screening"))
    again = cyclonedx.render(
        system_bom(load_example(copy_example(tmp_path / "g")), "income-screening")
    )
    assert first == again
    data = json.loads(first)
    assert "timestamp" not in data["metadata"]
    changed = copy_example(tmp_path / "changed")
    card = changed / "systems/income-screening/model-card.yaml"
    card.write_text(card.read_text().replace("Thirty-year-old data", "Thirty-one-year-old data"))
    other = json.loads(cyclonedx.render(system_bom(load_example(changed), "income-screening")))
    assert other["serialNumber"] != data["serialNumber"]
    assert other["serialNumber"].startswith("urn:uuid:")


def test_performance_metrics_carry_every_defined_result_with_its_interval(
    example: Example,
) -> None:
    bom = system_bom(example, "income-screening")
    metrics = bom["components"][0]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    raw = json.loads((REPO / "governance/systems/income-screening/evaluation.json").read_text())
    auc = raw["overall"]["metrics"]["roc_auc"]
    overall = next(m for m in metrics if m["type"] == "roc_auc" and "slice" not in m)
    assert float(overall["value"]) == auc["value"]
    assert float(overall["confidenceInterval"]["lowerBound"]) == auc["ci"][0]
    assert float(overall["confidenceInterval"]["upperBound"]) == auc["ci"][1]
    female = raw["features"][0]["groups"][0]
    assert female["group"] == "Female"
    sliced = next(m for m in metrics if m["type"] == "recall" and m.get("slice") == "sex=Female")
    assert float(sliced["value"]) == female["metrics"]["recall"]["value"]
    defined = sum(1 for e in raw["overall"]["metrics"].values() if e["value"] is not None)
    for feature in raw["features"]:
        defined += sum(
            1 for g in feature["groups"] for e in g["metrics"].values() if e["value"] is not None
        )
        defined += sum(1 for d in feature["disparities"] if d["value"] is not None)
    assert len(metrics) == defined
    assert any(m.get("slice") == "sex=Female & race=Black" for m in metrics)


def test_considerations_come_from_the_card_and_the_gates_verdicts(example: Example) -> None:
    bom = system_bom(example, "income-screening")
    card = yaml.safe_load(
        (REPO / "governance/systems/income-screening/model-card.yaml").read_text()
    )
    considered = bom["components"][0]["modelCard"]["considerations"]
    assert considered["useCases"] == card["intended_use"]["primary_uses"]
    assert considered["technicalLimitations"] == card["limitations"]
    assert considered["performanceTradeoffs"] == card["tradeoffs"]
    names = [e["name"] for e in considered["ethicalConsiderations"]]
    assert names[: len(card["ethical_considerations"])] == [
        e["consideration"] for e in card["ethical_considerations"]
    ]
    assert sum(name.startswith("Risk r") for name in names) == len(card["risks"])
    verdict = next(v for v in example.gate.systems if v.system == "income-screening")
    not_within = [
        v
        for t in verdict.thresholds
        for v in t.verdicts
        if v.result.feature is not None and v.state != "within"
    ]
    assessments = considered["fairnessAssessments"]
    assert not_within and len(assessments) == len(not_within)
    assert all(
        a["harms"].startswith(v.message) for a, v in zip(assessments, not_within, strict=True)
    )


def test_declarations_hold_the_nist_catalog_the_answers_and_the_gate(example: Example) -> None:
    bom = system_bom(example, "income-screening")
    catalog = yaml.safe_load((REPO / "checklists/frameworks/nist-ai-rmf-1.0.yaml").read_text())
    subcategories = {
        sub["id"]: sub["statement"]
        for function in catalog["functions"]
        for category in function["categories"]
        for sub in category["subcategories"]
    }
    nist, gate = bom["definitions"]["standards"]
    texts = {r["identifier"]: r.get("text") for r in nist["requirements"]}
    assert len(subcategories) == 72
    assert {k: texts[k] for k in subcategories} == subcategories
    assert len(nist["requirements"]) == 4 + 19 + 72
    answers = yaml.safe_load(
        (REPO / "governance/systems/income-screening/checklist-nist-ai-rmf-core.yaml").read_text()
    )["items"]
    claims = {c["bom-ref"]: c for c in bom["declarations"]["claims"]}
    for item, answer in answers.items():
        claim = claims[f"claim:nist-ai-rmf-core:{item}"]
        assert claim["reasoning"].startswith(f"Answer: {answer['status']}.")
        evidence = [ref.removeprefix("evidence:") for ref in claim.get("evidence", [])]
        assert evidence == answer.get("evidence", [])
    declared = {e["bom-ref"] for e in bom["declarations"]["evidence"]}
    assert {ref for c in claims.values() for ref in c.get("evidence", [])} <= declared
    framework, verdict = bom["declarations"]["attestations"]
    assert len(framework["map"]) == 72
    assert {m["requirement"] for m in framework["map"]} <= {
        r["bom-ref"] for r in nist["requirements"]
    }
    assert "'income-screening' passed" in verdict["summary"]
    assert {r["identifier"] for r in gate["requirements"]} == {r.code for r in example.gate.rules}


def test_a_blocked_system_is_attested_as_blocked_with_its_blocking_rules(example: Example) -> None:
    bom = system_bom(example, "credit-default")
    verdict = bom["declarations"]["attestations"][-1]
    assert "'credit-default' blocked" in verdict["summary"]
    blocking = {
        f.code for f in example.gate.findings if f.system == "credit-default" and f.blocking
    }
    zero = {
        m["requirement"].removeprefix("requirement:gate:")
        for m in verdict["map"]
        if m["conformance"]["score"] == 0
    }
    assert blocking and zero == blocking
    assert "affirmation" not in bom["declarations"]  # no sign-offs at all


def test_the_affirmation_lists_only_sign_offs_the_gate_counts(
    example: Example, tmp_path: Path
) -> None:
    bom = system_bom(example, "income-screening")
    signatories = bom["declarations"]["affirmation"]["signatories"]
    assert [(s["name"], s["role"]) for s in signatories] == [
        ("Jonas Weber", "owner"),
        ("Daniel Mensah", "legal"),
        ("Priya Raman", "risk"),
    ]
    assert all(s["externalReference"]["type"] == "digital-signature" for s in signatories)
    # A change to the card after signing makes every sign-off stale: none is affirmed.
    changed = copy_example(tmp_path / "stale")
    card = changed / "systems/income-screening/model-card.yaml"
    card.write_text(card.read_text().replace("Thirty-year-old data", "Old data"))
    stale = system_bom(load_example(changed), "income-screening")
    affirmation = stale["declarations"]["affirmation"]
    assert affirmation["signatories"] == []
    assert affirmation["statement"].count("stale, the documents changed since") == 3
    assert problems(stale) is None


texts = st.text(min_size=1, max_size=40).filter(lambda t: t.strip() != "")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limitations=st.lists(texts, max_size=3),
    users=st.lists(texts, max_size=3),
    owner=st.tuples(texts, st.one_of(st.none(), texts, st.emails())),
    version=st.one_of(texts, st.text(min_size=1020, max_size=1100)),
)
def test_any_card_text_gives_a_valid_bom(
    example: Example,
    limitations: list[str],
    users: list[str],
    owner: tuple[str, str | None],
    version: str,
) -> None:
    card = example.workspace.systems["income-screening"].model_card
    assert card is not None
    changed = card.model_copy(
        update={
            "limitations": limitations,
            "owners": [Person(name=owner[0], email=owner[1])],
            "intended_use": card.intended_use.model_copy(update={"primary_users": users}),
            "model_details": card.model_details.model_copy(update={"model_version": version}),
        }
    )
    try:
        bom = system_bom(with_card(example, "income-screening", changed), "income-screening")
    finally:
        with_card(example, "income-screening", card)
    assert problems(bom) is None
    model = bom["components"][0]
    assert model["modelCard"]["considerations"].get("technicalLimitations", []) == limitations
    if len(version) <= cyclonedx.MAX_VERSION:
        assert model["version"] == version
    else:  # too long for CycloneDX's version: kept as a property
        assert "version" not in model
        assert {"name": "cardgate:version", "value": version} in model["properties"]
