"""A Hugging Face dataset card (``README.md`` with YAML metadata) from a datasheet.

The metadata carries ``license`` (as for a model card), ``pretty_name`` and
``size_categories`` (from the datasheet's row count, in the Hub's categories); the body
follows the sections of the Hub's dataset card template, with the data contract's columns
as the dataset's structure and the last data check's fingerprint. Mapping table:
docs/interop.md.
"""

from __future__ import annotations

from typing import Any

from cardgate.documents.schemas.provenance import licence_words
from cardgate.interop.bom_parts import delta_table_of
from cardgate.interop.hf_common import MISSING, filled, front_matter, licence_metadata, md
from cardgate.interop.source import DatasetSource

_SIZES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"),
    (100_000_000_000, "10B<n<100B"),
    (1_000_000_000_000, "100B<n<1T"),
)
"""The Hub's ``size_categories`` (huggingface_hub's ``DatasetCardData``), by upper bound."""


SENSITIVE_LABEL = "Sensitive attributes:"
"""The line before the list of sensitive attributes in *Personal and Sensitive
Information*."""


def size_category(count: int) -> str:
    """The Hub's size category of a dataset of `count` instances."""
    return next((label for bound, label in _SIZES if count < bound), "n>1T")


def dataset_metadata(dataset: DatasetSource) -> dict[str, Any]:
    sheet = dataset.datasheet
    licence = sheet.distribution.license if sheet.distribution is not None else None
    metadata: dict[str, Any] = dict(licence_metadata(licence))
    metadata["pretty_name"] = sheet.name
    count = sheet.composition.count
    if count is None and dataset.data_check is not None:
        count = dataset.data_check.rows
    if count is not None:
        metadata["size_categories"] = [size_category(count)]
    return metadata


def _lines(label: str, value: str | None) -> list[str]:
    value = filled(value)
    return [f"- **{label}:** {md(value)}"] if value else []


def _section(title: str, *paragraphs: str | None) -> list[str]:
    shown = [md(text) for text in map(filled, paragraphs) if text]
    return [title, "", *(shown or ["[More Information Needed]"]), ""]


def _bullets(title: str, items: list[str] | None) -> list[str]:
    shown = [f"- {md(item)}" for item in items or () if filled(item)]
    return [title, "", *(shown or ["[More Information Needed]"]), ""]


def dataset_card(dataset: DatasetSource) -> str:
    """The Hugging Face dataset card of a dataset."""
    sheet = dataset.datasheet
    distribution, composition = sheet.distribution, sheet.composition
    lines = [f"# Dataset Card for {md(sheet.name)}", "", md(sheet.motivation.purpose), ""]
    lines += ["## Dataset Details", "", "### Dataset Description", ""]
    lines += [md(composition.instances), ""]
    words = licence_words(distribution.license if distribution is not None else None)
    lines += _lines("Curated by", sheet.motivation.creators)
    lines += _lines("Funded by", sheet.motivation.funding)
    lines += _lines("License", words)
    lines += _lines("Version", sheet.version)
    lines.append("")
    identifiers = sheet.identifiers
    sources = _lines("Source", distribution.source if distribution is not None else None)
    if identifiers is not None:
        sources += _lines("Hugging Face", identifiers.hf)
        sources += _lines("DOI", identifiers.doi)
        sources += _lines("Web page", identifiers.url)
    if sources:
        lines += ["### Dataset Sources", "", *sources, ""]
    uses = sheet.uses
    lines += ["## Uses", ""]
    lines += _bullets("### Direct Use", uses.intended if uses is not None else None)
    lines += _bullets("### Out-of-Scope Use", uses.not_suitable_for if uses else None)
    lines += ["## Dataset Structure", "", *_structure(dataset), ""]
    collection, preprocessing = sheet.collection_process, sheet.preprocessing
    lines += ["## Dataset Creation", ""]
    lines += _section("### Curation Rationale", sheet.motivation.purpose)
    lines += ["### Source Data", ""]
    steps = preprocessing.steps if preprocessing is not None else None
    lines += _section(
        "#### Data Collection and Processing",
        collection.method if collection is not None else None,
        collection.timeframe if collection is not None else None,
        *(steps or ()),
    )
    lines += _section("#### Who are the source data producers?", sheet.motivation.creators)
    # The label is written as it is and the card's text escaped (its colons and leading
    # list markers too), so that an import tells the attributes from the text
    # (`hf_dataset_import`).
    confidential = filled(composition.confidential_data)
    personal = [md(confidential), ""] if confidential else []
    if composition.sensitive_attributes:
        personal += [SENSITIVE_LABEL, ""]
        personal += [f"- {md(a)}" for a in composition.sensitive_attributes]
    lines += ["#### Personal and Sensitive Information", "", *(personal or [MISSING]), ""]
    lines += _section(
        "## Bias, Risks, and Limitations",
        composition.known_biases,
        composition.missing_data,
        uses.impact_notes if uses is not None else None,
    )
    lines += _section("## Citation", distribution.citation if distribution else None)
    lines += _section(
        "## Dataset Card Contact",
        sheet.maintenance.contact if sheet.maintenance is not None else None,
    )
    return front_matter(dataset_metadata(dataset)) + "\n" + "\n".join(lines).rstrip() + "\n"


def _structure(dataset: DatasetSource) -> list[str]:
    contract = dataset.datasheet.contract
    lines: list[str] = []
    check = dataset.data_check
    if check is not None:
        delta = delta_table_of(check)
        data = f"SHA-256 `{check.data.sha256}`" if delta is None else delta
        lines += [
            f"Last checked by `cardgate check-data`: {check.rows} rows, {data}, contract "
            f"{'met' if check.passed else 'NOT met'}.",
            "",
        ]
    if contract is None:
        return [*lines, "[More Information Needed]"]
    lines += ["| column | type | nulls | allowed | description |", "|---|---|---|---|---|"]
    for column in contract.columns:
        if column.allowed_values:
            allowed = ", ".join(md(value) for value in column.allowed_values)
        elif column.min is not None or column.max is not None:
            low = "" if column.min is None else str(column.min)
            high = "" if column.max is None else str(column.max)
            allowed = md(f"{low}–{high}")
        else:
            allowed = ""
        nulls = "allowed" if column.nullable else "none"
        described = filled(column.description)
        description = md(described) if described else ""
        lines.append(f"| {md(column.name)} | {column.type} | {nulls} | {allowed} | {description} |")
    return lines
