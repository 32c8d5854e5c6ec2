"""Reporters render one result: SARIF against the official schema, JUnit, GitHub, JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from cardgate.core.text import markdown_text
from cardgate.gate.engine import run_gate
from cardgate.gate.result import GateResult
from cardgate.gate.rules import RULES
from cardgate.reporting import github
from cardgate.reporting.registry import REPORTERS

from .conftest import SYSTEM, TODAY, build_workspace

SARIF_SCHEMA = Path(__file__).parent / "sarif-schema-2.1.0.json"

WAIVERS = (
    "kind: waivers\nschema_version: 1\nwaivers:\n  - rule: GATE-MC002\n"
    f"    system: {SYSTEM}\n    path: monitoring.owner\n    justification: Hiring.\n"
    "    approver: Risk Owner\n    expires: 2027-03-31\n"
)


@pytest.fixture
def failing(tmp_path: Path) -> GateResult:
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                f"systems/{SYSTEM}/model-card.yaml": [
                    [
                        "description: Scores loan applications for manual review.",
                        "description: TODO",
                    ],
                    ["  owner: Ada Owner\nevaluation:", "evaluation:"],
                ],
                "waivers.yaml": WAIVERS,
            },
            "artifact": {"value": 0.142, "ci": [0.118, 0.165], "p_value": 0.001},
        },
    )
    return run_gate(root, release=True, today=TODAY)


def _render(name: str, result: GateResult) -> str:
    stream = io.StringIO()
    REPORTERS[name](result, stream)
    return stream.getvalue()


def test_sarif_validates_against_the_official_schema(failing: GateResult) -> None:
    log = json.loads(_render("sarif", failing))
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    for rule in rules:
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["helpUri"].endswith(f"/rules/{rule['id']}/")
    fa003 = next(r for r in run["results"] if r["ruleId"] == "GATE-FA003")
    location = fa003["locations"][0]["physicalLocation"]
    assert not Path(location["artifactLocation"]["uri"]).is_absolute()
    assert location["region"]["startLine"] == 81 and location["region"]["startColumn"] == 7
    assert "NIST AI RMF MEASURE 2.11" in fa003["properties"]["tags"]
    waived = [r for r in run["results"] if "suppressions" in r]
    assert len(waived) == 1 and waived[0]["ruleId"] == "GATE-MC002"


def test_junit_has_a_testcase_per_rule_and_system(failing: GateResult) -> None:
    root = ET.fromstring(_render("junit", failing))
    suite = next(s for s in root if s.get("name") == SYSTEM)
    cases = {case.get("name", "").split()[0]: case for case in suite}
    assert cases["GATE-FA003"].find("failure") is not None
    assert cases["GATE-MC002"].find("skipped") is not None  # waived
    assert cases["GATE-SO002"].find("failure") is None  # a pass is a bare testcase
    assert int(root.get("failures", "0")) >= 2


def test_sarif_and_junit_say_the_date_the_gate_judged_as_of(failing: GateResult) -> None:
    """A freshness or expiry verdict holds for its date: a run judged as of a chosen date
    (CARDGATE_TODAY, --today) says so in every report, not only in the text line."""
    failing.pinned_by = "CARDGATE_TODAY"
    log = json.loads(_render("sarif", failing))
    properties = log["runs"][0]["invocations"][0]["properties"]
    assert properties["today"] == TODAY.isoformat()
    assert properties["today_pinned_by"] == "CARDGATE_TODAY"
    assert properties["mode"] == failing.mode
    root = ET.fromstring(_render("junit", failing))
    workspace = next(s for s in root if s.get("name") == "(workspace)")
    assert workspace[0].tag == "properties"  # first, as JUnit's schema orders them
    values = {p.get("name"): p.get("value") for p in workspace[0]}
    assert values["today"] == TODAY.isoformat()
    assert values["today_pinned_by"] == "CARDGATE_TODAY"
    assert values["release"] == "true" and values["recomputed"] == "true"
    assert all(case.tag == "testcase" for case in workspace[1:])


def test_github_commands_escape_data_and_properties(
    failing: GateResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = _render("github", failing)
    line = next(x for x in out.splitlines() if "GATE-FA003" in x)
    assert line.startswith("::error file=")
    assert ",line=81,col=7," in line
    assert "title=GATE-FA003 evaluation.thresholds-met::" in line
    assert "%0AHint" not in line or "\n" not in line
    assert github.escape_data("50%\r\nx") == "50%25%0D%0Ax"
    assert github.escape_property("a:b,c") == "a%3Ab%2Cc"
    assert "::notice " in out  # the waived finding
    assert "cardgate gate failed" in summary.read_text(encoding="utf-8")


def test_markdown_escapes_card_text() -> None:
    assert markdown_text("a|b <script>[x](y)") == r"a\|b \<script\>\[x\](y)"
    assert markdown_text("see https://x.org, www.x.org, a@x.org") == (
        r"see https\://x.org, www\.x.org, a\@x.org"
    )


def test_json_is_stable_and_complete(failing: GateResult) -> None:
    first = _render("json", failing)
    data = json.loads(first)
    assert first == _render("json", failing)
    assert data["format"] == "cardgate-gate" and data["format_version"] == 1
    assert data["passed"] is False and data["exit_code"] == 1
    assert data["systems"][0]["system"] == SYSTEM and data["systems"][0]["passed"] is False
    finding = next(f for f in data["findings"] if f["code"] == "GATE-FA003")
    assert finding["location"] == "evaluation.thresholds.0"
    assert data["waived"][0]["waiver"]["approver"] == "Risk Owner"
    assert {r["code"] for r in data["rules"]} == {r.code for r in RULES}


def test_text_output_matches_the_issue_form(
    failing: GateResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(failing.root)
    out = _render("text", failing)
    assert (
        f"systems/{SYSTEM}/model-card.yaml:81:7: GATE-FA003 error  demographic_parity_difference "
        "for 'sex' 0.142 (95% CI 0.118–0.165) is beyond max 0.1; noise floor 0.010, p = 0.001"
        "  [NIST MEASURE 2.11]\n"
    ) in out
    assert " GATE-MC002 waived  " in out
    assert out.rstrip().splitlines()[-1].startswith(f"FAILED  {SYSTEM} (")
