"""A draft datasheet from a Hugging Face dataset card (``cardgate import hf README.md``).

Read: the metadata (``license``, ``pretty_name``) and the sections of the Hub's dataset
card template as the dataset card exporter writes them (`hf_dataset`): the summary, the
description with its facts (curated by, funded by, version), the sources (source, Hugging
Face id, DOI, web page), direct and out-of-scope use, data collection and processing,
personal and sensitive information, bias, risks and limitations, the citation and the
contact. Everything else (other metadata such as ``task_categories`` or ``language``,
other sections such as *Dataset Structure*) is kept under ``extensions.hf`` and listed.
What a datasheet needs and a card has no place for (owners, last review) is ``TODO``.
"""

from __future__ import annotations

from typing import Any

from cardgate.interop.format import Draft, yaml_text
from cardgate.interop.hf_common import licence_from_metadata, plain, typed_metadata
from cardgate.interop.hf_dataset import SENSITIVE_LABEL
from cardgate.interop.hf_import import (
    facts,
    items,
    paragraph,
    sections,
    split_card,
    titled_sections,
    unmapped_parts,
)

DATASET_METADATA = frozenset(
    {"pretty_name", "size_categories", "task_categories", "task_ids", "configs",
     "dataset_info", "source_datasets", "annotations_creators", "language_creators",
     "multilinguality", "paperswithcode_id", "train-eval-index"}
)  # fmt: skip
"""Metadata keys of the Hub's dataset cards (huggingface_hub's ``DatasetCardData``) that
a model card does not have."""
MODEL_METADATA = frozenset({"model-index", "base_model", "pipeline_tag", "library_name"})
_MAPPED_METADATA = frozenset({"license", "license_name", "license_link", "pretty_name"})
_USED = frozenset(
    {"(summary)", "dataset description", "dataset sources", "direct use", "out-of-scope use",
     "curation rationale", "data collection and processing",
     "who are the source data producers?", "personal and sensitive information",
     "bias, risks, and limitations", "citation", "dataset card contact"}
)  # fmt: skip


def is_dataset_card(metadata: dict[str, Any], body: str) -> bool:
    """A dataset card: titled *Dataset Card for …* (the Hub's template), or, untitled so,
    with metadata only dataset cards have and none only model cards have."""
    for heading, _, _ in sections(body):
        if heading.startswith("dataset card for "):
            return True
        if heading.startswith("model card for "):
            return False
    return bool(DATASET_METADATA & set(metadata)) and not MODEL_METADATA & set(metadata)


def import_dataset_card(raw: bytes, shown: str, name: str) -> Draft:
    """A draft datasheet, id `name`, from the Hugging Face dataset card `raw`."""
    written, body = split_card(raw, shown)
    metadata, wrong = typed_metadata(written)
    title, by_heading = titled_sections(body, "dataset card for ")
    described = facts(by_heading.get("dataset description", ""))
    sources = facts(by_heading.get("dataset sources", ""))
    pretty = metadata.get("pretty_name")
    motivation: dict[str, Any] = {
        "purpose": paragraph(by_heading.get("(summary)", ""))
        or paragraph(by_heading.get("curation rationale", ""))
        or "TODO"
    }
    creators = described.get("curated by") or paragraph(
        by_heading.get("who are the source data producers?", "")
    )
    if creators:
        motivation["creators"] = creators
    if "funded by" in described:
        motivation["funding"] = described["funded by"]
    composition: dict[str, Any] = {
        "instances": paragraph(by_heading.get("dataset description", "")) or "TODO"
    }
    confidential, sensitive = _personal(by_heading.get("personal and sensitive information", ""))
    if sensitive:
        composition["sensitive_attributes"] = sensitive
    if confidential:
        composition["confidential_data"] = confidential
    biases = paragraph(by_heading.get("bias, risks, and limitations", ""))
    if biases:
        composition["known_biases"] = biases
    sheet: dict[str, Any] = {
        "kind": "datasheet",
        "schema_version": 1,
        "id": name,
        "name": pretty if isinstance(pretty, str) and pretty.strip() else title or name,
        "status": "draft",
    }
    if "version" in described:
        sheet["version"] = described["version"]
    sheet["owners"] = [{"name": "TODO"}]
    sheet["last_reviewed"] = "TODO"
    identifiers = {
        key: sources[label]
        for label, key in (("hugging face", "hf"), ("doi", "doi"), ("web page", "url"))
        if label in sources
    }
    if identifiers:
        sheet["identifiers"] = identifiers
    sheet["motivation"] = motivation
    sheet["composition"] = composition
    collection = paragraph(by_heading.get("data collection and processing", ""))
    if collection:
        sheet["collection_process"] = {"method": collection}
    uses: dict[str, Any] = {"intended": items(by_heading.get("direct use", "")) or ["TODO"]}
    unsuitable = items(by_heading.get("out-of-scope use", ""))
    if unsuitable:
        uses["not_suitable_for"] = unsuitable
    sheet["uses"] = uses
    distribution: dict[str, Any] = {
        "license": licence_from_metadata(metadata) or described.get("license") or "TODO"
    }
    if "source" in sources:
        distribution["source"] = sources["source"]
    citation = paragraph(by_heading.get("citation", ""))
    if citation:
        distribution["citation"] = citation
    sheet["distribution"] = distribution
    contact = paragraph(by_heading.get("dataset card contact", ""))
    if contact:
        sheet["maintenance"] = {"maintainer": "TODO", "contact": contact}
    hf, keys, others = unmapped_parts(written, _MAPPED_METADATA, by_heading, _USED, wrong=wrong)
    if hf:
        sheet["extensions"] = {"hf": hf}
    header = (
        f"# Draft datasheet imported from the Hugging Face dataset card {shown} by cardgate\n"
        "# import. Review every value; owners, last_reviewed and the maintainer are not in\n"
        "# a Hugging Face card: set them. What had no field here is under extensions.hf.\n"
    )
    return Draft("datasheet", yaml_text(sheet, comment=header), (*keys, *others))


def _personal(text: str) -> tuple[str | None, list[str]]:
    """(what the section says of confidential data, the sensitive attributes): the
    exporter lists the attributes after a line `Sensitive attributes:` (card text is
    escaped, its colons and leading list markers too, so the list cannot come from it)."""
    kept, attributes, listing = [], [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == SENSITIVE_LABEL:
            listing = True
        elif listing and stripped.startswith("- "):
            attributes.append(plain(stripped[2:]))
        else:
            listing = listing and not stripped
            kept.append(line)
    return paragraph("\n".join(kept)), [a for a in attributes if a]
