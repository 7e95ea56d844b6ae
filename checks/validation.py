"""Checking a parsed document's shape, with every error placed on its line and column.

pydantic reports each error with a `loc` (the key path); the composed YAML
node tree turns that path into a position in the file, so a council officer
sees `parking.yaml:14:3` rather than a Python traceback.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from checks.loading import Document, NodePath, position
from checks.model_fields import bounds_at, enum_at, fields_at, wants_text
from checks.models import DOCUMENT_MODELS, Council, Pattern, Reorganisation, RestrictedService, Service, Standard
from checks.problems import MAX_PROBLEMS_PER_FILE, Problem, capped
from checks.supplier_roles import SupplierRole, suggest_role
from checks.yaml11 import number_reading, show_number, yaml11_hint, yaml11_reading

AnyDocument = Standard | Pattern | Council | Service | RestrictedService | Reorganisation

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
        typed = model.model_validate(data)
    except ValidationError as exc:
        return problems_from_validation(doc, model, exc)
    if doc.surprising:
        return problems_from_validation(doc, model, None)
    return typed


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
    shown = _show(kind)
    guess = difflib.get_close_matches(shown, choices, n=1) if isinstance(kind, str) and len(kind) < 100 else []
    hint = f"did you mean `kind: {guess[0]}`?" if guess else "use one of: " + ", ".join(choices)
    where = f"; files here must be {expected}" if expected else ""
    return Problem("E200", f"unknown kind {shown}{where}", hint, line, column)


@dataclass(slots=True)
class _Found:
    """Where a shape error is, and its code: enough to order and cap errors before describing any."""

    line: int
    column: int
    code: str
    path: NodePath
    error: Any = None  # pydantic's error, or None for a number YAML 1.1 read in a surprising way
    node: yaml.ScalarNode | None = None


def problems_from_validation(doc: Document, model: type[BaseModel], exc: ValidationError | None) -> list[Problem]:
    """Every shape error (and surprising number) in file order; the first few described, then a count.

    Describing costs far more than locating (a did-you-mean compares names), so a file with
    60,000 unknown keys is located in full but only the listed problems are described.
    """
    found = _located(doc, exc)
    found.sort(key=lambda f: (f.line, f.column))
    described = [_describe(doc, model, f) for f in found[: MAX_PROBLEMS_PER_FILE + 1]]
    return capped(described, len(found))


def _located(doc: Document, exc: ValidationError | None) -> list[_Found]:
    groups: dict[tuple[int, int, NodePath], list[_Found]] = {}
    for error in exc.errors(include_url=False) if exc is not None else ():
        path = _clean_loc(doc, tuple(error["loc"]))
        line, column = _place(doc, error["type"], path)
        group = groups.setdefault((line, column, path), [])
        code = _code(error["type"])
        if all(f.code != code for f in group):
            group.append(_Found(line, column, code, path, error))
    found: list[_Found] = []
    for group in groups.values():
        # A union reports one error per branch: a value of the right type but out of range
        # (branch int) says more than "should be text" (branch str).
        specific = [f for f in group if f.code != "E204"]
        found.extend(specific or group)
    places = {(f.line, f.column) for f in found}
    for node in doc.surprising:
        line, column = position(node)
        if (line, column) not in places:  # an error there already carries the same hint
            found.append(_Found(line, column, "E205", (), None, node))
    return found


def _code(etype: str) -> str:
    if etype == "extra_forbidden":
        return "E201"
    if etype == "missing":
        return "E202"
    if etype in ("enum", "literal_error"):
        return "E203"
    return "E204" if etype in _TYPE_WORDS else "E205"


def _place(doc: Document, etype: str, path: NodePath) -> tuple[int, int]:
    if etype == "extra_forbidden":
        return doc.key_place(path) or doc.place(path)
    if etype == "missing":
        return doc.key_place(path[:-1]) or doc.place(path[:-1])
    return doc.place(path)


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
    return part in _BRANCH_LABELS or "[" in part or part.startswith("constrained-")


def dotted(path: NodePath) -> str:
    out = ""
    for part in path:
        if isinstance(part, str) and len(part) > 60:
            part = part[:57] + "..."  # a pasted paragraph used as a key
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _describe(doc: Document, model: type[BaseModel], found: _Found) -> Problem:
    line, column, path, error = found.line, found.column, found.path, found.error
    if found.node is not None:
        return _surprising_number(doc, found.node, line, column)
    etype: str = error["type"]
    where = dotted(path)
    if etype == "extra_forbidden":
        name = str(path[-1]) if path else "?"
        allowed = fields_at(model, path[:-1])
        # Bounded: a pasted paragraph as a key must not cost a long comparison.
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6) if len(name) <= 100 else []
        hint = (
            f"did you mean `{guess[0]}`?"
            if guess
            else ("allowed here: " + ", ".join(allowed) if allowed else "remove it")
        )
        return Problem("E201", f"unknown field '{where}'", hint, line, column)
    if etype == "missing":
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
    value = error.get("input")
    got = _show(value)
    bounds = bounds_at(model, path)
    if bounds is not None and (etype in _RANGE_ERRORS or etype in _TYPE_WORDS):
        # A whole number too large for a float is out of range, not of the wrong type.
        out_of_range = etype in _RANGE_ERRORS or (isinstance(value, int) and not isinstance(value, bool))
        reading = yaml11_reading(node, plain_numbers=False)
        return _number_problem(out_of_range, where, got, bounds, reading, line, column)
    advise = _adviser(node, wants_text(model, path))
    if etype == "enum" and enum_at(model, path) is SupplierRole:
        return _role_problem(where, value, got, line, column)
    if etype in ("enum", "literal_error"):
        expected = _choices(error)
        said = value if isinstance(value, str) else got
        guess = difflib.get_close_matches(said, expected, n=1, cutoff=0.5) if len(said) <= 100 else []
        hint = advise(f"did you mean '{guess[0]}'?" if guess else "use one of: " + ", ".join(expected))
        return Problem(
            "E203",
            f"'{where}' must be one of {', '.join(repr(c) for c in expected)}; got {got}",
            hint,
            line,
            column,
        )
    if etype in _TYPE_WORDS:
        words = _TYPE_WORDS[etype]
        return Problem(
            "E204", f"'{where}' should be {words}; got {got}", advise(f"change the value to {words}"), line, column
        )
    if etype in ("too_long", "too_short") and isinstance(value, (list, dict)):
        limit = error.get("ctx", {}).get("max_length" if etype == "too_long" else "min_length")
        if etype == "too_long":
            return Problem(
                "E205",
                f"'{where}' holds {len(value):,} entries; at most {limit:,} are allowed",
                "list what this one service uses; the limit keeps every rule's time bounded",
                line,
                column,
            )
        entries = "an entry" if limit == 1 else f"{limit} entries"
        return Problem("E205", f"'{where}' needs at least {entries}; got {len(value)}", "add one", line, column)
    if etype == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        words, example = _PATTERN_WORDS.get(pattern, (f"text matching {pattern}", "check the format"))
        return Problem("E205", f"'{where}' should be {words}; got {got}", advise(example), line, column)
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    return Problem("E205", f"'{where}': {message}; got {got}", advise("correct the value"), line, column)


def _role_problem(where: str, value: object, got: str, line: int, column: int) -> Problem:
    """A supplier role outside the list: the role its words most likely mean, and where the words can go."""
    said = value.strip() if isinstance(value, str) else ""
    guess = suggest_role(said) if said else None
    # Words that say more than a role (not just "crm" for CRM) are worth keeping beside it.
    keep = (
        f" (keep your words as `provides: {said}`)" if said and (guess is None or guess.lower() != said.lower()) else ""
    )
    if guess is None:
        hint = "use one of: " + ", ".join(r.value for r in SupplierRole) + keep
    else:
        hint = f"did you mean '{guess.value}'?{keep}"
    return Problem("E206", f"'{where}' is not a supplier role in the list; got {got}", hint, line, column)


def _adviser(node: yaml.Node, text_wanted: bool) -> typing.Callable[[str], str]:
    """The hint: what YAML made of the value, where that explains the error, else `default`."""
    if text_wanted:
        trap = yaml11_hint(node)
        return lambda default: trap or default
    # Where text is not wanted, "write it in quotes" would be wrong advice (for 4000 or 1700006400).
    reading = yaml11_reading(node, plain_numbers=False)
    return lambda default: f"{reading}; {default}" if reading else default


_RANGE_ERRORS = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than", "finite_number"})


def _number_problem(
    out_of_range: bool,
    where: str,
    got: str,
    bounds: tuple[str, float | None, float | None],
    reading: str | None,
    line: int,
    column: int,
) -> Problem:
    """A numeric field's value of the wrong type or out of range, with the range it must be in."""
    words, low, high = bounds
    span = _span(low, high)
    advice = f"write {words} {span}"
    hint = f"{reading}; {advice}" if reading else advice
    if out_of_range:
        return Problem("E205", f"'{where}' must be {span}; got {got}", hint, line, column)
    return Problem("E204", f"'{where}' should be {words}; got {got}", hint, line, column)


def _span(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"from {low:,} to {high:,}"
    return f"at least {low:,}" if low is not None else f"at most {high:,}"


def _surprising_number(doc: Document, node: yaml.ScalarNode, line: int, column: int) -> Problem:
    # Accepted by the model, but not what the file says to a reader or to YAML 1.2 tools.
    reading = number_reading(node) or "a number"
    where = dotted(doc.path_to(node))
    text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return Problem(
        "E205",
        f"'{where}': YAML reads {text} as {reading}",
        f'write the number in plain digits if that is what you mean, or "{text}" in quotes if it is text',
        line,
        column,
    )


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = show_number(value) if isinstance(value, int | float) and not isinstance(value, bool) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _choices(error: Any) -> list[str]:
    expected = str(error.get("ctx", {}).get("expected", ""))
    return [part.strip().strip("'") for part in expected.replace(" or ", ",").split(",") if part.strip()]
