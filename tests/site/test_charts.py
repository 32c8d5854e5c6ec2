"""The SVG charts: accessible, escaped, deterministic."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from cardgate.site.charts import Bar, Line, bar_chart, wrap

SVG = "{http://www.w3.org/2000/svg}"


def _chart() -> str:
    return str(
        bar_chart(
            "Selection rate by <sex>",
            [
                Bar("female", 0.3, (0.25, 0.35)),
                Bar("<script>x</script>", 0.45, (0.4, 0.5)),
                Bar("other", None, note="suppressed", muted=True),
                Bar("dp", 0.15, (0.1, 0.2), limits=(0.1,)),
            ],
            lines=[Line(0.4, "min 0.40")],
            description="Per-group selection rate.",
        )
    )


def test_chart_is_accessible_svg() -> None:
    root = ET.fromstring(_chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Selection rate by <sex>"
    assert root.find(f"{SVG}title").text == "Selection rate by <sex>"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "female: 0.300 (interval 0.250 to 0.350)" in desc
    assert "other: not computed, suppressed" in desc
    assert "threshold min 0.40 at 0.400" in desc
    assert "limit 0.100" in desc


def test_chart_escapes_labels_and_draws_whiskers_and_lines() -> None:
    svg = _chart()
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    bars = [el for el in root.findall(f"{SVG}path") if el.get("fill") == "#3b5b92"]
    assert bars and bars[0].get("d", "").count("z") == 3  # no bar for the suppressed group
    assert any(el.get("stroke-dasharray") for el in root.iter())


def test_chart_is_deterministic() -> None:
    assert _chart() == _chart()


def test_chart_handles_negative_values_and_empty_input() -> None:
    root = ET.fromstring(str(bar_chart("Mean error", [Bar("a", -0.2, (-0.3, -0.1))])))
    assert root.get("role") == "img"
    assert ET.fromstring(str(bar_chart("Nothing", [])))


def test_long_labels_and_notes_are_drawn_in_full() -> None:
    label = "Female,Amer-Indian-Eskimo,65+,no high school"  # 44 characters
    note = "limit ≥ 0.8 and ≤ 1.25"
    root = ET.fromstring(str(bar_chart("AUC", [Bar(label, 0.9, note=note)])))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}tspan")]
    assert label in texts and f"0.900 {note}" in texts
    assert not any("…" in text for text in texts)
    width = int(root.get("width", "0"))
    assert width > 170 + 380 + 120  # the columns widened to hold them


LONG = (
    "Female, Asian-Pac-Islander, 65 and older, no high-school diploma, self-employed, "
    "not in the labour force before 2020"
)  # 114 characters: past the widest label column (600 px, 81 characters)
WORD = "x" * 130  # one word longer than any line


def _long_chart() -> str:
    return str(
        bar_chart(
            "AUC",
            [
                Bar(LONG, 0.9, (0.85, 0.95)),
                Bar("male", 0.8, (0.75, 0.85), note="limit " + LONG),
                Bar(WORD, 0.7),
            ],
            lines=[Line(0.5, "min 0.50 set by the policy for every risk tier there is")],
        )
    )


def test_labels_longer_than_the_column_wrap_instead_of_being_cut() -> None:
    root = ET.fromstring(_long_chart())
    texts = [t for t in root.iter(f"{SVG}text") if t.get("font-size") == "12"]
    label_rows, value_rows = texts[0], texts[1]
    lines = [t.text or "" for t in label_rows.iter(f"{SVG}tspan")]
    assert all(len(line) <= 81 for line in lines), lines
    assert " ".join(lines[:2]) == LONG  # every word, in order, on two lines
    assert "".join(lines[3:]) == WORD  # a word longer than a line breaks inside it
    values = [t.text or "" for t in value_rows.iter(f"{SVG}tspan")]
    assert " ".join(values[1:3]) == "0.800 limit " + LONG
    assert not any("…" in line for line in lines + values)
    # the rows grew: every line of text lies inside the chart
    height = float(root.get("height", "0"))
    ys = [float(t.get("y", "0")) for t in root.iter(f"{SVG}tspan") if t.get("y")]
    assert max(ys) < height - 30 and min(ys) > 20
    # a threshold label too long for the space above the plot is abbreviated, in full in
    # its title and in the chart's description
    line_label = next(t for t in root.iter(f"{SVG}text") if t.get("fill") == "#b3261e")
    title = line_label.find(f"{SVG}title")
    assert (
        title is not None
        and title.text == "min 0.50 set by the policy for every risk tier there is"
    )
    assert (line_label.text or "") == "" and "".join(line_label.itertext()).endswith("…")
    desc = root.find(f"{SVG}desc")
    assert desc is not None and LONG in (desc.text or "")


def test_wrap_keeps_every_character() -> None:
    assert wrap("short", 10) == ["short"]
    assert wrap("a bb ccc dddd", 6) == ["a bb", "ccc", "dddd"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]


@pytest.mark.browser
def test_no_chart_text_is_cut_in_chromium(browser: Any) -> None:
    """Drawn by Chromium, every text of the chart lies inside the chart's box."""
    page = browser.new_page()
    try:
        page.set_content(f"<!doctype html><html><body>{_long_chart()}</body></html>")
        outside = page.evaluate(
            """() => {
                const svg = document.querySelector('svg');
                const box = svg.viewBox.baseVal;
                return [...svg.querySelectorAll('text')].map(t => {
                    const b = t.getBBox();
                    return {text: t.textContent, left: b.x, top: b.y,
                            right: b.x + b.width, bottom: b.y + b.height};
                }).filter(b => b.left < 0 || b.top < 0
                               || b.right > box.width || b.bottom > box.height);
            }"""
        )
        assert not outside, outside
    finally:
        page.close()


def test_system_charts_state_each_limit_once(workspace_root: Path) -> None:
    """A threshold on every group has one result per group; its line is drawn once."""
    import json
    import re

    from cardgate.documents.workspace import load_workspace
    from cardgate.site.gather import gather
    from cardgate.site.pages import build_pages
    from cardgate.site.templating import make_environment

    from .conftest import TODAY

    artifact = workspace_root / "systems/fraud-alerts/evaluation.json"
    data = json.loads(artifact.read_text(encoding="utf-8"))
    record = data["thresholds"][0]
    data["thresholds"] = [
        {**record, "metric": "selection_rate", "group": group, "value": 0.3, "ci": [0.25, 0.35]}
        for group in ("female", "male")
    ]
    artifact.write_text(json.dumps(data), encoding="utf-8")
    model = gather(load_workspace(workspace_root), today=dt.date.fromisoformat(TODAY))
    pages, _ = build_pages(model, make_environment(None))
    page = next(p for p in pages if p.path == "systems/fraud-alerts/index.md").text
    desc = re.search(r"<desc>Per-group selection rate for sex[^<]*</desc>", page)
    assert desc is not None
    assert desc.group(0).count("threshold max 0.20") == 1, desc.group(0)
