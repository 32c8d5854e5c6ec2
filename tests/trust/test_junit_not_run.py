"""JUnit never shows a rule that did not run as a passed testcase: with --changed-since,
an unchanged system that fails on the date has its other rules skipped ("unchanged since
REF"); systems not gated at all are skipped testcases with the reason; rules a missing or
invalid card stopped are skipped, the rules that ran without it are not."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

from cardgate.gate.rules import RULES
from cardgate.reporting.junit import NOT_GATED_SUITE

from .conftest import SYSTEM, build_workspace, edit, gate, gate_json, git

TIME_BASED = {rule.code for rule in RULES if rule.time_based}
SYSTEM_RULES = {rule.code for rule in RULES if rule.scope == "system"}


def _committed(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _suites(root: Path, *args: str) -> dict[str, ET.Element]:
    code, out = gate(root, "--format", "junit", *args)
    assert code in (0, 1), out
    return {suite.get("name", ""): suite for suite in ET.fromstring(out)}


def _cases(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", "").split()[0]: case for case in suite}


def test_an_unchanged_failing_system_shows_the_rules_that_did_not_run_as_skipped(
    tmp_path: Path,
) -> None:
    old_review = [["2026-10-01", "2025-01-01"]]
    root = _committed(
        build_workspace(
            tmp_path / "ws", {"edit": {f"systems/{SYSTEM}/model-card.yaml": old_review}}
        )
    )
    suite = _suites(root, "--release", "--changed-since", "HEAD")[SYSTEM]
    cases = _cases(suite)
    assert cases["GATE-FR001"].find("failure") is not None  # the time-based rule that failed
    for code in SYSTEM_RULES - TIME_BASED:
        skipped = cases[code].find("skipped")
        assert skipped is not None, f"{code} shown as passed though it did not run"
        assert skipped.get("message") == (
            "not run: unchanged since HEAD (only the time-based rules ran)"
        )
    assert int(suite.get("skipped", "0")) >= len(SYSTEM_RULES - TIME_BASED)
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    (verdict,) = report["systems"]  # type: ignore[misc]
    assert verdict["unchanged"] is True and not verdict["passed"]
    assert {item["code"] for item in verdict["not_run"]} >= SYSTEM_RULES - TIME_BASED
    assert report["changed_since"] == "HEAD"
    code, out = gate(root, "--release", "--changed-since", "HEAD")
    assert f"FAILED  {SYSTEM} (1 error) [unchanged since HEAD: only the time-based" in out
    code, out = gate(root, "--release", "--changed-since", "HEAD", "--format", "markdown")
    assert "❌ failed (unchanged since HEAD" in out  # (markdown_text escapes the colon)
    assert "only the time-based rules ran) |" in out


def test_systems_not_gated_are_skipped_testcases_with_the_reason(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    shutil.copytree(root / f"systems/{SYSTEM}", root / "systems/other")
    edit(root / "systems/other/signoffs.yaml", (f"system: {SYSTEM}", "system: other"))
    _committed(root)
    suites = _suites(root, "--changed-since", "HEAD", SYSTEM)
    assert SYSTEM not in suites and "other" not in suites
    cases = {case.get("name"): case for case in suites[NOT_GATED_SUITE]}
    unchanged = cases[SYSTEM].find("skipped")
    assert unchanged is not None and unchanged.get("message") == (
        "not gated: unchanged since HEAD (only the time-based rules ran, and passed)"
    )
    named = cases["other"].find("skipped")
    assert named is not None and named.get("message") == "not gated: not named in this run"
    _, report = gate_json(root, "--changed-since", "HEAD", SYSTEM)
    assert report["not_gated"] == {
        SYSTEM: "unchanged since HEAD (only the time-based rules ran, and passed)",
        "other": "not named in this run",
    }


def test_rules_an_invalid_card_stopped_are_skipped_not_passed(tmp_path: Path) -> None:
    typo = [["name: Loan approval\n", "name: Loan approval\nnmae: typo\n"]]
    root = build_workspace(
        tmp_path / "ws", {"edit_after": {f"systems/{SYSTEM}/model-card.yaml": typo}}
    )
    cases = _cases(_suites(root, "--release")[SYSTEM])
    for code in ("GATE-FA003", "GATE-MC001", "GATE-FR001", "GATE-ART001"):
        skipped = cases[code].find("skipped")
        assert skipped is not None, code
        assert skipped.get("message") == "not run: the model card does not validate (GATE-DOC003)"
    assert cases["GATE-DOC003"].find("failure") is not None
    assert cases["GATE-SO002"].find("failure") is not None  # it ran, and found the change
    assert cases["GATE-SO003"].find("skipped") is None  # it ran, and passed
