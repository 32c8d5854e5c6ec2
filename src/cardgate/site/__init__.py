"""The review site: Markdown pages generated from the workspace, built by mkdocs-material.

`build_site(workspace, out=..., strict=..., pdf=...) -> BuildResult` is the entry point
(`cardgate build`); `serve` rebuilds on change (`cardgate serve`). Modules: `model`
(what the site shows, gathered once), `pages` (page builders), `templating` (the one
Jinja environment), `escape` (card text made safe), `charts` (SVG), `build` (the MkDocs
driver and link check), `pdf` (headless Chromium), `serve`.
Nothing here is imported by `validate` or `gate`; mkdocs is imported only while building.
"""

from __future__ import annotations
