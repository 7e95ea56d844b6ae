"""Static, accessible SVG bar and line charts, each shown beside a table of the same numbers.

The site must work offline and pass WCAG 2.2 AA, so a chart is inline SVG (no script,
no CDN): `role="img"` named by its `<title>` and described by its `<desc>`, dark text on
its own white background (AA whatever the page's colour scheme), and every bar's value
printed beside it, so colour never carries meaning alone: the failing part of a stacked
bar is also hatched. Screen-reader users get the same figures from the table, which is
built from the same `Bar` values and formatted by the same `pct`, so the two cannot
disagree. Output is deterministic (fixed geometry, fixed number formats) so a rebuild of
the same index produces the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from registry.playbook.common import esc

# GOV.UK Design System colours: each has at least 4.5:1 contrast with white as text
# and 3:1 as a graphic (WCAG 1.4.3 and 1.4.11).
TEXT = "#0b0c0c"
BACKGROUND = "#ffffff"
BAR = "#1d70b8"
PASS = "#00703c"
FAIL_LINE = "#505a5f"
AXIS = "#505a5f"

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
FONT_SIZE = 14
# An over-estimate of a sans-serif character's width at FONT_SIZE, so labels never overlap bars.
CHAR_WIDTH = 8.0
ROW = 28
BAR_HEIGHT = 18
TOP = 8
WIDTH = 760
VALUE_WIDTH = 190
MAX_LABEL_CHARS = 42


@dataclass(frozen=True)
class Bar:
    """One bar: `part` of `whole` (e.g. compliant services of all services checked)."""

    label: str
    part: int
    whole: int

    @property
    def share(self) -> float:
        return self.part / self.whole if self.whole else 0.0


class Html(str):
    """A table cell that is already safe HTML (a link built with `link`, say): not escaped again."""

    __slots__ = ()


def pct(part: int, whole: int) -> str:
    """A share as the site prints it everywhere (chart and table alike): one decimal place."""
    if not whole:
        return "–"
    return f"{100 * part / whole:.1f}%"


def _num(value: float) -> str:
    """A coordinate with at most one decimal, so output is byte-identical across runs."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    stacked: bool = False,
    part_name: str = "compliant",
    rest_name: str = "not compliant",
) -> str:
    """An inline SVG horizontal bar chart of each bar's share, 0-100%.

    `chart_id` must be unique on the page (it prefixes the title, desc and pattern ids).
    With `stacked` each bar shows `part_name` (solid) and the rest (`rest_name`, hatched)
    and a legend; otherwise one solid bar per share on a plain track.
    """
    labels = [_short(b.label) for b in bars]
    label_width = min(max((len(x) for x in labels), default=4), MAX_LABEL_CHARS) * CHAR_WIDTH + 12
    track_x = label_width
    track_width = WIDTH - label_width - VALUE_WIDTH
    legend_height = ROW if stacked else 0
    axis_y = TOP + ROW * len(bars) + 4
    height = axis_y + 24 + legend_height
    ident = esc(chart_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sitegen-chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'width="{WIDTH}" height="{_num(height)}" style="max-width:100%;height:auto" '
        f'font-family="{esc(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(description)}</desc>',
    ]
    if stacked:
        out.append(
            f'<defs><pattern id="{ident}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{BACKGROUND}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{FAIL_LINE}" stroke-width="2"/></pattern></defs>'
        )
    out.append(f'<rect width="{WIDTH}" height="{_num(height)}" fill="{BACKGROUND}"/>')
    for i, (bar, label) in enumerate(zip(bars, labels, strict=True)):
        out += _bar(ident, TOP + i * ROW, bar, label, track_x, track_width, stacked)
    out += _axis(axis_y, track_x, track_width)
    if stacked:
        out += _legend(ident, axis_y + 28, track_x, part_name, rest_name)
    out.append("</svg>")
    return "".join(out)


def _bar(ident: str, y: float, bar: Bar, label: str, track_x: float, track_width: float, stacked: bool) -> list[str]:
    """One bar's label, track, filled share and printed value."""
    bar_y = y + (ROW - BAR_HEIGHT) / 2
    text_y = y + ROW / 2 + FONT_SIZE * 0.35
    filled = track_width * bar.share
    out = [f'<text x="{_num(track_x - 8)}" y="{_num(text_y)}" text-anchor="end" fill="{TEXT}">{esc(label)}</text>']
    if stacked:
        out.append(
            f'<rect x="{_num(track_x)}" y="{_num(bar_y)}" width="{_num(track_width)}" height="{BAR_HEIGHT}" '
            f'fill="url(#{ident}-hatch)" stroke="{FAIL_LINE}"/>'
        )
        colour = PASS
    else:
        out.append(
            f'<rect x="{_num(track_x)}" y="{_num(bar_y)}" width="{_num(track_width)}" height="{BAR_HEIGHT}" '
            f'fill="none" stroke="{AXIS}" stroke-width="0.5"/>'
        )
        colour = BAR
    if filled > 0:
        out.append(
            f'<rect x="{_num(track_x)}" y="{_num(bar_y)}" width="{_num(filled)}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>'
        )
    value = f"{pct(bar.part, bar.whole)} ({bar.part} of {bar.whole})"
    out.append(f'<text x="{_num(track_x + track_width + 8)}" y="{_num(text_y)}" fill="{TEXT}">{esc(value)}</text>')
    return out


def _axis(axis_y: float, track_x: float, track_width: float) -> list[str]:
    """An axis at 0, 50 and 100% so bar lengths can be read without the printed values too."""
    out = [
        f'<line x1="{_num(track_x)}" y1="{_num(axis_y)}" x2="{_num(track_x + track_width)}" y2="{_num(axis_y)}" '
        f'stroke="{AXIS}"/>'
    ]
    for tick in (0, 50, 100):
        x = track_x + track_width * tick / 100
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        out.append(f'<line x1="{_num(x)}" y1="{_num(axis_y)}" x2="{_num(x)}" y2="{_num(axis_y + 4)}" stroke="{AXIS}"/>')
        out.append(f'<text x="{_num(x)}" y="{_num(axis_y + 18)}" text-anchor="{anchor}" fill="{TEXT}">{tick}%</text>')
    return out


def _legend(ident: str, ly: float, track_x: float, part_name: str, rest_name: str) -> list[str]:
    rest_x = track_x + 20 + len(part_name) * CHAR_WIDTH + 24
    return [
        f'<rect x="{_num(track_x)}" y="{_num(ly)}" width="14" height="14" fill="{PASS}"/>',
        f'<text x="{_num(track_x + 20)}" y="{_num(ly + 12)}" fill="{TEXT}">{esc(part_name)}</text>',
        f'<rect x="{_num(rest_x)}" y="{_num(ly)}" width="14" height="14" fill="url(#{ident}-hatch)" '
        f'stroke="{FAIL_LINE}"/>',
        f'<text x="{_num(rest_x + 20)}" y="{_num(ly + 12)}" fill="{TEXT}">{esc(rest_name)}</text>',
    ]


def data_table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Iterable[int] = (),
    table_id: str | None = None,
) -> str:
    """An HTML table with a caption; cells are escaped unless they are `Html`.

    Columns whose index is in `numeric` are right-aligned so figures line up.
    """
    right = frozenset(numeric)
    align = ' style="text-align:right"'
    ident = f' id="{esc(table_id)}"' if table_id else ""
    # Material styles only `table:not([class])`, and wraps tables in a scrolling box; the box is
    # focusable and named so keyboard users can scroll a wide table (axe: scrollable-region-focusable).
    out = [
        f'<div class="md-typeset__scrollwrap" tabindex="0" role="region" aria-label="{esc(caption)}">'
        f'<div class="md-typeset__table"><table{ident}><caption>{esc(caption)}</caption><thead><tr>'
    ]
    out.extend(f'<th scope="col"{align if i in right else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            text = cell if isinstance(cell, Html) else esc(cell)
            # The first column names the row: a row header for screen readers.
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            out.append(f"<{tag}{scope}{align if i in right else ''}>{text}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table></div></div>")
    return "".join(out)


def figure(chart: str, table: str) -> str:
    """A chart and its table side by side (stacked on narrow screens; see sitegen.css)."""
    return f'<div class="sitegen-figure"><div class="sitegen-figure__chart">{chart}</div>' + (
        f'<div class="sitegen-figure__table">{table}</div></div>'
    )


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
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'width="{WIDTH}" height="{_num(height)}" style="max-width:100%;height:auto" '
        f'font-family="{esc(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(description)}</desc>',
        f'<rect width="{WIDTH}" height="{_num(height)}" fill="{BACKGROUND}"/>',
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
            f'<line x1="{_num(plot_right + 4)}" y1="{_num(y)}" x2="{_num(plot_right + 28)}" y2="{_num(y)}" '
            f'stroke="{colour}" stroke-width="2.5"{dashed}/>'
        )
        out.append(_marker(shape, plot_right + 16, y, colour, series[n].label))
        out.append(
            f'<text x="{_num(plot_right + 34)}" y="{_num(y + FONT_SIZE * 0.35)}" fill="{TEXT}">'
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
        f'<line x1="{LINE_LEFT}" y1="{_num(bottom)}" x2="{_num(plot_right)}" y2="{_num(bottom)}" stroke="{AXIS}"/>',
        f'<line x1="{LINE_LEFT}" y1="{_num(top)}" x2="{LINE_LEFT}" y2="{_num(bottom)}" stroke="{AXIS}"/>',
    ]
    for tick in (0.0, y_max / 2, y_max):
        y = y_at(tick)
        value = f"{tick:,.0f}{y_unit}" if tick == int(tick) else f"{tick:,.1f}{y_unit}"
        out.append(
            f'<line x1="{LINE_LEFT}" y1="{_num(y)}" x2="{_num(plot_right)}" y2="{_num(y)}" stroke="{AXIS}" '
            f'stroke-width="0.5" stroke-dasharray="2 4"/>'
        )
        out.append(
            f'<text x="{LINE_LEFT - 6}" y="{_num(y + FONT_SIZE * 0.35)}" text-anchor="end" fill="{TEXT}">'
            f"{esc(value)}</text>"
        )
    # Every label when they fit (about 64 px each), else every second, third, ... counted back from the
    # last, which is always shown.
    every = max(1, -(-64 * len(x_labels) // max(int(plot_right - LINE_LEFT), 1)))
    for i, label in enumerate(x_labels):
        if (len(x_labels) - 1 - i) % every:
            continue
        x = x_at(i)
        out.append(f'<line x1="{_num(x)}" y1="{_num(bottom)}" x2="{_num(x)}" y2="{_num(bottom + 4)}" stroke="{AXIS}"/>')
        out.append(
            f'<text x="{_num(x)}" y="{_num(bottom + 20)}" text-anchor="middle" fill="{TEXT}">{esc(label)}</text>'
        )
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
        run.append(f"{_num(x_at(i))},{_num(y_at(v))}")
    for i, v in enumerate(line.values):
        if v is not None:
            value = f"{v:,.1f}".removesuffix(".0") + y_unit
            out.append(_marker(shape, x_at(i), y_at(v), colour, f"{line.label}: {value}"))
    return out


def _marker(shape: str, x: float, y: float, colour: str, label: str) -> str:
    tip = f"<title>{esc(label)}</title>"
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4.5" fill="{colour}">{tip}</circle>'
    if shape == "square":
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{colour}">{tip}</rect>'
    points = (
        [(x, y - 5.5), (x + 5, y + 4), (x - 5, y + 4)]
        if shape == "triangle"
        else [(x, y - 5.5), (x + 5.5, y), (x, y + 5.5), (x - 5.5, y)]
    )
    coords = " ".join(f"{_num(px)},{_num(py)}" for px, py in points)
    return f'<polygon points="{coords}" fill="{colour}">{tip}</polygon>'
