"""Timelines for the site's figures: an inline SVG with a row per product and a bar per contract.

Same conventions as registry/playbook/charts.py: escaped text, GOV.UK colours, nothing told by colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from registry.playbook.charts import (
    AXIS,
    BACKGROUND,
    BAR,
    BAR_HEIGHT,
    CHAR_WIDTH,
    FONT,
    FONT_SIZE,
    MAX_LABEL_CHARS,
    ROW,
    TEXT,
    TOP,
    num,
    short_label,
)
from registry.playbook.common import esc

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
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {TIMELINE_WIDTH} {num(height)}" '
        f'width="{TIMELINE_WIDTH}" height="{num(height)}" style="max-width:100%;height:auto" '
        f'font-family="{esc(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(description)}</desc>',
        f'<rect width="{TIMELINE_WIDTH}" height="{num(height)}" fill="{BACKGROUND}"/>',
    ]
    y = float(TOP)
    for lane in lanes:
        heading_y = num(y + ROW / 2 + FONT_SIZE * 0.35)
        out.append(
            f'<text x="8" y="{heading_y}" font-weight="bold" fill="{TEXT}">{esc(short_label(lane.label))}</text>'
        )
        y += ROW
        for span in lane.spans:
            out += _span(y, span, track_x, track_x + track_width + 8, x_of, start)
            y += ROW
        if lane.more:
            more = f"and {lane.more} more contract{'s' if lane.more != 1 else ''} (see the table)"
            out.append(
                f'<text x="{num(track_x)}" y="{num(y + ROW / 2 + FONT_SIZE * 0.35)}" fill="{TEXT}">{esc(more)}</text>'
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
        f'<text x="{num(track_x - 8)}" y="{num(text_y)}" text-anchor="end" fill="{TEXT}">{esc(label)}</text>',
        f'<rect x="{num(track_x)}" y="{num(bar_y)}" width="{num(max(right - track_x, 1))}" height="{BAR_HEIGHT}" '
        f'fill="{BAR}"/>',
    ]
    value = f"ends {span.end.isoformat()}"
    if span.notice is not None:
        value += f"; notice by {span.notice.isoformat()}" + (" (past)" if span.notice < start else "")
        if span.notice >= start:
            cx, cy, r = x_of(span.notice), y + ROW / 2, BAR_HEIGHT / 2 + 2
            out.append(
                f'<path d="M{num(cx)} {num(cy - r)} L{num(cx + r)} {num(cy)} L{num(cx)} {num(cy + r)} '
                f'L{num(cx - r)} {num(cy)} Z" fill="{NOTICE}" stroke="{BACKGROUND}" stroke-width="1.5"/>'
            )
    out.append(f'<text x="{num(value_x)}" y="{num(text_y)}" fill="{TEXT}">{esc(value)}</text>')
    return out


def _time_axis(
    axis_y: float, start: dt.date, end: dt.date, track_x: float, track_width: float, x_of: Callable[[dt.date], float]
) -> list[str]:
    """An axis with the first month of each quarter (each year for long windows) marked."""
    months = (end.year - start.year) * 12 + end.month - start.month
    ticks = _month_starts(start, end, 3 if months <= 36 else 12)
    out = [
        f'<line x1="{num(track_x)}" y1="{num(axis_y)}" x2="{num(track_x + track_width)}" y2="{num(axis_y)}" '
        f'stroke="{AXIS}"/>'
    ]
    for day in ticks:
        x = x_of(day)
        out.append(f'<line x1="{num(x)}" y1="{num(axis_y)}" x2="{num(x)}" y2="{num(axis_y + 4)}" stroke="{AXIS}"/>')
        # Month names only, the year at each January (and the first tick), so labels never overlap.
        text = day.strftime("%b %Y") if day.month == 1 or day == ticks[0] else day.strftime("%b")
        out.append(f'<text x="{num(x)}" y="{num(axis_y + 18)}" text-anchor="middle" fill="{TEXT}">{esc(text)}</text>')
    return out
