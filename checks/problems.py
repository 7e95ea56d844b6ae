"""A problem found while loading or validating a file, with where it is and how to fix it.

Its code is one of checks/codes.py's table, which says what each means and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    help: str
    line: int = 1
    column: int = 1
