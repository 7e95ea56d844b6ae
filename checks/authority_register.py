"""Strategic authorities: the combined and mayoral combined authorities in the register the package
ships (`data/strategic_authorities.csv`, made by scripts/build_councils_register.py), each with its
constituent councils. Apart from checks.registers, which reads the councils, to keep each register
module to one screenful of concerns.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from checks.registers import register_rows


@dataclass(frozen=True, slots=True)
class StrategicAuthority:
    """A combined or mayoral combined authority (register type `COMB`) and its constituent councils."""

    register_code: str  # GMCA, LCR, ...: not three letters, unlike a council's
    gss_code: str
    name: str
    nice_name: str
    type: str
    nation: str
    region: str
    start_date: str
    constituents: tuple[str, ...]  # the councils' register codes


@functools.cache
def strategic_authorities() -> tuple[StrategicAuthority, ...]:
    return tuple(
        StrategicAuthority(
            **{k: v for k, v in row.items() if k != "constituents"}, constituents=tuple(row["constituents"].split())
        )
        for row in register_rows("strategic_authorities.csv")
    )


@functools.cache
def authority_of_council() -> dict[str, StrategicAuthority]:
    """Each constituent council's strategic authority, by the council's register code."""
    return {code: authority for authority in strategic_authorities() for code in authority.constituents}
