"""Each role's latest sign-off covers the documents as they are now.

Rationale:
A sign-off approves specific content. ``cardgate sign`` records the canonical SHA-256 of
every document it covered (model card, checklist answers, datasheets the card uses,
evaluation artifact); any later change of content — but not mere reformatting — makes
the sign-off stale, and the reviewer must look again. The review site shows what changed
since (from the recorded git commit).

Fails:
- ``model-card.yaml`` changed after the legal sign-off was given;
- a checklist or the evaluation artifact was added or removed since.

Passes:
- the latest sign-off of each role matches the current digests of every document.
  Older sign-offs of a role that signed again are history, not findings. A stale
  sign-off of a role the policy does not require is a warning.

Remediation:
Have the role review the changes (the site's "changed since sign-off" view) and sign
again: ``cardgate sign SYSTEM --role ROLE --key PATH`` (or ``--name "NAME"`` where the
tier's policy counts unsigned sign-offs).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.documents.signoffs import Staleness, distinguished, staleness
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-SO002"
NAME = "signoffs.current"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 2.1", "GOVERN 1.5"]
ALIASES: list[str] = []
RELEASE_STRICT = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    if system is None:
        return
    doc = ctx.gate.signoffs(system)
    if doc.model is None or doc.loaded is None or doc.model.system != system.id:
        return
    latest: dict[str, int] = {}
    for index, signoff in enumerate(doc.model.signoffs):
        latest[signoff.role] = index
    current = ctx.gate.digests(system)
    required = set(ctx.settings.required_signoffs)
    folder = ctx.gate.relative(system.folder) + "/"
    for role, index in latest.items():
        signoff = doc.model.signoffs[index]
        change = staleness(signoff, current)
        if not change.stale:
            continue
        yield ctx.finding(
            doc.loaded,
            f"{role} sign-off by {signoff.name} is stale: {_describe(change, folder)}",
            path=("signoffs", index),
            severity=None if role in required else Severity.WARNING,
            hint=f"review the changes and sign again: cardgate sign {system.id} --role {role} "
            + (
                "--key PATH"
                if signoff.signature is not None or not ctx.settings.allow_unsigned_signoffs
                else f'--name "{signoff.name}"'
            ),
        )


def _describe(change: Staleness, folder: str) -> str:
    def short(path: str) -> str:
        return path[len(folder) :] if path.startswith(folder) else path

    parts: list[str] = []
    if change.changed:
        path, was, now = change.changed[0]
        more = f" and {len(change.changed) - 1} more" if len(change.changed) > 1 else ""
        signed, current = distinguished(was, now)
        parts.append(
            f"{short(path)}{more} changed after it was given (signed {signed}, now {current})"
        )
    if change.added:
        parts.append(", ".join(short(p) for p in change.added) + " added since")
    if change.removed:
        parts.append(", ".join(short(p) for p in change.removed) + " removed since")
    return "; ".join(parts)
