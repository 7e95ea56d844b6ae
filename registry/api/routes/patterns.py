"""Patterns: the reusable platforms, products and designs, and the services that use them."""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from registry.api.dependencies import API_PREFIX, MAX_LIMIT, Db, FormatParam, Paging, csv_responses, listing
from registry.api.errors import ERROR_RESPONSES, not_found
from registry.api.shared import MAX_OFFSET, Reference

router = APIRouter(prefix=f"{API_PREFIX}/patterns", tags=["patterns"])

COLUMNS = ["id", "name", "category", "type", "maintainer", "open_source", "licence", "url", "services", "councils"]
SORTS = {"id": "p.id", "name": "p.name", "adopters": "services"}
CATEGORIES = "common_platform|open_source_product|open_standard|design_pattern|data_service"


class PatternSummary(BaseModel):
    id: str = Field(examples=["gov-uk-notify"])
    name: str
    category: str = Field(description=f"One of {CATEGORIES.replace('|', ', ')}.")
    type: str = Field(
        description="`solution` (a shared platform or product that delivers a service) or `building_block` "
        "(a part any service uses); duplication hotspots count only solutions."
    )
    summary: str
    maintainer: str
    open_source: bool
    licence: str | None
    url: str
    services: int = Field(description="Services that use the pattern.")
    councils: int = Field(description="Councils with at least one service that uses it.")


class PatternPage(BaseModel):
    items: list[PatternSummary]
    total: int
    limit: int
    offset: int


class HelpsMeet(BaseModel):
    id: str = Field(examples=["SS-05"])
    title: str | None = Field(description="The requirement's title; null if no current standard has it.")
    standard: str | None


class Adopter(BaseModel):
    service: str = Field(description="The service's key, `<council>/<service>`.", examples=["bristol/pest-control"])
    council: str
    name: str
    compliant: bool = Field(description="True when no applicable standard has a failing must.")


class PatternDetail(PatternSummary):
    solves: str
    when_to_use: str
    when_not_to_use: str | None
    references: list[Reference]
    helps_meet: list[HelpsMeet] = Field(description="Requirements that using the pattern helps meet.")
    adopters: list[Adopter] = Field(
        description="A page of the services using the pattern (see adopters_limit and adopters_offset); "
        "`services` is the total."
    )


SUMMARY_SQL = """
SELECT p.*,
       (SELECT count(*) FROM service_patterns sp WHERE sp.pattern_id = p.id) AS services,
       (SELECT count(DISTINCT s.council_id) FROM service_patterns sp JOIN services s ON s.key = sp.service_key
        WHERE sp.pattern_id = p.id) AS councils
FROM patterns p
"""


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    item = {k: row[k] for k in PatternSummary.model_fields}
    item["open_source"] = bool(item["open_source"])
    return item


@router.get("", summary="List patterns", response_model=None, responses=csv_responses(COLUMNS, PatternPage))
def list_patterns(
    request: Request,
    db: Db,
    page: Paging,
    category: Annotated[str | None, Query(pattern=f"^({CATEGORIES})$", description="Only this category.")] = None,
    open_source: Annotated[bool | None, Query(description="true or false: only open-source patterns, or none.")] = None,
    type: Annotated[
        str | None, Query(pattern="^(solution|building_block)$", description="Only solutions, or building blocks.")
    ] = None,
    sort: Annotated[
        str,
        Query(pattern="^-?(id|name|adopters)$", description="id, name or adopters (services); `-` for descending."),
    ] = "id",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    clauses: list[str] = []
    params: list[str | int] = []
    if category is not None:
        clauses.append("p.category = ?")
        params.append(category)
    if open_source is not None:
        clauses.append("p.open_source = ?")
        params.append(int(open_source))
    if type is not None:
        clauses.append("p.type = ?")
        params.append(type)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    order = SORTS[sort.lstrip("-")] + (" DESC" if sort.startswith("-") else "")
    total = db.execute(f"SELECT count(*) FROM patterns p {where}", params).fetchone()[0]
    rows = db.execute(
        f"{SUMMARY_SQL} {where} ORDER BY {order}, p.id LIMIT ? OFFSET ?", [*params, page.limit, page.offset]
    ).fetchall()
    return listing(request, page, total, [_summary(r) for r in rows], COLUMNS, format)


PatternId = Annotated[
    str, Path(pattern="^[a-z0-9-]{1,80}$", description="Pattern id, e.g. gov-uk-notify", examples=["gov-uk-notify"])
]


@router.get(
    "/{pattern_id}",
    response_model=PatternDetail,
    responses=ERROR_RESPONSES,
    summary="One pattern, the requirements it helps meet, and the services that use it",
)
def get_pattern(
    db: Db,
    pattern_id: PatternId,
    adopters_limit: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="How many adopters to list (0-500).")] = 100,
    adopters_offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Adopters to skip.")] = 0,
) -> dict[str, Any]:
    row = db.execute(f"{SUMMARY_SQL} WHERE p.id = ?", (pattern_id,)).fetchone()
    if row is None:
        raise not_found("pattern", pattern_id)
    helps = [
        {"id": h["requirement_id"], "title": h["title"], "standard": h["standard_id"]}
        for h in db.execute(
            """SELECT pr.requirement_id, r.title, r.standard_id
               FROM pattern_requirements pr LEFT JOIN requirements r ON r.id = pr.requirement_id
               WHERE pr.pattern_id = ? ORDER BY pr.requirement_id""",
            (pattern_id,),
        )
    ]
    adopters = [
        {"service": a["key"], "council": a["council_id"], "name": a["name"], "compliant": bool(a["compliant"])}
        for a in db.execute(
            """SELECT s.key, s.council_id, s.name, s.compliant
               FROM service_patterns sp JOIN services s ON s.key = sp.service_key
               WHERE sp.pattern_id = ? ORDER BY s.key LIMIT ? OFFSET ?""",
            (pattern_id, adopters_limit, adopters_offset),
        )
    ]
    return {
        **_summary(row),
        "solves": row["solves"],
        "when_to_use": row["when_to_use"],
        "when_not_to_use": row["when_not_to_use"],
        "references": json.loads(row["references_json"]),
        "helps_meet": helps,
        "adopters": adopters,
    }
