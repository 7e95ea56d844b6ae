"""The compliance dashboard (dashboard/index.md): compliance by standard, requirement,
council type, region and nation, each as a static SVG chart beside a table of the same numbers.

The roll-ups are the API's own (registry.compliance_queries), so the site and
/api/v1/compliance/... can never define "compliant" differently. Each is one GROUP BY
over the index's covering indexes, so the page costs a few queries whatever the size.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from registry.index.compliance import GROUPINGS, by_standard_sql, grouped_sql, requirement_ranking_sql, type_name
from registry.playbook.assets import block_tokens, stylesheet_link
from registry.playbook.charts import Bar, Html, bar_chart, data_table, figure, pct
from registry.playbook.common import SAMPLE_NOTICE, WIDE, Asset, Page, SiteContext, esc, placeholder

TOP_REQUIREMENTS = 25


@dataclass(frozen=True)
class Group:
    """One row of a roll-up: `compliant` of `services`, their mean score and failing musts."""

    key: str
    name: str
    services: int
    compliant: int
    score: float
    failed_must: int

    @property
    def bar(self) -> Bar:
        return Bar(self.name, self.compliant, self.services)


@dataclass(frozen=True)
class RequirementFailures:
    id: str
    standard_id: str
    level: str
    title: str
    failing: int
    checked: int

    @property
    def bar(self) -> Bar:
        return Bar(self.id, self.failing, self.checked)


def _groups(rows: Sequence[sqlite3.Row], name: Callable[[str], str] | None = None) -> list[Group]:
    return [
        Group(
            key=r["grp"],
            name=name(r["name"]) if name else r["name"],
            services=r["services"],
            compliant=r["compliant"] or 0,
            score=r["score"] or 0.0,
            failed_must=r["failed_must"] or 0,
        )
        for r in rows
    ]


def by_standard(conn: sqlite3.Connection) -> list[Group]:
    """Per standard, over the services it applies to; in standard id order."""
    sql, params = by_standard_sql(None)
    return _groups(conn.execute(f"{sql} ORDER BY grp", params).fetchall())


def by_grouping(conn: sqlite3.Connection, grouping: str) -> list[Group]:
    """Per council type, region or nation (GROUPINGS in registry.compliance_queries), in key order."""
    sql, params = grouped_sql(GROUPINGS[grouping], None)
    name = type_name if grouping == "council_type" else None
    return _groups(conn.execute(f"{sql} ORDER BY grp", params).fetchall(), name)


def by_requirement(conn: sqlite3.Connection) -> list[RequirementFailures]:
    """Every requirement with the services failing it, most failed first.

    The same SQL as GET /api/v1/compliance/requirements (registry.compliance_queries):
    failing = findings with outcome 'fail' (waived and errors not counted); checked = services
    the requirement's standard applies to. Ties go by failure rate, then id.
    """
    order = "failing DESC, failure_rate DESC, r.id"
    rows = conn.execute(requirement_ranking_sql("", order)).fetchall()
    return [
        RequirementFailures(r["id"], r["standard_id"], r["level"], r["title"], r["failing"], r["checked"]) for r in rows
    ]


@dataclass(frozen=True)
class Totals:
    """The whole index: its councils and services, and the services compliant overall."""

    councils: int
    services: int
    compliant: int  # services with no failing must in any standard that applies to them (services.compliant)
    sample: int  # services marked as sample data


def totals(conn: sqlite3.Connection) -> Totals:
    row = conn.execute(
        """SELECT count(*) AS services, coalesce(sum(compliant), 0) AS compliant,
                  coalesce(sum(sample), 0) AS sample FROM services"""
    ).fetchone()
    councils = conn.execute("SELECT count(*) FROM councils").fetchone()[0]
    return Totals(councils, row["services"], row["compliant"], row["sample"])


def _group_table(caption: str, first: str, groups: Sequence[Group], table_id: str) -> str:
    rows = [
        [g.name, g.services, g.compliant, pct(g.compliant, g.services), f"{100 * g.score:.1f}%", g.failed_must]
        for g in groups
    ]
    headers = [first, "Services", "Compliant", "Compliance", "Mean score", "Failing musts"]
    return data_table(caption, headers, rows, numeric=(1, 2, 3, 4, 5), table_id=table_id)


def _group_figure(ident: str, what: str, first: str, groups: Sequence[Group]) -> str:
    if not groups:
        return "<p>No services are indexed yet.</p>"
    chart = bar_chart(
        f"chart-{ident}",
        f"Compliant services by {what}",
        f"Horizontal bar chart: for each {what}, the share of its services with no failing must "
        "requirement, with the count of compliant services and of all services. "
        "The table beside the chart gives the same figures.",
        [g.bar for g in groups],
        stacked=True,
    )
    return figure(chart, _group_table(f"Compliance by {what}", first, groups, f"table-{ident}"))


def _requirement_rows(reqs: Sequence[RequirementFailures]) -> list[list[object]]:
    return [
        [
            Html(f'<a href="../standards/{esc(r.standard_id)}/#{esc(r.id.lower())}">{esc(r.id)}</a>'),
            r.title,
            r.level,
            r.failing,
            r.checked,
            pct(r.failing, r.checked),
        ]
        for r in reqs
    ]


REQUIREMENT_HEADERS = ["Requirement", "Title", "Level", "Failing", "Checked", "Failure rate"]


def _requirement_figure(reqs: Sequence[RequirementFailures]) -> str:
    top = [r for r in reqs if r.failing][:TOP_REQUIREMENTS]
    if not top:
        return "<p>No requirement fails in any indexed service.</p>"
    chart = bar_chart(
        "chart-requirements",
        f"The {len(top)} most failed requirements",
        "Horizontal bar chart: for each requirement, the share of the services its standard applies to "
        "that fail it, with the count of failing and of checked services, most failed first. "
        "The table beside the chart gives the same figures.",
        [r.bar for r in top],
    )
    table = data_table(
        f"The {len(top)} most failed requirements",
        REQUIREMENT_HEADERS,
        _requirement_rows(top),
        numeric=(3, 4, 5),
        table_id="table-requirements-top",
    )
    return figure(chart, table)


def dashboard(ctx: SiteContext) -> Page:
    conn = ctx.conn
    whole = totals(conn)
    commit = f", indexed from commit `{ctx.commit[:10]}`" if ctx.commit else ""
    lines = [
        "# Compliance dashboard",
        "",
        placeholder("dashboard-style"),
        "",
        f"{whole.compliant} of the {whole.services} services from {whole.councils} councils "
        f"({pct(whole.compliant, whole.services)}) meet every must of every standard that applies to them.",
        "",
    ]
    if whole.sample:
        lines += [SAMPLE_NOTICE, ""]
    lines += [
        f"Judged on {ctx.as_of}{commit}, by standard, requirement, council type, region and nation. "
        "Every chart has a table beside it with the same numbers.",
        "",
        *_SECTIONS,
    ]
    return Page(
        path="dashboard/index.md",
        markdown="\n".join(lines),
        html_blocks=block_tokens(_blocks(conn)),
        title="Compliance dashboard",
        hide=WIDE,
    )


def _blocks(conn: sqlite3.Connection) -> dict[str, str]:
    """Each figure and table of the page, by the placeholder _SECTIONS puts it at."""
    reqs = by_requirement(conn)
    return {
        "dashboard-style": stylesheet_link("../"),
        "dashboard-standard": _group_figure("standard", "standard", "Standard", by_standard(conn)),
        "dashboard-requirements": _requirement_figure(reqs),
        "dashboard-requirements-all": data_table(
            "Every requirement, most failed first",
            REQUIREMENT_HEADERS,
            _requirement_rows(reqs),
            numeric=(3, 4, 5),
            table_id="table-requirements-all",
        ),
        "dashboard-type": _group_figure("type", "council type", "Council type", by_grouping(conn, "council_type")),
        "dashboard-region": _group_figure("region", "region", "Region", by_grouping(conn, "region")),
        "dashboard-nation": _group_figure("nation", "nation", "Nation", by_grouping(conn, "nation")),
    }


# The page after its opening paragraph: how the figures are computed, then each figure's section.
_SECTIONS = [
    "## How the figures are computed",
    "",
    "- A service is **compliant** with a standard when it fails none of that standard's *must* "
    "requirements (an active waiver counts as met; an expired one does not). A standard counts only "
    "for the services it applies to.",
    "- A service is compliant **overall** when it is compliant with every standard that applies to it.",
    "- A service's **score** against a standard is the share of its applicable requirements it passes "
    "or has waived; its overall score is the mean over the standards that apply to it. "
    "*Mean score* is the mean over a group's services.",
    "- **Compliance** is compliant services divided by services; **failing musts** counts failing "
    "*must* results across a group's services.",
    "- A requirement's **failure rate** is the services failing it divided by the services its "
    "standard applies to (checked); waived results are not failures.",
    "- The same figures are served by the registry API under `/api/v1/compliance/`.",
    "",
    "## By standard",
    "",
    "Each standard counts the services it applies to.",
    "",
    placeholder("dashboard-standard"),
    "",
    "## By requirement",
    "",
    f"The {TOP_REQUIREMENTS} requirements failed by the most services, then every requirement.",
    "",
    placeholder("dashboard-requirements"),
    "",
    placeholder("dashboard-requirements-all"),
    "",
    "## By council type",
    "",
    "Overall compliance of the services of each type of council.",
    "",
    placeholder("dashboard-type"),
    "",
    "## By region",
    "",
    placeholder("dashboard-region"),
    "",
    "## By nation",
    "",
    placeholder("dashboard-nation"),
    "",
]


def pages(ctx: SiteContext) -> list[Page | Asset]:
    # The stylesheet this page links is an asset of registry.playbook.councils.pages.
    return [dashboard(ctx)]
