"""Exit codes (DESIGN §5) and the one error every command raises when it cannot run.

A command that was used wrongly or cannot run raises `UsageError` (message, then how to fix
it); the app's one handler (registry/cli/app.py) prints it and exits 2. Nothing else prints
`error:` lines for exit 2.
"""

from __future__ import annotations

import errno
from enum import IntEnum

import typer

from checks.results import RunSummary
from checks.settings import SettingsError


class ExitCode(IntEnum):
    OK = 0  # nothing at the failing level
    FAILED = 1  # a manifest failed or is invalid
    USAGE = 2  # the command was used wrongly or could not run


class UsageError(Exception):
    """The command was used wrongly or cannot run: exit 2, with what went wrong and how to fix it."""

    def __init__(self, message: str, hint: str = "", findings: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.findings = findings  # `path:line:col: CODE [error] ...` lines, printed first as `check` prints them

    @classmethod
    def from_os_error(cls, exc: OSError) -> UsageError:
        """A file or folder the command was pointed at that cannot be read or written."""
        where = f" {exc.filename}" if exc.filename else ""
        if exc.errno in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST):
            hint = "give a path that does not exist yet, or one of the same kind"
        else:
            hint = "check that the folder exists and that you may write to it"
        return cls(f"could not use{where}: {exc.strerror or exc}", hint)

    @classmethod
    def from_settings(cls, exc: SettingsError) -> UsageError:
        """standards.toml cannot be used: its problem, placed in it (`check` reports it as a finding instead)."""
        (problem, *_) = exc.result.problems
        where = f"{exc.result.path}:{problem.line}:{problem.column}"
        return cls(f"{where}: {problem.code} {problem.message}", problem.help)

    def show(self) -> None:
        for line in self.findings:
            typer.echo(line)
        typer.echo(f"error: {self.message}", err=True)
        for line in self.hint.splitlines():
            typer.echo(f"  {line}", err=True)


def for_check(summary: RunSummary, fail_on: str, missing_paths: int) -> ExitCode:
    if missing_paths:
        return ExitCode.USAGE
    failing = summary.failed_levels["must"] + (summary.failed_levels["should"] if fail_on == "should" else 0)
    if summary.invalid or failing or summary.outcomes["error"]:
        return ExitCode.FAILED
    return ExitCode.OK
