"""Compliance roll-ups: overall, by standard, council, council type, region and nation, and by requirement.

Every figure is a GROUP BY over the index. Without `standard` a service counts as
compliant when no applicable standard has a failing must (services.compliant) and
its score is its mean over those standards; with `standard` only that standard's
result counts (service_standards), over the services it applies to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from registry.api.authority import ScopedDb
from registry.api.dependencies import API_PREFIX, FormatParam, Paging, csv_responses, listing
from registry.api.errors import ERROR_RESPONSES
from registry.api.shared import SLUG, requirement_filter
from registry.index.authorities import scope_councils
from registry.index.compliance import (
    GROUPINGS,
    MIN_COUNCILS,
    RANKED_REQUIREMENTS,
    SMALL_GROUP,
    by_standard_sql,
    group_row,
    grouped_sql,
    has_restricted,
    requirement_ranking_sql,
    type_name,
)

router = APIRouter(prefix=f"{API_PREFIX}/compliance", tags=["compliance"])

GROUP_COLUMNS = ["group", "name", "services", "compliant", "compliance_rate", "score", "failed_must", "note"]
REQUIREMENT_COLUMNS = ["requirement", "standard", "level", "title", "failing", "checked", "failure_rate"]
GROUP_SORTS = {
    "group": "grp",
    "services": "services",
    "compliant": "compliant",
    "rate": "compliance_rate",
    "score": "score",
    "failed_must": "failed_must",
}
REQUIREMENT_SORTS = {
    "failing": "failing",
    "rate": "failure_rate",
    "requirement": "r.id",
    "standard": "r.standard_id",
}


class ComplianceGroup(BaseModel):
    group: str = Field(description="The group's key: a standard id, council id, type code, region or nation.")
    name: str = Field(description="The group's display name.")
    services: int | None = Field(description="Null for a small group of a restricted standard (see `note`).")
    compliant: int | None = Field(description="Services with no failing must (in `standard`, if given).")
    compliance_rate: float | None = Field(description="compliant / services, 0-1.")
    score: float | None = Field(description="Mean service score, 0-1.")
    failed_must: int | None = Field(description="Failing must results across the group's services.")
    note: str | None = Field(
        default=None,
        description="`fewer than 5 councils`: by type, region or nation, a standard with restricted requirements "
        "shows figures only for groups of at least 5 councils.",
    )


class ComplianceGroupPage(BaseModel):
    items: list[ComplianceGroup]
    total: int
    limit: int
    offset: int


class ComplianceOverall(BaseModel):
    standard: str | None = Field(description="The standard the figures are restricted to, if any.")
    services: int | None = Field(description="Null for a restricted standard over a small authority (see `note`).")
    compliant: int | None
    compliance_rate: float | None = Field(description="compliant / services; null with no services.")
    score: float | None
    failed_must: int | None
    by_standard: list[ComplianceGroup]
    note: str | None = Field(
        default=None,
        description="`fewer than 5 councils`: with `authority`, a standard with restricted requirements shows "
        "figures only when the authority has at least 5 councils here, as the roll-ups by type, region and nation.",
    )


class RequirementRank(BaseModel):
    requirement: str
    standard: str
    level: str
    title: str
    failing: int = Field(description="Services failing the requirement (waived and errors not counted).")
    checked: int = Field(description="Services the requirement's standard applies to.")
    failure_rate: float = Field(description="failing / checked, 0-1 (0 when nothing is checked).")


class RequirementRankPage(BaseModel):
    items: list[RequirementRank]
    total: int
    limit: int
    offset: int


StandardFilter = Annotated[
    str | None,
    Query(pattern=SLUG, max_length=80, description="Restrict the figures to this standard's compliance."),
]
GroupSort = Annotated[
    str,
    Query(
        pattern="^-?(group|services|compliant|rate|score|failed_must)$",
        description="group, services, compliant, rate, score or failed_must; `-` for descending.",
    ),
]


def _group_listing(
    request: Request,
    db: sqlite3.Connection,
    page: Paging,
    sql: str,
    params: list[Any],
    sort: str,
    fmt: str | None,
    name: Callable[[str], str] | None = None,
) -> Response | dict[str, Any]:
    column = GROUP_SORTS[sort.lstrip("-")]
    direction = " DESC" if sort.startswith("-") else ""
    order = f"{column}{direction}" if column == "grp" else f"{column}{direction}, grp"
    rows = db.execute(
        f"""WITH g AS ({sql})
            SELECT *, (SELECT count(*) FROM g) AS total,
                   CASE WHEN services = 0 THEN 0 ELSE 1.0 * compliant / services END AS compliance_rate
            FROM g ORDER BY {order} LIMIT ? OFFSET ?""",
        [*params, page.limit, page.offset],
    ).fetchall()
    total = rows[0]["total"] if rows else db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    return listing(request, page, total, [group_row(r, name) for r in rows], GROUP_COLUMNS, fmt)


GROUP_RESPONSES = csv_responses(GROUP_COLUMNS, ComplianceGroupPage)


@router.get("", response_model=ComplianceOverall, responses=ERROR_RESPONSES, summary="Compliance across the registry")
def overall(db: ScopedDb, standard: StandardFilter = None) -> dict[str, Any]:
    if standard is None:
        row = db.execute(
            """SELECT count(*) AS services, coalesce(sum(compliant), 0) AS compliant, avg(score) AS score,
                      coalesce(sum(failed_must), 0) AS failed_must FROM services"""
        ).fetchone()
    else:
        row = db.execute(
            """SELECT count(*) AS services, coalesce(sum(compliant), 0) AS compliant, avg(score) AS score,
                      coalesce(sum(failed_must), 0) AS failed_must FROM service_standards WHERE standard_id = ?""",
            (standard,),
        ).fetchone()
    sql, params = by_standard_sql(standard, _small_scope(db))
    by_standard = [group_row(r) for r in db.execute(f"{sql} ORDER BY grp", params)]
    if standard is not None and _small_scope(db) and has_restricted(db, standard):
        empty = dict.fromkeys(("services", "compliant", "compliance_rate", "score", "failed_must"))
        return {"standard": standard, **empty, "by_standard": by_standard, "note": SMALL_GROUP}
    services = row["services"]
    return {
        "standard": standard,
        "services": services,
        "compliant": row["compliant"],
        "compliance_rate": round(row["compliant"] / services, 4) if services else None,
        "score": round(row["score"], 4) if row["score"] is not None else None,
        "failed_must": row["failed_must"],
        "by_standard": by_standard,
        "note": None,
    }


def _small_scope(db: sqlite3.Connection) -> bool:
    """Whether the request sees one strategic authority with fewer than MIN_COUNCILS councils here."""
    councils = scope_councils(db)
    return councils is not None and councils < MIN_COUNCILS


@router.get("/by-standard", summary="Compliance per standard", response_model=None, responses=GROUP_RESPONSES)
def by_standard(
    request: Request,
    db: ScopedDb,
    page: Paging,
    standard: StandardFilter = None,
    sort: GroupSort = "group",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    sql, params = by_standard_sql(standard, _small_scope(db))
    return _group_listing(request, db, page, sql, params, sort, format)


def _grouped_route(grouping: str, name: Callable[[str], str] | None = None) -> Callable[..., Any]:
    def route(
        request: Request,
        db: ScopedDb,
        page: Paging,
        standard: StandardFilter = None,
        sort: GroupSort = "group",
        format: FormatParam = None,
    ) -> Response | dict[str, Any]:
        # Sector roll-ups of a restricted standard hide small groups; a council's own figures are its own.
        smallest = MIN_COUNCILS if grouping != "council" and has_restricted(db, standard) else 0
        sql, params = grouped_sql(GROUPINGS[grouping], standard, smallest)
        return _group_listing(request, db, page, sql, params, sort, format, name=name)

    return route


# The four roll-ups differ only in what they group by; their operation ids keep these names.
for _path, _grouping, _summary, _name in (
    ("/by-council", "council", "Compliance per council", None),
    ("/by-council-type", "council_type", "Compliance per council type", type_name),
    ("/by-region", "region", "Compliance per region", None),
    ("/by-nation", "nation", "Compliance per nation", None),
):
    router.add_api_route(
        _path,
        _grouped_route(_grouping, _name),
        methods=["GET"],
        name=f"by_{_grouping}",
        summary=_summary,
        response_model=None,
        responses=GROUP_RESPONSES,
    )


@router.get(
    "/requirements",
    summary="Requirements ranked by how many services fail them",
    response_model=None,
    responses=csv_responses(REQUIREMENT_COLUMNS, RequirementRankPage),
)
def requirements(
    request: Request,
    db: ScopedDb,
    page: Paging,
    standard: StandardFilter = None,
    level: Annotated[
        str | None, Query(pattern="^(must|should|may)$", description="Only requirements of this level.")
    ] = None,
    sort: Annotated[
        str,
        Query(
            pattern="^-?(failing|rate|requirement|standard)$",
            description="failing, rate, requirement or standard; `-` for descending. Default: most failed first.",
        ),
    ] = "-failing",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    where, params = requirement_filter(standard, level)
    column = REQUIREMENT_SORTS[sort.lstrip("-")]
    direction = " DESC" if sort.startswith("-") else ""
    order = f"{column}{direction}" if column == "r.id" else f"{column}{direction}, r.id"
    total = db.execute(f"SELECT count(*) FROM {RANKED_REQUIREMENTS} r {where}", params).fetchone()[0]
    rows = db.execute(
        f"{requirement_ranking_sql(where, order)} LIMIT ? OFFSET ?",
        [*params, *params, page.limit, page.offset],
    ).fetchall()
    items = [
        {
            "requirement": r["id"],
            "standard": r["standard_id"],
            "level": r["level"],
            "title": r["title"],
            "failing": r["failing"],
            "checked": r["checked"],
            "failure_rate": round(r["failure_rate"], 4),
        }
        for r in rows
    ]
    return listing(request, page, total, items, REQUIREMENT_COLUMNS, format)
