"""Sign-offs: who approved a system's documents, bound to the documents' digests.

Digests are taken on a canonical form: `cardgate.digests.canonical_sha256` of a YAML
document's *data* (and of the evaluation artifact's JSON data), so re-indenting,
re-quoting, reordering keys or editing comments leaves a sign-off valid, while any change
of content — a word, a number, a list item — makes it stale. A file that does not parse is
fingerprinted by its bytes (`file_sha256`).

A system's signed documents are its model card, its checklist answers, the datasheets its
card names (training and evaluation data) and its evaluation artifact.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cardgate.atomic import write_text_atomic
from cardgate.digests import canonical_sha256, file_sha256
from cardgate.errors import InputError, UsageError
from cardgate.loading import DocumentLoadError, LoadedDocument, load_document, parse_text
from cardgate.paths import PathEscapeError
from cardgate.problems import Problem
from cardgate.schemas.model_card import ModelCard
from cardgate.schemas.signoffs import Signoff, Signoffs
from cardgate.validate import schema_problems
from cardgate.workspace import SystemDocs, Workspace

_ID = "^[a-z0-9][a-z0-9._-]*$"


@dataclass
class SignoffsDoc:
    """A system's signoffs.yaml as read: the model, or the problems that stopped it."""

    path: Path
    exists: bool
    loaded: LoadedDocument | None = None
    model: Signoffs | None = None
    problems: list[Problem] = field(default_factory=list)


def read_signoffs(system: SystemDocs) -> SignoffsDoc:
    """Load and validate ``signoffs.yaml`` beside the card (absent: no sign-offs).

    Memoised on the file's identity (path, size, modification time): validation and the
    gate both read every system's sign-offs in one run.
    """
    path = system.signoffs_path
    try:
        status = path.stat()
    except OSError:
        return SignoffsDoc(path, exists=False)
    return _read_signoffs(path, status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _read_signoffs(path: Path, size: int, mtime_ns: int) -> SignoffsDoc:
    if not path.is_file():
        return SignoffsDoc(path, exists=False)
    try:
        loaded = load_document(path)
    except DocumentLoadError as error:
        return SignoffsDoc(path, True, problems=[error.problem])
    return _validated(path, loaded)


def _validated(path: Path, loaded: LoadedDocument) -> SignoffsDoc:
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
    if card is not None:
        for section in (card.training_data, card.evaluation_data):
            for ref in section.datasets if section is not None else ():
                dataset = workspace.datasets.get(ref.dataset)
                if dataset is not None:
                    documents.append(dataset.sheet)
    for document in documents:
        if document is None:
            continue
        if document.loaded is not None:
            found[workspace.relative(document.loaded.path)] = document.loaded.digest
        elif document.problems:
            path = workspace.root / document.problems[0].path
            found.update(_file_digest(workspace, path))
    if card is not None:
        artifact = artifact_path(workspace, system, card)
        if artifact is not None and artifact.is_file():
            found[workspace.relative(artifact)] = (artifact_digest or json_digest)(artifact)
    return dict(sorted(found.items()))


def json_digest(path: Path) -> str:
    """Canonical digest of a JSON file's data; of its bytes when it is not JSON."""
    try:
        return canonical_sha256(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, OSError):
        return file_sha256(path)


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


def git_commit(root: Path) -> str | None:
    """The workspace's current git commit, when it is in a git repository."""
    from cardgate.git import git

    commit = (git(root, "rev-parse", "HEAD", timeout=10) or "").strip()
    return commit or None


def sign(
    workspace: Workspace,
    system_id: str,
    *,
    role: str,
    name: str,
    note: str | None = None,
    today: dt.date | None = None,
    commit: str | None = None,
) -> tuple[Path, Signoff]:
    """Append a sign-off of `system_id` to its ``signoffs.yaml``, atomically.

    The model card is never rewritten. An existing signoffs.yaml that does not validate is
    refused rather than overwritten.
    """
    system = workspace.systems.get(system_id)
    if system is None:
        known = ", ".join(sorted(workspace.systems)) or "none"
        raise UsageError(f"unknown system '{system_id}'", hint=f"systems: {known}")
    if system.card is None or system.card.loaded is None:
        raise InputError(
            f"cannot sign '{system_id}': its model card does not load",
            hint="fix the problems 'cardgate validate' reports first",
        )
    if not re.match(_ID, role):
        raise UsageError(
            f"'{role}' is not a valid role", hint="use a lower-case word, e.g. owner, legal, risk"
        )
    if not name.strip():
        raise UsageError("--name must not be empty")
    existing = read_signoffs(system)
    if existing.problems:
        first = existing.problems[0]
        raise InputError(
            f"cannot add a sign-off: {first.format()}",
            hint="fix signoffs.yaml (or move it away) before signing",
        )
    entry: dict[str, Any] = {
        "role": role,
        "name": name.strip(),
        "date": (today or dt.date.today()).isoformat(),
    }
    if note:
        entry["note"] = note
    if commit:
        entry["commit"] = commit
    entry["documents"] = signed_documents(workspace, system)
    previous: list[Any] = []
    if existing.model is not None:
        previous = [s.model_dump(mode="json", exclude_none=True) for s in existing.model.signoffs]
    data = {
        "kind": "signoffs",
        "schema_version": 1,
        "system": system_id,
        "signoffs": [*previous, entry],
    }
    text = (
        f"# Sign-offs of '{system_id}', oldest first; appended by `cardgate sign`.\n"
        "# Each records the canonical SHA-256 of the documents it covered; a later change of\n"
        "# any of them makes it stale (cardgate gate: GATE-SO002).\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    )
    check = _validated(system.signoffs_path, parse_text(text, display="signoffs.yaml"))
    if check.model is None:  # pragma: no cover - what we write always validates
        raise InputError(f"refusing to write an invalid signoffs.yaml: {check.problems[0]}")
    write_text_atomic(system.signoffs_path, text)
    return system.signoffs_path, check.model.signoffs[-1]


def shorten(digest: str) -> str:
    return digest[:4] + "…"
