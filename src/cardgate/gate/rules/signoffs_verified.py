"""Each sign-off's SSH signature verifies, by a signer allowed for its role.

Rationale:
A name typed on the command line proves nothing: anyone can write ``--role legal --name
"Daniel Mensah"``. ``cardgate sign --key`` signs the sign-off (the digests of what it
covers, the role, the name, the date) with the signer's SSH key, the way git signs
commits; the workspace lists whose key is whose in ``allowed_signers`` (git's format,
principals are e-mail addresses) and who may sign for which role in ``cardgate.yaml``
(``signers.roles``). A signature that does not verify, a signer not allowed for the role,
or — with ``--changed-since REF`` — a signer who was not allowed on REF (added in the same
change) means the sign-off was forged or is not yet legitimate. This rule guards the
gate's integrity: no policy can switch it off, no waiver matches it. (Unsigned sign-offs
are a policy matter: they count where ``allow_unsigned_signoffs`` is true, and GATE-SO001
reports a role whose only sign-off does not count.)

Fails:
- a sign-off whose documents, name or role were edited after signing;
- a signature made with a key that ``allowed_signers`` does not list for its signer;
- ``signer: ada@example.org`` on a ``legal`` sign-off when ``signers.roles.legal`` does not
  name her;
- a signature when the workspace lists no ``allowed_signers``, or ssh-keygen is missing.

Passes:
- every signed sign-off verifies, by a signer allowed for its role.

Remediation:
Sign again with the right key (``cardgate sign SYSTEM --role ROLE --key ~/.ssh/id_ed25519``);
a new signer is added to ``allowed_signers`` and ``signers.roles`` in a change approved and
merged before they sign.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.signatures import signoff_checks

CODE = "GATE-SO003"
NAME = "signoffs.verified"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 2.1", "GOVERN 1.4"]
ALIASES: list[str] = []
INTEGRITY = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    if system is None:
        return
    doc = ctx.gate.signoffs(system)
    for found in signoff_checks(ctx.gate, system, ctx.settings):
        if found.problem is None or found.unsigned:
            continue
        yield ctx.finding(
            doc.loaded or doc.path,
            found.problem,
            path=("signoffs", found.index),
            hint=f"sign again with your key: cardgate sign {system.id} --role "
            f"{found.signoff.role} --key ~/.ssh/id_ed25519",
        )
