"""SPDX 3.0.1 with the AI and Dataset profiles: a system as an `ai_AIPackage`, each
dataset it names (a datasheet of the workspace, or one its lineage names outside it) as
a `dataset_DatasetPackage`, joined by `trainedOn` / `testedOn` relationships (validation
sets: `testedOn` scoped to `development`), each base model as an `ai_AIPackage` it is a
`descendantOf`, and each reported result as an `Annotation` (never an `ai_metric`: those
are what cardgate computed: the evaluation's metrics, and a GenAI system's retrieval,
generation, safety and operations results); a dataset alone as its
`dataset_DatasetPackage`.

JSON-LD built directly and checked in the tests against the SPDX 3.0.1 JSON Schema
(vendored, offline). Deterministic: `CreationInfo.created` is the latest date the
documents give (their review, sign-off and model dates: SPDX's "date of last change",
which the specification recommends for reproducible builds), and the element IRIs live
in a namespace named by the content's UUID. Mapping table: docs/interop.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cardgate import __version__
from cardgate.core.files import canonical_json
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.provenance import licence_words
from cardgate.documents.signoffs import read_signoffs
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.artifact import DataCheckArtifact
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.interop.bom_parts import (
    content_uuid,
    dataset_uses,
    lineage_of,
    metric_rows,
    number_text,
    reported_text,
    workspace_of,
)
from cardgate.interop.cyclonedx_genai import genai_metrics
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.source import DatasetSource, SystemSource
from cardgate.interop.spdx_elements import (
    CREATION_INFO,
    Graph,
    dataset_package,
    labelled,
    outside_package,
    text,
)
from cardgate.interop.spdx_elements import NO_ASSERTION_LICENSE as NO_ASSERTION_LICENSE

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
SUFFIX = ".spdx.json"
"""File name of an export: `<id>.spdx.json`."""
EPOCH = dt.date(1970, 1, 1)

SAFETY_RISK = {"unacceptable": "serious", "high": "high", "limited": "medium", "minimal": "low"}
"""cardgate's risk tier -> SPDX's safety risk level, by rank (highest to highest). The
SPDX levels follow the EU general product-safety methodology, not the AI Act's tiers."""


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


def _genai_metrics(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A GenAI system's results (`cyclonedx_genai.genai_metrics`: retrieval, generation,
    safety, operations, with slices and intervals at each artifact's confidence level)."""
    found = []
    for row in rows:
        value = str(row["value"])
        interval = row.get("confidenceInterval")
        if interval is not None:
            value += f" (CI {interval['lowerBound']}, {interval['upperBound']})"
        found.append(
            {"type": "DictionaryEntry", "key": f"{row['type']} | {row['slice']}", "value": value}
        )
    return found


def ai_package(
    graph: Graph,
    card: ModelCard,
    evaluation: EvaluationArtifact | None,
    genai: list[dict[str, Any]] | None = None,
) -> str:
    details = card.model_details
    uses = card.intended_use
    application = text(
        [
            labelled([("Primary use", use) for use in uses.primary_uses]),
            labelled([("Primary user", user) for user in uses.primary_users or []]),
            labelled([("Out of scope", use) for use in uses.out_of_scope_uses or []]),
        ]
    )
    training = labelled(
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
        ai_limitation=text(card.limitations or [], sep="\n"),
        ai_modelDataPreprocessing=preprocessing,
        ai_metric=[
            *(_metrics(evaluation) if evaluation is not None else []),
            *_genai_metrics(genai or []),
        ]
        or None,
        ai_safetyRiskAssessment=SAFETY_RISK[card.risk_tier],
    )
    graph.licences(spdx_id, f"model-{card.id}", details.license)
    return spdx_id


def _dates(workspace: Workspace, system_id: str, card: ModelCard) -> list[dt.date]:
    system = workspace.systems[system_id]  # its folder's name: card.id may differ (CG108)
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
    build: Callable[[Graph], list[str]],
    dates: list[dt.date],
    creator: str,
) -> dict[str, Any]:
    """The JSON-LD document: built once with a placeholder namespace to name its content,
    then again in the namespace that names it."""

    def graph_in(namespace: str) -> list[dict[str, Any]]:
        graph = Graph(lambda local: f"{namespace}{local}")
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
    genai: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The SPDX document of one system (its card must validate: `KeyError` for an unknown
    system, `ValueError` for a card that does not); `genai`: a GenAI system's results as
    `cyclonedx_genai.genai_metrics` lists them."""
    card = workspace.systems[system_id].model_card
    if card is None:
        raise ValueError(f"the model card of '{system_id}' does not validate")
    checks = data_checks or {}

    lineage = lineage_of(card)

    def build(graph: Graph) -> list[str]:
        model = ai_package(graph, card, evaluation, genai)
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
    return _document(card.name, build, _dates(workspace, system_id, card), creator)


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
    genai = genai_metrics(source.retrieval, source.generation, source.safety, source.operations)
    document = system_document(
        workspace_of(source),
        source.id,
        evaluation=source.evaluation,
        data_checks=checks,
        genai=genai,
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
    files=lambda target: (f"{target}{SUFFIX}",),
)
