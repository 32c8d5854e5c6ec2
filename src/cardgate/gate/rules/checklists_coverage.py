"""The required checklists cover each NIST AI RMF function to the policy's minimum.

Rationale:
Answering a checklist is not the same as doing the work. The policy sets, per risk tier,
the least share of each function's subcategories (GOVERN, MAP, MEASURE, MANAGE) that the
answers must address. Coverage is computed by `cardgate.frameworks.coverage`, as in
``cardgate coverage``: a subcategory is addressed when every applicable item mapped to it
is ``done`` or ``not-applicable``.

Fails:
- ``min_coverage: {MEASURE: 0.8}`` and 12 of the 22 MEASURE subcategories addressed;
- (a warning) a function meets its minimum only through subcategories whose every item
  is answered ``not-applicable``: a justification is a claim, and a checklist answered
  not-applicable wholesale would reach any minimum.

Passes:
- every function's addressed share is at least its minimum.

Remediation:
Run ``cardgate coverage SYSTEM`` to see which subcategories are missing or partial, and
complete the items behind them (with evidence).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.rules.checklists_answered import required_checklists

CODE = "GATE-CK002"
NAME = "checklists.coverage"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.3", "GOVERN 1.5"]
ALIASES: list[str] = []
RELEASE_STRICT = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    from cardgate.frameworks.catalog import load_catalog
    from cardgate.frameworks.coverage import (
        answered_checklists,
        answers_of,
        compute_system_coverage,
    )

    system = ctx.system
    minimum = {fn: share for fn, share in ctx.settings.min_coverage.items() if share > 0}
    if system is None or not minimum:
        return
    documents = answered_checklists(system, set(required_checklists(ctx)))
    if not documents:
        return  # GATE-CK001 reports the missing answers
    cache: dict[Any, Any] = ctx.gate.cache.setdefault(CODE, {})
    definitions = ctx.gate.definitions().definitions
    coverage = compute_system_coverage(
        load_catalog(),
        definitions,
        answers_of(
            ctx.workspace, system, ctx.settings.tier, definitions, documents, ctx.gate.cache
        ),
        _cache=cache,
    )
    where = next(iter(sorted(documents.items())))[1][0]
    names = ", ".join(sorted(documents))
    for function in coverage.functions:
        least = minimum.get(function.id)
        if least is None or function.total == 0:
            continue
        share = function.addressed / function.total
        if share + 1e-9 < least:
            yield ctx.finding(
                where,
                f"{function.id} coverage {share:.0%} is below the minimum {least:.0%} "
                f"({function.addressed} of {function.total} subcategories addressed by "
                f"{names}; {function.partial} partial)",
                path=("items",),
                key=True,
                hint=f"see which are missing: cardgate coverage {system.id}",
                nist=(function.id, *ctx.rule.nist),  # the function that falls short, first
            )
            continue
        excused = sum(
            sub.function == function.id
            and sub.status == "addressed"
            and all(state.status == "not-applicable" for state in sub.items)
            for sub in coverage.subcategories
        )
        done = (function.addressed - excused) / function.total
        if done + 1e-9 < least:
            yield ctx.finding(
                where,
                f"{function.id} coverage {share:.0%} meets the minimum {least:.0%} only "
                f"through not-applicable answers: {excused} of its {function.addressed} "
                f"addressed subcategories rest on not-applicable answers alone (without them "
                f"{done:.0%})",
                path=("items",),
                key=True,
                hint=f"have a reviewer confirm each justification (cardgate coverage "
                f"{system.id} lists the items), or do the work",
                severity=Severity.WARNING,
                nist=(function.id, *ctx.rule.nist),
            )
