"""The site's Insights section (registry/playbook/insights/) and its links from pattern
and council pages.

Every figure on the pages is checked against registry.insights.figures over
the same index; the HHI against the definition the page states, recomputed here from the raw
supplier rows; escaping against an index built from manifests naming a hostile supplier and
product; the trend against registry.insights.trend over a real temporary Git repository.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from posixpath import normpath
from typing import Any
from urllib.parse import urljoin, urlsplit

import markdown
import pytest

import registry.playbook.councils
import registry.playbook.insights
import registry.playbook.patterns
from conftest import AS_OF, MINI, ROOT
from gitrepo import ENV, commit_all, init_repo
from registry.insights import figures as ins
from registry.insights import suppliers
from registry.insights.trend import compliance_trend
from sitegen import connect, site_context

FIGURE_PAGES = ("index", "reuse", "hotspots", "suppliers", "ranking", "windows", "interop", "trend")
# The extensions site/mkdocs.yml turns on, so escaping is checked on Markdown as MkDocs renders it.
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]


def _render(page: Any) -> str:
    """The page's body as MkDocs makes it: its Markdown rendered, then every html_block put in place."""
    text = markdown.markdown(page.markdown, extensions=EXTENSIONS)
    for token, block in page.html_blocks.items():
        assert token in text, f"{page.path}: placeholder {token} did not survive Markdown"
        text = text.replace(token, block, 1)
    return text


class _Parsed(HTMLParser):
    """A page's tables (by id: rows of cell text), its links and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "table":
            self._table = self.tables.setdefault(values.get("id") or f"anonymous-{len(self.tables)}", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def body(self, table: str) -> list[list[str]]:
        """A table's rows without its header row."""
        return self.tables[table][1:]

    @property
    def all_text(self) -> str:
        return " ".join("".join(self.text).split())


@pytest.fixture(scope="module")
def db(shipped_index: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(shipped_index)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def site(shipped_index: Path) -> dict[str, Any]:
    """Every page the insights, pattern and council modules make from the shipped index, by path."""
    ctx = site_context(shipped_index, ROOT)
    out = [
        *registry.playbook.insights.pages(ctx),
        *registry.playbook.patterns.pages(ctx),
        *registry.playbook.councils.pages(ctx),
    ]
    pages = {item.path: item for item in out if hasattr(item, "markdown")}
    assert len(pages) == len([item for item in out if hasattr(item, "markdown")]), "two pages share a path"
    return pages


@pytest.fixture(scope="module")
def parsed(site: dict[str, Any]) -> dict[str, _Parsed]:
    return {path: _Parsed(_render(page)) for path, page in site.items() if path.startswith("insights/")}


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _type(label: str, lgsl: int) -> str:
    return f"{label} (LGSL {lgsl})"


# --------------------------------------------------------------------------- the figures


def test_every_figure_page_and_every_service_type_page_exists(site: dict[str, Any], db: sqlite3.Connection) -> None:
    for name in FIGURE_PAGES:
        assert f"insights/{name}.md" in site, name
    types = [r[0] for r in db.execute("SELECT DISTINCT lgsl FROM services WHERE lgsl IS NOT NULL")]
    assert len(types) > 10
    for lgsl in types:
        assert f"insights/service-types/{lgsl}.md" in site, lgsl
    # The figure pages (not the per-type ones) sit in the navigation beside insights/index.md.
    assert all(site[f"insights/{n}.md"].in_nav for n in FIGURE_PAGES if n != "index")
    assert not any(p.in_nav for path, p in site.items() if path.startswith("insights/service-types/"))


def test_tables_over_every_service_type_list_their_first_rows_and_an_index_links_every_type(
    shipped_index: Path, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 400 councils a table of every service type has 1,500 rows: each lists its first LISTED and says so,
    and insights/service-types/ links every type's page instead (issue 15: no page over 500 KB)."""
    from registry.playbook.insights import data, hotspots, reuse, windows
    from registry.playbook.insights import suppliers as supplier_page

    for module in (data, hotspots, reuse, supplier_page, windows, registry.playbook.patterns):
        monkeypatch.setattr(module, "LISTED", 3)
    built = {
        p.path: p for p in registry.playbook.insights.pages(site_context(shipped_index, ROOT)) if hasattr(p, "markdown")
    }
    reuse_all = ins.reuse_by_service_type(db)
    assert len(reuse_all) > 3
    page = _Parsed(_render(built["insights/reuse.md"]))
    assert [r[0] for r in page.body("table-reuse")] == [_type(r.label, r.lgsl) for r in reuse_all[:3]]
    assert f"The table lists the first 3 of {len(reuse_all)} service types" in built["insights/reuse.md"].markdown
    for path, table in (
        ("insights/hotspots.md", "table-hotspots"),
        ("insights/suppliers.md", "table-types"),
        ("insights/windows.md", "table-windows-type"),
    ):
        assert len(_Parsed(_render(built[path])).body(table)) <= 3, path
        assert "](service-types/index.md)" in built[path].markdown, path
    notify = next(p for p in registry.playbook.patterns.pages(site_context(shipped_index, ROOT)) if "notify" in p.path)
    assert len(re.findall(r'href="\.\./\.\./insights/service-types/\d+/"', _render(notify))) == 3
    index = _render(built["insights/service-types/index.md"])
    assert sorted(int(n) for n in re.findall(r'href="(\d+)/"', index)) == sorted(r.lgsl for r in reuse_all)


def test_index_links_every_figure_and_the_section_is_wired_in(site: dict[str, Any]) -> None:
    index = site["insights/index.md"].markdown
    for name in FIGURE_PAGES[1:]:
        assert f"]({name}.md)" in index, name
    assert "no single council" in index.lower() or "none of them can see alone" in index
    assert "insights/index.md" in (ROOT / "site" / "mkdocs.yml").read_text(encoding="utf-8")
    from registry.playbook import hooks

    assert registry.playbook.insights in hooks.GENERATORS


def test_reuse_table_matches_registry_insights(parsed: dict[str, _Parsed], db: sqlite3.Connection) -> None:
    reuse = ins.reuse_by_service_type(db)
    rows = parsed["insights/reuse.md"].body("table-reuse")
    assert len(rows) == len(reuse)
    for row, r in zip(rows, reuse, strict=True):
        top = r.top_solution
        assert row == [
            _type(r.label, r.lgsl),
            r.function or "–",
            str(r.councils),
            str(r.services),
            str(r.solutions),
            str(r.services_without_solution),
            top.name if top else "–",
            top.kind if top else "–",
            str(top.councils) if top else "–",
            _rate(top.compliance_rate) if top else "–",
            _rate(top.musts_met_rate) if top else "–",
            str(len(r.patterns)),
        ]
    assert any(r.top_solution and r.top_solution.councils >= 2 for r in reuse), "the sample data shows reuse"
    # Each service type links to its page.
    hrefs = parsed["insights/reuse.md"].hrefs
    for r in reuse:
        assert f"../service-types/{r.lgsl}/" in hrefs, r.lgsl


def test_hotspots_table_matches_registry_insights(parsed: dict[str, _Parsed], db: sqlite3.Connection) -> None:
    spots = ins.duplication_hotspots(db)
    assert spots, "the sample data has a hotspot"
    page = parsed["insights/hotspots.md"]
    assert page.body("table-hotspots") == [
        [
            _type(h.label, h.lgsl),
            h.function or "–",
            str(h.councils),
            str(h.services),
            str(h.solutions),
            str(h.shared_solutions),
            str(h.separate_councils),
            str(h.councils_without_solution),
        ]
        for h in spots
    ]
    names = dict(db.execute("SELECT id, name FROM councils").fetchall())
    kinds = {"pattern": "Solution pattern", "product": "Supplier product", "in_house": "In-house build"}
    for h in spots:  # which councils share each solution, beside the sentence saying so
        assert h.text in page.all_text
        assert page.body(f"table-hotspot-{h.lgsl}") == [
            [s.name, kinds[s.kind], str(s.councils), ", ".join(names[c] for c in s.council_ids)] for s in h.by_solution
        ]


def _markets_by_hand(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, int, float, float]]:
    """Per (service type, role): services, councils, HHI and top-3 share from the raw supplier rows, as the
    page defines them (a service with k suppliers in one role counts 1/k to each)."""
    named: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for key, lgsl, name, role in db.execute(
        "SELECT s.key, s.lgsl, x.name, x.role FROM suppliers x JOIN services s ON s.key = x.service_key "
        "WHERE s.lgsl IS NOT NULL AND x.role IS NOT NULL"
    ):
        named[(str(lgsl), role)][key].add(name.strip().lower())
    out = {}
    for market, services in named.items():
        weights: dict[str, float] = defaultdict(float)
        for names in services.values():
            for supplier in names:
                weights[supplier] += 1 / len(names)
        shares = sorted((w / len(services) for w in weights.values()), reverse=True)
        councils = len({key.split("/")[0] for key in services})
        out[market] = (len(services), councils, sum((x * 100) ** 2 for x in shares), sum(shares[:3]))
    return out


def test_supplier_tables_match_registry_insights_and_the_stated_definition(
    site: dict[str, Any], parsed: dict[str, _Parsed], db: sqlite3.Connection
) -> None:
    page = parsed["insights/suppliers.md"]
    text = " ".join(site["insights/suppliers.md"].markdown.split())
    # The definition, as issue 13 words it, is on the page: markets by role, the share, how a service
    # with two suppliers in one role counts, and too few to judge.
    for phrase in (
        "together with a supplier **role**",
        "the share of the market's services that use it: a supplier on 3 of 7 services has 43%",
        suppliers.SHARED_SERVICE,
        "Σ (share × 100)²",
        "above 2,500",
        "**too few to judge**",
    ):
        assert phrase in text, phrase
    markets = ins.supplier_concentration(db, "service-type")
    by_hand = _markets_by_hand(db)
    assert len(markets) == len(by_hand)
    judged = [m for m in markets if m.judged]
    rows = page.body("table-types")
    assert len(rows) == len(judged) > 0
    for row, m in zip(rows, judged, strict=True):
        services, councils, hhi, top3 = by_hand[(m.key, m.role)]
        assert (services, councils) == (m.services, m.councils) and services >= 5 and councils >= 3
        assert m.hhi == pytest.approx(hhi) and m.top3_share == pytest.approx(top3)
        shares = "; ".join(f"{s.name} {_rate(s.share)} ({s.services})" for s in m.suppliers)
        verdict = "highly concentrated" if hhi > 2500 else "not highly concentrated"
        assert row == [
            _type(m.label, int(m.key)),
            m.role,
            str(services),
            str(councils),
            str(len(m.suppliers)),
            _rate(top3),
            f"{hhi:,.0f}",
            verdict,
            shares,
        ]
    # Markets with fewer than 5 services or 3 councils are listed apart, with no HHI, never as 10,000.
    too_few = page.body("table-types-too-few")
    assert [(r[0], r[1]) for r in too_few] == [(_type(m.label, int(m.key)), m.role) for m in markets if not m.judged]
    assert all(by_hand[(m.key, m.role)][0] < 5 or by_hand[(m.key, m.role)][1] < 3 for m in markets if not m.judged)
    assert "10,000" not in " ".join(" ".join(r) for r in rows + too_few)
    # The chart takes the largest judged markets, most concentrated first.
    charted = [r[0] for r in page.body("table-types-top")]
    assert charted == [f"{_type(m.label, int(m.key))}: {m.role}" for m in judged][: len(charted)]
    assert any("Parking permits" in c for c in charted)
    functions = ins.supplier_concentration(db, "function")
    assert [r[0] for r in page.body("table-functions")] == [m.label for m in functions if m.judged]
    assert [r[6] for r in page.body("table-functions")] == [f"{m.hhi:,.0f}" for m in functions if m.judged]
    lock = ins.lock_in_signals(db)
    assert page.body("table-lock-in") == [
        [name, str(n), str(lock.services), f"{100 * n / lock.services:.1f}%"]
        for name, n in (
            ("No open API", lock.no_open_api),
            ("No bulk export in an open format", lock.no_open_export),
            ("Proprietary data format", lock.proprietary_format),
            ("Contract longer than 5 years", lock.long_contract),
        )
    ]
    listed = page.body("table-lock-in-services")
    assert [int(r[3]) for r in listed] == [item.signals for item in lock.items[: len(listed)]]


def test_ranking_table_matches_registry_insights(parsed: dict[str, _Parsed], db: sqlite3.Connection) -> None:
    ranks = ins.supplier_ranking(db)
    rows = parsed["insights/ranking.md"].body("table-ranking")
    assert rows == [
        [
            r.name,
            str(r.councils),
            str(r.services),
            str(r.markets_led),
            str(r.contracts_ending),
            str(r.compliant),
            "; ".join(f"{s.title} {s.meeting} of {s.services}" for s in r.standards),
        ]
        for r in ranks
    ]
    assert sum(r.markets_led for r in ranks) >= sum(m.judged for m in ins.supplier_concentration(db))


def test_windows_tables_match_registry_insights(parsed: dict[str, _Parsed], db: sqlite3.Connection) -> None:
    page = parsed["insights/windows.md"]
    names = dict(db.execute("SELECT id, name FROM councils").fetchall())
    for by, table in (("product", "table-windows-product"), ("service-type", "table-windows-type")):
        result = ins.procurement_windows(db, 18, by)
        assert result.as_of == AS_OF and result.windows and all(w.councils >= 2 for w in result.windows)
        # By product, with the councils; by service type (1,500 types at 400 councils) the counts alone,
        # since each type's page names its councils.
        assert page.body(table) == [
            [
                w.label,
                str(w.councils),
                str(w.contracts),
                w.earliest_end,
                w.latest_end,
                w.next_notice or "–",
                ", ".join(names[c] for c in w.council_ids),
                w.text,
            ]
            if by == "product"
            else [
                _type(w.label, int(w.key)),
                str(w.councils),
                str(w.contracts),
                w.earliest_end,
                w.latest_end,
                w.next_notice or "–",
                w.text,
            ]
            for w in result.windows
        ]
    # The sentence issue 6 asks for, for a product several councils could buy together.
    assert "4 councils' contracts for Permitly Ltd: PermitHub end between" in page.all_text


def test_windows_timeline_has_a_bar_per_contract_and_a_table_of_them(
    site: dict[str, Any], parsed: dict[str, _Parsed], db: sqlite3.Connection
) -> None:
    from registry.playbook.insights.windows import TIMELINE_CONTRACTS, TIMELINE_PRODUCTS

    shown = ins.procurement_windows(db, 18, "product").windows[:TIMELINE_PRODUCTS]
    names = dict(db.execute("SELECT id, name FROM councils").fetchall())
    # The text alternative: every contract drawn, with its notice date.
    assert parsed["insights/windows.md"].body("table-windows-timeline") == [
        [w.label, names[e.council_id], e.service, e.contract_end, e.notice_date or "–"]
        for w in shown
        for e in w.ends[:TIMELINE_CONTRACTS]
    ]
    svg = next(b for b in site["insights/windows.md"].html_blocks.values() if 'id="chart-windows-title"' in b)
    svg = svg[: svg.index("</svg>")]
    assert 'role="img" aria-labelledby="chart-windows-title chart-windows-desc"' in svg
    drawn = [e for w in shown for e in w.ends[:TIMELINE_CONTRACTS]]
    assert svg.count('fill="#1d70b8"') == len(drawn)  # a bar per council's contract
    for w in shown:
        assert f">{w.label[:41].rstrip()}" in svg  # a row per product (long names are shortened)
    # Where a manifest gives a notice period the date is printed, and a diamond marks it when still to come.
    notices = [e for e in drawn if e.notice_date]
    assert notices and all(f"notice by {e.notice_date}" in svg for e in notices)
    assert svg.count("<path d=") == sum(1 for e in notices if e.notice_date >= AS_OF)


def test_interop_tables_match_registry_insights(parsed: dict[str, _Parsed], db: sqlite3.Connection) -> None:
    page = parsed["insights/interop.md"]
    for by in ("type", "region", "nation"):
        groups = ins.interoperability(db, by)
        assert page.body(f"table-interop-{by}") == [
            [
                g.name,
                *map(
                    str,
                    (g.councils, g.services, g.open_api, _rate(g.open_api_share), g.directories, g.open_referral_uk),
                ),
                _rate(g.open_referral_uk_share),
                str(g.address_services),
                str(g.uprn),
                _rate(g.uprn_share),
                str(g.usrn),
                _rate(g.usrn_share),
            ]
            for g in groups
        ]
    (overall,) = ins.interoperability(db, "all")
    assert page.body("table-interop-overall")[0] == [
        "Open API (of all services)",
        str(overall.open_api),
        str(overall.services),
        f"{100 * overall.open_api / overall.services:.1f}%",
    ]


def test_service_type_pages_match_registry_insights(parsed: dict[str, _Parsed], db: sqlite3.Connection) -> None:
    markets = ins.supplier_concentration(db, "service-type")
    windows = {w.key: w for w in ins.procurement_windows(db, 18, "service-type").windows}
    spots = {h.lgsl: h for h in ins.duplication_hotspots(db)}
    checked_solutions = checked_market = checked_window = checked_hotspot = 0
    for r in ins.reuse_by_service_type(db):
        page = parsed[f"insights/service-types/{r.lgsl}.md"]
        solutions = ins.solutions(db, r.lgsl)
        if solutions:
            checked_solutions += 1
            assert [row[:4] for row in page.body("table-solutions")] == [
                [s.name, s.kind, str(s.councils), str(s.services)] for s in solutions
            ]
            assert [row[4:] for row in page.body("table-solutions")] == [
                [f"{_rate(s.compliance_rate)} ({s.compliant} of {s.services})", _rate(s.musts_met_rate)]
                for s in solutions
            ]
        mine = [m for m in markets if m.key == str(r.lgsl)]
        if mine:
            checked_market += 1
            for m in mine:
                assert (f"HHI {m.hhi:,.0f}: {m.verdict}" if m.judged else f"; {m.verdict}.") in page.all_text
            assert page.body("table-suppliers") == [
                [m.role, s.name, str(s.services), str(m.services), _rate(s.share)] for m in mine for s in m.suppliers
            ]
        else:
            assert "table-suppliers" not in page.tables
        window = windows.get(str(r.lgsl))
        if window is not None:
            checked_window += 1
            assert window.text in page.all_text
            assert page.body("table-windows")[0][1:5] == [
                str(window.councils),
                str(window.contracts),
                window.earliest_end,
                window.latest_end,
            ]
            for council in window.council_ids:
                assert f"../../../councils/{council}/" in page.hrefs, (r.lgsl, council)
        if r.lgsl in spots:
            checked_hotspot += 1
            assert "This is a duplication hotspot:" in page.all_text
            assert spots[r.lgsl].text in page.all_text
        else:
            assert "This is a duplication hotspot:" not in page.all_text
        services = db.execute("SELECT count(*) FROM services WHERE lgsl = ?", (r.lgsl,)).fetchone()[0]
        assert len(page.body("table-councils")) == services
    assert checked_solutions and checked_market and checked_window and checked_hotspot


def test_every_page_shows_the_sample_notice_and_how_it_is_computed(site: dict[str, Any]) -> None:
    for path, page in site.items():
        if path.startswith("insights/"):
            assert '!!! warning "Sample data"' in page.markdown, path
    for name in FIGURE_PAGES[1:]:
        text = site[f"insights/{name}.md"].markdown
        assert "## How it is computed" in text, name
        assert '??? info "How this is checked"' in text and "    From the code: `registry.insights." in text, name
    # The docstrings are quoted, not paraphrased away: the code's own words are on the page.
    assert (ins.supplier_concentration.__doc__ or "").split(".")[0].strip() in site["insights/suppliers.md"].markdown


# --------------------------------------------------------------------------- links


def _target(page_path: str, href: str) -> str | None:
    """The docs path an href on a generated page points to (None for external and in-page links)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.endswith(".md"):
        # A Markdown link is relative to the source file; MkDocs rewrites it to the page's URL.
        return normpath(urljoin(f"/{page_path}", parts.path)).lstrip("/")
    url = page_path[: -len("index.md")] if page_path.endswith("index.md") else page_path[: -len(".md")] + "/"
    return normpath(urljoin(f"/{url}", parts.path)).lstrip("/")


def _exists(target: str, pages: dict[str, Any], db: sqlite3.Connection) -> bool:
    if target.startswith("standards/"):
        ident = target.split("/")[1]
        return db.execute("SELECT 1 FROM standards WHERE id = ?", (ident,)).fetchone() is not None
    if target.endswith(".md"):
        return target in pages
    return f"{target}.md" in pages or f"{target}/index.md" in pages or target.rstrip("/") + ".md" in pages


def test_every_link_on_the_insights_pages_resolves(site: dict[str, Any], parsed: dict[str, _Parsed], db) -> None:
    checked = 0
    for path, page in parsed.items():
        for href in page.hrefs:
            target = _target(path, href)
            if target is None or target.startswith("assets/"):
                continue
            checked += 1
            assert _exists(target, site, db), (path, href, target)
    assert checked > 100


def test_pattern_and_council_pages_link_their_service_types(site: dict[str, Any], db: sqlite3.Connection) -> None:
    link = re.compile(r'href="\.\./\.\./insights/service-types/(\d+)/"')
    for (pattern_id,) in db.execute("SELECT id FROM patterns"):
        page = site[f"patterns/{pattern_id}.md"]
        html = _render(page)
        expected = {
            r[0]
            for r in db.execute(
                "SELECT DISTINCT s.lgsl FROM service_patterns sp JOIN services s ON s.key = sp.service_key "
                "WHERE sp.pattern_id = ? AND s.lgsl IS NOT NULL",
                (pattern_id,),
            )
        }
        assert {int(n) for n in link.findall(html)} == expected, pattern_id
        assert "## Where it is used, by service type" in page.markdown
        for lgsl in expected:
            assert f"insights/service-types/{lgsl}.md" in site
    for (council_id,) in db.execute("SELECT id FROM councils"):
        html = _render(site[f"councils/{council_id}.md"])
        expected = {
            r[0]
            for r in db.execute("SELECT lgsl FROM services WHERE council_id = ? AND lgsl IS NOT NULL", (council_id,))
        }
        assert expected, council_id
        assert {int(n) for n in link.findall(html)} == expected, council_id


# --------------------------------------------------------------------------- speed: queries per figure


def _statements(index: Path, root: Path) -> tuple[int, int]:
    """SQL statements registry.playbook.insights.pages runs over `index`, and the service types it has."""
    ctx = site_context(index, root)
    seen: list[str] = []
    ctx.conn.set_trace_callback(seen.append)
    registry.playbook.insights.pages(ctx)
    ctx.conn.set_trace_callback(None)
    types = ctx.conn.execute("SELECT count(DISTINCT lgsl) FROM services").fetchone()[0]
    ctx.conn.close()
    return len(seen), types


# --------------------------------------------------------------------------- escaping

HOSTILE_SUPPLIER = """suppliers:
  - name: "<script>alert(1)</script> Ltd"
    product: "<img src=x onerror=alert(2)> *bold* | pipe"
    role: payments
    provides: "<b>Hostile</b> payments"
    contract_start: 2019-01-01
    contract_end: 2027-06-30
"""


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two councils' manifests, each with a service naming the same hostile supplier and product."""
    from registry.index.build import build_index

    tree = tmp_path_factory.mktemp("hostile") / "repo"
    shutil.copytree(ROOT / "standards", tree / "standards")
    for council, service in (("bristol", "parking-permits"), ("leeds", "parking-permits")):
        shutil.copytree(ROOT / "manifests" / council, tree / "manifests" / council)
        manifest = tree / "manifests" / council / f"{service}.yaml"
        text = manifest.read_text(encoding="utf-8")
        assert "\nsuppliers:\n" in text, manifest
        text = text.replace("\nsuppliers:\n", "\n" + HOSTILE_SUPPLIER, 1)
        manifest.write_text(
            re.sub(r"\nname: .*\n", '\nname: "<b>Hostile</b> service"\n', text, count=1), encoding="utf-8"
        )
    index = tree.parent / "index.sqlite"
    build_index(tree, index, dt.date.fromisoformat(AS_OF), jobs=1)
    with sqlite3.connect(index) as conn:
        assert conn.execute("SELECT count(*) FROM suppliers WHERE name LIKE '<script>%'").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM services WHERE name = '<b>Hostile</b> service'").fetchone() == (2,)
    return tree, index


def test_hostile_supplier_and_product_names_are_escaped(hostile_index: tuple[Path, Path]) -> None:
    tree, index = hostile_index
    ctx = site_context(index, tree)
    pages = {p.path: p for p in registry.playbook.insights.pages(ctx) if hasattr(p, "markdown")}
    ctx.conn.close()
    for path, page in pages.items():
        html = _render(page)
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert "<b>Hostile" not in html, path
        for tag, attrs in _Parsed(html).tags:
            assert tag not in ("script", "img", "b", "strong") or "alert" not in str(attrs), path
            assert not any("onerror" in (k or "") for k in attrs), path
    suppliers = _render(pages["insights/suppliers.md"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in suppliers
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in _render(pages["insights/ranking.md"])
    windows = _render(pages["insights/windows.md"])
    # Both councils' contracts end in the window: the product's sentence is in the Markdown list too.
    assert "&lt;img src=x onerror=alert(2)&gt;" in windows
    assert "*bold*" in _Parsed(windows).all_text, "Markdown in a manifest value stays literal"
    assert "<em>bold</em>" not in windows
    parking = _render(pages["insights/service-types/474.md"])
    assert "&lt;b&gt;Hostile&lt;/b&gt; service" in parking


def test_queries_do_not_grow_with_the_number_of_service_types(
    shipped_index: Path, hostile_index: tuple[Path, Path]
) -> None:
    big, big_types = _statements(shipped_index, ROOT)
    small, small_types = _statements(hostile_index[1], hostile_index[0])
    assert big_types > small_types + 5
    assert big == small, "one query per figure, whatever the number of service types"
    assert big < 60  # about three queries per figure; it grows with figures, never with service types


# --------------------------------------------------------------------------- the trend


def test_trend_without_history_says_so(hostile_index: tuple[Path, Path]) -> None:
    tree, index = hostile_index  # a plain folder: not a Git repository
    ctx = site_context(index, tree)
    pages = {p.path: p for p in registry.playbook.insights.pages(ctx) if hasattr(p, "markdown")}
    ctx.conn.close()
    trend = pages["insights/trend.md"].markdown
    assert "## No history to show" in trend
    assert "not a Git repository" in trend


def test_trend_in_a_shallow_clone_says_so(tmp_path: Path, trend_repo: tuple[Path, Path]) -> None:
    repo, index = trend_repo
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)], env=ENV, check=True, capture_output=True
    )
    ctx = site_context(index, clone)
    page = next(p for p in registry.playbook.insights.pages(ctx) if p.path == "insights/trend.md")
    ctx.conn.close()
    assert "## No history to show" in page.markdown and "shallow" in page.markdown


@pytest.fixture(scope="module")
def trend_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """MINI as a Git repository with commits in January and February 2026, indexed as of mid-March."""
    from registry.index.build import build_index

    repo = init_repo(tmp_path_factory.mktemp("trend") / "repo", MINI)
    # February's snapshot loses the failing service, so the months' figures differ.
    (repo / "manifests" / "leeds" / "failing.yaml").unlink()
    commit_all(repo, "retire the failing service", date="2026-02-10T10:00:00+00:00")
    index = repo.parent / "index.sqlite"
    build_index(repo, index, dt.date(2026, 3, 15), jobs=1)
    return repo, index


def test_trend_page_matches_registry_insight_trend(trend_repo: tuple[Path, Path]) -> None:
    repo, index = trend_repo
    ctx = site_context(index, repo)
    page = next(p for p in registry.playbook.insights.pages(ctx) if p.path == "insights/trend.md")
    ctx.conn.close()
    since, until = dt.date(2025, 4, 1), dt.date(2026, 3, 15)
    assert registry.playbook.insights.trend_period("2026-03-15") == (since, until)
    trend = compliance_trend(repo, since, until)
    assert {p.month for p in trend.points} == {"2026-01", "2026-02", "2026-03"}
    parsed = _Parsed(_render(page))
    assert parsed.body("table-trend-points") == [
        [p.month, p.standard, p.date, p.commit[:10], str(p.services), str(p.compliant), f"{100 * p.rate:.1f}%"]
        for p in trend.points
    ]
    months = sorted({p.month for p in trend.points})
    assert parsed.tables["table-trend-months"][0] == ["Standard", *months]
    assert "3 months with history, from 2026-01 to 2026-03" in parsed.all_text


def test_home_page_quotes_each_headline_with_what_it_counts(site: dict[str, Any], db: sqlite3.Connection) -> None:
    """The home page's headlines are HEADLINES' own (as the command line and the API give them)."""
    from registry.insights.headlines import HEADLINES

    text = _Parsed(_render(site["insights/index.md"])).all_text
    found = HEADLINES.compute(db)
    assert [h.figure for h in found] == ["reuse", "hotspots", "suppliers", "windows"]
    for h in found:
        assert f"{h.text} {h.counts}" in text, h.figure
