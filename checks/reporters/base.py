"""What every reporter is given and must do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from checks.engine import Catalogue
from checks.results import FileResult, RunSummary

TOOL_NAME = "standards"
TOOL_URI = "https://github.com/local-digital-standards/registry"


@dataclass(frozen=True)
class ReportContext:
    catalogue: Catalogue
    as_of: dt.date
    fail_on: str
    tool_version: str
    color: bool = False
    # The repository root, which repository-relative paths resolve against (SARIF names it).
    root: Path | None = None


class Reporter(Protocol):
    """Reporters stream: `file` is called once per file checked, in order, then `finish` once."""

    def file(self, result: FileResult) -> None: ...

    def finish(self, summary: RunSummary) -> None: ...


class ReporterFactory(Protocol):
    def __call__(self, stream: TextIO, context: ReportContext) -> Reporter: ...


# Reporters whose output for one file depends on that file (and the run's context) alone can render it
# in the worker that checked it: the parent then only writes strings. Keyed by format name.
PRERENDER: dict[str, Callable[[FileResult, ReportContext], str]] = {}
