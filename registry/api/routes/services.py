"""Services: the filtered list, and one service with its manifest and full results.

A service is addressed as `/api/v1/services/{council}/{id}`: service ids are unique
within a council, and the index keys services as `<council>/<id>`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from checks.report_schema import ReportResult
from checks.reporters.json_report import result_record
from checks.results import Outcome
from registry.api.dependencies import API_PREFIX, Db, FormatParam, Paging, csv_responses
from registry.api.errors import ERROR_RESPONSES, not_found
from registry.api.service_list import (
    COLUMNS,
    Filters,
    ServiceItem,
    ServicePage,
    ServiceSort,
    service_item,
    service_listing,
)
from registry.api.shared import SLUG
from registry.index.service_results import FINDING_COLUMNS, decode, requirement_versions

router = APIRouter(prefix=f"{API_PREFIX}/services", tags=["services"])


_WITH_FIX = frozenset({Outcome.FAIL, Outcome.WAIVED, Outcome.ERROR})


# --------------------------------------------------------------------------- models


class ServiceStandardResult(BaseModel):
    standard: str
    title: str
    version: str = Field(description="The version of the standard the service was checked against.")
    compliant: bool
    score: float
    passed: int
    failed: int
    waived: int
    not_applicable: int
    errors: int
    failed_must: int
    failed_should: int


class RequirementResult(ReportResult):
    """One result exactly as `standards check --format json` shows it, with the requirement's fix."""

    fix: str | None = Field(description="How to meet the requirement, in that version; given for fail, waived, error.")


class WaiverOut(BaseModel):
    requirement: str
    reason: str
    approved_by: str
    expires: str
    active: bool = Field(description="True when not expired at the index's as-of date.")


class EvidenceOut(BaseModel):
    requirement: str
    status: str
    url: str | None
    date: str | None
    note: str | None


class SupplierOut(BaseModel):
    name: str
    product: str | None
    role: str | None
    contract_start: str | None
    contract_end: str | None


class ServiceDetail(ServiceItem):
    council_name: str
    path: str = Field(description="The manifest's path in the repository.")
    description: str | None
    audience: str
    channels: list[str]
    team: str
    service_owner: str | None
    hosting_model: str | None
    hosting_provider: str | None
    open_api: bool
    open_source: bool
    handles_personal_data: bool
    standards: list[ServiceStandardResult] = Field(description="One summary per applicable standard.")
    results: list[RequirementResult] = Field(
        description="Every requirement of every applicable standard, in standard then requirement order."
    )
    waivers: list[WaiverOut]
    evidence: list[EvidenceOut]
    suppliers: list[SupplierOut]
    patterns: list[str]
    manifest: dict[str, Any] = Field(description="The whole validated manifest.")


@router.get(
    "",
    summary="List services",
    response_model=None,
    responses=csv_responses(COLUMNS, ServicePage),
)
def list_services(
    request: Request,
    db: Db,
    page: Paging,
    filters: Filters,
    council: Annotated[
        str | None, Query(pattern=SLUG, max_length=80, description="Only this council's services.")
    ] = None,
    sort: ServiceSort = "key",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    if council is not None:
        filters = replace(filters, council=council)
    return service_listing(request, db, page, filters, sort, format)


# --------------------------------------------------------------------------- one service

CouncilId = Annotated[str, Path(pattern=SLUG, max_length=80, description="Council id, e.g. bristol")]
ServiceId = Annotated[str, Path(pattern=SLUG, max_length=80, description="Service id within the council")]


@router.get(
    "/{council}/{service}",
    response_model=ServiceDetail,
    responses=ERROR_RESPONSES,
    summary="One service: its manifest, a summary per standard and every requirement's result",
)
def get_service(db: Db, council: CouncilId, service: ServiceId) -> dict[str, Any]:
    key = f"{council}/{service}"
    row = db.execute(
        "SELECT s.*, c.name AS council_name FROM services s JOIN councils c ON c.id = s.council_id WHERE s.key = ?",
        (key,),
    ).fetchone()
    if row is None:
        raise not_found("service", key)
    summaries = db.execute(
        """SELECT ss.*, st.title FROM service_standards ss JOIN standards st ON st.id = ss.standard_id
           WHERE ss.service_key = ? ORDER BY ss.standard_id""",
        (key,),
    ).fetchall()
    return {
        **service_item(row),
        "council_name": row["council_name"],
        "path": row["path"],
        "description": row["description"],
        "audience": row["audience"],
        "channels": json.loads(row["channels_json"]),
        "team": row["team"],
        "service_owner": row["service_owner"],
        "hosting_model": row["hosting_model"],
        "hosting_provider": row["hosting_provider"],
        "open_api": bool(row["open_api"]),
        "open_source": bool(row["open_source"]),
        "handles_personal_data": bool(row["handles_personal_data"]),
        "standards": [_standard_result(s) for s in summaries],
        "results": _requirement_results(db, key, summaries),
        **_records(db, key),
        "manifest": json.loads(row["manifest_json"]),
    }


def _standard_result(s: sqlite3.Row) -> dict[str, Any]:
    return {
        "standard": s["standard_id"],
        "title": s["title"],
        "version": s["version"],
        "compliant": bool(s["compliant"]),
        "score": s["score"],
        "passed": s["passed"],
        "failed": s["failed"],
        "waived": s["waived"],
        "not_applicable": s["not_applicable"],
        "errors": s["errors"],
        "failed_must": s["failed_must"],
        "failed_should": s["failed_should"],
    }


def _requirement_results(db: sqlite3.Connection, key: str, summaries: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """Every result as `standards check --format json` gives it, with the fix where one is due."""
    stored = [(s["standard_id"], s["version"], s["outcomes"]) for s in summaries]
    findings = db.execute(f"SELECT {FINDING_COLUMNS} FROM findings WHERE service_key = ?", (key,)).fetchall()
    versions = requirement_versions(db, {s["standard_id"] for s in summaries})
    fixes = {(sv[0], sv[1], r.id): r.fix for sv, reqs in versions.items() for r in reqs}
    return [
        {
            **result_record(r),
            "fix": fixes.get((r.standard, r.version, r.requirement)) if r.outcome in _WITH_FIX else None,
        }
        for r in decode(stored, findings, versions)
    ]


def _records(db: sqlite3.Connection, key: str) -> dict[str, list[Any]]:
    """The manifest's own lists as the index holds them: waivers, evidence, suppliers, patterns."""
    return {
        "waivers": [
            {
                "requirement": w["requirement_id"],
                "reason": w["reason"],
                "approved_by": w["approved_by"],
                "expires": w["expires"],
                "active": bool(w["active"]),
            }
            for w in db.execute("SELECT * FROM waivers WHERE service_key = ? ORDER BY requirement_id, expires", (key,))
        ],
        "evidence": [
            {
                "requirement": e["requirement_id"],
                "status": e["status"],
                "url": e["url"],
                "date": e["date"],
                "note": e["note"],
            }
            for e in db.execute("SELECT * FROM evidence WHERE service_key = ? ORDER BY requirement_id", (key,))
        ],
        "suppliers": [
            {
                "name": x["name"],
                "product": x["product"],
                "role": x["role"],
                "contract_start": x["contract_start"],
                "contract_end": x["contract_end"],
            }
            for x in db.execute("SELECT * FROM suppliers WHERE service_key = ? ORDER BY rowid", (key,))
        ],
        "patterns": [
            p[0]
            for p in db.execute("SELECT pattern_id FROM service_patterns WHERE service_key = ? ORDER BY rowid", (key,))
        ],
    }
