"""Checks of checklist answers against their definition, each with its line:col."""

from __future__ import annotations

from collections.abc import Callable

from cardgate.documents.workspace import Workspace
from cardgate.frameworks.answers import check_answers, unanswered_items
from cardgate.frameworks.definitions import workspace_definitions

WorkspaceFactory = Callable[[dict[str, str]], Workspace]
CardText = Callable[[str, str], str]

DEFINITION = """\
kind: checklist-definition
schema_version: 1
id: acme-mini
title: Acme mini
version: "1"
framework: nist-ai-rmf-1.0
items:
  - id: MINI-01
    question: Is the legal review done?
    maps_to: [GOVERN 1.1]
  - id: MINI-02
    question: Is the inventory entry complete?
    maps_to: [GOVERN 1.6]
  - id: MINI-03
    question: Is fairness evaluated?
    maps_to: [MEASURE 2.11]
    evidence_required: false
  - id: MINI-04
    question: Was an independent review done?
    maps_to: [MEASURE 1.3]
    applies_to: [high, unacceptable]
  - id: MINI-05
    question: Is a light-touch review recorded?
    maps_to: [GOVERN 1.3]
    applies_to: [minimal]
"""

ANSWERS = """\
kind: checklist
schema_version: 1
system: credit
checklist: acme-mini
status: draft
items:
  MINI-01:
    status: done
  MINI-02:
    status: not-applicable
  MINI-09:
    status: not-started
  MINI-03:
    status: done
    evidence: [docs/missing.md, ../outside.md, "https://example.org/x", ftp://host/f, docs/ok.md]
"""


def found(workspace: Workspace) -> list[str]:
    return [
        f"{p.path.rsplit('/', 1)[-1]}:{p.line}:{p.column} {p.code} {p.message}"
        for p in check_answers(workspace)
    ]


def test_each_bad_answer_is_reported_at_its_line_and_column(
    make_workspace: WorkspaceFactory,
    model_card: CardText,
) -> None:
    workspace = make_workspace(
        {
            "checklists/acme.yaml": DEFINITION,
            "systems/credit/model-card.yaml": model_card("credit", "high"),
            "systems/credit/checklist.yaml": ANSWERS,
            "docs/ok.md": "evidence\n",
        }
    )
    assert workspace.problems == []
    assert found(workspace) == [
        "checklist.yaml:8:13 CL103 'MINI-01' is done but lists no evidence",
        "checklist.yaml:10:13 CL106 'MINI-02' is not-applicable without a justification",
        "checklist.yaml:11:3 CL101 'MINI-09' is not an item of 'acme-mini'",
        "checklist.yaml:15:16 CL104 evidence 'docs/missing.md' does not exist",
        "checklist.yaml:15:33 CL105 evidence path '../outside.md' leads outside the workspace",
        "checklist.yaml:15:73 CL107 evidence 'ftp://host/f' is neither a workspace path nor an "
        "http(s) URL",
    ]


def test_correct_answers_have_no_problems(
    make_workspace: WorkspaceFactory, model_card: CardText
) -> None:
    answers = """\
kind: checklist
schema_version: 1
system: credit
checklist: acme-mini
status: draft
items:
  MINI-01: {status: done, evidence: [docs/ok.md]}
  MINI-02: {status: not-applicable, justification: Not in the inventory's scope.}
  MINI-03: {status: done}
  MINI-04: {status: not-started}
"""
    workspace = make_workspace(
        {
            "checklists/acme.yaml": DEFINITION,
            "systems/credit/model-card.yaml": model_card("credit", "high"),
            "systems/credit/checklist.yaml": answers,
            "docs/ok.md": "evidence\n",
        }
    )
    assert found(workspace) == []


def test_tier_decides_which_items_must_be_answered(
    make_workspace: WorkspaceFactory, model_card: CardText
) -> None:
    """Validate leaves unanswered items to the gate (GATE-CK004), which asks the tier's."""
    answers = ANSWERS.split("items:")[0] + "items:\n  MINI-01: {status: not-started}\n"
    workspace = make_workspace(
        {
            "checklists/acme.yaml": DEFINITION,
            "systems/credit/model-card.yaml": model_card("credit", "minimal"),
            "systems/credit/checklist.yaml": answers,
        }
    )
    assert found(workspace) == []
    definition = workspace_definitions(workspace).get("acme-mini")
    assert definition is not None
    model = workspace.systems["credit"].checklist_models()[0]
    assert unanswered_items(model, definition, "minimal", automatic=()) == [
        "MINI-02",
        "MINI-03",
        "MINI-05",
    ]
    assert unanswered_items(model, definition, "high", automatic=("MINI-02",)) == [
        "MINI-03",
        "MINI-04",
    ]


def test_absolute_evidence_path_is_refused(
    make_workspace: WorkspaceFactory, model_card: CardText
) -> None:
    answers = (
        ANSWERS.split("items:")[0]
        + "items:\n  MINI-03: {status: partial, evidence: [/etc/passwd]}\n"
    )
    workspace = make_workspace(
        {
            "checklists/acme.yaml": DEFINITION,
            "systems/credit/model-card.yaml": model_card("credit", "minimal"),
            "systems/credit/checklist.yaml": answers,
        }
    )
    escapes = [line for line in found(workspace) if " CL105 " in line]
    assert escapes == [
        "checklist.yaml:7:41 CL105 evidence path '/etc/passwd' is absolute; use a path relative "
        "to the workspace"
    ]


def test_unknown_definition_and_duplicate_answers(
    make_workspace: WorkspaceFactory, model_card: CardText
) -> None:
    header = ANSWERS.split("checklist: acme-mini")[0]
    workspace = make_workspace(
        {
            "systems/credit/model-card.yaml": model_card("credit", "high"),
            "systems/credit/checklist-a.yaml": header
            + "checklist: nist-ai-rmf-cor\nstatus: draft\nitems: {}\n",
            "systems/credit/checklist-b.yaml": header
            + "checklist: nist-genai-profile\nstatus: draft\nitems: {}\n",
            "systems/credit/checklist-c.yaml": header
            + "checklist: nist-genai-profile\nstatus: draft\nitems: {}\n",
        }
    )
    problems = {p.code: p for p in check_answers(workspace)}
    unknown = problems["CL100"]
    assert (unknown.path.rsplit("/", 1)[-1], unknown.line, unknown.column) == (
        "checklist-a.yaml",
        4,
        12,
    )
    assert unknown.hint == "did you mean 'nist-ai-rmf-core'?"
    duplicate = problems["CL108"]
    assert (duplicate.path.rsplit("/", 1)[-1], duplicate.line) == ("checklist-c.yaml", 4)
    assert "checklist-b.yaml" in duplicate.message


def test_workspace_definition_problems_are_reported_with_the_answers(
    make_workspace: WorkspaceFactory,
    model_card: CardText,
) -> None:
    broken = DEFINITION.replace("maps_to: [GOVERN 1.6]", "maps_to: [GOVERN 1.66]")
    workspace = make_workspace({"checklists/acme.yaml": broken})
    assert [p.code for p in check_answers(workspace)] == ["CL003"]


def test_evidence_written_from_the_checklist_folder_says_the_path_to_write(
    make_workspace: WorkspaceFactory, model_card: CardText
) -> None:
    """Evidence is read from the workspace's folder; 'model-card.yaml#risks', written from
    the checklist's folder beside the card, was 'does not exist' with the general hint.
    The hint is now the path to write, its section kept."""
    answers = ANSWERS.replace(
        '[docs/missing.md, ../outside.md, "https://example.org/x", ftp://host/f, docs/ok.md]',
        "[model-card.yaml#risks, docs/missing.md]",
    )
    workspace = make_workspace(
        {
            "checklists/acme.yaml": DEFINITION,
            "systems/credit/model-card.yaml": model_card("credit", "high"),
            "systems/credit/checklist.yaml": answers,
        }
    )
    hints = {p.message: p.hint for p in check_answers(workspace) if p.code == "CL104"}
    assert hints == {
        "evidence 'model-card.yaml' does not exist": "did you mean "
        "'systems/credit/model-card.yaml#risks'? paths are relative to the workspace root "
        "(the folder with cardgate.yaml)",
        "evidence 'docs/missing.md' does not exist": "paths are relative to the workspace "
        "root (the folder with cardgate.yaml)",
    }
