"""Standards: the list, one standard with its requirements, its versions, and diffs between them."""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from checks.models import Standard
from checks.standard_diff import diff_standards
from registry.api.dependencies import API_PREFIX, Db, FormatParam, Paging, csv_responses, listing
from registry.api.errors import ERROR_RESPONSES, not_found
from registry.api.shared import Reference

router = APIRouter(prefix=f"{API_PREFIX}/standards", tags=["standards"])

COLUMNS = ["id", "title", "version", "status", "published", "owner", "requirement_count", "services", "compliant"]
SORTS = {"id": "s.id", "title": "s.title", "published": "s.published", "compliance": "compliance_rate"}


class StandardSummary(BaseModel):
    id: str
    prefix: str
    title: str
    version: str
    status: str
    published: str
    owner: str
    summary: str
    requirement_count: int
    services: int = Field(description="Services this standard applies to.")
    compliant: int = Field(description="Of those, services with no failing must.")


class StandardPage(BaseModel):
    items: list[StandardSummary]
    total: int
    limit: int
    offset: int


class RequirementOut(BaseModel):
    id: str
    title: str
    level: str
    guidance: str
    check: str | None
    applies_when: str | None
    evidence: str | None
    evidence_max_age_days: int | None
    field: str | None
    fix: str
    references: list[Reference]
    patterns: list[str] = Field(description="Patterns that help meet this requirement.")
    services_checked: int
    services_failing: int


class StandardDetail(StandardSummary):
    updated: str | None
    sunset: str | None
    applies_to_all: bool
    applies_when: str | None
    references: list[Reference]
    requirements: list[RequirementOut]


class VersionOut(BaseModel):
    version: str
    commit: str | None
    date: str | None
    author: str | None
    status: str | None


SUMMARY_SQL = """
SELECT s.*, coalesce(c.services, 0) AS services, coalesce(c.compliant, 0) AS compliant,
       CASE WHEN coalesce(c.services, 0) = 0 THEN 0 ELSE 1.0 * c.compliant / c.services END AS compliance_rate
FROM standards s
LEFT JOIN (SELECT standard_id, count(*) AS services, sum(compliant) AS compliant
           FROM service_standards GROUP BY standard_id) c ON c.standard_id = s.id
"""


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    return {k: row[k] for k in StandardSummary.model_fields}


@router.get("", summary="List standards", response_model=None, responses=csv_responses(COLUMNS, StandardPage))
def list_standards(
    request: Request,
    db: Db,
    page: Paging,
    status: Annotated[str | None, Query(pattern="^(draft|active|deprecated|retired)$")] = None,
    sort: Annotated[str, Query(pattern="^-?(id|title|published|compliance)$")] = "id",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    where, params = ("WHERE s.status = ?", [status]) if status else ("", [])
    order = SORTS[sort.lstrip("-")] + (" DESC" if sort.startswith("-") else "")
    total = db.execute(f"SELECT count(*) FROM standards s {where}", params).fetchone()[0]
    rows = db.execute(
        f"{SUMMARY_SQL} {where} ORDER BY {order}, s.id LIMIT ? OFFSET ?", [*params, page.limit, page.offset]
    ).fetchall()
    return listing(request, page, total, [_summary(r) for r in rows], COLUMNS, format)


def _standard_row(db: sqlite3.Connection, standard_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute(f"{SUMMARY_SQL} WHERE s.id = ?", (standard_id,)).fetchone()
    if row is None:
        raise not_found("standard", standard_id)
    return row


StandardId = Annotated[str, Path(pattern="^[a-z0-9-]{1,80}$", description="Standard id, e.g. accessibility")]


@router.get("/{standard_id}", response_model=StandardDetail, responses=ERROR_RESPONSES, summary="One standard")
def get_standard(db: Db, standard_id: StandardId) -> dict[str, Any]:
    row = _standard_row(db, standard_id)
    helps: dict[str, list[str]] = {}
    for pattern_id, requirement_id in db.execute(
        "SELECT pattern_id, requirement_id FROM pattern_requirements ORDER BY pattern_id"
    ):
        helps.setdefault(requirement_id, []).append(pattern_id)
    failing = dict(
        db.execute(
            """SELECT requirement_id, count(*) FROM findings
               WHERE standard_id = ? AND outcome = 'fail' GROUP BY requirement_id""",
            (standard_id,),
        ).fetchall()
    )
    checked = db.execute("SELECT count(*) FROM service_standards WHERE standard_id = ?", (standard_id,)).fetchone()[0]
    requirements = [
        {
            "id": r["id"],
            "title": r["title"],
            "level": r["level"],
            "guidance": r["guidance"],
            "check": r["check_expr"],
            "applies_when": r["applies_when"],
            "evidence": r["evidence"],
            "evidence_max_age_days": r["evidence_max_age"],
            "field": r["field"],
            "fix": r["fix"],
            "references": json.loads(r["references_json"]),
            "patterns": helps.get(r["id"], []),
            "services_checked": checked,
            "services_failing": failing.get(r["id"], 0),
        }
        for r in db.execute("SELECT * FROM requirements WHERE standard_id = ? ORDER BY position", (standard_id,))
    ]
    return {
        **_summary(row),
        "updated": row["updated"],
        "sunset": row["sunset"],
        "applies_to_all": bool(row["applies_to_all"]),
        "applies_when": row["applies_when"],
        "references": json.loads(row["references_json"]),
        "requirements": requirements,
    }


@router.get(
    "/{standard_id}/versions",
    response_model=list[VersionOut],
    responses=ERROR_RESPONSES,
    summary="Every version of a standard in Git history",
)
def list_versions(db: Db, standard_id: StandardId) -> list[dict[str, Any]]:
    _standard_row(db, standard_id)
    rows = db.execute(
        "SELECT version, commit_sha, date, author, status FROM standard_versions WHERE standard_id = ?",
        (standard_id,),
    ).fetchall()
    rows = sorted(rows, key=lambda r: tuple(int(p) for p in r["version"].split("-")[0].split(".")))
    return [
        {
            "version": r["version"],
            "commit": r["commit_sha"],
            "date": r["date"],
            "author": r["author"],
            "status": r["status"],
        }
        for r in rows
    ]


def _version(db: sqlite3.Connection, standard_id: str, version: str) -> Standard:
    row = db.execute(
        "SELECT document FROM standard_versions WHERE standard_id = ? AND version = ?", (standard_id, version)
    ).fetchone()
    if row is None or row["document"] is None:
        raise not_found("version", f"{standard_id} {version}")
    return Standard.model_validate(json.loads(row["document"]))


Version = Annotated[str, Path(pattern=r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", description="e.g. 1.0.0")]


@router.get("/{standard_id}/versions/{version}", responses=ERROR_RESPONSES, summary="A standard as it was at a version")
def get_version(db: Db, standard_id: StandardId, version: Version) -> dict[str, Any]:
    _standard_row(db, standard_id)
    return _version(db, standard_id, version).model_dump(mode="json")


@router.get("/{standard_id}/diff", responses=ERROR_RESPONSES, summary="What changed between two versions")
def get_diff(
    db: Db,
    standard_id: StandardId,
    from_: Annotated[str, Query(alias="from", pattern=r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")],
    to: Annotated[str, Query(pattern=r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")],
) -> dict[str, Any]:
    _standard_row(db, standard_id)
    return diff_standards(_version(db, standard_id, from_), _version(db, standard_id, to)).as_dict()
