"""Rendering a manifest from its model: every field present, each with a note on what it means, the
values it takes and the requirements that read it; then parsed and validated as `standards check` would."""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import textwrap
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from checks.engine import Catalogue
from checks.loading import parse
from checks.models import Council, Service, Status
from checks.problems import Problem
from checks.references import reference_problems
from checks.validation import validate
from registry.scaffold.answers import ScaffoldError

WIDTH = 100
MAX_LISTED = 10

_URL_PATTERN = r"^https?://[^\s]+$"


@dataclass(frozen=True)
class Notes:
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


def wrapped(text: str, indent: int) -> list[str]:
    return textwrap.wrap(text, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)


def listed(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    return shown + (f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else "")


def _comment(path: str, info: FieldInfo, notes: Notes, indent: int, is_section: bool) -> list[str]:
    parts = [notes.prose.get(path, info.description or "")]
    if not is_section:
        parts.append(_values_note(info))
        if notes.checked_by.get(path):
            parts.append(f"Read by {listed(notes.checked_by[path])}.")
        if notes.decides.get(path):
            parts.append(f"Decides whether these standards apply: {', '.join(notes.decides[path])}.")
    parts.extend(notes.extra.get(path, ()))
    pad = " " * indent
    return [f"{pad}# {line}" for part in parts if part for line in wrapped(part, indent)]


def render_model(
    model: type[BaseModel],
    values: Mapping[str, Any],
    notes: Notes,
    prefix: str = "",
    shown: Callable[[str], bool] = lambda path: True,
) -> list[str]:
    """Every field of `model` in declaration order, each under its note; `shown` leaves fields out by path."""
    indent = 2 * prefix.count(".")
    pad = " " * indent
    lines: list[str] = []
    for name, info in model.model_fields.items():
        path = prefix + name
        if not shown(path):
            continue
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
            lines.extend(render_model(nested, value, notes, path + ".", shown))
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


def check_rendered(text: str, kind: str, catalogue: Catalogue, council: str, stem: str) -> None:
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
