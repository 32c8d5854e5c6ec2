"""The cards in ``--changed-since``'s ref's history that a system new since the ref is
held to (`earlier_cards`): its own card before a change merged earlier removed it (a
system retired by deleting its folder and added again under its id), or the cards of
the systems on the ref whose outputs it evaluates (a system folder copied under a new id).
`cardgate.gate.tiers` gates such a system under their tier, `cardgate.gate.card_limits`
holds it to their limits.
"""

from __future__ import annotations

import posixpath

from cardgate.core.git import git, git_paths
from cardgate.core.paths import PathEscapeError
from cardgate.documents.workspace import YAML_SUFFIXES, SystemDocs, Workspace
from cardgate.gate.ref_cards import (
    MODEL_CARD_STEM,
    BaseCards,
    Earlier,
    card_data,
    git_object_id,
    system_folders,
)


def earlier_cards(workspace: Workspace, system: SystemDocs, base: BaseCards) -> Earlier | None:
    """The cards in the ref's history that a system with no card on the ref is held to
    (looked for once per run): its own card as it was before the change that removed it
    (a system retired by deleting its folder and added again later under its id), where
    the ref's history has one. Only for a system new since the ref in a change that
    removes none (a new system in one that does is held to the removed ones)."""
    if system.id not in base.earlier:
        base.earlier[system.id] = _readded(workspace, system, base) or _copied(
            workspace, system, base
        )
    return base.earlier[system.id]


def _copied(workspace: Workspace, system: SystemDocs, base: BaseCards) -> Earlier | None:
    """The cards on the ref of the other systems whose outputs the system's card names
    (`outputs`): the same file, or a file here with the bytes of one of theirs on the ref
    (a system folder copied, its card renamed and loosened)."""
    card = system.model_card
    mine = outputs(card.model_dump(mode="json")) if card is not None else set()
    if not mine:
        return None
    theirs = _ref_outputs(workspace, base)
    found: dict[str, tuple[str, str]] = {}  # card on the ref -> its system, what is shared
    for path in sorted(mine):
        for system_id, card_path in theirs.get(path, []):
            if system_id != system.id:
                found.setdefault(card_path, (system_id, f"{path} on {base.ref} too"))
    blobs = _ref_blobs(workspace, base, sorted(theirs)) if not found else {}
    sizes = {size for _, size in blobs.values()}
    for path in sorted(mine):
        if not blobs:
            break
        try:
            file = workspace.resolve(path)
            size = file.stat().st_size if file.is_file() else None
        except (PathEscapeError, OSError):
            continue
        if size not in sizes:
            continue
        object_id = git_object_id(file)
        for there, (their_id, _) in sorted(blobs.items()):
            if object_id != their_id:
                continue
            for system_id, card_path in theirs[there]:
                if system_id != system.id:
                    what = f"{path} holds the bytes of {there} on {base.ref}"
                    found.setdefault(card_path, (system_id, what))
    if not found:
        return None
    systems = tuple(sorted({system_id for system_id, _ in found.values()}))
    detail = "; ".join(sorted({what for _, what in found.values()}))
    return Earlier("copied", base.ref, tuple(sorted(found)), detail, systems)


def outputs(data: object) -> set[str]:
    """The workspace-relative paths a card's data names as the system's own outputs: the
    evaluation's predictions file, the retrieval run, the judged generation and safety
    score files and the operations run log (not a baseline's, the queries, a query's
    inputs or the datasets, which systems may share)."""
    named: list[object] = [
        _at(data, "evaluation", "predictions", "path"),
        _at(data, "genai", "retrieval_evaluation", "run"),
        _at(data, "genai", "operations_evaluation", "log"),
    ]
    for section in ("generation_evaluation", "safety_evaluation"):
        sources = _at(data, "genai", section, "sources")
        named += [_at(source, "path") for source in sources] if isinstance(sources, list) else []
    found = set()
    for name in named:
        text = name.strip().replace("\\", "/") if isinstance(name, str) else ""
        normal = posixpath.normpath(text) if text and not text.startswith("/") else ""
        if normal and normal != "." and normal != ".." and not normal.startswith("../"):
            found.add(normal)
    return found


def _at(data: object, *keys: str) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _ref_outputs(workspace: Workspace, base: BaseCards) -> dict[str, list[tuple[str, str]]]:
    """Each output a card on the ref names (`outputs`) -> (system id, card path) of the
    cards naming it (every card on the ref read once per run)."""
    if base.outputs is None:
        base.outputs = {}
        for relative in sorted(base.objects):
            system_id = relative.rsplit("/", 2)[-2] if relative.count("/") >= 1 else ""
            for path in outputs(card_data(workspace, base, relative)):
                base.outputs.setdefault(path, []).append((system_id, relative))
    return base.outputs


def _ref_blobs(
    workspace: Workspace, base: BaseCards, paths: list[str]
) -> dict[str, tuple[str, int]]:
    """Path -> (object id, size) on the ref of those of `paths` that are files there."""
    found: dict[str, tuple[str, int]] = {}
    for start in range(0, len(paths), 200):
        specs = [f":(literal){path}" for path in paths[start : start + 200]]
        for line in git_paths(workspace.root, "ls-tree", "-z", "-l", base.ref, "--", *specs) or []:
            meta, _, path = line.partition("\t")
            fields = meta.split()
            if len(fields) == 4 and fields[1] == "blob" and fields[3].isdigit():
                found[path] = (fields[2], int(fields[3]))
    return found


def _readded(workspace: Workspace, system: SystemDocs, base: BaseCards) -> Earlier | None:
    """The system's own cards before the last commit of the ref's history that removed
    them (in its folder here or in the ref's systems folder, under either name)."""
    paths = [
        f"{folder}/{MODEL_CARD_STEM}{suffix}"
        for folder in system_folders(workspace, system, base)
        for suffix in YAML_SUFFIXES
    ]
    specs = [f":(literal){path}" for path in paths]
    root = workspace.root
    commit = (git(root, "rev-list", "-1", base.ref, "--", *specs) or "").strip()
    if not commit:
        return None  # never had a card here: a new system
    parents = (git(root, "rev-list", "--parents", "-n1", commit) or "").split()[1:]
    for parent in parents:
        there = [
            path
            for line in git_paths(root, "ls-tree", "-z", parent, "--", *specs) or []
            if (path := line.partition("\t")[2]) in paths and line.split()[1:2] == ["blob"]
        ]
        if there:
            return Earlier("readded", parent, tuple(there), commit[:12])
    return None
