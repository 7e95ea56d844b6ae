"""Services: the filtered list, and one service with its manifest and full results.

A service is addressed as `/api/v1/services/{council}/{id}`: service ids are unique
within a council, and the index keys services as `<council>/<id>`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from checks.models import Phase
from checks.report_schema import ReportResult
from checks.reporters.json_report import result_record
from checks.results import Outcome
from registry.api_support import (
    API_PREFIX,
    ERROR_RESPONSES,
    Db,
    FormatParam,
    Page,
    Paging,
    csv_responses,
    listing,
    not_found,
)
from registry.index.service_results import FINDING_COLUMNS, decode, requirement_versions

router = APIRouter(prefix=f"{API_PREFIX}/services", tags=["services"])

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
REQUIREMENT_ID = r"^[A-Z][A-Z0-9]*-[A-Z0-9]+(?:\.[A-Za-z0-9]+)*$"

COLUMNS = [
    "key",
    "id",
    "council",
    "name",
    "lgsl",
    "phase",
    "url",
    "compliant",
    "score",
    "failed_must",
    "failed_should",
    "sample",
]
SORTS = {"key": "s.key", "name": "s.name", "score": "s.score", "council": "s.council_id"}
_WITH_FIX = frozenset({Outcome.FAIL, Outcome.WAIVED, Outcome.ERROR})


# --------------------------------------------------------------------------- models


class ServiceItem(BaseModel):
    key: str = Field(description="`<council>/<id>`, unique across the registry.")
    id: str = Field(description="The service's id, unique within its council.")
    council: str
    name: str
    lgsl: int | None = Field(description="Local Government Service List code, if recorded.")
    phase: str
    url: str | None
    compliant: bool = Field(description="True when no applicable standard has a failing must.")
    score: float = Field(description="Mean score (0-1) over the standards that apply.")
    failed_must: int
    failed_should: int
    sample: bool = Field(description="True for illustrative data that is not the council's own.")


class ServicePage(BaseModel):
    items: list[ServiceItem]
    total: int
    limit: int
    offset: int


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


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class ServiceFilters:
    council: str | None = None
    lgsl: int | None = None
    phase: Phase | None = None
    compliant: bool | None = None
    standard: str | None = None
    failing: str | None = None
    pattern: str | None = None
    supplier: str | None = None
    sample: bool | None = None

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause over `services s` and its parameters; values never enter the SQL text."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.council is not None:
            clauses.append("s.council_id = ?")
            params.append(self.council)
        if self.lgsl is not None:
            clauses.append("s.lgsl = ?")
            params.append(self.lgsl)
        if self.phase is not None:
            clauses.append("s.phase = ?")
            params.append(self.phase.value)
        if self.compliant is not None:
            clauses.append("s.compliant = ?")
            params.append(int(self.compliant))
        if self.sample is not None:
            clauses.append("s.sample = ?")
            params.append(int(self.sample))
        if self.standard is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM service_standards ss WHERE ss.service_key = s.key AND ss.standard_id = ?)"
            )
            params.append(self.standard)
        if self.failing is not None:
            clauses.append("s.key IN (SELECT service_key FROM findings WHERE requirement_id = ? AND outcome = 'fail')")
            params.append(self.failing)
        if self.pattern is not None:
            clauses.append("s.key IN (SELECT service_key FROM service_patterns WHERE pattern_id = ?)")
            params.append(self.pattern)
        if self.supplier is not None:
            clauses.append("s.key IN (SELECT service_key FROM suppliers WHERE name = ? COLLATE NOCASE)")
            params.append(self.supplier)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def service_filters(
    lgsl: Annotated[int | None, Query(ge=1, le=99999, description="Local Government Service List code.")] = None,
    phase: Annotated[Phase | None, Query(description="Delivery phase.")] = None,
    compliant: Annotated[
        bool | None, Query(description="Only services with (true) or without (false) a failing must.")
    ] = None,
    standard: Annotated[
        str | None, Query(pattern=SLUG, max_length=80, description="Only services this standard applies to.")
    ] = None,
    failing: Annotated[
        str | None, Query(pattern=REQUIREMENT_ID, max_length=40, description="Only services failing this requirement.")
    ] = None,
    pattern: Annotated[
        str | None, Query(pattern=SLUG, max_length=80, description="Only services using this pattern.")
    ] = None,
    supplier: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Only services with this supplier (any case).")
    ] = None,
    sample: Annotated[bool | None, Query(description="Only sample (true) or real (false) data.")] = None,
) -> ServiceFilters:
    return ServiceFilters(
        lgsl=lgsl,
        phase=phase,
        compliant=compliant,
        standard=standard,
        failing=failing,
        pattern=pattern,
        supplier=supplier,
        sample=sample,
    )


Filters = Annotated[ServiceFilters, Depends(service_filters)]
ServiceSort = Annotated[
    str, Query(pattern="^-?(key|name|score|council)$", description="key, name, score or council; `-` for descending.")
]

ITEM_SQL = """SELECT s.key, s.id, s.council_id, s.name, s.lgsl, s.phase, s.url, s.compliant, s.score,
                     s.failed_must, s.failed_should, s.sample FROM services s"""


def service_item(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "key": row["key"],
        "id": row["id"],
        "council": row["council_id"],
        "name": row["name"],
        "lgsl": row["lgsl"],
        "phase": row["phase"],
        "url": row["url"],
        "compliant": bool(row["compliant"]),
        "score": row["score"],
        "failed_must": row["failed_must"],
        "failed_should": row["failed_should"],
        "sample": bool(row["sample"]),
    }


def service_listing(
    request: Request, db: sqlite3.Connection, page: Page, filters: ServiceFilters, sort: str, fmt: str | None
) -> Response | dict[str, Any]:
    """One page of services (JSON or CSV), shared with /councils/{id}/services."""
    where, params = filters.where()
    column = SORTS[sort.lstrip("-")]
    direction = " DESC" if sort.startswith("-") else ""
    order = f"{column}{direction}" if column == "s.key" else f"{column}{direction}, s.key"
    total = db.execute(f"SELECT count(*) FROM services s {where}", params).fetchone()[0]
    rows = db.execute(f"{ITEM_SQL} {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, page.limit, page.offset])
    return listing(request, page, total, [service_item(r) for r in rows], COLUMNS, fmt)


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
    stored = [(s["standard_id"], s["version"], s["outcomes"]) for s in summaries]
    findings = db.execute(f"SELECT {FINDING_COLUMNS} FROM findings WHERE service_key = ?", (key,)).fetchall()
    versions = requirement_versions(db, {s["standard_id"] for s in summaries})
    fixes = {(sv[0], sv[1], r.id): r.fix for sv, reqs in versions.items() for r in reqs}
    results = [
        {
            **result_record(r),
            "fix": fixes.get((r.standard, r.version, r.requirement)) if r.outcome in _WITH_FIX else None,
        }
        for r in decode(stored, findings, versions)
    ]
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
        "standards": [
            {
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
            for s in summaries
        ],
        "results": results,
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
        "manifest": json.loads(row["manifest_json"]),
    }
