"""insights/trend.md: compliance by standard at each month end, read from the registry's Git history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from registry.insights import figures as ins
from registry.insights.trend import (
    COUNCIL_TREND,
    TREND,
    CouncilTrendPoint,
    TrendError,
    TrendPoint,
    TrendResult,
    compliance_trend,
)
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, SiteContext, esc, md_cell, placeholder
from registry.playbook.insights.data import SECTION, TREND_MONTHS, Insights, make_page, page_head, quote, rate
from registry.playbook.line_chart import Series, line_chart


def trend_period(as_of: str) -> tuple[dt.date, dt.date]:
    """The last TREND_MONTHS months up to the index's as-of date, from the first of the earliest month."""
    until = dt.date.fromisoformat(as_of)
    start = ins.add_months(until, -(TREND_MONTHS - 1))
    return start.replace(day=1), until


def read_trend(ctx: SiteContext) -> TrendResult | str:
    """The trend, or why there is none (not a Git repository, a shallow clone, ...): never a failed build."""
    since, until = trend_period(ctx.as_of)
    # The site's own index is the last month's snapshot whenever it was built from a clean commit,
    # so the trend need not build that one again (a full index build at sector scale).
    index_file = next((row[2] for row in ctx.conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    try:
        return compliance_trend(
            ctx.root, since, until, ref=ctx.commit or "HEAD", current_index=Path(index_file) if index_file else None
        )
    except TrendError as exc:
        return str(exc)


COUNCIL_DIR = f"{SECTION}/trend-councils"


def trend_page(ctx: SiteContext, data: Insights, trend: TrendResult | str) -> Page:
    since, until = trend_period(ctx.as_of)
    lines = [
        *page_head(
            TREND.title,
            data.sample,
            f"The charts follow the sector's compliance with each standard at every month end from "
            f"{since.isoformat()} to {until.isoformat()}, read from the registry's Git history.",
        ),
        f"Compliance with each standard at every month end from {since.isoformat()} to {until.isoformat()} "
        "(the index's as-of date), read from the registry's Git history: how the sector's services have "
        "moved towards the standards, and how each council's have.",
        "",
        "## How it is computed",
        "",
        *TREND.definition,
        "",
        quote(TREND),
    ]
    blocks: dict[str, str] = {}
    if isinstance(trend, str):
        lines += [
            "## No history to show",
            "",
            "The trend could not be read from this copy of the registry, so this build shows none:",
            "",
            f"> {md_cell(trend)}",
            "",
            "The published site is built from a full clone, which has the history.",
            "",
        ]
    elif not trend.points:
        lines += [
            "## No history to show",
            "",
            f"No commit on the registry's history falls on or before a month end between {esc(trend.since)} "
            f"and {esc(trend.until)}, so there is no point to plot yet.",
            "",
        ]
    else:
        blocks.update(_trend_blocks(trend))
        months = sorted({p.month for p in trend.points})
        lines += [
            "## Every month",
            "",
            f"{len(months)} month{'s' if len(months) != 1 else ''} with history, from {months[0]} to {months[-1]}: "
            "a line per standard, and a table of the same figures (each cell is the share of services "
            "compliant, compliant of services).",
            "",
            placeholder("trend-lines"),
            "",
            placeholder("trend-months"),
            "",
            "## The latest month",
            "",
            placeholder("trend-latest"),
            "",
            "## By council",
            "",
            "Each council's services only, for each standard that applied to them: the first and the latest "
            "month with history. Each council's page draws its lines month by month.",
            "",
            placeholder("trend-councils"),
            "",
            "## Every point",
            "",
            placeholder("trend-points"),
            "",
        ]
    return make_page(f"{SECTION}/{TREND.name}.md", TREND.title, lines, blocks, "../../", in_nav=True)


def _lines(chart_id: str, title: str, months: list[str], points: Sequence[TrendPoint | CouncilTrendPoint]) -> str:
    """A line per standard (by title) over `months`: its rate at each, as a percentage."""
    by_key = {(p.month, p.standard_id): p for p in points}
    standards = sorted({(p.standard, p.standard_id) for p in points})
    series = [
        Series(name, tuple(100 * by_key[(m, sid)].rate if (m, sid) in by_key else None for m in months))
        for name, sid in standards
    ]
    return line_chart(
        chart_id,
        title,
        f"Line chart: for each of {len(standards)} standards, the share of the services it applied to that "
        f"were compliant at each month end from {months[0]} to {months[-1]}, from 0 to 100%. Each line is "
        "named at its right-hand end; the table after the chart gives every value with its counts.",
        months,
        series,
        y_max=100,
        y_unit="%",
    )


def _pivot(
    caption: str, table_id: str, months: list[str], points: Sequence[TrendPoint | CouncilTrendPoint], prefix: str
) -> str:
    by_key = {(p.month, p.standard_id): p for p in points}
    rows = []
    for name, sid in sorted({(p.standard, p.standard_id) for p in points}):
        row: list[object] = [Html(f'<a href="{prefix}standards/{esc(sid)}/">{esc(name)}</a>')]
        for m in months:
            p = by_key.get((m, sid))
            row.append(f"{pct(p.compliant, p.services)} ({p.compliant} of {p.services})" if p else "–")
        rows.append(row)
    return data_table(
        caption,
        [TREND.column("standard").heading, *months],
        rows,
        numeric=range(1, len(months) + 1),
        table_id=table_id,
    )


def _trend_blocks(trend: TrendResult) -> dict[str, str]:
    months = sorted({p.month for p in trend.points})
    latest = sorted((p for p in trend.points if p.month == months[-1]), key=lambda p: (p.standard, p.standard_id))
    bars = [Bar(p.standard, p.compliant, p.services) for p in latest]
    chart = bar_chart(
        "chart-trend-latest",
        f"Compliance by standard, {months[-1]}",
        f"Horizontal bar chart: for each standard, the share of the services it applied to at the end of "
        f"{months[-1]} that were compliant, with both counts. The table beside the chart gives the same figures.",
        bars,
        stacked=True,
    )
    table = data_table(
        f"Compliance by standard, {months[-1]}",
        [*TREND.headings_of("standard", "compliant", "services"), "Compliance"],
        [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
        numeric=(1, 2, 3),
        table_id="table-trend-latest",
    )
    points = [[p.month, p.standard, p.date, p.commit[:10], p.services, p.compliant, rate(p.rate)] for p in trend.points]
    return {
        "trend-lines": _lines("chart-trend-lines", "Compliance by standard at each month end", months, trend.points),
        "trend-months": _pivot(
            "Compliance by standard and month", "table-trend-months", months, trend.points, "../../"
        ),
        "trend-latest": figure(chart, table),
        "trend-councils": _council_table(trend),
        "trend-points": data_table(
            "Every point: the commit each month is read from",
            TREND.headings_of("month", "standard", "date", "commit", "services", "compliant", "rate"),
            points,
            numeric=(4, 5, 6),
            table_id="table-trend-points",
        ),
    }


def _council_table(trend: TrendResult) -> str:
    """Per council and standard: the first and latest month's figures, and the change in points."""
    runs: dict[tuple[str, str], list[CouncilTrendPoint]] = defaultdict(list)
    for p in trend.councils:
        runs[(p.council_id, p.standard_id)].append(p)
    rows = []
    for (cid, _), run in sorted(runs.items(), key=lambda kv: (kv[1][-1].council, kv[0][0], kv[1][-1].standard)):
        first, last = run[0], run[-1]
        rows.append(
            [
                Html(f'<a href="../trend-councils/{esc(cid)}/">{esc(last.council)}</a>'),
                last.standard,
                f"{first.month}: {pct(first.compliant, first.services)} ({first.compliant} of {first.services})",
                f"{last.month}: {pct(last.compliant, last.services)} ({last.compliant} of {last.services})",
                f"{100 * (last.rate - first.rate):+.1f} points",
            ]
        )
    return data_table(
        "Compliance by council and standard: first and latest month",
        [
            COUNCIL_TREND.column("council").heading,
            TREND.column("standard").heading,
            "First month",
            "Latest month",
            "Change",
        ],
        rows,
        numeric=(2, 3, 4),
        table_id="table-trend-councils",
    )


def council_trend_pages(data: Insights, trend: TrendResult | str) -> list[Page]:
    """insights/trend-councils/<council>.md: each council's line per standard, and its table."""
    if isinstance(trend, str) or not trend.councils:
        return []
    months = sorted({p.month for p in trend.points})
    by_council: dict[str, list[CouncilTrendPoint]] = defaultdict(list)
    for p in trend.councils:
        by_council[p.council_id].append(p)
    return [_council_page(data, cid, months, points) for cid, points in sorted(by_council.items())]


def _council_page(data: Insights, cid: str, months: list[str], points: list[CouncilTrendPoint]) -> Page:
    name = points[-1].council
    title = f"{COUNCIL_TREND.title}: {name}"
    blocks = {
        "council-lines": _lines(
            "chart-council-trend", f"{name}: compliance by standard at each month end", months, points
        ),
        "council-months": _pivot(
            f"{name}: compliance by standard and month", "table-council-trend", months, points, "../../../"
        ),
    }
    lines = [
        *page_head(
            title,
            data.sample,
            f"The chart follows how {md_cell(name)}'s services met each standard at every month end, read from "
            "the registry's Git history.",
        ),
        f"Compliance with each standard over {md_cell(name)}'s services at every month end, read from the "
        f"registry's Git history. [The sector's trend](../trend.md) explains how it is computed; "
        f"[the council's page](../../councils/{cid}.md) lists its services.",
        "",
        placeholder("council-lines"),
        "",
        placeholder("council-months"),
        "",
    ]
    return make_page(f"{COUNCIL_DIR}/{cid}.md", title, lines, blocks, "../../../", in_nav=False)
