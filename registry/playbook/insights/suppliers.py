"""insights/suppliers.md: supplier concentration per market (ESD function or service type, and role), and lock-in."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from registry.insights import figures as ins
from registry.insights.lock_in import LOCK_IN
from registry.insights.suppliers import MARKET, MIN_COUNCILS, MIN_SERVICES
from registry.playbook.charts import Bar, Html, bar_chart, count, data_table, figure, pct
from registry.playbook.common import Page, esc, placeholder
from registry.playbook.insights.data import (
    LISTED,
    SECTION,
    TOP_BARS,
    Insights,
    hhi_text,
    listed_note,
    make_page,
    page_head,
    quote,
    rate,
    type_link,
    type_name,
)

TITLE = f"{MARKET.title} and lock-in"  # the page shows two figures: MARKET and LOCK_IN


def shares_text(market: ins.Market) -> str:
    """Every supplier's share of a market's services, largest first: "Name 42.9% (3); ..."."""
    return "; ".join(f"{s.name} {rate(s.share)} ({s.services})" for s in market.suppliers)


JUDGED_HEADERS = MARKET.headings_of(
    "role", "services", "councils", "supplier_count", "top3_share", "hhi", "verdict", "suppliers"
)
TOO_FEW_HEADERS = MARKET.headings_of("role", "services", "councils", "supplier_count", "suppliers")


def judged_cells(m: ins.Market) -> list[object]:
    return [
        m.role,
        m.services,
        m.councils,
        len(m.suppliers),
        rate(m.top3_share),
        hhi_text(m.hhi),
        m.verdict,
        shares_text(m),
    ]


def too_few_cells(m: ins.Market) -> list[object]:
    return [m.role, m.services, m.councils, len(m.suppliers), shares_text(m)]


def top3_bar(m: ins.Market, label: str) -> Bar:
    # The top three's share of the market's services, counted as the shares are (a shared service split).
    return Bar(label, round((m.top3_share or 0.0) * m.services, 6), m.services)


def _market_figure(ident: str, what: str, markets: Sequence[ins.Market], labels: Sequence[str]) -> str:
    bars = [top3_bar(m, label) for m, label in zip(markets, labels, strict=True)]
    chart = bar_chart(
        f"chart-{ident}",
        f"Top-3 suppliers' share by {what}",
        f"Horizontal bar chart: for each judged market by {what} and role (most concentrated first), the three "
        "largest suppliers' share of the market's services, with the services they account for and the "
        "market's services. The table beside the chart gives the same figures with each market's HHI.",
        bars,
    )
    table = data_table(
        f"Top-3 share and HHI by {what}",
        [
            f"{what[:1].upper() + what[1:]} and role",
            "Top-3 services",
            *MARKET.headings_of("services", "top3_share", "hhi", "verdict"),
        ],
        [
            [b.label, count(b.part), b.whole, rate(m.top3_share), hhi_text(m.hhi), m.verdict]
            for b, m in zip(bars, markets, strict=True)
        ],
        numeric=(1, 2, 3, 4),
        table_id=f"table-{ident}-top",
    )
    return figure(chart, table)


def _charted(judged: list[ins.Market]) -> list[ins.Market]:
    # The chart shows the largest judged markets (most services), most concentrated first; the table
    # below it has every judged market.
    largest = {(m.key, m.role) for m in sorted(judged, key=lambda m: (-m.services, m.key, m.role))[:TOP_BARS]}
    return [m for m in judged if (m.key, m.role) in largest]


def _markets_blocks(
    ident: str,
    what: str,
    markets: list[ins.Market],
    plain: Callable[[ins.Market], str],
    cell: Callable[[ins.Market], object],
) -> dict[str, str]:
    """The chart, the judged markets' table and the too-few table for one kind of market (`plain` names a
    market in the chart, `cell` in the tables)."""
    judged = [m for m in markets if m.judged]
    too_few = [m for m in markets if not m.judged]
    charted = _charted(judged)
    label = what[:1].upper() + what[1:]
    return {
        f"{ident}-chart": _market_figure(ident, what, charted, [f"{plain(m)}: {m.role}" for m in charted])
        if judged
        else "<p>No market has enough services and councils to judge yet.</p>",
        f"{ident}-all": data_table(
            f"{MARKET.title} by {what} and role, highest HHI first",
            [label, *JUDGED_HEADERS],
            [[cell(m), *judged_cells(m)] for m in judged[:LISTED]],
            numeric=(2, 3, 4, 5, 6),
            table_id=f"table-{ident}",
        )
        if judged
        else "",
        f"{ident}-too-few": data_table(
            f"Markets by {what} and role too few to judge, most services first",
            [label, *TOO_FEW_HEADERS],
            [[cell(m), *too_few_cells(m)] for m in too_few[:LISTED]],
            numeric=(2, 3, 4),
            table_id=f"table-{ident}-too-few",
        )
        if too_few
        else "",
    }


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


def _lead(data: Insights) -> str:
    """The opening sentence: the concentrated markets counted as the insights headline counts them."""
    judged = [m for m in data.markets if m.hhi is not None]
    high = sum(1 for m in judged if m.highly_concentrated)
    return (
        f"{high} of the {len(judged)} service-type supplier markets large enough to judge "
        f"{'are' if high != 1 else 'is'} highly concentrated, and {data.lock_in.total} services show signs "
        "of lock-in."
    )


def suppliers_page(data: Insights) -> Page:
    functions = data.functions
    types = data.markets
    blocks = {
        **_markets_blocks("functions", "ESD function", functions, lambda m: m.label, lambda m: m.label),
        **_markets_blocks(
            "types",
            "service type",
            types,
            lambda m: type_name(m.label, int(m.key)),
            lambda m: type_link("../service-types/", int(m.key), m.label),
        ),
        **_lock_in_blocks(data),
    }
    lock = data.lock_in
    lines = [
        *page_head(TITLE, data.sample, _lead(data)),
        "How much of each market a few suppliers hold, and which services would be hard to move to another "
        "supplier. A concentrated market gives councils little choice at renewal; lock-in makes leaving costly.",
        "",
        "## How it is computed",
        "",
        *MARKET.definition,
        "",
        quote(MARKET),
        *_market_section("By ESD function and role", "functions", functions),
        *_market_section("By service type and role", "types", types),
        "## Lock-in signals",
        "",
        f"Of {lock.services} services, {lock.total} show at least one of four signals: " + " ".join(LOCK_IN.definition),
        "",
        quote(LOCK_IN),
        placeholder("lock-in-chart"),
        "",
        placeholder("lock-in-list"),
        "",
    ]
    return make_page(f"{SECTION}/{MARKET.name}.md", TITLE, lines, blocks, "../../", in_nav=True)


def _market_section(heading: str, ident: str, markets: list[ins.Market]) -> list[str]:
    judged = [m for m in markets if m.judged]
    concentrated = sum(bool(m.highly_concentrated) for m in judged)
    return [
        f"## {heading}",
        "",
        f"{len(markets)} markets; {len(judged)} have at least {MIN_SERVICES} services in {MIN_COUNCILS} councils "
        f"and are judged, and {concentrated} of those are highly concentrated (HHI above 2,500). The chart shows "
        f"the {min(len(judged), TOP_BARS)} largest judged markets, most concentrated first; the first table has "
        "every judged market, the second the markets too few to judge.",
        "",
        *listed_note(len(judged), "judged markets"),
        *listed_note(len(markets) - len(judged), "markets too few to judge"),
        placeholder(f"{ident}-chart"),
        "",
        placeholder(f"{ident}-all"),
        "",
        placeholder(f"{ident}-too-few"),
        "",
    ]
