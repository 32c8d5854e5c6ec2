"""The data file meets its contract: the data-check artifact records no violation.

Rationale:
A model trained or evaluated on data that breaks its contract (a column with 37% missing
incomes, ages of -1 and 999, a feed 90 days old) inherits those defects, and its
fairness figures with them. The release must not rest on such data.

Fails:
- ``data-check.json`` lists violations; one finding per violation, at the contract clause
  it breaks (the column entry, ``min_rows``/``max_rows``, ``allow_extra_columns`` or
  ``freshness``), with the counts and examples ``cardgate check-data`` recorded.

Passes:
- the artifact records ``passed: true`` (no violations).

Remediation:
Fix the data (or, if the contract is wrong, the contract — a reviewed change), run
``cardgate check-data DATASET`` and commit the new artifact; or waive the finding with a
justification and an expiry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cardgate.core.problems import Severity
from cardgate.documents.positions import DataPath
from cardgate.gate.context import RuleContext
from cardgate.gate.datasets import CheckedDataset, checked_datasets
from cardgate.gate.result import Finding

CODE = "GATE-DC003"
NAME = "data.contract-met"
SEVERITY = Severity.ERROR
NIST = ["MAP 2.3", "MEASURE 2.1"]
ALIASES: list[str] = []
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    for dataset in checked_datasets(ctx):
        if dataset.artifact is None:
            continue  # GATE-DC001
        for violation in dataset.artifact["violations"]:
            if not isinstance(violation, dict):
                continue
            column = violation.get("column")
            label = f"'{dataset.id}'" + (f" column '{column}'" if column else "")
            yield ctx.finding(
                dataset.sheet,
                f"data of {label}: {violation.get('message', 'contract violated')}",
                path=_clause_path(dataset, violation),
                hint=f"fix the data and re-run: cardgate check-data {dataset.id}",
            )


def _clause_path(dataset: CheckedDataset, violation: dict[str, Any]) -> DataPath:
    contract = dataset.contract
    clause = violation.get("clause")
    column = violation.get("column")
    if clause == "freshness" and contract.freshness is not None:
        return ("contract", "freshness")
    if clause == "rows":
        for bound in ("min_rows", "max_rows"):
            if getattr(contract, bound) is not None:
                return ("contract", bound)
    if clause == "extra-columns":
        return ("contract", "allow_extra_columns")
    for index, entry in enumerate(contract.columns):
        if entry.name == column:
            return ("contract", "columns", index)
    return ("contract",)
