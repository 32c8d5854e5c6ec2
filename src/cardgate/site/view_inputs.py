"""What the view model reads beyond the documents: the generated JSON artifacts (their shape
checked; unreadable ones become `Unavailable` with a reason) and each system's sign-offs
with what changed since the latest.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cardgate.core.git import git_blob
from cardgate.core.inputs import (
    ARTIFACT_BYTES,
    DOCUMENT_BYTES,
    UnreadableFile,
    loads_json,
    read_regular,
)
from cardgate.core.paths import PathEscapeError
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.artifact import ArtifactError, parse_artifact
from cardgate.gate.result import SystemVerdict
from cardgate.site.view_model import BuildProblem, ChangeView, SignoffView, Unavailable


def json_artifact(
    workspace: Workspace,
    path: Path,
    problems: list[BuildProblem],
    label: str,
    *,
    kind: str = "",
) -> dict[str, Any] | Unavailable:
    shown = workspace.relative(path)
    try:  # a regular file within the artifact size limit, never a FIFO
        text = read_regular(path, limit=ARTIFACT_BYTES).decode("utf-8")
    except FileNotFoundError:
        return Unavailable(f"no {label} artifact ({shown}) yet")
    except OSError as error:
        problems.append(BuildProblem(shown, "", f"cannot read: {error.strerror or error}"))
        return Unavailable(f"{shown} cannot be read")
    except UnicodeDecodeError as error:
        problems.append(BuildProblem(shown, "", f"not UTF-8 text (byte {error.start})"))
        return Unavailable(f"{shown} is not UTF-8 text")
    if kind == "evaluation":  # read with the model the evaluator writes and the gate reads
        try:
            _, data = parse_artifact(text)
        except ArtifactError as error:
            problems.append(BuildProblem(shown, "", str(error)))
            return Unavailable(f"{shown} cannot be shown: it {error}")
        return dict(data)
    try:
        data = loads_json(text)
    except ValueError as error:
        problems.append(BuildProblem(shown, "", f"not valid JSON: {error}"))
        return Unavailable(f"{shown} is not valid JSON")
    if not isinstance(data, dict):
        problems.append(BuildProblem(shown, "", "top level is not an object"))
        return Unavailable(f"{shown} is not an artifact")
    if kind:
        reason = _data_check_shape(data)
        if reason:
            problems.append(BuildProblem(shown, reason[0], reason[1]))
            return Unavailable(f"{shown} cannot be shown: {reason[0]}: {reason[1]}")
    return data


def _data_check_shape(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first field of a data-check artifact (docs/data-check-artifact.md) the pages
    cannot use, if any."""
    if data.get("kind") != "data-check":
        return "kind", "is not 'data-check'"
    if data.get("schema_version") != 1:
        return "schema_version", "unsupported version (this cardgate reads 1)"
    if not isinstance(data.get("passed"), bool):
        return "passed", "should be true or false"
    for key, kind in (("data", dict), ("profile", dict), ("violations", list)):
        if not isinstance(data.get(key, kind()), kind):
            return key, f"should be a {kind.__name__}"
    for index, violation in enumerate(data.get("violations", [])):
        if not isinstance(violation, dict):
            return f"violations[{index}]", "should be an object"
        if not isinstance(violation.get("examples", []), list):
            return f"violations[{index}].examples", "should be a list"
    for column, profile in data.get("profile", {}).items():
        if not isinstance(profile, dict):
            return f"profile.{column}", "should be an object"
    return None


def signoff_views(
    workspace: Workspace, docs: SystemDocs, problems: list[BuildProblem]
) -> list[SignoffView] | Unavailable:
    """The system's sign-offs, judged stale exactly as the gate judges them, each with the
    digests it approved and the later sign-off of the same role that superseded it."""
    try:
        from cardgate.documents.signoffs import read_signoffs, signed_documents, staleness
    except ImportError:  # pragma: no cover - the gate ships with cardgate
        return Unavailable("this version of cardgate cannot read sign-offs")
    document = read_signoffs(docs)
    if not document.exists:
        return []
    shown = workspace.relative(document.path)
    if document.model is None:
        first = document.problems[0] if document.problems else None
        message = first.message if first else "cannot be read"
        where = f"line {first.line}:{first.column}" if first else ""
        problems.append(BuildProblem(shown, where, message))
        return Unavailable(f"{shown} cannot be read: {message}")
    current = signed_documents(workspace, docs)
    views: list[SignoffView] = []
    latest: dict[str, SignoffView] = {}
    for number, signoff in enumerate(document.model.signoffs, start=1):
        state = staleness(signoff, current)
        view = SignoffView(
            role=signoff.role,
            name=signoff.name,
            date=signoff.date,
            note=signoff.note or "",
            commit=signoff.commit or "",
            stale=state.stale,
            changed=sorted({*(path for path, _, _ in state.changed), *state.removed, *state.added}),
            documents=dict(sorted(signoff.documents.items())),
            current=current,
            number=number,
        )
        earlier = latest.get(signoff.role)
        if earlier is not None:
            earlier.superseded_by = number
        latest[signoff.role] = view
        views.append(view)
    return views


def verified(views: list[SignoffView], verdict: SystemVerdict | None) -> None:
    """Give each sign-off the gate's word on whether it counts (GATE-SO001/SO003's one
    decider, carried in the system's verdict): 'verified' (its SSH signature verifies, by
    a signer allowed for its role), 'unsigned' (counts where the policy allows unsigned
    sign-offs), 'refused' (unsigned where the policy does not allow it) or 'invalid'."""
    by_index = {found.index: found for found in verdict.signoffs} if verdict else {}
    for view in views:
        found = by_index.get(view.number - 1)
        if found is None:
            continue
        view.identity = found.signer
        view.problem = found.problem
        if found.signed:
            view.verification = "verified" if found.counts else "invalid"
        else:
            view.verification = "unsigned" if found.counts else "refused"


def changes_since(workspace: Workspace, signoff: SignoffView) -> list[ChangeView]:
    """The documents changed since `signoff`, by their digests (no git needed), each with
    a unified diff against the signed commit when git can show it, or why not."""
    changes = []
    for document in signoff.changed:
        signed = signoff.documents.get(document, "")
        now = signoff.current.get(document, "")
        change = ChangeView(document, signed, now)
        if not signed:
            change.note = "added to what a sign-off covers since this sign-off"
        elif not now:
            change.note = "removed (or no longer covered) since this sign-off"
        elif not signoff.commit:
            change.note = (
                "the sign-off records no commit, so the signed text cannot be shown; "
                "the digests prove it changed"
            )
        elif _is_folder(workspace, document):
            change.note = (
                "a folder of evidence: the digests prove a file in it changed; "
                f"git diff {signoff.commit[:12]} -- {document} shows which"
            )
        else:
            try:  # the signed text, read within the limit the document has today
                signed_text = git_blob(
                    workspace.root, signoff.commit, document, limit=DOCUMENT_BYTES, timeout=10
                )
            except UnreadableFile as error:
                change.note = (
                    f"the text at commit {signoff.commit[:12]} {error.reason}, so it is not "
                    "shown; the digests prove it changed"
                )
                changes.append(change)
                continue
            before = None if signed_text is None else signed_text.decode("utf-8", "replace")
            if signed_text is not None and b"\0" in signed_text[:8192]:
                change.note = "a binary file: the digests prove it changed"
            elif before is None:
                change.note = (
                    f"commit {signoff.commit[:12]} is not available here (no git checkout, "
                    "or a shallow one), so the signed text cannot be shown; the digests "
                    "prove it changed"
                )
            else:
                change.diff = _diff(workspace, document, before, signoff.commit)
                if not change.diff:
                    change.note = (
                        "the text at the signed commit equals today's: the change is in "
                        "what was signed (the digests), not in the committed file"
                    )
        changes.append(change)
    return changes


def _is_folder(workspace: Workspace, document: str) -> bool:
    try:
        return workspace.resolve(document).is_dir()
    except PathEscapeError:
        return False


def _diff(workspace: Workspace, document: str, before: str, commit: str) -> str:
    import difflib

    try:  # the path comes from signoffs.yaml: confined, and read within limits
        raw = read_regular(workspace.resolve(document), limit=DOCUMENT_BYTES)
        now = raw.decode("utf-8", errors="replace")
    except (OSError, PathEscapeError):
        now = ""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            now.splitlines(keepends=True),
            fromfile=f"{document} @ {commit[:12]}",
            tofile=f"{document} (now)",
            n=2,
        )
    )


def evidence_values(record_type: type[BaseModel], data: Any) -> dict[str, Any] | None:
    """The evidence level of an evaluation's predictions record or a data check's data
    record (`PredictionsProvenance`, `DataRecord`: GATE-FA006 / GATE-DC005) and, for a
    result computed elsewhere, what the artifact records of its query; None for a record
    that does not read (the artifact's own problem is reported where it is read)."""
    try:
        record = record_type.model_validate(data)
    except ValidationError:
        return None
    computed = getattr(record, "computed_by", None)
    return {
        "level": getattr(record, "evidence", None),
        "statistics": bool(getattr(record, "statistics", False)),
        "computed_by": computed.model_dump() if computed is not None else None,
    }
