"""authorities/index.md and authorities/<code>.md: the strategic (combined) authorities, each with its
constituent councils' compliance and the products and patterns two or more of them already share.

The figures are registry.insights.authorities' own, so the site, /api/v1/authorities and the
insights' `--authority` filter agree. A page is made for each authority with at least one
constituent council describing services here; the index lists every authority in the register.
Council, product and pattern names come from manifests and the register: every one goes through
`esc` (data_table escapes every cell that is not `Html`).
"""

from __future__ import annotations

import calendar
import datetime as dt

from registry.insights.authorities import (
    AUTHORITIES,
    CONSTITUENTS,
    SHARED,
    AuthoritySummary,
    Constituent,
    SharedSolution,
    authority_summaries,
    constituents,
    shared_solutions,
)
from registry.playbook.assets import block_tokens, stylesheet_link
from registry.playbook.charts import Html, data_table
from registry.playbook.common import SAMPLE_NOTICE, WIDE, Asset, Page, SiteContext, esc, placeholder
from registry.playbook.insights.data import quote

SECTION = "authorities"


def page_path(code: str) -> str:
    return f"{SECTION}/{code.lower()}.md"


def pages(ctx: SiteContext) -> list[Page | Asset]:
    summaries = authority_summaries(ctx.conn)
    councils = {r["id"]: r["name"] for r in ctx.conn.execute("SELECT id, name FROM councils")}
    patterns = {r["id"] for r in ctx.conn.execute("SELECT id FROM patterns")}
    out: list[Page | Asset] = [index_page(summaries, bool(ctx.sample_councils))]
    for summary in summaries:
        if summary.councils:
            members = constituents(ctx.conn, summary.code)
            shared = shared_solutions(ctx.conn, summary.code)
            sample = any(m.council in ctx.sample_councils for m in members)
            out.append(authority_page(summary, members, shared, councils, patterns, sample))
    return out


def _of(part: int, whole: int) -> str:
    """`part of whole (share)`: a count says what it is out of; – when there is nothing to count."""
    return f"{part} of {whole} ({100 * part / whole:.0f}%)" if whole else "–"


def _page(path: str, title: str, lines: list[str], blocks: dict[str, str], prefix: str) -> Page:
    blocks = {"style": stylesheet_link(prefix), **blocks}
    return Page(path, "\n".join(lines) + "\n", block_tokens(blocks), title, hide=WIDE)


def _head(title: str, sample: bool, lead: str) -> list[str]:
    """The title, the one sentence saying what the page shows, then the sample-data notice."""
    return [f"# {title}", "", placeholder("style"), "", lead, "", *([SAMPLE_NOTICE, ""] if sample else [])]


# --------------------------------------------------------------------------- the index


def index_page(summaries: list[AuthoritySummary], sample: bool) -> Page:
    active = [s for s in summaries if s.councils]
    rows = [
        [
            Html(f'<a href="{esc(s.code.lower())}/">{esc(s.name)}</a>') if s.councils else s.name,
            f"{s.councils} of {s.constituents}",
            s.services,
            _of(s.compliant, s.services),
            s.shared_solutions if s.councils else "–",
            s.region,
        ]
        for s in sorted(summaries, key=lambda s: (-s.councils, s.name))
    ]
    table = data_table(
        "Strategic authorities, their constituent councils with services here, and their compliance",
        ["Authority", "Councils with services", "Services", "Compliant services", "Shared solutions", "Region"],
        rows,
        numeric=(2, 4),
        table_id="table-authorities",
    )
    lines = [
        *_head(
            AUTHORITIES.title,
            sample,
            f"{len(active)} of the {len(summaries)} combined authorities in the register have councils describing "
            "services here; each has a page with its councils' compliance and the products and patterns they share.",
        ),
        "Combined and mayoral combined authorities bring neighbouring councils together for transport, "
        "skills and growth. The table lists authorities with councils here first.",
        "",
        placeholder("authorities"),
        "",
        "## What the figures count",
        "",
        *AUTHORITIES.definition,
        "",
        quote(AUTHORITIES),
    ]
    return _page(f"{SECTION}/index.md", AUTHORITIES.title, lines, {"authorities": table}, "../")


# --------------------------------------------------------------------------- one authority


def _worst_first(members: list[Constituent]) -> list[Constituent]:
    """Councils with services, least compliant first; then those with none here, by name."""
    return sorted(members, key=lambda m: (m.services == 0, m.compliance_rate or 0.0, m.name))


def _council(member: Constituent, councils: dict[str, str]) -> object:
    if member.council is not None and member.council in councils:
        return Html(f'<a href="../../councils/{esc(member.council)}/">{esc(member.name)}</a>')
    return member.name


def _solution(item: SharedSolution, patterns: set[str]) -> object:
    if item.kind == "pattern" and item.id in patterns:
        return Html(f'<a href="../../patterns/{esc(item.id)}/">{esc(item.name)}</a>')
    return item.name


def authority_page(
    summary: AuthoritySummary,
    members: list[Constituent],
    shared: list[SharedSolution],
    councils: dict[str, str],
    patterns: set[str],
    sample: bool,
) -> Page:
    member_rows = [
        [
            _council(m, councils),
            m.services if m.services else "none here",
            _of(m.compliant, m.services),
            _of(m.musts_met, m.musts_applicable),
        ]
        for m in _worst_first(members)
    ]
    member_table = data_table(
        f"{summary.name}: constituent councils, least compliant first",
        ["Council", "Services", "Compliant services", "Musts met"],
        member_rows,
        numeric=(1,),
        table_id="table-constituents",
    )
    shared_rows = [
        [
            _solution(s, patterns),
            "Pattern" if s.kind == "pattern" else "Product",
            ", ".join(councils.get(c, c) for c in s.council_ids),
            s.services,
        ]
        for s in shared
    ]
    shared_table = (
        data_table(
            f"{summary.name}: products and patterns two or more constituent councils use",
            ["Solution", "Kind", "Councils using it", "Services"],
            shared_rows,
            numeric=(3,),
            table_id="table-shared",
        )
        if shared
        else "<p>No product or pattern is used by two or more of its councils yet.</p>"
    )
    lines = [
        *_head(summary.name, sample, _opening(summary)),
        f"It was established on {_date(summary.start_date)} ({summary.region}); register code "
        f"`{summary.code}`. [All strategic authorities](index.md).",
        "",
        "## Constituent councils",
        "",
        placeholder("constituents"),
        "",
        *CONSTITUENTS.definition,
        "",
        quote(CONSTITUENTS),
        "## Shared solutions",
        "",
        placeholder("shared"),
        "",
        *SHARED.definition,
        "",
        quote(SHARED),
    ]
    blocks = {"constituents": member_table, "shared": shared_table}
    return _page(page_path(summary.code), summary.name, lines, blocks, "../../")


def _opening(s: AuthoritySummary) -> str:
    plural = "s" if s.shared_solutions != 1 else ""
    shared = (
        f"they already share {s.shared_solutions} product{plural} or pattern{plural}"
        if s.shared_solutions
        else "they share no product or pattern yet"
    )
    return (
        f"{s.councils} of the {s.constituents} councils in {s.name} describe {s.services} "
        f"service{'s' if s.services != 1 else ''} here; {s.compliant} of the {s.services} meet every must that "
        f"applies to them, and {shared}."
    )


def _date(iso: str) -> str:
    """`2014-04-01` as `1 April 2014`."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
