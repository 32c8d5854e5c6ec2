"""`cardgate gate` on a 1,000-system workspace, with evaluation artifacts and sign-offs,
in a subprocess (what CI pays) and in process (`run_gate`). Release strictness without
the recomputation of artifacts (`--release` recomputes every artifact from its inputs,
which costs one evaluation per system: measured on the worked example, see README).

Run: python benchmarks/bench_gate.py [SYSTEMS]   (default 1,000 systems; target < 2 s)

Reported cold (``CARDGATE_NO_CACHE=1``: every YAML document parsed) and warm (the parse
cache, in ``.work/gate/parse-cache``, filled by a previous run) side by side.

Each system has a model card, NIST AI RMF core checklist answers (62 items), a datasheet,
a predictions file, an evaluation artifact whose provenance matches them, and owner,
legal and risk sign-offs bound to the documents' digests. The benchmark also checks that
the gate imported neither pandas, numpy, fairlearn nor mkdocs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    print("HEAVY:" + ",".join(heavy), file=sys.stderr)


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


def gate_subprocess(root: Path, env: dict[str, str], runs: int) -> tuple[float, str, str]:
    """Median seconds of `cardgate gate`, its verdict and heavy imports."""
    times = []
    done = None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(root)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        times.append(time.perf_counter() - start)
    assert done is not None
    heavy = [line[6:] for line in done.stderr.splitlines() if line.startswith("HEAVY:")]
    verdict = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    shown = f"exit {done.returncode}: {verdict[:80]}"
    return statistics.median(times), shown, (heavy[0] or "none") if heavy else "?"


def gate_in_process(root: Path, *, cached: bool) -> tuple[float, GateResult]:
    """Seconds of `run_gate` (workspace load included), parse cache on or off."""
    saved = os.environ.get("CARDGATE_NO_CACHE")
    if cached:
        os.environ.pop("CARDGATE_NO_CACHE", None)
    else:
        os.environ["CARDGATE_NO_CACHE"] = "1"
    parse_cache.cache_dir.cache_clear()
    try:
        start = time.perf_counter()
        result = run_gate(root, release=True, recompute=False, today=dt.date.fromisoformat(TODAY))
        return time.perf_counter() - start, result
    finally:
        if saved is None:
            os.environ.pop("CARDGATE_NO_CACHE", None)
        else:
            os.environ["CARDGATE_NO_CACHE"] = saved
        parse_cache.cache_dir.cache_clear()


def main(count: int = 1000, runs: int = 3) -> None:
    root = generate_workspace(WORK / "workspace", count)
    add_artifacts_and_signoffs(root)
    cache = WORK / "parse-cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["CARDGATE_CACHE_DIR"] = str(cache)  # warm runs use (and fill) their own cache
    env = {**os.environ, "CARDGATE_TODAY": TODAY}
    cold_env = {**env, "CARDGATE_NO_CACHE": "1"}
    warm_env = {key: value for key, value in env.items() if key != "CARDGATE_NO_CACHE"}
    cold, cold_verdict, cold_heavy = gate_subprocess(root, cold_env, runs)
    fresh_times = []  # the cache on but empty: a CI runner's first run (parse, then store)
    for run in range(runs):
        fresh_env = {**warm_env, "CARDGATE_CACHE_DIR": str(WORK / f"fresh-cache-{run}")}
        shutil.rmtree(fresh_env["CARDGATE_CACHE_DIR"], ignore_errors=True)
        fresh_times.append(gate_subprocess(root, fresh_env, 1)[0])
        shutil.rmtree(fresh_env["CARDGATE_CACHE_DIR"], ignore_errors=True)
    fresh = statistics.median(fresh_times)
    gate_subprocess(root, warm_env, 1)  # fill the parse cache
    warm, warm_verdict, warm_heavy = gate_subprocess(root, warm_env, runs)
    cold_in, _ = gate_in_process(root, cached=False)
    warm_in, result = gate_in_process(root, cached=True)
    print(f"systems: {count}  documents checked: {len(result.documents)}  (target < 2 s)")
    print(f"{'':52} {'cold':>8} {'warm':>8}")
    print(f"{f'cardgate gate (subprocess, median of {runs})':52} {cold:7.2f}s {warm:7.2f}s")
    print(f"{'run_gate in process (workspace load included)':52} {cold_in:7.2f}s {warm_in:7.2f}s")
    print(f"{'subprocess, empty cache folder (first CI run), median':52} {fresh:7.2f}s")
    print(f"cold: {cold_verdict}   warm: {warm_verdict}")
    print(f"heavy modules imported: cold {cold_heavy}, warm {warm_heavy}")
    print("cold: CARDGATE_NO_CACHE=1; warm: parse cache filled by a previous run")
    print(f"findings: {len(result.findings)} (first: {result.findings[:1]})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
