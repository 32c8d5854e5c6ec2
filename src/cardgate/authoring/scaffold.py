"""`cardgate init` and `cardgate new`: create a workspace and documents from templates."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Collection
from pathlib import Path

from cardgate.core.errors import UsageError
from cardgate.core.files import make_folder, write_file
from cardgate.core.paths import display_path
from cardgate.core.resources import data_dir
from cardgate.documents.schemas import TEMPLATED_KINDS
from cardgate.documents.schemas.workspace import CONFIG_FILE
from cardgate.documents.schemas.yaml_template import GENERATED_MARK
from cardgate.documents.workspace import DATASHEET_FILE, MODEL_CARD_FILE, Workspace

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")

WORKSPACE_CONFIG = """\
# yaml-language-server: $schema=.schemas/workspace.schema.json
# cardgate workspace: documents under systems/ and datasets/, policy and waivers here.
kind: workspace
schema_version: 1
name: {name}
systems_dir: systems
datasets_dir: datasets
policy: policy.yaml
waivers: waivers.yaml
"""

POLICY = """\
# yaml-language-server: $schema=.schemas/policy.schema.json
# What the release gate demands, per risk tier. Start from a shipped preset.
kind: policy
schema_version: 1
extends: baseline
"""


GITIGNORE = """\
# Written by cardgate init: what cardgate builds and caches, never committed.
# (evaluation.json, data-check.json and signoffs.yaml ARE committed: they are evidence.)
site/build/
site/generated/
.*.tmp
__pycache__/
.ipynb_checkpoints/
"""


def init_workspace(folder: Path, *, name: str | None = None) -> list[Path]:
    """Create a workspace in `folder`: cardgate.yaml, policy.yaml (with its schema
    modeline), systems/, datasets/ and a .gitignore for build outputs and caches (kept
    when the folder has one). Refuses when a workspace is already there."""
    config = folder / CONFIG_FILE
    if config.exists():
        raise UsageError(
            f"{display_path(config)} already exists", hint="this folder is already a workspace"
        )
    make_folder(folder)
    title = name or folder.resolve().name or "workspace"
    created = [config]
    write_file(config, WORKSPACE_CONFIG.format(name=_yaml_text(title)), within=folder)
    for sub in ("systems", "datasets"):
        (folder / sub).mkdir(exist_ok=True)
    policy = folder / "policy.yaml"
    if not policy.is_file():
        write_file(policy, POLICY, within=folder, exclusive=True)
        created.append(policy)
    ignore = folder / ".gitignore"
    if not ignore.exists():  # a .gitignore of the user's is theirs: never rewritten
        write_file(ignore, GITIGNORE, within=folder, exclusive=True)
        created.append(ignore)
    return created


def new_document(
    workspace: Workspace,
    kind: str,
    identifier: str,
    *,
    system: str | None = None,
    checklist: str = "nist-ai-rmf-core",
    today: dt.date | None = None,
    data: Path | None = None,
    risk_tier: str | None = None,
    required_items: Collection[str] | None = None,
    mlflow_run: str | None = None,
    tracking_uri: str | None = None,
) -> Path:
    """Write a new document from its template; never overwrites.

    With `data` (a datasheet only), the contract, row count, SHA-256 and the facts of the
    composition section are drafted from that CSV or Parquet file; with `mlflow_run` (a
    model card only), the model's details, parameters, reported metrics and datasets from
    that MLflow run (in `tracking_uri`, default MLflow's), matched to `workspace`'s
    datasheets. For a checklist,
    `risk_tier` leaves out the items that do not apply to it and `required_items` (the
    policy's subset for that tier) writes only those.
    """
    if kind not in TEMPLATED_KINDS:
        raise UsageError(
            f"unknown kind '{kind}'", hint="choose one of: " + ", ".join(TEMPLATED_KINDS)
        )
    if kind in ("model-card", "datasheet"):
        target = document_target(workspace, kind, identifier)
    else:
        _check_id(identifier)
        owner = system or identifier
        if not _ID.match(owner):
            raise UsageError(
                f"--system: '{owner}' is not a valid system id",
                hint="the folder name of a system under systems/, e.g. 'credit-scoring'",
            )
        folder = workspace.systems_dir / owner
        if not any((folder / name).is_file() for name in ("model-card.yaml", "model-card.yml")):
            raise UsageError(
                f"no system '{owner}': a checklist answers for a system whose model card "
                f"exists, and {display_path(folder)} has none",
                hint=f"cardgate new model-card {owner} first",
            )
        target = workspace.systems_dir / owner / f"checklist-{checklist}.yaml"
        if target.exists():
            raise UsageError(
                f"{display_path(target)} already exists",
                hint="cardgate never overwrites a document; edit it. The items it does not "
                "answer yet (for the system's risk tier now), to append under its items: "
                f"cardgate new checklist {owner} --missing >> {display_path(target)}",
            )
    if data is not None and kind != "datasheet":
        raise UsageError(
            "--from drafts a datasheet only", hint=f"cardgate new datasheet ID --from {data}"
        )
    if mlflow_run is not None and kind != "model-card":
        raise UsageError(
            "--from-mlflow drafts a model card only",
            hint=f"cardgate new model-card ID --from-mlflow {mlflow_run}",
        )
    if tracking_uri is not None and mlflow_run is None:
        raise UsageError("--tracking-uri goes with --from-mlflow RUN_ID")
    template = (data_dir("templates") / f"{kind}.yaml").read_text(encoding="utf-8")
    values = {
        "id": identifier,
        "name": identifier.replace("-", " ").replace("_", " ").capitalize(),
        "date": (today or dt.date.today()).isoformat(),
        "system": system or identifier,
        "checklist": checklist,
    }
    text = "".join(
        line for line in template.splitlines(keepends=True) if not line.startswith(GENERATED_MARK)
    )
    for key, value in values.items():
        text = text.replace("{{ " + key + " }}", value)
    if kind == "checklist":
        items = _checklist_items(workspace, checklist, risk_tier=risk_tier, required=required_items)
        text = text.replace("items: {}\n", items)
    if data is not None:
        from cardgate.authoring.drafts import draft_datasheet
        from cardgate.evidence.datacheck.infer import profile_file

        text = draft_datasheet(text, profile_file(data), workspace=workspace, folder=target.parent)
    if mlflow_run is not None:
        from cardgate.authoring.mlflow_drafts import draft_model_card
        from cardgate.authoring.mlflow_runs import read_run

        run = read_run(mlflow_run, tracking_uri=tracking_uri)
        text = draft_model_card(text, run, workspace=workspace)
    write_file(target, text, within=workspace.root, exclusive=True)
    return target


def document_target(workspace: Workspace, kind: str, identifier: str) -> Path:
    """Where a new model card or datasheet of id `identifier` goes; `UsageError` for an
    invalid id or when a document is already there (cardgate never overwrites one)."""
    _check_id(identifier)
    if kind == "model-card":
        return _new(workspace.systems_dir / identifier / MODEL_CARD_FILE)
    return _new(workspace.datasets_dir / identifier / DATASHEET_FILE)


def _check_id(identifier: str) -> None:
    if not _ID.match(identifier):
        raise UsageError(
            f"'{identifier}' is not a valid id",
            hint="use lower-case letters, digits, '.', '_' and '-', e.g. 'credit-scoring'",
        )


def _new(target: Path) -> Path:
    if target.exists():
        raise UsageError(
            f"{display_path(target)} already exists",
            hint="cardgate never overwrites a document; edit it, or pick another id",
        )
    return target


def missing_items(
    workspace: Workspace,
    system: str,
    checklist: str,
    *,
    risk_tier: str | None = None,
    required: Collection[str] | None = None,
) -> str:
    """The blocks `new checklist` writes, of the items the system's checklist does not
    answer (nor cardgate from the documents), to append under its `items:`; writes
    nothing. UsageError when the checklist does not exist or does not load."""
    from cardgate.documents.load_limits import DocumentLoadError
    from cardgate.documents.loading import load_document

    path = workspace.systems_dir / system / f"checklist-{checklist}.yaml"
    if not path.is_file():
        raise UsageError(
            f"{display_path(path)} does not exist", hint=f"cardgate new checklist {system}"
        )
    try:
        items = load_document(path, within=workspace.root).data.get("items")
    except DocumentLoadError as error:
        raise UsageError(error.problem.message, problem=error.problem) from error
    answered = set(items) if isinstance(items, dict) else set()
    text = _checklist_items(
        workspace, checklist, risk_tier=risk_tier, required=required, answered=answered
    )
    return text.removeprefix("items:\n")


def _checklist_items(
    workspace: Workspace,
    checklist: str,
    *,
    risk_tier: str | None = None,
    required: Collection[str] | None = None,
    answered: Collection[str] | None = None,
) -> str:
    """The answers to write: per item, its question, the NIST AI RMF subcategories it serves
    (their text from the shipped catalog) and the suggested evidence, as comments, then a
    `not-started` answer. Items cardgate answers from the documents are shown commented
    out; with `required` (the policy's subset for the tier), only those items are written.
    """
    from cardgate.frameworks.definitions import applies, workspace_definitions
    from cardgate.frameworks.registry import load_framework

    definitions = workspace_definitions(workspace)
    definition = definitions.get(checklist)
    if definition is None:
        raise UsageError(
            f"unknown checklist definition '{checklist}'",
            hint="available: " + ", ".join(sorted(d.id for d in definitions)),
        )
    catalog = load_framework(definition.model.framework)
    lines = ["items:"]
    left_out: list[str] = []
    for item in definition.model.items:
        if not applies(item, risk_tier):
            continue
        if answered is not None and (item.id in answered or item.answered_by is not None):
            continue  # only what is missing
        if required is not None and item.id not in required:
            left_out.append(item.id)
            continue
        lines.append(f"  # {item.id} " + "-" * (84 - len(item.id)))
        lines.extend(_comment(item.question, first="  # "))
        for ref in item.maps_to:
            sub = catalog.subcategories.get(ref)
            if catalog.provisions and ref in catalog.provisions:
                text = catalog.provisions[ref].text
                lines.extend(_comment(f"{catalog.cite(ref)}: {text}", first="  # "))
            elif sub is not None:
                lines.extend(_comment(f"NIST {ref}: {sub.statement}", first="  # "))
        if item.guidance:
            lines.extend(_comment(f"Suggested evidence: {item.guidance}", first="  # "))
        if item.answered_by is not None:
            lines.extend(
                _comment(
                    f"cardgate answers this item from the documents ({item.answered_by}): "
                    "done when the check holds, with the evidence it used. Write an answer "
                    "only to override it.",
                    first="  # ",
                )
            )
            lines.append(f"  # {item.id}:")
            lines.append("  #   status: done")
            continue
        lines.append(f"  {item.id}:")
        lines.append(
            "    status: not-started  # done, partial, not-started, or not-applicable "
            "(say why under justification:)"
        )
        lines.append(
            "    evidence: []  # paths from the workspace root, or https:// URLs; "
            "path#section points into a document"
        )
    if left_out and answered is None:
        tier = f" for risk tier '{risk_tier}'" if risk_tier else ""
        lines.extend(
            _comment(
                f"The policy requires only the items above{tier}; answering the others "
                f"({', '.join(left_out)}) raises the coverage `cardgate coverage` reports.",
                first="  # ",
            )
        )
    return "\n".join(lines) + "\n"


def _comment(text: str, *, first: str) -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        92,
        initial_indent=first,
        subsequent_indent=first + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
