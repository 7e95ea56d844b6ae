"""Compliance by standard (and by council and standard) at each month end, from the snapshot Git
held then (registry/insights/snapshots.py): each standard named by its title at that commit, each
figure the same as `/api/v1/compliance/by-standard` over that snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from registry.insights.declaration import Column, Figure
from registry.insights.snapshots import TrendError as TrendError
from registry.insights.snapshots import month_snapshots


@dataclass(frozen=True)
class TrendPoint:
    month: str  # "2026-03"
    date: str  # the month-end date the snapshot is judged at, ISO
    commit: str  # full sha of the last commit on or before that month end
    standard_id: str
    standard: str  # its title at that commit
    services: int  # services the standard applies to at that commit
    compliant: int
    rate: float  # compliant / services, 0.0 when services == 0


@dataclass(frozen=True)
class CouncilTrendPoint:
    """One council's figure for one standard at one month end (its services only)."""

    month: str
    date: str
    commit: str
    council_id: str
    council: str  # its name at that commit
    standard_id: str
    standard: str
    services: int
    compliant: int
    rate: float


@dataclass(frozen=True)
class TrendResult:
    since: str
    until: str
    points: list[TrendPoint]  # ordered by month, then standard_id
    councils: list[CouncilTrendPoint]  # ordered by month, council_id, then standard_id


def compliance_trend(
    root: Path,
    since: dt.date,
    until: dt.date | None = None,
    *,
    ref: str = "HEAD",
    cache_dir: Path | None = None,
    current_index: Path | None = None,
    authority: str | None = None,
) -> TrendResult:
    """Compliance by standard, and by council and standard, at each month end from `since` to `until`.

    A month's point comes from the last commit on `ref`'s first-parent history whose committer
    date is on or before the month's last day (UTC), indexed as it stood and judged at that date;
    months before the first commit are left out. A month's figures are those of
    /api/v1/compliance/by-standard for that snapshot: per standard (named by its title at that
    commit), the services it applies to, those with no failing must in it, and compliant /
    services rounded to 4 places; a standard that applies to no service at that commit has no
    point that month. Each council's points are the same figures over that council's services
    only. The last month is judged at `until` when that falls before its end. `until` defaults
    to today (or the date of `ref`'s last commit, if later), and never reaches past that: there
    is no history of the future.

    `current_index` is an index already built from a clean commit: a month whose commit and
    as-of date are that index's reads its figures from it instead of building the snapshot again
    (the site passes its own index, which at 100,000 services saves a full build).

    `authority` (a strategic authority's register code) keeps only its constituent councils: their
    own points, and each standard's figure over their services pooled (snapshots.Snapshot.within).
    """
    start, end, snapped = month_snapshots(root, since, until, ref, cache_dir, current_index, authority)
    points = [
        TrendPoint(
            s.month.label, s.month.cutoff.isoformat(), s.commit, f.standard_id, f.title, f.services, f.compliant, f.rate
        )
        for s in snapped
        for f in s.snapshot.standards
    ]
    councils = [
        CouncilTrendPoint(
            s.month.label,
            s.month.cutoff.isoformat(),
            s.commit,
            c.council_id,
            c.council,
            c.standard_id,
            titles.get(c.standard_id, c.standard_id),
            c.services,
            c.compliant,
            c.rate,
        )
        for s in snapped
        for titles in [{f.standard_id: f.title for f in s.snapshot.standards}]
        for c in s.snapshot.councils
    ]
    return TrendResult(start, end, points, councils)


_TREND_DEFINITION = (
    "For each month, the last commit on or before the month's last day is indexed as it stood then and "
    "judged at that date (the last month at the as-of date). A standard's figure is the share of the "
    "services it applies to at that commit with no failing must requirement, the same figure as the "
    "compliance dashboard's; a council's is the same share over that council's services. Months before "
    "the first commit have no point. Figures are cached by commit.",
)
_MONTH_COLUMNS = (
    Column("month", str, "month", heading="Month"),
    Column("date", str, heading="Judged at", description="The month-end date the snapshot is judged at."),
    Column("commit", str, "commit", heading="Commit", description="The last commit on or before that date."),
)
_FIGURE_COLUMNS = (
    Column("standard_id", str, "standard id", heading="Standard id"),
    Column("standard", str, "standard", heading="Standard", description="The standard's title at that commit."),
    Column("services", int, "services", "int", "Services", "Services the standard applied to at that commit."),
    Column("compliant", int, "compliant", "int", "Compliant", "Of those, the ones with no failing must in it."),
    Column("rate", float, "rate", "pct", "Rate", "compliant / services, 0-1."),
)

TREND = Figure(
    name="trend",
    title="Compliance trend",
    summary=(
        "For each month end, the last commit on or before it is checked as it stood then; a standard's rate is "
        "the share of the services it applied to at that commit that have no failing must."
    ),
    definition=_TREND_DEFINITION,
    compute=compliance_trend,
    row=TrendPoint,
    model="TrendPoint",
    columns=(*_MONTH_COLUMNS, *_FIGURE_COLUMNS),
    table=("month", "standard_id", "standard", "services", "compliant", "rate", "commit"),
)

COUNCIL_TREND = Figure(
    name="trend",
    title="Compliance trend by council",
    summary=(
        "For each month end, each council's services as they stood then; a standard's rate is the share of the "
        "council's services it applied to that have no failing must."
    ),
    definition=_TREND_DEFINITION,
    compute=compliance_trend,
    row=CouncilTrendPoint,
    model="CouncilTrendPoint",
    columns=(
        *_MONTH_COLUMNS,
        Column("council_id", str, "council", heading="Council id"),
        Column("council", str, heading="Council", description="The council's name at that commit."),
        *_FIGURE_COLUMNS,
    ),
    table=("month", "council_id", "standard_id", "standard", "services", "compliant", "rate", "commit"),
)
