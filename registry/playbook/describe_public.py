"""What the Describe a service form may ask for: the public manifest's fields only.

Restricted facts (the fields restricted requirements read, and their evidence) belong in
`<service>.restricted.yaml`, never in a file proposed to a public repository, so the form leaves them
out of the schema it is built from, and offers no restricted requirement to give evidence or a waiver
for. Which fields are restricted the index records (`restricted_fields`), from the rules at build time.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from registry.playbook.common import SiteContext


def restricted_of(ctx: SiteContext) -> frozenset[str]:
    """The restricted fields (dotted) of the indexed standards; their evidence is left to the choices."""
    return frozenset(row[0] for row in ctx.conn.execute("SELECT path FROM restricted_fields"))


def public_schema(schema: dict[str, Any], restricted: Iterable[str]) -> dict[str, Any]:
    """`schema` without the restricted fields (followed through `$ref`), and without a section left empty."""
    out = copy.deepcopy(schema)
    for dotted in sorted(restricted, key=lambda p: -p.count(".")):
        _drop(out, out, dotted.split("."))
    return out


def _drop(root: dict[str, Any], node: dict[str, Any], parts: list[str]) -> bool:
    """Remove the property at `parts` below `node`; True when `node` has no properties left."""
    target = _resolved(root, node)
    props = target.get("properties", {})
    head, rest = parts[0], parts[1:]
    if head not in props:
        return False
    if rest:
        emptied = _drop(root, props[head], rest)
        default = props[head].get("default")
        if isinstance(default, dict):  # a section's default spells out its fields: the restricted ones go too
            default.pop(rest[0], None)
        if not emptied:
            return False
    del props[head]
    target["required"] = [name for name in target.get("required", []) if name != head]
    return not props


def _resolved(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The object schema `node` stands for: itself, its `$ref`, or the object branch of an anyOf."""
    while True:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            node = next((n for n in node["anyOf"] if n.get("type") != "null"), node["anyOf"][0])
        else:
            return node
