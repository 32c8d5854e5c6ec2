"""The system and dataset pages offer their exports for download: the very files
`cardgate export` writes, for every registered format."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

import cardgate.api as cg
from cardgate.documents.workspace import load_workspace
from cardgate.site.build import build_site

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-30"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("example") / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    shutil.copytree(
        REPO / "site", root.parent / "site", ignore=shutil.ignore_patterns("build", "generated")
    )
    result = build_site(load_workspace(root), today=dt.date.fromisoformat(TODAY))
    assert not result.render_problems, result.render_problems
    return root, result.layout.out_dir


def _links(page: Path) -> dict[str, str]:
    """download name -> href of a page's export links."""
    text = page.read_text()
    return {name: href for href, name in re.findall(r'<a href="([^"]+)" download="([^"]+)">', text)}


def test_every_page_links_the_files_cardgate_export_writes(example_site: tuple[Path, Path]) -> None:
    root, out = example_site
    exported = cg.export(root, "all", today=TODAY)
    pages = {
        "systems": sorted((out / "systems").glob("*/index.html")),
        "datasets": sorted((out / "datasets").glob("*/index.html")),
    }
    assert pages["systems"] and pages["datasets"]
    seen = 0
    for kind, found in pages.items():
        for page in found:
            target = page.parent.name
            links = _links(page)
            mine = {n: c for n, c in exported.items() if n.startswith(f"{kind}/{target}/")}
            assert len(links) == len(mine) and mine, (page, links)
            for name, content in mine.items():
                href = next(
                    h
                    for h in re.findall(r'href="([^"]+)"', page.read_text())
                    if name in h.replace("%2F", "/")
                )
                assert (page.parent / href).resolve().read_bytes() == content
                seen += 1
    assert seen == len(exported)


def test_licence_lineage_and_reported_results_are_shown(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    shutil.copytree(
        REPO / "site", tmp_path / "site", ignore=shutil.ignore_patterns("build", "generated")
    )
    card = root / "systems/credit-default/model-card.yaml"
    card.write_text(
        card.read_text()
        + """
lineage:
  base_models:
    - doi: 10.1234/base-model
      name: "A published baseline"
      relation: fine-tuned
  datasets:
    - dataset: german-credit
      role: validation
reported_results:
  - metric: roc_auc
    value: 0.81
    source: "Vendor model sheet v3"
    url: https://example.org/sheet
    dataset: german-credit
"""
    )
    result = build_site(load_workspace(root), today=dt.date.fromisoformat(TODAY))
    assert not result.render_problems, result.render_problems
    page = (result.layout.out_dir / "systems/credit-default/index.html").read_text()
    assert "Apache-2.0 — Apache-2.0 (code and model); data CC BY 4.0" in page
    assert "spdx=" not in page
    assert "Reported results (not computed by cardgate)" in page
    assert "Vendor model sheet v3" in page and "0.810" in page
    assert "cardgate has not verified them and its release gate does not read them" in page
    assert 'href="https://doi.org/10.1234/base-model"' in page and "A published baseline" in page
    assert "Validation data" in page


def test_a_page_whose_documents_cannot_be_exported_says_why(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    shutil.copytree(
        REPO / "site", tmp_path / "site", ignore=shutil.ignore_patterns("build", "generated")
    )
    (root / "systems/credit-default/evaluation.json").unlink()
    result = build_site(load_workspace(root), today=dt.date.fromisoformat(TODAY))
    assert not result.render_problems, result.render_problems
    out = result.layout.out_dir
    page = (out / "systems/credit-default/index.html").read_text()
    assert (
        re.search(r"Exports(</th>)?<td>not available \(", page)
        and "evaluation.json: does not exist" in page
    )
    assert not _links(out / "systems/credit-default/index.html")
    assert _links(out / "systems/income-screening/index.html")


def test_downloads_can_be_switched_off_for_a_large_portfolio(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    shutil.copytree(
        REPO / "site", tmp_path / "site", ignore=shutil.ignore_patterns("build", "generated")
    )
    config = root / "cardgate.yaml"
    config.write_text(
        config.read_text().replace(
            "  site_dir: ../site\n", "  site_dir: ../site\n  downloads: false\n"
        )
    )
    result = build_site(load_workspace(root), today=dt.date.fromisoformat(TODAY))
    assert not result.render_problems, result.render_problems
    out = result.layout.out_dir
    for page in (out / "systems/income-screening/index.html", out / "datasets/adult/index.html"):
        assert not _links(page) and "cg-downloads" not in page.read_text()
    assert not (out / "downloads").exists() and not list(out.rglob("*.cdx.json"))


def test_downloads_are_published_beside_the_pages_not_read_by_mkdocs(
    example_site: tuple[Path, Path],
) -> None:
    """The files are made while MkDocs builds: never in the docs folder MkDocs reads,
    and no staging folder is left beside the built site."""
    root, out = example_site
    docs = root.parent / "site" / "generated"
    assert (docs / "systems").is_dir() and not (docs / "downloads").exists()
    assert sorted((out / "downloads").rglob("*.cdx.json"))
    assert not list(out.parent.glob(f".{out.name}.downloads-*"))


def test_the_worker_build_publishes_the_same_downloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate.site.mkdocs_run import MkdocsWorker

    monkeypatch.setenv("CARDGATE_JOBS", "2")
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    shutil.copytree(
        REPO / "site", tmp_path / "site", ignore=shutil.ignore_patterns("build", "generated")
    )
    today = dt.date.fromisoformat(TODAY)
    alone = build_site(load_workspace(root), today=today, out=tmp_path / "alone")
    with MkdocsWorker.start() as worker:
        assert worker.process is not None
        process = worker.process
        shared = build_site(load_workspace(root), today=today, mkdocs=worker, out=tmp_path / "b")
    assert process.returncode == 0

    def files(out: Path) -> dict[str, bytes]:
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted((out / "downloads").rglob("*"))
            if p.is_file()
        }

    made = files(alone.layout.out_dir)
    assert len(made) == len(cg.export(root, "all", today=TODAY)) and made
    assert files(shared.layout.out_dir) == made


def test_a_killed_builds_staging_is_removed_and_a_replaced_hand_written_file_is_said(
    tmp_path: Path,
) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    shutil.copytree(
        REPO / "site", tmp_path / "site", ignore=shutil.ignore_patterns("build", "generated")
    )
    left = tmp_path / "site" / ".build.downloads-x1y2"  # what a killed build leaves
    (left / "downloads").mkdir(parents=True)
    (left / "downloads" / "old.json").write_text("{}")
    planted = tmp_path / "site" / "pages" / "downloads" / "systems" / "income-screening" / "hf"
    planted.mkdir(parents=True)
    (planted / "README.md.txt").write_text("hand-written\n")
    result = build_site(load_workspace(root), today=dt.date.fromisoformat(TODAY))
    out = result.layout.out_dir
    assert not left.exists()
    published = out / "downloads/systems/income-screening/hf/README.md.txt"
    assert (
        published.read_bytes()
        == cg.export(root, "hf", today=TODAY)["systems/income-screening/hf/README.md"]
    )
    assert [p.format() for p in result.problems if "download" in p.message] == [
        "pages/downloads/systems/income-screening/hf/README.md.txt: hand-written file has "
        "the path of a download; the download replaces it"
    ]
