"""How far beyond a threshold a per-group (or overall) metric must be for these data to
find it there — the whole interval past the limit — with probability `POWER` (80%): the
*detectable* value a verdict reports beside its state (docs/statistics.md, "Power at the
detectable value").

Each metric is solved for at the truth, with the variance it has there, not the one its
observed interval shows (a proportion observed far from the limit has a smaller variance
than at the limit: read at the observed value, the detectable rate was found 34–41% of
the time):

* a proportion (Wilson interval): from the trials behind its interval;
* F1, a monotone transform of the Jaccard index J = TP / (TP + FP + FN), whose interval
  is Wilson's: solved for J, transformed;
* ROC AUC: Hanley & McNeil's (1982) variance at the truth, on the logit scale the
  interval uses, from the group's positives and negatives (read from its TPR and TNR);
* balanced accuracy: as a proportion of its *effective* trials v(1 − v)/se²;
* MAE and RMSE, whose standard errors grow with the errors' scale: a constant relative
  error, on the log scale where both intervals are built;
* any other metric (the mean error, the Brier score, the calibration error): the limit
  moved by (z + z₀.₈) standard errors read from the interval's width.

Disparities have their own designs (`intervals.GapDesign`, `intervals.RatioDesign`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from cardgate.evidence.evaluation.intervals import power_z, z_value

Interval = tuple[float, float]
WILSON_METRICS = frozenset(
    {
        "selection_rate",
        "accuracy",
        "precision",
        "recall",
        "true_positive_rate",
        "false_positive_rate",
        "false_negative_rate",
        "true_negative_rate",
    }
)
"""The metrics whose interval is Wilson's (`estimates.proportions`)."""


def detectable_value(
    metric: str,
    value: float,
    ci: Interval,
    *,
    bound: str,
    limit: float,
    level: float,
    related: Mapping[str, tuple[float | None, Interval | None]] | None = None,
) -> float:
    """The detectable value of `metric` observed at `value` with interval `ci`;
    `related`: the same group's other metrics (value, interval), where the positives and
    negatives behind an AUC are read."""
    z = z_value(level)
    trials = wilson_trials(value, ci, z) if metric in WILSON_METRICS else None
    if trials is not None:
        return detectable_proportion(trials, bound=bound, limit=limit, level=level)
    if metric == "f1":
        return _detectable_f1(value, ci, bound=bound, limit=limit, level=level)
    if metric == "roc_auc":
        sizes = _class_sizes(related or {}, z)
        if sizes is not None:
            return detectable_auc(*sizes, bound=bound, limit=limit, level=level)
    if metric in ("roc_auc", "balanced_accuracy"):
        effective = _effective_trials(value, ci, z)
        if effective is not None:
            return detectable_proportion(effective, bound=bound, limit=limit, level=level)
    if metric in SCALE_METRICS and value > 0 and ci[0] > 0 and limit > 0:
        return _detectable_scale(ci, bound=bound, limit=limit, level=level)
    return detectable_from_interval(value, ci, bound=bound, limit=limit, level=level)


SCALE_METRICS = frozenset({"mean_absolute_error", "root_mean_squared_error"})
"""Metrics that grow with the errors' scale, and their standard errors with them."""


def _detectable_scale(ci: Interval, *, bound: str, limit: float, level: float) -> float:
    """A scale metric's standard error is a constant share r of its value (errors of one
    shape at another scale), and both intervals are built on the log scale (RMSE's
    Bonett's, the MAE's Student's there), so r is read there: the estimate must pass
    c = limit·exp(±z·r) for the interval to clear the limit, and the truth d is past c
    80% of the time when d = limit·exp(±(z + z₀.₈)·r)."""
    z, z_power = z_value(level), power_z()
    sign = 1.0 if bound == "max" else -1.0
    share = (math.log(ci[1]) - math.log(ci[0])) / (2 * z)
    return limit * math.exp(sign * (z + z_power) * share)


def _detectable_f1(value: float, ci: Interval, *, bound: str, limit: float, level: float) -> float:
    """F1 = 2J/(1 + J): J's Wilson interval is F1's transformed back, so J's trials are
    read from it and J's detectable value transformed to F1."""

    def jaccard(f1: float) -> float:
        return f1 / (2 - f1)

    trials = wilson_trials(jaccard(value), (jaccard(ci[0]), jaccard(ci[1])), z_value(level))
    if trials is None or not 0 < limit < 1:
        return detectable_from_interval(value, ci, bound=bound, limit=limit, level=level)
    found = detectable_proportion(trials, bound=bound, limit=jaccard(limit), level=level)
    return 2 * found / (1 + found) if math.isfinite(found) else found


def _class_sizes(
    related: Mapping[str, tuple[float | None, Interval | None]], z: float
) -> tuple[float, float] | None:
    """(positives, negatives) of a group, from the Wilson intervals of its TPR and TNR."""
    sizes = []
    for name in ("true_positive_rate", "true_negative_rate"):
        value, ci = related.get(name, (None, None))
        trials = wilson_trials(value, ci, z) if value is not None and ci is not None else None
        if trials is None:
            return None
        sizes.append(trials)
    return sizes[0], sizes[1]


def _effective_trials(value: float, ci: Interval, z: float) -> float | None:
    """The trials of a proportion with `value`'s variance: v(1 − v)/se², se from the
    interval's width."""
    error = (ci[1] - ci[0]) / (2 * z)
    if not 0 < value < 1 or not error > 0:
        return None
    return value * (1 - value) / (error * error)


def hanley_mcneil_error(auc: float, positives: float, negatives: float) -> float:
    """The standard error of an AUC (Hanley & McNeil 1982, eq. 2, with Q1 = A/(2 − A) and
    Q2 = 2A²/(1 + A))."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    variance = (
        auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)
    ) / (positives * negatives)
    return math.sqrt(max(variance, 0.0))


def detectable_auc(
    positives: float, negatives: float, *, bound: str, limit: float, level: float
) -> float:
    """The true AUC these classes find beyond `limit` with probability `POWER`: the
    critical estimate c whose logit-scale interval (the one `estimates.auc_intervals`
    builds) just reaches the limit, then the truth d whose estimate falls past c 80% of
    the time, each with Hanley & McNeil's standard error at that value (bisection)."""
    z, z_power = z_value(level), power_z()
    if not 0 < limit < 1 or min(positives, negatives) < 1:
        return math.inf if bound == "max" else -math.inf
    sign = 1.0 if bound == "max" else -1.0

    def error(a: float) -> float:
        return hanley_mcneil_error(a, positives, negatives)

    def reaches(c: float) -> float:  # > 0 once c's interval lies wholly past the limit
        logit = math.log(c / (1 - c)) - math.log(limit / (1 - limit))
        return sign * logit - z * error(c) / (c * (1 - c))

    # from the limit outwards: towards 1 for a `max`, towards chance (0.5) for a `min`
    end = 1 - 1e-6 if bound == "max" else 0.5
    critical = _first_crossing(reaches, limit, end)
    if critical is None:
        return math.inf if bound == "max" else -math.inf
    found = _first_crossing(lambda d: sign * (d - critical) / error(d) - z_power, critical, end)
    if found is None:
        return math.inf if bound == "max" else -math.inf
    return found


def _first_crossing(f: Callable[[float], float], start: float, end: float) -> float | None:
    """The first point from `start` towards `end` where `f` turns positive (a scan of 400
    steps, then bisection of the bracket); None when it never does."""
    steps = 400
    before = start
    for step in range(1, steps + 1):
        after = start + (end - start) * step / steps
        if f(after) > 0:
            low, high = before, after
            for _ in range(60):
                middle = (low + high) / 2
                low, high = (low, middle) if f(middle) > 0 else (middle, high)
            return (low + high) / 2
        before = after
    return None


def wilson_trials(value: float, ci: tuple[float, float], z: float) -> float | None:
    """The number of trials behind the Wilson interval `ci` of the proportion `value`:
    both limits are roots of n(p̂ − p)² = z²p(1 − p), so n = z²L(1 − L)/(p̂ − L)², read
    from the limit farther from p̂ (None when the interval has no width)."""
    low, high = ci
    end = low if value - low >= high - value else high
    distance = abs(value - end)
    if not distance > 1e-12 or not 0 < end < 1:
        return None
    return z * z * end * (1 - end) / (distance * distance)


def detectable_proportion(trials: float, *, bound: str, limit: float, level: float) -> float:
    """The true proportion a group of `trials` is found beyond `limit` at with probability
    `POWER`. The Wilson interval lies wholly above the limit exactly when the score test
    rejects it: when p̂ exceeds c = limit + z·√(limit(1 − limit)/n). Power is
    P(p̂ > c) ≈ Φ((p − c)/√(p(1 − p)/n)), so p solves (p − c)² = z₀.₈²·p(1 − p)/n, the
    root above c (below it for a `min` limit); infinite when c lies outside (0, 1): no
    proportion could be found beyond the limit."""
    z, k = z_value(level), power_z() ** 2 / trials
    step = z * math.sqrt(limit * (1 - limit) / trials)
    critical = limit + step if bound == "max" else limit - step
    if not 0 < critical < 1:
        return math.inf if bound == "max" else -math.inf
    b = 2 * critical + k
    root = math.sqrt(max(b * b - 4 * (1 + k) * critical * critical, 0.0))
    sign = 1 if bound == "max" else -1
    return (b + sign * root) / (2 * (1 + k))


def detectable_from_interval(
    value: float, ci: tuple[float, float], *, bound: str, limit: float, level: float
) -> float:
    """The detectable value of a metric: the limit moved by (z + z_power) standard
    errors, the standard error read from the interval's width (a normal approximation at
    the observed value; proportions use `detectable_proportion`)."""
    z = z_value(level)
    error = (ci[1] - ci[0]) / (2 * z)
    margin = (z + power_z()) * error
    return limit + margin if bound == "max" else limit - margin
