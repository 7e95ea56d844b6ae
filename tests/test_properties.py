"""Property-based: however a manifest is mangled, nothing escapes as an exception, breaks the index or gets a 5xx.

Examples start from the shipped manifests and council files and are mutated two ways: as text
(characters inserted, deleted or replaced, lines swapped or repeated) and as data (any field the
models know, or any value already there, set to a generated value of every type: huge and
negative integers, floats including infinities and NaN, text with control characters and any
Unicode, empty values, nested lists and mappings, dates, and raw YAML such as `0x1F`, `yes` or
`1:30:00`). For every example:

- `check_target` returns a result (no exception), and every reporter renders it;
- if `check` accepts the file, `index build` succeeds on a small tree holding it;
- `POST /validate` answers 200 or 422, never a 5xx.

Hypothesis runs derandomized with no example database, so CI sees the same examples every time.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import json
import shutil
import string
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from checks.engine import Catalogue
from checks.models import Council, Service
from checks.reporters import REPORTER_BY_NAME, ReportContext
from checks.reporters.json_report import file_json
from checks.repository import Repository
from checks.results import FileResult, RunSummary
from checks.runner import check_target
from conftest import AS_OF, ROOT
from registry.api.app import create_app
from registry.index.build import build_index

WHEN = dt.date.fromisoformat(AS_OF)
SHIPPED = sorted((ROOT / "manifests").glob("*/*.yaml"))
TEXTS = {path: path.read_text(encoding="utf-8") for path in SHIPPED}
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --------------------------------------------------------------------------- the world the examples run in


@dataclass
class World:
    tree: Path  # the shipped standards and every council file: mutated files are written into it
    repo: Repository
    catalogue: Catalogue
    small: Path  # rebuilt for each accepted example: the standards, one council, the accepted file
    api: TestClient


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "standards", tree / "standards")
    for council in (ROOT / "manifests").glob("*/council.yaml"):
        (tree / "manifests" / council.parent.name).mkdir(parents=True)
        shutil.copy(council, tree / "manifests" / council.parent.name / "council.yaml")
    repo = Repository(tree)
    catalogue, broken = repo.load_catalogue()
    assert not broken, broken
    # The API's index holds the same standards and councils (and no services), as a live registry would.
    index = tmp_path_factory.mktemp("api") / "index.sqlite"
    build_index(tree, index, WHEN, jobs=1)
    small = tmp_path_factory.mktemp("small")
    shutil.copytree(ROOT / "standards", small / "standards")
    with TestClient(create_app(index)) as client:
        yield World(tree, repo, catalogue, small, client)


def _exercise(world: World, source: Path, raw: bytes) -> None:
    """Everything the properties promise, for one mutated file put where `source` was."""
    council, name = source.parent.name, source.name
    path = world.tree / "manifests" / council / name
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(raw)
    try:
        result = check_target(world.repo.target(path), world.catalogue, WHEN)
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
    _render_everywhere(world.catalogue, result)
    if not result.problems:
        _build_small_index(world, source, raw)
    params = {"as_of": AS_OF, "council": council}
    answer = world.api.post("/api/v1/validate", content=raw, params=params, headers={"Content-Type": "text/plain"})
    assert answer.status_code in (200, 422), (answer.status_code, answer.text[:500])
    if answer.status_code == 422:
        assert answer.json()["error"]["code"] == "invalid_manifest"


def _render_everywhere(catalogue: Catalogue, result: FileResult) -> None:
    summary = RunSummary()
    summary.add(result)
    for name, factory in REPORTER_BY_NAME.items():
        stream = io.StringIO()
        reporter = factory(stream, ReportContext(catalogue, WHEN, "must", "0.0.0-test"))
        reporter.file(result)
        reporter.finish(summary)
        if name in ("json", "sarif"):
            json.loads(stream.getvalue())
    json.loads(file_json(result))


def _build_small_index(world: World, source: Path, raw: bytes) -> None:
    """`index build` on the standards, the council and the file `check` accepted: it must succeed."""
    manifests = world.small / "manifests"
    shutil.rmtree(manifests, ignore_errors=True)
    folder = manifests / source.parent.name
    folder.mkdir(parents=True)
    shutil.copy(world.tree / "manifests" / source.parent.name / "council.yaml", folder / "council.yaml")
    (folder / source.name).write_bytes(raw)
    if source.name != "council.yaml":
        summary = build_index(world.small, world.small / "index.sqlite", WHEN, jobs=1)
        assert summary.invalid == 0 and summary.services == 1, summary
        return
    # An accepted council file: index it with one of its services, so its values reach the rules too.
    service = next(p for p in sorted(source.parent.glob("*.yaml")) if p.name != "council.yaml")
    shutil.copy(service, folder / service.name)
    summary = build_index(world.small, world.small / "index.sqlite", WHEN, jobs=1)
    assert summary.councils == 1, summary


# --------------------------------------------------------------------------- text mutations

# Characters that matter to YAML, to the loader and to readers, besides any Unicode at all.
CONTROL = [chr(c) for c in range(0x20) if c not in (9, 10, 13)] + ["\x7f", "\x85", "\x9b", "\u2028", "\ufeff"]
CHARACTERS = st.one_of(
    st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\n\t \\") + CONTROL),
    st.sampled_from(string.digits + "._+xoe"),
    st.characters(),
)
# Fragments a real edit carries: text with & or * (which sends the loader down its anchor scan), YAML 1.1
# surprises, indentation, and control characters beside them.
FRAGMENTS = [
    "R&D", "Q&A", "*new*", "&a", "*a", "R&D\x01", "*new*\x1b[2J", "0x1F", "017", "1_000", "1:30:00", "yes", "off",
    ": ", "- ", "  ", "\t", "\r\n", "\n  - ", "\n  x: ", "#", "---\n", "...", "!!str ", "~", "\u2028", '"', "'",
]  # fmt: skip
TEXT_OPERATIONS = ["insert", "insert", "delete", "replace", "swap lines", "repeat line", "cut"]


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[Path, bytes]:
    source = draw(st.sampled_from(SHIPPED))
    text = TEXTS[source]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(TEXT_OPERATIONS))
        at = draw(st.integers(0, len(text)))
        if op == "insert":
            fragment = draw(st.sampled_from(FRAGMENTS)) + draw(st.text(CHARACTERS, max_size=6))
            text = text[:at] + fragment + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif op == "replace":
            text = text[:at] + draw(CHARACTERS) + text[at + 1 :]
        elif op == "cut":
            text = text[:at]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if op == "swap lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(i, lines[j])
            text = "\n".join(lines)
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and draw(st.booleans()):  # now and then, bytes that are not UTF-8 at all
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return source, raw


@SETTINGS
@given(example=mutated_text())
def test_mutated_text_never_escapes_breaks_the_index_or_gets_a_5xx(world: World, example: tuple[Path, bytes]) -> None:
    _exercise(world, *example)


# --------------------------------------------------------------------------- data mutations


def _field_paths(model: type[BaseModel], prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every field of the model and the models inside it (list items as [0], mapping values under one key)."""
    paths: list[tuple[str | int, ...]] = []
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        paths.append(path)
        for inner, step in _inner_models(field.annotation):
            paths.extend(_field_paths(inner, (*path, *step)))
    return paths


def _inner_models(annotation: Any) -> list[tuple[type[BaseModel], tuple[str | int, ...]]]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, ())]
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return [found for arg in args for found in _inner_models(arg)]
    if origin is list:
        return [(model, (0, *step)) for model, step in _inner_models(args[0])]
    if origin is dict:
        return [(model, ("SS-01", *step)) for model, step in _inner_models(args[1])]
    return []


FIELD_PATHS = {"Service": _field_paths(Service), "Council": _field_paths(Council)}

# Printable text: what a field may well accept, so the index and the reporters see odd but valid manifests
# (right-to-left, zero-width, emoji, combining marks), not only refusals.
PRINTABLE = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))


def _typed(annotation: Any, metadata: tuple[Any, ...] = ()) -> st.SearchStrategy[Any] | None:
    """Values of the field's own type and constraints (patterns, bounds, choices), or None for a model."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _typed(args[0], (*metadata, *args[1:]))
    if origin in (typing.Union, types.UnionType):
        options = [found for arg in args if arg is not type(None) if (found := _typed(arg, metadata)) is not None]
        return st.one_of(options) if options else None
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is list:
        inner = _typed(args[0])
        return st.lists(inner, max_size=3) if inner is not None else None
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([member.value for member in annotation])
    limits = {
        name: getattr(item, name)
        for item in _flat(metadata)
        for name in ("ge", "le", "pattern", "min_length", "max_length")
        if getattr(item, name, None) is not None
    }
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(limits.get("ge"), limits.get("le"))
    if annotation is float:
        return st.floats(limits.get("ge"), limits.get("le"), allow_nan=False)
    if annotation is dt.date:
        return st.dates()
    if annotation is str:
        size = min(limits.get("max_length", 300), 300)
        if "pattern" in limits:
            return st.from_regex(limits["pattern"], fullmatch=True, alphabet=PRINTABLE).filter(lambda t: len(t) <= size)
        return st.text(PRINTABLE, min_size=limits.get("min_length", 0), max_size=size)
    return None


def _flat(metadata: tuple[Any, ...]) -> Iterator[Any]:
    for item in metadata:
        if isinstance(getattr(item, "metadata", None), list):  # a Field(...) inside Annotated
            yield from item.metadata
        else:
            yield item


def _typed_paths(model: type[BaseModel]) -> list[tuple[tuple[str | int, ...], st.SearchStrategy[Any]]]:
    found = []
    for path in _field_paths(model):
        owner: Any = model
        for part in path[:-1]:
            if isinstance(owner, type) and issubclass(owner, BaseModel) and part in owner.model_fields:
                owner = next((m for m, _ in _inner_models(owner.model_fields[part].annotation)), owner)
        field = owner.model_fields[path[-1]]
        strategy = _typed(field.annotation, tuple(field.metadata))
        if strategy is not None:
            found.append((path, strategy))
    return found


TYPED_PATHS = {"Service": _typed_paths(Service), "Council": _typed_paths(Council)}
# The fields a number lands in: the rules (64-bit CEL), the index (64-bit SQLite) and JSON all read them.
NUMBER_PATHS = [
    path for path, strategy in TYPED_PATHS["Service"] if "integers(" in repr(strategy) or "floats(" in repr(strategy)
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-(2**65), max_value=2**65).map(lambda n: n | 1 << 63 if n > 0 else n),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**310, 10**4000, -1, 0]),
    st.floats(),
    st.booleans(),
)

# Raw YAML that reads as something other than it looks, or is not plain data at all.
RAW_YAML = [
    "0x1F", "017", "0b101", "1_000", "1:30:00", "1:30.5", "yes", "No", "on", "OFF", "~", "null", "",
    ".inf", "-.inf", ".nan", "2025-02-30", "2025-01-01 10:00:00", "9" * 5000, "-" + "9" * 400, "1.0e+400",
    "!!binary aGk=", "!Ref x", "&anchor x", "*alias", "'unclosed", '"unclosed', "|", ">-", "[", "{a: 1",
    '"\\e[2J\\x01"', "@handle", "`tick", "- a\n- b", "{}", "[]", "? complex\n: key",
]  # fmt: skip
SCALARS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**310, -1, 0]),
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=40),
    st.text(st.sampled_from(CONTROL + list("ab &*")), max_size=10),
    st.text(min_size=300, max_size=400),
    st.just(""),
    st.dates(),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)
_RAW = "RAW-YAML-PLACEHOLDER"


def _leaves(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*path, i))


def _put(data: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """`data` with the value at `path` set, creating mappings (and one-item lists) on the way."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int) and not isinstance(data, dict):  # a list position (an int key in a mapping is a key)
        items = list(data) if isinstance(data, list) and data else [{}]
        at = max(0, min(head, len(items) - 1))
        items[at] = _put(items[at], rest, value)
        return items
    mapping = dict(data) if isinstance(data, dict) else {}
    mapping[head] = _put(mapping.get(head, {}), rest, value)
    return mapping


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated_data(draw: st.DrawFn) -> tuple[Path, bytes]:
    source = draw(st.sampled_from(SHIPPED))
    data = yaml.safe_load(TEXTS[source])
    raw_value: str | None = None
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["set field", "typed", "typed", "number", "set existing", "swap", "delete", "raw"]))
        existing = list(_leaves(data))[1:]
        kind = data.get("kind") if isinstance(data.get("kind"), str) else "Service"
        if op == "set field":
            data = _put(data, draw(st.sampled_from(FIELD_PATHS.get(kind, FIELD_PATHS["Service"]))), draw(VALUES))
        elif op == "number":
            data = _put(data, draw(st.sampled_from(NUMBER_PATHS)), draw(NUMBERS))
        elif op == "typed":
            path, strategy = draw(st.sampled_from(TYPED_PATHS.get(kind, TYPED_PATHS["Service"])))
            data = _put(data, path, draw(strategy))
        elif op == "set existing":
            data = _put(data, draw(st.sampled_from(existing)), draw(VALUES))
        elif op == "swap":
            a, b = draw(st.sampled_from(existing)), draw(st.sampled_from(existing))
            value_a, value_b = _get(data, a), _get(data, b)
            data = _put(_put(data, a, value_b), b, value_a)
        elif op == "delete" and isinstance(data, dict) and data:
            data.pop(draw(st.sampled_from(sorted(data, key=str))))
        elif raw_value is None:
            raw_value = draw(st.sampled_from(RAW_YAML))
            data = _put(data, draw(st.sampled_from(FIELD_PATHS["Service"] + existing)), _RAW)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=draw(st.booleans()), width=10**6)
    if raw_value is not None:
        text = text.replace(_RAW, raw_value)
    return source, text.encode("utf-8", "surrogatepass")


@SETTINGS
@given(example=mutated_data())
def test_generated_values_in_every_field_never_escape_break_the_index_or_get_a_5xx(
    world: World, example: tuple[Path, bytes]
) -> None:
    _exercise(world, *example)


@st.composite
def one_field(draw: st.DrawFn) -> tuple[Path, bytes]:
    """A shipped service with one field set, so a value the model fails to bound is the only change."""
    source = draw(st.sampled_from([p for p in SHIPPED if p.name != "council.yaml"]))
    data = yaml.safe_load(TEXTS[source])
    if draw(st.booleans()):
        path = draw(st.sampled_from(NUMBER_PATHS))
        value = draw(NUMBERS)
    else:
        path, typed = draw(st.sampled_from(TYPED_PATHS["Service"]))
        value = draw(st.one_of(typed, SCALARS))
    text = yaml.safe_dump(_put(data, path, value), sort_keys=False, allow_unicode=True, width=10**6)
    return source, text.encode()


@SETTINGS
@given(example=one_field())
def test_one_field_set_to_anything_never_escapes_breaks_the_index_or_gets_a_5xx(
    world: World, example: tuple[Path, bytes]
) -> None:
    _exercise(world, *example)


def test_the_data_mutations_reach_every_field_the_models_hold() -> None:
    # A new field is mutated without anyone adding it here; this pins that the walk finds the nested ones.
    services = {".".join(map(str, p)) for p in FIELD_PATHS["Service"]}
    assert {"lgsl", "security.patching_days", "conforms_to.0.version", "evidence.SS-01.date"} <= services
    assert {"owners", "gss_code"} <= {".".join(map(str, p)) for p in FIELD_PATHS["Council"]}
    numbers = {".".join(map(str, p)) for p in NUMBER_PATHS}
    assert numbers == {
        "lgsl",
        "conforms_to.0.version",
        "security.patching_days",
        "team.releases_per_quarter",
        "performance.uptime_target",
        "attestations.0.failed_must",
        "attestations.0.failed_should",
        "suppliers.0.notice_period_months",
    }
