"""Screenshots of the worked example's review site for the README (docs/screenshots/).

Run: .venv/bin/python scripts/site_screenshots.py

Builds a copy of governance/ and site/ with the gate's clock pinned (as the tests do), then
photographs the dashboard and the blocked system's page with Debian's Chromium at 1440 and
390 px wide (the first screen, as a reader sees it on opening the page).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
TODAY = dt.date(2026, 11, 30)
PAGES = {"dashboard": "index.html", "blocked-system": "systems/credit-default/index.html"}
SIZES = {1440: 900, 390: 844}


def main() -> int:
    from playwright.sync_api import sync_playwright

    from cardgate.documents.workspace import load_workspace
    from cardgate.site.build import build_site

    with tempfile.TemporaryDirectory(prefix="cardgate-shots-") as folder:
        root = Path(folder)
        shutil.copytree(REPO / "governance", root / "governance")
        shutil.copytree(
            REPO / "site", root / "site", ignore=shutil.ignore_patterns("generated", "build")
        )
        result = build_site(load_workspace(root / "governance"), today=TODAY)
        if result.failed:
            print("the site did not build", file=sys.stderr)
            return 1
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            for width, height in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, path in PAGES.items():
                    page.goto((result.layout.out_dir / path).as_uri())
                    target = OUT / f"{name}-{width}.png"
                    page.screenshot(path=str(target))
                    print(f"wrote {target.relative_to(REPO)}")
                page.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
