"""A problem found while loading or validating a file, with where it is and how to fix it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Codes are stable: CI annotations, SARIF rules and the docs refer to them.
PROBLEM_CODES: dict[str, str] = {
    "E100": "path does not exist",
    "E101": "file could not be read",
    "E102": "file is too large",
    "E103": "file is not UTF-8",
    "E104": "file is empty",
    "E105": "YAML syntax error",
    "E106": "duplicate key",
    "E107": "anchor or alias",
    "E108": "tag not allowed",
    "E109": "document is not a mapping",
    "E110": "more than one document",
    "E111": "symlink points outside the repository",
    "E112": "nested too deeply",
    "E113": "control character in the text",
    "E114": "more problems than are listed",
    "E200": "unknown or missing kind",
    "E201": "unknown field",
    "E202": "missing required field",
    "E203": "value not allowed",
    "E204": "wrong type",
    "E205": "invalid value",
    "E300": "unknown standard",
    "E301": "unknown pattern",
    "E302": "unknown council",
    "E303": "unknown requirement",
    "E304": "id does not match the file name",
    "E305": "version not available",
    "E306": "duplicate id",
    "E307": "invalid rule expression",
    "E308": "rule names a field the manifest schema lacks",
    "E309": "rule does not give true or false",
    "E310": "rule fails on one of its standard's examples",
    "E311": "council not in the register",
    "E312": "does not match the council register",
    "E313": "former council",
    "E314": "unknown LGSL code",
    "E400": "content changed without a version bump",
    "E401": "breaking change without a major version bump",
    "E402": "version went backwards",
    "E403": "requirement id reused",
    "E404": "prefix used twice",
    "W001": "older version pinned",
    "W002": "standard deprecated or retired",
    "W003": "standard past its sunset date",
}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    help: str
    line: int = 1
    column: int = 1

    @property
    def title(self) -> str:
        return PROBLEM_CODES.get(self.code, "problem")


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
