"""What a format module defines: a `Format` (its exporters and importer) and the `Draft`
an importer returns. The registry (`interop.registry`) lists the formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from cardgate.core.errors import UsageError
from cardgate.core.text import visible
from cardgate.documents.yaml_build import Dumper
from cardgate.interop.source import DatasetSource, SystemSource

ExportFiles = dict[str, bytes]
"""Relative file name (POSIX, no '..') -> content."""

SystemExporter = Callable[[SystemSource], ExportFiles]
DatasetExporter = Callable[[DatasetSource], ExportFiles]


@dataclass(frozen=True)
class Draft:
    """A document drafted from a file in another format, before it is written."""

    kind: Literal["model-card", "datasheet"]
    text: str
    """The YAML document, with comments saying where each part came from."""
    unmapped: tuple[str, ...] = ()
    """What the file held that has no field in cardgate's documents (kept under
    ``extensions:``), one line each, e.g. ``model-index[0].results[2] (no task type)``."""


Importer = Callable[[bytes, str, str], Draft]
"""(the file's bytes, its name as shown, the new document's id) -> the draft; raises
`InputError` (with the file's line and column where known) for a file it cannot read."""


@dataclass(frozen=True)
class Format:
    """One interchange format."""

    name: str
    """What `cardgate export NAME` / `cardgate import NAME` take."""
    title: str
    """What the format is, with its exact version, e.g. 'Hugging Face model card'."""
    systems: SystemExporter | None = None
    datasets: DatasetExporter | None = None
    importer: Importer | None = None
    needs_license_id: bool = False
    """The format wants an SPDX licence id: a free-text licence exports with a warning."""
    extensions: tuple[str, ...] = field(default=())
    """File name endings the format's importer reads (for the message on a wrong file)."""
    unavailable: Callable[[SystemSource], UsageError | None] | None = None
    """For a format only some systems have (an LL144 audit): why this one has none, or
    None. ``export all`` skips such a system; naming it is that error (exit 2)."""
    files: Callable[[str], tuple[str, ...]] | None = None
    """The names of the files its exporters write for a system or dataset of this id,
    declared by a format whose export cannot fail once the system or dataset has loaded
    and whose file names do not depend on its content: the site links them on the pages
    before it makes them (while MkDocs builds). Every export checks its files against it."""


def yaml_text(data: dict[str, Any], *, comment: str = "") -> str:
    """`data` as block YAML in the order given (a draft document, a card's metadata),
    deterministic, long lines unbroken; `comment` first, every line of it a YAML comment
    (a value in it, such as a file name with a line break, cannot start a line of data)."""
    dumped = yaml.dump(
        data,
        Dumper=Dumper,  # what cardgate's loader and PyYAML read back as written
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
    lines = visible(comment, keep="\n").split("\n") if comment else []
    if lines and not lines[-1]:
        lines.pop()
    shown = "".join(f"{line}\n" if line.startswith("#") else f"# {line}\n" for line in lines)
    return shown + dumped
