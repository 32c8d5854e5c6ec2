"""Hole 4: a workspace policy always starts from the baseline preset; loosening it is
explicit and reported on every run. Hole 12: waivers have limits set by the policy."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, build_workspace, cli, codes, gate, gate_json

WAIVER = (
    "kind: waivers\nschema_version: 1\nwaivers:\n"
    "  - rule: {rule}\n    system: " + SYSTEM + "\n    justification: Accepted.\n"
    "    approver: Risk Owner\n    expires: {expires}\n"
)


def test_a_policy_without_extends_is_not_weaker_than_no_policy(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "policy.yaml").write_text("kind: policy\nschema_version: 1\n")
    code, report = gate_json(root, "--release")
    assert code == 1
    assert "GATE-SO001" in codes(report)  # baseline's required sign-offs still apply


def test_loosening_a_baseline_floor_is_reported_every_run(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner"]})
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "tiers:\n  high:\n    required_signoffs: [owner]\n"
    )
    code, report = gate_json(root, "--release")
    assert code == 1
    loosened = [f for f in report["findings"] if f["code"] == "GATE-POL001"]  # type: ignore[union-attr]
    assert loosened and "legal" in loosened[0]["message"] and "risk" in loosened[0]["message"]
    assert loosened[0]["path"] == "policy.yaml"


def test_a_looser_threshold_option_is_a_loosening(tmp_path: Path) -> None:
    """GATE-FA003's options are floors too: a high tier that lets inconclusive results
    pass, or judges groups of 5 rows, is reported where the policy says so."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "tiers:\n  high:\n    rules:\n      GATE-FA003:\n"
        "        options: {inconclusive: warn, min_group_size: 5}\n"
    )
    _, report = gate_json(root)
    loosened = [f["message"] for f in report["findings"] if f["code"] == "GATE-POL001"]  # type: ignore[index]
    assert any(
        "rule GATE-FA003 (evaluation.thresholds-met) makes an inconclusive result 'warn' "
        "(baseline: 'block-if-evident')" in message
        for message in loosened
    ), loosened
    assert any("judges groups from 5 rows (baseline: 30)" in message for message in loosened)
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "defaults:\n  rules:\n    GATE-FA003:\n      options: {inconclusive: block}\n"
    )
    _, report = gate_json(root)
    assert "GATE-POL001" not in codes(report)  # stricter than the baseline everywhere


def test_a_loosening_waived_by_a_named_approver_is_still_shown(tmp_path: Path) -> None:
    # written before the sign-offs: they cover the waivers and the policy of the system
    policy = "kind: policy\nschema_version: 1\nextends: baseline\n"
    policy += "tiers:\n  high:\n    max_review_age_days: 365\n"
    waivers = WAIVER.format(rule="GATE-POL001", expires="2027-01-31")
    root = build_workspace(
        tmp_path / "ws", {"edit": {"policy.yaml": policy, "waivers.yaml": waivers}}
    )
    code, report = gate_json(root, "--release")
    assert code == 0, report["findings"]
    assert "GATE-POL001" in codes(report, "waived")


def test_no_waiver_accepts_fewer_sign_offs_where_only_signed_ones_count(tmp_path: Path) -> None:
    """Dropping legal and risk from the high tier, with a waiver of the loosening and the
    owner's sign-off alone: still blocked — a line of waivers.yaml is no signed approval."""
    root = build_workspace(tmp_path / "ws", {"sign": ["owner"]})
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "tiers:\n  high:\n    required_signoffs: [owner]\n"
    )
    (root / "waivers.yaml").write_text(WAIVER.format(rule="GATE-POL001", expires="2027-01-31"))
    code, report = gate_json(root, "--release")
    assert code == 1
    assert "GATE-POL001" in codes(report) and "GATE-POL001" not in codes(report, "waived")


def test_a_waiver_without_end_is_refused(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "waivers.yaml").write_text(WAIVER.format(rule="GATE-MC002", expires="9999-12-31"))
    code, report = gate_json(root, "--release")
    assert code == 1
    messages = [f["message"] for f in report["findings"] if f["code"] == "GATE-WV001"]  # type: ignore[union-attr]
    assert any("days" in message for message in messages), messages


def test_the_policy_can_forbid_waiving_fairness_failures(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"artifact": {"value": 0.3, "ci": [0.2, 0.4]}})
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "defaults:\n  rules:\n    GATE-FA003: {waivable: false}\n"
    )
    (root / "waivers.yaml").write_text(WAIVER.format(rule="GATE-FA003", expires="2027-01-31"))
    code, report = gate_json(root, "--release")
    assert code == 1
    assert "GATE-FA003" in codes(report)
    assert "GATE-FA003" not in codes(report, "waived")
    assert "GATE-WV001" in codes(report)


def test_a_rule_keyed_twice_in_one_rules_mapping_is_a_configuration_error(
    tmp_path: Path,
) -> None:
    """'GATE-FA003: {waivable: false}' kept in sight and 'evaluation.thresholds-met:
        {waivable: true}' added below it: the later key won, the breach was waived, and the
        worked example's credit-default PASSED a plain gate under a policy that reads 'never
        waived'. Which of two settings of one rule applies must not depend on their order (the
    same code twice is a YAML duplicate key, CG008, already)."""
    root = build_workspace(tmp_path / "ws", {"artifact": {"value": 0.3, "ci": [0.2, 0.4]}})
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "defaults:\n  rules:\n    GATE-FA003: {waivable: false}\n"
        "    evaluation.thresholds-met: {waivable: true}\n"
    )
    (root / "waivers.yaml").write_text(WAIVER.format(rule="GATE-FA003", expires="2027-01-31"))
    code, out = gate(root)
    assert code == 2, out
    assert "policy.yaml:7:5" in out and "GATE-FA003" in out, out
    code, out = cli("validate", "-w", str(root))
    assert code == 1 and "policy.yaml:7:5" in out, out


def test_a_rule_set_in_defaults_and_again_for_a_tier_is_no_mistake(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "defaults:\n  rules:\n    GATE-FA003: {waivable: false}\n"
        "tiers:\n  high:\n    rules:\n      evaluation.thresholds-met: {level: error}\n"
    )
    code, _report = gate_json(root)
    assert code == 0


def test_the_worked_example_enforces_its_never_waive_fairness_rule() -> None:
    policy = Path(__file__).resolve().parents[2] / "governance" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert "waivable: false" in text and "GATE-FA003" in text


def test_a_waiver_for_another_system_does_not_match(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"artifact": {"value": 0.3, "ci": [0.2, 0.4]}})
    (root / "waivers.yaml").write_text(
        WAIVER.format(rule="GATE-FA003", expires="2027-01-31").replace(SYSTEM, "other-system")
    )
    code, report = gate_json(root, "--release")
    assert code == 1 and "GATE-FA003" in codes(report)
    assert codes(report, "waived") == []
