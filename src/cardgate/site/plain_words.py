"""Findings in plain words, from the decider's own verdicts.

A threshold the gate blocks on (or warns about) reads as a reviewer would say it: "In
age_group, <25 are predicted positive 50.0% of the time vs 79.1% for 25+; the limit is a
gap ... of at most 10.0 points; the measured gap is 29.1 points (95% interval
12.9–43.8): beyond the limit." The verdict is the gate's (the one decider's, carried in
its `SystemVerdict`); this module only words it with the numbers it was decided on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cardgate.evidence.evaluation.artifact import ThresholdResult
from cardgate.evidence.evaluation.decide import Verdict
from cardgate.gate.result import Finding, SystemVerdict
from cardgate.site.templating import metric_words
from cardgate.site.view_model import SystemView, Unavailable

_BASE_METRIC = {
    "demographic_parity": ("selection_rate", "are predicted positive"),
    "equal_opportunity": ("true_positive_rate", "of those truly positive, are predicted positive"),
}
_PHRASES = {
    "demographic_parity_difference": "gap in the share predicted positive",
    "demographic_parity_ratio": "ratio of the shares predicted positive",
    "equalized_odds_difference": "largest gap in true- or false-positive rate",
    "equalized_odds_ratio": "smallest ratio of true- or false-positive rates",
    "equal_opportunity_difference": "gap in the true-positive rate",
    "equal_opportunity_ratio": "ratio of the true-positive rates",
}
_STATE_WORDS = {
    "beyond": "beyond the limit",
    "inconclusive": "inconclusive: the data cannot yet say whether the limit is met",
    "undefined": "it could not be computed",
}


def finding_verdict(finding: Finding, verdict: SystemVerdict | None) -> Verdict | None:
    """The decider's verdict a threshold finding of the gate (GATE-FA003) reports."""
    if verdict is None:
        return None
    match = re.fullmatch(r"evaluation\.thresholds\.(\d+)", finding.location or "")
    if match is None:
        return None
    return _verdict_of(verdict, int(match.group(1)), finding.message)


def threshold_sentence(system: SystemView, found: Verdict | None) -> str | None:
    """A threshold verdict the gate blocks on (or warns about) in plain words, from the
    numbers it was decided on.

    'In age_group, <25 are predicted positive 50.0% of the time vs 79.1% for 25+; the
    limit is a gap of at most 10.0 points; the measured gap is 29.1 points (95% interval
    12.9–43.8): beyond the limit.' None without a verdict or a value (the finding's own
    message is shown then).
    """
    evaluation = system.evaluation
    if found is None or found.result.value is None or isinstance(evaluation, Unavailable):
        return None
    level = _confidence(evaluation)
    sentence = _sentence(found.result, _feature(evaluation, found.result.feature), level)
    return f"{sentence[:-1]}: {_STATE_WORDS.get(found.state, found.state)}."


def _verdict_of(verdict: SystemVerdict, index: int, message: str) -> Verdict | None:
    """The decider's verdict a finding reports: the one whose message it carries (or the
    threshold's only verdict that does not pass)."""
    open_ = [
        one
        for decided in verdict.thresholds
        if decided.index == index
        for one in decided.verdicts
        if one.outcome != "pass"
    ]
    same = [one for one in open_ if one.message == message]
    if same:
        return same[0]
    return open_[0] if len(open_) == 1 else None


def _confidence(evaluation: Mapping[str, Any]) -> float:
    provenance = evaluation.get("provenance")
    level = provenance.get("confidence_level") if isinstance(provenance, dict) else None
    return float(level) if isinstance(level, int | float) else 0.95


def _feature(evaluation: Mapping[str, Any], name: Any) -> Mapping[str, Any]:
    for feature in evaluation.get("features", []):
        if isinstance(feature, dict) and feature.get("feature") == name:
            return feature
    return {}


def _sentence(record: ThresholdResult, feature: Mapping[str, Any], level: float) -> str:
    metric = record.metric
    value = float(record.value) if record.value is not None else 0.0
    interval = record.ci
    limit_max, limit_min = record.max, record.min
    name = record.feature or ""
    difference = metric.endswith("_difference")
    if difference:

        def shown(x: float) -> str:
            return f"{x * 100:.1f} points"

    else:

        def shown(x: float) -> str:
            return f"{x:.3f}"

    limits = []
    if limit_max is not None:
        limits.append(f"at most {shown(limit_max)}")
    if limit_min is not None:
        limits.append(f"at least {shown(limit_min)}")
    phrase = _PHRASES.get(metric, metric_words(metric))
    parts = []
    comparison = _comparison(metric, feature)
    if comparison:
        parts.append(f"In {name}, {comparison}")
    subject = phrase if metric in _PHRASES else metric_words(metric)
    if record.group:
        subject = f"{subject} of {name} = {record.group}"
    elif name and not comparison:
        subject = f"{subject} across {name}"
    parts.append(f"the limit is a {subject} of {' and '.join(limits)}")
    measured = f"the measured {'gap' if difference else 'value'} is {shown(value)}"
    if interval is not None:
        if difference:
            low, high = f"{interval[0] * 100:.1f}", f"{interval[1] * 100:.1f}"
        else:
            low, high = f"{interval[0]:.3f}", f"{interval[1]:.3f}"
        measured += f" ({level:.0%} interval {low}–{high})"
    parts.append(measured)
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:]


def _comparison(metric: str, feature: Mapping[str, Any]) -> str:
    """'<25 are predicted positive 50.0% of the time vs 79.1% for 25+', when known."""
    for prefix, (base, verb) in _BASE_METRIC.items():
        if not metric.startswith(prefix):
            continue
        rates = _group_rates(feature, base)
        if len(rates) < 2:
            return ""
        low, high = min(rates, key=lambda r: r[1]), max(rates, key=lambda r: r[1])
        return (
            f"{low[0]} {verb} {low[1] * 100:.1f}% of the time vs {high[1] * 100:.1f}% for {high[0]}"
        )
    return ""


def _group_rates(feature: Mapping[str, Any], metric: str) -> list[tuple[str, float]]:
    rates = []
    for group in feature.get("groups", []) if isinstance(feature.get("groups"), list) else []:
        if not isinstance(group, dict) or group.get("suppressed"):
            continue
        entry = (group.get("metrics") or {}).get(metric)
        value = entry.get("value") if isinstance(entry, dict) else entry
        if isinstance(value, int | float) and not isinstance(value, bool):
            rates.append((str(group.get("group")), float(value)))
    return rates
