"""The "Describe a service" form in a real browser (Debian's Chromium, Playwright), both ways it is used.

The site is built from a copy of the repository with REPO_URL set, then served twice: by `standards
serve` (the site and the API: the form checks the file through POST /api/v1/validate) and by a plain
static server (`python -m http.server`: no API, so the form checks the file in the browser and offers
the download). What the form makes is checked by the real `standards check`, in a real subprocess.
Browser, fixtures and helpers are test_site_browser's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from test_site_browser import AXE, AXE_TAGS, DOM_HAZARDS, Tab, _ok, browser

from checks.loading import parse
from conftest import NPM_CI, ROOT, require, run_standards
from gitrepo import commit_all, git

__all__ = ["browser"]  # a fixture, used by name

REPO_URL = "https://github.com/example-org/registry"
BRANCH = "develop"  # not main: the branch comes from REPO_BRANCH (mkdocs.yml extra.repo_branch)
COUNCIL = "camden"
FORM = "/describe-a-service/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def form_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("describe-form") / "repo"
    repo.mkdir()
    for name in ("standards", "manifests", "schemas", "site"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (repo / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "the registry")
    # The validator is copied from node_modules: the repository's, else the tool's own checkout (ROOT).
    require(ROOT / "node_modules" / "@cfworker" / "json-schema" / "package.json", NPM_CI)
    _ok(run_standards("index", "build", cwd=repo), "standards index build")
    exe = Path(sys.executable).with_name("standards")
    env = {**os.environ, "REPO_URL": REPO_URL, "REPO_BRANCH": BRANCH}
    built = subprocess.run([str(exe), "site", "build"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    _ok(built, "standards site build")
    assert (repo / "build" / "site" / "assets" / "vendor" / "cfworker-json-schema" / "index.js").is_file()
    return repo


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{url} did not come up:\n{log.read_text(encoding='utf-8')}")
            time.sleep(0.2)


@contextlib.contextmanager
def _server(args: list[str], cwd: Path, ready: str, log: Path) -> Iterator[str]:
    port = _free_port()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([*args, str(port)], cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + ready, proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def api_base(form_repo: Path) -> Iterator[str]:
    """`standards serve`: the site at / and the API at /api/v1, as `make run` serves them."""
    exe = str(Path(sys.executable).with_name("standards"))
    args = [exe, "serve", "--index", "build/index.sqlite", "--port"]
    with _server(args, form_repo, "/readyz", form_repo.parent / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def static_base(form_repo: Path) -> Iterator[str]:
    """The built site on a plain static server: no API, as on GitHub Pages or a file share."""
    args = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", "build/site"]
    with _server(args, form_repo, FORM, form_repo.parent / "static.log") as base:
        yield base


def _tab(browser: Any, base: str, width: int = 1280) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    # Nothing may leave the machine: a request to anywhere else fails the test.
    context.route("https://**", lambda route: pytest.fail(f"a request left the machine: {route.request.url}"))
    page = context.new_page()
    tab = Tab(page, base)
    page.on("console", lambda m: m.type == "error" and tab.console_errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: tab.page_errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: tab.failed_requests.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and tab.bad_responses.append(f"HTTP {r.status}: {r.url}"))
    page.on("dialog", lambda d: (tab.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def api_tab(browser: Any, api_base: str) -> Iterator[Tab]:
    yield from _tab(browser, api_base)


@pytest.fixture
def static_tab(browser: Any, static_base: str) -> Iterator[Tab]:
    yield from _tab(browser, static_base)


# --------------------------------------------------------------------------- using the form as a person would


def _open(tab: Tab) -> Any:
    tab.open(FORM)
    tab.page.wait_for_selector("#describe-form[data-ready=true]")
    return tab.page


def _control(path: str) -> str:
    return "#" + ("f_" + path).replace(".", "\\.")


def _fill_service(page: Any) -> dict[str, Any]:
    """A real service, as a council officer would describe it; the values it should produce."""
    page.select_option("#f_council", COUNCIL)
    page.fill(_control("name"), "Report a missed bin collection")
    page.check("#f_phase-3")  # live
    page.check("#f_channels")  # web
    page.check("#f_channels-2")  # phone
    page.fill(_control("url"), "https://www.example.gov.uk/bins/missed")
    page.fill(_control("owner.team"), "Waste and recycling digital team")
    page.check(_control("privacy.handles_personal_data"))  # Yes
    page.fill(_control("accessibility.last_audit"), "2026-02-14")
    page.fill(_control("team.releases_per_quarter"), "14")
    page.click("#f_suppliers [data-add]")
    page.fill("#f_suppliers\\.1\\.name", "Example Software Ltd")
    page.fill("#f_suppliers\\.1\\.contract_start", "2024-04-01")
    return {
        "kind": "Service",
        "schema_version": 1,
        "sample": False,
        "id": "report-a-missed-bin-collection",
        "name": "Report a missed bin collection",
        "url": "https://www.example.gov.uk/bins/missed",
        "phase": "live",
        "channels": ["web", "phone"],
        "owner": {"team": "Waste and recycling digital team"},
        "suppliers": [{"name": "Example Software Ltd", "contract_start": "2024-04-01"}],
        "accessibility": {"last_audit": "2026-02-14"},
        "team": {"releases_per_quarter": 14},
        "privacy": {"handles_personal_data": True},
    }


def _yaml(page: Any) -> str:
    return str(page.text_content("#describe-yaml"))


def _wait_state(page: Any, state: str) -> None:
    page.wait_for_selector(f"#describe-status[data-state={state}]", timeout=20_000)


def _check_with_cli(repo: Path, tmp: Path, text: str, service: str) -> dict[str, Any]:
    """`standards check` on the file in a copy of the registry, where the form says it goes."""
    copy = tmp / "registry"
    for name in ("standards", "manifests", "schemas"):
        shutil.copytree(repo / name, copy / name)
    target = copy / "manifests" / COUNCIL / f"{service}.yaml"
    target.write_text(text, encoding="utf-8")
    today = dt.date.today().isoformat()
    proc = run_standards("check", str(target.relative_to(copy)), "--format", "json", "--as-of", today, cwd=copy)
    assert proc.returncode in (0, 1), proc.stderr
    files: list[dict[str, Any]] = json.loads(proc.stdout)["files"]
    return files[0]


def test_form_file_passes_standards_check_with_the_findings_the_form_showed(
    api_tab: Tab, form_repo: Path, tmp_path: Path
) -> None:
    page = _open(api_tab)
    sent: list[Any] = []
    page.on("request", lambda r: "/api/v1/validate" in r.url and sent.append(r))
    expected = _fill_service(page)
    _wait_state(page, "checked")
    items = page.query_selector_all("#describe-findings li")
    levels = [li.get_attribute("data-level") for li in items]
    assert levels == sorted(levels, key=["must", "should", "may"].index), "worst first"
    shown = sorted(li.get_attribute("data-requirement") for li in items)
    text = _yaml(page)
    # What the registry checked is the file shown, for the council chosen, and nothing else was sent.
    assert sent[-1].post_data == text
    assert parse_qs(urlsplit(sent[-1].url).query) == {"council": [COUNCIL]}
    assert all(r.method == "POST" for r in sent)
    assert yaml.safe_load(text) == expected
    record = _check_with_cli(form_repo, tmp_path, text, expected["id"])
    assert record["problems"] == [], record["problems"]
    failing = sorted(r["requirement"] for r in record["results"] if r["outcome"] in ("fail", "error"))
    assert failing, "a new service meets some requirements and not others: the comparison must mean something"
    assert shown == failing
    heading = page.text_content("#describe-findings h3")
    applicable = [r for r in record["results"] if r["outcome"] != "not_applicable"]
    assert heading == f"{len(failing)} of {len(applicable)} requirements that apply to this service are not met yet"
    assert api_tab.problems() == [] and api_tab.dialogs == []


def test_what_only_the_registry_can_find_is_shown_as_standards_check_says_it(
    api_tab: Tab, form_repo: Path, tmp_path: Path
) -> None:
    """A pin to a version the standard never had: the schema allows it, the CLI does not (E305)."""
    page = _open(api_tab)
    _fill_service(page)
    page.click("#f_conforms_to [data-add]")
    item = "#f_conforms_to\\.2\\."
    page.select_option(item + "standard", "accessibility")
    page.fill(item + "version", "9")
    _wait_state(page, "invalid")
    shown = [li.get_attribute("data-code") for li in page.query_selector_all("#describe-findings li")]
    record = _check_with_cli(form_repo, tmp_path, _yaml(page), "report-a-missed-bin-collection")
    assert shown == [p["code"] for p in record["problems"]] == ["E305"]
    # The API answers an invalid manifest with 422, which the browser logs; nothing else went wrong.
    others = [p for p in api_tab.problems() if "/api/v1/validate" not in p and "status of 422" not in p]
    assert others == [] and api_tab.dialogs == []


def test_without_the_api_the_form_offers_the_file_to_download_and_propose(static_tab: Tab) -> None:
    page = _open(static_tab)
    expected = _fill_service(page)
    _wait_state(page, "no-api")
    text = _yaml(page)
    assert yaml.safe_load(text) == expected
    with page.expect_download() as info:
        page.click("#describe-download")
    download = info.value
    assert download.suggested_filename == "report-a-missed-bin-collection.yaml"
    assert Path(download.path()).read_text(encoding="utf-8") == text
    href = urlsplit(str(page.get_attribute("#describe-github", "href")))
    assert f"{href.scheme}://{href.netloc}{href.path}" == f"{REPO_URL}/new/{BRANCH}"
    query = parse_qs(href.query, keep_blank_values=True)
    assert query == {"filename": [f"manifests/{COUNCIL}/report-a-missed-bin-collection.yaml"], "value": [text]}
    # The one request that failed is the form asking for the API the static server does not have (501).
    others = [p for p in static_tab.problems() if "/api/v1/validate" not in p and "status of 501" not in p]
    assert others == [] and static_tab.dialogs == []
    assert page.is_hidden("#describe-findings")


def _summary(page: Any) -> list[tuple[str, str]]:
    links = page.query_selector_all("#describe-error-summary li a")
    return [(str(a.get_attribute("href")), str(a.text_content())) for a in links]


def test_an_empty_form_says_what_is_needed_and_links_to_each_field(static_tab: Tab, form_repo: Path) -> None:
    page = _open(static_tab)
    page.click("button[type=submit]")
    assert page.evaluate("document.activeElement.id") == "describe-error-summary"
    schema = json.loads((form_repo / "schemas" / "service.schema.json").read_text(encoding="utf-8"))
    asked = [k for k in schema["required"] if "const" not in schema["properties"][k]]
    links = _summary(page)
    targets = [href.removeprefix("#f_").split(".")[0] for href, _ in links]
    assert targets == ["council", *asked], links
    for href, words in links:
        assert words.startswith(("Enter ", "Choose ", "Say whether ")), words
        page.click(f'#describe-error-summary a[href="{href}"]')
        assert page.evaluate("document.activeElement.id") == href[1:]
        assert page.text_content(f'[id="{href[1:]}-error"]') == f"Error: {words}"
    assert yaml.safe_load(_yaml(page)) == {"kind": "Service", "schema_version": 1, "sample": False}
    assert page.get_attribute("#describe-status", "data-state") == "incomplete"
    assert static_tab.problems() == []  # with nothing to check, the API is not asked


def test_browser_finds_the_mistakes_standards_check_finds(static_tab: Tab, form_repo: Path, tmp_path: Path) -> None:
    page = _open(static_tab)
    _fill_service(page)
    mistakes = {
        "id": "Report_A_Missed_Bin",
        "url": "www.example.gov.uk/bins",
        "accessibility.last_audit": "2026-02-30",
        "team.releases_per_quarter": "-3",
        "owner.email": "waste team at example",
    }
    for path, value in mistakes.items():
        page.fill(_control(path), value)
    page.click("button[type=submit]")
    flagged = sorted(href.removeprefix("#f_") for href, _ in _summary(page))
    assert flagged == sorted(mistakes)
    # Said in words, with what the schema allows.
    words = dict(_summary(page))
    assert words["#f_team.releases_per_quarter"].startswith("Releases per quarter must be a whole number from 0 to")
    assert (
        words["#f_accessibility.last_audit"] == "Last audit must be a real date written as YYYY-MM-DD, e.g. 2026-03-31"
    )
    assert words["#f_url"] == "URL must be a web address starting https://, with no spaces"
    text = _yaml(page)
    record = _check_with_cli(form_repo, tmp_path, text, "report-a-missed-bin")
    doc = parse(text)
    assert not isinstance(doc, list)
    lines = sorted(doc.node_at(tuple(p.split(".")))[0].start_mark.line + 1 for p in mistakes)
    # The CLI names the same fields (by line), plus E304: the file name the form chose is not the bad id.
    cli = sorted(p["line"] for p in record["problems"] if p["code"] != "E304")
    assert cli == lines, record["problems"]


HOSTILE = [
    "<script>alert(1)</script>\"'",
    "key: value # not a comment",
    "---",
    "*alias",
    "&anchor value",
    "!!python/object:os.system",
    "- [a, b]: {c: d}",
    "<img src=x onerror=alert(2)>",
    "yes",
    "0x1F",
    "'single' \"double\" `back` \\ slash",
    "%TAG ! tag:example.com,2000:",
    "@user | folded >",
    "  leading and trailing spaces  ",
    "null",
    "\u2028line separator\u0085next line\u00a0",
]
MULTILINE = "first line\n---\n- item: [x]\n# comment\n\n  indented: *ref"


def test_hostile_text_in_every_field_stays_text_and_reads_back_exactly(static_tab: Tab) -> None:
    page = _open(static_tab)
    for repeat in page.query_selector_all("[data-add]"):
        repeat.click()
    page.check(_control("privacy.handles_personal_data"))
    typed: list[dict[str, Any]] = []
    boxes = page.query_selector_all("#describe-form input[type=text], #describe-form textarea")
    assert len(boxes) > 40
    for i, box in enumerate(boxes):
        multiline = box.evaluate("el => el.tagName") == "TEXTAREA"
        value = MULTILINE if multiline else HOSTILE[i % len(HOSTILE)]
        box.fill(value)
        path = box.evaluate(PATH_OF)
        typed.append(
            {"path": path, "value": value, "kind": box.evaluate("el => el.closest('[data-kind]').dataset.kind")}
        )
    page.click("button[type=submit]")
    text = _yaml(page)
    loaded = yaml.safe_load(text)
    doc = parse(text)  # the registry's own hardened loader reads it too: no anchors, tags or aliases
    assert not isinstance(doc, list), doc
    assert doc.data == loaded
    for entry in typed:
        value: Any = loaded
        for part in entry["path"]:
            value = value[part]
        if entry["kind"] == "lines":
            expected = [line for line in entry["value"].split("\n") if line.strip()]
        else:
            expected = entry["value"]
        assert value == expected, entry
    # Rendered inert: the preview and every message are text, and nothing ran.
    assert page.evaluate("document.getElementById('describe-yaml').children.length") == 0
    assert page.evaluate(DOM_HAZARDS) == []
    assert static_tab.dialogs == [] and static_tab.page_errors == []
    assert len(_summary(page)) > 10


# A text box's place in the manifest: the data-key of each field around it, and an item's position.
PATH_OF = """el => {
  const path = [];
  let node = el.closest("[data-key], [data-role=key]");
  while (node) {
    const item = node.parentElement.closest("[data-item]");
    if (node.dataset.role !== "key") path.unshift(node.dataset.key);
    if (item && item.contains(node)) {
      const repeat = item.closest("[data-kind]");
      const items = Array.from(item.parentElement.children);
      if (repeat.dataset.kind === "list") path.unshift(items.indexOf(item));
      else path.unshift(item.querySelector("[data-role=key] select, [data-role=key] input").value);
      node = repeat;
      continue;
    }
    node = node.parentElement.closest("[data-key]");
  }
  return path;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_form_with_its_errors_shown(static_tab: Tab, scheme: str) -> None:
    require(AXE, NPM_CI)
    static_tab.page.emulate_media(color_scheme=scheme)
    page = _open(static_tab)
    page.click("#f_suppliers [data-add]")
    page.fill(_control("url"), "not a web address")
    page.click("button[type=submit]")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""", AXE_TAGS
    )
    serious = [
        f"{v['id']}: {[n['target'] for n in v['nodes'][:5]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_the_form_fits_a_375px_screen(browser: Any, static_base: str) -> None:
    for tab in _tab(browser, static_base, width=375):
        page = _open(tab)
        page.click("#f_suppliers [data-add]")
        page.click("button[type=submit]")
        page.fill(_control("name"), "A service with a long name that has to wrap on a small screen")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
        box = page.query_selector(_control("owner.team")).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
