"""The monitoring section of a system's page: the windows with their breaches and the
decision recorded, a chart per metric over the windows, the latest window's drift."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cardgate.documents.workspace import load_workspace
from cardgate.site.build import generate, site_layout
from tests.gate.conftest import SYSTEM, TODAY, build_workspace

DECIDED = (
    "  owner: Ada Owner\n  decisions:\n    - {window: '2026-10', decision: retrain, "
    "approver: Ada Owner, date: 2026-11-02, note: retrained on fresh data}\nevaluation:"
)


def test_the_page_shows_windows_breaches_decisions_and_drift(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                f"systems/{SYSTEM}/model-card.yaml": [["  owner: Ada Owner\nevaluation:", DECIDED]]
            },
            "monitor": [{"id": "2026-10", "shifted": True}, {"id": "2026-11"}],
        },
    )
    workspace = load_workspace(root)
    layout = site_layout(workspace, out=tmp_path / "html")
    generate(workspace, layout, today=TODAY)
    page = (layout.docs_dir / f"systems/{SYSTEM}/index.md").read_text(encoding="utf-8")
    section = page[page.index("### Production windows") :]
    assert "<td>2026-11 (latest)" in section
    # the breaching window, its breach and the decision recorded on it
    breached = section[section.index("<td>2026-10") : section.index("<td>2026-11 (latest)")]
    assert "breach" in breached and "drift: sex" in breached
    assert "retrain by Ada Owner" in breached and "retrained on fresh data" in breached
    # a chart per overall metric, the approved value as its line, with a text alternative
    assert 'class="cg-chart"' in section and "approved " in section and "<desc>" in section
    # the latest window's drift table, every column stable
    table = section[section.index("Drift in the latest window (2026\\-11)") :]
    assert table.count(">stable<") == 3, table


def test_a_tables_reference_says_what_it_rests_on(tmp_path: Path) -> None:
    """A reference profiled from a Spark table (`profile --table`, here recorded as it
    writes it): the page names the table, the queries and the evidence level."""
    query = "-- cardgate: the profile queries\nSELECT 1;\n"
    digest = hashlib.sha256(query.encode()).hexdigest()
    table = (
        '"reference": {\n    "computed_by": {"engine": "spark", "query": '
        f'"systems/{SYSTEM}/profile.sql", "query_sha256": "{digest}", "tables": '
        '[{"name": "lake.ml.loans", "version": "12"}], "rows": 800},\n    '
        '"evidence": "counts-with-query",\n    "profile"'
    )
    root = build_workspace(
        tmp_path / "ws",
        {
            "monitor": [{"id": "2026-11"}],
            "edit_after": {
                f"systems/{SYSTEM}/monitoring.json": [['"reference": {\n    "profile"', table]],
                f"systems/{SYSTEM}/profile.sql": query,
            },
        },
    )
    workspace = load_workspace(root)
    layout = site_layout(workspace, out=tmp_path / "html")
    generate(workspace, layout, today=TODAY)
    page = (layout.docs_dir / f"systems/{SYSTEM}/index.md").read_text(encoding="utf-8")
    section = page[page.index("### Production windows") :]
    assert "Evidence <code>counts-with-query</code>" in section
    assert "from the table <code>lake.ml.loans</code> (version 12) (800 rows)" in section
    assert f"<code>systems/{SYSTEM}/profile.sql</code> (SHA-256 <code>{digest}</code>)" in section
    assert "cardgate could not hash the table" in section
