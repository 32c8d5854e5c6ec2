"""The reference profile cannot be talked into hiding drift (GATE-MON003): with
`--release` the gate profiles the reference again from the files it records, so a
`profile.json` edited to look like production — and monitored against, so that the record
holds it consistently — is caught; one whose source changed or is gone cannot be
certified; a table's profile (nothing can read the table again) is left to GATE-MON004."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cardgate.core.digests import file_sha256
from cardgate.core.files import canonical_json
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.monitoring.profiling import recompute_profile
from cardgate.evidence.monitoring.run import monitor_system

from .conftest import SYSTEM, build_workspace, cli, gate_json

PROFILE = f"systems/{SYSTEM}/profile.json"
SOURCE = f"systems/{SYSTEM}/predictions.csv"
GOVERNANCE = Path(__file__).resolve().parents[2] / "governance"


def _workspace(tmp_path: Path) -> Path:
    return build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11", "shifted": True}]})


def _found(report: dict[str, object]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["code"] == "GATE-MON003"]  # type: ignore[union-attr]


def _forge_reference(root: Path, change: Any) -> None:
    """Edit profile.json, then monitor again against it as an attacker would: the record
    is exactly what cardgate monitor writes for that reference (digests and all)."""
    path = root / PROFILE
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(canonical_json(data), encoding="utf-8")
    (root / f"systems/{SYSTEM}/monitoring.json").unlink()
    monitor_system(load_workspace(root), SYSTEM, [root / "windows" / "2026-11.csv"])


def _like_production(data: dict[str, Any]) -> None:
    """The sex column made to hold what the shifted window holds: every row 'F'."""
    column = data["columns"]["sex"]
    column["values"] = [["F", column["count"]]]


def test_the_worked_example_reference_recomputes_equal() -> None:
    path = GOVERNANCE / "systems" / "income-screening" / "profile.json"
    recorded = json.loads(path.read_text(encoding="utf-8"))
    assert recompute_profile(load_workspace(GOVERNANCE), path) == recorded


def test_a_reference_as_profiled_passes_release(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    assert _found(gate_json(root, "--release")[1]) == []


def test_a_forged_reference_monitored_against_is_caught_by_release(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    _forge_reference(root, _like_production)
    assert _found(gate_json(root)[1]) == []  # the record follows from it: only its data tells
    (found,) = _found(gate_json(root, "--release")[1])
    assert (found["path"], found["line"], found["column"]) == (PROFILE, 1, 1)
    assert found["severity"] == "error"
    assert found["message"] == (
        f"{PROFILE} differs from what its inputs give (recomputed for --release): "
        "columns.sex.values: [['F', 800]], recomputed [['F', 400], ['M', 400]]"
    )
    assert found["hint"] == (
        f"never edit an artifact: run cardgate profile {SYSTEM}, start a new record with "
        "cardgate monitor, commit it and sign again"
    )


@pytest.mark.parametrize("how", ["changed", "gone"])
def test_a_reference_whose_source_changed_or_is_gone_cannot_be_certified(
    tmp_path: Path, how: str
) -> None:
    root = _workspace(tmp_path)
    source = root / SOURCE
    digest = file_sha256(source)
    if how == "gone":
        source.unlink()
        reason = f"its source '{SOURCE}' is gone"
    else:
        source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        reason = (
            f"its source '{SOURCE}' changed since it was profiled "
            f"(sha256 {digest[:12]}…, now {file_sha256(source)[:12]}…)"
        )
    found = [f for f in _found(gate_json(root, "--release")[1]) if f["path"] == PROFILE]
    assert [f["message"] for f in found] == [
        f"{PROFILE} cannot be recomputed from its inputs: {reason}"
    ]
    assert found[0]["hint"] == (
        f"restore the data {PROFILE} records as its sources, or profile again (cardgate "
        f"profile {SYSTEM}) and start a new record with cardgate monitor"
    )


def _as_table(root: Path, name: str) -> None:
    """profile.json made to look like production and rewritten as a table's profile of
    `name`, with a query file of its own (its SHA-256 recorded), and monitored against:
    what an adversary can make without Spark or the table."""
    query = root / f"systems/{SYSTEM}/profile.sql"
    query.write_text("-- cardgate: the profile queries\nSELECT 1;\n", encoding="utf-8")

    def as_table(data: dict[str, Any]) -> None:
        _like_production(data)
        rows = data["rows"]
        data.update(
            sources=[],
            evidence="counts-with-query",
            computed_by={
                "engine": "spark",
                "query": f"systems/{SYSTEM}/profile.sql",
                "query_sha256": file_sha256(query),
                "tables": [{"name": name, "version": None}],
                "rows": rows,
            },
        )

    _forge_reference(root, as_table)


def _name_table(root: Path, name: str) -> None:
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    assert "\nmonitoring:\n" in text
    card.write_text(
        text.replace("\nmonitoring:\n", f"\nmonitoring:\n  reference_table: {name}\n", 1),
        encoding="utf-8",
    )


@pytest.mark.parametrize("named", [None, "lake.ml.other"])
def test_a_reference_rewritten_as_a_table_the_card_does_not_name_blocks(
    tmp_path: Path, named: str | None
) -> None:
    """The file's profile made into a "table's profile" escapes --release's profiling
    again; so the table must be the one the (signed) card names as its reference data."""
    root = _workspace(tmp_path)
    _as_table(root, "lake.ml.loans")
    if named is not None:
        _name_table(root, named)
    record = f"systems/{SYSTEM}/monitoring.json"
    for options in [(), ("--release",)]:
        (found,) = _found(gate_json(root, *options)[1])
        assert (found["path"], found["severity"]) == (record, "error")
        assert found["message"] == (
            f"{record}: the reference profile {PROFILE} was measured from the table "
            f"lake.ml.loans, which is not the system's reference data: its card names "
            f"{named or SOURCE} (monitoring.reference or monitoring.reference_table, else "
            "the evaluation's predictions)"
        )
        assert "monitoring.reference_table: lake.ml.loans" in found["hint"]


def test_a_table_reference_the_card_names_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table's profile of the table the card names rests on its recorded queries
    (GATE-MON004 weighs it): the gate does not try to profile it again, even with
    --release."""
    root = _workspace(tmp_path)
    _name_table(root, "lake.ml.loans")
    _as_table(root, "lake.ml.loans")

    def never(*_: object) -> dict[str, Any]:
        raise AssertionError("a table's profile was read again")

    monkeypatch.setattr("cardgate.evidence.monitoring.profiling.recompute_profile", never)
    assert _found(gate_json(root, "--release")[1]) == []


def test_production_data_profiled_as_the_reference_blocks(tmp_path: Path) -> None:
    """`profile --data` of a production window as the reference (so that the window
    drifts from nothing): the profile is true to its data, so --release's profiling again
    agrees; but that data is not what the card names as the reference."""
    root = _workspace(tmp_path)
    window = root / "windows" / "2026-11.csv"
    record = f"systems/{SYSTEM}/monitoring.json"
    (root / record).unlink()
    assert cli("profile", SYSTEM, "--data", str(window), "-w", str(root))[0] == 0
    monitor_system(load_workspace(root), SYSTEM, [window])
    written = json.loads((root / record).read_text(encoding="utf-8"))
    assert written["windows"][0]["breaches"] == []  # the drift is gone
    for options in [(), ("--release",)]:
        (found,) = _found(gate_json(root, *options)[1])
        assert found["message"] == (
            f"{record}: the reference profile {PROFILE} was measured from windows/2026-11.csv, "
            f"which is not the system's reference data: its card names {SOURCE} "
            "(monitoring.reference or monitoring.reference_table, else the evaluation's "
            "predictions)"
        )
        assert found["hint"] == (
            f"profile the reference the card names (cardgate profile {SYSTEM}) and start a "
            "new monitoring record; or, if that is the reference data, name it in the card "
            "(monitoring.reference: windows/2026-11.csv) and have the card signed again"
        )
    # named in the card as its reference (a folder of partitions counts): no finding here
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("\nmonitoring:\n", "\nmonitoring:\n  reference: windows\n", 1))
    assert _found(gate_json(root, "--release")[1]) == []


def test_a_card_names_a_file_or_a_table_not_both(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    _name_table(root, "lake.ml.loans")
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace("  reference_table:", f"  reference: {SOURCE}\n  reference_table:", 1),
        encoding="utf-8",
    )
    code, output = cli("validate", "-w", str(root))
    assert code == 1, output
    assert "not both" in output and "model-card.yaml:" in output and "Traceback" not in output


def test_recompute_refuses_a_table_profile(tmp_path: Path) -> None:
    from cardgate.core.errors import InputError

    path = tmp_path / "profile.json"
    path.write_text(
        canonical_json(
            {
                "artifact": "cardgate-profile",
                "schema_version": 1,
                "subject": SYSTEM,
                "sketch": json.loads(
                    (GOVERNANCE / "systems/income-screening/profile.json").read_text(
                        encoding="utf-8"
                    )
                )["sketch"],
                "rows": 0,
                "sources": [],
                "columns": {},
                "evidence": "counts-with-query",
                "computed_by": {
                    "engine": "spark",
                    "query": "profile.sql",
                    "query_sha256": "0" * 64,
                    "tables": [{"name": "t", "version": None}],
                    "rows": 0,
                },
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="table's profile"):
        recompute_profile(load_workspace(_workspace(tmp_path)), path)
