"""Coverage: status rules, roll-ups, the JSON form, text/CSV/Markdown and the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import Workspace
from cardgate.frameworks.catalog import load_catalog
from cardgate.frameworks.coverage import compute_coverage, workspace_coverage
from cardgate.frameworks.coverage_report import render
from cardgate.frameworks.coverage_results import SystemAnswers, subcategory_status
from cardgate.frameworks.definitions import shipped_definitions

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
  - {id: MINI-01, question: Legal review?, maps_to: [GOVERN 1.1]}
  - {id: MINI-02, question: Inventory?, maps_to: [GOVERN 1.6]}
  - {id: MINI-03, question: Fairness?, maps_to: [MEASURE 2.11], evidence_required: false}
  - {id: MINI-04, question: Independent review?, maps_to: [MEASURE 1.3], applies_to: [high]}
  - {id: MINI-05, question: Light review?, maps_to: [GOVERN 1.3], applies_to: [minimal]}
"""

CREDIT = """\
kind: checklist
schema_version: 1
system: credit
checklist: acme-mini
status: draft
items:
  MINI-01: {status: done, evidence: [docs/ok.md]}
  MINI-02: {status: not-applicable, justification: No inventory yet.}
  MINI-03: {status: partial}
  MINI-04: {status: not-started}
"""

CHAT = """\
kind: checklist
schema_version: 1
system: chat
checklist: acme-mini
status: draft
items:
  MINI-01: {status: partial}
  MINI-05: {status: done, evidence: [docs/ok.md]}
"""


@pytest.fixture
def portfolio_workspace(make_workspace: WorkspaceFactory, model_card: CardText) -> Workspace:
    return make_workspace(
        {
            "checklists/acme.yaml": DEFINITION,
            "systems/credit/model-card.yaml": model_card("credit", "high"),
            "systems/credit/checklist.yaml": CREDIT,
            "systems/chat/model-card.yaml": model_card("chat", "minimal"),
            "systems/chat/checklist.yaml": CHAT,
            "docs/ok.md": "evidence\n",
        }
    )


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "missing"),
        (["done"], "addressed"),
        (["done", "not-applicable"], "addressed"),
        (["not-applicable"], "addressed"),
        (["done", "not-started"], "partial"),
        (["partial"], "partial"),
        (["not-applicable", "unanswered"], "partial"),
        (["not-started", "unanswered"], "missing"),
    ],
)
def test_subcategory_status_rule(statuses: list[str], expected: str) -> None:
    assert subcategory_status(statuses) == expected


def render_to_text(workspace: Workspace, output_format: str, **options: object) -> str:
    stream = io.StringIO()
    portfolio = workspace_coverage(workspace)
    if "system" in options:
        from cardgate.frameworks.coverage_report import select_system

        portfolio = select_system(portfolio, str(options.pop("system")))
    crosswalk = None
    if "crosswalk" in options:
        crosswalk = load_catalog().crosswalk(str(options.pop("crosswalk")))
    render(portfolio, stream, output_format=output_format, crosswalk=crosswalk)
    return stream.getvalue()


def test_statuses_and_rollups_follow_answers_and_tiers(portfolio_workspace: Workspace) -> None:
    portfolio = workspace_coverage(portfolio_workspace)
    assert [c.system for c in portfolio.systems] == ["chat", "credit"]
    credit = portfolio.system("credit")
    assert credit.risk_tier == "high"
    assert credit.status_of("GOVERN 1.1") == "addressed"  # done
    assert credit.status_of("GOVERN 1.6") == "addressed"  # not-applicable
    assert credit.status_of("MEASURE 2.11") == "partial"
    assert credit.status_of("MEASURE 1.3") == "missing"  # not-started
    assert credit.status_of("GOVERN 1.3") == "missing"  # its only item is for minimal
    assert (credit.overall.addressed, credit.overall.partial, credit.overall.missing) == (2, 1, 69)
    governance = credit.functions[0]
    assert (governance.id, governance.addressed, governance.total) == ("GOVERN", 2, 19)
    assert governance.percent_addressed == 10.5
    govern_1 = credit.categories[0]
    assert (govern_1.id, govern_1.addressed, govern_1.total) == ("GOVERN 1", 2, 7)
    chat = portfolio.system("chat")
    assert chat.status_of("GOVERN 1.3") == "addressed"
    assert chat.status_of("GOVERN 1.1") == "partial"
    assert chat.status_of("MEASURE 1.3") == "missing"  # MINI-04 does not apply to minimal
    assert [s.item for s in chat.subcategories[5].items] == ["MINI-02"]  # GOVERN 1.6
    assert chat.subcategories[5].items[0].status == "unanswered"
    overall = portfolio.overall()
    assert (overall.total, overall.addressed, overall.partial) == (144, 3, 2)


def test_json_form(portfolio_workspace: Workspace) -> None:
    data = json.loads(render_to_text(portfolio_workspace, "json", crosswalk="iso-42001"))
    assert data["format"] == "cardgate-coverage" and data["format_version"] == 1
    assert data["framework"]["subcategories"] == 72
    assert data["checklists"] == [{"id": "acme-mini", "title": "Acme mini", "version": "1"}]
    assert [s["system"] for s in data["systems"]] == ["chat", "credit"]
    credit = data["systems"][1]
    assert credit["overall"] == {
        "total": 72,
        "addressed": 2,
        "partial": 1,
        "missing": 69,
        "percent_addressed": 2.8,
    }
    assert credit["functions"][2]["id"] == "MEASURE"
    assert credit["functions"][2]["partial"] == 1
    first = credit["subcategories"][0]
    assert first == {
        "id": "GOVERN 1.1",
        "function": "GOVERN",
        "category": "GOVERN 1",
        "status": "addressed",
        "items": [{"checklist": "acme-mini", "item": "MINI-01", "status": "done"}],
    }
    matrix = data["matrix"]
    assert matrix["systems"] == ["chat", "credit"]
    assert len(matrix["rows"]) == 72
    assert matrix["rows"][matrix["subcategories"].index("GOVERN 1.1")] == ["partial", "addressed"]
    assert data["portfolio"]["functions"][0] == {
        "id": "GOVERN",
        "total": 38,
        "addressed": 3,
        "partial": 1,
        "missing": 34,
        "percent_addressed": 7.9,
    }
    crosswalk = data["crosswalk"]
    assert crosswalk["id"] == "ai-rmf-1.0-to-iso-iec-42001"
    refs = {r["reference"]: r for r in crosswalk["systems"][1]["references"]}
    assert refs["B.2.4"]["status"] == "addressed"  # only GOVERN 1.1 maps to it
    assert refs["4.1"] == {
        "reference": "4.1",
        "status": "partial",
        "subcategories": ["GOVERN 1.1", "MAP 1.3", "MAP 1.4", "MAP 4.1"],
        "addressed": ["GOVERN 1.1"],
    }
    assert refs["8.2"]["status"] == "missing"


def test_json_is_deterministic(portfolio_workspace: Workspace) -> None:
    assert render_to_text(portfolio_workspace, "json") == render_to_text(
        portfolio_workspace, "json"
    )


def test_csv_has_a_row_per_system_and_subcategory(portfolio_workspace: Workspace) -> None:
    rows = list(csv.DictReader(io.StringIO(render_to_text(portfolio_workspace, "csv"))))
    assert len(rows) == 144
    row = next(r for r in rows if r["system"] == "credit" and r["subcategory"] == "MEASURE 2.11")
    assert row == {
        "system": "credit",
        "risk_tier": "high",
        "function": "MEASURE",
        "category": "MEASURE 2",
        "subcategory": "MEASURE 2.11",
        "status": "partial",
        "items": "acme-mini:MINI-03=partial",
    }


def test_csv_with_crosswalk_lists_references(portfolio_workspace: Workspace) -> None:
    text = render_to_text(portfolio_workspace, "csv", crosswalk="iso-42001")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() == {
        "system",
        "crosswalk",
        "reference",
        "status",
        "subcategories",
        "addressed",
    }
    b24 = [r for r in rows if r["reference"] == "B.2.4"]
    assert [(r["system"], r["status"]) for r in b24] == [
        ("chat", "partial"),
        ("credit", "addressed"),
    ]


def test_markdown_summary_and_single_system_detail(portfolio_workspace: Workspace) -> None:
    text = render_to_text(portfolio_workspace, "markdown")
    assert "| System | Risk tier | Overall | GOVERN | MAP | MEASURE | MANAGE |" in text
    assert (
        "| credit | high | 2.8% (2/72) | 10.5% (2/19) | 0.0% (0/18) | 0.0% (0/22) | 0.0% (0/13) |"
        in text
    )
    assert "### credit" not in text  # detail only for one system
    single = render_to_text(portfolio_workspace, "markdown", system="credit", crosswalk="iso-42001")
    assert "| MEASURE 2.11 | ◐ partial | MINI-03 (partial) |" in single
    assert "| GOVERN 1.3 | ✘ missing |  |" in single
    assert "| B.2.4 | ✔ addressed | GOVERN 1.1 |" in single


def test_text_for_one_system_lists_what_is_open(portfolio_workspace: Workspace) -> None:
    text = render_to_text(portfolio_workspace, "text", system="credit")
    assert "credit (risk tier: high; acme-mini)" in text
    assert "  overall  2/72 addressed (2.8%), 1 partial, 69 missing" in text
    assert "  GOVERN   2/19 addressed (10.5%), 0 partial, 17 missing" in text
    partial = text.split("  partial:\n")[1]
    assert partial.startswith("    MEASURE 2.11  Fairness and bias")
    assert "items: MINI-03 partial" in partial
    missing = text.split("  missing:\n")[1].split("  partial:\n")[0]
    assert "GOVERN 1.3" in missing and "none for this tier" in missing
    assert "GOVERN 1.1 " not in missing


def test_text_for_the_portfolio_has_a_total(portfolio_workspace: Workspace) -> None:
    text = render_to_text(portfolio_workspace, "text")
    assert "portfolio (2 systems)" in text
    assert "  overall  3/144 addressed (2.1%), 2 partial, 139 missing" in text
    assert "  missing:" not in text


def test_text_and_markdown_show_the_subcategory_by_system_matrix(
    portfolio_workspace: Workspace,
) -> None:
    text = render_to_text(portfolio_workspace, "text")
    lines = text.splitlines()
    header = lines.index("subcategory x system (✔ addressed, ◐ partial, ✘ missing)")
    assert lines[header + 1].split() == ["chat", "credit"]
    rows = {
        line.split()[0] + " " + line.split()[1]: line.split()[2:] for line in lines[header + 2 :]
    }
    assert len(rows) == 72
    assert rows["GOVERN 1.1"] == ["◐", "✔"]  # chat partial, credit done
    assert rows["GOVERN 1.3"] == ["✔", "✘"]  # its only item applies to minimal tiers
    assert rows["MEASURE 2.11"][1] == "◐"
    markdown = render_to_text(portfolio_workspace, "markdown")
    assert "| Subcategory | chat | credit |" in markdown
    assert "| GOVERN 1.3 | ✔ | ✘ |" in markdown


def test_cli_coverage(portfolio_workspace: Workspace) -> None:
    runner = CliRunner()
    root = str(portfolio_workspace.root)
    result = runner.invoke(app, ["coverage", "credit", "--format", "json", "--workspace", root])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["system"] for s in data["systems"]] == ["credit"]
    assert data["crosswalk"] is None
    result = runner.invoke(
        app, ["coverage", "--workspace", root, "--crosswalk", "iso-42001", "-f", "markdown"]
    )
    assert result.exit_code == 0, result.output
    assert "### NIST AI RMF to ISO/IEC FDIS 42001" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["credt"], "no system 'credt'"),
        (["--format", "xml"], "unknown format 'xml'"),
        (["--crosswalk", "iso-9001"], "unknown crosswalk 'iso-9001'"),
    ],
)
def test_cli_coverage_usage_errors(
    portfolio_workspace: Workspace, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        app, ["coverage", *args, "--workspace", str(portfolio_workspace.root)]
    )
    assert result.exit_code == 2
    assert message in result.output


def test_cli_validate_reports_answer_problems(
    make_workspace: WorkspaceFactory, model_card: CardText
) -> None:
    workspace = make_workspace(
        {
            "checklists/acme.yaml": DEFINITION,
            "systems/credit/model-card.yaml": model_card("credit", "high"),
            "systems/credit/checklist.yaml": CREDIT.replace(
                "{status: done, evidence: [docs/ok.md]}", "{status: done}"
            ),
        }
    )
    result = CliRunner().invoke(app, ["validate", "--workspace", str(workspace.root)])
    assert result.exit_code == 1
    assert "checklist.yaml:7:21: CL103 'MINI-01' is done but lists no evidence" in result.output


def test_every_shipped_item_done_addresses_every_subcategory() -> None:
    definitions = shipped_definitions().definitions
    answers = {cid: {item.id: "done" for item in d.model.items} for cid, d in definitions.items()}
    portfolio = compute_coverage(
        load_catalog(), definitions, [SystemAnswers("all-done", "minimal", answers)]
    )
    assert portfolio.systems[0].overall.addressed == 72
    assert portfolio.systems[0].overall.percent_addressed == 100.0


def test_memoised_coverage_follows_the_answers_not_the_system() -> None:
    from cardgate.frameworks.coverage import compute_system_coverage

    definitions = shipped_definitions().definitions
    cid = "nist-ai-rmf-core"
    items = [item.id for item in definitions[cid].model.items]
    done = {cid: dict.fromkeys(items, "done")}
    half = {cid: {item: "done" for item in items[: len(items) // 2]}}
    catalog = load_catalog()
    first = compute_system_coverage(catalog, definitions, SystemAnswers("a", "high", done))
    second = compute_system_coverage(catalog, definitions, SystemAnswers("b", "high", done))
    other = compute_system_coverage(catalog, definitions, SystemAnswers("a", "high", half))
    assert (first.system, second.system) == ("a", "b")
    assert first.subcategories == second.subcategories
    assert other.overall != first.overall
    # A fresh computation (separate definitions, cold per-call cache) agrees with the memo.
    again = compute_system_coverage(
        catalog, shipped_definitions().definitions, SystemAnswers("c", "high", half), _cache={}
    )
    assert again.subcategories == other.subcategories and again.overall == other.overall
