"""The policy does not demand less of the system's risk tier than the baseline preset.

Rationale:
A workspace policy starts from the ``baseline`` preset and may tighten anything. It may
also loosen a baseline floor — drop a required sign-off role or checklist, lower a
coverage minimum, raise the review age or the longest waiver, lower a rule's level, make
a rule waivable that the baseline never waives — but never silently: each loosening is a
finding on every system of the tier it affects, at the line of the policy that sets it,
on every run and on the review site, until a named approver accepts it with a waiver
(which expires like any other).

Fails:
- ``tiers: {high: {required_signoffs: [owner]}}`` (baseline: owner, legal, risk);
- ``defaults: {rules: {GATE-FR001: {level: off}}}``;
- ``tiers: {high: {max_review_age_days: 400}}`` (baseline: 180);
- GATE-FA003's ``min_group_size`` set below or above the baseline's (above it, failing
  groups become inconclusive warnings); GATE-MC002's ``exempt`` on a tier where the
  baseline has it block;
- a rule option that asks less: GATE-FA003's ``inconclusive``, GATE-BA001's
  ``min_impact_ratio`` lowered or removed, GATE-CK001's ``ai_act_schedule`` set to a
  schedule that postpones AI Act obligations against the published one
  (``digital-omnibus-reported``), GATE-GAI001's ``required`` dropping an evaluation a
  GenAI system must have;

- with ``--changed-since REF``, a setting that demands less than the policy on REF
  (``GATE-FA003: {waivable: false}`` deleted from the workspace's policy beside a new
  waiver of a fairness breach): no waiver accepts it; like a signer added or a risk tier
  lowered in the same change, a loosening counts once merged (`cardgate.gate.policy_base`);

- a policy chosen for the run (``cardgate gate --policy PRESET|FILE``) that demands less
  than the workspace's own ``policy.yaml``: each loosening is reported against the
  baseline and against the workspace's policy, so ``--policy`` never silently bypasses a
  stricter policy. A preset goes under ``policy.yaml`` (its settings on top, as if it
  extended the preset): a setting of ``policy.yaml`` looser than the chosen preset is
  reported against the preset.

Passes:
- the policy only tightens the baseline, or every loosening is waived — except a loosening
  of the sign-offs a tier needs where the baseline counts only SSH-signed ones (``high``):
  dropping a required role, counting unsigned sign-offs, lowering or making waivable a
  sign-off rule. No waiver matches those: a line of ``waivers.yaml`` cannot stand in for
  signed approvals. A waiver of a loosening runs at most the baseline's
  ``max_waiver_days``, however far the policy raises it.

Remediation:
Restore the baseline's value, or record the exception in ``waivers.yaml`` (rule
GATE-POL001, the system, ``path`` the policy key) with its justification, approver and
expiry.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.policy import PolicyNote
from cardgate.gate.result import Finding

CODE = "GATE-POL001"
NAME = "policy.baseline-kept"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.3", "GOVERN 1.4"]
ALIASES: list[str] = []
LOCKED = True  # the policy cannot silence the report of its own loosenings
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.system is None or ctx.card is None:
        return
    for note in ctx.settings.loosened:
        restore = f"restore {note.against.split(' (')[0]}'s value"
        yield ctx.finding(
            note.loaded,
            f"the policy loosens {note.against} for '{ctx.system.id}': {note.message}",
            path=note.path,
            key=True,
            hint=_hint(note, restore),
            waivable=note.waivable,
        )


def _hint(note: PolicyNote, restore: str) -> str:
    if note.until_merged:
        return f"{restore}: a loosened policy counts once merged, not in the change that loosens it"
    if note.waivable:
        return f"{restore}, or have the loosening waived by a named approver (rule GATE-POL001)"
    return (
        f"{restore}: no waiver accepts fewer or unsigned sign-offs where the tier counts only "
        "SSH-signed ones"
    )
