"""What the freshness rules of a GenAI system's artifacts share (GATE-RAG001, GATE-GEN001,
GATE-SAF001, GATE-OPS001): a missing artifact, an input gone or changed since it was
computed (by SHA-256), and settings changed since (by their canonical digest)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.core.paths import PathEscapeError
from cardgate.documents.positions import DataPath
from cardgate.documents.signoffs import distinguished
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import EvidenceRead
from cardgate.gate.result import Finding

Input = tuple[str, str, str, DataPath]
"""(what, workspace-relative path, recorded SHA-256, where the card names it)."""


def stale_findings(
    ctx: RuleContext,
    read: EvidenceRead[Any, Any],
    section: DataPath,
    inputs: Sequence[Input],
) -> Iterator[Finding]:
    """The findings of a missing artifact, of inputs gone or changed since it was
    computed, and of settings changed since."""
    card = ctx.system.card if ctx.system is not None else None
    if card is None:
        return
    hint = f"run: {read.command}"
    if read.error == "does not exist":
        yield ctx.finding(
            card,
            f"the card names {section[-1]} settings, but '{read.relative}' does not exist",
            path=section,
            key=True,
            hint=hint + " and commit the artifact",
        )
        return
    if read.artifact is None:
        return  # unreadable: GATE-ART001 reports it
    for what, relative, recorded, where in inputs:
        try:
            path = ctx.workspace.resolve(relative)
        except PathEscapeError as error:
            yield ctx.finding(card, f"{what} path {error}", path=where)
            continue
        if not path.is_file():
            yield ctx.finding(
                card,
                f"{what} file '{relative}' does not exist; {read.relative} cannot be verified",
                path=where,
                hint="commit the file, or fix its path in the card",
            )
            continue
        now = file_sha256(path)
        if now != recorded:
            was, is_now = distinguished(recorded, now)
            yield ctx.finding(
                card,
                f"{read.relative} is stale: {what} '{relative}' changed since it was computed "
                f"(recorded {was}, now {is_now})",
                path=where,
                hint=hint,
            )
    digest = canonical_sha256(read.settings)
    recorded_settings = read.artifact.provenance.settings_sha256
    if recorded_settings != digest:
        was, is_now = distinguished(recorded_settings, digest)
        yield ctx.finding(
            card,
            f"{read.relative} is stale: the card's {section[-1]} settings changed since it "
            f"was computed (recorded {was}, now {is_now})",
            path=section,
            key=True,
            hint=hint,
        )


def source_inputs(read: EvidenceRead[Any, Any], section: DataPath) -> list[Input]:
    """The judged files a generation or safety artifact was aggregated from, with the
    digests it recorded (GATE-GEN001, GATE-SAF001)."""
    if read.artifact is None:
        return []
    recorded = [source.sha256 for source in read.artifact.provenance.sources]
    inputs: list[Input] = []
    for index, source in enumerate(read.settings.sources):
        digest = recorded[index] if index < len(recorded) else "none"
        where = (*section, "sources", index, "path")
        inputs.append((f"{source.tool} scores", source.path, digest, where))
    # a generation artifact compared with the baseline's scores: those files too (a card
    # that names a baseline the artifact lacks has other settings: reported as stale)
    settings = getattr(read.settings, "baseline", None)
    compared = getattr(read.artifact, "baseline", None)
    if settings is not None and compared is not None:
        digests = [source.sha256 for source in compared.sources]
        for index, source in enumerate(settings.sources):
            digest = digests[index] if index < len(digests) else "none"
            where = (*section, "baseline", "sources", index, "path")
            inputs.append((f"baseline's {source.tool} scores", source.path, digest, where))
    return inputs
