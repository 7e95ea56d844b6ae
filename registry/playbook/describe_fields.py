"""The "Describe a service" form's fields, worked out from the service JSON Schema and the field guide.

Nothing here names a manifest field: every control comes from schemas/service.schema.json (which
`standards schema` writes from checks/models.py) and its words from registry/scaffold/field_guide.py,
the notes `standards new service` writes. A field added to the model appears in the form once the
schema is regenerated. The only choices not in the schema are the registry's own content (its
standards, patterns and requirements), offered where the schema asks for their ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.scaffold.field_guide import SERVICE_NOTES

# The manifest's own bookkeeping: written into every file, never asked. The form is for a
# council's real services, so `sample` is always false (the field guide says "Keep false").
FIXED: dict[str, Any] = {"sample": False}

_WORDS = {
    "api": "API",
    "caf": "CAF",
    "dpia": "DPIA",
    "id": "ID",
    "kpis": "KPIs",
    "lgsl": "LGSL",
    "mfa": "MFA",
    "tls": "TLS",
    "uk": "UK",
    "url": "URL",
    "wcag": "WCAG",
}

# What a value must look like, said in words, for the patterns the schema uses; any other pattern is
# shown as it is. Keyed by the pattern, so a new field with a known pattern gets its words too.
PATTERN_WORDS = {
    r"^https?://[^\s]+$": "a web address starting https://, with no spaces",
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "lower-case letters and digits, words joined by hyphens, e.g. report-a-missed-bin",
    r"^[A-Z][A-Z0-9]*-[A-Z0-9]+(?:\.[A-Za-z0-9]+)*$": "a requirement id, e.g. ACC-02",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "an email address, e.g. digital@example.gov.uk",
}
LONG_TEXT = 5000  # strings allowed to be longer than this (descriptions, notes) get a text area


def label(key: str) -> str:
    """A field's key in words: `statement_url` is "Statement URL"."""
    words = [_WORDS.get(word, word) for word in key.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _enum_choices(values: list[Any]) -> list[tuple[str, str]]:
    """Each allowed value, and the same in words: `face_to_face` reads "face to face"."""
    return [(str(v), str(v).replace("_", " ")) for v in values]


@dataclass
class Field:
    """One control (or group of controls) of the form, for the manifest value at `path`."""

    path: str  # dotted, "[]" for an array's items, "*" for a keyed map's key: "suppliers[].name"
    key: str
    kind: str  # text longtext integer number date choice choices lines yesno check group list map
    label: str
    hint: str = ""
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, words)
    nullable: bool = False
    pattern: str | None = None
    children: list[Field] = field(default_factory=list)  # a group's fields; a list's or map's item fields
    key_field: Field | None = None  # a map's key
    from_catalogue: bool = False  # its choices are the registry's standards, patterns or requirements

    @property
    def note_path(self) -> str:
        return self.path.replace("[]", "").replace(".*", "")


class UnsupportedField(ValueError):
    """The schema holds a shape the form cannot ask for; the message names the field."""


@dataclass(frozen=True)
class Catalogue:
    """The registry's content the schema refers to by id: offered as choices in the form."""

    standards: list[tuple[str, str]]
    patterns: list[tuple[str, str]]
    requirements: list[tuple[str, str]]


class _Walker:
    def __init__(self, schema: Mapping[str, Any], catalogue: Catalogue) -> None:
        self.defs: Mapping[str, Any] = schema.get("$defs", {})
        self.catalogue = catalogue

    def resolve(self, node: Mapping[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target = dict(self.defs[node["$ref"].rsplit("/", 1)[-1]])
            target.update({k: v for k, v in node.items() if k != "$ref"})
            node = target
        return dict(node)

    def unwrap(self, node: Mapping[str, Any], path: str = "") -> tuple[dict[str, Any], bool]:
        """The node without `anyOf [X, null]`, and whether null (not known) is allowed."""
        node = self.resolve(node)
        options = node.pop("anyOf", None)
        if options is None:
            return node, False
        real = [self.resolve(o) for o in options if o.get("type") != "null"]
        if len(real) == 1:
            return {**real[0], **node}, len(real) < len(options)
        types = {o.get("type") for o in real}
        if types == {"integer", "string"}:  # a version: a major number or an exact "1.2.0"
            return {**node, "type": "string", "version": True}, len(real) < len(options)
        raise UnsupportedField(
            f"{path or node.get('title', '?')}: a value of several shapes ({sorted(map(str, types))})"
        )

    def catalogue_choices(self, path: str) -> list[tuple[str, str]] | None:
        return {
            "conforms_to[].standard": self.catalogue.standards,
            "patterns[]": self.catalogue.patterns,
            "waivers[].requirement": self.catalogue.requirements,
            "evidence.*": self.catalogue.requirements,
        }.get(path)

    def hint(self, path: str, node: Mapping[str, Any]) -> str:
        note = SERVICE_NOTES.get(path.replace("[]", "").replace(".*", "")) or node.get("description") or ""
        return str(note).replace("`", "")

    def build(self, path: str, key: str, raw: Mapping[str, Any], required: bool) -> Field:
        node, nullable = self.unwrap(raw, path)
        made = Field(path, key, "text", label(key), self.hint(path, node), required, nullable=nullable)
        made.pattern = node.get("pattern")
        kind = node.get("type", "object" if "properties" in node else None)
        choices = self.catalogue_choices(path)
        if "enum" in node:
            made.kind, made.choices = "choice", _enum_choices(node["enum"])
        elif choices is not None and kind == "string":
            made.kind, made.choices, made.from_catalogue = "choice", choices, True
        elif node.get("version"):
            made.kind = "version"
        elif kind == "boolean":
            made.kind = "yesno" if "default" not in raw and required else "check"
            made.label, made.hint = self.check_words(made)
        elif kind in ("integer", "number"):
            made.kind = kind
        elif kind == "string":
            long = int(node.get("maxLength", 0)) > LONG_TEXT
            made.kind = "date" if node.get("format") == "date" else "longtext" if long else "text"
        elif kind == "array":
            self.array(made, node)
        elif kind == "object":
            self.object(made, node)
        else:
            raise UnsupportedField(f"{path}: a value of type {kind!r}")
        return made

    def check_words(self, made: Field) -> tuple[str, str]:
        """A yes/no field's note, "true when staff sign in with MFA.", is the question's own words."""
        for lead in ("true when ", "true only for "):
            if made.hint.startswith(lead):
                rest = made.hint[len(lead) :].rstrip(".")
                return rest[:1].upper() + rest[1:], ""
        return made.label, made.hint

    def array(self, made: Field, node: Mapping[str, Any]) -> None:
        item, _ = self.unwrap(node.get("items", {}), made.path + "[]")
        choices = self.catalogue_choices(made.path + "[]")
        if "enum" in item or choices is not None:
            made.kind, made.from_catalogue = "choices", choices is not None
            made.choices = choices if choices is not None else _enum_choices(item["enum"])
        elif item.get("type") in ("string", "integer", "number"):
            made.kind, made.pattern = "lines", item.get("pattern")
        elif item.get("type") == "object" or "properties" in item:
            made.kind = "list"
            made.children = self.properties(made.path + "[]", item)
        else:
            raise UnsupportedField(f"{made.path}: a list of {item.get('type')!r}")

    def object(self, made: Field, node: Mapping[str, Any]) -> None:
        if node.get("properties"):
            made.kind = "group"
            made.children = self.properties(made.path, node)
            return
        keyed = node.get("patternProperties") or {}
        if len(keyed) != 1:
            raise UnsupportedField(f"{made.path}: an object with no fields")
        ((pattern, value),) = keyed.items()
        made.kind = "map"
        key_path = made.path + ".*"
        made.key_field = Field(key_path, "*", "text", "Requirement", required=True, pattern=pattern)
        choices = self.catalogue_choices(key_path)
        if choices is not None:
            made.key_field.kind, made.key_field.choices = "choice", choices
        made.children = self.properties(key_path, self.resolve(value))

    def properties(self, prefix: str, node: Mapping[str, Any]) -> list[Field]:
        required = set(node.get("required", []))
        fields = []
        for key, raw in node.get("properties", {}).items():
            path = f"{prefix}.{key}" if prefix else key
            if prefix == "" and ("const" in raw or key in FIXED):
                continue
            fields.append(self.build(path, key, raw, key in required))
        return fields


def form_fields(schema: Mapping[str, Any], catalogue: Catalogue) -> list[Field]:
    """Every field a person fills in, in the schema's (the model's) order."""
    return _Walker(schema, catalogue).properties("", schema)


def fixed_values(schema: Mapping[str, Any]) -> dict[str, Any]:
    """What every manifest holds and nobody is asked: the schema's constants, then FIXED."""
    values = {key: raw["const"] for key, raw in schema.get("properties", {}).items() if "const" in raw}
    return {**values, **FIXED}


@dataclass
class Step:
    """A fieldset of the form: the first holds the service's own scalar fields, then one per section."""

    id: str
    title: str
    intro: str
    fields: list[Field]


def steps(fields: list[Field]) -> list[Step]:
    simple = [f for f in fields if f.kind not in ("group", "list", "map") and not f.from_catalogue]
    about = Step("about", "About the service", "", simple)
    rest = [Step(f.path.replace("_", "-"), f.label, f.hint, [f]) for f in fields if f not in simple]
    return [about, *rest]
