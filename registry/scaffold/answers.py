"""Checking what a person gives `standards new`: each answer is checked as `standards check` would,
so a typo fails at once with a message for them (`ScaffoldError`), before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import get_args

from pydantic import TypeAdapter, ValidationError

from checks.models import Channel, Council, Phase, ShortText, Slug
from checks.repository import Repository
from registry.scaffold.registers import lgsl_services, search_lgsl

_OWNER = TypeAdapter(get_args(Council.model_fields["owners"].annotation)[0])
_SLUG: TypeAdapter[str] = TypeAdapter(Slug)
_SHORT_TEXT: TypeAdapter[str] = TypeAdapter(ShortText)


class ScaffoldError(Exception):
    """Why `standards new` cannot go on, worded for the person running it, with what to do instead."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def check_owner(value: str) -> str:
    """A GitHub team (`@org/team`) or user (`@user`), as council.yaml's `owners` takes them."""
    value = value.strip()
    try:
        return str(_OWNER.validate_python(value))
    except ValidationError:
        raise ScaffoldError(
            f"'{value}' is not a GitHub team or user",
            "write a team as @organisation/team-name or a user as @username",
        ) from None


def check_service_id(value: str) -> str:
    value = value.strip()
    try:
        return str(_SLUG.validate_python(value))
    except ValidationError:
        raise ScaffoldError(
            f"'{value}' cannot be a service id",
            "use lower-case letters and digits in words joined by hyphens, e.g. report-a-missed-bin",
        ) from None


def check_text(value: str, what: str) -> str:
    value = " ".join(value.split())
    try:
        return str(_SHORT_TEXT.validate_python(value))
    except ValidationError:
        raise ScaffoldError(f"the {what} must be between 1 and 300 characters") from None


def check_lgsl(value: str) -> int | None:
    """An LGSL code in the shipped list, given as a number; words are answered with the services they match."""
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and int(value) >= 1:  # isdigit() alone takes "²"
        if int(value) in lgsl_services():
            return int(value)
        # `check` would reject it (E314), so the manifest is not written with it.
        raise ScaffoldError(
            f"{int(value)} is not in the Local Government Service List shipped here",
            "search it by words instead, e.g. --lgsl 'missed bin'",
        )
    matches = search_lgsl(value)
    hint = (
        "services that match:\n" + "\n".join(f"  {m.id:>5}  {m.label}" for m in matches)
        if matches
        else "no service in the Local Government Service List matches those words"
    )
    raise ScaffoldError(f"an LGSL code is a number, not '{value}'", hint)


def check_phase(value: str) -> Phase:
    try:
        return Phase(value.strip().lower())
    except ValueError:
        raise ScaffoldError(
            f"'{value.strip()}' is not a phase", f"choose from {', '.join(p.value for p in Phase)}"
        ) from None


def check_channels(values: Iterable[str]) -> tuple[str, ...]:
    allowed = [c.value for c in Channel]
    chosen: list[str] = []
    for value in values:
        for part in re.split(r"[\s,]+", value.strip().lower()):
            if part and part not in allowed:
                raise ScaffoldError(f"'{part}' is not a channel", f"choose from {', '.join(allowed)}")
            if part and part not in chosen:
                chosen.append(part)
    if not chosen:
        raise ScaffoldError("give at least one channel", f"choose from {', '.join(allowed)}")
    return tuple(chosen)


def find_registry(root: Path) -> Repository:
    """The registry at or above `root`; writing a council folder anywhere else would be lost."""
    repo = Repository.find(root)
    if not (repo.root / "standards").is_dir():
        raise ScaffoldError(
            f"{root} is not inside the registry (no standards/ folder here or above)",
            "run the command from your clone of the registry",
        )
    return repo
