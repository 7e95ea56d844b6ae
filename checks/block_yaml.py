"""A fast reader for the plain block YAML nearly every manifest is written in, with each node's position.

PyYAML composes a node object (and a mark) for every key and value and calls back into Python to
resolve each scalar: that was the largest part of a cold check. A manifest is almost always a few
levels of `key: value` lines and `- ` items, with one-line plain or quoted text, `|` and `>` text
blocks and one-line `[a, b]` lists. This module reads exactly that subset: one regular expression
splits every line, and PyYAML's own resolver and scalar readers give the values. On anything else
it gives up (returns None): plain or quoted text running over lines, anchors, tags, flow mappings,
unusual keys, duplicate keys, empty values, YAML 1.1 words and numbers written in a surprising way,
tabs, carriage returns, directives and document markers. checks.loading then parses the file
with PyYAML as before, so every refusal, hint and position there stays PyYAML's
(docs/decisions/0007-block-yaml-reader.md).

tests/test_block_yaml.py holds this reader to PyYAML's values (and their types) and positions
(every key and value) on every shipped manifest, a generated registry and generated documents.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from checks.yaml11 import FAST_SCALARS, HardenedLoader

# What a value resolves to on this path: anything else (floats, YAML 1.1 words) goes to PyYAML.
_STR = "tag:yaml.org,2002:str"
_FLOAT_TAG = "tag:yaml.org,2002:float"
Position = tuple[int, int]
Path = tuple[str | int, ...]
MAPPING, SEQUENCE, SCALAR = 0, 1, 2
MAX_DEPTH = 32

# An item of a one-line `[...]` list: plain (it also stops at a comma or a bracket) or quoted without escapes.
_FLOW_ITEM = re.compile(r" *(?:([^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#:]*?)|\"([^\"\\\n]*)\") *(,|\])")
# YAML's escapes in double quotes (PyYAML's table), and a code point in hexadecimal.
_ESCAPE = re.compile(r"\\(?:([0abtnvfre \"\\/N_LP])|x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_ESCAPED = dict(zip('0abtnvfre "\\/N_LP', '\0\a\b\t\n\v\f\r\x1b "\\/\x85\xa0\u2028\u2029', strict=True))
# A float in the one form manifests use (99.9): no exponent, sign, underscores or leading zero.
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]*")

_resolver = HardenedLoader("")
_resolve = _resolver.resolve
_ScalarNode = yaml.ScalarNode


def unsafe(text: str) -> bool:
    """Tabs, carriage returns, a byte order mark, a document marker or a directive: PyYAML's to read."""
    if "\t" in text or "\r" in text or "\ufeff" in text:
        return True
    return text.startswith(("---", "...", "%")) or "\n---" in text or "\n..." in text or "\n%" in text


class _Refused(Exception):
    """The file is outside the subset: PyYAML reads it."""


# Every line, split in one pass: its indent, `- ` (one item marker), a key with its `:`, then the value:
# a plain scalar (no `: ` or ` #` inside, no trailing space) or a one-line double-quoted one, each with
# any comment after it, or else the rest as it stands (a `[...]` list, single quotes, a comment, nothing).
# Keys are plain words (what manifests use) or one-line quoted text without escapes. A plain scalar
# starts with no indicator (or `-`, `?`, `:` before a non-space); the possessive runs keep it linear.
_LINE = re.compile(
    r"""^(( *)(-(?: +|$))?(?:([A-Za-z_][A-Za-z0-9_.\-]*|"[^"\\\n]*"|'[^'\n]*'):(?: +|$))?)"""
    r"""(?:((?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|[-?:](?=[^\s,\[\]{}]))"""
    r"""(?:[^\s:#]++|:(?=\S)|#| ++(?=[^\s#]))*+)(?: +#.*)? *$"""
    r"""|("(?:[^"\\\n]++|\\(?:[0abtnvfre "\\/N_LP]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}))*+")(?: +#.*)? *$"""
    r"""|(.*)$)""",
    re.MULTILINE,
)
# Line number, indent, dash width, key, plain scalar, double-quoted scalar (with its quotes), rest, value column.
Line = tuple[int, int, int, str, str, str, str, int]


def read(text: str) -> tuple[Any, dict[Path, tuple[int, int, int]], dict[Path, Position]] | None:
    """(data, value positions and kinds by path, key positions by path), or None to let PyYAML read it."""
    if unsafe(text):
        return None
    lines: list[Line] = [
        (number, len(indent), len(dash), key, bare, quoted, rest, len(before))
        for number, (before, indent, dash, key, bare, quoted, rest) in enumerate(_LINE.findall(text), 1)
        if dash or key or bare or quoted or (rest and rest[0] != "#")
    ]
    if not lines:
        return None
    reader = _Reader(lines, text)
    try:
        data, at = reader.block(0, lines[0][1], (), 0)
    except (_Refused, ValueError, KeyError):
        return None
    if at != len(lines) or not isinstance(data, dict):
        return None  # a file that is not a mapping: PyYAML's reading says where
    return data, reader.values, reader.keys


class _Reader:
    def __init__(self, lines: list[Line], text: str) -> None:
        self.lines = lines
        self.text = text
        self.raw: list[str] | None = None  # the lines as written, split only for a `|` or `>` block
        self.values: dict[Path, tuple[int, int, int]] = {}
        self.keys: dict[Path, Position] = {}

    def block(self, at: int, column: int, path: Path, depth: int) -> tuple[Any, int]:
        """The block node starting on line `at` at `column` (from 0): its value and the next line's index."""
        if depth >= MAX_DEPTH:
            raise _Refused
        _, indent, dash, key, _, _, _, _ = self.lines[at]
        if dash and indent == column:
            return self.sequence(at, column, path, depth)
        if key:
            return self.mapping(at, column, path, depth)
        raise _Refused

    def mapping(self, at: int, column: int, path: Path, depth: int) -> tuple[dict[str, Any], int]:
        lines, values, keys = self.lines, self.values, self.keys
        out: dict[str, Any] = {}
        number, indent, dash, key, bare, quoted, rest, value_column = lines[at]
        values[path] = (number, column + 1, MAPPING)
        # The first key may follow an item's `- `; the others start their lines at the same column.
        key_column = indent + dash
        while True:
            if key_column != column or not key:
                raise _Refused
            if key[0] in "\"'":
                key = key[1:-1]
            elif key not in _TEXT_KEYS:
                if plain(key) != key:
                    raise _Refused  # a key YAML reads as something else (`yes`, `null`, `true`)
                if len(_TEXT_KEYS) < _PLAIN_LIMIT:
                    _TEXT_KEYS.add(key)
            if key in out:
                raise _Refused  # PyYAML reports the duplicate, with both lines
            child = (*path, key)
            keys[child] = (number, column + 1)
            at += 1
            if bare:
                values[child] = (number, value_column + 1, SCALAR)
                value = _PLAIN.get(bare, _PLAIN)
                out[key] = plain(bare) if value is _PLAIN else value
            elif quoted:
                values[child] = (number, value_column + 1, SCALAR)
                out[key] = double_quoted(quoted)
            elif rest and rest[0] in "|>":
                values[child] = (number, value_column + 1, SCALAR)
                if self.raw is None:
                    self.raw = self.text.split("\n")
                out[key], last = block_scalar(rest, self.raw, number, column + 1)
                while at < len(lines) and lines[at][0] <= last:
                    at += 1  # lines inside the scalar that looked like keys or comments
            elif rest and rest[0] != "#":
                out[key] = self.inline(rest, number, value_column, child)
            else:
                out[key], at = self.nested(at, column, child, depth, mapping_value=True)
            if at >= len(lines):
                break
            number, indent, dash, key, bare, quoted, rest, value_column = lines[at]
            if indent < column or (indent == column and dash):
                break
            key_column = indent if not dash else -1
        return out, at

    def nested(self, at: int, column: int, path: Path, depth: int, mapping_value: bool) -> tuple[Any, int]:
        """The block value on the lines after a key or a `-` with nothing after it."""
        if at >= len(self.lines):
            raise _Refused  # an empty value: PyYAML's null, placed where it places it
        indent, dash = self.lines[at][1:3]
        if indent > column or (mapping_value and indent == column and dash):
            return self.block(at, indent, path, depth + 1)
        raise _Refused

    def sequence(self, at: int, column: int, path: Path, depth: int) -> tuple[list[Any], int]:
        lines = self.lines
        out: list[Any] = []
        values = self.values
        values[path] = (lines[at][0], column + 1, SEQUENCE)
        while at < len(lines):
            number, indent, dash, key, bare, quoted, rest, value_column = lines[at]
            if indent != column or not dash:
                if indent > column:
                    raise _Refused
                break
            child = (*path, len(out))
            if key:
                item, at = self.block(at, column + dash, child, depth + 1)
            elif bare:
                values[child] = (number, value_column + 1, SCALAR)
                item = plain(bare)
                at += 1
            elif quoted:
                values[child] = (number, value_column + 1, SCALAR)
                item = double_quoted(quoted)
                at += 1
            elif rest and rest[0] != "#":
                item = self.inline(rest, number, value_column, child)
                at += 1
            else:
                item, at = self.nested(at + 1, column, child, depth, mapping_value=False)
            out.append(item)
        return out, at

    def inline(self, text: str, number: int, column: int, path: Path) -> Any:
        """A value on its key's or dash's line that the line pattern left whole: `[...]` or 'single-quoted'."""
        if text[0] == "[":
            return self.flow(text, number, column, path)
        end = text.find("'", 1)
        if text[0] != "'" or end < 0 or text[end + 1 : end + 2] == "'":
            raise _Refused
        after(text[end + 1 :])
        self.values[path] = (number, column + 1, SCALAR)
        return text[1:end]

    def flow(self, text: str, number: int, column: int, path: Path) -> list[Any]:
        self.values[path] = (number, column + 1, SEQUENCE)
        out: list[Any] = []
        at = 1
        if text[1:].lstrip(" ")[:1] == "]":
            at = text.index("]") + 1
        else:
            while True:
                match = _FLOW_ITEM.match(text, at)
                if match is None:
                    raise _Refused
                plain_text, quoted, end = match.groups()
                start = match.start(1) if plain_text is not None else match.start(2) - 1
                self.values[(*path, len(out))] = (number, column + start + 1, SCALAR)
                out.append(quoted if quoted is not None else plain(plain_text))
                at = match.end()
                if end == "]":
                    break
        after(text[at:])
        return out


_HEADER = re.compile(r"([|>])([+-]?)(?: +#.*)? *")


def block_scalar(header: str, raw: list[str], number: int, least: int) -> tuple[str, int]:
    """A `|` or `>` scalar whose header is on line `number`, indented at least `least`: its text, as
    PyYAML's scanner folds and chomps it, and the number of its last line."""
    match = _HEADER.fullmatch(header)
    if match is None:
        raise _Refused  # an indentation digit, or anything after the header
    folded, chomping = match.group(1) == ">", match.group(2)
    first = number  # raw[number] is the line after the header
    while first < len(raw) - 1 and not raw[first].strip(" "):
        first += 1
    line = raw[first] if first < len(raw) else ""
    indent = len(line) - len(line.lstrip(" "))
    if not line.strip(" ") or indent < least or any(len(raw[i]) > indent for i in range(number, first)):
        raise _Refused  # empty, or indented by its blank lines: PyYAML's to work out
    chunks: list[str] = []
    breaks = ["\n"] * (first - number)  # blank lines before the first are part of the text
    at = first
    while True:
        chunks.extend(breaks)
        content = raw[at][indent:]
        chunks.append(content)
        line_break = "\n" if at < len(raw) - 1 else ""
        after_at = at + 1
        breaks = []
        while after_at < len(raw) - 1 and len(raw[after_at]) <= indent and not raw[after_at].strip(" "):
            breaks.append("\n")
            after_at += 1
        follows = raw[after_at] if after_at < len(raw) else ""
        if not line_break or len(follows) <= indent or follows[:indent].strip(" "):
            break  # the end of the text, or a line less indented
        if folded and content[0] != " " and follows[indent] != " ":
            if not breaks:
                chunks.append(" ")
        else:
            chunks.append(line_break)
        at = after_at
    if chomping != "-":
        chunks.append(line_break)
    if chomping == "+":
        chunks.extend(breaks)
    return "".join(chunks), at + 1


def after(rest: str) -> None:
    """What may follow a closed quote or bracket: nothing, or a comment after a space."""
    stripped = rest.lstrip(" ")
    if stripped and (stripped[0] != "#" or len(stripped) == len(rest)):
        raise _Refused


# Keys and values repeat across thousands of manifests: each plain text's reading, once (all immutable).
_PLAIN: dict[str, Any] = {}
_TEXT_KEYS: set[str] = set()  # plain keys YAML reads as the text they are
_PLAIN_LIMIT = 50_000


def plain(text: str) -> Any:
    """A plain scalar as PyYAML's safe loader reads it, for the common forms; _Refused for the rest."""
    value = _PLAIN.get(text, _PLAIN)
    if value is not _PLAIN:
        return value
    value = _plain(text)
    if len(_PLAIN) < _PLAIN_LIMIT and len(text) <= 64:
        _PLAIN[text] = value
    return value


def _plain(text: str) -> Any:
    tag = _resolve(_ScalarNode, text, (True, False))
    if tag == _STR:
        return text
    if tag == _FLOAT_TAG:
        if _FLOAT.fullmatch(text) is None:
            raise _Refused
        return float(text)
    fast = FAST_SCALARS.get(tag)
    if fast is None or (tag.endswith(":bool") and text.lower() not in ("true", "false")):
        raise _Refused
    return fast(text)


def double_quoted(text: str) -> str:
    """A one-line double-quoted scalar, quotes included, as its text."""
    inner = text[1:-1]
    return _ESCAPE.sub(_escaped, inner) if "\\" in inner else inner


def _escaped(match: re.Match[str]) -> str:
    single, *codes = match.groups()
    if single is not None:
        return _ESCAPED[single]
    point = int(next(code for code in codes if code is not None), 16)
    if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        raise _Refused  # PyYAML refuses it as an invalid escape, with its position
    return chr(point)
