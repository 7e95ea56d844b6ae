"""`standards reorganise OLD... --into NEW`: the flags and the questions, then `registry.scaffold.reorganise`.

A service id the successor's folder already holds is renamed by `--on-clash`, or asked about at
a terminal; elsewhere it is an error (E317) and nothing moves. The changes are staged, not
committed, for review.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from checks.reporters.inert import visible
from registry.cli.errors import UsageError
from registry.cli.options import parse_date
from registry.scaffold.answers import ScaffoldError, check_service_id
from registry.scaffold.inheritance import Clash, ReorganiseProblems
from registry.scaffold.reorganise import Done, Plan, Request, apply, plan_reorganisation


class OnClash(StrEnum):
    PREFIX = "prefix"
    SUFFIX = "suffix"


def _ask(clash: Clash, taken: set[str]) -> str:
    def proc(value: str) -> str:
        try:
            wanted = check_service_id(value)
        except ScaffoldError as exc:
            raise typer.BadParameter(f"{exc.message} ({exc.hint})") from None
        if wanted in taken:
            raise typer.BadParameter(f"'{wanted}' is taken in the successor's folder too")
        return wanted

    typer.echo(f"{clash.source}: the id '{clash.service}' is already taken, by {clash.taken_by}")
    return str(typer.prompt("New id for it", default=clash.renamed("prefix"), value_proc=proc))


def _findings(error: ReorganiseProblems) -> UsageError:
    lines = []
    for path, p in error.problems:
        lines += [visible(f"{path}:{p.line}:{p.column}: {p.code} [error] {p.message}"), visible(f"  help: {p.help}")]
    return UsageError(
        f"nothing was moved: {len(error.problems)} problem{'s' if len(error.problems) != 1 else ''} above",
        "fix them (or choose how to resolve clashing ids with --on-clash), then run the command again",
        findings=tuple(lines),
    )


def _report(plan: Plan, done: Done) -> None:
    for source, target in done.moved:
        typer.echo(f"moved {source} -> {target}")
    for path in done.removed:
        typer.echo(f"removed {path}")
    if done.written:
        typer.echo(f"wrote {done.written} (from the register; check its owners)")
    if done.codeowners:
        typer.echo(f"updated {done.codeowners} for the folders' owners")
    olds = ", ".join(c.register_code for c in plan.olds)
    count = len(done.moved)
    typer.echo(
        f"reorganised {olds} into {plan.successor.name} ({plan.successor.register_code}), vesting "
        f"{plan.vesting_date}: {count} service{'s' if count != 1 else ''} moved, the changes staged"
    )
    for code, others in plan.shared_with().items():
        typer.echo(
            f"note: {code}'s area was split, with {' and '.join(others)} taking a share: move the services that "
            f"now belong there with `git mv` (and set `inherited_from`) before you commit"
        )
    typer.echo("next: review them (git status, git diff --staged), then commit")


def reorganise(
    old: Annotated[
        list[str],
        typer.Argument(
            help="The predecessor councils: register codes (ALL) or GSS codes (E07000026).",
            show_default=False,
        ),
    ],
    into: Annotated[
        str, typer.Option("--into", help="The successor council's code (CBD).", metavar="NEW", show_default=False)
    ],
    vesting: Annotated[
        str | None,
        typer.Option(
            "--vesting",
            help="The day the successor takes over, YYYY-MM-DD (default: the register's, for a merger it records).",
        ),
    ] = None,
    on_clash: Annotated[
        OnClash | None,
        typer.Option(
            "--on-clash",
            help="A service id the successor's folder already has: prefix renames it <old-folder>-<id>, suffix "
            "<id>-<old-folder> (default: ask at a terminal, else stop).",
        ),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner",
            metavar="@ORG/TEAM",
            help="Owner of the successor's new folder (default: the predecessors' owners).",
        ),
    ] = None,
    interactive: Annotated[
        bool | None,
        typer.Option("--interactive/--no-interactive", help="Ask about clashing ids (default: only at a terminal)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Date the moved manifests are checked at, YYYY-MM-DD (default: today).",
        ),
    ] = None,
) -> None:
    """Move predecessor councils' services into their successor's folder, with `git mv` (history kept)."""
    day = parse_date(as_of)
    request = Request(
        tuple(old), into, parse_date(vesting) if vesting else None, on_clash and on_clash.value, tuple(owner or ()), day
    )
    asks = sys.stdin.isatty() if interactive is None else interactive
    try:
        plan, git_repo = plan_reorganisation(Path.cwd(), request, _ask if asks else None)
        done = apply(plan, git_repo, day)
    except ScaffoldError as exc:
        raise UsageError(exc.message, exc.hint) from None
    except ReorganiseProblems as exc:
        raise _findings(exc) from None
    _report(plan, done)
