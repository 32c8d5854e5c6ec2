"""A GenAI system's retrieval evaluation exists and was computed from the current inputs.

Rationale:
Retrieval metrics are evidence only for the labelled queries, the ranked results and the
settings they were computed from. ``cardgate evaluate-retrieval`` records the SHA-256 of
the query set, of the run (and of the baseline's run) and the canonical SHA-256 of the
card's ``genai.retrieval_evaluation`` settings; the gate computes them again. A new run,
relabelled queries or a changed cut-off without a new evaluation would let stale results
through.

Fails:
- the card has ``genai.retrieval_evaluation`` and ``retrieval.json`` does not exist;
- the query set, the run or the baseline's run changed since the artifact was written,
  or one of them no longer exists;
- the card's ``genai.retrieval_evaluation`` settings changed (settings digest).

Passes:
- the card evaluates no retrieval, or every recorded digest matches.

Remediation:
Run ``cardgate evaluate-retrieval SYSTEM`` and commit the artifact (then sign again).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.core.paths import PathEscapeError
from cardgate.core.problems import Severity
from cardgate.documents.signoffs import distinguished
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.retrieval import SECTION, read_retrieval

CODE = "GATE-RAG001"
NAME = "retrieval.evaluation-fresh"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.3", "MEASURE 2.13"]
ALIASES: list[str] = []
RELEASE_STRICT = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    if system is None or system.card is None:
        return
    read = read_retrieval(ctx.gate, system)
    if read is None:
        return
    hint = f"run: cardgate evaluate-retrieval {system.id}"
    if read.error == "does not exist":
        yield ctx.finding(
            system.card,
            f"the card evaluates retrieval, but '{read.relative}' does not exist",
            path=SECTION,
            key=True,
            hint=hint + " and commit the artifact",
        )
        return
    if read.artifact is None:
        return  # unreadable: GATE-ART001 reports it
    provenance = read.artifact.provenance
    settings = read.settings
    inputs: list[tuple[str, str, str, tuple[str, ...]]] = [
        ("queries", settings.queries, provenance.queries.sha256, (*SECTION, "queries")),
        ("run", settings.run, provenance.run.sha256, (*SECTION, "run")),
    ]
    if settings.baseline is not None:
        recorded = provenance.baseline_run.sha256 if provenance.baseline_run else "none"
        inputs.append(
            ("baseline run", settings.baseline.run, recorded, (*SECTION, "baseline", "run"))
        )
    for what, relative, recorded_digest, where in inputs:
        try:
            path = ctx.workspace.resolve(relative)
        except PathEscapeError as error:
            yield ctx.finding(system.card, f"{what} path {error}", path=where)
            continue
        if not path.is_file():
            yield ctx.finding(
                system.card,
                f"{what} file '{relative}' does not exist; the retrieval evaluation cannot be "
                "verified",
                path=where,
                hint=f"commit the file, or fix {'.'.join(str(p) for p in where)}",
            )
            continue
        now = file_sha256(path)
        if now != recorded_digest:
            was, is_now = distinguished(recorded_digest, now)
            yield ctx.finding(
                system.card,
                f"{read.relative} is stale: {what} '{relative}' changed since it was computed "
                f"(recorded {was}, now {is_now})",
                path=where,
                hint=hint,
            )
    digest = canonical_sha256(settings)
    if provenance.settings_sha256 != digest:
        was, is_now = distinguished(provenance.settings_sha256, digest)
        yield ctx.finding(
            system.card,
            f"{read.relative} is stale: the card's retrieval_evaluation settings changed since "
            f"it was computed (recorded {was}, now {is_now})",
            path=SECTION,
            key=True,
            hint=hint,
        )
