"""/api/v1/insights/merger: what a council formed from several councils inherits (registry/insights/merger.py),
its model built from the declaration like every other insight's."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from checks.reorganisation import MergerInputError
from registry.api.dependencies import API_PREFIX, Db
from registry.api.errors import ERROR_RESPONSES, ApiError
from registry.api.figures import row_model
from registry.api.shared import date_query, parse_date
from registry.insights.merger_figures import (
    CANDIDATES,
    CONTRACTS,
    COUNCILS,
    DATA,
    INHERITED,
    MERGER,
    MUSTS,
    SERVICE_TYPES,
    SHARED,
)
from registry.insights.merger_rows import (
    Candidate,
    Contract,
    Council,
    DataUse,
    Inherited,
    Musts,
    ServiceType,
    Shared,
)
from registry.insights.shared import rounded

router = APIRouter(prefix=f"{API_PREFIX}/insights", tags=["insights"])

MergerMustsOut = row_model(MUSTS)
MergerServiceOut = row_model(INHERITED, {Musts: MergerMustsOut})
MergerSharedOut = row_model(SHARED)
MergerCandidateOut = row_model(CANDIDATES)
MergerServiceTypeOut = row_model(
    SERVICE_TYPES, {Inherited: MergerServiceOut, Shared: MergerSharedOut, Candidate: MergerCandidateOut}
)
MergerContractOut = row_model(CONTRACTS)
MergerDataUseOut = row_model(DATA)
MergerCouncilOut = row_model(COUNCILS)
MergerOut = row_model(
    MERGER,
    {
        Council: MergerCouncilOut,
        ServiceType: MergerServiceTypeOut,
        Contract: MergerContractOut,
        DataUse: MergerDataUseOut,
    },
)

CODES = r"^[A-Za-z0-9]{3,9}(,[A-Za-z0-9]{3,9}){0,49}$"


@router.get(
    "/merger",
    summary="What a council formed from several councils inherits: solutions, contracts, musts, convergence",
    description=MERGER.described,
    response_model=MergerOut,
    responses=ERROR_RESPONSES,
)
def merger(
    db: Db,
    councils: Annotated[
        str,
        Query(
            pattern=CODES,
            max_length=500,
            description="The merging councils' register codes (`LDS`) or GSS codes, separated by commas.",
        ),
    ],
    vesting: Annotated[
        str | None, date_query("Vesting day (default: the register's for a past merger, else the index's as-of date).")
    ] = None,
) -> dict[str, Any]:
    day = parse_date(vesting, "vesting") if vesting is not None else None
    try:
        result = MERGER.compute(db, re.split(",", councils), day)
    except MergerInputError as exc:
        raise ApiError(422, "invalid_parameter", "; ".join(f"{p.message} ({p.help})" for p in exc.problems)) from None
    return rounded(asdict(result))  # type: ignore[no-any-return]
