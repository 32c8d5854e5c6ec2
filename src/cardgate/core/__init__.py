"""Shared vocabulary and small helpers that every stage uses; imports nothing else of ours.

`problems` (Problem, Severity, Span), `errors` (typed errors the CLI turns into exit
codes), `paths` (confinement and display), `files` (atomic writes), `digests` (canonical
SHA-256), `clock` (the date the gate judges by), `git`, `parallel` (fork_map), `gcpause`,
`resources` (templates and checklists shipped with cardgate).
"""
