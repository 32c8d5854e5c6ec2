"""`cardgate gate --policy PRESET|FILE`: a preset goes under the workspace's policy.yaml
(its settings on top; one looser than the preset is reported), a policy file replaces it;
a policy chosen for one run never silently bypasses the workspace's stricter policy.yaml
(every loosening is reported against the baseline and against the workspace's policy,
GATE-POL001); an unknown preset, a missing
file or one outside the workspace is exit 2; the eu-ai-act-high-risk preset asks a
high-risk provider for the eu-ai-act-provider checklist."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, build_workspace, codes, gate, gate_json

STRICTER = (
    "kind: policy\nschema_version: 1\nextends: baseline\n"
    "defaults:\n  rules:\n    GATE-FA003: {waivable: false}\n"
    "tiers:\n  high:\n    max_review_age_days: 30\n"
)
PROFILE = (
    "ai_act:\n  roles: [provider]\n  high_risk: true\n  annex_iii: 5(b)\n"
    "  reason: Creditworthiness.\n  general_purpose_model: false\n"
)


def _loosened(report: dict[str, object]) -> list[str]:
    found = report["findings"]
    assert isinstance(found, list)
    return [f["message"] for f in found if f["code"] == "GATE-POL001"]


def test_a_chosen_policy_looser_than_policy_yaml_is_reported(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "policy.yaml").write_text(STRICTER, encoding="utf-8")
    _, report = gate_json(root)
    assert _loosened(report) == []  # the workspace's own policy only tightens
    (root / "policies").mkdir()
    (root / "policies/plain.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n", encoding="utf-8"
    )
    code, report = gate_json(root, "--policy", str(root / "policies/plain.yaml"))
    assert code == 1
    messages = _loosened(report)
    assert any(
        "loosens the workspace's policy (policy.yaml (extends baseline))" in m
        and "max_review_age_days 180 > workspace policy 30" in m
        for m in messages
    ), messages
    assert any(
        "rule GATE-FA003" in m and "waivable (workspace policy: never" in m for m in messages
    )
    assert str(report["policy"]).endswith("plain.yaml (extends baseline; --policy)")


def test_a_chosen_preset_goes_under_the_workspaces_policy(tmp_path: Path) -> None:
    """`--policy PRESET` adds the preset's demands: the workspace's stricter settings stay
    (nothing to report), and a setting of policy.yaml looser than the preset is reported
    against the preset."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "policy.yaml").write_text(STRICTER, encoding="utf-8")
    code, report = gate_json(root, "--policy", "baseline")
    assert _loosened(report) == [], _loosened(report)
    assert report["policy"] == "policy.yaml (extends baseline) on top of preset baseline (--policy)"
    (root / "policy.yaml").write_text(
        STRICTER + "  limited:\n    max_review_age_days: 30\n", encoding="utf-8"
    )
    _, strict_report = gate_json(root, "--policy", "strict")
    assert _loosened(strict_report) == [], _loosened(strict_report)
    looser = STRICTER.replace(
        "    GATE-FA003: {waivable: false}\n",
        "    GATE-FA003: {waivable: false}\n    GATE-WV002: {level: warning}\n",
    )
    (root / "policy.yaml").write_text(looser, encoding="utf-8")
    _, report = gate_json(root)
    assert _loosened(report) == []  # no looser than the baseline
    code, report = gate_json(root, "--policy", "eu-ai-act-high-risk")
    messages = _loosened(report)
    assert code == 1
    assert any(
        "loosens the chosen preset eu-ai-act-high-risk" in m and "GATE-WV002" in m for m in messages
    ), messages
    found = report["findings"]
    assert isinstance(found, list)
    assert {f["path"] for f in found if f["code"] == "GATE-POL001"} == {"policy.yaml"}


def test_a_policy_file_in_the_workspace_is_used_and_judged(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "policy.yaml").write_text(STRICTER, encoding="utf-8")
    (root / "policies").mkdir()
    (root / "policies/trial.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: strict\n", encoding="utf-8"
    )
    _, report = gate_json(root, "--policy", str(root / "policies/trial.yaml"))
    assert str(report["policy"]).endswith("trial.yaml (extends strict; --policy)")
    messages = _loosened(report)
    # strict reviews within 90 days, not 30: looser than the workspace's policy
    assert any("max_review_age_days 90 > workspace policy 30" in m for m in messages), messages
    # strict is never looser than the baseline
    assert not any("loosens the baseline" in m for m in messages)


def test_no_policy_yaml_leaves_only_the_baseline_floor(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "policy.yaml").unlink(missing_ok=True)
    _, report = gate_json(root, "--policy", "strict")
    assert _loosened(report) == []


def test_unknown_missing_or_outside_policies_are_usage_errors(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    code, out = gate(root, "--policy", "stirct")
    assert code == 2 and "did you mean 'strict'?" in out, out
    code, out = gate(root, "--policy", str(root / "nowhere.yaml"))
    assert code == 2 and "neither a shipped preset nor a policy file" in out, out
    outside = tmp_path / "outside.yaml"
    outside.write_text("kind: policy\nschema_version: 1\nextends: baseline\n", encoding="utf-8")
    code, out = gate(root, "--policy", str(outside))
    assert code == 2 and "is outside the workspace" in out, out
    (root / "bad.yaml").write_text("kind: policy\nschema_version: 1\nextends: 3\n", "utf-8")
    code, out = gate(root, "--policy", str(root / "bad.yaml"))
    assert code == 2 and "bad.yaml:3:10: CG100" in out, out
    assert "Traceback" not in out


def test_the_eu_ai_act_preset_asks_a_high_risk_provider_for_its_checklist(
    tmp_path: Path,
) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    _, report = gate_json(root, "--policy", "eu-ai-act-high-risk")
    assert not any("eu-ai-act-provider" in m for m in _messages(report, "GATE-CK001"))
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(card.read_text(encoding="utf-8") + PROFILE, encoding="utf-8")
    _, report = gate_json(root, "--policy", "eu-ai-act-high-risk")
    assert any(
        "no answers to checklist 'eu-ai-act-provider'" in m for m in _messages(report, "GATE-CK001")
    ), report
    _, report = gate_json(root)  # the workspace's own policy does not ask for it
    assert "GATE-CK001" not in codes(report)


def _messages(report: dict[str, object], code: str) -> list[str]:
    found = report["findings"]
    assert isinstance(found, list)
    return [f["message"] for f in found if f["code"] == code]
