"""The GenAI section of a system page, on the worked example's helpdesk assistant: its
components and pinned prompts, the retrieval metrics with intervals per slice, the paired
comparison with the baseline, the generation scores with who judged them, and the NIST AI
600-1 risks — as built, and in a real browser (Chromium). Card text is data: a hostile
human_oversight and risk exposure are shown literally and run nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import HOSTILE, serving

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-30"
SYSTEM = "helpdesk-assistant"
CARD = f"governance/systems/{SYSTEM}/model-card.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example built once (a copy, with hostile text in two card fields that
    no artifact covers); returns the HTML folder."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.site.build import build_site

    root = tmp_path_factory.mktemp("genai-site")
    shutil.copytree(REPO / "governance", root / "governance")
    shutil.copytree(
        REPO / "site", root / "site", ignore=shutil.ignore_patterns("generated", "build")
    )
    card = root / CARD
    text = card.read_text(encoding="utf-8")
    oversight = "  human_oversight: >-\n    Helpdesk agents take over"
    exposure = '      exposure: "Customers may type account numbers'
    assert oversight in text and exposure in text
    text = text.replace(
        oversight, f"  human_oversight: >-\n    {HOSTILE['img']} Helpdesk agents take over"
    )
    text = text.replace(
        exposure, f'      exposure: "{HOSTILE["script"]} Customers may type account numbers'
    )
    card.write_text(text, encoding="utf-8")
    result = build_site(load_workspace(root / "governance"), today=dt.date.fromisoformat(TODAY))
    assert not result.render_problems, result.render_problems
    return result.layout.out_dir


def _page(built: Path) -> str:
    return (built / "systems" / SYSTEM / "index.html").read_text(encoding="utf-8")


def test_the_genai_section_shows_every_part(built: Path) -> None:
    page = _page(built)
    for expected in (
        'id="genai-system"',
        "example-llm, version 2026-01",
        "bm25 with query-side synonym expansion, k = 5",
        "systems/helpdesk-assistant/prompts/answer.txt",
        'title="b95db54ac4061e33333bf2f58293e79282be27539e04fd29de42af75d6422dce"',
        "Help-centre articles of Example Lending",
        "credential-mask",
    ):
        assert expected in page, expected
    # retrieval: the thresholds as the gate decides them, the paired baseline comparison,
    # per-slice metrics with intervals, the spreads with their noise floors
    assert "124 labelled queries, every metric at k = 5" in page
    assert "0.108 [0.064, 0.168]" in page  # nDCG@5 candidate minus baseline, paired
    assert "0.797 [0.729, 0.852]" in page  # the baseline's own nDCG@5
    assert "0.823 [0.696, 0.905]" in page  # nDCG@5 of the paraphrased queries
    assert "passes, not conclusively" in page  # the phrasing spread straddles its limit
    assert 'aria-label="nDCG by phrasing"' in page
    # generation: who judged (nobody: synthetic), the file and its digest, per slice
    assert "NOBODY: the scores are SYNTHETIC" in page
    assert "systems/helpdesk-assistant/ragas-scores.csv" in page
    assert "faithfulness: 3" in page  # samples without a score
    # safety: the red-team rates with Wilson intervals, each with its AI 600-1 risk and the
    # way it gets worse, the thresholds as the gate decides them, per technique
    assert "NOBODY: the red-team run is SYNTHETIC" in page
    assert "systems/helpdesk-assistant/redteam-results.json" in page
    assert "0.056 [0.024, 0.124]" in page  # jailbreak success, 5 of 90
    assert "0.978 [0.923, 0.994]" in page  # harmful requests refused, 88 of 90
    # (the built HTML is minified: no closing cell tags)
    assert "<td>Information Security<br><code>information-security</code><td>higher<td>90" in page
    assert "<code>dangerous-violent-hateful-content</code><td>lower<td>90" in page
    assert 'aria-label="jailbreak_success by vars.technique"' in page
    assert "0.100 [0.035, 0.256]" in page  # jailbreaks injected in a quoted article: 3 of 30
    # operations: latency quantiles and cost per 1,000 queries with intervals, the paired
    # change from the baseline's log, the thresholds as the gate decides them
    assert "From 124 logged queries" in page
    assert "systems/helpdesk-assistant/run-log-baseline.jsonl" in page
    assert "5190 [4817, 5689]" in page  # p95 latency, ms: the 113th and 123rd latencies
    # a p99 of 124 queries has no distribution-free interval: shown as such, and why
    assert '5643 <small class="cg-missing" title="124 queries are too few' in page
    assert "368 for the p99 (“no interval” where the log has fewer)" in page
    assert "-0.058 [-0.070, -0.045]" in page  # cost per 1,000 queries, candidate - baseline
    assert 'aria-label="Latency and cost thresholds"' in page
    # per category of the log: each slice's metrics with intervals (too few to compare)
    assert 'aria-label="Latency and cost by category"' in page
    assert "3339 [2816, 3777]" in page  # p50 latency of account-access, ms
    assert '5045 <small class="cg-missing" title="32 queries are too few' in page  # its p95
    # the AI 600-1 risks by number and title, with mitigations and evidence
    assert "2. Confabulation" in page and "systems/helpdesk-assistant/retrieval.json" in page
    # no fairness evaluation for a GenAI system: the page says where its evaluations are
    assert "a GenAI system has no predictions to evaluate" in page


def test_other_systems_have_no_genai_section(built: Path) -> None:
    page = (built / "systems" / "income-screening" / "index.html").read_text(encoding="utf-8")
    assert 'id="genai-system"' not in page


def test_card_text_in_the_genai_section_is_escaped(built: Path) -> None:
    page = _page(built)
    assert "<script>window.__pwned" not in page
    assert '<img src=x onerror="window.__pwned=2">' not in page
    assert "&lt;/title&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    with serving(built) as url:
        yield url


@pytest.mark.browser
def test_the_genai_section_in_a_browser(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{server}/systems/{SYSTEM}/index.html")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("h2#genai-system").is_visible()
        baseline = page.locator("table.cg-baseline")
        assert baseline.count() == 1 and baseline.is_visible()
        assert "0.108" in baseline.inner_text() and "passes" in baseline.inner_text().lower()
        chart = page.get_by_role("img", name="nDCG by phrasing")
        assert chart.count() == 1 and chart.is_visible()
        risks = page.locator("table.cg-gai-risks")
        assert "Confabulation" in risks.inner_text()
        assert HOSTILE["script"] in risks.inner_text()  # shown as text, not run
        judged = page.locator(".cg-judged-by")
        assert judged.count() == 2  # the generation scores and the red-team run
        assert all("SYNTHETIC" in one.inner_text() for one in judged.all())
        rates = page.locator("table.cg-safety-rates")
        assert rates.is_visible() and "Information Security" in rates.inner_text()
        strays = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
        assert not strays, strays
    finally:
        context.close()


def test_a_limit_in_the_baseline_table_stays_on_one_line(browser: Any, server: str) -> None:
    """The comparison with the baseline's Limit column is narrow: '≥' was left on one line
    and '-0.02' put on the next."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server}/systems/{SYSTEM}/index.html")
        limits = page.locator("table.cg-baseline tbody td:nth-child(5)")
        assert limits.count() >= 2
        lines = limits.evaluate_all(
            """cells => cells.map(cell => {
                const range = document.createRange();
                range.selectNodeContents(cell);
                return [cell.textContent,
                        new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
            })"""
        )
        assert all(text.startswith("≥") for text, _ in lines), lines
        assert all(count == 1 for _, count in lines), lines
    finally:
        context.close()
