"""What the bill-of-materials exporters (CycloneDX, SPDX) and Croissant share.

Identifiers derived from content (never random, never the clock), the evaluation
artifact's results as flat rows (one per metric and slice), and the text of a number as
the artifact holds it. Pure functions; no numpy, no pandas.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cardgate.core.digests import canonical_bytes
from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.schemas.dataset_ref import DatasetRef
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.provenance import Licence
from cardgate.documents.workspace import Workspace
from cardgate.evidence.evaluation.artifact import EvaluationArtifact, Interval
from cardgate.interop.source import DatasetSource, SystemSource

CARDGATE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "cardgate")
"""The namespace of the name-based (version 5) UUIDs cardgate derives from content."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
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


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without the keys whose value is None or empty (the formats omit them)."""
    return {key: value for key, value in data.items() if value not in (None, [], {}, "")}


def content_uuid(data: Any) -> uuid.UUID:
    """A UUID that names `data` (any JSON value): the same content, the same UUID."""
    digest = hashlib.sha256(canonical_bytes(data)).hexdigest()
    return uuid.uuid5(CARDGATE_NAMESPACE, digest)


def number_text(value: float | int) -> str:
    """A number as text: the shortest form that reads back as the same float."""
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def iri(text: str) -> str:
    """A workspace path or a URL as an IRI reference: characters an IRI may not hold
    percent-encoded (escapes already there kept), one `#` for the fragment, and a first
    segment with a colon that is no scheme made relative (`./`)."""
    base, hash_sign, fragment = text.partition("#")
    out = quote(_LONE_PERCENT.sub("%25", base), safe=_KEPT)
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


def metric_rows(artifact: EvaluationArtifact) -> Iterator[MetricRow]:
    """Every defined result of the artifact, in its order: overall metrics, then each
    feature's groups, then its disparities. Undefined results (no value) are left out."""
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
