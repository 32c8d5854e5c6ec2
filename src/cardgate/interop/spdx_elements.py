"""The elements of an SPDX 3.0.1 document as the SPDX export builds them (`interop.spdx`):
the graph that stamps each element with the document's one CreationInfo, the licence
relationships every package needs, a datasheet as a `dataset_DatasetPackage`, and a
model or dataset the card's lineage names outside the workspace as a package of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.provenance import Licence, licence_words
from cardgate.evidence.datacheck.artifact import DataCheckArtifact
from cardgate.interop.bom_parts import (
    Outside,
    compact,
    data_file_sha256,
    delta_table_of,
    outside_names,
    spdx_expression,
)

NO_ASSERTION_LICENSE = "expandedlicensing_NoAssertionLicense"
CREATION_INFO = "_:creationinfo"

Iri = Callable[[str], str]


def text(parts: Iterable[str | None], *, sep: str = "\n\n") -> str | None:
    """The parts that are not empty, joined by `sep`; None when none is."""
    kept = [part for part in parts if part]
    return sep.join(kept) if kept else None


def labelled(pairs: Iterable[tuple[str, str | None]]) -> str | None:
    """`Label: text` paragraphs of the pairs that have a text."""
    return text(f"{label}: {words}" for label, words in pairs if words)


class Graph:
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


def outside_package(graph: Graph, named: Outside, local: str, *, dataset: bool) -> str:
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


def _comment(licence: str | None, delta: str | None) -> str | None:
    parts = [f"Licence as the datasheet states it: {licence}" if licence else None]
    parts.append(f"The data is {delta}." if delta else None)
    return " ".join(part for part in parts if part) or None


def dataset_package(
    graph: Graph, dataset_id: str, sheet: Datasheet | None, check: DataCheckArtifact | None
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
    sha256 = data_file_sha256(sheet, check)
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
        comment=_comment(licence, delta_table_of(check)),
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
            labelled(
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
        dataset_intendedUse=text(sheet.uses.intended, sep="\n") if sheet.uses else None,
        dataset_knownBias=[composition.known_biases] if composition.known_biases else None,
        dataset_datasetSize=check.data.bytes if check is not None else None,
        dataset_hasSensitivePersonalInformation="yes" if sensitive else "noAssertion",
        dataset_datasetUpdateMechanism=(
            sheet.maintenance.update_policy if sheet.maintenance is not None else None
        ),
    )
    graph.licences(spdx_id, local, sheet.distribution.license if sheet.distribution else None)
    return spdx_id
