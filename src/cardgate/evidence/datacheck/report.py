"""Render a data check for people (text) or tools (JSON)."""

from __future__ import annotations

import json
from typing import TextIO

from cardgate.core.paths import display_path
from cardgate.core.text import visible
from cardgate.evidence.datacheck.run import DataCheckResult

ALIGN_WIDTH = 32
"""Violations are aligned on column names up to this long; a longer name is not padded
against (one 5,000-character name would pad every line)."""


def render_text(result: DataCheckResult, stream: TextIO) -> None:
    """A headline, one aligned line per violation, and where the artifact went."""
    rows = result.table.rows
    violations = result.violations
    if violations:
        count = len(violations)
        stream.write(
            f"{result.dataset}: {count} violation{'' if count == 1 else 's'} in {rows:,} rows\n"
        )
        labels = [visible(violation.column or "") for violation in violations]
        width = min(max(len(label) for label in labels), ALIGN_WIDTH)
        for label, violation in zip(labels, violations, strict=True):
            padded = label.ljust(width) + " " if width else ""
            stream.write(f"  {padded}{visible(violation.message)}\n")
    else:
        columns = len(result.table.columns)
        table = result.source.table
        version = f", Delta table version {table.version}" if table is not None else ""
        stream.write(
            f"{result.dataset}: contract met by {rows:,} rows, {columns} columns "
            f"({visible(result.source.display)}{version})\n"
        )
    if result.engine == "elsewhere":
        stream.write(
            f"  from statistics computed elsewhere ({visible(result.source.display)}): "
            f"evidence '{_evidence(result)}'; no example values\n"
        )
    if result.pinned is not None:
        kept = f": {display_path(result.committed)} is unchanged" if result.committed else ""
        stream.write(
            f"  {visible(result.source.display)} is not the data the datasheet pins "
            f"({visible(display_path(result.pinned))}){visible(kept)}\n"
        )
    if result.artifact_display is not None:
        stream.write(f"wrote {visible(result.artifact_display)}\n")
    else:
        stream.write("wrote nothing (to keep this check, give --out PATH)\n")


def _evidence(result: DataCheckResult) -> str:
    from cardgate.evidence.datacheck.artifact import DataRecord

    return DataRecord.model_validate(result.artifact["data"]).evidence


def render_json(result: DataCheckResult, stream: TextIO) -> None:
    """The artifact itself, plus where it was written (``artifact``: null when it was not,
    a check of data other than the pinned ``pinned_data``)."""
    payload = {**result.artifact, "artifact": result.artifact_display}
    if result.pinned is not None:
        payload["pinned_data"] = display_path(result.pinned)
    stream.write(json.dumps(payload, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
