"""E2xx: the file is YAML, but not the shape its kind needs."""

from __future__ import annotations

from checks.codes.model import AT, SERVICE, Code, Example, service_with
from checks.models import MAX_ITEMS, MAX_REQUIREMENT_ENTRIES

SHAPE: tuple[Code, ...] = (
    Code(
        "E200",
        "unknown or missing kind",
        "`kind:` is missing or is not one of Service, Council, Standard and Pattern, or is not the "
        "kind the file's place expects.",
        "Set `kind:` to what the file describes (`Service` for a manifest).",
        Example(
            AT,
            service_with("kind: Service", "kind: Servise"),
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
            service_with("phase: live", "phaze: live"),
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
            service_with("name: Report a missed bin\n", ""),
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
            service_with("phase: live", "phase: finished"),
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
            service_with("channels: [web]", "channels: web"),
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
    Code(
        "E206",
        "supplier role not in the list",
        "A supplier's `role` is one of a fixed list (line-of-business system, case management, CRM, "
        "payments, web platform, forms, hosting, integration, data/analytics, consultancy, other), because "
        "the supplier markets are counted by role; this one is free text.",
        "Use the role the `help:` line suggests (or the nearest in the list) and move your description "
        "into `provides:`.",
        Example(
            AT,
            SERVICE + "suppliers:\n  - name: Example Software Ltd\n    role: waste collection and in-cab system\n",
            "manifests/leeds/example.yaml:14:11: E206 [error] 'suppliers[0].role' is not a supplier role in the "
            "list; got 'waste collection and in-cab system'",
        ),
    ),
)
