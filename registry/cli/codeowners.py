"""`standards codeowners`: write (or check) .github/CODEOWNERS from each council.yaml's owners."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from checks.atomic import write_text_atomic
from checks.repository import Repository
from registry.cli.errors import ExitCode, UsageError
from registry.scaffold.codeowners import (
    CODEOWNERS_PATH,
    OwnershipError,
    council_owners,
    render_codeowners,
)


def _fail(error: OwnershipError) -> NoReturn:
    raise UsageError(error.message, error.hint) from None


def codeowners(
    check: Annotated[
        bool, typer.Option("--check", help="Only report whether .github/CODEOWNERS is current (exit 1 if not).")
    ] = False,
) -> None:
    """Write .github/CODEOWNERS from each council.yaml's owners and .github/maintainers.txt."""
    repo = Repository.find(Path.cwd())
    try:
        if not (repo.root / "manifests").is_dir():
            raise OwnershipError(
                f"{repo.root} is not inside the registry (no manifests/ folder)",
                "run the command from your clone of the registry",
            )
        text = render_codeowners(repo.root)
    except OwnershipError as exc:
        _fail(exc)
    target = repo.root / CODEOWNERS_PATH
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    shown = CODEOWNERS_PATH.as_posix()
    if check:
        if current != text:
            typer.echo(
                f"{shown} is out of date with the councils' owners: run `standards codeowners` and commit the result",
                err=True,
            )
            raise typer.Exit(int(ExitCode.FAILED))
        typer.echo(f"{shown} is current")
        return
    if current == text:
        typer.echo(f"{shown} is already current")
        return
    write_text_atomic(target, text)
    owned = sum(1 for c in council_owners(repo.root) if c.owned_by_council)
    typer.echo(f"wrote {shown} ({owned} council folder{'s' if owned != 1 else ''} owned by their councils)")
