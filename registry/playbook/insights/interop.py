"""insights/interop.md: open APIs, Open Referral UK and UPRN/USRN, overall and by kind of council."""

from __future__ import annotations

from collections.abc import Sequence

from registry.insights import figures as ins
from registry.insights.interop import INTEROP
from registry.playbook.charts import Bar, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, placeholder
from registry.playbook.insights.data import SECTION, Insights, make_page, page_head, quote, rate


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
        f"{INTEROP.title} by {what}",
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
            f"{INTEROP.title} across all councils",
            "Horizontal bar chart: the share of all services declaring an open API, of directory services "
            "using Open Referral UK, and of address services holding UPRN and USRN, each with its counts. "
            "The table beside the chart gives the same figures.",
            bars,
        )
        table = data_table(
            f"{INTEROP.title} across all councils",
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
        *page_head(
            INTEROP.title,
            data.sample,
            "How well councils' data can be joined up: the share of services with an open API, of directories "
            "using Open Referral UK, and of address services holding UPRNs and USRNs.",
        ),
        "Whether councils' data can be joined up and reused: services publishing an open API, directories "
        "of local services using the Open Referral UK standard (so one directory can be read by many apps), "
        "and services handling addresses holding the Unique Property and Street Reference Numbers (UPRN and "
        "USRN), so records about the same place match across systems.",
        "",
        "## How it is computed",
        "",
        *INTEROP.definition,
        "",
        quote(INTEROP),
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
    return make_page(f"{SECTION}/{INTEROP.name}.md", INTEROP.title, lines, blocks, "../../", in_nav=True)
