"""The built site's folder (``--out``): built aside, put in place whole, or left as it was.

`cardgate build` never leaves a half-built site: MkDocs, the downloads and the PDFs are
written into a staging folder beside the output folder OUT (``.OUT.build-*``, on the same
file system), which replaces OUT only once everything is written. When anything fails on
the way (a full disk, MkDocs's own error) the staging folder is removed and OUT is as it
was. OUT is replaced only when it is empty or holds a site cardgate built (its
``.cardgate-build`` marker): anything else is refused before any work.

OUT replaced by two renames: the old site moves into the staging folder (removed with it),
the new one into its place. When OUT is a mount point (it cannot be renamed), the staging
folder is made inside it and the new site's entries replace the old ones one by one.
Builds into the same OUT queue on a lock of the folder that holds the staging folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cardgate.core.errors import UsageError
from cardgate.core.files import WriteError, locked, make_folder
from cardgate.core.inputs import file_kind
from cardgate.core.paths import display_path

BUILD_MARKER = ".cardgate-build"
"""The file that marks a folder as a site cardgate built (it may replace the folder)."""
_STAGING = ".{name}.build-"
_WRITE_HINT = "check that the folder and its parent are writable and the disk has room"


def check_out_folder(out: Path) -> None:
    """`UsageError` unless `out` is absent, empty, or a site cardgate built."""
    if os.path.lexists(out) and not out.is_dir():  # the site would take its place
        mode = out.lstat().st_mode
        kind = "a file" if stat.S_ISREG(mode) else file_kind(mode)
        raise UsageError(
            f"{display_path(out)} is {kind}, not a folder; building the site there would "
            "replace it",
            hint="choose an empty or new --out folder",
        )
    if out.is_dir() and any(out.iterdir()) and not (out / BUILD_MARKER).is_file():
        raise UsageError(
            f"{display_path(out)} is not empty and was not written by cardgate build; "
            "building the site there would delete its contents",
            hint="choose an empty or new --out folder",
        )


def cannot_write(out: Path, reason: str) -> WriteError:
    """The one error of a site that could not be written to `out`."""
    return WriteError(f"{display_path(out)}: cannot write: {reason}", hint=_WRITE_HINT)


@contextlib.contextmanager
def staged_site(out: Path) -> Iterator[Path]:
    """A folder to build the site in (it does not exist yet), put in place of `out` when
    the block ends normally; removed, `out` unchanged, when it raises. An `OSError` or a
    `WriteError` of the block becomes one `WriteError` naming `out`.

    Builds into the same folder queue: each holds a lock on the folder the staging folder
    is made in (`locked`) from before it clears the leftovers of killed builds until its
    site is in place, so a second build neither removes the first one's staging folder
    nor swaps its site in half-way through the first one's swap."""
    check_out_folder(out)
    inside = os.path.ismount(out)
    home = out if inside else out.parent
    with contextlib.ExitStack() as held:
        make_folder(out.parent)
        try:
            held.enter_context(locked(home))
            check_out_folder(out)  # again: what the build before this one left
            _discard_leftovers(home, out.name)  # under the lock: killed builds' only
            container = Path(tempfile.mkdtemp(prefix=_STAGING.format(name=out.name), dir=home))
        except OSError as error:
            raise cannot_write(out, error.strerror or str(error)) from error
        staging = container / out.name
        try:
            yield staging
            if inside:
                _replace_contents(out, staging, container)
            else:
                _replace(out, staging, container)
        except WriteError as error:
            reason = error.message.rpartition(": cannot write: ")[2] or error.message
            raise cannot_write(out, reason) from error
        except OSError as error:
            raise cannot_write(out, error.strerror or str(error)) from error
        finally:
            shutil.rmtree(container, ignore_errors=True)


def _replace(out: Path, staging: Path, container: Path) -> None:
    """`staging` in place of `out` (the old `out` moved into `container`)."""
    try:
        status = os.lstat(out)
    except FileNotFoundError:
        os.rename(staging, out)
        return
    os.chmod(staging, stat.S_IMODE(status.st_mode))  # the folder keeps its permissions
    previous = container / "previous"
    os.rename(out, previous)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(previous, out)
        raise


def _replace_contents(out: Path, staging: Path, container: Path) -> None:
    """`out`'s entries (but the staging `container`) replaced by `staging`'s."""
    for entry in os.listdir(out):
        path = out / entry
        if path == container:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    for entry in os.listdir(staging):
        os.rename(staging / entry, out / entry)


def _discard_leftovers(folder: Path, name: str) -> None:
    """Remove the staging folders of builds of `name` that were killed (and the downloads'
    staging folders that builds before this scheme left beside the site)."""
    for prefix in (_STAGING.format(name=name), f".{name}.downloads-"):
        for left in folder.glob(prefix + "*"):
            if left.is_dir() and not left.is_symlink():
                shutil.rmtree(left, ignore_errors=True)
