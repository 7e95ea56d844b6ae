"""What an entry of the table is, and the files its examples start from.

The examples run in a copy of tests/fixtures/mini: the council `leeds`, the standard `demo`
(requirements DEMO-01 to DEMO-04, version 2.1.0) and the pattern `gov-uk-notify`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Edit:
    """A change to the test repository: `old` replaced by `new` in `path`, or, with `old` empty,
    `path` written with `new`."""

    path: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Example:
    path: str  # the file, relative to the repository
    text: str  # what the file holds; with `replaces`, the lines put in place of those
    printed: str  # the line `standards` prints for it (the first of two: `help:` follows)
    replaces: str = ""  # text of the existing file that `text` replaces
    command: str = "check"  # check (given the path) | lint | lint --base HEAD (the commit before the example)
    before: tuple[Edit, ...] = ()  # made and committed to Git before the example
    also: tuple[Edit, ...] = ()  # further changes made with the example's
    # file | none (no such path) | link (a symlink to `text`) | large | latin-1 | remove (the folder is
    # deleted, and `check` runs on the whole repository) | committed (a file, committed to Git before the command)
    make: str = "file"
    shown: str = ""  # what the page shows when `text` cannot be shown as it is (too long, invisible)


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    title: str
    means: str
    fix: str
    example: Example

    @property
    def anchor(self) -> str:
        return self.code.lower()


SERVICE = """kind: Service
schema_version: 1
id: example
name: Report a missed bin
lgsl: 524
phase: live
channels: [web]
owner:
  team: Waste
privacy:
  handles_personal_data: false
"""
AT = "manifests/leeds/example.yaml"


def service_with(old: str, new: str) -> str:
    assert old in SERVICE
    return SERVICE.replace(old, new, 1)


DEMO = "standards/demo.yaml"
BASE = "lint --base HEAD"
COUNCIL = """kind: Council
schema_version: 1
id: leeds
name: Leeds City Council
gss_code: E08000035
register_code: LDS
type: MD
nation: England
region: Yorkshire and The Humber
owners: ["@leeds/digital"]
"""
BRADFORD = """kind: Council
schema_version: 1
id: bradford
name: City of Bradford Metropolitan District Council
gss_code: E08000032
register_code: BRD
type: MD
nation: England
region: Yorkshire and The Humber
owners: ["@bradford/digital"]
"""
FORMER = """kind: Council
schema_version: 1
id: allerdale
name: Allerdale Borough Council
gss_code: E07000026
register_code: ALL
type: NMD
nation: England
region: North West
owners: ["@allerdale/digital"]
"""
SECOND_STANDARD = """kind: Standard
schema_version: 1
id: demo-two
prefix: DEMO
title: A second demonstration standard
version: 1.0.0
status: active
published: 2026-01-01
owner: Test suite
summary: Reuses the prefix of the standard demo.
references:
  - title: GOV.UK Service Standard
    url: https://www.gov.uk/service-manual/service-standard
requirements:
  - id: DEMO-20
    title: Name a team
    level: must
    guidance: Someone runs it.
    check: service.owner.team != null
    field: owner.team
    fix: Set owner.team.
    references:
      - title: Point 6
        url: https://www.gov.uk/service-manual/service-standard/point-6-have-a-multidisciplinary-team
"""
DEPRECATED = (Edit(DEMO, "status: active", "status: deprecated"),)
SUNSET = (Edit(DEMO, "published: 2025-01-15", "published: 2025-01-15\nsunset: 2026-01-01"),)
CONFORMS = SERVICE + "conforms_to:\n  - standard: demo\n    version: 2\n"
# DEMO-02 (the audit date) made restricted, so `accessibility.last_audit` is a restricted field.
RESTRICTED_DEMO = (
    Edit(
        DEMO,
        "    level: should\n    guidance: Audits go stale.",
        "    level: should\n    visibility: restricted\n    guidance: Audits go stale.",
    ),
)
RESTRICTED_FILE = """kind: RestrictedService
schema_version: 1
id: example
"""
ATTESTED = """attestations:
  - standard: demo
    version: "2.1.0"
    compliant: true
    failed_must: 0
    failed_should: 0
    date: 2026-10-01
    attested_by: SIRO
    expires: 2027-09-30
    digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
"""
