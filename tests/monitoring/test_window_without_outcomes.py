"""A classifier's window whose outcomes have not arrived (issue 21): its predictions still
say who is selected, overall and by group. The monitor records the selection rate, the
card's demographic-parity thresholds on it and its change against the approved
evaluation, marked `outcomes: false`; the gate judges them like any window's, and
`--release` measures them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgate.evidence.monitoring.artifact import load_monitoring, recorded_inconsistencies
from tests.gate.conftest import PREDICTIONS, SYSTEM, build_workspace
from tests.trust.conftest import gate_json

from .test_monitor_cli import cli, write_window

RECORD = f"systems/{SYSTEM}/monitoring.json"


def _unlabelled(select_women: bool, *, column: bool = True) -> str:
    """The base predictions without their outcomes (the label column empty, or with
    `column` false not there at all); with `select_women`, every 'F' row predicted 1."""
    header, *rows = PREDICTIONS.splitlines()
    out = []
    for row in rows:
        _, prediction, sex = row.split(",")
        chosen = 1 if select_women and sex == "F" else prediction
        out.append(f"{',' if column else ''}{chosen},{sex}")
    return "\n".join([header if column else "prediction,sex", *out]) + "\n"


def _monitor(tmp_path: Path, select_women: bool, *, column: bool = True) -> Path:
    root = build_workspace(tmp_path / "ws")
    code, output = cli("profile", SYSTEM, "-w", str(root))
    assert code == 0, output
    window = write_window(root, "2026-11.csv", _unlabelled(select_women, column=column))
    code, output = cli("monitor", SYSTEM, "--window", str(window), "-w", str(root))
    assert code in (0, 1), output
    return root


@pytest.mark.parametrize("column", [True, False], ids=["label empty", "no label column"])
def test_a_window_without_outcomes_records_what_its_predictions_say(
    tmp_path: Path, column: bool
) -> None:
    """Nothing breaches: the selection rate is the approved one, and an absent or empty
    label is outcomes still to come, not drift."""
    root = _monitor(tmp_path, select_women=False, column=column)
    model, data, error = load_monitoring(root / RECORD)
    assert error is None and model is not None
    performance = model.windows[0].performance
    assert performance is not None and performance.outcomes is False
    assert list(performance.overall) == ["selection_rate"]
    assert performance.overall["selection_rate"].value == 0.5
    assert [t.metric for t in performance.thresholds] == ["demographic_parity_difference"]
    assert performance.thresholds[0].state == "within"
    assert [(c.metric, c.state) for c in performance.changes] == [("selection_rate", "unchanged")]
    assert data["windows"][0]["performance"]["outcomes"] is False
    assert not model.windows[0].breaches
    label = next(r for r in model.windows[0].drift.columns if r.column == "label")
    assert (label.state, label.reason) == (
        "not-compared",
        "outcomes not yet in: no label in this window",
    )
    assert recorded_inconsistencies(model, data) == []
    assert [f for f in gate_json(root, "--release")[1]["findings"] if "MON" in f["code"]] == []


def test_a_window_that_selects_one_group_breaches_without_outcomes(tmp_path: Path) -> None:
    root = _monitor(tmp_path, select_women=True)
    model, data, error = load_monitoring(root / RECORD)
    assert error is None and model is not None
    window = model.windows[0]
    kinds = sorted({(b.kind, b.subject) for b in window.breaches})
    assert ("threshold", "demographic_parity_difference (sex)") in kinds or any(
        kind == "threshold" for kind, _ in kinds
    ), kinds
    assert any(kind == "performance" and subject == "selection_rate" for kind, subject in kinds)
    codes = [f["code"] for f in gate_json(root)[1]["findings"]]
    assert "GATE-MON002" in codes  # a breach without a decision blocks the release
    assert recorded_inconsistencies(model, data) == []
