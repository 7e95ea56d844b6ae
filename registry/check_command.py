"""`standards check`: check manifests and report in the chosen format."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from checks.atomic import atomic_writer
from checks.history import HistoryError
from checks.reporters import REPORTER_BY_NAME, ReportContext
from checks.repository import Repository
from checks.results import RunSummary
from checks.runner import check_targets, plan
from registry import __version__
from registry.exit_codes import ExitCode, for_check


@dataclass(frozen=True)
class CheckOptions:
    paths: list[Path]
    format: str
    output: Path | None
    as_of: dt.date
    fail_on: str
    jobs: int | None
    root: Path
    changed_since: str | None = None


@contextlib.contextmanager
def _destination(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
    else:
        with atomic_writer(output) as stream:
            yield stream


def _show_progress(count: int) -> bool:
    return count >= 200 and sys.stderr.isatty() and not os.environ.get("CI")


def run_check(options: CheckOptions) -> ExitCode:
    try:
        catalogue, broken, targets = plan(Repository.find(options.root), options.paths, options.changed_since)
    except HistoryError as exc:
        print(f"error: --changed-since: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    missing = sum(1 for t in targets if t.problem is not None and t.problem.code == "E100")
    color = (
        options.output is None and options.format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    context = ReportContext(catalogue, options.as_of, options.fail_on, __version__, color=color)
    summary = RunSummary()
    with _destination(options.output) as stream:
        reporter = REPORTER_BY_NAME[options.format](stream, context)
        for result in broken:
            summary.add(result)
            reporter.file(result)
        progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=not _show_progress(len(targets)),
        )
        with progress:
            task = progress.add_task("check", total=len(targets))
            for result in check_targets(targets, catalogue, options.as_of, options.jobs):
                summary.add(result)
                reporter.file(result)
                progress.advance(task)
        reporter.finish(summary)
    return for_check(summary, options.fail_on, missing)
