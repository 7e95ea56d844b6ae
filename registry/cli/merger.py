"""`standards insights merger`: what a council formed from several councils inherits.

Its own module (registry/cli/app.py registers it on `standards insights`) because it also chooses
where the figure comes from: the repository's index, or a reorganisation's snapshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registry.cli.errors import ExitCode, UsageError
from registry.cli.insights import FormatOpt, IndexOpt, InsightFormat, _date, _exit, run


def merger_cmd(
    councils: Annotated[
        str | None,
        typer.Option("--councils", help="The merging councils' register or GSS codes, separated by commas."),
    ] = None,
    reorganisation: Annotated[
        str | None, typer.Option("--reorganisation", help="A merger described in reorganisations/NAME.yaml.")
    ] = None,
    vesting: Annotated[
        str | None,
        typer.Option("--vesting", help="Vesting day, YYYY-MM-DD (default: the merger's own, else the index's date)."),
    ] = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """What a council formed from these councils inherits: solutions, contracts, compliance, convergence."""
    from checks.reorganisation import MergerInputError, resolve
    from registry.insights.merger_figures import merger_output
    from registry.insights.reorganisations import ReorganisationFileError, SnapshotError, merger_source

    if (councils is None) == (reorganisation is None):
        raise UsageError("give --councils A,B,C or --reorganisation NAME (one of them)")
    codes = [c.strip() for c in councils.split(",")] if councils is not None else None
    if codes is not None and not all(codes):
        raise UsageError(f"--councils '{councils}' has an empty code", "separate codes with commas: CAR,ALL,EDN")
    day = _date(vesting, "--vesting") if vesting is not None else None
    try:
        if codes is not None:
            resolve(codes, day)  # bad codes or dates are refused before any index is built
        source = merger_source(Path.cwd(), codes, reorganisation, day)
    except MergerInputError as exc:
        first, *rest = exc.problems
        more = [f"{p.message}\n  help: {p.help}" for p in rest]
        raise UsageError(first.message, "\n".join([f"help: {first.help}", *more])) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except (ReorganisationFileError, SnapshotError) as exc:
        typer.echo(str(exc), err=True)
        _exit(ExitCode.FAILED)
        return
    chosen = source.index if source.index is not None else index
    _exit(run(lambda conn: merger_output(conn, source.codes, source.vesting, source.name), format.value, chosen))


def register(group: typer.Typer) -> None:
    """Add `merger` to the `standards insights` group."""
    group.command("merger")(merger_cmd)
