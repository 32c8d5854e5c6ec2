"""Measure the coverage, size and power of every interval and test the gate decides on,
by simulation from known models, and write the tables into docs/statistics.md (between
its `tables` markers). `make statistics`; about ten minutes on two cores.

The production code computes everything (cardgate.evidence.evaluation): intervals
(`disparities.disparity_interval`, `estimates.classification_intervals`,
`estimates.group_intervals`), null tests (`nulls`), detectable values
(`disparities.detection_of`) and states (`decide.state_of`); this script only
simulates data from models whose truth is known and counts.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cardgate.documents.schemas.evaluation import EvaluationSettings  # noqa: E402
from cardgate.evidence.evaluation import detectable as D  # noqa: E402
from cardgate.evidence.evaluation import intervals as I  # noqa: E402
from cardgate.evidence.evaluation import nulls  # noqa: E402
from cardgate.evidence.evaluation.artifact import ThresholdResult  # noqa: E402
from cardgate.evidence.evaluation.decide import state_of  # noqa: E402
from cardgate.evidence.evaluation.disparities import (  # noqa: E402
    detection_of,
    disparity_interval,
    regression_disparity,
)
from cardgate.evidence.evaluation.estimates import (  # noqa: E402
    classification_intervals,
    group_intervals,
    proportions,
    regression_intervals,
)
from cardgate.evidence.evaluation.group_table import GroupTable  # noqa: E402
from tests.evaluation.simulation import (  # noqa: E402
    Model,
    binormal_calibration,
    binormal_sample,
    default_policy,
    example_designs,
    example_thresholds,
    expected_cells,
    policy_outcomes,
    score_tables,
    simulate_cells,
)

DOC = ROOT / "docs" / "statistics.md"
START, END = "<!-- tables:start -->", "<!-- tables:end -->"
LEVEL = 0.95
LIMIT = 0.1
GROUPS = (2, 5, 10)
ROWS = (1_000, 10_000, 100_000)
DIFFERENCES = ("demographic_parity_difference", "equalized_odds_difference",
               "equal_opportunity_difference")  # fmt: skip
RATIOS = ("demographic_parity_ratio", "equalized_odds_ratio")
DETECTABLE_RUNS = 40


def sizes(groups: int, rows: int, *, unequal: bool) -> np.ndarray:
    weights = np.maximum(0.5 ** np.arange(groups), 0.05) if unequal else np.ones(groups)
    return np.round(weights / weights.sum() * rows)


def base_rates(groups: int, *, unequal: bool) -> np.ndarray:
    return np.linspace(0.2, 0.5, groups) if unequal else np.full(groups, 0.35)


def pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def covered(low: np.ndarray, high: np.ndarray, truth: float) -> float:
    return float(np.mean((low <= truth + 1e-12) & (truth <= high + 1e-12)))


# -- disparity intervals ---------------------------------------------------------------
def interval_cells(runs: int) -> Iterator[tuple[list[str], dict[str, float]]]:
    """Coverage of every disparity interval over the grid."""
    seed = itertools.count(1)
    for groups, rows, unequal_sizes, unequal_base, gap in itertools.product(
        GROUPS, ROWS, (False, True), (False, True), (0.0, 0.05, 0.1, 0.2)
    ):
        model = Model.parity(
            sizes(groups, rows, unequal=unequal_sizes),
            base=base_rates(groups, unequal=unequal_base),
        )
        if gap:
            model = model.with_gap("true_positive_rate", group=groups - 1, gap=-gap)
        cells = simulate_cells(model, runs, np.random.default_rng(next(seed)))
        counts = proportions(cells)
        found = {}
        for name in (*DIFFERENCES, *RATIOS):
            low, high = disparity_interval(name, counts, LEVEL)
            found[name] = covered(low, high, model.disparity(name))
        label = [
            str(groups), f"{rows:,}", "unequal" if unequal_sizes else "equal",
            "unequal" if unequal_base else "equal", "parity" if not gap else f"{gap:g}",
        ]  # fmt: skip
        yield label, found


def interval_section(runs: int) -> list[str]:
    cells = list(interval_cells(runs))
    lines = [
        "### Disparity intervals: coverage",
        "",
        f"{runs:,} simulated data sets per cell; each cell's data sets drawn from a model "
        "whose groups share one TPR (0.7) and FPR (0.2) except, for a gap, the smallest "
        "group's TPR lowered by it. Target: at least 95% (the constructions are "
        "simultaneous, so at and away from parity they are conservative); the Monte-Carlo "
        f"error of one cell is about ±{100 * 1.96 * math.sqrt(0.05 * 0.95 / runs):.1f} points.",
        "",
    ]
    names = (*DIFFERENCES, *RATIOS)
    header = ["groups", "rows", "group sizes", "base rates", "truth",
              *(n.replace("_", " ") for n in names)]  # fmt: skip
    parity = [
        label + [pct(found[n]) for n in names] for label, found in cells if label[4] == "parity"
    ]
    lines += ["At parity (equalized odds exact):", "", *table(header, parity), ""]
    lines += ["Away from parity, summarised over the 36 cells of each gap "
              "(groups × rows × sizes × base rates):", ""]  # fmt: skip
    summary = []
    for gap in ("0.05", "0.1", "0.2"):
        chosen = [found for label, found in cells if label[4] == gap]
        summary.append(
            [gap]
            + [
                f"{pct(min(f[n] for f in chosen))} / {pct(float(np.mean([f[n] for f in chosen])))}"
                for n in names
            ]
        )
    lines += table(["gap", *(f"{n.replace('_', ' ')} (min / mean)" for n in names)], summary)
    worst = min((found[n], label, n) for label, found in cells for n in names)
    lines += ["", f"Lowest coverage of the whole grid: {pct(worst[0])} "
              f"({worst[2].replace('_', ' ')}; {', '.join(worst[1])}).", ""]  # fmt: skip
    return lines


# -- null tests --------------------------------------------------------------------------
def size_section(runs: int, permutations: int) -> list[str]:
    lines = [
        "### Null tests: size",
        "",
        f"The share of {runs:,} data sets from a fair model whose p-value is at most 0.05 "
        f"({permutations} permutations each). Target: 5% (within the Monte-Carlo error, "
        f"±{100 * 1.96 * math.sqrt(0.05 * 0.95 / runs):.1f} points). Equalized odds and "
        "equal opportunity hold exactly while the base rates differ between groups (0.1 to "
        "0.6); demographic parity holds exactly. The previous test (every group drawing "
        "label and prediction from the pooled table) is shown for comparison.",
        "",
    ]
    rows_out = []
    seed = itertools.count(100)
    for groups, rows, unequal in itertools.product(GROUPS, ROWS, (False, True)):
        group_sizes = sizes(groups, rows, unequal=unequal)
        odds = Model.parity(group_sizes, base=np.linspace(0.1, 0.6, groups))
        parity = Model.demographic_parity(group_sizes)
        rng = np.random.default_rng(next(seed))
        rejected = {"equalized_odds_difference": 0, "equal_opportunity_difference": 0,
                    "demographic_parity_difference": 0, "previous": 0}  # fmt: skip
        for cells in simulate_cells(odds, runs, rng):
            null = nulls.null_disparities(cells, permutations, rng)
            for name in ("equalized_odds_difference", "equal_opportunity_difference"):
                observed = Model.observed(name, cells)
                _, p = nulls.floor_and_p_value(
                    null[name], observed, level=LEVEL, smaller_is_worse=False
                )
                rejected[name] += p is not None and p <= 0.05
            previous = _pooled_null(cells, permutations, rng)
            observed = Model.observed("equalized_odds_difference", cells)
            rejected["previous"] += _rejects(previous, observed)
        for cells in simulate_cells(parity, runs, rng):
            null = nulls.null_disparities(cells, permutations, rng)
            observed = Model.observed("demographic_parity_difference", cells)
            rejected["demographic_parity_difference"] += _rejects(
                null["demographic_parity_difference"], observed
            )
        rows_out.append(
            [str(groups), f"{rows:,}", "unequal" if unequal else "equal"]
            + [
                pct(rejected[k] / runs)
                for k in (
                    "equalized_odds_difference",
                    "equal_opportunity_difference",
                    "demographic_parity_difference",
                    "previous",
                )
            ]
        )
    lines += table(
        ["groups", "rows", "group sizes", "equalized odds", "equal opportunity",
         "demographic parity", "previous pooled null (equalized odds)"],
        rows_out,
    )  # fmt: skip
    return [*lines, ""]


def _rejects(null: np.ndarray, observed: float) -> bool:
    _, p = nulls.floor_and_p_value(null, observed, level=LEVEL, smaller_is_worse=False)
    return p is not None and p <= 0.05


def _pooled_null(cells: np.ndarray, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """The previous null: every group draws (label, prediction) from the pooled table."""
    from cardgate.evidence.evaluation import metrics as M

    group_sizes = np.rint(cells.sum(axis=(1, 2))).astype(np.int64)
    pooled = cells.sum(axis=0).reshape(-1)
    draws = rng.multinomial(
        group_sizes[None, :], pooled / pooled.sum(), size=(replicates, len(group_sizes))
    )
    tables = draws.reshape(replicates, *cells.shape).astype(float)
    return M.disparity_values(tables)["equalized_odds_difference"]


# -- decisions and power --------------------------------------------------------------------
def _decide_runs(
    model: Model,
    name: str,
    runs: int,
    permutations: int,
    rng: np.random.Generator,
    *,
    limit: float = LIMIT,
) -> tuple[dict[str, int], list[float]]:
    """States of a threshold `name` at most `limit` on `runs` data sets from `model`, each
    decided by `decide.state_of` on its value, interval and null test; and the detectable
    value the verdicts of the first `DETECTABLE_RUNS` report."""
    cells = simulate_cells(model, runs, rng)
    low, high = disparity_interval(name, proportions(cells), LEVEL)
    states = {"within": 0, "inconclusive": 0, "beyond": 0, "undefined": 0}
    detectable = []
    for index, one in enumerate(cells):
        observed = Model.observed(name, one)
        null = nulls.null_disparities(one, permutations, rng)[name]
        floor, p = nulls.floor_and_p_value(null, observed, level=LEVEL, smaller_is_worse=False)
        if index < DETECTABLE_RUNS:  # the median of a sample: each takes ~0.1 s
            found = detection_of(name, proportions(one), LEVEL).detectable("max", limit)
            detectable.append(math.nan if found is None else found)
        result = ThresholdResult(
            threshold=0, metric=name, feature="f", max=limit,
            value=observed, ci=(float(low[index]), float(high[index])), noise_floor=floor,
            p_value=p, count=int(one.sum(axis=(1, 2)).min()), state="undefined", reason="",
        )  # fmt: skip
        states[state_of(result, min_group_size=30, level=LEVEL, replicates=permutations)[0]] += 1
    return states, detectable


def decision_section(runs: int, permutations: int) -> list[str]:
    lines = [
        "### Decisions and power",
        "",
        f"A threshold `equalized_odds_difference` at most {LIMIT} on a feature of equal "
        f"groups (base rates 0.2 to 0.5); {runs} data sets per cell, each decided by "
        "`decide.state_of` on its value, interval and null test. The true gap is in the "
        "TPR of one group: a hard case. *Detectable* is the median of the value the "
        f"verdicts report (the first {DETECTABLE_RUNS} of each cell), the best case (the "
        "largest group apart from all the others, in the rate that shows it more easily: "
        "here the FPR), so a TPR gap at *detectable* is found less than 80% of the time; "
        "the next table shows the best case itself. Target: a fair model (gap 0) is "
        "`beyond` at most 5% of the time.",
        "",
    ]
    rows_out = []
    seed = itertools.count(500)
    for groups, rows, gap in itertools.product(GROUPS, ROWS, (0.0, 0.05, 0.1, 0.2, 0.3)):
        model = Model.parity(sizes(groups, rows, unequal=False), base=np.linspace(0.2, 0.5, groups))
        if gap:
            model = model.with_gap("true_positive_rate", group=groups - 1, gap=-gap)
        rng = np.random.default_rng(next(seed))
        states, detectable = _decide_runs(
            model, "equalized_odds_difference", runs, permutations, rng
        )
        rows_out.append(
            [str(groups), f"{rows:,}", "fair" if not gap else f"{gap:g}"]
            + [pct(states[k] / runs) for k in ("within", "inconclusive", "beyond")]
            + [f"{float(np.median(detectable)):.3f}"]
        )
    lines += table(["groups", "rows", "true gap", "within", "inconclusive", "beyond",
                    "detectable"], rows_out)  # fmt: skip
    return [*lines, ""]


def power_section(runs: int, permutations: int) -> list[str]:
    """Power at the reported detectable value, in the case it is computed for: equal
    groups, and the worked example's own disparity thresholds."""
    lines = [
        "### Power at the detectable value",
        "",
        "The case *detectable* is computed for: `demographic_parity_difference`, the "
        "largest group apart from all the others by the detectable value computed from "
        "the expected counts, the selection rates averaging to the pooled rate, the gap "
        f"above the others in half of the {runs} data sets per cell and below them in the "
        "other half. Equal groups at a pooled rate of 0.3 and a limit of "
        f"{LIMIT}, then the worked example's disparity thresholds at their own group sizes, "
        "pooled selection rates and limits. Target: `beyond` about 80% of the time (the "
        "formula is a normal approximation; the verdict also needs the null test).",
        "",
    ]
    designs = [
        (f"{groups} equal groups, {rows:,} rows", tuple(sizes(groups, rows, unequal=False)),
         0.3, LIMIT)
        for groups, rows in itertools.product(GROUPS, ROWS)
    ]  # fmt: skip
    designs += example_designs(ROOT / "governance")
    rows_out = []
    seed = itertools.count(700)
    name = "demographic_parity_difference"
    for label, group_sizes, rate, limit in designs:
        expected = proportions(expected_cells(group_sizes, rate))
        detectable = detection_of(name, expected, LEVEL).detectable("max", limit)
        assert detectable is not None
        beyond = 0
        for up, share in ((True, runs // 2), (False, runs - runs // 2)):
            model = Model.gap_design(group_sizes, rate, detectable, up=up)
            rng = np.random.default_rng(next(seed))
            states, _ = _decide_runs(model, name, share, permutations, rng, limit=limit)
            beyond += states["beyond"]
        rows_out.append(
            [label, f"{rate:.2f}", f"{limit:g}", f"{detectable:.3f}", pct(beyond / runs)]
        )
    lines += table(["groups", "pooled rate", "limit", "detectable = true gap", "beyond"], rows_out)
    return [*lines, ""]


def ratio_power_section(runs: int, permutations: int) -> list[str]:
    """Power at a ratio's reported detectable value, in the case it is computed for."""
    lines = [
        "### Power at the detectable value: ratios",
        "",
        "`demographic_parity_ratio` at least 0.8: the case a ratio's *detectable* value is "
        "computed for (`intervals.RatioDesign`): the two groups' selection rates averaging "
        "to the pooled rate, their ratio the detectable value, either group the lower with "
        f"equal weight; {runs} data sets per line, each decided by `decide.state_of` on its "
        "value, interval and null test. Target: `beyond` about 80% of the time.",
        "",
    ]
    designs = [
        ("2 equal groups, 2,000 rows", (1000.0, 1000.0), 0.3),
        ("2 equal groups, 20,000 rows", (10000.0, 10000.0), 0.3),
        ("unequal, rare outcome", (2000.0, 500.0), 0.1),
        ("rarer still", (5000.0, 5000.0), 0.05),
    ] + [
        (label, group_sizes, rate)
        for label, group_sizes, rate, _ in example_designs(ROOT / "governance")
        if len(group_sizes) == 2
    ]
    name, limit = "demographic_parity_ratio", 0.8
    rows_out = []
    seed = itertools.count(800)
    for label, group_sizes, rate in designs:
        found = detection_of(name, proportions(expected_cells(group_sizes, rate)), LEVEL)
        ratio = found.detectable("min", limit)
        assert ratio is not None
        share = max(group_sizes) / sum(group_sizes)
        beyond = 0
        for high_index, weight, count in ((0, share, runs // 2), (1, 1 - share, runs - runs // 2)):
            high = min(rate / (weight + (1 - weight) * ratio), 1.0)
            rates = np.full(2, ratio * high)
            rates[high_index] = high
            model = Model(np.asarray(group_sizes), np.full(2, 0.5), rates, rates)
            rng = np.random.default_rng(next(seed))
            cells = simulate_cells(model, count, rng)
            low, up = disparity_interval(name, proportions(cells), LEVEL)
            for index, one in enumerate(cells):
                observed = Model.observed(name, one)
                null = nulls.null_disparities(one, permutations, rng)[name]
                floor, p = nulls.floor_and_p_value(
                    null, observed, level=LEVEL, smaller_is_worse=True
                )
                result = ThresholdResult(
                    threshold=0, metric=name, feature="f", min=limit, value=observed,
                    ci=(float(low[index]), float(up[index])), noise_floor=floor, p_value=p,
                    count=int(one.sum(axis=(1, 2)).min()), state="undefined", reason="",
                )  # fmt: skip
                beyond += (
                    state_of(result, min_group_size=30, level=LEVEL, replicates=permutations)[0]
                    == "beyond"
                )
        sizes_text = " + ".join(f"{n:,.0f}" for n in group_sizes)
        rows_out.append([label, sizes_text, f"{rate:.2f}", f"{ratio:.3f}", pct(beyond / runs)])
    lines += table(
        ["design", "group sizes", "pooled rate", "detectable = true ratio", "beyond"], rows_out
    )
    return [*lines, ""]


def other_power_section(runs: int, permutations: int) -> list[str]:
    """Power at the detectable value of a per-group proportion and of a regression
    difference, in the cases their formulas describe."""
    lines = [
        "### Power at the detectable value: per-group metrics and regression",
        "",
        "A per-group proportion (say a false positive rate) at most 0.2: the detectable "
        "value the verdict reports for a group observed at the expected counts of a rate "
        "(`detectable.detectable_proportion`: the true rate at which the Wilson interval "
        "lies wholly above the limit with probability 0.8, from the trials the group's "
        "interval stands on — it does not depend on where the group was observed), and "
        f"the share of {runs * 4} groups with that true rate whose Wilson interval lies wholly "
        "above the limit. A regression `mean_error_difference` at most 0.1 (errors normal, "
        "standard deviation 1): the detectable value (the limit plus (z + z₀.₈) times the "
        "standard error of the difference of the two largest groups, z the simultaneous "
        "critical value), the largest group's errors shifted by it, the others at 0, "
        f"{runs} data sets, each decided by `decide.state_of` with the studentized null "
        f"test ({permutations} replicates). Target: `beyond` about 80% of the time.",
        "",
    ]
    rows_out = []
    rng = np.random.default_rng(1100)
    z = I.z_value(LEVEL)
    for rows, observed in itertools.product((100, 1_000), (0.05, 0.15)):
        count = np.array([observed * rows])
        low, high = I.wilson(count, np.array([float(rows)]), z)
        detectable = D.detectable_value(
            "false_positive_rate",
            observed,
            (float(low[0]), float(high[0])),
            bound="max",
            limit=0.2,
            level=LEVEL,
        )
        draws = rng.binomial(rows, min(detectable, 1.0), size=runs * 4).astype(float)
        lower, _ = I.wilson(draws, np.full(runs * 4, float(rows)), z)
        rows_out.append(["proportion at most 0.2", f"{rows:,}", f"observed {observed:g}",
                         f"{detectable:.3f}", pct(float(np.mean(lower > 0.2)))])  # fmt: skip
    name = "mean_error_difference"
    for group_sizes in ((500, 500), (516, 258, 129, 65, 32), (5000, 3000, 2000)):
        n = np.asarray(group_sizes, dtype=float)
        error = np.sort(1 / np.sqrt(n))[:2]
        critical = I.sidak_z(LEVEL, I.pair_count(len(n)))
        detectable = 0.1 + (critical + I.power_z()) * math.sqrt(float((error**2).sum()))
        beyond = 0
        for _ in range(runs):
            errors = np.zeros((len(n), 5))
            for g, size in enumerate(group_sizes):
                e = rng.normal(detectable if g == 0 else 0.0, 1.0, size=size)
                errors[g] = [size, e.sum(), np.abs(e).sum(), (e * e).sum(), (e**4).sum()]
            value, low_, high_, floor, p = regression_disparity(
                name, errors, LEVEL, permutations, rng
            )
            result = ThresholdResult(
                threshold=0, metric=name, feature="f", max=0.1, value=value,
                ci=(low_, high_), noise_floor=floor, p_value=p, count=int(n.min()),
                state="undefined", reason="",
            )  # fmt: skip
            beyond += (
                state_of(result, min_group_size=30, level=LEVEL, replicates=permutations)[0]
                == "beyond"
            )
        rows_out.append(["mean error difference at most 0.1", f"{int(n.sum()):,}",
                         " + ".join(str(size) for size in group_sizes), f"{detectable:.3f}",
                         pct(beyond / runs)])  # fmt: skip
    lines += table(["threshold", "rows", "case", "detectable = truth", "beyond"], rows_out)
    return [*lines, ""]


def example_policy_section(runs: int, permutations: int) -> list[str]:
    """The high tier's default on the worked example's disparity thresholds as
    configured (metric, limit, compared groups, base rates), fair and clearly biased."""
    lines = [
        "### The default policy at the worked example's thresholds",
        "",
        "Each disparity threshold of the worked example as it is configured (its metric, "
        "limit and compared groups with their sizes; for equalized odds each group's own "
        "base rate). Fair: every group at the pooled selection rate (demographic parity) "
        "or at the pooled TPR and FPR (equalized odds). Biased: one group's selection rate "
        "or TPR (the rate on the fewer rows) lowered by twice the limit, each compared "
        f"group in turn. {runs} data sets per line, {permutations} permutations each, "
        "decided by `decide.decide` under the baseline's high tier "
        "(`inconclusive: block-if-evident`, minimum group size 30). Targets: a fair model "
        "blocked rarely (at most 5–10%); a biased one never passed, blocked in most runs.",
        "",
    ]
    policy = default_policy("high")
    rows_out = []
    seed = itertools.count(900)
    for example in example_thresholds(ROOT / "governance"):
        metric = example.metric.replace("_", " ")
        fair = policy_outcomes(
            example.fair, runs, np.random.default_rng(next(seed)), tier="high",
            name=example.metric, limit=example.limit, permutations=permutations,
        )  # fmt: skip
        rows_out.append([example.label, metric, f"{example.limit:g}", "fair", "",
                         *(pct(fair[k]) for k in ("block", "warn", "pass"))])  # fmt: skip
        for index, group in enumerate(example.groups):
            size = example.fair.sizes[index]
            positives = size * example.fair.base[index]
            shown = f"{size:,.0f}" + (
                f" ({positives:,.0f} positive)" if example.rate == "true_positive_rate" else ""
            )
            biased = policy_outcomes(
                example.biased(index, 2 * example.limit), runs,
                np.random.default_rng(next(seed)), tier="high", name=example.metric,
                limit=example.limit, permutations=permutations,
            )  # fmt: skip
            rows_out.append(["", "", "", f"gap {2 * example.limit:g} in {group}", shown,
                             *(pct(biased[k]) for k in ("block", "warn", "pass"))])  # fmt: skip
    lines += table(
        ["threshold", "metric", "limit", "model", "rows of that group", "blocked", "warned",
         "passed"],
        rows_out,
    )  # fmt: skip
    lines += ["", f"Policy used: `inconclusive: {policy[0]}`, `min_group_size: {policy[1]}`.", ""]
    return lines


# -- many groups (intersections) -------------------------------------------------------------
def many_groups_section(runs: int, permutations: int) -> list[str]:
    """Intersections: 20 and 40 cells, equal or Zipf-distributed sizes, groups under the
    minimum group size (30) left out of the comparison as `cardgate evaluate` does."""
    lines = [
        "### Many groups (intersections)",
        "",
        f"An intersection of features has many cells of very unequal sizes. {runs} data "
        "sets per cell of this table; 20 or 40 groups, equal sizes or sizes proportional "
        "to 1/k (Zipf: the k-th largest cell), base rates from 0.2 to 0.5, TPR 0.7, FPR "
        "0.2; groups under 30 rows are left out of the disparity (*compared*), as "
        "`cardgate evaluate` does with the baseline's minimum group size. Threshold: "
        f"`equalized_odds_difference` at most {LIMIT}; the biased model lowers the TPR of "
        f"the median compared group by 0.2. Targets: coverage at least 95%, size 5%, a fair "
        "model `beyond` at most 5%, a biased one never `within`.",
        "",
    ]
    rows_out = []
    seed = itertools.count(1300)
    name = "equalized_odds_difference"
    for groups, rows, zipf in itertools.product((20, 40), (2_000, 20_000, 200_000), (False, True)):
        weights = 1 / np.arange(1, groups + 1) if zipf else np.ones(groups)
        group_sizes = np.round(weights / weights.sum() * rows)
        kept = group_sizes >= 30
        compared = int(kept.sum())
        if compared < 2:
            continue
        fair = Model.parity(group_sizes[kept], base=np.linspace(0.2, 0.5, compared))
        biased = fair.with_gap("true_positive_rate", group=compared // 2, gap=-0.2)
        rng = np.random.default_rng(next(seed))
        found = []
        for model in (fair, biased):
            cells = simulate_cells(model, runs, rng)
            low, high = disparity_interval(name, proportions(cells), LEVEL)
            found.append(covered(low, high, model.disparity(name)))
        rejected = 0
        for cells in simulate_cells(fair, runs, rng):
            null = nulls.null_disparities(cells, permutations, rng)[name]
            rejected += _rejects(null, Model.observed(name, cells))
        fair_states, _ = _decide_runs(fair, name, runs, permutations, rng)
        biased_states, detectable = _decide_runs(biased, name, runs, permutations, rng)
        rows_out.append(
            [str(groups), f"{rows:,}", "Zipf" if zipf else "equal", str(compared),
             pct(found[0]), pct(found[1]), pct(rejected / runs),
             pct(fair_states["beyond"] / runs), pct(biased_states["within"] / runs),
             pct(biased_states["beyond"] / runs), f"{float(np.nanmedian(detectable)):.3f}"]
        )  # fmt: skip
    lines += table(
        ["groups", "rows", "sizes", "compared", "coverage, fair", "coverage, biased",
         "null test size", "fair: beyond", "biased: within", "biased: beyond",
         "detectable"],
        rows_out,
    )  # fmt: skip
    return [*lines, ""]


# -- per-group intervals ---------------------------------------------------------------------
def group_section(runs: int) -> list[str]:
    lines = [
        "### Per-group intervals: coverage",
        "",
        f"{runs:,} data sets per cell. Target: at least 95% on average; Wilson's interval "
        "oscillates around its level for small counts (Brown, Cai & DasGupta 2001), so a "
        "single cell may be a point or two under.",
        "",
    ]
    rows_out = []
    rng = np.random.default_rng(900)
    z = I.z_value(LEVEL)
    for n, rate in itertools.product((10, 30, 100, 1000), (0.02, 0.1, 0.5, 0.9, 1.0)):
        k = rng.binomial(n, rate, size=runs).astype(float)
        low, high = I.wilson(k, np.full(runs, float(n)), z)
        rows_out.append(
            ["selection rate (Wilson)", f"{n:,}", f"{rate:g}", pct(covered(low, high, rate))]
        )
    for positives, negatives in ((20, 80), (60, 140), (500, 1500)):
        tpr, tnr = 0.8, 0.7
        cells = np.zeros((runs, 2, 2))
        tp = rng.binomial(positives, tpr, size=runs)
        tn = rng.binomial(negatives, tnr, size=runs)
        cells[:, 1, 1], cells[:, 1, 0] = tp, positives - tp
        cells[:, 0, 0], cells[:, 0, 1] = tn, negatives - tn
        low, high = classification_intervals(cells, z)["balanced_accuracy"]
        rows_out.append(["balanced accuracy (MOVER)", f"{positives + negatives:,}", "0.75",
                         pct(covered(low, high, (tpr + tnr) / 2))])  # fmt: skip
    rows_out += _score_rows(runs, rng)
    lines += table(["metric", "rows", "true value", "coverage"], rows_out)
    return [*lines, ""]


def exact_proportion_section() -> list[str]:
    """Exact coverage (summed over the binomial) of Wilson's interval and the usual
    alternatives, over true rates 0.01 to 0.99: why cardgate keeps Wilson."""
    from scipy import stats  # fairlearn's dependency; only this script uses it

    z = I.z_value(LEVEL)
    tail = (1 - LEVEL) / 2

    def limits(method: str, k: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        if method == "Wilson (cardgate)":
            return I.wilson(k, np.full(k.shape, float(n)), z)
        if method == "Jeffreys":
            low = np.where(k > 0, stats.beta.ppf(tail, k + 0.5, n - k + 0.5), 0.0)
            high = np.where(k < n, stats.beta.ppf(1 - tail, k + 0.5, n - k + 0.5), 1.0)
            return low, high
        if method == "Agresti–Coull":
            centre = (k + z * z / 2) / (n + z * z)
            half = z * np.sqrt(centre * (1 - centre) / (n + z * z))
            return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
        low = np.where(k > 0, stats.beta.ppf(tail, k, n - k + 1), 0.0)  # Clopper–Pearson
        high = np.where(k < n, stats.beta.ppf(1 - tail, k + 1, n - k), 1.0)
        return low, high

    rates = np.linspace(0.01, 0.99, 99)
    rows_out = []
    for method in ("Wilson (cardgate)", "Jeffreys", "Agresti–Coull", "Clopper–Pearson"):
        for n in (10, 30, 100, 1000):
            k = np.arange(n + 1, dtype=float)
            low, high = limits(method, k, n)
            coverage = np.array(
                [stats.binom.pmf(k, n, p)[(low <= p) & (p <= high)].sum() for p in rates]
            )
            width = float(np.mean([stats.binom.pmf(k, n, p) @ (high - low) for p in rates]))
            rows_out.append([method, f"{n:,}", pct(float(coverage.min())),
                             pct(float(coverage.mean())), f"{width:.3f}"])  # fmt: skip
    return [
        "### Proportions: exact coverage of Wilson's interval and the alternatives",
        "",
        "Computed exactly (summed over the binomial distribution, no simulation) at 99 "
        "true rates from 0.01 to 0.99; width: the expected width, averaged over the rates. "
        "Every interval built on a discrete count oscillates; only Clopper–Pearson never "
        "dips below 95%, at the price of a wider interval and a mean coverage above 95% "
        "(Brown, Cai & DasGupta 2001).",
        "",
        *table(["interval", "rows", "lowest coverage", "mean coverage", "mean width"], rows_out),
        "",
    ]


def _score_rows(runs: int, rng: np.random.Generator) -> list[list[str]]:
    """F1 (Wilson on the Jaccard index) and ROC AUC (DeLong on the logit scale, widened by its
    binning bound) through `estimates.group_intervals`, on a binormal score model with
    known AUC."""
    settings = EvaluationSettings.model_validate(
        {"predictions": {"path": "x.csv"}, "task": "binary-classification", "label_column": "y",
         "prediction_column": "p", "sensitive_features": ["g"], "score_column": "s",
         "bootstrap": {"replicates": 500}}
    )  # fmt: skip
    out = []
    separation = 1.0  # scores: logistic of N(0, 1) for negatives, N(1, 1) for positives
    true_auc = 0.5 * (1 + math.erf(separation / 2))
    for rows in (100, 400, 2000):
        hits_auc = hits_f1 = 0
        for _ in range(runs):
            labels = rng.random(rows) < 0.4
            raw = rng.normal(np.where(labels, separation, 0.0), 1.0)
            scores = 1 / (1 + np.exp(-raw))
            histogram, cells = score_tables(labels, scores)
            group = GroupTable(
                "g", ["g"], ["a"], cells.sum(axis=(1, 2)), cells=cells, scores=histogram
            )
            found = group_intervals(group, ["roc_auc", "f1"], settings, rng)
            low, high = found["roc_auc"]
            hits_auc += low[0] <= true_auc <= high[0]
            true_f1 = _binormal_f1(separation, 0.4)
            low, high = found["f1"]
            hits_f1 += low[0] <= true_f1 <= high[0]
        out.append(
            [
                "ROC AUC (DeLong, logit, + binning bound)",
                f"{rows:,}",
                f"{true_auc:.3f}",
                pct(hits_auc / runs),
            ]
        )
        out.append(
            [
                "F1 (Wilson on the Jaccard index)",
                f"{rows:,}",
                f"{_binormal_f1(separation, 0.4):.3f}",
                pct(hits_f1 / runs),
            ]
        )
    return out


def calibration_section(runs: int) -> list[str]:
    lines = [
        "### Calibration error and Brier score",
        "",
        f"{runs} data sets per cell, 500 bootstrap replicates each, through "
        "`estimates.group_intervals`; binormal scores (base rate 0.4, separation 1) "
        "either as the logistic of the raw score (miscalibrated: the true ECE is about "
        "0.18), as the true probability of the label (calibrated: the true ECE is 0), or "
        "as that probability's logit times 1.3 (overconfident: about 0.04). Brier score: "
        "`estimates.brier_interval`, target at least 95%. Expected calibration error: target "
        "about 95% for a calibrated model, at least 95% otherwise (the construction is "
        "conservative away from calibration).",
        "",
    ]
    rows_out = []
    rng = np.random.default_rng(1100)
    models = (("miscalibrated", False, 1.0), ("calibrated", True, 1.0),
              ("overconfident", True, 1.3))  # fmt: skip
    for (model, calibrated, sharpen), rows in itertools.product(models, (100, 400, 2000)):
        brier, ece = binormal_calibration(1.0, 0.4, calibrated=calibrated, sharpen=sharpen)
        hits = {"brier_score": 0, "expected_calibration_error": 0}
        for _ in range(runs):
            histogram, cells = binormal_sample(
                rows, 1.0, 0.4, rng, calibrated=calibrated, sharpen=sharpen
            )
            group = GroupTable(
                "g", ["g"], ["a"], cells.sum(axis=(1, 2)), cells=cells, scores=histogram
            )
            found = group_intervals(group, list(hits), _SETTINGS, rng)
            for name, truth in (("brier_score", brier), ("expected_calibration_error", ece)):
                low, high = found[name]
                hits[name] += low[0] <= truth <= high[0]
        rows_out.append([f"Brier score, {model}", f"{rows:,}", f"{brier:.3f}",
                         pct(hits["brier_score"] / runs)])  # fmt: skip
        rows_out.append([f"expected calibration error, {model}", f"{rows:,}", f"{ece:.3f}",
                         pct(hits["expected_calibration_error"] / runs)])  # fmt: skip
    lines += table(["metric", "rows", "true value", "coverage"], rows_out)
    return [*lines, ""]


_SETTINGS = EvaluationSettings.model_validate(
    {"predictions": {"path": "x.csv"}, "task": "binary-classification", "label_column": "y",
     "prediction_column": "p", "sensitive_features": ["g"], "score_column": "s",
     "bootstrap": {"replicates": 500}}
)  # fmt: skip


def _binormal_f1(separation: float, base: float) -> float:
    """F1 of thresholding the binormal score at 0.5 (raw score 0)."""
    normal = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    tpr = 1 - normal(-separation)
    fpr = 1 - normal(0.0)
    tp, fp, fn = base * tpr, (1 - base) * fpr, base * (1 - tpr)
    return 2 * tp / (2 * tp + fp + fn)


# -- regression ------------------------------------------------------------------------------
def regression_section(runs: int) -> list[str]:
    lines = [
        "### Regression disparities",
        "",
        f"Errors normal with standard deviation 1; at parity every group's mean error is 0, "
        f"for a gap one group's errors are shifted by it (mean error only). {runs} data sets "
        "per cell; the null test is the studentized one (docs above). Coverage target: at "
        "least 95%; size target: 5% (at most 5% within the Monte-Carlo error, ±1.0 point).",
        "",
    ]
    rows_out = []
    rng = np.random.default_rng(1000)
    cells = [("mean_error", gap) for gap in (0.0, 0.1)] + [
        ("mean_absolute_error", 0.0),
        ("root_mean_squared_error", 0.0),
    ]
    for (metric, gap), groups, rows in itertools.product(cells, (2, 5), (1_000, 10_000)):
        group_sizes = sizes(groups, rows, unequal=True)
        hits = rejected = 0
        for _ in range(runs):
            errors = np.zeros((groups, 5))
            for g, n in enumerate(group_sizes.astype(int)):
                e = rng.normal(gap if g == groups - 1 else 0.0, 1.0, size=n)
                errors[g] = [n, e.sum(), np.abs(e).sum(), (e * e).sum(), (e**4).sum()]
            _value, low, high, _floor, p = regression_disparity(
                f"{metric}_difference", errors, LEVEL, 199, rng
            )
            hits += low <= gap <= high
            rejected += p is not None and p <= 0.05
        rows_out.append([metric.replace("_", " "), str(groups), f"{rows:,}",
                         ", ".join(f"{n:.0f}" for n in group_sizes),
                         "parity" if not gap else f"{gap:g}",
                         pct(hits / runs), pct(rejected / runs)])  # fmt: skip
    lines += table(
        ["metric", "groups", "rows", "group sizes", "truth", "coverage",
         "p ≤ 0.05 (size at parity, power otherwise)"],
        rows_out,
    )  # fmt: skip
    lines += [
        "",
        f"Per-group intervals of the regression metrics (from the exact sums: the mean ± "
        f"Student's t quantile times its standard error for the mean error, the same on "
        f"the log scale for the MAE, Bonett's log-scale interval of the MSE, rooted, for "
        f"RMSE), errors normal with mean 0 and standard deviation 1 (true "
        f"MAE √(2/π) ≈ 0.798, RMSE 1), {runs} groups per cell; *MAE above*: the share "
        f"whose upper end lies under the true MAE (a `max` at the truth read `within`; "
        f"target 2.5%); the last column, RMSE when "
        f"the errors are heavy-tailed (Student's t with 5 degrees of freedom, scaled to "
        f"standard deviation 1: kurtosis 9, which moments of 30 rows estimate poorly). "
        "Target: at least 95%.",
        "",
    ]
    truths = {"mean_error": 0.0, "mean_absolute_error": math.sqrt(2 / math.pi),
              "root_mean_squared_error": 1.0}  # fmt: skip
    coverage_rows = []
    z = I.z_value(LEVEL)
    for rows in (30, 100, 1_000):
        e = rng.normal(0.0, 1.0, size=(runs, rows))
        errors = np.stack(
            [np.full(runs, float(rows)), e.sum(1), np.abs(e).sum(1), (e * e).sum(1),
             (e**4).sum(1)], axis=1,
        )  # fmt: skip
        found = regression_intervals(errors, z)
        heavy = rng.standard_t(5, size=(runs, rows)) / math.sqrt(5 / 3)
        squares = np.stack(
            [np.full(runs, float(rows)), heavy.sum(1), np.abs(heavy).sum(1),
             (heavy * heavy).sum(1), (heavy**4).sum(1)], axis=1,
        )  # fmt: skip
        tailed = regression_intervals(squares, z)["root_mean_squared_error"]
        short = float(np.mean(found["mean_absolute_error"][1] < truths["mean_absolute_error"]))
        coverage_rows.append(
            [f"{rows:,}"]
            + [pct(covered(*found[m], truths[m])) for m in truths]
            + [pct(short), pct(covered(*tailed, 1.0))]
        )
    lines += table(
        ["rows", "mean error", "MAE", "RMSE", "MAE above", "RMSE, t(5) errors"], coverage_rows
    )
    return [*lines, ""]


SECTIONS: dict[str, Callable[[argparse.Namespace], list[str]]] = {
    "intervals": lambda a: interval_section(a.runs),
    "size": lambda a: size_section(a.test_runs, a.permutations),
    "decisions": lambda a: decision_section(a.test_runs, a.permutations),
    "power": lambda a: power_section(a.test_runs, a.permutations),
    "ratio power": lambda a: ratio_power_section(a.test_runs, a.permutations),
    "other power": lambda a: other_power_section(a.test_runs, a.permutations),
    "example policy": lambda a: example_policy_section(a.test_runs * 2, a.permutations),
    "many groups": lambda a: many_groups_section(a.test_runs // 2, a.permutations),
    "groups": lambda a: group_section(a.runs),
    "proportions": lambda a: exact_proportion_section(),
    "calibration": lambda a: calibration_section(max(a.test_runs // 2, 100)),
    "regression": lambda a: regression_section(a.runs),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="data sets per interval cell")
    parser.add_argument("--test-runs", type=int, default=500, help="data sets per test cell")
    parser.add_argument("--permutations", type=int, default=199)
    parser.add_argument("--print", action="store_true", help="print instead of writing the page")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated sections (keys of SECTIONS) to regenerate in place; the "
        "other tables of the page are kept",
    )
    args = parser.parse_args()
    if args.only:
        return _regenerate(args, [name.strip() for name in args.only.split(",")])
    started = time.perf_counter()
    lines = [
        START,
        "",
        "<!-- generated by scripts/statistics_tables.py (make statistics); do not edit -->",
        "",
    ]
    for name, section in SECTIONS.items():
        part = time.perf_counter()
        lines += section(args)
        print(f"{name}: {time.perf_counter() - part:.0f} s", file=sys.stderr)
    seconds = time.perf_counter() - started
    lines += [
        f"Generated with {args.runs:,} / {args.test_runs:,} data sets per cell and "
        f"{args.permutations} permutations, in {seconds:.0f} s.",
        "",
        END,
    ]
    text = "\n".join(lines) + "\n"
    if args.print:
        print(text)
        return 0
    page = DOC.read_text(encoding="utf-8")
    head, _, rest = page.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + text.rstrip("\n") + tail, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _regenerate(args: argparse.Namespace, names: list[str]) -> int:
    """Replace the tables of the sections `names` in the page, each from its first
    heading to the next one (or to the closing line), keeping the others."""
    page = DOC.read_text(encoding="utf-8")
    for name in names:
        part = time.perf_counter()
        lines = SECTIONS[name](args)
        text = "\n".join(lines).rstrip("\n") + "\n\n"
        start = page.find(lines[0] + "\n")
        if start < 0:  # a new section: before the closing line
            start = end = page.index("\nGenerated with ") + 1
        else:
            ends = [page.find(mark, start + 1) for mark in ("\n### ", "\nGenerated with ")]
            end = min(e for e in ends if e >= 0) + 1
        page = page[:start] + text + page[end:]
        print(f"{name}: {time.perf_counter() - part:.0f} s", file=sys.stderr)
    if args.print:
        print(page)
    else:
        DOC.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
