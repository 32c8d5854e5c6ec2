"""A system's NYC Local Law 144 bias audit, computed from the predictions its evaluation
read: what `cardgate export ll144`, the review site and the gate (GATE-BA001) all call,
so that the summary and the gate see the same numbers.

The predictions are read once, and only while they are the bytes the evaluation recorded
(their SHA-256 in ``evaluation.json``): predictions changed since `cardgate evaluate` are
an error, never an audit of other data. Not light (pyarrow, numpy): the gate imports it
only where its policy sets a limit on impact ratios.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgate.core.errors import InputError, UsageError
from cardgate.core.inputs import IN_MEMORY_BYTES, UnreadableFile, read_regular
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.documents.schemas.evaluation import label_text
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.evidence.evaluation.artifact import EvaluationArtifact

if TYPE_CHECKING:  # numpy: imported by the audit itself, not by those who only ask if one exists
    from cardgate.evidence.bias_audit import AuditResult


def audit_unavailable(
    system_id: str, card: ModelCard, artifact: EvaluationArtifact | None
) -> UsageError | None:
    """Why the system has no bias audit (None: it has one)."""
    if card.bias_audit is None:
        return UsageError(
            f"the model card of '{system_id}' has no 'bias_audit:' section",
            hint="add one (docs/regulation.md, 'NYC Local Law 144'): method, sex_column, "
            "race_column, audit_date, distribution_date, data, data_source, auditor",
        )
    settings = card.evaluation
    if settings is None or settings.predictions.path is None:
        return UsageError(
            f"the bias audit of '{system_id}' needs a predictions file "
            "(evaluation.predictions.path)",
            hint="a DuckDB query or a counts table has no individual rows to audit",
        )
    if settings.predictions.format != "rows":
        return UsageError(
            f"the bias audit of '{system_id}' needs one row per individual",
            hint="evaluation.predictions.format is 'counts'",
        )
    if card.bias_audit.method == "scoring" and settings.score_column is None:
        return UsageError(
            f"a scoring audit of '{system_id}' needs evaluation.score_column",
            hint="name the score column, or audit with method: selection",
        )
    if artifact is None:
        return UsageError(
            f"'{system_id}' has not been evaluated",
            hint=f"run: cardgate evaluate {system_id}",
        )
    return None


def audit_predictions(
    root: Path,
    system_id: str,
    card: ModelCard,
    artifact: EvaluationArtifact,
    *,
    evaluation_path: str | None,
) -> AuditResult:
    """The audit of the predictions the evaluation read (`InputError` when they changed
    or cannot be read); the card must pass `audit_unavailable`."""
    from cardgate.evidence.bias_audit import run_audit

    audit, settings = card.bias_audit, card.evaluation
    assert audit is not None and settings is not None
    assert settings.predictions.path is not None
    recorded = artifact.provenance.predictions.sha256
    try:
        path = resolve_inside(root, settings.predictions.path)
        # read once: the bytes audited are the bytes whose digest is compared
        data = read_regular(path, limit=IN_MEMORY_BYTES)  # read whole: bounded
        digest = hashlib.sha256(data).hexdigest()
    except PathEscapeError as error:
        raise InputError(f"evaluation.predictions.path: {error}") from error
    except UnreadableFile as error:
        raise InputError(
            f"{settings.predictions.path}: {error}",
            hint=error.hint or "the audit reads the predictions the evaluation read",
        ) from error
    except OSError as error:
        raise InputError(f"{settings.predictions.path}: cannot be read ({error})") from error
    if digest != recorded:
        raise InputError(
            f"{settings.predictions.path}: changed since the evaluation "
            f"({evaluation_path}) recorded it",
            hint=f"run: cardgate evaluate {system_id}",
        )
    unknown = {"", *(audit.unknown_values or ())}
    columns = [audit.sex_column, audit.race_column]
    outcome = settings.score_column if audit.method == "scoring" else settings.prediction_column
    assert outcome is not None
    table = read_columns(
        data, path.name, settings.predictions.path, [*columns, outcome], numeric=audit.method
    )
    sex = [None if v is None or v in unknown else v for v in table[audit.sex_column]]
    race = [None if v is None or v in unknown else v for v in table[audit.race_column]]
    level = artifact.provenance.confidence_level
    exclude = audit.exclude_small_categories is not None
    if audit.method == "scoring":
        scores = table[outcome]
        if any(value is None for value in scores):
            raise InputError(f"{settings.predictions.path}: column '{outcome}' has empty scores")
        return run_audit(sex, race, scores=scores, exclude_small=exclude, level=level)
    positive = label_text(settings.positive_label if settings.positive_label is not None else 1)
    selected = [v is not None and label_text(v) == positive for v in table[outcome]]
    return run_audit(sex, race, selected=selected, exclude_small=exclude, level=level)


def read_columns(
    data: bytes, name: str, shown: str, columns: list[str], *, numeric: str
) -> dict[str, list[Any]]:
    """The `columns` of a CSV (optionally gzipped) or Parquet file's bytes, as Python
    lists; the last one as numbers for a scoring audit, the others as text. A column
    named twice (the same for sex and race/ethnicity) is read once."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    columns = list(dict.fromkeys(columns))
    number = columns[-1] if numeric == "scoring" else None
    try:
        if name.endswith((".parquet", ".pq")):
            table = pq.read_table(pa.BufferReader(data), columns=columns)
        else:
            types = {column: pa.string() for column in columns}
            if number is not None:
                types[number] = pa.float64()
            source: Any = pa.BufferReader(data)
            if name.endswith(".gz"):
                source = pa.CompressedInputStream(source, "gzip")
            table = pcsv.read_csv(
                source,
                convert_options=pcsv.ConvertOptions(
                    include_columns=columns, column_types=types, strings_can_be_null=False
                ),
            )
    except (pa.ArrowInvalid, pa.ArrowException, KeyError, OSError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(
            f"{shown}: cannot read the columns {', '.join(columns)}: {first}",
            hint="check bias_audit's columns and the evaluation's settings in the model card",
        ) from error
    found: dict[str, list[Any]] = {}
    for column in columns:
        values = table.column(column).to_pylist()
        if column != number:
            values = [None if v is None else str(v) for v in values]
        found[column] = values
    return found
