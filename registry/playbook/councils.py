"""Council pages: councils/index.md (a filterable table of every council), councils/<id>.md
(a council's services, their status per standard, failing requirements, waivers and a badge)
and badges/<id>.svg (a badge the council can embed).

Speed: the benchmark site has 400 councils x 250 services, so the index is read in one
ordered pass per table (services, service_standards, findings, waivers, all by service key)
merged in Python, never one query per council or service. The bulky service HTML is built
with lists and ''.join from per-requirement fragments made once, and goes into html_blocks,
so MkDocs neither parses it as Markdown nor puts it in the search index: only a council's
name and facts are searchable.

Escaping: every value that comes from a manifest goes through `esc` (or `link`, which
only links http(s) URLs), including text in attributes.
"""

from __future__ import annotations

import itertools
import sqlite3
from operator import itemgetter
from typing import Any

from checks.results import Outcome
from registry.index.compliance import type_name
from registry.index.service_results import FINDING_COLUMNS, decode
from registry.playbook.assets import block_tokens, filter_script_asset, stylesheet_asset, stylesheet_link

# The badge's colours and label are re-exported: tests/test_site_councils.py reads them from here.
from registry.playbook.badge import BADGE_COLOURS as BADGE_COLOURS
from registry.playbook.badge import BADGE_LABEL as BADGE_LABEL
from registry.playbook.badge import badge_alt, badge_text, badge_widths
from registry.playbook.badge import badge_svg as badge_svg
from registry.playbook.charts import pct
from registry.playbook.common import (
    SAMPLE_NOTICE,
    Asset,
    Page,
    SiteContext,
    esc,
    link,
    md_cell,
    placeholder,
    safe_url,
)
from registry.playbook.council_data import (
    CouncilSite,
    CouncilSummary,
    Merged,
    cursor,
    load_site,
)
from registry.playbook.council_data import Requirement as Requirement
from registry.playbook.council_index import index_page

# Council pages list what fails; waived results are listed with the service's waivers instead.
_SHOWN = frozenset({Outcome.FAIL, Outcome.ERROR})


def _lgsl_link(lgsl: int, text: object) -> str:
    """A service's LGSL code linked to its service type's page in the Insights section
    (registry.playbook.insights.type_path, which makes a page for every LGSL code in the index)."""
    return f'<a href="../../insights/service-types/{int(lgsl)}/">{esc(text)}</a>'


def _status(compliant: int, failed_must: int, failed_should: int) -> str:
    if not compliant:
        return f"Fails ({failed_must} must)" if failed_must else "Fails (errors)"
    return f"Meets ({failed_should} should)" if failed_should else "Meets"


def _render_services(
    site: CouncilSite, services: list[tuple[Any, ...]], merged: dict[str, Merged]
) -> tuple[str, str, str, CouncilSummary]:
    """The services table, the per-service sections and the fixes for one council, in one pass."""
    titles = {s.id: esc(s.title) for s in site.standards}
    summary = CouncilSummary()
    failing_reqs: dict[tuple[str, str, str], int] = {}
    table: list[str] = []
    detail: list[str] = []
    requirements = site.requirements
    for service in services:
        key, _sid, _name, _lgsl, _phase, _url, compliant, score = service
        summary.services += 1
        summary.compliant += compliant
        summary.score_sum += score
        results = {r[1]: r for r in merged["standards"].take(key)}
        findings = merged["findings"].take(key)
        waivers = merged["waivers"].take(key)
        _table_row(site, service, results, summary, table)
        by_std: dict[str, list[tuple[int, str]]] = {}
        stored = [(r[1], r[2], r[7]) for r in results.values()]
        for result in decode(stored, [f[1:] for f in findings], site.versions, _SHOWN):
            fkey = (result.standard, result.version, result.requirement)
            req = requirements[fkey]
            failing_reqs[fkey] = failing_reqs.get(fkey, 0) + 1
            by_std.setdefault(result.standard, []).append(
                (req.position, f"{req.finding_prefix}{req.finding_text(result)}</li>")
            )
        _service_section(site, service, results, by_std, waivers, titles, detail)

    fixes = [
        f"{requirements[k].fix_head}{n} service{'s' if n != 1 else ''}{requirements[k].fix_tail}"
        for k, n in sorted(failing_reqs.items(), key=lambda kv: (kv[0][0], requirements[kv[0]].position, kv[0][1]))
    ]
    return "".join(table), "".join(detail), "".join(fixes), summary


def _table_row(
    site: CouncilSite,
    service: tuple[Any, ...],
    results: dict[str, tuple[Any, ...]],
    summary: CouncilSummary,
    table: list[str],
) -> None:
    """The service's row in the council's table, counting it into the per-standard totals."""
    _key, sid, name, lgsl, phase, _url, compliant, score = service
    tappend = table.append
    tappend(
        f'<tr><th scope="row"><a href="#service-{esc(sid)}">{esc(name)}</a></th>'
        f"<td>{_lgsl_link(lgsl, lgsl) if lgsl is not None else '–'}</td>"
        f"<td>{esc(phase)}</td><td>{'Yes' if compliant else 'No'}</td>"
        f'<td style="text-align:right">{100 * score:.1f}%</td>'
    )
    per_std = summary.standards
    for std in site.standards:
        r = results.get(std.id)
        if r is None:
            tappend('<td><abbr title="not applicable">n/a</abbr></td>')
            continue
        counts = per_std.get(std.id)
        if counts is None:
            counts = per_std[std.id] = [0, 0]
        counts[0] += 1
        counts[1] += r[3]
        tappend(f"<td>{_status(r[3], r[5], r[6])}</td>")
    tappend("</tr>")


def _service_section(
    site: CouncilSite,
    service: tuple[Any, ...],
    results: dict[str, tuple[Any, ...]],
    by_std: dict[str, list[tuple[int, str]]],
    waivers: list[tuple[Any, ...]],
    titles: dict[str, str],
    detail: list[str],
) -> None:
    """The service's section: its status, each standard's failing requirements, its waivers."""
    _key, sid, name, lgsl, phase, url, compliant, score = service
    dappend = detail.append
    dappend(
        # No accessible name on the section: 250 named regions would swamp landmark navigation.
        f'<section class="sitegen-service" id="service-{esc(sid)}"><h3>{esc(name)}</h3><p>'
        f"{'Compliant with every standard that applies' if compliant else 'Not compliant'}; "
        f"score {100 * score:.1f}%. Phase: {esc(phase)}"
        f"{'; ' + _lgsl_link(lgsl, f'LGSL {lgsl}') if lgsl is not None else ''}"
        f"{'; ' + link(url, 'service website') if safe_url(url) else ''}.</p><ul>"
    )
    for std_id, r in sorted(results.items()):
        dappend(
            f"<li><strong>{titles.get(std_id) or esc(std_id)}</strong> (version {esc(r[2])}): "
            f"{_status(r[3], r[5], r[6])}, score {100 * r[4]:.1f}%"
        )
        failing = by_std.get(std_id)
        if failing:
            failing.sort()
            dappend("<ul>")
            dappend("".join(item for _pos, item in failing))
            dappend("</ul>")
        dappend("</li>")
    dappend("</ul>")
    if waivers:
        dappend("<p>Waivers:</p><ul>")
        for _key, rid, reason, approver, expires, active in waivers:
            ident = site.links.get(rid) or esc(rid)
            state = f"active until {esc(expires)}" if active else f"<strong>expired</strong> on {esc(expires)}"
            dappend(f"<li>{ident}: {state}, approved by {esc(approver)}. {esc(reason)}</li>")
        dappend("</ul>")
    dappend("</section>")


def _services_table(site: CouncilSite, rows: str) -> str:
    heads = "".join(f'<th scope="col"><abbr title="{esc(s.title)}">{esc(s.prefix)}</abbr></th>' for s in site.standards)
    return (
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table id="services-table">'
        "<caption>Services and their status per standard</caption>"
        '<thead><tr><th scope="col">Service</th><th scope="col">LGSL</th><th scope="col">Phase</th>'
        '<th scope="col">Compliant</th><th scope="col">Score</th>'
        f"{heads}</tr></thead><tbody>{rows}</tbody></table></div></div>"
    )


def council_page(
    site: CouncilSite, council: sqlite3.Row, table: str, detail: str, fixes: str, s: CouncilSummary
) -> Page:
    cid = council["id"]
    name = council["name"]
    sample = bool(council["sample"])
    url = safe_url(council["website"])
    # md_cell keeps Markdown from reading the address's * or _ as emphasis (the link text is in a cell).
    website = f'<a href="{esc(url)}">{md_cell(url)}</a>' if url else md_cell(council["website"] or "–")
    blocks = {"style": stylesheet_link("../../"), "badge": _badge_block(site, cid, name, s)}
    md = [f"# {esc(name)}", "", placeholder("style"), ""]
    if sample:
        md += [SAMPLE_NOTICE, ""]
    md += [
        "| Fact | Detail |",
        "|---|---|",
        f"| GSS code | {md_cell(council['gss_code'])} |",
        f"| Register code | {md_cell(council['register_code'])} |",
        f"| Type | {md_cell(type_name(council['type']))} ({md_cell(council['type'])}) |",
        f"| Nation | {md_cell(council['nation'])} |",
        f"| Region | {md_cell(council['region'])} |",
        f"| Website | {website} |",
        f"| Services | {s.services} ({s.compliant} compliant, {pct(s.compliant, s.services)}) |",
        f"| Mean score | {f'{100 * s.score_sum / s.services:.1f}%' if s.services else '–'} |",
        "| Sample data | " + ("Yes: the services and their statuses are invented |" if sample else "No |"),
        "",
        # Out of site search: every council has one, so "blue badge" would find 400 badges first.
        "## Badge { data-search-exclude }",
        "",
        placeholder("badge"),
        "",
        "## Services",
        "",
    ]
    if s.services:
        blocks["services"] = _services_table(site, table)
        blocks["detail"] = detail
        md += [
            "A service **meets** a standard when it fails none of the standard's *must* requirements "
            "(an active waiver counts as met); its **score** is the share of the applicable requirements "
            "it passes or has waived. In the table, *Fails (N must)* counts the standard's failing *must* "
            "requirements, *Meets (N should)* its failing *should* requirements, and *n/a* means the standard "
            "does not apply. How to fix each failing requirement is under "
            "[How to fix](#how-to-fix) below.",
            "",
            placeholder("services"),
            "",
            "## Each service",
            "",
            placeholder("detail"),
            "",
            "## How to fix",
            "",
        ]
        if fixes:
            blocks["fixes"] = fixes
            md += [placeholder("fixes"), ""]
        else:
            md += ["No requirement fails in this council's services.", ""]
    else:
        md += ["This council has not published any service manifests yet.", ""]
    return Page(
        path=f"councils/{cid}.md",
        markdown="\n".join(md),
        html_blocks=block_tokens(blocks),
        title=name,
        hide=("navigation",),
    )


def _badge_block(site: CouncilSite, cid: str, name: str, s: CouncilSummary) -> str:
    """The council's badge and the snippets to embed it, linking back to its page."""
    # Without site_url in mkdocs.yml the published address is unknown: say so rather than
    # offer a relative URL that breaks once pasted elsewhere.
    base = site.site_url or "https://SITE/"
    badge_url, page_url = f"{base}badges/{cid}.svg", f"{base}councils/{cid}/"
    where = "" if site.site_url else " Replace SITE with the address this site is published at."
    alt = " ".join(badge_alt(name, s.compliant, s.services).split())
    width = sum(badge_widths(badge_text(s.compliant, s.services)))
    markdown_snippet = f"[![{alt.replace('[', '(').replace(']', ')')}]({badge_url})]({page_url})"
    html_snippet = f'<a href="{esc(page_url)}"><img src="{esc(badge_url)}" alt="{esc(alt)}"></a>'
    return (
        f'<p class="sitegen-badge"><img src="../../badges/{esc(cid)}.svg" alt="{esc(alt)}" '
        f'width="{width}" height="20"></p>'
        f"<p>Embed the badge in a page or README; it links back here.{where} As Markdown:</p>"
        f"<pre><code>{esc(markdown_snippet)}</code></pre>"
        f"<p>As HTML:</p><pre><code>{esc(html_snippet)}</code></pre>"
    )


def pages(ctx: SiteContext) -> list[Page | Asset]:
    site = load_site(ctx)
    conn = ctx.conn
    merged = {
        "standards": Merged(
            cursor(
                conn,
                """SELECT service_key, standard_id, version, compliant, score, failed_must, failed_should, outcomes
                   FROM service_standards ORDER BY service_key, standard_id""",
            )
        ),
        "findings": Merged(
            cursor(
                conn,
                f"""SELECT service_key, {FINDING_COLUMNS}
                   FROM findings WHERE outcome IN ('fail', 'error') ORDER BY service_key""",
            )
        ),
        "waivers": Merged(
            cursor(
                conn,
                """SELECT service_key, requirement_id, reason, approved_by, expires, active
                   FROM waivers ORDER BY service_key, requirement_id""",
            )
        ),
    }
    services = cursor(
        conn,
        "SELECT key, id, name, lgsl, phase, url, compliant, score, council_id FROM services ORDER BY key",
    )
    out: list[Page | Asset] = [stylesheet_asset(), filter_script_asset()]
    done: set[str] = set()
    for council_id, group in itertools.groupby(services, key=itemgetter(8)):
        council = site.councils.get(council_id)
        if council is None:
            continue
        rows = [r[:8] for r in group]
        table, detail, fixes, summary = _render_services(site, rows, merged)
        site.summaries[council_id] = summary
        out.append(council_page(site, council, table, detail, fixes, summary))
        out.append(
            Asset(f"badges/{council_id}.svg", badge_svg(summary.compliant, summary.services, council["name"]).encode())
        )
        done.add(council_id)
    for council_id, council in site.councils.items():
        if council_id not in done:
            summary = site.summaries[council_id] = CouncilSummary()
            out.append(council_page(site, council, "", "", "", summary))
            out.append(Asset(f"badges/{council_id}.svg", badge_svg(0, 0, council["name"]).encode()))
    out.append(index_page(site))
    return out
