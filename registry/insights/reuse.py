"""Reuse: the solutions (patterns and supplier products) councils use for each service type, and
a suggestion for one service from what the other councils delivering its type use."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from registry.insights.declaration import Column, Figure
from registry.insights.shared import rate, type_label, type_labels


@dataclass(frozen=True)
class SolutionStats:
    """One solution's use for one service type, and how the services using it do."""

    lgsl: int
    kind: str  # "pattern" or "product"
    id: str  # the pattern id, or the product key "<supplier>|<product>" (registry/index/products.py)
    name: str  # the pattern's name, or "Supplier: Product" (just the supplier when no product is named)
    councils: int  # councils with at least one service of this type using it
    services: int
    compliant: int  # of those services, the ones with no failing must
    compliance_rate: float  # compliant / services
    musts_applicable: int
    musts_met: int
    musts_met_rate: float | None  # musts_met / musts_applicable (None when no must applies)


@dataclass(frozen=True)
class PatternUse:
    pattern: str
    name: str
    councils: int
    services: int


@dataclass(frozen=True)
class ServiceTypeReuse:
    """How councils deliver one service type, and what they share."""

    lgsl: int
    label: str
    function: str
    councils: int
    services: int
    compliant: int
    solutions: int  # distinct solutions (patterns and supplier products) its services use
    services_without_solution: int  # services naming no pattern and no supplier
    top_solution: SolutionStats | None  # used by the most councils (then services, kind, id)
    patterns: tuple[PatternUse, ...]  # every pattern used for this type, most councils first

    def flat(self) -> dict[str, Any]:
        """One row for CSV: the top solution's figures and the patterns as `id (councils)` texts."""
        top = self.top_solution
        return {
            "lgsl": self.lgsl,
            "label": self.label,
            "function": self.function,
            "councils": self.councils,
            "services": self.services,
            "solutions": self.solutions,
            "services_without_solution": self.services_without_solution,
            "top_solution": top.name if top else None,
            "top_solution_kind": top.kind if top else None,
            "top_solution_councils": top.councils if top else None,
            "top_solution_musts_met_rate": top.musts_met_rate if top else None,
            "patterns": [f"{p.pattern} ({p.councils})" for p in self.patterns],
        }


_SOLUTIONS_CTE = """
sol AS (
    SELECT f.lgsl, f.council_id, f.service_key, f.compliant, f.musts_applicable, f.musts_met,
           'pattern' AS kind, sp.pattern_id AS sid, coalesce(p.name, sp.pattern_id) AS name
    FROM service_facts f
    JOIN service_patterns sp ON sp.service_key = f.service_key
    LEFT JOIN patterns p ON p.id = sp.pattern_id
    WHERE f.lgsl IS NOT NULL {where}
    UNION ALL
    -- A product named twice on one service is one use of it.
    SELECT f.lgsl, f.council_id, f.service_key, f.compliant, f.musts_applicable, f.musts_met,
           'product', x.product_key, min(x.product_label)
    FROM service_facts f
    JOIN suppliers x ON x.service_key = f.service_key
    WHERE f.lgsl IS NOT NULL {where}
    GROUP BY f.service_key, 8
)"""

_SOLUTION_ORDER = "councils DESC, services DESC, kind, sid"  # ties: patterns before products, then id


def _lgsl_filter(lgsl: int | None, exclude_council: str | None = None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if lgsl is not None:
        clauses.append("AND f.lgsl = ?")
        params.append(lgsl)
    if exclude_council is not None:
        clauses.append("AND f.council_id != ?")
        params.append(exclude_council)
    return " ".join(clauses), params


def _solution(row: sqlite3.Row) -> SolutionStats:
    return SolutionStats(
        lgsl=row["lgsl"],
        kind=row["kind"],
        id=row["sid"],
        name=row["name"],
        councils=row["councils"],
        services=row["services"],
        compliant=row["compliant"],
        compliance_rate=row["compliant"] / row["services"],
        musts_applicable=row["ma"],
        musts_met=row["mm"],
        musts_met_rate=rate(row["mm"], row["ma"]),
    )


def solutions(conn: sqlite3.Connection, lgsl: int | None = None) -> list[SolutionStats]:
    """Every solution used per service type, with its councils and the compliance of its services.

    For each (service type, solution): `councils` is the number of distinct councils with a
    service of that type using it, `services` the number of such services, `compliance_rate`
    the share of those services with no failing must, and `musts_met_rate` the musts met
    (see the module docstring) pooled over those services. Ordered by service type, then
    most councils, most services, patterns before products, and id.
    """
    where, params = _lgsl_filter(lgsl)
    rows = conn.execute(
        f"""WITH {_SOLUTIONS_CTE.format(where=where)}
            SELECT lgsl, kind, sid, min(name) AS name, count(DISTINCT council_id) AS councils, count(*) AS services,
                   sum(compliant) AS compliant, sum(musts_applicable) AS ma, sum(musts_met) AS mm
            FROM sol GROUP BY lgsl, kind, sid ORDER BY lgsl, {_SOLUTION_ORDER}""",
        params * 2,
    ).fetchall()
    return [_solution(r) for r in rows]


def reuse_by_service_type(conn: sqlite3.Connection, lgsl: int | None = None) -> list[ServiceTypeReuse]:
    """Per service type: councils delivering it, distinct solutions, patterns used, the top solution.

    `councils` counts distinct councils with at least one service of the type; `solutions`
    counts distinct patterns and supplier products used by its services; `patterns` lists
    each pattern used with the number of councils (and services) using it for this type;
    `top_solution` is the solution used by the most councils (ties: most services, then
    patterns before products, then id). Ordered by most councils, then most services, then
    LGSL code.
    """
    labels = type_labels(conn)
    where, params = _lgsl_filter(lgsl)
    totals = conn.execute(
        f"""SELECT f.lgsl, count(DISTINCT f.council_id) AS councils, count(*) AS services,
                   sum(f.compliant) AS compliant
            FROM service_facts f WHERE f.lgsl IS NOT NULL {where} GROUP BY f.lgsl""",
        params,
    ).fetchall()
    # Apart, and with NOT IN: SQLite builds each key list once, where correlated EXISTS looked every
    # service up twice (at 100,000 services the counts took half the time of everything else here).
    bare = dict(
        conn.execute(
            f"""SELECT f.lgsl, count(*) FROM service_facts f
                WHERE f.lgsl IS NOT NULL {where}
                  AND f.service_key NOT IN (SELECT service_key FROM service_patterns)
                  AND f.service_key NOT IN (SELECT service_key FROM suppliers)
                GROUP BY f.lgsl""",
            params,
        ).fetchall()
    )
    by_type: dict[int, list[SolutionStats]] = defaultdict(list)
    for s in solutions(conn, lgsl):
        by_type[s.lgsl].append(s)
    out: list[ServiceTypeReuse] = []
    for t in totals:
        label, function = type_label(labels, t["lgsl"])
        used = by_type.get(t["lgsl"], [])
        patterns = sorted(
            (PatternUse(s.id, s.name, s.councils, s.services) for s in used if s.kind == "pattern"),
            key=lambda p: (-p.councils, -p.services, p.pattern),
        )
        out.append(
            ServiceTypeReuse(
                lgsl=t["lgsl"],
                label=label,
                function=function,
                councils=t["councils"],
                services=t["services"],
                compliant=t["compliant"],
                solutions=len(used),
                services_without_solution=bare.get(t["lgsl"], 0),
                top_solution=used[0] if used else None,
                patterns=tuple(patterns),
            )
        )
    out.sort(key=lambda r: (-r.councils, -r.services, r.lgsl))
    return out


SOLUTIONS = Figure(
    name="reuse",
    title="Solutions",
    summary=(
        "Each pattern or supplier product used for this service type, the councils using it, the "
        "share of its services with no failing must, and the share of their applicable musts met "
        "(passed or waived)."
    ),
    definition=(),
    compute=solutions,
    row=SolutionStats,
    model="Solution",
    columns=(
        Column("lgsl", int, "LGSL", "int"),
        Column("kind", str, "kind", description="`pattern` or `product` (a supplier and the product it supplies)."),
        Column("id", str, description="The pattern id, or the product key `<supplier>|<product>`, normalised."),
        Column("name", str, "solution"),
        Column(
            "councils", int, "councils", "int", description="Councils with a service of this type using the solution."
        ),
        Column("services", int, "services", "int"),
        Column("compliant", int, kind="int", description="Of those services, the ones with no failing must."),
        Column("compliance_rate", float, "compliant", "pct", description="compliant / services, 0-1."),
        Column("musts_applicable", int, kind="int", description="Must results that applied to those services."),
        Column("musts_met", int, kind="int", description="Of those, the ones passed or waived."),
        Column(
            "musts_met_rate",
            float | None,
            "musts met",
            "pct",
            description="musts_met / musts_applicable; null when no must applies.",
        ),
    ),
    table=("lgsl", "kind", "name", "councils", "services", "compliance_rate", "musts_met_rate"),
)

PATTERN_USES = Figure(
    name="reuse",
    title="Patterns used",
    summary="",
    definition=(),
    compute=reuse_by_service_type,
    row=PatternUse,
    model="PatternUse",
    columns=(
        Column("pattern", str),
        Column("name", str),
        Column("councils", int, kind="int"),
        Column("services", int, kind="int"),
    ),
    table=(),
)

REUSE = Figure(
    name="reuse",
    title="Reuse by service type",
    summary=(
        "How many councils deliver each service type (LGSL), how many different solutions (patterns "
        "and supplier products) they use, and the one most of them use."
    ),
    definition=(
        "- **Councils**: distinct councils with at least one service of the type; **services**: its services.",
        "- **Solutions**: distinct patterns and supplier products its services use; **services with no "
        "solution** name neither a pattern nor a supplier.",
        "- **Top solution**: the solution used by the most councils (ties: most services, then patterns "
        "before products, then id). **Its services compliant**: the share of the services of this type using "
        "it with no failing must; **its musts met**: the must-level results that applied to those services "
        "that passed or were waived, pooled over them.",
    ),
    compute=reuse_by_service_type,
    row=ServiceTypeReuse,
    model="ServiceTypeReuse",
    columns=(
        Column("lgsl", int, kind="int"),
        Column("label", str),
        Column("function", str, description="The top-level ESD function of the LGSL code; empty when unclassified."),
        Column("councils", int, kind="int", description="Councils delivering the service type."),
        Column("services", int, kind="int"),
        Column("compliant", int, kind="int"),
        Column("solutions", int, kind="int", description="Distinct patterns and supplier products its services use."),
        Column("services_without_solution", int, kind="int", description="Services naming no pattern and no supplier."),
        Column("top_solution", SolutionStats | None, description="The solution the most councils use."),
        Column("patterns", list[PatternUse], description="Every pattern used for this type, most councils first."),
    ),
    # As CSV and the command line's table (ServiceTypeReuse.flat): the top solution's figures,
    # and the patterns as `id (councils)` texts.
    flat=(
        Column("lgsl", int, "LGSL", "int"),
        Column("label", str, "service type"),
        Column("function", str),
        Column("councils", int, "councils", "int"),
        Column("services", int, "services", "int"),
        Column("solutions", int, "solutions", "int"),
        Column("services_without_solution", int, kind="int"),
        Column("top_solution", str | None, "most used solution"),
        Column("top_solution_kind", str | None),
        Column("top_solution_councils", int | None, "its councils", "int"),
        Column("top_solution_musts_met_rate", float | None, "its musts met", "pct"),
        Column("patterns", list[str], "patterns (councils)"),
    ),
    table=(
        "lgsl",
        "label",
        "councils",
        "services",
        "solutions",
        "top_solution",
        "top_solution_councils",
        "top_solution_musts_met_rate",
        "patterns",
    ),
)
