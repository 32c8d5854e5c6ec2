"""Croissant 1.1 + RAI 1.0 export, proven by `mlcroissant validate` and by reading the
worked example's records back through mlcroissant, offline (the data files are local)."""

from __future__ import annotations

import copy
import csv
import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import mlcroissant as mlc
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardgate.documents.schemas.contract import ColumnContract
from cardgate.interop import croissant
from tests.interop.bom_support import DATASETS, REPO, Example, copy_example, load_example

MLCROISSANT = Path(sys.executable).parent / "mlcroissant"


def validate(path: Path) -> tuple[int, str]:
    """`mlcroissant validate --jsonld PATH`: its exit code and what it printed."""
    run = subprocess.run(
        [str(MLCROISSANT), "validate", "--jsonld", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return run.returncode, run.stdout + run.stderr


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return load_example(copy_example(tmp_path_factory.mktemp("croissant") / "governance"))


def described(example: Example, dataset_id: str, location: Path | None = None) -> dict[str, Any]:
    return croissant.dataset_jsonld(
        example.workspace,
        dataset_id,
        data_check=example.data_check(dataset_id),
        location=location,
    )


def written(example: Example, dataset_id: str, folder: Path | None = None) -> Path:
    """The description written where its `contentUrl` resolves (default: the workspace
    root)."""
    folder = folder or example.workspace.root
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dataset_id}{croissant.SUFFIX}"
    path.write_bytes(croissant.render(described(example, dataset_id, folder)))
    return path


def csv_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_mlcroissant_validates_each_dataset(example: Example, dataset_id: str) -> None:
    code, output = validate(written(example, dataset_id))
    assert code == 0, output
    assert "error(s)" not in output


def test_mlcroissant_refuses_a_broken_description(example: Example, tmp_path: Path) -> None:
    """The negative case: a field reading from a file the description does not declare."""
    broken = copy.deepcopy(described(example, "german-credit", tmp_path))
    broken["recordSet"][0]["field"][0]["source"]["fileObject"]["@id"] = "missing.csv"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    code, output = validate(path)
    assert code != 0
    assert "error(s)" in output


def _typed(value: str, data_type: str) -> Any:
    if value == "":
        return None
    if data_type == "sc:Integer":
        return int(value)
    if data_type == "sc:Float":
        return float(value)
    return value


def _read(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, float) and value != value:  # NaN: a missing value
        return None
    return value


@pytest.mark.parametrize(("dataset_id", "limit"), [("german-credit", None), ("adult", 300)])
def test_mlcroissant_reads_the_records_of_the_data_file(
    example: Example, dataset_id: str, limit: int | None
) -> None:
    """Every field's values, read through the description, are the file's (german-credit
    whole; adult's first 300 rows: reading all 48,842 takes a minute)."""
    path = written(example, dataset_id)
    description = json.loads(path.read_text(encoding="utf-8"))
    fields = {f["@id"]: (f["name"], f["dataType"]) for f in description["recordSet"][0]["field"]}
    dataset = mlc.Dataset(jsonld=str(path))
    records = list(itertools.islice(dataset.records(record_set=dataset_id), limit))
    data_file = (
        example.workspace.datasets[dataset_id].folder / description["distribution"][0]["name"]
    )
    expected = csv_rows(data_file)
    assert len(records) == (limit or len(expected))
    for record, row in zip(records, expected, strict=False):
        got = {fields[key][0]: _read(value) for key, value in record.items()}
        want = {name: _typed(row[name], kind) for name, kind in fields.values()}
        assert got == want


def test_content_url_is_relative_to_where_the_file_is_written(
    example: Example, tmp_path: Path
) -> None:
    folder = example.workspace.root / "exports" / "croissant"
    path = written(example, "german-credit", folder)
    description = json.loads(path.read_text(encoding="utf-8"))
    assert (
        description["distribution"][0]["contentUrl"]
        == "../../datasets/german-credit/german-credit.csv.gz"
    )
    records = mlc.Dataset(jsonld=str(path)).records(record_set="german-credit")
    assert next(iter(records))  # mlcroissant finds the file from there


def test_the_contract_and_the_datasheet_map_onto_croissant_and_rai(example: Example) -> None:
    description = described(example, "adult")
    sheet = yaml.safe_load((REPO / "governance/datasets/adult/datasheet.yaml").read_text())
    assert description["conformsTo"] == [
        "http://mlcommons.org/croissant/1.1",
        "http://mlcommons.org/croissant/RAI/1.0",
    ]
    (file_object,) = description["distribution"]
    assert file_object["sha256"] == sheet["sha256"]
    assert file_object["encodingFormat"] == "text/csv"
    spdx_id = sheet["distribution"]["license"]["spdx"]
    assert description["license"] == f"https://spdx.org/licenses/{spdx_id}.html"
    fields = description["recordSet"][0]["field"]
    assert [(f["name"], f["dataType"]) for f in fields] == [
        (c["name"], croissant.DATA_TYPES[c["type"]]) for c in sheet["contract"]["columns"]
    ]
    assert description["rai:dataUseCases"] == sheet["uses"]["intended"]
    assert description["rai:dataLimitations"] == sheet["uses"]["not_suitable_for"]
    assert description["rai:dataPreprocessingProtocol"] == sheet["preprocessing"]["steps"]
    assert (
        description["rai:personalSensitiveInformation"]
        == sheet["composition"]["sensitive_attributes"]
    )
    assert description["rai:dataBiases"] == [sheet["composition"]["known_biases"]]
    assert description["rai:dataCollection"].startswith(sheet["collection_process"]["method"])
    assert description["rai:dataCollectionMissingData"] == sheet["composition"]["missing_data"]
    assert description["description"].startswith(sheet["motivation"]["purpose"])
    assert "version" not in description  # not MAJOR.MINOR.PATCH: kept in the description
    assert f"Version: {sheet['version']}" in description["description"]


def test_a_description_shares_nothing_with_the_next(example: Example) -> None:
    """mlcroissant changes the `@context` it is handed: that must not reach the next export
    (it did: the module's context was handed out, and governance/exports went stale)."""
    first = described(example, "adult")
    mlc.Dataset(jsonld=first)
    first["@context"]["changed"] = "cr:changed"
    assert described(example, "adult") == json.loads(croissant.render(described(example, "adult")))
    assert "changed" not in described(example, "adult")["@context"]


def test_the_export_is_deterministic(example: Example, tmp_path: Path) -> None:
    first = croissant.render(described(example, "adult"))
    other = load_example(copy_example(tmp_path / "g"))
    again = croissant.render(
        croissant.dataset_jsonld(other.workspace, "adult", data_check=other.data_check("adult"))
    )
    assert first == again


def test_a_semantic_version_is_kept_as_the_version(example: Example) -> None:
    docs = example.workspace.datasets["german-credit"]
    sheet = docs.datasheet
    assert sheet is not None and docs.sheet is not None
    docs.sheet.model = sheet.model_copy(update={"version": "2.1.0"})
    try:
        description = described(example, "german-credit")
    finally:
        docs.sheet.model = sheet
    assert description["version"] == "2.1.0"
    assert "Version:" not in description["description"]


column_types = st.sampled_from(sorted(croissant.DATA_TYPES))
names = st.text(min_size=1, max_size=20).filter(lambda t: t.strip() == t and t != "")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    columns=st.lists(
        st.tuples(names, column_types), min_size=1, max_size=6, unique_by=lambda c: c[0]
    )
)
def test_any_contract_gives_a_description_mlcroissant_accepts(
    example: Example, columns: list[tuple[str, str]]
) -> None:
    docs = example.workspace.datasets["german-credit"]
    sheet = docs.datasheet
    assert sheet is not None and sheet.contract is not None and docs.sheet is not None
    contract = sheet.contract.model_copy(
        update={
            "columns": [
                ColumnContract(
                    name=name,
                    type=kind,  # type: ignore[arg-type]
                    allowed_values=["a", "b"] if kind == "category" else None,
                )
                for name, kind in columns
            ]
        }
    )
    docs.sheet.model = sheet.model_copy(update={"contract": contract})
    try:
        description = described(example, "german-credit")
    finally:
        docs.sheet.model = sheet
    mlc.Dataset(jsonld=description)  # raises mlcroissant's ValidationError when invalid
    fields = description["recordSet"][0]["field"]
    assert [(f["name"], f["source"]["extract"]["column"]) for f in fields] == [
        (name, name) for name, _ in columns
    ]
    assert [f["dataType"] for f in fields] == [croissant.DATA_TYPES[k] for _, k in columns]  # type: ignore[index]
