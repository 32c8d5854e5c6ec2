"""Ways around what a sign-off covers (`cardgate.documents.signed_context`), each closed: a
link inside an evidence folder, an exported file edited by hand, a waiver naming a system
whose id reads as a number, a checklist definition declared in two files."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from cardgate.documents.workspace import load_workspace

from .conftest import SYSTEM, build_workspace, edit, gate_json
from .test_signed_evidence import ANSWERS, CHECKLIST, DEFINITION, covered


def stale(root: Path) -> list[str]:
    _, report = gate_json(root)
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-SO002"]  # type: ignore[index, union-attr]


def test_a_link_in_an_evidence_folder_is_covered_by_what_it_leads_to(tmp_path: Path) -> None:
    """`docs/review/record.md -> ../../drafts/record.md`: the folder's reader reads the
    draft, so a changed draft is a changed folder; so is a file of a linked folder."""
    root = tmp_path / "ws"
    (root / "drafts/more").mkdir(parents=True)
    (root / "drafts/record.md").write_text("Approved.\n", encoding="utf-8")
    (root / "drafts/more/annex.md").write_text("Annex.\n", encoding="utf-8")
    (root / "docs/review").mkdir(parents=True)
    (root / "docs/review/record.md").symlink_to("../../drafts/record.md")
    (root / "docs/review/more").symlink_to("../../drafts/more")
    (root / "docs/review/loop").symlink_to("..")  # back up: walked once, never endlessly
    build_workspace(
        root, {"edit": {CHECKLIST: [["evidence: [docs/evidence.md]", "evidence: [docs/review]"]]}}
    )
    assert not stale(root)
    (root / "drafts/record.md").write_text("Rejected.\n", encoding="utf-8")
    messages = stale(root)
    assert len(messages) == 3 and all("docs/review changed after" in m for m in messages)
    (root / "drafts/record.md").write_text("Approved.\n", encoding="utf-8")
    assert not stale(root)
    (root / "drafts/more/annex.md").write_text("Annex, replaced.\n", encoding="utf-8")
    assert len(stale(root)) == 3


def test_an_exported_file_edited_by_hand_is_covered(tmp_path: Path) -> None:
    """An export's file is left out only as the export wrote it (the digest its manifest
    lists): edited by hand since, it is evidence like any other."""
    annex = "out/systems/loan-approval/annex-iv/annex-iv.md"
    text = "Annex IV, as exported.\n"
    manifest = {
        "files": {annex[4:]: hashlib.sha256(text.encode()).hexdigest()},
        "kind": "cardgate-exports",
        "schema_version": 1,
    }
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                CHECKLIST: [["evidence: [docs/evidence.md]", f"evidence: [{annex}]"]],
                annex: text,
                "out/cardgate-exports.json": json.dumps(manifest),
            }
        },
    )
    assert annex not in covered(root)
    assert not stale(root)
    edit(root / annex, ("as exported", "as edited after the sign-offs"))
    messages = stale(root)
    assert len(messages) == 3 and all(f"{annex} not covered by it" in m for m in messages)


WAIVERS = """\
kind: waivers
schema_version: 1
waivers:
  - rule: GATE-MC003
    system: other-system
    justification: Another system's exception.
    approver: Risk Person
    expires: 2026-12-31
"""


def test_a_waiver_naming_a_system_whose_id_reads_as_a_number_is_covered(
    tmp_path: Path,
) -> None:
    """``system: 2024`` (unquoted: a number in YAML) names system '2024' for the gate,
    so it is among the waivers a sign-off of '2024' covers."""
    root = build_workspace(tmp_path / "ws", {"sign": [], "edit": {"waivers.yaml": WAIVERS}})
    os.rename(root / f"systems/{SYSTEM}", root / "systems/2024")
    before = covered_of(root, "2024")["waivers.yaml"]
    edit(
        root / "waivers.yaml",
        ("waivers:\n", "waivers:\n  - rule: GATE-FA003\n    system: 2024\n"
         "    justification: Added after.\n    approver: Someone\n    expires: 2026-12-31\n"),
    )  # fmt: skip
    waivers = load_workspace(root).waivers
    assert waivers is not None and waivers.waivers[0].system == "2024"
    assert covered_of(root, "2024")["waivers.yaml"] != before


def covered_of(root: Path, system: str) -> dict[str, str]:
    from cardgate.documents.signoffs import signed_documents

    workspace = load_workspace(root)
    return signed_documents(workspace, workspace.systems[system])


def test_every_file_declaring_an_answered_definition_is_covered(tmp_path: Path) -> None:
    """Two files declare 'acme-mini'; which one the gate judges by depends on which
    validate (the first that does): both are covered, whichever it is."""
    broken = DEFINITION.replace("title: Acme mini\n", "")  # does not validate
    root = build_workspace(
        tmp_path / "ws",
        {
            "sign": [],
            "edit": {
                "checklists/a-mini.yaml": broken,
                "checklists/b-mini.yaml": DEFINITION,
                f"systems/{SYSTEM}/checklist-acme-mini.yaml": ANSWERS,
            },
        },
    )
    found = covered(root)
    assert "checklists/a-mini.yaml" in found and "checklists/b-mini.yaml" in found
