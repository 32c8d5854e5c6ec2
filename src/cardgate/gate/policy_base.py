"""The workspace's policy as it is on ``--changed-since``'s ref: a floor for the change.

The baseline preset is the floor every policy is compared with (GATE-POL001); whatever a
workspace demands beyond it is the organisation's own. Without a second floor, a pull
request could take that back and use it in the same change: ``GATE-FA003: {waivable:
false}`` deleted from ``policy.yaml`` (the baseline lets FA003 be waived, so no loosening
was seen) and a waiver of the fairness breach added to ``waivers.yaml`` beside it passed
``gate --changed-since main``. As a signer added in the same change does not count
(`cardgate.gate.signatures`) and a lowered risk tier is gated under the ref's
(`cardgate.gate.tiers`), each setting that demands less than the policy on the ref is a
GATE-POL001 finding no waiver accepts (a waiver in the same change would accept it): the
loosening counts once merged.

The policy on the ref is the file its ``cardgate.yaml`` names (``policy:``, ``.yml`` too),
read from git within the document size limit. None there: the baseline was in force,
already a floor. One that cannot be read or resolved there was gated by the ``strict``
preset (`BROKEN_POLICY_PRESET`), which is then the floor (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from cardgate.core.errors import ConfigurationError
from cardgate.core.git import git_blob
from cardgate.core.inputs import DOCUMENT_BYTES, UnreadableFile
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas.workspace import CONFIG_FILE, WorkspaceConfig
from cardgate.documents.workspace import Workspace
from cardgate.gate.policy import (
    BROKEN_POLICY_PRESET,
    Floor,
    layers_problems,
    policy_chain,
    preset_layers,
)
from cardgate.gate.rule_meta import RuleMeta


def base_policy(workspace: Workspace, ref: str, rules: Iterable[RuleMeta]) -> Floor | None:
    """The policy in force on git `ref` as a floor of the run's policy (None: the
    baseline, or `ref` is not a revision git knows: the gate refuses it elsewhere)."""
    default: str = WorkspaceConfig.model_fields["policy"].default
    config = _data(workspace, CONFIG_FILE, ref)
    try:
        written = config.get("policy", default) if isinstance(config, dict) else default
        name = written.strip() if isinstance(written, str) else default
        names = [name, name.removesuffix(".yaml") + ".yml"] if name.endswith(".yaml") else [name]
        for candidate in names:
            raw = git_blob(workspace.root, ref, candidate, limit=DOCUMENT_BYTES)
            if raw is not None:
                break
        else:
            return None
        label = f"the policy on {ref} ({candidate})"
        loaded = parse_text(raw.decode("utf-8-sig"), display=f"{candidate} on {ref}")
        layers = policy_chain(loaded)
        if not layers_problems(layers, rules):  # an unknown rule or option: refused there
            return Floor(label, f"policy on {ref}", layers, until_merged=True)
    except (UnreadableFile, UnicodeDecodeError, DocumentLoadError, ValidationError):
        pass
    except ConfigurationError:  # an unknown preset: refused there
        pass
    return Floor(
        f"the policy on {ref} (unreadable there: the {BROKEN_POLICY_PRESET} preset)",
        f"policy on {ref}",
        preset_layers(BROKEN_POLICY_PRESET),
        until_merged=True,
    )


def _data(workspace: Workspace, relative: str, ref: str) -> object:
    """The YAML data of the file at `relative` on `ref`; None when it is not there or
    cannot be read (then the default policy file name is looked for)."""
    try:
        raw = git_blob(workspace.root, ref, relative, limit=DOCUMENT_BYTES)
        if raw is None:
            return None
        return parse_text(raw.decode("utf-8-sig"), display=f"{relative} on {ref}").data
    except (UnreadableFile, UnicodeDecodeError, DocumentLoadError):
        return None
