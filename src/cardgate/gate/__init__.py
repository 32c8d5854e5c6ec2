"""The release gate: rules over a loaded workspace, a policy per risk tier, waivers and
sign-offs; `run_gate` returns one `GateResult` that the reporters render.

Modules: `result` (Finding, GateResult), `rule` (Rule metadata read from a rule module),
`rules` (the explicit registry `RULES`), `policy` (presets, `extends`, merging, options),
`context` (what a rule reads), `artifacts` (evaluation artifacts, read as JSON),
`signoffs` (digests, `cardgate sign`), `waivers` (matching), `engine` (`run_gate`).
Nothing here imports pandas, numpy, fairlearn or mkdocs.
"""

from __future__ import annotations
