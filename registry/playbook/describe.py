"""The "Describe a service" page: a form for staff who do not use Git, built from the service schema.

The form's fields come from registry.playbook.describe_fields (the schema and the field guide); this
module writes them as HTML and gives the page what its script needs: the schema itself (the browser
checks the form against the same JSON Schema, with @cfworker/json-schema copied from node_modules),
the councils, and where the repository is. site/docs/assets/describe/describe.js does the rest in
the browser: it builds the manifest, shows the YAML, checks it, and offers a download and GitHub's
"create new file" page. Nothing is sent anywhere but the site's own API, and nothing is stored.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from checks.models import Service
from checks.schemas import schema_for
from registry.playbook.common import Asset, Page, SiteContext, esc, placeholder
from registry.playbook.describe_fields import (
    PATTERN_WORDS,
    Catalogue,
    Field,
    Step,
    UnsupportedField,
    fixed_values,
    form_fields,
    steps,
)
from registry.playbook.describe_public import public_schema, restricted_of
from registry.scaffold.service import SERVICE_SCHEMA_LINE

log = logging.getLogger("mkdocs.hooks.generate.describe")

PAGE = "describe-a-service.md"
SCHEMA = Path("schemas") / "service.schema.json"
VALIDATOR_PACKAGE = Path("node_modules") / "@cfworker" / "json-schema"
VALIDATOR_DIR = "assets/vendor/cfworker-json-schema"
CONFIG_ID = "describe-config"


# --------------------------------------------------------------------------- what the registry offers


def catalogue(ctx: SiteContext) -> Catalogue:
    """The choices the form offers; no restricted requirement, whose evidence is restricted too."""
    conn = ctx.conn
    standards = [
        (r["id"], f"{r['title']} ({r['id']})")
        for r in conn.execute("SELECT id, title FROM standards WHERE status = 'active' ORDER BY title")
    ]
    patterns = [
        (r["id"], f"{r['name']} ({r['id']})") for r in conn.execute("SELECT id, name FROM patterns ORDER BY name")
    ]
    requirements = [
        (r["id"], f"{r['id']}: {r['title']}")
        for r in conn.execute(
            "SELECT id, title FROM requirements WHERE visibility = 'public' ORDER BY standard_id, position"
        )
    ]
    return Catalogue(standards, patterns, requirements)


def _councils(ctx: SiteContext) -> list[tuple[str, str]]:
    rows = ctx.conn.execute("SELECT id, name, sample FROM councils ORDER BY name")
    return [(r["id"], r["name"] + (" (sample data)" if r["sample"] else "")) for r in rows]


# --------------------------------------------------------------------------- HTML for each kind of field


def _control_id(path: str) -> str:
    return "f_" + path


def _describedby(cid: str, hint: str) -> str:
    return f' aria-describedby="{cid}-hint {cid}-error"' if hint else f' aria-describedby="{cid}-error"'


def _label_text(f: Field, required: bool) -> str:
    return esc(f.label) + (' <span class="describe-required">(required)</span>' if required else "")


def _hint(cid: str, hint: str) -> str:
    return f'<div class="describe-hint" id="{cid}-hint">{esc(hint)}</div>' if hint else ""


def _error(cid: str) -> str:
    return f'<p class="describe-field-error" id="{cid}-error" hidden></p>'


def _options(f: Field, cid: str, kind: str, name: str) -> str:
    boxes = []
    for i, (value, words) in enumerate(f.choices):
        oid = cid if i == 0 else f"{cid}-{i}"
        boxes.append(
            f'<div class="describe-option"><input type="{kind}" id="{oid}" name="{name}" value="{esc(value)}">'
            f'<label for="{oid}">{esc(words)}</label></div>'
        )
    return "".join(boxes)


def _choice(f: Field, cid: str, required: bool) -> str:
    """Radios for a few values, a select box for many; "Not known yet" where the value may be blank."""
    if len(f.choices) > 6:
        blank = "Not known yet" if f.nullable or not required else "Choose one"
        options = [f'<option value="">{blank}</option>'] + [
            f'<option value="{esc(v)}">{esc(w)}</option>' for v, w in f.choices
        ]
        return (
            f'<label class="describe-label" for="{cid}">{_label_text(f, required)}</label>{_hint(cid, f.hint)}'
            f'{_error(cid)}<select id="{cid}"{_describedby(cid, f.hint)}>{"".join(options)}</select>'
        )
    extra = [("", "Not known yet")] if not required else []
    shown = Field(f.path, f.key, f.kind, f.label, f.hint, choices=[*f.choices, *extra])
    return _fieldset(f, cid, required, _options(shown, cid, "radio", cid))


def _fieldset(f: Field, cid: str, required: bool, inner: str) -> str:
    return (
        f'<fieldset class="describe-choices"{_describedby(cid, f.hint)}>'
        f'<legend class="describe-label">{_label_text(f, required)}</legend>{_hint(cid, f.hint)}{_error(cid)}'
        f"{inner}</fieldset>"
    )


_INPUT_ATTRS = {
    "integer": ' inputmode="numeric" class="describe-short"',
    "number": ' inputmode="decimal" class="describe-short"',
    "version": ' class="describe-short"',
    "date": ' class="describe-date"',
}


def _leaf(f: Field, cid: str, required: bool) -> str:
    if f.kind == "choice":
        return _choice(f, cid, required)
    if f.kind == "choices":
        return _fieldset(f, cid, required, _options(f, cid, "checkbox", cid))
    if f.kind == "yesno":
        yes_no = Field(f.path, f.key, f.kind, f.label, f.hint, choices=[("true", "Yes"), ("false", "No")])
        return _fieldset(f, cid, required, _options(yes_no, cid, "radio", cid))
    if f.kind == "check":
        return (
            f'<div class="describe-option"><input type="checkbox" id="{cid}" value="true"{_describedby(cid, f.hint)}>'
            f'<label for="{cid}">{esc(f.label)}</label></div>{_hint(cid, f.hint)}{_error(cid)}'
        )
    hint = f.hint + (" One on each line." if f.kind == "lines" else "")
    if f.kind == "date" and "YYYY-MM-DD" not in hint:
        hint = f"{hint} As YYYY-MM-DD, e.g. 2026-03-31.".strip()
    head = (
        f'<label class="describe-label" for="{cid}">{_label_text(f, required)}</label>{_hint(cid, hint)}{_error(cid)}'
    )
    attrs = f'id="{cid}"{_describedby(cid, hint)} spellcheck="false" autocomplete="off"'
    if f.kind in ("longtext", "lines"):
        return f'{head}<textarea {attrs} rows="{5 if f.kind == "longtext" else 3}"></textarea>'
    return f'{head}<input type="text" {attrs}{_INPUT_ATTRS.get(f.kind, "")}>'


def field_html(f: Field, prefix: str, required: bool, step: bool = False) -> str:
    """One field, its label, hint and error slot; `prefix` makes ids unique inside repeated items."""
    cid = _control_id(prefix + f.key)
    attrs = f'data-key="{esc(f.key)}" data-kind="{f.kind}"'
    if f.kind == "group":
        inner = "".join(field_html(c, f"{prefix}{f.key}.", required and c.required) for c in f.children)
        if step:  # the step's heading and intro already say what the group is
            return f'<div class="describe-group" {attrs} data-scope id="{cid}">{_error(cid)}{inner}</div>'
        hint = f'<p class="describe-hint">{esc(f.hint)}</p>' if f.hint else ""
        return (
            f'<fieldset class="describe-group" {attrs} data-scope id="{cid}">'
            f"<legend>{esc(f.label)}</legend>{hint}{_error(cid)}{inner}</fieldset>"
        )
    if f.kind in ("list", "map"):
        return _repeat(f, cid, attrs)
    pattern = f' data-pattern="{esc(f.pattern)}"' if f.pattern else ""
    return f'<div class="describe-field" {attrs}{pattern}>{_leaf(f, cid, required)}</div>'


def _item_noun(f: Field) -> str:
    noun = f.label.lower()
    return noun[:-1] if noun.endswith("s") else noun


def _repeat(f: Field, cid: str, attrs: str) -> str:
    """A list of items (suppliers, waivers) or a keyed map (evidence): an item template and an add button.

    Items get ids from a counter in the script (`@` in the template), never their position, so
    removing one never leaves a label pointing at another item's control.
    """
    noun = _item_noun(f)
    inner = "".join(field_html(c, f"{f.key}.@.", c.required) for c in f.children)
    if f.key_field is not None:
        inner = field_html(f.key_field, f"{f.key}.@.", True).replace('data-key="*"', 'data-role="key"', 1) + inner
    item = (
        f'<fieldset class="describe-item" data-item data-scope><legend>{esc(noun.capitalize())} '
        f'<span data-number></span></legend>{inner}<button type="button" class="describe-button-secondary" '
        f"data-remove>Remove this {esc(noun)}</button></fieldset>"
    )
    return (
        f'<div class="describe-repeat" {attrs} id="{cid}"><template>{item}</template>'
        f'<div data-items></div>{_error(cid)}<button type="button" class="describe-button-secondary" data-add>'
        f"Add a {esc(noun)}</button></div>"
    )


# --------------------------------------------------------------------------- the page


def _council_field(councils: list[tuple[str, str]]) -> str:
    options = ['<option value="">Choose your council</option>'] + [
        f'<option value="{esc(cid)}">{esc(name)}</option>' for cid, name in councils
    ]
    return (
        '<div class="describe-field" data-council>'
        '<label class="describe-label" for="f_council">Your council <span class="describe-required">(required)'
        '</span></label><div class="describe-hint" id="f_council-hint">The service goes in your council\'s '
        "folder. Not listed? Your council needs its folder first: see "
        '<a href="../contribute/">how to add your council</a>.</div>'
        '<p class="describe-field-error" id="f_council-error" hidden></p>'
        '<select id="f_council" aria-describedby="f_council-hint f_council-error">'
        f"{''.join(options)}</select></div>"
    )


def _step_html(step: Step, number: int, total: int, council: str) -> str:
    hint = f'<p class="describe-hint">{esc(step.intro)}</p>' if step.intro else ""
    parts = [council] if number == 1 else []
    for f in step.fields:
        parts.append(field_html(f, "", f.required, step=number > 1))
    return (
        f'<section class="describe-step" id="step-{esc(step.id)}" aria-labelledby="step-{esc(step.id)}-title">'
        f'<h2 id="step-{esc(step.id)}-title"><span class="describe-step-number">Step {number} of {total}</span> '
        f"{esc(step.title)}</h2>{hint}{''.join(parts)}</section>"
    )


def _contents(all_steps: list[Step]) -> str:
    items = "".join(f'<li><a href="#step-{esc(s.id)}">{esc(s.title)}</a></li>' for s in all_steps)
    return f'<nav class="describe-contents" aria-label="Steps"><h2>Steps</h2><ol>{items}</ol></nav>'


def _config(ctx: SiteContext, schema: dict[str, Any], validator: bool) -> str:
    config = {
        "schema": schema,
        "fixed": fixed_values(schema),
        "schemaLine": SERVICE_SCHEMA_LINE,
        "repoUrl": ctx.repo_url,
        "branch": ctx.repo_branch,
        "validator": f"../{VALIDATOR_DIR}/index.js" if validator else None,
        "api": "../api/v1/validate",
        "patternWords": PATTERN_WORDS,
        # Restricted requirements are judged by attestation in public: their fixes name restricted fields.
        "fixes": {
            r["id"]: r["fix"] for r in ctx.conn.execute("SELECT id, fix FROM requirements WHERE visibility = 'public'")
        },
    }
    # Inside <script type="application/json">, only "</" could end the element early.
    return json.dumps(config, ensure_ascii=True).replace("</", "<\\/")


OUTPUT = """
<section class="describe-output" aria-labelledby="describe-output-title">
<h2 id="describe-output-title">Your file</h2>
<div id="describe-status" class="describe-status" role="status" aria-live="polite"></div>
<div id="describe-findings" class="describe-findings" hidden></div>
<p>This is the file the form makes, <code id="describe-path">manifests/&lt;council&gt;/&lt;service&gt;.yaml</code>.
It changes as you fill in the form.</p>
<pre class="describe-yaml"><code id="describe-yaml"></code></pre>
<h3>Send it in</h3>
<p>Choose one. Nothing you type is stored by this site.</p>
<ul class="describe-actions">
<li><a id="describe-download" class="md-button" href="#" download="service.yaml">Download the file</a>
 and send it to the registry's maintainers, or add it to your copy of the registry.</li>
<li id="describe-github-item"><a id="describe-github" class="md-button md-button--primary" href="#"
 rel="noopener">Propose it on GitHub</a>
 GitHub opens a new file with this content already in it. Sign in, then choose
 <strong>Propose new file</strong>: if you cannot change the registry yourself, GitHub makes a copy for you
 and opens a pull request for the maintainers to review.</li>
</ul>
<p id="describe-github-missing" hidden>This copy of the site does not say where its repository is
(<code>extra.repo_url</code> in site/mkdocs.yml), so it cannot open GitHub for you: download the file instead.</p>
</section>
"""


def _form(ctx: SiteContext, schema: dict[str, Any], fields: list[Field], validator: bool) -> str:
    all_steps = steps(fields)
    council = _council_field(_councils(ctx))
    body = "".join(_step_html(s, i, len(all_steps), council) for i, s in enumerate(all_steps, 1))
    return (
        f'<script type="application/json" id="{CONFIG_ID}">{_config(ctx, schema, validator)}</script>'
        '<noscript><p class="describe-noscript">This form needs JavaScript to make the file. Without it, '
        "follow the contributing guide to write the file by hand.</p></noscript>"
        '<div id="describe-error-summary" class="describe-error-summary" tabindex="-1" hidden '
        'aria-labelledby="describe-error-summary-title"><h2 id="describe-error-summary-title">There is a problem'
        "</h2><ul></ul></div>"
        f'<form id="describe-form" class="describe-form" novalidate data-scope>{_contents(all_steps)}{body}'
        '<div class="describe-submit"><button type="submit" class="md-button md-button--primary">'
        "Check the file</button></div></form>"
        f"{OUTPUT}"
        '<link rel="stylesheet" href="../assets/describe/describe.css">'
        '<script type="module" src="../assets/describe/describe.js"></script>'
    )


def _validator_assets(ctx: SiteContext) -> list[Asset]:
    """The validator's ES modules, from node_modules beside the repository (`npm ci`) or the tool's checkout."""
    here = Path(__file__).resolve().parents[2]
    for base in (ctx.root, here):
        dist = base / VALIDATOR_PACKAGE / "dist" / "esm"
        if (dist / "index.js").is_file():
            assets = [
                Asset(f"{VALIDATOR_DIR}/{p.name}", _without_map(p.read_bytes())) for p in sorted(dist.glob("*.js"))
            ]
            licence = base / VALIDATOR_PACKAGE / "package.json"
            assets.append(Asset(f"{VALIDATOR_DIR}/package.json", licence.read_bytes()))
            return assets
    log.info("%s is not installed (run `npm ci`): the form will check files only through the API", VALIDATOR_PACKAGE)
    return []


def _without_map(content: bytes) -> bytes:
    """Source-map comments would send the browser's tools after .map files the site does not ship."""
    return b"\n".join(line for line in content.split(b"\n") if not line.startswith(b"//# sourceMappingURL="))


def _lower(words: str) -> str:
    """ "Name" reads "name" inside a sentence; "ID" stays "ID"."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def _intro(fields: list[Field]) -> str:
    needed = ["your council", *(_lower(f.label) for f in fields if f.required)]
    listed = ", ".join(needed[:-1]) + " and " + needed[-1]
    return (
        "# Describe a service\n\n"
        "Fill in this form to add one of your council's services to the registry. You do not need Git or "
        "any other tool: the form makes the file for you and checks it as you type; then you download it or "
        f"propose it on GitHub. To start, only {listed} are needed: leave blank whatever you do not know "
        "yet. The fields and their notes are the ones in the file `standards new service` writes.\n\n"
    )


def pages(ctx: SiteContext) -> list[Page | Asset]:
    # From the models, as `standards schema` writes schemas/service.schema.json: a council's own
    # repository (or a test's) need not hold the schemas folder.
    schema = public_schema(schema_for(SCHEMA.name, Service), restricted_of(ctx))
    assets = _validator_assets(ctx)
    try:
        fields = form_fields(schema, catalogue(ctx))
    except UnsupportedField as exc:
        raise PluginError(
            f"{SCHEMA}: the Describe a service form cannot ask for {exc}; "
            "teach registry/playbook/describe_fields.py that shape"
        ) from None
    html = _form(ctx, schema, fields, bool(assets))
    markdown = _intro(fields) + placeholder("describe") + "\n"
    page = Page(PAGE, markdown, {placeholder("describe"): html}, title="Describe a service")
    return [page, *assets]
