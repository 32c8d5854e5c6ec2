"""The review site: Markdown pages generated from the workspace, built by mkdocs-material.

`build_site(workspace, out=..., strict=..., pdf=...) -> BuildResult` is the entry point
(`cardgate build`); `serve` rebuilds on change (`cardgate serve`). Modules, in the order
data flows: `view_model` (what the pages show, as typed values), `gather` and
`view_inputs` (fill it once from the workspace, the gate's result and the artifacts),
`verdicts`, `threshold_rows` (the gate's verdicts, and the decider's threshold
verdicts, in a page's words), `actions` and
`plain_words` (what is left, who acts, how), `links`, `system_content`,
`compliance_content` (checklist answers, coverage, crosswalks), `evidence` (evidence files
brought into the site), `governance_content` (policy, waivers, action list),
`dataset_content`, `portfolio_content` (each page kind's values), `pages` (rendering every
page), `templating` (the one Jinja environment),
`escape` (card text made safe), `charts` (SVG), `build` and `mkdocs_run` (the MkDocs
driver and link check), `pdf` (headless Chromium), `serve`.
Nothing here is imported by `validate` or `gate`; mkdocs is imported only while building.
"""

from __future__ import annotations
