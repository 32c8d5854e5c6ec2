"""A draft model card from a Google Model Card Toolkit card (JSON, schema v0.0.2):
``cardgate import mct model_card.json --as ID``, a way off the archived toolkit.

Mapped: the model's name, overview, owners, version, licences, citations and architecture;
its datasets (as lineage, when they have a web link and a role their name gives); its
performance metrics (as reported results: values, slices and intervals, measured by
whoever ran the toolkit); the users, use cases, limitations, trade-offs and ethical
considerations. Everything else (documentation, references, input and output formats,
graphics, sensitive data notes, version diffs) is kept under ``extensions.mct`` and
listed. A mapped field of another JSON type than the schema's is an `InputError` naming
the field. Mapping table: docs/interop.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from cardgate.core.errors import InputError
from cardgate.core.inputs import loads_json
from cardgate.documents.schemas.spdx import ExpressionError, licence_ids
from cardgate.interop.format import Draft, Format, yaml_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")
_ROLES = (("valid", "validation"), ("test", "testing"), ("eval", "testing"), ("train", "training"))


def _load(raw: bytes, shown: str) -> dict[str, Any]:
    try:
        data = loads_json(raw.decode("utf-8-sig"), unique_keys=True)
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


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "null"


class _WrongType(InputError):
    """A mapped field of another JSON type than the schema's: `where` is its JSON path,
    placed in the file (line:col) by `import_card` before it is shown."""

    def __init__(self, shown: str, where: str, detail: str) -> None:
        super().__init__(
            f"{shown}: {where}: {detail}",
            hint="each field of a card has one JSON type (schema v0.0.2): fix the card and "
            "import it again",
        )
        self.shown, self.where, self.detail = shown, where, detail

    def placed(self, raw: bytes) -> InputError:
        """The same error, at the line and column where the field's value starts (JSON is
        YAML: the YAML loader's positions); as it is when the file cannot be placed."""
        from cardgate.documents.load_limits import DocumentLoadError
        from cardgate.documents.loading import parse_text

        path = tuple(int(index) if index else key for key, index in _STEP.findall(self.where))
        try:
            loaded = parse_text(raw.decode("utf-8-sig"), display=self.shown)
        except (DocumentLoadError, ValueError):
            return self
        span = loaded.positions.value(path)
        return InputError(
            f"{self.shown}:{span.line}:{span.column}: {self.where}: {self.detail}",
            hint=self.hint,
        )


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _wrong(shown: str, where: str, expected: str, value: Any) -> InputError:
    return _WrongType(
        shown, where, f"is {_json_type(value)} where the Model Card Toolkit has {expected}"
    )


def _text(value: Any, shown: str, where: str) -> str:
    """A text field ('' when absent; a number as JSON writes it); InputError naming the
    field `where` for an object, a list or true/false (their Python text was drafted)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return json.dumps(value)
    raise _wrong(shown, where, "a string", value)


def _objects(value: Any, shown: str, where: str) -> list[dict[str, Any]]:
    """A list of objects (none when absent); InputError naming the field otherwise."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(shown, where, "a list", value)
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _wrong(shown, f"{where}[{index}]", "an object", item)
    return value


def _texts(items: Any, key: str, shown: str, where: str) -> list[str]:
    """The non-empty `key` texts of the list of objects `items`, the field `where`."""
    found = []
    for index, item in enumerate(_objects(items, shown, where)):
        text = _text(item.get(key), shown, f"{where}[{index}].{key}").strip()
        if text:
            found.append(text)
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool):  # not 1.0
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a JSON integer of 309+ digits
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
    try:
        return _import(data, shown, name)
    except _WrongType as error:
        raise error.placed(raw) from None


def _import(data: dict[str, Any], shown: str, name: str) -> Draft:
    read = _Reader(data)
    read.take("schema_version")
    read.take("model_details", "schema_version")
    details: dict[str, Any] = {}
    overview = _text(read.take("model_details", "overview"), shown, "model_details.overview")
    documentation = _text(
        read.take("model_details", "documentation"), shown, "model_details.documentation"
    )
    details["description"] = overview or documentation or "TODO"
    if overview and documentation:
        read.keep(documentation, "model_details", "documentation")
    version = read.take("model_details", "version")
    if version is not None and not isinstance(version, dict):
        raise _wrong(shown, "model_details.version", "an object", version)
    if version:
        named = _text(version.pop("name", None), shown, "model_details.version.name")
        if named:
            details["model_version"] = named
        date = version.pop("date", None)
        if date:
            try:
                details["model_date"] = dt.date.fromisoformat(str(date)).isoformat()
            except ValueError:
                version["date"] = date
        if version:
            read.keep(version, "model_details", "version")
    licence = _licence(read.take("model_details", "licenses"), read, shown)
    if licence is not None:
        details["license"] = licence
    citations = _texts(
        read.take("model_details", "citations"), "citation", shown, "model_details.citations"
    )
    single = read.take("model_details", "citation")
    if single is not None and not isinstance(single, dict):
        raise _wrong(shown, "model_details.citation", "an object", single)
    if single:
        alone = _text(single.get("citation"), shown, "model_details.citation.citation")
        if alone:
            citations.append(alone)
    if citations:
        details["citation"] = "; ".join(citations)
    architecture = _text(
        read.take("model_parameters", "model_architecture"),
        shown,
        "model_parameters.model_architecture",
    )
    if architecture:
        details["model_type"] = architecture
    owners = []
    listed = _objects(read.take("model_details", "owners"), shown, "model_details.owners")
    for index, owner in enumerate(listed):
        where = f"model_details.owners[{index}]"
        owner_name = _text(owner.get("name"), shown, f"{where}.name")
        if not owner_name:
            continue
        person: dict[str, str] = {"name": owner_name}
        contact = _text(owner.get("contact"), shown, f"{where}.contact")
        if _EMAIL.match(contact):
            person["email"] = contact
        elif contact:
            person["role"] = f"contact: {contact}"
        owners.append(person)
    card: dict[str, Any] = {
        "kind": "model-card",
        "schema_version": 1,
        "id": name,
        "name": _text(read.take("model_details", "name"), shown, "model_details.name") or name,
        "status": "draft",
        "risk_tier": "high",
        "lifecycle_stage": "development",
        "owners": owners or [{"name": "TODO"}],
        "last_reviewed": "TODO",
        "model_details": details,
    }
    considerations = "considerations"
    uses, users, limitations, tradeoffs = (
        _texts(read.take(considerations, key), "description", shown, f"{considerations}.{key}")
        for key in ("use_cases", "users", "limitations", "tradeoffs")
    )
    card["intended_use"] = {
        "primary_uses": uses or ["TODO"],
        **({"primary_users": users} if users else {}),
    }
    if limitations:
        card["limitations"] = limitations
    if tradeoffs:
        card["tradeoffs"] = tradeoffs
    ethical = []
    risks = read.take(considerations, "ethical_considerations")
    where = f"{considerations}.ethical_considerations"
    for index, risk in enumerate(_objects(risks, shown, where)):
        risk_name = _text(risk.get("name"), shown, f"{where}[{index}].name")
        mitigation = _text(
            risk.get("mitigation_strategy"), shown, f"{where}[{index}].mitigation_strategy"
        )
        if risk_name:
            entry = {"consideration": risk_name}
            if mitigation:
                entry["mitigation"] = mitigation
            ethical.append(entry)
    if ethical:
        card["ethical_considerations"] = ethical
    datasets = _datasets(read.take("model_parameters", "data"), read, shown)
    if datasets:
        card["lineage"] = {"datasets": datasets}
    reported = _metrics(read.take("quantitative_analysis", "performance_metrics"), read, shown)
    if reported:
        card["reported_results"] = reported
    unmapped = read.unmapped()
    if read.left:
        card["extensions"] = {"mct": read.left}
    return Draft("model-card", _document(card, shown), tuple(unmapped))


def _licence(licences: Any, read: _Reader, shown: str) -> dict[str, str] | None:
    found = _objects(licences, shown, "model_details.licenses")
    if not found:
        return None
    if len(found) > 1:
        read.keep(found[1:], "model_details", "licenses")
    first = found[0]
    where = "model_details.licenses[0]"
    identifier = _text(first.get("identifier"), shown, f"{where}.identifier").strip()
    custom = _text(first.get("custom_text"), shown, f"{where}.custom_text").strip()
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


def _datasets(data: Any, read: _Reader, shown: str) -> list[dict[str, str]]:
    found = []
    for index, dataset in enumerate(_objects(data, shown, "model_parameters.data")):
        where = f"model_parameters.data[{index}]"
        named = _text(dataset.get("name"), shown, f"{where}.name")
        link = _text(dataset.get("link"), shown, f"{where}.link")
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
    listed = _objects(metrics, shown, "quantitative_analysis.performance_metrics")
    for index, metric in enumerate(listed):
        where = f"quantitative_analysis.performance_metrics[{index}]"
        value = _number(metric.get("value"))
        kind = _text(metric.get("type"), shown, f"{where}.type")
        piece = _text(metric.get("slice"), shown, f"{where}.slice").strip()
        if value is None or not kind:
            read.keep(metric, "quantitative_analysis", f"performance_metrics[{index}]")
            continue
        reported: dict[str, Any] = {
            "metric": kind,
            "value": value,
            "source": f"Model Card Toolkit card {shown}",
        }
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
