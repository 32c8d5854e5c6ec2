"""The one decider of monitoring verdicts: a column's drift, a metric's change against
the approved evaluation, and what in a window is a breach. `cardgate monitor` records
what these return; the gate derives them again from the recorded numbers and compares
(a hand-edited verdict is an integrity error); the site renders them.

A column **drifts** when an effect size is over its threshold *and* the column's
p-value, adjusted across the window's compared columns by Benjamini–Hochberg, is at
most the false-discovery rate. The effect threshold keeps a huge window from flagging a
shift too small to matter (with a million rows every column differs at p < 0.05); the
adjusted p-value keeps a small window, or one of many columns, from flagging noise (with
50 columns, some column is over a threshold by chance every few windows). An effect over
its threshold whose adjusted p-value is not small enough is `noise`: reported, never a
breach. Under no drift at all, a window is flagged at most at the false-discovery rate
(Benjamini–Hochberg controls the family-wise error when every null hypothesis holds).

Light: no numpy, no pandas (the gate imports it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

DriftState = Literal["drift", "noise", "stable", "not-compared"]
ChangeState = Literal["worse", "better", "unchanged", "inconclusive", "undefined"]

EFFECTS = ("psi", "js", "wasserstein", "ks", "missing")
EFFECT_NAMES = {
    "psi": "PSI",
    "js": "Jensen–Shannon distance",
    "wasserstein": "Wasserstein distance (in reference standard deviations)",
    "ks": "Kolmogorov–Smirnov D",
    "missing": "change in the share of missing values",
}
DEFAULT_THRESHOLDS: dict[str, float] = {
    "psi": 0.25,
    "js": 0.1,
    "wasserstein": 0.1,
    "ks": 0.1,
    "missing": 0.05,
}
"""Evidently's 0.1 for the Jensen–Shannon and normed Wasserstein distances; the
customary 0.25 ("significant shift") for PSI; 0.1 for D; five percentage points for the
share of missing values."""
DEFAULT_FDR = 0.05
DEFAULT_MIN_ROWS = 30
DEFAULT_TOLERANCE = 0.05

HIGHER_IS_BETTER = frozenset(
    {
        "accuracy",
        "balanced_accuracy",
        "precision",
        "recall",
        "true_positive_rate",
        "f1",
        "roc_auc",
    }
)
LOWER_IS_BETTER = frozenset(
    {
        "false_positive_rate",
        "false_negative_rate",
        "expected_calibration_error",
        "brier_score",
        "mean_absolute_error",
        "root_mean_squared_error",
    }
)


@dataclass(frozen=True)
class DriftSettings:
    """Thresholds on effect sizes, the false-discovery rate, the fewest rows compared,
    and how far a metric may fall below the approved evaluation."""

    thresholds: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    fdr: float = DEFAULT_FDR
    min_rows: int = DEFAULT_MIN_ROWS
    tolerance: float = DEFAULT_TOLERANCE

    def as_dict(self) -> dict[str, object]:
        return {
            "thresholds": dict(sorted(self.thresholds.items())),
            "fdr": self.fdr,
            "min_rows": self.min_rows,
            "tolerance": self.tolerance,
        }


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini–Hochberg adjusted p-values (None stays None and is not counted)."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    count = len(tested)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank in range(count, 0, -1):
        p, index = tested[rank - 1]
        running = min(running, p * count / rank)
        adjusted[index] = min(1.0, running)
    return adjusted


def number(value: float) -> str:
    return f"{value:.3g}" if abs(value) >= 0.001 or value == 0 else f"{value:.1e}"


def drift_state(
    effects: Mapping[str, float | None],
    p_adjusted: float | None,
    settings: DriftSettings,
) -> tuple[DriftState, str]:
    """A compared column's state and the sentence that says why."""
    over = [
        name
        for name in EFFECTS
        if effects.get(name) is not None
        and name in settings.thresholds
        and float(effects[name]) > settings.thresholds[name]  # type: ignore[arg-type]
    ]
    if p_adjusted is None:
        return "not-compared", "no p-value"
    said = ", ".join(
        f"{EFFECT_NAMES[n]} {number(float(effects[n]))} > {number(settings.thresholds[n])}"  # type: ignore[arg-type]
        for n in over
    )
    p_text = f"p = {number(p_adjusted)} after Benjamini–Hochberg"
    if not over:
        return "stable", f"every effect within its threshold ({p_text})"
    if p_adjusted <= settings.fdr:
        return "drift", f"{said}; {p_text} ≤ {number(settings.fdr)}"
    return "noise", f"{said}, but {p_text} > {number(settings.fdr)}: within sampling noise"


def change_state(
    metric: str,
    difference: float | None,
    low: float | None,
    high: float | None,
    tolerance: float,
) -> ChangeState:
    """How a window's metric compares with the approved evaluation's: `worse` when the
    whole interval of the difference is on the harmful side *and* beyond `tolerance`
    (the change that matters); `better` symmetric; `unchanged` when the interval lies
    within ±tolerance; else `inconclusive`. Metrics without a direction (selection rate,
    mean error) are `worse` beyond the tolerance either way."""
    if difference is None or low is None or high is None:
        return "undefined"
    if metric in HIGHER_IS_BETTER:
        harmful_low, harmful_high = -high, -low  # a fall is harmful
    elif metric in LOWER_IS_BETTER:
        harmful_low, harmful_high = low, high
    else:
        if low > tolerance or high < -tolerance:
            return "worse"
        return "unchanged" if -tolerance <= low and high <= tolerance else "inconclusive"
    if harmful_low > tolerance:
        return "worse"
    if harmful_high < -tolerance:
        return "better"
    if -tolerance <= harmful_low and harmful_high <= tolerance:
        return "unchanged"
    return "inconclusive"


@dataclass(frozen=True)
class Breach:
    """What in a window needs a decision."""

    kind: Literal["drift", "threshold", "performance", "contract"]
    subject: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


def column_subject(column: str, aspect: str) -> str:
    return f"{column} (missing values)" if aspect == "missing" else column


def window_breaches(
    drift_rows: Sequence[Mapping[str, object]],
    thresholds: Sequence[Mapping[str, object]],
    changes: Sequence[Mapping[str, object]],
    violations: Sequence[Mapping[str, object]],
) -> list[Breach]:
    """Every breach of a window, from its recorded verdicts: a drifting column, a card
    threshold `beyond` its limit (the evaluation's one decider: the whole interval beyond
    the limit and, for a disparity, beyond its noise floor), a metric `worse` than the
    approved evaluation beyond the tolerance, a broken clause of the data contract."""
    found: list[Breach] = []
    for row in drift_rows:
        if row.get("state") == "drift":
            found.append(
                Breach(
                    "drift",
                    column_subject(str(row["column"]), str(row.get("aspect", "values"))),
                    str(row.get("reason", "")),
                )
            )
    for result in thresholds:
        if result.get("state") == "beyond":
            found.append(Breach("threshold", _threshold_subject(result), str(result["reason"])))
    for change in changes:
        if change.get("state") == "worse":
            found.append(
                Breach(
                    "performance",
                    str(change["metric"]),
                    f"{change['metric']} {number(float(change['window']))} against "  # type: ignore[arg-type]
                    f"{number(float(change['approved']))} approved: worse by more than the "  # type: ignore[arg-type]
                    "tolerance, beyond sampling noise",
                )
            )
    for violation in violations:
        found.append(
            Breach(
                "contract",
                str(violation.get("column") or "table"),
                str(violation.get("message", "")),
            )
        )
    return found


def _threshold_subject(result: Mapping[str, object]) -> str:
    parts = [str(result["metric"])]
    if result.get("feature") is not None:
        parts.append(f"by {result['feature']}")
    if result.get("group") is not None:
        parts.append(f"({result['group']})")
    return " ".join(parts)
