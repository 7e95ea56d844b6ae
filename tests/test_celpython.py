"""Rules as Python closures (checks/celpython.py) answer exactly as the CEL runtime does, or not at all.

A closure that gives a value must give the runtime's value, of the runtime's type; where it cannot be
sure it defers and the runtime decides. Held to the runtime on every shipped and fixture rule over
every shipped, fixture and generated manifest, on generated expressions over values of every type,
and, end to end, by a whole check whose report must not change when the closures are switched off.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks import celruntime as cel
from checks.celcontext import Activation, build_context
from checks.celpython import Defer, compile_python
from checks.celsyntax import parse
from checks.loading import load_file
from checks.models import Council, Service
from checks.rules import compile_rule
from checks.validation import validate

ROOT = Path(__file__).resolve().parent.parent
NOT_RUN = object()


def runtime(source: str, values: dict[str, Any]) -> Any:
    """The CEL runtime's value, or NOT_RUN when it raises."""
    try:
        return cel.compile(source).execute(cel.Context(values))
    except Exception:
        return NOT_RUN


def closure(source: str, values: dict[str, Any]) -> Any:
    """The closure's value, or NOT_RUN when it defers (or is not made)."""
    fast = compile_python(source, parse(source))
    if fast is None:
        return NOT_RUN
    try:
        return fast(values)
    except Defer:
        return NOT_RUN


def assert_agrees(source: str, values: dict[str, Any]) -> bool:
    """The closure gives the runtime's value or defers; True when it gave one."""
    mine = closure(source, values)
    if mine is NOT_RUN:
        return False
    theirs = runtime(source, values)
    assert theirs is not NOT_RUN, f"{source}: the closure gave {mine!r} where the runtime fails"
    assert type(mine) is type(theirs) and mine == theirs, f"{source}: closure {mine!r}, runtime {theirs!r}"
    return True


def shipped_rules() -> list[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("check", "applies_when", "when") and isinstance(item, str):
                    found.add(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for folder in (ROOT / "standards", ROOT / "tests" / "fixtures"):
        for path in sorted(folder.rglob("*.yaml")):
            try:
                walk(yaml.safe_load(path.read_text(encoding="utf-8")))
            except yaml.YAMLError:
                continue  # the fixtures hold broken files on purpose
    return sorted(found)


def activations(*folders: Path) -> Iterator[Activation]:
    as_of = dt.date(2026, 11, 1)
    councils: dict[Path, Council | None] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.yaml")):
            loaded = load_file(path)
            if isinstance(loaded, list):
                continue
            typed = validate(loaded, "Service")
            if isinstance(typed, Service):
                if path.parent not in councils:
                    loaded_council = load_file(path.parent / "council.yaml")
                    found = None if isinstance(loaded_council, list) else validate(loaded_council, "Council")
                    councils[path.parent] = found if isinstance(found, Council) else None
                yield build_context(typed, councils[path.parent], as_of)


def test_every_shipped_rule_is_made_a_closure() -> None:
    rules = [s for s in shipped_rules() if compile_rule(s).program is not None]
    assert len(rules) > 100
    slow = [s for s in rules if compile_rule(s).fast is None]
    assert slow == [], "a shipped rule runs in the CEL runtime only: add its shape to checks/celpython.py"


def test_shipped_rules_agree_with_the_runtime_on_real_manifests(generated_registry: Path) -> None:
    rules = shipped_rules()
    answered = asked = 0
    folders = (ROOT / "manifests", ROOT / "standards" / "examples", ROOT / "tests" / "fixtures", generated_registry)
    for activation in activations(*folders):
        for source in rules:
            asked += 1
            answered += assert_agrees(source, activation.values)
    # What the speed is for: nearly every rule is answered without the runtime.
    assert asked > 40_000 and answered >= 0.9 * asked, f"{answered} of {asked}"


KINDS = [
    "a",
    "web",
    "é",
    "",
    0,
    1,
    -2,
    2**70,
    2**70 + 1,
    1.0,
    0.5,
    True,
    False,
    None,
    ["a", 1],
    ["web"],
    [],
    {"a": 1},
    {},
    dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "in", "&&", "||", "-"])
def test_every_operator_on_every_pair_of_kinds_agrees_with_the_runtime(op: str) -> None:
    answered = 0
    for a in KINDS:
        for b in KINDS:
            values = {"service": {"a": a, "b": b}, "council": None, "now": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)}
            answered += assert_agrees(f"service.a {op} service.b", values)
    assert answered > 0


@pytest.mark.parametrize(
    "template",
    [
        "size(service.a)",
        "!service.a",
        "service.a ? 1 : 2",
        "service.a.contains(service.b)",
        "service.a.startsWith(service.b)",
        "service.a.endsWith(service.b)",
        "service.a.exists(e, e == service.b)",
        "service.a.all(e, e != service.b)",
        "service.a.exists(e, e)",
        "service.a.all(e, e)",
        'service.a in ["a", "web"]',
        'now - service.a <= duration("8760h")',
    ],
)
def test_every_function_on_every_kind_agrees_with_the_runtime(template: str) -> None:
    for a in KINDS:
        for b in KINDS:
            values = {"service": {"a": a, "b": b}, "council": None, "now": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)}
            assert_agrees(template, values)


SCALARS = (
    st.text(max_size=4)
    | st.sampled_from(["", "a", "web", "csv", "é", "ü-x", "none"])
    | st.integers(min_value=-(2**66), max_value=2**66)
    | st.integers(min_value=-3, max_value=3)
    | st.floats(allow_nan=False, width=32)
    | st.booleans()
    | st.none()
    | st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1), timezones=st.just(dt.UTC))
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "x"]), inner, max_size=3),
    max_leaves=6,
)
FIELDS = ["a", "b", "c", "d", "m"]
LITERALS = ['"a"', '"web"', '"é"', '""', "1", "0", "-2", "true", "false", "null", '["a", "web"]', "[1, null]", "[]"]


def expressions() -> st.SearchStrategy[str]:
    atoms = st.sampled_from([f"service.{f}" for f in FIELDS] + ["service.m.a", "service.m.x", "now", "council"])
    atoms = atoms | st.sampled_from(LITERALS)
    atoms = atoms | st.sampled_from(['duration("8760h")', 'duration("90m")', 'timestamp("2026-01-01T00:00:00Z")'])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "&&", "||", "-"]), inner)
        method = st.tuples(inner, st.sampled_from(["contains", "startsWith", "endsWith"]), inner)
        macro = st.tuples(inner, st.sampled_from(["exists", "all"]), inner.map(lambda p: p.replace("service.a", "e")))
        return (
            binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})")
            | inner.map(lambda e: f"!{e}")
            | inner.map(lambda e: f"size({e})")
            | st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})")
            | method.map(lambda t: f"{t[0]}.{t[1]}({t[2]})")
            | macro.map(lambda t: f"{t[0]}.{t[1]}(e, {t[2]})")
        )

    return st.recursive(atoms, extend, max_leaves=5)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=expressions(),
    fields=st.fixed_dictionaries({f: VALUES for f in FIELDS}),
    council=st.none() | st.fixed_dictionaries({"id": st.just("leeds"), "type": st.sampled_from(["metropolitan"])}),
)
def test_generated_expressions_agree_with_the_runtime(source: str, fields: dict[str, Any], council: Any) -> None:
    if compile_rule(source).program is None:
        return  # the runtime refuses it: no rule of its shape can run
    values = {"service": fields, "council": council, "now": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)}
    assert_agrees(source, values)


def test_a_whole_check_reports_the_same_without_the_closures(generated_registry: Path) -> None:
    def report(fast: bool) -> Any:
        switch = "" if fast else "import checks.rules as r; r.compile_python = lambda source, node: None; "
        script = switch + "import sys; from registry.entry import main; sys.argv = ['standards', *sys.argv[1:]]; main()"
        run = subprocess.run(
            [sys.executable, "-c", script, "check", "--no-cache", "--format", "json", "--as-of", "2026-11-01"],
            cwd=generated_registry,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode in (0, 1), run.stderr
        return json.loads(run.stdout)

    with_closures = report(True)
    assert with_closures == report(False)
    assert with_closures["summary"]["services"] >= 300
