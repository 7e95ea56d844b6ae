"""What a new council inherits: its constituent councils' services, solutions, contracts and compliance."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checks.reorganisation import Constituent, long_date, resolve
from registry.insights.declaration import Column, Figure
from registry.insights.shared import add_months, index_as_of, type_label, type_labels

LONG_RUN_YEARS = 2  # a contract running this long past vesting day is an exit cost to plan
CANDIDATES_SHOWN = 3  # convergence candidates listed per service type


@dataclass(frozen=True)
class Council:
    """One constituent council and what the registry holds of it."""

    code: str
    name: str
    status: str  # current | former
    council_id: str | None  # its folder in the index; None when the registry holds none of its services
    services: int


@dataclass(frozen=True)
class Musts:
    """One standard's musts for one inherited service."""

    standard: str  # the standard's id
    title: str
    failed_must: int
    compliant: bool  # no must of the standard fails


@dataclass(frozen=True)
class Inherited:
    """One constituent's service of a type: how it is delivered and how it does."""

    council: str  # register code
    service: str  # `<council>/<service>`
    name: str
    solutions: tuple[str, ...]  # its core solutions' names ("Supplier: Product", a pattern, an in-house build)
    kinds: tuple[str, ...]  # each one's kind: product | pattern | in_house
    contract_end: str | None  # the earliest end of its core products' contracts
    notice_date: str | None  # that contract's last day to give notice, where a notice period is given
    musts: tuple[Musts, ...]
    data_standards: tuple[str, ...]  # of UPRN, USRN, Open Referral UK


@dataclass(frozen=True)
class Shared:
    """A core solution two or more constituents already use for one service type."""

    solution: str  # its name
    kind: str
    councils: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A solution the new council could converge on for one service type, and why it ranks where it does."""

    rank: int
    solution: str
    kind: str
    councils: int
    council_codes: tuple[str, ...]
    musts_met: int
    musts_applicable: int
    musts_met_rate: float | None
    contract_end: str | None  # the latest end of its contracts among the constituents; None for no contract
    runway_months: int | None  # months from vesting day to that end (negative: ended before)
    reason: str


@dataclass(frozen=True)
class ServiceType:
    """One service type the constituents deliver."""

    lgsl: int
    label: str
    councils: tuple[str, ...]  # register codes of the constituents delivering it
    services: tuple[Inherited, ...]
    shared: tuple[Shared, ...]
    candidates: tuple[Candidate, ...]
    text: str


@dataclass(frozen=True)
class Contract:
    """A constituent's supplier contract, placed against vesting day."""

    council: str
    service: str
    product: str  # "Supplier: Product" as written
    role: str | None
    contract_end: str
    notice_date: str | None
    months_after_vesting: int  # negative when it ends before vesting day


@dataclass(frozen=True)
class DataUse:
    """One constituent's data standards, which make moving its records easier or harder."""

    council: str
    services: int
    address_services: int  # services handling addresses
    uprn: int  # of those, the ones using UPRN
    directories: int  # directory services
    open_referral_uk: int  # of those, the ones publishing Open Referral UK
    open_api: int  # services with an open API


@dataclass(frozen=True)
class Merger:
    """What the new council inherits from its constituents on vesting day."""

    name: str
    vesting: str
    as_of: str
    councils: tuple[Council, ...]
    service_types: tuple[ServiceType, ...]
    ending_before: tuple[Contract, ...]
    running_past: tuple[Contract, ...]
    data: tuple[DataUse, ...]
    untyped_services: int  # services with no LGSL code, left out of the service types
    text: str


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


# --------------------------------------------------------------------------- declarations

DEFINITION = (
    "- The **constituent councils** are named by register code and checked against the register of UK councils "
    "the project ships: an unknown code, a council named twice, or a vesting day before a council existed or "
    "after it was abolished is refused.",
    "- **Services** are the constituents' service manifests in the registry; a **service type** is a service's "
    "LGSL code (services without one are counted but not grouped).",
    "- A service's **solution** is its core solutions: solution patterns (a shared pattern), supplier products in "
    "a line-of-business, case-management or unstated role (product and supplier), and in-house builds (a service "
    "naming neither but giving its repository). Building blocks (forms, CRM, payments, hosting) are left out. "
    "**Contract end** is the earliest end of its core products' contracts; the **notice date** is that end less "
    "the contract's `notice_period_months`, where given.",
    "- **Musts** per standard: whether any must of each standard that applies to the service fails, as the "
    "service's own page shows (a restricted standard is judged from its attestation).",
    "- A solution is **already shared** when two or more constituents use it for the same service type.",
    "- **Convergence candidates** per service type: its solutions ranked by how many constituents use it (most "
    "first), then the share of musts their services meet (met of applicable, pooled), then the **runway**: "
    "months from vesting day to the latest end of its contracts among the constituents (a pattern or in-house "
    f"build has no contract and ranks first). The first {CANDIDATES_SHOWN} are listed, each with its reason.",
    "- A contract **ends before vesting day** when its `contract_end` is earlier than vesting day; it **runs "
    f"past vesting day** when it ends {LONG_RUN_YEARS} years or more after it: an exit cost to plan.",
    "- **Data standards**: of each constituent's services handling addresses, those using UPRN; of its "
    "directories, those publishing Open Referral UK; and its services with an open API. Shared identifiers make "
    "records easier to bring together.",
)

MUSTS = Figure(
    name="merger",
    title="Musts per standard",
    summary="",
    definition=(),
    compute=merger_inheritance,
    row=Musts,
    model="MergerMusts",
    columns=(
        Column("standard", str, description="The standard's id."),
        Column("title", str),
        Column("failed_must", int, description="Its musts the service fails."),
        Column("compliant", bool, description="True when no must of the standard fails."),
    ),
    table=(),
)

INHERITED = Figure(
    name="merger",
    title="An inherited service",
    summary="",
    definition=(),
    compute=merger_inheritance,
    row=Inherited,
    model="MergerService",
    columns=(
        Column("council", str, description="The constituent's register code."),
        Column("service", str, description="The service's key, `<council>/<service>`."),
        Column("name", str),
        Column("solutions", list[str], description="Its core solutions' names."),
        Column("kinds", list[str], description="Each solution's kind: `product`, `pattern` or `in_house`."),
        Column("contract_end", str | None, description="The earliest end of its core products' contracts."),
        Column("notice_date", str | None, description="That contract's last day to give notice, where given."),
        Column("musts", list[Musts], description="Per applicable standard, whether any must fails."),
        Column("data_standards", list[str], description="Of UPRN, USRN and Open Referral UK, those it uses."),
    ),
    table=(),
)

SHARED = Figure(
    name="merger",
    title="A shared solution",
    summary="",
    definition=(),
    compute=merger_inheritance,
    row=Shared,
    model="MergerShared",
    columns=(Column("solution", str), Column("kind", str), Column("councils", list[str])),
    table=(),
)

CANDIDATES = Figure(
    name="merger",
    title="Convergence candidates",
    summary="",
    definition=(),
    compute=merger_inheritance,
    row=Candidate,
    model="MergerCandidate",
    columns=(
        Column("rank", int),
        Column("solution", str),
        Column("kind", str),
        Column("councils", int, description="Constituents using it for the service type."),
        Column("council_codes", list[str]),
        Column("musts_met", int),
        Column("musts_applicable", int),
        Column("musts_met_rate", float | None, description="musts_met / musts_applicable; null when none applies."),
        Column("contract_end", str | None, description="The latest end of its contracts among the constituents."),
        Column("runway_months", int | None, description="Months from vesting day to contract_end; null: no contract."),
        Column("reason", str, description="Why it ranks here, in words."),
    ),
    table=(),
)

SERVICE_TYPES = Figure(
    name="merger",
    title="What a new council inherits",
    summary=(
        "For each service type the councils deliver: each one's solution, contract end and musts; the solutions "
        "they already share; and the convergence candidates, ranked."
    ),
    definition=DEFINITION,
    compute=merger_inheritance,
    row=ServiceType,
    model="MergerServiceType",
    columns=(
        Column("lgsl", int, "LGSL", "int"),
        Column("label", str, "service type", heading="Service type"),
        Column("councils", list[str], "councils", heading="Councils delivering it"),
        Column("services", list[Inherited]),
        Column("shared", list[Shared]),
        Column("candidates", list[Candidate], description="Up to three, best first."),
        Column("text", str),
    ),
    table=("lgsl", "label", "councils", "solutions", "shared", "candidate", "reason"),
    flat=(
        Column("lgsl", int, "LGSL", "int"),
        Column("label", str, "service type"),
        Column("councils", list[str], "councils"),
        Column("solutions", list[str], "each council's solution"),
        Column("shared", list[str], "already shared"),
        Column("candidate", str | None, "first candidate"),
        Column("reason", str | None, "why"),
    ),
)

CONTRACTS = Figure(
    name="merger",
    title="Contracts against vesting day",
    summary="",
    definition=(),
    compute=merger_inheritance,
    row=Contract,
    model="MergerContract",
    columns=(
        Column("council", str, "council"),
        Column("service", str, "service"),
        Column("product", str, "product"),
        Column("role", str | None),
        Column("contract_end", str, "contract end"),
        Column("notice_date", str | None, "notice by"),
        Column("months_after_vesting", int, "months after vesting", "int"),
    ),
    table=("council", "service", "product", "contract_end", "notice_date", "months_after_vesting"),
)

DATA = Figure(
    name="merger",
    title="Data standards",
    summary="",
    definition=(),
    compute=merger_inheritance,
    row=DataUse,
    model="MergerDataUse",
    columns=(
        Column("council", str, "council"),
        Column("services", int, "services", "int"),
        Column("address_services", int, "address services", "int"),
        Column("uprn", int, "using UPRN", "int"),
        Column("directories", int, "directories", "int"),
        Column("open_referral_uk", int, "Open Referral UK", "int"),
        Column("open_api", int, "open API", "int"),
    ),
    table=("council", "services", "address_services", "uprn", "directories", "open_referral_uk", "open_api"),
)

COUNCILS = Figure(
    name="merger",
    title="Constituent councils",
    summary="",
    definition=(),
    compute=merger_inheritance,
    row=Council,
    model="MergerCouncil",
    columns=(
        Column("code", str),
        Column("name", str),
        Column("status", str, description="`current` or `former` (abolished)."),
        Column("council_id", str | None, description="Its folder in the registry; null when none."),
        Column("services", int),
    ),
    table=(),
)

MERGER = Figure(
    name="merger",
    title="What a new council inherits",
    summary=SERVICE_TYPES.summary,
    definition=DEFINITION,
    compute=merger_inheritance,
    row=Merger,
    model="Merger",
    columns=(
        Column("name", str),
        Column("vesting", str, description="Vesting day: the first day of the new council."),
        Column("as_of", str, description="The date the services were judged at."),
        Column("councils", list[Council]),
        Column("service_types", list[ServiceType]),
        Column("ending_before", list[Contract], description="Contracts ending before vesting day."),
        Column(
            "running_past",
            list[Contract],
            description=f"Contracts ending {LONG_RUN_YEARS} years or more after vesting day, latest first.",
        ),
        Column("data", list[DataUse]),
        Column("untyped_services", int, description="Services without an LGSL code, left out of service_types."),
        Column("text", str),
    ),
    table=(),
)


def flat_type(t: ServiceType) -> dict[str, Any]:
    """A service type as one CSV or text row: each council's solution in words, the first candidate."""
    first = t.candidates[0] if t.candidates else None
    return {
        "lgsl": t.lgsl,
        "label": t.label,
        "councils": list(t.councils),
        "solutions": [f"{s.council}: {', '.join(s.solutions) or 'none named'}" for s in t.services],
        "shared": [f"{s.solution} ({', '.join(s.councils)})" for s in t.shared],
        "candidate": first.solution if first else None,
        "reason": first.reason if first else None,
    }
