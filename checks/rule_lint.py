"""`standards lint` for rule expressions: fields the manifest schema has, true-or-false results, no errors.

A rule that compiles can still be wrong in ways `check` would only show as an
`error` (or a silent not-applicable) on some council's manifest: a misspelt
field, a value that is not true or false, a lookup that fails. Lint finds
them before they land: statically, by walking the rule's syntax tree against
the models in checks/models.py, and by running every rule on the standard's
example manifests (standards/examples/<standard>/*.yaml).
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from checks.celcontext import Activation, build_context
from checks.celsyntax import Chain, Node, analyse, chain_of, is_macro, parse
from checks.loading import load_file
from checks.models import Council, Service
from checks.rules import CompiledStandard, Rule, RuleError
from checks.validation import validate

ROOTS: dict[str, type[BaseModel]] = {"service": Service, "council": Council}
_BOOLEAN_HELP = "a rule must give true or false: compare the value (==, !=, <, in) or test it (has(), exists(), all())"


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One finding about one rule; `where` is the rule's key path in the standard's YAML."""

    where: tuple[str | int, ...]
    code: str
    message: str
    help: str


def named_rules(compiled: CompiledStandard) -> Iterator[tuple[tuple[str | int, ...], str, Rule]]:
    """(YAML path, label, rule) for every rule of a standard that compiles."""
    if compiled.applies_when is not None:
        yield ("applies_to", "when"), "applies_to.when", compiled.applies_when
    for i, req in enumerate(compiled.requirements):
        for name, rule in (("applies_when", req.applies_when), ("check", req.check)):
            if rule is not None:
                yield ("requirements", i, name), f"{req.requirement.id}.{name}", rule


def lint_rules(compiled: CompiledStandard, examples: Path, as_of: dt.date) -> list[RuleProblem]:
    """Every problem with a standard's rules: static ones first, then those its examples show."""
    found: list[RuleProblem] = []
    flagged: set[tuple[str | int, ...]] = set()
    for where, label, rule in named_rules(compiled):
        if rule.program is None:
            continue  # reported as E307 when the standard was loaded
        problem = static_problem(parse(rule.source), label)
        if problem is not None:
            found.append(RuleProblem(where, *problem))
            flagged.add(where)
    for name, context in example_contexts(examples, compiled.id, as_of):
        for where, problem in _run_on(compiled, context, name):
            if where not in flagged:
                found.append(RuleProblem(where, *problem))
                flagged.add(where)
    return found


def static_problem(tree: Node, label: str) -> tuple[str, str, str] | None:
    """(code, message, help) for a field the schema does not have or a value that cannot be true or false."""
    for chain in analyse(tree).chains:
        unknown = schema_problem(chain)
        if unknown is not None:
            return "E308", f"{label}: {unknown[0]}", unknown[1]
    what = not_boolean(tree)
    if what is not None:
        return "E309", f"{label}: gives {what}, not true or false", _BOOLEAN_HELP
    return None


def _unwrap(annotation: Any) -> Any:
    """The type under Optional[...] and Annotated[...]; a union of several types stays as it is."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _describe(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is list:
        return "a list"
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return "a map"
    if origin is Literal or (isinstance(annotation, type) and issubclass(annotation, str)):
        return "text"
    if annotation is bool:
        return "true or false"
    if annotation in (int, float):
        return "a number"
    if annotation in (dt.date, dt.datetime):
        return "a date"
    return "a value"


def schema_type(chain: Chain) -> Any:
    """The model type at the end of a chain the schema has; None when it cannot be known statically."""
    annotation: Any = ROOTS[chain.root]
    for name in chain.fields:
        annotation = _step(_unwrap(annotation), name)
        if annotation is None:
            return None
    return _unwrap(annotation)


def _step(kind: Any, name: str) -> Any:
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        field = kind.model_fields.get(name)
        return None if field is None else field.annotation
    if get_origin(kind) is dict:
        return get_args(kind)[1]  # any key may be there; what is under it has the value's type
    return None


def schema_problem(chain: Chain) -> tuple[str, str] | None:
    """(message, help) when a chain names a field the manifest schema does not have."""
    annotation: Any = ROOTS[chain.root]
    path = chain.root
    for name, offset in zip(chain.fields, chain.offsets, strict=True):
        kind = _unwrap(annotation)
        where = f"(character {offset + 1})"
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names = list(kind.model_fields)
            if name not in kind.model_fields:
                close = difflib.get_close_matches(name, names, n=1)
                hint = f"did you mean `{path}.{close[0]}`?" if close else f"`{path}` has: {', '.join(names)}"
                return f"`{path}` has no field `{name}` {where}", f"{hint} (fields are in checks/models.py)"
        elif get_origin(kind) is not dict:
            return (
                f"`{path}` is {_describe(kind)}, so it has no field `{name}` {where}",
                f"use `{path}` itself, or another field (see checks/models.py)",
            )
        annotation = _step(kind, name)
        path = f"{path}.{name}"
    return None


_NOT_BOOLEAN_CALLS = {
    "size": "a number",
    "int": "a number",
    "uint": "a number",
    "double": "a number",
    "string": "text",
    "bytes": "bytes",
    "duration": "a duration",
    "timestamp": "a timestamp",
    "map": "a list",
    "filter": "a list",
}


def not_boolean(node: Node) -> str | None:
    """What a rule gives when that is certainly not true or false; None when it is, or cannot be told."""
    if node.kind == "literal":
        return None if isinstance(node.value, bool) else _literal_kind(node.value)
    if node.kind == "binary" and node.value in ("+", "-", "*", "/", "%"):
        return f"the result of `{node.value}`"
    if node.kind == "unary" and node.value == "-":
        return "a number"
    if node.kind in ("list", "map", "struct"):
        return {"list": "a list", "map": "a map", "struct": "a message"}[node.kind]
    if node.kind == "ternary":
        return not_boolean(node.args[1]) or not_boolean(node.args[2])
    if node.kind in ("call", "method") and (node.kind == "call" or is_macro(node) or node.value == "size"):
        return _NOT_BOOLEAN_CALLS.get(str(node.value))
    chain = chain_of(node) if node.kind in ("select", "index") else None
    if chain is not None and chain.root in ROOTS:
        kind = schema_type(chain)
        if kind is not None and kind is not bool:
            return f"`{'.'.join((chain.root, *chain.fields))}`, {_describe(kind)}"
    return None


def _literal_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bytes):
        return "bytes"
    return "a number"


def example_contexts(examples: Path, standard_id: str, as_of: dt.date) -> Iterator[tuple[str, Activation]]:
    """(file name, context) for each valid example manifest of a standard, with the example council."""
    council: Council | None = None
    council_file = examples / "council.yaml"
    if council_file.is_file() and not isinstance(doc := load_file(council_file), list):
        found = validate(doc, "Council")
        council = found if isinstance(found, Council) else None
    folder = examples / standard_id
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        loaded = load_file(path)
        typed = None if isinstance(loaded, list) else validate(loaded, "Service")
        if isinstance(typed, Service):  # an invalid example is reported by the examples' own test
            yield f"{standard_id}/{path.name}", build_context(typed, council, as_of)


def _run_on(
    compiled: CompiledStandard, context: Activation, example: str
) -> Iterator[tuple[tuple[str | int, ...], tuple[str, str, str]]]:
    """Problems running a standard's rules on one example, as `check` runs them (a check only where it applies)."""
    skip: set[int] = set()
    for where, label, rule in named_rules(compiled):
        if rule.program is None or (where[0] == "requirements" and where[1] in skip):
            continue
        try:
            value = rule.run(context)
        except RuleError as exc:
            yield where, ("E310", f"{label}: fails on example {example}: {exc}", _ERROR_HELP)
            continue
        if not isinstance(value, bool):
            message = f"{label}: gives {value!r} on example {example}, not true or false"
            yield where, ("E309", message, _BOOLEAN_HELP)
        elif value is False and where[-1] == "applies_when":
            skip.add(int(where[1]))


_ERROR_HELP = "guard optional values before using them (`x != null && ...`, `has(...)`); see standards/README.md"
