"""The NIST AI RMF 1.0 catalog, the AI 600-1 Generative AI Profile and the crosswalks.

The data ships in ``checklists/frameworks/`` (in the wheel: ``cardgate/_data/checklists``).
It is cardgate's own, trusted data, so it is read with PyYAML's safe loader rather than the
position-tracking loader used for documents people write; it is read once per process.

``Catalog`` is the typed model: functions → categories → subcategories, each subcategory
with its exact AI 100-1 statement, printed page and the AI RMF Playbook's suggested actions
and documentation questions; the AI 600-1 risks and suggested actions keyed to
subcategories; and the crosswalks (``Crosswalk.targets_of``) from subcategories or
functions to other frameworks' clause numbers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cardgate.core.errors import ConfigurationError, UsageError
from cardgate.core.resources import data_dir

FRAMEWORK_ID = "nist-ai-rmf-1.0"
"""Catalog id that checklist definitions name in their ``framework`` field."""

FUNCTION_IDS = ("GOVERN", "MAP", "MEASURE", "MANAGE")


CROSSWALK_ALIASES: Mapping[str, str] = {
    "iso-42001": "ai-rmf-1.0-to-iso-iec-42001",
    "iso-23894": "ai-rmf-1.0-to-iso-iec-fdis-23894",
}
"""Short names accepted by ``--crosswalk``; the full crosswalk ids are accepted too."""

_SUBCATEGORY_ID = re.compile(r"^(GOVERN|MAP|MEASURE|MANAGE) ([0-9]+)\.([0-9]+)$")


def subcategory_sort_key(subcategory_id: str) -> tuple[int, int, int]:
    """Catalog order for a subcategory id ("GOVERN 1.2" before "GOVERN 1.10", MAP after GOVERN)."""
    match = _SUBCATEGORY_ID.match(subcategory_id)
    if match is None:
        return (len(FUNCTION_IDS), 0, 0)
    return (FUNCTION_IDS.index(match.group(1)), int(match.group(2)), int(match.group(3)))


def reference_sort_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order for clause numbers: '4.1' < '6.1.2' < '10' < 'B.2.2'."""
    parts: list[tuple[int, int | str]] = []
    for part in reference.split("."):
        parts.append((0, int(part)) if part.isdigit() else (1, part))
    return tuple(parts)


@dataclass(frozen=True)
class Subcategory:
    """One AI RMF subcategory, e.g. ``GOVERN 1.1``."""

    id: str
    function: str
    category: str
    statement: str
    page: int
    """Printed page in NIST AI 100-1; 0 for a framework without pages."""
    suggested_actions: tuple[str, ...] = ()
    documentation_questions: tuple[str, ...] = ()
    transparency_resources: tuple[str, ...] = ()
    ai_actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    """One AI RMF category, e.g. ``GOVERN 1``."""

    id: str
    function: str
    statement: str
    page: int
    subcategories: tuple[Subcategory, ...]


@dataclass(frozen=True)
class Function:
    """One of the four AI RMF functions."""

    id: str
    code: str
    title: str
    description: str
    categories: tuple[Category, ...]

    @property
    def subcategories(self) -> tuple[Subcategory, ...]:
        return tuple(sub for category in self.categories for sub in category.subcategories)


@dataclass(frozen=True)
class GaiRisk:
    """One of the 12 risks of NIST AI 600-1 Section 2."""

    id: str
    number: int
    title: str
    description: str


@dataclass(frozen=True)
class GaiAction:
    """One AI 600-1 suggested action, keyed to the AI RMF subcategory it serves."""

    id: str
    subcategory: str
    statement: str
    gai_risks: tuple[str, ...]


@dataclass(frozen=True)
class Crosswalk:
    """A mapping from AI RMF subcategories or functions to another framework's references."""

    id: str
    title: str
    provider: str
    url: str
    mappings: Mapping[str, tuple[str, ...]]
    notes: tuple[str, ...] = ()

    def targets_of(self, subcategory: Subcategory) -> tuple[str, ...]:
        """References mapped from this subcategory, directly or through its function."""
        direct = self.mappings.get(subcategory.id, ())
        via_function = self.mappings.get(subcategory.function, ())
        return direct + tuple(ref for ref in via_function if ref not in direct)

    def references(self) -> tuple[str, ...]:
        """Every target reference, in natural clause order."""
        seen = {ref for refs in self.mappings.values() for ref in refs}
        return tuple(sorted(seen, key=reference_sort_key))


@dataclass(frozen=True)
class Catalog:
    """The AI RMF 1.0 core with Playbook guidance, the AI 600-1 profile and crosswalks."""

    id: str
    title: str
    functions: tuple[Function, ...]
    license_note: str
    source: Mapping[str, Any]
    gai_risks: tuple[GaiRisk, ...] = ()
    gai_actions: Mapping[str, GaiAction] = field(default_factory=dict)
    crosswalks: Mapping[str, Crosswalk] = field(default_factory=dict)
    characteristics: tuple[Mapping[str, str], ...] = ()
    """The characteristic-level crosswalk (AI RMF trustworthiness characteristic -> the
    terms of the OECD Recommendation, the 2021 *proposal* for the EU AI Act, EO 13960 and
    the Blueprint for an AI Bill of Rights), one mapping per characteristic, as printed.
    Its EU column (``eu_ai_act_proposed``) names the proposal's terms, not the adopted
    Regulation's: reports show it as historical; the Regulation itself is the
    ``eu-ai-act-2024-1689`` framework."""
    short_title: str = "NIST AI RMF 1.0"
    """What reports call the framework ("NIST AI RMF 1.0 coverage")."""
    levels: tuple[str, str, str] = ("function", "category", "subcategory")
    """What the three levels are called (functions / categories / subcategories here;
    articles / paragraphs / provisions for a regulation)."""
    provisions: Mapping[str, Any] = field(default_factory=dict)
    """For a regulation (`cardgate.frameworks.provisions`): every entry of its text by id,
    including those coverage does not count (Annex III, chapeaus)."""
    names: tuple[str, ...] = ()
    """Other names ``--framework`` accepts (``eu-ai-act``)."""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """The framework's entry in ``frameworks.yaml`` (application dates ...)."""

    @property
    def unit(self) -> str:
        """What coverage counts, in the plural ("subcategories", "provisions")."""
        return "subcategories" if self.levels[2] == "subcategory" else f"{self.levels[2]}s"

    def expand(self, reference: str) -> tuple[str, ...]:
        """The units coverage counts that a checklist item mapped to `reference` serves:
        the subcategory itself, or every counted provision under a regulation's entry
        (an article, a paragraph, a point); () when the reference serves none."""
        if reference in self.subcategories:
            return (reference,)
        if reference not in self.provisions:
            return ()
        return self._descendants.get(reference, ())

    @functools.cached_property
    def _descendants(self) -> Mapping[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for unit_id in self.subcategories:
            entry = self.provisions.get(unit_id)
            while entry is not None:
                found.setdefault(entry.id, []).append(unit_id)
                entry = self.provisions.get(entry.parent) if entry.parent else None
        return {key: tuple(value) for key, value in found.items()}

    def cite(self, unit_id: str) -> str:
        """How a unit is cited: "GOVERN 1.1", "Article 9(2)(a)", "Annex IV, point 2(d)"."""
        entry = self.provisions.get(unit_id)
        return entry.cite if entry is not None else unit_id

    @functools.cached_property
    def subcategories(self) -> Mapping[str, Subcategory]:
        """Every subcategory by id, in catalog order (GOVERN 1.1 … MANAGE 4.3)."""
        return {sub.id: sub for function in self.functions for sub in function.subcategories}

    @functools.cached_property
    def categories(self) -> Mapping[str, Category]:
        """Every category by id, in catalog order."""
        return {cat.id: cat for function in self.functions for cat in function.categories}

    def subcategory(self, subcategory_id: str) -> Subcategory:
        """The subcategory with this id; `KeyError` when there is none."""
        return self.subcategories[subcategory_id]

    def crosswalk(self, name: str) -> Crosswalk:
        """A crosswalk by id or short name (``iso-42001``); `UsageError` if unknown."""
        crosswalk_id = CROSSWALK_ALIASES.get(name, name)
        if crosswalk_id not in self.crosswalks:
            known = ", ".join(sorted({*CROSSWALK_ALIASES, *self.crosswalks}))
            raise UsageError(f"unknown crosswalk '{name}'", hint=f"choose one of: {known}")
        return self.crosswalks[crosswalk_id]

    def crosswalk_names(self) -> tuple[str, ...]:
        """Short names of the crosswalks that map subcategories or functions."""
        return tuple(name for name, cid in CROSSWALK_ALIASES.items() if cid in self.crosswalks)


# --- loading ----------------------------------------------------------------------------------


def _strings(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(str(value) for value in values)


def read_catalog_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(
            f"cannot read the framework catalog {path}: {error.strerror or error}",
            hint="reinstall cardgate; the catalog ships inside the package",
        ) from error
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    if not isinstance(data, dict):
        raise ConfigurationError(f"the framework catalog {path} is not a mapping")
    return data


def _build_functions(data: Mapping[str, Any]) -> tuple[Function, ...]:
    functions: list[Function] = []
    for fn in data["functions"]:
        categories: list[Category] = []
        for cat in fn["categories"]:
            subs = tuple(
                Subcategory(
                    id=str(sub["id"]),
                    function=str(fn["id"]),
                    category=str(cat["id"]),
                    statement=str(sub["statement"]),
                    page=int(sub["page"]),
                    suggested_actions=_strings(sub.get("suggested_actions")),
                    documentation_questions=_strings(sub.get("documentation_questions")),
                    transparency_resources=_strings(sub.get("transparency_resources")),
                    ai_actors=_strings(sub.get("ai_actors")),
                    topics=_strings(sub.get("topics")),
                )
                for sub in cat["subcategories"]
            )
            categories.append(
                Category(
                    id=str(cat["id"]),
                    function=str(fn["id"]),
                    statement=str(cat["statement"]),
                    page=int(cat["page"]),
                    subcategories=subs,
                )
            )
        functions.append(
            Function(
                id=str(fn["id"]),
                code=str(fn["code"]),
                title=str(fn["title"]),
                description=str(fn["description"]),
                categories=tuple(categories),
            )
        )
    return tuple(functions)


def _build_profile(data: Mapping[str, Any]) -> tuple[tuple[GaiRisk, ...], dict[str, GaiAction]]:
    risks = tuple(
        GaiRisk(
            id=str(risk["id"]),
            number=int(risk["number"]),
            title=str(risk["title"]),
            description=str(risk["description"]),
        )
        for risk in data["risks"]
    )
    actions: dict[str, GaiAction] = {}
    for fn in data["functions"]:
        for cat in fn["categories"]:
            for sub in cat["subcategories"]:
                for action in sub["suggested_actions"]:
                    actions[str(action["id"])] = GaiAction(
                        id=str(action["id"]),
                        subcategory=str(sub["id"]),
                        statement=str(action["statement"]),
                        gai_risks=_strings(action.get("gai_risks")),
                    )
    return risks, actions


def _build_crosswalks(data: Mapping[str, Any]) -> dict[str, Crosswalk]:
    crosswalks: dict[str, Crosswalk] = {}
    for entry in data.get("crosswalks", []):
        mappings = entry.get("mappings")
        # Only crosswalks keyed by subcategory or function can be computed from coverage;
        # the characteristic-level one (OECD, EU AI Act ...) is reference text.
        if not isinstance(mappings, dict):
            continue
        crosswalks[str(entry["id"])] = Crosswalk(
            id=str(entry["id"]),
            title=str(entry.get("title", entry["id"])),
            provider=str(entry.get("provider", "")),
            url=str(entry.get("url", "")),
            mappings={str(key): _strings(refs) for key, refs in mappings.items()},
            notes=_strings(entry.get("notes")),
        )
    return crosswalks


def _build_characteristics(data: Mapping[str, Any]) -> tuple[Mapping[str, str], ...]:
    """The rows of the crosswalk keyed by trustworthiness characteristic (a list)."""
    for entry in data.get("crosswalks", []):
        mappings = entry.get("mappings")
        if isinstance(mappings, list):
            return tuple(
                {str(key): str(value) for key, value in row.items()}
                for row in mappings
                if isinstance(row, dict)
            )
    return ()


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load the AI RMF 1.0 catalog, the AI 600-1 profile and the crosswalks.

    `directory` defaults to the shipped ``checklists/frameworks`` folder; the shipped
    catalog is cached for the life of the process.
    """
    if directory is None:
        return _shipped_catalog()
    return _load_catalog(directory)


@functools.cache
def _shipped_catalog() -> Catalog:
    return _load_catalog(data_dir("checklists") / "frameworks")


def _load_catalog(directory: Path) -> Catalog:
    core = read_catalog_yaml(directory / "nist-ai-rmf-1.0.yaml")
    profile_path = directory / "nist-ai-600-1.yaml"
    crosswalk_path = directory / "crosswalks.yaml"
    risks, actions = (
        _build_profile(read_catalog_yaml(profile_path)) if profile_path.is_file() else ((), {})
    )
    crosswalk_data = read_catalog_yaml(crosswalk_path) if crosswalk_path.is_file() else {}
    crosswalks = _build_crosswalks(crosswalk_data)
    try:
        functions = _build_functions(core)
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigurationError(
            f"the framework catalog in {directory} is malformed: {error}"
        ) from error
    return Catalog(
        id=FRAMEWORK_ID,
        title=str(core.get("title", FRAMEWORK_ID)),
        functions=functions,
        license_note=str(core.get("license_note", "")),
        source=dict(core.get("source") or {}),
        gai_risks=risks,
        gai_actions=actions,
        crosswalks=crosswalks,
        characteristics=_build_characteristics(crosswalk_data),
    )
