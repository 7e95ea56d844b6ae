"""What a new council inherits, as rows: the merger figure's dataclasses (registry/insights/merger.py computes them)."""

from __future__ import annotations

from dataclasses import dataclass

LONG_RUN_YEARS = 2  # a contract running this long past vesting day is an exit cost to plan
CANDIDATES_SHOWN = 3  # convergence candidates listed per service type


@dataclass(frozen=True)
class Council:
    """One constituent council and what the registry holds of it."""

    code: str
    name: str
    status: str  # current | former
    council_id: str | None  # its folder in the index; None when the registry holds none of its services
    services: int


@dataclass(frozen=True)
class Musts:
    """One standard's musts for one inherited service."""

    standard: str  # the standard's id
    title: str
    failed_must: int
    compliant: bool  # no must of the standard fails


@dataclass(frozen=True)
class Inherited:
    """One constituent's service of a type: how it is delivered and how it does."""

    council: str  # register code
    service: str  # `<council>/<service>`
    name: str
    solutions: tuple[str, ...]  # its core solutions' names ("Supplier: Product", a pattern, an in-house build)
    kinds: tuple[str, ...]  # each one's kind: product | pattern | in_house
    contract_end: str | None  # the earliest end of its core products' contracts
    notice_date: str | None  # that contract's last day to give notice, where a notice period is given
    musts: tuple[Musts, ...]
    data_standards: tuple[str, ...]  # of UPRN, USRN, Open Referral UK


@dataclass(frozen=True)
class Shared:
    """A core solution two or more constituents already use for one service type."""

    solution: str  # its name
    kind: str
    councils: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A solution the new council could converge on for one service type, and why it ranks where it does."""

    rank: int
    solution: str
    kind: str
    councils: int
    council_codes: tuple[str, ...]
    musts_met: int
    musts_applicable: int
    musts_met_rate: float | None
    contract_end: str | None  # the latest end of its contracts among the constituents; None for no contract
    runway_months: int | None  # months from vesting day to that end (negative: ended before)
    reason: str


@dataclass(frozen=True)
class ServiceType:
    """One service type the constituents deliver."""

    lgsl: int
    label: str
    councils: tuple[str, ...]  # register codes of the constituents delivering it
    services: tuple[Inherited, ...]
    shared: tuple[Shared, ...]
    candidates: tuple[Candidate, ...]
    text: str


@dataclass(frozen=True)
class Contract:
    """A constituent's supplier contract, placed against vesting day."""

    council: str
    service: str
    product: str  # "Supplier: Product" as written
    role: str | None
    contract_end: str
    notice_date: str | None
    months_after_vesting: int  # negative when it ends before vesting day


@dataclass(frozen=True)
class DataUse:
    """One constituent's data standards, which make moving its records easier or harder."""

    council: str
    services: int
    address_services: int  # services handling addresses
    uprn: int  # of those, the ones using UPRN
    directories: int  # directory services
    open_referral_uk: int  # of those, the ones publishing Open Referral UK
    open_api: int  # services with an open API


@dataclass(frozen=True)
class Merger:
    """What the new council inherits from its constituents on vesting day."""

    name: str
    vesting: str
    as_of: str
    councils: tuple[Council, ...]
    service_types: tuple[ServiceType, ...]
    ending_before: tuple[Contract, ...]
    running_past: tuple[Contract, ...]
    data: tuple[DataUse, ...]
    untyped_services: int  # services with no LGSL code, left out of the service types
    text: str
