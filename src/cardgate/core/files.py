"""How cardgate writes files: one function, `write_file`, for every artifact and output.

A write is atomic (a temporary file in the same folder, then a rename: a reader sees the
old file or the new one, never half) and refuses what could turn it against the user:

* a target that is a symbolic link (even one leading inside the workspace: the link's
  owner meant the file it names, not a copy in its place);
* a target that exists and is not a regular file (a FIFO, a device node, a folder);
* a target outside the folder the write belongs to (`within`: the workspace, or the
  folder the user chose with ``--out``), following the links of its parent folders;
* a target that holds a human-authored document (cardgate's documents are YAML; the
  caller says what else it may replace, e.g. only an artifact of its own kind).

A new file gets the permissions an editor would give it (0666 less the umask); a replaced
file keeps its mode.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cardgate.core import indented_json
from cardgate.core.errors import CardgateError
from cardgate.core.inputs import file_kind
from cardgate.core.paths import display_path

DOCUMENT_SUFFIXES = (".yaml", ".yml")
"""What people write: a file with one of these names is never replaced by an output."""


class WriteError(CardgateError):
    """A write failed in the environment: a read-only folder, a full disk."""


class UnsafeWriteError(CardgateError):
    """A write was refused: the target is a link, not a regular file, outside the folder
    it belongs to, or a human-authored document."""


Replaceable = Callable[[Path], bool]
"""Given an existing regular file at a write's target: whether the write may replace it."""


def not_a_document(path: Path) -> bool:
    """The default: any regular file but a human-authored (YAML) document."""
    return not path.name.lower().endswith(DOCUMENT_SUFFIXES)


def check_target(
    path: Path, *, within: Path, replaceable: Replaceable = not_a_document, what: str = ""
) -> None:
    """Raise `UnsafeWriteError` unless `path` may be (re)written by a write to `within`.

    `what` names the existing file a refused replacement was expected to be ("an
    evaluation artifact"), for the message.
    """
    shown = _shown(path)
    root = os.path.realpath(within)
    real = os.path.realpath(path.parent)  # the folders that exist resolved, the rest as named
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise UnsafeWriteError(
            f"{shown}: refusing to write outside {_shown(within)}",
            hint="a folder on the way is a link leading elsewhere, or the path leaves it",
        )
    try:
        status = path.lstat()
    except FileNotFoundError:
        return
    except NotADirectoryError as error:
        raise not_a_folder(path.parent) from error
    except OSError as error:
        raise UnsafeWriteError(f"{shown}: cannot inspect: {error.strerror or error}") from error
    if stat.S_ISLNK(status.st_mode):
        raise UnsafeWriteError(
            f"{shown}: is a symbolic link (to {os.readlink(path)}); cardgate does not write "
            "through links",
            hint="remove the link, or write elsewhere",
        )
    if not stat.S_ISREG(status.st_mode):
        raise UnsafeWriteError(
            f"{shown}: is {file_kind(status.st_mode)}, not a regular file; refusing to replace it",
            hint="remove it, or write elsewhere",
        )
    if not replaceable(path):
        if not not_a_document(path):
            raise UnsafeWriteError(
                f"{shown}: holds a human-authored document; cardgate never overwrites one",
                hint="write the output elsewhere",
            )
        raise UnsafeWriteError(
            f"{shown}: exists and is not {what or 'a file cardgate wrote'}; refusing to "
            "overwrite it",
            hint="move it away, or write elsewhere",
        )


def write_file(
    path: Path,
    data: bytes | str,
    *,
    within: Path,
    replaceable: Replaceable = not_a_document,
    what: str = "",
    exclusive: bool = False,
    durable: bool = True,
) -> None:
    """Write `data` (text: UTF-8) to `path` atomically, after `check_target`.

    With `exclusive`, only create: FileExistsError when `path` exists at the moment of the
    rename, so that a document is never overwritten. Without `durable`, skip the fsync:
    for files that are cheap to regenerate (the site's pages), a crash still leaves no
    half-written file, only possibly an older one after a power cut.
    """
    if exclusive and os.path.isfile(path) and not os.path.islink(path):
        raise FileExistsError(path)
    check_target(path, within=within, replaceable=replaceable, what=what)
    make_folder(path.parent)
    try:
        check_target(path, within=within, replaceable=replaceable, what=what)  # after mkdir
        _write(path, data, exclusive=exclusive, durable=durable)
    except FileExistsError:
        raise
    except OSError as error:
        raise write_error(path, error) from error


def write_error(path: Path, error: OSError) -> WriteError:
    """The `WriteError` of `path` that could not be written (`error`: why)."""
    return WriteError(
        f"{_shown(path)}: cannot write: {error.strerror or error}",
        hint="check that the folder is writable and the disk has room",
    )


def make_folder(folder: Path) -> None:
    """Make `folder` and the folders above it that are missing; a `WriteError` naming
    what is in the way when one of them exists and is not a folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as error:
        raise not_a_folder(folder) from error
    except OSError as error:
        raise write_error(folder, error) from error


def not_a_folder(folder: Path) -> WriteError:
    """The `WriteError` of `folder`, which a file (or a device...) on its path keeps from
    being a folder."""
    blocker = next(
        (p for p in (folder, *folder.parents) if os.path.lexists(p) and not p.is_dir()), folder
    )
    try:
        mode = blocker.lstat().st_mode
        kind = "a file" if stat.S_ISREG(mode) else file_kind(mode)
    except OSError:
        kind = "no folder"
    where = "" if blocker == folder else f"cannot write there: {_shown(blocker)} "
    return WriteError(
        f"{_shown(folder)}: {where}is {kind}, not a folder",
        hint="name a folder (or a path where one can be made), or move that file away",
    )


def _write(path: Path, data: bytes | str, *, exclusive: bool, durable: bool) -> None:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(payload)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if exclusive:
            os.link(temporary, path)  # fails if path exists; atomic on POSIX
            os.unlink(temporary)
        else:
            os.replace(temporary, path)  # replaces a link itself, never writes through it
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline, no NaN."""
    return indented_json.dumps(data) + "\n"  # json.dumps's bytes, faster (see there)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` while the block runs (read, change, write).

    An advisory `flock` on the folder itself: every cardgate process that updates a file
    in it takes the same lock, so concurrent updates queue instead of losing each other's
    changes, and no lock file is left behind to be committed. Released when the block
    ends, or when the process dies.
    """
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _umask() -> int:
    # Read by setting it; cardgate is single-threaded where it writes.
    current = os.umask(0o022)
    os.umask(current)
    return current


def _shown(path: Path) -> str:
    return display_path(path)
