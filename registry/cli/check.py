"""`standards check`: check manifests and report in the chosen format."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from checks import profile as profiling
from checks import run_memo
from checks.atomic import atomic_writer
from checks.cache import CACHE_FOLDER, open_cache
from checks.history import HistoryError
from checks.reporters import PRERENDER, REPORTER_BY_NAME, ReportContext, Reporter
from checks.reporters.text import TextReporter
from checks.repository import Repository, Target
from checks.restricted import Mode
from checks.results import FileResult, RunSummary
from checks.runner import Plan, check_target, plan, run_plan
from checks.settings import ReleaseOptionError
from registry import __version__
from registry.cli.errors import ExitCode, UsageError, for_check
from registry.cli.options import parse_date


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"
    GITHUB = "github"
    MARKDOWN = "markdown"


class FailOn(StrEnum):
    MUST = "must"
    SHOULD = "should"


def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Manifests or folders to check (default: all).")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here (atomically).")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date rules are judged at, YYYY-MM-DD (default: today).")
    ] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest level that fails the run.")] = FailOn.MUST,
    changed_since: Annotated[
        str | None,
        typer.Option("--changed-since", help="Check only what changed since this Git ref, and what depends on it."),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use (default: all cores).")
    ] = None,
    standards_release: Annotated[
        str | None,
        typer.Option(
            "--standards-release",
            help="Check against this release of the standards the tool carries (default: standards.toml's, "
            "else the tool's own); only where the repository has no standards/ of its own.",
        ),
    ] = None,
    profile: Annotated[
        bool,
        typer.Option(
            "--profile",
            help="After the report, print to stderr where the cpu time went: start-up, reading, parsing, "
            "validation, references, the CEL context, rules, positions and rendering, summed over every process.",
        ),
    ] = False,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Report what the public may see: never read a restricted file (one given is an error); restricted "
            "requirements are judged from attestations. Use it for reports that are published.",
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Judge every file afresh: neither read nor write the result cache (build/cache/ in the repository).",
        ),
    ] = False,
) -> None:
    """Check manifests against the standards that apply to them."""
    if profile:
        profiling.start()
    if changed_since is not None and paths:
        raise typer.BadParameter("give either paths or --changed-since, not both", param_hint="--changed-since")
    options = CheckOptions(
        paths=list(paths or []),
        format=format.value,
        output=output,
        as_of=parse_date(as_of),
        fail_on=fail_on.value,
        jobs=jobs,
        root=Path.cwd(),
        changed_since=changed_since,
        standards_release=standards_release,
        mode=Mode.PUBLIC if public else Mode.PRIVATE,
        cache=not no_cache,
    )
    try:
        code = run_check(options)
    finally:
        finished = profiling.stop()
    if finished is not None:
        print(profiling.table(finished), file=sys.stderr)
    raise typer.Exit(int(code))


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
    standards_release: str | None = None
    mode: Mode = Mode.PRIVATE
    cache: bool = True


@contextlib.contextmanager
def _destination(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
    else:
        with atomic_writer(output) as stream:
            yield stream


def _show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def use_cache(work: Plan, view: str, code: tuple[Path, ...] = ()) -> None:
    """Give the run the repository's result cache, keyed by everything its results depend on."""
    opened = open_cache(work.repo, (__version__, work.mode.value, view, str(work.keep_documents)), code, warn)
    if opened is not None:
        work.cache, work.scope = opened


def run_check(options: CheckOptions) -> ExitCode:
    recorder = _recorder(options)
    if recorder is None:
        return _run_check(options, None)
    try:
        code = _run_check(options, recorder)
    except BaseException:
        recorder.drop()
        raise
    recorder.keep(int(code), _memo_key(options)[0])
    return code


def _memo_key(options: CheckOptions) -> tuple[str, int]:
    color = run_memo.wants_color(options.output is not None, options.format, sys.stdout)
    public = options.mode is Mode.PUBLIC
    parts = run_memo.report_parts(
        __version__, options.format, options.fail_on, public, options.as_of.isoformat(), color
    )
    return run_memo.fingerprint(run_memo.find_root(options.root), parts, run_memo.code_folders())


def _recorder(options: CheckOptions) -> run_memo.Recorder | None:
    """A recorder for a run registry.entry can answer next time: the whole register, to stdout, with the
    result cache (whose folder must exist already: a folder that has no cache is left as it was)."""
    plain = not (options.paths or options.changed_since or options.standards_release or options.output)
    root = run_memo.find_root(options.root)
    if not plain or not options.cache or profiling.active() is not None or not (Path(root) / CACHE_FOLDER).is_dir():
        return None
    key, newest = _memo_key(options)
    return run_memo.Recorder(root, key, newest, sys.stdout.encoding, sys.stdout.errors)


def _run_check(options: CheckOptions, recorder: run_memo.Recorder | None) -> ExitCode:
    try:
        work = plan(Repository.find(options.root, options.standards_release), options.paths, options.changed_since)
    except HistoryError as exc:
        raise UsageError(f"--changed-since: {exc}") from None
    except ReleaseOptionError as exc:
        raise UsageError(str(exc), exc.help) from None
    work.mode = options.mode
    # Only paths typed on the command line can be missing, and those come as a short list.
    missing = (
        [t for t in work.items if isinstance(t, Target) and t.problem and t.problem.code == "E100"]
        if isinstance(work.items, list)
        else []
    )
    color = run_memo.wants_color(options.output is not None, options.format, sys.stdout)
    context = ReportContext(
        work.catalogue, options.as_of, options.fail_on, __version__, color=color, root=work.repo.root
    )
    if missing and options.output is not None:
        # A usage error, found before the report is opened: the file keeps what it holds (last night's report).
        errors = TextReporter(sys.stderr, context)
        for target in missing:
            errors.file(check_target(target, work.catalogue, options.as_of, mode=options.mode))
        raise UsageError(f"{options.output} was not written, as a path to check does not exist")
    with _destination(options.output) as stream:
        if recorder is not None:
            stream = cast(TextIO, run_memo.Tee(stream, recorder))
        summary = _report(work, options, context, stream)
        if work.cache is None and recorder is not None:
            recorder.racy = True  # no cache was used (none could be opened): nothing is remembered either
    return for_check(summary, options.fail_on, len(missing) + len(work.blocking))


def _report(work: Plan, options: CheckOptions, context: ReportContext, stream: TextIO) -> RunSummary:
    """Check the plan's files, writing each one's findings as it comes, then the summary."""
    summary = RunSummary()
    show_progress = _show_progress()
    reporter = REPORTER_BY_NAME[options.format](stream, context)
    if profiling.active() is not None:
        reporter = _TimedReporter(reporter)
    for result in [*work.blocking, *work.broken]:
        summary.add(result)
        reporter.file(result)
    progress = Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not show_progress,
    )
    with progress:
        task = progress.add_task("check", total=work.count() if show_progress else None)
        render = PRERENDER.get(options.format)
        if render is not None:
            work.prerender = functools.partial(_prerender, render, context)
        if options.cache and not work.blocking:
            # What a rendering depends on beyond the catalogue (in the scope already): colour.
            view = f"{options.format}{'+color' if context.color else ''}" if render else "results"
            use_cache(work, view=view)
        try:
            # Closed here, not when garbage collected, so an interrupt stops the worker processes at once.
            with contextlib.closing(run_plan(work, options.as_of, options.jobs)) as results:
                for result in results:
                    summary.add(result)
                    reporter.file(result)
                    progress.advance(task)
        finally:
            if work.cache is not None:
                work.cache.close()
    reporter.finish(summary)
    return summary


def _prerender(render: Callable[[FileResult, ReportContext], str], context: ReportContext, result: FileResult) -> str:
    return render(result, context)


class _TimedReporter:
    """A reporter whose writing counts as rendering in `--profile` (a worker's rendering is timed there)."""

    def __init__(self, inner: Reporter) -> None:
        self.inner = inner

    def file(self, result: FileResult) -> None:
        with profiling.phase("render"):
            self.inner.file(result)

    def finish(self, summary: RunSummary) -> None:
        with profiling.phase("render"):
            self.inner.finish(summary)
