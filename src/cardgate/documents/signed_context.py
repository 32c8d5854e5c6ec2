"""What a sign-off covers beyond the system's own documents: the evidence its checklist
answers cite, and the release policy and waivers that apply to it.

A sign-off approves a release as the reviewers saw it. Three things outside the system's
documents decide what they saw:

- **Evidence.** A ``done`` answer citing ``policies/incident-response.md`` or
  ``systems/x/review-record.md`` is approved with that file's content: replacing the
  record after the sign-off must make it stale. Every workspace file or folder a checklist
  answer cites is covered — YAML and JSON by the canonical digest of their data (as the
  documents are), anything else by its bytes, a folder by its files. Not covered: URLs
  (outside the workspace's history), the sign-off records themselves (``signoffs.yaml#role``
  evidence: signing would make itself stale) and the files an export wrote (a folder with
  ``cardgate-exports.json``): they are drawn from the covered documents and may record the
  sign-offs, so re-exporting after signing would make every sign-off stale.
- **The waivers of the system.** A waiver turns a blocking finding into a pass. The
  waivers naming the system (``waivers.yaml``, only those entries: a waiver of another
  system changes nothing here) are covered, so adding one after the sign-offs needs the
  signers to look again.
- **The policy of its tier.** ``policy.yaml``'s ``extends``, ``defaults`` and the section
  of the card's risk tier (a change to another tier's section changes nothing here).
- **The workspace's own checklist definitions** the system's checklists answer (its
  ``checklists/`` folder): dropping an item or its ``evidence_required`` after the
  sign-offs changes what the answers are judged against.

Evidence is fingerprinted whatever its size up to ``$CARDGATE_MAX_EVIDENCE_BYTES`` (256 MiB
a file or a folder; 10,000 entries a folder). What cannot be fingerprinted — too large, not a
regular file, unreadable — gets a digest that says why (`is_digest` is false): it is never
current (GATE-SO002) and cannot be signed (`cardgate sign` refuses), so the gate fails
closed rather than certify content nobody can check.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cardgate.core.digests import canonical_sha256
from cardgate.core.inputs import ARTIFACT_BYTES, SizeLimit, loads_json, open_regular, read_regular
from cardgate.core.paths import PathEscapeError, confined
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import load_document
from cardgate.documents.placeholders import is_missing
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import SIGNOFFS_FILE, SystemDocs, Workspace

EVIDENCE_BYTES = SizeLimit(
    "CARDGATE_MAX_EVIDENCE_BYTES", 256 << 20, "evidence a sign-off covers (a file or a folder)"
)
EVIDENCE_FILES = 10_000
"""The most entries (files and folders) of an evidence folder a sign-off covers."""
EXPORTS_MANIFEST = "cardgate-exports.json"
"""`cardgate.interop.exporting.MANIFEST_FILE`: marks a folder an export wrote."""

Selection = Callable[[dict[str, Any]], Any]
"""The part of a policy or waivers file's data that applies to one system."""

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_CHUNK = 1 << 20


def is_digest(value: str) -> bool:
    """True for a SHA-256 digest; false for what stands in for one that could not be
    taken ("unreadable: …", "not fingerprinted: …")."""
    return bool(_DIGEST.match(value))


def context_digests(
    workspace: Workspace, system: SystemDocs, covered: dict[str, str]
) -> dict[str, str]:
    """Workspace-relative path -> digest of the evidence, waivers and policy a sign-off of
    `system` covers, leaving out what `covered` (its documents) already has."""
    found: dict[str, str] = {}
    evidence = cited_evidence(workspace, system)
    cited = {workspace.relative(path) for path in evidence}
    waivers = _rules_digest(workspace, workspace.waivers_doc, cited, _system_waivers(system.id))
    tier = system.model_card.risk_tier if system.model_card is not None else None
    policy = _rules_digest(workspace, workspace.policy_doc, cited, _tier_policy(tier))
    found.update(waivers)
    found.update(policy)
    for path in evidence:
        relative = workspace.relative(path)
        if relative not in covered and relative not in found:
            found[relative] = evidence_digest(path)
    answered = {checklist.checklist for checklist in system.checklist_models()}
    for definition_id, (relative, digest) in _workspace_definitions(workspace).items():
        if definition_id in answered:
            found.setdefault(relative, digest)
    return found


def _workspace_definitions(workspace: Workspace) -> dict[str, tuple[str, str]]:
    """Checklist id -> (workspace-relative path, digest) of the workspace's own checklist
    definitions (``checklists_dir``): what a checklist of the system is judged against —
    its items, which need evidence — decides the release as much as the answers do.
    (Shipped definitions change only with cardgate itself.)"""
    try:
        folder = Path(confined(workspace.root, workspace.config.checklists_dir))
        names = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (PathEscapeError, OSError):
        return {}
    files = tuple(
        (entry.name, status.st_size, status.st_mtime_ns)
        for entry in names
        if entry.name.endswith((".yaml", ".yml")) and stat.S_ISREG((status := entry.stat()).st_mode)
    )
    return _definitions_in(folder, workspace.root, files)


@functools.lru_cache(maxsize=64)
def _definitions_in(
    folder: Path, root: Path, files: tuple[tuple[str, int, int], ...]
) -> dict[str, tuple[str, str]]:
    """Memoised on the files' identities: every system of a run asks."""
    found: dict[str, tuple[str, str]] = {}
    for name, _, _ in files:
        try:
            loaded = load_document(folder / name)
        except DocumentLoadError:
            continue  # not a definition that loads: validation reports it, none counts
        definition_id = loaded.data.get("id")
        if loaded.data.get("kind") == "checklist-definition" and isinstance(definition_id, str):
            relative = (folder / name).relative_to(root).as_posix()
            found.setdefault(definition_id, (relative, loaded.digest))
    return found


def cited_evidence(workspace: Workspace, system: SystemDocs) -> list[Path]:
    """The workspace files and folders the system's checklist answers cite as evidence
    (existing, inside the workspace, not a sign-off record, not an export), in order."""
    entries = {  # in order, once: answers cite the same card and policy over and over
        entry: None
        for checklist in system.checklist_models()
        for answer in checklist.items.values()
        for entry in answer.evidence
    }
    found: dict[Path, None] = {}
    for entry in entries:
        path = _evidence_path(workspace.root, entry)
        if path is not None:
            found.setdefault(path, None)
    return list(found)


def _evidence_path(root: Path, entry: str) -> Path | None:
    if is_missing(entry) or (_SCHEME.match(entry) and not _DRIVE.match(entry)):
        return None  # a URL (or not evidence at all: CL107 says so)
    file = entry.partition("#")[0]
    try:
        path = Path(confined(root, file))
    except PathEscapeError:
        return None  # CL105 says so
    if path.name == SIGNOFFS_FILE or not os.path.lexists(path) or _exported(root, path):
        return None
    return path


def _exported(root: Path, path: Path) -> bool:
    """True when `path` lies in a folder an export wrote (within the workspace)."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if folder != root and root not in folder.parents:
            return False
        if (folder / EXPORTS_MANIFEST).is_file():
            return True
        if folder == root:
            return False
    return False


def _system_waivers(system_id: str) -> Selection:
    def select(data: dict[str, Any]) -> Any:
        waivers = data.get("waivers")
        if not isinstance(waivers, list):
            return data  # not the shape of a waivers file: all of it
        return [w for w in waivers if not isinstance(w, dict) or w.get("system") == system_id]

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
    workspace: Workspace, document: ValidatedDocument | None, cited: set[str], select: Selection
) -> dict[str, str]:
    """The digest of the part of the policy or waivers file that applies (`select` of its
    data); of all of it when an answer cites it as evidence; of its bytes when it does not
    load."""
    if document is None:
        return {}
    if document.loaded is None:
        if not document.problems:
            return {}
        path = workspace.root / document.problems[0].path
        return {workspace.relative(path): evidence_digest(path)}
    relative = workspace.relative(document.loaded.path)
    if relative in cited:
        return {relative: document.loaded.digest}
    return {relative: canonical_sha256(select(document.loaded.data))}


def evidence_digest(path: Path) -> str:
    """The digest of one piece of evidence (see the module), or why there is none."""
    try:
        status = path.stat()
    except OSError as error:
        return f"unreadable: {error.strerror or error}"
    if stat.S_ISDIR(status.st_mode):
        return _folder_digest(path, EVIDENCE_BYTES.value())
    limit = EVIDENCE_BYTES.value()
    return _file_digest(path, status.st_size, status.st_mtime_ns, status.st_ino, limit)


@functools.lru_cache(maxsize=4096)
def _file_digest(path: Path, size: int, mtime_ns: int, inode: int, limit: int) -> str:
    """Memoised on the file's identity: several systems cite the same policy. (Not a
    folder's: its time does not change when a file inside it does.)"""
    if size > limit:
        return _too_large(size, limit)
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            return load_document(path).digest
        except DocumentLoadError:
            pass  # not a YAML document cardgate reads: its bytes
    elif path.suffix.lower() == ".json":
        try:
            return canonical_sha256(loads_json(read_regular(path, limit=ARTIFACT_BYTES)))
        except (OSError, ValueError):
            pass
    try:
        return _bytes_digest(path, limit)
    except OSError as error:
        return f"unreadable: {error.strerror or error}"


def _bytes_digest(path: Path, limit: int) -> str:
    digest = hashlib.sha256()
    read = 0
    with open_regular(path) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > limit:  # it grew while being read
                return _too_large(read, limit)
            digest.update(chunk)
    return digest.hexdigest()


def _folder_digest(folder: Path, limit: int) -> str:
    """The canonical digest of {relative path: digest} of the folder's files (links
    recorded, not followed), or why there is none."""
    files: dict[str, str] = {}
    total = 0
    try:
        for path, status in _walk(folder):
            name = path.relative_to(folder).as_posix()
            if stat.S_ISLNK(status.st_mode):
                files[name] = "link: " + os.readlink(path)
                continue
            total += status.st_size
            if total > limit:
                return _too_large(total, limit)
            files[name] = _bytes_digest(path, limit)
    except _TooMany:
        return f"not fingerprinted: the folder has more than {EVIDENCE_FILES:,} entries"
    except OSError as error:
        where = os.path.relpath(error.filename, folder) if error.filename else "."
        return f"unreadable: {Path(where).as_posix()}: {error.strerror or error}"
    return canonical_sha256(files)


class _TooMany(Exception):
    pass


def _walk(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """The folder's files and links with their status, in sorted order, without following
    links, and without what a folder's digest must leave out: hidden files and folders
    (``.git``, caches), sign-off records (signing would make the folder's digest stale)
    and folders an export wrote. Iterative (a hostile tree can be deeper than Python's
    recursion limit) and bounded by `EVIDENCE_FILES` entries."""
    pending = [folder]
    seen = 0
    while pending:
        current = pending.pop()
        if (current / EXPORTS_MANIFEST).is_file():
            continue
        with os.scandir(current) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        seen += len(entries)
        if seen > EVIDENCE_FILES:
            raise _TooMany
        folders: list[Path] = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name == SIGNOFFS_FILE:
                continue
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(status.st_mode):
                folders.append(Path(entry.path))
            else:
                yield Path(entry.path), status
        pending.extend(reversed(folders))


def _too_large(size: int, limit: int) -> str:
    return (
        f"not fingerprinted: {size:,} bytes, over the limit of {limit:,} "
        f"({EVIDENCE_BYTES.variable})"
    )
