"""A GenAI system's generation scores were aggregated from the current score files.

Rationale:
Generation is judged outside cardgate — by ragas, deepeval, promptfoo, inspect_ai or
lm-evaluation-harness, with a judge model the card names (``judged_by``) — and cardgate
aggregates the per-sample scores they write. ``cardgate evaluate-generation`` records the
SHA-256 of every score file and the canonical SHA-256 of the card's
``genai.generation_evaluation`` settings; the gate computes them again, so a re-judged
run or a changed threshold without a new aggregation cannot pass.

Fails:
- the card has ``genai.generation_evaluation`` and ``generation.json`` does not exist;
- a score file (or a baseline's score file, ``baseline.sources``) changed since the
  artifact was written, or no longer exists;
- the card's ``genai.generation_evaluation`` settings changed (settings digest).

Passes:
- the card imports no generation scores, or every recorded digest matches.

Remediation:
Run ``cardgate evaluate-generation SYSTEM`` and commit the artifact (then sign again).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import GENERATION, read_generation
from cardgate.gate.genai_fresh import source_inputs, stale_findings
from cardgate.gate.result import Finding

CODE = "GATE-GEN001"
NAME = "generation.evidence-fresh"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.3", "MEASURE 2.13"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    read = read_generation(ctx.gate, system) if system is not None else None
    if read is not None:
        yield from stale_findings(ctx, read, GENERATION, source_inputs(read, GENERATION))
