"""Duplication hotspots: service types many councils deliver separately, with no pattern they share."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from registry.insights.declaration import Column, Figure
from registry.insights.shared import type_label, type_labels


@dataclass(frozen=True)
class Hotspot:
    """A service type many councils deliver without a pattern they share."""

    lgsl: int
    label: str
    function: str
    councils: int  # councils delivering the type
    separate_councils: int  # of those, councils sharing no pattern with another council for this type
    sharing_councils: int  # councils - separate_councils
    services: int
    services_without_pattern: int
    one_off_patterns: int  # patterns used for this type by only one council


def duplication_hotspots(conn: sqlite3.Connection, min_separate: int = 2) -> list[Hotspot]:
    """Service types where councils do the same work separately, most separate councils first.

    A council delivers a type *separately* when none of its services of that type uses a
    pattern that another council's service of the same type also uses: its services use no
    pattern, or only patterns no other council uses for that type (one-off). Supplier products
    are not counted as shared: a shared product is a common purchase, not shared work. Types
    with fewer than `min_separate` separate councils are left out. Ordered by separate
    councils, then councils delivering the type (both most first), then LGSL code.
    """
    if min_separate < 1:
        raise ValueError("min_separate must be at least 1")
    labels = type_labels(conn)
    rows = conn.execute(
        """WITH pc AS (
               SELECT f.lgsl, sp.pattern_id, count(DISTINCT f.council_id) AS n
               FROM service_patterns sp JOIN service_facts f ON f.service_key = sp.service_key
               WHERE f.lgsl IS NOT NULL GROUP BY f.lgsl, sp.pattern_id),
           sharing AS (
               SELECT f.lgsl, count(DISTINCT f.council_id) AS n
               FROM service_patterns sp JOIN service_facts f ON f.service_key = sp.service_key
               JOIN pc ON pc.lgsl = f.lgsl AND pc.pattern_id = sp.pattern_id AND pc.n >= 2
               GROUP BY f.lgsl),
           types AS (
               SELECT f.lgsl, count(DISTINCT f.council_id) AS councils, count(*) AS services,
                      sum(NOT EXISTS (SELECT 1 FROM service_patterns sp WHERE sp.service_key = f.service_key))
                          AS bare
               FROM service_facts f WHERE f.lgsl IS NOT NULL GROUP BY f.lgsl)
           SELECT t.lgsl, t.councils, t.services, t.bare, coalesce(s.n, 0) AS sharing,
                  (SELECT count(*) FROM pc WHERE pc.lgsl = t.lgsl AND pc.n = 1) AS one_off
           FROM types t LEFT JOIN sharing s ON s.lgsl = t.lgsl
           WHERE t.councils - coalesce(s.n, 0) >= ?
           ORDER BY t.councils - coalesce(s.n, 0) DESC, t.councils DESC, t.lgsl""",
        (min_separate,),
    ).fetchall()
    out = []
    for r in rows:
        label, function = type_label(labels, r["lgsl"])
        out.append(
            Hotspot(
                lgsl=r["lgsl"],
                label=label,
                function=function,
                councils=r["councils"],
                separate_councils=r["councils"] - r["sharing"],
                sharing_councils=r["sharing"],
                services=r["services"],
                services_without_pattern=r["bare"],
                one_off_patterns=r["one_off"],
            )
        )
    return out


HOTSPOTS = Figure(
    name="hotspots",
    title="Duplication hotspots",
    summary=(
        "Service types where councils do the same work separately: their services use no pattern, or "
        "only patterns no other council uses for that service. Most separate councils first."
    ),
    definition=(
        "A council delivers a service type **separately** when none of its services of that type uses a "
        "pattern that another council's service of the same type also uses: it uses no pattern, or only "
        "patterns no other council uses for that type (**one-off patterns**). A shared supplier product is a "
        "common purchase, not shared work, so it does not count as sharing. Service types with at least two "
        "councils delivering them separately are listed, most separate councils first.",
    ),
    compute=duplication_hotspots,
    row=Hotspot,
    model="Hotspot",
    columns=(
        Column("lgsl", int, "LGSL", "int"),
        Column("label", str, "service type", heading="Service type"),
        Column("function", str, heading="Function"),
        Column("councils", int, "councils delivering it", "int", "Councils", "Councils delivering the service type."),
        Column(
            "separate_councils",
            int,
            "councils working separately",
            "int",
            "Delivering separately",
            "Of those, councils sharing no pattern with another for this type.",
        ),
        Column("sharing_councils", int, kind="int", heading="Sharing a pattern"),
        Column("services", int, kind="int", heading="Services"),
        Column("services_without_pattern", int, "services with no pattern", "int", "Services with no pattern"),
        Column(
            "one_off_patterns",
            int,
            "one-off patterns",
            "int",
            "One-off patterns",
            "Patterns used for this type by only one council.",
        ),
    ),
    table=("lgsl", "label", "separate_councils", "councils", "services_without_pattern", "one_off_patterns"),
)
