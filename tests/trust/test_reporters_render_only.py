"""Hole 9 (reporters): reporters render the result object and look nothing up behind its
back; JUnit never shows a blocking rule as skipped; the verdict says its mode."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

from cardgate.gate.engine import run_gate
from cardgate.gate.rules import RULES
from cardgate.reporting.registry import REPORTERS

from .conftest import SYSTEM, TODAY, build_workspace, edit, gate


def test_junit_never_shows_a_blocking_rule_as_skipped(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                f"systems/{SYSTEM}/model-card.yaml": [
                    ["2026-10-01", "2025-01-01"],
                    ["risk_tier: high", "risk_tier: limited"],
                ]
            }
        },
    )
    # off for high-risk systems (the level a run records for unknown tiers), on for this one
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "tiers:\n  high:\n    rules:\n      GATE-FR001: {level: off}\n"
    )
    code, out = gate(root, "--release", "--format", "junit")
    assert code == 1
    tree = ET.fromstring(out.split("\n", 1)[1])
    cases = [c for c in tree.iter("testcase") if c.get("name", "").startswith("GATE-FR001")]
    mine = [c for c in cases if c.get("classname") == f"cardgate.{SYSTEM}"]
    assert mine and mine[0].find("failure") is not None
    assert mine[0].find("skipped") is None


def test_reporters_describe_rules_from_the_result_alone(tmp_path: Path) -> None:
    """A rule outside the registry (a plug-in, a test double) is described all the same."""
    root = build_workspace(tmp_path / "ws")
    base = next(rule for rule in RULES if rule.code == "GATE-MC002")
    extra = dataclasses.replace(base, code="GATE-XT001", name="extra.rule", aliases=())
    result = run_gate(root, release=True, today=TODAY, rules=(*RULES, extra))
    out = io.StringIO()
    REPORTERS["sarif"](result, out)
    described = [r["id"] for r in json.loads(out.getvalue())["runs"][0]["tool"]["driver"]["rules"]]
    assert "GATE-XT001" in described
    out = io.StringIO()
    REPORTERS["json"](result, out)
    rules = {r["code"]: r for r in json.loads(out.getvalue())["rules"]}
    assert rules["GATE-XT001"]["help_uri"]


def test_text_verdict_says_which_mode_it_shows(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    edit(root / f"systems/{SYSTEM}/model-card.yaml", ("2026-10-01", "2025-01-01"))
    _, draft = gate(root)
    _, release = gate(root, "--release")
    assert "draft mode" in draft and "release mode" in release


def test_a_verdict_on_artifacts_as_committed_says_so(tmp_path: Path) -> None:
    """Plain gate reads the computed artifacts as committed: an evaluation.json edited by
    hand (its digests recomputed) passes there. Its verdict said only "draft mode"; the
    text, GitHub and Markdown reports now say the artifacts were not recomputed."""
    root = build_workspace(tmp_path / "ws")
    _, draft = gate(root)
    assert draft.splitlines()[-1].endswith("; artifacts as committed, not recomputed; draft mode)")
    _, release = gate(root, "--release")
    assert release.splitlines()[-1].endswith("; release mode)"), release
    _, summary = gate(root, "--format", "markdown")
    assert "systems gated (draft mode, artifacts as committed, not recomputed, policy: " in summary
