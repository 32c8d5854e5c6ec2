"""What an evaluation from a counts table computed elsewhere records, and what cardgate
refuses (issue 22): the engine, the query file and its SHA-256, whether it is the card's
own query, the tables and versions, the rows the engine reported — checked against the
counts; a forged record does not survive `gate --release`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.evaluation.run import system_settings
from cardgate.evidence.evaluation.warehouse import counts_sql
from tests.gate.conftest import SYSTEM, TODAY, build_workspace

runner = CliRunner()
FOLDER = f"systems/{SYSTEM}"
COUNTS = (
    "sex,label,prediction,n\nF,0,0,160\nF,0,1,40\nF,1,0,40\nF,1,1,160\n"
    "M,0,0,160\nM,0,1,40\nM,1,0,40\nM,1,1,160\n"
)


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _counted(tmp_path: Path, *, rows: int | None = 800, query: str | None = None) -> Path:
    """The base workspace evaluated from its counts table, computed by the card's own
    BigQuery query (or `query`)."""
    root = build_workspace(tmp_path / "ws", {"evaluation": False, "sign": []})
    settings = system_settings(load_workspace(root), SYSTEM)[1]
    own = counts_sql(settings, dialect="bigquery", table="p.d.preds")
    (root / FOLDER / "counts.csv").write_text(COUNTS, encoding="utf-8")
    (root / FOLDER / "counts.sql").write_text(query or own, encoding="utf-8")
    card = root / FOLDER / "model-card.yaml"
    reported = f"\n      rows: {rows}" if rows is not None else ""
    card.write_text(
        card.read_text(encoding="utf-8").replace(
            f"    path: {FOLDER}/predictions.csv\n",
            f"    path: {FOLDER}/counts.csv\n    format: counts\n    computed_by:\n"
            f"      engine: bigquery\n      query: {FOLDER}/counts.sql\n"
            f"      tables: [{{name: p.d.preds, version: '42'}}]{reported}\n",
        ),
        encoding="utf-8",
    )
    return root


def test_the_evaluation_records_where_the_counts_came_from(tmp_path: Path) -> None:
    root = _counted(tmp_path)
    code, out = _cli("evaluate", SYSTEM, "-w", str(root))
    assert code == 0, out
    artifact = json.loads((root / FOLDER / "evaluation.json").read_text(encoding="utf-8"))
    query = (root / FOLDER / "counts.sql").read_bytes()
    assert artifact["provenance"]["predictions"]["computed_by"] == {
        "engine": "bigquery",
        "query": f"{FOLDER}/counts.sql",
        "query_sha256": hashlib.sha256(query).hexdigest(),
        "query_is_the_cards": True,
        "tables": [{"name": "p.d.preds", "version": "42"}],
        "rows": 800,
    }


def test_another_query_is_recorded_as_not_the_cards(tmp_path: Path) -> None:
    other = "SELECT sex, label, prediction, COUNT(*) AS n FROM p.d.preds GROUP BY 1, 2, 3"
    root = _counted(tmp_path, query=other)
    assert _cli("evaluate", SYSTEM, "-w", str(root))[0] == 0
    artifact = json.loads((root / FOLDER / "evaluation.json").read_text(encoding="utf-8"))
    assert artifact["provenance"]["predictions"]["computed_by"]["query_is_the_cards"] is False


def test_counts_that_do_not_add_up_to_the_reported_rows_are_refused(tmp_path: Path) -> None:
    root = _counted(tmp_path, rows=801)
    code, out = _cli("evaluate", SYSTEM, "-w", str(root))
    assert code == 1, out
    assert "the counts table adds up to 800 rows; computed_by.rows says the query read 801" in out
    assert "model-card.yaml:" in out and "Traceback" not in out
    assert not (root / FOLDER / "evaluation.json").exists()


def test_a_missing_query_file_is_refused(tmp_path: Path) -> None:
    root = _counted(tmp_path)
    (root / FOLDER / "counts.sql").unlink()
    code, out = _cli("evaluate", SYSTEM, "-w", str(root))
    assert code == 1, out
    assert f"the counts query '{FOLDER}/counts.sql' does not exist" in out


def test_computed_by_needs_a_counts_table(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    card = root / FOLDER / "model-card.yaml"
    card.write_text(
        card.read_text(encoding="utf-8").replace(
            f"    path: {FOLDER}/predictions.csv\n",
            f"    path: {FOLDER}/predictions.csv\n    computed_by:\n      engine: spark\n"
            f"      query: q.sql\n      tables: [{{name: t}}]\n",
        ),
        encoding="utf-8",
    )
    code, out = _cli("validate", "-w", str(root))
    assert code == 1, out
    assert "'computed_by' describes a counts table computed elsewhere" in out
    assert f"{FOLDER}/model-card.yaml:" in out


def test_a_forged_record_of_the_query_does_not_survive_release(tmp_path: Path) -> None:
    other = "SELECT sex, label, prediction, COUNT(*) AS n FROM p.d.preds GROUP BY 1, 2, 3"
    root = _counted(tmp_path, query=other)
    assert _cli("evaluate", SYSTEM, "-w", str(root))[0] == 0
    path = root / FOLDER / "evaluation.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"query_is_the_cards": false', '"query_is_the_cards": true'
        ),
        encoding="utf-8",
    )
    code, out = _cli("gate", "-w", str(root), "--today", TODAY.isoformat(), "--format", "json")
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert "GATE-FA006" not in codes  # as committed, the record is believed ...
    code, out = _cli(
        "gate", "-w", str(root), "--today", TODAY.isoformat(), "--release", "--format", "json"
    )
    found = [f for f in json.loads(out)["findings"] if f["code"] == "GATE-ART001"]
    assert code == 1 and found, out  # ... until it is computed again
    assert (
        "provenance.predictions.computed_by.query_is_the_cards: True, recomputed False"
        in (found[0]["message"])
    )


def test_the_review_site_says_which_evidence_the_numbers_rest_on(tmp_path: Path) -> None:
    root = _counted(tmp_path)
    assert _cli("evaluate", SYSTEM, "-w", str(root))[0] == 0
    code, out = _cli("build", "-w", str(root))
    assert code == 0, out
    page = (root / "site" / "build" / "systems" / SYSTEM / "index.html").read_text("utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert (
        "counts-with-query : a counts table computed in bigquery from p.d.preds (version 42) "
        "(800 rows read) by the query systems/loan-approval/counts.sql"
    ) in text
    assert "which is the card's own (what cardgate sql prints)" in text
