"""The playbook site, built for real (site/mkdocs.yml, the hook and every generator module).

Two builds per module: the shipped repository through `standards site build` (every standard,
pattern and schema page), and a small Git repository made from the MINI fixture with two
versions of its standard and a hostile manifest (version history, escaping, a fresh-clone
`mkdocs build`, and what a failed build leaves behind). No browser here: that is
test_site_browser.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import registry.playbook.common
from conftest import MINI, ROOT, run_standards
from gitrepo import commit_all, edit, init_repo

HOSTILE = """\
kind: Service
schema_version: 1
sample: true
id: hostile
name: "<script>alert(1)</script>"
description: "javascript:alert(1) <img src=x onerror=alert(3)> | not | a | table"
url: 'https://example.org/"><script>alert(2)</script>'
phase: live
channels: [web]
owner:
  team: "<b onmouseover=alert(4)>Team</b>"
  service_owner: "[click me](javascript:alert(9))"
privacy:
  handles_personal_data: true
patterns: [gov-uk-notify]
suppliers:
  - name: "<script>alert(5)</script> Ltd"
    product: "[click](javascript:alert(6))"
accessibility:
  statement_url: https://www.leeds.gov.uk/accessibility
evidence:
  DEMO-04:
    status: met
    date: 2026-03-01
    note: "<iframe src=javascript:alert(7)></iframe>"
waivers:
  - requirement: DEMO-03
    reason: "<script>alert(8)</script>"
    approved_by: "| broken | table |"
    expires: 2027-03-31
"""

NEW_REQUIREMENT = """\
  - id: DEMO-05
    title: Name a service owner
    level: should
    guidance: Someone is accountable for the service *end to end*.
    check: service.owner.service_owner != null
    field: owner.service_owner
    fix: Put the accountable officer's post in owner.service_owner.
    references:
      - title: Point 6
        url: https://www.gov.uk/service-manual/service-standard/point-6-have-a-multidisciplinary-team
"""


def _standards_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STANDARDS_INDEX", "STANDARDS_ROOT")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


class Page(HTMLParser):
    """What a built page contains: ids, h2 headings, text, scripts and attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.h2: list[str] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self._stack: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
            if name == "id" and value:
                self.ids.add(value)
        self._stack.append(tag)
        if tag == "h2":
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "script" in self._stack:
            self.scripts.append(data)
        else:
            self.text.append(data)
        if "h2" in self._stack and self.h2:
            self.h2[-1] += data

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def page(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the shipped repository


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped")
    proc = run_standards("site", "build", "--output", str(out / "site"), "--index", str(out / "index.sqlite"), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "built " in proc.stdout
    return out / "site"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_every_standard_has_a_page_with_every_requirement(shipped_site: Path) -> None:
    standards = [_load(p) for p in sorted((ROOT / "standards").glob("*.yaml"))]
    assert standards
    index = page(shipped_site, "standards")
    for standard in standards:
        built = page(shipped_site, f"standards/{standard['id']}")
        headings = [h.replace("¶", "").strip() for h in built.h2]
        for requirement in standard["requirements"]:
            assert requirement["id"].lower() in built.ids, (standard["id"], requirement["id"])
            assert f"{requirement['id']} {requirement['title']}" in headings
        assert "versions" in built.ids
        assert standard["version"] in built.all_text
        assert standard["title"] in index.all_text


def test_every_pattern_has_a_page_linking_its_requirements(shipped_site: Path) -> None:
    patterns = [_load(p) for p in sorted((ROOT / "standards" / "patterns").glob("*.yaml"))]
    assert patterns
    catalogue = page(shipped_site, "patterns").all_text
    for pattern in patterns:
        built = page(shipped_site, f"patterns/{pattern['id']}")
        assert pattern["name"] in catalogue
        hrefs = {value for tag, name, value in built.attributes if tag == "a" and name == "href"}
        for requirement in pattern.get("helps_meet", []):
            assert any(h.endswith(f"#{requirement.lower()}") for h in hrefs), (pattern["id"], requirement)
        assert "Councils and services using it" in built.all_text


def test_schema_reference_lists_every_manifest_field(shipped_site: Path) -> None:
    service = page(shipped_site, "schema/service").all_text
    for field in ("service.name", "service.owner.team", "service.suppliers[].name", "service.waivers[].expires"):
        assert field in service
    assert "council.gss_code" in page(shipped_site, "schema/council").all_text
    assert "standard.requirements[].level" in page(shipped_site, "schema/standard").all_text


def test_search_finds_standards_requirements_and_patterns(shipped_site: Path) -> None:
    docs = json.loads((shipped_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {d["location"] for d in docs}
    titles = " ".join(d["title"] for d in docs)
    assert "standards/accessibility/#acc-01" in locations
    assert "ACC-01 Publish an accessibility statement" in titles
    assert "patterns/gov-uk-notify/" in locations
    # The bulky adopters table is an html_block: on the page, not in the search index.
    notify = next(d for d in docs if d["location"] == "patterns/gov-uk-notify/#councils-and-services-using-it")
    assert "../../councils/" not in notify["text"]


# --------------------------------------------------------------------------- a small repository with history


def test_the_page_chrome_is_the_registrys_own(shipped_site: Path) -> None:
    """A public body's site: the registry named in the header, licences and the sample-data notice in
    the footer, no framework credit, and GOV.UK's yellow focus state in the style sheet."""
    home = (shipped_site / "index.html").read_text(encoding="utf-8")
    assert "Local digital standards registry" in home.split("</header>")[0]
    footer = home.split("<footer")[1]
    for words in ("Open Government Licence", "mySociety (CC BY 4.0)", "sample data"):
        assert words in footer, words
    assert "Made with" not in home and "squidfunk" not in home
    css = (shipped_site / "assets" / "extra.css").read_text(encoding="utf-8")
    assert "--sg-yellow: #ffdd00" in css and "focus-visible" in css


@pytest.fixture(scope="module")
def small_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MINI as a Git repository with the site and schemas, its standard at two versions, and a
    hostile manifest."""
    repo = init_repo(tmp_path_factory.mktemp("small") / "repo", MINI)
    shutil.copytree(ROOT / "site", repo / "site", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    (repo / "manifests" / "leeds" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    commit_all(repo, "site and a hostile manifest", date="2026-02-01T10:00:00+00:00")
    standard = repo / "standards" / "demo.yaml"
    edit(standard, "version: 2.1.0", "version: 2.2.0")
    standard.write_text(standard.read_text(encoding="utf-8") + NEW_REQUIREMENT, encoding="utf-8")
    commit_all(repo, "demo 2.2.0: DEMO-05", date="2026-03-01T10:00:00+00:00")
    return repo


@pytest.fixture(scope="module")
def small_site(small_repo: Path) -> Path:
    proc = run_standards("site", "build", cwd=small_repo)
    assert proc.returncode == 0, proc.stderr
    return small_repo / "build" / "site"


def test_version_history_lists_each_version_and_what_changed(small_site: Path) -> None:
    built = page(small_site, "standards/demo")
    text = built.all_text
    assert "2.1.0" in text and "2.2.0" in text
    assert "Added: DEMO-05" in text
    assert "2026-03-01" in text and "Test Author" in text
    assert "demo-05" in built.ids
    # Guidance is the maintainers' Markdown, so it is rendered.
    assert "<em>end to end</em>" in (small_site / "standards" / "demo" / "index.html").read_text(encoding="utf-8")


def test_services_meeting_a_requirement_are_counted(small_site: Path, small_repo: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(small_repo / "build" / "index.sqlite")
    outcomes = [row[0] for row in conn.execute("SELECT outcomes FROM service_standards WHERE standard_id = 'demo'")]
    conn.close()
    # DEMO-01 is the first requirement: its letter comes first in each outcome string.
    passed = sum(1 for o in outcomes if o[0] == "P")
    applicable = sum(1 for o in outcomes if o[0] != "N")
    assert applicable >= 2
    assert f"{passed} of {applicable} applicable sample services meet it" in page(small_site, "standards/demo").all_text


def _unsafe(site: Path) -> list[str]:
    problems = []
    for path in site.rglob("*.html"):
        built = Page(path.read_text(encoding="utf-8"))
        where = path.relative_to(site)
        problems += [f"{where}: script {s[:60]!r}" for s in built.scripts if "alert(" in s]
        for tag, name, value in built.attributes:
            if name.startswith("on"):
                problems.append(f"{where}: <{tag} {name}=...>")
            if value.strip().lower().startswith(("javascript:", "data:")):
                problems.append(f"{where}: <{tag} {name}={value[:40]!r}>")
            if "alert(" in value and not (name == "href" and value.startswith("https://example.org/")):
                problems.append(f"{where}: <{tag} {name}={value[:40]!r}>")
    return problems


def test_manifest_values_are_escaped_everywhere(small_site: Path) -> None:
    assert _unsafe(small_site) == []
    notify = page(small_site, "patterns/gov-uk-notify")
    assert "<script>alert(1)</script>" in notify.all_text  # shown as text, not run
    assert "sample" in notify.all_text.lower()
    html_files = [p.read_text(encoding="utf-8") for p in small_site.rglob("*.html")]
    assert not any("<script>alert(" in html for html in html_files)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in html for html in html_files)


def test_a_plain_mkdocs_build_works_on_a_fresh_clone(small_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(small_repo), str(clone)], check=True, capture_output=True)
    assert not (clone / "build").exists()
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "-f", "site/mkdocs.yml", "--strict"],
        cwd=clone,
        env=_standards_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (clone / "build" / "index.sqlite").is_file()
    assert "demo-05" in page(clone / "build" / "site", "standards/demo").ids
    assert not (clone / "site" / "site").exists()


def test_a_broken_link_fails_cleanly_and_keeps_the_old_site(small_repo: Path, small_site: Path) -> None:
    before = (small_site / "index.html").read_bytes()
    broken = small_repo / "site" / "docs" / "broken.md"
    broken.write_text("# Broken\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
    try:
        proc = run_standards("site", "build", cwd=small_repo)
    finally:
        broken.unlink()
    assert proc.returncode == 2
    assert "missing.md" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (small_site / "index.html").read_bytes() == before
    assert not (small_site / "broken").exists()
    assert sorted(p.name for p in small_site.parent.iterdir() if p.name.startswith(".")) == []


def test_an_output_that_is_not_a_built_site_is_never_replaced(small_repo: Path, small_site: Path) -> None:
    """The build swaps in a whole folder: `--output .` must not rename the repository away (and then
    delete it), and a pipe or device must not be replaced by a folder (a FIFO stands in for /dev/null)."""
    fifo = small_repo / "site.pipe"
    os.mkfifo(fifo)
    try:
        for output, complaint in (
            (".", "not a site built by `standards site build`"),
            ("standards", "not a site built by `standards site build`"),
            (str(fifo), "not a folder"),
            ("standards/demo.yaml", "not a folder"),
        ):
            proc = run_standards("site", "build", "--output", output, cwd=small_repo)
            assert proc.returncode == 2, output
            assert complaint in proc.stderr, proc.stderr
            assert "Traceback" not in proc.stderr
        assert fifo.is_fifo()
        assert (small_repo / "standards" / "demo.yaml").is_file()
        # A site this command built is replaced as before.
        assert (small_site / ".standards-site").is_file()
        assert run_standards("site", "build", cwd=small_repo).returncode == 0
    finally:
        fifo.unlink()


# --------------------------------------------------------------------------- the escaping helpers


@pytest.fixture(scope="module")
def common() -> ModuleType:
    return registry.playbook.common


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "//evil.example", ""],
)
def test_only_http_urls_become_links(common: ModuleType, url: str) -> None:
    assert common.safe_url(url) is None
    assert "<a" not in common.link(url, "<b>x</b>")
    assert "&lt;b&gt;" in common.link(url, "<b>x</b>")


def test_link_escapes_an_https_url_and_its_text(common: ModuleType) -> None:
    html = common.link('https://example.org/"><script>', "<i>name</i>")
    assert html == '<a href="https://example.org/&quot;&gt;&lt;script&gt;">&lt;i&gt;name&lt;/i&gt;</a>'


def test_md_cell_keeps_a_value_inside_its_cell(common: ModuleType) -> None:
    cell = common.md_cell("a | b\n[x](javascript:y) <s>")
    assert "\n" not in cell and "| " not in cell.replace("\\|", "")
    assert "<s>" not in cell and "\\[x\\]" in cell


def test_placeholder_is_an_html_comment(common: ModuleType) -> None:
    assert common.placeholder("services") == "<!--sitegen:services-->"
    with pytest.raises(ValueError):
        common.placeholder("a--b")
