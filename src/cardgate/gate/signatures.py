"""Whether each sign-off counts: its SSH signature, its signer's role, the tier's policy.

One decider (`signoff_checks`) for GATE-SO001 (which roles have signed), GATE-SO003 (what
is wrong with a sign-off) and `cardgate status`/the site. A sign-off counts when:

* it carries a signature (``cardgate sign --key``) that ``ssh-keygen -Y verify`` accepts
  for its ``signer`` under the workspace's ``allowed_signers``, over the sign-off's
  manifest (`cardgate.documents.signoffs.manifest`), and the workspace's role mapping
  (``signers.roles`` in cardgate.yaml) lets that signer sign for its role; and, with
  ``--changed-since REF``, the mapping and allowed_signers on REF already did (adding
  yourself as a signer and signing in the same change does not count);
* or it is unsigned and the policy allows unsigned sign-offs for the system's risk tier
  (``allow_unsigned_signoffs``; the baseline refuses them for ``high``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cardgate.core import sshsig
from cardgate.core.git import git_blob
from cardgate.core.inputs import DOCUMENT_BYTES, SIGNERS_BYTES, UnreadableFile
from cardgate.documents.schemas.signoffs import Signoff
from cardgate.documents.schemas.workspace import CONFIG_FILE
from cardgate.documents.signoffs import manifest
from cardgate.documents.workspace import SystemDocs
from cardgate.gate.result import SignoffVerdict

if TYPE_CHECKING:
    from cardgate.gate.context import GateContext
    from cardgate.gate.policy import TierSettings

_CACHE = "signatures"


@dataclass(frozen=True)
class SignoffCheck:
    """One sign-off of a system and whether it counts (`problem` None) or why not."""

    index: int
    signoff: Signoff
    problem: str | None
    unsigned: bool = False
    """Refused only for lacking a signature (a policy matter, not a forgery)."""

    @property
    def counts(self) -> bool:
        return self.problem is None


def signoff_checks(
    gate: GateContext, system: SystemDocs, settings: TierSettings
) -> list[SignoffCheck]:
    """Every sign-off of `system` with its verdict (computed once per run and system)."""
    cache: dict[str, list[SignoffCheck]] = gate.cache.setdefault(_CACHE, {})
    found = cache.get(system.id)
    if found is None:
        found = cache[system.id] = _checks(gate, system, settings)
    return found


def signoff_verdicts(gate: GateContext, system: SystemDocs) -> tuple[SignoffVerdict, ...]:
    """Each sign-off of `system` and whether it counts, for the `GateResult` (the same
    checks GATE-SO001 and GATE-SO003 made, cached); none when they cannot be decided."""
    settings = gate.settings(system)
    try:
        checks = signoff_checks(gate, system, settings)
    except Exception:  # the rules themselves reported the crash (GATE-INT001)
        return ()
    return tuple(
        SignoffVerdict(
            index=check.index,
            counts=check.counts,
            problem=check.problem or "",
            signed=not check.unsigned,
            signer=check.signoff.signer or "",
        )
        for check in checks
    )


def _checks(gate: GateContext, system: SystemDocs, settings: TierSettings) -> list[SignoffCheck]:
    doc = gate.signoffs(system)
    if doc.model is None or doc.model.system != system.id:
        return []
    signers = gate.workspace.config.signers
    allowed = gate.workspace.root / signers.allowed_signers if signers is not None else None
    base = _base_mapping(gate) if gate.base_ref is not None else None
    checks = []
    for index, signoff in enumerate(doc.model.signoffs):
        problem = _problem(gate, system, signoff, settings, allowed, base)
        checks.append(SignoffCheck(index, signoff, problem, unsigned=signoff.signature is None))
    return checks


def _problem(
    gate: GateContext,
    system: SystemDocs,
    signoff: Signoff,
    settings: TierSettings,
    allowed: Path | None,
    base: _Base | None,
) -> str | None:
    who = f"{signoff.role} sign-off by {signoff.name}"
    if signoff.signature is None:
        if settings.allow_unsigned_signoffs:
            return None
        return (
            f"{who} is not signed: risk tier '{settings.tier}' counts only SSH-signed "
            "sign-offs (cardgate sign --key)"
        )
    if signoff.signer is None:
        return f"{who} has a signature but no signer"
    signers = gate.workspace.config.signers
    if signers is None or allowed is None or not allowed.is_file():
        return (
            f"{who} cannot be verified: the workspace lists no allowed signers "
            "(cardgate.yaml signers.allowed_signers)"
        )
    if signoff.signer not in signers.roles.get(signoff.role, []):
        return (
            f"{who}: {signoff.signer} may not sign as {signoff.role} (cardgate.yaml signers.roles)"
        )
    data = manifest(system.id, signoff)
    try:
        if not sshsig.verify(allowed, signoff.signer, signoff.signature, data):
            return f"{who}: the signature does not verify for {signoff.signer}"
        if base is not None:
            if base.problem is not None:
                return f"{who} cannot be verified against {gate.base_ref}: {base.problem}"
            if signoff.signer not in base.roles.get(signoff.role, []) or not _verifies_with(
                base.allowed, signoff.signer, signoff.signature, data
            ):
                return (
                    f"{who}: {signoff.signer} was not an allowed {signoff.role} signer on "
                    f"{gate.base_ref}; a change of who may sign counts only once merged"
                )
    except sshsig.SshUnavailable as error:
        return f"{who} cannot be verified: {error}"
    return None


def _verifies_with(allowed: bytes, principal: str, signature: str, data: bytes) -> bool:
    with tempfile.NamedTemporaryFile(prefix="cardgate-signers-", suffix=".txt") as stream:
        stream.write(allowed)
        stream.flush()
        return sshsig.verify(Path(stream.name), principal, signature, data)


@dataclass(frozen=True)
class _Base:
    """Who could sign on --changed-since's ref: the role mapping and allowed_signers, or
    why they cannot be read there (then no signature counts: fail closed)."""

    roles: dict[str, list[str]]
    allowed: bytes
    problem: str | None = None


def _base_mapping(gate: GateContext) -> _Base:
    """The role mapping and allowed_signers as they were on --changed-since's ref, each
    read within the size limit of its kind (as the working tree's are)."""
    cache: dict[str, Any] = gate.cache.setdefault(_CACHE + ":base", {})
    if "value" in cache:
        return cache["value"]  # type: ignore[no-any-return]
    cache["value"] = found = _read_base(gate.workspace.root, str(gate.base_ref))
    return found


def _read_base(root: Path, ref: str) -> _Base:
    roles: dict[str, list[str]] = {}
    name = CONFIG_FILE
    try:
        config = git_blob(root, ref, CONFIG_FILE, limit=DOCUMENT_BYTES)
        if config is None:
            return _Base(roles, b"")
        try:
            data = yaml.safe_load(config.decode("utf-8", errors="replace"))
        except yaml.YAMLError:
            data = None
        signers = data.get("signers") if isinstance(data, dict) else None
        if not isinstance(signers, dict):
            return _Base(roles, b"")
        raw_roles = signers.get("roles")
        if isinstance(raw_roles, dict):
            roles = {
                str(role): [str(p) for p in people]
                for role, people in raw_roles.items()
                if isinstance(people, list)
            }
        name = str(signers.get("allowed_signers", "allowed_signers"))
        allowed = git_blob(root, ref, name, limit=SIGNERS_BYTES)
    except UnreadableFile as error:  # too large to read: who could sign there is unknown
        limit = SIGNERS_BYTES if name != CONFIG_FILE else DOCUMENT_BYTES
        return _Base(
            {}, b"", f"{name} on {ref} {error.reason} (the limit is set by {limit.variable})"
        )
    return _Base(roles, allowed or b"")
