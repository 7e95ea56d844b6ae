"""Plain-English notes on every field of a council and a service manifest.

`standards new` writes these as YAML comments above each field, with the
values the field takes and the requirements that read it (both worked out
from the models and the standards, so only the prose lives here). A test
checks every field of the models has a note.
"""

from __future__ import annotations

COUNCIL_NOTES: dict[str, str] = {
    "kind": "What this file is. Always Council.",
    "schema_version": "The version of the manifest format. Always 1 for now.",
    "sample": (
        "true only for illustrative data that is not the council's own (the registry's sample folders). "
        "Keep false: this folder describes your council's real services."
    ),
    "id": "The folder name under manifests/. Never change it once services refer to it.",
    "name": "The council's official name.",
    "gss_code": "The Government Statistical Service (ONS) code for the council's area, e.g. E08000035.",
    "register_code": "The council's three-letter code in the register of UK local authorities, e.g. LDS.",
    "type": (
        "The kind of council: CTY county, NMD district, UA unitary, LBO London borough, "
        "MD metropolitan district, SCO Scottish council, WPA Welsh principal area, "
        "NID Northern Ireland district, CC City of London."
    ),
    "nation": "The nation the council is in.",
    "region": "The council's region (for Scotland, Wales and Northern Ireland, the nation).",
    "website": "The council's home page. Leave blank if it has none yet.",
    "owners": (
        "The GitHub teams or users who own this folder: they review every change to it "
        "(the registry writes .github/CODEOWNERS from this list). Write each as @org/team or @user."
    ),
    "contact": "Optional: a shared mailbox or role the registry's maintainers can contact about this folder.",
}

SERVICE_NOTES: dict[str, str] = {
    "kind": "What this file is. Always Service.",
    "schema_version": "The version of the manifest format. Always 1 for now.",
    "sample": (
        "true only for illustrative data that is not the council's own. Keep false: this file describes a real service."
    ),
    "id": "The file name without .yaml. Lower case words joined by hyphens; never reuse it for another service.",
    "name": "The service's name as residents know it, e.g. Report a missed bin.",
    "description": "One or two sentences on what the service does and for whom.",
    "lgsl": (
        "The Local Government Service List code that best fits (https://standards.esd.org.uk), e.g. 524 "
        "for household waste collection. Leave blank if none fits."
    ),
    "url": "Where residents start using the service.",
    "phase": (
        "Where the service is in its life: discovery, alpha, beta, live or retired. Many requirements only "
        "apply from beta or live onwards."
    ),
    "channels": "How people use the service; at least one.",
    "audience": "Who the service is for: the public, the council's staff, or partner organisations.",
    "owner": "Who runs the service.",
    "owner.team": "The team that runs the service day to day.",
    "owner.email": "Optional: the team's shared mailbox.",
    "owner.service_owner": (
        "The senior officer accountable for the service end to end, by post (e.g. Head of Waste Services) or name."
    ),
    "conforms_to": (
        "The standards this service commits to, each with a major version (1) to follow that version's "
        'updates, or an exact version in quotes ("1.2.0") to stay on it. Listing a standard applies it '
        "even where it would not apply on its own."
    ),
    "patterns": "Shared components and patterns the service reuses, by id (see standards/patterns/).",
    "suppliers": (
        "Each supplier the service depends on: its role from the list (line-of-business system, case "
        "management, CRM, payments, web platform, forms, hosting, integration, data/analytics, consultancy, "
        "other; the supplier markets are counted by role), what it provides in your words, the contract dates "
        "and the months of notice the contract needs (notice_period_months), so councils can plan a joint purchase."
    ),
    "hosting": "Where the service runs. Leave blank until you know.",
    "hosting.model": "How it is hosted.",
    "hosting.provider": "Who hosts it, e.g. the cloud provider or the software supplier.",
    "hosting.region": "Where the data is held, e.g. UK.",
    "accessibility": "The service's accessibility statement and testing.",
    "accessibility.statement_url": "The web address of the service's published accessibility statement.",
    "accessibility.statement_reviewed": "When the statement was last reviewed, as YYYY-MM-DD.",
    "accessibility.wcag_version": 'The WCAG version the service was tested against; write it in quotes, e.g. "2.2".',
    "accessibility.wcag_level": "The WCAG level the service meets.",
    "accessibility.last_audit": "The date of the last accessibility audit, as YYYY-MM-DD.",
    "accessibility.audited_by": "Who did the audit (an organisation or an internal team).",
    "accessibility.known_issues_listed": "true when the statement lists what does not yet meet WCAG, and why.",
    "accessibility.disproportionate_burden_claimed": "true when the statement claims a disproportionate burden.",
    "accessibility.assisted_digital": "true when help is offered to people who cannot use the online service.",
    "data": "The data the service holds and shares.",
    "data.standards": (
        "Data standards the service uses, e.g. uprn, usrn, open-referral-uk, lgsl. Write them as a list: [uprn, usrn]."
    ),
    "data.handles_addresses": "true when the service records or looks up addresses.",
    "data.is_directory": "true when the service publishes a directory of local services or activities.",
    "data.open_api": (
        "The service's open API, if it has one. Leave blank if it has none; filling it in applies the "
        "API technical and data standard."
    ),
    "data.open_api.url": "The API's base address.",
    "data.open_api.spec_url": "The address of its OpenAPI description.",
    "data.open_api.versioned": "true when the API is versioned, e.g. /v1/.",
    "data.open_api.https_only": "true when the API is served over HTTPS only.",
    "data.open_api.authentication": "How clients authenticate.",
    "data.open_api.test_environment": "true when there is a test environment for developers.",
    "data.open_api.bulk_download": "true when the whole dataset can be downloaded at once.",
    "data.open_api.access_logged": "true when access to personal data through the API is logged.",
    "data.export_formats": "Formats people can export data in, lower case, e.g. [csv, json].",
    "data.open_data_url": "Where the service's open data is published.",
    "data.proprietary_format": "true when data can only be got out in a supplier's own format.",
    "source_code": "The service's source code.",
    "source_code.url": "Where the source code is published.",
    "source_code.licence": "Its open-source licence, e.g. MIT or GPL-3.0.",
    "source_code.open": "true when the code is published openly.",
    "source_code.reason_closed": "If the code is not open: why (for example, a supplier's product).",
    "security": "How the service is kept secure (the NCSC Cyber Assessment Framework).",
    "security.caf_assessed": "The date of the last CAF self-assessment, as YYYY-MM-DD.",
    "security.risk_owner": "The role that owns the service's security risks, e.g. Senior Information Risk Owner.",
    "security.cyber_essentials": "The service's Cyber Essentials certification.",
    "security.penetration_test": "The date of the last penetration test, as YYYY-MM-DD.",
    "security.mfa_for_staff": "true when staff sign in with multi-factor authentication.",
    "security.mfa_for_admins": "true when administrators sign in with multi-factor authentication.",
    "security.encryption_at_rest": "true when stored data is encrypted.",
    "security.tls_min_version": 'The oldest TLS version accepted; write it in quotes, e.g. "1.2".',
    "security.logging_monitored": "true when security logs are collected and watched.",
    "security.vulnerability_scanning": "true when the service is scanned for vulnerabilities regularly.",
    "security.patching_days": "The target number of days to apply a critical security patch.",
    "security.backups_tested": "When restoring from backup was last tested, as YYYY-MM-DD.",
    "security.incident_response_plan": "true when there is a tested plan for security incidents.",
    "security.supplier_assurance": "true when suppliers' security has been checked.",
    "privacy": "How the service protects people's personal data (UK GDPR).",
    "privacy.handles_personal_data": "true when the service handles information about identifiable people.",
    "privacy.special_category_data": "true when it handles special category data, e.g. health or ethnicity.",
    "privacy.privacy_notice_url": "The web address of the service's privacy notice.",
    "privacy.lawful_basis": "The lawful basis for processing personal data.",
    "privacy.dpia": (
        "The data protection impact assessment: screened (a screening found a full one unnecessary), "
        "completed (a full one is done), not_needed (no screening recorded)."
    ),
    "privacy.dpia_date": "When the DPIA (or screening) was done, as YYYY-MM-DD.",
    "privacy.retention_schedule_url": "Where the retention schedule covering this data is published.",
    "privacy.records_of_processing": "true when the processing is in the council's record of processing activities.",
    "privacy.data_sharing_agreements": "true when data shared with other organisations is covered by agreements.",
    "privacy.international_transfers": "true when personal data is transferred outside the UK.",
    "team": "The team that builds and improves the service.",
    "team.roles": "The disciplines on the team, e.g. [service owner, user researcher, developer].",
    "team.agile": "true when the team works in an agile way (short iterations, regular releases).",
    "team.last_user_research": "The date of the last user research with the service's users, as YYYY-MM-DD.",
    "team.releases_per_quarter": "How many times the service is changed for users in a typical quarter.",
    "performance": "How the service measures and publishes how it performs.",
    "performance.kpis_url": "Where the service's performance data is published.",
    "performance.measures": "What the service measures, e.g. [completion rate, cost per transaction].",
    "performance.uptime_target": "The availability target as a percentage, e.g. 99.5.",
    "performance.monitoring": "true when availability is monitored and someone is alerted when it fails.",
    "performance.support_hours": "When the service is supported, e.g. Monday to Friday, 9am to 5pm.",
    "performance.carbon_measured": "true when the service's carbon footprint is measured.",
    "evidence": (
        "Evidence for requirements met by something a field cannot show (a research write-up, a test "
        "report). Key each entry by the requirement id that `standards check` names; status is met, "
        "partially_met, not_met or planned; only met counts, and a date keeps it current."
    ),
    "waivers": (
        "Agreed exceptions to a requirement, each with the reason, who in the council approved it and an "
        "expiry date. An expired waiver fails like the requirement itself; waivers are reviewed in the "
        "pull request."
    ),
    "attestations": (
        "One per standard with restricted requirements: its result, the counts of failing musts and shoulds, "
        "the date, the role that signed it off, the expiry and a digest of the restricted file. Without one the "
        "standard is not attested, which fails as a must."
    ),
    "inherited_from": (
        "Only for a service that came from a council merged into this one: `standards reorganise` writes the "
        "predecessor's register code and the service's id there. Leave it out for a new service."
    ),
    "inherited_from.council": "The predecessor council's register code, e.g. ALL for Allerdale.",
    "inherited_from.service": "The service's id in the predecessor council's folder.",
}

# Commented examples shown under fields that start empty: the value only; the key is added when written.
SERVICE_EXAMPLES: dict[str, str] = {
    "suppliers": """\
- name: Example Software Ltd
  product: Case Manager
  role: case management
  provides: licensing case management and online applications
  contract_start: 2024-04-01
  contract_end: 2027-03-31
  notice_period_months: 6""",
    "hosting": """\
model: saas
provider: Example Software Ltd
region: UK""",
    "data.open_api": """\
url: https://api.example.gov.uk/v1
spec_url: https://api.example.gov.uk/v1/openapi.json
versioned: true
authentication: api_key""",
    "evidence": """\
SS-04:
  status: met
  date: 2026-03-02
  url: https://www.example.gov.uk/research/usability-round-3
  note: Moderated usability sessions with residents; the top issues are fixed.""",
    "waivers": """\
- requirement: ACC-06
  reason: The supplier's new version is audited in March; this one is being replaced.
  approved_by: Head of Digital
  expires: 2026-06-30""",
}
