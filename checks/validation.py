"""Checking a parsed document's shape, with every error placed on its line and column.

pydantic reports each error with a `loc` (the key path); the composed YAML
node tree turns that path into a position in the file, so a council officer
sees `parking.yaml:14:3` rather than a Python traceback.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from checks.loading import Document, NodePath, position, yaml11_hint
from checks.models import DOCUMENT_MODELS, Council, Pattern, Service, Standard
from checks.problems import Problem

AnyDocument = Standard | Pattern | Council | Service

# Plain-English descriptions of the patterns in checks/models.py.
_PATTERN_WORDS = {
    "^https?://[^\\s]+$": (
        "a web address starting with https://",
        "write the full address, e.g. https://www.example.gov.uk/page",
    ),
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": ("lowercase words joined by hyphens", "e.g. parking-permits"),
    "^[A-Z][A-Z0-9]*-[A-Z0-9]+(?:\\.[A-Za-z0-9]+)*$": ("a requirement id", "e.g. SS-05 or CAF-B2"),
    "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?$": (
        "a semantic version",
        'e.g. "1.2.0" (major.minor.patch, in quotes)',
    ),
    "^[ENSWK]\\d{8}$": ("a GSS code", "e.g. E08000035; find yours in the ONS register"),
    "^[A-Z]{3}$": ("a three-letter register code", "e.g. LDS"),
    "^@[\\w.-]+(/[\\w.-]+)?$": ("a GitHub team or user", 'e.g. "@leeds-city-council/digital" (in quotes)'),
    "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$": ("an email address", "e.g. digital@example.gov.uk"),
    "^[A-Z][A-Z0-9]*$": ("capital letters and digits", "e.g. ACC"),
    "^[a-z0-9-]+$": ("a lowercase format name", "e.g. csv, json, geojson"),
}

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date like 2025-03-31",
    "date_parsing": "a date like 2025-03-31",
    "date_from_datetime_parsing": "a date like 2025-03-31",
    "date_from_datetime_inexact": "a date like 2025-03-31 (without a time)",
    "list_type": "a list (lines starting with `- `)",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


def validate(doc: Document, expected_kind: str | None = None) -> AnyDocument | list[Problem]:
    """The typed document, or every problem with its shape."""
    data = doc.data
    kind = data.get("kind")
    model = DOCUMENT_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None or (expected_kind and kind != expected_kind):
        return [_kind_problem(doc, kind, expected_kind)]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return problems_from_validation(doc, model, exc)


def _kind_problem(doc: Document, kind: object, expected: str | None) -> Problem:
    node, found = doc.node_at(("kind",))
    line, column = position(node)
    choices = [expected] if expected else sorted(DOCUMENT_MODELS)
    if not found:
        return Problem(
            "E200",
            "missing `kind`",
            f"add `kind: {choices[0]}` as the first line" if expected else "add `kind:` naming " + ", ".join(choices),
            line,
            column,
        )
    guess = difflib.get_close_matches(str(kind), choices, n=1)
    hint = f"did you mean `kind: {guess[0]}`?" if guess else "use one of: " + ", ".join(choices)
    where = f"; files here must be {expected}" if expected else ""
    return Problem("E200", f"unknown kind '{kind}'{where}", hint, line, column)


def problems_from_validation(doc: Document, model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[int, int, str]] = set()
    for error in exc.errors(include_url=False):
        problem = _problem(doc, model, error)
        key = (problem.line, problem.column, problem.code)
        if key in seen:
            continue  # a union reports one error per branch; one is enough
        seen.add(key)
        problems.append(problem)
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _clean_loc(doc: Document, loc: tuple[Any, ...]) -> NodePath:
    # Union branches and dict-key markers appear in pydantic's loc but not in the file.
    path: list[str | int] = []
    node: yaml.Node | None = doc.root
    for part in loc:
        if part == "[key]":
            continue
        if node is not None:
            nxt = doc.child(node, part)
            if nxt is None and isinstance(part, str) and _is_branch_label(part):
                continue
            node = nxt
        path.append(part)
    return tuple(path)


_BRANCH_LABELS = frozenset({"int", "str", "float", "bool", "date", "datetime", "list", "dict", "none"})


def _is_branch_label(part: str) -> bool:
    return part in _BRANCH_LABELS or "[" in part


def dotted(path: NodePath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _problem(doc: Document, model: type[BaseModel], error: Any) -> Problem:
    etype: str = error["type"]
    path = _clean_loc(doc, tuple(error["loc"]))
    where = dotted(path)
    if etype == "extra_forbidden":
        key = doc.key_node_at(path)
        node = key if key is not None else doc.node_at(path)[0]
        line, column = position(node)
        name = str(path[-1]) if path else "?"
        allowed = _fields_at(model, path[:-1])
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = (
            f"did you mean `{guess[0]}`?"
            if guess
            else ("allowed here: " + ", ".join(allowed) if allowed else "remove it")
        )
        return Problem("E201", f"unknown field '{where}'", hint, line, column)
    if etype == "missing":
        parent, _ = doc.node_at(path[:-1])
        key = doc.key_node_at(path[:-1])
        line, column = position(key if key is not None else parent)
        missing_name = path[-1] if path else "?"
        return Problem(
            "E202",
            f"missing required field '{where}'",
            f"add `{missing_name}:` under {dotted(path[:-1])}"
            if len(path) > 1
            else f"add `{missing_name}:` at the top level",
            line,
            column,
        )
    node, _ = doc.node_at(path)
    line, column = position(node)
    trap = yaml11_hint(node)
    got = _show(error.get("input"))
    if etype in ("enum", "literal_error"):
        expected = _choices(error)
        guess = difflib.get_close_matches(str(error.get("input")), expected, n=1, cutoff=0.5)
        hint = trap or (f"did you mean '{guess[0]}'?" if guess else "use one of: " + ", ".join(expected))
        return Problem(
            "E203",
            f"'{where}' must be one of {', '.join(repr(c) for c in expected)}; got {got}",
            hint,
            line,
            column,
        )
    if etype in _TYPE_WORDS:
        return Problem(
            "E204",
            f"'{where}' should be {_TYPE_WORDS[etype]}; got {got}",
            trap or f"change the value to {_TYPE_WORDS[etype]}",
            line,
            column,
        )
    if etype == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        words, example = _PATTERN_WORDS.get(pattern, (f"text matching {pattern}", "check the format"))
        return Problem("E205", f"'{where}' should be {words}; got {got}", trap or example, line, column)
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    return Problem("E205", f"'{where}': {message}; got {got}", trap or "correct the value", line, column)


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _choices(error: Any) -> list[str]:
    expected = str(error.get("ctx", {}).get("expected", ""))
    return [part.strip().strip("'") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _fields_at(model: type[BaseModel], path: NodePath) -> list[str]:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            # A free-form key, like a requirement id under `evidence`.
            continue
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
        return None
    if origin in (list, dict):
        return _inner_model(typing.get_args(annotation)[-1])
    return annotation
