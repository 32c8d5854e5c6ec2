"""What a sign-off covers beyond the system's own documents: the evidence its checklist
answers cite, and the release policy and waivers that apply to it.

A sign-off approves a release as the reviewers saw it. Three things outside the system's
documents decide what they saw:

- **Evidence.** A ``done`` answer citing ``policies/incident-response.md`` or
  ``systems/x/review-record.md`` is approved with that file's content: replacing the
  record after the sign-off must make it stale. Every workspace file or folder a checklist
  answer cites is covered — YAML and JSON by the canonical digest of their data (as the
  documents are), anything else by its bytes, a folder by its files, links within the
  workspace followed (`cardgate.documents.evidence_digests`). Not covered: URLs (outside
  the workspace's history), the systems' sign-off records themselves
  (``systems/x/signoffs.yaml#role`` evidence: signing would make itself stale; another file
  called ``signoffs.yaml`` is evidence like any other) and the files an export wrote, as it
  wrote them (listed by a valid ``cardgate-exports.json`` with the digest of their bytes):
  they are drawn from the covered documents and may record the sign-offs, so
  re-exporting after signing would make every sign-off stale.
- **The waivers of the system.** A waiver turns a blocking finding into a pass. The
  waivers naming the system (``waivers.yaml``, only those entries, its ``system`` read as
  the gate reads it — ``system: 2024`` names system ``2024``: a waiver of another system
  changes nothing here, nor does the workspace's first waivers file if it names another
  system) are covered, so adding one after the sign-offs needs the
  signers to look again.
- **The policy of its tier.** ``policy.yaml``'s ``extends``, ``defaults`` and the section
  of the card's risk tier (a change to another tier's section changes nothing here).
- **The workspace's own checklist definitions** the system's checklists answer (its
  ``checklists/`` folder): dropping an item or its ``evidence_required`` after the
  sign-offs changes what the answers are judged against.

Evidence that cannot be fingerprinted (over ``$CARDGATE_MAX_EVIDENCE_BYTES``, unreadable)
gets a digest that says why (`is_digest` is false): it is never current (GATE-SO002) and
cannot be signed (`cardgate sign` refuses), so the gate fails closed rather than certify
content nobody can check.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from cardgate.core.digests import canonical_sha256
from cardgate.core.paths import PathEscapeError, confined, named_inside
from cardgate.documents.evidence_digests import (
    EVIDENCE_BYTES,
    Scope,
    evidence_digest,
    exported,
    is_digest,
)
from cardgate.documents.evidence_ref import evidence_ref
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import load_document
from cardgate.documents.positions import source_text
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import SystemDocs, Workspace

__all__ = ["EVIDENCE_BYTES", "context_digests", "evidence_digest", "is_digest"]

Selection = Callable[[dict[str, Any]], Any]
"""The part of a policy or waivers file's data that applies to one system."""


def context_digests(
    workspace: Workspace, system: SystemDocs, covered: dict[str, str]
) -> dict[str, str]:
    """Workspace-relative path -> digest of the evidence, waivers and policy a sign-off of
    `system` covers, leaving out what `covered` (its documents) already has."""
    found: dict[str, str] = {}
    scope = _scope(workspace)
    evidence = cited_evidence(workspace, system, scope)
    cited = {workspace.relative(path) for path in evidence}
    waivers = _rules_digest(
        workspace, workspace.waivers_doc, cited, _system_waivers(system.id), "waivers"
    )
    tier = system.model_card.risk_tier if system.model_card is not None else None
    policy = _rules_digest(workspace, workspace.policy_doc, cited, _tier_policy(tier), "policy")
    found.update(waivers)
    found.update(policy)
    for path in evidence:
        relative = workspace.relative(path)
        if relative not in covered and relative not in found:
            found[relative] = evidence_digest(path, scope)
    answered = {checklist.checklist for checklist in system.checklist_models()}
    for definition_id, relative, digest in _workspace_definitions(workspace):
        if definition_id in answered:
            found.setdefault(relative, digest)
    return found


def _workspace_definitions(workspace: Workspace) -> tuple[tuple[str, str, str], ...]:
    """(checklist id, workspace-relative path, digest) of the workspace's own checklist
    definitions (``checklists_dir``): what a checklist of the system is judged against —
    its items, which need evidence — decides the release as much as the answers do.
    Every file declaring an id, not only the one the gate uses: which one that is
    depends on which of them validate. (Shipped definitions change only with cardgate.)"""
    try:
        folder = Path(confined(workspace.root, workspace.config.checklists_dir))
        names = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (PathEscapeError, OSError):
        return ()
    files = tuple(
        (entry.name, status.st_size, status.st_mtime_ns)
        for entry in names
        if entry.name.endswith((".yaml", ".yml")) and stat.S_ISREG((status := entry.stat()).st_mode)
    )
    return _definitions_in(folder, workspace.root, files)


@functools.lru_cache(maxsize=64)
def _definitions_in(
    folder: Path, root: Path, files: tuple[tuple[str, int, int], ...]
) -> tuple[tuple[str, str, str], ...]:
    """Memoised on the files' identities: every system of a run asks."""
    found: list[tuple[str, str, str]] = []
    for name, _, _ in files:
        try:
            loaded = load_document(folder / name)
        except DocumentLoadError:
            continue  # not a definition that loads: validation reports it, none counts
        definition_id = _text(loaded.data.get("id"))
        if loaded.data.get("kind") == "checklist-definition" and isinstance(definition_id, str):
            relative = (folder / name).relative_to(root).as_posix()
            found.append((definition_id, relative, loaded.digest))
    return tuple(found)


def _scope(workspace: Workspace) -> Scope:
    """The workspace an evidence folder's walk stays in, and the sign-off records of its
    systems (real paths): left out of what a sign-off covers."""
    return Scope(os.path.realpath(workspace.root), workspace.signoff_records)


def cited_evidence(
    workspace: Workspace, system: SystemDocs, scope: Scope | None = None
) -> list[Path]:
    """The workspace files and folders the system's checklist answers cite as evidence
    (existing, inside the workspace, not a sign-off record, not an export), in order."""
    scope = scope or _scope(workspace)
    entries = {  # in order, once: answers cite the same card and policy over and over
        entry: None
        for checklist in system.checklist_models()
        for answer in checklist.items.values()
        for entry in answer.evidence
    }
    found: dict[Path, None] = {}
    for entry in entries:
        path = _evidence_path(workspace.root, entry, scope.records)
        if path is not None:
            found.setdefault(path, None)
    return list(found)


def _evidence_path(root: Path, entry: str, records: frozenset[str]) -> Path | None:
    ref = evidence_ref(root, entry)
    if ref.target is None:
        return None  # no evidence, a URL, or refused (CL105, CL107 say so)
    path = Path(ref.target)
    if str(path) in records or not os.path.lexists(path) or exported(root, path):
        return None
    return path


def _system_waivers(system_id: str) -> Selection:
    def select(data: dict[str, Any]) -> Any:
        waivers = data.get("waivers")
        if not isinstance(waivers, list):
            return data  # not the shape of a waivers file: all of it
        return [
            w for w in waivers if not isinstance(w, dict) or _text(w.get("system")) == system_id
        ]

    return select


def _tier_policy(tier: str | None) -> Selection:
    def select(data: dict[str, Any]) -> Any:
        tiers = data.get("tiers", {})
        if tier is None or not isinstance(tiers, dict):
            return data
        return {
            "extends": data.get("extends"),
            "defaults": data.get("defaults"),
            "tier": tiers.get(tier),
        }

    return select


def _rules_digest(
    workspace: Workspace,
    document: ValidatedDocument | None,
    cited: set[str],
    select: Selection,
    label: Literal["policy", "waivers"],
) -> dict[str, str]:
    """The digest of the part of the policy or waivers file that applies (`select` of its
    data); of all of it when an answer cites it as evidence; of its bytes when it does not
    load. No waivers file (at its default name) is no waivers: the same digest as a file
    with none for the system, so that the workspace's first waiver, of another system,
    makes no sign-off of this one stale. (No policy file is the baseline: a policy written
    later changes what the gate demands, and makes the sign-offs stale.)"""
    if document is None and label == "policy":
        return {}
    if document is None:
        try:
            path = named_inside(workspace.root, getattr(workspace.config, label))
        except PathEscapeError:
            return {}  # a configuration error: the workspace does not load
        return {workspace.relative(path): canonical_sha256(select({"waivers": []}))}
    if document.loaded is None:
        if not document.problems:
            return {}
        path = workspace.root / document.problems[0].path
        return {workspace.relative(path): evidence_digest(path)}
    relative = workspace.relative(document.loaded.path)
    if relative in cited:
        return {relative: document.loaded.digest}
    return {relative: canonical_sha256(select(document.loaded.data))}


def _text(value: object) -> object:
    """An id as the schemas read it (`Identifier`): a number as written (``2024``)."""
    written = source_text(value)
    return written if written is not None else value
