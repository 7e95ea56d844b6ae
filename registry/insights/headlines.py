"""The headline figures the insights home page quotes, each counted from a figure's own result.

Each headline calls its figure's function as the figure's page and command do (their defaults),
and counts what that returns, so a change to a figure's definition (what a hotspot is, when a
market is too small to judge) changes its headline with it; nothing is counted twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from registry.insights.declaration import Column, Figure
from registry.insights.hotspots import HOTSPOTS, Hotspot
from registry.insights.reuse import REUSE, ServiceTypeReuse
from registry.insights.suppliers import HIGHLY_CONCENTRATED, MARKET, Market
from registry.insights.windows import WINDOWS, WindowResult


@dataclass(frozen=True)
class Headline:
    """One counted statement: `count` of `of` things, and what each number counts."""

    figure: str  # the figure it is counted from: its command and page (insights/<figure>.md)
    count: int
    of: int  # the whole `count` is part of (for windows: the councils those products' contracts are in)
    text: str  # the statement, numbers included
    counts: str  # what `count` and `of` count, in words


def headlines(conn: sqlite3.Connection) -> list[Headline]:
    """The insights home page's headline figures, each counted from one figure's result.

    * reuse: of the service types (LGSL codes) with at least one indexed service, those
      delivered by two or more councils (`reuse_by_service_type`);
    * hotspots: of those service types, the duplication hotspots (`duplication_hotspots` with
      its defaults, so as its page and command define a hotspot);
    * suppliers: of the service-type supplier markets large enough to judge (those with an
      HHI from `supplier_concentration` with its defaults), the highly concentrated ones
      (HHI above 2,500); markets too few to judge are counted apart, never as concentrated;
    * windows: the supplier products whose contracts ending within the default horizon
      (`procurement_windows` with its defaults) span two or more councils, who could buy
      together, and how many councils those contracts are in.
    """
    return headlines_of(
        REUSE.compute(conn), HOTSPOTS.compute(conn), MARKET.compute(conn, "service-type"), WINDOWS.compute(conn)
    )


def headlines_of(
    types: Sequence[ServiceTypeReuse], hotspots: Sequence[Hotspot], markets: Sequence[Market], windows: WindowResult
) -> list[Headline]:
    """The headlines from the figures' results (see `headlines`): the site passes the ones it has computed."""
    shared = sum(1 for t in types if t.councils >= 2)
    judged = [m for m in markets if m.hhi is not None]
    high = sum(1 for m in judged if m.highly_concentrated)
    too_few = len(markets) - len(judged)
    joint = [w for w in windows.windows if w.councils >= 2]
    councils = len({c for w in joint for c in w.council_ids})
    return [
        Headline(
            "reuse",
            shared,
            len(types),
            f"{shared} of the {len(types)} service types are delivered by two or more councils.",
            "Service types (LGSL codes) with indexed services, and those with services in two or more councils.",
        ),
        Headline(
            "hotspots",
            len(hotspots),
            shared,
            f"{len(hotspots)} of those {shared} service types are duplication hotspots.",
            f"Service types two or more councils deliver, and the hotspots among them: {HOTSPOTS.summary}",
        ),
        Headline(
            "suppliers",
            high,
            len(judged),
            f"{high} of the {len(judged)} service-type supplier markets large enough to judge are highly "
            f"concentrated (HHI above {HIGHLY_CONCENTRATED:,.0f})"
            + (f"; {too_few} more are too few to judge." if too_few else "."),
            "Service-type supplier markets with an HHI (the others are too few to judge), and those with an HHI "
            f"above {HIGHLY_CONCENTRATED:,.0f}.",
        ),
        Headline(
            "windows",
            len(joint),
            councils,
            f"{len(joint)} supplier product{' has' if len(joint) == 1 else 's have'} contracts in two or more "
            f"councils ending by {windows.horizon_end}, in {councils} councils in all.",
            f"Supplier products with contracts ending from {windows.as_of} to {windows.horizon_end} "
            f"({windows.horizon_months} months) in two or more councils, and the councils holding those contracts.",
        ),
    ]


HEADLINES = Figure(
    name="headlines",
    title="Headline figures",
    summary="The figures the insights home page quotes, each counted from one figure's result, with what it counts.",
    definition=(
        "Each headline counts the rows of one figure as its own page defines them: service types delivered by "
        "two or more councils (reuse), duplication hotspots among them, highly concentrated supplier markets "
        "among those large enough to judge (markets too few to judge are never counted as concentrated), and "
        "supplier products whose contracts ending within the horizon span two or more councils.",
    ),
    compute=headlines,
    row=Headline,
    model="Headline",
    columns=(
        Column("figure", str, "figure", description="The figure it is counted from (its command and page)."),
        Column("count", int, "count", "int"),
        Column(
            "of",
            int,
            "of",
            "int",
            description="The whole `count` is part of; for windows, the councils holding those contracts.",
        ),
        Column("text", str, "headline"),
        Column("counts", str, description="What `count` and `of` count, in words."),
    ),
    table=("figure", "count", "of", "text"),
)
