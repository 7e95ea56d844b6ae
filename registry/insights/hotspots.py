"""Duplication hotspots: service types many councils deliver with many different core solutions."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from registry.index.products import COMPANY_FORMS
from registry.index.solutions import BUILDING_BLOCK_ROLES
from registry.insights.declaration import Column, Figure
from registry.insights.shared import type_label, type_labels

# Three councils on three different solutions is the smallest case where no two of them share
# what delivers the service (two councils on two is one pair's choice, not a sector pattern); at
# that size a shared solution would already replace two builds or contracts. Both are options.
DEFAULT_MIN_COUNCILS = 3
DEFAULT_MIN_SOLUTIONS = 3


@dataclass(frozen=True)
class SolutionCouncils:
    """One core solution run for a service type, and the councils running it."""

    kind: str  # "pattern", "product" or "in_house"
    id: str  # the pattern id, the product key (registry/index/products.py), or the repository
    name: str
    councils: int
    council_ids: tuple[str, ...]


@dataclass(frozen=True)
class Hotspot:
    """A service type many councils deliver with many different core solutions."""

    lgsl: int
    label: str
    function: str
    councils: int  # councils delivering the type
    services: int
    solutions: int  # distinct core solutions the councils run
    shared_solutions: int  # of those, run by two or more councils
    separate_councils: int  # councils whose core solutions no other council runs for this type
    councils_without_solution: int  # councils none of whose services of the type names a core solution
    by_solution: tuple[SolutionCouncils, ...]  # most councils first, then name
    text: str

    def flat(self) -> dict[str, Any]:
        """One row for CSV and the command line: each solution as `name (council, council)`."""
        row: dict[str, Any] = {c.key: getattr(self, c.key) for c in HOTSPOTS.columns if c.key != "by_solution"}
        row["by_solution"] = [f"{s.name} ({', '.join(s.council_ids)})" for s in self.by_solution]
        return row


def duplication_hotspots(
    conn: sqlite3.Connection,
    min_councils: int = DEFAULT_MIN_COUNCILS,
    min_solutions: int = DEFAULT_MIN_SOLUTIONS,
) -> list[Hotspot]:
    """Service types many councils deliver with many different core solutions, most solutions first.

    A service's *core solutions* are what delivers it (worked out once per manifest when the index
    is built, registry/index/solutions.py): the patterns it names whose type is `solution`; the
    supplier products it names, unless the supplier's role is a building block (CRM, payments,
    web platform, forms, hosting, integration, data/analytics, consultancy), a product named as a
    pattern counting as that pattern; and, when it names none of these but gives `source_code.url`, an in-house build
    identified by that repository. Building-block patterns (Design System, Notify, address lookup)
    never count. Products are matched as registry/index/products.py normalises them.

    For each service type (LGSL): `councils` delivering it, `solutions` the distinct core solutions
    their services run, each listed with the councils running it; `shared_solutions` those run by
    two or more councils; `separate_councils` the councils whose every core solution no other
    council runs for the type; `councils_without_solution` those naming none. A type is a hotspot
    with at least `min_councils` councils and `min_solutions` solutions. Ordered by solutions, then
    councils (both most first), then LGSL code.
    """
    if min_councils < 1 or min_solutions < 1:
        raise ValueError("min_councils and min_solutions must be at least 1")
    labels = type_labels(conn)
    types = conn.execute(
        """SELECT lgsl, count(DISTINCT council_id) AS councils, count(*) AS services
           FROM service_facts WHERE lgsl IS NOT NULL GROUP BY lgsl HAVING count(DISTINCT council_id) >= ?""",
        (min_councils,),
    ).fetchall()
    runs = _solutions_by_type(conn, min_councils)
    out = []
    for t in types:
        used = runs.get(t["lgsl"], [])
        if len(used) < min_solutions:
            continue
        label, function = type_label(labels, t["lgsl"])
        out.append(_hotspot(t["lgsl"], label, function, t["councils"], t["services"], used))
    out.sort(key=lambda h: (-h.solutions, -h.councils, h.lgsl))
    return out


def _solutions_by_type(conn: sqlite3.Connection, min_councils: int) -> dict[int, list[SolutionCouncils]]:
    rows = conn.execute(
        """SELECT f.lgsl, s.kind, s.solution, min(s.name) AS name, group_concat(DISTINCT f.council_id) AS ids
           FROM service_solutions s JOIN service_facts f ON f.service_key = s.service_key
           WHERE f.lgsl IN (SELECT lgsl FROM service_facts WHERE lgsl IS NOT NULL
                            GROUP BY lgsl HAVING count(DISTINCT council_id) >= ?)
           GROUP BY f.lgsl, s.kind, s.solution""",
        (min_councils,),
    ).fetchall()
    by_type: dict[int, list[SolutionCouncils]] = defaultdict(list)
    for r in rows:
        ids = tuple(sorted(r["ids"].split(",")))
        by_type[r["lgsl"]].append(SolutionCouncils(r["kind"], r["solution"], r["name"], len(ids), ids))
    for used in by_type.values():
        used.sort(key=lambda s: (-s.councils, s.name.casefold(), s.kind, s.id))
    return by_type


def _hotspot(
    lgsl: int, label: str, function: str, councils: int, services: int, used: list[SolutionCouncils]
) -> Hotspot:
    runners: dict[str, list[int]] = defaultdict(list)  # council -> the councils count of each solution it runs
    for s in used:
        for c in s.council_ids:
            runners[c].append(s.councils)
    separate = sum(1 for counts in runners.values() if max(counts) == 1)
    shared = [s for s in used if s.councils > 1]
    named = len(runners)
    text = (
        f"{named} of the {councils} councils delivering {label} run {len(used)} different core solutions"
        + (
            f"; {len(shared)} {'is' if len(shared) == 1 else 'are'} shared: "
            + "; ".join(f"{s.name} ({', '.join(s.council_ids)})" for s in shared)
            if shared
            else "; none is shared"
        )
        + "."
    )
    return Hotspot(
        lgsl=lgsl,
        label=label,
        function=function,
        councils=councils,
        services=services,
        solutions=len(used),
        shared_solutions=len(shared),
        separate_councils=separate,
        councils_without_solution=councils - named,
        by_solution=tuple(used),
        text=text,
    )


SOLUTION_COUNCILS = Figure(
    name="hotspots",
    title="Solutions run",
    summary="",
    definition=(),
    compute=duplication_hotspots,
    row=SolutionCouncils,
    model="SolutionCouncils",
    columns=(
        Column("kind", str, description="`pattern` (a solution pattern), `product` or `in_house`."),
        Column("id", str, description="The pattern id, the product key, or the in-house build's repository."),
        Column("name", str),
        Column("councils", int, kind="int"),
        Column("council_ids", list[str]),
    ),
    table=(),
)

HOTSPOTS = Figure(
    name="hotspots",
    title="Duplication hotspots",
    summary=(
        "Service types many councils deliver with many different core solutions (solution patterns, "
        "line-of-business products and in-house builds, not shared building blocks): how many each type's "
        "councils run, and which councils share one. Most solutions first."
    ),
    definition=(
        "- A service's **core solutions** are what delivers it: the patterns it names that are *solutions* "
        "(a shared platform or product, such as PlanX, BOPS, FixMyStreet Pro or GOV.UK Pay); the supplier "
        "products it names, unless the supplier's role is a building block ("
        + ", ".join(BUILDING_BLOCK_ROLES)
        + "): line-of-business systems and case management count, and so does a supplier with no role or "
        "`other`; a product named as a pattern (`BOPS`) counts as that pattern; and, when it names none of "
        "these but gives its own code's repository (`source_code.url`), an **in-house build**, one per "
        "repository. *Building-block* patterns (the Design System, GOV.UK Notify, an address lookup) never "
        "count: every council using Notify still runs its own service.",
        "- Products are one solution however they are spelt: supplier and product compared ignoring case, "
        "punctuation and a trailing company form (" + ", ".join(f'"{f}"' for f in COMPANY_FORMS) + ").",
        "- **Solutions**: the distinct core solutions the councils delivering the type run; **shared**: those "
        "run by two or more councils; **working alone**: councils whose every core solution no other council "
        "runs for the type; **naming none**: councils whose services of the type name no core solution.",
        f"- A type is a **hotspot** when at least {DEFAULT_MIN_COUNCILS} councils deliver it with at least "
        f"{DEFAULT_MIN_SOLUTIONS} different core solutions: the smallest case where no two need share one, and "
        "where one shared solution would replace at least two. Most solutions first, then most councils.",
    ),
    compute=duplication_hotspots,
    row=Hotspot,
    model="Hotspot",
    columns=(
        Column("lgsl", int, "LGSL", "int"),
        Column("label", str, "service type", heading="Service type"),
        Column("function", str, heading="Function"),
        Column("councils", int, "councils", "int", "Councils", "Councils delivering the service type."),
        Column("services", int, kind="int", heading="Services"),
        Column(
            "solutions",
            int,
            "solutions",
            "int",
            "Different solutions",
            "Distinct core solutions (solution patterns, line-of-business products, in-house builds) they run.",
        ),
        Column("shared_solutions", int, "shared", "int", "Shared", "Of those, solutions run by two or more councils."),
        Column(
            "separate_councils",
            int,
            "working alone",
            "int",
            "Councils working alone",
            "Councils whose every core solution no other council runs for this type.",
        ),
        Column(
            "councils_without_solution",
            int,
            kind="int",
            heading="Councils naming none",
            description="Councils whose services of this type name no core solution.",
        ),
        Column(
            "by_solution",
            list[SolutionCouncils],
            description="Each core solution with the councils running it, most councils first.",
        ),
        Column("text", str, description="The figure in a sentence."),
    ),
    flat=(
        Column("lgsl", int, "LGSL", "int"),
        Column("label", str, "service type"),
        Column("function", str),
        Column("councils", int, "councils", "int"),
        Column("services", int, kind="int"),
        Column("solutions", int, "solutions", "int"),
        Column("shared_solutions", int, "shared", "int"),
        Column("separate_councils", int, "working alone", "int"),
        Column("councils_without_solution", int, "naming none", "int"),
        Column("by_solution", list[str], "solutions (councils)"),
        Column("text", str),
    ),
    table=(
        "lgsl",
        "label",
        "councils",
        "solutions",
        "shared_solutions",
        "separate_councils",
        "councils_without_solution",
        "by_solution",
    ),
)
