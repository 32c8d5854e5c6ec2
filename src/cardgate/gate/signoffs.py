"""`cardgate sign`: append a sign-off bound to the digests of what it covers.

Reading sign-offs and computing what they cover is in `cardgate.documents.signoffs`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

from cardgate.core.errors import InputError, UsageError
from cardgate.core.files import locked, write_file
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas.signoffs import Signoff
from cardgate.documents.signoffs import (
    ID_PATTERN,
    SignoffsDoc,
    read_signoffs,
    signed_documents,
    validated,
)
from cardgate.documents.workspace import SIGNOFFS_FILE, Workspace


def git_commit(root: Path) -> str | None:
    """The workspace's current git commit, when it is in a git repository."""
    from cardgate.core.git import git

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
    if not re.match(ID_PATTERN, role):
        raise UsageError(
            f"'{role}' is not a valid role", hint="use a lower-case word, e.g. owner, legal, risk"
        )
    if not name.strip():
        raise UsageError("--name must not be empty")
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
    with locked(system.folder):  # concurrent signers queue; each re-reads under the lock
        check = _append(
            workspace.root,
            system.signoffs_path,
            read_signoffs(system, cached=False),
            system_id,
            entry,
        )
    assert check.model is not None
    return system.signoffs_path, check.model.signoffs[-1]


def _append(
    root: Path, path: Path, existing: SignoffsDoc, system_id: str, entry: dict[str, Any]
) -> SignoffsDoc:
    """Write `existing` sign-offs plus `entry` to `path`; refuse a file that does not
    validate rather than overwrite it."""
    if existing.problems:
        first = existing.problems[0]
        raise InputError(
            f"cannot add a sign-off: {first.format()}",
            hint="fix signoffs.yaml (or move it away) before signing",
        )
    previous: list[Any] = []
    if existing.model is not None:
        previous = [s.model_dump(mode="json", exclude_none=True) for s in existing.model.signoffs]
    data = {
        "kind": "signoffs",
        "schema_version": 1,
        "system": system_id,
        "signoffs": [*previous, entry],
    }
    schemas = Path(os.path.relpath(root / ".schemas", path.parent)).as_posix()
    text = (
        f"# yaml-language-server: $schema={schemas}/signoffs.schema.json\n"
        f"# Sign-offs of '{system_id}', oldest first; appended by `cardgate sign`.\n"
        "# Each records the canonical SHA-256 of the documents it covered; a later change of\n"
        "# any of them makes it stale (cardgate gate: GATE-SO002).\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    )
    check = validated(path, parse_text(text, display="signoffs.yaml"))
    if check.model is None:  # pragma: no cover - what we write always validates
        raise InputError(f"refusing to write an invalid signoffs.yaml: {check.problems[0]}")
    write_file(path, text, within=root, replaceable=_is_signoffs)
    return check


def _is_signoffs(path: Path) -> bool:
    return path.name == SIGNOFFS_FILE  # read and validated under the lock just before
