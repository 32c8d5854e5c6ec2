"""Each reader's five-minute task on the worked example's site, in real Chromium (issue 17).

The example (governance/ and site/, copied) is built once, with the gate's clock pinned,
and opened both from the file system (``file://``, what ``make demo`` prints) and from a
local HTTP server. The product manager finds what blocks credit-default without scrolling;
the lawyer reads the sign-off record; the auditor opens an evidence file; anyone searches
for a person's name. Every page is then checked for sideways scrolling at 390 px, for
serious or critical axe-core violations, and for console errors.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import serving

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 30)
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example's site, built from a copy; returns the HTML folder."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.site.build import build_site

    root = tmp_path_factory.mktemp("reader")
    shutil.copytree(REPO / "governance", root / "governance")
    shutil.copytree(
        REPO / "site", root / "site", ignore=shutil.ignore_patterns("generated", "build")
    )
    result = build_site(load_workspace(root / "governance"), today=TODAY, strict=True)
    assert not result.failed, [p.format() for p in result.render_problems + result.problems]
    return result.layout.out_dir


@pytest.fixture(scope="module")
def http_root(example_site: Path) -> Iterator[str]:
    with serving(example_site) as url:
        yield url


class Console:
    """Console errors, uncaught exceptions and failed requests of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request: Any) -> None:
        # Requests cut short by the next navigation (ERR_ABORTED) are not errors.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"failed: {request.url} ({request.failure})")


def _open(browser: Any, viewport: dict[str, int]) -> tuple[Any, Any, Console]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    return context, page, Console(page)


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith(("assets/", "search/"))
    )


def _decided_kinds(site: Path, system: str) -> list[str]:
    """How the one decider's verdicts on `system`'s thresholds read (pass, shaky, fail),
    from the gate run on the same copy of the example."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.gate.engine import run_gate
    from cardgate.site.threshold_rows import threshold_words

    workspace = load_workspace(site.parents[1] / "governance")
    result = run_gate(workspace, release=True, today=TODAY, recompute=False)
    verdict = next(v for v in result.systems if v.system == system)
    return [
        threshold_words(one.state, one.outcome)[0]
        for decided in verdict.thresholds
        for one in decided.verdicts
    ]


def _above_the_fold(page: Any, locator: Any) -> None:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["y"] >= 0 and box["y"] + min(box["height"], 60) <= page.viewport_size["height"], box


# --- the product manager: can it ship, and if not, what exactly stops it? -----------------------


def test_pm_sees_the_deciding_finding_without_scrolling(browser: Any, example_site: Path) -> None:
    context, page, console = _open(browser, WIDE)
    try:
        page.goto((example_site / "index.html").as_uri())
        verdict = page.locator("#verdict")
        assert "2 of 3 systems may not ship" in verdict.inner_text()
        assert "release mode" in verdict.inner_text()
        finding = verdict.get_by_text("the measured gap is 29.1 points", exact=False)
        _above_the_fold(page, finding)
        verdict.get_by_role("link", name="Consumer-credit default risk (validation)").click()
        page.wait_for_url("**/systems/credit-default/index.html")
        box = page.locator("#verdict")
        assert "Blocked: may not ship" in box.inner_text()
        assert "Release mode:" in box.inner_text()
        deciding = box.locator("ol.cg-deciding > li").first
        assert "Fairness or performance limit not met" in deciding.inner_text()
        assert "<25 are predicted positive 50.0% of the time vs 79.1% for 25+" in (
            deciding.inner_text()
        )
        assert "Who: Lucía Fernández, model owner" in deciding.inner_text()
        assert "cardgate evaluate credit-default" in deciding.inner_text()
        _above_the_fold(page, deciding.locator(".cg-what").first)
        _above_the_fold(page, deciding.locator(".cg-how").first)
        assert not console.errors, console.errors
    finally:
        context.close()


def test_pm_sees_shaky_passes_and_the_action_list(browser: Any, example_site: Path) -> None:
    context, page, _ = _open(browser, WIDE)
    try:
        page.goto((example_site / "systems/income-screening/index.html").as_uri())
        kinds = _decided_kinds(example_site, "income-screening")
        assert kinds.count("shaky") >= 1 and kinds.count("pass") >= 1, kinds
        shaky = page.locator("tr.cg-state-shaky")
        assert shaky.count() == kinds.count("shaky")  # inconclusive, let through
        assert "passes, not conclusively" in shaky.first.inner_text().lower()
        assert "inconclusive" in shaky.first.inner_text().lower()
        assert page.locator("tr.cg-state-pass").count() == kinds.count("pass")
        assert page.locator("tr.cg-threshold").count() == len(kinds)
        assert page.locator("tr.cg-state-fail").count() == 0
        page.goto((example_site / "actions/index.html").as_uri())
        rows = page.locator("table.cg-actions tbody tr")
        assert rows.count() >= 8
        first = rows.first.inner_text()
        assert "Consumer-credit default risk" in first and "Lucía Fernández" in first
        assert "cardgate evaluate credit-default" in first
        waived = page.locator("table.cg-actions tbody tr", has_text="waiver expires")
        assert "2027-03-31" in waived.first.inner_text()
    finally:
        context.close()


def test_threshold_tables_list_failing_then_shaky_then_solid_passes(
    browser: Any, example_site: Path
) -> None:
    order = ("fail", "shaky", "pass")
    seen: set[str] = set()
    context, page, _ = _open(browser, WIDE)
    try:
        for system in ("credit-default", "income-screening"):
            page.goto((example_site / f"systems/{system}/index.html").as_uri())
            rows = page.locator("table.cg-thresholds tbody tr")
            kinds = [
                next(c[len("cg-state-") :] for c in cls.split() if c.startswith("cg-state-"))
                for cls in rows.evaluate_all("rows => rows.map(r => r.className)")
            ]
            assert kinds == sorted(kinds, key=order.index), (system, kinds)
            assert sorted(kinds) == sorted(_decided_kinds(example_site, system))  # all, once
            # the first row of the table is the worst verdict, in words
            first = rows.first.inner_text().lower()
            words = {
                "fail": ("fails", "blocks"),
                "shaky": ("not conclusively",),
                "pass": ("passes",),
            }
            assert any(w in first for w in words[kinds[0]]), first
            seen.update(kinds)
    finally:
        context.close()
    assert seen == set(order), seen  # the example has all three kinds


# --- the lawyer: who approved what, when, against which version --------------------------------


def test_lawyer_reads_the_signoff_record_near_the_top(browser: Any, example_site: Path) -> None:
    context, page, _ = _open(browser, WIDE)
    try:
        page.goto((example_site / "systems/income-screening/index.html").as_uri())
        table = page.locator("table.cg-signoffs")
        headers = table.locator("thead th").all_inner_texts()
        for header in ("Role", "Name", "Verified identity", "Date", "Commit", "Holds?"):
            assert header in headers, headers
        assert "Approved (document: digest)" in headers
        first = table.locator("tbody tr").first
        digests = first.locator("ul.cg-digests code[title]")
        assert digests.count() >= 3  # card, checklist, datasheet, evaluation
        assert len(digests.first.get_attribute("title") or "") == 64
        assert "systems/income-screening/model-card.yaml" in first.inner_text()
        # whether it holds, in sight before the list of documents approved
        holds = first.locator("td").nth(headers.index("Holds?"))
        assert holds.locator(".cg-badge").inner_text().lower() in ("current", "stale")
        assert headers.index("Holds?") < headers.index("Approved (document: digest)")
        cell, region = holds.bounding_box(), page.locator(".cg-table-scroll", has=table)
        frame = region.bounding_box()
        assert cell is not None and frame is not None
        assert cell["x"] + cell["width"] <= frame["x"] + frame["width"] + 1  # no scrolling
        note = table.locator("tr.cg-signoff-note").first.inner_text().strip()
        assert note.startswith("Jonas Weber's note: "), note
        verification = first.locator("td").nth(3).inner_text()
        # the example's sign-offs are SSH-signed; the gate verified the signer's key
        assert "verified" in verification.lower() and "invalid" not in verification.lower()
        assert "SSH key of jonas.weber@example.org" in verification
        record = page.locator("h2#sign-off-record").bounding_box()
        fairness = page.locator("h2#fairness-and-performance-evaluation").bounding_box()
        assert record is not None and fairness is not None and record["y"] < fairness["y"]
        page.goto((example_site / "waivers/index.html").as_uri())
        body = page.locator("article").inner_text()
        assert "Priya Raman, Head of Model Risk Management" in body
        assert "2027-03-31" in body and "monitoring" in body
        page.goto((example_site / "policy/index.html").as_uri())
        policy = page.locator("table.cg-policy").inner_text()
        assert "owner, legal, risk" in policy and "180 days" in policy
        # one column per tier: the unacceptable tier's says it never ships, and why
        tiers = page.locator("table.cg-policy thead th").all_inner_texts()
        assert [t.strip().lower() for t in tiers[1:]] == [
            "minimal",
            "limited",
            "high",
            "unacceptable",
        ], tiers
        assert "never: GATE-MC003 blocks every release" in policy
    finally:
        context.close()


# --- the PDF (--pdf prints the system page with the print stylesheet) --------------------------

A4_PRINTABLE = 687
"""CSS pixels across an A4 page inside the print stylesheet's margins (210 - 2 x 14 mm)."""

_CUT_OR_SQUEEZED = r"""(longest) => {
    const limit = document.documentElement.clientWidth;
    const found = [];
    for (const table of document.querySelectorAll('article table')) {
        const name = table.className;
        const box = table.getBoundingClientRect();
        if (box.left < 0 || box.right > limit + 0.5) found.push(`${name}: ${box.right}`);
        for (const cell of table.querySelectorAll('td, th')) {
            if (cell.scrollWidth > cell.clientWidth + 1) found.push(`${name}: cell overflows`);
            const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let text = walk.nextNode(); text; text = walk.nextNode()) {
                // a word split over two lines (hyphens and dashes are breaks typography allows)
                for (const word of text.data.matchAll(/[^\s\-–]+/g)) {
                    if (word[0].length > longest) continue;
                    const range = document.createRange();
                    range.setStart(text, word.index);
                    range.setEnd(text, word.index + word[0].length);
                    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                    if (lines.size > 1) found.push(`${name}: '${word[0]}' split`);
                }
            }
        }
    }
    return found;
}"""


def test_lawyer_reads_every_approved_document_without_scrolling_the_table(
    browser: Any, example_site: Path
) -> None:
    """The sign-off record's last column lists each approved document with its digest; with
    the paths kept on one line the table was 1,063 px wide in a 908 px column at 1440 px,
    and the paths and digests were cut off at its edge."""
    context, page, _ = _open(browser, WIDE)
    try:
        page.goto((example_site / "systems/income-screening/index.html").as_uri())
        table = page.locator("table.cg-signoffs")
        width, room = table.evaluate("e => [e.scrollWidth, e.parentElement.clientWidth]")
        assert width <= room + 1, (width, room)
        digests = table.locator("ul.cg-digests code.cg-nowrap")
        assert digests.count() > 10
        heights = digests.evaluate_all("codes => codes.map(c => c.getClientRects().length)")
        assert set(heights) == {1}  # a digest is never broken
    finally:
        context.close()


def test_auditor_reads_every_checklist_answers_evidence_without_scrolling_the_table(
    browser: Any, example_site: Path
) -> None:
    """Evidence paths were kept whole, so the answers tables were up to 1,092 px wide in a
    908 px column at 1440 px and the paths were cut off at the table's edge."""
    context, page, _ = _open(browser, WIDE)
    try:
        wide = []
        for system in ("credit-default", "helpdesk-assistant", "income-screening"):
            page.goto((example_site / f"systems/{system}/compliance.html").as_uri())
            tables = page.locator("table.cg-answers")
            assert tables.count() >= 1
            for index in range(tables.count()):
                width, room = tables.nth(index).evaluate(
                    "e => [e.scrollWidth, e.parentElement.clientWidth]"
                )
                if width > room + 1:
                    wide.append((system, index, width, room))
        assert not wide, wide
    finally:
        context.close()


@pytest.mark.parametrize("system", ["credit-default", "income-screening"])
def test_printed_tables_fit_the_page_with_no_word_split(
    browser: Any, example_site: Path, system: str
) -> None:
    """What `--pdf` prints: every table of the system page within an A4 page's printable
    width, no cell overflowing, and no column squeezed until its numbers, dates, codes or
    header words break across lines (words longer than 16 characters, such as paths and
    digests, may wrap)."""
    context, page, _ = _open(browser, {"width": A4_PRINTABLE, "height": 1100})
    try:
        page.emulate_media(media="print")
        page.goto((example_site / f"systems/{system}/index.html").as_uri())
        assert page.evaluate("document.documentElement.clientWidth") == A4_PRINTABLE
        assert page.locator("table.cg-thresholds").count() == 1  # the widest table is there
        problems = page.evaluate(_CUT_OR_SQUEEZED, 16)
        assert not problems, problems
    finally:
        context.close()


# --- the auditor: show me the evidence behind each claim ---------------------------------------


def test_auditor_opens_an_evidence_file_from_a_checklist_answer(
    browser: Any, example_site: Path
) -> None:
    context, page, console = _open(browser, WIDE)
    try:
        page.goto((example_site / "systems/credit-default/index.html").as_uri())
        page.get_by_role("link", name="Checklist answers and regulations").click()
        page.wait_for_url("**/systems/credit-default/compliance.html")
        row = page.locator("tr#item-gov-02")
        assert "GOVERN 1.2" in row.inner_text()
        assert "trustworthy AI" in row.inner_text()  # the subcategory's text
        assert "Lucía Fernández" in row.inner_text()
        row.get_by_role("link", name="policies/ai-governance-policy.md").click()
        page.wait_for_url("**/evidence/policies/ai-governance-policy.md.html")
        assert page.locator("article h1").count() >= 1
        assert "governance" in page.locator("article").inner_text().lower()
        assert not console.errors, console.errors
    finally:
        context.close()


# --- search, from a file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Priya Raman", "Consumer-credit default risk"),
        ("Jonas Weber", "Income screening"),
        ("demographic parity", "Consumer-credit default risk"),
        ("waiver", "Waivers"),
    ],
)
def test_search_from_a_file_finds_the_system(
    browser: Any, example_site: Path, query: str, expected: str
) -> None:
    context, page, console = _open(browser, WIDE)
    try:
        page.goto((example_site / "index.html").as_uri())
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.locator("input.md-search__input").press_sequentially(query, delay=30)
        result = page.locator(".md-search-result__item").filter(has_text=expected)
        result.first.wait_for(timeout=15000)
        assert not console.errors, console.errors
    finally:
        context.close()


# --- every page: phone, accessibility, console ---------------------------------------------------


def test_no_page_scrolls_sideways_on_a_phone(browser: Any, example_site: Path) -> None:
    context, page, _ = _open(browser, PHONE)
    try:
        wide = []
        for path in _pages(example_site):
            page.goto((example_site / path).as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append((path, width))
        assert not wide, wide
    finally:
        context.close()


# The characters of each line a code element's text is laid out on.
_CODE_LINES = """e => {
  const lines = [];
  for (const node of e.childNodes) {
    if (node.nodeType !== 3) continue;
    const range = document.createRange();
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (!box.width) continue;
      const last = lines[lines.length - 1];
      if (last && Math.abs(last.top - box.top) < 3) last.text += node.data[i];
      else lines.push({top: box.top, text: node.data[i]});
    }
  }
  return lines.map(line => line.text);
}"""


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_a_file_name_in_a_field_table_wraps_where_it_may_not_after_its_first_letter(
    browser: Any, example_site: Path, viewport: dict[str, int]
) -> None:
    """`word-break: break-all` split a file name that would fit on the next line at the
    end of this one: "c" / "redit-default.spdx.json" in credit-default's Exports row."""
    context, page, _ = _open(browser, viewport)
    try:
        split = []
        for path in ("systems/credit-default/index.html", "datasets/adult/index.html"):
            page.goto((example_site / path).as_uri())
            codes = page.locator("table.cg-fields td code")
            assert codes.count() > 3
            for index in range(codes.count()):
                lines = codes.nth(index).evaluate(_CODE_LINES)
                if len(lines) > 1 and len(lines[0]) < 4:
                    split.append((path, lines))
        assert not split, split
    finally:
        context.close()


def test_tables_that_scroll_can_be_reached_by_keyboard(browser: Any, example_site: Path) -> None:
    context, page, _ = _open(browser, PHONE)
    try:
        page.goto((example_site / "systems/income-screening/index.html").as_uri())
        scrollers = page.locator(".cg-table-scroll")
        assert scrollers.count() > 5
        for index in range(scrollers.count()):
            scroller = scrollers.nth(index)
            assert scroller.get_attribute("tabindex") == "0"
            assert scroller.get_attribute("aria-label")
        wide = page.locator("table.cg-fairness").first.locator("xpath=..")
        assert wide.evaluate("e => e.scrollWidth > e.clientWidth")  # it does scroll
        wide.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("e => e.scrollLeft > 0", arg=wide.element_handle())
    finally:
        context.close()


_DARKNESS = """async (data) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    sum += 255 - (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3;
  }
  return sum / (pixels.length / 4);
}"""


def test_a_table_past_its_column_shades_the_edge_that_hides_columns(
    browser: Any, example_site: Path
) -> None:
    """At 1440 px the per-group table of credit-default is wider than its column (ECE and
    Brier score past the edge): a shadow on the right edge of its rows says so, and moves
    to the left edge once it is scrolled to the end. Read from screenshots of a 4 px strip
    at each edge of the body rows, decoded by the browser: 0 is white, 255 black."""
    import base64

    context, page, _ = _open(browser, WIDE)
    decoder = context.new_page()
    try:
        page.goto((example_site / "systems/credit-default/index.html").as_uri())
        wrap = page.locator("table.cg-fairness").first.locator("xpath=..")
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
        wrap.scroll_into_view_if_needed()

        def darkness(side: str) -> float:
            box, head = wrap.bounding_box(), wrap.locator("thead").bounding_box()
            top = head["y"] + head["height"] + 2
            x = box["x"] + box["width"] - 6 if side == "right" else box["x"] + 2
            clip = {"x": x, "y": top, "width": 4, "height": box["y"] + box["height"] - top - 2}
            shot = base64.b64encode(page.screenshot(clip=clip)).decode()
            return float(decoder.evaluate(_DARKNESS, shot))

        left, right = darkness("left"), darkness("right")
        assert right > 15 and left < 3, (left, right)
        wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        left, right = darkness("left"), darkness("right")
        assert left > 15 and right < 3, (left, right)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_no_serious_axe_violation_on_any_page(
    browser: Any, example_site: Path, http_root: str, viewport: dict[str, int]
) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    context, page, _ = _open(browser, viewport)
    try:
        found = []
        for path in _pages(example_site):
            page.goto(f"{http_root}/{path}")
            result = axe.run(page)
            for violation in result.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    found.append((path, violation["id"], violation["nodes"][0]["target"]))
        assert not found, found
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_no_console_errors_on_any_page(
    browser: Any, example_site: Path, http_root: str, scheme: str
) -> None:
    context, page, console = _open(browser, WIDE)
    try:
        for path in _pages(example_site):
            if scheme == "file" and path == "404.html":
                continue  # served only by a web server, for missing pages
            url = (example_site / path).as_uri() if scheme == "file" else f"{http_root}/{path}"
            page.goto(url)
            page.wait_for_load_state("load")
            assert not console.errors, (path, console.errors)
    finally:
        context.close()
