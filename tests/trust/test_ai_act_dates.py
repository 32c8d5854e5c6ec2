"""The AI Act's application dates in the policy: GATE-CK001's option ``ai_act_schedule``
(the eu-ai-act-high-risk preset: ``regulation-2024``) reports the AI Act checklist of a
high-risk system as not yet due, a note that does not block, before the date its
obligations apply on the gate's date (``--today``), and requires it from that date; the
dates come from checklists/frameworks/frameworks.yaml (the reported Digital Omnibus
schedule only when a policy chooses it); an unknown schedule is CG100 at its position."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, build_workspace, gate, gate_json

PROFILE = (
    "ai_act:\n  roles: [provider]\n  high_risk: true\n  annex_iii: 5(b)\n"
    "  reason: Creditworthiness.\n  general_purpose_model: false\n"
)
MISSING = "no answers to checklist 'eu-ai-act-provider'"


def _workspace(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(card.read_text(encoding="utf-8") + PROFILE, encoding="utf-8")
    return root


def _ck001(root: Path, *args: str) -> list[tuple[str, str]]:
    _, report = gate_json(root, *args)
    found = report["findings"]
    assert isinstance(found, list)
    return [(f["severity"], f["message"]) for f in found if f["code"] == "GATE-CK001"]


def _policy(root: Path, schedule: str) -> str:
    path = root / "policies" / "dated.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "kind: policy\nschema_version: 1\nextends: eu-ai-act-high-risk\n"
        f"defaults:\n  rules:\n    GATE-CK001:\n      options: {{ai_act_schedule: {schedule}}}\n",
        encoding="utf-8",
    )
    return str(path)


def test_the_preset_requires_the_checklist_from_the_published_application_date(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    before = _ck001(root, "--policy", "eu-ai-act-high-risk", "--today", "2026-08-01")
    assert before == [
        (
            "note",
            "checklist 'eu-ai-act-provider' is not yet due: the obligations of an Annex III "
            "high-risk system apply from 2026-08-02 under the policy's schedule "
            "'regulation-2024' (the gate's date: 2026-08-01)",
        )
    ], before
    on_the_day = _ck001(root, "--policy", "eu-ai-act-high-risk", "--today", "2026-08-02")
    # a blocking finding (a warning in draft mode, an error with --release), not a note
    assert [severity for severity, message in on_the_day if MISSING in message] == ["warning"]
    assert not any("not yet due" in message for _, message in on_the_day)


def test_a_policy_may_choose_the_reported_omnibus_schedule(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    policy = _policy(root, "digital-omnibus-reported")
    pending = _ck001(root, "--policy", policy, "--today", "2026-11-30")
    assert [severity for severity, _ in pending] == ["note"], pending
    assert (
        "apply from 2027-12-02 under the policy's schedule 'digital-omnibus-reported'"
        in (pending[0][1])
    )
    due = _ck001(root, "--policy", policy, "--today", "2027-12-02")
    assert any(MISSING in message for _, message in due), due


def test_not_yet_due_items_do_not_block(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / f"systems/{SYSTEM}/checklist-eu-ai-act.yaml").write_text(
        f"kind: checklist\nschema_version: 1\nsystem: {SYSTEM}\nchecklist: eu-ai-act-provider\n"
        "status: draft\nlast_reviewed: 2026-07-01\nitems:\n"
        "  AIV-02: {status: not-started, notes: integration note not written}\n",
        encoding="utf-8",
    )

    def ck004(today: str) -> list[str]:
        _, report = gate_json(root, "--policy", "eu-ai-act-high-risk", "--today", today)
        found = report["findings"]
        assert isinstance(found, list)
        return [
            f["message"]
            for f in found
            if f["code"] == "GATE-CK004" and "eu-ai-act-provider" in f["message"]
        ]

    assert ck004("2026-08-01") == []
    assert ck004("2026-08-02"), "the items are required once the obligations apply"


def test_an_unknown_schedule_is_a_positioned_usage_error(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    code, out = gate(root, "--policy", _policy(root, "omnibus"))
    assert code == 2, out
    assert "dated.yaml:7:17:" in out and "CG100 rule GATE-CK001" in out, out
    assert "unknown schedule 'omnibus'" in out and "digital-omnibus-reported" in out, out
    assert "Traceback" not in out
