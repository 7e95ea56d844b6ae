"""How YAML 1.1 reads a plain scalar, and saying so where that surprises the file's author.

PyYAML follows YAML 1.1: an unquoted `no` is false, `0x1F` is 31, `017` is octal and `1:30` is
base 60. The loader here is the C safe loader with the fast paths and the one change the checker
needs (an impossible date stays text); the readings below put what it made of a value into words
for the `help:` line of the problem that value causes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import yaml

try:
    FastSafeLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    FastSafeLoader = yaml.SafeLoader

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


FAST_SCALARS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:bool": lambda text: _BOOLS[text.lower()],
    "tag:yaml.org,2002:int": _fast_int,
    "tag:yaml.org,2002:null": lambda text: None,
    "tag:yaml.org,2002:timestamp": _fast_date,
}


class HardenedLoader(FastSafeLoader):  # type: ignore[misc,valid-type]
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


HardenedLoader.add_constructor("tag:yaml.org,2002:timestamp", HardenedLoader.construct_yaml_timestamp)


NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
# YAML 1.1 reads these unquoted words as booleans, which surprises people.
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})
# Numbers YAML 1.1 reads in a way a reader of the file (or a YAML 1.2 tool) would not expect:
# 0x1F, 0b101, 017 (octal), 1_000, 1:30:00 (base 60).
SURPRISING_NUMBER = re.compile(r"^[-+]?(?:0[xXbB]|0[0-7_]|[0-9.]*[_:])")


def yaml11_hint(node: yaml.Node) -> str | None:
    """A hint where text is wanted and a plain scalar was read as something its author likely didn't mean."""
    reading = yaml11_reading(node)
    if reading is None:
        return None
    text = clip(node.value)
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
    text = clip(node.value)
    if node.tag.endswith(":bool") and node.value.lower() in _YAML11_BOOLS:
        return f"YAML reads an unquoted {node.value} as {_bool_word(node.value)}"
    reading = number_reading(node)
    if reading is not None:
        return f"YAML reads {text} as {reading}"
    if plain_numbers and node.tag in NUMBER_TAGS:
        return f"YAML reads {text} as a number"
    return None


def number_reading(node: yaml.Node) -> str | None:
    """What YAML 1.1 made of a plain number written in a surprising form (0x1F, 017, 1_000, 1:30:00)."""
    if not (isinstance(node, yaml.ScalarNode) and node.tag in NUMBER_TAGS and SURPRISING_NUMBER.match(node.value)):
        return None
    loader = HardenedLoader("")
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


def clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _bool_word(value: str) -> str:
    return "true" if value.lower() in {"yes", "on", "y"} else "false"
