"""The patterns catalogue: patterns/index.md (every pattern, by category) and one page per
pattern: what it solves, when to use it and not, who maintains it, the requirements it
helps meet, and every council and service that uses it.

A pattern's own text is maintainers' content (Markdown); the councils and services that use
it come from manifests, so they are escaped and go into an html_block: a common platform can
have tens of thousands of adopters, which neither Markdown nor the search index should see.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter

from registry.playbook.common import SAMPLE_NOTICE, Page, SiteContext, esc, link, md_cell, placeholder
from registry.playbook.insights.data import LISTED

CATEGORIES = {
    "common_platform": "Common platforms",
    "open_source_product": "Open-source products",
    "open_standard": "Open standards",
    "design_pattern": "Design patterns",
    "data_service": "Data services",
}


# What a pattern is to a service (checks.models.PatternType), as the catalogue names it.
TYPES = {"solution": "Solution", "building_block": "Building block"}
TYPES_EXPLAINED = (
    "A **solution** delivers a service: a shared platform or product such as PlanX, BOPS, FixMyStreet Pro or "
    "GOV.UK Pay. A **building block** is a part any service uses, such as the Design System, GOV.UK Notify or "
    "an address lookup. [Duplication hotspots](../insights/hotspots.md) count councils sharing solutions, "
    "never building blocks."
)


def type_name(kind: str) -> str:
    return TYPES.get(kind, kind.replace("_", " ").capitalize())


def category_name(category: str) -> str:
    return CATEGORIES.get(category, category.replace("_", " ").capitalize())


def _users_html(rows: list[sqlite3.Row], sample_councils: frozenset[str]) -> str:
    """A table of adopting councils: each links to its page, with how many of its services use the
    pattern and their names.

    The names are text, not links to each service: a common platform has thousands of adopters
    (9,000 services at 400 councils x 250), and a link apiece made the page 1.3 MB. The council's
    page has its services.
    """
    if not rows:
        return "<p>No service in the registry declares this pattern yet.</p>"
    parts = [
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>',
        '<thead><tr><th scope="col">Council</th><th scope="col" style="text-align:right">Services</th>'
        '<th scope="col">Services using it</th></tr></thead><tbody>',
    ]
    for council_id, group in itertools.groupby(rows, key=lambda r: r["council_id"]):
        services = list(group)
        council = esc(council_id)
        sample = ' <span class="sg-sample">sample</span>' if council_id in sample_councils else ""
        names = ", ".join(esc(s["service_name"]) for s in services)
        parts.append(
            f'<tr><th scope="row"><a href="../../councils/{council}/">{esc(services[0]["council_name"])}</a>'
            f'{sample}</th><td style="text-align:right">{len(services)}</td><td>{names}</td></tr>'
        )
    parts.append("</tbody></table></div></div>")
    return "".join(parts)


def _types_html(rows: list[sqlite3.Row]) -> str:
    """The service types whose services use the pattern, the LISTED with the most councils, each linking
    to its insights page (registry.playbook.insights makes one for every LGSL code in the index)."""
    if not rows:
        return "<p>No service with an LGSL code declares this pattern yet.</p>"
    more = (
        f"<p>The {LISTED} service types with the most councils, of {len(rows):,}; "
        '<a href="../../insights/service-types/">every service type</a> has its own page.</p>'
        if len(rows) > LISTED
        else ""
    )
    parts = [
        more,
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>',
        '<thead><tr><th scope="col">Service type</th><th scope="col" style="text-align:right">Councils</th>'
        '<th scope="col" style="text-align:right">Services</th></tr></thead><tbody>',
    ]
    for r in rows[:LISTED]:
        lgsl = int(r["lgsl"])
        parts.append(
            f'<tr><th scope="row"><a href="../../insights/service-types/{lgsl}/">{esc(r["label"])} (LGSL {lgsl})</a>'
            f'</th><td style="text-align:right">{r["councils"]}</td>'
            f'<td style="text-align:right">{r["services"]}</td></tr>'
        )
    parts.append("</tbody></table></div></div>")
    return "".join(parts)


def status_note(pattern: sqlite3.Row, successor: sqlite3.Row | None) -> list[str]:
    """A deprecated or retired pattern's warning, naming the pattern to move to (lint makes sure it exists)."""
    if pattern["status"] == "active":
        return []
    target = f"[{md_cell(successor['name'])}]({successor['id']}.md)" if successor else "its successor"
    if pattern["status"] == "deprecated":
        title, text = (
            "Deprecated",
            f"New services should use {target} instead; services using this one should plan the move.",
        )
    else:
        title, text = "Retired", f"This pattern is no longer available: services using it must move to {target}."
    text += " Each council's daily notices (`standards notices`) list its services that use it."
    return [f'!!! warning "{title}"', "", f"    {text}", ""]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _lead(name: str, services: int, councils: int, requirements: int) -> str:
    """The page's opening sentence: who uses the pattern and what it helps with."""
    helps = (
        f"it helps meet {_plural(requirements, 'requirement')}" if requirements else "it is linked to no requirement"
    )
    if not services:
        return f"No service in the registry uses {md_cell(name)} yet; {helps}."
    return f"{md_cell(name)} is used by {_plural(services, 'service')} in {_plural(councils, 'council')}, and {helps}."


def pattern_page(
    pattern: sqlite3.Row,
    helps: list[sqlite3.Row],
    users: list[sqlite3.Row],
    sample_councils: frozenset[str],
    types: list[sqlite3.Row] | None = None,
    successor: sqlite3.Row | None = None,
) -> Page:
    councils = len({u["council_id"] for u in users})
    sample = any(u["sample"] for u in users)
    licence = f" ({md_cell(pattern['licence'])})" if pattern["licence"] else ""
    lines = [
        f"# {pattern['name']}",
        "",
        _lead(pattern["name"], len(users), councils, len(helps)),
        "",
        *status_note(pattern, successor),
        pattern["summary"].strip(),
        "",
        "| Type | Category | Maintainer | Open source | Website | Used by |",
        "|---|---|---|---|---|---|",
        f"| {type_name(pattern['type'])} | {category_name(pattern['category'])} | {md_cell(pattern['maintainer'])} "
        f"| {'Yes' + licence if pattern['open_source'] else 'No'} | {link(pattern['url'], pattern['url'])} "
        f"| {_plural(len(users), 'service')} in {_plural(councils, 'council')} |",
        "",
        "## What it solves",
        "",
        pattern["solves"].strip(),
        "",
        "## When to use it",
        "",
        pattern["when_to_use"].strip(),
        "",
    ]
    if pattern["when_not_to_use"]:
        lines += ["## When not to use it", "", pattern["when_not_to_use"].strip(), ""]
    lines += ["## Requirements it helps meet", ""]
    if helps:
        lines += [
            f"- [{r['id']} {md_cell(r['title'])}](../standards/{r['standard_id']}.md#{r['id'].lower()}) "
            f"({md_cell(r['level'])}, {md_cell(r['standard_title'])})"
            for r in helps
        ]
    else:
        lines.append("It is not linked to a particular requirement.")
    lines.append("")
    references = [f"- {link(ref.get('url'), ref.get('title'))}" for ref in json.loads(pattern["references_json"])]
    if references:
        lines += ["## References", "", *references, ""]
    token = placeholder("pattern-users")
    types_token = placeholder("pattern-types")
    lines += [
        "## Where it is used, by service type",
        "",
        "Each service type (LGSL code) links to its page in the [sector insights](../insights/index.md): "
        "the other solutions councils use for it, their compliance, suppliers and buying windows.",
        "",
        *([SAMPLE_NOTICE] if sample else []),
        types_token,
        "",
        "## Councils and services using it",
        "",
        *([SAMPLE_NOTICE] if sample else []),
        token,
        "",
    ]
    return Page(
        f"patterns/{pattern['id']}.md",
        "\n".join(lines) + "\n",
        html_blocks={token: _users_html(users, sample_councils), types_token: _types_html(types or [])},
        in_nav=True,
    )


def _status_mark(pattern: sqlite3.Row) -> str:
    return "" if pattern["status"] == "active" else f" ({pattern['status']})"


def index_page(patterns: list[sqlite3.Row], adopters: Counter[str]) -> Page:
    lines = [
        "# Patterns",
        "",
        f"The library holds {_plural(len(patterns), 'pattern')} councils already use: shared platforms, products, "
        "open standards and design patterns.",
        "",
        "Reusing one means a problem is solved once for the sector, and each pattern lists the "
        "requirements it helps meet. A service declares the patterns it uses under `patterns:` "
        "in its manifest.",
        "",
        TYPES_EXPLAINED,
        "",
    ]
    by_category = sorted(patterns, key=lambda p: (category_name(p["category"]), p["name"].lower()))
    for category, group in itertools.groupby(by_category, key=lambda p: p["category"]):
        lines += [
            f"## {category_name(category)}",
            "",
            "| Pattern | Type | What it is | Maintainer | Services using it |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| [{md_cell(p['name'])}]({p['id']}.md){_status_mark(p)} | {type_name(p['type'])} "
            f"| {md_cell(p['summary'])} "
            f"| {md_cell(p['maintainer'])} "
            f"| {adopters.get(p['id'], 0)} |"
            for p in group
        ]
        lines.append("")
    return Page("patterns/index.md", "\n".join(lines))


def pages(ctx: SiteContext) -> list[Page]:
    conn = ctx.conn
    patterns = list(conn.execute("SELECT * FROM patterns ORDER BY name"))
    helps: dict[str, list[sqlite3.Row]] = {}
    # Only requirements the index knows: a link to a missing anchor would fail the strict build.
    for row in conn.execute(
        "SELECT pr.pattern_id, r.id, r.title, r.level, r.standard_id, s.title AS standard_title "
        "FROM pattern_requirements pr JOIN requirements r ON r.id = pr.requirement_id "
        "JOIN standards s ON s.id = r.standard_id ORDER BY r.standard_id, r.position"
    ):
        helps.setdefault(row["pattern_id"], []).append(row)
    users: dict[str, list[sqlite3.Row]] = {}
    for row in conn.execute(
        "SELECT sp.pattern_id, s.id AS service_id, s.name AS service_name, s.sample, s.council_id, "
        "c.name AS council_name FROM service_patterns sp JOIN services s ON s.key = sp.service_key "
        "JOIN councils c ON c.id = s.council_id ORDER BY sp.pattern_id, c.name, s.council_id, s.name"
    ):
        users.setdefault(row["pattern_id"], []).append(row)
    adopters = Counter({pattern_id: len(rows) for pattern_id, rows in users.items()})
    # Counted as registry.insights.figures.reuse_by_service_type counts a pattern's use per service type.
    types: dict[str, list[sqlite3.Row]] = {}
    for row in conn.execute(
        "SELECT sp.pattern_id, f.lgsl, coalesce(l.label, 'LGSL ' || f.lgsl) AS label, "
        "count(DISTINCT f.council_id) AS councils, count(*) AS services "
        "FROM service_patterns sp JOIN service_facts f ON f.service_key = sp.service_key "
        "LEFT JOIN lgsl l ON l.id = f.lgsl WHERE f.lgsl IS NOT NULL "
        "GROUP BY sp.pattern_id, f.lgsl ORDER BY sp.pattern_id, councils DESC, services DESC, f.lgsl"
    ):
        types.setdefault(row["pattern_id"], []).append(row)
    out = [index_page(patterns, adopters)]
    by_id = {p["id"]: p for p in patterns}
    out += [
        pattern_page(
            p,
            helps.get(p["id"], []),
            users.get(p["id"], []),
            ctx.sample_councils,
            types.get(p["id"], []),
            by_id.get(p["successor"]) if p["successor"] else None,
        )
        for p in patterns
    ]
    return out
