"""The data check was computed from evidence the policy accepts for the system's tier.

Rationale:
cardgate checks a contract itself from the rows it reads and hashes. For data that lives
in a warehouse, a team runs the statistics query there (``cardgate sql DATASET
--data-check``) and commits its one-row result (the contract's ``format: statistics``):
every clause is still judged by cardgate, but that the statistics came from the real data
rests on the query that was run. The check records what the contract says of it
(``contract.computed_by``: engine, query file and its SHA-256, tables and their
versions, rows) and whether that query is exactly the one ``cardgate sql`` prints for
the contract. The levels are the evaluation's (GATE-FA006), weakest first: ``counts``
(statistics whose query is unknown or not the contract's), ``counts-with-query`` (the
contract's own query, recorded with the tables and versions it read), ``rows``. The
policy sets the lowest level it accepts per risk tier of the system whose card cites the
dataset (``min_evidence``; the baseline asks ``counts-with-query`` of high-risk systems).

Fails:
- a dataset of a high-risk system checked from statistics without ``computed_by``;
- ``computed_by.query`` names a query that is not the contract's (another table, a
  filter that drops rows, other columns);
- a ``data-check.json`` edited to record the rows for a contract of ``format:
  statistics``: the gate weighs what the contract says, never more.

Passes:
- the check read the rows; or its statistics are at least the level the policy sets for
  the tier.

Remediation:
Print the query with ``cardgate sql DATASET --data-check --table … --dialect …``, run it
unchanged, commit it and its result, record both under ``contract.computed_by`` (with the
table's version) and re-run ``cardgate check-data``; or check the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import ValidationError

from cardgate.core.problems import Severity
from cardgate.evidence.datacheck.artifact import DataRecord
from cardgate.gate.context import RuleContext
from cardgate.gate.datasets import checked_datasets
from cardgate.gate.result import Finding
from cardgate.gate.rules.evaluation_evidence import LEVELS, weighed
from cardgate.gate.rules.evaluation_evidence import Options as _EvidenceOptions

CODE = "GATE-DC005"
NAME = "data.evidence-accepted"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MAP 2.3"]
ALIASES: list[str] = []
NEEDS_CARD = True


class Options(_EvidenceOptions):
    """Options of GATE-DC005 (GATE-FA006's: the weakest evidence accepted)."""

    ARTIFACTS: ClassVar[str] = "data checks"


_WHAT = {
    "counts": "statistics computed elsewhere by a query not recorded as the contract's own",
    "counts-with-query": "statistics computed elsewhere by the contract's own query",
    "rows": "the rows",
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    found = ctx.options
    wanted = found.min_evidence if isinstance(found, Options) else Options().min_evidence
    for dataset in checked_datasets(ctx):
        if dataset.artifact is None:
            continue  # GATE-DC001, GATE-ART001
        try:
            record = DataRecord.model_validate(dataset.artifact.get("data"))
        except ValidationError:
            continue  # GATE-ART001
        level, claimed = weighed(
            record.evidence,
            computed_elsewhere=dataset.contract.format == "statistics",
            declared=dataset.contract.computed_by is not None,
            field="the datasheet's contract",
        )
        if LEVELS.index(level) >= LEVELS.index(wanted):
            continue
        computed = record.computed_by
        why = claimed or (
            f"; the query run ({computed.query}) is not what cardgate sql --data-check prints "
            "for the contract"
            if computed is not None and not computed.query_is_the_cards
            else ""
        )
        yield ctx.finding(
            dataset.sheet,
            f"{dataset.artifact_relative} is computed from {_WHAT[level]} (evidence "
            f"'{level}'){why}; the policy for risk tier '{ctx.settings.tier}' accepts "
            f"'{wanted}' or stronger",
            path=("contract",),
            key=True,
            hint=f"run the query cardgate sql {dataset.id} --data-check prints, unchanged, "
            "record it under contract.computed_by and re-run cardgate check-data; or check "
            "the rows",
        )
