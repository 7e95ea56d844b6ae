"""`standards new council`: plan a new council's folder from the UK register, render its council.yaml."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.atomic import write_text_atomic
from checks.engine import Catalogue
from checks.identity import former_council
from checks.loading import load_file
from checks.models import Council
from checks.repository import YAML_SUFFIXES, Repository
from registry.scaffold.answers import ScaffoldError, check_owner, find_registry
from registry.scaffold.field_guide import COUNCIL_NOTES
from registry.scaffold.registers import CouncilEntry, find_former_council, suggest_councils
from registry.scaffold.render import Notes, check_rendered, render_model, wrapped

COUNCIL_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/council.schema.json"


@dataclass(frozen=True)
class CouncilPlan:
    """Where a new council's folder goes, checked before anyone is asked anything."""

    repo: Repository
    entry: CouncilEntry
    path: Path


def unknown_code(code: str) -> ScaffoldError:
    """The error for a code the register does not hold; a name gets the codes of the councils it matches."""
    former = find_former_council(code)
    if former is not None:
        return ScaffoldError(*former_council(former))
    suggestions = suggest_councils(code)
    listed = "\n".join(f"  {e.describe()}" for e in suggestions)
    usage = "give a GSS code (e.g. E08000035) or a three-letter register code (e.g. LDS)"
    if re.fullmatch(r"[A-Za-z]{3}|[A-Za-z]\d{8}", code.strip()):
        hint = f"did you mean:\n{listed}" if suggestions else usage
        return ScaffoldError(f"no current UK council has the code '{code.strip()}'", hint)
    if suggestions:
        return ScaffoldError(
            f"'{code.strip()}' is not a council code",
            f"councils whose names match:\n{listed}\nrun `standards new council CODE` with one of these codes",
        )
    return ScaffoldError(f"'{code.strip()}' is not a council code, and no council's name matches it", usage)


def plan_council(root: Path, entry: CouncilEntry) -> CouncilPlan:
    repo = find_registry(root)
    path = repo.root / "manifests" / entry.slug / "council.yaml"
    for suffix in YAML_SUFFIXES:
        existing = path.with_suffix(suffix)
        if existing.exists():
            raise ScaffoldError(
                f"{repo.display(existing)} already exists; it was not changed",
                "edit that file instead, or remove it first if you really mean to start again",
            )
    for other in repo.council_files():
        doc = load_file(other)
        data = doc.data if not isinstance(doc, list) else {}
        same = data.get("gss_code") == entry.gss_code or data.get("register_code") == entry.register_code
        if same and other.parent.name != "examples":
            raise ScaffoldError(
                f"{entry.name} is already in the registry: {repo.display(other)}",
                f"add services to it with `standards new service {other.parent.name}`",
            )
    return CouncilPlan(repo, entry, path)


def render_council(entry: CouncilEntry, owners: Sequence[str], command: str) -> str:
    data: dict[str, Any] = {
        "kind": "Council",
        "schema_version": 1,
        "sample": False,
        "id": entry.slug,
        "name": entry.name,
        "gss_code": entry.gss_code,
        "register_code": entry.register_code,
        "type": entry.type,
        "nation": entry.nation,
        "region": entry.region,
        "website": entry.website or None,
        "owners": list(owners),
    }
    values = Council.model_validate(data).model_dump(mode="json")
    header = [
        COUNCIL_SCHEMA_LINE,
        f"# {entry.name}'s folder in the registry, written by `{command}`.",
        *[
            f"# {line}"
            for line in wrapped(
                "The name, codes, type, nation, region and website come from mySociety's register of UK local "
                "authorities (CC BY 4.0) and GOV.UK's local links manager (MIT, Crown copyright): check them. "
                f"Add a service with `standards new service {entry.slug}`.",
                0,
            )
        ],
    ]
    return "\n".join([*header, *render_model(Council, values, Notes(COUNCIL_NOTES))]) + "\n"


def write_council(plan: CouncilPlan, owners: Sequence[str]) -> Path:
    if not owners:
        raise ScaffoldError("a council folder needs at least one owner", "give --owner @organisation/team")
    owners = [check_owner(o) for o in owners]
    text = render_council(plan.entry, owners, f"standards new council {plan.entry.register_code}")
    catalogue = Catalogue()
    check_rendered(text, "Council", catalogue, plan.entry.slug, "council")
    if plan.path.exists():  # someone else got there between the plan and now
        raise ScaffoldError(f"{plan.repo.display(plan.path)} already exists; it was not changed")
    write_text_atomic(plan.path, text)
    return plan.path
