"""Supplier concentration: each supplier's share of a market (a service type or an ESD function), top-3 and HHI."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from registry.insights.declaration import Column, Figure
from registry.insights.shared import type_label, type_labels

HIGHLY_CONCENTRATED = 2500.0  # HHI above this is a highly concentrated market (as competition authorities use it)
MARKETS = ("service-type", "function")


@dataclass(frozen=True)
class SupplierShare:
    name: str
    services: int  # services in the market naming this supplier
    share: float  # services / the market's (service, supplier) pairs, 0-1


@dataclass(frozen=True)
class Market:
    """Supplier concentration in one market: a service type, or an ESD function."""

    by: str  # "service-type" or "function"
    key: str  # the LGSL code as text, or the function's label
    label: str
    services: int  # services in the market
    services_with_suppliers: int
    services_without_suppliers: int
    pairs: int  # distinct (service, supplier) pairs
    suppliers: tuple[SupplierShare, ...]  # largest share first, then name
    hhi: float  # sum of (share x 100)^2, 0-10,000
    top3_share: float  # the three largest shares added up, 0-1
    highly_concentrated: bool  # hhi > 2,500

    def flat(self) -> dict[str, Any]:
        """One row for CSV: the largest supplier in place of the full list."""
        leader = self.suppliers[0] if self.suppliers else None
        return {
            "by": self.by,
            "key": self.key,
            "label": self.label,
            "services": self.services,
            "services_with_suppliers": self.services_with_suppliers,
            "services_without_suppliers": self.services_without_suppliers,
            "pairs": self.pairs,
            "supplier_count": len(self.suppliers),
            "leader": leader.name if leader else None,
            "leader_share": leader.share if leader else None,
            "top3_share": self.top3_share,
            "hhi": self.hhi,
            "highly_concentrated": self.highly_concentrated,
        }


def supplier_concentration(
    conn: sqlite3.Connection, by: str = "service-type", key: str | None = None, min_services: int = 1
) -> list[Market]:
    """Each supplier's share of a market and the market's Herfindahl-Hirschman index (HHI).

    A market is a service type (LGSL code) or an ESD function (the top-level function of the
    service's LGSL code; codes with no function are left out). Over the market's services that
    name at least one supplier, a supplier's share is the number of those services naming it
    divided by the number of (service, supplier) pairs. Suppliers are matched on their name
    after trimming spaces and ignoring case (ASCII), and a supplier named twice on one service
    (say for two products) makes one pair: it is one service naming it, so the shares add up
    to 1. HHI = the sum over suppliers of (share x 100)^2, from near 0 (many small suppliers)
    to 10,000 (one supplier); markets above 2,500 are flagged highly concentrated. The top-3
    share adds up the three largest shares (ties do not change the sum). Services naming no
    supplier are counted but take no part in the shares; markets where no service names a
    supplier are left out, and so are markets with fewer than `min_services` services naming a
    supplier (one service naming one supplier is trivially an HHI of 10,000). Suppliers are listed
    by share, then name; markets by HHI (highest first), then services naming suppliers (most
    first), then key.
    """
    if by not in MARKETS:
        raise ValueError(f"unknown market '{by}'; use one of: {', '.join(MARKETS)}")
    labels = type_labels(conn)
    if by == "service-type":
        market = "CAST(f.lgsl AS TEXT)"
        source = "service_facts f"
        where = "f.lgsl IS NOT NULL"
    else:
        market = "l.function"
        source = "service_facts f JOIN lgsl l ON l.id = f.lgsl"
        where = "l.function != ''"
    params: list[Any] = []
    if key is not None:
        where += f" AND {market} = ?"
        params.append(key)
    totals = {
        r["mkey"]: (r["services"], r["named"])
        for r in conn.execute(
            f"""SELECT {market} AS mkey, count(*) AS services,
                       sum(EXISTS (SELECT 1 FROM suppliers x WHERE x.service_key = f.service_key)) AS named
                FROM {source} WHERE {where} GROUP BY mkey""",
            params,
        )
    }
    counts = conn.execute(
        f"""WITH pairs AS (
                SELECT DISTINCT {market} AS mkey, f.service_key, lower(trim(x.name)) AS supplier
                FROM {source} JOIN suppliers x ON x.service_key = f.service_key WHERE {where}),
            -- One display name per supplier, the same in every market: the first spelling in sort order.
            names AS (SELECT lower(trim(name)) AS supplier, min(trim(name)) AS name FROM suppliers GROUP BY 1)
            SELECT p.mkey, p.supplier, count(*) AS services, n.name
            FROM pairs p JOIN names n ON n.supplier = p.supplier GROUP BY p.mkey, p.supplier""",
        params,
    ).fetchall()
    by_market: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in counts:
        by_market[r["mkey"]].append((r["name"], r["services"]))
    out = []
    for mkey, named in by_market.items():
        services, with_suppliers = totals[mkey]
        if with_suppliers < min_services:
            continue
        label = type_label(labels, int(mkey))[0] if by == "service-type" else mkey
        out.append(_market(by, mkey, label, services, with_suppliers, named))
    out.sort(key=lambda m: (-round(m.hhi, 6), -m.services_with_suppliers, m.key))
    return out


def _market(by: str, key: str, label: str, services: int, with_suppliers: int, named: list[tuple[str, int]]) -> Market:
    """One market from its suppliers' service counts: the shares, largest first, and the HHI."""
    pairs = sum(n for _, n in named)
    shares = tuple(SupplierShare(name, n, n / pairs) for name, n in sorted(named, key=lambda item: (-item[1], item[0])))
    hhi = sum((s.share * 100) ** 2 for s in shares)
    return Market(
        by=by,
        key=key,
        label=label,
        services=services,
        services_with_suppliers=with_suppliers,
        services_without_suppliers=services - with_suppliers,
        pairs=pairs,
        suppliers=shares,
        hhi=hhi,
        top3_share=sum(s.share for s in shares[:3]),
        highly_concentrated=hhi > HIGHLY_CONCENTRATED,
    )


SHARES = Figure(
    name="suppliers",
    title="Supplier shares",
    summary="",
    definition=(),
    compute=supplier_concentration,
    row=SupplierShare,
    model="SupplierShare",
    columns=(
        Column("name", str, "supplier"),
        Column("services", int, "services naming it", "int", description="Services in the market naming the supplier."),
        Column("share", float, "share", "pct", description="services / the market's (service, supplier) pairs, 0-1."),
    ),
    table=("name", "services", "share"),
)

MARKET = Figure(
    name="suppliers",
    title="Supplier concentration",
    summary=(
        "Each supplier's share of the services (naming suppliers) in a market, the top-3 share and the "
        "Herfindahl-Hirschman index (HHI: the sum of squared percentage shares, 0-10,000); above 2,500 is "
        "highly concentrated. A supplier named twice on one service counts once."
    ),
    definition=(
        "Over the services of a market (a service type, or an ESD function) that name at least one supplier, "
        "a supplier's **share** is the number of those services naming it divided by the number of "
        "(service, supplier) pairs, so the shares add up to 100%. The **Herfindahl–Hirschman index (HHI)** is "
        "Σ (share × 100)², the sum of the squared percentage shares: from near 0 (many small suppliers) to "
        "10,000 (a single supplier). A market with an HHI above 2,500 is flagged **highly concentrated**. "
        "The **top-3 share** adds up the three largest shares.",
        "",
        "A supplier is matched on its name ignoring case and surrounding spaces, and a supplier named twice on "
        "one service (say for two products) is one pair. Services naming no supplier are counted in a "
        "market's services but take no part in the shares; markets where no service names a supplier are "
        "left out. A market is a service type (LGSL code) or an ESD function (the top-level function of the "
        "service type).",
    ),
    compute=supplier_concentration,
    row=Market,
    model="Market",
    columns=(
        Column("by", str),
        Column("key", str, description="The LGSL code as text, or the ESD function's label."),
        Column("label", str),
        Column("services", int, kind="int", heading="Services"),
        Column("services_with_suppliers", int, kind="int", heading="Naming suppliers"),
        Column("services_without_suppliers", int, kind="int"),
        Column("pairs", int, kind="int", heading="Pairs", description="Distinct (service, supplier) pairs."),
        Column("suppliers", list[SupplierShare], heading="Each supplier's share (services)"),
        Column(
            "hhi",
            float,
            kind="num",
            heading="HHI",
            description="Herfindahl-Hirschman index: sum of (share x 100)^2, 0-10,000.",
        ),
        Column("top3_share", float, kind="pct", heading="Top-3 share"),
        Column("highly_concentrated", bool, heading="Highly concentrated", description="hhi > 2,500."),
    ),
    # A market's row as CSV and the command line's table have it (Market.flat): the largest
    # supplier in place of the list.
    flat=(
        Column("by", str),
        Column("key", str, "market"),
        Column("label", str, "name"),
        Column("services", int, kind="int"),
        Column("services_with_suppliers", int, "services naming suppliers", "int"),
        Column("services_without_suppliers", int, "naming none", "int"),
        Column("pairs", int, kind="int"),
        Column("supplier_count", int, "suppliers", "int", "Suppliers"),
        Column("leader", str | None, "largest supplier"),
        Column("leader_share", float | None, "its share", "pct"),
        Column("top3_share", float, "top-3 share", "pct"),
        Column("hhi", float, "HHI", "num"),
        Column("highly_concentrated", bool, "highly concentrated"),
    ),
    table=(
        "key",
        "label",
        "services_with_suppliers",
        "services_without_suppliers",
        "supplier_count",
        "leader",
        "leader_share",
        "top3_share",
        "hhi",
        "highly_concentrated",
    ),
)
