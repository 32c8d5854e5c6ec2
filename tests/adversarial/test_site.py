"""Items 14 and 15 of issue #15: what the site shows, and what `cardgate serve` watches.

Control characters and bidi overrides in card text reach the site's HTML as visible
escapes, never raw; a 5,000-character unbroken string wraps (in a real browser the page
stays as wide as the window) and is shown in full. `cardgate serve` starts with links in
the workspace that lead to their own folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import GOVERNANCE, SIGNED_SYSTEM, SYSTEM, TODAY, invoke

HOSTILE = "Scores\x1b[2J\u202eevil\u202c\x85 applicants \x07 for review"
WINDOW = "2026-11 [open](javascript:alert(1)) ![x](http://evil.example/x.png) *em*"
"""A monitoring window's id: `cardgate monitor` takes it from the data file's name."""
LONG = "A" * 5000
SECRET = "SECRET-TOKEN-77aa"
CHROMIUM = "/usr/bin/chromium"
_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example with a hostile card, built; the HTML folder."""
    root = tmp_path_factory.mktemp("site") / "ws"
    shutil.copytree(GOVERNANCE, root, symlinks=True)
    card = root / "systems" / SYSTEM / "model-card.yaml"
    text = card.read_text(encoding="utf-8")
    for indent in ("  ", "    "):  # the model's description, the first risk's
        written = re.search(rf"^{indent}description: >-\n(?:{indent}  .*\n)+", text, re.MULTILINE)
        assert written is not None
        value = json.dumps(f"{HOSTILE} {LONG}")
        text = text.replace(written.group(), f"{indent}description: {value}\n", 1)
    card.write_text(text, encoding="utf-8")
    monitoring = root / "systems" / SIGNED_SYSTEM / "monitoring.json"
    record = json.loads(monitoring.read_text(encoding="utf-8"))
    record["windows"][-1]["id"] = WINDOW
    monitoring.write_text(json.dumps(record), encoding="utf-8")
    secret = root.parent / "secret.md"
    secret.write_text(f"# {SECRET}\n", encoding="utf-8")
    pages = root.parent / "site" / "pages"  # the site folder beside the workspace
    pages.mkdir(parents=True)
    (pages / "leak.md").symlink_to(secret)
    code, out, err = invoke("build", "-w", root, "--out", root.parent / "html")
    assert code == 0, out + err
    return root.parent / "html"


def _system_page(site: Path) -> Path:
    pages = [p for p in site.rglob("*.html") if SYSTEM in p.as_posix() and "index" in p.name]
    assert pages, sorted(str(p) for p in site.rglob("*.html"))[:20]
    return min(pages, key=lambda p: len(p.as_posix()))


def test_no_control_or_bidi_character_reaches_the_html(site: Path) -> None:
    page = _system_page(site).read_text(encoding="utf-8")
    assert "\\u202e" in page and "\\x1b" in page  # shown, as escapes
    for path in site.rglob("*.html"):
        raw = _RAW.search(path.read_text(encoding="utf-8"))
        assert raw is None, f"{path}: raw {raw.group()!r}"


def test_a_window_id_is_text_on_the_page_never_markdown(site: Path) -> None:
    # The latest window's id is in a heading: Markdown there made a javascript: link
    # and an image loaded from elsewhere out of a data file's name.
    page = (site / "systems" / SIGNED_SYSTEM / "index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h4[^>]*>Drift in the latest window (.*?)</h4>", page)
    assert heading is not None
    assert "[open](javascript:alert(1))" in heading.group(1)
    assert '<a href="javascript' not in page and "<em>em</em>" not in page
    assert not re.search(r"(src|href)=\"http://evil", page)


def test_a_hand_written_page_linked_from_outside_is_not_published(site: Path) -> None:
    assert not any(SECRET in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (make test installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.mark.browser
def test_a_long_unbroken_string_wraps_and_is_shown_in_full(site: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(_system_page(site).as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"the page is {width} px wide"
        assert LONG in page.inner_text("body")
    finally:
        context.close()


def test_serve_starts_with_links_to_their_own_folder(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(GOVERNANCE, root, symlinks=True)
    (root / "systems" / "loop-a").symlink_to(".")
    (root / "systems" / "loop-b").symlink_to(".")
    process = subprocess.Popen(
        [sys.executable, "-m", "cardgate", "serve", "--port", "0", "-w", str(root)],
        env={**os.environ, "CARDGATE_TODAY": TODAY},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while not any("serving http://" in line for line in lines):
            assert time.monotonic() < deadline, "serve did not start:\n" + "".join(lines)
            assert process.poll() is None, "serve exited:\n" + "".join(lines)
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_folder_names_with_one_slug_get_a_page_each(workspace: Path, tmp_path: Path) -> None:
    # 'Credit-Default' beside 'credit-default' made one page: the second system's page
    # replaced the first's, and the dashboard linked both names to it.
    shutil.copytree(workspace / "systems" / SYSTEM, workspace / "systems" / "Credit-Default")
    code, out, err = invoke("build", "-w", workspace, "--out", tmp_path / "html")
    assert code == 0, out + err
    systems = tmp_path / "html" / "systems"
    own = (systems / SYSTEM / "index.html").read_text(encoding="utf-8")
    twin = (systems / "credit-default-2" / "index.html").read_text(encoding="utf-8")
    assert "systems/Credit-Default/model-card.yaml" not in own
    assert f"systems/{SYSTEM}/model-card.yaml" in own
    assert "systems/Credit-Default/model-card.yaml" in twin
    dashboard = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert 'href="systems/credit-default-2/index.html"' in dashboard


def test_slugs_are_distinct_and_an_id_keeps_its_own() -> None:
    from cardgate.site.view_model import slugs

    names = ["credit-default-2", "Credit-Default", "credit-default", "a b", "a-b", "A B"]
    chosen = slugs(names)
    assert chosen == {
        "credit-default": "credit-default",
        "credit-default-2": "credit-default-2",
        "a-b": "a-b",
        "A B": "a-b-2",
        "Credit-Default": "credit-default-3",
        "a b": "a-b-3",
    }
    assert slugs(reversed(names)) == chosen
