"""fairlearn as a user runs it on the benchmark's predictions (the anchor of bench_evaluate).

Usage: python fairlearn_user.py PREDICTIONS.parquet

Reads the four columns it needs with pandas (pyarrow engine), then one `MetricFrame` per
sensitive feature (sex, race) with the 7 metrics of the benchmark; the true and false
positive rates are among them, so the 6 disparities come from the same frame (fairlearn's
between-groups difference and ratio, equalized odds the worse of TPR's and FPR's: what
fairlearn's own disparity functions return, without computing a frame per function).
Prints the overall values, the per-group values and the disparities as JSON, with the
seconds spent importing, reading and computing (wall, and CPU). Runs under any fairlearn
release in its own environment; imports nothing of cardgate's.
"""

import json
import sys
import time
import warnings

start, start_cpu = time.perf_counter(), time.process_time()
import pandas as pd  # noqa: E402
from fairlearn.metrics import (  # noqa: E402
    MetricFrame,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import (  # noqa: E402
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    precision_score,
)

FEATURES = ("sex", "race")


def main(path: str) -> None:
    imported, imported_cpu = time.perf_counter(), time.process_time()
    frame = pd.read_parquet(path, columns=["y_true", "y_pred", *FEATURES])
    read = time.perf_counter()
    functions = {
        "selection_rate": selection_rate,
        "accuracy": accuracy_score,
        "precision": precision_score,
        "recall": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "f1": f1_score,
        "balanced_accuracy": balanced_accuracy_score,
    }
    out: dict[str, object] = {}
    warnings.simplefilter("ignore")
    for feature in FEATURES:
        metrics = MetricFrame(
            metrics=functions,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame[feature],
        )
        difference = metrics.difference(method="between_groups")
        ratio = metrics.ratio(method="between_groups")
        out[feature] = {
            "overall": {name: float(value) for name, value in metrics.overall.items()},
            "by_group": {
                str(group): {name: float(value) for name, value in row.items()}
                for group, row in metrics.by_group.iterrows()
            },
            "disparities": {
                "demographic_parity_difference": float(difference["selection_rate"]),
                "demographic_parity_ratio": float(ratio["selection_rate"]),
                "equalized_odds_difference": float(
                    max(difference["recall"], difference["false_positive_rate"])
                ),
                "equalized_odds_ratio": float(min(ratio["recall"], ratio["false_positive_rate"])),
                "equal_opportunity_difference": float(difference["recall"]),
                "equal_opportunity_ratio": float(ratio["recall"]),
            },
        }
    done, done_cpu = time.perf_counter(), time.process_time()
    out["seconds"] = {"import": imported - start, "read": read - imported, "compute": done - read}
    out["cpu_seconds"] = {
        "import": imported_cpu - start_cpu,
        "read_and_compute": done_cpu - imported_cpu,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
