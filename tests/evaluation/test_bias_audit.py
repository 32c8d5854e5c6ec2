"""The NYC LL144 bias audit (`cardgate.evidence.bias_audit`) against hand computation on
small tables (ties for the most selected category, categories nobody is selected from,
categories under 2% excluded, unknown categories) and against a second, independent
implementation (pandas groupby) on the worked example's Adult predictions."""

from __future__ import annotations

import pandas as pd
import pytest

from cardgate.evidence.bias_audit import AuditTable, CategoryResult, audit_table, run_audit
from tests.conftest import REPO


def _row(table: AuditTable, category: str) -> CategoryResult:
    return next(row for row in table.categories if row.category == category)


def test_rates_and_ratios_by_hand() -> None:
    # A: 40 of 100 selected (the rules' own example: 40/100 = 40%); B: 12 of 60; C: 0 of 40
    table = audit_table(
        "race/ethnicity",
        [("A", 100, 40), ("B", 60, 12), ("C", 40, 0)],
        unknown=7,
        exclude_small=False,
        level=0.95,
    )
    a, b, c = (_row(table, name) for name in "ABC")
    assert (a.rate, b.rate, c.rate) == (0.4, 0.2, 0.0)
    assert a.highest and not b.highest and not c.highest
    assert a.impact_ratio == 1.0 and a.ratio_interval is None  # the reference itself
    assert b.impact_ratio == pytest.approx(0.2 / 0.4)
    assert c.impact_ratio == 0.0  # nobody selected: a ratio of 0, still reported
    assert c.ratio_interval is not None and c.ratio_interval[0] == 0.0
    assert table.unknown == 7
    # every ratio's interval holds its value; every rate's Wilson interval holds the rate
    for row in (b, c):
        assert row.ratio_interval is not None
        low, high = row.ratio_interval
        assert row.impact_ratio is not None and low <= row.impact_ratio <= high <= 1.0
        assert row.noise_floor is not None and 0 < row.noise_floor < 1
    for row in (a, b, c):
        assert row.rate_interval[0] <= row.rate <= row.rate_interval[1]
    # the shares are of the known individuals: 100 + 60 + 40
    assert a.share == 0.5 and b.share == 0.3 and c.share == 0.2


def test_a_category_nobody_was_selected_from_has_a_bounded_ratio_interval() -> None:
    # 0 of 100 against 50 of 100: Wilson 95% upper limit of 0/100 is z²/(n+z²) = 0.0370,
    # lower limit of 50/100 is 0.4038; the ratio 0 lies under 0.0370 / 0.4038 = 0.0916
    # (the log-ratio construction has no logarithm of 0 and would give 0–1: "like parity")
    table = audit_table(
        "sex", [("A", 100, 50), ("B", 100, 0)], unknown=0, exclude_small=False, level=0.95
    )
    b = _row(table, "B")
    z2 = 1.959963984540054**2
    assert b.impact_ratio == 0.0 and b.ratio_interval is not None
    assert b.ratio_interval[0] == 0.0
    assert b.ratio_interval[1] == pytest.approx((z2 / (100 + z2)) / 0.40383153, rel=1e-6)
    assert b.ratio_interval[1] == pytest.approx(0.0916, abs=1e-4)


def test_ties_for_the_most_selected_category_are_all_highest() -> None:
    # 1/4 and 25/100 are the same rate: exact comparison, both are the most selected
    table = audit_table(
        "sex",
        [("F", 4, 1), ("M", 100, 25), ("X", 50, 5)],
        unknown=0,
        exclude_small=False,
        level=0.95,
    )
    assert [row.highest for row in table.categories] == [True, True, False]
    assert _row(table, "F").impact_ratio == 1.0 and _row(table, "M").impact_ratio == 1.0
    assert _row(table, "X").impact_ratio == pytest.approx(0.1 / 0.25)


def test_nobody_selected_anywhere_gives_no_ratio() -> None:
    table = audit_table(
        "sex", [("F", 10, 0), ("M", 10, 0)], unknown=0, exclude_small=False, level=0.95
    )
    assert all(row.impact_ratio is None for row in table.categories)
    assert all(row.rate == 0.0 for row in table.categories)


def test_categories_under_two_percent_are_excluded_but_reported() -> None:
    # Z: 1 of 100 individuals (1%) with the highest rate; excluded, it is not the reference
    counts = [("Y", 60, 30), ("W", 39, 13), ("Z", 1, 1)]
    table = audit_table("race/ethnicity", counts, unknown=0, exclude_small=True, level=0.95)
    z = _row(table, "Z")
    assert z.excluded and z.impact_ratio is None and z.individuals == 1 and z.rate == 1.0
    y, w = _row(table, "Y"), _row(table, "W")
    assert y.highest and y.impact_ratio == 1.0
    assert w.impact_ratio == pytest.approx((13 / 39) / (30 / 60))
    # without the justification nothing is excluded, and Z is the most selected
    table = audit_table("race/ethnicity", counts, unknown=0, exclude_small=False, level=0.95)
    assert _row(table, "Z").highest and _row(table, "Y").impact_ratio == pytest.approx(0.5)
    # exactly 2% is not under 2%
    table = audit_table(
        "race/ethnicity",
        [("Y", 98, 49), ("Z", 2, 2)],
        unknown=0,
        exclude_small=True,
        level=0.95,
    )
    assert not _row(table, "Z").excluded


def test_unknown_categories_are_counted_not_included() -> None:
    sex = ["F", "F", "M", "M", None, "M"]
    race = ["A", "B", "A", None, "A", "B"]
    result = run_audit(sex, race, selected=[1, 0, 1, 1, 1, 0], exclude_small=False)
    by_sex, by_race, both = result.tables
    assert by_sex.unknown == 1 and by_race.unknown == 1 and both.unknown == 2
    assert result.unknown == 2
    assert [(r.category, r.individuals, r.favourable) for r in by_sex.categories] == [
        ("F", 2, 1),
        ("M", 3, 2),
    ]
    assert [(r.category, r.individuals) for r in both.categories] == [
        ("F × A", 1),
        ("F × B", 1),
        ("M × A", 1),
        ("M × B", 1),
    ]


def test_the_scoring_rate_is_the_share_above_the_full_samples_median() -> None:
    # median of the full sample (the unknown individual included): 0.5
    scores = [0.9, 0.5, 0.1, 0.7, 0.3]
    result = run_audit(["F", "F", "M", "M", None], ["A"] * 5, scores=scores, exclude_small=False)
    assert result.median == 0.5
    by_sex = result.tables[0]
    assert _row(by_sex, "F").favourable == 1  # 0.9 (0.5 is not above the median)
    assert _row(by_sex, "M").favourable == 1  # 0.7
    assert _row(by_sex, "F").impact_ratio == 1.0 == _row(by_sex, "M").impact_ratio


def test_agrees_with_pandas_on_the_adult_predictions() -> None:
    data = pd.read_csv(
        REPO / "governance/systems/income-screening/predictions.csv.gz",
        dtype={"sex": str, "race": str},
        keep_default_na=False,
    )
    result = run_audit(
        data["sex"].tolist(),
        data["race"].tolist(),
        scores=data["score"].tolist(),
        exclude_small=True,
    )
    median = data["score"].median()
    assert result.median == pytest.approx(median)
    data["above"] = data["score"] > median
    for table, columns in zip(result.tables, (["sex"], ["race"], ["sex", "race"]), strict=True):
        grouped = data.groupby(columns)["above"].agg(["size", "mean"])
        shares = grouped["size"] / grouped["size"].sum()
        kept = grouped[shares >= 0.02]
        best = kept["mean"].max()
        assert len(table.categories) == len(grouped)
        for key, row in grouped.iterrows():
            name = " × ".join(key) if isinstance(key, tuple) else str(key)
            mine = _row(table, name)
            assert mine.individuals == row["size"]
            assert mine.rate == pytest.approx(row["mean"])
            if name in {" × ".join(k) if isinstance(k, tuple) else str(k) for k in kept.index}:
                assert mine.impact_ratio == pytest.approx(row["mean"] / best)
            else:
                assert mine.excluded and mine.impact_ratio is None
