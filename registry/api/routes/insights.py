"""Sector insights from the index: reuse, duplication hotspots, supplier concentration, lock-in,
procurement windows, interoperability, reuse per pattern and the headline figures (the figures read
from Git history are in history.py).

Each figure is declared once in registry/insights/<figure>.py: the row models, the CSV columns
and each operation's description (the docstring of the function computing it) come from there,
so the API documents exactly how every figure is made. Lists are paginated and come as CSV like
every other listing; each insight is computed whole and then paged.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from checks.supplier_roles import SupplierRole
from registry.api.authority import ScopedDb
from registry.api.dependencies import API_PREFIX, FormatParam, Paging, csv_responses, listing
from registry.api.errors import ERROR_RESPONSES, not_found
from registry.api.figures import figure_page, page_model, row_model
from registry.api.shared import SLUG, date_query, parse_date
from registry.insights.headlines import HEADLINES
from registry.insights.hotspots import (
    DEFAULT_MIN_COUNCILS,
    DEFAULT_MIN_SOLUTIONS,
    HOTSPOTS,
    SOLUTION_COUNCILS,
    Hotspot,
    SolutionCouncils,
)
from registry.insights.interop import INTEROP
from registry.insights.lock_in import LOCK_IN
from registry.insights.pattern_reuse import CANDIDATES, PATTERN_REUSE, known_pattern
from registry.insights.reuse import PATTERN_USES, REUSE, SOLUTIONS, PatternUse, ServiceTypeReuse, SolutionStats
from registry.insights.shared import rounded
from registry.insights.suggestion import SUGGESTION, UnknownService
from registry.insights.suppliers import MARKET, MIN_COUNCILS, MIN_SERVICES, SHARES, Market, SupplierShare
from registry.insights.windows import DEFAULT_MIN_COUNCILS as DEFAULT_WINDOW_COUNCILS
from registry.insights.windows import WINDOW_CONTRACTS, WINDOWS, Window, WindowContract

router = APIRouter(prefix=f"{API_PREFIX}/insights", tags=["insights"])

LgslParam = Annotated[int | None, Query(ge=1, le=99999, description="Only this service type (LGSL code).")]


# --------------------------------------------------------------------------- models


SolutionOut = row_model(SOLUTIONS)
SolutionPage = page_model(SOLUTIONS, SolutionOut)
PatternUseOut = row_model(PATTERN_USES)
_NESTED = {SolutionStats: SolutionOut, PatternUse: PatternUseOut}
ServiceTypeReuseOut = row_model(REUSE, _NESTED)
ServiceTypeReusePage = page_model(REUSE, ServiceTypeReuseOut)
ReuseSuggestionOut = row_model(SUGGESTION, _NESTED)


SolutionCouncilsOut = row_model(SOLUTION_COUNCILS)
HotspotOut = row_model(HOTSPOTS, {SolutionCouncils: SolutionCouncilsOut})
HotspotPage = page_model(HOTSPOTS, HotspotOut)


SupplierShareOut = row_model(SHARES)
MarketOut = row_model(MARKET, {SupplierShare: SupplierShareOut})
MarketPage = page_model(MARKET, MarketOut)


LockInOut = row_model(LOCK_IN)
LockInPage = page_model(LOCK_IN, LockInOut)


WindowContractOut = row_model(WINDOW_CONTRACTS)
WindowOut = row_model(WINDOWS, {WindowContract: WindowContractOut})
WindowPage = page_model(WINDOWS, WindowOut)


InteropOut = row_model(INTEROP)
InteropPage = page_model(INTEROP, InteropOut)


HeadlineOut = row_model(HEADLINES)
HeadlinePage = page_model(HEADLINES, HeadlineOut)


PatternReuseOut = row_model(PATTERN_REUSE)
PatternReusePage = page_model(PATTERN_REUSE, PatternReuseOut)
PatternCandidateOut = row_model(CANDIDATES)
PatternCandidatePage = page_model(CANDIDATES, PatternCandidateOut)


# --------------------------------------------------------------------------- headlines

HEADLINE_COLUMNS = HEADLINES.keys


@router.get(
    "/headlines",
    summary="The headline figures of the insights home page, each with what it counts",
    description=HEADLINES.described,
    response_model=None,
    responses=csv_responses(HEADLINE_COLUMNS, HeadlinePage),
)
def headlines(request: Request, db: ScopedDb, page: Paging, format: FormatParam = None) -> Response | dict[str, Any]:
    return figure_page(request, page, format, HEADLINES.compute(db), HEADLINE_COLUMNS)


# --------------------------------------------------------------------------- reuse

REUSE_COLUMNS = REUSE.csv_keys
SOLUTION_COLUMNS = SOLUTIONS.keys


@router.get(
    "/reuse",
    summary="Reuse per service type",
    description=REUSE.described,
    response_model=None,
    responses=csv_responses(REUSE_COLUMNS, ServiceTypeReusePage),
)
def reuse(
    request: Request, db: ScopedDb, page: Paging, lgsl: LgslParam = None, format: FormatParam = None
) -> Response | dict[str, Any]:
    return figure_page(request, page, format, REUSE.compute(db, lgsl), REUSE_COLUMNS, ServiceTypeReuse.flat)


@router.get(
    "/reuse/solutions",
    summary="Solutions per service type, with their compliance",
    description=SOLUTIONS.described,
    response_model=None,
    responses=csv_responses(SOLUTION_COLUMNS, SolutionPage),
)
def reuse_solutions(
    request: Request, db: ScopedDb, page: Paging, lgsl: LgslParam = None, format: FormatParam = None
) -> Response | dict[str, Any]:
    return figure_page(request, page, format, SOLUTIONS.compute(db, lgsl), SOLUTION_COLUMNS)


@router.get(
    "/reuse/{council}/{service}",
    summary="A reuse suggestion for one service",
    description=SUGGESTION.described,
    response_model=ReuseSuggestionOut,
    responses=ERROR_RESPONSES,
)
def reuse_suggestion(
    db: ScopedDb,
    council: Annotated[str, Path(pattern=SLUG, max_length=80, description="Council id, e.g. bristol")],
    service: Annotated[str, Path(pattern=SLUG, max_length=80, description="Service id within the council")],
) -> dict[str, Any]:
    try:
        return rounded(asdict(SUGGESTION.compute(db, council, service)))  # type: ignore[no-any-return]
    except UnknownService:
        raise not_found("service", f"{council}/{service}") from None


# --------------------------------------------------------------------------- hotspots

HOTSPOT_COLUMNS = HOTSPOTS.csv_keys


@router.get(
    "/hotspots",
    summary="Duplication hotspots: service types councils deliver with many different solutions",
    description=HOTSPOTS.described,
    response_model=None,
    responses=csv_responses(HOTSPOT_COLUMNS, HotspotPage),
)
def hotspots(
    request: Request,
    db: ScopedDb,
    page: Paging,
    min_councils: Annotated[
        int, Query(ge=1, le=100_000, description="Only types delivered by at least this many councils.")
    ] = DEFAULT_MIN_COUNCILS,
    min_solutions: Annotated[
        int, Query(ge=1, le=100_000, description="Only types run on at least this many different core solutions.")
    ] = DEFAULT_MIN_SOLUTIONS,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    items = HOTSPOTS.compute(db, min_councils, min_solutions)
    return figure_page(request, page, format, items, HOTSPOT_COLUMNS, Hotspot.flat)


# --------------------------------------------------------------------------- suppliers

MARKET_COLUMNS = MARKET.csv_keys


@router.get(
    "/suppliers",
    summary="Supplier concentration (shares, top-3, HHI) per market: service type or ESD function, and role",
    description=MARKET.described,
    response_model=None,
    responses=csv_responses(MARKET_COLUMNS, MarketPage),
)
def suppliers(
    request: Request,
    db: ScopedDb,
    page: Paging,
    by: Annotated[
        str, Query(pattern="^(service-type|function)$", description="Market: `service-type` or `function`.")
    ] = "service-type",
    key: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Only this market: an LGSL code with by=service-type, a function's label with by=function.",
        ),
    ] = None,
    role: Annotated[SupplierRole | None, Query(description="Only this supplier role.")] = None,
    min_services: Annotated[
        int,
        Query(ge=1, le=100_000, description="Judge markets with at least this many services; the rest are too few."),
    ] = MIN_SERVICES,
    min_councils: Annotated[
        int,
        Query(ge=1, le=100_000, description="Judge markets with at least this many councils; the rest are too few."),
    ] = MIN_COUNCILS,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    markets = MARKET.compute(db, by, key, min_services, role.value if role is not None else None, min_councils)
    return figure_page(request, page, format, markets, MARKET_COLUMNS, Market.flat)


LOCK_IN_COLUMNS = LOCK_IN.keys


@router.get(
    "/lock-in",
    summary="Lock-in signals per service",
    description=LOCK_IN.described,
    response_model=None,
    responses=csv_responses(LOCK_IN_COLUMNS, LockInPage),
)
def lock_in(
    request: Request,
    db: ScopedDb,
    page: Paging,
    council: Annotated[str | None, Query(pattern=SLUG, max_length=80, description="Only this council.")] = None,
    lgsl: LgslParam = None,
    min_signals: Annotated[int, Query(ge=0, le=4, description="Services with at least this many signals.")] = 1,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    result = LOCK_IN.compute(db, council, lgsl, min_signals, page.limit, page.offset)
    rows = [rounded(asdict(i)) for i in result.items]
    return listing(request, page, result.total, rows, LOCK_IN_COLUMNS, format)


# --------------------------------------------------------------------------- windows

WINDOW_COLUMNS = WINDOWS.csv_keys


@router.get(
    "/windows",
    summary="Buying windows: contracts for one product or service type ending within a horizon at several councils",
    description=WINDOWS.described,
    response_model=None,
    responses=csv_responses(WINDOW_COLUMNS, WindowPage),
)
def windows(
    request: Request,
    db: ScopedDb,
    page: Paging,
    horizon_months: Annotated[int, Query(ge=1, le=240, description="Contracts ending within this many months.")] = 18,
    by: Annotated[
        str, Query(pattern="^(product|service-type)$", description="Group by `product` or `service-type`.")
    ] = "product",
    min_councils: Annotated[
        int, Query(ge=1, le=100_000, description="Only groups with at least this many councils (1 lists every one).")
    ] = DEFAULT_WINDOW_COUNCILS,
    as_of: Annotated[str | None, date_query("The window's first day (default: the index's as-of date).")] = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    start = parse_date(as_of, "as_of") if as_of is not None else None
    result = WINDOWS.compute(db, horizon_months, by, start, min_councils)
    extra = {"window_start": result.as_of, "window_end": result.horizon_end}
    return figure_page(request, page, format, result.windows, WINDOW_COLUMNS, Window.flat, extra=extra)


# --------------------------------------------------------------------------- interoperability

INTEROP_COLUMNS = INTEROP.keys


@router.get(
    "/interop",
    summary="Data interoperability: open APIs, Open Referral UK, UPRN and USRN",
    description=INTEROP.described,
    response_model=None,
    responses=csv_responses(INTEROP_COLUMNS, InteropPage),
)
def interop(
    request: Request,
    db: ScopedDb,
    page: Paging,
    by: Annotated[
        str, Query(pattern="^(all|type|region|nation)$", description="Group councils by `type`, `region` or `nation`.")
    ] = "all",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    return figure_page(request, page, format, INTEROP.compute(db, by), INTEROP_COLUMNS)


# --------------------------------------------------------------------------- reuse per pattern

PATTERN_REUSE_COLUMNS = PATTERN_REUSE.keys
CANDIDATE_COLUMNS = CANDIDATES.keys


@router.get(
    "/pattern-reuse",
    summary="Reuse per pattern: its councils, its service types and the candidates to reuse it",
    description=PATTERN_REUSE.described,
    response_model=None,
    responses=csv_responses(PATTERN_REUSE_COLUMNS, PatternReusePage),
)
def pattern_reuse(
    request: Request, db: ScopedDb, page: Paging, format: FormatParam = None
) -> Response | dict[str, Any]:
    return figure_page(request, page, format, PATTERN_REUSE.compute(db), PATTERN_REUSE_COLUMNS)


@router.get(
    "/pattern-reuse/{pattern_id}",
    summary="The councils delivering a pattern's service types without it",
    description=CANDIDATES.described,
    response_model=None,
    responses={**csv_responses(CANDIDATE_COLUMNS, PatternCandidatePage), **ERROR_RESPONSES},
)
def pattern_candidates(
    request: Request,
    db: ScopedDb,
    page: Paging,
    pattern_id: Annotated[str, Path(pattern=SLUG, max_length=80, description="Pattern id, e.g. gov-uk-pay")],
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    if not known_pattern(db, pattern_id):
        raise not_found("pattern", pattern_id)
    return figure_page(request, page, format, CANDIDATES.compute(db, pattern_id), CANDIDATE_COLUMNS)
