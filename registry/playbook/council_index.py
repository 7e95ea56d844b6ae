"""councils/index.md: every council with the share of its services compliant with each standard,
filterable by name, region, type and nation (the filter script degrades to the full table)."""

from __future__ import annotations

from registry.index.compliance import type_name
from registry.playbook.assets import FILTER_SCRIPT, block_tokens, stylesheet_link
from registry.playbook.charts import pct
from registry.playbook.common import (
    SAMPLE_NOTICE,
    WIDE,
    Page,
    esc,
    placeholder,
)
from registry.playbook.council_data import (
    CouncilSite,
    CouncilSummary,
)


def index_page(site: CouncilSite) -> Page:
    standards = site.standards
    types = sorted({c["type"] for c in site.councils.values()})
    nations = sorted({c["nation"] for c in site.councils.values()})
    rows: list[str] = []
    for cid, c in site.councils.items():
        s = site.summaries.get(cid) or CouncilSummary()
        text = f"{c['name']} {c['region']} {cid}".lower()
        score = f"{100 * s.score_sum / s.services:.1f}%" if s.services else "–"
        # Key columns first (name, compliant, score, services), so they show without scrolling.
        cells = [
            f'<tr data-type="{esc(c["type"])}" data-nation="{esc(c["nation"])}" data-text="{esc(text)}">'
            f'<th scope="row"><a href="{esc(cid)}/">{esc(c["name"])}</a></th>'
            f'<td data-label="Compliant" style="text-align:right">{pct(s.compliant, s.services)}</td>'
            f'<td data-label="Score" style="text-align:right">{score}</td>'
            f'<td data-label="Services" style="text-align:right">{s.services}</td>'
        ]
        for std in standards:
            counts = s.standards.get(std.id)
            share = pct(counts[1], counts[0]) if counts else "–"
            cells.append(f'<td data-label="{esc(std.title)}" style="text-align:right">{share}</td>')
        cells.append(
            f'<td data-label="Type"><abbr title="{esc(type_name(c["type"]))}">{esc(c["type"])}</abbr></td>'
            f'<td data-label="Nation">{esc(c["nation"])}</td><td data-label="Region">{esc(c["region"])}</td>'
            f'<td data-label="Sample data">{"Sample" if c["sample"] else "No"}</td></tr>'
        )
        rows.append("".join(cells))
    heads = "".join(
        f'<th scope="col" style="text-align:right"><abbr title="{esc(s.title)}: % of services compliant">'
        f"{esc(s.prefix)}</abbr></th>"
        for s in standards
    )
    type_options = "".join(f'<option value="{esc(t)}">{esc(type_name(t))}</option>' for t in types)
    nation_options = "".join(f'<option value="{esc(n)}">{esc(n)}</option>' for n in nations)
    table = (
        '<form class="sitegen-filter" data-sitegen-filter-for="councils-table" data-noun="councils" '
        'role="search" aria-label="Filter councils" hidden>'
        '<div><label for="councils-filter-text">Name or region contains</label>'
        '<input type="search" id="councils-filter-text" data-filter-text autocomplete="off"></div>'
        '<div><label for="councils-filter-type">Council type</label>'
        f'<select id="councils-filter-type" data-filter="type"><option value="">All types</option>{type_options}'
        "</select></div>"
        '<div><label for="councils-filter-nation">Nation</label>'
        f'<select id="councils-filter-nation" data-filter="nation"><option value="">All nations</option>'
        f"{nation_options}</select></div>"
        '<p role="status" aria-live="polite"></p></form>'
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table id="councils-table" data-stack>'
        "<caption>Councils and the share of their services compliant with each standard</caption>"
        '<thead><tr><th scope="col">Council</th><th scope="col" style="text-align:right">Compliant</th>'
        '<th scope="col" style="text-align:right">Score</th><th scope="col" style="text-align:right">Services</th>'
        f'{heads}<th scope="col">Type</th><th scope="col">Nation</th><th scope="col">Region</th>'
        '<th scope="col">Sample data</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></div>"
        f'<script src="../{FILTER_SCRIPT}"></script>'
    )
    total_services = sum(s.services for s in site.summaries.values())
    md = ["# Councils", "", placeholder("style"), ""]
    if any(c["sample"] for c in site.councils.values()):
        md += [SAMPLE_NOTICE, ""]
    md += [
        f"{len(site.councils)} councils with {total_services} services. Each standard's column is the share "
        "of the council's services it applies to that are compliant with it (no failing *must* "
        "requirement; – where it applies to none); **Compliant** is the share of services compliant with "
        "every standard that applies to them, and **Score** the mean share of applicable requirements met. "
        "Filter the table by name, region, type or nation.",
        "",
        placeholder("councils"),
        "",
    ]
    blocks = {"style": stylesheet_link("../"), "councils": table}
    page = block_tokens(blocks)
    return Page(path="councils/index.md", markdown="\n".join(md), html_blocks=page, title="Councils", hide=WIDE)
