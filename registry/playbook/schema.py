"""The schema reference: schema/index.md and one page per JSON Schema in schemas/ (written
by `standards schema` from checks/models.py), listing every field as a dotted path
(`service.owner.email`, arrays as `[]`, keyed maps as `<key>`) with its type, whether it is
required, the values allowed, its description and an example.

Examples come from the schema (examples, default) or, failing that, from real files: the
indexed service manifests, the councils' council.yaml, the standards and patterns. Those
values are escaped like any other manifest value.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from registry.playbook.common import SAMPLE_NOTICE, Page, SiteContext, md_cell

# kind -> (page title, what the file is, where such files live)
KINDS: dict[str, tuple[str, str]] = {
    "service": ("Service manifest", "One per service, at `manifests/<council>/<service>.yaml`."),
    "council": ("Council file", "One per council, at `manifests/<council>/council.yaml`."),
    "standard": ("Standard", "One per standard, at `standards/<id>.yaml`; written by the standards' maintainers."),
    "pattern": ("Pattern", "One per pattern, at `standards/patterns/<id>.yaml`; written by the maintainers."),
    "report": ("JSON report", "What `standards check --format json` prints, for tools that read the results."),
}
EXAMPLE_FILES = 40  # enough files to find an example for nearly every field, cheap at any scale
EXAMPLE_WIDTH = 40
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    required: bool
    allowed: str
    description: str
    default: Any
    leaf: bool


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Follow a $ref (keeping the referring node's own description and default)."""
    if "$ref" not in node:
        return node
    target = dict(defs.get(node["$ref"].rsplit("/", 1)[-1], {}))
    target.update({k: v for k, v in node.items() if k != "$ref"})
    return _resolve(target, defs) if "$ref" in target else target


def _unwrap(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The node without an `anyOf [X, null]` wrapper, and whether null is allowed."""
    node = _resolve(node, defs)
    options = node.get("anyOf")
    if not options:
        return node, False
    real = [_resolve(o, defs) for o in options if o.get("type") != "null"]
    nullable = len(real) < len(options)
    if len(real) == 1:
        merged = dict(real[0])
        merged.update({k: v for k, v in node.items() if k != "anyOf"})
        return merged, nullable
    merged = {k: v for k, v in node.items() if k != "anyOf"}
    merged["oneOfTypes"] = real
    return merged, nullable


def _type(node: dict[str, Any], defs: dict[str, Any]) -> str:
    if "oneOfTypes" in node:
        return " or ".join(_type(o, defs) for o in node["oneOfTypes"])
    if node.get("type") == "array":
        items, _ = _unwrap(node.get("items", {}), defs)
        return f"list of {_type(items, defs)}"
    kind = node.get("type", "object" if "properties" in node else "any")
    if node.get("format") == "date":
        return "date (YYYY-MM-DD)"
    if "patternProperties" in node:
        return "map"
    return str(kind)


def _allowed(node: dict[str, Any]) -> str:
    parts: list[str] = []
    if "const" in node:
        parts.append(f"always {json.dumps(node['const'])}")
    if "enum" in node:
        parts.append("one of " + ", ".join(json.dumps(v) for v in node["enum"]))
    if "pattern" in node:
        parts.append(f"matches {node['pattern']}")
    if "minLength" in node and node["minLength"] > 1:
        parts.append(f"at least {node['minLength']} characters")
    if "maxLength" in node:
        parts.append(f"up to {node['maxLength']} characters")
    if "minimum" in node:
        parts.append(f"at least {node['minimum']}")
    if "maximum" in node:
        parts.append(f"at most {node['maximum']}")
    if "minItems" in node:
        parts.append(f"at least {node['minItems']} item{'s' if node['minItems'] != 1 else ''}")
    for option in node.get("oneOfTypes", []):
        sub = _allowed(option)
        if sub:
            parts.append(f"({_type(option, {})}: {sub})")
    return "; ".join(parts)


def fields(schema: dict[str, Any], root: str) -> Iterator[Field]:
    """Every field of `schema`, depth first, in the schema's own order."""
    defs = schema.get("$defs", {})

    def walk(node: dict[str, Any], path: str, required: bool) -> Iterator[Field]:
        node, nullable = _unwrap(node, defs)
        type_name = _type(node, defs) + (" or null" if nullable else "")
        props = node.get("properties", {})
        items = node.get("items") if node.get("type") == "array" else None
        pattern_props = node.get("patternProperties", {})
        item_node = _unwrap(items, defs)[0] if items else {}
        leaf = not props and not pattern_props and not item_node.get("properties")
        if path != root:
            yield Field(
                path,
                type_name,
                required,
                _allowed(item_node if items and leaf else node),
                node.get("description") or item_node.get("description", "") if items else node.get("description", ""),
                node.get("default"),
                leaf,
            )
        needed = set(node.get("required", []))
        for name, child in props.items():
            yield from walk(child, f"{path}.{name}", name in needed)
        for key_pattern, child in pattern_props.items():
            label = "<requirement id>" if key_pattern.startswith("^[A-Z]") else "<key>"
            del key_pattern
            yield from walk(child, f"{path}.{label}", False)
        if items is not None and not leaf:
            yield from walk(items, f"{path}[]", True)

    yield from walk(schema, root, True)


def _plain(value: Any) -> Any:
    # YAML dates become strings, as they are written in the files.
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _documents(ctx: SiteContext, kind: str) -> list[Any]:
    if kind == "service":
        rows = ctx.conn.execute("SELECT manifest_json FROM services ORDER BY key LIMIT ?", (EXAMPLE_FILES,))
        return [json.loads(row["manifest_json"]) for row in rows]
    patterns = {
        "council": ("manifests", "*/council.yaml"),
        "standard": ("standards", "*.yaml"),
        "pattern": ("standards/patterns", "*.yaml"),
    }
    if kind not in patterns:
        return []
    folder, glob = patterns[kind]
    documents = []
    for path in sorted((ctx.root / folder).glob(glob))[:EXAMPLE_FILES]:
        try:
            documents.append(_plain(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue  # `standards check` reports broken files; an example is not worth failing for
    return documents


def _lookup(document: Any, segments: list[str]) -> Iterator[Any]:
    if not segments:
        yield document
        return
    head, rest = segments[0], segments[1:]
    if head.endswith("[]"):
        value = document.get(head[:-2]) if isinstance(document, dict) else None
        for item in value if isinstance(value, list) else []:
            yield from _lookup(item, rest)
    elif head.startswith("<"):
        for value in document.values() if isinstance(document, dict) else []:
            yield from _lookup(value, rest)
    elif isinstance(document, dict) and head in document:
        yield from _lookup(document[head], rest)


def _segments(path: str) -> list[str]:
    # "service.evidence.<requirement id>.status" -> ["evidence", "<requirement id>", "status"]
    out: list[str] = []
    for part in path.split(".")[1:]:
        if out and out[-1].startswith("<") and not out[-1].endswith(">"):
            out[-1] += "." + part
        else:
            out.append(part)
    return out


def example(item: Field, documents: list[Any]) -> str | None:
    if item.default not in (None, [], {}, False, "") and item.leaf:
        return json.dumps(item.default)
    if not item.leaf:
        return None
    for document in documents:
        for value in _lookup(document, _segments(item.path)):
            if value not in (None, "", [], {}):
                text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                return text if len(text) <= EXAMPLE_WIDTH else text[: EXAMPLE_WIDTH - 1] + "…"
    if item.default is not None:
        return json.dumps(item.default)
    return None


def _prose(text: str) -> str:
    # Descriptions are the checker's own documentation (checks/models.py), written in Markdown.
    return " ".join(text.split()).replace("|", "\\|")


def schema_page(ctx: SiteContext, kind: str, schema: dict[str, Any], sample: bool) -> Page:
    title, where = KINDS.get(kind, (kind.capitalize(), ""))
    documents = _documents(ctx, kind)
    rows = [
        f"| <code>{md_cell(f.path)}</code> | {md_cell(f.type)} | {'yes' if f.required else 'no'} "
        f"| {md_cell(f.allowed)} | {_prose(f.description)} | "
        + (f"<code>{md_cell(ex)}</code>" if (ex := example(f, documents)) is not None else "")
        + " |"
        for f in fields(schema, kind)
    ]
    notice = [SAMPLE_NOTICE, "Examples are taken from the shipped files, so they are sample data too.", ""]
    lines = [
        "---",
        f"title: {json.dumps(f'{title} schema')}",
        "hide:",
        "  - toc",  # the table is the page; its width matters more than a one-entry contents list
        "---",
        "",
        f"# {title} schema",
        "",
        f"A {title.lower()} file can have {len(rows)} fields, each listed below with its type, whether it is "
        "required, the values allowed and an example.",
        "",
        f"{where} The schema is `schemas/{kind}.schema.json`, generated from the checker's models by "
        "`standards schema`, so it always matches what `standards check` accepts. Name it on a "
        "manifest's first line and an editor with the YAML language server completes and checks "
        "the file as you type:",
        "",
        "```yaml",
        f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json",
        "```",
        "",
        *(notice if sample and kind in ("service", "council") else []),
        "Nested fields are written as dotted paths; `[]` marks each item of a list and "
        "`<requirement id>` a key you choose.",
        "",
        '<div class="sg-schema" markdown>',
        "",
        "| Field | Type | Required | Allowed values | Description | Example |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        "</div>",
        "",
    ]
    return Page(f"schema/{kind}.md", "\n".join(lines), in_nav=True)


def _schema_dir(ctx: SiteContext) -> Path:
    # The schemas describe this tool, so a data-only tree (the benchmark's) uses the site's own.
    here = ctx.root / "schemas"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "schemas"


def pages(ctx: SiteContext) -> list[Page]:
    folder = _schema_dir(ctx)
    found = {path.name.removesuffix(".schema.json"): path for path in folder.glob("*.schema.json")}
    order = [kind for kind in KINDS if kind in found] + sorted(set(found) - set(KINDS))
    sample = _has_sample(ctx.conn)
    out: list[Page] = []
    lines = [
        "# Schema reference",
        "",
        f"The registry has {len(order)} kinds of file, each described field by field from the same schemas "
        "the checker uses.",
        "",
        "They are generated from the JSON Schemas in `schemas/`. `standards check` tells you about any field "
        "that is wrong, with its line and column; these pages tell you what each one means.",
        "",
        "| File | What it is |",
        "|---|---|",
    ]
    for kind in order:
        schema = json.loads(found[kind].read_text(encoding="utf-8"))
        out.append(schema_page(ctx, kind, schema, sample))
        title, where = KINDS.get(kind, (kind.capitalize(), ""))
        lines.append(f"| [{title}]({kind}.md) | {where} |")
    return [Page("schema/index.md", "\n".join(lines) + "\n"), *out]


def _has_sample(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT EXISTS(SELECT 1 FROM services WHERE sample = 1)").fetchone()[0] == 1)
