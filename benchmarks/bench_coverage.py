"""NIST AI RMF coverage of a 1,000-system portfolio: what `cardgate coverage` costs a
user, and what the computation itself costs.

Run: python benchmarks/bench_coverage.py [--systems N] [--rounds R]   (1,000 systems, 3
rounds). Measured through `harness.py`:

* whole process: `cardgate coverage --format json` on a generated workspace
  (`synthetic.generate_workspace`: each system answers the 62-item NIST AI RMF core
  checklist), without the parse cache and with a warm one, interleaved, with CPU seconds
  and peak RSS;
* in process: `compute_coverage` of 1,000 systems answering every item of every shipped
  NIST checklist (statuses from a seeded generator, risk tiers spread over the four
  tiers), and its JSON form.

Target (issue 3): the computation under 1 s beyond loading.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from synthetic import generate_workspace

from cardgate.frameworks import coverage as coverage_module
from cardgate.frameworks.catalog import load_catalog
from cardgate.frameworks.coverage import compute_coverage
from cardgate.frameworks.coverage_json import coverage_to_json
from cardgate.frameworks.coverage_results import SystemAnswers
from cardgate.frameworks.definitions import shipped_definitions

WORK = harness.WORK / "coverage"
BIN = Path(sys.executable).parent
STATUSES = ("done", "partial", "not-started", "not-applicable")
TIERS = ("minimal", "limited", "high", "unacceptable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = generate_workspace(WORK / "workspace", args.systems)
    cache = WORK / "parse-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cardgate = [str(BIN / "cardgate"), "coverage", "--format", "json", "-w", str(root)]
    commands = {
        "cardgate coverage --format json, no parse cache": [
            "env",
            "CARDGATE_NO_CACHE=1",
            *cardgate,
        ],
        "cardgate coverage --format json, warm parse cache": [
            "env",
            f"CARDGATE_CACHE_DIR={cache}",
            *cardgate,
        ],
    }
    harness.run_once(commands["cardgate coverage --format json, warm parse cache"])
    load_before = harness.load()
    whole = harness.whole_process(commands, rounds=args.rounds)
    load_after = harness.load()
    outputs = {json.dumps(json.loads(runs.outputs[-1])["portfolio"]) for runs in whole.values()}
    assert len(outputs) == 1, "the two runs disagree"

    catalog = load_catalog()
    definitions = {
        key: value
        for key, value in shipped_definitions().definitions.items()
        if value.model.framework == catalog.id
    }
    rng = random.Random(20240701)
    systems = [
        SystemAnswers(
            system=f"system-{number:04d}",
            risk_tier=TIERS[number % len(TIERS)],
            answers={
                definition.id: {item.id: rng.choice(STATUSES) for item in definition.model.items}
                for definition in definitions.values()
            },
        )
        for number in range(args.systems)
    ]
    items = sum(len(d.model.items) for d in definitions.values())
    portfolio = compute_coverage(catalog, definitions, systems)
    size = len(json.dumps(coverage_to_json(portfolio), sort_keys=True))

    def cold_coverage() -> None:
        # the memo of per-answer-set results (coverage._MEMO) would make every call after
        # the warm-up a lookup: a user's process computes each portfolio once
        coverage_module._MEMO.clear()
        compute_coverage(catalog, definitions, systems)

    cpu: dict[str, harness.Sample] = {}
    inside = harness.in_process(
        {
            "compute_coverage (its memo emptied first)": lambda: cold_coverage(),
            "its JSON form": lambda: json.dumps(coverage_to_json(portfolio), sort_keys=True),
        },
        rounds=args.rounds,
        cpu=cpu,
    )
    print(
        f"\n{args.systems} systems; load average {load_before} before, {load_after} after; "
        f"medians (min–max) of {args.rounds} interleaved runs"
    )
    print("\n| whole process | wall | CPU | peak RSS |")
    print("|---|---:|---:|---:|")
    for name, runs in whole.items():
        print(
            f"| {name} | {runs.wall.text()} | {runs.cpu.text()} "
            f"| {runs.peak_rss_mib.text(unit='MiB', digits=0)} |"
        )
    print(
        f"\nin process: {args.systems} systems × {items} items × "
        f"{len(catalog.subcategories)} subcategories (JSON form {size / 1e6:.1f} MB)"
    )
    print("\n| in process | wall | CPU |")
    print("|---|---:|---:|")
    for name, sample in inside.items():
        print(f"| {name} | {sample.text(1000, ' ms', 0)} | {cpu[name].text(1000, ' ms', 0)} |")
    data: dict[str, Any] = {
        "systems": args.systems,
        "items": items,
        "load_before": load_before,
        "load_after": load_after,
        "whole_process": {name: runs.summary() for name, runs in whole.items()},
        "in_process_s": {name: sample.summary() for name, sample in inside.items()},
        "in_process_cpu_s": {name: sample.summary() for name, sample in cpu.items()},
    }
    harness.record("coverage", data)


if __name__ == "__main__":
    main()
