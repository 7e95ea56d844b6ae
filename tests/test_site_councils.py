"""The site's council pages, badges, dashboard and charts (registry/playbook).

Figures are checked against the registry API's own roll-ups over the same index, and escaping
against an index built from a hostile manifest.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import shutil
import sqlite3
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

import registry.playbook.charts
import registry.playbook.common
import registry.playbook.councils
import registry.playbook.dashboard
import registry.playbook.line_chart
from checks.results import Outcome, RequirementResult, WaiverNote
from conftest import AS_OF, ROOT, chromium
from sitegen import site_context

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def shipped(shipped_index: Path) -> dict[str, Any]:
    """Every page and asset the council and dashboard modules make from the shipped index, by path."""
    ctx = site_context(shipped_index)
    out = [*registry.playbook.councils.pages(ctx), *registry.playbook.dashboard.pages(ctx)]
    by_path = {item.path: item for item in out}
    assert len(by_path) == len(out), "two pages or assets share a path"
    return by_path


@pytest.fixture(scope="module")
def db(shipped_index: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{shipped_index}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def _html(page: Any, placeholder: Any) -> str:
    """The page as MkDocs will serve it, less Markdown rendering: every html_block put in place."""
    text: str = page.markdown
    for token, block in page.html_blocks.items():
        assert token.startswith("<!--sitegen:"), token
        alone = re.search(rf"(^|\n\n){re.escape(token)}(\n\n|\n?$)", text)
        assert alone, f"{page.path}: placeholder {token} is not on a line of its own"
        text = text.replace(token, block)
    return text


class _Tables(HTMLParser):
    """Each <table>'s id, caption and rows of cell text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"id": dict(attrs).get("id"), "caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.tables[-1]["caption"] += data


def _tables(html_text: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html_text)
    return {t["id"]: t["rows"][1:] for t in parser.tables if t["id"]}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html_text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html_text)
    return parser.tags


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --------------------------------------------------------------------------- badges


def test_every_council_has_a_badge_with_its_numbers(shipped: dict[str, Any], db: sqlite3.Connection) -> None:
    councils = db.execute(
        """SELECT c.id, c.name, count(s.key) AS services, coalesce(sum(s.compliant), 0) AS compliant
           FROM councils c LEFT JOIN services s ON s.council_id = c.id GROUP BY c.id"""
    ).fetchall()
    assert len(councils) >= 7
    for c in councils:
        svg = ET.fromstring(shipped[f"badges/{c['id']}.svg"].content)
        assert svg.tag == f"{SVG}svg"
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None
        expected = f"{c['compliant']}/{c['services']} compliant" if c["services"] else "no services"
        assert title.text == f"{c['name']}: standards: {expected}"
        texts = [t.text for t in svg.iter(f"{SVG}text")]
        assert texts == ["standards", expected]


def test_badge_colour_follows_the_share_and_keeps_contrast() -> None:
    councils = registry.playbook.councils
    fills = {
        share: ET.fromstring(councils.badge_svg(share, 10)).findall(f"{SVG}rect")[1].get("fill")
        for share in (10, 8, 5, 4, 0)
    }
    assert fills[10] == fills[8] != fills[5] != fills[4] == fills[0]
    assert ET.fromstring(councils.badge_svg(0, 0)).find(f"{SVG}title").text == "standards: no services"  # type: ignore[union-attr]
    for colour in [councils.BADGE_LABEL, *(c for _floor, c in councils.BADGE_COLOURS)]:
        assert _contrast(colour, "#ffffff") >= 4.5, colour


def test_chart_colours_meet_wcag_contrast() -> None:
    charts = registry.playbook.charts
    line_chart = registry.playbook.line_chart
    assert _contrast(charts.TEXT, charts.BACKGROUND) >= 4.5
    for graphic in (charts.BAR, charts.PASS, charts.FAIL_LINE, charts.AXIS, *line_chart.LINE_COLOURS):
        assert _contrast(graphic, charts.BACKGROUND) >= 3.0, graphic


# --------------------------------------------------------------------------- council pages


def test_council_page_lists_services_failures_fixes_and_waivers(
    shipped: dict[str, Any], db: sqlite3.Connection
) -> None:
    common = registry.playbook.common
    page = shipped["councils/kent.md"]
    html_text = _html(page, common.placeholder)
    assert page.markdown.startswith("# Kent County Council\n")
    assert common.SAMPLE_NOTICE in page.markdown
    assert "E10000016" in page.markdown and "| Register code | KEN |" in page.markdown
    assert '<a href="http://www.kent.gov.uk">' in page.markdown
    services = db.execute("SELECT id, name, compliant FROM services WHERE council_id = 'kent' ORDER BY key").fetchall()
    assert len(services) >= 2
    compliant = sum(s["compliant"] for s in services)
    assert 0 < compliant < len(services)
    alt = f"Kent County Council: {compliant} of {len(services)} services meet every standard that applies to them"
    assert f'<img src="../../badges/kent.svg" alt="{alt}" ' in html_text
    table = _tables(html_text)["services-table"]
    assert sorted(row[0] for row in table) == sorted(s["name"] for s in services)
    by_name = {s["name"]: s for s in services}
    for row in table:
        service = by_name[row[0]]
        musts, shoulds = db.execute(
            "SELECT sum(failed_must), sum(failed_should) FROM service_standards WHERE service_key = ?",
            (f"kent/{service['id']}",),
        ).fetchone()
        assert row[1:4] == ["Yes" if service["compliant"] else "No", str(musts or 0), str(shoulds or 0)], row
        # Only the facts are searchable: the services are injected after Markdown and search.
        assert common.esc(service["name"]) not in page.markdown

    failing = db.execute(
        """SELECT f.service_key, f.requirement_id, f.says, r.fix FROM findings f
           JOIN requirement_versions r ON r.requirement_id = f.requirement_id AND r.standard_id = f.standard_id
                AND r.version = f.version
           WHERE f.service_key LIKE 'kent/%' AND f.outcome = 'fail'"""
    ).fetchall()
    assert failing, "the sample data has failing Kent services"
    names = {f"kent/{s['id']}": common.esc(s["name"]) for s in services}
    for f in failing:
        rid, name = f["requirement_id"], names[f["service_key"]]
        ident = "attestations" if rid.endswith("-ATTESTED") else f"fix-{rid.lower()}"
        found = re.findall(rf'<section class="[^"]*sitegen-fix" id="{re.escape(ident)}">.*?</section>', html_text, re.S)
        assert len(found) == 1, rid
        lines = [li for li in re.findall(r"<li>.*?</li>", found[0], re.S) if name in li]
        assert lines and common.esc(f["says"]) in lines[0], (rid, name)
        fix = common.esc(f["fix"])
        prose = re.sub(r"</?code>", "`", found[0])
        assert f"<p><strong>How to fix:</strong> {fix}</p>" in prose, rid
        if not rid.endswith("-ATTESTED"):
            assert 'href="../../standards/' in found[0] and f'/#{rid.lower()}"' in found[0]

    # Waivers, across every council: the sample data has active and expired ones.
    waivers = db.execute("SELECT w.*, s.name FROM waivers w JOIN services s ON s.key = w.service_key").fetchall()
    assert {w["active"] for w in waivers} == {0, 1}
    for w in waivers:
        council = w["service_key"].split("/", 1)[0]
        council_html = _html(shipped[f"councils/{council}.md"], common.placeholder)
        listed = council_html.split("## Waivers", 1)[1].split("## About", 1)[0]
        expires = dt.date.fromisoformat(w["expires"])
        when = f"{expires.day} {expires:%B %Y}"
        state = f"active until {when}" if w["active"] else f"<strong>expired</strong> on {when}"
        assert f"{state}, approved by {common.esc(w['approved_by'])}. {common.esc(w['reason'])}" in listed
        assert f"<li><strong>{common.esc(w['name'])}</strong>, " in listed
        if not w["active"]:
            # The failing finding names the service with the waiver that expired.
            assert (
                f"{common.esc(w['name'])} (its waiver, approved by {common.esc(w['approved_by'])}, expired on {when})"
                in (council_html)
            )


_EXPIRED = WaiverNote("Head of Digital", dt.date(2025, 12, 31), "Being rewritten")


@pytest.mark.parametrize(
    ("outcome", "says", "waiver", "shown"),
    [
        (Outcome.FAIL, "The WCAG level is recorded as A.", None, "<li>The WCAG level is recorded as A. (Bins)</li>"),
        (
            Outcome.FAIL,
            "No statement is recorded.",
            _EXPIRED,
            "<li>No statement is recorded. (Bins (its waiver, approved by Head of Digital, expired on "
            "31 December 2025))</li>",
        ),
        (Outcome.FAIL, "", None, "<li>The manifest does not meet this requirement. (Bins)</li>"),
        (Outcome.FAIL, "x <b>&amp;</b>", None, "<li>x &lt;b&gt;&amp;amp;&lt;/b&gt; (Bins)</li>"),
        (Outcome.ERROR, "", None, "<li>The registry could not check this requirement. (Bins)</li>"),
    ],
)
def test_a_finding_shows_what_the_result_says(
    shipped_index: Path, outcome: Outcome, says: str, waiver: WaiverNote | None, shown: str
) -> None:
    # The line is the result's `says` field (never its detail or message cut apart), escaped, then the service.
    from registry.playbook.council_data import load_site
    from registry.playbook.council_findings import CouncilFindings

    site = load_site(site_context(shipped_index))
    (std, version, rid), req = next(iter(site.requirements.items()))
    findings = CouncilFindings(site)
    detail = "accessibility.wcag_level: A"
    findings.add(
        "Bins", RequirementResult(rid, std, version, req.title, req.level, outcome, detail, waiver, None, 3, 4, says)
    )
    html_text = findings.render({std: [1, 0]})
    assert shown in html_text
    assert detail not in html_text


def test_hostile_manifest_values_are_escaped(tmp_path: Path) -> None:
    from registry.index.build import build_index

    tree = tmp_path / "repo"
    shutil.copytree(ROOT / "standards", tree / "standards")
    shutil.copytree(ROOT / "manifests" / "kent", tree / "manifests" / "kent")
    source = (ROOT / "manifests" / "kent" / "school-admissions.yaml").read_text()
    hostile = source.replace("id: school-admissions", "id: hostile").replace(
        "name: Apply for a secondary school place", "name: <script>alert(1)</script>"
    )
    hostile = re.sub(r"(\n    reason: )>-\n(?:      .*\n)+", r"\1'<img src=x onerror=alert(2)>'\n", hostile, count=1)
    assert "<script>alert(1)</script>" in hostile and "onerror" in hostile
    (tree / "manifests" / "kent" / "hostile.yaml").write_text(hostile)
    index = tmp_path / "index.sqlite"
    build_index(tree, index, dt.date.fromisoformat(AS_OF), jobs=1)
    with sqlite3.connect(index) as conn:
        assert conn.execute("SELECT name FROM services WHERE id = 'hostile'").fetchone() == (
            "<script>alert(1)</script>",
        )
        assert conn.execute("SELECT count(*) FROM waivers WHERE reason LIKE '%onerror%'").fetchone() == (1,)
        # The models only accept https service URLs; the pages must not trust that, so plant the
        # URLs a validator might one day let through straight into the index.
        conn.execute("UPDATE services SET url = ' JavaScript:alert(1)' WHERE id = 'hostile'")
        conn.execute("UPDATE councils SET website = 'javascript:alert(3)' WHERE id = 'kent'")
        # `check` holds a council's name to the register's, so a hostile one is planted here too.
        conn.execute("""UPDATE councils SET name = 'Kent <b>&</b> "Co"' WHERE id = 'kent'""")

    ctx = site_context(index, tree)
    out = {p.path: p for p in [*registry.playbook.councils.pages(ctx), *registry.playbook.dashboard.pages(ctx)]}
    place = registry.playbook.common.placeholder
    for path, item in out.items():
        text = _html(item, place) if hasattr(item, "markdown") else item.content.decode()
        assert "<script>alert" not in text, path
        assert "<img src=x" not in text, path
        assert "<b>&</b>" not in text, path
        for tag, attrs in _tags(text):
            assert tag != "b", path
            assert not any((v or "").strip().lower().startswith("javascript:") for v in attrs.values()), path
            assert tag != "script" or attrs.get("src") == "../assets/sitegen/filter-table.js", path
    page = _html(out["councils/kent.md"], place)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "# Kent &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;" in page
    assert "| Website | javascript:alert\\(3\\) |" in page  # shown as text, not a link
    badge = ET.fromstring(out["badges/kent.svg"].content)
    assert badge.find(f"{SVG}title").text.startswith('Kent <b>&</b> "Co": standards: ')  # type: ignore[union-attr]


# --------------------------------------------------------------------------- dashboard and charts


def _chart_values(html_text: str, chart_id: str) -> list[str]:
    """The values printed beside each bar of one chart: "12.5% (1 of 8)"."""
    svg = re.search(rf'<svg [^>]*aria-labelledby="{chart_id}-title {chart_id}-desc".*?</svg>', html_text, re.S)
    assert svg is not None, chart_id
    root = ET.fromstring(svg.group(0))
    return [t.text or "" for t in root.iter(f"{SVG}text") if re.fullmatch(r"[\d.]+% \(\d+ of \d+\)", t.text or "")]


@pytest.mark.parametrize(
    ("ident", "route"),
    [
        ("standard", "/api/v1/compliance/by-standard"),
        ("type", "/api/v1/compliance/by-council-type"),
        ("region", "/api/v1/compliance/by-region"),
        ("nation", "/api/v1/compliance/by-nation"),
    ],
)
def test_dashboard_group_figures_equal_the_api_roll_ups(
    shipped: dict[str, Any], api: Any, ident: str, route: str
) -> None:
    html_text = _html(shipped["dashboard/index.md"], registry.playbook.common.placeholder)
    rows = _tables(html_text)[f"table-{ident}"]
    groups = api.get(f"{route}?limit=500&sort=group").json()["items"]
    assert len(groups) > 1
    expected = [
        [g["name"], str(g["services"]), str(g["compliant"]), _pct(g["compliant"], g["services"]), str(g["failed_must"])]
        for g in groups
    ]
    assert [[*r[:4], r[5]] for r in rows] == expected
    # The API rounds the mean score to 4 places and the page to 0.1%: equal within that rounding.
    for row, g in zip(rows, groups, strict=True):
        assert abs(float(row[4].removesuffix("%")) - 100 * g["score"]) <= 0.05 + 1e-9
    values = _chart_values(html_text, f"chart-{ident}")
    assert values == [f"{r[3]} ({r[2]} of {r[1]})" for r in rows]


def test_dashboard_requirements_equal_the_api_ranking(shipped: dict[str, Any], api: Any) -> None:
    page = shipped["dashboard/index.md"]
    html_text = _html(page, registry.playbook.common.placeholder)
    tables = _tables(html_text)
    ranking = api.get("/api/v1/compliance/requirements?limit=500").json()["items"]
    expected = {
        r["requirement"]: [r["requirement"], r["title"], r["level"], str(r["failing"]), str(r["checked"])]
        for r in ranking
    }
    everything = tables["table-requirements-all"]
    assert {r[0]: r[:5] for r in everything} == expected
    assert [int(r[3]) for r in everything] == sorted((int(r[3]) for r in everything), reverse=True)
    for row in everything:
        assert row[5] == _pct(int(row[3]), int(row[4]))
    top = tables["table-requirements-top"]
    assert top == [r for r in everything if int(r[3])][: registry.playbook.dashboard.TOP_REQUIREMENTS]
    assert _chart_values(html_text, "chart-requirements") == [f"{r[5]} ({r[3]} of {r[4]})" for r in top]
    assert registry.playbook.common.SAMPLE_NOTICE in page.markdown
    assert "## How the figures are computed" in page.markdown


def test_chart_is_accessible_escaped_and_deterministic() -> None:
    charts = registry.playbook.charts
    bars = [charts.Bar("<script>x</script> & co", 3, 4), charts.Bar("Empty", 0, 0), charts.Bar("All", 5, 5)]
    svg = charts.bar_chart("c1", "A <title>", "Desc & more", bars, stacked=True)
    assert svg == charts.bar_chart("c1", "A <title>", "Desc & more", bars, stacked=True)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    first, second = (root.get("aria-labelledby") or "").split()
    assert ids[first].tag == f"{SVG}title" and ids[first].text == "A <title>"
    assert ids[second].tag == f"{SVG}desc" and ids[second].text == "Desc & more"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<script>x</script> & co" in texts
    assert {"75.0% (3 of 4)", "– (0 of 0)", "100.0% (5 of 5)", "compliant", "not compliant"} <= set(texts)
    table = charts.data_table("Cap <i>", ["Label", "N"], [[b.label, b.part] for b in bars], numeric=(1,))
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in table and "<script>" not in table
    assert "Cap &lt;i&gt;" in table


def test_line_chart_names_each_line_and_gives_every_value() -> None:
    line_chart = registry.playbook.line_chart
    lines = [
        line_chart.Series("<b>Basics</b> & co", (0.0, None, 50.0, 100.0)),
        line_chart.Series("Demo", (100.0, 100.0, 75.0, 60.0)),
    ]
    svg = line_chart.line_chart(
        "t1", "Rates <title>", "Desc & more", ["2026-01", "2026-02", "2026-03", "2026-04"], lines, y_max=100, y_unit="%"
    )
    assert svg == line_chart.line_chart(
        "t1", "Rates <title>", "Desc & more", ["2026-01", "2026-02", "2026-03", "2026-04"], lines, y_max=100, y_unit="%"
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    first, second = (root.get("aria-labelledby") or "").split()
    assert ids[first].text == "Rates <title>" and ids[second].text == "Desc & more"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"<b>Basics</b> & co", "Demo", "2026-01", "2026-04", "0%", "50%", "100%"} <= set(texts)
    # Every point says its value; the month without a value breaks the line in two.
    tips = [t.text for t in root.iter(f"{SVG}title")][1:]
    assert "<b>Basics</b> & co: 50%" in tips and "Demo: 75%" in tips and "<b>Basics</b> & co: 0%" in tips
    basics = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == line_chart.LINE_COLOURS[0]]
    assert len(basics) == 1 and len((basics[0].get("points") or "").split()) == 2  # March and April only
    # Told apart without colour: no two of the first 16 lines share both their dash and their marker.
    styles = {(dash, marker) for _, dash, marker in (line_chart._style(n) for n in range(16))}
    assert len(styles) == 16


# --------------------------------------------------------------------------- the filter, in a real browser


def test_filter_script_filters_the_councils_table(
    shipped: dict[str, Any], db: sqlite3.Connection, tmp_path: Path
) -> None:
    executable = chromium()
    councils = db.execute("SELECT id, name, type, nation, region FROM councils ORDER BY id").fetchall()
    total = len(councils)

    def names(keep: Any) -> list[str]:
        return [c["name"] for c in councils if keep(c)]

    south_east = names(lambda c: "south east" in f"{c['name']} {c['region']} {c['id']}".lower())
    assert len(south_east) >= 2, "the sample data has several councils in the South East"
    kind = db.execute("SELECT type FROM councils WHERE name = ?", (south_east[-1],)).fetchone()[0]
    page = shipped["councils/index.md"]
    (tmp_path / "councils").mkdir()
    (tmp_path / "councils" / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Councils</title></head>'
        f"<body><main>{page.html_blocks[registry.playbook.common.placeholder('councils')]}</main></body></html>"
    )
    asset = shipped["assets/sitegen/filter-table.js"]
    (tmp_path / "assets" / "sitegen").mkdir(parents=True)
    (tmp_path / "assets" / "sitegen" / "filter-table.js").write_bytes(asset.content)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(executable), args=["--headless", "--no-sandbox"])
            tab = browser.new_page()
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/councils/")
            status = tab.get_by_role("status")
            visible = tab.locator("#councils-table tbody tr:visible th")
            text_box = tab.get_by_label("Name or region contains")
            assert status.inner_text() == f"{total} of {total} councils shown"
            text_box.fill("South East")
            assert visible.all_inner_texts() == south_east
            assert status.inner_text() == f"{len(south_east)} of {total} councils shown"
            tab.get_by_label("Council type").select_option(kind)
            expected = names(lambda c: c["name"] in south_east and c["type"] == kind)
            assert expected and visible.all_inner_texts() == expected
            text_box.fill("")
            tab.get_by_label("Nation").select_option("Wales")
            expected = names(lambda c: c["nation"] == "Wales" and c["type"] == kind)
            assert status.inner_text() == f"{len(expected)} of {total} councils shown"
            tab.get_by_label("Council type").select_option("")
            wales = names(lambda c: c["nation"] == "Wales")
            assert wales and visible.all_inner_texts() == wales
            # Keyboard: Enter in the text box must not submit (and reload) the page.
            text_box.press("Enter")
            assert status.inner_text() == f"{len(wales)} of {total} councils shown"
            browser.close()
    finally:
        server.shutdown()
    assert errors == []
