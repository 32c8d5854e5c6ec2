"""A model card drafted from an MLflow run: ``cardgate new model-card ID --from-mlflow RUN``.

The template stays (its guidance comments too); what the run records is filled in: the
model's details (the day it was trained, the estimator, its parameters, the run's note as
the description), the datasets it logged as inputs (each matched to a datasheet of the
workspace) and, under ``extensions.mlflow``, the run's parameters and the metrics it
reported. Those metrics are the run's claims: the gate reads none of them, and
cardgate's own measurements come from ``cardgate evaluate`` (evaluation.json).

MLflow's dataset digest hashes a sample of the rows as MLflow loaded them; it is not a
fingerprint of the file. A dataset's fingerprint stays cardgate's SHA-256 of the file's
bytes: both are recorded, and the card's ``sha256`` pin is only ever the SHA-256.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cardgate.authoring.drafts import yaml_scalar
from cardgate.authoring.mlflow_runs import RunDataset, RunRecord
from cardgate.core.digests import file_sha256
from cardgate.core.text import visible
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.pins import dataset_sha256

_DESCRIPTION = "  description: TODO\n"
_MODEL_DATE = "  model_date: "
_MODEL_TYPE = "  model_type: TODO\n"
_REFERENCE = "    - dataset: TODO\n"
_SHOWN_PARAMETERS = 12


@dataclass(frozen=True)
class MatchedDataset:
    """A dataset the run logged, and what the workspace knows of it."""

    logged: RunDataset
    dataset: str | None
    """The id of the datasheet that describes it, if one does."""
    sha256: str | None
    """cardgate's fingerprint: the SHA-256 of the source file's bytes (when MLflow
    recorded a local file), else the matched dataset's own (its last data check)."""
    hashed: bool
    """Whether `sha256` was computed from the run's source file."""


def match_dataset(workspace: Workspace, logged: RunDataset) -> MatchedDataset:
    """The datasheet of `workspace` that describes a dataset the run logged: the one whose
    data file is the run's source file (same SHA-256 as its last check or its pin, or the
    very file its contract names), else the one whose id is the dataset's name."""
    source = logged.local_file()
    digest = file_sha256(source) if source is not None else None
    for dataset_id, docs in sorted(workspace.datasets.items()):
        if digest is not None and digest == dataset_sha256(docs):
            return MatchedDataset(logged, dataset_id, digest, hashed=True)
        sheet = docs.datasheet
        if source is not None and sheet is not None and sheet.contract is not None:
            data_file = sheet.contract.path
            if data_file is not None and (docs.folder / data_file).resolve() == source.resolve():
                return MatchedDataset(logged, dataset_id, digest, hashed=True)
    named = workspace.datasets.get(logged.name)
    if named is not None:
        if digest is not None:
            return MatchedDataset(logged, logged.name, digest, hashed=True)
        return MatchedDataset(logged, logged.name, dataset_sha256(named), hashed=False)
    return MatchedDataset(logged, None, digest, hashed=digest is not None)


def draft_model_card(text: str, run: RunRecord, *, workspace: Workspace) -> str:
    """The model card template `text` with what the MLflow `run` records."""
    for marker in (_DESCRIPTION, _MODEL_DATE, _MODEL_TYPE, _REFERENCE, "\nevaluation_data:\n"):
        if marker not in text:  # pragma: no cover - the template is generated and tested
            raise AssertionError(f"model card template lacks {marker!r}")
    matched = [match_dataset(workspace, logged) for logged in run.datasets]
    if run.description is not None:
        text = text.replace(_DESCRIPTION, f"  description: {yaml_scalar(run.description)}\n", 1)
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(_MODEL_DATE) and run.started is not None:
            lines[index] = f"{_MODEL_DATE}{run.started.isoformat()}  # the day the run started\n"
        elif line == _MODEL_TYPE:
            if run.estimator is not None:
                lines[index] = f"  model_type: {yaml_scalar(run.estimator)}\n"
            lines[index + 1 : index + 1] = _training_algorithm(run)
            break
    text = "".join(lines)
    for section in ("training_data", "evaluation_data"):
        text = _references(text, section, [m for m in matched if m.logged.section == section])
    return text.rstrip("\n") + "\n\n" + _extensions(run, matched)


def _training_algorithm(run: RunRecord) -> list[str]:
    if run.estimator is None and not run.params:
        return []
    shown = [
        f"{key}={value if len(value) <= 40 else value[:39] + '…'}"
        for key, value in list(run.params.items())[:_SHOWN_PARAMETERS]
    ]
    more = len(run.params) - len(shown)
    described = (run.estimator or "Trained") + f" (MLflow run {run.run_id})"
    if shown:
        described += " with " + ", ".join(shown)
        if more:
            described += f" and {more} more parameters"
    return [
        "  # Drafted from the MLflow run; every parameter is under extensions.mlflow.\n",
        f"  training_algorithm: {yaml_scalar(described)}\n",
    ]


def _references(text: str, section: str, matched: list[MatchedDataset]) -> str:
    """The `datasets:` list of `section` with one reference per dataset the run logged."""
    if not matched:
        return text
    start = text.index(f"\n{section}:\n")
    at = text.index(_REFERENCE, start)
    lines = ["    # From the datasets the MLflow run logged: check each.\n"]
    seen: set[str] = set()
    for match in matched:
        if match.dataset is None:
            name = visible(json.dumps(match.logged.name, ensure_ascii=False))
            lines.append(
                f"    - dataset: TODO  # MLflow dataset {name} matches no datasheet: write "
                "one with cardgate new datasheet ID --from FILE\n"
            )
            continue
        if match.dataset in seen:
            continue
        seen.add(match.dataset)
        lines.append(f"    - dataset: {yaml_scalar(match.dataset)}\n")
        if match.hashed and match.sha256 is not None:
            lines.append(
                f"      sha256: {yaml_scalar(match.sha256)}  # SHA-256 of the file the run logged\n"
            )
    return text[:at] + "".join(lines) + text[at + len(_REFERENCE) :]


def _extensions(run: RunRecord, matched: list[MatchedDataset]) -> str:
    lines = [
        f"# Drafted from MLflow run {run.run_id}. The metrics below are what the run",
        "# reported: cardgate did not compute them and the gate reads none of them",
        "# (cardgate's own measurements are in evaluation.json: cardgate evaluate).",
        "extensions:",
        "  mlflow:",
        f"    run_id: {yaml_scalar(run.run_id)}",
    ]
    if run.run_name is not None:
        lines.append(f"    run_name: {yaml_scalar(run.run_name)}")
    if run.experiment is not None:
        lines.append(f"    experiment: {yaml_scalar(run.experiment)}")
    lines += _mapping("parameters", run.params)
    lines += _mapping("reported_metrics", run.metrics)
    if matched:
        lines.append("    datasets:")
    for match in matched:
        logged = match.logged
        lines.append(f"      - name: {yaml_scalar(logged.name)}")
        if logged.context is not None:
            lines.append(f"        context: {yaml_scalar(logged.context)}")
        if logged.source is not None:
            lines.append(f"        source: {yaml_scalar(logged.source)}")
        lines.append(
            f"        mlflow_digest: {yaml_scalar(logged.digest)}  # MLflow's hash of a "
            "sample of the rows, not of the file"
        )
        if match.sha256 is not None:
            where = "the file" if match.hashed else "the datasheet's data file, last checked"
            lines.append(
                f"        sha256: {yaml_scalar(match.sha256)}  # cardgate's fingerprint: {where}"
            )
        if match.dataset is not None:
            lines.append(f"        datasheet: {yaml_scalar(match.dataset)}")
    return "\n".join(lines) + "\n"


def _mapping(name: str, values: dict[str, str] | dict[str, float]) -> list[str]:
    if not values:
        return [f"    {name}: {{}}"]
    return [f"    {name}:"] + [
        f"      {yaml_scalar(key)}: {yaml_scalar(value)}" for key, value in values.items()
    ]
