"""The one place exit codes are decided (DESIGN §5)."""

from __future__ import annotations

from enum import IntEnum

from checks.results import RunSummary


class ExitCode(IntEnum):
    OK = 0  # nothing at the failing level
    FAILED = 1  # a manifest failed or is invalid
    USAGE = 2  # the command was used wrongly or could not run


def for_check(summary: RunSummary, fail_on: str, missing_paths: int) -> ExitCode:
    if missing_paths:
        return ExitCode.USAGE
    failing = summary.failed_levels["must"] + (summary.failed_levels["should"] if fail_on == "should" else 0)
    if summary.invalid or failing or summary.outcomes["error"]:
        return ExitCode.FAILED
    return ExitCode.OK
