"""`standards site build`: build the playbook site from the index (registry/playbook)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registry.cli.errors import UsageError
from registry.index.settings import DEFAULT_INDEX, DEFAULT_SITE

site_app = typer.Typer(help="The playbook site (MkDocs Material, from site/).", no_args_is_help=True)


@site_app.command("build")
def site_build(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the site.")] = DEFAULT_SITE,
    index: Annotated[Path, typer.Option("--index", help="The index to build from (built if missing or stale).")] = (
        DEFAULT_INDEX
    ),
) -> None:
    """Build the playbook site from the index, strictly, and swap it in atomically."""
    from registry.playbook.build import SiteBuildError, build_site

    try:
        summary = build_site(Path.cwd(), output, index)
    except SiteBuildError as exc:
        raise UsageError(f"the site was not built (the old one, if any, is unchanged):\n{exc}") from None
    typer.echo(
        f"built {summary.pages} pages into {summary.output} in {summary.seconds:.1f}s (index {summary.index_state})"
    )
