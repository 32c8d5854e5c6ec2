"""Build the income-screening system's monitoring reference and a year of monthly
production windows, deterministically, from the Adult test split and its predictions.

Writes <workspace>/systems/income-screening/monitoring/
    reference.csv.gz          the approved baseline: the 16,281 test rows with the
                              features, the sensitive columns, outcome, prediction, score
    windows/YYYY-MM.csv.gz    twelve windows of 1,000 rows, 2025-12 to 2026-11

The windows are seeded draws (with replacement) from the test rows and their committed
predictions, so every row is a real record scored by the approved model. Nine months are
drawn uniformly: nothing changed, and nothing should be flagged. Three months carry a
documented, realistic shift:

    2026-03  age mix: outreach moved to retirement communities; people aged 55 and over
             are drawn five times as often (their share rises from about 17% to half).
    2026-06  missing values: an upstream form change dropped the employment questions
             for part of the population; rows with work class and occupation missing are
             drawn eight times as often (7% to about 38%).
    2026-09  outcome rate: a partner agency referred higher-income households; people
             with income >50K are drawn three times as often (24% to about 48%).

Run from the repository root:  .venv/bin/python governance/pipelines/monitoring_windows.py
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = [
    "age",
    "workclass",
    "education_num",
    "marital_status",
    "occupation",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
]
MONTHS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
ROWS = 1_000
SEED = 20261201


def weights(reference: pd.DataFrame, month: str) -> np.ndarray:
    """How often each reference row is drawn in `month` (uniform in a stable month)."""
    if month == "2026-03":
        return np.where(reference["age"] >= 55, 5.0, 1.0)
    if month == "2026-06":
        return np.where(reference["occupation"].isna(), 8.0, 1.0)
    if month == "2026-09":
        return np.where(reference["y_true"] == 1, 3.0, 1.0)
    return np.ones(len(reference))


def write(path: Path, frame: pd.DataFrame) -> str:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.6f")
    data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=Path(__file__).resolve().parents[1])
    ws = parser.parse_args().workspace
    adult = pd.read_csv(ws / "datasets/adult/adult.csv.gz")
    test = adult[adult["split"] == "test"].reset_index(drop=True)
    predictions = pd.read_csv(ws / "systems/income-screening/predictions.csv.gz")
    assert len(test) == len(predictions)
    reference = pd.concat([test[FEATURES], predictions], axis=1)
    folder = ws / "systems/income-screening/monitoring"
    print(f"reference.csv.gz {write(folder / 'reference.csv.gz', reference)}")
    rng = np.random.default_rng(SEED)
    for month in MONTHS:
        w = weights(reference, month)
        drawn = rng.choice(len(reference), size=ROWS, replace=True, p=w / w.sum())
        window = reference.iloc[np.sort(drawn)].reset_index(drop=True)
        print(f"windows/{month}.csv.gz {write(folder / 'windows' / f'{month}.csv.gz', window)}")


if __name__ == "__main__":
    main()
