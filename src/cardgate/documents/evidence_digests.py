"""The digest of one piece of evidence a sign-off covers: a file by its content, a folder
by its files (`cardgate.documents.signed_context` says what is covered and why).

A file: YAML and JSON by the canonical digest of their data (as the documents are),
anything else by its bytes — and a JSON object with a key twice by its bytes too (which
value counts differs between readers: ``{"verdict": "rejected", "verdict": "approved"}``
must not pass for ``{"verdict": "approved"}``; YAML's loader refuses a key twice).

A folder: the canonical digest of {relative path: digest} of its files, walked without
following what would make it endless or self-referential:

- **Links** are recorded (``link: TARGET``) and, when they lead to a file or folder inside
  the workspace, followed: a folder's evidence is what a reader of the folder reads, so a
  link ``record.md -> ../../drafts/record.md`` is covered by the drafts' content (a changed
  draft is a changed folder). A folder is walked once (a link back into the folder is a
  loop: recorded, not followed); a link leading outside the workspace is recorded only.
- **Left out**: hidden files and folders (``.git``, caches), the workspace's sign-off
  records (`Scope.records`: signing would make the folder's digest stale — only the
  ``signoffs.yaml`` of a system, not any file of that name) and the files an export wrote
  (`exported`: listed, with the digest of their bytes as they are, by the valid
  ``cardgate-exports.json`` of a folder at or above them — a manifest planted by hand
  does not hide the files it does not list, nor files where no export writes (a format's
  folder, ``systems/<id>/<format>/<file>``), and an exported file edited since is covered).

Evidence is fingerprinted whatever its size up to ``$CARDGATE_MAX_EVIDENCE_BYTES`` (256 MiB
a file or a folder; 10,000 entries a folder). What cannot be fingerprinted — too large, not a
regular file, unreadable — gets a digest that says why (`is_digest` is false).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cardgate.core.digests import canonical_sha256, json_sha256
from cardgate.core.inputs import ARTIFACT_BYTES, SizeLimit, loads_json, open_regular, read_regular
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import load_document

EVIDENCE_BYTES = SizeLimit(
    "CARDGATE_MAX_EVIDENCE_BYTES", 256 << 20, "evidence a sign-off covers (a file or a folder)"
)
EVIDENCE_FILES = 10_000
"""The most entries (files and folders) of an evidence folder a sign-off covers."""
EXPORTS_MANIFEST = "cardgate-exports.json"
"""`cardgate.interop.exporting.MANIFEST_FILE`: lists the files an export wrote."""
RECORD_NAME = "signoffs.yaml"
"""`cardgate.documents.workspace.SIGNOFFS_FILE`: a system's sign-off record."""
EXPORTS_KIND = "cardgate-exports"
"""`cardgate.interop.exporting.MANIFEST_KIND`."""
_EXPORTED_UNDER = ("systems", "datasets")
"""An export writes only ``systems/<id>/<format>/<file>`` and ``datasets/<id>/…``."""
EXPORT_FORMATS = frozenset({"hf", "cyclonedx", "spdx", "croissant", "ll144", "annex-iv"})
"""The ``<format>`` folders an export writes: the names of the formats of
`cardgate.interop.registry` that export (held equal by tests/interop/test_registry.py).
A manifest listing any other file (``systems/x/approval/record.md``) does not hide it."""

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def is_digest(value: str) -> bool:
    """True for a SHA-256 digest; false for what stands in for one that could not be
    taken ("unreadable: …", "not fingerprinted: …")."""
    return bool(_DIGEST.match(value))


@dataclass(frozen=True)
class Scope:
    """The workspace a folder's walk stays in, and the sign-off records it leaves out
    (real paths). Without one, links are recorded and not followed."""

    root: str
    records: frozenset[str] = field(default_factory=frozenset)


def evidence_digest(path: Path, scope: Scope | None = None) -> str:
    """The digest of one piece of evidence (see the module), or why there is none."""
    try:
        status = path.stat()
    except OSError as error:
        return f"unreadable: {error.strerror or error}"
    if stat.S_ISDIR(status.st_mode):
        return _folder_digest(path, EVIDENCE_BYTES.value(), scope)
    limit = EVIDENCE_BYTES.value()
    return _file_digest(path, status.st_size, status.st_mtime_ns, status.st_ino, limit)


def exported(root: Path, path: Path) -> bool:
    """True when `path` is a file an export wrote, as it wrote it (a valid manifest in a
    folder at or above it, within the workspace, lists it with the digest of its bytes),
    or such a manifest itself."""
    if path.is_dir():
        return False
    if path.name == EXPORTS_MANIFEST and _manifest(str(path.parent)) is not None:
        return True
    real = os.path.realpath(path)
    for folder in path.parents:
        if folder != root and root not in folder.parents:
            return False
        listed = _manifest(str(folder))
        if listed is not None and real in listed:
            try:
                return listed[real] == _bytes_digest(path, EVIDENCE_BYTES.value())
            except OSError:
                return False
    return False


def _manifest(folder: str) -> dict[str, str] | None:
    """Real path -> SHA-256 of the files the export manifest in `folder` lists (only
    where an export writes); None when there is no valid manifest."""
    path = os.path.join(folder, EXPORTS_MANIFEST)
    if not os.path.isfile(path):
        return None
    try:
        data = loads_json(read_regular(Path(path), limit=ARTIFACT_BYTES))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or data.get("kind") != EXPORTS_KIND:
        return None
    real = os.path.realpath(folder)
    found: dict[str, str] = {}
    for name, digest in files.items():
        parts = PurePosixPath(name).parts
        if (
            isinstance(digest, str)
            and len(parts) == 4
            and parts[0] in _EXPORTED_UNDER
            and parts[2] in EXPORT_FORMATS
            and not name.startswith("/")
            and not any(part in ("..", ".") for part in parts)
        ):
            found[os.path.join(real, *parts)] = digest
    return found


@functools.lru_cache(maxsize=4096)
def _file_digest(path: Path, size: int, mtime_ns: int, inode: int, limit: int) -> str:
    """Memoised on the file's identity: several systems cite the same policy. (Not a
    folder's: its time does not change when a file inside it does.)"""
    if size > limit:
        return _too_large(size, limit)
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            return load_document(path).digest
        except DocumentLoadError:
            pass  # not a YAML document cardgate reads: its bytes
    elif path.suffix.lower() == ".json":
        try:
            return json_sha256(read_regular(path, limit=ARTIFACT_BYTES))
        except OSError:
            pass  # too large to parse, or unreadable: read again below, by its bytes
    try:
        return _bytes_digest(path, limit)
    except OSError as error:
        return f"unreadable: {error.strerror or error}"


def _bytes_digest(path: Path, limit: int) -> str:
    digest = hashlib.sha256()
    read = 0
    with open_regular(path) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > limit:  # it grew while being read
                return _too_large(read, limit)
            digest.update(chunk)
    return digest.hexdigest()


def _folder_digest(folder: Path, limit: int, scope: Scope | None) -> str:
    """The canonical digest of {relative path: digest} of the folder's files, or why
    there is none."""
    files: dict[str, str] = {}
    exports: dict[str, str] = {}  # the walk fills it as it meets manifests
    total = 0
    try:
        for path, status, link in _walk(folder, scope, exports):
            name = path.relative_to(folder).as_posix()
            if link is not None:
                files[name] = "link: " + link
                if not stat.S_ISREG(status.st_mode):
                    continue
                name += " (linked file)"
            total += status.st_size
            if total > limit:
                return _too_large(total, limit)
            digest = _bytes_digest(path, limit)
            if not exports or digest != exports.get(os.path.realpath(path)):
                files[name] = digest
    except _TooMany:
        return f"not fingerprinted: the folder has more than {EVIDENCE_FILES:,} entries"
    except OSError as error:
        where = os.path.relpath(error.filename, folder) if error.filename else "."
        return f"unreadable: {Path(where).as_posix()}: {error.strerror or error}"
    return canonical_sha256(files)


class _TooMany(Exception):
    pass


def _walk(
    folder: Path, scope: Scope | None, exports: dict[str, str]
) -> Iterator[tuple[Path, os.stat_result, str | None]]:
    """(path, status, link target or None) of the folder's files and links, in sorted
    order, links followed within the workspace (each folder once), without hidden
    entries, sign-off records and valid export manifests; `exports` gathers what the
    manifests at and above the folders walked list. Iterative (a hostile tree can be
    deeper than Python's recursion limit) and bounded by `EVIDENCE_FILES` entries."""
    root = Path(scope.root) if scope is not None else None
    records = scope.records if scope is not None else frozenset()
    if root is not None:
        for above in Path(os.path.realpath(folder)).parents:
            if above != root and root not in above.parents:
                break
            exports.update(_manifest(str(above)) or {})
    pending = [folder]
    seen = 0
    walked: set[str] = set()
    while pending:
        current = pending.pop()
        real = os.path.realpath(current)
        if real in walked:
            continue
        walked.add(real)
        listed = _manifest(str(current))
        exports.update(listed or {})
        with os.scandir(current) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        seen += len(entries)
        if seen > EVIDENCE_FILES:
            raise _TooMany
        folders: list[Path] = []
        for entry in entries:
            hidden = entry.name.startswith(".")
            if hidden or (listed is not None and entry.name == EXPORTS_MANIFEST):
                continue
            path = Path(entry.path)
            if entry.name == RECORD_NAME and os.path.realpath(path) in records:
                continue
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(status.st_mode):
                folders.append(path)
            elif stat.S_ISLNK(status.st_mode):
                yield path, *_followed(path, root, records, folders)
            else:
                yield path, status, None
        pending.extend(reversed(folders))


def _followed(
    link: Path, root: Path | None, records: frozenset[str], folders: list[Path]
) -> tuple[os.stat_result, str]:
    """The status a link's entry is digested by, and its target: the linked file's when
    it leads to one inside the workspace (a linked folder inside joins `folders`), else
    the link's own (outside, dangling, a sign-off record, not a regular file)."""
    target = os.readlink(link)
    own = link.lstat()
    real = os.path.realpath(link)
    inside = root is not None and (real == str(root) or real.startswith(str(root) + os.sep))
    if not inside or real in records:
        return own, target
    try:
        status = os.stat(real)
    except OSError:
        return own, target
    if stat.S_ISDIR(status.st_mode):
        folders.append(link)
        return own, target
    return (status if stat.S_ISREG(status.st_mode) else own), target


def _too_large(size: int, limit: int) -> str:
    return (
        f"not fingerprinted: {size:,} bytes, over the limit of {limit:,} "
        f"({EVIDENCE_BYTES.variable})"
    )
