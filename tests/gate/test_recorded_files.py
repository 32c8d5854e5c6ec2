"""GATE-FA002 names what stands at a recorded input's path: a file that is gone "does not
exist"; a directory or a special file (a FIFO) where the predictions were "is not a
regular file" — never read (a FIFO would block), never called missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.trust.conftest import SYSTEM, build_workspace, gate_json

PREDICTIONS = f"systems/{SYSTEM}/predictions.csv"


def _messages(root: Path) -> list[str]:
    _, report = gate_json(root)
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-FA002"]  # type: ignore[index,union-attr]


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_something_else_at_the_predictions_path_is_named(tmp_path: Path, kind: str) -> None:
    root = build_workspace(tmp_path / "ws")
    path = root / PREDICTIONS
    path.unlink()
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)
    messages = _messages(root)
    assert len(messages) == 1, messages
    assert (
        f"'{PREDICTIONS}' is not a regular file; the evaluation cannot be verified" in (messages[0])
    )


def test_a_missing_predictions_file_does_not_exist(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / PREDICTIONS).unlink()
    messages = _messages(root)
    assert len(messages) == 1, messages
    assert f"'{PREDICTIONS}' does not exist; the evaluation cannot be verified" in messages[0]
