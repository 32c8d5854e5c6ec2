"""The automatic answers the EU AI Act provider checklist uses, on the worked example and on
documents that lack what each check needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cardgate.documents.workspace import Workspace, load_workspace
from cardgate.frameworks.automatic import automatic_answers
from cardgate.frameworks.definitions import shipped_definitions

GOVERNANCE = Path(__file__).resolve().parents[2] / "governance"
PROVIDER = "eu-ai-act-provider"


def _answers(workspace: Workspace, system: str) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    definition = shipped_definitions().definitions[PROVIDER]
    found = automatic_answers(workspace, workspace.systems[system], definition)
    return {item: (a.status, a.reason, a.evidence) for item, a in found.items()}


def test_the_worked_example_answers() -> None:
    workspace = load_workspace(GOVERNANCE)
    income = _answers(workspace, "income-screening")
    assert income["AIV-01"][0] == "done"  # system-described
    assert income["AIV-18"][0] == "done"  # metrics-explained
    assert income["AIV-12"][0] == "done"  # training-data-documented
    assert "datasets/adult/datasheet.yaml" in income["AIV-12"][2]
    assert income["AIV-15"][0] == "done"  # evaluation-signed: evaluated and signed off
    assert "systems/income-screening/evaluation.json" in income["AIV-15"][2]
    assert any(
        path.startswith("systems/income-screening/signoffs.yaml#") for path in income["AIV-15"][2]
    )
    assert income["AIV-23"][0] == "done"  # monitoring-planned
    credit = _answers(workspace, "credit-default")
    # credit-default is evaluated but nobody has signed its test reports yet
    assert credit["AIV-15"][:2] == (
        "not-started",
        "no sign-off recorded yet: cardgate sign credit-default",
    )


def test_what_each_check_misses(
    make_workspace: Callable[[dict[str, str]], Workspace], model_card: Callable[[str, str], str]
) -> None:
    workspace = make_workspace({"systems/s/model-card.yaml": model_card("s", "high")})
    found = _answers(workspace, "s")
    assert found["AIV-01"][:2] == (
        "not-started",
        "model_details.developers, model_details.model_version not filled in on the model card",
    )
    assert found["AIV-18"][1] == (
        "metrics.performance_measures, metrics.decision_thresholds not filled in on the model card"
    )
    assert found["AIV-12"][1] == "the model card names no training or evaluation data"
    assert found["AIV-15"][1] == "the model card has no evaluation section"
    assert found["AIV-23"][1] == (
        "monitoring.metrics, monitoring.owner, monitoring.rollback not filled in on the model card"
    )
    assert all(status == "not-started" for status, _, _ in found.values())
