"""Every breach of a monitoring window follows from the verdicts the window records
(GATE-MON003, issue 12): a breach of a card threshold on the window, of a metric worse
than the approved evaluation, of the data contract — each removed from the record and the
window sealed again is an edit the gate names, without `--release`. The verdicts
themselves are decided again where the record holds their numbers (a column's drift, a
metric's change), so a verdict rewritten to hide a breach is named too."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cardgate.documents.workspace import load_workspace
from cardgate.evidence.monitoring.artifact import load_monitoring, recorded_inconsistencies
from cardgate.evidence.monitoring.profiling import profile_system
from cardgate.evidence.monitoring.run import monitor_system

from .conftest import SYSTEM, build_workspace, gate_json
from .test_monitoring_record_verified import EDITED, HINT, RECORD, _column, _found, _one, _rewrite

WINDOW = "window '2026-11'"
BREACHES_EDITED = EDITED + f"{WINDOW}: its breaches do not follow from its verdicts"


def _biased_window(predictions: str) -> str:
    """The base predictions with every 'F' row predicted 1: the demographic parity
    difference on the window is far beyond the card's limit of 0.1, the accuracy falls
    well below the approved evaluation's."""
    header, *rows = predictions.splitlines()
    out = []
    for row in rows:
        label, prediction, sex = row.split(",")
        out.append(f"{label},{1 if sex == 'F' else prediction},{sex}")
    return "\n".join([header, *out]) + "\n"


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose one window breaches in every way a record can: a threshold, a
    change against the approved evaluation and the contract of the dataset the plan
    names (its predictions must all be 0: the window's are not)."""
    root = build_workspace(
        tmp_path_factory.mktemp("biased") / "ws",
        {
            "edit": {
                f"systems/{SYSTEM}/model-card.yaml": [
                    [
                        "  owner: Ada Owner\nevaluation:",
                        "  owner: Ada Owner\n  dataset: loans\nevaluation:",
                    ]
                ],
                "datasets/loans/datasheet.yaml": [
                    [
                        "    - name: sex\n      type: string\n",
                        "    - name: sex\n      type: string\n"
                        "    - name: prediction\n      type: integer\n      max: 0\n",
                    ]
                ],
            }
        },
    )
    profile_system(load_workspace(root), SYSTEM)
    window = root / "windows" / "2026-11.csv"
    window.parent.mkdir(parents=True, exist_ok=True)
    predictions = (root / f"systems/{SYSTEM}/predictions.csv").read_text(encoding="utf-8")
    window.write_text(_biased_window(predictions), encoding="utf-8")
    monitor_system(load_workspace(root), SYSTEM, [window])
    return root


@pytest.fixture
def root(monitored: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(monitored, copy)
    return copy


def _window(root: Path) -> dict[str, Any]:
    data = json.loads((root / RECORD).read_text(encoding="utf-8"))
    window: dict[str, Any] = data["windows"][0]
    return window


def _without(kind: str) -> Callable[[dict[str, Any]], None]:
    def drop(data: dict[str, Any]) -> None:
        window = data["windows"][0]
        window["breaches"] = [b for b in window["breaches"] if b["kind"] != kind]

    return drop


def test_the_window_breaches_in_every_way_and_its_record_is_consistent(root: Path) -> None:
    window = _window(root)
    kinds = {breach["kind"] for breach in window["breaches"]}
    assert {"threshold", "performance", "contract"} <= kinds, window["breaches"]
    assert _found(gate_json(root)[1]) == []


@pytest.mark.parametrize("kind", ["threshold", "performance", "contract"])
def test_a_breach_removed_and_sealed_again_is_named(root: Path, kind: str) -> None:
    _rewrite(root, _without(kind), seal=True)
    assert _one(gate_json(root)[1])["message"] == BREACHES_EDITED


def _change(window: dict[str, Any], metric: str) -> dict[str, Any]:
    return next(c for c in window["performance"]["changes"] if c["metric"] == metric)


def test_a_worse_metric_recorded_unchanged_is_named(root: Path) -> None:
    assert _change(_window(root), "accuracy")["state"] == "worse"

    def hide(data: dict[str, Any]) -> None:
        window = data["windows"][0]
        _change(window, "accuracy")["state"] = "unchanged"
        window["breaches"] = [b for b in window["breaches"] if b["subject"] != "accuracy"]

    _rewrite(root, hide, seal=True)
    assert _one(gate_json(root)[1])["message"] == EDITED + (
        f"{WINDOW}: the change of 'accuracy' is recorded 'unchanged' but its numbers give 'worse'"
    )


def test_a_drifting_column_recorded_not_compared_is_named(root: Path) -> None:
    """'not-compared' is what a column without a p-value is, not a state to hide in."""
    assert _column(_window(root), "prediction")["state"] == "drift"

    def hide(data: dict[str, Any]) -> None:
        window = data["windows"][0]
        _column(window, "prediction")["state"] = "not-compared"
        window["breaches"] = [b for b in window["breaches"] if b["kind"] != "drift"]

    _rewrite(root, hide, seal=True)
    assert _one(gate_json(root)[1])["message"] == EDITED + (
        f"{WINDOW}: column 'prediction' is recorded 'not-compared' but its numbers give 'drift'"
    )


def test_an_adjusted_p_value_removed_is_an_edit(root: Path) -> None:
    _rewrite(root, lambda d: _column(d["windows"][0], "sex").update(p_adjusted=None), seal=True)
    assert _one(gate_json(root)[1])["message"] == (
        EDITED + f"{WINDOW}: column 'sex': adjusted p-value edited"
    )


def test_an_adjusted_p_value_without_a_p_value_is_an_edit(root: Path) -> None:
    def invent(data: dict[str, Any]) -> None:
        row = _column(data["windows"][0], "sex")
        row.update(p_value=None, p_adjusted=0.5)

    _rewrite(root, invent, seal=True)
    assert _one(gate_json(root)[1])["message"] == (
        EDITED + f"{WINDOW}: column 'sex': adjusted p-value edited"
    )


def test_a_column_without_a_p_value_is_not_compared(root: Path) -> None:
    """Both p-values gone (consistent with each other): the column was not compared, so
    recording it 'stable' is an edit."""

    def blank(data: dict[str, Any]) -> None:
        row = _column(data["windows"][0], "sex")
        row.update(p_value=None, p_adjusted=None)

    _rewrite(root, blank, seal=True)
    found = _one(gate_json(root)[1])["message"]
    assert found.startswith(EDITED + f"{WINDOW}: column 'sex' is recorded '"), found
    assert "but its numbers give 'not-compared'" in found


def test_a_contract_recorded_passed_despite_its_violations_is_named(root: Path) -> None:
    _rewrite(root, lambda d: d["windows"][0]["contract"].update(passed=True), seal=True)
    assert _one(gate_json(root)[1])["message"] == (
        EDITED + f"{WINDOW}: its contract verdict does not follow from its violations"
    )


def test_a_change_that_is_not_a_number_is_malformed(root: Path) -> None:
    """The window's performance and contract sections are read with the writer's model,
    like the rest of the record: a value of the wrong type is named, not trusted."""
    _rewrite(
        root, lambda d: _change(d["windows"][0], "accuracy").update(difference="small"), seal=True
    )
    found = _one(gate_json(root)[1])
    assert found["hint"] == HINT
    assert found["message"] == (
        f"monitoring record '{RECORD}' is malformed at "
        "'windows.0.performance.changes.0.difference': Input should be a valid number, "
        "unable to parse string as a number"
    )


def test_an_edited_p_value_does_not_hide_the_columns_after_it(root: Path) -> None:
    def forge(data: dict[str, Any]) -> None:
        window = data["windows"][0]
        label = _column(window, "label")
        label["p_adjusted"] = label["p_adjusted"] / 2
        _column(window, "prediction")["state"] = "stable"
        window["breaches"] = [b for b in window["breaches"] if b["kind"] != "drift"]

    _rewrite(root, forge, seal=True)
    assert _one(gate_json(root)[1])["message"] == EDITED + (
        f"{WINDOW}: column 'label': adjusted p-value edited; "
        f"{WINDOW}: column 'prediction' is recorded 'stable' but its numbers give 'drift'"
    )


def test_a_change_without_an_interval_is_undefined(root: Path) -> None:
    """A metric the window could not compute has no interval: its change is 'undefined',
    and a record that says so is consistent."""

    def undefined(data: dict[str, Any]) -> None:
        change = _change(data["windows"][0], "f1")
        assert change["state"] != "worse"
        change.update(window=None, difference=None, ci=None, state="undefined")

    _rewrite(root, undefined, seal=True)
    model, data, error = load_monitoring(root / RECORD)
    assert error is None and model is not None
    assert recorded_inconsistencies(model, data) == []


def test_a_window_without_outcomes_is_consistent(monitored: Path, tmp_path: Path) -> None:
    """Outcomes not yet in: what the predictions say alone (the selection rate), and a
    record that derives from it."""
    root = tmp_path / "ws"
    shutil.copytree(monitored, root)
    (root / RECORD).unlink()
    window = root / "windows" / "2026-12.csv"
    predictions = (root / f"systems/{SYSTEM}/predictions.csv").read_text(encoding="utf-8")
    header, *rows = predictions.splitlines()
    window.write_text("\n".join([header, *("," + r.split(",", 1)[1] for r in rows)]) + "\n")
    monitor_system(load_workspace(root), SYSTEM, [window])
    model, data, error = load_monitoring(root / RECORD)
    assert error is None and model is not None
    performance = model.windows[0].performance
    assert performance is not None and performance.outcomes is False
    assert list(performance.overall) == ["selection_rate"]
    assert recorded_inconsistencies(model, data) == []


def test_a_record_of_an_earlier_evaluation_is_named_without_release(root: Path) -> None:
    """The model was evaluated again after its windows were monitored: they describe the
    model approved before, whatever they say. Found on every run, not only --release."""
    from cardgate.documents.signoffs import json_digest

    evaluation = root / f"systems/{SYSTEM}/evaluation.json"
    before = json_digest(evaluation)
    data = json.loads(evaluation.read_text(encoding="utf-8"))
    data["provenance"]["command"] = data["provenance"].get("command", "") + " "
    evaluation.write_text(json.dumps(data), encoding="utf-8")
    found = _one(gate_json(root)[1])
    assert found["message"] == (
        f"{RECORD} was monitored against systems/{SYSTEM}/evaluation.json as it was then "
        f"(sha256 {before[:12]}…), not systems/{SYSTEM}/evaluation.json as it is now "
        f"(sha256 {json_digest(evaluation)[:12]}…): its windows describe an earlier model"
    )
    assert found["hint"].startswith("a new evaluation starts a new record: move monitoring")
