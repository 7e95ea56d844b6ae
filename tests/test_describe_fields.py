"""The "Describe a service" form's fields come from the service schema and the field guide, not a list.

Every field of the schema is in the form; a field added to the schema (as the models change) is in
it too, with a control that fits its type; a shape the form cannot ask for stops the site build with
the field's name. The page's HTML is checked for what assistive technology relies on.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from registry.index.connection import connect_readonly
from registry.playbook import describe
from registry.playbook.common import Asset, Page, SiteContext
from registry.playbook.describe_fields import (
    FIXED,
    Catalogue,
    Field,
    UnsupportedField,
    fixed_values,
    form_fields,
    steps,
)
from registry.scaffold.field_guide import SERVICE_NOTES

SCHEMA: dict[str, Any] = json.loads((ROOT / "schemas" / "service.schema.json").read_text(encoding="utf-8"))
CATALOGUE = Catalogue([("accessibility", "Accessibility")], [("gov-uk-notify", "GOV.UK Notify")], [("ACC-02", "x")])


def _paths(fields: list[Field]) -> set[str]:
    out: set[str] = set()
    for f in fields:
        out.add(f.path)
        out |= _paths(f.children)
        if f.key_field is not None:
            out.add(f.key_field.path)
    return out


def _schema_paths(node: dict[str, Any], prefix: str, defs: dict[str, Any]) -> set[str]:
    """Every property path in the schema, walked independently of the form's own walker."""
    while "$ref" in node:
        node = {**defs[node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            return _schema_paths(option, prefix, defs)
    out: set[str] = set()
    if node.get("type") == "array":
        item = node.get("items", {})
        return _schema_paths(item, prefix + "[]", defs)
    for key, value in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out.add(path)
        out |= _schema_paths(value, path, defs)
    for value in node.get("patternProperties", {}).values():
        out.add(prefix + ".*")
        out |= _schema_paths(value, prefix + ".*", defs)
    return out


def test_every_field_of_the_schema_is_in_the_form() -> None:
    expected = _schema_paths(SCHEMA, "", SCHEMA["$defs"]) - set(fixed_values(SCHEMA))
    assert _paths(form_fields(SCHEMA, CATALOGUE)) == expected
    assert set(fixed_values(SCHEMA)) == {"kind", "schema_version", *FIXED}


def test_a_field_added_to_the_schema_appears_with_a_control_for_its_type() -> None:
    schema = copy.deepcopy(SCHEMA)
    supplier = schema["$defs"]["Supplier"]["properties"]
    supplier["notice_days"] = {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}], "default": None}
    supplier["role"] = {"enum": [f"role-{i}" for i in range(12)], "type": "string"}
    schema["properties"]["attestations"] = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"by": {"type": "string"}, "on": {"type": "string", "format": "date"}},
        },
    }
    fields = {f.path: f for f in _flatten(form_fields(schema, CATALOGUE))}
    assert fields["suppliers[].notice_days"].kind == "integer"
    assert fields["suppliers[].role"].kind == "choice"
    assert [v for v, _ in fields["suppliers[].role"].choices] == [f"role-{i}" for i in range(12)]
    assert fields["attestations"].kind == "list"
    assert fields["attestations[].on"].kind == "date"
    assert [s.id for s in steps(form_fields(schema, CATALOGUE))][-1] == "attestations"


def _flatten(fields: list[Field]) -> list[Field]:
    out: list[Field] = []
    for f in fields:
        out.append(f)
        out.extend(_flatten(f.children))
    return out


def test_a_shape_the_form_cannot_ask_for_names_the_field() -> None:
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["mystery"] = {"anyOf": [{"type": "boolean"}, {"type": "object"}]}
    with pytest.raises(UnsupportedField, match=r"^mystery: a value of several shapes"):
        form_fields(schema, CATALOGUE)


def test_the_words_are_the_field_guides() -> None:
    fields = {f.path: f for f in _flatten(form_fields(SCHEMA, CATALOGUE))}
    for path, note in SERVICE_NOTES.items():
        f = fields.get(path)
        if f is None or f.kind in ("group", "list", "map"):
            continue
        words = note.replace("`", "")
        assert f.hint == words or (f.hint == "" and f.label.lower().rstrip(".") in words.lower()), path
    # Choices are the schema's allowed values, and the registry's ids where the schema asks for one.
    assert [v for v, _ in fields["phase"].choices] == SCHEMA["$defs"]["Phase"]["enum"]
    assert fields["patterns"].choices == CATALOGUE.patterns


# --------------------------------------------------------------------------- the page's HTML


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.described: list[str] = []
        self.controls_without_label: list[str] = []
        self._template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "template":
            self._template += 1
        if self._template:  # an item's template: its ids are made unique when an item is added
            return
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "label" and found.get("for"):
            self.label_for.append(str(found["for"]))
        self.described.extend(str(found.get("aria-describedby") or "").split())

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1


@pytest.fixture(scope="module")
def page(shipped_index: Path) -> tuple[Page, list[Asset]]:
    conn = connect_readonly(shipped_index)
    conn.row_factory = sqlite3.Row
    ctx = SiteContext(conn, ROOT, "2026-11-01", None, frozenset(), repo_url="https://github.com/o/r")
    made = describe.pages(ctx)
    pages = [p for p in made if isinstance(p, Page)]
    return pages[0], [a for a in made if isinstance(a, Asset)]


def test_every_label_and_description_points_at_something_once(page: tuple[Page, list[Asset]]) -> None:
    html = next(iter(page[0].html_blocks.values()))
    ids = _Ids()
    ids.feed(html)
    assert len(ids.ids) == len(set(ids.ids)), "ids must be unique"
    assert set(ids.label_for) <= set(ids.ids)
    assert set(ids.described) <= set(ids.ids)
    assert "f_owner.team" in ids.label_for and "f_council" in ids.label_for


def test_the_config_cannot_end_its_script_element_early(page: tuple[Page, list[Asset]]) -> None:
    html = next(iter(page[0].html_blocks.values()))
    start = html.index('<script type="application/json"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    config = json.loads(body)
    # The public manifest's schema: restricted facts belong in the restricted file, never in a proposed one.
    assert config["schema"]["$id"] == SCHEMA["$id"] and config["schema"] != SCHEMA
    shown = json.dumps(config["schema"])
    assert "mfa_for_admins" not in shown and "patching_days" not in shown and "cyber_essentials" in shown
    assert config["repoUrl"] == "https://github.com/o/r"
    assert "</" not in body


def test_the_validator_is_shipped_from_node_modules_as_pinned(page: tuple[Page, list[Asset]]) -> None:
    assets = {a.path: a.content for a in page[1]}
    shipped = json.loads(assets[f"{describe.VALIDATOR_DIR}/package.json"])
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert pinned["@cfworker/json-schema"] == shipped["version"]
    assert f"{describe.VALIDATOR_DIR}/index.js" in assets
    assert not any(b"sourceMappingURL" in content for content in assets.values())
