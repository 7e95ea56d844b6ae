"""/api/v1/insights/ranking: the sector supplier ranking (registry/insights/ranking.py), its models built
from the declaration and its page made like every other insight's (registry/api/figures.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from registry.api.authority import ScopedDb
from registry.api.dependencies import API_PREFIX, FormatParam, Paging, csv_responses
from registry.api.figures import figure_page, page_model, row_model
from registry.api.shared import date_query, parse_date
from registry.insights.ranking import RANKING, STANDARD_MUSTS, StandardMusts, SupplierRank
from registry.insights.suppliers import MIN_COUNCILS, MIN_SERVICES

router = APIRouter(prefix=f"{API_PREFIX}/insights", tags=["insights"])

StandardMustsOut = row_model(STANDARD_MUSTS)
SupplierRankOut = row_model(RANKING, {StandardMusts: StandardMustsOut})
SupplierRankPage = page_model(RANKING, SupplierRankOut)
RANKING_COLUMNS = RANKING.csv_keys


@router.get(
    "/ranking",
    summary="Sector supplier ranking: reach, markets led, contracts ending, musts met",
    description=RANKING.described,
    response_model=None,
    responses=csv_responses(RANKING_COLUMNS, SupplierRankPage),
)
def ranking(
    request: Request,
    db: ScopedDb,
    page: Paging,
    as_of: Annotated[
        str | None, date_query("Count contracts ending from this day (default: the index's as-of date).")
    ] = None,
    min_services: Annotated[
        int, Query(ge=1, le=100_000, description="Markets are judged (and led) from this many services.")
    ] = MIN_SERVICES,
    min_councils: Annotated[
        int, Query(ge=1, le=100_000, description="Markets are judged (and led) from this many councils.")
    ] = MIN_COUNCILS,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    start = parse_date(as_of, "as_of") if as_of is not None else None
    ranks = RANKING.compute(db, start, min_services, min_councils)
    return figure_page(request, page, format, ranks, RANKING_COLUMNS, SupplierRank.flat)
