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
    # before 2 August 2026 nothing of the checklist applies yet: its earliest obligations
    # are Article 50's (the reported amendment does not move them)
    pending = _ck001(root, "--policy", policy, "--today", "2026-08-01")
    assert pending == [
        (
            "note",
            "checklist 'eu-ai-act-provider' is not yet due: the Article 50 transparency "
            "obligations apply from 2026-08-02 under the policy's schedule "
            "'digital-omnibus-reported' (the gate's date: 2026-08-01)",
        )
    ], pending
    # from then the checklist is required: its Article 50 items apply, the rest of an
    # Annex III system's obligations from 2027-12-02 (GATE-CK004's note)
    due = _ck001(root, "--policy", policy, "--today", "2026-11-30")
    assert [severity for severity, message in due if MISSING in message] == ["warning"], due
    assert not any("not yet due" in message for _, message in due)
    later = _ck001(root, "--policy", policy, "--today", "2027-12-02")
    assert any(MISSING in message for _, message in later), later


def _answers(root: Path, items: dict[str, str]) -> None:
    lines = [
        f"kind: checklist\nschema_version: 1\nsystem: {SYSTEM}\nchecklist: eu-ai-act-provider",
        "status: draft\nlast_reviewed: 2026-07-01\nitems:",
    ]
    lines += [f"  {item}: {{status: {status}, notes: answered}}" for item, status in items.items()]
    (root / f"systems/{SYSTEM}/checklist-eu-ai-act.yaml").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


def _ck004(root: Path, *args: str) -> list[tuple[str, str]]:
    _, report = gate_json(root, *args)
    found = report["findings"]
    assert isinstance(found, list)
    return [
        (f["severity"], f["message"])
        for f in found
        if f["code"] == "GATE-CK004" and "eu-ai-act-provider" in f["message"]
    ]


ARTICLE_50 = {"ART50-01": "not-applicable", "ART50-02": "not-applicable"}


def test_article_50_items_apply_before_an_annex_i_systems_other_obligations(
    tmp_path: Path,
) -> None:
    """Under the published schedule an Annex I system's obligations apply from
    2027-08-02, its Article 50 obligations from 2026-08-02: each item by its own date."""
    root = _workspace(tmp_path)
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(
        card.read_text(encoding="utf-8").replace(
            "  annex_iii: 5(b)\n", "  annex_i: Regulation (EU) 2017/745 (medical devices)\n"
        ),
        encoding="utf-8",
    )
    preset = ("--policy", "eu-ai-act-high-risk")
    # the day before: the whole checklist waits (its earliest items, Article 50's)
    before = _ck001(root, *preset, "--today", "2026-08-01")
    assert [severity for severity, _ in before] == ["note"], before
    assert "the Article 50 transparency obligations apply from 2026-08-02" in before[0][1]
    # from 2026-08-02: the Article 50 items are asked for, the others are not (a note)
    _answers(root, {"AIV-02": "not-started"})
    on_the_day = _ck004(root, *preset, "--today", "2026-08-02")
    assert [severity for severity, _ in on_the_day] == ["note", "warning"], on_the_day
    note = next(message for severity, message in on_the_day if severity == "note")
    assert note.startswith(
        "53 item(s) of 'eu-ai-act-provider' apply from 2027-08-02 (the obligations of an "
        "Annex I high-risk system, under the policy's schedule 'regulation-2024'; the "
        "gate's date: 2026-08-02), not required before then: AIV-01, AIV-02"
    ), note
    missing = next(message for severity, message in on_the_day if severity == "warning")
    assert missing.startswith("2 item(s) of 'eu-ai-act-provider'") and "ART50-01" in missing
    # Article 50 answered: nothing is asked for until 2027-08-02
    _answers(root, {"AIV-02": "not-started", **ARTICLE_50})
    assert [s for s, _ in _ck004(root, *preset, "--today", "2027-08-01")] == ["note"]
    after = _ck004(root, *preset, "--today", "2027-08-02")
    assert [severity for severity, _ in after] == ["warning"], after
    # every other item is asked for now (less those cardgate answers from the documents)
    assert after[0][1].startswith("41 item(s) of 'eu-ai-act-provider' for risk tier 'high'")


def test_choosing_the_reported_omnibus_dates_is_a_loosening(tmp_path: Path) -> None:
    root = _workspace(tmp_path)

    def pol001(*args: str) -> list[str]:
        _, report = gate_json(root, *args)
        found = report["findings"]
        assert isinstance(found, list)
        return [str(f["message"]) for f in found if f["code"] == "GATE-POL001"]

    published = pol001("--policy", "eu-ai-act-high-risk")
    assert not any("ai_act_schedule" in message for message in published), published
    postponed = pol001("--policy", _policy(root, "digital-omnibus-reported"))
    assert any(
        "sets ai_act_schedule 'digital-omnibus-reported', which postpones AI Act obligations "
        "against 'regulation-2024': annex-iii 2027-12-02 (was 2026-08-02), annex-i "
        "2028-08-02 (was 2027-08-02); its status: reported, not verified" in message
        for message in postponed
    ), postponed


def test_a_general_purpose_model_is_told_when_its_obligations_apply(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(
        card.read_text(encoding="utf-8").replace(
            "general_purpose_model: false", "general_purpose_model: true"
        ),
        encoding="utf-8",
    )
    for today, verb in (("2025-08-01", "apply from"), ("2025-08-02", "have applied since")):
        notes = _ck001(root, "--policy", "eu-ai-act-high-risk", "--today", today)
        assert (
            "note",
            "the obligations of Chapter V (general-purpose AI models; not in cardgate's "
            f"checklists) {verb} 2025-08-02 under the policy's schedule 'regulation-2024' "
            f"(the gate's date: {today})",
        ) in notes, notes


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


def test_an_annex_i_system_under_the_reported_schedule_waits_until_2028_08_02(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(
        card.read_text(encoding="utf-8").replace(
            "  annex_iii: 5(b)\n", "  annex_i: Regulation (EU) 2017/745 (medical devices)\n"
        ),
        encoding="utf-8",
    )
    _answers(root, {"AIV-02": "not-started", **ARTICLE_50})
    policy = ("--policy", _policy(root, "digital-omnibus-reported"))
    before = _ck004(root, *policy, "--today", "2028-08-01")
    assert [severity for severity, _ in before] == ["note"], before
    assert "apply from 2028-08-02 (the obligations of an Annex I high-risk system" in before[0][1]
    on_the_day = _ck004(root, *policy, "--today", "2028-08-02")
    assert [severity for severity, _ in on_the_day] == ["warning"], on_the_day
