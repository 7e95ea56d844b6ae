"""E4xx: `standards lint` refuses a change to a standard (against `--base`)."""

from __future__ import annotations

from checks.codes.model import BASE, DEMO, RESTRICTED_DEMO, SECOND_STANDARD, Code, Edit, Example

LINT: tuple[Code, ...] = (
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
    Code(
        "E405",
        "public requirement reads a restricted field",
        "A requirement without `visibility: restricted` has a check reading a field that a restricted "
        "requirement reads; that field is never in a public manifest, so the check could not be judged in public.",
        "Mark the requirement `visibility: restricted`, or change its check.",
        Example(
            DEMO,
            "    check: service.accessibility.last_audit != null",
            "standards/demo.yaml:43:12: E405 [error] DEMO-03 is public but its check reads accessibility.last_audit, "
            "a restricted field (DEMO-02 reads it)",
            replaces="    check: service.performance.kpis_url != null",
            command="lint",
            before=RESTRICTED_DEMO,
        ),
    ),
)
