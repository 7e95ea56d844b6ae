"""insights/reuse.md: how many councils deliver each service type and the solutions they converge on."""

from __future__ import annotations

from registry.insights import figures as ins
from registry.insights.reuse import REUSE, SOLUTIONS
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, esc, placeholder
from registry.playbook.insights.data import (
    LISTED,
    SECTION,
    TOP_BARS,
    Insights,
    listed_note,
    make_page,
    page_head,
    quote,
    rate,
    type_link,
    type_name,
)


def solution_cell(s: ins.SolutionStats | None, patterns: frozenset[str], prefix: str) -> Html | str:
    if s is None:
        return "–"
    if s.kind == "pattern" and s.id in patterns:
        return Html(f'<a href="{prefix}patterns/{esc(s.id)}/">{esc(s.name)}</a>')
    return s.name


REUSE_HEADERS = (
    "Service type",
    "Function",
    "Councils",
    "Services",
    "Solutions",
    "Services with no solution",
    "Top solution",
    "Kind",
    "Councils using it",
    "Its services compliant",
    "Its musts met",
    "Patterns used",
)


def reuse_rows(data: Insights, type_prefix: str, site_prefix: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for r in data.reuse:
        top = r.top_solution
        rows.append(
            [
                type_link(type_prefix, r.lgsl, r.label),
                r.function or "–",
                r.councils,
                r.services,
                r.solutions,
                r.services_without_solution,
                solution_cell(top, data.patterns, site_prefix),
                top.kind if top else "–",
                top.councils if top else "–",
                rate(top.compliance_rate) if top else "–",
                rate(top.musts_met_rate) if top else "–",
                len(r.patterns),
            ]
        )
    return rows


def reuse_page(data: Insights) -> Page:
    ranked = [r for r in data.reuse if r.top_solution is not None][:TOP_BARS]
    bars = [Bar(type_name(r.label, r.lgsl), r.top_solution.councils, r.councils) for r in ranked if r.top_solution]
    chart = bar_chart(
        "chart-reuse",
        "Councils using each service type's most used solution",
        "Horizontal bar chart: for the service types delivered by the most councils, the share of those "
        "councils using the type's most used solution, with the count of those councils and of all "
        "councils delivering the type. The table beside the chart gives the same figures.",
        bars,
    )
    table = data_table(
        "Most used solution per service type",
        ["Service type", "Councils using the top solution", "Councils delivering it", "Share"],
        [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
        numeric=(1, 2, 3),
        table_id="table-reuse-top",
    )
    blocks = {
        "reuse-chart": figure(chart, table) if bars else "<p>No service names a pattern or supplier yet.</p>",
        "reuse-all": data_table(
            f"{REUSE.title}, most councils first",
            REUSE_HEADERS,
            reuse_rows(data, "../service-types/", "../../")[:LISTED],
            numeric=(2, 3, 4, 5, 8, 9, 10, 11),
            table_id="table-reuse",
        )
        if data.reuse
        else "<p>No indexed service has an LGSL code yet.</p>",
    }
    lines = [
        *page_head(
            REUSE.title,
            data.sample,
            f"{sum(1 for t in data.reuse if t.councils >= 2)} of the {len(data.reuse)} service types in the "
            "registry are delivered by two or more councils; for each, the solutions their services use.",
        ),
        "For each service type (LGSL code): how many councils deliver it, how many different solutions "
        "(shared patterns and supplier products) their services use, and the solution the most councils "
        "use, with how its services comply. Where councils converge on one solution that meets the "
        "standards, others can adopt it rather than build again. Each service type links to its own page.",
        "",
        "## How it is computed",
        "",
        *REUSE.definition,
        "",
        quote(REUSE),
        quote(SOLUTIONS),
        "## Convergence on one solution",
        "",
        f"The {len(bars)} service types delivered by the most councils.",
        "",
        placeholder("reuse-chart"),
        "",
        "## Every service type",
        "",
        *listed_note(len(data.reuse), "service types, most councils first"),
        placeholder("reuse-all"),
        "",
    ]
    return make_page(f"{SECTION}/{REUSE.name}.md", REUSE.title, lines, blocks, "../../", in_nav=True)
