"""A card's limits are no looser than on --changed-since's ref: a loosening counts once merged.

Rationale:
The card's own limits are what the gate holds the evidence to: ``max: 0.10`` on
``demographic_parity_difference``, ``inconclusive: block``, the baseline's
``tolerance``. A pull request could raise the limit to ``0.35`` (or drop it, lower a
``min``, loosen ``inconclusive:``, raise ``min_group_size`` or a tolerance, or change
``bootstrap.confidence_level`` until a breach reads inconclusive, or the retrieval
cut-off ``k`` until a metric meets its limit, or read a failing group as missing),
re-run ``cardgate evaluate``, and pass: the new limit is decided, not the one reviewers
approved. Only the stale sign-offs said so, and a tier that counts unsigned sign-offs
lets anyone append one. As a signer added in the same change does not count and a
lowered risk tier or a loosened policy counts once merged (GATE-MC003, GATE-POL001),
each limit of the card on REF that the card here demands less of is an error no waiver
accepts (a waiver in the same change would accept it). The comparison
(`cardgate.gate.card_limits`) covers the thresholds of ``evaluation:`` and of the GenAI
sections (retrieval, generation, safety, operations), the baselines' tolerances
(``evaluation.baseline``, the retrieval baseline), each section's ``min_group_size`` and
what its limits measure (``bootstrap.confidence_level``, the retrieval ``k``, the
operations' token ``prices``), the
values ``evaluation.missing_values`` drops, what the limits are read from (the columns,
the positive label, a score file's scale: `cardgate.gate.card_readings`), the
monitoring plan (`cardgate.gate.plan_limits`), what the LL144 bias audit reads its
impact ratios from where the policy sets GATE-BA001's ``min_impact_ratio``
(`cardgate.gate.audit_limits`), the retrieval query set (no query of REF's dropped:
`cardgate.gate.query_set_limits`), the EU AI Act profile where the policy requires the AI
Act checklists of a high-risk system (`cardgate.gate.ai_act_limits`) and the data
contracts of the datasets the card names, GATE-DC003's limits
(`cardgate.gate.contract_limits`). The card on
REF is found as for its risk tier, under either name, in the system's folder or REF's
systems folder. Plain ``cardgate gate`` has no REF and reports nothing.

Fails:
- with ``--changed-since REF``: a threshold's ``max`` raised (``max: 0.1`` on REF,
  ``0.35`` here), a ``min`` lowered, a bound or the threshold removed, or narrowed to one
  feature where it applied to every one (or a feature it applied to dropped from
  ``sensitive_features``);
- the threshold's ``inconclusive:`` looser than on REF (``block`` to ``warn``, or
  removed: the policy's then applies);
- ``min_group_size`` raised (more groups left unjudged);
- ``bootstrap.confidence_level`` changed either way: raised (0.95 to 0.99), wider
  intervals read a breach as inconclusive (``roc_auc`` for a group 0.670, 95% CI
  0.495–0.809, beyond ``min: 0.82``, read 0.438–0.842 at 99%: a warning); lowered,
  narrower ones read a result that was inconclusive (blocking under ``inconclusive:
  block``) as within;
- the retrieval ``k`` changed either way (``recall`` at 10 results against a ``min`` set
  at 5: recall and hit rate only rise with ``k``; precision rises as it falls);
- an operations token price lowered (``input_per_1k_tokens: 0.5`` to ``0.25``: every
  query's cost from its tokens falls, and a ``cost_per_1k_queries`` limit breached at
  REF's prices is met; a price raised demands more and is no finding);
- a value ``evaluation.missing_values`` did not read as missing on REF (``['',
  Amer-Indian-Eskimo]``: that group's rows are dropped, and the group leaves every
  threshold on ``race``);
- what the limits are read from changed: ``label_column``, ``prediction_column`` or
  ``score_column`` naming another column (``label_column: observed``, a copy of the
  predictions: every error rate is 0), ``evaluation.predictions.query`` added or changed
  (a ``WHERE`` dropping the false positives), ``positive_label`` flipped (the false-positive
  rate becomes the false-negative rate; left out, it is 1 for 0/1 labels), or a judged
  score file's ``scale`` widened (``0`` to ``5`` for ragas' 0 to 1: scores the card on
  REF refused are averaged);
- the monitoring plan loosened: ``cadence`` loosened (``monthly`` to ``quarterly``: a
  latest window 61 days old meets it, GATE-MON001) or removed, or the system moved out of
  ``deployment``/``monitoring`` (the cadence applies no more); a drift threshold,
  ``tolerance`` or ``min_rows`` raised or ``fdr`` lowered (a breaching window monitored
  again breaches no more, GATE-MON002); the contract (``dataset``) or the reference data
  changed; the plan removed;
- the evaluation's baseline a worse model than on REF: a thresholded metric's value in
  ``evaluation.baseline.artifact`` worse than in REF's baseline, or missing (the card
  pointed at the candidate's own ``evaluation.json``, or a copy of it over the baseline:
  no regression is left to find, GATE-FA004; `cardgate.gate.baseline_limits`), or a
  GenAI section's baseline worse than the one its artifact recorded on REF (the
  retrieval baseline's ``metrics``, a ``<metric>_change_from_baseline`` threshold's
  metric; the artifact the card on REF names, read there, so that pointing ``artifact:``
  at a new file or an old one does not move the floor: `cardgate.gate.genai_baselines`);
- ``evaluation.baseline.tolerance`` or the retrieval baseline's ``tolerance`` raised, the
  baseline removed, or a metric dropped from the retrieval baseline's ``metrics``;
- where the policy sets GATE-BA001's ``min_impact_ratio``: the card's ``bias_audit:``
  reading the impact ratios otherwise than on REF (``unknown_values: [Black]`` added
  beside a ``Female × Black`` ratio under the minimum: those individuals leave every
  ratio; ``sex_column``, ``race_column`` or ``method`` changed;
  ``exclude_small_categories`` added; the section removed);
- where the policy requires the AI Act checklists (GATE-CK001's
  ``ai_act_provider_checklist``/``ai_act_deployer_checklist``, the
  ``eu-ai-act-high-risk`` preset): the card's ``ai_act:`` profile asking for fewer of
  them, or later, than on REF (the section removed, ``high_risk: false``, the provider or
  deployer role dropped, an Annex III point replaced by Annex I legislation whose
  obligations apply later under the policy's ``ai_act_schedule``);
- a query labelled in the retrieval query set the card on REF names that the query set
  here no longer has (the queries the system fails deleted from ``queries.jsonl`` and
  ``cardgate evaluate-retrieval`` run again: `cardgate.gate.query_set_limits`);
- the data contract of a dataset the card names demanding less than on REF
  (`cardgate.gate.contract_limits`): ``allowed_values`` widened (``[F, M]`` to ``[F, M,
  X]`` beside rows of ``X``), a column's ``min`` lowered, ``max`` raised or removed,
  ``max_null_rate`` raised, ``nullable``, ``unique`` or ``pattern`` given up, its type
  changed or the column dropped; ``allow_extra_columns``, ``min_rows``/``max_rows`` or
  ``freshness`` loosened (a dataset new since REF sets its first contract);
- a system new since REF, in a change that removes systems (its folder may be a removed
  one renamed), demanding less than the removed systems' cards did;
- a system new since REF whose id had a card earlier in REF's history (its folder
  deleted by a change merged before) demanding less than that card did before;
- a system new since REF evaluating the outputs of a system on REF (the same predictions
  file, retrieval run, judged score files or run log, or files with the same bytes: a
  system folder copied under a new id) demanding less than that system's card.

Passes:
- without ``--changed-since``; every limit as on REF or stricter (a lower ``max``, a
  higher ``min``, a stricter action, a new threshold); a system new since REF in a
  change that removes none, evaluating outputs of its own (its first limits: the review
  of the change is the defence);
- (a warning) a card that does not validate on REF: none of its limits was in force
  there (the gate blocked the system), so there is nothing to compare with.

Remediation:
Restore REF's limit in this change, and propose the looser limit on its own, reviewed
and signed off; it applies once merged. Retire a system and add another in two changes.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.ai_act_limits import ROLES as AI_ACT_ROLES
from cardgate.gate.ai_act_limits import ai_act_loosened
from cardgate.gate.audit_limits import RULE as AUDIT_RULE
from cardgate.gate.audit_limits import audit_loosened
from cardgate.gate.baseline_limits import baseline_worsened, ref_baselines
from cardgate.gate.card_limits import Loosening, card_limits, loosenings
from cardgate.gate.context import RuleContext
from cardgate.gate.contract_limits import contract_loosenings, ref_contract
from cardgate.gate.datasets import checked_datasets
from cardgate.gate.genai_baselines import genai_baselines_worsened
from cardgate.gate.query_set_limits import queries_dropped
from cardgate.gate.ref_limits import base_limits
from cardgate.gate.result import Finding

CODE = "GATE-MC005"
NAME = "model-card.limits-kept"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.4", "MEASURE 2.11", "MEASURE 2.3"]
ALIASES: list[str] = []
WAIVABLE = False  # a waiver in the same change would accept the loosening
LOCKED = True  # nor may the policy lower it
NEEDS_CARD = True
CHECKLISTS_RULE = "GATE-CK001"
"""Whose options name the AI Act checklists the policy requires (`ai_act_limits`)."""


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card, ref = ctx.system, ctx.card, ctx.gate.base_ref
    base = ctx.gate.ref_cards()
    if system is None or card is None or ref is None or base is None:
        return
    floor = base_limits(ctx.workspace, system, base)
    for relative in floor.unreadable:
        yield ctx.finding(
            system.card,
            f"the model card {relative} does not validate on {ref}: none of its limits was in "
            "force there, and this card's are not compared with it",
            hint="review the limits this change sets as those of a new card",
            severity=Severity.WARNING,
        )
    removed = ", ".join(f"'{name}'" for name in floor.removed)
    limits = card_limits(card)
    found = loosenings(floor.cards, limits, ref)
    if _audit_held(ctx):
        changed = audit_loosened((there.audit for there in floor.cards), limits.audit, ref)
        found += [Loosening(path, message) for path, message in changed]
    options = ctx.settings.options.get(CHECKLISTS_RULE)
    checklists = {
        role: name
        for role in AI_ACT_ROLES
        if (name := getattr(options, f"ai_act_{role}_checklist", None))
    }
    lowered = ai_act_loosened(
        (there.ai_act for there in floor.cards),
        limits.ai_act,
        ref,
        checklists=checklists,
        schedule=getattr(options, "ai_act_schedule", None),
    )
    found += [Loosening(path, message) for path, message in lowered]
    dropped = queries_dropped(ctx.workspace, system, card, base)
    found += [Loosening(path, message) for path, message in dropped]
    baselines = ref_baselines(ctx.workspace, system, card, base)
    worsened = baseline_worsened(ctx.workspace, system, card, baselines, ref)
    worsened += genai_baselines_worsened(ctx.workspace, system, card, base)
    found += [Loosening(path, message) for path, message in worsened]
    for loosening in found:
        if floor.earlier is not None:
            yield ctx.finding(
                system.card,
                f"{floor.earlier.describe(ref)}: {loosening.message}",
                path=loosening.path,
                key=True,
                hint=f"add it with those limits ({floor.earlier.remedy}), then loosen them in "
                f"a change of its own, reviewed ({floor.earlier.keeps} keeps its limits until "
                "merged)",
                waivable=False,
            )
        elif removed:
            yield ctx.finding(
                system.card,
                f"new since {ref}, in a change that removes {removed}: {loosening.message}",
                path=loosening.path,
                key=True,
                hint=f"merge the removal of {removed} on its own, reviewed, before adding "
                "this system with lower limits (a renamed system keeps its limits until merged)",
                waivable=False,
            )
        else:
            yield ctx.finding(
                system.card,
                loosening.message,
                path=loosening.path,
                key=True,
                hint=f"restore the limit of {ref}: a loosened limit counts once merged, not in "
                "the change that loosens it",
                waivable=False,
            )
    yield from _contracts(ctx, ref)


def _audit_held(ctx: RuleContext) -> bool:
    """Whether the policy holds the system's LL144 impact ratios to a minimum (GATE-BA001
    on, with ``min_impact_ratio``): then what the card's audit reads them from is a limit."""
    if ctx.settings.levels.get(AUDIT_RULE) == "off":
        return False
    return getattr(ctx.settings.options.get(AUDIT_RULE), "min_impact_ratio", None) is not None


def _contracts(ctx: RuleContext, ref: str) -> Iterator[Finding]:
    """The contracts of the datasets the card names, against theirs on the ref
    (`cardgate.gate.contract_limits`)."""
    base = ctx.gate.ref_cards()
    assert base is not None
    for dataset in checked_datasets(ctx):
        if dataset.sheet.loaded is None:  # pragma: no cover - a contract was read from it
            continue
        relative = ctx.gate.relative(dataset.sheet.loaded.path)
        before = ref_contract(ctx.workspace, base, relative)
        if before is None:
            continue  # a dataset new since the ref: its first contract
        for path, what in contract_loosenings(before, dataset.contract, ref):
            yield ctx.finding(
                dataset.sheet,
                f"the contract of dataset '{dataset.id}' demands less than on {ref}: {what} "
                "(contract loosened)",
                path=path,
                key=True,
                hint=f"restore the contract of {ref}: a loosened contract counts once merged, "
                "not in the change that loosens it",
                waivable=False,
            )
