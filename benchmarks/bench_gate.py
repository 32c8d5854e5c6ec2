"""`cardgate gate` on a 1,000-system workspace, with evaluation artifacts and sign-offs,
in a subprocess (what CI pays) and in process (`run_gate`), as a pull request runs it:
artifacts read as committed (`--release` reads no parse-cache entry and recomputes every
artifact from its inputs, one evaluation per system: measured on the worked example, see
README).

Run: python benchmarks/bench_gate.py [--systems N] [--rounds R]   (1,000 systems, 3 rounds;
target < 2 s). Measured through `harness.py`: whole process, interleaved, with CPU
seconds and peak RSS, and in process.

Reported cold (``CARDGATE_NO_CACHE=1``: every YAML document parsed) and warm (the parse
cache, in ``.work/gate/parse-cache``, filled by a previous run) side by side.

Each system has a model card, NIST AI RMF core checklist answers (62 items), a datasheet,
a predictions file, an evaluation artifact whose provenance matches them, and owner,
legal and risk sign-offs bound to the documents' digests. The benchmark also checks that
the gate imported neither pandas, numpy, fairlearn nor mkdocs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from synthetic import generate_workspace

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.documents import parse_cache
from cardgate.documents.signoffs import signed_documents
from cardgate.documents.workspace import load_workspace
from cardgate.gate.engine import run_gate
from cardgate.gate.result import GateResult

WORK = Path(__file__).resolve().parent / ".work" / "gate"
TODAY = "2026-11-30"
PROBE = """
import atexit, sys
from cardgate.cli import main


@atexit.register  # main() runs the exit handlers, then leaves without teardown
def report():
    heavy = [m for m in ("pandas", "numpy", "fairlearn", "mkdocs") if m in sys.modules]
    print("heavy: " + (",".join(heavy) or "none"))


sys.argv = ["cardgate", "gate", "-w", sys.argv[1]]
main()
"""


def add_artifacts_and_signoffs(root: Path) -> None:
    """Predictions, a matching evaluation.json and three current sign-offs per system."""
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n", encoding="utf-8"
    )
    workspace = load_workspace(root)
    for system in workspace.systems.values():
        card = system.model_card
        assert card is not None and card.evaluation is not None, system.id
        predictions = system.folder / "predictions.csv"
        predictions.write_text(
            "y_true,y_pred,score,sex,age_group\n1,1,0.9,F,18-25\n0,0,0.2,M,26-40\n",
            encoding="utf-8",
        )
        record = {"value": 0.04, "ci": [0.02, 0.06], "noise_floor": 0.01, "p_value": 0.3}
        artifact = {
            "artifact": "cardgate-evaluation",
            "schema_version": 2,
            "system": system.id,
            "task": "binary-classification",
            "provenance": {
                "predictions": {
                    "path": str(card.evaluation.predictions.path),
                    "sha256": file_sha256(predictions),
                    "format": "rows",
                    "rows": 2,
                    "rows_used": 2,
                    "dropped": [],
                },
                "settings_sha256": canonical_sha256(card.evaluation),
                "seed": 0,
                "replicates": 1000,
                "confidence_level": 0.95,
                "min_group_size": 30,
                "versions": {},
            },
            "overall": {"count": 2, "metrics": {}},
            "features": [],
            "thresholds": [
                {
                    "threshold": index,
                    "metric": "equalized_odds_difference",
                    "feature": feature,
                    "group": None,
                    "min": None,
                    "max": 0.1,
                    **record,
                    "detectable": 0.15,
                    "count": 500,
                    "state": "within",
                    "reason": "within max 0.1",
                }
                for index, feature in enumerate(("sex", "age_group"))
            ],
        }
        (system.folder / "evaluation.json").write_text(
            json.dumps(artifact, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    workspace = load_workspace(root)  # now with the artifacts
    for system in workspace.systems.values():
        documents = signed_documents(workspace, system)
        signoffs = {
            "kind": "signoffs",
            "schema_version": 1,
            "system": system.id,
            "signoffs": [
                {
                    "role": role,
                    "name": f"{role.title()} Reviewer",
                    "date": TODAY,
                    "documents": documents,
                }
                for role in ("owner", "legal", "risk")
            ],
        }
        (system.folder / "signoffs.yaml").write_text(
            yaml.safe_dump(signoffs, sort_keys=False), encoding="utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = generate_workspace(WORK / "workspace", args.systems)
    add_artifacts_and_signoffs(root)
    cache, fresh = WORK / "parse-cache", WORK / "fresh-cache"
    shutil.rmtree(cache, ignore_errors=True)
    probe = [sys.executable, "-c", PROBE, str(root)]
    commands = {
        "cardgate gate, no parse cache": ["env", "CARDGATE_NO_CACHE=1", *probe],
        # a CI runner's first run: the cache on, its folder empty (parse, then store)
        "cardgate gate, empty cache folder": [
            "sh",
            "-c",
            f'rm -rf "{fresh}" && exec env CARDGATE_CACHE_DIR="{fresh}" "$@"',
            "sh",
            *probe,
        ],
        "cardgate gate, warm parse cache": ["env", f"CARDGATE_CACHE_DIR={cache}", *probe],
    }
    env = {**os.environ, "CARDGATE_TODAY": TODAY}
    env.pop("CARDGATE_NO_CACHE", None)
    harness.run_once(commands["cardgate gate, warm parse cache"], env=env, exit_codes=(0, 1))
    load_before = harness.load()
    whole = harness.whole_process(commands, rounds=args.rounds, env=env, exit_codes=(0, 1))
    load_after = harness.load()
    shutil.rmtree(fresh, ignore_errors=True)

    today = dt.date.fromisoformat(TODAY)
    results: list[GateResult] = []

    def gate(cached: bool) -> None:
        if cached:
            os.environ["CARDGATE_CACHE_DIR"] = str(cache)
            os.environ.pop("CARDGATE_NO_CACHE", None)
        else:
            os.environ["CARDGATE_NO_CACHE"] = "1"
        parse_cache.cache_dir.cache_clear()
        results.append(run_gate(root, release=False, today=today))  # as `cardgate gate`

    cpu: dict[str, harness.Sample] = {}
    inside = harness.in_process(
        {
            "run_gate, no parse cache (workspace load included)": lambda: gate(False),
            "run_gate, warm parse cache (workspace load included)": lambda: gate(True),
        },
        rounds=args.rounds,
        cpu=cpu,
    )
    result = results[-1]
    heavy = {name: runs.outputs[-1].strip().splitlines()[-1] for name, runs in whole.items()}
    base = whole["cardgate gate, no parse cache"]
    print(
        f"\n{args.systems} systems, {len(result.documents)} documents; load average "
        f"{load_before} before, {load_after} after; medians (min–max) of {args.rounds} "
        "interleaved runs; target: under 2 s"
    )
    print("\n| whole process | wall | CPU | peak RSS | CPU ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in whole.items():
        print(
            f"| {name} | {runs.wall.text()} | {runs.cpu.text()} "
            f"| {runs.peak_rss_mib.text(unit='MiB', digits=0)} "
            f"| {runs.cpu.median / base.cpu.median:.2f} |"
        )
    print("\n| in process | wall | CPU |")
    print("|---|---:|---:|")
    for name, sample in inside.items():
        print(f"| {name} | {sample.text()} | {cpu[name].text()} |")
    print(f"\nheavy modules imported (pandas, numpy, fairlearn, mkdocs): {heavy}")
    print(f"findings: {len(result.findings)}; passed: {result.passed}")
    harness.record(
        "gate",
        {
            "systems": args.systems,
            "documents": len(result.documents),
            "load_before": load_before,
            "load_after": load_after,
            "heavy_imports": heavy,
            "whole_process": {name: runs.summary() for name, runs in whole.items()},
            "in_process_s": {name: sample.summary() for name, sample in inside.items()},
            "in_process_cpu_s": {name: sample.summary() for name, sample in cpu.items()},
        },
    )


if __name__ == "__main__":
    main()
