"""One decider (issues 12 and 14): `cardgate evaluate`, the gate, every reporter and the
site show the same verdict for every threshold of the worked example.

The reference is the decider itself, called here on the committed artifact with the
policy the gate resolves for each system's tier; every output is then read back in its
own format (the evaluate summary's rows, JSON, SARIF, JUnit XML, GitHub commands, GitLab
Code Quality, Markdown, text, the site's threshold table) and compared with it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.text import markdown_text
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.evidence.evaluation.decide import Verdict, threshold_verdicts
from cardgate.evidence.evaluation.report import OUTCOME_LABELS
from cardgate.gate.engine import run_gate
from cardgate.gate.policy import resolve_policy
from cardgate.gate.result import GateResult
from cardgate.gate.rules import RULES
from cardgate.gate.thresholds import threshold_policy
from cardgate.reporting.registry import REPORTERS
from cardgate.site.gather import gather
from cardgate.site.pages import build_pages
from cardgate.site.templating import make_environment
from cardgate.site.threshold_rows import ROW_ORDER, threshold_words

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 30)
SYSTEMS = ("credit-default", "income-screening")
RULE = "GATE-FA003"


@dataclass(frozen=True)
class Expected:
    system: str
    verdicts: tuple[Verdict, ...]

    def findings(self) -> set[tuple[str, str]]:
        """(message, severity) of the findings GATE-FA003 must report."""
        return {
            (v.message, "error" if v.outcome == "block" else "warning")
            for v in self.verdicts
            if v.outcome != "pass"
        }


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agree") / "governance"
    shutil.copytree(REPO / "governance", root)
    return root


@pytest.fixture(scope="module")
def expected(example: Path) -> dict[str, Expected]:
    """Each system's verdicts from the decider, under the policy of its tier."""
    workspace = load_workspace(example)
    policy = resolve_policy(workspace, RULES)
    out = {}
    for system in SYSTEMS:
        docs = workspace.systems[system]
        card = docs.model_card
        assert card is not None and card.evaluation is not None
        path = docs.folder / card.evaluation.artifact
        artifact = EvaluationArtifact.model_validate_json(path.read_text(encoding="utf-8"))
        settings = policy.for_tier(card.risk_tier)
        decided = threshold_verdicts(card.evaluation, artifact, threshold_policy(settings))
        verdicts = tuple(v for d in decided for v in d.verdicts)
        assert all(d.verdicts for d in decided)
        out[system] = Expected(system, verdicts)
    states = {v.state for e in out.values() for v in e.verdicts}
    outcomes = {v.outcome for e in out.values() for v in e.verdicts}
    # the example exercises every state a threshold can end in, and every outcome
    assert {"within", "beyond", "inconclusive"} <= states
    assert outcomes == {"pass", "warn", "block"}
    # the GenAI system has no evaluation.json: no fairness thresholds (its retrieval and
    # generation thresholds are GATE-RAG002's and GATE-GEN002's)
    for system, docs in workspace.systems.items():
        card = docs.model_card
        if system not in out and card is not None and card.evaluation is None:
            out[system] = Expected(system, ())
    return out


@pytest.fixture(scope="module")
def gated(example: Path) -> GateResult:
    return run_gate(example, release=False, today=TODAY)


def _rendered(result: GateResult, name: str) -> str:
    stream = io.StringIO()
    REPORTERS[name](result, stream)
    return stream.getvalue()


def _without_hint(text: str) -> str:
    """A finding's message as a reporter shows it, without the hint it appends (SARIF and
    GitHub on a line of its own, Code Quality in parentheses): the verdict is compared."""
    return re.sub(r"(\nHint: .*| \(hint: .*\))\Z", "", text, flags=re.S)


def _where(verdict: Verdict) -> str:
    where = verdict.result.feature or "overall"
    return where if verdict.result.group is None else f"{where} '{verdict.result.group}'"


def test_every_reporter_is_in_this_test() -> None:
    assert set(REPORTERS) == {
        "text", "json", "sarif", "junit", "github", "markdown", "codequality"
    }  # fmt: skip


@pytest.mark.parametrize("system", SYSTEMS)
def test_evaluate_prints_the_deciders_verdicts(
    example: Path, expected: dict[str, Expected], system: str
) -> None:
    result = CliRunner().invoke(app, ["evaluate", system, "--workspace", str(example)])
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.output.splitlines():
        found = re.match(r"  (\w+ \[.*?\])\s{2,}", line)
        if found and ("pass:" in line or "WARN:" in line or "FAIL:" in line):
            rows[found.group(1)] = line
    shown = expected[system].verdicts
    assert len(rows) == len(shown)
    for verdict in shown:
        line = rows[f"{verdict.result.metric} [{_where(verdict)}]"]
        assert f"{OUTCOME_LABELS[verdict.outcome]}: {verdict.state}" in line
        if verdict.outcome != "pass":
            assert f"  - {verdict.message}" in result.output


def test_the_gate_decides_as_the_decider(gated: GateResult, expected: dict[str, Expected]) -> None:
    for system in gated.systems:
        mine = tuple(v for d in system.thresholds for v in d.verdicts)
        assert [(v.result, v.state, v.outcome, v.message) for v in mine] == [
            (v.result, v.state, v.outcome, v.message) for v in expected[system.system].verdicts
        ]
    for system in SYSTEMS:
        found = {
            (f.message, f.severity.label)
            for f in gated.findings
            if f.code == RULE and f.system == system
        }
        assert found == expected[system].findings()


def test_json_report(gated: GateResult, expected: dict[str, Expected]) -> None:
    report = json.loads(_rendered(gated, "json"))
    for entry in report["systems"]:
        shown = [(t["state"], t["outcome"], t["message"]) for t in entry["thresholds"]]
        assert shown == [
            (v.state, v.outcome, v.message) for v in expected[entry["system"]].verdicts
        ]
    for system in SYSTEMS:
        found = {
            (f["message"], f["severity"])
            for f in report["findings"]
            if f["code"] == RULE and f["system"] == system
        }
        assert found == expected[system].findings()


def test_sarif_report(gated: GateResult, expected: dict[str, Expected]) -> None:
    results = json.loads(_rendered(gated, "sarif"))["runs"][0]["results"]
    for system in SYSTEMS:
        found = {
            (_without_hint(r["message"]["text"]), r["level"])
            for r in results
            if r["ruleId"] == RULE
            and f"systems/{system}/"
            in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        }
        assert found == expected[system].findings()


def test_codequality_report(gated: GateResult, expected: dict[str, Expected]) -> None:
    issues = json.loads(_rendered(gated, "codequality"))
    severity = {"major": "error", "minor": "warning"}
    for system in SYSTEMS:
        found = {
            (_without_hint(i["description"].removeprefix(f"{RULE} ")), severity[i["severity"]])
            for i in issues
            if i["check_name"] == RULE and f"systems/{system}/" in i["location"]["path"]
        }
        assert found == expected[system].findings()


def _fa003_lines(text: str, system: str) -> set[tuple[str, str]]:
    """(message, severity) of GATE-FA003's lines about `system` in `path: CODE sev  msg`."""
    found = set()
    for line in text.splitlines():
        match = re.search(rf"systems/{system}/\S+: {RULE} (error|warning)  (.*)$", line)
        if match:
            found.add((re.sub(r"  \[NIST [^\]]*\]$", "", match.group(2)), match.group(1)))
    return found


def test_text_report(gated: GateResult, expected: dict[str, Expected]) -> None:
    text = _rendered(gated, "text")
    for system in SYSTEMS:
        assert _fa003_lines(text, system) == expected[system].findings()


def test_junit_report(gated: GateResult, expected: dict[str, Expected]) -> None:
    tree = ET.fromstring(_rendered(gated, "junit").split("\n", 1)[1])
    for system in SYSTEMS:
        cases = [
            case
            for case in tree.iter("testcase")
            if case.get("classname") == f"cardgate.{system}"
            and case.get("name", "").startswith(RULE)
        ]
        assert len(cases) == 1
        findings = expected[system].findings()
        # a rule with an error is a <failure>; one with warnings only, <system-out>
        failing = any(severity == "error" for _, severity in findings)
        shown = cases[0].find("failure" if failing else "system-out")
        assert shown is not None and shown.text is not None
        assert _fa003_lines(shown.text, system) == findings


def test_github_report(gated: GateResult, expected: dict[str, Expected]) -> None:
    found: dict[str, set[tuple[str, str]]] = {system: set() for system in SYSTEMS}
    for line in _rendered(gated, "github").splitlines():
        match = re.match(r"::(error|warning) (.*?)::(.*)$", line)
        if match and f"title={RULE}" in match.group(2):
            # the commands' data escaping undone: %0D, %0A, then %25
            message = match.group(3).replace("%0D", "\r").replace("%0A", "\n")
            for system in SYSTEMS:
                if f"systems/{system}/" in match.group(2):
                    found[system].add((_without_hint(message.replace("%25", "%")), match.group(1)))
    for system in SYSTEMS:
        assert found[system] == expected[system].findings()


def test_markdown_report(gated: GateResult, expected: dict[str, Expected]) -> None:
    text = _rendered(gated, "markdown")
    assert len(gated.findings) <= 50  # every finding is listed (MAX_ROWS)
    for system in SYSTEMS:
        rows = {
            line
            for line in text.splitlines()
            if f"`{RULE}`" in line and f"| {markdown_text(system)} |" in line
        }
        assert len(rows) == len(expected[system].findings())
        for message, severity in expected[system].findings():
            assert f"| {severity} | `{RULE}` |" in "\n".join(
                row for row in rows if row.endswith(f"| {markdown_text(message)} |")
            )


def test_site_shows_the_deciders_verdicts(example: Path, expected: dict[str, Expected]) -> None:
    model = gather(load_workspace(example), today=TODAY)
    pages, problems = build_pages(model, make_environment(None))
    assert not problems
    for system in SYSTEMS:
        page = next(p for p in pages if p.path == f"systems/{system}/index.md")
        table = page.text.split('class="cg-thresholds"', 1)[1].split("</tbody>", 1)[0]
        rows = table.split('<tr class="cg-threshold ')[1:]
        # failing verdicts first, then the passes not conclusive, then the solid passes
        shown = sorted(
            expected[system].verdicts,
            key=lambda v: ROW_ORDER.index(threshold_words(v.state, v.outcome)[0]),
        )
        assert len(rows) == len(shown)
        for row, verdict in zip(rows, shown, strict=True):
            kind, words = threshold_words(verdict.state, verdict.outcome)
            assert row.startswith(f'cg-state-{kind}"'), row
            cell = row.split("<td>")[-1]
            assert f">{html.escape(words)}</span> <small>{verdict.state}</small>" in cell
            message = re.search(r"<br><small>(.*?)</small>", cell)
            assert message is not None and html.unescape(message.group(1)) == verdict.message
