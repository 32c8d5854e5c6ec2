"""Which systems `gate --changed-since REF` gates in full: those a changed file reaches.

git is asked for the workspace's changed and untracked files, NUL-separated and never
quoted, without rename detection (a file moved out of a system's folder is a deletion
there); whatever cannot be attributed to systems gates every system.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cardgate.core.errors import UsageError
from cardgate.core.git import git, git_paths
from cardgate.core.inputs import read_json
from cardgate.core.paths import PathEscapeError, named_inside
from cardgate.documents.evidence_digests import EVIDENCE_FILES
from cardgate.documents.evidence_ref import evidence_ref
from cardgate.documents.signed_context import cited_evidence
from cardgate.documents.workspace import MONITORING_FILE, SystemDocs, Workspace


def require_commit(root: Path, ref: str) -> None:
    """`UsageError` unless `ref` names one commit of the git repository holding `root`.

    A range ('main..HEAD', 'HEAD...HEAD', 'HEAD^!') is something git diff also reads, as
    two commits compared with each other, not with the files as they are: a change not
    yet committed was no change, and every system it touched was skipped (exit 0). A
    tree ('HEAD^{tree}') names no commit either."""
    if git(root, "rev-parse", "--show-toplevel") is None:
        raise UsageError(
            "--changed-since needs the workspace to be in a git repository",
            hint="run it in a clone of the repository, or gate every system without it",
        )
    if ref.startswith("-"):
        raise UsageError(f"--changed-since: '{ref}' is not a git ref", hint="e.g. origin/main")
    if git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is not None:
        return
    if ".." in ref or ref.endswith(("^!", "^@")) or "^-" in ref:
        raise UsageError(
            f"--changed-since: '{ref}' is a range of commits, not one",
            hint="give the one commit the change is compared with, e.g. origin/main: the "
            "files as they are now are compared with it",
        )
    raise UsageError(
        f"--changed-since: git cannot compare with '{ref}'",
        hint=f"is '{ref}' a ref this clone has? fetch it (git fetch origin); a shallow CI "
        "checkout needs the history too (actions/checkout: fetch-depth: 0)",
    )


def changed_systems(workspace: Workspace, ref: str) -> set[str] | None:
    """Systems with a file changed since git `ref`; None means "all" (a shared file changed).

    A system depends on its own folder, the datasheet folders its card names, and the files
    its card names, wherever they are (`dependencies`). A changed file no system depends
    on — cardgate.yaml, the policy, the waivers, the checklists folder, anything else —
    selects every system.
    """
    root = workspace.root
    require_commit(root, ref)
    # Paths relative to the workspace (--relative, and ls-files without --full-name), NUL-
    # separated and never quoted (-z: git quotes non-ASCII names otherwise); --no-renames:
    # a file moved out of a system's folder is a deletion there too (rename detection
    # lists only its new path).
    diff = git_paths(
        root,
        "diff",
        "--no-renames",
        "--no-ext-diff",
        "--relative",
        "--name-only",
        "-z",
        ref,
        "--",
        ".",
    )
    if diff is None:
        raise UsageError(
            f"--changed-since: git cannot compare with '{ref}'",
            hint=f"is '{ref}' a ref this clone has? fetch it (git fetch origin); a shallow CI "
            "checkout needs the history too (actions/checkout: fetch-depth: 0)",
        )
    untracked = git_paths(root, "ls-files", "-z", "--others", "--exclude-standard", ".")
    if untracked is None:
        return None  # cannot tell what is new: gate everything
    depends = {
        system_id: dependencies(workspace, system)
        for system_id, system in workspace.systems.items()
    }
    own_folders = (
        workspace.relative(workspace.systems_dir) + "/",
        workspace.relative(workspace.datasets_dir) + "/",
    )
    selected: set[str] = set()
    for name in [*diff, *untracked]:
        relative = workspace.relative(root / name)
        if Path(relative).is_absolute() or relative.startswith("../"):
            return None  # a path that cannot be placed in the workspace: gate everything
        users = {
            system_id
            for system_id, paths in depends.items()
            if any(relative == path or relative.startswith(path + "/") for path in paths)
        }
        if users:
            selected |= users
        elif not (relative.startswith(own_folders) and relative.count("/") >= 2):
            return None  # policy, waivers, configuration, checklists or another shared file
        # else: a file of a system or dataset folder that no system reads: nothing to re-gate
    return selected


def dependencies(workspace: Workspace, system: SystemDocs) -> list[str]:
    """Workspace-relative files and folders whose change can change `system`'s verdict:
    its folder, the datasets its card names, every path its card names (predictions,
    inputs, artifacts, GenAI score files, prompts …: each string with a ``/`` that stays
    in the workspace, as written and with its links resolved), the evidence its checklist
    answers cite (its sign-offs cover it: `cardgate.documents.signed_context`), the files
    its monitoring record names, and where the links in those folders (in evidence
    folders, at any depth) lead."""
    folders = [system.folder]
    card = system.model_card
    if card is not None:
        for _, ref in card.dataset_references():
            dataset = workspace.datasets.get(ref.dataset)
            # A datasheet deleted since the ref leaves no dataset: its folder still counts.
            folders.append(
                dataset.folder if dataset is not None else workspace.datasets_dir / ref.dataset
            )
    found = [workspace.relative(folder) for folder in folders]
    for folder in folders:
        found += _link_targets(workspace, folder)
    if card is not None:
        for name in _path_like(card.model_dump(mode="json")):
            for base in (None, system.folder):
                with contextlib.suppress(PathEscapeError, ValueError, OSError):
                    found.append(workspace.relative(named_inside(workspace.root, name, base=base)))
                    found.append(workspace.relative(workspace.resolve(name, base=base)))
    for name in (*_evidence_named(workspace, system), *_monitoring_named(system)):
        # deleted since the ref, too: named, so it counts
        with contextlib.suppress(PathEscapeError, ValueError, OSError):
            found.append(workspace.relative(named_inside(workspace.root, name)))
            found.append(workspace.relative(workspace.resolve(name)))
    for evidence in cited_evidence(workspace, system):
        if evidence.is_dir():
            found += _deep_link_targets(workspace, evidence)
    return [path.rstrip("/") for path in found]


def _evidence_named(workspace: Workspace, system: SystemDocs) -> set[str]:
    """The workspace paths the system's checklist answers cite (sections left off), read
    as the checklist checks and the sign-offs read them (`evidence_ref`)."""
    return {
        ref.file
        for checklist in system.checklist_models()
        for answer in checklist.items.values()
        for entry in answer.evidence
        if (ref := evidence_ref(workspace.root, entry)).kind in ("path", "outside")
    }  # "outside": a link named inside, leading out (CL105), changes where it leads


def _monitoring_named(system: SystemDocs) -> Iterator[str]:
    """The paths the system's monitoring record names (its windows' data, the reference
    profile), wherever they are: GATE-MON003 measures them again with --release. A record
    that does not read names none (its own change is in the system's folder)."""
    with contextlib.suppress(OSError, ValueError):
        yield from _path_like(read_json(system.folder / MONITORING_FILE))


def _deep_link_targets(workspace: Workspace, folder: Path) -> list[str]:
    """Where the links anywhere in an evidence folder lead, inside the workspace: its
    digest follows them (`cardgate.documents.evidence_digests`). Bounded like it."""
    found: list[str] = []
    seen = 0
    for current, folders, files in os.walk(folder):  # links to folders are not entered
        seen += len(folders) + len(files)
        if seen > EVIDENCE_FILES:
            break
        for name in (*folders, *files):
            path = Path(current) / name
            if path.is_symlink():
                target = workspace.relative(Path(os.path.realpath(path)))
                if not Path(target).is_absolute() and not target.startswith("../"):
                    found.append(target)
    return found


def _path_like(data: Any) -> Iterator[str]:
    """Every string of `data` that could name a file: one line with a ``/``."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and "/" in value and "\n" not in value and len(value) < 1024:
            yield value


def _link_targets(workspace: Workspace, folder: Path) -> list[str]:
    """Where the links of `folder` (and the folder itself, when a link) lead, inside the
    workspace: a card linked to a file elsewhere changes when that file does."""
    found = []
    candidates = [folder]
    with contextlib.suppress(OSError):
        candidates += [Path(entry.path) for entry in os.scandir(folder) if entry.is_symlink()]
    for path in candidates:
        if path.is_symlink():
            target = workspace.relative(Path(os.path.realpath(path)))
            if not Path(target).is_absolute():
                found.append(target)
    return found


__all__ = ["changed_systems", "dependencies", "require_commit"]
