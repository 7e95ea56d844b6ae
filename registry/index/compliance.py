"""The compliance roll-ups as SQL over the index, shared by the API, the site and the trend.

One definition for every place that shows compliance, so the API, the dashboard and the
trend can never disagree: without a standard, a service counts as compliant when no
applicable standard has a failing must (services.compliant) and its score is its mean over
those standards; with a standard, only that standard's result counts (service_standards),
over the services it applies to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TYPE_NAMES = {
    "CTY": "County council",
    "NMD": "District council",
    "UA": "Unitary authority",
    "LBO": "London borough",
    "MD": "Metropolitan district",
    "SCO": "Scottish council",
    "WPA": "Welsh principal area",
    "NID": "Northern Ireland district",
    "CC": "City of London",
}


def type_name(code: str) -> str:
    """A council type code's display name (the code itself when unknown)."""
    return TYPE_NAMES.get(code, code)


@dataclass(frozen=True)
class Grouping:
    """How one roll-up groups services: its key and display name, as SQL over `c` (councils)."""

    key: str
    name: str


GROUPINGS = {
    "council": Grouping("c.id", "c.name"),
    "council_type": Grouping("c.type", "c.type"),
    "region": Grouping("c.region", "c.region"),
    "nation": Grouping("c.nation", "c.nation"),
}


# A sector roll-up of a restricted standard (by type, region, nation) shows its figures only for a group
# of at least this many councils, so no small group's security posture can be read off it.
MIN_COUNCILS = 5
SMALL_GROUP = f"fewer than {MIN_COUNCILS} councils"


def has_restricted(db: sqlite3.Connection, standard: str | None) -> bool:
    """Whether `standard` has restricted requirements (judged in public by attestation)."""
    if standard is None:
        return False
    found = db.execute(
        "SELECT 1 FROM requirements WHERE standard_id = ? AND visibility = 'restricted' LIMIT 1", (standard,)
    ).fetchone()
    return found is not None


def grouped_sql(grouping: Grouping, standard: str | None, min_councils: int = 0) -> tuple[str, list[Any]]:
    """SELECT grp, name, councils, services, compliant, score, failed_must ... for one grouping of councils.

    Two levels: per council over a covering index (services_council_scores, or with `standard` a
    key-range seek per council in service_standards_scores), then per group over those few rows.
    With `min_councils`, a group of fewer councils has NULL figures, in the SQL itself, so that not
    even the order of a sorted listing says anything about it.
    """
    if standard is None:
        per_council = """SELECT council_id, count(*) AS n, sum(compliant) AS ok, sum(score) AS score_sum,
                                sum(failed_must) AS fm
                         FROM services GROUP BY council_id"""
        params: list[Any] = []
    else:
        # A council's service keys are `<council>/<id>`, so they sort in [`<council>/`, `<council>0`).
        per_council = """SELECT c.id AS council_id, count(*) AS n, sum(x.compliant) AS ok, sum(x.score) AS score_sum,
                                sum(x.failed_must) AS fm
                         FROM councils c JOIN service_standards x ON x.standard_id = ?
                              AND x.service_key >= c.id || '/' AND x.service_key < c.id || '0'
                         GROUP BY c.id"""
        params = [standard]

    def shown(expression: str) -> str:
        return f"CASE WHEN count(*) < {int(min_councils)} THEN NULL ELSE {expression} END"

    sql = f"""SELECT {grouping.key} AS grp, min({grouping.name}) AS name, count(*) AS councils,
                     {shown("sum(a.n)")} AS services, {shown("sum(a.ok)")} AS compliant,
                     {shown("sum(a.score_sum) / sum(a.n)")} AS score, {shown("sum(a.fm)")} AS failed_must
              FROM ({per_council}) a JOIN councils c ON c.id = a.council_id GROUP BY grp"""
    return sql, params


def by_standard_sql(standard: str | None) -> tuple[str, list[Any]]:
    """Per standard over service_standards_scores (index-only), then its title."""
    where, params = ("WHERE standard_id = ?", [standard]) if standard is not None else ("", [])
    sql = f"""SELECT a.*, st.title AS name
              FROM (SELECT standard_id AS grp, count(*) AS services, sum(compliant) AS compliant,
                           avg(score) AS score, sum(failed_must) AS failed_must
                    FROM service_standards {where} GROUP BY standard_id) a
              JOIN standards st ON st.id = a.grp"""
    return sql, params


def group_row(row: sqlite3.Row, name: Callable[[str], str] | None = None) -> dict[str, Any]:
    services = row["services"]
    found = {
        "group": row["grp"],
        "name": name(row["name"]) if name else row["name"],
        "services": services,
        "compliant": row["compliant"],
        "compliance_rate": round(row["compliant"] / services, 4) if services else 0.0,
        "score": round(row["score"], 4) if row["score"] is not None else None,
        "failed_must": row["failed_must"],
        "note": None,
    }
    if services is None:  # a small group of a restricted standard (grouped_sql)
        found.update(compliance_rate=None, note=SMALL_GROUP)
    return found


# Restricted requirements have no public results (their standard's attestation stands for them), so
# rankings leave them out rather than show them as never failing.
RANKED_REQUIREMENTS = "(SELECT * FROM requirements WHERE visibility = 'public')"


def requirement_ranking_sql(where: str, order: str) -> str:
    """Requirements with the services failing them (waived and errors not counted) and the services
    their standard applies to; `where` filters `requirements r` and its parameters are given twice."""
    return f"""WITH picked AS (SELECT r.id, r.standard_id FROM {RANKED_REQUIREMENTS} r {where}),
                 failing AS (SELECT requirement_id, count(*) AS n FROM findings
                             WHERE outcome = 'fail' AND requirement_id IN (SELECT id FROM picked)
                             GROUP BY requirement_id),
                 checked AS (SELECT standard_id, count(*) AS n FROM service_standards
                             WHERE standard_id IN (SELECT standard_id FROM picked) GROUP BY standard_id)
            SELECT r.id, r.standard_id, r.level, r.title, coalesce(f.n, 0) AS failing, coalesce(k.n, 0) AS checked,
                   CASE WHEN coalesce(k.n, 0) = 0 THEN 0 ELSE 1.0 * coalesce(f.n, 0) / k.n END AS failure_rate
            FROM {RANKED_REQUIREMENTS} r
            LEFT JOIN failing f ON f.requirement_id = r.id
            LEFT JOIN checked k ON k.standard_id = r.standard_id
            {where} ORDER BY {order}"""


# The councils of the services failing one requirement. A service's key is `<council>/<id>`, so the
# council is read off the key (no join to services): one index seek per requirement, for the few
# requirements a page names (counting it for every requirement would cost the ranking seconds at scale).
FAILING_COUNCILS_SQL = """SELECT count(DISTINCT substr(service_key, 1, instr(service_key, '/') - 1))
                          FROM findings WHERE requirement_id = ? AND outcome = 'fail'"""
