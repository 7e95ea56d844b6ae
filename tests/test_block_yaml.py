"""checks.block_yaml reads plain block YAML exactly as PyYAML does, or leaves the file to PyYAML.

For every file it reads, the values (and their types) and the position of every key and value
must be PyYAML's: `parse` (the fast reader where it can) is compared with `parse_composed` (PyYAML's
node tree alone) on every shipped manifest, every test fixture, a generated registry, hand-written
edge cases and generated documents. Where the reader declines, `parse` is PyYAML's, so every
refusal and hint in tests/test_bad_input.py is unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks import block_yaml
from checks.loading import Document, NodePath, parse, parse_composed

ROOT = Path(__file__).resolve().parent.parent


def same_value(a: Any, b: Any) -> bool:
    """Equal, and of the same type all the way down (True is not 1, a date is not text)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)  # NaN


def paths(value: Any, at: NodePath = ()) -> Iterator[NodePath]:
    yield at
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*at, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, (*at, i))


def asked(value: Any) -> Iterator[NodePath]:
    """Every path in the document, and the ways a caller may ask beside them: missing keys under
    each, an index past the end, an index into a mapping and text into a list."""
    for path in paths(value):
        yield path
        yield (*path, "not-there")
        yield (*path, 0)
        yield (*path, 10_000)
        yield (*path, "0")
        yield (*path, -1)


def assert_read_as_pyyaml(text: str) -> bool:
    """Whether the fast reader read `text`; if it did, its result must be PyYAML's in every detail."""
    fast = block_yaml.read(text)
    got, expected = parse(text), parse_composed(text)
    if fast is None:
        assert got == expected if not isinstance(got, Document) else got.places is None
        return False
    assert isinstance(expected, Document), f"read a file PyYAML refuses: {expected}"
    assert isinstance(got, Document) and got.places is not None
    assert same_value(got.data, expected.data)
    for path in asked(expected.data):
        assert got.place(path) == expected.place(path), path
        assert got.key_place(path) == expected.key_place(path), path
    return True


def yaml_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def test_every_shipped_and_fixture_file_reads_as_pyyaml() -> None:
    files = yaml_files(ROOT / "manifests", ROOT / "standards", ROOT / "tests" / "fixtures", ROOT / "reorganisations")
    read = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        read += assert_read_as_pyyaml(text)
    # Nearly all of them are plain block YAML (today every one): the fast path is the usual one.
    assert len(files) > 100 and read >= 0.9 * len(files)


def test_a_generated_registry_is_read_fast_and_as_pyyaml(generated_registry: Path) -> None:
    files = yaml_files(generated_registry / "manifests")
    read = sum(assert_read_as_pyyaml(p.read_text(encoding="utf-8")) for p in files)
    # What the speed is for: nearly every manifest takes the fast path.
    assert read >= 0.95 * len(files)


EDGES = [
    "a: 1\nb: -2\nc: 0\nd: 99.9\ne: 0.5\nf: true\ng: False\nh: ~\ni: null\nj: 2026-01-31\nk: text\n",
    'a: "quoted # not a comment"  # a comment\nb: \'single\' # c\nc: plain # c\nd: "" \ne: C#\n',
    'a: "esc \\" \\\\ \\/ \\t \\n \\x41 \\u2019 \\U0001F600 \\N \\_ \\L \\P \\e \\0 \\a \\b \\v \\f \\r \\ "\n',
    'a:\n  b:\n    c: 1\n  d: [x, y , "z"]\n  e: []\n',
    "list:\n- a\n- b\nnext: 1\n",
    "list:\n  - name: a\n    url: https://example.org/x:y\n  - name: b\n  -\n    name: c\n  - plain\n",
    "  indented: 1\n  two: 2\n",
    "# comment\n\n   # indented comment\nkey: value\n\n\nother: value   \n",
    "a: http://x.org/#frag\nb: x:y\nc: -5\nd: -x\ne: ?x\nf: :x\ng: a, b\n",
    "h: [a, b]x\n",
    "evidence:\n  ACC-02: {status: met}\n",
    "a: yes\n",
    "a: 012\n",
    "a: 0x1F\n",
    "a: 1_000\n",
    "a: 1:30\n",
    "a: 1e5\n",
    "a: .inf\n",
    "a: 2026-02-30\n",
    "a: 2026-1-5\n",
    "a: 2026-01-31 10:00:00\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: 1\na: 2\n",
    "a: |\n  text\n",
    "a: >\n  text\n",
    "a: text\n  continued\n",
    'a: "text\n  continued"\n',
    "---\na: 1\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\n...\n",
    "a:\tb\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: 2\r\n",
    "- a\n- b\n",
    "just text\n",
    "",
    "a:\n",
    "a:\nb: 1\n",
    "? a\n: 1\n",
    "yes: 1\n",
    "1: x\n",
    "\"a b\": 1\n'c': 2\n",
    'a: "\\uD83D"\n',
    'a: "\\q"\n',
    "a: [a, [b]]\n",
    "a: [a,]\n",
    "a: [a: b]\n",
    "a: b: c\n",
    "a:\n    - x\n  - y\n",
    "a: 1\n b: 2\n",
    "a:\n  - - x\n",
    "key:value\n",
    "a: 'it''s'\n",
    "a: 'x'y\n",
    'a: "x"y\n',
    "a: [x]#c\n",
    "a: [x] #c\n",
    "a:   spaced   \n",
    "a: - x\n",
    # Found by fuzzing: `-`, `?` or `:` starts a plain value only before a character that may follow it.
    "a: -: x\n",
    "e: ?: :x\n",
    "a: :: x\n",
    "a: -:x\n",
    "a: -#x\n",
]


BLOCK_SCALARS = [
    "a: >-\n  one\n  two\n\n  three\n    more\n  four\nb: 1\n",
    "a: >\n  one\n  two\n\n\nb: 1\n",
    "a: >+\n  one\n  two\n\n\nb: 1\n",
    "a: |\n  one\n  two\n\n   three\n  # not a comment\n  b: not a key\nb: 1\n",
    "a: |-\n  one\n  two",
    "a: |+\n  one\n\n",
    "a: >\n\n  after a blank\n",
    "a: >\n   \n  after spaces\n",
    "a: >\n      \n  indented by a blank\n",
    "a: >\n  one\n   \n  two\n",
    "a: >\n  one\n     \n  two\n",
    "a: >  # header comment\n  one\n",
    "a: >2\n   one\n",
    "a: >\nb: 1\n",
    "a: >\n",
    "a:\n  b: >-\n    deep\n    text\n  c: |\n    lit\n# after\nd: >\n x\n",
    "list:\n  - name: >-\n      in an item\n    url: u\n",
    "a: >\n    first\n  second\n",
    "a: >-\n  text\n  - not an item\n",
    "a: >\n  one\n\tb\n",
]


@pytest.mark.parametrize("text", [*EDGES, *BLOCK_SCALARS])
def test_edge_cases_read_as_pyyaml_or_are_left_to_it(text: str) -> None:
    assert_read_as_pyyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",  # the YAML 1.1 hint is PyYAML's
        "a: 012\n",
        "a: &x 1\nb: *x\n",  # E107
        "a: !!str 1\n",  # E108
        "a: 1\na: 2\n",  # E106, with both lines
        "- a\n",  # E109
        'a: "\\uD83D"\n',  # E105
        "a: 2026-02-30\n",  # stays text, for validation to place
        "a:\n",  # PyYAML's null and where it puts it
    ],
)
def test_what_pyyaml_must_say_is_left_to_it(text: str) -> None:
    assert block_yaml.read(text) is None


def test_common_forms_take_the_fast_path() -> None:
    for text in [*EDGES[:9], *BLOCK_SCALARS[:7]]:
        assert block_yaml.read(text) is not None, text


def test_the_node_tree_is_composed_only_when_asked_for() -> None:
    doc = parse("a:\n  b: [1, 2]\n")
    assert isinstance(doc, Document) and doc.composed is None
    assert doc.place(("a", "b", 1)) == (2, 10)
    assert doc.composed is None
    node, found = doc.node_at(("a", "b", 1))
    assert found and node.value == "2" and doc.composed is not None


# Generated documents: values of every kind the reader handles, and some it leaves, written out by
# PyYAML in block style, with comments and blank lines slipped in.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029"), max_size=12
)
_SCALARS = st.one_of(
    _TEXT,
    st.sampled_from(["yes", "no", "on", "012", "0x1F", "1_000", "1:30", "~", "null", "True", "-", "a: b", "#x"]),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, width=32),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
_KEYS = st.one_of(st.from_regex(r"[a-z_][a-z0-9_-]{0,8}", fullmatch=True), _TEXT)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    data = draw(st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=6))
    flow = draw(st.sampled_from([False, None]))
    indent = draw(st.sampled_from([2, 4]))
    text = yaml.safe_dump(data, default_flow_style=flow, indent=indent, allow_unicode=draw(st.booleans()), width=10_000)
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(["", "# note", "    # indented note", "  "])))
    return "\n".join(lines)


@settings(max_examples=400, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_read_as_pyyaml(text: str) -> None:
    assert_read_as_pyyaml(text)


@settings(max_examples=300, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_mangled_documents_read_as_pyyaml_or_are_left_to_it(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text)))
    inserted = data.draw(st.sampled_from(_INSERTED))
    cut = data.draw(st.integers(0, 3))
    assert_read_as_pyyaml(text[:at] + inserted + text[at + cut :])


_INSERTED = [" ", "  ", "- ", ": ", "-:", "?", ":", "#", '"', "'", "[", "]", ",", "\n", "\n  ", "&", "\\", "\\u"]
_INSERTED += ["|", ">-", "\n\n", "~", "yes", "012"]
