"""Lock-in signals: services that would be hard to move to another supplier."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from registry.insights.declaration import Column, Figure

LONG_CONTRACT_YEARS = 5


@dataclass(frozen=True)
class LockIn:
    """The lock-in signals one service shows."""

    service: str  # `<council>/<id>`
    council: str
    name: str
    lgsl: int | None
    no_open_api: bool  # data.open_api is not declared
    no_open_export: bool  # no format in data.export_formats is open (OPEN_FORMATS)
    proprietary_format: bool  # data.proprietary_format
    long_contract: bool  # a supplier contract runs longer than five years
    signals: int  # how many of the four


@dataclass(frozen=True)
class LockInPage:
    total: int  # services showing at least `min_signals` signals
    services: int  # services considered
    no_open_api: int  # services showing each signal (over the services considered)
    no_open_export: int
    proprietary_format: int
    long_contract: int
    items: tuple[LockIn, ...]


def lock_in_signals(
    conn: sqlite3.Connection,
    council: str | None = None,
    lgsl: int | None = None,
    min_signals: int = 1,
    limit: int | None = None,
    offset: int = 0,
) -> LockInPage:
    """Services ranked by how many lock-in signals they show.

    The four signals: no open API (`data.open_api` not declared); no bulk export in an open
    format (none of `data.export_formats` is one of OPEN_FORMATS: csv, tsv, json, jsonl,
    json-ld, geojson, xml, ods, gml, kml, gpkg, parquet, rdf, ttl, the formats the data
    standard accepts as open); a proprietary data format (`data.proprietary_format`); and a
    contract longer than five years (a supplier whose contract_end falls after the same
    date five years on from its contract_start, by SQLite's date arithmetic; a contract of
    exactly five years is not longer; suppliers without both dates are not judged). Items
    are ordered by signals (most first), then service key; the counts per signal are over
    every service considered (after `council` and `lgsl`).
    """
    if min_signals < 0 or min_signals > 4:
        raise ValueError("min_signals must be between 0 and 4")
    clauses = ["1"]
    params: list[Any] = []
    if council is not None:
        clauses.append("f.council_id = ?")
        params.append(council)
    if lgsl is not None:
        clauses.append("f.lgsl = ?")
        params.append(lgsl)
    base = f"""SELECT f.service_key, f.council_id, f.lgsl, 1 - f.open_api AS no_api, 1 - f.open_export AS no_export,
                      f.proprietary_format AS proprietary,
                      EXISTS (SELECT 1 FROM suppliers x WHERE x.service_key = f.service_key
                              AND x.contract_start IS NOT NULL
                              AND x.contract_end > date(x.contract_start, '+{LONG_CONTRACT_YEARS} years')) AS long
               FROM service_facts f WHERE {" AND ".join(clauses)}"""
    summary = conn.execute(
        f"""WITH b AS ({base}), s AS (SELECT *, no_api + no_export + proprietary + long AS n FROM b)
            SELECT count(*) AS services, coalesce(sum(no_api), 0) AS no_api, coalesce(sum(no_export), 0) AS no_export,
                   coalesce(sum(proprietary), 0) AS proprietary, coalesce(sum(long), 0) AS long,
                   coalesce(sum(n >= ?), 0) AS total FROM s""",
        [*params, min_signals],
    ).fetchone()
    page = "LIMIT ? OFFSET ?" if limit is not None else "LIMIT -1 OFFSET ?"
    rows = conn.execute(
        f"""WITH b AS ({base}), s AS (SELECT *, no_api + no_export + proprietary + long AS n FROM b WHERE
                                      no_api + no_export + proprietary + long >= ?)
            SELECT s.*, v.name FROM s JOIN services v ON v.key = s.service_key
            ORDER BY s.n DESC, s.service_key {page}""",
        [*params, min_signals, *([limit] if limit is not None else []), offset],
    ).fetchall()
    items = tuple(
        LockIn(
            service=r["service_key"],
            council=r["council_id"],
            name=r["name"],
            lgsl=r["lgsl"],
            no_open_api=bool(r["no_api"]),
            no_open_export=bool(r["no_export"]),
            proprietary_format=bool(r["proprietary"]),
            long_contract=bool(r["long"]),
            signals=r["n"],
        )
        for r in rows
    )
    return LockInPage(
        total=summary["total"],
        services=summary["services"],
        no_open_api=summary["no_api"],
        no_open_export=summary["no_export"],
        proprietary_format=summary["proprietary"],
        long_contract=summary["long"],
        items=items,
    )


def _signal(key: str, label: str, heading: str, description: str = "") -> Column:
    return Column(key, bool, label, heading=heading, description=description)


LOCK_IN = Figure(
    name="lock-in",
    title="Lock-in signals per service",
    summary=(
        "Signs a service would be hard to move: no open API, no bulk export in an open format (csv, "
        "json, xml, ods, ...), a proprietary data format, a supplier contract longer than five years."
    ),
    definition=(
        "no open API (`data.open_api` not declared), no bulk export in an open format (none of "
        "`data.export_formats` is CSV, JSON, XML, ODS or another open format), a proprietary data format "
        "(`data.proprietary_format`), and a supplier contract longer than five years (from `contract_start` "
        "to `contract_end`; exactly five years is not longer).",
    ),
    compute=lock_in_signals,
    row=LockIn,
    model="LockIn",
    columns=(
        Column("service", str, "service", description="`<council>/<id>`."),
        Column("council", str),
        Column("name", str, "name"),
        Column("lgsl", int | None),
        _signal("no_open_api", "no open API", "No open API"),
        _signal("no_open_export", "no open export", "No bulk export in an open format"),
        _signal("proprietary_format", "proprietary format", "Proprietary data format"),
        _signal(
            "long_contract",
            f"contract > {LONG_CONTRACT_YEARS} years",
            f"Contract longer than {LONG_CONTRACT_YEARS} years",
            "A supplier contract runs longer than five years.",
        ),
        Column("signals", int, "signals", "int"),
    ),
    table=(
        "service",
        "name",
        "signals",
        "no_open_api",
        "no_open_export",
        "proprietary_format",
        "long_contract",
    ),
)
