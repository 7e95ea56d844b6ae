"""The home page's figures (site/docs/index.md keeps the prose; these fill its placeholders).

Each figure is one the site already computes elsewhere, called here rather than counted again:
the totals and per-standard compliance are the dashboard's (registry/index/compliance.py's SQL,
which the API serves too), the most failed requirements the dashboard's ranking (with the councils
of their failing services counted for those few only), and the most reused patterns
registry.insights.pattern_reuse's. Every figure is printed with what it counts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from registry.index.compliance import FAILING_COUNCILS_SQL
from registry.insights.pattern_reuse import PatternReuse, pattern_reuse
from registry.playbook.charts import pct
from registry.playbook.common import Insert, SiteContext, md_cell
from registry.playbook.dashboard import Group, RequirementFailures, Totals, by_requirement, by_standard, totals
from registry.playbook.standards import anchor

PAGE = "index.md"
TOP = 5  # requirements and patterns listed

STANDARD_DEFINITION = (
    "the share of the services a standard applies to that meet every must of it (an active waiver counts as met)"
)
REQUIREMENT_DEFINITION = (
    "the services whose manifest fails a requirement today (a waived result is not a failure), "
    "and the councils those services belong to"
)
PATTERN_DEFINITION = "the councils with at least one service that names the pattern"


@dataclass(frozen=True)
class HomeFigures:
    totals: Totals
    standards: list[Group]  # every standard, compliant services of those it applies to, lowest share first
    requirements: list[RequirementFailures]  # the most failed, at most TOP, each failed at least once
    failing_councils: dict[str, int]  # requirement id -> the councils of the services failing it
    patterns: list[PatternReuse]  # the most used by councils, at most TOP, each used at least once
    titles: dict[str, str]  # standard id -> title
    pattern_pages: frozenset[str]  # patterns with a page under patterns/


def home_figures(conn: sqlite3.Connection) -> HomeFigures:
    failing = [r for r in by_requirement(conn) if r.failing][:TOP]
    used = sorted((p for p in pattern_reuse(conn) if p.adopters), key=lambda p: (-p.adopters, p.pattern_id))
    return HomeFigures(
        totals=totals(conn),
        standards=lowest_first(by_standard(conn)),
        requirements=failing,
        failing_councils={r.id: conn.execute(FAILING_COUNCILS_SQL, (r.id,)).fetchone()[0] for r in failing},
        patterns=used[:TOP],
        titles={r["id"]: r["title"] for r in conn.execute("SELECT id, title FROM standards")},
        pattern_pages=frozenset(r["id"] for r in conn.execute("SELECT id FROM patterns")),
    )


def lowest_first(groups: list[Group]) -> list[Group]:
    """Standards by their share compliant, lowest first (worst first, as a compliance table reads);
    a standard that applies to no service yet last."""
    return sorted(groups, key=lambda g: (g.compliant / g.services if g.services else 2.0, g.name))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def lead(figures: HomeFigures) -> str:
    """The page's opening sentence."""
    t = figures.totals
    return (
        f"The registry holds {_plural(t.services, 'service')} from {_plural(t.councils, 'council')}, checked "
        f"against the sector's digital standards: {t.compliant} of them meet every must of every standard "
        "that applies to them."
    )


def _standards(figures: HomeFigures) -> list[str]:
    lines = [
        "### Share compliant, by standard",
        "",
        f"Compliant: {STANDARD_DEFINITION}. Lowest share first.",
        "",
        "| Standard | Compliant |",
        "|---|---|",
    ]
    lines += [
        f"| [{md_cell(g.name)}](standards/{g.key}.md) | {g.compliant} of {_plural(g.services, 'service')} "
        f"({pct(g.compliant, g.services)}) |"
        for g in figures.standards
    ]
    return [*lines, ""] if figures.standards else ["### Share compliant, by standard", "", "No services yet.", ""]


def _requirements(figures: HomeFigures) -> list[str]:
    lines = ["### Most failed requirements", "", f"Failed by: {REQUIREMENT_DEFINITION}.", ""]
    if not figures.requirements:
        return [*lines, "No requirement fails in any service.", ""]
    lines += [
        f"{i}. [{md_cell(r.title)}](standards/{r.standard_id}.md#{anchor(r.id)}) "
        f"({md_cell(figures.titles.get(r.standard_id, r.standard_id))}, {r.level}): failed by "
        f"{_plural(r.failing, 'service')} in {_plural(figures.failing_councils[r.id], 'council')}."
        for i, r in enumerate(figures.requirements, 1)
    ]
    return [*lines, "", "[Every requirement, most failed first](dashboard/index.md#by-requirement)", ""]


def _patterns(figures: HomeFigures) -> list[str]:
    lines = ["### Most reused patterns", "", f"Used by: {PATTERN_DEFINITION}.", ""]
    if not figures.patterns:
        return [*lines, "No service names a pattern yet.", ""]

    def name(p: PatternReuse) -> str:
        text = md_cell(p.pattern)
        return f"[{text}](patterns/{p.pattern_id}.md)" if p.pattern_id in figures.pattern_pages else text

    lines += [
        f"{i}. {name(p)}: used by {_plural(p.adopters, 'council')}, for {_plural(p.service_types, 'service type')}."
        for i, p in enumerate(figures.patterns, 1)
    ]
    return [*lines, "", "[Reuse per pattern](insights/pattern-reuse.md)", ""]


def figures_markdown(figures: HomeFigures) -> str:
    t = figures.totals
    lines = [
        "## The registry in figures",
        "",
        f"- **{_plural(t.councils, 'council')}**: councils that describe their services in the registry.",
        f"- **{_plural(t.services, 'service')}**: services described in a council's manifest.",
        f"- **{t.compliant} of {t.services} services ({pct(t.compliant, t.services)}) compliant**: services that "
        "meet every must of every standard that applies to them.",
        "",
        *_standards(figures),
        *_requirements(figures),
        *_patterns(figures),
        "The [dashboard](dashboard/index.md) breaks these down by requirement, council type, region and nation.",
    ]
    return "\n".join(lines)


def pages(ctx: SiteContext) -> list[Insert]:
    figures = home_figures(ctx.conn)
    return [Insert(PAGE, "home-lead", lead(figures)), Insert(PAGE, "home-figures", figures_markdown(figures))]
