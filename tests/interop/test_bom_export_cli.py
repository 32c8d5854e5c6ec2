"""`cardgate export cyclonedx|spdx|croissant` through the CLI (the registry, the source
records, the folder), on a copy of the worked example: every file each format writes
passes that format's validator; and the committed Croissant exports read their records
from where they stand in governance/exports."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import jsonschema
import mlcroissant as mlc
import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from typer.testing import CliRunner

from cardgate.cli import app
from tests.interop.bom_support import DATASETS, GOVERNANCE, SYSTEMS, copy_example

runner = CliRunner()
SPDX_SCHEMA = json.loads((Path(__file__).parent / "spdx-3.0.1" / "schema.json").read_text())


def _export(root: Path, name: str) -> list[Path]:
    out = root / "exports"
    result = runner.invoke(
        app, ["export", name, "-w", str(root), "--out", str(out), "--today", "2026-11-30"]
    )
    assert result.exit_code == 0, result.output
    return sorted(path for path in (out).rglob(f"*/{name}/*") if path.is_file())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("export") / "governance")


def test_cyclonedx_exports_every_system_and_dataset_valid(root: Path) -> None:
    files = _export(root, "cyclonedx")
    assert sorted(p.name for p in files) == sorted(f"{n}.cdx.json" for n in (*SYSTEMS, *DATASETS))
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    for path in files:
        assert validator.validate_str(path.read_text(encoding="utf-8")) is None, path.name
    bom = json.loads(
        (root / "exports/systems/income-screening/cyclonedx/income-screening.cdx.json").read_text()
    )
    assert bom["components"][0]["licenses"] == [{"expression": "Apache-2.0"}]
    assert bom["declarations"]["attestations"]


def test_spdx_exports_every_system_and_dataset_valid(root: Path) -> None:
    files = _export(root, "spdx")
    assert sorted(p.name for p in files) == sorted(f"{n}.spdx.json" for n in (*SYSTEMS, *DATASETS))
    validator = jsonschema.Draft202012Validator(
        SPDX_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for path in files:
        assert not list(validator.iter_errors(json.loads(path.read_text()))), path.name


def test_spdx_exports_a_card_whose_id_is_not_its_folder_name(tmp_path: Path) -> None:
    """`id: other` in systems/credit-default/ (CG108 for validate): the SPDX exporter read
    the system's dates by the card's id, a KeyError, an internal error of `export all`
    and of every site build (its downloads)."""
    root = copy_example(tmp_path / "governance")
    card = root / "systems/credit-default/model-card.yaml"
    card.write_text(card.read_text().replace("\nid: credit-default\n", "\nid: other\n", 1))
    assert [p.name for p in _export(root, "spdx") if "credit-" in p.name] == [
        "credit-default.spdx.json",
    ]


def test_croissant_exports_every_dataset_and_no_system(root: Path) -> None:
    files = _export(root, "croissant")
    assert [p.relative_to(root / "exports").as_posix() for p in files] == [
        f"datasets/{d}/croissant/{d}.croissant.json" for d in DATASETS
    ]


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_the_committed_croissant_exports_read_their_records(dataset_id: str) -> None:
    path = (
        GOVERNANCE / "exports/datasets" / dataset_id / "croissant" / f"{dataset_id}.croissant.json"
    )
    records = mlc.Dataset(jsonld=str(path)).records(record_set=dataset_id)
    assert len(list(itertools.islice(records, 5))) == 5
