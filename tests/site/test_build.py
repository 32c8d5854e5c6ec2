"""`cardgate build`: pages, determinism, --strict, offline output, folder safety."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.errors import UsageError
from cardgate.documents.workspace import load_workspace
from cardgate.site import pdf
from cardgate.site.build import build_site, generate, site_layout

TODAY = dt.date(2026, 11, 30)


def _markdown(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.md"))
    }


def test_build_writes_every_page_and_a_default_config(workspace_root: Path) -> None:
    result = build_site(load_workspace(workspace_root), today=TODAY)
    assert not result.render_problems
    layout = result.layout
    assert layout.site_dir == workspace_root / "site"
    assert result.created == [layout.config_file]
    config = layout.config_file.read_text(encoding="utf-8")
    assert "font: false" in config and "docs_dir: generated" in config
    paths = {page.path for page in result.pages}
    assert {
        "index.md",
        "systems/credit-scoring/index.md",
        "systems/hostile/index.md",
        "datasets/index.md",
        "datasets/applicants/index.md",
        "nist/index.md",
        "rules/index.md",
    } <= paths
    assert any(path.startswith("rules/GATE-") for path in paths)
    for path in ("index.html", "systems/fraud-alerts/index.html", "how-to-read.html"):
        assert (layout.out_dir / path).is_file()


def test_generated_markdown_is_deterministic(workspace_root: Path) -> None:
    workspace = load_workspace(workspace_root)
    layout = site_layout(workspace)
    generate(workspace, layout, today=TODAY)
    first = _markdown(layout.docs_dir)
    generate(load_workspace(workspace_root), layout, today=TODAY)
    assert _markdown(layout.docs_dir) == first


def test_pages_rendered_by_several_processes_equal_one_process(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate.core import parallel
    from cardgate.site.gather import gather
    from cardgate.site.pages import build_pages
    from cardgate.site.templating import make_environment

    workspace = load_workspace(workspace_root)
    model = gather(workspace, today=TODAY)
    environment = make_environment(site_layout(workspace).site_dir)
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # fork even for a few pages
    monkeypatch.setenv("CARDGATE_JOBS", "3")
    shared = build_pages(model, environment)
    monkeypatch.setenv("CARDGATE_JOBS", "1")
    alone = build_pages(model, environment)
    assert shared == alone
    assert len(shared[0]) > 10


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_pages_written_by_the_workers_make_the_same_docs_folder(
    workspace_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker writes the pages it renders; the folder is the same as one process
    writing everything, and what an earlier build left there is removed."""
    from cardgate.core import parallel

    workspace = load_workspace(workspace_root)
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # fork even for a few pages
    trees = {}
    for jobs in ("3", "1"):
        monkeypatch.setenv("CARDGATE_JOBS", jobs)
        layout = site_layout(workspace, out=tmp_path / jobs / "build")
        docs = layout.docs_dir
        (docs / "systems" / "gone").mkdir(parents=True, exist_ok=True)
        (docs / "systems" / "gone" / "index.md").write_text("stale", encoding="utf-8")
        (docs / ".cardgate-generated").write_text("", encoding="utf-8")
        result = generate(workspace, layout, today=TODAY)
        trees[jobs] = _tree(docs)
        assert all(page.written and not page.text for page in result.pages if page.markdown)
        shutil.rmtree(docs)
    assert trees["3"] == trees["1"]
    assert "systems/gone/index.md" not in trees["1"]
    assert "systems/credit-scoring/index.md" in trees["1"]
    assert not [name for name in trees["1"] if name.endswith(".tmp")]


def test_each_systems_crosswalks_are_worked_out_once_for_its_two_pages(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system page's summary and the compliance page share one computation."""
    from cardgate.site import compliance_content
    from cardgate.site.gather import gather
    from cardgate.site.pages import build_pages
    from cardgate.site.templating import make_environment

    workspace = load_workspace(workspace_root)
    model = gather(workspace, today=TODAY)
    assert model.coverage is not None
    crosswalks = len(model.coverage.catalog.crosswalks)
    real = compliance_content.crosswalk_coverage
    asked: list[str] = []

    def counted(*args: object) -> object:
        asked.append(args[2].system)  # type: ignore[attr-defined]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(compliance_content, "crosswalk_coverage", counted)
    monkeypatch.setenv("CARDGATE_JOBS", "1")
    pages, _ = build_pages(model, make_environment(None))
    covered = [s.id for s in model.systems if s.coverage is not None]
    assert crosswalks >= 2 and len(covered) >= 2
    assert sorted(asked) == sorted(covered * crosswalks)
    for system in model.systems:  # and both pages still show them
        compliance = next(p for p in pages if p.path == f"systems/{system.slug}/compliance.md")
        page = next(p for p in pages if p.path == f"systems/{system.slug}/index.md")
        if system.coverage is not None:
            assert "ISO/IEC 42001" in compliance.text and "ISO/IEC 42001" in page.text


def test_system_page_shows_evaluation_signoffs_and_findings(workspace_root: Path) -> None:
    result = build_site(load_workspace(workspace_root), today=TODAY)
    docs = result.layout.docs_dir
    credit = (docs / "systems/credit-scoring/index.md").read_text(encoding="utf-8")
    assert "suppressed (group too small)" in credit
    assert 'role="img"' in credit and "<desc>" in credit
    assert "<code>" + "a" * 64 + "</code>" in credit  # provenance digest
    assert 'cg-badge cg-bad">stale</span>' in credit
    assert "GATE-" in credit
    fraud = (docs / "systems/fraud-alerts/index.md").read_text(encoding="utf-8")
    assert 'cg-badge cg-ok">current</span>' in fraud
    dashboard = (docs / "index.md").read_text(encoding="utf-8")
    for name in ("Credit scoring", "Fraud alerts"):
        assert name in dashboard
    dataset = (docs / "datasets/applicants/index.md").read_text(encoding="utf-8")
    assert "312 values not among the allowed values" in dataset and "Credit scoring" in dataset


def test_missing_artifacts_render_not_available(workspace_root: Path) -> None:
    (workspace_root / "systems/fraud-alerts/evaluation.json").unlink()
    result = build_site(load_workspace(workspace_root), today=TODAY)
    page = (result.layout.docs_dir / "systems/fraud-alerts/index.md").read_text("utf-8")
    assert "No evaluation" in page and "no evaluation artifact" in page
    assert not result.render_problems


def test_hostile_text_is_escaped_in_generated_markdown(workspace_root: Path) -> None:
    result = build_site(load_workspace(workspace_root), today=TODAY)
    page = (result.layout.docs_dir / "systems/hostile/index.md").read_text("utf-8")
    assert "<script>" not in page and "<img src=x" not in page
    assert "{{ 7*7 }}" in page and "49" not in page.split("Hostile", 1)[1][:50]
    built = (result.layout.out_dir / "systems/hostile/index.html").read_text("utf-8")
    assert "<script>window.__pwned" not in built
    assert 'href="javascript:' not in built.lower()
    assert not _event_handlers(built)
    assert "onerror=&quot;" in built  # the hostile text is there, as text


def _event_handlers(html_text: str) -> list[tuple[str, str]]:
    """(tag, attribute) of every on* attribute a browser would see."""
    from html.parser import HTMLParser

    found: list[tuple[str, str]] = []

    class _Attributes(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((tag, name) for name, _ in attrs if name.lower().startswith("on"))

    parser = _Attributes()
    parser.feed(html_text)
    parser.close()
    return found


def test_built_site_loads_nothing_from_the_network(workspace_root: Path) -> None:
    result = build_site(load_workspace(workspace_root), today=TODAY)
    for page in result.layout.out_dir.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "fonts.googleapis" not in text
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", text)


def test_strict_fails_naming_document_and_field(workspace_root: Path) -> None:
    artifact = workspace_root / "systems/fraud-alerts/evaluation.json"
    data = json.loads(artifact.read_text(encoding="utf-8"))
    data["features"] = {}  # read with the evaluator's model: the field is named
    artifact.write_text(json.dumps(data), encoding="utf-8")
    result = build_site(load_workspace(workspace_root), today=TODAY, strict=True)
    assert result.failed and result.exit_code == 1
    messages = [problem.format() for problem in result.problems]
    assert any(
        "systems/fraud-alerts/evaluation.json: is malformed at 'features': Input should be a "
        "valid list" in m
        for m in messages
    ), messages
    lenient = build_site(load_workspace(workspace_root), today=TODAY)
    assert not lenient.failed


def test_strict_fails_on_a_broken_link(workspace_root: Path) -> None:
    pages = workspace_root / "site" / "pages"
    pages.mkdir(parents=True)
    (pages / "about.md").write_text(
        '# About\n\n<p><a href="systems/nowhere/index.html">x</a></p>\n', "utf-8"
    )
    result = build_site(load_workspace(workspace_root), today=TODAY, strict=True)
    assert any(
        "broken link 'systems/nowhere/index.html'" in p.format() for p in result.render_problems
    )
    assert result.exit_code == 1


def test_unreadable_card_is_reported_not_crashed(workspace_root: Path) -> None:
    (workspace_root / "systems/fraud-alerts/model-card.yaml").write_text(
        "kind: model-card\nschema_version: 1\nid: fraud-alerts\nname: [unclosed\n", "utf-8"
    )
    result = build_site(load_workspace(workspace_root), today=TODAY, strict=True)
    assert not result.render_problems
    assert any(p.document == "systems/fraud-alerts/model-card.yaml" for p in result.problems)
    page = (result.layout.docs_dir / "systems/fraud-alerts/index.md").read_text("utf-8")
    assert "The model card could not be read" in page
    assert result.exit_code == 1


def test_refuses_to_clear_a_folder_it_did_not_write(workspace_root: Path) -> None:
    out = workspace_root / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("do not delete", "utf-8")
    with pytest.raises(UsageError):
        build_site(load_workspace(workspace_root), today=TODAY, out=out)
    assert (out / "thesis.txt").is_file()


@pytest.mark.parametrize("link", [False, True])
def test_refuses_to_replace_a_file(workspace_root: Path, link: bool) -> None:
    """--out naming a file (a typo, a tab-completed README), or a link to one: the site
    took its place, the file was gone."""
    thesis = workspace_root / "thesis.txt"
    thesis.write_text("do not delete", "utf-8")
    out = workspace_root / "site-link" if link else thesis
    if link:
        out.symlink_to(thesis)
    with pytest.raises(UsageError, match=r"thesis\.txt is a file, not a folder"):
        build_site(load_workspace(workspace_root), today=TODAY, out=out)
    assert thesis.read_text("utf-8") == "do not delete"
    assert out.is_symlink() == link


def test_a_review_dated_9999_12_31_builds(workspace_root: Path) -> None:
    """GATE-FR001 (a review in the future): the site's next-actions list added the tier's
    review age to the date, past datetime.date.max, an internal error of the build."""
    for card in (workspace_root / "systems").glob("*/model-card.yaml"):
        text = card.read_text("utf-8")
        card.write_text(text.replace("last_reviewed: 2026-10-01", "last_reviewed: 9999-12-31"))
    result = build_site(load_workspace(workspace_root), today=TODAY)
    assert not result.render_problems
    page = (result.layout.docs_dir / "actions/index.md").read_text("utf-8")
    assert "last_reviewed 9999-12-31 is in the future" in page


def test_user_template_overrides_the_shipped_one(workspace_root: Path) -> None:
    templates = workspace_root / "site" / "templates"
    templates.mkdir(parents=True)
    (templates / "datasets.md.j2").write_text("# Our data\n\n{{ datasets | length }}\n", "utf-8")
    result = build_site(load_workspace(workspace_root), today=TODAY)
    text = (result.layout.docs_dir / "datasets/index.md").read_text("utf-8")
    assert text == "# Our data\n\n1\n"


def test_pdf_without_chromium_says_so(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(UsageError, match="--pdf needs Chromium"):
        build_site(load_workspace(workspace_root), today=TODAY, pdf=True)


def test_cli_build(workspace_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace_root)
    outcome = CliRunner().invoke(app, ["build"])
    assert outcome.exit_code == 0, outcome.output
    assert "pages to site/generated" in outcome.output
    strict = CliRunner().invoke(app, ["build", "--strict"])
    assert strict.exit_code in (0, 1)


def test_a_site_beside_the_workspace_is_not_built_into_unless_named(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace without site/ inside a folder whose site/ holds a mkdocs.yml (another
    project's documentation): the build wrote its generated pages and HTML there. It
    now builds inside the workspace and says how to use the other one; named in
    cardgate.yaml (site.site_dir: ../site), that one is built."""
    beside = workspace_root.parent / "site"
    beside.mkdir()
    (beside / "mkdocs.yml").write_text("site_name: Another project\n", encoding="utf-8")
    monkeypatch.chdir(workspace_root)
    outcome = CliRunner().invoke(app, ["build"])
    assert outcome.exit_code == 0, outcome.output
    assert [path.name for path in beside.iterdir()] == ["mkdocs.yml"]
    assert "pages to site/generated" in outcome.output
    assert (workspace_root / "site" / "build" / "index.html").is_file()
    assert (
        f"note: {beside / 'mkdocs.yml'}, beside the workspace, is not used: the site is "
        "built in site/; to build that one instead, set site.site_dir: ../site in "
        "cardgate.yaml" in outcome.output
    ), outcome.output
    again = CliRunner().invoke(app, ["build"])  # said once, when site/ was made
    assert again.exit_code == 0 and "note:" not in again.output, again.output
    config = workspace_root / "cardgate.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("site:\n", "site:\n  site_dir: ../site\n"), encoding="utf-8")
    assert site_layout(load_workspace(workspace_root)).site_dir == beside.resolve()


def test_dataset_page_shows_the_documented_data_check(workspace_root: Path) -> None:
    result = build_site(load_workspace(workspace_root), today=TODAY)
    assert not result.render_problems and not result.problems
    page = (result.layout.docs_dir / "datasets/applicants/index.md").read_text("utf-8")
    section = page.split("## Latest data check", 1)[1]
    assert 'cg-badge cg-bad">fail</span> 1 contract clause broken' in section
    assert "<code>datasets/applicants/applicants.csv</code> (csv, 600,173 bytes)" in section
    assert "<code>" + "d" * 64 + "</code>" in section
    assert "48,842 rows, 2 columns" in section
    # the contract digest in the fixture is not the current contract's: stale
    assert 'cg-badge cg-bad">stale</span>' in section
    violation = re.search(r"<tr><td><code>allowed-values</code>.*?</tr>", section, re.S)
    assert violation is not None
    row = violation.group(0)
    assert "<code>sex</code>" in row and "<td>312</td>" in row
    assert "&#34;x&#34;, &#34;&lt;/title&gt;&lt;script&gt;" in row  # examples, escaped
    assert "<script>" not in section
    profile = section.split("### Profile of the contract", 1)[1]
    assert "<code>sex</code></td><td>category</td><td>text</td><td>12 (0.02%)</td>" in profile
    assert "<td>3</td>" in profile
    listing = (result.layout.docs_dir / "datasets/index.md").read_text("utf-8")
    assert 'cg-badge cg-bad">fail</span>' in listing


def test_data_check_in_another_form_is_a_problem_not_a_guess(workspace_root: Path) -> None:
    check = workspace_root / "datasets/applicants/data-check.json"
    check.write_text('{"passed": true, "problems": []}', encoding="utf-8")
    result = build_site(load_workspace(workspace_root), today=TODAY)
    page = (result.layout.docs_dir / "datasets/applicants/index.md").read_text("utf-8")
    assert "cannot be shown: kind: is not &#39;data-check&#39;" in page
    assert any(
        p.document.endswith("data-check.json") and p.field == "kind" for p in result.problems
    )
    listing = (result.layout.docs_dir / "datasets/index.md").read_text("utf-8")
    assert 'cg-badge cg-muted">not checked</span>' in listing


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=30,
    )


def test_system_page_shows_what_changed_since_the_last_signoff(
    workspace_root: Path,
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(workspace_root, "init", "-q")
    _git(workspace_root, "add", "-A")
    _git(workspace_root, "commit", "-q", "-m", "documents as reviewed")
    signed = CliRunner().invoke(
        app,
        [
            "sign",
            "fraud-alerts",
            "--role",
            "owner",
            "--name",
            "Olu Owner",
            "--today",
            "2026-11-30",
            "-w",
            str(workspace_root),
        ],
    )
    assert signed.exit_code == 0, signed.output
    card = workspace_root / "systems/fraud-alerts/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace('"Scores applications."', '"Scores applications <b>and</b> flags rings."'),
        encoding="utf-8",
    )
    result = build_site(load_workspace(workspace_root), today=TODAY)
    assert not result.render_problems
    page = (result.layout.docs_dir / "systems/fraud-alerts/index.md").read_text("utf-8")
    assert 'cg-badge cg-bad">stale</span>' in page
    section = page.split("## What changed since approval", 1)[1]
    assert "<code>systems/fraud-alerts/model-card.yaml</code>" in section
    assert "-  description: &quot;Scores applications.&quot;" in section
    assert (
        "+  description: &quot;Scores applications &lt;b&gt;and&lt;/b&gt; flags rings.&quot;"
        in (section)
    )
    assert "<b>and</b>" not in section
    built = (result.layout.out_dir / "systems/fraud-alerts/index.html").read_text("utf-8")
    assert '<details class="cg-diff">' in built and "flags rings" in built
    # a system without a sign-off bound to a commit shows no such section
    hostile = (result.layout.docs_dir / "systems/hostile/index.md").read_text("utf-8")
    assert "What changed since approval" not in hostile


@pytest.mark.browser
def test_pdf_prints_one_document_per_system_with_chromium(workspace_root: Path) -> None:
    if pdf.find_chromium() is None:
        pytest.fail("Chromium is required for this test: make test installs Debian's chromium")
    workspace = load_workspace(workspace_root)
    result = build_site(workspace, today=TODAY, pdf=True)
    assert result.pdfs, "no PDF written"
    assert {path.stem for path in result.pdfs} == set(workspace.systems)
    for path in result.pdfs:
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 5_000, path
        assert path.parent == result.layout.out_dir / "pdf"


def _html(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.html"))
    }


def test_mkdocs_worker_builds_the_same_site_as_this_process(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate.site.mkdocs_run import MkdocsWorker

    monkeypatch.setenv("CARDGATE_JOBS", "2")
    alone = build_site(load_workspace(workspace_root), today=TODAY)
    here = _html(alone.layout.out_dir)
    with MkdocsWorker.start() as worker:
        assert worker.process is not None
        process = worker.process
        shared = build_site(load_workspace(workspace_root), today=TODAY, mkdocs=worker)
    assert process.returncode == 0
    assert shared.mkdocs_warnings == alone.mkdocs_warnings
    assert _html(shared.layout.out_dir) == here
    assert "systems/credit-scoring/index.html" in here


def test_a_dead_mkdocs_worker_falls_back_to_this_process(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate.site.mkdocs_run import MkdocsWorker

    monkeypatch.setenv("CARDGATE_JOBS", "2")
    worker = MkdocsWorker.start()
    assert worker.process is not None
    worker.process.kill()
    worker.process.wait()
    result = build_site(load_workspace(workspace_root), today=TODAY, mkdocs=worker)
    assert (result.layout.out_dir / "index.html").is_file()
    assert worker.process is None


def test_mkdocs_worker_reports_a_configuration_error_like_this_process(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate.core.errors import ConfigurationError
    from cardgate.site.mkdocs_run import MkdocsWorker

    monkeypatch.setenv("CARDGATE_JOBS", "2")
    build_site(load_workspace(workspace_root), today=TODAY)  # writes the default mkdocs.yml
    config = workspace_root / "site" / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace("docs_dir: generated", "docs_dir: elsewhere")
    )
    (config.parent / "elsewhere").mkdir()
    messages = []
    for worker in (None, MkdocsWorker.start()):
        with pytest.raises(ConfigurationError) as raised:
            build_site(load_workspace(workspace_root), today=TODAY, mkdocs=worker)
        messages.append((raised.value.message, raised.value.hint))
    assert messages[0] == messages[1]
    assert "docs_dir must be 'generated'" in messages[0][0]


def test_an_unused_mkdocs_worker_stops_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    from cardgate.site.mkdocs_run import MkdocsWorker

    monkeypatch.setenv("CARDGATE_JOBS", "2")
    with MkdocsWorker.start() as worker:
        process = worker.process
        assert process is not None
    assert process.returncode == 0
    monkeypatch.setenv("CARDGATE_JOBS", "1")
    assert MkdocsWorker.start().process is None


def test_regression_system_page_shows_its_disparities_and_how_intervals_were_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    import pandas as pd

    root = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["new", "model-card", "wages"]).exit_code == 0
    rng = np.random.default_rng(5)
    sex = rng.choice(["a", "b"], size=600)
    truth = rng.normal(10, 3, size=600)
    guess = truth + rng.normal(0, 1, size=600) + np.where(sex == "b", 0.8, 0.0)
    frame = pd.DataFrame({"y_true": truth.round(3), "y_pred": guess.round(3), "sex": sex})
    frame.to_csv(root / "systems/wages/predictions.csv", index=False)
    card = root / "systems/wages/model-card.yaml"
    card.write_text(
        card.read_text("utf-8")
        + "evaluation:\n  predictions: {path: systems/wages/predictions.csv}\n"
        "  task: regression\n  label_column: y_true\n  prediction_column: y_pred\n"
        "  sensitive_features: [sex]\n  bootstrap: {replicates: 200}\n"
        "  thresholds:\n    - {metric: mean_error_difference, feature: sex, max: 0.2}\n",
        "utf-8",
    )
    outcome = runner.invoke(app, ["evaluate", "wages"])
    assert outcome.exit_code == 0, outcome.output
    result = build_site(load_workspace(root), today=TODAY)
    page = (result.layout.docs_dir / "systems/wages/index.md").read_text("utf-8")
    # Student's t and Bonett's (the regression intervals since e0e3c60 and b3f4456), not
    # "normal-approximation intervals"; only the null test's noise floors are simulated
    assert "Student's t for the mean error" in page and "Bonett's for RMSE" in page
    assert "normal-approximation" not in page and "bootstrap intervals" not in page
    assert "simulated replicates of a studentized null test" in page
    assert "<td>mean error difference<td>" in page
    assert 'aria-label="Disparities by sex"' in page


def test_the_dashboard_says_which_mode_its_verdicts_show(workspace_root: Path) -> None:
    workspace = load_workspace(workspace_root)
    layout = site_layout(workspace)
    generate(workspace, layout, today=TODAY)
    dashboard = (layout.docs_dir / "index.md").read_text(encoding="utf-8")
    assert "in release mode (<code>cardgate gate --release</code>" in dashboard


def test_a_docs_folder_cardgate_did_not_write_is_refused_and_kept(workspace_root: Path) -> None:
    workspace = load_workspace(workspace_root)
    layout = site_layout(workspace)
    layout.docs_dir.mkdir(parents=True)
    mine = layout.docs_dir / "notes.md"
    mine.write_text("my notes", encoding="utf-8")
    with pytest.raises(UsageError, match="not written by cardgate"):
        generate(workspace, layout, today=TODAY)
    assert [p.name for p in layout.docs_dir.iterdir()] == ["notes.md"]
    assert mine.read_text(encoding="utf-8") == "my notes"


def test_a_link_planted_in_the_docs_folder_is_removed_not_written_through(
    workspace_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers write before stale files are pruned: a folder on the way that is a link
    (to somewhere outside) is removed, never followed, and nothing is written outside."""
    from cardgate.core import parallel

    workspace = load_workspace(workspace_root)
    layout = site_layout(workspace)
    outside = tmp_path / "outside"
    outside.mkdir()
    docs = layout.docs_dir
    docs.mkdir(parents=True)
    (docs / ".cardgate-generated").write_text("", encoding="utf-8")
    (docs / "systems").symlink_to(outside, target_is_directory=True)
    (docs / "datasets").write_text("a file where a folder goes", encoding="utf-8")
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)
    monkeypatch.setenv("CARDGATE_JOBS", "3")
    generate(workspace, layout, today=TODAY)
    assert list(outside.iterdir()) == []
    assert (docs / "systems").is_dir() and not (docs / "systems").is_symlink()
    assert (docs / "systems/credit-scoring/index.md").is_file()
    assert (docs / "datasets/index.md").is_file()


def test_the_dashboard_says_when_the_gates_date_was_chosen(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site built under CARDGATE_TODAY shows a verdict judged as of that date (stale
    evidence reads fresh on an earlier one): the dashboard says the date was chosen."""
    monkeypatch.setenv("CARDGATE_TODAY", TODAY.isoformat())
    result = build_site(load_workspace(workspace_root))
    dashboard = (result.layout.docs_dir / "index.md").read_text(encoding="utf-8")
    assert (
        f"Release gate run on {TODAY.isoformat()} (a date set by <code>CARDGATE_TODAY</code>, "
        "not read from the clock) in release mode"
    ) in dashboard
    monkeypatch.delenv("CARDGATE_TODAY")
    layout = site_layout(load_workspace(workspace_root))
    generate(load_workspace(workspace_root), layout, today=TODAY)  # given by the caller
    dashboard = (layout.docs_dir / "index.md").read_text(encoding="utf-8")
    assert f"Release gate run on {TODAY.isoformat()} in release mode" in dashboard


def test_the_dashboard_headline_counts_what_may_ship_when_nothing_is_blocked(
    workspace_root: Path,
) -> None:
    """With no system blocked the headline read '0 of 2 systems may not ship; 2 may ship
    only under waivers.' (and '0 of 1 system may not ship.' for one that passes, in a
    green box): it now says how many may ship."""
    shutil.rmtree(workspace_root / "systems" / "credit-scoring")  # the blocked one
    waivers = workspace_root / "waivers.yaml"
    kept = waivers.read_text(encoding="utf-8").split("  - rule:")
    waivers.write_text("  - rule:".join(w for w in kept if "credit-scoring" not in w))
    workspace = load_workspace(workspace_root)
    layout = site_layout(workspace)
    generate(workspace, layout, today=TODAY)
    dashboard = (layout.docs_dir / "index.md").read_text(encoding="utf-8")
    assert "<strong>2 of 2 systems may ship, 2 only under waivers.</strong>" in dashboard
    assert "may not ship" not in dashboard
