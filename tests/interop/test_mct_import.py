"""`cardgate import mct`: Google Model Card Toolkit cards (schema v0.0.2) drafted into
model cards, tested on the toolkit's own example cards and JSON Schema (vendored in
tests/interop/mct/, see PROVENANCE.md there)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.paths import display_path

HERE = Path(__file__).resolve().parent / "mct"
REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((HERE / "model_card.schema.v0.0.2.json").read_text())
EXAMPLES = sorted(p.name for p in HERE.glob("*.json") if not p.name.startswith("model_card."))
runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root)
    return root


def _import(workspace: Path, example: str, name: str) -> tuple[int, str, dict]:
    result = runner.invoke(
        app, ["import", "mct", str(HERE / example), "--as", name, "-w", str(workspace)]
    )
    path = workspace / f"systems/{name}/model-card.yaml"
    draft = yaml.safe_load(path.read_text()) if path.exists() else {}
    return result.exit_code, result.output, draft


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_toolkits_examples_follow_its_schema(example: str) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(json.loads((HERE / example).read_text()))


def test_the_schema_refuses_what_is_not_a_card() -> None:
    card = json.loads((HERE / "full.json").read_text())
    card["model_detail"] = card.pop("model_details")
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.Draft7Validator(SCHEMA).validate(card)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_imports_to_a_valid_draft(workspace: Path, example: str) -> None:
    name = "imported-" + example.removesuffix(".json").replace("_", "-")
    code, output, draft = _import(workspace, example, name)
    assert code == 0, output
    checked = runner.invoke(
        app,
        ["validate", "-w", str(workspace), str(workspace / f"systems/{name}/model-card.yaml")],
    )
    assert checked.exit_code == 0, checked.output
    card = json.loads((HERE / example).read_text())
    assert draft["name"] == card["model_details"]["name"]
    assert draft["status"] == "draft"


def test_the_full_example_maps_field_by_field(workspace: Path) -> None:
    code, output, draft = _import(workspace, "full.json", "full")
    assert code == 0, output
    details = draft["model_details"]
    assert details["description"] == "overview"
    assert details["model_version"] == "v1.0"
    assert "model_date" not in details  # 2020/02/02 is no ISO date: kept, not guessed
    assert details["license"] == {"spdx": "Apache-2.0"}
    assert details["citation"] == "https://google.com"
    assert draft["owners"] == [
        {"name": "name1", "email": "contact1@email.com"},
        {"name": "name2", "email": "contact2@email.com"},
    ]
    assert draft["intended_use"]["primary_uses"] == ["use_cases"]
    assert draft["limitations"] == ["limitations1", "limitations2"]
    assert draft["ethical_considerations"] == [
        {"consideration": "ethical considerations name", "mitigation": "mitigation strategy"}
    ]
    assert draft["reported_results"] == [
        {
            "metric": "accuracy",
            "value": 0.9,
            "source": f"Model Card Toolkit card {display_path(HERE / 'full.json')}",
            "ci": [0.85, 0.95],
        }
    ]
    kept = draft["extensions"]["mct"]
    assert kept["model_details"]["documentation"] == "documentation"
    assert kept["model_details"]["version"] == {
        "date": "2020/02/02",
        "diff": "The diff with last version.",
    }
    assert kept["model_parameters"]["input_format"] == "32-char-len-text"
    for listed in (
        "model_details.documentation",
        "model_details.references",
        "model_details.path",
        "model_parameters.input_format",
        "model_parameters.output_format_map",
        "quantitative_analysis.graphics",
    ):
        assert listed in output, listed


def test_a_licence_that_is_no_spdx_id_stays_words(workspace: Path) -> None:
    code, output, draft = _import(workspace, "considerations.json", "knn")
    assert code == 0, output
    assert draft["model_details"]["license"] == {"text": "Apache 2.0"}
    assert draft["model_details"]["model_type"] == "knn"
    assert draft["model_details"]["citation"] == "https://doi.org/foo/bar"
    # its data has a path, not a web link: no lineage, kept as it was
    assert "lineage" not in draft
    assert draft["extensions"]["mct"]["model_parameters"]["data[0]"]["link"] == "path/to/train"


def test_a_broken_file_is_one_message_at_its_position(workspace: Path, tmp_path: Path) -> None:
    broken = tmp_path / "card.json"
    broken.write_text('{\n  "model_details": {"name": "x",}\n}\n')
    result = runner.invoke(app, ["import", "mct", str(broken), "--as", "x", "-w", str(workspace)])
    assert result.exit_code == 1
    assert "card.json:2:33: not valid JSON" in result.stderr and "Traceback" not in result.output
    assert not (workspace / "systems/x").exists()


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (
            {"model_details": {"name": ["a"]}},
            "model_details.name: is a list where the Model Card Toolkit has a string",
        ),
        (
            {"model_details": {"name": "a", "version": {"name": {"x": 1}}}},
            "model_details.version.name: is an object where the Model Card Toolkit has a string",
        ),
        (
            {"model_details": {"version": "1.0"}},
            "model_details.version: is a string where the Model Card Toolkit has an object",
        ),
        (
            {"model_details": {"owners": [{"name": "x"}, 3]}},
            "model_details.owners[1]: is a number where the Model Card Toolkit has an object",
        ),
        (
            {"considerations": {"users": [{"description": True}]}},
            "considerations.users[0].description: is true or false where the Model Card "
            "Toolkit has a string",
        ),
    ],
)
def test_a_field_of_the_wrong_type_is_named(
    workspace: Path, tmp_path: Path, card: dict, message: str
) -> None:
    """A field holding another JSON type than the toolkit's schema gives it: one message
    naming the field, exit 1, nothing written (its Python text was drafted: name: "['a']")."""
    path = tmp_path / "card.json"
    path.write_text(json.dumps(card))
    result = runner.invoke(app, ["import", "mct", str(path), "--as", "m", "-w", str(workspace)])
    assert result.exit_code == 1, result.output
    assert re.search(rf"card\.json:1:\d+: {re.escape(message)}", result.stderr), result.stderr
    assert "hint: each field of a card has one JSON type" in result.stderr
    assert not (workspace / "systems/m").exists()


def test_a_number_where_the_toolkit_has_text_is_its_json_text(
    workspace: Path, tmp_path: Path
) -> None:
    path = tmp_path / "card.json"
    path.write_text(json.dumps({"model_details": {"name": "a", "version": {"name": 1.5}}}))
    result = runner.invoke(app, ["import", "mct", str(path), "--as", "m", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load((workspace / "systems/m/model-card.yaml").read_text())
    assert draft["model_details"]["model_version"] == "1.5"


def test_a_field_of_the_wrong_type_is_shown_where_it_is_written(
    workspace: Path, tmp_path: Path
) -> None:
    path = tmp_path / "card.json"
    path.write_text(
        '{\n  "model_details": {\n    "name": "a",\n    "owners": [{"name": "x"}, 3]\n  }\n}\n'
    )
    result = runner.invoke(app, ["import", "mct", str(path), "--as", "m", "-w", str(workspace)])
    assert result.exit_code == 1, result.output
    assert "card.json:4:31: model_details.owners[1]: is a number" in result.stderr


def test_a_metric_value_too_large_for_a_float_is_kept_not_an_internal_error(
    workspace: Path, tmp_path: Path
) -> None:
    """JSON integers have no size limit; float() of one of 400 digits raises OverflowError.
    Such a value (as NaN and infinity) is no reported result: kept under extensions."""
    huge = int("1" + "0" * 400)
    metrics = [{"type": "accuracy", "value": huge}, {"type": "auc", "value": 0.9}]
    path = tmp_path / "card.json"
    path.write_text(json.dumps({"quantitative_analysis": {"performance_metrics": metrics}}))
    result = runner.invoke(app, ["import", "mct", str(path), "--as", "m", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load((workspace / "systems/m/model-card.yaml").read_text())
    assert [(r["metric"], r["value"]) for r in draft["reported_results"]] == [("auc", 0.9)]
