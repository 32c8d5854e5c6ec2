"""The one-sided error a limit is decided by, for the per-group intervals whose two-sided
coverage looks right: where the truth *is* the limit, how often the whole interval lies
on the passing side (a `max` read `within`: the upper end under the truth; a `min`: the
lower end over it). A two-sided 95% interval promises at most about 2.5% on each side.

Measured here, through the production code, on models whose truth is known: the
disparities' simultaneous intervals at their limit (`disparities.disparity_interval`),
the Brier score's bootstrap (`estimates.group_intervals`), ROC AUC's DeLong interval
with its binning bound (`estimates.auc_intervals`), the cost per query's bootstrap
(`evaluate-operations`), the mean error of skewed errors (`regression_intervals`); and,
exactly, Wilson's interval and GATE-FA004's comparison of point estimates. The numbers
are quoted in docs/statistics.md ("One side of an interval: a limit at the true value"):

    PYTHONPATH=src .venv/bin/python scripts/one_sided_coverage.py [--runs 400] [--parts brier,auc]

About six minutes on two shared cores at the default runs, five of them the Brier score's
bootstrap (seeded: each part from its own seed, so a part run alone gives the same numbers).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cardgate.evidence.evaluation import intervals as I  # noqa: E402
from cardgate.evidence.evaluation.bootstrap import percentile_interval  # noqa: E402
from cardgate.evidence.evaluation.disparities import disparity_interval  # noqa: E402
from cardgate.evidence.evaluation.estimates import (  # noqa: E402
    auc_binning_bound,
    auc_intervals,
    group_intervals,
    proportions,
    regression_intervals,
)
from cardgate.evidence.evaluation.group_table import GroupTable  # noqa: E402
from cardgate.evidence.genai.operations_run import COST  # noqa: E402
from cardgate.evidence.genai.operations_run import bootstrap as operations_bootstrap  # noqa: E402
from scripts.statistics_tables import _SETTINGS, pct  # noqa: E402
from tests.evaluation.simulation import (  # noqa: E402
    Model,
    binormal_calibration,
    binormal_sample,
    score_tables,
    simulate_cells,
)

SEED = 20261207
PARTS = ("disparities", "brier", "auc", "cost", "wilson", "skewed", "fa004")
"""The parts, in order; each draws from its own seed (SEED + its place here), so a part
run alone (--parts) gives the numbers it gives in a full run."""
LEVEL = 0.95
SETTINGS = _SETTINGS
"""500 bootstrap replicates, as `make statistics` measures the Brier score with."""


def disparities(runs: int, rng: np.random.Generator) -> list[str]:
    """Demographic parity at its limit: one group's selection rate `limit` above the
    others' (a difference, `max: 0.1`) or times 0.8 (a ratio, `min: 0.8`); the share of
    data sets whose simultaneous interval lies wholly within the limit."""
    designs = (("2 × 30", (30, 30)), ("1,000 + 30", (1000, 30)), ("30 + 1,000", (30, 1000)),
               ("2 × 200", (200, 200)), ("5 × 30", (30,) * 5), ("20 × 50", (50,) * 20),
               ("2 × 5,000", (5000, 5000)))  # fmt: skip
    rates = (0.02, 0.05, 0.3, 0.8)
    head = " | ".join(f"rate {r:g}" for r in rates)
    lines = [f"| groups (the last one apart) | {head} |", "|---|" + "---:|" * len(rates)]
    for label, sizes in designs:
        cells = []
        for rate in rates:
            found = []
            for name, moved, passes in (
                ("demographic_parity_difference", rate + 0.1, lambda lo, hi: hi <= 0.1),
                ("demographic_parity_ratio", rate * 0.8, lambda lo, hi: lo >= 0.8),
            ):
                selected = np.full(len(sizes), rate)
                selected[-1] = moved
                model = Model(
                    np.asarray(sizes, float), np.full(len(sizes), 0.5), selected, selected
                )
                low, high = disparity_interval(
                    name, proportions(simulate_cells(model, runs, rng)), LEVEL
                )
                found.append(pct(float(np.mean(passes(low, high)))))
            cells.append(" / ".join(found))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def brier(runs: int, rng: np.random.Generator) -> list[str]:
    """The Brier score's interval (`estimates.brier_interval`; the percentile bootstrap
    of 500 replicates until December 2026): its upper end under the true Brier score,
    for calibrated binormal models of rising separation."""
    lines = ["| model | true Brier | n = 30 | n = 60 | n = 150 | n = 500 |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for separation, base in ((1.0, 0.4), (2.0, 0.3), (3.0, 0.2), (4.0, 0.1)):
        truth, _ = binormal_calibration(separation, base, calibrated=True)
        cells = []
        for rows in (30, 60, 150, 500):
            short = 0
            for _ in range(runs):
                histogram, counts = binormal_sample(rows, separation, base, rng, calibrated=True)
                group = GroupTable(
                    "g", ["g"], ["a"], counts.sum(axis=(1, 2)), cells=counts, scores=histogram
                )
                _, high = group_intervals(group, ["brier_score"], SETTINGS, rng)["brier_score"]
                short += bool(high[0] < truth)
            cells.append(pct(short / runs))
        label = f"separation {separation:g}, base rate {base:g}"
        lines.append(f"| {label} | {truth:.3f} | " + " | ".join(cells) + " |")
    return lines


def auc(runs: int, rng: np.random.Generator) -> list[str]:
    """ROC AUC's interval (DeLong on the logit scale, widened by the binning bound): its
    lower end over the true AUC."""
    z = I.z_value(LEVEL)
    lines = ["| true AUC | base rate | n = 60 | n = 150 | n = 500 | n = 2,000 |",
             "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for separation in (1.0, 2.0, 3.0):
        truth = 0.5 * (1 + math.erf(separation / 2))
        for base in (0.1, 0.3):
            cells = []
            for rows in (60, 150, 500, 2000):
                tables = []
                for _ in range(runs):
                    labels = rng.random(rows) < base
                    raw = rng.normal(np.where(labels, separation, 0.0), 1.0)
                    tables.append(score_tables(labels, 1 / (1 + np.exp(-raw)))[0][0])
                histograms = np.stack(tables)
                low, _ = auc_intervals(histograms, z)
                low = np.maximum(low - auc_binning_bound(histograms), 0.0)
                defined = np.isfinite(low)
                cells.append(pct(float(np.mean(low[defined] > truth))))
            lines.append(f"| {truth:.3f} | {base:g} | " + " | ".join(cells) + " |")
    return lines


def cost(runs: int, rng: np.random.Generator) -> list[str]:
    """The cost per 1,000 queries' percentile bootstrap (`evaluate-operations`, 1,000
    replicates): its upper end under the true mean, costs lognormal (a query's tokens
    vary by a factor e^σ)."""
    lines = ["| costs | n = 30 | n = 124 | n = 500 |", "|---|---:|---:|---:|"]
    for sigma in (0.5, 1.0):
        truth = 1000 * math.exp(sigma * sigma / 2)
        cells = []
        for rows in (30, 124, 500):
            short = 0
            for _ in range(runs):
                costs = np.exp(rng.normal(0.0, sigma, rows))
                (draws,) = operations_bootstrap([(np.ones(rows), costs)], 1000, rng)
                _, high = percentile_interval(draws[COST][:, None], LEVEL)
                short += bool(high[0] < truth)
            cells.append(pct(short / runs))
        lines.append(f"| lognormal, σ = {sigma:g} | " + " | ".join(cells) + " |")
    return lines


def skewed(runs: int, rng: np.random.Generator) -> list[str]:
    """The mean error's interval (Student's t) for skewed errors e^N(0,1) − e^0.5 (mean
    0): its upper end under 0."""
    z = I.z_value(LEVEL)
    cells = []
    for rows in (30, 100, 300):
        e = np.exp(rng.normal(0.0, 1.0, size=(runs, rows))) - math.exp(0.5)
        sums = np.stack(
            [np.full(runs, float(rows)), e.sum(1), np.abs(e).sum(1), (e * e).sum(1),
             (e**4).sum(1)], axis=1,
        )  # fmt: skip
        _, high = regression_intervals(sums, z)["mean_error"]
        cells.append(pct(float(np.mean(high < 0.0))))
    return ["| errors | n = 30 | n = 100 | n = 300 |", "|---|---:|---:|---:|",
            "| e^N(0,1) − e^0.5 | " + " | ".join(cells) + " |"]  # fmt: skip


def fa004() -> list[str]:
    """GATE-FA004's comparison of point estimates, exactly (binomial): a per-group rate
    of 0.2 in the baseline, the same or worse in the candidate, each estimated on n
    independent rows; the share of pairs flagged as worse than the tolerance 0.02."""
    lines = ["| rows | unchanged: flagged | worse by 0.02: flagged | worse by 0.04: passed |",
             "|---:|---:|---:|---:|"]  # fmt: skip
    for n in (100, 500, 5000):
        k = np.arange(n + 1)
        before = stats.binom.pmf(k, n, 0.2)
        worse = (k[None, :] - k[:, None]) / n > 0.02 + 1e-12  # candidate minus baseline
        found = [float(np.outer(before, stats.binom.pmf(k, n, 0.2 + d))[worse].sum())
                 for d in (0.0, 0.02, 0.04)]  # fmt: skip
        lines.append(f"| {n:,} | {pct(found[0])} | {pct(found[1])} | {pct(1 - found[2])} |")
    return lines


def wilson() -> list[str]:
    """Wilson's interval, exactly: the largest P(upper end < p) over true rates p in
    each range (a `max` at p read `within`); by symmetry, P(lower end > 1 − p) (a `min`
    at 1 − p)."""
    z = I.z_value(LEVEL)
    ranges = ((0.001, 0.5), (0.5, 0.9), (0.9, 0.99), (0.99, 0.999))
    head = " | ".join(f"p in [{a:g}, {b:g}]" for a, b in ranges)
    lines = [f"| rows | {head} |", "|---:|" + "---:|" * len(ranges)]
    for n in (30, 100, 1000):
        k = np.arange(n + 1)
        _, high = I.wilson(k.astype(float), np.full(n + 1, float(n)), z)
        cells = []
        for a, b in ranges:
            rates = np.linspace(a, b, 2000)
            worst = max(float(stats.binom.pmf(k, n, p)[high < p].sum()) for p in rates)
            cells.append(pct(worst))
        lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="data sets per Brier cell")
    parser.add_argument("--parts", default=",".join(PARTS))
    args = parser.parse_args()
    start = time.perf_counter()
    parts = {
        "disparities": ("Demographic parity at its limit: difference / ratio read `within`",
                        lambda rng: disparities(args.runs * 10, rng)),
        "brier": ("Brier score: upper end under the truth",
                  lambda rng: brier(args.runs, rng)),
        "auc": ("ROC AUC, DeLong (logit) + binning bound: lower end over the truth",
                lambda rng: auc(args.runs * 4, rng)),
        "cost": ("Cost per 1,000 queries, percentile bootstrap: upper end under the truth",
                 lambda rng: cost(args.runs, rng)),
        "wilson": ("Wilson, exact: largest P(upper end under the true rate)",
                   lambda rng: wilson()),
        "fa004": ("GATE-FA004, point estimates against the baseline (tolerance 0.02)",
                  lambda rng: fa004()),
        "skewed": ("Mean error, Student's t, skewed errors: upper end under the truth",
                   lambda rng: skewed(args.runs * 6, rng)),
    }  # fmt: skip
    for part in args.parts.split(","):
        title, run = parts[part]
        lines = run(np.random.default_rng(SEED + PARTS.index(part)))  # each part its own seed
        print(f"{title}\n\n" + "\n".join(lines) + "\n", flush=True)
    took = time.perf_counter() - start
    print(f"(data sets per cell: {args.runs * 10} per disparity, {args.runs} per Brier score and "
          f"cost, {args.runs * 4} per AUC, {args.runs * 6} per skewed mean error; seed {SEED}; "
          f"{took:.0f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
