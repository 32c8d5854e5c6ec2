"""A breaching window cannot hide after today (GATE-MON002; red team 44).

The gate judged only the latest window *that ended by today*: a window ending later was
"not yet history". But its breaches are recorded, and its end is whatever its file name
or ``--end`` says. So the December window monitored on 30 November under its period's
name (``2026-12.csv``, which ends 2026-12-31), or any window given a far ``--end``, hid
its drift behind November's clean window: GATE-MON001 counted November, GATE-MON002
judged November, the roles signed, and ``gate --release`` passed. Now every window ending
after today is judged too; a decision on it covers it, as on the latest."""

from __future__ import annotations

from pathlib import Path

from tests.gate.conftest import window_text

from .conftest import SYSTEM, build_workspace, cli, codes, gate_json
from .test_artifacts_verified import sign_all


def _monitored(tmp_path: Path, name: str, *end: str) -> Path:
    """November monitored clean and signed, then a drifting window recorded by the real
    `cardgate monitor` under `name` (and `--end END`), and signed again by every role
    (`cardgate sign` used to see no failure there; it now names GATE-MON002, accepted on
    the record here, which does not make the gate pass)."""
    root = build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11"}]})
    window = root / "windows" / name
    window.write_text(window_text(True), encoding="utf-8")
    extra = ("--end", end[0]) if end else ()
    code, out = cli("monitor", SYSTEM, "-w", str(root), "--window", str(window), *extra)
    assert code == 1 and "BREACH" in out, out  # monitor exits 1 on a breach
    sign_all(root, "--acknowledge", "GATE-MON002")  # sign now refuses it unacknowledged
    return root


def _breach_findings(report: dict[str, object]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MON002"]  # type: ignore[union-attr]


def test_a_window_named_after_the_month_to_come_is_judged(tmp_path: Path) -> None:
    root = _monitored(tmp_path, "2026-12.csv")
    code, report = gate_json(root, "--release")
    assert code == 1, report  # was 0: PASSED, the drift of sex unseen
    [message] = _breach_findings(report)
    assert message.startswith(
        f"the monitored window '2026-12' (systems/{SYSTEM}/monitoring.json), which ends "
        "2026-12-31, after today (2026-11-30), breaches its plan: drift: sex"
    ), message
    assert "GATE-MON001" not in codes(report)  # November is recent: that was never the issue


def test_a_window_given_a_far_end_is_judged(tmp_path: Path) -> None:
    root = _monitored(tmp_path, "late.csv", "2099-12-31")
    code, report = gate_json(root, "--release")
    assert code == 1, report  # was 0
    [message] = _breach_findings(report)
    assert "'late'" in message and "which ends 2099-12-31, after today" in message


def test_a_window_after_today_without_a_breach_passes(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11"}, {"id": "2026-12"}]})
    code, report = gate_json(root, "--release")
    assert code == 0, report["findings"]
