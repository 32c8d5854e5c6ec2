"""Which systems `gate --changed-since REF` gates in full: those a changed file reaches.

git is asked for the workspace's changed and untracked files, NUL-separated and never
quoted, without rename detection (a file moved out of a system's folder is a deletion
there); whatever cannot be attributed to systems gates every system.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from cardgate.core.errors import UsageError
from cardgate.core.git import git, git_paths
from cardgate.core.paths import PathEscapeError
from cardgate.documents.workspace import SystemDocs, Workspace


def changed_systems(workspace: Workspace, ref: str) -> set[str] | None:
    """Systems with a file changed since git `ref`; None means "all" (a shared file changed).

    A system depends on its own folder, the datasheet folders its card names, and the files
    its evaluation reads (predictions, a query's inputs, the baseline artifact), wherever
    they are. A changed file no system depends on — cardgate.yaml, the policy, the waivers,
    the checklists folder, anything else — selects every system.
    """
    root = workspace.root
    if git(root, "rev-parse", "--show-toplevel") is None:
        raise UsageError("--changed-since needs the workspace to be in a git repository")
    if ref.startswith("-"):
        raise UsageError(f"--changed-since: '{ref}' is not a git ref", hint="e.g. origin/main")
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
        raise UsageError(f"--changed-since: git cannot compare with '{ref}'")
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
    """Workspace-relative files and folders whose change can change `system`'s verdict."""
    found = [workspace.relative(system.folder)]
    card = system.model_card
    if card is None:
        return found
    for _, ref in card.dataset_references():
        dataset = workspace.datasets.get(ref.dataset)
        # A datasheet deleted since the ref leaves no dataset: its folder still counts.
        folder = dataset.folder if dataset is not None else workspace.datasets_dir / ref.dataset
        found.append(workspace.relative(folder))
    evaluation = card.evaluation
    if evaluation is not None:
        named = [evaluation.predictions.path, *(evaluation.predictions.inputs or [])]
        if evaluation.baseline is not None and evaluation.baseline.artifact is not None:
            named.append(evaluation.baseline.artifact)
        for name in named:
            if name is not None:
                try:
                    found.append(workspace.relative(workspace.resolve(name)))
                except PathEscapeError:
                    continue
        with contextlib.suppress(PathEscapeError):
            found.append(
                workspace.relative(workspace.resolve(evaluation.artifact, base=system.folder))
            )
    return [path.rstrip("/") for path in found]


__all__ = ["changed_systems", "dependencies"]
