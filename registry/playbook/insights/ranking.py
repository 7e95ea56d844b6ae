"""insights/ranking.md: the sector supplier ranking, with a chart of the suppliers reaching the most councils."""

from __future__ import annotations

from registry.insights import figures as ins
from registry.insights.ranking import RANKING
from registry.playbook.charts import Bar, bar_chart, data_table, figure, pct
from registry.playbook.common import Page, placeholder
from registry.playbook.insights.data import SECTION, TOP_BARS, Insights, make_page, page_head, quote

LISTED = 200  # suppliers in the page's table; the command line and the API list every one


def musts_text(rank: ins.SupplierRank) -> str:
    """Per standard, its services meeting the standard's musts: "Accessibility 5 of 6; ..."."""
    return "; ".join(f"{s.title} {s.meeting} of {s.services}" for s in rank.standards) or "–"


HEADINGS = RANKING.headings  # in the row's order: supplier, councils, ..., each standard's musts


def rank_cells(r: ins.SupplierRank) -> list[object]:
    return [r.name, r.councils, r.services, r.markets_led, r.contracts_ending, r.compliant, musts_text(r)]


def ranking_page(data: Insights) -> Page:
    ranks = data.ranking
    top = ranks[:TOP_BARS]
    bars = [Bar(r.name, r.compliant, r.services) for r in top]
    chart = bar_chart(
        "chart-ranking",
        "Services meeting every must, for the suppliers reaching the most councils",
        "Horizontal bar chart: for the suppliers named by the most councils, the share of their services "
        "meeting the musts of every standard that applies, with the counts. The table beside the chart gives "
        "the same figures.",
        bars,
    )
    table = data_table(
        "Services meeting every must, by supplier",
        [RANKING.column("name").heading, "Meeting every must", RANKING.column("services").heading, "Share"],
        [[b.label, b.part, b.whole, pct(b.part, b.whole)] for b in bars],
        numeric=(1, 2, 3),
        table_id="table-ranking-top",
    )
    listed = ranks[:LISTED]
    blocks = {"ranking-chart": figure(chart, table) if bars else "<p>No service names a supplier yet.</p>"}
    # In the Markdown as raw HTML, not an html_block, so the search index has it: this is where a search
    # for a supplier's name leads (the service types' pages no longer put suppliers in the index).
    every = (
        data_table(
            f"{RANKING.title}: most councils first",
            HEADINGS,
            [rank_cells(r) for r in listed],
            numeric=(1, 2, 3, 4, 5),
            table_id="table-ranking",
        )
        if listed
        else ""
    )
    shown = f"the first {len(listed)} are listed" if len(listed) < len(ranks) else "every one is listed"
    lines = [
        *page_head(
            RANKING.title,
            data.sample,
            f"{len(ranks)} supplier{'s are' if len(ranks) != 1 else ' is'} named in the registry, ranked by how "
            "many councils rely on them.",
        ),
        "Every supplier named in the registry: how many councils and services rely on it, the markets it "
        "leads, how many of its contracts come up for renewal soon, and how its services meet the standards.",
        "",
        "## How it is computed",
        "",
        *RANKING.definition,
        "",
        quote(RANKING),
        "## Meeting every must",
        "",
        placeholder("ranking-chart"),
        "",
        "## Every supplier",
        "",
        f"{len(ranks)} suppliers, most councils first; {shown} (`standards insights ranking` and "
        "`/api/v1/insights/ranking` give them all).",
        "",
        every,
        "",
    ]
    return make_page(f"{SECTION}/{RANKING.name}.md", RANKING.title, lines, blocks, "../../", in_nav=True)
