"""A small workspace with one system and synthetic predictions, built in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cardgate.cli import app

SYSTEM = "scoring"


def synthetic(
    n: int = 4000, *, bias: float = 0.0, seed: int = 1, groups: tuple[str, ...] = ("a", "b")
) -> pd.DataFrame:
    """Predictions where group 'b' (and later groups) are selected `bias` less often."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(groups), size=n)
    race = rng.choice(np.array(["x", "y", "z"]), size=n, p=[0.6, 0.3, 0.1])
    y_true = rng.binomial(1, 0.4, size=n)
    score = np.clip(0.25 + 0.5 * y_true + rng.normal(0, 0.2, size=n), 0, 1)
    shift = np.where(sex == groups[0], 0.0, bias)
    y_pred = (score - shift > 0.5).astype(int)
    return pd.DataFrame(
        {"y_true": y_true, "y_pred": y_pred, "score": score.round(6), "sex": sex, "race": race}
    )


EVALUATION = """
evaluation:
  predictions:
    {source}
  task: binary-classification
  label_column: y_true
  prediction_column: y_pred
  score_column: score
  sensitive_features: [sex, race]
  intersections: [[sex, race]]
  min_group_size: 30
  bootstrap:
    replicates: 200
    seed: 7
  thresholds:
    - metric: demographic_parity_difference
      feature: sex
      max: 0.05
      inconclusive: pass
    - metric: accuracy
      min: 0.6
"""


def write_card(root: Path, evaluation: str, system: str = SYSTEM) -> Path:
    """Scaffold a model card with `cardgate new` and append `evaluation` to it."""
    runner = CliRunner()
    card = root / "systems" / system / "model-card.yaml"
    if not card.exists():
        result = runner.invoke(app, ["new", "model-card", system, "--workspace", str(root)])
        assert result.exit_code == 0, result.output
    text = card.read_text(encoding="utf-8").split("\nevaluation:")[0].rstrip("\n")
    card.write_text(text + "\n" + evaluation.lstrip("\n"), encoding="utf-8")
    return card


@pytest.fixture
def workspace(tmp_path: Path) -> Callable[..., Path]:
    """Build a workspace; returns a function (frame, evaluation text, file name) -> root."""
    root = tmp_path / "ws"
    result = CliRunner().invoke(app, ["init", str(root)])
    assert result.exit_code == 0, result.output

    def build(
        frame: pd.DataFrame | None = None,
        *,
        name: str = "predictions.csv.gz",
        evaluation: str = EVALUATION,
        source: str | None = None,
    ) -> Path:
        folder = root / "systems" / SYSTEM
        folder.mkdir(parents=True, exist_ok=True)
        if frame is not None:
            path = folder / name
            if name.endswith(".parquet"):
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)
        source = source or f"path: systems/{SYSTEM}/{name}"
        write_card(root, evaluation.replace("{source}", source))
        return root

    return build
