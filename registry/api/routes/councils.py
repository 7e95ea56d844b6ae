"""Councils: the list and one council, each with a compliance summary per standard, and a council's services."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from checks.models import CouncilType, Nation
from registry.api.dependencies import API_PREFIX, Db, FormatParam, LoopDb, Paging, csv_responses, listing, wants_csv
from registry.api.errors import ERROR_RESPONSES, not_found
from registry.api.service_list import COLUMNS as SERVICE_COLUMNS
from registry.api.service_list import Filters, ServicePage, ServiceSort, service_listing
from registry.api.shared import SLUG

router = APIRouter(prefix=f"{API_PREFIX}/councils", tags=["councils"])

COLUMNS = [
    "id",
    "name",
    "type",
    "nation",
    "region",
    "gss_code",
    "register_code",
    "sample",
    "services",
    "compliant",
    "compliance_rate",
    "score",
    "standards_all_compliant",
    "weakest_standard",
    "weakest_standard_rate",
]
SORTS = {
    "id": "c.id",
    "name": "c.name",
    "score": "coalesce(a.score, -1)",
    "services": "coalesce(a.services, 0)",
}


class CouncilStandard(BaseModel):
    services: int = Field(description="The council's services this standard applies to.")
    compliant: int = Field(description="Of those, services with no failing must of this standard.")
    score: float = Field(description="Mean score (0-1) of those services against this standard.")


class CouncilItem(BaseModel):
    id: str
    name: str
    type: str = Field(description="Register type code: CTY, NMD, UA, LBO, MD, SCO, WPA, NID or CC.")
    nation: str
    region: str
    gss_code: str
    register_code: str
    website: str | None
    sample: bool = Field(description="True for illustrative data that is not the council's own.")
    services: int
    compliant: int = Field(description="Services with no failing must in any applicable standard.")
    compliance_rate: float | None = Field(description="compliant / services; null with no services.")
    score: float | None = Field(description="Mean service score (0-1); null with no services.")
    standards: dict[str, CouncilStandard] = Field(description="Compliance per standard, keyed by standard id.")


class CouncilPage(BaseModel):
    items: list[CouncilItem]
    total: int
    limit: int
    offset: int


class CouncilDetail(CouncilItem):
    owners: list[str] = Field(description="GitHub teams or users who own the council's folder.")
    path: str = Field(description="The council manifest's path in the repository.")
    failed_must: int = Field(description="Failing must results across the council's services.")
    failed_should: int


def key_range(council_id: str) -> tuple[str, str]:
    """Service keys are `<council>/<id>`: this council's keys sort in [`<council>/`, `<council>0`)."""
    return f"{council_id}/", f"{council_id}0"


def _rate(compliant: int, services: int) -> float | None:
    return round(compliant / services, 4) if services else None


def _totals(row: sqlite3.Row | None) -> dict[str, Any]:
    if row is None:
        return {"services": 0, "compliant": 0, "score": None}
    return {"services": row["services"], "compliant": row["compliant"], "score": row["score"]}


def _item(row: Mapping[str, Any], standards: dict[str, dict[str, Any]]) -> dict[str, Any]:
    services = row["services"] or 0
    compliant = row["compliant"] or 0
    return {
        "id": row["id"],
        "name": row["name"],
        "type": row["type"],
        "nation": row["nation"],
        "region": row["region"],
        "gss_code": row["gss_code"],
        "register_code": row["register_code"],
        "website": row["website"],
        "sample": bool(row["sample"]),
        "services": services,
        "compliant": compliant,
        "compliance_rate": _rate(compliant, services),
        "score": round(row["score"], 4) if row["score"] is not None else None,
        "standards": standards,
    }


def _standards(db: sqlite3.Connection, council_id: str) -> dict[str, dict[str, Any]]:
    """Per-standard compliance of one council's services: a key-range seek per standard (service_standards_scores)."""
    rows = db.execute(
        """SELECT standard_id, count(*) AS services, sum(compliant) AS compliant, avg(score) AS score
           FROM service_standards
           WHERE standard_id IN (SELECT id FROM standards) AND service_key >= ? AND service_key < ?
           GROUP BY standard_id ORDER BY standard_id""",
        key_range(council_id),
    )
    return {
        r["standard_id"]: {"services": r["services"], "compliant": r["compliant"], "score": round(r["score"], 4)}
        for r in rows
    }


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    """A council as one CSV row: the per-standard map flattened to three columns."""
    standards: dict[str, dict[str, Any]] = item["standards"]
    weakest = min(
        standards.items(),
        key=lambda kv: (kv[1]["compliant"] / kv[1]["services"], kv[1]["score"], kv[0]),
        default=None,
    )
    return {
        **item,
        "standards_all_compliant": sum(1 for s in standards.values() if s["compliant"] == s["services"]),
        "weakest_standard": weakest[0] if weakest else None,
        "weakest_standard_rate": _rate(weakest[1]["compliant"], weakest[1]["services"]) if weakest else None,
    }


def _responses() -> dict[int | str, dict[str, Any]]:
    responses = csv_responses(COLUMNS, CouncilPage)
    responses[200]["description"] += (
        ". In CSV the per-standard summary is flattened: `standards_all_compliant` counts the standards every "
        "one of the council's services meets, `weakest_standard` is the standard with the lowest compliance "
        "rate (then score) and `weakest_standard_rate` is that rate."
    )
    return responses


@router.get(
    "",
    summary="List councils with a compliance summary per standard",
    response_model=None,
    responses=_responses(),
)
def list_councils(
    request: Request,
    db: Db,
    page: Paging,
    type: Annotated[CouncilType | None, Query(description="Register type code.")] = None,
    nation: Annotated[Nation | None, Query()] = None,
    region: Annotated[str | None, Query(min_length=1, max_length=100, description="Region, any case.")] = None,
    sample: Annotated[bool | None, Query(description="Only sample (true) or real (false) councils.")] = None,
    sort: Annotated[
        str,
        Query(pattern="^-?(id|name|score|services)$", description="id, name, score or services; `-` for descending."),
    ] = "id",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    clauses: list[str] = []
    params: list[Any] = []
    if type is not None:
        clauses.append("c.type = ?")
        params.append(type.value)
    if nation is not None:
        clauses.append("c.nation = ?")
        params.append(nation.value)
    if region is not None:
        clauses.append("c.region = ? COLLATE NOCASE")
        params.append(region)
    if sample is not None:
        clauses.append("c.sample = ?")
        params.append(int(sample))
    where = "WHERE " + " AND ".join(clauses) if clauses else ""
    column = SORTS[sort.lstrip("-")]
    direction = " DESC" if sort.startswith("-") else ""
    order = f"{column}{direction}" if column == "c.id" else f"{column}{direction}, c.id"
    total = db.execute(f"SELECT count(*) FROM councils c {where}", params).fetchone()[0]
    if sort.lstrip("-") in ("id", "name"):
        # Page the councils first, then add up only the page's services (indexed on council_id).
        councils = db.execute(
            f"SELECT * FROM councils c {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, page.limit, page.offset]
        ).fetchall()
        marks = ",".join("?" * len(councils))
        totals = {
            r["council_id"]: r
            for r in db.execute(
                f"""SELECT council_id, count(*) AS services, sum(compliant) AS compliant, avg(score) AS score
                    FROM services WHERE council_id IN ({marks}) GROUP BY council_id""",
                [c["id"] for c in councils],
            )
        }
        rows: list[Mapping[str, Any]] = [{**dict(c), **_totals(totals.get(c["id"]))} for c in councils]
    else:
        # Sorting by an aggregate needs every council's totals.
        rows = db.execute(
            f"""SELECT c.*, a.services, a.compliant, a.score FROM councils c
                LEFT JOIN (SELECT council_id, count(*) AS services, sum(compliant) AS compliant, avg(score) AS score
                           FROM services GROUP BY council_id) a ON a.council_id = c.id
                {where} ORDER BY {order} LIMIT ? OFFSET ?""",
            [*params, page.limit, page.offset],
        ).fetchall()
    items = [_item(r, _standards(db, r["id"])) for r in rows]
    if wants_csv(request, format):
        items = [_flat(i) for i in items]
    return listing(request, page, total, items, COLUMNS, format)


CouncilId = Annotated[str, Path(pattern=SLUG, max_length=80, description="Council id, e.g. bristol")]


def _council(db: sqlite3.Connection, council_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute("SELECT * FROM councils WHERE id = ?", (council_id,)).fetchone()
    if row is None:
        raise not_found("council", council_id)
    return row


@router.get(
    "/{council_id}",
    response_model=CouncilDetail,
    responses=ERROR_RESPONSES,
    summary="One council with its compliance summary per standard",
)
async def get_council(db: LoopDb, council_id: CouncilId) -> dict[str, Any]:
    # A handful of indexed lookups (well under a millisecond): cheaper run on the event loop
    # than handed to a worker thread.
    council = _council(db, council_id)
    totals = db.execute(
        """SELECT count(*) AS services, sum(compliant) AS compliant, avg(score) AS score,
                  sum(failed_must) AS failed_must, sum(failed_should) AS failed_should
           FROM services WHERE council_id = ?""",
        (council_id,),
    ).fetchone()
    row = {**dict(council), **dict(totals)}
    return {
        **_item(row, _standards(db, council_id)),
        "owners": json.loads(council["owners_json"]),
        "path": council["path"],
        "failed_must": totals["failed_must"] or 0,
        "failed_should": totals["failed_should"] or 0,
    }


@router.get(
    "/{council_id}/services",
    summary="A council's services",
    response_model=None,
    responses=csv_responses(SERVICE_COLUMNS, ServicePage),
)
def list_council_services(
    request: Request,
    db: Db,
    council_id: CouncilId,
    page: Paging,
    filters: Filters,
    sort: ServiceSort = "key",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    _council(db, council_id)
    return service_listing(request, db, page, replace(filters, council=council_id), sort, format)
