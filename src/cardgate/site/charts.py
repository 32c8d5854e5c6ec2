"""Static, accessible SVG charts, drawn here in Python (no JavaScript, no CDN).

One chart kind serves the evaluation: horizontal bars, one per group (or per disparity
metric), each with its confidence-interval whisker, and dashed vertical lines for the
thresholds. Every chart carries `role="img"`, an `aria-label`, a `<title>` and a `<desc>`
that states the numbers in words, so a screen reader and a printed page say the same.
All text is escaped; numbers are formatted with fixed precision, so output is stable.
No text is cut: a label or value longer than its column (which widens up to
`MAX_LABEL_WIDTH`) wraps onto more lines and its row grows to hold them.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

LABEL_WIDTH = 170
"""The narrowest label column; it widens to fit the longest label, up to `MAX_LABEL_WIDTH`."""
MAX_LABEL_WIDTH = 600
PLOT_WIDTH = 380
VALUE_WIDTH = 120
CHAR_WIDTH = 7.2
"""An upper estimate of one character's advance at font size 12 (no font metrics here)."""
ROW_HEIGHT = 26
LINE_HEIGHT = 14
"""The height a wrapped label's every further line adds to its row."""
TOP = 30
BOTTOM = 34
BAR_COLOUR = "#3b5b92"
MUTED_COLOUR = "#b8b8b8"
LINE_COLOUR = "#b3261e"


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a value (None when not computable) and its interval."""

    label: str
    value: float | None
    ci: tuple[float, float] | None = None
    note: str = ""
    muted: bool = False
    limits: tuple[float, ...] = ()
    """Thresholds of this bar alone (e.g. a disparity's limit), drawn as red ticks."""


@dataclass(frozen=True)
class Line:
    """A threshold drawn across the plot."""

    value: float
    label: str


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _domain(bars: Sequence[Bar], lines: Sequence[Line]) -> tuple[float, float]:
    points = [0.0]
    for bar in bars:
        if _finite(bar.value):
            points.append(float(bar.value))  # type: ignore[arg-type]
        if bar.ci is not None:
            points.extend(v for v in bar.ci if math.isfinite(v))
    points.extend(line.value for line in lines if math.isfinite(line.value))
    low, high = min(points), max(points)
    if low >= 0.0 and high <= 1.0:
        return 0.0, 1.0
    span = high - low or 1.0
    return low - 0.05 * span if low < 0 else low, high + 0.05 * span


def _number(value: float) -> str:
    return f"{value:.3f}"


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    lines: Sequence[Line] = (),
    description: str = "",
) -> Markup:
    """An SVG bar chart with CI whiskers and threshold lines, as inline markup."""
    low, high = _domain(bars, lines)
    shown_values = [_shown(bar) for bar in bars]
    label_width = _fit([bar.label for bar in bars], LABEL_WIDTH, MAX_LABEL_WIDTH)
    value_width = _fit(shown_values, VALUE_WIDTH, MAX_LABEL_WIDTH)
    label_lines = [wrap(bar.label, _chars(label_width)) for bar in bars]
    value_lines = [wrap(shown, _chars(value_width)) for shown in shown_values]
    rows = [
        ROW_HEIGHT + LINE_HEIGHT * (max(len(label), len(value)) - 1)
        for label, value in zip(label_lines, value_lines, strict=True)
    ]
    width = label_width + PLOT_WIDTH + value_width
    axis_y = TOP + (sum(rows) if rows else ROW_HEIGHT)
    height = axis_y + BOTTOM

    def x(value: float) -> float:
        return label_width + (value - low) / (high - low) * PLOT_WIDTH

    desc = describe(bars, lines=lines, description=description)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{_escape(title)}">',
        f"<title>{_escape(title)}</title>",
        f"<desc>{_escape(desc)}</desc>",
    ]
    # Few elements on purpose: every tag is parsed twice per page by the site build
    # (MkDocs' anchor scan and Markdown's raw-HTML pass), for every system. Inline, not a
    # file beside the page: copying 4,000 small files costs MkDocs more than parsing them.
    ticks = [low + (high - low) * index / 4 for index in range(5)]
    grid = "".join(f"M{_coordinate(x(tick))} {TOP - 6}V{axis_y}" for tick in ticks)
    parts.append(f'<path d="{grid}" stroke="#e0e0e0" stroke-width="1" fill="none"/>')
    parts.append(
        f'<text y="{axis_y + 16}" font-size="11" text-anchor="middle" fill="#444">'
        + "".join(f'<tspan x="{_coordinate(x(tick))}">{tick:.2f}</tspan>' for tick in ticks)
        + "</text>"
    )
    if low < 0 < high:
        zx = _coordinate(x(0.0))
        parts.append(f'<path d="M{zx} {TOP - 6}V{axis_y}" stroke="#666" stroke-width="1"/>')
    shapes: dict[str, list[str]] = {"bars": [], "muted": [], "whiskers": [], "limits": []}
    labels: list[str] = []
    values: list[str] = []
    top = TOP
    for row, bar in enumerate(bars):
        middle = top + rows[row] / 2
        top += rows[row]
        labels.append(_lines(label_lines[row], label_width - 8, middle))
        if _finite(bar.value):
            value = float(bar.value)  # type: ignore[arg-type]
            start, end = sorted((x(max(low, 0.0) if low < 0 < high else low), x(value)))
            shapes["muted" if bar.muted else "bars"].append(
                f"M{_coordinate(start)} {_coordinate(middle - 7)}"
                f"h{_coordinate(max(end - start, 0.5))}"
                f"v{ROW_HEIGHT - 12}h-{_coordinate(max(end - start, 0.5))}z"
            )
            if bar.ci is not None and all(math.isfinite(v) for v in bar.ci):
                cx1, cx2 = _coordinate(x(bar.ci[0])), _coordinate(x(bar.ci[1]))
                y1, y2 = _coordinate(middle - 6), _coordinate(middle + 6)
                shapes["whiskers"].append(
                    f"M{cx1} {_coordinate(middle)}H{cx2}M{cx1} {y1}V{y2}M{cx2} {y1}V{y2}"
                )
            for limit in bar.limits:
                if math.isfinite(limit) and low <= limit <= high:
                    shapes["limits"].append(
                        f"M{_coordinate(x(limit))} {_coordinate(middle - 11)}"
                        f"V{_coordinate(middle + 11)}"
                    )
        values.append(_lines(value_lines[row], label_width + PLOT_WIDTH + 8, middle))
    styles = {
        "bars": f'fill="{BAR_COLOUR}"',
        "muted": f'fill="{MUTED_COLOUR}"',
        "whiskers": 'stroke="#111" stroke-width="1.5" fill="none"',
        "limits": f'stroke="{LINE_COLOUR}" stroke-width="2.5" stroke-dasharray="3 2"',
    }
    for kind, paths in shapes.items():
        if paths:
            parts.append(f'<path d="{"".join(paths)}" {styles[kind]}/>')
    if labels:
        parts.append(
            '<text font-size="12" text-anchor="end" fill="#1a1a1a">' + "".join(labels) + "</text>"
        )
        parts.append('<text font-size="12" fill="#1a1a1a">' + "".join(values) + "</text>")
    for line in lines:
        if not math.isfinite(line.value) or not low <= line.value <= high:
            continue
        lx = _coordinate(x(line.value))
        shown = _clip(line.label, MAX_LINE_LABEL)
        full = f"<title>{_escape(line.label)}</title>" if shown != line.label else ""
        parts.append(
            f'<path d="M{lx} {TOP - 10}V{axis_y}" stroke="{LINE_COLOUR}" stroke-width="2" '
            'stroke-dasharray="6 4"/>'
            f'<text x="{lx}" y="{TOP - 14}" font-size="11" text-anchor="middle" '
            f'fill="{LINE_COLOUR}">{full}{_escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def describe(bars: Sequence[Bar], *, lines: Sequence[Line] = (), description: str = "") -> str:
    """The chart's numbers in words: its `<desc>`, and the `alt` text of its `<img>`."""
    spoken = []
    for bar in bars:
        if _finite(bar.value):
            words = f"{bar.label}: {_number(bar.value)}"  # type: ignore[arg-type]
            if bar.ci is not None:
                words += f" (interval {_number(bar.ci[0])} to {_number(bar.ci[1])})"
        else:
            words = f"{bar.label}: not computed"
        if bar.note:
            words += f", {bar.note}"
        words += "".join(f", limit {_number(limit)}" for limit in bar.limits)
        spoken.append(words)
    spoken.extend(f"threshold {line.label} at {_number(line.value)}" for line in lines)
    return (description + " " if description else "") + "; ".join(spoken) + "."


def _shown(bar: Bar) -> str:
    """The text beside a bar: its value (or that it has none) and its note."""
    value = bar.value
    shown = _number(value) if value is not None and math.isfinite(value) else "not computed"
    return shown + (f" {bar.note}" if bar.note else "")


def _fit(texts: Sequence[str], minimum: int, maximum: int) -> int:
    """A column width (px) that holds the longest of `texts`, within the bounds."""
    longest = max((len(text) for text in texts), default=0)
    return min(max(minimum, math.ceil(longest * CHAR_WIDTH + 16)), maximum)


def _chars(width: int) -> int:
    """How many characters a column of `width` px holds (longer text wraps)."""
    return int((width - 16) / CHAR_WIDTH)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken between words where it can
    and inside a word only where one is longer than a line; nothing is left out."""
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [text]


def _lines(lines: Sequence[str], x: float, middle: float) -> str:
    """The `<tspan>`s of one row's text, its lines centred on the row's middle."""
    first = middle + 4 - LINE_HEIGHT * (len(lines) - 1) / 2
    return "".join(
        f'<tspan x="{_coordinate(x)}" y="{_coordinate(first + LINE_HEIGHT * index)}">'
        f"{_escape(line)}</tspan>"
        for index, line in enumerate(lines)
    )


MAX_LINE_LABEL = 30
"""A threshold line's label above the plot ("max 0.10") is abbreviated past this many
characters, its full text in the label's `<title>` and in the chart's `<desc>`."""


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
