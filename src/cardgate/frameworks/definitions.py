"""Checklist definitions: load, validate against the schema and the framework catalog.

Definitions ship in ``checklists/*.yaml``; a workspace may add its own in its
``checklists/`` folder (``checklists_dir`` in ``cardgate.yaml``). Every problem carries the
file, line and column it concerns. Schema errors use the shared ``CG1xx`` codes of
`cardgate.documents.validated`; the checks that need the catalog use these codes:

======  ==================================================================================
CL001   a file in the checklists folder is not a ``checklist-definition``
CL002   an item id appears twice in one definition
CL003   ``maps_to`` names a subcategory the framework catalog does not have
CL004   ``framework`` names a catalog cardgate does not know
CL005   a ``sources`` action id is unknown, or its subcategory is not in ``maps_to``
CL006   a workspace definition reuses the id of a shipped definition
CL007   two workspace definitions have the same id
======  ==================================================================================
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cardgate.core.paths import PathEscapeError, display_path, resolve_inside
from cardgate.core.problems import Problem, Span
from cardgate.core.resources import data_dir
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import LoadedDocument, load_document
from cardgate.documents.schemas.checklist_definition import ChecklistDefinition, ChecklistItem
from cardgate.documents.validated import schema_problems
from cardgate.documents.workspace import Workspace
from cardgate.frameworks.catalog import Catalog, load_catalog

KIND = "checklist-definition"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Definition:
    """A validated checklist definition and where each of its parts was written."""

    model: ChecklistDefinition
    loaded: LoadedDocument
    shipped: bool

    @property
    def id(self) -> str:
        return self.model.id

    @functools.cached_property
    def items(self) -> Mapping[str, ChecklistItem]:
        """Items by id, in definition order."""
        return {item.id: item for item in self.model.items}

    def applicable_items(self, risk_tier: str | None) -> tuple[ChecklistItem, ...]:
        """Items that apply to a system of this tier (all items when the tier is unknown)."""
        return tuple(item for item in self.model.items if applies(item, risk_tier))

    def item_span(self, item_id: str) -> Span:
        """Where the item with this id starts in the definition file."""
        for index, item in enumerate(self.model.items):
            if item.id == item_id:
                return self.loaded.positions.value(("items", index))
        return Span(1, 1)


def applies(item: ChecklistItem, risk_tier: str | None) -> bool:
    """Whether `item` applies to a system of `risk_tier` (None: tier unknown, all apply)."""
    return risk_tier is None or item.applies_to is None or risk_tier in item.applies_to


@dataclass
class DefinitionSet:
    """The definitions available to a workspace, and the problems found loading them."""

    definitions: dict[str, Definition] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, definition_id: str) -> Definition | None:
        return self.definitions.get(definition_id)

    def __iter__(self) -> Iterator[Definition]:
        return iter(self.definitions.values())

    def __len__(self) -> int:
        return len(self.definitions)


def load_definition(
    path: Path,
    *,
    catalog: Catalog | None = None,
    shipped: bool = False,
    display: str | None = None,
    within: Path | None = None,
) -> tuple[Definition | None, list[Problem]]:
    """Load and validate one definition file; the definition is None when it is unusable.

    `within`: the workspace of a workspace definition (a link leading out is not read)."""
    try:
        loaded = load_document(path, display=display, within=within)
    except DocumentLoadError as error:
        return None, [error.problem]
    return validate_definition(loaded, catalog=catalog, shipped=shipped)


def validate_definition(
    loaded: LoadedDocument, *, catalog: Catalog | None = None, shipped: bool = False
) -> tuple[Definition | None, list[Problem]]:
    """Validate a loaded document as a checklist definition, schema then catalog references."""
    kind = loaded.data.get("kind")
    if kind != KIND:
        where = loaded.positions.value(("kind",)) if "kind" in loaded.data else Span(1, 1)
        found = f"found '{kind}'" if kind is not None else "'kind' is missing"
        return None, [
            Problem.at(
                loaded.display,
                where,
                "CL001",
                f"expected a '{KIND}' in the checklists folder, {found}",
                hint="the checklists folder holds checklist definitions; answers (kind: "
                "checklist) go in systems/<id>/",
            )
        ]
    try:
        model = ChecklistDefinition.model_validate(loaded.data)
    except ValidationError as error:
        return None, schema_problems(loaded, ChecklistDefinition, error)
    problems = check_references(loaded, model, catalog or load_catalog())
    if problems:
        return None, problems
    return Definition(model, loaded, shipped), []


def _framework_catalog(name: str, given: Catalog) -> Catalog | None:
    """The catalog of framework `name`: `given` when it is that one, else a shipped one."""
    from cardgate.frameworks.registry import framework_index, load_framework

    if name == given.id:
        return given
    return load_framework(name) if name in framework_index() else None


def _known_frameworks(given: Catalog) -> str:
    from cardgate.frameworks.registry import framework_index

    return ", ".join(dict.fromkeys([given.id, *framework_index()]))


def _reference_problems(
    loaded: LoadedDocument,
    catalog: Catalog,
    refs: list[str],
    where: tuple[str | int, ...],
) -> list[Problem]:
    """CL003 for each of `refs` (at data path `where` + index) that `catalog` lacks."""
    problems: list[Problem] = []
    for ref_index, ref in enumerate(refs):
        if catalog.expand(ref):
            continue
        if ref in catalog.provisions:
            message = (
                f"'{ref}' ({catalog.cite(ref)}) is not among what coverage of {catalog.id} counts"
            )
            hint = "map to " + ", ".join(fn.code for fn in catalog.functions)
        else:
            units = [*catalog.subcategories, *catalog.provisions]
            close = difflib.get_close_matches(ref, units, n=1)
            noun = "a subcategory" if not catalog.provisions else "a provision"
            message = f"'{ref}' is not {noun} of {catalog.id}"
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else "subcategory ids read like 'GOVERN 1.1' … 'MANAGE 4.3'"
                if not catalog.provisions
                else f"provision ids read like '{next(iter(catalog.subcategories))}'"
            )
        problems.append(
            Problem.at(
                loaded.display,
                loaded.positions.value((*where, ref_index)),
                "CL003",
                message,
                hint=hint,
            )
        )
    return problems


def check_references(
    loaded: LoadedDocument, model: ChecklistDefinition, catalog: Catalog
) -> list[Problem]:
    """Problems with what the definition refers to: frameworks, their provisions or
    subcategories, action ids. `catalog` is the default framework (a test's own)."""
    shown = loaded.display
    positions = loaded.positions
    problems: list[Problem] = []
    primary = _framework_catalog(model.framework, catalog)
    if primary is None:
        problems.append(
            Problem.at(
                shown,
                positions.value(("framework",)),
                "CL004",
                f"unknown framework catalog '{model.framework}'",
                hint=f"the frameworks cardgate ships: {_known_frameworks(catalog)}",
            )
        )
        return problems
    first_seen: dict[str, Span] = {}
    for index, item in enumerate(model.items):
        where = positions.value(("items", index, "id"))
        if item.id in first_seen:
            problems.append(
                Problem.at(
                    shown,
                    where,
                    "CL002",
                    f"item id '{item.id}' is used twice (first at line {first_seen[item.id].line})",
                    hint="give every item its own id; answers refer to items by id",
                )
            )
        else:
            first_seen[item.id] = where
        problems.extend(
            _reference_problems(loaded, primary, item.maps_to, ("items", index, "maps_to"))
        )
        for other, refs in (item.also_maps_to or {}).items():
            found = _framework_catalog(other, catalog)
            if found is None:
                problems.append(
                    Problem.at(
                        shown,
                        positions.key(("items", index, "also_maps_to", other)),
                        "CL004",
                        f"unknown framework catalog '{other}'",
                        hint=f"the frameworks cardgate ships: {_known_frameworks(catalog)}",
                    )
                )
                continue
            problems.extend(
                _reference_problems(loaded, found, refs, ("items", index, "also_maps_to", other))
            )
        for src_index, action_id in enumerate(item.sources or []):
            action = primary.gai_actions.get(action_id) or catalog.gai_actions.get(action_id)
            where_src = positions.value(("items", index, "sources", src_index))
            if action is None:
                problems.append(
                    Problem.at(
                        shown,
                        where_src,
                        "CL005",
                        f"'{action_id}' is not an action of NIST AI 600-1",
                        hint="action ids read like 'GV-1.1-001'; see "
                        "checklists/frameworks/nist-ai-600-1.yaml",
                    )
                )
            elif action.subcategory not in item.maps_to:
                problems.append(
                    Problem.at(
                        shown,
                        where_src,
                        "CL005",
                        f"action '{action_id}' serves {action.subcategory}, which is not in "
                        "this item's maps_to",
                        hint=f"add '{action.subcategory}' to maps_to",
                    )
                )
    return problems


@functools.cache
def _shipped(directory: Path) -> DefinitionSet:
    catalog = load_catalog()
    result = DefinitionSet()
    for path in _definition_files(directory):
        definition, problems = load_definition(
            path, catalog=catalog, shipped=True, display=f"<cardgate>/checklists/{path.name}"
        )
        result.problems.extend(problems)
        if definition is not None:
            result.definitions[definition.id] = definition
    return result


def shipped_definitions() -> DefinitionSet:
    """The definitions that ship with cardgate (loaded once per process)."""
    return _shipped(data_dir("checklists"))


def load_definitions(
    workspace_dir: Path | None = None,
    *,
    catalog: Catalog | None = None,
    root: Path | None = None,
) -> DefinitionSet:
    """Shipped definitions plus those in a workspace's checklists folder `workspace_dir`.

    Workspace definitions whose id collides with a shipped one or with another workspace
    definition are reported and left out.
    """
    shipped = shipped_definitions()
    result = DefinitionSet(dict(shipped.definitions), list(shipped.problems))
    if workspace_dir is None or not workspace_dir.is_dir():
        return result
    catalog = catalog or load_catalog()
    origins: dict[str, str] = {}
    for path in _definition_files(workspace_dir):
        display = display_path(path)
        definition, problems = load_definition(path, catalog=catalog, display=display, within=root)
        result.problems.extend(problems)
        if definition is None:
            continue
        where = definition.loaded.positions.value(("id",))
        if definition.id in shipped.definitions:
            result.problems.append(
                Problem.at(
                    display,
                    where,
                    "CL006",
                    f"checklist id '{definition.id}' is already used by a definition that "
                    "ships with cardgate",
                    hint="choose another id, e.g. prefix it with your organisation's name",
                )
            )
        elif definition.id in origins:
            result.problems.append(
                Problem.at(
                    display,
                    where,
                    "CL007",
                    f"checklist id '{definition.id}' is also defined in {origins[definition.id]}",
                    hint="each checklist definition needs its own id",
                )
            )
        else:
            origins[definition.id] = display
            result.definitions[definition.id] = definition
    return result


def workspace_definitions(workspace: Workspace) -> DefinitionSet:
    """Shipped definitions plus the workspace's own (``checklists_dir`` of cardgate.yaml)."""
    try:
        folder: Path | None = resolve_inside(workspace.root, workspace.config.checklists_dir)
    except PathEscapeError:
        folder = None  # the configuration check reports it; use the shipped ones only
    return load_definitions(folder, root=workspace.root)


def _definition_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(
        path for path in directory.iterdir() if not path.is_dir() and path.suffix in YAML_SUFFIXES
    )
