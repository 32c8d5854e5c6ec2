"""Croissant 1.1 with the RAI 1.0 vocabulary: a dataset's datasheet as JSON-LD.

The data contract's columns become a `cr:RecordSet` of typed `cr:Field`s read from the
data file, a `cr:FileObject` with its SHA-256; the datasheet's motivation, collection,
preprocessing, uses and limitations go into schema.org and `rai:` properties. Proven in
the tests by `mlcroissant validate` and by loading the worked example's records through
mlcroissant, offline. Deterministic (sorted keys; no date but the datasheet's own).
Mapping table: docs/interop.md.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cardgate.core.files import canonical_json
from cardgate.documents.schemas.contract import ColumnType
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.provenance import Licence, licence_words
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.artifact import DataCheckArtifact
from cardgate.interop.bom_parts import (
    compact,
    data_file_sha256,
    delta_table_of,
    outside_names,
    spdx_expression,
    workspace_of,
)
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.source import DatasetSource

SUFFIX = ".croissant.json"
"""File name of an export: `<id>.croissant.json`."""
CONFORMS_TO = ["http://mlcommons.org/croissant/1.1", "http://mlcommons.org/croissant/RAI/1.0"]

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "annotation": "cr:annotation",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "excludes": "cr:excludes",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "readLines": "cr:readLines",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "unArchive": "cr:unArchive",
    "value": "cr:value",
    # Terms of the Croissant 1.0 context that mlcroissant still expects (it warns when
    # they are missing); unused here.
    "path": "cr:path",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
}
"""The JSON-LD context of the Croissant 1.1 specification (its Appendix 1), with schema.org
as https://schema.org/, the form mlcroissant writes."""

_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")

DATA_TYPES: dict[ColumnType, str] = {
    "integer": "sc:Integer",
    "number": "sc:Float",
    "string": "sc:Text",
    "category": "sc:Text",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "datetime": "sc:DateTime",
}
"""A contract column's type -> the Croissant field's data type."""

ENCODINGS = {"parquet": "application/x-parquet"}
"""A data file's format (as the data check records it) -> its MIME type; CSV otherwise
(gzip-compressed CSV included: readers recognise the compression from the bytes)."""


def _licence(licence: str | Licence) -> str | None:
    """A licence as Croissant recommends it, the URL of a known licence: the SPDX List's
    page for a single SPDX id, else the licence's own URL; otherwise its words."""
    expression = spdx_expression(licence)
    if expression is not None and " " not in expression:
        return f"https://spdx.org/licenses/{expression}.html"
    if isinstance(licence, Licence) and licence.url is not None:
        return licence.url
    return licence_words(licence)


def node_id(name: str) -> str:
    """A name as part of an `@id`: percent-encoded, so that it holds no whitespace (which
    mlcroissant refuses in an id) and no `/` of its own."""
    return quote(name, safe="")


def _joined(pairs: list[tuple[str, str | None]]) -> str | None:
    kept = [f"{label}: {text}" if label else text for label, text in pairs if text]
    return "\n\n".join(kept) if kept else None


def file_object(
    workspace: Workspace,
    dataset_id: str,
    sheet: Datasheet,
    check: DataCheckArtifact | None,
    location: Path | None,
) -> dict[str, Any] | None:
    contract = sheet.contract
    if contract is None or not contract.path:
        return None
    path = workspace.datasets[dataset_id].folder / contract.path
    base = location if location is not None else workspace.root
    url = Path(os.path.relpath(path, base)).as_posix()
    delta = delta_table_of(check)
    if delta is not None:  # a folder of Parquet files and a log: no one file to hash
        return {
            "@type": "cr:FileSet",
            "@id": node_id(path.name),
            "name": path.name,
            "description": f"The Parquet files of {delta}. Only the files of that version's "
            "snapshot are its rows (a later commit may have removed some): read it with a "
            "Delta Lake reader.",
            "encodingFormat": ENCODINGS["parquet"],
            "includes": f"{url}/**/*.parquet",
        }
    data_format = check.data.format if check is not None else path.name.lower()
    sha256 = data_file_sha256(sheet, check)
    return compact(
        {
            "@type": "cr:FileObject",
            "@id": node_id(path.name),
            "name": path.name,
            "contentUrl": url,
            "contentSize": f"{check.data.bytes} B" if check is not None else None,
            "encodingFormat": next(
                (mime for suffix, mime in ENCODINGS.items() if data_format.endswith(suffix)),
                "text/csv",
            ),
            "sha256": sha256,
        }
    )


def record_set(dataset_id: str, sheet: Datasheet, file_id: str) -> dict[str, Any] | None:
    contract = sheet.contract
    if contract is None:
        return None
    fields = [
        compact(
            {
                "@type": "cr:Field",
                "@id": f"{dataset_id}/{node_id(column.name)}",
                "name": column.name,
                "description": column.description,
                "dataType": DATA_TYPES[column.type],
                "source": {"fileObject": {"@id": file_id}, "extract": {"column": column.name}},
            }
        )
        for column in contract.columns
    ]
    return {
        "@type": "cr:RecordSet",
        "@id": dataset_id,
        "name": dataset_id,
        "description": f"The rows of {file_id}, as the datasheet's data contract describes them.",
        "field": fields,
    }


def dataset_jsonld(
    workspace: Workspace,
    dataset_id: str,
    *,
    data_check: DataCheckArtifact | None = None,
    location: Path | None = None,
) -> dict[str, Any]:
    """The Croissant description of one dataset. `contentUrl` is relative to `location`,
    the folder the file will be written to (default: the workspace root). `KeyError` for
    an unknown dataset, `ValueError` for a datasheet that does not validate."""
    sheet = workspace.datasets[dataset_id].datasheet
    if sheet is None:
        raise ValueError(f"the datasheet of '{dataset_id}' does not validate")
    motivation = sheet.motivation
    composition = sheet.composition
    collection = sheet.collection_process
    preprocessing = sheet.preprocessing
    uses = sheet.uses
    maintenance = sheet.maintenance
    distribution = sheet.distribution
    semver = sheet.version is not None and _SEMVER.match(sheet.version) is not None
    fileobject = file_object(workspace, dataset_id, sheet, data_check, location)
    records = record_set(dataset_id, sheet, fileobject["@id"]) if fileobject else None
    known = outside_names(sheet.identifiers, dataset=True) if sheet.identifiers else []
    return compact(
        {
            "@context": copy.deepcopy(CONTEXT),  # a reader may change what it is handed
            "@type": "sc:Dataset",
            "conformsTo": CONFORMS_TO,
            "name": dataset_id,
            "alternateName": sheet.name,
            "description": _joined(
                [
                    ("", motivation.purpose),
                    ("Instances", composition.instances),
                    ("Creators", motivation.creators),
                    ("Funding", motivation.funding),
                    ("Version", None if semver else sheet.version),
                ]
            ),
            "creator": [
                compact({"@type": "sc:Person", "name": owner.name, "email": owner.email})
                for owner in sheet.owners
            ],
            "license": _licence(distribution.license) if distribution else None,
            "citeAs": distribution.citation if distribution else None,
            # The datasheet's identifiers: its own web page is the dataset's `url`; its
            # DOI and its Hub repository are the same dataset elsewhere (`sameAs`).
            "url": next((n.page for n in known if n.scheme == "url"), None),
            "sameAs": [n.page for n in known if n.scheme != "url"],
            # Croissant's version is MAJOR.MINOR.PATCH; other version text goes in the
            # description.
            "version": sheet.version if semver else None,
            "dateModified": sheet.last_reviewed.isoformat() if sheet.last_reviewed else None,
            "distribution": [fileobject] if fileobject else None,
            "recordSet": [records] if records else None,
            "rai:dataCollection": _joined(
                [
                    ("", collection.method),
                    ("Timeframe", collection.timeframe),
                    ("Consent", collection.consent),
                    ("Ethical review", collection.ethical_review),
                ]
            )
            if collection
            else None,
            "rai:dataCollectionMissingData": composition.missing_data,
            "rai:dataCollectionRawData": preprocessing.raw_data_kept if preprocessing else None,
            "rai:dataPreprocessingProtocol": list(preprocessing.steps or [])
            if preprocessing
            else None,
            "rai:dataUseCases": list(uses.intended) if uses else None,
            "rai:dataLimitations": list(uses.not_suitable_for or []) if uses else None,
            "rai:dataSocialImpact": uses.impact_notes if uses else None,
            "rai:dataBiases": [composition.known_biases] if composition.known_biases else None,
            "rai:personalSensitiveInformation": list(composition.sensitive_attributes or []),
            "rai:dataReleaseMaintenancePlan": _joined(
                [
                    ("Maintainer", maintenance.maintainer),
                    ("Updates", maintenance.update_policy),
                    ("Retention", maintenance.retention),
                ]
            )
            if maintenance
            else None,
        }
    )


def render(description: dict[str, Any]) -> bytes:
    """The description's bytes: canonical JSON (sorted keys, two-space indent, final newline)."""
    return canonical_json(description).encode("utf-8")


EXPORT_LOCATION = ("exports", "datasets", "{id}", "croissant")
"""Where `cardgate export` writes a dataset's description, under the workspace root (its
default folder; `interop.exporting`): `contentUrl` is relative to it."""


def export_dataset(source: DatasetSource) -> ExportFiles:
    """`cardgate export croissant DATASET`: `<dataset>.croissant.json`, its `contentUrl`
    relative to the default export folder's place for it."""
    location = workspace_of(source).root.joinpath(
        *(part.format(id=source.id) for part in EXPORT_LOCATION)
    )
    description = dataset_jsonld(
        workspace_of(source), source.id, data_check=source.data_check, location=location
    )
    return {f"{source.id}{SUFFIX}": render(description)}


FORMAT = Format(
    name="croissant",
    title="Croissant 1.1 with RAI 1.0",
    datasets=export_dataset,
    files=lambda target: (f"{target}{SUFFIX}",),
)
