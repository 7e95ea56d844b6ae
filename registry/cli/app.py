"""The `standards` command: the Typer app, every verb registered in `--help` order, and `main()`.

Each verb lives in its own module beside this one and does its work there (or in the room it
reads through: registry/index, registry/insights, registry/scaffold, registry/playbook). A verb
that cannot run raises `UsageError`; `_Standards.invoke` is the one place that prints it and
exits 2 (a file the command cannot use is one too), and `main()` the one place for the signals.
"""

from __future__ import annotations

import errno
import signal
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from checks.settings import SettingsError
from registry.cli import (
    attest,
    check,
    codeowners,
    history,
    index,
    insights,
    lint,
    merger,
    new,
    notices,
    ownership,
    reorganise,
    schema,
    serve,
    site,
)
from registry.cli.errors import ExitCode, UsageError
from registry.cli.help_format import CONTEXT_SETTINGS, show_version, without_bool_placeholders


class _Standards(TyperGroup):
    """The top-level group: every verb, however deep, runs inside its invoke."""

    def invoke(self, ctx: Any) -> Any:  # Any: the Context type is Typer's private copy of click's
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            exc.show()
            raise typer.Exit(int(ExitCode.USAGE)) from None
        except SettingsError as exc:  # standards.toml, read by any command that loads the standards
            UsageError.from_settings(exc).show()
            raise typer.Exit(int(ExitCode.USAGE)) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (`| head`): click's own handling
                raise
            # A file or folder the command was pointed at cannot be written or read (a report,
            # the index, the schemas): the command could not run.
            UsageError.from_os_error(exc).show()
            raise typer.Exit(int(ExitCode.USAGE)) from None


app = typer.Typer(
    cls=_Standards,
    name="standards",
    help="Check council service manifests against the sector's digital standards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT_SETTINGS,
)


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


app.command()(check.check)
app.command("attest")(attest.attest_command)
app.command()(schema.schema)
app.command("lint")(lint.lint_command)
app.command()(history.versions)
app.command()(history.diff)
app.add_typer(index.index_app, name="index")
app.command()(serve.serve)
app.add_typer(site.site_app, name="site")
app.add_typer(new.new_app, name="new", help="Scaffold a council folder or a service manifest to fill in.")
app.command()(codeowners.codeowners)
merger.register(insights.insights_app)
app.add_typer(insights.insights_app, name="insights")
app.command()(ownership.ownership)
app.command()(notices.notices)
app.command()(reorganise.reorganise)


class Terminated(BaseException):
    """SIGTERM, raised where the program is, like KeyboardInterrupt for Ctrl-C: every `finally` runs, so
    temporary files go and worker pools stop. A BaseException, so no `except Exception` swallows it (and
    not a KeyboardInterrupt, which Typer would turn into 130)."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    # Left at its default, SIGTERM kills at once: temporary files stay and worker processes run on.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        without_bool_placeholders(typer.main.get_command(app))(prog_name="standards")
    except KeyboardInterrupt:
        sys.exit(128 + signal.SIGINT)
    except Terminated:
        sys.exit(128 + signal.SIGTERM)
