"""`standards new service`: plan a new service manifest in a council's folder, render it, check it, write it."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.atomic import write_text_atomic
from checks.celcontext import build_context
from checks.engine import Catalogue, applicable_standards
from checks.loading import load_file
from checks.models import Council, RestrictedService, Service, Status
from checks.repository import YAML_SUFFIXES, Repository
from checks.results import FileResult
from checks.runner import check_target
from checks.validation import validate
from checks.visibility import restricted_sibling
from registry.scaffold.answers import ScaffoldError, find_registry
from registry.scaffold.field_guide import SERVICE_EXAMPLES, SERVICE_NOTES
from registry.scaffold.render import Notes, check_rendered, field_readers, listed, render_model, wrapped

SERVICE_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/service.schema.json"
RESTRICTED_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/restricted-service.schema.json"


@dataclass(frozen=True)
class ServiceDraft:
    """What a person gives `standards new service`; everything else starts empty for them to fill in."""

    id: str
    name: str
    phase: str
    channels: tuple[str, ...]
    team: str
    handles_personal_data: bool
    lgsl: int | None = None


@dataclass(frozen=True)
class ServicePlan:
    """The council folder a new service goes in, checked before anyone is asked anything."""

    repo: Repository
    council: Council
    folder: Path

    def path_for(self, service_id: str) -> Path:
        return self.folder / f"{service_id}.yaml"

    def existing(self, service_id: str) -> Path | None:
        return next((p for s in YAML_SUFFIXES if (p := self.folder / f"{service_id}{s}").exists()), None)


def council_folders(repo: Repository) -> list[str]:
    manifests = repo.root / "manifests"
    return sorted(p.name for p in manifests.iterdir() if p.is_dir()) if manifests.is_dir() else []


def plan_service(root: Path, council: str) -> ServicePlan:
    repo = find_registry(root)
    name = Path(council.strip().rstrip("/")).name  # accept manifests/leeds/ as well as leeds
    folder = repo.root / "manifests" / name
    if not name or not folder.is_dir():
        folders = council_folders(repo)
        close = difflib.get_close_matches(name.lower(), folders, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}?" if close else f"council folders: {', '.join(folders) or 'none'}"
        raise ScaffoldError(
            f"no council folder manifests/{name}/",
            hint + "\nto add your council, run `standards new council CODE` first",
        )
    council_file = next((p for s in YAML_SUFFIXES if (p := folder / f"council{s}").is_file()), None)
    if council_file is None:
        raise ScaffoldError(
            f"manifests/{name}/ has no council.yaml",
            "write one with `standards new council CODE` (your GSS or register code)",
        )
    doc = load_file(council_file)
    typed = validate(doc, "Council") if not isinstance(doc, list) else doc
    if not isinstance(typed, Council):
        raise ScaffoldError(
            f"{repo.display(council_file)} is not valid",
            f"run `standards check {repo.display(council_file)}` and fix it first",
        )
    return ServicePlan(repo, typed, folder)


def _conformance(service: Service, council: Council, catalogue: Catalogue, as_of: dt.date) -> list[dict[str, Any]]:
    """The active standards that already apply to the service, pinned to their current major version."""
    context = build_context(service, council, as_of)
    chosen = applicable_standards(service, catalogue, context, as_of)
    return [
        {"standard": compiled.id, "version": compiled.major}
        for compiled, error in sorted(chosen, key=lambda pair: pair[0].id)
        if error is None and compiled.standard.status == Status.ACTIVE
    ]


def render_service(draft: ServiceDraft, council: Council, catalogue: Catalogue, as_of: dt.date) -> str:
    data: dict[str, Any] = {
        "kind": "Service",
        "schema_version": 1,
        "sample": False,
        "id": draft.id,
        "name": draft.name,
        "lgsl": draft.lgsl,
        "phase": draft.phase,
        "channels": list(draft.channels),
        "owner": {"team": draft.team},
        "privacy": {"handles_personal_data": draft.handles_personal_data},
    }
    data["conforms_to"] = _conformance(Service.model_validate(data), council, catalogue, as_of)
    values = Service.model_validate(data).model_dump(mode="json")
    checked_by, decides = field_readers(catalogue, Service, "service")
    declared = {c["standard"] for c in data["conforms_to"]}
    others = [
        f"{c.id} (version {c.major})"
        for c in sorted(catalogue.standards.values(), key=lambda c: c.id)
        if c.id not in declared and c.standard.status == Status.ACTIVE
    ]
    extra = {
        "conforms_to": [
            "Listed below: the standards that apply to this service already."
            + (f" Others you can add: {', '.join(others)}." if others else "")
        ],
        "patterns": [f"Available: {', '.join(sorted(catalogue.patterns))}."] if catalogue.patterns else [],
    }
    restricted = catalogue.restricted_fields()
    extra["security"] = [
        f"The security facts restricted requirements read are in {draft.id}.restricted.yaml, not here "
        '(README, "What is public").'
    ]
    extra["attestations"] = [f"Written by `standards attest manifests/{council.id}/{draft.id}.yaml --by ROLE`."]
    notes = Notes(SERVICE_NOTES, SERVICE_EXAMPLES, checked_by, decides, extra)
    display = f"manifests/{council.id}/{draft.id}.yaml"
    intro = (
        f"{draft.name}, run by {council.name}. Written by `standards new service`: fill in what is true of "
        f"the service today, then run `standards check {display}` to see which requirements it meets and how "
        "to meet the rest. A blank value means not known yet, false means no. Each note says what the field "
        "means, the values it takes and which requirements read it; their guidance is in standards/."
    )
    header = [SERVICE_SCHEMA_LINE, *[f"# {line}" for line in wrapped(intro, 0)]]
    return "\n".join([*header, *render_model(Service, values, notes, shown=lambda p: p not in restricted)]) + "\n"


def render_restricted(draft: ServiceDraft, council: Council, catalogue: Catalogue) -> str:
    """The service's restricted file: every restricted field, each under its note, and nothing else."""
    restricted = catalogue.restricted_fields()
    values = RestrictedService(kind="RestrictedService", schema_version=1, id=draft.id).model_dump(mode="json")
    checked_by, decides = field_readers(catalogue, RestrictedService, "service")
    evidence = sorted({path.removeprefix("evidence.") for path in restricted if path.startswith("evidence.")})
    extra = {"evidence": [f"Restricted evidence goes here: {listed(evidence)}."]} if evidence else {}
    prose = {**SERVICE_NOTES, "kind": "What this file is. Always RestrictedService.", "id": "The manifest's id."}
    notes = Notes(prose, {}, checked_by, decides, extra)

    def shown(path: str) -> bool:
        return path in ("kind", "schema_version", "id", "evidence", "waivers") or any(
            r == path or r.startswith(path + ".") for r in restricted
        )

    intro = (
        f"Restricted facts of manifests/{council.id}/{draft.id}.yaml. Never commit this file to a public "
        "repository: keep it on the council's machine or in private CI (.gitignore and the pre-commit hook keep it "
        f"out). `standards check` reads it when it is beside the manifest; `standards attest manifests/{council.id}/"
        f"{draft.id}.yaml --by ROLE` publishes the result without the facts."
    )
    header = [RESTRICTED_SCHEMA_LINE, *[f"# {line}" for line in wrapped(intro, 0)]]
    return "\n".join([*header, *render_model(RestrictedService, values, notes, shown=shown)]) + "\n"


def write_service(plan: ServicePlan, draft: ServiceDraft, as_of: dt.date | None = None) -> tuple[Path, FileResult]:
    """Write the new manifest; the result of checking it, so the caller can say what is left to do."""
    as_of = as_of or dt.date.today()
    existing = plan.existing(draft.id)
    if existing is not None:
        raise ScaffoldError(
            f"{plan.repo.display(existing)} already exists; it was not changed",
            "choose another id (--id), or edit the existing file",
        )
    catalogue, _ = plan.repo.load_catalogue()
    text = render_service(draft, plan.council, catalogue, as_of)
    check_rendered(text, "Service", catalogue, plan.council.id, draft.id)
    path = plan.path_for(draft.id)
    restricted = render_restricted(draft, plan.council, catalogue) if catalogue.restricted_fields() else None
    if restricted is not None:
        check_rendered(restricted, "RestrictedService", catalogue, plan.council.id, draft.id)
        # Written first: a manifest never appears without the file its restricted facts belong in.
        write_text_atomic(restricted_sibling(path), restricted)
    write_text_atomic(path, text)
    return path, check_target(plan.repo.target(path), catalogue, as_of)
