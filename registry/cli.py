"""The `standards` command line: parses arguments, then hands the work to a function."""

from __future__ import annotations

import datetime as dt
import errno
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from registry.exit_codes import ExitCode

app = typer.Typer(
    name="standards",
    help="Check council service manifests against the sector's digital standards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2026-03-31") from None


@app.command()
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
) -> None:
    """Check manifests against the standards that apply to them."""
    from registry.check_command import CheckOptions, run_check

    if changed_since is not None and paths:
        raise typer.BadParameter("give either paths or --changed-since, not both", param_hint="--changed-since")
    options = CheckOptions(
        paths=list(paths or []),
        format=format.value,
        output=output,
        as_of=_parse_date(as_of),
        fail_on=fail_on.value,
        jobs=jobs,
        root=Path.cwd(),
        changed_since=changed_since,
    )
    raise typer.Exit(int(run_check(options)))


@app.command()
def schema(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the schemas to.")] = Path("schemas"),
    check_only: Annotated[bool, typer.Option("--check", help="Only report whether the files are current.")] = False,
) -> None:
    """Write the JSON Schemas for standards, patterns, councils, services and the JSON report."""
    from checks.atomic import write_text_atomic
    from checks.schemas import rendered_schemas

    stale = []
    for name, text in rendered_schemas().items():
        target = out / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(name)
        if not check_only:
            write_text_atomic(target, text)
    if check_only and stale:
        typer.echo(f"out of date: {', '.join(stale)}; run `standards schema` and commit the result", err=True)
        raise typer.Exit(int(ExitCode.FAILED))
    typer.echo(
        f"{'checked' if check_only else 'wrote'} {len(rendered_schemas())} schemas in {out}"
        + (f" ({len(stale)} changed)" if stale and not check_only else "")
    )


class LintFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


@app.command()
def lint(
    base: Annotated[
        str | None, typer.Option("--base", help="Compare with this Git ref: demand version bumps, show impact.")
    ] = None,
    format: Annotated[LintFormat, typer.Option("--format", "-f", help="Output format.")] = LintFormat.TEXT,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date for the blast radius, YYYY-MM-DD.")] = None,
) -> None:
    """Validate standards and patterns; against --base, check versioning and show the blast radius."""
    from registry.lint_command import run_lint

    raise typer.Exit(int(run_lint(Path.cwd(), base, format.value, _parse_date(as_of))))


@app.command()
def versions(
    standard: Annotated[str, typer.Argument(help="Standard id, e.g. accessibility.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every version of a standard with the commit, date and author where it first appeared."""
    from registry.history_commands import versions as run

    raise typer.Exit(int(run(Path.cwd(), standard, json_output)))


@app.command()
def diff(
    standard: Annotated[str, typer.Argument(help="Standard id.")],
    old: Annotated[str, typer.Argument(help="Older version, e.g. 1.0.0.")],
    new: Annotated[str, typer.Argument(help="Newer version, e.g. 2.0.0.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Requirements added, removed and changed between two versions of a standard."""
    from registry.history_commands import diff as run

    raise typer.Exit(int(run(Path.cwd(), standard, old, new, json_output)))


index_app = typer.Typer(help="The SQLite index the registry API serves.", no_args_is_help=True)
app.add_typer(index_app, name="index")

DEFAULT_INDEX = Path("build/index.sqlite")


@index_app.command("build")
def index_build(
    ref: Annotated[str | None, typer.Option("--ref", help="Build from this Git commit, not the working tree.")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the index.")] = DEFAULT_INDEX,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date rules are judged at (default: today).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use.")] = None,
) -> None:
    """Check the whole repository and write the SQLite index (swapped in atomically)."""
    from checks.history import HistoryError
    from registry.index.build import build_index

    try:
        summary = build_index(Path.cwd(), output, _parse_date(as_of), ref=ref, jobs=jobs)
    except HistoryError as exc:
        typer.echo(f"error: --ref: {exc}", err=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    commit = summary.commit[:10] if summary.commit else "no commit (not a Git repository)"
    typer.echo(
        f"indexed {summary.services} services from {summary.councils} councils at {commit} "
        f"({summary.invalid} invalid files) into {summary.path} in {summary.seconds:.1f}s"
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    index: Annotated[Path, typer.Option("--index", help="The index to serve (built if missing or stale).")] = (
        DEFAULT_INDEX
    ),
    site: Annotated[Path | None, typer.Option("--site", help="Built site to serve at / (default: build/site).")] = None,
) -> None:
    """Serve the API at /api/v1 (and the built site at /), building the index first if needed."""
    from registry.api.server import serve as run

    root = Path.cwd()
    site_dir = site if site is not None else (root / "build" / "site")
    run(root, index, host, port, workers, site_dir if site_dir.is_dir() else None)


site_app = typer.Typer(help="The playbook site (MkDocs Material, from site/).", no_args_is_help=True)
app.add_typer(site_app, name="site")


@site_app.command("build")
def site_build(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the site.")] = Path("build/site"),
    index: Annotated[Path, typer.Option("--index", help="The index to build from (built if missing or stale).")] = (
        DEFAULT_INDEX
    ),
) -> None:
    """Build the playbook site from the index, strictly, and swap it in atomically."""
    from registry.site_build import SiteBuildError, build_site

    try:
        summary = build_site(Path.cwd(), output, index)
    except SiteBuildError as exc:
        typer.echo(f"error: the site was not built (the old one, if any, is unchanged):\n{exc}", err=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    typer.echo(
        f"built {summary.pages} pages into {summary.output} in {summary.seconds:.1f}s (index {summary.index_state})"
    )


def _register_subcommands() -> None:
    # Kept in their own modules; registered here so `standards --help` lists every verb.
    from registry.insights_cli import insights_app
    from registry.ownership_cli import codeowners, ownership
    from registry.scaffold_cli import new_app

    app.add_typer(new_app, name="new", help="Scaffold a council folder or a service manifest to fill in.")
    app.command()(codeowners)
    app.add_typer(insights_app, name="insights")
    app.command()(ownership)


_register_subcommands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        # A file or folder the command was pointed at cannot be written or read (a report,
        # the index, the schemas): the command could not run, which is exit code 2.
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: could not use{where}: {exc.strerror or exc}", file=sys.stderr)
        if exc.errno in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST):
            print("  give a path that does not exist yet, or one of the same kind", file=sys.stderr)
        else:
            print("  check that the folder exists and that you may write to it", file=sys.stderr)
        sys.exit(int(ExitCode.USAGE))


if __name__ == "__main__":
    main()
