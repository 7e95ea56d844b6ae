"""Data interoperability: open APIs, Open Referral UK among directories, UPRN and USRN among address services."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from registry.index.compliance import TYPE_NAMES
from registry.insights.declaration import Column, Figure
from registry.insights.shared import rate

INTEROP_GROUPS = ("all", "type", "region", "nation")


@dataclass(frozen=True)
class InteropGroup:
    """Data interoperability for one group of councils (or all of them)."""

    group: str  # "all", a council type code, a region or a nation
    name: str
    councils: int  # councils in the group with at least one service
    services: int
    open_api: int  # services declaring data.open_api
    open_api_share: float | None  # open_api / services
    directories: int  # services with data.is_directory
    open_referral_uk: int  # of those, services listing `open-referral-uk` in data.standards
    open_referral_uk_share: float | None
    address_services: int  # services with data.handles_addresses
    uprn: int  # of those, services listing `uprn` in data.standards
    uprn_share: float | None
    usrn: int  # of those, services listing `usrn`
    usrn_share: float | None


_GROUP_COLUMN = {"all": "'all'", "type": "c.type", "region": "c.region", "nation": "c.nation"}


def interoperability(conn: sqlite3.Connection, by: str = "all") -> list[InteropGroup]:
    """Shares of services publishing an open API, and using the data standards that join data up.

    Per group of councils (all, council type, region or nation): the share of services
    declaring an open API (`data.open_api`); of directory services (`data.is_directory`),
    the share listing `open-referral-uk` in `data.standards`; of services handling addresses
    (`data.handles_addresses`), the shares listing `uprn` and `usrn`. A share is null when
    its group has no such services. Ordered by group key.
    """
    if by not in _GROUP_COLUMN:
        raise ValueError(f"unknown grouping '{by}'; use one of: {', '.join(INTEROP_GROUPS)}")
    column = _GROUP_COLUMN[by]
    rows = conn.execute(
        f"""WITH per AS (
                SELECT council_id, count(*) AS services, sum(open_api) AS api, sum(is_directory) AS dirs,
                       sum(is_directory AND open_referral_uk) AS oruk, sum(handles_addresses) AS addr,
                       sum(handles_addresses AND uprn) AS uprn, sum(handles_addresses AND usrn) AS usrn
                FROM service_facts GROUP BY council_id)
            SELECT {column} AS grp, count(*) AS councils, sum(services) AS services, sum(api) AS api,
                   sum(dirs) AS dirs, sum(oruk) AS oruk, sum(addr) AS addr, sum(uprn) AS uprn, sum(usrn) AS usrn
            FROM per JOIN councils c ON c.id = per.council_id GROUP BY grp ORDER BY grp"""
    ).fetchall()
    out = []
    for r in rows:
        name = "All councils" if by == "all" else TYPE_NAMES.get(r["grp"], r["grp"]) if by == "type" else r["grp"]
        out.append(
            InteropGroup(
                group=r["grp"],
                name=name,
                councils=r["councils"],
                services=r["services"],
                open_api=r["api"],
                open_api_share=rate(r["api"], r["services"]),
                directories=r["dirs"],
                open_referral_uk=r["oruk"],
                open_referral_uk_share=rate(r["oruk"], r["dirs"]),
                address_services=r["addr"],
                uprn=r["uprn"],
                uprn_share=rate(r["uprn"], r["addr"]),
                usrn=r["usrn"],
                usrn_share=rate(r["usrn"], r["addr"]),
            )
        )
    return out


def _count(key: str, heading: str) -> Column:
    return Column(key, int, kind="int", heading=heading)


def _share(key: str, label: str, heading: str) -> Column:
    return Column(key, float | None, label, "pct", heading)


INTEROP = Figure(
    name="interop",
    title="Data interoperability",
    summary=(
        "The share of services publishing an open API; of directory services, those using Open "
        "Referral UK; of services handling addresses, those holding UPRNs and USRNs. '-' where a "
        "group has no such services."
    ),
    definition=(
        "- **Open API share**: services declaring `data.open_api`, of all services in the group.",
        "- **Open Referral UK share**: of directory services (`data.is_directory`), those listing "
        "`open-referral-uk` in `data.standards`.",
        "- **UPRN / USRN share**: of services handling addresses (`data.handles_addresses`), those listing "
        "`uprn` / `usrn` in `data.standards`.",
        "- A share is – when its group has no such services.",
    ),
    compute=interoperability,
    row=InteropGroup,
    model="Interop",
    columns=(
        Column("group", str),
        Column("name", str, "group"),
        _count("councils", "Councils"),
        Column("services", int, "services", "int", "Services"),
        _count("open_api", "Open API"),
        _share("open_api_share", "open API", "Open API share"),
        Column("directories", int, "directories", "int", "Directories"),
        _count("open_referral_uk", "Open Referral UK"),
        _share("open_referral_uk_share", "using Open Referral UK", "Open Referral UK share"),
        Column("address_services", int, "handling addresses", "int", "Address services"),
        _count("uprn", "UPRN"),
        _share("uprn_share", "holding UPRN", "UPRN share"),
        _count("usrn", "USRN"),
        _share("usrn_share", "holding USRN", "USRN share"),
    ),
    table=(
        "name",
        "services",
        "open_api_share",
        "directories",
        "open_referral_uk_share",
        "address_services",
        "uprn_share",
        "usrn_share",
    ),
)
