"""The risk tier a system is gated under: its card's, or, with ``--changed-since REF``, the
stricter tier its card had on REF (a lowered tier counts only once merged).

The risk tier decides what the gate demands — which sign-offs, whether only SSH-signed
ones count, which checklist items, how old a review may be. Lowering it is a one-line
change of the model card: ``risk_tier: limited`` instead of ``high`` drops the legal and
risk sign-offs and lets an unsigned ``cardgate sign --name`` stand in for the owner's. As
with who may sign (`cardgate.gate.signatures`: a signer added in the same change does not
count), the change that lowers a tier is not gated under the tier it sets: with
``--changed-since REF`` a system whose card on REF had a stricter tier is gated under
that tier, and GATE-MC003 says so. The card on REF is looked for under
both its names (``model-card.yaml``, ``.yml``) in the system's folder, and in REF's
``systems_dir`` when the change moved it: renaming the card or the systems' folder does
not shed its tier. A card that REF cannot read (a file that does not parse, a tier that
is not one) was gated as ``high`` there, and is here. A system with no card on REF is new,
or is one renamed (its folder is its id): in a change that also removes systems, a new
system is gated under the strictest tier of the removed ones, since nothing tells a
rename from a removal and an addition (retiring one system and adding another is two
changes). A system new since REF whose id had a card earlier in REF's history, removed
by a change merged before (retired by deleting its folder, then added again under a
lower tier in the next change), is gated under the tier that card had before the
removal (`earlier_cards`): removing a system and adding it back is no way to change its
tier. Nor is copying one: a new system whose card names the outputs of a system on REF
(its predictions file, retrieval run, judged score files or run log: the same file, or a
file with the same bytes) is gated under that system's tier. Any other new system in a
change that removes none sets no floor (a copy whose outputs differ by one byte is one):
without a base, the review of the change is the defence, as for the policy and the
signers (docs/security.md). The ref's cards are listed once per run (`base_cards`, one ``git
ls-tree``) and only a card whose bytes differ from the ref's is read there: a change of
the policy, which gates every system, reads no card (the removed systems' cards, and the
outputs every card names, are read once, and only for a system new since the ref).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from cardgate.core.git import git, git_blob, git_paths
from cardgate.core.inputs import DOCUMENT_BYTES, UnreadableFile
from cardgate.core.paths import PathEscapeError
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas.base import RiskTier
from cardgate.documents.schemas.workspace import CONFIG_FILE, WorkspaceConfig
from cardgate.documents.workspace import MODEL_CARD_FILE, YAML_SUFFIXES, SystemDocs, Workspace

ORDER: tuple[str, ...] = get_args(RiskTier)
"""Least to most demanding: minimal, limited, high, unacceptable."""
NEVER_RELEASED = "unacceptable"
"""The tier whose systems are never released (GATE-MC003, in release mode)."""
MODEL_CARD_STEM = MODEL_CARD_FILE.removesuffix(".yaml")
UNREADABLE = "high"
"""The tier of a card that cannot be read (`cardgate.gate.policy.UNKNOWN_TIER`)."""


@dataclass(frozen=True)
class GatedTier:
    """The tier a system is gated under, and the card's own when that is lower."""

    tier: str | None
    """None: the card does not validate (the policy's unknown tier applies)."""
    written: str | None = None
    """The card's tier when `tier` is the base's stricter one (else None)."""
    removed: tuple[str, ...] = ()
    """The systems on the ref, gone here, whose tier `tier` is: a new system in a change
    that removes one (else empty)."""
    earlier: Earlier | None = None
    """The cards in the ref's history whose tier `tier` is: a new system held to them
    (`earlier_cards`), else None."""


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
    outputs: dict[str, list[tuple[str, str]]] | None = None
    """Each output a card on the ref names -> (system id, card path) of those naming it
    (`_copied`: read once per run, and only for a system new since the ref)."""


def base_cards(workspace: Workspace, ref: str) -> BaseCards:
    """The cards under the systems folder, here and on `ref`, as `ref` has them."""
    config = _data_at(workspace.root, CONFIG_FILE, ref)
    written = (
        config.get("systems_dir", WorkspaceConfig.model_fields["systems_dir"].default)
        if isinstance(config, dict)
        else None
    )
    systems_dir = posixpath.normpath(written.strip()) if isinstance(written, str) else None
    folders = sorted({workspace.relative(workspace.systems_dir), *filter(None, [systems_dir])})
    listed = git_paths(workspace.root, "ls-tree", "-r", "-z", ref, "--", *folders) or []
    objects: dict[str, str] = {}
    for line in listed:
        meta, _, path = line.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == "blob" and Path(path).stem == MODEL_CARD_STEM:
            objects[path] = fields[2]
    return BaseCards(ref, systems_dir or None, objects, tuple(folders))


def gated_tier(workspace: Workspace, system: SystemDocs, base: BaseCards | None) -> GatedTier:
    """The tier `system` is gated under, against the cards on ``--changed-since``'s ref."""
    card = system.model_card
    written = card.risk_tier if card is not None else None
    if written is None or base is None:
        return GatedTier(written)
    before = base_tier(workspace, system, base)
    removed: tuple[str, ...] = ()
    earlier = None
    gone = removed_systems(workspace, base) if before is None else {}
    if gone:
        before = max(gone.values(), key=ORDER.index)
        removed = tuple(key for key, tier in gone.items() if tier == before)
    elif before is None:
        earlier = earlier_cards(workspace, system, base)
        if earlier is not None:
            before = _strictest(workspace, base, list(earlier.paths), earlier.revision)
    if before is not None and ORDER.index(before) > ORDER.index(written):
        return GatedTier(before, written, removed, earlier)
    return GatedTier(written)


def removed_systems(workspace: Workspace, base: BaseCards) -> dict[str, str]:
    """System id -> strictest risk tier on the ref, of the systems whose cards are on the
    ref and whose folders are gone here (read once per run)."""
    if base.removed is None:
        base.removed = {
            key: _strictest(workspace, base, paths)
            for key, paths in removed_cards(workspace, base).items()
        }
    return base.removed


def removed_cards(workspace: Workspace, base: BaseCards) -> dict[str, list[str]]:
    """System id -> workspace-relative paths of its cards on the ref, of the systems whose
    folders are gone here."""
    found: dict[str, list[str]] = {}
    for relative in sorted(base.objects):
        parent, _, system_id = relative.rpartition("/")[0].rpartition("/")
        if (parent or ".") in base.folders and system_id not in workspace.systems:
            found.setdefault(system_id, []).append(relative)
    return found


def base_tier(workspace: Workspace, system: SystemDocs, base: BaseCards) -> str | None:
    """The strictest risk tier of the system's card on the ref (under either name, in its
    folder here or in the ref's systems folder); None when there is no card there;
    `UNREADABLE` for a card whose tier cannot be read."""
    paths = base_card_paths(workspace, system, base)
    if paths is None:
        return None
    if not paths:  # the card as it is on the ref: its tier is the card's
        return system.model_card.risk_tier if system.model_card is not None else None
    return _strictest(workspace, base, paths)


def _strictest(
    workspace: Workspace, base: BaseCards, paths: list[str], revision: str | None = None
) -> str:
    """The strictest risk tier of the cards at `paths` on the ref (or at `revision`)."""
    return max(
        (_tier_of(card_data(workspace, base, path, revision)) for path in paths),
        key=ORDER.index,
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
        object_id = _object_id(file)
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
        for folder in _folders(workspace, system, base)
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


def _folders(workspace: Workspace, system: SystemDocs, base: BaseCards) -> list[str]:
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
    for folder in _folders(workspace, system, base):
        for suffix in YAML_SUFFIXES:
            relative = f"{folder}/{MODEL_CARD_STEM}{suffix}"
            object_id = base.objects.get(relative)
            if object_id is None:
                continue
            there = True
            if relative != current or _object_id(workspace.root / relative) != object_id:
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
        base.read[key] = _data_at(workspace.root, relative, revision or base.ref)
    return base.read[key]


def _object_id(path: Path) -> str | None:
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


def _tier_of(data: object) -> str:
    tier = data.get("risk_tier") if isinstance(data, dict) else None
    return tier if isinstance(tier, str) and tier in ORDER else UNREADABLE


def _data_at(root: Path, relative: str, ref: str) -> object:
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
