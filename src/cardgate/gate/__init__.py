"""The release gate: rules over a loaded workspace, a policy per risk tier, waivers and
sign-offs; `run_gate` returns one `GateResult` that the reporters render.

Modules: `result` (Finding, GateResult), `rule_meta` (what is known of a rule without
running it), `policy` (presets, `extends`, merging, options), `policy_check` (the
policy's mistakes, for `cardgate validate`), `context` (what a rule reads), `datasets`
(the data-check artifacts a system's rules share), `rule` (a rule module read into
metadata plus its check), `rules` (the explicit registry `RULES`),
`waivers` (matching), `engine` (`run_gate`), `signoffs` (`cardgate sign`), `docs`
(`cardgate rules` / `explain`).
Nothing here imports pandas, numpy, fairlearn or mkdocs.
"""

from __future__ import annotations
