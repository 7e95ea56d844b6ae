"""Line charts for the site's figures: an inline SVG with a line per series over time.

Same conventions as registry/playbook/charts.py: escaped text, GOV.UK colours, each line told apart
by its dash and marker as well as its colour, every value in a point's title.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from registry.playbook.charts import AXIS, BACKGROUND, CHAR_WIDTH, FONT, FONT_SIZE, TEXT, TOP, WIDTH, num
from registry.playbook.common import esc

# Line charts: each line has its own colour, dash and marker shape and is named at its end, so no
# line is told apart by colour alone (WCAG 1.4.1); the table beside the chart gives every value.
LINE_COLOURS = ("#1d70b8", "#00703c", "#d4351c", "#4c2c92", "#912b88", "#505a5f")
LINE_DASHES = ("", "8 4", "3 3", "10 4 3 4")
MARKERS = ("circle", "square", "triangle", "diamond")
PLOT_HEIGHT = 240
LINE_LEFT = 56
LINE_LABEL_CHARS = 30
LINE_LABEL_WIDTH = LINE_LABEL_CHARS * CHAR_WIDTH + 40
MIN_LABEL_GAP = 16


@dataclass(frozen=True)
class Series:
    """One line: a value per x position (None where it has none, which breaks the line)."""

    label: str
    values: tuple[float | None, ...]


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_max: float,
    y_unit: str = "",
) -> str:
    """An inline SVG line chart over `x_labels` (months, say), y from 0 to `y_max` (`y_unit` after ticks).

    Each line is named at its last point (labels nudged apart so they never overlap), drawn with
    a colour, dash pattern and marker shape of its own, and each point is a shape with a
    `<title>` giving its value. `chart_id` must be unique on the page.
    """
    plot_right = WIDTH - LINE_LABEL_WIDTH
    plot_width = plot_right - LINE_LEFT
    top = TOP + 8
    height = top + PLOT_HEIGHT + 40
    top_value = y_max if y_max > 0 else 1.0
    step = plot_width / max(len(x_labels) - 1, 1)

    def x_at(i: int) -> float:
        return LINE_LEFT + (step * i if len(x_labels) > 1 else plot_width / 2)

    def y_at(v: float) -> float:
        return top + PLOT_HEIGHT * (1 - v / top_value)

    ident = esc(chart_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sitegen-chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {num(height)}" '
        f'width="{WIDTH}" height="{num(height)}" style="max-width:100%;height:auto" '
        f'font-family="{esc(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(description)}</desc>',
        f'<rect width="{WIDTH}" height="{num(height)}" fill="{BACKGROUND}"/>',
    ]
    out += _line_axes(x_labels, x_at, y_at, top_value, y_unit, plot_right, top)
    ends: list[tuple[float, int]] = []
    for n, line in enumerate(series):
        out += _line(n, line, x_at, y_at, y_unit)
        last = next((i for i in range(len(line.values) - 1, -1, -1) if line.values[i] is not None), None)
        if last is not None:
            ends.append((y_at(line.values[last] or 0.0), n))
    for y, n in _spread(sorted(ends), top, top + PLOT_HEIGHT):
        # The key beside each name repeats the line's dash and marker, so it is matched without colour.
        colour, dash, shape = _style(n)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{num(plot_right + 4)}" y1="{num(y)}" x2="{num(plot_right + 28)}" y2="{num(y)}" '
            f'stroke="{colour}" stroke-width="2.5"{dashed}/>'
        )
        out.append(_marker(shape, plot_right + 16, y, colour, series[n].label))
        out.append(
            f'<text x="{num(plot_right + 34)}" y="{num(y + FONT_SIZE * 0.35)}" fill="{TEXT}">'
            f"{esc(_short_to(series[n].label, LINE_LABEL_CHARS))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _short_to(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _spread(ends: list[tuple[float, int]], low: float, high: float) -> list[tuple[float, int]]:
    """End labels at least MIN_LABEL_GAP apart, in the lines' order, kept within the plot where they fit."""
    placed: list[tuple[float, int]] = []
    for y, n in ends:
        y = max(y, placed[-1][0] + MIN_LABEL_GAP) if placed else y
        placed.append((y, n))
    overflow = (placed[-1][0] - high) if placed else 0.0
    if overflow > 0:  # pushed below the plot: shift the whole column up as far as the top allows
        shift = min(overflow, max(placed[0][0] - low, 0.0))
        placed = [(y - shift, n) for y, n in placed]
    return placed


def _line_axes(
    x_labels: Sequence[str],
    x_at: Callable[[int], float],
    y_at: Callable[[float], float],
    y_max: float,
    y_unit: str,
    plot_right: float,
    top: float,
) -> list[str]:
    bottom = top + PLOT_HEIGHT
    out = [
        f'<line x1="{LINE_LEFT}" y1="{num(bottom)}" x2="{num(plot_right)}" y2="{num(bottom)}" stroke="{AXIS}"/>',
        f'<line x1="{LINE_LEFT}" y1="{num(top)}" x2="{LINE_LEFT}" y2="{num(bottom)}" stroke="{AXIS}"/>',
    ]
    for tick in (0.0, y_max / 2, y_max):
        y = y_at(tick)
        value = f"{tick:,.0f}{y_unit}" if tick == int(tick) else f"{tick:,.1f}{y_unit}"
        out.append(
            f'<line x1="{LINE_LEFT}" y1="{num(y)}" x2="{num(plot_right)}" y2="{num(y)}" stroke="{AXIS}" '
            f'stroke-width="0.5" stroke-dasharray="2 4"/>'
        )
        out.append(
            f'<text x="{LINE_LEFT - 6}" y="{num(y + FONT_SIZE * 0.35)}" text-anchor="end" fill="{TEXT}">'
            f"{esc(value)}</text>"
        )
    # Every label when they fit (about 64 px each), else every second, third, ... counted back from the
    # last, which is always shown.
    every = max(1, -(-64 * len(x_labels) // max(int(plot_right - LINE_LEFT), 1)))
    for i, label in enumerate(x_labels):
        if (len(x_labels) - 1 - i) % every:
            continue
        x = x_at(i)
        out.append(f'<line x1="{num(x)}" y1="{num(bottom)}" x2="{num(x)}" y2="{num(bottom + 4)}" stroke="{AXIS}"/>')
        out.append(f'<text x="{num(x)}" y="{num(bottom + 20)}" text-anchor="middle" fill="{TEXT}">{esc(label)}</text>')
    return out


def _style(n: int) -> tuple[str, str, str]:
    """Line `n`'s colour, dash pattern and marker: no two of the first 16 lines share both dash and marker."""
    return LINE_COLOURS[n % len(LINE_COLOURS)], LINE_DASHES[n % 4], MARKERS[(n + n // 4) % 4]


def _line(n: int, line: Series, x_at: Callable[[int], float], y_at: Callable[[float], float], y_unit: str) -> list[str]:
    colour, dash, shape = _style(n)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    out: list[str] = []
    run: list[str] = []
    for i, v in enumerate([*line.values, None]):
        if v is None:
            if len(run) > 1:
                out.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>'
                )
            run = []
            continue
        run.append(f"{num(x_at(i))},{num(y_at(v))}")
    for i, v in enumerate(line.values):
        if v is not None:
            value = f"{v:,.1f}".removesuffix(".0") + y_unit
            out.append(_marker(shape, x_at(i), y_at(v), colour, f"{line.label}: {value}"))
    return out


def _marker(shape: str, x: float, y: float, colour: str, label: str) -> str:
    tip = f"<title>{esc(label)}</title>"
    if shape == "circle":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="4.5" fill="{colour}">{tip}</circle>'
    if shape == "square":
        return f'<rect x="{num(x - 4)}" y="{num(y - 4)}" width="8" height="8" fill="{colour}">{tip}</rect>'
    points = (
        [(x, y - 5.5), (x + 5, y + 4), (x - 5, y + 4)]
        if shape == "triangle"
        else [(x, y - 5.5), (x + 5.5, y), (x, y + 5.5), (x - 5.5, y)]
    )
    coords = " ".join(f"{num(px)},{num(py)}" for px, py in points)
    return f'<polygon points="{coords}" fill="{colour}">{tip}</polygon>'
