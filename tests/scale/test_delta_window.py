"""A Delta Lake table as a monitoring window (issue 22): `cardgate monitor --window FOLDER`
gives the entry the same rows give as a CSV or Parquet file, apart from `data` (the
table's folder, `format: delta`, the version read and one SHA-256 over the folder) and
the entry's digest — partitioned or not, with outcomes, and without (the selection
rates, the label held at one class by the engine's counting query). A folder name
without a date asks for --end; a commit during the read is an error that writes
nothing; ``gate --release`` measures the window again from the version it recorded and
blocks (GATE-MON003) when the table moved on, is gone or cannot be read. Real tables
written by delta-rs."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from deltalake import write_deltalake

from cardgate.core.errors import InputError
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.datacheck.source import data_sha256, open_source
from cardgate.evidence.monitoring import window as window_module
from cardgate.evidence.monitoring.run import monitor_system
from tests.gate.conftest import PREDICTIONS, SYSTEM, build_workspace
from tests.monitoring.test_monitor_cli import cli
from tests.trust.conftest import gate_json

RECORD = f"systems/{SYSTEM}/monitoring.json"


def _rows(*, outcomes: bool = True) -> pa.Table:
    table = pacsv.read_csv(io.BytesIO(PREDICTIONS.encode()))
    return table if outcomes else table.drop_columns(["label"])


def _workspace(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "ws")
    code, output = cli("profile", SYSTEM, "-w", str(root))
    assert code == 0, output
    return root


def _table(folder: Path, table: pa.Table, partition_by: list[str] | None = None) -> Path:
    """`table` as a Delta table in two commits (versions 0 and 1)."""
    half = table.num_rows // 2
    write_deltalake(folder, table.slice(0, half), partition_by=partition_by)
    write_deltalake(folder, table.slice(half), mode="append", partition_by=partition_by)
    return folder


def _entry(root: Path, window: Path, *extra: str) -> dict[str, Any]:
    """The entry `cardgate monitor` writes for `window` alone (the record moved away)."""
    record = root / RECORD
    record.unlink(missing_ok=True)
    code, output = cli("monitor", SYSTEM, "--window", str(window), *extra, "-w", str(root))
    assert code in (0, 1) and "Traceback" not in output, output
    (entry,) = json.loads(record.read_text())["windows"]
    return dict(entry)


def _but_the_data(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key not in ("data", "digest")}


@pytest.mark.parametrize("outcomes", [True, False], ids=["outcomes", "no outcomes"])
def test_a_table_window_is_the_rows_window(tmp_path: Path, outcomes: bool) -> None:
    root = _workspace(tmp_path)
    rows = _rows(outcomes=outcomes)
    windows = root / "windows"
    windows.mkdir()
    pacsv.write_csv(rows, windows / "2026-11.csv")
    pq.write_table(rows, windows / "2026-11.parquet")
    table = _table(windows / "2026-11.delta", rows)
    from_csv = _entry(root, windows / "2026-11.csv")
    assert (from_csv["performance"].get("outcomes", True)) is outcomes
    assert _but_the_data(_entry(root, windows / "2026-11.parquet")) == _but_the_data(from_csv)
    from_table = _entry(root, table)
    assert _but_the_data(from_table) == _but_the_data(from_csv)
    source = open_source(table, root=root)
    assert from_table["data"] == {
        "path": "windows/2026-11.delta",
        "sha256": data_sha256(source, root),
        "rows": rows.num_rows,
        "format": "delta",
        "version": "1",
    }
    assert from_table["id"] == "2026-11" and from_table["end"] == "2026-11-30"
    # partitioned by the sensitive feature: its values from the log
    partitioned = _table(windows / "by-sex" / "2026-11.delta", rows, ["sex"])
    assert _but_the_data(_entry(root, partitioned)) == _but_the_data(from_csv)
    # the same window again: already recorded, not measured again
    code, output = cli("monitor", SYSTEM, "--window", str(table), "-w", str(root))
    assert code in (0, 1) and "Traceback" not in output, output
    assert len(json.loads((root / RECORD).read_text())["windows"]) == 1


def test_a_folder_without_a_date_needs_end(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    table = _table(root / "windows" / "latest", _rows())
    code, output = cli("monitor", SYSTEM, "--window", str(table), "-w", str(root))
    assert code == 2 and "Traceback" not in output, output
    assert "no date in the Delta table's folder name" in output and "--end" in output
    assert not (root / RECORD).exists()
    entry = _entry(root, table, "--end", "2026-11-15")
    assert (entry["id"], entry["end"]) == ("latest", "2026-11-15")


def test_a_commit_during_the_read_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _workspace(tmp_path)
    rows = _rows()
    table = _table(root / "windows" / "2026-11.delta", rows)
    measure = window_module.measure_profile

    def racing(*args: Any, **kwargs: Any) -> Any:
        write_deltalake(table, rows.slice(0, 10), mode="append")
        return measure(*args, **kwargs)

    monkeypatch.setattr(window_module, "measure_profile", racing)
    with pytest.raises(InputError, match="a commit landed in the Delta table while it was read"):
        monitor_system(load_workspace(root), SYSTEM, [table])
    assert not (root / RECORD).exists()


def _mon003(root: Path) -> list[str]:
    _, report = gate_json(root, "--release")
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f["message"] for f in findings if f["code"] == "GATE-MON003"]


def test_release_reads_the_recorded_version_and_fails_closed(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    rows = _rows()
    table = _table(root / "windows" / "2026-11.delta", rows)
    _entry(root, table)
    assert _mon003(root) == []
    saved = tmp_path / "saved.delta"
    shutil.copytree(table, saved)
    write_deltalake(table, rows.slice(0, 10), mode="append")
    (moved,) = _mon003(root)
    assert "cannot be recomputed" in moved and "is at version 2, not version 1" in moved, moved
    shutil.rmtree(table)
    shutil.copytree(saved, table)
    assert _mon003(root) == []  # restored: the same snapshot, the same entry
    (table / "_delta_log" / f"{1:020d}.json").write_bytes(b"\x00\xff not json {")
    (broken,) = _mon003(root)
    assert "cannot be recomputed" in broken and "cannot read the Delta table" in broken, broken
    shutil.rmtree(table)
    (gone,) = _mon003(root)
    assert "its data 'windows/2026-11.delta' is gone" in gone, gone


def test_spark_monitors_a_table_window_as_duckdb_does(tmp_path: Path, spark: Any) -> None:
    """With outcomes (windows without them on Spark: test_monitor_spark.py), partitioned
    by the sensitive feature."""
    root = _workspace(tmp_path)
    table = _table(root / "windows" / "2026-11.delta", _rows(), ["sex"])
    written = {}
    for engine in ("duckdb", "spark"):
        master = "local[2]" if engine == "spark" else None
        monitor_system(load_workspace(root), SYSTEM, [table], engine=engine, master=master)
        written[engine] = (root / RECORD).read_bytes()
        (root / RECORD).unlink()
    assert written["spark"] == written["duckdb"]
    assert json.loads(written["spark"])["windows"][0]["data"]["version"] == "1"


def test_release_profiles_a_table_reference_again_and_fails_closed(tmp_path: Path) -> None:
    """A reference profiled from a Delta table's folder (`cardgate profile --data
    FOLDER`): `gate --release` profiles it again from the folder it records, and a commit
    since (the folder's SHA-256 changed) leaves it that cannot be recomputed."""
    root = build_workspace(tmp_path / "ws")
    rows = _rows()
    reference = _table(root / "reference.delta", rows)
    card = root / "systems" / SYSTEM / "model-card.yaml"  # the card names it (GATE-MON003)
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace("\nmonitoring:\n", "\nmonitoring:\n  reference: reference.delta\n")
    )
    code, output = cli("profile", SYSTEM, "-w", str(root))
    assert code == 0, output
    windows = root / "windows"
    windows.mkdir()
    pacsv.write_csv(rows, windows / "2026-11.csv")
    _entry(root, windows / "2026-11.csv")
    assert _mon003(root) == []
    write_deltalake(reference, rows.slice(0, 10), mode="append")
    (moved,) = _mon003(root)
    assert moved.startswith(
        f"systems/{SYSTEM}/profile.json cannot be recomputed from its inputs: its source "
        "'reference.delta' changed since it was profiled"
    ), moved
