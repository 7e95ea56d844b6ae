"""Supplier markets: a service type (or an ESD function) and a supplier role; each supplier's share of the
market's services, top-3 and HHI, and "too few to judge" where a market is too small for those to mean much."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from checks.supplier_roles import SupplierRole
from registry.insights.declaration import Column, Figure
from registry.insights.shared import type_label, type_labels

HIGHLY_CONCENTRATED = 2500.0  # HHI above this is a highly concentrated market (as competition authorities use it)
MARKETS = ("service-type", "function")
ROLES = tuple(r.value for r in SupplierRole)
# A market is judged from 5 services in 3 councils. Below 5 services the verdict is forced by the count,
# not the market: n services can do no better than an HHI of 10,000 / n, which is above 2,500 for n < 4
# and exactly 2,500 for n = 4; at 5 an unconcentrated market (2,000 at best) can show. Below 3 councils
# the figure shows one or two councils' buying decisions (a council often buys one product for many
# services), not a market's.
MIN_SERVICES = 5
MIN_COUNCILS = 3
TOO_FEW = "too few to judge"
HIGH = "highly concentrated"
NOT_HIGH = "not highly concentrated"


@dataclass(frozen=True)
class SupplierShare:
    name: str
    services: int  # the market's services naming this supplier in the market's role
    share: float  # its share of the market's services, 0-1 (a service shared with k suppliers counts 1/k)


@dataclass(frozen=True)
class Market:
    """Supplier concentration in one market: a service type or an ESD function, and a supplier role."""

    by: str  # "service-type" or "function"
    key: str  # the LGSL code as text, or the function's label
    label: str
    role: str  # one of ROLES
    services: int  # services of the type (or function) naming a supplier in this role
    councils: int  # councils those services belong to
    type_services: int  # every indexed service of the type (or function), for scale
    suppliers: tuple[SupplierShare, ...]  # largest share first, then name
    judged: bool  # services >= min_services and councils >= min_councils
    hhi: float | None  # sum of (share x 100)^2, 0-10,000; None when too few to judge
    top3_share: float | None  # the three largest shares added up, 0-1; None when too few to judge
    highly_concentrated: bool | None  # hhi > 2,500; None when too few to judge
    verdict: str  # "highly concentrated", "not highly concentrated" or "too few to judge"

    def flat(self) -> dict[str, Any]:
        """One row for CSV: the largest supplier in place of the full list."""
        leader = self.suppliers[0] if self.suppliers else None
        return {
            "by": self.by,
            "key": self.key,
            "label": self.label,
            "role": self.role,
            "services": self.services,
            "councils": self.councils,
            "type_services": self.type_services,
            "supplier_count": len(self.suppliers),
            "leader": leader.name if leader else None,
            "leader_share": leader.share if leader else None,
            "top3_share": self.top3_share,
            "hhi": self.hhi,
            "verdict": self.verdict,
        }

    @property
    def leaders(self) -> tuple[str, ...]:
        """The suppliers with the largest share (several when tied)."""
        top = self.suppliers[0].share if self.suppliers else None
        return tuple(s.name for s in self.suppliers if top is not None and abs(s.share - top) < 1e-9)


def supplier_concentration(
    conn: sqlite3.Connection,
    by: str = "service-type",
    key: str | None = None,
    min_services: int = MIN_SERVICES,
    role: str | None = None,
    min_councils: int = MIN_COUNCILS,
) -> list[Market]:
    """Each supplier's share of a market's services and the market's Herfindahl-Hirschman index (HHI).

    A market is a service type (LGSL code) or an ESD function (the top-level function of the
    service's LGSL code; codes with no function are left out), together with a supplier role
    (`suppliers[].role`, one of ROLES; a supplier named without a role is in no market). The
    market's services are the services of that type naming at least one supplier in that role.
    A supplier's share is the share of those services that use it: a supplier on 3 of 7 services
    has 3/7 = 43%. A service naming two (or k) different suppliers in one role counts half (1/k)
    to each, so the shares add up to 100% and the HHI stays within 0-10,000; a supplier named
    twice on one service in one role (say for two products) is one supplier there. Suppliers are
    matched as the index stores them (`supplier_key`: case, punctuation and a trailing "Ltd",
    "Limited", "plc" or "LLP" ignored, so `Acme Ltd` and `ACME Limited` are one supplier). HHI = the sum over
    suppliers of (share x 100)^2, from near 0 (many small suppliers) to 10,000 (one supplier);
    above 2,500 is highly concentrated; the top-3 share adds up the three largest shares.
    A market with fewer than `min_services` services or fewer than `min_councils` councils is
    "too few to judge": its suppliers and shares are listed, but it has no HHI, top-3 share or
    verdict. Markets are listed judged first, by HHI (highest first), then services (most
    first), key and role; then the markets too few to judge, by services, key and role.
    Suppliers are listed by share, then name.
    """
    if by not in MARKETS:
        raise ValueError(f"unknown market '{by}'; use one of: {', '.join(MARKETS)}")
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role '{role}'; use one of: {', '.join(ROLES)}")
    if min_services < 1 or min_councils < 1:
        raise ValueError("min_services and min_councils must be at least 1")
    market, source, where, params = _market_sql(by, key)
    sizes = {
        r[0]: r[1] for r in conn.execute(f"SELECT {market}, count(*) FROM {source} WHERE {where} GROUP BY 1", params)
    }
    if role is not None:
        where += " AND x.role = ?"
        params = [*params, role]
    # One narrow read of every (market, role, service, supplier) row, grouped here: at 100,000 services
    # this is several times quicker than SQLite's DISTINCTs and GROUP BYs over the same join.
    cur = conn.cursor()
    cur.row_factory = None
    members: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    councils: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mkey, mrole, service, council, supplier in cur.execute(
        f"""SELECT {market}, x.role, f.service_key, f.council_id, x.supplier_key
            FROM {source} JOIN suppliers x ON x.service_key = f.service_key WHERE {where} AND x.role IS NOT NULL""",
        params,
    ):
        members[(mkey, mrole)][service].add(supplier)
        councils[(mkey, mrole)].add(council)
    names = supplier_names(conn)
    labels = type_labels(conn) if by == "service-type" else {}
    out = []
    for (mkey, mrole), services in members.items():
        label = type_label(labels, int(mkey))[0] if by == "service-type" else mkey
        size = (len(services), len(councils[(mkey, mrole)]), sizes[mkey])
        out.append(_market(by, mkey, label, mrole, size, _weights(services, names), min_services, min_councils))
    out.sort(key=_order)
    return out


def supplier_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Each supplier's display name by its key (`suppliers.supplier_key`, as registry/index/products.py
    normalises the name): the first spelling in sort order, so a supplier has one name in every market
    and figure."""
    return dict(conn.execute("SELECT supplier_key, min(trim(name)) FROM suppliers GROUP BY 1").fetchall())


def _weights(services: dict[str, set[str]], names: dict[str, str]) -> list[tuple[str, int, float]]:
    """Each supplier's (name, services naming it, weight): a service naming k suppliers gives each 1/k."""
    count: dict[str, int] = defaultdict(int)
    weight: dict[str, float] = defaultdict(float)
    for suppliers in services.values():
        for supplier in suppliers:
            count[supplier] += 1
            weight[supplier] += 1 / len(suppliers)
    return [(names[s], count[s], weight[s]) for s in count]


def _market_sql(by: str, key: str | None) -> tuple[str, str, str, list[Any]]:
    """The market key's expression, the tables, the filter and its parameters for `by` (and one `key`)."""
    if by == "service-type":
        market, source, where = "CAST(f.lgsl AS TEXT)", "service_facts f", "f.lgsl IS NOT NULL"
    else:
        market, source, where = "l.function", "service_facts f JOIN lgsl l ON l.id = f.lgsl", "l.function != ''"
    if key is None:
        return market, source, where, []
    return market, source, f"{where} AND {market} = ?", [key]


def _order(m: Market) -> tuple[Any, ...]:
    if m.judged:
        return (0, -round(m.hhi or 0.0, 6), -m.services, m.key, m.role)
    return (1, 0.0, -m.services, m.key, m.role)


def _market(
    by: str,
    key: str,
    label: str,
    role: str,
    size: tuple[int, int, int],
    named: list[tuple[str, int, float]],
    min_services: int,
    min_councils: int,
) -> Market:
    """One market from its size (services, councils, the type's services) and its suppliers' rows: the
    shares, largest first, and the HHI when there are enough services and councils to judge."""
    services, councils, type_services = size
    shares = tuple(
        SupplierShare(name, n, weight / services)
        for name, n, weight in sorted(named, key=lambda r: (-round(r[2], 9), r[0]))
    )
    judged = services >= min_services and councils >= min_councils
    hhi = sum((s.share * 100) ** 2 for s in shares) if judged else None
    concentrated = hhi > HIGHLY_CONCENTRATED if hhi is not None else None
    return Market(
        by=by,
        key=key,
        label=label,
        role=role,
        services=services,
        councils=councils,
        type_services=type_services,
        suppliers=shares,
        judged=judged,
        hhi=hhi,
        top3_share=sum(s.share for s in shares[:3]) if judged else None,
        highly_concentrated=concentrated,
        verdict=TOO_FEW if not judged else (HIGH if concentrated else NOT_HIGH),
    )


# How a service naming two suppliers in one role counts, said once: the definition below, the README
# and the site quote it (tests/test_docs.py holds the README to it).
SHARED_SERVICE = (
    "A service naming two different suppliers in one role counts half to each (three, a third each), so a "
    "market's shares add up to 100%."
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
        Column("services", int, "services", "int", description="The market's services naming the supplier."),
        Column(
            "share",
            float,
            "share of the services",
            "pct",
            description="Its share of the market's services, 0-1 (a service naming k suppliers in a role: 1/k each).",
        ),
    ),
    table=("name", "services", "share"),
)

MARKET = Figure(
    name="suppliers",
    title="Supplier concentration",
    summary=(
        "Per market (a service type and a supplier role): each supplier's share of the market's services, the "
        "top-3 share and the Herfindahl-Hirschman index (HHI: the sum of squared percentage shares, 0-10,000); "
        f"above 2,500 is highly concentrated. Markets with fewer than {MIN_SERVICES} services or "
        f"{MIN_COUNCILS} councils are too few to judge. " + SHARED_SERVICE
    ),
    definition=(
        "A **market** is a service type (LGSL code) or a council function (the service type's top-level ESD "
        "function) together with a supplier **role** (line-of-business system, case management, CRM, payments, "
        "web platform, forms, hosting, integration, data/analytics, consultancy or other), so a waste service's "
        "CRM, its web front end and its round-planning system are three markets. The market's services are the "
        "services of that type naming a supplier in that role.",
        "",
        "A supplier's **share** is the share of the market's services that use it: a supplier on 3 of 7 services "
        f"has 43%. {SHARED_SERVICE} The **Herfindahl–Hirschman index (HHI)** is Σ (share × 100)², the sum of the "
        "squared percentage shares: from near 0 (many small suppliers) to 10,000 (a single supplier). A market "
        "with an HHI above 2,500 is **highly concentrated**. The **top-3 share** adds up the three largest shares.",
        "",
        f"A market with fewer than {MIN_SERVICES} services or fewer than {MIN_COUNCILS} councils is **too few to "
        "judge**: its suppliers are listed, but it gets no HHI and no verdict. With n services the HHI can be no "
        "lower than 10,000 / n, so below 5 services a market could only ever look concentrated; and one or two "
        "councils' services show those councils' buying decisions, not a market.",
        "",
        'A supplier is matched on its name ignoring case, punctuation and a trailing "Ltd", "Limited", '
        '"plc" or "LLP" (so Acme Ltd and ACME Limited are one supplier); a supplier named twice in one '
        "role on one service (say for two products) counts once there. A supplier named without a role is in "
        "no market.",
    ),
    compute=supplier_concentration,
    row=Market,
    model="Market",
    columns=(
        Column("by", str),
        Column("key", str, description="The LGSL code as text, or the ESD function's label."),
        Column("label", str),
        Column("role", str, heading="Role", description="The supplier role: one of " + ", ".join(ROLES) + "."),
        Column("services", int, kind="int", heading="Services", description="Services naming a supplier in the role."),
        Column("councils", int, kind="int", heading="Councils"),
        Column("type_services", int, kind="int", description="Every indexed service of the type (or function)."),
        Column("suppliers", list[SupplierShare], heading="Each supplier's share of the services"),
        Column(
            "judged", bool, description=f"At least {MIN_SERVICES} services in {MIN_COUNCILS} councils (or as given)."
        ),
        Column(
            "hhi",
            float | None,
            kind="num",
            heading="HHI",
            description="Herfindahl-Hirschman index: sum of (share x 100)^2, 0-10,000; null when too few to judge.",
        ),
        Column("top3_share", float | None, kind="pct", heading="Top-3 share"),
        Column("highly_concentrated", bool | None, description="hhi > 2,500; null when too few to judge."),
        Column(
            "verdict",
            str,
            heading="Verdict",
            description="highly concentrated, not highly concentrated, or too few to judge.",
        ),
    ),
    # A market's row as CSV and the command line's table have it (Market.flat): the largest
    # supplier in place of the list.
    flat=(
        Column("by", str),
        Column("key", str, "market"),
        Column("label", str, "name"),
        Column("role", str, "role"),
        Column("services", int, "services", "int"),
        Column("councils", int, "councils", "int"),
        Column("type_services", int, kind="int"),
        Column("supplier_count", int, "suppliers", "int", "Suppliers"),
        Column("leader", str | None, "largest supplier"),
        Column("leader_share", float | None, "its share", "pct"),
        Column("top3_share", float | None, "top-3 share", "pct"),
        Column("hhi", float | None, "HHI", "num"),
        Column("verdict", str, "verdict"),
    ),
    table=(
        "key",
        "label",
        "role",
        "services",
        "councils",
        "supplier_count",
        "leader",
        "leader_share",
        "top3_share",
        "hhi",
        "verdict",
    ),
)
