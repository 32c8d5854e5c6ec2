"""A regulation's text as a framework catalog: the EU AI Act, the NYC LL144 rules.

The catalog files (``checklists/frameworks/eu-ai-act-2024-1689.yaml``, ``nyc-ll144.yaml``)
are verbatim copies of the project's reference data: one entry per article, paragraph,
point and sub-point (``id``, ``parent``, ``level``, ``label``, ``title``, ``text``,
``source``), with the provenance of each. Nothing here rewrites that text.

Coverage counts *provisions*: the entries without children under the tops the framework
lists (``coverage`` in ``frameworks.yaml``), leaving out chapeaus, examples and formulas.
Each provision rolls up to its top (an article or annex: the "function" level of the
generic catalog) and to the paragraph or point directly under that top (the "category"
level). A checklist item may map to any entry: an item mapped to ``annex-iv-2`` serves
points 2(a) to 2(h).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cardgate.core.errors import ConfigurationError
from cardgate.frameworks.catalog import Catalog, Category, Function, Subcategory

NOT_COUNTED = frozenset({"chapeau", "example", "example-note", "display-formula", "definition"})
"""Levels of entry that are never provisions coverage counts."""


@dataclass(frozen=True)
class Provision:
    """One entry of a regulation's text, verbatim."""

    id: str
    parent: str | None
    level: str
    label: str
    title: str
    text: str
    """Verbatim; empty only for an entry the reference data lists as missing."""
    source: Mapping[str, Any]
    cite: str
    """How it is cited: "Article 9(2)(a)", "Annex IV, point 2(d)", "§ 5-301(b)(3)(i)"."""
    missing: bool = False

    @property
    def heading(self) -> str:
        """The label with the title, for an article or annex ("Article 9 Risk management
        system"), else the citation."""
        return f"{self.label} {self.title}".strip() if self.title else self.cite


def _part(label: str) -> str:
    """'1.' -> '1', '(a)' -> 'a', 'i.' -> 'i'."""
    return label.strip().strip("().").strip()


def _cite(chain: Sequence[Mapping[str, Any]]) -> str:
    """The citation of the last entry of `chain` (top first)."""
    top = str(chain[0].get("label") or chain[0]["id"])
    annex = top.upper().startswith("ANNEX ")
    if annex:
        top = "Annex " + top.split(" ", 1)[1]
    labels = [_part(str(entry.get("label") or "")) for entry in chain[1:]]
    labels = [label for label in labels if label]
    if not labels:
        return f"{top} (introduction)" if len(chain) > 1 else top
    if annex:
        return f"{top}, point {labels[0]}" + "".join(f"({x})" for x in labels[1:])
    return top + "".join(f"({x})" for x in labels)


def _text(entry: Mapping[str, Any]) -> str:
    value = entry.get("text")
    return "" if value is None else str(value)


def build_provisions_catalog(
    data: Mapping[str, Any], index: Mapping[str, Any], *, display: str
) -> Catalog:
    """The catalog of a regulation's text `data`, as `index` (its ``frameworks.yaml``
    entry) describes it. `ConfigurationError` when the file is not such a text."""
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError(f"the framework catalog {display} has no entries")
    missing_ids = {
        str(m.get("id")) for m in data.get("missing") or [] if isinstance(m, dict) and m.get("id")
    }
    by_id: dict[str, Mapping[str, Any]] = {}
    children: dict[str | None, list[str]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ConfigurationError(f"the framework catalog {display} has an entry without id")
        by_id[entry["id"]] = entry
        parent = entry.get("parent")
        children.setdefault(parent if isinstance(parent, str) else None, []).append(entry["id"])
    provisions: dict[str, Provision] = {}
    for entry_id, entry in by_id.items():
        chain = [entry]
        while chain[0].get("parent"):
            parent = by_id.get(str(chain[0]["parent"]))
            if parent is None or len(chain) > 20:
                raise ConfigurationError(
                    f"the framework catalog {display}: entry '{entry_id}' has an unknown parent"
                )
            chain.insert(0, parent)
        provisions[entry_id] = Provision(
            id=entry_id,
            parent=str(entry["parent"]) if entry.get("parent") else None,
            level=str(entry.get("level") or ""),
            label=str(entry.get("label") or ""),
            title=str(entry.get("title") or ""),
            text=_text(entry),
            source=dict(entry.get("source") or {}),
            cite=_cite(chain),
            missing=entry_id in missing_ids,
        )
    tops = [str(top) for top in index.get("coverage") or []]
    unknown = [top for top in tops if top not in provisions]
    if unknown:
        raise ConfigurationError(
            f"frameworks.yaml: {index.get('id')} counts '{unknown[0]}', which {display} lacks"
        )
    functions = tuple(_function(provisions, children, top) for top in tops)
    metadata = data.get("metadata") or {}
    return Catalog(
        id=str(index["id"]),
        title=str(metadata.get("title") or index.get("short_title") or index["id"]),
        functions=functions,
        license_note=_licence(metadata),
        source=dict(metadata),
        short_title=str(index.get("short_title") or index["id"]),
        levels=_levels(index),
        provisions=provisions,
        names=tuple(str(name) for name in index.get("names") or ()),
        metadata=dict(index),
    )


def _levels(index: Mapping[str, Any]) -> tuple[str, str, str]:
    levels = [str(level) for level in index.get("levels") or ()]
    if len(levels) != 3:
        return ("top", "group", "provision")
    return (levels[0], levels[1], levels[2])


def _licence(metadata: Mapping[str, Any]) -> str:
    note = metadata.get("licence_note")
    if isinstance(note, dict):
        statement = str(note.get("statement") or "")
        acknowledgement = str(note.get("acknowledgement_to_use") or "")
        return " ".join(part for part in (statement, acknowledgement) if part)
    return str(note or "")


def _counted(provisions: Mapping[str, Provision], entry_id: str) -> bool:
    return provisions[entry_id].level not in NOT_COUNTED


def _leaves(
    provisions: Mapping[str, Provision], children: Mapping[str | None, list[str]], entry_id: str
) -> list[str]:
    """The counted entries without counted children under `entry_id` (itself if a leaf)."""
    below = [child for child in children.get(entry_id, []) if _counted(provisions, child)]
    if not below:
        return [entry_id]
    found: list[str] = []
    for child in below:
        found.extend(_leaves(provisions, children, child))
    return found


def _function(
    provisions: Mapping[str, Provision], children: Mapping[str | None, list[str]], top: str
) -> Function:
    entry = provisions[top]
    categories: list[Category] = []
    for group in children.get(top, []):
        if not _counted(provisions, group):
            continue
        group_entry = provisions[group]
        units = tuple(
            Subcategory(
                id=leaf,
                function=top,
                category=group,
                statement=provisions[leaf].text,
                page=0,
            )
            for leaf in _leaves(provisions, children, group)
        )
        categories.append(
            Category(
                id=group, function=top, statement=group_entry.text, page=0, subcategories=units
            )
        )
    code = re.sub(r"^Article ", "Art. ", entry.cite)
    return Function(
        id=top,
        code=code,
        title=entry.title,
        description=entry.heading,
        categories=tuple(categories),
    )
