"""Option values more than one verb parses the same way."""

from __future__ import annotations

import datetime as dt

import typer


def parse_date(value: str | None) -> dt.date:
    """`--as-of` and its kin: YYYY-MM-DD, today when not given."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2026-03-31") from None
