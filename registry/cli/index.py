"""`standards index build`: check the whole repository and write the SQLite index."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registry.cli.errors import UsageError
from registry.cli.options import parse_date
from registry.index.settings import DEFAULT_INDEX

index_app = typer.Typer(help="The SQLite index the registry API serves.", no_args_is_help=True)


@index_app.command("build")
def index_build(
    ref: Annotated[str | None, typer.Option("--ref", help="Build from this Git commit, not the working tree.")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the index.")] = DEFAULT_INDEX,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date rules are judged at (default: today).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use.")] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Judge every file afresh and write a whole new index (no result cache)."),
    ] = False,
) -> None:
    """Check the whole repository and write the SQLite index (swapped in atomically).

    The index it replaces is kept beside it (`.index.sqlite.previous`): the next rebuild brings that
    file up to date in place rather than copying the whole index. Keep room for two.
    """
    from checks.history import HistoryError
    from registry.index.build import build_index

    try:
        summary = build_index(Path.cwd(), output, parse_date(as_of), ref=ref, jobs=jobs, cache=not no_cache)
    except HistoryError as exc:
        raise UsageError(f"--ref: {exc}") from None
    commit = summary.commit[:10] if summary.commit else "no commit (not a Git repository)"
    typer.echo(
        f"indexed {summary.services} services from {summary.councils} councils at {commit} "
        f"({summary.invalid} invalid files) into {summary.path} in {summary.seconds:.1f}s"
    )
