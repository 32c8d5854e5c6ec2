"""SPDX 3.0.1 with the AI and Dataset profiles: a system as an `ai_AIPackage`, each
dataset it names (a datasheet of the workspace, or one its lineage names outside it) as
a `dataset_DatasetPackage`, joined by `trainedOn` / `testedOn` relationships (validation
sets: `testedOn` scoped to `development`), each base model as an `ai_AIPackage` it is a
`descendantOf`, and each reported result as an `Annotation` (never an `ai_metric`: those
are what cardgate computed); a dataset alone as its `dataset_DatasetPackage`.

JSON-LD built directly and checked in the tests against the SPDX 3.0.1 JSON Schema
(vendored, offline). Deterministic: `CreationInfo.created` is the latest date the
documents give (their review, sign-off and model dates: SPDX's "date of last change",
which the specification recommends for reproducible builds), and the element IRIs live
in a namespace named by the content's UUID. Mapping table: docs/interop.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from cardgate import __version__
from cardgate.core.files import canonical_json
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.provenance import Licence, licence_words
from cardgate.documents.signoffs import read_signoffs
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.artifact import DataCheckArtifact
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.interop.bom_parts import (
    Outside,
    compact,
    content_uuid,
    dataset_uses,
    lineage_of,
    metric_rows,
    number_text,
    outside_names,
    reported_text,
    spdx_expression,
    workspace_of,
)
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.source import DatasetSource, SystemSource

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
SUFFIX = ".spdx.json"
"""File name of an export: `<id>.spdx.json`."""
NO_ASSERTION_LICENSE = "expandedlicensing_NoAssertionLicense"
CREATION_INFO = "_:creationinfo"
EPOCH = dt.date(1970, 1, 1)

SAFETY_RISK = {"unacceptable": "serious", "high": "high", "limited": "medium", "minimal": "low"}
"""cardgate's risk tier -> SPDX's safety risk level, by rank (highest to highest). The
SPDX levels follow the EU general product-safety methodology, not the AI Act's tiers."""

Iri = Callable[[str], str]


def _text(parts: Iterable[str | None], *, sep: str = "\n\n") -> str | None:
    kept = [part for part in parts if part]
    return sep.join(kept) if kept else None


def _labelled(pairs: Iterable[tuple[str, str | None]]) -> str | None:
    return _text(f"{label}: {text}" for label, text in pairs if text)


class _Graph:
    """The elements of one document, each stamped with the one CreationInfo."""

    def __init__(self, iri: Iri) -> None:
        self.iri = iri
        self.elements: list[dict[str, Any]] = []

    def add(self, kind: str, local: str, **fields: Any) -> str:
        spdx_id = self.iri(local)
        self.elements.append(
            compact({"type": kind, "spdxId": spdx_id, "creationInfo": CREATION_INFO, **fields})
        )
        return spdx_id

    def relate(
        self,
        source: str,
        kind: str,
        targets: list[str],
        local: str,
        *,
        comment: str | None = None,
        scope: str | None = None,
    ) -> None:
        """A relationship; with a `scope`, a LifecycleScopedRelationship (the lifecycle
        phase it holds in)."""
        self.add(
            "LifecycleScopedRelationship" if scope else "Relationship",
            local,
            **{"from": source},
            relationshipType=kind,
            to=targets,
            comment=comment,
            scope=scope,
        )

    def licences(self, package: str, local: str, licence: str | Licence | None) -> None:
        """The declared and the concluded licence (the AI and Dataset profiles require one
        relationship of each): the declared one is the document's SPDX expression, when it
        gives one (else NoAssertion: free text is no SPDX expression; it goes in
        `comment`); cardgate concludes nothing, so the concluded one is NoAssertion."""
        expression = spdx_expression(licence)
        declared = NO_ASSERTION_LICENSE
        if expression is not None:
            declared = self.add(
                "simplelicensing_LicenseExpression",
                f"{local}-licence",
                simplelicensing_licenseExpression=expression,
            )
        self.relate(package, "hasDeclaredLicense", [declared], f"{local}-declared")
        self.relate(package, "hasConcludedLicense", [NO_ASSERTION_LICENSE], f"{local}-concluded")


AUTHORITY = {"hf": "Hugging Face Hub", "doi": "International DOI Foundation"}


def external_identifiers(names: list[Outside]) -> list[dict[str, Any]] | None:
    """Hub ids and DOIs as SPDX external identifiers (a URL is a home page, no identifier)."""
    found = [
        {
            "type": "ExternalIdentifier",
            "externalIdentifierType": "other",
            "identifier": named.identifier,
            "issuingAuthority": AUTHORITY[named.scheme],
            "identifierLocator": [named.page],
        }
        for named in names
        if named.scheme != "url"
    ]
    return found or None


def home_page(names: list[Outside]) -> str | None:
    """A web page of its own, else its DOI's, else its Hub page."""
    for scheme in ("url", "doi", "hf"):
        for named in names:
            if named.scheme == scheme:
                return named.page
    return None


def outside_package(graph: _Graph, named: Outside, local: str, *, dataset: bool) -> str:
    """A model or dataset the card's lineage names outside the workspace: its name, its
    identifier and page; nothing else is known (licences: NoAssertion)."""
    spdx_id = graph.add(
        "dataset_DatasetPackage" if dataset else "ai_AIPackage",
        local,
        name=named.label,
        comment="Named by the model card's lineage; not described in the workspace.",
        software_primaryPurpose="data" if dataset else "model",
        software_homePage=named.page,
        externalIdentifier=external_identifiers([named]),
        dataset_datasetType=["noAssertion"] if dataset else None,
    )
    graph.licences(spdx_id, local, None)
    return spdx_id


def dataset_package(
    graph: _Graph, dataset_id: str, sheet: Datasheet | None, check: DataCheckArtifact | None
) -> str:
    local = f"dataset-{dataset_id}"
    if sheet is None:
        spdx_id = graph.add(
            "dataset_DatasetPackage",
            local,
            name=dataset_id,
            comment="The workspace has no valid datasheet for this dataset.",
            software_primaryPurpose="data",
            dataset_datasetType=["noAssertion"],
        )
        graph.licences(spdx_id, local, None)
        return spdx_id
    sha256 = sheet.sha256 or (check.data.sha256 if check is not None else None)
    collection = sheet.collection_process
    composition = sheet.composition
    sensitive = bool(composition.sensitive_attributes) or bool(
        sheet.contract and any(column.sensitive for column in sheet.contract.columns)
    )
    licence = licence_words(sheet.distribution.license if sheet.distribution else None)
    known = outside_names(sheet.identifiers, dataset=True) if sheet.identifiers else []
    spdx_id = graph.add(
        "dataset_DatasetPackage",
        local,
        name=dataset_id,
        summary=sheet.name,
        description=sheet.motivation.purpose,
        comment=f"Licence as the datasheet states it: {licence}" if licence else None,
        software_packageVersion=sheet.version,
        software_primaryPurpose="data",
        software_homePage=home_page(known),
        externalIdentifier=external_identifiers(known),
        verifiedUsing=(
            [{"type": "Hash", "algorithm": "sha256", "hashValue": sha256}] if sha256 else None
        ),
        # A data contract describes a table: cardgate checks CSV and Parquet files.
        dataset_datasetType=["structured" if sheet.contract is not None else "noAssertion"],
        dataset_dataCollectionProcess=(
            _labelled(
                (
                    ("Method", collection.method),
                    ("Timeframe", collection.timeframe),
                    ("Consent", collection.consent),
                    ("Ethical review", collection.ethical_review),
                )
            )
            if collection is not None
            else None
        ),
        dataset_dataPreprocessing=list(sheet.preprocessing.steps or [])
        if sheet.preprocessing is not None
        else None,
        dataset_intendedUse=_text(sheet.uses.intended, sep="\n") if sheet.uses else None,
        dataset_knownBias=[composition.known_biases] if composition.known_biases else None,
        dataset_datasetSize=check.data.bytes if check is not None else None,
        dataset_hasSensitivePersonalInformation="yes" if sensitive else "noAssertion",
        dataset_datasetUpdateMechanism=(
            sheet.maintenance.update_policy if sheet.maintenance is not None else None
        ),
    )
    graph.licences(spdx_id, local, sheet.distribution.license if sheet.distribution else None)
    return spdx_id


def _metrics(evaluation: EvaluationArtifact) -> list[dict[str, str]]:
    level = round(evaluation.provenance.confidence_level * 100)
    found = []
    for row in metric_rows(evaluation):
        key = row.metric if row.slice is None else f"{row.metric} | {row.slice}"
        value = number_text(row.value)
        if row.ci is not None:
            value += f" ({level}% CI {number_text(row.ci[0])}, {number_text(row.ci[1])})"
        found.append({"type": "DictionaryEntry", "key": key, "value": value})
    return found


def ai_package(graph: _Graph, card: ModelCard, evaluation: EvaluationArtifact | None) -> str:
    details = card.model_details
    uses = card.intended_use
    application = _text(
        [
            _labelled([("Primary use", use) for use in uses.primary_uses]),
            _labelled([("Primary user", user) for user in uses.primary_users or []]),
            _labelled([("Out of scope", use) for use in uses.out_of_scope_uses or []]),
        ]
    )
    training = _labelled(
        (
            ("Training algorithm", details.training_algorithm),
            ("Training data", card.training_data.motivation if card.training_data else None),
        )
    )
    preprocessing = [
        section.preprocessing
        for section in (card.training_data, card.evaluation_data)
        if section is not None and section.preprocessing
    ]
    spdx_id = graph.add(
        "ai_AIPackage",
        f"model-{card.id}",
        name=card.id,
        summary=card.name,
        description=details.description,
        comment=f"Licence as the card states it: {licence_words(details.license)}"
        if licence_words(details.license)
        else None,
        software_packageVersion=details.model_version,
        software_primaryPurpose="model",
        builtTime=f"{details.model_date.isoformat()}T00:00:00Z" if details.model_date else None,
        ai_typeOfModel=[details.model_type] if details.model_type else None,
        ai_informationAboutApplication=application,
        ai_informationAboutTraining=training,
        ai_limitation=_text(card.limitations or [], sep="\n"),
        ai_modelDataPreprocessing=preprocessing,
        ai_metric=_metrics(evaluation) if evaluation is not None else None,
        ai_safetyRiskAssessment=SAFETY_RISK[card.risk_tier],
    )
    graph.licences(spdx_id, f"model-{card.id}", details.license)
    return spdx_id


def _dates(workspace: Workspace, card: ModelCard) -> list[dt.date]:
    system = workspace.systems[card.id]
    dates = [d for d in (card.last_reviewed, card.model_details.model_date) if d is not None]
    dates += [c.last_reviewed for c in system.checklist_models() if c.last_reviewed]
    signoffs = read_signoffs(system).model
    dates += [s.date for s in signoffs.signoffs] if signoffs is not None else []
    named = [*dataset_uses(card), *(sheet for sheet, _ in lineage_of(card).datasheets)]
    for dataset in dict.fromkeys(named):
        docs = workspace.datasets.get(dataset)
        sheet = docs.datasheet if docs is not None else None
        if sheet is not None and sheet.last_reviewed is not None:
            dates.append(sheet.last_reviewed)
    return dates


def _document(
    name: str,
    build: Callable[[_Graph], list[str]],
    dates: list[dt.date],
    creator: str,
) -> dict[str, Any]:
    """The JSON-LD document: built once with a placeholder namespace to name its content,
    then again in the namespace that names it."""

    def graph_in(namespace: str) -> list[dict[str, Any]]:
        graph = _Graph(lambda local: f"{namespace}{local}")
        organization = graph.add("Organization", "creator", name=creator)
        tool = graph.add("Tool", "cardgate", name=f"cardgate {__version__}")
        roots = build(graph)
        latest = max(dates, default=EPOCH)
        info = {
            "@id": CREATION_INFO,
            "type": "CreationInfo",
            "specVersion": SPEC_VERSION,
            "created": f"{latest.isoformat()}T00:00:00Z",
            "createdBy": [organization],
            "createdUsing": [tool],
            "comment": "created: the latest date the documents give (review, sign-off, model "
            "date), for reproducible output",
        }
        elements = graph.elements
        document = {
            "type": "SpdxDocument",
            "spdxId": f"{namespace}document",
            "creationInfo": CREATION_INFO,
            "name": name,
            "profileConformance": [
                "core",
                "software",
                "ai",
                "dataset",
                "simpleLicensing",
                "expandedLicensing",
            ],
            "element": [element["spdxId"] for element in elements],
            "rootElement": roots,
        }
        return [info, document, *elements]

    named = content_uuid(graph_in("urn:cardgate:"))
    return {"@context": CONTEXT, "@graph": graph_in(f"urn:uuid:{named}#")}


def system_document(
    workspace: Workspace,
    system_id: str,
    *,
    evaluation: EvaluationArtifact | None,
    data_checks: dict[str, DataCheckArtifact] | None = None,
) -> dict[str, Any]:
    """The SPDX document of one system (its card must validate: `KeyError` for an unknown
    system, `ValueError` for a card that does not)."""
    card = workspace.systems[system_id].model_card
    if card is None:
        raise ValueError(f"the model card of '{system_id}' does not validate")
    checks = data_checks or {}

    lineage = lineage_of(card)

    def build(graph: _Graph) -> list[str]:
        model = ai_package(graph, card, evaluation)
        packages: dict[str, str] = {}
        roles: dict[str, list[str]] = {"training": [], "validation": [], "testing": []}
        for section, role in (("training_data", "training"), ("evaluation_data", "testing")):
            data = getattr(card, section)
            roles[role] += [ref.dataset for ref in data.datasets] if data else []
        for dataset_id, given in lineage.datasheets:
            for role in given:
                roles[role].append(dataset_id)
        for dataset_id in dict.fromkeys(d for named in roles.values() for d in named):
            docs = workspace.datasets.get(dataset_id)
            sheet = docs.datasheet if docs is not None else None
            packages[dataset_id] = dataset_package(graph, dataset_id, sheet, checks.get(dataset_id))
        targets = {role: [packages[d] for d in named] for role, named in roles.items()}
        for index, (named, given) in enumerate(lineage.datasets):
            package = outside_package(graph, named, f"dataset-outside-{index}", dataset=True)
            for role in given:
                targets[role].append(package)
        for role, kind, scope, comment in (
            ("training", "trainedOn", None, None),
            ("testing", "testedOn", None, None),
            # SPDX has no relationship for a validation set: tested on while the model
            # was developed (tuned, selected), which is what a validation set is for.
            ("validation", "testedOn", "development", "validation data"),
        ):
            if targets[role]:
                graph.relate(
                    model,
                    kind,
                    list(dict.fromkeys(targets[role])),
                    f"model-{card.id}-{role if scope else kind}",
                    comment=comment,
                    scope=scope,
                )
        for index, (named, relation) in enumerate(lineage.base_models):
            base = outside_package(graph, named, f"base-model-{index}", dataset=False)
            graph.relate(
                model, "descendantOf", [base], f"model-{card.id}-base-{index}", comment=relation
            )
        for index, result in enumerate(card.reported_results or []):
            graph.add(
                "Annotation",
                f"model-{card.id}-reported-{index}",
                annotationType="other",
                subject=model,
                statement=reported_text(result),
            )
        return [model]

    creator = card.model_details.developers or workspace.config.name
    return _document(card.name, build, _dates(workspace, card), creator)


def dataset_document(
    workspace: Workspace, dataset_id: str, *, data_check: DataCheckArtifact | None = None
) -> dict[str, Any]:
    """The SPDX document of one dataset."""
    sheet = workspace.datasets[dataset_id].datasheet
    if sheet is None:
        raise ValueError(f"the datasheet of '{dataset_id}' does not validate")
    dates = [sheet.last_reviewed] if sheet.last_reviewed is not None else []
    return _document(
        sheet.name,
        lambda graph: [dataset_package(graph, dataset_id, sheet, data_check)],
        dates,
        workspace.config.name,
    )


def render(document: dict[str, Any]) -> bytes:
    """The document's bytes: canonical JSON (sorted keys, two-space indent, final newline)."""
    return canonical_json(document).encode("utf-8")


def export_system(source: SystemSource) -> ExportFiles:
    """`cardgate export spdx SYSTEM`: `<system>.spdx.json`."""
    checks = {d.id: d.data_check for d in source.datasets if d.data_check is not None}
    document = system_document(
        workspace_of(source), source.id, evaluation=source.evaluation, data_checks=checks
    )
    return {f"{source.id}{SUFFIX}": render(document)}


def export_dataset(source: DatasetSource) -> ExportFiles:
    """`cardgate export spdx DATASET`: `<dataset>.spdx.json`."""
    document = dataset_document(workspace_of(source), source.id, data_check=source.data_check)
    return {f"{source.id}{SUFFIX}": render(document)}


FORMAT = Format(
    name="spdx",
    title="SPDX 3.0.1 (AI and Dataset profiles)",
    systems=export_system,
    datasets=export_dataset,
)
