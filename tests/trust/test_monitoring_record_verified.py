"""The monitoring record cannot be talked into hiding a breach (GATE-MON003, issue 12):
what it says of a record edited by hand, exactly, and — since a window's digest is not a
signature — that `--release` measures every window again from its data, so a drifting
window rewritten as stable and sealed again is caught, and one whose data is gone cannot
be certified."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cardgate.evidence.monitoring.artifact import entry_digest

from .conftest import SYSTEM, build_workspace, gate_json

RECORD = f"systems/{SYSTEM}/monitoring.json"
HINT = "never edit it: restore it and run cardgate monitor again"
EDITED = f"{RECORD} does not follow from its own numbers (edited by hand?): "


def _workspace(tmp_path: Path, *windows: dict[str, Any]) -> Path:
    return build_workspace(tmp_path / "ws", {"monitor": list(windows)})


def _rewrite(root: Path, change: Callable[[dict[str, Any]], None], *, seal: bool) -> None:
    """Edit the record as JSON; with `seal`, recompute each window's digest afterwards (as
    anyone who read the source could)."""
    path = root / RECORD
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    if seal:
        for window in data["windows"]:
            window["digest"] = entry_digest(window)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _found(report: dict[str, object]) -> list[dict[str, str]]:
    return [f for f in report["findings"] if f["code"] == "GATE-MON003"]  # type: ignore[union-attr]


def _column(window: dict[str, Any], name: str) -> dict[str, Any]:
    return next(row for row in window["drift"]["columns"] if row["column"] == name)


def _one(report: dict[str, object]) -> dict[str, str]:
    found = _found(report)
    assert len(found) == 1, report["findings"]
    assert found[0]["path"] == RECORD
    assert found[0]["severity"] == "error"
    return found[0]


def test_a_record_of_another_system_is_named(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11"})
    _rewrite(root, lambda data: data.update(system="other-system"), seal=False)
    found = _one(gate_json(root)[1])
    assert found["message"] == f"{RECORD} records system 'other-system', not '{SYSTEM}'"
    assert found["hint"] == HINT


def test_many_edits_name_the_first_three_and_count_the_rest(tmp_path: Path) -> None:
    ids = ["2026-08", "2026-09", "2026-10", "2026-11"]
    root = _workspace(tmp_path, *({"id": i} for i in ids))

    def forge(data: dict[str, Any]) -> None:
        for window in data["windows"]:
            window["digest"] = "0" * 64

    _rewrite(root, forge, seal=False)
    found = _one(gate_json(root)[1])
    named = "; ".join(f"window '{i}': its digest does not match its contents" for i in ids[:3])
    assert found["message"] == EDITED + named + "; and 1 more"
    assert found["hint"] == HINT


def test_a_drifting_column_recorded_stable_and_sealed_again(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11", "shifted": True})
    _rewrite(root, lambda d: _column(d["windows"][0], "sex").update(state="stable"), seal=True)
    found = _one(gate_json(root)[1])
    assert found["message"] == EDITED + (
        "window '2026-11': column 'sex' is recorded 'stable' but its numbers give 'drift'; "
        "window '2026-11': its breaches do not follow from its verdicts"
    )


def test_an_adjusted_p_value_edited_and_sealed_again(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11", "shifted": True})
    _rewrite(root, lambda d: _column(d["windows"][0], "sex").update(p_adjusted=0.5), seal=True)
    found = _one(gate_json(root)[1])
    assert found["message"] == EDITED + "window '2026-11': column 'sex': adjusted p-value edited"


def test_a_p_value_moved_by_a_millionth_is_an_edit(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11"})

    def nudge(data: dict[str, Any]) -> None:
        row = _column(data["windows"][0], "label")
        row["p_adjusted"] = row["p_adjusted"] * (1 - 1e-6)

    _rewrite(root, nudge, seal=True)
    found = _one(gate_json(root)[1])
    assert found["message"] == EDITED + "window '2026-11': column 'label': adjusted p-value edited"


def test_breaches_removed_and_sealed_again(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11", "shifted": True})
    _rewrite(root, lambda d: d["windows"][0].update(breaches=[]), seal=True)
    found = _one(gate_json(root)[1])
    assert found["message"] == (
        EDITED + "window '2026-11': its breaches do not follow from its verdicts"
    )


def test_a_window_recorded_twice(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11"})
    _rewrite(root, lambda d: d["windows"].append(dict(d["windows"][0])), seal=False)
    found = _one(gate_json(root)[1])
    assert found["message"] == EDITED + "a window id is recorded twice"


def _forge_stable(data: dict[str, Any]) -> None:
    """Rewrite the drifting window as stable, every number consistent with every other:
    nothing in the record itself gives it away."""
    window = data["windows"][0]
    row = _column(window, "sex")
    row.update(
        effects={"js": 0.0, "psi": 0.0},
        p_value=1.0,
        p_adjusted=1.0,
        state="stable",
        reason=_column(window, "label")["reason"],
    )
    window["drift"].update(drifted=0, share=0.0)
    window["breaches"] = []


def test_a_forged_record_sealed_again_passes_only_until_release(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11", "shifted": True})
    _rewrite(root, _forge_stable, seal=True)
    assert _found(gate_json(root)[1]) == []  # consistent with itself: only its data can tell
    found = _one(gate_json(root, "--release")[1])
    prefix = f"{RECORD} differs from what its inputs give (recomputed for --release): "
    assert found["message"].startswith(prefix + "windows.0.breaches: [], recomputed [{"), found
    assert "windows.0.drift.columns.2.effects.js: 0.0, recomputed 0.46" in found["message"]
    assert found["hint"] == (
        f"never edit an artifact: run cardgate monitor {SYSTEM} --window …, "
        "commit it and sign again"
    )


def test_a_record_as_monitored_passes_release(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-10", "shifted": True}, {"id": "2026-11"})
    assert _found(gate_json(root, "--release")[1]) == []


def test_a_window_whose_data_is_gone_cannot_be_certified(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-10"}, {"id": "2026-11"})
    (root / "windows" / "2026-11.csv").unlink()
    # without --release, a warning (tests/trust/test_monitoring_inputs_recorded.py)
    assert [f["severity"] for f in _found(gate_json(root)[1])] == ["warning"]
    found = _one(gate_json(root, "--release")[1])
    assert found["message"] == (
        f"{RECORD} cannot be recomputed from its inputs: "
        "window '2026-11': its data 'windows/2026-11.csv' is gone"
    )
    assert found["hint"] == (
        "restore each window's data where monitoring.json records it, or start a new "
        "record with cardgate monitor"
    )


def test_a_window_data_path_outside_the_workspace_cannot_be_certified(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"id": "2026-11"})

    def escape(data: dict[str, Any]) -> None:
        data["windows"][0]["data"]["path"] = "../outside.csv"

    _rewrite(root, escape, seal=True)
    found = _one(gate_json(root, "--release")[1])
    assert found["message"] == (
        f"{RECORD} cannot be recomputed from its inputs: "
        "window '2026-11': its data '../outside.csv' is outside the workspace"
    )


def test_each_system_is_recomputed_from_its_own_inputs(tmp_path: Path) -> None:
    """Two systems in one run: each record is measured again from its own windows (the
    gate's cache of recomputed artifacts is per system), so a true record passes and a
    forged one is caught whichever system the gate reads first."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.evidence.evaluation.run import evaluate_system
    from cardgate.evidence.monitoring.profiling import profile_system
    from cardgate.evidence.monitoring.run import monitor_system

    root = _workspace(tmp_path, {"id": "2026-11", "shifted": True})
    twin = root / "systems" / "zz-twin"
    twin.mkdir()
    for name in ("model-card.yaml", "predictions.csv"):
        text = (root / "systems" / SYSTEM / name).read_text(encoding="utf-8")
        (twin / name).write_text(text.replace(SYSTEM, "zz-twin"), encoding="utf-8")
    (root / "windows" / "twin-2026-11.csv").write_text(
        (root / "systems" / SYSTEM / "predictions.csv").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    evaluate_system(load_workspace(root), "zz-twin")
    profile_system(load_workspace(root), "zz-twin")
    monitor_system(load_workspace(root), "zz-twin", [root / "windows" / "twin-2026-11.csv"])

    def found(report: dict[str, object]) -> dict[str, list[str]]:
        by_system: dict[str, list[str]] = {}
        for finding in _found(report):
            by_system.setdefault(finding["system"], []).append(finding["message"])
        return by_system

    assert found(gate_json(root, "--release")[1]) == {}
    twin_record = twin / "monitoring.json"
    data = json.loads(twin_record.read_text(encoding="utf-8"))
    data["windows"][0]["data"]["rows"] = 1
    data["windows"][0]["digest"] = entry_digest(data["windows"][0])
    twin_record.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    messages = found(gate_json(root, "--release")[1])
    assert list(messages) == ["zz-twin"], messages
    assert "windows.0.data.rows: 1, recomputed 800" in messages["zz-twin"][0]


def test_three_edits_are_all_named_and_nothing_is_counted(tmp_path: Path) -> None:
    ids = ["2026-09", "2026-10", "2026-11"]
    root = _workspace(tmp_path, *({"id": i} for i in ids))

    def forge(data: dict[str, Any]) -> None:
        for window in data["windows"]:
            window["digest"] = "0" * 64

    _rewrite(root, forge, seal=False)
    found = _one(gate_json(root)[1])
    named = "; ".join(f"window '{i}': its digest does not match its contents" for i in ids)
    assert found["message"] == EDITED + named
