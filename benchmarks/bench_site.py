"""`cardgate build` of a 1,000-system workspace, side by side with a plain `mkdocs build`.

Run: python benchmarks/bench_site.py [SYSTEMS] [RUNS] [--no-downloads]   (defaults: 1000
systems, 5 runs; `--no-downloads` sets `site: {downloads: false}`, leaving out the
exports offered for download on each page)

Generates a workspace (in benchmarks/.work/site, git-ignored) of SYSTEMS model cards, each
with an evaluation artifact (two features, three groups, thresholds) and a checklist, then
measures, each in a fresh process of this interpreter:

* A: ``cardgate build`` — load the workspace, run the gate, compute NIST coverage, render
  every page, ``mkdocs build`` (without --strict, so no link check);
* B: ``mkdocs build`` of exactly the same pre-rendered pages with the same mkdocs.yml.

Targets: A - B (cardgate's own work) is at most 20% of B, and A is under 10 seconds.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "site"
TODAY = "2026-11-30"

CARD = """\
kind: model-card
schema_version: 1
id: {id}
name: "System {n:04d} — {kind}"
status: {status}
risk_tier: {tier}
lifecycle_stage: deployment
owners:
  - name: Owner {owner}
    role: model owner
last_reviewed: 2026-09-{day:02d}
model_details:
  description: Scores applications for {kind}. Version {n}.
  model_version: "1.{n}"
  model_type: gradient-boosted trees
intended_use:
  primary_uses: ["Rank {kind} cases for human review"]
  out_of_scope_uses: ["Fully automated decisions"]
risks:
  - id: r1
    description: Unequal error rates between groups
    likelihood: possible
    impact: major
    owner: Risk office
    mitigation: Quarterly fairness review
    status: mitigated
evaluation:
  predictions: {{path: predictions.csv}}
  task: binary-classification
  label_column: y
  prediction_column: yhat
  sensitive_features: [sex, age_group]
  thresholds:
    - metric: demographic_parity_difference
      feature: sex
      max: 0.1
"""

CHECKLIST = """\
kind: checklist
schema_version: 1
system: {id}
checklist: nist-ai-rmf-core
status: review
items:
  GOV-01: {{status: done, evidence: ["https://example.org/policy"]}}
  MAP-01: {{status: partial}}
"""


def _metric(value: float) -> dict[str, object]:
    return {"value": value, "ci": [round(value - 0.04, 4), round(value + 0.04, 4)], "reason": None}


def _group_metric(value: float) -> dict[str, object]:
    return {**_metric(value), "difference_to_reference": None, "ratio_to_reference": None}


def _evaluation(system: str, n: int) -> dict[str, object]:
    features = []
    for feature, groups in (
        ("sex", ["female", "male", "other"]),
        ("age_group", ["<25", "25-60", ">60"]),
    ):
        features.append(
            {
                "feature": feature,
                "columns": [feature],
                "reference_group": groups[1],
                "groups": [
                    {
                        "group": group,
                        "count": 400 + 10 * i,
                        "suppressed": i == 2 and n % 3 == 0,
                        "metrics": {
                            m: _group_metric(0.3 + 0.1 * i + 0.001 * (n % 50))
                            for m in ("selection_rate", "true_positive_rate", "accuracy")
                        },
                    }
                    for i, group in enumerate(groups)
                ],
                "disparities": [
                    {
                        "metric": "demographic_parity_difference",
                        "value": 0.08,
                        "ci": [0.03, 0.13],
                        "reason": None,
                        "noise_floor": 0.05,
                        "p_value": 0.01,
                        "groups_compared": groups[:2],
                    }
                ],
            }
        )
    return {
        "artifact": "cardgate-evaluation",
        "schema_version": 2,
        "system": system,
        "task": "binary-classification",
        "provenance": {
            "predictions": {
                "path": f"systems/{system}/predictions.csv",
                "sha256": "a" * 64,
                "format": "rows",
                "rows": 2000,
                "rows_used": 2000,
                "dropped": [],
            },
            "settings_sha256": "b" * 64,
            "seed": 0,
            "replicates": 1000,
            "confidence_level": 0.95,
            "min_group_size": 30,
            "versions": {"fairlearn": "0.12.0"},
        },
        "overall": {"count": 2000, "metrics": {"accuracy": _metric(0.8)}},
        "features": features,
        "thresholds": [
            {
                "threshold": 0,
                "metric": "demographic_parity_difference",
                "feature": "sex",
                "group": None,
                "min": None,
                "max": 0.1,
                "value": 0.08 if n % 4 else 0.2,
                "ci": [0.03, 0.13] if n % 4 else [0.15, 0.25],
                "noise_floor": 0.05,
                "p_value": 0.01,
                "detectable": 0.2,
                "count": 500,
                "state": "inconclusive" if n % 4 else "beyond",
                "reason": "as recorded",
            }
        ],
    }


def generate(root: Path, count: int, *, downloads: bool = True) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "systems").mkdir(parents=True)
    (root / "cardgate.yaml").write_text(
        "kind: workspace\nschema_version: 1\nname: Benchmark portfolio\n"
        + ("" if downloads else "site: {downloads: false}\n"),
        encoding="utf-8",
    )
    tiers = ("minimal", "limited", "high")
    for n in range(count):
        system = f"system-{n:04d}"
        folder = root / "systems" / system
        folder.mkdir()
        (folder / "model-card.yaml").write_text(
            CARD.format(
                id=system,
                n=n,
                kind=("credit", "fraud", "benefits")[n % 3],
                status=("approved", "review")[n % 2],
                tier=tiers[n % 3],
                owner=n % 17,
                day=1 + n % 28,
            ),
            encoding="utf-8",
        )
        (folder / "checklist.yaml").write_text(CHECKLIST.format(id=system), encoding="utf-8")
        (folder / "evaluation.json").write_text(
            json.dumps(_evaluation(system, n), sort_keys=True), encoding="utf-8"
        )


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): CPU time is steadier on a shared machine."""
    env = {**os.environ, "CARDGATE_TODAY": TODAY}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main(count: int = 1000, runs: int = 5, *, downloads: bool = True) -> None:
    root = WORK / "workspace"
    generate(root, count, downloads=downloads)
    python = sys.executable
    cardgate = [python, "-m", "cardgate", "build"]
    _timed(cardgate, root)  # fills the parse cache and writes the pages B builds
    # B: the same pages, pre-rendered, built by plain mkdocs with the same configuration.
    plain = WORK / "plain"
    if plain.exists():
        shutil.rmtree(plain)
    site = root / "site"
    shutil.copytree(site / "generated", plain / "generated")
    shutil.copy(site / "mkdocs.yml", plain / "mkdocs.yml")
    mkdocs = [python, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml")]
    # Interleaved (A B A B ...): this machine's speed drifts by ±5% over minutes, so runs of
    # one side back to back would measure the drift as much as the difference.
    a_times: list[tuple[float, float]] = []
    b_times: list[tuple[float, float]] = []
    for _ in range(runs):
        a_times.append(_timed(cardgate, root))
        b_times.append(_timed(mkdocs, plain))
    pages = sum(1 for _ in (site / "generated").rglob("*.md"))
    print(f"site benchmark: {count} systems, {pages} pages, {runs} interleaved runs of each")
    for label, pick in (("best", min), ("median", statistics.median)):
        a, b = pick(w for w, _ in a_times), pick(w for w, _ in b_times)
        a_cpu, b_cpu = pick(c for _, c in a_times), pick(c for _, c in b_times)
        print(f"  {label} of {runs}:")
        print(f"    A cardgate build (load, gate, coverage, render, mkdocs): {a:6.2f} s")
        print(f"    B plain mkdocs build of the same pages:                  {b:6.2f} s")
        print(f"    cardgate's own work: {a - b:.2f} s = {(a - b) / b:+.1%} of B (target <= +20%)")
        print(f"    whole build under 10 s: {'yes' if a < 10 else 'NO'}")
        print(
            f"    CPU seconds (all processes): A {a_cpu:.2f}, B {b_cpu:.2f}, "
            f"own work {a_cpu - b_cpu:.2f} = {(a_cpu - b_cpu) / b_cpu:+.1%} of B"
        )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
        downloads="--no-downloads" not in sys.argv,
    )
