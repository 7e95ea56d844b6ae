"""Sector insights over the index: reuse, duplication, supplier concentration, lock-in, procurement
windows and data interoperability (issue 6).

Every function takes a read connection to the index (`row_factory = sqlite3.Row`) and plain
parameters, and returns frozen dataclasses the CLI, the API and the site all render. Each
docstring says exactly how its figures are computed, so the site can quote it. The figures
are GROUP BYs over narrow tables the index build writes for them (`service_facts`, `lgsl`,
`suppliers`), never JSON reads of whole manifests.

Terms used throughout:

* **Service type**: a service's LGSL code (`lgsl`). Services without one are left out of the
  per-type figures.
* **Solution**: something a service is built on that other councils could reuse: either a
  *pattern* from the registry's library (by pattern id), or a *supplier product*: a supplier
  named in the manifest with the product it supplies, matched on both names after trimming
  spaces and ignoring case (ASCII letters), so `Acme Ltd / Case Manager` is one solution
  wherever it is named. A supplier named without a product is the solution "that supplier".
  A service can use several solutions; one naming neither a pattern nor a supplier has none.
* **Musts met**: over a set of services, the must-level results that applied to them (every
  must of every standard that applies to each service, leaving out results that were not
  applicable), and the share of those that passed or were waived: met / applicable, pooled
  over the set (so a service with many applicable musts weighs more than one with few).
  Errors count as not met.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from registry.insights.hotspots import Hotspot, duplication_hotspots
from registry.insights.interop import INTEROP_GROUPS, InteropGroup, interoperability
from registry.insights.lock_in import LONG_CONTRACT_YEARS, LockIn, LockInPage, lock_in_signals
from registry.insights.shared import add_months, index_as_of, rounded
from registry.insights.shared import rate as _rate
from registry.insights.shared import supplier_key as _supplier_key
from registry.insights.shared import type_label as _label
from registry.insights.shared import type_labels as _labels
from registry.insights.suppliers import HIGHLY_CONCENTRATED, MARKETS, Market, SupplierShare, supplier_concentration
from registry.insights.windows import DEFAULT_HORIZON_MONTHS, WINDOW_GROUPS, Window, WindowResult, procurement_windows

# Hotspots, suppliers, interoperability, lock-in and windows live in modules of their own, each declared;
# they are named here too so `figures` stays the one place a caller finds every figure.
__all__ = [
    "DEFAULT_HORIZON_MONTHS",
    "HIGHLY_CONCENTRATED",
    "INTEROP_GROUPS",
    "LONG_CONTRACT_YEARS",
    "MARKETS",
    "WINDOW_GROUPS",
    "Hotspot",
    "InteropGroup",
    "LockIn",
    "LockInPage",
    "Market",
    "SupplierShare",
    "Window",
    "WindowResult",
    "add_months",
    "duplication_hotspots",
    "index_as_of",
    "interoperability",
    "lock_in_signals",
    "procurement_windows",
    "rounded",
    "supplier_concentration",
]


class UnknownService(LookupError):
    """No service with that council and id is in the index."""


# --------------------------------------------------------------------------- reuse


@dataclass(frozen=True)
class SolutionStats:
    """One solution's use for one service type, and how the services using it do."""

    lgsl: int
    kind: str  # "pattern" or "product"
    id: str  # the pattern id, or "<supplier>|<product>" lower-cased
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
           'product', lower(trim(x.name)) || '|' || lower(trim(coalesce(x.product, ''))),
           min(trim(x.name) || coalesce(': ' || nullif(trim(x.product), ''), ''))
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
        musts_met_rate=_rate(row["mm"], row["ma"]),
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
    labels = _labels(conn)
    where, params = _lgsl_filter(lgsl)
    totals = conn.execute(
        f"""SELECT f.lgsl, count(DISTINCT f.council_id) AS councils, count(*) AS services,
                   sum(f.compliant) AS compliant,
                   sum(NOT EXISTS (SELECT 1 FROM service_patterns sp WHERE sp.service_key = f.service_key)
                       AND NOT EXISTS (SELECT 1 FROM suppliers x WHERE x.service_key = f.service_key)) AS bare
            FROM service_facts f WHERE f.lgsl IS NOT NULL {where} GROUP BY f.lgsl""",
        params,
    ).fetchall()
    by_type: dict[int, list[SolutionStats]] = defaultdict(list)
    for s in solutions(conn, lgsl):
        by_type[s.lgsl].append(s)
    out: list[ServiceTypeReuse] = []
    for t in totals:
        label, function = _label(labels, t["lgsl"])
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
                services_without_solution=t["bare"],
                top_solution=used[0] if used else None,
                patterns=tuple(patterns),
            )
        )
    out.sort(key=lambda r: (-r.councils, -r.services, r.lgsl))
    return out


@dataclass(frozen=True)
class ReuseSuggestion:
    """What other councils delivering the same service type use, against this service."""

    council: str
    service: str
    name: str
    lgsl: int | None
    label: str | None
    other_councils: int  # other councils delivering the same service type
    solution: SolutionStats | None  # the other councils' most used solution, over their services only
    your_musts_applicable: int
    your_musts_met: int
    your_musts_met_rate: float | None
    you_use_it: bool  # this service already uses that solution
    text: str


def reuse_suggestion(conn: sqlite3.Connection, council_id: str, service_id: str) -> ReuseSuggestion:
    """A reuse suggestion for one service, from the other councils delivering its service type.

    The other councils are those (not this one) with a service of the same LGSL code. Their
    most used solution is the one the most of them use (ties: most services, then patterns
    before products, then id); "their services meet N% of the musts" is the musts met pooled
    over the other councils' services of this type that use it, and "your M%" is the same
    figure for this service alone. Raises UnknownService when the service is not indexed.
    """
    me = conn.execute(
        """SELECT s.name, f.lgsl, f.musts_applicable, f.musts_met FROM services s
           JOIN service_facts f ON f.service_key = s.key WHERE s.key = ?""",
        (f"{council_id}/{service_id}",),
    ).fetchone()
    if me is None:
        raise UnknownService(f"no service '{service_id}' at council '{council_id}' in the index")
    mine_rate = _rate(me["musts_met"], me["musts_applicable"])
    base: dict[str, Any] = {
        "council": council_id,
        "service": service_id,
        "name": me["name"],
        "lgsl": me["lgsl"],
        "your_musts_applicable": me["musts_applicable"],
        "your_musts_met": me["musts_met"],
        "your_musts_met_rate": mine_rate,
    }
    if me["lgsl"] is None:
        text = f"{me['name']} has no LGSL code, so it cannot be compared with other councils' services; add `lgsl`."
        return ReuseSuggestion(**base, label=None, other_councils=0, solution=None, you_use_it=False, text=text)
    label, _ = _label(_labels(conn), me["lgsl"])
    kind_of = f"{label} (LGSL {me['lgsl']})"
    others = conn.execute(
        "SELECT count(DISTINCT council_id) FROM service_facts WHERE lgsl = ? AND council_id != ?",
        (me["lgsl"], council_id),
    ).fetchone()[0]
    if not others:
        text = f"No other council in the registry delivers {kind_of} yet, so there is nothing to compare with."
        return ReuseSuggestion(**base, label=label, other_councils=0, solution=None, you_use_it=False, text=text)
    where, params = _lgsl_filter(me["lgsl"], council_id)
    top = conn.execute(
        f"""WITH {_SOLUTIONS_CTE.format(where=where)}
            SELECT lgsl, kind, sid, min(name) AS name, count(DISTINCT council_id) AS councils, count(*) AS services,
                   sum(compliant) AS compliant, sum(musts_applicable) AS ma, sum(musts_met) AS mm
            FROM sol GROUP BY lgsl, kind, sid ORDER BY {_SOLUTION_ORDER} LIMIT 1""",
        params * 2,
    ).fetchone()
    councils = f"{others} other council{'s' if others != 1 else ''}"
    if top is None:
        text = (
            f"{councils} deliver{'s' if others == 1 else ''} {kind_of}, but none records a pattern or supplier "
            "for it, so there is no shared solution to suggest yet."
        )
        return ReuseSuggestion(**base, label=label, other_councils=others, solution=None, you_use_it=False, text=text)
    solution = _solution(top)
    you_use_it = _uses(conn, f"{council_id}/{service_id}", solution)
    theirs = _percent(solution.musts_met_rate)
    yours = _percent(mine_rate) if mine_rate is not None else "no applicable musts"
    what = f"the pattern {solution.name}" if solution.kind == "pattern" else solution.name
    text = (
        f"Of the {councils} delivering {kind_of}, {solution.councils} use{'s' if solution.councils == 1 else ''} {what}"
        f"{' (as you do)' if you_use_it else ''}; their services meet {theirs} of the musts against your {yours}."
    )
    return ReuseSuggestion(
        **base, label=label, other_councils=others, solution=solution, you_use_it=you_use_it, text=text
    )


def _uses(conn: sqlite3.Connection, key: str, solution: SolutionStats) -> bool:
    if solution.kind == "pattern":
        sql = "SELECT 1 FROM service_patterns WHERE service_key = ? AND pattern_id = ?"
        return conn.execute(sql, (key, solution.id)).fetchone() is not None
    return any(
        _supplier_key(r["name"], r["product"]) == solution.id
        for r in conn.execute("SELECT name, product FROM suppliers WHERE service_key = ?", (key,))
    )


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}%"
