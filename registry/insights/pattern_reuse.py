"""Reuse per pattern: which councils adopted each pattern and when (from Git history), and the
councils delivering the same service types without it, the candidates to reuse it (from the index).

The adoption figures read the trend's month-end snapshots (registry/insights/trend.py), so a
month the trend has already indexed costs nothing more here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from registry.insights.declaration import Column, Figure
from registry.insights.shared import type_label, type_labels
from registry.insights.snapshots import month_snapshots


@dataclass(frozen=True)
class AdoptionPoint:
    """The councils naming one pattern at one month end."""

    month: str
    date: str
    commit: str
    pattern_id: str
    pattern: str  # its name (the latest in the period)
    councils: int  # councils with at least one service naming it then
    council_ids: list[str]
    new_council_ids: list[str]  # naming it now, not at the period's previous point


@dataclass(frozen=True)
class Adopter:
    """When a council's manifests first named a pattern, within the period."""

    pattern_id: str
    pattern: str
    council_id: str
    council: str
    first_month: str  # the first month end in the period at which one of its services named it
    first_date: str
    commit: str  # the commit that month end reads
    at_start: bool  # already named at the period's first point, so it may have been named earlier


@dataclass(frozen=True)
class AdoptionResult:
    since: str
    until: str
    points: list[AdoptionPoint]  # by month, then pattern id
    adopters: list[Adopter]  # by pattern id, first month, council id


def pattern_adoption(
    root: Path,
    since: dt.date,
    until: dt.date | None = None,
    *,
    pattern: str | None = None,
    ref: str = "HEAD",
    cache_dir: Path | None = None,
    current_index: Path | None = None,
    authority: str | None = None,
) -> AdoptionResult:
    """Each pattern's adopters at each month end from `since` to `until`, from `ref`'s first-parent history.

    Each month end reads the same snapshot as the compliance trend: the last commit on or before
    it, indexed as it stood. A council *adopts* a pattern when at least one of its services names
    it (`patterns:` in the manifest); `councils` counts them at each month end, and
    `new_council_ids` lists those not naming it at the previous month end in the period. Every
    pattern named at some month end in the period has a point at each month end from the first
    commit on (0 councils where none named it). A council's *first named* month is the first
    month end in the period at which it named the pattern; `at_start` marks councils already
    naming it at the period's first point, which may have named it earlier. A pattern's name is
    its latest in the period. `pattern` keeps only that pattern. `authority` (a strategic
    authority's register code) counts only its constituent councils as adopters, and keeps only
    the patterns one of them named in the period.
    """
    start, end, snapped = month_snapshots(root, since, until, ref, cache_dir, current_index, authority)
    names: dict[str, str] = {}
    council_names: dict[str, str] = {}
    for s in snapped:
        names.update((p.pattern_id, p.name) for p in s.snapshot.patterns if pattern in (None, p.pattern_id))
        council_names.update(s.snapshot.council_names)
    points: list[AdoptionPoint] = []
    first: dict[tuple[str, str], AdoptionPoint] = {}
    before: dict[str, set[str]] = defaultdict(set)
    for s in snapped:
        named = {p.pattern_id: p.council_ids for p in s.snapshot.patterns}
        for pid in sorted(names):
            now = named.get(pid, [])
            new = [c for c in now if c not in before[pid]]
            point = AdoptionPoint(
                s.month.label, s.month.cutoff.isoformat(), s.commit, pid, names[pid], len(now), list(now), new
            )
            points.append(point)
            for c in now:
                first.setdefault((pid, c), point)
            before[pid] = set(now)
    opening = snapped[0].month.label if snapped else ""
    adopters = [
        Adopter(pid, names[pid], c, council_names.get(c, c), p.month, p.date, p.commit, p.month == opening)
        for (pid, c), p in sorted(first.items(), key=lambda kv: (kv[0][0], kv[1].month, kv[0][1]))
    ]
    return AdoptionResult(start, end, points, adopters)


@dataclass(frozen=True)
class PatternReuse:
    """One pattern: who uses it, for what, and who delivers the same types without it."""

    pattern_id: str
    pattern: str
    adopters: int  # councils with a service naming it
    service_types: int  # service types (LGSL) it is used for
    candidate_councils: int  # councils delivering one of those types, none of whose services of it name it
    candidate_services: int  # those councils' services of those types


@dataclass(frozen=True)
class PatternCandidate:
    """A council delivering a service type without a pattern other councils use for it."""

    pattern_id: str
    council_id: str
    council: str
    lgsl: int
    label: str  # the service type's label
    services: int  # the council's services of this type (none names the pattern)
    adopters: int  # councils using the pattern for this type


@dataclass(frozen=True)
class _Uses:
    names: dict[str, str]  # pattern id -> name
    adopters: dict[str, set[str]]  # pattern id -> councils naming it, for any service
    by_type: dict[tuple[str, int], set[str]]  # (pattern id, lgsl) -> councils naming it for that type
    delivering: dict[int, dict[str, int]]  # lgsl -> council -> its services of that type


def _uses(conn: sqlite3.Connection, pattern: str | None) -> _Uses:
    where, params = ("WHERE sp.pattern_id = ?", [pattern]) if pattern is not None else ("", [])
    names: dict[str, str] = {}
    adopters: dict[str, set[str]] = defaultdict(set)
    by_type: dict[tuple[str, int], set[str]] = defaultdict(set)
    for r in conn.execute(
        f"""SELECT DISTINCT sp.pattern_id, coalesce(p.name, sp.pattern_id) AS name, f.council_id, f.lgsl
            FROM service_patterns sp JOIN service_facts f ON f.service_key = sp.service_key
            LEFT JOIN patterns p ON p.id = sp.pattern_id {where}""",
        params,
    ):
        names[r["pattern_id"]] = r["name"]
        adopters[r["pattern_id"]].add(r["council_id"])
        if r["lgsl"] is not None:
            by_type[(r["pattern_id"], r["lgsl"])].add(r["council_id"])
    delivering: dict[int, dict[str, int]] = defaultdict(dict)
    for lgsl, council, n in conn.execute(
        "SELECT lgsl, council_id, count(*) FROM service_facts WHERE lgsl IS NOT NULL GROUP BY lgsl, council_id"
    ):
        delivering[lgsl][council] = n
    return _Uses(names, adopters, by_type, delivering)


def pattern_reuse(conn: sqlite3.Connection) -> list[PatternReuse]:
    """Per pattern: the councils using it, the service types it is used for, and the candidates to reuse it.

    A council *uses* a pattern when at least one of its services names it. The pattern's
    *service types* are the LGSL codes of the services naming it. A *candidate* is a council
    delivering one of those types (a service with that LGSL code) none of whose services of
    that type name the pattern; `candidate_councils` counts each such council once, and
    `candidate_services` counts their services of those types (a service counted once per
    type it is a candidate for). Services without an LGSL code count towards `adopters` only.
    Ordered by most candidate councils, then most adopters, then pattern id.
    """
    uses = _uses(conn, None)
    candidates: dict[str, set[str]] = defaultdict(set)
    services: dict[str, int] = defaultdict(int)
    for (pid, lgsl), users in uses.by_type.items():
        for council, n in uses.delivering[lgsl].items():
            if council not in users:
                candidates[pid].add(council)
                services[pid] += n
    rows = [
        PatternReuse(
            pid,
            uses.names[pid],
            len(uses.adopters[pid]),
            sum(1 for p, _ in uses.by_type if p == pid),
            len(candidates[pid]),
            services[pid],
        )
        for pid in uses.names
    ]
    rows.sort(key=lambda r: (-r.candidate_councils, -r.adopters, r.pattern_id))
    return rows


def pattern_candidates(
    conn: sqlite3.Connection, pattern: str | None = None, per_pattern: int | None = None
) -> list[PatternCandidate]:
    """The councils delivering a service type the pattern is used for, without using it for that type.

    For each service type (LGSL code) at least one service naming the pattern has, every council
    with a service of that type none of whose services of that type name the pattern: its
    services of the type, and the councils using the pattern for it. Every pattern's candidates
    when `pattern` is None. Ordered by pattern id, then the type's adopters (most first), then
    LGSL code, then most services, then council id. With `per_pattern`, only each pattern's first
    that many in that order (a page lists 200 of a pattern's candidates; all of them are a
    million rows at 100,000 manifests).
    """
    uses = _uses(conn, pattern)
    labels = type_labels(conn)
    councils = {r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM councils")}
    # At 100,000 manifests every pattern's candidates are about a million rows: each type's label and
    # its councils in order (most services, then id) are worked out once, and the rows made in the
    # promised order, instead of once per row and a sort of them all.
    label = {lgsl: type_label(labels, lgsl)[0] for lgsl in uses.delivering}
    ordered = {
        lgsl: sorted(
            ((council, councils.get(council, council), n) for council, n in by_council.items()),
            key=lambda c: (-c[2], c[0]),
        )
        for lgsl, by_council in uses.delivering.items()
    }
    types = sorted(uses.by_type.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1]))
    rows: list[PatternCandidate] = []
    made: dict[str, int] = defaultdict(int)
    for (pid, lgsl), users in types:
        room = per_pattern - made[pid] if per_pattern is not None else None
        if room is not None and room <= 0:
            continue
        wanted = (
            PatternCandidate(pid, council, name, lgsl, label[lgsl], n, len(users))
            for council, name, n in ordered[lgsl]
            if council not in users
        )
        before = len(rows)
        rows.extend(wanted if room is None else islice(wanted, room))
        made[pid] += len(rows) - before
    return rows


def known_pattern(conn: sqlite3.Connection, pattern: str) -> bool:
    """Whether the library or a service names `pattern`."""
    return (
        conn.execute(
            "SELECT 1 FROM patterns WHERE id = ? UNION ALL SELECT 1 FROM service_patterns WHERE pattern_id = ? LIMIT 1",
            (pattern, pattern),
        ).fetchone()
        is not None
    )


_ADOPTION_DEFINITION = (
    "- **Adopters**: a council adopts a pattern when at least one of its services names it in its manifest. "
    "At each month end the last commit on or before it is read as it stood (as for the compliance trend), "
    "and the councils naming the pattern then are counted.",
    "- **First named**: the first month end in the period at which one of the council's services named the "
    "pattern; councils already naming it at the period's first month end may have named it earlier.",
    "- **Candidates to reuse it**: councils delivering a service type (LGSL code) the pattern is used for, "
    "none of whose services of that type name it.",
)

ADOPTION = Figure(
    name="adoption",
    title="Pattern adoption",
    summary=(
        "For each month end, the councils with a service naming each pattern, read from the commit that stood "
        "then; new councils are those not naming it at the previous month end."
    ),
    definition=_ADOPTION_DEFINITION,
    compute=pattern_adoption,
    row=AdoptionPoint,
    model="AdoptionPoint",
    columns=(
        Column("month", str, "month", heading="Month"),
        Column("date", str, heading="Judged at", description="The month-end date the snapshot is read at."),
        Column("commit", str, "commit", heading="Commit"),
        Column("pattern_id", str, "pattern"),
        Column("pattern", str, heading="Pattern", description="The pattern's name."),
        Column("councils", int, "councils", "int", "Councils", "Councils with a service naming it then."),
        Column("council_ids", list[str]),
        Column(
            "new_council_ids",
            list[str],
            "new councils",
            heading="New councils",
            description="Councils naming it then but not at the previous month end in the period.",
        ),
    ),
    table=("month", "pattern_id", "councils", "new_council_ids", "commit"),
)

ADOPTERS = Figure(
    name="adoption",
    title="When each council first named the pattern",
    summary="Each council naming a pattern, and the first month end in the period at which it did.",
    definition=_ADOPTION_DEFINITION,
    compute=pattern_adoption,
    row=Adopter,
    model="Adopter",
    columns=(
        Column("pattern_id", str, "pattern"),
        Column("pattern", str),
        Column("council_id", str, "council"),
        Column("council", str, heading="Council"),
        Column("first_month", str, "first named", heading="First named"),
        Column("first_date", str, description="The month-end date of that month's snapshot."),
        Column("commit", str, "commit"),
        Column(
            "at_start",
            bool,
            "at start",
            description="Already named at the period's first month end, so it may have been named earlier.",
        ),
    ),
    table=("pattern_id", "council_id", "first_month", "at_start", "commit"),
)

PATTERN_REUSE = Figure(
    name="pattern-reuse",
    title="Reuse per pattern",
    summary=(
        "Each pattern's councils, the service types it is used for, and the councils delivering those types "
        "without it: the candidates to reuse it."
    ),
    definition=_ADOPTION_DEFINITION[2:],
    compute=pattern_reuse,
    row=PatternReuse,
    model="PatternReuse",
    columns=(
        Column("pattern_id", str, "pattern"),
        Column("pattern", str, heading="Pattern"),
        Column("adopters", int, "councils", "int", "Councils using it", "Councils with a service naming it."),
        Column("service_types", int, "service types", "int", "Service types", "LGSL codes of those services."),
        Column(
            "candidate_councils",
            int,
            "candidate councils",
            "int",
            "Candidate councils",
            "Councils delivering one of those types, none of whose services of it name the pattern.",
        ),
        Column(
            "candidate_services",
            int,
            "their services",
            "int",
            "Their services",
            "Those councils' services of those types.",
        ),
    ),
    table=("pattern_id", "adopters", "service_types", "candidate_councils", "candidate_services"),
)

CANDIDATES = Figure(
    name="pattern-reuse",
    title="Candidates to reuse the pattern",
    summary=(
        "Councils delivering a service type the pattern is used for, none of whose services of that type name "
        "it, with the councils already using it for that type."
    ),
    definition=_ADOPTION_DEFINITION[2:],
    compute=pattern_candidates,
    row=PatternCandidate,
    model="PatternCandidate",
    columns=(
        Column("pattern_id", str),
        Column("council_id", str, "council"),
        Column("council", str, heading="Council"),
        Column("lgsl", int, "LGSL", "int", "LGSL"),
        Column("label", str, "service type", heading="Service type"),
        Column("services", int, "services", "int", "Its services", "The council's services of this type."),
        Column("adopters", int, "type's adopters", "int", "Councils using it", "Councils using it for the type."),
    ),
    table=("lgsl", "label", "council_id", "services", "adopters"),
)
