"""insights/service-types/<lgsl>.md: every figure for one service type, from the whole-index results."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from checks.registers import lgsl_terms
from registry.insights import figures as ins
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, esc, md_cell, placeholder
from registry.playbook.insights.data import (
    HORIZON_MONTHS,
    TOP_BARS,
    TYPE_DIR,
    Insights,
    hhi_text,
    make_page,
    notice,
    page_head,
    rate,
    type_name,
    type_path,
)
from registry.playbook.insights.reuse import solution_cell
from registry.playbook.insights.windows import WINDOW_COUNT_HEADERS, councils_cell, window_counts


@dataclass(frozen=True)
class ByType:
    """The whole-index results, keyed by service type, built once for every type page."""

    markets: dict[int, list[ins.Market]]  # per type, its markets (one per role), as the suppliers page orders them
    hotspots: dict[int, ins.Hotspot]
    windows: dict[int, ins.Window]
    products: dict[str, ins.Window]


def by_type(data: Insights) -> ByType:
    return ByType(
        markets=_grouped(data.markets),
        hotspots={h.lgsl: h for h in data.hotspots},
        windows={int(w.key): w for w in data.windows_type.windows},
        products={w.key: w for w in data.windows_product.windows},
    )


def _grouped(markets: list[ins.Market]) -> dict[int, list[ins.Market]]:
    out: dict[int, list[ins.Market]] = {}
    for m in markets:
        out.setdefault(int(m.key), []).append(m)
    return out


def hotspot_text(r: ins.ServiceTypeReuse, h: ins.Hotspot | None) -> str:
    if r.councils < 2:
        return "Only one council delivers this service type, so there is no duplication to measure yet."
    if h is None:
        return (
            f"None of the {r.councils} councils delivering it names a core solution (a solution pattern, a "
            "line-of-business product or its own code), so its duplication cannot be measured."
        )
    hotspot = h.councils >= ins.DEFAULT_MIN_COUNCILS and h.solutions >= ins.DEFAULT_MIN_SOLUTIONS
    status = "a **duplication hotspot**" if hotspot else "not a duplication hotspot"
    return (
        f"This is {status}: {md_cell(h.text)} {h.separate_councils} of its councils work alone, running "
        f"only solutions no other council runs for it. See [how it is computed](../hotspots.md#how-it-is-computed)."
    )


# Each section of the page is a function giving its Markdown lines and the html_blocks they place.
Section = tuple[list[str], dict[str, str]]


def service_type_page(data: Insights, by: ByType, r: ins.ServiceTypeReuse) -> Page:
    title = type_name(r.label, r.lgsl)
    solutions = data.solutions.get(r.lgsl, [])
    lines = _facts(r, title, sample=r.lgsl in data.sample_types)
    blocks: dict[str, str] = {}
    for section_lines, section_blocks in (
        (_names_section(r, data.delivery.get(r.lgsl, [])), {}),
        _reuse_section(data, r, title, solutions),
        ([f"## Duplication{UNSEARCHED}", "", hotspot_text(r, by.hotspots.get(r.lgsl)), ""], {}),
        _suppliers_section(by.markets.get(r.lgsl, []), title),
        _windows_section(data, by, solutions, by.windows.get(r.lgsl)),
        _councils_section(data, data.delivery.get(r.lgsl, []), title),
    ):
        lines += section_lines
        blocks.update(section_blocks)
    return make_page(type_path(r.lgsl), title, lines, blocks, "../../../", in_nav=False, boost=SEARCH_BOOST)


def _facts(r: ins.ServiceTypeReuse, title: str, sample: bool) -> list[str]:
    return [
        f"# {md_cell(title)}",
        "",
        placeholder("style"),
        "",
        f"{r.councils} council{'s deliver' if r.councils != 1 else ' delivers'} {md_cell(r.label)}, through "
        f"{r.services} service{'s' if r.services != 1 else ''} and {r.solutions} different "
        f"solution{'s' if r.solutions != 1 else ''}; {r.compliant} of the services meet every must that "
        "applies to them.",
        "",
        *notice(sample),
        "| Fact | Figure |",
        "|---|---|",
        f"| LGSL code | {r.lgsl} |",
        f"| ESD function | {md_cell(r.function or '–')} |",
        f"| Councils delivering it | {r.councils} |",
        f"| Services | {r.services} ({r.compliant} compliant, {pct(r.compliant, r.services)}) |",
        f"| Distinct solutions | {r.solutions} |",
        f"| Services with no solution | {r.services_without_solution} |",
        "",
        "Part of the [sector insights](../index.md): how this service type is delivered across councils.",
        "",
    ]


SEARCH_BOOST = 4  # a service type's page first when people search by what they call the service
# Material's search leaves out a section whose heading carries this (attr_list). A type's page is found by
# its names (its title, facts and "What it is called") and its solutions (Reuse); its duplication, supplier,
# buying-window and council sections, repeated over 1,500 types, were 4.6 of the search index's 7.5 MB at
# 382 councils and made every supplier's name match 1,500 pages.
UNSEARCHED = " { data-search-exclude }"
NAMES_SHOWN = 40  # the most common service names, enough for search without a long page at 400 councils


def _names_section(r: ins.ServiceTypeReuse, services: list[sqlite3.Row]) -> list[str]:
    """The words people and councils use for this service, in the page text so site search finds it by them."""
    terms = lgsl_terms().get(r.lgsl, ())
    councils_by_name: dict[str, set[str]] = {}
    for s in services:
        councils_by_name.setdefault(s["name"], set()).add(s["council_id"])
    names = Counter({name: len(ids) for name, ids in councils_by_name.items()})
    if not terms and not names:
        return []
    lines = ["## What it is called", ""]
    if terms:
        lines += [f"Also known as: {'; '.join(md_cell(t) for t in terms)}.", ""]
    if names:
        common = sorted(names.items(), key=lambda item: (-item[1], item[0].lower()))
        shown = [f"{md_cell(name)} ({count} {'council' if count == 1 else 'councils'})" for name, count in common]
        more = len(shown) - NAMES_SHOWN
        lines += [
            "What councils call their services of this type: "
            + "; ".join(shown[:NAMES_SHOWN])
            + (f"; and {more} other names." if more > 0 else "."),
            "",
        ]
    return lines


def _reuse_section(data: Insights, r: ins.ServiceTypeReuse, title: str, solutions: list[ins.SolutionStats]) -> Section:
    top = r.top_solution
    if top is None:
        return [
            "## Reuse",
            "",
            "No service of this type names a pattern or a supplier, so there is no shared solution yet.",
            "",
        ], {}
    lines = [
        "## Reuse",
        "",
        f"The most used solution is **{md_cell(top.name)}** ({top.kind}), used by {top.councils} of the "
        f"{r.councils} councils; {rate(top.compliance_rate)} of its services of this type are compliant and "
        f"they meet {rate(top.musts_met_rate)} of the musts that apply to them. Every solution used for this "
        "service type, most councils first "
        "([how it is computed](../reuse.md#how-it-is-computed)):",
        "",
        placeholder("solutions"),
        "",
    ]
    table = data_table(
        f"Solutions used for {title}",
        ["Solution", "Kind", "Councils", "Services", "Compliant services", "Musts met"],
        [
            [
                solution_cell(s, data.patterns, "../../../"),
                s.kind,
                s.councils,
                s.services,
                f"{rate(s.compliance_rate)} ({s.compliant} of {s.services})",
                rate(s.musts_met_rate),
            ]
            for s in solutions
        ],
        numeric=(2, 3, 4, 5),
        table_id="table-solutions",
    )
    return lines, {"solutions": table}


def _suppliers_section(markets: list[ins.Market], title: str) -> Section:
    if not markets:
        return [f"## Suppliers{UNSEARCHED}", "", "No service of this type names a supplier with a role.", ""], {}
    lines = [
        f"## Suppliers{UNSEARCHED}",
        "",
        "Each supplier role is a market of its own "
        "([how shares and the HHI are computed](../suppliers.md#how-it-is-computed)):",
        "",
        *(f"- {_market_text(m)}" for m in markets),  # a role from the fixed list and numbers: nothing to escape
        "",
        placeholder("suppliers"),
        "",
    ]
    largest = max(markets, key=lambda m: (m.services, m.judged))
    bars = [Bar(s.name, round(s.share * largest.services, 6), largest.services) for s in largest.suppliers]
    chart = bar_chart(
        "chart-suppliers",
        f"Supplier shares for {title}: {largest.role}",
        f"Horizontal bar chart: each supplier's share of the services naming a {largest.role} supplier (the "
        "type's largest market), with the services it accounts for and the market's services. The table "
        "beside the chart gives every role's shares.",
        bars[:TOP_BARS],
    )
    table = data_table(
        f"Supplier shares for {title}, by role",
        ["Role", "Supplier", "Services naming it", "Market's services", "Share"],
        [[m.role, s.name, s.services, m.services, rate(s.share)] for m in markets for s in m.suppliers],
        numeric=(2, 3, 4),
        table_id="table-suppliers",
    )
    return lines, {"suppliers": figure(chart, table)}


def _market_text(m: ins.Market) -> str:
    size = f"**{m.role}**: {m.services} of its services in {m.councils} councils name a supplier in this role"
    if not m.judged:
        return f"{size}; {m.verdict}."
    return f"{size}; HHI **{hhi_text(m.hhi)}**: {m.verdict}; the top-3 suppliers hold {rate(m.top3_share)}."


def _windows_section(
    data: Insights, by: ByType, solutions: list[ins.SolutionStats], window: ins.Window | None
) -> Section:
    product_windows = [by.products[s.id] for s in solutions if s.kind == "product" and s.id in by.products]
    if window is None and not product_windows:
        text = (
            f"No contracts for this service type, or a product used for it, end at two or more councils by "
            f"{esc(data.windows_type.horizon_end)}."
        )
        return [f"## Buying windows{UNSEARCHED}", "", text, ""], {}
    lines = [f"## Buying windows{UNSEARCHED}", ""]
    if window is not None:
        lines += [f"{md_cell(window.text)}.", ""]
    # No council list on the product rows: a product bought by hundreds of councils would put
    # hundreds of links on each of its service types' pages; the windows page lists them.
    rows: list[list[object]] = []
    if window is not None:
        rows.append(["This service type (all its suppliers)", *window_counts(window)])
    rows += [[w.label, *window_counts(w)] for w in product_windows]
    block = data_table(
        f"Contracts ending by {data.windows_type.horizon_end}",
        ["For", *WINDOW_COUNT_HEADERS],
        rows,
        numeric=(1, 2),
        table_id="table-windows",
    )
    if window is not None:
        block += (
            "<p>Councils whose contracts for this service type end in the window: "
            f"{councils_cell(data, window.council_ids, '../../../')}.</p>"
        )
    lines += [
        "Contracts ending within the next "
        f"{HORIZON_MONTHS} months at two or more councils: for this service type, and for each product used for "
        "it (those rows count the product's contracts for every service type; the "
        "[buying windows](../windows.md) page names their councils and draws their timeline). "
        "([How windows are computed](../windows.md#how-it-is-computed).)",
        "",
        placeholder("windows"),
        "",
    ]
    return lines, {"windows": block}


def _councils_section(data: Insights, services: list[sqlite3.Row], title: str) -> Section:
    if not services:
        return [], {}
    table = data_table(
        f"Councils delivering {title}",
        ["Council", "Service", "Compliant"],
        [
            [
                Html(
                    f'<a href="../../../councils/{esc(s["council_id"])}/">'
                    f"{esc(data.councils.get(s['council_id'], s['council_id']))}</a>"
                ),
                Html(
                    f'<a href="../../../councils/{esc(s["council_id"])}/#service-{esc(s["id"])}">{esc(s["name"])}</a>'
                ),
                "Yes" if s["compliant"] else "No",
            ]
            for s in services
        ],
        table_id="table-councils",
    )
    return [f"## Councils delivering it{UNSEARCHED}", "", placeholder("councils"), ""], {"councils": table}


def index_page(data: Insights) -> Page:
    """insights/service-types/index.md: every service type by ESD function, each linking to its page.

    The tables over every service type list their first LISTED rows, so this is where every type's
    page is reached from. A list of links in an html_block: each type's page is searchable already.
    """
    by_function: dict[str, list[ins.ServiceTypeReuse]] = {}
    for r in data.reuse:
        by_function.setdefault(r.function or "No ESD function", []).append(r)
    parts: list[str] = []
    for function in sorted(by_function):
        rows = sorted(by_function[function], key=lambda r: (r.label.lower(), r.lgsl))
        items = "".join(
            f'<li><a href="{r.lgsl}/">{esc(type_name(r.label, r.lgsl))}</a>: {r.councils} councils</li>' for r in rows
        )
        parts.append(f"<h2>{esc(function)}</h2><ul>{items}</ul>")
    lines = [
        *page_head(
            "Service types",
            data.sample,
            f"Every service type (LGSL code) that indexed services deliver, {len(data.reuse):,} of them, by ESD "
            "function, with how many councils deliver each.",
        ),
        "Each links to its page in the [sector insights](../index.md): its solutions, suppliers, buying windows "
        "and councils.",
        "",
        placeholder("types"),
        "",
    ]
    blocks = {"types": "".join(parts) if parts else "<p>No indexed service has an LGSL code yet.</p>"}
    return make_page(f"{TYPE_DIR}/index.md", "Service types", lines, blocks, "../../", in_nav=False)
