"""The worked example, copied and loaded, with what the CycloneDX, SPDX and Croissant
exporters read: the workspace, the gate's result, each system's evaluation artifact and
each dataset's data-check record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.signoffs import artifact_path
from cardgate.documents.workspace import Workspace, load_workspace
from cardgate.evidence.datacheck.artifact import DataCheckArtifact
from cardgate.evidence.datacheck.artifact import read_artifact as read_check
from cardgate.evidence.evaluation.artifact import EvaluationArtifact, read_artifact
from cardgate.gate.engine import run_gate
from cardgate.gate.result import GateResult

REPO = Path(__file__).resolve().parents[2]
GOVERNANCE = REPO / "governance"
TODAY = dt.date(2026, 12, 4)
SYSTEMS = ("credit-default", "helpdesk-assistant", "income-screening")
DATASETS = ("adult", "german-credit", "helpdesk-articles")


@dataclass
class Example:
    """A loaded copy of a workspace and the gate's verdict on it."""

    workspace: Workspace
    gate: GateResult

    def evaluation(self, system_id: str) -> EvaluationArtifact | None:
        system = self.workspace.systems[system_id]
        card = system.model_card
        assert card is not None
        path = artifact_path(self.workspace, system, card)
        return read_artifact(path)[0] if path is not None and path.is_file() else None

    def data_check(self, dataset_id: str) -> DataCheckArtifact | None:
        folder = self.workspace.datasets[dataset_id].folder
        data = read_check(folder / "data-check.json")
        return DataCheckArtifact.model_validate(data) if data is not None else None

    def data_checks(self) -> dict[str, DataCheckArtifact]:
        found = {d: self.data_check(d) for d in self.workspace.datasets}
        return {d: check for d, check in found.items() if check is not None}


def copy_example(target: Path) -> Path:
    """A copy of governance/ at `target` (the tests never touch the committed one)."""
    shutil.copytree(GOVERNANCE, target, symlinks=True)
    return target


def load_example(root: Path) -> Example:
    workspace = load_workspace(root.resolve())
    return Example(workspace, run_gate(workspace, release=False, today=TODAY))


def with_card(example: Example, system_id: str, card: ModelCard) -> Example:
    """The example with `card` in place of the system's model card (same files)."""
    system = example.workspace.systems[system_id]
    assert system.card is not None
    system.card = dataclasses.replace(system.card, model=card)
    return example
