"""`cardgate.yaml` — marks a workspace root and says where its documents live."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cardgate.documents.schemas.base import (
    Document,
    Identifier,
    Section,
    Text,
    optional,
    required,
)

CONFIG_FILE = "cardgate.yaml"


class SiteSettings(Section):
    """Settings of the review site."""

    title: Text = Field(default="AI governance portfolio", description="Title of the site.")
    site_dir: Text = Field(
        default="site", description="Folder with mkdocs.yml and hand-written pages."
    )
    downloads: bool = Field(
        default=True,
        description="Offer each system's and dataset's exports (what `cardgate export all` "
        "writes) for download on its page. They are computed on every build (about 5 ms "
        "of CPU per system); false leaves them out of a large portfolio's site.",
    )


class SignerSettings(Section):
    """Who may sign off, and with which key."""

    allowed_signers: Text = Field(
        default="allowed_signers",
        description="File of public keys in git's allowed_signers format (principal = e-mail).",
    )
    roles: dict[Identifier, list[Text]] = Field(
        default_factory=dict,
        description="Role -> principals (e-mails) allowed to sign for it, e.g. "
        "{legal: [daniel.mensah@example.org]}.",
    )


class WorkspaceConfig(Document):
    """The workspace configuration."""

    kind: Literal["workspace"] = required("Always 'workspace'.")
    name: Text = required("Name of the organisation or portfolio.")
    systems_dir: Text = Field(default="systems", description="Folder of systems/<id>/.")
    datasets_dir: Text = Field(default="datasets", description="Folder of datasets/<id>/.")
    checklists_dir: Text = Field(
        default="checklists", description="Folder of the workspace's own checklist definitions."
    )
    policy: Text = Field(default="policy.yaml", description="Path of the release policy.")
    waivers: Text = Field(default="waivers.yaml", description="Path of the waivers file.")
    site: SiteSettings = Field(default_factory=SiteSettings, description="Review site settings.")
    signers: SignerSettings | None = optional(
        "Who may sign off for which role, with SSH keys (cardgate sign --key)."
    )
    description: Text | None = optional("What this workspace covers.")
