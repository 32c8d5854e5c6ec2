"""`run_gate`: load, resolve the policy, run every rule, apply waivers, decide.

The engine owns the run's order: workspace rules once, in registry order; then each gated
system's rules, in registry order (systems are independent of each other, so they are
shared among the CPUs by `fork_map`; findings are sorted at the end, so the result does
not depend on how); then waivers, then the rules that judge waivers. A rule that
raises becomes a GATE-INT001 finding naming it; the gate then fails. Severity of a
finding is the policy's level for its rule (``error``, ``warning``; ``off`` skips the
rule), lowered to a warning without ``--release`` for rules of draft completeness.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from cardgate.core.clock import pinned_by as date_pinned_by
from cardgate.core.clock import today as reference_date
from cardgate.core.errors import UsageError
from cardgate.core.gcpause import paused_collector
from cardgate.core.parallel import fork_map
from cardgate.core.problems import Severity
from cardgate.documents import parse_cache
from cardgate.documents.workspace import SystemDocs, Workspace, load_workspace
from cardgate.evidence.evaluation.decide import ThresholdVerdicts
from cardgate.gate import rules as registry
from cardgate.gate.changes import changed_systems, require_commit
from cardgate.gate.context import GateContext, RuleContext
from cardgate.gate.policy import ResolvedPolicy, choose_policy, resolve_policy
from cardgate.gate.policy_base import base_policy
from cardgate.gate.result import (
    WORKSPACE,
    Finding,
    GateResult,
    RuleRun,
    SignoffVerdict,
    SystemVerdict,
)
from cardgate.gate.rule import Rule
from cardgate.gate.rules import INTERNAL_ERROR, find_rule, selectors
from cardgate.gate.signatures import signoff_verdicts
from cardgate.gate.thresholds import reported_verdicts
from cardgate.gate.waivers import apply_waivers


def run_gate(
    workspace: Workspace | Path,
    *,
    release: bool,
    today: dt.date | None = None,
    strict: bool = False,
    changed_since: str | None = None,
    systems: Iterable[str] | None = None,
    rules: tuple[Rule, ...] | None = None,
    recompute: bool | None = None,
    policy: str | None = None,
    pinned_by: str | None = None,
) -> GateResult:
    """Gate the workspace (a loaded `Workspace` or its root folder).

    `release` applies release strictness; `strict` fails on warnings too; `changed_since`
    (a git ref) gates only systems whose files changed since, or all of them when the
    policy, waivers, configuration or shared checklists changed; `systems` limits the run
    to the named systems; `rules` defaults to the registry; `recompute` (default: as
    `release`) computes every computed artifact again and compares (GATE-ART001: it
    imports the evaluation and data-check engines); `policy` (a shipped preset's name or
    a policy file in the workspace) is used instead of the workspace's policy, its
    loosenings reported against the baseline and the workspace's policy (GATE-POL001).
    `pinned_by` names what chose `today` (``--today``; without `today`, CARDGATE_TODAY
    when it is set): the result shows it beside the verdicts.
    Raises `ConfigurationError` for an unusable policy, `UsageError` for an unknown one
    (exit 2).
    """
    # A release verdict never rests on the parse cache: every document parsed from its bytes.
    with paused_collector(), parse_cache.bypassed() if release else contextlib.nullcontext():
        return _run_gate(
            workspace,
            release=release,
            today=today,
            strict=strict,
            changed_since=changed_since,
            systems=systems,
            rules=rules,
            recompute=release if recompute is None else recompute,
            policy=policy,
            pinned_by=date_pinned_by() if today is None else pinned_by,
        )


def _run_gate(
    workspace: Workspace | Path,
    *,
    release: bool,
    today: dt.date | None,
    strict: bool,
    changed_since: str | None,
    systems: Iterable[str] | None,
    rules: tuple[Rule, ...] | None,
    recompute: bool,
    policy: str | None,
    pinned_by: str | None,
) -> GateResult:
    rules = registry.RULES if rules is None else rules
    loaded = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    choice = choose_policy(loaded, policy) if policy is not None else None
    if changed_since is not None:
        require_commit(loaded.root, changed_since)  # before the ref's policy is read
    base = base_policy(loaded, changed_since, rules) if changed_since is not None else None
    resolved = resolve_policy(loaded, rules, chosen=choice, base=base)
    chosen, dated = _chosen_systems(loaded, systems, changed_since)
    gate = GateContext(
        loaded,
        resolved,
        release,
        today if today is not None else reference_date(),
        rules=rules,
        selected=frozenset(chosen) | frozenset(dated),
        partial=frozenset(dated),
        recompute=recompute,
        base_ref=changed_since,
    )
    found: list[Finding] = []
    table = selectors(rules)
    runs = [_run_record(rule, resolved) for rule in rules]
    for rule in rules:  # first: they fill the context's workspace-wide memos for the rest
        if rule.scope == "workspace":
            found.extend(_run(gate, rule, None))
    # Unchanged systems (--changed-since) still meet the date: only the rules it can
    # change run on them (`GateContext.not_run` decides what runs where).
    per_system = [rule for rule in rules if rule.scope == "system"]

    def check_system(system_id: str) -> tuple[list[Finding], list[str], _Decided]:
        system = loaded.systems[system_id]
        findings = [finding for rule in per_system for finding in _run(gate, rule, system)]
        if system_id not in chosen:
            return findings, [], ((), ())
        decided = (reported_verdicts(gate, system), signoff_verdicts(gate, system))
        return findings, _system_documents(gate, system), decided

    documents: set[str] = set()
    thresholds: dict[str, _Decided] = {}
    # Systems are checked independently of each other: shared among the CPUs.
    everything = [*chosen, *dated]
    for system_id in chosen:  # each asks git once, before the workers copy the memo
        gate.tier(loaded.systems[system_id])
    for system_id, (findings, system_documents, decided) in zip(
        everything, fork_map(check_system, everything), strict=True
    ):
        found.extend(findings)
        documents.update(system_documents)
        thresholds[system_id] = decided
    found = [f for f in found if f.system == WORKSPACE or f.system in gate.selected]
    late = [rule for rule in rules if rule.scope == "waivers"]
    waivers = list(loaded.waivers.waivers) if loaded.waivers is not None else []
    active, waived, uses = apply_waivers(
        found, waivers, table, today=gate.today, settings=gate.waiver_settings
    )
    gate.waiver_uses = uses
    for rule in late:
        active.extend(_run(gate, rule, None))
    active.sort(key=Finding.order)
    waived.sort(key=Finding.order)
    result = GateResult(
        root=loaded.root,
        release=release,
        strict=strict,
        today=gate.today,
        pinned_by=pinned_by,
        policy=resolved.source,
        policy_fallback=resolved.fallback,
        findings=active,
        waived=waived,
        rules=runs,
        documents=sorted(documents | _workspace_documents(gate)),
        recomputed=recompute,
        changed_since=changed_since,
    )
    # An unchanged system gets a verdict only when the date alone made it fail: the rules
    # that did not run on it cannot make it pass.
    failing_dated = sorted(
        {f.system for f in active if f.system in dated and (f.severity is Severity.ERROR or strict)}
    )
    result.skipped_systems = sorted(set(dated) - set(failing_dated))
    result.unselected_systems = sorted(set(loaded.systems) - set(chosen) - set(dated))
    result.systems = _verdicts(
        gate, [*chosen, *failing_dated], active, waived, thresholds, strict=strict
    )
    return result


_Decided = tuple[tuple[ThresholdVerdicts, ...], tuple[SignoffVerdict, ...]]
"""What a system's verdict carries beside its findings: thresholds and sign-offs."""


def _run(gate: GateContext, rule: Rule, system: SystemDocs | None) -> Iterator[Finding]:
    if gate.not_run(rule, system) is not None:
        return
    settings = gate.settings(system)
    level_name = settings.level(rule)
    level = Severity.ERROR if level_name == "error" else Severity.WARNING
    if rule.release_strict and not gate.release:
        level = min(level, Severity.WARNING)
    ctx = RuleContext(gate, rule, system, settings, level)
    produced = rule.check(ctx)
    while True:
        try:
            finding = next(produced)
        except StopIteration:
            return
        except Exception as error:  # a bug in a rule must fail the gate, not crash it
            if os.environ.get("CARDGATE_DEBUG"):
                raise
            yield _crash(gate, rule, system, error)
            return
        if system is None and rule.scope == "workspace" and finding.system == WORKSPACE:
            owner = gate.system_of(finding.path)
            if owner != WORKSPACE:
                finding = _with_system(finding, owner)
        yield finding


def _with_system(finding: Finding, system: str) -> Finding:
    return dataclasses.replace(finding, system=system)


def _crash(gate: GateContext, rule: Rule, system: SystemDocs | None, error: Exception) -> Finding:
    internal = find_rule(INTERNAL_ERROR) or rule
    ctx = RuleContext(gate, internal, system, gate.policy.for_tier(None), Severity.ERROR)
    where = f" on system '{system.id}'" if system is not None else ""
    return ctx.finding(
        None,
        f"rule {rule.code} ({rule.name}) crashed{where}: {type(error).__name__}: {error}",
        hint="this is a bug in cardgate; rerun with CARDGATE_DEBUG=1 for the traceback "
        "and report it",
    )


def _run_record(rule: Rule, policy: ResolvedPolicy) -> RuleRun:
    return RuleRun(
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        level=policy.for_tier(None).level(rule),
        nist=rule.nist,
        summary=rule.summary,
        description=rule.description,
        help=rule.help,
        scope=rule.scope,
        aliases=rule.aliases,
        help_uri=rule.help_uri,
        sections=tuple(rule.sections().items()),
        levels=tuple((tier, settings.level(rule)) for tier, settings in policy.tiers.items()),
        waivable=rule.waivable,
        integrity=rule.integrity,
    )


def _chosen_systems(
    workspace: Workspace, systems: Iterable[str] | None, changed_since: str | None
) -> tuple[list[str], list[str]]:
    """(systems gated in full, systems gated only by the time-based rules).

    Without `changed_since` every selected system is gated in full. With it, a system is
    gated in full when a file it depends on changed; the others only meet the date.
    """
    chosen = sorted(workspace.systems)
    if systems is not None:
        wanted = list(systems)
        unknown = [name for name in wanted if name not in workspace.systems]
        if unknown:
            raise UsageError(
                f"unknown system '{unknown[0]}'",
                hint="systems: " + (", ".join(chosen) or "none"),
            )
        chosen = sorted(set(wanted))
    if changed_since is not None:
        changed = changed_systems(workspace, changed_since)
        if changed is not None:
            return [name for name in chosen if name in changed], [
                name for name in chosen if name not in changed
            ]
    return chosen, []


def _system_documents(gate: GateContext, system: SystemDocs) -> list[str]:
    """The documents a system's verdict rests on (what sign-offs bind, and the sign-offs)."""
    found = list(gate.digests(system))
    signoffs = gate.signoffs(system)
    if signoffs.exists:
        found.append(gate.relative(signoffs.path))
    return found


def _workspace_documents(gate: GateContext) -> set[str]:
    workspace = gate.workspace
    return {
        gate.relative(document.loaded.path)
        for document in (workspace.policy_doc, workspace.waivers_doc)
        if document is not None and document.loaded is not None
    }


def _verdicts(
    gate: GateContext,
    chosen: list[str],
    active: list[Finding],
    waived: list[Finding],
    decided: dict[str, _Decided],
    *,
    strict: bool,
) -> list[SystemVerdict]:
    by_system: dict[str, list[Finding]] = {}
    for finding in active:  # grouped once: findings x systems would be quadratic
        by_system.setdefault(finding.system, []).append(finding)
    waived_count: dict[str, int] = {}
    for finding in waived:
        waived_count[finding.system] = waived_count.get(finding.system, 0) + 1
    verdicts = []
    for system_id in chosen:
        mine = by_system.get(system_id, [])
        errors = sum(f.severity is Severity.ERROR for f in mine)
        warnings = len(mine) - errors
        system = gate.workspace.systems[system_id]
        not_run = tuple(
            (rule.code, why.message)
            for rule in gate.rules
            if rule.scope == "system" and (why := gate.not_run(rule, system)) is not None
        )
        verdicts.append(
            SystemVerdict(
                system=system_id,
                risk_tier=gate.tier(system).tier,
                passed=errors == 0 and not (strict and warnings),
                errors=errors,
                warnings=warnings,
                waived=waived_count.get(system_id, 0),
                thresholds=decided.get(system_id, ((), ()))[0],
                signoffs=decided.get(system_id, ((), ()))[1],
                not_run=not_run,
                unchanged=system_id in gate.partial,
            )
        )
    return verdicts
