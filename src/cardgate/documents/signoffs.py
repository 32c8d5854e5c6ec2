"""Sign-offs as documents: reading a system's ``signoffs.yaml``, and what a sign-off
covers — the documents' digests.

Digests are taken on a canonical form: `cardgate.core.digests.canonical_sha256` of a YAML
document's *data* (and of the evaluation artifact's JSON data), so re-indenting,
re-quoting, reordering keys or editing comments leaves a sign-off valid, while any change
of content — a word, a number, a list item — makes it stale. A file that does not parse is
fingerprinted by its bytes (`file_sha256`).

A system's signed documents are its model card, its checklist answers, the datasheets its
card names (training and evaluation data, a GenAI corpus), their data-check artifacts,
its evaluation artifact and the approved baseline evaluation the card compares it with
(``evaluation.baseline.artifact``: replacing it would make GATE-FA004's regressions
vanish), a GenAI system's retrieval and generation artifacts and its
monitoring record (`monitoring.json`, when there is one): computed artifacts are covered
like the documents (a JSON file by the canonical digest of its data). Beyond its documents,
a sign-off covers the evidence its checklist answers cite and the waivers and policy that
apply to the system: `cardgate.documents.signed_context`. Writing a sign-off
(`cardgate sign`) is the gate's business: `cardgate.gate.signoffs`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cardgate.core.digests import file_sha256, json_sha256
from cardgate.core.inputs import ARTIFACT_BYTES, read_regular
from cardgate.core.paths import PathEscapeError
from cardgate.core.problems import Problem
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import LoadedDocument, load_document
from cardgate.documents.schemas.genai_evaluation import (
    GenerationEvaluation,
    OperationsEvaluation,
    RetrievalEvaluation,
    SafetyEvaluation,
)
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.signoffs import Signoff, Signoffs
from cardgate.documents.signed_context import context_digests
from cardgate.documents.validated import schema_problems
from cardgate.documents.workspace import DATA_CHECK_FILE, MONITORING_FILE, SystemDocs, Workspace

ID_PATTERN = "^[a-z0-9][a-z0-9._-]*$"


@dataclass
class SignoffsDoc:
    """A system's signoffs.yaml as read: the model, or the problems that stopped it."""

    path: Path
    exists: bool
    loaded: LoadedDocument | None = None
    model: Signoffs | None = None
    problems: list[Problem] = field(default_factory=list)


def read_signoffs(system: SystemDocs, *, cached: bool = True) -> SignoffsDoc:
    """Load and validate ``signoffs.yaml`` beside the card (absent: no sign-offs).

    Memoised on the file's identity (path, size, modification time): validation and the
    gate both read every system's sign-offs in one run. `cached=False` reads the file
    as it is now (`cardgate sign`, under its lock: a file rewritten within the clock's
    resolution keeps its size and time).
    """
    path = system.signoffs_path
    try:
        status = path.stat()
    except OSError:
        return SignoffsDoc(path, exists=False)
    read = _read_signoffs if cached else _read_signoffs.__wrapped__
    return read(path, status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _read_signoffs(path: Path, size: int, mtime_ns: int) -> SignoffsDoc:
    try:  # whatever is there is read, or reported (a FIFO, a folder): never taken as absent
        loaded = load_document(path)
    except DocumentLoadError as error:
        return SignoffsDoc(path, True, problems=[error.problem])
    return validated(path, loaded)


def validated(path: Path, loaded: LoadedDocument) -> SignoffsDoc:
    try:
        model = Signoffs.model_validate(loaded.data)
    except ValidationError as error:
        return SignoffsDoc(path, True, loaded, problems=schema_problems(loaded, Signoffs, error))
    return SignoffsDoc(path, True, loaded, model)


def artifact_path(workspace: Workspace, system: SystemDocs, card: ModelCard) -> Path | None:
    """The evaluation artifact's path (relative to the card), or None when unusable."""
    if card.evaluation is None:
        return None
    try:
        return workspace.resolve(card.evaluation.artifact, base=system.folder)
    except PathEscapeError:
        return None


def baseline_path(workspace: Workspace, card: ModelCard) -> Path | None:
    """The approved baseline evaluation the card compares with (`evaluation.baseline.
    artifact`, workspace-relative), or None when it names none or an unusable path."""
    baseline = card.evaluation.baseline if card.evaluation is not None else None
    if baseline is None or baseline.artifact is None:
        return None
    try:
        return workspace.resolve(baseline.artifact)
    except PathEscapeError:
        return None


def signed_documents(
    workspace: Workspace,
    system: SystemDocs,
    *,
    artifact_digest: Callable[[Path], str] | None = None,
) -> dict[str, str]:
    """Workspace-relative path -> digest of every document a sign-off of `system` covers.

    `artifact_digest` replaces `json_digest` for the evaluation artifact (the gate passes
    one that reuses the JSON it already read).
    """
    found: dict[str, str] = {}
    documents = [system.card, *system.checklists]
    card = system.model_card
    checks: list[Path] = []
    if card is not None:
        for _, ref in card.dataset_references():
            dataset = workspace.datasets.get(ref.dataset)
            if dataset is not None:
                documents.append(dataset.sheet)
                checks.append(dataset.folder / DATA_CHECK_FILE)
    for document in documents:
        if document is None:
            continue
        if document.loaded is not None:
            found[workspace.relative(document.loaded.path)] = document.loaded.digest
        elif document.problems:
            path = workspace.root / document.problems[0].path
            found.update(_file_digest(workspace, path))
    for check in checks:
        if check.is_file():
            found[workspace.relative(check)] = json_digest(check)
    if card is not None:
        artifact = artifact_path(workspace, system, card)
        if artifact is not None and artifact.is_file():
            found[workspace.relative(artifact)] = (artifact_digest or json_digest)(artifact)
        baseline = baseline_path(workspace, card)
        if baseline is not None and baseline.is_file():
            found[workspace.relative(baseline)] = json_digest(baseline)
        for computed in genai_artifact_paths(workspace, system, card):
            if computed.is_file():
                found[workspace.relative(computed)] = json_digest(computed)
    monitoring = system.folder / MONITORING_FILE
    if monitoring.is_file():
        found[workspace.relative(monitoring)] = json_digest(monitoring)
    found.update(context_digests(workspace, system, found))
    return dict(sorted(found.items()))


GenAISettings = RetrievalEvaluation | GenerationEvaluation | SafetyEvaluation | OperationsEvaluation
GENAI_EVALUATIONS = ("retrieval", "generation", "safety", "operations")
"""A GenAI card's evaluations, in order: `genai.<name>_evaluation`, written by
`cardgate evaluate-<name>`."""


def genai_artifacts(
    workspace: Workspace, system: SystemDocs, card: ModelCard
) -> list[tuple[str, GenAISettings, Path | None]]:
    """(name, settings, artifact path or None when it leads outside the workspace) of each
    evaluation a GenAI card has, in `GENAI_EVALUATIONS` order."""
    if card.genai is None:
        return []
    found: list[tuple[str, GenAISettings, Path | None]] = []
    for name in GENAI_EVALUATIONS:
        settings: GenAISettings | None = getattr(card.genai, f"{name}_evaluation")
        if settings is None:
            continue
        try:
            found.append((name, settings, workspace.resolve(settings.artifact, base=system.folder)))
        except PathEscapeError:
            found.append((name, settings, None))
    return found


def genai_artifact_paths(workspace: Workspace, system: SystemDocs, card: ModelCard) -> list[Path]:
    """A GenAI system's retrieval, generation, safety and operations artifacts (relative to
    the card), those its card evaluates and whose paths are usable."""
    return [path for _, _, path in genai_artifacts(workspace, system, card) if path is not None]


def json_digest(path: Path) -> str:
    """`json_sha256` of a JSON file (its canonical data, or its bytes); of why not when it
    cannot be read (never equal to a digest that was signed)."""
    try:
        raw = read_regular(path, limit=ARTIFACT_BYTES)
    except OSError as error:
        return f"unreadable: {error.strerror or error}"
    return json_sha256(raw)


def _file_digest(workspace: Workspace, path: Path) -> dict[str, str]:
    try:
        return {workspace.relative(path): file_sha256(path)}
    except OSError:
        return {}


@dataclass(frozen=True)
class Staleness:
    """How the documents changed since a sign-off."""

    changed: tuple[tuple[str, str, str], ...]
    """(path, digest signed, digest now)"""
    removed: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def stale(self) -> bool:
        return bool(self.changed or self.removed or self.added)


def staleness(signoff: Signoff, current: dict[str, str]) -> Staleness:
    """Compare what a sign-off covered with the documents as they are now."""
    changed = tuple(
        (path, digest, current[path])
        for path, digest in sorted(signoff.documents.items())
        if path in current and current[path] != digest
    )
    removed = tuple(sorted(path for path in signoff.documents if path not in current))
    added = tuple(sorted(path for path in current if path not in signoff.documents))
    return Staleness(changed, removed, added)


def manifest(system_id: str, signoff: Signoff) -> bytes:
    """What an SSH signature of a sign-off signs: the system and every field of the
    sign-off but the signature, as canonical JSON (sorted keys, no whitespace)."""
    data = signoff.model_dump(mode="json", exclude_none=True, exclude={"signature"})
    data["system"] = system_id
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


SHOWN_DIGEST = 8
"""Characters of a digest shown in a message, at least."""


def distinguished(first: str, second: str) -> tuple[str, str]:
    """Two digests shortened for a message, still visibly different: at least
    `SHOWN_DIGEST` characters, and four past the first character that differs."""
    differs = next(
        (i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
        min(len(first), len(second)),
    )
    width = max(SHOWN_DIGEST, differs + 4)

    def cut(digest: str) -> str:
        return digest if len(digest) <= width else digest[:width] + "…"

    return cut(first), cut(second)
