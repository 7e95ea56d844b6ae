"""Strategic authorities: each combined authority's constituent councils, their compliance, and the
products and patterns two or more of them already share (the site's authority pages and the API's
/authorities routes).

Membership is the register's (checks/data/strategic_authorities.csv, stored in the index as
`strategic_authorities` and `authority_councils`); a constituent council with no manifests here is
listed with no figures. Every figure is over the constituents' own services, so nothing is shown
that each council's own page does not already show.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from checks.registers import council_index
from registry.insights.declaration import Column, Figure
from registry.insights.shared import rate

SHARED_MIN_COUNCILS = 2

# The registry's councils that are constituents of authority `?` (councils c joined to the register).
_MEMBERS = """SELECT c.id FROM councils c JOIN authority_councils m ON m.register_code = c.register_code
              WHERE m.authority = ?"""


@dataclass(frozen=True)
class AuthoritySummary:
    """One strategic authority: its constituents and their services' compliance, pooled."""

    code: str  # the register code: GMCA, WYCA ...
    name: str  # the official name
    region: str
    start_date: str
    constituents: int  # constituent councils in the register
    councils: int  # of those, councils with at least one service here
    services: int
    compliant: int  # services with no failing must
    compliance_rate: float | None  # compliant / services
    musts_applicable: int
    musts_met: int
    musts_met_rate: float | None  # musts_met / musts_applicable, pooled over the services
    shared_solutions: int  # products and patterns used by two or more of its councils


def authority_summaries(conn: sqlite3.Connection, with_services: bool = False) -> list[AuthoritySummary]:
    """Every strategic authority in the register, with its constituents' services pooled.

    `constituents` counts the councils the register names as members; `councils` those of them
    with at least one service in the registry. Over their services: `compliant` those with no
    failing must, and `musts_met` of `musts_applicable` the must results passed or waived (as
    every insight pools them). `shared_solutions` counts what `shared_solutions` lists for it.
    With `with_services`, only authorities with at least one service. Ordered by name.
    """
    rows = conn.execute(
        """WITH per AS (
               SELECT m.authority, count(DISTINCT f.council_id) AS councils, count(*) AS services,
                      sum(f.compliant) AS compliant, sum(f.musts_applicable) AS applicable, sum(f.musts_met) AS met
               FROM service_facts f JOIN councils c ON c.id = f.council_id
               JOIN authority_councils m ON m.register_code = c.register_code GROUP BY m.authority),
           sizes AS (SELECT authority, count(*) AS constituents FROM authority_councils GROUP BY authority)
           SELECT a.*, sizes.constituents, coalesce(per.councils, 0) AS councils,
                  coalesce(per.services, 0) AS services, coalesce(per.compliant, 0) AS compliant,
                  coalesce(per.applicable, 0) AS applicable, coalesce(per.met, 0) AS met
           FROM strategic_authorities a JOIN sizes ON sizes.authority = a.code
           LEFT JOIN per ON per.authority = a.code ORDER BY a.name"""
    ).fetchall()
    return [
        AuthoritySummary(
            code=r["code"],
            name=r["name"],
            region=r["region"],
            start_date=r["start_date"],
            constituents=r["constituents"],
            councils=r["councils"],
            services=r["services"],
            compliant=r["compliant"],
            compliance_rate=rate(r["compliant"], r["services"]),
            musts_applicable=r["applicable"],
            musts_met=r["met"],
            musts_met_rate=rate(r["met"], r["applicable"]),
            shared_solutions=len(shared_solutions(conn, r["code"])) if r["councils"] >= SHARED_MIN_COUNCILS else 0,
        )
        for r in rows
        if r["services"] or not with_services
    ]


@dataclass(frozen=True)
class Constituent:
    """One constituent council of an authority, and its services' compliance."""

    register_code: str
    name: str
    council: str | None  # the registry's council id; None when it has no manifests here
    services: int
    compliant: int
    compliance_rate: float | None
    musts_applicable: int
    musts_met: int
    musts_met_rate: float | None


def constituents(conn: sqlite3.Connection, code: str) -> list[Constituent]:
    """Each constituent council of authority `code` in the register, and its services' compliance.

    A council with manifests here shows its services, those with no failing must (`compliant`)
    and its must results passed or waived (`musts_met` of `musts_applicable`), as its own page
    does; one without manifests is listed with zeros and no rates. Ordered by name.
    """
    found = {
        r["register_code"]: r
        for r in conn.execute(
            """SELECT c.register_code, c.id, c.name, count(f.service_key) AS services,
                      coalesce(sum(f.compliant), 0) AS compliant, coalesce(sum(f.musts_applicable), 0) AS applicable,
                      coalesce(sum(f.musts_met), 0) AS met
               FROM councils c JOIN authority_councils m ON m.register_code = c.register_code
               LEFT JOIN service_facts f ON f.council_id = c.id WHERE m.authority = ? GROUP BY c.id""",
            (code,),
        )
    }
    register = council_index().by_register
    out = []
    for (member,) in conn.execute("SELECT register_code FROM authority_councils WHERE authority = ?", (code,)):
        r = found.get(member)
        entry = register.get(member)
        name = r["name"] if r is not None else entry.name if entry is not None else member
        services, compliant, applicable, met = (
            (r["services"], r["compliant"], r["applicable"], r["met"]) if r is not None else (0, 0, 0, 0)
        )
        out.append(
            Constituent(
                register_code=member,
                name=name,
                council=r["id"] if r is not None else None,
                services=services,
                compliant=compliant,
                compliance_rate=rate(compliant, services),
                musts_applicable=applicable,
                musts_met=met,
                musts_met_rate=rate(met, applicable),
            )
        )
    return sorted(out, key=lambda c: c.name)


@dataclass(frozen=True)
class SharedSolution:
    """A product or pattern two or more of an authority's councils already use."""

    kind: str  # pattern | product
    id: str  # the pattern id, or the product key
    name: str
    councils: int
    council_ids: list[str]  # sorted
    services: int


def shared_solutions(
    conn: sqlite3.Connection, code: str, min_councils: int = SHARED_MIN_COUNCILS
) -> list[SharedSolution]:
    """The products and patterns at least two of authority `code`'s councils use: what they could share.

    A pattern counts for a council when one of its services names it (`patterns`); a product when
    one of its services names the supplier and product (matched by product key, as every insight
    matches them: case, punctuation and "Ltd" ignored; a supplier named without a product is that
    supplier). Ordered by councils, then services (most first), then name.
    """
    rows = conn.execute(
        f"""WITH members AS ({_MEMBERS}),
                used AS (
                    SELECT 'pattern' AS kind, p.pattern_id AS id, x.name AS name, s.council_id, s.key
                    FROM service_patterns p JOIN patterns x ON x.id = p.pattern_id
                    JOIN services s ON s.key = p.service_key WHERE s.council_id IN members
                    UNION
                    SELECT 'product', u.product_key, u.product_label, s.council_id, s.key
                    FROM suppliers u JOIN services s ON s.key = u.service_key WHERE s.council_id IN members)
            SELECT kind, id, min(name) AS name, count(DISTINCT council_id) AS councils,
                   group_concat(DISTINCT council_id) AS council_ids, count(DISTINCT key) AS services
            FROM used GROUP BY kind, id HAVING count(DISTINCT council_id) >= ?
            ORDER BY councils DESC, services DESC, name""",
        (code, min_councils),
    ).fetchall()
    return [
        SharedSolution(
            kind=r["kind"],
            id=r["id"],
            name=r["name"],
            councils=r["councils"],
            council_ids=sorted(r["council_ids"].split(",")),
            services=r["services"],
        )
        for r in rows
    ]


def _rate(key: str, label: str, heading: str, description: str) -> Column:
    return Column(key, float | None, label, "pct", heading, description)


_MUSTS = (
    Column("musts_applicable", int, kind="int", description="Must results that applied to the services."),
    Column("musts_met", int, kind="int", description="Of those, the ones passed or waived."),
    _rate("musts_met_rate", "musts met", "Musts met", "musts_met / musts_applicable, 0-1; null without services."),
)
_COMPLIANCE = (
    Column("services", int, "services", "int", "Services"),
    Column("compliant", int, "compliant", "int", "Compliant", "Services with no failing must."),
    _rate("compliance_rate", "compliance", "Compliance", "compliant / services, 0-1; null without services."),
)

AUTHORITIES = Figure(
    name="authorities",
    title="Strategic authorities",
    summary="Each combined authority in the register: its constituent councils, their services' compliance, "
    "and the products and patterns two or more of them share.",
    definition=(
        "- **Constituents**: the councils the register (mySociety, CC BY 4.0) names as the authority's members; "
        "**with services** those of them that describe at least one service here.",
        "- **Compliant services**: of the constituents' services, those with no failing must.",
        "- **Musts met**: of the must results that applied to those services, the share passed or waived.",
        "- **Shared solutions**: products and patterns at least two of the constituents use.",
    ),
    compute=authority_summaries,
    row=AuthoritySummary,
    model="Authority",
    columns=(
        Column("code", str, "code", description="The authority's register code."),
        Column("name", str, "authority", heading="Authority"),
        Column("region", str, description="The authority's region."),
        Column("start_date", str, description="The day the authority was established."),
        Column("constituents", int, "constituents", "int", "Constituents", "Constituent councils in the register."),
        Column("councils", int, "with services", "int", "With services", "Constituents with services here."),
        *_COMPLIANCE,
        *_MUSTS,
        Column(
            "shared_solutions", int, "shared", "int", "Shared solutions", "Products and patterns 2+ constituents use."
        ),
    ),
    table=("code", "name", "constituents", "councils", "services", "compliance_rate", "musts_met_rate"),
)

CONSTITUENTS = Figure(
    name="authority-constituents",
    title="Constituent councils",
    summary="Each constituent council of the authority and its services' compliance.",
    definition=(
        "- **Compliant services**: of the council's services, those with no failing must in any standard "
        "that applies to them.",
        "- **Musts met**: of the must results that applied to its services, those passed or waived.",
        "- A council with no services here shows – for both.",
    ),
    compute=constituents,
    row=Constituent,
    model="Constituent",
    columns=(
        Column("register_code", str, "code", description="The council's register code."),
        Column("name", str, "council", heading="Council"),
        Column("council", str | None, description="The registry's council id; null without manifests here."),
        *_COMPLIANCE,
        *_MUSTS,
    ),
    table=("register_code", "name", "services", "compliance_rate", "musts_met_rate"),
)

SHARED = Figure(
    name="authority-shared",
    title="Shared solutions",
    summary="Products and patterns two or more of the authority's councils already use.",
    definition=(
        "- A **pattern** counts for a council when one of its services names it.",
        "- A **product** counts when one of its services names the supplier and product (matched ignoring "
        "case, punctuation and \u201cLtd\u201d; a supplier named without a product is that supplier).",
        "- Listed when at least two constituent councils use it; most councils first.",
    ),
    compute=shared_solutions,
    row=SharedSolution,
    model="SharedSolution",
    columns=(
        Column("kind", str, "kind", heading="Kind", description="`pattern` or `product`."),
        Column("id", str, description="The pattern id, or the product key `<supplier>|<product>`, normalised."),
        Column("name", str, "solution", heading="Solution"),
        Column("councils", int, "councils", "int", "Councils", "Constituent councils using it."),
        Column("council_ids", list[str], description="Those councils' ids, sorted."),
        Column("services", int, "services", "int", "Services", "Their services using it."),
    ),
    table=("kind", "name", "councils", "services"),
)
