"""A breaching window cannot hide after today, nor be dropped from the record
(GATE-MON002; red team 44).

The gate judged only the latest window *that ended by today*: a window ending later was
"not yet history". But its breaches are recorded, and its end is whatever its file name
or ``--end`` says. So the December window monitored on 30 November under its period's
name (``2026-12.csv``, which ends 2026-12-31), or any window given a far ``--end``, hid
its drift behind November's clean window: GATE-MON001 counted November, GATE-MON002
judged November, the roles signed, and ``gate --release`` passed. Now every window ending
after today is judged too; a decision on it covers it, as on the latest. And with
``--changed-since``, a breach judged on the ref whose window the change deleted from
``monitoring.json`` (the clean window before it became the latest) still needs its
decision."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gate.conftest import window_text

from .conftest import SYSTEM, build_workspace, cli, codes, edit, gate_json, git
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


# A breach judged on the ref, dropped from the record in the change (--changed-since)

RECORD = f"systems/{SYSTEM}/monitoring.json"
RETRAIN = (
    "  owner: Ada Owner\n  decisions:\n    - {window: '2026-11-28', decision: retrain, "
    "approver: Ada Owner, date: 2026-11-30}\nevaluation:"
)


def _breach_on_ref(tmp_path: Path) -> Path:
    """October clean, then a drifting window ending 2026-11-28 recorded by the monitoring
    job and committed: GATE-MON002 blocks on the ref."""
    root = build_workspace(
        tmp_path / "ws", {"monitor": [{"id": "2026-10"}, {"id": "2026-11-28", "shifted": True}]}
    )
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    assert "GATE-MON002" in codes(gate_json(root)[1])
    return root


def _blocked_only_since_the_ref(root: Path, opening: str) -> None:
    """The record as it is decides nothing (its latest window is clean); against the ref,
    GATE-MON002 blocks with one finding opening with `opening` (the gate passed before)."""
    assert gate_json(root, "--release")[0] == 0
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    [message] = _breach_findings(report)
    assert message.startswith(opening), message


def _drop(root: Path, window: str) -> None:
    path = root / RECORD
    data = json.loads(path.read_text(encoding="utf-8"))
    data["windows"] = [w for w in data["windows"] if w["id"] != window]
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_a_breaching_window_dropped_from_the_record_still_needs_a_decision(
    tmp_path: Path,
) -> None:
    root = _breach_on_ref(tmp_path)
    _drop(root, "2026-11-28")  # October, clean and 30 days old, is the latest again
    sign_all(root)
    _blocked_only_since_the_ref(
        root,
        f"the monitored window '2026-11-28' of {RECORD} on HEAD, removed from the record "
        "since, breaches its plan: drift: sex; no decision is recorded",
    )


def test_a_record_deleted_whole_still_needs_the_decision(tmp_path: Path) -> None:
    root = _breach_on_ref(tmp_path)
    (root / RECORD).unlink()
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1
    [message] = _breach_findings(report)
    assert "'2026-11-28'" in message and "removed from the record since" in message


def test_a_window_dropped_with_its_decision_recorded_passes(tmp_path: Path) -> None:
    root = _breach_on_ref(tmp_path)
    _drop(root, "2026-11-28")
    edit(root / f"systems/{SYSTEM}/model-card.yaml", ("  owner: Ada Owner\nevaluation:", RETRAIN))
    report = gate_json(root, "--changed-since", "HEAD")[1]
    assert _breach_findings(report) == []


# A breach recorded in the change behind the latest window (--changed-since)


def _clean_on_ref(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11"}]})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _backdated(root: Path, *decision: str) -> None:
    """December's drifting data recorded by the real `cardgate monitor` as ending
    29 November, before November's clean window; signed again (acknowledged)."""
    window = root / "windows" / "2026-12-06.csv"
    window.write_text(window_text(True), encoding="utf-8")
    args = ("--window", str(window), "--end", "2026-11-29")
    code, out = cli("monitor", SYSTEM, "-w", str(root), *args)
    assert code == 1 and "BREACH" in out, out
    if decision:
        edit(
            root / f"systems/{SYSTEM}/model-card.yaml",
            ("  owner: Ada Owner\nevaluation:", decision[0]),
        )
    sign_all(root, "--acknowledge", "GATE-MON002")


def test_a_breach_recorded_behind_the_latest_window_needs_a_decision(tmp_path: Path) -> None:
    root = _clean_on_ref(tmp_path)
    _backdated(root)
    _blocked_only_since_the_ref(
        root,
        f"the monitored window '2026-12-06' ({RECORD}), recorded since HEAD and ending "
        "2026-11-29, before the latest window, breaches its plan: drift: sex",
    )


def test_a_breach_recorded_behind_the_latest_window_with_a_decision_passes(
    tmp_path: Path,
) -> None:
    root = _clean_on_ref(tmp_path)
    _backdated(root, RETRAIN.replace("2026-11-28", "2026-12-06"))
    report = gate_json(root, "--changed-since", "HEAD")[1]
    assert _breach_findings(report) == [], report["findings"]


# A window too small to compare anything after a breaching one


def _tiny_after_breach(tmp_path: Path, *, breach: bool = True) -> Path:
    """October clean, November (drifting, unless `breach` is false) and then five rows
    of the next days' data recorded by the real `cardgate monitor` as 2026-11-29:
    "0 of 0 columns drifted" (the plan's min_rows is 30); signed by every role."""
    root = build_workspace(
        tmp_path / "ws",
        {"monitor": [{"id": "2026-10"}, {"id": "2026-11-28", "shifted": breach}], "sign": []},
    )
    window = root / "windows" / "2026-11-29.csv"
    window.write_text("\n".join(window_text(False).splitlines()[:6]) + "\n", encoding="utf-8")
    code, out = cli("monitor", SYSTEM, "-w", str(root), "--window", str(window))
    assert code == 0 and "0 of 0 columns drifted" in out, out
    sign_all(root, "--acknowledge", "GATE-MON002")
    return root


def test_a_window_that_compares_nothing_does_not_hide_the_breach_before_it(
    tmp_path: Path,
) -> None:
    root = _tiny_after_breach(tmp_path)
    code, report = gate_json(root, "--release")
    assert code == 1, report  # was 0: the five rows were the latest window, "ok"
    [message] = _breach_findings(report)
    assert message.startswith(
        f"the monitored window '2026-11-28' ({RECORD}), followed only by windows that "
        "compared no column with the reference (fewer rows than the plan's min_rows), "
        "breaches its plan: drift: sex; no decision is recorded"
    ), message


def test_a_window_that_compares_nothing_is_no_recent_monitoring(tmp_path: Path) -> None:
    root = _tiny_after_breach(tmp_path, breach=False)
    edit(
        root / f"systems/{SYSTEM}/model-card.yaml",
        ("lifecycle_stage: validation", "lifecycle_stage: deployment"),
        ("  owner: Ada Owner\nevaluation:", "  owner: Ada Owner\n  cadence: daily\nevaluation:"),
    )
    report = gate_json(root)[1]
    found = [f["message"] for f in report["findings"] if f["code"] == "GATE-MON001"]  # type: ignore[union-attr]
    assert found == [
        "the latest window that compared any column '2026-11-28' ended 2026-11-28, 2 days "
        "ago; a daily cadence allows 1 ('2026-11-29', after it, compared none: fewer rows "
        "than the plan's min_rows)"
    ], report["findings"]
    assert _breach_findings(report) == []
