"""Time the coverage computation for 1,000 systems answering every shipped checklist item.

Run: python benchmarks/bench_coverage.py [SYSTEMS]

Each system answers every item of nist-ai-rmf-core and nist-genai-profile with a status
drawn from a seeded generator, with risk tiers spread over the four tiers. Prints the time
to compute the portfolio coverage and to build its JSON form.
"""

from __future__ import annotations

import json
import random
import sys
import time

from cardgate.frameworks.catalog import load_catalog
from cardgate.frameworks.coverage import compute_coverage
from cardgate.frameworks.coverage_json import coverage_to_json
from cardgate.frameworks.coverage_results import SystemAnswers
from cardgate.frameworks.definitions import shipped_definitions

STATUSES = ("done", "partial", "not-started", "not-applicable")
TIERS = ("minimal", "limited", "high", "unacceptable")


def main(count: int = 1000) -> None:
    catalog = load_catalog()
    definitions = shipped_definitions().definitions
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
        for number in range(count)
    ]
    items = sum(len(d.model.items) for d in definitions.values())
    start = time.perf_counter()
    portfolio = compute_coverage(catalog, definitions, systems)
    computed = time.perf_counter() - start
    text = json.dumps(coverage_to_json(portfolio), sort_keys=True)
    serialised = time.perf_counter() - start - computed
    print(
        f"coverage: {count} systems x {items} items x {len(catalog.subcategories)} "
        f"subcategories: compute {computed * 1000:.0f} ms, JSON {serialised * 1000:.0f} ms "
        f"({len(text) / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
