"""The merger figure declared once (registry/insights/declaration.py): what the command, the API and the site
show; and the figure as the command prints it (`merger_output`, as registry/insights/tables.py prints the rest)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from checks.reorganisation import MergerInputError
from registry.insights.declaration import Column, Figure
from registry.insights.merger import merger_inheritance
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
from registry.insights.output import InsightUsageError, Output

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


def merger_output(conn: sqlite3.Connection, codes: Sequence[str], vesting: dt.date | None, name: str = "") -> Output:

    try:
        m = MERGER.compute(conn, codes, vesting, name)
    except MergerInputError as exc:
        raise InsightUsageError("\n".join(f"{p.message} ({p.help})" for p in exc.problems)) from None
    lead = [m.text, ""]
    for heading, contracts in (("End before vesting day", m.ending_before), ("Run past vesting day", m.running_past)):
        lead.append(f"{heading}:")
        lead += [
            f"  {c.council} {c.product}: ends {c.contract_end} ({c.months_after_vesting:+d} months)"
            + (f", notice by {c.notice_date}" if c.notice_date else "")
            for c in contracts
        ] or ["  none"]
    lead += ["Data standards (address services using UPRN; directories with Open Referral UK):"]
    lead += [
        f"  {d.council}: UPRN {d.uprn} of {d.address_services}; ORUK {d.open_referral_uk} of {d.directories}"
        for d in m.data
    ]
    return Output(
        f"{MERGER.title}: {m.name}, vesting {m.vesting}",
        MERGER.summary,
        SERVICE_TYPES.table_columns,
        [flat_type(t) for t in m.service_types],
        asdict(m),
        lead=lead,
        empty="None of these councils' services with a service type are in the registry.",
    )
