"""What a gate run found: findings, waived findings, per-system verdicts.

The engine returns one `GateResult`; reporters only render it. Paths in findings are
workspace-relative POSIX paths (stable whatever the current directory); reporters show
them relative to the current directory with `GateResult.shown`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cardgate.core.paths import display_path
from cardgate.core.problems import Severity
from cardgate.evidence.evaluation.decide import ThresholdVerdicts

WORKSPACE = ""
"""The `system` of a finding about the workspace as a whole (policy, waivers, datasets)."""


@dataclass(frozen=True)
class WaiverRef:
    """The waiver that turned a finding into `waived`."""

    index: int
    rule: str
    approver: str
    expires: dt.date
    justification: str


@dataclass(frozen=True, order=True)
class Finding:
    """One thing the gate found, at one place, under one rule.

    Ordered like compiler output: by file, then position, then code.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    system: str = WORKSPACE
    name: str = field(default="", compare=False)
    nist: tuple[str, ...] = field(default=(), compare=False)
    hint: str = field(default="", compare=False)
    location: str = field(default="", compare=False)
    """Dotted data path inside the document (``evaluation.thresholds.0``), when known."""
    waiver: WaiverRef | None = field(default=None, compare=False)
    waivable: bool = field(default=True, compare=False)
    """False for a finding no waiver may match, whatever its rule (a policy loosening of
    the sign-offs a tier needs: GATE-POL001)."""

    @property
    def blocking(self) -> bool:
        return self.waiver is None and self.severity is Severity.ERROR

    def order(self) -> tuple[str, int, int, str, str, int, str]:
        """The dataclass order as one tuple: a sort key 5x faster than pairwise ``<``."""
        return (
            self.path,
            self.line,
            self.column,
            self.code,
            self.message,
            self.severity,
            self.system,
        )


@dataclass(frozen=True)
class RuleRun:
    """A rule the gate ran (or skipped), with everything reporters say of it.

    Reporters describe rules from this record alone (never from the rule registry), so
    a result renders the same whichever rules produced it.
    """

    code: str
    name: str
    severity: Severity
    level: str
    """The level the policy gave the rule for high-risk (and unknown-tier) systems."""
    nist: tuple[str, ...]
    summary: str
    description: str
    help: str
    scope: str = "system"
    """system, workspace or waivers: where its findings belong."""
    aliases: tuple[str, ...] = ()
    help_uri: str = ""
    sections: tuple[tuple[str, str], ...] = ()
    """(Rationale, text), (Fails, text), …: its documentation."""
    levels: tuple[tuple[str, str], ...] = ()
    """(risk tier, level) for every tier: a rule off for one tier may block another."""
    waivable: bool = True
    integrity: bool = False

    def level_for(self, tier: str | None) -> str:
        """The level the policy gives the rule for systems of `tier` (None: unknown)."""
        return dict(self.levels).get(tier or "high", self.level)


@dataclass(frozen=True)
class SignoffVerdict:
    """Whether one sign-off counts, as GATE-SO001 and GATE-SO003 decided it (the one
    decider, `gate.signatures.signoff_checks`), for the reports and the site."""

    index: int
    """Its position in the system's signoffs.yaml (0-based)."""
    counts: bool
    problem: str
    """Why it does not count ('' when it does)."""
    signed: bool
    """It carries an SSH signature (verified when `counts`)."""
    signer: str
    """The principal of the key that signed ('' when unsigned)."""


@dataclass(frozen=True)
class SystemVerdict:
    """Whether one system may ship."""

    system: str
    risk_tier: str | None
    passed: bool
    errors: int
    warnings: int
    waived: int
    thresholds: tuple[ThresholdVerdicts, ...] = ()
    """The card's thresholds as GATE-FA003 decided them (empty without an artifact)."""
    signoffs: tuple[SignoffVerdict, ...] = ()
    """Each sign-off of signoffs.yaml and whether it counts (empty when there are none
    or they cannot be read)."""
    not_run: tuple[tuple[str, str], ...] = ()
    """(rule code, why) for each system rule the engine did not run on it, as
    `GateContext.not_run` decided: off in the policy, unchanged since --changed-since's
    ref, the model card missing or invalid. Reports show them as skipped, never passed."""
    unchanged: bool = False
    """--changed-since found it unchanged: only the time-based rules ran, and failed (it
    has a verdict only because they did)."""


@dataclass
class GateResult:
    """Everything a gate run produced."""

    root: Path
    release: bool
    strict: bool
    today: dt.date
    policy: str
    """Where the policy came from, e.g. 'policy.yaml (extends baseline)'."""
    pinned_by: str | None = None
    """What set `today` when it is not the system date (``--today``, CARDGATE_TODAY), shown
    beside every verdict: freshness and expiry were judged as of a chosen date."""
    policy_fallback: bool = False
    """Whether the workspace's policy could not be used and a stricter preset gated the
    systems in its place (the workspace itself fails on it)."""
    findings: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    rules: list[RuleRun] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    systems: list[SystemVerdict] = field(default_factory=list)
    skipped_systems: list[str] = field(default_factory=list)
    """Systems not gated because `--changed-since` found no change in them (only the
    time-based rules ran, and none of them failed: no verdict)."""
    unselected_systems: list[str] = field(default_factory=list)
    """Systems not gated because the run named others (`cardgate gate SYSTEM…`)."""
    changed_since: str | None = None
    """The git ref of `--changed-since`, when the run had one."""
    recomputed: bool = False
    """Whether computed artifacts were computed again and compared (GATE-ART001), as
    `gate --release` does, or read as committed."""

    @property
    def not_gated(self) -> list[str]:
        """Why systems were not gated, counted: ``["2 unchanged", "1 not named"]``."""
        reasons = [(self.skipped_systems, "unchanged"), (self.unselected_systems, "not named")]
        return [f"{len(systems)} {why}" for systems, why in reasons if systems]

    @property
    def unchanged_note(self) -> str:
        """What a verdict of a system `--changed-since` found unchanged rests on."""
        return f"unchanged since {self.changed_since}: only the time-based rules ran"

    def why_not_gated(self) -> dict[str, str]:
        """Each system not gated, in id order, and why: ``unchanged since REF (only the
        time-based rules ran, and passed)`` or ``not named in this run``."""
        since = f" since {self.changed_since}" if self.changed_since else ""
        reasons = {
            system: f"unchanged{since} (only the time-based rules ran, and passed)"
            for system in self.skipped_systems
        }
        reasons.update((system, "not named in this run") for system in self.unselected_systems)
        return dict(sorted(reasons.items()))

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def passed(self) -> bool:
        """No error (and, with `strict`, no warning) outside waivers."""
        if self.strict:
            return not self.findings
        return self.errors == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def mode(self) -> str:
        """'release' or 'draft': which strictness the verdict was reached with."""
        return "release" if self.release else "draft"

    @property
    def as_committed(self) -> str:
        """``artifacts as committed, not recomputed`` when the computed artifacts were read
        as committed, else empty: a verdict that trusted them (a hand-edited value, its
        digests recomputed, passes there) says so beside its mode, not only in JSON."""
        return "" if self.recomputed else "artifacts as committed, not recomputed"

    @property
    def judged_by(self) -> str:
        """The run that reached the verdict, in words an export can quote: only a release
        run that computed the artifacts again is what `cardgate gate --release` says (an
        export read as committed had named that command for a verdict it never reached)."""
        if not self.release:
            return "cardgate gate in draft mode"
        if self.recomputed:
            return "cardgate gate --release"
        return (
            "cardgate gate in release mode, its computed artifacts read as committed "
            "(cardgate gate --release also computes them again)"
        )

    def rule(self, code: str) -> RuleRun | None:
        for run in self.rules:
            if run.code == code:
                return run
        return None

    def shown(self, path: str) -> str:
        """A workspace-relative path as printed: relative to the current directory."""
        return display_path(self.root / path) if path else display_path(self.root)
