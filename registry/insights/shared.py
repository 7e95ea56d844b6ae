"""What several figures read the same way: service-type labels, rates, rounding for JSON."""

from __future__ import annotations

import sqlite3
from typing import Any


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
