"""How a document's values read in the site's tables of fields (a dataset's and a system's
page): a list is a list, a person is named with their role, nothing is glued together."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cardgate.documents.workspace import load_workspace
from cardgate.site.build import generate, site_layout

TODAY = dt.date(2026, 11, 30)


def _page(root: Path, page: str) -> str:
    workspace = load_workspace(root)
    layout = site_layout(workspace)
    generate(workspace, layout, today=TODAY)
    return (layout.docs_dir / page).read_text(encoding="utf-8")


def _row(page: str, name: str) -> str:
    start = page.index(f'<tr><th scope="row">{name}</th>')
    return page[start : page.index("</tr>", start)]


def test_a_datasheets_sensitive_attributes_are_a_list_not_sentences_glued_by_commas(
    workspace_root: Path,
) -> None:
    """Each attribute is a sentence or two ending in a full stop; joined with ", " they
    read "... conflates sex with gender., race — ..." (the worked example's adult page)."""
    sheet = workspace_root / "datasets/applicants/datasheet.yaml"
    text = sheet.read_text(encoding="utf-8")
    attributes = (
        "  sensitive_attributes:\n"
        "    - sex — recorded as female or male only.\n"
        "    - age — 18 to 90 <top-coded>.\n"
    )
    sheet.write_text(
        text.replace("  count: 1000\n", "  count: 1000\n" + attributes), encoding="utf-8"
    )
    row = _row(_page(workspace_root, "datasets/applicants/index.md"), "Sensitive attributes")
    assert "<ul><li>sex — recorded as female or male only.</li>" in row
    assert "<li>age — 18 to 90 &lt;top-coded&gt;.</li></ul>" in row
    assert "only., age" not in row


def test_a_datasheet_without_sensitive_attributes_says_not_provided(
    workspace_root: Path,
) -> None:
    row = _row(_page(workspace_root, "datasets/applicants/index.md"), "Sensitive attributes")
    assert '<span class="cg-missing">Not provided</span>' in row
