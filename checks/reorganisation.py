"""Who merges, and when: the councils a merger names, checked against the register the project ships.

A `reorganisations/<name>.yaml` (checked by `standards check`) and `standards insights merger --councils`
both come here.

A merger names its constituent councils by register code (`CAR`) or GSS code (`E07000028`) and a
vesting day. Current councils come from `checks/data/councils.csv`, abolished ones from
`former_councils.csv`, with the lineage `checks.registers` reads from them: a council's start date
(empty for the many older than the register's records) and, for a former council, the vesting day
its successors took over. A vesting day before a council's start, or after its successors took
over, is refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from checks.models import Reorganisation
from checks.problems import Problem
from checks.registers import council_index, successors, suggest_councils

Locate = Callable[[tuple[str | int, ...]], tuple[int, int]]


@dataclass(frozen=True)
class Constituent:
    """One council a merger names, as the register knows it."""

    code: str  # register code
    gss_code: str
    name: str
    status: str  # "current" or "former"
    started: str | None  # ISO date, where the register's history gives one
    ended: str | None  # ISO date: the vesting day of the reorganisation that abolished it


@dataclass(frozen=True)
class ConstituentProblem:
    """Something wrong with the councils or the date a merger names; `item` is the position of the code at fault."""

    item: int | None  # index into the codes named, or None for the vesting date or the list as a whole
    message: str
    help: str
    code: str  # the problem code a reorganisation file reports it under (checks/codes/references.py)


class MergerInputError(Exception):
    """The merger's councils or vesting date are wrong; every problem found, each with its fix."""

    def __init__(self, problems: Sequence[ConstituentProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in problems))


def abolished_on(code: str) -> dt.date | None:
    """The day a former council's successors took over (the register's vesting day); None for a current council."""
    steps = successors(code)
    return dt.date.fromisoformat(steps[0].vesting_date) if steps else None


def long_date(day: dt.date | str) -> str:
    """`1 April 2023`, as the site and the messages write dates."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def lookup(code: str) -> Constituent | None:
    """The council with this register or GSS code (current or former), in any case; None when unknown."""
    wanted, index = code.strip().upper(), council_index()
    current = index.by_register.get(wanted) or index.by_gss.get(wanted)
    if current is not None:
        return Constituent(
            current.register_code, current.gss_code, current.name, "current", current.start_date or None, None
        )
    former = index.former_by_register.get(wanted) or index.former_by_gss.get(wanted)
    if former is None:
        return None
    ended = abolished_on(former.register_code)
    return Constituent(
        former.register_code,
        former.gss_code,
        former.name,
        "former",
        former.start_date or None,
        ended.isoformat() if ended else former.end_date,
    )


def resolve(codes: Sequence[str], vesting: dt.date | None) -> tuple[list[Constituent], dt.date | None]:
    """The councils named and the vesting day (the register's, for a past merger given none).

    Raises MergerInputError listing every problem: an unknown code, a council named twice (by either
    of its codes), fewer than two councils, a vesting day before a council began or after it ended.
    """
    problems: list[ConstituentProblem] = []
    found: list[Constituent] = []
    first_named: dict[str, int] = {}
    for i, code in enumerate(codes):
        council = lookup(code)
        if council is None:
            problems.append(_unknown(i, code))
        elif council.code in first_named:
            at = first_named[council.code]
            problems.append(
                ConstituentProblem(
                    i,
                    f"{council.name} ({council.code}) is named twice ('{codes[at]}' and '{code}')",
                    "name each council once",
                    "E341",
                )
            )
        else:
            first_named[council.code] = i
            found.append(council)
    if not problems and len(found) < 2:
        problems.append(
            ConstituentProblem(None, "a merger needs at least two councils", "name every council merging", "E341")
        )
    vesting = vesting or _register_vesting(found)
    if vesting is not None:
        problems += _dated(found, first_named, vesting)
    if problems:
        raise MergerInputError(problems)
    return found, vesting


def _unknown(item: int, code: str) -> ConstituentProblem:
    guesses = suggest_councils(code, limit=3)
    hint = (
        "did you mean " + " or ".join(f"{g.register_code} ({g.name})" for g in guesses) + "?"
        if guesses
        else "find a council's codes with `standards new council NAME`"
    )
    return ConstituentProblem(item, f"no council in the register has the code '{code}'", hint, "E340")


def _register_vesting(found: Sequence[Constituent]) -> dt.date | None:
    """A past merger's vesting day: every council named is a former one, abolished on the same day."""
    ends = {c.ended for c in found}
    if found and all(c.status == "former" for c in found) and len(ends) == 1:
        (end,) = ends
        return dt.date.fromisoformat(end) if end else None
    return None


def _dated(found: Sequence[Constituent], first_named: dict[str, int], vesting: dt.date) -> list[ConstituentProblem]:
    problems = []
    for c in found:
        if c.started and vesting < dt.date.fromisoformat(c.started):
            problems.append(
                ConstituentProblem(
                    first_named[c.code],
                    f"{c.name} ({c.code}) did not exist until {long_date(c.started)}, "
                    f"after the vesting day {long_date(vesting)}",
                    f"give a vesting day on or after {long_date(c.started)}, or name the councils it replaced",
                    "E342",
                )
            )
        if c.ended and vesting > dt.date.fromisoformat(c.ended):
            problems.append(
                ConstituentProblem(
                    first_named[c.code],
                    f"{c.name} ({c.code}) was abolished on {long_date(c.ended)}, "
                    f"before the vesting day {long_date(vesting)}",
                    "name the council that serves its area now, or give the vesting day it merged on",
                    "E342",
                )
            )
    return problems


def reorganisation_problems(reorganisation: Reorganisation, locate: Locate) -> list[Problem]:
    """A reorganisation file's councils and vesting day against the register, each problem at its line."""
    try:
        resolve(reorganisation.councils, reorganisation.vesting)
    except MergerInputError as exc:
        return [_located(p, locate) for p in exc.problems]
    return []


def _located(problem: ConstituentProblem, locate: Locate) -> Problem:
    if problem.code == "E342":  # the date is what to change, whichever council it falls outside
        line, column = locate(("vesting",))
    elif problem.item is not None:
        line, column = locate(("councils", problem.item))
    else:
        line, column = locate(("councils",))
    return Problem(problem.code, problem.message, problem.help, line, column)
