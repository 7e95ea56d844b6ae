"""insights/pattern-reuse.md and insights/pattern-adoption/<pattern>.md: each pattern's adopters over
time (from Git history, the trend's month-end snapshots) and the councils delivering its service
types without it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from registry.insights.pattern_reuse import (
    ADOPTERS,
    ADOPTION,
    CANDIDATES,
    PATTERN_REUSE,
    AdoptionResult,
    PatternCandidate,
    PatternReuse,
    pattern_adoption,
    pattern_candidates,
    pattern_reuse,
)
from registry.insights.snapshots import TrendError
from registry.playbook.charts import Html, data_table
from registry.playbook.common import Page, SiteContext, esc, md_cell, placeholder
from registry.playbook.insights.data import SECTION, Insights, make_page, page_head, quote, type_name
from registry.playbook.line_chart import Series, line_chart

PAGE = f"{SECTION}/{PATTERN_REUSE.name}.md"
PATTERN_DIR = f"{SECTION}/pattern-adoption"
CHART_LINES = 6  # lines in the sector chart (the patterns with the most adopters); its table has every one
CANDIDATES_LISTED = 200  # candidate rows on a pattern's page; the command line and the API give every one


@dataclass
class PatternData:
    reuse: list[PatternReuse]
    candidates: dict[str, list[PatternCandidate]]
    adoption: AdoptionResult | str  # or why the history could not be read


def load_patterns(ctx: SiteContext, since: dt.date, until: dt.date) -> PatternData:
    candidates: dict[str, list[PatternCandidate]] = defaultdict(list)
    for c in pattern_candidates(ctx.conn, per_pattern=CANDIDATES_LISTED):
        candidates[c.pattern_id].append(c)
    index_file = next((row[2] for row in ctx.conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    adoption: AdoptionResult | str
    try:
        adoption = pattern_adoption(
            ctx.root, since, until, ref=ctx.commit or "HEAD", current_index=Path(index_file) if index_file else None
        )
    except TrendError as exc:
        adoption = str(exc)
    return PatternData(pattern_reuse(ctx.conn), dict(candidates), adoption)


def _months(adoption: AdoptionResult) -> list[str]:
    return sorted({p.month for p in adoption.points})


def _adoption_chart(chart_id: str, title: str, adoption: AdoptionResult, patterns: list[tuple[str, str]]) -> str:
    months = _months(adoption)
    counts = {(p.month, p.pattern_id): p.councils for p in adoption.points}
    series = [Series(name, tuple(float(counts.get((m, pid), 0)) for m in months)) for pid, name in patterns]
    top = max((v or 0.0 for s in series for v in s.values), default=0.0)
    return line_chart(
        chart_id,
        title,
        f"Line chart: for {len(series)} pattern{'s' if len(series) != 1 else ''}, the number of councils with a "
        f"service naming it at each month end from {months[0]} to {months[-1]}. Each line is named at its "
        "right-hand end; the table after the chart gives every value.",
        months,
        series,
        y_max=max(top, 1.0),
    )


def _adoption_table(adoption: AdoptionResult, names: dict[str, str], paged: set[str]) -> str:
    """Every pattern's councils at each month end; a pattern named now links to its page."""
    months = _months(adoption)
    counts = {(p.month, p.pattern_id): p.councils for p in adoption.points}
    rows: list[list[object]] = [
        [
            Html(f'<a href="../pattern-adoption/{esc(pid)}/">{esc(names[pid])}</a>'),
            *(counts.get((m, pid), 0) for m in months),
        ]
        for pid in sorted(names, key=lambda k: (names[k], k))
    ]
    return data_table(
        "Councils naming each pattern at each month end",
        [ADOPTION.column("pattern").heading, *months],
        rows,
        numeric=range(1, len(months) + 1),
        table_id="table-adoption-months",
    )


def pattern_reuse_page(data: Insights, patterns: PatternData) -> Page:
    paged = {r.pattern_id for r in patterns.reuse}
    blocks = {
        "pattern-reuse": data_table(
            f"{PATTERN_REUSE.title}, most candidate councils first",
            PATTERN_REUSE.headings,
            [
                [
                    Html(f'<a href="../pattern-adoption/{esc(r.pattern_id)}/">{esc(r.pattern)}</a>'),
                    r.adopters,
                    r.service_types,
                    r.candidate_councils,
                    r.candidate_services,
                ]
                for r in patterns.reuse
            ],
            numeric=(1, 2, 3, 4),
            table_id="table-pattern-reuse",
        )
        if patterns.reuse
        else "<p>No service names a pattern yet.</p>",
    }
    lines = [
        *page_head(
            PATTERN_REUSE.title,
            data.sample,
            f"{len(patterns.reuse)} pattern{'s are' if len(patterns.reuse) != 1 else ' is'} used by at least one "
            "council; for each, the councils using it and those delivering the same service types without it.",
        ),
        "For each pattern: how many councils use it, when they started (from the registry's Git history), and "
        "the councils delivering the same service types without it, the first to ask about reusing it. Each "
        "pattern links to its own page, with its adopters and every candidate council.",
        "",
        "## How it is computed",
        "",
        *ADOPTION.definition,
        "",
        quote(PATTERN_REUSE),
        quote(ADOPTION),
        "## Adopters over time",
        "",
    ]
    adoption = patterns.adoption
    if isinstance(adoption, str) or not adoption.points:
        reason = adoption if isinstance(adoption, str) else "no commit falls in the period"
        lines += [
            f"The registry's history could not be read, so this build shows no adopters over time: {md_cell(reason)}",
            "",
        ]
    else:
        seen = {p.pattern_id: p.pattern for p in adoption.points}
        latest = _months(adoption)[-1]
        now = {p.pattern_id: p.councils for p in adoption.points if p.month == latest}
        ranked = sorted(seen, key=lambda pid: (-now.get(pid, 0), pid))
        shown = [(pid, seen[pid]) for pid in ranked[:CHART_LINES]]
        blocks["adoption-chart"] = _adoption_chart(
            "chart-adoption", "Councils naming each pattern at each month end", adoption, shown
        )
        blocks["adoption-months"] = _adoption_table(adoption, seen, paged)
        lines += [
            f"The {len(shown)} patterns most councils name at the latest month end; the table has every pattern.",
            "",
            placeholder("adoption-chart"),
            "",
            placeholder("adoption-months"),
            "",
        ]
    lines += ["## Candidates to reuse each pattern", "", placeholder("pattern-reuse"), ""]
    return make_page(PAGE, PATTERN_REUSE.title, lines, blocks, "../../", in_nav=True)


def pattern_adoption_pages(data: Insights, patterns: PatternData) -> list[Page]:
    return [_pattern_page(data, patterns, r) for r in patterns.reuse]


def _pattern_page(data: Insights, patterns: PatternData, r: PatternReuse) -> Page:
    title = f"{PATTERN_REUSE.title}: {r.pattern}"
    candidates = patterns.candidates.get(r.pattern_id, [])
    listed = candidates[:CANDIDATES_LISTED]
    blocks = {
        "candidates": data_table(
            f"Councils delivering {r.pattern}'s service types without it",
            CANDIDATES.headings_of("council", "label", "services", "adopters"),
            [
                [
                    Html(f'<a href="../../../councils/{esc(c.council_id)}/">{esc(c.council)}</a>'),
                    Html(f'<a href="../../service-types/{c.lgsl}/">{esc(type_name(c.label, c.lgsl))}</a>'),
                    c.services,
                    c.adopters,
                ]
                for c in listed
            ],
            numeric=(2, 3),
            table_id="table-candidates",
        )
        if candidates
        else "<p>Every council delivering a service type this pattern is used for already uses it for that type.</p>",
    }
    link = f"[the pattern's page](../../patterns/{r.pattern_id}.md)" if r.pattern_id in data.patterns else "the library"
    lines = [
        *page_head(
            title,
            data.sample,
            f"{r.adopters} council{'s use' if r.adopters != 1 else ' uses'} {md_cell(r.pattern)}, for "
            f"{r.service_types} service type{'s' if r.service_types != 1 else ''}; {r.candidate_councils} "
            f"council{'s deliver' if r.candidate_councils != 1 else ' delivers'} those types without it.",
        ),
        f"The pattern itself is described on {link}; [Reuse per pattern](../pattern-reuse.md) says how these "
        "are counted.",
        "",
        "## Adopters over time",
        "",
    ]
    adoption = patterns.adoption
    points = [] if isinstance(adoption, str) else [p for p in adoption.points if p.pattern_id == r.pattern_id]
    if isinstance(adoption, str) or not points:
        lines += ["No month end in the period has a service naming this pattern in the registry's history.", ""]
    else:
        blocks["adoption-chart"] = _adoption_chart(
            "chart-pattern-adoption",
            f"Councils naming {r.pattern} at each month end",
            adoption,
            [(r.pattern_id, r.pattern)],
        )
        first = [a for a in adoption.adopters if a.pattern_id == r.pattern_id]
        blocks["adopters"] = data_table(
            f"When each council first named {r.pattern}",
            [*ADOPTERS.headings_of("council", "first_month"), "Already named at the period's start"],
            [[a.council, a.first_month, "Yes" if a.at_start else "No"] for a in first],
            table_id="table-adopters",
        )
        lines += [placeholder("adoption-chart"), "", placeholder("adopters"), ""]
    more = len(candidates) - len(listed)
    lines += [
        "## Candidates to reuse it",
        "",
        f"{len(candidates)} council and service type pair{'s' if len(candidates) != 1 else ''}, the types most "
        "councils use it for first"
        + (
            f"; the first {len(listed)} are listed (`standards insights pattern-reuse --pattern {r.pattern_id}` "
            "gives every one)."
            if more
            else "."
        ),
        "",
        placeholder("candidates"),
        "",
    ]
    return make_page(f"{PATTERN_DIR}/{r.pattern_id}.md", title, lines, blocks, "../../../", in_nav=False)
