"""`cardgate status`: the gate's release findings as ordered steps, with places and commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.gate.status import STEPS, step_of, workspace_status

from .conftest import SYSTEM, TODAY, build_workspace

runner = CliRunner()
CARD = f"systems/{SYSTEM}/model-card.yaml"
CHECKLIST = f"systems/{SYSTEM}/checklist-nist-ai-rmf-core.yaml"


def status(root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["status", "-w", str(root), "--today", TODAY.isoformat(), *args],
        catch_exceptions=False,
    )
    return result.exit_code, result.output


def _line_of(root: Path, name: str, text: str) -> int:
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(text))


def test_a_passing_system_is_ready(workspace: Path) -> None:
    code, out = status(workspace)
    assert code == 0, out
    assert out.splitlines() == [
        f"{SYSTEM} (risk tier high)",
        f"  {SYSTEM}: 9 of 9 steps clear, checklist items 61/61 done, ready to ship",
    ]


def test_what_is_left_comes_in_order_with_places_and_commands(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {CARD: [["  developers: Credit analytics team", "  developers: TODO"]]},
            "evaluation": False,
            "sign": ["owner"],
        },
    )
    code, out = status(root)
    assert code == 1
    lines = out.splitlines()
    steps = [line.strip() for line in lines if line[:5].strip()[:1].isdigit()]
    assert steps == [
        "1. Fill in the model card",
        "2. Evaluate the model",
        "3. Answer the checklists",
        "4. Collect the sign-offs",
    ]
    # the checklist's 'MEA-15 done' claims the evaluation cardgate finds missing
    assert "GATE-CK003  'MEA-15' is answered done, but cardgate's check 'evaluation-present'" in out
    developers = _line_of(root, CARD, "  developers:")
    assert f"{CARD}:{developers}:3  GATE-MC002  'model_details.developers'" in out
    assert f"hint: run: cardgate evaluate {SYSTEM}" in out
    # a high-risk system: the baseline counts only SSH-signed sign-offs, and the hint says so
    assert (
        f"hint: cardgate sign {SYSTEM} --role legal --key PATH; PATH is the signer's SSH key" in out
    )
    assert (
        f"hint: cardgate sign {SYSTEM} --role risk --key PATH; PATH is the signer's SSH key" in out
    )
    assert '--name "NAME"' not in out
    assert "clear: documents, policy, data, thresholds, review" in out
    assert lines[-1] == (
        f"  {SYSTEM}: 5 of 9 steps clear, checklist items 60/61 done, 5 findings left"
    )


def test_open_checklist_items_are_listed_by_nist_function(tmp_path: Path) -> None:
    checklist = (
        "kind: checklist\nschema_version: 1\nsystem: loan-approval\n"
        "checklist: nist-ai-rmf-core\nstatus: draft\nitems:\n"
    )
    from cardgate.frameworks.definitions import shipped_definitions

    definition = shipped_definitions().get("nist-ai-rmf-core")
    assert definition is not None
    for item in definition.model.items:
        if item.id.startswith("MEA-"):  # MEASURE left open: partial or not started
            status_text = "partial" if item.id == "MEA-01" else "not-started"
            checklist += f"  {item.id}:\n    status: {status_text}\n"
        else:
            checklist += f"  {item.id}:\n    status: done\n    evidence: [docs/evidence.md]\n"
    root = build_workspace(tmp_path / "ws", {"edit": {CHECKLIST: checklist}})
    report = workspace_status(root, today=TODAY)
    system = report.systems[0]
    step = next(step for step in system.steps if step.key == "checklists")
    assert [gap.function for gap in step.gaps] == ["MEASURE"]
    gap = step.gaps[0]
    assert gap.minimum == 0.5
    assert gap.needed == 11 - gap.addressed
    assert gap.items[0].item == "MEA-01" and gap.items[0].status == "partial"
    assert {item.item for item in gap.items} <= {i.id for i in definition.model.items}
    for item in gap.items:
        assert item.path == CHECKLIST
        assert item.line == _line_of(root, CHECKLIST, f"  {item.item}:")
        assert item.column == 3
        assert item.question == " ".join(definition.items[item.item].question.split())
    code, out = status(root)
    assert code == 1
    assert f"address {gap.needed} more MEASURE subcategories to reach 50%; open items:" in out
    assert f"{CHECKLIST}:{gap.items[0].line}:3  MEA-01 partial" in out
    assert "see which are missing" not in out  # the items are listed instead of the hint


def test_json_output_carries_the_same_steps(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner", "legal"]})
    code, out = status(root, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["ready"] is False
    (system,) = data["systems"]
    assert [step["step"] for step in system["steps"]] == [kind.key for kind in STEPS]
    signoffs = next(step for step in system["steps"] if step["step"] == "signoffs")
    assert signoffs["clear"] is False
    assert [f["code"] for f in signoffs["findings"]] == ["GATE-SO001"]
    assert signoffs["findings"][0]["hint"].startswith(f"cardgate sign {SYSTEM} --role risk --key ")
    assert all(step["clear"] for step in system["steps"] if step["step"] != "signoffs")


def test_steps_the_gate_could_not_check_are_not_clear(tmp_path: Path) -> None:
    """A card that does not validate: the rules behind every step but the documents'
    did not run, so none of those steps is shown (or counted) as clear."""
    root = build_workspace(
        tmp_path / "ws", {"edit_after": {CARD: [["risk_tier: high", "risk_tier: huge"]]}}
    )
    code, out = status(root)
    assert code == 1
    assert "  clear:" not in out
    assert (
        "  not checked until the model card validates: policy, model-card, data, evaluation, "
        "thresholds, checklists, review, signoffs"
    ) in out
    assert f"{SYSTEM}: 0 of 9 steps clear, 8 not checked" in out
    code, out = status(root, "--format", "json")
    (system,) = json.loads(out)["systems"]
    unchecked = [step["step"] for step in system["steps"] if not step["checked"]]
    assert unchecked == [kind.key for kind in STEPS[1:]]
    assert not any(step["clear"] for step in system["steps"])


def test_every_rule_belongs_to_a_step() -> None:
    from cardgate.gate.rules import RULES

    unplaced = [
        rule.code
        for rule in RULES
        if step_of(rule.code).key == "other" and not rule.code.startswith(("GATE-WV", "GATE-INT"))
    ]
    assert unplaced == []
    assert step_of("GATE-FA001").key == "evaluation"
    assert step_of("GATE-FA003").key == "thresholds"
    assert step_of("GATE-BA001").key == "thresholds"  # the policy's minimum impact ratio
    assert step_of("GATE-RAG001").key == "evaluation"  # evaluate the retrieval first
    assert step_of("GATE-RAG002").key == "thresholds"
    assert step_of("GATE-RAG003").key == "thresholds"
    assert step_of("GATE-GEN001").key == "evaluation"
    assert step_of("GATE-GAI001").key == "evaluation"  # the evaluations the tier requires
    assert step_of("GATE-GEN002").key == "thresholds"


def test_unknown_system_is_a_usage_error(workspace: Path) -> None:
    result = runner.invoke(app, ["status", "nope", "-w", str(workspace)])
    assert result.exit_code == 2
    assert "unknown system 'nope'" in result.output


def test_text_gate_report_prints_each_hint(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner", "legal"]})
    result = runner.invoke(
        app, ["gate", "-w", str(root), "--release", "--today", TODAY.isoformat()]
    )
    lines = result.output.splitlines()
    index = next(i for i, line in enumerate(lines) if "GATE-SO001" in line)
    assert lines[index + 1].startswith(f"    hint: cardgate sign {SYSTEM} --role risk --key PATH")


def test_the_hint_names_a_name_where_the_policy_counts_unsigned_sign_offs(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner", "legal"]})
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        "tiers:\n  high:\n    allow_unsigned_signoffs: true\n"
    )
    result = runner.invoke(
        app, ["gate", "-w", str(root), "--release", "--today", TODAY.isoformat()]
    )
    lines = result.output.splitlines()
    index = next(i for i, line in enumerate(lines) if "GATE-SO001" in line)
    assert lines[index + 1] == f'    hint: cardgate sign {SYSTEM} --role risk --name "NAME"'


def test_status_in_a_subprocess_imports_no_heavy_library(workspace: Path) -> None:
    import os
    import subprocess
    import sys

    from .test_gate_cli import PROBE

    env = {**os.environ, "CARDGATE_TODAY": TODAY.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "status", "-w", str(workspace)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ready to ship" in done.stdout
    assert "HEAVY:\n" in done.stderr


def test_the_site_shows_only_the_command_of_a_signing_hint_as_code(tmp_path: Path) -> None:
    from cardgate.site.escape import command_text

    root = build_workspace(tmp_path / "ws", {"sign": ["owner", "legal"]})
    _, out = status(root, "--format", "json")
    system = json.loads(out)["systems"][0]
    signoffs = next(step for step in system["steps"] if step["step"] == "signoffs")
    html = str(command_text(signoffs["findings"][0]["hint"]))
    assert f"<code>cardgate sign {SYSTEM} --role risk --key PATH</code>; PATH is" in html


def test_a_stale_unsigned_sign_off_is_renewed_with_a_key_where_only_signed_ones_count(
    tmp_path: Path,
) -> None:
    from cardgate.documents.workspace import load_workspace
    from cardgate.gate.signoffs import sign

    root = build_workspace(tmp_path / "ws", {"sign": ["legal", "risk"]})
    sign(load_workspace(root), SYSTEM, role="owner", name="Ada Owner", today=TODAY, key=None)
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("name: Loan approval\n", "name: Loan approval v2\n", 1))
    result = runner.invoke(
        app, ["gate", "-w", str(root), "--release", "--today", TODAY.isoformat()]
    )
    lines = result.output.splitlines()
    stale = [i for i, line in enumerate(lines) if "GATE-SO002" in line and "Ada Owner" in line]
    assert stale, result.output
    assert lines[stale[0] + 1].endswith(f"cardgate sign {SYSTEM} --role owner --key PATH")


def test_a_fresh_cards_missing_evaluation_points_at_the_section_the_template_commented_out(
    tmp_path: Path,
) -> None:
    """`cardgate new model-card` writes 'evaluation:' commented out near the end of the
    card; 'evaluation is missing' at line 7 ('kind:') with "fill in this section" sent a new
    user to write it from nothing. Status, gate and evaluate point at the commented block."""
    root = tmp_path / "ws"
    for args in (["init", str(root)], ["new", "model-card", "fresh", "-w", str(root)]):
        assert runner.invoke(app, args, catch_exceptions=False).exit_code == 0
    card = "systems/fresh/model-card.yaml"
    line = _line_of(root, card, "# evaluation:")
    assert line > 100
    code, out = status(root)
    assert code == 1
    hint = "hint: uncomment the 'evaluation:' section the template left here"
    assert f"{card}:{line}:1  GATE-MC002  'evaluation' is missing" in out
    assert f"{card}:{line}:1  GATE-FA001  no 'evaluation' section" in out
    assert out.count(hint) == 2, out
    evaluate = runner.invoke(app, ["evaluate", "fresh", "-w", str(root)], catch_exceptions=False)
    assert evaluate.exit_code == 2
    # the card's path as the command shows paths: from the current folder
    assert "uncomment the 'evaluation:' section the template left at " in evaluate.output
    assert f"{card}:{line} and fill it in" in evaluate.output


def test_a_todo_where_a_date_or_a_choice_goes_is_reported_as_the_placeholder(
    tmp_path: Path,
) -> None:
    """A fresh card holds 'last_reviewed: TODO' and 'likelihood: TODO'; the schema reads a
    placeholder there as absent, and the gate said "'last_reviewed' is missing" about a
    line the user can see filled with TODO."""
    root = tmp_path / "ws"
    for args in (["init", str(root)], ["new", "model-card", "fresh", "-w", str(root)]):
        assert runner.invoke(app, args, catch_exceptions=False).exit_code == 0
    card = "systems/fresh/model-card.yaml"
    reviewed = _line_of(root, card, "last_reviewed: TODO")
    likelihood = _line_of(root, card, "    likelihood: TODO")
    code, out = status(root)
    assert code == 1
    assert (
        f"{card}:{reviewed}:1  GATE-MC002  'last_reviewed' is still the template placeholder "
        "(TODO)" in out
    )
    assert (
        f"{card}:{likelihood}:5  GATE-MC001  'risks.0.likelihood' is still the template "
        "placeholder (TODO) (required)" in out
    )
    assert "is missing (required)" not in out and "'last_reviewed' is missing" not in out


def test_ready_to_ship_says_how_many_warnings_the_gate_left(tmp_path: Path) -> None:
    """A system that may ship with warnings (inconclusive thresholds, an unused waiver)
    read 'ready to ship' and nothing more: the warnings were seen only with cardgate
    gate. The progress line now counts them and says where they are listed."""
    waiver = (
        "kind: waivers\nschema_version: 1\nwaivers:\n  - rule: GATE-FA003\n"
        f"    system: {SYSTEM}\n    justification: Retraining.\n    approver: Risk Owner\n"
        "    expires: 2026-12-31\n"
    )
    root = build_workspace(tmp_path / "ws", {"edit": {"waivers.yaml": waiver}})
    code, out = status(root)
    assert code == 0, out
    assert out.splitlines()[-1] == (
        f"  {SYSTEM}: 9 of 9 steps clear, checklist items 61/61 done, ready to ship, "
        "1 warning (cardgate gate lists it)"
    )
