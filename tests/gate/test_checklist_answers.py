"""Checklists an engineer can finish: guidance in the scaffold, evidence sections, automatic
answers, non-circular sign-off evidence, and coverage failing loudly on a broken checklist."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import load_workspace
from cardgate.frameworks.answers import check_answers
from cardgate.frameworks.catalog import load_catalog
from cardgate.frameworks.definitions import shipped_definitions
from cardgate.gate.engine import run_gate

from .conftest import SYSTEM, TODAY, build_workspace, key

runner = CliRunner()
CHECKLIST = f"systems/{SYSTEM}/checklist-nist-ai-rmf-core.yaml"
CARD = f"systems/{SYSTEM}/model-card.yaml"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _answer(root: Path, item: str, body: str) -> None:
    path = root / CHECKLIST
    text = path.read_text(encoding="utf-8")
    old = f"  {item}:\n    status: done\n    evidence: [docs/evidence.md]\n"
    assert old in text
    path.write_text(text.replace(old, f"  {item}:\n{body}"), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    return [
        f"{p.line}:{p.column} {p.code} {p.severity.label} {p.message}"
        for p in check_answers(load_workspace(root))
    ]


def _line(root: Path, name: str, text: str) -> int:
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_a_checklist_needs_its_systems_model_card(tmp_path: Path) -> None:
    """`new checklist` for a system without a model card is refused (exit 2, nothing
    written): it made a folder the gate then reported as a missing card."""
    root = build_workspace(tmp_path / "ws")
    code, out = run("new", "checklist", "nosuch", "-w", str(root))
    assert code == 2, out
    assert "no system 'nosuch'" in out and "cardgate new model-card nosuch first" in out
    assert not (root / "systems" / "nosuch").exists()


def test_new_checklist_writes_nist_text_and_suggested_evidence(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / CHECKLIST).unlink()
    code, out = run("new", "checklist", SYSTEM, "-w", str(root))
    assert code == 0, out
    text = (root / CHECKLIST).read_text(encoding="utf-8")
    comments = " ".join(
        line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()
    )
    definition = shipped_definitions().get("nist-ai-rmf-core")
    assert definition is not None
    catalog = load_catalog()
    for item in definition.applicable_items("high"):
        for ref in item.maps_to:  # the statement as the shipped catalog has it, word for word
            assert f"NIST {ref}: {' '.join(catalog.subcategories[ref].statement.split())}" in (
                comments.replace("  ", " ")
            )
        assert item.guidance is not None
        assert f"Suggested evidence: {' '.join(item.guidance.split())}" in comments
    data = yaml.safe_load(text)
    automatic = {i.id for i in definition.model.items if i.answered_by is not None}
    assert len(automatic) == 8
    applicable = {i.id for i in definition.applicable_items("high")}
    assert set(data["items"]) == applicable - automatic
    assert run("validate", "-w", str(root))[0] == 0


def test_a_limited_system_gets_the_policys_subset(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws", {"edit": {CARD: [["risk_tier: high", "risk_tier: limited"]]}}
    )
    (root / CHECKLIST).unlink()
    assert run("new", "checklist", SYSTEM, "-w", str(root))[0] == 0
    data = yaml.safe_load((root / CHECKLIST).read_text(encoding="utf-8"))
    assert sorted(data["items"]) == ["GOV-01", "GOV-03", "MAN-01", "MAP-04", "MEA-05", "MEA-09"]
    result = run_gate(root, release=True, today=TODAY)
    ck004 = sorted(f.message.split("'")[1] for f in result.findings if f.code == "GATE-CK004")
    # the six written items are not started; of the eight automatic ones, the sign-offs
    # are stale since the checklist changed
    assert ck004 == ["GOV-01", "GOV-03", "GOV-09", "MAN-01", "MAP-04", "MEA-05", "MEA-09"]


def test_a_checklist_whose_tier_was_raised_gets_the_items_it_lacks(tmp_path: Path) -> None:
    """Written for risk tier 'limited' (6 items), a checklist of a system raised to 'high'
    lacks 47: 'new checklist' refused ('already exists: edit it') and nothing printed their
    questions and NIST text. It now points at --missing, which prints the blocks of the
    items the policy asks that the file does not answer, to append under items:, writing
    nothing; appended, no item is left without an answer."""
    root = build_workspace(
        tmp_path / "ws", {"edit": {CARD: [["risk_tier: high", "risk_tier: limited"]]}}
    )
    (root / CHECKLIST).unlink()
    assert run("new", "checklist", SYSTEM, "-w", str(root))[0] == 0
    card = root / CARD
    card.write_text(
        card.read_text(encoding="utf-8").replace("risk_tier: limited", "risk_tier: high")
    )
    code, out = run("new", "checklist", SYSTEM, "-w", str(root))
    assert code == 2 and "already exists" in out
    hint = " ".join(out.split())
    assert f"cardgate new checklist {SYSTEM} --missing >> " in hint and CHECKLIST in hint
    before = (root / CHECKLIST).read_text(encoding="utf-8")
    code, printed = run("new", "checklist", SYSTEM, "--missing", "-w", str(root))
    assert code == 0, printed
    assert (root / CHECKLIST).read_text(encoding="utf-8") == before  # nothing written
    assert "  GOV-02:\n    status: not-started" in printed and "# NIST GOVERN" in printed
    assert "  GOV-01:" not in printed  # answered already
    (root / CHECKLIST).write_text(before + printed, encoding="utf-8")
    result = run_gate(root, release=True, today=TODAY)
    assert not [f for f in result.findings if f.code == "GATE-CK004" and "no answer" in f.message]
    assert not [p for p in check_answers(load_workspace(root)) if p.code.startswith("CG")]


def test_evidence_may_point_at_a_section(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                "docs/review.md": "# Review\n\n## Legal review\n\nDone.\n",
                CARD: [["  rollback: Revert to the previous model version.", "  rollback: TODO"]],
            }
        },
    )
    _answer(
        root,
        "GOV-01",
        "    status: done\n    evidence:\n"
        f"      - {CARD}#owners\n"
        "      - docs/review.md#legal-review\n"
        "      - docs/review.md#Legal review\n"
        f"      - {CARD}#risks.0.mitigation\n",
    )
    assert _problems(root) == []
    _answer(
        root,
        "GOV-02",
        "    status: done\n    evidence:\n"
        f"      - {CARD}#owner\n"
        f"      - {CARD}#monitoring.rollback\n"
        "      - docs/review.md#privacy-review\n",
    )
    lines = (root / CHECKLIST).read_text(encoding="utf-8").splitlines()
    start = lines.index("  GOV-02:")
    assert _problems(root) == [
        f"{start + 4}:9 CL109 error evidence '{CARD}#owner': the document has no section 'owner'",
        f"{start + 5}:9 CL110 error evidence '{CARD}#monitoring.rollback': section "
        "'monitoring.rollback' is not filled in",
        f"{start + 6}:9 CL109 error evidence 'docs/review.md#privacy-review': the document has "
        "no heading 'privacy-review'",
    ]


def test_a_markdown_heading_full_of_blanks_is_read_in_linear_time(tmp_path: Path) -> None:
    # The heading pattern backtracked cubically on a run of blanks: one heading of 3,000
    # spaces in a file a checklist cites kept validate and the gate busy for 40 s.
    import time

    blanks = " " * 20_000
    text = f"# Review\n\n## Legal{blanks}review ##{blanks}\n\nDone.\n## a{blanks}b\n"
    root = build_workspace(tmp_path / "ws", {"edit": {"docs/review.md": text}})
    _answer(
        root,
        "GOV-01",
        "    status: done\n    evidence:\n"
        "      - docs/review.md#legal-review\n"
        "      - docs/review.md#privacy-review\n",
    )
    started = time.monotonic()
    problems = _problems(root)
    assert time.monotonic() - started < 10
    assert [p.split(" ", 4)[2:] for p in problems] == [
        [
            "error",
            "evidence",
            "'docs/review.md#privacy-review': the document has no heading 'privacy-review'",
        ]
    ]


def test_citing_the_signoff_record_does_not_make_it_stale(tmp_path: Path) -> None:
    """The checklist cites the sign-off before it exists; signing changes no signed file."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    _answer(
        root,
        "GOV-09",
        f"    status: done\n    evidence: [systems/{SYSTEM}/signoffs.yaml#risk]\n",
    )
    assert [p.split(" ", 3)[1:3] for p in _problems(root)] == [["CL109", "warning"]]
    (hint,) = [p.hint for p in check_answers(load_workspace(root))]
    # this workspace names allowed_signers: the way to sign that counts everywhere first
    assert hint is not None and hint.startswith(f"cardgate sign {SYSTEM} --role risk --key PATH")
    for role in ("owner", "legal", "risk"):
        code, out = run(
            "sign",
            SYSTEM,
            "--role",
            role,
            "--name",
            f"{role} person",
            "--key",
            str(key(role)),
            "-w",
            str(root),
            "--today",
            TODAY.isoformat(),
        )
        assert code == 0, out
    assert _problems(root) == []
    result = run_gate(root, release=True, today=TODAY)
    assert result.passed, [f"{f.code} {f.message}" for f in result.findings]


def test_items_answered_from_the_documents(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {"edit": {CARD: [["role: model owner}", "role: owner}"]]}},
    )
    text = (root / CHECKLIST).read_text(encoding="utf-8")
    for item in ("GOV-05", "GOV-07", "GOV-09", "GOV-13", "MAP-01", "MAP-02", "MEA-15", "MAN-06"):
        text = text.replace(f"  {item}:\n    status: done\n    evidence: [docs/evidence.md]\n", "")
    (root / CHECKLIST).write_text(text, encoding="utf-8")
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert code == 0, out
    assert "answered by cardgate from the documents:" in out
    assert (
        "GOV-07   done         owners named with their roles: Ada Owner (owner); evidence: "
        f"{CARD}#owners" in out
    )
    assert "MEA-15   done" in out and f"systems/{SYSTEM}/evaluation.json" in out
    # GOV-09 (signoffs-current): the card and checklist changed, so the sign-offs are stale
    assert "GOV-09   not-started  the legal, owner, risk sign-off is stale" in out
    assert "overall  70/72 addressed" in out  # GOV-09 serves GOVERN 2.3 and MANAGE 1.1
    for role in ("owner", "legal", "risk"):
        signed = run(
            "sign", SYSTEM, "--role", role, "--name", "R", "--key", str(key(role)), "-w", str(root)
        )
        assert signed[0] == 0, signed[1]
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert "overall  72/72 addressed" in out
    assert "GOV-09   done         signed off by legal, owner, risk" in out
    result = run_gate(root, release=True, today=TODAY)
    assert result.passed, [f"{f.code} {f.message}" for f in result.findings]


def test_a_genai_systems_retrieval_and_generation_evaluations_answer_mea_15(
    tmp_path: Path,
) -> None:
    # As for GATE-FA001: a GenAI system without predictions is evaluated by its retrieval
    # and generation evaluations, each with thresholds and its artifact written.
    root = build_workspace(
        tmp_path / "ws",
        {"genai": True, "evaluation": False, "edit": {CARD: [["evaluation:\n", "extensions:\n"]]}},
    )
    for command in ("evaluate-retrieval", "evaluate-generation"):
        assert run(command, SYSTEM, "-w", str(root))[0] == 0
    text = (root / CHECKLIST).read_text(encoding="utf-8")
    text = text.replace("  MEA-15:\n    status: done\n    evidence: [docs/evidence.md]\n", "")
    (root / CHECKLIST).write_text(text, encoding="utf-8")
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert code == 0, out
    assert "MEA-15   done         evaluated by retrieval and generation against 2 thresholds" in out
    assert f"systems/{SYSTEM}/retrieval.json" in out
    (root / f"systems/{SYSTEM}/generation.json").unlink()
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert (
        f"MEA-15   not-started  no generation.json yet: cardgate evaluate-generation {SYSTEM}"
        in out
    ), out


def test_the_automatic_answer_names_the_genai_artifact_that_is_missing(tmp_path: Path) -> None:
    # safety.json and operations.json are evidence of the evaluation too: the answer says
    # which of them is missing and how to write it, not "retrieval or generation"
    case = {"genai": True, "safety": True, "operations": True, "evaluation": False,
            "edit": {CARD: [["evaluation:\n", "extensions:\n"]]}}  # fmt: skip
    root = build_workspace(tmp_path / "ws", case)
    for command in ("evaluate-retrieval", "evaluate-generation", "evaluate-safety"):
        assert run(command, SYSTEM, "-w", str(root))[0] == 0
    text = (root / CHECKLIST).read_text(encoding="utf-8")
    text = text.replace("  MEA-15:\n    status: done\n    evidence: [docs/evidence.md]\n", "")
    (root / CHECKLIST).write_text(text, encoding="utf-8")
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert (
        f"no operations.json yet: cardgate evaluate-operations {SYSTEM}" in out
        and "retrieval or generation" not in out
    ), out
    assert run("evaluate-operations", SYSTEM, "-w", str(root))[0] == 0
    (root / f"systems/{SYSTEM}/safety.json").unlink()
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert f"no safety.json yet: cardgate evaluate-safety {SYSTEM}" in out, out
    assert run("evaluate-safety", SYSTEM, "-w", str(root))[0] == 0
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert code == 0, out
    assert "MEA-15   done         evaluated by retrieval, generation, safety and operations" in out


def test_coverage_of_a_broken_checklist_fails_with_its_position(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws", {"edit": {CHECKLIST: [["status: approved", "status: finished"]]}}
    )
    result = runner.invoke(app, ["coverage", SYSTEM, "-w", str(root)])
    assert result.exit_code == 1
    assert f"{CHECKLIST}:5:9: CG102 'status' must be one of" in result.output
    assert "no checklist answers" not in result.output


def test_signoffs_carry_the_schema_modeline(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    first = (root / f"systems/{SYSTEM}/signoffs.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../.schemas/signoffs.schema.json"


def test_a_written_answer_the_documents_contradict_counts_as_partial(tmp_path: Path) -> None:
    """A written answer wins over cardgate's own, not against it: 'GOV-07 done' beside a
    model card whose owner has no role counted as done, towards coverage and the items
    the policy requires, though cardgate's check of the item finds it missing."""
    root = build_workspace(
        tmp_path / "ws",
        {"edit": {CARD: [["  - {name: Ada Owner, role: model owner}\n", "  - name: Ada Owner\n"]]}},
    )
    # the sign-offs stand as given: only GOV-07 is contradicted
    result = run_gate(root, release=True, today=TODAY, systems=[SYSTEM], recompute=False)
    contradicted = [f for f in result.findings if f.code == "GATE-CK003"]
    assert [(f.path, f.line, f.location) for f in contradicted] == [
        (CHECKLIST, _line(root, CHECKLIST, "GOV-07:") + 1, "items.GOV-07.status")
    ]
    assert contradicted[0].message == (
        "'GOV-07' is answered done, but cardgate's check 'owners-named' finds otherwise: "
        "the model card's owners are not all named with a role; it counts as partial"
    )
    code, out = run("coverage", SYSTEM, "-w", str(root))
    assert code == 0, out
    assert "GOV-07 partial" in out and "GOVERN   18/19 addressed" in out
    # a policy requiring the item does not count it done
    policy = root / "policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8")
        + "tiers:\n  high:\n    required_items:\n      nist-ai-rmf-core: [GOV-07]\n",
        encoding="utf-8",
    )
    result = run_gate(root, release=True, today=TODAY, systems=[SYSTEM], recompute=False)
    [required] = [f for f in result.findings if f.code == "GATE-CK004"]
    assert required.message.startswith(
        "'GOV-07' is answered done but counts as partial: the model card's owners are not "
    )


def test_a_stale_sign_off_its_item_claims_current_counts_as_partial_until_signed(
    tmp_path: Path,
) -> None:
    """'GOV-09 done' (sign-offs current) is contradicted once a document changes: it counts
    as partial, reported by the sign-off rules alone (not again as GATE-CK003), and
    `cardgate sign` settles it."""
    root = build_workspace(tmp_path / "ws")
    card = root / CARD
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("for manual review.", "for review."), encoding="utf-8")
    result = run_gate(root, release=True, today=TODAY, systems=[SYSTEM], recompute=False)
    assert "GATE-SO002" in {f.code for f in result.findings}
    assert "GATE-CK003" not in {f.code for f in result.findings}
    _, out = run("coverage", SYSTEM, "-w", str(root))
    assert "GOV-09 partial" in out and "GOVERN   18/19 addressed" in out, out
    for role in ("owner", "legal", "risk"):
        signed = run(
            "sign", SYSTEM, "--role", role, "--name", "R", "--key", str(key(role)), "-w", str(root)
        )
        assert signed[0] == 0, signed[1]
    result = run_gate(root, release=True, today=TODAY, systems=[SYSTEM], recompute=False)
    assert result.passed, [f"{f.code} {f.message}" for f in result.findings]
    assert "GOVERN   19/19 addressed" in run("coverage", SYSTEM, "-w", str(root))[1]
