"""Hole 14: the SARIF test validates against the OASIS schema, which rejects invalid logs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

SCHEMA = Path(__file__).resolve().parents[1] / "gate" / "sarif-schema-2.1.0.json"


@pytest.mark.parametrize(
    "log",
    [
        {},
        {"version": "2.1.0"},
        {"version": "9.9", "runs": []},
        {"version": "2.1.0", "runs": [{"tool": {}}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]},
    ],
)
def test_the_schema_rejects_invalid_logs(log: dict[str, object]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, schema)


def test_the_schema_is_the_oasis_file_recorded_in_its_provenance() -> None:
    import hashlib

    digest = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
    provenance = SCHEMA.parent / "sarif-schema-2.1.0.md"
    assert digest in provenance.read_text(encoding="utf-8")
    assert json.loads(SCHEMA.read_text(encoding="utf-8"))["required"] == ["version", "runs"]
