"""Write a repository-shaped tree of synthetic service manifests for benchmarks.

    python benchmarks/generate.py --count 10000 --out /tmp/tree [--seed 0] [--councils N] [--verify]

The tree holds the project's real standards and patterns (copied from
`standards/`), one `council.yaml` per council used and `--count` service
manifests of about 3.5 KB each:

    <out>/standards/*.yaml
    <out>/standards/patterns/*.yaml
    <out>/manifests/<council-slug>/council.yaml
    <out>/manifests/<council-slug>/<service-id>.yaml

Councils are the current UK councils in mySociety's register and services are
real LGSL services, both read from `../shared/data` beside the project (or the
folder in `STANDARDS_SHARED_DATA`); nothing from there is copied into the
project. Everything else is invented and every file says `sample: true`.

Manifests are written from string templates (no YAML dump per file) so a
100,000-file tree takes seconds. Output is deterministic for a seed, and
manifest number `i` is the same file whatever `--count` is, so a small tree
is a prefix of a large one. Dates are relative to the as-of date 2026-11-01
and the quality of each manifest varies so that some services pass and some
fail each standard's rules. Every file is valid per `checks/models.py`:
`--verify` runs `standards check` on the tree and fails if any file is invalid.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

AS_OF = dt.date(2026, 11, 1)
PROJECT = Path(__file__).resolve().parents[1]
COUNCIL_TYPES = frozenset({"CTY", "NMD", "UA", "LBO", "MD", "SCO", "WPA", "NID", "CC"})
NATIONS = frozenset({"England", "Wales", "Scotland", "Northern Ireland"})


def shared_data_dir() -> Path:
    """`../shared/data` beside the project, or the folder named by STANDARDS_SHARED_DATA."""
    override = os.environ.get("STANDARDS_SHARED_DATA")
    return Path(override) if override else PROJECT.parent / "shared" / "data"


def slugify(text: str, limit: int = 70) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "x"


def q(text: str) -> str:
    """A YAML double-quoted scalar: JSON strings are valid YAML."""
    return json.dumps(text)


# --------------------------------------------------------------------------- reference data


@dataclass(frozen=True, slots=True)
class CouncilRow:
    slug: str
    name: str
    gss: str
    code: str
    type: str
    nation: str
    region: str
    website: str | None


@dataclass(frozen=True, slots=True)
class LgslService:
    id: int
    label: str
    slug: str
    description: str


def load_councils(data: Path) -> list[CouncilRow]:
    """Current councils from mySociety's register whose type the Council model accepts, sorted by slug.

    Only current ones: `check` holds each council file to the register the
    project ships, and gives a former council (merged since 2019) an error.
    """
    homepages: dict[str, str] = {}
    govuk = data / "govuk_local_authorities.csv"
    if govuk.is_file():
        with govuk.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                url = (row.get("homepage_url") or "").strip().rstrip("/")
                if row.get("gss") and url.startswith("http"):
                    homepages[row["gss"]] = url
    with (data / "uk_local_authorities.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    seen: set[str] = set()
    councils: list[CouncilRow] = []
    for row in rows:
        if row["current-authority"] != "True" or row["local-authority-type"] not in COUNCIL_TYPES:
            continue
        gss, code = row["gss-code"], row["local-authority-code"]
        if not re.fullmatch(r"[ENSWK]\d{8}", gss) or not re.fullmatch(r"[A-Z]{3}", code):
            continue
        if row["nation"] not in NATIONS or not row["region"]:
            continue
        slug = slugify(row["gov-uk-slug"] or row["nice-name"], 60)
        if slug in seen:
            slug = f"{slug}-{code.lower()}"
        seen.add(slug)
        councils.append(
            CouncilRow(
                slug=slug,
                name=row["official-name"].strip(),
                gss=gss,
                code=code,
                type=row["local-authority-type"],
                nation=row["nation"],
                region=row["region"],
                website=homepages.get(gss),
            )
        )
    councils.sort(key=lambda c: c.slug)
    return councils


def load_lgsl(data: Path) -> list[LgslService]:
    services: list[LgslService] = []
    seen: set[str] = set()
    with (data / "lgsl_services_2015.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            try:
                ident = int(row["Identifier"])
            except ValueError:
                continue
            label = " ".join(row["Label"].split())
            if not label or ident < 1:
                continue
            slug = slugify(label)
            if slug in seen:
                slug = f"{slug[:60]}-{ident}"
            seen.add(slug)
            description = " ".join(row["Description"].split())
            if len(description) > 320:
                description = description[:320].rsplit(" ", 1)[0] + "..."
            services.append(LgslService(ident, label[:300], slug, description))
    services.sort(key=lambda s: s.id)
    return services


# --------------------------------------------------------------------------- the standards


@dataclass(frozen=True, slots=True)
class Rules:
    """What manifests may refer to: standards (id, version), requirement ids, patterns."""

    standards: tuple[tuple[str, str], ...]
    requirements: tuple[str, ...]
    evidence_requirements: tuple[str, ...]
    dated_evidence: frozenset[str]
    patterns: tuple[str, ...]
    # Restricted requirements (their facts and waivers stay out of a public manifest) and the
    # (id, version) of the standards that have some, which the manifests attest instead.
    restricted: frozenset[str] = frozenset()
    attested: tuple[tuple[str, str], ...] = ()


def standard_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "standards").glob("*.y*ml") if p.is_file())


def pattern_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "standards" / "patterns").glob("*.y*ml") if p.is_file())


def read_rules(root: Path) -> Rules:
    """The ids in the standards and patterns under `root`; files that fail to parse are skipped."""
    standards: list[tuple[str, str]] = []
    requirements: list[str] = []
    evidence: list[str] = []
    dated: set[str] = set()
    restricted: set[str] = set()
    attested: list[tuple[str, str]] = []
    for path in standard_files(root):
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            continue
        if not isinstance(doc, dict) or doc.get("kind") != "Standard":
            continue
        standards.append((str(doc["id"]), str(doc["version"])))
        for req in doc.get("requirements") or []:
            requirements.append(str(req["id"]))
            if (req.get("visibility") or doc.get("visibility")) == "restricted":
                restricted.add(str(req["id"]))
                if standards[-1] not in attested:
                    attested.append(standards[-1])
            if req.get("evidence"):
                evidence.append(str(req["id"]))
                if req["evidence"].get("max_age_days"):
                    dated.add(str(req["id"]))
    patterns: list[str] = []
    for path in pattern_files(root):
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            continue
        if isinstance(doc, dict) and doc.get("kind") == "Pattern":
            patterns.append(str(doc["id"]))
    return Rules(
        tuple(standards),
        tuple(requirements),
        tuple(evidence),
        frozenset(dated),
        tuple(patterns),
        frozenset(restricted),
        tuple(attested),
    )


# --------------------------------------------------------------------------- word pools

DATA_STANDARDS = ("uprn", "usrn", "iso-8601", "bs7666", "open-referral-uk", "schema-org", "open311", "gss-codes")
EXPORT_FORMATS = ("csv", "json", "geojson", "xml", "jsonl", "ods", "pdf", "xlsx", "docx")
ROLES = (
    "service owner",
    "product manager",
    "delivery manager",
    "user researcher",
    "content designer",
    "interaction designer",
    "developer",
    "business analyst",
    "technical architect",
    "data analyst",
    "performance analyst",
)
MEASURES = (
    "completion rate",
    "user satisfaction",
    "cost per transaction",
    "digital take-up",
    "average processing time",
    "avoidable contact",
    "applications received",
)
SUPPLIERS = (  # name, product, role (from the fixed list), what it provides
    ("Example Case Management Ltd", "Case management platform", "case management", "case management"),
    ("Example Revenues Systems Ltd", "Revenues and benefits", "line-of-business system", "revenues and benefits"),
    ("Example Forms Ltd", "Online forms builder", "forms", "online forms"),
    ("Example Payments plc", "Payment gateway", "payments", "card payments"),
    ("Example Housing Software Ltd", "Housing management", "line-of-business system", "housing management"),
    ("Example Digital Agency Ltd", None, "consultancy", "design and build"),
    ("Example Hosting Partnership", None, "hosting", "managed hosting"),
)
SERVICE_OWNERS = (
    "Head of Service",
    "Service Manager",
    "Assistant Director",
    "Head of Customer Experience",
    "Operations Manager",
)
AUDITORS = ("Digital Accessibility Centre", "Internal accessibility team", "Shaw Trust Accessibility Services")
LAWFUL_BASES = ("public_task",) * 5 + ("legal_obligation", "consent", "contract", "legitimate_interests")
CLOUDS = ("Amazon Web Services", "Microsoft Azure", "Google Cloud")
OFFICERS = (
    "Head of Digital",
    "Chief Digital Officer",
    "Senior Information Risk Owner",
    "Director of Resources",
    "Head of Customer Services",
    "Data Protection Officer",
)
NOTES = (
    "Reviewed at the quarterly service review and signed off by the service owner.",
    "Recorded in the council's document management system; summary published with the weeknotes.",
    "Findings and actions tracked in the team's backlog; next review scheduled.",
    "Carried out with the corporate information governance team and shared with the supplier.",
    "Covers the online form, the back-office system and the integrations between them.",
)
CLOSED_REASONS = (
    "The service runs on a supplier's proprietary product; the council owns no source code for it.",
    "Configuration only: the council configures a hosted product and publishes its configuration notes instead.",
    "Code includes fraud-detection rules that would help people avoid them; the rest is being separated out.",
)
WAIVER_REASONS = (
    "The supplier is delivering this in the next contract release; tracked as a project risk.",
    "Being procured as part of the council's new managed service; this service will be in scope from the start.",
    "The service is being replaced; the replacement meets this requirement from launch.",
)


# --------------------------------------------------------------------------- one manifest


def _date(days_ago: int) -> str:
    return (AS_OF - dt.timedelta(days=days_ago)).isoformat()


def council_yaml(council: CouncilRow) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schemas/council.schema.json",
        "# Synthetic benchmark data: the name and codes are from mySociety's register of UK local",
        "# authorities (CC BY 4.0); the services in this folder are generated, not the council's own.",
        "kind: Council",
        "schema_version: 1",
        "sample: true",
        f"id: {council.slug}",
        f"name: {q(council.name)}",
        f"gss_code: {council.gss}",
        f"register_code: {council.code}",
        f"type: {council.type}",
        f"nation: {council.nation}",
        f"region: {q(council.region)}",
    ]
    if council.website:
        lines.append(f"website: {council.website}")
    lines += ["owners:", f'  - "@{council.slug}-council/digital"', ""]
    return "\n".join(lines)


def service_yaml(index: int, seed: int, council: CouncilRow, lgsl: LgslService, sid: str, rules: Rules) -> str:
    """Manifest number `index`: random choices come from (seed, index) alone."""
    rng = random.Random(f"{seed}:{index}")
    rand, randint, choice, sample = rng.random, rng.randint, rng.choice, rng.sample
    # How well kept the manifest is: the chance each good practice is in place.
    p = choice((0.97, 0.97, 0.85, 0.85, 0.85, 0.6, 0.6, 0.35))

    def ok() -> bool:
        return rand() < p

    def recent(limit: int = 330) -> str:
        # Good practice is dated within the year; otherwise it has gone stale.
        return _date(randint(5, limit) if ok() else randint(400, 1400))

    site = council.website or f"https://www.{council.slug}.gov.uk"
    host = urlsplit(site).netloc
    phase = choice(("live",) * 12 + ("beta",) * 4 + ("alpha",) * 2 + ("discovery", "retired"))
    audience = choice(("public",) * 17 + ("staff", "staff", "partners"))
    channels = ["web"] if rand() < 0.92 else []
    for channel, chance in (("phone", 0.6), ("email", 0.35), ("face_to_face", 0.2), ("post", 0.12), ("app", 0.05)):
        if rand() < chance:
            channels.append(channel)
    if not channels:
        channels = ["phone"]
    personal = rand() < 0.75
    handles_addresses = rand() < 0.4
    directory = rand() < 0.08
    team_name = f"{lgsl.label[:60]} team"
    out = [
        "# yaml-language-server: $schema=../../schemas/service.schema.json",
        "# Synthetic benchmark data: a real LGSL service at a real council, with invented details.",
        "kind: Service",
        "schema_version: 1",
        "sample: true",
        f"id: {sid}",
        f"name: {q(lgsl.label)}",
    ]
    if lgsl.description:
        out.append(f"description: {q(lgsl.description)}")
    if ok():
        out.append(f"lgsl: {lgsl.id}")
    out += [
        f"url: {site}/{sid}",
        f"phase: {phase}",
        f"channels: [{', '.join(channels)}]",
        f"audience: {audience}",
        "owner:",
        f"  team: {q(team_name)}",
        f"  email: {sid[:40].rstrip('-')}@example.gov.uk",
    ]
    if ok():
        out.append(f"  service_owner: {q(choice(SERVICE_OWNERS))}")
    has_api = rand() < (0.6 if directory else 0.25)
    web = "web" in channels or "app" in channels
    # Services declare the standards that make sense for them, as councils would.
    sensible = {
        "api-standard": has_api,
        "privacy": personal,
        "accessibility": web,
        "service-standard": web and audience == "public",
    }
    chosen = [s for s in rules.standards if sensible.get(s[0], True) and rand() < 0.45]
    if chosen:
        out.append("conforms_to:")
        for standard, version in chosen:
            spec = q(version) if rand() < 0.2 else version.split(".", 1)[0]
            out += [f"  - standard: {standard}", f"    version: {spec}"]
    if rules.patterns and ok():
        out.append(f"patterns: [{', '.join(sample(rules.patterns, randint(1, min(3, len(rules.patterns)))))}]")

    saas = False
    if rand() < 0.7:
        out.append("suppliers:")
        for name, product, role, provides in sample(SUPPLIERS, randint(1, 2)):
            start = AS_OF - dt.timedelta(days=randint(100, 2000))
            end = start + dt.timedelta(days=randint(365, 1800) if ok() else randint(1900, 3000))
            out.append(f"  - name: {q(name)}")
            if product:
                out.append(f"    product: {q(product)}")
            out += [f"    role: {q(role)}", f"    provides: {q(provides)}", f"    contract_start: {start.isoformat()}"]
            if ok():
                out.append(f"    contract_end: {end.isoformat()}")
                if index % 3 == 0:  # from the index, not the random stream, so the rest is generated as before
                    out.append(f"    notice_period_months: {(3, 6, 9, 12)[index % 4]}")
            saas = saas or role != "consultancy"
    if ok():
        model = "saas" if saas and rand() < 0.7 else choice(("public_cloud", "private_cloud", "on_premises", "hybrid"))
        provider = "the supplier" if model == "saas" else choice(CLOUDS) if model == "public_cloud" else council.name
        out += ["hosting:", f"  model: {model}", f"  provider: {q(provider[:300])}"]
        if ok():
            region = choice(("UK", "UK", "eu-west-2", "uksouth")) if ok() else choice(("EU", "eu-west-1"))
            out.append(f"  region: {region}")

    out.append("accessibility:")
    if ok():
        out.append(f"  statement_url: {site}/accessibility/{sid}")
    if ok():
        out.append(f"  audited_by: {q(choice(AUDITORS))}")
    out += [
        f"  statement_reviewed: {recent()}",
        f'  wcag_version: "{"2.2" if ok() else choice(("2.1", "2.0"))}"',
        f"  wcag_level: {'AA' if ok() else 'A'}",
        f"  last_audit: {recent()}",
        f"  known_issues_listed: {str(ok()).lower()}",
        f"  disproportionate_burden_claimed: {str(rand() < 0.05).lower()}",
        f"  assisted_digital: {str(ok()).lower()}",
    ]

    data_standards = [s for s in DATA_STANDARDS if rand() < 0.25]
    if handles_addresses and ok():
        data_standards = sorted({*data_standards, "uprn", *(["usrn"] if ok() else [])})
    if directory and ok():
        data_standards = sorted({*data_standards, "open-referral-uk"})
    out += ["data:", f"  standards: [{', '.join(data_standards)}]"]
    out += [f"  handles_addresses: {str(handles_addresses).lower()}", f"  is_directory: {str(directory).lower()}"]
    if has_api:
        api = f"{'https' if ok() else 'http'}://api.{host}/{sid}"
        out += ["  open_api:", f"    url: {api}"]
        if ok():
            out.append(f"    spec_url: {api}/openapi.json")
        out += [f"    versioned: {str(ok()).lower()}", f"    https_only: {str(ok()).lower()}"]
        if ok():
            out.append(f"    authentication: {choice(('none', 'api_key', 'oauth2', 'mutual_tls'))}")
        out += [
            f"    test_environment: {str(ok()).lower()}",
            f"    bulk_download: {str(ok()).lower()}",
            f"    access_logged: {str(ok()).lower()}",
        ]
    formats = sample(EXPORT_FORMATS, randint(1, 3)) if ok() else ["pdf"] if rand() < 0.5 else []
    out.append(f"  export_formats: [{', '.join(formats)}]")
    if rand() < 0.35:
        out.append(f"  open_data_url: {site}/open-data/{sid}")
    out.append(f"  proprietary_format: {str(not ok()).lower()}")

    if rand() < 0.3:
        out += ["source_code:", f"  url: https://github.com/{council.slug}-council/{sid}"]
        if ok():
            out.append(f"  licence: {choice(('MIT', 'GPL-3.0', 'OGL-UK-3.0'))}")
        out.append("  open: true")
    elif ok():
        out += ["source_code:", "  open: false", f"  reason_closed: {q(choice(CLOSED_REASONS))}"]

    # A public manifest: the security facts restricted requirements read are in the council's own
    # <service>.restricted.yaml, never here (README, "What is public"); only these two are public.
    out += [
        "security:",
        f"  cyber_essentials: {choice(('plus', 'basic')) if ok() else 'none'}",
        f'  tls_min_version: "{choice(("1.2", "1.3")) if ok() else "1.1"}"',
        "privacy:",
        f"  handles_personal_data: {str(personal).lower()}",
    ]
    if personal:
        special = rand() < 0.2
        dpia = "completed" if ok() else choice(("screened", "not_needed"))
        out += [f"  special_category_data: {str(special).lower()}"]
        if ok():
            out.append(f"  privacy_notice_url: {site}/privacy/{sid}")
        if ok():
            out.append(f"  lawful_basis: {choice(LAWFUL_BASES)}")
        if ok():
            out.append(f"  dpia: {dpia}")
            if dpia != "not_needed":
                out.append(f"  dpia_date: {_date(randint(30, 900))}")
        if ok():
            out.append(f"  retention_schedule_url: {site}/retention-schedule")
        out += [
            f"  records_of_processing: {str(ok()).lower()}",
            f"  data_sharing_agreements: {str(ok() if audience == 'partners' else rand() < 0.3).lower()}",
            f"  international_transfers: {str(rand() < 0.05).lower()}",
        ]

    roles = sample(ROLES, randint(3, 6) if ok() else randint(0, 2))
    out += ["team:", f"  roles: [{', '.join(roles)}]", f"  agile: {str(ok()).lower()}"]
    if ok() or rand() < 0.5:
        out.append(f"  last_user_research: {recent()}")
    out.append(f"  releases_per_quarter: {randint(3, 20) if ok() else randint(0, 2)}")

    out.append("performance:")
    if ok():
        out.append(f"  kpis_url: {site}/performance/{sid}")
    out.append(f"  measures: [{', '.join(sample(MEASURES, randint(1, 3) if ok() else 0))}]")
    if ok():
        out.append(f"  uptime_target: {choice((99.5, 99.9, 99.0))}")
    out.append(f"  monitoring: {str(ok()).lower()}")
    if ok():
        out.append(f"  support_hours: {q(choice(('Monday to Friday, 9am to 5pm', '24 hours a day, 7 days a week')))}")
    out.append(f"  carbon_measured: {str(rand() < p * 0.5).lower()}")

    # The best-kept services declare all their evidence, tersely; the rest a few items with notes.
    thorough = p > 0.9
    public_evidence = [r for r in rules.evidence_requirements if r not in rules.restricted]
    if thorough:
        evidence = public_evidence
    else:
        evidence = sorted(sample(public_evidence, min(len(public_evidence), randint(0, 4))))
    if evidence:
        out.append("evidence:")
        for requirement in evidence:
            status = "met" if ok() else choice(("partially_met", "planned", "not_met"))
            out += [f"  {requirement}:", f"    status: {status}"]
            if requirement in rules.dated_evidence or not thorough:
                out.append(f"    date: {recent(360)}")
            if not thorough:
                if rand() < 0.3:
                    out.append(f"    url: {site}/evidence/{sid}/{requirement.lower().replace('.', '-')}")
                out.append(f"    note: {q(choice(NOTES))}")
    if rules.requirements and rand() < 0.25:
        out.append("waivers:")
        for requirement in sample([r for r in rules.requirements if r not in rules.restricted], randint(1, 2)):
            expires = AS_OF + dt.timedelta(days=randint(30, 540) if ok() else -randint(5, 300))
            out += [
                f"  - requirement: {requirement}",
                f"    reason: {q(choice(WAIVER_REASONS))}",
                f"    approved_by: {q(choice(OFFICERS))}",
                f"    expires: {expires.isoformat()}",
            ]
    out += _attestations(rules, rng, p, sid)
    out.append("")
    return "\n".join(out)


def _attestations(rules: Rules, rng: random.Random, p: float, sid: str) -> list[str]:
    """Attestations of the standards with restricted requirements: most current, some expired, some missing."""
    out: list[str] = []
    for standard, version in rules.attested:
        if rng.random() > p:
            continue  # not attested
        made = AS_OF - dt.timedelta(days=rng.randint(5, 330) if rng.random() < p else rng.randint(370, 700))
        must, should = (0, rng.randint(0, 2)) if rng.random() < p else (rng.randint(1, 3), rng.randint(0, 4))
        out += [
            f"  - standard: {standard}",
            f'    version: "{version}"',
            f"    compliant: {'true' if must == 0 else 'false'}",
            f"    failed_must: {must}",
            f"    failed_should: {should}",
            f"    date: {made.isoformat()}",
            "    attested_by: SIRO",
            f"    expires: {(made + dt.timedelta(days=365)).isoformat()}",
            f"    digest: sha256:{rng.getrandbits(256):064x}",
        ]
    return ["attestations:", *out] if out else []


# --------------------------------------------------------------------------- the tree


def copy_standards(out: Path) -> None:
    """The project's real standards and patterns, so the rules are the real ones."""
    (out / "standards" / "patterns").mkdir(parents=True, exist_ok=True)
    for path in standard_files(PROJECT):
        shutil.copyfile(path, out / "standards" / path.name)
    for path in pattern_files(PROJECT):
        shutil.copyfile(path, out / "standards" / "patterns" / path.name)


def generate(out: Path, count: int, seed: int = 0, councils: int | None = None) -> None:
    """Write `count` service manifests (and their councils and the standards) under `out`.

    Manifests are dealt round the councils in turn: every current council by
    default, or the first `councils` of them, so `councils=382, count=95_500`
    gives each council 250 services.
    """
    out = Path(out)
    data = shared_data_dir()
    pool = load_councils(data)
    if councils is not None:
        if not 1 <= councils <= len(pool):
            raise SystemExit(f"--councils must be between 1 and {len(pool)} (the councils in the register)")
        pool = pool[:councils]
    lgsl = load_lgsl(data)
    if not pool or not lgsl:
        raise SystemExit(f"no councils or LGSL services found in {data}")
    copy_standards(out)
    rules = read_rules(out)
    manifests = out / "manifests"
    orders: dict[str, list[int]] = {}
    written: set[str] = set()
    for index in range(count):
        council = pool[index % len(pool)]
        nth = index // len(pool)
        order = orders.get(council.slug)
        if order is None:
            # Each council gets its own order of LGSL services, so its service ids never clash.
            order = orders[council.slug] = random.Random(f"{seed}:{council.slug}").sample(range(len(lgsl)), len(lgsl))
        service = lgsl[order[nth % len(lgsl)]]
        sid = service.slug if nth < len(lgsl) else f"{service.slug[:60]}-{nth // len(lgsl) + 1}"
        folder = manifests / council.slug
        if council.slug not in written:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "council.yaml").write_text(council_yaml(council), encoding="utf-8")
            written.add(council.slug)
        (folder / f"{sid}.yaml").write_text(service_yaml(index, seed, council, service, sid, rules), encoding="utf-8")


def service_files(out: Path) -> list[Path]:
    return sorted(p for p in (Path(out) / "manifests").glob("*/*.yaml") if p.name != "council.yaml")


def describe_checkout() -> str:
    """The project's commit (and whether it has uncommitted changes), for the record."""
    try:
        head = subprocess.run(
            ["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {head}{' + uncommitted changes' if dirty else ''}"


def standards_command() -> list[str]:
    """This checkout's `standards` (beside the running Python: `make install` makes it editable)."""
    beside = Path(sys.executable).with_name("standards")
    return [str(beside)] if beside.is_file() else [shutil.which("standards") or "standards"]


def installed_command(folder: Path) -> list[str]:
    """`standards` installed from this checkout as a council's CI or pre-commit installs it (a built wheel,
    compiled, not editable: an editable install loads a path finder on every start, ~10 ms), into a new
    virtual environment in `folder` that takes its libraries from this one's. SystemExit if pip cannot."""
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(PROJECT)]
    proc = subprocess.run(pip, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(
            f"could not install this checkout into {folder} (--tool checkout runs it as is):\n{proc.stderr}"
        )
    command = [str(folder / "bin" / "standards")]
    # The new environment borrows this one's libraries: run from a Python without the project's
    # dependencies (not .venv's), it installs but cannot start. Say so here, not as a missing report later.
    started = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        last = (started.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(
            f"standards installed into {folder} does not start ({last}); run this script with the"
            " project's Python (.venv/bin/python, after `make install-dev`)"
        )
    return command


def verify(out: Path, as_of: str = AS_OF.isoformat()) -> dict[str, object]:
    """Run `standards check` on the tree; the JSON summary, or SystemExit if any file is invalid."""
    proc = subprocess.run(
        [*standards_command(), "check", "--as-of", as_of, "--format", "json"],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"standards check could not run (exit {proc.returncode}):\n{proc.stderr}")
    report = json.loads(proc.stdout)
    summary: dict[str, object] = report["summary"]
    if summary["invalid"] != 0:
        bad = [f for f in report["files"] if not f["valid"]]
        details = "\n".join(f"  {f['path']}: {p['code']} {p['message']}" for f in bad[:20] for p in f["problems"][:3])
        raise SystemExit(f"{summary['invalid']} generated files are invalid:\n{details}")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="service manifests to write")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the tree into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--councils",
        type=int,
        help="deal the manifests round the first N councils in slug order (default: every current council, 382)",
    )
    parser.add_argument("--verify", action="store_true", help="run `standards check` and fail on invalid files")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    generate(args.out, args.count, args.seed, args.councils)
    elapsed = time.perf_counter() - start
    files = service_files(args.out)
    size = sum(p.stat().st_size for p in files)
    print(
        f"wrote {len(files)} service manifests (mean {size / max(1, len(files)):.0f} bytes) "
        f"under {args.out} in {elapsed:.2f}s ({len(files) / elapsed:.0f} files/s)"
    )
    if args.verify:
        summary = verify(args.out)
        print(f"verified: {json.dumps(summary)}")


if __name__ == "__main__":
    main()
