"""Static, accessible SVG bar charts, each shown beside a table of the same numbers.

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

import datetime as dt
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
        f'<div class="md-typeset__table"><table{ident} data-stack><caption>{esc(caption)}</caption><thead><tr>'
    ]
    out.extend(f'<th scope="col"{align if i in right else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            text = cell if isinstance(cell, Html) else esc(cell)
            # The first column names the row: a row header for screen readers.
            tag = "th" if i == 0 else "td"
            # On narrow screens each row stacks, each cell led by its column's heading (extra.css).
            scope = ' scope="row"' if i == 0 else f' data-label="{esc(headers[i])}"' if i < len(headers) else ""
            out.append(f"<{tag}{scope}{align if i in right else ''}>{text}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table></div></div>")
    return "".join(out)


def figure(chart: str, table: str) -> str:
    """A chart and its table side by side (stacked on narrow screens; see sitegen.css)."""
    return f'<div class="sitegen-figure"><div class="sitegen-figure__chart">{chart}</div>' + (
        f'<div class="sitegen-figure__table">{table}</div></div>'
    )


# --------------------------------------------------------------------------- timelines

NOTICE = "#d4351c"  # GOV.UK red: 4.5:1 on white; the notice mark is also a diamond, not colour alone
TIMELINE_WIDTH = 960
TIMELINE_VALUE_WIDTH = 350  # "ends 2027-01-31; notice by 2026-10-31 (past)" at CHAR_WIDTH


@dataclass(frozen=True)
class Span:
    """One contract on a timeline: a bar from the window's start to its end, and its notice date."""

    label: str  # whose contract (a council)
    end: dt.date
    notice: dt.date | None  # the last day to give notice, where the manifest gives a notice period


@dataclass(frozen=True)
class Lane:
    """A row of the timeline: one product (or service type) and its contracts."""

    label: str
    spans: Sequence[Span]
    more: int = 0  # contracts left off the drawing (the table beside it lists every one)


def _month_starts(start: dt.date, end: dt.date, step: int) -> list[dt.date]:
    """The first day of every `step`-th month after `start`, up to `end`, for the axis."""
    out: list[dt.date] = []
    month = start.year * 12 + start.month  # the month after start's, counted from year 0
    while True:
        day = dt.date(month // 12, month % 12 + 1, 1)
        if day > end:
            return out
        if (day.month - 1) % step == 0:
            out.append(day)
        month += 1


def timeline_chart(
    chart_id: str, title: str, description: str, start: dt.date, end: dt.date, lanes: Sequence[Lane]
) -> str:
    """An inline SVG timeline from `start` to `end`: per lane a heading row, then a bar per contract.

    Each bar runs from `start` to the contract's end (the time left on it); a diamond marks the
    notice date where it falls in the window, and the dates are printed beside the bar, so
    neither colour nor position alone carries them. `chart_id` must be unique on the page.
    """
    span_days = max((end - start).days, 1)
    label_width = MAX_LABEL_CHARS * CHAR_WIDTH * 0.6 + 12
    track_x, track_width = label_width, TIMELINE_WIDTH - label_width - TIMELINE_VALUE_WIDTH
    rows = sum(1 + len(lane.spans) + (1 if lane.more else 0) for lane in lanes)
    axis_y = TOP + ROW * rows + 4
    height = axis_y + 24
    ident = esc(chart_id)

    def x_of(day: dt.date) -> float:
        return track_x + track_width * min(max((day - start).days, 0), span_days) / span_days

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sitegen-chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {TIMELINE_WIDTH} {_num(height)}" '
        f'width="{TIMELINE_WIDTH}" height="{_num(height)}" style="max-width:100%;height:auto" '
        f'font-family="{esc(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(description)}</desc>',
        f'<rect width="{TIMELINE_WIDTH}" height="{_num(height)}" fill="{BACKGROUND}"/>',
    ]
    y = float(TOP)
    for lane in lanes:
        heading_y = _num(y + ROW / 2 + FONT_SIZE * 0.35)
        out.append(f'<text x="8" y="{heading_y}" font-weight="bold" fill="{TEXT}">{esc(_short(lane.label))}</text>')
        y += ROW
        for span in lane.spans:
            out += _span(y, span, track_x, track_x + track_width + 8, x_of, start)
            y += ROW
        if lane.more:
            more = f"and {lane.more} more contract{'s' if lane.more != 1 else ''} (see the table)"
            out.append(
                f'<text x="{_num(track_x)}" y="{_num(y + ROW / 2 + FONT_SIZE * 0.35)}" fill="{TEXT}">{esc(more)}</text>'
            )
            y += ROW
    out += _time_axis(axis_y, start, end, track_x, track_width, x_of)
    out.append("</svg>")
    return "".join(out)


def _span(
    y: float, span: Span, track_x: float, value_x: float, x_of: Callable[[dt.date], float], start: dt.date
) -> list[str]:
    bar_y = y + (ROW - BAR_HEIGHT) / 2
    text_y = y + ROW / 2 + FONT_SIZE * 0.35
    right = x_of(span.end)
    label = span.label if len(span.label) <= 24 else span.label[:23].rstrip() + "…"
    out = [
        f'<text x="{_num(track_x - 8)}" y="{_num(text_y)}" text-anchor="end" fill="{TEXT}">{esc(label)}</text>',
        f'<rect x="{_num(track_x)}" y="{_num(bar_y)}" width="{_num(max(right - track_x, 1))}" height="{BAR_HEIGHT}" '
        f'fill="{BAR}"/>',
    ]
    value = f"ends {span.end.isoformat()}"
    if span.notice is not None:
        value += f"; notice by {span.notice.isoformat()}" + (" (past)" if span.notice < start else "")
        if span.notice >= start:
            cx, cy, r = x_of(span.notice), y + ROW / 2, BAR_HEIGHT / 2 + 2
            out.append(
                f'<path d="M{_num(cx)} {_num(cy - r)} L{_num(cx + r)} {_num(cy)} L{_num(cx)} {_num(cy + r)} '
                f'L{_num(cx - r)} {_num(cy)} Z" fill="{NOTICE}" stroke="{BACKGROUND}" stroke-width="1.5"/>'
            )
    out.append(f'<text x="{_num(value_x)}" y="{_num(text_y)}" fill="{TEXT}">{esc(value)}</text>')
    return out


def _time_axis(
    axis_y: float, start: dt.date, end: dt.date, track_x: float, track_width: float, x_of: Callable[[dt.date], float]
) -> list[str]:
    """An axis with the first month of each quarter (each year for long windows) marked."""
    months = (end.year - start.year) * 12 + end.month - start.month
    ticks = _month_starts(start, end, 3 if months <= 36 else 12)
    out = [
        f'<line x1="{_num(track_x)}" y1="{_num(axis_y)}" x2="{_num(track_x + track_width)}" y2="{_num(axis_y)}" '
        f'stroke="{AXIS}"/>'
    ]
    for day in ticks:
        x = x_of(day)
        out.append(f'<line x1="{_num(x)}" y1="{_num(axis_y)}" x2="{_num(x)}" y2="{_num(axis_y + 4)}" stroke="{AXIS}"/>')
        # Month names only, the year at each January (and the first tick), so labels never overlap.
        text = day.strftime("%b %Y") if day.month == 1 or day == ticks[0] else day.strftime("%b")
        out.append(f'<text x="{_num(x)}" y="{_num(axis_y + 18)}" text-anchor="middle" fill="{TEXT}">{esc(text)}</text>')
    return out
