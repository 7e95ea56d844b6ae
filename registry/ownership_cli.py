"""`standards codeowners` and `standards ownership`: keep review with the council that owns a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from checks.atomic import write_text_atomic
from checks.repository import Repository
from registry.exit_codes import ExitCode
from registry.scaffold.codeowners import (
    CODEOWNERS_PATH,
    CouncilOwners,
    OwnershipError,
    changed_files,
    council_owners,
    group_changes,
    render_codeowners,
)


def _fail(error: OwnershipError) -> NoReturn:
    typer.echo(f"error: {error.message}", err=True)
    if error.hint:
        typer.echo(f"  {error.hint}", err=True)
    raise typer.Exit(int(ExitCode.USAGE))


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
