"""insights/trend.md: compliance by standard at each month end, read from the registry's Git history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from registry.insights import figures as ins
from registry.insights.trend import TREND, TrendError, TrendResult, compliance_trend
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, SiteContext, esc, md_cell, placeholder
from registry.playbook.insights.data import SECTION, TREND_MONTHS, Insights, make_page, page_head, quote, rate


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


def trend_page(ctx: SiteContext, data: Insights, trend: TrendResult | str) -> Page:
    since, until = trend_period(ctx.as_of)
    lines = [
        *page_head(TREND.title, data.sample),
        f"Compliance with each standard at every month end from {since.isoformat()} to {until.isoformat()} "
        "(the index's as-of date), read from the registry's Git history: how the sector's services have "
        "moved towards the standards.",
        "",
        "## How it is computed",
        "",
        *TREND.definition,
        "",
        quote(TREND.compute),
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
            "## The latest month",
            "",
            placeholder("trend-latest"),
            "",
            "## Every month",
            "",
            f"{len(months)} month{'s' if len(months) != 1 else ''} with history, from {months[0]} to {months[-1]}. "
            "Each cell is the share of "
            "services compliant (compliant of services).",
            "",
            placeholder("trend-months"),
            "",
            placeholder("trend-points"),
            "",
        ]
    return make_page(f"{SECTION}/{TREND.name}.md", TREND.title, lines, blocks, "../../", in_nav=True)


def _trend_blocks(trend: TrendResult) -> dict[str, str]:
    months = sorted({p.month for p in trend.points})
    standards = sorted({p.standard_id for p in trend.points})
    by_key = {(p.month, p.standard_id): p for p in trend.points}
    latest = [by_key[(months[-1], s)] for s in standards if (months[-1], s) in by_key]
    bars = [Bar(p.standard_id, p.compliant, p.services) for p in latest]
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
        [*TREND.headings_of("standard_id", "compliant", "services"), "Compliance"],
        [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
        numeric=(1, 2, 3),
        table_id="table-trend-latest",
    )
    pivot = []
    for s in standards:
        row: list[object] = [Html(f'<a href="../../standards/{esc(s)}/">{esc(s)}</a>')]
        for m in months:
            p = by_key.get((m, s))
            row.append(f"{pct(p.compliant, p.services)} ({p.compliant} of {p.services})" if p else "–")
        pivot.append(row)
    points = [
        [p.month, p.standard_id, p.date, p.commit[:10], p.services, p.compliant, rate(p.rate)] for p in trend.points
    ]
    return {
        "trend-latest": figure(chart, table),
        "trend-months": data_table(
            "Compliance by standard and month",
            [TREND.column("standard_id").heading, *months],
            pivot,
            numeric=range(1, len(months) + 1),
            table_id="table-trend-months",
        ),
        "trend-points": data_table(
            "Every point: the commit each month is read from",
            TREND.headings_of("month", "standard_id", "date", "commit", "services", "compliant", "rate"),
            points,
            numeric=(4, 5, 6),
            table_id="table-trend-points",
        ),
    }
