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

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import RETRIEVAL, read_retrieval
from cardgate.gate.genai_fresh import Input, stale_findings
from cardgate.gate.result import Finding

CODE = "GATE-RAG001"
NAME = "retrieval.evaluation-fresh"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.3", "MEASURE 2.13"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    read = read_retrieval(ctx.gate, system) if system is not None else None
    if read is None:
        return
    inputs: list[Input] = []
    if read.artifact is not None:
        provenance, settings = read.artifact.provenance, read.settings
        inputs += [
            ("queries", settings.queries, provenance.queries.sha256, (*RETRIEVAL, "queries")),
            ("run", settings.run, provenance.run.sha256, (*RETRIEVAL, "run")),
        ]
        if settings.baseline is not None:
            recorded = provenance.baseline_run.sha256 if provenance.baseline_run else "none"
            where = (*RETRIEVAL, "baseline", "run")
            inputs.append(("baseline run", settings.baseline.run, recorded, where))
    yield from stale_findings(ctx, read, RETRIEVAL, inputs)
