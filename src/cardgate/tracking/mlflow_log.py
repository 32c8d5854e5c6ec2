"""`cardgate log-mlflow SYSTEM --run RUN_ID`: the model card, `evaluation.json` and the
release gate's verdict logged to the MLflow run that trained the model.

Artifacts go under ``cardgate/`` in the run: the card and the evaluation artifact as the
files are (byte for byte), and ``gate.json``, the gate's JSON report for the system.
Tags say the verdict (``cardgate.gate``: passed or failed, with its mode, date and
counts), the SHA-256 of each file logged, and for each dataset the card references its
fingerprint (``cardgate.dataset.<id>.sha256``, cardgate's SHA-256 of the data file) and,
when the run logged that dataset as an input, MLflow's own digest beside it
(``cardgate.dataset.<id>.mlflow_digest``: a hash of a sample of rows, not of the file).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from cardgate import __version__
from cardgate.authoring.mlflow_drafts import match_dataset
from cardgate.authoring.mlflow_runs import (
    RunDataset,
    get_run,
    mlflow_error,
    open_client,
    run_datasets,
)
from cardgate.core.digests import file_sha256
from cardgate.core.errors import CardgateError, ConfigurationError
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.datacheck.pins import dataset_sha256
from cardgate.evidence.evaluation.run import artifact_path
from cardgate.gate.engine import run_gate
from cardgate.gate.result import GateResult
from cardgate.reporting.registry import reporter

ARTIFACT_FOLDER = "cardgate"
"""Where in the run's artifacts cardgate's files go."""


@dataclass
class LoggedRun:
    """What `log_to_run` sent to the run."""

    run_id: str
    system: str
    result: GateResult
    artifacts: list[str] = field(default_factory=list)
    """Artifact paths in the run, e.g. ``cardgate/model-card.yaml``."""
    tags: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """What could not be logged because it does not exist (said, never silent)."""

    @property
    def passed(self) -> bool:
        return self.result.passed


def log_to_run(
    workspace: Workspace,
    system: str,
    run_id: str,
    *,
    tracking_uri: str | None = None,
    today: dt.date | None = None,
    release: bool = True,
    pinned_by: str | None = None,
) -> LoggedRun:
    """Gate `system` and log its card, evaluation artifact and verdict to MLflow run
    `run_id`. The run is found before anything is computed; tags are set last, in one
    batch, so a run never shows a verdict without the files it was reached on (`pinned_by`:
    what chose `today`, as `run_gate` takes it)."""
    docs = _system(workspace, system)
    client, uri = open_client(tracking_uri)
    run = get_run(client, run_id, uri=uri)
    result = run_gate(
        workspace, release=release, today=today, systems=[system], pinned_by=pinned_by
    )
    logged = LoggedRun(run_id=run.info.run_id, system=system, result=result)
    files: list[tuple[str, Path]] = []
    card_file = docs.card.loaded.path if docs.card is not None and docs.card.loaded else None
    if card_file is not None and card_file.is_file():
        files.append(("model_card", card_file))
    else:
        logged.missing.append("model card")
    evaluation = _evaluation_file(workspace, docs)
    if evaluation is not None and evaluation.is_file():
        files.append(("evaluation", evaluation))
    else:
        logged.missing.append("evaluation.json (run cardgate evaluate)")
    report = io.StringIO()
    reporter("json")(result, report)
    verdict = next((v for v in result.systems if v.system == system), None)
    tags = {
        "cardgate.version": __version__,
        "cardgate.system": system,
        "cardgate.gate": "passed" if result.passed else "failed",
        "cardgate.gate.mode": result.mode,
        "cardgate.gate.date": result.today.isoformat(),
        "cardgate.gate.errors": str(verdict.errors if verdict else result.errors),
        "cardgate.gate.warnings": str(verdict.warnings if verdict else result.warnings),
    }
    for name, path in files:
        tags[f"cardgate.{name}.sha256"] = file_sha256(path)
    tags.update(_dataset_tags(workspace, docs, run_datasets(run)))
    from mlflow.entities import RunTag
    from mlflow.exceptions import MlflowException

    try:
        for _, path in files:
            client.log_artifact(logged.run_id, str(path), ARTIFACT_FOLDER)
            logged.artifacts.append(f"{ARTIFACT_FOLDER}/{path.name}")
        client.log_text(logged.run_id, report.getvalue(), f"{ARTIFACT_FOLDER}/gate.json")
        logged.artifacts.append(f"{ARTIFACT_FOLDER}/gate.json")
        client.log_batch(logged.run_id, tags=[RunTag(k, v) for k, v in sorted(tags.items())])
    except MlflowException as error:
        raise mlflow_error(error, uri) from None
    except OSError as error:  # the artifact store: a folder, a bucket
        raise ConfigurationError(
            f"cannot log to run '{run_id}': {error}",
            hint="check that the run's artifact store is reachable and writable",
        ) from None
    logged.tags = tags
    return logged


def _system(workspace: Workspace, system: str) -> SystemDocs:
    docs = workspace.systems.get(system)
    if docs is None:
        known = ", ".join(sorted(workspace.systems)) or "none"
        raise ConfigurationError(f"no system '{system}' in the workspace (systems: {known})")
    if docs.card is None:
        raise ConfigurationError(
            f"system '{system}' has no model card", hint=f"cardgate new model-card {system}"
        )
    return docs


def _evaluation_file(workspace: Workspace, docs: SystemDocs) -> Path | None:
    card = docs.model_card
    if card is None or card.evaluation is None:
        return None
    try:
        return artifact_path(workspace, docs, card.evaluation)
    except CardgateError:  # a path leaving the workspace: the gate reports it
        return None


def _dataset_tags(
    workspace: Workspace, docs: SystemDocs, inputs: tuple[RunDataset, ...]
) -> dict[str, str]:
    """cardgate's fingerprint of each dataset the card references, and MLflow's digest of
    the run's input that is that dataset."""
    card = docs.model_card
    if card is None:
        return {}
    digests: dict[str, str] = {}
    for logged in inputs:
        match = match_dataset(workspace, logged)
        if match.dataset is not None:
            digests.setdefault(match.dataset, logged.digest)
    tags: dict[str, str] = {}
    for _, ref in card.dataset_references():
        dataset = workspace.datasets.get(ref.dataset)
        if dataset is None:  # TODO, or unknown: validate and the gate say so
            continue
        fingerprint = dataset_sha256(dataset) or ref.sha256
        if fingerprint is not None:
            tags[f"cardgate.dataset.{ref.dataset}.sha256"] = fingerprint
        if ref.dataset in digests:
            tags[f"cardgate.dataset.{ref.dataset}.mlflow_digest"] = digests[ref.dataset]
    return tags
