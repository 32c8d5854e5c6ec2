"""The site as its readers use it (issue 17), checked on the generated pages.

A product manager (the verdict and its deciding findings first, in plain words, with who
acts and how; shaky passes; the action list), a lawyer (the sign-off record with digests,
what changed since approval without git, the policy, waivers and their expiry, the
crosswalks) and an auditor (every checklist answer with its NIST text and working evidence,
the provenance of the numbers, the glossary). The browser scenarios are in
test_reader_tasks.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from cardgate.documents.workspace import load_workspace
from cardgate.site.build import BuildResult, build_site
from cardgate.site.escape import css_string, page_title
from cardgate.site.threshold_rows import threshold_words

from .conftest import TODAY, write_signoffs

DAY = dt.date.fromisoformat(TODAY)

CHECKLIST = """\
kind: checklist
schema_version: 1
system: fraud-alerts
checklist: nist-ai-rmf-core
status: review
last_reviewed: 2026-10-01
items:
  GOV-01:
    status: done
    evidence: [docs/legal-review.md, "https://example.org/law", docs/missing.md]
    owner: Mara Auditee
    notes: Reviewed by counsel.
  GOV-02:
    status: partial
    evidence: [systems/fraud-alerts/model-card.yaml]
    owner: Mara Auditee
"""

EVIDENCE = """\
# Legal review

Checked against the *consumer-credit* rules.

<script>window.__pwned = 1</script>

| Law | Outcome |
|---|---|
| Credit act | compliant |

[a trap](javascript:alert(1)) and [the law](https://example.org/law).
"""


def _with_threshold(root: Path) -> None:
    """Make the card's fairness threshold block (the fixture's policy only warns on it):
    credit-scoring's gap 0.15 (interval 0.12-0.18) is beyond its limit 0.10."""
    policy = root / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert "GATE-FA003: {level: warning}" in text
    policy.write_text(
        text.replace("GATE-FA003: {level: warning}", "GATE-FA003: {level: error}"), encoding="utf-8"
    )
    write_signoffs(root)  # the sign-offs cover the policy of their tier: given after it


def _build(root: Path, **options: object) -> BuildResult:
    result = build_site(load_workspace(root), today=DAY, **options)  # type: ignore[arg-type]
    assert not result.render_problems, result.render_problems
    return result


def _page(result: BuildResult, path: str) -> str:
    return (result.layout.docs_dir / path).read_text(encoding="utf-8")


def _html(result: BuildResult, path: str) -> str:
    return (result.layout.out_dir / path).read_text(encoding="utf-8")


# --- the product manager -------------------------------------------------------------------------


def test_blocked_page_opens_with_verdict_mode_and_deciding_finding_in_plain_words(
    workspace_root: Path,
) -> None:
    _with_threshold(workspace_root)
    page = _page(_build(workspace_root), "systems/credit-scoring/index.md")
    top = page.split("## Sign-off record", 1)[0]
    assert "Blocked: may not ship" in top and "release mode" in top
    # the fairness finding, in words, from the numbers the decider decided on (fixture:
    # female 0.30, male 0.45, difference 0.15, limit 0.10, interval 0.12-0.18)
    assert "In sex, female are predicted positive 30.0% of the time vs 45.0% for male" in top, top
    assert (
        "at most 10.0 points; the measured gap is 15.0 points (95% interval 12.0–18.0): "
        "beyond the limit." in top
    )
    assert "Who: Ada Lovelace, model owner." in top
    assert "<code>cardgate evaluate credit-scoring</code>" in top
    # deciding first: the fairness finding comes before the sign-off paperwork
    assert top.index("Fairness or performance limit not met") < top.index("Sign-offs out of date")


def test_dashboard_names_each_blocked_system_with_its_deciding_finding(
    workspace_root: Path,
) -> None:
    _with_threshold(workspace_root)
    result = _build(workspace_root)
    dashboard = _page(result, "index.md")
    top = dashboard.split('<div class="cg-tiles"', 1)[0]
    assert "1 of 3 systems may not ship" in top and "release mode" in top
    assert "Credit scoring" in top and "measured gap is 15.0 points" in top
    actions = _page(result, "actions/index.md")
    assert actions.count('class="cg-blocking"') == 2  # fairness + stale sign-off
    assert "Risk office" in actions  # the waived finding, with its waiver's end date
    assert "2026-12-31 <small>(waiver expires)</small>" in actions


def test_a_pass_whose_interval_crosses_the_limit_is_shown_as_not_conclusive(
    workspace_root: Path,
) -> None:
    # fraud-alerts: gap 0.15, limit 0.20; an interval reaching past the limit makes the
    # decider's state inconclusive, which the policy lets through with a warning
    artifact = workspace_root / "systems/fraud-alerts/evaluation.json"
    data = json.loads(artifact.read_text(encoding="utf-8"))
    data["thresholds"][0].update(ci=[0.1, 0.25], state="inconclusive")
    artifact.write_text(json.dumps(data), encoding="utf-8")
    result = _build(workspace_root)
    page = _page(result, "systems/fraud-alerts/index.md")
    row = page.split('class="cg-threshold cg-state-shaky"', 1)[1].split("</tr>", 1)[0]
    assert "passes, not conclusively" in row and "inconclusive" in row
    assert "straddles max 0.2" in row  # the decider's own reason
    assert "cg-state-shaky" not in _page(result, "systems/credit-scoring/index.md")
    dashboard = _page(result, "index.md").splitlines()
    row = next(r for r in dashboard if 'data-system="fraud-alerts"' in r)
    assert "passes, not conclusively" in row  # the dashboard tells it apart too
    solid = next(r for r in dashboard if 'data-system="hostile"' in r)
    assert "passes, not conclusively" not in solid


def test_an_inconclusive_threshold_the_policy_blocks_asks_for_more_data(
    workspace_root: Path,
) -> None:
    artifact = workspace_root / "systems/fraud-alerts/evaluation.json"
    data = json.loads(artifact.read_text(encoding="utf-8"))
    data["thresholds"][0].update(ci=[0.1, 0.25], state="inconclusive")
    artifact.write_text(json.dumps(data), encoding="utf-8")
    policy = workspace_root / "policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            "GATE-FA003: {level: warning}",
            "GATE-FA003: {level: error, options: {inconclusive: block}}",
        ),
        encoding="utf-8",
    )
    page = _page(_build(workspace_root), "systems/fraud-alerts/index.md")
    top = page.split("## Sign-off record", 1)[0]
    assert "Blocked: may not ship" in top
    assert "the measured gap is 15.0 points (95% interval 10.0–25.0): inconclusive" in top
    assert "How: Evaluate on more data" in top
    row = page.split('class="cg-threshold cg-state-fail"', 1)[1].split("</tr>", 1)[0]
    assert "inconclusive: blocks" in row and "blocks until more data decide it" in row


def test_threshold_words_render_the_deciders_state_and_outcome() -> None:
    assert threshold_words("within", "pass") == ("pass", "passes")
    assert threshold_words("inconclusive", "warn") == ("shaky", "passes, not conclusively")
    assert threshold_words("inconclusive", "pass") == ("shaky", "passes, not conclusively")
    assert threshold_words("inconclusive", "block") == ("fail", "inconclusive: blocks")
    assert threshold_words("beyond", "block") == ("fail", "fails")
    assert threshold_words("undefined", "block") == ("fail", "not computed: blocks")


# --- the lawyer ----------------------------------------------------------------------------------


def test_signoff_record_shows_digests_commit_and_supersession(workspace_root: Path) -> None:
    signoffs = workspace_root / "systems/fraud-alerts/signoffs.yaml"
    text = signoffs.read_text(encoding="utf-8")
    first = text.split("signoffs:\n", 1)[1]
    signoffs.write_text(
        text + first.replace("2026-10-02", "2026-10-09").replace("Lin Counsel", "Lee Counsel"),
        encoding="utf-8",
    )
    page = _page(_build(workspace_root), "systems/fraud-alerts/index.md")
    record = page.split("## Sign-off record", 1)[1].split("\n## ", 1)[0]
    assert "Verified identity" in record and "Approved (document: digest)" in record
    assert "<code>systems/fraud-alerts/model-card.yaml</code>" in record
    assert re.search(
        r"<code class=\"cg-nowrap\" title=\"[0-9a-f]{64}\">[0-9a-f]{12}</code>", record
    )
    assert 'superseded</span><br><small>by <a href="#signoff-2">#2</a>' in record
    table = record.split("<tbody>", 1)[1]
    assert table.index("Lee Counsel") > table.index("Lin Counsel")
    assert page.index("## Sign-off record") < page.index("## Fairness and performance")


def test_signoff_record_shows_whether_the_gate_counts_each_signoff(workspace_root: Path) -> None:
    signoffs = workspace_root / "systems/fraud-alerts/signoffs.yaml"
    text = signoffs.read_text(encoding="utf-8")
    forged = text.split("signoffs:\n", 1)[1].replace("Lin Counsel", "Lee Forger")
    forged = forged.replace(
        "    documents:",
        "    signer: lee@example.org\n    signature: not a signature\n    documents:",
    )
    signoffs.write_text(text + forged, encoding="utf-8")
    page = _page(_build(workspace_root), "systems/fraud-alerts/index.md")
    rows = page.split("## Sign-off record", 1)[1].split("<tbody>", 1)[1].split("</tr>")
    unsigned = next(row for row in rows if "Lin Counsel" in row)
    assert ">unsigned</span>" in unsigned  # the fixture's policy accepts unsigned ones
    assert "the policy accepts unsigned sign-offs for this tier" in unsigned
    forgery = next(row for row in rows if "Lee Forger" in row)
    assert ">invalid</span>" in forgery and "lee@example.org" in forgery
    assert "the workspace lists no allowed signers" in forgery  # GATE-SO003's own reason


def test_what_changed_since_approval_works_without_git(workspace_root: Path) -> None:
    assert not (workspace_root / ".git").exists()
    card = workspace_root / "systems/fraud-alerts/model-card.yaml"
    card.write_text(
        card.read_text(encoding="utf-8").replace("Scores applications.", "Scores more."),
        encoding="utf-8",
    )
    page = _page(_build(workspace_root), "systems/fraud-alerts/index.md")
    section = page.split("## What changed since approval", 1)[1].split("\n## ", 1)[0]
    assert "<code>systems/fraud-alerts/model-card.yaml</code>" in section
    digests = re.findall(r'<code title="([0-9a-f]{64})">', section)
    assert len(digests) == 2 and digests[0] != digests[1]  # approved vs now
    assert "records no commit, so the signed text cannot be shown" in section


def test_changed_digests_are_shown_visibly_different(workspace_root: Path) -> None:
    signoffs = workspace_root / "systems/fraud-alerts/signoffs.yaml"
    text = signoffs.read_text(encoding="utf-8")
    card = "systems/fraud-alerts/model-card.yaml"
    digest = re.search(rf'{re.escape(card)}: "([0-9a-f]{{64}})"', text)
    assert digest is not None
    now = digest.group(1)
    signed = now[:20] + ("0" if now[20] != "0" else "1") + now[21:]  # differs late
    signoffs.write_text(text.replace(now, signed), encoding="utf-8")
    page = _page(_build(workspace_root), "systems/fraud-alerts/index.md")
    section = page.split("## What changed since approval", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r'<code title="[0-9a-f]{64}">([^<]+)</code>', section)
    assert len(shown) == 2 and shown[0] != shown[1], shown
    assert shown[0].startswith(signed[:21]) and shown[1].startswith(now[:21])


def test_evidence_is_read_only_from_regular_files(workspace_root: Path) -> None:
    import os

    from cardgate.site.evidence import EvidenceLink, evidence_body

    fifo = workspace_root / "docs" / "pipe.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    link = EvidenceLink("docs/pipe.md", "evidence/docs/pipe.md.md", source="docs/pipe.md")
    body = str(evidence_body(load_workspace(workspace_root), link))  # returns, never hangs
    assert "cannot be read" in body and "not a regular file" in body


@pytest.mark.parametrize(
    "text",
    [
        "- " * 5000 + "x",  # lists nested beyond the parser's recursion: a RecursionError
        "[" * 20_000,  # 54 s in one paragraph: the parser's links are quadratic in '['
        "[a](b\n\n" * 30_000,  # 1,000 to a paragraph, 30,000 in all
        "*a" * 400_000,  # emphasis is quadratic too: 6 s for 80,000, minutes for this
        "\\*a`b_" * 40_000,
        "*a*\n\n" * 150_000,  # 2 to a paragraph, 300,000 in all
    ],
)
def test_evidence_markdown_too_costly_to_render_is_shown_as_text(
    workspace_root: Path, text: str
) -> None:
    import time

    from cardgate.site.evidence import EvidenceLink, evidence_body

    path = workspace_root / "docs" / "hostile.md"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    link = EvidenceLink("docs/hostile.md", "", source="docs/hostile.md", kind="markdown")
    started = time.monotonic()
    body = str(evidence_body(load_workspace(workspace_root), link))
    assert time.monotonic() - started < 10
    assert body.startswith('<pre class="cg-evidence-source">') and 'id="L1"' in body


@pytest.mark.parametrize("text", ["- " * 5000 + "x", "> " * 5000 + "x", ">" * 200 + " x"])
def test_nesting_too_deep_is_shown_as_text_whatever_the_recursion_limit(
    workspace_root: Path, text: str
) -> None:
    """The nested lists above were shown as text because the parser raised RecursionError
    at Python's default limit; where something had raised the limit (it happened in a
    full test run), 5,000 nested lists were rendered: 190 kB of HTML from 10 kB."""
    import sys

    from cardgate.site.evidence import EvidenceLink, evidence_body

    path = workspace_root / "docs" / "deep.md"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    link = EvidenceLink("docs/deep.md", "", source="docs/deep.md", kind="markdown")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        body = str(evidence_body(load_workspace(workspace_root), link))
    finally:
        sys.setrecursionlimit(limit)
    assert body.startswith('<pre class="cg-evidence-source">') and 'id="L1"' in body
    path.write_text("- a\n    - b\n        - c\n\n> a quote\n> > in a quote\n", encoding="utf-8")
    shallow = str(evidence_body(load_workspace(workspace_root), link))
    assert shallow.startswith('<div class="cg-evidence-text">') and shallow.count("<ul>") == 3


def test_waivers_page_and_dashboard_warn_of_a_waiver_running_out(workspace_root: Path) -> None:
    waivers = workspace_root / "waivers.yaml"
    waivers.write_text(
        waivers.read_text(encoding="utf-8").replace("2026-12-31", "2026-12-15", 1),
        encoding="utf-8",
    )
    result = _build(workspace_root)
    page = _page(result, "waivers/index.md")
    assert "Approved by Risk office." in page
    assert "Legal review is booked for December." in page
    assert "every finding of the rule for this system" in page  # the scope
    assert "expires in 15 days" in page and "Waivers running out" in page
    assert "1 expires within 30 days" in _page(result, "index.md")
    hostile = _page(result, "systems/hostile/index.md")
    assert "expires in 15 days" in hostile.split("## Waivers", 1)[1]


def test_policy_page_shows_each_tier_and_what_is_never_waivable(workspace_root: Path) -> None:
    page = _page(_build(workspace_root), "policy/index.md")
    assert "policy.yaml (extends" in page or "policy.yaml" in page
    for tier in ("minimal", "limited", "high", "unacceptable"):
        assert f">{tier}</span>" in page
    assert "legal" in page  # the fixture policy requires a legal sign-off
    never = page.split("## Never waivable", 1)[1]
    from cardgate.gate.rules import RULES

    for rule in RULES:
        assert (f">{rule.code}</a>" in never) is (not rule.waivable), rule.code


# --- the auditor ---------------------------------------------------------------------------------


def test_every_answer_shows_nist_text_owner_notes_and_working_evidence(
    workspace_root: Path,
) -> None:
    (workspace_root / "docs").mkdir()
    (workspace_root / "docs/legal-review.md").write_text(EVIDENCE, encoding="utf-8")
    (workspace_root / "systems/fraud-alerts/checklist-nist-ai-rmf-core.yaml").write_text(
        CHECKLIST, encoding="utf-8"
    )
    result = _build(workspace_root)
    page = _page(result, "systems/fraud-alerts/compliance.md")
    row = page.split('id="item-gov-01"', 1)[1].split("</tr>", 1)[0]
    assert "GOVERN 1.1" in row and "Legal and regulatory requirements" in row  # NIST text
    assert "Mara Auditee" in row and "Reviewed by counsel." in row
    assert 'href="../../evidence/docs/legal-review.md.html"' in row
    assert 'href="https://example.org/law"' in row
    assert "docs/missing.md</code> <small>(no such file in the workspace)" in row
    # the YAML evidence is shown as text with numbered lines, the Markdown rendered safely
    built = _html(result, "evidence/docs/legal-review.md.html")
    assert "<h1" in built and "<table" in built and "consumer-credit" in built
    assert "&lt;script&gt;window.__pwned" in built and "<script>window.__pwned" not in built
    assert "javascript:" not in built
    assert 'href="https://example.org/law"' in built
    yaml_page = _html(result, "evidence/systems/fraud-alerts/model-card.yaml.html")
    assert 'id="L1"' in yaml_page and "kind: model-card" in yaml_page
    # crosswalks beyond NIST, applied to this system's answers
    assert "ISO/IEC 42001" in page and "ISO/IEC 23894" in page
    assert "Non-discrimination" in page  # the EU AI Act (proposal) column
    # coverage gaps carry the subcategory's text, not bare numbers
    assert "MANAGE 4.3" in page and "Incidents and errors are communicated" in page


def test_numbers_link_to_provenance_and_terms_to_the_glossary(workspace_root: Path) -> None:
    result = _build(workspace_root)
    page = _page(result, "systems/credit-scoring/index.md")
    assert '<a href="#provenance"' in page and "### Provenance" in page
    for term in ("interval", "noise-floor", "p-value", "detectable", "passes-not-conclusively"):
        assert f'glossary.html#{term}"' in page, term
    glossary = _html(result, "glossary.html")
    for anchor in ("interval", "noise-floor", "p-value", "detectable", "release-mode"):
        assert f'id="{anchor}"' in glossary, anchor


# --- text, titles, search ------------------------------------------------------------------------


def test_titles_have_no_missing_glyph_characters() -> None:
    title = str(page_title("Example Lending & Benefits Co."))
    assert "\uff06" not in title  # the full-width ampersand has no glyph in common fonts
    assert json.loads(title) == "Example Lending &\u2060 Benefits Co."
    assert "&\u2060lt;" in json.loads(str(page_title("&lt;/title&gt;")))  # no entity forms


def test_print_header_text_cannot_leave_its_css_string() -> None:
    escaped = str(css_string('A "b" </style>'))
    assert escaped == "A \\000022 b\\000022  \\00003c \\00002f style\\00003e "


def test_rule_pages_render_their_docstrings_as_lists_and_code(workspace_root: Path) -> None:
    built = _html(_build(workspace_root), "rules/GATE-CK003/index.html")
    assert "``" not in built
    assert "<code>status: done</code>" in built
    fails = built.split('id="fails"', 1)[1].split("<h2", 1)[0]
    assert fails.count("<li>") >= 2


def test_search_index_finds_people_findings_and_waivers(workspace_root: Path) -> None:
    _with_threshold(workspace_root)
    result = _build(workspace_root)
    index = json.loads((result.layout.out_dir / "search/search_index.json").read_text("utf-8"))
    docs = index["docs"]

    def locations(words: str) -> set[str]:
        return {d["location"] for d in docs if words.lower() in (d["title"] + d["text"]).lower()}

    assert "systems/index.html#system-fraud-alerts" in locations("Grace Hopper")
    assert "systems/index.html#system-credit-scoring" in locations("Lin Counsel")
    assert "systems/index.html#system-credit-scoring" in locations("demographic parity")
    assert "systems/index.html#system-credit-scoring" in locations("Sign-offs out of date")
    assert "systems/index.html#system-credit-scoring" in locations("credit-scoring")  # its id
    assert any(loc.startswith("waivers/index.html") for loc in locations("waiver"))
    assert any(loc.startswith("index.html") for loc in locations("may not ship"))  # dashboard
    # indexed for what readers search, not every table cell: no system page is indexed,
    # and the directory gives the words, not the sentences (those are on the system page)
    assert not any(loc.startswith("systems/credit-scoring/") for loc in locations(""))
    entry = next(d for d in docs if d["location"] == "systems/index.html#system-credit-scoring")
    assert "of the time vs" not in entry["text"] and "risk · release gate" not in entry["text"]
    assert len(entry["text"]) < 500, entry["text"]
    directory = _page(result, "systems/index.md")  # the verdict is still on the page, unindexed
    assert "<span data-search-exclude> · limited risk · release gate: Blocked" in directory
    assert (result.layout.out_dir / "search/search_index.js").is_file()  # file:// search


def test_a_hand_written_mkdocs_yml_keeps_working_when_cardgate_adds_pages(
    workspace_root: Path,
) -> None:
    site = workspace_root / "site"
    site.mkdir()
    (site / "mkdocs.yml").write_text(
        "site_name: Hand-written\ndocs_dir: generated\nsite_dir: build\n"
        "use_directory_urls: false\ntheme:\n  name: material\n  font: false\n"
        "nav:\n  - Home: index.md\n",
        encoding="utf-8",
    )
    result = build_site(load_workspace(workspace_root), today=DAY, strict=True)
    assert not result.render_problems, result.render_problems
    assert not result.mkdocs_warnings, result.mkdocs_warnings
    out = result.layout.out_dir
    for path in ("actions/index.html", "policy/index.html", "waivers/index.html", "glossary.html"):
        assert (out / path).is_file(), path
    dashboard = (out / "index.html").read_text(encoding="utf-8")
    for link in ("actions/index.html", "policy/index.html", "waivers/index.html"):
        assert f'href="{link}"' in dashboard, link


def _pdf_string(raw: bytes) -> str:
    """A PDF literal string's text (the escapes cardgate and Chromium write)."""
    text = raw.replace(b"\\\n", b"")
    text = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), text)
    return text.decode("latin-1")


@pytest.mark.browser
def test_pdf_has_header_page_numbers_and_relative_links(workspace_root: Path) -> None:
    from cardgate.site import pdf

    if pdf.find_chromium() is None:
        pytest.skip("Chromium is not installed (make test installs it)")
    result = _build(workspace_root, pdf=True)
    out = result.layout.out_dir
    document = out / "pdf" / "credit-scoring.pdf"
    data = document.read_bytes()
    assert b"file://" not in data  # no absolute path of the machine that built it
    uris = {_pdf_string(raw) for raw in re.findall(rb"/URI \(([^)]*)\)", data)}
    assert "../policy/index.html" in uris  # relative to the pdf/ folder
    assert "../datasets/applicants/index.html" in uris
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(document).pages
    assert len(pages) >= 2
    for number, printed in enumerate(pages, start=1):
        text = printed.extract_text()
        assert "Credit scoring" in text.split("\n", 2)[0] + text.split("\n", 2)[1], number
        assert "Release gate: Blocked: may not ship · 2026-11-30" in text, number
        assert f"Page {number} of {len(pages)}" in text, number
    page = (out / "systems/credit-scoring/index.html").read_text(encoding="utf-8")
    assert 'href="../../pdf/credit-scoring.pdf"' in page


def test_readme_links_the_committed_screenshots() -> None:
    repo = Path(__file__).resolve().parents[2]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for name in ("dashboard", "blocked-system"):
        for width in (1440, 390):
            path = f"docs/screenshots/{name}-{width}.png"
            assert f"({path})" in readme, path
            data = (repo / path).read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n", path
            assert int.from_bytes(data[16:20], "big") == width, path  # the PNG's width
