"""The verdicts pages show, as (state, text): the gate's per system, fairness, sign-offs.

The site decides nothing here. A system's verdict is the gate's `SystemVerdict`; its
thresholds are the one decider's verdicts (`cardgate.evidence.evaluation.decide`) that
the gate put in it, worded by `threshold_rows.threshold_words`.
"""

from __future__ import annotations

from cardgate.site.threshold_rows import SHAKY, threshold_words
from cardgate.site.view_model import SignoffView, SiteModel, SystemView, Unavailable

VERDICT_ORDER = ("fail", "unknown", "waived", "pass")
VERDICT_WORDS = {
    "fail": "Blocked: may not ship",
    "unknown": "No gate verdict",
    "waived": "May ship, under waivers",
    "pass": "May ship",
}

MODE_LINE = {
    "release": "Release mode: the gate as before a release, where every demand of the policy "
    "for the system's risk tier blocks; artifacts are read as committed (CI's "
    "cardgate gate --release also recomputes them).",
    "release, recomputed": "Release mode: the gate as before a release, where every demand "
    "of the policy for the system's risk tier blocks; every evaluation and data check was "
    "computed again from its inputs and compared with the committed artifact, as "
    "cardgate gate --release does.",
    "draft": "Draft mode: the gate as on every change, where incomplete drafts only warn.",
}
"""One line on what the gate's mode means, shown wherever its verdict is."""


# --- the gate's verdict -------------------------------------------------------------------------


def gate_verdict(model: SiteModel, system: SystemView) -> tuple[str, str]:
    """('pass' | 'fail' | 'waived' | 'unknown', counts in words)."""
    verdict = model.gate.verdict(system.id)
    if verdict is None:
        reason = "not gated" if model.gate.result is not None else "gate not available"
        return "unknown", reason
    counts = _counts(verdict.errors, verdict.warnings, verdict.waived)
    shared = model.gate.workspace_errors()
    if shared:  # the gate exits 1: no system ships, however clean its own documents
        counts += f"; {shared} workspace error{'' if shared == 1 else 's'} block every release"
    if not verdict.passed or shared:
        return "fail", counts
    return ("waived" if verdict.waived else "pass"), counts


def gate_mode(model: SiteModel) -> tuple[str, str]:
    """('release' | 'draft' | '', the one-line explanation) of the gate run shown: the
    gate's own `GateResult.mode`."""
    result = model.gate.result
    if result is None:
        return "", ""
    line = f"{result.mode}, recomputed" if result.recomputed else result.mode
    return result.mode, MODE_LINE.get(line, "")


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
    """The thresholds as the gate decided them (the one decider's outcomes), in one
    badge: fail, inconclusive passes ('passes, not conclusively'), pass."""
    evaluation, card = system.evaluation, system.card
    if card is not None and card.genai is not None and card.evaluation is None:
        return "not applicable", (
            "a GenAI system: its retrieval and generation evaluations are on its page"
        )
    if isinstance(evaluation, Unavailable):
        return "not evaluated", evaluation.reason
    if card is None or card.evaluation is None or not card.evaluation.thresholds:
        return "no thresholds", "no fairness thresholds are set"
    verdict = model.gate.verdict(system.id)
    if verdict is None:
        return "unknown", model.gate.reason or "not gated"
    decided = verdict.thresholds
    if not decided:
        return "unknown", "the gate did not decide the thresholds"
    blocked = [t for t in decided if t.outcome == "block"]
    shaky = [
        t
        for t in decided
        if t.outcome != "block"
        and any(threshold_words(v.state, v.outcome)[0] == "shaky" for v in t.verdicts)
    ]
    shaky_words = f"; {len(shaky)} {SHAKY}" if shaky else ""
    if blocked:
        return "fail", f"{len(blocked)} of {len(decided)} thresholds not met{shaky_words}"
    if shaky:
        return SHAKY, f"{len(decided)} thresholds met{shaky_words}"
    return "pass", f"all {len(decided)} thresholds met"


# --- sign-offs ----------------------------------------------------------------------------------


def latest_signoffs(system: SystemView) -> list[SignoffView]:
    """The latest sign-off per role, oldest role first."""
    if isinstance(system.signoffs, Unavailable):
        return []
    latest: dict[str, SignoffView] = {}
    for signoff in system.signoffs:
        latest[signoff.role] = signoff
    return sorted(latest.values(), key=lambda s: (s.date, s.role))
