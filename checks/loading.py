"""Hardened YAML loading that keeps a position for every key and value.

Files come from pull requests by people who are not YAML experts, and from
anyone on the internet via the API, so loading is defensive: safe types only,
no anchors or aliases (a "billion laughs" file never expands), no tags, no
duplicate keys, UTF-8 only and a size limit. The composed node tree is kept so
that any later error can point at the exact line and column.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checks.problems import Problem, capped

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
# `&name` or `*name`: "Bins & recycling" does not match, so ordinary text skips the slower scan.
_MAYBE_ANCHOR = re.compile(r"[&*][^\s,\[\]{}]")


# What YAML refuses to read (C0 and C1 controls, DEL, U+FFFE, U+FFFF), and the three characters YAML 1.1
# counts as line breaks where editors and Git do not (U+0085, U+2028, U+2029): after one of those, every
# position the parser reports would be on the wrong line.
_CONTROL = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAKS = re.compile("\r\n|\r|\n")
_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
    0x2028: "LINE SEPARATOR",
    0x2029: "PARAGRAPH SEPARATOR",
    0xFFFE: "not a character",
    0xFFFF: "not a character",
}

_RESOLVED: dict[tuple[Any, Any], str] = {}
_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}


def _fast_int(text: str) -> int:
    if not text.lstrip("-").isdigit() or (len(text) > 1 and text.lstrip("-").startswith("0")):
        raise ValueError(text)
    return int(text)


def _fast_date(text: str) -> dt.date:
    if len(text) != 10:
        raise ValueError(text)
    return dt.date.fromisoformat(text)


_FAST_SCALARS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:bool": lambda text: _BOOLS[text.lower()],
    "tag:yaml.org,2002:int": _fast_int,
    "tag:yaml.org,2002:null": lambda text: None,
    "tag:yaml.org,2002:timestamp": _fast_date,
}


class _HardenedLoader(_Loader):  # type: ignore[misc,valid-type]
    """The C safe loader, except that an impossible date stays text for validation to report."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # libyaml calls back into PyYAML's regex-based resolver for every scalar; keys and
        # common values repeat across thousands of manifests, so remember each answer.
        if kind is yaml.ScalarNode:
            key = (value, implicit)
            tag = _RESOLVED.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_RESOLVED) < 50_000 and len(value) <= 64:
                    _RESOLVED[key] = tag
            return tag
        return super().resolve(kind, value, implicit)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return node.value


_HardenedLoader.add_constructor("tag:yaml.org,2002:timestamp", _HardenedLoader.construct_yaml_timestamp)

_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
# YAML 1.1 reads these unquoted words as booleans, which surprises people.
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})
# Numbers YAML 1.1 reads in a way a reader of the file (or a YAML 1.2 tool) would not expect:
# 0x1F, 0b101, 017 (octal), 1_000, 1:30:00 (base 60).
_SURPRISING_NUMBER = re.compile(r"^[-+]?(?:0[xXbB]|0[0-7_]|[0-9.]*[_:])")

NodePath = tuple[str | int, ...]


@dataclass(slots=True)
class Document:
    """A parsed YAML file: its data and the node tree for positions."""

    data: Any
    root: yaml.Node
    text: str
    # Failures of many requirements point at the same few fields: look each path up once.
    found: dict[NodePath, tuple[yaml.Node, bool]] = field(default_factory=dict)
    key_index: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict)
    # Plain numbers YAML 1.1 read in a surprising way (0x1F, 1_000, 1:30:00): validation refuses them.
    surprising: list[yaml.ScalarNode] = field(default_factory=list)

    def node_at(self, path: NodePath) -> tuple[yaml.Node, bool]:
        """The deepest node on `path`, and whether the whole path was found."""
        cached = self.found.get(path)
        if cached is not None:
            return cached
        node = self.root
        complete = True
        for part in path:
            child = self.child(node, part)
            if child is None:
                complete = False
                break
            node = child
        self.found[path] = (node, complete)
        return node, complete

    def path_to(self, target: yaml.Node) -> NodePath:
        """The key path of a node in the tree (a walk of the tree: only for the rare node a message names)."""
        stack: list[tuple[yaml.Node, NodePath]] = [(self.root, ())]
        while stack:
            node, path = stack.pop()
            if node is target:
                return path
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                    stack.extend(((key, path), (value, (*path, name))))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
        return ()

    def key_node_at(self, path: NodePath) -> yaml.Node | None:
        """The key node for the last element of `path` in its mapping, if present."""
        if not path or not isinstance(path[-1], str):
            return None
        parent, found = self.node_at(path[:-1])
        if not found or not isinstance(parent, yaml.MappingNode):
            return None
        entry = self._keys(parent).get(path[-1])
        return entry[0] if entry else None

    def child(self, node: yaml.Node, part: str | int) -> yaml.Node | None:
        """The value under `part` in a mapping or sequence node, or None."""
        if isinstance(node, yaml.MappingNode):
            entry = self._keys(node).get(str(part))
            return entry[1] if entry else None
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            return node.value[part]  # type: ignore[no-any-return]
        return None

    def _keys(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        # An index per mapping, so a file with thousands of bad keys is still located in linear time.
        index = self.key_index.get(id(node))
        if index is None:
            index = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    index.setdefault(key.value, (key, value))
            self.key_index[id(node)] = index
        return index


def position(node: yaml.Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def yaml11_hint(node: yaml.Node) -> str | None:
    """A hint where text is wanted and a plain scalar was read as something its author likely didn't mean."""
    reading = yaml11_reading(node)
    if reading is None:
        return None
    text = _clip(node.value)
    quote = "write it in quotes" if node.tag.endswith(":bool") else "write it in quotes if it is text"
    if node.tag.endswith(":float") and not number_reading(node):
        quote = "write it in quotes to keep it as text"
    return f'{reading}; {quote}: "{text}"'


def yaml11_reading(node: yaml.Node, plain_numbers: bool = True) -> str | None:
    """What YAML made of a plain scalar its author may have meant otherwise, e.g. "YAML reads 0x1F as ...".

    `plain_numbers`: whether to say so for an ordinary number (12, 1.10), which surprises only
    where text is wanted.
    """
    if not isinstance(node, yaml.ScalarNode) or node.style:
        return None
    text = _clip(node.value)
    if node.tag.endswith(":bool") and node.value.lower() in _YAML11_BOOLS:
        return f"YAML reads an unquoted {node.value} as {_bool_word(node.value)}"
    reading = number_reading(node)
    if reading is not None:
        return f"YAML reads {text} as {reading}"
    if plain_numbers and node.tag in _NUMBER_TAGS:
        return f"YAML reads {text} as a number"
    return None


def number_reading(node: yaml.Node) -> str | None:
    """What YAML 1.1 made of a plain number written in a surprising form (0x1F, 017, 1_000, 1:30:00)."""
    if not (isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS and _SURPRISING_NUMBER.match(node.value)):
        return None
    loader = _HardenedLoader("")
    try:
        value = loader.construct_object(node)
    except (yaml.YAMLError, ValueError):
        return None
    finally:
        loader.dispose()
    shown = show_number(value)
    if ":" in node.value:
        return f"{shown} (YAML 1.1 counts in base 60 across the colons, as for times)"
    if "_" in node.value:
        return f"{shown} (YAML 1.1 drops the underscores; YAML 1.2 reads it as text)"
    prefix = node.value.lstrip("+-")[:2].lower()
    base = {"0x": "hexadecimal", "0b": "binary"}.get(prefix, "octal")
    said = f"the {base} number {shown}" if shown[0].isdigit() or shown[0] == "-" else f"{shown} ({base})"
    if base == "octal":
        return f"{said} (YAML 1.2 reads it as {show_number(int(node.value, 10))})"
    return said


def show_number(value: object) -> str:
    """A number as text, or its length when it is too long to print (Python refuses over 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        size = abs(value)
        digits = math.floor(size.bit_length() * math.log10(2)) + 1
        if size < 10 ** (digits - 1):  # the estimate is at most one too many
            digits -= 1
        return f"a {digits:,}-digit number"
    return repr(value) if isinstance(value, float) else str(value)


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _bool_word(value: str) -> str:
    return "true" if value.lower() in {"yes", "on", "y"} else "false"


def _problem_at(code: str, message: str, help_text: str, mark: Any) -> Problem:
    if mark is None:
        return Problem(code, message, help_text)
    return Problem(code, message, help_text, mark.line + 1, mark.column + 1)


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str | Problem:
    """The file's text, or the problem that stops it being read."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return _not_a_file(info.st_mode)
        if info.st_size > max_bytes:
            return Problem(
                "E102",
                f"file is {info.st_size / 1_000_000:.1f} MB; files must be under {max_bytes / 1_000_000:.1f} MB",
                "split it up or remove what does not belong in a manifest (embedded data, logs)",
            )
        # Non-blocking, and checked again once open: a FIFO swapped in after the check must not hang the run.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as stream:
            mode = os.fstat(stream.fileno()).st_mode
            if not stat.S_ISREG(mode):
                return _not_a_file(mode)
            raw = stream.read(max_bytes + 1)  # never more, whatever the size said
    except FileNotFoundError:
        return Problem("E100", "file does not exist", "check the path and the file name's spelling")
    except IsADirectoryError:
        return Problem("E101", "is a directory, not a file", "give the path of a .yaml file")
    except OSError as exc:
        return Problem("E101", f"file could not be read: {exc.strerror}", "check the file's permissions")
    return decode(raw, max_bytes)


def _not_a_file(mode: int) -> Problem:
    if stat.S_ISDIR(mode):
        return Problem("E101", "is a directory, not a file", "give the path of a .yaml file")
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    kind = next((name for test, name in kinds if test(mode)), "a socket" if stat.S_ISSOCK(mode) else "not a file")
    # Reading one could wait for ever (a FIFO) or never end (/dev/zero), so it is never opened.
    return Problem("E101", f"is {kind}, not a regular file", "give the path of a .yaml file saved on disk")


def decode(raw: bytes, max_bytes: int = MAX_BYTES) -> str | Problem:
    if len(raw) > max_bytes:
        return Problem(
            "E102",
            f"file is {len(raw) / 1_000_000:.1f} MB; files must be under {max_bytes / 1_000_000:.1f} MB",
            "split it up or remove what does not belong in a manifest",
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return Problem(
            "E103",
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8 (most editors offer this under 'Save with encoding')",
            line,
            column,
        )


def control_problems(text: str) -> list[Problem]:
    """A located problem for each control character in the text (the first few, then a count)."""
    found = list(_CONTROL.finditer(text))
    problems: list[Problem] = []
    line, line_start, scanned = 1, 0, 0
    for match in found[:51]:  # one past the cap, so the count's line points at the first left out
        for brk in _LINE_BREAKS.finditer(text, scanned, match.start()):
            line, line_start = line + 1, brk.end()
        scanned = match.start()
        problems.append(_control_problem(match.group(), line, match.start() - line_start + 1))
    return capped(problems, len(found))


def _control_problem(char: str, line: int, column: int) -> Problem:
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    if code in (0x85, 0x2028, 0x2029):
        return Problem(
            "E113",
            f"U+{code:04X} ({name}) is not allowed: YAML reads it as a line break",
            "replace it with an ordinary line break, or delete it (it usually comes in with pasted text)",
            line,
            column,
        )
    return Problem(
        "E113",
        f"control character U+{code:04X}{f' ({name})' if name else ''} is not allowed",
        "delete it: it is invisible in most editors and usually comes in with text pasted from another program "
        "(tabs and ordinary line breaks are fine)",
        line,
        column,
    )


def parse(text: str) -> Document | list[Problem]:
    """Parse one YAML document safely; every problem found is returned, not just the first."""
    # Refused before parsing, so each is placed on its own line and column (the parser stops at the
    # first with its own wording, and some of its paths report none at all).
    if _CONTROL.search(text):
        return control_problems(text)
    if _MAYBE_ANCHOR.search(text):
        # Only files that could hold an anchor or alias pay for the event scan.
        alias_problem = _scan_anchors(text)
        if alias_problem is not None:
            return [alias_problem]
    loader = _HardenedLoader(text)
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
        for event in yaml.parse(text, Loader=_Loader):
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
        self.scalars = _HardenedLoader("")

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
            fast = _FAST_SCALARS.get(tag)
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
        if tag in _NUMBER_TAGS and isinstance(node, yaml.ScalarNode) and _SURPRISING_NUMBER.match(node.value):
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
    if node.tag in _NUMBER_TAGS:
        # Python refuses to read an integer of more than 4,300 digits (its message names an interpreter setting).
        return Problem(
            "E205",
            f"the number {_clip(node.value)} is {len(node.value):,} characters long, far more than any field holds",
            f'write it in quotes if it is text: "{_clip(node.value)}"',
            line,
            column,
        )
    return Problem("E205", f"value could not be read: {exc}", "quote the value so it is read as text", line, column)


def load_file(path: Path, max_bytes: int = MAX_BYTES) -> Document | list[Problem]:
    text = read_text(path, max_bytes)
    if isinstance(text, Problem):
        return [text]
    return parse(text)
