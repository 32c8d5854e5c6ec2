"""Schema validation: each kind of mistake gets its code, at the right line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgate.authoring.scaffold import init_workspace, new_document
from cardgate.core.problems import Severity
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.validated import validate_document
from cardgate.documents.workspace import load_workspace
from cardgate.validation.collect import workspace_problems

CARD = """\
kind: model-card
schema_version: 1
id: demo
name: Demo
status: draft
risk_tier: high
lifecycle_stage: development
owners:
  - name: A. Owner
model_details:
  description: Scores applications.
  model_version: 1.10
intended_use:
  primary_uses: [pre-screening]
"""


def problems_of(text: str) -> list[tuple[str, int, int, str]]:
    result = validate_document(parse_text(text, display="card.yaml"))
    return [(p.code, p.line, p.column, p.message) for p in result.problems]


def test_a_valid_draft_has_no_problems_and_keeps_text() -> None:
    result = validate_document(parse_text(CARD, display="card.yaml"))
    assert result.problems == []
    assert isinstance(result.model, ModelCard)
    assert result.model.model_details.model_version == "1.10"


def test_unknown_key_suggests_the_right_one() -> None:
    [(code, line, column, message)] = problems_of(CARD + "intended_uses: x\n")
    assert (code, line, column) == ("CG101", 15, 1)
    assert "did you mean 'intended_use'" in message


def test_unknown_nested_key_points_at_the_key() -> None:
    text = CARD.replace("  description: Scores", "  descripton: x\n  description: Scores")
    [(code, line, column, message)] = problems_of(text)
    assert (code, line, column) == ("CG101", 11, 3)
    assert "'description'" in message


def test_enum_error_lists_choices_at_the_value() -> None:
    [(code, line, column, message)] = problems_of(
        CARD.replace("risk_tier: high", "risk_tier: hihg")
    )
    assert (code, line, column) == ("CG102", 6, 12)
    assert "minimal, limited, high, unacceptable" in message and "'hihg'" in message


@pytest.mark.parametrize("written", ["1.0", "true", "'1'"])
def test_a_schema_version_is_the_integer_1_not_what_equals_it(written: str) -> None:
    """pydantic matched the literal by hash: 1.0 and true passed for 1."""
    text = CARD.replace("schema_version: 1\n", f"schema_version: {written}\n")
    assert text != CARD
    [(code, line, column, message)] = problems_of(text)
    assert (code, line, column) == ("CG102", 2, 17)
    assert message.startswith("'schema_version' must be one of: 1 (got ")


def test_missing_required_section() -> None:
    text = CARD.replace("intended_use:\n  primary_uses: [pre-screening]\n", "")
    [(code, line, column, message)] = problems_of(text)
    assert (code, line, column) == ("CG103", 1, 1)
    assert "'intended_use'" in message


def test_wrong_type_points_at_the_value() -> None:
    [(code, line, column, _)] = problems_of(CARD.replace("name: Demo", "name: [a, b]"))
    assert (code, line, column) == ("CG104", 4, 7)


@pytest.mark.parametrize(
    ("old", "new", "code", "hint"),
    [
        ("risk_tier: high", "risk_tier: [1, 2]", "CG102", "write one of these values"),
        ("name: Demo", "name: [a, b]", "CG104", "write one value here, not a list"),
        ("name: A. Owner", "name: {a: 1}", "CG104", "write one value here, not a list"),
        ("status: draft", "status: draft\nlast_reviewed: 2026-02-30", "CG105", "check the month"),
        ("status: draft", "status: draft\nlast_reviewed: 30.02.2026", "CG105", "YYYY-MM-DD"),
    ],
)
def test_every_schema_error_says_what_to_write(old: str, new: str, code: str, hint: str) -> None:
    result = validate_document(parse_text(CARD.replace(old, new), display="card.yaml"))
    [problem] = result.problems
    assert problem.code == code, problem
    assert hint in problem.hint, problem


def test_an_impossible_day_is_not_told_to_change_its_form() -> None:
    [(_, _, _, message)] = problems_of(CARD + "last_reviewed: 2026-02-30\n")
    assert "'2026-02-30' is no day of the calendar (day is out of range for month)" in message
    assert "YYYY-MM-DD" not in message


def test_extensions_allow_anything() -> None:
    assert problems_of(CARD + "extensions:\n  cost_centre: 42\n  any: {thing: [1]}\n") == []


def test_unknown_kind_and_missing_kind() -> None:
    assert problems_of("kind: modelcard\nschema_version: 1\n")[0][0] == "CG100"
    assert problems_of("name: x\n")[0][:3] == ("CG100", 1, 1)


def test_recommended_sections_warn_once_past_draft() -> None:
    result = validate_document(parse_text(CARD.replace("draft", "review"), display="c.yaml"))
    assert result.model is not None
    assert result.problems
    assert {p.code for p in result.problems} == {"CG107"}
    assert all(p.severity is Severity.WARNING for p in result.problems)


def test_cross_references_are_checked_at_the_referencing_line(in_tmp: Path) -> None:
    init_workspace(in_tmp)
    card = in_tmp / "systems" / "demo" / "model-card.yaml"
    card.parent.mkdir(parents=True)
    card.write_text(
        CARD + "training_data:\n  datasets:\n    - dataset: aplications\n", encoding="utf-8"
    )
    sheet = in_tmp / "datasets" / "applications" / "datasheet.yaml"
    workspace = load_workspace(in_tmp)
    new_document(workspace, "datasheet", "applications")
    assert sheet.is_file()
    problems = workspace_problems(load_workspace(in_tmp))
    [problem] = [p for p in problems if p.code == "CG106"]
    assert (problem.line, problem.column) == (17, 16)
    assert "did you mean 'applications'" in problem.hint


def test_folder_and_id_must_agree(in_tmp: Path) -> None:
    init_workspace(in_tmp)
    card = in_tmp / "systems" / "other" / "model-card.yaml"
    card.parent.mkdir(parents=True)
    card.write_text(CARD, encoding="utf-8")
    [problem] = workspace_problems(load_workspace(in_tmp))
    assert (problem.code, problem.line) == ("CG108", 3)


@pytest.mark.parametrize("kind", ["model-card", "datasheet", "checklist"])
def test_new_documents_validate_as_drafts(in_tmp: Path, kind: str) -> None:
    init_workspace(in_tmp)
    workspace = load_workspace(in_tmp)
    if kind == "checklist":  # a checklist answers for a system whose card exists
        new_document(workspace, "model-card", "demo")
    path = new_document(workspace, kind, "demo")
    assert path.is_file()
    assert "TODO" in path.read_text(encoding="utf-8")
    assert workspace_problems(load_workspace(in_tmp)) == []


def test_a_section_written_as_todo_counts_as_not_written() -> None:
    text = CARD.replace("status: draft", "status: review") + "monitoring: TODO\nrisks: TBD\n"
    result = validate_document(parse_text(text, display="card.yaml"))
    assert result.model is not None
    assert result.model.monitoring is None
    flagged = {p.message for p in result.problems if p.code == "CG107"}
    assert "recommended section 'monitoring' is empty" in flagged
    assert "recommended section 'risks' is empty" in flagged


def test_a_required_section_written_as_todo_is_missing() -> None:
    text = CARD.replace("intended_use:\n  primary_uses: [pre-screening]\n", "intended_use: TODO\n")
    [(code, _, _, message)] = problems_of(text)
    assert code == "CG103" and "'intended_use'" in message


def test_an_all_digit_sha256_is_still_a_digest() -> None:
    digits = "1" * 64
    text = CARD + f"training_data:\n  datasets:\n    - dataset: x\n      sha256: {digits}\n"
    result = validate_document(parse_text(text, display="card.yaml"))
    assert result.model is not None, result.problems
    assert result.model.training_data is not None
    assert result.model.training_data.datasets[0].sha256 == digits


def test_recommended_fields_inside_a_filled_recommended_section_are_checked() -> None:
    text = CARD.replace("status: draft", "status: review") + (
        "monitoring:\n  metrics:\n    - {name: accuracy, threshold: '< 0.8'}\n  rollback: TODO\n"
    )
    result = validate_document(parse_text(text, display="card.yaml"))
    flagged = {p.message for p in result.problems if p.code == "CG107"}
    assert "recommended section 'monitoring.rollback' is empty" in flagged
    assert "recommended section 'monitoring' is empty" not in flagged


def test_placeholders_anywhere_warn_past_draft_but_not_in_drafts(in_tmp: Path) -> None:
    init_workspace(in_tmp)
    card = in_tmp / "systems" / "demo" / "model-card.yaml"
    card.parent.mkdir(parents=True)
    body = CARD + "limitations:\n  - Small groups are noisy.\n  - TODO\n"
    card.write_text(body, encoding="utf-8")
    assert [p for p in workspace_problems(load_workspace(in_tmp)) if p.code == "CG109"] == []
    card.write_text(body.replace("status: draft", "status: review"), encoding="utf-8")
    [problem] = [p for p in workspace_problems(load_workspace(in_tmp)) if p.code == "CG109"]
    assert (problem.line, problem.column) == (17, 5)
    assert "'limitations.1' is still a placeholder" in problem.message
    assert problem.severity is Severity.WARNING
    # The gate reports placeholders itself, as errors at release: not twice.
    gate_view = workspace_problems(load_workspace(in_tmp), placeholders=False)
    assert [p for p in gate_view if p.code == "CG109"] == []


EVALUATION = """\
evaluation:
  predictions:
    path: systems/demo/predictions.csv
  task: binary-classification
  label_column: y_true
  prediction_column: y_pred
  sensitive_features: [age_band]
  reference_groups:
    age_group: 30-44
  thresholds:
    - metric: roc_auc
      min: 0.6
    - metric: false_positive_rate
      feature: age_group
      max: 0.2
"""


def test_a_threshold_on_a_feature_not_evaluated_is_shown_at_its_feature() -> None:
    """A threshold or reference group naming a feature that sensitive_features does not
    list is reported at that name's line, with the features evaluated and what to do;
    it was reported at 'evaluation:' with 'see the template'."""
    result = validate_document(parse_text(CARD + EVALUATION, display="card.yaml"))
    found = sorted((p.line, p.column, p.code, p.message, p.hint) for p in result.problems)
    assert [(line, column, code) for line, column, code, _, _ in found] == [
        (23, 16, "CG105"),  # reference_groups: age_group
        (28, 16, "CG105"),  # thresholds[1].feature
    ]
    expected = "'age_group' is not an evaluated feature (sensitive_features: age_band)"
    for _, _, _, message, hint in found:
        assert expected in message
        assert hint.startswith("add it to evaluation.sensitive_features")


@pytest.mark.parametrize(
    ("metric", "bound", "fragment", "hint"),
    [
        (
            "demographic_parity_ratio",
            "max: 0.8",
            "on a ratio, a limit below 1 demands a disparity (1 is parity; a smaller",
            "the four-fifths rule is min: 0.8",
        ),
        (
            "equalized_odds_difference",
            "min: 0.05",
            "on a difference, a limit above 0 demands a disparity (0 is parity; a larger",
            "limit a difference with 'max'",
        ),
    ],
)
def test_a_disparity_limit_on_the_fair_side_is_refused_at_its_bound(
    metric: str, bound: str, fragment: str, hint: str
) -> None:
    """The four-fifths rule written 'max: 0.8' passed a disparate model and failed a fair
    one without a word (validate 'ok', evaluate 'max 0.8'); a 'min' on a difference the
    same. The bound is refused at its line, with the side to limit."""
    text = CARD + EVALUATION.replace("[age_band]", "[age_group]").replace(
        "    - metric: false_positive_rate\n      feature: age_group\n      max: 0.2\n",
        f"    - metric: {metric}\n      feature: age_group\n      {bound}\n",
    )
    result = validate_document(parse_text(text, display="card.yaml"))
    [problem] = result.problems
    assert (problem.code, problem.line, problem.column) == ("CG105", 29, 12)
    assert fragment in problem.message and hint in problem.hint


def test_a_difference_of_a_per_group_metric_names_the_disparities() -> None:
    """'false_positive_rate_difference' (fairness literature's FPR gap) was answered 'did
    you mean false_positive_rate?', a per-group limit, not a disparity: the hint now says
    what that metric limits and lists the differences there are."""
    text = CARD + EVALUATION.replace("[age_band]", "[age_group]").replace(
        "metric: false_positive_rate\n", "metric: false_positive_rate_difference\n"
    )
    [problem] = validate_document(parse_text(text, display="card.yaml")).problems
    assert problem.code == "CG102"
    assert problem.hint.startswith(
        "there is no 'false_positive_rate_difference': 'false_positive_rate' with a "
        "'feature:' limits each group's value; the differences: demographic_parity_difference, "
        "equalized_odds_difference, equal_opportunity_difference"
    ), problem.hint
