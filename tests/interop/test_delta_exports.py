"""Exports of a dataset whose data is a Delta table (issue 22): the data check's digest of
a Delta table covers every file of its folder — cardgate's construction, not a file's
hash — so no export states it as the data file's SHA-256 (CycloneDX `hashes`, SPDX
`verifiedUsing`, Croissant `sha256`); each says instead, in words, that the data is a Delta
Lake table at the version checked, with that digest. Croissant describes the table as a
`cr:FileSet` of Parquet files (a FileObject must carry a file's hash), which mlcroissant
accepts."""

from __future__ import annotations

import json
from pathlib import Path

import mlcroissant as mlc
from typer.testing import CliRunner

from cardgate.cli import app
from tests.scale.test_check_data_spark import TODAY
from tests.scale.test_delta_data import _dataset


def test_no_export_states_the_folder_digest_as_a_file_hash(tmp_path: Path) -> None:
    folder, _ = _dataset(tmp_path)
    result = CliRunner().invoke(
        app,
        ["check-data", "generated", "-w", str(tmp_path), "--engine", "pandas", "--today", TODAY],
    )  # the contract's own data (rows that break it, by design): the dataset's
    # data-check.json, which the exports read
    assert result.exit_code == 1 and "violations" in result.output, result.output
    checked = json.loads((folder / "data-check.json").read_text(encoding="utf-8"))
    digest, version = checked["data"]["sha256"], checked["data"]["table"]["version"]
    assert checked["data"]["format"] == "delta"
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["export", "all", "generated", "-w", str(tmp_path), "--out", str(out), "--today", TODAY],
    )
    assert result.exit_code == 0, result.output
    exported = out / "datasets" / "generated"
    words = f"a Delta Lake table, checked at version {version}"

    bom = json.loads((exported / "cyclonedx" / "generated.cdx.json").read_text(encoding="utf-8"))
    [data] = [c for c in bom["components"] if c["type"] == "data"]
    assert "hashes" not in data
    assert any(words in p["value"] and digest in p["value"] for p in data["properties"])

    spdx = json.loads((exported / "spdx" / "generated.spdx.json").read_text(encoding="utf-8"))
    [package] = [e for e in spdx["@graph"] if e["type"] == "dataset_DatasetPackage"]
    assert "verifiedUsing" not in package and words in package["comment"]

    croissant = exported / "croissant" / "generated.croissant.json"
    [distribution] = json.loads(croissant.read_text(encoding="utf-8"))["distribution"]
    assert distribution["@type"] == "cr:FileSet" and "sha256" not in distribution
    assert distribution["encodingFormat"] == "application/x-parquet"
    assert distribution["includes"].endswith("data.delta/**/*.parquet")
    assert words in distribution["description"]
    mlc.Dataset(jsonld=str(croissant))  # raises on a Croissant error

    readme = (exported / "hf" / "README.md").read_text(encoding="utf-8")
    assert words in readme and f"SHA-256 `{digest}`" not in readme
