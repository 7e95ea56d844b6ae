"""insights/hotspots.md: service types many councils deliver with many different core solutions,
and which councils share one."""

from __future__ import annotations

from registry.insights import figures as ins
from registry.insights.hotspots import HOTSPOTS
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, esc, md_cell, placeholder
from registry.playbook.insights.data import (
    LISTED,
    SECTION,
    TOP_BARS,
    Insights,
    listed_note,
    make_page,
    page_head,
    quote,
    type_link,
    type_name,
)
from registry.playbook.insights.windows import councils_cell

KINDS = {"pattern": "Solution pattern", "product": "Supplier product", "in_house": "In-house build"}


def _solution_name(data: Insights, s: ins.SolutionCouncils) -> Html:
    if s.kind == "pattern" and s.id in data.patterns:
        return Html(f'<a href="../../patterns/{esc(s.id)}/">{esc(s.name)}</a>')
    return Html(esc(s.name))


def _who_shares(data: Insights, spots: list[ins.Hotspot]) -> tuple[list[str], dict[str, str]]:
    """Per hotspot: its sentence and each solution with the councils running it."""
    lines: list[str] = []
    blocks: dict[str, str] = {}
    for i, h in enumerate(spots[:TOP_BARS]):
        token = f"hotspot-{i}"
        lines += [f"### {md_cell(type_name(h.label, h.lgsl))}", "", f"{md_cell(h.text)}", "", placeholder(token), ""]
        blocks[token] = data_table(
            f"Core solutions for {type_name(h.label, h.lgsl)}, most councils first",
            ["Solution", "Kind", "Councils", "Which councils"],
            [
                [
                    _solution_name(data, s),
                    KINDS.get(s.kind, s.kind),
                    s.councils,
                    councils_cell(data, s.council_ids, "../../"),
                ]
                for s in h.by_solution
            ],
            numeric=(2,),
            table_id=f"table-hotspot-{h.lgsl}",
        )
    return lines, blocks


def _largest(spots: list[ins.Hotspot]) -> str:
    """The chart of councils working alone in each hotspot, beside a table of the same figures."""
    none = (
        f"<p>No service type has {ins.DEFAULT_MIN_COUNCILS} or more councils running "
        f"{ins.DEFAULT_MIN_SOLUTIONS} or more different core solutions.</p>"
    )
    top = spots[:TOP_BARS]
    if not top:
        return none
    chart = bar_chart(
        "chart-hotspots",
        "Councils working alone in each duplication hotspot",
        "Horizontal bar chart: for each duplication hotspot, the share of the councils delivering the service "
        "type that run only core solutions no other council runs for it, with both counts. The table beside "
        "the chart gives the same figures and the number of different solutions.",
        [Bar(type_name(h.label, h.lgsl), h.separate_councils, h.councils) for h in top],
    )
    table = data_table(
        "Councils working alone in each duplication hotspot",
        [HOTSPOTS.column("label").heading, "Different solutions", "Working alone", "Councils", "Share alone"],
        [
            [
                type_name(h.label, h.lgsl),
                h.solutions,
                h.separate_councils,
                h.councils,
                pct(h.separate_councils, h.councils),
            ]
            for h in top
        ],
        numeric=(1, 2, 3, 4),
        table_id="table-hotspots-top",
    )
    return figure(chart, table)


def _every(spots: list[ins.Hotspot]) -> str:
    rows = [
        [
            type_link("../service-types/", h.lgsl, h.label),
            h.function or "–",
            h.councils,
            h.services,
            h.solutions,
            h.shared_solutions,
            h.separate_councils,
            h.councils_without_solution,
        ]
        for h in spots[:LISTED]
    ]
    if not rows:
        return ""
    title = f"{HOTSPOTS.title}, most different solutions first"
    return data_table(title, HOTSPOTS.headings, rows, numeric=(2, 3, 4, 5, 6, 7), table_id="table-hotspots")


def hotspots_page(data: Insights) -> Page:
    spots = data.hotspot_list
    shares, share_blocks = _who_shares(data, spots)
    blocks = {"hotspots-chart": _largest(spots), "hotspots-all": _every(spots), **share_blocks}
    lines = [
        *page_head(
            HOTSPOTS.title,
            data.sample,
            f"{len(spots)} service type{'s are' if len(spots) != 1 else ' is'} duplication hotspots: "
            f"at least {ins.DEFAULT_MIN_COUNCILS} councils deliver each, with at least "
            f"{ins.DEFAULT_MIN_SOLUTIONS} different core solutions between them.",
        ),
        "Service types that many councils deliver with many different core solutions: each buys or builds "
        "its own system for the same job. Shared building blocks such as GOV.UK Notify or the Design System do "
        "not make a service shared; running the same product, platform or code does. These are where moving "
        "to fewer, shared solutions would save the most repeated work.",
        "",
        "## How it is computed",
        "",
        *HOTSPOTS.definition,
        "",
        quote(HOTSPOTS),
        "## The largest hotspots",
        "",
        placeholder("hotspots-chart"),
        "",
        "## Every hotspot",
        "",
        f"{len(spots)} service types.",
        "",
        *listed_note(len(spots), "hotspots, most different solutions first"),
        placeholder("hotspots-all"),
        "",
        "## Which councils share a solution",
        "",
        *shares,
    ]
    return make_page(f"{SECTION}/{HOTSPOTS.name}.md", HOTSPOTS.title, lines, blocks, "../../", in_nav=True)
