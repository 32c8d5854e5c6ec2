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


def fairness_verdict(system: SystemView) -> tuple[str, str]:
    evaluation = system.evaluation
    if isinstance(evaluation, Unavailable):
        return "not evaluated", evaluation.reason
    thresholds = [t for t in evaluation.get("thresholds", []) if isinstance(t, dict)]
    if not thresholds:
        return "no thresholds", "no fairness thresholds are set"
    failed = [t for t in thresholds if not t.get("passed")]
    if failed:
        return "fail", f"{len(failed)} of {len(thresholds)} thresholds not met"
    return "pass", f"all {len(thresholds)} thresholds met"


def latest_signoffs(system: SystemView) -> list[SignoffView]:
    """The latest sign-off per role, oldest role first."""
    if isinstance(system.signoffs, Unavailable):
        return []
    latest: dict[str, SignoffView] = {}
    for signoff in system.signoffs:
        latest[signoff.role] = signoff
    return sorted(latest.values(), key=lambda s: (s.date, s.role))
