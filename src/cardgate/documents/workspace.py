"""The workspace: found once, loaded once, read by every command.

A workspace is a folder with `cardgate.yaml`; its documents are `systems/<id>/model-card.yaml`,
`systems/<id>/checklist*.yaml`, `datasets/<id>/datasheet.yaml`, `policy.yaml` and `waivers.yaml`
(folders configurable). A document may also end in `.yml`, read like `.yaml` (an ignored
``policy.yml`` would leave the baseline in its place); the same document under both names
is a configuration error, as is one named in another case (``model-card.YAML``).
Policy or waivers files named in `cardgate.yaml` under other names must exist (a typo must
not apply the baseline); `signers.allowed_signers` is a regular file of at most `SIGNERS_BYTES`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cardgate.core.errors import ConfigurationError
from cardgate.core.gcpause import paused_collector
from cardgate.core.inputs import SIGNERS_BYTES, UnreadableFile, open_regular, over_limit
from cardgate.core.paths import (
    PathEscapeError,
    display_path,
    folders_holding,
    leads_outside,
    named_inside,
    resolve_inside,
)
from cardgate.core.problems import Problem, Span
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import load_document, prefetch
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.policy import Policy
from cardgate.documents.schemas.waivers import Waivers
from cardgate.documents.schemas.workspace import CONFIG_FILE, WorkspaceConfig
from cardgate.documents.validated import ValidatedDocument, validate_document

MODEL_CARD_FILE = "model-card.yaml"
DATASHEET_FILE = "datasheet.yaml"
CHECKLIST_GLOB = "checklist*.yaml"
SIGNOFFS_FILE = "signoffs.yaml"
DATA_CHECK_FILE = "data-check.json"
MONITORING_FILE = "monitoring.json"
"""Beside a model card: one entry per production window (`cardgate monitor`)."""
"""The data-check artifact beside a datasheet (written by `cardgate check-data`)."""
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class SystemDocs:
    """Everything a workspace holds about one AI system."""

    id: str
    folder: Path
    card: ValidatedDocument | None
    checklists: list[ValidatedDocument] = field(default_factory=list)

    @property
    def model_card(self) -> ModelCard | None:
        model = self.card.model if self.card is not None else None
        return model if isinstance(model, ModelCard) else None

    def checklist_models(self) -> list[Checklist]:
        return [doc.model for doc in self.checklists if isinstance(doc.model, Checklist)]

    @property
    def signoffs_path(self) -> Path:
        return self.folder / SIGNOFFS_FILE


@dataclass
class DatasetDocs:
    """Everything a workspace holds about one dataset."""

    id: str
    folder: Path
    sheet: ValidatedDocument | None

    @property
    def datasheet(self) -> Datasheet | None:
        model = self.sheet.model if self.sheet is not None else None
        return model if isinstance(model, Datasheet) else None


@dataclass
class Workspace:
    """A loaded workspace: configuration, documents, and the problems found loading them."""

    root: Path
    config: WorkspaceConfig
    systems: dict[str, SystemDocs] = field(default_factory=dict)
    datasets: dict[str, DatasetDocs] = field(default_factory=dict)
    policy_doc: ValidatedDocument | None = None
    waivers_doc: ValidatedDocument | None = None

    @property
    def documents(self) -> list[ValidatedDocument]:
        """Every document found, in a stable order."""
        found: list[ValidatedDocument] = []
        for system in self.systems.values():
            if system.card is not None:
                found.append(system.card)
            found.extend(system.checklists)
        found.extend(d.sheet for d in self.datasets.values() if d.sheet is not None)
        found.extend(d for d in (self.policy_doc, self.waivers_doc) if d is not None)
        return found

    @property
    def problems(self) -> list[Problem]:
        """Loading and schema problems of every document."""
        return [p for doc in self.documents for p in doc.problems]

    @property
    def policy(self) -> Policy | None:
        model = self.policy_doc.model if self.policy_doc is not None else None
        return model if isinstance(model, Policy) else None

    @property
    def waivers(self) -> Waivers | None:
        model = self.waivers_doc.model if self.waivers_doc is not None else None
        return model if isinstance(model, Waivers) else None

    @property
    def systems_dir(self) -> Path:
        return self.root / self.config.systems_dir

    @functools.cached_property
    def signoff_records(self) -> frozenset[str]:
        """Real paths of the systems' sign-off records (set at load; every sign-off asks)."""
        return frozenset(os.path.realpath(s.signoffs_path) for s in self.systems.values())

    @property
    def datasets_dir(self) -> Path:
        return self.root / self.config.datasets_dir

    def resolve(self, relative: str, *, base: Path | None = None) -> Path:
        """A document-named path, confined to the workspace (raises PathEscapeError)."""
        return resolve_inside(self.root, relative, base=base)

    def relative(self, path: Path) -> str:
        """`path` relative to the workspace root, POSIX style (for artifacts and SARIF)."""
        root = os.fspath(self.root)  # resolved once, in load_workspace
        text = os.path.abspath(path)
        if text.startswith(root + os.sep):
            return text[len(root) + 1 :].replace(os.sep, "/")
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def find_workspace(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` holding `cardgate.yaml`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if os.path.lexists(folder / CONFIG_FILE):  # not a file: load_config says what it is
            return folder
    below = folders_holding(here, CONFIG_FILE)  # run from the project, one level up?
    hint = "run 'cardgate init', or pass --workspace DIR"
    if len(below) == 1:
        hint = f"the workspace is in {below[0]}/: cd {below[0]}, or pass --workspace {below[0]}"
    raise ConfigurationError(
        f"no {CONFIG_FILE} found in {display_path(here)} or any parent folder", hint=hint
    )


def workspace_root(explicit: Path | None, *, start: Path | None = None) -> Path:
    """The workspace folder: exactly `explicit` (--workspace) when given, which must hold
    cardgate.yaml; otherwise the nearest folder at or above `start` (default: here)."""
    if explicit is None:
        return find_workspace(start)
    if not explicit.is_dir():
        raise ConfigurationError(
            f"workspace folder {display_path(explicit)} does not exist",
            hint="pass the folder that holds cardgate.yaml",
        )
    if not os.path.lexists(explicit / CONFIG_FILE):  # a FIFO, a folder: load_config says so
        raise ConfigurationError(
            f"{display_path(explicit)} is not a workspace: it has no {CONFIG_FILE}",
            hint="pass the folder that holds cardgate.yaml, or create one with 'cardgate init'",
        )
    return explicit.resolve()


def load_config(root: Path) -> WorkspaceConfig:
    """Read and validate `cardgate.yaml`; any problem is a configuration error (exit 2)."""
    path = root / CONFIG_FILE
    try:
        loaded = load_document(path)
    except DocumentLoadError as error:
        raise ConfigurationError(error.problem.format(), hint=error.problem.hint) from error
    try:
        return WorkspaceConfig.model_validate(loaded.data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        span = loaded.positions.value(loc)
        where = ".".join(str(part) for part in loc) or "document"
        raise ConfigurationError(
            f"{loaded.display}:{span.line}:{span.column}: CG100 '{where}': {first['msg']}",
            hint="see 'cardgate init' for a valid cardgate.yaml",
        ) from error


def load_workspace(root: Path) -> Workspace:
    """Load every document of the workspace at `root`, once."""
    with paused_collector():
        return _load_workspace(root)


def _load_workspace(root: Path) -> Workspace:
    root = root.resolve()
    config = load_config(root)
    workspace = Workspace(root=root, config=config)
    for label in ("systems_dir", "datasets_dir"):
        try:
            resolve_inside(root, getattr(config, label))
        except PathEscapeError as error:
            raise ConfigurationError(f"{CONFIG_FILE}: '{label}': {error}") from error
    systems = []
    for folder in _subfolders(workspace.systems_dir):
        _refuse_other_case(folder, _is_system_document)
        systems.append(
            (folder, _one_named(folder, MODEL_CARD_FILE), _all_named(folder, CHECKLIST_GLOB))
        )
    sheets = []
    for folder in _subfolders(workspace.datasets_dir):
        _refuse_other_case(folder, _SHEET_NAMES.__contains__)
        if (sheet := _one_named(folder, DATASHEET_FILE)) is not None:
            sheets.append(sheet)
    policy_path, waivers_path = (_configured(root, config, x) for x in ("policy", "waivers"))
    if config.signers is not None:
        _check_allowed_signers(root, config.signers.allowed_signers)
    for label, path in (("policy", policy_path), ("waivers", waivers_path)):
        written, default = getattr(config, label), WorkspaceConfig.model_fields[label].default
        if written != default and not path.is_file():
            raise ConfigurationError(
                f"{CONFIG_FILE}: '{label}: {written}' names a file that does not exist",
                hint=f"fix the path, or remove '{label}:' to use the default ({default})",
            )
    shared = [path for path in (policy_path, waivers_path) if os.path.lexists(path)]
    found = [
        *(path for _, first, rest in systems for path in (first, *rest) if path is not None),
        *sheets,
        *shared,
    ]
    prefetch([path for path in found if not leads_outside(root, path)])
    for folder, card_path, checklist_paths in systems:
        card = _load(card_path, "model-card", root=root) if card_path is not None else None
        checklists = [_load(path, "checklist", root=root) for path in checklist_paths]
        if card is None and not checklists:
            continue
        workspace.systems[folder.name] = SystemDocs(folder.name, folder, card, checklists)
    for sheet_path in sheets:
        folder = sheet_path.parent
        workspace.datasets[folder.name] = DatasetDocs(
            folder.name, folder, _load(sheet_path, "datasheet", root=root)
        )
    if policy_path in shared:
        workspace.policy_doc = _load(policy_path, "policy", root=root)
    if waivers_path in shared:
        workspace.waivers_doc = _load(waivers_path, "waivers", root=root)
    return workspace


def load_file(path: Path) -> ValidatedDocument:
    """Load and validate a single document outside any workspace."""
    return _load(path, None)


def _one_named(folder: Path, name: str) -> Path | None:
    """`folder/name` as `.yaml` or `.yml`; a ConfigurationError when both exist."""
    stem = name.rsplit(".", 1)[0]
    found = [folder / (stem + suffix) for suffix in YAML_SUFFIXES]
    found = [path for path in found if os.path.lexists(path)]  # a FIFO too: reported
    if len(found) > 1:
        raise ConfigurationError(
            f"{display_path(found[0])} and {display_path(found[1])}: one document, two files",
            hint="keep one of them",
        )
    return found[0] if found else None


def _all_named(folder: Path, pattern: str) -> list[Path]:
    """Files matching `pattern` as `.yaml` or `.yml`, sorted; a stem only once."""
    stem = pattern.rsplit(".", 1)[0]
    found = sorted(path for suffix in YAML_SUFFIXES for path in folder.glob(stem + suffix))
    stems = [path.with_suffix("") for path in found]
    for path in found:
        if stems.count(path.with_suffix("")) > 1:
            raise ConfigurationError(
                f"{display_path(path.with_suffix('.yaml'))} and .yml: one document, two files",
                hint="keep one of them",
            )
    return found


def _is_system_document(name: str) -> bool:
    return name in _CARD_NAMES or (name.startswith("checklist") and name.endswith(YAML_SUFFIXES))


_CARD_NAMES = frozenset(MODEL_CARD_FILE.removesuffix(".yaml") + s for s in YAML_SUFFIXES)
_SHEET_NAMES = frozenset(DATASHEET_FILE.removesuffix(".yaml") + s for s in YAML_SUFFIXES)


def _refuse_other_case(folder: Path, is_document: Callable[[str], bool]) -> None:
    """A configuration error for a file of `folder` named like a document in another case
    (``model-card.YAML``): unread on a CI runner, read on a laptop (case-insensitive)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in sorted(names):
        if is_document(name.lower()) and not is_document(name):
            raise ConfigurationError(
                f"{display_path(folder / name)}: named like a cardgate document in another "
                "case; not read as one",
                hint=f"rename it {name.lower()} (document names are lower case)",
            )


def _subfolders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(child for child in folder.iterdir() if child.is_dir())


def _configured(root: Path, config: WorkspaceConfig, label: str) -> Path:
    """The policy or waivers file `cardgate.yaml` names, confined to the workspace; found
    as `.yml` too (never ignored), both at once a configuration error."""
    name: str = getattr(config, label)
    try:
        path = named_inside(root, name)
        if name.endswith(".yaml") and not os.path.lexists(path):
            other = named_inside(root, name.removesuffix(".yaml") + ".yml")
            path = other if os.path.lexists(other) else path
    except PathEscapeError as error:
        raise ConfigurationError(
            f"{CONFIG_FILE}: '{label}': {error}",
            hint="the policy and the waivers are documents of the workspace",
        ) from error
    if name.endswith(".yaml"):
        _one_named(path.parent, path.with_suffix(".yaml").name)  # both names: an error
        names = {path.with_suffix(suffix).name for suffix in YAML_SUFFIXES}
        _refuse_other_case(path.parent, names.__contains__)
    return path


def _check_allowed_signers(root: Path, name: str) -> None:
    """`signers.allowed_signers`: in the workspace (who may sign is reviewed with it), and
    a regular file of a size ssh-keygen reads in a moment, when it exists (a missing one
    leaves every signature unverifiable: GATE-SO003)."""
    label = f"{CONFIG_FILE}: 'signers.allowed_signers'"
    try:
        path = named_inside(root, name)
    except PathEscapeError as error:
        raise ConfigurationError(
            f"{label}: {error}",
            hint="the allowed signers are a file of the workspace, reviewed like the policy",
        ) from error
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
    except FileNotFoundError:
        return
    except UnreadableFile as error:
        raise ConfigurationError(f"{label}: {name} {error.reason}", hint=error.hint) from error
    except OSError as error:
        raise ConfigurationError(f"{label}: {name} cannot be read: {error.strerror}") from error
    most = SIGNERS_BYTES.value()
    if size > most:
        refused = over_limit(path, size, SIGNERS_BYTES, most)
        raise ConfigurationError(
            f"{label}: {name} {refused.reason}",
            hint="is this the right file? It holds one line per signer's public key "
            f"(the limit is set by {SIGNERS_BYTES.variable})",
        )


def _load(path: Path, kind: str | None, *, root: Path | None = None) -> ValidatedDocument:
    """Load and validate one document; when it is in a workspace (`root`), a link leading
    outside the workspace is a problem, and the file is not read."""
    try:
        loaded = load_document(path, within=root)
    except DocumentLoadError as error:
        return ValidatedDocument(None, None, [error.problem])
    return validate_document(loaded, expected_kind=kind)


def origin(document: ValidatedDocument | None, path: Path) -> tuple[str, Span]:
    """Where to point at a whole document: its display path and line 1."""
    if document is not None and document.loaded is not None:
        return document.loaded.display, Span(1, 1)
    return display_path(path), Span(1, 1)
