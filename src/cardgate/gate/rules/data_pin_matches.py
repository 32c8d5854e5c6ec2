"""A dataset version pinned on the model card is the version that was checked.

Rationale:
A card can pin the exact data it was trained or evaluated on (``sha256:`` on a dataset
reference). That pin is only worth something if the checked file is that file: the gate
compares it with the SHA-256 recorded by ``cardgate check-data``. A pin that cannot be
compared (no artifact) is unverified and blocks (fail closed).

Fails:
- ``training_data``/``evaluation_data`` pins a ``sha256`` that differs from the one in
  ``datasets/<id>/data-check.json``;
- a ``sha256`` is pinned but the dataset has no readable data-check artifact.

Passes:
- every pinned ``sha256`` equals the checked file's; references without a pin pass.

Remediation:
Pin the SHA-256 of the file that was checked (``data.sha256`` in ``data-check.json``), or
make the pinned file the datasheet's data (``contract.path``) and run
``cardgate check-data DATASET`` (a check of another file with ``--data`` is not recorded
in ``data-check.json``).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.evidence.datacheck.artifact import artifact_path, load_artifact
from cardgate.gate.context import RuleContext
from cardgate.gate.datasets import recorded_sha256
from cardgate.gate.result import Finding

CODE = "GATE-DC004"
NAME = "data.pin-matches"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MAP 2.3"]
ALIASES: list[str] = []
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None:
        return
    for path, ref in card.dataset_references():
        docs = ctx.workspace.datasets.get(ref.dataset)
        if ref.sha256 is None or docs is None:
            continue
        where = (*path, "sha256")
        file = artifact_path(docs.folder)
        artifact, error = load_artifact(file)
        if artifact is None:
            yield ctx.finding(
                system.card,
                f"pinned sha256 of '{ref.dataset}' cannot be verified: "
                f"{ctx.gate.relative(file)} {error}",
                path=where,
                hint=f"run: cardgate check-data {ref.dataset}",
            )
            continue
        checked = recorded_sha256(artifact)
        if checked != ref.sha256:
            yield ctx.finding(
                system.card,
                f"pinned sha256 of '{ref.dataset}' is not the checked file's "
                f"({str(checked)[:12]}… in {ctx.gate.relative(file)})",
                path=where,
                hint=f"pin {checked}, or run cardgate check-data {ref.dataset} on the pinned file",
            )
