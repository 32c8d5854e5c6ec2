"""The evaluation was computed from evidence the policy accepts for the system's tier.

Rationale:
cardgate computes an evaluation itself from the rows it reads and hashes — a predictions
file, or a DuckDB query over hashed inputs. For predictions that live in a warehouse, a
team runs the counts query there (``cardgate sql``) and commits the counts table
(``format: counts``): every number is still computed by cardgate, but that the counts
came from the real predictions rests on the query that was run. The evaluation records
what the card says of it (``predictions.computed_by``: engine, query file and its
SHA-256, tables and their versions, rows) and whether that query is exactly the one
``cardgate sql`` prints for the card. Three levels, weakest first: ``counts`` (a counts
table, its query unknown or not the card's), ``counts-with-query`` (the card's own query,
recorded with the tables and versions it read), ``rows``. The policy sets the lowest level
it accepts per risk tier (``min_evidence``; the baseline asks ``counts-with-query`` of
high-risk systems); a lower one is a finding.

Fails:
- a high-risk system evaluated from a counts table without ``computed_by``;
- ``computed_by.query`` names a query that is not the card's (another table, a filter
  that drops rows, other columns);
- an ``evaluation.json`` edited to record ``format: rows`` for a card whose predictions
  are ``format: counts``: the gate weighs what the card says, never more.

Passes:
- the evaluation read the rows; or its counts table is at least the level the policy
  sets for the tier.

Remediation:
Print the query with ``cardgate sql SYSTEM --table … --dialect …``, run it unchanged,
commit it and the counts table, record both under ``evaluation.predictions.computed_by``
(with the table's version) and re-run ``cardgate evaluate``; or evaluate from the rows.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from cardgate.core.problems import Severity
from cardgate.documents.schemas.evaluation import EvidenceLevel
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-FA006"
NAME = "evaluation.evidence-accepted"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.13"]
ALIASES: list[str] = []
NEEDS_CARD = True

LEVELS: tuple[EvidenceLevel, ...] = typing.get_args(EvidenceLevel)  # weakest first


class Options(BaseModel):
    """Options of GATE-FA006."""

    model_config = ConfigDict(extra="forbid")

    ARTIFACTS: ClassVar[str] = "evaluations"
    """What the rule weighs, in the loosening's words (GATE-DC005: data checks)."""

    min_evidence: EvidenceLevel = "counts"
    """The weakest evidence the artifact may rest on: counts, counts-with-query or rows."""

    def looser_than(self, floor: BaseModel) -> list[tuple[str, str]]:
        """Where these options demand less than the baseline's `floor` (GATE-POL001)."""
        if not isinstance(floor, Options):
            return []
        if LEVELS.index(self.min_evidence) < LEVELS.index(floor.min_evidence):
            return [
                (
                    "min_evidence",
                    f"accepts {self.ARTIFACTS} from '{self.min_evidence}' "
                    f"(baseline: '{floor.min_evidence}')",
                )
            ]
        return []


def weighed(
    recorded: EvidenceLevel, *, computed_elsewhere: bool, declared: bool, field: str
) -> tuple[EvidenceLevel, str]:
    """The level the gate weighs: the artifact's `recorded` one, but no stronger than the
    document allows — a file computed elsewhere (`computed_elsewhere`, the document's
    `format`) is at most `counts-with-query`, and `counts` without a `computed_by`
    (`declared`). An artifact edited to claim more than its document says is weighed as
    the document says; the returned text says why (empty when the artifact agrees)."""
    if not computed_elsewhere:
        return recorded, ""
    most: EvidenceLevel = "counts-with-query" if declared else "counts"
    if LEVELS.index(recorded) <= LEVELS.index(most):
        return recorded, ""
    return most, f"; the artifact claims '{recorded}', but {field} says it was computed elsewhere"


_WHAT = {
    "counts": "a counts table computed elsewhere by a query that is not recorded as the card's own",
    "counts-with-query": "a counts table computed elsewhere by the card's own query",
    "rows": "the rows",
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or card.evaluation is None:
        return
    read = ctx.gate.artifact(system)
    if read is None or read.artifact is None:
        return  # GATE-FA001 reports it
    found = ctx.settings.options.get(CODE)
    wanted = found.min_evidence if isinstance(found, Options) else Options().min_evidence
    predictions = card.evaluation.predictions
    level, claimed = weighed(
        read.artifact.provenance.predictions.evidence,
        computed_elsewhere=predictions.format == "counts",
        declared=predictions.computed_by is not None,
        field="the card's evaluation.predictions",
    )
    if LEVELS.index(level) >= LEVELS.index(wanted):
        return
    computed = read.artifact.provenance.predictions.computed_by
    why = claimed or (
        f"; the query run ({computed.query}) is not what cardgate sql prints for the card"
        if computed is not None and not computed.query_is_the_cards
        else ""
    )
    yield ctx.finding(
        system.card,
        f"{read.relative} is computed from {_WHAT[level]} (evidence '{level}'){why}; "
        f"the policy for risk tier '{ctx.settings.tier}' accepts '{wanted}' or stronger",
        path=("evaluation", "predictions"),
        hint=f"run the query cardgate sql {system.id} prints, unchanged, record it under "
        "evaluation.predictions.computed_by and re-run cardgate evaluate; or evaluate "
        "from the rows",
    )
