"""Without --release, the gate checks that the files a monitoring record rests on are the
ones it records (GATE-MON003, the red team's open item b).

The record names each window's data file and the reference profile and data, each with
its SHA-256; only --release read them (measuring the record again). A window file
swapped after the record was written (the record says stable, the data committed beside
it drifts), or gone, passed plain ``cardgate gate`` without a word. Hashing them needs
neither pandas nor DuckDB: plain gate now compares the digests and warns, as it does for
a changed predictions file (GATE-FA002 without --release); --strict fails on it, and
--release still blocks on the record measured again."""

from __future__ import annotations

from pathlib import Path

from tests.gate.conftest import window_text

from .conftest import SYSTEM, build_workspace, codes, gate_json

RECORD = f"systems/{SYSTEM}/monitoring.json"
HINT = (
    "restore the data the record names as it was measured, or start a new record "
    f"(cardgate monitor {SYSTEM} --window FILE)"
)


def _stale(report: dict[str, object]) -> list[tuple[str, str]]:
    return [
        (str(f["severity"]), str(f["message"]))
        for f in report["findings"]  # type: ignore[attr-defined]
        if f["code"] == "GATE-MON003"
    ]


def test_a_window_file_swapped_after_monitoring_is_reported(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11"}]})
    assert _stale(gate_json(root)[1]) == []
    (root / "windows/2026-11.csv").write_text(window_text(True), encoding="utf-8")
    code, report = gate_json(root)
    assert code == 0  # a warning without --release, as for a changed predictions file
    [(severity, message)] = _stale(report)
    assert severity == "warning"
    assert message.startswith(
        f"{RECORD} is stale: it rests on the data of window '2026-11' (windows/2026-11.csv), "
        "which changed since (recorded sha256 "
    ), message
    assert [f["hint"] for f in report["findings"] if f["code"] == "GATE-MON003"] == [HINT]
    assert gate_json(root, "--strict")[0] == 1
    code, report = gate_json(root, "--release")
    assert code == 1 and [s for s, _ in _stale(report)] == ["error"]


def test_a_window_file_or_reference_profile_gone_is_reported(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11"}]})
    (root / "windows/2026-11.csv").unlink()
    (root / f"systems/{SYSTEM}/profile.json").unlink()
    assert sorted(_stale(gate_json(root)[1]), reverse=True) == [
        (
            "warning",
            f"{RECORD} is stale: it rests on the reference profile systems/{SYSTEM}/profile.json, "
            "which does not exist or cannot be read: --release cannot measure it again",
        ),
        (
            "warning",
            f"{RECORD} is stale: it rests on the data of window '2026-11' (windows/2026-11.csv), "
            "which does not exist or cannot be read: --release cannot measure it again",
        ),
    ]


def test_the_reference_data_changed_is_reported(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11"}]})
    predictions = root / f"systems/{SYSTEM}/predictions.csv"
    predictions.write_text(window_text(True), encoding="utf-8")
    report = gate_json(root)[1]
    assert "GATE-FA002" in codes(report)
    assert [m.split(", which")[0] for _, m in _stale(report)] == [
        f"{RECORD} is stale: it rests on the reference data systems/{SYSTEM}/predictions.csv"
    ]
