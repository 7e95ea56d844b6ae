"""insights/windows.md: contracts ending within the horizon at several councils, by product and by service
type, with a timeline of each product's contracts and their notice dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from registry.insights import figures as ins
from registry.insights.windows import WINDOWS
from registry.playbook.charts import Html, data_table
from registry.playbook.common import Page, esc, md_cell, placeholder
from registry.playbook.insights.data import (
    HORIZON_MONTHS,
    LISTED,
    SECTION,
    TOP_BARS,
    Insights,
    listed_note,
    make_page,
    page_head,
    quote,
    type_link,
)
from registry.playbook.timeline import Lane, Span, timeline_chart


def councils_cell(data: Insights, ids: Iterable[str], prefix: str) -> Html:
    return Html(", ".join(f'<a href="{prefix}councils/{esc(c)}/">{esc(data.councils.get(c, c))}</a>' for c in ids))


WINDOW_HEADERS = WINDOWS.headings_of(
    "councils", "contracts", "earliest_end", "latest_end", "next_notice", "council_ids", "text"
)


def window_cells(data: Insights, w: ins.Window, prefix: str) -> list[object]:
    return [
        w.councils,
        w.contracts,
        w.earliest_end,
        w.latest_end,
        w.next_notice or "–",
        councils_cell(data, w.council_ids, prefix),
        w.text,
    ]


WINDOW_COUNT_HEADERS = WINDOWS.headings_of("councils", "contracts", "earliest_end", "latest_end", "text")
# The by-type table, 1,500 rows at 400 councils: everything but the councils, which each type's page names.
WINDOW_TYPE_HEADERS = WINDOWS.headings_of("councils", "contracts", "earliest_end", "latest_end", "next_notice", "text")


def window_type_cells(w: ins.Window) -> list[object]:
    return [w.councils, w.contracts, w.earliest_end, w.latest_end, w.next_notice or "–", w.text]


def window_counts(w: ins.Window) -> list[object]:
    """A window's cells under WINDOW_COUNT_HEADERS: its counts and dates without the councils."""
    return [w.councils, w.contracts, w.earliest_end, w.latest_end, w.text]


TIMELINE_PRODUCTS = 10  # products drawn on the timeline (most councils first); the tables list every one
TIMELINE_CONTRACTS = 12  # bars per product; the table under the timeline lists the contracts drawn


def timeline(data: Insights, result: ins.WindowResult) -> str:
    """The timeline of the products with the most councils, and the same contracts as a table."""
    shown = result.windows[:TIMELINE_PRODUCTS]
    lanes = [
        Lane(
            w.label,
            [
                Span(
                    data.councils.get(e.council_id, e.council_id),
                    dt.date.fromisoformat(e.contract_end),
                    dt.date.fromisoformat(e.notice_date) if e.notice_date else None,
                )
                for e in w.ends[:TIMELINE_CONTRACTS]
            ],
            more=max(len(w.ends) - TIMELINE_CONTRACTS, 0),
        )
        for w in shown
    ]
    chart = timeline_chart(
        "chart-windows",
        f"Contracts ending {result.as_of} to {result.horizon_end}, a row per product",
        "Timeline: for each product with contracts ending in the window at two or more councils, a bar per "
        "council's contract from the window's start to the contract's end, with the end date printed beside it; "
        "a diamond marks the last day to give notice where the manifest gives a notice period. The table after "
        "the chart lists the same contracts.",
        dt.date.fromisoformat(result.as_of),
        dt.date.fromisoformat(result.horizon_end),
        lanes,
    )
    table = data_table(
        "The contracts on the timeline",
        ["Product", "Council", "Service", "Contract ends", "Notice by"],
        [
            [w.label, data.councils.get(e.council_id, e.council_id), e.service, e.contract_end, e.notice_date or "–"]
            for w in shown
            for e in w.ends[:TIMELINE_CONTRACTS]
        ],
        table_id="table-windows-timeline",
    )
    return chart + table


def windows_page(data: Insights) -> Page:
    products = data.windows_product
    types = data.windows_type
    shared = products.windows  # every window has two or more councils (the figure's default)
    none = "<p>No contracts at two or more councils end within the horizon.</p>"
    blocks = {
        "windows-timeline": timeline(data, products) if products.windows else none,
        "windows-product": data_table(
            f"Contracts ending {products.as_of} to {products.horizon_end}, by supplier product",
            ["Supplier product", *WINDOW_HEADERS],
            [[w.label, *window_cells(data, w, "../../")] for w in products.windows],
            numeric=(1, 2),
            table_id="table-windows-product",
        )
        if products.windows
        else none,
        "windows-type": data_table(
            f"Contracts ending {types.as_of} to {types.horizon_end}, by service type",
            ["Service type", *WINDOW_TYPE_HEADERS],
            [
                [type_link("../service-types/", int(w.key), w.label), *window_type_cells(w)]
                for w in types.windows[:LISTED]
            ],
            numeric=(1, 2),
            table_id="table-windows-type",
        )
        if types.windows
        else none,
    }
    joint = sum(1 for w in products.windows if w.councils >= 2)  # as the headline counts them
    lines = [
        *page_head(
            WINDOWS.title,
            data.sample,
            f"{joint} supplier product{'s have' if joint != 1 else ' has'} "
            f"contracts at two or more councils ending between {esc(products.as_of)} and "
            f"{esc(products.horizon_end)}, so those councils could buy together.",
        ),
        f"Contracts ending in the {HORIZON_MONTHS} months from the index's as-of date, {esc(products.as_of)}, "
        f"to {esc(products.horizon_end)}, at two or more councils. Councils whose contracts for the same product, "
        "or for the same kind of service, end at about the same time could specify and buy together, or move to "
        "a shared solution; the notice date says by when they must decide.",
        "",
        "## How it is computed",
        "",
        *WINDOWS.definition,
        "",
        quote(WINDOWS),
        "## Timeline",
        "",
        f"The {TIMELINE_PRODUCTS} products with the most councils, a bar per council's contract.",
        "",
        placeholder("windows-timeline"),
        "",
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
        "Each service type's page names the councils whose contracts end.",
        "",
        *listed_note(len(types.windows), "service types, most councils first"),
        placeholder("windows-type"),
        "",
    ]
    return make_page(f"{SECTION}/{WINDOWS.name}.md", WINDOWS.title, lines, blocks, "../../", in_nav=True)
