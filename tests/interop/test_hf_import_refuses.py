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
