"""How `standards --help` reads: `-h` as well as `--help`, `--version`, and no `<bool>` beside a flag.

Typer's Rich help prints each option's type after its name (`<path>`, `<int range>`), and for a
flag, which takes no value, `<bool>`: that reads as if `--json` wanted one (`--json true`).
An option's metavar is what Typer prints instead of the type, so every flag (every command's own,
and the `--help` Typer adds to each command) gets an empty one. `is_flag=True` does not help: the
type is printed for flags all the same.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperOption

from registry import __version__

HELP_OPTION_NAMES = ["-h", "--help"]
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": HELP_OPTION_NAMES}


def show_version(value: bool) -> None:
    """An eager option's callback: print the version and stop before any command runs."""
    if value:
        typer.echo(f"standards {__version__}")
        raise typer.Exit()


def without_bool_placeholders(command: Any) -> Any:
    """`command` (the click command Typer built) and every command under it, with each flag's
    type left out of the help. Returns `command`."""
    # The help option is made on first use and kept on the command (click caches it so its
    # callback keeps its place), so making it here is making the one `--help` prints.
    ctx = typer.Context(command, info_name=command.name, help_option_names=HELP_OPTION_NAMES)
    for param in [*command.params, command.get_help_option(ctx)]:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        without_bool_placeholders(sub)
    return command
