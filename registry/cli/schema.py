"""`standards schema`: write (or check) the JSON Schemas from the models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registry.cli.errors import ExitCode


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
