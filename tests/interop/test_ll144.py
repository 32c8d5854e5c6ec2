"""`cardgate export ll144 SYSTEM`: the worked example's stand-in summary (income-screening
scored as a screening tool) with every field the rules' summary of results names; a
system without what the audit needs is one message and exit 2; predictions changed since
the evaluation are refused; nothing is written on an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from tests.conftest import REPO

SYSTEM = "income-screening"
OUT = f"systems/{SYSTEM}/ll144"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    return root


def _export(ws: Path, *targets: str, fmt: str = "ll144") -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["export", fmt, *targets, "-w", str(ws), "--out", str(ws / "out"), "--today", "2026-11-30"],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_stand_in_summary_has_what_the_rules_ask(ws: Path) -> None:
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    summary = (ws / "out" / OUT / "ll144-summary.md").read_text(encoding="utf-8")
    for text in (
        "| Date of the bias audit | 2026-11-30 |",
        "| Distribution date of the tool | 2026-11-30 |",
        "| Data | test data |",
        "| Source and explanation of the data | The UCI Adult test split",
        "| Individuals of unknown sex or race/ethnicity category (not included) | 0 |",
        "Stand-in",
        "## Sex",
        "## Race/ethnicity",
        "## Sex × race/ethnicity",
        "| Female | 5421 | 0.270 |",
        "| Other | 135 | 0.348 | 0.273–0.432 | excluded (under 2%) |",
        "Justification: Amer-Indian-Eskimo (159) and Other (135)",
        '> Scoring Rate. "Scoring Rate" means the rate at which individuals in a category '
        "receive a score above the sample's median score",
    ):
        assert text in summary, text
    # never a verdict: no row says pass or fail, no four-fifths test
    rows = [line.lower() for line in summary.splitlines() if line.startswith("|")]
    assert not any("pass" in row or "fail" in row for row in rows)
    assert "four-fifths" not in summary.lower() and "4/5" not in summary
    data = json.loads((ws / "out" / OUT / "ll144-audit.json").read_text(encoding="utf-8"))
    assert data["method"] == "scoring" and data["individuals"] == 16281
    sex = data["tables"][0]["categories"]
    assert [row["category"] for row in sex] == ["Female", "Male"]
    assert sex[1]["highest"] and sex[0]["impact_ratio"] == pytest.approx(
        sex[0]["rate"] / sex[1]["rate"]
    )
    first = (ws / "out" / OUT / "ll144-summary.md").read_bytes()
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    assert (ws / "out" / OUT / "ll144-summary.md").read_bytes() == first


def test_a_system_without_a_bias_audit_is_refused_with_a_hint(ws: Path) -> None:
    code, out = _export(ws, "credit-default")
    assert code == 2, out
    assert "the model card of 'credit-default' has no 'bias_audit:' section" in out
    assert "hint: add one (docs/regulation.md" in out
    assert "Traceback" not in out
    assert not (ws / "out").exists()


def test_export_all_skips_systems_without_a_bias_audit(ws: Path) -> None:
    code, out = _export(ws, fmt="all")
    assert code == 0, out
    assert (ws / "out" / OUT / "ll144-summary.md").is_file()
    assert not (ws / "out" / "systems/credit-default/ll144").exists()


def test_predictions_changed_since_the_evaluation_are_refused(ws: Path) -> None:
    predictions = ws / f"systems/{SYSTEM}/predictions.csv.gz"
    predictions.write_bytes(predictions.read_bytes() + b"\0")
    code, out = _export(ws, SYSTEM)
    assert code == 1, out
    assert "changed since the evaluation" in out and f"cardgate evaluate {SYSTEM}" in out
    assert not (ws / "out" / OUT).exists()


def test_a_missing_column_is_one_message(ws: Path) -> None:
    card = ws / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8").replace("race_column: race", "race_column: ethnicity")
    card.write_text(text, encoding="utf-8")
    code, out = _export(ws, SYSTEM)
    assert code == 1, out
    assert "cannot read the columns sex, ethnicity, score" in out
    assert "Traceback" not in out


def test_a_predictions_path_outside_the_workspace_is_refused(ws: Path) -> None:
    card = ws / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    old = f"    path: systems/{SYSTEM}/predictions.csv.gz"
    assert old in text
    card.write_text(text.replace(old, "    path: ../../outside.csv.gz"), encoding="utf-8")
    code, out = _export(ws, SYSTEM)
    assert code == 1, out
    assert "leads outside the workspace" in out and "Traceback" not in out


def test_csv_and_parquet_bytes_read_alike(tmp_path: Path) -> None:
    import io

    import pandas as pd

    from cardgate.evidence.bias_audit_run import read_columns as _read

    frame = pd.DataFrame({"sex": ["F", "M", ""], "race": ["A", "B", "A"], "score": [0.1, 0.9, 0.5]})
    parquet = io.BytesIO()
    frame.to_parquet(parquet)
    csv = frame.to_csv(index=False).encode()
    columns = ["sex", "race", "score"]
    from_csv = _read(csv, "p.csv", "p.csv", columns, numeric="scoring")
    from_parquet = _read(parquet.getvalue(), "p.parquet", "p.parquet", columns, numeric="scoring")
    assert (
        from_csv
        == from_parquet
        == {
            "sex": ["F", "M", ""],
            "race": ["A", "B", "A"],
            "score": [0.1, 0.9, 0.5],
        }
    )


def test_the_policys_minimum_is_shown_beside_the_ratios_not_as_a_verdict(ws: Path) -> None:
    policy = ws / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    old = "    GATE-FA003: {waivable: false}\n"
    assert old in text
    policy.write_text(
        text.replace(old, old + "    GATE-BA001: {options: {min_impact_ratio: 0.8}}\n"),
        encoding="utf-8",
    )
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    summary = (ws / "out" / OUT / "ll144-summary.md").read_text(encoding="utf-8")
    assert "sets a minimum impact ratio of 0.8 for this system's risk tier" in summary
    assert "the rules set no pass mark, and this summary judges no ratio" in summary
    assert "No ratio is judged pass or fail here." in summary
    rows = [line.lower() for line in summary.splitlines() if line.startswith("|")]
    assert not any("pass" in row or "fail" in row or "0.8 " in row for row in rows)
    data = json.loads((ws / "out" / OUT / "ll144-audit.json").read_text(encoding="utf-8"))
    assert data["policy_min_impact_ratio"] == 0.8
    # without one, the summary says nothing of a minimum
    policy.write_text(text, encoding="utf-8")
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    summary = (ws / "out" / OUT / "ll144-summary.md").read_text(encoding="utf-8")
    assert "minimum impact ratio" not in summary
    data = json.loads((ws / "out" / OUT / "ll144-audit.json").read_text(encoding="utf-8"))
    assert data["policy_min_impact_ratio"] is None


def test_predictions_over_the_in_memory_limit_are_one_message(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit reads the predictions whole (the bytes audited are the bytes whose digest
    is compared): bounded like every file cardgate loads in memory."""
    monkeypatch.setenv("CARDGATE_MAX_IN_MEMORY_BYTES", "1K")
    code, out = _export(ws, SYSTEM)
    assert code == 1, out
    assert "over the limit of 1,024" in out and "CARDGATE_MAX_IN_MEMORY_BYTES" in out
    assert "Traceback" not in out and not (ws / "out" / OUT).exists()
