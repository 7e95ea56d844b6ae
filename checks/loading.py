"""Hardened YAML loading that keeps a position for every key and value.

Files come from pull requests by people who are not YAML experts, and from
anyone on the internet via the API, so loading is defensive: safe types only,
no anchors or aliases (a "billion laughs" file never expands), no tags, no
duplicate keys, UTF-8 only and a size limit. The composed node tree is kept so
that any later error can point at the exact line and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# Reading a file's bytes lives in file_text; its limit and readers are still imported from here too.
from checks import block_yaml

# The parsed document lives in checks.document; it is still imported from here too.
from checks.document import Document as Document
from checks.document import NodePath as NodePath
from checks.document import position as position
from checks.file_text import CONTROL, control_problems
from checks.file_text import MAX_BYTES as MAX_BYTES
from checks.file_text import decode as decode
from checks.file_text import read_text as read_text
from checks.problems import Problem, capped
from checks.profile import phase
from checks.yaml11 import FAST_SCALARS, NUMBER_TAGS, SURPRISING_NUMBER, FastSafeLoader, HardenedLoader, clip

MAX_DEPTH = 32
# `&name` or `*name`: "Bins & recycling" does not match, so ordinary text skips the slower scan.
_MAYBE_ANCHOR = re.compile(r"[&*][^\s,\[\]{}]")


_ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


def _problem_at(code: str, message: str, help_text: str, mark: Any) -> Problem:
    if mark is None:
        return Problem(code, message, help_text)
    return Problem(code, message, help_text, mark.line + 1, mark.column + 1)


def parse(text: str) -> Document | list[Problem]:
    """Parse one YAML document safely; every problem found is returned, not just the first."""
    # Refused before parsing, so each is placed on its own line and column (the parser stops at the
    # first with its own wording, and some of its paths report none at all).
    if CONTROL.search(text):
        return control_problems(text)
    read = block_yaml.read(text)
    if read is not None:
        data, places, key_places = read
        return Document(data, None, text, places=places, key_places=key_places)
    return _composed(text)


def parse_composed(text: str) -> Document | list[Problem]:
    """`parse` by PyYAML's node tree alone, as for every file checks.block_yaml leaves (its tests compare)."""
    if CONTROL.search(text):
        return control_problems(text)
    return _composed(text)


def _composed(text: str) -> Document | list[Problem]:
    if _MAYBE_ANCHOR.search(text):
        # Only files that could hold an anchor or alias pay for the event scan.
        alias_problem = _scan_anchors(text)
        if alias_problem is not None:
            return [alias_problem]
    loader = HardenedLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        if "expected a single document" in str(exc):
            return [
                _problem_at(
                    "E110",
                    "file holds more than one YAML document",
                    "keep one manifest per file and remove the `---` separator",
                    exc.problem_mark,
                )
            ]
        return [_syntax_problem(exc)]
    except yaml.MarkedYAMLError as exc:
        return [_syntax_problem(exc)]
    except RecursionError:
        return [Problem("E112", "values are nested too deeply to read", "manifests need only a few levels")]
    except yaml.YAMLError as exc:
        return [_unmarked_problem(exc)]
    finally:
        loader.dispose()
    if root is None:
        return [Problem("E104", "file is empty", "start from `standards new service` or a pass example")]
    if not isinstance(root, yaml.MappingNode):
        line, column = position(root)
        return [
            Problem(
                "E109",
                "the file must be a mapping of keys to values",
                "start the file with `kind:` and `schema_version:` lines",
                line,
                column,
            )
        ]
    problems: list[Problem] = []
    surprising: list[yaml.ScalarNode] = []
    data = _Builder(problems, surprising).build(root)
    if problems:
        problems.sort(key=lambda p: (p.line, p.column))
        return capped(problems)
    return Document(data, root, text, surprising=surprising)


def _syntax_problem(exc: yaml.MarkedYAMLError) -> Problem:
    problem = exc.problem or "invalid YAML"
    hint = "check the indentation and that every `key: value` has a space after the colon"
    if "tab" in problem.lower():
        hint = "indent with spaces, not tabs"
    elif "found character" in problem and ("'@'" in problem or "'`'" in problem):
        hint = "values that start with @ or ` must be in quotes"
    elif "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be in quotes"
    context = f" ({exc.context})" if exc.context else ""
    return _problem_at("E105", f"YAML syntax error: {problem}{context}", hint, exc.problem_mark)


def _scan_anchors(text: str) -> Problem | None:
    # Streaming events keeps memory flat even for a billion-laughs file.
    try:
        for event in yaml.parse(text, Loader=FastSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return _problem_at(
                    "E107",
                    f"alias *{event.anchor} is not allowed",
                    "write the value out in full; anchors and aliases are not accepted",
                    event.start_mark,
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                return _problem_at(
                    "E107",
                    f"anchor &{anchor} is not allowed",
                    "write values out in full; anchors and aliases are not accepted",
                    event.start_mark,
                )
    except yaml.MarkedYAMLError as exc:
        return _syntax_problem(exc)
    except yaml.YAMLError as exc:
        return _unmarked_problem(exc)
    return None


def _unmarked_problem(exc: yaml.YAMLError) -> Problem:
    # The reader's errors carry no mark; every character it refuses is caught before parsing, so
    # reaching here means the two disagree, and the file is refused rather than the run stopped.
    if isinstance(exc, yaml.reader.ReaderError):
        return Problem("E113", f"character U+{exc.character:04X} cannot be read", "delete it")
    return Problem("E105", f"YAML could not be read: {exc}", "check the file's indentation and quoting")


class _Builder:
    """Turns the composed node tree into Python values, checking tags and duplicate keys on the way.

    PyYAML's own constructor is generic (merge keys, arbitrary tags, recursive
    structures); manifests need none of that, so one lean pass does both the
    checks and the construction, and costs less than `yaml.load` alone.
    """

    _STR = "tag:yaml.org,2002:str"

    def __init__(self, problems: list[Problem], surprising: list[yaml.ScalarNode]) -> None:
        self.problems = problems
        self.surprising = surprising
        self.scalars = HardenedLoader("")

    def build(self, node: yaml.Node) -> Any:
        try:
            return self._value(node, 0)
        finally:
            self.scalars.dispose()

    def _value(self, node: yaml.Node, depth: int) -> Any:
        tag = node.tag
        if tag == self._STR:
            return node.value if isinstance(node, yaml.ScalarNode) else self._tag_problem(node)
        if isinstance(node, yaml.ScalarNode):
            # The common plain forms directly; anything unusual (0x10, 1_000, .inf, times) goes to PyYAML.
            fast = FAST_SCALARS.get(tag)
            if fast is not None:
                try:
                    return fast(node.value)
                except (ValueError, KeyError):
                    pass
        if tag not in _ALLOWED_TAGS:
            return self._tag_problem(node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and depth >= MAX_DEPTH:
            line, column = position(node)
            self.problems.append(
                Problem(
                    "E112",
                    f"values are nested more than {MAX_DEPTH} levels deep",
                    "manifests need only a few levels; flatten the structure",
                    line,
                    column,
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth + 1)
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, depth + 1) for item in node.value]
        try:
            value = self.scalars.construct_object(node)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            self.problems.append(_unreadable_scalar(node, exc))
            return None
        if tag in NUMBER_TAGS and isinstance(node, yaml.ScalarNode) and SURPRISING_NUMBER.match(node.value):
            self.surprising.append(node)
        return value

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first_seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = position(key_node)
                self.problems.append(
                    Problem("E109", "keys must be plain text", "use a simple word as the key", line, column)
                )
                continue
            key = self._value(key_node, depth)
            try:
                seen = first_seen.get(key)
            except TypeError:
                seen = None
            if seen is not None:
                line, column = position(key_node)
                first_line, _ = position(seen)
                self.problems.append(
                    Problem(
                        "E106",
                        f"duplicate key '{key_node.value}' (first on line {first_line})",
                        "remove one of them or merge their values",
                        line,
                        column,
                    )
                )
                continue
            first_seen[key] = key_node
            out[key] = self._value(value_node, depth)
        return out

    def _tag_problem(self, node: yaml.Node) -> None:
        line, column = position(node)
        self.problems.append(
            Problem(
                "E108",
                f"tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
                "remove the `!` tag; manifests hold plain text, numbers, dates, lists and mappings",
                line,
                column,
            )
        )
        return None


def _unreadable_scalar(node: yaml.Node, exc: Exception) -> Problem:
    line, column = position(node)
    if node.tag in NUMBER_TAGS:
        # Python refuses to read an integer of more than 4,300 digits (its message names an interpreter setting).
        return Problem(
            "E205",
            f"the number {clip(node.value)} is {len(node.value):,} characters long, far more than any field holds",
            f'write it in quotes if it is text: "{clip(node.value)}"',
            line,
            column,
        )
    return Problem("E205", f"value could not be read: {exc}", "quote the value so it is read as text", line, column)


def load_file(path: Path, max_bytes: int = MAX_BYTES) -> Document | list[Problem]:
    with phase("read"):
        text = read_text(path, max_bytes)
    if isinstance(text, Problem):
        return [text]
    with phase("parse"):
        return parse(text)
