"""A card cannot choose its null test's draws until a breach reads as chance.

A disparity's noise floor is a quantile of the card's `bootstrap.replicates` null draws.
With a handful of them and a `seed` picked by trying, the floor reaches the estimate: the
breach is no longer evident, and under the high tier's `block-if-evident` the block became
a warning (here: 0.170 against `max: 0.1`, evident with 1,000 draws, passed with 5 draws
and the fourth seed tried). The policy's `min_replicates` (200) makes any result of fewer
draws block, whatever its seed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.trust.conftest import SYSTEM, build_workspace, cli, gate_json

CARD = f"systems/{SYSTEM}/model-card.yaml"
ARTIFACT = f"systems/{SYSTEM}/evaluation.json"


def _workspace(root: Path) -> Path:
    build_workspace(root)
    rows = [
        f"{index % 2},{int(index < rate * 100)},{group}"
        for group, rate in (("M", 0.50), ("F", 0.33))
        for index in range(100)
    ]
    text = "label,prediction,sex\n" + "\n".join(rows) + "\n"
    (root / f"systems/{SYSTEM}/predictions.csv").write_text(text, encoding="utf-8")
    return root


def _evaluate(root: Path, base: str, replicates: int, seed: int) -> dict[str, object]:
    bootstrap = f"  bootstrap: {{replicates: {replicates}, seed: {seed}}}\n"
    (root / CARD).write_text(base.replace("      max: 0.1\n", "      max: 0.1\n" + bootstrap))
    code, out = cli("evaluate", SYSTEM, "-w", str(root))
    assert code == 0, out
    result: dict[str, object] = json.loads((root / ARTIFACT).read_text())["thresholds"][0]
    return result


def _fairness_findings(root: Path) -> list[dict[str, str]]:
    _, report = gate_json(root)
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f for f in findings if f["code"] == "GATE-FA003"]


def test_a_null_test_of_a_few_chosen_draws_cannot_turn_a_breach_into_a_warning(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    base = (root / CARD).read_text()
    full = _evaluate(root, base, 1000, 0)
    assert full["state"] == "inconclusive" and full["value"] > full["noise_floor"]  # type: ignore[operator]
    [blocked] = _fairness_findings(root)
    assert blocked["severity"] == "error" and "evidence points to a breach" in blocked["message"]

    for seed in range(50):  # what an author who wants the warning does
        few = _evaluate(root, base, 5, seed)
        if few["noise_floor"] >= few["value"]:  # type: ignore[operator]
            break
    else:
        raise AssertionError("no seed of 5 draws puts the floor over the estimate")
    assert few["value"] == full["value"] and few["ci"] == full["ci"]
    [still] = _fairness_findings(root)
    assert still["severity"] == "error"
    demand = "rest on 5 replicates; the policy (tier 'high') requires at least 200"
    assert demand in still["message"]


def test_the_artifacts_record_of_its_replicates_is_not_what_counts(tmp_path: Path) -> None:
    """The card's replicates, which the artifact's settings digest binds it to, decide;
    'replicates: 1000' written over the artifact's 5 by hand changes nothing."""
    root = _workspace(tmp_path)
    _evaluate(root, (root / CARD).read_text(), 5, 3)
    artifact = root / ARTIFACT
    data = json.loads(artifact.read_text())
    assert data["provenance"]["replicates"] == 5
    data["provenance"]["replicates"] = 1000
    artifact.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    [still] = _fairness_findings(root)
    assert still["severity"] == "error" and "rest on 5 replicates" in still["message"]
