"""cardgate's Python API, for notebooks and training pipelines.

What this module defines is the public, stable API (listed in the README and documented in
docs/api.md); everything else in the package may change between versions. The functions
return the same objects the command line renders, computed by the same code::

    import cardgate.api as cg

    result = cg.gate("governance", release=True)      # a GateResult
    print(cg.render(result, "text"))                   # what `cardgate gate` prints
    for step in cg.status("governance").systems[0].left:
        print(step.title)

    evaluation = cg.evaluate(y_test, y_pred, sensitive_features=X_test[["sex"]],
                             thresholds=[{"metric": "demographic_parity_difference", "max": 0.1}])
    evaluation.to_frame()                              # one row per metric and group

Nothing here imports pandas, numpy, fairlearn or mkdocs until a function needs them.

Kept whole: it is the one public API a user imports (docs/api.md follows it function by
function); each function is a thin call into the library, so splitting it would only
scatter what users read as one page.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgate.core.clock import pinned_by as date_pinned_by
from cardgate.core.clock import today as reference_date
from cardgate.documents.workspace import Workspace, workspace_root
from cardgate.gate.result import GateResult
from cardgate.gate.status import StatusReport
from cardgate.validation.report import ValidationReport

if TYPE_CHECKING:
    import pandas as pd

    from cardgate.documents.schemas.evaluation import EvaluationSettings
    from cardgate.evidence.evaluation.artifact import (
        EvaluationArtifact,
        Feature,
        Overall,
        ThresholdResult,
    )
    from cardgate.evidence.evaluation.run import EvaluationRun

PathLike = str | os.PathLike[str]

__all__ = [
    "Evaluation",
    "GateResult",
    "StatusReport",
    "ValidationReport",
    "Workspace",
    "evaluate",
    "evaluate_system",
    "export",
    "gate",
    "load_workspace",
    "render",
    "status",
    "validate",
]


def _root(path: PathLike | Workspace) -> Path:
    if isinstance(path, Workspace):
        return path.root
    return workspace_root(Path(path))


def _date(today: dt.date | str | None) -> dt.date:
    """The date a function judges as of: `today` (a date, or YYYY-MM-DD), else
    CARDGATE_TODAY, else the clock's; anything else a `ConfigurationError`, as a date
    that is not one (a datetime is its date)."""
    from cardgate.core.clock import parse_date
    from cardgate.core.errors import ConfigurationError

    if isinstance(today, dt.datetime):
        return today.date()
    if isinstance(today, dt.date):
        return today
    if isinstance(today, str):
        return parse_date(today, source="today")
    if today is not None:
        raise ConfigurationError(
            f"today: {today!r} is not a date",
            hint="pass a datetime.date or a 'YYYY-MM-DD' string (or None: CARDGATE_TODAY, "
            "else the clock's date)",
        )
    return reference_date(None)


def load_workspace(path: PathLike = ".") -> Workspace:
    """The workspace in folder `path` (the folder holding ``cardgate.yaml``), every
    document loaded and validated once: ``ws.systems["credit"].model_card`` is the typed
    model card."""
    from cardgate.documents.workspace import load_workspace as load

    return load(_root(path))


def validate(path: PathLike = ".") -> ValidationReport:
    """What ``cardgate validate`` reports: ``report.problems`` (each with path, line,
    column, code, message and hint) and ``report.exit_code``."""
    from cardgate.gate.policy_check import validation_problems
    from cardgate.validation.report import run_validation

    return run_validation([], workspace=_root(path), checks=(validation_problems,))


def gate(
    path: PathLike | Workspace = ".",
    *,
    release: bool = True,
    systems: Iterable[str] | None = None,
    today: dt.date | str | None = None,
    strict: bool = False,
) -> GateResult:
    """Run the release gate, as ``cardgate gate [--release]``; `result.passed`, its
    `findings` (with `hint`) and per-system `systems` verdicts."""
    from cardgate.gate.engine import run_gate

    workspace = path if isinstance(path, Workspace) else _root(path)
    return run_gate(
        workspace,
        release=release,
        strict=strict,
        today=_date(today),
        systems=list(systems) if systems is not None else None,
        pinned_by=date_pinned_by() if today is None else "--today",  # as the CLI renders it
    )


def status(
    path: PathLike | Workspace = ".",
    *,
    systems: Iterable[str] | None = None,
    today: dt.date | str | None = None,
) -> StatusReport:
    """What is left before each system can ship, as ``cardgate status``."""
    from cardgate.gate.status import workspace_status

    workspace = path if isinstance(path, Workspace) else _root(path)
    return workspace_status(
        workspace, systems=list(systems) if systems is not None else None, today=_date(today)
    )


def export(
    path: PathLike | Workspace = ".",
    output_format: str = "all",
    targets: Iterable[str] = (),
    *,
    out: PathLike | None = None,
    today: dt.date | str | None = None,
    recompute: bool = False,
) -> dict[str, bytes]:
    """The files ``cardgate export FORMAT [TARGET...]`` writes, as ``{path: bytes}`` with
    paths relative to the export folder (``systems/<id>/<format>/<file>``); with `out`,
    also written there exactly as the command writes them. `output_format` is a format's
    name (docs/interop.md) or ``"all"``; no `targets` exports every system and dataset.
    Raises `UsageError` or `InputError` (``message``, ``hint``) as the command reports."""
    from cardgate.interop.exporting import plan_exports, write_exports
    from cardgate.interop.registry import chosen_formats
    from cardgate.interop.source import export_source

    chosen = chosen_formats(output_format)
    workspace = path if isinstance(path, Workspace) else load_workspace(path)
    source = export_source(workspace, today=_date(today), recompute=recompute)
    files, warnings = plan_exports(source, chosen, list(targets))
    if out is not None:
        write_exports(files, Path(out), warnings=warnings)
    return files


def render(result: GateResult | StatusReport, output_format: str = "text") -> str:
    """A gate result in any ``--format`` of ``cardgate gate`` (text, json, sarif, junit,
    github, markdown), or a status report as text or json, as a string. Another format
    (or object) raises `UsageError` (``message``, ``hint``)."""
    from cardgate.core.errors import UsageError

    buffer = io.StringIO()
    if isinstance(result, StatusReport):
        from cardgate.reporting.status import render_json, render_text

        if output_format not in ("text", "json"):
            raise UsageError(
                f"output_format: a status report renders as text or json, not {output_format!r}",
                hint="render(report, 'text') or render(report, 'json')",
            )
        (render_json if output_format == "json" else render_text)(result, buffer)
    elif isinstance(result, GateResult):
        from cardgate.reporting.registry import reporter

        try:
            render_format = reporter(output_format)
        except UsageError as error:
            raise error.about("output_format") from None
        render_format(result, buffer)
    else:
        raise UsageError(
            f"render: {type(result).__name__} is not a GateResult or a StatusReport",
            hint="render what cg.gate or cg.status returns",
        )
    return buffer.getvalue()


def evaluate_system(path: PathLike | Workspace, system: str) -> EvaluationRun:
    """Evaluate one system from its model card's ``evaluation:`` settings and write its
    ``evaluation.json``, exactly as ``cardgate evaluate SYSTEM``; ``run.artifact`` is the
    artifact (its model: ``artifact_data(run.artifact)`` is what was written) and
    ``run.path`` where. Imports pandas, numpy and fairlearn."""
    from cardgate.evidence.evaluation.run import evaluate_system as run

    workspace = path if isinstance(path, Workspace) else load_workspace(path)
    return run(workspace, system)


@dataclass(frozen=True)
class Evaluation:
    """An evaluation computed by `evaluate`: the artifact `cardgate evaluate` writes
    (`artifact`, its model), the settings it was computed under, and, for a system's
    evaluation, where the system's card says it goes (`path`)."""

    artifact: EvaluationArtifact
    settings: EvaluationSettings
    path: Path | None = None
    workspace: Path | None = None
    """The workspace of a system's evaluation: `write` stays inside it."""

    @property
    def overall(self) -> Overall:
        """Every row's metrics, with their intervals."""
        return self.artifact.overall

    @property
    def features(self) -> list[Feature]:
        """Per sensitive feature (and intersection): its groups and disparities."""
        return self.artifact.features

    @property
    def thresholds(self) -> list[ThresholdResult]:
        """One record per threshold and target, with its `state` (within, beyond,
        inconclusive, undefined) and `reason`, as the gate derives it."""
        return self.artifact.thresholds

    def to_json(self) -> str:
        """The artifact's text, exactly as `write` writes it."""
        from cardgate.core.files import canonical_json
        from cardgate.evidence.evaluation.artifact import artifact_data

        return canonical_json(artifact_data(self.artifact))

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate: columns ``feature`` (None overall), ``group`` (None
        overall and for a disparity), ``metric``, ``value``, ``ci_low``, ``ci_high``,
        ``count`` (rows behind a group's or the overall value) and ``reason`` (why a value
        is undefined)."""
        import pandas as pd

        rows: list[dict[str, Any]] = []

        def add(feature: str | None, group: str | None, metric: str, estimate: Any) -> None:
            low, high = estimate.ci if estimate.ci is not None else (None, None)
            count = estimate_count.get((feature, group))
            rows.append(
                {
                    "feature": feature,
                    "group": group,
                    "metric": metric,
                    "value": estimate.value,
                    "ci_low": low,
                    "ci_high": high,
                    "count": count,
                    "reason": estimate.reason,
                }
            )

        estimate_count: dict[tuple[str | None, str | None], int] = {
            (None, None): self.overall.count
        }
        for name, estimate in self.overall.metrics.items():
            add(None, None, name, estimate)
        for feature in self.features:
            for group in feature.groups:
                estimate_count[(feature.feature, group.group)] = group.count
                for name, estimate in group.metrics.items():
                    add(feature.feature, group.group, name, estimate)
            for disparity in feature.disparities:
                add(feature.feature, None, disparity.metric, disparity)
        frame = pd.DataFrame(rows, columns=list(_FRAME_COLUMNS))
        return frame.astype({"count": "Int64", "value": "float64"})

    def write(self, path: PathLike | None = None) -> Path:
        """Write the artifact (atomically, as `cardgate evaluate` does) to `path`, by
        default where the system's card says; returns where. Refuses to replace a file
        that is not an evaluation artifact, or to write through a link."""
        from cardgate.core.files import write_file
        from cardgate.evidence.evaluation.artifact import is_evaluation_artifact

        if path is None and self.path is None:
            raise ValueError("give the path to write to (this evaluation is no system's)")
        target = Path(path) if path is not None else self.path
        assert target is not None
        target = target.absolute()
        inside = self.workspace is not None and target.is_relative_to(self.workspace)
        write_file(
            target,
            self.to_json(),
            within=self.workspace if inside and self.workspace else target.parent,
            replaceable=is_evaluation_artifact,
            what="an evaluation artifact",
        )
        return target


_FRAME_COLUMNS = ("feature", "group", "metric", "value", "ci_low", "ci_high", "count", "reason")
_IN_MEMORY_SOURCE = "(columns in memory)"


def evaluate(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    y_score: Any | None = None,
    sample_weight: Any | None = None,
    metrics: Iterable[str] | None = None,
    thresholds: Iterable[Mapping[str, Any]] | None = None,
    workspace: PathLike | Workspace | None = None,
    system: str | None = None,
    **settings: Any,
) -> Evaluation:
    """Evaluate predictions given as columns (numpy arrays, pandas or polars Series,
    lists): the statistics, intervals, disparities and threshold states `cardgate
    evaluate` computes, by the same code.

    `sensitive_features` is a DataFrame (pandas or polars), a mapping of name to
    column, a named Series, or one column. `sample_weight` holds frequency weights
    (non-negative whole numbers). `metrics` and `thresholds` are written as in a model
    card's ``evaluation:`` section, and so is any other setting given by keyword
    (``task="regression"``, ``positive_label``, ``reference_groups``, ``intersections``,
    ``min_group_size``, ``bootstrap={"replicates": 1000, "seed": 0}``, ...).

    With ``workspace`` and ``system``, the evaluation is that system's: its card's
    settings (give no other), and the predictions file the card names, which the columns
    must hold (groups, labels and predictions exactly; scores as written), so that the
    result is byte for byte the ``evaluation.json`` `cardgate evaluate` writes and `gate
    --release` recomputes. Without them, the columns alone are evaluated; ``system``
    names the result. Raises `InputError` or `ConfigurationError` (``message``, ``hint``)
    for predictions or settings that cannot be evaluated.
    """
    from cardgate.evidence.evaluation.columns import column_statistics, named_features

    features = named_features(sensitive_features)
    if workspace is not None:
        if system is None:
            raise ValueError("give the system whose card's evaluation this is")
        given = [
            name
            for name, value in (("metrics", metrics), ("thresholds", thresholds))
            if value is not None
        ] + sorted(settings)
        if given:
            raise ValueError(
                f"{', '.join(given)}: a system's evaluation takes its settings from its "
                "model card (change them there)"
            )
        from cardgate.evidence.evaluation.run import evaluate_system_columns

        ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)

        def reduce(card: EvaluationSettings) -> Any:
            _check_columns(card, features, y_score)
            return column_statistics(
                card,
                y_true=y_true,
                y_pred=y_pred,
                sensitive_features=features,
                y_score=y_score,
                sample_weight=sample_weight,
            )[0]

        run = evaluate_system_columns(ws, system, reduce)
        return Evaluation(run.artifact, run.settings, run.path, ws.root.absolute())
    from cardgate.evidence.evaluation.evaluate import artifact_of
    from cardgate.evidence.evaluation.settings import check_settings

    chosen = _settings(
        {
            # weighted rows are a counts table: each row's weight its `n`
            "predictions": {
                "path": _IN_MEMORY_SOURCE,
                "format": "rows" if sample_weight is None else "counts",
            },
            "task": "binary-classification",
            "label_column": "y_true",
            "prediction_column": "y_pred",
            "score_column": "y_score" if y_score is not None else None,
            "sensitive_features": list(features),
            "metrics": _listed(metrics),
            "thresholds": _listed(thresholds),
            **settings,
        }
    )
    check_settings(chosen)
    stats, info = column_statistics(
        chosen,
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=features,
        y_score=y_score,
        sample_weight=sample_weight,
    )
    artifact = artifact_of(stats, info, chosen, system=system or "unnamed")
    return Evaluation(artifact, chosen)


def _listed(values: Any) -> Any:
    """A list setting as given (None: empty), its mappings as dicts; what is not a
    collection is left as it is, for the schema to name."""
    if values is None:
        return []
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        return values
    return [dict(value) if isinstance(value, Mapping) else value for value in values]


def _settings(given: dict[str, Any]) -> EvaluationSettings:
    """Settings given by keyword, validated as a card's `evaluation:` section is; a
    mistake is a `ConfigurationError` naming the setting."""
    from pydantic import ValidationError

    from cardgate.core.errors import ConfigurationError
    from cardgate.documents.schemas.evaluation import EvaluationSettings

    try:
        return EvaluationSettings.model_validate(given)
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in ("evaluation", *detail["loc"]))
        raise ConfigurationError(
            f"{where}: {detail['msg']}",
            hint="write it as in a model card's evaluation: section (its JSON Schema: "
            "cardgate schema), e.g. thresholds=[{'metric': 'accuracy', 'min': 0.8}]",
        ) from error


def _check_columns(card: EvaluationSettings, features: dict[str, Any], y_score: Any) -> None:
    """The columns a system's card evaluates are the ones given."""
    from cardgate.core.errors import InputError

    missing = [name for name in card.sensitive_features if name not in features]
    if missing:
        raise InputError(
            f"sensitive feature '{missing[0]}' of the card is not among those given "
            f"({', '.join(features)})",
            hint="name the columns as the card's evaluation.sensitive_features do",
        )
    if (card.score_column is None) != (y_score is None):
        raise InputError(
            "the card's evaluation has a score_column: give y_score"
            if y_score is None
            else "the card's evaluation has no score_column: y_score cannot be evaluated",
        )
