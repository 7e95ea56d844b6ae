"""The councils a reorganisation names, checked against the register's lineage before anything moves.

Each is a current or former council, named once, none of them the successor; a former council
must have become the successor (directly or through a chain, Taunton Deane to Somerset West and
Taunton to Somerset); the vesting day is the register's unless given, and never before a
predecessor began.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from checks.identity import former_council
from checks.registers import (
    CouncilEntry,
    FormerCouncil,
    find_council,
    find_former_council,
    predecessors,
    suggest_councils,
)
from registry.scaffold.answers import ScaffoldError

Council = CouncilEntry | FormerCouncil


def describe(council: Council) -> str:
    return f"{council.name} ({council.register_code})"


def resolve_council(code: str) -> Council:
    found: Council | None = find_council(code) or find_former_council(code)
    if found is not None:
        return found
    guesses = "\n".join(f"  {e.describe()}" for e in suggest_councils(code))
    raise ScaffoldError(
        f"no UK council, current or former, has the code '{code.strip()}'",
        f"did you mean:\n{guesses}" if guesses else "give a GSS code (E07000026) or a register code (ALL)",
    )


def resolve_councils(old_codes: Sequence[str], new_code: str) -> tuple[CouncilEntry, tuple[Council, ...]]:
    """The successor (a current council) and the predecessors, each named once and none of them the successor."""
    if not old_codes:
        raise ScaffoldError("name at least one predecessor council", "e.g. standards reorganise ALL CAR --into CBD")
    new = resolve_council(new_code)
    if isinstance(new, FormerCouncil):
        message, hint = former_council(new)
        raise ScaffoldError(f"cannot reorganise into a former council: {message}", hint)
    olds = [resolve_council(code) for code in old_codes]
    named = Counter(c.register_code for c in olds)
    twice = [c for c in dict.fromkeys(olds) if named[c.register_code] > 1]
    if twice:
        spelt = [code for code in old_codes if resolve_council(code) == twice[0]]
        raise ScaffoldError(
            f"{describe(twice[0])} is named twice ({' and '.join(spelt)})",
            "name each predecessor council once",
        )
    if new in olds:
        raise ScaffoldError(
            f"{describe(new)} cannot be a predecessor of itself",
            f"name the councils merging into {new.register_code}, without {new.register_code}",
        )
    return new, tuple(olds)


def check_lineage(new: CouncilEntry, olds: Sequence[Council], vesting: dt.date | None) -> dt.date:
    """The vesting day: given, or the register's for a merger it records; never before a predecessor began."""
    recorded = {s.predecessor for s in predecessors(new.register_code, transitive=True)}
    for old in olds:
        if isinstance(old, FormerCouncil) and old.register_code not in recorded:
            went = " and ".join(entry.name for entry in map(find_council, old.successors) if entry)
            raise ScaffoldError(
                f"{describe(old)} did not become {new.name}: the register says its area is served by {went} now",
                f"reorganise it into its successor: standards reorganise {old.register_code} --into "
                f"{' or '.join(old.successors)}",
            )
    if vesting is None:
        unrecorded = [o for o in olds if o.register_code not in recorded]
        if unrecorded or not new.start_date:
            raise ScaffoldError(
                f"the register records no merger of {', '.join(o.register_code for o in unrecorded or olds)} "
                f"into {new.register_code}, so it has no vesting day for it",
                "give the day the new council takes over with --vesting YYYY-MM-DD",
            )
        vesting = dt.date.fromisoformat(new.start_date)
    for old in olds:
        if old.start_date and vesting < dt.date.fromisoformat(old.start_date):
            raise ScaffoldError(
                f"vesting date {vesting} is before {describe(old)} existed: it began on {old.start_date}",
                f"give a vesting date on or after {old.start_date} with --vesting YYYY-MM-DD",
            )
    return vesting
