"""Framework catalogs (NIST AI RMF 1.0, AI 600-1, crosswalks), checklist definitions,
checks of checklist answers against them, and coverage of the subcategories.

Modules: `catalog` (typed catalog, `load_catalog`), `definitions` (load and validate
checklist definitions), `answers` (`check_answers`, called by `cardgate validate`),
`coverage_results` (statuses and roll-ups), `coverage` (the computation), `coverage_json`
(its JSON form), `coverage_report` (text, JSON, CSV, Markdown).
Nothing here imports pandas, fairlearn or mkdocs.
"""

from __future__ import annotations
