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


def _css_string(text: str) -> str:
    """`text` as a CSS string, safe inside a <style> element."""
    return '"' + "".join(ch if ch.isalnum() or ch in " .,:;()&'-" else f"\\{ord(ch):x} " for ch in text) + '"'


def column_css(table_id: str, labels: list[str], numeric: int) -> str:
    """Each column's alignment and (on a phone, where rows stack) its heading before each value, by
    position: 400 councils x 16 columns of per-cell attributes came to 250 KB of a 500 KB page."""
    rules = [
        f"#{table_id} td:nth-of-type(-n+{numeric}) {{ text-align: right; }}",
        "@media screen and (max-width: 44.984375em) {",
        f"#{table_id} td::before {{ float: left; margin-right: 1em; font-weight: 700; text-align: left; }}",
        f"#{table_id} td:nth-of-type(-n+{len(labels)}) {{ text-align: right; }}",
        *(
            f"#{table_id} td:nth-of-type({i})::before {{ content: {_css_string(label)}; }}"
            for i, label in enumerate(labels, 1)
        ),
        "}",
    ]
    return "<style>" + "\n".join(rules) + "</style>"


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
            f"<td>{pct(s.compliant, s.services)}</td><td>{score}</td><td>{s.services}</td>"
        ]
        for std in standards:
            counts = s.standards.get(std.id)
            cells.append(f"<td>{pct(counts[1], counts[0]) if counts else '–'}</td>")
        cells.append(
            f'<td><abbr title="{esc(type_name(c["type"]))}">{esc(c["type"])}</abbr></td>'
            f"<td>{esc(c['nation'])}</td><td>{esc(c['region'])}</td><td>{'Sample' if c['sample'] else 'No'}</td></tr>"
        )
        rows.append("".join(cells))
    heads = "".join(
        f'<th scope="col" style="text-align:right"><abbr title="{esc(s.title)}: % of services compliant">'
        f"{esc(s.prefix)}</abbr></th>"
        for s in standards
    )
    type_options = "".join(f'<option value="{esc(t)}">{esc(type_name(t))}</option>' for t in types)
    nation_options = "".join(f'<option value="{esc(n)}">{esc(n)}</option>' for n in nations)
    labels = ["Compliant", "Score", "Services", *(std.title for std in standards), "Type", "Nation", "Region"]
    table = (
        column_css("councils-table", [*labels, "Sample data"], numeric=3 + len(standards))
        + '<form class="sitegen-filter" data-sitegen-filter-for="councils-table" data-noun="councils" '
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
    md = [
        "# Councils",
        "",
        f"{len(site.councils)} councils describe {total_services} services here, and this table shows how many of "
        "each council's services meet each standard.",
        "",
        placeholder("style"),
        "",
    ]
    if any(c["sample"] for c in site.councils.values()):
        md += [SAMPLE_NOTICE, ""]
    md += [
        "Each standard's column is the share "
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
