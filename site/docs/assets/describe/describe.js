/* The "Describe a service" form (registry/playbook/describe.py writes its HTML and config).
   It builds a service manifest from the form, shows it as YAML, checks it against the service
   JSON Schema in the browser (@cfworker/json-schema, copied from node_modules at build time) and,
   when the site is served by `standards serve`, with POST /api/v1/validate (the CLI's checks).
   Nothing leaves the browser except that request to the site's own API; nothing is stored.
   Every value the user types reaches the page only as text (textContent), never as markup. */

const config = JSON.parse(document.getElementById("describe-config").textContent);
const form = document.getElementById("describe-form");
const summary = document.getElementById("describe-error-summary");
const status = document.getElementById("describe-status");
const findings = document.getElementById("describe-findings");
const yamlBox = document.getElementById("describe-yaml");
const download = document.getElementById("describe-download");
const github = document.getElementById("describe-github");
// GitHub refuses very long addresses; past this the file is offered as a download to upload instead.
const MAX_GITHUB_URL = 7000;

let validator = null;
let itemCounter = 0;
let idEdited = false;
let apiRound = 0;
let apiTimer = null;
let showAllErrors = false;
const touched = new Set();

/* ------------------------------------------------------------------ reading the form */

function scopeOf(el) {
  return el.parentElement.closest("[data-scope]");
}

function fieldsIn(scope) {
  return Array.from(scope.querySelectorAll("[data-key]")).filter((el) => scopeOf(el) === scope);
}

function numberOrText(text, pattern) {
  return pattern.test(text) ? Number(text) : text;
}

function leafValue(el) {
  const kind = el.dataset.kind;
  if (kind === "choices") {
    const values = Array.from(el.querySelectorAll("input:checked")).map((i) => i.value);
    return values.length ? values : undefined;
  }
  if (kind === "check") return el.querySelector("input").checked ? true : undefined;
  if (kind === "yesno") {
    const picked = el.querySelector("input:checked");
    return picked ? picked.value === "true" : undefined;
  }
  if (kind === "choice") {
    const control = el.querySelector("select") || el.querySelector("input:checked");
    return control && control.value !== "" ? control.value : undefined;
  }
  const text = el.querySelector("input, textarea").value;
  if (text === "") return undefined;
  if (kind === "lines") {
    const lines = text.split(/\r\n|\n|\r/).filter((line) => line.trim() !== "");
    return lines.length ? lines : undefined;
  }
  if (kind === "integer") return numberOrText(text, /^-?\d+$/);
  if (kind === "number") return numberOrText(text, /^-?\d+(\.\d+)?$/);
  if (kind === "version") return numberOrText(text, /^\d+$/);
  return text;
}

function itemValue(item, keyed) {
  const value = collect(item);
  if (!keyed) return value || {};
  const keyControl = item.querySelector("[data-role=key] select, [data-role=key] input");
  return [keyControl.value, value || {}];
}

function valueOf(el) {
  const kind = el.dataset.kind;
  if (kind === "group") return collect(el);
  if (kind === "list" || kind === "map") {
    const items = Array.from(el.querySelector("[data-items]").children);
    if (!items.length) return undefined;
    if (kind === "list") return items.map((item) => itemValue(item, false));
    return Object.fromEntries(items.map((item) => itemValue(item, true)));
  }
  return leafValue(el);
}

function collect(scope) {
  const out = {};
  for (const el of fieldsIn(scope)) {
    const value = valueOf(el);
    if (value !== undefined) out[el.dataset.key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function manifest() {
  return { ...config.fixed, ...(collect(form) || {}) };
}

function council() {
  return document.getElementById("f_council").value;
}

/* ------------------------------------------------------------------ YAML, quoted so it reads back exactly */

const PLAIN_KEY = /^[a-z_][a-z0-9_]*$/;
const YAML11_WORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;

function quoted(text) {
  // JSON's escapes are YAML's, but YAML refuses raw control characters and reads U+0085, U+2028
  // and U+2029 as line breaks, so everything outside plain printable text is escaped.
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029 ||
             code === 0xfeff || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code < 0xe000)) {
      out += "\\u" + code.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

function yamlKey(key) {
  return PLAIN_KEY.test(key) && !YAML11_WORDS.test(key) ? key : quoted(key);
}

function scalar(value) {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  return quoted(String(value));
}

function yamlLines(value, indent) {
  const pad = " ".repeat(indent);
  const lines = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === "object") {
        const inner = yamlLines(item, indent + 2);
        if (!inner.length) lines.push(`${pad}- {}`);
        else lines.push(`${pad}- ${inner[0].trimStart()}`, ...inner.slice(1));
      } else lines.push(`${pad}- ${scalar(item)}`);
    }
    return lines;
  }
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && typeof item === "object") {
      const empty = Array.isArray(item) ? "[]" : "{}";
      const inner = yamlLines(item, Array.isArray(item) ? indent + 2 : indent + 2);
      if (!inner.length) lines.push(`${pad}${yamlKey(key)}: ${empty}`);
      else lines.push(`${pad}${yamlKey(key)}:`, ...inner);
    } else lines.push(`${pad}${yamlKey(key)}: ${scalar(item)}`);
  }
  return lines;
}

function toYaml(doc) {
  return [config.schemaLine, ...yamlLines(doc, 0)].join("\n") + "\n";
}

/* ------------------------------------------------------------------ finding a field from a schema location */

function fieldAt(segments) {
  let scope = form;
  let el = null;
  for (let i = 0; i < segments.length; i += 1) {
    const key = segments[i];
    el = fieldsIn(scope).find((f) => f.dataset.key === key);
    if (!el) return null;
    if (el.dataset.kind === "list" || el.dataset.kind === "map") {
      if (i + 1 >= segments.length) return el;
      const items = Array.from(el.querySelector("[data-items]").children);
      const next = segments[i + 1];
      const item = el.dataset.kind === "list" ? items[Number(next)]
        : items.find((it) => itemValue(it, true)[0] === next);
      if (!item) return el;
      scope = item;
      i += 1;
      if (i + 1 >= segments.length) return item;
    } else if (el.dataset.kind === "group") scope = el;
  }
  return el;
}

function firstControl(el) {
  if (!el) return null;
  if (el.matches("input, select, textarea")) return el;
  return el.querySelector("input, select, textarea, button");
}

function labelOf(el) {
  const own = el.querySelector(":scope > label.describe-label, :scope > fieldset > legend, :scope > legend, :scope > .describe-option > label");
  const text = own ? own.textContent.replace("(required)", "").trim() : el.dataset.key;
  const item = el.closest("[data-item]");
  if (!item || item === el) return text;
  return `${text} for ${inSentence(item.querySelector("legend").textContent.trim())}`;
}

/* ------------------------------------------------------------------ messages, in words */


function inSentence(words) {
  // "Name" reads "name" inside a sentence; "ID" and "URL" stay as they are.
  return /^.[A-Z]/.test(words) ? words : words.charAt(0).toLowerCase() + words.slice(1);
}

function message(el, error, value) {
  const name = labelOf(el);
  const kind = el.dataset.kind;
  const keyword = error.keyword;
  if (keyword === "required" || keyword === "minItems" || (keyword === "minLength" && value === "")) {
    if (kind === "yesno") return `Say whether ${inSentence(name)}`;
    const verb = kind === "choice" || kind === "choices" ? "Choose" : "Enter";
    return `${verb} ${inSentence(name)}`;
  }
  if (keyword === "format" || kind === "date") return `${name} must be a real date written as YYYY-MM-DD, e.g. 2026-03-31`;
  if (keyword === "pattern") {
    const words = config.patternWords[el.dataset.pattern] || `text matching ${el.dataset.pattern}`;
    return `${name} must be ${words}`;
  }
  if (kind === "integer") return `${name} must be a whole number` + range(error);
  if (kind === "number") return `${name} must be a number` + range(error);
  if (kind === "version") return `${name} must be a major version such as 1, or an exact version such as 1.2.0`;
  if (keyword === "maxLength") return `${name} must be ${schemaAt(error.keywordLocation)} characters or fewer`;
  if (keyword === "enum") return `Choose one of the options for ${inSentence(name)}`;
  return `${name}: ${error.error}`;
}

function range(error) {
  // The bounds beside the one broken, read from the schema: "from 0 to 3650".
  if (error.keyword !== "minimum" && error.keyword !== "maximum") return "";
  const base = error.keywordLocation.replace(/\/(minimum|maximum)$/, "");
  const low = schemaAt(base + "/minimum");
  const high = schemaAt(base + "/maximum");
  if (low !== undefined && high !== undefined) return ` from ${low} to ${high}`;
  return low !== undefined ? ` of ${low} or more` : ` of ${high} or less`;
}

/* ------------------------------------------------------------------ checking in the browser */

function valueAtPath(doc, segments) {
  return segments.reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), doc);
}

function schemaProblems(doc) {
  if (!validator) return [];
  const result = validator.validate(doc);
  const byField = new Map();
  for (const error of result.errors) {
    // anyOf [X, null] reports the null branch too; X's own error says what is wrong.
    if (error.keyword === "type" && (schemaAt(error.keywordLocation.replace(/\/type$/, "")) || {}).type === "null") continue;
    if (["properties", "items", "$ref", "anyOf", "additionalProperties", "patternProperties"].includes(error.keyword)) continue;
    const at = pointerParts(error.instanceLocation);
    // A `required` error is the object's; each missing key is a field of its own to point at.
    const places = error.keyword === "required"
      ? (requiredAt(error.keywordLocation) || []).filter((key) => !(key in (valueAtPath(doc, at) || {})))
        .map((key) => [...at, key])
      : [at];
    for (const segments of places) {
      let el = fieldAt(segments);
      // A whole section missing (owner, privacy): point at its first field, which is what to fill in.
      while (el && el.dataset.kind === "group") el = fieldsIn(el)[0];
      if (!el || byField.has(el)) continue;
      byField.set(el, message(el, error, valueAtPath(doc, segments)));
    }
  }
  return Array.from(byField, ([el, text]) => ({ el, text }));
}

function pointerParts(location) {
  return location.replace(/^#\/?/, "").split("/").filter(Boolean)
    .map((part) => decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~"));
}

function schemaAt(keywordLocation) {
  // The part of the schema an error came from, found by its location ($ref followed).
  let node = config.schema;
  for (const part of pointerParts(keywordLocation)) {
    node = part === "$ref" ? refTarget(node.$ref) : node && node[part];
  }
  return node;
}

function requiredAt(keywordLocation) {
  const node = schemaAt(keywordLocation);
  return Array.isArray(node) ? node : null;
}

function refTarget(ref) {
  return ref.replace(/^#\//, "").split("/").reduce((n, k) => n[k], config.schema);
}

function councilProblem() {
  const el = document.querySelector("[data-council]");
  return council() ? [] : [{ el, text: "Choose your council" }];
}

function showProblems(problems) {
  for (const slot of form.querySelectorAll(".describe-field-error")) {
    slot.hidden = true;
    slot.textContent = "";
    slot.parentElement.classList.remove("describe-has-error");
  }
  const shown = problems.filter((p) => showAllErrors || touchedWithin(p.el));
  for (const { el, text } of shown) {
    const slot = el.querySelector(".describe-field-error");
    if (!slot) continue;
    slot.textContent = "Error: " + text;
    slot.hidden = false;
    el.classList.add("describe-has-error");
  }
  const list = summary.querySelector("ul");
  list.replaceChildren();
  for (const { el, text } of showAllErrors ? problems : []) {
    const control = firstControl(el);
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#" + (control && control.id ? control.id : "");
    a.textContent = text;
    a.addEventListener("click", (event) => {
      event.preventDefault();
      if (control) {
        control.scrollIntoView({ block: "center" });
        control.focus();
      }
    });
    li.append(a);
    list.append(li);
  }
  summary.hidden = !(showAllErrors && problems.length);
}

function touchedWithin(el) {
  return Array.from(touched).some((control) => el.contains(control));
}

/* ------------------------------------------------------------------ checking with the registry's API */

function showFindings(report) {
  findings.replaceChildren();
  const applicable = report.results.filter((r) => r.outcome !== "not_applicable");
  // Worst first: every must, then should, then may, each in the standards' order.
  const rank = { must: 0, should: 1, may: 2 };
  const failing = applicable.filter((r) => r.outcome === "fail" || r.outcome === "error")
    .sort((a, b) => rank[a.level] - rank[b.level]);
  const heading = document.createElement("h3");
  heading.textContent = failing.length
    ? `${failing.length} of ${applicable.length} requirements that apply to this service are not met yet`
    : `The service meets all ${applicable.length} requirements that apply to it`;
  const intro = document.createElement("p");
  intro.textContent = "Checked by the registry exactly as `standards check` checks a file, as of " + report.as_of + ".";
  const list = document.createElement("ul");
  for (const r of failing) {
    const li = document.createElement("li");
    li.dataset.requirement = r.requirement;
    li.dataset.outcome = r.outcome;
    li.dataset.level = r.level;
    const title = document.createElement("strong");
    title.textContent = r.title;
    const detail = document.createElement("span");
    detail.textContent = ` (${r.requirement}, ${r.level})` + (r.detail ? `: ${r.detail}` : "");
    li.append(title, detail);
    const help = config.fixes[r.requirement];
    if (help) {
      const fix = document.createElement("p");
      fix.textContent = "How to fix: " + help;
      li.append(fix);
    }
    list.append(li);
  }
  findings.append(heading, intro, list);
  findings.hidden = false;
  findings.dataset.state = "checked";
}

function showApiProblems(problems) {
  findings.replaceChildren();
  const heading = document.createElement("h3");
  heading.textContent = "The registry cannot read the file yet";
  const list = document.createElement("ul");
  for (const p of problems) {
    const li = document.createElement("li");
    li.dataset.code = p.code;
    li.textContent = `${p.message} (${p.code}, line ${p.line})` + (p.help ? `. How to fix: ${p.help}` : "");
    list.append(li);
  }
  findings.append(heading, list);
  findings.hidden = false;
  findings.dataset.state = "invalid";
}

async function checkWithApi(text) {
  const round = ++apiRound;
  const url = new URL(config.api, document.baseURI);
  url.searchParams.set("council", council());
  let response;
  try {
    response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/yaml" }, body: text });
  } catch (error) {
    return round === apiRound && noApi();
  }
  if (round !== apiRound) return;
  const type = response.headers.get("content-type") || "";
  if (!type.includes("json") || ![200, 422].includes(response.status)) return noApi();
  const body = await response.json();
  if (round !== apiRound) return;
  if (response.status === 200) showFindings(body);
  else if (body.error && body.error.code === "invalid_manifest") showApiProblems(body.error.details || []);
  else noApi();
  setStatus(response.status === 200 ? "checked" : "invalid");
}

function noApi() {
  findings.hidden = true;
  findings.replaceChildren();
  findings.dataset.state = "no-api";
  setStatus("no-api");
}

const STATUS_WORDS = {
  incomplete: "Fill in the fields marked as problems to finish the file.",
  checking: "Checking the file with the registry…",
  checked: "The registry has checked the file: its findings are below.",
  invalid: "The registry found problems in the file: they are below.",
  "no-api": "The file's fields are complete. This copy of the site cannot check it against the standards " +
    "(that needs `standards serve`): the checks run when you send it in.",
};

function setStatus(state) {
  status.dataset.state = state;
  status.textContent = STATUS_WORDS[state];
}

/* ------------------------------------------------------------------ the output: YAML, download, GitHub */

function update() {
  const doc = manifest();
  const text = toYaml(doc);
  yamlBox.textContent = text;
  const problems = [...councilProblem(), ...schemaProblems(doc)].sort((a, b) =>
    a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
  showProblems(problems);
  const name = (typeof doc.id === "string" && doc.id ? doc.id : "service") + ".yaml";
  const path = `manifests/${council() || "<council>"}/${name}`;
  document.getElementById("describe-path").textContent = path;
  if (download.dataset.url) URL.revokeObjectURL(download.dataset.url);
  download.dataset.url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
  download.href = download.dataset.url;
  download.download = name;
  updateGithub(path, text);
  form.dataset.problems = String(problems.length);
  clearTimeout(apiTimer);
  if (problems.length) {
    apiRound += 1;
    findings.hidden = true;
    setStatus("incomplete");
  } else {
    setStatus("checking");
    apiTimer = setTimeout(() => checkWithApi(text), 400);
  }
  return problems;
}

function updateGithub(path, text) {
  const missing = document.getElementById("describe-github-missing");
  const item = document.getElementById("describe-github-item");
  if (!config.repoUrl) {
    item.hidden = true;
    missing.hidden = false;
    return;
  }
  const url = `${config.repoUrl}/new/${encodeURIComponent(config.branch)}?` +
    new URLSearchParams({ filename: path, value: text }).toString();
  github.href = url.length <= MAX_GITHUB_URL ? url
    : `${config.repoUrl}/upload/${encodeURIComponent(config.branch)}/${path.replace(/\/[^/]*$/, "")}`;
  github.textContent = url.length <= MAX_GITHUB_URL ? "Propose it on GitHub" : "Upload the downloaded file on GitHub";
}

/* ------------------------------------------------------------------ repeated items */

function addItem(repeat) {
  const template = repeat.querySelector(":scope > template");
  itemCounter += 1;
  const html = template.innerHTML.replaceAll(".@.", `.${itemCounter}.`);
  const holder = document.createElement("div");
  holder.innerHTML = html; // the template is the site's own markup; user text never goes through here
  const item = holder.firstElementChild;
  repeat.querySelector("[data-items]").append(item);
  renumber(repeat);
  firstControl(item).focus();
  update();
}

function renumber(repeat) {
  Array.from(repeat.querySelector("[data-items]").children).forEach((item, i) => {
    item.querySelector("[data-number]").textContent = String(i + 1);
  });
}

form.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add]");
  if (add) return addItem(add.closest(".describe-repeat"));
  const remove = event.target.closest("[data-remove]");
  if (remove) {
    const repeat = remove.closest(".describe-repeat");
    remove.closest("[data-item]").remove();
    renumber(repeat);
    repeat.querySelector("[data-add]").focus();
    update();
  }
});

/* ------------------------------------------------------------------ wiring */

function slug(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
}

form.addEventListener("input", (event) => {
  touched.add(event.target);
  const idBox = document.getElementById("f_id");
  if (event.target === idBox) idEdited = idBox.value !== "";
  if (event.target.id === "f_name" && idBox && !idEdited) idBox.value = slug(event.target.value);
  update();
});
form.addEventListener("change", (event) => {
  touched.add(event.target);
  update();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  showAllErrors = true;
  const problems = update();
  if (problems.length) summary.focus();
  else document.getElementById("describe-output-title").scrollIntoView();
});

async function start() {
  if (config.validator) {
    const module = await import(new URL(config.validator, document.baseURI).href);
    validator = new module.Validator(config.schema, "2020-12", false);
  }
  form.dataset.ready = "true";
  update();
}

start();
