"""Council pages: councils/index.md (a filterable table of every council), councils/<id>.md
(a council's headline figures and badge, its services, what fails in words grouped by standard
with how to fix it, and its waivers) and badges/<id>.svg (a badge the council can embed).

Speed: the benchmark site has 400 councils x 250 services, so the index is read in one
ordered pass per table (services, service_standards, findings, waivers, all by service key)
merged in Python, never one query per council or service. The bulky HTML (see
registry.playbook.council_findings for how it stays small) goes into html_blocks,
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
from registry.playbook.council_findings import CouncilFindings, count, waiver_state
from registry.playbook.council_index import index_page

# Council pages list what fails; waived results are listed with the service's waivers instead.
_SHOWN = frozenset({Outcome.FAIL, Outcome.ERROR})


def _render_services(
    site: CouncilSite, services: list[tuple[Any, ...]], merged: dict[str, Merged]
) -> tuple[str, str, str, CouncilSummary]:
    """The services table, the findings and the waivers for one council, in one pass."""
    summary = CouncilSummary()
    findings = CouncilFindings(site)
    rows: list[tuple[tuple[int, int, int, str], str]] = []
    waiver_items: list[str] = []
    for service in services:
        key, sid, name, lgsl, _phase, _url, compliant, score = service
        summary.services += 1
        summary.compliant += compliant
        summary.score_sum += score
        results = {r[1]: r for r in merged["standards"].take(key)}
        stored = merged["findings"].take(key)
        waivers = merged["waivers"].take(key)
        musts, shoulds = _count_standards(results, summary)
        summary.failed_must += musts
        summary.failed_should += shoulds
        summary.services_failing_must += musts > 0
        named = esc(name)
        decoded = decode([(r[1], r[2], r[7]) for r in results.values()], [f[1:] for f in stored], site.versions, _SHOWN)
        for result in decoded:
            findings.add(named, result)
        # No per-cell attributes: 250 rows of them cost 40 KB; the stylesheet aligns and labels the
        # columns by position (sitegen.css, #services-table).
        row = (
            # The id is where other pages (patterns, suppliers, service types) link a service to.
            f'<tr id="service-{esc(sid)}"><th scope="row">{_type_link(named, lgsl)}</th>'
            f"<td>{'Yes' if compliant else 'No'}</td>"
            f"<td>{musts}</td><td>{shoulds}</td><td>{100 * score:.1f}%</td></tr>"
        )
        rows.append(((compliant, -musts, -shoulds, str(name).lower()), row))
        for _key, rid, reason, approver, expires, active in waivers:
            summary.waivers_active += bool(active)
            summary.waivers_expired += not active
            ident = site.links.get(rid) or esc(rid)
            waiver_items.append(
                f"<li><strong>{named}</strong>, {_requirement_title(site, rid)}: {waiver_state(active, expires)}, "
                f"approved by {esc(approver)}. {esc(reason)} "
                f'<span class="sitegen-how">(requirement {ident})</span></li>'
            )
    rows.sort(key=itemgetter(0))
    waivers_html = f"<ul>{''.join(waiver_items)}</ul>" if waiver_items else ""
    return "".join(r for _k, r in rows), findings.render(summary.standards), waivers_html, summary


def _requirement_title(site: CouncilSite, rid: str) -> str:
    title = site.requirement_titles.get(rid)
    return f"&ldquo;{esc(title)}&rdquo;" if title else esc(rid)


def _count_standards(results: dict[str, tuple[Any, ...]], summary: CouncilSummary) -> tuple[int, int]:
    """The service's failing musts and shoulds over its standards, counting it into each standard's totals."""
    musts = shoulds = 0
    per_std = summary.standards
    for std_id, r in results.items():
        counts = per_std.get(std_id)
        if counts is None:
            counts = per_std[std_id] = [0, 0]
        counts[0] += 1
        counts[1] += r[3]
        musts += r[5]
        shoulds += r[6]
    return musts, shoulds


def _type_link(named: str, lgsl: int | None) -> str:
    """A service's name linking to its service type's page: how every council delivers the same service."""
    return f'<a href="../../insights/service-types/{lgsl}/">{named}</a>' if lgsl is not None else named


def _services_table(rows: str) -> str:
    return (
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table id="services-table" data-stack>'
        "<caption>Services, those failing most musts first; each links to how other councils deliver that "
        "type of service</caption>"
        '<thead><tr><th scope="col">Service</th><th scope="col">Compliant</th>'
        '<th scope="col" style="text-align:right">Musts failing</th>'
        '<th scope="col" style="text-align:right">Shoulds failing</th>'
        '<th scope="col" style="text-align:right">Score</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></div>"
    )


def _opening(name: str, s: CouncilSummary) -> str:
    """The page's first sentence: what it shows, with the council's headline result."""
    if not s.services:
        return f"{md_cell(name)} has not published any services in the registry yet."
    return (
        f"{md_cell(name)} has {count(s.services, 'service')} in the registry; {s.compliant} of them meet every "
        "*must* in the standards that apply to them. This page shows what fails, in which services, and how to fix it."
    )


def _figures(site: CouncilSite, cid: str, name: str, s: CouncilSummary) -> str:
    """The headline figures, each with what it counts, and the badge."""
    alt = " ".join(badge_alt(name, s.compliant, s.services).split())
    width = sum(badge_widths(badge_text(s.compliant, s.services)))
    figures = [
        (str(s.services), "services", "Every service manifest the council has published."),
        (
            f"{s.compliant} of {s.services}",
            "services compliant",
            "They fail no <em>must</em> in any standard that applies to them; an active waiver counts as met.",
        ),
        (
            str(s.failed_must),
            f"musts failing, in {count(s.services_failing_must, 'service')}",
            "Each service counts once for each <em>must</em> requirement it does not meet.",
        ),
        (
            str(s.waivers_active),
            f"waivers active, {s.waivers_expired} expired",
            "Exceptions to one requirement for one service, approved by the council until a date.",
        ),
    ]
    cards = "".join(
        f'<div><p class="sitegen-number">{value}</p><p><strong>{label}</strong></p><p>{meaning}</p></div>'
        for value, label, meaning in figures
    )
    badge = (
        f'<div><p class="sitegen-badge"><img src="../../badges/{esc(cid)}.svg" alt="{esc(alt)}" '
        f'width="{width}" height="20"></p><p><strong>badge</strong></p><p>Compliant services out of all; '
        'see <a href="#badge">Badge</a> to embed it.</p></div>'
    )
    rows = "".join(
        f'<tr><th scope="row">{esc(std.title)}</th>'
        f'<td data-label="Compliant" style="text-align:right">{met} of {applies}</td>'
        f'<td data-label="Share" style="text-align:right">{pct(met, applies)}</td></tr>'
        for std in site.standards
        if std.id in s.standards
        for applies, met in [s.standards[std.id]]
    )
    table = (
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table id="standards-table" data-stack>'
        "<caption>Services compliant with each standard, out of those it applies to</caption>"
        '<thead><tr><th scope="col">Standard</th><th scope="col" style="text-align:right">Compliant</th>'
        '<th scope="col" style="text-align:right">Share</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></div>"
        if rows
        else ""
    )
    return f'<div class="sitegen-figures">{cards}{badge}</div>{table}'


def council_page(
    site: CouncilSite, council: sqlite3.Row, table: str, findings: str, waivers: str, s: CouncilSummary
) -> Page:
    cid = council["id"]
    name = council["name"]
    sample = bool(council["sample"])
    url = safe_url(council["website"])
    # md_cell keeps Markdown from reading the address's * or _ as emphasis (the link text is in a cell).
    website = f'<a href="{esc(url)}">{md_cell(url)}</a>' if url else md_cell(council["website"] or "–")
    blocks = {
        "style": stylesheet_link("../../"),
        "figures": _figures(site, cid, name, s),
        "badge": _badge_block(site, cid, name, s),
    }
    md = [f"# {esc(name)}", "", placeholder("style"), "", _opening(name, s), ""]
    if sample:
        md += [SAMPLE_NOTICE, ""]
    md += [placeholder("figures"), ""]
    if s.services:
        blocks["services"] = _services_table(table)
        md += [
            "## Services",
            "",
            "A service is **compliant** when it fails no *must* requirement of any standard that applies to it; "
            "its **score** is the share of those standards' requirements it meets or has waived. What fails is "
            "under [What fails and how to fix it](#what-fails-and-how-to-fix-it).",
            "",
            placeholder("services"),
            "",
            "## What fails and how to fix it",
            "",
        ]
        if findings:
            blocks["findings"] = findings
            md += [
                "Grouped by standard, *musts* first and then the requirements failing in most services. Each says "
                "what the manifests record, which services it concerns and how to fix it; *How this is checked* "
                "under each links to the requirement's rule.",
                "",
                placeholder("findings"),
                "",
            ]
        else:
            md += ["No requirement fails in this council's services.", ""]
        md += ["## Waivers", ""]
        if waivers:
            blocks["waivers"] = waivers
            md += [placeholder("waivers"), ""]
        else:
            md += ["No service has a waiver.", ""]
    md += [
        f"## About {esc(name)}",
        "",
        "| Fact | Detail |",
        "|---|---|",
        f"| GSS code | {md_cell(council['gss_code'])} |",
        f"| Register code | {md_cell(council['register_code'])} |",
        f"| Type | {md_cell(type_name(council['type']))} ({md_cell(council['type'])}) |",
        f"| Nation | {md_cell(council['nation'])} |",
        f"| Region | {md_cell(council['region'])} |",
        f"| Website | {website} |",
        f"| Mean score | {f'{100 * s.score_sum / s.services:.1f}%' if s.services else '–'} |",
        "| Sample data | " + ("Yes: the services and their statuses are invented |" if sample else "No |"),
        "",
        # Out of site search: every council has one, so "blue badge" would find 400 badges first.
        "## Badge { data-search-exclude }",
        "",
        placeholder("badge"),
        "",
    ]
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
        "<p>The badge shows how many of the council's services are compliant, out of all its services. "
        f"Embed the badge in a page or README; it links back here.{where} As Markdown:</p>"
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
        table, findings, waivers, summary = _render_services(site, rows, merged)
        site.summaries[council_id] = summary
        out.append(council_page(site, council, table, findings, waivers, summary))
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
