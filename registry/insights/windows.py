"""Procurement windows: contracts ending within a horizon, grouped so councils can see who could buy together."""

from __future__ import annotations

import calendar
import datetime as dt
import sqlite3
from dataclasses import dataclass

from registry.insights.declaration import Column, Figure
from registry.insights.shared import add_months, index_as_of

DEFAULT_HORIZON_MONTHS = 18
WINDOW_GROUPS = ("product", "service-type")


@dataclass(frozen=True)
class Window:
    """Contracts for one product (or service type) ending within the horizon."""

    by: str  # "product" or "service-type"
    key: str  # "<supplier>|<product>" lower-cased, or the LGSL code as text
    label: str  # "Supplier: Product" (or the supplier alone), or the service type's label
    councils: int
    council_ids: tuple[str, ...]
    contracts: int  # supplier entries (one per service and supplier named) ending in the window
    earliest_end: str  # ISO date
    latest_end: str
    text: str


@dataclass(frozen=True)
class WindowResult:
    as_of: str
    horizon_months: int
    horizon_end: str
    windows: tuple[Window, ...]


def procurement_windows(
    conn: sqlite3.Connection,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    by: str = "product",
    as_of: dt.date | None = None,
    min_councils: int = 1,
) -> WindowResult:
    """Contracts ending within the horizon, grouped so councils can see who could buy together.

    A contract is a supplier entry with a `contract_end`. It is in the window when
    as_of <= contract_end <= horizon end, where as_of is the index's as-of date (or the one
    given) and the horizon end is the same day `horizon_months` later (the month's last day
    when that month is shorter): a contract ending exactly on the horizon end is in, one that
    ended before as_of is out, one ending on as_of itself is in. Grouped by supplier product
    (supplier and product matched ignoring case and surrounding spaces) or by service type
    (LGSL code; services without one are left out of that grouping). Groups with fewer than
    `min_councils` councils are left out; ordered by councils (most first), earliest end,
    then key.
    """
    if by not in WINDOW_GROUPS:
        raise ValueError(f"unknown grouping '{by}'; use one of: {', '.join(WINDOW_GROUPS)}")
    if not 1 <= horizon_months <= 240:
        raise ValueError("the horizon must be between 1 and 240 months")
    if min_councils < 1:
        raise ValueError("min_councils must be at least 1")
    start = as_of or index_as_of(conn)
    end = add_months(start, horizon_months)
    if by == "product":
        key = "lower(trim(x.name)) || '|' || lower(trim(coalesce(x.product, '')))"
        label = "min(trim(x.name) || coalesce(': ' || nullif(trim(x.product), ''), ''))"
        join, where = "", ""
    else:
        key, label = "CAST(f.lgsl AS TEXT)", "min(coalesce(l.label, 'LGSL ' || f.lgsl))"
        join = "JOIN service_facts f ON f.service_key = x.service_key LEFT JOIN lgsl l ON l.id = f.lgsl"
        where = "AND f.lgsl IS NOT NULL"
    rows = conn.execute(
        f"""SELECT {key} AS k, {label} AS label, count(*) AS contracts,
                   group_concat(DISTINCT substr(x.service_key, 1, instr(x.service_key, '/') - 1)) AS councils,
                   min(x.contract_end) AS earliest, max(x.contract_end) AS latest
            FROM suppliers x {join}
            WHERE x.contract_end >= ? AND x.contract_end <= ? {where}
            GROUP BY k""",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    windows = []
    for r in rows:
        councils = tuple(sorted(r["councils"].split(",")))
        if len(councils) < min_councils:
            continue
        windows.append(
            Window(
                by=by,
                key=r["k"],
                label=r["label"],
                councils=len(councils),
                council_ids=councils,
                contracts=r["contracts"],
                earliest_end=r["earliest"],
                latest_end=r["latest"],
                text=_window_text(by, r["label"], len(councils), r["contracts"], r["earliest"], r["latest"]),
            )
        )
    windows.sort(key=lambda w: (-w.councils, w.earliest_end, w.key))
    return WindowResult(start.isoformat(), horizon_months, end.isoformat(), tuple(windows))


def _month(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{calendar.month_name[day.month]} {day.year}"


def _window_text(by: str, label: str, councils: int, contracts: int, earliest: str, latest: str) -> str:
    who = f"{councils} council's" if councils == 1 else f"{councils} councils'"
    what = "contract" if contracts == 1 else "contracts"
    subject = f"for {label}" if by == "product" else f"for {label} services"
    first, last = _month(earliest), _month(latest)
    if first == last:
        when = f"in {first}"
    elif earliest[:4] == latest[:4]:  # "between March and September 2027" reads as people write it
        when = f"between {first.split()[0]} and {last}"
    else:
        when = f"between {first} and {last}"
    verb = "ends" if contracts == 1 else "end"
    return f"{who} {what} {subject} {verb} {when}"


WINDOWS = Figure(
    name="windows",
    title="Procurement windows",
    summary=(
        "Supplier contracts ending between the start date and the horizon (both days included), "
        "grouped so councils can see who could buy together."
    ),
    definition=(
        "A contract is a supplier named in a service's manifest with a `contract_end`. It is in the window "
        "when it ends on or after the as-of date and on or before the horizon's end (the same day "
        f"{DEFAULT_HORIZON_MONTHS} months later). Contracts are grouped by supplier product (supplier and product "
        "matched ignoring case and surrounding spaces) and by service type; *contracts* counts supplier "
        "entries, one per service and supplier.",
    ),
    compute=procurement_windows,
    row=Window,
    model="Window",
    columns=(
        Column("by", str),
        Column("key", str),
        Column("label", str, "product or service type"),
        Column("councils", int, "councils", "int", "Councils"),
        Column("council_ids", list[str], "which councils", heading="Which councils"),
        Column("contracts", int, "contracts", "int", "Contracts"),
        Column("earliest_end", str, "earliest end", heading="First ends"),
        Column("latest_end", str, "latest end", heading="Last ends"),
        Column("text", str, heading="In words"),
    ),
    table=("label", "councils", "contracts", "earliest_end", "latest_end", "council_ids"),
    extra=(
        Column("window_start", str, description="The window's first day (the index's as-of date unless given)."),
        Column("window_end", str, description="The window's last day, included."),
    ),
)
