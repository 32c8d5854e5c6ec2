"""What a sign-off covers beyond the system's documents (`cardgate.documents.signed_context`):
evidence that cannot be fingerprinted is never current and cannot be signed; the
digests of evidence, waivers and policy follow their content, not their form."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cardgate.documents.signed_context import evidence_digest, is_digest
from cardgate.documents.signoffs import signed_documents
from cardgate.documents.workspace import load_workspace

from .conftest import SYSTEM, build_workspace, cli, codes, edit, gate_json

CHECKLIST = f"systems/{SYSTEM}/checklist-nist-ai-rmf-core.yaml"


def sign(root: Path, role: str = "owner") -> tuple[int, str]:
    return cli(
        "sign", SYSTEM, "-w", str(root), "--role", role, "--name", "Ada Owner",
        "--today", "2026-11-30", "--acknowledge", "GATE-SO001",
    )  # fmt: skip


def covered(root: Path) -> dict[str, str]:
    workspace = load_workspace(root)
    return signed_documents(workspace, workspace.systems[SYSTEM])


def test_evidence_over_the_limit_cannot_be_signed_and_is_never_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_workspace(tmp_path / "ws")  # signed, with docs/evidence.md covered
    assert is_digest(covered(root)["docs/evidence.md"])
    (root / "docs/evidence.md").write_text("Evidence.\n" * 10, encoding="utf-8")
    monkeypatch.setenv("CARDGATE_MAX_EVIDENCE_BYTES", "50")

    digest = covered(root)["docs/evidence.md"]
    assert not is_digest(digest) and "over the limit of 50" in digest
    _, report = gate_json(root)
    messages = [f["message"] for f in report["findings"] if f["code"] == "GATE-SO002"]  # type: ignore[index, union-attr]
    assert len(messages) == 3, messages
    assert all("docs/evidence.md cannot be covered: not fingerprinted" in m for m in messages)

    before = (root / f"systems/{SYSTEM}/signoffs.yaml").read_bytes()
    code, out = sign(root)
    assert code == 1, out
    assert "cannot sign 'loan-approval': docs/evidence.md cannot be covered" in out
    assert "CARDGATE_MAX_EVIDENCE_BYTES" in out
    assert (root / f"systems/{SYSTEM}/signoffs.yaml").read_bytes() == before


def test_a_pipe_cited_as_evidence_is_not_read_and_cannot_be_signed(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    os.mkfifo(root / "docs/pipe")
    edit(root / CHECKLIST, ("evidence: [docs/evidence.md]", "evidence: [docs/pipe]"))
    digest = covered(root)["docs/pipe"]  # returns: a FIFO is never opened for reading
    assert digest.startswith("unreadable: is a FIFO")
    code, out = sign(root)
    assert code == 1 and "docs/pipe cannot be covered" in out, out
    assert not (root / f"systems/{SYSTEM}/signoffs.yaml").exists()


def test_evidence_replaced_by_what_cannot_be_read_is_stale_and_says_why(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner"]})
    (root / "docs/evidence.md").unlink()
    os.mkfifo(root / "docs/evidence.md")
    _, report = gate_json(root)
    messages = [f["message"] for f in report["findings"] if f["code"] == "GATE-SO002"]  # type: ignore[index, union-attr]
    assert len(messages) == 1, messages
    assert "docs/evidence.md cannot be covered: unreadable: is a FIFO" in messages[0]


def test_evidence_digests_follow_content_not_form(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "docs/record.yaml").write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    (root / "docs/result.json").write_text('{"a": 1, "b": 2}', encoding="utf-8")
    yaml_digest = evidence_digest(root / "docs/record.yaml")
    json_digest = evidence_digest(root / "docs/result.json")
    (root / "docs/record.yaml").write_text("# reviewed\nb: ['x', 'y']\na: 1\n", encoding="utf-8")
    (root / "docs/result.json").write_text('{\n  "b": 2,\n  "a": 1\n}\n', encoding="utf-8")
    assert evidence_digest(root / "docs/record.yaml") == yaml_digest
    assert evidence_digest(root / "docs/result.json") == json_digest
    (root / "docs/result.json").write_text('{"a": 1, "b": 3}', encoding="utf-8")
    assert evidence_digest(root / "docs/result.json") != json_digest
    # a key twice: readers differ on which value counts, so it is not the same content
    (root / "docs/result.json").write_text('{"a": 1, "b": 9, "b": 2}', encoding="utf-8")
    assert evidence_digest(root / "docs/result.json") != json_digest


def test_a_linked_folder_in_evidence_is_recorded_not_followed(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "docs/inner").mkdir()
    (root / "docs/inner/a.md").write_text("A\n", encoding="utf-8")
    (root / "docs/loop").symlink_to(root / "docs")  # a loop: followed, it never ends
    first = evidence_digest(root / "docs")
    assert is_digest(first)
    (root / "docs/inner/a.md").write_text("B\n", encoding="utf-8")
    assert evidence_digest(root / "docs") != first


def test_a_folder_citing_the_whole_workspace_leaves_out_what_signing_and_exports_change(
    tmp_path: Path,
) -> None:
    """Evidence '.' (the workspace) covers its files, but not the sign-off records (the
    sign-off would be stale as soon as written), what an export wrote (re-exported after
    signing, the annex records the sign-offs) or hidden folders (.git)."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    edit(root / CHECKLIST, ("evidence: [docs/evidence.md]", "evidence: ['.']"))
    export = ("export", "all", SYSTEM, "-w", str(root), "--out", str(root / "out"))
    code, out = cli(*export, "--today", "2026-11-30")
    assert code == 0, out
    (root / ".git").mkdir()
    for role in ("owner", "legal"):
        code, out = sign(root, role)
        assert code == 0, out
    first = covered(root)["."]
    manifest = (root / "out/cardgate-exports.json").read_bytes()
    code, out = cli(*export, "--today", "2026-12-01")  # the sign-offs, the date: rewritten
    assert code == 0, out
    assert (root / "out/cardgate-exports.json").read_bytes() != manifest
    (root / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    assert covered(root)["."] == first
    _, report = gate_json(root)
    assert not [f for f in report["findings"] if f["code"] == "GATE-SO002"]  # type: ignore[index, union-attr]
    (root / "docs/evidence.md").write_text("Replaced.\n", encoding="utf-8")
    assert covered(root)["."] != first


def test_a_planted_manifest_hides_only_files_where_an_export_writes(tmp_path: Path) -> None:
    """A hand-made ``cardgate-exports.json`` in a cited folder, listing the record it
    should cover with the digest of its bytes: a file outside a format's folder
    (``systems/<id>/<format>/<file>``) stays covered, and its change makes it stale."""
    import hashlib
    import json

    root = build_workspace(tmp_path / "ws", {"sign": []})
    edit(root / CHECKLIST, ("evidence: [docs/evidence.md]", "evidence: [docs]"))
    record = root / "docs/systems" / SYSTEM / "approval/record.md"
    record.parent.mkdir(parents=True)
    manifest = root / "docs/cardgate-exports.json"

    def plant(text: str) -> None:
        record.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(record.read_bytes()).hexdigest()
        name = f"systems/{SYSTEM}/approval/record.md"
        manifest.write_text(json.dumps({"kind": "cardgate-exports", "files": {name: digest}}))

    plant("Approved by the board.\n")
    first = covered(root)["docs"]
    plant("Rejected by the board.\n")
    assert covered(root)["docs"] != first


def test_what_a_sign_off_covers_costs_each_system_the_same_however_many_there_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sign-off records every sign-off leaves out are found once per workspace, not
    once per system: computed per system, a 1,000-system gate resolved a million real
    paths (40 CPU seconds instead of 3)."""
    root = build_workspace(tmp_path / "ws")
    for index in range(59):
        other = root / "systems" / f"s{index}"
        shutil.copytree(root / "systems" / SYSTEM, other)
        edit(other / "model-card.yaml", (f"id: {SYSTEM}", f"id: s{index}"))
    workspace = load_workspace(root)
    assert len(workspace.systems) == 60
    calls = 0
    realpath = os.path.realpath

    def counted(path: str, *args: bool) -> str:
        nonlocal calls
        calls += 1
        return realpath(path, *args)

    monkeypatch.setattr(os.path, "realpath", counted)
    for system in workspace.systems.values():
        signed_documents(workspace, system)
    assert calls < 5 * len(workspace.systems), calls  # it was 60 × 60 and more


def test_a_hostile_evidence_folder_costs_a_reason_not_a_crash(tmp_path: Path) -> None:
    """Deeper than Python's recursion limit, or more entries than the limit: a digest
    that says why (or a digest), never a RecursionError or a walk of every entry."""
    folders = [tmp_path / "deep"]
    for _ in range(1200):  # deeper than sys.getrecursionlimit() (1,000)
        folders.append(folders[-1] / "d")
    try:
        for folder in folders:
            folder.mkdir()
        (folders[-1] / "leaf.md").write_text("leaf\n", encoding="utf-8")
        assert is_digest(evidence_digest(folders[0]))
    finally:  # bottom up: pytest's own clean-up (shutil.rmtree) would recurse too deep
        (folders[-1] / "leaf.md").unlink(missing_ok=True)
        for folder in reversed(folders):
            if folder.exists():
                folder.rmdir()
    wide = tmp_path / "wide"
    wide.mkdir()
    for index in range(10_001):
        (wide / f"{index}.md").touch()
    assert evidence_digest(wide) == ("not fingerprinted: the folder has more than 10,000 entries")


DEFINITION = """\
kind: checklist-definition
schema_version: 1
id: acme-mini
title: Acme mini
version: "1"
framework: nist-ai-rmf-1.0
items:
  - {id: MINI-01, question: Legal review?, maps_to: [GOVERN 1.1]}
  - {id: MINI-02, question: Inventory?, maps_to: [GOVERN 1.6]}
"""
ANSWERS = f"""\
kind: checklist
schema_version: 1
system: {SYSTEM}
checklist: acme-mini
status: approved
items:
  MINI-01: {{status: done, evidence: [docs/evidence.md]}}
  MINI-02: {{status: done, evidence: [docs/evidence.md]}}
"""


def test_the_workspace_definition_a_checklist_answers_is_covered(tmp_path: Path) -> None:
    """Weakening the workspace's own definition after the sign-offs (an item dropped,
    evidence no longer required) changes what the answers are judged against: stale. A
    definition the system does not answer changes nothing of its sign-offs."""
    other = DEFINITION.replace("acme-mini", "acme-other")
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                "checklists/acme-mini.yaml": DEFINITION,
                "checklists/acme-other.yaml": other,
                f"systems/{SYSTEM}/checklist-acme-mini.yaml": ANSWERS,
            }
        },
    )
    assert "checklists/acme-mini.yaml" in covered(root)
    assert "checklists/acme-other.yaml" not in covered(root)
    _, report = gate_json(root)
    assert "GATE-SO002" not in codes(report)
    edit(root / "checklists/acme-other.yaml", ("Legal review?", "Legal review, reworded?"))
    _, report = gate_json(root)
    assert "GATE-SO002" not in codes(report)
    edit(
        root / "checklists/acme-mini.yaml",
        ("maps_to: [GOVERN 1.1]}", "maps_to: [GOVERN 1.1], evidence_required: false}"),
    )
    _, report = gate_json(root)
    messages = [f["message"] for f in report["findings"] if f["code"] == "GATE-SO002"]  # type: ignore[index, union-attr]
    assert len(messages) == 3, messages
    assert all("checklists/acme-mini.yaml changed after it was given" in m for m in messages)
