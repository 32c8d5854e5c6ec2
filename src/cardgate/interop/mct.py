"""A draft model card from a Google Model Card Toolkit card (JSON, schema v0.0.2):
``cardgate import mct model_card.json --as ID``, a way off the archived toolkit.

Mapped: the model's name, overview, owners, version, licences, citations and architecture;
its datasets (as lineage, when they have a web link and a role their name gives); its
performance metrics (as reported results: values, slices and intervals, measured by
whoever ran the toolkit); the users, use cases, limitations, trade-offs and ethical
considerations. Everything else (documentation, references, input and output formats,
graphics, sensitive data notes, version diffs) is kept under ``extensions.mct`` and
listed. Mapping table: docs/interop.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from cardgate.core.errors import InputError
from cardgate.documents.schemas.spdx import ExpressionError, licence_ids
from cardgate.interop.format import Draft, Format, yaml_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")
_ROLES = (("valid", "validation"), ("test", "testing"), ("eval", "testing"), ("train", "training"))


def _load(raw: bytes, shown: str) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InputError(f"{shown}: is not UTF-8 text (byte {error.start})") from error
    except json.JSONDecodeError as error:
        raise InputError(
            f"{shown}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}",
            hint="a Model Card Toolkit card is the JSON its ModelCard.to_json() writes",
        ) from error
    if not isinstance(data, dict):
        raise InputError(f"{shown}:1:1: a Model Card Toolkit card is a JSON object")
    return data


def _texts(items: Any, key: str) -> list[str]:
    """The `key` texts of a list of objects (what is not one is skipped)."""
    if not isinstance(items, list):
        return []
    return [
        str(item[key]).strip()
        for item in items
        if isinstance(item, dict) and str(item.get(key) or "").strip()
    ]


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


class _Reader:
    """Takes the parts of the card that map; what is left is kept as it was."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.left: dict[str, Any] = json.loads(json.dumps(data))

    def take(self, section: str, key: str | None = None) -> Any:
        if key is None:
            return self.left.pop(section, None)
        node = self.left.get(section)
        return node.pop(key, None) if isinstance(node, dict) else None

    def keep(self, value: Any, section: str, key: str) -> None:
        node = self.left.setdefault(section, {})
        if isinstance(node, dict):
            node[key] = value

    def unmapped(self) -> list[str]:
        """What is left, as ``section.key`` (a section that is not a mapping: itself)."""
        self.left = _pruned(self.left)
        return [
            f"{section}.{key}" if isinstance(value, dict) else section
            for section, value in self.left.items()
            for key in (value if isinstance(value, dict) else [section])
        ]


def import_card(raw: bytes, shown: str, name: str) -> Draft:
    """A draft model card, id `name`, from the Model Card Toolkit card `raw`."""
    data = _load(raw, shown)
    read = _Reader(data)
    read.take("schema_version")
    read.take("model_details", "schema_version")
    details: dict[str, Any] = {}
    overview = read.take("model_details", "overview")
    documentation = read.take("model_details", "documentation")
    details["description"] = str(overview or documentation or "TODO")
    if overview and documentation:
        read.keep(documentation, "model_details", "documentation")
    version = read.take("model_details", "version") or {}
    if isinstance(version, dict):
        if version.get("name"):
            details["model_version"] = str(version.pop("name"))
        date = version.pop("date", None)
        if date:
            try:
                details["model_date"] = dt.date.fromisoformat(str(date)).isoformat()
            except ValueError:
                version["date"] = date
        if version:
            read.keep(version, "model_details", "version")
    licence = _licence(read.take("model_details", "licenses"), read)
    if licence is not None:
        details["license"] = licence
    citations = _texts(read.take("model_details", "citations"), "citation")
    single = read.take("model_details", "citation")
    if isinstance(single, dict) and single.get("citation"):
        citations.append(str(single["citation"]))
    if citations:
        details["citation"] = "; ".join(citations)
    architecture = read.take("model_parameters", "model_architecture")
    if architecture:
        details["model_type"] = str(architecture)
    owners = []
    for owner in read.take("model_details", "owners") or []:
        if not isinstance(owner, dict) or not owner.get("name"):
            continue
        person: dict[str, str] = {"name": str(owner["name"])}
        contact = str(owner.get("contact") or "")
        if _EMAIL.match(contact):
            person["email"] = contact
        elif contact:
            person["role"] = f"contact: {contact}"
        owners.append(person)
    card: dict[str, Any] = {
        "kind": "model-card",
        "schema_version": 1,
        "id": name,
        "name": str(read.take("model_details", "name") or name),
        "status": "draft",
        "risk_tier": "high",
        "lifecycle_stage": "development",
        "owners": owners or [{"name": "TODO"}],
        "last_reviewed": "TODO",
        "model_details": details,
    }
    considerations = "considerations"
    uses = _texts(read.take(considerations, "use_cases"), "description")
    users = _texts(read.take(considerations, "users"), "description")
    card["intended_use"] = {
        "primary_uses": uses or ["TODO"],
        **({"primary_users": users} if users else {}),
    }
    limitations = _texts(read.take(considerations, "limitations"), "description")
    if limitations:
        card["limitations"] = limitations
    tradeoffs = _texts(read.take(considerations, "tradeoffs"), "description")
    if tradeoffs:
        card["tradeoffs"] = tradeoffs
    ethical = []
    for risk in read.take(considerations, "ethical_considerations") or []:
        if isinstance(risk, dict) and risk.get("name"):
            entry = {"consideration": str(risk["name"])}
            if risk.get("mitigation_strategy"):
                entry["mitigation"] = str(risk["mitigation_strategy"])
            ethical.append(entry)
    if ethical:
        card["ethical_considerations"] = ethical
    datasets = _datasets(read.take("model_parameters", "data"), read)
    if datasets:
        card["lineage"] = {"datasets": datasets}
    reported = _metrics(read.take("quantitative_analysis", "performance_metrics"), read, shown)
    if reported:
        card["reported_results"] = reported
    unmapped = read.unmapped()
    if read.left:
        card["extensions"] = {"mct": read.left}
    return Draft("model-card", _document(card, shown), tuple(unmapped))


def _licence(licences: Any, read: _Reader) -> dict[str, str] | None:
    found = [item for item in licences or [] if isinstance(item, dict)]
    if not found:
        return None
    if len(found) > 1:
        read.keep(found[1:], "model_details", "licenses")
    first = found[0]
    identifier = str(first.get("identifier") or "").strip()
    custom = str(first.get("custom_text") or "").strip()
    licence: dict[str, str] = {}
    if identifier:
        try:
            licence_ids(identifier)
            licence["spdx"] = identifier
        except ExpressionError:
            licence["text"] = identifier
    if custom:
        licence["text"] = f"{licence['text']}; {custom}" if "text" in licence else custom
    return licence or None


def _datasets(data: Any, read: _Reader) -> list[dict[str, str]]:
    found = []
    for index, dataset in enumerate(data or []):
        if not isinstance(dataset, dict):
            continue
        named = str(dataset.get("name") or "")
        link = str(dataset.get("link") or "")
        role = next((r for key, r in _ROLES if key in named.casefold()), None)
        if _URL.match(link) and role is not None:
            entry = {"url": link, "role": role}
            if named:
                entry["name"] = named
            found.append(entry)
            rest = {k: v for k, v in dataset.items() if k not in ("name", "link")}
        else:
            rest = dataset
        rest = _pruned(rest)
        if rest:
            read.keep(rest, "model_parameters", f"data[{index}]")
    return found


def _metrics(metrics: Any, read: _Reader, shown: str) -> list[dict[str, Any]]:
    found = []
    for index, metric in enumerate(metrics or []):
        value = _number(metric.get("value")) if isinstance(metric, dict) else None
        if value is None or not metric.get("type"):
            read.keep(metric, "quantitative_analysis", f"performance_metrics[{index}]")
            continue
        reported: dict[str, Any] = {
            "metric": str(metric["type"]),
            "value": value,
            "source": f"Model Card Toolkit card {shown}",
        }
        piece = str(metric.get("slice") or "").strip()
        if piece and piece.casefold() != "overall":
            reported["slice"] = piece
        interval = metric.get("confidence_interval")
        if isinstance(interval, dict):
            low, high = _number(interval.get("lower_bound")), _number(interval.get("upper_bound"))
            if low is not None and high is not None:
                reported["ci"] = [low, high]
        found.append(reported)
    return found


def _pruned(value: Any) -> Any:
    """`value` without empty mappings and lists."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [], None, "")}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _document(card: dict[str, Any], shown: str) -> str:
    header = (
        f"# Draft model card imported from the Model Card Toolkit card {shown} by cardgate\n"
        "# import. Review every value; risk_tier, lifecycle_stage and last_reviewed are not in\n"
        "# a Model Card Toolkit card: set them. Its performance metrics are reported results:\n"
        "# cardgate did not compute them and the gate reads none. What had no field here is\n"
        "# under extensions.mct.\n"
    )
    return yaml_text(card, comment=header)


FORMAT = Format(
    name="mct",
    title="Google Model Card Toolkit card (JSON, schema v0.0.2), import only",
    importer=import_card,
    extensions=(".json",),
)
