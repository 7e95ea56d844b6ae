"""A problem found while loading or validating a file, with where it is and how to fix it.

Its code is one of the table in checks/codes/, which says what each means and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    help: str
    line: int = 1
    column: int = 1


# A file with thousands of mistakes is nearly always one mistake repeated (pasted data, a wrong
# indent); listing the first few says what to fix, and listing all of them buried the rest of the run.
MAX_PROBLEMS_PER_FILE = 50


def capped(problems: Sequence[Problem], total: int | None = None, limit: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
    """The first `limit` problems (in the order given), then one saying how many more there are.

    `total` is the full count when the caller described only the first problems (describing
    costs more than finding); it defaults to `len(problems)`.
    """
    total = len(problems) if total is None else total
    if total <= limit:
        return list(problems)
    rest = total - limit
    first_left_out = problems[limit] if len(problems) > limit else problems[-1]
    return [
        *problems[:limit],
        Problem(
            "E114",
            f"{rest:,} more {'problem' if rest == 1 else 'problems'} in this file not listed ({total:,} in all)",
            "fix the ones above and check again; so many usually share one cause (pasted data, a wrong indent)",
            first_left_out.line,
            first_left_out.column,
        ),
    ]
