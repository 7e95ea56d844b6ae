"""Compliance by standard at each month end, from the index of the snapshot Git held then.

For every month in the period, the last commit on the ref's first-parent history
on or before the month's end is indexed as it stood (`build_index(ref=...)`) and
judged at that month-end date; its compliance by standard is the same figure as
`/api/v1/compliance/by-standard`. Figures are cached per (commit, as-of date,
tool and index schema version), so only new month ends cost an index build.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from checks.atomic import write_text_atomic
from checks.history import SHALLOW_HELP, History, HistoryError
from checks.repository import Repository
from registry import __version__
from registry.index import build as index_build
from registry.index.compliance import by_standard_sql, group_row
from registry.index.connection import connect_readonly
from registry.index.health import SCHEMA_VERSION, is_snapshot
from registry.insights.declaration import Column, Figure

log = logging.getLogger("registry.insights.trend")

# Bump when what a cache file holds changes; the tool and index schema versions are in the key too.
CACHE_FORMAT = 1
DEFAULT_CACHE_DIR = Path("build") / "trend-cache"


@dataclass(frozen=True)
class TrendPoint:
    month: str  # "2026-03"
    date: str  # the month-end date the snapshot is judged at, ISO
    commit: str  # full sha of the last commit on or before that month end
    standard_id: str
    services: int  # services the standard applies to at that commit
    compliant: int
    rate: float  # compliant / services, 0.0 when services == 0


@dataclass(frozen=True)
class TrendResult:
    since: str
    until: str
    points: list[TrendPoint]  # ordered by month, then standard_id


class TrendError(Exception):
    """The trend cannot be computed; the message says why and how to fix it."""


class _Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    standard_id: str
    services: int
    compliant: int
    rate: float


class _CacheEntry(BaseModel):
    """One cache file: the figures of one commit judged at one date by one version of the tool."""

    model_config = ConfigDict(extra="forbid")

    format: int
    tool_version: str
    schema_version: int
    commit: str
    as_of: dt.date
    figures: list[_Figure]


@dataclass(frozen=True)
class _Month:
    label: str  # "2026-03"
    cutoff: dt.date  # judged at, and the last day a commit can be from


def compliance_trend(
    root: Path,
    since: dt.date,
    until: dt.date | None = None,
    *,
    ref: str = "HEAD",
    cache_dir: Path | None = None,
    current_index: Path | None = None,
) -> TrendResult:
    """Compliance by standard at each month end from `since` to `until`, from `ref`'s first-parent history.

    A month's point comes from the last commit on `ref`'s first-parent history whose committer
    date is on or before the month's last day (UTC), indexed as it stood and judged at that date;
    months before the first commit are left out. A month's figures are those of
    /api/v1/compliance/by-standard for that snapshot: per standard, the services it applies to,
    those with no failing must in it, and compliant / services rounded to 4 places; a standard
    that applies to no service at that commit has no point that month. The last month is judged
    at `until` when that falls before its end. `until` defaults to today (or the date of `ref`'s
    last commit, if later), and never reaches past that: there is no history of the future.

    `current_index` is an index already built from a clean commit: a month whose commit and
    as-of date are that index's reads its figures from it instead of building the snapshot again
    (the site passes its own index, which at 100,000 services saves a full build).
    """
    repo_root = Repository.find(root).root
    history = History(repo_root)
    try:
        git_repo = history.repo
    except HistoryError:
        raise TrendError(
            f"{repo_root} is not a Git repository: the trend is read from Git history, "
            "so run it in a clone of the registry"
        ) from None
    try:
        tip = history.resolve(ref)
    except HistoryError as exc:
        raise TrendError(f"cannot read the compliance trend: {exc}") from None
    if history.is_shallow():
        # Months before the clone's depth would pass for months before the first commit, and pinned
        # standard versions would be missing from the snapshots (and then cached): refuse instead.
        raise TrendError(f"cannot read the compliance trend: {SHALLOW_HELP}")

    horizon = max(_today(), _utc_date(tip.committed_date))
    if until is not None and since > until:
        raise TrendError(
            f"since {since.isoformat()} is after until {until.isoformat()}: give a start on or before the end"
        )
    end = horizon if until is None else min(until, horizon)
    if since > end:
        raise TrendError(
            f"since {since.isoformat()} is after {end.isoformat()}, the latest date with history "
            f"(today, or the date of {ref}'s last commit if later): give an earlier start"
        )

    # One call for the whole first-parent history, newest first: "<sha> <committer unix time>".
    log_lines = git_repo.git.log(tip.hexsha, "--first-parent", "--format=%H %ct").splitlines()
    commits = [(sha, int(stamp)) for sha, stamp in (line.split() for line in log_lines)]
    planned: list[tuple[_Month, str]] = []
    for month in _months(since, end):
        # Midnight after the cut-off day, UTC: commits strictly before it are "on or before" it.
        limit = dt.datetime.combine(month.cutoff + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp()
        # Newest first, so the first match is where the branch stood then, even if dates go backwards.
        sha = next((c for c, stamp in commits if stamp < limit), None)
        if sha is not None:  # None: the month ends before the first commit
            planned.append((month, sha))

    cache = cache_dir if cache_dir is not None else repo_root / DEFAULT_CACHE_DIR
    # Each month is judged at its own end, so month ends sharing a commit still differ in as-of date
    # (waivers expire, evidence ages) and each needs its own build; equal keys are computed once.
    figures: dict[tuple[str, dt.date], list[_Figure]] = {}
    for month, sha in planned:
        key = (sha, month.cutoff)
        if key not in figures:
            figures[key] = _figures(repo_root, sha, month.cutoff, cache, current_index)
    points = [
        TrendPoint(month.label, month.cutoff.isoformat(), sha, f.standard_id, f.services, f.compliant, f.rate)
        for month, sha in planned
        for f in figures[(sha, month.cutoff)]
    ]
    return TrendResult(since.isoformat(), end.isoformat(), points)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _utc_date(stamp: int) -> dt.date:
    return dt.datetime.fromtimestamp(stamp, dt.UTC).date()


def _months(since: dt.date, end: dt.date) -> Iterator[_Month]:
    year, month = since.year, since.month
    while (year, month) <= (end.year, end.month):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        yield _Month(f"{year:04d}-{month:02d}", min(following - dt.timedelta(days=1), end))
        year, month = following.year, following.month


def _cache_path(cache_dir: Path, commit: str, as_of: dt.date) -> Path:
    version = f"t{__version__}-s{SCHEMA_VERSION}-f{CACHE_FORMAT}"
    return cache_dir / f"{commit}-{as_of.isoformat()}-{version}.json"


def _figures(
    repo_root: Path, commit: str, as_of: dt.date, cache_dir: Path, current_index: Path | None = None
) -> list[_Figure]:
    """The commit's compliance by standard judged at `as_of`: from the cache, else from a fresh index."""
    path = _cache_path(cache_dir, commit, as_of)
    cached = _read_cache(path, commit, as_of)
    if cached is not None:
        return cached
    if current_index is not None and is_snapshot(current_index, commit, as_of):
        found = _read_figures(current_index)
    else:
        found = _compute(repo_root, commit, as_of)
    entry = _CacheEntry(
        format=CACHE_FORMAT,
        tool_version=__version__,
        schema_version=SCHEMA_VERSION,
        commit=commit,
        as_of=as_of,
        figures=found,
    )
    try:
        write_text_atomic(path, entry.model_dump_json(indent=1) + "\n")
    except OSError as exc:
        # The cache only saves time: a read-only checkout still gets its trend.
        log.warning("could not cache the trend figures in %s: %s", path, exc)
    return found


def _read_cache(path: Path, commit: str, as_of: dt.date) -> list[_Figure] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("cannot read trend cache %s (%s); recomputing", path, exc)
        return None
    try:
        entry = _CacheEntry.model_validate_json(text)
    except ValidationError:
        log.warning("trend cache %s is damaged; recomputing it", path)
        return None
    expected = (CACHE_FORMAT, __version__, SCHEMA_VERSION, commit, as_of)
    if (entry.format, entry.tool_version, entry.schema_version, entry.commit, entry.as_of) != expected:
        log.warning("trend cache %s does not match its name; recomputing it", path)
        return None
    return entry.figures


def _compute(repo_root: Path, commit: str, as_of: dt.date) -> list[_Figure]:
    # The snapshot is judged at the month end, not today: a waiver that had not yet expired, or
    # evidence that was still fresh, counted then, and the trend shows compliance as it stood.
    log.info("indexing %s as of %s for the compliance trend", commit[:10], as_of.isoformat())
    with tempfile.TemporaryDirectory(prefix="standards-trend-") as tmp:
        path = Path(tmp) / "index.sqlite"
        try:
            index_build.build_index(repo_root, path, as_of, ref=commit)
        except HistoryError as exc:
            raise TrendError(f"cannot index {commit[:10]}: {exc}") from None
        return _read_figures(path)


def _read_figures(index: Path) -> list[_Figure]:
    conn = connect_readonly(index)
    try:
        sql, params = by_standard_sql(None)
        groups = [group_row(row) for row in conn.execute(f"{sql} ORDER BY grp", params)]
    finally:
        conn.close()
    return [
        _Figure(
            standard_id=g["group"],
            services=g["services"],
            compliant=g["compliant"],
            rate=g["compliance_rate"],
        )
        for g in groups
    ]


TREND = Figure(
    name="trend",
    title="Compliance trend",
    summary=(
        "For each month end, the last commit on or before it is checked as it stood then; a standard's rate is "
        "the share of the services it applied to at that commit that have no failing must."
    ),
    definition=(
        "For each month, the last commit on or before the month's last day is indexed as it stood then and "
        "judged at that date (the last month at the as-of date). A standard's figure is the share of the "
        "services it applies to at that commit with no failing must requirement, the same figure as the "
        "compliance dashboard's. Months before the first commit have no point. Figures are cached by commit.",
    ),
    compute=compliance_trend,
    row=TrendPoint,
    model="TrendPoint",
    columns=(
        Column("month", str, "month", heading="Month"),
        Column("date", str, heading="Judged at", description="The month-end date the snapshot is judged at."),
        Column("commit", str, "commit", heading="Commit"),
        Column("standard_id", str, "standard", heading="Standard"),
        Column("services", int, "services", "int", "Services"),
        Column("compliant", int, "compliant", "int", "Compliant"),
        Column("rate", float, "rate", "pct", "Rate"),
    ),
    table=("month", "standard_id", "services", "compliant", "rate", "commit"),
)
