"""A NYC Local Law 144 bias audit (6 RCNY § 5-301), computed as the rules define it.

The definitions followed (§ 5-300, in ``checklists/frameworks/nyc-ll144.yaml``):

* selection rate: the rate at which individuals in a category are selected to move
  forward or assigned a classification (here: predicted the positive label);
* scoring rate: the rate at which individuals in a category receive a score above the
  sample's median score (the median of the full sample, unknown categories included);
* impact ratio: a category's selection (or scoring) rate divided by the rate of the most
  selected (highest scoring) category;

computed separately for sex, race/ethnicity and their intersections (§ 5-301(b)(3),
(c)(4)); the individuals of an unknown category are counted, not included (§ 5-301(b)(5),
(c)(5)); a category under 2% of the data may be excluded from the impact ratios, with a
justification, and is still reported with its number and rate (§ 5-301(d)).

Beside each rate is its Wilson interval, and beside each impact ratio the interval of
the ratio (the log-ratio construction of the evaluation's disparities) and its noise
floor: the lowest ratio chance alone gives, at the same confidence, when the category
and the most selected one share their pooled rate. A ratio is never judged here: the
four-fifths figure is a rule of thumb, not the law's test, and a ratio above its noise
floor is not distinguishable from 1 with these numbers.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cardgate.evidence.evaluation.intervals import log_ratio_interval, wilson, z_value
from cardgate.evidence.evaluation.stats import FloatArray

SMALL_SHARE = 0.02
"""A category under this share of the data may be excluded from the impact ratios."""
INTERSECTION = " × "
"""Between a sex and a race/ethnicity category in an intersectional category's name."""


@dataclass(frozen=True)
class CategoryResult:
    """One category of one table."""

    category: str
    individuals: int
    favourable: int
    """Selected, or scored above the median."""
    rate: float
    rate_interval: tuple[float, float]
    share: float
    """Of the individuals of known category in the table."""
    excluded: bool
    """Left out of the impact ratios (under 2% of the data, with a justification)."""
    impact_ratio: float | None
    """None when excluded, or when no category has a favourable outcome."""
    ratio_interval: tuple[float, float] | None
    noise_floor: float | None
    highest: bool
    """This is (one of) the most selected or highest scoring categories."""


@dataclass(frozen=True)
class AuditTable:
    """Rates and impact ratios of the categories of one dimension."""

    dimension: str
    categories: tuple[CategoryResult, ...]
    unknown: int
    """Individuals assessed whose category in this dimension is unknown."""


@dataclass(frozen=True)
class AuditResult:
    """The audit: one table per dimension."""

    method: str
    individuals: int
    median: float | None
    """The full sample's median score (scoring only)."""
    unknown: int
    """Individuals with an unknown sex or race/ethnicity category."""
    tables: tuple[AuditTable, ...]
    confidence_level: float


def audit_table(
    dimension: str,
    counts: Sequence[tuple[str, int, int]],
    *,
    unknown: int,
    exclude_small: bool,
    level: float,
) -> AuditTable:
    """The table of `counts` ((category, individuals, favourable), categories with at
    least one individual), in the order given."""
    total = sum(n for _, n, _ in counts)
    z = z_value(level)
    individuals = np.array([n for _, n, _ in counts], dtype=np.float64)
    favourable = np.array([k for _, _, k in counts], dtype=np.float64)
    lows, highs = wilson(favourable, individuals, z)
    excluded = [exclude_small and total > 0 and n / total < SMALL_SHARE for _, n, _ in counts]
    compared = [i for i in range(len(counts)) if not excluded[i]]
    # the most selected: compared exactly (k1/n1 > k2/n2 as k1*n2 > k2*n1), ties kept
    best = compared[0] if compared else None
    for i in compared:
        if best is not None and counts[i][2] * counts[best][1] > counts[best][2] * counts[i][1]:
            best = i
    top = [
        i
        for i in compared
        if best is not None and counts[i][2] * counts[best][1] == counts[best][2] * counts[i][1]
    ]
    results: list[CategoryResult] = []
    for i, (category, n, k) in enumerate(counts):
        rate = k / n
        ratio = interval = floor = None
        if best is not None and not excluded[i] and counts[best][2] > 0:
            n_top, k_top = counts[best][1], counts[best][2]
            ratio = (k * n_top) / (n * k_top)
            if i not in top:
                interval = _ratio_interval(i, best, counts, lows, highs)
                floor = _noise_floor(n, k, n_top, k_top, z)
        results.append(
            CategoryResult(
                category=category,
                individuals=n,
                favourable=k,
                rate=rate,
                rate_interval=(float(lows[i]), float(highs[i])),
                share=n / total if total else 0.0,
                excluded=excluded[i],
                impact_ratio=ratio,
                ratio_interval=interval,
                noise_floor=floor,
                highest=i in top,
            )
        )
    return AuditTable(dimension=dimension, categories=tuple(results), unknown=unknown)


def _ratio_interval(
    i: int,
    best: int,
    counts: Sequence[tuple[str, int, int]],
    lows: FloatArray,
    highs: FloatArray,
) -> tuple[float, float]:
    """The interval of category `i`'s impact ratio against the highest, `best`
    (`intervals.log_ratio_interval`: for a category nobody in it was selected from, from
    0 to its rate's upper Wilson limit over the highest rate's lower one)."""
    (_, n, k), (_, n_top, k_top) = counts[i], counts[best]
    pair = [i, best]
    low, high = log_ratio_interval(np.array([k / n, k_top / n_top]), lows[pair], highs[pair])
    return float(low), float(high)


def _noise_floor(n: int, k: int, n_top: int, k_top: int, z: float) -> float | None:
    """The lowest ratio of two categories of sizes `n`, `n_top` that chance gives at the
    critical value `z` when both have their pooled rate (log ratio, delta method)."""
    pooled = (k + k_top) / (n + n_top)
    if pooled <= 0:
        return None
    error = math.sqrt((1 - pooled) / (pooled * n) + (1 - pooled) / (pooled * n_top))
    return math.exp(-z * error)


def run_audit(
    sex: Sequence[str | None],
    race: Sequence[str | None],
    *,
    selected: Sequence[bool] | None = None,
    scores: Sequence[float] | None = None,
    exclude_small: bool,
    level: float = 0.95,
) -> AuditResult:
    """The audit of individuals with these `sex` and `race` categories (None: unknown)
    and either `selected` outcomes (selection rates) or `scores` (scoring rates)."""
    if (selected is None) == (scores is None):
        raise ValueError("give either selected outcomes or scores")
    median: float | None = None
    if scores is not None:
        values = [float(s) for s in scores]
        median = float(statistics.median(values)) if values else None
        favourable = [median is not None and s > median for s in values]
        method = "scoring"
    else:
        favourable = [bool(s) for s in selected or ()]
        method = "selection"
    if not len(sex) == len(race) == len(favourable):
        raise ValueError("the columns differ in length")
    by_sex: Counter[tuple[str | None, bool]] = Counter(zip(sex, favourable, strict=True))
    by_race: Counter[tuple[str | None, bool]] = Counter(zip(race, favourable, strict=True))
    by_both: Counter[tuple[str | None, str | None, bool]] = Counter(
        zip(sex, race, favourable, strict=True)
    )
    tables = (
        _table("sex", by_sex, exclude_small, level),
        _table("race/ethnicity", by_race, exclude_small, level),
        _intersections(by_both, exclude_small, level),
    )
    unknown = sum(c for (s, r, _), c in by_both.items() if s is None or r is None)
    return AuditResult(
        method=method,
        individuals=len(favourable),
        median=median,
        unknown=unknown,
        tables=tables,
        confidence_level=level,
    )


def _counts(tally: Counter[tuple[tuple[str | None, ...], bool]]) -> list[tuple[str, int, int]]:
    """(category, individuals, favourable) of the known categories, sorted by name."""
    individuals: Counter[tuple[str, ...]] = Counter()
    favourable: Counter[tuple[str, ...]] = Counter()
    for (key, outcome), count in tally.items():
        if any(part is None for part in key):
            continue
        known = tuple(str(part) for part in key)
        individuals[known] += count
        favourable[known] += count if outcome else 0
    return [
        (INTERSECTION.join(key), individuals[key], favourable[key]) for key in sorted(individuals)
    ]


def _table(
    dimension: str,
    tally: Counter[tuple[str | None, bool]],
    exclude_small: bool,
    level: float,
) -> AuditTable:
    keyed: Counter[tuple[tuple[str | None, ...], bool]] = Counter(
        {((value,), outcome): count for (value, outcome), count in tally.items()}
    )
    unknown = sum(count for (value, _), count in tally.items() if value is None)
    return audit_table(
        dimension, _counts(keyed), unknown=unknown, exclude_small=exclude_small, level=level
    )


def _intersections(
    tally: Counter[tuple[str | None, str | None, bool]], exclude_small: bool, level: float
) -> AuditTable:
    keyed: Counter[tuple[tuple[str | None, ...], bool]] = Counter(
        {((s, r), outcome): count for (s, r, outcome), count in tally.items()}
    )
    unknown = sum(count for (s, r, _), count in tally.items() if s is None or r is None)
    return audit_table(
        "sex × race/ethnicity",
        _counts(keyed),
        unknown=unknown,
        exclude_small=exclude_small,
        level=level,
    )
