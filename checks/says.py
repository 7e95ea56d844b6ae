"""What a manifest says where a requirement fails, in words a council officer reads (a result's `says`).

A result's `detail` quotes the manifest as its author wrote it (`team.last_user_research: 2023-01-05`)
for the people who edit YAML; `says` is the same fact in a sentence ("The date of the last research
with users is recorded as 5 January 2023."). Both are worked out once, here and in checks/detail.py,
from the value at the requirement's field, so the CLI, the API and the site never reword a detail.

The nouns name the fields the standards point failures at; a field with no entry is named from its
key ("statement url"), and tests/test_says.py keeps every field the shipped standards use in the table.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel

from checks.detail import value_at
from checks.models import Service

# Field path -> what it records, as a noun phrase without an article. Yes/no fields are in _CLAIMS.
FIELD_WORDS: dict[str, str] = {
    "accessibility.last_audit": "date of the last accessibility audit",
    "accessibility.statement_reviewed": "date the accessibility statement was last reviewed",
    "accessibility.statement_url": "accessibility statement address",
    "accessibility.wcag_level": "WCAG conformance level",
    "accessibility.wcag_version": "WCAG version tested against",
    "channels": "ways to use the service",
    "conforms_to": "standards the service commits to",
    "data.export_formats": "data export formats",
    "data.open_api": "open API",
    "data.open_api.authentication": "open API's authentication",
    "data.open_api.spec_url": "address of the open API's description (OpenAPI)",
    "data.open_data_url": "open data address",
    "data.standards": "data standards",
    "hosting": "hosting",
    "hosting.model": "hosting model",
    "hosting.region": "place the data is held",
    "lgsl": "Local Government Service List code",
    "owner.service_owner": "service owner",
    "patterns": "shared components or patterns",
    "performance.kpis_url": "address of the published performance figures",
    "performance.measures": "performance measures",
    "privacy.dpia": "data protection impact assessment",
    "privacy.dpia_date": "date of the data protection impact assessment",
    "privacy.lawful_basis": "lawful basis for processing personal data",
    "privacy.privacy_notice_url": "privacy notice address",
    "privacy.retention_schedule_url": "retention schedule address",
    "security.backups_tested": "date backups were last tested by restoring them",
    "security.caf_assessed": "date of the last Cyber Assessment Framework self-assessment",
    "security.cyber_essentials": "Cyber Essentials certification",
    "security.patching_days": "target for applying critical patches, in days",
    "security.penetration_test": "date of the last penetration test",
    "security.risk_owner": "owner of the service's security risks",
    "security.tls_min_version": "oldest TLS version accepted",
    "source_code": "source code",
    "suppliers": "suppliers",
    "team.last_user_research": "date of the last research with users",
    "team.releases_per_quarter": "number of releases a quarter",
    "team.roles": "roles on the team",
}

# Yes/no field path -> the claim it makes when true, as a clause.
_CLAIMS: dict[str, str] = {
    "accessibility.assisted_digital": "help is offered to people who cannot use the service online",
    "accessibility.disproportionate_burden_claimed": "the council claims a disproportionate burden for parts of it",
    "accessibility.known_issues_listed": "the accessibility statement lists the known issues",
    "data.open_api.access_logged": "access to the open API is logged",
    "data.open_api.bulk_download": "the open API offers a bulk download",
    "data.open_api.https_only": "the open API is served over HTTPS only",
    "data.open_api.test_environment": "the open API has a test environment",
    "data.open_api.versioned": "the open API is versioned",
    "data.proprietary_format": "the service's data is held in a proprietary format",
    "performance.carbon_measured": "the service's carbon emissions are measured",
    "performance.monitoring": "the service is monitored",
    "privacy.data_sharing_agreements": "data sharing agreements are in place",
    "privacy.international_transfers": "personal data is transferred outside the UK",
    "privacy.records_of_processing": "the processing is in the council's records of processing",
    "security.encryption_at_rest": "stored data is encrypted",
    "security.incident_response_plan": "there is an incident response plan",
    "security.logging_monitored": "security logs are monitored",
    "security.mfa_for_admins": "administrators sign in with multi-factor authentication",
    "security.mfa_for_staff": "staff sign in with multi-factor authentication",
    "security.supplier_assurance": "the suppliers' security has been assured",
    "security.vulnerability_scanning": "the service is scanned for vulnerabilities",
    "team.agile": "the team works in an agile way",
}

MAX_SAYS = 300


def field_noun(field: str) -> str:
    return FIELD_WORDS.get(field) or field.rsplit(".", 1)[-1].replace("_", " ")


def says_at_field(field: str, value: object) -> str:
    """The sentence for the value found at `field` (None when it is not set)."""
    special = _SPECIAL.get(field)
    if special is not None and value is not None:
        return special(value)
    if field in _CLAIMS or isinstance(value, bool):
        claim = _CLAIMS.get(field) or f"{field_noun(field)} is true"
        return f"The manifest does not say that {claim}." if not value else f"The manifest says that {claim}."
    noun = field_noun(field)
    verb = "are" if isinstance(value, (list, tuple)) else "is"
    if value is None or value in ([], {}, ""):
        return f"No {noun} {verb} recorded."
    text = f"The {noun} {verb} recorded as {words(value)}."
    return text if len(text) <= MAX_SAYS else text[: MAX_SAYS - 3] + "..."


def _source_code(code: object) -> str:
    url, licence = getattr(code, "url", None), getattr(code, "licence", None)
    if not getattr(code, "open", False):
        reason = getattr(code, "reason_closed", None)
        return f"The code is recorded as closed{f', because {reason}' if reason else ', with no reason given'}."
    missing = [what for what, v in (("an address", url), ("a licence", licence)) if not v]
    return f"The code is recorded as open, but without {' or '.join(missing)}." if missing else "The code is open."


def _open_api(api: object) -> str:
    if getattr(api, "spec_url", None) is None:
        return f"An open API is recorded at {getattr(api, 'url', '')}, with no address for its description (OpenAPI)."
    return f"An open API is recorded at {getattr(api, 'url', '')}, described at {getattr(api, 'spec_url', '')}."


_SPECIAL = {"source_code": _source_code, "data.open_api": _open_api}


def says_for_field(field: str | None, service: Service) -> str:
    """What the manifest says at `field` of `service`, in a sentence; "" without a field."""
    if not field or field == "evidence":
        return ""
    return says_at_field(field, value_at(field, service))


def day(date: dt.date) -> str:
    """A date as people write it: 5 January 2023."""
    return f"{date.day} {date:%B %Y}"


def words(value: object) -> str:
    """A manifest value in words: dates as 5 January 2023, yes/no, lists joined with "and"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, BaseModel):
        return _model_words(value)
    if isinstance(value, (list, tuple)):
        items = [words(v) for v in value]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return str(value).replace("_", " ") if isinstance(value, str) and " " not in value else str(value)


def _model_words(model: BaseModel) -> str:
    """A supplier as "Corvane Systems Ltd (Corvane Revenues), contract 1 April 2016 to 31 March 2028";
    any other part of a manifest as its set fields in words."""
    data = {k: v for k, v in vars(model).items() if v is not None}
    name = data.pop("name", None)
    if name is not None:
        product = data.pop("product", None)
        start, end = data.pop("contract_start", None), data.pop("contract_end", None)
        text = str(name) + (f" ({product})" if product else "")
        if start or end:
            text += (
                f", contract {day(start) if start else 'start not recorded'} to {day(end) if end else 'no end date'}"
            )
        return text
    return "; ".join(f"{k.replace('_', ' ')} {words(v)}" for k, v in data.items())


def no_evidence(description: str) -> str:
    return f"No evidence is recorded. Needed: {description.strip()}"


def evidence_not_met(status: str) -> str:
    return f"The evidence is recorded as {status.replace('_', ' ')}, not met."


def evidence_undated(max_age_days: int) -> str:
    return f"The evidence has no date, so it cannot be shown to be less than {max_age_days} days old."


def evidence_too_old(date: dt.date, max_age_days: int) -> str:
    return f"The evidence is dated {day(date)}; it counts for {max_age_days} days."


def could_not_check(why: str) -> str:
    return f"The registry could not check this requirement ({why}); this is a fault in the standard, not the manifest."
