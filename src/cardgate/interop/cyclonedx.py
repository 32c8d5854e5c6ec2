"""CycloneDX 1.6 ML-BOM: a system as a `machine-learning-model` component with its
`modelCard`, its base models as the component's `pedigree.ancestors`, its datasets (the
workspace's datasheets and those its lineage names outside it) as `data` components,
and its governance record as `declarations` (built in `cyclonedx_declarations`).

The JSON is built directly (cyclonedx-python-lib has no model classes for `modelCard` or
`declarations`) and checked in the tests by that library's `JsonStrictValidator` for 1.6.
Deterministic: no timestamp (CycloneDX's `metadata.timestamp` is the time the BOM was
made, which would change the bytes at every run), and the `serialNumber` is a UUID
derived from the BOM's own content. Mapping table: docs/interop.md.

Kept whole: the BOM of a system and of a dataset, their components and the header with
the serial number are assembled in one place, in the order of the mapping table; the
parts with their own rules live beside it (`cyclonedx_declarations`,
`cyclonedx_model_card`, `cyclonedx_genai`, `bom_parts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cardgate import __version__
from cardgate.core.files import canonical_json
from cardgate.documents.schemas.base import Person
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.provenance import DatasetRole, Licence, licence_words
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.artifact import DataCheckArtifact
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.evidence.genai.generation_artifact import GenerationArtifact
from cardgate.evidence.genai.operations_artifact import OperationsArtifact
from cardgate.evidence.genai.retrieval_artifact import RetrievalArtifact
from cardgate.evidence.genai.safety_artifact import SafetyArtifact
from cardgate.frameworks.coverage_results import SystemCoverage
from cardgate.frameworks.definitions import Definition
from cardgate.gate.result import Finding, GateResult, SystemVerdict
from cardgate.interop.bom_parts import (
    Outside,
    compact,
    content_uuid,
    data_file_sha256,
    dataset_uses,
    delta_table_of,
    email_or_none,
    iri,
    lineage_of,
    outside_names,
    spdx_expression,
    workspace_of,
)
from cardgate.interop.cyclonedx_declarations import Governance, declarations
from cardgate.interop.cyclonedx_genai import component_models, genai_metrics
from cardgate.interop.cyclonedx_model_card import (
    data_refs,
    dataset_ref,
    model_card,
    model_ref,
    outside_ref,
    prop,
)
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.source import DatasetSource, SystemSource

SPEC_VERSION = "1.6"
SCHEMA_URI = "http://cyclonedx.org/schema/bom-1.6.schema.json"
MAX_VERSION = 1024
SUFFIX = ".cdx.json"
"""File name of an export: `<id>.cdx.json`."""


def contacts(people: list[Person]) -> list[dict[str, str]]:
    """People as CycloneDX organizationalContacts (name, and the e-mail if it is one)."""
    found: list[dict[str, str]] = []
    for person in people:
        contact = {"name": person.name}
        email = email_or_none(person.email)
        if email is not None:
            contact["email"] = email
        found.append(contact)
    return found


def _licence(licence: str | Licence | None) -> list[dict[str, Any]] | None:
    """An SPDX expression as CycloneDX's `expression`; a licence in words as a named one."""
    expression = spdx_expression(licence)
    if expression is not None:
        return [{"expression": expression}]
    text = licence_words(licence)
    return [{"license": {"name": text}}] if text else None


def _version(text: str | None) -> str | None:
    """A version as CycloneDX's `version` holds it (at most 1,024 characters); a longer
    text goes into a `cardgate:version` property instead."""
    return text if text is not None and len(text) <= MAX_VERSION else None


# --- what is named outside the workspace ------------------------------------------------

_WHERE = {"hf": "Hugging Face Hub", "doi": "DOI", "url": "web page"}


def external_reference(named: Outside) -> dict[str, str]:
    """Where a model or dataset named outside the workspace can be found: its Hub
    repository (`distribution`: where it is downloaded), else its DOI's or its own page."""
    return {
        "type": "distribution" if named.scheme == "hf" else "website",
        "url": named.page,
        "comment": f"{_WHERE[named.scheme]}: {named.identifier}",
    }


def ancestor(named: Outside, relation: str | None) -> dict[str, Any]:
    """A base model as an ancestor of the model component (CycloneDX's pedigree: the
    components this one is derived from)."""
    return compact(
        {
            "type": "machine-learning-model",
            "name": named.label,
            "externalReferences": [external_reference(named)],
            "properties": [prop("relation", relation)] if relation else None,
        }
    )


def outside_data_component(named: Outside, roles: Sequence[DatasetRole]) -> dict[str, Any]:
    """A `data` component for a dataset the card's lineage names outside the workspace:
    what it is called, where it is, and what the model did with it."""
    return compact(
        {
            "type": "data",
            "bom-ref": outside_ref(named),
            "name": named.label,
            "externalReferences": [external_reference(named)],
            "data": [{"type": "dataset", "name": named.label}],
            "properties": [prop("use", f"lineage: {role}") for role in roles],
        }
    )


# --- datasets -----------------------------------------------------------------------------


def data_component(
    workspace: Workspace,
    dataset_id: str,
    sheet: Datasheet | None,
    *,
    data_check: DataCheckArtifact | None = None,
    uses: Sequence[str] = (),
) -> dict[str, Any]:
    """A `data` component for one dataset: its datasheet's facts, and the data file's
    SHA-256 (the datasheet's pin, else the data check's record)."""
    if sheet is None:  # a card names a dataset the workspace does not describe
        return compact(
            {
                "type": "data",
                "bom-ref": dataset_ref(dataset_id),
                "name": dataset_id,
                "properties": [prop("datasheet", "missing")] + [prop("use", u) for u in uses],
            }
        )
    sha256 = data_file_sha256(sheet, data_check)
    folder = workspace.datasets.get(dataset_id)
    location = None
    if sheet.contract is not None and sheet.contract.path and folder is not None:
        location = workspace.relative(folder.folder / sheet.contract.path)
    sensitive = list(sheet.composition.sensitive_attributes or [])
    governance = {"owners": [{"contact": contact} for contact in contacts(sheet.owners)]}
    properties = [prop("use", use) for use in uses]
    if sheet.version is not None and _version(sheet.version) is None:
        properties.append(prop("version", sheet.version))
    if data_check is not None:
        properties.append(prop("data-check", "passed" if data_check.passed else "failed"))
        properties.append(prop("rows", str(data_check.rows)))
        delta = delta_table_of(data_check)
        if delta is not None:
            properties.append(prop("data", delta))
    known = outside_names(sheet.identifiers, dataset=True) if sheet.identifiers else []
    return compact(
        {
            "type": "data",
            "bom-ref": dataset_ref(dataset_id),
            "name": dataset_id,
            "version": _version(sheet.version),
            "description": sheet.motivation.purpose,
            "hashes": [{"alg": "SHA-256", "content": sha256}] if sha256 else None,
            "licenses": _licence(sheet.distribution.license if sheet.distribution else None),
            "externalReferences": [external_reference(named) for named in known],
            "data": [
                compact(
                    {
                        "type": "dataset",
                        "name": sheet.name,
                        "description": sheet.composition.instances,
                        "contents": {"url": iri(location)} if location else None,
                        "sensitiveData": sensitive,
                        "governance": governance if governance["owners"] else None,
                    }
                )
            ],
            "properties": properties,
        }
    )


# --- the model ------------------------------------------------------------------------------


def model_component(
    card: ModelCard,
    evaluation: EvaluationArtifact | None,
    verdict: SystemVerdict | None,
    genai: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    details = card.model_details
    sources = [r.url for r in card.reported_results or [] if r.url is not None]
    return compact(
        {
            "type": "machine-learning-model",
            "bom-ref": model_ref(card.id),
            "name": card.id,
            "version": _version(details.model_version),
            "description": details.description,
            "publisher": details.developers,
            "authors": contacts(card.owners),
            "licenses": _licence(details.license),
            "pedigree": compact(
                {
                    "ancestors": [
                        *(ancestor(*model) for model in lineage_of(card).base_models),
                        *component_models(card),
                    ]
                }
            ),
            "externalReferences": [
                {
                    "type": "quality-metrics",
                    "url": iri(url),
                    "comment": "Source of reported results (measured elsewhere, not computed "
                    "by cardgate, not read by its release gate)",
                }
                for url in dict.fromkeys(sources)
            ],
            "modelCard": model_card(card, evaluation, verdict, genai),
            "properties": [
                prop("title", card.name),
                prop("status", card.status),
                prop("risk-tier", card.risk_tier),
                prop("lifecycle-stage", card.lifecycle_stage),
                *(
                    [prop("version", details.model_version)]
                    if details.model_version and _version(details.model_version) is None
                    else []
                ),
                *(
                    [prop("model-date", details.model_date.isoformat())]
                    if details.model_date
                    else []
                ),
                *(
                    [prop("last-reviewed", card.last_reviewed.isoformat())]
                    if card.last_reviewed
                    else []
                ),
            ],
        }
    )


# --- the BOM --------------------------------------------------------------------------------


def _finish(body: dict[str, Any]) -> dict[str, Any]:
    """The BOM with its header; the serial number names the content."""
    bom: dict[str, Any] = {
        "$schema": SCHEMA_URI,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "tools": {
                "components": [{"type": "application", "name": "cardgate", "version": __version__}]
            },
            **body.pop("metadata", {}),
        },
        **body,
    }
    bom["serialNumber"] = f"urn:uuid:{content_uuid(bom)}"
    return bom


def system_bom(
    workspace: Workspace,
    system_id: str,
    *,
    evaluation: EvaluationArtifact | None,
    gate: GateResult | None,
    data_checks: dict[str, DataCheckArtifact] | None = None,
    findings: tuple[Finding, ...] | None = None,
    shared: bool = False,
    retrieval: RetrievalArtifact | None = None,
    generation: GenerationArtifact | None = None,
    safety: SafetyArtifact | None = None,
    operations: OperationsArtifact | None = None,
    coverage: SystemCoverage | None = None,
    definitions: Mapping[str, Definition] | None = None,
) -> dict[str, Any]:
    """The ML-BOM of one system (its card must validate: `KeyError` for an unknown
    system, `ValueError` for a card that does not). `shared`: see `declarations`.
    `retrieval`, `generation`, `safety`, `operations`: a GenAI system's computed results.
    `coverage`, `definitions`: the system's coverage and the definitions in force, when
    the caller has them (worked out here otherwise)."""
    system = workspace.systems[system_id]
    card = system.model_card
    if card is None:
        raise ValueError(f"the model card of '{system_id}' does not validate")
    verdict = next((v for v in gate.systems if v.system == system_id), None) if gate else None
    checks = data_checks or {}
    metrics = genai_metrics(retrieval, generation, safety, operations)
    components = [model_component(card, evaluation, verdict, metrics)]
    lineage = lineage_of(card)
    sheets: dict[str, list[str]] = {
        dataset_id: [f"{section}: {ref.split}" if ref.split else section for section, ref in refs]
        for dataset_id, refs in dataset_uses(card).items()
    }
    for dataset_id, roles in lineage.datasheets:
        sheets.setdefault(dataset_id, []).extend(f"lineage: {role}" for role in roles)
    for dataset_id, uses in sheets.items():
        docs = workspace.datasets.get(dataset_id)
        components.append(
            data_component(
                workspace,
                dataset_id,
                docs.datasheet if docs is not None else None,
                data_check=checks.get(dataset_id),
                uses=list(dict.fromkeys(uses)),
            )
        )
    components += [outside_data_component(*dataset) for dataset in lineage.datasets]
    refs = data_refs(card)
    body: dict[str, Any] = {
        "metadata": compact(
            {
                "lifecycles": [{"name": card.lifecycle_stage}],
                "authors": contacts(card.owners),
                "properties": [prop("workspace", workspace.config.name)],
            }
        ),
        "components": components,
        "dependencies": [
            {"ref": model_ref(system_id), "dependsOn": refs},
            *({"ref": ref} for ref in refs),
        ],
    }
    governance = Governance(
        workspace, system, card, gate, verdict, findings, coverage=coverage, definitions=definitions
    )
    body.update(declarations(governance, target=model_ref(system_id), shared=shared))
    return _finish(body)


def dataset_bom(
    workspace: Workspace, dataset_id: str, *, data_check: DataCheckArtifact | None = None
) -> dict[str, Any]:
    """The BOM of one dataset: its `data` component alone."""
    docs = workspace.datasets[dataset_id]
    sheet = docs.datasheet
    if sheet is None:
        raise ValueError(f"the datasheet of '{dataset_id}' does not validate")
    body: dict[str, Any] = {
        "metadata": compact({"authors": contacts(sheet.owners)}),
        "components": [data_component(workspace, dataset_id, sheet, data_check=data_check)],
    }
    return _finish(body)


def render(bom: dict[str, Any]) -> bytes:
    """The BOM's bytes: canonical JSON (sorted keys, two-space indent, final newline)."""
    return canonical_json(bom).encode("utf-8")


def export_system(source: SystemSource) -> ExportFiles:
    """`cardgate export cyclonedx SYSTEM`: `<system>.cdx.json`."""
    checks = {d.id: d.data_check for d in source.datasets if d.data_check is not None}
    bom = system_bom(
        workspace_of(source),
        source.id,
        evaluation=source.evaluation,
        gate=source.gate,
        data_checks=checks,
        findings=(*source.findings, *source.waived),
        shared=True,  # rendered now and dropped: the standards' text is written once
        retrieval=source.retrieval,
        generation=source.generation,
        safety=source.safety,
        operations=source.operations,
        coverage=source.coverage,
        definitions=source.definitions,
    )
    return {f"{source.id}{SUFFIX}": render(bom)}


def export_dataset(source: DatasetSource) -> ExportFiles:
    """`cardgate export cyclonedx DATASET`: `<dataset>.cdx.json`."""
    bom = dataset_bom(workspace_of(source), source.id, data_check=source.data_check)
    return {f"{source.id}{SUFFIX}": render(bom)}


FORMAT = Format(
    name="cyclonedx",
    title="CycloneDX 1.6 ML-BOM",
    systems=export_system,
    datasets=export_dataset,
    files=lambda target: (f"{target}{SUFFIX}",),
)
