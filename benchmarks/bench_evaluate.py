"""Speed of `cardgate evaluate` against fairlearn on raw rows, and against the floor.

Synthetic predictions (2 sensitive features with 2 and 5 levels) in Parquet; for each size:

* cardgate: the whole evaluation (7 metrics per group, the 6 disparities, 1,000 bootstrap
  replicates, noise floors), reading the Parquet file;
* fairlearn: MetricFrame with the same 7 metrics per feature on rows already in memory,
  no bootstrap; and MetricFrame(n_boot=...) timed on a few replicates, extrapolated to
  1,000;
* floor: pyarrow read of 3 columns + one numpy.bincount;
* peak memory of the cardgate run (in a subprocess: max RSS minus RSS after imports),
  compared with the in-memory size of the columns read.

Usage: python benchmarks/bench_evaluate.py [--sizes 1e5,1e6] [--with-1e7]
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

METRICS = [
    "selection_rate",
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "f1",
    "balanced_accuracy",
]


def make(path: Path, rows: int, seed: int = 0) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    sex = rng.integers(0, 2, rows, dtype=np.int32)
    race = rng.integers(0, 5, rows, dtype=np.int32)
    y_true = rng.binomial(1, 0.3, rows).astype(np.int8)
    flip = rng.random(rows) < 0.15 + 0.02 * race
    y_pred = np.where(flip, 1 - y_true, y_true).astype(np.int8)
    table = pa.table(
        {
            "y_true": y_true,
            "y_pred": y_pred,
            "sex": pa.DictionaryArray.from_arrays(sex, pa.array(["Female", "Male"])),
            "race": pa.DictionaryArray.from_arrays(race, pa.array(["A", "B", "C", "D", "E"])),
        }
    )
    pq.write_table(table, path, row_group_size=1 << 20)


def settings_for(name: str) -> object:
    from cardgate.documents.schemas.evaluation import EvaluationSettings

    return EvaluationSettings.model_validate(
        {
            "predictions": {"path": name},
            "task": "binary-classification",
            "label_column": "y_true",
            "prediction_column": "y_pred",
            "sensitive_features": ["sex", "race"],
            "metrics": [
                *METRICS,
                "demographic_parity_difference",
                "demographic_parity_ratio",
                "equalized_odds_difference",
                "equalized_odds_ratio",
                "equal_opportunity_difference",
                "equal_opportunity_ratio",
            ],
            "bootstrap": {"replicates": 1000, "seed": 0},
        }
    )


def run_cardgate(folder: Path, name: str) -> float:
    from cardgate.evidence.evaluation.evaluate import evaluate_settings

    settings = settings_for(name)
    start = time.perf_counter()
    evaluate_settings(settings, root=folder, system="bench")  # type: ignore[arg-type]
    return time.perf_counter() - start


def run_floor(path: Path) -> float:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    start = time.perf_counter()
    table = pq.read_table(path, columns=["y_true", "y_pred", "sex"])
    sex = table.column("sex").combine_chunks()
    codes = (
        pc.dictionary_encode(sex).indices.to_numpy()
        if not hasattr(sex, "indices")
        else (sex.indices.to_numpy())
    )
    key = (
        codes.astype(np.int64) * 4
        + table.column("y_true").to_numpy() * 2
        + table.column("y_pred").to_numpy()
    )
    np.bincount(key, minlength=8)
    return time.perf_counter() - start


def fairlearn_frame(path: Path) -> tuple[float, float]:
    """(MetricFrame without bootstrap, estimated MetricFrame with n_boot=1000) seconds."""
    import warnings

    import pandas as pd
    from fairlearn import metrics as fm
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, precision_score

    frame = pd.read_parquet(path)
    functions = {
        "selection_rate": fm.selection_rate,
        "accuracy": accuracy_score,
        "precision": precision_score,
        "recall": fm.true_positive_rate,
        "false_positive_rate": fm.false_positive_rate,
        "f1": f1_score,
        "balanced_accuracy": balanced_accuracy_score,
    }
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    for feature in ("sex", "race"):
        fm.MetricFrame(
            metrics=functions,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame[feature],
        )
    plain = time.perf_counter() - start
    boots = 3 if len(frame) >= 1_000_000 else 10
    start = time.perf_counter()
    for feature in ("sex", "race"):
        fm.MetricFrame(
            metrics=functions,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame[feature],
            n_boot=boots,
            random_state=0,
            ci_quantiles=[0.025, 0.975],
        )
    with_boot = time.perf_counter() - start
    per_replicate = max(with_boot - plain, 0.0) / boots
    return plain, plain + 1000 * per_replicate


def peak_memory(folder: Path, name: str) -> int:
    """Bytes: peak of numpy/Python allocations (tracemalloc) plus pyarrow's memory pool
    during one cardgate evaluation, in a fresh subprocess after a warm-up run."""
    code = f"""
import json, sys, tracemalloc
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parent)!r})
import pyarrow as pa
import bench_evaluate as b
b.run_cardgate(Path({str(folder)!r}), 'warm.parquet')
pool = pa.default_memory_pool()
base = pool.bytes_allocated()
tracemalloc.start()
b.run_cardgate(Path({str(folder)!r}), {name!r})
_, peak = tracemalloc.get_traced_memory()
print(json.dumps(peak + max(pool.max_memory() - base, 0)))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e5,1e6")
    parser.add_argument("--with-1e7", action="store_true", help="also 10 million rows")
    parser.add_argument("--skip-fairlearn-above", type=float, default=1e7)
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    if args.with_1e7:
        sizes.append(10_000_000)
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make(folder / "warm.parquet", 10_000)
        run_cardgate(folder, "warm.parquet")  # imports and first-call costs out of the timing
        for rows in sizes:
            name = f"p{rows}.parquet"
            make(folder / name, rows)
            ours = min(run_cardgate(folder, name) for _ in range(2))
            floor = min(run_floor(folder / name) for _ in range(3))
            if rows <= args.skip_fairlearn_above:
                plain, booted = fairlearn_frame(folder / name)
            else:
                plain = booted = float("nan")
            memory = peak_memory(folder, name)
            columns = rows * (1 + 1 + 4 + 4)  # int8 labels, int32 dictionary codes
            rows_out.append((rows, ours, plain, booted, floor, memory, columns))
    print(
        "| rows | cardgate evaluate (1,000 replicates) | fairlearn MetricFrame, no bootstrap"
        " | speed-up | fairlearn n_boot=1000 (est.) | speed-up | floor (read 3 cols + bincount)"
        " | × floor | peak memory | × columns read |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows, ours, plain, booted, floor, memory, columns in rows_out:
        print(
            f"| {rows:,} | {ours * 1000:,.0f} ms | {plain * 1000:,.0f} ms | {plain / ours:,.0f}×"
            f" | {booted:,.0f} s | {booted / ours:,.0f}× | {floor * 1000:,.0f} ms"
            f" | {ours / floor:.1f} | {memory / 2**20:,.0f} MiB | {memory / columns:.2f} |"
        )


if __name__ == "__main__":
    main()
