"""Workspaces written from text, so tests know the line and column of everything."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from cardgate.documents.workspace import Workspace, load_workspace

CONFIG = """\
kind: workspace
schema_version: 1
name: test portfolio
"""


def _model_card(system: str, tier: str = "high") -> str:
    return f"""\
kind: model-card
schema_version: 1
id: {system}
name: {system}
status: draft
risk_tier: {tier}
lifecycle_stage: development
owners:
  - name: Ada Lovelace
model_details:
  description: Scores applications.
intended_use:
  primary_uses: [screening]
"""


WorkspaceFactory = Callable[[dict[str, str]], Workspace]


@pytest.fixture
def model_card() -> Callable[[str, str], str]:
    """model_card(system, tier) -> the text of a minimal valid model card."""
    return _model_card


@pytest.fixture
def make_workspace(tmp_path: Path) -> WorkspaceFactory:
    """Write {relative path: text} under a fresh workspace root and load it."""

    def make(files: dict[str, str]) -> Workspace:
        (tmp_path / "cardgate.yaml").write_text(CONFIG, encoding="utf-8")
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return load_workspace(tmp_path)

    return make
