"""The playbook site in a real browser: Debian's Chromium driven by Playwright.

The site is built once, from a copy of the repository that adds a council whose
manifests are hostile but valid (markup, Markdown links, attribute breakers and
`javascript:` text in every free-text field, quote-breaking http(s) URLs; the
council's name and codes are a real council's, which `check` requires), then
served by `standards serve` (the API and the site together, as users get them)
on 127.0.0.1. The tests load pages, search with Material's own search box, check
a council's services table and badge, prove the hostile values render as text
and never run, and run axe-core (WCAG 2.2 AA tags) on the main page types.

Chromium comes from the system (`.ci/run` installs it); nothing is downloaded.
Without /usr/bin/chromium the tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from conftest import AS_OF, NODE_MODULES, NPM_CI, ROOT, chromium, require, run_standards
from gitrepo import commit_all, git

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
# Headless, and quiet: without the background-networking flags Chromium phones home
# (updates, sync, field trials), which a closed network refuses and CI must not need.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

HOSTILE_COUNCIL = "hostile-test"
HOSTILE_SERVICE = "hostile-service"
SCRIPT_NAME = "<script>alert(1)</script>"

# Every free-text field the models accept, with something that would run, link or
# break out of its context if it reached the page unescaped. URL fields only accept
# http(s) (checks/models.py HttpsUrl), but any non-space character after the scheme,
# so quotes and angle brackets are tried there.
HOSTILE_COUNCIL_YAML = {
    "kind": "Council",
    "schema_version": 1,
    "sample": True,
    "id": HOSTILE_COUNCIL,
    # Name, codes, type, nation and region must be the register's (E311/E312), so they are Lewes's.
    "name": "Lewes District Council",
    "gss_code": "E07000063",
    "register_code": "LEE",
    "type": "NMD",
    "nation": "England",
    "region": "South East",
    "website": 'https://example.org/"><svg/onload=alert(4)>',
    "contact": "javascript:alert(5)",
    "owners": ["@hostile-test/digital"],
}
HOSTILE_SERVICE_YAML = {
    "kind": "Service",
    "schema_version": 1,
    "sample": True,
    "id": HOSTILE_SERVICE,
    "name": SCRIPT_NAME,
    "description": (
        "[click me](javascript:alert(6)) <javascript:alert(7)> <img src=x onerror=alert(8)>\n\n"
        '| a | b |\n|---|---|\n| <b onmouseover=alert(9)>x</b> | y |\n\n{: onclick="alert(10)" }\n'
        "<!--sitegen:services--> {{ config.extra }} ${alert(11)}"
    ),
    "url": 'https://example.org/"onmouseover="alert(12)',
    "phase": "live",
    "channels": ["web"],
    "audience": "public",
    "owner": {
        "team": "</td></tr></table><script>alert(13)</script>",
        "email": "team@example.org",
        "service_owner": "'><iframe src=javascript:alert(14)>",
    },
    "conforms_to": [{"standard": "accessibility", "version": 1}, {"standard": "service-standard", "version": 1}],
    "patterns": ["gov-uk-notify"],
    "suppliers": [
        {
            "name": "![x](https://example.org/x.png){: onerror=alert(15) }",
            "product": "&lt;script&gt;alert(16)&lt;/script&gt;",
            "role": "other",
            "provides": "[role](javascript:alert(17))",
            "contract_start": "2025-01-01",
        }
    ],
    "hosting": {"model": "saas", "provider": "<style>body{display:none}</style>", "region": "UK"},
    "accessibility": {
        "statement_url": "http://example.org/?q=<script>alert(18)</script>",
        "audited_by": "<a href=javascript:alert(19)>auditor</a>",
        "statement_reviewed": "2020-01-01",
    },
    "data": {"open_data_url": "https://example.org/'onfocus='alert(20)"},
    "source_code": {"open": False, "reason_closed": "<details open ontoggle=alert(21)>closed</details>"},
    "privacy": {"handles_personal_data": False},
    "team": {"roles": ["<svg><script>alert(22)</script></svg>"]},
    "performance": {"measures": ["`code` **bold** <u>alert(23)</u>"], "support_hours": "\u202e<marquee>24</marquee>"},
    "evidence": {
        "ACC-02": {
            "status": "met",
            "date": "2026-01-01",
            "url": 'https://example.org/"><script>alert(25)</script>',
            "note": "<script>alert(26)</script>",
        }
    },
    "waivers": [
        {
            "requirement": "ACC-03",
            "reason": '<a href="javascript:alert(27)">read the waiver</a>',
            "approved_by": "<img src=x onerror=alert(28)>",
            "expires": "2027-06-30",
        }
    ],
}

# What a page's JavaScript can see that would make a hostile value live: links or
# resources with a javascript: URL (resolved, so case and whitespace tricks count),
# inline event handlers, and script elements that mention the payloads.
DOM_HAZARDS = """() => {
  const hazards = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (value.startsWith("javascript:")) hazards.push(`${el.tagName} ${attr.name}=${attr.value}`);
      if (attr.name.startsWith("on")) hazards.push(`${el.tagName} handler ${attr.name}=${attr.value}`);
    }
  }
  for (const a of document.querySelectorAll("a[href], area[href]")) {
    if (a.protocol === "javascript:") hazards.push(`link ${a.href}`);
  }
  for (const s of document.querySelectorAll("script")) {
    if (/alert\\(/.test(s.textContent)) hazards.push(`script ${s.textContent.slice(0, 80)}`);
  }
  for (const tag of ["iframe", "marquee", "details[ontoggle]", "svg[onload]", "img[onerror]"]) {
    for (const el of document.querySelectorAll(tag)) hazards.push(`element ${el.outerHTML.slice(0, 80)}`);
  }
  return hazards;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ok(proc: subprocess.CompletedProcess[str], what: str) -> None:
    assert proc.returncode == 0, f"{what} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"


# --------------------------------------------------------------------------- the site, built and served


@pytest.fixture(scope="module")
def site_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Git repository copied from this one plus the hostile council, with its index and site built."""
    repo = tmp_path_factory.mktemp("site-browser") / "repo"
    repo.mkdir()
    for name in ("standards", "manifests", "schemas", "site", "reorganisations"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (repo / ".gitignore").write_text("build/\n", encoding="utf-8")
    hostile = repo / "manifests" / HOSTILE_COUNCIL
    hostile.mkdir()
    (hostile / "council.yaml").write_text(yaml.safe_dump(HOSTILE_COUNCIL_YAML, sort_keys=False), encoding="utf-8")
    (hostile / f"{HOSTILE_SERVICE}.yaml").write_text(
        yaml.safe_dump(HOSTILE_SERVICE_YAML, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "the registry, with a hostile council")

    # The hostile manifests must be valid, or the site would only show them as broken files.
    check = run_standards("check", f"manifests/{HOSTILE_COUNCIL}", "--as-of", AS_OF, "--format", "json", cwd=repo)
    assert check.returncode in (0, 1), check.stderr
    report = json.loads(check.stdout)
    assert report["summary"]["invalid"] == 0, json.dumps(report["files"], indent=1)[:4000]

    _ok(run_standards("index", "build", "--as-of", AS_OF, cwd=repo), "standards index build")
    _ok(run_standards("site", "build", cwd=repo), "standards site build")
    assert (repo / "build" / "site" / "index.html").is_file()
    return repo


@pytest.fixture(scope="module")
def base_url(site_repo: Path) -> Iterator[str]:
    """`standards serve` on a free port on 127.0.0.1: the API at /api/v1 and the site at /."""
    port = _free_port()
    exe = Path(sys.executable).with_name("standards")
    log = site_repo.parent / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--index", "build/index.sqlite"],
            cwd=site_repo,
            # Judge as of the day the site was built for: served later, the index would be re-judged.
            env={**os.environ, "STANDARDS_TODAY": AS_OF},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _ready(base):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"standards serve did not become ready:\n{log.read_text(encoding='utf-8')}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class Tab:
    """A page, with everything that went wrong on it recorded from before the first navigation."""

    page: Any
    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"

    def problems(self) -> list[str]:
        return [*self.console_errors, *self.page_errors, *self.failed_requests, *self.bad_responses]


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    context = browser.new_context()
    page = context.new_page()
    tab = Tab(page, base_url)
    page.on("console", lambda m: m.type == "error" and tab.console_errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: tab.page_errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: tab.failed_requests.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and tab.bad_responses.append(f"HTTP {r.status}: {r.url}"))

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield tab
    finally:
        context.close()


# --------------------------------------------------------------------------- pages load


def test_home_page_loads_with_no_errors(tab: Tab) -> None:
    tab.open("/")
    assert tab.page.locator("h1").first.is_visible()
    assert "standard" in tab.page.title().lower()
    # Offline: every request stayed on the server under test (no CDN, no web fonts).
    requests = tab.page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert requests and all(url.startswith(tab.base) for url in requests), requests
    assert tab.problems() == []


def test_api_is_served_beside_the_site(tab: Tab, site_repo: Path) -> None:
    tab.open("/api/v1/meta")
    meta = json.loads(tab.page.locator("body").inner_text())
    assert meta["commit"] == git(site_repo, "rev-parse", "HEAD") and meta["as_of"] == AS_OF, meta
    assert meta["counts"]["councils"] == len(list((site_repo / "manifests").glob("*/council.yaml"))), meta


def test_api_docs_work_offline(tab: Tab) -> None:
    """The interactive docs draw every operation with nothing fetched from beyond the server."""
    outside: list[str] = []
    tab.page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(tab.base)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    tab.open("/api/v1/docs")
    spec = json.loads(urllib.request.urlopen(f"{tab.base}/api/v1/openapi.json", timeout=10).read())
    operations = sum(len(ops) for ops in spec["paths"].values())
    tab.page.wait_for_function(f"document.querySelectorAll('.opblock').length >= {operations}", timeout=20_000)
    assert outside == [] and tab.problems() == []


# --------------------------------------------------------------------------- search


def _pattern(pattern_id: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "standards" / "patterns" / f"{pattern_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _standard(standard_id: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "standards" / f"{standard_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _search(tab: Tab, query: str, expected_path: str) -> list[dict[str, str]]:
    """Type into Material's search box as a user would; the results' links (without Material's
    ?h= highlight query) and text, once a result links to `expected_path` or the wait ends."""
    page = tab.page
    box = page.locator("input.md-search__input")
    opener = page.locator("label.md-header__button[for='__search']")
    if not box.is_visible():  # narrow screens: the box hides behind a header button
        opener.click()
    box.click()
    box.press_sequentially(query, delay=20)
    links = """() => Array.from(document.querySelectorAll(".md-search-result__item a"), a => ({
        path: a.pathname + a.hash, text: a.textContent.replace(/\\s+/g, " ").trim()}))"""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"expected => ({links})().some(r => r.path.startsWith(expected))", arg=expected_path, timeout=20_000
        )
    return page.evaluate(links)


@pytest.mark.parametrize(
    ("query", "expected_path", "expected_text"),
    [
        pytest.param(
            _pattern("fixmystreet-pro")["name"], "/patterns/fixmystreet-pro/", "FixMyStreet Pro", id="pattern"
        ),
        pytest.param("Camden", "/councils/camden/", "Camden", id="council"),
        pytest.param(
            _standard("technology-code-of-practice")["title"],
            "/standards/technology-code-of-practice/",
            "Technology Code of Practice",
            id="standard",
        ),
        pytest.param(
            _standard("accessibility")["requirements"][2]["title"],
            "/standards/accessibility/#acc-03",
            _standard("accessibility")["requirements"][2]["title"],
            id="requirement",
        ),
    ],
)
def test_search_finds(tab: Tab, query: str, expected_path: str, expected_text: str) -> None:
    tab.open("/")
    results = _search(tab, query, expected_path)
    hits = [r for r in results if r["path"].startswith(expected_path)]
    assert hits, f"no result for {query!r} links to {expected_path}: {results[:10]}"
    assert any(expected_text.lower() in r["text"].lower() for r in hits), json.dumps(hits, indent=1)
    assert tab.problems() == []


@pytest.mark.parametrize(
    ("query", "lgsl", "within"),
    [
        ("missed bin", 524, 1),
        ("blue badge", 279, 1),
        ("rats", 431, 1),
        # A whole service name: Material's search ORs the words and makes each a prefix, so the "a"
        # matches "annual", "alarms" ... in other pages' titles; the service's type still comes near the top.
        ("Report a missed bin collection", 524, 5),
    ],
)
def test_search_finds_a_service_type_by_what_people_type(tab: Tab, query: str, lgsl: int, within: int) -> None:
    """Service names and everyday words (checks/data/lgsl_terms.csv) lead to the service type's page."""
    tab.open("/")
    expected = f"/insights/service-types/{lgsl}/"
    results = _search(tab, query, expected)
    pages = list(dict.fromkeys(r["path"].split("#")[0] for r in results))
    assert expected in pages[:within], json.dumps(results[:8], indent=1)
    assert tab.problems() == []


# --------------------------------------------------------------------------- a council's page


def test_council_page_shows_its_services_and_badge(tab: Tab, site_repo: Path) -> None:
    tab.open("/councils/camden/")
    page = tab.page
    names = [
        yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
        for path in sorted((ROOT / "manifests" / "camden").glob("*.yaml"))
        if path.name != "council.yaml"
    ]
    tables = page.locator("article table")
    assert tables.count() >= 1
    text = page.locator("article").inner_text()
    missing = [name for name in names if name not in text]
    assert not missing, f"services missing from the council page: {missing}"

    badge = page.locator("article img[src*='badges/camden.svg']").first
    badge.wait_for(state="visible")
    loaded = badge.evaluate("img => img.complete && img.naturalWidth")
    assert loaded and loaded > 0, "the badge image did not load"
    # The alt text says what the badge shows, counted here from `standards check` itself.
    check = run_standards("check", "manifests/camden", "--as-of", AS_OF, "--format", "json", cwd=site_repo)
    services = [f for f in json.loads(check.stdout)["files"] if f["kind"] == "Service"]
    compliant = sum(all(s["compliant"] for s in f["standards"]) for f in services)
    assert 0 < compliant < len(services) == len(names)
    council = yaml.safe_load((ROOT / "manifests" / "camden" / "council.yaml").read_text(encoding="utf-8"))["name"]
    assert badge.get_attribute("alt") == (
        f"{council}: {compliant} of {len(services)} services meet every standard that applies to them"
    )
    assert tab.problems() == []


# --------------------------------------------------------------------------- hostile manifests stay inert


@pytest.mark.parametrize(
    "path",
    [
        f"/councils/{HOSTILE_COUNCIL}/",
        "/councils/",
        "/dashboard/",
        "/patterns/gov-uk-notify/",
        "/standards/accessibility/",
        "/insights/suppliers/",
        "/insights/ranking/",
        "/insights/windows/",
        "/insights/reuse/",
        "/insights/trend/",
        f"/insights/trend-councils/{HOSTILE_COUNCIL}/",
    ],
    ids=[
        "council-page",
        "councils-index",
        "dashboard",
        "pattern-page",
        "standard-page",
        "suppliers",
        "ranking",
        "windows",
        "reuse",
        "trend",
        "council-trend",
    ],
)
def test_hostile_values_render_as_text_and_never_run(tab: Tab, path: str) -> None:
    tab.open(path)
    page = tab.page
    hazards = page.evaluate(DOM_HAZARDS)
    assert hazards == [], "\n".join(hazards)
    assert page.evaluate("() => getComputedStyle(document.body).display") != "none"
    if path == f"/councils/{HOSTILE_COUNCIL}/":
        text = page.locator("article").inner_text()
        waiver = HOSTILE_SERVICE_YAML["waivers"][0]
        shown = (SCRIPT_NAME, HOSTILE_COUNCIL_YAML["name"], waiver["reason"])
        for value in (*shown, waiver["approved_by"]):
            assert value in text, f"{value!r} is not shown literally"
        # An http(s) URL with quotes in it stays one whole attribute value.
        hrefs = page.eval_on_selector_all(
            "article a[href*='example.org']", "links => links.map(a => a.getAttribute('href'))"
        )
        assert hrefs and set(hrefs) <= {HOSTILE_COUNCIL_YAML["website"], HOSTILE_SERVICE_YAML["url"]}, hrefs
    assert tab.dialogs == []
    assert tab.problems() == []


def test_searching_for_hostile_values_runs_nothing(tab: Tab) -> None:
    tab.open("/")
    results = _search(tab, "Lewes", f"/councils/{HOSTILE_COUNCIL}/")
    assert any(r["path"] == f"/councils/{HOSTILE_COUNCIL}/" for r in results), results
    assert tab.page.evaluate(DOM_HAZARDS) == []
    tab.page.locator(".md-search-result__item a").first.click()
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.evaluate(DOM_HAZARDS) == []
    assert tab.dialogs == []


def test_no_javascript_link_anywhere_in_the_built_site(site_repo: Path) -> None:
    """Every generated page, not only the ones a browser visits above."""
    import html.parser

    offenders: list[str] = []

    class Links(html.parser.HTMLParser):
        def __init__(self, where: str) -> None:
            super().__init__()
            self.where = where

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                cleaned = "".join(ch for ch in (value or "") if ord(ch) > 0x20).lower()
                if cleaned.startswith("javascript:") or name.startswith("on"):
                    offenders.append(f"{self.where}: <{tag} {name}={value!r}>")

    pages = sorted((site_repo / "build" / "site").rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        Links(str(path.relative_to(site_repo))).feed(path.read_text(encoding="utf-8"))
    assert offenders == [], "\n".join(offenders[:20])


# --------------------------------------------------------------------------- layout at two widths

SCREENSHOTS = ROOT / "build" / "screenshots"
KEY_HEADINGS = ["Compliant", "Score"]  # with each table's first column, what a table is read by
LAYOUT_PAGES = {
    "home": "/",
    "standard": "/standards/service-standard/",
    "councils": "/councils/",
    "council": "/councils/bristol/",
    "dashboard": "/dashboard/",
    "insights": "/insights/",
    "insights-reuse": "/insights/reuse/",
    "insights-hotspots": "/insights/hotspots/",
    "insights-suppliers": "/insights/suppliers/",
    "insights-windows": "/insights/windows/",
    "insights-interop": "/insights/interop/",
    "insights-trend": "/insights/trend/",
    "insights-ranking": "/insights/ranking/",
    "insights-pattern-reuse": "/insights/pattern-reuse/",
    "council-trend": "/insights/trend-councils/camden/",
    "pattern-adoption": "/insights/pattern-adoption/gov-uk-notify/",
    "describe": "/describe-a-service/",
    "service-type": "/insights/service-types/524/",
    "mergers": "/insights/mergers/",
    "merger": "/insights/mergers/cumbria-2023/",
    "api-docs": "/api/v1/docs",
}
# Each table's first column and its key columns whose right edge lies beyond what its scrolling
# box (or the window) shows: these would need a sideways scroll to read.
CLIPPED_KEY_COLUMNS = """keys => Array.from(document.querySelectorAll("article table")).flatMap(table => {
    const box = table.closest(".md-typeset__scrollwrap") || table.parentElement;
    const edge = Math.min(box.getBoundingClientRect().right, window.innerWidth) + 1;
    const head = table.tHead ? Array.from(table.tHead.rows[0].cells) : [];
    return head.filter((cell, i) => i === 0 || keys.includes(cell.textContent.trim()))
        .filter(cell => cell.getBoundingClientRect().right > edge)
        .map(cell => `${table.caption ? table.caption.textContent : table.id}: ${cell.textContent.trim()}`);
})"""


@pytest.mark.parametrize("width", [1366, 375])
@pytest.mark.parametrize("name", list(LAYOUT_PAGES))
def test_pages_read_at_both_widths(tab: Tab, name: str, width: int) -> None:
    """At 1,366 px every table's key columns show without scrolling; at 375 px nothing scrolls
    sideways (tables stack into cards). A screenshot of each is left under build/screenshots/."""
    tab.page.set_viewport_size({"width": width, "height": 900})
    tab.open(LAYOUT_PAGES[name])
    if name == "api-docs":
        tab.page.wait_for_selector(".opblock", timeout=20_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
    requests = tab.page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert all(url.startswith(tab.base) for url in requests), requests
    if width == 1366:
        assert tab.page.evaluate(CLIPPED_KEY_COLUMNS, KEY_HEADINGS) == []
    else:
        overflow = tab.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at 375 px"
        stacked = tab.page.evaluate(
            """() => Array.from(document.querySelectorAll("article table[data-stack]"))
                .map(t => [t, t.closest(".md-typeset__scrollwrap")])
                .filter(([t, box]) => box.scrollWidth > box.clientWidth + 1)
                .map(([t, box]) => t.caption ? t.caption.textContent : t.id)"""
        )
        assert stacked == [], f"tables that still scroll sideways at 375 px: {stacked}"
    assert tab.problems() == []


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/standards/service-standard/",
        "/councils/camden/",
        "/dashboard/",
        "/insights/suppliers/",
        "/insights/ranking/",
        "/insights/service-types/474/",
        "/insights/hotspots/",
        "/insights/windows/",
        "/patterns/bops/",
        "/insights/",
        "/insights/trend/",
        "/insights/trend-councils/camden/",
        "/insights/pattern-reuse/",
        "/insights/pattern-adoption/gov-uk-notify/",
        "/insights/reuse/",
        "/insights/interop/",
        "/describe-a-service/",
        "/insights/mergers/",
        "/insights/mergers/cumbria-2023/",
    ],
    ids=[
        "home",
        "standard",
        "council",
        "dashboard",
        "insights-suppliers",
        "insights-ranking",
        "service-type",
        "insights-hotspots",
        "insights-windows",
        "pattern",
        "insights-home",
        "insights-trend",
        "council-trend",
        "pattern-reuse",
        "pattern-adoption",
        "insights-reuse",
        "insights-interop",
        "describe",
        "mergers",
        "merger",
    ],
)
def test_axe_finds_no_serious_or_critical_violations(tab: Tab, path: str, scheme: str) -> None:
    # Material picks its palette from prefers-color-scheme when the page loads.
    tab.page.emulate_media(color_scheme=scheme)
    require(AXE, NPM_CI)
    tab.open(path)
    assert tab.page.get_attribute("body", "data-md-color-scheme") == {"light": "default", "dark": "slate"}[scheme]
    tab.page.add_script_tag(path=str(AXE))
    result = tab.page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        AXE_TAGS,
    )
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node.get('failureSummary', '')[:300]}" for node in v["nodes"][:8])
        for v in serious
    )
    assert not serious, f"axe-core on {path}:\n{report}"
    assert tab.problems() == []
