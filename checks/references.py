"""What a service manifest names, checked against what exists: the standards it conforms to and
their pinned versions, the patterns it uses, the requirements its waivers and evidence cite, and
its council; and the warnings for a pin that is old, deprecated, retired or past its sunset.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable

from checks.engine import Catalogue, document_locator
from checks.loading import Document, NodePath
from checks.models import Service, Status
from checks.problems import Problem


def suggest(name: str, choices: Iterable[str]) -> str:
    guess = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{guess[0]}'?" if guess else ""


def reference_problems(
    service: Service, catalogue: Catalogue, doc: Document, council_id: str | None, file_stem: str | None
) -> list[Problem]:
    """Names in the manifest that point at nothing: standards, patterns, requirements, the council."""
    locate = document_locator(doc)
    problems: list[Problem] = []

    def add(code: str, message: str, help_text: str, path: NodePath, at_key: bool = False) -> None:
        key = doc.key_place(path) if at_key else None
        line, column = key if key is not None else locate(path)
        problems.append(Problem(code, message, help_text, line, column))

    if file_stem is not None and service.id != file_stem:
        add(
            "E304",
            f"id '{service.id}' does not match the file name '{file_stem}.yaml'",
            f"set `id: {file_stem}` or rename the file to {service.id}.yaml",
            ("id",),
        )
    if council_id is not None and council_id not in catalogue.councils:
        add(
            "E302",
            f"no council.yaml for council folder '{council_id}'",
            f"add manifests/{council_id}/council.yaml (`standards new council CODE` writes one)",
            (),
        )
    for i, conformance in enumerate(service.conforms_to):
        compiled = catalogue.standards.get(conformance.standard)
        if compiled is None:
            hint = suggest(conformance.standard, catalogue.standards) or (
                "known standards: " + ", ".join(sorted(catalogue.standards))
            )
            removed = catalogue.removed_standard(conformance.standard)
            message = f"unknown standard '{conformance.standard}'"
            if removed:
                message = f"standard '{conformance.standard}' was removed; {removed}"
                hint = "remove it from conforms_to, or declare the standard that replaced it"
            add("E300", message, hint, ("conforms_to", i, "standard"))
            continue
        pinned = catalogue.pinned(conformance.standard, conformance.version)
        if isinstance(pinned, str):
            add(
                "E305",
                pinned,
                f"pin `version: {compiled.major}` to follow the current major version",
                ("conforms_to", i, "version"),
            )
    for i, pattern in enumerate(service.patterns):
        if pattern not in catalogue.patterns:
            hint = suggest(pattern, catalogue.patterns) or "see standards/patterns/ for the catalogue"
            add("E301", f"unknown pattern '{pattern}'", hint, ("patterns", i))
    known = catalogue.requirements_for(service)
    for requirement_id in service.evidence:
        if requirement_id not in known:
            add(
                "E303",
                f"evidence for unknown requirement '{requirement_id}'",
                suggest(requirement_id, known) or "check the id against the standard",
                ("evidence", requirement_id),
                at_key=True,
            )
    for i, waiver in enumerate(service.waivers):
        if waiver.requirement not in known:
            add(
                "E303",
                f"waiver for unknown requirement '{waiver.requirement}'",
                suggest(waiver.requirement, known) or "check the id against the standard",
                ("waivers", i, "requirement"),
            )
    return problems


def pin_warnings(service: Service, catalogue: Catalogue, as_of: dt.date, doc: Document) -> list[Problem]:
    """Tell a council when a standard it declares is old, deprecated, retired or past its sunset."""
    locate = document_locator(doc)
    warnings: list[Problem] = []
    for i, conformance in enumerate(service.conforms_to):
        current = catalogue.standards.get(conformance.standard)
        if current is None:
            continue
        pinned = catalogue.pinned(conformance.standard, conformance.version)
        if isinstance(pinned, str):
            continue
        newest = current.standard.version
        standards = {id(pinned.standard): pinned.standard, id(current.standard): current.standard}.values()
        if pinned is current and not any(
            s.status in (Status.DEPRECATED, Status.RETIRED) or (s.sunset is not None and s.sunset < as_of)
            for s in standards
        ):
            continue  # nothing to say: skip locating it, which walks the file
        where = locate(("conforms_to", i, "version"))
        if pinned is not current:
            # In a shallow clone the older version came from the releases packaged with the tool, not Git.
            missing = catalogue.version_source.history_missing() if catalogue.version_source else None
            packaged = (
                f" ({missing}; until then it is read from the releases packaged with the tool)" if missing else ""
            )
            warnings.append(
                Problem(
                    "W001",
                    f"checked against {pinned.id} {pinned.standard.version} as pinned; the current version is {newest}",
                    f"see what changed with `standards diff {pinned.id} {pinned.standard.version} {newest}`, "
                    f"then move to `version: {current.major}`" + packaged,
                    *where,
                )
            )
        for standard in standards:
            if standard.status in (Status.DEPRECATED, Status.RETIRED):
                warnings.append(
                    Problem(
                        "W002",
                        f"{standard.id} {standard.version} is {standard.status}",
                        "read the standard's summary for what replaces it and plan the move",
                        *where,
                    )
                )
            if standard.sunset is not None and standard.sunset < as_of:
                warnings.append(
                    Problem(
                        "W003",
                        f"{standard.id} {standard.version} passed its sunset date on {standard.sunset.isoformat()}",
                        f"move to the current version ({newest})",
                        *where,
                    )
                )
    return warnings
