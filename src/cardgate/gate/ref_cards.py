"""The model cards on ``--changed-since``'s ref, read as the gate needs them: where they
were (listed once per run, `base_cards`: one ``git ls-tree``), each card's data there
(read once, and only where its bytes differ from the card's here, `card_data`), and the
files a card on the ref names (`ref_named_paths`). The tiers (`cardgate.gate.tiers`),
the card's limits (`cardgate.gate.card_limits`) and the baselines read the ref through
this module.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from cardgate.core.git import git_blob, git_paths
from cardgate.core.inputs import DOCUMENT_BYTES, UnreadableFile
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas.workspace import CONFIG_FILE, WorkspaceConfig
from cardgate.documents.workspace import (
    MODEL_CARD_FILE,
    MONITORING_FILE,
    YAML_SUFFIXES,
    SystemDocs,
    Workspace,
)

MODEL_CARD_STEM = MODEL_CARD_FILE.removesuffix(".yaml")


@dataclass(frozen=True)
class Earlier:
    """The cards a system new since the ref is held to that are not its own on the ref:
    its own, as they were before a change merged earlier removed them (``readded``), or
    those of the systems on the ref whose outputs it evaluates (``copied``)."""

    kind: str
    revision: str
    """The commit the cards are read at."""
    paths: tuple[str, ...]
    """Workspace-relative paths of the cards there."""
    detail: str
    """What found them, for a message: the commit that removed the cards, or the
    outputs the system shares with the others."""
    systems: tuple[str, ...] = ()
    """``copied``: the systems on the ref whose outputs it evaluates."""

    def describe(self, ref: str) -> str:
        """The finding's opening words, e.g. ``new since main, but removed from the
        inventory by commit 1a2b3c4d5e6f``."""
        if self.kind == "copied":
            names = ", ".join(f"'{name}'" for name in self.systems)
            return f"new since {ref}, evaluating the outputs of {names} ({self.detail})"
        return f"new since {ref}, but removed from the inventory by commit {self.detail}"

    @property
    def keeps(self) -> str:
        """Who keeps the floor until merged, in words."""
        if self.kind == "copied":
            return "a copy of a system"
        return "a system removed and added again"

    @property
    def remedy(self) -> str:
        """How to pass with the floor, in words (after 'add it')."""
        if self.kind == "copied":
            return "as its source is, or evaluate its own model's outputs"
        return "again as it was"


@dataclass
class BaseCards:
    """The model cards on a ref: where they were, and their git object ids (listed once
    per run: a card whose bytes are the ref's has the ref's tier, and is not read)."""

    ref: str
    systems_dir: str | None
    """``systems_dir`` of cardgate.yaml on the ref (its default when unset)."""
    objects: dict[str, str] = field(default_factory=dict)
    """Workspace-relative path of each card on the ref -> its object id."""
    folders: tuple[str, ...] = ()
    """The systems folders looked in on the ref (here's and the ref's)."""
    removed: dict[str, str] | None = None
    """The removed systems and their tiers on the ref (`removed_systems`, computed once)."""
    read: dict[str, object] = field(default_factory=dict)
    """Workspace-relative path of a card on the ref -> its YAML data there (`card_data`:
    each read once per run, by the tiers and by the card's limits, `gate.card_limits`)."""
    earlier: dict[str, Earlier | None] = field(default_factory=dict)
    """System id -> the cards in the ref's history it is held to (`earlier_cards`,
    looked for once per run and system)."""
    records: dict[str, str] = field(default_factory=dict)
    """Workspace-relative path of each monitoring record (``monitoring.json``) under the
    systems folders on the ref -> its object id (`cardgate.gate.monitoring_ref`)."""
    outputs: dict[str, list[tuple[str, str]]] | None = None
    """Each output a card on the ref names -> (system id, card path) of those naming it
    (`_copied`: read once per run, and only for a system new since the ref)."""


def base_cards(workspace: Workspace, ref: str) -> BaseCards:
    """The cards under the systems folder, here and on `ref`, as `ref` has them."""
    config = data_at(workspace.root, CONFIG_FILE, ref)
    written = (
        config.get("systems_dir", WorkspaceConfig.model_fields["systems_dir"].default)
        if isinstance(config, dict)
        else None
    )
    systems_dir = posixpath.normpath(written.strip()) if isinstance(written, str) else None
    folders = sorted({workspace.relative(workspace.systems_dir), *filter(None, [systems_dir])})
    listed = git_paths(workspace.root, "ls-tree", "-r", "-z", ref, "--", *folders) or []
    objects: dict[str, str] = {}
    records: dict[str, str] = {}
    for line in listed:
        meta, _, path = line.partition("\t")
        fields = meta.split()
        if len(fields) != 3 or fields[1] != "blob":
            continue
        if Path(path).stem == MODEL_CARD_STEM:
            objects[path] = fields[2]
        elif Path(path).name == MONITORING_FILE:
            records[path] = fields[2]
    return BaseCards(ref, systems_dir or None, objects, tuple(folders), records=records)


def system_folders(workspace: Workspace, system: SystemDocs, base: BaseCards) -> list[str]:
    """The system's folder here and in the ref's systems folder, workspace-relative."""
    folders = {workspace.relative(system.folder)}
    if base.systems_dir is not None:
        folders.add(posixpath.normpath(f"{base.systems_dir}/{system.id}"))
    return sorted(folders)


def base_card_paths(workspace: Workspace, system: SystemDocs, base: BaseCards) -> list[str] | None:
    """Workspace-relative paths of the system's cards on the ref (under either name, in
    its folder here or in the ref's systems folder) whose bytes differ from the card's
    now: [] when the only one is the card as it is; None when the ref has none (a system
    new since the ref, or one renamed)."""
    card = system.card.loaded if system.card is not None else None
    current = workspace.relative(card.path) if card is not None else None
    there = False
    found: list[str] = []
    for folder in system_folders(workspace, system, base):
        for suffix in YAML_SUFFIXES:
            relative = f"{folder}/{MODEL_CARD_STEM}{suffix}"
            object_id = base.objects.get(relative)
            if object_id is None:
                continue
            there = True
            if relative != current or git_object_id(workspace.root / relative) != object_id:
                found.append(relative)
    return found if there else None


def ref_named_paths(
    workspace: Workspace,
    system: SystemDocs,
    base: BaseCards,
    keys: tuple[str, ...],
    default: str,
    current: str,
) -> list[str]:
    """Workspace-relative paths of the file the system's cards on the ref name at `keys`
    (relative to each card; `default` where the section is there but names none): the
    file a computed artifact was on the ref, wherever the change moved it. `current`
    (the path here) when the card's bytes are the ref's; none for a system new since the
    ref, or a card on the ref without the section."""
    paths = base_card_paths(workspace, system, base)
    if paths is None:
        return []
    if not paths:
        return [current]
    found = []
    for card_path in paths:
        section = card_data(workspace, base, card_path)
        for key in keys[:-1]:
            section = section.get(key) if isinstance(section, dict) else None
        if not isinstance(section, dict):
            continue
        named = section.get(keys[-1], default)
        if not isinstance(named, str) or not named.strip() or posixpath.isabs(named.strip()):
            continue
        there = posixpath.normpath(posixpath.join(posixpath.dirname(card_path), named.strip()))
        if there != ".." and not there.startswith("../"):
            found.append(there)
    return found


def card_data(
    workspace: Workspace, base: BaseCards, relative: str, revision: str | None = None
) -> object:
    """The YAML data of the card at `relative` on the ref (or at `revision`: a commit of
    the ref's history, `earlier_cards`), read once per run."""
    key = relative if revision is None else f"{revision}:{relative}"
    if key not in base.read:
        base.read[key] = data_at(workspace.root, relative, revision or base.ref)
    return base.read[key]


def git_object_id(path: Path) -> str | None:
    """git's object id (SHA-1) of the file's bytes as they are now, or None (read in
    pieces: a predictions file may be large)."""
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            digest = hashlib.sha1(b"blob %d\0" % size, usedforsecurity=False)
            read = 0
            while piece := stream.read(1 << 20):
                digest.update(piece)
                read += len(piece)
    except OSError:
        return None
    return digest.hexdigest() if read == size else None


def data_at(root: Path, relative: str, ref: str) -> object:
    """The YAML data of the file at `relative` on `ref`: None when there is no file there,
    ``False`` when there is one that cannot be read."""
    try:
        raw = git_blob(root, ref, relative, limit=DOCUMENT_BYTES)
    except UnreadableFile:
        return False
    if raw is None:
        return None
    try:
        return parse_text(raw.decode("utf-8-sig"), display=relative).data
    except (DocumentLoadError, UnicodeDecodeError):
        return False
