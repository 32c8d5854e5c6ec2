"""The data check matches the current contract and file, and the data is still fresh.

Rationale:
A data check is evidence only for the contract and the file it checked. The artifact
records the contract's canonical SHA-256 and the file's SHA-256; the gate recomputes
both. And a file that was fresh when checked ages: the gate judges the contract's
``freshness`` again on its own date (``CARDGATE_TODAY`` pins it) from the newest date the
artifact recorded.

Fails:
- the datasheet's ``contract:`` changed since the check (digest mismatch);
- the file named by ``contract.path`` changed since the check (SHA-256 mismatch) — for
  statistics computed elsewhere (``format: statistics``), the statistics file;
- for a Delta table (a folder holding ``_delta_log/``, or an artifact recording one): a
  file of its folder was changed, added or removed (a new commit among them), or the
  folder no longer exists or cannot be read;
- the statistics query recorded under ``contract.computed_by.query`` changed or is gone;
- the newest record is now older than ``freshness.max_age_days``, or dated after the
  gate's day (beyond a day of time-zone skew): one row dated 2099 is no freshness.

Passes:
- both digests match (the file digest is compared only when ``contract.path`` names a
  file in the workspace; a Delta table's folder always) and the data is within its
  freshness window.

Remediation:
Run ``cardgate check-data DATASET`` again (with fresh data when the window has passed)
and commit the new ``data-check.json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.evidence.datacheck.artifact import contract_digest
from cardgate.evidence.datacheck.clauses import freshness_problem
from cardgate.gate.context import RuleContext
from cardgate.gate.datasets import (
    CheckedDataset,
    checked_datasets,
    current_sha256,
    data_file,
    data_table,
    recorded_sha256,
)
from cardgate.gate.result import Finding
from cardgate.gate.rules.evaluation_fresh import RecordedFile, recorded_file, recorded_folder

CODE = "GATE-DC002"
NAME = "data.check-fresh"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 3.1"]
ALIASES: list[str] = []
RELEASE_STRICT = True
TIME_BASED = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    for dataset in checked_datasets(ctx):
        artifact = dataset.artifact
        if artifact is None:
            continue  # GATE-DC001
        hint = f"re-run: cardgate check-data {dataset.id}"
        if artifact.get("contract_sha256") != contract_digest(dataset.contract):
            yield ctx.finding(
                dataset.sheet,
                f"{dataset.artifact_relative} is stale: the contract of '{dataset.id}' "
                "changed since the data was checked",
                path=("contract",),
                key=True,
                hint=hint,
            )
        table = data_table(ctx, dataset)
        path = data_file(ctx, dataset)
        if table is not None:
            yield from recorded_folder(
                ctx,
                _DATA_TABLE,
                [table],
                recorded_sha256(artifact),
                f"{dataset.artifact_relative} is stale: the Delta table '{dataset.contract.path}'",
                hint,
                exclude=[dataset.artifact_relative],
                document=dataset.sheet,
            )
        elif path is not None and recorded_sha256(artifact) != current_sha256(ctx, path):
            yield ctx.finding(
                dataset.sheet,
                f"{dataset.artifact_relative} is stale: '{dataset.contract.path}' changed "
                "since it was checked",
                path=("contract", "path"),
                hint=hint,
            )
        yield from _statistics_query(ctx, dataset, hint)
        freshness = dataset.contract.freshness
        if freshness is None:
            continue
        profile = artifact.get("profile")
        column = profile.get(freshness.column) if isinstance(profile, dict) else None
        newest = column.get("max") if isinstance(column, dict) else None
        if not isinstance(newest, str):
            continue  # no dates: GATE-DC003 reports the freshness violation
        try:
            day = dt.datetime.fromisoformat(newest).date()
        except ValueError:
            continue
        stale = freshness_problem(day, ctx.today, freshness.max_age_days, day="the gate's day")
        if stale is not None:
            yield ctx.finding(
                dataset.sheet,
                f"data of '{dataset.id}' is stale today: {stale[1]}",
                path=("contract", "freshness", "max_age_days"),
                hint="export fresh data and re-run: cardgate check-data " + dataset.id,
            )


_DATA_TABLE = RecordedFile(
    "Delta table",
    "contract.path",
    ("contract", "path"),
    ("contract", "path"),
    "commit the table, or fix contract.path",
    "the data check",
)
_STATISTICS_QUERY = RecordedFile(
    "statistics query",
    "computed_by.query",
    ("contract", "computed_by", "query"),
    ("contract", "computed_by", "query"),
    "commit the SQL that was run where computed_by.query says",
    "the data check",
)


def _statistics_query(ctx: RuleContext, dataset: CheckedDataset, hint: str) -> Iterator[Finding]:
    """The query file the statistics came from (`contract.computed_by`), fingerprinted
    again and compared with the SHA-256 the check recorded (as an evaluation's)."""
    data = dataset.artifact.get("data") if dataset.artifact is not None else None
    recorded = data.get("computed_by") if isinstance(data, dict) else None
    if dataset.contract.computed_by is None or not isinstance(recorded, dict):
        return
    # the contract's query, not the one the artifact names: an artifact recording another
    # file (the contract's own query, say) does not vouch for the query the contract names
    query, digest = dataset.contract.computed_by.query, recorded.get("query_sha256")
    yield from recorded_file(
        ctx,
        _STATISTICS_QUERY,
        query,
        digest if isinstance(digest, str) else None,
        f"{dataset.artifact_relative} is stale: the statistics query '{query}'",
        hint,
        document=dataset.sheet,
    )
