"""The verdicts pages show, as (state, text): the gate's per system, fairness, sign-offs."""

from __future__ import annotations

from cardgate.site.view_model import SignoffView, SiteModel, SystemView, Unavailable

VERDICT_ORDER = ("fail", "unknown", "waived", "pass")


# --- verdicts -----------------------------------------------------------------------------------


def gate_verdict(model: SiteModel, system: SystemView) -> tuple[str, str]:
    """('pass' | 'fail' | 'waived' | 'unknown', counts in words)."""
    verdict = model.gate.verdict(system.id)
    if verdict is None:
        reason = "not gated" if model.gate.result is not None else "gate not available"
        return "unknown", reason
    counts = _counts(verdict.errors, verdict.warnings, verdict.waived)
    if not verdict.passed:
        return "fail", counts
    return ("waived" if verdict.waived else "pass"), counts


def _counts(errors: int, warnings: int, waived: int) -> str:
    parts = [
        f"{number} {word}{'' if number == 1 else 's'}"
        for number, word in ((errors, "error"), (warnings, "warning"))
        if number
    ]
    if waived:
        parts.append(f"{waived} waived")
    return ", ".join(parts) or "no findings"


def fairness_verdict(model: SiteModel, system: SystemView) -> tuple[str, str]:
    """The thresholds as the gate decided them (the one decider's outcomes)."""
    evaluation = system.evaluation
    if isinstance(evaluation, Unavailable):
        return "not evaluated", evaluation.reason
    card = system.card
    if card is None or card.evaluation is None or not card.evaluation.thresholds:
        return "no thresholds", "no fairness thresholds are set"
    verdict = model.gate.verdict(system.id)
    if verdict is None:
        return "unknown", model.gate.reason or "not gated"
    decided = verdict.thresholds
    if not decided:
        return "unknown", "the gate did not decide the thresholds"
    blocked = [t for t in decided if t.outcome == "block"]
    warned = [t for t in decided if t.outcome == "warn"]
    if blocked:
        return "fail", f"{len(blocked)} of {len(decided)} thresholds not met"
    if warned:
        return "warning", f"{len(warned)} of {len(decided)} thresholds inconclusive"
    return "pass", f"all {len(decided)} thresholds met"


def latest_signoffs(system: SystemView) -> list[SignoffView]:
    """The latest sign-off per role, oldest role first."""
    if isinstance(system.signoffs, Unavailable):
        return []
    latest: dict[str, SignoffView] = {}
    for signoff in system.signoffs:
        latest[signoff.role] = signoff
    return sorted(latest.values(), key=lambda s: (s.date, s.role))
