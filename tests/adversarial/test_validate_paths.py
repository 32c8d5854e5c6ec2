"""Item 4 of issue #15: `cardgate validate PATH…` never says "ok: 0 documents".

A path given on the command line is a document cardgate reads (then it is reported on),
or an error (exit 2) that names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SIGNED_SYSTEM, SYSTEM, invoke, one_line_error


@pytest.fixture
def here(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(workspace)
    return workspace


def test_a_broken_yml_card_is_never_ok(here: Path) -> None:
    card = Path("systems", SYSTEM, "model-card.yaml")
    broken = card.with_suffix(".yml")
    card.rename(broken)
    broken.write_text("kind: model-card\nschema_version: 1\nid: [unclosed\n", encoding="utf-8")
    code, out, err = invoke("validate", broken)
    assert code in (1, 2), out
    assert "ok:" not in out
    assert broken.as_posix() in (out if code == 1 else one_line_error(err))


@pytest.mark.parametrize("name", ["README.md", f"systems/{SYSTEM}/evaluation.json"])
def test_a_file_that_is_not_a_document_is_an_error(here: Path, name: str) -> None:
    code, out, err = invoke("validate", name)
    assert code == 2, out
    assert "ok:" not in out
    line = one_line_error(err)
    assert name in line and "not a document cardgate reads" in line


def test_an_explicit_signoffs_file_is_read(here: Path) -> None:
    path = Path("systems", SIGNED_SYSTEM, "signoffs.yaml")
    code, out, _ = invoke("validate", path)
    assert code == 0 and out.startswith("ok: 1 documents valid"), out
    path.write_text(path.read_text(encoding="utf-8") + "surprise: 1\n", encoding="utf-8")
    code, out, _ = invoke("validate", path)
    assert code == 1 and path.as_posix() in out, out


def test_the_workspace_configuration_is_a_document(here: Path) -> None:
    code, out, _ = invoke("validate", "cardgate.yaml")
    assert code == 0 and out.startswith("ok: 1 documents valid"), out
