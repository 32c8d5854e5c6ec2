"""Record Evidently's data-drift preset on the worked example's monitoring windows, once,
as a fixture for tests/monitoring/test_evidently_agreement.py (Evidently is not a test
dependency: 0.7.23 needs pandas < 3, cardgate's environment has pandas 3).

Run in a separate environment:

    python3 -m venv /tmp/evvenv
    /tmp/evvenv/bin/pip install 'evidently==0.7.23' 'pandas<3'
    /tmp/evvenv/bin/python scripts/evidently_fixtures.py

It writes tests/monitoring/fixtures/evidently-drift.json: per window, per column, the
method Evidently chose, its value and its verdict, and the preset's dataset drift; and
the false-alarm rate of its per-column rule on simulated windows with no drift.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path(os.environ.get("CARDGATE_WORKSPACE", ROOT / "governance")) / (
    "systems/income-screening/monitoring"
)
OUT = ROOT / "tests/monitoring/fixtures/evidently-drift.json"


def run(reference: pd.DataFrame, current: pd.DataFrame) -> dict[str, object]:
    snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
    columns: dict[str, object] = {}
    share = None
    for metric in snapshot.dict()["metrics"]:
        config = metric["config"]
        if config["type"].endswith("ValueDrift"):
            method, threshold = config["method"], config["threshold"]
            value = float(metric["value"])
            # p-value methods drift below the threshold, distances at or above it
            drifted = (
                value < threshold
                if "p_value" in method or "test" in method
                else (value >= threshold)
            )
            columns[config["column"]] = {
                "method": method,
                "threshold": threshold,
                "value": value,
                "drifted": drifted,
            }
        elif config["type"].endswith("DriftedColumnsCount"):
            share = metric["value"]["share"]
    return {"columns": columns, "share": share, "dataset_drift": share is not None and share >= 0.5}


def simulated(windows: int, rows: int, reference_rows: int, seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    p = [0.4, 0.25, 0.15, 0.12, 0.08]

    def frame(n: int) -> pd.DataFrame:
        data: dict[str, object] = {}
        for index in range(25):
            data[f"n{index}"] = rng.normal(10, 1, n)
            data[f"c{index}"] = np.array([f"k{k}" for k in rng.choice(5, size=n, p=p)])
        return pd.DataFrame(data)

    reference = frame(reference_rows)
    flagged = dataset = 0
    for _ in range(windows):
        result = run(reference, frame(rows))
        flagged += any(c["drifted"] for c in result["columns"].values())  # type: ignore[union-attr]
        dataset += bool(result["dataset_drift"])
    return {
        "windows": windows,
        "rows": rows,
        "reference_rows": reference_rows,
        "columns": 50,
        "any_column_drifted": flagged,
        "dataset_drift": dataset,
    }


def main() -> None:
    reference = pd.read_csv(FOLDER / "reference.csv.gz")
    windows = {}
    for path in sorted((FOLDER / "windows").glob("*.csv.gz")):
        windows[path.name.removesuffix(".csv.gz")] = run(reference, pd.read_csv(path))
    import evidently

    data: dict[str, object] = {
        "evidently": evidently.__version__,
        "command": "/tmp/evvenv/bin/python scripts/evidently_fixtures.py",
        "windows": windows,
        "no_drift": [],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for rows, seed in ((200, 11), (1_000, 12)):
        data["no_drift"].append(simulated(50, rows, 20_000, seed=seed))  # type: ignore[attr-defined]
        OUT.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
