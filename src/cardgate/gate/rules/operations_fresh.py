"""A GenAI system's operational metrics were aggregated from the current run logs.

Rationale:
Latency and cost per query are evidence only for the run log they were computed from.
``cardgate evaluate-operations`` records the SHA-256 of the run log (and of the baseline's
log) and the canonical SHA-256 of the card's ``genai.operations_evaluation`` settings
(prices included); the gate computes them again, so a new log, a changed price or a
loosened limit without a new aggregation cannot pass.

Fails:
- the card has ``genai.operations_evaluation`` and ``operations.json`` does not exist;
- the run log or the baseline's log changed since the artifact was written, or no longer
  exists;
- the card's ``genai.operations_evaluation`` settings changed (settings digest).

Passes:
- the card aggregates no run log, or every recorded digest matches.

Remediation:
Run ``cardgate evaluate-operations SYSTEM`` and commit the artifact (then sign again).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import OPERATIONS, read_operations
from cardgate.gate.genai_fresh import Input, stale_findings
from cardgate.gate.result import Finding

CODE = "GATE-OPS001"
NAME = "operations.evidence-fresh"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.13", "MANAGE 2.2"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    read = read_operations(ctx.gate, system) if system is not None else None
    if read is None:
        return
    inputs: list[Input] = []
    if read.artifact is not None:
        provenance, settings = read.artifact.provenance, read.settings
        inputs.append(("run log", settings.log, provenance.log.sha256, (*OPERATIONS, "log")))
        if settings.baseline_log is not None:
            recorded = provenance.baseline_log.sha256 if provenance.baseline_log else "none"
            where = (*OPERATIONS, "baseline_log")
            inputs.append(("baseline run log", settings.baseline_log, recorded, where))
    yield from stale_findings(ctx, read, OPERATIONS, inputs)
