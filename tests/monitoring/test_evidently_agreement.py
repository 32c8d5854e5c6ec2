"""cardgate's drift verdicts beside Evidently's data-drift preset on the same windows (the
worked example's year of monthly windows), from Evidently's outputs recorded once
(`tests/monitoring/fixtures/evidently-drift.json`, by scripts/evidently_fixtures.py).

Evidently's distances are an independent implementation of two of cardgate's effects:
the normed Wasserstein distance of every numeric column and the Jensen–Shannon distance of
every categorical one must agree. Every verdict that differs must be one of the kinds
docs/monitoring.md explains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardgate.evidence.monitoring.artifact import load_monitoring

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "evidently-drift.json"
RECORD = HERE.parents[1] / "governance/systems/income-screening/monitoring.json"


def _evidently() -> dict[str, dict]:  # type: ignore[type-arg]
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    windows: dict[str, dict] = data["windows"]  # type: ignore[type-arg]
    return windows


def _cardgate() -> dict[str, dict[str, dict]]:  # type: ignore[type-arg]
    model, data, error = load_monitoring(RECORD)
    assert model is not None, error
    found: dict[str, dict[str, dict]] = {}  # type: ignore[type-arg]
    for window in data["windows"]:
        found[window["id"]] = {
            row["column"]: row for row in window["drift"]["columns"] if row["aspect"] == "values"
        }
    return found


def test_the_same_windows_were_compared() -> None:
    assert set(_evidently()) == set(_cardgate())


def test_distances_agree_with_evidently() -> None:
    """Evidently computes its distances from the rows; cardgate from its profiles' buckets
    (values within 0.1%) and categories: the same numbers."""
    checked = 0
    for window, columns in _evidently().items():
        ours = _cardgate()[window]
        for column, theirs in columns["columns"].items():
            row = ours[column]
            if theirs["method"].startswith("Wasserstein") and row["kind"] == "numeric":
                assert row["effects"]["wasserstein"] == pytest.approx(theirs["value"], rel=5e-3)
                checked += 1
            elif theirs["method"].startswith("Jensen") and row["kind"] == "categorical":
                assert row["effects"]["js"] == pytest.approx(theirs["value"], abs=1e-6)
                checked += 1
    assert checked >= 12 * 10


def test_every_disagreement_is_explained() -> None:
    """Where Evidently and cardgate reach different verdicts on a column, the reason is
    one docs/monitoring.md names: (a) Evidently's threshold is reached but cardgate's
    adjusted p-value says noise; (b) cardgate's verdict rests on an effect Evidently does
    not compute for that column (PSI or KS, or Jensen–Shannon for a numeric column);
    (c) Evidently types a column differently (a 0/1 column as numeric)."""
    unexplained = []
    for window, columns in _evidently().items():
        ours = _cardgate()[window]
        for column, theirs in columns["columns"].items():
            row = ours[column]
            cardgate_drift = row["state"] == "drift"
            if cardgate_drift == theirs["drifted"]:
                continue
            if theirs["drifted"] and row["state"] == "noise":
                continue  # (a)
            method = "wasserstein" if theirs["method"].startswith("Wasserstein") else "js"
            own = row["effects"].get(method)
            if cardgate_drift and (own is None or own < theirs["threshold"]):
                continue  # (b) or (c)
            unexplained.append((window, column, theirs, row["state"], row["reason"]))
    assert unexplained == []


def test_the_dataset_level_disagreement() -> None:
    """The one disagreement on these windows, explained in docs/monitoring.md: Evidently's
    preset calls a window drifted when half its columns drift, so the age-mix (March) and
    missing-answers (June) shifts, four of fourteen columns each, pass its dataset-level
    verdict; cardgate breaches on any drifting column."""
    evidently = _evidently()
    ours = _cardgate()
    for window in ("2026-03", "2026-06"):
        assert evidently[window]["dataset_drift"] is False
        assert any(row["state"] == "drift" for row in ours[window].values())
    assert evidently["2026-09"]["dataset_drift"] is True
