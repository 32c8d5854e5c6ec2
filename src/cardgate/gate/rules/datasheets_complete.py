"""Datasheets named by the model card validate and are complete.

Rationale:
A model card's claims about its data rest on the datasheets it names (Gebru et al.):
motivation, composition, collection, preprocessing, uses, distribution, maintenance. A
release must not rest on a datasheet that does not load or is still a template.

Fails:
- the card names ``german-credit`` but ``datasets/german-credit/datasheet.yaml`` does not
  validate (the finding points at the card's reference);
- the datasheet's ``composition.instances`` is ``TODO`` (required) or its
  ``collection_process`` is missing (recommended).

Passes:
- every referenced datasheet validates and its required and recommended fields hold
  content (a dataset that does not exist at all is reported by GATE-DOC001 as CG106).

Remediation:
Fill in the datasheet at the position given; ``cardgate new datasheet ID`` shows the
template with guidance.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-DS001"
NAME = "references.datasheets-complete"
SEVERITY = Severity.ERROR
NIST = ["MAP 2.3", "MEASURE 2.1"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    card = ctx.card
    if card is None or ctx.system is None:
        return
    seen: set[str] = set()
    for path, dataset_id, dataset in ctx.gate.datasets_of(card):
        if dataset is None or dataset_id in seen:
            continue
        seen.add(dataset_id)
        sheet = dataset.datasheet
        if sheet is None or dataset.sheet is None or dataset.sheet.loaded is None:
            yield ctx.finding(
                ctx.system.card,
                f"datasheet of '{dataset_id}' does not validate, so this card's data "
                "claims cannot be checked",
                path=path,
                hint="run 'cardgate validate' and fix the datasheet",
            )
            continue
        # A datasheet shared by many systems is walked once (the gate caches its gaps).
        for level in ("required", "recommended"):
            for gap in ctx.gate.unfilled(sheet, level, dataset.sheet):
                yield ctx.finding(
                    dataset.sheet,
                    f"datasheet '{dataset_id}': {gap.describe()} ({level})",
                    path=gap.path,
                    key=gap.state != "missing" and not isinstance(gap.path[-1], int),
                    hint="fill in the datasheet; the release gate demands it",
                )
