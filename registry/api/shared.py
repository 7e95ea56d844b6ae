"""The parts of a route's signature or response that more than one route uses.

Routes never import one another (an import-linter contract): what two of them share lives here.
"""

from __future__ import annotations

from pydantic import BaseModel

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
REQUIREMENT_ID = r"^[A-Z][A-Z0-9]*-[A-Z0-9]+(?:\.[A-Za-z0-9]+)*$"
MAX_OFFSET = 1_000_000_000


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
