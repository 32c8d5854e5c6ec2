"""GATE-MC005 on what a card's limits are read from (`cardgate.gate.card_readings`): the
label, prediction and score columns, the positive label, a judged score file's scale.

The attacks (the red team's open item): a ``false_positive_rate`` limit breached since
the ref is met once ``label_column`` names a copy of the predictions, or once
``positive_label`` is flipped (the false-positive rate becomes the false-negative rate);
a ``faithfulness`` limit breached is met once a score file's scale is widened and a few
impossible scores averaged. Each passed ``gate --changed-since``: no limit was touched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import SYSTEM, build_workspace, cli, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"
PREDICTIONS = f"systems/{SYSTEM}/predictions.csv"


def _predictions() -> str:
    """800 rows, 400 per sex, the same in both: of 200 good (1), 10 predicted bad (false-
    negative rate 0.05); of 200 bad (0), 60 predicted good (false-positive rate 0.3).
    ``observed`` is a copy of the prediction."""
    rows = []
    for sex in ("F", "M"):
        for index in range(200):
            rows.append((1, 0 if index < 10 else 1, sex))
            rows.append((0, 1 if index < 60 else 0, sex))
    lines = [f"{label},{prediction},{sex},{prediction}" for label, prediction, sex in rows]
    return "label,prediction,sex,observed\n" + "\n".join(lines) + "\n"


FALSE_POSITIVES = (
    "      max: 0.1\n",
    "      max: 0.1\n"
    "    - metric: false_positive_rate\n      max: 0.1\n      inconclusive: block\n",
)


def _committed(tmp_path: Path, case: dict[str, Any]) -> Path:
    root = build_workspace(tmp_path / "ws", case)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _classifier(tmp_path: Path) -> Path:
    """The base system with a false-positive-rate limit its predictions breach."""
    case = {"edit": {PREDICTIONS: _predictions(), CARD: [FALSE_POSITIVES]}}
    root = _committed(tmp_path, case)
    code, report = gate_json(root)
    assert code == 1 and "GATE-FA003" in codes(report), report
    return root


def _reevaluated(root: Path, *replacements: tuple[str, str], command: str = "evaluate") -> None:
    edit(root / CARD, *replacements)
    code, out = cli(command, SYSTEM, "-w", str(root))
    assert code == 0, out


def _limits(report: dict[str, Any]) -> list[str]:
    assert "GATE-MC005" in codes(report, "rules")
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]


def test_a_label_column_naming_a_copy_of_the_predictions_blocks(tmp_path: Path) -> None:
    root = _classifier(tmp_path)
    _reevaluated(root, ("label_column: label", "label_column: observed"))
    assert gate_json(root)[0] == 0  # every error rate is 0 now: plain gate has no ref
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert _limits(report) == [
        "evaluation.label_column is 'label' on HEAD, 'observed' here: the limits are taken "
        "over another column than the one they were set for (label_column changed)"
    ]


def test_a_positive_label_flipped_blocks(tmp_path: Path) -> None:
    root = _classifier(tmp_path)
    _reevaluated(root, ("prediction_column: prediction\n", "prediction_column: prediction\n"
                        "  positive_label: 0\n"))  # fmt: skip
    assert gate_json(root)[0] == 0  # the false-positive rate is the old false-negative rate
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert _limits(report) == [
        "evaluation.positive_label is not set on HEAD, '0' here: rates, AUC and every limit "
        "on them are taken for the other class (positive_label changed)"
    ]


def test_a_positive_label_written_out_is_no_change(tmp_path: Path) -> None:
    """Left out, the positive label of 0/1 labels is 1: writing it out reads the same."""
    root = _classifier(tmp_path)
    _reevaluated(root, ("prediction_column: prediction\n", "prediction_column: prediction\n"
                        "  positive_label: '1.0'\n"))  # fmt: skip
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1]) == []


def test_the_label_column_cannot_be_the_prediction_column(tmp_path: Path) -> None:
    """Plain gate has no ref: a card comparing the labels with themselves does not validate."""
    root = build_workspace(tmp_path / "ws")
    edit(root / CARD, ("prediction_column: prediction", "prediction_column: label"))
    code, report = gate_json(root)
    assert code == 1
    assert "GATE-DOC001" in codes(report)
    code, out = cli("validate", "-w", str(root))
    assert code == 1 and "'label' is the label_column" in out, out


RAGAS = f"systems/{SYSTEM}/ragas.csv"
SOURCE = f"      - {{tool: ragas, path: {RAGAS}}}\n"


def test_a_score_scale_widened_blocks(tmp_path: Path) -> None:
    """ragas scores lie from 0 to 1: a score of 5 is refused, unless the card says the
    file's scale is another."""
    strict = [("        min: 0.6\n", "        min: 0.95\n")]
    root = _committed(tmp_path, {"genai": True, "edit": {CARD: strict}})
    code, report = gate_json(root)
    assert code == 1 and "GATE-GEN002" in codes(report), report
    scores = (root / RAGAS).read_text(encoding="utf-8")
    (root / RAGAS).write_text(scores.replace(",0.5,", ",5,"), encoding="utf-8")
    code, out = cli("evaluate-generation", SYSTEM, "-w", str(root))
    assert code == 1 and "outside the scale 0 to 1" in out, out
    widened = SOURCE[:-2] + ", scale: {min: 0, max: 5}}\n"
    _reevaluated(root, (SOURCE, widened), command="evaluate-generation")
    assert gate_json(root)[0] == 0  # a mean of 1.8 meets min 0.95
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert _limits(report) == [
        "genai.generation_evaluation.sources.0.scale: the scale of "
        f"{RAGAS} (ragas) is 0 to 1 on HEAD, 0 to 5 here: scores the card there refused are "
        "averaged (scale widened)"
    ]


def test_a_score_file_renamed_or_its_scale_narrowed_is_no_change(tmp_path: Path) -> None:
    root = _committed(tmp_path, {"genai": True})
    git(root, "mv", RAGAS, RAGAS.replace("ragas.csv", "ragas-2.csv"))
    narrowed = SOURCE.replace("ragas.csv}", "ragas-2.csv, scale: {min: 0, max: 1}}")
    _reevaluated(root, (SOURCE, narrowed), command="evaluate-generation")
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1]) == []


def test_a_query_dropping_the_failing_rows_blocks(tmp_path: Path) -> None:
    """A DuckDB query selects the rows: one that leaves out every false positive meets a
    false-positive-rate limit (a missing_values entry dropping them is MC005's already)."""
    root = _classifier(tmp_path)
    query = (
        f"    query: \"SELECT * FROM '{PREDICTIONS}' WHERE NOT (label = 0 AND prediction = 1)\"\n"
        f"    inputs: [{PREDICTIONS}]\n"
    )
    _reevaluated(root, (f"    path: {PREDICTIONS}\n", query))
    assert gate_json(root)[0] == 0  # no false positive is left
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert _limits(report) == [
        "evaluation.predictions.query selects the rows the limits are taken over, and is none "
        "on HEAD: a row it leaves out (a group's failing predictions) leaves every limit "
        "(query changed)"
    ]
