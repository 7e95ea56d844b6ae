"""Keeping restricted facts out of public manifests, and reading them from the file beside one.

`standards check` (Mode.PRIVATE, a council's own machine) merges `<service>.restricted.yaml` into
the manifest when it is there; `standards check --public` (Mode.PUBLIC, what a published report
or a pre-commit hook sees) never reads one and refuses one named to it; the index (Mode.PUBLISH)
never reads one and redacts a restricted field committed to a public manifest by mistake.
Which fields are restricted comes from the standards' rules (Catalogue.restricted_fields).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Any

from checks.attestation import digest
from checks.engine import Catalogue
from checks.history import HistoryError, matches_spec
from checks.loading import Document, NodePath, load_file
from checks.models import RestrictedService, Service
from checks.problems import Problem
from checks.validation import validate
from checks.visibility import public_manifest, restricted_sibling

# Sections a restricted file may hold, merged into the manifest's: mappings by key, lists appended.
MERGED = ("accessibility", "data", "source_code", "security", "team", "performance", "evidence", "waivers")


class Mode(StrEnum):
    PRIVATE = "private"
    PUBLIC = "public"
    PUBLISH = "publish"


def _node_path(dotted: str) -> NodePath:
    # Requirement ids hold dots (CAF-A2.1), so evidence entries split once.
    if dotted.startswith("evidence."):
        return ("evidence", dotted.removeprefix("evidence."))
    return tuple(dotted.split("."))


def _present(data: Any, path: NodePath) -> bool:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def found_restricted(data: Any, catalogue: Catalogue) -> list[tuple[NodePath, str, str]]:
    """Restricted facts written in a manifest's data: (where, the field as people name it, a requirement reading it)."""
    found: list[tuple[NodePath, str, str]] = []
    if not isinstance(data, dict):
        return found
    for dotted, rid in catalogue.restricted_fields().items():
        path = _node_path(dotted)
        if _present(data, path):
            found.append((path, dotted, rid))
    restricted = catalogue.restricted_requirements()
    waivers = data.get("waivers")
    for i, waiver in enumerate(waivers if isinstance(waivers, list) else []):
        if isinstance(waiver, dict) and waiver.get("requirement") in restricted:
            rid = str(waiver["requirement"])
            found.append((("waivers", i), f"the waiver for {rid}", rid))
    return sorted(found, key=lambda f: str(f[0]))


def restricted_field_problems(doc: Document, catalogue: Catalogue, stem: str) -> list[Problem]:
    """E320 for each restricted fact written in a public manifest."""
    problems = []
    for path, shown, _ in found_restricted(doc.data, catalogue):
        line, column = doc.key_place(path) or doc.place(path)
        problems.append(
            Problem(
                "E320",
                f"{shown} is restricted: move it to {stem}.restricted.yaml and keep that file out of public "
                "repositories",
                # The requirement is not named: this answer may be published (a CI log, the API's /validate).
                f"a restricted requirement reads it: `standards check` reads {stem}.restricted.yaml when it is "
                "beside the manifest, and `standards attest` publishes the result without the facts",
                line,
                column,
            )
        )
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def redact(data: dict[str, Any], catalogue: Catalogue) -> tuple[dict[str, Any], list[str]]:
    """A copy of a manifest's data without its restricted facts, and which were left out (never their values)."""
    found = found_restricted(data, catalogue)
    if not found:
        return data, []
    copy: dict[Any, Any] = dict(data)
    waivers = [p[1] for p, _, _ in found if p[0] == "waivers"]
    for path, _, _ in found:
        if path[0] != "waivers":
            parent = copy
            for part in path[:-1]:
                parent[part] = dict(parent[part])
                parent = parent[part]
            del parent[path[-1]]
    if waivers:
        copy["waivers"] = [w for i, w in enumerate(copy["waivers"]) if i not in waivers]
    return copy, [shown for _, shown, _ in found]


def public_document(document: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """A validated manifest's JSON without the restricted fields, not even their defaults: a published
    `mfa_for_admins: false` would read as a fact about the service."""
    security = {
        k: v for k, v in document.get("security", {}).items() if f"security.{k}" not in catalogue.restricted_fields()
    }
    return {**document, "security": security}


def merged(public: dict[str, Any], restricted: dict[str, Any]) -> dict[str, Any]:
    """The manifest's data with the restricted file's sections merged in."""
    data = dict(public)
    for section in MERGED:
        extra = restricted.get(section)
        if isinstance(extra, dict):
            data[section] = {**(data.get(section) or {}), **extra}
        elif isinstance(extra, list):
            data[section] = [*(data.get(section) or []), *extra]
    return data


def load_sibling(manifest: Path) -> tuple[Document, str] | None:
    """The restricted file beside a manifest, parsed, with its digest; None when absent or unreadable
    (its own check reports why)."""
    sibling = restricted_sibling(manifest)
    if not sibling.is_file():
        return None
    doc = load_file(sibling)
    if isinstance(doc, list) or not isinstance(validate(doc, "RestrictedService"), RestrictedService):
        return None
    return doc, digest(sibling.read_bytes())


def restricted_file_problems(path: Path, mode: Mode, id_: str | None) -> list[Problem]:
    """A restricted file named to a public check (E321), or with no public manifest beside it (E322)."""
    public = public_manifest(path)
    if mode is not Mode.PRIVATE:
        return [
            Problem(
                "E321",
                f"{path.name} is a restricted file and must not be committed to a public repository or published",
                "keep it on the council's own machine or private CI: `git rm --cached` it and add "
                "`*.restricted.yaml` to .gitignore (the pre-commit hook refuses it)",
            )
        ]
    if not public.is_file():
        return [
            Problem(
                "E322",
                f"restricted file for a service with no public manifest: {public.name} is not beside it",
                f"add the public manifest {public.name} (`standards new service` writes both), or rename this "
                "file after the manifest it belongs to",
            )
        ]
    if id_ is not None and id_ != public.stem:
        return [
            Problem(
                "E304",
                f"id '{id_}' does not match the manifest '{public.name}' it belongs to",
                f"set `id: {public.stem}`",
            )
        ]
    return []


def attestation_problems(
    service: Service, doc: Document, catalogue: Catalogue, as_of: dt.date, file_digest: str | None, stem: str
) -> list[Problem]:
    """Attestations that cannot be right: for a version that never existed, dated in the future,
    lasting longer than the standard allows, or not of the restricted file beside the manifest."""
    problems: list[Problem] = []

    def add(code: str, message: str, help_text: str, path: NodePath) -> None:
        line, column = doc.place(path)
        problems.append(Problem(code, message, help_text, line, column))

    for i, a in enumerate(service.attestations):
        at: NodePath = ("attestations", i)
        compiled = catalogue.standards.get(a.standard)
        if compiled is None or compiled.attestation is None:
            what = "unknown standard" if compiled is None else "standard with no restricted requirements"
            add(
                "E325",
                f"attestation for {what} '{a.standard}'",
                "attest only standards that have restricted requirements; `standards attest` writes the right ones",
                (*at, "standard"),
            )
            continue
        if not _version_exists(catalogue, a.standard, a.version):
            add(
                "E325",
                f"attestation for {a.standard} {a.version}, a version that does not exist (the standard is at "
                f"{compiled.standard.version})",
                "attest again with `standards attest`",
                (*at, "version"),
            )
        if a.date > as_of:
            add(
                "E324",
                f"attestation dated {a.date.isoformat()}, later than the date checked at ({as_of.isoformat()})",
                "an attestation is dated the day the restricted requirements were checked",
                (*at, "date"),
            )
        limit = compiled.standard.attestation_days
        if a.expires < a.date or (a.expires - a.date).days > limit:
            add(
                "E324",
                f"attestation expires {a.expires.isoformat()}, more than {limit} days after "
                f"{a.date.isoformat()} (or before it)",
                f"{a.standard} attestations last at most {limit} days; attest again when it runs out",
                (*at, "expires"),
            )
        if file_digest is not None and a.digest != file_digest:
            add(
                "E323",
                f"the attestation's digest does not match {stem}.restricted.yaml beside it",
                "the restricted file changed after it was attested: check it and run `standards attest` again",
                (*at, "digest"),
            )
    return problems


def _version_exists(catalogue: Catalogue, standard_id: str, version: str) -> bool:
    if catalogue.standards[standard_id].standard.version == version:
        return True
    if catalogue.version_source is None:
        return False
    try:
        found = catalogue.version_source.find(standard_id, version)
    except HistoryError:
        return False
    return found is not None and found.standard is not None and matches_spec(found.standard.version, version)


def attestation_warnings(service: Service, doc: Document, catalogue: Catalogue) -> list[Problem]:
    """W004 for an attestation made against an older major version than the standard's current one."""
    warnings = []
    for i, a in enumerate(service.attestations):
        compiled = catalogue.standards.get(a.standard)
        if compiled is None or compiled.attestation is None:
            continue
        if int(a.version.split(".", 1)[0]) < compiled.major:
            line, column = doc.place(("attestations", i, "version"))
            warnings.append(
                Problem(
                    "W004",
                    f"attested against {a.standard} {a.version}; the current version is {compiled.standard.version}",
                    "check the restricted requirements against the current version and run `standards attest` again",
                    line,
                    column,
                )
            )
    return warnings
