"""Every operational threshold of a GenAI card is met, as the one decider judges it.

Rationale:
A GenAI system that answers well but too slowly, or at a cost per query the business
case does not carry, is not ready either. The card's
``genai.operations_evaluation.thresholds`` limit the latency quantiles (p50, p95, p99 in
milliseconds) and the mean cost per query (per 1,000 queries) of its run log, and their
change from the baseline configuration's log on the same queries. A latency quantile has
a distribution-free interval (two order statistics of its latencies), the cost and every
change a percentile-bootstrap one over the queries (paired for a change); each limit is
decided like every other threshold (``evidence.evaluation.decide``): ``within`` passes,
``beyond`` blocks, ``inconclusive`` (the interval straddles the limit, the log has fewer
queries than ``min_group_size``, or too few for the quantile's interval: 368 for a p99 at
95%) does what the stricter of the card and the policy's GATE-FA003 options say. A p95
of 2,400 ms does not pass ``max: 2500`` by its point value alone.

Fails:
- ``latency_p95_ms`` at most 2,500 and the whole 95% interval of the p95 is above it;
- ``cost_per_1k_queries_change_from_baseline`` at most 0 and the candidate costs more than
  the baseline on the same queries beyond its interval;
- a threshold the artifact has no record of, or a recorded state its own numbers
  contradict (a hand edit).

Passes:
- every threshold is within its limits, or inconclusive where the policy lets it pass or
  warn.

Remediation:
Make the system faster or cheaper (fewer or shorter passages, a smaller model, caching)
and log it again; for an inconclusive result, log more queries.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.genai import OPERATIONS, read_operations, threshold_findings
from cardgate.gate.result import Finding

CODE = "GATE-OPS002"
NAME = "operations.thresholds-met"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.3", "MEASURE 2.12", "MANAGE 2.2"]
ALIASES: list[str] = []
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    read = read_operations(ctx.gate, system) if system is not None else None
    if read is None or read.artifact is None:
        return  # GATE-OPS001 / GATE-ART001 report it
    advice = "make the system faster or cheaper, or log more queries"
    yield from threshold_findings(ctx, read, OPERATIONS, advice)
