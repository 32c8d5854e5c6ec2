"""The built site in a real browser: Debian's Chromium driven by PyPI playwright.

Each test serves the built fixture site from 127.0.0.1 (http.server in a thread), records
every request the page makes and every dialog it opens, and saves a screenshot into the
test's tmp folder when it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import VERDICTS, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(built_site: Path) -> Iterator[str]:
    with serving(built_site) as url:
        yield url


class Recorder:
    """Requests and dialogs seen by one page."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture
def page(browser: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    recorder = Recorder()
    page.on("request", lambda r: recorder.requests.append(r.url))

    def on_dialog(dialog: Any) -> None:
        recorder.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.recorder = recorder
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
    context.close()


def _only_local(recorder: Recorder, origin: str) -> None:
    strays = [url for url in recorder.requests if not url.startswith((origin, "data:", "blob:"))]
    assert not strays, f"requests left 127.0.0.1: {strays}"


def test_dashboard_lists_every_system_with_its_verdict(page: Any, server: str) -> None:
    page.goto(f"{server}/index.html")
    rows = page.locator("tr.cg-system-row")
    assert rows.count() == 3
    systems = {rows.nth(i).get_attribute("data-system") for i in range(rows.count())}
    assert systems == {"credit-scoring", "fraud-alerts", "hostile"}
    for system, verdict in VERDICTS.items():
        row = page.locator(f'tr[data-system="{system}"]')
        gate = row.locator("td").nth(4).locator(".cg-badge")
        assert gate.inner_text().lower() == verdict, system
        # each row sits in the table of its verdict group
        group = page.locator(f'table.cg-dashboard[data-verdict="{verdict}"]')
        assert group.locator(f'tr[data-system="{system}"]').count() == 1, system
    credit = page.locator('tr[data-system="credit-scoring"]')
    assert "1 error" in credit.locator("td").nth(4).inner_text()
    assert credit.locator("td").nth(5).inner_text().lower() == "fail"  # fairness threshold
    assert "Lin Counsel" in credit.inner_text() and "STALE" in credit.inner_text().upper()
    hostile = page.locator('tr[data-system="hostile"]')
    assert "waived" in hostile.locator("td").nth(4).inner_text()
    tiles = page.locator(".cg-tile-number").all_inner_texts()
    assert tiles[:4] == ["3", "1", "2", "0"]  # systems, blocked, with waivers, may ship
    _only_local(page.recorder, server)


def test_system_page_shows_fairness_table_and_chart(page: Any, server: str) -> None:
    page.goto(f"{server}/index.html")
    page.locator('tr[data-system="credit-scoring"] a').first.click()
    page.wait_for_url("**/systems/credit-scoring/index.html")
    table = page.locator("table.cg-fairness")
    assert table.count() == 1
    assert "0.300" in table.inner_text() and "suppressed" in table.inner_text()
    chart = page.get_by_role("img", name="Selection rate by sex")
    assert chart.count() == 1 and chart.is_visible()
    desc = page.locator("svg.cg-chart desc").first.text_content() or ""
    assert "female: 0.300 (interval 0.250 to 0.350)" in desc
    assert page.locator("h2#intended-use").is_visible()
    _only_local(page.recorder, server)


def test_search_finds_a_system_by_name(page: Any, server: str) -> None:
    page.goto(f"{server}/index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.press_sequentially("Fraud", delay=50)
    result = page.locator(".md-search-result__item").filter(has_text="Fraud alerts")
    result.first.wait_for(timeout=15000)
    assert result.count() >= 1
    _only_local(page.recorder, server)


def test_hostile_card_runs_nothing_and_shows_text_literally(page: Any, server: str) -> None:
    for path in ("index.html", "systems/hostile/index.html"):
        page.goto(f"{server}/{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None
    heading = page.locator("h1").first.inner_text()
    assert "<script>window.__pwned = 1</script>" in heading
    body = page.locator("article").inner_text()
    assert "{{ 7*7 }}" in body
    assert '{: onclick="window.__pwned=4" }' in body
    assert "[click me](javascript:window.__pwned=3)" in body
    assert page.locator("article [onclick], article [onerror]").count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    for link in page.locator("article a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:")), href
    page.title()  # the title must not have broken out into markup
    assert page.evaluate("window.__pwned") is None
    assert not page.recorder.dialogs
    _only_local(page.recorder, server)


def test_no_request_leaves_localhost_on_any_page(page: Any, server: str, built_site: Path) -> None:
    for html_file in sorted(built_site.rglob("*.html"))[:40]:
        page.goto(f"{server}/{html_file.relative_to(built_site).as_posix()}")
    page.wait_for_load_state("networkidle")
    _only_local(page.recorder, server)


def test_a_dashboard_card_on_a_phone_keeps_a_space_between_a_value_and_its_note(
    browser: Any, server: str
) -> None:
    """At 390 px the dashboard's rows are cards and a cell's note runs on after its value:
    with no space between them it read "2026-11-30legal: Lin Counsel" and "FAIL1 error"."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{server}/index.html")
        gaps = page.evaluate(
            """() => [...document.querySelectorAll('tr.cg-system-row td > :is(small, code)')]
                .filter(e => e.previousElementSibling)
                .map(e => [e.closest('td').dataset.label, e.textContent.trim(),
                           e.getBoundingClientRect().left
                           - e.previousElementSibling.getBoundingClientRect().right,
                           e.getBoundingClientRect().top
                           - e.previousElementSibling.getBoundingClientRect().top])"""
        )
        labels = {label for label, *_ in gaps}
        assert {"System", "Gate", "Last sign-off"} <= labels, gaps
        # on the same line as its value, a note starts at least 3 px after it
        glued = [gap for gap in gaps if abs(gap[3]) < 4 and gap[2] < 3]
        assert not glued, glued
    finally:
        context.close()
