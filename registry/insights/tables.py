"""Each insight as a titled table, for `standards insights ...` to print as text, JSON or CSV.

Each figure's function, columns, labels and summary come from its declaration
(registry/insights/<figure>.py); this module only renders them (registry/cli/insights.py finds the
index). Text is for a council officer: a heading, a line on how the figure is computed, a table.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from registry.insights import figures as ins
from registry.insights.declaration import Figure
from registry.insights.hotspots import HOTSPOTS
from registry.insights.interop import INTEROP
from registry.insights.lock_in import LOCK_IN
from registry.insights.output import InsightUsageError, Output, T
from registry.insights.ranking import RANKING
from registry.insights.reuse import REUSE, SOLUTIONS
from registry.insights.suggestion import SUGGESTION
from registry.insights.suppliers import MARKET, MIN_COUNCILS, MIN_SERVICES, SHARES
from registry.insights.windows import WINDOWS


def figure_listing(figure: Figure, title: str, items: Sequence[Any], empty: str) -> Output:
    """A declared figure's rows as its table, explained by its summary; JSON gives every field."""
    rows = [asdict(i) for i in items]
    return Output(title, figure.summary, figure.table_columns, rows, rows, empty=empty)


# --------------------------------------------------------------------------- the insights


def reuse(conn: sqlite3.Connection, lgsl: int | None, council: str | None, service: str | None) -> Output:
    if (council is None) != (service is None):
        raise InsightUsageError("give both --council and --service for a suggestion (or neither)")
    if council is not None and service is not None:
        try:
            s = SUGGESTION.compute(conn, council, service)
        except ins.UnknownService as exc:
            raise InsightUsageError(f"{exc}; list services with `standards insights reuse`") from None
        return Output(
            f"{SUGGESTION.title} for {s.name} ({council}/{service})",
            SUGGESTION.summary,
            SUGGESTION.table_columns,
            [s.flat()],
            asdict(s),
            lead=[s.text],
            vertical=True,
        )
    if lgsl is not None:
        types = REUSE.compute(conn, lgsl)
        if not types:
            raise InsightUsageError(f"no indexed service has LGSL code {lgsl}")
        t = types[0]
        sols = SOLUTIONS.compute(conn, lgsl)
        lead = [
            f"{t.councils} council{'s' if t.councils != 1 else ''} deliver {t.label} (LGSL {t.lgsl}) through "
            f"{t.services} service{'s' if t.services != 1 else ''}, using {t.solutions} distinct solutions; "
            f"{t.services_without_solution} name no pattern or supplier."
        ]
        return Output(
            f"Solutions for {t.label} (LGSL {t.lgsl})",
            SOLUTIONS.summary,
            SOLUTIONS.table_columns,
            [asdict(s) for s in sols],
            {"service_type": asdict(t), "solutions": [asdict(s) for s in sols]},
            lead=lead,
            empty="No service of this type names a pattern or supplier.",
        )
    types = REUSE.compute(conn)
    return Output(
        REUSE.title,
        REUSE.summary,
        REUSE.table_columns,
        [t.flat() for t in types],
        [asdict(t) for t in types],
        empty="No indexed service has an LGSL code.",
    )


def hotspots(conn: sqlite3.Connection, min_councils: int, min_solutions: int) -> Output:
    items = _checked(lambda: HOTSPOTS.compute(conn, min_councils, min_solutions))
    return Output(
        f"{HOTSPOTS.title}: the same service delivered with many different solutions",
        HOTSPOTS.summary,
        HOTSPOTS.table_columns,
        [h.flat() for h in items],
        [asdict(h) for h in items],
        lead=[h.text for h in items[:5]],
        empty=f"No service type has {min_councils} or more councils running {min_solutions} or more core solutions.",
    )


def suppliers(
    conn: sqlite3.Connection,
    by: str,
    lgsl: int | None,
    function: str | None,
    min_services: int = MIN_SERVICES,
    role: str | None = None,
    min_councils: int = MIN_COUNCILS,
) -> Output:
    if lgsl is not None and function is not None:
        raise InsightUsageError("give --lgsl or --function, not both")
    if lgsl is not None:
        by, key = "service-type", str(lgsl)
    elif function is not None:
        by, key = "function", function
    else:
        key = None
    markets = _checked(lambda: MARKET.compute(conn, by, key, min_services, role, min_councils))
    if key is not None and not markets:
        in_role = f" in the role '{role}'" if role is not None else " with a role"
        raise InsightUsageError(f"no service in {by} '{key}' names a supplier{in_role} (or there is no such {by})")
    if key is not None and role is not None:
        m = markets[0]
        measured = (
            f"HHI {m.hhi:,.0f}, top-3 share {(m.top3_share or 0) * 100:.0f}%: {m.verdict}"
            if m.judged
            else f"{m.verdict.capitalize()}: fewer than {min_services} services or {min_councils} councils"
        )
        lead = [
            f"{m.label}, {m.role}: {m.services} of the type's {m.type_services} services in {m.councils} councils "
            f"name a supplier in this role. {measured}."
        ]
        return Output(
            f"Supplier shares in {m.label} ({m.role})",
            MARKET.summary,
            SHARES.table_columns,
            [asdict(s) for s in m.suppliers],
            asdict(m),
            lead=lead,
        )
    judged = sum(m.judged for m in markets)
    lead = [
        f"{len(markets)} markets; {judged} with at least {min_services} services in {min_councils} councils are "
        f"judged, {len(markets) - judged} are too few to judge."
    ]
    return Output(
        f"Supplier concentration by {'service type' if by == 'service-type' else 'ESD function'} and role",
        MARKET.summary,
        MARKET.table_columns,
        [m.flat() for m in markets],
        [asdict(m) for m in markets],
        lead=lead if markets else [],
        empty="No service names a supplier with a role.",
    )


def ranking(conn: sqlite3.Connection, as_of: dt.date | None, min_services: int, min_councils: int) -> Output:
    ranks = _checked(lambda: RANKING.compute(conn, as_of, min_services, min_councils))
    return Output(
        RANKING.title,
        RANKING.summary,
        RANKING.table_columns,
        [r.flat() for r in ranks],
        [asdict(r) for r in ranks],
        empty="No service names a supplier.",
    )


def lock_in(
    conn: sqlite3.Connection, council: str | None, lgsl: int | None, min_signals: int, limit: int | None
) -> Output:
    page = _checked(lambda: LOCK_IN.compute(conn, council, lgsl, min_signals, limit))
    lead = [
        f"Of {page.services} services: {page.no_open_api} have no open API, {page.no_open_export} no bulk export "
        f"in an open format, {page.proprietary_format} a proprietary data format and {page.long_contract} a "
        f"supplier contract longer than five years. {page.total} show at least {min_signals} signal(s)"
        + (f"; the first {len(page.items)} are listed." if len(page.items) < page.total else ".")
    ]
    return Output(
        LOCK_IN.title,
        LOCK_IN.summary,
        LOCK_IN.table_columns,
        [asdict(i) for i in page.items],
        asdict(page),
        lead=lead,
        empty="No service shows that many signals.",
    )


def windows(conn: sqlite3.Connection, horizon: int, by: str, as_of: dt.date | None, min_councils: int) -> Output:
    result = _checked(lambda: WINDOWS.compute(conn, horizon, by, as_of, min_councils))
    return Output(
        f"{WINDOWS.title}: contracts ending {result.as_of} to {result.horizon_end} ({horizon} months)",
        WINDOWS.summary,
        WINDOWS.table_columns,
        [w.flat() for w in result.windows],
        asdict(result),
        lead=[w.text for w in result.windows[:5]],
        empty=f"No contracts at {min_councils} or more councils end within the horizon.",
    )


def interop(conn: sqlite3.Connection, by: str) -> Output:
    groups = _checked(lambda: INTEROP.compute(conn, by))
    title = {"all": "", "type": " by council type", "region": " by region", "nation": " by nation"}[by]
    return figure_listing(INTEROP, f"{INTEROP.title}{title}", groups, empty="No services are indexed.")


def trend(
    root: Path,
    since: dt.date,
    until: dt.date | None,
    by: str = "standard",
    council: str | None = None,
    authority: str | None = None,
) -> Output:
    from registry.insights.trend import COUNCIL_TREND, TREND, TrendError

    try:
        result = TREND.compute(root, since, until, authority=authority)
    except TrendError as exc:
        raise InsightUsageError(str(exc)) from None
    period = f"{result.since} to {result.until}"
    if council is None and by == "standard":
        rows = [{**asdict(p), "commit": p.commit[:10]} for p in result.points]
        return Output(
            f"Compliance by standard at each month end, {period}",
            TREND.summary,
            TREND.table_columns,
            rows,
            asdict(result),
            empty="No commit falls in that period.",
        )
    points = [p for p in result.councils if council in (None, p.council_id)]
    if council is not None and result.councils and not points:
        raise InsightUsageError(f"no service of council '{council}' is in the registry in {period}")
    whose = "each council" if council is None else (points[0].council if points else council)
    return Output(
        f"Compliance by standard for {whose} at each month end, {period}",
        COUNCIL_TREND.summary,
        COUNCIL_TREND.table_columns,
        [{**asdict(p), "commit": p.commit[:10]} for p in points],
        {"since": result.since, "until": result.until, "councils": [asdict(p) for p in points]},
        empty="No commit falls in that period.",
    )


def adoption(
    root: Path,
    since: dt.date,
    until: dt.date | None,
    pattern: str | None,
    by: str = "month",
    authority: str | None = None,
) -> Output:
    from registry.insights.pattern_reuse import ADOPTERS, ADOPTION
    from registry.insights.trend import TrendError

    try:
        result = ADOPTION.compute(root, since, until, pattern=pattern, authority=authority)
    except TrendError as exc:
        raise InsightUsageError(str(exc)) from None
    if pattern is not None and not result.points:
        raise InsightUsageError(
            f"no service names pattern '{pattern}' at any month end from {result.since} to {result.until}"
        )
    figure, items = (ADOPTION, result.points) if by == "month" else (ADOPTERS, result.adopters)
    return Output(
        f"{figure.title}, {result.since} to {result.until}",
        figure.summary,
        figure.table_columns,
        [{**asdict(i), "commit": i.commit[:10]} for i in items],
        asdict(result),
        empty="No service names a pattern at any month end in that period.",
    )


def pattern_reuse(conn: sqlite3.Connection, pattern: str | None) -> Output:
    from registry.insights.pattern_reuse import CANDIDATES, PATTERN_REUSE, known_pattern

    if pattern is None:
        return figure_listing(
            PATTERN_REUSE, PATTERN_REUSE.title, PATTERN_REUSE.compute(conn), "No service names a pattern."
        )
    if not known_pattern(conn, pattern):
        raise InsightUsageError(
            f"no pattern '{pattern}' in the library or any manifest; list them with `standards insights pattern-reuse`"
        )
    rows = CANDIDATES.compute(conn, pattern)
    return figure_listing(
        CANDIDATES,
        f"{CANDIDATES.title} {pattern}",
        rows,
        empty=f"Every council delivering a service type that uses {pattern} already uses it for that type.",
    )


def headlines(conn: sqlite3.Connection) -> Output:
    from registry.insights.headlines import HEADLINES

    return figure_listing(HEADLINES, HEADLINES.title, HEADLINES.compute(conn), "No services are indexed.")


def _checked(compute: Callable[[], T]) -> T:
    try:
        return compute()
    except ValueError as exc:
        raise InsightUsageError(str(exc)) from None
