"""`recompute_evaluation` (what `gate --release` checks a committed artifact against):
the same data as `cardgate evaluate` writes, nothing written; `artifact_differences`
names what a hand edit changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.evaluation.artifact import artifact_differences
from cardgate.evidence.evaluation.run import recompute_evaluation
from tests.evaluation.conftest import SYSTEM, synthetic

Build = Callable[..., Path]


def _evaluate(root: Path) -> Path:
    result = CliRunner().invoke(app, ["evaluate", SYSTEM, "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    return root / "systems" / SYSTEM / "evaluation.json"


def test_recomputed_artifact_equals_the_written_one_and_writes_nothing(workspace: Build) -> None:
    root = workspace(synthetic(n=1500))
    path = _evaluate(root)
    written = json.loads(path.read_bytes())
    path.unlink()
    again = recompute_evaluation(load_workspace(root), SYSTEM)
    assert not path.exists()
    assert artifact_differences(written, again) == []
    assert json.loads(json.dumps(again)) == written


def test_a_hand_edited_value_is_named(workspace: Build) -> None:
    root = workspace(synthetic(n=1500))
    path = _evaluate(root)
    edited = json.loads(path.read_bytes())
    record = edited["thresholds"][0]
    honest = record["value"]
    record["value"] = 0.01
    edited["provenance"]["versions"]["numpy"] = "0.0"  # versions are not compared
    found = artifact_differences(edited, recompute_evaluation(load_workspace(root), SYSTEM))
    assert found == [("thresholds.0.value", 0.01, honest)]


def test_differences_compare_json_values_strictly() -> None:
    assert artifact_differences({"a": [1, 2.0]}, {"a": (1.0, 2)}) == []
    assert artifact_differences({"a": True}, {"a": 1}) == [("a", True, 1)]
    assert artifact_differences({"a": [1]}, {"a": [1, 2]}) == [("a", [1], [1, 2])]
    assert artifact_differences({"a": 1}, {"b": 1}) == [("a", 1, None), ("b", None, 1)]
    many = artifact_differences({str(i): i for i in range(9)}, {}, limit=3)
    assert len(many) == 3
