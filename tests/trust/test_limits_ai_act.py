"""GATE-MC005 on a card's EU AI Act profile, where the policy requires the AI Act
checklists of a high-risk system (`cardgate.gate.ai_act_limits`; red team 44).

The attack: under the ``eu-ai-act-high-risk`` preset, credit-default's card says
``ai_act: {roles: [provider], high_risk: true, annex_iii: 5(b)}`` and GATE-CK001 asks for
its ``eu-ai-act-provider`` answers. A pull request deleted the checklist and the card's
``ai_act:`` section beside it: nothing asked for the checklist any more, and ``gate
--changed-since`` said nothing of the classification it dropped. So could
``high_risk: false`` (with an Article 6(3) derogation), the provider role dropped, or the
Annex III point replaced by Annex I legislation, whose obligations apply a year later."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SYSTEM, build_workspace, edit, gate_json, git
from .test_ai_act_dates import PROFILE

CARD = f"systems/{SYSTEM}/model-card.yaml"
PRESET = ("--policy", "eu-ai-act-high-risk")


def _committed(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    card = root / CARD
    card.write_text(card.read_text(encoding="utf-8") + PROFILE, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _limits(root: Path, *args: str) -> list[str]:
    report = gate_json(root, "--changed-since", "HEAD", *args)[1]
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]  # type: ignore[union-attr]


LOWERED = (
    "ai_act: the card on HEAD classifies the system as high-risk under the AI Act, this one "
    "{}: the AI Act checklists the policy requires of a high-risk system are no longer "
    "asked for (AI Act profile lowered)"
)
CHANGES = {
    "removed": ((PROFILE, ""), LOWERED.format("has no ai_act: section")),
    "derogation": (
        (
            "  high_risk: true\n",
            "  high_risk: false\n  derogation: {condition: a, justification: A narrow task.}\n",
        ),
        LOWERED.format("says high_risk: false"),
    ),
    "role": (
        ("  roles: [provider]\n", "  roles: [deployer]\n"),
        "ai_act.roles: 'provider' on HEAD, not here: the checklist 'eu-ai-act-provider' the "
        "policy requires of a high-risk system's provider is no longer asked for (role dropped)",
    ),
    "basis": (
        ("  annex_iii: 5(b)\n", "  annex_i: Regulation (EU) 2023/1230\n"),
        "ai_act: the obligations of the system's high-risk basis apply from 2026-08-02 on "
        "HEAD, 2027-08-02 here under the policy's schedule 'regulation-2024': its AI Act "
        "checklists are due later (basis changed)",
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_ai_act_profile_asking_for_less_blocks(tmp_path: Path, change: str) -> None:
    root = _committed(tmp_path)
    replacement, expected = CHANGES[change]
    edit(root / CARD, replacement)
    assert _limits(root, *PRESET) == [expected]  # was []


def test_a_stricter_profile_passes(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    edit(root / CARD, ("  roles: [provider]\n", "  roles: [provider, deployer]\n"))
    assert _limits(root, *PRESET) == []


def test_without_ai_act_checklists_in_the_policy_the_profile_is_no_limit(
    tmp_path: Path,
) -> None:
    root = _committed(tmp_path)
    edit(root / CARD, (PROFILE, ""))
    assert _limits(root) == []  # the baseline asks for no AI Act checklist
