"""The registry as Git held it at each month end: the snapshot every history figure reads.

For every month in the period, the last commit on the ref's first-parent history on or before
the month's end is indexed as it stood (`build_index(ref=...)`) and judged at that month-end
date; what the history figures need from it (compliance by standard and by council and
standard, and which councils name each pattern) is cached per (commit, as-of date, tool and
index schema version), so only new month ends cost an index build. registry/insights/trend.py
(the compliance trend) and pattern_reuse.py (pattern adoption) read these snapshots.
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
from registry.index.authorities import constituent_council_ids
from registry.index.compliance import by_standard_sql, group_row
from registry.index.connection import connect_readonly
from registry.index.health import SCHEMA_VERSION, is_snapshot

log = logging.getLogger("registry.insights.trend")

# Bump when what a cache file holds changes; the tool and index schema versions are in the key too.
CACHE_FORMAT = 2  # 2: standard titles, per-council figures and pattern adopters
DEFAULT_CACHE_DIR = Path("build") / "trend-cache"


class TrendError(Exception):
    """The trend cannot be computed; the message says why and how to fix it."""


class StandardFigure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    standard_id: str
    title: str
    services: int
    compliant: int
    rate: float


class CouncilFigure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    council_id: str
    council: str
    standard_id: str
    services: int
    compliant: int
    rate: float


class PatternCouncils(BaseModel):
    """The councils with at least one service naming a pattern."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern_id: str
    name: str
    council_ids: list[str]  # sorted


class Snapshot(BaseModel):
    """Everything the figures here read from one commit judged at one date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standards: list[StandardFigure]
    councils: list[CouncilFigure]
    patterns: list[PatternCouncils]
    council_names: dict[str, str]

    def within(self, council_ids: frozenset[str]) -> Snapshot:
        """Only these councils: their own figures and adoptions, and each standard's figure their pooled
        services and compliant services (a standard none of their services meets has none)."""
        councils = [c for c in self.councils if c.council_id in council_ids]
        pooled: dict[str, tuple[int, int]] = {}
        for c in councils:
            services, compliant = pooled.get(c.standard_id, (0, 0))
            pooled[c.standard_id] = (services + c.services, compliant + c.compliant)
        standards = [
            StandardFigure(
                standard_id=f.standard_id,
                title=f.title,
                services=pooled[f.standard_id][0],
                compliant=pooled[f.standard_id][1],
                rate=round(pooled[f.standard_id][1] / pooled[f.standard_id][0], 4),
            )
            for f in self.standards
            if f.standard_id in pooled
        ]
        patterns = [
            PatternCouncils(pattern_id=p.pattern_id, name=p.name, council_ids=chosen)
            for p in self.patterns
            for chosen in [[c for c in p.council_ids if c in council_ids]]
            if chosen
        ]
        names = {k: v for k, v in self.council_names.items() if k in council_ids}
        return Snapshot(standards=standards, councils=councils, patterns=patterns, council_names=names)


class _CacheEntry(BaseModel):
    """One cache file: the figures of one commit judged at one date by one version of the tool."""

    model_config = ConfigDict(extra="forbid")

    format: int
    tool_version: str
    schema_version: int
    commit: str
    as_of: dt.date
    snapshot: Snapshot


@dataclass(frozen=True)
class _Month:
    label: str  # "2026-03"
    cutoff: dt.date  # judged at, and the last day a commit can be from


@dataclass(frozen=True)
class Snapped:
    """One planned month, with the commit it reads and what that commit held then."""

    month: _Month
    commit: str
    snapshot: Snapshot


def month_snapshots(
    root: Path,
    since: dt.date,
    until: dt.date | None,
    ref: str,
    cache_dir: Path | None,
    current_index: Path | None,
    authority: str | None = None,
) -> tuple[str, str, list[Snapped]]:
    """The period (ISO since, until) and each month's snapshot in it, oldest first (see `compliance_trend`).

    Every figure read from Git history (the trend here, pattern adoption in pattern_reuse.py)
    reads these, so one index build per month end (then the cache) serves them all. With
    `authority` (a strategic authority's register code), each snapshot holds only its constituent
    councils (registry.index.authorities.constituent_council_ids), so every history figure is
    filtered the same way; an unknown code is UnknownAuthority, before any history is read.
    """
    repo_root = Repository.find(root).root
    scope = None if authority is None else constituent_council_ids(repo_root, authority)
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
    found: dict[tuple[str, dt.date], Snapshot] = {}
    for month, sha in planned:
        key = (sha, month.cutoff)
        if key not in found:
            found[key] = _snapshot(repo_root, sha, month.cutoff, cache, current_index)
    if scope is not None:
        # The cache holds whole snapshots, so every authority (and the sector) shares one build a month.
        found = {key: snapshot.within(scope) for key, snapshot in found.items()}
    snapped = [Snapped(month, sha, found[(sha, month.cutoff)]) for month, sha in planned]
    return since.isoformat(), end.isoformat(), snapped


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


def _snapshot(
    repo_root: Path, commit: str, as_of: dt.date, cache_dir: Path, current_index: Path | None = None
) -> Snapshot:
    """What the commit held judged at `as_of`: from the cache, else from a fresh index."""
    path = _cache_path(cache_dir, commit, as_of)
    cached = _read_cache(path, commit, as_of)
    if cached is not None:
        return cached
    if current_index is not None and is_snapshot(current_index, commit, as_of):
        found = _read_snapshot(current_index)
    else:
        found = _compute(repo_root, commit, as_of)
    entry = _CacheEntry(
        format=CACHE_FORMAT,
        tool_version=__version__,
        schema_version=SCHEMA_VERSION,
        commit=commit,
        as_of=as_of,
        snapshot=found,
    )
    try:
        write_text_atomic(path, entry.model_dump_json(indent=1) + "\n")
    except OSError as exc:
        # The cache only saves time: a read-only checkout still gets its trend.
        log.warning("could not cache the trend figures in %s: %s", path, exc)
    return found


def _read_cache(path: Path, commit: str, as_of: dt.date) -> Snapshot | None:
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
    return entry.snapshot


def _compute(repo_root: Path, commit: str, as_of: dt.date) -> Snapshot:
    # The snapshot is judged at the month end, not today: a waiver that had not yet expired, or
    # evidence that was still fresh, counted then, and the trend shows compliance as it stood.
    log.info("indexing %s as of %s for the compliance trend", commit[:10], as_of.isoformat())
    with tempfile.TemporaryDirectory(prefix="standards-trend-") as tmp:
        path = Path(tmp) / "index.sqlite"
        try:
            index_build.build_index(repo_root, path, as_of, ref=commit)
        except HistoryError as exc:
            raise TrendError(f"cannot index {commit[:10]}: {exc}") from None
        return _read_snapshot(path)


# Per council and standard: service_standards over the council's services (its keys are "<council>/...").
_BY_COUNCIL_SQL = """
    SELECT s.council_id, c.name AS council, ss.standard_id, count(*) AS services, sum(ss.compliant) AS compliant
    FROM service_standards ss JOIN services s ON s.key = ss.service_key JOIN councils c ON c.id = s.council_id
    GROUP BY s.council_id, ss.standard_id ORDER BY s.council_id, ss.standard_id"""
# Which councils name each pattern: a council adopts it when any of its services names it.
_PATTERN_COUNCILS_SQL = """
    SELECT DISTINCT sp.pattern_id, coalesce(p.name, sp.pattern_id) AS name, s.council_id
    FROM service_patterns sp JOIN services s ON s.key = sp.service_key LEFT JOIN patterns p ON p.id = sp.pattern_id
    ORDER BY sp.pattern_id, s.council_id"""


def _read_snapshot(index: Path) -> Snapshot:
    conn = connect_readonly(index)
    try:
        sql, params = by_standard_sql(None)
        groups = [group_row(row) for row in conn.execute(f"{sql} ORDER BY grp", params)]
        by_council = conn.execute(_BY_COUNCIL_SQL).fetchall()
        named = conn.execute(_PATTERN_COUNCILS_SQL).fetchall()
        council_names = {r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM councils ORDER BY id")}
    finally:
        conn.close()
    pattern_names: dict[str, str] = {}
    adopters: dict[str, list[str]] = {}
    for r in named:
        pattern_names[r["pattern_id"]] = r["name"]
        adopters.setdefault(r["pattern_id"], []).append(r["council_id"])
    return Snapshot(
        standards=[
            StandardFigure(
                standard_id=g["group"],
                title=g["name"],
                services=g["services"],
                compliant=g["compliant"],
                rate=g["compliance_rate"],
            )
            for g in groups
        ],
        councils=[
            CouncilFigure(
                council_id=r["council_id"],
                council=r["council"],
                standard_id=r["standard_id"],
                services=r["services"],
                compliant=r["compliant"],
                rate=round(r["compliant"] / r["services"], 4),
            )
            for r in by_council
        ],
        patterns=[PatternCouncils(pattern_id=k, name=pattern_names[k], council_ids=v) for k, v in adopters.items()],
        council_names=council_names,
    )
