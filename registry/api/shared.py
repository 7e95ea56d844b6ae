"""The parts of a route's signature or response that more than one route uses.

Routes never import one another (an import-linter contract): what two of them share lives here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Query
from pydantic import BaseModel

from registry.api.errors import ApiError

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
REQUIREMENT_ID = r"^[A-Z][A-Z0-9]*-[A-Z0-9]+(?:\.[A-Za-z0-9]+)*$"
MAX_OFFSET = 1_000_000_000
DATE = r"^\d{4}-\d{2}-\d{2}$"


def date_query(description: str) -> Any:
    """A date query parameter: a string in the date format rather than `dt.date`, since pydantic
    would also take numbers (as Unix times), which the document does not allow."""
    return Query(pattern=DATE, description=description, json_schema_extra={"format": "date"})


def parse_date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_parameter", f"{name}: '{value}' is not a date (YYYY-MM-DD)") from None


# A link to an official source, as standards, requirements and patterns cite them.
class Reference(BaseModel):
    title: str
    url: str


def requirement_filter(standard: str | None, level: str | None) -> tuple[str, list[str]]:
    """The WHERE clause (over `requirements r`) and parameters for the standard and level filters."""
    clauses: list[str] = []
    params: list[str] = []
    if standard is not None:
        clauses.append("r.standard_id = ?")
        params.append(standard)
    if level is not None:
        clauses.append("r.level = ?")
        params.append(level)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params
