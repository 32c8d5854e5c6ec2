"""`cardgate import hf` on files that are not Hugging Face cards: one positioned message,
exit 1, nothing written (it drafted a card of TODOs from a binary file or a JSON one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.interop.hf_import import import_card

GOVERNANCE = Path(__file__).resolve().parents[2] / "governance"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is a binary file (a NUL byte at 8), not a Markdown card"),
        (b'{"name": "a model"}\n', "has neither YAML metadata nor a Markdown heading"),
        (b"", "has neither YAML metadata nor a Markdown heading"),
    ],
)
def test_a_file_that_is_not_a_card_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    root = tmp_path / "ws"
    shutil.copytree(GOVERNANCE, root)
    card = tmp_path / "README.md"
    card.write_bytes(content)
    result = CliRunner().invoke(
        app, ["import", "hf", str(card), "--as", "imported", "-w", str(root)]
    )
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (root / "systems" / "imported").exists()


def test_unmapped_sections_are_named_as_they_read() -> None:
    """A heading written with Markdown escapes is named without them."""
    draft = import_card(b"# Model Card for x\n\n## By age\\_group\n\nrows\n", "README.md", "x")
    assert "section 'by age_group'" in draft.unmapped


@pytest.mark.parametrize("brk", ["\n", "\r", "\u2028"])
def test_a_file_name_cannot_write_data_into_the_draft(brk: str) -> None:
    """The draft's header names the imported file; a line break in that name stays inside
    the comment (it started a line of YAML: `status: approved` in the draft)."""
    import yaml

    shown = f"/tmp/evil{brk}status: approved{brk}x.md"
    draft = import_card(b"# Model Card for x\n\nA model.\n", shown, "x")
    assert yaml.safe_load(draft.text)["status"] == "draft"
    assert all(line.startswith("#") for line in draft.text.split("kind:")[0].splitlines())


def test_metadata_of_the_wrong_type_is_kept_and_listed(tmp_path: Path) -> None:
    """A mapped key holding what the Hub never puts there (`license: {a: 1}`,
    `datasets: 7`) is not mapped and not dropped: kept under extensions.hf and listed with
    what it should hold; nested numbers are kept as numbers (an internal error)."""
    import yaml

    root = tmp_path / "ws"
    shutil.copytree(GOVERNANCE, root)
    card = tmp_path / "README.md"
    card.write_text(
        "---\nlicense: {a: 1}\ndatasets: 7\ntags: [a, 3]\nbase_model: org/base\n"
        "language: {x: 1, y: 0.5}\n---\n# Model Card for T\n"
    )
    result = CliRunner().invoke(app, ["import", "hf", str(card), "--as", "t", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "metadata 'license' (not a licence id)" in result.output
    assert "metadata 'datasets' (not a Hub id or a list of them)" in result.output
    assert "metadata 'tags' (not a string or a list of strings)" in result.output
    assert "metadata 'language'\n" in result.output
    draft = yaml.safe_load((root / "systems/t/model-card.yaml").read_text())
    assert draft["extensions"]["hf"]["metadata"] == {
        "license": {"a": 1},
        "datasets": 7,
        "tags": ["a", 3],
        "language": {"x": 1, "y": 0.5},
    }
    assert "license" not in draft["model_details"]
    assert draft["lineage"] == {"base_models": [{"hf": "org/base"}]}
    dataset = tmp_path / "DATASET.md"
    dataset.write_text("---\npretty_name: [x]\nlicense: [a, b]\n---\n# Dataset Card for D\n")
    result = CliRunner().invoke(app, ["import", "hf", str(dataset), "--as", "d", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "metadata 'pretty_name' (not a string)" in result.output
    sheet = yaml.safe_load((root / "datasets/d/datasheet.yaml").read_text())
    assert sheet["extensions"]["hf"]["metadata"] == {"pretty_name": ["x"], "license": ["a", "b"]}
    assert sheet["name"] == "D"


@pytest.mark.parametrize("metrics", ["7", "1e999", "true", "'accuracy 0.9'"])
def test_model_index_metrics_that_are_no_list_are_listed(tmp_path: Path, metrics: str) -> None:
    """`metrics: 7` under a model-index result was an internal error ("'SourceInt' object
    is not iterable"), and a string a line per character; now one line, and the other
    results still read."""
    import yaml

    root = tmp_path / "ws"
    shutil.copytree(GOVERNANCE, root)
    card = tmp_path / "README.md"
    card.write_text(
        "---\nmodel-index:\n- name: t\n  results:\n"
        f"  - metrics: {metrics}\n"
        "  - metrics: [{type: accuracy, value: 0.9}]\n"
        "- results: 3\n- 5\n---\n# Model Card for T\n"
    )
    result = CliRunner().invoke(app, ["import", "hf", str(card), "--as", "t", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "model-index[0].results[0].metrics (not a list)" in result.output
    assert "model-index[1].results (not a list)" in result.output
    assert "model-index[2] (not a mapping)" in result.output
    assert "metrics[1]" not in result.output and "internal error" not in result.output
    draft = yaml.safe_load((root / "systems/t/model-card.yaml").read_text())
    assert [r["metric"] for r in draft["reported_results"]] == ["accuracy"]


def test_a_hostile_card_is_read_in_linear_time() -> None:
    """A card is someone else's file: a heading of 20,000 spaces (a backtracking pattern
    took 29 s on 2,000) and 50,000 unclosed comments (203 s for 40,000) read in moments."""
    import time

    body = (
        "# Model Card for x\n\n## Uses\n\nScoring loans.\n\n"
        f"## a{' ' * 20_000}b ##\n\n{'<!--' * 50_000}\n"
    )
    started = time.monotonic()
    draft = import_card(body.encode(), "README.md", "x")
    assert time.monotonic() - started < 5
    assert "Scoring loans." in draft.text
    assert "section 'a b'" in draft.unmapped
