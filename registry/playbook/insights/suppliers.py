"""insights/suppliers.md: supplier concentration by ESD function and service type, and lock-in signals."""

from __future__ import annotations

from collections.abc import Sequence

from registry.insights import figures as ins
from registry.insights.lock_in import LOCK_IN
from registry.insights.suppliers import MARKET
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, esc, placeholder
from registry.playbook.insights.data import (
    SECTION,
    TOP_BARS,
    Insights,
    hhi_text,
    make_page,
    page_head,
    quote,
    rate,
    type_link,
    type_name,
)

TITLE = f"{MARKET.title} and lock-in"  # the page shows two figures: MARKET and LOCK_IN


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
        [
            what[:1].upper() + what[1:],
            "Top-3 pairs",
            *MARKET.headings_of("pairs", "top3_share", "hhi", "highly_concentrated"),
        ],
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
                type_link("../service-types/", item.lgsl, labels.get(item.lgsl, f"LGSL {item.lgsl}"))
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


def _largest_markets(types: list[ins.Market]) -> list[ins.Market]:
    # A type with one service naming one supplier is trivially "concentrated" (HHI 10,000); the chart
    # shows the largest markets (most services naming suppliers), most concentrated first, where a
    # dominant supplier matters. The table below it still has every market.
    largest = sorted(types, key=lambda m: (-m.services_with_suppliers, m.key))[:TOP_BARS]
    chosen = {m.key for m in largest}
    return [m for m in types if m.key in chosen]


def _market_blocks(functions: list[ins.Market], types: list[ins.Market], top_types: list[ins.Market]) -> dict[str, str]:
    return {
        "functions-chart": _market_figure("functions", "ESD function", functions, [m.label for m in functions])
        if functions
        else "<p>No service names a supplier yet.</p>",
        "functions-all": data_table(
            f"{MARKET.title} by ESD function, highest HHI first",
            ["ESD function", *MARKET_HEADERS],
            [[m.label, *market_cells(m)] for m in functions],
            numeric=(1, 2, 3, 4, 5, 6),
            table_id="table-functions",
        )
        if functions
        else "",
        "types-chart": _market_figure(
            "types", "service type", top_types, [type_name(m.label, int(m.key)) for m in top_types]
        )
        if types
        else "<p>No service names a supplier yet.</p>",
        "types-all": data_table(
            f"{MARKET.title} by service type, highest HHI first",
            ["Service type", *MARKET_HEADERS],
            [[type_link("../service-types/", int(m.key), m.label), *market_cells(m)] for m in types],
            numeric=(1, 2, 3, 4, 5, 6),
            table_id="table-types",
        )
        if types
        else "",
    }


def suppliers_page(data: Insights) -> Page:
    functions = data.functions
    types = data.markets
    top_types = _largest_markets(types)
    blocks = {**_market_blocks(functions, types, top_types), **_lock_in_blocks(data)}
    lock = data.lock_in
    concentrated = sum(m.highly_concentrated for m in types)
    lines = [
        *page_head(TITLE, data.sample),
        "How much of each market a few suppliers hold, and which services would be hard to move to another "
        "supplier. A concentrated market gives councils little choice at renewal; lock-in makes leaving costly.",
        "",
        "## How it is computed",
        "",
        *MARKET.definition,
        "",
        quote(MARKET.compute),
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
        quote(LOCK_IN.compute),
        placeholder("lock-in-chart"),
        "",
        placeholder("lock-in-list"),
        "",
    ]
    return make_page(f"{SECTION}/{MARKET.name}.md", TITLE, lines, blocks, "../../", in_nav=True)
