"""What the data-contract gate rules (GATE-DC001..004) share: the datasets a system's card
references that have a contract, and their data-check artifacts, read once per gate run.

Light like the rest of the gate: reads JSON only (no pandas, no DuckDB).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.contract import DataContract
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import DatasetDocs
from cardgate.evidence.datacheck.artifact import artifact_path, load_artifact

if TYPE_CHECKING:
    from cardgate.gate.context import RuleContext

_CACHE_KEY = "contracts.data-checks"


@dataclass(frozen=True)
class CheckedDataset:
    """A referenced dataset with a contract, and its artifact (or why it is unusable)."""

    id: str
    docs: DatasetDocs
    sheet: ValidatedDocument
    contract: DataContract
    reference: DataPath
    """Where the card names the dataset (first reference)."""
    artifact_file: Path
    artifact_relative: str
    artifact: dict[str, Any] | None
    error: str | None


def checked_datasets(ctx: RuleContext) -> Iterator[CheckedDataset]:
    """Each dataset the card references (once) whose valid datasheet has a contract."""
    card = ctx.card
    if card is None:
        return
    cache: dict[str, CheckedDataset] = ctx.gate.cache.setdefault(_CACHE_KEY, {})
    seen: set[str] = set()
    for path, dataset_id, docs in ctx.gate.datasets_of(card):
        if docs is None or dataset_id in seen:
            continue
        seen.add(dataset_id)
        sheet = docs.datasheet
        if sheet is None or sheet.contract is None or docs.sheet is None:
            continue  # no contract to check (GATE-DS001 reports invalid datasheets)
        found = cache.get(dataset_id)
        if found is None:
            file = artifact_path(docs.folder)
            artifact, error = load_artifact(file)
            found = CheckedDataset(
                dataset_id,
                docs,
                docs.sheet,
                sheet.contract,
                path,
                file,
                ctx.gate.relative(file),
                artifact,
                error,
            )
            cache[dataset_id] = found
        yield CheckedDataset(
            found.id,
            found.docs,
            found.sheet,
            found.contract,
            path,
            found.artifact_file,
            found.artifact_relative,
            found.artifact,
            found.error,
        )


def data_file(ctx: RuleContext, dataset: CheckedDataset) -> Path | None:
    """The contract's data file inside the workspace, when named and present."""
    from cardgate.core.paths import PathEscapeError

    if dataset.contract.path is None:
        return None
    try:
        path = ctx.workspace.resolve(dataset.contract.path, base=dataset.docs.folder)
    except PathEscapeError:
        return None
    return path if path.is_file() else None


def data_table(ctx: RuleContext, dataset: CheckedDataset) -> str | None:
    """The contract's Delta table, workspace-relative, when `contract.path` names a folder
    holding ``_delta_log/`` or the artifact recorded a table (``data.table``): its folder
    is what the gate fingerprints, present or not (gone, it cannot be verified)."""
    from cardgate.core.paths import PathEscapeError
    from cardgate.evidence.evaluation.delta_table import is_delta_table

    data = dataset.artifact.get("data") if dataset.artifact is not None else None
    recorded = isinstance(data, dict) and data.get("table") is not None
    if dataset.contract.path is None:
        return None
    try:
        path = ctx.workspace.resolve(dataset.contract.path, base=dataset.docs.folder)
    except PathEscapeError:
        return None
    if recorded or is_delta_table(path):
        return ctx.workspace.relative(path)
    return None


def current_sha256(ctx: RuleContext, path: Path) -> str:
    """SHA-256 of a data file, computed once per gate run."""
    from cardgate.core.digests import file_sha256

    cache: dict[Path, str] = ctx.gate.cache.setdefault("contracts.sha256", {})
    if path not in cache:
        cache[path] = file_sha256(path)
    return cache[path]


def recorded_sha256(artifact: dict[str, Any]) -> str | None:
    data = artifact.get("data")
    digest = data.get("sha256") if isinstance(data, dict) else None
    return digest if isinstance(digest, str) else None
