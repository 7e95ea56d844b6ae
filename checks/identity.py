"""Whether a council file and a service's LGSL code agree with the registers the project ships.

A council file names its council six ways (GSS code, register code, name, type,
nation, region); all six must be that council's entry in `checks/data/councils.csv`.
The entry meant is the one most of the fields agree on, so Leeds written with
Lewes's GSS code is reported as a wrong GSS code, not as five wrong fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from checks.models import Council, Service
from checks.problems import Problem
from checks.registers import (
    CouncilEntry,
    FormerCouncil,
    council_index,
    lgsl_services,
    suggest_councils,
    suggest_lgsl,
)
from checks.reorganisation import abolished_on

Locate = Callable[[tuple[str | int, ...]], tuple[int, int]]

FIELDS = ("gss_code", "register_code", "name", "type", "nation", "region")
SOURCE = "mySociety's register of UK local authorities, shipped in checks/data/councils.csv"
TYPE_NAMES = {
    "CTY": "a county council",
    "NMD": "a district council",
    "UA": "a unitary authority",
    "LBO": "a London borough",
    "MD": "a metropolitan district",
    "SCO": "a Scottish council",
    "WPA": "a Welsh principal area",
    "NID": "a Northern Ireland district",
    "CC": "the City of London Corporation",
}


@dataclass(frozen=True, slots=True)
class _Written:
    """The identity fields as the council file gives them."""

    values: dict[str, str]

    @classmethod
    def of(cls, council: Council) -> _Written:
        return cls({field: str(getattr(council, field)) for field in FIELDS})

    def agreement(self, entry: CouncilEntry | FormerCouncil) -> int:
        return sum(self.values[field] == getattr(entry, field) for field in FIELDS)


def load_registers() -> None:
    """Read the registers now, so that processes forked afterwards share them rather than each reading them."""
    council_index()
    lgsl_services()


def council_problems(council: Council, locate: Locate, on: dt.date | None = None) -> list[Problem]:
    """Each identity field that differs from the council's register entry, located at that field.

    A former council is E313, unless judged `on` a day before it was abolished: a snapshot of the
    councils before a reorganisation (reorganisations/<name>/) describes them as they were.
    """
    index = council_index()
    written = _Written.of(council)
    gss, code = council.gss_code, council.register_code
    current = [e for e in (index.by_gss.get(gss), index.by_register.get(code), index.by_name.get(council.name)) if e]
    former = index.former_by_gss.get(gss) or index.former_by_register.get(code)
    best = max(current, key=written.agreement, default=None)  # max keeps the first of equals: the GSS code's
    if former is not None and (best is None or written.agreement(former) > written.agreement(best)):
        ended = abolished_on(former.register_code)
        if on is not None and ended is not None and on < ended:
            return [
                _mismatch_problem(f, written.values[f], former, locate) for f in FIELDS if _differs(written, former, f)
            ]
        return [_former_problem(former, "gss_code" if index.former_by_gss.get(gss) else "register_code", locate)]
    if best is None:
        return [_unknown_problem(council, locate)]
    return [
        _mismatch_problem(field, written.values[field], best, locate)
        for field in FIELDS
        if written.values[field] != getattr(best, field)
    ]


def _differs(written: _Written, entry: CouncilEntry | FormerCouncil, field: str) -> bool:
    return bool(written.values[field] != getattr(entry, field))


def _described(entry: CouncilEntry | FormerCouncil) -> str:
    return f"{entry.name} ({entry.register_code}, {entry.gss_code})"


def _owner_of(field: str, value: str) -> str:
    """Whose code this is, when it is not the council's own: 'is Lewes District Council's'."""
    index = council_index()
    lookups = {
        "gss_code": (index.by_gss, index.former_by_gss),
        "register_code": (index.by_register, index.former_by_register),
    }
    if field not in lookups:
        return "does not match the register"
    current, former = lookups[field]
    if value in current:
        return f"is {current[value].name}'s"
    if value in former:
        return f"is the former {former[value].name}'s"
    return "is not in the register"


def _mismatch_problem(field: str, value: str, entry: CouncilEntry | FormerCouncil, locate: Locate) -> Problem:
    expected = getattr(entry, field)
    if field in ("gss_code", "register_code"):
        message = f"{field} {value} {_owner_of(field, value)}; {entry.name}'s is {expected}"
    elif field == "type":
        message = (
            f"type {value} does not match the register: {_described(entry)} is {TYPE_NAMES[expected]} ({expected})"
        )
    elif field in ("nation", "region"):
        message = f"{field} '{value}' does not match the register: {_described(entry)} is in {expected}"
    else:
        message = f"name '{value}' does not match the register: {entry.register_code} ({entry.gss_code}) is {expected}"
    line, column = locate((field,))
    return Problem("E312", message, f"set `{field}: {expected}` (from {SOURCE})", line, column)


def former_council(former: FormerCouncil) -> tuple[str, str]:
    """What became of a former council, and what to do instead: the words E313 and `standards new council` share."""
    index = council_index()
    successors = [index.by_register[code] for code in former.successors]
    now = " and ".join(_described(s) for s in successors)
    merged = [index.by_register.get(code) or index.former_by_register[code] for code in former.replaced_by]
    if len(merged) > 1 and [m.register_code for m in merged] == list(former.successors):
        history = f"its area was split between {now}"
    elif [m.register_code for m in merged] == list(former.successors):
        history = f"merged into {now}"
    else:
        history = f"merged into {' and '.join(m.name for m in merged)}, now {now}"
    message = (
        f"{former.name} ({former.register_code}, {former.gss_code}) is a former council: "
        f"it was abolished in {former.end_date[:4]} and {history}"
    )
    new = " or ".join(f"`standards new council {s.register_code}`" for s in successors)
    first, *others = (s.register_code for s in successors)
    into = f"`standards reorganise {former.register_code} --into {first}`" + "".join(f" (or {o})" for o in others)
    hint = f"describe the council that serves the area now ({new}) and move the services there with {into}"
    return message, hint


def _former_problem(former: FormerCouncil, field: str, locate: Locate) -> Problem:
    message, hint = former_council(former)
    line, column = locate((field,))
    return Problem("E313", message, hint, line, column)


def _unknown_problem(council: Council, locate: Locate) -> Problem:
    guesses = suggest_councils(council.name, limit=3)
    if guesses:
        hint = "did you mean " + " or ".join(_described(g) for g in guesses) + "?"
    else:
        hint = "find the council's codes with `standards new council NAME`"
    message = (
        f"no council in the register has GSS code {council.gss_code}, "
        f"register code {council.register_code} or the name '{council.name}'"
    )
    line, column = locate(("gss_code",))
    return Problem("E311", message, f"{hint} (from {SOURCE})", line, column)


def lgsl_problems(service: Service, locate: Locate) -> list[Problem]:
    """An `lgsl` code that is not in the shipped Local Government Service List."""
    if service.lgsl is None or service.lgsl in lgsl_services():
        return []
    guesses = suggest_lgsl(service.name)
    if guesses:
        hint = "did you mean " + " or ".join(f"{g.id} ({g.label})" for g in guesses) + "?"
    else:
        hint = "look the service up with `standards new service`, which searches the list by words"
    line, column = locate(("lgsl",))
    return [
        Problem(
            "E314",
            f"lgsl {service.lgsl} is not a service in the Local Government Service List",
            f"{hint} (the list is shipped in checks/data/lgsl.csv)",
            line,
            column,
        )
    ]
