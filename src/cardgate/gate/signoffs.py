"""`cardgate sign`: append a sign-off bound to the digests of what it covers.

`signing_refusals` says why a system may not be signed (documents that do not validate, a
release gate that fails, unless the signer acknowledges each failing rule by code); `sign`
writes the sign-off — SSH-signed with the signer's key when one is given, the signer
found in the workspace's ``allowed_signers`` by that key. Reading sign-offs and computing
what they cover is in `cardgate.documents.signoffs`; verifying them in
`cardgate.gate.signatures`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from cardgate.core import sshsig
from cardgate.core.errors import ConfigurationError, InputError, UsageError
from cardgate.core.files import locked, write_file
from cardgate.core.paths import display_path
from cardgate.core.problems import Severity
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas.signoffs import Signoff
from cardgate.documents.signed_context import EVIDENCE_BYTES, is_digest
from cardgate.documents.signoffs import (
    ID_PATTERN,
    SignoffsDoc,
    manifest,
    read_signoffs,
    signed_documents,
    validated,
)
from cardgate.documents.workspace import SIGNOFFS_FILE, SystemDocs, Workspace
from cardgate.documents.yaml_build import Dumper
from cardgate.gate.result import WORKSPACE, Finding


def git_commit(root: Path) -> str | None:
    """The workspace's current git commit, when it is in a git repository."""
    from cardgate.core.git import git

    commit = (git(root, "rev-parse", "HEAD", timeout=10) or "").strip()
    return commit or None


def committed_as_signed(root: Path, documents: Iterable[str]) -> str | None:
    """The current commit, when every file of `documents` (workspace-relative: what a
    sign-off covers) is as committed there: no staged, unstaged or untracked change.

    The review site shows what changed since a sign-off as a diff against its commit; if
    the signer saw uncommitted text, that diff would show changes that were signed, or
    hide some that were not. Such a sign-off records no commit (None), and the site says
    so instead of showing a wrong diff.
    """
    from cardgate.core.git import git

    commit = git_commit(root)
    if commit is None:
        return None
    pathspecs = [f":(literal){path}" for path in documents]
    status = git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *pathspecs)
    return commit if status == "" else None


def sign(
    workspace: Workspace,
    system_id: str,
    *,
    role: str,
    name: str,
    note: str | None = None,
    today: dt.date | None = None,
    commit: str | None = None,
    key: Path | None = None,
    acknowledged: Sequence[str] = (),
) -> tuple[Path, Signoff]:
    """Append a sign-off of `system_id` to its ``signoffs.yaml``, atomically.

    With `key` (a private SSH key), the sign-off is signed (`manifest`) and records its
    signer: the principal ``allowed_signers`` lists for the key, who must be allowed for
    `role` in cardgate.yaml. `acknowledged` records the gate findings (rule codes) the
    signer accepted. `commit`: the git commit the signed text is in; by default the
    current one when the files it covers are as committed (`committed_as_signed`). The
    model card is never rewritten. An existing signoffs.yaml that does not validate is
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
    if not name.strip() and key is None:
        raise UsageError("--name must not be empty")
    entry: dict[str, Any] = {
        "role": role,
        "name": name.strip(),
        "date": (today or dt.date.today()).isoformat(),
    }
    if note:
        entry["note"] = note
    documents = signed_documents(workspace, system)
    commit = commit or committed_as_signed(workspace.root, documents)
    if commit:
        entry["commit"] = commit
    if acknowledged:
        entry["acknowledged"] = rule_codes(acknowledged)
    entry["documents"] = documents
    _refuse_uncoverable(system_id, entry["documents"])
    if key is not None:
        entry["signer"] = _signer(workspace, key, role)
        entry["name"] = name.strip() or entry["signer"]
        entry["signature"] = _signature(key, manifest(system_id, Signoff.model_validate(entry)))
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


def _refuse_uncoverable(system_id: str, documents: dict[str, str]) -> None:
    """A sign-off approves content it can be checked against later: refuse one that would
    record, for a document or evidence, why it has no digest instead of the digest."""
    for path, digest in documents.items():
        if not is_digest(digest):
            raise InputError(
                f"cannot sign '{system_id}': {path} cannot be covered: {digest}",
                hint="a sign-off is bound to the digest of what it approves: fix what cannot "
                "be read, or cite a smaller file (the evidence limit is set by "
                f"{EVIDENCE_BYTES.variable}, for CI too)",
            )


def _allowed_signers(workspace: Workspace) -> Path:
    signers = workspace.config.signers
    path = workspace.root / signers.allowed_signers if signers is not None else None
    if signers is None or path is None or not path.is_file():
        raise ConfigurationError(
            "cannot sign with a key: the workspace lists no allowed signers",
            hint="add 'signers: {allowed_signers: allowed_signers, roles: {...}}' to "
            "cardgate.yaml and the signers' public keys to that file (README: sign-offs)",
        )
    return path


def _signer(workspace: Workspace, key: Path, role: str) -> str:
    """The principal whose key `key` is, allowed for `role` (else a refusal)."""
    allowed = _allowed_signers(workspace)
    probe = b"cardgate: which principal holds this key?"
    try:
        found = sshsig.principals(allowed, _signature(key, probe))
    except sshsig.SshUnavailable as error:
        raise ConfigurationError(str(error), hint="install OpenSSH (ssh-keygen)") from error
    if not found:
        raise InputError(
            f"the key {display_path(key)} is not in {display_path(allowed)}",
            hint="sign with the key whose public half is listed there, or have it added",
        )
    signers = workspace.config.signers
    assert signers is not None
    permitted = [principal for principal in found if principal in signers.roles.get(role, [])]
    if not permitted:
        raise InputError(
            f"{', '.join(found)} may not sign as {role} (cardgate.yaml signers.roles.{role})",
            hint="a change of who may sign is reviewed and merged before they sign",
        )
    return permitted[0]


def _signature(key: Path, data: bytes) -> str:
    try:
        return sshsig.sign(key, data)
    except sshsig.SshUnavailable as error:
        raise ConfigurationError(str(error), hint="install OpenSSH (ssh-keygen)") from error
    except sshsig.NotAKey as error:
        raise InputError(
            f"{display_path(key)}: {error}",
            hint="pass the private key you sign with (e.g. ~/.ssh/id_ed25519); to make one: "
            "ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519, then add its public half to "
            "allowed_signers",
        ) from error
    except sshsig.SigningError as error:
        raise InputError(
            f"ssh-keygen could not sign with {display_path(key)}: {error}",
            hint="is it your SSH private key, readable, and its passphrase or ssh-agent at hand?",
        ) from error


def signing_refusals(
    workspace: Workspace, system_id: str, *, today: dt.date, acknowledged: Sequence[str] = ()
) -> list[str]:
    """Why `system_id` may not be signed now: its documents' problems, and the release
    gate's blocking findings (those signing settles aside) whose rule the signer did not
    acknowledge. Empty: it may be signed."""
    from cardgate.gate.engine import run_gate
    from cardgate.validation.collect import workspace_problems

    accepted = set(rule_codes(acknowledged))
    system = workspace.systems.get(system_id)
    if system is None:
        return []  # `sign` says the system is unknown
    documents = {workspace.relative(path) for path in _documents_of(workspace, system)}
    found = [
        problem.format()
        for problem in workspace_problems(workspace, placeholders=False)
        if problem.severity is Severity.ERROR
        and workspace.relative(workspace.root / problem.path) in documents
    ]
    if found:
        return found
    # The artifacts as committed: recomputing them is the CI's `gate --release` (a signer's
    # machine need not hold the heavy engines, and ten signers need not each recompute).
    result = run_gate(workspace, release=True, today=today, systems=[system_id], recompute=False)
    return [
        f"{result.shown(f.path)}:{f.line}:{f.column}: {f.code} {f.message}"
        for f in result.findings
        if f.blocking
        and f.system in (system_id, WORKSPACE)
        and not _settled_by_signing(f)
        and f.code not in accepted
    ]


def rule_codes(acknowledged: Sequence[str]) -> list[str]:
    """The gate rule codes a signer acknowledges, upper-cased, each once; a `UsageError`
    for one that is no rule's code. A sign-off recorded any text (an empty code, a typo
    such as GATE-FR01), which acknowledged nothing and read as if it had."""
    from cardgate.gate.rules import RULES, find_rule

    codes = {rule.code for rule in RULES}
    for given in acknowledged:
        if given.strip().upper() not in codes:
            rule = find_rule(given.strip())  # a rule's name or retired code: say its code
            raise UsageError(
                f"--acknowledge: '{given}' is not a gate rule's code",
                hint=f"its code is {rule.code}"
                if rule is not None
                else "acknowledge a failing rule by the code the refusal lists, e.g. GATE-FR001 "
                "('cardgate rules' lists them all)",
            )
    return sorted({code.strip().upper() for code in acknowledged})


def _settled_by_signing(finding: Finding) -> bool:
    """A finding that the sign-off itself settles: a missing or stale sign-off, or a
    checklist item answered by the sign-offs (its remedy is `cardgate sign`)."""
    return finding.code.startswith("GATE-SO") or "cardgate sign " in (
        finding.message + " " + finding.hint
    )


def _documents_of(workspace: Workspace, system: SystemDocs) -> list[Path]:
    paths = [workspace.root / path for path in signed_documents(workspace, system)]
    if system.card is not None and system.card.loaded is None and system.card.problems:
        paths.append(workspace.root / system.card.problems[0].path)
    return paths


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
        + yaml.dump(
            data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
    )
    check = validated(path, parse_text(text, display="signoffs.yaml"))
    if check.model is None:  # pragma: no cover - what we write always validates
        raise InputError(f"refusing to write an invalid signoffs.yaml: {check.problems[0]}")
    write_file(path, text, within=root, replaceable=_is_signoffs)
    return check


def _is_signoffs(path: Path) -> bool:
    return path.name == SIGNOFFS_FILE  # read and validated under the lock just before
