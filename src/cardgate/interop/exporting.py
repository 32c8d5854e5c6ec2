"""`cardgate export`: the chosen formats of the chosen systems and datasets, into a folder.

Every file is computed before the first is written (an exporter that fails leaves the
folder as it was), then the set is written all or nothing: every changed file and the
manifest into a staging folder inside the folder (``.cardgate-exports-*``), then moved
into place, so that a full disk leaves the folder as it was. The folder is cardgate's: its
``cardgate-exports.json`` lists every file an export wrote there, with its SHA-256, and an
export replaces only files that list names; anything else in the way (a README of the
user's, a document) is refused, never overwritten. Layout, under the folder::

    systems/<id>/<format>/<file>     datasets/<id>/<format>/<file>     cardgate-exports.json
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypeVar

from cardgate.core.digests import file_sha256
from cardgate.core.errors import UsageError
from cardgate.core.files import (
    WriteError,
    canonical_json,
    check_target,
    locked,
    make_folder,
    write_error,
    write_file,
)
from cardgate.core.inputs import UnreadableFile, json_field, read_json
from cardgate.core.paths import display_path
from cardgate.core.problems import Span
from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.schemas.provenance import Licence, licence_words
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.registry import FORMATS
from cardgate.interop.source import DatasetSource, ExportSource, SystemSource

Record = TypeVar("Record", SystemSource, DatasetSource)

MANIFEST_FILE = "cardgate-exports.json"
MANIFEST_KIND = "cardgate-exports"
DEFAULT_FOLDER = "exports"
_STAGING = ".cardgate-exports-"
"""Prefix of the staging folder an export writes into, inside the export folder."""
"""Where exports go by default, under the workspace root."""


@dataclass
class ExportRun:
    """What an export wrote, and what it warned about."""

    out: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def export_path(kind: str, target: str, format_name: str, name: str) -> str:
    """Where an exported file goes, relative to the export folder."""
    return f"{kind}/{target}/{format_name}/{name}"


def plan_exports(
    source: ExportSource,
    chosen: Sequence[Format],
    targets: Sequence[str],
    *,
    listing: bool = False,
) -> tuple[dict[str, bytes], list[str]]:
    """(relative path -> bytes, warnings) for `chosen` formats of `targets` (ids of systems
    or datasets; none: every system and dataset of the workspace).

    `listing`: the files of the formats that declare them (`Format.files`) are named with
    empty contents, not made; the paths and the errors are the same as without it."""
    workspace = source.workspace
    names = list(targets) or [*sorted(workspace.systems), *sorted(workspace.datasets)]
    # one format asked of named systems: a system that cannot have it is an error, not
    # skipped (`cardgate export ll144 credit-default`); with several, it is skipped
    named = bool(targets) and len(chosen) == 1
    files: dict[str, bytes] = {}
    warnings: list[str] = []
    for name in dict.fromkeys(names):
        is_system, is_dataset = name in workspace.systems, name in workspace.datasets
        if not (is_system or is_dataset):
            raise UsageError(
                f"'{name}' is neither a system nor a dataset of the workspace",
                hint="systems: "
                + (", ".join(sorted(workspace.systems)) or "(none)")
                + "; datasets: "
                + (", ".join(sorted(workspace.datasets)) or "(none)"),
            )
        exported = 0
        if is_system:
            systems = [(entry, entry.systems) for entry in chosen]
            exported += _run(
                files, "systems", name, systems, source.system, warnings, named, listing
            )
        if is_dataset:
            datasets = [(entry, entry.datasets) for entry in chosen]
            exported += _run(
                files, "datasets", name, datasets, source.dataset, warnings, False, listing
            )
        if targets and not exported:
            what = "system" if is_system else "dataset"
            raise UsageError(
                f"{', '.join(f.name for f in chosen)} cannot export the {what} '{name}'",
                hint=f"formats that export a {what}: "
                + ", ".join(_exporting(what) or ["(none of those chosen)"]),
            )
    return files, list(dict.fromkeys(warnings))


def _run(
    files: dict[str, bytes],
    kind: str,
    name: str,
    exporters: list[tuple[Format, Callable[[Record], ExportFiles] | None]],
    record: Callable[[str], Record],
    warnings: list[str],
    named: bool,
    listing: bool,
) -> int:
    """Add the files of every exporter of `exporters` (those that are not None) for the
    source record `record(name)`, loaded only when one does; how many exported. A format
    the record cannot have (`Format.unavailable`) is skipped, or refused when `named`.
    With `listing`, a format that declares its files is named, not run."""
    usable = [(entry, exporter) for entry, exporter in exporters if exporter is not None]
    if usable:
        loaded = record(name)
        for entry, exporter in usable:
            reason = (
                entry.unavailable(loaded)
                if entry.unavailable is not None and isinstance(loaded, SystemSource)
                else None
            )
            if reason is not None:
                if named:
                    raise reason
                continue
            if entry.needs_license_id:
                warnings.extend(licence_warnings(loaded, entry.name))
            if listing and entry.files is not None:
                _add(files, kind, name, entry, dict.fromkeys(entry.files(name), b""))
            else:
                _add(files, kind, name, entry, exporter(loaded))
    return len(usable)


def licence_warnings(record: SystemSource | DatasetSource, format_name: str) -> list[str]:
    """A warning at the licence's line, for a format that needs an SPDX licence id, when
    the document's licence has none (free text is accepted, not exported as an id)."""
    licence: str | Licence | None
    if isinstance(record, SystemSource):
        licence, where = record.card.model_details.license, ("model_details", "license")
    else:
        distribution = record.datasheet.distribution
        licence = distribution.license if distribution is not None else None
        where = ("distribution", "license")
    if isinstance(licence, Licence) and licence.spdx and not is_placeholder_text(licence.spdx):
        return []
    loaded = record.document.loaded
    span = loaded.positions.value(where) if loaded is not None else Span(1, 1)
    shown = display_path(loaded.path) if loaded is not None else record.path
    state = "is free text" if licence_words(licence) else "is missing"
    return [
        f"{shown}:{span.line}:{span.column}: {'.'.join(where)} {state}; {format_name} needs "
        "an SPDX licence id: write license: {spdx: <id>, text: ...} (https://spdx.org/licenses/)"
    ]


def _exporting(what: str) -> list[str]:
    return [f.name for f in FORMATS.values() if (f.systems if what == "system" else f.datasets)]


def _add(files: dict[str, bytes], kind: str, target: str, entry: Format, made: ExportFiles) -> None:
    if entry.files is not None and sorted(made) != sorted(entry.files(target)):
        raise AssertionError(
            f"{entry.name} exporter wrote {sorted(made)} for {target!r}, "
            f"not the files it declares: {sorted(entry.files(target))}"
        )
    for name, content in sorted(made.items()):
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise AssertionError(f"{entry.name} exporter returned the file name {name!r}")
        files[export_path(kind, target, entry.name, pure.as_posix())] = content


def read_manifest(out: Path) -> dict[str, str]:
    """The files a previous export wrote in `out` (relative path -> SHA-256); {} when none.
    `UsageError` when `out` holds a manifest file that is not one."""
    path = out / MANIFEST_FILE
    if not path.exists():
        return {}
    try:
        data = read_json(path)
    except (UnreadableFile, OSError, ValueError) as error:
        raise UsageError(
            f"{display_path(path)}: cannot be read ({error})",
            hint="remove it, or export to another folder",
        ) from error
    files = data.get("files") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("kind") != MANIFEST_KIND
        or not isinstance(files, dict)
    ):
        raise UsageError(
            f"{display_path(path)}: is not a manifest of cardgate exports",
            hint="export to another folder",
        )
    return {str(key): str(value) for key, value in files.items()}


def write_exports(files: dict[str, bytes], out: Path, *, warnings: list[str]) -> ExportRun:
    """Write `files` under `out`, and the manifest, all or nothing: a file whose bytes are
    already there is left alone; the others and the manifest are written into a staging
    folder inside `out` and moved into place only when every one is written. A failure
    (a full disk) leaves `out` as it was; a file in the way that no export wrote is
    refused before anything is written."""
    out = out.absolute()
    existed = os.path.lexists(out)
    make_folder(out)
    try:
        with locked(out):  # one export at a time into a folder
            return _write_all(files, out, warnings)
    except BaseException:
        if not existed:
            with contextlib.suppress(OSError):
                out.rmdir()  # the folder this export made, empty again
        raise


def _write_all(files: dict[str, bytes], out: Path, warnings: list[str]) -> ExportRun:
    listed = read_manifest(out)
    run = ExportRun(out=out, warnings=warnings)

    def ours(path: Path) -> bool:
        return path.relative_to(out).as_posix() in listed

    changed: dict[str, bytes] = {}
    for name, content in sorted(files.items()):
        path = out / name
        digest = hashlib.sha256(content).hexdigest()
        if name in listed and path.is_file() and file_sha256(path) == digest:
            run.unchanged.append(path)
        else:
            check_target(path, within=out, replaceable=ours, what="a file cardgate exported")
            changed[name] = content
            run.written.append(path)
        listed[name] = digest
    manifest = {"kind": MANIFEST_KIND, "schema_version": 1, "files": dict(sorted(listed.items()))}
    check_target(
        out / MANIFEST_FILE,
        within=out,
        replaceable=_is_manifest,
        what="a manifest of cardgate exports",
    )
    changed[MANIFEST_FILE] = canonical_json(manifest).encode("utf-8")  # moved in last
    for left in out.glob(_STAGING + "*"):  # by an export that was killed
        if left.is_dir() and not left.is_symlink():
            shutil.rmtree(left, ignore_errors=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=out))
    except OSError as error:
        raise write_error(out, error) from error
    try:
        for name, content in changed.items():
            try:
                write_file(staging / "new" / name, content, within=staging)
            except WriteError as error:  # named as the file it was to be, not the staged one
                if not isinstance(error.__cause__, OSError):
                    raise
                raise write_error(out / name, error.__cause__) from error.__cause__
        _move_in(changed, staging, out, replaceable=ours)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return run


def _move_in(
    names: Iterable[str], staging: Path, out: Path, *, replaceable: Callable[[Path], bool]
) -> None:
    """Rename every staged file (``staging/new/NAME``) to ``out/NAME``, the file it
    replaces kept aside (``staging/old/NAME``) until all are in; when one rename fails,
    those done are undone and the error raised."""
    done: list[tuple[Path, Path | None]] = []  # (target, the file it replaced, kept aside)
    made: list[Path] = []  # folders made in `out`
    name = ""
    try:
        for name in names:
            target = out / name
            for parent in reversed([*PurePosixPath(name).parents][:-1]):
                if not (out / parent).is_dir():
                    (out / parent).mkdir()
                    made.append(out / parent)
            allowed = _is_manifest if name == MANIFEST_FILE else replaceable
            check_target(target, within=out, replaceable=allowed)
            kept: Path | None = None
            if os.path.lexists(target):
                os.chmod(staging / "new" / name, stat.S_IMODE(os.lstat(target).st_mode))
                kept = staging / "old" / name
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.rename(target, kept)
            done.append((target, kept))
            os.rename(staging / "new" / name, target)
    except BaseException as error:  # a refusal too: the folder as it was
        for target, kept in reversed(done):
            with contextlib.suppress(OSError):
                if kept is not None:
                    os.replace(kept, target)
                else:
                    os.unlink(target)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(error, OSError):
            raise write_error(out / name, error) from error
        raise


def _is_manifest(path: Path) -> bool:
    return json_field(path, "kind") == MANIFEST_KIND
