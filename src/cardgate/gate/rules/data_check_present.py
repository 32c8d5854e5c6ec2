"""Every dataset with a data contract has a readable data-check artifact.

Rationale:
A datasheet's contract (columns, types, ranges, null limits, freshness) is a claim about
the data; ``cardgate check-data`` is what verifies it and records the result, with the
file's SHA-256, in ``data-check.json`` beside the datasheet. Without that record the
claim is unverified, and an artifact that cannot be read proves nothing (fail closed).

Fails:
- a dataset the card references has a contract naming a data file (``contract.path``)
  and there is no ``datasets/<id>/data-check.json``;
- (an artifact that exists but cannot be read against its model is reported by
  GATE-ART001, which no policy can switch off).

Passes:
- the artifact exists and reads; or the contract names no file and no artifact exists
  (the data lives outside the workspace; set the option ``require_without_path: true``
  to demand the artifact anyway).

Remediation:
Run ``cardgate check-data DATASET`` and commit ``data-check.json`` beside the datasheet.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.datasets import checked_datasets
from cardgate.gate.result import Finding

CODE = "GATE-DC001"
NAME = "data.check-present"
SEVERITY = Severity.ERROR
NIST = ["MAP 2.3", "MEASURE 2.1"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


class Options(BaseModel):
    """Options of GATE-DC001."""

    model_config = ConfigDict(extra="forbid")

    require_without_path: bool = Field(
        default=False,
        description="Demand the artifact also for contracts that name no data file.",
    )


def check(ctx: RuleContext) -> Iterator[Finding]:
    options = ctx.options
    strict = bool(getattr(options, "require_without_path", False))
    for dataset in checked_datasets(ctx):
        if dataset.error is None:
            continue
        if dataset.error != "does not exist":
            continue  # it exists but cannot be read: GATE-ART001 (integrity) says so
        if dataset.contract.path is None and not strict:
            continue
        yield ctx.finding(
            dataset.sheet,
            f"data-check artifact '{dataset.artifact_relative}' {dataset.error}: the "
            f"contract of '{dataset.id}' is unverified",
            path=("contract",),
            key=True,
            hint=f"run: cardgate check-data {dataset.id}",
        )
