"""Each role's latest sign-off covers the documents as they are now.

Rationale:
A sign-off approves specific content. ``cardgate sign`` records the canonical SHA-256 of
every document it covered (model card, checklist answers, datasheets the card uses,
evaluation artifact), of the evidence the checklist answers cite (a review record, a
policy document), of the waivers naming the system, of the release policy of its tier
and of the workspace's own checklist definitions it answers; any later change of content
— but not mere reformatting — makes the sign-off stale, and the reviewer must look
again. The review site shows what changed since (a diff against the git commit it
records when what it covers was committed as signed).

The sign-off judged for a role is its latest one **that counts** (GATE-SO001's sense: an
SSH signature that verifies by a signer allowed for the role, or unsigned where the tier's
policy counts unsigned sign-offs). A later sign-off that does not count — ``cardgate sign
--name`` where the tier counts only signed ones — cannot make a stale signed one current.

Fails:
- ``model-card.yaml`` changed after the legal sign-off was given;
- a checklist or the evaluation artifact was added or removed since;
- ``review-record.md``, cited as evidence by a ``done`` answer, was replaced after the
  sign-off; a waiver of one of the system's findings was added to ``waivers.yaml``; an
  item of the workspace's own checklist definition the system answers was dropped;
- evidence cannot be fingerprinted (over ``$CARDGATE_MAX_EVIDENCE_BYTES``, unreadable):
  no sign-off can cover it;
- the card changed after the signed risk sign-off, and an unsigned risk sign-off was
  added on a tier that counts only signed ones.

Passes:
- each role's latest sign-off that counts (else, its latest) matches the current digests
  of every document. Older sign-offs of a role that signed again are history, not
  findings. A stale sign-off of a role the policy does not require is a warning.

Remediation:
Have the role review the changes (the site's "changed since sign-off" view) and sign
again: ``cardgate sign SYSTEM --role ROLE --key PATH`` (or ``--name "NAME"`` where the
tier's policy counts unsigned sign-offs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cardgate.core.problems import Severity
from cardgate.documents.signed_context import is_digest
from cardgate.documents.signoffs import Staleness, distinguished, staleness
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.signatures import signoff_checks

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
    counted: dict[str, int] = {}
    for index, signoff in enumerate(doc.model.signoffs):
        latest[signoff.role] = index
    for found in signoff_checks(ctx.gate, system, ctx.settings):  # in file order
        if found.counts:
            counted[found.signoff.role] = found.index
    latest |= counted
    current = ctx.gate.digests(system)
    required = set(ctx.settings.required_signoffs)
    folder = ctx.gate.relative(system.folder) + "/"
    root = ctx.gate.workspace.root
    gone = _Gone(
        exists=lambda path: (root / path).exists(),
        card_unreadable=system.model_card is None,
    )
    for role, index in latest.items():
        signoff = doc.model.signoffs[index]
        change = staleness(signoff, current)
        if not change.stale:
            continue
        yield ctx.finding(
            doc.loaded,
            f"{role} sign-off by {signoff.name} is stale: {_describe(change, folder, gone)}",
            path=("signoffs", index),
            severity=None if role in required else Severity.WARNING,
            hint=f"review the changes and sign again: cardgate sign {system.id} --role {role} "
            + (
                "--key PATH"
                if signoff.signature is not None or not ctx.settings.allow_unsigned_signoffs
                else f'--name "{signoff.name}"'
            ),
        )


@dataclass(frozen=True)
class _Gone:
    """What "removed since" means for a document a sign-off covered that is no longer
    covered: deleted, or still there but not covered — left out by a changed card, or
    not known while the card does not validate (which datasets and artifacts it names)."""

    exists: Callable[[str], bool]
    card_unreadable: bool

    def describe(self, paths: tuple[str, ...], short: Callable[[str], str]) -> list[str]:
        deleted = [short(path) for path in paths if not self.exists(path)]
        kept = [short(path) for path in paths if self.exists(path)]
        parts = [", ".join(deleted) + " removed since"] if deleted else []
        if kept and self.card_unreadable:
            parts.append(
                ", ".join(kept) + " not checked: the model card does not validate, so what "
                "it covers is unknown"
            )
        elif kept:
            parts.append(
                ", ".join(kept) + " no longer covered (no longer named by the card or cited "
                "as evidence)"
            )
        return parts


def _describe(change: Staleness, folder: str, gone: _Gone) -> str:
    def short(path: str) -> str:
        return path[len(folder) :] if path.startswith(folder) else path

    parts: list[str] = []
    if change.changed:
        # what cannot be fingerprinted first: no signing makes it current
        path, was, now = min(change.changed, key=lambda c: is_digest(c[2]))
        more = f" and {len(change.changed) - 1} more" if len(change.changed) > 1 else ""
        if not is_digest(now):
            parts.append(f"{short(path)}{more} cannot be covered: {now}")
        else:
            signed, current = distinguished(was, now)
            parts.append(
                f"{short(path)}{more} changed after it was given (signed {signed}, now {current})"
            )
    if change.added:
        parts.append(
            ", ".join(short(p) for p in change.added) + " not covered by it (added or cited since)"
        )
    parts += gone.describe(change.removed, short)
    return "; ".join(parts)
