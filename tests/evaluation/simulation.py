"""Known models for the Monte-Carlo checks of the statistics (tests and `make statistics`):
groups of given sizes, base rates, true and false positive rates, and count tables drawn
from them exactly as a classifier's predictions would fall."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from cardgate.evidence.evaluation import metrics as M

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
