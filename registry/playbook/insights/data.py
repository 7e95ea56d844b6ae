"""The figures every insights page shows, loaded once, and what the pages share.

`Insights` holds every figure over the whole index, each from one call to
registry.insights.figures; the cells, formats and the page frame (title, stylesheet, sample
notice, "How this is checked" block) are here so every page prints them alike.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from registry.insights import figures as ins
from registry.insights.declaration import Figure
from registry.playbook.assets import block_tokens, stylesheet_link
from registry.playbook.charts import Html
from registry.playbook.checked import HOW_CHECKED
from registry.playbook.common import SAMPLE_NOTICE, WIDE, Page, SiteContext, esc, placeholder

SECTION = "insights"
TYPE_DIR = f"{SECTION}/service-types"
TOP_BARS = 20  # bars in a chart; the table beside it, or below it, has every row
# Rows of a table over every service type (1,500 of them at 400 councils): listed in full they made
# pages of 1 to 5 MB. Each service type's own page has its row's figures, and insights/service-types/
# links every one.
LISTED = 200
LOCK_IN_LISTED = 50  # services listed with the most lock-in signals
TREND_MONTHS = 12
HORIZON_MONTHS = ins.DEFAULT_HORIZON_MONTHS


def rate(value: float | None) -> str:
    """A 0-1 rate as the site prints it (pct's format); – when there is nothing to divide."""
    return "–" if value is None else f"{100 * value:.1f}%"


def hhi_text(value: float | None) -> str:
    """An HHI as the site prints it; – for a market too few to judge."""
    return "–" if value is None else f"{value:,.0f}"


def type_path(lgsl: int) -> str:
    """The docs path of a service type's page (council and pattern pages link to its URL)."""
    return f"{TYPE_DIR}/{lgsl}.md"


def type_name(label: str, lgsl: int) -> str:
    return f"{label} (LGSL {lgsl})"


def type_link(prefix: str, lgsl: int, label: str) -> Html:
    """A link to a service type's page from a page whose URL is `prefix` below insights/service-types/."""
    return Html(f'<a href="{prefix}{int(lgsl)}/">{esc(type_name(label, lgsl))}</a>')


def quote(figure: Figure) -> str:
    """The developer detail of a figure, closed behind "How this is checked": what it counts in one
    plain line (its summary), then the function that computes it and that function's own account."""
    function = figure.compute
    doc = inspect.getdoc(function) or ""
    name = f"{function.__module__}.{function.__name__}"
    body = [figure.summary or figure.title, "", f"From the code: `{name}`", "", *doc.splitlines()]
    return f'??? info "{HOW_CHECKED}"\n' + "\n".join(f"    {line}" if line else "" for line in body) + "\n"


def notice(sample: bool) -> list[str]:
    return [SAMPLE_NOTICE, ""] if sample else []


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
    hotspots: list[ins.Hotspot]  # every type with a core solution named, whatever its counts
    markets: list[ins.Market]
    functions: list[ins.Market]
    ranking: list[ins.SupplierRank]
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
        """The hotspots page's list: duplication_hotspots with its default thresholds."""
        return [
            h
            for h in self.hotspots
            if h.councils >= ins.DEFAULT_MIN_COUNCILS and h.solutions >= ins.DEFAULT_MIN_SOLUTIONS
        ]


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
        hotspots=ins.duplication_hotspots(conn, min_councils=1, min_solutions=1),
        markets=ins.supplier_concentration(conn, "service-type"),
        functions=ins.supplier_concentration(conn, "function"),
        ranking=ins.supplier_ranking(conn),
        lock_in=ins.lock_in_signals(conn, limit=LOCK_IN_LISTED),
        windows_product=ins.procurement_windows(conn, HORIZON_MONTHS, "product"),
        windows_type=ins.procurement_windows(conn, HORIZON_MONTHS, "service-type"),
        interop={by: ins.interoperability(conn, by) for by in ins.INTEROP_GROUPS},
        delivery=dict(delivery),
    )


def make_page(
    path: str,
    title: str,
    lines: list[str],
    blocks: dict[str, str],
    prefix: str,
    in_nav: bool,
    boost: float | None = None,
) -> Page:
    blocks = {"style": stylesheet_link(prefix), **blocks}
    text = "\n".join(lines) + "\n"
    # Every insight page leads with a table: it gets the side columns' width.
    return Page(path, text, block_tokens(blocks), title, in_nav, search_boost=boost, hide=WIDE)


def listed_note(total: int, what: str) -> list[str]:
    """The sentence under a table cut to its first LISTED rows, linking every service type (from a page
    directly under insights/)."""
    if total <= LISTED:
        return []
    return [
        f"The table lists the first {LISTED} of {total:,} {what}. Every service type has its own page with its "
        "figures: [all service types](service-types/index.md).",
        "",
    ]


def page_head(title: str, sample: bool, lead: str) -> list[str]:
    """The title, the one sentence saying what the page shows, then the sample-data notice."""
    return [f"# {title}", "", placeholder("style"), "", lead, "", *notice(sample)]
