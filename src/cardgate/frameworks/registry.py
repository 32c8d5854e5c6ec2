"""The frameworks cardgate knows, as data: ``checklists/frameworks/frameworks.yaml``.

Each entry names a catalog file and its format: ``nist-ai-rmf`` (the NIST AI RMF 1.0 core,
`cardgate.frameworks.catalog`) or ``provisions`` (a regulation's text, one entry per
paragraph and point: `cardgate.frameworks.provisions`), what its three levels are called,
which of its parts coverage counts, and other names ``--framework`` accepts. A new
regulation is a catalog file and an entry here; no code.

Every framework loads into the same `Catalog` type, so coverage, its reports and the gate
work on any of them alike.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cardgate.core.errors import ConfigurationError, UsageError
from cardgate.core.resources import data_dir
from cardgate.frameworks.catalog import FRAMEWORK_ID, Catalog, load_catalog, read_catalog_yaml
from cardgate.frameworks.provisions import build_provisions_catalog

INDEX_FILE = "frameworks.yaml"
DEFAULT_FRAMEWORK = FRAMEWORK_ID
"""What coverage reports when no framework is named: the NIST AI RMF 1.0."""


def frameworks_dir() -> Path:
    return data_dir("checklists") / "frameworks"


@functools.cache
def framework_index() -> Mapping[str, Mapping[str, Any]]:
    """Every framework's entry of ``frameworks.yaml``, by id, in file order."""
    data = read_catalog_yaml(frameworks_dir() / INDEX_FILE)
    found: dict[str, Mapping[str, Any]] = {}
    for entry in data.get("frameworks") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ConfigurationError(f"{INDEX_FILE}: every framework needs an id")
        found[entry["id"]] = entry
    return found


def framework_names() -> Mapping[str, str]:
    """Every name ``--framework`` accepts (ids and their other names) -> the id."""
    names: dict[str, str] = {}
    for framework_id, entry in framework_index().items():
        names[framework_id] = framework_id
        for name in entry.get("names") or ():
            names[str(name)] = framework_id
    return names


def framework_id(name: str) -> str:
    """The id of the framework called `name`; `UsageError` naming the known ones."""
    names = framework_names()
    found = names.get(name)
    if found is None:
        close = difflib.get_close_matches(name, list(names), n=1)
        raise UsageError(
            f"unknown framework '{name}'",
            hint=(f"did you mean '{close[0]}'? " if close else "")
            + "frameworks: "
            + ", ".join(sorted(names)),
        )
    return found


def is_framework(name: str) -> bool:
    return name in framework_names()


def load_framework(name: str) -> Catalog:
    """The catalog of the framework `name` (an id or another name), loaded once."""
    return _load(framework_id(name))


@functools.cache
def _load(framework: str) -> Catalog:
    entry = framework_index()[framework]
    kind = entry.get("format")
    if kind == "nist-ai-rmf":
        return load_catalog()
    if kind == "provisions":
        path = frameworks_dir() / str(entry.get("file"))
        return build_provisions_catalog(
            read_catalog_yaml(path), entry, display=f"<cardgate>/checklists/frameworks/{path.name}"
        )
    raise ConfigurationError(f"{INDEX_FILE}: {framework} has an unknown format '{kind}'")


def application_dates(framework: str, schedule: str) -> Mapping[str, str]:
    """A framework's application dates under `schedule` (``regulation-2024``), key -> ISO
    date; a key the schedule does not list keeps the first schedule's date."""
    schedules = framework_index()[framework_id(framework)].get("application_dates") or {}
    if schedule not in schedules:
        raise UsageError(
            f"unknown schedule '{schedule}' of {framework}",
            hint="schedules: " + (", ".join(schedules) or "(none)"),
        )
    first = next(iter(schedules.values()))
    dates = {str(k): str(v) for k, v in (first.get("dates") or {}).items()}
    dates.update({str(k): str(v) for k, v in (schedules[schedule].get("dates") or {}).items()})
    return dates
