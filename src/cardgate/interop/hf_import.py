"""A draft model card from a Hugging Face model card (``cardgate import hf README.md``).

Read: the metadata (``license``, ``base_model``, ``datasets``, ``pipeline_tag``, ``tags``,
``model-index``, whose results become reported results: cardgate did not compute them)
and the sections of the Hub's model card template (the description, developers, model
type, version, uses, out-of-scope uses, limitations, ethical considerations,
recommendations, training hyperparameters, factors, metrics, the results' summary, the
citation and the contact). Everything else the card holds (other metadata, other
sections, a mapped key of the wrong type: `typed_metadata`) is kept under ``extensions.hf``
and listed. What cardgate needs and a card has no place for (risk tier, lifecycle stage,
owners, ...) is left as the template leaves it: ``TODO``, or the template's default with
a comment.
"""

from __future__ import annotations

import re
from typing import Any

from cardgate.core.errors import InputError
from cardgate.core.headings import heading_text
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import parse_text
from cardgate.interop.format import Draft, yaml_text
from cardgate.interop.hf_common import (
    FRONT_MATTER,
    MISSING,
    licence_from_metadata,
    plain,
    typed_metadata,
)
from cardgate.interop.hf_model_index import reported_results

_HEADING = re.compile(r"^#{1,6}[ \t]+(.+)$")
_FACT = re.compile(r"^- \*\*(.+?):\*\*[ \t]*(.*)$")
_MAPPED_METADATA = frozenset(
    {"license", "license_name", "license_link", "base_model", "datasets", "pipeline_tag",
     "tags", "model-index"}
)  # fmt: skip


def _decode(raw: bytes, shown: str) -> str:
    if b"\x00" in raw:
        raise InputError(
            f"{shown}: is a binary file (a NUL byte at {raw.index(0)}), not a Markdown card",
            hint="a Hugging Face card is the README.md of a model or dataset repository",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{shown}: is not UTF-8 text (byte {error.start})") from error


def split_card(raw: bytes, shown: str) -> tuple[dict[str, Any], str]:
    """(metadata, Markdown body) of a card; `InputError` at the line and column of a
    metadata block that is not a YAML mapping."""
    text = _decode(raw, shown)
    match = FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    before = text[: match.start("yaml")].count("\n")
    block = match.group("yaml")
    if not block.strip():
        return {}, text[match.end() :]
    try:
        loaded = parse_text("\n" * before + block, display=shown)
    except DocumentLoadError as error:
        raise InputError(error.problem.format(), hint=error.problem.hint) from error
    return dict(loaded.data), text[match.end() :]


def sections(body: str) -> list[tuple[str, str, str]]:
    """(heading, its own text, the heading as written) of every heading of a Markdown
    body, in order, comments removed; the heading lower-cased, without '[optional]'."""
    found: list[tuple[str, str, str]] = []
    heading, written, lines = "", "", []
    for line in _without_comments(body).splitlines():
        title = _heading_text(line)
        if title is None:
            lines.append(line)
            continue
        found.append((heading, "\n".join(lines).strip(), written))
        written = " ".join(line.lstrip("#").split())
        cleaned = re.sub(r"\[optional\]", "", title, flags=re.IGNORECASE)
        heading, lines = plain(" ".join(cleaned.split())).casefold(), []
    found.append((heading, "\n".join(lines).strip(), written))
    return found


def _heading_text(line: str) -> str | None:
    """The text of an ATX heading line (`## Uses ##`: 'Uses'), or None for another line."""
    match = _HEADING.match(line)
    if match is None:
        return None
    text = match.group(1)
    return heading_text(text, blank=" \t") or text[:1]


def _without_comments(body: str) -> str:
    """`body` less its HTML comments (an unclosed `<!--` stays), in linear time: the
    pattern `<!--.*?-->` scanned to the end from each of a hostile card's `<!--`
    (40,000 of them: 203 s)."""
    parts, position = [], 0
    while (start := body.find("<!--", position)) >= 0:
        end = body.find("-->", start + 4)
        if end < 0:
            break
        parts.append(body[position:start])
        position = end + 3
    parts.append(body[position:])
    return "".join(parts)


def paragraph(text: str) -> str | None:
    """The section's prose (bullets of facts left out), as one text; None when empty or
    the template's placeholder."""
    kept = [line for line in text.splitlines() if not _FACT.match(line.strip())]
    joined = " ".join(" ".join(kept).split())
    if not joined or MISSING in joined:
        return None
    return plain(joined)


def items(text: str) -> list[str] | None:
    """A section's bullets (or its prose as one item)."""
    bullets = [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ")]
    found = [plain(b) for b in bullets if b.strip() and MISSING not in b]
    if found:
        return found
    single = paragraph(text)
    return [single] if single else None


def facts(text: str) -> dict[str, str]:
    """A section's facts: its ``- **Label:** value`` lines, by label (lower-cased)."""
    found = {}
    for line in text.splitlines():
        match = _FACT.match(line.strip())
        if match and match.group(2).strip() and MISSING not in match.group(2):
            found[match.group(1).casefold()] = plain(match.group(2))
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def import_card(raw: bytes, shown: str, name: str) -> Draft:
    """A draft model card, id `name`, from the Hugging Face model card `raw`."""
    written, body = split_card(raw, shown)
    metadata, wrong = typed_metadata(written)
    if not written and all(not heading for heading, _, _ in sections(body)):
        raise InputError(
            f"{shown}: has neither YAML metadata nor a Markdown heading: nothing to import",
            hint="a Hugging Face card starts with a '---' metadata block and has '#' sections",
        )
    title, by_heading = titled_sections(body, "model card for ")
    tag = metadata.get("pipeline_tag") if isinstance(metadata.get("pipeline_tag"), str) else None
    details: dict[str, Any] = {}
    description = by_heading.get("model description")
    stated = facts(description or "")
    details["description"] = (
        paragraph(description or "") or paragraph(by_heading.get("(summary)", "")) or "TODO"
    )
    for label, key in (
        ("developed by", "developers"),
        ("model type", "model_type"),
        ("model version", "model_version"),
    ):
        if label in stated:
            details[key] = stated[label]
    hyper = paragraph(by_heading.get("training hyperparameters", ""))
    if hyper:
        details["training_algorithm"] = hyper
    for heading, key in (("citation", "citation"), ("model card contact", "contact")):
        value = paragraph(by_heading.get(heading, ""))
        if value:
            details[key] = value
    licence = licence_from_metadata(metadata)
    if licence is not None:
        details["license"] = licence
    elif "license" in stated:
        details["license"] = stated["license"]
    if tag:
        details["task"] = tag
    tags = _strings(metadata.get("tags"))
    if tags:
        details["tags"] = tags
    card: dict[str, Any] = {
        "kind": "model-card",
        "schema_version": 1,
        "id": name,
        "name": title or _model_index_name(metadata) or name,
        "status": "draft",
        "risk_tier": "high",
        "lifecycle_stage": "development",
        "owners": [{"name": "TODO"}],
        "last_reviewed": "TODO",
        "model_details": details,
        "intended_use": {"primary_uses": items(by_heading.get("direct use", "")) or ["TODO"]},
    }
    users = items(by_heading.get("intended users", ""))
    if users:
        card["intended_use"]["primary_users"] = users
    out = items(by_heading.get("out-of-scope use", ""))
    if out:
        card["intended_use"]["out_of_scope_uses"] = out
    factors = items(by_heading.get("factors", ""))
    if factors:
        card["factors"] = {"evaluation_factors": factors}
    measures = items(by_heading.get("metrics", ""))
    if measures:
        card["metrics"] = {"performance_measures": measures}
    summary = paragraph(by_heading.get("summary", ""))
    if summary:
        card["quantitative_analyses"] = {"summary": summary}
    ethical = _ethical(by_heading.get("ethical considerations", ""))
    if ethical:
        card["ethical_considerations"] = ethical
    recommendations = items(by_heading.get("recommendations", ""))
    if recommendations:
        card["caveats_and_recommendations"] = recommendations
    limitations = items(by_heading.get("bias, risks, and limitations", ""))
    if limitations:
        card["limitations"] = limitations
    lineage = _lineage(metadata)
    if lineage:
        card["lineage"] = lineage
    reported, skipped = reported_results(metadata, shown, tag)
    if reported:
        card["reported_results"] = reported
    used = {
        "(summary)", "model description", "training hyperparameters", "citation",
        "model card contact", "direct use", "intended users", "out-of-scope use", "factors",
        "metrics", "summary", "ethical considerations", "recommendations",
        "bias, risks, and limitations",
    }  # fmt: skip
    hf, keys, others = unmapped_parts(written, _MAPPED_METADATA, by_heading, used, wrong=wrong)
    if hf:
        card["extensions"] = {"hf": hf}
    return Draft("model-card", _document(card, shown), (*keys, *skipped, *others))


def titled_sections(body: str, title: str) -> tuple[str | None, dict[str, str]]:
    """(what the card's title names after `title`, e.g. 'model card for ', as written;
    the text of each section by heading, the title's own as '(summary)', the first of
    each heading)."""
    by_heading: dict[str, str] = {}
    named = None
    for heading, text, written in sections(body):
        if heading.startswith(title):
            named = plain(written[len(title) :])
            by_heading.setdefault("(summary)", text)
        elif heading:
            by_heading.setdefault(heading, text)
    return named, by_heading


def unmapped_parts(
    metadata: dict[str, Any],
    mapped: frozenset[str],
    by_heading: dict[str, str],
    used: frozenset[str] | set[str],
    *,
    wrong: dict[str, str],
) -> tuple[dict[str, Any], list[str], list[str]]:
    """(``extensions.hf``: the metadata keys not `mapped` or `wrong` (a mapped key of the
    wrong type, `typed_metadata`), and the non-empty sections not `used`; a line for each
    key, and for each section, for the list of what did not map)."""
    kept_metadata = {k: v for k, v in metadata.items() if k not in mapped or k in wrong}
    kept_sections = {
        heading: text
        for heading, text in by_heading.items()
        if heading not in used and paragraph(text) is not None
    }
    hf: dict[str, Any] = {}
    if kept_metadata:
        hf["metadata"] = kept_metadata
    if kept_sections:
        hf["sections"] = kept_sections
    return (
        hf,
        [
            f"metadata '{key}'" + (f" (not {wrong[key]})" if key in wrong else "")
            for key in kept_metadata
        ],
        [f"section '{heading}'" for heading in kept_sections],
    )


def _model_index_name(metadata: dict[str, Any]) -> str | None:
    index = metadata.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict):
        value = index[0].get("name")
        return value if isinstance(value, str) else None
    return None


def _ethical(text: str) -> list[dict[str, str]]:
    """Bullets ``- consideration Mitigation: mitigation`` (the marker as the exporter
    writes it: a colon in card text is escaped, so the marker cannot come from the text)."""
    found = []
    for line in text.splitlines():
        if not line.strip().startswith("- ") or MISSING in line:
            continue
        consideration, _, mitigation = line.strip()[2:].partition(" Mitigation: ")
        entry = {"consideration": plain(consideration)}
        if mitigation.strip():
            entry["mitigation"] = plain(mitigation)
        found.append(entry)
    return found


def _lineage(metadata: dict[str, Any]) -> dict[str, Any]:
    lineage: dict[str, Any] = {}
    bases = _strings(metadata.get("base_model"))
    if bases:
        lineage["base_models"] = [{"hf": base} for base in bases]
    datasets = _strings(metadata.get("datasets"))
    if datasets:
        lineage["datasets"] = [{"hf": hub, "role": "training"} for hub in datasets]
    return lineage


def _document(card: dict[str, Any], shown: str) -> str:
    header = (
        f"# Draft model card imported from the Hugging Face card {shown} by cardgate import.\n"
        "# Review every value; risk_tier, lifecycle_stage, owners and last_reviewed are\n"
        "# not in a Hugging Face card: set them. Results from the card's model-index are\n"
        "# reported results: cardgate did not compute them and the gate reads none.\n"
        "# What had no field here is under extensions.hf.\n"
    )
    return yaml_text(card, comment=header)
