"""What a new council inherits: its constituent councils' services, solutions, contracts and compliance."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checks.reorganisation import Constituent, long_date, resolve
from registry.insights.merger_rows import (
    CANDIDATES_SHOWN,
    LONG_RUN_YEARS,
    Candidate,
    Contract,
    Council,
    DataUse,
    Inherited,
    Merger,
    Musts,
    ServiceType,
    Shared,
)
from registry.insights.shared import add_months, index_as_of, type_label, type_labels


def merger_inheritance(
    conn: sqlite3.Connection, councils: Sequence[str], vesting: dt.date | None = None, name: str = ""
) -> Merger:
    """What a council formed from `councils` inherits on vesting day, per service type.

    The councils are named by register or GSS code and checked against the register
    (registers: unknown, named twice, fewer than two, a vesting day before a council began or after
    it was abolished raise MergerInputError). Vesting day defaults to the register's for a past
    merger, else the index's as-of date. For every service type (LGSL) a constituent's services
    deliver: each service's core solutions (registry/index/solutions.py: solution patterns,
    line-of-business products, in-house builds), the earliest end of its core products' contracts
    and that contract's notice date, and per applicable standard whether any must fails. A solution
    used by two or more constituents for the type is *shared*. Convergence candidates are the
    type's core solutions ranked by constituents using it (most first), then musts met over those
    services (met / applicable, pooled; highest first), then runway: months from vesting day to the
    latest end of its contracts there (a pattern or in-house build has no contract and ranks as
    the longest); the first three are listed. Contracts (every supplier entry with a
    `contract_end`) *end before vesting* when contract_end < vesting day, and *run past it* when
    contract_end >= vesting day + 2 years. Data standards per constituent: address services using
    UPRN, directories publishing Open Referral UK, services with an open API.
    """
    constituents, chosen = resolve(councils, vesting)
    vest = chosen or index_as_of(conn)
    ids = _council_ids(conn, constituents)
    rows = _services(conn, list(ids.values()))
    codes = {cid: code for code, cid in ids.items()}
    members = [
        Council(c.code, c.name, c.status, ids.get(c.code), sum(codes[r["council_id"]] == c.code for r in rows))
        for c in constituents
    ]
    services = _inherited(conn, rows, codes)
    types = _service_types(conn, rows, services, vest)
    before, past = _contracts(conn, rows, codes, vest)
    data = _data(conn, constituents, ids)
    untyped = sum(r["lgsl"] is None for r in rows)
    title = name or " and ".join(c.name for c in constituents)
    return Merger(
        title,
        vest.isoformat(),
        index_as_of(conn).isoformat(),
        tuple(members),
        tuple(types),
        tuple(before),
        tuple(past),
        tuple(data),
        untyped,
        _summary(members, types, before, past, vest),
    )


def _council_ids(conn: sqlite3.Connection, constituents: Sequence[Constituent]) -> dict[str, str]:
    wanted = [c.code for c in constituents]
    marks = ",".join("?" * len(wanted))
    found = conn.execute(f"SELECT register_code, id FROM councils WHERE register_code IN ({marks})", wanted)
    return {r["register_code"]: r["id"] for r in found}


def _services(conn: sqlite3.Connection, council_ids: list[str]) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(council_ids))
    return conn.execute(
        f"""SELECT s.key, s.name, s.lgsl, s.council_id, f.musts_applicable, f.musts_met, f.uprn, f.usrn,
                   f.open_referral_uk, f.handles_addresses, f.is_directory, f.open_api
            FROM services s JOIN service_facts f ON f.service_key = s.key
            WHERE s.council_id IN ({marks}) ORDER BY s.key""",
        council_ids,
    ).fetchall()


def _by_service(conn: sqlite3.Connection, sql: str, keys: list[str]) -> dict[str, list[sqlite3.Row]]:
    grouped: dict[str, list[sqlite3.Row]] = defaultdict(list)
    marks = ",".join("?" * len(keys))
    for r in conn.execute(sql.format(marks=marks), keys):
        grouped[r["service_key"]].append(r)
    return grouped


def _inherited(conn: sqlite3.Connection, rows: list[sqlite3.Row], codes: dict[str, str]) -> dict[str, Inherited]:
    keys = [r["key"] for r in rows]
    sols = _by_service(conn, "SELECT * FROM service_solutions WHERE service_key IN ({marks}) ORDER BY kind, name", keys)
    contracts = _by_service(
        conn,
        "SELECT * FROM suppliers WHERE service_key IN ({marks}) AND contract_end IS NOT NULL ORDER BY contract_end",
        keys,
    )
    musts = _by_service(
        conn,
        """SELECT ss.service_key, ss.standard_id, st.title, ss.failed_must, ss.compliant
           FROM service_standards ss JOIN standards st ON st.id = ss.standard_id
           WHERE ss.service_key IN ({marks}) ORDER BY st.title""",
        keys,
    )
    found = {}
    for r in rows:
        key = r["key"]
        products = {s["solution"] for s in sols[key] if s["kind"] == "product"}
        core = [c for c in contracts[key] if c["product_key"] in products]
        found[key] = Inherited(
            council=codes[r["council_id"]],
            service=key,
            name=r["name"],
            solutions=tuple(s["name"] for s in sols[key]),
            kinds=tuple(s["kind"] for s in sols[key]),
            contract_end=core[0]["contract_end"] if core else None,
            notice_date=core[0]["notice_date"] if core else None,
            musts=tuple(
                Musts(m["standard_id"], m["title"], m["failed_must"], bool(m["compliant"])) for m in musts[key]
            ),
            data_standards=tuple(
                label
                for flag, label in (("uprn", "UPRN"), ("usrn", "USRN"), ("open_referral_uk", "Open Referral UK"))
                if r[flag]
            ),
        )
    return found


def _service_types(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], services: dict[str, Inherited], vesting: dt.date
) -> list[ServiceType]:
    labels = type_labels(conn)
    by_type: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for r in rows:
        if r["lgsl"] is not None:
            by_type[r["lgsl"]].append(r)
    keys = [r["key"] for r in rows]
    sols = _by_service(conn, "SELECT * FROM service_solutions WHERE service_key IN ({marks})", keys)
    ends = _by_service(
        conn, "SELECT service_key, product_key, contract_end FROM suppliers WHERE service_key IN ({marks})", keys
    )
    types = []
    for lgsl, members in by_type.items():
        inherited = tuple(services[r["key"]] for r in members)
        councils = tuple(sorted({s.council for s in inherited}))
        uses = _uses(members, sols, ends, services)
        shared = tuple(Shared(u.name, u.kind, tuple(sorted(u.councils))) for u in uses.values() if len(u.councils) >= 2)
        candidates = _candidates(uses, vesting, len(councils))
        label = type_label(labels, lgsl)[0]
        types.append(
            ServiceType(lgsl, label, councils, inherited, shared, candidates, _type_text(label, councils, shared))
        )
    types.sort(key=lambda t: (-len(t.councils), t.label))
    return types


@dataclass
class _Use:
    """One core solution's use among the constituents' services of one type."""

    name: str
    kind: str
    councils: set[str]
    met: int = 0
    applicable: int = 0
    latest_end: str | None = None


def _uses(
    members: list[sqlite3.Row],
    sols: dict[str, list[sqlite3.Row]],
    ends: dict[str, list[sqlite3.Row]],
    services: dict[str, Inherited],
) -> dict[tuple[str, str], _Use]:
    uses: dict[tuple[str, str], _Use] = {}
    for r in members:
        for s in sols[r["key"]]:
            use = uses.setdefault((s["kind"], s["solution"]), _Use(s["name"], s["kind"], set()))
            use.councils.add(services[r["key"]].council)
            use.met += r["musts_met"]
            use.applicable += r["musts_applicable"]
            for c in ends[r["key"]]:
                if s["kind"] == "product" and c["product_key"] == s["solution"] and c["contract_end"]:
                    use.latest_end = max(use.latest_end or c["contract_end"], c["contract_end"])
    return uses


def _candidates(uses: dict[tuple[str, str], _Use], vesting: dt.date, delivering: int) -> tuple[Candidate, ...]:
    def runway(use: _Use) -> int | None:
        return _months_between(vesting, dt.date.fromisoformat(use.latest_end)) if use.latest_end else None

    def order(item: tuple[tuple[str, str], _Use]) -> tuple[Any, ...]:
        (_kind, key), use = item
        rate = use.met / use.applicable if use.applicable else -1.0
        months = runway(use)
        return (-len(use.councils), -rate, months is not None, -(months or 0), use.name.casefold(), key)

    ranked = sorted(uses.items(), key=order)[:CANDIDATES_SHOWN]
    out = []
    for rank, (_, use) in enumerate(ranked, 1):
        rate = use.met / use.applicable if use.applicable else None
        months = runway(use)
        out.append(
            Candidate(
                rank,
                use.name,
                use.kind,
                len(use.councils),
                tuple(sorted(use.councils)),
                use.met,
                use.applicable,
                rate,
                use.latest_end,
                months,
                _reason(use, delivering, months),
            )
        )
    return tuple(out)


def _reason(use: _Use, delivering: int, months: int | None) -> str:
    who = f"used by {len(use.councils)} of the {delivering} councils delivering it ({', '.join(sorted(use.councils))})"
    musts = (
        f"its services meet {use.met} of {use.applicable} musts ({use.met * 100 // use.applicable}%)"
        if use.applicable
        else "no must applies to its services"
    )
    if use.latest_end is None:
        runway = "no contract to end" if use.kind != "product" else "no contract end given"
    elif months is not None and months < 0:
        runway = f"its contract ended {long_date(use.latest_end)}, before vesting day"
    else:
        runway = f"its contract runs to {long_date(use.latest_end)}, {months} months past vesting day"
    return f"{who[0].upper()}{who[1:]}; {musts}; {runway}."


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (negative when `end` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def _type_text(label: str, councils: tuple[str, ...], shared: tuple[Shared, ...]) -> str:
    who = f"{len(councils)} council" + ("s deliver" if len(councils) != 1 else " delivers")
    if not shared:
        return f"{who} {label}; none shares a solution for it."
    names = "; ".join(f"{s.solution} ({', '.join(s.councils)})" for s in shared)
    return f"{who} {label}; already shared: {names}."


def _contracts(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], codes: dict[str, str], vesting: dt.date
) -> tuple[list[Contract], list[Contract]]:
    keys = [r["key"] for r in rows]
    found = _by_service(
        conn, "SELECT * FROM suppliers WHERE service_key IN ({marks}) AND contract_end IS NOT NULL", keys
    )
    council_of = {r["key"]: codes[r["council_id"]] for r in rows}
    long_run = add_months(vesting, 12 * LONG_RUN_YEARS)
    before, past = [], []
    for key, contracts in found.items():
        for c in contracts:
            end = dt.date.fromisoformat(c["contract_end"])
            item = Contract(
                council_of[key],
                key,
                c["product_label"],
                c["role"],
                c["contract_end"],
                c["notice_date"],
                _months_between(vesting, end),
            )
            if end < vesting:
                before.append(item)
            elif end >= long_run:
                past.append(item)
    before.sort(key=lambda c: (c.contract_end, c.service, c.product))
    past.sort(key=lambda c: (c.contract_end, c.service, c.product), reverse=True)
    return before, past


def _data(conn: sqlite3.Connection, constituents: Sequence[Constituent], ids: dict[str, str]) -> list[DataUse]:
    out = []
    for c in constituents:
        r = conn.execute(
            """SELECT count(*), coalesce(sum(handles_addresses), 0), coalesce(sum(handles_addresses AND uprn), 0),
                      coalesce(sum(is_directory), 0), coalesce(sum(is_directory AND open_referral_uk), 0),
                      coalesce(sum(open_api), 0)
               FROM service_facts WHERE council_id = ?""",
            (ids.get(c.code, ""),),
        ).fetchone()
        out.append(DataUse(c.code, *r))
    return out


def _summary(
    members: list[Council], types: list[ServiceType], before: list[Contract], past: list[Contract], vesting: dt.date
) -> str:
    services = sum(m.services for m in members)
    described = sum(m.services > 0 for m in members)
    shared = sum(bool(t.shared) for t in types)
    several = sum(len(t.councils) >= 2 for t in types)
    return (
        f"{described} of the {len(members)} councils have services in the registry: {services} services of "
        f"{len(types)} service types. {several} of those types are delivered by two or more of them, and "
        f"{shared} already share a solution. On vesting day, {long_date(vesting)}, {len(before)} contracts have "
        f"ended and {len(past)} run {LONG_RUN_YEARS} years or more beyond it."
    )
