"""Known models for the Monte-Carlo checks of the statistics (tests and `make statistics`):
groups of given sizes, base rates, true and false positive rates, and count tables drawn
from them exactly as a classifier's predictions would fall."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.stats import SCORE_BINS

FloatArray = np.ndarray


@dataclass(frozen=True)
class Model:
    """Per group: rows, P(label 1), P(prediction 1 | label 1), P(prediction 1 | label 0)."""

    sizes: FloatArray
    base: FloatArray
    tpr: FloatArray
    fpr: FloatArray

    @classmethod
    def parity(
        cls, sizes: FloatArray, *, base: FloatArray, tpr: float = 0.7, fpr: float = 0.2
    ) -> Model:
        """Equalized odds hold exactly (every group: the same TPR and FPR); the base
        rates, and so the selection rates, may differ."""
        groups = len(sizes)
        return cls(
            np.asarray(sizes, dtype=float),
            np.asarray(base, dtype=float),
            np.full(groups, tpr),
            np.full(groups, fpr),
        )

    @classmethod
    def demographic_parity(cls, sizes: FloatArray, *, selection: float = 0.3) -> Model:
        """Every group is selected at the same rate (labels independent of predictions)."""
        groups = len(sizes)
        return cls(
            np.asarray(sizes, dtype=float),
            np.full(groups, 0.5),
            np.full(groups, selection),
            np.full(groups, selection),
        )

    @classmethod
    def gap_design(cls, sizes: tuple[float, ...], rate: float, gap: float, *, up: bool) -> Model:
        """The case the detectable value is computed for (`intervals.GapDesign`): the
        largest group `gap` apart from all the others (above them, or below), selection
        rates averaging, weighted by size, to the pooled `rate`; labels independent."""
        mirrored = rate if up else 1 - rate
        share = max(sizes) / sum(sizes)
        low = min(max(mirrored - share * gap, 0.0), 1 - gap)
        rates = np.full(len(sizes), low, dtype=float)
        rates[int(np.argmax(sizes))] = low + gap
        rates = rates if up else 1 - rates
        return cls(np.asarray(sizes, dtype=float), np.full(len(sizes), 0.5), rates, rates)

    def with_gap(self, rate: str, *, group: int, gap: float) -> Model:
        """One group's rate moved by `gap`: the TPR, the FPR, or both (the selection rate)."""
        tpr, fpr = self.tpr.copy(), self.fpr.copy()
        if rate in ("true_positive_rate", "selection_rate"):
            tpr[group] += gap
        if rate in ("false_positive_rate", "selection_rate"):
            fpr[group] += gap
        return replace(self, tpr=tpr, fpr=fpr)

    def rates(self) -> dict[str, FloatArray]:
        return {
            "selection_rate": self.base * self.tpr + (1 - self.base) * self.fpr,
            "true_positive_rate": self.tpr,
            "false_positive_rate": self.fpr,
        }

    def disparity(self, name: str) -> float:
        """The model's true disparity."""
        return float(M.disparities_from_groups(self.rates())[name])

    @staticmethod
    def observed(name: str, cells: FloatArray) -> float:
        """The disparity of one simulated table `(G, 2, 2)`."""
        return float(M.disparity_values(cells)[name])


def example_designs(governance: Path) -> list[tuple[str, tuple[float, ...], float, float]]:
    """(label, compared group sizes, pooled selection rate, limit) of every disparity
    threshold (a `max` on a difference) in the evaluations of the workspace `governance`:
    the sizes and rates the worked example uses."""
    found = []
    for path in sorted(governance.glob("systems/*/evaluation.json")):
        artifact = json.loads(path.read_text(encoding="utf-8"))
        features = {tuple(f["columns"]): f for f in artifact["features"]}
        for threshold in artifact["thresholds"]:
            if threshold["metric"].endswith("_difference") and threshold["max"] is not None:
                groups = features[(threshold["feature"],)]["groups"]
                compared = [g for g in groups if not g["suppressed"]]
                sizes = tuple(float(g["count"]) for g in compared)
                chosen = sum(g["count"] * g["metrics"]["selection_rate"]["value"] for g in compared)
                label = f"{path.parent.name}:{threshold['feature']}"
                found.append((label, sizes, chosen / sum(sizes), float(threshold["max"])))
    return found


@dataclass(frozen=True)
class ExampleThreshold:
    """A disparity threshold of the worked example as configured: its metric, limit and
    compared groups, and a fair model of them (`example_thresholds`)."""

    label: str
    metric: str
    limit: float
    groups: tuple[str, ...]
    fair: Model
    rate: str
    """The rate a biased model moves: the selection rate for demographic parity, the
    TPR (the rate on the fewer rows) for equalized odds and equal opportunity."""

    def biased(self, group: int, gap: float) -> Model:
        """The fair model with `group`'s rate lowered by `gap` (raised where it would
        fall below 0)."""
        current = self.fair.rates()[self.rate][group]
        return self.fair.with_gap(self.rate, group=group, gap=-gap if current >= gap else gap)


def example_thresholds(governance: Path) -> list[ExampleThreshold]:
    """Every disparity threshold (a `max` on a difference) of the workspace `governance`,
    with a fair model at its compared groups' sizes: for demographic parity every group
    selected at the pooled selection rate; for the error-rate disparities every group
    with its own base rate (from its selection rate, TPR and FPR) and the pooled TPR and
    FPR."""
    found = []
    for path in sorted(governance.glob("systems/*/evaluation.json")):
        artifact = json.loads(path.read_text(encoding="utf-8"))
        features = {tuple(f["columns"]): f for f in artifact["features"]}
        for threshold in artifact["thresholds"]:
            metric = threshold["metric"]
            if not metric.endswith("_difference") or threshold["max"] is None:
                continue
            compared = [
                g for g in features[(threshold["feature"],)]["groups"] if not g["suppressed"]
            ]
            sizes = np.array([float(g["count"]) for g in compared])

            def value(group: dict[str, object], name: str) -> float:
                metrics = group["metrics"]
                assert isinstance(metrics, dict)
                return float(metrics[name]["value"])

            selection = np.array([value(g, "selection_rate") for g in compared])
            if metric.startswith("demographic_parity"):
                pooled = float((sizes * selection).sum() / sizes.sum())
                fair = Model.demographic_parity(sizes, selection=pooled)
                rate = "selection_rate"
            else:
                tpr = np.array([value(g, "true_positive_rate") for g in compared])
                fpr = np.array([value(g, "false_positive_rate") for g in compared])
                base = (selection - fpr) / (tpr - fpr)
                positives, negatives = sizes * base, sizes * (1 - base)
                fair = Model(
                    sizes,
                    base,
                    np.full(len(sizes), (positives * tpr).sum() / positives.sum()),
                    np.full(len(sizes), (negatives * fpr).sum() / negatives.sum()),
                )
                rate = "true_positive_rate"
            found.append(
                ExampleThreshold(
                    f"{path.parent.name}:{threshold['feature']}",
                    metric,
                    float(threshold["max"]),
                    tuple(str(g["group"]) for g in compared),
                    fair,
                    rate,
                )
            )
    return found


def default_policy(tier: str) -> tuple[str, int]:
    """(inconclusive, min_group_size) of GATE-FA003 in the shipped baseline preset."""
    import yaml

    from cardgate.gate.policy import preset_path

    preset = yaml.safe_load(preset_path("baseline").read_text(encoding="utf-8"))
    options = dict(preset["defaults"]["rules"]["GATE-FA003"]["options"])
    options.update(preset["tiers"][tier].get("rules", {}).get("GATE-FA003", {}).get("options", {}))
    return options["inconclusive"], options["min_group_size"]


def policy_outcomes(
    model: Model,
    runs: int,
    rng: np.random.Generator,
    *,
    tier: str,
    name: str = "equalized_odds_difference",
    limit: float = 0.1,
    permutations: int = 99,
    level: float = 0.95,
) -> dict[str, float]:
    """Shares of the release outcomes (pass, warn, block) of a threshold `name` at most
    `limit`, decided by `decide.decide` under the baseline policy's `tier` on `runs` data
    sets of `model`, each with its interval and its null test (`permutations`)."""
    from cardgate.documents.schemas.evaluation import Threshold
    from cardgate.evidence.evaluation import nulls
    from cardgate.evidence.evaluation.artifact import ThresholdResult
    from cardgate.evidence.evaluation.decide import ThresholdPolicy, decide
    from cardgate.evidence.evaluation.disparities import disparity_interval
    from cardgate.evidence.evaluation.estimates import proportions

    inconclusive, minimum = default_policy(tier)
    policy = ThresholdPolicy(inconclusive=inconclusive, min_group_size=minimum)
    threshold = Threshold(metric=name, max=limit)
    cells = simulate_cells(model, runs, rng)
    low, high = disparity_interval(name, proportions(cells), level)
    found = {"pass": 0, "warn": 0, "block": 0}
    for index, table in enumerate(cells):
        observed = Model.observed(name, table)
        null = nulls.null_disparities(table, permutations, rng)[name]
        floor, p = nulls.floor_and_p_value(null, observed, level=level, smaller_is_worse=False)
        result = ThresholdResult(
            threshold=0, metric=name, feature="f", max=limit, value=observed,
            ci=(float(low[index]), float(high[index])), noise_floor=floor, p_value=p,
            count=int(table.sum(axis=(1, 2)).min()), state="undefined", reason="",
        )  # fmt: skip
        verdict = decide(threshold, result, card_min_group_size=1, level=level, policy=policy)
        found[verdict.outcome] += 1
    return {key: value / runs for key, value in found.items()}


def expected_cells(sizes: tuple[float, ...], rate: float) -> FloatArray:
    """The expected count table `(G, 2, 2)` of groups of `sizes` selected at `rate`,
    labels independent of predictions (half of each group positive)."""
    expected = np.zeros((len(sizes), 2, 2))
    expected[:, :, 1] = (np.asarray(sizes) * rate)[:, None] / 2
    expected[:, :, 0] = (np.asarray(sizes) * (1 - rate))[:, None] / 2
    return expected


def simulate_cells(model: Model, runs: int, rng: np.random.Generator) -> FloatArray:
    """`runs` count tables `(runs, G, truth, prediction)` drawn from the model."""
    sizes = np.rint(model.sizes).astype(np.int64)
    positives = rng.binomial(sizes, model.base, size=(runs, len(sizes)))
    negatives = sizes - positives
    true_positives = rng.binomial(positives, model.tpr)
    false_positives = rng.binomial(negatives, model.fpr)
    cells = np.zeros((runs, len(sizes), 2, 2))
    cells[:, :, 1, 1] = true_positives
    cells[:, :, 1, 0] = positives - true_positives
    cells[:, :, 0, 1] = false_positives
    cells[:, :, 0, 0] = negatives - false_positives
    return cells


# -- scores: a binormal model, calibrated or not ----------------------------------------
def binormal_probability(
    raw: np.ndarray, separation: float, base: float, calibrated: bool, sharpen: float = 1.0
) -> np.ndarray:
    """The score of a raw binormal value: its logistic, or P(label 1 | raw) (with
    `sharpen` > 1, that probability's logit multiplied: an overconfident model)."""
    if calibrated:
        raw = sharpen * (separation * raw - separation**2 / 2 + math.log(base / (1 - base)))
    result: np.ndarray = 1 / (1 + np.exp(-raw))
    return result


def binormal_sample(
    rows: int,
    separation: float,
    base: float,
    rng: np.random.Generator,
    *,
    calibrated: bool,
    sharpen: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(score histogram (1, 2, bins, 3), count table (1, 2, 2)) of one simulated group."""
    labels = rng.random(rows) < base
    scores = binormal_probability(
        rng.normal(np.where(labels, separation, 0.0), 1.0), separation, base, calibrated, sharpen
    )
    return score_tables(labels, scores)


def score_tables(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(score histogram (1, 2, bins, 3), count table (1, 2, 2) at 0.5) of one group's rows."""
    histogram = np.zeros((1, 2, SCORE_BINS, 3))
    bins = np.minimum((scores * SCORE_BINS).astype(int), SCORE_BINS - 1)
    np.add.at(
        histogram,
        (0, labels.astype(int), bins),
        np.stack([np.ones(len(scores)), scores, scores**2], axis=1),
    )
    cells = np.zeros((1, 2, 2))
    np.add.at(cells, (0, labels.astype(int), (scores >= 0.5).astype(int)), 1)
    return histogram, cells


def binormal_calibration(
    separation: float, base: float, *, calibrated: bool, sharpen: float = 1.0
) -> tuple[float, float]:
    """(Brier score, ECE over 10 equal-width bins) of the model, by integration over a
    fine grid of the raw score."""
    raw = np.linspace(-12, 12 + separation, 400_001)
    step = raw[1] - raw[0]

    def density(mean: float) -> np.ndarray:
        found: np.ndarray = np.exp(-0.5 * (raw - mean) ** 2) / math.sqrt(2 * math.pi) * step
        return found

    positive, negative = base * density(separation), (1 - base) * density(0.0)
    scores = binormal_probability(raw, separation, base, calibrated, sharpen)
    brier = float((positive * (1 - scores) ** 2 + negative * scores**2).sum())
    coarse = np.minimum((scores * 10).astype(int), 9)
    gap = np.bincount(coarse, weights=positive * (1 - scores) - negative * scores, minlength=10)
    return brier, float(np.abs(gap).sum())
