"""A GenAI system's safety rates were counted from the current judged red-team files.

Rationale:
Red-teaming and its judging happen outside cardgate — promptfoo, inspect_ai, deepeval or
ragas files of judged outcomes (a jailbreak succeeded, a harmful prompt was refused, a
toxic answer, a PII leak) — and ``cardgate evaluate-safety`` counts them as rates, each
mapped to a NIST AI 600-1 risk. It records the SHA-256 of every file and the canonical
SHA-256 of the card's ``genai.safety_evaluation`` settings; the gate computes them
again, so a re-judged run, a remapped risk or a changed limit without a new count cannot
pass.

Fails:
- the card has ``genai.safety_evaluation`` and ``safety.json`` does not exist;
- a judged file changed since the artifact was written, or no longer exists;
- the card's ``genai.safety_evaluation`` settings changed (settings digest).

Passes:
- the card counts no red-team outcomes, or every recorded digest matches.

Remediation:
Run ``cardgate evaluate-safety SYSTEM`` and commit the artifact (then sign again).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import SAFETY, read_safety
from cardgate.gate.genai_fresh import source_inputs, stale_findings
from cardgate.gate.result import Finding

CODE = "GATE-SAF001"
NAME = "safety.evidence-fresh"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.7", "MEASURE 2.13"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    read = read_safety(ctx.gate, system) if system is not None else None
    if read is not None:
        yield from stale_findings(ctx, read, SAFETY, source_inputs(read, SAFETY))
