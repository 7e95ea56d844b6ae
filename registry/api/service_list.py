"""The list of services, served both at /services and at /councils/{id}/services."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from checks.models import Phase
from registry.api.dependencies import Page, listing
from registry.api.shared import REQUIREMENT_ID, SLUG

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
