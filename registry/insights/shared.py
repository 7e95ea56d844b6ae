"""What several figures read alike: the index's date, months, type labels, product keys, rates, rounding."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

# One place computes month arithmetic and product keys (the index stores what they return);
# the figures name them from here.
from registry.index.products import add_months, product_key

__all__ = ["add_months", "index_as_of", "product_key", "rate", "rounded", "type_label", "type_labels"]


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def type_labels(conn: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    """Each LGSL code's (label, top-level ESD function)."""
    return {r["id"]: (r["label"], r["function"]) for r in conn.execute("SELECT id, label, function FROM lgsl")}


def type_label(labels: dict[int, tuple[str, str]], lgsl: int) -> tuple[str, str]:
    return labels.get(lgsl, (f"LGSL {lgsl}", ""))


def rounded(value: Any, places: int = 4) -> Any:
    """`value` (dicts and lists too) with every float rounded, for JSON meant to be read."""
    if isinstance(value, float):
        return round(value, places)
    if isinstance(value, dict):
        return {k: rounded(v, places) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, places) for v in value]
    return value


def index_as_of(conn: sqlite3.Connection) -> dt.date:
    """The date the index judged its services at (meta `as_of`)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
    if row is None:
        raise ValueError("the index has no as-of date; rebuild it with `standards index build`")
    return dt.date.fromisoformat(row[0])
