"""`standards ownership`: which council folders a change touches, who owns them; fail if more than one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from checks.repository import Repository
from registry.cli.errors import ExitCode, UsageError
from registry.scaffold.codeowners import (
    CouncilOwners,
    OwnershipError,
    changed_files,
    council_owners,
    group_changes,
)


def _fail(error: OwnershipError) -> NoReturn:
    raise UsageError(error.message, error.hint) from None


def _owners_text(council: CouncilOwners | None) -> str:
    if council is None:
        return "no council.yaml yet: the maintainers review it"
    if council.problem is not None:
        return f"{council.problem}: the maintainers review it"
    owners = " ".join(council.owners)
    return f"{owners} (sample data: the maintainers review it)" if council.sample else owners


def ownership(
    base: Annotated[
        str, typer.Option("--base", help="The branch the change will merge into, e.g. origin/main.", show_default=False)
    ],
) -> None:
    """Say which council folders a change touches and who owns them; fail if it touches more than one."""
    repo = Repository.find(Path.cwd())
    try:
        files = changed_files(repo.root, base)
    except OwnershipError as exc:
        _fail(exc)
    touched = group_changes(files)
    owners = {c.folder: c for c in council_owners(repo.root)}
    if not files:
        typer.echo(f"no files changed since {base}")
        return
    count = len(touched.councils)
    typer.echo(f"this change touches {count} council folder{'s' if count != 1 else ''}")
    for folder, paths in sorted(touched.councils.items()):
        noun = "file" if len(paths) == 1 else "files"
        typer.echo(f"  manifests/{folder}/  {len(paths)} {noun}  owners: {_owners_text(owners.get(folder))}")
    if touched.other:
        noun = "file" if len(touched.other) == 1 else "files"
        typer.echo(f"  and {len(touched.other)} other {noun} (standards, code, docs): the maintainers review them")
    if count > 1:
        names = ", ".join(sorted(touched.councils))
        typer.echo(
            f"error: this change touches {count} councils' folders: {names} — each council should change only "
            "its own folder; open a separate pull request for each council",
            err=True,
        )
        raise typer.Exit(int(ExitCode.FAILED))
