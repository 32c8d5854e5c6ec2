"""fairlearn's own bootstrap intervals on the benchmark's predictions (the anchor of
bench_evaluate_bootstrap).

Usage: python fairlearn_bootstrap.py PREDICTIONS.parquet N_BOOT [N_BOOT ...]

Reads the four columns with pandas, then, for each N_BOOT, one `MetricFrame` per
sensitive feature (sex, race) with the 7 metrics of `fairlearn_user.py` and
`n_boot=N_BOOT, ci_quantiles=[0.025, 0.975]`: fairlearn's percentile-bootstrap intervals
of every overall and per-group value and of the between-groups differences and ratios
(the outputs cardgate's `evaluate` gives with its intervals). Prints, per N_BOOT, the
seconds (wall and CPU) of the computation alone, after the imports and the read, as
JSON. Imports nothing of cardgate's.
"""

import json
import sys
import time
import warnings

import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    precision_score,
)

FEATURES = ("sex", "race")
FUNCTIONS = {
    "selection_rate": selection_rate,
    "accuracy": accuracy_score,
    "precision": precision_score,
    "recall": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "f1": f1_score,
    "balanced_accuracy": balanced_accuracy_score,
}


def compute(frame: "pd.DataFrame", n_boot: int) -> int:
    """Every interval fairlearn gives with `n_boot` replicates; returns how many values."""
    values = 0
    for feature in FEATURES:
        options = {} if n_boot == 0 else {"n_boot": n_boot, "ci_quantiles": [0.025, 0.975]}
        metrics = MetricFrame(
            metrics=FUNCTIONS,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame[feature],
            random_state=0 if n_boot else None,
            **options,
        )
        if n_boot:
            outputs = [
                metrics.overall_ci,
                metrics.by_group_ci,
                metrics.difference_ci(method="between_groups"),
                metrics.ratio_ci(method="between_groups"),
            ]
            values += sum(part.size for output in outputs for part in output)
        else:
            values += metrics.by_group.size + metrics.overall.size
    return values


def main(path: str, sizes: list[int]) -> None:
    warnings.simplefilter("ignore")
    frame = pd.read_parquet(path, columns=["y_true", "y_pred", *FEATURES])
    out = []
    for n_boot in sizes:
        start, start_cpu = time.perf_counter(), time.process_time()
        values = compute(frame, n_boot)
        out.append(
            {
                "n_boot": n_boot,
                "wall_s": time.perf_counter() - start,
                "cpu_s": time.process_time() - start_cpu,
                "values": values,
            }
        )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], [int(x) for x in sys.argv[2:]])
