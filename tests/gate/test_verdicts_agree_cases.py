"""One verdict everywhere (issue 12), on every rule-case workspace.

For each case of tests/gate/cases, the gate is run once through the CLI (its exit code and
JSON report) and once in process; every reporter's output is read back in its own format
and the site's verdict (built with `--recompute` semantics in release mode) is read from
the model and the rendered system page. All must name the same systems as blocked and
the same findings — a reporter that drops an error, or a site that shows "May ship" for a
release the gate blocks, fails here. tests/e2e/test_verdicts_agree.py does the same for
every threshold verdict of the worked example, `cardgate evaluate` included.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.evaluation.decide import Verdict
from cardgate.evidence.evaluation.report import OUTCOME_LABELS
from cardgate.gate.engine import run_gate
from cardgate.gate.result import WORKSPACE, Finding, GateResult
from cardgate.reporting.registry import REPORTERS
from cardgate.site.gather import gather
from cardgate.site.pages import build_pages
from cardgate.site.templating import make_environment
from cardgate.site.verdicts import VERDICT_WORDS, gate_mode, gate_verdict

from .conftest import TODAY, build_workspace
from .test_gate_cases import _cases

Shown = Counter[tuple[str, str, int, int]]
"""(code, severity, line, column) of the active findings, counted."""


def _findings(findings: list[Finding]) -> Shown:
    return Counter((f.code, f.severity.label, f.line, f.column) for f in findings)


def _rendered(result: GateResult, name: str) -> str:
    stream = io.StringIO()
    REPORTERS[name](result, stream)
    return stream.getvalue()


def _blocked(result: GateResult) -> set[str]:
    return {v.system for v in result.systems if not v.passed}


def _from_text(text: str) -> tuple[Shown, set[str]]:
    found: Shown = Counter()
    blocked = set()
    for line in text.splitlines():
        match = re.match(r"\S+?:(\d+):(\d+): (GATE-[A-Z]+\d+) (error|warning)  ", line)
        if match:
            found[(match[3], match[4], int(match[1]), int(match[2]))] += 1
        if line.endswith(" mode)"):  # the verdict line: FAILED  a (2 errors)   PASSED  b ...
            blocked.update(re.findall(r"FAILED  (\S+)", line))
    return found, blocked


def _from_json(report: dict[str, Any]) -> tuple[Shown, set[str]]:
    found = Counter((f["code"], f["severity"], f["line"], f["column"]) for f in report["findings"])
    return found, {s["system"] for s in report["systems"] if not s["passed"]}


def _from_sarif(text: str) -> tuple[Shown, int]:
    run = json.loads(text)["runs"][0]
    found: Shown = Counter()
    for result in run["results"]:
        if result.get("suppressions"):
            continue
        region = result["locations"][0]["physicalLocation"]["region"]
        level = {"error": "error", "warning": "warning"}[result["level"]]
        found[(result["ruleId"], level, region["startLine"], region["startColumn"])] += 1
    return found, run["invocations"][0]["exitCode"]


def _from_codequality(text: str) -> Counter[tuple[str, str, int]]:
    """(code, severity, line): Code Quality locates a finding by line only."""
    severity = {"major": "error", "minor": "warning"}
    return Counter(
        (issue["check_name"], severity[issue["severity"]], issue["location"]["lines"]["begin"])
        for issue in json.loads(text)
    )


def _from_github(text: str) -> Shown:
    found: Shown = Counter()
    for line in text.splitlines():
        match = re.match(r"::(error|warning) (.*?)::", line)
        if match:
            props = dict(p.split("=", 1) for p in match[2].split(","))
            code = props["title"].split(" ")[0]
            found[(code, match[1], int(props["line"]), int(props["col"]))] += 1
    return found


def _where(verdict: Verdict) -> str:
    where = verdict.result.feature or "overall"
    return where if verdict.result.group is None else f"{where} '{verdict.result.group}'"


def _evaluate_rows(output: str) -> list[tuple[str, str, str, str]]:
    """(metric, where, outcome label, state) of each threshold row `evaluate` prints."""
    rows = []
    for line in output.splitlines():
        found = re.match(r"  (\w+) \[(.*?)\]\s{2,}.*?(pass|WARN|FAIL): (\w+)", line)
        if found:
            rows.append((found[1], found[2], found[3], found[4]))
    return rows


def _junit_failures(text: str) -> dict[str, int]:
    tree = ET.fromstring(text.split("\n", 1)[1])
    return {
        suite.get("name", ""): int(suite.get("failures", "0")) for suite in tree.iter("testsuite")
    }


@pytest.mark.parametrize(("code", "case"), _cases())
def test_every_output_gives_the_gates_verdict(
    code: str, case: dict[str, Any], tmp_path: Path
) -> None:
    root = build_workspace(tmp_path / "ws", case)
    release = case.get("release", True)
    result = run_gate(root, release=release, today=TODAY)
    findings = _findings(result.findings)
    blocked = _blocked(result)
    assert result.passed == (not any(f.severity.label == "error" for f in result.findings))

    # the CLI: exit code and JSON report
    args = ["gate", "--workspace", str(root), "--today", TODAY.isoformat(), "--format", "json"]
    cli = CliRunner().invoke(app, [*args, "--release"] if release else args)
    assert cli.exit_code == result.exit_code, cli.output
    report = json.loads(cli.stdout)
    assert report["passed"] is result.passed and report["exit_code"] == result.exit_code
    assert report["recomputed"] is release
    assert _from_json(report) == (findings, blocked)

    # every reporter, read back in its own format
    shared = [f for f in result.findings if f.system == WORKSPACE and f.severity.label == "error"]
    text_blocked = blocked | {"workspace"} if shared else blocked
    assert _from_text(_rendered(result, "text")) == (findings, text_blocked)
    sarif, exit_code = _from_sarif(_rendered(result, "sarif"))
    assert (sarif, exit_code) == (findings, result.exit_code)
    by_line = Counter((f.code, f.severity.label, f.line) for f in result.findings)
    assert _from_codequality(_rendered(result, "codequality")) == by_line
    assert _from_github(_rendered(result, "github")) == findings
    failures = _junit_failures(_rendered(result, "junit"))
    for verdict in result.systems:
        assert (failures[verdict.system] > 0) == (verdict.errors > 0), failures
    headline = _rendered(result, "markdown").splitlines()[0]
    assert headline.endswith("passed" if result.passed else "failed"), headline

    # the site: release mode, every artifact recomputed, as `gate --release`
    if not release:
        return
    model = gather(load_workspace(root), today=TODAY, recompute=True)
    assert model.gate.result is not None
    assert gate_mode(model)[1].endswith("as cardgate gate --release does.")
    pages, problems = build_pages(model, make_environment(None))
    assert not [p for p in problems if "could not render" in str(p)], problems
    for system in model.systems:
        state, _ = gate_verdict(model, system)
        # a workspace error (policy, waivers) blocks every release: the gate exits 1
        assert (state == "fail") == (system.id in blocked or bool(shared)), (system.id, state)
        page = next(p for p in pages if p.path == f"systems/{system.slug}/index.md")
        assert VERDICT_WORDS[state] in page.text

    # `cardgate evaluate` (last: it rewrites evaluation.json) prints the gate's threshold
    # verdicts wherever the committed artifact is true to its inputs
    for verdict in result.systems:
        decided = [v for d in verdict.thresholds for v in d.verdicts]
        untrue = [
            f for f in result.findings if f.code == "GATE-ART001" and f.system == verdict.system
        ]
        if not decided or untrue:
            continue
        run = CliRunner().invoke(app, ["evaluate", verdict.system, "--workspace", str(root)])
        assert run.exit_code == 0, run.output
        assert _evaluate_rows(run.output) == [
            (v.result.metric, _where(v), OUTCOME_LABELS[v.outcome], v.state) for v in decided
        ]
