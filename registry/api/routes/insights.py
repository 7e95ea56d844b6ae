"""Sector insights: reuse, duplication hotspots, supplier concentration, lock-in, procurement
windows, interoperability and the compliance trend.

Each figure is declared once in registry/insights/<figure>.py: the row models, the CSV columns
and each operation's description (the docstring of the function computing it) come from there,
so the API documents exactly how every figure is made. Lists are paginated and come as CSV like
every other listing; each insight is computed whole and then paged.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from registry.api.dependencies import API_PREFIX, Db, FormatParam, Page, Paging, csv_responses, listing, wants_csv
from registry.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse, not_found
from registry.api.figures import page_model, row_model
from registry.api.shared import SLUG
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
from registry.insights.reuse import PATTERN_USES, REUSE, SOLUTIONS, PatternUse, ServiceTypeReuse, SolutionStats
from registry.insights.shared import rounded
from registry.insights.suggestion import SUGGESTION, UnknownService
from registry.insights.suppliers import MARKET, SHARES, Market, SupplierShare
from registry.insights.trend import TREND
from registry.insights.windows import DEFAULT_MIN_COUNCILS as DEFAULT_WINDOW_COUNCILS
from registry.insights.windows import WINDOW_CONTRACTS, WINDOWS, Window, WindowContract

router = APIRouter(prefix=f"{API_PREFIX}/insights", tags=["insights"])

LgslParam = Annotated[int | None, Query(ge=1, le=99999, description="Only this service type (LGSL code).")]
DATE = r"^\d{4}-\d{2}-\d{2}$"


def _date_param(description: str) -> Any:
    # A plain string with the date format rather than `dt.date`: pydantic would also take numbers
    # (as Unix times), which the document does not allow.
    return Query(pattern=DATE, description=description, json_schema_extra={"format": "date"})


def _parse_date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_parameter", f"{name}: '{value}' is not a date (YYYY-MM-DD)") from None


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


TrendPointOut = row_model(TREND)
TrendPage = page_model(TREND, TrendPointOut, "TrendPage")


# --------------------------------------------------------------------------- helpers


def _page(
    request: Request,
    page: Page,
    fmt: str | None,
    items: Sequence[Any],
    columns: Sequence[str],
    csv_row: Callable[[Any], dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response | dict[str, Any]:
    chosen = items[page.offset : page.offset + page.limit]
    csv = wants_csv(request, fmt)
    rows = [rounded({**(csv_row(i) if csv and csv_row else asdict(i)), **(extra or {})}) for i in chosen]
    return listing(request, page, len(items), rows, columns, fmt)


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
    request: Request, db: Db, page: Paging, lgsl: LgslParam = None, format: FormatParam = None
) -> Response | dict[str, Any]:
    return _page(request, page, format, REUSE.compute(db, lgsl), REUSE_COLUMNS, ServiceTypeReuse.flat)


@router.get(
    "/reuse/solutions",
    summary="Solutions per service type, with their compliance",
    description=SOLUTIONS.described,
    response_model=None,
    responses=csv_responses(SOLUTION_COLUMNS, SolutionPage),
)
def reuse_solutions(
    request: Request, db: Db, page: Paging, lgsl: LgslParam = None, format: FormatParam = None
) -> Response | dict[str, Any]:
    return _page(request, page, format, SOLUTIONS.compute(db, lgsl), SOLUTION_COLUMNS)


@router.get(
    "/reuse/{council}/{service}",
    summary="A reuse suggestion for one service",
    description=SUGGESTION.described,
    response_model=ReuseSuggestionOut,
    responses=ERROR_RESPONSES,
)
def reuse_suggestion(
    db: Db,
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
    db: Db,
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
    return _page(request, page, format, items, HOTSPOT_COLUMNS, Hotspot.flat)


# --------------------------------------------------------------------------- suppliers

MARKET_COLUMNS = MARKET.csv_keys


@router.get(
    "/suppliers",
    summary="Supplier concentration (shares, top-3, HHI) per service type or ESD function",
    description=MARKET.described,
    response_model=None,
    responses=csv_responses(MARKET_COLUMNS, MarketPage),
)
def suppliers(
    request: Request,
    db: Db,
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
    min_services: Annotated[
        int, Query(ge=1, le=100_000, description="Only markets where at least this many services name a supplier.")
    ] = 1,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    markets = MARKET.compute(db, by, key, min_services)
    return _page(request, page, format, markets, MARKET_COLUMNS, Market.flat)


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
    db: Db,
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
    db: Db,
    page: Paging,
    horizon_months: Annotated[int, Query(ge=1, le=240, description="Contracts ending within this many months.")] = 18,
    by: Annotated[
        str, Query(pattern="^(product|service-type)$", description="Group by `product` or `service-type`.")
    ] = "product",
    min_councils: Annotated[
        int, Query(ge=1, le=100_000, description="Only groups with at least this many councils (1 lists every one).")
    ] = DEFAULT_WINDOW_COUNCILS,
    as_of: Annotated[str | None, _date_param("The window's first day (default: the index's as-of date).")] = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    start = _parse_date(as_of, "as_of") if as_of is not None else None
    result = WINDOWS.compute(db, horizon_months, by, start, min_councils)
    extra = {"window_start": result.as_of, "window_end": result.horizon_end}
    return _page(request, page, format, result.windows, WINDOW_COLUMNS, Window.flat, extra=extra)


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
    db: Db,
    page: Paging,
    by: Annotated[
        str, Query(pattern="^(all|type|region|nation)$", description="Group councils by `type`, `region` or `nation`.")
    ] = "all",
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    return _page(request, page, format, INTEROP.compute(db, by), INTEROP_COLUMNS)


# --------------------------------------------------------------------------- trend

TREND_COLUMNS = TREND.keys
TREND_RESPONSES = {
    **csv_responses(TREND_COLUMNS, TrendPage),
    503: {
        "model": ErrorResponse,
        "description": (
            "The API was not started from a repository with its Git history, or another trend is being "
            "computed (retry after the `Retry-After` seconds)"
        ),
    },
}
# A month not yet in the cache is a whole index build (minutes at sector scale), so a request can
# start at most this many, and only one request computes at a time: a burst of trend requests
# cannot take every core from the rest of the API.
MAX_TREND_MONTHS = 60
TREND_RETRY_SECONDS = 30
_TREND_LOCK = threading.Lock()


@router.get(
    "/trend",
    summary="Compliance by standard at each month end, from Git history",
    description=(
        "For each month end from `since` to `until`, the last commit on or before it is indexed as it stood "
        "and judged at that date; each point is a standard's services and compliant services at that commit "
        "(the figures of /compliance/by-standard). Snapshots are cached by commit. Needs the server to run "
        "from a clone of the registry with its history (`standards serve`)."
    ),
    response_model=None,
    responses=TREND_RESPONSES,
)
def trend(
    request: Request,
    page: Paging,
    since: Annotated[str, _date_param("First day of the period, YYYY-MM-DD.")],
    until: Annotated[str | None, _date_param("Last day of the period (default: today).")] = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    from registry.insights import trend as insight_trend

    root = request.app.state.settings.get("repo_root")
    if not root:
        raise ApiError(503, "not_available", "the trend needs the API to run from a clone of the registry")
    start = _parse_date(since, "since")
    end = _parse_date(until, "until") if until is not None else None
    last = end or dt.date.today()
    if (last.year - start.year) * 12 + last.month - start.month + 1 > MAX_TREND_MONTHS:
        raise ApiError(
            400, "invalid_parameter", f"the period covers more than {MAX_TREND_MONTHS} months: give a later `since`"
        )
    if not _TREND_LOCK.acquire(blocking=False):
        raise ApiError(
            503,
            "busy",
            "another compliance trend is being computed; try again shortly",
            headers={"Retry-After": str(TREND_RETRY_SECONDS)},
        )
    try:
        # The served index is the current month's snapshot when it was built from a clean commit.
        current = request.app.state.index.path
        result = insight_trend.compliance_trend(FsPath(root), start, end, current_index=FsPath(current))
    except insight_trend.TrendError as exc:
        raise ApiError(400, "invalid_parameter", str(exc)) from None
    finally:
        _TREND_LOCK.release()
    return _page(request, page, format, result.points, TREND_COLUMNS)
