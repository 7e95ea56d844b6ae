"""/api/v1/authorities: the strategic authorities, and each one's constituent councils and shared solutions
(registry/insights/authorities.py; the site's authority pages show the same figures)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import create_model

from registry.api.dependencies import API_PREFIX, Db, FormatParam, Paging, csv_responses
from registry.api.errors import ERROR_RESPONSES, not_found
from registry.api.figures import figure_page, page_model, row_model
from registry.index.authorities import find_authority
from registry.insights.authorities import AUTHORITIES, CONSTITUENTS, SHARED
from registry.insights.shared import rounded

router = APIRouter(prefix=f"{API_PREFIX}/authorities", tags=["authorities"])

AuthorityOut = row_model(AUTHORITIES)
AuthorityPage = page_model(AUTHORITIES, AuthorityOut)
ConstituentOut = row_model(CONSTITUENTS)
SharedSolutionOut = row_model(SHARED)
AuthorityDetailOut = create_model(
    "AuthorityDetailOut",
    __base__=AuthorityOut,
    constituents=(list[ConstituentOut], ...),  # type: ignore[valid-type]
    shared=(list[SharedSolutionOut], ...),  # type: ignore[valid-type]
)
AUTHORITY_COLUMNS = AUTHORITIES.keys
CodePath = Annotated[
    str, Path(pattern=r"^[A-Za-z]{2,8}$", description="The authority's register code, e.g. GMCA (any case).")
]


@router.get(
    "",
    summary="Strategic authorities: constituents, their compliance and shared solutions",
    description=AUTHORITIES.described,
    response_model=None,
    responses=csv_responses(AUTHORITY_COLUMNS, AuthorityPage),
)
def authorities(request: Request, db: Db, page: Paging, format: FormatParam = None) -> Response | dict[str, Any]:
    return figure_page(request, page, format, AUTHORITIES.compute(db), AUTHORITY_COLUMNS)


@router.get(
    "/{code}",
    summary="One strategic authority: each constituent council's compliance and the solutions they share",
    description=f"{CONSTITUENTS.described}\n\n{SHARED.described}",
    response_model=AuthorityDetailOut,
    responses=ERROR_RESPONSES,
)
def authority(db: Db, code: CodePath) -> dict[str, Any]:
    found = find_authority(db, code)
    if found is None:
        raise not_found("strategic authority", code)
    summary = next(a for a in AUTHORITIES.compute(db) if a.code == found["code"])
    return rounded(  # type: ignore[no-any-return]
        {
            **asdict(summary),
            "constituents": [asdict(c) for c in CONSTITUENTS.compute(db, summary.code)],
            "shared": [asdict(s) for s in SHARED.compute(db, summary.code)],
        }
    )
