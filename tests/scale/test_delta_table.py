"""A Delta Lake table of predictions (issue 22), read with delta-rs: the artifact is the
Parquet file's apart from where the rows came from; `--engine duckdb|spark` count the
snapshot's data files and agree; a new commit makes the evaluation stale in the gate; a
commit landing during the read, a log naming files outside the table and a broken log
are clear errors."""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import write_deltalake
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.errors import ConfigurationError, InputError
from cardgate.evidence.evaluation import sources
from cardgate.evidence.evaluation.artifact import artifact_data
from cardgate.evidence.evaluation.evaluate import evaluate_settings
from tests.conftest import REPO
from tests.scale.test_engines_agree import _settings, _table


def _artifact(settings: Any, root: Path, engine: str = "auto") -> dict[str, Any]:
    return artifact_data(evaluate_settings(settings, root=root, system="s", engine=engine))


def _two_commits(root: Path, table: pa.Table, *, partition_by: list[str] | None = None) -> Path:
    """`table` written as a Delta table in two commits (versions 0 and 1)."""
    target = root / "predictions.delta"
    half = table.num_rows // 2
    write_deltalake(target, table.slice(0, half), partition_by=partition_by)
    write_deltalake(target, table.slice(half), mode="append", partition_by=partition_by)
    return target


def _without_source(artifact: dict[str, Any]) -> dict[str, Any]:
    predictions = artifact["provenance"]["predictions"]
    for name in ("path", "sha256", "table"):
        predictions.pop(name, None)
    artifact["provenance"].pop("settings_sha256")  # the settings name the path
    artifact["provenance"].pop("versions")
    return artifact


@pytest.mark.parametrize("partition_by", [None, ["region"]], ids=["flat", "partitioned"])
def test_delta_table_gives_the_parquet_files_artifact(
    tmp_path: Path, partition_by: list[str] | None
) -> None:
    table = _table(5, nulls=True)
    pq.write_table(table, tmp_path / "p.parquet")
    _two_commits(tmp_path, table, partition_by=partition_by)
    from_file = _artifact(_settings({"path": "p.parquet"}), tmp_path)
    from_table = _artifact(_settings({"path": "predictions.delta"}), tmp_path)
    recorded = from_table["provenance"]["predictions"]
    assert recorded["table"] == {"name": "predictions.delta", "version": "1"}
    assert (
        len(recorded["sha256"]) == 64
        and recorded["sha256"] != (from_file["provenance"]["predictions"]["sha256"])
    )
    assert json.dumps(_without_source(from_table)) == json.dumps(_without_source(from_file))


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_engines_count_the_snapshots_files(tmp_path: Path, spark: Any, engine: str) -> None:
    table = _table(6, nulls=True)
    target = _two_commits(tmp_path, table)
    # a file no longer in the snapshot: removed by an overwrite, still on disk until vacuum
    write_deltalake(target, table.slice(0, 100), mode="overwrite")
    write_deltalake(target, table, mode="append")
    settings = _settings({"path": "predictions.delta"})
    rows = _artifact(settings, tmp_path)
    counted = _artifact(settings, tmp_path, engine)
    assert counted["provenance"].pop("engine")["name"] == engine
    assert counted["provenance"]["predictions"]["rows"] == table.num_rows + 100
    rows["provenance"].pop("versions"), counted["provenance"].pop("versions")
    assert json.dumps(counted) == json.dumps(rows)


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_engines_read_a_column_a_later_commit_added_by_name(
    tmp_path: Path, request: pytest.FixtureRequest, engine: str
) -> None:
    """Schema evolution: the score column arrives with the second commit; the rows before
    it have no score, for delta-rs and for the engines alike (files read by name)."""
    if engine == "spark":
        request.getfixturevalue("spark")
    table = _table(14, nulls=False)
    target = tmp_path / "predictions.delta"
    half = table.num_rows // 2
    write_deltalake(target, table.slice(0, half).drop_columns(["score"]))
    write_deltalake(target, table.slice(half), mode="append", schema_mode="merge")
    settings = _settings({"path": "predictions.delta"})
    rows = _artifact(settings, tmp_path)
    counted = _artifact(settings, tmp_path, engine)
    counted["provenance"].pop("engine")
    rows["provenance"].pop("versions"), counted["provenance"].pop("versions")
    assert json.dumps(counted) == json.dumps(rows)
    assert rows["provenance"]["predictions"]["rows_used"] < table.num_rows  # no score: dropped


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_engines_read_the_partition_values_from_the_log(
    tmp_path: Path, request: pytest.FixtureRequest, engine: str
) -> None:
    """A table partitioned by a sensitive feature and by the label: the values live in
    the log's add actions only (a null partition among them), and the engines count
    delta-rs's rows."""
    if engine == "spark":
        request.getfixturevalue("spark")
    table = _table(7, nulls=True)
    for partition_by in (["sex"], ["region", "y_true"]):
        shutil.rmtree(tmp_path / "predictions.delta", ignore_errors=True)
        _two_commits(tmp_path, table, partition_by=partition_by)
        settings = _settings({"path": "predictions.delta"})
        rows = _artifact(settings, tmp_path)
        counted = _artifact(settings, tmp_path, engine)
        counted["provenance"].pop("engine")
        rows["provenance"].pop("versions"), counted["provenance"].pop("versions")
        assert json.dumps(counted) == json.dumps(rows), partition_by


def test_a_commit_during_the_read_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = _table(8, nulls=False)
    target = _two_commits(tmp_path, table)
    read = sources.delta_batches

    def racing(*args: Any, **kwargs: Any) -> Any:
        write_deltalake(target, table.slice(0, 10), mode="append")  # another writer
        yield from read(*args, **kwargs)

    monkeypatch.setattr(sources, "delta_batches", racing)
    with pytest.raises(InputError, match="a commit landed in the Delta table while it was read"):
        _artifact(_settings({"path": "predictions.delta"}), tmp_path)


def _add_action(target: Path, version: int, path: str) -> None:
    """A hand-written commit adding the data file `path` (as a hostile log would)."""
    add = {
        "add": {
            "path": path,
            "size": 1,
            "partitionValues": {},
            "modificationTime": 0,
            "dataChange": True,
        }
    }
    (target / "_delta_log" / f"{version:020d}.json").write_text(json.dumps(add) + "\n")


@pytest.mark.parametrize(
    "named",
    ["/etc/hostname", "../outside.parquet", "file:///etc/hostname", "s3://bucket/x.parquet"],
)
def test_a_log_naming_a_file_outside_the_table_is_refused(tmp_path: Path, named: str) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    pq.write_table(_table(9, nulls=False), workspace / "outside.parquet")
    target = _two_commits(workspace, _table(9, nulls=False))
    _add_action(target, 2, named)
    with pytest.raises(InputError, match="names a data file") as caught:
        _artifact(_settings({"path": "predictions.delta"}), workspace)
    assert "table's folder" in (caught.value.hint or "")


def test_a_data_file_linked_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    pq.write_table(_table(10, nulls=False), tmp_path / "elsewhere.parquet")
    target = _two_commits(workspace, _table(10, nulls=False))
    os.symlink(tmp_path / "elsewhere.parquet", target / "linked.parquet")
    _add_action(target, 2, "linked.parquet")
    with pytest.raises(InputError, match="names a data file"):
        _artifact(_settings({"path": "predictions.delta"}), workspace)


def test_broken_logs_and_plain_folders_are_clear_errors(tmp_path: Path) -> None:
    target = _two_commits(tmp_path, _table(11, nulls=False))
    (target / "_delta_log" / f"{2:020d}.json").write_bytes(b"\x00\xff not json {")
    with pytest.raises(InputError, match="cannot read the Delta table"):
        _artifact(_settings({"path": "predictions.delta"}), tmp_path)
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError, match="not a regular file") as caught:
        _artifact(_settings({"path": "plain"}), tmp_path)
    assert "_delta_log" in (caught.value.hint or "")


def test_gate_reports_a_new_commit_as_stale_and_release_recomputes(tmp_path: Path) -> None:
    workspace = tmp_path / "governance"
    shutil.copytree(REPO / "governance", workspace, ignore=shutil.ignore_patterns("site"))
    folder = workspace / "systems" / "credit-default"
    import pyarrow.csv as pcsv

    rows = pcsv.read_csv(folder / "predictions.csv.gz")
    _two_commits(folder, rows, partition_by=["sex"])
    card = folder / "model-card.yaml"
    card.write_text(
        card.read_text().replace(
            "path: systems/credit-default/predictions.csv.gz",
            "path: systems/credit-default/predictions.delta",
        )
    )
    runner = CliRunner()
    evaluated = runner.invoke(app, ["evaluate", "credit-default", "-w", str(workspace)])
    assert evaluated.exit_code == 0, evaluated.output
    args = ["gate", "-w", str(workspace), "--today", "2026-11-30", "--format", "json"]

    def stale(*extra: str) -> list[str]:
        result = runner.invoke(app, [*args, *extra])
        report = json.loads(result.stdout)
        return [
            finding["message"]
            for finding in report["findings"]
            if finding["code"] in ("GATE-FA002", "GATE-ART001")
            and finding["system"] == "credit-default"
        ]

    assert stale() == [] and stale("--release") == []
    from cardgate.documents.workspace import load_workspace
    from cardgate.site.build import generate, site_layout

    loaded = load_workspace(workspace)
    layout = site_layout(loaded)
    generated = generate(loaded, layout, today=datetime.date(2026, 11, 30))
    assert generated.unrendered == []  # the pages of evaluations of files too
    page = (layout.docs_dir / "systems" / "credit-default" / "index.md").read_text()
    assert (
        "<code>systems/credit-default/predictions.delta</code>: a Delta table at version 1" in page
    )
    write_deltalake(
        folder / "predictions.delta", rows.slice(0, 5), mode="append", partition_by=["sex"]
    )
    messages = stale("--release")
    assert any(
        "the Delta table 'systems/credit-default/predictions.delta' changed" in m for m in messages
    )
    assert any("differs from what its inputs give" in m for m in messages)


@pytest.mark.parametrize("engine", ["auto", "duckdb"])
def test_tables_needing_deletion_vectors_are_refused(tmp_path: Path, engine: str) -> None:
    target = _two_commits(tmp_path, _table(12, nulls=False))
    protocol = {
        "protocol": {
            "minReaderVersion": 3,
            "minWriterVersion": 7,
            "readerFeatures": ["deletionVectors"],
            "writerFeatures": ["deletionVectors"],
        }
    }
    (target / "_delta_log" / f"{2:020d}.json").write_text(json.dumps(protocol) + "\n")
    with pytest.raises((InputError, ConfigurationError), match="deletionVectors"):
        _artifact(_settings({"path": "predictions.delta"}), tmp_path, engine)
