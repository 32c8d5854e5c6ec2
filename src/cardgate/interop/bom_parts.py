"""What the bill-of-materials exporters (CycloneDX, SPDX) and Croissant share.

Identifiers derived from content (never random, never the clock), the evaluation
artifact's results as flat rows (one per metric and slice), the text of a number as
the artifact holds it, the card's lineage (models and datasets named outside the
workspace, by Hub id, DOI or URL) and its reported results as one line of text each.
Pure functions; no numpy, no pandas.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, Literal
from urllib.parse import quote

from cardgate.core import indented_json
from cardgate.core.digests import canonical_bytes
from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.schemas.dataset_ref import DatasetRef
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.provenance import (
    DatasetLineage,
    DatasetRole,
    ExternalIds,
    Licence,
    ModelRef,
    ReportedResult,
)
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.artifact import DataCheckArtifact
from cardgate.evidence.evaluation.artifact import EvaluationArtifact, Interval
from cardgate.interop.source import DatasetSource, SystemSource

CARDGATE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "cardgate")
"""The namespace of the name-based (version 5) UUIDs cardgate derives from content."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_AUTHORITY = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$", re.DOTALL)
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_KEPT = "/:@!$&'()*+,;=~?%"
"""What an IRI reference may hold as it is (besides letters, digits and `_.-`)."""


def spdx_expression(licence: str | Licence | None) -> str | None:
    """The SPDX licence expression of a structured licence (checked against the SPDX
    License List when the document was validated); None for free text or a placeholder."""
    if not isinstance(licence, Licence) or licence.spdx is None:
        return None
    return None if is_placeholder_text(licence.spdx) else licence.spdx


def workspace_of(source: SystemSource | DatasetSource) -> Workspace:
    """The workspace a source record was read from (`source.export_source` gives every
    record its workspace; one built by hand without it cannot be exported here)."""
    if source.workspace is None:
        raise ValueError(f"the source record of '{source.id}' does not carry its workspace")
    return source.workspace


def data_file_sha256(sheet: Datasheet, check: DataCheckArtifact | None) -> str | None:
    """The SHA-256 an export states as the data file's: the datasheet's pin, else the
    data check's record — none for a Delta table, whose digest is cardgate's over every
    file of its folder (`delta_table`), not a file's hash a reader could verify."""
    if delta_table_of(check) is not None:
        return None
    return sheet.sha256 or (check.data.sha256 if check is not None else None)


def delta_table_of(check: DataCheckArtifact | None) -> str | None:
    """For data checked as a Delta table: the words that say so (its version and
    cardgate's digest of its folder), for an export's description; else None."""
    if check is None or check.data.format != "delta" or check.data.table is None:
        return None
    return (
        f"a Delta Lake table, checked at version {check.data.table.version}; cardgate's "
        f"SHA-256 over every file of its folder: {check.data.sha256}"
    )


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without the keys whose value is None or empty (the formats omit them)."""
    return {key: value for key, value in data.items() if value not in (None, [], {}, "")}


def content_uuid(data: Any) -> uuid.UUID:
    """A UUID that names `data` (any JSON value): the same content, the same UUID."""
    digest = hashlib.sha256(_canonical(data)).hexdigest()
    return uuid.uuid5(CARDGATE_NAMESPACE, digest)


def _canonical(data: Any) -> bytes:
    """`canonical_bytes(data)`; for an object, written member by member so that a member
    marked shared (`indented_json.shared`, a BOM's standards) is encoded once per run."""
    if type(data) is not dict or not all(type(key) is str for key in data):
        return canonical_bytes(data)
    members = []
    for key in sorted(data):
        value = data[key]
        encoded = indented_json.compact_shared(value)
        members.append(
            encode_basestring(key).encode("utf-8")
            + b":"
            + (encoded if encoded is not None else canonical_bytes(value))
        )
    return b"{" + b",".join(members) + b"}"


def number_text(value: float | int) -> str:
    """A number as text: the shortest form that reads back as the same float."""
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def _authority(text: str) -> str:
    """The authority of a URL (`user@host:port`) as an IRI holds it: an `@` in the user
    part and a colon of the host not before a port (digits) percent-encoded."""
    user, at, host = text.rpartition("@")
    name, colon, port = host.rpartition(":")
    if not colon or not port.isascii() or not (port.isdigit() or port == ""):
        name, colon, port = host, "", ""
    return (
        user.replace("@", "%40") + at + name.replace(":", "%3A").replace("@", "%40") + colon + port
    )


def iri(text: str) -> str:
    """A workspace path or a URL as an IRI reference: characters an IRI may not hold
    percent-encoded (escapes already there kept), one `#` for the fragment, a URL's
    authority made one (`_authority`), and a first segment with a colon that is no
    scheme made relative (`./`)."""
    base, hash_sign, fragment = text.partition("#")
    out = quote(_LONE_PERCENT.sub("%25", base), safe=_KEPT)
    url = _AUTHORITY.match(out)
    if url is not None:
        out = url.group(1) + _authority(url.group(2)) + url.group(3)
    if ":" in out.split("/", 1)[0] and not _SCHEME.match(out):
        out = "./" + out
    if hash_sign:
        out += "#" + quote(_LONE_PERCENT.sub("%25", fragment), safe=_KEPT)
    return out


def email_or_none(text: str | None) -> str | None:
    """`text` when it reads as one e-mail address (formats that check addresses refuse
    anything else), else None."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped if _EMAIL.match(stripped) else None


@dataclass(frozen=True)
class MetricRow:
    """One computed result of the evaluation artifact: a metric on a slice (None: all
    rows), its value, interval and the rows behind it."""

    metric: str
    slice: str | None
    value: float
    ci: Interval | None
    count: int | None
    kind: str
    """'overall', 'group' (one group of a feature) or 'disparity' (between a feature's
    groups)."""
    suppressed: bool = False
    """A group with fewer rows than min_group_size: reported, not compared."""


def group_slice(columns: list[str], feature: str, group: str) -> str:
    """The slice of one group, e.g. 'sex=Female' or 'sex=Female & race=Black'."""
    values = group.split(",")
    if len(columns) > 1 and len(values) == len(columns):
        return " & ".join(
            f"{column}={value}" for column, value in zip(columns, values, strict=True)
        )
    return f"{feature}={group}"


def metric_rows(artifact: EvaluationArtifact) -> tuple[MetricRow, ...]:
    """Every defined result of the artifact, in its order: overall metrics, then each
    feature's groups, then its disparities. Undefined results (no value) are left out.

    Worked out once per artifact (a frozen model: each system's CycloneDX BOM reads them
    twice and its SPDX document once)."""
    found = _ROWS.get(id(artifact))
    if found is None or found[0] is not artifact:
        if len(_ROWS) >= _ROWS_KEPT:
            del _ROWS[next(iter(_ROWS))]
        found = _ROWS[id(artifact)] = (artifact, tuple(_metric_rows(artifact)))
    return found[1]


_ROWS_KEPT = 4096
_ROWS: dict[int, tuple[EvaluationArtifact, tuple[MetricRow, ...]]] = {}


def _metric_rows(artifact: EvaluationArtifact) -> Iterator[MetricRow]:
    for name, estimate in artifact.overall.metrics.items():
        if estimate.value is not None:
            yield MetricRow(
                name, None, estimate.value, estimate.ci, artifact.overall.count, "overall"
            )
    for feature in artifact.features:
        for group in feature.groups:
            where = group_slice(feature.columns, feature.feature, group.group)
            for name, estimate in group.metrics.items():
                if estimate.value is not None:
                    yield MetricRow(
                        name,
                        where,
                        estimate.value,
                        estimate.ci,
                        group.count,
                        "group",
                        group.suppressed,
                    )
        for disparity in feature.disparities:
            if disparity.value is not None:
                yield MetricRow(
                    disparity.metric,
                    f"{feature.feature} ({', '.join(disparity.groups_compared)})",
                    disparity.value,
                    disparity.ci,
                    None,
                    "disparity",
                )


def dataset_uses(card: ModelCard) -> dict[str, list[tuple[str, DatasetRef]]]:
    """The card's dataset references by datasheet id, in first-mention order: each with
    the section naming it ('training_data' or 'evaluation_data')."""
    found: dict[str, list[tuple[str, DatasetRef]]] = {}
    for (section, _, _), ref in card.dataset_references():
        found.setdefault(ref.dataset, []).append((section, ref))
    return found


HUB = "https://huggingface.co/"
DOI_RESOLVER = "https://doi.org/"


@dataclass(frozen=True)
class Outside:
    """A model or dataset named outside the workspace: by a Hugging Face Hub id, a DOI or
    a URL."""

    scheme: Literal["hf", "doi", "url"]
    identifier: str
    """The Hub id, the DOI (without resolver) or the URL."""
    page: str
    """Where it can be read: its Hub page, the DOI resolved, or the URL (an IRI)."""
    name: str | None = None

    @property
    def label(self) -> str:
        """What it is called: its name, else its identifier (`hf:`/`doi:` before the id)."""
        return self.name or (self.identifier if self.scheme == "url" else self.key)

    @property
    def key(self) -> str:
        """The identifier with its scheme, e.g. `hf:org/model`, `doi:10.1/x`."""
        return f"{self.scheme}:{self.identifier}"


def outside_names(
    named: ModelRef | DatasetLineage | ExternalIds, *, dataset: bool
) -> list[Outside]:
    """Each external identifier `named` gives (a lineage entry gives one; a datasheet's
    `identifiers` up to three), placeholders left out."""

    def filled(value: str | None) -> str | None:
        return None if value is None or is_placeholder_text(value) else value

    name = filled(getattr(named, "name", None))
    found: list[Outside] = []
    if (hub := filled(named.hf)) is not None:
        page = f"{HUB}datasets/{hub}" if dataset else f"{HUB}{hub}"
        found.append(Outside("hf", hub, iri(page), name))
    if (doi := filled(named.doi)) is not None:
        found.append(Outside("doi", doi, iri(DOI_RESOLVER + doi), name))
    if (url := filled(named.url)) is not None:
        found.append(Outside("url", url, iri(url), name))
    return found


@dataclass(frozen=True)
class Lineage:
    """A card's lineage as the exporters use it."""

    base_models: tuple[tuple[Outside, str | None], ...]
    """Each base model, with how the model derives from it (`relation`), once each."""
    datasets: tuple[tuple[Outside, tuple[DatasetRole, ...]], ...]
    """Each dataset outside the workspace, with its roles, once each."""
    datasheets: tuple[tuple[str, tuple[DatasetRole, ...]], ...]
    """Each datasheet of the workspace the lineage names, with its roles."""


def lineage_of(card: ModelCard) -> Lineage:
    """The card's `lineage`, each model and dataset once (roles gathered), placeholders
    left out."""
    lineage = card.lineage
    models: dict[str, tuple[Outside, str | None]] = {}
    outside: dict[str, tuple[Outside, list[DatasetRole]]] = {}
    sheets: dict[str, list[DatasetRole]] = {}
    for model in lineage.base_models or () if lineage is not None else ():
        for named in outside_names(model, dataset=False):
            relation = model.relation
            kept = None if relation is None or is_placeholder_text(relation) else relation
            models.setdefault(named.key, (named, kept))
    for item in lineage.datasets or () if lineage is not None else ():
        if item.dataset is not None:
            if not is_placeholder_text(item.dataset):
                roles = sheets.setdefault(item.dataset, [])
                roles += [item.role] if item.role not in roles else []
            continue
        for named in outside_names(item, dataset=True):
            _, roles = outside.setdefault(named.key, (named, []))
            roles += [item.role] if item.role not in roles else []
    return Lineage(
        tuple(models.values()),
        tuple((named, tuple(roles)) for named, roles in outside.values()),
        tuple((sheet, tuple(roles)) for sheet, roles in sheets.items()),
    )


def reported_text(result: ReportedResult) -> str:
    """A reported result as one line, labelled as measured elsewhere, e.g. `Reported by
    Paper X (https://...), not computed by cardgate: accuracy = 0.91 (interval 0.9, 0.92);
    dataset: glue, split: test`."""
    measured = f"{result.metric} = {number_text(result.value)}"
    if result.ci is not None:
        measured += f" (interval {number_text(result.ci[0])}, {number_text(result.ci[1])})"
    where = "; ".join(
        f"{label}: {value}"
        for label, value in (
            ("dataset", result.dataset),
            ("split", result.split),
            ("slice", result.slice),
            ("task", result.task),
        )
        if value is not None and not is_placeholder_text(value)
    )
    source = result.source + (f" ({result.url})" if result.url else "")
    return f"Reported by {source}, not computed by cardgate: {measured}" + (
        f"; {where}" if where else ""
    )
