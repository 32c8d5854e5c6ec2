"""`cardgate evaluate` against fairlearn as a user runs it, and against the floor.

Run: python benchmarks/bench_evaluate.py [--sizes 1e5,1e6] [--rounds 5] [--systems 100]

The data (`make`): synthetic predictions in Parquet, 2 sensitive features (sex: 2 levels,
race: 5), int8 labels and predictions, the features dictionary-encoded. Both sides read
the same file and compute the same outputs: the 7 metrics overall and per group of each
feature and the 6 disparities per feature (cardgate also computes their intervals, 1,000
permutation replicates for the noise floors and the artifact; fairlearn computes no
interval). Method (`harness`):

* whole process, interleaved A B C A B C ...: `cardgate evaluate bench -w WORKSPACE` in
  the project's environment, and `fairlearn_user.py FILE` in a throwaway environment per
  fairlearn release (`FAIRLEARN`: each pinned, with the same pins for everything else);
  wall and CPU seconds and the child's peak RSS;
* in process: cardgate's `evaluate_settings` (read + compute, no workspace loading, no
  write) after a warm-up; fairlearn's read + compute as its script times them in the
  whole-process runs above (so, after its imports); the floor: pyarrow reads the same 4
  columns and one `numpy.bincount` counts the joint key;
* every value fairlearn prints is compared with the artifact's (12 significant digits);
* `--systems N`: N systems of 100,000 rows each, one `cardgate evaluate` for all of them
  against N processes of `cardgate evaluate SYSTEM`.

Prints Markdown tables; writes the numbers into benchmarks/results.json ("evaluate").
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any, get_args

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import synthetic

from cardgate.documents.schemas.evaluation import ClassificationDisparity

WORK = harness.WORK / "evaluate"
BIN = Path(sys.executable).parent
USER_SCRIPT = harness.HERE / "fairlearn_user.py"
FEATURES = ("sex", "race")
METRICS = [
    "selection_rate",
    "accuracy",
    "precision",
    "recall",
    "false_positive_rate",
    "f1",
    "balanced_accuracy",
]
DISPARITIES = list(get_args(ClassificationDisparity))  # the 6 the schema defines
_SAME_PINS = [
    "numpy==2.4.6",
    "pandas==3.1.1",
    "pyarrow==26.0.1",
    "scikit-learn==1.9.1",
    "scipy==1.17.1",
    "joblib==1.6.0",
    "threadpoolctl==3.8.0",
    "narwhals==2.29.0",
    "python-dateutil==4.0.0",
    "tzdata==2026.6",
    "cloudpickle==3.1.3",
]
FAIRLEARN = {
    "0.12.0": ["fairlearn==0.12.0", *_SAME_PINS],
    "0.15.0": ["fairlearn==0.15.0", *_SAME_PINS],
}
"""The releases measured: 0.12.0, the fastest on raw rows that installs here (issue 23),
and the current one; each in its own environment with the same other packages."""

EVALUATION = """\
evaluation:
  predictions:
    path: systems/{id}/predictions.parquet
  task: binary-classification
  label_column: y_true
  prediction_column: y_pred
  sensitive_features: [sex, race]
  metrics: [{metrics}]
  bootstrap: {{replicates: 1000, seed: 0}}
"""


def make(path: Path, rows: int, seed: int = 0) -> None:
    """`rows` synthetic predictions in Parquet (seeded)."""
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


def workspace(root: Path, systems: list[str], rows: int) -> Path:
    """A workspace with `systems`, each with a card and `rows` predictions (the same data)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "cardgate.yaml").write_text("kind: workspace\nschema_version: 1\nname: bench\n")
    data = root / "predictions.parquet"
    make(data, rows)
    card = synthetic.CARD.split("evaluation:\n")[0]
    for number, system in enumerate(systems):
        folder = root / "systems" / system
        folder.mkdir(parents=True)
        text = card.format(id=system, n=number, tier="minimal") + EVALUATION.format(
            id=system, metrics=", ".join([*METRICS, *DISPARITIES])
        )
        (folder / "model-card.yaml").write_text(text)
        shutil.copy(data, folder / "predictions.parquet")
    data.unlink()
    return root


def settings_for(system: str) -> Any:
    from cardgate.documents.schemas.evaluation import EvaluationSettings

    return EvaluationSettings.model_validate(
        {
            "predictions": {"path": f"systems/{system}/predictions.parquet"},
            "task": "binary-classification",
            "label_column": "y_true",
            "prediction_column": "y_pred",
            "sensitive_features": list(FEATURES),
            "metrics": [*METRICS, *DISPARITIES],
            "bootstrap": {"replicates": 1000, "seed": 0},
        }
    )


def run_cardgate(root: Path, system: str = "bench") -> None:
    """cardgate's evaluation in this process: read + compute, nothing written."""
    from cardgate.evidence.evaluation.evaluate import evaluate_settings

    evaluate_settings(settings_for(system), root=root, system=system)


FLOOR = """\
import sys
import numpy as np
import pyarrow.parquet as pq


def numbers(array):  # no pyarrow conversion: those import pandas
    array = array.combine_chunks() if hasattr(array, "combine_chunks") else array
    data = array.buffers()[1]
    dtype = np.dtype(array.type.to_pandas_dtype())
    return np.frombuffer(data, dtype, len(array), array.offset * dtype.itemsize)


def floor(path):
    # ParquetFile, not read_table: read_table imports pyarrow.dataset, which imports pandas
    table = pq.ParquetFile(path).read(columns=["y_true", "y_pred", "sex", "race"])
    sex = numbers(table.column("sex").combine_chunks().indices).astype(np.int64)
    race = numbers(table.column("race").combine_chunks().indices).astype(np.int64)
    truth = numbers(table.column("y_true")).astype(np.int64)
    predicted = numbers(table.column("y_pred")).astype(np.int64)
    return np.bincount(((sex * 5 + race) * 2 + truth) * 2 + predicted, minlength=40)


if __name__ == "__main__":
    floor(sys.argv[1])
"""
"""The least any evaluation does, in a process of its own or called in process: import
numpy and pyarrow, read the 4 columns, count the joint key once."""


def run_floor(path: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "floor"}
    exec(FLOOR, namespace)
    namespace["floor"](path)


def same_outputs(artifact: dict[str, Any], fair: dict[str, Any]) -> tuple[int, list[str]]:
    """(values compared, those that differ): fairlearn's printed values against the
    artifact's, each written as the artifact writes numbers."""
    from cardgate.evidence.evaluation.numbers import json_number

    compared, differ = 0, []

    def check(where: str, ours: Any, theirs: float) -> None:
        nonlocal compared
        compared += 1
        if ours != json_number(theirs):
            differ.append(f"{where}: cardgate {ours}, fairlearn {theirs}")

    for name in METRICS:
        value = fair[FEATURES[0]]["overall"][name]
        check(f"overall {name}", artifact["overall"]["metrics"][name]["value"], value)
    for feature in artifact["features"]:
        theirs = fair[feature["feature"]]
        for group in feature["groups"]:
            for name in METRICS:
                expected = theirs["by_group"][group["group"]][name]
                check(f"{group['group']} {name}", group["metrics"][name]["value"], expected)
        for record in feature["disparities"]:
            expected = theirs["disparities"][record["metric"]]
            check(f"{feature['feature']} {record['metric']}", record["value"], expected)
    return compared, differ


def source_at(ref: str) -> Path:
    """cardgate's `src/` at git `ref`, extracted under benchmarks/.work."""
    import subprocess

    folder = WORK / f"src-{ref}"
    if not (folder / "src").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(harness.HERE.parent), "archive", ref, "src"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "src"


def measure_size(
    rows: int, rounds: int, fairlearn_rounds: dict[str, int], before: str | None
) -> dict[str, Any]:
    root = workspace(WORK / f"rows-{rows}", ["bench"], rows)
    data = root / "systems" / "bench" / "predictions.parquet"
    commands: dict[str, list[str]] = {
        "cardgate": [str(BIN / "cardgate"), "evaluate", "bench", "--workspace", str(root)]
    }
    if before is not None:
        commands[f"cardgate at {before}"] = [
            "env",
            f"PYTHONPATH={source_at(before)}",
            sys.executable,
            "-m",
            "cardgate",
            *commands["cardgate"][1:],
        ]
    for release, pins in FAIRLEARN.items():
        if fairlearn_rounds.get(release, rounds) == 0:
            continue
        python = harness.peer_python(f"fairlearn-{release}", pins)
        commands[f"fairlearn {release}"] = [str(python), str(USER_SCRIPT), str(data)]
    commands["floor: a process that imports numpy and pyarrow, reads, counts"] = [
        sys.executable,
        "-c",
        FLOOR,
        str(data),
    ]
    load_before = harness.load()
    only = {f"fairlearn {r}": n for r, n in fairlearn_rounds.items()}
    whole = harness.whole_process(commands, rounds=rounds, only=only)
    load_after = harness.load()
    artifact = json.loads((root / "systems" / "bench" / "evaluation.json").read_text())
    inside_cpu: dict[str, harness.Sample] = {}
    inside = harness.in_process(
        {"cardgate": lambda: run_cardgate(root), "floor": lambda: run_floor(data)},
        rounds=rounds,
        cpu=inside_cpu,
    )
    result: dict[str, Any] = {
        "rows": rows,
        "load_before": load_before,
        "load_after": load_after,
        "whole_process": {name: runs.summary() for name, runs in whole.items()},
        "in_process_s": {name: sample.summary() for name, sample in inside.items()},
        "in_process_cpu_s": {name: sample.summary() for name, sample in inside_cpu.items()},
        "columns_read_mib": rows * (1 + 1 + 4 + 4) / 2**20,
    }
    for name, runs in whole.items():
        if not name.startswith("fairlearn"):
            continue
        printed = [json.loads(output) for output in runs.outputs]
        compared, differ = same_outputs(artifact, printed[-1])
        result.setdefault("same_outputs", {})[name] = {"compared": compared, "differ": differ}
        # fairlearn's in-process part: read + compute, as its script timed each run
        core = harness.Sample([p["seconds"]["read"] + p["seconds"]["compute"] for p in printed])
        result["in_process_s"][name] = core.summary()
        if all("cpu_seconds" in p for p in printed):
            cpu = harness.Sample([p["cpu_seconds"]["read_and_compute"] for p in printed])
            result["in_process_cpu_s"][name] = cpu.summary()
    ours = whole["cardgate"].wall.median
    result["ratios"] = {
        f"{name} / cardgate, whole process (wall medians)": runs.wall.median / ours
        for name, runs in whole.items()
        if name != "cardgate"
    } | {
        f"{name} / cardgate, whole process (CPU medians)": runs.cpu.median
        / whole["cardgate"].cpu.median
        for name, runs in whole.items()
        if name != "cardgate"
    }
    core = inside["cardgate"].median
    result["ratios"] |= {
        f"{name} / cardgate, in process": sample["median"] / core
        for name, sample in result["in_process_s"].items()
        if name.startswith("fairlearn")
    } | {"cardgate / floor, in process": core / inside["floor"].median}
    core_cpu = inside_cpu["cardgate"].median
    result["ratios"] |= {
        f"{name} / cardgate, in process (CPU)": sample["median"] / core_cpu
        for name, sample in result["in_process_cpu_s"].items()
        if name.startswith("fairlearn")
    }
    result["_whole"] = whole
    return result


def measure_systems(count: int, rows: int, rounds: int) -> dict[str, Any]:
    """One process for `count` systems against `count` processes of one system each."""
    systems = [f"system-{i:03d}" for i in range(count)]
    root = workspace(WORK / f"systems-{count}", systems, rows)
    cardgate = str(BIN / "cardgate")
    one = [cardgate, "evaluate", "--workspace", str(root)]
    each = (
        "import subprocess, sys\n"
        f"for system in {systems!r}:\n"
        f"    subprocess.run([{cardgate!r}, 'evaluate', system, '--workspace', {str(root)!r}],"
        " check=True, stdout=subprocess.DEVNULL)\n"
    )
    load_before = harness.load()
    whole = harness.whole_process(
        {"one process": one, f"{count} processes": [sys.executable, "-c", each]}, rounds=rounds
    )
    return {
        "systems": count,
        "rows_each": rows,
        "load_before": load_before,
        "load_after": harness.load(),
        "whole_process": {name: runs.summary() for name, runs in whole.items()},
        "_whole": whole,
    }


def print_size(result: dict[str, Any]) -> None:
    whole: dict[str, harness.Runs] = result["_whole"]
    rows = result["rows"]
    print(
        f"\n{rows:,} rows; load average {result['load_before']} before, "
        f"{result['load_after']} after; medians (min–max) of interleaved runs"
    )
    print("\n| whole process | runs | wall | CPU | peak RSS | wall ratio | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ours = whole["cardgate"]
    for name, runs in whole.items():
        print(
            f"| {name} | {len(runs.wall.values)} | {runs.wall.text()} | {runs.cpu.text()} "
            f"| {runs.peak_rss_mib.text(unit='MiB', digits=0)} "
            f"| {runs.wall.median / ours.wall.median:,.1f}× "
            f"| {runs.cpu.median / ours.cpu.median:,.1f}× |"
        )
    print("\n| in process | wall | CPU | CPU ratio |")
    print("|---|---:|---:|---:|")
    labels = {
        "cardgate": "cardgate evaluate_settings (read + compute)",
        "floor": "floor: read 4 columns + one bincount",
    }
    wall, cpu = result["in_process_s"], result["in_process_cpu_s"]
    core = cpu["cardgate"]["median"]
    for name in [*labels, *(n for n in wall if n.startswith("fairlearn"))]:
        label = labels.get(name, f"{name}: read + compute (timed by its script, runs above)")
        cpu_text = harness.Sample(cpu[name]["runs"]).text(1000, "ms", 0) if name in cpu else ""
        ratio = f"{cpu[name]['median'] / core:,.1f}×" if name in cpu else ""
        print(
            f"| {label} | {harness.Sample(wall[name]['runs']).text(1000, 'ms', 0)} "
            f"| {cpu_text} | {ratio} |"
        )
    for name, same in result.get("same_outputs", {}).items():
        status = "all equal" if not same["differ"] else f"{len(same['differ'])} differ"
        print(f"\nsame outputs, {name}: {same['compared']} values compared, {status}")
        for line in same["differ"][:5]:
            print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e5,1e6")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--current-rounds",
        type=int,
        default=2,
        help="rounds of the current fairlearn (slowest: 10-40 CPU seconds a run at 1e6)",
    )
    parser.add_argument("--systems", type=int, default=100, help="0: skip")
    parser.add_argument("--systems-rounds", type=int, default=2)
    parser.add_argument(
        "--before", default=None, help="also cardgate at this git ref (whole process)"
    )
    parser.add_argument(
        "--record-as", default="evaluate", help="section of results.json (evaluate)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    current = list(FAIRLEARN)[-1]
    results = []
    for rows in sizes:
        result = measure_size(rows, args.rounds, {current: args.current_rounds}, args.before)
        print_size(result)
        results.append(result)
    systems = None
    if args.systems:
        systems = measure_systems(args.systems, 100_000, args.systems_rounds)
        whole = systems["_whole"]
        print(
            f"\n{args.systems} systems × 100,000 rows; load average {systems['load_before']} "
            f"before, {systems['load_after']} after"
        )
        print("\n| whole process | runs | wall | CPU | peak RSS |")
        print("|---|---:|---:|---:|---:|")
        for name, runs in whole.items():
            print(
                f"| {name} | {len(runs.wall.values)} | {runs.wall.text()} | {runs.cpu.text()} "
                f"| {runs.peak_rss_mib.text(unit='MiB', digits=0)} |"
            )
    harness.record(
        args.record_as,
        {
            "fairlearn_environments": {
                release: harness.versions(harness.peer_python(f"fairlearn-{release}", pins))
                for release, pins in FAIRLEARN.items()
            },
            "sizes": [{k: v for k, v in r.items() if not k.startswith("_")} for r in results],
            "systems": None
            if systems is None
            else {k: v for k, v in systems.items() if not k.startswith("_")},
            "seconds_taken": time.perf_counter() - started,
        },
    )


if __name__ == "__main__":
    main()
