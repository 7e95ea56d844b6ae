"""Sector insights read from Git history: the compliance trend (per standard and per council) and
pattern adoption, each month end from the snapshot Git held then (registry/insights/snapshots.py).

A month not yet in the snapshot cache is a whole index build, so these routes take a bounded
period and compute one request at a time; they need the API to run from a clone of the registry.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from registry.api.authority import AuthorityParam
from registry.api.dependencies import API_PREFIX, FormatParam, Paging, csv_responses
from registry.api.errors import ApiError, ErrorResponse
from registry.api.figures import figure_page, page_model, row_model
from registry.api.shared import SLUG, date_query, parse_date
from registry.insights.pattern_reuse import ADOPTERS, ADOPTION
from registry.insights.trend import COUNCIL_TREND, TREND

router = APIRouter(prefix=f"{API_PREFIX}/insights", tags=["insights"])

TrendPointOut = row_model(TREND)
TrendPage = page_model(TREND, TrendPointOut, "TrendPage")
CouncilTrendPointOut = row_model(COUNCIL_TREND)
CouncilTrendPage = page_model(COUNCIL_TREND, CouncilTrendPointOut)
AdoptionPointOut = row_model(ADOPTION)
AdoptionPage = page_model(ADOPTION, AdoptionPointOut)
AdopterOut = row_model(ADOPTERS)
AdopterPage = page_model(ADOPTERS, AdopterOut)


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


SinceParam = Annotated[str, date_query("First day of the period, YYYY-MM-DD.")]
UntilParam = Annotated[str | None, date_query("Last day of the period (default: today).")]
T_ = TypeVar("T_")


def _from_history(
    request: Request,
    since: str,
    until: str | None,
    compute: Callable[..., T_],
    authority: AuthorityParam = None,
    **options: object,
) -> T_:
    """`compute(root, since, until, current_index=the served index, authority=its code, **options)` over Git
    history: one at a time, and a period of bounded length. The figures filter by authority themselves
    (registry/insights/snapshots.py), as the CLI's do, so no route here filters on its own."""
    from registry.index.authorities import UnknownAuthority
    from registry.insights.trend import TrendError

    root = request.app.state.settings.get("repo_root")
    if not root:
        raise ApiError(503, "not_available", "the trend needs the API to run from a clone of the registry")
    start = parse_date(since, "since")
    end = parse_date(until, "until") if until is not None else None
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
        code = None if authority is None else authority.value
        index = FsPath(request.app.state.index.path)
        return compute(FsPath(root), start, end, current_index=index, authority=code, **options)
    except TrendError as exc:
        raise ApiError(400, "invalid_parameter", str(exc)) from None
    except UnknownAuthority as exc:  # the parameter's enum is the same register, so only if that drifts
        raise ApiError(422, "invalid_parameter", f"authority: {exc}; {exc.hint}") from None
    finally:
        _TREND_LOCK.release()


@router.get(
    "/trend",
    summary="Compliance by standard at each month end, from Git history",
    description=(
        "For each month end from `since` to `until`, the last commit on or before it is indexed as it stood "
        "and judged at that date; each point is a standard's services and compliant services at that commit "
        "(the figures of /compliance/by-standard), with the standard's title. Snapshots are cached by commit. "
        "Needs the server to run from a clone of the registry with its history (`standards serve`)."
    ),
    response_model=None,
    responses=TREND_RESPONSES,
)
def trend(
    request: Request,
    page: Paging,
    since: SinceParam,
    until: UntilParam = None,
    authority: AuthorityParam = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    result = _from_history(request, since, until, TREND.compute, authority)
    return figure_page(request, page, format, result.points, TREND_COLUMNS)


COUNCIL_TREND_COLUMNS = COUNCIL_TREND.keys


@router.get(
    "/trend/councils",
    summary="Compliance by council and standard at each month end, from Git history",
    description=COUNCIL_TREND.described,
    response_model=None,
    responses={**TREND_RESPONSES, **csv_responses(COUNCIL_TREND_COLUMNS, CouncilTrendPage)},
)
def trend_councils(
    request: Request,
    page: Paging,
    since: SinceParam,
    until: UntilParam = None,
    council: Annotated[str | None, Query(pattern=SLUG, max_length=80, description="Only this council.")] = None,
    authority: AuthorityParam = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    result = _from_history(request, since, until, TREND.compute, authority)
    points = [p for p in result.councils if council in (None, p.council_id)]
    return figure_page(request, page, format, points, COUNCIL_TREND_COLUMNS)


# --------------------------------------------------------------------------- pattern adoption


PatternParam = Annotated[str | None, Query(pattern=SLUG, max_length=80, description="Only this pattern (its id).")]
ADOPTION_COLUMNS = ADOPTION.keys
ADOPTER_COLUMNS = ADOPTERS.keys


@router.get(
    "/adoption",
    summary="Each pattern's adopters at each month end, from Git history",
    description=ADOPTION.described,
    response_model=None,
    responses={**TREND_RESPONSES, **csv_responses(ADOPTION_COLUMNS, AdoptionPage)},
)
def adoption(
    request: Request,
    page: Paging,
    since: SinceParam,
    until: UntilParam = None,
    pattern: PatternParam = None,
    authority: AuthorityParam = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    result = _from_history(request, since, until, ADOPTION.compute, authority, pattern=pattern)
    return figure_page(request, page, format, result.points, ADOPTION_COLUMNS)


@router.get(
    "/adoption/adopters",
    summary="When each council first named each pattern, from Git history",
    description=ADOPTERS.described,
    response_model=None,
    responses={**TREND_RESPONSES, **csv_responses(ADOPTER_COLUMNS, AdopterPage)},
)
def adopters(
    request: Request,
    page: Paging,
    since: SinceParam,
    until: UntilParam = None,
    pattern: PatternParam = None,
    authority: AuthorityParam = None,
    format: FormatParam = None,
) -> Response | dict[str, Any]:
    result = _from_history(request, since, until, ADOPTERS.compute, authority, pattern=pattern)
    return figure_page(request, page, format, result.adopters, ADOPTER_COLUMNS)
