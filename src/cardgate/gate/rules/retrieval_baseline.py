"""A candidate retrieval configuration is not worse than its baseline beyond the tolerance.

Rationale:
A team that starts with a simple baseline (BM25 over the corpus) and later swaps in a new
configuration (other chunking, embeddings, a re-ranker, a larger model) wants a clean
comparison on the same queries. The card names the baseline's run
(``genai.retrieval_evaluation.baseline``); ``cardgate evaluate-retrieval`` computes
candidate minus baseline per query and the interval of its mean on the same queries (the
gains and the losses, each a mean in [0, 1], combined with their correlation: it holds
where the two agree on most queries, as a paired bootstrap did not). The one decider
judges the difference against ``-tolerance``: ``beyond`` (the whole interval below it)
blocks; ``inconclusive`` does what the stricter of the card's ``inconclusive`` and the
policy says.

Fails:
- nDCG@10 of the candidate minus the baseline is -0.08 (95% CI -0.11 to -0.05) with
  tolerance 0.02;
- the artifact has no comparison for a metric the card compares.

Passes:
- the card names no baseline, or every compared metric's difference is within the
  tolerance (or inconclusive where the policy lets it pass or warn).

Remediation:
Keep the baseline (or fall back to it), or improve the candidate and evaluate again.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import RETRIEVAL, baseline_verdicts, read_retrieval
from cardgate.gate.result import Finding

CODE = "GATE-RAG003"
NAME = "retrieval.no-worse-than-baseline"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.3", "MEASURE 2.4", "MANAGE 4.2"]
ALIASES: list[str] = []
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    if system is None or system.card is None:
        return
    read = read_retrieval(ctx.gate, system)
    if read is None or read.artifact is None or read.settings.baseline is None:
        return
    where = (*RETRIEVAL, "baseline")
    for metric, verdict in baseline_verdicts(read, ctx.settings):
        if verdict is None:
            yield ctx.finding(
                system.card,
                f"{read.relative} has no comparison of {metric} with the baseline as the "
                "card states it",
                path=where,
                key=True,
                hint=f"run cardgate evaluate-retrieval {system.id}",
            )
        elif verdict.outcome != "pass":
            yield ctx.finding(
                system.card,
                f"against the baseline: {verdict.message}",
                path=where,
                key=True,
                hint="keep the baseline configuration, or improve the candidate and evaluate again",
                severity=Severity.WARNING if verdict.outcome == "warn" else None,
            )
