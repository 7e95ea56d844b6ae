"""insights/hotspots.md: service types many councils deliver separately, with no pattern they share."""

from __future__ import annotations

from registry.insights.hotspots import HOTSPOTS
from registry.playbook.charts import Bar, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, placeholder
from registry.playbook.insights.data import (
    SECTION,
    TOP_BARS,
    Insights,
    make_page,
    page_head,
    quote,
    type_link,
    type_name,
)


def hotspots_page(data: Insights) -> Page:
    spots = data.hotspot_list
    bars = [Bar(type_name(h.label, h.lgsl), h.separate_councils, h.councils) for h in spots[:TOP_BARS]]
    chart = bar_chart(
        "chart-hotspots",
        "Councils delivering each service type separately",
        "Horizontal bar chart: for the service types with the most councils working separately, the share "
        "of the councils delivering the type that share no pattern with another council for it, with both "
        "counts. The table beside the chart gives the same figures.",
        bars,
    )
    table = data_table(
        "Councils delivering each service type separately",
        [HOTSPOTS.column("label").heading, "Separately", HOTSPOTS.column("councils").heading, "Share"],
        [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
        numeric=(1, 2, 3),
        table_id="table-hotspots-top",
    )
    rows = [
        [
            type_link("../service-types/", h.lgsl, h.label),
            h.function or "–",
            h.councils,
            h.separate_councils,
            h.sharing_councils,
            h.services,
            h.services_without_pattern,
            h.one_off_patterns,
        ]
        for h in spots
    ]
    blocks = {
        "hotspots-chart": figure(chart, table)
        if bars
        else "<p>No service type is delivered separately by two or more councils.</p>",
        "hotspots-all": data_table(
            f"{HOTSPOTS.title}, most separate councils first",
            HOTSPOTS.headings,
            rows,
            numeric=(2, 3, 4, 5, 6, 7),
            table_id="table-hotspots",
        )
        if rows
        else "",
    }
    lines = [
        *page_head(HOTSPOTS.title, data.sample),
        "Service types that many councils deliver without a pattern they share: each builds or buys its "
        "own. These are where a shared pattern would save the most repeated work.",
        "",
        "## How it is computed",
        "",
        *HOTSPOTS.definition,
        "",
        quote(HOTSPOTS.compute),
        "## The largest hotspots",
        "",
        placeholder("hotspots-chart"),
        "",
        "## Every hotspot",
        "",
        f"{len(spots)} service types.",
        "",
        placeholder("hotspots-all"),
        "",
    ]
    return make_page(f"{SECTION}/{HOTSPOTS.name}.md", HOTSPOTS.title, lines, blocks, "../../", in_nav=True)
