"""`standards insights ...`: the options, finding the index, and printing registry/insights/tables.py's tables."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checks.supplier_roles import SupplierRole
from registry.cli.errors import ExitCode, UsageError
from registry.index.settings import DEFAULT_INDEX
from registry.insights.figures import (
    DEFAULT_HORIZON_MONTHS,
    DEFAULT_MIN_COUNCILS,
    DEFAULT_MIN_SOLUTIONS,
    DEFAULT_WINDOW_COUNCILS,
    LONG_CONTRACT_YEARS,
)
from registry.insights.suppliers import MIN_COUNCILS, MIN_SERVICES

if TYPE_CHECKING:
    from registry.insights.output import Output

insights_app = typer.Typer(
    help="Sector insights from the index: reuse, duplication, suppliers, lock-in, procurement windows, "
    "interoperability and trends.",
    no_args_is_help=True,
)


class InsightFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


class MarketBy(StrEnum):
    SERVICE_TYPE = "service-type"
    FUNCTION = "function"


class WindowBy(StrEnum):
    PRODUCT = "product"
    SERVICE_TYPE = "service-type"


class InteropBy(StrEnum):
    ALL = "all"
    TYPE = "type"
    REGION = "region"
    NATION = "nation"


FormatOpt = Annotated[InsightFormat, typer.Option("--format", "-f", help="Output format.")]
IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index",
        help=f"Read this index as it is (default: {DEFAULT_INDEX}, built or refreshed from the repository).",
    ),
]
LgslOpt = Annotated[int | None, typer.Option("--lgsl", min=1, help="Only this service type (LGSL code).")]
AuthorityOpt = Annotated[
    str | None,
    typer.Option(
        "--authority",
        help="Only the constituent councils of this strategic authority (its register code, e.g. GMCA).",
    ),
]


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        message = f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2026-03-31"
        raise typer.BadParameter(message, param_hint=option) from None


def _exit(code: int) -> None:
    raise typer.Exit(code)


def open_index(index: Path | None, root: Path) -> sqlite3.Connection:
    """A read-only connection to the index.

    Without --index, build/index.sqlite under the repository is built or refreshed like
    `standards serve` does. An index named with --index is used as it is (it may come from
    another tree), so it must exist and be readable by this version.
    """
    from registry.index.build import prepare_index
    from registry.index.connection import connect_readonly
    from registry.index.health import is_healthy

    if index is None:
        index = root / DEFAULT_INDEX
        if not (root / "standards").is_dir() and not is_healthy(index):
            raise UsageError(
                f"no index at {index} and {root} holds no standards/ folder to build one from; "
                "run this in the registry's folder or pass --index PATH"
            )
        prepare_index(root, index)
    elif not is_healthy(index):
        state = "does not exist" if not index.exists() else "is damaged or from another version"
        raise UsageError(f"the index {index} {state}; build it with `standards index build --output {index}`")
    return connect_readonly(index)


def run(
    make: Callable[[sqlite3.Connection], Output], fmt: str, index: Path | None, authority: str | None = None
) -> ExitCode:
    """Open the index, compute (over one strategic authority's councils with `authority`), print; bad
    input is exit 2 with a message, never a traceback."""
    from registry.index.authorities import authority_scope

    def compute() -> Output:
        conn = open_index(index, Path.cwd())
        try:
            with authority_scope(conn, authority) as scoped:
                return make(scoped)
        finally:
            conn.close()

    return run_plain(compute, fmt)


def run_plain(make: Callable[[], Output], fmt: str) -> ExitCode:
    from registry.index.authorities import UnknownAuthority
    from registry.insights.output import InsightUsageError, render

    try:
        out = make()
    except InsightUsageError as exc:
        raise UsageError(str(exc)) from None
    except UnknownAuthority as exc:  # from the index's filter or the history figures' (`--authority`)
        raise UsageError(f"--authority: {exc}", exc.hint) from None
    typer.echo(render(out, fmt), nl=False)
    return ExitCode.OK


@insights_app.command("reuse")
def reuse_cmd(
    lgsl: LgslOpt = None,
    council: Annotated[str | None, typer.Option("--council", help="With --service: suggest what to reuse.")] = None,
    service: Annotated[str | None, typer.Option("--service", help="The service id within --council.")] = None,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """Per service type: councils delivering it and the solutions they use; or a suggestion for one service."""
    from registry.insights import tables as cmd

    _exit(run(lambda conn: cmd.reuse(conn, lgsl, council, service), format.value, index, authority))


@insights_app.command("hotspots")
def hotspots_cmd(
    min_councils: Annotated[
        int, typer.Option("--min-councils", min=1, help="Only types delivered by at least this many councils.")
    ] = DEFAULT_MIN_COUNCILS,
    min_solutions: Annotated[
        int, typer.Option("--min-solutions", min=1, help="Only types run on at least this many core solutions.")
    ] = DEFAULT_MIN_SOLUTIONS,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """Service types many councils deliver with many different core solutions, and who shares one."""
    from registry.insights import tables as cmd

    _exit(run(lambda conn: cmd.hotspots(conn, min_councils, min_solutions), format.value, index, authority))


@insights_app.command("suppliers")
def suppliers_cmd(
    by: Annotated[MarketBy, typer.Option("--by", help="Market: service type (LGSL) or ESD function.")] = (
        MarketBy.SERVICE_TYPE
    ),
    lgsl: LgslOpt = None,
    function: Annotated[str | None, typer.Option("--function", help="Only this ESD function (its label).")] = None,
    role: Annotated[
        SupplierRole | None,
        typer.Option(
            "--role", case_sensitive=False, help="Only this supplier role (with --lgsl or --function: its shares)."
        ),
    ] = None,
    min_services: Annotated[
        int,
        typer.Option(
            "--min-services", min=1, help="Judge markets with at least this many services; the rest are too few."
        ),
    ] = MIN_SERVICES,
    min_councils: Annotated[
        int,
        typer.Option(
            "--min-councils", min=1, help="Judge markets with at least this many councils; the rest are too few."
        ),
    ] = MIN_COUNCILS,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """Supplier shares, top-3 share and HHI per market (service type or ESD function, and supplier role)."""
    from registry.insights import tables as cmd

    chosen = role.value if role is not None else None
    _exit(
        run(
            lambda conn: cmd.suppliers(conn, by.value, lgsl, function, min_services, chosen, min_councils),
            format.value,
            index,
            authority,
        )
    )


@insights_app.command("ranking")
def ranking_cmd(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Count contracts ending from this date, YYYY-MM-DD (default: the index's date)."),
    ] = None,
    min_services: Annotated[
        int, typer.Option("--min-services", min=1, help="Markets are judged (and led) from this many services.")
    ] = MIN_SERVICES,
    min_councils: Annotated[
        int, typer.Option("--min-councils", min=1, help="Markets are judged (and led) from this many councils.")
    ] = MIN_COUNCILS,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """Every supplier: its councils, services, markets led, contracts ending soon and musts met per standard."""
    from registry.insights import tables as cmd

    start = _date(as_of, "--as-of") if as_of is not None else None
    _exit(run(lambda conn: cmd.ranking(conn, start, min_services, min_councils), format.value, index, authority))


@insights_app.command(
    "lock-in",
    help="Services with lock-in signals: no open API, no open export, proprietary format, "
    f"contract over {LONG_CONTRACT_YEARS} years.",
)
def lock_in_cmd(
    council: Annotated[str | None, typer.Option("--council", help="Only this council's services.")] = None,
    lgsl: LgslOpt = None,
    min_signals: Annotated[
        int, typer.Option("--min-signals", min=0, max=4, help="List services with at least this many signals.")
    ] = 1,
    limit: Annotated[int, typer.Option("--limit", min=1, help="List at most this many services.")] = 50,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    from registry.insights import tables as cmd

    _exit(
        run(
            lambda conn: cmd.lock_in(conn, council, lgsl, min_signals, limit),
            format.value,
            index,
            authority,
        )
    )


@insights_app.command("windows")
def windows_cmd(
    horizon_months: Annotated[
        int, typer.Option("--horizon-months", min=1, max=240, help="Contracts ending within this many months.")
    ] = DEFAULT_HORIZON_MONTHS,
    by: Annotated[WindowBy, typer.Option("--by", help="Group by supplier product or by service type.")] = (
        WindowBy.PRODUCT
    ),
    min_councils: Annotated[
        int,
        typer.Option("--min-councils", min=1, help="Only groups with at least this many councils (1 lists every one)."),
    ] = DEFAULT_WINDOW_COUNCILS,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Start of the window, YYYY-MM-DD (default: the index's date).")
    ] = None,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """Contracts for one product or service type ending within the horizon at several councils."""
    from registry.insights import tables as cmd

    start = _date(as_of, "--as-of") if as_of is not None else None
    _exit(
        run(
            lambda conn: cmd.windows(conn, horizon_months, by.value, start, min_councils),
            format.value,
            index,
            authority,
        )
    )


@insights_app.command("interop")
def interop_cmd(
    by: Annotated[InteropBy, typer.Option("--by", help="Group councils by type, region or nation.")] = InteropBy.ALL,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """Shares of services with an open API, Open Referral UK (directories) and UPRN/USRN (addresses)."""
    from registry.insights import tables as cmd

    _exit(run(lambda conn: cmd.interop(conn, by.value), format.value, index, authority))


class TrendBy(StrEnum):
    STANDARD = "standard"
    COUNCIL = "council"


class AdoptionBy(StrEnum):
    MONTH = "month"
    COUNCIL = "council"


SinceOpt = Annotated[str, typer.Option("--since", help="First month to show, YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Last day to show (default: today).")]


@insights_app.command("trend")
def trend_cmd(
    since: SinceOpt,
    until: UntilOpt = None,
    by: Annotated[
        TrendBy, typer.Option("--by", help="A line per standard, or per council and standard.")
    ] = TrendBy.STANDARD,
    council: Annotated[
        str | None, typer.Option("--council", help="Only this council's lines (council id, e.g. leeds).")
    ] = None,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
) -> None:
    """Compliance by standard at each month-end commit over a period, from Git history."""
    from registry.insights import tables as cmd

    start = _date(since, "--since")
    end = _date(until, "--until") if until is not None else None
    _exit(run_plain(lambda: cmd.trend(Path.cwd(), start, end, by.value, council, authority), format.value))


@insights_app.command("adoption")
def adoption_cmd(
    since: SinceOpt,
    until: UntilOpt = None,
    pattern: Annotated[str | None, typer.Option("--pattern", help="Only this pattern (its id).")] = None,
    by: Annotated[
        AdoptionBy,
        typer.Option("--by", help="Councils naming each pattern at each month end, or when each council first did."),
    ] = AdoptionBy.MONTH,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
) -> None:
    """Each pattern's adopters at each month-end commit over a period, from Git history."""
    from registry.insights import tables as cmd

    start = _date(since, "--since")
    end = _date(until, "--until") if until is not None else None
    _exit(run_plain(lambda: cmd.adoption(Path.cwd(), start, end, pattern, by.value, authority), format.value))


@insights_app.command("pattern-reuse")
def pattern_reuse_cmd(
    pattern: Annotated[
        str | None, typer.Option("--pattern", help="List the candidate councils for this pattern (its id).")
    ] = None,
    authority: AuthorityOpt = None,
    format: FormatOpt = InsightFormat.TEXT,
    index: IndexOpt = None,
) -> None:
    """Each pattern's councils and the councils delivering the same service types without it."""
    from registry.insights import tables as cmd

    _exit(run(lambda conn: cmd.pattern_reuse(conn, pattern), format.value, index, authority))


@insights_app.command("headlines")
def headlines_cmd(
    authority: AuthorityOpt = None, format: FormatOpt = InsightFormat.TEXT, index: IndexOpt = None
) -> None:
    """The headline figures of the insights home page, each with what it counts."""
    from registry.insights import tables as cmd

    _exit(run(cmd.headlines, format.value, index, authority))
