"""Wxxx: warnings, which never fail a run."""

from __future__ import annotations

from checks.codes.model import (
    AT,
    ATTESTED,
    CONFORMS,
    DEMO,
    DEPRECATED,
    RESTRICTED_DEMO,
    SERVICE,
    SUNSET,
    Code,
    Edit,
    Example,
)

WARNINGS: tuple[Code, ...] = (
    Code(
        "W001",
        "older version pinned",
        "The manifest pins an older version of a standard than the current one, and is checked "
        "against the version it pins.",
        "See what changed with `standards diff`, meet it, then pin the current major version.",
        Example(
            AT,
            CONFORMS,
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
            CONFORMS,
            "manifests/leeds/example.yaml:14:14: W002 [warning] demo 2.1.0 is deprecated",
            before=DEPRECATED,
        ),
    ),
    Code(
        "W003",
        "standard past its sunset date",
        "The manifest conforms to a version of a standard whose `sunset` date has passed.",
        "Move to the current version of the standard, or the one that replaces it.",
        Example(
            AT,
            CONFORMS,
            "manifests/leeds/example.yaml:14:14: W003 [warning] demo 2.1.0 passed its sunset date on 2026-01-01",
            before=SUNSET,
        ),
    ),
    Code(
        "W004",
        "attested against an older major version",
        "An attestation was made against an older major version of its standard than the current one; "
        "it still counts until it expires.",
        "Check the restricted requirements against the current version and run `standards attest` again.",
        Example(
            AT,
            SERVICE + ATTESTED,
            "manifests/leeds/example.yaml:14:14: W004 [warning] attested against demo 2.1.0; the current version "
            "is 3.0.0",
            before=(*RESTRICTED_DEMO, Edit(DEMO, "version: 2.1.0", "version: 3.0.0")),
        ),
    ),
)
