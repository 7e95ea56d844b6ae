"""The shapes of the files people write: standards, patterns, councils and services.

Every model forbids unknown keys so a misspelt field is reported rather than
silently ignored. The JSON Schemas in `schemas/` are generated from these
classes (`standards schema`), so editors and CI see exactly the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    StringConstraints,
    field_validator,
)
from pydantic import Strict as StrictType

from checks.supplier_roles import SupplierRole

SCHEMA_VERSION = 1

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=80),
]
RequirementId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*-[A-Z0-9]+(?:\.[A-Za-z0-9]+)*$")]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]
SemVer = Annotated[
    str,
    StringConstraints(pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$"),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]
CelExpression = Annotated[str, StringConstraints(min_length=1, max_length=4000)]


def _date_out(value: dt.date, info: SerializationInfo) -> dt.date | dt.datetime | str:
    # Rules see dates as CEL timestamps (midnight UTC); asking for that here, while pydantic
    # serialises, spares a second walk over every manifest (checks.celcontext).
    if info.context and info.context.get("cel"):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return value.isoformat() if info.mode == "json" else value


def _not_a_number(value: object) -> object:
    # pydantic would read 1700006400 as a Unix time and a date field would silently hold 2023-11-15.
    if isinstance(value, int | float):
        raise ValueError("a date must be written like 2025-03-31, not as a number")
    return value


PlainDate = Annotated[dt.date, BeforeValidator(_not_a_number)]
Date = Annotated[PlainDate, PlainSerializer(_date_out, when_used="always")]

# Every number reaches CEL (64-bit integers), SQLite (64-bit integers) and API clients (JSON numbers),
# so each numeric field has a bound far inside all three; a value outside is refused where it is
# written rather than failing a rule or the index later. Strict: pydantic would otherwise read YAML's
# `yes`, `on` or `true` as 1 and `524.0` as 524.
LgslCode = Annotated[int, StrictType(), Field(ge=1, le=99_999)]
Days = Annotated[int, StrictType(), Field(ge=0, le=3_650)]
MaxAgeDays = Annotated[int, StrictType(), Field(ge=1, le=3_650)]
Count = Annotated[int, StrictType(), Field(ge=0, le=100_000)]
MajorVersion = Annotated[int, StrictType(), Field(ge=0, le=9_999)]
# An attestation lasts at most 12 months (a leap year's 366 days), however a standard sets it.
AttestationDays = Annotated[int, StrictType(), Field(ge=1, le=366)]
NoticeMonths = Annotated[int, StrictType(), Field(ge=0, le=60)]
Percent = Annotated[float, StrictType(), Field(ge=0, le=100, allow_inf_nan=False)]


def _exactly_one(value: object) -> object:
    # Literal[1] alone takes `true`, `yes` and `1.0` as 1.
    if isinstance(value, bool | float):
        raise ValueError("schema_version must be the whole number 1")
    return value


SchemaVersion = Annotated[Literal[1], BeforeValidator(_exactly_one)]

_VERSION_SPEC = re.compile(r"^(0|[1-9]\d*)(?:\.(0|[1-9]\d*)\.(0|[1-9]\d*))?$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


# Lists in a manifest are bounded too: a rule may walk a list inside a comprehension over another
# (rules nest at most two deep, checks/rules.py), so these bounds are what keep one rule's time per
# manifest small. A real service names a handful of each; the bounds leave room for the largest.
MAX_ITEMS = 100
# Waivers and evidence are keyed by requirement: a few hundred requirements exist across the standards.
MAX_REQUIREMENT_ENTRIES = 500


# --------------------------------------------------------------------------- shared


class Reference(Strict):
    title: ShortText
    url: HttpsUrl


class Level(StrEnum):
    """RFC 2119 keywords, strongest first."""

    MUST = "must"
    SHOULD = "should"
    MAY = "may"


class Visibility(StrEnum):
    """Where the facts a requirement reads may be published."""

    PUBLIC = "public"
    # Read from `<service>.restricted.yaml`, kept out of public repositories; the public sees an attestation.
    RESTRICTED = "restricted"


class Status(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


# --------------------------------------------------------------------------- standards


class EvidenceRule(Strict):
    """A requirement met by a declaration in the manifest rather than a field check."""

    description: Text = Field(description="What the council must be able to show.")
    max_age_days: MaxAgeDays | None = Field(
        default=None,
        description="Evidence dated longer ago than this (at the as-of date) no longer counts.",
    )


class Requirement(Strict):
    id: RequirementId = Field(description="Stable identifier, never reused, e.g. `SS-05`.")
    title: ShortText
    level: Level
    guidance: Text = Field(description="Markdown: what the requirement asks and why.")
    applies_when: CelExpression | None = Field(
        default=None,
        description="CEL over `service`, `council` and `now`; when false the result is not_applicable.",
    )
    check: CelExpression | None = Field(
        default=None, description="CEL that must evaluate to true for the requirement to pass."
    )
    evidence: EvidenceRule | None = Field(
        default=None, description="Evidence the manifest must declare with status `met`."
    )
    field: str | None = Field(
        default=None,
        description="Dotted manifest path a failure points at, e.g. `accessibility.statement_url`.",
    )
    fix: Text = Field(description="Tells a council how to meet the requirement.")
    references: list[Reference] = Field(min_length=1)
    visibility: Visibility | None = Field(
        default=None,
        description="`restricted`: the fields its check reads are kept out of public manifests and it is judged "
        "publicly by attestation; unset, the standard's visibility applies.",
    )


class AppliesTo(Strict):
    """Which services a standard covers even when their manifest does not declare it."""

    all_services: bool = False
    when: CelExpression | None = Field(
        default=None, description="CEL: the standard applies to every service for which this is true."
    )


# Evidence is a declaration made on a date: with no limit of its own it would count for ever, so a
# standard gives every one a limit (12 months unless it says otherwise) and re-attestation is the rule.
DEFAULT_EVIDENCE_MAX_AGE_DAYS = 365


class Standard(Strict):
    kind: Literal["Standard"]
    schema_version: SchemaVersion
    id: Slug
    prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*$")] = Field(
        description="Every requirement id in this standard starts with `PREFIX-`."
    )
    title: ShortText
    version: SemVer
    status: Status
    published: PlainDate
    updated: PlainDate | None = None
    sunset: PlainDate | None = Field(default=None, description="After this date the standard no longer applies.")
    owner: ShortText
    summary: Text
    references: list[Reference] = Field(min_length=1)
    applies_to: AppliesTo = AppliesTo()
    visibility: Visibility = Field(
        default=Visibility.PUBLIC, description="The visibility of every requirement that does not set its own."
    )
    attestation_days: AttestationDays = Field(
        default=365, description="The longest an attestation of this standard's restricted requirements lasts."
    )
    requirements: list[Requirement] = Field(min_length=1)
    evidence_max_age_days: MaxAgeDays = Field(
        default=DEFAULT_EVIDENCE_MAX_AGE_DAYS,
        description="Evidence for a requirement that sets no `max_age_days` of its own stops counting this "
        "many days after its date, so every declaration is re-confirmed in time.",
    )

    def evidence_age_limit(self, requirement: Requirement) -> int | None:
        """How old evidence for `requirement` may be: its own limit, else this standard's default."""
        if requirement.evidence is None:
            return None
        return requirement.evidence.max_age_days or self.evidence_max_age_days


# --------------------------------------------------------------------------- patterns


class PatternCategory(StrEnum):
    COMMON_PLATFORM = "common_platform"
    OPEN_SOURCE_PRODUCT = "open_source_product"
    OPEN_STANDARD = "open_standard"
    DESIGN_PATTERN = "design_pattern"
    DATA_SERVICE = "data_service"


class PatternStatus(StrEnum):
    ACTIVE = "active"
    DEPRECATED = "deprecated"  # still works, but new services should use its successor
    RETIRED = "retired"  # no longer available: services using it must move


class PatternType(StrEnum):
    """What a pattern is to a service: what delivers it, or a part any service uses.

    The duplication figure counts only solutions (registry/insights/hotspots.py): two councils
    both using GOV.UK Notify still each run their own service, but two on BOPS share one.
    """

    SOLUTION = "solution"
    BUILDING_BLOCK = "building_block"


class Pattern(Strict):
    kind: Literal["Pattern"]
    schema_version: SchemaVersion
    id: Slug
    name: ShortText
    category: PatternCategory
    # Required, with no default: a new pattern's author decides, since a wrong default would
    # silently count a building block as a solution (or hide a shared platform) in the hotspots.
    type: PatternType = Field(
        description=(
            "`solution`: a shared platform or product that delivers a service (PlanX, BOPS, FixMyStreet Pro, "
            "GOV.UK Pay for payments); `building_block`: a part any service uses (the Design System, "
            "GOV.UK Notify, an address lookup)."
        )
    )
    summary: Text
    solves: Text = Field(description="The problem councils keep solving alone that this solves once.")
    when_to_use: Text
    when_not_to_use: Text | None = None
    maintainer: ShortText
    open_source: bool
    licence: ShortText | None = None
    url: HttpsUrl
    helps_meet: list[RequirementId] = Field(
        default_factory=list, description="Requirement ids that using this pattern helps meet."
    )
    references: list[Reference] = Field(default_factory=list)
    status: PatternStatus = PatternStatus.ACTIVE
    successor: Slug | None = Field(
        default=None, description="The pattern to move to, for a deprecated or retired pattern."
    )


# --------------------------------------------------------------------------- councils


class CouncilType(StrEnum):
    """The register's type codes (mySociety's uk_local_authority_names_and_codes)."""

    CTY = "CTY"
    NMD = "NMD"
    UA = "UA"
    LBO = "LBO"
    MD = "MD"
    SCO = "SCO"
    WPA = "WPA"
    NID = "NID"
    CC = "CC"


class Nation(StrEnum):
    ENGLAND = "England"
    WALES = "Wales"
    SCOTLAND = "Scotland"
    NORTHERN_IRELAND = "Northern Ireland"


class Council(Strict):
    kind: Literal["Council"]
    schema_version: SchemaVersion
    sample: bool = Field(default=False, description="True for illustrative data that is not the council's own.")
    id: Slug = Field(description="Must equal the folder name under manifests/.")
    name: ShortText
    gss_code: Annotated[str, StringConstraints(pattern=r"^[ENSWK]\d{8}$")]
    register_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    type: CouncilType
    nation: Nation
    region: ShortText
    website: HttpsUrl | None = None
    owners: list[Annotated[str, StringConstraints(pattern=r"^@[\w.-]+(/[\w.-]+)?$")]] = Field(
        min_length=1, max_length=MAX_ITEMS, description="GitHub teams or users who own this council's folder."
    )
    contact: ShortText | None = None


# --------------------------------------------------------------------------- services


class Phase(StrEnum):
    DISCOVERY = "discovery"
    ALPHA = "alpha"
    BETA = "beta"
    LIVE = "live"
    RETIRED = "retired"


class Channel(StrEnum):
    WEB = "web"
    APP = "app"
    PHONE = "phone"
    EMAIL = "email"
    FACE_TO_FACE = "face_to_face"
    POST = "post"


class Audience(StrEnum):
    PUBLIC = "public"
    STAFF = "staff"
    PARTNERS = "partners"


class Owner(Strict):
    team: ShortText
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    service_owner: ShortText | None = None


class Conformance(Strict):
    standard: Slug
    version: MajorVersion | Annotated[str, StringConstraints(pattern=_VERSION_SPEC.pattern)] = Field(
        description="A major version (`2`) or an exact version (`2.1.0`). Quote exact versions."
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_spec(cls, value: object) -> object:
        if isinstance(value, bool | float):
            raise ValueError('version must be a major version like 2 or an exact version like "2.1.0" in quotes')
        if isinstance(value, str) and not _VERSION_SPEC.match(value):
            raise ValueError('version must be a major version like 2 or an exact version like "2.1.0"')
        return value


class Supplier(Strict):
    name: ShortText
    product: ShortText | None = None
    role: SupplierRole | None = Field(
        default=None,
        description="The supplier's role for the service, from a fixed list; its markets are counted by role.",
    )
    provides: ShortText | None = Field(
        default=None,
        description="What the supplier provides, in your own words, e.g. `in-cab system`.",
    )
    contract_start: Date | None = None
    contract_end: Date | None = None
    notice_period_months: NoticeMonths | None = Field(
        default=None,
        description="Months of notice the contract needs before `contract_end` to end or renew it, e.g. 6.",
    )


class HostingModel(StrEnum):
    PUBLIC_CLOUD = "public_cloud"
    SAAS = "saas"
    PRIVATE_CLOUD = "private_cloud"
    ON_PREMISES = "on_premises"
    HYBRID = "hybrid"


class Hosting(Strict):
    model: HostingModel
    provider: ShortText | None = None
    region: ShortText | None = Field(default=None, description="Where data is held, e.g. `UK`.")


class WcagLevel(StrEnum):
    A = "A"
    AA = "AA"
    AAA = "AAA"


class Accessibility(Strict):
    statement_url: HttpsUrl | None = None
    statement_reviewed: Date | None = None
    wcag_version: Literal["2.0", "2.1", "2.2"] | None = None
    wcag_level: WcagLevel | None = None
    last_audit: Date | None = None
    audited_by: ShortText | None = None
    known_issues_listed: bool = False
    disproportionate_burden_claimed: bool = False
    assisted_digital: bool = Field(
        default=False, description="Help is offered to people who cannot use the online service."
    )


class OpenApi(Strict):
    url: HttpsUrl
    spec_url: HttpsUrl | None = Field(default=None, description="OpenAPI description of the API.")
    versioned: bool = False
    https_only: bool = True
    authentication: Literal["none", "api_key", "oauth2", "mutual_tls"] | None = None
    test_environment: bool = False
    bulk_download: bool = False
    access_logged: bool = False


class Data(Strict):
    standards: list[Slug] = Field(
        max_length=MAX_ITEMS,
        default_factory=list,
        description="Data standards used, e.g. `uprn`, `usrn`, `open-referral-uk`.",
    )
    handles_addresses: bool = False
    is_directory: bool = Field(default=False, description="The service publishes a directory of local services.")
    open_api: OpenApi | None = None
    export_formats: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    open_data_url: HttpsUrl | None = None
    proprietary_format: bool = False


class SourceCode(Strict):
    url: HttpsUrl | None = None
    licence: ShortText | None = None
    open: bool = False
    reason_closed: Text | None = None


class CyberEssentials(StrEnum):
    NONE = "none"
    BASIC = "basic"
    PLUS = "plus"


class Security(Strict):
    caf_assessed: Date | None = Field(default=None, description="Date of the last CAF self-assessment.")
    risk_owner: ShortText | None = None
    cyber_essentials: CyberEssentials = CyberEssentials.NONE
    penetration_test: Date | None = None
    mfa_for_staff: bool = False
    mfa_for_admins: bool = False
    encryption_at_rest: bool = False
    tls_min_version: Literal["1.0", "1.1", "1.2", "1.3"] | None = None
    logging_monitored: bool = False
    vulnerability_scanning: bool = False
    patching_days: Days | None = Field(default=None, description="Target days to apply critical patches.")
    backups_tested: Date | None = None
    incident_response_plan: bool = False
    supplier_assurance: bool = False


class Privacy(Strict):
    handles_personal_data: bool
    special_category_data: bool = False
    privacy_notice_url: HttpsUrl | None = None
    lawful_basis: (
        Literal[
            "consent",
            "contract",
            "legal_obligation",
            "vital_interests",
            "public_task",
            "legitimate_interests",
        ]
        | None
    ) = None
    dpia: Literal["not_needed", "screened", "completed"] | None = Field(
        default=None,
        description=(
            "`screened`: a DPIA screening found a full assessment unnecessary; `completed`: a full DPIA is done; "
            "`not_needed`: no screening was recorded because the team judged none necessary."
        ),
    )
    dpia_date: Date | None = None
    retention_schedule_url: HttpsUrl | None = None
    records_of_processing: bool = False
    data_sharing_agreements: bool = False
    international_transfers: bool = False


class Team(Strict):
    roles: list[ShortText] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Disciplines on the team, e.g. `user researcher`."
    )
    agile: bool = False
    last_user_research: Date | None = None
    releases_per_quarter: Count | None = None


class Performance(Strict):
    kpis_url: HttpsUrl | None = None
    measures: list[ShortText] = Field(default_factory=list, max_length=MAX_ITEMS)
    uptime_target: Percent | None = None
    monitoring: bool = False
    support_hours: ShortText | None = None
    carbon_measured: bool = False


class EvidenceStatus(StrEnum):
    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    PLANNED = "planned"


class Evidence(Strict):
    status: EvidenceStatus
    url: HttpsUrl | None = None
    date: Date | None = None
    note: Text | None = None


class Waiver(Strict):
    requirement: RequirementId
    reason: Text
    approved_by: ShortText
    expires: Date


class Attestation(Strict):
    """A council's signed-off result for one standard's restricted requirements (`standards attest`)."""

    standard: Slug
    version: SemVer = Field(description="The version of the standard the restricted requirements were judged against.")
    compliant: bool = Field(description="True when no restricted `must` failed.")
    failed_must: Count
    failed_should: Count
    date: Date = Field(description="When the restricted requirements were checked.")
    attested_by: ShortText = Field(description="The role that signed it off, e.g. `SIRO`.")
    expires: Date = Field(description="At most the standard's `attestation_days` after `date`.")
    digest: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] = Field(
        description="SHA-256 of the restricted file attested, so an auditor given the file can confirm it."
    )


class Inheritance(Strict):
    """Where a service came from when its council was merged into another: `standards reorganise` writes it."""

    council: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        description="The predecessor council's register code, e.g. ALL for Allerdale."
    )
    service: Slug = Field(description="The service's id in the predecessor council's folder.")


class Service(Strict):
    kind: Literal["Service"]
    schema_version: SchemaVersion
    sample: bool = Field(default=False, description="True for illustrative data that is not the council's own.")
    id: Slug = Field(description="Must equal the file name without `.yaml`.")
    name: ShortText
    description: Text | None = None
    lgsl: LgslCode | None = Field(default=None, description="Local Government Service List code.")
    url: HttpsUrl | None = None
    phase: Phase
    channels: list[Channel] = Field(min_length=1, max_length=MAX_ITEMS)
    audience: Audience = Audience.PUBLIC
    owner: Owner
    conforms_to: list[Conformance] = Field(default_factory=list, max_length=MAX_ITEMS)
    patterns: list[Slug] = Field(default_factory=list, max_length=MAX_ITEMS)
    suppliers: list[Supplier] = Field(default_factory=list, max_length=MAX_ITEMS)
    hosting: Hosting | None = None
    accessibility: Accessibility = Accessibility()
    data: Data = Data()
    source_code: SourceCode = SourceCode()
    security: Security = Security()
    privacy: Privacy
    team: Team = Team()
    performance: Performance = Performance()
    evidence: dict[RequirementId, Evidence] = Field(default_factory=dict, max_length=MAX_REQUIREMENT_ENTRIES)
    waivers: list[Waiver] = Field(default_factory=list, max_length=MAX_REQUIREMENT_ENTRIES)
    inherited_from: Inheritance | None = Field(
        default=None, description="The council and service id this service had before a reorganisation."
    )
    attestations: list[Attestation] = Field(default_factory=list, max_length=MAX_ITEMS)


class RestrictedService(Strict):
    """`<service>.restricted.yaml`: the facts restricted requirements read, kept out of public repositories.

    `standards check` merges it into the public manifest beside it when present.
    """

    kind: Literal["RestrictedService"]
    schema_version: SchemaVersion
    id: Slug = Field(description="The id of the public manifest beside it.")
    # Whichever fields of these a standard's restricted requirements read (the rest stay public).
    accessibility: Accessibility = Accessibility()
    data: Data = Data()
    source_code: SourceCode = SourceCode()
    security: Security = Security()
    team: Team = Team()
    performance: Performance = Performance()
    evidence: dict[RequirementId, Evidence] = Field(default_factory=dict, max_length=MAX_REQUIREMENT_ENTRIES)
    waivers: list[Waiver] = Field(default_factory=list, max_length=MAX_REQUIREMENT_ENTRIES)


class Reorganisation(Strict):
    """`reorganisations/<name>.yaml`: councils merging into one on a vesting day (a proposal, or a past merger
    whose constituents' services are kept beside it as a snapshot in `reorganisations/<name>/`)."""

    kind: Literal["Reorganisation"]
    schema_version: SchemaVersion
    sample: bool = Field(default=False, description="True for illustrative data that is not the councils' own.")
    name: ShortText = Field(description="What the merger is called, e.g. `Cumbria 2023`.")
    description: str | None = Field(default=None, max_length=5000)
    councils: list[Annotated[str, StringConstraints(pattern=r"^([A-Z]{3}|[ENSWK]\d{8})$")]] = Field(
        min_length=2,
        max_length=MAX_ITEMS,
        description="The constituent councils, by register code (`CAR`) or GSS code (`E07000028`).",
    )
    vesting: Date = Field(description="Vesting day: the new council's first day.")
    successors: list[Annotated[str, StringConstraints(pattern=r"^([A-Z]{3}|[ENSWK]\d{8})$")]] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="The council or councils formed, by code, where the register knows them.",
    )


DOCUMENT_MODELS: dict[
    str,
    type[Standard] | type[Pattern] | type[Council] | type[Service] | type[RestrictedService] | type[Reorganisation],
] = {
    "Standard": Standard,
    "Pattern": Pattern,
    "Council": Council,
    "Service": Service,
    "RestrictedService": RestrictedService,
    "Reorganisation": Reorganisation,
}
