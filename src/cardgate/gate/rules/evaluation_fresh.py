"""The evaluation artifact was computed from the current predictions and settings.

Rationale:
An artifact is evidence only for the inputs it was computed from. The evaluator records
the SHA-256 of the predictions file and the canonical SHA-256 of the card's
``evaluation:`` settings; the gate recomputes both. New predictions, or changed
thresholds, columns or groups, without re-running the evaluation would let stale results
through.

Fails:
- the predictions file changed since the artifact was written (digest mismatch);
- the predictions file named by the card does not exist;
- for predictions given as a DuckDB ``query``: a file under its declared ``inputs`` was
  changed, added or removed, or an input no longer exists;
- for a Delta table: a file of its folder was changed, added or removed (a new commit
  among them), or the folder no longer exists;
- the card's ``evaluation:`` section changed (settings digest mismatch).

Passes:
- both digests match (for a query, the digest of every file its ``inputs`` cover: the
  query can read nothing else; for a Delta table, of every file of its folder).

Remediation:
Run ``cardgate evaluate SYSTEM`` again and commit the new artifact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cardgate.core.digests import canonical_sha256, file_sha256, inputs_sha256
from cardgate.core.paths import PathEscapeError
from cardgate.core.problems import Severity
from cardgate.documents.signoffs import distinguished
from cardgate.documents.validated import ValidatedDocument
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-FA002"
NAME = "evaluation.artifact-fresh"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.13"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or card.evaluation is None:
        return
    read = ctx.gate.artifact(system)
    if read is None or read.artifact is None:
        return  # GATE-FA001 reports it
    provenance = read.artifact.provenance
    hint = f"re-run: cardgate evaluate {system.id}"
    source = card.evaluation.predictions.path
    if source is not None and provenance.predictions.table is not None:
        yield from _folder_inputs(ctx, read.relative, [source], provenance.predictions.sha256, hint)
    elif source is not None:
        yield from recorded_file(
            ctx,
            _PREDICTIONS,
            source,
            provenance.predictions.sha256,
            f"{read.relative} is stale: predictions '{source}'",
            hint,
        )
    if card.evaluation.predictions.query is not None:
        inputs = card.evaluation.predictions.inputs or []
        yield from _folder_inputs(ctx, read.relative, inputs, provenance.predictions.sha256, hint)
    computed = provenance.predictions.computed_by
    declared = card.evaluation.predictions.computed_by
    if declared is not None and computed is not None:
        # the card's query, not the one the artifact names (see data_check_fresh)
        yield from recorded_file(
            ctx,
            _COUNTS_QUERY,
            declared.query,
            computed.query_sha256,
            f"{read.relative} is stale: the counts query '{declared.query}'",
            hint,
        )
    settings = canonical_sha256(card.evaluation)
    if provenance.settings_sha256 != settings:
        was, is_now = distinguished(provenance.settings_sha256, settings)
        yield ctx.finding(
            system.card,
            f"{read.relative} is stale: the card's evaluation settings changed since it was "
            f"computed (recorded {was}, now {is_now})",
            path=("evaluation",),
            key=True,
            hint=hint,
        )


def _folder_inputs(
    ctx: RuleContext, artifact: str, inputs: list[str], recorded: str | None, hint: str
) -> Iterator[Finding]:
    """The files a DuckDB query may read, or a Delta table's folder, fingerprinted again
    and compared."""
    card = ctx.card
    assert card is not None and card.evaluation is not None
    if card.evaluation.predictions.query is not None:
        yield from recorded_folder(
            ctx,
            _QUERY_INPUTS,
            inputs,
            recorded,
            f"{artifact} is stale: the files the query reads",
            hint,
            exclude=[artifact],
        )
    else:
        yield from recorded_folder(
            ctx,
            _PREDICTIONS_TABLE,
            inputs,
            recorded,
            f"{artifact} is stale: the Delta table '{inputs[0]}'",
            hint,
            exclude=[artifact],
        )


@dataclass(frozen=True)
class RecordedFile:
    """A file an artifact rests on: what it is called in findings, where the document
    names it, what to do when it is gone, and what cannot be verified without it."""

    name: str
    short: str
    where: tuple[str, ...]
    escape_where: tuple[str, ...]
    missing_hint: str
    verified: str = "the evaluation"


_PREDICTIONS = RecordedFile(
    "predictions file",
    "predictions path",
    ("evaluation", "predictions", "path"),
    ("evaluation", "predictions"),
    "commit the predictions, or fix evaluation.predictions.path",
)
_QUERY_INPUTS = RecordedFile(
    "query input",
    "query input",
    ("evaluation", "predictions", "inputs"),
    ("evaluation", "predictions", "inputs"),
    "commit the query's input files, or fix evaluation.predictions.inputs",
)
_PREDICTIONS_TABLE = RecordedFile(
    "predictions table",
    "predictions table",
    ("evaluation", "predictions", "path"),
    ("evaluation", "predictions", "path"),
    "commit the table, or fix evaluation.predictions.path",
)
_COUNTS_QUERY = RecordedFile(
    "counts query",
    "computed_by.query",
    ("evaluation", "predictions", "computed_by", "query"),
    ("evaluation", "predictions", "computed_by", "query"),
    "commit the SQL that was run where computed_by.query says",
)


def recorded_file(
    ctx: RuleContext,
    file: RecordedFile,
    relative: str,
    recorded: str | None,
    stale: str,
    hint: str,
    *,
    document: ValidatedDocument | None = None,
) -> Iterator[Finding]:
    """The file at `relative`, fingerprinted again and compared with the digest the
    artifact `recorded` (`stale`: the finding's opening when it changed), reported on
    `document` (default: the system's card)."""
    if document is None:
        assert ctx.system is not None
        document = ctx.system.card
    where = document
    try:
        path = ctx.workspace.resolve(relative)
    except PathEscapeError as error:
        yield ctx.finding(where, f"{file.short} {error}", path=file.escape_where)
        return
    if not path.is_file():
        what = "is not a regular file" if path.exists() else "does not exist"
        yield ctx.finding(
            where,
            f"{file.name} '{relative}' {what}; {file.verified} cannot be verified",
            path=file.where,
            hint=file.missing_hint,
        )
        return
    now = file_sha256(path)
    if recorded != now:
        was, is_now = distinguished(recorded or "none", now)
        yield ctx.finding(
            where,
            f"{stale} changed since it was computed (recorded {was}, now {is_now})",
            path=file.where,
            hint=hint,
        )


def recorded_folder(
    ctx: RuleContext,
    file: RecordedFile,
    inputs: list[str],
    recorded: str | None,
    stale: str,
    hint: str,
    *,
    exclude: list[str],
    document: ValidatedDocument | None = None,
) -> Iterator[Finding]:
    """The workspace-relative files and folders `inputs` (a query's inputs, a Delta
    table's folder), fingerprinted again (`inputs_sha256`, less the artifact `exclude`)
    and compared with the digest the artifact `recorded`, as `recorded_file` does."""
    if document is None:
        assert ctx.system is not None
        document = ctx.system.card
    try:
        now, _ = inputs_sha256(ctx.workspace.root, inputs, exclude=exclude)
    except PathEscapeError as error:
        yield ctx.finding(document, f"{file.short} {error}", path=file.escape_where)
        return
    except FileNotFoundError as error:
        yield ctx.finding(
            document,
            f"{file.name} '{error.args[0]}' does not exist; {file.verified} cannot be verified",
            path=file.where,
            hint=file.missing_hint,
        )
        return
    except OSError as error:  # a file of the folder that cannot be read: not verified
        yield ctx.finding(
            document,
            f"{file.name} '{inputs[0]}' cannot be read ({error.strerror or error}); "
            f"{file.verified} cannot be verified",
            path=file.where,
            hint=file.missing_hint,
        )
        return
    if recorded != now:
        was, is_now = distinguished(recorded or "none", now)
        yield ctx.finding(
            document,
            f"{stale} changed since it was computed (recorded {was}, now {is_now})",
            path=file.where,
            hint=hint,
        )
