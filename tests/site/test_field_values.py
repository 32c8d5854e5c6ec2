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
    """The row of field `name` (a system page's HTML leaves out optional end tags)."""
    start = page.index(f'<tr><th scope="row">{name}')
    return page[start : page.index("<tr>", start + 4)]


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


def test_an_owners_role_follows_their_name_without_nested_brackets(
    workspace_root: Path,
) -> None:
    """A role often names a team in brackets ("model owner (Credit Analytics)"): in
    brackets itself it read "Lucía Fernández (model owner (Credit Analytics))". The pages
    name a person as the action list does: name, role."""
    card = workspace_root / "systems/fraud-alerts/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    assert "    role: model owner\n" in text
    card.write_text(
        text.replace("    role: model owner\n", "    role: model owner (Fraud Analytics)\n", 1),
        encoding="utf-8",
    )
    row = _row(_page(workspace_root, "systems/fraud-alerts/index.md"), "Owners")
    assert "Grace Hopper, model owner (Fraud Analytics)" in row
    assert "((" not in row and "))" not in row


def test_a_system_pages_key_facts_are_one_row_each(workspace_root: Path) -> None:
    """The risk tier's row carried the lifecycle stage, the card's status, the model
    version and the review date in one small line ("HIGH lifecycle: validation; document
    status: review; model version ..."): each is a row of its own, named."""
    page = _page(workspace_root, "systems/fraud-alerts/index.md")
    tier = _row(page, "Risk tier")
    assert "lifecycle" not in tier and "last reviewed" not in tier
    assert "cg-badge" in _row(page, "Model card status")
    for name in ("Lifecycle stage", "Model version", "Last reviewed"):
        assert _row(page, name)


def test_metric_names_read_as_their_names_not_as_identifiers() -> None:
    """Measure columns, chart titles and plain-words findings showed 'roc auc', 'Roc auc by
    sex', 'ndcg (keyword)' and 'Ndcg by phrasing'."""
    from cardgate.site.templating import label, metric_words, sentence_start

    assert label("roc_auc") == "ROC AUC"
    assert label("ndcg") == "nDCG" and label("mrr") == "MRR" and label("f1") == "F1"
    assert label("true_positive_rate") == "true positive rate"
    assert label("not-started") == "not started"
    assert metric_words("ndcg_change_from_baseline") == "nDCG change from baseline"
    assert sentence_start(metric_words("roc_auc") + " by sex") == "ROC AUC by sex"
    assert sentence_start(metric_words("ndcg") + " by phrasing") == "nDCG by phrasing"
    assert sentence_start(metric_words("selection_rate") + " by sex") == "Selection rate by sex"
