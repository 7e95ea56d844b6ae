"""Every problem code `standards` prints, in one table: what it means, an example, how to fix it.

Codes are stable: CI annotations, SARIF rules and the docs refer to them. E1xx: the file could not
be read as YAML; E2xx: it is YAML but not the shape its kind needs; E3xx: it names something that
does not exist or disagrees with a register; E4xx: `standards lint` refuses a change to a standard;
Wxxx: warnings, which never fail a run.

Each example is real: tests/test_problem_codes.py builds it in a copy of the small test
repository (tests/fixtures/mini: the council `leeds`, the standard `demo` with requirements
DEMO-01 to DEMO-04, the pattern `gov-uk-notify`), runs the command and expects the line shown.
The site renders the table as reference/problem-codes.md (`markdown()`), and reporters that can
link link each code to its entry there (`code_url`).
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.loading import MAX_BYTES, MAX_DEPTH
from checks.models import MAX_ITEMS, MAX_REQUIREMENT_ENTRIES
from checks.problems import MAX_PROBLEMS_PER_FILE

# Where the playbook site is published (as checks/schemas.py's schema ids), and its page of codes.
SITE = "https://local-digital-standards.github.io/registry/"
PAGE = "reference/problem-codes"


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
    make: str = "file"  # file | none (no such path) | link (a symlink to `text`) | large | latin-1
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


def _service(old: str, new: str) -> str:
    assert old in SERVICE
    return SERVICE.replace(old, new, 1)


def _council(old: str, new: str) -> Edit:
    return Edit("manifests/leeds/council.yaml", old, new)


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
_DEPRECATED = (Edit(DEMO, "status: active", "status: deprecated"),)
_SUNSET = (Edit(DEMO, "published: 2025-01-15", "published: 2025-01-15\nsunset: 2026-01-01"),)
_CONFORMS = SERVICE + "conforms_to:\n  - standard: demo\n    version: 2\n"

CODES: tuple[Code, ...] = (
    # ---- E1xx: loading -------------------------------------------------------------------
    Code(
        "E100",
        "path does not exist",
        "A path given to the command names no file or folder.",
        "Check the spelling; paths are relative to the folder you run the command in.",
        Example(
            "manifests/leeds/exmaple.yaml",
            "",
            "manifests/leeds/exmaple.yaml:1:1: E100 [error] path does not exist",
            make="none",
        ),
    ),
    Code(
        "E101",
        "file could not be read",
        "The operating system would not let the file be read: a folder where a file should be "
        "(often a link to one), or no permission to read it.",
        "Give the path of a `.yaml` file, or fix the file's permissions.",
        Example(
            "manifests/leeds/example.yaml",
            "../../standards",
            "manifests/leeds/example.yaml:1:1: E101 [error] is a directory, not a file",
            make="link",
        ),
    ),
    Code(
        "E102",
        "file is too large",
        f"Files must be under {MAX_BYTES / 1_000_000:.1f} MB, so no file can stall a run. No real "
        "manifest comes close.",
        "Remove whatever made it large (pasted data, a long list) and link to it instead.",
        Example(
            AT,
            SERVICE + "# ... and more than 1 MB of anything\n",
            "manifests/leeds/example.yaml:1:1: E102 [error] file is 1.5 MB; files must be under 1.0 MB",
            make="large",
        ),
    ),
    Code(
        "E103",
        "file is not UTF-8",
        "The file is in another encoding (often Windows-1252 or Latin-1 from an older editor).",
        "Save the file as UTF-8.",
        Example(
            AT,
            _service("Report a missed bin", "Caf\u00e9 licence"),
            "manifests/leeds/example.yaml:4:10: E103 [error] byte 0xe9 is not valid UTF-8",
            make="latin-1",
        ),
    ),
    Code(
        "E104",
        "file is empty",
        "The file holds nothing, or only comments.",
        "Start from `standards new service`, which writes every field with an explanation.",
        Example(AT, "# to do\n", "manifests/leeds/example.yaml:1:1: E104 [error] file is empty"),
    ),
    Code(
        "E105",
        "YAML syntax error",
        "The file is not valid YAML: often a tab used for indentation, a bracket left open or a "
        "line indented differently from its neighbours.",
        "Fix the line named (or the line above it); indent with two spaces.",
        Example(
            AT,
            _service("channels: [web]", "channels: [web"),
            "manifests/leeds/example.yaml:8:6: E105 [error] YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence)",
        ),
    ),
    Code(
        "E106",
        "duplicate key",
        "A field appears twice in the same mapping. YAML would keep only the last, silently.",
        "Keep one of them.",
        Example(
            AT,
            SERVICE + "phase: beta\n",
            "manifests/leeds/example.yaml:12:1: E106 [error] duplicate key 'phase' (first on line 6)",
        ),
    ),
    Code(
        "E107",
        "anchor or alias",
        "The file uses YAML anchors (`&name`) or aliases (`*name`). They are refused: they make a "
        "file say more than it shows, and can make a small file expand without limit.",
        "Write the values out in full.",
        Example(
            AT,
            _service("  team: Waste", "  team: &t Waste\n  service_owner: *t"),
            "manifests/leeds/example.yaml:9:9: E107 [error] anchor &t is not allowed",
        ),
    ),
    Code(
        "E108",
        "tag not allowed",
        "A value carries a YAML tag (`!something`). Tags ask the reader to build objects, so none is allowed.",
        "Remove the tag and write a plain value.",
        Example(
            AT,
            _service("name: Report a missed bin", "name: !!python/name:os.system bin"),
            "manifests/leeds/example.yaml:4:7: E108 [error] tag !!python/name:os.system is not allowed",
        ),
    ),
    Code(
        "E109",
        "document is not a mapping",
        "The file is a list or a single value where `field: value` lines are needed, or a key is not plain text.",
        "Write the file as `field: value` lines, starting from `kind:`.",
        Example(
            AT,
            "- kind: Service\n- id: example\n",
            "manifests/leeds/example.yaml:1:1: E109 [error] the file must be a mapping of keys to values",
        ),
    ),
    Code(
        "E110",
        "more than one document",
        "The file holds several YAML documents separated by `---`. One file describes one thing.",
        "Put each document in its own file.",
        Example(
            AT,
            SERVICE + "---\n" + SERVICE,
            "manifests/leeds/example.yaml:12:1: E110 [error] file holds more than one YAML document",
        ),
    ),
    Code(
        "E111",
        "symlink points outside the repository",
        "The path is a symbolic link to a file outside the repository, which a check must not read.",
        "Replace the link with the file itself.",
        Example(
            AT,
            "/etc/hostname",
            "manifests/leeds/example.yaml:1:1: E111 [error] symlink points outside the repository (to /etc/hostname)",
            make="link",
        ),
    ),
    Code(
        "E112",
        "nested too deeply",
        f"Values are nested more than {MAX_DEPTH} levels deep; no manifest needs more than a few, and "
        "deeper ones can exhaust the reader.",
        "Flatten the structure.",
        Example(
            AT,
            SERVICE + "notes: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
            "manifests/leeds/example.yaml:12:39: E112 [error] values are nested more than 32 levels deep",
        ),
    ),
    Code(
        "E113",
        "control character in the text",
        "The file holds an invisible control character (anything below U+0020 but tab and line "
        "breaks, or a character YAML reads as a line break), usually pasted in from another program.",
        "Delete it: the message gives its line, column and code point.",
        Example(
            AT,
            _service("Report a missed bin", "Report a missed\x07 bin"),
            "manifests/leeds/example.yaml:4:22: E113 [error] control character U+0007 (BELL) is not allowed",
            shown=_service("name: Report a missed bin", "name: Report a missed bin  # U+0007 pasted after 'missed'"),
        ),
    ),
    Code(
        "E114",
        "more problems than are listed",
        f"A file lists its first {MAX_PROBLEMS_PER_FILE} problems, then this one with the count of the rest: "
        "so many are nearly always one mistake repeated, and listing them all would bury the rest of the run.",
        "Fix the problems listed (they usually share one cause, such as pasted data or a wrong indent) and "
        "check again.",
        Example(
            AT,
            SERVICE + "".join(f"field_{i}: x\n" for i in range(1, MAX_PROBLEMS_PER_FILE + 11)),
            "manifests/leeds/example.yaml:62:1: E114 [error] 10 more problems in this file not listed (60 in all)",
            shown=SERVICE + f"field_1: x\n# ... and so on, to field_{MAX_PROBLEMS_PER_FILE + 10}: x\n",
        ),
    ),
    # ---- E2xx: shape ----------------------------------------------------------------------
    Code(
        "E200",
        "unknown or missing kind",
        "`kind:` is missing or is not one of Service, Council, Standard and Pattern, or is not the "
        "kind the file's place expects.",
        "Set `kind:` to what the file describes (`Service` for a manifest).",
        Example(
            AT,
            _service("kind: Service", "kind: Servise"),
            "manifests/leeds/example.yaml:1:7: E200 [error] unknown kind 'Servise'; files here must be Service",
        ),
    ),
    Code(
        "E201",
        "unknown field",
        "A field the schema does not have: usually a misspelling, or a field in the wrong section.",
        "Use the field the `help:` line suggests; the fields are in the schema reference.",
        Example(
            AT,
            _service("phase: live", "phaze: live"),
            "manifests/leeds/example.yaml:6:1: E201 [error] unknown field 'phaze'",
        ),
    ),
    Code(
        "E202",
        "missing required field",
        "A field every file of its kind must have is not there.",
        "Add the field named.",
        Example(
            AT,
            _service("name: Report a missed bin\n", ""),
            "manifests/leeds/example.yaml:1:1: E202 [error] missing required field 'name'",
        ),
    ),
    Code(
        "E203",
        "value not allowed",
        "The field takes one of a fixed list of values, and this is not one of them.",
        "Use one of the values the message lists.",
        Example(
            AT,
            _service("phase: live", "phase: finished"),
            "manifests/leeds/example.yaml:6:8: E203 [error] 'phase' must be one of 'discovery', 'alpha', 'beta', "
            "'live', 'retired'; got 'finished'",
        ),
    ),
    Code(
        "E204",
        "wrong type",
        "The value is the wrong kind of thing: text where a list, a number or true/false is needed.",
        "Write the value as the message says (for a list, `[a, b]`).",
        Example(
            AT,
            _service("channels: [web]", "channels: web"),
            "manifests/leeds/example.yaml:7:11: E204 [error] 'channels' should be a list (lines starting with `- "
            "`); got 'web'",
        ),
    ),
    Code(
        "E205",
        "invalid value",
        "The value has the right type but not the right form: a date, a web address, an id, a "
        "version number, a number out of its range, a list longer than "
        f"{MAX_ITEMS} entries ({MAX_REQUIREMENT_ENTRIES} for `waivers` and `evidence`), or a requirement "
        "in a standard that breaks a rule of its own.",
        "Write the value in the form the message asks for.",
        Example(
            AT,
            SERVICE + "accessibility:\n  statement_url: leeds.gov.uk/accessibility\n",
            "manifests/leeds/example.yaml:13:18: E205 [error] 'accessibility.statement_url' should be a web "
            "address starting with https://; got 'leeds.gov.uk/accessibility'",
        ),
    ),
    # ---- E3xx: references ----------------------------------------------------------------
    Code(
        "E300",
        "unknown standard",
        "`conforms_to` names a standard that is not in `standards/` (or has been removed).",
        "Use a standard id from `standards/`; the message suggests the closest.",
        Example(
            AT,
            _CONFORMS.replace("standard: demo", "standard: dmeo"),
            "manifests/leeds/example.yaml:13:15: E300 [error] unknown standard 'dmeo'",
        ),
    ),
    Code(
        "E301",
        "unknown pattern",
        "`patterns` names a pattern that is not in `standards/patterns/`.",
        "Use a pattern id from the patterns catalogue; the message suggests the closest.",
        Example(
            AT,
            SERVICE + "patterns: [gov-uk-notfy]\n",
            "manifests/leeds/example.yaml:12:12: E301 [error] unknown pattern 'gov-uk-notfy'",
        ),
    ),
    Code(
        "E302",
        "unknown council",
        "The manifest is in a council folder that has no `council.yaml`.",
        "Add the council first: `standards new council CODE` writes its `council.yaml`.",
        Example(
            "manifests/yrok/example.yaml",
            SERVICE,
            "manifests/yrok/example.yaml:1:1: E302 [error] no council.yaml for council folder 'yrok'",
        ),
    ),
    Code(
        "E303",
        "unknown requirement",
        "Evidence, a waiver or a pattern's `helps_meet` names a requirement id no standard that applies has.",
        "Use the requirement's id as the standard writes it; the message suggests the closest.",
        Example(
            AT,
            SERVICE
            + "waivers:\n  - requirement: DEMO-10\n    reason: Replaced in March.\n"
            + "    approved_by: Head of Digital\n    expires: 2026-12-31\n",
            "manifests/leeds/example.yaml:13:18: E303 [error] waiver for unknown requirement 'DEMO-10'",
        ),
    ),
    Code(
        "E304",
        "id does not match the file name",
        "A file's `id` must be its file name without `.yaml` (a council's, its folder's name), so "
        "that every id can be found from its path.",
        "Set `id:` to the file name, or rename the file.",
        Example(
            AT,
            _service("id: example", "id: missed-bins"),
            "manifests/leeds/example.yaml:3:5: E304 [error] id 'missed-bins' does not match the file name "
            "'example.yaml'",
        ),
    ),
    Code(
        "E305",
        "version not available",
        "`conforms_to` pins a version of the standard that never existed in the repository's Git history.",
        "Pin a major version that exists (`version: 2`), or check the history with `standards versions ID`.",
        Example(
            AT,
            _CONFORMS.replace("version: 2", "version: 7"),
            "manifests/leeds/example.yaml:14:14: E305 [error] demo version 7 is not available: the standard is "
            "at 2.1.0 and Git history has no such version",
        ),
    ),
    Code(
        "E306",
        "duplicate id",
        "Two requirements (in one standard or across standards), or two standards, share an id.",
        "Give the new one its own id; ids are never reused.",
        Example(
            DEMO,
            "  - id: DEMO-01\n    title: Audit within the last year",
            "standards/demo.yaml:27:9: E306 [error] requirement id DEMO-01 is used twice",
            replaces="  - id: DEMO-02\n    title: Audit within the last year",
            command="lint",
        ),
    ),
    Code(
        "E307",
        "invalid rule expression",
        "A rule (`check`, `applies_when`, `applies_to.when`) is not valid CEL, or is over the size "
        "limits in standards/README.md.",
        "Fix the expression; standards/README.md explains rules and their limits.",
        Example(
            DEMO,
            "    check: service.performance.kpis_url !=",
            "standards/demo.yaml:42:12: E307 [error] DEMO-03.check: expression `service.performance.kpis_url !=` "
            "does not compile: Failed to parse expression 'service.performance.kpis_url !=': ERROR: "
            "<input>:1:32: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', "
            "'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
            replaces="    check: service.performance.kpis_url != null",
            command="lint",
        ),
    ),
    Code(
        "E308",
        "rule names a field the manifest schema lacks",
        "A rule reads a field no manifest can have, so it could never see a value.",
        "Use the field the `help:` line suggests; the fields are in checks/models.py.",
        Example(
            DEMO,
            "    check: service.performance.kpi_url != null",
            "standards/demo.yaml:42:12: E308 [error] DEMO-03.check: `service.performance` has no field `kpi_url` "
            "(character 21)",
            replaces="    check: service.performance.kpis_url != null",
            command="lint",
        ),
    ),
    Code(
        "E309",
        "rule does not give true or false",
        "A rule gives a number, text, a list or null instead of true or false.",
        'Compare the value with something (`!= null`, `== "live"`, `> 0`).',
        Example(
            DEMO,
            "    check: service.lgsl + 1",
            "standards/demo.yaml:42:12: E309 [error] DEMO-03.check: gives the result of `+`, not true or false",
            replaces="    check: service.performance.kpis_url != null",
            command="lint",
        ),
    ),
    Code(
        "E310",
        "rule fails on one of its standard's examples",
        "A rule stops with an error when run on one of the standard's example manifests "
        "(`standards/examples/<standard>/`): most often a method called on a value the example leaves "
        "empty (null), which the rule engine reports as an undefined function.",
        "Guard the values the rule reads (`x != null && ...`) and run `standards lint` again.",
        Example(
            DEMO,
            '    check: service.performance.kpis_url.startsWith("https")',
            "standards/demo.yaml:42:12: E310 [error] DEMO-03.check: fails on example demo/pass.yaml: Undefined "
            "variable or function: 'startsWith'. Check that the variable is defined in the context or that the "
            "function name is spelled correctly.",
            replaces="    check: service.performance.kpis_url != null",
            command="lint",
            before=(
                Edit("standards/examples/council.yaml", "", COUNCIL),
                Edit("standards/examples/demo/pass.yaml", "", _CONFORMS.replace("id: example", "id: pass")),
            ),
        ),
    ),
    Code(
        "E311",
        "council not in the register",
        "A `council.yaml`'s codes are in neither the register of current councils nor of former ones.",
        "Use the council's GSS code or three-letter register code; `standards new council NAME` lists matches.",
        Example(
            "manifests/leeds/council.yaml",
            "name: Nowhere Council\ngss_code: E08000999\nregister_code: XYZ",
            "manifests/leeds/council.yaml:6:11: E311 [error] no council in the register has GSS code E08000999, "
            "register code XYZ or the name 'Nowhere Council'",
            replaces="name: Leeds City Council\ngss_code: E08000035\nregister_code: LDS",
        ),
    ),
    Code(
        "E312",
        "does not match the council register",
        "A `council.yaml` field (name, GSS code, type, nation, region) differs from the register's entry.",
        "Set the field to the register's value, which the `help:` line gives.",
        Example(
            "manifests/leeds/council.yaml",
            "name: Leeds Council",
            "manifests/leeds/council.yaml:5:7: E312 [error] name 'Leeds Council' does not match the register: "
            "LDS (E08000035) is Leeds City Council",
            replaces="name: Leeds City Council",
        ),
    ),
    Code(
        "E313",
        "former council",
        "The council has been abolished or merged into another since the register began.",
        "Describe the services under the successor council the message names.",
        Example(
            "manifests/allerdale/council.yaml",
            FORMER,
            "manifests/allerdale/council.yaml:5:11: E313 [error] Allerdale Borough Council (ALL, E07000026) is a "
            "former council: it was abolished in 2023 and merged into Cumberland Council (CBD, E06000063)",
        ),
    ),
    Code(
        "E314",
        "unknown LGSL code",
        "The service's `lgsl` is not in the Local Government Service List the registry ships.",
        "Use an LGSL code from the list; the message suggests codes whose labels match the service's name.",
        Example(
            AT,
            _service("lgsl: 524", "lgsl: 99999"),
            "manifests/leeds/example.yaml:5:7: E314 [error] lgsl 99999 is not a service in the Local Government "
            "Service List",
        ),
    ),
    # ---- E4xx: standards lint ------------------------------------------------------------
    Code(
        "E400",
        "content changed without a version bump",
        "A standard's content changed since the base ref but its version did not.",
        "Bump the version as the `help:` line suggests (patch for wording, minor for additions, major if breaking).",
        Example(
            DEMO,
            "title: A demonstration standard",
            "standards/demo.yaml:6:10: E400 [error] content changed since HEAD but the version is still 2.1.0",
            replaces="title: Demonstration standard for the test suite",
            command=BASE,
        ),
    ),
    Code(
        "E401",
        "breaking change without a major version bump",
        "The change can make a service that met the old version fail the new one (a new `must`, a "
        "raised level, a changed check, a removed requirement), but the major version is the same.",
        "Bump the major version (`2.1.0` to `3.0.0`).",
        Example(
            DEMO,
            "version: 2.2.0",
            "standards/demo.yaml:6:10: E401 [error] breaking change needs a major version bump (DEMO-02: level "
            "raised from should to must)",
            replaces="version: 2.1.0",
            command=BASE,
            also=(Edit(DEMO, "    level: should\n", "    level: must\n"),),
        ),
    ),
    Code(
        "E402",
        "version went backwards",
        "The standard's version is lower than at the base ref.",
        "Versions only go up: use a version above the base's.",
        Example(
            DEMO,
            "version: 2.0.0",
            "standards/demo.yaml:6:10: E402 [error] version went backwards from 2.1.0 to 2.0.0",
            replaces="version: 2.1.0",
            command=BASE,
        ),
    ),
    Code(
        "E403",
        "requirement id reused",
        "A requirement id that an earlier version retired is used again for a different requirement.",
        "Give the new requirement a new id; ids are never reused.",
        Example(
            DEMO,
            "  - id: DEMO-03\n    title: Publish performance data",
            "standards/demo.yaml:37:9: E403 [error] requirement id DEMO-03 was retired ('Live services publish "
            "performance data') and is reused for a different requirement",
            replaces="  - id: DEMO-05\n    title: Live services publish performance data",
            command=BASE,
            before=(
                Edit(DEMO, "  - id: DEMO-03\n", "  - id: DEMO-05\n"),
                Edit(DEMO, "version: 2.1.0", "version: 3.0.0"),
            ),
        ),
    ),
    Code(
        "E404",
        "prefix used twice",
        "Two standards use the same requirement prefix, so their ids could collide.",
        "Choose a prefix no other standard uses.",
        Example(
            "standards/demo-two.yaml",
            SECOND_STANDARD,
            "standards/demo.yaml:4:9: E404 [error] prefix DEMO is already used by standard 'demo-two'",
            command="lint",
        ),
    ),
    # ---- Wxxx: warnings --------------------------------------------------------------------
    Code(
        "W001",
        "older version pinned",
        "The manifest pins an older version of a standard than the current one, and is checked "
        "against the version it pins.",
        "See what changed with `standards diff`, meet it, then pin the current major version.",
        Example(
            AT,
            _CONFORMS,
            "manifests/leeds/example.yaml:14:14: W001 [warning] checked against demo 2.1.0 as pinned; the "
            "current version is 3.0.0",
            before=(Edit(DEMO, "version: 2.1.0", "version: 3.0.0"),),
        ),
    ),
    Code(
        "W002",
        "standard deprecated or retired",
        "The manifest conforms to a standard marked `deprecated` or `retired`.",
        "Read the standard's summary for what replaces it and plan the move.",
        Example(
            AT,
            _CONFORMS,
            "manifests/leeds/example.yaml:14:14: W002 [warning] demo 2.1.0 is deprecated",
            before=_DEPRECATED,
        ),
    ),
    Code(
        "W003",
        "standard past its sunset date",
        "The manifest conforms to a version of a standard whose `sunset` date has passed.",
        "Move to the current version of the standard, or the one that replaces it.",
        Example(
            AT,
            _CONFORMS,
            "manifests/leeds/example.yaml:14:14: W003 [warning] demo 2.1.0 passed its sunset date on 2026-01-01",
            before=_SUNSET,
        ),
    ),
)

PROBLEM_CODES: dict[str, str] = {c.code: c.title for c in CODES}
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}


def code_url(code: str) -> str | None:
    """The code's entry on the published site, or None for a code not in the table (a requirement id)."""
    return f"{SITE}{PAGE}/#{code.lower()}" if code in BY_CODE else None


_GROUPS = (
    ("E1", "E1xx: the file could not be read"),
    ("E2", "E2xx: the file is not the shape its kind needs"),
    ("E3", "E3xx: the file names something that does not exist"),
    ("E4", "E4xx: `standards lint` refuses a change to a standard"),
    ("W", "Wxxx: warnings (they never fail a run)"),
)


def _setup(edit: Edit, committed: bool) -> str:
    when = "committed first" if committed else "and"
    if not edit.old:
        return f"- {when}: a new file `{edit.path}`"
    return f"- {when}: in `{edit.path}`, `{edit.old.strip()}` becomes `{edit.new.strip()}`"


def _example_markdown(example: Example) -> list[str]:
    command = f"standards check {example.path}" if example.command == "check" else f"standards {example.command}"
    if example.make == "none":
        shown = [f"`{example.path}` does not exist."]
    elif example.make == "link":
        shown = [f"`{example.path}` is a symbolic link to `{example.text}`."]
    else:
        note = " (saved as Latin-1)" if example.make == "latin-1" else ""
        what = "with these lines changed" if example.replaces else "holds"
        text = example.shown or example.text
        shown = [f"`{example.path}` {what}{note}:", "", "```yaml", text.rstrip("\n"), "```"]
    setup = [_setup(e, True) for e in example.before] + [_setup(e, False) for e in example.also]
    return [
        *shown,
        *(["", *setup] if setup else []),
        "",
        f"`{command}` prints:",
        "",
        "```text",
        example.printed,
        "```",
    ]


def markdown() -> str:
    """The table as the site's reference page, one section per code with the code as its anchor."""
    out = [
        "# Problem codes",
        "",
        "Every problem `standards check` and `standards lint` report has a code. E codes mean a file "
        "has a mistake and fail the run; W codes are warnings. Each finding is printed as "
        "`path:line:column: CODE [level] message` with a `help:` line under it. The examples are run "
        "against a council folder `manifests/leeds/` and a standard `demo` (requirements DEMO-01 to "
        "DEMO-04); a test runs every one and expects the line shown.",
        "",
    ]
    for prefix, heading in _GROUPS:
        out += [f"## {heading}", ""]
        out += [f"- [{c.code}](#{c.anchor}) {c.title}" for c in CODES if c.code.startswith(prefix)]
        out.append("")
        for c in (c for c in CODES if c.code.startswith(prefix)):
            out += [f"### {c.code} {c.title} {{#{c.anchor}}}", "", c.means, ""]
            out += [*_example_markdown(c.example), "", f"**How to fix it:** {c.fix}", ""]
    return "\n".join(out)
