"""`standards new council` and `standards new service`: the questions and flags, then `registry.scaffold`.

On a terminal anything not given as a flag is asked for; elsewhere (CI, a
script, a pipe) a missing required flag is a usage error that names it.
`--interactive/--no-interactive` overrides the guess either way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from checks.models import Channel, Phase
from checks.results import FileResult
from checks.visibility import restricted_sibling
from registry.cli.errors import UsageError
from registry.scaffold.answers import (
    ScaffoldError,
    check_channels,
    check_lgsl,
    check_owner,
    check_phase,
    check_service_id,
    check_text,
)
from registry.scaffold.council import plan_council, unknown_code, write_council
from registry.scaffold.registers import find_council, lgsl_label, search_lgsl, slugify
from registry.scaffold.service import ServiceDraft, ServicePlan, plan_service, write_service

T = TypeVar("T")

new_app = typer.Typer(
    help="Write a new council folder or service manifest, valid from the start, for you to fill in.",
    no_args_is_help=True,
)

Interactive = Annotated[
    bool | None,
    typer.Option(
        "--interactive/--no-interactive",
        help="Ask for anything not given as a flag (default: only when run at a terminal).",
    ),
]


def _fail(error: ScaffoldError) -> NoReturn:
    raise UsageError(error.message, error.hint) from None


def _asks(interactive: bool | None) -> bool:
    return sys.stdin.isatty() if interactive is None else interactive


def _until_valid(check: Callable[[str], T]) -> Callable[[str], T]:
    """A prompt's value_proc: a bad answer is explained and the question asked again."""

    def proc(value: str) -> T:
        try:
            return check(value)
        except ScaffoldError as exc:
            hint = f" ({exc.hint})" if exc.hint and "\n" not in exc.hint else ""
            raise typer.BadParameter(exc.message + hint) from None

    return proc


def _missing(flags: dict[str, object]) -> None:
    missing = [flag for flag, value in flags.items() if value is None or value == []]
    if missing:
        _fail(
            ScaffoldError(
                f"missing {', '.join(missing)}",
                "these are required when the command is not run at a terminal (or pass --interactive to be asked)",
            )
        )


# --------------------------------------------------------------------------- council


@new_app.command("council")
def council(
    code: Annotated[
        str,
        typer.Argument(help="The council's GSS code (e.g. E08000035) or register code (e.g. LDS); a name lists codes."),
    ],
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", help="GitHub team or user that owns the folder, e.g. @org/team; repeat for more."),
    ] = None,
    interactive: Interactive = None,
) -> None:
    """Add your council's folder: manifests/<council>/council.yaml, filled in from the UK register."""
    entry = find_council(code)
    if entry is None:
        _fail(unknown_code(code))
    try:
        plan = plan_council(Path.cwd(), entry)
        owners = [check_owner(o) for o in owner or []]
        if not owners:
            if not _asks(interactive):
                _fail(
                    ScaffoldError(
                        "missing --owner",
                        "name the GitHub team that will own the folder, e.g. --owner @your-council/digital "
                        "(required when the command is not run at a terminal)",
                    )
                )
            typer.echo(f"{entry.name} ({entry.register_code}, {entry.gss_code}): {plan.repo.display(plan.path)}")
            owners = [
                typer.prompt(
                    "GitHub team or user that will own the folder (e.g. @your-council/digital)",
                    value_proc=_until_valid(check_owner),
                )
            ]
        path = write_council(plan, owners)
    except ScaffoldError as exc:
        _fail(exc)
    typer.echo(f"wrote {plan.repo.display(path)}")
    typer.echo(f"next: check the register's details in it, then add a service: standards new service {entry.slug}")


# --------------------------------------------------------------------------- service


def _ask_lgsl() -> int | None:
    while True:
        answer = str(
            typer.prompt(
                "LGSL code, or words to search the service list (leave blank if none fits)",
                default="",
                show_default=False,
            )
        ).strip()
        if not answer:
            return None
        if answer.isdigit() and int(answer) >= 1:
            label = lgsl_label(int(answer))
            if label is None:  # `check` would reject it (E314)
                typer.echo(f"  {answer} is not in the Local Government Service List shipped here; search it by words")
                continue
            typer.echo(f"  {answer}: {label}")
            return int(answer)
        matches = search_lgsl(answer)
        if not matches:
            typer.echo("  nothing matches those words; try others, or leave it blank")
            continue
        for match in matches:
            typer.echo(f"  {match.id:>5}  {match.label}")
        typer.echo("  type the number that fits, or other words to search again")


def _check_new_id(plan: ServicePlan) -> Callable[[str], str]:
    def check(value: str) -> str:
        service_id = check_service_id(value)
        existing = plan.existing(service_id)
        if existing is not None:
            raise ScaffoldError(f"{plan.repo.display(existing)} already exists; choose another id")
        return service_id

    return check


def _summary(result: FileResult) -> str:
    if result.problems:
        return "  warning: `standards check` reports problems with it: run it to see them"
    standards = [s.standard for s in result.summaries]
    passed = sum(s.passed + s.waived for s in result.summaries)
    failed = sum(s.failed for s in result.summaries)
    must = sum(s.failed_must for s in result.summaries)
    return (
        f"  {len(standards)} standard{'s apply' if len(standards) != 1 else ' applies'} ({', '.join(standards)}): "
        f"{passed} requirements met so far, {failed} to do ({must} at must level)"
    )


@new_app.command("service")
def service(
    council: Annotated[str, typer.Argument(help="The council's folder under manifests/, e.g. leeds.")],
    name: Annotated[str | None, typer.Option("--name", help="The service's name, e.g. 'Report a missed bin'.")] = None,
    service_id: Annotated[
        str | None, typer.Option("--id", help="File name without .yaml (default: from the name).")
    ] = None,
    lgsl: Annotated[
        str | None, typer.Option("--lgsl", help="Local Government Service List code, e.g. 524; words search the list.")
    ] = None,
    phase: Annotated[Phase | None, typer.Option("--phase", help="Where the service is in its life.")] = None,
    channel: Annotated[
        list[Channel] | None, typer.Option("--channel", help="How people use it; repeat for each channel.")
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="The team that runs the service.")] = None,
    handles_personal_data: Annotated[
        bool | None,
        typer.Option(
            "--handles-personal-data/--no-handles-personal-data",
            help="Whether the service handles information about identifiable people.",
        ),
    ] = None,
    interactive: Interactive = None,
) -> None:
    """Add a service: manifests/<council>/<service-id>.yaml with every field explained, valid from the start."""
    asks = _asks(interactive)
    try:
        plan = plan_service(Path.cwd(), council)
        if not asks:
            _missing(
                {
                    "--name": name,
                    "--phase": phase,
                    "--channel": channel,
                    "--team": team,
                    "--handles-personal-data or --no-handles-personal-data": handles_personal_data,
                }
            )
        # Flags given are checked before any question is asked, so a typo fails fast.
        answers = _ServiceAnswers(
            name=check_text(name, "name") if name is not None else None,
            service_id=_check_new_id(plan)(service_id) if service_id is not None else None,
            lgsl=check_lgsl(lgsl) if lgsl is not None else None,
            lgsl_given=lgsl is not None,
            phase=phase,
            channels=check_channels(c.value for c in channel) if channel else None,
            team=check_text(team, "team") if team is not None else None,
            handles_personal_data=handles_personal_data,
        )
        if asks:
            _ask_service(plan, answers)
        draft = _service_draft(plan, answers)
        path, result = write_service(plan, draft)
    except ScaffoldError as exc:
        _fail(exc)
    shown = plan.repo.display(path)
    typer.echo(f"wrote {shown}")
    if restricted_sibling(path).is_file():
        typer.echo(
            f"wrote {plan.repo.display(restricted_sibling(path))}: the restricted facts; keep it out of public "
            "repositories (.gitignore and the pre-commit hook do)"
        )
    typer.echo(_summary(result))
    typer.echo("next: fill in what is true of the service today (an editor with the YAML language server")
    typer.echo(f"completes and checks the fields as you type), then run: standards check {shown}")


@dataclass
class _ServiceAnswers:
    """What `new service` knows so far: from the flags, then from the questions."""

    name: str | None
    service_id: str | None
    lgsl: int | None
    lgsl_given: bool
    phase: Phase | None
    channels: tuple[str, ...] | None
    team: str | None
    handles_personal_data: bool | None


def _ask_service(plan: ServicePlan, answers: _ServiceAnswers) -> None:
    """Ask for each answer the flags did not give, in the order the manifest lists them."""
    typer.echo(f"New service for {plan.council.name}, in {plan.repo.display(plan.folder)}/")
    if answers.name is None:
        answers.name = typer.prompt("Service name, as residents know it", value_proc=_until_valid(_name))
    if answers.service_id is None:
        answers.service_id = typer.prompt(
            "Service id (the file name)",
            default=slugify(answers.name) or None,
            value_proc=_until_valid(_check_new_id(plan)),
        )
    if not answers.lgsl_given:
        answers.lgsl = _ask_lgsl()
    if answers.phase is None:
        answers.phase = typer.prompt(
            f"Phase ({', '.join(p.value for p in Phase)})", value_proc=_until_valid(check_phase)
        )
    if answers.channels is None:
        allowed = ", ".join(c.value for c in Channel)
        answers.channels = typer.prompt(
            f"Channels, separated by commas ({allowed})",
            default="web",
            value_proc=_until_valid(lambda text: check_channels([text])),
        )
    if answers.team is None:
        answers.team = typer.prompt("Team that runs the service", value_proc=_until_valid(_team))
    if answers.handles_personal_data is None:
        answers.handles_personal_data = typer.confirm(
            "Does the service handle personal data (information about identifiable people)?", default=None
        )


def _service_draft(plan: ServicePlan, answers: _ServiceAnswers) -> ServiceDraft:
    name, phase, channels, team = answers.name, answers.phase, answers.channels, answers.team
    assert name is not None and phase is not None and channels and team is not None
    assert answers.handles_personal_data is not None
    service_id = answers.service_id
    if service_id is None:
        if not slugify(name):
            raise ScaffoldError(f"cannot make a file name from the name '{name}'", "give one with --id")
        service_id = _check_new_id(plan)(slugify(name))
    return ServiceDraft(
        id=service_id,
        name=name,
        phase=phase.value,
        channels=tuple(channels),
        team=team,
        handles_personal_data=answers.handles_personal_data,
        lgsl=answers.lgsl,
    )


def _name(value: str) -> str:
    return check_text(value, "name")


def _team(value: str) -> str:
    return check_text(value, "team")
