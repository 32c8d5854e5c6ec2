"""The README's main loop on a copy of governance/, through the real CLI in subprocesses.

validate -> check-data -> evaluate -> coverage -> gate -> build, asserting on outcomes:
artifacts byte-identical to the committed ones, the gate's exact codes per system, and a
site that shows every system. The GenAI system (helpdesk-assistant) is evaluated by
evaluate-retrieval, evaluate-generation, evaluate-safety and evaluate-operations, not
evaluate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-30"  # the gate's clock, pinned: review ages and waiver expiry depend on it
SYSTEMS = ("credit-default", "helpdesk-assistant", "income-screening")
PREDICTIVE = ("credit-default", "income-screening")
GENAI = "helpdesk-assistant"
DATASETS = ("adult", "german-credit", "helpdesk-articles")


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "governance", root / "governance")
    shutil.copytree(
        REPO / "site", root / "site", ignore=shutil.ignore_patterns("generated", "build")
    )
    return root / "governance"


def cardgate(*args: str, cwd: Path, today: str = TODAY) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CARDGATE_TODAY": today}
    return subprocess.run(
        [sys.executable, "-m", "cardgate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=600,
    )


def test_the_example_validates(copy: Path) -> None:
    result = cardgate("validate", cwd=copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("dataset", DATASETS)
def test_data_checks_pass_and_reproduce_the_committed_artifact(copy: Path, dataset: str) -> None:
    artifact = copy / "datasets" / dataset / "data-check.json"
    committed = artifact.read_bytes()
    artifact.unlink()
    result = cardgate("check-data", dataset, cwd=copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert artifact.read_bytes() == committed


@pytest.mark.parametrize("system", PREDICTIVE)
def test_evaluation_reproduces_the_committed_artifact(copy: Path, system: str) -> None:
    artifact = copy / "systems" / system / "evaluation.json"
    committed = artifact.read_bytes()
    artifact.unlink()
    result = cardgate("evaluate", system, cwd=copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert artifact.read_bytes() == committed


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("evaluate-retrieval", "retrieval.json"),
        ("evaluate-generation", "generation.json"),
        ("evaluate-safety", "safety.json"),
        ("evaluate-operations", "operations.json"),
    ],
)
def test_genai_evaluations_reproduce_the_committed_artifacts(
    copy: Path, command: str, name: str
) -> None:
    artifact = copy / "systems" / GENAI / name
    committed = artifact.read_bytes()
    artifact.unlink()
    result = cardgate(command, GENAI, cwd=copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert artifact.read_bytes() == committed


def test_the_helpdesk_pipeline_reproduces_its_committed_files(tmp_path: Path) -> None:
    # Standard library only, offline, seeded: the corpus, the queries, both runs and the
    # synthetic ragas scores, red-team run and run logs are rebuilt byte for byte.
    pipeline = REPO / "governance" / "pipelines" / "helpdesk_rag.py"
    result = subprocess.run(
        [sys.executable, str(pipeline), "--workspace", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(written) == 9
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (REPO / "governance" / relative).read_bytes()


def test_coverage_json_covers_every_system(copy: Path) -> None:
    result = cardgate("coverage", "--format", "json", cwd=copy)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert sorted(s["system"] for s in payload["systems"]) == list(SYSTEMS)


def test_gate_blocks_credit_default_with_the_expected_codes_only(copy: Path) -> None:
    result = cardgate("gate", "--release", "--format", "json", cwd=copy)
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    verdicts = {entry["system"]: entry["passed"] for entry in report["systems"]}
    assert verdicts == {
        "credit-default": False,
        "helpdesk-assistant": False,
        "income-screening": True,
    }
    codes: dict[str, set[str]] = {system: set() for system in SYSTEMS}
    for finding in report["findings"]:
        if finding["severity"] == "error":
            codes[finding["system"]].add(finding["code"])
    assert codes["income-screening"] == set()
    # The fairness failure (beyond the limit), coverage below the policy's minimum,
    # and the sign-offs a system in review has not collected yet.
    assert codes["credit-default"] == {"GATE-FA003", "GATE-CK002", "GATE-SO001"}
    # The GenAI system in review: every retrieval, generation, safety and operations threshold
    # is met or inconclusive (warnings); it is blocked only by checklist items not yet done and the
    # owner's sign-off it has not given yet.
    assert codes[GENAI] == {"GATE-CK004", "GATE-SO001"}
    genai_warnings = {
        (f["code"], f["severity"]) for f in report["findings"] if f["system"] == GENAI
    } - {(code, "error") for code in codes[GENAI]}
    # (GATE-SAF002: the synthetic red-team's toxic-answer rate and jailbreak spread between
    # techniques are inconclusive on 90 attacks; GATE-OPS002: its 124 queries are too few
    # for a distribution-free interval of the p99 latency, which needs 368)
    assert genai_warnings == {
        ("GATE-RAG002", "warning"),
        ("GATE-SAF002", "warning"),
        ("GATE-OPS002", "warning"),
    }
    (p99,) = [f for f in report["findings"] if f["system"] == GENAI and f["code"] == "GATE-OPS002"]
    assert "latency_p99_ms" in p99["message"] and "it needs 368" in p99["message"]
    # income-screening's warnings: thresholds its test data cannot decide (inconclusive)
    warnings = [f for f in report["findings"] if f["system"] == "income-screening"]
    assert warnings and {(f["code"], f["severity"]) for f in warnings} == {
        ("GATE-FA003", "warning")
    }
    assert all("inconclusive" in f["message"] for f in warnings)
    waived = {(entry["system"], entry["code"]) for entry in report["waived"]}
    assert waived == {("credit-default", "GATE-MC002")}


def test_the_demo_judges_the_example_on_the_date_these_tests_pin() -> None:
    # The README's verdicts hold on any day only because `make demo` judges the snapshot on
    # its own date; the demo and these tests must name the same one.
    demo = (REPO / "scripts" / "demo.sh").read_text(encoding="utf-8")
    assert f"example_date={TODAY}\n" in demo
    assert 'export CARDGATE_TODAY="${CARDGATE_TODAY:-$example_date}"' in demo


def test_judged_months_later_the_example_has_aged(copy: Path) -> None:
    # Why the demo pins its date: after the monthly monitoring cadence has passed, the same
    # workspace is blocked by the age of its monitoring evidence, as a real one would be.
    result = cardgate("gate", "--format", "json", cwd=copy, today="2027-03-01")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    verdicts = {entry["system"]: entry["passed"] for entry in report["systems"]}
    assert verdicts["income-screening"] is False
    codes = {
        f["code"]
        for f in report["findings"]
        if f["system"] == "income-screening" and f["severity"] == "error"
    }
    assert "GATE-MON001" in codes, codes


def test_gate_text_says_why(copy: Path) -> None:
    result = cardgate("gate", "--release", cwd=copy)
    assert result.returncode == 1
    assert "FAILED  credit-default" in result.stdout
    assert "PASSED  income-screening" in result.stdout
    assert "FAILED  helpdesk-assistant" in result.stdout
    assert "demographic_parity_difference for 'age_group'" in result.stdout


def test_site_shows_every_system(copy: Path) -> None:
    result = cardgate("build", "--strict", cwd=copy)
    assert result.returncode == 0, result.stdout + result.stderr
    build = copy.parent / "site" / "build"
    index = (build / "index.html").read_text(encoding="utf-8")
    for system in SYSTEMS:
        assert f"systems/{system}/" in index
        page = build / "systems" / system / "index.html"
        assert page.is_file()
    blocked = (build / "systems" / "credit-default" / "index.html").read_text(encoding="utf-8")
    assert "GATE-FA003" in blocked


def test_the_tool_never_rewrote_human_documents(copy: Path) -> None:
    for path in copy.rglob("*.yaml"):
        if path.name == "signoffs.yaml":
            continue
        original = REPO / "governance" / path.relative_to(copy)
        assert path.read_bytes() == original.read_bytes(), path
