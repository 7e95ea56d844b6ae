"""The sector supplier ranking: each supplier's reach (councils, services), the markets it leads, its
contracts coming up for renewal, and how many of its services meet each standard's musts."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from registry.insights.declaration import Column, Figure
from registry.insights.shared import add_months, index_as_of
from registry.insights.suppliers import MIN_COUNCILS, MIN_SERVICES, supplier_concentration, supplier_names

RENEWAL_MONTHS = 18  # contracts ending within this many months are coming up for renewal


@dataclass(frozen=True)
class StandardMusts:
    """How many of a supplier's services meet one standard's musts."""

    standard: str  # the standard's id
    title: str
    services: int  # the supplier's services the standard applies to
    meeting: int  # of those, services with no failing must of the standard (waived musts count as met)


@dataclass(frozen=True)
class SupplierRank:
    """One supplier across the sector."""

    name: str
    councils: int  # councils with a service naming it
    services: int  # services naming it
    markets: int  # markets (service type and role) it is in
    markets_led: int  # of those, markets judged and led (the largest share, ties included)
    contracts_ending: int  # its contracts ending from the as-of date to RENEWAL_MONTHS on
    compliant: int  # its services meeting every applicable standard's musts
    standards: tuple[StandardMusts, ...]  # per standard applying to any of its services, by id

    def flat(self) -> dict[str, Any]:
        """One row for CSV: the standards as `id met/of` joined by `; `."""
        row = {k: v for k, v in self.__dict__.items() if k != "standards"}
        return {**row, "musts_met": "; ".join(f"{s.standard} {s.meeting}/{s.services}" for s in self.standards)}


def supplier_ranking(
    conn: sqlite3.Connection,
    as_of: dt.date | None = None,
    min_services: int = MIN_SERVICES,
    min_councils: int = MIN_COUNCILS,
) -> list[SupplierRank]:
    """Every supplier named in a manifest, ranked by reach.

    A supplier is matched as the index stores it (`supplier_key`: case, punctuation and a trailing
    company form ignored), and shown by its first spelling in sort order. Its councils and services
    are those naming it (a service naming it twice counts once). Its markets are the service-type
    markets (a service type and a supplier role, as in the supplier concentration) it is in; it
    leads a market when the market is judged (at least `min_services` services in `min_councils`
    councils) and no supplier has a larger share (tied leaders each lead). Contracts ending counts
    its supplier entries with a `contract_end` from the as-of date (the index's, or the one given)
    to the same day RENEWAL_MONTHS (18) months on, both included. Per standard, of its services the
    standard applies to, how many meet every must of it (passed or waived; a must in error is not
    met); `compliant` counts its services meeting the musts of every standard that applies. Ordered
    by councils, services and markets led (most first), then name.
    """
    start = as_of or index_as_of(conn)
    end = add_months(start, RENEWAL_MONTHS)
    cur = conn.cursor()
    cur.row_factory = None
    # A supplier's services, each once however often it is named there.
    named = "named AS (SELECT DISTINCT supplier_key AS supplier, service_key FROM suppliers)"
    reach = cur.execute(
        f"""WITH {named}
            SELECT s.supplier, count(*), count(DISTINCT f.council_id), sum(f.compliant)
            FROM named s JOIN service_facts f ON f.service_key = s.service_key GROUP BY s.supplier"""
    ).fetchall()
    ending = dict(
        cur.execute(
            """SELECT supplier_key, count(*) FROM suppliers WHERE contract_end >= ? AND contract_end <= ?
               GROUP BY 1""",
            (start.isoformat(), end.isoformat()),
        ).fetchall()
    )
    names = supplier_names(conn)
    musts = _standards(cur, named)
    markets, led = _markets(conn, min_services, min_councils)
    out = [
        SupplierRank(
            name=names[supplier],
            councils=councils,
            services=services,
            markets=markets[names[supplier]],
            markets_led=led[names[supplier]],
            contracts_ending=ending.get(supplier, 0),
            compliant=compliant,
            standards=tuple(musts.get(supplier, ())),
        )
        for supplier, services, councils, compliant in reach
    ]
    out.sort(key=lambda s: (-s.councils, -s.services, -s.markets_led, s.name))
    return out


def _standards(cur: sqlite3.Cursor, named: str) -> dict[str, list[StandardMusts]]:
    """Per supplier, each standard applying to its services (by id) and how many of them meet its musts."""
    titles = dict(cur.execute("SELECT id, title FROM standards").fetchall())
    out: dict[str, list[StandardMusts]] = defaultdict(list)
    for supplier, standard, services, meeting in cur.execute(
        f"""WITH {named}
            SELECT s.supplier, ss.standard_id, count(*), sum(ss.compliant)
            FROM named s JOIN service_standards ss ON ss.service_key = s.service_key
            GROUP BY s.supplier, ss.standard_id ORDER BY s.supplier, ss.standard_id"""
    ):
        out[supplier].append(StandardMusts(standard, titles.get(standard, standard), services, meeting))
    return out


def _markets(conn: sqlite3.Connection, min_services: int, min_councils: int) -> tuple[Counter[str], Counter[str]]:
    """Per supplier (by its shown name), the service-type markets it is in and the judged ones it leads."""
    markets: Counter[str] = Counter()
    led: Counter[str] = Counter()
    for m in supplier_concentration(conn, "service-type", min_services=min_services, min_councils=min_councils):
        markets.update(s.name for s in m.suppliers)
        if m.judged:
            led.update(m.leaders)
    return markets, led


STANDARD_MUSTS = Figure(
    name="ranking",
    title="Services meeting a standard's musts",
    summary="",
    definition=(),
    compute=supplier_ranking,
    row=StandardMusts,
    model="StandardMusts",
    columns=(
        Column("standard", str, description="The standard's id."),
        Column("title", str),
        Column("services", int, kind="int", description="The supplier's services the standard applies to."),
        Column("meeting", int, kind="int", description="Of those, services meeting every must of the standard."),
    ),
    table=(),
)

RANKING = Figure(
    name="ranking",
    title="Sector supplier ranking",
    summary=(
        "Each supplier's councils and services, the markets (service type and role) it is in and leads, its "
        f"contracts ending in the next {RENEWAL_MONTHS} months, and how many of its services meet each "
        "standard's musts."
    ),
    definition=(
        'A supplier is matched on its name ignoring case, punctuation and a trailing "Ltd", "Limited", '
        '"plc" or "LLP" (so Acme Ltd and ACME Limited are one supplier). **Councils** and **services** '
        "are those naming it. **Markets led** counts the markets (a service type and a supplier role, as on "
        "the supplier concentration page) judged there that it leads: no supplier has a larger share of the "
        "market's services (tied leaders each lead); markets too few to judge are led by no one. "
        f"**Contracts ending** counts its contracts with a `contract_end` in the next {RENEWAL_MONTHS} months "
        "from the index's date, both ends included. **Musts met** gives, per standard, how many of its services "
        "the standard applies to meet every must of it (passed or waived); **compliant** counts its services "
        "meeting the musts of every standard that applies.",
    ),
    compute=supplier_ranking,
    row=SupplierRank,
    model="SupplierRank",
    columns=(
        Column("name", str, heading="Supplier"),
        Column("councils", int, kind="int", heading="Councils"),
        Column("services", int, kind="int", heading="Services"),
        Column("markets", int, kind="int", description="Markets (service type and role) it is in."),
        Column("markets_led", int, kind="int", heading="Markets led", description="Judged markets it leads."),
        Column(
            "contracts_ending",
            int,
            kind="int",
            heading=f"Contracts ending in {RENEWAL_MONTHS} months",
            description=f"Its contracts ending from the index's date to {RENEWAL_MONTHS} months on.",
        ),
        Column(
            "compliant",
            int,
            kind="int",
            heading="Services meeting every must",
            description="Its services meeting the musts of every standard that applies.",
        ),
        Column("standards", list[StandardMusts], heading="Services meeting each standard's musts"),
    ),
    flat=(
        Column("name", str, "supplier"),
        Column("councils", int, "councils", "int"),
        Column("services", int, "services", "int"),
        Column("markets", int, "markets", "int"),
        Column("markets_led", int, "markets led", "int"),
        Column("contracts_ending", int, f"ending in {RENEWAL_MONTHS} months", "int"),
        Column("compliant", int, "meeting every must", "int"),
        Column("musts_met", str, "musts met per standard"),
    ),
    table=(
        "name",
        "councils",
        "services",
        "markets",
        "markets_led",
        "contracts_ending",
        "compliant",
        "musts_met",
    ),
)
