"""Generated files in the repository are current with their single source."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _script(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_reference_is_current() -> None:
    script = _script("generate_rule_docs")
    on_disk = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == script.rules_document(), "run: python scripts/generate_rule_docs.py"  # type: ignore[attr-defined]
    codes = (REPO / "docs" / "codes.md").read_text(encoding="utf-8")
    assert codes == script.codes_document(), "run: python scripts/generate_rule_docs.py"  # type: ignore[attr-defined]


def test_evaluation_artifact_schema_is_current() -> None:
    from cardgate.evidence.evaluation.evaluate import ARTIFACT_SCHEMA

    script = _script("generate_artifact_schema")
    on_disk = ARTIFACT_SCHEMA.read_text(encoding="utf-8")
    assert on_disk == script.artifact_schema(), "run: python scripts/generate_artifact_schema.py"  # type: ignore[attr-defined]
