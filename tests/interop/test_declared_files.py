"""`Format.files`: the files a format declares are the files it writes, so the site can
link them before it makes them (`cardgate.site.downloads`)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cardgate.documents.evidence_digests import EXPORT_FORMATS
from cardgate.documents.workspace import load_workspace
from cardgate.interop.exporting import plan_exports
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.registry import FORMATS
from cardgate.interop.source import ExportSource, SystemSource, export_source

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> ExportSource:
    root = tmp_path_factory.mktemp("declared") / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    return export_source(load_workspace(root), today=TODAY)


def test_a_listing_names_exactly_the_files_an_export_writes(source: ExportSource) -> None:
    chosen = list(FORMATS.values())
    assert any(entry.files is not None for entry in chosen)
    workspace = source.workspace
    for target in [*sorted(workspace.systems), *sorted(workspace.datasets)]:
        made, _ = plan_exports(source, chosen, [target])
        listed, _ = plan_exports(source, chosen, [target], listing=True)
        assert sorted(listed) == sorted(made) and made, target
        for path, data in listed.items():
            declared = FORMATS[path.split("/")[2]].files is not None
            assert data == (b"" if declared else made[path]), path


def test_a_format_writing_other_files_than_it_declares_is_caught(source: ExportSource) -> None:
    def writes_two(system: SystemSource) -> ExportFiles:
        return {f"{system.id}.json": b"{}", "extra.json": b"{}"}

    lying = Format(
        name="lying",
        title="declares one file, writes two",
        systems=writes_two,
        files=lambda target: (f"{target}.json",),
    )
    target = sorted(source.workspace.systems)[0]
    with pytest.raises(AssertionError, match="not the files it declares"):
        plan_exports(source, [lying], [target])
    listed, _ = plan_exports(source, [lying], [target], listing=True)
    assert list(listed) == [f"systems/{target}/lying/{target}.json"]


def test_the_folders_sign_offs_leave_out_are_the_exporting_formats() -> None:
    """A sign-off's evidence leaves out only files in a format's folder that a manifest
    lists (`cardgate.documents.evidence_digests`, which cannot import the registry)."""
    exporting = {name for name, entry in FORMATS.items() if entry.systems or entry.datasets}
    assert exporting == EXPORT_FORMATS
