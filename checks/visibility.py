"""Which requirements are restricted, and where their facts live.

A requirement is restricted when it (or, if it says nothing, its standard) sets `visibility:
restricted`. The fields its check reads are restricted fields: they live in the sibling
`<service>.restricted.yaml`, which never enters a public repository, and publicly the standard's
restricted requirements are judged from an attestation (one result, the requirement named
`<PREFIX>-ATTESTED`, built here so that every version of every standard gets the same one).
"""

from __future__ import annotations

import os
from pathlib import Path

from checks.models import Level, Requirement, Standard, Visibility

RESTRICTED_SUFFIXES = (".restricted.yaml", ".restricted.yml")
ATTESTED = "ATTESTED"


def is_restricted(requirement: Requirement, standard: Standard) -> bool:
    return (requirement.visibility or standard.visibility) == Visibility.RESTRICTED


def is_restricted_file(path: Path | str) -> bool:
    return os.path.basename(path).endswith(RESTRICTED_SUFFIXES)  # noqa: PTH119 - a Path or text


def restricted_sibling(manifest: Path) -> Path:
    """Where the restricted facts of the manifest at `manifest` live: `<service>.restricted.yaml`."""
    return Path(restricted_sibling_path(str(manifest)))


def restricted_sibling_path(manifest: str) -> str:
    """restricted_sibling for a path as text (a warm run asks for every file: pathlib is slower)."""
    folder, name = os.path.split(manifest)
    stem, suffix = os.path.splitext(name)  # noqa: PTH122 - as Path.stem and Path.suffix split a name
    return os.path.join(folder, f"{stem}.restricted{suffix}")  # noqa: PTH118


def public_manifest(restricted: Path) -> Path:
    """The public manifest a restricted file belongs to."""
    return Path(public_manifest_path(str(restricted)))


def public_manifest_path(restricted: str) -> str:
    """public_manifest for a path as text."""
    for suffix in RESTRICTED_SUFFIXES:
        if restricted.endswith(suffix):
            return restricted.removesuffix(suffix) + suffix.removeprefix(".restricted")
    return restricted


def attestation_requirement(standard: Standard) -> Requirement:
    """The one requirement a standard's restricted requirements become in public: attest them."""
    return Requirement(
        id=f"{standard.prefix}-{ATTESTED}",
        title=f"Attest the restricted requirements of {standard.title}",
        level=Level.MUST,
        guidance=(
            "Some requirements of this standard read facts that would help an attacker (settings, test dates, "
            "gaps), so they are kept in the service's `<service>.restricted.yaml`, outside public repositories. "
            "The council checks them on its own machine and publishes only an attestation: the result, the "
            "number of failing musts and shoulds, who signed it off, when it expires, and a digest of the file."
        ),
        fix=(
            "With the restricted file beside the manifest, run `standards attest <manifest> --by <role>` and "
            f"commit the attestation it writes; attest again before it expires (at most {standard.attestation_days}"
            " days)."
        ),
        references=standard.references[:1],
        visibility=Visibility.PUBLIC,
    )


def public_requirements(standard: Standard) -> list[Requirement]:
    """A standard's requirements as judged in public: the public ones, then its attestation if it has any
    restricted (the order of a service's outcome letters in the index)."""
    public = [r for r in standard.requirements if not is_restricted(r, standard)]
    if len(public) == len(standard.requirements):
        return public
    return [*public, attestation_requirement(standard)]


def carried_visibility(older: Standard, current: Standard) -> Standard:
    """An older version of a standard, marked as the current version marks it.

    What is restricted now was as sensitive then: a manifest pinned to a version from before the
    marking must not publish, per service, what the current version keeps to attestations.
    """
    restricted = {r.id for r in current.requirements if is_restricted(r, current)}
    if not restricted:
        return older
    marked = [
        r.model_copy(update={"visibility": Visibility.RESTRICTED}) if r.id in restricted else r
        for r in older.requirements
    ]
    update: dict[str, object] = {"requirements": marked, "attestation_days": current.attestation_days}
    return older.model_copy(update=update)
