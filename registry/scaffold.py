"""`standards new council` and `standards new service`: write a manifest a council can fill in.

A scaffold is valid the moment it is written: it is rendered from the models
(every field present, with a note on what it means, the values it takes and
the requirements that read it), parsed and validated in memory exactly as
`standards check` would, and only then written, atomically. Nothing is ever
overwritten. Prompting belongs to `registry.scaffold_cli`; everything here
takes plain values and raises `ScaffoldError` with a message for the user.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import json
import re
import textwrap
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from checks.atomic import write_text_atomic
from checks.celcontext import build_context
from checks.engine import Catalogue, applicable_standards, reference_problems
from checks.loading import load_file, parse
from checks.models import Channel, Council, Phase, Service, ShortText, Slug, Status
from checks.problems import Problem
from checks.repository import YAML_SUFFIXES, Repository
from checks.results import FileResult
from checks.runner import check_target
from checks.validation import validate
from registry.field_guide import COUNCIL_NOTES, SERVICE_EXAMPLES, SERVICE_NOTES
from registry.registers import CouncilEntry, lgsl_services, search_lgsl, suggest_councils

COUNCIL_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/council.schema.json"
SERVICE_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/service.schema.json"
WIDTH = 100
MAX_LISTED = 10

_URL_PATTERN = r"^https?://[^\s]+$"
_OWNER = TypeAdapter(get_args(Council.model_fields["owners"].annotation)[0])
_SLUG: TypeAdapter[str] = TypeAdapter(Slug)
_SHORT_TEXT: TypeAdapter[str] = TypeAdapter(ShortText)


class ScaffoldError(Exception):
    """Why `standards new` cannot go on, worded for the person running it, with what to do instead."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --------------------------------------------------------------------------- checking input


def check_owner(value: str) -> str:
    """A GitHub team (`@org/team`) or user (`@user`), as council.yaml's `owners` takes them."""
    value = value.strip()
    try:
        return str(_OWNER.validate_python(value))
    except ValidationError:
        raise ScaffoldError(
            f"'{value}' is not a GitHub team or user",
            "write a team as @organisation/team-name or a user as @username",
        ) from None


def check_service_id(value: str) -> str:
    value = value.strip()
    try:
        return str(_SLUG.validate_python(value))
    except ValidationError:
        raise ScaffoldError(
            f"'{value}' cannot be a service id",
            "use lower-case letters and digits in words joined by hyphens, e.g. report-a-missed-bin",
        ) from None


def check_text(value: str, what: str) -> str:
    value = " ".join(value.split())
    try:
        return str(_SHORT_TEXT.validate_python(value))
    except ValidationError:
        raise ScaffoldError(f"the {what} must be between 1 and 300 characters") from None


def check_lgsl(value: str) -> int | None:
    """An LGSL code in the shipped list, given as a number; words are answered with the services they match."""
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and int(value) >= 1:  # isdigit() alone takes "²"
        if int(value) in lgsl_services():
            return int(value)
        # `check` would reject it (E314), so the manifest is not written with it.
        raise ScaffoldError(
            f"{int(value)} is not in the Local Government Service List shipped here",
            "search it by words instead, e.g. --lgsl 'missed bin'",
        )
    matches = search_lgsl(value)
    hint = (
        "services that match:\n" + "\n".join(f"  {m.id:>5}  {m.label}" for m in matches)
        if matches
        else "no service in the Local Government Service List matches those words"
    )
    raise ScaffoldError(f"an LGSL code is a number, not '{value}'", hint)


def check_phase(value: str) -> Phase:
    try:
        return Phase(value.strip().lower())
    except ValueError:
        raise ScaffoldError(
            f"'{value.strip()}' is not a phase", f"choose from {', '.join(p.value for p in Phase)}"
        ) from None


def check_channels(values: Iterable[str]) -> tuple[str, ...]:
    allowed = [c.value for c in Channel]
    chosen: list[str] = []
    for value in values:
        for part in re.split(r"[\s,]+", value.strip().lower()):
            if part and part not in allowed:
                raise ScaffoldError(f"'{part}' is not a channel", f"choose from {', '.join(allowed)}")
            if part and part not in chosen:
                chosen.append(part)
    if not chosen:
        raise ScaffoldError("give at least one channel", f"choose from {', '.join(allowed)}")
    return tuple(chosen)


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class _Notes:
    """What to say about each field: prose, examples, the requirements that read it, extra lines."""

    prose: Mapping[str, str]
    examples: Mapping[str, str] = field(default_factory=dict)
    checked_by: Mapping[str, Sequence[str]] = field(default_factory=dict)
    decides: Mapping[str, Sequence[str]] = field(default_factory=dict)
    extra: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _unwrap(annotation: Any, metadata: Iterable[Any] = ()) -> tuple[Any, list[Any]]:
    """Strip `Annotated` and `X | None`: the inner type and the constraints found on the way."""
    found = list(metadata)
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            found.extend(extra)
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, found
            annotation = args[0]
        else:
            return annotation, found


def _model(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _choices(annotation: Any) -> list[str]:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(member.value) for member in annotation]
    if get_origin(annotation) is Literal:
        return [str(arg) for arg in get_args(annotation)]
    return []


def _values_note(info: FieldInfo) -> str:
    inner, metadata = _unwrap(info.annotation, info.metadata)
    if get_origin(inner) is list:
        item, _ = _unwrap(get_args(inner)[0])
        choices = _choices(item)
        return f"A list of: {', '.join(choices)}." if choices else ""
    choices = _choices(inner)
    if len(choices) > 1:
        return f"One of: {', '.join(choices)}."
    if any(getattr(m, "pattern", None) == _URL_PATTERN for m in metadata):
        return "A web address starting https://."
    return ""


def _scalar(value: Any, flow: bool = False) -> str:
    """A YAML scalar that reads back as `value`: plain where that is safe, else double-quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value.value if isinstance(value, enum.Enum) else value)
    try:
        plain = yaml.safe_load(text) == text and "\n" not in text and not (flow and re.search(r"[,\[\]{}]", text))
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _wrapped(text: str, indent: int) -> list[str]:
    return textwrap.wrap(text, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)


def _listed(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    return shown + (f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else "")


def _comment(path: str, info: FieldInfo, notes: _Notes, indent: int, is_section: bool) -> list[str]:
    parts = [notes.prose.get(path, info.description or "")]
    if not is_section:
        parts.append(_values_note(info))
        if notes.checked_by.get(path):
            parts.append(f"Read by {_listed(notes.checked_by[path])}.")
        if notes.decides.get(path):
            parts.append(f"Decides whether these standards apply: {', '.join(notes.decides[path])}.")
    parts.extend(notes.extra.get(path, ()))
    pad = " " * indent
    return [f"{pad}# {line}" for part in parts if part for line in _wrapped(part, indent)]


def _render(model: type[BaseModel], values: Mapping[str, Any], notes: _Notes, prefix: str = "") -> list[str]:
    """Every field of `model` in declaration order, each under its note."""
    indent = 2 * prefix.count(".")
    pad = " " * indent
    lines: list[str] = []
    for name, info in model.model_fields.items():
        path = prefix + name
        value = values.get(name)
        inner, _ = _unwrap(info.annotation, info.metadata)
        nested = _model(inner)
        is_section = nested is not None and isinstance(value, Mapping)
        grouped = is_section or nested is not None or get_origin(inner) in (list, dict)
        if indent == 0 and grouped and lines:
            lines.append("")
        lines.extend(_comment(path, info, notes, indent, is_section))
        if nested is not None and isinstance(value, Mapping):
            lines.append(f"{pad}{name}:")
            lines.extend(_render(nested, value, notes, path + "."))
        elif get_origin(inner) is list and value and _model(_unwrap(get_args(inner)[0])[0]) is not None:
            lines.append(f"{pad}{name}:")
            for item in value:
                for i, (key, item_value) in enumerate(item.items()):
                    lines.append(f"{pad}  {'- ' if i == 0 else '  '}{key}: {_scalar(item_value)}".rstrip())
        elif get_origin(inner) is list:
            lines.append(f"{pad}{name}: [{', '.join(_scalar(v, flow=True) for v in value or [])}]")
        elif get_origin(inner) is dict:
            lines.append(f"{pad}{name}: {{}}")
        else:
            lines.append(f"{pad}{name}: {_scalar(value)}".rstrip())
        example = notes.examples.get(path)
        if example and not value:
            lines.append(f"{pad}# For example:")
            lines.append(f"{pad}# {name}:")
            lines.extend(f"{pad}#   {line}" for line in example.splitlines())
    return lines


def _mentions(source: str | None, variable: str, path: str) -> bool:
    return bool(source) and re.search(rf"\b{variable}\.{re.escape(path)}(?![A-Za-z0-9_])", source or "") is not None


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for name, info in model.model_fields.items():
        paths.append(prefix + name)
        nested = _model(_unwrap(info.annotation, info.metadata)[0])
        if nested is not None:
            paths.extend(_field_paths(nested, f"{prefix}{name}."))
    return paths


def field_readers(
    catalogue: Catalogue, model: type[BaseModel], variable: str
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """For each field: the requirements whose check or `field` reads it, and the standards it brings in."""
    checked_by: dict[str, list[str]] = {}
    decides: dict[str, list[str]] = {}
    for path in _field_paths(model):
        for compiled in catalogue.standards.values():
            standard = compiled.standard
            if standard.status == Status.RETIRED:
                continue
            if _mentions(standard.applies_to.when, variable, path):
                decides.setdefault(path, []).append(standard.id)
            for req in standard.requirements:
                if _mentions(req.check, variable, path) or (variable == "service" and req.field == path):
                    checked_by.setdefault(path, []).append(req.id)
    return checked_by, decides


def _problem_lines(problems: Iterable[Problem]) -> str:
    return "; ".join(f"line {p.line}: {p.code} {p.message}" for p in problems)


def _check_rendered(text: str, kind: str, catalogue: Catalogue, council: str, stem: str) -> None:
    """Parse and validate the text as `standards check` would; a failure is a bug here, never the user's."""
    doc = parse(text)
    problems: list[Problem] = []
    if isinstance(doc, list):
        problems = doc
    else:
        typed = validate(doc, kind)
        if isinstance(typed, list):
            problems = typed
        elif isinstance(typed, Service):
            problems = reference_problems(typed, catalogue, doc, council, stem)
        elif isinstance(typed, Council) and typed.id != council:
            problems = [Problem("E304", f"id '{typed.id}' does not match the folder name '{council}'", "")]
    if problems:
        raise ScaffoldError(
            f"the {kind.lower()} manifest would not be valid ({_problem_lines(problems)}); nothing was written",
            "this is a bug in `standards new`: please report it with the command you ran",
        )


# --------------------------------------------------------------------------- councils


@dataclass(frozen=True)
class CouncilPlan:
    """Where a new council's folder goes, checked before anyone is asked anything."""

    repo: Repository
    entry: CouncilEntry
    path: Path


def unknown_code(code: str) -> ScaffoldError:
    """The error for a code the register does not hold; a name gets the codes of the councils it matches."""
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


def find_registry(root: Path) -> Repository:
    """The registry at or above `root`; writing a council folder anywhere else would be lost."""
    repo = Repository.find(root)
    if not (repo.root / "standards").is_dir():
        raise ScaffoldError(
            f"{root} is not inside the registry (no standards/ folder here or above)",
            "run the command from your clone of the registry",
        )
    return repo


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
            for line in _wrapped(
                "The name, codes, type, nation, region and website come from mySociety's register of UK local "
                "authorities (CC BY 4.0) and GOV.UK's local links manager (MIT, Crown copyright): check them. "
                f"Add a service with `standards new service {entry.slug}`.",
                0,
            )
        ],
    ]
    return "\n".join([*header, *_render(Council, values, _Notes(COUNCIL_NOTES))]) + "\n"


def write_council(plan: CouncilPlan, owners: Sequence[str]) -> Path:
    if not owners:
        raise ScaffoldError("a council folder needs at least one owner", "give --owner @organisation/team")
    owners = [check_owner(o) for o in owners]
    text = render_council(plan.entry, owners, f"standards new council {plan.entry.register_code}")
    catalogue = Catalogue()
    _check_rendered(text, "Council", catalogue, plan.entry.slug, "council")
    if plan.path.exists():  # someone else got there between the plan and now
        raise ScaffoldError(f"{plan.repo.display(plan.path)} already exists; it was not changed")
    write_text_atomic(plan.path, text)
    return plan.path


# --------------------------------------------------------------------------- services


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
    notes = _Notes(SERVICE_NOTES, SERVICE_EXAMPLES, checked_by, decides, extra)
    display = f"manifests/{council.id}/{draft.id}.yaml"
    intro = (
        f"{draft.name}, run by {council.name}. Written by `standards new service`: fill in what is true of "
        f"the service today, then run `standards check {display}` to see which requirements it meets and how "
        "to meet the rest. A blank value means not known yet, false means no. Each note says what the field "
        "means, the values it takes and which requirements read it; their guidance is in standards/."
    )
    header = [SERVICE_SCHEMA_LINE, *[f"# {line}" for line in _wrapped(intro, 0)]]
    return "\n".join([*header, *_render(Service, values, notes)]) + "\n"


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
    _check_rendered(text, "Service", catalogue, plan.council.id, draft.id)
    path = plan.path_for(draft.id)
    write_text_atomic(path, text)
    return path, check_target(plan.repo.target(path), catalogue, as_of)
