"""Requirements: every requirement across the standards, and one with the services failing it."""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from registry.api.dependencies import API_PREFIX, MAX_LIMIT, Db, FormatParam, Paging, csv_responses, listing
from registry.api.errors import ERROR_RESPONSES, not_found
from registry.api.shared import MAX_OFFSET, Reference, requirement_filter
from registry.index.service_results import FINDING_COLUMNS, from_finding

# Qualified: requirement_versions, joined below, has columns of the same names.
_FINDING_COLUMNS = ", ".join(f"f.{c.strip()}" for c in FINDING_COLUMNS.split(","))

router = APIRouter(prefix=f"{API_PREFIX}/requirements", tags=["requirements"])

# SQLite integers are 64-bit: a bigger offset would be an OverflowError, not an empty page.
COLUMNS = ["id", "standard", "title", "level", "fix", "visibility", "services_checked", "services_failing"]
SORTS = {
    "id": "r.id",
    "standard": "r.standard_id, r.position",
    "title": "r.title",
    "level": "CASE r.level WHEN 'must' THEN 0 WHEN 'should' THEN 1 ELSE 2 END",
    "failing": "services_failing",
}


class RequirementSummary(BaseModel):
    id: str = Field(examples=["ACC-01"])
    standard: str = Field(description="The standard the requirement belongs to.", examples=["accessibility"])
    title: str
    level: str = Field(description="must, should or may (RFC 2119).")
    fix: str = Field(description="How a council meets the requirement.")
    visibility: str = Field(
        description="public, or restricted: judged on a council's own machine and published only as the "
        "standard's attestation requirement (<PREFIX>-ATTESTED), so its per-service counts are null.",
        examples=["public"],
    )
    services_checked: int | None = Field(
        description="Services checked against the requirement's standard (null for a restricted requirement)."
    )
    services_failing: int | None = Field(
        description="Of those, services failing this requirement (null for a restricted requirement, whose "
        "per-service results are not published)."
    )


class RequirementPage(BaseModel):
    items: list[RequirementSummary]
    total: int
    limit: int
    offset: int


class PatternRef(BaseModel):
    id: str
    name: str


class FailingService(BaseModel):
    service: str = Field(description="The service's key, `<council>/<service>`.", examples=["bristol/pest-control"])
    council: str
    name: str
    version: str = Field(description="The version of the standard the service was judged against.")
    detail: str = Field(description="What the manifest says at the requirement's field, or what evidence is missing.")
    message: str = Field(description="Why it fails, as the checker reported it.")
    says: str = Field(
        default="", description="What the manifest says there, as a sentence for people who do not read YAML."
    )
    line: int = Field(description="Where in the manifest the failure points.")
    column: int


class RequirementDetail(RequirementSummary):
    standard_title: str
    position: int = Field(description="The requirement's place in its standard, from 0.")
    guidance: str = Field(description="Markdown: what the requirement asks and why.")
    check: str | None = Field(description="The CEL rule a manifest must satisfy, if any.")
    applies_when: str | None = Field(description="CEL: when false, the requirement does not apply.")
    evidence: str | None = Field(description="The evidence a manifest must declare as met, if any.")
    evidence_max_age_days: int | None
    field: str | None = Field(description="The manifest field a failure points at.")
    references: list[Reference]
    patterns: list[PatternRef] = Field(description="Patterns that help meet this requirement.")
    services_waived: int | None = Field(
        description="Services with an active waiver for this requirement (null for a restricted requirement)."
    )
    failing: list[FailingService] = Field(
        description="A page of the failing services (see failing_limit and failing_offset); "
        "services_failing is the total."
    )


LIST_SQL = """
SELECT r.id, r.standard_id AS standard, r.title, r.level, r.fix, r.visibility,
       -- A restricted requirement's results are not in the index: no count rather than a false 0.
       CASE WHEN r.visibility = 'public' THEN coalesce(c.n, 0) END AS services_checked,
       CASE WHEN r.visibility = 'public' THEN
           (SELECT count(*) FROM findings f WHERE f.requirement_id = r.id AND f.outcome = 'fail')
       END AS services_failing
FROM requirements r
LEFT JOIN (SELECT standard_id, count(*) AS n FROM service_standards GROUP BY standard_id) c
       ON c.standard_id = r.standard_id
"""


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    return {k: row[k] for k in RequirementSummary.model_fields}


StandardFilter = Annotated[
    str | None, Query(pattern="^[a-z0-9-]{1,80}$", description="Only this standard's requirements, e.g. accessibility")
]
LevelFilter = Annotated[str | None, Query(pattern="^(must|should|may)$", description="must, should or may")]


@router.get(
    "",
    summary="List requirements",
    response_model=None,
    responses=csv_responses(COLUMNS, RequirementPage),
)
def list_requirements(
    request: Request,
    db: Db,
    page: Paging,
    standard: StandardFilter = None,
    level: LevelFilter = None,
    sort: Annotated[
        str,
        Query(
            pattern="^-?(id|standard|title|level|failing)$",
            description="id, standard (the standards' own order), title, level or failing; `-` for descending.",
        ),
    ] = "standard",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    where, params = requirement_filter(standard, level)
    direction = " DESC" if sort.startswith("-") else ""
    order = ", ".join(f"{part}{direction}" for part in SORTS[sort.lstrip("-")].split(", "))
    total = db.execute(f"SELECT count(*) FROM requirements r {where}", params).fetchone()[0]
    rows = db.execute(
        f"{LIST_SQL} {where} ORDER BY {order}, r.id LIMIT ? OFFSET ?", [*params, page.limit, page.offset]
    ).fetchall()
    return listing(request, page, total, [_summary(r) for r in rows], COLUMNS, format)


RequirementId = Annotated[
    str,
    Path(
        pattern=r"^[A-Z][A-Z0-9]*-[A-Z0-9]+(\.[A-Za-z0-9]+)*$",
        max_length=80,
        description="Requirement id, e.g. ACC-01 or CAF-A4.1",
        examples=["TCOP-09"],
    ),
]


@router.get(
    "/{requirement_id}",
    response_model=RequirementDetail,
    responses=ERROR_RESPONSES,
    summary="One requirement, the patterns that help meet it, and the services failing it",
)
def get_requirement(
    db: Db,
    requirement_id: RequirementId,
    failing_limit: Annotated[
        int, Query(ge=0, le=MAX_LIMIT, description="How many failing services to list (0-500).")
    ] = 100,
    failing_offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Failing services to skip.")] = 0,
) -> dict[str, Any]:
    row = db.execute(
        """SELECT r.*, r.standard_id AS standard, s.title AS standard_title,
                  CASE WHEN r.visibility = 'public' THEN
                      (SELECT count(*) FROM service_standards ss WHERE ss.standard_id = r.standard_id) END
                      AS services_checked,
                  CASE WHEN r.visibility = 'public' THEN
                      (SELECT count(*) FROM findings f WHERE f.requirement_id = r.id AND f.outcome = 'fail') END
                      AS services_failing
           FROM requirements r JOIN standards s ON s.id = r.standard_id
           WHERE r.id = ?""",
        (requirement_id,),
    ).fetchone()
    if row is None:
        raise not_found("requirement", requirement_id)
    patterns = [
        {"id": p["id"], "name": p["name"]}
        for p in db.execute(
            """SELECT p.id, p.name FROM pattern_requirements pr JOIN patterns p ON p.id = pr.pattern_id
               WHERE pr.requirement_id = ? ORDER BY p.id""",
            (requirement_id,),
        )
    ]
    failing = []
    for f in db.execute(
        f"""SELECT f.service_key, s.council_id, s.name, rv.title, {_FINDING_COLUMNS}
            FROM findings f JOIN services s ON s.key = f.service_key
            JOIN requirement_versions rv ON rv.standard_id = f.standard_id AND rv.version = f.version
                 AND rv.requirement_id = f.requirement_id
            WHERE f.requirement_id = ? AND f.outcome = 'fail'
            ORDER BY f.service_key LIMIT ? OFFSET ?""",
        (requirement_id, failing_limit, failing_offset),
    ):
        result = from_finding(tuple(f)[4:], f["title"])
        failing.append(
            {
                "service": f["service_key"],
                "council": f["council_id"],
                "name": f["name"],
                "version": result.version,
                "detail": result.detail,
                "message": result.message,
                "says": result.says,
                "line": result.line,
                "column": result.column,
            }
        )
    waived = (
        db.execute(
            "SELECT count(*) FROM findings WHERE requirement_id = ? AND outcome = 'waived'", (requirement_id,)
        ).fetchone()[0]
        if row["visibility"] == "public"
        else None
    )
    return {
        **_summary(row),
        "standard_title": row["standard_title"],
        "position": row["position"],
        "guidance": row["guidance"],
        "check": row["check_expr"],
        "applies_when": row["applies_when"],
        "evidence": row["evidence"],
        "evidence_max_age_days": row["evidence_max_age"],
        "field": row["field"],
        "references": json.loads(row["references_json"]),
        "patterns": patterns,
        "services_waived": waived,
        "failing": failing,
    }
