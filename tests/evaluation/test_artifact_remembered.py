"""An evaluation artifact's text is validated once per process (the gate, the site's page
and the export read the same file): the same text gives the same frozen model, its data
is parsed afresh on every read, and what does not validate fails on every read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardgate.evidence.evaluation import artifact
from cardgate.evidence.evaluation.artifact import ArtifactError, parse_artifact

EXAMPLE = Path(__file__).resolve().parents[2] / "governance/systems/credit-default/evaluation.json"


def test_same_text_same_model_fresh_data() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    first, first_data = parse_artifact(text)
    second, second_data = parse_artifact("".join(text))  # an equal text, another object
    assert second is first
    assert second_data == first_data and second_data is not first_data


def test_changed_text_validated_again() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    before, _ = parse_artifact(json.dumps(data))
    data["provenance"]["seed"] = before.provenance.seed + 1
    after, _ = parse_artifact(json.dumps(data))
    assert after is not before
    assert after.provenance.seed == before.provenance.seed + 1


def test_invalid_text_fails_every_time() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["overall"]["unexpected"] = 1
    text = json.dumps(data)
    for _ in range(2):
        with pytest.raises(ArtifactError, match=r"is malformed at 'overall\.unexpected'"):
            parse_artifact(text)


def test_oldest_forgotten_beyond_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifact, "_VALIDATED", artifact._Validated())
    text = EXAMPLE.read_text(encoding="utf-8")
    monkeypatch.setattr(artifact, "REMEMBERED_CHARS", len(text) + 10)
    first, _ = parse_artifact(text)
    other = text.replace('"seed": 0', '"seed": 1') if '"seed": 0' in text else text + " "
    parse_artifact(other)  # the budget holds one text: the first is forgotten
    assert artifact._VALIDATED.chars == len(other)
    assert parse_artifact(text)[0] is not first
