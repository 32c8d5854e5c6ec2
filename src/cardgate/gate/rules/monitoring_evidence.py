"""The monitoring record's reference profile and windows rest on evidence the policy accepts.

Rationale:
Every window of ``monitoring.json`` is compared with a reference profile. cardgate
profiles a file itself and records its SHA-256; a table of Spark's catalog (``cardgate
profile SUBJECT --engine spark --table NAME``) it cannot hash, so that profile records
instead what it was computed from — the engine, the table (and the version its document
declares), the file of the queries Spark ran and its SHA-256, the rows — and the evidence
level ``counts-with-query``: that it describes the table rests on those queries having been
run on it, and ``gate --release`` cannot read the table again (it measures the windows
again against the profile as recorded). A window measured by Spark from a catalog table
(``cardgate monitor SYSTEM --engine spark --table NAME --end DATE``) records the same in
place of its data file, and ``gate --release`` cannot measure it again either. The levels
are the evaluation's (GATE-FA006), weakest first: ``counts`` (a reference that records
neither a hashed file nor its computation), ``counts-with-query``, ``rows`` (a query file
that changed or is gone is GATE-MON003's, at every tier); the weakest level of the
reference and the windows decides. The policy sets the lowest level it accepts per risk
tier (``min_evidence``; the baseline asks ``counts-with-query`` of high-risk systems, as
for evaluations and data checks).

Fails:
- a high-risk system monitored against a reference whose ``reference`` records no source
  file and no ``computed_by``;
- a record edited to claim ``rows`` for a table's profile or window: it is weighed as its
  ``computed_by`` says, never more;
- a table's profile or window where the policy asks ``rows`` for the tier.

Passes:
- no ``monitoring.json``; a reference profiled and windows monitored from files; or a
  table's profile or window where the policy accepts ``counts-with-query``.

Remediation:
Profile the reference from its rows (``cardgate profile SYSTEM --data FILE``), monitor
the windows from theirs (``cardgate monitor SYSTEM --window FILE``) in a new monitoring
record; or have the policy accept ``counts-with-query`` for the tier.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from cardgate.core.problems import Severity
from cardgate.documents.schemas.evaluation import EvidenceLevel
from cardgate.evidence.monitoring.artifact import ReferenceRecord
from cardgate.gate.context import RuleContext
from cardgate.gate.monitoring import monitoring_record
from cardgate.gate.result import Finding
from cardgate.gate.rules.evaluation_evidence import LEVELS, weighed
from cardgate.gate.rules.evaluation_evidence import Options as _EvidenceOptions

CODE = "GATE-MON004"
NAME = "monitoring.evidence-accepted"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.4", "MEASURE 2.1"]
ALIASES: list[str] = []
NEEDS_CARD = True


class Options(_EvidenceOptions):
    """Options of GATE-MON004 (GATE-FA006's: the weakest evidence accepted)."""

    ARTIFACTS: ClassVar[str] = "reference profiles and windows"


_WHAT = {
    "counts": "reference profile that records no hashed file and no computation it can rest on",
    "counts-with-query": "reference profile computed from a table cardgate could not hash",
    "rows": "reference profile of files cardgate hashed",
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None:
        return
    read = monitoring_record(ctx, system)
    if read.artifact is None:
        return  # GATE-MON003 reports an unusable record
    found = ctx.options
    wanted = found.min_evidence if isinstance(found, Options) else Options().min_evidence
    reference = read.artifact.reference
    level, why = reference_level(reference)
    weakest = (level, f"a {_WHAT[level]} ({reference.profile}, evidence '{level}'){why}")
    for window in read.artifact.windows:
        if window.computed_by is None:
            continue  # a file cardgate hashed: rows
        table = window.computed_by.tables[0].name
        level, why = weighed(
            window.evidence or "counts",
            computed_elsewhere=True,
            declared=True,
            field="its computed_by",
        )
        if LEVELS.index(level) < LEVELS.index(weakest[0]):
            weakest = (
                level,
                f"a window measured from a table cardgate could not hash ('{window.id}', from "
                f"{table}, evidence '{level}'){why}",
            )
    level, what = weakest
    if LEVELS.index(level) >= LEVELS.index(wanted):
        return
    yield ctx.finding(
        system.card,
        f"{read.relative} rests on {what}; the policy for risk tier '{ctx.settings.tier}' "
        f"accepts '{wanted}' or stronger",
        path=("monitoring",),
        key=True,
        hint=f"profile the reference and monitor the windows from their rows (cardgate "
        f"profile {system.id} --data FILE; cardgate monitor {system.id} --window FILE) in a "
        "new monitoring record",
    )


def reference_level(reference: ReferenceRecord) -> tuple[EvidenceLevel, str]:
    """The level the gate weighs for `reference` and why it is lower than recorded (empty
    when it is not): a table's profile no more than its `computed_by` allows (its query
    file, changed or gone, is GATE-MON003's)."""
    computed = reference.computed_by
    if computed is None:
        if reference.sources:
            return "rows", ""
        return "counts", ""
    return weighed(
        reference.evidence or "counts",
        computed_elsewhere=True,
        declared=True,
        field="its computed_by",
    )
