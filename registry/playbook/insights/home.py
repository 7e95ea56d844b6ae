"""insights/index.md: what the section is for, a line per figure, and the terms it uses."""

from __future__ import annotations

from registry.insights.headlines import HEADLINES, Headline
from registry.insights.hotspots import HOTSPOTS
from registry.insights.interop import INTEROP
from registry.insights.pattern_reuse import PATTERN_REUSE
from registry.insights.ranking import RANKING
from registry.insights.reuse import REUSE
from registry.insights.suppliers import MARKET
from registry.insights.trend import TREND
from registry.insights.windows import WINDOWS
from registry.playbook.common import Page, esc, md_cell
from registry.playbook.insights.data import HORIZON_MONTHS, SECTION, TREND_MONTHS, Insights, make_page, page_head
from registry.playbook.insights.suppliers import TITLE as SUPPLIERS_TITLE

FIGURES = (
    (
        f"{REUSE.name}.md",
        REUSE.title,
        "how many councils deliver each service type, the solutions they use, "
        "and how the services using the most common one comply",
    ),
    (f"{HOTSPOTS.name}.md", HOTSPOTS.title, "service types many councils deliver separately, with no shared pattern"),
    (
        f"{MARKET.name}.md",
        SUPPLIERS_TITLE,
        "each supplier's share of each service type and ESD "
        "function, the Herfindahl–Hirschman index, and services showing signs of lock-in",
    ),
    (f"{RANKING.name}.md", RANKING.title, RANKING.summary[:1].lower() + RANKING.summary[1:].rstrip(".")),
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
        f"compliance by standard at each month end over the last {TREND_MONTHS} months of the registry's Git "
        "history, for the sector and for each council",
    ),
    (
        f"{PATTERN_REUSE.name}.md",
        PATTERN_REUSE.title,
        "when councils adopted each pattern, and the councils delivering the same service types without it",
    ),
)


def index_page(data: Insights, headlines: list[Headline]) -> Page:
    """The section's front page; `headlines` are HEADLINES.compute's, each quoted with what it counts."""
    lines = [
        *page_head(
            "Sector insights",
            data.sample,
            "These figures show what no single council can see alone: where councils build the same service "
            "separately, which shared solutions work, where a few suppliers dominate and which contracts end "
            "together.",
        ),
        "A single council sees its own services. The registry holds every council's, so it can show "
        "what none of them can see alone: where many councils build the same service separately, "
        "which shared solutions already work well, where a few suppliers dominate a market, and "
        "which contracts end at the same time so councils could buy together.",
        "",
        "## Headline figures",
        "",
        f"From the registry's index as of {esc(data.as_of)}: "
        f"{sum(r.services for r in data.reuse)} services with an LGSL code, in {len(data.reuse)} service types. "
        "Each figure is counted from the page it links to, as that page defines it.",
        "",
        *(f"- **{md_cell(h.text)}** {md_cell(h.counts)} [{_title(h.figure)}]({h.figure}.md)" for h in headlines),
        "",
        f"`standards insights {HEADLINES.name}` and `/api/v1/insights/{HEADLINES.name}` give the same figures.",
        "",
        "## The figures",
        "",
        *(f"- [{title}]({path}): {what}." for path, title, what in FIGURES),
        "",
        "Each service type has its own page with every figure for it; [all service types](service-types/index.md) "
        "lists them by ESD function, and they are linked from the [reuse table](reuse.md), from each council's "
        "services and from each pattern's page.",
        "",
        "Each page says how its figures are computed, quoting the code that computes them. The same "
        "figures come from the command line (`standards insights reuse|hotspots|suppliers|lock-in|windows|"
        "interop|trend|adoption|pattern-reuse|headlines`) and the API (`/api/v1/insights/...`), in JSON or CSV.",
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
    return make_page(f"{SECTION}/index.md", "Sector insights", lines, {}, "../", in_nav=False)


def _title(figure: str) -> str:
    return next((title for path, title, _ in FIGURES if path == f"{figure}.md"), figure)
