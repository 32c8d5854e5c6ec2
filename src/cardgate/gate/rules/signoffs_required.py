"""Every role the policy requires for the system's risk tier has signed off.

Rationale:
Accountability needs named people: the policy lists, per risk tier, the roles whose
approval a release needs (e.g. owner for every tier; legal and risk for high-risk
systems). Sign-offs are recorded by ``cardgate sign`` in ``signoffs.yaml`` beside the
card, each bound to the digests of the documents approved.

Fails:
- the policy requires ``legal`` and no sign-off in ``signoffs.yaml`` has ``role: legal``;
- ``signoffs.yaml`` does not validate, so no sign-off can be verified;
- ``signoffs.yaml`` names another system;
- the role's only sign-offs do not count: unsigned where the policy for the tier refuses
  unsigned sign-offs (``allow_unsigned_signoffs: false``; the baseline's for ``high``), or
  with a signature GATE-SO003 rejects.

Passes:
- each required role has at least one sign-off that counts (whether it is still current
  is GATE-SO002's concern).

Remediation:
Ask the person holding the role to review the rendered card and run
``cardgate sign SYSTEM --role ROLE --key PATH`` with their SSH key (listed for the role in
``allowed_signers``), or ``--name "NAME"`` where the tier's policy counts unsigned
sign-offs.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.signatures import signoff_checks

CODE = "GATE-SO001"
NAME = "signoffs.roles-signed"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 2.1", "GOVERN 2.3"]
ALIASES: list[str] = []
RELEASE_STRICT = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    roles = ctx.settings.required_signoffs
    if system is None:
        return
    doc = ctx.gate.signoffs(system)
    if doc.problems:
        if roles:
            yield ctx.finding(
                doc.path,
                "sign-offs cannot be verified: signoffs.yaml does not validate "
                f"(required roles: {', '.join(roles)})",
                hint="fix signoffs.yaml; GATE-DOC001 lists its problems",
            )
        return
    model = doc.model
    if model is not None and model.system != system.id:
        yield ctx.finding(
            doc.loaded or doc.path,
            f"signoffs.yaml is for system '{model.system}', not '{system.id}'",
            path=("system",),
        )
        return
    checks = signoff_checks(ctx.gate, system, ctx.settings)
    signed = {found.signoff.role for found in checks if found.counts}
    for role in roles:
        if role in signed:
            continue
        refused = [found.problem for found in checks if found.signoff.role == role]
        why = f": {refused[-1]}" if refused else ""
        yield ctx.finding(
            doc.loaded if doc.loaded is not None else system.card,
            f"no {role} sign-off that counts (required for risk tier '{ctx.settings.tier}'){why}"
            if refused
            else f"no {role} sign-off (required for risk tier '{ctx.settings.tier}')",
            path=("signoffs",) if doc.loaded is not None else (),
            key=True,
            hint=_how_to_sign(ctx, system.id, role),
        )


def _how_to_sign(ctx: RuleContext, system: str, role: str) -> str:
    """The command that gives `role`'s sign-off: with the signer's SSH key where the tier's
    policy counts only signed sign-offs (a `--name` alone would not count), and first the
    key's listing where the workspace does not list anyone for the role yet."""
    if ctx.settings.allow_unsigned_signoffs:
        return f'cardgate sign {system} --role {role} --name "NAME"'
    command = f"cardgate sign {system} --role {role} --key PATH"
    signers = ctx.gate.workspace.config.signers
    if signers is None or not signers.roles.get(role):
        return (
            f"{command}, with the signer's SSH key; first list it: its public key in an "
            f"allowed_signers file (git's format) and its e-mail under signers.roles.{role} "
            "in cardgate.yaml, in a change the role's owners approve (unsigned sign-offs do "
            "not count for this risk tier)"
        )
    return (
        f"{command}; PATH is the signer's SSH key, listed for '{role}' in "
        f"{signers.allowed_signers} (unsigned sign-offs do not count for this risk tier)"
    )
