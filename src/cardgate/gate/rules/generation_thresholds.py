"""Every generation-score threshold of a GenAI card is met, as the one decider judges it.

Rationale:
The card's ``genai.generation_evaluation.thresholds`` set limits on the scores the
evaluation tools wrote per sample (ragas' faithfulness, a promptfoo pass rate, an
inspect_ai scorer, an lm-evaluation-harness accuracy ...) — overall, per slice, on
the spread between slices, or on the change from the baseline configuration's scores on
the same samples (``<score>_change_from_baseline``, a paired interval). cardgate
aggregates them with intervals (docs/statistics.md) and decides each limit like a fairness
threshold (``evidence.evaluation.decide``): ``within`` passes, ``beyond`` blocks (a spread
only when it is also beyond the noise floor of its permutation test), ``inconclusive``
does what the stricter of the card and the policy's GATE-FA003 options say.

Fails:
- ``faithfulness`` at least 0.8, and the whole 95% interval of its mean is below 0.8;
- ``faithfulness_change_from_baseline`` at least -0.02 (no worse than the baseline beyond
  0.02), and the whole interval of the paired change is below -0.02;
- a threshold the artifact has no record of, or a recorded state its own numbers
  contradict (a hand edit).

Passes:
- every target of every threshold is within its limits, or inconclusive where the
  policy lets it pass or warn.

Remediation:
Improve the system (prompt, retrieval, model) and judge it again; for an inconclusive
result, judge more samples in the slice.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import GENERATION, read_generation, threshold_findings
from cardgate.gate.result import Finding

CODE = "GATE-GEN002"
NAME = "generation.thresholds-met"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.3", "MEASURE 2.5", "MEASURE 2.11"]
ALIASES: list[str] = []
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    read = read_generation(ctx.gate, system) if system is not None else None
    if read is None or read.artifact is None:
        return  # GATE-GEN001 / GATE-ART001 report it
    advice = "improve the prompt, retrieval or model, or judge more samples"
    yield from threshold_findings(ctx, read, GENERATION, advice)
