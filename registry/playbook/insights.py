"""The Insights section (issue 6): what the registry shows that no single council can see.

insights/index.md introduces the figures; insights/reuse.md, hotspots.md, suppliers.md,
windows.md, interop.md and trend.md each show one, as static SVG charts beside tables of the
same numbers; insights/service-types/<lgsl>.md gathers every figure for one service type and
is what council and pattern pages link to for a service's LGSL code.

The numbers are registry.insights.figures' own (and registry.insights.trend's), so the site, the
`standards insights` command and /api/v1/insights/... cannot disagree; each page quotes the
docstring of the function it renders, so "how it is computed" is the code's own account.

Speed: the benchmark index has 100,000 services in about 1,900 service types, so every
figure is one call over the whole index (never one per service type), the per-type pages are
assembled from those results in Python, and every bulky table is an html_block, which neither
Markdown nor the search index sees.

Escaping: supplier, product, service and council names come from manifests: they go through
`esc` (or data_table, which escapes every cell that is not `Html`), and `md_cell` in Markdown.
"""

from __future__ import annotations

import datetime as dt
import inspect
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.insights import figures as ins
from registry.insights.hotspots import HOTSPOTS
from registry.insights.interop import INTEROP
from registry.insights.lock_in import LOCK_IN
from registry.insights.reuse import REUSE, SOLUTIONS
from registry.insights.suppliers import MARKET
from registry.insights.trend import TREND, TrendError, TrendResult, compliance_trend
from registry.insights.windows import WINDOWS
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import SAMPLE_NOTICE, Asset, Page, SiteContext, esc, md_cell, placeholder
from registry.playbook.councils import block_tokens, stylesheet_link

SECTION = "insights"
TYPE_DIR = f"{SECTION}/service-types"
TOP_BARS = 20  # bars in a chart; the table beside it, or below it, has every row
LOCK_IN_LISTED = 50  # services listed with the most lock-in signals
TREND_MONTHS = 12
HORIZON_MONTHS = ins.DEFAULT_HORIZON_MONTHS

FIGURES = (
    (
        f"{REUSE.name}.md",
        REUSE.title,
        "how many councils deliver each service type, the solutions they use, "
        "and how the services using the most common one comply",
    ),
    (f"{HOTSPOTS.name}.md", HOTSPOTS.title, "service types many councils deliver separately, with no shared pattern"),
    (
        "suppliers.md",
        "Supplier concentration and lock-in",
        "each supplier's share of each service type and ESD "
        "function, the Herfindahl–Hirschman index, and services showing signs of lock-in",
    ),
    (
        f"{WINDOWS.name}.md",
        WINDOWS.title,
        f"contracts ending in the next {HORIZON_MONTHS} months, by product and by service type: who could buy together",
    ),
    (
        f"{INTEROP.name}.md",
        INTEROP.title,
        "open APIs, Open Referral UK among directories and UPRN/USRN among "
        "address services, by council type, region and nation",
    ),
    (
        f"{TREND.name}.md",
        TREND.title,
        f"compliance by standard at each month end over the last {TREND_MONTHS} months of the registry's Git history",
    ),
)

# --------------------------------------------------------------------------- formatting


def rate(value: float | None) -> str:
    """A 0-1 rate as the site prints it (pct's format); – when there is nothing to divide."""
    return "–" if value is None else f"{100 * value:.1f}%"


def hhi_text(value: float) -> str:
    return f"{value:,.0f}"


def type_path(lgsl: int) -> str:
    """The docs path of a service type's page (council and pattern pages link to its URL)."""
    return f"{TYPE_DIR}/{lgsl}.md"


def _type_name(label: str, lgsl: int) -> str:
    return f"{label} (LGSL {lgsl})"


def _type_link(prefix: str, lgsl: int, label: str) -> Html:
    """A link to a service type's page from a page whose URL is `prefix` below insights/service-types/."""
    return Html(f'<a href="{prefix}{int(lgsl)}/">{esc(_type_name(label, lgsl))}</a>')


def _quote(function: Callable[..., Any]) -> str:
    """A function's docstring as a Markdown admonition: the code's own account of the figure."""
    doc = inspect.getdoc(function) or ""
    name = f"{function.__module__}.{function.__name__}"
    body = "\n".join(f"    {line}" if line else "" for line in doc.splitlines())
    return f'??? note "From the code: `{name}`"\n{body}\n'


def _notice(sample: bool) -> list[str]:
    return [SAMPLE_NOTICE, ""] if sample else []


# --------------------------------------------------------------------------- the data, once


@dataclass
class Insights:
    """Every figure over the whole index, each from one call to registry.insights.figures."""

    as_of: str
    sample: bool  # any indexed service is sample data
    sample_types: frozenset[int]
    councils: dict[str, str]  # id -> name
    patterns: frozenset[str]  # ids with a page under patterns/
    reuse: list[ins.ServiceTypeReuse]
    solutions: dict[int, list[ins.SolutionStats]]
    hotspots: list[ins.Hotspot]  # every type with at least one council delivering it separately
    markets: list[ins.Market]
    functions: list[ins.Market]
    lock_in: ins.LockInPage
    windows_product: ins.WindowResult
    windows_type: ins.WindowResult
    interop: dict[str, list[ins.InteropGroup]]
    delivery: dict[int, list[sqlite3.Row]]  # per type, its services with their councils

    @property
    def labels(self) -> dict[int, str]:
        return {r.lgsl: r.label for r in self.reuse}

    @property
    def hotspot_list(self) -> list[ins.Hotspot]:
        """The hotspots page's list: duplication_hotspots with its default threshold."""
        return [h for h in self.hotspots if h.separate_councils >= 2]


def load(ctx: SiteContext) -> Insights:
    conn = ctx.conn
    sample_types: set[int] = set()
    sample = False
    for row in conn.execute("SELECT lgsl, max(sample) AS sample FROM services GROUP BY lgsl"):
        if row["sample"]:
            sample = True
            if row["lgsl"] is not None:
                sample_types.add(row["lgsl"])
    solutions: dict[int, list[ins.SolutionStats]] = defaultdict(list)
    for s in ins.solutions(conn):
        solutions[s.lgsl].append(s)
    delivery: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for row in conn.execute(
        """SELECT s.lgsl, s.council_id, s.id, s.name, s.compliant, s.sample FROM services s
           WHERE s.lgsl IS NOT NULL ORDER BY s.lgsl, s.council_id, s.name, s.id"""
    ):
        delivery[row["lgsl"]].append(row)
    return Insights(
        as_of=ctx.as_of,
        sample=sample,
        sample_types=frozenset(sample_types),
        councils={r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM councils")},
        patterns=frozenset(r["id"] for r in conn.execute("SELECT id FROM patterns")),
        reuse=ins.reuse_by_service_type(conn),
        solutions=dict(solutions),
        hotspots=ins.duplication_hotspots(conn, min_separate=1),
        markets=ins.supplier_concentration(conn, "service-type"),
        functions=ins.supplier_concentration(conn, "function"),
        lock_in=ins.lock_in_signals(conn, limit=LOCK_IN_LISTED),
        windows_product=ins.procurement_windows(conn, HORIZON_MONTHS, "product"),
        windows_type=ins.procurement_windows(conn, HORIZON_MONTHS, "service-type"),
        interop={by: ins.interoperability(conn, by) for by in ins.INTEROP_GROUPS},
        delivery=dict(delivery),
    )


def _page(path: str, title: str, lines: list[str], blocks: dict[str, str], prefix: str, in_nav: bool) -> Page:
    blocks = {"style": stylesheet_link(prefix), **blocks}
    return Page(path, "\n".join(lines) + "\n", html_blocks=block_tokens(blocks), title=title, in_nav=in_nav)


def _head(title: str, sample: bool) -> list[str]:
    return [f"# {title}", "", placeholder("style"), "", *_notice(sample)]


# --------------------------------------------------------------------------- index


def index_page(data: Insights) -> Page:
    delivered = [r for r in data.reuse if r.councils >= 2]
    concentrated = [m for m in data.markets if m.highly_concentrated]
    lines = [
        *_head("Sector insights", data.sample),
        "A single council sees its own services. The registry holds every council's, so it can show "
        "what none of them can see alone: where many councils build the same service separately, "
        "which shared solutions already work well, where a few suppliers dominate a market, and "
        "which contracts end at the same time so councils could buy together.",
        "",
        f"The figures below are computed from the registry's index as of {esc(data.as_of)}: "
        f"{sum(r.services for r in data.reuse)} services with an LGSL code, in {len(data.reuse)} service "
        f"types. {len(delivered)} service types are delivered by two or more councils; "
        f"{len(data.hotspot_list)} are duplication hotspots; {len(concentrated)} of the {len(data.markets)} "
        f"service-type supplier markets are highly concentrated; "
        f"{len(data.windows_product.windows)} supplier products have contracts ending by "
        f"{esc(data.windows_product.horizon_end)}.",
        "",
        "## The figures",
        "",
        *(f"- [{title}]({path}): {what}." for path, title, what in FIGURES),
        "",
        "Each service type has its own page with every figure for it; they are linked from the "
        "[reuse table](reuse.md), from each council's services and from each pattern's page.",
        "",
        "Each page says how its figures are computed, quoting the code that computes them. The same "
        "figures come from the command line (`standards insights reuse|hotspots|suppliers|lock-in|windows|"
        "interop|trend`) and the API (`/api/v1/insights/...`), in JSON or CSV.",
        "",
        "## Terms",
        "",
        "- A **service type** is a service's LGSL code (Local Government Service List); services without "
        "one are left out of the per-type figures.",
        "- A **solution** is something a service is built on that other councils could reuse: a pattern from "
        "the registry's library, or a supplier product (the supplier and the product, matched ignoring case "
        "and surrounding spaces).",
        "- **Musts met** is, over a set of services, the share of the must-level results that applied to "
        "them that passed or were waived, pooled over the set.",
        "",
    ]
    return _page(f"{SECTION}/index.md", "Sector insights", lines, {}, "../", in_nav=False)


# --------------------------------------------------------------------------- reuse


def _solution_cell(s: ins.SolutionStats | None, patterns: frozenset[str], prefix: str) -> Html | str:
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
                _type_link(type_prefix, r.lgsl, r.label),
                r.function or "–",
                r.councils,
                r.services,
                r.solutions,
                r.services_without_solution,
                _solution_cell(top, data.patterns, site_prefix),
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
    bars = [Bar(_type_name(r.label, r.lgsl), r.top_solution.councils, r.councils) for r in ranked if r.top_solution]
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
            "Reuse by service type, most councils first",
            REUSE_HEADERS,
            reuse_rows(data, "../service-types/", "../../"),
            numeric=(2, 3, 4, 5, 8, 9, 10, 11),
            table_id="table-reuse",
        )
        if data.reuse
        else "<p>No indexed service has an LGSL code yet.</p>",
    }
    lines = [
        *_head(REUSE.title, data.sample),
        "For each service type (LGSL code): how many councils deliver it, how many different solutions "
        "(shared patterns and supplier products) their services use, and the solution the most councils "
        "use, with how its services comply. Where councils converge on one solution that meets the "
        "standards, others can adopt it rather than build again. Each service type links to its own page.",
        "",
        "## How it is computed",
        "",
        *REUSE.definition,
        "",
        _quote(REUSE.compute),
        _quote(SOLUTIONS.compute),
        "## Convergence on one solution",
        "",
        f"The {len(bars)} service types delivered by the most councils.",
        "",
        placeholder("reuse-chart"),
        "",
        "## Every service type",
        "",
        placeholder("reuse-all"),
        "",
    ]
    return _page(f"{SECTION}/{REUSE.name}.md", REUSE.title, lines, blocks, "../../", in_nav=True)


# --------------------------------------------------------------------------- hotspots


def hotspots_page(data: Insights) -> Page:
    spots = data.hotspot_list
    bars = [Bar(_type_name(h.label, h.lgsl), h.separate_councils, h.councils) for h in spots[:TOP_BARS]]
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
        ["Service type", "Separately", "Councils", "Share"],
        [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
        numeric=(1, 2, 3),
        table_id="table-hotspots-top",
    )
    rows = [
        [
            _type_link("../service-types/", h.lgsl, h.label),
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
            "Duplication hotspots, most separate councils first",
            HOTSPOTS.headings,
            rows,
            numeric=(2, 3, 4, 5, 6, 7),
            table_id="table-hotspots",
        )
        if rows
        else "",
    }
    lines = [
        *_head(HOTSPOTS.title, data.sample),
        "Service types that many councils deliver without a pattern they share: each builds or buys its "
        "own. These are where a shared pattern would save the most repeated work.",
        "",
        "## How it is computed",
        "",
        *HOTSPOTS.definition,
        "",
        _quote(HOTSPOTS.compute),
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
    return _page(f"{SECTION}/{HOTSPOTS.name}.md", HOTSPOTS.title, lines, blocks, "../../", in_nav=True)


# --------------------------------------------------------------------------- suppliers and lock-in


def shares_text(market: ins.Market) -> str:
    """Every supplier's share of a market, largest first: "Name 50.0% (2); ..."."""
    return "; ".join(f"{s.name} {pct(s.services, market.pairs)} ({s.services})" for s in market.suppliers)


MARKET_HEADERS = MARKET.headings_of(
    "services",
    "services_with_suppliers",
    "pairs",
    "supplier_count",
    "top3_share",
    "hhi",
    "highly_concentrated",
    "suppliers",
)


def market_cells(m: ins.Market) -> list[object]:
    return [
        m.services,
        m.services_with_suppliers,
        m.pairs,
        len(m.suppliers),
        rate(m.top3_share),
        hhi_text(m.hhi),
        "Yes" if m.highly_concentrated else "No",
        shares_text(m),
    ]


def _top3_bar(m: ins.Market, label: str) -> Bar:
    # share = services / pairs exactly, so the top three's services over the pairs is the top-3 share.
    return Bar(label, sum(s.services for s in m.suppliers[:3]), m.pairs)


def _market_figure(ident: str, what: str, markets: Sequence[ins.Market], labels: Sequence[str]) -> str:
    bars = [_top3_bar(m, label) for m, label in zip(markets, labels, strict=True)]
    chart = bar_chart(
        f"chart-{ident}",
        f"Top-3 suppliers' share by {what}",
        f"Horizontal bar chart: for each {what} (most concentrated first), the three largest suppliers' "
        "share of its (service, supplier) pairs, with the count of their pairs and of all pairs. The table "
        "beside the chart gives the same figures with each market's HHI.",
        bars,
    )
    table = data_table(
        f"Top-3 share and HHI by {what}",
        [what[:1].upper() + what[1:], "Top-3 pairs", "Pairs", "Top-3 share", "HHI", "Highly concentrated"],
        [
            [b.label, b.part, b.whole, pct(b.part, b.whole), hhi_text(m.hhi), "Yes" if m.highly_concentrated else "No"]
            for b, m in zip(bars, markets, strict=True)
        ],
        numeric=(1, 2, 3, 4),
        table_id=f"table-{ident}-top",
    )
    return figure(chart, table)


LOCK_IN_SIGNALS = tuple((c.key, c.heading) for c in LOCK_IN.columns if c.type is bool)


def _lock_in_blocks(data: Insights) -> dict[str, str]:
    page = data.lock_in
    bars = [Bar(name, getattr(page, attr), page.services) for attr, name in LOCK_IN_SIGNALS]
    chart = bar_chart(
        "chart-lock-in",
        "Services showing each lock-in signal",
        "Horizontal bar chart: for each lock-in signal, the share of all indexed services showing it, with "
        "the count of those services and of all services. The table beside the chart gives the same figures.",
        bars,
    )
    table = data_table(
        "Services showing each lock-in signal",
        ["Signal", "Services showing it", "Services", "Share"],
        [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
        numeric=(1, 2, 3),
        table_id="table-lock-in",
    )
    rows: list[list[object]] = []
    labels = data.labels
    for item in page.items:
        service_id = item.service.split("/", 1)[1]
        council = esc(item.council)
        rows.append(
            [
                Html(f'<a href="../../councils/{council}/#service-{esc(service_id)}">{esc(item.name)}</a>'),
                Html(f'<a href="../../councils/{council}/">{esc(data.councils.get(item.council, item.council))}</a>'),
                _type_link("../service-types/", item.lgsl, labels.get(item.lgsl, f"LGSL {item.lgsl}"))
                if item.lgsl is not None
                else "–",
                item.signals,
                ", ".join(name for attr, name in LOCK_IN_SIGNALS if getattr(item, attr)),
            ]
        )
    return {
        "lock-in-chart": figure(chart, table) if page.services else "<p>No services are indexed yet.</p>",
        "lock-in-list": data_table(
            f"The {len(rows)} services showing the most lock-in signals",
            ["Service", "Council", "Service type", "Signals", "Which"],
            rows,
            numeric=(3,),
            table_id="table-lock-in-services",
        )
        if rows
        else "",
    }


def suppliers_page(data: Insights) -> Page:
    functions = data.functions
    types = data.markets
    # A type with one service naming one supplier is trivially "concentrated" (HHI 10,000); the chart
    # shows the largest markets (most services naming suppliers), most concentrated first, where a
    # dominant supplier matters. The table below it still has every market.
    largest = sorted(types, key=lambda m: (-m.services_with_suppliers, m.key))[:TOP_BARS]
    chosen = {m.key for m in largest}
    top_types = [m for m in types if m.key in chosen]
    blocks = {
        "functions-chart": _market_figure("functions", "ESD function", functions, [m.label for m in functions])
        if functions
        else "<p>No service names a supplier yet.</p>",
        "functions-all": data_table(
            "Supplier concentration by ESD function, highest HHI first",
            ["ESD function", *MARKET_HEADERS],
            [[m.label, *market_cells(m)] for m in functions],
            numeric=(1, 2, 3, 4, 5, 6),
            table_id="table-functions",
        )
        if functions
        else "",
        "types-chart": _market_figure(
            "types", "service type", top_types, [_type_name(m.label, int(m.key)) for m in top_types]
        )
        if types
        else "<p>No service names a supplier yet.</p>",
        "types-all": data_table(
            "Supplier concentration by service type, highest HHI first",
            ["Service type", *MARKET_HEADERS],
            [[_type_link("../service-types/", int(m.key), m.label), *market_cells(m)] for m in types],
            numeric=(1, 2, 3, 4, 5, 6),
            table_id="table-types",
        )
        if types
        else "",
        **_lock_in_blocks(data),
    }
    lock = data.lock_in
    concentrated = sum(m.highly_concentrated for m in types)
    lines = [
        *_head("Supplier concentration and lock-in", data.sample),
        "How much of each market a few suppliers hold, and which services would be hard to move to another "
        "supplier. A concentrated market gives councils little choice at renewal; lock-in makes leaving costly.",
        "",
        "## How it is computed",
        "",
        *MARKET.definition,
        "",
        _quote(MARKET.compute),
        "## By ESD function",
        "",
        f"{len(functions)} functions, most concentrated first.",
        "",
        placeholder("functions-chart"),
        "",
        placeholder("functions-all"),
        "",
        "## By service type",
        "",
        f"{len(types)} service types name suppliers; {concentrated} are highly concentrated (HHI above 2,500). "
        f"The chart shows the {len(top_types)} largest markets (most services naming suppliers), most "
        "concentrated first; the table has every one.",
        "",
        placeholder("types-chart"),
        "",
        placeholder("types-all"),
        "",
        "## Lock-in signals",
        "",
        f"Of {lock.services} services, {lock.total} show at least one of four signals: " + " ".join(LOCK_IN.definition),
        "",
        _quote(LOCK_IN.compute),
        placeholder("lock-in-chart"),
        "",
        placeholder("lock-in-list"),
        "",
    ]
    return _page(f"{SECTION}/suppliers.md", "Supplier concentration and lock-in", lines, blocks, "../../", True)


# --------------------------------------------------------------------------- windows


def _councils_cell(data: Insights, ids: Iterable[str], prefix: str) -> Html:
    return Html(", ".join(f'<a href="{prefix}councils/{esc(c)}/">{esc(data.councils.get(c, c))}</a>' for c in ids))


WINDOW_HEADERS = WINDOWS.headings_of("councils", "contracts", "earliest_end", "latest_end", "council_ids", "text")


def window_cells(data: Insights, w: ins.Window, prefix: str) -> list[object]:
    return [w.councils, w.contracts, w.earliest_end, w.latest_end, _councils_cell(data, w.council_ids, prefix), w.text]


def _window_counts(w: ins.Window) -> list[object]:
    return [w.councils, w.contracts, w.earliest_end, w.latest_end, w.text]


def windows_page(data: Insights) -> Page:
    products = data.windows_product
    types = data.windows_type
    shared = [w for w in products.windows if w.councils >= 2]
    blocks = {
        "windows-product": data_table(
            f"Contracts ending {products.as_of} to {products.horizon_end}, by supplier product",
            ["Supplier product", *WINDOW_HEADERS],
            [[w.label, *window_cells(data, w, "../../")] for w in products.windows],
            numeric=(1, 2),
            table_id="table-windows-product",
        )
        if products.windows
        else "<p>No contract ends within the horizon.</p>",
        "windows-type": data_table(
            f"Contracts ending {types.as_of} to {types.horizon_end}, by service type",
            ["Service type", *WINDOW_HEADERS],
            [
                [_type_link("../service-types/", int(w.key), w.label), *window_cells(data, w, "../../")]
                for w in types.windows
            ],
            numeric=(1, 2),
            table_id="table-windows-type",
        )
        if types.windows
        else "<p>No contract ends within the horizon.</p>",
    }
    lines = [
        *_head(WINDOWS.title, data.sample),
        f"Contracts ending in the {HORIZON_MONTHS} months from the index's as-of date, {esc(products.as_of)}, "
        f"to {esc(products.horizon_end)}. Councils whose contracts for the same product, or for the same kind "
        "of service, end at about the same time could specify and buy together, or move to a shared solution.",
        "",
        "## How it is computed",
        "",
        *WINDOWS.definition,
        "",
        _quote(WINDOWS.compute),
        "## By supplier product",
        "",
    ]
    if shared:
        more = f" (the {TOP_BARS} with the most councils; the table has every one)" if len(shared) > TOP_BARS else ""
        lines += [f"Where two or more councils could buy together{more}:", ""]
        lines += [f"- {md_cell(w.text)}." for w in shared[:TOP_BARS]]
        lines.append("")
    lines += [
        placeholder("windows-product"),
        "",
        "## By service type",
        "",
        placeholder("windows-type"),
        "",
    ]
    return _page(f"{SECTION}/{WINDOWS.name}.md", WINDOWS.title, lines, blocks, "../../", in_nav=True)


# --------------------------------------------------------------------------- interoperability


def interop_cells(g: ins.InteropGroup) -> list[object]:
    return [
        g.councils,
        g.services,
        g.open_api,
        rate(g.open_api_share),
        g.directories,
        g.open_referral_uk,
        rate(g.open_referral_uk_share),
        g.address_services,
        g.uprn,
        rate(g.uprn_share),
        g.usrn,
        rate(g.usrn_share),
    ]


GROUP_NAMES = {"all": "All councils", "type": "council type", "region": "region", "nation": "nation"}


def _interop_figure(by: str, groups: Sequence[ins.InteropGroup]) -> str:
    what = GROUP_NAMES[by]
    table = data_table(
        f"Data interoperability by {what}",
        [what[:1].upper() + what[1:], *INTEROP.headings],
        [[g.name, *interop_cells(g)] for g in groups],
        numeric=range(1, 13),
        table_id=f"table-interop-{by}",
    )
    chart = bar_chart(
        f"chart-interop-{by}",
        f"Services publishing an open API, by {what}",
        f"Horizontal bar chart: for each {what}, the share of its services declaring an open API, with the "
        "count of those services and of all its services. The table gives these and the Open Referral UK, "
        "UPRN and USRN figures.",
        [Bar(g.name, g.open_api, g.services) for g in groups],
    )
    return figure(chart, table)


def interop_page(data: Insights) -> Page:
    overall = data.interop["all"]
    blocks: dict[str, str] = {}
    if overall:
        g = overall[0]
        bars = [
            Bar("Open API (of all services)", g.open_api, g.services),
            Bar("Open Referral UK (of directories)", g.open_referral_uk, g.directories),
            Bar("UPRN (of address services)", g.uprn, g.address_services),
            Bar("USRN (of address services)", g.usrn, g.address_services),
        ]
        chart = bar_chart(
            "chart-interop-all",
            "Data interoperability across all councils",
            "Horizontal bar chart: the share of all services declaring an open API, of directory services "
            "using Open Referral UK, and of address services holding UPRN and USRN, each with its counts. "
            "The table beside the chart gives the same figures.",
            bars,
        )
        table = data_table(
            "Data interoperability across all councils",
            ["Measure", "Services", "Of", "Share"],
            [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
            numeric=(1, 2, 3),
            table_id="table-interop-overall",
        )
        blocks["interop-all"] = figure(chart, table)
    else:
        blocks["interop-all"] = "<p>No services are indexed yet.</p>"
    for by in ("type", "region", "nation"):
        groups = data.interop[by]
        blocks[f"interop-{by}"] = _interop_figure(by, groups) if groups else "<p>No services are indexed yet.</p>"
    lines = [
        *_head(INTEROP.title, data.sample),
        "Whether councils' data can be joined up and reused: services publishing an open API, directories "
        "of local services using the Open Referral UK standard (so one directory can be read by many apps), "
        "and services handling addresses holding the Unique Property and Street Reference Numbers (UPRN and "
        "USRN), so records about the same place match across systems.",
        "",
        "## How it is computed",
        "",
        *INTEROP.definition,
        "",
        _quote(INTEROP.compute),
        "## All councils",
        "",
        placeholder("interop-all"),
        "",
        "## By council type",
        "",
        placeholder("interop-type"),
        "",
        "## By region",
        "",
        placeholder("interop-region"),
        "",
        "## By nation",
        "",
        placeholder("interop-nation"),
        "",
    ]
    return _page(f"{SECTION}/{INTEROP.name}.md", INTEROP.title, lines, blocks, "../../", in_nav=True)


# --------------------------------------------------------------------------- trend


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
        *_head(TREND.title, data.sample),
        f"Compliance with each standard at every month end from {since.isoformat()} to {until.isoformat()} "
        "(the index's as-of date), read from the registry's Git history: how the sector's services have "
        "moved towards the standards.",
        "",
        "## How it is computed",
        "",
        *TREND.definition,
        "",
        _quote(TREND.compute),
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
    return _page(f"{SECTION}/{TREND.name}.md", TREND.title, lines, blocks, "../../", in_nav=True)


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
        ["Standard", "Compliant", "Services", "Compliance"],
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
            ["Standard", *months],
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


# --------------------------------------------------------------------------- one service type


@dataclass(frozen=True)
class _ByType:
    """The whole-index results, keyed by service type, built once for every type page."""

    markets: dict[int, ins.Market]
    hotspots: dict[int, ins.Hotspot]
    windows: dict[int, ins.Window]
    products: dict[str, ins.Window]


def _by_type(data: Insights) -> _ByType:
    return _ByType(
        markets={int(m.key): m for m in data.markets},
        hotspots={h.lgsl: h for h in data.hotspots},
        windows={int(w.key): w for w in data.windows_type.windows},
        products={w.key: w for w in data.windows_product.windows},
    )


def _hotspot_text(r: ins.ServiceTypeReuse, h: ins.Hotspot | None) -> str:
    if h is None:
        if r.councils < 2:
            return "Only one council delivers this service type, so there is no duplication to measure yet."
        return (
            f"Not a duplication hotspot: each of the {r.councils} councils delivering it shares a pattern with "
            "another council for it."
        )
    status = (
        "a **duplication hotspot**"
        if h.separate_councils >= 2
        else "not a duplication hotspot (fewer than two councils deliver it separately)"
    )
    return (
        f"This is {status}: {h.separate_councils} of its {h.councils} councils deliver it separately, sharing "
        f"no pattern with another council for it; {h.sharing_councils} share one. {h.services_without_pattern} "
        f"of its {h.services} services use no pattern, and {h.one_off_patterns} patterns are used by only one "
        "council for it. See [how it is computed](../hotspots.md#how-it-is-computed)."
    )


def service_type_page(data: Insights, by: _ByType, r: ins.ServiceTypeReuse) -> Page:
    lgsl = r.lgsl
    title = _type_name(r.label, lgsl)
    sample = lgsl in data.sample_types
    solutions = data.solutions.get(lgsl, [])
    market = by.markets.get(lgsl)
    window = by.windows.get(lgsl)
    product_windows = [by.products[s.id] for s in solutions if s.kind == "product" and s.id in by.products]
    top = r.top_solution
    blocks: dict[str, str] = {}
    lines = [
        f"# {md_cell(title)}",
        "",
        placeholder("style"),
        "",
        *_notice(sample),
        "| Fact | Figure |",
        "|---|---|",
        f"| LGSL code | {lgsl} |",
        f"| ESD function | {md_cell(r.function or '–')} |",
        f"| Councils delivering it | {r.councils} |",
        f"| Services | {r.services} ({r.compliant} compliant, {pct(r.compliant, r.services)}) |",
        f"| Distinct solutions | {r.solutions} |",
        f"| Services with no solution | {r.services_without_solution} |",
        "",
        "Part of the [sector insights](../index.md): how this service type is delivered across councils.",
        "",
        "## Reuse",
        "",
    ]
    if top is None:
        lines += ["No service of this type names a pattern or a supplier, so there is no shared solution yet.", ""]
    else:
        lines += [
            f"The most used solution is **{md_cell(top.name)}** ({top.kind}), used by {top.councils} of the "
            f"{r.councils} councils; {rate(top.compliance_rate)} of its services of this type are compliant and "
            f"they meet {rate(top.musts_met_rate)} of the musts that apply to them. Every solution used for this "
            "service type, most councils first "
            "([how it is computed](../reuse.md#how-it-is-computed)):",
            "",
            placeholder("solutions"),
            "",
        ]
        blocks["solutions"] = data_table(
            f"Solutions used for {title}",
            ["Solution", "Kind", "Councils", "Services", "Compliant services", "Musts met"],
            [
                [
                    _solution_cell(s, data.patterns, "../../../"),
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
    lines += ["## Duplication", "", _hotspot_text(r, by.hotspots.get(lgsl)), "", "## Suppliers", ""]
    if market is None:
        lines += ["No service of this type names a supplier.", ""]
    else:
        flag = "highly concentrated (above 2,500)" if market.highly_concentrated else "not highly concentrated"
        lines += [
            f"{market.services_with_suppliers} of its {market.services} services name suppliers, making "
            f"{market.pairs} (service, supplier) pairs. HHI **{hhi_text(market.hhi)}**: {flag}; the top-3 "
            f"suppliers hold {rate(market.top3_share)}. "
            "([How shares and the HHI are computed](../suppliers.md#how-it-is-computed).)",
            "",
            placeholder("suppliers"),
            "",
        ]
        bars = [Bar(s.name, s.services, market.pairs) for s in market.suppliers]
        chart = bar_chart(
            "chart-suppliers",
            f"Supplier shares for {title}",
            "Horizontal bar chart: each supplier's share of the service type's (service, supplier) pairs, "
            "with the count of services naming it and of all pairs. The table beside the chart gives the "
            "same figures.",
            bars[:TOP_BARS],
        )
        table = data_table(
            f"Supplier shares for {title}",
            ["Supplier", "Services naming it", "Pairs", "Share"],
            [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
            numeric=(1, 2, 3),
            table_id="table-suppliers",
        )
        blocks["suppliers"] = figure(chart, table)
    lines += ["## Procurement windows", ""]
    if window is None and not product_windows:
        lines += [f"No contract for this service type ends by {esc(data.windows_type.horizon_end)}.", ""]
    else:
        if window is not None:
            lines += [f"{md_cell(window.text)}.", ""]
        # No council list on the product rows: a product bought by hundreds of councils would put
        # hundreds of links on each of its service types' pages; the windows page lists them.
        rows: list[list[object]] = []
        if window is not None:
            rows.append(["This service type (all its suppliers)", *_window_counts(window)])
        rows += [[w.label, *_window_counts(w)] for w in product_windows]
        block = data_table(
            f"Contracts ending by {data.windows_type.horizon_end}",
            ["For", "Councils", "Contracts", "First ends", "Last ends", "In words"],
            rows,
            numeric=(1, 2),
            table_id="table-windows",
        )
        if window is not None:
            block += (
                "<p>Councils whose contracts for this service type end in the window: "
                f"{_councils_cell(data, window.council_ids, '../../../')}.</p>"
            )
        blocks["windows"] = block
        lines += [
            "Contracts ending within the next "
            f"{HORIZON_MONTHS} months: for this service type, and for each product used for it (those rows "
            "count the product's contracts for every service type; the "
            "[procurement windows](../windows.md) page names their councils). "
            "([How windows are computed](../windows.md#how-it-is-computed).)",
            "",
            placeholder("windows"),
            "",
        ]
    services = data.delivery.get(lgsl, [])
    if services:
        blocks["councils"] = data_table(
            f"Councils delivering {title}",
            ["Council", "Service", "Compliant"],
            [
                [
                    Html(
                        f'<a href="../../../councils/{esc(s["council_id"])}/">'
                        f"{esc(data.councils.get(s['council_id'], s['council_id']))}</a>"
                    ),
                    Html(
                        f'<a href="../../../councils/{esc(s["council_id"])}/#service-{esc(s["id"])}">'
                        f"{esc(s['name'])}</a>"
                    ),
                    "Yes" if s["compliant"] else "No",
                ]
                for s in services
            ],
            table_id="table-councils",
        )
        lines += ["## Councils delivering it", "", placeholder("councils"), ""]
    return _page(type_path(lgsl), title, lines, blocks, "../../../", in_nav=False)


# --------------------------------------------------------------------------- entry point


def pages(ctx: SiteContext) -> list[Page | Asset]:
    # The stylesheet these pages link is an asset of registry.playbook.councils.pages.
    data = load(ctx)
    by = _by_type(data)
    out: list[Page | Asset] = [
        index_page(data),
        reuse_page(data),
        hotspots_page(data),
        suppliers_page(data),
        windows_page(data),
        interop_page(data),
        trend_page(ctx, data, read_trend(ctx)),
    ]
    out += [service_type_page(data, by, r) for r in data.reuse]
    return out
