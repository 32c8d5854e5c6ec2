"""A risk tier lowered in a change counts only once merged: with ``--changed-since REF``,
a system whose model card on REF has a stricter risk tier is gated under that tier.

The attack: a high-risk system's card says ``risk_tier: limited`` instead, and anyone
appends an unsigned ``cardgate sign --name`` owner sign-off (which the limited tier
counts); the legal and risk sign-offs, stale and no longer required, are warnings, and
the release gate passes without the signed approvals the system was held to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import SYSTEM, TODAY, build_workspace, cli, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"


def _lowered(tmp_path: Path, tier: str = "limited") -> Path:
    root = build_workspace(tmp_path / "ws")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    edit(root / CARD, ("risk_tier: high", f"risk_tier: {tier}"))
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "owner", "--name", "Mallory",
        "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert code == 0, out
    return root


def test_a_tier_lowered_in_the_change_is_gated_as_the_base_tier(tmp_path: Path) -> None:
    root = _lowered(tmp_path)
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    errors = [f for f in report["findings"] if f["severity"] == "error"]  # type: ignore[union-attr,index]
    stale = {f["message"].split(" sign-off")[0] for f in errors if f["code"] == "GATE-SO002"}
    assert stale == {"owner", "legal", "risk"}, errors  # Mallory's unsigned one counts not
    lowered = [f for f in report["findings"] if f["code"] == "GATE-MC003"]  # type: ignore[union-attr,index]
    assert lowered and "lowered from 'high' on HEAD" in lowered[0]["message"], lowered
    assert report["systems"][0]["passed"] is False  # type: ignore[index]


def test_a_tier_raised_or_kept_changes_nothing(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 0, report
    assert "GATE-MC003" not in codes(report)


def test_a_new_system_has_no_base_tier(tmp_path: Path) -> None:
    """No card on REF (a new system): its own tier applies, nothing is lowered."""
    root = build_workspace(tmp_path / "ws")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "rm", "-q", "--cached", CARD)
    git(root, "commit", "-qm", "base without the card")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 0, report
    assert "GATE-MC003" not in codes(report)


def test_an_unacceptable_tier_lowered_still_never_ships(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    edit(root / CARD, ("risk_tier: high", "risk_tier: unacceptable"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    edit(root / CARD, ("risk_tier: unacceptable", "risk_tier: high"))
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    messages = [f["message"] for f in report["findings"] if f["code"] == "GATE-MC003"]  # type: ignore[union-attr,index]
    assert any("may not be released" in m for m in messages), messages


def test_a_card_renamed_to_yml_keeps_its_base_tier(tmp_path: Path) -> None:
    """The card on REF is found under either name: renaming it must not shed the tier."""
    root = _lowered(tmp_path)
    (root / CARD).rename(root / CARD.replace(".yaml", ".yml"))
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    assert "GATE-MC003" in codes(report)


def test_a_moved_systems_folder_keeps_its_base_tier(tmp_path: Path) -> None:
    """``systems_dir`` changed in the same change: the card is looked up where REF's
    cardgate.yaml kept the systems."""
    root = _lowered(tmp_path)
    (root / "systems").rename(root / "ai-systems")
    config = root / "cardgate.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "systems_dir: ai-systems\n")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    assert "GATE-MC003" in codes(report)


def test_a_renamed_system_folder_keeps_its_base_tier(tmp_path: Path) -> None:
    """The folder is the system's id: renamed, the system is new on REF's terms. In a
    change that removes a system, a new one is gated under the removed one's tier."""
    root = _lowered(tmp_path)
    folder = root / "systems" / SYSTEM
    folder.rename(folder.with_name("renamed"))
    card = root / "systems" / "renamed" / "model-card.yaml"
    edit(card, (f"id: {SYSTEM}", "id: renamed"))
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1, report
    warned = [f["message"] for f in report["findings"] if f["code"] == "GATE-MC003"]  # type: ignore[union-attr,index]
    assert warned and f"removes '{SYSTEM}'" in warned[0], warned
    assert "gated as 'high', not 'limited'" in warned[0]


def test_a_new_system_at_the_removed_ones_tier_is_not_warned(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    folder = root / "systems" / SYSTEM
    folder.rename(folder.with_name("renamed"))
    edit(root / "systems" / "renamed" / "model-card.yaml", (f"id: {SYSTEM}", "id: renamed"))
    _code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert "GATE-MC003" not in codes(report), report


def test_a_deleted_system_is_reported_as_leaving_the_inventory(tmp_path: Path) -> None:
    """The gate of the other systems passes without it: the removal is a warning, so
    that the change is reviewed as what it is."""
    root = build_workspace(tmp_path / "ws")
    other = root / "systems" / "other"
    shutil.copytree(root / "systems" / SYSTEM, other)
    edit(other / "model-card.yaml", (f"id: {SYSTEM}", "id: other"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert "GATE-DOC002" not in codes(report), report
    shutil.rmtree(other)
    _code, report = gate_json(root, "--changed-since", "HEAD")
    gone = [f for f in report["findings"] if f["code"] == "GATE-DOC002"]  # type: ignore[union-attr,index]
    assert [f["message"] for f in gone] == [
        "system 'other' (risk tier 'high' on HEAD) is gone: removed from the inventory, it "
        "is no longer gated"
    ]
    assert gone[0]["severity"] == "warning", gone


def test_an_unchanged_card_keeps_its_tier_in_a_change_that_removes_a_system(
    tmp_path: Path,
) -> None:
    """A card whose bytes are the ref's is no new system's: the removed ones' tier is not
    its floor (it was, when another file of its system changed)."""
    root = build_workspace(tmp_path / "ws")
    other = root / "systems" / "other"
    shutil.copytree(root / "systems" / SYSTEM, other)
    edit(
        other / "model-card.yaml",
        (f"id: {SYSTEM}", "id: other"),
        ("risk_tier: high", "risk_tier: unacceptable"),
    )
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    shutil.rmtree(other)
    (root / "systems" / SYSTEM / "notes.md").write_text("Notes.\n", encoding="utf-8")
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert report["systems"][0]["unchanged"] is False  # type: ignore[index]
    assert "GATE-MC003" not in codes(report), report
    assert code == 0, report


def _readded(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """The system's folder deleted in a change merged before (the gate of that change
    only warns: GATE-DOC002), then added back, its card edited, its sign-offs dropped."""
    root = build_workspace(tmp_path / "ws")
    other = root / "systems" / "other"  # a second system: the workspace is not empty
    shutil.copytree(root / "systems" / SYSTEM, other)
    edit(other / "model-card.yaml", (f"id: {SYSTEM}", "id: other"))
    (other / "signoffs.yaml").unlink()
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    kept = tmp_path / "kept"
    shutil.copytree(root / "systems" / SYSTEM, kept)
    git(root, "rm", "-rq", f"systems/{SYSTEM}")
    git(root, "commit", "-qm", "retire the system")
    shutil.copytree(kept, root / "systems" / SYSTEM)
    (root / "systems" / SYSTEM / "signoffs.yaml").unlink()
    edit(root / CARD, *replacements)
    return root


def test_a_system_removed_then_added_back_keeps_its_tier(tmp_path: Path) -> None:
    """Removing the folder in one merged change and adding it back under a lower tier in
    the next was a lowering no base saw: the new system had no card on the ref."""
    root = _readded(tmp_path, ("risk_tier: high", "risk_tier: minimal"))
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "owner", "--name", "Mallory",
        "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert code == 0, out
    assert gate_json(root, "--release", "--changed-since", "HEAD~1")[0] == 1  # the ref has it
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    mine = [f for f in report["findings"] if f["system"] == SYSTEM]  # type: ignore[union-attr,index]
    lowered = [f for f in mine if f["code"] == "GATE-MC003"]
    assert [f["severity"] for f in lowered] == ["warning"], lowered
    assert lowered[0]["message"].startswith("new since HEAD, but removed from the inventory by "), (
        lowered
    )
    assert "(risk tier 'high' there): gated as 'high', not 'minimal'" in lowered[0]["message"]
    assert {f["code"] for f in mine if f["severity"] == "error"} >= {"GATE-SO001"}, mine


def test_a_system_removed_then_added_back_keeps_its_limits(tmp_path: Path) -> None:
    root = _readded(tmp_path, ("      max: 0.1\n", "      max: 0.35\n"))
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report
    [message] = [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]  # type: ignore[union-attr,index]
    assert message.startswith("new since HEAD, but removed from the inventory by commit "), message
    assert message.endswith("max 0.1 there, max 0.35 here (max raised)"), message


def test_a_system_added_back_as_it_was_is_no_lowering(tmp_path: Path) -> None:
    root = _readded(tmp_path)
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert not {"GATE-MC003", "GATE-MC005"} & set(codes(report)), report


COPY = "systems/copy"


def _copied(tmp_path: Path, *replacements: tuple[str, str], same_file: bool = False) -> Path:
    """A new system made by copying the folder of one on the ref: its card renamed and
    edited, its evaluation run again on the copied predictions (or on the source's own
    file), its sign-offs dropped."""
    root = build_workspace(tmp_path / "ws")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    shutil.copytree(root / "systems" / SYSTEM, root / COPY)
    for name in ("signoffs.yaml", "evaluation.json"):
        (root / COPY / name).unlink()
    predictions = f"systems/{SYSTEM}/predictions.csv" if same_file else f"{COPY}/predictions.csv"
    edit(
        root / COPY / "model-card.yaml",
        (f"id: {SYSTEM}", "id: copy"),
        (f"path: systems/{SYSTEM}/predictions.csv", f"path: {predictions}"),
        *replacements,
    )
    edit(root / COPY / "checklist-nist-ai-rmf-core.yaml", (f"system: {SYSTEM}", "system: copy"))
    code, out = cli("evaluate", "copy", "-w", str(root))
    assert code == 0, out
    return root


@pytest.mark.parametrize("same_file", [False, True])
def test_a_copied_system_keeps_its_sources_tier(tmp_path: Path, same_file: bool) -> None:
    """A system folder copied under a new id as 'minimal', with an unsigned owner
    sign-off, passed gate --release --changed-since: nothing on the ref was its card."""
    root = _copied(tmp_path, ("risk_tier: high", "risk_tier: minimal"), same_file=same_file)
    code, out = cli(
        "sign", "copy", "-w", str(root), "--role", "owner", "--name", "Mallory",
        "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert code == 0, out
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    mine = [f for f in report["findings"] if f["system"] == "copy"]  # type: ignore[union-attr,index]
    [lowered] = [f for f in mine if f["code"] == "GATE-MC003"]
    shared = (
        f"systems/{SYSTEM}/predictions.csv on HEAD too"
        if same_file
        else f"{COPY}/predictions.csv holds the bytes of systems/{SYSTEM}/predictions.csv on HEAD"
    )
    assert lowered["message"] == (
        f"new since HEAD, evaluating the outputs of '{SYSTEM}' ({shared}) (risk tier 'high' "
        "there): gated as 'high', not 'minimal' (a copy of a system keeps its tier until the "
        "change is merged)"
    ), lowered
    assert lowered["severity"] == "warning"
    assert "GATE-SO001" in {f["code"] for f in mine if f["severity"] == "error"}, mine


def test_a_copied_system_keeps_its_sources_limits(tmp_path: Path) -> None:
    root = _copied(tmp_path, ("      max: 0.1\n", "      max: 0.35\n"))
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0 (its missing sign-offs are warnings without --release)
    [message] = [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]  # type: ignore[union-attr,index]
    assert message.startswith(f"new since HEAD, evaluating the outputs of '{SYSTEM}' ("), message
    assert message.endswith("max 0.1 there, max 0.35 here (max raised)"), message


def test_a_copy_as_strict_as_its_source_or_another_model_is_new(tmp_path: Path) -> None:
    root = _copied(tmp_path)
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert not {"GATE-MC003", "GATE-MC005"} & set(codes(report)), report
    predictions = root / COPY / "predictions.csv"  # another model's outputs: a new system
    predictions.write_text(predictions.read_text(encoding="utf-8") + "1,1,F\n", encoding="utf-8")
    edit(root / COPY / "model-card.yaml", ("risk_tier: high", "risk_tier: minimal"))
    assert cli("evaluate", "copy", "-w", str(root))[0] == 0
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert not {"GATE-MC003", "GATE-MC005"} & set(codes(report)), report


UNACCEPTABLE_WAIVER = f"""\
kind: waivers
schema_version: 1
waivers:
  - rule: GATE-MC003
    system: {SYSTEM}
    justification: Reclassification pending.
    approver: Anyone
    expires: 2026-12-20
"""


def test_no_waiver_releases_an_unacceptable_system(tmp_path: Path) -> None:
    """'risk_tier: unacceptable' is the strictest tier, so no floor saw it as a lowering,
    but its policy is the defaults' (an unsigned owner sign-off): with a waiver of
    GATE-MC003 by anyone, and 'sign --name', gate --release passed it."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    edit(root / CARD, ("risk_tier: high", "risk_tier: unacceptable"))
    (root / "waivers.yaml").write_text(UNACCEPTABLE_WAIVER, encoding="utf-8")
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "owner", "--name", "Mallory",
        "--today", TODAY.isoformat(), "--acknowledge", "GATE-MC003", "--acknowledge", "GATE-WV001",
    )  # fmt: skip
    assert code == 0, out
    code, report = gate_json(root, "--release")
    assert code == 1, report  # was 0
    [found] = [f for f in report["findings"] if f["code"] == "GATE-MC003"]  # type: ignore[union-attr,index]
    assert found["severity"] == "error" and "may not be released" in found["message"], found
    assert report["waived"] == [], report


def test_no_policy_lowers_the_unacceptable_tier_finding(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    edit(root / CARD, ("risk_tier: high", "risk_tier: unacceptable"))
    policy = root / "policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8") + "defaults:\n  rules:\n    GATE-MC003: {level: off}\n",
        encoding="utf-8",
    )
    code, report = gate_json(root, "--release")
    assert code == 1, report
    assert {"GATE-MC003", "GATE-POL002"} <= set(codes(report)), report


def test_a_waiver_of_the_risk_tier_rule_is_refused(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "waivers.yaml").write_text(UNACCEPTABLE_WAIVER, encoding="utf-8")
    _code, report = gate_json(root, "--release")
    refused = [f["message"] for f in report["findings"] if f["code"] == "GATE-WV001"]  # type: ignore[union-attr,index]
    assert refused == [
        "waiver rule GATE-MC003 (model-card.risk-tier-releasable) blocks whatever a waiver "
        "says and cannot be waived"
    ], refused
