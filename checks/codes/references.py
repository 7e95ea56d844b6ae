"""E3xx: the file names something that does not exist, or disagrees with a register."""

from __future__ import annotations

from checks.codes.model import (
    AT,
    ATTESTED,
    BRADFORD,
    CONFORMS,
    COUNCIL,
    DEMO,
    FORMER,
    RESTRICTED_DEMO,
    RESTRICTED_FILE,
    SERVICE,
    Code,
    Edit,
    Example,
    service_with,
)

REORGANISATION_AT = "reorganisations/west-yorkshire.yaml"
REORGANISATION = (
    "kind: Reorganisation\nschema_version: 1\nname: West Yorkshire\ncouncils: [LDS, BRD]\nvesting: 2028-04-01\n"
)

REFERENCES: tuple[Code, ...] = (
    Code(
        "E300",
        "unknown standard",
        "`conforms_to` names a standard that is not in `standards/` (or has been removed).",
        "Use a standard id from `standards/`; the message suggests the closest.",
        Example(
            AT,
            CONFORMS.replace("standard: demo", "standard: dmeo"),
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
            service_with("id: example", "id: missed-bins"),
            "manifests/leeds/example.yaml:3:5: E304 [error] id 'missed-bins' does not match the file name "
            "'example.yaml'",
        ),
    ),
    Code(
        "E305",
        "version not available",
        "`conforms_to` pins a version of the standard that is neither in the repository's Git history nor "
        "in the releases of the standards the tool carries.",
        "Pin a major version that exists (`version: 2`), or check the history with `standards versions ID`.",
        Example(
            AT,
            CONFORMS.replace("version: 2", "version: 7"),
            "manifests/leeds/example.yaml:14:14: E305 [error] demo version 7 is not available: the standard is "
            "at 2.1.0, and neither Git history nor the tool's releases have that version (versions: 2.1.0)",
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
                Edit("standards/examples/demo/pass.yaml", "", CONFORMS.replace("id: example", "id: pass")),
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
        "Describe the services under the successor council the message names: `standards reorganise OLD --into "
        "NEW` moves the folder's services there with their history.",
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
            service_with("lgsl: 524", "lgsl: 99999"),
            "manifests/leeds/example.yaml:5:7: E314 [error] lgsl 99999 is not a service in the Local Government "
            "Service List",
        ),
    ),
    Code(
        "E315",
        "unknown standards release",
        "`standards.toml` names a release of the standards that this version of the tool does not carry "
        "(`--standards-release` with such a name is a usage error instead). The tool carries the standards "
        "every earlier version of it shipped with, named by that version. Nothing is checked.",
        "Name a release the message lists, or delete `release` to use the tool's own; a newer release needs "
        "a newer version of the tool (the action's `@ref`, the hook's `rev`).",
        Example(
            "standards",
            "",
            "standards.toml:1:11: E315 [error] no standards release '9.9.9'",
            make="remove",
            also=(Edit("standards.toml", "", 'release = "9.9.9"\n'),),
        ),
    ),
    Code(
        "E316",
        "a release named beside standards/",
        "`standards.toml` names a release, but the repository keeps its own `standards/`, which it is "
        "always checked against: the two disagree about which standards apply. Nothing is checked.",
        "Delete `release` to check against `standards/`, or delete `standards/` to check against the release.",
        Example(
            "standards.toml",
            'release = "0.1.0"\n',
            "standards.toml:1:11: E316 [error] release '0.1.0' is named, but this repository keeps its own standards/",
        ),
    ),
    Code(
        "E317",
        "service id taken in the successor's folder",
        "`standards reorganise` would move a predecessor council's service into its successor's folder, "
        "where another service (the successor's own, or another predecessor's) has the same id. Nothing is moved.",
        "Pass `--on-clash prefix` (the id becomes `<old-folder>-<id>`) or `--on-clash suffix` (`<id>-<old-folder>`), "
        "or run the command at a terminal to choose each new id.",
        Example(
            "manifests/bradford/good.yaml",
            service_with("id: example", "id: good"),
            "manifests/bradford/good.yaml:3:5: E317 [error] service id 'good' from BRD is already taken in the "
            "successor's folder, by manifests/leeds/good.yaml",
            command="reorganise BRD --into LDS --vesting 2027-04-01",
            before=(Edit("manifests/bradford/council.yaml", "", BRADFORD),),
            make="committed",
        ),
    ),
    Code(
        "E320",
        "restricted field in a public manifest",
        "A field that a restricted requirement reads (a security setting, a test date, evidence or a "
        "waiver for such a requirement) is written in the public manifest, where anyone can read it.",
        "Move it to `<service>.restricted.yaml` beside the manifest, keep that file out of Git, and "
        "publish the result with `standards attest`.",
        Example(
            AT,
            SERVICE + "accessibility:\n  last_audit: 2026-01-10\n",
            "manifests/leeds/example.yaml:13:3: E320 [error] accessibility.last_audit is restricted: move it to "
            "example.restricted.yaml and keep that file out of public repositories",
            before=RESTRICTED_DEMO,
        ),
    ),
    Code(
        "E321",
        "restricted file in a public check",
        "A `<service>.restricted.yaml` was given to `standards check --public`, which is what the "
        "pre-commit hook runs on a file staged for commit: restricted files never enter a public "
        "repository.",
        "Unstage it (`git rm --cached FILE`) and make sure `.gitignore` holds `*.restricted.yaml`.",
        Example(
            "manifests/leeds/example.restricted.yaml",
            RESTRICTED_FILE,
            "manifests/leeds/example.restricted.yaml:1:1: E321 [error] example.restricted.yaml is a restricted "
            "file and must not be committed to a public repository or published",
            command="check --public",
        ),
    ),
    Code(
        "E322",
        "restricted file without a public manifest",
        "A `<service>.restricted.yaml` has no manifest `<service>.yaml` beside it, so nothing uses its facts.",
        "Add the public manifest (`standards new service` writes both), or name the file after its manifest.",
        Example(
            "manifests/leeds/missing.restricted.yaml",
            RESTRICTED_FILE.replace("id: example", "id: missing"),
            "manifests/leeds/missing.restricted.yaml:1:1: E322 [error] restricted file for a service with no "
            "public manifest: missing.yaml is not beside it",
        ),
    ),
    Code(
        "E323",
        "attestation does not match the restricted file",
        "The SHA-256 digest in an attestation is not that of the `<service>.restricted.yaml` beside the "
        "manifest: the file changed after it was attested.",
        "Check the service again with the file and run `standards attest`.",
        Example(
            AT,
            SERVICE + ATTESTED,
            "manifests/leeds/example.yaml:21:13: E323 [error] the attestation's digest does not match "
            "example.restricted.yaml beside it",
            before=RESTRICTED_DEMO,
            also=(Edit("manifests/leeds/example.restricted.yaml", "", RESTRICTED_FILE),),
        ),
    ),
    Code(
        "E324",
        "attestation dates not allowed",
        "An attestation is dated after the date the check runs at, or expires before it was made or later "
        "than its standard's `attestation_days` (at most 12 months) allow.",
        "Let `standards attest` write the dates; attest again when an attestation runs out.",
        Example(
            AT,
            SERVICE
            + ATTESTED.replace("date: 2026-10-01", "date: 2027-01-01").replace(
                "expires: 2027-09-30", "expires: 2027-06-30"
            ),
            "manifests/leeds/example.yaml:18:11: E324 [error] attestation dated 2027-01-01, later than the date "
            "checked at (2026-11-01)",
            before=RESTRICTED_DEMO,
        ),
    ),
    Code(
        "E325",
        "attestation for a standard or version that does not exist",
        "An attestation names a standard that is not in `standards/`, one with no restricted requirements, "
        "or a version of it that never existed.",
        "Let `standards attest` write attestations; it names the version it judged against.",
        Example(
            AT,
            SERVICE + ATTESTED.replace('version: "2.1.0"', 'version: "9.0.0"'),
            "manifests/leeds/example.yaml:14:14: E325 [error] attestation for demo 9.0.0, a version that does not "
            "exist (the standard is at 2.1.0)",
            before=RESTRICTED_DEMO,
        ),
    ),
    Code(
        "E340",
        "unknown council in a reorganisation",
        "A `reorganisations/<name>.yaml` names a code that is neither a current nor a former council in the "
        "register the project ships.",
        "Use the council's three-letter register code or GSS code; `standards new council NAME` lists matches.",
        Example(
            REORGANISATION_AT,
            REORGANISATION.replace("[LDS, BRD]", "[LDS, XYZ]"),
            "reorganisations/west-yorkshire.yaml:4:17: E340 [error] no council in the register has the code 'XYZ'",
        ),
    ),
    Code(
        "E341",
        "council named twice in a reorganisation",
        "A reorganisation names the same council twice (by its register code and GSS code, say), or fewer "
        "than two different councils.",
        "Name each merging council once.",
        Example(
            REORGANISATION_AT,
            REORGANISATION.replace("[LDS, BRD]", "[LDS, BRD, E08000035]"),
            "reorganisations/west-yorkshire.yaml:4:22: E341 [error] Leeds City Council (LDS) is named twice "
            "('LDS' and 'E08000035')",
        ),
    ),
    Code(
        "E342",
        "vesting day outside a council's life",
        "A reorganisation's vesting day is before one of its councils existed (a council formed by an earlier "
        "merger) or after one was abolished.",
        "Give a vesting day on which every council named existed, or name the councils that served the area then.",
        Example(
            REORGANISATION_AT,
            REORGANISATION.replace("[LDS, BRD]", "[LDS, CBD]").replace("2028-04-01", "2021-04-01"),
            "reorganisations/west-yorkshire.yaml:5:10: E342 [error] Cumberland Council (CBD) did not exist until "
            "1 April 2023, after the vesting day 1 April 2021",
        ),
    ),
)
