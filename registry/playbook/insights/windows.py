"""insights/windows.md: contracts ending within the horizon, by supplier product and by service type."""

from __future__ import annotations

from collections.abc import Iterable

from registry.insights import figures as ins
from registry.insights.windows import WINDOWS
from registry.playbook.charts import Html, data_table
from registry.playbook.common import Page, esc, md_cell, placeholder
from registry.playbook.insights.data import (
    HORIZON_MONTHS,
    SECTION,
    TOP_BARS,
    Insights,
    make_page,
    page_head,
    quote,
    type_link,
)


def councils_cell(data: Insights, ids: Iterable[str], prefix: str) -> Html:
    return Html(", ".join(f'<a href="{prefix}councils/{esc(c)}/">{esc(data.councils.get(c, c))}</a>' for c in ids))


WINDOW_HEADERS = WINDOWS.headings_of("councils", "contracts", "earliest_end", "latest_end", "council_ids", "text")


def window_cells(data: Insights, w: ins.Window, prefix: str) -> list[object]:
    return [w.councils, w.contracts, w.earliest_end, w.latest_end, councils_cell(data, w.council_ids, prefix), w.text]


WINDOW_COUNT_HEADERS = WINDOWS.headings_of("councils", "contracts", "earliest_end", "latest_end", "text")


def window_counts(w: ins.Window) -> list[object]:
    """A window's cells under WINDOW_COUNT_HEADERS: its counts and dates without the councils."""
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
                [type_link("../service-types/", int(w.key), w.label), *window_cells(data, w, "../../")]
                for w in types.windows
            ],
            numeric=(1, 2),
            table_id="table-windows-type",
        )
        if types.windows
        else "<p>No contract ends within the horizon.</p>",
    }
    lines = [
        *page_head(WINDOWS.title, data.sample),
        f"Contracts ending in the {HORIZON_MONTHS} months from the index's as-of date, {esc(products.as_of)}, "
        f"to {esc(products.horizon_end)}. Councils whose contracts for the same product, or for the same kind "
        "of service, end at about the same time could specify and buy together, or move to a shared solution.",
        "",
        "## How it is computed",
        "",
        *WINDOWS.definition,
        "",
        quote(WINDOWS.compute),
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
    return make_page(f"{SECTION}/{WINDOWS.name}.md", WINDOWS.title, lines, blocks, "../../", in_nav=True)
