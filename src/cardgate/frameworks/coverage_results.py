"""What coverage is: statuses, roll-up counts, and the per-system, crosswalk and
portfolio results (`cardgate.frameworks.coverage` computes them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from cardgate.frameworks.catalog import Catalog
from cardgate.frameworks.definitions import (
    Definition,
)

CoverageStatus = Literal["addressed", "partial", "missing"]
STATUSES: tuple[CoverageStatus, ...] = ("addressed", "partial", "missing")

UNANSWERED = "unanswered"
COMPLETE = frozenset({"done", "not-applicable"})
PROGRESS = frozenset({"done", "partial", "not-applicable"})


@dataclass(frozen=True)
class SystemAnswers:
    """What coverage needs from one system: its tier and its answers' statuses.

    `answers` maps a checklist definition id to {item id: answer status}.
    """

    system: str
    risk_tier: str | None
    answers: Mapping[str, Mapping[str, str]]


class ItemState(NamedTuple):
    """One applicable item and its answer status (or ``unanswered``)."""

    checklist: str
    item: str
    status: str


class SubcategoryCoverage(NamedTuple):
    """The status of one subcategory for one system, with the items behind it."""

    id: str
    function: str
    category: str
    status: CoverageStatus
    items: tuple[ItemState, ...]


@dataclass(frozen=True)
class Rollup:
    """Counts of subcategory statuses over a category, a function or everything."""

    id: str
    total: int
    addressed: int
    partial: int
    missing: int

    @property
    def percent_addressed(self) -> float:
        return round(100.0 * self.addressed / self.total, 1) if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "addressed": self.addressed,
            "partial": self.partial,
            "missing": self.missing,
            "percent_addressed": self.percent_addressed,
        }


@dataclass(frozen=True)
class SystemCoverage:
    """Coverage of every subcategory for one system, with roll-ups."""

    system: str
    risk_tier: str | None
    checklists: tuple[str, ...]
    subcategories: tuple[SubcategoryCoverage, ...]
    categories: tuple[Rollup, ...]
    functions: tuple[Rollup, ...]
    overall: Rollup

    def status_of(self, subcategory_id: str) -> CoverageStatus:
        for sub in self.subcategories:
            if sub.id == subcategory_id:
                return sub.status
        raise KeyError(subcategory_id)


@dataclass(frozen=True)
class ReferenceCoverage:
    """One reference of another framework (e.g. ISO/IEC 42001 clause 6.1.2) for one system."""

    reference: str
    status: CoverageStatus
    subcategories: tuple[str, ...]
    addressed: tuple[str, ...]


@dataclass(frozen=True)
class CrosswalkCoverage:
    """The references of a crosswalk touched by one system's coverage."""

    system: str
    references: tuple[ReferenceCoverage, ...]

    def rollup(self) -> Rollup:
        return _rollup(self.system, (ref.status for ref in self.references))


@dataclass(frozen=True)
class PortfolioCoverage:
    """Coverage of every system, in system-id order, against one catalog."""

    catalog: Catalog
    checklists: tuple[Definition, ...]
    systems: tuple[SystemCoverage, ...]

    def system(self, system_id: str) -> SystemCoverage:
        for coverage in self.systems:
            if coverage.system == system_id:
                return coverage
        raise KeyError(system_id)

    def matrix(
        self,
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[CoverageStatus, ...], ...]]:
        """(subcategory ids, system ids, rows): rows[i][j] is subcategory i for system j."""
        subcategory_ids = tuple(self.catalog.subcategories)
        system_ids = tuple(coverage.system for coverage in self.systems)
        columns = [[sub.status for sub in coverage.subcategories] for coverage in self.systems]
        rows = tuple(
            tuple(column[index] for column in columns) for index in range(len(subcategory_ids))
        )
        return subcategory_ids, system_ids, rows

    def overall(self) -> Rollup:
        """Counts over every system x subcategory cell."""
        return _rollup(
            "portfolio", (sub.status for cov in self.systems for sub in cov.subcategories)
        )

    def functions(self) -> tuple[Rollup, ...]:
        """Per function, counts over every system x subcategory of that function."""
        return tuple(
            _rollup(
                function.id,
                (
                    sub.status
                    for cov in self.systems
                    for sub in cov.subcategories
                    if sub.function == function.id
                ),
            )
            for function in self.catalog.functions
        )


def subcategory_status(statuses: Iterable[str]) -> CoverageStatus:
    """The coverage status given the answer statuses of a subcategory's applicable items."""
    seen = list(statuses)
    if seen and all(status in COMPLETE for status in seen):
        return "addressed"
    if any(status in PROGRESS for status in seen):
        return "partial"
    return "missing"


def _rollup(rollup_id: str, statuses: Iterable[CoverageStatus]) -> Rollup:
    counts = {"addressed": 0, "partial": 0, "missing": 0}
    for status in statuses:
        counts[status] += 1
    return Rollup(
        rollup_id,
        sum(counts.values()),
        counts["addressed"],
        counts["partial"],
        counts["missing"],
    )


def from_counts(rollup_id: str, counts: Mapping[str, Mapping[str, int]]) -> Rollup:
    found = counts.get(rollup_id, {})
    addressed, partial, missing = (found.get(status, 0) for status in STATUSES)
    return Rollup(rollup_id, addressed + partial + missing, addressed, partial, missing)
