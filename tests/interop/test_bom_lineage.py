"""Lineage and reported results in the CycloneDX, SPDX and Croissant exports: base models,
datasets named outside the workspace (Hub id, DOI, URL) with their roles, a datasheet the
lineage names for validation, and results measured elsewhere, which are kept apart from
what cardgate computed. Each export still passes its format's validator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.provenance import Lineage, ReportedResult
from cardgate.interop import croissant, cyclonedx, spdx
from cardgate.interop.bom_parts import lineage_of, metric_rows, reported_text
from tests.interop.bom_support import Example, copy_example, load_example, with_card
from tests.interop.test_cyclonedx import problems, system_bom
from tests.interop.test_spdx import HERE, TERMS, elements, errors, system_document

SYSTEM = "income-screening"

LINEAGE = {
    "base_models": [
        {"hf": "acme/tabular-base", "relation": "fine-tuned", "name": "Acme tabular base"},
        {"doi": "10.5281/zenodo.123456", "relation": "distilled"},
        {"url": "https://example.org/models/scorer"},
    ],
    "datasets": [
        {"hf": "scikit-learn/adult-census-income", "role": "training"},
        {"doi": "10.24432/C5XW20", "role": "validation", "name": "Adult (UCI)"},
        {"url": "https://example.org/data/holdout", "role": "testing"},
        {"hf": "scikit-learn/adult-census-income", "role": "testing"},
        {"dataset": "german-credit", "role": "validation"},
    ],
}
REPORTED = [
    {
        "metric": "accuracy",
        "value": 0.853,
        "source": "Kohavi (1996), NBTree",
        "url": "https://example.org/kohavi96.pdf",
        "dataset": "adult",
        "split": "test",
        "ci": [0.84, 0.86],
    },
    {"metric": "roc_auc", "value": 0.9, "source": "vendor sheet", "slice": "sex=Female"},
]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return load_example(copy_example(tmp_path_factory.mktemp("lineage") / "governance"))


def _card(example: Example, lineage: dict[str, Any], reported: list[dict[str, Any]]) -> ModelCard:
    card = example.workspace.systems[SYSTEM].model_card
    assert card is not None
    return card.model_copy(
        update={
            "lineage": Lineage.model_validate(lineage),
            "reported_results": [ReportedResult.model_validate(r) for r in reported],
        }
    )


@pytest.fixture
def lineaged(example: Example) -> Iterator[Example]:
    """The example with income-screening's card given the lineage and results above."""
    card = example.workspace.systems[SYSTEM].model_card
    assert card is not None
    yield with_card(example, SYSTEM, _card(example, LINEAGE, REPORTED))
    with_card(example, SYSTEM, card)


def bom(example: Example) -> dict[str, Any]:
    return system_bom(example, SYSTEM)


def document(example: Example) -> dict[str, Any]:
    return system_document(example, SYSTEM)


# --- CycloneDX ----------------------------------------------------------------------------


def test_cyclonedx_base_models_are_the_models_ancestors(lineaged: Example) -> None:
    found = bom(lineaged)
    assert problems(found) is None
    ancestors = found["components"][0]["pedigree"]["ancestors"]
    assert [(a["type"], a["name"]) for a in ancestors] == [
        ("machine-learning-model", "Acme tabular base"),
        ("machine-learning-model", "doi:10.5281/zenodo.123456"),
        ("machine-learning-model", "https://example.org/models/scorer"),
    ]
    assert [a["externalReferences"][0]["url"] for a in ancestors] == [
        "https://huggingface.co/acme/tabular-base",
        "https://doi.org/10.5281/zenodo.123456",
        "https://example.org/models/scorer",
    ]
    assert ancestors[0]["externalReferences"][0]["type"] == "distribution"
    assert ancestors[0]["properties"] == [{"name": "cardgate:relation", "value": "fine-tuned"}]
    assert "properties" not in ancestors[2]


def test_cyclonedx_external_datasets_are_data_components_with_their_roles(
    lineaged: Example,
) -> None:
    found = bom(lineaged)
    components = {c["bom-ref"]: c for c in found["components"][1:]}
    hub = components["dataset:hf:scikit-learn/adult-census-income"]
    assert hub["type"] == "data"
    assert hub["externalReferences"][0]["url"] == (
        "https://huggingface.co/datasets/scikit-learn/adult-census-income"
    )
    uses = [p["value"] for p in hub["properties"] if p["name"] == "cardgate:use"]
    assert uses == ["lineage: training", "lineage: testing"]  # one component, both roles
    assert components["dataset:doi:10.24432/C5XW20"]["name"] == "Adult (UCI)"
    # A datasheet of the workspace named by the lineage: its own component, its role.
    german = components["dataset:german-credit"]
    assert {"name": "cardgate:use", "value": "lineage: validation"} in german["properties"]
    assert german["hashes"][0]["alg"] == "SHA-256"
    refs = [d["ref"] for d in found["components"][0]["modelCard"]["modelParameters"]["datasets"]]
    assert refs == [
        "dataset:adult",
        "dataset:german-credit",
        "dataset:hf:scikit-learn/adult-census-income",
        "dataset:doi:10.24432/C5XW20",
        "dataset:url:https://example.org/data/holdout",
    ]
    assert set(refs) == set(components)
    (model_deps,) = [d for d in found["dependencies"] if d["ref"] == "model:" + SYSTEM]
    assert model_deps["dependsOn"] == refs


def test_cyclonedx_reported_results_are_never_performance_metrics(lineaged: Example) -> None:
    found = bom(lineaged)
    model = found["components"][0]
    evaluation = lineaged.evaluation(SYSTEM)
    assert evaluation is not None
    metrics = model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    assert len(metrics) == len(list(metric_rows(evaluation)))  # computed ones only
    assert not any(m["value"] in ("0.853", "0.9") and m["type"] == "accuracy" for m in metrics)
    reported = [
        p["value"]
        for p in model["modelCard"]["properties"]
        if p["name"] == "cardgate:reported-result"
    ]
    assert reported == [
        "Reported by Kohavi (1996), NBTree (https://example.org/kohavi96.pdf), not computed "
        "by cardgate: accuracy = 0.853 (interval 0.84, 0.86); dataset: adult; split: test",
        "Reported by vendor sheet, not computed by cardgate: roc_auc = 0.9; slice: sex=Female",
    ]
    (source,) = [r for r in model["externalReferences"] if r["type"] == "quality-metrics"]
    assert source["url"] == "https://example.org/kohavi96.pdf"
    assert "not computed by cardgate" in source["comment"]


def test_a_datasheets_identifiers_are_its_external_references(example: Example) -> None:
    """The worked example's datasheets name their UCI DOIs: the data component points there."""
    found = cyclonedx.dataset_bom(example.workspace, "adult")
    assert problems(found) is None
    (component,) = found["components"]
    assert component["externalReferences"] == [
        {
            "type": "website",
            "url": "https://doi.org/10.24432/C5XW20",
            "comment": "DOI: 10.24432/C5XW20",
        }
    ]


# --- SPDX ---------------------------------------------------------------------------------


def _relations(found: dict[str, Any], model: str) -> list[dict[str, Any]]:
    return [
        r
        for r in found["@graph"]
        if r.get("type") in ("Relationship", "LifecycleScopedRelationship")
        and r["from"] == model
        and r["relationshipType"] not in ("hasDeclaredLicense", "hasConcludedLicense")
    ]


def test_spdx_lineage_is_descendant_of_trained_on_and_tested_on(lineaged: Example) -> None:
    found = document(lineaged)
    assert errors(found) == []
    names = {e["spdxId"]: e["name"] for e in found["@graph"] if "name" in e and "spdxId" in e}
    model = next(e for e in elements(found, "ai_AIPackage") if e["name"] == SYSTEM)["spdxId"]
    relations = [
        (
            r["type"],
            r["relationshipType"],
            [names[t] for t in r["to"]],
            r.get("scope"),
            r.get("comment"),
        )
        for r in _relations(found, model)
    ]
    assert relations == [
        ("Relationship", "trainedOn", ["adult", "hf:scikit-learn/adult-census-income"], None, None),
        (
            "Relationship",
            "testedOn",
            ["adult", "hf:scikit-learn/adult-census-income", "https://example.org/data/holdout"],
            None,
            None,
        ),
        (
            "LifecycleScopedRelationship",
            "testedOn",
            ["german-credit", "Adult (UCI)"],
            "development",
            "validation data",
        ),
        ("Relationship", "descendantOf", ["Acme tabular base"], None, "fine-tuned"),
        ("Relationship", "descendantOf", ["doi:10.5281/zenodo.123456"], None, "distilled"),
        ("Relationship", "descendantOf", ["https://example.org/models/scorer"], None, None),
    ]
    base = next(e for e in elements(found, "ai_AIPackage") if e["name"] == "Acme tabular base")
    assert base["software_homePage"] == "https://huggingface.co/acme/tabular-base"
    assert base["externalIdentifier"] == [
        {
            "type": "ExternalIdentifier",
            "externalIdentifierType": "other",
            "identifier": "acme/tabular-base",
            "issuingAuthority": "Hugging Face Hub",
            "identifierLocator": ["https://huggingface.co/acme/tabular-base"],
        }
    ]
    # Every package, from the workspace or outside it, has its two licence relationships.
    for package in elements(found, "ai_AIPackage") + elements(found, "dataset_DatasetPackage"):
        kinds = [
            r["relationshipType"]
            for r in elements(found, "Relationship")
            if r["from"] == package["spdxId"]
        ]
        assert sorted(k for k in kinds if k.startswith("has")) == [
            "hasConcludedLicense",
            "hasDeclaredLicense",
        ]


def test_spdx_reported_results_are_annotations_not_metrics(lineaged: Example) -> None:
    found = document(lineaged)
    model = next(e for e in elements(found, "ai_AIPackage") if e["name"] == SYSTEM)
    evaluation = lineaged.evaluation(SYSTEM)
    assert evaluation is not None
    assert len(model["ai_metric"]) == len(list(metric_rows(evaluation)))
    assert not any(
        m["key"] == "accuracy" and m["value"].startswith("0.853") for m in model["ai_metric"]
    )
    annotations = elements(found, "Annotation")
    assert [(a["annotationType"], a["subject"]) for a in annotations] == [
        ("other", model["spdxId"]),
        ("other", model["spdxId"]),
    ]
    assert all("not computed by cardgate" in a["statement"] for a in annotations)
    assert "accuracy = 0.853" in annotations[0]["statement"]


def test_spdx_lineage_reads_back_as_spdx_terms(lineaged: Example) -> None:
    found = document(lineaged)
    context = json.loads((HERE / "spdx-context.jsonld").read_text(encoding="utf-8"))
    graph = rdflib.Graph()
    graph.parse(data=json.dumps({**found, "@context": context["@context"]}), format="json-ld")
    scoped = list(graph.subjects(rdflib.RDF.type, TERMS["Core/LifecycleScopedRelationship"]))
    assert len(scoped) == 1
    assert (
        graph.value(scoped[0], TERMS["Core/scope"]) == TERMS["Core/LifecycleScopeType/development"]
    )
    descendant = TERMS["Core/RelationshipType/descendantOf"]
    assert len(list(graph.subjects(TERMS["Core/relationshipType"], descendant))) == 3
    assert len(list(graph.subjects(rdflib.RDF.type, TERMS["Core/Annotation"]))) == 2


def test_a_datasheets_doi_is_its_spdx_identifier(example: Example) -> None:
    found = spdx.dataset_document(example.workspace, "german-credit")
    assert errors(found) == []
    (package,) = elements(found, "dataset_DatasetPackage")
    assert package["software_homePage"] == "https://doi.org/10.24432/C5NC77"
    assert package["externalIdentifier"][0]["identifier"] == "10.24432/C5NC77"


# --- Croissant ----------------------------------------------------------------------------


def test_croissant_names_the_dataset_elsewhere_by_same_as(example: Example) -> None:
    found = croissant.dataset_jsonld(example.workspace, "adult")
    assert found["sameAs"] == ["https://doi.org/10.24432/C5XW20"]
    assert "url" not in found  # the datasheet gives no web page of its own


# --- any lineage, any results -------------------------------------------------------------

texts = st.text(min_size=1, max_size=30).filter(lambda t: t.strip() != "")
hub_ids = st.from_regex(r"\A(?:[A-Za-z0-9][A-Za-z0-9._-]{0,8}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,8}\Z")
dois = st.from_regex(r"\A10\.\d{4,9}/[!-~\u00a1-\u00ff]{1,12}\Z")
urls = st.from_regex(r"\Ahttps?://[!-~\u00a1-\u00ff]{1,20}\Z")


@st.composite
def named(draw: st.DrawFn) -> dict[str, Any]:
    key = draw(st.sampled_from(["hf", "doi", "url"]))
    value = draw({"hf": hub_ids, "doi": dois, "url": urls}[key])
    return {key: value, **({"name": draw(texts)} if draw(st.booleans()) else {})}


models = st.lists(
    st.builds(lambda n, r: {**n, **({"relation": r} if r else {})}, named(), st.none() | texts),
    max_size=3,
)
datasets = st.lists(
    st.builds(
        lambda n, role: {**n, "role": role},
        named(),
        st.sampled_from(["training", "validation", "testing"]),
    )
    | st.builds(
        lambda d, role: {"dataset": d, "role": role},
        st.sampled_from(["adult", "german-credit"]),
        st.sampled_from(["training", "validation", "testing"]),
    ),
    max_size=4,
)
results = st.lists(
    st.fixed_dictionaries(
        {
            "metric": texts,
            "value": st.floats(allow_nan=False, allow_infinity=False),
            "source": texts,
        },
        optional={"url": urls, "dataset": texts, "slice": texts, "split": texts, "task": texts},
    ),
    max_size=3,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(base_models=models, lineage_datasets=datasets, reported=results)
def test_any_lineage_and_results_give_valid_exports(
    example: Example,
    base_models: list[dict[str, Any]],
    lineage_datasets: list[dict[str, Any]],
    reported: list[dict[str, Any]],
) -> None:
    card = example.workspace.systems[SYSTEM].model_card
    assert card is not None
    changed = _card(example, {"base_models": base_models, "datasets": lineage_datasets}, reported)
    try:
        with_card(example, SYSTEM, changed)
        found_bom, found_document = bom(example), document(example)
    finally:
        with_card(example, SYSTEM, card)
    assert problems(found_bom) is None
    assert errors(found_document) == []
    lineage = lineage_of(changed)
    model = found_bom["components"][0]
    ancestors = model.get("pedigree", {}).get("ancestors", [])
    assert [a["externalReferences"][0]["url"] for a in ancestors] == [
        named.page for named, _ in lineage.base_models
    ]
    shown = [
        p["value"]
        for p in model["modelCard"].get("properties", [])
        if p["name"] == "cardgate:reported-result"
    ]
    assert shown == list(dict.fromkeys(reported_text(r) for r in changed.reported_results or []))
    statements = [a["statement"] for a in elements(found_document, "Annotation")]
    assert statements == [reported_text(r) for r in changed.reported_results or []]
    descendants = [
        r
        for r in elements(found_document, "Relationship")
        if r["relationshipType"] == "descendantOf"
    ]
    assert len(descendants) == len(lineage.base_models)


def test_metric_rows_worked_out_once_per_artifact(lineaged: Example) -> None:
    evaluation = lineaged.evaluation(SYSTEM)
    assert evaluation is not None
    rows = metric_rows(evaluation)
    assert metric_rows(evaluation) is rows  # the BOM and the SPDX document share them
    copy = evaluation.model_copy(deep=True)  # an equal artifact: its own, equal rows
    assert metric_rows(copy) == rows and metric_rows(copy) is not rows
