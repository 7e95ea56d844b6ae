"""A council page's figures and findings, against a council worked out by hand.

Leeds publishes five services, judged against the demo standard (tests/fixtures/mini) on 1 November
2026. The demo standard applies to services used on the web; DEMO-03 (a may) only to live ones, and
every service here is in beta, so it never applies.

    service    web  statement  audit       DEMO-04 evidence  waivers                        musts failing
    alpha      yes  none       none        met               -                              DEMO-01
    bravo      yes  none       none        none              -                              DEMO-01, DEMO-04
    charlie    yes  yes        none        met               DEMO-02 until 31 March 2027    -  (compliant)
    delta      no   -          -           -                 -                              -  (no standard applies)
    echo       yes  none       2026-06-01  met               DEMO-01 expired 31 Jan 2026    DEMO-01

So: 5 services, 2 compliant (charlie, delta); 4 failing musts in 3 services; 1 waiver active and 1
expired; the demo standard applies to 4 services and 1 meets it (charlie). DEMO-01 fails in alpha,
bravo and echo (one sentence, "No accessibility statement address is recorded.", one "how to fix");
DEMO-02, a should, fails in alpha and bravo; DEMO-04 in bravo only. The heading therefore reads
"2 musts and 1 should fail".
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hand_registry import write_council

from checks.results import Outcome, RequirementResult
from conftest import MINI, ROOT
from registry.index.build import build_index
from registry.playbook import councils
from registry.playbook.common import placeholder
from registry.playbook.council_data import load_site
from registry.playbook.council_findings import CouncilFindings
from sitegen import site_context

AS_OF = dt.date(2026, 11, 1)
LEEDS = ("MD", "Yorkshire and The Humber", "E08000035", "LDS", "Leeds City Council")
STANDARD = "Demonstration standard for the test suite"
SERVICES = {
    # id: (name, web, statement, last audit, evidence, waivers)
    "alpha": ("Alpha permits", True, False, None, True, []),
    "bravo": ("Bravo bins", True, False, None, False, []),
    "charlie": ("Charlie care", True, True, None, True, [("DEMO-02", "Head of Digital", "2027-03-31")]),
    "delta": ("Delta by phone", False, False, None, False, []),
    "echo": ("Echo events", True, False, "2026-06-01", True, [("DEMO-01", "Chief Executive", "2026-01-31")]),
}


def _service(sid: str, name: str, web: bool, statement: bool, audit: str | None, evidence: bool, waivers: Any) -> str:
    lines = [
        "kind: Service",
        "schema_version: 1",
        "sample: true",
        f"id: {sid}",
        f"name: {name}",
        "phase: beta",
        f"channels: [{'web' if web else 'phone'}]",
        "owner:",
        "  team: Digital",
        "privacy:",
        "  handles_personal_data: false",
    ]
    accessibility = ["  statement_url: https://example.gov.uk/a11y"] if statement else []
    accessibility += [f"  last_audit: {audit}"] if audit else []
    lines += ["accessibility:", *accessibility] if accessibility else []
    lines += ["evidence:", "  DEMO-04:", "    status: met", "    date: 2026-05-01"] if evidence else []
    if waivers:
        lines.append("waivers:")
        for rid, who, until in waivers:
            lines += [f"  - requirement: {rid}", f"    reason: Agreed for {sid}", f"    approved_by: {who}"]
            lines.append(f"    expires: {until}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """Leeds's council page as served (every HTML block in place) and its Markdown."""
    root = tmp_path_factory.mktemp("council") / "repo"
    (root / "standards").mkdir(parents=True)
    shutil.copy(MINI / "standards" / "demo.yaml", root / "standards" / "demo.yaml")
    folder = write_council(root, "leeds", LEEDS)
    for sid, spec in SERVICES.items():
        (folder / f"{sid}.yaml").write_text(_service(sid, *spec), encoding="utf-8")
    index = root / "build" / "index.sqlite"
    summary = build_index(root, index, AS_OF, jobs=1)
    assert (summary.services, summary.invalid) == (5, 0)
    pages = {p.path: p for p in councils.pages(site_context(index, root))}
    leeds = pages["councils/leeds.md"]
    html = leeds.markdown
    for token, block in leeds.html_blocks.items():
        html = html.replace(token, block)
    assert placeholder("findings") not in html
    return html, leeds.markdown


def _section(html: str, ident: str) -> str:
    found = re.search(rf'<section class="[^"]*" id="{re.escape(ident)}">.*?</section>', html, re.S)
    assert found, ident
    return found.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_page_opens_with_one_sentence_then_the_figures(page: tuple[str, str]) -> None:
    html, markdown = page
    body = markdown.split("\n\n")
    assert body[0] == "# Leeds City Council"
    assert body[2] == (
        "Leeds City Council has 5 services in the registry; 2 of them meet every *must* in the standards that apply "
        "to them. This page shows what fails, in which services, and how to fix it."
    )
    figures = _text(re.search(r'<div class="sitegen-figures">.*?</div></div>', html, re.S).group(0))  # type: ignore[union-attr]
    # Each figure, then what it counts.
    assert "5 services Every service manifest the council has published." in figures
    assert "2 of 5 services compliant They fail no must in any standard that applies to them" in figures
    assert "4 musts failing, in 3 services Each service counts once for each must requirement" in figures
    assert "1 waivers active, 1 expired Exceptions to one requirement for one service" in figures
    assert '<img src="../../badges/leeds.svg" alt="Leeds City Council: 2 of 5 services meet every standard' in html
    standards = re.search(r'<table id="standards-table".*?</table>', html, re.S).group(0)  # type: ignore[union-attr]
    assert (
        f'<th scope="row">{STANDARD}</th><td data-label="Compliant" style="text-align:right">1 of 4</td>' in standards
    )


def test_services_table_puts_the_worst_first_with_their_counts(page: tuple[str, str]) -> None:
    html, _ = page
    table = re.search(r'<table id="services-table".*?</table>', html, re.S).group(0)  # type: ignore[union-attr]
    cells = [
        re.sub(r"</t[dh]><t[dh][^>]*>", "|", r)
        for r in re.findall(r'<tr id="service-\w+"><th scope="row">(.*?)</tr>', table)
    ]
    rows = [[_text(cell) for cell in c.split("|")] for c in cells]
    assert [r[:4] for r in rows] == [
        ["Bravo bins", "No", "2", "1"],
        ["Alpha permits", "No", "1", "1"],
        ["Echo events", "No", "1", "0"],
        ["Charlie care", "Yes", "0", "0"],
        ["Delta by phone", "Yes", "0", "0"],
    ]


def test_a_standard_heading_counts_its_failing_musts_and_shoulds(page: tuple[str, str]) -> None:
    html, _ = page
    section = _section(html, "standard-demo")
    assert f"<h3>{STANDARD}: 2 musts and 1 should fail</h3>" in section
    assert "<p>1 of 4 services it applies to meet it (no failing must).</p>" in section


def test_two_services_failing_one_requirement_share_one_fix_listing_both(page: tuple[str, str]) -> None:
    html, _ = page
    fix = _section(html, "fix-demo-01")
    assert "<h4>Publish an accessibility statement</h4>" in fix
    assert '<span class="sitegen-level">Must</span>, failing in 3 of 4 services.' in fix
    assert (
        "<li>No accessibility statement address is recorded. (3 services: "
        "Alpha permits; Bravo bins; Echo events (its waiver, approved by Chief Executive, expired on "
        "31 January 2026))</li>"
    ) in fix
    assert fix.count("How to fix") == 1 and "Publish a statement and set accessibility.statement_url." in fix
    assert len(re.findall(r'id="fix-demo-01"', html)) == 1
    should = _section(html, "fix-demo-02")
    assert "(2 services: Alpha permits; Bravo bins)" in should
    # Musts come before shoulds, whatever their position in the standard.
    assert html.index('id="fix-demo-04"') < html.index('id="fix-demo-02"')


def test_a_known_failure_reads_in_exact_words(page: tuple[str, str]) -> None:
    html, _ = page
    fix = _section(html, "fix-demo-04")
    assert ("<li>No evidence is recorded. Needed: A write-up of usability sessions. (Bravo bins)</li>") in fix


def test_waivers_say_who_approved_them_and_until_when(page: tuple[str, str]) -> None:
    html, _ = page
    waivers = html.split("## Waivers", 1)[1].split("## About", 1)[0]
    assert (
        "<li><strong>Charlie care</strong>, &ldquo;Audit within the last year&rdquo;: active until 31 March 2027, "
        "approved by Head of Digital. Agreed for charlie"
    ) in waivers
    assert (
        "<li><strong>Echo events</strong>, &ldquo;Publish an accessibility statement&rdquo;: <strong>expired</strong> "
        "on 31 January 2026, approved by Chief Executive. Agreed for echo"
    ) in waivers


# What the checker says for developers: field paths, rule expressions, raw details. None may show
# outside a "How this is checked" detail, save in a requirement's own fix text (the standard's words).
HOW = '<details class="sitegen-how"><summary>How this is checked</summary>'
DEVELOPER = [
    r"\baccessibility\.\w+",
    r"\bservice\.\w+",
    r"evidence\.DEMO",
    r"is not set\b",
    r"duration\(",
    r"!= null",
    r"\bDEMO-0\d\b",
]


def test_no_developer_detail_outside_how_this_is_checked(page: tuple[str, str]) -> None:
    html, _ = page
    shown = re.sub(HOW + r".*?</details>", "", html, flags=re.S)
    shown = re.sub(r"<p><strong>How to fix:</strong>.*?</p>", "", shown, flags=re.S)
    shown = re.sub(r'<span class="sitegen-how">.*?</span>', "", shown, flags=re.S)  # a waiver's requirement id
    shown = shown.split("## About", 1)[0]
    for pattern in DEVELOPER:
        assert not re.search(pattern, _text(shown)), pattern
    hidden = re.findall(HOW + r"(.*?)</details>", html, re.S)
    assert any("DEMO-01" in h for h in hidden)


def test_a_services_missing_attestations_are_one_finding(shipped_index: Path) -> None:
    site = load_site(site_context(shipped_index, ROOT))
    attested = {
        std.id: next(r for (s, v, rid), r in site.requirements.items() if s == std.id and rid.endswith("-ATTESTED"))
        for std in site.standards
        if any(s == std.id and rid.endswith("-ATTESTED") for s, _v, rid in site.requirements)
    }
    assert len(attested) >= 4
    findings = CouncilFindings(site)
    missing = "No attestation is recorded for the restricted requirements."
    for name in ("Bins", "Parking"):
        for std, req in attested.items():
            findings.add(
                name,
                RequirementResult(
                    req.id, std, req.version, req.title, "must", Outcome.FAIL, "", None, None, 1, 1, missing
                ),
            )
    html = findings.render({std: [2, 0] for std in attested})
    section = _section(html, "attestations")
    lines = re.findall(r"<li>.*?</li>", section)
    titles = [site.titles[s] for s in attested]
    assert lines == [f"<li>{', '.join(titles[:-1])} and {titles[-1]}: {missing} (2 services: Bins; Parking)</li>"]
    assert "<h3>Attestations: 2 services not attested</h3>" in section
    # The standards' sections point there rather than repeat it.
    for std in attested:
        assert 'see <a href="#attestations">Attestations</a>' in _section(html, f"standard-{std}")


def test_past_max_lines_the_other_services_are_only_named(shipped_index: Path) -> None:
    from registry.playbook import council_findings

    site = load_site(site_context(shipped_index, ROOT))
    (std, version, rid), req = next((k, r) for k, r in site.requirements.items() if not k[2].endswith("-ATTESTED"))
    findings = CouncilFindings(site)
    total = council_findings.MAX_LINES + 3
    # The first sentence is shared by two services, so it comes first; every other is its own.
    for i in range(total):
        says = "Shared." if i < 2 else f"Value {i}."
        findings.add(
            f"S{i}", RequirementResult(rid, std, version, req.title, "must", Outcome.FAIL, "", None, None, 1, 1, says)
        )
    lines = re.findall(r"<li>.*?</li>", findings.render({std: [total, 0]}))
    assert len(lines) == council_findings.MAX_LINES + 1
    assert lines[0] == "<li>Shared. (2 services: S0; S1)</li>"
    shown = council_findings.MAX_LINES + 1  # S0..S20 have sentences of their own on a line
    assert lines[-1] == (
        "<li>The other services record values of their own. "
        f"({total - shown} services: {'; '.join(f'S{i}' for i in range(shown, total))})</li>"
    )
