"""Every retrieval threshold of a GenAI card is met, as the one decider judges it.

Rationale:
A RAG system's answers are only as good as what it retrieves. The card's
``genai.retrieval_evaluation.thresholds`` set limits on recall, precision, MRR, nDCG and
hit rate at k — overall, per slice (query category, language, user segment), or on the
spread between slices. Each is decided like a fairness threshold
(``evidence.evaluation.decide``): ``within`` passes, ``beyond`` blocks (a spread only
when it is also beyond the noise floor of its permutation test), ``inconclusive`` (the
bootstrap interval straddles the limit, or the slice has fewer queries than the minimum
group size) does what the stricter of the card and GATE-FA003's policy options say.

Fails:
- ``ndcg`` at least 0.6, and the whole 95% interval of the overall nDCG@10 is below 0.6;
- a threshold the artifact has no record of (the artifact is older than the threshold),
  or a recorded state its own numbers contradict (a hand edit).

Passes:
- every target of every threshold is within its limits, or inconclusive where the
  policy lets it pass or warn.

Remediation:
Improve retrieval (chunking, embeddings, re-ranking, the index's settings) and evaluate
again; for an inconclusive result, label more queries in the slice.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import RETRIEVAL, read_retrieval, threshold_findings
from cardgate.gate.result import Finding

CODE = "GATE-RAG002"
NAME = "retrieval.thresholds-met"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.3", "MEASURE 2.5", "MEASURE 2.11"]
ALIASES: list[str] = []
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    read = read_retrieval(ctx.gate, system) if system is not None else None
    if read is None or read.artifact is None:
        return  # GATE-RAG001 / GATE-ART001 report it
    advice = "improve retrieval, or label more queries"
    yield from threshold_findings(ctx, read, RETRIEVAL, advice)
