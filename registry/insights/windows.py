"""Buying windows: contracts for one product or service type ending within a horizon across several councils."""

from __future__ import annotations

import calendar
import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from registry.insights.declaration import Column, Figure
from registry.insights.shared import add_months, index_as_of, type_label, type_labels

DEFAULT_HORIZON_MONTHS = 18
# One council's renewal alone is not a joint purchase: a window needs two councils unless asked.
DEFAULT_MIN_COUNCILS = 2
WINDOW_GROUPS = ("product", "service-type")


@dataclass(frozen=True)
class WindowContract:
    """One council's contract in a window: a bar on the timeline."""

    council_id: str
    service: str  # the service's key, `<council>/<service>`
    product: str  # "Supplier: Product" as written
    contract_end: str  # ISO date
    notice_months: int | None  # the manifest's notice_period_months
    notice_date: str | None  # contract_end less the notice period: the last day to give notice


@dataclass(frozen=True)
class Window:
    """Contracts for one product (or service type) ending within the horizon."""

    by: str  # "product" or "service-type"
    key: str  # the product key (registry/index/products.py), or the LGSL code as text
    label: str  # "Supplier: Product" (or the supplier alone), or the service type's label
    councils: int
    council_ids: tuple[str, ...]
    contracts: int  # supplier entries (one per service and supplier named) ending in the window
    earliest_end: str  # ISO date
    latest_end: str
    next_notice: str | None  # the earliest notice date on or after the window start, where any gives one
    ends: tuple[WindowContract, ...]  # each contract, earliest end first
    text: str

    def flat(self) -> dict[str, Any]:
        """One row for CSV and the command line: each contract as `council end (notice by date)`."""
        row: dict[str, Any] = {c.key: getattr(self, c.key) for c in WINDOWS.columns if c.key != "ends"}
        row["ends"] = [
            f"{e.council_id} {e.contract_end}" + (f" (notice by {e.notice_date})" if e.notice_date else "")
            for e in self.ends
        ]
        return row


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
    min_councils: int = DEFAULT_MIN_COUNCILS,
) -> WindowResult:
    """Contracts ending within the horizon across several councils, so they can see who could buy together.

    A contract is a supplier entry with a `contract_end`. It is in the window when
    as_of <= contract_end <= horizon end, where as_of is the index's as-of date (or the one
    given) and the horizon end is the same day `horizon_months` later (the month's last day
    when that month is shorter): a contract ending exactly on the horizon end is in, one that
    ended before as_of is out, one ending on as_of itself is in. Grouped by supplier product
    (the product key of registry/index/products.py: supplier and product compared ignoring case,
    punctuation and a trailing "Ltd", "Limited", "plc" or "LLP") or by service type (LGSL code;
    services without one are left out of that grouping). Groups with fewer than `min_councils`
    councils (by default 2: one council's renewal is not a joint purchase) are left out. Each
    contract's notice date, where its manifest gives `notice_period_months`, is contract_end
    less that many months (the month's last day when shorter); `next_notice` is the earliest
    of those on or after as_of (a notice date already passed is shown on its contract). Ordered
    by councils (most first), earliest end, then key.
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
        key, join, where = "x.product_key", "", ""
    else:
        key = "CAST(f.lgsl AS TEXT)"
        join = "JOIN service_facts f ON f.service_key = x.service_key"
        where = "AND f.lgsl IS NOT NULL"
    rows = conn.execute(
        f"""SELECT {key} AS k, x.service_key, x.product_label, x.contract_end, x.notice_months, x.notice_date
            FROM suppliers x {join}
            WHERE x.contract_end >= ? AND x.contract_end <= ? {where}""",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    groups: dict[str, list[WindowContract]] = defaultdict(list)
    for r in rows:
        council = r["service_key"].split("/", 1)[0]
        groups[r["k"]].append(
            WindowContract(
                council, r["service_key"], r["product_label"], r["contract_end"], r["notice_months"], r["notice_date"]
            )
        )
    labels = type_labels(conn) if by == "service-type" else {}
    windows = [
        _window(by, k, ends, labels, start)
        for k, ends in groups.items()
        if len({e.council_id for e in ends}) >= min_councils
    ]
    windows.sort(key=lambda w: (-w.councils, w.earliest_end, w.key))
    return WindowResult(start.isoformat(), horizon_months, end.isoformat(), tuple(windows))


def _window(
    by: str, key: str, ends: list[WindowContract], labels: dict[int, tuple[str, str]], start: dt.date
) -> Window:
    ends.sort(key=lambda e: (e.contract_end, e.council_id, e.service, e.product))
    councils = tuple(sorted({e.council_id for e in ends}))
    label = min(e.product for e in ends) if by == "product" else type_label(labels, int(key))[0]
    notices = [e.notice_date for e in ends if e.notice_date and e.notice_date >= start.isoformat()]
    first, last = ends[0].contract_end, ends[-1].contract_end
    text = _window_text(by, label, len(councils), len(ends), first, last)
    if notices:
        text += f"; the next notice is due by {_day(min(notices))}"
    return Window(
        by=by,
        key=key,
        label=label,
        councils=len(councils),
        council_ids=councils,
        contracts=len(ends),
        earliest_end=first,
        latest_end=last,
        next_notice=min(notices) if notices else None,
        ends=tuple(ends),
        text=text,
    )


def _day(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


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


WINDOW_CONTRACTS = Figure(
    name="windows",
    title="Contracts in a window",
    summary="",
    definition=(),
    compute=procurement_windows,
    row=WindowContract,
    model="WindowContract",
    columns=(
        Column("council_id", str),
        Column("service", str, description="The service's key, `<council>/<service>`."),
        Column("product", str, description="`Supplier: Product` as the manifest writes it."),
        Column("contract_end", str),
        Column("notice_months", int | None, description="The manifest's `notice_period_months`, if given."),
        Column(
            "notice_date",
            str | None,
            description="contract_end less the notice period: the last day to give notice; null without one.",
        ),
    ),
    table=(),
)

WINDOWS = Figure(
    name="windows",
    title="Buying windows",
    summary=(
        "Contracts for the same product or the same service type ending between the start date and the horizon "
        "(both days included) at two or more councils, so they can see who could buy together."
    ),
    definition=(
        "- A **contract** is a supplier named in a service's manifest with a `contract_end`. It is in the window "
        "when it ends on or after the as-of date and on or before the horizon's end (the same day "
        f"{DEFAULT_HORIZON_MONTHS} months later, or that month's last day); *contracts* counts supplier entries, "
        "one per service and supplier.",
        "- Contracts are grouped by **product** (supplier and product compared ignoring case, punctuation and a "
        'trailing "Ltd", "Limited", "plc" or "LLP", so one product is one row however it is spelt) or by '
        "**service type** (LGSL).",
        f"- A window needs contracts at **{DEFAULT_MIN_COUNCILS} or more councils**: one council's renewal is not "
        "a joint purchase (`--min-councils 1` lists them too).",
        "- The **notice date** is the contract's end less its `notice_period_months`, where the manifest gives "
        "one: the last day to give notice, or to agree a joint purchase before the contract rolls on. **Next notice** "
        "is the earliest that has not passed at the window's start.",
    ),
    compute=procurement_windows,
    row=Window,
    model="Window",
    columns=(
        Column("by", str),
        Column("key", str, description="The product key (`supplier|product`, normalised), or the LGSL code."),
        Column("label", str, "product or service type"),
        Column("councils", int, "councils", "int", "Councils"),
        Column("council_ids", list[str], "which councils", heading="Which councils"),
        Column("contracts", int, "contracts", "int", "Contracts"),
        Column("earliest_end", str, "earliest end", heading="First ends"),
        Column("latest_end", str, "latest end", heading="Last ends"),
        Column(
            "next_notice",
            str | None,
            "next notice by",
            heading="Next notice by",
            description="The earliest notice date on or after the window's start; null when none is still to come.",
        ),
        Column("ends", list[WindowContract], description="Each contract in the window, earliest end first."),
        Column("text", str, heading="In words"),
    ),
    table=("label", "councils", "contracts", "earliest_end", "latest_end", "next_notice", "council_ids"),
    extra=(
        Column("window_start", str, description="The window's first day (the index's as-of date unless given)."),
        Column("window_end", str, description="The window's last day, included."),
    ),
    flat=(
        Column("by", str),
        Column("key", str),
        Column("label", str, "product or service type"),
        Column("councils", int, "councils", "int"),
        Column("council_ids", list[str], "which councils"),
        Column("contracts", int, "contracts", "int"),
        Column("earliest_end", str, "earliest end"),
        Column("latest_end", str, "latest end"),
        Column("next_notice", str | None, "next notice by"),
        Column("ends", list[str], "contracts (council, end, notice)"),
        Column("text", str),
        Column("window_start", str),
        Column("window_end", str),
    ),
)
