"""The one list of interchange formats: name -> exporters (systems, datasets) and importer.

Each format is one module of `cardgate.interop` that defines a `Format`; this registry
lists them explicitly (no import-time self-registration), in the order `cardgate export
--help`, the site's download links and docs/interop.md show them. A format exports
systems, datasets or both, and may import.

An exporter is a pure function of its source record (`interop.source`): it returns the
files to write as ``{relative file name: bytes}``, the same bytes for the same source,
and reads nothing else. An importer turns the bytes of a file in its format into a draft
document (`Draft`), saying what it could not map.
"""

from __future__ import annotations

from collections.abc import Mapping

from cardgate.core.errors import UsageError
from cardgate.interop import annex_iv, croissant, cyclonedx, huggingface, ll144, mct, spdx
from cardgate.interop.format import Format

_LISTED: tuple[Format, ...] = (
    huggingface.FORMAT,
    mct.FORMAT,
    cyclonedx.FORMAT,
    spdx.FORMAT,
    croissant.FORMAT,
    ll144.FORMAT,
    annex_iv.FORMAT,
)
FORMATS: Mapping[str, Format] = {entry.name: entry for entry in _LISTED}
"""Every format, by name, in the order the help, the site and docs/interop.md show them."""


def export_format(name: str) -> Format:
    """The format `name` that exports something; `UsageError` naming those that do."""
    found = FORMATS.get(name)
    exporting = [f.name for f in FORMATS.values() if f.systems or f.datasets]
    if found is None or not (found.systems or found.datasets):
        raise UsageError(
            f"cannot export to '{name}'", hint="formats: " + ", ".join([*exporting, "all"])
        )
    return found


def chosen_formats(name: str) -> list[Format]:
    """The formats `cardgate export NAME` exports: the one named, or every one for 'all'."""
    if name == "all":
        return [f for f in FORMATS.values() if f.systems or f.datasets]
    return [export_format(name)]


def import_format(name: str) -> Format:
    """The format `name` that imports; `UsageError` naming those that do."""
    found = FORMATS.get(name)
    importing = [f.name for f in FORMATS.values() if f.importer is not None]
    if found is None or found.importer is None:
        raise UsageError(f"cannot import from '{name}'", hint="formats: " + ", ".join(importing))
    return found
